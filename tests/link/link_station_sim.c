// SPDX-License-Identifier: Apache-2.0
//
// Station stand-in for the `ilrs ground --link-listen/--link-station` test
// (cli_link_test.sh): a flight instance on virtual time with the LINK app and the
// ECHO app of link_rig.h, its TM frames sent by UDP to the ground and its TC frames
// read from its own UDP socket. Handshake through files in DIR: writes
// dictionary.json and station_port, waits for ground_port, runs (100 ms of flight
// time per 20 ms of wall time) until DIR/stop appears or 60 s pass, then prints
// every value ECHO executed ("echo N" lines) and the LINK counters.
// Usage: link_station_sim DIR
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "link/link_rig.h"

typedef struct sim {
    int fd;
    struct sockaddr_in ground;
} sim_t;

static int tm_out(void *user, const uint8_t *frame, size_t len)
{
    sim_t *s = user;
    ssize_t n = sendto(s->fd, frame, len, 0, (struct sockaddr *)&s->ground, sizeof s->ground);
    return n == (ssize_t)len ? 0 : ILRS_EIO;
}

static int tc_in(void *user, uint8_t *buf, size_t cap, size_t *len)
{
    sim_t *s = user;
    ssize_t n = recv(s->fd, buf, cap, MSG_DONTWAIT);
    if (n <= 0) {
        return ILRS_EEMPTY;
    }
    *len = (size_t)n;
    return 0;
}

static bool exists(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: link_station_sim DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    sim_t s = {.fd = socket(AF_INET, SOCK_DGRAM, 0)};
    struct sockaddr_in me = {.sin_family = AF_INET};
    me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof me;
    if (s.fd < 0 || bind(s.fd, (struct sockaddr *)&me, sizeof me) != 0 ||
        getsockname(s.fd, (struct sockaddr *)&me, &sl) != 0) {
        perror("link_station_sim: socket");
        return 1;
    }
    echo_t echo;
    memset(&echo, 0, sizeof echo);
    ilrs_fsw_t *fsw = NULL;
    ilrs_link_app_t *link = NULL;
    ilrs_fsw_config_t cfg = {.hk_interval_s = 1};
    ilrs_link_config_t lc = {.scid = ILRS_LINK_DEFAULT_SCID, .output = tm_out, .output_user = &s,
                             .input = tc_in, .input_user = &s, .apid = RIG_LINK_APID};
    lc.routes[lc.route_count++] = (ilrs_link_route_t){RIG_ECHO_APID, 0};
    lc.routes[lc.route_count++] = (ilrs_link_route_t){ILRS_FSW_APID_EVENTS, 0};
    lc.routes[lc.route_count++] = (ilrs_link_route_t){RIG_LINK_APID, 0};
    lc.routes[lc.route_count++] = (ilrs_link_route_t){RIG_SCI_APID, 2};
    ilrs_app_def_t def;
    ilrs_app_def_t echo_def = {.name = "ECHO", .init = echo_init, .step = echo_step,
                               .rate_hz = 10, .priority = 10, .apid = RIG_ECHO_APID,
                               .context = &echo};
    if (ilrs_fsw_create(&cfg, &fsw) != 0 || ilrs_link_app_create(&lc, &link) != 0) {
        fprintf(stderr, "link_station_sim: cannot create the flight instance\n");
        return 1;
    }
    ilrs_link_app_def(link, &def);
    if (ilrs_fsw_add_app(fsw, &def, NULL) != 0 || ilrs_fsw_add_app(fsw, &echo_def, NULL) != 0 ||
        ilrs_fsw_start(fsw) != 0) {
        fprintf(stderr, "link_station_sim: cannot start the flight instance\n");
        return 1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/dictionary.json", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL || ilrs_dict_write_json(ilrs_fsw_dict(fsw), f) != 0 || fclose(f) != 0) {
        fprintf(stderr, "link_station_sim: cannot write %s\n", path);
        return 1;
    }
    snprintf(path, sizeof path, "%s/station_port", dir);
    f = fopen(path, "w");
    if (f == NULL || fprintf(f, "%u\n", (unsigned)ntohs(me.sin_port)) < 0 || fclose(f) != 0) {
        return 1;
    }
    unsigned gport = 0;
    for (int i = 0; i < 400 && gport == 0; i++) {
        snprintf(path, sizeof path, "%s/ground_port", dir);
        f = fopen(path, "r");
        if (f != NULL) {
            if (fscanf(f, "%u", &gport) != 1) {
                gport = 0;
            }
            fclose(f);
        }
        (void)poll(NULL, 0, 50);
    }
    if (gport == 0 || gport > 65535) {
        fprintf(stderr, "link_station_sim: no ground port\n");
        return 1;
    }
    s.ground = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons((uint16_t)gport)};
    s.ground.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < 3000 && !exists(dir, "stop"); i++) {
        if (ilrs_fsw_run(fsw, INT64_C(100000000)) != 0) {
            return 1;
        }
        (void)poll(NULL, 0, 20);
    }
    for (size_t i = 0; i < echo.got_n; i++) {
        printf("echo %u\n", (unsigned)echo.got[i]);
    }
    ilrs_link_status_t st;
    ilrs_link_app_status(link, &st);
    printf("link tm_frames %llu tc_frames %llu farm_accepted %llu up_accepted %llu\n",
           (unsigned long long)st.tm_frames, (unsigned long long)st.tc_frames,
           (unsigned long long)st.farm_accepted, (unsigned long long)st.cmd_accepted);
    ilrs_fsw_destroy(fsw);
    ilrs_link_app_destroy(link);
    close(s.fd);
    return 0;
}
