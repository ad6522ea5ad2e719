/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQLite backend of the archive (ground_int.h statement interface).
 *
 * The database runs in WAL mode with synchronous=NORMAL: a commit survives a crash
 * of the writing process (the WAL is replayed on the next open); a power loss may
 * lose the last commits but never corrupts the file (sqlite.org/wal.html §"Durability",
 * pragma synchronous). Bound text and blobs are SQLITE_STATIC: the archive core
 * keeps them alive until the step that uses them.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ground_int.h"

struct ground_db {
    sqlite3 *db;
};

struct ground_stmt {
    sqlite3_stmt *st;
    sqlite3 *db;
};

static int fail(sqlite3 *db, const char *what)
{
    ilrs_log(ILRS_LOG_ERROR, "ground", "sqlite: %s: %s", what, sqlite3_errmsg(db));
    return ILRS_EGROUND_DB;
}

static int sq_exec(ground_db_t *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        ilrs_log(ILRS_LOG_ERROR, "ground", "sqlite: %s: %s", sql, msg ? msg : "?");
        sqlite3_free(msg);
        return ILRS_EGROUND_DB;
    }
    return 0;
}

static int sq_prepare(ground_db_t *db, const char *sql, int nparams, ground_stmt_t **out)
{
    *out = NULL;
    ground_stmt_t *s = calloc(1, sizeof *s);
    if (s == NULL) {
        return ILRS_ENOMEM;
    }
    s->db = db->db;
    if (sqlite3_prepare_v3(db->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL) != SQLITE_OK ||
        sqlite3_bind_parameter_count(s->st) != nparams) {
        int rc = fail(db->db, sql);
        sqlite3_finalize(s->st);
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

static void sq_finalize(ground_stmt_t *s)
{
    if (s != NULL) {
        sqlite3_finalize(s->st);
        free(s);
    }
}

static int sq_bind_i64(ground_stmt_t *s, int i, int64_t v)
{
    return sqlite3_bind_int64(s->st, i, v) == SQLITE_OK ? 0 : fail(s->db, "bind");
}

static int sq_bind_text(ground_stmt_t *s, int i, const char *t)
{
    return sqlite3_bind_text(s->st, i, t != NULL ? t : "", -1, SQLITE_STATIC) == SQLITE_OK
               ? 0
               : fail(s->db, "bind");
}

static int sq_bind_blob(ground_stmt_t *s, int i, const void *d, size_t n)
{
    /* a zero-length blob must still be a blob, not NULL */
    static const uint8_t empty[1] = {0};
    if (n > INT32_MAX) {
        return ILRS_EGROUND_DB;
    }
    return sqlite3_bind_blob(s->st, i, n > 0 ? d : empty, (int)n, SQLITE_STATIC) == SQLITE_OK
               ? 0
               : fail(s->db, "bind");
}

static int sq_step(ground_stmt_t *s)
{
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW) {
        return GROUND_ROW;
    }
    if (rc == SQLITE_DONE) {
        return GROUND_DONE;
    }
    return fail(s->db, sqlite3_sql(s->st));
}

static void sq_reset(ground_stmt_t *s)
{
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
}

static int64_t sq_col_i64(ground_stmt_t *s, int c)
{
    return sqlite3_column_int64(s->st, c);
}

static const char *sq_col_text(ground_stmt_t *s, int c)
{
    const unsigned char *t = sqlite3_column_text(s->st, c);
    return t != NULL ? (const char *)t : "";
}

static const uint8_t *sq_col_blob(ground_stmt_t *s, int c, size_t *len)
{
    const void *b = sqlite3_column_blob(s->st, c);
    int n = sqlite3_column_bytes(s->st, c);
    *len = n > 0 ? (size_t)n : 0;
    return b;
}

static void sq_close(ground_db_t *db)
{
    if (db != NULL) {
        sqlite3_close_v2(db->db);
        free(db);
    }
}

static const ground_backend_ops_t sqlite_ops = {
    .name = "sqlite",
    .id_type = "INTEGER PRIMARY KEY",
    .blob_type = "BLOB",
    .exec = sq_exec,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .bind_i64 = sq_bind_i64,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .reset = sq_reset,
    .col_i64 = sq_col_i64,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .close = sq_close,
};

int ilrs__ground_sqlite_open(const char *path, ground_db_t **out, const ground_backend_ops_t **ops)
{
    *out = NULL;
    *ops = &sqlite_ops;
    ground_db_t *db = calloc(1, sizeof *db);
    if (db == NULL) {
        return ILRS_ENOMEM;
    }
    int rc = sqlite3_open_v2(
        path, &db->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        ilrs_log(ILRS_LOG_ERROR, "ground", "sqlite: cannot open '%s': %s", path,
                 db->db != NULL ? sqlite3_errmsg(db->db) : sqlite3_errstr(rc));
        sq_close(db);
        return ILRS_EGROUND_DB;
    }
    /* WAL + NORMAL: durable against a crash of this process; a busy reader (the web
     * server's own handle) waits up to 5 s rather than failing. */
    /* 32 KiB pages (only applies to a new file): the archive is append-mostly, and
     * bigger pages mean 8x fewer write calls to the WAL and at checkpoints than 4 KiB
     * pages, which was most of the ingest time (measured, docs/ground.md). */
    rc = sq_exec(db, "PRAGMA page_size=32768; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "PRAGMA busy_timeout=5000; PRAGMA temp_store=MEMORY;"
                     "PRAGMA cache_size=-16384;");
    if (rc != 0) {
        sq_close(db);
        return rc;
    }
    *out = db;
    return 0;
}
