// SPDX-License-Identifier: Apache-2.0
// `ilrs station [SCENARIO] --realtime [--speed N] [--link-ground HOST:PORT]
// [--link-listen ADDR:PORT] [--link-always] [--days N] [--seed S] [--out DIR]`:
// the station of `ilrs run` (scenario -> twin + flight software + station apps)
// paced by the wall clock, with the LINK app on a UDP socket: TM frames go to the
// ground (`ilrs ground --link-listen`), TC frames from it are read from the same
// socket (docs/station.md "Real time: station and ground as two processes").
// SIGINT/SIGTERM stop at the next mission second; the outputs are then written.
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <ilrs/fsw.h>

#include <ilrs/ground_link.h>
#include <ilrs/scenario.h>
#include <ilrs/station.h>

#include "cli/cli.h"

static ilrs_station_t *running;

static void on_signal(int sig)
{
    (void)sig;
    ilrs_station_request_stop(running);
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ilrs station [SCENARIO] --realtime [--speed N] [--link-ground HOST:PORT]\n"
            "                    [--link-listen ADDR:PORT] [--link-always] [--days N] [--seed S]\n"
            "                    [--epoch now|UTC] [--out DIR] [--quiet]\n"
            "Run the station of `ilrs run` (lunar environment, hardware twin, flight software)\n"
            "paced by the wall clock, with its space link on UDP: telemetry frames to the\n"
            "ground (`ilrs ground --link-listen`), command frames from it.\n"
            "  SCENARIO        scenario file (default scenarios/south-pole.yaml)\n"
            "  --realtime      pace by the wall clock (required; `ilrs run` plays virtual time)\n"
            "  --speed N       mission seconds per wall second (default 1; e.g. 60)\n"
            "  --link-ground HOST:PORT\n"
            "                  where TM frames go: the ground's --link-listen (default\n"
            "                  127.0.0.1:10025)\n"
            "  --link-listen ADDR:PORT\n"
            "                  where TC frames arrive: give it to the ground as --link-station\n"
            "                  (default 127.0.0.1:10026; port 0 picks a free one, printed)\n"
            "  --link-always   keep the link up at 2 Mbit/s whatever the geometry (demos);\n"
            "                  by default it follows the first direct-to-Earth radio of the\n"
            "                  twin: its rate, and nothing while the Earth is below the\n"
            "                  horizon or the radio is off or failed\n"
            "  --days N        mission days to play (default: the scenario's duration)\n"
            "  --seed S        random seed (default: the scenario's seed)\n"
            "  --epoch now|YYYY-MM-DDTHH:MM:SSZ\n"
            "                  start the mission at this UTC instant instead of the scenario's\n"
            "                  epoch (the Sun, Earth and relays follow); with `now` and\n"
            "                  --speed 1 the packets' times are the wall clock's, so the\n"
            "                  browser's Realtime plots show them\n"
            "  --out DIR       outputs as for `ilrs run` (default station-out); the ground\n"
            "                  reads DIR/dictionary.json (--dict)\n"
            "  --quiet         print only the verdict line at the end\n");
}

typedef struct udp_link {
    int fd;
    struct sockaddr_in ground;
    unsigned long long sent, send_errors, received;
} udp_link_t;

static int tm_out(void *user, const uint8_t *frame, size_t len)
{
    udp_link_t *u = user;
    ssize_t n = sendto(u->fd, frame, len, 0, (const struct sockaddr *)&u->ground, sizeof u->ground);
    if (n != (ssize_t)len) {
        u->send_errors++;
        return ILRS_EIO;
    }
    u->sent++;
    return 0;
}

static int tc_in(void *user, uint8_t *buf, size_t cap, size_t *len)
{
    udp_link_t *u = user;
    ssize_t n = recv(u->fd, buf, cap, MSG_DONTWAIT);
    if (n <= 0) {
        return ILRS_EEMPTY;
    }
    u->received++;
    *len = (size_t)n;
    return 0;
}

/* Resolve HOST:PORT (IPv4, as the ground link). 0 or -1 with a message. */
static int resolve(const char *opt, const char *text, struct sockaddr_in *out)
{
    char host[256];
    uint16_t port = 0;
    if (ilrs_ground_link_parse_endpoint(text, host, sizeof host, &port) != 0) {
        fprintf(stderr, "ilrs station: %s '%s': expected HOST:PORT, e.g. 127.0.0.1:10025\n", opt,
                text);
        return -1;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    int g = getaddrinfo(host, NULL, &hints, &res);
    if (g != 0 || res == NULL) {
        fprintf(stderr, "ilrs station: %s '%s': %s\n", opt, text, gai_strerror(g));
        return -1;
    }
    memcpy(out, res->ai_addr, sizeof *out);
    out->sin_port = htons(port);
    freeaddrinfo(res);
    return 0;
}

static int open_socket(udp_link_t *u, const char *listen, const char *ground)
{
    struct sockaddr_in la;
    if (resolve("--link-listen", listen, &la) != 0 ||
        resolve("--link-ground", ground, &u->ground) != 0) {
        return 2;
    }
    u->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (u->fd < 0) {
        fprintf(stderr, "ilrs station: socket: %s\n", strerror(errno));
        return 1;
    }
    if (bind(u->fd, (struct sockaddr *)&la, sizeof la) != 0) {
        fprintf(stderr, "ilrs station: --link-listen %s: %s\n", listen, strerror(errno));
        return 1;
    }
    return 0;
}

static unsigned listen_port(int fd)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    if (getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
        return 0;
    }
    return ntohs(sa.sin_port);
}

static int parse_speed(const char *v, double *speed)
{
    char *end = NULL;
    double s = strtod(v, &end);
    if (end == v || *end != '\0' || !(s > 0.0) || s > 1e6) {
        fprintf(stderr, "ilrs station: --speed: a number > 0 and at most 1e6, got '%s'\n", v);
        return -1;
    }
    *speed = s;
    return 0;
}

static int parse_seed(const char *v, ilrs_station_options_t *opt)
{
    char *end = NULL;
    unsigned long long s = strtoull(v, &end, 0);
    if (end == v || *end != '\0' || v[0] == '-') {
        fprintf(stderr, "ilrs station: --seed: not an unsigned integer: '%s'\n", v);
        return -1;
    }
    opt->has_seed = true;
    opt->seed = s;
    return 0;
}

static int parse_days(const char *text, double *seconds)
{
    char *end = NULL;
    double d = strtod(text, &end);
    if (end != text && *end == '\0') {
        if (!(d > 0) || d > 50 * 366) {
            fprintf(stderr, "ilrs station: --days: must be > 0 and at most 50 years, got %s\n",
                    text);
            return -1;
        }
        *seconds = d * 86400.0;
        return 0;
    }
    return cli_parse_duration(text, seconds);
}

/* --epoch: "now" or YYYY-MM-DDTHH:MM:SS[Z] (UTC). 0 or -1 with a message. */
static int parse_epoch(const char *v, ilrs_utc_t *utc)
{
    memset(utc, 0, sizeof *utc);
    if (strcmp(v, "now") == 0) {
        struct timespec ts;
        struct tm tm;
        if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || gmtime_r(&ts.tv_sec, &tm) == NULL) {
            fprintf(stderr, "ilrs station: --epoch now: cannot read the clock\n");
            return -1;
        }
        *utc = (ilrs_utc_t){tm.tm_year + 1900,
                            tm.tm_mon + 1,
                            tm.tm_mday,
                            tm.tm_hour,
                            tm.tm_min,
                            tm.tm_sec < 60 ? tm.tm_sec : 59,
                            0};
        return 0;
    }
    char z = 'Z', extra = 0;
    int n = sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2d%c%c", &utc->year, &utc->month, &utc->day, &utc->hour,
                   &utc->minute, &utc->second, &z, &extra);
    if ((n != 6 && n != 7) || z != 'Z') {
        fprintf(stderr, "ilrs station: --epoch: expected now or YYYY-MM-DDTHH:MM:SSZ, got '%s'\n",
                v);
        return -1;
    }
    return 0;
}

/* Replace the scenario's epoch (the environment and the flight clock start there). */
static int set_epoch(ilrs_scenario_t *sc, const ilrs_utc_t *utc, const char *text)
{
    ilrs_tai_t tai = 0;
    int rc = ilrs_time_from_utc(utc, &tai);
    if (rc != 0) {
        fprintf(stderr, "ilrs station: --epoch %s: %s\n", text, ilrs_strerror(rc));
        return -1;
    }
    sc->epoch_tai = tai;
    snprintf(sc->epoch_utc, sizeof sc->epoch_utc, "%04d-%02d-%02dT%02d:%02d:%02dZ", utc->year,
             utc->month, utc->day, utc->hour, utc->minute, utc->second);
    return 0;
}

static void print_end(ilrs_station_t *st, const udp_link_t *u, bool quiet, const char *out_dir)
{
    ilrs_station_summary_t sum;
    ilrs_station_get_summary(st, &sum);
    if (quiet) {
        printf("%s: %s\n", sum.survived ? "SURVIVED" : "FAILED", sum.verdict);
        return;
    }
    ilrs_station_write_text(st, stdout);
    ilrs_link_status_t ls;
    if (ilrs_station_link_status(st, &ls) == 0) {
        printf("\n  space link: %llu TM frames sent (%llu idle, %llu send errors), %llu TC "
               "datagrams in; FARM-1 accepted %llu, rejected %llu; commands %llu in, %llu "
               "accepted by ingest, %llu refused\n",
               u->sent, (unsigned long long)ls.idle_frames, u->send_errors, u->received,
               (unsigned long long)ls.farm_accepted, (unsigned long long)ls.farm_rejected,
               (unsigned long long)ls.cmd_packets, (unsigned long long)ls.cmd_accepted,
               (unsigned long long)ls.cmd_rejected);
    }
    printf("  outputs in %s/: archive.sqlite events.log summary.json dictionary.json "
           "report.html\n",
           out_dir);
}

int cli_station_rt(int argc, char **argv)
{
    const char *file = NULL, *out_dir = "station-out";
    const char *ground = "127.0.0.1:10025", *listen = "127.0.0.1:10026", *epoch = NULL;
    ilrs_utc_t epoch_utc;
    ilrs_station_options_t opt;
    ilrs_station_options_default(&opt);
    ilrs_station_link_t link = {0};
    bool quiet = false, realtime = false;
    double speed = 1.0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (strcmp(a, "--realtime") == 0) {
            realtime = true;
        } else if (strcmp(a, "--link-always") == 0) {
            link.always_up = true;
        } else if (v != NULL && strcmp(a, "--speed") == 0) {
            if (parse_speed(argv[++i], &speed) != 0) {
                return 2;
            }
        } else if (v != NULL && strcmp(a, "--days") == 0) {
            if (parse_days(argv[++i], &opt.duration_s) != 0) {
                return 2;
            }
        } else if (v != NULL && strcmp(a, "--seed") == 0) {
            if (parse_seed(argv[++i], &opt) != 0) {
                return 2;
            }
        } else if (v != NULL && strcmp(a, "--epoch") == 0) {
            epoch = argv[++i];
            if (parse_epoch(epoch, &epoch_utc) != 0) {
                return 2;
            }
        } else if (v != NULL && strcmp(a, "--out") == 0) {
            out_dir = argv[++i];
        } else if (v != NULL && strcmp(a, "--link-ground") == 0) {
            ground = argv[++i];
        } else if (v != NULL && strcmp(a, "--link-listen") == 0) {
            listen = argv[++i];
        } else if (a[0] == '-') {
            fprintf(stderr, "ilrs station: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return 2;
        } else if (file == NULL) {
            file = a;
        } else {
            fprintf(stderr, "ilrs station: one scenario at a time ('%s' and '%s')\n", file, a);
            return 2;
        }
    }
    if (!realtime) {
        fprintf(stderr, "ilrs station: only --realtime is implemented; `ilrs run` plays a "
                        "scenario on virtual time\n");
        return 2;
    }
    udp_link_t u = {.fd = -1};
    int status = open_socket(&u, listen, ground);
    if (status != 0) {
        if (u.fd >= 0) {
            close(u.fd);
        }
        return status;
    }
    char def[1024];
    if (file == NULL) {
        if (ilrs_scenario_default_path(def, sizeof def) != 0) {
            fprintf(stderr, "ilrs station: cannot locate the default scenario\n");
            close(u.fd);
            return 1;
        }
        file = def;
    }
    ilrs_scenario_diags_t *diags = calloc(1, sizeof *diags);
    ilrs_scenario_t *sc = NULL;
    ilrs_station_t *st = NULL;
    int rc = ILRS_ENOMEM;
    status = 1;
    if (diags == NULL) {
        goto out;
    }
    ilrs_scenario_diags_init(diags);
    rc = ilrs_scenario_load_file(file, NULL, &sc, diags);
    for (size_t i = 0; i < diags->count; i++) {
        char line[1024];
        ilrs_scenario_diag_format(diags, i, line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
    if (rc != 0) {
        fprintf(stderr, "ilrs station: %s: %s; nothing was run\n", file, ilrs_strerror(rc));
        goto out;
    }
    if (epoch != NULL && set_epoch(sc, &epoch_utc, epoch) != 0) {
        status = 2;
        goto out;
    }
    link.output = tm_out;
    link.output_user = &u;
    link.input = tc_in;
    link.input_user = &u;
    opt.link = &link;
    opt.realtime_speed = speed;
    opt.out_dir = out_dir;
    opt.progress_interval_s = 3600.0;
    if (!quiet) {
        fprintf(stderr, "ilrs station: preparing %s (horizon, orbits, contact windows)...\n", file);
    }
    char error[512] = "";
    rc = ilrs_station_create(sc, &opt, &st, error, sizeof error);
    if (rc != 0) {
        fprintf(stderr, "ilrs station: %s: %s; nothing was run\n", file, error);
        goto out;
    }
    running = st;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    // The lines below are read by scripts (tests/realtime): keep their wording.
    printf("ilrs station: dictionary in %s/dictionary.json\n", out_dir);
    printf("ilrs station: space link: TC frames on UDP port %u, TM frames to %s%s\n",
           listen_port(u.fd), ground, link.always_up ? " (link always up)" : "");
    printf("ilrs station: running at %gx real time; Ctrl-C stops\n", speed);
    fflush(stdout);
    rc = ilrs_station_run(st);
    running = NULL;
    print_end(st, &u, quiet, out_dir);
    if (rc != 0) {
        fprintf(stderr, "ilrs station: the run stopped: %s\n", ilrs_strerror(rc));
        goto out;
    }
    status = 0;
out:
    ilrs_station_destroy(st);
    ilrs_scenario_destroy(sc);
    free(diags);
    close(u.fd);
    return status;
}
