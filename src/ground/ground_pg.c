/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PostgreSQL backend of the archive (ground_int.h statement interface) on libpq.
 *
 * Statements are server-side prepared (PQprepare) with typed parameters and
 * executed with binary parameters and binary results (PQexecPrepared, result
 * format 1): int8 and bytea travel as raw octets, no text conversion. Every
 * integer column of the schema is BIGINT, so an integer result is always an
 * 8-octet big-endian int8 (PostgreSQL's binary send format). A step() runs the
 * statement on its first call and walks the returned rows on the next ones.
 * Durability is PostgreSQL's: a committed transaction survives a crash of the
 * client and of the server (synchronous_commit is left at its default).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "ground_int.h"

#define PG_MAX_PARAMS 16

struct ground_db {
    PGconn *conn;
    unsigned next_name;
};

struct ground_stmt {
    ground_db_t *db;
    char name[32];
    int nparams;
    const char *values[PG_MAX_PARAMS];
    int lengths[PG_MAX_PARAMS];
    int formats[PG_MAX_PARAMS];
    uint8_t ints[PG_MAX_PARAMS][8];
    PGresult *res;
    int row;
    int rows;
};

static void notice(void *arg, const char *message)
{
    (void)arg;
    ilrs_log(ILRS_LOG_DEBUG, "ground", "postgresql: %s", message);
}

static int fail_conn(PGconn *conn, const char *what)
{
    const char *msg = PQerrorMessage(conn);
    ilrs_log(ILRS_LOG_ERROR, "ground", "postgresql: %s: %s", what, msg ? msg : "?");
    return ILRS_EGROUND_DB;
}

static int pg_exec(ground_db_t *db, const char *sql)
{
    PGresult *r = PQexec(db->conn, sql);
    ExecStatusType st = PQresultStatus(r);
    int rc = (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) ? 0 : fail_conn(db->conn, sql);
    PQclear(r);
    return rc;
}

static int pg_prepare(ground_db_t *db, const char *sql, int nparams, ground_stmt_t **out)
{
    *out = NULL;
    if (nparams < 0 || nparams > PG_MAX_PARAMS) {
        return ILRS_EINVAL;
    }
    ground_stmt_t *s = calloc(1, sizeof *s);
    if (s == NULL) {
        return ILRS_ENOMEM;
    }
    s->db = db;
    s->nparams = nparams;
    snprintf(s->name, sizeof s->name, "ilrs_%u", db->next_name++);
    /* Let the server infer each parameter's type from its use (types 0); the binary
     * values we send match what it infers: int8 for BIGINT columns, bytea, text. */
    PGresult *r = PQprepare(db->conn, s->name, sql, nparams, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        PQclear(r);
        int rc = fail_conn(db->conn, sql);
        free(s);
        return rc;
    }
    PQclear(r);
    *out = s;
    return 0;
}

static void pg_reset(ground_stmt_t *s)
{
    PQclear(s->res);
    s->res = NULL;
    s->row = 0;
    s->rows = 0;
}

static void pg_finalize(ground_stmt_t *s)
{
    if (s == NULL) {
        return;
    }
    pg_reset(s);
    /* DEALLOCATE is not needed: prepared statements end with the session. */
    free(s);
}

static int pg_bind_i64(ground_stmt_t *s, int i, int64_t v)
{
    if (i < 1 || i > s->nparams) {
        return ILRS_EINVAL;
    }
    ilrs_put_be64(s->ints[i - 1], (uint64_t)v);
    s->values[i - 1] = (const char *)s->ints[i - 1];
    s->lengths[i - 1] = 8;
    s->formats[i - 1] = 1;
    return 0;
}

static int pg_bind_text(ground_stmt_t *s, int i, const char *t)
{
    if (i < 1 || i > s->nparams) {
        return ILRS_EINVAL;
    }
    s->values[i - 1] = t != NULL ? t : "";
    s->lengths[i - 1] = 0;
    s->formats[i - 1] = 0; /* text format: NUL-terminated */
    return 0;
}

static int pg_bind_blob(ground_stmt_t *s, int i, const void *d, size_t n)
{
    if (i < 1 || i > s->nparams || n > INT32_MAX) {
        return ILRS_EINVAL;
    }
    s->values[i - 1] = n > 0 ? (const char *)d : "";
    s->lengths[i - 1] = (int)n;
    s->formats[i - 1] = 1;
    return 0;
}

static int pg_step(ground_stmt_t *s)
{
    if (s->res == NULL) {
        s->res =
            PQexecPrepared(s->db->conn, s->name, s->nparams, s->values, s->lengths, s->formats, 1);
        ExecStatusType st = PQresultStatus(s->res);
        if (st == PGRES_COMMAND_OK) {
            s->rows = 0;
        } else if (st == PGRES_TUPLES_OK) {
            s->rows = PQntuples(s->res);
        } else {
            return fail_conn(s->db->conn, s->name);
        }
        s->row = 0;
    } else {
        s->row++;
    }
    return s->row < s->rows ? GROUND_ROW : GROUND_DONE;
}

static int64_t pg_col_i64(ground_stmt_t *s, int c)
{
    if (PQgetisnull(s->res, s->row, c)) {
        return 0;
    }
    const uint8_t *p = (const uint8_t *)PQgetvalue(s->res, s->row, c);
    int n = PQgetlength(s->res, s->row, c);
    if (n == 8) {
        return (int64_t)ilrs_get_be64(p);
    }
    if (n == 4) {
        return (int32_t)ilrs_get_be32(p);
    }
    if (n == 2) {
        return (int16_t)ilrs_get_be16(p);
    }
    return 0;
}

static const char *pg_col_text(ground_stmt_t *s, int c)
{
    /* libpq NUL-terminates every value, binary ones included */
    return PQgetvalue(s->res, s->row, c);
}

static const uint8_t *pg_col_blob(ground_stmt_t *s, int c, size_t *len)
{
    int n = PQgetlength(s->res, s->row, c);
    *len = n > 0 ? (size_t)n : 0;
    return (const uint8_t *)PQgetvalue(s->res, s->row, c);
}

static void pg_close(ground_db_t *db)
{
    if (db != NULL) {
        PQfinish(db->conn);
        free(db);
    }
}

static const ground_backend_ops_t pg_ops = {
    .name = "postgresql",
    .id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    .blob_type = "BYTEA",
    .exec = pg_exec,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .bind_i64 = pg_bind_i64,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .reset = pg_reset,
    .col_i64 = pg_col_i64,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .close = pg_close,
};

int ilrs__ground_pg_open(const char *conninfo, ground_db_t **out, const ground_backend_ops_t **ops)
{
    *out = NULL;
    *ops = &pg_ops;
    ground_db_t *db = calloc(1, sizeof *db);
    if (db == NULL) {
        return ILRS_ENOMEM;
    }
    db->conn = PQconnectdb(conninfo);
    if (db->conn == NULL) {
        free(db);
        return ILRS_ENOMEM;
    }
    if (PQstatus(db->conn) != CONNECTION_OK) {
        int rc = fail_conn(db->conn, "connect");
        pg_close(db);
        return rc;
    }
    PQsetNoticeProcessor(db->conn, notice, NULL);
    int rc = pg_exec(db, "SET client_min_messages = warning");
    if (rc != 0) {
        pg_close(db);
        return rc;
    }
    *out = db;
    return 0;
}
