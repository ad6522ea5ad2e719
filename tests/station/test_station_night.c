// SPDX-License-Identifier: Apache-2.0
// The station run over a lunar night (release builds only: label nosan, a few
// seconds each in release, minutes under the sanitizers): the undersized design
// fails during its first night and says when and why; the far-side design
// lives to see the next sunrise.
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

/* The far-side design (sunset about day 10.5, 354-hour night) sees the next sunrise. */
static void far_side_survives_first_night(void **state)
{
    (void)state;
    char dir[128];
    ilrs_station_summary_t s;
    run("scenarios/far-side-equatorial.yaml", 26.0, 0, false, dir, sizeof dir, &s, NULL, NULL);
    assert_true(s.completed);
    if (!s.survived) {
        fail_msg("far side did not survive its first night: %s", s.verdict);
    }
    assert_true(s.sunlit_fraction > 0.3 && s.sunlit_fraction < 0.7);
    remove_outputs(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(undersized_fails_in_the_night),
    cmocka_unit_test(far_side_survives_first_night),
};

ILRS_TEST_MAIN(tests)
