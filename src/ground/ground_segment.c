/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parameter-archive segment codec: one parameter's consecutive samples as one
 * compact blob (layout in docs/ground.md, "Segment format").
 *
 * Times are delta-of-delta encoded (a regular rate costs one octet a sample, as
 * in Gorilla, Pelkonen et al. 2015 §4.1.1), integers are delta encoded, both as
 * zigzag LEB128 varints (the Protocol Buffers encoding); floats and engineering
 * values are stored as IEEE-754 binary64, little-endian. All arithmetic on deltas
 * is modulo 2^64 so any input, corrupt blobs included, is well defined. The
 * reader checks every length before it reads. Written by hand: no library
 * offers this column layout, and it is a few dozen lines.
 */
#include <string.h>

#include "ground_int.h"

static inline uint64_t zigzag(uint64_t v)
{
    return (v << 1) ^ (uint64_t)(-(int64_t)(v >> 63));
}

static inline uint64_t unzigzag(uint64_t v)
{
    return (v >> 1) ^ (uint64_t)(-(int64_t)(v & 1u));
}

static inline size_t put_varint(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80u) {
        p[n++] = (uint8_t)(v | 0x80u);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

/* Read a varint from [*p, end): 0, or -1 when truncated or longer than 10 octets. */
static inline int get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t out = 0;
    unsigned shift = 0;
    const uint8_t *q = *p;
    while (q < end && shift < 64) {
        uint8_t b = *q++;
        out |= (uint64_t)(b & 0x7Fu) << shift;
        if ((b & 0x80u) == 0) {
            *p = q;
            *v = out;
            return 0;
        }
        shift += 7;
    }
    return -1;
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static inline uint64_t get_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = (v << 8) | p[i];
    }
    return v;
}

static uint64_t double_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

size_t ilrs__ground_segment_bound(const ground_columns_t *cols)
{
    size_t n = cols->count;
    size_t bytes = 0;
    if (cols->kind == ILRS_GROUND_KIND_BYTES && n > 0) {
        bytes = cols->bytes_end[n - 1];
    }
    /* header 3 + three varints; 10 octets per time and per value at most */
    return 3 + 30 + 10 * n + 10 * n + bytes + 8 * n + n;
}

static size_t encode_times(const ground_columns_t *cols, uint8_t *p)
{
    size_t n = 0;
    uint64_t prev = 0, prev_delta = 0;
    for (uint32_t i = 0; i < cols->count; i++) {
        uint64_t t = (uint64_t)cols->times[i];
        if (i == 0) {
            n += put_varint(p + n, zigzag(t));
        } else {
            uint64_t delta = t - prev;
            n += put_varint(p + n, zigzag(delta - prev_delta));
            prev_delta = delta;
        }
        prev = t;
    }
    return n;
}

static size_t encode_values(const ground_columns_t *cols, uint8_t *p)
{
    size_t n = 0;
    if (cols->kind == ILRS_GROUND_KIND_INT) {
        uint64_t prev = 0;
        for (uint32_t i = 0; i < cols->count; i++) {
            n += put_varint(p + n, zigzag(cols->values[i] - prev));
            prev = cols->values[i];
        }
    } else if (cols->kind == ILRS_GROUND_KIND_FLOAT) {
        for (uint32_t i = 0; i < cols->count; i++) {
            put_le64(p + n, cols->values[i]);
            n += 8;
        }
    } else {
        uint32_t start = 0;
        for (uint32_t i = 0; i < cols->count; i++) {
            uint32_t len = cols->bytes_end[i] - start;
            n += put_varint(p + n, len);
            if (len > 0) {
                memcpy(p + n, cols->bytes + start, len);
            }
            n += len;
            start = cols->bytes_end[i];
        }
    }
    return n;
}

size_t ilrs__ground_segment_encode(const ground_columns_t *cols, uint8_t *out)
{
    /* The column lengths go in the header, so encode the columns first at the
     * largest header offset and move them down once (one memmove per segment). */
    uint8_t *body = out + 33;
    size_t times_len = encode_times(cols, body);
    size_t values_len = encode_values(cols, body + times_len);
    size_t h = 0;
    out[h++] = (uint8_t)GROUND_SEGMENT_VERSION;
    out[h++] = cols->kind;
    out[h++] = cols->flags;
    h += put_varint(out + h, cols->count);
    h += put_varint(out + h, times_len);
    h += put_varint(out + h, values_len);
    memmove(out + h, body, times_len + values_len);
    size_t n = h + times_len + values_len;
    if (cols->flags & GROUND_SEG_ENG) {
        for (uint32_t i = 0; i < cols->count; i++) {
            put_le64(out + n, double_bits(cols->eng[i]));
            n += 8;
        }
    }
    if (cols->flags & GROUND_SEG_LIMIT) {
        memcpy(out + n, cols->limit, cols->count);
        n += cols->count;
    }
    return n;
}

int ilrs__ground_segment_open(ground_segment_reader_t *r, const uint8_t *blob, size_t len)
{
    memset(r, 0, sizeof *r);
    if (blob == NULL || len < 3 || blob[0] != GROUND_SEGMENT_VERSION ||
        blob[1] > ILRS_GROUND_KIND_BYTES || (blob[2] & ~(GROUND_SEG_ENG | GROUND_SEG_LIMIT)) != 0) {
        return ILRS_EGROUND_SEGMENT;
    }
    const uint8_t *p = blob + 3, *end = blob + len;
    uint64_t count, times_len, values_len;
    if (get_varint(&p, end, &count) != 0 || get_varint(&p, end, &times_len) != 0 ||
        get_varint(&p, end, &values_len) != 0 || count > UINT32_MAX) {
        return ILRS_EGROUND_SEGMENT;
    }
    size_t rest = (size_t)(end - p);
    uint64_t fixed = 0;
    if (blob[2] & GROUND_SEG_ENG) {
        fixed += 8 * count;
    }
    if (blob[2] & GROUND_SEG_LIMIT) {
        fixed += count;
    }
    /* every length must add up exactly; compare without overflow */
    if (times_len > rest || values_len > rest - times_len ||
        fixed != (uint64_t)(rest - times_len - values_len)) {
        return ILRS_EGROUND_SEGMENT;
    }
    r->kind = blob[1];
    r->flags = blob[2];
    r->count = (uint32_t)count;
    r->p = p;
    r->end = p + times_len;
    r->vals = r->end;
    r->vals_end = r->vals + values_len;
    r->eng = (r->flags & GROUND_SEG_ENG) ? r->vals_end : NULL;
    r->limit = (r->flags & GROUND_SEG_LIMIT)
                   ? r->vals_end + ((r->flags & GROUND_SEG_ENG) ? 8 * count : 0)
                   : NULL;
    return 0;
}

int ilrs__ground_segment_next(ground_segment_reader_t *r, ground_sample_view_t *s)
{
    if (r->index >= r->count) {
        /* both variable columns must be consumed exactly */
        return (r->p == r->end && r->vals == r->vals_end) ? 0 : ILRS_EGROUND_SEGMENT;
    }
    uint64_t v;
    if (get_varint(&r->p, r->end, &v) != 0) {
        return ILRS_EGROUND_SEGMENT;
    }
    if (r->index == 0) {
        r->prev_time = unzigzag(v);
    } else {
        r->prev_delta += unzigzag(v);
        r->prev_time += r->prev_delta;
    }
    s->kind = r->kind;
    s->time = (ilrs_tai_t)r->prev_time;
    s->bytes = NULL;
    s->bytes_len = 0;
    s->value = 0;
    if (r->kind == ILRS_GROUND_KIND_INT) {
        if (get_varint(&r->vals, r->vals_end, &v) != 0) {
            return ILRS_EGROUND_SEGMENT;
        }
        r->prev_value += unzigzag(v);
        s->value = r->prev_value;
    } else if (r->kind == ILRS_GROUND_KIND_FLOAT) {
        if (r->vals_end - r->vals < 8) {
            return ILRS_EGROUND_SEGMENT;
        }
        s->value = get_le64(r->vals);
        r->vals += 8;
    } else {
        if (get_varint(&r->vals, r->vals_end, &v) != 0 || v > (uint64_t)(r->vals_end - r->vals)) {
            return ILRS_EGROUND_SEGMENT;
        }
        s->bytes = r->vals;
        s->bytes_len = (size_t)v;
        r->vals += v;
    }
    s->has_eng = r->eng != NULL;
    if (r->eng != NULL) {
        uint64_t b = get_le64(r->eng + 8 * (size_t)r->index);
        memcpy(&s->eng, &b, sizeof s->eng);
    } else {
        s->eng = 0;
    }
    s->limit = r->limit != NULL ? r->limit[r->index] : (uint8_t)ILRS_DICT_LIMIT_NONE;
    r->index++;
    return 1;
}

/* ---- packet chunks ------------------------------------------------------------- */

size_t ilrs__ground_chunk_put(uint8_t *out, ilrs_tai_t prev_time, ilrs_tai_t time,
                              ilrs_tai_t receive_time, const uint8_t *pkt, size_t len)
{
    size_t n = put_varint(out, zigzag((uint64_t)time - (uint64_t)prev_time));
    n += put_varint(out + n, zigzag((uint64_t)receive_time - (uint64_t)time));
    n += put_varint(out + n, len);
    memcpy(out + n, pkt, len);
    return n + len;
}

int ilrs__ground_chunk_next(const uint8_t **p, const uint8_t *end, ilrs_tai_t *time,
                            ilrs_tai_t *receive_time, const uint8_t **pkt, size_t *len)
{
    if (*p == end) {
        return 0;
    }
    uint64_t dt, dr, n;
    const uint8_t *q = *p;
    if (get_varint(&q, end, &dt) != 0 || get_varint(&q, end, &dr) != 0 ||
        get_varint(&q, end, &n) != 0 || n > (uint64_t)(end - q)) {
        return ILRS_EGROUND_SEGMENT;
    }
    *time = (ilrs_tai_t)((uint64_t)*time + unzigzag(dt));
    *receive_time = (ilrs_tai_t)((uint64_t)*time + unzigzag(dr));
    *pkt = q;
    *len = (size_t)n;
    *p = q + n;
    return 1;
}
