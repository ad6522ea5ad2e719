/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The authorization matrix of the API, through the socket-free router:
 * operator / partner / viewer × own / other partner's payload × telemetry,
 * objects, events, commands → 200/201 or 403, every 403 audited; plus the
 * router's answers to bad input (JSON, parameters, paths, methods, tokens, sizes)
 * and the counters.
 */
#include "ilrs_test.h"

#include <sys/stat.h>

#include <jansson.h>

#include "ground_server_fixture.h"

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    if (f == NULL || fixture_setup(f, NULL) != 0) {
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

typedef struct refused {
    int count;
    char resource[128];
    char reason[256];
} refused_t;

static int count_refused(void *ctx, const ilrs_ground_audit_t *a)
{
    refused_t *r = ctx;
    if (strcmp(a->action, "refused") == 0) {
        r->count++;
        snprintf(r->resource, sizeof r->resource, "%s", a->resource);
        snprintf(r->reason, sizeof r->reason, "%s", a->reason);
    }
    return 0;
}

static int refused_count(fixture_t *f, refused_t *last)
{
    refused_t r = {0};
    assert_int_equal(ilrs_ground_audit_list(f->users, 0, count_refused, &r), 0);
    if (last != NULL) {
        *last = r;
    }
    return r.count;
}

/* Expect @p status; a 403 must add exactly one audit record naming the owner. */
static void expect(fixture_t *f, const char *method, const char *path, const char *query, int who,
                   const char *body, int status)
{
    int before = refused_count(f, NULL);
    char *out = NULL;
    int got = fixture_call(f, method, path, query, who, body, &out);
    if (got != status) {
        fail_msg("%s %s as user %d: status %d, expected %d (%s)", method, path, who, got, status,
                 out != NULL ? out : "");
    }
    json_t *parsed = json_loads(out, 0, NULL);
    assert_non_null(parsed); /* every answer is JSON */
    if (status >= 400) {
        assert_non_null(json_string_value(json_object_get(parsed, "error")));
        assert_non_null(json_string_value(json_object_get(parsed, "message")));
    }
    json_decref(parsed);
    free(out);
    refused_t last;
    int after = refused_count(f, &last);
    assert_int_equal(after - before, status == 403 || status == 401 ? 1 : 0);
}

static void authz_telemetry_matrix(void **state)
{
    fixture_t *f = *state;
    const char *q = "start=0&end=10000";
    /* who, path, expected */
    struct {
        int who;
        const char *key;
        int status;
    } cases[] = {
        {FIX_OPERATOR, "/api/telemetry/ESA_HK.temperature", 200},
        {FIX_OPERATOR, "/api/telemetry/CNSA_HK.temperature", 200},
        {FIX_OPERATOR, "/api/telemetry/STATION_HK.temperature", 200},
        {FIX_ESA, "/api/telemetry/ESA_HK.temperature", 200},
        {FIX_ESA, "/api/telemetry/CNSA_HK.temperature", 403},
        {FIX_ESA, "/api/telemetry/STATION_HK.temperature", 403},
        {FIX_CNSA, "/api/telemetry/CNSA_HK.temperature", 200},
        {FIX_CNSA, "/api/telemetry/ESA_HK.temperature", 403},
        {FIX_VIEWER, "/api/telemetry/ESA_HK.temperature", 200},
        {FIX_VIEWER, "/api/telemetry/CNSA_HK.temperature", 200},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        expect(f, "GET", cases[i].key, q, cases[i].who, NULL, cases[i].status);
    }
    refused_t last;
    refused_count(f, &last);
    assert_string_equal(last.resource, "telemetry:ESA_HK.temperature");
    assert_non_null(strstr(last.reason, "esa"));
}

static void authz_objects_and_events_matrix(void **state)
{
    fixture_t *f = *state;
    expect(f, "GET", "/api/objects/ilrs/root-esa", NULL, FIX_ESA, NULL, 200);
    expect(f, "GET", "/api/objects/ilrs/root-cnsa", NULL, FIX_ESA, NULL, 403);
    expect(f, "GET", "/api/objects/ilrs/packet-CNSA_HK", NULL, FIX_ESA, NULL, 403);
    expect(f, "GET", "/api/objects/ilrs/CNSA_HK.heater", NULL, FIX_ESA, NULL, 403);
    expect(f, "GET", "/api/objects/ilrs/CNSA_HK.heater", NULL, FIX_VIEWER, NULL, 200);
    expect(f, "GET", "/api/objects/ilrs/root-station", NULL, FIX_OPERATOR, NULL, 200);
    expect(f, "GET", "/api/events", "owner=cnsa", FIX_ESA, NULL, 403);
    expect(f, "GET", "/api/events", "owner=esa", FIX_ESA, NULL, 200);
    expect(f, "GET", "/api/events", "owner=cnsa", FIX_VIEWER, NULL, 200);

    /* A partner's lists hold only its own items; the root list only its own root. */
    char *out = NULL;
    assert_int_equal(fixture_call(f, "GET", "/api/events", NULL, FIX_ESA, NULL, &out), 200);
    json_t *list = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "owner")), "esa");
    json_decref(list);
    free(out);
    assert_int_equal(fixture_call(f, "GET", "/api/objects", NULL, FIX_ESA, NULL, &out), 200);
    list = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);
    free(out);
    assert_int_equal(fixture_call(f, "GET", "/api/objects", NULL, FIX_VIEWER, NULL, &out), 200);
    list = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(list), 3);
    json_decref(list);
    free(out);
}

static void authz_command_matrix(void **state)
{
    fixture_t *f = *state;
    const char *esa = "{\"name\":\"SetEsaHeater\",\"args\":[\"ON\",21.5]}";
    const char *cnsa = "{\"name\":\"SetCnsaHeater\",\"args\":{\"mode\":\"AUTO\",\"setpoint\":0}}";
    const char *station = "{\"name\":\"SetStationHeater\",\"args\":[0,10]}";
    expect(f, "POST", "/api/commands", NULL, FIX_OPERATOR, esa, 201);
    expect(f, "POST", "/api/commands", NULL, FIX_OPERATOR, cnsa, 201);
    expect(f, "POST", "/api/commands", NULL, FIX_OPERATOR, station, 201);
    expect(f, "POST", "/api/commands", NULL, FIX_ESA, esa, 201);
    expect(f, "POST", "/api/commands", NULL, FIX_ESA, cnsa, 403);
    expect(f, "POST", "/api/commands", NULL, FIX_ESA, station, 403);
    expect(f, "POST", "/api/commands", NULL, FIX_CNSA, cnsa, 201);
    expect(f, "POST", "/api/commands", NULL, FIX_CNSA, esa, 403);
    expect(f, "POST", "/api/commands", NULL, FIX_VIEWER, esa, 403);
    expect(f, "POST", "/api/commands", NULL, FIX_VIEWER, station, 403);

    /* History: the operator sees 5 queued commands, esa its 2, cnsa its 2 (one from the
     * operator, one its own). */
    int expected[4] = {5, 2, 2, 5};
    for (int who = 0; who < 4; who++) {
        char *out = NULL;
        assert_int_equal(fixture_call(f, "GET", "/api/commands/history", NULL, who, NULL, &out), 200);
        json_t *list = json_loads(out, 0, NULL);
        assert_int_equal(json_array_size(list), expected[who]);
        json_t *first = json_array_get(list, 0);
        assert_string_equal(json_string_value(json_object_get(first, "state")), "queued");
        json_decref(list);
        free(out);
    }
    /* Every accepted command is audited. */
    refused_t r = {0};
    (void)r;
    ilrs_ground_server_stats_t s;
    ilrs_ground_server_get_stats(f->server, &s);
    assert_int_equal(s.commands, 5);
    assert_int_equal(s.forbidden, 5);
}

static void authz_command_validation(void **state)
{
    fixture_t *f = *state;
    char *out = NULL;
    /* Out of range (setpoint max 50), unknown label, wrong count, unknown command. */
    assert_int_equal(fixture_call(f, "POST", "/api/commands", NULL, FIX_ESA,
                                  "{\"name\":\"SetEsaHeater\",\"args\":[\"ON\",99]}", &out), 400);
    assert_non_null(strstr(out, "setpoint"));
    free(out);
    assert_int_equal(fixture_call(f, "POST", "/api/commands", NULL, FIX_ESA,
                                  "{\"name\":\"SetEsaHeater\",\"args\":[\"BOIL\",9]}", &out), 400);
    assert_non_null(strstr(out, "mode"));
    free(out);
    assert_int_equal(fixture_call(f, "POST", "/api/commands", NULL, FIX_ESA,
                                  "{\"name\":\"SetEsaHeater\",\"args\":[\"ON\"]}", &out), 400);
    free(out);
    assert_int_equal(fixture_call(f, "POST", "/api/commands", NULL, FIX_ESA,
                                  "{\"name\":\"SetEsaHeater\",\"args\":{\"mode\":\"ON\",\"x\":1}}", &out), 400);
    free(out);
    assert_int_equal(fixture_call(f, "POST", "/api/commands", NULL, FIX_ESA,
                                  "{\"name\":\"SetEsaHeater\",\"args\":[[1],2]}", &out), 400);
    free(out);
    assert_int_equal(fixture_call(f, "POST", "/api/commands", NULL, FIX_ESA,
                                  "{\"name\":\"NoSuchCommand\",\"args\":[]}", &out), 404);
    free(out);
    /* Nothing was queued. */
    assert_int_equal(fixture_call(f, "GET", "/api/commands/history", NULL, FIX_OPERATOR, NULL, &out), 200);
    assert_string_equal(out, "[]");
    free(out);
    /* The command list for the panel: esa sees only its command, with argument metadata. */
    assert_int_equal(fixture_call(f, "GET", "/api/commands", NULL, FIX_ESA, NULL, &out), 200);
    json_t *list = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(list), 1);
    json_t *args = json_object_get(json_array_get(list, 0), "args");
    assert_int_equal(json_array_size(args), 2);
    assert_int_equal(json_array_size(json_object_get(json_array_get(args, 0), "enumerations")), 3);
    assert_true(json_real_value(json_object_get(json_array_get(args, 1), "max")) == 50.0);
    json_decref(list);
    free(out);
}

static void authz_bad_requests(void **state)
{
    fixture_t *f = *state;
    expect(f, "GET", "/api/telemetry/ESA_HK.temperature", "start=0&end=10", -1, NULL, 401);
    expect(f, "GET", "/api/nothing", NULL, FIX_OPERATOR, NULL, 404);
    expect(f, "GET", "/api/telemetry/NOPE.x", "start=0&end=1", FIX_OPERATOR, NULL, 404);
    expect(f, "GET", "/api/telemetry/ESA_HK.temperature", "start=x&end=1", FIX_OPERATOR, NULL, 400);
    expect(f, "GET", "/api/telemetry/ESA_HK.temperature", "start=5&end=1", FIX_OPERATOR, NULL, 400);
    expect(f, "GET", "/api/telemetry/ESA_HK.temperature", "end=1", FIX_OPERATOR, NULL, 400);
    expect(f, "GET", "/api/telemetry/ESA_HK.temperature", "start=0&end=1&strategy=best", FIX_OPERATOR, NULL, 400);
    expect(f, "GET", "/api/telemetry/ESA_HK.temperature", "start=0&end=1&strategy=minmax", FIX_OPERATOR, NULL, 400);
    expect(f, "DELETE", "/api/commands", NULL, FIX_OPERATOR, NULL, 405);
    expect(f, "GET", "/api/login", NULL, -1, NULL, 405);
    expect(f, "", "/api/events", NULL, FIX_OPERATOR, NULL, 405); /* found by fuzz_http_api */
    expect(f, "POST", "/api/login", NULL, -1, "{not json", 400);
    expect(f, "POST", "/api/login", NULL, -1, "[1,2]", 400);
    expect(f, "POST", "/api/login", NULL, -1, "{\"user\":5,\"password\":\"x\"}", 400);
    expect(f, "POST", "/api/commands", NULL, FIX_OPERATOR, "", 400);
    expect(f, "GET", "/api/objects/other/root-esa", NULL, FIX_OPERATOR, NULL, 404);
    expect(f, "GET", "/api/audit", NULL, FIX_VIEWER, NULL, 403);
    expect(f, "GET", "/api/audit", NULL, FIX_OPERATOR, NULL, 200);

    /* A bad token and an ended session answer 401. */
    ilrs_ground_request_t req = {.method = "GET", .path = "/api/me", .authorization = "Bearer 00ff",
                                 .client = "t"};
    ilrs_ground_response_t resp;
    assert_int_equal(ilrs_ground_server_handle(f->server, &req, &resp), 0);
    assert_int_equal(resp.status, 401);
    ilrs_ground_response_fini(&resp);
    expect(f, "POST", "/api/logout", NULL, FIX_VIEWER, NULL, 200);
    expect(f, "GET", "/api/me", NULL, FIX_VIEWER, NULL, 401);

    /* Sizes: a body one octet over the limit, a path over the limit. */
    size_t big = ILRS_GROUND_HTTP_BODY_MAX + 1;
    char *body = malloc(big + 1);
    assert_non_null(body);
    memset(body, ' ', big);
    body[big] = '\0';
    expect(f, "POST", "/api/login", NULL, -1, body, 413);
    free(body);
    char path[ILRS_GROUND_HTTP_PATH_MAX + 40];
    memset(path, 'a', sizeof path - 1);
    memcpy(path, "/api/telemetry/", 15);
    path[sizeof path - 1] = '\0';
    expect(f, "GET", path, NULL, FIX_OPERATOR, NULL, 414);

    /* Login: good, wrong, then JSON answers with the role. */
    char *out = NULL;
    assert_int_equal(fixture_call(f, "POST", "/api/login", NULL, -1,
                                  "{\"user\":\"erik\",\"password\":\"" FIX_PASSWORD "\"}", &out), 200);
    json_t *j = json_loads(out, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "role")), "partner");
    assert_string_equal(json_string_value(json_object_get(j, "partner")), "esa");
    assert_int_equal(strlen(json_string_value(json_object_get(j, "token"))), ILRS_GROUND_TOKEN_LEN);
    json_decref(j);
    free(out);
    assert_int_equal(fixture_call(f, "POST", "/api/login", NULL, -1,
                                  "{\"user\":\"erik\",\"password\":\"nope nope\"}", &out), 401);
    free(out);

    ilrs_ground_server_stats_t s;
    ilrs_ground_server_get_stats(f->server, &s);
    assert_int_equal(s.unknown_path, 3);
    assert_int_equal(s.oversize, 2);
    assert_int_equal(s.unauthorized, 4);
    assert_int_equal(s.bad_json, 9);
    assert_int_equal(s.forbidden, 1);
}

static void authz_telemetry_values(void **state)
{
    fixture_t *f = *state;
    char *out = NULL;
    /* Samples at 1000..5000 ms, value 20 + t/1000 + 1 for ESA. */
    assert_int_equal(fixture_call(f, "GET", "/api/telemetry/ESA_HK.temperature",
                                  "start=2000&end=4000", FIX_ESA, NULL, &out), 200);
    json_t *list = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(list), 3);
    for (size_t i = 0; i < 3; i++) {
        json_t *p = json_array_get(list, i);
        assert_int_equal(json_integer_value(json_object_get(p, "timestamp")), 2000 + 1000 * (int)i);
        assert_true(json_number_value(json_object_get(p, "value")) == 21.0 + 2 + (double)i);
    }
    json_decref(list);
    free(out);
    assert_int_equal(fixture_call(f, "GET", "/api/telemetry/ESA_HK.temperature",
                                  "start=0&end=10000&strategy=latest", FIX_ESA, NULL, &out), 200);
    list = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(list), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "timestamp")), 5000);
    json_decref(list);
    free(out);
    /* Two buckets of 2000.5 ms over [1000, 5000]: 1000..3000 and 4000..5000. */
    assert_int_equal(fixture_call(f, "GET", "/api/telemetry/ESA_HK.temperature",
                                  "start=1000&end=5000&strategy=minmax&size=2", FIX_ESA, NULL, &out), 200);
    list = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(list), 2);
    assert_true(json_number_value(json_object_get(json_array_get(list, 0), "min")) == 22.0);
    assert_true(json_number_value(json_object_get(json_array_get(list, 0), "max")) == 24.0);
    assert_true(json_number_value(json_object_get(json_array_get(list, 1), "min")) == 25.0);
    assert_true(json_number_value(json_object_get(json_array_get(list, 1), "max")) == 26.0);
    json_decref(list);
    free(out);
    /* The point object carries units, limits and enumerations from the dictionary. */
    assert_int_equal(fixture_call(f, "GET", "/api/objects/ilrs/ESA_HK.temperature", NULL, FIX_ESA, NULL, &out), 200);
    json_t *obj = json_loads(out, 0, NULL);
    json_t *range = json_array_get(json_object_get(json_object_get(obj, "telemetry"), "values"), 1);
    assert_string_equal(json_string_value(json_object_get(range, "unit")), "degC");
    assert_true(json_number_value(json_object_get(json_object_get(obj, "limits"), "warn_high")) == 40.0);
    json_decref(obj);
    free(out);
    assert_int_equal(fixture_call(f, "GET", "/api/objects/ilrs/ESA_HK.heater", NULL, FIX_ESA, NULL, &out), 200);
    obj = json_loads(out, 0, NULL);
    range = json_array_get(json_object_get(json_object_get(obj, "telemetry"), "values"), 1);
    assert_int_equal(json_array_size(json_object_get(range, "enumerations")), 3);
    json_decref(obj);
    free(out);
}

/* The history's number formatting (with its cache of formatted values) must give
 * back every double exactly, including values that share cache slots. */
static void authz_history_numbers_exact(void **state)
{
    fixture_t *f = *state;
    const int n = 20000;
    double *values = malloc((size_t)n * sizeof *values);
    assert_non_null(values);
    for (int i = 0; i < n; i++) {
        /* Distinct values, repeats, negatives, tiny and huge magnitudes. */
        values[i] = (i % 3 == 0) ? 0.1 * (i % 97) : (i % 3 == 1) ? -1.0 / (i + 1) : (double)i * 1e300 / n;
        assert_int_equal(ilrs_ground_memsource_add_sample(f->mem, "STATION_HK.heater", 100000 + i,
                                                          values[i]), 0);
    }
    char *out = NULL;
    assert_int_equal(fixture_call(f, "GET", "/api/telemetry/STATION_HK.heater",
                                  "start=100000&end=200000", FIX_OPERATOR, NULL, &out), 200);
    json_t *list = json_loads(out, JSON_DECODE_INT_AS_REAL, NULL);
    assert_int_equal(json_array_size(list), n);
    for (int i = 0; i < n; i++) {
        double v = json_real_value(json_object_get(json_array_get(list, (size_t)i), "value"));
        if (v != values[i]) {
            fail_msg("sample %d: %.17g came back as %.17g", i, values[i], v);
        }
    }
    json_decref(list);
    free(out);
    free(values);
}

/* ---- data products ---------------------------------------------------------------- */

typedef struct files_fx {
    fixture_t f;
    char dir[64];
} files_fx_t;

static const char esa_csv[] = "time_utc,time_ms,temperature,heater\n"
                              "2026-01-01T00:00:00.000Z,1767225600000,21.5,1\n";
static const char cnsa_csv[] = "time_utc,time_ms,temperature,heater\n"
                               "2026-01-01T00:00:00.000Z,1767225600000,-3.25,0\n";

static void put_product(files_fx_t *x, const char *partner, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", x->dir, partner);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/%s/%s", x->dir, partner, name);
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(text, 1, strlen(text), out), strlen(text));
    fclose(out);
    ilrs_ground_file_t e = {.partner = partner, .name = name, .payload = "HK",
                            .size = (int64_t)strlen(text), .sha256 = "00",
                            .start_ms = 1767225600000, .end_ms = 1767225600000,
                            .created_ms = 1767311999999};
    assert_int_equal(ilrs_ground_memsource_add_file(x->f.mem, &e), 0);
}

static int files_setup(void **state)
{
    files_fx_t *x = calloc(1, sizeof *x);
    if (x == NULL) {
        return -1;
    }
    snprintf(x->dir, sizeof x->dir, "/tmp/ilrs_files_XXXXXX");
    if (mkdtemp(x->dir) == NULL) {
        free(x);
        return -1;
    }
    ilrs_ground_server_options_t o = {.files_dir = x->dir};
    if (fixture_setup(&x->f, &o) != 0) {
        return -1;
    }
    put_product(x, "esa", "ESA_HK_2026-01-01.csv", esa_csv);
    put_product(x, "cnsa", "CNSA_HK_2026-01-01.csv", cnsa_csv);
    *state = x;
    return 0;
}

static int files_teardown(void **state)
{
    files_fx_t *x = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", x->dir);
    int rc = system(cmd);
    fixture_teardown(&x->f);
    free(x);
    return rc == 0 ? 0 : -1;
}

static int file_get(fixture_t *f, const char *path, int who, ilrs_ground_response_t *resp)
{
    char auth[ILRS_GROUND_TOKEN_LEN + 16];
    snprintf(auth, sizeof auth, "Bearer %s", f->tokens[who]);
    ilrs_ground_request_t req = {.method = "GET", .path = path, .authorization = auth,
                                 .client = "test"};
    assert_int_equal(ilrs_ground_server_handle(f->server, &req, resp), 0);
    return resp->status;
}

/* GET /api/files lists what the caller may read: all for operators and viewers,
 * its own for a partner. */
static void authz_files_list(void **state)
{
    files_fx_t *x = *state;
    const struct {
        int who;
        size_t n;
        const char *first;
    } cases[] = {{FIX_OPERATOR, 2, "esa"}, {FIX_VIEWER, 2, "esa"}, {FIX_ESA, 1, "esa"},
                 {FIX_CNSA, 1, "cnsa"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL;
        assert_int_equal(fixture_call(&x->f, "GET", "/api/files", NULL, cases[i].who, NULL, &out),
                         200);
        json_t *list = json_loads(out, 0, NULL);
        assert_non_null(list);
        assert_int_equal(json_array_size(list), cases[i].n);
        json_t *first = json_array_get(list, 0);
        assert_string_equal(json_string_value(json_object_get(first, "partner")), cases[i].first);
        char url[128];
        snprintf(url, sizeof url, "/api/files/%s/%s", cases[i].first,
                 json_string_value(json_object_get(first, "name")));
        assert_string_equal(json_string_value(json_object_get(first, "url")), url);
        json_decref(list);
        free(out);
    }
    assert_int_equal(fixture_call(&x->f, "GET", "/api/files", NULL, -1, NULL, NULL), 401);
}

/* A partner downloads its own products (content, type, name); another partner's
 * is refused with 403 and an audit record; operators and viewers read all. */
static void authz_files_download(void **state)
{
    files_fx_t *x = *state;
    fixture_t *f = &x->f;
    ilrs_ground_response_t r;
    assert_int_equal(file_get(f, "/api/files/esa/ESA_HK_2026-01-01.csv", FIX_ESA, &r), 200);
    assert_int_equal(r.body_len, strlen(esa_csv));
    assert_memory_equal(r.body, esa_csv, r.body_len);
    assert_string_equal(r.content_type, "text/csv; charset=utf-8");
    assert_string_equal(r.filename, "ESA_HK_2026-01-01.csv");
    ilrs_ground_response_fini(&r);

    int before = refused_count(f, NULL);
    assert_int_equal(file_get(f, "/api/files/cnsa/CNSA_HK_2026-01-01.csv", FIX_ESA, &r), 403);
    assert_null(r.content_type);
    assert_null(strstr(r.body, "-3.25")); /* refused, not leaked */
    ilrs_ground_response_fini(&r);
    refused_t last;
    assert_int_equal(refused_count(f, &last), before + 1);
    assert_string_equal(last.resource, "file:cnsa/CNSA_HK_2026-01-01.csv");
    /* also for a name that does not exist: refusal does not reveal the catalog */
    assert_int_equal(file_get(f, "/api/files/cnsa/NOPE.csv", FIX_ESA, &r), 403);
    ilrs_ground_response_fini(&r);

    assert_int_equal(file_get(f, "/api/files/cnsa/CNSA_HK_2026-01-01.csv", FIX_OPERATOR, &r),
                     200);
    assert_memory_equal(r.body, cnsa_csv, r.body_len);
    ilrs_ground_response_fini(&r);
    assert_int_equal(file_get(f, "/api/files/cnsa/CNSA_HK_2026-01-01.csv", FIX_VIEWER, &r), 200);
    ilrs_ground_response_fini(&r);
    assert_int_equal(file_get(f, "/api/files/esa/ESA_HK_2026-01-02.csv", FIX_ESA, &r), 404);
    ilrs_ground_response_fini(&r);
    assert_int_equal(file_get(f, "/api/files/nasa/X.csv", FIX_OPERATOR, &r), 404);
    ilrs_ground_response_fini(&r);
    ilrs_ground_server_stats_t st;
    ilrs_ground_server_get_stats(f->server, &st);
    assert_int_equal(st.files_sent, 3);
    assert_int_equal(st.bad_file_name, 0);
}

/* Path names: traversal, slashes, hidden names, control octets, '%' and over-long
 * names are 400 with a sentence, counted, never audited as refusals. */
static void authz_files_bad_names(void **state)
{
    files_fx_t *x = *state;
    fixture_t *f = &x->f;
    char longname[300];
    snprintf(longname, sizeof longname, "/api/files/esa/%0200d.csv", 0);
    const char *bad[] = {
        "/api/files/esa/../cnsa/CNSA_HK_2026-01-01.csv",
        "/api/files/esa/..",
        "/api/files/esa",
        "/api/files/esa/",
        "/api/files//ESA_HK_2026-01-01.csv",
        "/api/files/esa/sub/ESA_HK_2026-01-01.csv",
        "/api/files/esa/.ESA_HK_2026-01-01.csv.tmp",
        "/api/files/esa/ESA_HK..csv",
        "/api/files/esa/%2e%2e%2fcnsa",
        "/api/files/esa/a\x01.csv",
        "/api/files/../../etc/passwd",
        longname,
    };
    int before = refused_count(f, NULL);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ilrs_ground_response_t r;
        int status = file_get(f, bad[i], FIX_OPERATOR, &r);
        if (status != 400) {
            fail_msg("%s: status %d, expected 400 (%s)", bad[i], status, r.body);
        }
        json_t *j = json_loads(r.body, 0, NULL);
        assert_non_null(j);
        assert_non_null(strstr(json_string_value(json_object_get(j, "message")), "file path"));
        json_decref(j);
        ilrs_ground_response_fini(&r);
    }
    assert_int_equal(refused_count(f, NULL), before);
    ilrs_ground_server_stats_t st;
    ilrs_ground_server_get_stats(f->server, &st);
    assert_int_equal(st.bad_file_name, sizeof bad / sizeof bad[0]);
    assert_true(ilrs_ground_file_name_valid("LMS_HK_2026-01-01.csv", 21));
    assert_false(ilrs_ground_file_name_valid("a\0b", 3));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(authz_history_numbers_exact, setup, teardown),
    cmocka_unit_test_setup_teardown(authz_telemetry_matrix, setup, teardown),
    cmocka_unit_test_setup_teardown(authz_objects_and_events_matrix, setup, teardown),
    cmocka_unit_test_setup_teardown(authz_command_matrix, setup, teardown),
    cmocka_unit_test_setup_teardown(authz_command_validation, setup, teardown),
    cmocka_unit_test_setup_teardown(authz_bad_requests, setup, teardown),
    cmocka_unit_test_setup_teardown(authz_telemetry_values, setup, teardown),
    cmocka_unit_test_setup_teardown(authz_files_list, files_setup, files_teardown),
    cmocka_unit_test_setup_teardown(authz_files_download, files_setup, files_teardown),
    cmocka_unit_test_setup_teardown(authz_files_bad_names, files_setup, files_teardown),
};
ILRS_TEST_MAIN(tests)
