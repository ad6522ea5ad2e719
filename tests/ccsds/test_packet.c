// SPDX-License-Identifier: Apache-2.0
// Space Packet primary header (CCSDS 133.0-B-2 §4.1.3): encode/decode round trips
// over every APID and the edge values of every other field, with the expected
// octets built here from the bit layout of figure 4-2; each decoder error,
// truncation at every length, and walking concatenated packets.
#include <ilrs/ccsds.h>
#include <stdlib.h>

#include "ilrs_test.h"

/* The header octets, assembled field by field from 133.0-B-2 figure 4-2. */
static void expected_octets(unsigned type, unsigned sec, unsigned apid, unsigned flags,
                            unsigned count, unsigned length, uint8_t out[6])
{
    out[0] = (uint8_t)((0u << 5) | (type << 4) | (sec << 3) | (apid >> 8));
    out[1] = (uint8_t)(apid & 0xFFu);
    out[2] = (uint8_t)((flags << 6) | (count >> 8));
    out[3] = (uint8_t)(count & 0xFFu);
    out[4] = (uint8_t)(length >> 8);
    out[5] = (uint8_t)(length & 0xFFu);
}

/* Write a whole packet of total length @p total (>= 7) with the given APID and flags. */
static void make_packet(uint8_t *buf, size_t total, unsigned apid, unsigned flags, unsigned sec)
{
    uint8_t hdr[6];
    expected_octets(0, sec, apid, flags, 42, (unsigned)(total - 7u), hdr);
    memcpy(buf, hdr, 6);
    for (size_t i = 6; i < total; i++) {
        buf[i] = (uint8_t)(i * 7u);
    }
}

static void primary_roundtrip_all_apids_and_edges(void **state)
{
    (void)state;
    static const unsigned counts[] = {0, 1, 0x00FF, 0x0100, 8191, 16382, 16383};
    static const unsigned lengths[] = {0, 1, 0x00FF, 0x0100, 65534, 65535};
    unsigned checked = 0;
    for (unsigned apid = 0; apid <= 2047; apid++) {
        for (unsigned type = 0; type <= 1; type++) {
            for (unsigned sec = 0; sec <= 1; sec++) {
                for (unsigned flags = 0; flags <= 3; flags++) {
                    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
                        /* all lengths for a few APIDs, one length elsewhere */
                        size_t nlen = (apid % 511 == 0) ? sizeof lengths / sizeof lengths[0] : 1;
                        for (size_t l = 0; l < nlen; l++) {
                            unsigned length = nlen == 1 ? lengths[(apid + c) % 6] : lengths[l];
                            ilrs_ccsds_primary_t in = {.version = 0,
                                                       .type = (uint8_t)type,
                                                       .has_secondary = sec != 0,
                                                       .apid = (uint16_t)apid,
                                                       .seq_flags = (uint8_t)flags,
                                                       .seq_count = (uint16_t)counts[c],
                                                       .data_length = (uint16_t)length};
                            uint8_t buf[6], want[6];
                            assert_int_equal(ilrs_ccsds_primary_encode(&in, buf, sizeof buf), 0);
                            expected_octets(type, sec, apid, flags, counts[c], length, want);
                            assert_memory_equal(buf, want, 6);
                            ilrs_ccsds_primary_t out;
                            assert_int_equal(ilrs_ccsds_primary_decode(buf, 6, &out), 0);
                            assert_int_equal(out.version, 0);
                            assert_int_equal(out.type, type);
                            assert_int_equal(out.has_secondary, sec != 0);
                            assert_int_equal(out.apid, apid);
                            assert_int_equal(out.seq_flags, flags);
                            assert_int_equal(out.seq_count, counts[c]);
                            assert_int_equal(out.data_length, length);
                            assert_int_equal(ilrs_ccsds_get_apid(buf), apid);
                            assert_int_equal(ilrs_ccsds_is_cmd(buf), type == 1);
                            assert_int_equal(ilrs_ccsds_get_seq_count(buf), counts[c]);
                            assert_int_equal(ilrs_ccsds_get_total_length(buf), length + 7u);
                            checked++;
                        }
                    }
                }
            }
        }
    }
    assert_true(checked > 2048u * 16u * 7u);
}

static void primary_encode_rejects_bad_fields(void **state)
{
    (void)state;
    const ilrs_ccsds_primary_t good = {.apid = 100, .seq_flags = 3, .data_length = 9};
    uint8_t buf[8], sentinel[8];
    memset(sentinel, 0xA5, sizeof sentinel);

    struct {
        ilrs_ccsds_primary_t hdr;
        int want;
    } cases[12];
    size_t n = 0;
    for (uint8_t v = 1; v <= 7; v++) {
        cases[n].hdr = good;
        cases[n].hdr.version = v;
        cases[n++].want = ILRS_ECCSDS_VERSION;
    }
    cases[n].hdr = good;
    cases[n].hdr.type = 2;
    cases[n++].want = ILRS_ERANGE;
    cases[n].hdr = good;
    cases[n].hdr.seq_count = 16384;
    cases[n++].want = ILRS_ERANGE;
    cases[n].hdr = good;
    cases[n].hdr.apid = 2048;
    cases[n++].want = ILRS_ECCSDS_APID;
    cases[n].hdr = good;
    cases[n].hdr.apid = 0xFFFF;
    cases[n++].want = ILRS_ECCSDS_APID;
    cases[n].hdr = good;
    cases[n].hdr.seq_flags = 4;
    cases[n++].want = ILRS_ECCSDS_SEQFLAGS;
    for (size_t i = 0; i < n; i++) {
        memcpy(buf, sentinel, sizeof buf);
        assert_int_equal(ilrs_ccsds_primary_encode(&cases[i].hdr, buf, sizeof buf), cases[i].want);
        assert_memory_equal(buf, sentinel, sizeof buf); /* nothing written */
    }
    for (size_t cap = 0; cap < 6; cap++) {
        memcpy(buf, sentinel, sizeof buf);
        assert_int_equal(ilrs_ccsds_primary_encode(&good, buf, cap), ILRS_ECCSDS_TOOSMALL);
        assert_memory_equal(buf, sentinel, sizeof buf);
    }
    assert_int_equal(ilrs_ccsds_primary_encode(NULL, buf, 6), ILRS_EINVAL);
    assert_int_equal(ilrs_ccsds_primary_encode(&good, NULL, 6), ILRS_EINVAL);
}

static void primary_decode_truncated_every_length(void **state)
{
    (void)state;
    uint8_t buf[6] = {0x08, 0x64, 0xC0, 0x01, 0x00, 0x09};
    for (size_t len = 0; len < 6; len++) {
        ilrs_ccsds_primary_t hdr;
        memset(&hdr, 0xFF, sizeof hdr);
        assert_int_equal(ilrs_ccsds_primary_decode(buf, len, &hdr), ILRS_ECCSDS_TOOSMALL);
        assert_int_equal(hdr.apid, 0);
        assert_int_equal(hdr.data_length, 0);
        assert_int_equal(hdr.seq_flags, 0);
    }
    ilrs_ccsds_primary_t hdr;
    assert_int_equal(ilrs_ccsds_primary_decode(buf, 6, &hdr), 0);
    assert_int_equal(hdr.apid, 0x64);
    assert_int_equal(ilrs_ccsds_primary_decode(NULL, 6, &hdr), ILRS_EINVAL);
    assert_int_equal(ilrs_ccsds_primary_decode(buf, 6, NULL), ILRS_EINVAL);
}

static void primary_decode_bad_version(void **state)
{
    (void)state;
    for (unsigned v = 1; v <= 7; v++) {
        uint8_t buf[6] = {(uint8_t)((v << 5) | 0x08u), 0x64, 0xC0, 0x01, 0x00, 0x09};
        ilrs_ccsds_primary_t hdr;
        assert_int_equal(ilrs_ccsds_primary_decode(buf, 6, &hdr), ILRS_ECCSDS_VERSION);
        assert_int_equal(hdr.version, v); /* kept for the diagnostic */
        size_t plen = 99;
        assert_int_equal(ilrs_ccsds_packet_check(buf, 6, &plen), ILRS_ECCSDS_VERSION);
        assert_int_equal(plen, 0);
    }
}

static void packet_check_minimum_packet(void **state)
{
    (void)state;
    uint8_t buf[7];
    make_packet(buf, 7, 5, 3, 0);
    size_t plen = 0;
    assert_int_equal(ilrs_ccsds_packet_check(buf, 7, &plen), 0);
    assert_int_equal(plen, 7);
    assert_int_equal(ilrs_ccsds_packet_check(buf, 7, NULL), 0);
    assert_int_equal(ilrs_ccsds_packet_check(NULL, 7, &plen), ILRS_EINVAL);
    assert_int_equal(plen, 0);
}

static void packet_check_truncated_every_length(void **state)
{
    (void)state;
    uint8_t buf[160];
    make_packet(buf, 100, 300, 3, 1);
    for (size_t len = 0; len < 100; len++) {
        size_t plen = 1234;
        int want = len < 6 ? ILRS_ECCSDS_TOOSMALL : ILRS_ECCSDS_LENGTH;
        assert_int_equal(ilrs_ccsds_packet_check(buf, len, &plen), want);
        assert_int_equal(plen, 0);
    }
    for (size_t len = 100; len <= sizeof buf; len++) {
        size_t plen = 0;
        assert_int_equal(ilrs_ccsds_packet_check(buf, len, &plen), 0);
        assert_int_equal(plen, 100); /* the rest of the buffer is not this packet */
    }
}

static void packet_check_largest_packet(void **state)
{
    (void)state;
    uint8_t *buf = malloc(ILRS_CCSDS_MAX_PACKET_LEN);
    assert_non_null(buf);
    make_packet(buf, ILRS_CCSDS_MAX_PACKET_LEN, 2046, 3, 0);
    assert_int_equal(buf[4], 0xFF);
    assert_int_equal(buf[5], 0xFF);
    size_t plen = 0;
    assert_int_equal(ilrs_ccsds_packet_check(buf, ILRS_CCSDS_MAX_PACKET_LEN, &plen), 0);
    assert_int_equal(plen, 65542);
    assert_int_equal(ilrs_ccsds_packet_check(buf, ILRS_CCSDS_MAX_PACKET_LEN - 1u, &plen),
                     ILRS_ECCSDS_LENGTH);
    free(buf);
}

static void packet_check_idle_packet(void **state)
{
    (void)state;
    uint8_t buf[20];
    make_packet(buf, 20, 2047, 3, 0);
    size_t plen = 0;
    assert_int_equal(ilrs_ccsds_packet_check(buf, sizeof buf, &plen), ILRS_ECCSDS_IDLE);
    assert_int_equal(plen, 20); /* so a walker can skip it */
    make_packet(buf, 20, 2047, 3, 1);
    assert_int_equal(ilrs_ccsds_packet_check(buf, sizeof buf, &plen), ILRS_ECCSDS_SECHDR);
    assert_int_equal(plen, 20);
}

static void packet_check_segmented_flags(void **state)
{
    (void)state;
    uint8_t buf[16];
    for (unsigned flags = 0; flags < 3; flags++) {
        make_packet(buf, 16, 77, flags, 1);
        size_t plen = 0;
        assert_int_equal(ilrs_ccsds_packet_check(buf, sizeof buf, &plen), ILRS_ECCSDS_SEQFLAGS);
        assert_int_equal(plen, 16);
        ilrs_ccsds_primary_t hdr; /* the plain decoder accepts every flag value */
        assert_int_equal(ilrs_ccsds_primary_decode(buf, sizeof buf, &hdr), 0);
        assert_int_equal(hdr.seq_flags, flags);
    }
}

static void packet_check_walks_concatenated(void **state)
{
    (void)state;
    static const size_t sizes[] = {7, 12, 1024, 9, 300, 64};
    static const unsigned apids[] = {1, 2047, 3, 4, 5, 6};
    uint8_t stream[7 + 12 + 1024 + 9 + 300 + 64];
    size_t off = 0;
    for (size_t i = 0; i < 6; i++) {
        make_packet(stream + off, sizes[i], apids[i], 3, 0);
        off += sizes[i];
    }
    assert_int_equal(off, sizeof stream);
    size_t walked = 0, count = 0, idle = 0;
    while (walked < sizeof stream) {
        size_t plen = 0;
        int rc = ilrs_ccsds_packet_check(stream + walked, sizeof stream - walked, &plen);
        assert_true(rc == 0 || rc == ILRS_ECCSDS_IDLE);
        idle += rc == ILRS_ECCSDS_IDLE;
        assert_int_equal(plen, sizes[count]);
        assert_int_equal(ilrs_ccsds_get_apid(stream + walked), apids[count]);
        walked += plen;
        count++;
    }
    assert_int_equal(count, 6);
    assert_int_equal(idle, 1);
    /* Cut the stream inside the last packet: the walker stops with LENGTH. */
    size_t plen = 0;
    assert_int_equal(ilrs_ccsds_packet_check(stream + sizeof stream - 64, 63, &plen),
                     ILRS_ECCSDS_LENGTH);
}

static void set_seq_count_keeps_flags(void **state)
{
    (void)state;
    uint8_t buf[6];
    for (unsigned flags = 0; flags <= 3; flags++) {
        expected_octets(1, 1, 2000, flags, 0, 5, buf);
        ilrs_ccsds_set_seq_count(buf, 16383);
        assert_int_equal(ilrs_ccsds_get_seq_count(buf), 16383);
        assert_int_equal(buf[2] >> 6, flags);
        ilrs_ccsds_set_seq_count(buf, 16384 + 5); /* only 14 bits are kept */
        assert_int_equal(ilrs_ccsds_get_seq_count(buf), 5);
        assert_int_equal(buf[2] >> 6, flags);
        assert_int_equal(ilrs_ccsds_get_apid(buf), 2000);
    }
}

static void error_names_of_the_block(void **state)
{
    (void)state;
    assert_string_equal(ilrs_errname(ILRS_ECCSDS_DUPLICATE), "ILRS_ECCSDS_DUPLICATE");
    assert_int_equal(ILRS_ECCSDS_DUPLICATE, -109);
    assert_string_equal(ilrs_errname(ILRS_ECCSDS_IDLE), "ILRS_ECCSDS_IDLE");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(primary_roundtrip_all_apids_and_edges),
    cmocka_unit_test(primary_encode_rejects_bad_fields),
    cmocka_unit_test(primary_decode_truncated_every_length),
    cmocka_unit_test(primary_decode_bad_version),
    cmocka_unit_test(packet_check_minimum_packet),
    cmocka_unit_test(packet_check_truncated_every_length),
    cmocka_unit_test(packet_check_largest_packet),
    cmocka_unit_test(packet_check_idle_packet),
    cmocka_unit_test(packet_check_segmented_flags),
    cmocka_unit_test(packet_check_walks_concatenated),
    cmocka_unit_test(set_seq_count_keeps_flags),
    cmocka_unit_test(error_names_of_the_block),
};
ILRS_TEST_MAIN(tests)
