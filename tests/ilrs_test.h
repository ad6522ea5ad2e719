/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Common includes for cmocka test files. Each test file ends with
 *
 *     static const struct CMUnitTest tests[] = { cmocka_unit_test(case_a), ... };
 *     ILRS_TEST_MAIN(tests)
 *
 * CTest runs `<exe> <case>` once per case (cmake/IlrsTest.cmake); with no
 * argument the executable runs every case.
 */
#ifndef ILRS_TEST_H
#define ILRS_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <stdlib.h>
#include <sys/wait.h>

#define ILRS_TEST_MAIN(array)                                                   \
    int main(int argc, char **argv)                                             \
    {                                                                           \
        if (argc > 1) {                                                         \
            cmocka_set_test_filter(argv[1]);                                    \
        }                                                                       \
        return cmocka_run_group_tests_name(__FILE__, array, NULL, NULL);        \
    }

/**
 * Run the built `ilrs` command (path in the ILRS_BIN environment variable, set by
 * the test's CMakeLists.txt) with @p args, stderr merged into stdout, capturing at
 * most @p cap - 1 octets of output; returns the exit status.
 */
static inline int ilrs_test_run(const char *args, char *out, size_t cap)
{
    const char *bin = getenv("ILRS_BIN");
    assert_non_null(bin);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s 2>&1", bin, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/** Path of a file in the source tree (tests run with the source root as cwd). */
#define ILRS_TEST_SRC(rel) ILRS_SOURCE_DIR "/" rel

#endif
