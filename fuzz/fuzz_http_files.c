// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the data-product paths: GET /api/files/<anything> through the
// router (ilrs_ground_server_handle) on the test fixture with a products
// directory holding one file per partner, and ilrs_ground_file_name_valid() on
// the raw octets (NUL included). Input: octet 0 % 4 picks the caller (operator,
// esa, cnsa, viewer); the rest is the path after "/api/files/".
// Invariants: answers are 200 (then only a catalogued file of a partner the caller
// may read, as text/csv), 400, 403, 404 or 414, each with a body; a name the
// validator accepts never holds '/', "..", a NUL or a leading '.'.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ilrs/ground_server.h>

#include "../tests/ground_server/ground_server_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char products[64];

static void cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", products);
    if (system(cmd) != 0) {
        fprintf(stderr, "fuzz_http_files: could not remove %s\n", products);
    }
}

static void put(ilrs_ground_memsource_t *mem, const char *partner, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", products, partner);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/%s/%s", products, partner, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fputs("time_utc,time_ms\n", f) < 0 || fclose(f) != 0) {
        abort();
    }
    ilrs_ground_file_t e = {.partner = partner, .name = name, .payload = "HK", .size = 17,
                            .sha256 = "00"};
    if (ilrs_ground_memsource_add_file(mem, &e) != 0) {
        abort();
    }
}

static fixture_t *fixture(void)
{
    static fixture_t f;
    static bool ready;
    if (!ready) {
        snprintf(products, sizeof products, "/tmp/ilrs_fuzz_files_XXXXXX");
        if (mkdtemp(products) == NULL) {
            abort();
        }
        atexit(cleanup);
        ilrs_ground_server_options_t o = {.files_dir = products};
        if (fixture_setup(&f, &o) != 0) {
            abort();
        }
        put(f.mem, "esa", "ESA_HK_2026-01-01.csv");
        put(f.mem, "cnsa", "CNSA_HK_2026-01-01.csv");
        ready = true;
    }
    return &f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    /* The validator on raw octets, NUL and all. */
    if (ilrs_ground_file_name_valid((const char *)data + 1, size - 1)) {
        const char *n = (const char *)data + 1;
        size_t len = size - 1;
        if (memchr(n, '/', len) != NULL || memchr(n, '\0', len) != NULL || n[0] == '.') {
            abort();
        }
        for (size_t i = 0; i + 1 < len; i++) {
            if (n[i] == '.' && n[i + 1] == '.') {
                abort();
            }
        }
    }
    fixture_t *f = fixture();
    int who = data[0] % 4;
    char *path = malloc(size + 16);
    if (path == NULL) {
        return 0;
    }
    memcpy(path, "/api/files/", 11);
    memcpy(path + 11, data + 1, size - 1);
    path[11 + size - 1] = '\0';
    char auth[ILRS_GROUND_TOKEN_LEN + 16];
    snprintf(auth, sizeof auth, "Bearer %s", f->tokens[who]);
    ilrs_ground_request_t req = {.method = "GET", .path = path, .authorization = auth,
                                 .client = "fuzz"};
    ilrs_ground_response_t r;
    if (ilrs_ground_server_handle(f->server, &req, &r) != 0 || r.body == NULL) {
        abort();
    }
    switch (r.status) {
    case 200: {
        /* Only the two products, each to a caller who may read it. */
        bool esa = strcmp(path, "/api/files/esa/ESA_HK_2026-01-01.csv") == 0;
        bool cnsa = strcmp(path, "/api/files/cnsa/CNSA_HK_2026-01-01.csv") == 0;
        if ((!esa && !cnsa) || (esa && who == 2) || (cnsa && who == 1) ||
            r.content_type == NULL || r.body_len != 17) {
            abort();
        }
        break;
    }
    case 400:
    case 403:
    case 404:
    case 414:
        if (r.content_type != NULL) {
            abort();
        }
        break;
    default: abort();
    }
    ilrs_ground_response_fini(&r);
    free(path);
    return 0;
}
