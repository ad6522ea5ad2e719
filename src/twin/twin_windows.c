/* SPDX-License-Identifier: Apache-2.0 */
/*
 * twin_windows.c: contact windows between a lunar surface site, an orbiter and
 * ground stations on Earth, by sampling a visibility predicate on a fixed step
 * and refining every change of state by bisection.
 *
 * Geometry.
 * - Site: spherical Moon (mean radius 1737.4 km) in the body-fixed mean-Earth
 *   frame; local east-north-up axes; the terrain horizon comes from the
 *   caller's mask callback (the terrain session's horizon masks).
 * - Ground station: WGS84 geodetic → ITRS with ERFA eraGd2gc; ITRS → GCRS
 *   with the IAU 2006/2000A CIO-based matrix (eraC2i06a, sampled daily and
 *   interpolated linearly: nutation moves it by < 0.01″ within a day) and the
 *   Earth rotation angle eraEra00. UT1 is taken as UTC (|UT1 − UTC| < 0.9 s,
 *   < 0.4 km at the equator) and polar motion is neglected (< 15 m): both are
 *   far below what a visibility window resolves. GCRS axes are taken as ICRF
 *   axes for the Moon-centred geometry.
 * - Moon blocking of an orbiter ↔ station line: the segment passes within the
 *   mean radius of the Moon's centre.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <erfa.h>
#include <erfam.h>

#include <ilrs/twin.h>

#include "twin/twin_regolith_orbit_int.h"

#define R_MEAN            (ILRS_MOON_MEAN_RADIUS_KM * 1e3)
#define JD_1958           2436204.5
#define MAX_WINDOWS_STEPS 100000000.0 /* refuse searches of more than 1e8 samples */

void ilrs_window_list_free(ilrs_window_list_t *list)
{
    if (list == NULL) {
        return;
    }
    free(list->items);
    list->items = NULL;
    list->count = list->cap = 0;
}

static int list_push(ilrs_window_list_t *list, ilrs_tai_t start, ilrs_tai_t end)
{
    if (list->count == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 16;
        ilrs_window_t *items = realloc(list->items, cap * sizeof(*items));
        if (items == NULL) {
            return ILRS_ENOMEM;
        }
        list->items = items;
        list->cap = cap;
    }
    list->items[list->count].start = start;
    list->items[list->count].end = end;
    list->count++;
    return 0;
}

static double dot3(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static void mat_vec(const double m[3][3], const double v[3], double out[3])
{
    for (int i = 0; i < 3; i++) {
        out[i] = m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2];
    }
}

static void mat_t_vec(const double m[3][3], const double v[3], double out[3])
{
    for (int i = 0; i < 3; i++) {
        out[i] = m[0][i] * v[0] + m[1][i] * v[1] + m[2][i] * v[2];
    }
}

/* ------------------------------------------------------------------------- */
/* The search: sample, then bisect each change of state                        */
/* ------------------------------------------------------------------------- */

/* Visibility predicate at s seconds after the search start. */
typedef int (*visible_fn)(void *ctx, double s, bool *visible);

static int bisect(visible_fn fn, void *ctx, double lo, double hi, bool lo_state, double tol,
                  double *edge)
{
    /* Invariant: state(lo) == lo_state, state(hi) != lo_state. */
    while (hi - lo > tol) {
        double mid = 0.5 * (lo + hi);
        bool v = false;
        int rc = fn(ctx, mid, &v);
        if (rc != 0) {
            return rc;
        }
        if (v == lo_state) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    *edge = 0.5 * (lo + hi);
    return 0;
}

static int check_search(const ilrs_window_search_t *search)
{
    if (search == NULL || search->end <= search->start || !(search->step_s > 0.0) ||
        !(search->tolerance_s > 0.0) || !(search->min_duration_s >= 0.0) ||
        !isfinite(search->min_duration_s)) {
        return ILRS_EINVAL;
    }
    double span = ilrs__seconds(search->start, search->end);
    if (span / search->step_s > MAX_WINDOWS_STEPS) {
        return ILRS_EINVAL;
    }
    return 0;
}

static int search_windows_raw(visible_fn fn, void *ctx, const ilrs_window_search_t *search,
                              ilrs_window_list_t *out);

/* On failure the list is left as it was on entry (no partial results). */
static int search_windows(visible_fn fn, void *ctx, const ilrs_window_search_t *search,
                          ilrs_window_list_t *out)
{
    size_t count0 = out->count;
    int rc = search_windows_raw(fn, ctx, search, out);
    if (rc != 0) {
        out->count = count0;
    }
    return rc;
}

static int search_windows_raw(visible_fn fn, void *ctx, const ilrs_window_search_t *search,
                              ilrs_window_list_t *out)
{
    double span = ilrs__seconds(search->start, search->end);
    double tol = search->tolerance_s;
    size_t n = (size_t)ceil(span / search->step_s);
    bool prev = false;
    int rc = fn(ctx, 0.0, &prev);
    if (rc != 0) {
        return rc;
    }
    double open_at = prev ? 0.0 : -1.0;
    double t_prev = 0.0;
    for (size_t k = 1; k <= n; k++) {
        double t = k == n ? span : (double)k * search->step_s;
        bool cur = false;
        rc = fn(ctx, t, &cur);
        if (rc != 0) {
            return rc;
        }
        if (cur != prev) {
            double edge = 0.0;
            rc = bisect(fn, ctx, t_prev, t, prev, tol, &edge);
            if (rc != 0) {
                return rc;
            }
            if (cur) {
                open_at = edge;
            } else {
                if (edge - open_at >= search->min_duration_s) {
                    rc = list_push(out, ilrs__tai_add(search->start, open_at),
                                   ilrs__tai_add(search->start, edge));
                    if (rc != 0) {
                        return rc;
                    }
                }
                open_at = -1.0;
            }
        }
        prev = cur;
        t_prev = t;
    }
    if (prev && span - open_at >= search->min_duration_s) {
        rc = list_push(out, ilrs__tai_add(search->start, open_at), search->end);
    }
    return rc;
}

/* ------------------------------------------------------------------------- */
/* Lunar site                                                                 */
/* ------------------------------------------------------------------------- */

typedef struct site_frame {
    double pos[3]; /* body-fixed position (m) */
    double east[3], north[3], up[3];
} site_frame_t;

static int site_frame_init(const ilrs_lunar_site_t *site, site_frame_t *f)
{
    if (site == NULL || !isfinite(site->lat_deg) || !isfinite(site->lon_deg) ||
        fabs(site->lat_deg) > 90.0 || !isfinite(site->height_m) || fabs(site->height_m) > 1e6 ||
        !isfinite(site->min_el_deg)) {
        return ILRS_EINVAL;
    }
    double la = site->lat_deg * ILRS__DEG, lo = site->lon_deg * ILRS__DEG;
    double cl = cos(la), sl = sin(la), co = cos(lo), so = sin(lo);
    double r = R_MEAN + site->height_m;
    f->up[0] = cl * co;
    f->up[1] = cl * so;
    f->up[2] = sl;
    f->east[0] = -so;
    f->east[1] = co;
    f->east[2] = 0.0;
    f->north[0] = -sl * co;
    f->north[1] = -sl * so;
    f->north[2] = cl;
    for (int k = 0; k < 3; k++) {
        f->pos[k] = r * f->up[k];
    }
    return 0;
}

/* Azimuth (deg, from north towards east, 0..360), elevation (deg) and range
 * of a body-fixed target seen from the site. */
static void site_look(const site_frame_t *f, const double target[3], double *az, double *el,
                      double *range)
{
    double d[3] = {target[0] - f->pos[0], target[1] - f->pos[1], target[2] - f->pos[2]};
    double dn = sqrt(dot3(d, d));
    double e = dot3(d, f->east), n = dot3(d, f->north), u = dot3(d, f->up);
    double a = atan2(e, n) / ILRS__DEG;
    *az = a < 0.0 ? a + 360.0 : a;
    *el = dn > 0.0 ? asin(fmax(-1.0, fmin(1.0, u / dn))) / ILRS__DEG : 90.0;
    *range = dn;
}

static double site_mask(const ilrs_lunar_site_t *site, double az)
{
    double m = site->min_el_deg;
    if (site->horizon != NULL) {
        double h = site->horizon(site->horizon_user, az);
        if (isfinite(h) && h > m) {
            m = h;
        }
    }
    return m;
}

int ilrs_orbit_look_from_site(const ilrs_orbit_t *orb, const ilrs_lunar_site_t *site, ilrs_tai_t t,
                              double *az_deg, double *el_deg, double *range_m)
{
    *az_deg = *el_deg = *range_m = NAN;
    site_frame_t f;
    int rc = site_frame_init(site, &f);
    if (rc != 0) {
        return rc;
    }
    double rb[3];
    rc = ilrs_orbit_position_body(orb, t, rb);
    if (rc != 0) {
        return rc;
    }
    site_look(&f, rb, az_deg, el_deg, range_m);
    return 0;
}

typedef struct site_orbiter_ctx {
    const ilrs_orbit_t *orb;
    const ilrs_lunar_site_t *site;
    site_frame_t frame;
    ilrs_tai_t start;
} site_orbiter_ctx_t;

static int site_orbiter_visible(void *vctx, double s, bool *visible)
{
    site_orbiter_ctx_t *c = vctx;
    double rb[3], az, el, range;
    int rc = ilrs_orbit_position_body(c->orb, ilrs__tai_add(c->start, s), rb);
    if (rc != 0) {
        return rc;
    }
    site_look(&c->frame, rb, &az, &el, &range);
    *visible = el > site_mask(c->site, az);
    return 0;
}

static int check_span(const ilrs_orbit_t *orb, const ilrs_window_search_t *search)
{
    ilrs_tai_t s0, s1;
    ilrs_orbit_span(orb, &s0, &s1);
    return (search->start < s0 || search->end > s1) ? ILRS_ERANGE : 0;
}

int ilrs_windows_site_orbiter(const ilrs_orbit_t *orb, const ilrs_lunar_site_t *site,
                              const ilrs_window_search_t *search, ilrs_window_list_t *out)
{
    if (orb == NULL || out == NULL) {
        return ILRS_EINVAL;
    }
    site_orbiter_ctx_t c;
    memset(&c, 0, sizeof(c));
    c.orb = orb;
    c.site = site;
    int rc = check_search(search);
    if (rc == 0) {
        rc = site_frame_init(site, &c.frame);
    }
    if (rc == 0) {
        rc = check_span(orb, search);
    }
    if (rc != 0) {
        return rc;
    }
    c.start = search->start;
    return search_windows(site_orbiter_visible, &c, search, out);
}

/* ------------------------------------------------------------------------- */
/* Ground stations                                                            */
/* ------------------------------------------------------------------------- */

typedef struct station_frame {
    double itrs[3];    /* m */
    double up_itrs[3]; /* geodetic normal */
    double min_el;
    /* Daily samples of the GCRS → CIRS matrix (eraC2i06a) from day0. */
    ilrs_tai_t day0;
    size_t days;
    double (*c2i)[3][3];
    double *tai_utc; /* TAI − UTC (s) at each day sample */
} station_frame_t;

static void station_frame_fini(station_frame_t *f)
{
    free(f->c2i);
    f->c2i = NULL;
    free(f->tai_utc);
    f->tai_utc = NULL;
}

static void tt_jd(ilrs_tai_t t, double *d1, double *d2)
{
    *d1 = JD_1958;
    *d2 = ((double)t / 1e9 + 32.184) / 86400.0;
}

/* TAI − UTC (s) at TAI instant t (ERFA's leap-second table, eraTaiutc). */
static double tai_minus_utc(ilrs_tai_t t)
{
    double a2 = (double)t / 1e9 / 86400.0, u1 = JD_1958, u2 = a2;
    if (eraTaiutc(JD_1958, a2, &u1, &u2) < 0) {
        return 0.0;
    }
    return ((JD_1958 - u1) + (a2 - u2)) * 86400.0;
}

static int station_frame_init(const ilrs_ground_station_t *gs, ilrs_tai_t start, ilrs_tai_t end,
                              station_frame_t *f)
{
    memset(f, 0, sizeof(*f));
    if (gs == NULL || !isfinite(gs->lat_deg) || fabs(gs->lat_deg) > 90.0 ||
        !isfinite(gs->lon_deg) || !isfinite(gs->height_m) || fabs(gs->height_m) > 1e5 ||
        !isfinite(gs->min_el_deg)) {
        return ILRS_EINVAL;
    }
    double la = gs->lat_deg * ILRS__DEG, lo = gs->lon_deg * ILRS__DEG;
    if (eraGd2gc(ERFA_WGS84, lo, la, gs->height_m, f->itrs) != 0) {
        return ILRS_EINVAL;
    }
    f->up_itrs[0] = cos(la) * cos(lo);
    f->up_itrs[1] = cos(la) * sin(lo);
    f->up_itrs[2] = sin(la);
    f->min_el = gs->min_el_deg;
    f->day0 = start;
    f->days = (size_t)ceil(ilrs__seconds(start, end) / 86400.0) + 2;
    f->c2i = malloc(f->days * sizeof(*f->c2i));
    f->tai_utc = malloc(f->days * sizeof(double));
    if (f->c2i == NULL || f->tai_utc == NULL) {
        return ILRS_ENOMEM;
    }
    for (size_t k = 0; k < f->days; k++) {
        ilrs_tai_t tk = ilrs__tai_add(start, 86400.0 * (double)k);
        double d1, d2;
        tt_jd(tk, &d1, &d2);
        eraC2i06a(d1, d2, f->c2i[k]);
        f->tai_utc[k] = tai_minus_utc(tk);
    }
    return 0;
}

/* Station position (Moon-centred ICRF, m) and local up (ICRF) at TAI t, given
 * the Earth's Moon-centred position. */
static void station_at(const station_frame_t *f, ilrs_tai_t t, const double earth[3], double pos[3],
                       double up[3])
{
    double x = ilrs__seconds(f->day0, t) / 86400.0;
    size_t k = x <= 0.0 ? 0 : (size_t)x;
    if (k + 1 >= f->days) {
        k = f->days - 2;
    }
    double w = x - (double)k;
    double c2i[3][3], c2t[3][3], rpom[3][3];
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
            c2i[i][j] = (1.0 - w) * f->c2i[k][i][j] + w * f->c2i[k + 1][i][j];
        }
    }
    /* UTC (≈ UT1) for the Earth rotation angle. TAI − UTC comes from the daily
     * samples; across a day holding a leap second it is evaluated exactly. */
    double dat = f->tai_utc[k];
    if (f->tai_utc[k + 1] != dat) {
        dat = tai_minus_utc(t);
    }
    double u2 = ((double)t / 1e9 - dat) / 86400.0;
    eraIr(rpom);
    eraC2tcio(c2i, eraEra00(JD_1958, u2), rpom, c2t);
    double g[3];
    mat_t_vec(c2t, f->itrs, g);
    mat_t_vec(c2t, f->up_itrs, up);
    for (int i = 0; i < 3; i++) {
        pos[i] = earth[i] + g[i];
    }
}

/* Does the segment a → b pass within the Moon's mean radius of its centre? */
static bool moon_blocks(const double a[3], const double b[3])
{
    double d[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    double dd = dot3(d, d);
    double s = dd > 0.0 ? -dot3(a, d) / dd : 0.0;
    s = s < 0.0 ? 0.0 : (s > 1.0 ? 1.0 : s);
    double c[3] = {a[0] + s * d[0], a[1] + s * d[1], a[2] + s * d[2]};
    return dot3(c, c) < R_MEAN * R_MEAN;
}

static double elevation_deg(const double from[3], const double to[3], const double up[3])
{
    double d[3] = {to[0] - from[0], to[1] - from[1], to[2] - from[2]};
    double dn = sqrt(dot3(d, d));
    return asin(fmax(-1.0, fmin(1.0, dot3(d, up) / dn))) / ILRS__DEG;
}

typedef struct orbiter_station_ctx {
    const ilrs_orbit_t *orb;
    station_frame_t st;
    ilrs_tai_t start;
} orbiter_station_ctx_t;

static int orbiter_station_visible(void *vctx, double s, bool *visible)
{
    orbiter_station_ctx_t *c = vctx;
    ilrs_tai_t t = ilrs__tai_add(c->start, s);
    const ilrs__geom_t *g = ilrs__orbit_geom(c->orb);
    double r[3], v[3], earth[3], pos[3], up[3];
    int rc = ilrs_orbit_state(c->orb, t, r, v);
    if (rc != 0) {
        return rc;
    }
    ilrs__geom_eval(g, ilrs__seconds(g->t0, t), NULL, earth, NULL);
    station_at(&c->st, t, earth, pos, up);
    *visible = elevation_deg(pos, r, up) > c->st.min_el && !moon_blocks(pos, r);
    return 0;
}

int ilrs_windows_orbiter_station(const ilrs_orbit_t *orb, const ilrs_ground_station_t *gs,
                                 const ilrs_window_search_t *search, ilrs_window_list_t *out)
{
    if (orb == NULL || out == NULL || ilrs__orbit_geom(orb)->ephem == NULL) {
        return ILRS_EINVAL;
    }
    orbiter_station_ctx_t c;
    memset(&c, 0, sizeof(c));
    int rc = check_search(search);
    if (rc == 0) {
        rc = check_span(orb, search);
    }
    if (rc != 0) {
        return rc;
    }
    c.orb = orb;
    c.start = search->start;
    rc = station_frame_init(gs, search->start, search->end, &c.st);
    if (rc == 0) {
        rc = search_windows(orbiter_station_visible, &c, search, out);
    }
    station_frame_fini(&c.st);
    return rc;
}

typedef struct site_station_ctx {
    const ilrs_lunar_site_t *site;
    site_frame_t frame;
    station_frame_t st;
    ilrs__geom_t geom;
    ilrs_tai_t start;
} site_station_ctx_t;

static int site_station_visible(void *vctx, double s, bool *visible)
{
    site_station_ctx_t *c = vctx;
    ilrs_tai_t t = ilrs__tai_add(c->start, s);
    double earth[3], rot[3][3], site_icrf[3], pos[3], up[3], pos_body[3];
    ilrs__geom_eval(&c->geom, ilrs__seconds(c->geom.t0, t), NULL, earth, rot);
    station_at(&c->st, t, earth, pos, up);
    /* Station seen from the site, in the body frame, against the mask. */
    mat_vec(rot, pos, pos_body);
    double az, el, range;
    site_look(&c->frame, pos_body, &az, &el, &range);
    if (!(el > site_mask(c->site, az))) {
        *visible = false;
        return 0;
    }
    /* Site seen from the station. */
    mat_t_vec(rot, c->frame.pos, site_icrf);
    *visible = elevation_deg(pos, site_icrf, up) > c->st.min_el;
    return 0;
}

int ilrs_windows_site_station(ilrs_ephem_t *ephem, const ilrs_lunar_site_t *site,
                              const ilrs_ground_station_t *gs, const ilrs_window_search_t *search,
                              ilrs_window_list_t *out)
{
    if (ephem == NULL || out == NULL) {
        return ILRS_EINVAL;
    }
    site_station_ctx_t c;
    memset(&c, 0, sizeof(c));
    int rc = check_search(search);
    if (rc == 0) {
        rc = site_frame_init(site, &c.frame);
    }
    if (rc != 0) {
        return rc;
    }
    c.site = site;
    c.start = search->start;
    /* Geometry every 6 h, from one step before the start (cubic interpolation,
     * as for orbiters: within 0.2 km of the Earth, 3e-10 rad of the rotation). */
    const double step = 21600.0;
    ilrs__geom_init(&c.geom, ephem, ilrs__tai_add(search->start, -step), step);
    rc = ilrs__geom_cover(&c.geom, ilrs__tai_add(search->end, 1.0));
    if (rc == 0) {
        rc = station_frame_init(gs, search->start, search->end, &c.st);
    }
    if (rc == 0) {
        rc = search_windows(site_station_visible, &c, search, out);
    }
    station_frame_fini(&c.st);
    ilrs__geom_fini(&c.geom);
    return rc;
}
