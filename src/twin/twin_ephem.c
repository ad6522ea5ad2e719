// SPDX-License-Identifier: Apache-2.0
//
// Ephemerides and lunar orientation behind one interface (twin.h):
// - analytic: ERFA eraEpv00 (Earth, heliocentric and barycentric) + eraMoon98
//   (geocentric Moon), with the IAU/WGCCRE lunar rotation model (Archinal et
//   al. 2011, Celest. Mech. Dyn. Astr. 109:101, table 2, as in REFERENCE.md);
// - SPK: JPL DE kernels (SPK type 2) + the DE421 lunar libration angles (binary
//   PCK type 2, frame MOON_PA_DE421) + the constant MOON_PA -> MOON_ME
//   rotation of the frame kernel moon_080317.tf (twin_spk.c reads them).
// AUTO uses SPK wherever every needed segment covers the instant, else analytic.
//
// Time: TAI (ilrs_tai_t) -> TT (+32.184 s) -> TDB (NAIF LSK model, see
// ilrs_ephem_tdb_seconds). UTC only in the parse/format helpers (ERFA).
//
// Performance: each (target, centre) pair caches the segment in use and the
// interval over which that choice stays valid, so a lookup is two comparisons;
// the PA -> ME matrix is built once at create.
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <erfa.h>
#include <erfam.h>

#include "twin/twin_int.h"

#define MAX_KERNELS       8
#define MAX_PAIR_SEGMENTS 32

/* The (target, centre) pairs the SPK source needs; the last is the PCK. */
enum { PAIR_SUN, PAIR_EMB, PAIR_MOON, PAIR_EARTH, PAIR_LIBRATION, PAIR_COUNT };
static const int pair_ids[PAIR_COUNT][2] = {
    {TWIN_NAIF_SUN, TWIN_NAIF_SSB},
    {TWIN_NAIF_EMB, TWIN_NAIF_SSB},
    {TWIN_NAIF_MOON, TWIN_NAIF_EMB},
    {TWIN_NAIF_EARTH, TWIN_NAIF_EMB},
    {TWIN_NAIF_MOON_PA_DE421, TWIN_NAIF_J2000},
};

typedef struct pair_cache {
    /* Candidate segments in increasing precedence (later kernels, later segments). */
    const twin_segment_t *segs[MAX_PAIR_SEGMENTS];
    size_t count;
    const twin_segment_t *current; /* valid for lo <= et < hi */
    double lo, hi;
    double span_start, span_end; /* union extent of the candidates */
} pair_cache_t;

struct ilrs_ephem {
    ilrs_ephem_source_t mode;
    ilrs_spk_t *kernels[MAX_KERNELS]; /* SPKs in name order, then the PCK */
    size_t kernel_count;
    bool have_spk; /* every pair has at least one segment */
    double pa_to_me[3][3];
    pair_cache_t pairs[PAIR_COUNT];
    double cover_start, cover_end; /* TDB s past J2000 */
    char kernel_names[512];
    /* Analytic node cache (see analytic_bodies). */
    twin_bodies_t nodes[2];
    double node_et[2];
    bool node_valid[2];
    /* Last instant served (ilrs_ephem_sky and ilrs_ephem_orbiter at the same
     * t, as `ilrs env` calls them, evaluate the kernels once). */
    twin_bodies_t last;
    ilrs_tai_t last_t;
    bool last_valid;
};

/* ------------------------------------------------------------------------- */
/* Names                                                                      */
/* ------------------------------------------------------------------------- */

const char *ilrs_ephem_source_name(ilrs_ephem_source_t source)
{
    switch (source) {
    case ILRS_EPHEM_AUTO:
        return "auto";
    case ILRS_EPHEM_ANALYTIC:
        return "analytic";
    case ILRS_EPHEM_SPK:
        return "spk";
    }
    return "?";
}

int ilrs_ephem_source_parse(const char *text, ilrs_ephem_source_t *out)
{
    *out = ILRS_EPHEM_AUTO;
    if (text == NULL) {
        return ILRS_EINVAL;
    }
    for (int s = ILRS_EPHEM_AUTO; s <= ILRS_EPHEM_SPK; s++) {
        if (strcmp(text, ilrs_ephem_source_name((ilrs_ephem_source_t)s)) == 0) {
            *out = (ilrs_ephem_source_t)s;
            return 0;
        }
    }
    return ILRS_EINVAL;
}

/* ------------------------------------------------------------------------- */
/* Time scales                                                                */
/* ------------------------------------------------------------------------- */

/* JD of the TAI epoch 1958-01-01T00:00:00 (CCSDS 301.0-B-4 §3.2.1). */
#define JD_1958 2436204.5

double ilrs_ephem_tdb_seconds(ilrs_tai_t t)
{
    /* Split before converting so that the nanoseconds survive. */
    int64_t off_ns = t - TWIN_TAI_J2000_OFFSET_S * ILRS_NS_PER_S;
    double tt = (double)(off_ns / ILRS_NS_PER_S) + (double)(off_ns % ILRS_NS_PER_S) * 1e-9 +
                TWIN_TT_MINUS_TAI_S;
    /* TDB - TT: the naif0012.tls model (DELTET/K = 1.657e-3 s, DELTET/EB =
     * 1.671e-2, DELTET/M = 6.239996 rad + 1.99096871e-7 rad/s x TT s past
     * J2000), i.e. the leading annual term of Fairhead & Bretagnon (1990).
     * ERFA's eraDtdb (the full series, 787 terms) agrees within 40 us
     * (test_ephem.c checks it) but costs ~100x more per call. */
    double m = 6.239996 + 1.99096871e-7 * tt;
    double e = m + 1.671e-2 * sin(m);
    return tt + 1.657e-3 * sin(e);
}

int ilrs_ephem_parse_utc(const char *text, ilrs_tai_t *out)
{
    *out = 0;
    if (text == NULL) {
        return ILRS_EINVAL;
    }
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, consumed = 0;
    double sec = 0.0;
    if (sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3 || consumed != 10) {
        return ILRS_EINVAL;
    }
    const char *p = text + consumed;
    if (*p == 'T' || *p == ' ') {
        int c2 = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &c2) != 2 || c2 != 5) {
            return ILRS_EINVAL;
        }
        p += 1 + c2;
        if (*p == ':') {
            char *end = NULL;
            errno = 0;
            if (!(p[1] >= '0' && p[1] <= '9')) {
                return ILRS_EINVAL;
            }
            sec = strtod(p + 1, &end);
            if (errno != 0 || end == p + 1 || !isfinite(sec) || sec < 0 || sec >= 61.0) {
                return ILRS_EINVAL;
            }
            p = end;
        }
    }
    if (*p == 'Z') {
        p++;
    }
    if (*p != '\0' || y < 1958 || y > 2200 || h > 23 || mi > 59 || h < 0 || mi < 0) {
        return ILRS_EINVAL;
    }
    double u1, u2, a1, a2;
    /* eraDtf2d checks the calendar and the leap-second minute; status +1 is
     * "dubious year" (beyond ERFA's leap-second table), accepted. */
    if (eraDtf2d("UTC", y, mo, d, h, mi, sec, &u1, &u2) < 0) {
        return ILRS_EINVAL;
    }
    if (eraUtctai(u1, u2, &a1, &a2) < 0) {
        return ILRS_EINVAL;
    }
    /* a1 is u1 (a JD at 0h); keep the whole days and the fraction apart. */
    double days = a1 - JD_1958;
    double whole = floor(days);
    double frac_s = ((days - whole) + a2) * 86400.0;
    *out = (int64_t)whole * 86400 * ILRS_NS_PER_S + (int64_t)llround(frac_s * 1e9);
    return 0;
}

int ilrs_ephem_format_utc(ilrs_tai_t t, char *buf, size_t cap)
{
    if (buf == NULL || cap == 0) {
        return ILRS_EINVAL;
    }
    buf[0] = '\0';
    if (cap < 25) {
        return ILRS_EOVERFLOW;
    }
    int64_t days = t / (86400 * ILRS_NS_PER_S);
    int64_t rem = t % (86400 * ILRS_NS_PER_S);
    if (rem < 0) {
        rem += 86400 * ILRS_NS_PER_S;
        days -= 1;
    }
    double a1 = JD_1958 + (double)days, a2 = (double)rem / (86400.0 * 1e9);
    double u1, u2;
    int y, mo, d, hmsf[4];
    if (eraTaiutc(a1, a2, &u1, &u2) < 0 || eraD2dtf("UTC", 3, u1, u2, &y, &mo, &d, hmsf) < 0) {
        return ILRS_EINVAL;
    }
    snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, hmsf[0], hmsf[1], hmsf[2],
             hmsf[3]);
    return 0;
}

/* ------------------------------------------------------------------------- */
/* IAU lunar rotation and small matrix helpers                                */
/* ------------------------------------------------------------------------- */

void ilrs__mat_vec(const double m[3][3], const double v[3], double out[3])
{
    for (int i = 0; i < 3; i++) {
        out[i] = m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2];
    }
}

void ilrs__mat_tvec(const double m[3][3], const double v[3], double out[3])
{
    for (int i = 0; i < 3; i++) {
        out[i] = m[0][i] * v[0] + m[1][i] * v[1] + m[2][i] * v[2];
    }
}

void ilrs__iau_moon_rotation(double et, double rotation[3][3])
{
    /* Archinal et al. (2011), table 2 (Moon), angles in degrees, d in TDB days
     * from J2000, T in Julian centuries; coefficients as in REFERENCE.md. */
    static const double e0[13] = {125.045, 250.089, 260.008, 176.625, 357.529, 311.589, 134.963,
                                  276.617, 34.226,  15.134,  119.743, 239.961, 25.053};
    static const double e1[13] = {-0.0529921, -0.1059842, 13.0120009, 13.3407154, 0.9856003,
                                  26.4057084, 13.0649930, 0.3287146,  1.7484877,  -0.1589763,
                                  0.0036096,  0.1643573,  12.9590088};
    static const double a_sin[13] = {-3.8787, -0.1204, 0.0700,  -0.0172, 0.0, 0.0072, 0.0,
                                     0.0,     0.0,     -0.0052, 0.0,     0.0, 0.0043};
    static const double d_cos[13] = {1.5419, 0.0239, -0.0278, 0.0068, 0.0, -0.0029, 0.0009,
                                     0.0,    0.0,    0.0008,  0.0,    0.0, -0.0009};
    static const double w_sin[13] = {3.5610,  0.1208, -0.0642, 0.0158, 0.0252, -0.0066, -0.0047,
                                     -0.0046, 0.0028, 0.0052,  0.0040, 0.0019, -0.0044};
    double d = et / 86400.0;
    double t = d / 36525.0;
    double alpha = 269.9949 + 0.0031 * t;
    double delta = 66.5392 + 0.0130 * t;
    double w = 38.3213 + 13.17635815 * d - 1.4e-12 * d * d;
    for (int k = 0; k < 13; k++) {
        double ek = fmod(e0[k] + e1[k] * d, 360.0) * ERFA_DD2R;
        double s = sin(ek), c = cos(ek);
        alpha += a_sin[k] * s;
        delta += d_cos[k] * c;
        w += w_sin[k] * s;
    }
    w = fmod(w, 360.0);
    /* Body frame: R = Rz(W) Rx(90 deg - delta0) Rz(90 deg + alpha0) (frame
     * rotations, Archinal et al. 2011 §2; ERFA pre-multiplies). */
    eraIr(rotation);
    eraRz((90.0 + alpha) * ERFA_DD2R, rotation);
    eraRx((90.0 - delta) * ERFA_DD2R, rotation);
    eraRz(w * ERFA_DD2R, rotation);
}

/* ------------------------------------------------------------------------- */
/* Create / destroy                                                           */
/* ------------------------------------------------------------------------- */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted list of the file names in <dir>/<sub> ending in <ext>; caller frees each and the array. */
static int list_files(const char *dir, const char *sub, const char *ext, char ***names,
                      size_t *count)
{
    *names = NULL;
    *count = 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    DIR *d = opendir(path);
    if (d == NULL) {
        return 0;
    }
    char **list = NULL;
    size_t n = 0;
    int rc = 0;
    struct dirent *ent;
    size_t ext_len = strlen(ext);
    while ((ent = readdir(d)) != NULL) {
        size_t len = strlen(ent->d_name);
        if (len <= ext_len || strcmp(ent->d_name + len - ext_len, ext) != 0) {
            continue;
        }
        char **grown = realloc(list, (n + 1) * sizeof *list);
        char *copy = grown ? strdup(ent->d_name) : NULL;
        if (copy == NULL) {
            list = grown ? grown : list;
            rc = ILRS_ENOMEM;
            break;
        }
        list = grown;
        list[n++] = copy;
    }
    closedir(d);
    if (list != NULL) {
        qsort(list, n, sizeof *list, name_cmp);
    }
    *names = list;
    *count = n;
    return rc;
}

static void free_list(char **names, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(names[i]);
    }
    free(names);
}

static int set_error(char *error, size_t cap, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int set_error(char *error, size_t cap, int code, const char *fmt, ...)
{
    if (error != NULL && cap > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(error, cap, fmt, ap);
        va_end(ap);
    }
    return code;
}

static void append_name(ilrs_ephem_t *e, const char *name)
{
    size_t len = strlen(e->kernel_names);
    snprintf(e->kernel_names + len, sizeof e->kernel_names - len, "%s%s", len ? ", " : "", name);
}

static int add_kernel(ilrs_ephem_t *e, const char *dir, const char *sub, const char *name,
                      ilrs_spk_kind_t want, char *error, size_t cap)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name);
    if (e->kernel_count == MAX_KERNELS) {
        return set_error(error, cap, ILRS_ELIMIT, "%s: more than %d kernels", path, MAX_KERNELS);
    }
    ilrs_spk_t *k = NULL;
    int rc = ilrs_spk_open(path, &k, error, cap);
    if (rc != 0) {
        return rc;
    }
    if (k->kind != want) {
        ilrs_spk_destroy(k);
        return set_error(error, cap, ILRS_ETWIN_KERNEL, "%s: is a %s kernel, expected %s", path,
                         want == ILRS_SPK_KIND_SPK ? "PCK" : "SPK",
                         want == ILRS_SPK_KIND_SPK ? "SPK" : "PCK");
    }
    e->kernels[e->kernel_count++] = k;
    append_name(e, name);
    return 0;
}

static int load_fk(ilrs_ephem_t *e, const char *dir, char *error, size_t cap)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/fk/moon_080317.tf", dir);
    if (n < 0 || (size_t)n >= sizeof path) {
        return set_error(error, cap, ILRS_EINVAL, "kernel directory path too long");
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return set_error(error, cap, ILRS_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    int rc = 0;
    char *text = malloc(1 << 20);
    if (text == NULL) {
        rc = set_error(error, cap, ILRS_ENOMEM, "%s: out of memory", path);
        goto out_close;
    }
    size_t len = fread(text, 1, (1 << 20) - 1, f);
    text[len] = '\0';
    rc = ilrs__fk_pa_to_me(text, path, e->pa_to_me, error, cap);
    if (rc == 0) {
        append_name(e, "moon_080317.tf");
    }
    free(text);
out_close:
    fclose(f);
    return rc;
}

/* Collect every pair's candidate segments in precedence order and the span
 * over which all pairs are covered. */
static void index_pairs(ilrs_ephem_t *e)
{
    e->have_spk = true;
    e->cover_start = -INFINITY;
    e->cover_end = INFINITY;
    for (int p = 0; p < PAIR_COUNT; p++) {
        pair_cache_t *pc = &e->pairs[p];
        memset(pc, 0, sizeof *pc);
        pc->span_start = INFINITY;
        pc->span_end = -INFINITY;
        for (size_t k = 0; k < e->kernel_count; k++) {
            const ilrs_spk_t *kernel = e->kernels[k];
            for (size_t s = 0; s < kernel->segment_count; s++) {
                const twin_segment_t *seg = &kernel->segments[s];
                if (seg->target != pair_ids[p][0] || seg->center != pair_ids[p][1] ||
                    seg->type != 2 ||
                    (kernel->kind == ILRS_SPK_KIND_SPK && seg->frame != TWIN_NAIF_J2000)) {
                    continue;
                }
                if (pc->count == MAX_PAIR_SEGMENTS) {
                    ilrs_log(ILRS_LOG_WARN, "twin", "more than %d segments for %d wrt %d",
                             MAX_PAIR_SEGMENTS, pair_ids[p][0], pair_ids[p][1]);
                    continue;
                }
                pc->segs[pc->count++] = seg;
                pc->span_start = fmin(pc->span_start, seg->start_et);
                pc->span_end = fmax(pc->span_end, seg->end_et);
            }
        }
        if (pc->count == 0) {
            e->have_spk = false;
        }
        e->cover_start = fmax(e->cover_start, pc->span_start);
        e->cover_end = fmin(e->cover_end, pc->span_end);
    }
}

int ilrs_ephem_create(ilrs_ephem_source_t source, const char *kernel_dir, ilrs_ephem_t **out,
                      char *error, size_t error_cap)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (error != NULL && error_cap > 0) {
        error[0] = '\0';
    }
    if (out == NULL || source < ILRS_EPHEM_AUTO || source > ILRS_EPHEM_SPK) {
        return set_error(error, error_cap, ILRS_EINVAL, "invalid ephemeris source %d", (int)source);
    }
    ilrs_ephem_t *e = calloc(1, sizeof *e);
    if (e == NULL) {
        return set_error(error, error_cap, ILRS_ENOMEM, "out of memory");
    }
    e->mode = source;
    eraIr(e->pa_to_me);
    index_pairs(e);
    int rc = 0;
    char **names = NULL;
    size_t count = 0;
    if (source == ILRS_EPHEM_ANALYTIC) {
        goto out_done;
    }
    char dir[4096];
    if (kernel_dir != NULL) {
        snprintf(dir, sizeof dir, "%s", kernel_dir);
    } else {
        const char *env = getenv("ILRS_DATA_DIR");
        if (env != NULL && *env != '\0') {
            snprintf(dir, sizeof dir, "%s/ephemeris", env);
        } else {
            snprintf(dir, sizeof dir, "%s/../shared/data/ephemeris", ILRS_SOURCE_DIR);
        }
    }
    /* SPKs in name order: later files take precedence (NAIF: last loaded wins),
     * so de440s > de430 > de421 with the shipped set. */
    rc = list_files(dir, "spk", ".bsp", &names, &count);
    for (size_t i = 0; rc == 0 && i < count; i++) {
        rc = add_kernel(e, dir, "spk", names[i], ILRS_SPK_KIND_SPK, error, error_cap);
    }
    free_list(names, count);
    names = NULL;
    if (rc != 0) {
        goto out_fail;
    }
    size_t spk_count = e->kernel_count;
    rc = list_files(dir, "pck", ".bpc", &names, &count);
    for (size_t i = 0; rc == 0 && i < count; i++) {
        rc = add_kernel(e, dir, "pck", names[i], ILRS_SPK_KIND_PCK, error, error_cap);
    }
    free_list(names, count);
    names = NULL;
    if (rc != 0) {
        goto out_fail;
    }
    if (spk_count == 0 || e->kernel_count == spk_count) {
        if (source == ILRS_EPHEM_SPK) {
            rc = set_error(error, error_cap, ILRS_EIO,
                           "%s: no SPK (spk/*.bsp) or no binary PCK (pck/*.bpc) kernels", dir);
            goto out_fail;
        }
        ilrs_log(ILRS_LOG_INFO, "twin", "%s: no kernels, using the analytic ephemeris", dir);
        goto out_done;
    }
    rc = load_fk(e, dir, error, error_cap);
    if (rc != 0) {
        goto out_fail;
    }
    index_pairs(e);
    if (!e->have_spk) {
        if (source == ILRS_EPHEM_SPK) {
            rc = set_error(error, error_cap, ILRS_ETWIN_KERNEL,
                           "%s: kernels lack a segment for Sun, EMB, Moon, Earth or the "
                           "MOON_PA_DE421 angles",
                           dir);
            goto out_fail;
        }
        ilrs_log(ILRS_LOG_WARN, "twin", "%s: incomplete kernels, using the analytic ephemeris",
                 dir);
    }
out_done:
    if (!e->have_spk) {
        e->cover_start = 0;
        e->cover_end = 0;
    }
    *out = e;
    return 0;
out_fail:
    ilrs_ephem_destroy(e);
    return rc;
}

void ilrs_ephem_destroy(ilrs_ephem_t *ephem)
{
    if (ephem == NULL) {
        return;
    }
    for (size_t i = 0; i < ephem->kernel_count; i++) {
        ilrs_spk_destroy(ephem->kernels[i]);
    }
    free(ephem);
}

/* TAI instant of TDB seconds @p et past J2000 (inverse of ilrs_ephem_tdb_seconds
 * to a few nanoseconds after two fixed-point steps). */
static ilrs_tai_t tai_of_tdb(double et)
{
    double guess = et - TWIN_TT_MINUS_TAI_S;
    for (int i = 0; i < 2; i++) {
        ilrs_tai_t t = TWIN_TAI_J2000_OFFSET_S * ILRS_NS_PER_S + (int64_t)llround(guess * 1e9);
        guess += et - ilrs_ephem_tdb_seconds(t);
    }
    return TWIN_TAI_J2000_OFFSET_S * ILRS_NS_PER_S + (int64_t)llround(guess * 1e9);
}

int ilrs_ephem_coverage(const ilrs_ephem_t *ephem, ilrs_tai_t *start, ilrs_tai_t *end)
{
    *start = 0;
    *end = 0;
    if (ephem == NULL || !ephem->have_spk || ephem->kernel_count == 0) {
        return ILRS_ENOENT;
    }
    *start = tai_of_tdb(ephem->cover_start);
    *end = tai_of_tdb(ephem->cover_end);
    return 0;
}

const char *ilrs_ephem_kernels(const ilrs_ephem_t *ephem)
{
    return ephem ? ephem->kernel_names : "";
}

/* ------------------------------------------------------------------------- */
/* Evaluation                                                                 */
/* ------------------------------------------------------------------------- */

/* Segment of pair @p p at @p et, through the cache. NULL if uncovered. */
static const twin_segment_t *pair_lookup(pair_cache_t *pc, double et)
{
    if (pc->current != NULL && et >= pc->lo && et < pc->hi) {
        return pc->current;
    }
    for (size_t i = pc->count; i > 0; i--) {
        const twin_segment_t *seg = pc->segs[i - 1];
        if (et < seg->start_et || et > seg->end_et) {
            continue;
        }
        /* Valid until a higher-precedence segment starts covering. */
        double lo = seg->start_et, hi = nextafter(seg->end_et, INFINITY);
        for (size_t j = i; j < pc->count; j++) {
            const twin_segment_t *h = pc->segs[j];
            if (h->start_et > et) {
                hi = fmin(hi, h->start_et);
            } else {
                lo = fmax(lo, nextafter(h->end_et, INFINITY));
            }
        }
        pc->current = seg;
        pc->lo = lo;
        pc->hi = hi;
        return seg;
    }
    return NULL;
}

static void scale3(double v[3], double k)
{
    v[0] *= k;
    v[1] *= k;
    v[2] *= k;
}

/* ICRF -> MOON_ME from the libration segment. pck.req §Binary PCK type 2: the
 * Euler angles (phi, delta, w) give J2000 -> MOON_PA = [w]_3 [delta]_1 [phi]_3;
 * then the constant PA -> ME of the frame kernel. */
static void spk_rotation(ilrs_ephem_t *e, const twin_segment_t *lib, double et,
                         double rotation[3][3])
{
    double ang[3], pa[3][3];
    ilrs__segment_eval(lib, et, ang, NULL);
    eraIr(pa);
    eraRz(ang[0], pa);
    eraRx(ang[1], pa);
    eraRz(ang[2], pa);
    eraRxr(e->pa_to_me, pa, rotation);
}

static bool spk_bodies(ilrs_ephem_t *e, double et, twin_bodies_t *b)
{
    const twin_segment_t *seg[PAIR_COUNT];
    for (int p = 0; p < PAIR_COUNT; p++) {
        seg[p] = pair_lookup(&e->pairs[p], et);
        if (seg[p] == NULL) {
            return false;
        }
    }
    double emb[3], emb_v[3], rel[3], rel_v[3];
    ilrs__segment_eval(seg[PAIR_SUN], et, b->sun, b->sun_vel);
    ilrs__segment_eval(seg[PAIR_EMB], et, emb, emb_v);
    ilrs__segment_eval(seg[PAIR_MOON], et, rel, rel_v);
    for (int i = 0; i < 3; i++) {
        b->moon[i] = emb[i] + rel[i];
        b->moon_vel[i] = emb_v[i] + rel_v[i];
    }
    ilrs__segment_eval(seg[PAIR_EARTH], et, rel, rel_v);
    for (int i = 0; i < 3; i++) {
        b->earth[i] = emb[i] + rel[i];
        b->earth_vel[i] = emb_v[i] + rel_v[i];
    }
    scale3(b->sun, 1e3);
    scale3(b->sun_vel, 1e3);
    scale3(b->moon, 1e3);
    scale3(b->moon_vel, 1e3);
    scale3(b->earth, 1e3);
    scale3(b->earth_vel, 1e3);
    spk_rotation(e, seg[PAIR_LIBRATION], et, b->moon_rot);
    b->source = ILRS_EPHEM_SPK;
    return true;
}

void ilrs__analytic_bodies_direct(double et, twin_bodies_t *b)
{
    double pvh[2][3], pvb[2][3], pvm[2][3];
    double day = et / 86400.0;
    /* eraEpv00 takes TDB, eraMoon98 TT; TT = TDB to 1.7 ms, i.e. < 2 m of lunar motion. */
    (void)eraEpv00(ERFA_DJ00, day, pvh, pvb);
    eraMoon98(ERFA_DJ00, day, pvm);
    const double au = TWIN_AU_M, au_day = TWIN_AU_M / 86400.0;
    for (int i = 0; i < 3; i++) {
        b->earth[i] = pvb[0][i] * au;
        b->earth_vel[i] = pvb[1][i] * au_day;
        b->sun[i] = (pvb[0][i] - pvh[0][i]) * au;
        b->sun_vel[i] = (pvb[1][i] - pvh[1][i]) * au_day;
        b->moon[i] = b->earth[i] + pvm[0][i] * au;
        b->moon_vel[i] = b->earth_vel[i] + pvm[1][i] * au_day;
    }
    ilrs__iau_moon_rotation(et, b->moon_rot);
    b->source = ILRS_EPHEM_ANALYTIC;
}

/* Slot of the node for grid time @p et_node, computing it (into a slot other
 * than @p keep, -1 for none) if neither cached node matches. */
static int analytic_node(ilrs_ephem_t *e, double et_node, int keep)
{
    for (int i = 0; i < 2; i++) {
        if (e->node_valid[i] && e->node_et[i] == et_node) {
            return i;
        }
    }
    int slot = keep == 0 ? 1 : keep == 1 ? 0 : (e->node_valid[0] ? 1 : 0);
    if (keep < 0 && e->node_valid[0] && e->node_valid[1]) {
        slot = e->node_et[0] < e->node_et[1] ? 0 : 1; /* replace the older */
    }
    ilrs__analytic_bodies_direct(et_node, &e->nodes[slot]);
    e->node_et[slot] = et_node;
    e->node_valid[slot] = true;
    return slot;
}

/* Cubic Hermite interpolation of one position/velocity pair between nodes. */
static void hermite(const double pa[3], const double va[3], const double pb[3], const double vb[3],
                    double s, double h, double p[3], double v[3])
{
    double s2 = s * s, s3 = s2 * s;
    double h00 = 2 * s3 - 3 * s2 + 1, h10 = s3 - 2 * s2 + s, h01 = -2 * s3 + 3 * s2, h11 = s3 - s2;
    double g00 = (6 * s2 - 6 * s) / h, g10 = 3 * s2 - 4 * s + 1, g01 = (-6 * s2 + 6 * s) / h,
           g11 = 3 * s2 - 2 * s;
    for (int i = 0; i < 3; i++) {
        p[i] = h00 * pa[i] + h10 * h * va[i] + h01 * pb[i] + h11 * h * vb[i];
        v[i] = g00 * pa[i] + g10 * va[i] + g01 * pb[i] + g11 * vb[i];
    }
}

/* Analytic bodies through the node cache. eraEpv00 + eraMoon98 cost ~40 us
 * per call; evaluated on a fixed 1-hour TDB grid and joined by cubic Hermite
 * interpolation (positions and velocities at both nodes). The truncation
 * error is below 1 cm for the Moon (4th derivative ~ a w^2 ~ 2e-14 m s^-4,
 * error <= h^4/384 x that); what remains (~1 m, checked < 5 m in
 * test_ephem.c) is the series' velocities not being exactly the derivatives of
 * their positions, far below the series' own kilometre accuracy. The grid is
 * fixed, so results do not depend on the order of calls. The lunar rotation
 * is evaluated directly. */
static void analytic_bodies(ilrs_ephem_t *e, double et, twin_bodies_t *b)
{
    const double h = TWIN_ANALYTIC_NODE_S;
    double ta = floor(et / h) * h;
    int slot_a = analytic_node(e, ta, -1);
    int slot_c = analytic_node(e, ta + h, slot_a);
    const twin_bodies_t *a = &e->nodes[slot_a], *c = &e->nodes[slot_c];
    double s = (et - ta) / h;
    hermite(a->sun, a->sun_vel, c->sun, c->sun_vel, s, h, b->sun, b->sun_vel);
    hermite(a->earth, a->earth_vel, c->earth, c->earth_vel, s, h, b->earth, b->earth_vel);
    hermite(a->moon, a->moon_vel, c->moon, c->moon_vel, s, h, b->moon, b->moon_vel);
    ilrs__iau_moon_rotation(et, b->moon_rot);
    b->source = ILRS_EPHEM_ANALYTIC;
}

int ilrs__ephem_bodies(ilrs_ephem_t *ephem, ilrs_tai_t t, twin_bodies_t *out)
{
    if (ephem->last_valid && ephem->last_t == t) {
        *out = ephem->last;
        return 0;
    }
    memset(out, 0, sizeof *out);
    double et = ilrs_ephem_tdb_seconds(t);
    if (ephem->mode != ILRS_EPHEM_ANALYTIC && ephem->have_spk && spk_bodies(ephem, et, out)) {
        ephem->last = *out;
        ephem->last_t = t;
        ephem->last_valid = true;
        return 0;
    }
    if (ephem->mode == ILRS_EPHEM_SPK) {
        char when[32];
        (void)ilrs_ephem_format_utc(t, when, sizeof when);
        ilrs_log(ILRS_LOG_ERROR, "twin",
                 "%s (TDB %.1f s past J2000) is outside the kernels' coverage (%s)", when, et,
                 ephem->kernel_names);
        return ILRS_ETWIN_EPHEM_RANGE;
    }
    analytic_bodies(ephem, et, out);
    ephem->last = *out;
    ephem->last_t = t;
    ephem->last_valid = true;
    return 0;
}

int ilrs_ephem_sun_earth(ilrs_ephem_t *ephem, ilrs_tai_t t, double sun_m[3], double earth_m[3],
                         ilrs_ephem_source_t *used)
{
    twin_bodies_t b;
    int rc = ilrs__ephem_bodies(ephem, t, &b);
    for (int i = 0; i < 3; i++) {
        sun_m[i] = b.sun[i] - b.moon[i];
        earth_m[i] = b.earth[i] - b.moon[i];
    }
    if (used != NULL) {
        *used = b.source;
    }
    return rc;
}

int ilrs_ephem_moon_rotation(ilrs_ephem_t *ephem, ilrs_tai_t t, double rotation[3][3])
{
    /* Orientation only (terrain code calls this often): the same source
     * decision as ilrs__ephem_bodies, without evaluating the positions. */
    double et = ilrs_ephem_tdb_seconds(t);
    if (ephem->mode != ILRS_EPHEM_ANALYTIC && ephem->have_spk) {
        bool covered = true;
        for (int p = 0; p < PAIR_COUNT && covered; p++) {
            covered = pair_lookup(&ephem->pairs[p], et) != NULL;
        }
        if (covered) {
            spk_rotation(ephem, ephem->pairs[PAIR_LIBRATION].current, et, rotation);
            return 0;
        }
        if (ephem->mode == ILRS_EPHEM_SPK) {
            memset(rotation, 0, 9 * sizeof(double));
            return ILRS_ETWIN_EPHEM_RANGE;
        }
    }
    ilrs__iau_moon_rotation(et, rotation);
    return 0;
}
