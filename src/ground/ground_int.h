/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to src/ground: the archive's backend interface and the segment codec.
 *
 * The archive core (ground_archive.c) speaks SQL through a small statement
 * interface that both backends implement (ground_sqlite.c on SQLite,
 * ground_pg.c on libpq): prepare, bind 64-bit integers / text / blobs by
 * 1-based position, step through rows, read columns. The SQL text is shared;
 * parameters are written $1, $2, ... in order of first appearance, which both
 * SQLite (as named parameters) and PostgreSQL accept. Every integer column is
 * BIGINT so PostgreSQL's binary results are always 8 octets. Only the DDL's
 * key and blob column types differ (ground_backend_ops_t.id_type, .blob_type).
 */
#ifndef ILRS_GROUND_INT_H
#define ILRS_GROUND_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ilrs/ground.h>

typedef struct ground_db ground_db_t;
typedef struct ground_stmt ground_stmt_t;

/** step() results besides negative errors. */
enum { GROUND_DONE = 0, GROUND_ROW = 1 };

/** One backend. Every fallible function returns 0 (or GROUND_ROW) or ILRS_EGROUND_DB
 *  / ILRS_ENOMEM, after logging the database's message through ilrs_log(). */
typedef struct ground_backend_ops {
    const char *name;      /**< "sqlite", "postgresql" */
    const char *id_type;   /**< DDL of an auto-increment BIGINT primary key */
    const char *blob_type; /**< DDL of a binary column */
    int (*exec)(ground_db_t *db, const char *sql);
    int (*prepare)(ground_db_t *db, const char *sql, int nparams, ground_stmt_t **out);
    void (*finalize)(ground_stmt_t *st);
    int (*bind_i64)(ground_stmt_t *st, int index, int64_t value);
    /** @p text borrowed until the next step() */
    int (*bind_text)(ground_stmt_t *st, int index, const char *text);
    /** @p data borrowed until the next step() */
    int (*bind_blob)(ground_stmt_t *st, int index, const void *data, size_t len);
    /** GROUND_ROW, GROUND_DONE or an error; after DONE or an error call reset(). */
    int (*step)(ground_stmt_t *st);
    void (*reset)(ground_stmt_t *st);
    int64_t (*col_i64)(ground_stmt_t *st, int col);
    const char *(*col_text)(ground_stmt_t *st, int col); /**< never NULL */
    const uint8_t *(*col_blob)(ground_stmt_t *st, int col, size_t *len);
    void (*close)(ground_db_t *db);
} ground_backend_ops_t;

/** Open a SQLite archive file (":memory:" allowed) in WAL mode. */
int ilrs__ground_sqlite_open(const char *path, ground_db_t **db, const ground_backend_ops_t **ops);
/** Open a PostgreSQL connection from a libpq conninfo string or URI. */
int ilrs__ground_pg_open(const char *conninfo, ground_db_t **db, const ground_backend_ops_t **ops);

/* ---- segment codec (ground_segment.c; format in docs/ground.md) ---------------- */

#define GROUND_SEGMENT_VERSION 1u
#define GROUND_SEG_ENG         0x01u /**< engineering-value column present */
#define GROUND_SEG_LIMIT       0x02u /**< limit-state column present */

/** Columns of a segment in memory (borrowed arrays of @c count entries). */
typedef struct ground_columns {
    uint8_t kind;  /**< ilrs_ground_kind_t */
    uint8_t flags; /**< GROUND_SEG_* */
    uint32_t count;
    const ilrs_tai_t *times;
    const uint64_t *values;    /**< INT: int64 bits; FLOAT: IEEE-754 binary64 bits */
    const double *eng;         /**< when GROUND_SEG_ENG */
    const uint8_t *limit;      /**< when GROUND_SEG_LIMIT */
    const uint8_t *bytes;      /**< BYTES: concatenated values */
    const uint32_t *bytes_end; /**< BYTES: end offset of each value in @c bytes */
} ground_columns_t;

/** Largest encoded size of @p cols (for sizing the output buffer). */
size_t ilrs__ground_segment_bound(const ground_columns_t *cols);
/** Encode; @p out holds at least ilrs__ground_segment_bound() octets. Returns the size. */
size_t ilrs__ground_segment_encode(const ground_columns_t *cols, uint8_t *out);

/** One decoded sample; @c bytes points into the blob. */
typedef struct ground_sample_view {
    uint8_t kind; /**< ilrs_ground_kind_t */
    ilrs_tai_t time;
    uint64_t value;
    double eng;
    uint8_t limit;
    bool has_eng;
    const uint8_t *bytes;
    size_t bytes_len;
} ground_sample_view_t;

/** Streaming decoder over one blob: every length is checked. */
typedef struct ground_segment_reader {
    const uint8_t *p, *end;
    const uint8_t *eng, *limit; /* column starts, located by the header pass */
    uint8_t kind, flags;
    uint32_t count, index;
    uint64_t prev_time, prev_delta, prev_value;
    const uint8_t *vals; /* value column cursor */
    const uint8_t *vals_end;
} ground_segment_reader_t;

/** Start reading; checks the header and that the fixed-size columns fit.
 *  @return 0 or ILRS_EGROUND_SEGMENT. */
int ilrs__ground_segment_open(ground_segment_reader_t *r, const uint8_t *blob, size_t len);
/** Next sample: 1 (sample), 0 (end), ILRS_EGROUND_SEGMENT (corrupt). */
int ilrs__ground_segment_next(ground_segment_reader_t *r, ground_sample_view_t *s);

/* ---- packet chunks: the packet archive's rows (format in docs/ground.md) --------- */

/** Largest encoding of one packet record. */
#define GROUND_CHUNK_RECORD_MAX(len) (30u + (len))
/** Append one packet record (time delta from @p prev_time, receive delta, length,
 *  octets) at @p out; returns the octets written. */
size_t ilrs__ground_chunk_put(uint8_t *out, ilrs_tai_t prev_time, ilrs_tai_t time,
                              ilrs_tai_t receive_time, const uint8_t *pkt, size_t len);
/** Next record from [*p, end): 1 (record; @p time must hold the previous record's
 *  time, 0 before the first), 0 (end), ILRS_EGROUND_SEGMENT (corrupt). */
int ilrs__ground_chunk_next(const uint8_t **p, const uint8_t *end, ilrs_tai_t *time,
                            ilrs_tai_t *receive_time, const uint8_t **pkt, size_t *len);

#endif
