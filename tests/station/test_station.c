// SPDX-License-Identifier: Apache-2.0
// The station run (include/ilrs/station.h): short runs of every shipped
// scenario, determinism (same scenario + seed = byte-identical archive and event log),
// and refusals before the run (missing file, scenario the models cannot take).
#include "station/station_common.h"

static void south_pole_two_days(void **state)
{
    (void)state;
    char dir[128];
    ilrs_station_summary_t s;
    ilrs_station_t *st = NULL; /* kept: the summary's arrays are borrowed from it */
    ilrs_scenario_t *sc = NULL;
    run("scenarios/south-pole.yaml", 2.0, 0, false, dir, sizeof dir, &s, &st, &sc);
    assert_true(s.completed);
    assert_true(s.simulated_s >= 2 * 86400.0);
    assert_true(s.survived); /* two polar summer days: the Sun never sets */
    assert_true(s.min_soc >= 0.0 && s.min_soc <= 1.0);
    assert_true(s.energy_in_j > 0.0 && s.energy_out_j > 0.0);
    assert_true(s.tm_packets_archived > 1000);
    assert_true(s.tm_packets_archived <= s.tm_packets_sent);
    assert_true(s.tm_packets_archived + 100 >= s.tm_packets_sent); /* in flight at the end */
    assert_true(s.events_total > 0);
    assert_int_equal(s.node_count, 4);
    assert_int_equal(s.partner_count, 8);
    uint64_t down = 0;
    for (size_t i = 0; i < s.partner_count; i++) {
        assert_true(s.partners[i].downlinked_bytes <= s.partners[i].produced_bytes);
        down += s.partners[i].downlinked_bytes;
    }
    assert_true(down > 0); /* science reached the ground */
    ilrs_station_destroy(st);
    ilrs_scenario_destroy(sc);
    check_outputs(dir, true);
    remove_outputs(dir);
}

static void far_side_two_days(void **state)
{
    (void)state;
    char dir[128];
    ilrs_station_summary_t s;
    run("scenarios/far-side-equatorial.yaml", 2.0, 0, false, dir, sizeof dir, &s, NULL, NULL);
    assert_true(s.completed);
    assert_true(s.survived);
    assert_true(s.earth_fraction == 0.0); /* the far side never sees the Earth */
    check_outputs(dir, true);
    remove_outputs(dir);
}

static void undersized_two_days(void **state)
{
    (void)state;
    char dir[128];
    ilrs_station_summary_t s;
    run("scenarios/undersized-battery.yaml", 2.0, 0, false, dir, sizeof dir, &s, NULL, NULL);
    assert_true(s.completed);
    assert_true(s.survived); /* daylight: the failure comes in the night */
    remove_outputs(dir);
}

/* Same scenario and seed: byte-identical archive and event log; another seed differs. */
static void determinism_same_seed_same_archive(void **state)
{
    (void)state;
    char d1[128], d2[128], d3[128], a[256], b[256];
    ilrs_station_summary_t s1, s2, s3;
    run("scenarios/south-pole.yaml", 1.0, 42, true, d1, sizeof d1, &s1, NULL, NULL);
    run("scenarios/south-pole.yaml", 1.0, 42, true, d2, sizeof d2, &s2, NULL, NULL);
    run("scenarios/south-pole.yaml", 1.0, 43, true, d3, sizeof d3, &s3, NULL, NULL);
    snprintf(a, sizeof a, "%s/archive.sqlite", d1);
    snprintf(b, sizeof b, "%s/archive.sqlite", d2);
    same_file(a, b, true);
    snprintf(a, sizeof a, "%s/events.log", d1);
    snprintf(b, sizeof b, "%s/events.log", d2);
    same_file(a, b, true);
    snprintf(a, sizeof a, "%s/archive.sqlite", d1);
    snprintf(b, sizeof b, "%s/archive.sqlite", d3);
    same_file(a, b, false); /* the seed reaches the run (sensor noise) */
    assert_int_equal(s1.tm_packets_archived, s2.tm_packets_archived);
    remove_outputs(d1);
    remove_outputs(d2);
    remove_outputs(d3);
}

/* A scenario the loader accepts but the models cannot represent: refused at create. */
static void refuses_unrepresentable_before_run(void **state)
{
    (void)state;
    static const char *const edits[] = {"tracking: azimuth", "tracking: two_axis"};
    ilrs_scenario_t *sc = load_edited("scenarios/south-pole.yaml", "two-axis.yaml", edits, 1);
    ilrs_station_t *st = (ilrs_station_t *)1;
    char error[512] = "";
    int rc = ilrs_station_create(sc, NULL, &st, error, sizeof error);
    assert_int_equal(rc, ILRS_ESTATION_CONFIG);
    assert_null(st);
    assert_non_null(strstr(error, "power.arrays[0].tracking"));
    ilrs_scenario_destroy(sc);
}

/* A permanent fault given a duration cannot be represented (the twin has no repair). */
static void refuses_fault_with_duration(void **state)
{
    (void)state;
    static const char *const edits[] = {"    at: 200d\n", "    duration: 1d\n    at: 200d\n"};
    ilrs_scenario_t *sc = load_edited("scenarios/south-pole.yaml", "dur.yaml", edits, 1);
    ilrs_station_t *st = NULL;
    char error[512] = "";
    assert_int_equal(ilrs_station_create(sc, NULL, &st, error, sizeof error), ILRS_ESTATION_CONFIG);
    assert_non_null(strstr(error, "faults[0].duration"));
    ilrs_scenario_destroy(sc);
}

/* A missing or broken scenario never reaches the station: the loader refuses it. */
static void missing_and_broken_scenarios_refused(void **state)
{
    (void)state;
    ilrs_scenario_diags_t *d = calloc(1, sizeof *d);
    ilrs_scenario_t *sc = NULL;
    assert_int_not_equal(ilrs_scenario_load_file("/nonexistent/none.yaml", NULL, &sc, d), 0);
    assert_null(sc);
    ilrs_scenario_diags_init(d);
    const char *broken = "name: x\nduration: -3d\n";
    assert_int_not_equal(ilrs_scenario_load_memory(broken, strlen(broken), "b.yaml", NULL, &sc, d),
                         0);
    assert_null(sc);
    assert_true(d->error_count > 0);
    free(d);
    ilrs_station_t *st = NULL;
    assert_int_equal(ilrs_station_create(NULL, NULL, &st, NULL, 0), ILRS_EINVAL);
}

/* The run stops when asked and its outputs stay readable (flush policy). */
static void stop_leaves_readable_outputs(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = load("scenarios/south-pole.yaml");
    ilrs_station_options_t o;
    ilrs_station_options_default(&o);
    char dir[128];
    make_tmp(dir, sizeof dir, "stop");
    o.out_dir = dir;
    o.duration_s = 3 * 86400.0;
    ilrs_station_t *st = NULL;
    char error[512] = "";
    assert_int_equal(ilrs_station_create(sc, &o, &st, error, sizeof error), 0);
    ilrs_station_request_stop(st);
    assert_int_equal(ilrs_station_run(st), 0);
    ilrs_station_summary_t s;
    ilrs_station_get_summary(st, &s);
    assert_false(s.completed);
    assert_true(s.simulated_s < 2.0);
    assert_int_equal(ilrs_station_run(st), ILRS_ESTATE);
    ilrs_station_destroy(st);
    check_outputs(dir, false);
    remove_outputs(dir);
    ilrs_scenario_destroy(sc);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(south_pole_two_days),
    cmocka_unit_test(far_side_two_days),
    cmocka_unit_test(undersized_two_days),
    cmocka_unit_test(determinism_same_seed_same_archive),
    cmocka_unit_test(refuses_unrepresentable_before_run),
    cmocka_unit_test(refuses_fault_with_duration),
    cmocka_unit_test(missing_and_broken_scenarios_refused),
    cmocka_unit_test(stop_leaves_readable_outputs),
};

ILRS_TEST_MAIN(tests)
