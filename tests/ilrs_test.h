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

#define ILRS_TEST_MAIN(array)                                                   \
    int main(int argc, char **argv)                                             \
    {                                                                           \
        if (argc > 1) {                                                         \
            cmocka_set_test_filter(argv[1]);                                    \
        }                                                                       \
        return cmocka_run_group_tests_name(__FILE__, array, NULL, NULL);        \
    }

/** Path of a file in the source tree (tests run with the source root as cwd). */
#define ILRS_TEST_SRC(rel) ILRS_SOURCE_DIR "/" rel

#endif
