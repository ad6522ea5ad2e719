// SPDX-License-Identifier: Apache-2.0
//
// Site frames on the Moon and apparent directions from a site: selenographic
// latitude/longitude/height on the 1737.4 km sphere -> east/north/up in the
// mean-Earth body frame; apparent azimuth/elevation of the Sun, the Earth and
// orbiters with light time and stellar aberration; solar flux; apparent disk
// radii; the visible fraction of a disk above a straight horizon.
//
// Model (all vectors ICRF unless said otherwise):
//   observer  O(t) = Moon(t) + R(t)^T s        (s: site, body frame; R: ICRF->body)
//   target    X(t - lt), lt = |X(t - lt) - O(t)| / c, iterated; X(t - lt) is
//             extrapolated as X(t) - lt V_X(t) (error < 0.1 m for the Sun over 500 s,
//             < 1 cm for the Earth over 1.3 s: negligible)
//   apparent  eraAb(unit(X - O), V_Moon / c, ...) (special-relativistic
//             aberration, Explanatory Supplement 1992 eq. 3.252-3; the site's
//             4.6 m/s rotation speed, 0.003", is neglected)
//   local     u_body = R u_apparent; el = asin(u.up), az = atan2(u.east, u.north).
// Not modelled: gravitational light deflection by the Sun (< 0.01" away from
// the solar limb), refraction (no atmosphere).
#include <math.h>
#include <string.h>

#include <erfa.h>
#include <erfam.h>

#include "twin/twin_int.h"

int ilrs_site_init(ilrs_site_t *site, double lat_deg, double lon_deg, double height_m)
{
    memset(site, 0, sizeof *site);
    if (!isfinite(lat_deg) || !isfinite(lon_deg) || !isfinite(height_m) || fabs(lat_deg) > 90.0 ||
        lon_deg < -180.0 || lon_deg > 360.0 || height_m < -20000.0 || height_m > 100000.0) {
        return ILRS_EINVAL;
    }
    site->lat_deg = lat_deg;
    site->lon_deg = lon_deg;
    site->height_m = height_m;
    double phi = lat_deg * ERFA_DD2R, lam = lon_deg * ERFA_DD2R;
    double sp = sin(phi), cp = cos(phi), sl = sin(lam), cl = cos(lam);
    if (fabs(lat_deg) == 90.0) {
        cp = 0.0; /* exact pole: keep the meridian direction exact */
    }
    double r = TWIN_MOON_RADIUS_M + height_m;
    site->up[0] = cp * cl;
    site->up[1] = cp * sl;
    site->up[2] = sp;
    site->east[0] = -sl;
    site->east[1] = cl;
    site->east[2] = 0.0;
    site->north[0] = -sp * cl;
    site->north[1] = -sp * sl;
    site->north[2] = cp;
    for (int i = 0; i < 3; i++) {
        site->position_m[i] = r * site->up[i];
    }
    return 0;
}

static double norm3(const double v[3])
{
    return sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}

static double dot3(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* Apparent direction of a light-time-corrected ICRF vector @p d from the
 * observer moving at @p obs_vel (m/s, barycentric), into the local frame. */
static void apparent(const double d[3], const double obs_vel[3], double sun_dist_m,
                     const double rot[3][3], const ilrs_site_t *site, ilrs_topo_t *out)
{
    double dist = norm3(d);
    double pnat[3] = {d[0] / dist, d[1] / dist, d[2] / dist};
    double v[3] = {obs_vel[0] / TWIN_C_M_S, obs_vel[1] / TWIN_C_M_S, obs_vel[2] / TWIN_C_M_S};
    double bm1 = sqrt(1.0 - dot3(v, v));
    double ppr[3], body[3];
    eraAb(pnat, v, sun_dist_m / TWIN_AU_M, bm1, ppr);
    ilrs__mat_vec(rot, ppr, body);
    double e = dot3(body, site->east), n = dot3(body, site->north), u = dot3(body, site->up);
    out->enu[0] = e;
    out->enu[1] = n;
    out->enu[2] = u;
    out->el_deg = asin(fmax(-1.0, fmin(1.0, u))) * ERFA_DR2D;
    double az = atan2(e, n) * ERFA_DR2D;
    out->az_deg = az < 0 ? az + 360.0 : az;
    if (out->az_deg >= 360.0) {
        out->az_deg -= 360.0;
    }
    out->distance_m = dist;
    out->light_time_s = dist / TWIN_C_M_S;
}

/* Light-time-corrected vector from observer @p obs to a target moving linearly
 * from @p x with velocity @p v. */
static void light_time(const double x[3], const double v[3], const double obs[3], double d[3])
{
    double lt = 0.0;
    for (int it = 0; it < 3; it++) {
        for (int i = 0; i < 3; i++) {
            d[i] = x[i] - lt * v[i] - obs[i];
        }
        lt = norm3(d) / TWIN_C_M_S;
    }
    for (int i = 0; i < 3; i++) {
        d[i] = x[i] - lt * v[i] - obs[i];
    }
}

int ilrs_ephem_sky(ilrs_ephem_t *ephem, const ilrs_site_t *site, ilrs_tai_t t, ilrs_sky_t *out)
{
    memset(out, 0, sizeof *out);
    out->t = t;
    if (ephem == NULL || site == NULL) {
        return ILRS_EINVAL;
    }
    twin_bodies_t b;
    int rc = ilrs__ephem_bodies(ephem, t, &b);
    if (rc != 0) {
        return rc;
    }
    out->source = b.source;
    double s_icrf[3], obs[3], d_sun[3], d_earth[3];
    ilrs__mat_tvec(b.moon_rot, site->position_m, s_icrf);
    for (int i = 0; i < 3; i++) {
        obs[i] = b.moon[i] + s_icrf[i];
    }
    light_time(b.sun, b.sun_vel, obs, d_sun);
    light_time(b.earth, b.earth_vel, obs, d_earth);
    double sun_dist = norm3(d_sun);
    apparent(d_sun, b.moon_vel, sun_dist, b.moon_rot, site, &out->sun);
    apparent(d_earth, b.moon_vel, sun_dist, b.moon_rot, site, &out->earth);
    out->sun_radius_deg = asin(ILRS_TWIN_SUN_RADIUS_M / out->sun.distance_m) * ERFA_DR2D;
    out->earth_radius_deg = asin(ILRS_TWIN_EARTH_RADIUS_M / out->earth.distance_m) * ERFA_DR2D;
    double au_ratio = TWIN_AU_M / out->sun.distance_m;
    out->solar_flux_w_m2 = ILRS_TWIN_TSI_W_M2 * au_ratio * au_ratio;
    return 0;
}

int ilrs_ephem_orbiter(ilrs_ephem_t *ephem, const ilrs_site_t *site, ilrs_tai_t t,
                       ilrs_orbiter_fn orbiter, void *user, ilrs_topo_t *out)
{
    memset(out, 0, sizeof *out);
    if (ephem == NULL || site == NULL || orbiter == NULL) {
        return ILRS_EINVAL;
    }
    twin_bodies_t b;
    int rc = ilrs__ephem_bodies(ephem, t, &b);
    if (rc != 0) {
        return rc;
    }
    double s_icrf[3], pos[3], d[3];
    ilrs__mat_tvec(b.moon_rot, site->position_m, s_icrf);
    /* In barycentric terms the orbiter is at Moon(t - lt) + p(t - lt) and the
     * observer at Moon(t) + s; Moon(t - lt) = Moon(t) - lt V_Moon. */
    double lt = 0.0;
    for (int it = 0; it < 4; it++) {
        ilrs_tai_t tr = t - (int64_t)llround(lt * 1e9);
        rc = orbiter(user, tr, pos);
        if (rc != 0) {
            return rc;
        }
        for (int i = 0; i < 3; i++) {
            d[i] = pos[i] - lt * b.moon_vel[i] - s_icrf[i];
        }
        double next = norm3(d) / TWIN_C_M_S;
        if (!isfinite(next)) {
            return ILRS_EINVAL;
        }
        bool done = fabs(next - lt) < 1e-10;
        lt = next;
        if (done) {
            break;
        }
    }
    if (norm3(d) == 0.0) {
        return ILRS_EINVAL;
    }
    double sun_dist =
        norm3((double[3]){b.sun[0] - b.moon[0], b.sun[1] - b.moon[1], b.sun[2] - b.moon[2]});
    apparent(d, b.moon_vel, sun_dist, b.moon_rot, site, out);
    return 0;
}

double ilrs_disk_fraction(double center_el_deg, double radius_deg, double horizon_el_deg)
{
    double h = center_el_deg - horizon_el_deg;
    double r = radius_deg;
    if (!isfinite(h) || !isfinite(r)) {
        return 0.0;
    }
    if (r <= 0.0) {
        return h > 0.0 ? 1.0 : 0.0;
    }
    if (h >= r) {
        return 1.0;
    }
    if (h <= -r) {
        return 0.0;
    }
    /* Area of the circular segment cut off by a chord at distance a from the
     * centre (0 <= a <= r): r^2 acos(a/r) - a sqrt(r^2 - a^2). The disk is small
     * (0.27 deg for the Sun), so the plane-geometry area is exact to ~1e-6. */
    double a = fabs(h);
    double segment = r * r * acos(a / r) - a * sqrt(r * r - a * a);
    double disk = ERFA_DPI * r * r;
    double below_or_above = segment / disk;
    return h >= 0.0 ? 1.0 - below_or_above : below_or_above;
}
