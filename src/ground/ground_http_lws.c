/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The network edge of the mission-control server, on libwebsockets.
 *
 * Why libwebsockets: it is an embeddable C server that speaks HTTP/1.1 and
 * WebSocket (RFC 6455) in one event loop, serves static directories through
 * mounts (Open MCT's prebuilt dist/ and our plugin), and is packaged by Debian
 * (libwebsockets-dev 4.1). libmicrohttpd 0.9.75 would need a hand-written
 * WebSocket framing layer on top of its "upgrade" hook, and we do not write by
 * hand what a library does.
 *
 * Threads: one service thread runs the lws event loop and everything that
 * touches the user store, the dictionary and the source (the router in
 * ground_http_api.c). Other threads only call ilrs_ground_server_publish(),
 * which appends to a mutex-protected ring and wakes the loop with
 * lws_cancel_service(); the loop then fans the samples out to the subscribed
 * WebSocket clients, each with its own bounded queue, sent as batches when the
 * socket is writable. A client that falls ILRS__WS_QUEUE_MAX samples behind loses
 * the oldest and is told how many (counted in ws_dropped).
 *
 * WebSocket protocol (JSON text messages) on /api/realtime:
 *   client: {"type":"auth","token":T} first, then {"type":"subscribe","key":K}
 *           and {"type":"unsubscribe","key":K}
 *   server: {"type":"auth","ok":true,"user":U,"role":R}, {"type":"subscribed","key":K},
 *           {"type":"unsubscribed","key":K}, {"type":"error","status":S,"message":M[,"key":K]},
 *           {"type":"samples","samples":[{"key":K,"timestamp":ms,"value":v},...]}
 * A subscription to another partner's parameter is refused with status 403 and
 * audited, like the HTTP API.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libwebsockets.h>

#include "ground/ground_server_int.h"

#define MODULE "ground"
#define BATCH_BYTES 32768 /* largest sample message sent to a client at once */
#define HTTP_CHUNK 262144 /* octets of a response body handed to lws per writable event */

typedef struct ws_sample {
    uint32_t sub;      /* index in the client's subscriptions */
    int64_t time_ms;
    double value;
} ws_sample_t;

typedef struct text_msg {
    struct text_msg *next;
    size_t len;
    char data[];       /* LWS_PRE octets, then the text */
} text_msg_t;

typedef struct ilrs__ws_client {
    struct ilrs__ws_client *next;
    struct lws *wsi;
    bool authenticated;
    ilrs_ground_identity_t id;
    char client[64];
    char (*subs)[2 * ILRS_DICT_NAME_MAX + 2];
    size_t sub_count;
    ws_sample_t *queue; /* ring of ILRS__WS_QUEUE_MAX */
    size_t head, count;
    uint64_t dropped_unreported;
    text_msg_t *replies, *replies_tail;
    char *rx;           /* message being received */
    size_t rx_len;
    bool rx_over;
} ws_client_t;

typedef struct pss {
    bool is_ws;
    ws_client_t *ws;
    /* HTTP */
    char method[8];
    char path[ILRS_GROUND_HTTP_PATH_MAX + 2];
    char query[ILRS_GROUND_HTTP_PATH_MAX + 2];
    char auth[256];
    char client[64];
    bool path_too_long;
    uint8_t *body;
    size_t body_len;
    char *out;          /* LWS_PRE octets, then the response body */
    size_t out_len, out_sent;
} pss_t;

static ilrs_ground_server_t *server_of(struct lws *wsi)
{
    return lws_context_user(lws_get_context(wsi));
}

/* ---- HTTP ------------------------------------------------------------------- */

static void http_reset(pss_t *p)
{
    free(p->body);
    free(p->out);
    p->body = NULL;
    p->out = NULL;
    p->body_len = p->out_len = p->out_sent = 0;
    p->path_too_long = false;
    p->query[0] = p->auth[0] = '\0';
}

static int http_begin(struct lws *wsi, pss_t *p)
{
    static const struct {
        enum lws_token_indexes token;
        const char *method;
    } methods[] = {
        {WSI_TOKEN_GET_URI, "GET"},       {WSI_TOKEN_POST_URI, "POST"},
        {WSI_TOKEN_PUT_URI, "PUT"},       {WSI_TOKEN_PATCH_URI, "PATCH"},
        {WSI_TOKEN_DELETE_URI, "DELETE"}, {WSI_TOKEN_OPTIONS_URI, "OPTIONS"},
    };
    http_reset(p);
    strcpy(p->method, "?");
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (lws_hdr_total_length(wsi, methods[i].token) > 0) {
            strcpy(p->method, methods[i].method);
            if (lws_hdr_copy(wsi, p->path, (int)sizeof p->path, methods[i].token) < 0 ||
                strlen(p->path) > ILRS_GROUND_HTTP_PATH_MAX) {
                p->path_too_long = true;
                strcpy(p->path, "/api/");
            }
            break;
        }
    }
    size_t qlen = 0;
    char frag[ILRS_GROUND_HTTP_PATH_MAX + 2];
    if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_URI_ARGS) > ILRS_GROUND_HTTP_PATH_MAX) {
        p->path_too_long = true;
    }
    for (int i = 0; !p->path_too_long; i++) {
        int n = lws_hdr_copy_fragment(wsi, frag, (int)sizeof frag, WSI_TOKEN_HTTP_URI_ARGS, i);
        if (n < 0) {
            break;
        }
        if (qlen + (size_t)n + 2 > sizeof p->query) {
            p->path_too_long = true;
            break;
        }
        if (qlen > 0) {
            p->query[qlen++] = '&';
        }
        memcpy(p->query + qlen, frag, (size_t)n);
        qlen += (size_t)n;
        p->query[qlen] = '\0';
    }
    if (lws_hdr_copy(wsi, p->auth, (int)sizeof p->auth, WSI_TOKEN_HTTP_AUTHORIZATION) < 0) {
        p->auth[0] = '\0';
    }
    lws_get_peer_simple(wsi, p->client, sizeof p->client);
    return 0;
}

static int http_respond(struct lws *wsi, pss_t *p)
{
    ilrs_ground_server_t *server = server_of(wsi);
    ilrs_ground_response_t resp;
    ilrs_ground_request_t req = {
        .method = p->method,
        .path = p->path,
        .query = p->query[0] != '\0' ? p->query : NULL,
        .authorization = p->auth[0] != '\0' ? p->auth : NULL,
        .client = p->client,
        .body = p->body,
        .body_len = p->body_len,
    };
    char long_path[ILRS_GROUND_HTTP_PATH_MAX + 2];
    if (p->path_too_long) {
        /* Route an over-long path as such so it is counted and answered 414. */
        memset(long_path, 'x', sizeof long_path - 1);
        long_path[sizeof long_path - 1] = '\0';
        req.path = long_path;
    }
    ilrs_ground_server_handle(server, &req, &resp);
    p->out = malloc(LWS_PRE + resp.body_len + 1);
    if (p->out == NULL) {
        ilrs_ground_response_fini(&resp);
        return -1;
    }
    memcpy(p->out + LWS_PRE, resp.body, resp.body_len);
    p->out_len = resp.body_len;
    p->out_sent = 0;
    uint8_t hdr[LWS_PRE + 1024];
    uint8_t *start = hdr + LWS_PRE, *pos = start, *end = hdr + sizeof hdr - 1;
    int rc = 0;
    if (lws_add_http_common_headers(wsi, (unsigned)resp.status,
                                    resp.content_type != NULL ? resp.content_type
                                                              : "application/json",
                                    (lws_filepos_t)resp.body_len, &pos, end) != 0 ||
        lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
                                    (const unsigned char *)"no-store", 8, &pos, end) != 0 ||
        lws_add_http_header_by_name(wsi, (const unsigned char *)"x-content-type-options:",
                                    (const unsigned char *)"nosniff", 7, &pos, end) != 0) {
        rc = -1;
    }
    if (rc == 0 && resp.filename[0] != '\0') {
        /* The router only sets names of [A-Za-z0-9._-]: no quoting needed. */
        char disp[ILRS_GROUND_FILE_NAME_MAX + 32];
        int n = snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", resp.filename);
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)"content-disposition:",
                                        (const unsigned char *)disp, n, &pos, end) != 0) {
            rc = -1;
        }
    }
    if (rc == 0 && resp.status == 429) {
        char secs[32];
        int n = snprintf(secs, sizeof secs, "%" PRId64, (resp.retry_after_ms + 999) / 1000);
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)"retry-after:",
                                        (const unsigned char *)secs, n, &pos, end) != 0) {
            rc = -1;
        }
    }
    ilrs_ground_response_fini(&resp);
    if (rc == 0 && lws_finalize_write_http_header(wsi, start, &pos, end) != 0) {
        rc = -1;
    }
    if (rc == 0) {
        lws_callback_on_writable(wsi);
    }
    return rc;
}

static int http_writeable(struct lws *wsi, pss_t *p)
{
    if (p->out == NULL) {
        return 0;
    }
    size_t chunk = p->out_len - p->out_sent;
    if (chunk > HTTP_CHUNK) {
        chunk = HTTP_CHUNK;
    }
    bool final = p->out_sent + chunk == p->out_len;
    /* lws may write a frame header into the LWS_PRE octets before the pointer; they
     * are either the reserved headroom or body octets already sent. */
    int n = lws_write(wsi, (unsigned char *)p->out + LWS_PRE + p->out_sent, chunk,
                      final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP);
    if (n < 0) {
        return -1;
    }
    p->out_sent += chunk;
    if (final) {
        http_reset(p);
        if (lws_http_transaction_completed(wsi)) {
            return -1;
        }
        return 0;
    }
    lws_callback_on_writable(wsi);
    return 0;
}

/* ---- WebSocket ------------------------------------------------------------------ */

static void ws_reply(ws_client_t *c, json_t *msg)
{
    char *text = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    if (text == NULL) {
        return;
    }
    size_t len = strlen(text);
    text_msg_t *m = malloc(sizeof *m + LWS_PRE + len + 1);
    if (m != NULL) {
        m->next = NULL;
        m->len = len;
        memcpy(m->data + LWS_PRE, text, len + 1);
        if (c->replies_tail != NULL) {
            c->replies_tail->next = m;
        } else {
            c->replies = m;
        }
        c->replies_tail = m;
        lws_callback_on_writable(c->wsi);
    }
    free(text);
}

static void ws_error(ws_client_t *c, int status, const char *key, const char *message)
{
    json_t *msg = json_pack("{s:s, s:i, s:s}", "type", "error", "status", status, "message",
                            message);
    if (key != NULL) {
        json_object_set_new(msg, "key", json_string(key));
    }
    ws_reply(c, msg);
}

static void ws_client_free(ilrs_ground_server_t *server, ws_client_t *c)
{
    for (ws_client_t **pp = &server->clients; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    while (c->replies != NULL) {
        text_msg_t *m = c->replies;
        c->replies = m->next;
        free(m);
    }
    free(c->subs);
    free(c->queue);
    free(c->rx);
    free(c);
}

static long find_sub(const ws_client_t *c, const char *key)
{
    for (size_t i = 0; i < c->sub_count; i++) {
        if (strcmp(c->subs[i], key) == 0) {
            return (long)i;
        }
    }
    return -1;
}

static void ws_message(ilrs_ground_server_t *server, ws_client_t *c, const char *text,
                       size_t len)
{
    ilrs__ws_msg_t m;
    int64_t now = ilrs_ground_now_ms();
    if (ilrs__ws_parse(text, len, &m) != 0) {
        ilrs__server_count(server, 400);
        ws_error(c, 400, NULL, m.error);
        return;
    }
    if (m.type == ILRS__WS_AUTH) {
        if (ilrs_ground_session_check(server->users, m.token, now, &c->id) != 0) {
            c->authenticated = false;
            ilrs__server_count(server, 401);
            ilrs_ground_audit_add(server->users, now, "", c->client, "refused", "/api/realtime",
                                  "refused", "WebSocket auth: token unknown or expired");
            ws_error(c, 401, NULL, "session token unknown, malformed or expired");
            return;
        }
        c->authenticated = true;
        ws_reply(c, json_pack("{s:s, s:b, s:s, s:s}", "type", "auth", "ok", 1, "user", c->id.user,
                              "role", ilrs_ground_role_name(c->id.role)));
        return;
    }
    const char *key = m.has_key ? m.key : NULL;
    if (!c->authenticated) {
        ilrs__server_count(server, 401);
        ws_error(c, 401, key, "send {\"type\":\"auth\",\"token\":...} first");
        return;
    }
    if (key == NULL) {
        ilrs__server_count(server, 400);
        ws_error(c, 400, NULL, "subscribe and unsubscribe need a string \"key\"");
        return;
    }
    long at = find_sub(c, key);
    if (m.type == ILRS__WS_UNSUBSCRIBE) {
        if (at >= 0) {
            /* Keep indices of queued samples valid: mark the slot free instead. */
            c->subs[at][0] = '\0';
        }
        ws_reply(c, json_pack("{s:s, s:s}", "type", "unsubscribed", "key", key));
        return;
    }
    const ilrs_dict_packet_t *pk;
    const ilrs_dict_field_t *f;
    const char *owner = ilrs__param_owner(server->dict, key, &pk, &f);
    if (owner == NULL) {
        ilrs__server_count(server, 404);
        ws_error(c, 404, key, "no telemetry parameter with this key in the dictionary");
        return;
    }
    if (!ilrs__may_read(&c->id, owner)) {
        char reason[200];
        snprintf(reason, sizeof reason, "parameter %s belongs to partner '%s'", key, owner);
        ilrs__server_count(server, 403);
        ilrs_ground_audit_add(server->users, now, c->id.user, c->client, "refused",
                              "realtime:subscribe", "refused", reason);
        ws_error(c, 403, key, reason);
        return;
    }
    if (at < 0) {
        at = find_sub(c, "");
        if (at < 0) {
            if (c->sub_count >= ILRS_GROUND_WS_SUBSCRIPTIONS) {
                ws_error(c, 400, key, "too many subscriptions on this connection");
                return;
            }
            at = (long)c->sub_count++;
        }
        snprintf(c->subs[at], sizeof c->subs[at], "%s", key);
    }
    ws_reply(c, json_pack("{s:s, s:s}", "type", "subscribed", "key", key));
}

static int ws_writeable(ilrs_ground_server_t *server, ws_client_t *c)
{
    if (c->replies != NULL) {
        text_msg_t *m = c->replies;
        if (lws_write(c->wsi, (unsigned char *)m->data + LWS_PRE, m->len, LWS_WRITE_TEXT) < 0) {
            return -1;
        }
        c->replies = m->next;
        if (c->replies == NULL) {
            c->replies_tail = NULL;
        }
        free(m);
        if (c->replies != NULL || c->count > 0) {
            lws_callback_on_writable(c->wsi);
        }
        return 0;
    }
    if (c->count == 0) {
        return 0;
    }
    char *buf = malloc(LWS_PRE + BATCH_BYTES + 512);
    if (buf == NULL) {
        return 0;
    }
    char *out = buf + LWS_PRE;
    size_t len = 0;
    size_t sent = 0;
    len += (size_t)snprintf(out, BATCH_BYTES, "{\"type\":\"samples\"");
    if (c->dropped_unreported > 0) {
        len += (size_t)snprintf(out + len, BATCH_BYTES - len, ",\"dropped\":%" PRIu64,
                                c->dropped_unreported);
        c->dropped_unreported = 0;
    }
    len += (size_t)snprintf(out + len, BATCH_BYTES - len, ",\"samples\":[");
    while (c->count > 0 && len < BATCH_BYTES - 300) {
        const ws_sample_t *s = &c->queue[c->head];
        const char *key = c->subs[s->sub];
        if (key[0] != '\0') {
            char value[40];
            if (isfinite(s->value)) {
                snprintf(value, sizeof value, "%.17g", s->value);
            } else {
                strcpy(value, "null");
            }
            len += (size_t)snprintf(out + len, BATCH_BYTES - len,
                                    "%s{\"key\":\"%s\",\"timestamp\":%" PRId64 ",\"value\":%s}",
                                    sent > 0 ? "," : "", key, s->time_ms, value);
            sent++;
        }
        c->head = (c->head + 1) % ILRS__WS_QUEUE_MAX;
        c->count--;
    }
    len += (size_t)snprintf(out + len, BATCH_BYTES + 512 - len, "]}");
    /* Counted before the write so a reader of the stats never sees a sample that
     * reached its client uncounted. */
    pthread_mutex_lock(&server->lock);
    server->stats.ws_samples += sent;
    pthread_mutex_unlock(&server->lock);
    int rc = 0;
    if (lws_write(c->wsi, (unsigned char *)out, len, LWS_WRITE_TEXT) < 0) {
        rc = -1;
    }
    free(buf);
    if (rc == 0 && c->count > 0) {
        lws_callback_on_writable(c->wsi);
    }
    return rc;
}

/* Service thread: move published samples to the subscribers' queues. */
static void fan_out(ilrs_ground_server_t *server)
{
    for (;;) {
        ilrs__pending_t batch[256];
        size_t n = 0;
        pthread_mutex_lock(&server->lock);
        while (n < 256 && server->pending_count > 0) {
            batch[n++] = server->pending[server->pending_head];
            server->pending_head = (server->pending_head + 1) % ILRS__PENDING_MAX;
            server->pending_count--;
        }
        pthread_mutex_unlock(&server->lock);
        if (n == 0) {
            return;
        }
        uint64_t dropped = 0;
        for (ws_client_t *c = server->clients; c != NULL; c = c->next) {
            bool any = false;
            for (size_t i = 0; i < n; i++) {
                long sub = c->authenticated ? find_sub(c, batch[i].name) : -1;
                if (sub < 0) {
                    continue;
                }
                if (c->count == ILRS__WS_QUEUE_MAX) {
                    c->head = (c->head + 1) % ILRS__WS_QUEUE_MAX;
                    c->count--;
                    c->dropped_unreported++;
                    dropped++;
                }
                c->queue[(c->head + c->count) % ILRS__WS_QUEUE_MAX] =
                    (ws_sample_t){(uint32_t)sub, batch[i].time_ms, batch[i].value};
                c->count++;
                any = true;
            }
            if (any) {
                lws_callback_on_writable(c->wsi);
            }
        }
        if (dropped > 0) {
            pthread_mutex_lock(&server->lock);
            server->stats.ws_dropped += dropped;
            pthread_mutex_unlock(&server->lock);
        }
    }
}

static bool is_realtime_path(struct lws *wsi)
{
    char uri[64];
    return lws_hdr_copy(wsi, uri, (int)sizeof uri, WSI_TOKEN_GET_URI) > 0 &&
           strcmp(uri, "/api/realtime") == 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    pss_t *p = user;
    ilrs_ground_server_t *server;
    if (p == NULL && (reason == LWS_CALLBACK_HTTP || reason == LWS_CALLBACK_HTTP_BODY ||
                      reason == LWS_CALLBACK_HTTP_BODY_COMPLETION ||
                      reason == LWS_CALLBACK_HTTP_WRITEABLE || reason == LWS_CALLBACK_CLOSED_HTTP)) {
        /* No per-session data: lws refused the request itself (e.g. a URI that
         * decodes to a NUL octet) before binding it; nothing of ours to do. */
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        http_begin(wsi, p);
        if (strcmp(p->method, "POST") == 0 || strcmp(p->method, "PUT") == 0 ||
            strcmp(p->method, "PATCH") == 0) {
            return 0; /* wait for the body */
        }
        return http_respond(wsi, p) != 0 ? -1 : 0;
    case LWS_CALLBACK_HTTP_BODY:
        if (in != NULL && len > 0 && p->body_len <= ILRS_GROUND_HTTP_BODY_MAX) {
            /* Keep at most one octet beyond the limit: enough for the router to say 413. */
            size_t room = ILRS_GROUND_HTTP_BODY_MAX + 1 - p->body_len;
            size_t take = len < room ? len : room;
            uint8_t *b = realloc(p->body, p->body_len + take + 1);
            if (b == NULL) {
                return -1;
            }
            p->body = b;
            memcpy(p->body + p->body_len, in, take);
            p->body_len += take;
        }
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return http_respond(wsi, p) != 0 ? -1 : 0;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return http_writeable(wsi, p);
    case LWS_CALLBACK_CLOSED_HTTP:
        http_reset(p);
        break;
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return is_realtime_path(wsi) ? 0 : -1;
    case LWS_CALLBACK_ESTABLISHED: {
        server = server_of(wsi);
        ws_client_t *c = calloc(1, sizeof *c);
        if (c == NULL) {
            return -1;
        }
        c->subs = calloc(ILRS_GROUND_WS_SUBSCRIPTIONS, sizeof *c->subs);
        c->queue = calloc(ILRS__WS_QUEUE_MAX, sizeof *c->queue);
        if (c->subs == NULL || c->queue == NULL) {
            free(c->subs);
            free(c->queue);
            free(c);
            return -1;
        }
        c->wsi = wsi;
        lws_get_peer_simple(wsi, c->client, sizeof c->client);
        c->next = server->clients;
        server->clients = c;
        p->is_ws = true;
        p->ws = c;
        pthread_mutex_lock(&server->lock);
        server->stats.ws_clients++;
        pthread_mutex_unlock(&server->lock);
        break;
    }
    case LWS_CALLBACK_RECEIVE: {
        ws_client_t *c = p->ws;
        if (c == NULL) {
            return -1;
        }
        if (!c->rx_over && len > 0) {
            if (c->rx_len + len > ILRS_GROUND_WS_MESSAGE_MAX) {
                c->rx_over = true;
            } else {
                char *b = realloc(c->rx, c->rx_len + len + 1);
                if (b == NULL) {
                    return -1;
                }
                c->rx = b;
                memcpy(c->rx + c->rx_len, in, len);
                c->rx_len += len;
            }
        }
        if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
            server = server_of(wsi);
            if (c->rx_over) {
                ilrs__server_count(server, 413);
                ws_error(c, 413, NULL, "message larger than the limit (4096 octets)");
            } else {
                ws_message(server, c, c->rx != NULL ? c->rx : "", c->rx_len);
            }
            c->rx_len = 0;
            c->rx_over = false;
        }
        break;
    }
    case LWS_CALLBACK_SERVER_WRITEABLE:
        if (p->ws != NULL) {
            return ws_writeable(server_of(wsi), p->ws);
        }
        break;
    case LWS_CALLBACK_CLOSED:
        if (p->ws != NULL) {
            ws_client_free(server_of(wsi), p->ws);
            p->ws = NULL;
        }
        break;
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        server = server_of(wsi);
        if (server != NULL) {
            fan_out(server);
        }
        break;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols protocols[] = {
    {.name = "ilrs", .callback = callback, .per_session_data_size = sizeof(pss_t),
     .rx_buffer_size = 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void lws_to_ilrs_log(int level, const char *line)
{
    size_t n = strlen(line);
    while (n > 0 && line[n - 1] == '\n') {
        n--;
    }
    ilrs_log(level == LLL_ERR ? ILRS_LOG_ERROR : ILRS_LOG_WARN, "lws", "%.*s", (int)n, line);
}

/* ---- server lifecycle --------------------------------------------------------------- */

int ilrs_ground_server_create(const ilrs_ground_server_options_t *options,
                              const ilrs_dict_t *dict, ilrs_ground_users_t *users,
                              const ilrs_ground_source_t *source, ilrs_ground_server_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (dict == NULL || users == NULL || source == NULL || out == NULL) {
        return ILRS_EINVAL;
    }
    ilrs_ground_server_t *s = calloc(1, sizeof *s);
    if (s == NULL) {
        return ILRS_ENOMEM;
    }
    s->pending = calloc(ILRS__PENDING_MAX, sizeof *s->pending);
    if (s->pending == NULL) {
        free(s);
        return ILRS_ENOMEM;
    }
    if (options != NULL) {
        s->options = *options;
    }
    snprintf(s->listen_addr, sizeof s->listen_addr, "%s",
             s->options.listen_addr != NULL ? s->options.listen_addr : "127.0.0.1");
    snprintf(s->web_root, sizeof s->web_root, "%s",
             s->options.web_root != NULL ? s->options.web_root : "");
    snprintf(s->openmct_dist, sizeof s->openmct_dist, "%s",
             s->options.openmct_dist != NULL ? s->options.openmct_dist : "");
    snprintf(s->files_dir, sizeof s->files_dir, "%s",
             s->options.files_dir != NULL ? s->options.files_dir : "");
    snprintf(s->station_name, sizeof s->station_name, "%s",
             s->options.station_name != NULL ? s->options.station_name : "ILRS station");
    s->dict = dict;
    s->users = users;
    s->source = *source;
    pthread_mutex_init(&s->lock, NULL);
    *out = s;
    return 0;
}

static void *service_main(void *arg)
{
    ilrs_ground_server_t *s = arg;
    while (!s->stopping) {
        if (lws_service(s->lws_context, 0) < 0) {
            break;
        }
    }
    return NULL;
}

int ilrs_ground_server_start(ilrs_ground_server_t *s)
{
    if (s == NULL) {
        return ILRS_EINVAL;
    }
    if (s->started) {
        return ILRS_ESTATE;
    }
    lws_set_log_level(LLL_ERR | LLL_WARN, lws_to_ilrs_log);
    /* The mounts are read while the context lives, so they belong to the server. */
    struct lws_http_mount *m = calloc(3, sizeof *m);
    if (m == NULL) {
        return ILRS_ENOMEM;
    }
    m[0] = (struct lws_http_mount){.mountpoint = "/api", .mountpoint_len = 4, .origin = "ilrs",
                                   .origin_protocol = LWSMPRO_CALLBACK};
    struct lws_http_mount *last = &m[0];
    if (s->openmct_dist[0] != '\0') {
        m[1] = (struct lws_http_mount){.mountpoint = "/openmct", .mountpoint_len = 8,
                                       .origin = s->openmct_dist, .def = "openmct.js",
                                       .origin_protocol = LWSMPRO_FILE};
        last->mount_next = &m[1];
        last = &m[1];
    }
    if (s->web_root[0] != '\0') {
        m[2] = (struct lws_http_mount){.mountpoint = "/", .mountpoint_len = 1,
                                       .origin = s->web_root, .def = "index.html",
                                       .origin_protocol = LWSMPRO_FILE};
        last->mount_next = &m[2];
    }
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = s->options.port;
    info.iface = s->listen_addr;
    info.protocols = protocols;
    info.mounts = m;
    info.user = s;
    info.vhost_name = "ilrs";
    info.options = LWS_SERVER_OPTION_DISABLE_IPV6 | LWS_SERVER_OPTION_VALIDATE_UTF8;
    struct lws_context *ctx = lws_create_context(&info);
    if (ctx == NULL) {
        ilrs_log(ILRS_LOG_ERROR, MODULE, "cannot listen on %s:%u", s->listen_addr,
                 (unsigned)s->options.port);
        free(m);
        return ILRS_EIO;
    }
    struct lws_vhost *vh = lws_get_vhost_by_name(ctx, "ilrs");
    int port = vh != NULL ? lws_get_vhost_listen_port(vh) : -1;
    if (port <= 0) {
        ilrs_log(ILRS_LOG_ERROR, MODULE, "cannot listen on %s:%u", s->listen_addr,
                 (unsigned)s->options.port);
        lws_context_destroy(ctx);
        free(m);
        return ILRS_EIO;
    }
    s->port = (uint16_t)port;
    s->lws_context = ctx;
    s->mounts = m;
    s->stopping = 0;
    if (pthread_create(&s->thread, NULL, service_main, s) != 0) {
        lws_context_destroy(ctx);
        s->lws_context = NULL;
        free(m);
        s->mounts = NULL;
        return ILRS_EIO;
    }
    s->started = true;
    ilrs_log(ILRS_LOG_INFO, MODULE, "listening on http://%s:%u/", s->listen_addr,
             (unsigned)s->port);
    return 0;
}

uint16_t ilrs_ground_server_port(const ilrs_ground_server_t *server)
{
    return server != NULL ? server->port : 0;
}

void ilrs_ground_server_destroy(ilrs_ground_server_t *s)
{
    if (s == NULL) {
        return;
    }
    if (s->started) {
        s->stopping = 1;
        lws_cancel_service(s->lws_context);
        pthread_join(s->thread, NULL);
        /* Destroying the context closes every connection; their CLOSED callbacks
         * free the WebSocket clients. */
        lws_context_destroy(s->lws_context);
    }
    while (s->clients != NULL) {
        ws_client_free(s, s->clients);
    }
    free(s->mounts);
    free(s->pending);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

int ilrs_ground_server_publish(ilrs_ground_server_t *server, const char *name, int64_t time_ms,
                               double value)
{
    if (server == NULL || name == NULL || strlen(name) >= sizeof server->pending[0].name) {
        return ILRS_EINVAL;
    }
    int rc = 0;
    pthread_mutex_lock(&server->lock);
    if (server->pending_count == ILRS__PENDING_MAX) {
        server->stats.ws_dropped++;
        rc = ILRS_EFULL;
    } else {
        ilrs__pending_t *p =
            &server->pending[(server->pending_head + server->pending_count) % ILRS__PENDING_MAX];
        snprintf(p->name, sizeof p->name, "%s", name);
        p->time_ms = time_ms;
        p->value = value;
        server->pending_count++;
    }
    pthread_mutex_unlock(&server->lock);
    if (rc == 0 && server->started) {
        lws_cancel_service(server->lws_context);
    }
    return rc;
}

void ilrs_ground_server_get_stats(ilrs_ground_server_t *server, ilrs_ground_server_stats_t *stats)
{
    pthread_mutex_lock(&server->lock);
    *stats = server->stats;
    pthread_mutex_unlock(&server->lock);
}
