// SPDX-License-Identifier: Apache-2.0
// Base module: error table, CRC check values (REFERENCE.md "Links"), rng, arena.
#include <ilrs/base.h>
#include <math.h>
#include <stdlib.h>

#include "ilrs_test.h"

static void crc16_check_value(void **state)
{
    (void)state;
    assert_int_equal(ilrs_crc16_ccitt(ILRS_CRC16_CCITT_INIT, "123456789", 9), 0x29B1);
}

static void crc32_check_value(void **state)
{
    (void)state;
    assert_int_equal(ilrs_crc32(0, "123456789", 9), 0xCBF43926u);
}

static void crc32c_check_value(void **state)
{
    (void)state;
    assert_int_equal(ilrs_crc32c(0, "123456789", 9), 0xE3069283u);
}

static void crc_chaining_equals_one_shot(void **state)
{
    (void)state;
    const char *s = "123456789";
    uint16_t c16 = ilrs_crc16_ccitt(ILRS_CRC16_CCITT_INIT, s, 4);
    c16 = ilrs_crc16_ccitt(c16, s + 4, 5);
    assert_int_equal(c16, 0x29B1);
    uint32_t c32 = ilrs_crc32(ilrs_crc32(0, s, 3), s + 3, 6);
    assert_int_equal(c32, 0xCBF43926u);
    uint32_t c32c = ilrs_crc32c(ilrs_crc32c(0, s, 8), s + 8, 1);
    assert_int_equal(c32c, 0xE3069283u);
}

/* Bit-at-a-time references, straight from the polynomial definitions. */
static uint16_t ref_crc16(uint16_t crc, const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        crc ^= (uint16_t)(p[i] << 8);
        for (int b = 0; b < 8; b++) {
            crc = (uint16_t)((crc & 0x8000u) ? ((unsigned)crc << 1) ^ 0x1021u : (unsigned)crc << 1);
        }
    }
    return crc;
}

static uint32_t ref_crc32_reflected(uint32_t poly, uint32_t crc, const unsigned char *p, size_t len)
{
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++) {
            crc = (crc & 1u) ? (crc >> 1) ^ poly : crc >> 1;
        }
    }
    return ~crc;
}

static void crc_matches_bitwise_reference(void **state)
{
    (void)state;
    unsigned char buf[600];
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 99);
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] = (unsigned char)ilrs_rng_next(&rng);
    }
    /* Every length 0..300 at every misalignment 0..7, and chained seeds. */
    for (size_t offset = 0; offset < 8; offset++) {
        for (size_t len = 0; len <= 300; len++) {
            const unsigned char *p = buf + offset;
            assert_int_equal(ilrs_crc16_ccitt(0x1D0F, p, len), ref_crc16(0x1D0F, p, len));
            assert_int_equal(ilrs_crc32(0x12345678u, p, len),
                             ref_crc32_reflected(0xEDB88320u, 0x12345678u, p, len));
            assert_int_equal(ilrs_crc32c(0xCAFEu, p, len),
                             ref_crc32_reflected(0x82F63B78u, 0xCAFEu, p, len));
        }
    }
}

static void error_table_names_and_messages(void **state)
{
    (void)state;
    assert_string_equal(ilrs_errname(ILRS_ECRC), "ILRS_ECRC");
    assert_string_equal(ilrs_strerror(ILRS_ECRC), "checksum mismatch");
    assert_string_equal(ilrs_strerror(0), "success");
    assert_string_equal(ilrs_strerror(-99999), "unknown error");
    assert_string_equal(ilrs_errname(12345), "ILRS_E?");
}

static void rng_is_deterministic(void **state)
{
    (void)state;
    ilrs_rng_t a, b;
    ilrs_rng_seed(&a, 42);
    ilrs_rng_seed(&b, 42);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(ilrs_rng_next(&a), ilrs_rng_next(&b));
    }
    ilrs_rng_seed(&b, 43);
    assert_int_not_equal(ilrs_rng_next(&a), ilrs_rng_next(&b));
}

static void rng_moments(void **state)
{
    (void)state;
    ilrs_rng_t r;
    ilrs_rng_seed(&r, 7);
    const int n = 200000;
    double sum = 0, sum2 = 0, usum = 0;
    for (int i = 0; i < n; i++) {
        double x = ilrs_rng_normal(&r);
        sum += x;
        sum2 += x * x;
        double u = ilrs_rng_uniform(&r);
        assert_true(u >= 0.0 && u < 1.0);
        usum += u;
        assert_true(ilrs_rng_below(&r, 10) < 10);
    }
    /* Standard errors: mean 1/sqrt(n) = 0.0022; 5 sigma bounds. */
    assert_true(fabs(sum / n) < 0.012);
    assert_true(fabs(sum2 / n - 1.0) < 0.02);
    assert_true(fabs(usum / n - 0.5) < 0.004);
}

/* The normal deviates follow the normal distribution, core, wedges and tail:
 * the count in each interval against n (Phi(b) - Phi(a)), Phi from erfc, within
 * 5 binomial standard errors; the intervals straddle the ziggurat's tail start
 * (3.4426) and go out to 5 sigma. Also symmetric and never NaN. */
static void rng_normal_distribution(void **state)
{
    (void)state;
    static const double edge[] = {-INFINITY, -4.0, -3.44, -3.0, -2.0, -1.0, -0.5,
                                  0.0,       0.25, 0.5,   1.0,  1.5,  2.0,  2.5,
                                  3.0,       3.44, 3.6,   4.0,  4.5,  5.0,  INFINITY};
    enum { BINS = sizeof edge / sizeof edge[0] - 1 };
    uint64_t count[BINS] = {0};
    ilrs_rng_t r;
    ilrs_rng_seed(&r, 2030);
    const int n = 2000000;
    for (int i = 0; i < n; i++) {
        double x = ilrs_rng_normal(&r);
        assert_false(isnan(x));
        for (int b = 0; b < BINS; b++) {
            if (x >= edge[b] && x < edge[b + 1]) {
                count[b]++;
                break;
            }
        }
    }
    for (int b = 0; b < BINS; b++) {
        double p = 0.5 * erfc(-edge[b + 1] / sqrt(2.0)) - 0.5 * erfc(-edge[b] / sqrt(2.0));
        double expect = n * p, se = sqrt(n * p * (1.0 - p));
        if (fabs((double)count[b] - expect) > 5.0 * se + 1.0) {
            fail_msg("normal deviates in [%g, %g): %llu, expected %.1f +- %.1f", edge[b],
                     edge[b + 1], (unsigned long long)count[b], expect, se);
        }
    }
}

static void arena_alignment_and_exhaustion(void **state)
{
    (void)state;
    ilrs_arena_t arena;
    assert_int_equal(ilrs_arena_init(&arena, NULL, 256), 0);
    char *a = ilrs_arena_alloc(&arena, 3, 1);
    assert_non_null(a);
    double *d = ilrs_arena_alloc(&arena, sizeof(double) * 4, _Alignof(double));
    assert_non_null(d);
    assert_int_equal((uintptr_t)d % _Alignof(double), 0);
    assert_null(ilrs_arena_alloc(&arena, 1000, 8));
    assert_null(ilrs_arena_alloc(&arena, 8, 3)); /* not a power of two */
    assert_null(ilrs_arena_alloc(&arena, SIZE_MAX, 1));
    ilrs_arena_fini(&arena);
    ilrs_arena_fini(NULL);
    unsigned char buf[64];
    assert_int_equal(ilrs_arena_init(&arena, buf, sizeof buf), 0);
    assert_ptr_equal(ilrs_arena_alloc(&arena, 64, 1), buf);
    assert_null(ilrs_arena_alloc(&arena, 1, 1));
    ilrs_arena_fini(&arena);
    assert_int_equal(ilrs_arena_init(&arena, NULL, 0), ILRS_EINVAL);
}

static void checked_arithmetic(void **state)
{
    (void)state;
    size_t out = 1;
    assert_int_equal(ilrs_add_size(SIZE_MAX, 1, &out), ILRS_EOVERFLOW);
    assert_int_equal(out, 0);
    assert_int_equal(ilrs_mul_size(SIZE_MAX / 2, 3, &out), ILRS_EOVERFLOW);
    assert_int_equal(ilrs_mul_size(6, 7, &out), 0);
    assert_int_equal(out, 42);
}

static int log_calls;
static void count_log(void *user, int level, const char *module, const char *message)
{
    (void)user;
    (void)level;
    assert_string_equal(module, "base");
    assert_string_equal(message, "value 7");
    log_calls++;
}

static void log_hook_receives_messages(void **state)
{
    (void)state;
    ilrs_log(ILRS_LOG_INFO, "base", "silent %d", 1); /* no hook: nothing happens */
    ilrs_log_set(count_log, NULL);
    ilrs_log(ILRS_LOG_WARN, "base", "value %d", 7);
    ilrs_log_set(NULL, NULL);
    assert_int_equal(log_calls, 1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(crc16_check_value),
    cmocka_unit_test(crc32_check_value),
    cmocka_unit_test(crc32c_check_value),
    cmocka_unit_test(crc_chaining_equals_one_shot),
    cmocka_unit_test(crc_matches_bitwise_reference),
    cmocka_unit_test(error_table_names_and_messages),
    cmocka_unit_test(rng_is_deterministic),
    cmocka_unit_test(rng_moments),
    cmocka_unit_test(rng_normal_distribution),
    cmocka_unit_test(arena_alignment_and_exhaustion),
    cmocka_unit_test(checked_arithmetic),
    cmocka_unit_test(log_hook_receives_messages),
};

ILRS_TEST_MAIN(tests)
