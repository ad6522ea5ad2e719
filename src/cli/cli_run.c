// SPDX-License-Identifier: Apache-2.0
// `ilrs run [SCENARIO] [--days N] [--seed S] [--out DIR]`: load and check a
// scenario, build the station (include/ilrs/station.h), play it on virtual time
// and print the one-screen summary. A progress bar (mission date and speed)
// appears only when stdout is a terminal. SIGINT/SIGTERM stop the run at the
// next second; the outputs written so far stay readable.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ilrs/scenario.h>
#include <ilrs/fsw.h>
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
    fprintf(out, "usage: ilrs run [SCENARIO] [--days N] [--seed S] [--out DIR]\n"
                 "Play a station scenario on virtual time: the lunar environment, the station\n"
                 "hardware twin, the flight software at 1 Hz, the space link and the ground\n"
                 "archive, in one deterministic process.\n"
                 "  SCENARIO     scenario file (default scenarios/south-pole.yaml)\n"
                 "  --days N     mission days to play (default: the scenario's duration;\n"
                 "               also accepts durations such as 36h, 2.5d, 1y)\n"
                 "  --seed S     random seed (default: the scenario's seed)\n"
                 "  --out DIR    output directory (default run-out): archive.sqlite, events.log,\n"
                 "               summary.json, dictionary.json, report.html\n"
                 "  --quiet      print only the verdict line\n");
}

typedef struct progress {
    double wall0;
    int shown;
} progress_t;

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void on_progress(void *user, double done_s, double total_s, ilrs_tai_t now)
{
    progress_t *p = user;
    char date[48] = "";
    ilrs_time_format_iso(now, 0, date, sizeof date);
    date[10] = '\0';
    double el = wall() - p->wall0;
    int width = 40, fill = (int)(width * done_s / total_s);
    char bar[64];
    for (int i = 0; i < width; i++) {
        bar[i] = i < fill ? '#' : '.';
    }
    bar[width] = '\0';
    fprintf(stdout, "\r[%s] %s  day %.0f/%.0f  %.0fx real time ", bar, date, done_s / 86400,
            total_s / 86400, el > 0 ? done_s / el : 0.0);
    fflush(stdout);
    p->shown = 1;
}

static int parse_days(const char *text, double *seconds)
{
    char *end = NULL;
    double d = strtod(text, &end);
    if (end != text && *end == '\0') {
        if (!(d > 0) || d > 50 * 366) {
            fprintf(stderr, "ilrs run: --days: must be > 0 and at most 50 years, got %s\n", text);
            return -1;
        }
        *seconds = d * 86400.0;
        return 0;
    }
    return cli_parse_duration(text, seconds);
}

int cli_run(int argc, char **argv)
{
    const char *file = NULL, *out_dir = "run-out";
    ilrs_station_options_t opt;
    ilrs_station_options_default(&opt);
    bool quiet = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if ((strcmp(a, "--days") == 0 || strcmp(a, "--seed") == 0 ||
                    strcmp(a, "--out") == 0) &&
                   i + 1 < argc) {
            const char *v = argv[++i];
            if (strcmp(a, "--days") == 0) {
                if (parse_days(v, &opt.duration_s) != 0) {
                    return 2;
                }
            } else if (strcmp(a, "--seed") == 0) {
                char *end = NULL;
                unsigned long long s = strtoull(v, &end, 0);
                if (end == v || *end != '\0' || v[0] == '-') {
                    fprintf(stderr, "ilrs run: --seed: not an unsigned integer: '%s'\n", v);
                    return 2;
                }
                opt.has_seed = true;
                opt.seed = s;
            } else {
                out_dir = v;
            }
        } else if (a[0] == '-') {
            fprintf(stderr, "ilrs run: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return 2;
        } else if (file == NULL) {
            file = a;
        } else {
            fprintf(stderr, "ilrs run: one scenario at a time ('%s' and '%s')\n", file, a);
            return 2;
        }
    }
    char def[1024];
    if (file == NULL) {
        if (ilrs_scenario_default_path(def, sizeof def) != 0) {
            fprintf(stderr, "ilrs run: cannot locate the default scenario\n");
            return 1;
        }
        file = def;
    }
    ilrs_scenario_diags_t *diags = calloc(1, sizeof *diags);
    if (diags == NULL) {
        return 1;
    }
    ilrs_scenario_diags_init(diags);
    ilrs_scenario_t *sc = NULL;
    int rc = ilrs_scenario_load_file(file, NULL, &sc, diags);
    for (size_t i = 0; i < diags->count; i++) {
        char line[1024];
        ilrs_scenario_diag_format(diags, i, line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
    free(diags);
    if (rc != 0) {
        fprintf(stderr, "ilrs run: %s: %s; nothing was run\n", file, ilrs_strerror(rc));
        return 1;
    }
    opt.out_dir = out_dir;
    progress_t prog = {wall(), 0};
    if (cli_stdout_is_tty() && !quiet) {
        opt.progress = on_progress;
        opt.progress_user = &prog;
    }
    char error[512] = "";
    ilrs_station_t *st = NULL;
    if (!quiet) {
        fprintf(stderr, "ilrs run: preparing %s (horizon, orbits, contact windows)...\n", file);
    }
    rc = ilrs_station_create(sc, &opt, &st, error, sizeof error);
    if (rc != 0) {
        fprintf(stderr, "ilrs run: %s: %s; nothing was run\n", file, error);
        ilrs_scenario_destroy(sc);
        return 1;
    }
    running = st;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    rc = ilrs_station_run(st);
    if (prog.shown) {
        fprintf(stdout, "\n");
    }
    ilrs_station_summary_t sum;
    ilrs_station_get_summary(st, &sum);
    if (quiet) {
        printf("%s: %s\n", sum.survived ? "SURVIVED" : "FAILED", sum.verdict);
    } else {
        ilrs_station_write_text(st, stdout);
        printf("\n  outputs in %s/: archive.sqlite events.log summary.json dictionary.json "
               "report.html\n",
               out_dir);
    }
    running = NULL;
    ilrs_station_destroy(st);
    ilrs_scenario_destroy(sc);
    if (rc != 0) {
        fprintf(stderr, "ilrs run: the run stopped: %s\n", ilrs_strerror(rc));
        return 1;
    }
    return sum.survived ? 0 : 3;
}
