// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the mission-control API router (ilrs_ground_server_handle):
// every request input (method, path, query, token, JSON body) without sockets, on
// the test fixture (station + two partners, one session per role).
// Input layout: octet 0 with its top bit set: the rest is one WebSocket client
// message for ilrs__ws_parse(). Otherwise octet 0 % 6 picks the caller (0 operator,
// 1 esa, 2 cnsa, 3 viewer, 4 no token, 5 garbage token); then
// "METHOD PATH[?QUERY]\n" and the body.
// Every answer must be a response with a JSON body and a known status; the
// router must never crash, leak or answer 2xx to a partner for another
// partner's parameter.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <ilrs/ground_server.h>

#include "../tests/ground_server/ground_server_fixture.h"
#include "ground/ground_server_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fixture_t *fixture(void)
{
    static fixture_t f;
    static bool ready;
    if (!ready) {
        if (fixture_setup(&f, NULL) != 0) {
            abort();
        }
        ready = true;
    }
    return &f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    if (data[0] & 0x80) {
        ilrs__ws_msg_t m;
        int rc = ilrs__ws_parse((const char *)data + 1, size - 1, &m);
        /* Accepted messages have a type; refused ones say why; strings terminated. */
        if ((rc == 0 && m.type == 0) || (rc != 0 && m.error[0] == '\0') ||
            strlen(m.key) >= sizeof m.key || strlen(m.token) > ILRS_GROUND_TOKEN_LEN) {
            abort();
        }
        return 0;
    }
    fixture_t *f = fixture();
    int who = data[0] % 6;
    const uint8_t *nl = memchr(data + 1, '\n', size - 1);
    size_t line_len = nl != NULL ? (size_t)(nl - (data + 1)) : size - 1;
    char *line = malloc(line_len + 1);
    if (line == NULL) {
        return 0;
    }
    memcpy(line, data + 1, line_len);
    line[line_len] = '\0';
    char *space = strchr(line, ' ');
    const char *method = "GET";
    char *path = line;
    if (space != NULL) {
        *space = '\0';
        method = line;
        path = space + 1;
    }
    char *query = strchr(path, '?');
    if (query != NULL) {
        *query++ = '\0';
    }
    char auth[ILRS_GROUND_TOKEN_LEN + 16];
    if (who < 4) {
        snprintf(auth, sizeof auth, "Bearer %s", f->tokens[who]);
    } else {
        snprintf(auth, sizeof auth, "Bearer 0123456789");
    }
    const uint8_t *body = nl != NULL ? nl + 1 : NULL;
    size_t body_len = nl != NULL ? size - (size_t)(nl + 1 - data) : 0;
    ilrs_ground_request_t req = {.method = method, .path = path, .query = query,
                                 .authorization = who == 4 ? NULL : auth, .client = "fuzz",
                                 .body = body, .body_len = body_len};
    ilrs_ground_response_t resp;
    ilrs_ground_server_handle(f->server, &req, &resp);
    if (resp.status < 200 || resp.status > 599 || resp.body == NULL) {
        abort();
    }
    json_t *parsed = json_loadb(resp.body, resp.body_len, 0, NULL);
    if (parsed == NULL) {
        abort();
    }
    json_decref(parsed);
    /* Authorization invariant: esa never reads cnsa's or the station's telemetry. */
    if (who == 1 && resp.status == 200 && strncmp(path, "/api/telemetry/", 15) == 0 &&
        (strncmp(path + 15, "CNSA_HK.", 8) == 0 || strncmp(path + 15, "STATION_HK.", 11) == 0)) {
        abort();
    }
    ilrs_ground_response_fini(&resp);
    free(line);
    return 0;
}
