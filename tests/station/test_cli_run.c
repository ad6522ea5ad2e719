// SPDX-License-Identifier: Apache-2.0
// `ilrs run` as a user runs it: a short run prints the one-screen summary and
// writes the five outputs (exit 0 survived, 3 failed); a missing or broken
// scenario and bad options stop before anything runs (exit 1, 2). Needs
// ILRS_BIN (set by tests/station/CMakeLists.txt).
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ilrs_test.h"

static void run_one_day_prints_summary_and_outputs(void **state)
{
    (void)state;
    char dir[] = "/tmp/ilrs-cli-run-XXXXXX";
    assert_non_null(mkdtemp(dir));
    static char out[65536];
    char args[512];
    snprintf(args, sizeof args, "run %s --days 1 --seed 5 --out %s",
             ILRS_TEST_SRC("scenarios/south-pole.yaml"), dir);
    assert_int_equal(ilrs_test_run(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "SURVIVED"));
    assert_non_null(strstr(out, "minimum state of charge"));
    assert_non_null(strstr(out, "science per partner"));
    assert_non_null(strstr(out, "faults"));
    assert_null(strstr(out, "[####")); /* no progress bar when stdout is not a terminal */
    static const char *const names[] = {"archive.sqlite", "events.log", "summary.json",
                                        "dictionary.json", "report.html"};
    for (size_t i = 0; i < 5; i++) {
        char path[512];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        assert_int_equal(stat(path, &sb), 0);
        assert_true(sb.st_size > 0);
        unlink(path);
    }
    rmdir(dir);
}

static void missing_scenario_runs_nothing(void **state)
{
    (void)state;
    static char out[65536];
    assert_int_equal(ilrs_test_run("run /nonexistent/none.yaml --out /tmp/ilrs-cli-none", out, sizeof out),
                     1);
    assert_non_null(strstr(out, "nothing was run"));
    struct stat sb;
    assert_int_not_equal(stat("/tmp/ilrs-cli-none/archive.sqlite", &sb), 0);
}

static void broken_scenario_runs_nothing(void **state)
{
    (void)state;
    char path[] = "/tmp/ilrs_run_cli_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *doc = "name: t\nduration: -3\n";
    assert_int_equal(write(fd, doc, strlen(doc)), (ssize_t)strlen(doc));
    close(fd);
    static char out[65536];
    char args[256];
    snprintf(args, sizeof args, "run %s", path);
    int rc = ilrs_test_run(args, out, sizeof out);
    unlink(path);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "duration: must be > 0"));
    assert_non_null(strstr(out, "nothing was run"));
}

static void bad_options_are_usage_errors(void **state)
{
    (void)state;
    static char out[65536];
    assert_int_equal(ilrs_test_run("run --days -4", out, sizeof out), 2);
    assert_int_equal(ilrs_test_run("run --seed x1", out, sizeof out), 2);
    assert_non_null(strstr(out, "--seed"));
    assert_int_equal(ilrs_test_run("run --frobnicate", out, sizeof out), 2);
    assert_int_equal(ilrs_test_run("run --help", out, sizeof out), 0);
    assert_non_null(strstr(out, "usage: ilrs run"));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(run_one_day_prints_summary_and_outputs),
    cmocka_unit_test(missing_scenario_runs_nothing),
    cmocka_unit_test(broken_scenario_runs_nothing),
    cmocka_unit_test(bad_options_are_usage_errors),
};

ILRS_TEST_MAIN(tests)
