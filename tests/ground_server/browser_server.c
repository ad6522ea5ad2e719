/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test harness for the browser test (browser_test.mjs): the mission-control
 * server on 127.0.0.1 (ephemeral port) over the test fixture (station, esa, cnsa;
 * users olga/erik/chen/vera with FIX_PASSWORD), serving web/ and Open MCT's dist/,
 * with a live 10 Hz stream of every partner's "temperature" published to the
 * WebSocket subscribers and stored in the in-memory source. It prints
 * "PORT <n>" on stdout and runs until its standard input closes. Test-only: the
 * stream is a sine of the wall clock, not station data.
 * Data products: two days of ESA_HK and CNSA_HK packets are archived in an
 * in-memory SQLite archive and written by ilrs_ground_files_write() into a
 * temporary directory; their catalog is copied into the fixture's source.
 */
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <ilrs/ccsds.h>

#include "ground_server_fixture.h"

static int copy_entry(void *user, const ilrs_ground_file_t *f)
{
    ilrs_ground_file_t e = *f;
    e.start_ms = ilrs_ground_archive_to_unix_ms(f->start_ms);
    e.end_ms = ilrs_ground_archive_to_unix_ms(f->end_ms);
    e.created_ms = ilrs_ground_archive_to_unix_ms(f->created_ms);
    return ilrs_ground_memsource_add_file(user, &e);
}

/* Archive a day and a half of hourly packets of both partners and write the
 * products into @p dir; copies the catalog into @p mem. */
static int make_products(const ilrs_dict_t *dict, ilrs_ground_memsource_t *mem, const char *dir)
{
    ilrs_ground_archive_t *a = NULL;
    int rc = ilrs_ground_archive_open(":memory:", NULL, &a);
    const char *names[2] = {"ESA_HK", "CNSA_HK"};
    int64_t t0 = ilrs_ground_unix_to_archive_ms(INT64_C(1767225600000)); /* 2026-01-01 UTC */
    for (int k = 0; k < 2 && rc == 0; k++) {
        const ilrs_dict_packet_t *def = ilrs_dict_find_packet_by_name(dict, names[k]);
        for (int i = 0; i < 36 && rc == 0; i++) {
            uint8_t pkt[64] = {0};
            ilrs_tai_t t = (ilrs_tai_t)(t0 + INT64_C(3600000) * i) * 1000000;
            ilrs_ccsds_tlm_init(pkt, sizeof pkt, def->apid, def->length, t);
            ilrs_dict_set_raw(&def->fields[0], pkt, def->length, 20.0 + 0.25 * i - 5.0 * k);
            ilrs_dict_set_raw(&def->fields[1], pkt, def->length, i % 3);
            rc = ilrs_ground_archive_ingest(a, dict, pkt, def->length, t);
        }
    }
    size_t written = 0;
    if (rc == 0) rc = ilrs_ground_files_write(a, dict, dir, 0, &written);
    if (rc == 0) rc = ilrs_ground_archive_files(a, NULL, NULL, copy_entry, mem);
    ilrs_ground_archive_close(a);
    return rc != 0 ? rc : (written == 4 ? 0 : ILRS_ESTATE);
}

int main(void)
{
    fixture_t f;
    char web[1024], dist[1024];
    snprintf(web, sizeof web, "%s/web", ILRS_SOURCE_DIR);
    snprintf(dist, sizeof dist, "%s/web/node_modules/openmct/dist", ILRS_SOURCE_DIR);
    char products[] = "/tmp/ilrs_browser_files_XXXXXX";
    if (mkdtemp(products) == NULL) {
        fprintf(stderr, "browser_server: no temporary directory\n");
        return 1;
    }
    ilrs_ground_server_options_t o = {.listen_addr = "127.0.0.1", .port = 0, .web_root = web,
                                      .openmct_dist = dist, .files_dir = products};
    if (fixture_setup(&f, &o) != 0 || make_products(f.dict, f.mem, products) != 0 ||
        ilrs_ground_server_start(f.server) != 0) {
        fprintf(stderr, "browser_server: cannot start\n");
        return 1;
    }
    printf("PORT %u\n", (unsigned)ilrs_ground_server_port(f.server));
    fflush(stdout);
    const char *points[] = {"STATION_HK.temperature", "ESA_HK.temperature", "CNSA_HK.temperature"};
    for (;;) {
        struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
        int n = poll(&pfd, 1, 100);
        if (n > 0) {
            char buf[64];
            if (read(STDIN_FILENO, buf, sizeof buf) <= 0) {
                break; /* stdin closed: the test is over */
            }
        }
        int64_t now = ilrs_ground_now_ms();
        for (int i = 0; i < 3; i++) {
            double v = 20.0 + 15.0 * sin((double)now / 3000.0 + i);
            ilrs_ground_memsource_add_sample(f.mem, points[i], now, v);
            ilrs_ground_server_publish(f.server, points[i], now, v);
        }
    }
    fixture_teardown(&f);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", products);
    return system(cmd) == 0 ? 0 : 1;
}
