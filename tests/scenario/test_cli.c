/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `ilrs scenario check` as a user runs it: exit status 0 with a summary for a
 * valid scenario, 1 with "file:line:column: key.path: message" lines for a
 * broken one, 2 for usage errors. Needs ILRS_BIN (set by tests/scenario/CMakeLists.txt).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ilrs_test.h"

static void check_valid_prints_summary(void **state)
{
    (void)state;
    static char out[65536];
    assert_int_equal(
        ilrs_test_run("scenario check " ILRS_TEST_SRC("scenarios/south-pole.yaml"), out, sizeof out), 0);
    assert_non_null(strstr(out, "site      Connecting Ridge -89.4500 deg lat, 222.7000 deg E"));
    assert_non_null(strstr(out, "relay     queqiao2: queqiao2-12h, 300 x 8600 km, i 54.8 deg"));
    assert_non_null(strstr(out, "payload   seismometer [igg]"));
    assert_non_null(
        strstr(out, "fault     lose_string: battery_string_loss on batt_a at +200.00 d"));
    assert_non_null(strstr(out, ": valid, 0 warnings"));
}

static void check_broken_lists_errors(void **state)
{
    (void)state;
    char path[] = "/tmp/ilrs_scenario_cli_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *doc = "name: t\n"
                      "duration: -3\n"
                      "colour: red\n";
    assert_int_equal(write(fd, doc, strlen(doc)), (ssize_t)strlen(doc));
    close(fd);
    static char out[65536];
    char args[256];
    snprintf(args, sizeof args, "scenario check %s", path);
    int rc = ilrs_test_run(args, out, sizeof out);
    unlink(path);
    assert_int_equal(rc, 1);
    char expect[512];
    snprintf(expect, sizeof expect, "%s:2:11: duration: must be > 0 s, got -3\n", path);
    assert_non_null(strstr(out, expect));
    snprintf(expect, sizeof expect, "%s:3:1: colour: unknown key in a scenario\n", path);
    assert_non_null(strstr(out, expect));
    assert_null(strstr(out, "valid"));
}

static void check_usage(void **state)
{
    (void)state;
    static char out[65536];
    assert_int_equal(ilrs_test_run("scenario check --help", out, sizeof out), 0);
    assert_non_null(strstr(out, "usage: ilrs scenario check"));
    assert_int_equal(ilrs_test_run("scenario check", out, sizeof out), 2);
    assert_int_equal(ilrs_test_run("scenario check --bogus x.yaml", out, sizeof out), 2);
    assert_int_equal(ilrs_test_run("scenario frobnicate", out, sizeof out), 2);
    assert_int_equal(ilrs_test_run("scenario check /nonexistent/x.yaml", out, sizeof out), 1);
    assert_non_null(strstr(out, "/nonexistent/x.yaml: cannot open"));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(check_valid_prints_summary),
    cmocka_unit_test(check_broken_lists_errors),
    cmocka_unit_test(check_usage),
};

ILRS_TEST_MAIN(tests)
