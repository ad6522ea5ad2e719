/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The server over real sockets: the server is started on an ephemeral port on
 * 127.0.0.1; libcurl is the HTTP client and a libwebsockets client context is the
 * WebSocket client. Checks the API's status codes and JSON errors for bad input
 * over the wire (body too large, bad JSON, unknown path, bad token, throttling with
 * Retry-After), and the real-time WebSocket: auth, subscribe, refused subscription
 * to another partner's parameter, and lossless, ordered delivery of published samples.
 * The loops wait for conditions with a generous safety deadline; nothing is timed.
 */
#include "ilrs_test.h"

#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libwebsockets.h>

#include "ground_server_fixture.h"

typedef struct http_result {
    long status;
    char *body;
    size_t len;
    char retry_after[32];
} http_result_t;

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    http_result_t *r = user;
    char *b = realloc(r->body, r->len + size * n + 1);
    if (b == NULL) {
        return 0;
    }
    r->body = b;
    memcpy(r->body + r->len, data, size * n);
    r->len += size * n;
    r->body[r->len] = '\0';
    return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
    http_result_t *r = user;
    if (size * n > 13 && strncasecmp(data, "retry-after:", 12) == 0) {
        snprintf(r->retry_after, sizeof r->retry_after, "%.*s", (int)(size * n - 12), data + 12);
    }
    return size * n;
}

static void http(uint16_t port, const char *method, const char *path, const char *token,
                 const char *body, size_t body_len, http_result_t *r)
{
    memset(r, 0, sizeof *r);
    CURL *curl = curl_easy_init();
    assert_non_null(curl);
    char url[4096];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", (unsigned)port, path);
    struct curl_slist *headers = NULL;
    char auth[128];
    if (token != NULL) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        headers = curl_slist_append(headers, auth);
    }
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    if (body != NULL) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)body_len);
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) {
        fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
}

static size_t discard(char *data, size_t size, size_t n, void *user)
{
    (void)data;
    (void)user;
    return size * n;
}

/* Status of a GET without credentials, 0 when the connection closed unanswered. */
static long status_or_dropped(uint16_t port, const char *path)
{
    CURL *curl = curl_easy_init();
    assert_non_null(curl);
    char url[4096];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", (unsigned)port, path);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    long status = 0;
    if (curl_easy_perform(curl) == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    }
    curl_easy_cleanup(curl);
    return status;
}

/* Status and the JSON "error" code of an answer. */
static void expect_error(const http_result_t *r, long status, const char *code)
{
    if (r->status != status) {
        fail_msg("status %ld, expected %ld: %s", r->status, status, r->body != NULL ? r->body : "");
    }
    json_t *j = json_loads(r->body != NULL ? r->body : "", 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "error")), code);
    assert_non_null(json_string_value(json_object_get(j, "message")));
    json_decref(j);
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    ilrs_ground_server_options_t o = {.listen_addr = "127.0.0.1", .port = 0};
    if (f == NULL || fixture_setup(f, &o) != 0 || ilrs_ground_server_start(f->server) != 0) {
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_teardown(*state);
    free(*state);
    return 0;
}

static void http_login_and_read(void **state)
{
    fixture_t *f = *state;
    uint16_t port = ilrs_ground_server_port(f->server);
    assert_true(port > 0);
    http_result_t r;
    const char *login = "{\"user\":\"erik\",\"password\":\"" FIX_PASSWORD "\"}";
    http(port, "POST", "/api/login", NULL, login, strlen(login), &r);
    assert_int_equal(r.status, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    char token[ILRS_GROUND_TOKEN_LEN + 1];
    snprintf(token, sizeof token, "%s", json_string_value(json_object_get(j, "token")));
    json_decref(j);
    free(r.body);

    http(port, "GET", "/api/telemetry/ESA_HK.temperature?start=0&end=99999", token, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    j = json_loads(r.body, 0, NULL);
    assert_int_equal(json_array_size(j), 5);
    json_decref(j);
    free(r.body);

    http(port, "GET", "/api/telemetry/CNSA_HK.temperature?start=0&end=99999", token, NULL, 0, &r);
    expect_error(&r, 403, "forbidden");
    free(r.body);

    const char *cmd = "{\"name\":\"SetEsaHeater\",\"args\":[\"AUTO\",15]}";
    http(port, "POST", "/api/commands", token, cmd, strlen(cmd), &r);
    assert_int_equal(r.status, 201);
    free(r.body);
    http(port, "GET", "/api/commands/history", token, NULL, 0, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "SetEsaHeater"));
    free(r.body);
    http(port, "POST", "/api/logout", token, "", 0, &r);
    assert_int_equal(r.status, 200);
    free(r.body);
    http(port, "GET", "/api/me", token, NULL, 0, &r);
    expect_error(&r, 401, "unauthorized");
    free(r.body);
}

static void http_bad_inputs(void **state)
{
    fixture_t *f = *state;
    uint16_t port = ilrs_ground_server_port(f->server);
    http_result_t r;
    http(port, "POST", "/api/login", NULL, "{\"user\":", 8, &r);
    expect_error(&r, 400, "bad_request");
    free(r.body);

    size_t big = 3 * ILRS_GROUND_HTTP_BODY_MAX;
    char *body = malloc(big);
    assert_non_null(body);
    memset(body, '[', big);
    http(port, "POST", "/api/commands", f->tokens[FIX_OPERATOR], body, big, &r);
    expect_error(&r, 413, "payload_too_large");
    free(r.body);
    free(body);

    http(port, "GET", "/api/does/not/exist", f->tokens[FIX_OPERATOR], NULL, 0, &r);
    expect_error(&r, 404, "not_found");
    free(r.body);
    http(port, "GET", "/api/events", "0123", NULL, 0, &r);
    expect_error(&r, 401, "unauthorized");
    free(r.body);
    http(port, "GET", "/api/events", NULL, NULL, 0, &r);
    expect_error(&r, 401, "unauthorized");
    free(r.body);
    http(port, "PUT", "/api/events", f->tokens[FIX_OPERATOR], "{}", 2, &r);
    expect_error(&r, 405, "method_not_allowed");
    free(r.body);
    char path[2048] = "/api/telemetry/ESA_HK.temperature?start=0&end=1&pad=";
    size_t n = strlen(path);
    memset(path + n, 'p', sizeof path - n - 1);
    path[sizeof path - 1] = '\0';
    http(port, "GET", path, f->tokens[FIX_OPERATOR], NULL, 0, &r);
    expect_error(&r, 414, "uri_too_long");
    free(r.body);

    /* Throttling over HTTP: three free failures, then 429 with Retry-After. */
    const char *bad = "{\"user\":\"chen\",\"password\":\"not the password\"}";
    for (int i = 0; i < 3; i++) {
        http(port, "POST", "/api/login", NULL, bad, strlen(bad), &r);
        expect_error(&r, 401, "unauthorized");
        free(r.body);
    }
    const char *good = "{\"user\":\"chen\",\"password\":\"" FIX_PASSWORD "\"}";
    http(port, "POST", "/api/login", NULL, good, strlen(good), &r);
    expect_error(&r, 429, "too_many_requests");
    assert_true(atoi(r.retry_after) >= 1);
    free(r.body);

    /* A URI that decodes to a NUL octet is dropped by libwebsockets before it is
     * bound to a session; the server must go on answering (it crashed once). */
    assert_true(status_or_dropped(port, "/api/telemetry/a%00b") != 200);
    assert_true(status_or_dropped(port, "/api/files/esa/a%00b") != 200);
    http(port, "GET", "/api/me", f->tokens[FIX_OPERATOR], NULL, 0, &r);
    assert_int_equal(r.status, 200);
    free(r.body);

    ilrs_ground_server_stats_t s;
    ilrs_ground_server_get_stats(f->server, &s);
    assert_int_equal(s.bad_json, 1);
    assert_int_equal(s.oversize, 2);
    assert_int_equal(s.unknown_path, 1);
    assert_int_equal(s.unauthorized, 5);
    assert_int_equal(s.throttled, 1);
}

/* ---- WebSocket client ---------------------------------------------------------- */

typedef struct ws_test {
    fixture_t *f;
    bool connected, closed, authed, subscribed;
    int refused_403, errors;
    const char *outgoing[8];
    size_t out_next, out_count;
    size_t received;
    int64_t last_time;
    bool order_ok, values_ok, foreign;
    char rx[1 << 17];
    size_t rx_len;
} ws_test_t;

static void ws_handle(ws_test_t *t, const char *text, size_t len)
{
    json_t *m = json_loadb(text, len, 0, NULL);
    assert_non_null(m);
    const char *type = json_string_value(json_object_get(m, "type"));
    assert_non_null(type);
    if (strcmp(type, "auth") == 0) {
        t->authed = true;
    } else if (strcmp(type, "subscribed") == 0) {
        t->subscribed = true;
    } else if (strcmp(type, "error") == 0) {
        t->errors++;
        if (json_integer_value(json_object_get(m, "status")) == 403) {
            t->refused_403++;
        }
    } else if (strcmp(type, "samples") == 0) {
        assert_null(json_object_get(m, "dropped"));
        json_t *list = json_object_get(m, "samples");
        for (size_t i = 0; i < json_array_size(list); i++) {
            json_t *s = json_array_get(list, i);
            const char *key = json_string_value(json_object_get(s, "key"));
            int64_t ts = json_integer_value(json_object_get(s, "timestamp"));
            double v = json_number_value(json_object_get(s, "value"));
            if (strcmp(key, "ESA_HK.temperature") != 0) {
                t->foreign = true;
                continue;
            }
            if (ts != t->last_time + 1) {
                t->order_ok = false;
            }
            if (v != (double)(ts % 1000) / 10.0) {
                t->values_ok = false;
            }
            t->last_time = ts;
            t->received++;
        }
    }
    json_decref(m);
}

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                       size_t len)
{
    (void)user;
    ws_test_t *t = lws_context_user(lws_get_context(wsi));
    switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        t->connected = true;
        lws_callback_on_writable(wsi);
        break;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        if (t->out_next < t->out_count) {
            const char *msg = t->outgoing[t->out_next++];
            unsigned char buf[LWS_PRE + 512];
            size_t n = strlen(msg);
            memcpy(buf + LWS_PRE, msg, n);
            if (lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_TEXT) < 0) {
                return -1;
            }
            if (t->out_next < t->out_count) {
                lws_callback_on_writable(wsi);
            }
        }
        break;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        if (t->rx_len + len < sizeof t->rx) {
            memcpy(t->rx + t->rx_len, in, len);
            t->rx_len += len;
        }
        if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
            ws_handle(t, t->rx, t->rx_len);
            t->rx_len = 0;
        }
        break;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
    case LWS_CALLBACK_CLIENT_CLOSED:
        t->closed = true;
        break;
    default:
        break;
    }
    return 0;
}

static const struct lws_protocols client_protocols[] = {
    {.name = "ilrs-test", .callback = ws_callback, .rx_buffer_size = 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Service the client until *flag or the safety deadline (not a timing assertion). */
static void service_until(struct lws_context *ctx, ws_test_t *t, const bool *flag)
{
    double deadline = now_s() + 30.0;
    while (!*flag && !t->closed && now_s() < deadline) {
        lws_service(ctx, 20);
    }
}

static void http_websocket_realtime(void **state)
{
    fixture_t *f = *state;
    ws_test_t *t = calloc(1, sizeof *t);
    assert_non_null(t);
    t->f = f;
    t->order_ok = t->values_ok = true;
    t->last_time = 99999;
    char auth[128];
    snprintf(auth, sizeof auth, "{\"type\":\"auth\",\"token\":\"%s\"}", f->tokens[FIX_ESA]);
    t->outgoing[0] = "{\"type\":\"subscribe\",\"key\":\"ESA_HK.temperature\"}"; /* before auth: 401 */
    t->outgoing[1] = auth;
    t->outgoing[2] = "not json";
    t->outgoing[3] = "{\"type\":\"subscribe\",\"key\":\"CNSA_HK.temperature\"}"; /* 403 */
    t->outgoing[4] = "{\"type\":\"subscribe\",\"key\":\"ESA_HK.temperature\"}";
    t->out_count = 5;

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = client_protocols;
    info.user = t;
    struct lws_context *ctx = lws_create_context(&info);
    assert_non_null(ctx);
    struct lws_client_connect_info ci;
    memset(&ci, 0, sizeof ci);
    ci.context = ctx;
    ci.address = "127.0.0.1";
    ci.port = ilrs_ground_server_port(f->server);
    ci.path = "/api/realtime";
    ci.host = "127.0.0.1";
    ci.origin = "127.0.0.1";
    ci.local_protocol_name = "ilrs-test";
    assert_non_null(lws_client_connect_via_info(&ci));
    service_until(ctx, t, &t->subscribed);
    assert_true(t->authed);
    assert_true(t->subscribed);
    assert_int_equal(t->refused_403, 1);
    assert_int_equal(t->errors, 3); /* 401 before auth, 400 not JSON, 403 */

    /* Publish 2000 samples of the subscribed parameter and some of another partner's. */
    const size_t n = 2000;
    for (size_t i = 0; i < n; i++) {
        int64_t ts = 100000 + (int64_t)i;
        assert_int_equal(ilrs_ground_server_publish(f->server, "ESA_HK.temperature", ts,
                                                    (double)(ts % 1000) / 10.0), 0);
        if (i % 10 == 0) {
            assert_int_equal(ilrs_ground_server_publish(f->server, "CNSA_HK.temperature", ts, 1.0), 0);
        }
    }
    bool done = false;
    double deadline = now_s() + 30.0;
    while (!done && !t->closed && now_s() < deadline) {
        lws_service(ctx, 20);
        done = t->received >= n;
    }
    assert_int_equal(t->received, n);
    assert_true(t->order_ok);
    assert_true(t->values_ok);
    assert_false(t->foreign);
    lws_context_destroy(ctx);
    free(t);

    ilrs_ground_server_stats_t s;
    ilrs_ground_server_get_stats(f->server, &s);
    assert_int_equal(s.ws_clients, 1);
    assert_int_equal(s.ws_samples, n);
    assert_int_equal(s.ws_dropped, 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(http_login_and_read, setup, teardown),
    cmocka_unit_test_setup_teardown(http_bad_inputs, setup, teardown),
    cmocka_unit_test_setup_teardown(http_websocket_realtime, setup, teardown),
};
ILRS_TEST_MAIN(tests)
