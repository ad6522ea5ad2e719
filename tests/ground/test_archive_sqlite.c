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
    snprintf(fx->dir, sizeof fx->dir, "%s/ilrs-archive-XXXXXX",
             tmp != NULL && tmp[0] ? tmp : "/tmp");
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
    assert_int_equal(
        ilrs_ground_archive_open("postgresql:///nodb?host=/nonexistent-ilrs", NULL, &a),
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
    assert_int_equal(
        sqlite3_exec(db, "UPDATE meta SET value = '99' WHERE key = 'schema'", NULL, NULL, NULL),
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
    assert_int_equal(ilrs_ground_archive_history(a, "POWER_HK.uptime", NULL, MS(T0), MS(T0) + 10000,
                                                 ILRS_GROUND_ALL, 0, &h),
                     ILRS_EGROUND_SEGMENT);
    assert_int_equal(h.count, 0);
    assert_null(h.samples);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
}

static void exec_other_connection(const archive_fx_t *fx, const char *sql)
{
    char path[400];
    snprintf(path, sizeof path, "%s/archive.db", fx->dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        print_error("%s: %s\n", sql, msg != NULL ? msg : "?");
    }
    sqlite3_free(msg);
    sqlite3_close(db);
    assert_int_equal(rc, SQLITE_OK);
}

/*
 * Fault injection: a trigger makes segment inserts fail while a flag row exists. The
 * failing ingest returns ILRS_EGROUND_DB, counts the packet as failed and rolls back
 * to the last commit (the packets since then are lost, as in a crash); the archive
 * then carries on, and what it holds is exactly the committed data plus what came
 * after, with no duplicate or half-written samples.
 */
static void sqlite_db_error_rolls_back(void **state)
{
    archive_fx_t *fx = fx_get(state);
    ilrs_ground_archive_options_t opt = {.segment_samples = 4,
                                         .commit_samples = 1000000,
                                         .commit_interval = 1000000 * ILRS_NS_PER_S};
    ilrs_ground_archive_t *a = open_archive(fx, &opt);
    assert_int_equal(ilrs_ground_archive_close(a), 0); /* creates the tables */
    exec_other_connection(fx, "CREATE TABLE fail_flag(x);"
                              "CREATE TRIGGER segment_fail BEFORE INSERT ON segment "
                              "WHEN EXISTS (SELECT 1 FROM fail_flag) "
                              "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
    a = open_archive(fx, &opt);
    uint8_t pkt[64];
    int i = 0;
    for (; i < 10; i++) {
        ilrs_tai_t t = T0 + i * ILRS_NS_PER_S;
        size_t len = build_lms(fx, pkt, sizeof pkt, t, i);
        assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, pkt, len, t), 0);
    }
    assert_int_equal(ilrs_ground_archive_flush(a), 0);
    exec_other_connection(fx, "INSERT INTO fail_flag VALUES (1)");
    int rc = 0;
    for (; rc == 0 && i < 30; i++) { /* the 4th packet fills a segment: its insert fails */
        ilrs_tai_t t = T0 + i * ILRS_NS_PER_S;
        size_t len = build_lms(fx, pkt, sizeof pkt, t, i);
        rc = ilrs_ground_archive_ingest(a, fx->dict, pkt, len, t);
    }
    assert_int_equal(rc, ILRS_EGROUND_DB);
    assert_int_equal(i, 14);
    ilrs_ground_archive_stats_t st;
    ilrs_ground_archive_get_stats(a, &st);
    assert_int_equal(st.packets_failed, 1);
    assert_int_equal(st.packets_received, 14);
    exec_other_connection(fx, "DELETE FROM fail_flag");
    for (; i < 20; i++) {
        ilrs_tai_t t = T0 + i * ILRS_NS_PER_S;
        size_t len = build_lms(fx, pkt, sizeof pkt, t, i);
        assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, pkt, len, t), 0);
    }
    for (int pass = 0; pass < 2; pass++) {
        ilrs_ground_history_t h;
        assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.counts", NULL, MS(T0),
                                                     MS(T0) + 100000, ILRS_GROUND_ALL, 0, &h),
                         0);
        assert_int_equal(h.count, 16); /* 0..9 committed, 10..13 rolled back, 14..19 */
        for (size_t k = 0; k < h.count; k++) {
            int64_t n = k < 10 ? (int64_t)k : (int64_t)k + 4;
            assert_int_equal(h.samples[k].raw_int, 1000 + n);
            assert_int_equal(h.samples[k].time, T0 + n * ILRS_NS_PER_S);
        }
        ilrs_ground_history_free(&h);
        int pk = 0;
        assert_int_equal(ilrs_ground_archive_packets(a, NULL, 0xFFFF, MS(T0), MS(T0) + 100000,
                                                     count_packet, &pk),
                         0);
        assert_int_equal(pk, 16);
        assert_int_equal(ilrs_ground_archive_close(a), 0);
        a = open_archive(fx, &opt);
    }
    assert_int_equal(ilrs_ground_archive_close(a), 0);
}

static int64_t query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Every stored row names its owner, and it is the dictionary's owner (read with SQL,
 * independently of the archive's own queries). */
static void sqlite_every_row_has_owner(void **state)
{
    archive_fx_t *fx = fx_get(state);
    ilrs_ground_archive_t *a = open_archive(fx, NULL);
    ingest_power(fx, a, 0, 3);
    uint8_t pkt[64];
    size_t len = build_lms(fx, pkt, sizeof pkt, T0, 0);
    assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, pkt, len, T0), 0);
    pkt[0] ^= 0x20u;
    assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, pkt, len, T0), ILRS_ECCSDS_VERSION);
    ilrs_ground_event_t ev = {.time = T0, .app = "LMS", .id = 1, .message = "m"};
    assert_int_equal(ilrs_ground_archive_add_event(a, fx->dict, &ev), 0);
    const char *on[] = {"ON"};
    uint8_t cmd[64];
    size_t clen = build_cmd(fx, "StartObservation", on, 1, cmd, sizeof cmd);
    int64_t id;
    assert_int_equal(ilrs_ground_archive_add_command(a, fx->dict, cmd, clen, T0, "li", &id), 0);
    assert_int_equal(ilrs_ground_archive_update_command(a, id, ILRS_GROUND_CMD_SENT, T0, NULL), 0);
    assert_int_equal(ilrs_ground_archive_close(a), 0);

    char path[400];
    snprintf(path, sizeof path, "%s/archive.db", fx->dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    const char *tables[] = {"parameter", "segment", "packet",       "rejected",
                            "event",     "command", "command_state"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        assert_true(query_int(db, sql) > 0);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE owner IS NULL OR owner = ''",
                 tables[i]);
        assert_int_equal(query_int(db, sql), 0);
    }
    assert_int_equal(query_int(db, "SELECT count(*) FROM segment s JOIN parameter p ON "
                                   "p.id = s.parameter_id WHERE s.owner <> p.owner"),
                     0);
    assert_int_equal(
        query_int(db, "SELECT count(*) FROM parameter WHERE packet = 'LMS_HK' AND owner = 'cnsa'"),
        2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM packet WHERE owner <> CASE name WHEN "
                                   "'LMS_HK' THEN 'cnsa' ELSE 'station' END"),
                     0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM command_state WHERE owner = 'cnsa'"), 2);
    assert_int_equal(query_int(db, "SELECT count(*) FROM event WHERE owner = 'cnsa'"), 1);
    sqlite3_close(db);
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
    cmocka_unit_test_setup_teardown(archive_owner_change, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(archive_second_handle_reads_committed, sqlite_setup,
                                    sqlite_teardown),
    cmocka_unit_test_setup_teardown(archive_data_products, sqlite_setup,
                                    sqlite_teardown),
    cmocka_unit_test_setup_teardown(sqlite_url_forms, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(sqlite_schema_version_checked, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(sqlite_corrupt_segment_reported, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(sqlite_in_memory, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(sqlite_db_error_rolls_back, sqlite_setup, sqlite_teardown),
    cmocka_unit_test_setup_teardown(sqlite_every_row_has_owner, sqlite_setup, sqlite_teardown),
};
ILRS_TEST_MAIN(tests)
