/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mission-control API router: one request in, one JSON response out, with no
 * sockets, so the same code runs behind libwebsockets (ground_http_lws.c), in the
 * tests and in the fuzz target.
 *
 * Order of checks for every request: size limits (413/414), path known (404),
 * method allowed (405), authentication (401), authorization (403), input (400),
 * then the action. Every 401 and 403 is written to the audit log with the user
 * (if known), the resource and the reason: the server refuses, it never hides.
 *
 * Object identifiers of the Open MCT tree (namespace "ilrs"):
 *   root-<owner>        folder per owner (the station and each partner)
 *   packet-<PACKET>     folder per telemetry packet
 *   <PACKET>.<field>    telemetry point
 *   events-<owner>      event log of an owner
 *   commands-<owner>    command panel of an owner
 * Dictionary names are [A-Za-z][A-Za-z0-9_]*, so '-' and '.' keep the forms apart.
 *
 * Large answers (telemetry history) are written with a small string builder
 * rather than jansson objects: a day of 1 Hz samples is 86 400 points and the
 * builder avoids one allocation per number; numbers are formatted by
 * ilrs__format_double() (shortest round-trip digits, ground_dtoa.c) and
 * timestamps by sb_int().
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "ground/ground_server_int.h"

#define MODULE "ground"

/* ---- string builder --------------------------------------------------------- */

typedef struct sb {
    char *data;
    size_t len, cap;
    bool failed;
} sb_t;

static void sb_reserve(sb_t *sb, size_t extra)
{
    if (sb->failed || sb->len + extra + 1 <= sb->cap) {
        return;
    }
    size_t cap = sb->cap != 0 ? sb->cap : 256;
    while (cap < sb->len + extra + 1) {
        cap *= 2;
    }
    char *p = realloc(sb->data, cap);
    if (p == NULL) {
        sb->failed = true;
        return;
    }
    sb->data = p;
    sb->cap = cap;
}

static void sb_add(sb_t *sb, const char *s, size_t n)
{
    sb_reserve(sb, n);
    if (!sb->failed) {
        memcpy(sb->data + sb->len, s, n);
        sb->len += n;
        sb->data[sb->len] = '\0';
    }
}

static void sb_puts(sb_t *sb, const char *s)
{
    sb_add(sb, s, strlen(s));
}

/* A JSON number: the shortest text that reads back as exactly @p v (Grisu2,
 * ground_dtoa.c); NaN and infinities (not JSON) become null. */
static void sb_number(sb_t *sb, double v)
{
    sb_reserve(sb, ILRS__DOUBLE_TEXT_MAX);
    if (!sb->failed) {
        sb->len += ilrs__format_double(v, sb->data + sb->len);
    }
}

/* A decimal integer; written directly because it is most of a history answer. */
static void sb_int(sb_t *sb, int64_t v)
{
    char buf[24];
    char *p = buf + sizeof buf;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0) {
        *--p = '-';
    }
    sb_add(sb, p, (size_t)(buf + sizeof buf - p));
}

/* ---- responses ------------------------------------------------------------------ */

void ilrs_ground_response_fini(ilrs_ground_response_t *response)
{
    if (response == NULL) {
        return;
    }
    free(response->body);
    memset(response, 0, sizeof *response);
}

static int respond_json(ilrs_ground_response_t *resp, int status, json_t *value)
{
    resp->status = status;
    resp->body = value != NULL ? json_dumps(value, JSON_COMPACT) : NULL;
    json_decref(value);
    if (resp->body == NULL) {
        resp->status = 500;
        return ILRS_ENOMEM;
    }
    resp->body_len = strlen(resp->body);
    return 0;
}

static int respond_sb(ilrs_ground_response_t *resp, int status, sb_t *sb)
{
    if (sb->failed || sb->data == NULL) {
        free(sb->data);
        resp->status = 500;
        return ILRS_ENOMEM;
    }
    resp->status = status;
    resp->body = sb->data;
    resp->body_len = sb->len;
    return 0;
}

static const char *status_code_name(int status)
{
    switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 429: return "too_many_requests";
    default: return "internal_error";
    }
}

static int respond_error(ilrs_ground_response_t *resp, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int respond_error(ilrs_ground_response_t *resp, int status, const char *fmt, ...)
{
    char message[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return respond_json(resp, status,
                        json_pack("{s:s, s:s}", "error", status_code_name(status), "message",
                                  message));
}

/* ---- request context ----------------------------------------------------------- */

typedef struct ctx {
    ilrs_ground_server_t *server;
    const ilrs_ground_request_t *req;
    ilrs_ground_response_t *resp;
    ilrs_ground_identity_t id;
    int64_t now_ms;
} ctx_t;

/* Refuse with 401/403: audit, then answer. */
static int refuse(ctx_t *c, int status, const char *resource, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int refuse(ctx_t *c, int status, const char *resource, const char *fmt, ...)
{
    char reason[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    ilrs_ground_audit_add(c->server->users, c->now_ms, c->id.user, c->req->client, "refused",
                          resource, "refused", reason);
    return respond_error(c->resp, status, "%s", reason);
}

/* Value of a query parameter (copied into out); false when absent. */
static bool query_get(const char *query, const char *key, char *out, size_t cap)
{
    size_t klen = strlen(key);
    const char *p = query;
    while (p != NULL && *p != '\0') {
        const char *amp = strchr(p, '&');
        size_t n = amp != NULL ? (size_t)(amp - p) : strlen(p);
        if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t vlen = n - klen - 1;
            if (vlen >= cap) {
                vlen = cap - 1;
            }
            memcpy(out, p + klen + 1, vlen);
            out[vlen] = '\0';
            return true;
        }
        p = amp != NULL ? amp + 1 : NULL;
    }
    return false;
}

/* Strict decimal int64 parse. */
static bool parse_i64(const char *text, int64_t *out)
{
    if (text[0] == '\0') {
        return false;
    }
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0') {
        return false;
    }
    *out = (int64_t)v;
    return true;
}

/* Optional integer query parameter within the default when absent. 400 on junk. */
static bool query_i64(ctx_t *c, const char *key, int64_t fallback, int64_t *out, bool *bad)
{
    char text[32];
    *out = fallback;
    if (!query_get(c->req->query, key, text, sizeof text)) {
        return false;
    }
    if (!parse_i64(text, out)) {
        *bad = true;
    }
    return true;
}

/* ---- authorization helpers --------------------------------------------------- */

const char *ilrs__param_owner(const ilrs_dict_t *dict, const char *name,
                              const ilrs_dict_packet_t **packet,
                              const ilrs_dict_field_t **field)
{
    char pkt_name[ILRS_DICT_NAME_MAX];
    const char *dot = strchr(name, '.');
    *packet = NULL;
    *field = NULL;
    if (dot == NULL || (size_t)(dot - name) >= sizeof pkt_name) {
        return NULL;
    }
    memcpy(pkt_name, name, (size_t)(dot - name));
    pkt_name[dot - name] = '\0';
    const ilrs_dict_packet_t *p = ilrs_dict_find_packet_by_name(dict, pkt_name);
    if (p == NULL) {
        return NULL;
    }
    const ilrs_dict_field_t *f = ilrs_dict_find_field(p, dot + 1);
    if (f == NULL) {
        return NULL;
    }
    *packet = p;
    *field = f;
    return p->owner;
}

bool ilrs__may_read(const ilrs_ground_identity_t *id, const char *owner)
{
    return id->role != ILRS_GROUND_ROLE_PARTNER || strcmp(id->partner, owner) == 0;
}

static bool may_command(const ilrs_ground_identity_t *id, const char *owner)
{
    return id->role == ILRS_GROUND_ROLE_OPERATOR ||
           (id->role == ILRS_GROUND_ROLE_PARTNER && strcmp(id->partner, owner) == 0);
}

/* The owner filter for list queries: NULL (everything) unless a partner. */
static const char *owner_filter(const ilrs_ground_identity_t *id)
{
    return id->role == ILRS_GROUND_ROLE_PARTNER ? id->partner : NULL;
}

int ilrs__authenticate(ilrs_ground_server_t *server, const char *authorization,
                       ilrs_ground_identity_t *id)
{
    const char *token = authorization;
    if (token == NULL) {
        memset(id, 0, sizeof *id);
        return ILRS_EGROUND_SESSION;
    }
    if (strncmp(token, "Bearer ", 7) == 0) {
        token += 7;
    }
    return ilrs_ground_session_check(server->users, token, ilrs_ground_now_ms(), id);
}

/* ---- handlers ------------------------------------------------------------------- */

static json_t *parse_body(ctx_t *c)
{
    json_error_t err;
    if (c->req->body == NULL || c->req->body_len == 0) {
        respond_error(c->resp, 400, "request body must be a JSON object");
        return NULL;
    }
    json_t *root = json_loadb((const char *)c->req->body, c->req->body_len,
                              JSON_REJECT_DUPLICATES, &err);
    if (root == NULL) {
        respond_error(c->resp, 400, "body is not JSON: %s at line %d column %d", err.text,
                      err.line, err.column);
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        respond_error(c->resp, 400, "request body must be a JSON object");
        return NULL;
    }
    return root;
}

static int handle_login(ctx_t *c)
{
    json_t *body = parse_body(c);
    if (body == NULL) {
        return 0;
    }
    const char *user = json_string_value(json_object_get(body, "user"));
    const char *password = json_string_value(json_object_get(body, "password"));
    int rc = 0;
    if (user == NULL || password == NULL) {
        rc = respond_error(c->resp, 400, "login needs string fields \"user\" and \"password\"");
        goto out;
    }
    char token[ILRS_GROUND_TOKEN_LEN + 1];
    ilrs_ground_identity_t id;
    int64_t retry = 0;
    int lrc = ilrs_ground_login(c->server->users, user, password, c->req->client, c->now_ms,
                                token, &id, &retry);
    if (lrc == ILRS_EGROUND_THROTTLED) {
        c->resp->retry_after_ms = retry;
        rc = respond_json(c->resp, 429,
                          json_pack("{s:s, s:s, s:I}", "error", "too_many_requests", "message",
                                    "too many failed logins; wait before trying again",
                                    "retry_after_ms", (json_int_t)retry));
    } else if (lrc == ILRS_EGROUND_AUTH) {
        rc = respond_error(c->resp, 401, "unknown user or wrong password");
    } else if (lrc != 0) {
        rc = respond_error(c->resp, 500, "login failed: %s", ilrs_strerror(lrc));
    } else {
        rc = respond_json(c->resp, 200,
                          json_pack("{s:s, s:s, s:s, s:s, s:I}", "token", token, "user", id.user,
                                    "role", ilrs_ground_role_name(id.role), "partner", id.partner,
                                    "expires_ms", (json_int_t)id.expires_ms));
    }
out:
    json_decref(body);
    return rc;
}

static int handle_logout(ctx_t *c)
{
    const char *token = c->req->authorization;
    if (strncmp(token, "Bearer ", 7) == 0) {
        token += 7;
    }
    int rc = ilrs_ground_logout(c->server->users, token, c->req->client, c->now_ms);
    if (rc != 0) {
        return respond_error(c->resp, 401, "session already ended");
    }
    return respond_json(c->resp, 200, json_pack("{s:b}", "ok", 1));
}

static int handle_me(ctx_t *c)
{
    return respond_json(c->resp, 200,
                        json_pack("{s:s, s:s, s:s, s:I}", "user", c->id.user, "role",
                                  ilrs_ground_role_name(c->id.role), "partner", c->id.partner,
                                  "expires_ms", (json_int_t)c->id.expires_ms));
}

static json_t *identifier(const char *key)
{
    return json_pack("{s:s, s:s}", "namespace", "ilrs", "key", key);
}

/* Open MCT locations are key strings "namespace:key". */
static json_t *location(const char *prefix, const char *name)
{
    char text[2 * ILRS_DICT_NAME_MAX + 24];
    snprintf(text, sizeof text, "ilrs:%s%s", prefix, name);
    return json_string(text);
}

static json_t *prefixed_identifier(const char *prefix, const char *name)
{
    char key[2 * ILRS_DICT_NAME_MAX + 16];
    snprintf(key, sizeof key, "%s%s", prefix, name);
    return identifier(key);
}

static const char *partner_display_name(ctx_t *c, const char *owner)
{
    if (strcmp(owner, ILRS_DICT_OWNER_STATION) == 0) {
        return c->server->station_name;
    }
    const ilrs_dict_partner_t *p = ilrs_dict_find_partner(c->server->dict, owner);
    return p != NULL && p->name != NULL ? p->name : owner;
}

static json_t *root_object(ctx_t *c, const char *owner)
{
    json_t *composition = json_array();
    const ilrs_dict_t *dict = c->server->dict;
    for (size_t i = 0; i < ilrs_dict_packet_count(dict); i++) {
        const ilrs_dict_packet_t *p = ilrs_dict_packet_at(dict, i);
        if (strcmp(p->owner, owner) == 0) {
            json_array_append_new(composition, prefixed_identifier("packet-", p->name));
        }
    }
    json_array_append_new(composition, prefixed_identifier("events-", owner));
    json_array_append_new(composition, prefixed_identifier("commands-", owner));
    return json_pack("{s:o, s:s, s:s, s:s, s:o, s:s}", "identifier",
                     prefixed_identifier("root-", owner), "name", partner_display_name(c, owner),
                     "type", "folder", "owner", owner, "composition", composition, "location",
                     "ROOT");
}

static json_t *field_values(const ilrs_dict_field_t *f)
{
    json_t *range = json_pack("{s:s, s:s, s:{s:i}}", "key", "value", "name", f->name, "hints",
                              "range", 1);
    if (f->unit != NULL && f->unit[0] != '\0') {
        json_object_set_new(range, "unit", json_string(f->unit));
    }
    if (f->enum_count > 0) {
        json_t *enums = json_array();
        for (size_t i = 0; i < f->enum_count; i++) {
            json_array_append_new(enums, json_pack("{s:I, s:s}", "value",
                                                   (json_int_t)f->enums[i].value, "string",
                                                   f->enums[i].label));
        }
        json_object_set_new(range, "format", json_string("enum"));
        json_object_set_new(range, "enumerations", enums);
    } else if (f->type == ILRS_DICT_STRING || f->type == ILRS_DICT_BYTES) {
        json_object_set_new(range, "format", json_string("string"));
    } else {
        json_object_set_new(range, "format", json_string("float"));
    }
    if (f->has_limits) {
        json_object_set_new(range, "min", json_real(f->crit_low));
        json_object_set_new(range, "max", json_real(f->crit_high));
    }
    json_t *domain = json_pack("{s:s, s:s, s:s, s:s, s:{s:i}}", "key", "utc", "source",
                               "timestamp", "name", "Timestamp", "format", "utc", "hints",
                               "domain", 1);
    return json_pack("[o, o]", domain, range);
}

static json_t *point_object(const ilrs_dict_packet_t *p, const ilrs_dict_field_t *f,
                            const char *key)
{
    json_t *obj = json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:o}}", "identifier",
                            identifier(key), "name", f->name, "type", "ilrs.telemetry", "owner",
                            p->owner, "dataType", ilrs_dict_type_name(f->type), "description",
                            f->description != NULL ? f->description : "", "location",
                            location("packet-", p->name), "telemetry", "values",
                            field_values(f));
    if (f->has_limits) {
        json_object_set_new(obj, "limits",
                            json_pack("{s:f, s:f, s:f, s:f}", "warn_low", f->warn_low,
                                      "warn_high", f->warn_high, "crit_low", f->crit_low,
                                      "crit_high", f->crit_high));
    }
    return obj;
}

static json_t *packet_object(const ilrs_dict_packet_t *p)
{
    json_t *composition = json_array();
    char key[2 * ILRS_DICT_NAME_MAX + 2];
    for (size_t i = 0; i < p->field_count; i++) {
        snprintf(key, sizeof key, "%s.%s", p->name, p->fields[i].name);
        json_array_append_new(composition, identifier(key));
    }
    return json_pack("{s:o, s:s, s:s, s:s, s:I, s:s, s:o, s:o}", "identifier",
                     prefixed_identifier("packet-", p->name), "name", p->name, "type", "folder",
                     "owner", p->owner, "apid", (json_int_t)p->apid, "description",
                     p->description != NULL ? p->description : "", "location",
                     location("root-", p->owner), "composition", composition);
}

/* Owners visible to the caller, in dictionary order (station first). */
static bool owner_known(const ilrs_dict_t *dict, const char *owner)
{
    return ilrs_dict_find_partner(dict, owner) != NULL;
}

static int handle_object_list(ctx_t *c)
{
    json_t *roots = json_array();
    const ilrs_dict_t *dict = c->server->dict;
    for (size_t i = 0; i < ilrs_dict_partner_count(dict); i++) {
        const ilrs_dict_partner_t *p = ilrs_dict_partner_at(dict, i);
        if (ilrs__may_read(&c->id, p->id)) {
            json_array_append_new(roots, json_pack("{s:o, s:s}", "identifier",
                                                   prefixed_identifier("root-", p->id), "name",
                                                   partner_display_name(c, p->id)));
        }
    }
    return respond_json(c->resp, 200, roots);
}

static int handle_object(ctx_t *c, const char *ns, const char *key)
{
    const ilrs_dict_t *dict = c->server->dict;
    char resource[ILRS_GROUND_HTTP_PATH_MAX + 32];
    snprintf(resource, sizeof resource, "object:%s:%s", ns, key);
    if (strcmp(ns, "ilrs") != 0) {
        return respond_error(c->resp, 404, "unknown object namespace '%s' (only 'ilrs')", ns);
    }
    const char *owner = NULL;
    json_t *obj = NULL;
    if (strncmp(key, "root-", 5) == 0 || strncmp(key, "events-", 7) == 0 ||
        strncmp(key, "commands-", 9) == 0) {
        owner = strchr(key, '-') + 1;
        if (!owner_known(dict, owner)) {
            return respond_error(c->resp, 404, "no partner '%s' in the dictionary", owner);
        }
        if (!ilrs__may_read(&c->id, owner)) {
            return refuse(c, 403, resource, "objects of partner '%s' belong to another partner",
                          owner);
        }
        if (key[0] == 'r') {
            obj = root_object(c, owner);
        } else if (key[0] == 'e') {
            obj = json_pack("{s:o, s:s, s:s, s:s, s:o}", "identifier", identifier(key), "name",
                            "Event log", "type", "ilrs.events", "owner", owner, "location",
                            location("root-", owner));
        } else {
            obj = json_pack("{s:o, s:s, s:s, s:s, s:o}", "identifier", identifier(key), "name",
                            "Commands", "type", "ilrs.commands", "owner", owner, "location",
                            location("root-", owner));
        }
    } else if (strncmp(key, "packet-", 7) == 0) {
        const ilrs_dict_packet_t *p = ilrs_dict_find_packet_by_name(dict, key + 7);
        if (p == NULL) {
            return respond_error(c->resp, 404, "no telemetry packet '%s'", key + 7);
        }
        if (!ilrs__may_read(&c->id, p->owner)) {
            return refuse(c, 403, resource, "packet %s belongs to partner '%s'", p->name,
                          p->owner);
        }
        obj = packet_object(p);
    } else {
        const ilrs_dict_packet_t *p;
        const ilrs_dict_field_t *f;
        owner = ilrs__param_owner(dict, key, &p, &f);
        if (owner == NULL) {
            return respond_error(c->resp, 404, "no object '%s'", key);
        }
        if (!ilrs__may_read(&c->id, owner)) {
            return refuse(c, 403, resource, "parameter %s belongs to partner '%s'", key, owner);
        }
        obj = point_object(p, f, key);
    }
    return respond_json(c->resp, 200, obj);
}

typedef struct history_state {
    sb_t sb;
    size_t count;
    bool minmax;
} history_state_t;

#define HISTORY_TOO_MANY 1

static int history_point(void *user, const ilrs_ground_point_t *p)
{
    history_state_t *h = user;
    if (h->count >= ILRS_GROUND_HISTORY_MAX) {
        return HISTORY_TOO_MANY;
    }
    sb_puts(&h->sb, h->count == 0 ? "{\"timestamp\":" : ",{\"timestamp\":");
    sb_int(&h->sb, p->time_ms);
    sb_puts(&h->sb, ",\"value\":");
    sb_number(&h->sb, p->value);
    if (h->minmax) {
        sb_puts(&h->sb, ",\"min\":");
        sb_number(&h->sb, p->min);
        sb_puts(&h->sb, ",\"max\":");
        sb_number(&h->sb, p->max);
    }
    sb_puts(&h->sb, "}");
    h->count++;
    return h->sb.failed ? ILRS_ENOMEM : 0;
}

static int handle_telemetry(ctx_t *c, const char *key)
{
    const ilrs_dict_packet_t *p;
    const ilrs_dict_field_t *f;
    char resource[ILRS_GROUND_HTTP_PATH_MAX + 32];
    snprintf(resource, sizeof resource, "telemetry:%s", key);
    const char *owner = ilrs__param_owner(c->server->dict, key, &p, &f);
    if (owner == NULL) {
        return respond_error(c->resp, 404, "no telemetry parameter '%s' in the dictionary", key);
    }
    if (!ilrs__may_read(&c->id, owner)) {
        return refuse(c, 403, resource, "parameter %s belongs to partner '%s'", key, owner);
    }
    int64_t start, end, size = 0;
    bool bad = false;
    bool has_start = query_i64(c, "start", 0, &start, &bad);
    bool has_end = query_i64(c, "end", 0, &end, &bad);
    query_i64(c, "size", 0, &size, &bad);
    if (!has_start || !has_end || bad) {
        return respond_error(c->resp, 400,
                             "telemetry needs integer 'start' and 'end' (ms since 1970)%s",
                             bad ? ", and 'size' must be an integer" : "");
    }
    if (start > end) {
        return respond_error(c->resp, 400, "'start' (%" PRId64 ") is after 'end' (%" PRId64 ")",
                             start, end);
    }
    char strategy_text[16] = "all";
    query_get(c->req->query, "strategy", strategy_text, sizeof strategy_text);
    ilrs_ground_source_strategy_t strategy;
    if (strcmp(strategy_text, "all") == 0) {
        strategy = ILRS_GROUND_SOURCE_ALL;
    } else if (strcmp(strategy_text, "latest") == 0) {
        strategy = ILRS_GROUND_SOURCE_LATEST;
    } else if (strcmp(strategy_text, "minmax") == 0) {
        strategy = ILRS_GROUND_SOURCE_MINMAX;
        if (size < 1 || size > ILRS_GROUND_HISTORY_MAX) {
            return respond_error(c->resp, 400, "strategy minmax needs 'size' in 1..%d",
                                 ILRS_GROUND_HISTORY_MAX);
        }
    } else {
        return respond_error(c->resp, 400, "unknown strategy '%s' (all, latest, minmax)",
                             strategy_text);
    }
    if (c->server->source.history == NULL) {
        return respond_json(c->resp, 200, json_array());
    }
    history_state_t h = {.minmax = strategy == ILRS_GROUND_SOURCE_MINMAX};
    sb_puts(&h.sb, "[");
    int rc = c->server->source.history(c->server->source.ctx, key, start, end, strategy,
                                       (size_t)size, history_point, &h);
    if (rc == HISTORY_TOO_MANY) {
        free(h.sb.data);
        return respond_error(c->resp, 413,
                             "the range holds more than %d points; narrow it or use minmax",
                             ILRS_GROUND_HISTORY_MAX);
    }
    if (rc == ILRS_ETYPE) {
        free(h.sb.data);
        return respond_error(c->resp, 400, "%s is a %s field: no numeric history", key,
                             ilrs_dict_type_name(f->type));
    }
    if (rc != 0) {
        free(h.sb.data);
        return respond_error(c->resp, 500, "history of %s failed: %s", key, ilrs_strerror(rc));
    }
    sb_puts(&h.sb, "]");
    return respond_sb(c->resp, 200, &h.sb);
}

static int collect_event(void *user, const ilrs_ground_source_event_t *e)
{
    static const char *const sev[] = {"debug", "info", "error", "critical"};
    json_t *list = user;
    json_array_append_new(
        list, json_pack("{s:I, s:s, s:s, s:i, s:s, s:s, s:s}", "timestamp", (json_int_t)e->time_ms,
                        "owner", e->owner, "app", e->app, "id", (int)e->id, "name", e->name,
                        "severity", (unsigned)e->severity < 4 ? sev[e->severity] : "?",
                        "message", e->message));
    return 0;
}

static bool range_params(ctx_t *c, int64_t *start, int64_t *end)
{
    bool bad = false;
    query_i64(c, "start", INT64_MIN, start, &bad);
    query_i64(c, "end", INT64_MAX, end, &bad);
    if (bad || *start > *end) {
        respond_error(c->resp, 400, "'start' and 'end' must be integers (ms) with start <= end");
        return false;
    }
    return true;
}

static int handle_events(ctx_t *c)
{
    int64_t start, end;
    if (!range_params(c, &start, &end)) {
        return 0;
    }
    char owner_text[ILRS_DICT_NAME_MAX] = "";
    const char *owner = owner_filter(&c->id);
    if (query_get(c->req->query, "owner", owner_text, sizeof owner_text)) {
        if (!ilrs__may_read(&c->id, owner_text)) {
            return refuse(c, 403, "events", "events of partner '%s' belong to another partner",
                          owner_text);
        }
        owner = owner_text;
    }
    json_t *list = json_array();
    if (c->server->source.events != NULL) {
        int rc = c->server->source.events(c->server->source.ctx, owner, start, end,
                                          collect_event, list);
        if (rc != 0) {
            json_decref(list);
            return respond_error(c->resp, 500, "events: %s", ilrs_strerror(rc));
        }
    }
    return respond_json(c->resp, 200, list);
}

static json_t *arg_definition(const ilrs_dict_field_t *a)
{
    json_t *obj = json_pack("{s:s, s:s, s:s, s:s}", "name", a->name, "type",
                            ilrs_dict_type_name(a->type), "unit", a->unit != NULL ? a->unit : "",
                            "description", a->description != NULL ? a->description : "");
    if (a->has_range) {
        json_object_set_new(obj, "min", json_real(a->min));
        json_object_set_new(obj, "max", json_real(a->max));
    }
    if (a->type == ILRS_DICT_STRING || a->type == ILRS_DICT_BYTES) {
        json_object_set_new(obj, "length", json_integer(a->length));
    }
    if (a->enum_count > 0) {
        json_t *enums = json_array();
        for (size_t i = 0; i < a->enum_count; i++) {
            json_array_append_new(enums, json_pack("{s:I, s:s}", "value",
                                                   (json_int_t)a->enums[i].value, "label",
                                                   a->enums[i].label));
        }
        json_object_set_new(obj, "enumerations", enums);
    }
    return obj;
}

static int handle_command_list(ctx_t *c)
{
    json_t *list = json_array();
    const ilrs_dict_t *dict = c->server->dict;
    for (size_t i = 0; i < ilrs_dict_command_count(dict); i++) {
        const ilrs_dict_command_t *cmd = ilrs_dict_command_at(dict, i);
        if (!ilrs__may_read(&c->id, cmd->owner)) {
            continue;
        }
        json_t *args = json_array();
        for (size_t k = 0; k < cmd->arg_count; k++) {
            json_array_append_new(args, arg_definition(&cmd->args[k]));
        }
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:s, s:I, s:i, s:o, s:b}", "name", cmd->name,
                            "owner", cmd->owner, "app", cmd->app != NULL ? cmd->app : "",
                            "description", cmd->description != NULL ? cmd->description : "",
                            "apid", (json_int_t)cmd->apid, "function_code",
                            (int)cmd->function_code, "args", args, "may_send",
                            may_command(&c->id, cmd->owner)));
    }
    return respond_json(c->resp, 200, list);
}

/* Text form of one JSON argument value, as a user would type it. */
static bool arg_text(const json_t *v, char *out, size_t cap)
{
    if (json_is_string(v)) {
        return (size_t)snprintf(out, cap, "%s", json_string_value(v)) < cap;
    }
    if (json_is_integer(v)) {
        snprintf(out, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return true;
    }
    if (json_is_real(v)) {
        snprintf(out, cap, "%.17g", json_real_value(v));
        return true;
    }
    if (json_is_boolean(v)) {
        snprintf(out, cap, "%s", json_is_true(v) ? "true" : "false");
        return true;
    }
    return false;
}

#define ARG_TEXT_MAX 512
#define CMD_PACKET_MAX 65536

static int handle_command_send(ctx_t *c)
{
    json_t *body = parse_body(c);
    char (*texts)[ARG_TEXT_MAX] = NULL;
    const char **argv = NULL;
    uint8_t *pkt = NULL;
    char *args_json = NULL;
    int rc = 0;
    if (body == NULL) {
        return 0;
    }
    const char *name = json_string_value(json_object_get(body, "name"));
    json_t *args = json_object_get(body, "args");
    if (name == NULL) {
        rc = respond_error(c->resp, 400, "command needs a string field \"name\"");
        goto out;
    }
    const ilrs_dict_command_t *cmd = ilrs_dict_find_command_by_name(c->server->dict, name);
    if (cmd == NULL) {
        rc = respond_error(c->resp, 404, "no command '%s' in the dictionary", name);
        goto out;
    }
    char resource[160];
    snprintf(resource, sizeof resource, "command:%s", cmd->name);
    if (!may_command(&c->id, cmd->owner)) {
        rc = refuse(c, 403, resource,
                    c->id.role == ILRS_GROUND_ROLE_VIEWER
                        ? "role viewer may not send commands (%s belongs to '%s')"
                        : "command %s belongs to partner '%s'",
                    cmd->name, cmd->owner);
        goto out;
    }
    size_t n = cmd->arg_count;
    texts = calloc(n + 1, sizeof *texts);
    argv = calloc(n + 1, sizeof *argv);
    pkt = malloc(CMD_PACKET_MAX);
    if (texts == NULL || argv == NULL || pkt == NULL) {
        rc = ILRS_ENOMEM;
        respond_error(c->resp, 500, "out of memory");
        goto out;
    }
    if (args == NULL || json_is_null(args)) {
        args = NULL;
    }
    size_t given = 0;
    if (args != NULL && json_is_array(args)) {
        given = json_array_size(args);
        if (given != n) {
            rc = respond_error(c->resp, 400, "%s takes %zu argument(s), %zu given", cmd->name, n,
                               given);
            goto out;
        }
        for (size_t i = 0; i < n; i++) {
            if (!arg_text(json_array_get(args, i), texts[i], ARG_TEXT_MAX)) {
                rc = respond_error(c->resp, 400,
                                   "%s argument %zu (%s): must be a string, number or boolean "
                                   "shorter than %d characters",
                                   cmd->name, i + 1, cmd->args[i].name, ARG_TEXT_MAX);
                goto out;
            }
        }
    } else if (args != NULL && json_is_object(args)) {
        const char *k;
        json_t *v;
        json_object_foreach(args, k, v) {
            bool found = false;
            for (size_t i = 0; i < n; i++) {
                found = found || strcmp(k, cmd->args[i].name) == 0;
            }
            if (!found) {
                rc = respond_error(c->resp, 400, "%s has no argument '%s'", cmd->name, k);
                goto out;
            }
        }
        for (size_t i = 0; i < n; i++) {
            json_t *v2 = json_object_get(args, cmd->args[i].name);
            if (v2 == NULL) {
                rc = respond_error(c->resp, 400, "%s: argument '%s' missing", cmd->name,
                                   cmd->args[i].name);
                goto out;
            }
            if (!arg_text(v2, texts[i], ARG_TEXT_MAX)) {
                rc = respond_error(c->resp, 400,
                                   "%s argument '%s': must be a string, number or boolean "
                                   "shorter than %d characters",
                                   cmd->name, cmd->args[i].name, ARG_TEXT_MAX);
                goto out;
            }
        }
    } else if (args != NULL || n > 0) {
        rc = respond_error(c->resp, 400,
                           "\"args\" must be an array (in order) or an object (by name); %s "
                           "takes %zu argument(s)",
                           cmd->name, n);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        argv[i] = texts[i];
    }
    size_t len = 0;
    char error[256] = "";
    int brc = ilrs_dict_build_command(cmd, argv, n, pkt, CMD_PACKET_MAX, &len, error, sizeof error);
    if (brc != 0) {
        rc = respond_error(c->resp, 400, "%s rejected: %s", cmd->name,
                           error[0] != '\0' ? error : ilrs_strerror(brc));
        goto out;
    }
    json_t *arg_list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(arg_list, json_string(texts[i]));
    }
    args_json = json_dumps(arg_list, JSON_COMPACT);
    json_decref(arg_list);
    int64_t id = -1;
    int arc = c->server->source.command_add != NULL
                  ? c->server->source.command_add(c->server->source.ctx, cmd->name, cmd->owner,
                                                  c->id.user, args_json != NULL ? args_json : "[]",
                                                  pkt, len, c->now_ms, &id)
                  : ILRS_EUNSUPPORTED;
    if (arc != 0) {
        rc = respond_error(c->resp, 500, "could not queue %s: %s", cmd->name, ilrs_strerror(arc));
        goto out;
    }
    {
        char reason[200];
        snprintf(reason, sizeof reason, "queued as #%" PRId64 " args %s", id,
                 args_json != NULL ? args_json : "[]");
        ilrs_ground_audit_add(c->server->users, c->now_ms, c->id.user, c->req->client, "command",
                              resource, "ok", reason);
    }
    pthread_mutex_lock(&c->server->lock);
    c->server->stats.commands++;
    pthread_mutex_unlock(&c->server->lock);
    rc = respond_json(c->resp, 201,
                      json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)id, "name", cmd->name,
                                "state", "queued", "length", (json_int_t)len));
out:
    free(args_json);
    free(pkt);
    free(argv);
    free(texts);
    json_decref(body);
    return rc;
}

static int collect_command(void *user, const ilrs_ground_source_command_t *cmd)
{
    json_t *list = user;
    json_t *args = json_loads(cmd->args, 0, NULL);
    json_array_append_new(
        list, json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:s, s:I, s:s}", "id", (json_int_t)cmd->id,
                        "queued_ms", (json_int_t)cmd->queued_ms, "name", cmd->name, "owner",
                        cmd->owner, "issuer", cmd->issuer, "args",
                        args != NULL ? args : json_array(), "state",
                        ilrs_ground_cmd_state_name(cmd->state), "state_ms",
                        (json_int_t)cmd->state_ms, "detail", cmd->detail));
    return 0;
}

static int handle_command_history(ctx_t *c)
{
    int64_t start, end;
    if (!range_params(c, &start, &end)) {
        return 0;
    }
    json_t *list = json_array();
    if (c->server->source.commands != NULL) {
        int rc = c->server->source.commands(c->server->source.ctx, owner_filter(&c->id), start,
                                            end, collect_command, list);
        if (rc != 0) {
            json_decref(list);
            return respond_error(c->resp, 500, "command history: %s", ilrs_strerror(rc));
        }
    }
    return respond_json(c->resp, 200, list);
}

static int handle_partners(ctx_t *c)
{
    json_t *list = json_array();
    const ilrs_dict_t *dict = c->server->dict;
    for (size_t i = 0; i < ilrs_dict_partner_count(dict); i++) {
        const ilrs_dict_partner_t *p = ilrs_dict_partner_at(dict, i);
        size_t packets = 0, commands = 0, parameters = 0;
        for (size_t k = 0; k < ilrs_dict_packet_count(dict); k++) {
            const ilrs_dict_packet_t *pk = ilrs_dict_packet_at(dict, k);
            if (strcmp(pk->owner, p->id) == 0) {
                packets++;
                parameters += pk->field_count;
            }
        }
        for (size_t k = 0; k < ilrs_dict_command_count(dict); k++) {
            commands += strcmp(ilrs_dict_command_at(dict, k)->owner, p->id) == 0;
        }
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:I, s:I, s:I, s:b, s:b}", "id", p->id, "name",
                            partner_display_name(c, p->id), "packets", (json_int_t)packets,
                            "parameters", (json_int_t)parameters, "commands",
                            (json_int_t)commands, "readable", ilrs__may_read(&c->id, p->id),
                            "commandable", may_command(&c->id, p->id)));
    }
    return respond_json(c->resp, 200, list);
}

static int collect_audit(void *user, const ilrs_ground_audit_t *a)
{
    json_array_append_new(user, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                                          (json_int_t)a->id, "time_ms", (json_int_t)a->time_ms,
                                          "user", a->user, "client", a->client, "action",
                                          a->action, "resource", a->resource, "outcome",
                                          a->outcome, "reason", a->reason));
    return 0;
}

static int handle_audit(ctx_t *c)
{
    if (c->id.role != ILRS_GROUND_ROLE_OPERATOR) {
        return refuse(c, 403, "audit", "the audit log is for operators");
    }
    int64_t after = 0;
    bool bad = false;
    query_i64(c, "after", 0, &after, &bad);
    if (bad) {
        return respond_error(c->resp, 400, "'after' must be an integer audit id");
    }
    json_t *list = json_array();
    int rc = ilrs_ground_audit_list(c->server->users, after, collect_audit, list);
    if (rc != 0) {
        json_decref(list);
        return respond_error(c->resp, 500, "audit: %s", ilrs_strerror(rc));
    }
    return respond_json(c->resp, 200, list);
}

static int handle_stats(ctx_t *c)
{
    ilrs_ground_server_stats_t s;
    ilrs_ground_server_get_stats(c->server, &s);
    return respond_json(
        c->resp, 200,
        json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
                  "s:I}",
                  "requests", (json_int_t)s.requests, "status_2xx", (json_int_t)s.status_2xx,
                  "status_4xx", (json_int_t)s.status_4xx, "status_5xx", (json_int_t)s.status_5xx,
                  "bad_request", (json_int_t)s.bad_json, "oversize", (json_int_t)s.oversize,
                  "unknown_path", (json_int_t)s.unknown_path, "unauthorized",
                  (json_int_t)s.unauthorized, "forbidden", (json_int_t)s.forbidden, "throttled",
                  (json_int_t)s.throttled, "commands", (json_int_t)s.commands, "ws_clients",
                  (json_int_t)s.ws_clients, "ws_samples", (json_int_t)s.ws_samples, "ws_dropped",
                  (json_int_t)s.ws_dropped, "bad_file_name", (json_int_t)s.bad_file_name,
                  "files_sent", (json_int_t)s.files_sent));
}

/* ---- data products ---------------------------------------------------------------- */

#define FILE_BODY_MAX (64 * 1024 * 1024) /* largest product served from memory */

static int collect_file(void *user, const ilrs_ground_file_t *f)
{
    char url[2 * ILRS_GROUND_FILE_NAME_MAX + 16];
    snprintf(url, sizeof url, "/api/files/%s/%s", f->partner, f->name);
    return json_array_append_new(
               user, json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:s}", "partner",
                               f->partner, "name", f->name, "payload", f->payload, "size",
                               (json_int_t)f->size, "sha256", f->sha256, "start_ms",
                               (json_int_t)f->start_ms, "end_ms", (json_int_t)f->end_ms,
                               "created_ms", (json_int_t)f->created_ms, "url", url)) != 0
               ? ILRS_ENOMEM
               : 0;
}

/* GET /api/files: the products the caller may read (operators and viewers all,
 * a partner its own). */
static int handle_file_list(ctx_t *c)
{
    json_t *list = json_array();
    if (c->server->source.files != NULL && c->server->files_dir[0] != '\0') {
        int rc = c->server->source.files(c->server->source.ctx, owner_filter(&c->id), NULL,
                                         collect_file, list);
        if (rc != 0) {
            json_decref(list);
            return respond_error(c->resp, 500, "file catalog: %s", ilrs_strerror(rc));
        }
    }
    return respond_json(c->resp, 200, list);
}

static int bad_file_path(ctx_t *c, const char *what)
{
    pthread_mutex_lock(&c->server->lock);
    c->server->stats.bad_file_name++;
    pthread_mutex_unlock(&c->server->lock);
    return respond_error(c->resp, 400,
                         "%s: a file path is /api/files/<partner>/<name>, each 1..%d characters "
                         "of A-Z a-z 0-9 . _ - (no '..', no leading '.', no other '/')",
                         what, ILRS_GROUND_FILE_NAME_MAX);
}

static int found_file(void *user, const ilrs_ground_file_t *f)
{
    *(int64_t *)user = f->size;
    return 1;
}

/* GET /api/files/{partner}/{name}: one product, whole, with its type. */
static int handle_file_get(ctx_t *c, const char *rest)
{
    const char *slash = strchr(rest, '/');
    if (slash == NULL) {
        return bad_file_path(c, "missing file name");
    }
    size_t plen = (size_t)(slash - rest);
    const char *name = slash + 1;
    if (!ilrs_ground_file_name_valid(rest, plen)) {
        return bad_file_path(c, "bad partner in file path");
    }
    if (!ilrs_ground_file_name_valid(name, strlen(name))) {
        return bad_file_path(c, "bad file name");
    }
    char partner[ILRS_GROUND_FILE_NAME_MAX + 1];
    memcpy(partner, rest, plen);
    partner[plen] = '\0';
    char resource[2 * ILRS_GROUND_FILE_NAME_MAX + 16];
    snprintf(resource, sizeof resource, "file:%s/%s", partner, name);
    if (ilrs_dict_find_partner(c->server->dict, partner) == NULL) {
        return respond_error(c->resp, 404, "no partner '%s' in the dictionary", partner);
    }
    if (!ilrs__may_read(&c->id, partner)) {
        return refuse(c, 403, resource, "files of partner '%s' belong to another partner",
                      partner);
    }
    int64_t size = -1;
    int rc = c->server->source.files != NULL && c->server->files_dir[0] != '\0'
                 ? c->server->source.files(c->server->source.ctx, partner, name, found_file,
                                           &size)
                 : 0;
    if (rc != 0 && rc != 1) {
        return respond_error(c->resp, 500, "file catalog: %s", ilrs_strerror(rc));
    }
    if (size < 0) {
        return respond_error(c->resp, 404, "no file '%s' of partner '%s' in the catalog", name,
                             partner);
    }
    char path[sizeof c->server->files_dir + 2 * ILRS_GROUND_FILE_NAME_MAX + 4];
    snprintf(path, sizeof path, "%s/%s/%s", c->server->files_dir, partner, name);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) {
            close(fd);
        }
        return respond_error(c->resp, 500, "file '%s' of partner '%s' is catalogued but missing",
                             name, partner);
    }
    if (st.st_size != size || size > FILE_BODY_MAX) {
        close(fd);
        return respond_error(c->resp, 500,
                             "file '%s' of partner '%s' has %lld octets, the catalog says %lld",
                             name, partner, (long long)st.st_size, (long long)size);
    }
    char *body = malloc((size_t)size + 1);
    size_t got = 0;
    while (body != NULL && got < (size_t)size) {
        ssize_t n = read(fd, body + got, (size_t)size - got);
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    if (body == NULL || got != (size_t)size) {
        free(body);
        return respond_error(c->resp, 500, "cannot read file '%s' of partner '%s'", name,
                             partner);
    }
    body[size] = '\0';
    size_t nlen = strlen(name);
    c->resp->status = 200;
    c->resp->body = body;
    c->resp->body_len = (size_t)size;
    c->resp->content_type = nlen > 4 && strcmp(name + nlen - 4, ".csv") == 0
                                ? "text/csv; charset=utf-8"
                                : "application/octet-stream";
    snprintf(c->resp->filename, sizeof c->resp->filename, "%s", name);
    pthread_mutex_lock(&c->server->lock);
    c->server->stats.files_sent++;
    pthread_mutex_unlock(&c->server->lock);
    return 0;
}

/* ---- WebSocket messages ---------------------------------------------------------- */

int ilrs__ws_parse(const char *text, size_t len, ilrs__ws_msg_t *msg)
{
    memset(msg, 0, sizeof *msg);
    int rc = ILRS_EFORMAT;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    const char *type = json_string_value(json_object_get(root, "type"));
    if (root == NULL || !json_is_object(root) || type == NULL) {
        snprintf(msg->error, sizeof msg->error,
                 "messages must be JSON objects with a string \"type\"");
        goto out;
    }
    if (strcmp(type, "auth") == 0) {
        msg->type = ILRS__WS_AUTH;
        const char *token = json_string_value(json_object_get(root, "token"));
        if (token != NULL && strlen(token) == ILRS_GROUND_TOKEN_LEN) {
            memcpy(msg->token, token, ILRS_GROUND_TOKEN_LEN + 1);
        }
        rc = 0;
        goto out;
    }
    if (strcmp(type, "subscribe") == 0) {
        msg->type = ILRS__WS_SUBSCRIBE;
    } else if (strcmp(type, "unsubscribe") == 0) {
        msg->type = ILRS__WS_UNSUBSCRIBE;
    } else {
        snprintf(msg->error, sizeof msg->error,
                 "unknown message type (auth, subscribe, unsubscribe)");
        goto out;
    }
    json_t *key = json_object_get(root, "key");
    if (key != NULL) {
        const char *k = json_string_value(key);
        if (k == NULL || k[0] == '\0' || strlen(k) >= sizeof msg->key) {
            snprintf(msg->error, sizeof msg->error,
                     "\"key\" must be a parameter name \"PACKET.field\" of at most %zu characters",
                     sizeof msg->key - 1);
            goto out;
        }
        snprintf(msg->key, sizeof msg->key, "%s", k);
        msg->has_key = true;
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

/* ---- router --------------------------------------------------------------------- */

typedef enum route {
    R_NONE = 0,
    R_LOGIN,
    R_LOGOUT,
    R_ME,
    R_OBJECTS,
    R_OBJECT,
    R_TELEMETRY,
    R_COMMANDS,
    R_HISTORY,
    R_EVENTS,
    R_PARTNERS,
    R_AUDIT,
    R_STATS,
    R_FILES,
    R_FILE,
} route_t;

/* Match the path; for R_OBJECT/R_TELEMETRY fill the segments. GET or POST expected. */
static route_t match(const char *path, const char **method_ok, char *seg1, char *seg2, size_t cap)
{
    static const struct {
        const char *path;
        const char *method;
        route_t route;
    } fixed[] = {
        {"/api/login", "POST", R_LOGIN},       {"/api/logout", "POST", R_LOGOUT},
        {"/api/me", "GET", R_ME},              {"/api/objects", "GET", R_OBJECTS},
        {"/api/commands", "GET POST", R_COMMANDS}, {"/api/commands/history", "GET", R_HISTORY},
        {"/api/events", "GET", R_EVENTS},      {"/api/partners", "GET", R_PARTNERS},
        {"/api/audit", "GET", R_AUDIT},        {"/api/stats", "GET", R_STATS},
        {"/api/files", "GET", R_FILES},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        if (strcmp(path, fixed[i].path) == 0) {
            *method_ok = fixed[i].method;
            return fixed[i].route;
        }
    }
    *method_ok = "GET";
    if (strncmp(path, "/api/objects/", 13) == 0) {
        const char *ns = path + 13;
        const char *slash = strchr(ns, '/');
        if (slash == NULL || (size_t)(slash - ns) >= cap || strlen(slash + 1) >= cap ||
            slash == ns || slash[1] == '\0' || strchr(slash + 1, '/') != NULL) {
            return R_NONE;
        }
        memcpy(seg1, ns, (size_t)(slash - ns));
        seg1[slash - ns] = '\0';
        strcpy(seg2, slash + 1);
        return R_OBJECT;
    }
    if (strncmp(path, "/api/files/", 11) == 0) {
        /* Checked by the handler after authentication (400 on a bad name). */
        if (strlen(path + 11) >= cap) {
            return R_NONE;
        }
        strcpy(seg1, path + 11);
        return R_FILE;
    }
    if (strncmp(path, "/api/telemetry/", 15) == 0) {
        const char *key = path + 15;
        if (key[0] == '\0' || strlen(key) >= cap || strchr(key, '/') != NULL) {
            return R_NONE;
        }
        strcpy(seg1, key);
        return R_TELEMETRY;
    }
    return R_NONE;
}

static bool method_allowed(const char *allowed, const char *method)
{
    size_t n = strlen(method);
    if (n == 0) {
        return false; /* strstr would match "" everywhere and never advance */
    }
    for (const char *p = allowed; (p = strstr(p, method)) != NULL; p += n) {
        if ((p == allowed || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ')) {
            return true;
        }
    }
    return false;
}

void ilrs__server_count(ilrs_ground_server_t *server, int status)
{
    pthread_mutex_lock(&server->lock);
    ilrs_ground_server_stats_t *s = &server->stats;
    s->requests++;
    if (status < 300) {
        s->status_2xx++;
    } else if (status < 500) {
        s->status_4xx++;
    } else {
        s->status_5xx++;
    }
    switch (status) {
    case 400: s->bad_json++; break;
    case 401: s->unauthorized++; break;
    case 403: s->forbidden++; break;
    case 404: s->unknown_path++; break;
    case 413:
    case 414: s->oversize++; break;
    case 429: s->throttled++; break;
    default: break;
    }
    pthread_mutex_unlock(&server->lock);
}

static int route(ctx_t *c)
{
    const ilrs_ground_request_t *req = c->req;
    if (req->method == NULL || req->path == NULL) {
        return respond_error(c->resp, 400, "request without method or path");
    }
    size_t path_len = strlen(req->path) + (req->query != NULL ? strlen(req->query) + 1 : 0);
    if (path_len > ILRS_GROUND_HTTP_PATH_MAX) {
        return respond_error(c->resp, 414, "request path longer than %d characters",
                             ILRS_GROUND_HTTP_PATH_MAX);
    }
    if (req->body_len > ILRS_GROUND_HTTP_BODY_MAX) {
        return respond_error(c->resp, 413, "request body larger than %d octets",
                             ILRS_GROUND_HTTP_BODY_MAX);
    }
    char seg1[ILRS_GROUND_HTTP_PATH_MAX + 1], seg2[ILRS_GROUND_HTTP_PATH_MAX + 1];
    const char *allowed = "";
    route_t r = match(req->path, &allowed, seg1, seg2, sizeof seg1);
    if (r == R_NONE) {
        return respond_error(c->resp, 404, "no API endpoint %s", req->path);
    }
    if (!method_allowed(allowed, req->method)) {
        return respond_error(c->resp, 405, "%s does not accept %s (only %s)", req->path,
                             req->method, allowed);
    }
    if (r == R_LOGIN) {
        return handle_login(c);
    }
    int arc = ilrs__authenticate(c->server, req->authorization, &c->id);
    if (arc != 0) {
        return refuse(c, 401, req->path, "%s",
                      req->authorization == NULL
                          ? "missing Authorization: Bearer <token> header"
                          : "session token unknown, malformed or expired; log in again");
    }
    switch (r) {
    case R_LOGOUT: return handle_logout(c);
    case R_ME: return handle_me(c);
    case R_OBJECTS: return handle_object_list(c);
    case R_OBJECT: return handle_object(c, seg1, seg2);
    case R_TELEMETRY: return handle_telemetry(c, seg1);
    case R_COMMANDS:
        return strcmp(req->method, "POST") == 0 ? handle_command_send(c) : handle_command_list(c);
    case R_HISTORY: return handle_command_history(c);
    case R_EVENTS: return handle_events(c);
    case R_PARTNERS: return handle_partners(c);
    case R_AUDIT: return handle_audit(c);
    case R_STATS: return handle_stats(c);
    case R_FILES: return handle_file_list(c);
    case R_FILE: return handle_file_get(c, seg1);
    default: return respond_error(c->resp, 404, "no API endpoint %s", req->path);
    }
}

int ilrs_ground_server_handle(ilrs_ground_server_t *server, const ilrs_ground_request_t *request,
                              ilrs_ground_response_t *response)
{
    memset(response, 0, sizeof *response);
    if (server == NULL || request == NULL) {
        return ILRS_EINVAL;
    }
    ctx_t c = {.server = server, .req = request, .resp = response, .now_ms = ilrs_ground_now_ms()};
    ilrs_ground_request_t copy;
    if (request->client == NULL) {
        copy = *request;
        copy.client = "";
        c.req = &copy;
    }
    int rc = route(&c);
    if (response->body == NULL) {
        /* A handler failed to allocate its answer: a fixed body needs no memory. */
        response->status = 500;
        response->body = strdup("{\"error\":\"internal_error\",\"message\":\"out of memory\"}");
        response->body_len = response->body != NULL ? strlen(response->body) : 0;
        rc = ILRS_ENOMEM;
    }
    ilrs__server_count(server, response->status);
    return rc == ILRS_ENOMEM ? ILRS_ENOMEM : 0;
}
