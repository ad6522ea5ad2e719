// SPDX-License-Identifier: Apache-2.0
// The run's archive writer (src/station/station_archive.c): packets are handed to
// a writer thread that sleeps until a batch is queued, and a command recorded from
// the run's thread waits for the writer to idle. A command recorded while a few
// packets (less than a batch) were queued once hung the run for good: this test
// hangs (CTest's timeout fails it) if the writer is not woken.
#include <sqlite3.h>

#include <ilrs/ccsds.h>
#include <ilrs/dict.h>

#include "dict/dict_sample.h"
#include "station/station_common.h"
#include "station/station_int.h"

#define T0 ((ilrs_tai_t)2000000000 * 1000000000)

static int64_t count(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    int64_t n = count_rows(db, sql);
    sqlite3_close(db);
    return n;
}

static void command_after_a_few_packets(void **state)
{
    (void)state;
    ilrs_dict_t *dict = NULL;
    assert_int_equal(sample_dict_create(&dict), 0);
    char dir[128], path[256];
    make_tmp(dir, sizeof dir, "archive");
    snprintf(path, sizeof path, "%s/archive.sqlite", dir);
    station_archive_t *ar = NULL;
    assert_int_equal(ilrs__station_archive_open(path, dict, &ar), 0);

    const ilrs_dict_packet_t *hk = ilrs_dict_find_packet(dict, SAMPLE_POWER_APID);
    assert_non_null(hk);
    size_t hk_len = hk->length;
    /* after a sync the writer sleeps, waiting for a batch */
    assert_int_equal(ilrs__station_archive_sync(ar), 0);
    uint8_t pkt[512] = {0};
    assert_true(hk_len <= sizeof pkt);
    for (int i = 0; i < 5; i++) { /* far less than the writer's wake-up batch */
        assert_int_equal(
            ilrs_ccsds_tlm_init(pkt, sizeof pkt, SAMPLE_POWER_APID, hk_len, T0 + i * 1000000000LL),
            0);
        assert_int_equal(ilrs__station_archive_packet(ar, pkt, hk_len, T0 + i * 1000000000LL), 0);
    }

    const ilrs_dict_command_t *noop = ilrs_dict_find_command_by_name(dict, "NoOp");
    assert_non_null(noop);
    uint8_t cmd[64];
    size_t cmd_len = 0;
    assert_int_equal(
        ilrs_dict_build_command(noop, NULL, 0, cmd, sizeof cmd, &cmd_len, NULL, 0), 0);
    assert_int_equal(ilrs__station_archive_command(ar, cmd, cmd_len, T0 + 6000000000LL,
                                                   "operator", 0),
                     0);
    /* the packets handed before the command were archived before it was recorded */
    assert_int_equal(ilrs__station_archive_accepted(ar), 5);
    assert_int_equal(ilrs__station_archive_sync(ar), 0);
    ilrs__station_archive_close(ar);
    assert_int_equal(count(path, "SELECT count(*) FROM command WHERE name='NoOp' AND "
                                 "issuer='operator' AND state='accepted'"),
                     1);
    ilrs_dict_destroy(dict);
    remove_outputs(dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(command_after_a_few_packets),
};

ILRS_TEST_MAIN(tests)
