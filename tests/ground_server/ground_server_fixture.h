/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test fixture for the mission-control server: a dictionary with the station and
 * two partners (esa, cnsa), each owning one packet and one command, a user store
 * with one account per role, and an in-memory telemetry source.
 */
#ifndef GROUND_SERVER_FIXTURE_H
#define GROUND_SERVER_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/dict.h>
#include <ilrs/ground_server.h>

#define FIX_PASSWORD "correct horse battery"

typedef struct fixture {
    ilrs_dict_t *dict;
    ilrs_ground_users_t *users;
    ilrs_ground_memsource_t *mem;
    ilrs_ground_source_t source;
    ilrs_ground_server_t *server;
    char tokens[4][ILRS_GROUND_TOKEN_LEN + 1]; /* operator, esa partner, cnsa partner, viewer */
} fixture_t;

enum { FIX_OPERATOR = 0, FIX_ESA, FIX_CNSA, FIX_VIEWER };

static inline int fixture_dict(ilrs_dict_t **out)
{
    static const ilrs_dict_enum_t modes[] = {{0, "OFF"}, {1, "ON"}, {2, "AUTO"}};
    ilrs_dict_t *dict = NULL;
    int rc = ilrs_dict_create(&dict);
    const char *owners[3] = {"station", "esa", "cnsa"};
    const char *packets[3] = {"STATION_HK", "ESA_HK", "CNSA_HK"};
    const char *commands[3] = {"SetStationHeater", "SetEsaHeater", "SetCnsaHeater"};
    if (rc == 0) {
        rc = ilrs_dict_add_partner(dict, &(ilrs_dict_partner_t){"esa", "European Space Agency"});
    }
    if (rc == 0) {
        rc = ilrs_dict_add_partner(dict,
                                   &(ilrs_dict_partner_t){"cnsa", "China National Space Administration"});
    }
    for (int i = 0; i < 3 && rc == 0; i++) {
        ilrs_dict_field_t fields[2] = {
            {.name = "temperature", .type = ILRS_DICT_F32, .unit = "degC",
             .description = "payload temperature", .has_limits = true, .warn_low = -10,
             .warn_high = 40, .crit_low = -20, .crit_high = 60},
            {.name = "heater", .type = ILRS_DICT_U8, .enums = modes, .enum_count = 3},
        };
        ilrs_dict_packet_t p = {.name = packets[i], .apid = (uint16_t)(100 + i),
                                .owner = owners[i], .app = "TEST", .fields = fields,
                                .field_count = 2};
        rc = ilrs_dict_add_packet(dict, &p, NULL);
        ilrs_dict_field_t args[2] = {
            {.name = "mode", .type = ILRS_DICT_U8, .enums = modes, .enum_count = 3},
            {.name = "setpoint", .type = ILRS_DICT_F32, .unit = "degC", .has_range = true,
             .min = -20, .max = 50},
        };
        ilrs_dict_command_t c = {.name = commands[i], .apid = (uint16_t)(200 + i),
                                 .function_code = 1, .owner = owners[i], .app = "TEST",
                                 .args = args, .arg_count = 2};
        if (rc == 0) {
            rc = ilrs_dict_add_command(dict, &c, NULL);
        }
    }
    if (rc != 0) {
        ilrs_dict_destroy(dict);
        dict = NULL;
    }
    *out = dict;
    return rc;
}

/* Users with fast argon2id parameters (tests only). */
static inline int fixture_users(ilrs_ground_users_t **out)
{
    ilrs_ground_users_options_t o = {.fast_hash = true};
    int rc = ilrs_ground_users_open(":memory:", &o, out);
    if (rc == 0) rc = ilrs_ground_user_add(*out, "olga", ILRS_GROUND_ROLE_OPERATOR, NULL, FIX_PASSWORD);
    if (rc == 0) rc = ilrs_ground_user_add(*out, "erik", ILRS_GROUND_ROLE_PARTNER, "esa", FIX_PASSWORD);
    if (rc == 0) rc = ilrs_ground_user_add(*out, "chen", ILRS_GROUND_ROLE_PARTNER, "cnsa", FIX_PASSWORD);
    if (rc == 0) rc = ilrs_ground_user_add(*out, "vera", ILRS_GROUND_ROLE_VIEWER, NULL, FIX_PASSWORD);
    return rc;
}

/* Everything, with one session per user, and samples at 1000..5000 ms for every point. */
static inline int fixture_setup(fixture_t *f, const ilrs_ground_server_options_t *options)
{
    static const char *const names[4] = {"olga", "erik", "chen", "vera"};
    memset(f, 0, sizeof *f);
    int rc = fixture_dict(&f->dict);
    if (rc == 0) rc = fixture_users(&f->users);
    if (rc == 0) rc = ilrs_ground_memsource_create(&f->mem);
    if (rc != 0) return rc;
    ilrs_ground_memsource_bind(f->mem, &f->source);
    const char *points[] = {"STATION_HK.temperature", "ESA_HK.temperature", "CNSA_HK.temperature"};
    for (int t = 1; t <= 5 && rc == 0; t++) {
        for (int i = 0; i < 3 && rc == 0; i++) {
            rc = ilrs_ground_memsource_add_sample(f->mem, points[i], t * 1000, 20.0 + t + i);
        }
    }
    const char *owners[3] = {"station", "esa", "cnsa"};
    for (int i = 0; i < 3 && rc == 0; i++) {
        ilrs_ground_source_event_t e = {.time_ms = 2000 + i, .owner = owners[i], .app = "TEST",
                                        .id = 1, .name = "TEST_HEATER_INF",
                                        .severity = ILRS_EVENT_INFO, .message = "heater on"};
        rc = ilrs_ground_memsource_add_event(f->mem, &e);
    }
    if (rc == 0) rc = ilrs_ground_server_create(options, f->dict, f->users, &f->source, &f->server);
    for (int i = 0; i < 4 && rc == 0; i++) {
        rc = ilrs_ground_login(f->users, names[i], FIX_PASSWORD, "test", ilrs_ground_now_ms(),
                               f->tokens[i], NULL, NULL);
    }
    return rc;
}

static inline void fixture_teardown(fixture_t *f)
{
    ilrs_ground_server_destroy(f->server);
    ilrs_ground_memsource_destroy(f->mem);
    ilrs_ground_users_close(f->users);
    ilrs_dict_destroy(f->dict);
    memset(f, 0, sizeof *f);
}

/* Route one request without sockets; returns the status, body in *body (caller frees). */
static inline int fixture_call(fixture_t *f, const char *method, const char *path,
                               const char *query, int who, const char *body, char **out_body)
{
    char auth[ILRS_GROUND_TOKEN_LEN + 16];
    snprintf(auth, sizeof auth, "Bearer %s", who >= 0 ? f->tokens[who] : "");
    ilrs_ground_request_t req = {.method = method, .path = path, .query = query,
                                 .authorization = who >= 0 ? auth : NULL, .client = "test",
                                 .body = (const uint8_t *)body,
                                 .body_len = body != NULL ? strlen(body) : 0};
    ilrs_ground_response_t resp;
    ilrs_ground_server_handle(f->server, &req, &resp);
    int status = resp.status;
    if (out_body != NULL) {
        *out_body = resp.body;
        resp.body = NULL;
    }
    ilrs_ground_response_fini(&resp);
    return status;
}

#endif
