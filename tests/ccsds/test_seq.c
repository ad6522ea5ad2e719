// SPDX-License-Identifier: Apache-2.0
// Per-APID sequence counting (CCSDS 133.0-B-2 §4.1.3.4.2.3, modulo 16384): sender
// wrap and independence of APIDs; receiver baseline, gaps (also across the wrap),
// duplicates, and a lossy channel whose losses the tracker must count exactly.
#include <ilrs/ccsds.h>
#include <stdlib.h>

#include "ilrs_test.h"

static void seq_next_wraps_at_16384(void **state)
{
    (void)state;
    ilrs_ccsds_seq_counter_t counter = {0};
    for (unsigned i = 0; i < 3u * 16384u + 5u; i++) {
        assert_int_equal(ilrs_ccsds_seq_next(&counter, 42), i % 16384u);
    }
    assert_int_equal(ilrs_ccsds_seq_next(&counter, 43), 0); /* untouched APID */
    assert_int_equal(ilrs_ccsds_seq_next(&counter, 2047), 0);
    assert_int_equal(ilrs_ccsds_seq_next(&counter, 2047 + 2048), 1); /* 11 bits, as in the header */
}

static void seq_next_apids_independent(void **state)
{
    (void)state;
    ilrs_ccsds_seq_counter_t counter = {0};
    for (unsigned round = 0; round < 5; round++) {
        for (unsigned apid = 0; apid <= 2047; apid++) {
            for (unsigned k = 0; k <= apid % 3; k++) {
                (void)ilrs_ccsds_seq_next(&counter, (uint16_t)apid);
            }
        }
    }
    for (unsigned apid = 0; apid <= 2047; apid++) {
        assert_int_equal(ilrs_ccsds_seq_next(&counter, (uint16_t)apid), 5u * (apid % 3 + 1));
    }
}

static void seq_track_first_packet_sets_baseline(void **state)
{
    (void)state;
    ilrs_ccsds_seq_tracker_t tr = {0};
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 7, 1234), 0);
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 7, 1235), 0);
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 8, 16383), 0); /* another APID's own baseline */
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 8, 0), 0);
    assert_int_equal(tr.packets, 4);
    assert_int_equal(tr.gaps, 0);
    assert_int_equal(tr.missing, 0);
    assert_int_equal(tr.duplicates, 0);
}

static void seq_track_in_order_across_wraps(void **state)
{
    (void)state;
    ilrs_ccsds_seq_tracker_t tr = {0};
    ilrs_ccsds_seq_counter_t counter = {0};
    for (unsigned i = 0; i < 40000; i++) {
        uint16_t apid = (uint16_t)(i % 3);
        assert_int_equal(ilrs_ccsds_seq_track(&tr, apid, ilrs_ccsds_seq_next(&counter, apid)), 0);
    }
    assert_int_equal(tr.packets, 40000);
    assert_int_equal(tr.gaps + tr.missing + tr.duplicates, 0);
}

static void seq_track_gap_counts_missing(void **state)
{
    (void)state;
    ilrs_ccsds_seq_tracker_t tr = {0};
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 100, 10), 0);
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 100, 16), 5); /* 11..15 lost */
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 100, 17), 0);
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 100, 19), 1);
    assert_int_equal(tr.packets, 4);
    assert_int_equal(tr.gaps, 2);
    assert_int_equal(tr.missing, 6);
}

static void seq_track_gap_across_wrap(void **state)
{
    (void)state;
    ilrs_ccsds_seq_tracker_t tr = {0};
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 1, 16382), 0);
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 1, 2), 3); /* 16383, 0, 1 lost */
    assert_int_equal(tr.missing, 3);
    /* the largest gap: 16382 missing (every count but the expected and the previous) */
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 1, 2), ILRS_ECCSDS_DUPLICATE);
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 1, 16384u + 3u), 0); /* low 14 bits: 3 */
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 1, 2), 16382);       /* late, not a repeat */
    assert_int_equal(tr.missing, 3u + 16382u);
    assert_int_equal(tr.gaps, 2);
}

static void seq_track_duplicate(void **state)
{
    (void)state;
    ilrs_ccsds_seq_tracker_t tr = {0};
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 2000, 500), 0);
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 2000, 500), ILRS_ECCSDS_DUPLICATE);
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 2000, 500), ILRS_ECCSDS_DUPLICATE);
    assert_int_equal(tr.packets, 1);
    assert_int_equal(tr.duplicates, 2);
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 2000, 501), 0);
    assert_int_equal(tr.gaps, 0);
    /* across the wrap */
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 3, 16383), 0);
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 3, 16383), ILRS_ECCSDS_DUPLICATE);
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 3, 0), 0);
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 3, 0), ILRS_ECCSDS_DUPLICATE);
    assert_int_equal(tr.duplicates, 4);
    assert_int_equal(tr.packets, 4);
}

static void seq_track_apid_out_of_range(void **state)
{
    (void)state;
    ilrs_ccsds_seq_tracker_t tr = {0};
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 2048, 0), ILRS_ECCSDS_APID);
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 0xFFFF, 0), ILRS_ECCSDS_APID);
    assert_int_equal(tr.packets, 0);
    assert_int_equal(ilrs_ccsds_seq_track(&tr, 2047, 0), 0);
    assert_int_equal(ilrs_ccsds_seq_track(NULL, 1, 0), ILRS_EINVAL);
}

/* A lossy channel with duplications: the tracker must count losses and repeats exactly. */
static void seq_track_lossy_channel(void **state)
{
    (void)state;
    ilrs_ccsds_seq_counter_t *counter = calloc(1, sizeof *counter);
    ilrs_ccsds_seq_tracker_t *tr = calloc(1, sizeof *tr);
    assert_non_null(counter);
    assert_non_null(tr);
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 133);
    uint64_t sent = 0, dropped = 0, repeated = 0, gaps = 0;
    bool delivered_any[16] = {false};
    uint64_t pending_loss[16] = {0}; /* drops not yet followed by a delivery */
    for (int i = 0; i < 200000; i++) {
        uint16_t apid = (uint16_t)ilrs_rng_below(&rng, 16);
        uint16_t count = ilrs_ccsds_seq_next(counter, apid);
        sent++;
        /* never drop the very first packet: it is the baseline */
        if (delivered_any[apid] && ilrs_rng_uniform(&rng) < 0.05) {
            dropped++;
            pending_loss[apid]++;
            continue;
        }
        int rc = ilrs_ccsds_seq_track(tr, apid, count);
        assert_true(rc >= 0);
        gaps += pending_loss[apid] != 0;
        assert_int_equal(rc, pending_loss[apid]); /* no run of 16383 losses at 5 % */
        pending_loss[apid] = 0;
        delivered_any[apid] = true;
        if (ilrs_rng_uniform(&rng) < 0.01) {
            assert_int_equal(ilrs_ccsds_seq_track(tr, apid, count), ILRS_ECCSDS_DUPLICATE);
            repeated++;
        }
    }
    assert_int_equal(tr->packets, sent - dropped);
    uint64_t undetected = 0; /* losses after the last delivery of an APID */
    for (int a = 0; a < 16; a++) {
        undetected += pending_loss[a];
    }
    assert_int_equal(tr->missing, dropped - undetected);
    assert_int_equal(tr->duplicates, repeated);
    assert_int_equal(tr->gaps, gaps);
    assert_true(dropped > 1000 && repeated > 100);
    free(counter);
    free(tr);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(seq_next_wraps_at_16384),
    cmocka_unit_test(seq_next_apids_independent),
    cmocka_unit_test(seq_track_first_packet_sets_baseline),
    cmocka_unit_test(seq_track_in_order_across_wraps),
    cmocka_unit_test(seq_track_gap_counts_missing),
    cmocka_unit_test(seq_track_gap_across_wrap),
    cmocka_unit_test(seq_track_duplicate),
    cmocka_unit_test(seq_track_apid_out_of_range),
    cmocka_unit_test(seq_track_lossy_channel),
};
ILRS_TEST_MAIN(tests)
