// SPDX-License-Identifier: Apache-2.0
// Time service: conversions against published values (IERS Bulletin C leap seconds,
// IAU TT definition, TDB-TT amplitude), ISO-8601 text, and the SCLK correlation.
#include "ilrs_test.h"

#include <math.h>
#include <stdlib.h>

#include <ilrs/fsw.h>

#define S ILRS_NS_PER_S
/* Days 1958-01-01 .. 2017-01-01: 59 years, 15 of them leap (1960..2016). */
#define DAYS_1958_2017 (59 * 365 + 15)

static ilrs_tai_t utc(int y, int mo, int d, int h, int mi, int s, int32_t ns)
{
    ilrs_utc_t u = {y, mo, d, h, mi, s, ns};
    ilrs_tai_t t = -1;
    assert_int_equal(ilrs_time_from_utc(&u, &t), 0);
    return t;
}

/* IERS Bulletin C 52: TAI-UTC = 36 s until 2016-12-31, 37 s from 2017-01-01. */
static void tai_minus_utc_2017(void **state)
{
    (void)state;
    ilrs_tai_t t2017 = utc(2017, 1, 1, 0, 0, 0, 0);
    assert_true(t2017 == (int64_t)DAYS_1958_2017 * 86400 * S + 37 * S);
    double dat = 0;
    assert_int_equal(ilrs_time_tai_minus_utc(t2017, &dat), 0);
    assert_true(dat == 37.0);
    assert_int_equal(ilrs_time_tai_minus_utc(t2017 - 2 * S, &dat), 0);
    assert_true(dat == 36.0);
    /* GPS epoch 1980-01-06 UTC: TAI - UTC = 19 s. */
    assert_int_equal(ilrs_time_tai_minus_utc(utc(1980, 1, 6, 0, 0, 0, 0), &dat), 0);
    assert_true(dat == 19.0);
    /* Before 1972 (rubber seconds), Bulletin C: 1961-01-01: 1.4228180 s
     * (+ (MJD - 37300) x 0.001296 s, MJD 37300 that day). */
    ilrs_tai_t t1961 = utc(1961, 1, 1, 0, 0, 0, 0);
    assert_int_equal(ilrs_time_tai_minus_utc(t1961, &dat), 0);
    assert_true(fabs(dat - 1.4228180) < 1e-6);
    /* 1961-01-01 is 1096 days after 1958-01-01 (1960 a leap year). */
    assert_true(llabs(t1961 - (1096LL * 86400 * S + 1422818000LL)) < 1000);
    /* UTC is undefined before 1960 */
    assert_int_equal(ilrs_time_tai_minus_utc(0, &dat), ILRS_EFSW_TIME);
}

static void leap_second_2016(void **state)
{
    (void)state;
    ilrs_tai_t before = utc(2016, 12, 31, 23, 59, 59, 0);
    ilrs_tai_t leap = utc(2016, 12, 31, 23, 59, 60, 0);
    ilrs_tai_t after = utc(2017, 1, 1, 0, 0, 0, 0);
    assert_true(leap - before == S);
    assert_true(after - leap == S);
    ilrs_utc_t u;
    assert_int_equal(ilrs_time_to_utc(leap + 500000000, &u), 0);
    assert_int_equal(u.year, 2016);
    assert_int_equal(u.second, 60);
    assert_int_equal(u.nanosecond, 500000000);
    char text[ILRS_TIME_ISO_MAX];
    assert_int_equal(ilrs_time_format_iso(leap + 500000000, 3, text, sizeof text), 0);
    assert_string_equal(text, "2016-12-31T23:59:60.500Z");
    ilrs_tai_t parsed = 0;
    assert_int_equal(ilrs_time_parse_iso("2016-12-31T23:59:60.5Z", &parsed), 0);
    assert_true(parsed == leap + 500000000);
    /* No leap second at the end of 2015, one at the end of June 2015. */
    assert_int_equal(ilrs_time_parse_iso("2015-12-31T23:59:60", &parsed), ILRS_ERANGE);
    assert_true(parsed == 0);
    assert_int_equal(ilrs_time_parse_iso("2015-06-30T23:59:60", &parsed), 0);
}

static void tt_and_tdb(void **state)
{
    (void)state;
    ilrs_tai_t t = utc(2030, 6, 1, 12, 0, 0, 0);
    double a1, a2, b1, b2;
    assert_int_equal(ilrs_time_to_jd(t, ILRS_TIME_TAI, &a1, &a2), 0);
    assert_int_equal(ilrs_time_to_jd(t, ILRS_TIME_TT, &b1, &b2), 0);
    double tt_minus_tai = ((b1 - a1) + (b2 - a2)) * 86400.0;
    assert_true(fabs(tt_minus_tai - 32.184) < 1e-6);
    /* J2000.0 = 2000-01-01T12:00:00 TT = 11:58:55.816 UTC (TAI-UTC = 32 s). */
    ilrs_tai_t j2000 = utc(2000, 1, 1, 11, 58, 55, 816000000);
    assert_int_equal(ilrs_time_to_jd(j2000, ILRS_TIME_TT, &b1, &b2), 0);
    assert_true(fabs((b1 - 2451545.0) + b2) * 86400.0 < 1e-6);
    /* TDB - TT is periodic with amplitude 1.657 ms (Fairhead & Bretagnon 1990). */
    double lo = 1, hi = -1;
    for (int day = 0; day < 366; day++) {
        double d = ilrs_time_tdb_minus_tt(j2000 + (int64_t)day * 86400 * S);
        lo = fmin(lo, d);
        hi = fmax(hi, d);
    }
    assert_true(hi < 1.7e-3 && hi > 1.6e-3);
    assert_true(lo > -1.7e-3 && lo < -1.6e-3);
    assert_int_equal(ilrs_time_to_jd(j2000, ILRS_TIME_TDB, &a1, &a2), 0);
    double tdb_tt = ((a1 - b1) + (a2 - b2)) * 86400.0;
    assert_true(fabs(tdb_tt - ilrs_time_tdb_minus_tt(j2000)) < 1e-9);
}

static void utc_round_trip(void **state)
{
    (void)state;
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 7);
    ilrs_tai_t lo = utc(1972, 1, 1, 0, 0, 0, 0), hi = utc(2100, 1, 1, 0, 0, 0, 0);
    for (int i = 0; i < 2000; i++) {
        ilrs_tai_t t = lo + (ilrs_tai_t)ilrs_rng_below(&rng, (uint64_t)(hi - lo));
        ilrs_utc_t u;
        assert_int_equal(ilrs_time_to_utc(t, &u), 0);
        ilrs_tai_t back = 0;
        assert_int_equal(ilrs_time_from_utc(&u, &back), 0);
        assert_true(back == t);
        char text[ILRS_TIME_ISO_MAX];
        assert_int_equal(ilrs_time_format_iso(t, 9, text, sizeof text), 0);
        assert_int_equal(ilrs_time_parse_iso(text, &back), 0);
        assert_true(back == t);
    }
}

/* 1960-1971: UTC seconds were not SI seconds; round trips agree to a few ns. */
static void utc_round_trip_before_1972(void **state)
{
    (void)state;
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 3);
    ilrs_tai_t lo = utc(1960, 1, 1, 0, 0, 0, 0), hi = utc(1972, 1, 1, 0, 0, 0, 0);
    for (int i = 0; i < 500; i++) {
        ilrs_tai_t t = lo + (ilrs_tai_t)ilrs_rng_below(&rng, (uint64_t)(hi - lo));
        ilrs_utc_t u;
        assert_int_equal(ilrs_time_to_utc(t, &u), 0);
        ilrs_tai_t back = 0;
        assert_int_equal(ilrs_time_from_utc(&u, &back), 0);
        assert_true(llabs(back - t) <= 10);
    }
}

static void iso_parse_errors(void **state)
{
    (void)state;
    ilrs_tai_t t = 1;
    assert_int_equal(ilrs_time_parse_iso("2030-13-01T00:00:00Z", &t), ILRS_ERANGE);
    assert_int_equal(ilrs_time_parse_iso("2030-02-30", &t), ILRS_ERANGE);
    assert_int_equal(ilrs_time_parse_iso("2030-01-01T24:00:00", &t), ILRS_ERANGE);
    assert_int_equal(ilrs_time_parse_iso("2030-1-01", &t), ILRS_EFORMAT);
    assert_int_equal(ilrs_time_parse_iso("2030-01-01T00:00:00.", &t), ILRS_EFORMAT);
    assert_int_equal(ilrs_time_parse_iso("2030-01-01T00:00:00.1234567891", &t), ILRS_EFORMAT);
    assert_int_equal(ilrs_time_parse_iso("2030-01-01T00:00:00Zjunk", &t), ILRS_EFORMAT);
    assert_int_equal(ilrs_time_parse_iso("", &t), ILRS_EFORMAT);
    assert_int_equal(ilrs_time_parse_iso("1950-01-01", &t), ILRS_ERANGE);
    assert_true(t == 0);
    assert_int_equal(ilrs_time_parse_iso("2030-01-01 12:30", &t), 0);
    char text[ILRS_TIME_ISO_MAX];
    assert_int_equal(ilrs_time_format_iso(t, 0, text, sizeof text), 0);
    assert_string_equal(text, "2030-01-01T12:30:00Z");
    assert_int_equal(ilrs_time_format_iso(t, 0, text, 10), ILRS_ETRUNC);
}

static void cuc_text(void **state)
{
    (void)state;
    /* 1958-01-01T00:00:01.5 TAI: coarse 1, fine 0x8000 with 2 fine octets. */
    char text[64];
    assert_int_equal(ilrs_time_format_cuc(S + S / 2, ILRS_CCSDS_CUC_TLM, false, text, sizeof text),
                     0);
    assert_string_equal(text, "00 00 00 01 80 00");
    assert_int_equal(ilrs_time_format_cuc(S, ILRS_CCSDS_CUC_TLM, false, text, 5), ILRS_ETRUNC);
}

/* The ground measures TAI for a few SCLK values; the fit recovers the oscillator. */
static void correlation_fit(void **state)
{
    (void)state;
    const double osc = 4e-6;
    ilrs_time_config_t cfg = {
        .mode = ILRS_TIME_MODE_VIRTUAL, .oscillator_error = osc, .fit_points = 8};
    ilrs_time_t *t = NULL;
    assert_int_equal(ilrs_time_create(&cfg, &t), 0);
    ilrs_tai_t start = ilrs_time_now(t);
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 11);
    for (int i = 1; i <= 12; i++) {
        assert_int_equal(ilrs_time_advance(t, 3600 * S), 0);
        ilrs_tai_t truth = start + ilrs_time_elapsed(t);
        /* ground measurement noise: 100 us (1 sigma) */
        ilrs_tai_t measured = truth + (int64_t)(ilrs_rng_normal(&rng) * 1e5);
        assert_int_equal(ilrs_time_correlate(t, ilrs_time_sclk(t), measured), 0);
    }
    ilrs_time_correlation_t c;
    ilrs_time_get_correlation(t, &c);
    assert_int_equal(c.points, 8);
    double expected_drift = 1.0 / (1.0 + osc) - 1.0;
    /* slope sigma with 100 us noise over 7 h of 8 points: about 5e-9 */
    assert_true(fabs(c.drift - expected_drift) < 3e-8);
    assert_true(c.rms_s > 1e-5 && c.rms_s < 3e-4);
    assert_int_equal(ilrs_time_advance(t, 86400 * S), 0);
    ilrs_tai_t truth = start + ilrs_time_elapsed(t);
    assert_true(llabs(ilrs_time_now(t) - truth) < 1000000); /* 1 ms a day later */
    /* Out-of-order pair refused, correlation unchanged. */
    ilrs_time_correlation_t c2;
    assert_int_equal(ilrs_time_correlate(t, 0, truth), ILRS_ERANGE);
    ilrs_time_get_correlation(t, &c2);
    assert_true(c2.epoch == c.epoch && c2.drift == c.drift && c2.points == c.points);
    /* A fitted drift beyond 1e-3 is refused. */
    assert_int_equal(ilrs_time_correlate(t, ilrs_time_sclk(t) + S, truth + 10000 * S), ILRS_ERANGE);
    ilrs_time_get_correlation(t, &c2);
    assert_true(c2.drift == c.drift);
    assert_int_equal(ilrs_time_set_correlation(t, truth, ilrs_time_sclk(t), 0.0), 0);
    assert_true(ilrs_time_now(t) == truth);
    assert_int_equal(ilrs_time_set_correlation(t, truth, 0, 2e-3), ILRS_ERANGE);
    ilrs_time_destroy(t);
}

static void virtual_and_wall_modes(void **state)
{
    (void)state;
    ilrs_time_t *t = NULL;
    ilrs_time_config_t bad = {.oscillator_error = 0.01};
    assert_int_equal(ilrs_time_create(&bad, &t), ILRS_EINVAL);
    assert_null(t);
    assert_int_equal(ilrs_time_create(NULL, &t), 0);
    ilrs_tai_t t0 = ilrs_time_now(t);
    char text[ILRS_TIME_ISO_MAX];
    assert_int_equal(ilrs_time_format_iso(t0, 0, text, sizeof text), 0);
    assert_string_equal(text, "2030-01-01T00:00:00Z");
    assert_int_equal(ilrs_time_advance(t, -1), ILRS_EINVAL);
    assert_int_equal(ilrs_time_advance(t, 1500 * 1000 * 1000), 0);
    assert_true(ilrs_time_now(t) - t0 == 1500 * 1000 * 1000);
    ilrs_time_destroy(t);

    ilrs_time_config_t wall = {.mode = ILRS_TIME_MODE_WALL};
    assert_int_equal(ilrs_time_create(&wall, &t), 0);
    assert_int_equal(ilrs_time_advance(t, 1), ILRS_ESTATE);
    int64_t s0 = ilrs_time_sclk(t);
    ilrs_time_update(t);
    assert_true(ilrs_time_sclk(t) >= s0);
    /* The host clock maps to a date after 2020. */
    assert_true(ilrs_time_now(t) > utc(2020, 1, 1, 0, 0, 0, 0));
    ilrs_time_destroy(t);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(tai_minus_utc_2017),
    cmocka_unit_test(leap_second_2016),
    cmocka_unit_test(tt_and_tdb),
    cmocka_unit_test(utc_round_trip),
    cmocka_unit_test(utc_round_trip_before_1972),
    cmocka_unit_test(iso_parse_errors),
    cmocka_unit_test(cuc_text),
    cmocka_unit_test(correlation_fit),
    cmocka_unit_test(virtual_and_wall_modes),
};
ILRS_TEST_MAIN(tests)
