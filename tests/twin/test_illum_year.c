/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Validation over a year at Connecting Ridge (89.45°S, 222.7°E): horizon mask
 * from the 10 m ridge tile + 240 m grid + far grid, apparent Sun and Earth from
 * the twin's ephemeris (ilrs_ephem_sky), hourly samples through 2026.
 * Published: the best-lit ridge points near Shackleton are sunlit about
 * 92-96 % of the time with the longest darkness 3-5 days (Gläser et al. 2014,
 * Icarus 243:78; MISSION.md, REFERENCE.md). The bounds are those published
 * values, not tuned to this code's output.
 */
#include <math.h>
#include <stdlib.h>

#include <ilrs/twin.h>

#include "ilrs_test.h"

#define RIDGE   "connecting_ridge_site01_10m/height_code_u16le.hdr"
#define POLE240 "south_pole_240m/height_code_u16le.hdr"
#define FAR     "south_pole_far_1787m/height_code_u16le.hdr"

static ilrs_dem_t *open_dem(const char *rel)
{
    char path[1024], err[512];
    const char *data = getenv("ILRS_DATA_DIR");
    if (data != NULL && data[0] != '\0') {
        snprintf(path, sizeof path, "%s/dem/%s", data, rel);
    } else {
        snprintf(path, sizeof path, "%s/../shared/data/dem/%s", ILRS_SOURCE_DIR, rel);
    }
    ilrs_dem_t *dem = NULL;
    int rc = ilrs_dem_open(path, &dem, err, sizeof err);
    if (rc != 0) {
        print_error("%s\n", err);
    }
    assert_int_equal(rc, 0);
    return dem;
}

struct year_result {
    ilrs_illum_summary_t sum;
    double sun_el_min, sun_el_max;
};

/* One year (2026, hourly) at a site: terrain mask from the nested grids, Sun
 * and Earth from ilrs_ephem_sky (light time and aberration included). */
static void run_year(ilrs_ephem_t *eph, ilrs_dem_t *const *dems, double lat, double lon, double eye,
                     struct year_result *out)
{
    ilrs_horizon_config_t cfg = {.lat_deg = lat,
                                 .lon_deg = lon,
                                 .observer_height_m = eye,
                                 .azimuth_bins = 1440,
                                 .max_range_m = 300000.0};
    ilrs_horizon_t *h = NULL;
    char err[512];
    assert_int_equal(ilrs_horizon_compute(&cfg, dems, 3, &h, err, sizeof err), 0);
    ilrs_horizon_info_t info;
    ilrs_horizon_get_info(h, &info);
    ilrs_site_t site;
    assert_int_equal(ilrs_site_init(&site, lat, lon, info.ground_height_m + eye), 0);
    ilrs_tai_t t0;
    assert_int_equal(ilrs_ephem_parse_utc("2026-01-01T00:00:00Z", &t0), 0);
    const int64_t step = 3600 * ILRS_NS_PER_S;
    const int samples = 365 * 24;
    ilrs_illum_stats_t stats;
    assert_int_equal(ilrs_illum_stats_init(&stats, t0, step), 0);
    out->sun_el_min = 90.0;
    out->sun_el_max = -90.0;
    for (int k = 0; k < samples; k++) {
        ilrs_sky_t sky;
        assert_int_equal(ilrs_ephem_sky(eph, &site, t0 + (ilrs_tai_t)k * step, &sky), 0);
        double el = sky.sun.el_deg;
        out->sun_el_min = el < out->sun_el_min ? el : out->sun_el_min;
        out->sun_el_max = el > out->sun_el_max ? el : out->sun_el_max;
        double fs = ilrs_illum_disk_fraction(h, sky.sun.az_deg, el, sky.sun_radius_deg);
        double fe =
            ilrs_illum_disk_fraction(h, sky.earth.az_deg, sky.earth.el_deg, sky.earth_radius_deg);
        assert_int_equal(ilrs_illum_stats_add(&stats, fs, fe), 0);
    }
    ilrs_illum_stats_summary(&stats, &out->sum);
    char start[40];
    assert_int_equal(ilrs_ephem_format_utc(out->sum.longest_dark_start, start, sizeof start), 0);
    print_message("(%.4f, %.4f) %4.1f m above ground: sunlit %.2f %%, mean illumination "
                  "%.3f, longest darkness %.2f d from %s, Earth visible %.2f %%, longest "
                  "Earth blackout %.2f d; Sun elevation %.3f .. %.3f deg\n",
                  lat, lon, eye, out->sum.sunlit_percent, out->sum.mean_illumination,
                  out->sum.longest_dark_s / 86400.0, start, out->sum.earth_visible_percent,
                  out->sum.longest_blackout_s / 86400.0, out->sun_el_min, out->sun_el_max);
    ilrs_horizon_destroy(h);
}

/* Gläser et al. 2014 (Icarus 243:78, abstract): on Connecting Ridge, locations
 * sunlit 92.27 % of the time at 2 m above ground and 95.65 % at 10 m, longest
 * darkness typically 3-5 days (19 years, 20 m LOLA DTM). Asserted: the brief's
 * site at 10 m above ground, the configuration insensitive to the +-150 m
 * rounding of the quoted coordinates. Reported, not asserted: 2 m above ground
 * at the same point and at the README's RoI 4; at 2 m the skyline within a
 * few hundred metres decides, and the published 92.27 % is the best point of
 * the ridge, not an arbitrary rounded coordinate (see docs/twin-environment.md). */
static void connecting_ridge_year(void **state)
{
    (void)state;
    ilrs_dem_t *dems[3] = {open_dem(RIDGE), open_dem(POLE240), open_dem(FAR)};
    assert_int_equal(ilrs_dem_set_latitude_limits(dems[2], -90.0, -79.0), 0);
    ilrs_ephem_t *eph = NULL;
    char err[512];
    int rc = ilrs_ephem_create(ILRS_EPHEM_AUTO, NULL, &eph, err, sizeof err);
    if (rc != 0) {
        print_error("%s\n", err);
    }
    assert_int_equal(rc, 0);
    struct year_result r10, r2, roi2;
    run_year(eph, dems, -89.45, 222.7, 10.0, &r10);
    run_year(eph, dems, -89.45, 222.7, 2.0, &r2);
    run_year(eph, dems, -89.4527, 222.8513, 2.0, &roi2);
    /* At 89.45°S the Sun stays within +-(1.54 + 0.55)° of the horizontal
     * (REFERENCE.md: +-1.54° at the pole; the site is 0.55° from it). */
    assert_true(r10.sun_el_max < 2.2 && r10.sun_el_min > -2.2);
    assert_true(r10.sum.sunlit_percent >= 92.0 && r10.sum.sunlit_percent <= 96.0);
    assert_true(r10.sum.longest_dark_s >= 3.0 * 86400.0 && r10.sum.longest_dark_s <= 5.0 * 86400.0);
    /* Raising the eye can only add light. */
    assert_true(r10.sum.sunlit_percent >= r2.sum.sunlit_percent);
    ilrs_ephem_destroy(eph);
    for (int i = 0; i < 3; i++) {
        ilrs_dem_destroy(dems[i]);
    }
}

static void apply(const double m[3][3], const double v[3], double out[3])
{
    for (int i = 0; i < 3; i++) {
        out[i] = m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2];
    }
}

/* The mask's topocentric frame and the ephemeris' site frame agree: the
 * geometric Sun through ilrs_horizon_topocentric vs the apparent Sun of
 * ilrs_ephem_sky differ only by aberration and light time (< 0.01°); and the
 * flat-horizon disk fraction equals the ephemeris' straight-horizon one. */
static void frames_agree_with_ephemeris(void **state)
{
    (void)state;
    ilrs_ephem_t *eph = NULL;
    char err[512];
    assert_int_equal(ilrs_ephem_create(ILRS_EPHEM_AUTO, NULL, &eph, err, sizeof err), 0);
    ilrs_horizon_info_t where = {
        .lat_deg = -89.45, .lon_deg = 222.7, .ground_height_m = 1954.9, .observer_height_m = 2.0};
    const double az[4] = {0.0, 90.0, 180.0, 270.0}, el[4] = {0.0, 0.0, 0.0, 0.0};
    ilrs_horizon_t *h = NULL;
    assert_int_equal(ilrs_horizon_from_table(az, el, 4, &where, &h, err, sizeof err), 0);
    ilrs_site_t site;
    assert_int_equal(ilrs_site_init(&site, -89.45, 222.7, 1956.9), 0);
    ilrs_tai_t t0;
    assert_int_equal(ilrs_ephem_parse_utc("2026-03-01T00:00:00Z", &t0), 0);
    for (int k = 0; k < 60; k++) {
        ilrs_tai_t t = t0 + (ilrs_tai_t)k * 13 * 3600 * ILRS_NS_PER_S;
        ilrs_sky_t sky;
        assert_int_equal(ilrs_ephem_sky(eph, &site, t, &sky), 0);
        double sun[3], earth[3], rot[3][3], sb[3], eb[3], a, e, r;
        assert_int_equal(ilrs_ephem_sun_earth(eph, t, sun, earth, NULL), 0);
        assert_int_equal(ilrs_ephem_moon_rotation(eph, t, rot), 0);
        apply(rot, sun, sb);
        apply(rot, earth, eb);
        assert_int_equal(ilrs_horizon_topocentric(h, sb, &a, &e, &r), 0);
        double da = fmod(a - sky.sun.az_deg + 540.0, 360.0) - 180.0;
        assert_true(fabs(da) < 0.01 && fabs(e - sky.sun.el_deg) < 0.01);
        assert_int_equal(ilrs_horizon_topocentric(h, eb, &a, &e, &r), 0);
        da = fmod(a - sky.earth.az_deg + 540.0, 360.0) - 180.0;
        assert_true(fabs(da) < 0.01 && fabs(e - sky.earth.el_deg) < 0.01);
        /* Geometric vs light-time distance: the Earth moves up to 30.3 km/s
         * (barycentric) during a light time of up to 1.36 s: at most 41 km. */
        assert_true(fabs(r - sky.earth.distance_m) < 42000.0);
        double mine =
            ilrs_illum_disk_fraction(NULL, sky.sun.az_deg, sky.sun.el_deg, sky.sun_radius_deg);
        double theirs = ilrs_disk_fraction(sky.sun.el_deg, sky.sun_radius_deg, 0.0);
        assert_true(fabs(mine - theirs) < 1e-12);
    }
    ilrs_horizon_destroy(h);
    ilrs_ephem_destroy(eph);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(frames_agree_with_ephemeris),
    cmocka_unit_test(connecting_ridge_year),
};

ILRS_TEST_MAIN(tests)
