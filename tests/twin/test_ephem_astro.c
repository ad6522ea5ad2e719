// SPDX-License-Identifier: Apache-2.0
//
// Cross-check against an independent implementation: the npm package
// astronomy-engine (Don Cross; stated accuracy +-1 arcmin), run by node through
// tests/twin/astro/azel.js with its own Sun/Earth/Moon vectors and its own IAU
// lunar rotation (RotationAxis(Body.Moon)). The C side computes the same
// apparent azimuths and elevations (SPK source, DE421 librations, light time,
// aberration) and the two must agree within 1 arcmin in direction.
// Needs node and web/node_modules (scripts/deps.sh runs npm ci).
#include "ilrs_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <erfam.h>
#include <ilrs/twin.h>

#define KDIR   ILRS_SOURCE_DIR "/../shared/data/ephemeris"
#define ARCMIN (1.0 / 60.0)

static const double sites[][2] = {
    {-89.45, 222.7}, /* Connecting Ridge (MISSION.md) */
    {-88.8, 123.4},  /* Shackleton rim, Chang'e-7 target */
    {0.0, 0.0},      /* sub-Earth region */
    {10.0, 180.0},   /* far side: Earth below the horizon */
    {45.0, -30.0},
};
static const char *const dates[] = {"2020-03-15T00:00:00Z", "2022-07-04T06:00:00Z",
                                    "2024-11-30T18:30:00Z", "2027-02-14T03:00:00Z",
                                    "2029-09-09T12:00:00Z"};

#define NSITES (sizeof sites / sizeof sites[0])
#define NDATES (sizeof dates / sizeof dates[0])

static void direction(double az_deg, double el_deg, double v[3])
{
    double az = az_deg * ERFA_DD2R, el = el_deg * ERFA_DD2R;
    v[0] = cos(el) * sin(az);
    v[1] = cos(el) * cos(az);
    v[2] = sin(el);
}

static double separation_deg(double az1, double el1, double az2, double el2)
{
    double a[3], b[3];
    direction(az1, el1, a);
    direction(az2, el2, b);
    double c[3] = {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    return atan2(sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]),
                 a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) *
           ERFA_DR2D;
}

static void astronomy_engine_agrees_within_1_arcmin(void **state)
{
    (void)state;
    FILE *probe = fopen(ILRS_SOURCE_DIR "/web/node_modules/astronomy-engine/package.json", "r");
    if (probe == NULL) {
        fail_msg("web/node_modules/astronomy-engine missing: run scripts/deps.sh (npm ci in web/)");
    }
    fclose(probe);

    char cmd[8192];
    size_t len =
        (size_t)snprintf(cmd, sizeof cmd, "node '%s/tests/twin/astro/azel.js'", ILRS_SOURCE_DIR);
    for (size_t s = 0; s < NSITES; s++) {
        for (size_t d = 0; d < NDATES; d++) {
            len += (size_t)snprintf(cmd + len, sizeof cmd - len, " '%g,%g,%s'", sites[s][0],
                                    sites[s][1], dates[d]);
            assert_true(len < sizeof cmd);
        }
    }
    FILE *p = popen(cmd, "r");
    assert_non_null(p);

    ilrs_ephem_t *ephem = NULL, *analytic = NULL;
    char err[512];
    assert_int_equal(ilrs_ephem_create(ILRS_EPHEM_SPK, getenv("ILRS_DATA_DIR") ? NULL : KDIR,
                                       &ephem, err, sizeof err),
                     0);
    assert_int_equal(ilrs_ephem_create(ILRS_EPHEM_ANALYTIC, NULL, &analytic, err, sizeof err), 0);
    double worst_sun = 0, worst_earth = 0, worst_analytic = 0;
    size_t rows = 0;
    char line[512];
    while (fgets(line, sizeof line, p) != NULL) {
        double lat, lon, js_saz, js_sel, js_eaz, js_eel;
        char when[64];
        assert_int_equal(sscanf(line, "%lf %lf %63s %lf %lf %lf %lf", &lat, &lon, when, &js_saz,
                                &js_sel, &js_eaz, &js_eel),
                         7);
        ilrs_site_t site;
        ilrs_tai_t t;
        ilrs_sky_t sky;
        assert_int_equal(ilrs_site_init(&site, lat, lon, 0.0), 0);
        assert_int_equal(ilrs_ephem_parse_utc(when, &t), 0);
        assert_int_equal(ilrs_ephem_sky(ephem, &site, t, &sky), 0);
        assert_int_equal(sky.source, ILRS_EPHEM_SPK);
        double ds = separation_deg(sky.sun.az_deg, sky.sun.el_deg, js_saz, js_sel);
        double de = separation_deg(sky.earth.az_deg, sky.earth.el_deg, js_eaz, js_eel);
        printf("%8.3f %8.3f %s  sun C %9.4f %8.4f JS %9.4f %8.4f (%.1f\")  earth C %9.4f %8.4f "
               "JS %9.4f %8.4f (%.1f\")\n",
               lat, lon, when, sky.sun.az_deg, sky.sun.el_deg, js_saz, js_sel, ds * 3600,
               sky.earth.az_deg, sky.earth.el_deg, js_eaz, js_eel, de * 3600);
        /* The analytic source (ERFA + IAU rotation, our implementation) too. */
        ilrs_sky_t an;
        assert_int_equal(ilrs_ephem_sky(analytic, &site, t, &an), 0);
        worst_analytic =
            fmax(worst_analytic, separation_deg(an.sun.az_deg, an.sun.el_deg, js_saz, js_sel));
        worst_analytic =
            fmax(worst_analytic, separation_deg(an.earth.az_deg, an.earth.el_deg, js_eaz, js_eel));
        worst_sun = fmax(worst_sun, ds);
        worst_earth = fmax(worst_earth, de);
        rows++;
    }
    int status = pclose(p);
    assert_int_equal(status, 0);
    assert_int_equal(rows, NSITES * NDATES);
    printf("worst separation: Sun %.1f\", Earth %.1f\"; analytic source %.1f\" (limit 60\")\n",
           worst_sun * 3600, worst_earth * 3600, worst_analytic * 3600);
    assert_true(worst_sun < ARCMIN);
    assert_true(worst_earth < ARCMIN);
    assert_true(worst_analytic < ARCMIN);
    ilrs_ephem_destroy(ephem);
    ilrs_ephem_destroy(analytic);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(astronomy_engine_agrees_within_1_arcmin),
};

ILRS_TEST_MAIN(tests)
