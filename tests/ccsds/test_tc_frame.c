// SPDX-License-Identifier: Apache-2.0
// TC Space Data Link Protocol (CCSDS 232.0-B-4): the frame codec against the bit
// layout of §4.1.2 (figure 4-2), round trips of every frame type and length,
// each decode and encode error, FECF error detection, the COP-1 control commands
// (232.1-B-2, Unlock and Set V(R)) and the CLCW (232.0-B-4 §4.2).
#include <stdlib.h>

#include <ilrs/ccsds.h>

#include "ilrs_test.h"

static const ilrs_ccsds_tc_config_t TC = {.scid = 0x2A5, .has_fecf = true};

static void tc_frame_header_layout(void **state)
{
    (void)state;
    uint8_t data[3] = {0xAA, 0xBB, 0xCC}, buf[16];
    ilrs_ccsds_tc_frame_t f = {
        .vcid = 0x2D, .bypass = true, .control = false, .seq = 0x9C, .data = data, .data_len = 3};
    size_t n = 0;
    assert_int_equal(ilrs_ccsds_tc_frame_encode(&TC, &f, buf, sizeof buf, &n), 0);
    assert_int_equal(n, 10);
    /* TFVN 00 | bypass 1 | control 0 | spare 00 | SCID 10 bits. */
    unsigned w0 = (0u << 14) | (1u << 13) | (0u << 12) | (0u << 10) | 0x2A5u;
    /* VCID 6 bits | frame length - 1 (10 bits). */
    unsigned w1 = (0x2Du << 10) | (10u - 1u);
    uint8_t want[10] = {(uint8_t)(w0 >> 8),
                        (uint8_t)w0,
                        (uint8_t)(w1 >> 8),
                        (uint8_t)w1,
                        0x9C,
                        0xAA,
                        0xBB,
                        0xCC,
                        0,
                        0};
    uint16_t crc = ilrs_crc16_ccitt(ILRS_CRC16_CCITT_INIT, want, 8);
    want[8] = (uint8_t)(crc >> 8);
    want[9] = (uint8_t)crc;
    assert_memory_equal(buf, want, 10);
    ilrs_ccsds_tc_frame_t g;
    assert_int_equal(ilrs_ccsds_tc_frame_decode(&TC, buf, 10, &g), 0);
    assert_int_equal(g.scid, 0x2A5);
    assert_int_equal(g.vcid, 0x2D);
    assert_true(g.bypass);
    assert_false(g.control);
    assert_int_equal(g.seq, 0x9C);
    assert_int_equal(g.data_len, 3);
    assert_ptr_equal(g.data, buf + 5);
}

static void tc_frame_roundtrip_all_types_and_lengths(void **state)
{
    (void)state;
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 21);
    uint8_t data[1024], buf[1024];
    for (unsigned fecf = 0; fecf < 2; fecf++) {
        ilrs_ccsds_tc_config_t cfg = {.scid = 0x3FF, .has_fecf = fecf != 0};
        size_t max = 1024 - 5 - (fecf ? 2u : 0u);
        for (size_t len = 1; len <= max; len++) {
            for (size_t i = 0; i < len; i++) {
                data[i] = (uint8_t)ilrs_rng_next(&rng);
            }
            unsigned type = (unsigned)(len % 3); /* 0 AD, 1 BD, 2 BC */
            ilrs_ccsds_tc_frame_t f = {.vcid = (uint8_t)(len % 64),
                                       .bypass = type != 0,
                                       .control = type == 2,
                                       .seq = (uint8_t)len,
                                       .data = data,
                                       .data_len = len};
            size_t n = 0;
            assert_int_equal(ilrs_ccsds_tc_frame_encode(&cfg, &f, buf, sizeof buf, &n), 0);
            assert_int_equal(n, 5 + len + (fecf ? 2u : 0u));
            ilrs_ccsds_tc_frame_t g;
            assert_int_equal(ilrs_ccsds_tc_frame_decode(&cfg, buf, n, &g), 0);
            assert_int_equal(g.vcid, f.vcid);
            assert_int_equal(g.bypass, f.bypass);
            assert_int_equal(g.control, f.control);
            assert_int_equal(g.seq, f.seq);
            assert_int_equal(g.data_len, len);
            assert_memory_equal(g.data, data, len);
        }
        /* One octet more does not fit in 1024. */
        ilrs_ccsds_tc_frame_t f = {.data = data, .data_len = max + 1};
        assert_int_equal(ilrs_ccsds_tc_frame_encode(&cfg, &f, buf, sizeof buf, NULL),
                         ILRS_ECCSDS_FRAME_LENGTH);
    }
}

static void reseal(uint8_t *buf, size_t len)
{
    ilrs_put_be16(buf + len - 2, ilrs_crc16_ccitt(ILRS_CRC16_CCITT_INIT, buf, len - 2));
}

static void tc_frame_decode_errors(void **state)
{
    (void)state;
    uint8_t data[20] = {1, 2, 3}, good[64], buf[64];
    ilrs_ccsds_tc_frame_t f = {.vcid = 3, .seq = 7, .data = data, .data_len = 20};
    size_t n = 0;
    assert_int_equal(ilrs_ccsds_tc_frame_encode(&TC, &f, good, sizeof good, &n), 0);
    assert_int_equal(n, 27);
    ilrs_ccsds_tc_frame_t g;
    /* Length: under header + 1 + FECF at every length, and disagreeing with the field. */
    for (size_t len = 0; len < 8; len++) {
        assert_int_equal(ilrs_ccsds_tc_frame_decode(&TC, good, len, &g), ILRS_ECCSDS_FRAME_LENGTH);
    }
    assert_int_equal(ilrs_ccsds_tc_frame_decode(&TC, good, 26, &g), ILRS_ECCSDS_FRAME_LENGTH);
    assert_int_equal(ilrs_ccsds_tc_frame_decode(&TC, good, 28, &g), ILRS_ECCSDS_FRAME_LENGTH);
    assert_int_equal(ilrs_ccsds_tc_frame_decode(&TC, good, 1025, &g), ILRS_ECCSDS_FRAME_LENGTH);
    assert_int_equal(ilrs_ccsds_tc_frame_decode(NULL, good, 27, &g), ILRS_EINVAL);
    assert_int_equal(ilrs_ccsds_tc_frame_decode(&TC, good, 27, NULL), ILRS_EINVAL);
    /* FECF: every single-bit error. */
    for (size_t bit = 0; bit < 27 * 8; bit++) {
        memcpy(buf, good, 27);
        buf[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
        int rc = ilrs_ccsds_tc_frame_decode(&TC, buf, 27, &g);
        /* a flip in the length field is caught as a length error first */
        if (bit >= 22 && bit < 32) {
            assert_int_equal(rc, ILRS_ECCSDS_FRAME_LENGTH);
        } else {
            assert_int_equal(rc, ILRS_ECRC);
        }
    }
    for (unsigned v = 1; v < 4; v++) {
        memcpy(buf, good, 27);
        buf[0] = (uint8_t)((buf[0] & 0x3Fu) | (v << 6));
        reseal(buf, 27);
        assert_int_equal(ilrs_ccsds_tc_frame_decode(&TC, buf, 27, &g), ILRS_ECCSDS_TFVN);
    }
    for (unsigned spare = 1; spare < 4; spare++) {
        memcpy(buf, good, 27);
        buf[0] = (uint8_t)(buf[0] | (spare << 2));
        reseal(buf, 27);
        assert_int_equal(ilrs_ccsds_tc_frame_decode(&TC, buf, 27, &g), ILRS_ECCSDS_FRAME_FLAGS);
    }
    memcpy(buf, good, 27);
    buf[0] |= 0x10; /* control command flag without bypass: reserved '01' */
    reseal(buf, 27);
    assert_int_equal(ilrs_ccsds_tc_frame_decode(&TC, buf, 27, &g), ILRS_ECCSDS_FRAME_FLAGS);
    memcpy(buf, good, 27);
    buf[1] ^= 0x01; /* SCID 0x2A4 */
    reseal(buf, 27);
    assert_int_equal(ilrs_ccsds_tc_frame_decode(&TC, buf, 27, &g), ILRS_ECCSDS_SCID);
    assert_int_equal(g.scid, 0x2A4);
    assert_int_equal(g.vcid, 3);
}

static void tc_frame_encode_errors(void **state)
{
    (void)state;
    uint8_t data[4] = {0}, buf[32];
    memset(buf, 0xEE, sizeof buf);
    size_t n = 99;
    ilrs_ccsds_tc_frame_t f = {.vcid = 64, .data = data, .data_len = 4};
    assert_int_equal(ilrs_ccsds_tc_frame_encode(&TC, &f, buf, sizeof buf, &n), ILRS_ECCSDS_VCID);
    assert_int_equal(n, 0);
    f.vcid = 1;
    f.control = true;
    assert_int_equal(ilrs_ccsds_tc_frame_encode(&TC, &f, buf, sizeof buf, &n),
                     ILRS_ECCSDS_FRAME_FLAGS);
    f.control = false;
    f.data_len = 0;
    assert_int_equal(ilrs_ccsds_tc_frame_encode(&TC, &f, buf, sizeof buf, &n),
                     ILRS_ECCSDS_FRAME_LENGTH);
    f.data_len = 4;
    assert_int_equal(ilrs_ccsds_tc_frame_encode(&TC, &f, buf, 10, &n), ILRS_ECCSDS_TOOSMALL);
    ilrs_ccsds_tc_config_t bad = {.scid = 1024, .has_fecf = true};
    assert_int_equal(ilrs_ccsds_tc_frame_encode(&bad, &f, buf, sizeof buf, &n), ILRS_EINVAL);
    for (size_t i = 0; i < sizeof buf; i++) {
        assert_int_equal(buf[i], 0xEE);
    }
    assert_int_equal(ilrs_ccsds_tc_frame_encode(&TC, &f, buf, 11, &n), 0);
    assert_int_equal(n, 11);
}

static void tc_control_commands(void **state)
{
    (void)state;
    uint8_t buf[4];
    size_t n = 0;
    int cmd = 0;
    uint8_t vr = 0;
    assert_int_equal(ilrs_ccsds_tc_control_encode(ILRS_CCSDS_TC_UNLOCK, 0, buf, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(buf[0], 0x00);
    assert_int_equal(ilrs_ccsds_tc_control_decode(buf, 1, &cmd, &vr), 0);
    assert_int_equal(cmd, ILRS_CCSDS_TC_UNLOCK);
    for (unsigned v = 0; v < 256; v++) {
        assert_int_equal(ilrs_ccsds_tc_control_encode(ILRS_CCSDS_TC_SET_VR, (uint8_t)v, buf, 4, &n),
                         0);
        assert_int_equal(n, 3);
        uint8_t want[3] = {0x82, 0x00, (uint8_t)v};
        assert_memory_equal(buf, want, 3);
        assert_int_equal(ilrs_ccsds_tc_control_decode(buf, 3, &cmd, &vr), 0);
        assert_int_equal(cmd, ILRS_CCSDS_TC_SET_VR);
        assert_int_equal(vr, v);
    }
    assert_int_equal(ilrs_ccsds_tc_control_encode(ILRS_CCSDS_TC_SET_VR, 1, buf, 2, &n),
                     ILRS_ECCSDS_TOOSMALL);
    assert_int_equal(ilrs_ccsds_tc_control_encode(7, 1, buf, 4, &n), ILRS_EINVAL);
    /* Malformed: wrong lengths, wrong octets. */
    uint8_t bad1[] = {0x01};
    uint8_t bad2[] = {0x00, 0x00};
    uint8_t bad3[] = {0x82, 0x01, 0x05};
    uint8_t bad4[] = {0x83, 0x00, 0x05};
    uint8_t bad5[] = {0x82, 0x00};
    assert_int_equal(ilrs_ccsds_tc_control_decode(bad1, 1, &cmd, &vr), ILRS_ECCSDS_TC_CONTROL);
    assert_int_equal(cmd, 0);
    assert_int_equal(ilrs_ccsds_tc_control_decode(bad2, 2, &cmd, &vr), ILRS_ECCSDS_TC_CONTROL);
    assert_int_equal(ilrs_ccsds_tc_control_decode(bad3, 3, &cmd, &vr), ILRS_ECCSDS_TC_CONTROL);
    assert_int_equal(ilrs_ccsds_tc_control_decode(bad4, 3, &cmd, &vr), ILRS_ECCSDS_TC_CONTROL);
    assert_int_equal(ilrs_ccsds_tc_control_decode(bad5, 2, &cmd, &vr), ILRS_ECCSDS_TC_CONTROL);
    assert_int_equal(ilrs_ccsds_tc_control_decode(buf, 0, &cmd, &vr), ILRS_ECCSDS_TC_CONTROL);
}

static void clcw_layout_and_roundtrip(void **state)
{
    (void)state;
    ilrs_ccsds_clcw_t c = {.status = 5,
                           .vcid = 0x2B,
                           .no_rf = true,
                           .no_bitlock = false,
                           .lockout = true,
                           .wait = false,
                           .retransmit = true,
                           .farm_b = 2,
                           .report_value = 0xC3};
    uint32_t w = 1;
    assert_int_equal(ilrs_ccsds_clcw_encode(&c, &w), 0);
    /* Figure 4-7, bit 0 first: type 0 | version 00 | status 3 | COP 01 | VCID 6 |
     * spare 00 | no RF | no bit lock | lockout | wait | retransmit | FARM-B 2 | spare | N(R) 8. */
    uint32_t want = (0u << 31) | (0u << 29) | (5u << 26) | (1u << 24) | (0x2Bu << 18) | (0u << 16) |
                    (1u << 15) | (0u << 14) | (1u << 13) | (0u << 12) | (1u << 11) | (2u << 9) |
                    (0u << 8) | 0xC3u;
    assert_int_equal(w, want);
    /* Every combination of flags and counter, a few VCIDs and report values. */
    for (unsigned bits = 0; bits < 128; bits++) {
        for (unsigned v = 0; v < 64; v += 21) {
            ilrs_ccsds_clcw_t in = {.status = (uint8_t)(bits & 7u),
                                    .vcid = (uint8_t)v,
                                    .no_rf = (bits >> 3) & 1u,
                                    .no_bitlock = (bits >> 4) & 1u,
                                    .lockout = (bits >> 5) & 1u,
                                    .wait = (bits >> 6) & 1u,
                                    .retransmit = (bits & 1u) != 0,
                                    .farm_b = (uint8_t)(bits % 4),
                                    .report_value = (uint8_t)(bits * 3u + v)};
            ilrs_ccsds_clcw_t out;
            assert_int_equal(ilrs_ccsds_clcw_encode(&in, &w), 0);
            assert_int_equal(ilrs_ccsds_clcw_decode(w, &out), 0);
            assert_memory_equal(&in, &out, sizeof in);
        }
    }
    /* Decode errors: control word type 1, version != 0, COP in effect != 1, spares. */
    ilrs_ccsds_clcw_t out;
    const uint32_t bad[] = {want | (1u << 31),  want | (1u << 29), want | (2u << 29),
                            want & ~(1u << 24), want | (1u << 25), want | (1u << 16),
                            want | (1u << 17),  want | (1u << 8)};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(ilrs_ccsds_clcw_decode(bad[i], &out), ILRS_ECCSDS_CLCW);
        assert_int_equal(out.report_value, 0xC3); /* filled for diagnostics */
    }
    /* Encode range errors. */
    ilrs_ccsds_clcw_t r = c;
    r.status = 8;
    assert_int_equal(ilrs_ccsds_clcw_encode(&r, &w), ILRS_ERANGE);
    assert_int_equal(w, 0);
    r = c;
    r.vcid = 64;
    assert_int_equal(ilrs_ccsds_clcw_encode(&r, &w), ILRS_ERANGE);
    r = c;
    r.farm_b = 4;
    assert_int_equal(ilrs_ccsds_clcw_encode(&r, &w), ILRS_ERANGE);
    assert_int_equal(ilrs_ccsds_clcw_encode(NULL, &w), ILRS_EINVAL);
    assert_int_equal(ilrs_ccsds_clcw_decode(0, NULL), ILRS_EINVAL);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(tc_frame_header_layout),
    cmocka_unit_test(tc_frame_roundtrip_all_types_and_lengths),
    cmocka_unit_test(tc_frame_decode_errors),
    cmocka_unit_test(tc_frame_encode_errors),
    cmocka_unit_test(tc_control_commands),
    cmocka_unit_test(clcw_layout_and_roundtrip),
};
ILRS_TEST_MAIN(tests)
