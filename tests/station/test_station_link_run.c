// SPDX-License-Identifier: Apache-2.0
// The space link in a 20-day run of the default scenario (nosan: seconds in release,
// minutes under the sanitizers): the packet accounting adds up and summary.json
// carries the link's counts. The year's figures: bench/bench_station (it checks the
// same identity and fails otherwise).
#include "station/station_common.h"
#include "station/station_link_check.h"

/* The default scenario for 20 days: what it sent is delivered, lost or in flight,
 * per VC and in total; summary.json carries the link's counts. */
static void default_run_accounting_adds_up(void **state)
{
    (void)state;
    char dir[128];
    ilrs_station_summary_t s;
    ilrs_station_t *st = NULL;
    ilrs_scenario_t *sc = NULL;
    run("scenarios/south-pole.yaml", 20.0, 0, false, dir, sizeof dir, &s, &st, &sc);
    check_accounting(&s);
    assert_true(s.link.vc[0].frames_sent > 0 && s.link.vc[2].frames_sent > 0);
    assert_true(s.link.acquisitions > 0);
    assert_true(s.link.min_ebn0_db >= 2.5 + 3.0 - 1e-9); /* the twin keeps 3 dB of margin */
    /* The relay's trunk: passes happened, frames crossed it, and the default 2 s guard
     * (> the ground's 1.0 s + one frame worst lock time) loses no stored frame. */
    assert_true(s.link.relay_acquisitions > 0 && s.link.relay_frames_sent > 0);
    assert_int_equal(s.link.relay_frames_lost, 0);
    assert_true(s.link.relay_min_ebn0_db >= 2.5 + 3.0);
    char path[256];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    assert_non_null(j);
    json_t *link = json_object_get(json_object_get(j, "telemetry"), "link");
    assert_non_null(link);
    assert_int_equal(json_array_size(json_object_get(link, "vcs")), 3);
    uint64_t fs = 0;
    for (size_t v = 0; v < 3; v++) {
        fs += s.link.vc[v].frames_sent;
    }
    assert_int_equal((uint64_t)json_integer_value(json_object_get(link, "frames_sent")), fs);
    json_decref(j);
    ilrs_station_destroy(st);
    ilrs_scenario_destroy(sc);
    remove_outputs(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(default_run_accounting_adds_up),
};

ILRS_TEST_MAIN(tests)
