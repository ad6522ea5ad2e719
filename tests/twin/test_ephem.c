// SPDX-License-Identifier: Apache-2.0
//
// Tests of the ephemeris and frames section of twin.h: time scales, the DAF
// SPK/PCK reader (real kernels, in-memory excerpts, corrupted input), the
// PA -> ME frame chain, analytic vs SPK over 2020-2030, polar swings of the
// Sun and the Earth (REFERENCE.md), site frames and disk fractions.
// With ILRS_WRITE_SEEDS=<dir>, spk_seeds_roundtrip also writes the fuzz seeds.
#include "ilrs_test.h"

#include <math.h>
#include <stdlib.h>

#include <erfa.h>
#include <erfam.h>
#include <ilrs/twin.h>

#include "twin/twin_int.h"

#define KDIR    ILRS_SOURCE_DIR "/../shared/data/ephemeris"
#define DE430   KDIR "/spk/de430_excerpt_2020_2030.bsp"
#define PCK421  KDIR "/pck/moon_pa_de421_1900-2050.bpc"
#define HOUR_NS (INT64_C(3600) * ILRS_NS_PER_S)
#define DAY_NS  (INT64_C(86400) * ILRS_NS_PER_S)

static const char *data_dir(void)
{
    const char *env = getenv("ILRS_DATA_DIR");
    static char buf[4096];
    if (env != NULL && *env != '\0') {
        snprintf(buf, sizeof buf, "%s/ephemeris", env);
        return buf;
    }
    return KDIR;
}

static ilrs_tai_t utc(const char *text)
{
    ilrs_tai_t t = 0;
    assert_int_equal(ilrs_ephem_parse_utc(text, &t), 0);
    return t;
}

static ilrs_ephem_t *open_ephem(ilrs_ephem_source_t source)
{
    ilrs_ephem_t *e = NULL;
    char err[512];
    int rc = ilrs_ephem_create(source, data_dir(), &e, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "ilrs_ephem_create: %s\n", err);
    }
    assert_int_equal(rc, 0);
    return e;
}

static double angle_deg(const double a[3], const double b[3])
{
    double c[3] = {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    double s = sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
    double d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    return atan2(s, d) * ERFA_DR2D;
}

/* ------------------------------------------------------------------------- */
/* Time scales                                                                */
/* ------------------------------------------------------------------------- */

static void time_utc_roundtrip_and_leap_seconds(void **state)
{
    (void)state;
    /* naif0012.tls: DELTA_AT = 37 s from 2017-01-01. TAI - UTC at 2025-01-01:
     * seconds since 1958 = 24472 days * 86400 + 37. */
    ilrs_tai_t t = utc("2025-01-01T00:00:00Z");
    assert_int_equal(t, (INT64_C(24472) * 86400 + 37) * ILRS_NS_PER_S);
    /* 1972-01-01: TAI - UTC = 10 s (start of the leap-second era). */
    assert_int_equal(utc("1972-01-01"), (INT64_C(5113) * 86400 + 10) * ILRS_NS_PER_S);
    char buf[40];
    assert_int_equal(ilrs_ephem_format_utc(utc("2026-11-21T08:43:12.345Z"), buf, sizeof buf), 0);
    assert_string_equal(buf, "2026-11-21T08:43:12.345Z");
    /* The leap second itself exists and formats as :60. */
    assert_int_equal(ilrs_ephem_format_utc(utc("2016-12-31T23:59:60.5"), buf, sizeof buf), 0);
    assert_string_equal(buf, "2016-12-31T23:59:60.500Z");
    ilrs_tai_t bad = 1;
    const char *bad_inputs[] = {"",
                                "2025",
                                "2025-13-01",
                                "2025-02-30",
                                "2025-01-01T24:00",
                                "2025-01-01T10:61",
                                "2025-01-01T10:00:00X",
                                "1900-01-01",
                                "2025-01-01T00:00:-1",
                                "abcd-ef-gh"};
    for (size_t i = 0; i < sizeof bad_inputs / sizeof bad_inputs[0]; i++) {
        assert_int_equal(ilrs_ephem_parse_utc(bad_inputs[i], &bad), ILRS_EINVAL);
        assert_int_equal(bad, 0);
    }
    assert_int_equal(ilrs_ephem_format_utc(t, buf, 10), ILRS_EOVERFLOW);
}

static void time_leap_seconds_match_naif0012(void **state)
{
    (void)state;
    /* ERFA's built-in leap-second table (used by ilrs_ephem_parse_utc) must
     * agree with the shipped NAIF LSK: every DELTET/DELTA_AT entry, on its day
     * and on the day before (previous value). */
    char path[4200];
    int len = snprintf(path, sizeof path, "%s/lsk/naif0012.tls", data_dir());
    assert_true(len > 0 && (size_t)len < sizeof path);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    const char *p = strstr(text, "DELTET/DELTA_AT");
    assert_non_null(p);
    p = strchr(p, '(');
    assert_non_null(p);
    static const char *const months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                         "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    int entries = 0, previous = -1;
    for (;;) {
        int dat, y, d, used = 0;
        char mon[4];
        if (sscanf(p + 1, " %d , @%d-%3s-%d%n", &dat, &y, mon, &d, &used) != 4) {
            break;
        }
        p += 1 + used - 1;
        int m = 0;
        for (int i = 0; i < 12; i++) {
            if (strcmp(mon, months[i]) == 0) {
                m = i + 1;
            }
        }
        assert_true(m > 0);
        double erfa_dat;
        assert_true(eraDat(y, m, d, 0.0, &erfa_dat) >= 0);
        assert_int_equal((int)erfa_dat, dat);
        if (previous >= 0) {
            double jd0, jd1, frac;
            int yb, mb, db;
            assert_int_equal(eraCal2jd(y, m, d, &jd0, &jd1), 0);
            assert_int_equal(eraJd2cal(jd0, jd1 - 1.0, &yb, &mb, &db, &frac), 0);
            assert_true(eraDat(yb, mb, db, 0.5, &erfa_dat) >= 0);
            assert_int_equal((int)erfa_dat, previous);
        }
        previous = dat;
        entries++;
    }
    assert_int_equal(entries, 28);
}

static void time_tdb_matches_erfa_dtdb(void **state)
{
    (void)state;
    /* Our TDB - TT (naif0012 model) against ERFA's full series, geocentre. */
    ilrs_tai_t t0 = utc("2020-01-01");
    double worst = 0;
    for (int i = 0; i < 400; i++) {
        ilrs_tai_t t = t0 + (int64_t)i * 10 * DAY_NS;
        double et = ilrs_ephem_tdb_seconds(t);
        double tai_s = (double)(t / ILRS_NS_PER_S - TWIN_TAI_J2000_OFFSET_S);
        double tt = tai_s + 32.184;
        double dtdb = eraDtdb(ERFA_DJ00, tt / 86400.0, 0.0, 0.0, 0.0, 0.0);
        worst = fmax(worst, fabs((et - tt) - dtdb));
    }
    fprintf(stderr, "TDB-TT model vs eraDtdb: worst %.1f us\n", worst * 1e6);
    assert_true(worst < 5e-5); /* 36 us measured: 4 cm of lunar motion */
    /* J2000.0 itself: TAI = 11:59:27.816, TDB - TT there is -0.1 ms or so. */
    ilrs_tai_t j2000_tai = TWIN_TAI_J2000_OFFSET_S * ILRS_NS_PER_S - 32184 * INT64_C(1000000);
    assert_true(fabs(ilrs_ephem_tdb_seconds(j2000_tai)) < 2e-3);
}

/* ------------------------------------------------------------------------- */
/* DAF reader on the real kernels                                             */
/* ------------------------------------------------------------------------- */

static ilrs_spk_t *open_kernel(const char *path)
{
    ilrs_spk_t *k = NULL;
    char err[512];
    int rc = ilrs_spk_open(path, &k, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "%s\n", err);
    }
    assert_int_equal(rc, 0);
    return k;
}

static void spk_segments_of_de430(void **state)
{
    (void)state;
    ilrs_spk_t *k = open_kernel(DE430);
    assert_int_equal(ilrs_spk_kind(k), ILRS_SPK_KIND_SPK);
    assert_int_equal(ilrs_spk_segment_count(k), 14);
    ilrs_spk_segment_info_t info;
    bool moon_seen = false;
    for (size_t i = 0; i < ilrs_spk_segment_count(k); i++) {
        assert_int_equal(ilrs_spk_segment(k, i, &info), 0);
        assert_int_equal(info.type, 2);
        assert_int_equal(info.frame, 1);
        if (info.target == 301) {
            moon_seen = true;
            assert_int_equal(info.center, 3);
            assert_int_equal(info.degree, 12); /* RSIZE 41 = 2 + 3 x 13 */
            assert_int_equal(info.records, 914);
        }
    }
    assert_true(moon_seen);
    assert_int_equal(ilrs_spk_segment(k, 14, &info), ILRS_ERANGE);
    double v[3], r[3];
    assert_int_equal(ilrs_spk_evaluate(k, 499, 0, 7e8, v, r), ILRS_ENOTFOUND);
    assert_int_equal(ilrs_spk_evaluate(k, 301, 3, 2e9, v, r), ILRS_ETWIN_EPHEM_RANGE);
    assert_int_equal(ilrs_spk_evaluate(k, 301, 3, NAN, v, r), ILRS_ETWIN_EPHEM_RANGE);

    /* Moon relative to the EMB: |r| = d_EM / (1 + mu), d_EM 356..407 Mm, with
     * M_earth/M_moon = 81.3006 (DE430): 352..402 Mm... check range and that the
     * velocity is the derivative of the position (central difference). */
    double et = 8.0e8, p0[3], p1[3], pm[3];
    assert_int_equal(ilrs_spk_evaluate(k, 301, 3, et, pm, r), 0);
    double dist = sqrt(pm[0] * pm[0] + pm[1] * pm[1] + pm[2] * pm[2]);
    assert_true(dist > 350e3 && dist < 402e3);
    assert_int_equal(ilrs_spk_evaluate(k, 301, 3, et - 1.0, p0, NULL), 0);
    assert_int_equal(ilrs_spk_evaluate(k, 301, 3, et + 1.0, p1, NULL), 0);
    for (int c = 0; c < 3; c++) {
        assert_true(fabs((p1[c] - p0[c]) / 2.0 - r[c]) < 1e-7);
    }
    /* Continuity at a record boundary (init + 100 x intlen). */
    double b = 631022400.0 + 100 * 345600.0;
    assert_int_equal(ilrs_spk_evaluate(k, 301, 3, b - 1e-3, p0, NULL), 0);
    assert_int_equal(ilrs_spk_evaluate(k, 301, 3, b + 1e-3, p1, NULL), 0);
    for (int c = 0; c < 3; c++) {
        assert_true(fabs(p1[c] - p0[c]) < 0.01); /* km: < 1e-3 s x 1 km/s + fit error */
    }
    ilrs_spk_destroy(k);
}

static void spk_three_ephemerides_agree(void **state)
{
    (void)state;
    /* README: DE421, DE430 and DE440 agree on Sun/Earth directions to < 1e-6 deg;
     * here: geocentric Moon positions agree to a few tens of metres. */
    const char *files[] = {KDIR "/spk/de421_excerpt_2022_2026.bsp", DE430,
                           KDIR "/spk/de440s_excerpt_2023_2026.bsp"};
    double pos[3][3], emb[3], rel[3];
    double et = ilrs_ephem_tdb_seconds(utc("2025-01-01"));
    for (int f = 0; f < 3; f++) {
        ilrs_spk_t *k = open_kernel(files[f]);
        assert_int_equal(ilrs_spk_evaluate(k, 301, 3, et, emb, NULL), 0);
        assert_int_equal(ilrs_spk_evaluate(k, 399, 3, et, rel, NULL), 0);
        for (int c = 0; c < 3; c++) {
            pos[f][c] = emb[c] - rel[c];
        }
        ilrs_spk_destroy(k);
    }
    for (int f = 1; f < 3; f++) {
        double d = 0;
        for (int c = 0; c < 3; c++) {
            d += (pos[f][c] - pos[0][c]) * (pos[f][c] - pos[0][c]);
        }
        assert_true(sqrt(d) < 0.1); /* km */
    }
}

static void pck_lunar_angles(void **state)
{
    (void)state;
    ilrs_spk_t *k = open_kernel(PCK421);
    assert_int_equal(ilrs_spk_kind(k), ILRS_SPK_KIND_PCK);
    double ang[3], rate[3];
    assert_int_equal(ilrs_spk_evaluate(k, 31006, 1, 7e8, ang, rate), 0);
    /* The rotation angle advances at the sidereal rate 13.176358 deg/day. */
    assert_true(fabs(rate[2] * ERFA_DR2D * 86400.0 - 13.1764) < 0.05);
    /* Pole: delta = 90 deg - dec of the pole, ~24.4 deg (dec ~ 65.6 deg). */
    double delta_deg = ang[1] * ERFA_DR2D;
    assert_true(delta_deg > 22.0 && delta_deg < 26.0);
    ilrs_spk_destroy(k);
}

/* ------------------------------------------------------------------------- */
/* In-memory excerpts, big-endian variant, corrupted kernels                  */
/* ------------------------------------------------------------------------- */

typedef struct seg_pick {
    const twin_segment_t *seg;
    size_t first, count; /* records */
} seg_pick_t;

static void put_i32le(unsigned char *p, int32_t v)
{
    uint32_t u = (uint32_t)v;
    for (int i = 0; i < 4; i++) {
        p[i] = (unsigned char)(u >> (8 * i));
    }
}

static void put_f64le(unsigned char *p, double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    for (int i = 0; i < 8; i++) {
        p[i] = (unsigned char)(u >> (8 * i));
    }
}

/* Build a little-endian DAF image holding the picked records of each segment. */
static unsigned char *build_daf(ilrs_spk_kind_t kind, const seg_pick_t *picks, size_t n,
                                size_t *size)
{
    size_t words = 0;
    for (size_t i = 0; i < n; i++) {
        words += picks[i].count * (size_t)picks[i].seg->rsize + 4;
    }
    size_t total = 3 * 1024 + ((words * 8 + 1023) / 1024) * 1024;
    unsigned char *buf = calloc(1, total);
    assert_non_null(buf);
    memcpy(buf, kind == ILRS_SPK_KIND_SPK ? "DAF/SPK " : "DAF/PCK ", 8);
    int ni = kind == ILRS_SPK_KIND_SPK ? 6 : 5;
    put_i32le(buf + 8, 2);
    put_i32le(buf + 12, ni);
    memset(buf + 16, ' ', 60);
    memcpy(buf + 16, "ilrs test excerpt", 17);
    put_i32le(buf + 76, 2);
    put_i32le(buf + 80, 2);
    put_i32le(buf + 84, (int32_t)(3 * 128 + words + 1));
    memcpy(buf + 88, "LTL-IEEE", 8);
    static const unsigned char ftp[28] = {'F',  'T',  'P',  'S', 'T',  'R', ':', '\r', ':', '\n',
                                          ':',  '\r', '\n', ':', '\r', 0,   ':', 0x81, ':', 0x10,
                                          0xce, ':',  'E',  'N', 'D',  'F', 'T', 'P'};
    memcpy(buf + 699, ftp, 28);
    unsigned char *sum = buf + 1024, *names = buf + 2048;
    put_f64le(sum, 0.0);
    put_f64le(sum + 8, 0.0);
    put_f64le(sum + 16, (double)n);
    size_t ss = 2 + ((size_t)ni + 1) / 2;
    size_t addr = 3 * 128 + 1;
    for (size_t i = 0; i < n; i++) {
        const twin_segment_t *s = picks[i].seg;
        double init = s->init + (double)picks[i].first * s->intlen;
        double end = init + (double)picks[i].count * s->intlen;
        unsigned char *e = sum + 24 + i * ss * 8;
        put_f64le(e, init);
        put_f64le(e + 8, end);
        int32_t ints[6] = {s->target, s->center, s->frame, 2, 0, 0};
        if (kind == ILRS_SPK_KIND_PCK) {
            ints[2] = 2;
        }
        size_t seg_words = picks[i].count * (size_t)s->rsize + 4;
        ints[ni - 2] = (int32_t)addr;
        ints[ni - 1] = (int32_t)(addr + seg_words - 1);
        for (int k = 0; k < ni; k++) {
            put_i32le(e + 16 + 4 * (size_t)k, ints[k]);
        }
        memset(names + i * ss * 8, ' ', ss * 8);
        memcpy(names + i * ss * 8, s->name, strlen(s->name));
        unsigned char *d = buf + (addr - 1) * 8;
        const double *rec = s->rec + picks[i].first * (size_t)s->rsize;
        for (size_t w = 0; w < picks[i].count * (size_t)s->rsize; w++) {
            put_f64le(d + 8 * w, rec[w]);
        }
        double tail[4] = {init, s->intlen, (double)s->rsize, (double)picks[i].count};
        for (int w = 0; w < 4; w++) {
            put_f64le(d + 8 * (picks[i].count * (size_t)s->rsize + (size_t)w), tail[w]);
        }
        addr += seg_words;
    }
    *size = total;
    return buf;
}

/* Swap every 8-byte word after the file record and the 4-byte integers, giving
 * the BIG-IEEE form of a little-endian image made by build_daf. */
static unsigned char *to_big_endian(const unsigned char *le, size_t size, int ni)
{
    unsigned char *be = malloc(size);
    assert_non_null(be);
    memcpy(be, le, size);
    memcpy(be + 88, "BIG-IEEE", 8);
    for (size_t off = 8; off < 16; off += 4) {
        for (int i = 0; i < 4; i++) {
            be[off + (size_t)i] = le[off + 3 - (size_t)i];
        }
    }
    for (size_t off = 76; off < 88; off += 4) {
        for (int i = 0; i < 4; i++) {
            be[off + (size_t)i] = le[off + 3 - (size_t)i];
        }
    }
    /* Data records and summary doubles: swap 8-byte words. */
    for (size_t off = 1024; off + 8 <= size; off += 8) {
        if (off >= 2048 && off < 3072) {
            continue; /* name record: characters */
        }
        for (int i = 0; i < 8; i++) {
            be[off + (size_t)i] = le[off + 7 - (size_t)i];
        }
    }
    /* Summary integers are 4-byte: undo the 8-byte swap and swap each int. */
    size_t ss = 2 + ((size_t)ni + 1) / 2;
    double count_d;
    memcpy(&count_d, le + 1024 + 16, 8);
    for (size_t i = 0; i < (size_t)count_d; i++) {
        size_t ioff = 1024 + 24 + i * ss * 8 + 16;
        for (size_t k = 0; k < (size_t)ni; k++) {
            for (int b = 0; b < 4; b++) {
                be[ioff + 4 * k + (size_t)b] = le[ioff + 4 * k + 3 - (size_t)b];
            }
        }
    }
    return be;
}

static void write_seed(const char *dir, const char *name, const void *data, size_t size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), size);
    fclose(f);
}

static void spk_seeds_roundtrip(void **state)
{
    (void)state;
    ilrs_spk_t *full = open_kernel(DE430);
    ilrs_spk_t *pck = open_kernel(PCK421);
    double et = ilrs_ephem_tdb_seconds(utc("2024-03-01"));
    const twin_segment_t *moon = ilrs__spk_find(full, 301, 3, et);
    const twin_segment_t *earth = ilrs__spk_find(full, 399, 3, et);
    const twin_segment_t *lib = ilrs__spk_find(pck, 31006, 1, et);
    assert_non_null(moon);
    assert_non_null(earth);
    assert_non_null(lib);
    size_t rm = (size_t)floor((et - moon->init) / moon->intlen);
    size_t rl = (size_t)floor((et - lib->init) / lib->intlen);
    seg_pick_t spk_picks[2] = {{moon, rm, 2}, {earth, rm, 2}};
    seg_pick_t pck_picks[1] = {{lib, rl, 2}};
    size_t spk_size, pck_size;
    unsigned char *spk_img = build_daf(ILRS_SPK_KIND_SPK, spk_picks, 2, &spk_size);
    unsigned char *pck_img = build_daf(ILRS_SPK_KIND_PCK, pck_picks, 1, &pck_size);
    unsigned char *spk_be = to_big_endian(spk_img, spk_size, 6);

    /* The excerpts evaluate exactly as the full kernels inside their span. */
    ilrs_spk_t *ex = NULL, *ex_pck = NULL, *ex_be = NULL;
    char err[512];
    assert_int_equal(ilrs_spk_open_memory(spk_img, spk_size, "excerpt", &ex, err, sizeof err), 0);
    assert_int_equal(ilrs_spk_open_memory(pck_img, pck_size, "pck", &ex_pck, err, sizeof err), 0);
    assert_int_equal(ilrs_spk_open_memory(spk_be, spk_size, "be", &ex_be, err, sizeof err), 0);
    for (int i = 0; i < 20; i++) {
        double t = et + (i - 10) * 3600.0;
        double a[3], b[3], c[3];
        assert_int_equal(ilrs_spk_evaluate(full, 301, 3, t, a, NULL), 0);
        assert_int_equal(ilrs_spk_evaluate(ex, 301, 3, t, b, NULL), 0);
        assert_int_equal(ilrs_spk_evaluate(ex_be, 301, 3, t, c, NULL), 0);
        assert_memory_equal(a, b, sizeof a);
        assert_memory_equal(a, c, sizeof a);
        assert_int_equal(ilrs_spk_evaluate(pck, 31006, 1, t, a, NULL), 0);
        assert_int_equal(ilrs_spk_evaluate(ex_pck, 31006, 1, t, b, NULL), 0);
        assert_memory_equal(a, b, sizeof a);
    }
    const char *seed_dir = getenv("ILRS_WRITE_SEEDS");
    if (seed_dir != NULL) {
        write_seed(seed_dir, "excerpt_moon_earth_le.bsp", spk_img, spk_size);
        write_seed(seed_dir, "excerpt_moon_earth_be.bsp", spk_be, spk_size);
        write_seed(seed_dir, "excerpt_moon_pa.bpc", pck_img, pck_size);
        write_seed(seed_dir, "truncated.bsp", spk_img, spk_size - 1500);
        unsigned char *bad = malloc(spk_size);
        assert_non_null(bad);
        memcpy(bad, spk_img, spk_size);
        put_f64le(bad + 1024 + 16, 200.0); /* NSUM beyond a record */
        write_seed(seed_dir, "bad_nsum.bsp", bad, spk_size);
        memcpy(bad, spk_img, spk_size);
        put_f64le(bad + 1024, 2.0); /* summary record points at itself */
        write_seed(seed_dir, "loop.bsp", bad, spk_size);
        memcpy(bad, spk_img, spk_size);
        put_f64le(bad + (3 * 128 + 2 * 41 + 2) * 8, 40.0); /* RSIZE wrong */
        write_seed(seed_dir, "bad_rsize.bsp", bad, spk_size);
        free(bad);
        static const char fk[] = "\\begindata\nTKFRAME_31007_SPEC = 'ANGLES'\n"
                                 "TKFRAME_31007_RELATIVE = 'MOON_PA_DE421'\n"
                                 "TKFRAME_31007_ANGLES = ( 67.92 78.56 0.30 )\n"
                                 "TKFRAME_31007_AXES = ( 3, 2, 1 )\n"
                                 "TKFRAME_31007_UNITS = 'ARCSECONDS'\n\\begintext\n";
        write_seed(seed_dir, "moon_me.tf", fk, sizeof fk - 1);
    }
    ilrs_spk_destroy(ex);
    ilrs_spk_destroy(ex_pck);
    ilrs_spk_destroy(ex_be);
    free(spk_img);
    free(pck_img);
    free(spk_be);
    ilrs_spk_destroy(full);
    ilrs_spk_destroy(pck);
}

/* Open a corrupted copy of a valid excerpt, expect @p code and @p needle in the message. */
static void expect_bad(const unsigned char *img, size_t size, int code, const char *needle)
{
    ilrs_spk_t *k = (ilrs_spk_t *)1;
    char err[512];
    unsigned long before = ilrs_spk_rejected_count();
    int rc = ilrs_spk_open_memory(img, size, "bad.bsp", &k, err, sizeof err);
    if (rc != code || strstr(err, needle) == NULL || strstr(err, "bad.bsp") == NULL) {
        fprintf(stderr, "rc %d, message '%s', wanted '%s'\n", rc, err, needle);
    }
    assert_int_equal(rc, code);
    assert_null(k);
    assert_non_null(strstr(err, "bad.bsp"));
    assert_non_null(strstr(err, needle));
    assert_true(ilrs_spk_rejected_count() > before);
}

static void spk_corrupt_kernels_rejected(void **state)
{
    (void)state;
    ilrs_spk_t *full = open_kernel(DE430);
    const twin_segment_t *moon = ilrs__spk_find(full, 301, 3, 7e8);
    seg_pick_t pick = {moon, 10, 2};
    size_t size;
    unsigned char *img = build_daf(ILRS_SPK_KIND_SPK, &pick, 1, &size);
    unsigned char *bad = malloc(size);
    assert_non_null(bad);

    expect_bad(img, 100, ILRS_ETWIN_KERNEL, "shorter than one DAF record");
    memcpy(bad, img, size);
    memcpy(bad, "NAIF/DAF", 8);
    expect_bad(bad, size, ILRS_ETWIN_KERNEL, "'NAIF/DAF'");
    memcpy(bad, img, size);
    memcpy(bad + 88, "VAX-GFLT", 8);
    expect_bad(bad, size, ILRS_ETWIN_KERNEL, "LTL-IEEE");
    memcpy(bad, img, size);
    bad[699 + 8] = '\n'; /* CR/LF damage in the FTP string */
    expect_bad(bad, size, ILRS_ETWIN_KERNEL, "FTP validation");
    memcpy(bad, img, size);
    put_i32le(bad + 12, 5);
    expect_bad(bad, size, ILRS_ETWIN_KERNEL, "NI=5");
    expect_bad(img, 2048, ILRS_ETWIN_KERNEL, "outside the file"); /* no name record */
    expect_bad(img, size - 512, ILRS_ETWIN_KERNEL, "truncated");  /* data cut */
    memcpy(bad, img, size);
    put_f64le(bad + 1024 + 16, 77.0);
    expect_bad(bad, size, ILRS_ETWIN_KERNEL, "NSUM 77");
    memcpy(bad, img, size);
    put_f64le(bad + 1024, 2.0);
    expect_bad(bad, size, ILRS_ETWIN_KERNEL, "loops");
    memcpy(bad, img, size);
    put_f64le(bad + 1024 + 16, 0.0);
    expect_bad(bad, size, ILRS_ETWIN_KERNEL, "no segments");
    memcpy(bad, img, size);
    put_f64le(bad + 1024 + 16, 3.0); /* three summaries, the copies alias one segment */
    memcpy(bad + 1024 + 24 + 40, bad + 1024 + 24, 40);
    memcpy(bad + 1024 + 24 + 80, bad + 1024 + 24, 40);
    expect_bad(bad, size, ILRS_ETWIN_KERNEL, "overlap");
    memcpy(bad, img, size);
    put_f64le(bad + 1024 + 24 + 8, -1e20); /* end before start */
    expect_bad(bad, size, ILRS_ETWIN_KERNEL, "bad coverage");
    size_t tail = (3 * 128 + 2 * 41) * 8; /* word after the two records: INIT */
    memcpy(bad, img, size);
    put_f64le(bad + tail + 8, 0.0);
    expect_bad(bad, size, ILRS_ETWIN_KERNEL, "INTLEN 0");
    memcpy(bad, img, size);
    put_f64le(bad + tail + 16, 42.0);
    expect_bad(bad, size, ILRS_ETWIN_KERNEL, "RSIZE 42");
    memcpy(bad, img, size);
    put_f64le(bad + tail + 24, 3.0);
    expect_bad(bad, size, ILRS_ETWIN_KERNEL, "N=3");
    memcpy(bad, img, size);
    put_f64le(bad + 3 * 1024 + 8, -5.0); /* record radius */
    expect_bad(bad, size, ILRS_ETWIN_KERNEL, "radius -5");
    memcpy(bad, img, size);
    put_f64le(bad + 3 * 1024 + 80, NAN);
    expect_bad(bad, size, ILRS_ETWIN_KERNEL, "non-finite");
    memcpy(bad, img, size);
    put_f64le(bad + 1024 + 24 + 8, 1e12); /* coverage beyond the records */
    expect_bad(bad, size, ILRS_ETWIN_KERNEL, "outside its records");

    /* Files: missing, and a truncated copy on disk. */
    ilrs_spk_t *k = NULL;
    char err[512];
    assert_int_equal(ilrs_spk_open("/nonexistent/x.bsp", &k, err, sizeof err), ILRS_EIO);
    assert_non_null(strstr(err, "/nonexistent/x.bsp"));
    char path[] = "/tmp/ilrs_test_trunc_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(img, 1, size - 1024, f), size - 1024);
    fclose(f);
    assert_int_equal(ilrs_spk_open(path, &k, err, sizeof err), ILRS_ETWIN_KERNEL);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "truncated"));
    remove(path);
    free(bad);
    free(img);
    ilrs_spk_destroy(full);
}

static void fk_pa_to_me_transpose(void **state)
{
    (void)state;
    /* The frame kernel parses, and r_ME = M^T r_PA brings the DE421 body frame
     * within the IAU model's stated 0.005 deg of the mean-Earth frame, while
     * the naive M does not (README: ~0.04 deg). Compare the body axes. */
    ilrs_ephem_t *spk = open_ephem(ILRS_EPHEM_SPK);
    double worst_right = 0, worst_naive = 0;
    ilrs_tai_t t0 = utc("2020-01-01");
    for (int i = 0; i < 120; i++) {
        ilrs_tai_t t = t0 + (int64_t)i * 30 * DAY_NS + (int64_t)i * 7 * HOUR_NS;
        double r_me[3][3], iau[3][3], pa_to_me[3][3], naive[3][3], r_naive[3][3], r_pa[3][3];
        assert_int_equal(ilrs_ephem_moon_rotation(spk, t, r_me), 0);
        twin_bodies_t bodies;
        assert_int_equal(ilrs__ephem_bodies(spk, t, &bodies), 0);
        assert_memory_equal(r_me, bodies.moon_rot, sizeof r_me);
        ilrs__iau_moon_rotation(ilrs_ephem_tdb_seconds(t), iau);
        /* Recover R_PA = (PA->ME)^T R_ME, then apply the naive matrix M = (PA->ME)^T. */
        static const char fk[] = "\\begindata\nTKFRAME_31007_SPEC = 'ANGLES'\n"
                                 "TKFRAME_31007_RELATIVE = 'MOON_PA_DE421'\n"
                                 "TKFRAME_31007_ANGLES = ( 67.92 78.56 0.30 )\n"
                                 "TKFRAME_31007_AXES = ( 3, 2, 1 )\n"
                                 "TKFRAME_31007_UNITS = 'ARCSECONDS'\n\\begintext\n";
        char err[256];
        assert_int_equal(ilrs__fk_pa_to_me(fk, "fk", pa_to_me, err, sizeof err), 0);
        double me_to_pa[3][3];
        eraTr(pa_to_me, me_to_pa);
        eraRxr(me_to_pa, r_me, r_pa);
        eraCr(me_to_pa, naive); /* naive: r_ME = M r_PA with M = me_to_pa */
        eraRxr(naive, r_pa, r_naive);
        for (int ax = 0; ax < 3; ax++) {
            worst_right = fmax(worst_right, angle_deg(r_me[ax], iau[ax]));
            worst_naive = fmax(worst_naive, angle_deg(r_naive[ax], iau[ax]));
        }
    }
    assert_true(worst_right < 0.006);
    assert_true(worst_naive > 0.02);
    ilrs_ephem_destroy(spk);

    char err[256];
    double m[3][3];
    assert_int_equal(ilrs__fk_pa_to_me("nothing here", "x.tf", m, err, sizeof err),
                     ILRS_ETWIN_KERNEL);
    assert_non_null(strstr(err, "x.tf"));
    static const char bad_units[] = "\\begindata\nTKFRAME_31007_SPEC = 'ANGLES'\n"
                                    "TKFRAME_31007_RELATIVE = 'MOON_PA_DE421'\n"
                                    "TKFRAME_31007_ANGLES = ( 67.92 78.56 0.30 )\n"
                                    "TKFRAME_31007_AXES = ( 3, 2, 1 )\n"
                                    "TKFRAME_31007_UNITS = 'FURLONGS'\n";
    assert_int_equal(ilrs__fk_pa_to_me(bad_units, "y.tf", m, err, sizeof err), ILRS_ETWIN_KERNEL);
    assert_non_null(strstr(err, "FURLONGS"));
    /* Keys in a comment block (\begintext) do not count. */
    static const char in_text[] = "\\begintext\nTKFRAME_31007_SPEC = 'ANGLES'\n";
    assert_int_equal(ilrs__fk_pa_to_me(in_text, "z.tf", m, err, sizeof err), ILRS_ETWIN_KERNEL);
}

/* ------------------------------------------------------------------------- */
/* Sources, coverage, analytic vs SPK                                         */
/* ------------------------------------------------------------------------- */

static void ephem_sources_and_coverage(void **state)
{
    (void)state;
    ilrs_ephem_t *autoe = open_ephem(ILRS_EPHEM_AUTO);
    ilrs_ephem_t *spk = open_ephem(ILRS_EPHEM_SPK);
    ilrs_ephem_t *ana = open_ephem(ILRS_EPHEM_ANALYTIC);
    ilrs_tai_t start, end;
    assert_int_equal(ilrs_ephem_coverage(spk, &start, &end), 0);
    char buf[40];
    assert_int_equal(ilrs_ephem_format_utc(start, buf, sizeof buf), 0);
    assert_memory_equal(buf, "2019-12-3", 9); /* DE430 excerpt: 2019-12-31 TDB */
    assert_int_equal(ilrs_ephem_format_utc(end, buf, sizeof buf), 0);
    assert_memory_equal(buf, "2030-01-0", 9);
    assert_int_equal(ilrs_ephem_coverage(ana, &start, &end), ILRS_ENOENT);
    assert_string_equal(ilrs_ephem_kernels(ana), "");
    assert_non_null(strstr(ilrs_ephem_kernels(spk), "moon_pa_de421_1900-2050.bpc"));

    double sun[3], earth[3];
    ilrs_ephem_source_t used;
    ilrs_tai_t inside = utc("2025-06-01"), outside = utc("2031-06-01");
    assert_int_equal(ilrs_ephem_sun_earth(autoe, inside, sun, earth, &used), 0);
    assert_int_equal(used, ILRS_EPHEM_SPK);
    assert_int_equal(ilrs_ephem_sun_earth(autoe, outside, sun, earth, &used), 0);
    assert_int_equal(used, ILRS_EPHEM_ANALYTIC);
    assert_int_equal(ilrs_ephem_sun_earth(spk, outside, sun, earth, &used), ILRS_ETWIN_EPHEM_RANGE);
    double rot[3][3], iau[3][3];
    assert_int_equal(ilrs_ephem_moon_rotation(spk, outside, rot), ILRS_ETWIN_EPHEM_RANGE);
    assert_int_equal(ilrs_ephem_moon_rotation(autoe, outside, rot), 0);
    ilrs__iau_moon_rotation(ilrs_ephem_tdb_seconds(outside), iau);
    assert_memory_equal(rot, iau, sizeof rot);
    assert_int_equal(ilrs_ephem_sun_earth(ana, inside, sun, earth, &used), 0);
    assert_int_equal(used, ILRS_EPHEM_ANALYTIC);
    /* Earth-Moon distance 356..407 Mm; Sun 0.98..1.02 au. */
    double de = sqrt(earth[0] * earth[0] + earth[1] * earth[1] + earth[2] * earth[2]);
    double ds = sqrt(sun[0] * sun[0] + sun[1] * sun[1] + sun[2] * sun[2]);
    assert_true(de > 356e6 && de < 407e6);
    assert_true(ds > 0.98 * TWIN_AU_M && ds < 1.02 * TWIN_AU_M);

    /* Missing kernel directory: AUTO falls back, SPK fails naming the directory. */
    ilrs_ephem_t *e = NULL;
    char err[512];
    assert_int_equal(ilrs_ephem_create(ILRS_EPHEM_AUTO, "/nonexistent/eph", &e, err, sizeof err),
                     0);
    assert_int_equal(ilrs_ephem_sun_earth(e, inside, sun, earth, &used), 0);
    assert_int_equal(used, ILRS_EPHEM_ANALYTIC);
    ilrs_ephem_destroy(e);
    assert_int_equal(ilrs_ephem_create(ILRS_EPHEM_SPK, "/nonexistent/eph", &e, err, sizeof err),
                     ILRS_EIO);
    assert_null(e);
    assert_non_null(strstr(err, "/nonexistent/eph"));
    assert_int_equal(ilrs_ephem_create((ilrs_ephem_source_t)7, NULL, &e, err, sizeof err),
                     ILRS_EINVAL);

    ilrs_ephem_source_t s;
    assert_int_equal(ilrs_ephem_source_parse("spk", &s), 0);
    assert_int_equal(s, ILRS_EPHEM_SPK);
    assert_int_equal(ilrs_ephem_source_parse("jpl", &s), ILRS_EINVAL);
    ilrs_ephem_destroy(autoe);
    ilrs_ephem_destroy(spk);
    ilrs_ephem_destroy(ana);
}

static void ephem_analytic_vs_spk_2020_2030(void **state)
{
    (void)state;
    /* Error budget (docs/twin-environment.md): ICRF Sun direction < 0.5",
     * Earth (eraMoon98) < 15"; apparent directions from a polar site, which
     * add the IAU-vs-DE421 orientation difference, < 0.008 deg. */
    ilrs_ephem_t *spk = open_ephem(ILRS_EPHEM_SPK);
    ilrs_ephem_t *ana = open_ephem(ILRS_EPHEM_ANALYTIC);
    ilrs_site_t site;
    assert_int_equal(ilrs_site_init(&site, -89.45, 222.7, 0.0), 0);
    ilrs_tai_t t0 = utc("2020-01-01");
    double worst_sun = 0, worst_earth = 0, worst_icrf_sun = 0, worst_icrf_earth = 0;
    for (int i = 0; i < 10 * 365; i += 1) {
        ilrs_tai_t t = t0 + (int64_t)i * DAY_NS + (i % 4) * 6 * HOUR_NS;
        ilrs_sky_t a, b;
        assert_int_equal(ilrs_ephem_sky(spk, &site, t, &a), 0);
        assert_int_equal(ilrs_ephem_sky(ana, &site, t, &b), 0);
        assert_int_equal(a.source, ILRS_EPHEM_SPK);
        assert_int_equal(b.source, ILRS_EPHEM_ANALYTIC);
        worst_sun = fmax(worst_sun, angle_deg(a.sun.enu, b.sun.enu));
        worst_earth = fmax(worst_earth, angle_deg(a.earth.enu, b.earth.enu));
        double s1[3], e1[3], s2[3], e2[3];
        assert_int_equal(ilrs_ephem_sun_earth(spk, t, s1, e1, NULL), 0);
        assert_int_equal(ilrs_ephem_sun_earth(ana, t, s2, e2, NULL), 0);
        worst_icrf_sun = fmax(worst_icrf_sun, angle_deg(s1, s2) * 3600);
        worst_icrf_earth = fmax(worst_icrf_earth, angle_deg(e1, e2) * 3600);
    }
    fprintf(stderr,
            "analytic vs SPK: site sun %.5f deg earth %.5f deg; ICRF sun %.3f\" "
            "earth %.2f\"\n",
            worst_sun, worst_earth, worst_icrf_sun, worst_icrf_earth);
    assert_true(worst_icrf_sun < 0.5);
    assert_true(worst_icrf_earth < 15.0);
    assert_true(worst_sun < 0.008);
    assert_true(worst_earth < 0.008);
    ilrs_ephem_destroy(spk);
    ilrs_ephem_destroy(ana);
}

static void analytic_interpolation_error(void **state)
{
    (void)state;
    /* The analytic source interpolates ERFA on a 1-hour grid (twin_ephem.c);
     * against direct ERFA calls the positions must agree to < 5 m and the
     * velocities to < 0.01 m/s, whatever the order of the calls (measured:
     * 1.1 m, 0.005 m/s, set by how far the series' velocities differ from the
     * derivatives of their positions; the series' own accuracy is km). */
    ilrs_ephem_t *ana = open_ephem(ILRS_EPHEM_ANALYTIC);
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 42);
    double worst_p = 0, worst_v = 0;
    ilrs_tai_t t0 = utc("2020-01-01");
    for (int i = 0; i < 3000; i++) {
        /* Mostly forward steps of 60 s, with random jumps back and forth. */
        ilrs_tai_t t = t0 + (int64_t)(i * 60) * ILRS_NS_PER_S;
        if (i % 7 == 0) {
            t = t0 + (int64_t)(ilrs_rng_uniform(&rng) * 3650.0 * 86400.0) * ILRS_NS_PER_S;
        }
        twin_bodies_t interp, direct;
        assert_int_equal(ilrs__ephem_bodies(ana, t, &interp), 0);
        ilrs__analytic_bodies_direct(ilrs_ephem_tdb_seconds(t), &direct);
        const double *pi[3] = {interp.sun, interp.earth, interp.moon};
        const double *pd[3] = {direct.sun, direct.earth, direct.moon};
        const double *vi[3] = {interp.sun_vel, interp.earth_vel, interp.moon_vel};
        const double *vd[3] = {direct.sun_vel, direct.earth_vel, direct.moon_vel};
        for (int b = 0; b < 3; b++) {
            for (int c = 0; c < 3; c++) {
                worst_p = fmax(worst_p, fabs(pi[b][c] - pd[b][c]));
                worst_v = fmax(worst_v, fabs(vi[b][c] - vd[b][c]));
            }
        }
        assert_memory_equal(interp.moon_rot, direct.moon_rot, sizeof direct.moon_rot);
        double rot[3][3];
        assert_int_equal(ilrs_ephem_moon_rotation(ana, t, rot), 0);
        assert_memory_equal(rot, direct.moon_rot, sizeof rot);
    }
    fprintf(stderr, "analytic interpolation: position %.2e m, velocity %.2e m/s\n", worst_p,
            worst_v);
    assert_true(worst_p < 5.0);
    assert_true(worst_v < 0.01);
    ilrs_ephem_destroy(ana);
}

/* ------------------------------------------------------------------------- */
/* Independent expectations at the pole (REFERENCE.md)                        */
/* ------------------------------------------------------------------------- */

static void pole_sun_swings_1_54_deg(void **state)
{
    (void)state;
    /* At the exact pole on flat ground the Sun's elevation is the Sun's
     * selenographic latitude, which swings +-1.54 deg (the lunar equator's
     * inclination to the ecliptic, Cassini's laws) over the year. */
    ilrs_ephem_t *spk = open_ephem(ILRS_EPHEM_SPK);
    ilrs_site_t pole;
    assert_int_equal(ilrs_site_init(&pole, -90.0, 0.0, 0.0), 0);
    double lo = 90, hi = -90;
    ilrs_tai_t t0 = utc("2024-01-01");
    for (int i = 0; i < 366 * 4; i++) {
        ilrs_sky_t s;
        assert_int_equal(ilrs_ephem_sky(spk, &pole, t0 + (int64_t)i * 6 * HOUR_NS, &s), 0);
        lo = fmin(lo, s.sun.el_deg);
        hi = fmax(hi, s.sun.el_deg);
        /* Flux and disk sizes stay in their physical ranges (REFERENCE.md). */
        assert_true(s.solar_flux_w_m2 > 1300.0 && s.solar_flux_w_m2 < 1420.0);
        assert_true(s.sun_radius_deg > 0.259 && s.sun_radius_deg < 0.276);
        assert_true(s.earth_radius_deg > 0.89 && s.earth_radius_deg < 1.03);
    }
    fprintf(stderr, "pole sun elevation %.3f .. %.3f deg\n", lo, hi);
    assert_true(fabs(hi - 1.54) < 0.06);
    assert_true(fabs(lo + 1.54) < 0.06);
    ilrs_ephem_destroy(spk);
}

static void pole_earth_swings_6_7_deg(void **state)
{
    (void)state;
    /* The Earth's elevation at the pole is its selenographic latitude: the
     * optical libration in latitude, about +-6.7 deg over a draconic month
     * (27.21 d). Check the extremes over one month and the period from the
     * spacing of the ascending zero crossings over a year. */
    ilrs_ephem_t *spk = open_ephem(ILRS_EPHEM_SPK);
    ilrs_site_t pole;
    assert_int_equal(ilrs_site_init(&pole, -90.0, 0.0, 0.0), 0);
    ilrs_tai_t t0 = utc("2025-01-01");
    double lo = 90, hi = -90, prev = 0, first_cross = -1, last_cross = -1;
    int crossings = 0;
    for (int i = 0; i < 365 * 8; i++) {
        double day = i / 8.0;
        ilrs_sky_t s;
        assert_int_equal(ilrs_ephem_sky(spk, &pole, t0 + (int64_t)i * 3 * HOUR_NS, &s), 0);
        if (day < 27.3) {
            lo = fmin(lo, s.earth.el_deg);
            hi = fmax(hi, s.earth.el_deg);
        }
        if (i > 0 && prev < 0 && s.earth.el_deg >= 0) {
            double frac = -prev / (s.earth.el_deg - prev);
            double when = day - 0.125 + frac * 0.125;
            if (first_cross < 0) {
                first_cross = when;
            }
            last_cross = when;
            crossings++;
        }
        prev = s.earth.el_deg;
    }
    double period = (last_cross - first_cross) / (crossings - 1);
    fprintf(stderr, "pole earth elevation %.3f .. %.3f deg, period %.3f d\n", lo, hi, period);
    assert_true(hi > 6.2 && hi < 7.0);
    assert_true(lo < -6.2 && lo > -7.0);
    assert_true(fabs(period - 27.2122) < 0.05);
    ilrs_ephem_destroy(spk);
}

/* ------------------------------------------------------------------------- */
/* Site frames, orbiters, disk fraction                                       */
/* ------------------------------------------------------------------------- */

static void site_frames_orthonormal(void **state)
{
    (void)state;
    const double cases[][3] = {{-89.45, 222.7, 0}, {-90, 0, 0},          {90, 45, 100},
                               {0, 0, 0},          {-88.8, 123.4, 1500}, {12.5, -170, -3000}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ilrs_site_t s;
        assert_int_equal(ilrs_site_init(&s, cases[i][0], cases[i][1], cases[i][2]), 0);
        const double *v[3] = {s.east, s.north, s.up};
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double d = v[a][0] * v[b][0] + v[a][1] * v[b][1] + v[a][2] * v[b][2];
                assert_true(fabs(d - (a == b ? 1.0 : 0.0)) < 1e-12);
            }
        }
        /* Right-handed: east x north = up. */
        double c[3] = {s.east[1] * s.north[2] - s.east[2] * s.north[1],
                       s.east[2] * s.north[0] - s.east[0] * s.north[2],
                       s.east[0] * s.north[1] - s.east[1] * s.north[0]};
        assert_true(angle_deg(c, s.up) < 1e-9);
        double r = sqrt(s.position_m[0] * s.position_m[0] + s.position_m[1] * s.position_m[1] +
                        s.position_m[2] * s.position_m[2]);
        assert_true(fabs(r - (1737400.0 + cases[i][2])) < 1e-6);
    }
    ilrs_site_t s;
    assert_int_equal(ilrs_site_init(&s, -90.5, 0, 0), ILRS_EINVAL);
    assert_int_equal(ilrs_site_init(&s, 0, 400, 0), ILRS_EINVAL);
    assert_int_equal(ilrs_site_init(&s, NAN, 0, 0), ILRS_EINVAL);
    assert_int_equal(ilrs_site_init(&s, 0, 0, 1e6), ILRS_EINVAL);
}

typedef struct fixed_orbiter {
    double body_dir[3]; /* body-fixed direction of the orbiter from the Moon's centre */
    double range_m;
    ilrs_ephem_t *ephem;
    int calls;
} fixed_orbiter_t;

/* An orbiter hovering above a body-fixed point (co-rotating). */
static int hover(void *user, ilrs_tai_t t, double pos[3])
{
    fixed_orbiter_t *o = user;
    double rot[3][3], body[3];
    o->calls++;
    int rc = ilrs_ephem_moon_rotation(o->ephem, t, rot);
    for (int i = 0; i < 3; i++) {
        body[i] = o->body_dir[i] * o->range_m;
    }
    ilrs__mat_tvec(rot, body, pos);
    return rc;
}

static int failing(void *user, ilrs_tai_t t, double pos[3])
{
    (void)user;
    (void)t;
    pos[0] = pos[1] = pos[2] = 0;
    return ILRS_EIO;
}

static void orbiter_overhead_and_horizon(void **state)
{
    (void)state;
    ilrs_ephem_t *spk = open_ephem(ILRS_EPHEM_SPK);
    ilrs_site_t site;
    assert_int_equal(ilrs_site_init(&site, -89.45, 222.7, 0), 0);
    /* Straight above the site at 10 000 km: elevation 90 deg (aberration and
     * light time cancel for a co-moving target to ~1e-6 deg). */
    fixed_orbiter_t o = {{site.up[0], site.up[1], site.up[2]}, 10e6, spk, 0};
    ilrs_topo_t topo;
    ilrs_tai_t t = utc("2026-03-01T12:00:00");
    assert_int_equal(ilrs_ephem_orbiter(spk, &site, t, hover, &o, &topo), 0);
    assert_true(topo.el_deg > 89.999);
    /* Light-time distance: the orbiter's barycentric position 28 ms earlier,
     * i.e. up to lt x |V_moon| ~ 0.9 km from the geometric range. */
    assert_true(fabs(topo.distance_m - (10e6 - 1737400.0)) < 1000.0);
    assert_true(fabs(topo.light_time_s - (10e6 - 1737400.0) / 299792458.0) < 1e-5);
    assert_true(o.calls >= 2 && o.calls <= 4);
    /* Above the site's east horizon direction, far away: elevation ~ 0, azimuth 90. */
    double far = 1e8;
    fixed_orbiter_t e = {{site.east[0], site.east[1], site.east[2]}, far, spk, 0};
    assert_int_equal(ilrs_ephem_orbiter(spk, &site, t, hover, &e, &topo), 0);
    double dip = atan2(1737400.0, far) * ERFA_DR2D; /* seen from the site, offset by r */
    assert_true(fabs(topo.el_deg + dip) < 1e-4);
    assert_true(fabs(topo.az_deg - 90.0) < 1e-3);
    assert_int_equal(ilrs_ephem_orbiter(spk, &site, t, failing, NULL, &topo), ILRS_EIO);
    ilrs_ephem_destroy(spk);
}

static void disk_fraction_exact(void **state)
{
    (void)state;
    assert_true(ilrs_disk_fraction(1.0, 0.25, 0.0) == 1.0);
    assert_true(ilrs_disk_fraction(-1.0, 0.25, 0.0) == 0.0);
    assert_true(fabs(ilrs_disk_fraction(0.0, 0.25, 0.0) - 0.5) < 1e-15);
    assert_true(fabs(ilrs_disk_fraction(2.0, 0.25, 2.0) - 0.5) < 1e-15);
    /* Symmetry: f(h) + f(-h) = 1. */
    for (double h = -0.3; h <= 0.3; h += 0.01) {
        double s = ilrs_disk_fraction(h, 0.267, 0.0) + ilrs_disk_fraction(-h, 0.267, 0.0);
        assert_true(fabs(s - 1.0) < 1e-12);
    }
    /* Centre at r/2 above the horizon: visible = 1 - (pi/3 - sqrt(3)/4)/pi
     * = 0.804498 (segment of a 120-degree chord). */
    double expect = 1.0 - (ERFA_DPI / 3.0 - sqrt(3.0) / 4.0) / ERFA_DPI;
    assert_true(fabs(ilrs_disk_fraction(0.1335, 0.267, 0.0) - expect) < 1e-12);
    /* Monotonic in elevation. */
    double prev = -1;
    for (int i = -30; i <= 30; i++) {
        double f = ilrs_disk_fraction(i * 0.01, 0.267, 0.0);
        assert_true(f >= prev);
        prev = f;
    }
    assert_true(ilrs_disk_fraction(0.1, 0.0, 0.0) == 1.0);
    assert_true(ilrs_disk_fraction(NAN, 0.25, 0.0) == 0.0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(time_utc_roundtrip_and_leap_seconds),
    cmocka_unit_test(time_leap_seconds_match_naif0012),
    cmocka_unit_test(time_tdb_matches_erfa_dtdb),
    cmocka_unit_test(spk_segments_of_de430),
    cmocka_unit_test(spk_three_ephemerides_agree),
    cmocka_unit_test(pck_lunar_angles),
    cmocka_unit_test(spk_seeds_roundtrip),
    cmocka_unit_test(spk_corrupt_kernels_rejected),
    cmocka_unit_test(fk_pa_to_me_transpose),
    cmocka_unit_test(ephem_sources_and_coverage),
    cmocka_unit_test(ephem_analytic_vs_spk_2020_2030),
    cmocka_unit_test(analytic_interpolation_error),
    cmocka_unit_test(pole_sun_swings_1_54_deg),
    cmocka_unit_test(pole_earth_swings_6_7_deg),
    cmocka_unit_test(site_frames_orthonormal),
    cmocka_unit_test(orbiter_overhead_and_horizon),
    cmocka_unit_test(disk_fraction_exact),
};

ILRS_TEST_MAIN(tests)
