/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The server over the telemetry archive (ground_http_archive.c): packets ingested
 * into an in-memory SQLite archive are served by the API in Unix milliseconds
 * (UTC), commands are recorded in the archive with their arguments shown decoded,
 * events come back with their owners, and partners are still refused other
 * partners' data.
 * Reference times: 2026-01-01T00:00:00Z is Unix 1767225600 s (POSIX), and
 * TAI - UTC = 37 s since 2017-01-01 (IERS Bulletin C).
 */
#include "ilrs_test.h"

#include <inttypes.h>

#include <jansson.h>

#include <ilrs/ccsds.h>
#include <ilrs/ground.h>
#include <ilrs/twin.h>

#include "ground_server_fixture.h"

#define UNIX_2026_MS INT64_C(1767225600000)

typedef struct afx {
    fixture_t f;
    ilrs_ground_archive_t *archive;
    ilrs_ground_source_t source;
} afx_t;

static int setup(void **state)
{
    afx_t *a = calloc(1, sizeof *a);
    if (a == NULL || fixture_setup(&a->f, NULL) != 0 ||
        ilrs_ground_archive_open(":memory:", NULL, &a->archive) != 0 ||
        ilrs_ground_archive_source_create(a->archive, a->f.dict, &a->source) != 0) {
        return -1;
    }
    /* Serve the archive instead of the fixture's in-memory source. */
    ilrs_ground_server_destroy(a->f.server);
    a->f.server = NULL;
    if (ilrs_ground_server_create(NULL, a->f.dict, a->f.users, &a->source, &a->f.server) != 0) {
        return -1;
    }
    *state = a;
    return 0;
}

static int teardown(void **state)
{
    afx_t *a = *state;
    ilrs_ground_archive_source_destroy(&a->source);
    ilrs_ground_archive_close(a->archive);
    fixture_teardown(&a->f);
    free(a);
    return 0;
}

static void ingest(afx_t *a, const char *packet, ilrs_tai_t t, double temperature)
{
    const ilrs_dict_packet_t *def = ilrs_dict_find_packet_by_name(a->f.dict, packet);
    assert_non_null(def);
    uint8_t pkt[256];
    memset(pkt, 0, sizeof pkt);
    assert_int_equal(ilrs_ccsds_tlm_init(pkt, sizeof pkt, def->apid, def->length, t), 0);
    assert_int_equal(ilrs_dict_set_raw(ilrs_dict_find_field(def, "temperature"), pkt, def->length,
                                       temperature), 0);
    assert_int_equal(ilrs_dict_set_raw(ilrs_dict_find_field(def, "heater"), pkt, def->length, 1), 0);
    assert_int_equal(ilrs_ground_archive_ingest(a->archive, a->f.dict, pkt, def->length, t), 0);
}

static void archive_time_scale_conversion(void **state)
{
    (void)state;
    ilrs_tai_t t0;
    assert_int_equal(ilrs_ephem_parse_utc("2026-01-01T00:00:00Z", &t0), 0);
    int64_t archive_ms = ilrs_ground_time_ms(t0);
    assert_int_equal(ilrs_ground_archive_to_unix_ms(archive_ms), UNIX_2026_MS);
    assert_int_equal(ilrs_ground_unix_to_archive_ms(UNIX_2026_MS), archive_ms);
    /* 37 s of leap seconds plus the 4383 days between 1958 and 1970. */
    assert_int_equal(archive_ms - UNIX_2026_MS, INT64_C(4383) * 86400000 + 37000);
}

static void archive_history_in_unix_ms(void **state)
{
    afx_t *a = *state;
    ilrs_tai_t t0;
    assert_int_equal(ilrs_ephem_parse_utc("2026-01-01T00:00:00Z", &t0), 0);
    for (int i = 0; i < 10; i++) {
        ingest(a, "ESA_HK", t0 + (ilrs_tai_t)i * 1000000000, 10.0 + i);
        ingest(a, "CNSA_HK", t0 + (ilrs_tai_t)i * 1000000000, -5.0 - i);
    }
    assert_int_equal(ilrs_ground_archive_flush(a->archive), 0);
    char query[128];
    snprintf(query, sizeof query, "start=%" PRId64 "&end=%" PRId64, UNIX_2026_MS + 2000,
             UNIX_2026_MS + 5000);
    char *out = NULL;
    assert_int_equal(fixture_call(&a->f, "GET", "/api/telemetry/ESA_HK.temperature", query, FIX_ESA,
                                  NULL, &out), 200);
    json_t *list = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(list), 4);
    for (size_t i = 0; i < 4; i++) {
        json_t *p = json_array_get(list, i);
        assert_int_equal(json_integer_value(json_object_get(p, "timestamp")),
                         UNIX_2026_MS + 2000 + 1000 * (int64_t)i);
        assert_true(json_number_value(json_object_get(p, "value")) == 12.0 + (double)i);
    }
    json_decref(list);
    free(out);
    /* Another partner's parameter: refused, not hidden. */
    assert_int_equal(fixture_call(&a->f, "GET", "/api/telemetry/CNSA_HK.temperature", query, FIX_ESA,
                                  NULL, &out), 403);
    free(out);
    /* minmax over the whole ten seconds in one bucket. */
    snprintf(query, sizeof query, "start=%" PRId64 "&end=%" PRId64 "&strategy=minmax&size=1",
             UNIX_2026_MS, UNIX_2026_MS + 9999);
    assert_int_equal(fixture_call(&a->f, "GET", "/api/telemetry/CNSA_HK.temperature", query,
                                  FIX_VIEWER, NULL, &out), 200);
    list = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(list), 1);
    assert_true(json_number_value(json_object_get(json_array_get(list, 0), "min")) == -14.0);
    assert_true(json_number_value(json_object_get(json_array_get(list, 0), "max")) == -5.0);
    json_decref(list);
    free(out);
    /* A parameter of the dictionary never archived: an empty answer. */
    assert_int_equal(fixture_call(&a->f, "GET", "/api/telemetry/STATION_HK.temperature", query,
                                  FIX_OPERATOR, NULL, &out), 200);
    assert_string_equal(out, "[]");
    free(out);
}

static void archive_commands_and_events(void **state)
{
    afx_t *a = *state;
    char *out = NULL;
    assert_int_equal(fixture_call(&a->f, "POST", "/api/commands", NULL, FIX_ESA,
                                  "{\"name\":\"SetEsaHeater\",\"args\":[\"AUTO\",21.5]}", &out), 201);
    free(out);
    assert_int_equal(fixture_call(&a->f, "POST", "/api/commands", NULL, FIX_ESA,
                                  "{\"name\":\"SetCnsaHeater\",\"args\":[\"AUTO\",21.5]}", &out), 403);
    free(out);
    assert_int_equal(fixture_call(&a->f, "GET", "/api/commands/history", NULL, FIX_ESA, NULL, &out), 200);
    json_t *list = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(list), 1);
    json_t *c = json_array_get(list, 0);
    assert_string_equal(json_string_value(json_object_get(c, "name")), "SetEsaHeater");
    assert_string_equal(json_string_value(json_object_get(c, "issuer")), "erik");
    assert_string_equal(json_string_value(json_object_get(c, "state")), "queued");
    json_t *args = json_object_get(c, "args");
    assert_string_equal(json_string_value(json_array_get(args, 0)), "AUTO");
    assert_string_equal(json_string_value(json_array_get(args, 1)), "21.5");
    /* Queued "now": within a minute of the wall clock, in Unix ms. */
    int64_t queued = json_integer_value(json_object_get(c, "queued_ms"));
    int64_t now = ilrs_ground_now_ms();
    assert_true(queued <= now && queued > now - 60000);
    json_decref(list);
    free(out);
    /* The cnsa partner sees none of esa's commands. */
    assert_int_equal(fixture_call(&a->f, "GET", "/api/commands/history", NULL, FIX_CNSA, NULL, &out), 200);
    assert_string_equal(out, "[]");
    free(out);

    ilrs_tai_t t0;
    assert_int_equal(ilrs_ephem_parse_utc("2026-01-01T00:00:01Z", &t0), 0);
    ilrs_ground_event_t e = {.time = t0, .owner = "esa", .app = "TEST", .id = 3,
                             .name = "TEST_HEATER_INF", .severity = ILRS_EVENT_INFO,
                             .message = "heater auto"};
    assert_int_equal(ilrs_ground_archive_add_event(a->archive, a->f.dict, &e), 0);
    assert_int_equal(fixture_call(&a->f, "GET", "/api/events", NULL, FIX_ESA, NULL, &out), 200);
    list = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(list), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "timestamp")),
                     UNIX_2026_MS + 1000);
    json_decref(list);
    free(out);
    assert_int_equal(fixture_call(&a->f, "GET", "/api/events", NULL, FIX_CNSA, NULL, &out), 200);
    assert_string_equal(out, "[]");
    free(out);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(archive_time_scale_conversion),
    cmocka_unit_test_setup_teardown(archive_history_in_unix_ms, setup, teardown),
    cmocka_unit_test_setup_teardown(archive_commands_and_events, setup, teardown),
};
ILRS_TEST_MAIN(tests)
