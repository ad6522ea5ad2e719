// SPDX-License-Identifier: Apache-2.0
//
// Onboard direct-to-Earth contact prediction of the COMM app. A flight-side
// computation (ARCHITECTURE.md: flight apps never include twin headers), with
// the same published models the twin uses (docs/twin-environment.md) at the
// accuracy a contact plan needs:
// - Moon: ERFA eraMoon98 (geocentric Moon, GCRS; Meeus 1998 ch. 47, about 10"
//   in longitude, a few km in distance), TT taken as TDB (< 2 ms).
// - Lunar orientation: the IAU/WGCCRE model (Archinal et al. 2011, table 2;
//   unchanged in the WGCCRE 2015 report) giving ICRF -> the Moon's body frame;
//   it differs from the DE421 mean-Earth frame by < 0.01 deg (Archinal et al.
//   2011 §2), i.e. < 0.2 km at the surface.
// - Ground station: WGS84 geodetic -> ITRS (eraGd2gc), ITRS -> CIRS with the
//   Earth rotation angle (eraEra00, IERS Conventions 2010 eq. 5.15; UT1 taken
//   as UTC, |UT1-UTC| < 0.9 s), CIRS -> GCRS with the IAU 2006/2000A matrix
//   (eraC2i06a) once per prediction run (it moves < 0.5" in two days); polar
//   motion neglected (< 15 m).
// - Site: spherical Moon of mean radius 1737.4 km (IAU WGCCRE), local
//   east-north-up axes; the terrain horizon is the uploaded mask, linear
//   between bins.
// Visibility: the site sees a ground station above the mask, and the station
// sees the site above its minimum elevation; any ground station will do.
// Cost: the Moon and the lunar rotation are evaluated at whole TAI hours and
// interpolated linearly in between (chord error 4 km of the Moon's 3700 km/h
// orbit, 1e-5 rad of the 0.55 deg/h rotation: both below 3"), so a sample is a
// few dozen multiplications and one atan2/asin per ground station.
#include <math.h>
#include <string.h>

#include <erfa.h>
#include <erfam.h>

#include "apps/comm/comm_predict.h"

#define MOON_RADIUS_M 1737400.0 /* IAU WGCCRE mean radius (Archinal et al. 2011, table 5) */
#define JD_1958       2436204.5 /* onboard TAI origin, 1958-01-01 TAI */
#define TT_TAI_S      32.184    /* TT - TAI (IAU 1991) */
#define J2000_FROM_1958_S (15340.5 * 86400.0)
#define NODE_S        3600.0
#define NODE_NS       ((ilrs_tai_t)3600 * 1000000000)
#define REFINE_NS     ((ilrs_tai_t)1000000000) /* bisection to 1 s */
/* Earth rotation angle rate, rad per UT1 second (IERS Conventions 2010 eq. 5.15). */
#define ERA_RATE (2.0 * ERFA_DPI * 1.00273781191135448 / 86400.0)

static double dot3(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* ICRF -> lunar body frame, IAU/WGCCRE model (Archinal et al. 2011, table 2:
 * alpha0, delta0, W with the 13 lunar arguments E1..E13; d in TDB days from
 * J2000, T in Julian centuries), R = Rz(W) Rx(90 - delta0) Rz(90 + alpha0). */
static void iau_angles(double et_s, double *alpha_deg, double *delta_deg, double *w_deg)
{
    static const double e0[13] = {125.045, 250.089, 260.008, 176.625, 357.529, 311.589, 134.963,
                                  276.617, 34.226,  15.134,  119.743, 239.961, 25.053};
    static const double e1[13] = {-0.0529921, -0.1059842, 13.0120009, 13.3407154, 0.9856003,
                                  26.4057084, 13.0649930, 0.3287146,  1.7484877,  -0.1589763,
                                  0.0036096,  0.1643573,  12.9590088};
    static const double as[13] = {-3.8787, -0.1204, 0.0700, -0.0172, 0.0, 0.0072, 0.0,
                                  0.0,     0.0,     -0.0052, 0.0,    0.0, 0.0043};
    static const double dc[13] = {1.5419, 0.0239, -0.0278, 0.0068, 0.0, -0.0029, 0.0009,
                                  0.0,    0.0,    0.0008,  0.0,    0.0, -0.0009};
    static const double ws[13] = {3.5610,  0.1208, -0.0642, 0.0158, 0.0252, -0.0066, -0.0047,
                                  -0.0046, 0.0028, 0.0052,  0.0040, 0.0019, -0.0044};
    double d = et_s / 86400.0, t = d / 36525.0;
    double alpha = 269.9949 + 0.0031 * t, delta = 66.5392 + 0.0130 * t;
    double w = 38.3213 + 13.17635815 * d - 1.4e-12 * d * d;
    for (int k = 0; k < 13; k++) {
        double ek = fmod(e0[k] + e1[k] * d, 360.0) * ERFA_DD2R;
        alpha += as[k] * sin(ek);
        delta += dc[k] * cos(ek);
        w += ws[k] * sin(ek);
    }
    *alpha_deg = alpha;
    *delta_deg = delta;
    *w_deg = fmod(w, 360.0);
}

static void iau_moon(double et_s, double r[3][3])
{
    double alpha, delta, w;
    iau_angles(et_s, &alpha, &delta, &w);
    eraIr(r);
    eraRz((90.0 + alpha) * ERFA_DD2R, r);
    eraRx((90.0 - delta) * ERFA_DD2R, r);
    eraRz(w * ERFA_DD2R, r);
}

/* TT Julian date of onboard TAI t, as two parts. */
static void tt_jd(ilrs_tai_t t, double *d1, double *d2)
{
    *d1 = JD_1958;
    *d2 = ((double)t / 1e9 + TT_TAI_S) / 86400.0;
}

static void node_at(com_predictor_t *p, int k, ilrs_tai_t t)
{
    double d1, d2, pv[2][3];
    tt_jd(t, &d1, &d2);
    eraMoon98(d1, d2, pv);
    for (int i = 0; i < 3; i++) {
        p->moon[k][i] = pv[0][i] * ERFA_DAU;
    }
    iau_moon((double)t / 1e9 + TT_TAI_S - J2000_FROM_1958_S, p->rot[k]);
    double u1 = 0.0, u2 = 0.0;
    if (eraTaiutc(JD_1958, (double)t / 1e9 / 86400.0, &u1, &u2) < 0) {
        u1 = JD_1958;
        u2 = (double)t / 1e9 / 86400.0;
    }
    p->era0[k] = eraEra00(u1, u2);
    p->node_t[k] = t;
}

int ilrs__com_predict_init(com_predictor_t *p, const ilrs_com_predict_config_t *cfg)
{
    memset(p, 0, sizeof *p);
    p->node_t[0] = p->node_t[1] = INT64_MIN;
    if (cfg == NULL || !isfinite(cfg->lat_deg) || fabs(cfg->lat_deg) > 90.0 ||
        !isfinite(cfg->lon_deg) || !isfinite(cfg->height_m) || fabs(cfg->height_m) > 1e5 ||
        cfg->ground_count > ILRS_COM_MAX_GROUNDS) {
        return ILRS_EINVAL;
    }
    p->cfg = cfg;
    double la = cfg->lat_deg * ERFA_DD2R, lo = cfg->lon_deg * ERFA_DD2R;
    double cl = cos(la), sl = sin(la), co = cos(lo), so = sin(lo);
    double up[3] = {cl * co, cl * so, sl}, east[3] = {-so, co, 0.0},
           north[3] = {-sl * co, -sl * so, cl};
    for (int k = 0; k < 3; k++) {
        p->up[k] = up[k];
        p->east[k] = east[k];
        p->north[k] = north[k];
        p->site[k] = (MOON_RADIUS_M + cfg->height_m) * up[k];
    }
    for (size_t g = 0; g < cfg->ground_count; g++) {
        const ilrs_com_ground_t *gs = &cfg->grounds[g];
        if (!isfinite(gs->lat_deg) || fabs(gs->lat_deg) > 90.0 || !isfinite(gs->lon_deg) ||
            !isfinite(gs->height_m) || !isfinite(gs->min_el_deg) || fabs(gs->min_el_deg) > 90.0) {
            return ILRS_EINVAL;
        }
        double gla = gs->lat_deg * ERFA_DD2R, glo = gs->lon_deg * ERFA_DD2R;
        if (eraGd2gc(ERFA_WGS84, glo, gla, gs->height_m, p->gs_itrs[g]) != 0) {
            return ILRS_EINVAL;
        }
        p->gs_up[g][0] = cos(gla) * cos(glo);
        p->gs_up[g][1] = cos(gla) * sin(glo);
        p->gs_up[g][2] = sin(gla);
        p->sin_min_el[g] = sin(gs->min_el_deg * ERFA_DD2R);
    }
    return 0;
}

/* Terrain horizon (deg) at azimuth @p az (deg, 0..360), linear between bins. */
static double mask_at(const ilrs_com_predict_config_t *cfg, double az)
{
    double x = az / 360.0 * ILRS_COM_MASK_BINS;
    x = x < 0.0 ? 0.0 : x;
    size_t i = (size_t)x;
    double w = x - (double)i;
    i %= ILRS_COM_MASK_BINS;
    size_t j = (i + 1) % ILRS_COM_MASK_BINS;
    return (1.0 - w) * cfg->mask_deg[i] + w * cfg->mask_deg[j];
}

/* GCRS vector of ITRS vector @p v at Earth rotation angle era (c = cos, s = sin): CIRS = Rz(-era) v
 * (ITRS = Rz(era) CIRS without polar motion), GCRS = C2I^T CIRS. */
static void itrs_to_gcrs(const double c2i[3][3], double c, double s, const double v[3],
                         double out[3])
{
    double ci[3] = {c * v[0] - s * v[1], s * v[0] + c * v[1], v[2]};
    for (int i = 0; i < 3; i++) {
        out[i] = c2i[0][i] * ci[0] + c2i[1][i] * ci[1] + c2i[2][i] * ci[2];
    }
}

static bool visible_at(com_predictor_t *p, ilrs_tai_t t)
{
    ilrs_tai_t t0 = t >= 0 ? t / NODE_NS * NODE_NS : -((-t + NODE_NS - 1) / NODE_NS) * NODE_NS;
    if (p->node_t[0] != t0 || p->node_t[1] != t0 + NODE_NS) {
        if (p->node_t[1] == t0) {
            memcpy(p->moon[0], p->moon[1], sizeof p->moon[0]);
            memcpy(p->rot[0], p->rot[1], sizeof p->rot[0]);
            p->era0[0] = p->era0[1];
            p->node_t[0] = t0;
        } else {
            node_at(p, 0, t0);
        }
        node_at(p, 1, t0 + NODE_NS);
    }
    double dt = (double)(t - t0) / 1e9, w = dt / NODE_S;
    double earth[3], rot[3][3], site_icrf[3];
    for (int i = 0; i < 3; i++) {
        earth[i] = -((1.0 - w) * p->moon[0][i] + w * p->moon[1][i]);
        for (int j = 0; j < 3; j++) {
            rot[i][j] = (1.0 - w) * p->rot[0][i][j] + w * p->rot[1][i][j];
        }
    }
    for (int i = 0; i < 3; i++) {
        site_icrf[i] = rot[0][i] * p->site[0] + rot[1][i] * p->site[1] + rot[2][i] * p->site[2];
    }
    double era = p->era0[0] + ERA_RATE * dt, ce = cos(era), se = sin(era);
    const ilrs_com_predict_config_t *cfg = p->cfg;
    for (size_t g = 0; g < cfg->ground_count; g++) {
        double pos[3], up[3], d[3];
        itrs_to_gcrs(p->c2i, ce, se, p->gs_itrs[g], pos);
        itrs_to_gcrs(p->c2i, ce, se, p->gs_up[g], up);
        /* the site seen from the station (Moon-centred ICRF) */
        for (int i = 0; i < 3; i++) {
            pos[i] += earth[i];
            d[i] = site_icrf[i] - pos[i];
        }
        if (!(dot3(d, up) > p->sin_min_el[g] * sqrt(dot3(d, d)))) {
            continue;
        }
        /* the station seen from the site, body frame, against the mask */
        double body[3];
        for (int i = 0; i < 3; i++) {
            body[i] = rot[i][0] * pos[0] + rot[i][1] * pos[1] + rot[i][2] * pos[2] - p->site[i];
        }
        double dn = sqrt(dot3(body, body));
        double el = asin(fmax(-1.0, fmin(1.0, dot3(body, p->up) / dn))) / ERFA_DD2R;
        double az = atan2(dot3(body, p->east), dot3(body, p->north)) / ERFA_DD2R;
        az = az < 0.0 ? az + 360.0 : az;
        if (el > fmax(0.0, mask_at(cfg, az))) {
            return true;
        }
    }
    return false;
}

typedef bool (*visible_fn)(com_predictor_t *p, const void *ctx, ilrs_tai_t t);

static bool dte_visible(com_predictor_t *p, const void *ctx, ilrs_tai_t t)
{
    (void)ctx;
    return visible_at(p, t);
}

/* The change of state between lo (state @p s_lo) and hi, to REFINE_NS. */
static ilrs_tai_t refine(com_predictor_t *p, visible_fn fn, const void *ctx, ilrs_tai_t lo,
                         ilrs_tai_t hi, bool s_lo)
{
    while (hi - lo > REFINE_NS) {
        ilrs_tai_t mid = lo + (hi - lo) / 2;
        if (fn(p, ctx, mid) == s_lo) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo + (hi - lo) / 2;
}

static int search(com_predictor_t *p, visible_fn fn, const void *ctx, ilrs_tai_t from,
                  ilrs_tai_t to, ilrs_com_window_t *out, size_t cap, size_t *n)
{
    *n = 0;
    double step = p->cfg->step_s > 0 ? p->cfg->step_s : 60.0;
    if (to <= from || !(step >= 1.0)) {
        return ILRS_EINVAL;
    }
    double d1, d2;
    tt_jd(from + (to - from) / 2, &d1, &d2);
    eraC2i06a(d1, d2, p->c2i);
    ilrs_tai_t step_ns = (ilrs_tai_t)llround(step * 1e9);
    bool prev = fn(p, ctx, from);
    ilrs_tai_t open = from, t_prev = from;
    int rc = 0;
    for (ilrs_tai_t t = from; t < to;) {
        t = to - t < step_ns ? to : t + step_ns;
        bool cur = fn(p, ctx, t);
        if (cur != prev) {
            ilrs_tai_t edge = refine(p, fn, ctx, t_prev, t, prev);
            if (cur) {
                open = edge;
            } else if (*n < cap) {
                out[(*n)++] = (ilrs_com_window_t){.start = open, .end = edge, .radio = 0};
            } else {
                rc = ILRS_ELIMIT;
            }
        }
        prev = cur;
        t_prev = t;
    }
    if (prev) {
        if (*n < cap) {
            out[(*n)++] = (ilrs_com_window_t){.start = open, .end = to, .radio = 0};
        } else {
            rc = ILRS_ELIMIT;
        }
    }
    return rc;
}

int ilrs__com_predict_dte(com_predictor_t *p, ilrs_tai_t from, ilrs_tai_t to,
                          ilrs_com_window_t *out, size_t cap, size_t *n)
{
    return search(p, dte_visible, NULL, from, to, out, cap, n);
}

/* ---- relay ------------------------------------------------------------------------------ */

/* Lunar GM and J2 (GRAIL GL0660B, Konopliv et al. 2014: GM 4902.80 km^3/s^2,
 * unnormalised J2 = 2.03309e-4 at 1738.0 km), the values the twin's orbit
 * model uses (REFERENCE.md). */
#define GM_MOON 4.902800e12
#define J2_MOON 2.03309e-4
#define R_J2    1738.0e3

int ilrs__com_relay_orbit(const ilrs_com_relay_state_t *st, com_relay_orbit_t *o)
{
    memset(o, 0, sizeof *o);
    for (int k = 0; k < 3; k++) {
        if (!isfinite(st->r_m[k]) || !isfinite(st->v_m_s[k])) {
            return ILRS_EINVAL;
        }
    }
    /* the lunar equatorial frame of the epoch: Q = Rx(90 - delta0) Rz(90 + alpha0) */
    double alpha, delta, w;
    iau_angles((double)st->epoch / 1e9 + TT_TAI_S - J2000_FROM_1958_S, &alpha, &delta, &w);
    eraIr(o->q);
    eraRz((90.0 + alpha) * ERFA_DD2R, o->q);
    eraRx((90.0 - delta) * ERFA_DD2R, o->q);
    double r[3], v[3];
    for (int k = 0; k < 3; k++) {
        r[k] = dot3(o->q[k], st->r_m);
        v[k] = dot3(o->q[k], st->v_m_s);
    }
    /* state -> classical elements (Vallado, Fundamentals of Astrodynamics and
     * Applications, 4th ed., algorithm 9 RV2COE) */
    double rn = sqrt(dot3(r, r)), v2 = dot3(v, v), rv = dot3(r, v);
    double h[3];
    eraPxp(r, v, h);
    double hn = sqrt(dot3(h, h));
    double nd[3] = {-h[1], h[0], 0.0}, nn = sqrt(nd[0] * nd[0] + nd[1] * nd[1]);
    double ev[3];
    for (int k = 0; k < 3; k++) {
        ev[k] = ((v2 - GM_MOON / rn) * r[k] - rv * v[k]) / GM_MOON;
    }
    double e = sqrt(dot3(ev, ev));
    double energy = v2 / 2.0 - GM_MOON / rn;
    if (!(hn > 0.0) || !(energy < 0.0) || !(e < 1.0)) {
        return ILRS_ERANGE;
    }
    o->a = -GM_MOON / (2.0 * energy);
    o->e = e;
    if (o->a * (1.0 - e) < MOON_RADIUS_M) {
        return ILRS_ERANGE;
    }
    o->i = acos(fmax(-1.0, fmin(1.0, h[2] / hn)));
    /* equatorial or circular orbits: the node on the x axis, the periapsis at the node */
    o->raan = nn > 1e-9 * hn ? atan2(nd[1], nd[0]) : 0.0;
    double nu_ref[3] = {cos(o->raan), sin(o->raan), 0.0};
    if (nn > 1e-9 * hn) {
        nu_ref[0] = nd[0] / nn;
        nu_ref[1] = nd[1] / nn;
    }
    double hu[3] = {h[0] / hn, h[1] / hn, h[2] / hn}, perp[3];
    eraPxp(hu, nu_ref, perp); /* in-plane, 90 deg ahead of the node */
    double u_r = atan2(dot3(r, perp), dot3(r, nu_ref)); /* argument of latitude */
    double nu; /* true anomaly */
    if (e > 1e-9) {
        o->argp = atan2(dot3(ev, perp), dot3(ev, nu_ref));
        nu = u_r - o->argp;
    } else {
        o->argp = 0.0;
        nu = u_r;
    }
    double ea = 2.0 * atan2(sqrt(1.0 - e) * sin(nu / 2.0), sqrt(1.0 + e) * cos(nu / 2.0));
    o->m0 = ea - e * sin(ea);
    /* J2 secular rates (Vallado 4th ed. §9.6, eqs. 9-41): node, periapsis, mean anomaly */
    double n0 = sqrt(GM_MOON / (o->a * o->a * o->a)), pp = o->a * (1.0 - e * e);
    double k = J2_MOON * (R_J2 / pp) * (R_J2 / pp), si2 = sin(o->i) * sin(o->i);
    o->raan_dot = -1.5 * n0 * k * cos(o->i);
    o->argp_dot = 0.75 * n0 * k * (4.0 - 5.0 * si2);
    o->n = n0 * (1.0 + 0.75 * k * sqrt(1.0 - e * e) * (2.0 - 3.0 * si2));
    o->epoch = st->epoch;
    return 0;
}

/* Relay position, Moon-centred ICRF (m), at @p t. */
static void relay_at(const com_relay_orbit_t *o, ilrs_tai_t t, double icrf[3])
{
    double dt = (double)(t - o->epoch) / 1e9;
    double m = fmod(o->m0 + o->n * dt, 2.0 * ERFA_DPI);
    double raan = o->raan + o->raan_dot * dt, argp = o->argp + o->argp_dot * dt;
    /* Kepler's equation by Newton from E = M + e sin M (Vallado algorithm 2) */
    double ea = m + o->e * sin(m);
    for (int k = 0; k < 30; k++) {
        double d = (ea - o->e * sin(ea) - m) / (1.0 - o->e * cos(ea));
        ea -= d;
        if (fabs(d) < 1e-12) {
            break;
        }
    }
    double xp = o->a * (cos(ea) - o->e), yp = o->a * sqrt(1.0 - o->e * o->e) * sin(ea);
    /* perifocal -> equatorial: Rz(-raan) Rx(-i) Rz(-argp) */
    double co = cos(raan), so = sin(raan), cw = cos(argp), sw = sin(argp), ci = cos(o->i),
           si = sin(o->i);
    double eq[3] = {(co * cw - so * sw * ci) * xp + (-co * sw - so * cw * ci) * yp,
                    (so * cw + co * sw * ci) * xp + (-so * sw + co * cw * ci) * yp,
                    (sw * si) * xp + (cw * si) * yp};
    for (int k = 0; k < 3; k++) {
        icrf[k] = o->q[0][k] * eq[0] + o->q[1][k] * eq[1] + o->q[2][k] * eq[2];
    }
}

static bool relay_visible(com_predictor_t *p, const void *ctx, ilrs_tai_t t)
{
    const com_relay_orbit_t *o = ctx;
    double rel[3];
    relay_at(o, t, rel);
    /* the body frame at t: the hourly nodes, as for the DTE */
    ilrs_tai_t t0 = t >= 0 ? t / NODE_NS * NODE_NS : -((-t + NODE_NS - 1) / NODE_NS) * NODE_NS;
    if (p->node_t[0] != t0 || p->node_t[1] != t0 + NODE_NS) {
        (void)visible_at(p, t); /* loads the nodes */
    }
    double w = (double)(t - t0) / 1e9 / NODE_S, body[3];
    for (int i = 0; i < 3; i++) {
        body[i] = -p->site[i];
        for (int j = 0; j < 3; j++) {
            body[i] += ((1.0 - w) * p->rot[0][i][j] + w * p->rot[1][i][j]) * rel[j];
        }
    }
    double dn = sqrt(dot3(body, body));
    double el = asin(fmax(-1.0, fmin(1.0, dot3(body, p->up) / dn))) / ERFA_DD2R;
    double az = atan2(dot3(body, p->east), dot3(body, p->north)) / ERFA_DD2R;
    az = az < 0.0 ? az + 360.0 : az;
    return el > fmax(0.0, mask_at(p->cfg, az));
}

int ilrs__com_predict_relay(com_predictor_t *p, const com_relay_orbit_t *orb, ilrs_tai_t from,
                            ilrs_tai_t to, ilrs_com_window_t *out, size_t cap, size_t *n)
{
    return search(p, relay_visible, orb, from, to, out, cap, n);
}
