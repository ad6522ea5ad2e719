// SPDX-License-Identifier: Apache-2.0
//
// Independent oracle for tests/twin/test_ephem_astro.c: apparent azimuth and
// elevation of the Sun and the Earth from lunar surface sites, computed only
// with the npm package astronomy-engine (its own VSOP87/ELP-derived vectors and
// its IAU lunar rotation, RotationAxis(Body.Moon)); stated accuracy +-1 arcmin.
//
// usage: node azel.js LAT,LON,UTC [LAT,LON,UTC ...]
// prints one line per case: lat lon utc sun_az sun_el earth_az earth_el (degrees)
'use strict';
const path = require('path');
const Astronomy = require(path.join(__dirname, '..', '..', '..', 'web', 'node_modules',
                                    'astronomy-engine'));

const C_AU_PER_DAY = 173.1446326846693;   // speed of light, au/day
const MOON_RADIUS_AU = 1737.4 / 149597870.7;
const DEG = Math.PI / 180;

// Frame rotation about an axis (same sign convention as SOFA/ERFA eraRx/eraRz):
// returns R such that v_new = R v_old.
function rotX(a) { const c = Math.cos(a), s = Math.sin(a); return [[1, 0, 0], [0, c, s], [0, -s, c]]; }
function rotZ(a) { const c = Math.cos(a), s = Math.sin(a); return [[c, s, 0], [-s, c, 0], [0, 0, 1]]; }
function mul(a, b) {
  const r = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) r[i][j] += a[i][k] * b[k][j];
  return r;
}
function apply(m, v) { return [0, 1, 2].map(i => m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2]); }
function applyT(m, v) { return [0, 1, 2].map(i => m[0][i] * v[0] + m[1][i] * v[1] + m[2][i] * v[2]); }
function norm(v) { return Math.hypot(v[0], v[1], v[2]); }
function unit(v) { const n = norm(v); return v.map(x => x / n); }
function dot(a, b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

function caseLine(lat, lon, utc) {
  const t = Astronomy.MakeTime(new Date(utc));
  // ICRF(EQJ) -> lunar body frame from the IAU model as astronomy-engine implements it.
  const axis = Astronomy.RotationAxis(Astronomy.Body.Moon, t);
  const ra = axis.ra * 15 * DEG;   // ra is in sidereal hours
  const R = mul(rotZ(axis.spin * DEG), mul(rotX((90 - axis.dec) * DEG), rotZ(ra + 90 * DEG)));
  const phi = lat * DEG, lam = lon * DEG;
  const up = [Math.cos(phi) * Math.cos(lam), Math.cos(phi) * Math.sin(lam), Math.sin(phi)];
  const east = [-Math.sin(lam), Math.cos(lam), 0];
  const north = [-Math.sin(phi) * Math.cos(lam), -Math.sin(phi) * Math.sin(lam), Math.cos(phi)];
  const moon = Astronomy.BaryState(Astronomy.Body.Moon, t);
  const site = applyT(R, up.map(x => x * MOON_RADIUS_AU));
  const obs = [moon.x + site[0], moon.y + site[1], moon.z + site[2]];
  const vel = [moon.vx / C_AU_PER_DAY, moon.vy / C_AU_PER_DAY, moon.vz / C_AU_PER_DAY];
  const out = [];
  for (const body of [Astronomy.Body.Sun, Astronomy.Body.Earth]) {
    // Light time: the target at t - lt, iterated.
    let lt = 0, d = null;
    for (let i = 0; i < 4; i++) {
      const s = Astronomy.BaryState(body, t.AddDays(-lt));
      d = [s.x - obs[0], s.y - obs[1], s.z - obs[2]];
      lt = norm(d) / C_AU_PER_DAY;
    }
    // First-order stellar aberration from the Moon's barycentric velocity.
    const u = unit(d);
    const k = dot(u, vel);
    const ab = unit([u[0] + vel[0] - u[0] * k, u[1] + vel[1] - u[1] * k, u[2] + vel[2] - u[2] * k]);
    const b = apply(R, ab);
    const el = Math.asin(dot(b, up)) / DEG;
    let az = Math.atan2(dot(b, east), dot(b, north)) / DEG;
    if (az < 0) az += 360;
    out.push(az.toFixed(6), el.toFixed(6));
  }
  return [lat, lon, utc].concat(out).join(' ');
}

for (const arg of process.argv.slice(2)) {
  const [lat, lon, utc] = arg.split(',');
  console.log(caseLine(Number(lat), Number(lon), utc));
}
