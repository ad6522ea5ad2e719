/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The telemetry archive: ingest (validate, decode with the dictionary, buffer the
 * samples per parameter, write segments), commits, and the queries the web API
 * uses. Backend-neutral: it speaks SQL through ground_int.h.
 *
 * Design notes and invariants
 * - One param_t per parameter name ("<PACKET>.<field>"), loaded from the parameter
 *   table at open and created on first ingest. It holds the buffer of samples not
 *   yet in a full segment.
 * - A buffer's first `persisted` samples are also in the segment row `seg_id` (a
 *   partial segment written at the last commit). Writing the buffer again updates
 *   that row in place, so small segments grow across commits (up to an eighth of
 *   segment_samples, see commit()), and a query reads the buffer instead of that row
 *   (never both).
 * - max_span (parameter table) is the largest t_end - t_start of any of the
 *   parameter's segments, so a range query can use the (parameter_id, t_start)
 *   index: a segment overlapping [s, e] has t_start in [s - max_span, e].
 * - Everything is written inside one open transaction, committed by the durability
 *   policy (ground.h). A database error rolls back to the last commit: buffers are
 *   dropped and the parameter registry reloaded, exactly the state after a crash.
 * - The per-APID cache maps a dictionary packet to its decode plan (field offset,
 *   type, columns, parameter); it is rebuilt when the dictionary's packet changes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/ccsds.h>

#include "ground_int.h"

#define SCHEMA_VERSION          "1"
#define DEFAULT_SEGMENT_SAMPLES 1024u
#define MAX_SEGMENT_SAMPLES     65536u
#define DEFAULT_COMMIT_SAMPLES  262144u
#define DEFAULT_COMMIT_INTERVAL (10 * ILRS_NS_PER_S)
#define MAX_BUCKETS             1000000u
#define NAME_CAP                (2 * ILRS_DICT_NAME_MAX + 2)
#define CHUNK_PACKETS           256u           /* packets per packet-archive row at most */
#define CHUNK_BYTES             (256u * 1024u) /* and octets */

enum {
    ST_PARAM_INSERT,
    ST_PARAM_UPDATE,
    ST_PARAM_SPAN,
    ST_PARAM_SPAN_GET,
    ST_PARAM_ALL,
    ST_SEG_INSERT,
    ST_SEG_UPDATE,
    ST_SEG_RANGE,
    ST_SEG_LATEST,
    ST_PKT_INSERT,
    ST_PKT_SCAN,
    ST_REJ_INSERT,
    ST_REJ_SCAN,
    ST_EVT_INSERT,
    ST_EVT_SCAN,
    ST_CMD_INSERT,
    ST_CMD_GET,
    ST_CMD_UPDATE,
    ST_CMD_STATE_INSERT,
    ST_CMD_SCAN,
    ST_META_GET,
    ST_FILE_UPSERT,
    ST_FILE_SCAN,
    ST_PKT_LAST,
    ST_PKT_SCAN_APID,
    ST_COUNT
};

static const struct {
    const char *sql;
    int nparams;
} statements[ST_COUNT] = {
    [ST_PARAM_INSERT] = {"INSERT INTO parameter(name, owner, packet, field, apid, type_name, kind, "
                         "unit, max_span) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                         9},
    [ST_PARAM_UPDATE] = {"UPDATE parameter SET owner = $1, packet = $2, field = $3, apid = $4, "
                         "type_name = $5, kind = $6, unit = $7 WHERE id = $8",
                         8},
    [ST_PARAM_SPAN] = {"UPDATE parameter SET max_span = $1 WHERE id = $2", 2},
    [ST_PARAM_SPAN_GET] = {"SELECT max_span FROM parameter WHERE id = $1", 1},
    [ST_PARAM_ALL] = {"SELECT id, name, owner, packet, field, apid, type_name, kind, unit, "
                      "max_span FROM parameter ORDER BY id",
                      0},
    [ST_SEG_INSERT] = {"INSERT INTO segment(parameter_id, owner, t_start, t_end, n_samples, "
                       "data) VALUES($1, $2, $3, $4, $5, $6) RETURNING id",
                       6},
    [ST_SEG_UPDATE] = {"UPDATE segment SET t_start = $1, t_end = $2, n_samples = $3, data = $4 "
                       "WHERE id = $5",
                       5},
    [ST_SEG_RANGE] =
        {"SELECT id, data FROM segment WHERE parameter_id = $1 AND t_start >= $2 "
         "AND t_start <= $3 AND t_end >= $4 AND (owner = $5 OR $5 = '') ORDER BY t_start, id",
         5},
    [ST_SEG_LATEST] =
        {"SELECT id, t_end, data FROM segment WHERE parameter_id = $1 AND "
         "t_end >= $2 AND t_start <= $3 AND (owner = $4 OR $4 = '') ORDER BY t_end DESC, "
         "id DESC",
         4},
    [ST_PKT_INSERT] = {"INSERT INTO packet(apid, owner, name, t_start, t_end, n_packets, data) "
                       "VALUES($1, $2, $3, $4, $5, $6, $7)",
                       7},
    [ST_PKT_SCAN] = {"SELECT apid, owner, name, data FROM packet WHERE (owner = $1 OR $1 = '') "
                     "AND (apid = $2 OR $2 = 65535) AND t_end >= $3 AND t_start <= $4 ORDER BY id",
                     4},
    [ST_REJ_INSERT] = {"INSERT INTO rejected(recv_time, apid, owner, reason, code, detail, data) "
                       "VALUES($1, $2, $3, $4, $5, $6, $7)",
                       7},
    [ST_REJ_SCAN] = {"SELECT recv_time, apid, owner, reason, code, detail, data FROM rejected "
                     "WHERE recv_time >= $1 AND recv_time <= $2 ORDER BY recv_time, id",
                     2},
    [ST_EVT_INSERT] = {"INSERT INTO event(event_time, owner, app, event_id, name, severity, "
                       "message) VALUES($1, $2, $3, $4, $5, $6, $7)",
                       7},
    [ST_EVT_SCAN] = {"SELECT event_time, owner, app, event_id, name, severity, message FROM event "
                     "WHERE (owner = $1 OR $1 = '') AND event_time >= $2 AND event_time <= $3 "
                     "ORDER BY event_time, id",
                     3},
    [ST_CMD_INSERT] = {"INSERT INTO command(queued_time, name, owner, issuer, apid, "
                       "function_code, state, state_time, detail, data) VALUES($1, $2, $3, $4, "
                       "$5, $6, $7, $8, $9, $10) RETURNING id",
                       10},
    [ST_CMD_GET] = {"SELECT state, owner FROM command WHERE id = $1", 1},
    [ST_CMD_UPDATE] = {"UPDATE command SET state = $1, state_time = $2, detail = $3 WHERE id = $4",
                       4},
    [ST_CMD_STATE_INSERT] = {"INSERT INTO command_state(command_id, owner, state_time, state, "
                             "detail) VALUES($1, $2, $3, $4, $5)",
                             5},
    [ST_CMD_SCAN] = {"SELECT id, queued_time, name, owner, issuer, apid, function_code, state, "
                     "state_time, detail, data FROM command WHERE (owner = $1 OR $1 = '') AND "
                     "queued_time >= $2 AND queued_time <= $3 ORDER BY queued_time, id",
                     3},
    [ST_META_GET] = {"SELECT value FROM meta WHERE key = 'schema'", 0},
    [ST_FILE_UPSERT] = {"INSERT INTO data_file(partner, name, payload, size, sha256, t_start, "
                        "t_end, created) VALUES($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT "
                        "(partner, name) DO UPDATE SET payload = excluded.payload, size = "
                        "excluded.size, sha256 = excluded.sha256, t_start = excluded.t_start, "
                        "t_end = excluded.t_end, created = excluded.created",
                        8},
    [ST_FILE_SCAN] = {"SELECT partner, name, payload, size, sha256, t_start, t_end, created FROM "
                      "data_file WHERE (partner = $1 OR $1 = '') AND (name = $2 OR $2 = '') "
                      "ORDER BY partner, name",
                      2},
    [ST_PKT_LAST] = {"SELECT t_end FROM packet WHERE apid = $1 ORDER BY t_end DESC LIMIT 1", 1},
    /* ST_PKT_SCAN for one APID, written so the (apid, t_end) index is used (the OR
     * forms of ST_PKT_SCAN make both planners read every row and its blob). */
    [ST_PKT_SCAN_APID] = {"SELECT apid, owner, name, data FROM packet WHERE apid = $1 AND t_end >= "
                          "$2 AND t_start <= $3 AND (owner = $4 OR $4 = '') ORDER BY id",
                          4},
};

/* DDL: %1$s is the id column type, %2$s the blob type (ground_backend_ops_t). */
static const char *const schema_ddl[] = {
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS parameter(id %1$s, name TEXT NOT NULL UNIQUE, owner TEXT NOT "
    "NULL, packet TEXT NOT NULL, field TEXT NOT NULL, apid BIGINT NOT NULL, type_name TEXT NOT "
    "NULL, kind BIGINT NOT NULL, unit TEXT NOT NULL, max_span BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS segment(id %1$s, parameter_id BIGINT NOT NULL REFERENCES "
    "parameter(id), owner TEXT NOT NULL, t_start BIGINT NOT NULL, t_end BIGINT NOT NULL, n_samples "
    "BIGINT NOT NULL, "
    "data %2$s NOT NULL)",
    "CREATE INDEX IF NOT EXISTS segment_start ON segment(parameter_id, t_start)",
    "CREATE INDEX IF NOT EXISTS segment_end ON segment(parameter_id, t_end)",
    "CREATE TABLE IF NOT EXISTS packet(id %1$s, apid BIGINT NOT NULL, owner TEXT NOT NULL, name "
    "TEXT NOT NULL, t_start BIGINT NOT NULL, t_end BIGINT NOT NULL, n_packets BIGINT NOT NULL, "
    "data %2$s NOT NULL)",
    "CREATE INDEX IF NOT EXISTS packet_by_end ON packet(apid, t_end)",
    "CREATE TABLE IF NOT EXISTS rejected(id %1$s, recv_time BIGINT NOT NULL, apid BIGINT NOT "
    "NULL, owner TEXT NOT NULL, reason TEXT NOT NULL, code BIGINT NOT NULL, detail TEXT NOT NULL, "
    "data %2$s NOT NULL)",
    "CREATE TABLE IF NOT EXISTS event(id %1$s, event_time BIGINT NOT NULL, owner TEXT NOT NULL, "
    "app TEXT NOT NULL, event_id BIGINT NOT NULL, name TEXT NOT NULL, severity BIGINT NOT NULL, "
    "message TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS event_by_time ON event(event_time)",
    "CREATE TABLE IF NOT EXISTS command(id %1$s, queued_time BIGINT NOT NULL, name TEXT NOT NULL, "
    "owner TEXT NOT NULL, issuer TEXT NOT NULL, apid BIGINT NOT NULL, function_code BIGINT NOT "
    "NULL, state TEXT NOT NULL, state_time BIGINT NOT NULL, detail TEXT NOT NULL, data %2$s NOT "
    "NULL)",
    "CREATE INDEX IF NOT EXISTS command_by_time ON command(queued_time)",
    "CREATE TABLE IF NOT EXISTS command_state(id %1$s, command_id BIGINT NOT NULL REFERENCES "
    "command(id), owner TEXT NOT NULL, state_time BIGINT NOT NULL, state TEXT NOT NULL, detail "
    "TEXT NOT NULL)",
    /* Catalog of the data products written from the archive (ground_files.c); added
     * to schema 1 archives on open, as the table is new and nothing else changed. */
    "CREATE TABLE IF NOT EXISTS data_file(id %1$s, partner TEXT NOT NULL, name TEXT NOT NULL, "
    "payload TEXT NOT NULL, size BIGINT NOT NULL, sha256 TEXT NOT NULL, t_start BIGINT NOT NULL, "
    "t_end BIGINT NOT NULL, created BIGINT NOT NULL, UNIQUE(partner, name))",
    "INSERT INTO meta(key, value) VALUES('schema', '" SCHEMA_VERSION "') ON CONFLICT DO NOTHING",
};

typedef struct param {
    int64_t id;
    char *name, *owner, *packet, *field, *type_name, *unit;
    uint16_t apid;
    uint8_t kind;
    bool is_unsigned;
    int64_t max_span;
    /* buffer */
    uint8_t flags; /* columns of the buffered samples */
    uint8_t buf_kind;
    uint32_t count, cap, persisted;
    int64_t seg_id;
    ilrs_tai_t tmin, tmax;
    ilrs_tai_t *times;
    uint64_t *values;
    double *eng;
    uint8_t *limit;
    uint32_t *bytes_end;
    uint8_t *bytes;
    size_t bytes_cap;
} param_t;

typedef struct plan_field {
    param_t *param;
    const ilrs_dict_field_t *field;
    uint32_t offset;
    uint8_t type;
    uint8_t kind;
    uint8_t flags;
} plan_field_t;

typedef struct apid_plan {
    const ilrs_dict_t *dict;
    const ilrs_dict_packet_t *def;
    size_t field_count;
    uint32_t length;
    plan_field_t *fields;
} apid_plan_t;

/* The packets of one APID not yet written as a packet-archive row. */
typedef struct packet_chunk {
    char owner[ILRS_DICT_NAME_MAX], name[ILRS_DICT_NAME_MAX];
    uint8_t *data;
    size_t len, cap;
    uint32_t count;
    ilrs_tai_t tmin, tmax, prev;
} packet_chunk_t;

struct ilrs_ground_archive {
    const ground_backend_ops_t *ops;
    ground_db_t *db;
    ground_stmt_t *st[ST_COUNT];
    ilrs_ground_archive_options_t opt;
    ilrs_ground_archive_stats_t stats;
    bool in_tx;
    uint64_t pending; /* samples and events since the last commit */
    bool have_ref;
    ilrs_tai_t commit_ref; /* data time of the first packet after the last commit */
    /* parameter registry */
    param_t **params;
    size_t param_count, param_cap;
    param_t **hash; /* open addressing, power-of-two size */
    size_t hash_cap;
    apid_plan_t plans[ILRS_CCSDS_APID_MAX + 1];
    packet_chunk_t chunks[ILRS_CCSDS_APID_MAX + 1];
    uint8_t *scratch; /* segment encoding buffer */
    size_t scratch_cap;
};

/* ------------------------------------------------------------------------- */
/* helpers                                                                    */
/* ------------------------------------------------------------------------- */

int64_t ilrs_ground_time_ms(ilrs_tai_t time)
{
    int64_t q = time / 1000000;
    if (time % 1000000 < 0) {
        q--;
    }
    return q;
}

static ilrs_tai_t ms_to_ns(int64_t ms, bool end)
{
    if (ms > INT64_MAX / 1000000 - 1) {
        return INT64_MAX;
    }
    if (ms < INT64_MIN / 1000000 + 1) {
        return INT64_MIN;
    }
    return ms * 1000000 + (end ? 999999 : 0);
}

static ilrs_tai_t sat_sub(ilrs_tai_t a, int64_t b)
{
    ilrs_tai_t r;
    if (__builtin_sub_overflow(a, b, &r)) {
        return INT64_MIN;
    }
    return r;
}

static char *dup_str(const char *s)
{
    if (s == NULL) {
        s = "";
    }
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL) {
        memcpy(d, s, n);
    }
    return d;
}

static uint64_t hash_name(const char *s)
{
    uint64_t h = UINT64_C(1469598103934665603); /* FNV-1a 64 */
    for (; *s != '\0'; s++) {
        h = (h ^ (uint8_t)*s) * UINT64_C(1099511628211);
    }
    return h;
}

const char *ilrs_ground_reject_reason_name(ilrs_ground_reject_reason_t reason)
{
    switch (reason) {
    case ILRS_GROUND_REJECT_MALFORMED:
        return "malformed";
    case ILRS_GROUND_REJECT_UNKNOWN_APID:
        return "unknown_apid";
    case ILRS_GROUND_REJECT_LENGTH:
        return "length";
    default:
        return "?";
    }
}

static const char *const state_names[ILRS_GROUND_CMD_STATE_COUNT] = {"queued", "sent", "accepted",
                                                                     "executed", "failed"};

const char *ilrs_ground_command_state_name(ilrs_ground_command_state_t state)
{
    return (unsigned)state < ILRS_GROUND_CMD_STATE_COUNT ? state_names[state] : "?";
}

static int state_from_name(const char *name)
{
    for (int i = 0; i < ILRS_GROUND_CMD_STATE_COUNT; i++) {
        if (strcmp(name, state_names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

static uint8_t kind_of(ilrs_dict_type_t type)
{
    switch (type) {
    case ILRS_DICT_F32:
    case ILRS_DICT_F64:
        return ILRS_GROUND_KIND_FLOAT;
    case ILRS_DICT_STRING:
    case ILRS_DICT_BYTES:
        return ILRS_GROUND_KIND_BYTES;
    default:
        return ILRS_GROUND_KIND_INT;
    }
}

static bool type_is_unsigned(const char *type_name)
{
    return type_name[0] == 'u' || strcmp(type_name, "bool") == 0;
}

/* ------------------------------------------------------------------------- */
/* statements                                                                 */
/* ------------------------------------------------------------------------- */

/* Run a statement that returns no rows (its parameters are bound). */
static int run(ilrs_ground_archive_t *a, ground_stmt_t *st)
{
    int rc = a->ops->step(st);
    a->ops->reset(st);
    return rc < 0 ? rc : 0;
}

/* Run an INSERT ... RETURNING id. */
static int run_returning(ilrs_ground_archive_t *a, ground_stmt_t *st, int64_t *id)
{
    int rc = a->ops->step(st);
    if (rc == GROUND_ROW) {
        *id = a->ops->col_i64(st, 0);
        rc = 0;
    } else if (rc == GROUND_DONE) {
        rc = ILRS_EGROUND_DB;
    }
    a->ops->reset(st);
    return rc;
}

static int begin_tx(ilrs_ground_archive_t *a)
{
    if (a->in_tx) {
        return 0;
    }
    int rc = a->ops->exec(a->db, "BEGIN");
    if (rc == 0) {
        a->in_tx = true;
    }
    return rc;
}

/* ------------------------------------------------------------------------- */
/* parameter registry                                                         */
/* ------------------------------------------------------------------------- */

static void param_free(param_t *p)
{
    if (p == NULL) {
        return;
    }
    free(p->name);
    free(p->owner);
    free(p->packet);
    free(p->field);
    free(p->type_name);
    free(p->unit);
    free(p->times);
    free(p->values);
    free(p->eng);
    free(p->limit);
    free(p->bytes_end);
    free(p->bytes);
    free(p);
}

static void plans_clear(ilrs_ground_archive_t *a)
{
    for (size_t i = 0; i <= ILRS_CCSDS_APID_MAX; i++) {
        free(a->plans[i].fields);
        memset(&a->plans[i], 0, sizeof a->plans[i]);
    }
}

static void registry_clear(ilrs_ground_archive_t *a)
{
    plans_clear(a);
    for (size_t i = 0; i < a->param_count; i++) {
        param_free(a->params[i]);
    }
    a->param_count = 0;
    if (a->hash != NULL) {
        memset(a->hash, 0, a->hash_cap * sizeof *a->hash);
    }
}

static param_t *param_find(const ilrs_ground_archive_t *a, const char *name)
{
    if (a->hash_cap == 0) {
        return NULL;
    }
    size_t mask = a->hash_cap - 1;
    for (size_t i = (size_t)hash_name(name) & mask;; i = (i + 1) & mask) {
        param_t *p = a->hash[i];
        if (p == NULL) {
            return NULL;
        }
        if (strcmp(p->name, name) == 0) {
            return p;
        }
    }
}

static void hash_put(param_t **hash, size_t cap, param_t *p)
{
    size_t mask = cap - 1;
    size_t i = (size_t)hash_name(p->name) & mask;
    while (hash[i] != NULL) {
        i = (i + 1) & mask;
    }
    hash[i] = p;
}

/* Take ownership of p (freed on failure). */
static int registry_add(ilrs_ground_archive_t *a, param_t *p)
{
    if (a->param_count == a->param_cap) {
        size_t cap = a->param_cap ? 2 * a->param_cap : 64;
        param_t **n = realloc(a->params, cap * sizeof *n);
        if (n == NULL) {
            param_free(p);
            return ILRS_ENOMEM;
        }
        a->params = n;
        a->param_cap = cap;
    }
    if (2 * (a->param_count + 1) > a->hash_cap) {
        size_t cap = a->hash_cap ? 2 * a->hash_cap : 128;
        param_t **h = calloc(cap, sizeof *h);
        if (h == NULL) {
            param_free(p);
            return ILRS_ENOMEM;
        }
        for (size_t i = 0; i < a->param_count; i++) {
            hash_put(h, cap, a->params[i]);
        }
        free(a->hash);
        a->hash = h;
        a->hash_cap = cap;
    }
    a->params[a->param_count++] = p;
    hash_put(a->hash, a->hash_cap, p);
    return 0;
}

static param_t *param_new(int64_t id, const char *name, const char *owner, const char *packet,
                          const char *field, uint16_t apid, const char *type_name, uint8_t kind,
                          const char *unit, int64_t max_span)
{
    param_t *p = calloc(1, sizeof *p);
    if (p == NULL) {
        return NULL;
    }
    p->id = id;
    p->name = dup_str(name);
    p->owner = dup_str(owner);
    p->packet = dup_str(packet);
    p->field = dup_str(field);
    p->type_name = dup_str(type_name);
    p->unit = dup_str(unit);
    if (p->name == NULL || p->owner == NULL || p->packet == NULL || p->field == NULL ||
        p->type_name == NULL || p->unit == NULL) {
        param_free(p);
        return NULL;
    }
    p->apid = apid;
    p->kind = kind;
    p->is_unsigned = type_is_unsigned(p->type_name);
    p->max_span = max_span;
    return p;
}

static int registry_load(ilrs_ground_archive_t *a)
{
    registry_clear(a);
    ground_stmt_t *st = a->st[ST_PARAM_ALL];
    int rc;
    while ((rc = a->ops->step(st)) == GROUND_ROW) {
        int64_t kind = a->ops->col_i64(st, 7);
        param_t *p =
            param_new(a->ops->col_i64(st, 0), a->ops->col_text(st, 1), a->ops->col_text(st, 2),
                      a->ops->col_text(st, 3), a->ops->col_text(st, 4),
                      (uint16_t)a->ops->col_i64(st, 5), a->ops->col_text(st, 6),
                      (uint8_t)(kind >= 0 && kind <= ILRS_GROUND_KIND_BYTES ? kind : 0),
                      a->ops->col_text(st, 8), a->ops->col_i64(st, 9));
        if (p == NULL) {
            rc = ILRS_ENOMEM;
            break;
        }
        if (p->max_span < 0) {
            p->max_span = 0;
        }
        if ((rc = registry_add(a, p)) != 0) {
            break;
        }
    }
    a->ops->reset(st);
    return rc < 0 ? rc : 0;
}

/* Reload the registry from the database when this handle holds nothing unwritten (a
 * reader beside the ingest process, or an idle writer), so it sees parameters other
 * handles created. A handle with buffered data is the writer: its registry is current. */
static int registry_refresh_if_idle(ilrs_ground_archive_t *a)
{
    if (a->in_tx) {
        return 0;
    }
    for (size_t i = 0; i < a->param_count; i++) {
        if (a->params[i]->count > 0) {
            return 0;
        }
    }
    return registry_load(a);
}

/* ------------------------------------------------------------------------- */
/* buffers and segments                                                       */
/* ------------------------------------------------------------------------- */

static void buffer_reset(param_t *p)
{
    p->count = 0;
    p->persisted = 0;
    p->seg_id = 0;
}

/* Write the buffer as its segment row (insert, or update the partial row). */
static int segment_write(ilrs_ground_archive_t *a, param_t *p)
{
    ground_columns_t cols = {.kind = p->buf_kind,
                             .flags = p->flags,
                             .count = p->count,
                             .times = p->times,
                             .values = p->values,
                             .eng = p->eng,
                             .limit = p->limit,
                             .bytes = p->bytes,
                             .bytes_end = p->bytes_end};
    size_t bound = ilrs__ground_segment_bound(&cols);
    if (bound > a->scratch_cap) {
        uint8_t *n = realloc(a->scratch, bound);
        if (n == NULL) {
            return ILRS_ENOMEM;
        }
        a->scratch = n;
        a->scratch_cap = bound;
    }
    size_t len = ilrs__ground_segment_encode(&cols, a->scratch);
    int rc = begin_tx(a);
    if (rc != 0) {
        return rc;
    }
    ground_stmt_t *st;
    if (p->seg_id != 0) {
        st = a->st[ST_SEG_UPDATE];
        if ((rc = a->ops->bind_i64(st, 1, p->tmin)) != 0 ||
            (rc = a->ops->bind_i64(st, 2, p->tmax)) != 0 ||
            (rc = a->ops->bind_i64(st, 3, p->count)) != 0 ||
            (rc = a->ops->bind_blob(st, 4, a->scratch, len)) != 0 ||
            (rc = a->ops->bind_i64(st, 5, p->seg_id)) != 0 || (rc = run(a, st)) != 0) {
            return rc;
        }
    } else {
        st = a->st[ST_SEG_INSERT];
        if ((rc = a->ops->bind_i64(st, 1, p->id)) != 0 ||
            (rc = a->ops->bind_text(st, 2, p->owner)) != 0 ||
            (rc = a->ops->bind_i64(st, 3, p->tmin)) != 0 ||
            (rc = a->ops->bind_i64(st, 4, p->tmax)) != 0 ||
            (rc = a->ops->bind_i64(st, 5, p->count)) != 0 ||
            (rc = a->ops->bind_blob(st, 6, a->scratch, len)) != 0 ||
            (rc = run_returning(a, st, &p->seg_id)) != 0) {
            return rc;
        }
    }
    p->persisted = p->count;
    a->stats.segments_written++;
    int64_t span = (int64_t)((uint64_t)p->tmax - (uint64_t)p->tmin);
    if (span > p->max_span) {
        st = a->st[ST_PARAM_SPAN];
        if ((rc = a->ops->bind_i64(st, 1, span)) != 0 ||
            (rc = a->ops->bind_i64(st, 2, p->id)) != 0 || (rc = run(a, st)) != 0) {
            return rc;
        }
        p->max_span = span;
    }
    return 0;
}

/* Close the buffer as a finished segment and start a new one. */
static int segment_rotate(ilrs_ground_archive_t *a, param_t *p)
{
    if (p->count > p->persisted) {
        int rc = segment_write(a, p);
        if (rc != 0) {
            return rc;
        }
    }
    buffer_reset(p);
    return 0;
}

static int buffer_grow(param_t *p, uint32_t limit)
{
    uint32_t cap = p->cap ? 2 * p->cap : 16;
    if (cap > limit) {
        cap = limit;
    }
    ilrs_tai_t *t = realloc(p->times, cap * sizeof *t);
    if (t == NULL) {
        return ILRS_ENOMEM;
    }
    p->times = t;
    uint64_t *v = realloc(p->values, cap * sizeof *v);
    if (v == NULL) {
        return ILRS_ENOMEM;
    }
    p->values = v;
    double *e = realloc(p->eng, cap * sizeof *e);
    if (e == NULL) {
        return ILRS_ENOMEM;
    }
    p->eng = e;
    uint8_t *l = realloc(p->limit, cap);
    if (l == NULL) {
        return ILRS_ENOMEM;
    }
    p->limit = l;
    uint32_t *b = realloc(p->bytes_end, cap * sizeof *b);
    if (b == NULL) {
        return ILRS_ENOMEM;
    }
    p->bytes_end = b;
    p->cap = cap;
    return 0;
}

/* Append one sample; writes a full segment. The hot path of ingest. */
static inline int buffer_append(ilrs_ground_archive_t *a, param_t *p, uint8_t kind, uint8_t flags,
                                ilrs_tai_t t, uint64_t value, double eng, uint8_t limit,
                                const uint8_t *bytes, size_t bytes_len)
{
    int rc;
    if (p->count > 0 && (p->flags != flags || p->buf_kind != kind)) {
        if ((rc = segment_rotate(a, p)) != 0) {
            return rc;
        }
    }
    if (p->count == 0) {
        p->flags = flags;
        p->buf_kind = kind;
        p->tmin = p->tmax = t;
    }
    if (p->count == p->cap && (rc = buffer_grow(p, a->opt.segment_samples)) != 0) {
        return rc;
    }
    uint32_t c = p->count;
    p->times[c] = t;
    p->values[c] = value;
    p->eng[c] = eng;
    p->limit[c] = limit;
    if (kind == ILRS_GROUND_KIND_BYTES) {
        size_t used = c > 0 ? p->bytes_end[c - 1] : 0;
        if (used + bytes_len > p->bytes_cap) {
            size_t cap = 2 * (used + bytes_len) + 64;
            uint8_t *n = realloc(p->bytes, cap);
            if (n == NULL) {
                return ILRS_ENOMEM;
            }
            p->bytes = n;
            p->bytes_cap = cap;
        }
        if (bytes_len > 0) {
            memcpy(p->bytes + used, bytes, bytes_len);
        }
        p->bytes_end[c] = (uint32_t)(used + bytes_len);
    }
    if (t < p->tmin) {
        p->tmin = t;
    }
    if (t > p->tmax) {
        p->tmax = t;
    }
    p->count = c + 1;
    a->pending++;
    a->stats.samples++;
    if (p->count >= a->opt.segment_samples) {
        return segment_rotate(a, p);
    }
    return 0;
}

/* Write an APID's buffered packets as one packet-archive row. */
static int chunk_flush(ilrs_ground_archive_t *a, uint16_t apid)
{
    packet_chunk_t *c = &a->chunks[apid];
    if (c->count == 0) {
        return 0;
    }
    ground_stmt_t *st = a->st[ST_PKT_INSERT];
    int rc;
    if ((rc = begin_tx(a)) != 0 || (rc = a->ops->bind_i64(st, 1, apid)) != 0 ||
        (rc = a->ops->bind_text(st, 2, c->owner)) != 0 ||
        (rc = a->ops->bind_text(st, 3, c->name)) != 0 ||
        (rc = a->ops->bind_i64(st, 4, c->tmin)) != 0 ||
        (rc = a->ops->bind_i64(st, 5, c->tmax)) != 0 ||
        (rc = a->ops->bind_i64(st, 6, c->count)) != 0 ||
        (rc = a->ops->bind_blob(st, 7, c->data, c->len)) != 0 || (rc = run(a, st)) != 0) {
        return rc;
    }
    c->count = 0;
    c->len = 0;
    return 0;
}

static int chunk_append(ilrs_ground_archive_t *a, const ilrs_dict_packet_t *def, ilrs_tai_t t,
                        ilrs_tai_t receive_time, const uint8_t *pkt, size_t len)
{
    packet_chunk_t *c = &a->chunks[def->apid];
    int rc;
    if (c->count > 0 && (strcmp(c->owner, def->owner) != 0 || strcmp(c->name, def->name) != 0) &&
        (rc = chunk_flush(a, def->apid)) != 0) {
        return rc;
    }
    if (c->count == 0) {
        snprintf(c->owner, sizeof c->owner, "%s", def->owner);
        snprintf(c->name, sizeof c->name, "%s", def->name);
        c->tmin = c->tmax = t;
        c->prev = 0;
    }
    size_t need = c->len + GROUND_CHUNK_RECORD_MAX(len);
    if (need > c->cap) {
        size_t cap = 2 * need > 4096 ? 2 * need : 4096;
        uint8_t *n = realloc(c->data, cap);
        if (n == NULL) {
            return ILRS_ENOMEM;
        }
        c->data = n;
        c->cap = cap;
    }
    c->len += ilrs__ground_chunk_put(c->data + c->len, c->prev, t, receive_time, pkt, len);
    c->prev = t;
    c->count++;
    if (t < c->tmin) {
        c->tmin = t;
    }
    if (t > c->tmax) {
        c->tmax = t;
    }
    if (c->count >= CHUNK_PACKETS || c->len >= CHUNK_BYTES) {
        return chunk_flush(a, def->apid);
    }
    return 0;
}

/* ------------------------------------------------------------------------- */
/* commit and rollback                                                        */
/* ------------------------------------------------------------------------- */

static void rollback(ilrs_ground_archive_t *a)
{
    if (a->in_tx) {
        (void)a->ops->exec(a->db, "ROLLBACK");
        a->in_tx = false;
    }
    a->pending = 0;
    a->have_ref = false;
    for (size_t i = 0; i <= ILRS_CCSDS_APID_MAX; i++) {
        a->chunks[i].count = 0;
        a->chunks[i].len = 0;
    }
    /* drop every buffer and reload the registry as committed */
    if (registry_load(a) != 0) {
        ilrs_log(ILRS_LOG_ERROR, "ground", "archive: parameter registry reload failed");
    }
}

static int commit(ilrs_ground_archive_t *a)
{
    int rc = 0;
    /* A partial segment is extended in place by later commits until it holds an
     * eighth of a full segment, then closed: this bounds the rewriting a slow
     * parameter costs (a 1 Hz parameter committed every 10 s is rewritten ~13 times,
     * not ~100) while keeping segments large enough for fast range queries. */
    uint32_t close_at = a->opt.segment_samples / 8 > 0 ? a->opt.segment_samples / 8 : 1;
    for (size_t i = 0; i < a->param_count; i++) {
        param_t *p = a->params[i];
        if (p->count > p->persisted && (rc = segment_write(a, p)) != 0) {
            goto out_rollback;
        }
        if (p->count >= close_at) {
            buffer_reset(p);
        }
    }
    for (size_t i = 0; i <= ILRS_CCSDS_APID_MAX; i++) {
        if (a->chunks[i].count > 0 && (rc = chunk_flush(a, (uint16_t)i)) != 0) {
            goto out_rollback;
        }
    }
    if (a->in_tx) {
        if ((rc = a->ops->exec(a->db, "COMMIT")) != 0) {
            a->in_tx = false; /* a failed COMMIT ends the transaction in both backends */
            goto out_rollback;
        }
        a->in_tx = false;
        a->stats.commits++;
    }
    a->pending = 0;
    a->have_ref = false;
    return 0;
out_rollback:
    rollback(a);
    return rc;
}

int ilrs_ground_archive_flush(ilrs_ground_archive_t *archive)
{
    if (archive == NULL) {
        return ILRS_EINVAL;
    }
    return commit(archive);
}

/* The durability policy after a write at data time t (rejected packets have no data
 * time: they count toward commit_samples only). */
static int maybe_commit(ilrs_ground_archive_t *a, bool has_time, ilrs_tai_t t)
{
    if (!has_time) {
        return a->pending >= a->opt.commit_samples ? commit(a) : 0;
    }
    if (!a->have_ref) {
        a->have_ref = true;
        a->commit_ref = t;
    }
    uint64_t dt = t >= a->commit_ref ? (uint64_t)t - (uint64_t)a->commit_ref
                                     : (uint64_t)a->commit_ref - (uint64_t)t;
    if (a->pending >= a->opt.commit_samples || dt >= (uint64_t)a->opt.commit_interval) {
        return commit(a);
    }
    return 0;
}

/* ------------------------------------------------------------------------- */
/* open and close                                                             */
/* ------------------------------------------------------------------------- */

static int create_schema(ilrs_ground_archive_t *a)
{
    int rc = a->ops->exec(a->db, "BEGIN");
    if (rc != 0) {
        return rc;
    }
    char sql[1024];
    for (size_t i = 0; i < sizeof schema_ddl / sizeof schema_ddl[0]; i++) {
        int n = snprintf(sql, sizeof sql, schema_ddl[i], a->ops->id_type, a->ops->blob_type);
        if (n < 0 || (size_t)n >= sizeof sql) {
            rc = ILRS_EOVERFLOW;
            goto out_rollback;
        }
        if ((rc = a->ops->exec(a->db, sql)) != 0) {
            goto out_rollback;
        }
    }
    return a->ops->exec(a->db, "COMMIT");
out_rollback:
    (void)a->ops->exec(a->db, "ROLLBACK");
    return rc;
}

static int check_schema(ilrs_ground_archive_t *a)
{
    ground_stmt_t *st = a->st[ST_META_GET];
    int rc = a->ops->step(st);
    if (rc == GROUND_ROW) {
        const char *v = a->ops->col_text(st, 0);
        if (strcmp(v, SCHEMA_VERSION) != 0) {
            ilrs_log(ILRS_LOG_ERROR, "ground", "archive: schema version '%s', expected '%s'", v,
                     SCHEMA_VERSION);
            rc = ILRS_EGROUND_SCHEMA;
        } else {
            rc = 0;
        }
    } else if (rc == GROUND_DONE) {
        rc = ILRS_EGROUND_SCHEMA;
    }
    a->ops->reset(st);
    return rc;
}

static void archive_free(ilrs_ground_archive_t *a)
{
    registry_clear(a);
    free(a->params);
    free(a->hash);
    free(a->scratch);
    for (size_t i = 0; i <= ILRS_CCSDS_APID_MAX; i++) {
        free(a->chunks[i].data);
    }
    for (int i = 0; i < ST_COUNT; i++) {
        if (a->st[i] != NULL) {
            a->ops->finalize(a->st[i]);
        }
    }
    if (a->db != NULL) {
        a->ops->close(a->db);
    }
    free(a);
}

int ilrs_ground_archive_open(const char *url, const ilrs_ground_archive_options_t *options,
                             ilrs_ground_archive_t **out)
{
    int rc;
    if (out == NULL) {
        return ILRS_EINVAL;
    }
    *out = NULL;
    if (url == NULL || url[0] == '\0') {
        return ILRS_EGROUND_URL;
    }
    ilrs_ground_archive_options_t opt = {0};
    if (options != NULL) {
        opt = *options;
    }
    if (opt.segment_samples == 0) {
        opt.segment_samples = DEFAULT_SEGMENT_SAMPLES;
    }
    if (opt.segment_samples > MAX_SEGMENT_SAMPLES) {
        return ILRS_EINVAL;
    }
    if (opt.commit_samples == 0) {
        opt.commit_samples = DEFAULT_COMMIT_SAMPLES;
    }
    if (opt.commit_interval <= 0) {
        opt.commit_interval = DEFAULT_COMMIT_INTERVAL;
    }
    ilrs_ground_archive_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    a->opt = opt;
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
        rc = ilrs__ground_pg_open(url, &a->db, &a->ops);
    } else if (strncmp(url, "sqlite:", 7) == 0 && url[7] != '\0') {
        rc = ilrs__ground_sqlite_open(url + 7, &a->db, &a->ops);
    } else if (strncmp(url, "sqlite:", 7) == 0 || strstr(url, "://") != NULL) {
        ilrs_log(ILRS_LOG_ERROR, "ground", "archive: unsupported URL '%s'", url);
        rc = ILRS_EGROUND_URL;
    } else {
        rc = ilrs__ground_sqlite_open(url, &a->db, &a->ops);
    }
    if (rc != 0) {
        goto out_free;
    }
    if ((rc = create_schema(a)) != 0) {
        goto out_free;
    }
    for (int i = 0; i < ST_COUNT; i++) {
        if ((rc = a->ops->prepare(a->db, statements[i].sql, statements[i].nparams, &a->st[i])) !=
            0) {
            goto out_free;
        }
    }
    if ((rc = check_schema(a)) != 0 || (rc = registry_load(a)) != 0) {
        goto out_free;
    }
    *out = a;
    return 0;
out_free:
    if (a->ops == NULL) {
        free(a);
    } else {
        archive_free(a);
    }
    return rc;
}

int ilrs_ground_archive_close(ilrs_ground_archive_t *archive)
{
    if (archive == NULL) {
        return 0;
    }
    int rc = commit(archive);
    archive_free(archive);
    return rc;
}

const char *ilrs_ground_archive_backend(const ilrs_ground_archive_t *archive)
{
    return archive != NULL ? archive->ops->name : "?";
}

void ilrs_ground_archive_get_stats(const ilrs_ground_archive_t *archive,
                                   ilrs_ground_archive_stats_t *stats)
{
    if (stats == NULL) {
        return;
    }
    if (archive == NULL) {
        memset(stats, 0, sizeof *stats);
        return;
    }
    *stats = archive->stats;
}

/* ------------------------------------------------------------------------- */
/* ingest                                                                     */
/* ------------------------------------------------------------------------- */

static int reject(ilrs_ground_archive_t *a, ilrs_ground_reject_reason_t reason, int code,
                  const uint8_t *pkt, size_t len, ilrs_tai_t receive_time, int64_t apid,
                  const char *owner, const char *fmt, ...) __attribute__((format(printf, 9, 10)));

static int reject(ilrs_ground_archive_t *a, ilrs_ground_reject_reason_t reason, int code,
                  const uint8_t *pkt, size_t len, ilrs_tai_t receive_time, int64_t apid,
                  const char *owner, const char *fmt, ...)
{
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    a->stats.packets_rejected++;
    a->stats.rejected[reason]++;
    ilrs_log(ILRS_LOG_WARN, "ground", "archive: packet rejected (%s): %s",
             ilrs_ground_reject_reason_name(reason), detail);
    /* keep what can be a packet, not an arbitrarily large buffer */
    size_t keep = len < ILRS_CCSDS_MAX_PACKET_LEN ? len : ILRS_CCSDS_MAX_PACKET_LEN;
    ground_stmt_t *st = a->st[ST_REJ_INSERT];
    int rc;
    if ((rc = begin_tx(a)) != 0 || (rc = a->ops->bind_i64(st, 1, receive_time)) != 0 ||
        (rc = a->ops->bind_i64(st, 2, apid)) != 0 ||
        (rc = a->ops->bind_text(st, 3, owner != NULL ? owner : ILRS_DICT_OWNER_STATION)) != 0 ||
        (rc = a->ops->bind_text(st, 4, ilrs_ground_reject_reason_name(reason))) != 0 ||
        (rc = a->ops->bind_i64(st, 5, code)) != 0 || (rc = a->ops->bind_text(st, 6, detail)) != 0 ||
        (rc = a->ops->bind_blob(st, 7, pkt, keep)) != 0 || (rc = run(a, st)) != 0) {
        rollback(a);
        return rc;
    }
    a->pending++;
    if ((rc = maybe_commit(a, false, receive_time)) != 0) {
        return rc;
    }
    return code;
}

static void plan_free(apid_plan_t *plan)
{
    free(plan->fields);
    memset(plan, 0, sizeof *plan);
}

/* Find or create the parameter of one field; updates a changed definition. */
static int resolve_param(ilrs_ground_archive_t *a, const ilrs_dict_packet_t *def,
                         const ilrs_dict_field_t *f, param_t **out)
{
    char name[NAME_CAP];
    snprintf(name, sizeof name, "%s.%s", def->name, f->name);
    const char *type_name = ilrs_dict_type_name(f->type);
    const char *unit = f->unit != NULL ? f->unit : "";
    uint8_t kind = kind_of(f->type);
    int rc;
    param_t *p = param_find(a, name);
    if (p != NULL) {
        *out = p;
        if (strcmp(p->owner, def->owner) == 0 && strcmp(p->type_name, type_name) == 0 &&
            strcmp(p->unit, unit) == 0 && p->apid == def->apid && p->kind == kind) {
            return 0;
        }
        /* the dictionary changed this parameter: close its segment, update the row */
        if ((rc = segment_rotate(a, p)) != 0 || (rc = begin_tx(a)) != 0) {
            return rc;
        }
        ground_stmt_t *st = a->st[ST_PARAM_UPDATE];
        if ((rc = a->ops->bind_text(st, 1, def->owner)) != 0 ||
            (rc = a->ops->bind_text(st, 2, def->name)) != 0 ||
            (rc = a->ops->bind_text(st, 3, f->name)) != 0 ||
            (rc = a->ops->bind_i64(st, 4, def->apid)) != 0 ||
            (rc = a->ops->bind_text(st, 5, type_name)) != 0 ||
            (rc = a->ops->bind_i64(st, 6, kind)) != 0 ||
            (rc = a->ops->bind_text(st, 7, unit)) != 0 ||
            (rc = a->ops->bind_i64(st, 8, p->id)) != 0 || (rc = run(a, st)) != 0) {
            return rc;
        }
        char *owner = dup_str(def->owner), *tn = dup_str(type_name), *u = dup_str(unit);
        if (owner == NULL || tn == NULL || u == NULL) {
            free(owner);
            free(tn);
            free(u);
            return ILRS_ENOMEM;
        }
        free(p->owner);
        free(p->type_name);
        free(p->unit);
        p->owner = owner;
        p->type_name = tn;
        p->unit = u;
        p->apid = def->apid;
        p->kind = kind;
        p->is_unsigned = type_is_unsigned(tn);
        return 0;
    }
    if ((rc = begin_tx(a)) != 0) {
        return rc;
    }
    ground_stmt_t *st = a->st[ST_PARAM_INSERT];
    int64_t id = 0;
    if ((rc = a->ops->bind_text(st, 1, name)) != 0 ||
        (rc = a->ops->bind_text(st, 2, def->owner)) != 0 ||
        (rc = a->ops->bind_text(st, 3, def->name)) != 0 ||
        (rc = a->ops->bind_text(st, 4, f->name)) != 0 ||
        (rc = a->ops->bind_i64(st, 5, def->apid)) != 0 ||
        (rc = a->ops->bind_text(st, 6, type_name)) != 0 ||
        (rc = a->ops->bind_i64(st, 7, kind)) != 0 || (rc = a->ops->bind_text(st, 8, unit)) != 0 ||
        (rc = a->ops->bind_i64(st, 9, 0)) != 0 || (rc = run_returning(a, st, &id)) != 0) {
        return rc;
    }
    p = param_new(id, name, def->owner, def->name, f->name, def->apid, type_name, kind, unit, 0);
    if (p == NULL) {
        return ILRS_ENOMEM;
    }
    if ((rc = registry_add(a, p)) != 0) {
        return rc;
    }
    *out = p;
    return 0;
}

static bool plan_is_current(const apid_plan_t *plan, const ilrs_dict_t *dict,
                            const ilrs_dict_packet_t *def)
{
    return plan->def == def && plan->dict == dict && plan->field_count == def->field_count &&
           plan->length == def->length;
}

static int plan_build(ilrs_ground_archive_t *a, const ilrs_dict_t *dict,
                      const ilrs_dict_packet_t *def, apid_plan_t *plan)
{
    plan_free(plan);
    plan_field_t *fields = calloc(def->field_count > 0 ? def->field_count : 1, sizeof *fields);
    if (fields == NULL) {
        return ILRS_ENOMEM;
    }
    for (size_t i = 0; i < def->field_count; i++) {
        const ilrs_dict_field_t *f = &def->fields[i];
        int rc = resolve_param(a, def, f, &fields[i].param);
        if (rc != 0) {
            free(fields);
            return rc;
        }
        fields[i].field = f;
        fields[i].offset = f->offset;
        fields[i].type = (uint8_t)f->type;
        fields[i].kind = kind_of(f->type);
        uint8_t flags = 0;
        if (fields[i].kind != ILRS_GROUND_KIND_BYTES &&
            ((f->cal_scale != 0.0 && f->cal_scale != 1.0) || f->cal_offset != 0.0)) {
            flags |= GROUND_SEG_ENG;
        }
        if (f->has_limits) {
            flags |= GROUND_SEG_LIMIT;
        }
        fields[i].flags = flags;
    }
    plan->dict = dict;
    plan->def = def;
    plan->field_count = def->field_count;
    plan->length = def->length;
    plan->fields = fields;
    return 0;
}

/* Read one numeric field: the 64-bit pattern stored and its raw value as a double.
 * Hand-written rather than ilrs_dict_get_raw(): u64 values above 2^63 must stay exact,
 * and this is the inner loop of ingest. */
static inline uint64_t read_field(const uint8_t *p, uint8_t type, double *raw)
{
    uint64_t v;
    switch (type) {
    case ILRS_DICT_U8:
    case ILRS_DICT_BOOL:
        v = p[0];
        *raw = (double)v;
        return v;
    case ILRS_DICT_U16:
        v = ilrs_get_be16(p);
        *raw = (double)v;
        return v;
    case ILRS_DICT_U32:
        v = ilrs_get_be32(p);
        *raw = (double)v;
        return v;
    case ILRS_DICT_U64:
        v = ilrs_get_be64(p);
        *raw = (double)v;
        return v;
    case ILRS_DICT_I8:
        *raw = (double)(int8_t)p[0];
        return (uint64_t)(int64_t)(int8_t)p[0];
    case ILRS_DICT_I16: {
        int16_t s = (int16_t)ilrs_get_be16(p);
        *raw = s;
        return (uint64_t)(int64_t)s;
    }
    case ILRS_DICT_I32: {
        int32_t s = (int32_t)ilrs_get_be32(p);
        *raw = s;
        return (uint64_t)(int64_t)s;
    }
    case ILRS_DICT_I64: {
        int64_t s = (int64_t)ilrs_get_be64(p);
        *raw = (double)s;
        return (uint64_t)s;
    }
    case ILRS_DICT_F32: {
        uint32_t b = ilrs_get_be32(p);
        float f;
        memcpy(&f, &b, sizeof f);
        double d = f;
        *raw = d;
        memcpy(&v, &d, sizeof v);
        return v;
    }
    case ILRS_DICT_F64: {
        v = ilrs_get_be64(p);
        memcpy(raw, &v, sizeof *raw);
        return v;
    }
    default:
        *raw = 0;
        return 0;
    }
}

static int ingest_fields(ilrs_ground_archive_t *a, const apid_plan_t *plan, const uint8_t *pkt,
                         ilrs_tai_t t)
{
    for (size_t i = 0; i < plan->field_count; i++) {
        const plan_field_t *pf = &plan->fields[i];
        const uint8_t *at = pkt + pf->offset;
        int rc;
        if (pf->kind == ILRS_GROUND_KIND_BYTES) {
            size_t n = ilrs_dict_type_size((ilrs_dict_type_t)pf->type, pf->field->length);
            if (pf->type == ILRS_DICT_STRING) {
                const uint8_t *nul = memchr(at, 0, n);
                if (nul != NULL) {
                    n = (size_t)(nul - at);
                }
            }
            rc = buffer_append(a, pf->param, pf->kind, pf->flags, t, 0, 0.0,
                               (uint8_t)ILRS_DICT_LIMIT_NONE, at, n);
        } else {
            double raw;
            uint64_t bits = read_field(at, pf->type, &raw);
            double eng = raw;
            uint8_t limit = (uint8_t)ILRS_DICT_LIMIT_NONE;
            if (pf->flags & GROUND_SEG_ENG) {
                eng = ilrs_dict_calibrate(pf->field, raw);
            }
            if (pf->flags & GROUND_SEG_LIMIT) {
                limit = (uint8_t)ilrs_dict_limit_check(pf->field, eng);
            }
            rc = buffer_append(a, pf->param, pf->kind, pf->flags, t, bits, eng, limit, NULL, 0);
        }
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

int ilrs_ground_archive_ingest(ilrs_ground_archive_t *a, const ilrs_dict_t *dict,
                               const uint8_t *pkt, size_t len, ilrs_tai_t receive_time)
{
    if (a == NULL || dict == NULL || pkt == NULL) {
        return ILRS_EINVAL;
    }
    a->stats.packets_received++;
    size_t plen = 0;
    int rc = ilrs_ccsds_packet_check(pkt, len, &plen);
    if (rc != 0) {
        return reject(a, ILRS_GROUND_REJECT_MALFORMED, rc, pkt, len, receive_time,
                      len >= 2 ? ilrs_ccsds_get_apid(pkt) : 0xFFFF, NULL,
                      "CCSDS packet check failed after %zu octets: %s (%s)", len, ilrs_strerror(rc),
                      ilrs_errname(rc));
    }
    uint16_t apid = ilrs_ccsds_get_apid(pkt);
    if (plen != len) {
        return reject(
            a, ILRS_GROUND_REJECT_LENGTH, ILRS_EGROUND_LENGTH, pkt, len, receive_time, apid, NULL,
            "buffer holds %zu octets but the length field says the packet has %zu", len, plen);
    }
    ilrs_tai_t t = 0;
    if ((rc = ilrs_ccsds_tlm_get_time(pkt, len, &t)) != 0) {
        return reject(a, ILRS_GROUND_REJECT_MALFORMED, rc, pkt, len, receive_time, apid, NULL,
                      "APID %u: not a telemetry packet with a time header: %s (%s)", apid,
                      ilrs_strerror(rc), ilrs_errname(rc));
    }
    const ilrs_dict_packet_t *def = ilrs_dict_find_packet(dict, apid);
    if (def == NULL) {
        return reject(a, ILRS_GROUND_REJECT_UNKNOWN_APID, ILRS_EGROUND_APID, pkt, len, receive_time,
                      apid, NULL, "APID %u has no telemetry packet in the dictionary", apid);
    }
    if (def->length != len) {
        return reject(a, ILRS_GROUND_REJECT_LENGTH, ILRS_EGROUND_LENGTH, pkt, len, receive_time,
                      apid, def->owner, "%s (APID %u): %zu octets, the dictionary says %u",
                      def->name, apid, len, def->length);
    }
    apid_plan_t *plan = &a->plans[apid];
    if (!plan_is_current(plan, dict, def) && (rc = plan_build(a, dict, def, plan)) != 0) {
        goto out_rollback;
    }
    if ((rc = begin_tx(a)) != 0 || (rc = ingest_fields(a, plan, pkt, t)) != 0) {
        goto out_rollback;
    }
    if ((rc = chunk_append(a, def, t, receive_time, pkt, len)) != 0) {
        goto out_rollback;
    }
    a->stats.packets_accepted++;
    return maybe_commit(a, true, t);
out_rollback:
    a->stats.packets_failed++;
    rollback(a);
    return rc;
}

/* ------------------------------------------------------------------------- */
/* events and commands                                                        */
/* ------------------------------------------------------------------------- */

static const char *owner_of_app(const ilrs_dict_t *dict, const char *app)
{
    if (dict == NULL) {
        return ILRS_DICT_OWNER_STATION;
    }
    for (size_t i = 0; i < ilrs_dict_packet_count(dict); i++) {
        const ilrs_dict_packet_t *p = ilrs_dict_packet_at(dict, i);
        if (p->app != NULL && strcmp(p->app, app) == 0) {
            return p->owner;
        }
    }
    for (size_t i = 0; i < ilrs_dict_command_count(dict); i++) {
        const ilrs_dict_command_t *c = ilrs_dict_command_at(dict, i);
        if (c->app != NULL && strcmp(c->app, app) == 0) {
            return c->owner;
        }
    }
    return ILRS_DICT_OWNER_STATION;
}

int ilrs_ground_archive_add_event(ilrs_ground_archive_t *a, const ilrs_dict_t *dict,
                                  const ilrs_ground_event_t *e)
{
    if (a == NULL || e == NULL || e->app == NULL || e->message == NULL) {
        return ILRS_EINVAL;
    }
    const char *owner = e->owner != NULL ? e->owner : owner_of_app(dict, e->app);
    const char *name = e->name;
    if (name == NULL) {
        const ilrs_dict_event_t *de =
            dict != NULL ? ilrs_dict_find_event(dict, e->app, e->id) : NULL;
        name = de != NULL ? de->name : "";
    }
    ground_stmt_t *st = a->st[ST_EVT_INSERT];
    int rc;
    if ((rc = begin_tx(a)) != 0 || (rc = a->ops->bind_i64(st, 1, e->time)) != 0 ||
        (rc = a->ops->bind_text(st, 2, owner)) != 0 ||
        (rc = a->ops->bind_text(st, 3, e->app)) != 0 ||
        (rc = a->ops->bind_i64(st, 4, e->id)) != 0 || (rc = a->ops->bind_text(st, 5, name)) != 0 ||
        (rc = a->ops->bind_i64(st, 6, e->severity)) != 0 ||
        (rc = a->ops->bind_text(st, 7, e->message)) != 0 || (rc = run(a, st)) != 0) {
        rollback(a);
        return rc;
    }
    a->stats.events++;
    a->pending++;
    return maybe_commit(a, true, e->time);
}

int ilrs_ground_archive_add_command(ilrs_ground_archive_t *a, const ilrs_dict_t *dict,
                                    const uint8_t *pkt, size_t len, ilrs_tai_t time,
                                    const char *issuer, int64_t *id)
{
    if (id != NULL) {
        *id = 0;
    }
    if (a == NULL || dict == NULL || pkt == NULL || id == NULL) {
        return ILRS_EINVAL;
    }
    uint8_t fc = 0;
    int rc = ilrs_ccsds_cmd_check(pkt, len, &fc);
    if (rc != 0) {
        return rc;
    }
    if (ilrs_ccsds_get_total_length(pkt) != len) {
        return ILRS_ECCSDS_LENGTH;
    }
    const ilrs_dict_command_t *def = ilrs_dict_find_command(dict, ilrs_ccsds_get_apid(pkt), fc);
    if (def == NULL || def->length != len) {
        return ILRS_EFSW_CMD;
    }
    ground_stmt_t *st = a->st[ST_CMD_INSERT];
    if ((rc = begin_tx(a)) != 0 || (rc = a->ops->bind_i64(st, 1, time)) != 0 ||
        (rc = a->ops->bind_text(st, 2, def->name)) != 0 ||
        (rc = a->ops->bind_text(st, 3, def->owner)) != 0 ||
        (rc = a->ops->bind_text(st, 4, issuer != NULL ? issuer : "")) != 0 ||
        (rc = a->ops->bind_i64(st, 5, def->apid)) != 0 || (rc = a->ops->bind_i64(st, 6, fc)) != 0 ||
        (rc = a->ops->bind_text(st, 7, state_names[ILRS_GROUND_CMD_QUEUED])) != 0 ||
        (rc = a->ops->bind_i64(st, 8, time)) != 0 || (rc = a->ops->bind_text(st, 9, "")) != 0 ||
        (rc = a->ops->bind_blob(st, 10, pkt, len)) != 0 || (rc = run_returning(a, st, id)) != 0) {
        goto out_rollback;
    }
    st = a->st[ST_CMD_STATE_INSERT];
    if ((rc = a->ops->bind_i64(st, 1, *id)) != 0 ||
        (rc = a->ops->bind_text(st, 2, def->owner)) != 0 ||
        (rc = a->ops->bind_i64(st, 3, time)) != 0 ||
        (rc = a->ops->bind_text(st, 4, state_names[ILRS_GROUND_CMD_QUEUED])) != 0 ||
        (rc = a->ops->bind_text(st, 5, "")) != 0 || (rc = run(a, st)) != 0) {
        goto out_rollback;
    }
    a->stats.commands++;
    return commit(a);
out_rollback:
    *id = 0;
    rollback(a);
    return rc;
}

static bool transition_allowed(int from, int to)
{
    if (from == ILRS_GROUND_CMD_EXECUTED || from == ILRS_GROUND_CMD_FAILED) {
        return false;
    }
    return to == ILRS_GROUND_CMD_FAILED || to == from + 1;
}

int ilrs_ground_archive_update_command(ilrs_ground_archive_t *a, int64_t id,
                                       ilrs_ground_command_state_t state, ilrs_tai_t time,
                                       const char *detail)
{
    if (a == NULL || (unsigned)state >= ILRS_GROUND_CMD_STATE_COUNT) {
        return ILRS_EINVAL;
    }
    ground_stmt_t *st = a->st[ST_CMD_GET];
    int rc;
    if ((rc = a->ops->bind_i64(st, 1, id)) != 0) {
        return rc;
    }
    rc = a->ops->step(st);
    int from = rc == GROUND_ROW ? state_from_name(a->ops->col_text(st, 0)) : -1;
    char owner[ILRS_DICT_NAME_MAX] = "";
    if (rc == GROUND_ROW) {
        snprintf(owner, sizeof owner, "%s", a->ops->col_text(st, 1));
    }
    a->ops->reset(st);
    if (rc < 0) {
        return rc;
    }
    if (rc == GROUND_DONE) {
        return ILRS_ENOENT;
    }
    if (from < 0 || !transition_allowed(from, (int)state)) {
        return ILRS_ESTATE;
    }
    if (detail == NULL) {
        detail = "";
    }
    st = a->st[ST_CMD_UPDATE];
    if ((rc = begin_tx(a)) != 0 || (rc = a->ops->bind_text(st, 1, state_names[state])) != 0 ||
        (rc = a->ops->bind_i64(st, 2, time)) != 0 || (rc = a->ops->bind_text(st, 3, detail)) != 0 ||
        (rc = a->ops->bind_i64(st, 4, id)) != 0 || (rc = run(a, st)) != 0) {
        goto out_rollback;
    }
    st = a->st[ST_CMD_STATE_INSERT];
    if ((rc = a->ops->bind_i64(st, 1, id)) != 0 || (rc = a->ops->bind_text(st, 2, owner)) != 0 ||
        (rc = a->ops->bind_i64(st, 3, time)) != 0 ||
        (rc = a->ops->bind_text(st, 4, state_names[state])) != 0 ||
        (rc = a->ops->bind_text(st, 5, detail)) != 0 || (rc = run(a, st)) != 0) {
        goto out_rollback;
    }
    return commit(a);
out_rollback:
    rollback(a);
    return rc;
}

/* ------------------------------------------------------------------------- */
/* queries                                                                    */
/* ------------------------------------------------------------------------- */

typedef int (*visit_fn)(void *ctx, const param_t *p, const ground_sample_view_t *v);

static void view_to_sample(const param_t *p, const ground_sample_view_t *v, ilrs_ground_sample_t *s)
{
    memset(s, 0, sizeof *s);
    s->time = v->time;
    s->time_ms = ilrs_ground_time_ms(v->time);
    if (v->kind == ILRS_GROUND_KIND_INT) {
        s->raw_int = (int64_t)v->value;
        s->raw = p->is_unsigned ? (double)v->value : (double)(int64_t)v->value;
    } else if (v->kind == ILRS_GROUND_KIND_FLOAT) {
        memcpy(&s->raw, &v->value, sizeof s->raw);
    }
    s->value = v->has_eng ? v->eng : s->raw;
    s->limit = v->limit;
    s->bytes = v->bytes;
    s->bytes_len = v->bytes_len;
}

/* Visit the samples of one stored segment blob with s <= time <= e. */
static int visit_segment(const param_t *p, const uint8_t *blob, size_t len, ilrs_tai_t s,
                         ilrs_tai_t e, visit_fn fn, void *ctx)
{
    ground_segment_reader_t r;
    ground_sample_view_t v;
    int rc = ilrs__ground_segment_open(&r, blob, len);
    if (rc != 0) {
        return rc;
    }
    while ((rc = ilrs__ground_segment_next(&r, &v)) == 1) {
        if (v.time >= s && v.time <= e && (rc = fn(ctx, p, &v)) != 0) {
            return rc;
        }
    }
    return rc;
}

/* Visit the samples of p's in-memory buffer (not yet in a segment) with s <= time <= e. */
static int visit_buffer(const param_t *p, ilrs_tai_t s, ilrs_tai_t e, visit_fn fn, void *ctx)
{
    ground_sample_view_t v = {.kind = p->buf_kind, .has_eng = (p->flags & GROUND_SEG_ENG) != 0};
    for (uint32_t i = 0; i < p->count; i++) {
        if (p->times[i] < s || p->times[i] > e) {
            continue;
        }
        v.time = p->times[i];
        v.value = p->values[i];
        v.eng = p->eng[i];
        v.limit = (p->flags & GROUND_SEG_LIMIT) ? p->limit[i] : (uint8_t)ILRS_DICT_LIMIT_NONE;
        v.bytes = NULL;
        v.bytes_len = 0;
        if (p->buf_kind == ILRS_GROUND_KIND_BYTES) {
            uint32_t start = i > 0 ? p->bytes_end[i - 1] : 0;
            v.bytes = p->bytes != NULL ? p->bytes + start : NULL; /* NULL: only empty values */
            v.bytes_len = p->bytes_end[i] - start;
        }
        int rc = fn(ctx, p, &v);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

/* Visit every sample of p with s <= time <= e: archived segments (of @p owner, "" for
 * all: a parameter whose owner changed keeps its earlier segments' owner), then the
 * buffer (always of the current owner). */
static int scan_samples(ilrs_ground_archive_t *a, const param_t *p, const char *owner, ilrs_tai_t s,
                        ilrs_tai_t e, visit_fn fn, void *ctx)
{
    /* max_span as stored: another handle (the ingest process) may have written longer
     * segments since this handle loaded the parameter */
    int64_t max_span = p->max_span;
    ground_stmt_t *st = a->st[ST_PARAM_SPAN_GET];
    int rc;
    if ((rc = a->ops->bind_i64(st, 1, p->id)) != 0) {
        return rc;
    }
    rc = a->ops->step(st);
    if (rc == GROUND_ROW && a->ops->col_i64(st, 0) > max_span) {
        max_span = a->ops->col_i64(st, 0);
    }
    a->ops->reset(st);
    if (rc < 0) {
        return rc;
    }
    st = a->st[ST_SEG_RANGE];
    if ((rc = a->ops->bind_i64(st, 1, p->id)) != 0 ||
        (rc = a->ops->bind_i64(st, 2, sat_sub(s, max_span))) != 0 ||
        (rc = a->ops->bind_i64(st, 3, e)) != 0 || (rc = a->ops->bind_i64(st, 4, s)) != 0 ||
        (rc = a->ops->bind_text(st, 5, owner)) != 0) {
        return rc;
    }
    while ((rc = a->ops->step(st)) == GROUND_ROW) {
        int64_t seg_id = a->ops->col_i64(st, 0);
        if (p->seg_id != 0 && seg_id == p->seg_id) {
            continue; /* the buffer holds these samples and more */
        }
        size_t len;
        const uint8_t *blob = a->ops->col_blob(st, 1, &len);
        if ((rc = visit_segment(p, blob, len, s, e, fn, ctx)) != 0) {
            break;
        }
    }
    a->ops->reset(st);
    if (rc < 0) {
        return rc;
    }
    return visit_buffer(p, s, e, fn, ctx);
}

static const uint8_t bytes_marker;

typedef struct all_ctx {
    ilrs_ground_history_t *h;
    size_t cap;
    size_t storage_len, storage_cap;
} all_ctx_t;

static int visit_all(void *vctx, const param_t *p, const ground_sample_view_t *v)
{
    all_ctx_t *c = vctx;
    ilrs_ground_history_t *h = c->h;
    if (h->count == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 1024;
        ilrs_ground_sample_t *n = realloc(h->samples, cap * sizeof *n);
        if (n == NULL) {
            return ILRS_ENOMEM;
        }
        h->samples = n;
        c->cap = cap;
    }
    ilrs_ground_sample_t *s = &h->samples[h->count++];
    view_to_sample(p, v, s);
    if (v->kind == ILRS_GROUND_KIND_BYTES) {
        if (c->storage_len + v->bytes_len > c->storage_cap) {
            size_t cap = 2 * (c->storage_len + v->bytes_len) + 256;
            uint8_t *n = realloc(h->storage_, cap);
            if (n == NULL) {
                return ILRS_ENOMEM;
            }
            h->storage_ = n;
            c->storage_cap = cap;
        }
        if (v->bytes_len > 0) {
            memcpy(h->storage_ + c->storage_len, v->bytes, v->bytes_len);
        }
        /* the storage may still move: keep the offset in raw_int (always 0 for BYTES)
         * and mark the sample, then set the pointers once everything is collected */
        s->raw_int = (int64_t)c->storage_len;
        s->bytes = &bytes_marker;
        c->storage_len += v->bytes_len;
    }
    return 0;
}

static int cmp_sample(const void *x, const void *y)
{
    const ilrs_ground_sample_t *a = x, *b = y;
    return (a->time > b->time) - (a->time < b->time);
}

typedef struct minmax_ctx {
    ilrs_tai_t start;
    unsigned __int128 span;
    size_t size;
    ilrs_ground_bucket_t *b;
} minmax_ctx_t;

static int visit_minmax(void *vctx, const param_t *p, const ground_sample_view_t *v)
{
    minmax_ctx_t *c = vctx;
    ilrs_ground_sample_t s;
    view_to_sample(p, v, &s);
    unsigned __int128 off = (unsigned __int128)((uint64_t)v->time - (uint64_t)c->start);
    size_t i = (size_t)(off * c->size / c->span);
    if (i >= c->size) {
        i = c->size - 1;
    }
    ilrs_ground_bucket_t *b = &c->b[i];
    if (b->count == 0 || (isnan(b->min) && !isnan(s.value))) {
        b->min = b->max = s.value;
        b->min_ms = b->max_ms = s.time_ms;
    } else if (!isnan(s.value)) {
        if (s.value < b->min) {
            b->min = s.value;
            b->min_ms = s.time_ms;
        }
        if (s.value > b->max) {
            b->max = s.value;
            b->max_ms = s.time_ms;
        }
    }
    b->count++;
    return 0;
}

typedef struct latest_ctx {
    bool found;
    ilrs_ground_sample_t best;
    uint8_t *bytes;
    int rc;
} latest_ctx_t;

static int visit_latest(void *vctx, const param_t *p, const ground_sample_view_t *v)
{
    latest_ctx_t *c = vctx;
    if (c->found && v->time < c->best.time) {
        return 0;
    }
    view_to_sample(p, v, &c->best);
    c->found = true;
    free(c->bytes);
    c->bytes = NULL;
    if (v->bytes_len > 0) {
        c->bytes = malloc(v->bytes_len);
        if (c->bytes == NULL) {
            return ILRS_ENOMEM;
        }
        memcpy(c->bytes, v->bytes, v->bytes_len);
    }
    c->best.bytes = c->bytes;
    return 0;
}

/* The newest sample in [s, e]: the buffer, then segments by descending t_end until no
 * remaining segment can hold anything newer. */
static int query_latest(ilrs_ground_archive_t *a, const param_t *p, const char *owner, ilrs_tai_t s,
                        ilrs_tai_t e, latest_ctx_t *c)
{
    int rc = visit_buffer(p, s, e, visit_latest, c);
    if (rc != 0) {
        return rc;
    }
    ground_stmt_t *st = a->st[ST_SEG_LATEST];
    if ((rc = a->ops->bind_i64(st, 1, p->id)) != 0 || (rc = a->ops->bind_i64(st, 2, s)) != 0 ||
        (rc = a->ops->bind_i64(st, 3, e)) != 0 || (rc = a->ops->bind_text(st, 4, owner)) != 0) {
        return rc;
    }
    while ((rc = a->ops->step(st)) == GROUND_ROW) {
        int64_t seg_id = a->ops->col_i64(st, 0);
        int64_t t_end = a->ops->col_i64(st, 1);
        if (c->found && t_end < c->best.time) {
            rc = 0;
            break;
        }
        if (p->seg_id != 0 && seg_id == p->seg_id) {
            continue;
        }
        size_t len;
        const uint8_t *blob = a->ops->col_blob(st, 2, &len);
        if ((rc = visit_segment(p, blob, len, s, e, visit_latest, c)) != 0) {
            break;
        }
    }
    a->ops->reset(st);
    return rc < 0 ? rc : 0;
}

void ilrs_ground_history_free(ilrs_ground_history_t *h)
{
    if (h == NULL) {
        return;
    }
    free(h->samples);
    free(h->buckets);
    free(h->storage_);
    memset(h, 0, sizeof *h);
}

static int check_owner(const param_t *p, const char *owner)
{
    return (owner == NULL || strcmp(owner, p->owner) == 0) ? 0 : ILRS_EPERM;
}

int ilrs_ground_archive_history(ilrs_ground_archive_t *a, const char *name, const char *owner,
                                int64_t start_ms, int64_t end_ms, ilrs_ground_strategy_t strategy,
                                size_t size, ilrs_ground_history_t *out)
{
    if (out == NULL) {
        return ILRS_EINVAL;
    }
    memset(out, 0, sizeof *out);
    if (a == NULL || name == NULL || start_ms > end_ms) {
        return ILRS_EINVAL;
    }
    const param_t *p = param_find(a, name);
    int rc;
    if (p == NULL) {
        /* perhaps created by another handle since this one loaded its registry */
        if ((rc = registry_refresh_if_idle(a)) != 0) {
            return rc;
        }
        if ((p = param_find(a, name)) == NULL) {
            return ILRS_ENOENT;
        }
    }
    rc = check_owner(p, owner);
    if (rc != 0) {
        return rc;
    }
    out->kind = (ilrs_ground_kind_t)p->kind;
    const char *owner_filter = owner != NULL ? owner : "";
    ilrs_tai_t s = ms_to_ns(start_ms, false), e = ms_to_ns(end_ms, true);
    switch (strategy) {
    case ILRS_GROUND_ALL: {
        all_ctx_t c = {.h = out};
        if ((rc = scan_samples(a, p, owner_filter, s, e, visit_all, &c)) != 0) {
            goto out_free;
        }
        bool sorted = true;
        for (size_t i = 1; i < out->count && sorted; i++) {
            sorted = out->samples[i - 1].time <= out->samples[i].time;
        }
        if (!sorted) {
            qsort(out->samples, out->count, sizeof *out->samples, cmp_sample);
        }
        for (size_t i = 0; i < out->count; i++) {
            ilrs_ground_sample_t *sm = &out->samples[i];
            if (sm->bytes == &bytes_marker) {
                sm->bytes = out->storage_ != NULL ? out->storage_ + sm->raw_int : NULL;
                sm->raw_int = 0;
            }
        }
        return 0;
    }
    case ILRS_GROUND_LATEST: {
        latest_ctx_t c = {0};
        if ((rc = query_latest(a, p, owner_filter, s, e, &c)) != 0) {
            free(c.bytes);
            goto out_free;
        }
        if (c.found) {
            out->samples = malloc(sizeof *out->samples);
            if (out->samples == NULL) {
                free(c.bytes);
                rc = ILRS_ENOMEM;
                goto out_free;
            }
            out->samples[0] = c.best;
            out->count = 1;
            out->storage_ = c.bytes;
        } else {
            free(c.bytes);
        }
        return 0;
    }
    case ILRS_GROUND_MINMAX: {
        if (p->kind == ILRS_GROUND_KIND_BYTES) {
            return ILRS_ETYPE;
        }
        if (size == 0 || size > MAX_BUCKETS) {
            return ILRS_EINVAL;
        }
        minmax_ctx_t c = {
            .start = s, .span = (unsigned __int128)((uint64_t)e - (uint64_t)s) + 1, .size = size};
        c.b = calloc(size, sizeof *c.b);
        if (c.b == NULL) {
            return ILRS_ENOMEM;
        }
        if ((rc = scan_samples(a, p, owner_filter, s, e, visit_minmax, &c)) != 0) {
            free(c.b);
            goto out_free;
        }
        size_t n = 0;
        for (size_t i = 0; i < size; i++) {
            if (c.b[i].count > 0) {
                unsigned __int128 off = ((unsigned __int128)i * c.span + size - 1) / size;
                c.b[n] = c.b[i];
                c.b[n].time_ms = ilrs_ground_time_ms((ilrs_tai_t)((uint64_t)s + (uint64_t)off));
                n++;
            }
        }
        out->buckets = c.b;
        out->bucket_count = n;
        return 0;
    }
    default:
        return ILRS_EINVAL;
    }
out_free:
    ilrs_ground_history_free(out);
    return rc;
}

static int cmp_param_name(const void *x, const void *y)
{
    const param_t *const *a = x, *const *b = y;
    return strcmp((*a)->name, (*b)->name);
}

int ilrs_ground_archive_parameters(ilrs_ground_archive_t *a, const char *owner,
                                   ilrs_ground_parameter_fn fn, void *user)
{
    if (a == NULL || fn == NULL) {
        return ILRS_EINVAL;
    }
    int rc = registry_refresh_if_idle(a);
    if (rc != 0) {
        return rc;
    }
    if (a->param_count == 0) {
        return 0;
    }
    param_t **sorted = malloc(a->param_count * sizeof *sorted);
    if (sorted == NULL) {
        return ILRS_ENOMEM;
    }
    memcpy(sorted, a->params, a->param_count * sizeof *sorted);
    qsort(sorted, a->param_count, sizeof *sorted, cmp_param_name);
    for (size_t i = 0; i < a->param_count && rc == 0; i++) {
        const param_t *p = sorted[i];
        if (check_owner(p, owner) != 0) {
            continue;
        }
        ilrs_ground_parameter_t gp = {.name = p->name,
                                      .owner = p->owner,
                                      .packet = p->packet,
                                      .field = p->field,
                                      .type = p->type_name,
                                      .unit = p->unit,
                                      .kind = (ilrs_ground_kind_t)p->kind,
                                      .apid = p->apid};
        rc = fn(user, &gp);
    }
    free(sorted);
    return rc;
}

int ilrs_ground_archive_events(ilrs_ground_archive_t *a, const char *owner, int64_t start_ms,
                               int64_t end_ms, ilrs_ground_event_fn fn, void *user)
{
    if (a == NULL || fn == NULL || start_ms > end_ms) {
        return ILRS_EINVAL;
    }
    ground_stmt_t *st = a->st[ST_EVT_SCAN];
    int rc;
    if ((rc = a->ops->bind_text(st, 1, owner != NULL ? owner : "")) != 0 ||
        (rc = a->ops->bind_i64(st, 2, ms_to_ns(start_ms, false))) != 0 ||
        (rc = a->ops->bind_i64(st, 3, ms_to_ns(end_ms, true))) != 0) {
        return rc;
    }
    while ((rc = a->ops->step(st)) == GROUND_ROW) {
        ilrs_ground_event_t e = {.time = a->ops->col_i64(st, 0),
                                 .owner = a->ops->col_text(st, 1),
                                 .app = a->ops->col_text(st, 2),
                                 .id = (uint16_t)a->ops->col_i64(st, 3),
                                 .name = a->ops->col_text(st, 4),
                                 .severity = (int)a->ops->col_i64(st, 5),
                                 .message = a->ops->col_text(st, 6)};
        if ((rc = fn(user, &e)) != 0) {
            break;
        }
    }
    a->ops->reset(st);
    return rc == GROUND_DONE ? 0 : rc;
}

int ilrs_ground_archive_commands(ilrs_ground_archive_t *a, const char *owner, int64_t start_ms,
                                 int64_t end_ms, ilrs_ground_command_fn fn, void *user)
{
    if (a == NULL || fn == NULL || start_ms > end_ms) {
        return ILRS_EINVAL;
    }
    ground_stmt_t *st = a->st[ST_CMD_SCAN];
    int rc;
    if ((rc = a->ops->bind_text(st, 1, owner != NULL ? owner : "")) != 0 ||
        (rc = a->ops->bind_i64(st, 2, ms_to_ns(start_ms, false))) != 0 ||
        (rc = a->ops->bind_i64(st, 3, ms_to_ns(end_ms, true))) != 0) {
        return rc;
    }
    while ((rc = a->ops->step(st)) == GROUND_ROW) {
        int state = state_from_name(a->ops->col_text(st, 7));
        size_t len;
        const uint8_t *data = a->ops->col_blob(st, 10, &len);
        ilrs_ground_command_t c = {.id = a->ops->col_i64(st, 0),
                                   .queued_ms = ilrs_ground_time_ms(a->ops->col_i64(st, 1)),
                                   .name = a->ops->col_text(st, 2),
                                   .owner = a->ops->col_text(st, 3),
                                   .issuer = a->ops->col_text(st, 4),
                                   .apid = (uint16_t)a->ops->col_i64(st, 5),
                                   .function_code = (uint8_t)a->ops->col_i64(st, 6),
                                   .state = (ilrs_ground_command_state_t)(state < 0 ? 0 : state),
                                   .state_ms = ilrs_ground_time_ms(a->ops->col_i64(st, 8)),
                                   .detail = a->ops->col_text(st, 9),
                                   .packet = data,
                                   .packet_len = len};
        if ((rc = fn(user, &c)) != 0) {
            break;
        }
    }
    a->ops->reset(st);
    return rc == GROUND_DONE ? 0 : rc;
}

typedef struct packet_rec {
    ilrs_tai_t time, receive_time;
    size_t off, len, seq;
    uint32_t source; /* index into the sources */
} packet_rec_t;

typedef struct packet_source {
    char owner[ILRS_DICT_NAME_MAX], name[ILRS_DICT_NAME_MAX];
    uint16_t apid;
} packet_source_t;

typedef struct packet_collect {
    packet_rec_t *recs;
    size_t count, cap;
    packet_source_t *sources;
    size_t source_count, source_cap;
    uint8_t *data;
    size_t data_len, data_cap;
} packet_collect_t;

static void packet_collect_free(packet_collect_t *c)
{
    free(c->recs);
    free(c->sources);
    free(c->data);
}

/* Copy the records of one chunk within [s, e]. */
static int packet_collect_chunk(packet_collect_t *c, uint16_t apid, const char *owner,
                                const char *name, const uint8_t *blob, size_t blob_len,
                                ilrs_tai_t s, ilrs_tai_t e)
{
    if (c->source_count == c->source_cap) {
        size_t cap = c->source_cap ? 2 * c->source_cap : 16;
        packet_source_t *n = realloc(c->sources, cap * sizeof *n);
        if (n == NULL) {
            return ILRS_ENOMEM;
        }
        c->sources = n;
        c->source_cap = cap;
    }
    packet_source_t *src = &c->sources[c->source_count];
    snprintf(src->owner, sizeof src->owner, "%s", owner);
    snprintf(src->name, sizeof src->name, "%s", name);
    src->apid = apid;
    const uint8_t *p = blob, *end = blob + blob_len;
    ilrs_tai_t t = 0, rt = 0;
    const uint8_t *pkt;
    size_t len;
    int rc;
    while ((rc = ilrs__ground_chunk_next(&p, end, &t, &rt, &pkt, &len)) == 1) {
        if (t < s || t > e) {
            continue;
        }
        if (c->count == c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 256;
            packet_rec_t *n = realloc(c->recs, cap * sizeof *n);
            if (n == NULL) {
                return ILRS_ENOMEM;
            }
            c->recs = n;
            c->cap = cap;
        }
        if (c->data_len + len > c->data_cap) {
            size_t cap = 2 * (c->data_len + len) + 4096;
            uint8_t *n = realloc(c->data, cap);
            if (n == NULL) {
                return ILRS_ENOMEM;
            }
            c->data = n;
            c->data_cap = cap;
        }
        memcpy(c->data + c->data_len, pkt, len);
        c->recs[c->count] = (packet_rec_t){.time = t,
                                           .receive_time = rt,
                                           .off = c->data_len,
                                           .len = len,
                                           .seq = c->count,
                                           .source = (uint32_t)c->source_count};
        c->count++;
        c->data_len += len;
    }
    c->source_count++;
    return rc;
}

static int cmp_packet_rec(const void *x, const void *y)
{
    const packet_rec_t *a = x, *b = y;
    if (a->time != b->time) {
        return a->time < b->time ? -1 : 1;
    }
    return (a->seq > b->seq) - (a->seq < b->seq);
}

int ilrs_ground_archive_packets(ilrs_ground_archive_t *a, const char *owner, uint16_t apid,
                                int64_t start_ms, int64_t end_ms, ilrs_ground_packet_fn fn,
                                void *user)
{
    if (a == NULL || fn == NULL || start_ms > end_ms) {
        return ILRS_EINVAL;
    }
    ilrs_tai_t s = ms_to_ns(start_ms, false), e = ms_to_ns(end_ms, true);
    packet_collect_t c = {0};
    ground_stmt_t *st;
    int rc;
    if (apid != 0xFFFF) {
        st = a->st[ST_PKT_SCAN_APID];
        if ((rc = a->ops->bind_i64(st, 1, apid)) != 0 || (rc = a->ops->bind_i64(st, 2, s)) != 0 ||
            (rc = a->ops->bind_i64(st, 3, e)) != 0 ||
            (rc = a->ops->bind_text(st, 4, owner != NULL ? owner : "")) != 0) {
            return rc;
        }
    } else {
        st = a->st[ST_PKT_SCAN];
        if ((rc = a->ops->bind_text(st, 1, owner != NULL ? owner : "")) != 0 ||
            (rc = a->ops->bind_i64(st, 2, apid)) != 0 || (rc = a->ops->bind_i64(st, 3, s)) != 0 ||
            (rc = a->ops->bind_i64(st, 4, e)) != 0) {
            return rc;
        }
    }
    while ((rc = a->ops->step(st)) == GROUND_ROW) {
        size_t len;
        const uint8_t *blob = a->ops->col_blob(st, 3, &len);
        rc = packet_collect_chunk(&c, (uint16_t)a->ops->col_i64(st, 0), a->ops->col_text(st, 1),
                                  a->ops->col_text(st, 2), blob, len, s, e);
        if (rc != 0) {
            break;
        }
    }
    a->ops->reset(st);
    if (rc != 0) {
        goto out_free;
    }
    /* and the packets not yet written */
    for (size_t i = 0; i <= ILRS_CCSDS_APID_MAX; i++) {
        const packet_chunk_t *ch = &a->chunks[i];
        if (ch->count == 0 || (apid != 0xFFFF && apid != i) ||
            (owner != NULL && strcmp(owner, ch->owner) != 0)) {
            continue;
        }
        if ((rc = packet_collect_chunk(&c, (uint16_t)i, ch->owner, ch->name, ch->data, ch->len, s,
                                       e)) != 0) {
            goto out_free;
        }
    }
    if (c.count > 1) {
        qsort(c.recs, c.count, sizeof *c.recs, cmp_packet_rec);
    }
    for (size_t i = 0; i < c.count; i++) {
        const packet_rec_t *r = &c.recs[i];
        const packet_source_t *src = &c.sources[r->source];
        ilrs_ground_packet_t pk = {.time_ms = ilrs_ground_time_ms(r->time),
                                   .receive_ms = ilrs_ground_time_ms(r->receive_time),
                                   .apid = src->apid,
                                   .owner = src->owner,
                                   .name = src->name,
                                   .code = 0,
                                   .detail = "",
                                   .data = c.data + r->off,
                                   .len = r->len};
        if ((rc = fn(user, &pk)) != 0) {
            break;
        }
    }
out_free:
    packet_collect_free(&c);
    return rc;
}

int ilrs_ground_archive_rejected(ilrs_ground_archive_t *a, int64_t start_ms, int64_t end_ms,
                                 ilrs_ground_packet_fn fn, void *user)
{
    if (a == NULL || fn == NULL || start_ms > end_ms) {
        return ILRS_EINVAL;
    }
    ground_stmt_t *st = a->st[ST_REJ_SCAN];
    int rc;
    if ((rc = a->ops->bind_i64(st, 1, ms_to_ns(start_ms, false))) != 0 ||
        (rc = a->ops->bind_i64(st, 2, ms_to_ns(end_ms, true))) != 0) {
        return rc;
    }
    while ((rc = a->ops->step(st)) == GROUND_ROW) {
        size_t len;
        const uint8_t *data = a->ops->col_blob(st, 6, &len);
        int64_t apid = a->ops->col_i64(st, 1);
        ilrs_ground_packet_t pk = {.time_ms = ilrs_ground_time_ms(a->ops->col_i64(st, 0)),
                                   .receive_ms = ilrs_ground_time_ms(a->ops->col_i64(st, 0)),
                                   .apid = (uint16_t)(apid >= 0 && apid <= 0xFFFF ? apid : 0xFFFF),
                                   .owner = a->ops->col_text(st, 2),
                                   .name = a->ops->col_text(st, 3),
                                   .code = (int)a->ops->col_i64(st, 4),
                                   .detail = a->ops->col_text(st, 5),
                                   .data = data,
                                   .len = len};
        if ((rc = fn(user, &pk)) != 0) {
            break;
        }
    }
    a->ops->reset(st);
    return rc == GROUND_DONE ? 0 : rc;
}

/* ------------------------------------------------------------------------- */
/* data-product catalog                                                       */
/* ------------------------------------------------------------------------- */

int ilrs_ground_archive_add_file(ilrs_ground_archive_t *a, const ilrs_ground_file_t *f)
{
    if (a == NULL || f == NULL || f->partner == NULL || f->partner[0] == '\0' ||
        f->name == NULL || f->name[0] == '\0' || f->payload == NULL || f->sha256 == NULL ||
        f->size < 0 || f->start_ms > f->end_ms) {
        return ILRS_EINVAL;
    }
    ground_stmt_t *st = a->st[ST_FILE_UPSERT];
    int rc;
    if ((rc = begin_tx(a)) != 0 || (rc = a->ops->bind_text(st, 1, f->partner)) != 0 ||
        (rc = a->ops->bind_text(st, 2, f->name)) != 0 ||
        (rc = a->ops->bind_text(st, 3, f->payload)) != 0 ||
        (rc = a->ops->bind_i64(st, 4, f->size)) != 0 ||
        (rc = a->ops->bind_text(st, 5, f->sha256)) != 0 ||
        (rc = a->ops->bind_i64(st, 6, f->start_ms)) != 0 ||
        (rc = a->ops->bind_i64(st, 7, f->end_ms)) != 0 ||
        (rc = a->ops->bind_i64(st, 8, f->created_ms)) != 0 || (rc = run(a, st)) != 0) {
        rollback(a);
        return rc;
    }
    /* Committed with the next commit (flush, close, policy): a batch of products
     * costs one commit, not one each. */
    a->pending++;
    return 0;
}

int ilrs_ground_archive_files(ilrs_ground_archive_t *a, const char *partner, const char *name,
                              ilrs_ground_file_fn fn, void *user)
{
    if (a == NULL || fn == NULL) {
        return ILRS_EINVAL;
    }
    ground_stmt_t *st = a->st[ST_FILE_SCAN];
    int rc;
    if ((rc = a->ops->bind_text(st, 1, partner != NULL ? partner : "")) != 0 ||
        (rc = a->ops->bind_text(st, 2, name != NULL ? name : "")) != 0) {
        return rc;
    }
    while ((rc = a->ops->step(st)) == GROUND_ROW) {
        ilrs_ground_file_t f = {.partner = a->ops->col_text(st, 0),
                                .name = a->ops->col_text(st, 1),
                                .payload = a->ops->col_text(st, 2),
                                .size = a->ops->col_i64(st, 3),
                                .sha256 = a->ops->col_text(st, 4),
                                .start_ms = a->ops->col_i64(st, 5),
                                .end_ms = a->ops->col_i64(st, 6),
                                .created_ms = a->ops->col_i64(st, 7)};
        if ((rc = fn(user, &f)) != 0) {
            break;
        }
    }
    a->ops->reset(st);
    return rc == GROUND_DONE ? 0 : rc;
}

int ilrs_ground_archive_last_packet_ms(ilrs_ground_archive_t *a, uint16_t apid, int64_t *last_ms)
{
    if (last_ms != NULL) {
        *last_ms = 0;
    }
    if (a == NULL || last_ms == NULL || apid > ILRS_CCSDS_APID_MAX) {
        return ILRS_EINVAL;
    }
    int rc = chunk_flush(a, apid);
    if (rc != 0) {
        return rc;
    }
    ground_stmt_t *st = a->st[ST_PKT_LAST];
    if ((rc = a->ops->bind_i64(st, 1, apid)) != 0) {
        return rc;
    }
    rc = a->ops->step(st);
    if (rc == GROUND_ROW) {
        *last_ms = ilrs_ground_time_ms(a->ops->col_i64(st, 0));
        rc = 0;
    } else if (rc == GROUND_DONE) {
        rc = ILRS_ENOENT;
    }
    a->ops->reset(st);
    return rc;
}
