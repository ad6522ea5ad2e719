/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test harness for the browser test (browser_test.mjs): the mission-control
 * server on 127.0.0.1 (ephemeral port) over the test fixture (station, esa, cnsa;
 * users olga/erik/chen/vera with FIX_PASSWORD), serving web/ and Open MCT's dist/,
 * with a live 10 Hz stream of every partner's "temperature" published to the
 * WebSocket subscribers and stored in the in-memory source. It prints
 * "PORT <n>" on stdout and runs until its standard input closes. Test-only: the
 * stream is a sine of the wall clock, not station data.
 */
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "ground_server_fixture.h"

int main(void)
{
    fixture_t f;
    char web[1024], dist[1024];
    snprintf(web, sizeof web, "%s/web", ILRS_SOURCE_DIR);
    snprintf(dist, sizeof dist, "%s/web/node_modules/openmct/dist", ILRS_SOURCE_DIR);
    ilrs_ground_server_options_t o = {.listen_addr = "127.0.0.1", .port = 0, .web_root = web,
                                      .openmct_dist = dist};
    if (fixture_setup(&f, &o) != 0 || ilrs_ground_server_start(f.server) != 0) {
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
    return 0;
}
