/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The segment codec (src/ground/ground_segment.c): exact round trips for every kind
 * and column set, the documented octet layout on a small example, and corrupt blobs
 * (every truncation, every single-octet change of the header) rejected without
 * reading out of bounds.
 */
#include <math.h>
#include <stdlib.h>

#include "ilrs_test.h"

#include "ground/ground_int.h"

static size_t encode(const ground_columns_t *c, uint8_t **out)
{
    *out = malloc(ilrs__ground_segment_bound(c));
    assert_non_null(*out);
    return ilrs__ground_segment_encode(c, *out);
}

/* Decode everything; returns the number of samples, or the error. */
static int decode_all(const uint8_t *blob, size_t len, ground_sample_view_t *views, size_t cap)
{
    ground_segment_reader_t r;
    int rc = ilrs__ground_segment_open(&r, blob, len);
    if (rc != 0) {
        return rc;
    }
    size_t n = 0;
    ground_sample_view_t v;
    while ((rc = ilrs__ground_segment_next(&r, &v)) == 1) {
        if (n < cap) {
            views[n] = v;
        }
        n++;
    }
    return rc < 0 ? rc : (int)n;
}

static void segment_roundtrip_every_kind(void **state)
{
    (void)state;
    enum { N = 500 };
    static ilrs_tai_t times[N];
    static uint64_t values[N];
    static double eng[N];
    static uint8_t limit[N], bytes[N * 3];
    static uint32_t bytes_end[N];
    static ground_sample_view_t views[N];
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 42);
    uint32_t used = 0;
    for (int i = 0; i < N; i++) {
        /* regular 1 s cadence with jitter, a backward step and extremes */
        times[i] = INT64_C(2000000000) * ILRS_NS_PER_S + i * ILRS_NS_PER_S +
                   (int64_t)ilrs_rng_below(&rng, 1000);
        values[i] = ilrs_rng_next(&rng) >> (i % 64);
        eng[i] = ilrs_rng_normal(&rng) * 1e6;
        limit[i] = (uint8_t)(i % 6);
        uint32_t len = (uint32_t)(i % 4);
        for (uint32_t k = 0; k < len; k++) {
            bytes[used + k] = (uint8_t)(i + k);
        }
        used += len;
        bytes_end[i] = used;
    }
    times[7] = times[6] - 5; /* out of order */
    times[8] = INT64_MIN;
    times[9] = INT64_MAX;
    values[10] = UINT64_MAX;
    eng[11] = NAN;
    eng[12] = -INFINITY;
    for (uint8_t kind = 0; kind <= ILRS_GROUND_KIND_BYTES; kind++) {
        for (uint8_t flags = 0; flags <= 3; flags++) {
            ground_columns_t c = {.kind = kind,
                                  .flags = flags,
                                  .count = N,
                                  .times = times,
                                  .values = values,
                                  .eng = eng,
                                  .limit = limit,
                                  .bytes = bytes,
                                  .bytes_end = bytes_end};
            uint8_t *blob;
            size_t len = encode(&c, &blob);
            assert_true(len <= ilrs__ground_segment_bound(&c));
            assert_int_equal(decode_all(blob, len, views, N), N);
            for (int i = 0; i < N; i++) {
                assert_int_equal(views[i].kind, kind);
                assert_int_equal(views[i].time, times[i]);
                if (kind != ILRS_GROUND_KIND_BYTES) {
                    assert_int_equal(views[i].value, values[i]);
                } else {
                    uint32_t start = i > 0 ? bytes_end[i - 1] : 0;
                    assert_int_equal(views[i].bytes_len, bytes_end[i] - start);
                    if (views[i].bytes_len > 0) {
                        assert_memory_equal(views[i].bytes, bytes + start, views[i].bytes_len);
                    }
                }
                assert_int_equal(views[i].has_eng, (flags & GROUND_SEG_ENG) != 0);
                if (flags & GROUND_SEG_ENG) {
                    assert_memory_equal(&views[i].eng, &eng[i], sizeof(double));
                }
                assert_int_equal(views[i].limit,
                                 (flags & GROUND_SEG_LIMIT) ? limit[i] : ILRS_DICT_LIMIT_NONE);
            }
            free(blob);
        }
    }
}

/* The layout of docs/ground.md on a worked example: three INT samples at a regular
 * 1 s cadence cost one octet a time and one a value after the first. */
static void segment_layout_example(void **state)
{
    (void)state;
    const ilrs_tai_t times[3] = {ILRS_NS_PER_S, 2 * ILRS_NS_PER_S, 3 * ILRS_NS_PER_S};
    const uint64_t values[3] = {5, 6, 4};
    const uint8_t limit[3] = {1, 3, 1};
    ground_columns_t c = {.kind = ILRS_GROUND_KIND_INT,
                          .flags = GROUND_SEG_LIMIT,
                          .count = 3,
                          .times = times,
                          .values = values,
                          .limit = limit};
    uint8_t *blob;
    size_t len = encode(&c, &blob);
    /* t0 = 1e9 ns zigzag = 2e9 = 0x77359400 → LEB128 80 A8 D6 B9 07 (5 octets);
     * first delta 1e9 zigzag 2e9 → same 5 octets; second dod 0 → 00 */
    const uint8_t expected[] = {
        0x01, 0x00, 0x02,                   /* version, kind INT, flags LIMIT */
        0x03, 0x0B, 0x03,                   /* count 3, times 11 octets, values 3 */
        0x80, 0xA8, 0xD6, 0xB9, 0x07,       /* t0 */
        0x80, 0xA8, 0xD6, 0xB9, 0x07, 0x00, /* delta 1 s, then delta-of-delta 0 */
        0x0A, 0x02, 0x03,                   /* values 5, +1, -2 (zigzag 10, 2, 3) */
        0x01, 0x03, 0x01,                   /* limit states */
    };
    assert_int_equal(len, sizeof expected);
    assert_memory_equal(blob, expected, sizeof expected);
    free(blob);
}

static void segment_corrupt_rejected(void **state)
{
    (void)state;
    ilrs_tai_t times[20];
    uint64_t values[20];
    double eng[20];
    uint8_t limit[20];
    for (int i = 0; i < 20; i++) {
        times[i] = i * 1000;
        values[i] = (uint64_t)(i * i);
        eng[i] = i * 0.5;
        limit[i] = 1;
    }
    ground_columns_t c = {.kind = ILRS_GROUND_KIND_INT,
                          .flags = 3,
                          .count = 20,
                          .times = times,
                          .values = values,
                          .eng = eng,
                          .limit = limit};
    uint8_t *blob;
    size_t len = encode(&c, &blob);
    ground_sample_view_t views[32];
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *copy = malloc(cut > 0 ? cut : 1); /* exact size: ASan sees any overread */
        assert_non_null(copy);
        memcpy(copy, blob, cut);
        assert_int_equal(decode_all(copy, cut, views, 32), ILRS_EGROUND_SEGMENT);
        free(copy);
    }
    /* every value of each header octet: valid only when unchanged (or an equivalent
     * flag/kind that still adds up, which must then decode 20 samples) */
    for (size_t pos = 0; pos < 6; pos++) {
        for (int v = 0; v < 256; v++) {
            uint8_t *copy = malloc(len);
            assert_non_null(copy);
            memcpy(copy, blob, len);
            copy[pos] = (uint8_t)v;
            int rc = decode_all(copy, len, views, 32);
            assert_true(rc == ILRS_EGROUND_SEGMENT || rc == 20);
            if (v == blob[pos]) {
                assert_int_equal(rc, 20);
            }
            free(copy);
        }
    }
    assert_int_equal(decode_all(NULL, 0, views, 32), ILRS_EGROUND_SEGMENT);
    free(blob);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(segment_roundtrip_every_kind),
    cmocka_unit_test(segment_layout_example),
    cmocka_unit_test(segment_corrupt_rejected),
};
ILRS_TEST_MAIN(tests)
