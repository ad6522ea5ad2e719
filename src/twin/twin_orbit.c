/* SPDX-License-Identifier: Apache-2.0 */
/*
 * twin_orbit.c: orbiters about the Moon. Classical elements, the lunar
 * gravity field's low-degree terms (GRAIL GL0660B, Konopliv et al. 2014:
 * GM, J2, C22, J3, unnormalised, reference radius 1738.0 km) evaluated in the
 * lunar body-fixed frame, Earth and Sun third-body terms in Battin's form, and
 * GSL's rk8pd (Prince–Dormand 8(7)) with adaptive error control.
 *
 * Design notes.
 * - State: Moon-centred, ICRF axes, metres and m/s, time in seconds from the
 *   orbiter's epoch. Every accepted integrator step is stored with its
 *   acceleration; states between steps come from quintic Hermite
 *   interpolation on (r, v, a) at the step ends (tested against direct
 *   integration: well below a metre at the default tolerance).
 * - Sun, Earth and the lunar rotation change slowly compared with the orbit,
 *   so they are sampled every geometry_step_s (6 h) and interpolated with a
 *   cubic (ilrs__geom_*): an analytic ephemeris call costs about 80 µs, the
 *   integrator makes millions of force evaluations a year. At 6 h the cubic is
 *   within 0.2 km of the Earth and the Sun (4e-7 of the third-body terms) and
 *   3e-10 rad of the rotation (test geometry_cache_accuracy).
 * - Isolated Moon (ephem == NULL): the body frame turns uniformly about the
 *   fixed IAU mean pole (Archinal et al. 2011 constant terms); no third bodies.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

#include <ilrs/twin.h>

#include "twin/twin_regolith_orbit_int.h"

#define GM_MOON (ILRS_MOON_GM_KM3_S2 * 1e9)      /* m³ s⁻² */
#define R_REF   (ILRS_MOON_REF_RADIUS_KM * 1e3)  /* m */
#define R_MEAN  (ILRS_MOON_MEAN_RADIUS_KM * 1e3) /* m */
/* JPL DE440 (Park et al. 2021, AJ 161:105, table 8): GM of the Earth and the Sun. */
#define GM_EARTH     3.98600435507e14       /* m³ s⁻² */
#define GM_SUN       1.32712440041279419e20 /* m³ s⁻² */
#define JD_1958      2436204.5              /* TAI epoch of ilrs_tai_t */
#define JD_J2000     2451545.0
#define TT_MINUS_TAI 32.184 /* s, exact */

/* ------------------------------------------------------------------------- */
/* Small vector helpers                                                        */
/* ------------------------------------------------------------------------- */

static double dot3(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static void cross3(const double a[3], const double b[3], double c[3])
{
    c[0] = a[1] * b[2] - a[2] * b[1];
    c[1] = a[2] * b[0] - a[0] * b[2];
    c[2] = a[0] * b[1] - a[1] * b[0];
}

static double norm3(const double a[3])
{
    return sqrt(dot3(a, a));
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

ilrs_tai_t ilrs__tai_add(ilrs_tai_t a, double s)
{
    return a + (ilrs_tai_t)llround(s * 1e9);
}

/* TDB days from J2000 (TDB ≈ TT, < 2 ms, irrelevant for the rotation). */
static double days_j2000(ilrs_tai_t t)
{
    return (JD_1958 - JD_J2000) + ((double)t / 1e9 + TT_MINUS_TAI) / 86400.0;
}

/* ------------------------------------------------------------------------- */
/* Lunar rotation and the geometry cache                                       */
/* ------------------------------------------------------------------------- */

/* Rate of the IAU mean prime meridian, rad/s (13.17635815°/day). */
#define W_RATE_RAD_S (13.17635815 * ILRS__DEG / 86400.0)

double ilrs__moon_mean_w_rad(ilrs_tai_t t)
{
    /* Archinal et al. (2011), IAU WGCCRE: W = 38.3213 + 13.17635815 d (mean part). */
    double d = days_j2000(t);
    double w = fmod(38.3213 + 13.17635815 * d, 360.0);
    return w * ILRS__DEG;
}

/* Frame rotation about z by angle a: [[c, s, 0], [−s, c, 0], [0, 0, 1]] · m. */
static void rot_z_left(double a, double m[3][3])
{
    double c = cos(a), s = sin(a);
    for (int j = 0; j < 3; j++) {
        double x = m[0][j], y = m[1][j];
        m[0][j] = c * x + s * y;
        m[1][j] = -s * x + c * y;
    }
}

static void rot_x_left(double a, double m[3][3])
{
    double c = cos(a), s = sin(a);
    for (int j = 0; j < 3; j++) {
        double y = m[1][j], z = m[2][j];
        m[1][j] = c * y + s * z;
        m[2][j] = -s * y + c * z;
    }
}

void ilrs__moon_mean_rotation(ilrs_tai_t t, double rot[3][3])
{
    /* R = Rz(W) Rx(90° − δ0) Rz(90° + α0) with the constant IAU pole
     * α0 = 269.9949°, δ0 = 66.5392° (Archinal et al. 2011). */
    memset(rot, 0, 9 * sizeof(double));
    rot[0][0] = rot[1][1] = rot[2][2] = 1.0;
    rot_z_left((90.0 + 269.9949) * ILRS__DEG, rot);
    rot_x_left((90.0 - 66.5392) * ILRS__DEG, rot);
    rot_z_left(ilrs__moon_mean_w_rad(t), rot);
}

void ilrs__geom_init(ilrs__geom_t *g, ilrs_ephem_t *ephem, ilrs_tai_t t0, double step_s)
{
    memset(g, 0, sizeof(*g));
    g->ephem = ephem;
    g->t0 = t0;
    g->step_s = step_s;
}

void ilrs__geom_fini(ilrs__geom_t *g)
{
    if (g != NULL) {
        free(g->data);
        g->data = NULL;
        g->count = g->cap = 0;
    }
}

static int geom_sample(ilrs__geom_t *g, size_t k, double *out)
{
    ilrs_tai_t t = ilrs__tai_add(g->t0, (double)k * g->step_s);
    double rot[3][3];
    if (g->ephem == NULL) {
        memset(out, 0, 6 * sizeof(double));
        ilrs__moon_mean_rotation(t, rot);
    } else {
        int rc = ilrs_ephem_sun_earth(g->ephem, t, out, out + 3, NULL);
        if (rc == 0) {
            rc = ilrs_ephem_moon_rotation(g->ephem, t, rot);
        }
        if (rc != 0) {
            return rc;
        }
    }
    /* Q = Rz(−W_mean) R; keep cos and sin of W_mean at the sample. */
    double w = ilrs__moon_mean_w_rad(t);
    rot_z_left(-w, rot);
    memcpy(out + 6, rot, 9 * sizeof(double));
    out[15] = cos(w);
    out[16] = sin(w);
    return 0;
}

int ilrs__geom_cover(ilrs__geom_t *g, ilrs_tai_t t)
{
    double x = ilrs__seconds(g->t0, t) / g->step_s;
    if (!(x >= 0.0) || x > 1e9) {
        return ILRS_ERANGE;
    }
    size_t need = (size_t)floor(x) + 3; /* samples k−1 .. k+2 around t */
    if (need < 4) {
        need = 4;
    }
    if (need <= g->count) {
        return 0;
    }
    if (need > g->cap) {
        size_t cap = g->cap ? g->cap : 64;
        while (cap < need) {
            cap *= 2;
        }
        double *d = realloc(g->data, cap * ILRS__GEOM_STRIDE * sizeof(double));
        if (d == NULL) {
            return ILRS_ENOMEM;
        }
        g->data = d;
        g->cap = cap;
    }
    for (size_t k = g->count; k < need; k++) {
        int rc = geom_sample(g, k, g->data + k * ILRS__GEOM_STRIDE);
        if (rc != 0) {
            return rc;
        }
        g->count = k + 1;
    }
    return 0;
}

void ilrs__geom_eval(const ilrs__geom_t *g, double dt_s, double sun[3], double earth[3],
                     double rot[3][3])
{
    double x = dt_s / g->step_s;
    long k = (long)floor(x);
    if (k < 1) {
        k = 1;
    }
    if ((size_t)k + 2 >= g->count) {
        k = (long)g->count - 3;
    }
    double u = x - (double)k;
    /* 4-point Lagrange weights at nodes −1, 0, 1, 2. */
    double w[4] = {
        -u * (u - 1.0) * (u - 2.0) / 6.0,
        (u + 1.0) * (u - 1.0) * (u - 2.0) / 2.0,
        -(u + 1.0) * u * (u - 2.0) / 2.0,
        (u + 1.0) * u * (u - 1.0) / 6.0,
    };
    double acc[15] = {0};
    int first = (sun != NULL || earth != NULL) ? 0 : 6;
    int last = rot != NULL ? 15 : 6;
    for (int j = 0; j < 4; j++) {
        const double *d = g->data + (size_t)(k - 1 + j) * ILRS__GEOM_STRIDE;
        for (int c = first; c < last; c++) {
            acc[c] += w[j] * d[c];
        }
    }
    if (sun != NULL) {
        memcpy(sun, acc, 3 * sizeof(double));
    }
    if (earth != NULL) {
        memcpy(earth, acc + 3, 3 * sizeof(double));
    }
    if (rot != NULL) {
        /* W_mean(t) = W_k + δ with δ = rate (t − t_k): 0.06 rad at most on the
         * 6 h grid, 0.46 rad in the worst case (1-day grid, two steps past the
         * last node). cos and sin of W by the angle-addition formulas, with δ's
         * by Taylor series to δ¹²/δ¹³ (error < 3e-16 for |δ| <= 0.46), which
         * avoids a sincos and an fmod per force evaluation. */
        const double *dk = g->data + (size_t)k * ILRS__GEOM_STRIDE;
        double d = W_RATE_RAD_S * (dt_s - (double)k * g->step_s);
        double d2 = d * d;
        double cd =
            1.0 +
            d2 * (-1.0 / 2 +
                  d2 * (1.0 / 24 +
                        d2 * (-1.0 / 720 + d2 * (1.0 / 40320 +
                                                 d2 * (-1.0 / 3628800 + d2 * (1.0 / 479001600))))));
        double sd =
            d * (1.0 + d2 * (-1.0 / 6 +
                             d2 * (1.0 / 120 +
                                   d2 * (-1.0 / 5040 +
                                         d2 * (1.0 / 362880 + d2 * (-1.0 / 39916800 +
                                                                    d2 * (1.0 / 6227020800.0)))))));
        double cw = dk[15] * cd - dk[16] * sd;
        double sw = dk[16] * cd + dk[15] * sd;
        for (int j = 0; j < 3; j++) {
            double qx = acc[6 + j], qy = acc[9 + j];
            rot[0][j] = cw * qx + sw * qy;
            rot[1][j] = -sw * qx + cw * qy;
            rot[2][j] = acc[12 + j];
        }
    }
}

/* ------------------------------------------------------------------------- */
/* Elements                                                                    */
/* ------------------------------------------------------------------------- */

static void put_error(char *error, size_t cap, const char *fmt, const char *what, double value)
{
    if (error != NULL && cap > 0) {
        snprintf(error, cap, fmt, what, value);
    }
}

void ilrs_orbit_config_default(ilrs_orbit_config_t *c)
{
    memset(c, 0, sizeof(*c));
    c->forces.j2 = c->forces.c22 = c->forces.j3 = true;
    c->forces.earth = c->forces.sun = true;
    c->rel_tol = 1e-10;
    c->abs_tol_m = 1e-3;
    c->geometry_step_s = 21600.0;
}

double ilrs_orbit_period_s(double a_km)
{
    double a = a_km * 1e3;
    return 2.0 * ILRS__PI * sqrt(a * a * a / GM_MOON);
}

double ilrs_orbit_semi_major_axis_km(double period_s)
{
    /* Kepler's third law: a³ = GM T² / (4π²). */
    double x = GM_MOON * period_s * period_s / (4.0 * ILRS__PI * ILRS__PI);
    return cbrt(x) / 1e3;
}

int ilrs_orbit_elements_check(const ilrs_orbit_elements_t *el, char *error, size_t error_cap)
{
    if (error != NULL && error_cap > 0) {
        error[0] = '\0';
    }
    if (el == NULL) {
        return ILRS_EINVAL;
    }
    const double vals[6] = {el->a_km, el->e, el->i_deg, el->raan_deg, el->argp_deg, el->m_deg};
    static const char *const names[6] = {"a", "e", "i", "raan", "argp", "m"};
    for (int k = 0; k < 6; k++) {
        if (!isfinite(vals[k])) {
            put_error(error, error_cap, "orbit: %s = %g is not finite", names[k], vals[k]);
            return ILRS_EINVAL;
        }
    }
    if (el->e < 0.0) {
        put_error(error, error_cap, "orbit: %s = %g is negative", "e", el->e);
        return ILRS_ERANGE;
    }
    if (el->e >= 1.0) {
        put_error(error, error_cap, "orbit: %s = %g is not an ellipse (needs e < 1)", "e", el->e);
        return ILRS_ERANGE;
    }
    if (el->a_km <= 0.0 || el->a_km > 1e6) {
        put_error(error, error_cap, "orbit: %s = %g km outside (0, 1e6)", "a", el->a_km);
        return ILRS_ERANGE;
    }
    double rp = el->a_km * (1.0 - el->e);
    if (rp <= ILRS_MOON_MEAN_RADIUS_KM) {
        if (error != NULL && error_cap > 0) {
            snprintf(error, error_cap,
                     "orbit: periapsis radius a(1-e) = %g km (a = %g km, e = %g) is below the "
                     "lunar surface (%g km)",
                     rp, el->a_km, el->e, ILRS_MOON_MEAN_RADIUS_KM);
        }
        return ILRS_ERANGE;
    }
    if (el->i_deg < 0.0 || el->i_deg > 180.0) {
        put_error(error, error_cap, "orbit: %s = %g deg outside [0, 180]", "i", el->i_deg);
        return ILRS_ERANGE;
    }
    if (el->frame != ILRS_ORBIT_FRAME_ICRF && el->frame != ILRS_ORBIT_FRAME_LUNAR_EQUATOR &&
        el->frame != ILRS_ORBIT_FRAME_EARTH_ORBIT) {
        put_error(error, error_cap, "orbit: %s = %g is not a known element frame", "frame",
                  (double)el->frame);
        return ILRS_EINVAL;
    }
    return 0;
}

int ilrs_orbit_preset(const char *name, ilrs_orbit_elements_t *out)
{
    /* Queqiao-2 (REFERENCE.md "Lunar gravity and orbits"): 24 h, ~200 × 16,000 km,
     * i = 62.4°; the 12 h south-pole variant ~300 × 8,600 km, i = 54.8°, apolune
     * over the south (ω = 90°). a follows from the period (Kepler), e from the
     * periapsis altitude above the mean radius.
     * Both pairs (e, i) satisfy the frozen condition of the Earth-perturbed
     * (Kozai) problem with ω = 90°, cos²i = (3/5)(1 − e²) (e = 0.801 → 62.4°,
     * e = 0.668 → 54.8°), where i is measured from the perturber's orbit plane:
     * hence the Earth-orbit frame. The node is placed 90° behind the Earth's
     * direction (RAAN 270°) so that the monthly tide first raises periapsis;
     * with the node towards the Earth (RAAN 0° or 180°) the 24 h orbit hits the
     * surface within days (docs/twin-environment.md, "Orbits"). ω = 90° and the
     * phasing are our choices; REFERENCE.md does not give them. */
    static const struct {
        const char *name;
        double period_h, peri_alt_km, i_deg;
    } presets[] = {
        {"queqiao2-24h", 24.0, 200.0, 62.4},
        {"queqiao2-12h", 12.0, 300.0, 54.8},
    };
    memset(out, 0, sizeof(*out));
    if (name == NULL) {
        return ILRS_EINVAL;
    }
    for (size_t k = 0; k < sizeof(presets) / sizeof(presets[0]); k++) {
        if (strcmp(name, presets[k].name) == 0) {
            double a = ilrs_orbit_semi_major_axis_km(presets[k].period_h * 3600.0);
            out->a_km = a;
            out->e = 1.0 - (ILRS_MOON_MEAN_RADIUS_KM + presets[k].peri_alt_km) / a;
            out->i_deg = presets[k].i_deg;
            out->raan_deg = 270.0;
            out->argp_deg = 90.0;
            out->m_deg = 0.0;
            out->frame = ILRS_ORBIT_FRAME_EARTH_ORBIT;
            return 0;
        }
    }
    return ILRS_ENOTFOUND;
}

static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    return s;
}

/* Element strings rejected since start-up (all threads). */
static _Atomic unsigned long elements_rejected;

unsigned long ilrs_orbit_elements_rejected_count(void)
{
    return elements_rejected;
}

static int parse_elements(const char *text, ilrs_orbit_elements_t *out, char *error,
                          size_t error_cap);

int ilrs_orbit_elements_parse(const char *text, ilrs_orbit_elements_t *out, char *error,
                              size_t error_cap)
{
    int rc = parse_elements(text, out, error, error_cap);
    if (rc != 0) {
        elements_rejected++;
    }
    return rc;
}

static int parse_elements(const char *text, ilrs_orbit_elements_t *out, char *error,
                          size_t error_cap)
{
    static const char *const names[6] = {"a", "e", "i", "raan", "argp", "m"};
    double v[6];
    int rc = 0;
    if (out != NULL) {
        memset(out, 0, sizeof(*out));
    }
    if (error != NULL && error_cap > 0) {
        error[0] = '\0';
    }
    if (text == NULL || out == NULL) {
        return ILRS_EINVAL;
    }
    size_t len = strnlen(text, 512);
    if (len == 512) {
        if (error != NULL && error_cap > 0) {
            snprintf(error, error_cap, "orbit: elements text longer than 511 characters");
        }
        return ILRS_EFORMAT;
    }
    const char *s = skip_space(text);
    if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) {
        rc = ilrs_orbit_preset(s, out);
        if (rc != 0 && error != NULL && error_cap > 0) {
            snprintf(error, error_cap,
                     "orbit: unknown preset '%.64s' (known: queqiao2-24h, queqiao2-12h, or "
                     "a_km,e,i,raan,argp,m)",
                     s);
        }
        return rc;
    }
    for (int k = 0; k < 6; k++) {
        s = skip_space(s);
        char *end = NULL;
        v[k] = strtod(s, &end);
        if (end == s) {
            if (error != NULL && error_cap > 0) {
                snprintf(error, error_cap, "orbit: field %d (%s) is not a number near '%.16s'",
                         k + 1, names[k], s);
            }
            return ILRS_EFORMAT;
        }
        s = skip_space(end);
        if (k < 5) {
            if (*s != ',') {
                if (error != NULL && error_cap > 0) {
                    snprintf(error, error_cap,
                             "orbit: expected ',' after field %d (%s); need 6 fields "
                             "a_km,e,i,raan,argp,m",
                             k + 1, names[k]);
                }
                return ILRS_EFORMAT;
            }
            s++;
        }
    }
    ilrs_orbit_frame_t frame = ILRS_ORBIT_FRAME_LUNAR_EQUATOR;
    if (*s == ',') {
        s = skip_space(s + 1);
        size_t n = strcspn(s, " \t");
        if (n == 4 && strncmp(s, "icrf", 4) == 0) {
            frame = ILRS_ORBIT_FRAME_ICRF;
        } else if (n == 5 && strncmp(s, "lunar", 5) == 0) {
            frame = ILRS_ORBIT_FRAME_LUNAR_EQUATOR;
        } else if (n == 5 && strncmp(s, "earth", 5) == 0) {
            frame = ILRS_ORBIT_FRAME_EARTH_ORBIT;
        } else {
            if (error != NULL && error_cap > 0) {
                snprintf(error, error_cap, "orbit: unknown frame '%.16s' (icrf, lunar or earth)",
                         s);
            }
            return ILRS_EFORMAT;
        }
        s = skip_space(s + n);
    }
    if (*s != '\0') {
        if (error != NULL && error_cap > 0) {
            snprintf(error, error_cap, "orbit: unexpected text after the elements: '%.16s'", s);
        }
        return ILRS_EFORMAT;
    }
    ilrs_orbit_elements_t el = {v[0], v[1], v[2], v[3], v[4], v[5], frame};
    rc = ilrs_orbit_elements_check(&el, error, error_cap);
    if (rc == 0) {
        *out = el;
    }
    return rc;
}

/* Kepler's equation E − e sin E = M by Newton's method (e < 1). */
static double eccentric_anomaly(double m, double e)
{
    m = remainder(m, 2.0 * ILRS__PI);
    double ea = e < 0.8 ? m : (m < 0.0 ? -ILRS__PI : ILRS__PI);
    for (int k = 0; k < 60; k++) {
        double f = ea - e * sin(ea) - m;
        double d = f / (1.0 - e * cos(ea));
        ea -= d;
        if (fabs(d) < 1e-15) {
            break;
        }
    }
    return ea;
}

int ilrs_orbit_elements_to_state(const ilrs_orbit_elements_t *el, double r_m[3], double v_m_s[3])
{
    memset(r_m, 0, 3 * sizeof(double));
    memset(v_m_s, 0, 3 * sizeof(double));
    int rc = ilrs_orbit_elements_check(el, NULL, 0);
    if (rc != 0) {
        return rc;
    }
    double a = el->a_km * 1e3, e = el->e;
    double ea = eccentric_anomaly(el->m_deg * ILRS__DEG, e);
    double b = a * sqrt(1.0 - e * e);
    double rr = a * (1.0 - e * cos(ea));
    double nmean = sqrt(GM_MOON / (a * a * a));
    /* Perifocal position and velocity. */
    double px = a * (cos(ea) - e), py = b * sin(ea);
    double vx = -a * nmean * sin(ea) * a / rr, vy = b * nmean * cos(ea) * a / rr;
    double O = el->raan_deg * ILRS__DEG, w = el->argp_deg * ILRS__DEG, i = el->i_deg * ILRS__DEG;
    double cO = cos(O), sO = sin(O), cw = cos(w), sw = sin(w), ci = cos(i), si = sin(i);
    /* Columns P and Q of the perifocal-to-frame rotation. */
    double P[3] = {cO * cw - sO * sw * ci, sO * cw + cO * sw * ci, sw * si};
    double Q[3] = {-cO * sw - sO * cw * ci, -sO * sw + cO * cw * ci, cw * si};
    for (int k = 0; k < 3; k++) {
        r_m[k] = px * P[k] + py * Q[k];
        v_m_s[k] = vx * P[k] + vy * Q[k];
    }
    return 0;
}

int ilrs_orbit_state_to_elements(const double r_m[3], const double v_m_s[3],
                                 ilrs_orbit_frame_t frame, ilrs_orbit_elements_t *out)
{
    memset(out, 0, sizeof(*out));
    out->frame = frame;
    double h[3], ev[3], nd[3];
    cross3(r_m, v_m_s, h);
    double r = norm3(r_m), v2 = dot3(v_m_s, v_m_s), rv = dot3(r_m, v_m_s);
    double energy = 0.5 * v2 - GM_MOON / r;
    if (!(energy < 0.0) || !(r > 0.0)) {
        return ILRS_ERANGE;
    }
    double a = -GM_MOON / (2.0 * energy);
    for (int k = 0; k < 3; k++) {
        ev[k] = ((v2 - GM_MOON / r) * r_m[k] - rv * v_m_s[k]) / GM_MOON;
    }
    double e = norm3(ev), hn = norm3(h);
    double inc = acos(fmax(-1.0, fmin(1.0, h[2] / hn)));
    nd[0] = -h[1];
    nd[1] = h[0];
    nd[2] = 0.0;
    double nn = norm3(nd);
    double raan = 0.0, argp = 0.0, nu;
    /* Reference direction in the orbit plane: the node, or x for equatorial orbits. */
    double ref[3] = {1.0, 0.0, 0.0};
    if (nn > 1e-12 * hn) {
        raan = atan2(nd[1], nd[0]);
        for (int k = 0; k < 3; k++) {
            ref[k] = nd[k] / nn;
        }
    }
    double hu[3] = {h[0] / hn, h[1] / hn, h[2] / hn};
    double ref2[3];
    cross3(hu, ref, ref2);
    if (e > 1e-12) {
        argp = atan2(dot3(ev, ref2), dot3(ev, ref));
        double ex[3] = {ev[0] / e, ev[1] / e, ev[2] / e}, ey[3];
        cross3(hu, ex, ey);
        nu = atan2(dot3(r_m, ey), dot3(r_m, ex));
    } else {
        nu = atan2(dot3(r_m, ref2), dot3(r_m, ref));
    }
    double ea = 2.0 * atan2(sqrt(1.0 - e) * sin(0.5 * nu), sqrt(1.0 + e) * cos(0.5 * nu));
    double m = ea - e * sin(ea);
    out->a_km = a / 1e3;
    out->e = e;
    out->i_deg = inc / ILRS__DEG;
    out->raan_deg = fmod(raan / ILRS__DEG + 360.0, 360.0);
    out->argp_deg = fmod(argp / ILRS__DEG + 360.0, 360.0);
    out->m_deg = fmod(m / ILRS__DEG + 360.0, 360.0);
    return e < 1.0 ? 0 : ILRS_ERANGE;
}

/* ------------------------------------------------------------------------- */
/* The orbiter                                                                 */
/* ------------------------------------------------------------------------- */

struct ilrs_orbit {
    ilrs_ephem_t *ephem;
    ilrs_orbit_config_t cfg;
    ilrs_tai_t epoch;
    double leq[3][3]; /* ICRF → lunar equator of epoch */
    double lop[3][3]; /* ICRF → Earth's orbit plane about the Moon, x to the Earth */
    bool has_lop;
    ilrs__geom_t geom;
    /* Trajectory: times (s from epoch), states and accelerations at every
     * accepted step (ys holds 9 values a step: r, v, a). */
    double *ts;
    double *ys;
    size_t count, cap;
    size_t hint; /* interval of the last lookup (sequential reads are the norm) */
    /* Integrator. */
    gsl_odeiv2_system sys;
    gsl_odeiv2_step *step;
    gsl_odeiv2_control *control;
    gsl_odeiv2_evolve *evolve;
    double h;
    double t;    /* s from epoch */
    double y[6]; /* current state */
};

/* Field perturbations in the body frame (J2, J3 zonal; C22 sectoral), from the
 * gradient of U = (GM/r)[−J2 (R/r)² P2(sin φ) − J3 (R/r)³ P3(sin φ) +
 * 3 C22 (R/r)² cos²φ cos 2λ] (unnormalised coefficients). */
static void field_accel(const ilrs_orbit_forces_t *f, const double rb[3], double ab[3])
{
    double x = rb[0], y = rb[1], z = rb[2];
    double r2 = x * x + y * y + z * z;
    double r = sqrt(r2);
    double ir2 = 1.0 / r2;
    double ir5 = ir2 * ir2 / r;
    double zz = z * z * ir2; /* sin²φ */
    ab[0] = ab[1] = ab[2] = 0.0;
    if (f->j2) {
        double k = -1.5 * ILRS_MOON_J2 * GM_MOON * R_REF * R_REF * ir5;
        ab[0] += k * x * (1.0 - 5.0 * zz);
        ab[1] += k * y * (1.0 - 5.0 * zz);
        ab[2] += k * z * (3.0 - 5.0 * zz);
    }
    if (f->j3) {
        double k = -2.5 * ILRS_MOON_J3 * GM_MOON * R_REF * R_REF * R_REF * ir5 * ir2;
        ab[0] += k * x * (3.0 * z - 7.0 * z * zz);
        ab[1] += k * y * (3.0 * z - 7.0 * z * zz);
        ab[2] += k * (6.0 * z * z - 7.0 * z * z * zz - 0.6 * r2);
    }
    if (f->c22) {
        /* U22 = 3 GM R² C22 (x² − y²) / r⁵ */
        double k = 3.0 * GM_MOON * R_REF * R_REF * ILRS_MOON_C22 * ir5;
        double q = 5.0 * (x * x - y * y) * ir2;
        ab[0] += k * x * (2.0 - q);
        ab[1] += k * y * (-2.0 - q);
        ab[2] += k * z * (-q);
    }
}

/* Third-body acceleration in Battin's form (Battin 1999, §8.4), which avoids
 * the cancellation of the direct and indirect terms: with d = r − s,
 * q = r·(r − 2s)/s², F(q) = q(3 + 3q + q²)/(1 + (1 + q)^{3/2}),
 * a = −GM/|d|³ (r + F(q) s). */
static void third_body(double gm, const double r[3], const double s[3], double a[3])
{
    double d[3] = {r[0] - s[0], r[1] - s[1], r[2] - s[2]};
    double q =
        (r[0] * (r[0] - 2.0 * s[0]) + r[1] * (r[1] - 2.0 * s[1]) + r[2] * (r[2] - 2.0 * s[2])) /
        dot3(s, s);
    double f = q * (3.0 + 3.0 * q + q * q) / (1.0 + (1.0 + q) * sqrt(1.0 + q));
    double dn = norm3(d);
    double k = -gm / (dn * dn * dn);
    for (int i = 0; i < 3; i++) {
        a[i] += k * (r[i] + f * s[i]);
    }
}

void ilrs__third_body_accel(double gm, const double r[3], const double s[3], double a[3])
{
    a[0] = a[1] = a[2] = 0.0;
    third_body(gm, r, s, a);
}

static int rhs(double t, const double y[], double dydt[], void *params)
{
    const ilrs_orbit_t *orb = params;
    const ilrs_orbit_forces_t *f = &orb->cfg.forces;
    const double *r = y;
    double rn2 = dot3(r, r);
    double rn = sqrt(rn2);
    double k = -GM_MOON / (rn2 * rn);
    double a[3] = {k * r[0], k * r[1], k * r[2]};
    if (f->j2 || f->j3 || f->c22 || f->earth || f->sun) {
        double sun[3], earth[3], rot[3][3];
        bool third = f->earth || f->sun;
        ilrs__geom_eval(&orb->geom, t + orb->geom.step_s, third ? sun : NULL, third ? earth : NULL,
                        rot);
        if (f->j2 || f->j3 || f->c22) {
            double rb[3], ab[3], ai[3];
            mat_vec(rot, r, rb);
            field_accel(f, rb, ab);
            mat_t_vec(rot, ab, ai);
            a[0] += ai[0];
            a[1] += ai[1];
            a[2] += ai[2];
        }
        if (f->earth) {
            third_body(GM_EARTH, r, earth, a);
        }
        if (f->sun) {
            third_body(GM_SUN, r, sun, a);
        }
    }
    dydt[0] = y[3];
    dydt[1] = y[4];
    dydt[2] = y[5];
    dydt[3] = a[0];
    dydt[4] = a[1];
    dydt[5] = a[2];
    return GSL_SUCCESS;
}

#define YS_STRIDE 9

static int store(ilrs_orbit_t *orb, double t, const double y[6])
{
    if (orb->count == orb->cap) {
        size_t cap = orb->cap ? 2 * orb->cap : 1024;
        double *ts = realloc(orb->ts, cap * sizeof(double));
        if (ts == NULL) {
            return ILRS_ENOMEM;
        }
        orb->ts = ts;
        double *ys = realloc(orb->ys, cap * YS_STRIDE * sizeof(double));
        if (ys == NULL) {
            return ILRS_ENOMEM;
        }
        orb->ys = ys;
        orb->cap = cap;
    }
    double dydt[6];
    rhs(t, y, dydt, orb);
    double *row = orb->ys + YS_STRIDE * orb->count;
    orb->ts[orb->count] = t;
    memcpy(row, y, 6 * sizeof(double));
    memcpy(row + 6, dydt + 3, 3 * sizeof(double));
    orb->count++;
    return 0;
}

void ilrs_orbit_destroy(ilrs_orbit_t *orb)
{
    if (orb == NULL) {
        return;
    }
    if (orb->evolve != NULL) {
        gsl_odeiv2_evolve_free(orb->evolve);
    }
    if (orb->control != NULL) {
        gsl_odeiv2_control_free(orb->control);
    }
    if (orb->step != NULL) {
        gsl_odeiv2_step_free(orb->step);
    }
    ilrs__geom_fini(&orb->geom);
    free(orb->ts);
    free(orb->ys);
    free(orb);
}

int ilrs_orbit_create(ilrs_ephem_t *ephem, const ilrs_orbit_config_t *cfg,
                      const ilrs_orbit_elements_t *el, ilrs_tai_t epoch, ilrs_orbit_t **out,
                      char *error, size_t error_cap)
{
    int rc = 0;
    ilrs_orbit_t *orb = NULL;
    if (out != NULL) {
        *out = NULL;
    }
    if (error != NULL && error_cap > 0) {
        error[0] = '\0';
    }
    if (out == NULL || el == NULL) {
        return ILRS_EINVAL;
    }
    rc = ilrs_orbit_elements_check(el, error, error_cap);
    if (rc != 0) {
        return rc;
    }
    orb = calloc(1, sizeof(*orb));
    if (orb == NULL) {
        return ILRS_ENOMEM;
    }
    if (cfg != NULL) {
        orb->cfg = *cfg;
    } else {
        ilrs_orbit_config_default(&orb->cfg);
    }
    const ilrs_orbit_config_t *c = &orb->cfg;
    if (!(c->rel_tol > 0.0 && c->rel_tol < 1e-2)) {
        put_error(error, error_cap, "orbit: config %s = %g outside (0, 0.01)", "rel_tol",
                  c->rel_tol);
        rc = ILRS_EINVAL;
        goto out_free;
    }
    if (!(c->abs_tol_m > 0.0 && c->abs_tol_m < 1e6)) {
        put_error(error, error_cap, "orbit: config %s = %g m outside (0, 1e6)", "abs_tol_m",
                  c->abs_tol_m);
        rc = ILRS_EINVAL;
        goto out_free;
    }
    if (!(c->geometry_step_s >= 60.0 && c->geometry_step_s <= 86400.0)) {
        put_error(error, error_cap, "orbit: config %s = %g s outside [60, 86400]",
                  "geometry_step_s", c->geometry_step_s);
        rc = ILRS_EINVAL;
        goto out_free;
    }
    if (ephem == NULL && (c->forces.earth || c->forces.sun)) {
        if (error != NULL && error_cap > 0) {
            snprintf(error, error_cap,
                     "orbit: Earth/Sun third-body forces need an ephemeris (turn them off for an "
                     "isolated Moon)");
        }
        rc = ILRS_EINVAL;
        goto out_free;
    }
    orb->ephem = ephem;
    orb->epoch = epoch;
    /* Geometry sample 0 lies one step before the epoch so the cubic has a
     * node on each side from the start. */
    ilrs__geom_init(&orb->geom, ephem, ilrs__tai_add(epoch, -c->geometry_step_s),
                    c->geometry_step_s);
    rc = ilrs__geom_cover(&orb->geom, epoch);
    if (rc != 0) {
        if (error != NULL && error_cap > 0) {
            snprintf(error, error_cap, "orbit: ephemeris failed at the epoch: %s",
                     ilrs_strerror(rc));
        }
        goto out_free;
    }
    /* Lunar equator of the epoch: z = body pole in ICRF (third row of R),
     * x = z_ICRF × pole (the ascending node on the ICRF equator). */
    {
        double rot[3][3], x[3], y[3];
        ilrs__geom_eval(&orb->geom, c->geometry_step_s, NULL, NULL, rot);
        double pole[3] = {rot[2][0], rot[2][1], rot[2][2]};
        double zi[3] = {0.0, 0.0, 1.0};
        double pn = norm3(pole);
        for (int k = 0; k < 3; k++) {
            pole[k] /= pn;
        }
        cross3(zi, pole, x);
        double xn = norm3(x);
        for (int k = 0; k < 3; k++) {
            x[k] /= xn;
        }
        cross3(pole, x, y);
        memcpy(orb->leq[0], x, sizeof(x));
        memcpy(orb->leq[1], y, sizeof(y));
        memcpy(orb->leq[2], pole, sizeof(pole));
    }
    /* The Earth's orbit plane about the Moon: z = r_E × v_E (v_E by a central
     * difference over ±10 min), x = the Earth's direction at the epoch. */
    if (ephem != NULL) {
        double sa[3], sb[3], ea[3], eb[3], hv[3], x[3], y[3];
        const double dt = 600.0;
        rc = ilrs_ephem_sun_earth(ephem, ilrs__tai_add(epoch, -dt), sa, ea, NULL);
        if (rc == 0) {
            rc = ilrs_ephem_sun_earth(ephem, ilrs__tai_add(epoch, dt), sb, eb, NULL);
        }
        if (rc != 0) {
            if (error != NULL && error_cap > 0) {
                snprintf(error, error_cap, "orbit: ephemeris failed at the epoch: %s",
                         ilrs_strerror(rc));
            }
            goto out_free;
        }
        double em[3] = {0.5 * (ea[0] + eb[0]), 0.5 * (ea[1] + eb[1]), 0.5 * (ea[2] + eb[2])};
        double ev[3] = {eb[0] - ea[0], eb[1] - ea[1], eb[2] - ea[2]};
        cross3(em, ev, hv);
        double hn = norm3(hv);
        for (int k = 0; k < 3; k++) {
            hv[k] /= hn;
        }
        double pe = dot3(em, hv);
        for (int k = 0; k < 3; k++) {
            x[k] = em[k] - pe * hv[k];
        }
        double xn = norm3(x);
        for (int k = 0; k < 3; k++) {
            x[k] /= xn;
        }
        cross3(hv, x, y);
        memcpy(orb->lop[0], x, sizeof(x));
        memcpy(orb->lop[1], y, sizeof(y));
        memcpy(orb->lop[2], hv, sizeof(hv));
        orb->has_lop = true;
    } else if (el->frame == ILRS_ORBIT_FRAME_EARTH_ORBIT) {
        if (error != NULL && error_cap > 0) {
            snprintf(error, error_cap, "orbit: Earth-orbit element frame needs an ephemeris");
        }
        rc = ILRS_EINVAL;
        goto out_free;
    }
    {
        /* Elements frame → ICRF: r_icrf = Mᵀ r_frame. */
        double r[3], v[3], ri[3], vi[3], m[3][3];
        ilrs_orbit_elements_to_state(el, r, v);
        rc = ilrs_orbit_frame_rotation(orb, el->frame, m);
        if (rc != 0) {
            goto out_free;
        }
        mat_t_vec(m, r, ri);
        mat_t_vec(m, v, vi);
        memcpy(orb->y, ri, sizeof(ri));
        memcpy(orb->y + 3, vi, sizeof(vi));
    }
    orb->sys.function = rhs;
    orb->sys.jacobian = NULL;
    orb->sys.dimension = 6;
    orb->sys.params = orb;
    orb->step = gsl_odeiv2_step_alloc(gsl_odeiv2_step_rk8pd, 6);
    /* Error scale per component: positions at abs_tol_m, velocities at
     * abs_tol_m per 1000 s (the orbit's time scale), plus rel_tol. */
    static const double scale[6] = {1.0, 1.0, 1.0, 1e-3, 1e-3, 1e-3};
    orb->control = gsl_odeiv2_control_scaled_new(c->abs_tol_m, c->rel_tol, 1.0, 0.0, scale, 6);
    orb->evolve = gsl_odeiv2_evolve_alloc(6);
    if (orb->step == NULL || orb->control == NULL || orb->evolve == NULL) {
        rc = ILRS_ENOMEM;
        goto out_free;
    }
    orb->h = 30.0;
    orb->t = 0.0;
    rc = store(orb, 0.0, orb->y);
    if (rc != 0) {
        goto out_free;
    }
    *out = orb;
    return 0;

out_free:
    ilrs_orbit_destroy(orb);
    return rc;
}

int ilrs_orbit_propagate(ilrs_orbit_t *orb, ilrs_tai_t t_end)
{
    if (orb == NULL || t_end < orb->epoch) {
        return ILRS_EINVAL;
    }
    double t1 = ilrs__seconds(orb->epoch, t_end);
    if (t1 <= orb->t) {
        return 0;
    }
    int rc = ilrs__geom_cover(&orb->geom, ilrs__tai_add(t_end, 1.0));
    if (rc != 0) {
        return rc;
    }
    /* GSL reports through its error handler; turn that off (the library never
     * aborts) and use the return codes. */
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    while (orb->t < t1) {
        int st = gsl_odeiv2_evolve_apply(orb->evolve, orb->control, orb->step, &orb->sys, &orb->t,
                                         t1, &orb->h, orb->y);
        if (st != GSL_SUCCESS) {
            ilrs_log(ILRS_LOG_ERROR, "twin", "orbit: integrator failed at t = %.3f s (gsl %d)",
                     orb->t, st);
            rc = ILRS_ETWIN_CONVERGE;
            break;
        }
        rc = store(orb, orb->t, orb->y);
        if (rc != 0) {
            break;
        }
        if (norm3(orb->y) < R_MEAN) {
            ilrs_log(ILRS_LOG_ERROR, "twin", "orbit: impact on the lunar surface at t = %.3f s",
                     orb->t);
            rc = ILRS_ETWIN_CONVERGE;
            break;
        }
    }
    gsl_set_error_handler(old);
    return rc;
}

void ilrs_orbit_span(const ilrs_orbit_t *orb, ilrs_tai_t *start, ilrs_tai_t *end)
{
    if (start != NULL) {
        *start = orb->epoch;
    }
    if (end != NULL) {
        *end = ilrs__tai_add(orb->epoch, orb->t);
    }
}

size_t ilrs_orbit_step_count(const ilrs_orbit_t *orb)
{
    return orb->count - 1;
}

int ilrs__orbit_state_s(const ilrs_orbit_t *orb, double s, double r[3], double v[3])
{
    const double eps = 1e-6;
    if (!(s >= -eps) || s > orb->t + eps) {
        return ILRS_ERANGE;
    }
    if (orb->count == 1) {
        memcpy(r, orb->ys, 3 * sizeof(double));
        if (v != NULL) {
            memcpy(v, orb->ys + 3, 3 * sizeof(double));
        }
        return 0;
    }
    /* Interval [ts[lo], ts[lo+1]] holding s: try the last one and its
     * successor, else bisect. The hint is a cache, not state: the object is
     * not shared between threads (twin.h). */
    size_t lo = 0, hi = orb->count - 1;
    size_t h0 = orb->hint;
    if (h0 + 1 < orb->count && orb->ts[h0] <= s && s <= orb->ts[h0 + 1]) {
        lo = h0;
        hi = h0 + 1;
    } else if (h0 + 2 < orb->count && orb->ts[h0 + 1] <= s && s <= orb->ts[h0 + 2]) {
        lo = h0 + 1;
        hi = h0 + 2;
    }
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (orb->ts[mid] <= s) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    ((ilrs_orbit_t *)orb)->hint = lo;
    const double *y0 = orb->ys + YS_STRIDE * lo, *y1 = orb->ys + YS_STRIDE * hi;
    double h = orb->ts[hi] - orb->ts[lo];
    double u = (s - orb->ts[lo]) / h;
    if (u < 0.0) {
        u = 0.0;
    } else if (u > 1.0) {
        u = 1.0;
    }
    /* Quintic Hermite on (r, v, a) at both ends (error of order h^6). */
    double u2 = u * u, u3 = u2 * u, u4 = u3 * u, u5 = u4 * u;
    double b0 = 1 - 10 * u3 + 15 * u4 - 6 * u5, b1 = u - 6 * u3 + 8 * u4 - 3 * u5;
    double b2 = 0.5 * (u2 - 3 * u3 + 3 * u4 - u5), b3 = 0.5 * (u3 - 2 * u4 + u5);
    double b4 = -4 * u3 + 7 * u4 - 3 * u5, b5 = 10 * u3 - 15 * u4 + 6 * u5;
    double d0 = -30 * u2 + 60 * u3 - 30 * u4, d1 = 1 - 18 * u2 + 32 * u3 - 15 * u4;
    double d2 = 0.5 * (2 * u - 9 * u2 + 12 * u3 - 5 * u4), d3 = 0.5 * (3 * u2 - 8 * u3 + 5 * u4);
    double d4 = -12 * u2 + 28 * u3 - 15 * u4, d5 = 30 * u2 - 60 * u3 + 30 * u4;
    double hh = h * h;
    for (int k = 0; k < 3; k++) {
        r[k] = b0 * y0[k] + b1 * h * y0[3 + k] + b2 * hh * y0[6 + k] + b3 * hh * y1[6 + k] +
               b4 * h * y1[3 + k] + b5 * y1[k];
        if (v != NULL) {
            v[k] = (d0 * y0[k] + d1 * h * y0[3 + k] + d2 * hh * y0[6 + k] + d3 * hh * y1[6 + k] +
                    d4 * h * y1[3 + k] + d5 * y1[k]) /
                   h;
        }
    }
    return 0;
}

int ilrs_orbit_state(const ilrs_orbit_t *orb, ilrs_tai_t t, double r_m[3], double v_m_s[3])
{
    int rc = ilrs__orbit_state_s(orb, ilrs__seconds(orb->epoch, t), r_m, v_m_s);
    if (rc != 0) {
        memset(r_m, 0, 3 * sizeof(double));
        memset(v_m_s, 0, 3 * sizeof(double));
    }
    return rc;
}

int ilrs_orbit_position_icrf(void *orbit, ilrs_tai_t t, double position_m[3])
{
    const ilrs_orbit_t *orb = orbit;
    if (orb == NULL) {
        memset(position_m, 0, 3 * sizeof(double));
        return ILRS_EINVAL;
    }
    int rc = ilrs__orbit_state_s(orb, ilrs__seconds(orb->epoch, t), position_m, NULL);
    if (rc != 0) {
        memset(position_m, 0, 3 * sizeof(double));
    }
    return rc;
}

int ilrs_orbit_position_body(const ilrs_orbit_t *orb, ilrs_tai_t t, double r_m[3])
{
    double s = ilrs__seconds(orb->epoch, t), r[3], rot[3][3];
    int rc = ilrs__orbit_state_s(orb, s, r, NULL);
    if (rc != 0) {
        memset(r_m, 0, 3 * sizeof(double));
        return rc;
    }
    ilrs__geom_eval(&orb->geom, s + orb->geom.step_s, NULL, NULL, rot);
    mat_vec(rot, r, r_m);
    return 0;
}

int ilrs_orbit_frame_rotation(const ilrs_orbit_t *orb, ilrs_orbit_frame_t frame,
                              double rotation[3][3])
{
    memset(rotation, 0, 9 * sizeof(double));
    switch (frame) {
    case ILRS_ORBIT_FRAME_ICRF:
        rotation[0][0] = rotation[1][1] = rotation[2][2] = 1.0;
        return 0;
    case ILRS_ORBIT_FRAME_LUNAR_EQUATOR:
        memcpy(rotation, orb->leq, 9 * sizeof(double));
        return 0;
    case ILRS_ORBIT_FRAME_EARTH_ORBIT:
        if (!orb->has_lop) {
            return ILRS_EINVAL;
        }
        memcpy(rotation, orb->lop, 9 * sizeof(double));
        return 0;
    }
    return ILRS_EINVAL;
}

const ilrs__geom_t *ilrs__orbit_geom(const ilrs_orbit_t *orb)
{
    return &orb->geom;
}

ilrs_tai_t ilrs__orbit_epoch(const ilrs_orbit_t *orb)
{
    return orb->epoch;
}
