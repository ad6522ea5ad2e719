// SPDX-License-Identifier: Apache-2.0
// The station run over a lunar night (release builds only: label nosan, a few
// seconds each in release, minutes under the sanitizers): the undersized design
// fails during its first night and says when and why; the far-side design
// lives through its first lunar day (noon regolith near 390 K: louvred,
// sky-facing radiators) and its 354-hour night (louvres closed, radioisotope
// heat) into the next sunrise with every node inside its limits.
#include "station/station_common.h"

/* The undersized design runs out of energy in the first night and says when. */
static void undersized_fails_in_the_night(void **state)
{
    (void)state;
    char dir[128];
    ilrs_station_summary_t s;
    run("scenarios/undersized-battery.yaml", 14.0, 0, false, dir, sizeof dir, &s, NULL, NULL);
    assert_false(s.survived);
    assert_true(s.failure_at > s.epoch + (ilrs_tai_t)10 * 86400 * 1000000000);
    assert_non_null(strstr(s.verdict, "lunar night"));
    assert_non_null(strstr(s.verdict, "browned out"));
    assert_true(s.brownout_s > 0.0);
    remove_outputs(dir);
}

/* The far-side design (sunset about day 10.5, 354-hour night, sunrise about
 * day 25.3) lives through the day and the night into the next sunrise, every
 * node with limits inside them the whole time. */
static void far_side_survives_first_night(void **state)
{
    (void)state;
    char dir[128];
    ilrs_station_summary_t s;
    run("scenarios/far-side-equatorial.yaml", 27.0, 0, false, dir, sizeof dir, &s, NULL, NULL);
    assert_true(s.completed);
    if (!s.survived) {
        fail_msg("far side did not survive its first night: %s", s.verdict);
    }
    assert_true(s.sunlit_fraction > 0.3 && s.sunlit_fraction < 0.7);
    size_t limited = 0;
    for (size_t i = 0; i < s.node_count; i++) {
        const ilrs_station_node_result_t *n = &s.nodes[i];
        print_message("%-12s %6.1f .. %6.1f K (allowed %6.1f .. %6.1f K)\n", n->name, n->min_k,
                      n->max_k, n->limit_min_k, n->limit_max_k);
        if (n->limit_max_k >= 999.0 && n->limit_min_k <= 0.0) {
            continue; /* no limits given */
        }
        limited++;
        if (n->excursion_s > 0.0 || n->max_k > n->limit_max_k || n->min_k < n->limit_min_k) {
            fail_msg("%s left its limits: %.1f .. %.1f K outside %.1f .. %.1f K for %.0f s",
                     n->name, n->min_k, n->max_k, n->limit_min_k, n->limit_max_k,
                     n->excursion_s);
        }
    }
    assert_true(limited >= 2); /* avionics and battery at least */
    remove_outputs(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(undersized_fails_in_the_night),
    cmocka_unit_test(far_side_survives_first_night),
};

ILRS_TEST_MAIN(tests)
