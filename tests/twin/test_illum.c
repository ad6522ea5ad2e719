/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Illumination and visibility: the disk-fraction integral against flat,
 * tilted and jagged horizons (closed-form circle segments, symmetry, limits,
 * continuity, monotonicity, and a brute-force area count), point visibility,
 * and period statistics on synthetic series with known answers.
 */
#include <math.h>
#include <stdlib.h>

#include <ilrs/twin.h>

#include "ilrs_test.h"

/* cmocka 1.1.5 has no double comparison: print both sides and the tolerance. */
#define assert_near(a, b, tol)                                                                     \
    do {                                                                                           \
        double a_ = (a), b_ = (b), t_ = (tol);                                                     \
        if (!(fabs(a_ - b_) <= t_)) {                                                              \
            fail_msg("%s = %.17g, expected %.17g +- %g", #a, a_, b_, t_);                          \
        }                                                                                          \
    } while (0)

#define PI         3.14159265358979323846
#define DEG        (PI / 180.0)
#define SUN_RADIUS 0.2666

/* Fraction of a unit disk above a horizontal line at signed distance t
 * (in radii) above the centre: the circle-segment area (e.g. Weisstein,
 * "Circular Segment", A = r^2 acos(d/r) - d sqrt(r^2 - d^2)). */
static double above_line(double t)
{
    if (t >= 1.0) {
        return 0.0;
    }
    if (t <= -1.0) {
        return 1.0;
    }
    double seg = acos(t) - t * sqrt(1.0 - t * t); /* area above the line, r = 1 */
    return seg / PI;
}

static ilrs_horizon_t *table(unsigned n, double (*fn)(double az, void *), void *ctx)
{
    double *az = malloc(n * sizeof *az), *el = malloc(n * sizeof *el);
    assert_non_null(az);
    assert_non_null(el);
    for (unsigned i = 0; i < n; i++) {
        az[i] = 360.0 * i / n;
        el[i] = fn(az[i], ctx);
    }
    ilrs_horizon_t *h = NULL;
    char err[256];
    assert_int_equal(ilrs_horizon_from_table(az, el, n, NULL, &h, err, sizeof err), 0);
    free(az);
    free(el);
    return h;
}

static double flat_fn(double az, void *ctx)
{
    (void)az;
    return *(const double *)ctx;
}

static double tilt_fn(double az, void *ctx)
{
    (void)ctx;
    return 0.1 * (az - 180.0); /* linear around 180° */
}

/* Pseudo-random jagged skyline, deterministic. */
static double jagged_fn(double az, void *ctx)
{
    double offset = ctx != NULL ? *(const double *)ctx : 0.0;
    return offset + 0.5 * sin(7.0 * az * DEG) + 0.3 * sin(53.0 * az * DEG + 1.0) +
           0.2 * sin(211.0 * az * DEG + 2.0);
}

static void disk_flat_limits(void **state)
{
    (void)state;
    const double rho = SUN_RADIUS;
    /* NULL horizon and a mask of zeros agree; half-set Sun = 0.5. */
    double zero = 0.0;
    ilrs_horizon_t *h = table(1440, flat_fn, &zero);
    assert_near(ilrs_illum_disk_fraction(NULL, 10.0, 0.0, rho), 0.5, 1e-14);
    assert_near(ilrs_illum_disk_fraction(h, 123.4, 0.0, rho), 0.5, 1e-14);
    assert_near(ilrs_illum_disk_fraction(h, 123.4, rho, rho), 1.0, 0.0);
    assert_near(ilrs_illum_disk_fraction(h, 123.4, -rho, rho), 0.0, 0.0);
    assert_near(ilrs_illum_disk_fraction(h, 123.4, 5.0, rho), 1.0, 0.0);
    assert_near(ilrs_illum_disk_fraction(h, 123.4, -5.0, rho), 0.0, 0.0);
    for (int k = -10; k <= 10; k++) {
        double el = rho * k / 10.0;
        double expect = above_line(-el / rho);
        assert_near(ilrs_illum_disk_fraction(h, 77.7, el, rho), expect, 1e-12);
        assert_near(ilrs_illum_disk_fraction(NULL, 77.7, el, rho), expect, 1e-12);
        /* symmetry: f(el) + f(-el) = 1 */
        assert_near(ilrs_illum_disk_fraction(h, 77.7, el, rho) +
                        ilrs_illum_disk_fraction(h, 77.7, -el, rho),
                    1.0, 1e-12);
    }
    /* Invalid input. */
    assert_true(isnan(ilrs_illum_disk_fraction(h, NAN, 0.0, rho)));
    assert_true(isnan(ilrs_illum_disk_fraction(h, 0.0, INFINITY, rho)));
    assert_true(isnan(ilrs_illum_disk_fraction(h, 0.0, 0.0, 0.0)));
    assert_true(isnan(ilrs_illum_disk_fraction(h, 0.0, 0.0, -1.0)));
    ilrs_horizon_destroy(h);
}

/* A raised flat horizon (1.5°) and the Earth's disk (angular radius from
 * the mean distance). */
static void disk_raised_horizon_and_earth(void **state)
{
    (void)state;
    double raised = 1.5;
    ilrs_horizon_t *h = table(360, flat_fn, &raised);
    double earth = ilrs_illum_angular_radius(ILRS_ILLUM_EARTH_RADIUS_M, 384400e3);
    assert_near(earth, asin(6378137.0 / 384400e3) / DEG, 1e-12);
    assert_near(earth, 0.9507, 1e-3);
    double sun = ilrs_illum_angular_radius(ILRS_ILLUM_SUN_RADIUS_M, 1.495978707e11);
    assert_near(sun, 0.2665, 1e-3); /* 959.6 arcsec at 1 au */
    assert_true(isnan(ilrs_illum_angular_radius(-1.0, 1.0)));
    assert_near(ilrs_illum_angular_radius(2.0, 1.0), 90.0, 0.0);
    /* At these elevations the tangent-plane strip integral still reproduces
     * the segment area (the line is horizontal in the plane for any cos el). */
    for (int k = -5; k <= 5; k++) {
        double el = 1.5 + earth * k / 5.0;
        assert_near(ilrs_illum_disk_fraction(h, 200.0, el, earth), above_line((1.5 - el) / earth),
                    1e-12);
    }
    ilrs_horizon_destroy(h);
}

/* A tilted horizon line y = 0.1 x through the disk centre halves the disk;
 * offset by c it cuts at distance c / sqrt(1 + 0.01) from the centre. */
static void disk_tilted_horizon(void **state)
{
    (void)state;
    ilrs_horizon_t *h = table(3600, tilt_fn, NULL);
    const double rho = SUN_RADIUS;
    assert_near(ilrs_illum_disk_fraction(h, 180.0, 0.0, rho), 0.5, 1e-12);
    for (int k = -4; k <= 4; k++) {
        double el = 0.05 * k; /* centre above the line by el at az 180 */
        /* In the tangent plane x = (az - 180) cos(el): the slope is 0.1 / cos(el). */
        double b = 0.1 / cos(el * DEG);
        double dist = -el / sqrt(1.0 + b * b);
        assert_near(ilrs_illum_disk_fraction(h, 180.0, el, rho), above_line(dist / rho), 1e-12);
    }
    ilrs_horizon_destroy(h);
}

/* Against a brute-force count of points of the disk above the horizon. */
static void disk_jagged_vs_area_count(void **state)
{
    (void)state;
    /* The last case lifts the whole skyline by 40° to exercise the cos(el)
     * scaling of azimuth offsets. */
    static const double cases[4][4] = {{100.0, 0.05, SUN_RADIUS, 0.0},
                                       {231.0, -0.1, SUN_RADIUS, 0.0},
                                       {10.0, 0.3, 0.9507, 0.0},
                                       {300.0, 0.2, 0.9507, 40.0}};
    for (int c = 0; c < 4; c++) {
        ilrs_horizon_t *h = table(1440, jagged_fn, (void *)&cases[c][3]);
        /* Disk centre a little above or below the skyline at its azimuth. */
        double az0 = cases[c][0], rho = cases[c][2];
        double el0 = ilrs_horizon_elevation(h, az0) + cases[c][1];
        double cosel = cos(el0 * DEG);
        const int n = 1000;
        long inside = 0, above = 0;
        for (int i = 0; i < n; i++) {
            double x = rho * (-1.0 + (2.0 * i + 1.0) / n);
            for (int j = 0; j < n; j++) {
                double y = rho * (-1.0 + (2.0 * j + 1.0) / n);
                if (x * x + y * y > rho * rho) {
                    continue;
                }
                inside++;
                above += el0 + y > ilrs_horizon_elevation(h, az0 + x / cosel);
            }
        }
        double count = (double)above / (double)inside;
        double f = ilrs_illum_disk_fraction(h, az0, el0, rho);
        print_message("az %.0f el %.2f: integral %.6f, count %.6f\n", az0, el0, f, count);
        assert_true(f > 0.0 && f < 1.0);
        assert_near(f, count, 2e-4);
        ilrs_horizon_destroy(h);
    }
}

/* Continuous and non-decreasing as the disk rises through a jagged skyline;
 * symmetric about a symmetric skyline. */
static void disk_continuous_monotonic_symmetric(void **state)
{
    (void)state;
    ilrs_horizon_t *h = table(1440, jagged_fn, NULL);
    double prev = ilrs_illum_disk_fraction(h, 42.0, -2.0, SUN_RADIUS);
    assert_near(prev, 0.0, 0.0);
    double max_jump = 0.0;
    for (int k = 1; k <= 40000; k++) {
        double el = -2.0 + 4.0 * k / 40000.0;
        double f = ilrs_illum_disk_fraction(h, 42.0, el, SUN_RADIUS);
        assert_true(f >= prev - 1e-12);
        max_jump = fabs(f - prev) > max_jump ? fabs(f - prev) : max_jump;
        prev = f;
    }
    assert_near(prev, 1.0, 0.0);
    /* A step of 1e-4° of a 0.53° disk changes the fraction by at most
     * ~ 2 * 1e-4 / (pi * 0.2666) * 2 ~ 5e-4 (chord-length bound). */
    assert_true(max_jump < 6e-4);
    /* Sweeping in azimuth is continuous too (bins cross the disk). */
    prev = ilrs_illum_disk_fraction(h, 10.0, 0.3, SUN_RADIUS);
    for (int k = 1; k <= 20000; k++) {
        double f = ilrs_illum_disk_fraction(h, 10.0 + 2.0 * k / 20000.0, 0.3, SUN_RADIUS);
        assert_true(fabs(f - prev) < 2e-3);
        prev = f;
    }
    ilrs_horizon_destroy(h);
    /* Symmetric skyline about 180°: a V-shaped notch. */
    double az[360], el[360];
    for (int i = 0; i < 360; i++) {
        az[i] = i;
        el[i] = 0.02 * fabs(i - 180.0) + 0.1 * (i % 2 == 0);
    }
    char err[256];
    assert_int_equal(ilrs_horizon_from_table(az, el, 360, NULL, &h, err, sizeof err), 0);
    for (int k = 0; k < 20; k++) {
        double d = 0.05 * k, e = 0.1 + 0.01 * k;
        assert_near(ilrs_illum_disk_fraction(h, 180.0 + d, e, 0.9507),
                    ilrs_illum_disk_fraction(h, 180.0 - d, e, 0.9507), 1e-12);
    }
    ilrs_horizon_destroy(h);
}

static void point_visibility(void **state)
{
    (void)state;
    double one = 1.0;
    ilrs_horizon_t *h = table(360, flat_fn, &one);
    assert_true(ilrs_illum_point_visible(h, 50.0, 1.01, -90.0));
    assert_false(ilrs_illum_point_visible(h, 50.0, 0.99, -90.0));
    assert_false(ilrs_illum_point_visible(h, 50.0, 4.0, 5.0)); /* above terrain, below mask */
    assert_true(ilrs_illum_point_visible(h, 50.0, 5.0, 5.0));
    assert_true(ilrs_illum_point_visible(NULL, 50.0, 0.01, -90.0));
    assert_false(ilrs_illum_point_visible(NULL, 50.0, -0.01, -90.0));
    assert_false(ilrs_illum_point_visible(h, NAN, 10.0, -90.0));
    ilrs_horizon_destroy(h);
}

/* Synthetic series: 100 hourly samples. Sun: 10 dark, 30 full, 5 dark, 55 at
 * half. Earth: 20 visible, 50 hidden, 30 visible (partly). */
static void stats_known_answers(void **state)
{
    (void)state;
    ilrs_illum_stats_t s;
    const ilrs_tai_t t0 = INT64_C(2000000000) * ILRS_NS_PER_S;
    const int64_t hour = 3600 * ILRS_NS_PER_S;
    assert_int_equal(ilrs_illum_stats_init(&s, t0, hour), 0);
    for (int k = 0; k < 100; k++) {
        double sun = k < 10 ? 0.0 : k < 40 ? 1.0 : k < 45 ? 0.0 : 0.5;
        double earth = k < 20 ? 1.0 : k < 70 ? 0.0 : 0.25;
        assert_int_equal(ilrs_illum_stats_add(&s, sun, earth), 0);
    }
    /* Bad samples are refused and not counted. */
    assert_int_equal(ilrs_illum_stats_add(&s, NAN, 0.0), ILRS_ERANGE);
    assert_int_equal(ilrs_illum_stats_add(&s, 1.5, 0.0), ILRS_ERANGE);
    assert_int_equal(ilrs_illum_stats_add(&s, 0.5, -0.1), ILRS_ERANGE);
    ilrs_illum_summary_t sum;
    ilrs_illum_stats_summary(&s, &sum);
    assert_int_equal(sum.samples, 100);
    assert_near(sum.duration_s, 100.0 * 3600.0, 0.0);
    assert_near(sum.sunlit_percent, 85.0, 1e-12);
    assert_near(sum.mean_illumination, (30.0 + 27.5) / 100.0, 1e-12);
    assert_near(sum.longest_dark_s, 10.0 * 3600.0, 0.0);
    assert_true(sum.longest_dark_start == t0);
    assert_near(sum.earth_visible_percent, 50.0, 1e-12);
    assert_near(sum.longest_blackout_s, 50.0 * 3600.0, 0.0);
    assert_true(sum.longest_blackout_start == t0 + 20 * hour);
    /* A run still open at the end counts. */
    assert_int_equal(ilrs_illum_stats_init(&s, t0, hour), 0);
    for (int k = 0; k < 30; k++) {
        assert_int_equal(ilrs_illum_stats_add(&s, k < 12 ? 1.0 : 0.0, 1.0), 0);
    }
    ilrs_illum_stats_summary(&s, &sum);
    assert_near(sum.longest_dark_s, 18.0 * 3600.0, 0.0);
    assert_true(sum.longest_dark_start == t0 + 12 * hour);
    assert_near(sum.longest_blackout_s, 0.0, 0.0);
    assert_near(sum.earth_visible_percent, 100.0, 0.0);
    /* Empty period and bad step. */
    assert_int_equal(ilrs_illum_stats_init(&s, t0, hour), 0);
    ilrs_illum_stats_summary(&s, &sum);
    assert_int_equal(sum.samples, 0);
    assert_near(sum.sunlit_percent, 0.0, 0.0);
    assert_int_equal(ilrs_illum_stats_init(&s, t0, 0), ILRS_EINVAL);
    assert_int_equal(ilrs_illum_stats_init(NULL, t0, hour), ILRS_EINVAL);
}

/* A synthetic "polar day": the Sun circles at constant elevation 0.1° over a
 * horizon that rises above it over one azimuth sector; the sunlit percentage
 * equals the unblocked share of azimuths plus the partly lit transitions. */
static void stats_sun_circling_over_a_notch(void **state)
{
    (void)state;
    double az[360], el[360];
    for (int i = 0; i < 360; i++) {
        az[i] = i;
        el[i] = (i >= 90 && i <= 180) ? 2.0 : -1.0; /* a 90° wide wall */
    }
    ilrs_horizon_t *h = NULL;
    char err[256];
    assert_int_equal(ilrs_horizon_from_table(az, el, 360, NULL, &h, err, sizeof err), 0);
    ilrs_illum_stats_t s;
    const int64_t minute = 60 * ILRS_NS_PER_S;
    assert_int_equal(ilrs_illum_stats_init(&s, 0, minute), 0);
    const int n = 36000; /* 0.01° of azimuth per minute */
    for (int k = 0; k < n; k++) {
        double sun_az = 0.01 * k;
        double f = ilrs_illum_disk_fraction(h, sun_az, 0.1, SUN_RADIUS);
        assert_int_equal(ilrs_illum_stats_add(&s, f, 1.0), 0);
    }
    ilrs_illum_summary_t sum;
    ilrs_illum_stats_summary(&s, &sum);
    /* The wall (el >= 0.1 + rho) spans 89..181° with linear flanks: the disk is
     * fully hidden between about 89.8° + rho and 180.2° - rho. */
    print_message("sunlit %.3f %%, mean %.4f, longest dark %.1f min\n", sum.sunlit_percent,
                  sum.mean_illumination, sum.longest_dark_s / 60.0);
    assert_true(sum.sunlit_percent > 74.0 && sum.sunlit_percent < 76.0);
    assert_true(sum.longest_dark_s / 60.0 > 8600.0 && sum.longest_dark_s / 60.0 < 9100.0);
    assert_true(sum.mean_illumination < sum.sunlit_percent / 100.0);
    ilrs_horizon_destroy(h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(disk_flat_limits),
    cmocka_unit_test(disk_raised_horizon_and_earth),
    cmocka_unit_test(disk_tilted_horizon),
    cmocka_unit_test(disk_jagged_vs_area_count),
    cmocka_unit_test(disk_continuous_monotonic_symmetric),
    cmocka_unit_test(point_visibility),
    cmocka_unit_test(stats_known_answers),
    cmocka_unit_test(stats_sun_circling_over_a_notch),
};

ILRS_TEST_MAIN(tests)
