/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The archive test cases (archive_cases.h) on SQLite, each on a fresh archive file in
 * its own temporary directory, plus the SQLite-only cases: URL forms, open errors,
 * schema version, in-memory archives.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "archive_cases.h"

static int sqlite_setup(void **state)
{
    archive_fx_t *fx = calloc(1, sizeof *fx);
    if (fx == NULL) {
        return -1;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(fx->dir, sizeof fx->dir, "%s/ilrs-archive-XXXXXX", tmp != NULL && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(fx->dir) == NULL || sample_dict_create(&fx->dict) != 0) {
        free(fx);
        return -1;
    }
    snprintf(fx->url, sizeof fx->url, "sqlite:%s/archive.db", fx->dir);
    *state = fx;
    return 0;
}

static int sqlite_teardown(void **state)
{
    archive_fx_t *fx = *state;
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        char path[400];
        snprintf(path, sizeof path, "%s/archive.db%s", fx->dir, suffix[i]);
        (void)unlink(path);
    }
    (void)rmdir(fx->dir);
    ilrs_dict_destroy(fx->dict);
    free(fx);
    return 0;
}

/* A plain path is SQLite too; unsupported schemes and empty paths are refused. */
static void sqlite_url_forms(void **state)
{
    archive_fx_t *fx = fx_get(state);
    char path[400];
    snprintf(path, sizeof path, "%s/archive.db", fx->dir);
    ilrs_ground_archive_t *a = NULL;
    assert_int_equal(ilrs_ground_archive_open(path, NULL, &a), 0);
    assert_string_equal(ilrs_ground_archive_backend(a), "sqlite");
    ingest_power(fx, a, 0, 3);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
    a = open_archive(fx, NULL); /* the same file through "sqlite:" */
    check_power_history(fx, a, 3);
    assert_int_equal(ilrs_ground_archive_close(a), 0);

    assert_int_equal(ilrs_ground_archive_open("", NULL, &a), ILRS_EGROUND_URL);
    assert_null(a);
    assert_int_equal(ilrs_ground_archive_open(NULL, NULL, &a), ILRS_EGROUND_URL);
    assert_int_equal(ilrs_ground_archive_open("sqlite:", NULL, &a), ILRS_EGROUND_URL);
    assert_int_equal(ilrs_ground_archive_open("mysql://localhost/x", NULL, &a), ILRS_EGROUND_URL);
    assert_int_equal(ilrs_ground_archive_open(path, NULL, NULL), ILRS_EINVAL);
    ilrs_ground_archive_options_t big = {.segment_samples = 70000};
    assert_int_equal(ilrs_ground_archive_open(path, &big, &a), ILRS_EINVAL);
    snprintf(path, sizeof path, "sqlite:%s/no/such/dir/a.db", fx->dir);
    assert_int_equal(ilrs_ground_archive_open(path, NULL, &a), ILRS_EGROUND_DB);
    assert_null(a);
    /* a connection that cannot be made is a database error, not a crash */
    assert_int_equal(ilrs_ground_archive_open("postgresql:///nodb?host=/nonexistent-ilrs", NULL, &a),
                     ILRS_EGROUND_DB);
    assert_null(a);
    assert_int_equal(ilrs_ground_archive_close(NULL), 0);
}

/* An archive written by another schema version is refused, not misread. */
static void sqlite_schema_version_checked(void **state)
{
    archive_fx_t *fx = fx_get(state);
    ilrs_ground_archive_t *a = open_archive(fx, NULL);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
    char path[400];
    snprintf(path, sizeof path, "%s/archive.db", fx->dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE meta SET value = '99' WHERE key = 'schema'", NULL,
                                  NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(ilrs_ground_archive_open(fx->url, NULL, &a), ILRS_EGROUND_SCHEMA);
    assert_null(a);
}

/* A corrupt segment row is reported, never misread or crashed on. */
static void sqlite_corrupt_segment_reported(void **state)
{
    archive_fx_t *fx = fx_get(state);
    ilrs_ground_archive_t *a = open_archive(fx, NULL);
    ingest_power(fx, a, 0, 4);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
    char path[400];
    snprintf(path, sizeof path, "%s/archive.db", fx->dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE segment SET data = substr(data, 1, length(data) - 1)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    a = open_archive(fx, NULL);
    ilrs_ground_history_t h;
    assert_int_equal(ilrs_ground_archive_history(a, "POWER_HK.uptime", NULL, MS(T0),
                                                 MS(T0) + 10000, ILRS_GROUND_ALL, 0, &h),
                     ILRS_EGROUND_SEGMENT);
    assert_int_equal(h.count, 0);
    assert_null(h.samples);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
}

/* ":memory:" gives a private archive (used by the fuzz target). */
static void sqlite_in_memory(void **state)
{
    archive_fx_t *fx = fx_get(state);
    ilrs_ground_archive_t *a = NULL;
    assert_int_equal(ilrs_ground_archive_open("sqlite::memory:", NULL, &a), 0);
    ingest_power(fx, a, 0, 10);
    check_power_history(fx, a, 10);
    assert_int_equal(ilrs_ground_archive_flush(a), 0);
    check_power_history(fx, a, 10);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(archive_roundtrip_every_type, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(archive_packets_stored, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(archive_latest_and_minmax, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(archive_out_of_order, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(archive_owner_filtering, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(archive_command_history, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(archive_rejections, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(archive_crash_keeps_committed, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(archive_crash_interval_commit, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(archive_dictionary_change, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(sqlite_url_forms, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(sqlite_schema_version_checked, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(sqlite_corrupt_segment_reported, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(sqlite_in_memory, sqlite_setup, sqlite_teardown),
};
ILRS_TEST_MAIN(tests)
