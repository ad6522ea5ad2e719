/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The telemetry API's number formatting (ground_dtoa.c, Grisu2): every finite
 * double must read back through strtod as exactly the same binary64 value, the
 * text must be a JSON number, and it must never be longer than %.17g. Values:
 * the edges of binary64 (subnormals, the smallest normal, the largest finite,
 * powers of two and ten), one million random bit patterns and one million
 * random values of telemetry magnitudes (a noisy sine like the history bench).
 */
#include "ilrs_test.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "ground/ground_server_int.h"

/* xorshift64*: a fixed sequence, so a failure is reproducible. */
static uint64_t next_u64(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

/* Count of significant digits in a number's text (mantissa digits without
 * leading zeros). */
static int significant_digits(const char *text)
{
    int n = 0, zeros = 0;
    bool started = false;
    for (const char *p = text; *p != '\0' && *p != 'e' && *p != 'E'; p++) {
        if (*p >= '1' && *p <= '9') {
            n += zeros + 1;
            zeros = 0;
            started = true;
        } else if (*p == '0' && started) {
            zeros++;
        }
    }
    return n;
}

static void check_value(double v)
{
    char text[ILRS__DOUBLE_TEXT_MAX];
    size_t len = ilrs__format_double(v, text);
    if (!isfinite(v)) {
        assert_string_equal(text, "null");
        return;
    }
    assert_true(len > 0 && len < ILRS__DOUBLE_TEXT_MAX);
    assert_int_equal(strlen(text), len);
    char *end = NULL;
    double back = strtod(text, &end);
    assert_ptr_equal(end, text + len);
    uint64_t a, b;
    memcpy(&a, &v, sizeof a);
    memcpy(&b, &back, sizeof b);
    if (a != b) {
        fail_msg("%.17g (0x%016llx) formatted as '%s' reads back as %.17g", v,
                 (unsigned long long)a, text, back);
    }
    char ref[40];
    snprintf(ref, sizeof ref, "%.17g", v);
    if (significant_digits(text) > significant_digits(ref)) {
        fail_msg("'%s' has more digits than %%.17g '%s'", text, ref);
    }
}

static void dtoa_edges_round_trip(void **state)
{
    (void)state;
    const double values[] = {
        0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.3, 1.0 / 3.0, 2.0 / 3.0, 5e-324, -5e-324,
        2.2250738585072009e-308, 2.2250738585072014e-308, 1.7976931348623157e308,
        -1.7976931348623157e308, 9007199254740992.0, 9007199254740993.0, 1e21, 1e22, 1e-7,
        1.5e-6, 123456789012345678901234.0, 28.0, 28.00488, 4.88e-3, 86400.0, 1e100,
        3.141592653589793, 2.718281828459045, 6.02214076e23, 1.602176634e-19, 299792458.0,
    };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        check_value(values[i]);
    }
    for (int e = -1074; e <= 1023; e++) {
        check_value(ldexp(1.0, e));
        check_value(nextafter(ldexp(1.0, e), 0.0));
        check_value(nextafter(ldexp(1.0, e), INFINITY));
    }
    for (int e = -323; e <= 308; e++) {
        char text[16];
        snprintf(text, sizeof text, "1e%d", e);
        check_value(strtod(text, NULL));
    }
    check_value(NAN);
    check_value(INFINITY);
    check_value(-INFINITY);
}

static void dtoa_known_texts(void **state)
{
    (void)state;
    /* Exact expected texts: these values have a unique shortest form. */
    const struct {
        double v;
        const char *text;
    } cases[] = {
        {0.0, "0"},         {-0.0, "-0"},       {1.0, "1"},          {-2.5, "-2.5"},
        {0.1, "0.1"},       {28.5, "28.5"},     {1e21, "1e21"},      {1e-7, "1e-7"},
        {123.456, "123.456"}, {0.000123, "0.000123"}, {5e-324, "5e-324"},
        {1.7976931348623157e308, "1.7976931348623157e308"}, {86400000.0, "86400000"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[ILRS__DOUBLE_TEXT_MAX];
        ilrs__format_double(cases[i].v, text);
        assert_string_equal(text, cases[i].text);
    }
}

static void dtoa_random_bits_round_trip(void **state)
{
    (void)state;
    uint64_t s = UINT64_C(0x9E3779B97F4A7C15);
    for (int i = 0; i < 1000000; i++) {
        uint64_t bits = next_u64(&s);
        double v;
        memcpy(&v, &bits, sizeof v);
        check_value(v);
    }
}

static void dtoa_telemetry_values_round_trip(void **state)
{
    (void)state;
    uint64_t s = 42;
    for (int i = 0; i < 1000000; i++) {
        double noise = (double)(next_u64(&s) >> 11) * 0x1.0p-53 - 0.5;
        check_value(28.0 + 1.5 * sin(6.283185307179586 * i / 86400.0) + 0.01 * noise);
        check_value(noise * pow(10.0, (double)(i % 40 - 20)));
    }
}

static void dtoa_text_is_json(void **state)
{
    (void)state;
    uint64_t s = 7;
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = next_u64(&s);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v)) {
            continue;
        }
        char text[ILRS__DOUBLE_TEXT_MAX];
        ilrs__format_double(v, text);
        json_error_t err;
        json_t *j = json_loads(text, JSON_DECODE_ANY, &err);
        if (j == NULL || !json_is_number(j)) {
            fail_msg("'%s' is not a JSON number: %s", text, j == NULL ? err.text : "other type");
        }
        assert_true(json_number_value(j) == v);
        json_decref(j);
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(dtoa_edges_round_trip),
    cmocka_unit_test(dtoa_known_texts),
    cmocka_unit_test(dtoa_random_bits_round_trip),
    cmocka_unit_test(dtoa_telemetry_values_round_trip),
    cmocka_unit_test(dtoa_text_is_json),
};
ILRS_TEST_MAIN(tests)
