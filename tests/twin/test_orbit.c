/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Orbits about the Moon: Kepler's third law for the Queqiao-2 presets
 * (REFERENCE.md: a ≈ 9,750 km for 24 h, ≈ 6,140 km for 12 h), two-body
 * conservation, J2 nodal regression against dΩ/dt = −3/2 n J2 (R/p)² cos i,
 * Battin's third-body form against the direct difference, Hermite
 * interpolation against direct integration, the frozen presets over 30 days
 * with every force on, and rejection of bad elements and element strings.
 */
#include "ilrs_test.h"

#include <math.h>
#include <stdlib.h>

#include <erfa.h>

#include <ilrs/twin.h>

#include "twin/twin_regolith_orbit_int.h"

#define GM       (ILRS_MOON_GM_KM3_S2 * 1e9)
#define R_MEAN_M (ILRS_MOON_MEAN_RADIUS_KM * 1e3)
#define S_NS(s)  ((ilrs_tai_t)((s)*1e9))

/* TAI (ns since 1958) of a UTC calendar date at 0 h. */
static ilrs_tai_t tai_of(int y, int m, int d)
{
    double u1, u2, a1, a2;
    /* ERFA returns +1 ("dubious year") for dates past its leap-second table's
     * horizon; the date is still converted. */
    assert_true(eraDtf2d("UTC", y, m, d, 0, 0, 0.0, &u1, &u2) >= 0);
    assert_true(eraUtctai(u1, u2, &a1, &a2) >= 0);
    double days = (a1 - 2436204.5) + a2;
    return (ilrs_tai_t)llround(days * 86400.0 * 1e9);
}

static void forces_off(ilrs_orbit_config_t *c)
{
    ilrs_orbit_config_default(c);
    c->forces.j2 = c->forces.c22 = c->forces.j3 = false;
    c->forces.earth = c->forces.sun = false;
}

static void kepler_presets(void **state)
{
    (void)state;
    ilrs_orbit_elements_t el;
    assert_int_equal(ilrs_orbit_preset("queqiao2-24h", &el), 0);
    print_message("queqiao2-24h: a %.1f km, e %.4f, peri alt %.1f km, apo alt %.1f km\n", el.a_km,
                  el.e, el.a_km * (1 - el.e) - ILRS_MOON_MEAN_RADIUS_KM,
                  el.a_km * (1 + el.e) - ILRS_MOON_MEAN_RADIUS_KM);
    assert_true(fabs(el.a_km - 9750.0) < 10.0);
    assert_true(fabs(ilrs_orbit_period_s(el.a_km) - 86400.0) < 1e-6);
    assert_true(fabs(el.a_km * (1 - el.e) - ILRS_MOON_MEAN_RADIUS_KM - 200.0) < 1e-6);
    assert_true(fabs(el.a_km * (1 + el.e) - ILRS_MOON_MEAN_RADIUS_KM - 16000.0) < 300.0);
    assert_true(el.i_deg == 62.4 && el.argp_deg == 90.0);
    /* Kozai frozen condition with ω = 90°: cos²i = (3/5)(1 − e²), within 0.3°. */
    double ifrozen = acos(sqrt(0.6 * (1.0 - el.e * el.e))) * 180.0 / 3.14159265358979;
    assert_true(fabs(ifrozen - el.i_deg) < 0.3);
    assert_int_equal(ilrs_orbit_preset("queqiao2-12h", &el), 0);
    print_message("queqiao2-12h: a %.1f km, e %.4f, peri alt %.1f km, apo alt %.1f km\n", el.a_km,
                  el.e, el.a_km * (1 - el.e) - ILRS_MOON_MEAN_RADIUS_KM,
                  el.a_km * (1 + el.e) - ILRS_MOON_MEAN_RADIUS_KM);
    assert_true(fabs(el.a_km - 6140.0) < 10.0);
    assert_true(fabs(ilrs_orbit_period_s(el.a_km) - 43200.0) < 1e-6);
    assert_true(fabs(el.a_km * (1 + el.e) - ILRS_MOON_MEAN_RADIUS_KM - 8600.0) < 200.0);
    ifrozen = acos(sqrt(0.6 * (1.0 - el.e * el.e))) * 180.0 / 3.14159265358979;
    assert_true(fabs(ifrozen - el.i_deg) < 0.3);
    assert_int_equal(ilrs_orbit_preset("queqiao3", &el), ILRS_ENOTFOUND);
    /* Kepler both ways. */
    assert_true(fabs(ilrs_orbit_semi_major_axis_km(ilrs_orbit_period_s(5000.0)) - 5000.0) < 1e-9);
}

static void elements_round_trip(void **state)
{
    (void)state;
    ilrs_orbit_elements_t el = {
        6142.0, 0.6, 54.8, 33.0, 90.0, 123.0, ILRS_ORBIT_FRAME_LUNAR_EQUATOR};
    double r[3], v[3];
    assert_int_equal(ilrs_orbit_elements_to_state(&el, r, v), 0);
    /* Vis-viva. */
    double rn = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
    double v2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
    assert_true(fabs(v2 - GM * (2.0 / rn - 1.0 / (el.a_km * 1e3))) < 1e-9 * v2);
    ilrs_orbit_elements_t back;
    assert_int_equal(ilrs_orbit_state_to_elements(r, v, el.frame, &back), 0);
    assert_true(fabs(back.a_km - el.a_km) < 1e-6);
    assert_true(fabs(back.e - el.e) < 1e-12);
    assert_true(fabs(back.i_deg - el.i_deg) < 1e-9);
    assert_true(fabs(back.raan_deg - el.raan_deg) < 1e-9);
    assert_true(fabs(back.argp_deg - el.argp_deg) < 1e-9);
    assert_true(fabs(back.m_deg - el.m_deg) < 1e-9);
    /* ω = 90°: periapsis is at maximum z, so the apoapsis is over the south. */
    el.m_deg = 180.0;
    assert_int_equal(ilrs_orbit_elements_to_state(&el, r, v), 0);
    assert_true(r[2] < 0.0);
}

static void energy_momentum(const ilrs_orbit_t *orb, ilrs_tai_t t, double *energy, double h[3])
{
    double r[3], v[3];
    assert_int_equal(ilrs_orbit_state(orb, t, r, v), 0);
    double rn = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
    *energy = 0.5 * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) - GM / rn;
    h[0] = r[1] * v[2] - r[2] * v[1];
    h[1] = r[2] * v[0] - r[0] * v[2];
    h[2] = r[0] * v[1] - r[1] * v[0];
}

static void two_body_conservation(void **state)
{
    (void)state;
    ilrs_orbit_config_t cfg;
    forces_off(&cfg);
    ilrs_orbit_elements_t el;
    assert_int_equal(ilrs_orbit_preset("queqiao2-12h", &el), 0);
    el.frame = ILRS_ORBIT_FRAME_LUNAR_EQUATOR; /* isolated Moon: no Earth frame */
    cfg.rel_tol = 1e-13;
    cfg.abs_tol_m = 1e-6;
    ilrs_tai_t t0 = tai_of(2027, 1, 1);
    ilrs_orbit_t *orb = NULL;
    char err[160];
    assert_int_equal(ilrs_orbit_create(NULL, &cfg, &el, t0, &orb, err, sizeof(err)), 0);
    double period = ilrs_orbit_period_s(el.a_km);
    ilrs_tai_t t1 = t0 + S_NS(20.0 * period);
    assert_int_equal(ilrs_orbit_propagate(orb, t1), 0);
    double e0, e1, h0[3], h1[3];
    energy_momentum(orb, t0, &e0, h0);
    energy_momentum(orb, t1, &e1, h1);
    double dh = sqrt(pow(h1[0] - h0[0], 2) + pow(h1[1] - h0[1], 2) + pow(h1[2] - h0[2], 2));
    double hn = sqrt(h0[0] * h0[0] + h0[1] * h0[1] + h0[2] * h0[2]);
    /* After 20 periods the orbiter is back at its start (Kepler). */
    double r0[3], v0[3], r1[3], v1[3];
    ilrs_orbit_state(orb, t0, r0, v0);
    ilrs_orbit_state(orb, t1, r1, v1);
    double dr = sqrt(pow(r1[0] - r0[0], 2) + pow(r1[1] - r0[1], 2) + pow(r1[2] - r0[2], 2));
    print_message("two-body, 20 orbits (%zu steps): dE/E %.2e, dh/h %.2e, return %.3f m\n",
                  ilrs_orbit_step_count(orb), fabs(e1 - e0) / fabs(e0), dh / hn, dr);
    assert_true(fabs(e1 - e0) < 2e-11 * fabs(e0));
    assert_true(dh < 1e-12 * hn);
    assert_true(dr < 0.1);
    ilrs_orbit_destroy(orb);
}

/* Least-squares slope of y(x). */
static double slope(const double *x, const double *y, int n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int k = 0; k < n; k++) {
        sx += x[k];
        sy += y[k];
        sxx += x[k] * x[k];
        sxy += x[k] * y[k];
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

static void j2_nodal_regression(void **state)
{
    (void)state;
    ilrs_orbit_config_t cfg;
    forces_off(&cfg);
    cfg.forces.j2 = true;
    /* 100 km circular, i = 60° to the lunar equator: isolated Moon, fixed pole. */
    ilrs_orbit_elements_t el = {ILRS_MOON_MEAN_RADIUS_KM + 100.0, 0.001, 60.0, 20.0, 0.0, 0.0,
                                ILRS_ORBIT_FRAME_LUNAR_EQUATOR};
    ilrs_tai_t t0 = tai_of(2027, 1, 1);
    ilrs_orbit_t *orb = NULL;
    assert_int_equal(ilrs_orbit_create(NULL, &cfg, &el, t0, &orb, NULL, 0), 0);
    const int n = 100;
    const double span = 10.0 * 86400.0;
    assert_int_equal(ilrs_orbit_propagate(orb, t0 + S_NS(span)), 0);
    double leq[3][3];
    assert_int_equal(ilrs_orbit_frame_rotation(orb, ILRS_ORBIT_FRAME_LUNAR_EQUATOR, leq), 0);
    double xs[100], ys[100];
    for (int k = 0; k < n; k++) {
        double s = span * k / (n - 1);
        double r[3], v[3], rl[3], vl[3];
        assert_int_equal(ilrs_orbit_state(orb, t0 + S_NS(s), r, v), 0);
        for (int i = 0; i < 3; i++) {
            rl[i] = leq[i][0] * r[0] + leq[i][1] * r[1] + leq[i][2] * r[2];
            vl[i] = leq[i][0] * v[0] + leq[i][1] * v[1] + leq[i][2] * v[2];
        }
        ilrs_orbit_elements_t o;
        assert_int_equal(ilrs_orbit_state_to_elements(rl, vl, el.frame, &o), 0);
        xs[k] = s;
        ys[k] = o.raan_deg;
        if (k > 0 && ys[k] - ys[k - 1] > 180.0) {
            ys[k] -= 360.0;
        }
    }
    double rate = slope(xs, ys, n) * 86400.0; /* deg/day */
    double a = el.a_km * 1e3, p = a * (1 - el.e * el.e);
    double nmean = sqrt(GM / (a * a * a));
    double rr = ILRS_MOON_REF_RADIUS_KM * 1e3 / p;
    double expected = -1.5 * nmean * ILRS_MOON_J2 * rr * rr *
                      cos(el.i_deg * 3.14159265358979 / 180) * 86400.0 * 180.0 / 3.14159265358979;
    print_message("J2 nodal regression: %.5f deg/day, analytic %.5f deg/day (%.2f %%)\n", rate,
                  expected, 100.0 * (rate - expected) / expected);
    assert_true(fabs(rate - expected) < 0.01 * fabs(expected));
    ilrs_orbit_destroy(orb);
}

static void battin_matches_direct(void **state)
{
    (void)state;
    /* Earth at 384,400 km, satellite at 10,000 km in a few directions. */
    const double s[3] = {3.844e8, 1.0e7, -2.0e7};
    const double dirs[3][3] = {{1e7, 0, 0}, {0, 1e7, 0}, {-6e6, 5e6, 5e6}};
    for (int k = 0; k < 3; k++) {
        const double *r = dirs[k];
        double a[3];
        ilrs__third_body_accel(3.986004355e14, r, s, a);
        double d[3] = {s[0] - r[0], s[1] - r[1], s[2] - r[2]};
        double dn = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        double sn = sqrt(s[0] * s[0] + s[1] * s[1] + s[2] * s[2]);
        for (int i = 0; i < 3; i++) {
            double direct = 3.986004355e14 * (d[i] / (dn * dn * dn) - s[i] / (sn * sn * sn));
            assert_true(fabs(a[i] - direct) < 1e-9 * 3.986004355e14 * 1e7 / (sn * sn * sn));
        }
    }
}

static void hermite_matches_integration(void **state)
{
    (void)state;
    ilrs_orbit_config_t cfg;
    ilrs_orbit_config_default(&cfg);
    cfg.forces.earth = cfg.forces.sun = false;
    ilrs_orbit_elements_t el;
    assert_int_equal(ilrs_orbit_preset("queqiao2-12h", &el), 0);
    el.frame = ILRS_ORBIT_FRAME_LUNAR_EQUATOR;
    ilrs_tai_t t0 = tai_of(2027, 1, 1);
    ilrs_orbit_t *a = NULL, *b = NULL;
    assert_int_equal(ilrs_orbit_create(NULL, &cfg, &el, t0, &a, NULL, 0), 0);
    assert_int_equal(ilrs_orbit_propagate(a, t0 + S_NS(2 * 86400.0)), 0);
    double worst = 0.0;
    /* Times near periapsis (fast) and elsewhere, not on step boundaries. */
    const double times[] = {43200.0 + 37.3, 43200.0 + 21600.0 + 11.1, 86400.0 + 1234.5,
                            86400.0 + 43100.0};
    for (size_t k = 0; k < sizeof(times) / sizeof(times[0]); k++) {
        assert_int_equal(ilrs_orbit_create(NULL, &cfg, &el, t0, &b, NULL, 0), 0);
        assert_int_equal(ilrs_orbit_propagate(b, t0 + S_NS(times[k])), 0);
        double ra[3], va[3], rb[3], vb[3];
        assert_int_equal(ilrs_orbit_state(a, t0 + S_NS(times[k]), ra, va), 0);
        assert_int_equal(ilrs_orbit_state(b, t0 + S_NS(times[k]), rb, vb), 0);
        double dr = sqrt(pow(ra[0] - rb[0], 2) + pow(ra[1] - rb[1], 2) + pow(ra[2] - rb[2], 2));
        worst = fmax(worst, dr);
        ilrs_orbit_destroy(b);
    }
    print_message("Hermite interpolation vs integration: worst %.4f m\n", worst);
    /* The ilrs_orbiter_fn adapter gives the same position. */
    double ra[3], va[3], rp[3];
    assert_int_equal(ilrs_orbit_state(a, t0 + S_NS(5000.0), ra, va), 0);
    assert_int_equal(ilrs_orbit_position_icrf(a, t0 + S_NS(5000.0), rp), 0);
    assert_memory_equal(ra, rp, sizeof(ra));
    assert_int_equal(ilrs_orbit_position_icrf(a, t0 + S_NS(3 * 86400.0), rp), ILRS_ERANGE);
    assert_int_equal(ilrs_orbit_position_icrf(NULL, t0, rp), ILRS_EINVAL);
    assert_true(worst < 1.0);
    double r[3], v[3];
    assert_int_equal(ilrs_orbit_state(a, t0 + S_NS(3 * 86400.0), r, v), ILRS_ERANGE);
    assert_int_equal(ilrs_orbit_state(a, t0 - S_NS(1.0), r, v), ILRS_ERANGE);
    ilrs_orbit_destroy(a);
}

/* Full force model over 30 days: track periapsis and apoapsis altitudes. */
static void frozen_preset(const char *name, double peri_lo, double peri_hi, double apo_lo,
                          double apo_hi)
{
    ilrs_ephem_t *eph = NULL;
    char err[256];
    assert_int_equal(ilrs_ephem_create(ILRS_EPHEM_ANALYTIC, NULL, &eph, err, sizeof(err)), 0);
    ilrs_orbit_elements_t el;
    assert_int_equal(ilrs_orbit_preset(name, &el), 0);
    ilrs_tai_t t0 = tai_of(2027, 1, 1);
    ilrs_orbit_t *orb = NULL;
    assert_int_equal(ilrs_orbit_create(eph, NULL, &el, t0, &orb, err, sizeof(err)), 0);
    const double span = 30.0 * 86400.0;
    assert_int_equal(ilrs_orbit_propagate(orb, t0 + S_NS(span)), 0);
    double period = ilrs_orbit_period_s(el.a_km);
    double first_peri = 0, last_peri = 0, first_apo = 0, last_apo = 0;
    double min_peri = 1e99, max_peri = -1e99, min_apo = 1e99, max_apo = -1e99;
    int norb = (int)floor(span / period);
    for (int k = 0; k < norb; k++) {
        double lo = 1e99, hi = -1e99;
        for (double s = k * period; s < (k + 1) * period; s += 30.0) {
            double r[3], v[3];
            assert_int_equal(ilrs_orbit_state(orb, t0 + S_NS(s), r, v), 0);
            double alt = (sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]) - R_MEAN_M) / 1e3;
            lo = fmin(lo, alt);
            hi = fmax(hi, alt);
        }
        if (k == 0) {
            first_peri = lo;
            first_apo = hi;
        }
        last_peri = lo;
        last_apo = hi;
        min_peri = fmin(min_peri, lo);
        max_peri = fmax(max_peri, lo);
        min_apo = fmin(min_apo, hi);
        max_apo = fmax(max_apo, hi);
    }
    print_message("%s over 30 d (%zu steps): periapsis alt %.1f -> %.1f km (range %.1f..%.1f), "
                  "apoapsis alt %.1f -> %.1f km (range %.1f..%.1f)\n",
                  name, ilrs_orbit_step_count(orb), first_peri, last_peri, min_peri, max_peri,
                  first_apo, last_apo, min_apo, max_apo);
    assert_true(min_peri > peri_lo && max_peri < peri_hi);
    assert_true(min_apo > apo_lo && max_apo < apo_hi);
    ilrs_orbit_destroy(orb);
    ilrs_ephem_destroy(eph);
}

static void frozen_24h_30_days(void **state)
{
    (void)state;
    frozen_preset("queqiao2-24h", 100.0, 700.0, 15300.0, 16300.0);
}

static void frozen_12h_30_days(void **state)
{
    (void)state;
    frozen_preset("queqiao2-12h", 200.0, 600.0, 8200.0, 8800.0);
}

/* The geometry cache (default 6 h samples, cubic interpolation) against direct
 * ephemeris calls between the samples. */
static void geometry_cache_accuracy(void **state)
{
    (void)state;
    ilrs_ephem_t *eph = NULL;
    assert_int_equal(ilrs_ephem_create(ILRS_EPHEM_ANALYTIC, NULL, &eph, NULL, 0), 0);
    ilrs_tai_t t0 = tai_of(2027, 1, 1);
    ilrs__geom_t g;
    ilrs_orbit_config_t cfg;
    ilrs_orbit_config_default(&cfg);
    ilrs__geom_init(&g, eph, t0, cfg.geometry_step_s);
    assert_int_equal(ilrs__geom_cover(&g, t0 + S_NS(40 * 86400.0)), 0);
    double worst_rot = 0.0, worst_earth = 0.0, worst_sun = 0.0;
    for (double s = cfg.geometry_step_s + 1234.5; s < 39 * 86400.0; s += 86400.0 / 7.3) {
        double sun[3], earth[3], rot[3][3], sun_e[3], earth_e[3], rot_e[3][3];
        ilrs__geom_eval(&g, s, sun, earth, rot);
        ilrs_tai_t t = t0 + S_NS(s);
        assert_int_equal(ilrs_ephem_sun_earth(eph, t, sun_e, earth_e, NULL), 0);
        assert_int_equal(ilrs_ephem_moon_rotation(eph, t, rot_e), 0);
        for (int i = 0; i < 3; i++) {
            worst_earth = fmax(worst_earth, fabs(earth[i] - earth_e[i]));
            worst_sun = fmax(worst_sun, fabs(sun[i] - sun_e[i]));
            for (int j = 0; j < 3; j++) {
                worst_rot = fmax(worst_rot, fabs(rot[i][j] - rot_e[i][j]));
            }
        }
    }
    print_message("geometry cache: rotation %.2e, Earth %.2f m, Sun %.2f m\n", worst_rot,
                  worst_earth, worst_sun);
    assert_true(worst_rot < 1e-9); /* 0.2 mas: 2 mm at the lunar surface */
    assert_true(worst_earth < 300.0);
    assert_true(worst_sun < 300.0);
    ilrs__geom_fini(&g);
    ilrs_ephem_destroy(eph);
}

static void bad_elements_rejected(void **state)
{
    (void)state;
    char err[256];
    ilrs_orbit_elements_t el = {6142.0, -0.1, 54.8, 0, 90, 0, ILRS_ORBIT_FRAME_LUNAR_EQUATOR};
    ilrs_orbit_t *orb = (ilrs_orbit_t *)&el;
    assert_int_equal(ilrs_orbit_create(NULL, NULL, &el, 0, &orb, err, sizeof(err)), ILRS_ERANGE);
    assert_null(orb);
    assert_non_null(strstr(err, "e = -0.1"));
    el.e = 1.0;
    assert_int_equal(ilrs_orbit_elements_check(&el, err, sizeof(err)), ILRS_ERANGE);
    assert_non_null(strstr(err, "e = 1"));
    el.e = 0.0;
    el.a_km = 1700.0;
    assert_int_equal(ilrs_orbit_elements_check(&el, err, sizeof(err)), ILRS_ERANGE);
    assert_non_null(strstr(err, "a = 1700"));
    el.a_km = 6000.0;
    el.e = 0.75; /* periapsis 1500 km */
    assert_int_equal(ilrs_orbit_elements_check(&el, err, sizeof(err)), ILRS_ERANGE);
    assert_non_null(strstr(err, "1500"));
    el.e = 0.1;
    el.i_deg = NAN;
    assert_int_equal(ilrs_orbit_elements_check(&el, err, sizeof(err)), ILRS_EINVAL);
    assert_non_null(strstr(err, "i = nan"));
    /* Third bodies without an ephemeris. */
    el.i_deg = 50.0;
    assert_int_equal(ilrs_orbit_create(NULL, NULL, &el, 0, &orb, err, sizeof(err)), ILRS_EINVAL);
    assert_non_null(strstr(err, "ephemeris"));
    /* Integrator settings. */
    ilrs_orbit_config_t cfg;
    ilrs_orbit_config_default(&cfg);
    cfg.forces.earth = cfg.forces.sun = false;
    cfg.rel_tol = 0.5;
    assert_int_equal(ilrs_orbit_create(NULL, &cfg, &el, 0, &orb, err, sizeof(err)), ILRS_EINVAL);
    assert_non_null(strstr(err, "rel_tol = 0.5"));
    cfg.rel_tol = 1e-10;
    cfg.geometry_step_s = 5.0;
    assert_int_equal(ilrs_orbit_create(NULL, &cfg, &el, 0, &orb, err, sizeof(err)), ILRS_EINVAL);
    assert_non_null(strstr(err, "geometry_step_s = 5"));
    /* The Earth-orbit frame needs an ephemeris. */
    cfg.geometry_step_s = 10800.0;
    el.frame = ILRS_ORBIT_FRAME_EARTH_ORBIT;
    assert_int_equal(ilrs_orbit_create(NULL, &cfg, &el, 0, &orb, err, sizeof(err)), ILRS_EINVAL);
    assert_non_null(strstr(err, "Earth-orbit"));
    assert_null(orb);
}

static void elements_parse(void **state)
{
    (void)state;
    char err[256];
    ilrs_orbit_elements_t el, preset;
    assert_int_equal(ilrs_orbit_elements_parse(" queqiao2-12h", &el, err, sizeof(err)), 0);
    assert_int_equal(ilrs_orbit_preset("queqiao2-12h", &preset), 0);
    assert_memory_equal(&el, &preset, sizeof(el));
    assert_int_equal(ilrs_orbit_elements_parse("6142, 0.66 ,54.8,0,90,10", &el, err, sizeof(err)),
                     0);
    assert_true(el.a_km == 6142.0 && el.e == 0.66 && el.m_deg == 10.0);
    assert_int_equal(el.frame, ILRS_ORBIT_FRAME_LUNAR_EQUATOR);
    assert_int_equal(ilrs_orbit_elements_parse("6142,0.1,54.8,0,90,10,icrf", &el, err, sizeof(err)),
                     0);
    assert_int_equal(el.frame, ILRS_ORBIT_FRAME_ICRF);
    assert_int_equal(
        ilrs_orbit_elements_parse("9750,0.8,62.4,270,90,0, earth", &el, err, sizeof(err)), 0);
    assert_int_equal(el.frame, ILRS_ORBIT_FRAME_EARTH_ORBIT);
    assert_int_equal(ilrs_orbit_elements_parse("queqiao9", &el, err, sizeof(err)), ILRS_ENOTFOUND);
    assert_non_null(strstr(err, "queqiao9"));
    assert_int_equal(ilrs_orbit_elements_parse("6142,0.1,54.8,0,90", &el, err, sizeof(err)),
                     ILRS_EFORMAT);
    assert_non_null(strstr(err, "field 5 (argp)"));
    assert_int_equal(ilrs_orbit_elements_parse("6142,x,54.8,0,90,0", &el, err, sizeof(err)),
                     ILRS_EFORMAT);
    assert_non_null(strstr(err, "field 2 (e)"));
    assert_int_equal(ilrs_orbit_elements_parse("6142,0.1,54.8,0,90,0,moon", &el, err, sizeof(err)),
                     ILRS_EFORMAT);
    assert_int_equal(ilrs_orbit_elements_parse("6142,0.1,54.8,0,90,0 junk", &el, err, sizeof(err)),
                     ILRS_EFORMAT);
    assert_int_equal(ilrs_orbit_elements_parse("6142,1.2,54.8,0,90,0", &el, err, sizeof(err)),
                     ILRS_ERANGE);
    assert_non_null(strstr(err, "e = 1.2"));
    assert_true(el.a_km == 0.0);
    unsigned long before = ilrs_orbit_elements_rejected_count();
    assert_int_equal(ilrs_orbit_elements_parse("", &el, err, sizeof(err)), ILRS_EFORMAT);
    assert_true(ilrs_orbit_elements_rejected_count() == before + 1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(kepler_presets),          cmocka_unit_test(elements_round_trip),
    cmocka_unit_test(two_body_conservation),   cmocka_unit_test(j2_nodal_regression),
    cmocka_unit_test(battin_matches_direct),   cmocka_unit_test(hermite_matches_integration),
    cmocka_unit_test(frozen_24h_30_days),      cmocka_unit_test(frozen_12h_30_days),
    cmocka_unit_test(geometry_cache_accuracy), cmocka_unit_test(bad_elements_rejected),
    cmocka_unit_test(elements_parse),
};
ILRS_TEST_MAIN(tests)
