// SPDX-License-Identifier: Apache-2.0
// Mission-control server benchmarks, over real sockets on 127.0.0.1 with
// libwebsockets clients:
// - history_day_ms: one day of a 1 Hz parameter fetched through GET /api/telemetry,
//   in the worst case for the answer's size and number formatting: 86 400 samples
//   of an f64 parameter that all differ (a noisy sine, no two values equal, most
//   needing 15 to 17 significant digits), in an in-memory SQLite archive; median
//   of 9 requests, wall time from connect to the last octet (target < 50 ms).
// - ws_clients_lossless: the largest number of WebSocket subscribers (tried
//   200, 500, 1000) that all receive every sample of a 10 Hz stream (50 samples)
//   with none lost.
// Prints `bench: <name> <value> <unit>` lines on stdout, details on stderr.
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libwebsockets.h>

#include <ilrs/ccsds.h>
#include <ilrs/dict.h>
#include <ilrs/ground.h>
#include <ilrs/ground_server.h>

#define DAY_SAMPLES 86400
#define T0_UNIX_MS INT64_C(1767225600000) /* 2026-01-01T00:00:00Z */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_server: %s: %s\n", what, ilrs_strerror(rc));
    exit(1);
}

static ilrs_dict_t *make_dict(void)
{
    ilrs_dict_t *dict = NULL;
    int rc = ilrs_dict_create(&dict);
    ilrs_dict_field_t fields[1] = {
        {.name = "voltage", .type = ILRS_DICT_F64, .unit = "V"}};
    ilrs_dict_packet_t p = {.name = "BENCH_HK", .apid = 100, .owner = "station", .app = "BENCH",
                            .fields = fields, .field_count = 1};
    if (rc == 0) {
        rc = ilrs_dict_add_packet(dict, &p, NULL);
    }
    if (rc != 0) {
        die("dictionary", rc);
    }
    return dict;
}

/* ---- HTTP client (libwebsockets) -------------------------------------------------- */

typedef struct http_get {
    const char *auth;
    size_t received;
    int status;
    bool done, failed;
} http_get_t;

static int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                         size_t len)
{
    http_get_t *g = lws_get_opaque_user_data(wsi);
    (void)user;
    if (g == NULL) {
        /* A finished request's connection closing after its http_get_t is gone. */
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
    switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
        unsigned char **p = (unsigned char **)in, *end = (*p) + len;
        if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_AUTHORIZATION,
                                         (const unsigned char *)g->auth, (int)strlen(g->auth), p,
                                         end) != 0) {
            fprintf(stderr, "bench_server: cannot add the Authorization header\n");
            return -1;
        }
        break;
    }
    case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
        g->status = (int)lws_http_client_http_response(wsi);
        break;
    case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
        g->received += len;
        return 0;
    case LWS_CALLBACK_RECEIVE_CLIENT_HTTP: {
        char buffer[65536 + LWS_PRE];
        char *px = buffer + LWS_PRE;
        int lenx = (int)sizeof buffer - LWS_PRE;
        return lws_http_client_read(wsi, &px, &lenx) < 0 ? -1 : 0;
    }
    case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
        g->done = true;
        lws_set_opaque_user_data(wsi, NULL);
        break;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        fprintf(stderr, "bench_server: HTTP client: %s\n", in != NULL ? (const char *)in : "?");
        g->failed = true;
        break;
    case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
        if (!g->done) {
            g->failed = !g->done;
        }
        break;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols http_protocols[] = {
    {.name = "bench-http", .callback = http_callback},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static double history_once(struct lws_context *ctx, uint16_t port, const char *path,
                           const char *auth, size_t *bytes, int *status)
{
    http_get_t g = {.auth = auth};
    struct lws_client_connect_info ci;
    memset(&ci, 0, sizeof ci);
    ci.context = ctx;
    ci.address = "127.0.0.1";
    ci.port = port;
    ci.path = path;
    ci.host = "127.0.0.1";
    ci.origin = "127.0.0.1";
    ci.method = "GET";
    ci.protocol = "bench-http";
    ci.local_protocol_name = "bench-http";
    ci.opaque_user_data = &g;
    double t0 = now_s();
    if (lws_client_connect_via_info(&ci) == NULL) {
        die("http connect", ILRS_EIO);
    }
    while (!g.done && !g.failed && now_s() - t0 < 60) {
        lws_service(ctx, 0);
    }
    double dt = now_s() - t0;
    if (!g.done) {
        fprintf(stderr, "bench_server: status %d, %zu octets, failed %d\n", g.status, g.received,
                g.failed);
        die("http request", ILRS_EIO);
    }
    *bytes = g.received;
    *status = g.status;
    return dt;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void bench_history(const ilrs_dict_t *dict, ilrs_ground_users_t *users, const char *token)
{
    ilrs_ground_archive_t *archive = NULL;
    ilrs_ground_source_t source;
    ilrs_ground_server_t *server = NULL;
    int rc = ilrs_ground_archive_open(":memory:", NULL, &archive);
    if (rc != 0) {
        die("archive", rc);
    }
    const ilrs_dict_packet_t *def = ilrs_dict_find_packet_by_name(dict, "BENCH_HK");
    uint8_t pkt[64];
    int64_t t0_archive = ilrs_ground_unix_to_archive_ms(T0_UNIX_MS);
    for (int i = 0; i < DAY_SAMPLES; i++) {
        ilrs_tai_t t = (ilrs_tai_t)(t0_archive + 1000LL * i) * 1000000;
        memset(pkt, 0, sizeof pkt);
        ilrs_ccsds_tlm_init(pkt, sizeof pkt, def->apid, def->length, t);
        /* A voltage over a day: a slow swing plus full-resolution noise, so every
         * value differs (the worst case: nothing repeats, long digit strings). */
        double noise = (double)((uint64_t)i * UINT64_C(0x9E3779B97F4A7C15) >> 11) * 0x1.0p-53;
        double volts = 28.0 + 1.5 * sin(6.283185307179586 * i / 86400.0) + 0.01 * (noise - 0.5);
        ilrs_dict_set_raw(&def->fields[0], pkt, def->length, volts);
        rc = ilrs_ground_archive_ingest(archive, dict, pkt, def->length, t);
        if (rc != 0) {
            die("ingest", rc);
        }
    }
    if ((rc = ilrs_ground_archive_flush(archive)) != 0 ||
        (rc = ilrs_ground_archive_source_create(archive, dict, &source)) != 0 ||
        (rc = ilrs_ground_server_create(NULL, dict, users, &source, &server)) != 0) {
        die("server", rc);
    }
    /* Where the time goes: the archive query alone and the router alone (before the
     * service thread starts: the router is called from one thread at a time). */
    {
        ilrs_ground_history_t h;
        double t = now_s();
        rc = ilrs_ground_archive_history(archive, "BENCH_HK.voltage", NULL, t0_archive,
                                         t0_archive + 86400000 - 1, ILRS_GROUND_ALL, 0, &h);
        double dt = now_s() - t;
        double *values = malloc(h.count * sizeof *values);
        size_t distinct = 0;
        if (values != NULL) {
            for (size_t i = 0; i < h.count; i++) {
                values[i] = h.samples[i].value;
            }
            qsort(values, h.count, sizeof *values, compare_double);
            for (size_t i = 0; i < h.count; i++) {
                distinct += i == 0 || values[i] != values[i - 1];
            }
            free(values);
        }
        fprintf(stderr, "history: archive query %.1f ms (%zu samples, %zu distinct values)\n",
                dt * 1e3, h.count, distinct);
        ilrs_ground_history_free(&h);
        char q[128], auth_h[128];
        snprintf(q, sizeof q, "start=%" PRId64 "&end=%" PRId64, T0_UNIX_MS,
                 T0_UNIX_MS + INT64_C(86400000) - 1);
        snprintf(auth_h, sizeof auth_h, "Bearer %s", token);
        ilrs_ground_request_t req = {.method = "GET", .path = "/api/telemetry/BENCH_HK.voltage",
                                     .query = q, .authorization = auth_h, .client = "bench"};
        ilrs_ground_response_t resp;
        struct timespec c0, c1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
        t = now_s();
        ilrs_ground_server_handle(server, &req, &resp);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
        /* CPU time as well: on a shared machine the wall time includes waiting. */
        fprintf(stderr, "history: router alone %.1f ms wall, %.1f ms CPU (%zu octets, status %d)\n",
                (now_s() - t) * 1e3,
                ((double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) * 1e-9) * 1e3,
                resp.body_len, resp.status);
        ilrs_ground_response_fini(&resp);
    }
    if ((rc = ilrs_ground_server_start(server)) != 0) {
        die("server start", rc);
    }
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = http_protocols;
    struct lws_context *ctx = lws_create_context(&info);
    char path[256], auth[128];
    snprintf(path, sizeof path,
             "/api/telemetry/BENCH_HK.voltage?start=%" PRId64 "&end=%" PRId64, T0_UNIX_MS,
             T0_UNIX_MS + INT64_C(86400000) - 1);
    snprintf(auth, sizeof auth, "Bearer %s", token);
    double times[9];
    size_t bytes = 0;
    int status = 0;
    history_once(ctx, ilrs_ground_server_port(server), path, auth, &bytes, &status); /* warm-up */
    for (int i = 0; i < 9; i++) {
        times[i] = history_once(ctx, ilrs_ground_server_port(server), path, auth, &bytes, &status);
    }
    qsort(times, 9, sizeof times[0], compare_double);
    fprintf(stderr, "history: status %d, %zu octets per answer, min %.1f ms, max %.1f ms\n",
            status, bytes, times[0] * 1e3, times[8] * 1e3);
    if (status != 200 || bytes < (size_t)DAY_SAMPLES * 20) {
        die("history answer", ILRS_EFORMAT);
    }
    printf("bench: history_day_ms %.1f ms\n", times[4] * 1e3);
    lws_context_destroy(ctx);
    ilrs_ground_server_destroy(server);
    ilrs_ground_archive_source_destroy(&source);
    ilrs_ground_archive_close(archive);
}

/* ---- WebSocket clients ------------------------------------------------------------ */

typedef struct ws_client {
    const char *auth_msg;
    int step;            /* 0 auth, 1 subscribe, 2 done */
    bool subscribed, closed;
    int received;
    int64_t last;
    bool ordered;
} ws_client_t;

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                       size_t len)
{
    ws_client_t *c = lws_get_opaque_user_data(wsi);
    (void)user;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        lws_callback_on_writable(wsi);
        break;
    case LWS_CALLBACK_CLIENT_WRITEABLE: {
        const char *msg = c->step == 0 ? c->auth_msg
                                       : "{\"type\":\"subscribe\",\"key\":\"BENCH_HK.voltage\"}";
        if (c->step < 2) {
            unsigned char buf[LWS_PRE + 256];
            size_t n = strlen(msg);
            memcpy(buf + LWS_PRE, msg, n);
            if (lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_TEXT) < 0) {
                return -1;
            }
            c->step++;
            if (c->step < 2) {
                lws_callback_on_writable(wsi);
            }
        }
        break;
    }
    case LWS_CALLBACK_CLIENT_RECEIVE: {
        /* Messages are small JSON; count samples by their timestamps, in order. */
        const char *p = in, *end = p + len;
        if (len > 20 && strncmp(p, "{\"type\":\"subscribed\"", 20) == 0) {
            c->subscribed = true;
        }
        for (; p + 12 <= end; p++) {
            if (memcmp(p, "\"timestamp\":", 12) != 0) {
                continue;
            }
            p += 12;
            int64_t t = strtoll(p, NULL, 10);
            if (t != c->last + 1) {
                c->ordered = false;
            }
            c->last = t;
            c->received++;
        }
        break;
    }
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
    case LWS_CALLBACK_CLIENT_CLOSED:
        c->closed = true;
        break;
    default:
        break;
    }
    return 0;
}

static const struct lws_protocols ws_protocols[] = {
    {.name = "bench-ws", .callback = ws_callback, .rx_buffer_size = 65536},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

typedef struct publisher {
    ilrs_ground_server_t *server;
    struct lws_context *clients;
    int samples;
    volatile int done;
} publisher_t;

static void *publish_main(void *arg)
{
    publisher_t *pub = arg;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (int s = 0; s < pub->samples; s++) {
        ilrs_ground_server_publish(pub->server, "BENCH_HK.voltage", 1000 + s, 28.0);
        next.tv_nsec += 100000000;
        if (next.tv_nsec >= 1000000000) {
            next.tv_nsec -= 1000000000;
            next.tv_sec++;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    }
    pub->done = 1;
    lws_cancel_service(pub->clients); /* wake the client loop waiting in lws_service */
    return NULL;
}

/* Connect n clients, stream 50 samples at 10 Hz; returns the number of samples lost. */
static long ws_round(ilrs_ground_server_t *server, const char *token, int n)
{
    const int samples = 50;
    char auth_msg[160];
    snprintf(auth_msg, sizeof auth_msg, "{\"type\":\"auth\",\"token\":\"%s\"}", token);
    ws_client_t *clients = calloc((size_t)n, sizeof *clients);
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = ws_protocols;
    info.fd_limit_per_thread = (unsigned)n + 64;
    struct lws_context *ctx = lws_create_context(&info);
    if (clients == NULL || ctx == NULL) {
        die("ws clients", ILRS_ENOMEM);
    }
    for (int i = 0; i < n; i++) {
        clients[i] = (ws_client_t){.auth_msg = auth_msg, .last = 999, .ordered = true};
        struct lws_client_connect_info ci;
        memset(&ci, 0, sizeof ci);
        ci.context = ctx;
        ci.address = "127.0.0.1";
        ci.port = ilrs_ground_server_port(server);
        ci.path = "/api/realtime";
        ci.host = "127.0.0.1";
        ci.origin = "127.0.0.1";
        ci.local_protocol_name = "bench-ws";
        ci.opaque_user_data = &clients[i];
        if (lws_client_connect_via_info(&ci) == NULL) {
            clients[i].closed = true;
        }
    }
    double t_connect = now_s();
    double deadline = now_s() + 60;
    int ready = 0;
    for (;;) {
        ready = 0;
        for (int i = 0; i < n; i++) {
            ready += clients[i].subscribed || clients[i].closed;
        }
        if (ready == n || now_s() > deadline) {
            break;
        }
        lws_service(ctx, 0);
    }
    fprintf(stderr, "ws: %d clients subscribed in %.1f s\n", ready, now_s() - t_connect);
    /* 10 Hz from a publisher thread (as an ingest thread would), while this thread
     * services the clients. */
    publisher_t pub = {.server = server, .clients = ctx, .samples = samples};
    pthread_t thread;
    if (pthread_create(&thread, NULL, publish_main, &pub) != 0) {
        die("publisher thread", ILRS_EIO);
    }
    while (!pub.done) {
        lws_service(ctx, 0);
    }
    pthread_join(thread, NULL);
    deadline = now_s() + 10;
    long total = 0;
    for (;;) {
        total = 0;
        for (int i = 0; i < n; i++) {
            total += clients[i].received;
        }
        if (total >= (long)n * samples || now_s() > deadline) {
            break;
        }
        lws_service(ctx, 0);
    }
    fprintf(stderr, "ws: stream and delivery took %.1f s\n", now_s() - t_connect);
    int disordered = 0, closed = 0;
    for (int i = 0; i < n; i++) {
        disordered += !clients[i].ordered;
        closed += clients[i].closed;
    }
    long lost = (long)n * samples - total;
    fprintf(stderr, "ws: %d clients, %d closed, %d out of order, %ld of %ld samples lost\n", n,
            closed, disordered, lost, (long)n * samples);
    lws_context_destroy(ctx);
    free(clients);
    return lost + disordered + closed;
}

static void bench_ws(const ilrs_dict_t *dict, ilrs_ground_users_t *users, const char *token)
{
    ilrs_ground_memsource_t *mem = NULL;
    ilrs_ground_source_t source;
    ilrs_ground_server_t *server = NULL;
    int rc = ilrs_ground_memsource_create(&mem);
    if (rc == 0) {
        ilrs_ground_memsource_bind(mem, &source);
        rc = ilrs_ground_server_create(NULL, dict, users, &source, &server);
    }
    if (rc == 0) {
        rc = ilrs_ground_server_start(server);
    }
    if (rc != 0) {
        die("server", rc);
    }
    static const int counts[] = {200, 500, 1000};
    int best = 0;
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        if (ws_round(server, token, counts[i]) != 0) {
            break;
        }
        best = counts[i];
    }
    printf("bench: ws_clients_lossless %d clients\n", best);
    ilrs_ground_server_destroy(server);
    ilrs_ground_memsource_destroy(mem);
}

int main(void)
{
    lws_set_log_level(LLL_ERR, NULL);
    ilrs_dict_t *dict = make_dict();
    ilrs_ground_users_t *users = NULL;
    ilrs_ground_users_options_t o = {.fast_hash = true};
    char token[ILRS_GROUND_TOKEN_LEN + 1];
    int rc = ilrs_ground_users_open(":memory:", &o, &users);
    if (rc == 0) {
        rc = ilrs_ground_user_add(users, "bench", ILRS_GROUND_ROLE_OPERATOR, NULL, "bench-password");
    }
    if (rc == 0) {
        rc = ilrs_ground_login(users, "bench", "bench-password", "bench", ilrs_ground_now_ms(),
                               token, NULL, NULL);
    }
    if (rc != 0) {
        die("users", rc);
    }
    double t = now_s();
    bench_history(dict, users, token);
    fprintf(stderr, "history bench: %.1f s\n", now_s() - t);
    bench_ws(dict, users, token);
    ilrs_ground_users_close(users);
    ilrs_dict_destroy(dict);
    return 0;
}
