// SPDX-License-Identifier: Apache-2.0
// FDIR on the default scenario: its faults, moved early in the mission so that a
// short run sees them, are each detected by an app event that names the fault's
// target (the run report pairs injection, detection and recovery), and the
// detection delays are reported. Release builds only (label nosan): 20 mission
// days take seconds in release, minutes under the sanitizers.
//
// The radio outage: COMM finds the direct-to-Earth radio silent inside a
// predicted contact window, switches to the relay, power-cycles the radio's line
// and reports the link back when the outage ends.
#include "station/station_common.h"

#define DAY 86400.0

static void set_fault(ilrs_scenario_t *sc, const char *id, double at_days)
{
    for (size_t i = 0; i < sc->fault_count; i++) {
        if (strcmp(sc->faults[i].id, id) == 0) {
            sc->faults[i].is_random = false;
            sc->faults[i].at_s = at_days * DAY;
            sc->faults[i].rate_per_year = 0.0;
            sc->faults[i].duration_s = 0.0;
            return;
        }
    }
    fail_msg("the default scenario has no fault %s", id);
}

static const ilrs_station_fault_result_t *result(const ilrs_station_summary_t *s, const char *id)
{
    for (size_t i = 0; i < s->fault_count; i++) {
        if (strcmp(s->faults[i].id, id) == 0) {
            return &s->faults[i];
        }
    }
    fail_msg("no fault result %s", id);
    return NULL;
}

/* Detected, by the expected app, within @p max_s of the injection. */
static void detected(const ilrs_station_summary_t *s, const char *id, const char *app,
                     double max_s)
{
    const ilrs_station_fault_result_t *r = result(s, id);
    assert_true(r->injected);
    if (!r->detected) {
        fail_msg("%s (%s on %s) injected but not detected", id, r->type, r->target);
    }
    double delay = (double)(r->detected_at - r->injected_at) * 1e-9;
    print_message("%-18s %-22s detected after %8.0f s by %s\n", id, r->type, delay,
                  r->detected_by);
    assert_non_null(strstr(r->detected_by, app));
    assert_true(delay >= 0.0 && delay <= max_s);
}

static void default_scenario_faults_detected(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = load("scenarios/south-pole.yaml");
    /* the first darkness at the ridge starts on day 15 (2030-01-16): a string
     * lost then is lost while the batteries discharge (the default scenario's
     * day 200 is in sunlight, batteries idle: `ilrs run` shows that one); the
     * string monitor needs no learning, 6 scans 10 s apart in either state */
    set_fault(sc, "batt_heater_dead", 0.5);
    set_fault(sc, "bay_sensor", 1.0);
    set_fault(sc, "array_hit", 2.0);
    set_fault(sc, "seis_hangs", 3.0);
    set_fault(sc, "lose_string", 16.5);
    set_fault(sc, "dte_dropouts", 4.0);
    for (size_t i = 0; i < sc->fault_count; i++) {
        if (strcmp(sc->faults[i].id, "dte_dropouts") == 0) {
            sc->faults[i].duration_s = 6.0 * 3600.0; /* the scenario's outage length */
        }
    }
    char dir[128];
    ilrs_station_summary_t *s = calloc(1, sizeof *s);
    assert_non_null(s);
    ilrs_station_t *st = run_scenario(sc, NULL, 20.0 * DAY, "faults", dir, sizeof dir, s);
    /* idle (RHUs keep the battery warm): found by the daily heater checkout */
    detected(s, "batt_heater_dead", "THERMAL", DAY + 120.0);
    detected(s, "bay_sensor", "THERMAL", 600.0);        /* 120 identical samples */
    detected(s, "array_hit", "POWER", 2.0 * DAY);       /* two 15-min blocks in sunlight */
    detected(s, "seis_hangs", "PAYLOAD", 3600.0);       /* no data for 120 s */
    detected(s, "lose_string", "POWER", 120.0);         /* string monitor: 6 scans */
    assert_true(result(s, "seis_hangs")->recovered);    /* power cycle, producing again */
    /* day 4.0 is between two direct-to-Earth windows: found once the next one opens */
    detected(s, "dte_dropouts", "COMM", 3.0 * 3600.0);
    const ilrs_station_fault_result_t *out = result(s, "dte_dropouts");
    assert_int_equal(out->occurrences, 1);
    const ilrs_station_fault_occurrence_t *oc = &out->occurrence[0];
    assert_true(oc->detected && oc->ended && oc->recovered);
    assert_non_null(strstr(oc->recovered_by, "COMM"));
    /* the link is back at COMM's first step after the outage ends (0.1 Hz) */
    double back = (double)(oc->recovered_at - oc->ended_at) * 1e-9;
    print_message("dte_dropouts ended after %.0f s, link restored %.0f s later\n",
                  (double)(oc->ended_at - oc->injected_at) * 1e-9, back);
    assert_true(back >= 0.0 && back <= 20.0);
    assert_true(s->survived);
    free(s);
    ilrs_station_destroy(st);
    ilrs_scenario_destroy(sc);
    remove_outputs(dir);
}

/* The default scenario survives its first 30 days (two darknesses at the ridge)
 * with every node inside its limits and no heater declared failed: working
 * thermal control (THERMAL used to switch off healthy undersized heaters and the
 * bus browned out on day 15.5). The year is played by bench/bench_station. */
static void default_scenario_survives_30_days(void **state)
{
    (void)state;
    char dir[128];
    ilrs_station_summary_t s;
    ilrs_station_t *st = NULL;
    ilrs_scenario_t *sc = NULL;
    run("scenarios/south-pole.yaml", 30.0, 0, false, dir, sizeof dir, &s, &st, &sc);
    if (!s.survived) {
        fail_msg("default scenario did not survive 30 days: %s", s.verdict);
    }
    print_message("30 days: minimum SOC %.3f\n", s.min_soc);
    assert_true(s.min_soc > 0.4); /* about 0.69 at the 2030-01-16..19 darkness */
    for (size_t i = 0; i < s.node_count; i++) {
        if (s.nodes[i].excursion_s > 0.0) {
            fail_msg("node %s outside %.1f..%.1f K for %.0f s (%.1f..%.1f K)", s.nodes[i].name,
                     s.nodes[i].limit_min_k, s.nodes[i].limit_max_k, s.nodes[i].excursion_s,
                     s.nodes[i].min_k, s.nodes[i].max_k);
        }
    }
    /* no heater declared failed (the injected heater failure is on day 120) */
    ilrs_station_destroy(st);
    char path[256];
    snprintf(path, sizeof path, "%s/events.log", dir);
    size_t len = 0;
    char *log = read_all(path, &len);
    assert_non_null(log);
    for (char *line = strtok(log, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (strstr(line, "THERMAL") != NULL && strstr(line, "failed:") != NULL) {
            fail_msg("a heater was declared failed: %s", line);
        }
    }
    free(log);
    ilrs_scenario_destroy(sc);
    remove_outputs(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(default_scenario_survives_30_days),
    cmocka_unit_test(default_scenario_faults_detected),
};

ILRS_TEST_MAIN(tests)
