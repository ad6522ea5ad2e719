// SPDX-License-Identifier: Apache-2.0
//
// Reader for JPL/NAIF DAF kernels: SPK (body positions) and binary PCK (lunar
// Euler angles), both data type 2 (Chebyshev polynomials). Written by hand
// because no Debian-packaged C library reads SPICE kernels (the NAIF toolkit
// is not packaged and CSPICE's licence forbids redistribution of modified
// copies); the format is small and fully documented.
//
// Sources: NAIF "DAF Required Reading" (daf.req: file record, summary and name
// records, word addresses), "SPK Required Reading" (spk.req §Type 2), "PCK
// Required Reading" (pck.req §Binary PCK type 2), "Frames Required Reading"
// (frames.req §TK frames) for the text frame kernel.
//
// Design notes and invariants:
// - The whole kernel is validated at open: every address, count and epoch is
//   checked against the file size before use, every record's midpoint, radius
//   and coefficients must be finite; afterwards evaluation cannot read outside
//   the decoded arrays. Segment data are converted once to native doubles.
// - Byte order comes from the file's format string ("LTL-IEEE"/"BIG-IEEE");
//   integers and doubles are assembled byte by byte, so the host order does not
//   matter.
// - Segment precedence follows NAIF: within a file the last segment wins.
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <erfa.h>
#include <erfam.h>

#include "twin/twin_int.h"

#define DAF_RECORD 1024
/* FTP validation string (daf.req "Detecting file transfer errors"): a binary
 * file sent in ASCII mode has these bytes altered. */
static const unsigned char ftp_string[28] = {'F',  'T',  'P',  'S', 'T',  'R', ':', '\r', ':', '\n',
                                             ':',  '\r', '\n', ':', '\r', 0,   ':', 0x81, ':', 0x10,
                                             0xce, ':',  'E',  'N', 'D',  'F', 'T', 'P'};

static atomic_ulong rejected_count;

typedef struct daf_reader {
    const unsigned char *data;
    size_t size;
    bool little;
    const char *label;
    char *error;
    size_t error_cap;
} daf_reader_t;

static int fail(const daf_reader_t *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(const daf_reader_t *r, int code, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->error != NULL && r->error_cap > 0) {
        snprintf(r->error, r->error_cap, "%s: %s", r->label, msg);
    }
    ilrs_log(ILRS_LOG_DEBUG, "twin", "%s: %s", r->label, msg);
    atomic_fetch_add(&rejected_count, 1);
    return code;
}

static uint64_t get_u64(const daf_reader_t *r, size_t off)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        unsigned b = r->data[off + (size_t)(r->little ? 7 - i : i)];
        v = (v << 8) | b;
    }
    return v;
}

static double get_f64(const daf_reader_t *r, size_t off)
{
    uint64_t bits = get_u64(r, off);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

static int32_t get_i32(const daf_reader_t *r, size_t off)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned b = r->data[off + (size_t)(r->little ? 3 - i : i)];
        v = (v << 8) | b;
    }
    int32_t s;
    memcpy(&s, &v, sizeof s);
    return s;
}

/* A double that must hold a small non-negative integer (counts in DAF records). */
static bool as_count(double d, double max, long *out)
{
    if (!isfinite(d) || d < 0 || d > max || d != floor(d)) {
        return false;
    }
    *out = (long)d;
    return true;
}

typedef struct raw_summary {
    double start_et, end_et;
    int32_t ints[6];
    char name[41];
} raw_summary_t;

/* Validate one type-2 segment and decode its records into @p dst. */
static int decode_type2(const daf_reader_t *r, twin_segment_t *seg, int32_t first, int32_t last,
                        double *dst)
{
    size_t words = (size_t)(last - first + 1);
    size_t tail = ((size_t)last - 4) * 8; /* byte offset of the 4-word trailer */
    double init = get_f64(r, tail), intlen = get_f64(r, tail + 8);
    double rsize_d = get_f64(r, tail + 16), n_d = get_f64(r, tail + 24);
    long rsize = 0, n = 0;
    if (!isfinite(init) || !isfinite(intlen) || intlen <= 0) {
        return fail(r, ILRS_ETWIN_KERNEL, "segment '%s' (%d wrt %d): bad INIT %g or INTLEN %g",
                    seg->name, seg->target, seg->center, init, intlen);
    }
    if (!as_count(rsize_d, 2.0 + 3.0 * TWIN_SPK_MAX_COEF, &rsize) || rsize < 5 ||
        (rsize - 2) % 3 != 0) {
        return fail(r, ILRS_ETWIN_KERNEL, "segment '%s' (%d wrt %d): bad RSIZE %g", seg->name,
                    seg->target, seg->center, rsize_d);
    }
    if (!as_count(n_d, 1e9, &n) || n < 1 || (size_t)n * (size_t)rsize + 4 != words) {
        return fail(r, ILRS_ETWIN_KERNEL,
                    "segment '%s' (%d wrt %d): record count N=%g x RSIZE=%ld + 4 != %zu words",
                    seg->name, seg->target, seg->center, n_d, rsize, words);
    }
    double span_end = init + (double)n * intlen;
    double slack = 1e-6 * intlen + 1.0;
    if (seg->start_et < init - slack || seg->end_et > span_end + slack) {
        return fail(r, ILRS_ETWIN_KERNEL,
                    "segment '%s' (%d wrt %d): coverage %.1f..%.1f s lies outside its records "
                    "%.1f..%.1f s",
                    seg->name, seg->target, seg->center, seg->start_et, seg->end_et, init,
                    span_end);
    }
    size_t base = ((size_t)first - 1) * 8;
    size_t count = (size_t)n * (size_t)rsize;
    for (size_t i = 0; i < count; i++) {
        dst[i] = get_f64(r, base + 8 * i);
        if (!isfinite(dst[i])) {
            return fail(r, ILRS_ETWIN_KERNEL,
                        "segment '%s' (%d wrt %d): non-finite value in record %zu", seg->name,
                        seg->target, seg->center, i / (size_t)rsize);
        }
        if (i % (size_t)rsize == 1 && !(dst[i] > 0)) {
            return fail(r, ILRS_ETWIN_KERNEL,
                        "segment '%s' (%d wrt %d): record %zu has radius %g (must be > 0)",
                        seg->name, seg->target, seg->center, i / (size_t)rsize, dst[i]);
        }
    }
    seg->init = init;
    seg->intlen = intlen;
    seg->rsize = (int)rsize;
    seg->ncoef = (int)((rsize - 2) / 3);
    seg->n = (size_t)n;
    seg->rec = dst;
    return 0;
}

typedef struct word_range {
    int32_t first, last;
    size_t index;
} word_range_t;

static int range_cmp(const void *a, const void *b)
{
    const word_range_t *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

static int check_overlap(const daf_reader_t *r, const raw_summary_t *sums, size_t nsums, int ni)
{
    word_range_t *ranges = malloc(nsums * sizeof *ranges);
    if (ranges == NULL) {
        return fail(r, ILRS_ENOMEM, "out of memory checking %zu segments", nsums);
    }
    for (size_t i = 0; i < nsums; i++) {
        ranges[i].first = sums[i].ints[ni - 2];
        ranges[i].last = sums[i].ints[ni - 1];
        ranges[i].index = i;
    }
    qsort(ranges, nsums, sizeof *ranges, range_cmp);
    int rc = 0;
    for (size_t i = 1; i < nsums; i++) {
        if (ranges[i].first <= ranges[i - 1].last) {
            rc = fail(r, ILRS_ETWIN_KERNEL,
                      "segments %zu and %zu overlap (data words %d..%d and %d..%d)",
                      ranges[i - 1].index, ranges[i].index, (int)ranges[i - 1].first,
                      (int)ranges[i - 1].last, (int)ranges[i].first, (int)ranges[i].last);
            break;
        }
    }
    free(ranges);
    return rc;
}

static int parse_daf(daf_reader_t *r, ilrs_spk_t *kernel)
{
    raw_summary_t *sums = NULL;
    size_t nsums = 0, cap_sums = 0;
    int rc = 0;

    if (r->size < DAF_RECORD) {
        return fail(r, ILRS_ETWIN_KERNEL, "file is %zu bytes, shorter than one DAF record (1024)",
                    r->size);
    }
    int nd_expected, ni_expected;
    if (memcmp(r->data, "DAF/SPK ", 8) == 0) {
        kernel->kind = ILRS_SPK_KIND_SPK;
        nd_expected = 2;
        ni_expected = 6;
    } else if (memcmp(r->data, "DAF/PCK ", 8) == 0) {
        kernel->kind = ILRS_SPK_KIND_PCK;
        nd_expected = 2;
        ni_expected = 5;
    } else {
        char id[9];
        for (int i = 0; i < 8; i++) {
            id[i] = (r->data[i] >= 32 && r->data[i] < 127) ? (char)r->data[i] : '?';
        }
        id[8] = '\0';
        return fail(r, ILRS_ETWIN_KERNEL, "file ID word is '%s', expected 'DAF/SPK ' or 'DAF/PCK '",
                    id);
    }
    if (memcmp(r->data + 88, "LTL-IEEE", 8) == 0) {
        r->little = true;
    } else if (memcmp(r->data + 88, "BIG-IEEE", 8) == 0) {
        r->little = false;
    } else {
        return fail(r, ILRS_ETWIN_KERNEL,
                    "binary format string at byte 88 is not LTL-IEEE or BIG-IEEE");
    }
    static const unsigned char zeros[28] = {0};
    if (memcmp(r->data + 699, zeros, 28) != 0 && memcmp(r->data + 699, ftp_string, 28) != 0) {
        return fail(r, ILRS_ETWIN_KERNEL,
                    "FTP validation string damaged (file transferred in text mode?)");
    }
    int32_t nd = get_i32(r, 8), ni = get_i32(r, 12);
    if (nd != nd_expected || ni != ni_expected) {
        return fail(r, ILRS_ETWIN_KERNEL, "ND=%d NI=%d, expected ND=%d NI=%d", (int)nd, (int)ni,
                    nd_expected, ni_expected);
    }
    int32_t fward = get_i32(r, 76);
    size_t nrecords = r->size / DAF_RECORD;
    size_t ss = (size_t)nd + ((size_t)ni + 1) / 2; /* summary size in doubles */
    size_t nc = 8 * ss;                            /* name size in characters */
    size_t max_per_record = (DAF_RECORD / 8 - 3) / ss;

    /* Walk the doubly linked list of summary records (daf.req), bounded by the
     * number of records so that a cycle cannot loop forever. */
    long rec = fward;
    size_t visited = 0;
    while (rec != 0) {
        if (rec < 2 || (size_t)rec + 1 > nrecords) {
            rc = fail(r, ILRS_ETWIN_KERNEL,
                      "summary record %ld (with its name record) lies outside the file's %zu "
                      "records (truncated?)",
                      rec, nrecords);
            goto out_free;
        }
        if (++visited > nrecords) {
            rc = fail(r, ILRS_ETWIN_KERNEL, "summary record list loops (record %ld)", rec);
            goto out_free;
        }
        size_t off = ((size_t)rec - 1) * DAF_RECORD;
        long next = 0, count = 0;
        if (!as_count(get_f64(r, off), (double)nrecords, &next) ||
            !as_count(get_f64(r, off + 16), (double)max_per_record, &count)) {
            rc = fail(r, ILRS_ETWIN_KERNEL,
                      "summary record %ld: bad NEXT %g or NSUM %g (at most %zu)", rec,
                      get_f64(r, off), get_f64(r, off + 16), max_per_record);
            goto out_free;
        }
        for (long i = 0; i < count; i++) {
            if (nsums == cap_sums) {
                size_t grown_cap = cap_sums ? 2 * cap_sums : 16;
                raw_summary_t *grown = realloc(sums, grown_cap * sizeof *sums);
                if (grown == NULL) {
                    rc = fail(r, ILRS_ENOMEM, "out of memory reading summaries");
                    goto out_free;
                }
                sums = grown;
                cap_sums = grown_cap;
            }
            raw_summary_t *s = &sums[nsums++];
            size_t so = off + 24 + (size_t)i * ss * 8;
            s->start_et = get_f64(r, so);
            s->end_et = get_f64(r, so + 8);
            memset(s->ints, 0, sizeof s->ints);
            for (int k = 0; k < ni; k++) {
                s->ints[k] = get_i32(r, so + 16 + 4 * (size_t)k);
            }
            size_t no = off + DAF_RECORD + (size_t)i * nc;
            size_t len = nc < 40 ? nc : 40;
            for (size_t k = 0; k < len; k++) {
                unsigned char ch = r->data[no + k];
                s->name[k] = (ch >= 32 && ch < 127) ? (char)ch : ' ';
            }
            s->name[len] = '\0';
            for (size_t k = len; k > 0 && s->name[k - 1] == ' '; k--) {
                s->name[k - 1] = '\0';
            }
        }
        rec = next;
    }
    if (nsums == 0) {
        rc = fail(r, ILRS_ETWIN_KERNEL, "no segments");
        goto out_free;
    }

    /* Validate the summaries and size the decoded data. */
    size_t total_words = 0;
    size_t file_words = r->size / 8;
    for (size_t i = 0; i < nsums; i++) {
        raw_summary_t *s = &sums[i];
        int32_t first = s->ints[ni - 2], last = s->ints[ni - 1];
        if (!isfinite(s->start_et) || !isfinite(s->end_et) || s->start_et > s->end_et) {
            rc = fail(r, ILRS_ETWIN_KERNEL, "segment %zu '%s': bad coverage %g..%g s", i, s->name,
                      s->start_et, s->end_et);
            goto out_free;
        }
        if (first < 1 || last < first + 3 || (size_t)last > file_words) {
            rc = fail(r, ILRS_ETWIN_KERNEL,
                      "segment %zu '%s': data words %d..%d outside the file's %zu words "
                      "(truncated?)",
                      i, s->name, (int)first, (int)last, file_words);
            goto out_free;
        }
        total_words += (size_t)(last - first + 1);
    }
    /* Segments of a valid DAF never share words. Rejecting overlaps also bounds
     * the decoded size by the file size, so a small crafted file cannot make us
     * allocate gigabytes. */
    rc = check_overlap(r, sums, nsums, ni);
    if (rc != 0) {
        goto out_free;
    }
    kernel->segments = calloc(nsums, sizeof *kernel->segments);
    kernel->data = malloc((total_words ? total_words : 1) * sizeof(double));
    if (kernel->segments == NULL || kernel->data == NULL) {
        rc = fail(r, ILRS_ENOMEM, "out of memory for %zu segment words", total_words);
        goto out_free;
    }
    double *dst = kernel->data;
    for (size_t i = 0; i < nsums; i++) {
        raw_summary_t *s = &sums[i];
        twin_segment_t *seg = &kernel->segments[i];
        memcpy(seg->name, s->name, sizeof seg->name);
        seg->start_et = s->start_et;
        seg->end_et = s->end_et;
        if (kernel->kind == ILRS_SPK_KIND_SPK) {
            seg->target = s->ints[0];
            seg->center = s->ints[1];
            seg->frame = s->ints[2];
            seg->type = s->ints[3];
        } else {
            seg->target = s->ints[0];
            seg->center = s->ints[1];
            seg->frame = s->ints[1];
            seg->type = s->ints[2];
        }
        int32_t first = s->ints[ni - 2], last = s->ints[ni - 1];
        if (seg->type == 2) {
            rc = decode_type2(r, seg, first, last, dst);
            if (rc != 0) {
                goto out_free;
            }
            dst += seg->n * (size_t)seg->rsize;
        } else {
            /* Other data types are kept (listed) but never evaluated. */
            ilrs_log(ILRS_LOG_DEBUG, "twin", "%s: segment '%s' has unsupported type %d, ignored",
                     r->label, seg->name, seg->type);
        }
    }
    kernel->segment_count = nsums;

out_free:
    free(sums);
    return rc;
}

int ilrs_spk_open_memory(const void *data, size_t size, const char *name, ilrs_spk_t **out,
                         char *error, size_t error_cap)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (error != NULL && error_cap > 0) {
        error[0] = '\0';
    }
    daf_reader_t r = {.data = data,
                      .size = size,
                      .little = true,
                      .label = name ? name : "(memory)",
                      .error = error,
                      .error_cap = error_cap};
    if (out == NULL || (data == NULL && size > 0)) {
        return fail(&r, ILRS_EINVAL, "no data or no output pointer");
    }
    ilrs_spk_t *kernel = calloc(1, sizeof *kernel);
    if (kernel == NULL) {
        return fail(&r, ILRS_ENOMEM, "out of memory");
    }
    snprintf(kernel->label, sizeof kernel->label, "%s", r.label);
    int rc = parse_daf(&r, kernel);
    if (rc != 0) {
        ilrs_spk_destroy(kernel);
        return rc;
    }
    *out = kernel;
    return 0;
}

int ilrs_spk_open(const char *path, ilrs_spk_t **out, char *error, size_t error_cap)
{
    if (out != NULL) {
        *out = NULL;
    }
    const char *base = path ? strrchr(path, '/') : NULL;
    base = base ? base + 1 : (path ? path : "(null)");
    daf_reader_t r = {.label = path ? path : "(null)", .error = error, .error_cap = error_cap};
    if (path == NULL || out == NULL) {
        return fail(&r, ILRS_EINVAL, "no path or no output pointer");
    }
    int rc = 0;
    unsigned char *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return fail(&r, ILRS_EIO, "cannot open: %s", strerror(errno));
    }
    if (fseek(f, 0, SEEK_END) != 0) {
        rc = fail(&r, ILRS_EIO, "cannot seek: %s", strerror(errno));
        goto out_close;
    }
    long len = ftell(f);
    if (len < 0 || fseek(f, 0, SEEK_SET) != 0) {
        rc = fail(&r, ILRS_EIO, "cannot size: %s", strerror(errno));
        goto out_close;
    }
    buf = malloc(len > 0 ? (size_t)len : 1);
    if (buf == NULL) {
        rc = fail(&r, ILRS_ENOMEM, "out of memory for %ld bytes", len);
        goto out_close;
    }
    if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
        rc = fail(&r, ILRS_EIO, "short read");
        goto out_free;
    }
    rc = ilrs_spk_open_memory(buf, (size_t)len, path, out, error, error_cap);
    if (rc == 0) {
        snprintf((*out)->label, sizeof(*out)->label, "%s", base);
    }
out_free:
    free(buf);
out_close:
    fclose(f);
    return rc;
}

void ilrs_spk_destroy(ilrs_spk_t *kernel)
{
    if (kernel == NULL) {
        return;
    }
    free(kernel->segments);
    free(kernel->data);
    free(kernel);
}

ilrs_spk_kind_t ilrs_spk_kind(const ilrs_spk_t *kernel)
{
    return kernel ? kernel->kind : ILRS_SPK_KIND_SPK;
}

size_t ilrs_spk_segment_count(const ilrs_spk_t *kernel)
{
    return kernel ? kernel->segment_count : 0;
}

int ilrs_spk_segment(const ilrs_spk_t *kernel, size_t index, ilrs_spk_segment_info_t *info)
{
    memset(info, 0, sizeof *info);
    if (kernel == NULL || index >= kernel->segment_count) {
        return ILRS_ERANGE;
    }
    const twin_segment_t *seg = &kernel->segments[index];
    info->target = seg->target;
    info->center = seg->center;
    info->frame = seg->frame;
    info->type = seg->type;
    info->start_tdb_s = seg->start_et;
    info->end_tdb_s = seg->end_et;
    info->degree = seg->type == 2 ? seg->ncoef - 1 : -1;
    info->records = seg->n;
    return 0;
}

const twin_segment_t *ilrs__spk_find(const ilrs_spk_t *kernel, int target, int center, double et)
{
    for (size_t i = kernel->segment_count; i > 0; i--) {
        const twin_segment_t *seg = &kernel->segments[i - 1];
        if (seg->target == target && seg->center == center && seg->type == 2 &&
            et >= seg->start_et && et <= seg->end_et) {
            return seg;
        }
    }
    return NULL;
}

void ilrs__segment_eval(const twin_segment_t *seg, double et, double value[3], double rate[3])
{
    /* spk.req §Type 2: record i covers [init + i*intlen, init + (i+1)*intlen];
     * each holds MID, RADIUS and ncoef Chebyshev coefficients per component. */
    double k = floor((et - seg->init) / seg->intlen);
    size_t idx = 0;
    if (k > 0) {
        idx = k >= (double)(seg->n - 1) ? seg->n - 1 : (size_t)k;
    }
    const double *rec = seg->rec + idx * (size_t)seg->rsize;
    double radius = rec[1];
    double x = (et - rec[0]) / radius;
    int nc = seg->ncoef;
    const double *cx = rec + 2, *cy = cx + nc, *cz = cy + nc;
    /* One forward pass: T_j by the recurrence T_j = 2x T_{j-1} - T_{j-2}, its
     * derivative T'_j = 2 T_{j-1} + 2x T'_{j-1} - T'_{j-2}, and the six sums
     * accumulated side by side (independent chains, so the CPU overlaps them). */
    double t_prev = 1.0, t_cur = x, d_prev = 0.0, d_cur = 1.0;
    double vx = cx[0], vy = cy[0], vz = cz[0], rx = 0.0, ry = 0.0, rz = 0.0;
    if (nc > 1) {
        vx += cx[1] * x;
        vy += cy[1] * x;
        vz += cz[1] * x;
        rx = cx[1];
        ry = cy[1];
        rz = cz[1];
    }
    double two_x = 2.0 * x;
    for (int j = 2; j < nc; j++) {
        double t_next = two_x * t_cur - t_prev;
        double d_next = 2.0 * t_cur + two_x * d_cur - d_prev;
        vx += cx[j] * t_next;
        vy += cy[j] * t_next;
        vz += cz[j] * t_next;
        rx += cx[j] * d_next;
        ry += cy[j] * d_next;
        rz += cz[j] * d_next;
        t_prev = t_cur;
        t_cur = t_next;
        d_prev = d_cur;
        d_cur = d_next;
    }
    if (value != NULL) {
        value[0] = vx;
        value[1] = vy;
        value[2] = vz;
    }
    if (rate != NULL) {
        rate[0] = rx / radius;
        rate[1] = ry / radius;
        rate[2] = rz / radius;
    }
}

int ilrs_spk_evaluate(const ilrs_spk_t *kernel, int target, int center, double tdb_s,
                      double value[3], double rate[3])
{
    for (int c = 0; c < 3; c++) {
        value[c] = 0.0;
        if (rate != NULL) {
            rate[c] = 0.0;
        }
    }
    if (kernel == NULL) {
        return ILRS_EINVAL;
    }
    bool any = false;
    for (size_t i = 0; i < kernel->segment_count; i++) {
        const twin_segment_t *seg = &kernel->segments[i];
        any |= seg->target == target && seg->center == center && seg->type == 2;
    }
    if (!any) {
        return ILRS_ENOTFOUND;
    }
    if (!isfinite(tdb_s)) {
        return ILRS_ETWIN_EPHEM_RANGE;
    }
    const twin_segment_t *seg = ilrs__spk_find(kernel, target, center, tdb_s);
    if (seg == NULL) {
        ilrs_log(ILRS_LOG_DEBUG, "twin", "%s: %d wrt %d not covered at TDB %.3f s past J2000",
                 kernel->label, target, center, tdb_s);
        return ILRS_ETWIN_EPHEM_RANGE;
    }
    ilrs__segment_eval(seg, tdb_s, value, rate);
    return 0;
}

unsigned long ilrs_spk_rejected_count(void)
{
    return atomic_load(&rejected_count);
}

/* ------------------------------------------------------------------------- */
/* Text frame kernel: the MOON_PA -> MOON_ME TK frame                         */
/* ------------------------------------------------------------------------- */

/* Find "KEY = value" inside a \begindata section (kernel.req §Text kernel
 * format) and return a pointer to the value text (after '='), else NULL. */
static const char *fk_find(const char *text, const char *key)
{
    size_t key_len = strlen(key);
    bool in_data = false;
    const char *p = text;
    while (*p != '\0') {
        const char *line_end = strchr(p, '\n');
        if (line_end == NULL) {
            line_end = p + strlen(p);
        }
        const char *q = p;
        while (q < line_end && (*q == ' ' || *q == '\t')) {
            q++;
        }
        if ((size_t)(line_end - q) >= 10 && strncmp(q, "\\begindata", 10) == 0) {
            in_data = true;
        } else if ((size_t)(line_end - q) >= 10 && strncmp(q, "\\begintext", 10) == 0) {
            in_data = false;
        } else if (in_data && (size_t)(line_end - q) > key_len && strncmp(q, key, key_len) == 0 &&
                   (q[key_len] == ' ' || q[key_len] == '\t' || q[key_len] == '=')) {
            const char *e = q + key_len;
            while (e < line_end && (*e == ' ' || *e == '\t')) {
                e++;
            }
            if (e < line_end && *e == '=') {
                return e + 1;
            }
        }
        p = *line_end ? line_end + 1 : line_end;
    }
    return NULL;
}

/* Parse "( a b c )" (commas allowed) into exactly three numbers. */
static bool fk_three_numbers(const char *v, double out[3])
{
    while (*v == ' ' || *v == '\t') {
        v++;
    }
    if (*v != '(') {
        return false;
    }
    v++;
    for (int i = 0; i < 3; i++) {
        while (*v == ' ' || *v == '\t' || *v == ',' || *v == '\n' || *v == '\r') {
            v++;
        }
        char *end = NULL;
        errno = 0;
        out[i] = strtod(v, &end);
        if (end == v || errno != 0 || !isfinite(out[i])) {
            return false;
        }
        v = end;
    }
    while (*v == ' ' || *v == '\t' || *v == ',' || *v == '\n' || *v == '\r') {
        v++;
    }
    return *v == ')';
}

/* Parse "'STRING'" into @p buf. */
static bool fk_string(const char *v, char *buf, size_t cap)
{
    while (*v == ' ' || *v == '\t') {
        v++;
    }
    if (*v != '\'') {
        return false;
    }
    v++;
    size_t n = 0;
    while (*v != '\0' && *v != '\'' && *v != '\n') {
        if (n + 1 < cap) {
            buf[n++] = *v;
        }
        v++;
    }
    buf[n] = '\0';
    return *v == '\'';
}

int ilrs__fk_pa_to_me(const char *text, const char *label, double pa_to_me[3][3], char *error,
                      size_t error_cap)
{
    eraIr(pa_to_me);
    daf_reader_t r = {.label = label, .error = error, .error_cap = error_cap};
    char spec[32], relative[64], units[32];
    double angles[3], axes_d[3];
    const char *v;
    if ((v = fk_find(text, "TKFRAME_31007_SPEC")) == NULL || !fk_string(v, spec, sizeof spec) ||
        strcmp(spec, "ANGLES") != 0) {
        return fail(&r, ILRS_ETWIN_KERNEL, "TKFRAME_31007_SPEC missing or not 'ANGLES'");
    }
    if ((v = fk_find(text, "TKFRAME_31007_RELATIVE")) == NULL ||
        !fk_string(v, relative, sizeof relative) || strcmp(relative, "MOON_PA_DE421") != 0) {
        return fail(&r, ILRS_ETWIN_KERNEL, "TKFRAME_31007_RELATIVE missing or not 'MOON_PA_DE421'");
    }
    if ((v = fk_find(text, "TKFRAME_31007_ANGLES")) == NULL || !fk_three_numbers(v, angles)) {
        return fail(&r, ILRS_ETWIN_KERNEL, "TKFRAME_31007_ANGLES missing or not three numbers");
    }
    if ((v = fk_find(text, "TKFRAME_31007_AXES")) == NULL || !fk_three_numbers(v, axes_d)) {
        return fail(&r, ILRS_ETWIN_KERNEL, "TKFRAME_31007_AXES missing or not three numbers");
    }
    if ((v = fk_find(text, "TKFRAME_31007_UNITS")) == NULL || !fk_string(v, units, sizeof units)) {
        return fail(&r, ILRS_ETWIN_KERNEL, "TKFRAME_31007_UNITS missing");
    }
    double scale;
    if (strcmp(units, "ARCSECONDS") == 0) {
        scale = ERFA_DAS2R;
    } else if (strcmp(units, "ARCMINUTES") == 0) {
        scale = ERFA_DAS2R * 60.0;
    } else if (strcmp(units, "DEGREES") == 0) {
        scale = ERFA_DD2R;
    } else if (strcmp(units, "RADIANS") == 0) {
        scale = 1.0;
    } else {
        return fail(&r, ILRS_ETWIN_KERNEL, "TKFRAME_31007_UNITS '%s' unsupported", units);
    }
    for (int i = 0; i < 3; i++) {
        if (axes_d[i] != 1.0 && axes_d[i] != 2.0 && axes_d[i] != 3.0) {
            return fail(&r, ILRS_ETWIN_KERNEL, "TKFRAME_31007_AXES value %g is not 1, 2 or 3",
                        axes_d[i]);
        }
        if (fabs(angles[i] * scale) > ERFA_D2PI) {
            return fail(&r, ILRS_ETWIN_KERNEL, "TKFRAME_31007_ANGLES value %g %s out of range",
                        angles[i], units);
        }
    }
    /* frames.req §TK frames: M = [a1]_ax1 [a2]_ax2 [a3]_ax3 (frame rotations)
     * maps TK-frame (ME) coordinates to the RELATIVE frame (PA): r_PA = M r_ME.
     * Hence r_ME = M^T r_PA. (The naive r_ME = M r_PA is off by ~0.04 deg;
     * see test_ephem.c, which checks this against the independent IAU model.)
     * ERFA's eraRx/Ry/Rz pre-multiply, so apply the last factor first. */
    double m[3][3];
    eraIr(m);
    for (int i = 2; i >= 0; i--) {
        double a = angles[i] * scale;
        switch ((int)axes_d[i]) {
        case 1:
            eraRx(a, m);
            break;
        case 2:
            eraRy(a, m);
            break;
        default:
            eraRz(a, m);
            break;
        }
    }
    eraTr(m, pa_to_me);
    return 0;
}
