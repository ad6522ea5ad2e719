/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The archive test cases (archive_cases.h) on PostgreSQL. The first case of a process
 * starts a throwaway server (pg_fixture.h), stopped and removed at exit; each case
 * gets a fresh database in it. When the PostgreSQL server binaries are absent every
 * case is skipped with a message saying so; any other failure to start fails.
 */
#include <stdio.h>
#include <stdlib.h>

#include "archive_cases.h"
#include "pg_fixture.h"

static pg_server_t server;
static int server_state; /* 0 not tried, 1 running, 2 absent, 3 failed */
static char server_why[256];

static void server_stop_at_exit(void)
{
    pg_server_stop(&server);
}

static int pg_setup(void **state)
{
    archive_fx_t *fx = calloc(1, sizeof *fx);
    if (fx == NULL || sample_dict_create(&fx->dict) != 0) {
        free(fx);
        return -1;
    }
    *state = fx;
    if (server_state == 0) {
        int rc = pg_server_start(&server, server_why, sizeof server_why);
        server_state = rc == 0 ? 1 : rc == 1 ? 2 : 3;
        atexit(server_stop_at_exit);
    }
    if (server_state == 2) {
        fx->skip = true;
        snprintf(fx->why, sizeof fx->why, "%s", server_why);
        return 0;
    }
    if (server_state != 1) {
        print_error("PostgreSQL test server: %s\n", server_why);
        return -1;
    }
    if (pg_server_create_db(&server, fx->url, sizeof fx->url) != 0) {
        print_error("cannot create a test database\n");
        return -1;
    }
    return 0;
}

static int pg_teardown(void **state)
{
    archive_fx_t *fx = *state;
    ilrs_dict_destroy(fx->dict);
    free(fx);
    return 0;
}

/* The backend is the PostgreSQL one (not a silent fallback). */
static void pg_backend_is_postgresql(void **state)
{
    archive_fx_t *fx = fx_get(state);
    ilrs_ground_archive_t *a = open_archive(fx, NULL);
    assert_string_equal(ilrs_ground_archive_backend(a), "postgresql");
    assert_int_equal(ilrs_ground_archive_close(a), 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(pg_backend_is_postgresql, pg_setup, pg_teardown),
    cmocka_unit_test_setup_teardown(archive_roundtrip_every_type, pg_setup, pg_teardown),
    cmocka_unit_test_setup_teardown(archive_packets_stored, pg_setup, pg_teardown),
    cmocka_unit_test_setup_teardown(archive_latest_and_minmax, pg_setup, pg_teardown),
    cmocka_unit_test_setup_teardown(archive_out_of_order, pg_setup, pg_teardown),
    cmocka_unit_test_setup_teardown(archive_owner_filtering, pg_setup, pg_teardown),
    cmocka_unit_test_setup_teardown(archive_command_history, pg_setup, pg_teardown),
    cmocka_unit_test_setup_teardown(archive_rejections, pg_setup, pg_teardown),
    cmocka_unit_test_setup_teardown(archive_crash_keeps_committed, pg_setup, pg_teardown),
    cmocka_unit_test_setup_teardown(archive_crash_interval_commit, pg_setup, pg_teardown),
    cmocka_unit_test_setup_teardown(archive_dictionary_change, pg_setup, pg_teardown),
    cmocka_unit_test_setup_teardown(archive_owner_change, pg_setup, pg_teardown),
    cmocka_unit_test_setup_teardown(archive_second_handle_reads_committed, pg_setup, pg_teardown),
    cmocka_unit_test_setup_teardown(archive_data_products, pg_setup, pg_teardown),
};
ILRS_TEST_MAIN(tests)
