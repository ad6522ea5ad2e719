// SPDX-License-Identifier: Apache-2.0
// CUC time (CCSDS 301.0-B-4 §3.2): known instants with expectations computed here
// from calendar arithmetic (ERFA's eraCal2jd, independent of the code under test),
// P-field variants, truncation at every length, range limits, the exact rounding
// rules (encode truncates, decode rounds up to the ns) checked by their defining
// inequalities, and field round trips over every fine value.
#include <erfa.h>
#include <ilrs/ccsds.h>

#include "ilrs_test.h"

#define NS INT64_C(1000000000)

/* Seconds from 1958-01-01T00:00:00 to y-m-d T00:00:00 on the TAI time scale
 * (TAI has no leap seconds, so this is days times 86400). */
static int64_t tai_seconds_since_1958(int y, int m, int d)
{
    double djm0, mjd, mjd1958;
    assert_int_equal(eraCal2jd(y, m, d, &djm0, &mjd), 0);
    assert_int_equal(eraCal2jd(1958, 1, 1, &djm0, &mjd1958), 0);
    return (int64_t)(mjd - mjd1958) * 86400;
}

static const ilrs_ccsds_cuc_format_t fmt_4_2 = {4, 2};

static void cuc_epoch_is_coarse_zero(void **state)
{
    (void)state;
    uint8_t buf[8];
    size_t written = 0;
    assert_int_equal(ilrs_ccsds_cuc_encode(0, fmt_4_2, false, buf, sizeof buf, &written), 0);
    assert_int_equal(written, 6);
    static const uint8_t zero[6] = {0};
    assert_memory_equal(buf, zero, 6);
    assert_int_equal(tai_seconds_since_1958(1958, 1, 1), 0);
}

static void cuc_j2000_known_value(void **state)
{
    (void)state;
    /* 2000-01-01T00:00:32 TAI (that is 2000-01-01T00:00:00 UTC, TAI-UTC = 32 s). */
    int64_t seconds = tai_seconds_since_1958(2000, 1, 1) + 32;
    /* 42 years with 10 leap days (1960 .. 1996): an independent cross-check. */
    assert_int_equal(seconds, (42 * 365 + 10) * INT64_C(86400) + 32);
    uint8_t buf[8];
    size_t written = 0;
    assert_int_equal(
        ilrs_ccsds_cuc_encode(seconds * NS + NS / 2, fmt_4_2, true, buf, sizeof buf, &written), 0);
    assert_int_equal(written, 7);
    uint8_t want[7] = {0x1E,
                       (uint8_t)(seconds >> 24),
                       (uint8_t)(seconds >> 16),
                       (uint8_t)(seconds >> 8),
                       (uint8_t)seconds,
                       0x80,
                       0x00};
    assert_memory_equal(buf, want, 7);
    ilrs_tai_t t = 0;
    size_t consumed = 0;
    assert_int_equal(ilrs_ccsds_cuc_decode(buf, written, NULL, &t, &consumed), 0);
    assert_int_equal(consumed, 7);
    assert_int_equal(t, seconds * NS + NS / 2); /* 0.5 s is exact in binary */
}

static void cuc_unix_epoch_and_2026(void **state)
{
    (void)state;
    static const int dates[][3] = {{1970, 1, 1}, {2026, 11, 21}, {2036, 2, 29}, {2094, 2, 6}};
    for (size_t i = 0; i < 4; i++) {
        int64_t seconds = tai_seconds_since_1958(dates[i][0], dates[i][1], dates[i][2]);
        uint8_t buf[5];
        size_t written = 0;
        ilrs_ccsds_cuc_format_t fmt = {4, 0};
        assert_int_equal(ilrs_ccsds_cuc_encode(seconds * NS, fmt, false, buf, sizeof buf, &written),
                         0);
        uint32_t coarse =
            ((uint32_t)buf[0] << 24) | ((uint32_t)buf[1] << 16) | ((uint32_t)buf[2] << 8) | buf[3];
        assert_int_equal(coarse, (uint64_t)seconds);
    }
    /* 4-octet coarse time ends 2^32 s after the epoch: 2094-02-06T06:28:16 TAI. */
    int64_t end = tai_seconds_since_1958(2094, 2, 6) + 6 * 3600 + 28 * 60 + 16;
    assert_int_equal(end, INT64_C(1) << 32);
    uint8_t buf[8];
    assert_int_equal(ilrs_ccsds_cuc_encode(end * NS - 1, fmt_4_2, false, buf, sizeof buf, NULL), 0);
    assert_int_equal(ilrs_ccsds_cuc_encode(end * NS, fmt_4_2, false, buf, sizeof buf, NULL),
                     ILRS_ERANGE);
}

static void cuc_pfield_for_every_format(void **state)
{
    (void)state;
    for (uint8_t c = 1; c <= 4; c++) {
        for (uint8_t f = 0; f <= 3; f++) {
            ilrs_ccsds_cuc_format_t fmt = {c, f};
            uint8_t buf[8];
            size_t written = 0;
            assert_int_equal(ilrs_ccsds_cuc_encode(123 * NS, fmt, true, buf, sizeof buf, &written),
                             0);
            assert_int_equal(written, 1u + c + f);
            /* extension 0, time code ID 001, coarse-1 in bits 4-5, fine in bits 6-7 */
            unsigned want = (0u << 7) | (1u << 4) | ((c - 1u) << 2) | f;
            assert_int_equal(buf[0], want);
            ilrs_tai_t t;
            size_t consumed;
            assert_int_equal(ilrs_ccsds_cuc_decode(buf, written, NULL, &t, &consumed), 0);
            assert_int_equal(t, 123 * NS);
            assert_int_equal(consumed, written);
        }
    }
    /* The ilrs telemetry format's P-field would be 0x1E (4 coarse, 2 fine). */
    uint8_t buf[8];
    assert_int_equal(ilrs_ccsds_cuc_encode(0, ILRS_CCSDS_CUC_TLM, true, buf, sizeof buf, NULL), 0);
    assert_int_equal(buf[0], 0x1E);
}

static void cuc_pfield_all_256_values(void **state)
{
    (void)state;
    unsigned accepted = 0;
    for (unsigned p = 0; p < 256; p++) {
        uint8_t buf[16] = {(uint8_t)p, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        ilrs_tai_t t = 77;
        size_t consumed = 77;
        int rc = ilrs_ccsds_cuc_decode(buf, sizeof buf, NULL, &t, &consumed);
        bool extension = (p & 0x80u) != 0;
        unsigned id = (p >> 4) & 7u;
        if (!extension && id == 1) {
            assert_int_equal(rc, 0);
            assert_int_equal(consumed, 1u + ((p >> 2) & 3u) + 1u + (p & 3u));
            accepted++;
        } else {
            assert_int_equal(rc, ILRS_ECCSDS_CUC_PFIELD);
            assert_int_equal(t, 0);
            assert_int_equal(consumed, 0);
        }
    }
    assert_int_equal(accepted, 16);
}

static void cuc_pfield_agency_epoch_and_extension(void **state)
{
    (void)state;
    uint8_t agency[7] = {0x2E, 0, 0, 0, 1, 0, 0};      /* ID 010: agency-defined epoch */
    uint8_t extended[8] = {0x9E, 0, 0, 0, 0, 1, 0, 0}; /* extension flag set */
    uint8_t cds[9] = {0x40, 0, 0, 0, 0, 0, 0, 0, 0};   /* ID 100: CDS, not CUC */
    ilrs_tai_t t;
    assert_int_equal(ilrs_ccsds_cuc_decode(agency, sizeof agency, NULL, &t, NULL),
                     ILRS_ECCSDS_CUC_PFIELD);
    assert_int_equal(ilrs_ccsds_cuc_decode(extended, sizeof extended, NULL, &t, NULL),
                     ILRS_ECCSDS_CUC_PFIELD);
    assert_int_equal(ilrs_ccsds_cuc_decode(cds, sizeof cds, NULL, &t, NULL),
                     ILRS_ECCSDS_CUC_PFIELD);
}

static void cuc_decode_truncated_every_length(void **state)
{
    (void)state;
    for (uint8_t c = 1; c <= 4; c++) {
        for (uint8_t f = 0; f <= 3; f++) {
            ilrs_ccsds_cuc_format_t fmt = {c, f};
            uint8_t buf[8];
            size_t written;
            assert_int_equal(ilrs_ccsds_cuc_encode(5 * NS, fmt, true, buf, sizeof buf, &written),
                             0);
            for (size_t len = 0; len < written; len++) {
                ilrs_tai_t t = 1;
                size_t consumed = 1;
                assert_int_equal(ilrs_ccsds_cuc_decode(buf, len, NULL, &t, &consumed),
                                 ILRS_ECCSDS_TOOSMALL);
                assert_int_equal(t, 0);
                assert_int_equal(consumed, 0);
            }
            /* implicit: the same field without its P-field */
            for (size_t len = 0; len < written - 1u; len++) {
                ilrs_tai_t t = 1;
                assert_int_equal(ilrs_ccsds_cuc_decode(buf + 1, len, &fmt, &t, NULL),
                                 ILRS_ECCSDS_TOOSMALL);
                assert_int_equal(t, 0);
            }
            ilrs_tai_t t;
            assert_int_equal(ilrs_ccsds_cuc_decode(buf + 1, written - 1u, &fmt, &t, NULL), 0);
            assert_int_equal(t, 5 * NS);
        }
    }
}

static void cuc_invalid_formats(void **state)
{
    (void)state;
    static const ilrs_ccsds_cuc_format_t bad[] = {{0, 0}, {5, 0}, {1, 4}, {0, 2}, {255, 255}};
    uint8_t buf[16] = {0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t written = 9;
        assert_int_equal(ilrs_ccsds_cuc_encode(0, bad[i], false, buf, sizeof buf, &written),
                         ILRS_EINVAL);
        assert_int_equal(written, 0);
        ilrs_tai_t t = 9;
        assert_int_equal(ilrs_ccsds_cuc_decode(buf, sizeof buf, &bad[i], &t, NULL), ILRS_EINVAL);
        assert_int_equal(t, 0);
    }
    assert_int_equal(ilrs_ccsds_cuc_encode(0, fmt_4_2, false, NULL, 8, NULL), ILRS_EINVAL);
    ilrs_tai_t t;
    assert_int_equal(ilrs_ccsds_cuc_decode(NULL, 8, &fmt_4_2, &t, NULL), ILRS_EINVAL);
    assert_int_equal(ilrs_ccsds_cuc_decode(buf, 8, &fmt_4_2, NULL, NULL), ILRS_EINVAL);
}

static void cuc_encode_range_limits(void **state)
{
    (void)state;
    for (uint8_t c = 1; c <= 4; c++) {
        for (uint8_t f = 0; f <= 3; f++) {
            ilrs_ccsds_cuc_format_t fmt = {c, f};
            int64_t limit = (INT64_C(1) << (8 * c)) * NS; /* first instant that overflows */
            uint8_t buf[8];
            size_t written = 0;
            assert_int_equal(
                ilrs_ccsds_cuc_encode(limit - 1, fmt, false, buf, sizeof buf, &written), 0);
            for (size_t i = 0; i < written; i++) {
                assert_int_equal(buf[i], 0xFF); /* every coarse and fine bit set */
            }
            memset(buf, 0x5A, sizeof buf);
            assert_int_equal(ilrs_ccsds_cuc_encode(limit, fmt, false, buf, sizeof buf, &written),
                             ILRS_ERANGE);
            assert_int_equal(written, 0);
            assert_int_equal(buf[0], 0x5A);
            assert_int_equal(ilrs_ccsds_cuc_encode(-1, fmt, false, buf, sizeof buf, &written),
                             ILRS_ERANGE);
            assert_int_equal(ilrs_ccsds_cuc_encode(INT64_MIN, fmt, true, buf, sizeof buf, &written),
                             ILRS_ERANGE);
        }
    }
    uint8_t buf[8];
    assert_int_equal(ilrs_ccsds_cuc_encode(INT64_MAX, fmt_4_2, false, buf, sizeof buf, NULL),
                     ILRS_ERANGE);
}

static void cuc_encode_buffer_too_small(void **state)
{
    (void)state;
    for (uint8_t c = 1; c <= 4; c++) {
        for (uint8_t f = 0; f <= 3; f++) {
            ilrs_ccsds_cuc_format_t fmt = {c, f};
            for (int pf = 0; pf <= 1; pf++) {
                size_t need = (size_t)pf + c + f;
                for (size_t cap = 0; cap < need; cap++) {
                    uint8_t buf[8];
                    memset(buf, 0x5A, sizeof buf);
                    size_t written = 3;
                    assert_int_equal(ilrs_ccsds_cuc_encode(1, fmt, pf != 0, buf, cap, &written),
                                     ILRS_ECCSDS_TOOSMALL);
                    assert_int_equal(written, 0);
                    assert_int_equal(buf[0], 0x5A);
                }
            }
        }
    }
}

/* Known fractions: 1/2, 1/4 and 1/256 s are exact binary fractions. */
static void cuc_known_fractions(void **state)
{
    (void)state;
    uint8_t buf[8];
    ilrs_ccsds_cuc_format_t f1 = {1, 1}, f2 = {1, 2}, f3 = {1, 3};
    assert_int_equal(ilrs_ccsds_cuc_encode(NS / 2, f1, false, buf, 8, NULL), 0);
    assert_int_equal(buf[1], 0x80);
    assert_int_equal(ilrs_ccsds_cuc_encode(NS / 4, f2, false, buf, 8, NULL), 0);
    assert_int_equal(buf[1], 0x40);
    assert_int_equal(buf[2], 0x00);
    assert_int_equal(ilrs_ccsds_cuc_encode(NS / 256, f3, false, buf, 8, NULL), 0);
    assert_int_equal(buf[1], 0x01);
    assert_int_equal(buf[2], 0x00);
    assert_int_equal(buf[3], 0x00);
    /* 1 ns is below every resolution: truncates to a zero fine field. */
    assert_int_equal(ilrs_ccsds_cuc_encode(1, f3, false, buf, 8, NULL), 0);
    assert_int_equal(buf[3], 0x00);
    /* One step of 2^-24 s is 59.6046... ns: 60 ns is one step, 59 ns none. */
    assert_int_equal(ilrs_ccsds_cuc_encode(60, f3, false, buf, 8, NULL), 0);
    assert_int_equal(buf[3], 0x01);
    assert_int_equal(ilrs_ccsds_cuc_encode(59, f3, false, buf, 8, NULL), 0);
    assert_int_equal(buf[3], 0x00);
    /* and decoding that step rounds up to 60 ns */
    uint8_t step[4] = {0, 0, 0, 1};
    ilrs_tai_t t;
    assert_int_equal(ilrs_ccsds_cuc_decode(step, 4, &f3, &t, NULL), 0);
    assert_int_equal(t, 60);
}

static uint64_t fine_of(const uint8_t *p, unsigned f)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < f; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

/* Encode truncates: fine/2^k <= ns/1e9 < (fine+1)/2^k, checked by cross-multiplying. */
static void cuc_encode_truncation_definition(void **state)
{
    (void)state;
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 2026);
    for (int i = 0; i < 200000; i++) {
        uint64_t ns = ilrs_rng_below(&rng, (uint64_t)NS);
        if (i < 4) {
            ns = (uint64_t[]){0, 1, 999999999, 500000000}[i];
        }
        for (uint8_t f = 1; f <= 3; f++) {
            ilrs_ccsds_cuc_format_t fmt = {2, f};
            uint8_t buf[8];
            assert_int_equal(ilrs_ccsds_cuc_encode(7 * NS + (int64_t)ns, fmt, false, buf, 8, NULL),
                             0);
            assert_int_equal(buf[1], 7);
            uint64_t fine = fine_of(buf + 2, f);
            uint64_t scale = UINT64_C(1) << (8 * f);
            assert_true(fine * (uint64_t)NS <= ns * scale);
            assert_true(ns * scale < (fine + 1) * (uint64_t)NS);
        }
    }
}

/* One fine value: decoding rounds up, (ns-1) < fine*1e9/2^k <= ns, and
 * re-encoding gives back the same octets. */
static void check_fine_value(uint32_t coarse, uint64_t fine, uint8_t f)
{
    uint64_t scale = UINT64_C(1) << (8 * f);
    ilrs_ccsds_cuc_format_t fmt = {1, f};
    uint8_t in[4] = {(uint8_t)coarse, 0, 0, 0};
    for (unsigned i = 0; i < f; i++) {
        in[1 + i] = (uint8_t)(fine >> (8 * (f - 1 - i)));
    }
    ilrs_tai_t t;
    size_t consumed;
    assert_int_equal(ilrs_ccsds_cuc_decode(in, 1u + f, &fmt, &t, &consumed), 0);
    assert_int_equal(consumed, 1u + f);
    uint64_t ns = (uint64_t)(t - (int64_t)coarse * NS);
    assert_true(ns < (uint64_t)NS);
    assert_true(fine * (uint64_t)NS <= ns * scale);
    assert_true(ns == 0 || (ns - 1) * scale < fine * (uint64_t)NS);
    uint8_t out[4];
    size_t written;
    assert_int_equal(ilrs_ccsds_cuc_encode(t, fmt, false, out, sizeof out, &written), 0);
    assert_int_equal(written, 1u + f);
    assert_memory_equal(out, in, written);
}

/* Every fine value of 1 and 2 octets, every 61st of 3 octets and the last. */
static void cuc_decode_rounding_and_field_roundtrip(void **state)
{
    (void)state;
    static const uint32_t coarse_edges[] = {0, 1, 0xFE, 0xFF};
    for (uint8_t f = 1; f <= 3; f++) {
        uint64_t scale = UINT64_C(1) << (8 * f);
        uint64_t stride = f == 3 ? 61 : 1;
        for (uint64_t fine = 0; fine < scale; fine += stride) {
            check_fine_value(coarse_edges[fine % 4], fine, f);
        }
        check_fine_value(0xFF, scale - 1, f);
    }
}

/* decode(encode(t)) is never later than t and less than one fine step earlier. */
static void cuc_time_roundtrip_within_resolution(void **state)
{
    (void)state;
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 58);
    for (int i = 0; i < 100000; i++) {
        ilrs_tai_t t = (ilrs_tai_t)ilrs_rng_below(&rng, (UINT64_C(1) << 32) * (uint64_t)NS);
        for (uint8_t f = 0; f <= 3; f++) {
            ilrs_ccsds_cuc_format_t fmt = {4, f};
            uint8_t buf[8];
            size_t written;
            assert_int_equal(ilrs_ccsds_cuc_encode(t, fmt, true, buf, sizeof buf, &written), 0);
            ilrs_tai_t back;
            assert_int_equal(ilrs_ccsds_cuc_decode(buf, written, NULL, &back, NULL), 0);
            int64_t step_ns = NS >> (8 * f); /* floor of the resolution in ns */
            assert_true(back <= t);
            assert_true(t - back <= step_ns); /* t - back < exact step, so <= its floor */
        }
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(cuc_epoch_is_coarse_zero),
    cmocka_unit_test(cuc_j2000_known_value),
    cmocka_unit_test(cuc_unix_epoch_and_2026),
    cmocka_unit_test(cuc_pfield_for_every_format),
    cmocka_unit_test(cuc_pfield_all_256_values),
    cmocka_unit_test(cuc_pfield_agency_epoch_and_extension),
    cmocka_unit_test(cuc_decode_truncated_every_length),
    cmocka_unit_test(cuc_invalid_formats),
    cmocka_unit_test(cuc_encode_range_limits),
    cmocka_unit_test(cuc_encode_buffer_too_small),
    cmocka_unit_test(cuc_known_fractions),
    cmocka_unit_test(cuc_encode_truncation_definition),
    cmocka_unit_test(cuc_decode_rounding_and_field_roundtrip),
    cmocka_unit_test(cuc_time_roundtrip_within_resolution),
};
ILRS_TEST_MAIN(tests)
