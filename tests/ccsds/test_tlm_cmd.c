// SPDX-License-Identifier: Apache-2.0
// ilrs packet conventions (docs/ccsds.md): telemetry header with CUC 4+2 time,
// command header with function code and the cFE-style XOR checksum. Expected
// octets are assembled here from the documented layout, not from the codec.
#include <ilrs/ccsds.h>
#include <stdlib.h>

#include "ilrs_test.h"

#define NS INT64_C(1000000000)

static void tlm_init_layout(void **state)
{
    (void)state;
    uint8_t buf[1024];
    memset(buf, 0xEE, sizeof buf);
    /* 1000 s + 0.75 s: coarse 0x000003E8, fine 0.75 * 65536 = 0xC000 */
    ilrs_tai_t t = 1000 * NS + 750000000;
    assert_int_equal(ilrs_ccsds_tlm_init(buf, sizeof buf, 0x123, 1024, t), 0);
    const uint8_t want[12] = {0x09, 0x23, /* type 0, sec hdr 1, APID 0x123 */
                              0xC0, 0x00, /* unsegmented, count 0 */
                              0x03, 0xF9, /* 1024 - 7 = 1017 */
                              0x00, 0x00, 0x03, 0xE8, 0xC0, 0x00};
    assert_memory_equal(buf, want, sizeof want);
    assert_int_equal(buf[12], 0xEE); /* user data untouched */
    ilrs_tai_t back = 0;
    assert_int_equal(ilrs_ccsds_tlm_get_time(buf, sizeof buf, &back), 0);
    assert_int_equal(back, t);
    size_t plen;
    assert_int_equal(ilrs_ccsds_packet_check(buf, sizeof buf, &plen), 0);
    assert_int_equal(plen, 1024);
}

static void tlm_time_roundtrip_edges(void **state)
{
    (void)state;
    const ilrs_tai_t last = (INT64_C(1) << 32) * NS - 1;
    const ilrs_tai_t times[] = {0, 1, 15258, 15259, NS - 1, NS, 2 * NS + 1, last};
    uint8_t buf[64];
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        for (unsigned apid = 0; apid < 2047; apid += 89) {
            assert_int_equal(ilrs_ccsds_tlm_init(buf, sizeof buf, (uint16_t)apid, 12 + i, times[i]),
                             0);
            ilrs_tai_t back;
            assert_int_equal(ilrs_ccsds_tlm_get_time(buf, sizeof buf, &back), 0);
            assert_true(back <= times[i]);
            assert_true(times[i] - back <= 15258); /* 2^-16 s = 15258.79 ns */
            assert_int_equal(ilrs_ccsds_get_apid(buf), apid);
            /* set_time rewrites only the time */
            ilrs_tai_t other = times[(i + 3) % 8];
            assert_int_equal(ilrs_ccsds_tlm_set_time(buf, sizeof buf, other), 0);
            assert_int_equal(ilrs_ccsds_tlm_get_time(buf, sizeof buf, &back), 0);
            assert_true(back <= other && other - back <= 15258);
            assert_int_equal(ilrs_ccsds_get_total_length(buf), 12 + i);
        }
    }
}

static void tlm_init_errors(void **state)
{
    (void)state;
    uint8_t buf[64], sentinel[64];
    memset(sentinel, 0x3C, sizeof sentinel);
    struct {
        size_t cap;
        unsigned apid;
        size_t len;
        ilrs_tai_t t;
        int want;
    } cases[] = {
        {64, 2048, 64, 0, ILRS_ECCSDS_APID},
        {64, 0xFFFF, 64, 0, ILRS_ECCSDS_APID},
        {64, 2047, 64, 0, ILRS_ECCSDS_IDLE},
        {64, 1, 65543, 0, ILRS_ECCSDS_TOOBIG},
        {64, 1, 11, 0, ILRS_ECCSDS_TOOSMALL},
        {64, 1, 0, 0, ILRS_ECCSDS_TOOSMALL},
        {63, 1, 64, 0, ILRS_ECCSDS_TOOSMALL},
        {64, 1, 64, -1, ILRS_ERANGE},
        {64, 1, 64, (INT64_C(1) << 32) * NS, ILRS_ERANGE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(buf, sentinel, sizeof buf);
        assert_int_equal(ilrs_ccsds_tlm_init(buf, cases[i].cap, (uint16_t)cases[i].apid,
                                             cases[i].len, cases[i].t),
                         cases[i].want);
        assert_memory_equal(buf, sentinel, sizeof buf);
    }
    assert_int_equal(ilrs_ccsds_tlm_init(NULL, 64, 1, 64, 0), ILRS_EINVAL);
}

static void tlm_largest_packet(void **state)
{
    (void)state;
    uint8_t *buf = calloc(1, ILRS_CCSDS_MAX_PACKET_LEN);
    assert_non_null(buf);
    assert_int_equal(
        ilrs_ccsds_tlm_init(buf, ILRS_CCSDS_MAX_PACKET_LEN, 5, ILRS_CCSDS_MAX_PACKET_LEN, 3 * NS),
        0);
    assert_int_equal(ilrs_ccsds_get_total_length(buf), ILRS_CCSDS_MAX_PACKET_LEN);
    ilrs_tai_t t;
    assert_int_equal(ilrs_ccsds_tlm_get_time(buf, ILRS_CCSDS_MAX_PACKET_LEN, &t), 0);
    assert_int_equal(t, 3 * NS);
    free(buf);
}

static void tlm_get_time_rejects(void **state)
{
    (void)state;
    uint8_t buf[32];
    ilrs_tai_t t = 5;
    assert_int_equal(ilrs_ccsds_tlm_init(buf, sizeof buf, 10, 32, 9 * NS), 0);
    for (size_t len = 0; len < 32; len++) {
        int want = len < 6 ? ILRS_ECCSDS_TOOSMALL : ILRS_ECCSDS_LENGTH;
        assert_int_equal(ilrs_ccsds_tlm_get_time(buf, len, &t), want);
        assert_int_equal(t, 0);
        assert_int_equal(ilrs_ccsds_tlm_set_time(buf, len, NS), want);
    }
    /* a command is not telemetry */
    uint8_t cmd[32];
    assert_int_equal(ilrs_ccsds_cmd_init(cmd, sizeof cmd, 10, 1, 32), 0);
    assert_int_equal(ilrs_ccsds_tlm_get_time(cmd, sizeof cmd, &t), ILRS_ETYPE);
    /* secondary header flag clear */
    uint8_t nosec[32];
    memcpy(nosec, buf, sizeof nosec);
    nosec[0] &= (uint8_t)~0x08u;
    assert_int_equal(ilrs_ccsds_tlm_get_time(nosec, sizeof nosec, &t), ILRS_ECCSDS_SECHDR);
    /* length field says 11 octets: too short for the time */
    uint8_t shortpkt[32];
    memcpy(shortpkt, buf, sizeof shortpkt);
    shortpkt[4] = 0;
    shortpkt[5] = 4;
    assert_int_equal(ilrs_ccsds_tlm_get_time(shortpkt, sizeof shortpkt, &t), ILRS_ECCSDS_SECHDR);
    assert_int_equal(ilrs_ccsds_tlm_set_time(shortpkt, sizeof shortpkt, NS), ILRS_ECCSDS_SECHDR);
    /* segmented and bad version are caught by the packet check */
    uint8_t seg[32];
    memcpy(seg, buf, sizeof seg);
    seg[2] &= 0x3Fu;
    assert_int_equal(ilrs_ccsds_tlm_get_time(seg, sizeof seg, &t), ILRS_ECCSDS_SEQFLAGS);
    uint8_t ver[32];
    memcpy(ver, buf, sizeof ver);
    ver[0] |= 0x20u;
    assert_int_equal(ilrs_ccsds_tlm_get_time(ver, sizeof ver, &t), ILRS_ECCSDS_VERSION);
    /* set_time out of range leaves the packet alone */
    uint8_t copy[32];
    memcpy(copy, buf, sizeof copy);
    assert_int_equal(ilrs_ccsds_tlm_set_time(buf, sizeof buf, -5), ILRS_ERANGE);
    assert_memory_equal(copy, buf, sizeof buf);
    assert_int_equal(ilrs_ccsds_tlm_get_time(buf, sizeof buf, NULL), ILRS_EINVAL);
    assert_int_equal(ilrs_ccsds_tlm_get_time(NULL, 32, &t), ILRS_EINVAL);
}

/* The checksum worked by hand: APID 0x010, function code 3, 8 octets:
 * 18 10 C0 00 00 01 03 cs; 18^10^C0^00^00^01^03 = CA, so cs = CA^FF = 35. */
static void cmd_checksum_known_value(void **state)
{
    (void)state;
    uint8_t buf[8];
    assert_int_equal(ilrs_ccsds_cmd_init(buf, sizeof buf, 0x010, 3, 8), 0);
    const uint8_t before[8] = {0x18, 0x10, 0xC0, 0x00, 0x00, 0x01, 0x03, 0x00};
    assert_memory_equal(buf, before, 8);
    ilrs_ccsds_cmd_seal(buf, sizeof buf);
    assert_int_equal(buf[7], 0x35);
    uint8_t fc = 0;
    assert_int_equal(ilrs_ccsds_cmd_check(buf, sizeof buf, &fc), 0);
    assert_int_equal(fc, 3);
}

static void cmd_seal_then_check_every_length(void **state)
{
    (void)state;
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 7);
    uint8_t buf[600];
    for (size_t len = 8; len <= sizeof buf; len++) {
        uint16_t apid = (uint16_t)ilrs_rng_below(&rng, 2047);
        uint8_t code = (uint8_t)ilrs_rng_below(&rng, 256);
        assert_int_equal(ilrs_ccsds_cmd_init(buf, sizeof buf, apid, code, len), 0);
        uint8_t x = 0;
        for (size_t i = 8; i < len; i++) {
            buf[i] = (uint8_t)ilrs_rng_next(&rng);
        }
        ilrs_ccsds_cmd_seal(buf, sizeof buf); /* trailing octets are not part of it */
        for (size_t i = 0; i < len; i++) {
            x ^= buf[i];
        }
        assert_int_equal(x, 0xFF);
        uint8_t fc = 0;
        assert_int_equal(ilrs_ccsds_cmd_check(buf, sizeof buf, &fc), 0);
        assert_int_equal(fc, code);
        assert_int_equal(ilrs_ccsds_cmd_check(buf, len, NULL), 0);
    }
}

/* An XOR checksum catches every single-bit error. */
static void cmd_check_detects_every_bit_flip(void **state)
{
    (void)state;
    uint8_t buf[40];
    assert_int_equal(ilrs_ccsds_cmd_init(buf, sizeof buf, 300, 0x42, 40), 0);
    for (size_t i = 8; i < 40; i++) {
        buf[i] = (uint8_t)(i * 13u);
    }
    ilrs_ccsds_cmd_seal(buf, sizeof buf);
    for (size_t bit = 0; bit < 40 * 8; bit++) {
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        uint8_t fc = 9;
        int rc = ilrs_ccsds_cmd_check(buf, sizeof buf, &fc);
        assert_int_not_equal(rc, 0);
        assert_int_equal(fc, 0);
        if (bit / 8 >= 6) {
            assert_int_equal(rc, ILRS_ECRC); /* header intact: only the sum can tell */
        }
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    assert_int_equal(ilrs_ccsds_cmd_check(buf, sizeof buf, NULL), 0);
}

static void cmd_check_rejects(void **state)
{
    (void)state;
    uint8_t buf[16];
    uint8_t fc = 1;
    assert_int_equal(ilrs_ccsds_cmd_init(buf, sizeof buf, 9, 2, 16), 0);
    ilrs_ccsds_cmd_seal(buf, sizeof buf);
    for (size_t len = 0; len < 16; len++) {
        int want = len < 6 ? ILRS_ECCSDS_TOOSMALL : ILRS_ECCSDS_LENGTH;
        assert_int_equal(ilrs_ccsds_cmd_check(buf, len, &fc), want);
        assert_int_equal(fc, 0);
    }
    /* telemetry is not a command */
    uint8_t tlm[16];
    assert_int_equal(ilrs_ccsds_tlm_init(tlm, sizeof tlm, 9, 16, 0), 0);
    assert_int_equal(ilrs_ccsds_cmd_check(tlm, sizeof tlm, &fc), ILRS_ETYPE);
    /* secondary header flag clear (resealed so only the flag is wrong) */
    uint8_t nosec[16];
    memcpy(nosec, buf, sizeof nosec);
    nosec[0] &= (uint8_t)~0x08u;
    ilrs_ccsds_cmd_seal(nosec, sizeof nosec);
    assert_int_equal(ilrs_ccsds_cmd_check(nosec, sizeof nosec, &fc), ILRS_ECCSDS_SECHDR);
    /* a 7-octet command has no room for its secondary header */
    uint8_t tiny[7] = {0x18, 0x09, 0xC0, 0x00, 0x00, 0x00, 0x02};
    assert_int_equal(ilrs_ccsds_cmd_check(tiny, sizeof tiny, &fc), ILRS_ECCSDS_SECHDR);
    ilrs_ccsds_cmd_seal(tiny, sizeof tiny); /* under 8 octets: left alone */
    assert_int_equal(tiny[6], 0x02);
    /* idle APID */
    uint8_t idle[16];
    memcpy(idle, buf, sizeof idle);
    idle[0] |= 0x07u;
    idle[1] = 0xFF;
    assert_int_equal(ilrs_ccsds_cmd_check(idle, sizeof idle, &fc), ILRS_ECCSDS_SECHDR);
    idle[0] &= (uint8_t)~0x08u;
    assert_int_equal(ilrs_ccsds_cmd_check(idle, sizeof idle, &fc), ILRS_ECCSDS_IDLE);
    assert_int_equal(ilrs_ccsds_cmd_check(NULL, 16, &fc), ILRS_EINVAL);
}

static void cmd_init_errors(void **state)
{
    (void)state;
    uint8_t buf[16], sentinel[16];
    memset(sentinel, 0x77, sizeof sentinel);
    struct {
        size_t cap;
        unsigned apid;
        size_t len;
        int want;
    } cases[] = {
        {16, 2048, 16, ILRS_ECCSDS_APID},   {16, 2047, 16, ILRS_ECCSDS_IDLE},
        {16, 1, 65543, ILRS_ECCSDS_TOOBIG}, {16, 1, 7, ILRS_ECCSDS_TOOSMALL},
        {15, 1, 16, ILRS_ECCSDS_TOOSMALL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(buf, sentinel, sizeof buf);
        assert_int_equal(
            ilrs_ccsds_cmd_init(buf, cases[i].cap, (uint16_t)cases[i].apid, 1, cases[i].len),
            cases[i].want);
        assert_memory_equal(buf, sentinel, sizeof buf);
    }
    assert_int_equal(ilrs_ccsds_cmd_init(NULL, 16, 1, 1, 16), ILRS_EINVAL);
    /* the smallest command: header only */
    assert_int_equal(ilrs_ccsds_cmd_init(buf, 8, 2046, 0xFF, 8), 0);
    ilrs_ccsds_cmd_seal(buf, 8);
    uint8_t fc = 0;
    assert_int_equal(ilrs_ccsds_cmd_check(buf, 8, &fc), 0);
    assert_int_equal(fc, 0xFF);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(tlm_init_layout),
    cmocka_unit_test(tlm_time_roundtrip_edges),
    cmocka_unit_test(tlm_init_errors),
    cmocka_unit_test(tlm_largest_packet),
    cmocka_unit_test(tlm_get_time_rejects),
    cmocka_unit_test(cmd_checksum_known_value),
    cmocka_unit_test(cmd_seal_then_check_every_length),
    cmocka_unit_test(cmd_check_detects_every_bit_flip),
    cmocka_unit_test(cmd_check_rejects),
    cmocka_unit_test(cmd_init_errors),
};
ILRS_TEST_MAIN(tests)
