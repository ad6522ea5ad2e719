// SPDX-License-Identifier: Apache-2.0
//
// `ilrs env` end to end: runs the built ilrs binary (path in $ILRS_BIN, set by
// tests/twin/CMakeLists.txt) and checks its exit codes, messages, summary and
// CSV against the library computing the same instants.
#include "ilrs_test.h"

#include <math.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ilrs/twin.h>

static void env_rejects_bad_input(void **state)
{
    (void)state;
    static char out[1 << 14];
    static const struct {
        const char *args;
        int status;
        const char *needle;
    } cases[] = {
        {"env --site 91,0 --from 2026-01-01 --days 1", 2, "out of range"},
        {"env --site abc,0 --from 2026-01-01 --days 1", 2, "site latitude 'abc'"},
        {"env --site -89.5 --from 2026-01-01 --days 1", 2, "LAT,LON"},
        {"env --site -89,0 --from 2026-02-30 --days 1", 2, "'2026-02-30' is not a UTC date"},
        {"env --site -89,0 --from 2026-01-01", 2, "exactly one of --to or --days"},
        {"env --site -89,0 --from 2026-01-01 --to 2025-01-01", 2, "before --from"},
        {"env --site -89,0 --from 2026-01-01 --days 1 --ephemeris de999", 2, "'de999'"},
        {"env --site -89,0 --from 2026-01-01 --days 1 --step 0", 2, "--step"},
        {"env --site -89,0 --from 2026-01-01 --days 1 --frobnicate", 2, "'--frobnicate'"},
        {"env --site -89,0 --from 2031-01-01 --days 1 --ephemeris spk", 1, "coverage"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int status = ilrs_test_run(cases[i].args, out, sizeof out);
        if (status != cases[i].status || strstr(out, cases[i].needle) == NULL) {
            fprintf(stderr, "ilrs %s -> %d: %s\n", cases[i].args, status, out);
        }
        assert_int_equal(status, cases[i].status);
        assert_non_null(strstr(out, cases[i].needle));
        /* No work done: no summary printed. */
        assert_null(strstr(out, "sun elevation"));
    }
    assert_int_equal(ilrs_test_run("env --help", out, sizeof out), 0);
    assert_non_null(strstr(out, "sun_fraction"));
}

static void env_csv_matches_library(void **state)
{
    (void)state;
    char path[] = "/tmp/ilrs_env_csv_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    static char out[1 << 14];
    char args[512];
    snprintf(args, sizeof args,
             "env --site -89.45,222.7,10 --from 2026-03-01T00:00:00Z --to 2026-03-03 --step 1h "
             "--csv %s",
             path);
    assert_int_equal(ilrs_test_run(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "used spk for 49 samples, analytic for 0"));
    assert_non_null(strstr(out, "sun elevation: min"));

    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024];
    assert_non_null(fgets(line, sizeof line, f));
    assert_memory_equal(line,
                        "utc,sun_az_deg,sun_el_deg,sun_fraction,earth_az_deg,earth_el_deg,"
                        "earth_fraction",
                        strlen("utc,sun_az_deg,sun_el_deg,sun_fraction,earth_az_deg,earth_el_"
                               "deg,earth_fraction"));
    ilrs_ephem_t *e = NULL;
    char err[256];
    assert_int_equal(ilrs_ephem_create(ILRS_EPHEM_AUTO, NULL, &e, err, sizeof err), 0);
    ilrs_site_t site;
    assert_int_equal(ilrs_site_init(&site, -89.45, 222.7, 10.0), 0);
    int rows = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        char when[40];
        double saz, sel, sfr, eaz, eel, efr;
        assert_int_equal(sscanf(line, "%39[^,],%lf,%lf,%lf,%lf,%lf,%lf", when, &saz, &sel, &sfr,
                                &eaz, &eel, &efr),
                         7);
        ilrs_tai_t t;
        ilrs_sky_t sky;
        assert_int_equal(ilrs_ephem_parse_utc(when, &t), 0);
        assert_int_equal(ilrs_ephem_sky(e, &site, t, &sky), 0);
        assert_true(fabs(saz - sky.sun.az_deg) < 1e-5);
        assert_true(fabs(sel - sky.sun.el_deg) < 1e-5);
        assert_true(fabs(eel - sky.earth.el_deg) < 1e-5);
        assert_true(fabs(sfr - ilrs_disk_fraction(sky.sun.el_deg, sky.sun_radius_deg, 0)) < 1e-5);
        assert_true(fabs(efr - ilrs_disk_fraction(sky.earth.el_deg, sky.earth_radius_deg, 0)) <
                    1e-5);
        rows++;
    }
    fclose(f);
    remove(path);
    assert_int_equal(rows, 49);
    ilrs_ephem_destroy(e);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(env_rejects_bad_input),
    cmocka_unit_test(env_csv_matches_library),
};

ILRS_TEST_MAIN(tests)
