/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Live data products (`ilrs ground`, ilrs_ground_files_produce): packets archived
 * across two UTC days through one archive connection, products written through a
 * second one (as the live ground does). Checked: nothing before the first day is
 * complete (data time past midnight plus the settle margin), then exactly that
 * day's product per partner with one row per packet, in the catalog and through
 * the API, a partner refused another's; written once; packets of a finished day
 * arriving later re-issued as _v2 (the first version unchanged), also after a
 * restart of the producer. Every case runs on SQLite (a file: two connections in WAL
 * mode) and on PostgreSQL (a throwaway server, tests/ground/pg_fixture.h; skipped
 * with a message when the server binaries are absent).
 * Reference: 2026-01-01T00:00:00Z is Unix 1767225600 s (POSIX).
 */
#include "ilrs_test.h"

#include <inttypes.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include <ilrs/ccsds.h>
#include <ilrs/ground.h>
#include <ilrs/twin.h>

#include "ground/pg_fixture.h"
#include "ground_server_fixture.h"

#define DAY1_UNIX_MS INT64_C(1767225600000) /* 2026-01-01T00:00:00Z */
#define MIN_NS       (INT64_C(60) * ILRS_NS_PER_S)
#define HOUR_NS      (60 * MIN_NS)
#define N_EVENING    12 /* packets per partner on day 1, 22:00 .. 23:50 every 10 min */

typedef struct lfx {
    fixture_t f;
    char dir[64];
    char files[128];
    ilrs_ground_archive_t *ingest;  /* the ground's ingest connection (server reads it) */
    ilrs_ground_archive_t *product; /* the producer's own connection */
    ilrs_ground_source_t source;
    ilrs_ground_files_producer_t *producer;
    ilrs_tai_t day1; /* 2026-01-01T00:00:00Z */
    bool skip;
} lfx_t;

static pg_server_t pg;
static int pg_state; /* 0 not tried, 1 running, 2 absent, 3 failed */
static char pg_why[256];

static void pg_stop_at_exit(void)
{
    pg_server_stop(&pg);
}

static int setup_url(void **state, bool postgres)
{
    static const char *const names[4] = {"olga", "erik", "chen", "vera"};
    lfx_t *x = calloc(1, sizeof *x);
    if (x == NULL) {
        return -1;
    }
    *state = x;
    snprintf(x->dir, sizeof x->dir, "/tmp/ilrs_live_files_XXXXXX");
    if (mkdtemp(x->dir) == NULL) {
        return -1;
    }
    char url[512];
    snprintf(url, sizeof url, "sqlite:%s/archive.sqlite", x->dir);
    if (postgres) {
        if (pg_state == 0) {
            int rc = pg_server_start(&pg, pg_why, sizeof pg_why);
            pg_state = rc == 0 ? 1 : rc == 1 ? 2 : 3;
            atexit(pg_stop_at_exit);
        }
        if (pg_state == 2) {
            x->skip = true;
            return 0;
        }
        if (pg_state != 1 || pg_server_create_db(&pg, url, sizeof url) != 0) {
            print_error("PostgreSQL test server: %s\n", pg_why);
            return -1;
        }
    }
    snprintf(x->files, sizeof x->files, "%s/files", x->dir);
    ilrs_ground_server_options_t o = {.files_dir = x->files};
    int rc = fixture_dict(&x->f.dict);
    if (rc == 0) rc = fixture_users(&x->f.users);
    if (rc == 0) rc = ilrs_ground_archive_open(url, NULL, &x->ingest);
    if (rc == 0) rc = ilrs_ground_archive_open(url, NULL, &x->product);
    if (rc == 0) rc = ilrs_ground_archive_source_create(x->ingest, x->f.dict, &x->source);
    if (rc == 0) rc = ilrs_ground_server_create(&o, x->f.dict, x->f.users, &x->source, &x->f.server);
    for (int i = 0; i < 4 && rc == 0; i++) {
        rc = ilrs_ground_login(x->f.users, names[i], FIX_PASSWORD, "test", ilrs_ground_now_ms(),
                               x->f.tokens[i], NULL, NULL);
    }
    if (rc == 0) rc = ilrs_ground_files_producer_create(x->f.dict, x->files, NULL, &x->producer);
    if (rc == 0) rc = ilrs_ephem_parse_utc("2026-01-01T00:00:00Z", &x->day1);
    if (rc == 0 && sodium_init() < 0) rc = -1;
    return rc == 0 ? 0 : -1;
}

static int setup(void **state)
{
    return setup_url(state, false);
}

static int setup_pg(void **state)
{
    return setup_url(state, true);
}

static lfx_t *get(void **state)
{
    lfx_t *x = *state;
    if (x->skip) {
        print_message("skipped: PostgreSQL server binaries absent (%s)\n", pg_why);
        skip();
    }
    return x;
}

static int teardown(void **state)
{
    lfx_t *x = *state;
    if (x == NULL) {
        return 0;
    }
    ilrs_ground_files_producer_destroy(x->producer);
    ilrs_ground_server_destroy(x->f.server);
    x->f.server = NULL;
    ilrs_ground_archive_source_destroy(&x->source);
    int rc = (x->product != NULL ? ilrs_ground_archive_close(x->product) : 0) |
             (x->ingest != NULL ? ilrs_ground_archive_close(x->ingest) : 0);
    fixture_teardown(&x->f);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", x->dir);
    rc |= system(cmd);
    free(x);
    return rc == 0 ? 0 : -1;
}

/* Temperature of a packet: a function of its time, so each row can be checked. */
static double temperature_at(ilrs_tai_t t, int partner)
{
    return (double)((t / MIN_NS) % 1000) * 0.25 + partner;
}

static void ingest(lfx_t *x, const char *packet, ilrs_tai_t t)
{
    const ilrs_dict_packet_t *def = ilrs_dict_find_packet_by_name(x->f.dict, packet);
    assert_non_null(def);
    uint8_t pkt[256];
    memset(pkt, 0, sizeof pkt);
    assert_int_equal(ilrs_ccsds_tlm_init(pkt, sizeof pkt, def->apid, def->length, t), 0);
    double temp = temperature_at(t, strcmp(def->owner, "cnsa") == 0 ? 100 : 0);
    assert_int_equal(ilrs_dict_set_raw(ilrs_dict_find_field(def, "temperature"), pkt, def->length,
                                       temp), 0);
    assert_int_equal(ilrs_dict_set_raw(ilrs_dict_find_field(def, "heater"), pkt, def->length, 2), 0);
    assert_int_equal(ilrs_ground_archive_ingest(x->ingest, x->f.dict, pkt, def->length, t), 0);
}

/* Both partners' packets and the station's housekeeping at time t. */
static void ingest_all(lfx_t *x, ilrs_tai_t t)
{
    ingest(x, "ESA_HK", t);
    ingest(x, "CNSA_HK", t);
    ingest(x, "STATION_HK", t);
}

static size_t produce(lfx_t *x, bool recheck, ilrs_ground_files_report_t *r)
{
    assert_int_equal(ilrs_ground_archive_flush(x->ingest), 0); /* as the link does each second */
    assert_int_equal(ilrs_ground_files_produce(x->producer, x->product, recheck, r), 0);
    return r->written + r->reissued;
}

typedef struct catalog {
    int n;
    char name[8][96];
    char partner[8][16];
    char sha[8][65];
    int64_t size[8];
} catalog_t;

static int collect(void *user, const ilrs_ground_file_t *f)
{
    catalog_t *c = user;
    assert_true(c->n < 8);
    snprintf(c->name[c->n], sizeof c->name[0], "%s", f->name);
    snprintf(c->partner[c->n], sizeof c->partner[0], "%s", f->partner);
    snprintf(c->sha[c->n], sizeof c->sha[0], "%s", f->sha256);
    c->size[c->n] = f->size;
    c->n++;
    return 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *in = fopen(path, "rb");
    assert_non_null(in);
    char *buf = malloc(1 << 16);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 16) - 1, in);
    buf[*len] = '\0';
    fclose(in);
    return buf;
}

/* Check a product's rows: ascending times @p times (ns, n of them) with the values
 * ingest() put there; the header first. */
static void check_rows(lfx_t *x, const char *partner, const char *name, const ilrs_tai_t *times,
                       int n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s/%s", x->files, partner, name);
    size_t len = 0;
    char *text = slurp(path, &len);
    const char *header = "time_utc,time_ms,temperature,heater\n";
    assert_true(strncmp(text, header, strlen(header)) == 0);
    char *line = text + strlen(header);
    int rows = 0;
    while (*line != '\0') {
        char *eol = strchr(line, '\n');
        assert_non_null(eol);
        *eol = '\0';
        assert_true(rows < n);
        int64_t unix_ms = DAY1_UNIX_MS + (times[rows] - x->day1) / 1000000;
        char want[160];
        double temp = temperature_at(times[rows], strcmp(partner, "cnsa") == 0 ? 100 : 0);
        /* f32 values here are multiples of 0.25 below 400: exact, shortest digits */
        char date[32];
        time_t secs = (time_t)(unix_ms / 1000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(want, sizeof want, "%s.000Z,%" PRId64 ",%.17g,2", date, unix_ms, temp);
        assert_string_equal(line, want);
        rows++;
        line = eol + 1;
    }
    assert_int_equal(rows, n);
    free(text);
}

static char *sha_of(lfx_t *x, const char *partner, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s/%s", x->files, partner, name);
    size_t len = 0;
    char *text = slurp(path, &len);
    unsigned char digest[crypto_hash_sha256_BYTES];
    char *hex = malloc(2 * crypto_hash_sha256_BYTES + 1);
    assert_non_null(hex);
    crypto_hash_sha256(digest, (const unsigned char *)text, len);
    sodium_bin2hex(hex, 2 * crypto_hash_sha256_BYTES + 1, digest, sizeof digest);
    free(text);
    return hex;
}

static int api_get(lfx_t *x, const char *path, int who, char **body, size_t *len)
{
    char auth[ILRS_GROUND_TOKEN_LEN + 16];
    snprintf(auth, sizeof auth, "Bearer %s", x->f.tokens[who]);
    ilrs_ground_request_t req = {.method = "GET", .path = path, .authorization = auth,
                                 .client = "test"};
    ilrs_ground_response_t resp;
    assert_int_equal(ilrs_ground_server_handle(x->f.server, &req, &resp), 0);
    int status = resp.status;
    if (body != NULL) {
        *body = resp.body;
        *len = resp.body_len;
        resp.body = NULL;
    }
    ilrs_ground_response_fini(&resp);
    return status;
}

/* Names the API lists for @p who, joined by spaces. */
static void api_list(lfx_t *x, int who, char *out, size_t cap)
{
    char *body = NULL;
    size_t len = 0;
    assert_int_equal(api_get(x, "/api/files", who, &body, &len), 200);
    json_t *list = json_loads(body, 0, NULL);
    assert_non_null(list);
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *e = json_array_get(list, i);
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "%s%s/%s", i > 0 ? " " : "",
                 json_string_value(json_object_get(e, "partner")),
                 json_string_value(json_object_get(e, "name")));
    }
    json_decref(list);
    free(body);
}

/* Day 1 evening: 22:00..23:50 every 10 min; returns the times. */
static void evening(lfx_t *x, ilrs_tai_t *times)
{
    for (int i = 0; i < N_EVENING; i++) {
        times[i] = x->day1 + 22 * HOUR_NS + i * 10 * MIN_NS;
        ingest_all(x, times[i]);
    }
}

/* Day 2 up to 01:00 (the settle margin after midnight): day 1 is then complete. */
static void past_settle(lfx_t *x)
{
    ilrs_tai_t day2 = x->day1 + 24 * HOUR_NS;
    for (int i = 0; i < 6; i++) {
        ingest_all(x, day2 + i * 10 * MIN_NS);
    }
    ingest(x, "STATION_HK", day2 + HOUR_NS);
}

/* Nothing until day 1 is complete, then day 1 only, once, with the right rows,
 * in the catalog and through the API, each partner only its own. */
static void live_files_day_complete(void **state)
{
    lfx_t *x = get(state);
    ilrs_ground_files_report_t r;
    ilrs_tai_t times[N_EVENING];
    evening(x, times);
    assert_int_equal(produce(x, true, &r), 0);
    assert_int_equal(r.watermark_ms, ilrs_ground_time_ms(times[N_EVENING - 1]));
    /* day 2, 00:00..00:50, and the station just before 01:00 (packet times are CUC with
     * 2^-16 s resolution, so ~00:59:59.998 in archive ms): day 1 not complete yet */
    ilrs_tai_t day2 = x->day1 + 24 * HOUR_NS;
    for (int i = 0; i < 6; i++) {
        ingest_all(x, day2 + i * 10 * MIN_NS);
    }
    ingest(x, "STATION_HK", day2 + HOUR_NS - 1000000);
    assert_int_equal(produce(x, true, &r), 0);
    assert_int_equal(r.last_complete_day_ms, DAY1_UNIX_MS - 86400000);
    catalog_t c = {0};
    assert_int_equal(ilrs_ground_archive_files(x->product, NULL, NULL, collect, &c), 0);
    assert_int_equal(c.n, 0);
    /* 01:00:00.000: the settle margin has passed */
    ingest(x, "STATION_HK", day2 + HOUR_NS);
    assert_int_equal(produce(x, false, &r), 2);
    assert_int_equal(r.written, 2);
    assert_int_equal(r.last_complete_day_ms, DAY1_UNIX_MS);
    /* the ingest connection (which the server reads) sees the catalog */
    assert_int_equal(ilrs_ground_archive_files(x->ingest, NULL, NULL, collect, &c), 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.partner[0], "cnsa");
    assert_string_equal(c.name[0], "CNSA_HK_2026-01-01.csv");
    assert_string_equal(c.partner[1], "esa");
    assert_string_equal(c.name[1], "ESA_HK_2026-01-01.csv");
    check_rows(x, "esa", "ESA_HK_2026-01-01.csv", times, N_EVENING);
    check_rows(x, "cnsa", "CNSA_HK_2026-01-01.csv", times, N_EVENING);
    for (int i = 0; i < 2; i++) {
        char *sha = sha_of(x, c.partner[i], c.name[i]);
        assert_string_equal(sha, c.sha[i]);
        free(sha);
    }
    struct stat sb;
    char path[256];
    snprintf(path, sizeof path, "%s/esa/ESA_HK_2026-01-02.csv", x->files);
    assert_int_not_equal(stat(path, &sb), 0); /* day 2 is not complete */
    snprintf(path, sizeof path, "%s/station", x->files);
    assert_int_not_equal(stat(path, &sb), 0); /* no products for the station */
    /* written once: later passes change nothing */
    assert_int_equal(produce(x, true, &r), 0);
    assert_int_equal(produce(x, false, &r), 0);
    /* through the API */
    char names[512];
    api_list(x, FIX_ESA, names, sizeof names);
    assert_string_equal(names, "esa/ESA_HK_2026-01-01.csv");
    api_list(x, FIX_CNSA, names, sizeof names);
    assert_string_equal(names, "cnsa/CNSA_HK_2026-01-01.csv");
    api_list(x, FIX_OPERATOR, names, sizeof names);
    assert_string_equal(names, "cnsa/CNSA_HK_2026-01-01.csv esa/ESA_HK_2026-01-01.csv");
    char *body = NULL;
    size_t len = 0;
    assert_int_equal(api_get(x, "/api/files/esa/ESA_HK_2026-01-01.csv", FIX_ESA, &body, &len),
                     200);
    assert_int_equal((int64_t)len, c.size[1]);
    snprintf(path, sizeof path, "%s/esa/ESA_HK_2026-01-01.csv", x->files);
    size_t flen = 0;
    char *file = slurp(path, &flen);
    assert_int_equal(flen, len);
    assert_memory_equal(file, body, len);
    free(file);
    free(body);
    assert_int_equal(api_get(x, "/api/files/cnsa/CNSA_HK_2026-01-01.csv", FIX_ESA, NULL, NULL),
                     403);
    assert_int_equal(api_get(x, "/api/files/esa/ESA_HK_2026-01-01.csv", FIX_CNSA, NULL, NULL),
                     403);
    assert_int_equal(api_get(x, "/api/files/esa/ESA_HK_2026-01-02.csv", FIX_ESA, NULL, NULL), 404);
    assert_int_equal(api_get(x, "/api/files/cnsa/CNSA_HK_2026-01-01.csv", FIX_VIEWER, NULL, NULL),
                     200);
}

/* A packet of day 1 played back after day 1's product: found by a re-check and
 * re-issued as _v2 with every row; _v1 stays as it was; a restarted producer
 * continues (no rewrite, next late packet gives _v3). */
static void live_files_late_packet_reissued(void **state)
{
    lfx_t *x = get(state);
    ilrs_ground_files_report_t r;
    ilrs_tai_t times[N_EVENING + 2];
    evening(x, times + 1);
    past_settle(x);
    assert_int_equal(produce(x, false, &r), 2);
    catalog_t before = {0};
    assert_int_equal(ilrs_ground_archive_files(x->product, "esa", NULL, collect, &before), 0);
    assert_int_equal(before.n, 1);
    /* playback: ESA's packet of day 1, 12:00, arrives after the product */
    times[0] = x->day1 + 12 * HOUR_NS;
    ingest(x, "ESA_HK", times[0]);
    assert_int_equal(produce(x, false, &r), 0); /* no re-check: nothing yet */
    assert_int_equal(produce(x, true, &r), 1);
    assert_int_equal(r.reissued, 1);
    assert_int_equal(r.late_rows, 1);
    catalog_t esa = {0}, cnsa = {0};
    assert_int_equal(ilrs_ground_archive_files(x->ingest, "esa", NULL, collect, &esa), 0);
    assert_int_equal(esa.n, 2);
    assert_string_equal(esa.name[0], "ESA_HK_2026-01-01.csv");
    assert_string_equal(esa.name[1], "ESA_HK_2026-01-01_v2.csv");
    assert_string_equal(esa.sha[0], before.sha[0]); /* the first version is unchanged */
    char *sha = sha_of(x, "esa", "ESA_HK_2026-01-01.csv");
    assert_string_equal(sha, before.sha[0]);
    free(sha);
    check_rows(x, "esa", "ESA_HK_2026-01-01.csv", times + 1, N_EVENING);
    check_rows(x, "esa", "ESA_HK_2026-01-01_v2.csv", times, N_EVENING + 1);
    assert_int_equal(ilrs_ground_archive_files(x->ingest, "cnsa", NULL, collect, &cnsa), 0);
    assert_int_equal(cnsa.n, 1); /* nothing late for CNSA */
    char names[512];
    api_list(x, FIX_ESA, names, sizeof names);
    assert_string_equal(names, "esa/ESA_HK_2026-01-01.csv esa/ESA_HK_2026-01-01_v2.csv");
    assert_int_equal(api_get(x, "/api/files/esa/ESA_HK_2026-01-01_v2.csv", FIX_ESA, NULL, NULL),
                     200);
    assert_int_equal(api_get(x, "/api/files/esa/ESA_HK_2026-01-01_v2.csv", FIX_CNSA, NULL, NULL),
                     403);
    /* a restarted ground: state from the catalog and the files, nothing rewritten */
    ilrs_ground_files_producer_destroy(x->producer);
    x->producer = NULL;
    assert_int_equal(ilrs_ground_files_producer_create(x->f.dict, x->files, NULL, &x->producer),
                     0);
    assert_int_equal(produce(x, true, &r), 0);
    times[N_EVENING + 1] = x->day1 + 23 * HOUR_NS + 55 * MIN_NS;
    ingest(x, "ESA_HK", times[N_EVENING + 1]);
    assert_int_equal(produce(x, true, &r), 1);
    assert_int_equal(r.reissued, 1);
    catalog_t again = {0};
    assert_int_equal(ilrs_ground_archive_files(x->ingest, "esa", NULL, collect, &again), 0);
    assert_int_equal(again.n, 3);
    assert_string_equal(again.name[2], "ESA_HK_2026-01-01_v3.csv");
    assert_string_equal(again.sha[1], esa.sha[1]);
    check_rows(x, "esa", "ESA_HK_2026-01-01_v3.csv", times, N_EVENING + 2);
}

/* The settle margin and window are options; bad ones are refused. */
static void live_files_options(void **state)
{
    lfx_t *x = get(state);
    ilrs_ground_files_producer_t *p = NULL;
    ilrs_ground_files_options_t bad = {.settle_ms = -1};
    assert_int_equal(ilrs_ground_files_producer_create(x->f.dict, x->files, &bad, &p),
                     ILRS_EINVAL);
    assert_null(p);
    assert_int_equal(ilrs_ground_files_producer_create(NULL, x->files, NULL, &p), ILRS_EINVAL);
    assert_int_equal(ilrs_ground_files_producer_create(x->f.dict, "", NULL, &p), ILRS_EINVAL);
    assert_int_equal(ilrs_ground_files_produce(NULL, x->product, false, NULL), ILRS_EINVAL);
    /* a 10 min margin: day 1 is complete at 00:10 of day 2 */
    ilrs_ground_files_options_t o = {.settle_ms = 10 * 60 * 1000, .days = 2};
    assert_int_equal(ilrs_ground_files_producer_create(x->f.dict, x->files, &o, &p), 0);
    ilrs_tai_t times[N_EVENING];
    evening(x, times);
    ilrs_tai_t day2 = x->day1 + 24 * HOUR_NS;
    ingest(x, "STATION_HK", day2 + 10 * MIN_NS - 1000000);
    ilrs_ground_files_report_t r;
    assert_int_equal(ilrs_ground_archive_flush(x->ingest), 0);
    assert_int_equal(ilrs_ground_files_produce(p, x->product, true, &r), 0);
    assert_int_equal(r.written, 0);
    ingest(x, "STATION_HK", day2 + 10 * MIN_NS);
    assert_int_equal(ilrs_ground_archive_flush(x->ingest), 0);
    assert_int_equal(ilrs_ground_files_produce(p, x->product, true, &r), 0);
    assert_int_equal(r.written, 2);
    ilrs_ground_files_producer_destroy(p);
}

/* The same on PostgreSQL. */
static void live_files_pg_day_complete(void **state)
{
    live_files_day_complete(state);
}

static void live_files_pg_late_packet_reissued(void **state)
{
    live_files_late_packet_reissued(state);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(live_files_day_complete, setup, teardown),
    cmocka_unit_test_setup_teardown(live_files_late_packet_reissued, setup, teardown),
    cmocka_unit_test_setup_teardown(live_files_options, setup, teardown),
    cmocka_unit_test_setup_teardown(live_files_pg_day_complete, setup_pg, teardown),
    cmocka_unit_test_setup_teardown(live_files_pg_late_packet_reissued, setup_pg, teardown),
};

ILRS_TEST_MAIN(tests)
