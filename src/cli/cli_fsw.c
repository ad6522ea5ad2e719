// SPDX-License-Identifier: Apache-2.0
// `ilrs fsw`: run the flight framework with its core apps (and N bus-load apps) on
// virtual time, or paced by the wall clock, and print a summary: time run, speed,
// events, bus statistics, per-app steps and timings, command counters.
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ilrs/fsw.h>

#include "cli/cli.h"

static ilrs_exec_t *volatile running_exec;
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
    if (running_exec != NULL) {
        ilrs_exec_request_stop(running_exec);
    }
}

static void usage(FILE *out)
{
    fprintf(out, "usage: ilrs fsw [--duration D] [--rate-hz N] [--realtime] [--apps N]\n"
                 "                [--app-rate-hz R] [--events N]\n"
                 "\n"
                 "Run the flight-software framework (executive, software bus, time, events,\n"
                 "tables, housekeeping, command ingest: the core apps EXEC EVS SB TIME TBL HK\n"
                 "CMD) plus N bus-load apps, then print a summary.\n"
                 "\n"
                 "options:\n"
                 "  --duration D      time to run: 90, 90s, 15m, 6h, 1d, 1y (default 1d)\n"
                 "  --rate-hz N       minor-frame rate of the scheduler, Hz (default 100)\n"
                 "  --realtime        pace frames by the wall clock (default: virtual time,\n"
                 "                    as fast as possible); Ctrl-C stops early\n"
                 "  --apps N          bus-load apps LOAD00.. publishing and receiving one\n"
                 "                    packet per step (default 10, at most 64)\n"
                 "  --app-rate-hz R   rate of the bus-load apps (default 10; must divide\n"
                 "                    the minor-frame rate)\n"
                 "  --events N        how many of the last events to print (default 8)\n"
                 "  --catalog         print the event catalog (Markdown, docs/events.md) and exit\n"
                 "  -h, --help        this text\n");
}

static const char *state_name(ilrs_app_state_t s)
{
    switch (s) {
    case ILRS_APP_REGISTERED:
        return "registered";
    case ILRS_APP_RUNNING:
        return "running";
    case ILRS_APP_RESTARTING:
        return "restarting";
    case ILRS_APP_DISABLED:
        return "disabled";
    }
    return "?";
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void print_summary(ilrs_fsw_t *fsw, double virtual_s, double wall_s, int last_events)
{
    static const char *const sev[] = {"DEBUG", "INFO", "ERROR", "CRITICAL"};
    ilrs_time_t *time = ilrs_fsw_time(fsw);
    bool realtime = ilrs_time_get_mode(time) == ILRS_TIME_MODE_WALL;
    printf("ilrs fsw: %.0f s (%.3f d) of %s time in %.3f s of wall time", virtual_s,
           virtual_s / 86400.0, realtime ? "wall-clock" : "virtual", wall_s);
    if (wall_s > 0) {
        printf(": %.0fx real time", virtual_s / wall_s);
    }
    printf("\n");
    char t0[ILRS_TIME_ISO_MAX];
    ilrs_time_format_iso(ilrs_time_now(time), 3, t0, sizeof t0);
    ilrs_exec_stats_t es;
    ilrs_exec_get_stats(ilrs_fsw_exec(fsw), &es);
    printf("onboard time now %s; %llu minor frames, %llu major frames, %llu steps\n", t0,
           (unsigned long long)es.minor_frames, (unsigned long long)es.major_frames,
           (unsigned long long)es.steps);

    ilrs_evs_stats_t ev;
    ilrs_evs_get_stats(ilrs_fsw_evs(fsw), &ev);
    printf("\nevents: %llu sent (debug %llu, info %llu, error %llu, critical %llu); "
           "filtered %llu, rate-limited %llu, disabled %llu\n",
           (unsigned long long)ev.sent, (unsigned long long)ev.sent_by_severity[0],
           (unsigned long long)ev.sent_by_severity[1], (unsigned long long)ev.sent_by_severity[2],
           (unsigned long long)ev.sent_by_severity[3], (unsigned long long)ev.filtered,
           (unsigned long long)ev.rate_limited, (unsigned long long)ev.disabled);
    size_t n = ilrs_evs_log_count(ilrs_fsw_evs(fsw));
    size_t first = n > (size_t)last_events ? n - (size_t)last_events : 0;
    for (size_t i = first; i < n; i++) {
        ilrs_evs_record_t r;
        if (ilrs_evs_log_get(ilrs_fsw_evs(fsw), i, &r) != 0) {
            continue;
        }
        char when[ILRS_TIME_ISO_MAX];
        ilrs_time_format_iso(r.time, 3, when, sizeof when);
        printf("  %s %-6s %3u %-8s %s\n", when, r.app_name, r.event_id,
               sev[(unsigned)r.severity & 3u], r.text);
    }

    ilrs_bus_stats_t bs;
    ilrs_bus_get_stats(ilrs_fsw_bus(fsw), &bs);
    printf(
        "\nbus: %llu published, %llu delivered, %llu without subscribers; dropped %llu "
        "(pipe full %llu, msg limit %llu, no buffer %llu, invalid %llu)\n",
        (unsigned long long)bs.published, (unsigned long long)bs.delivered,
        (unsigned long long)bs.no_subscribers,
        (unsigned long long)(bs.dropped_full + bs.dropped_limit + bs.alloc_failures + bs.invalid),
        (unsigned long long)bs.dropped_full, (unsigned long long)bs.dropped_limit,
        (unsigned long long)bs.alloc_failures, (unsigned long long)bs.invalid);
    printf("     %u pipes, %u subscriptions, buffers in use %u (peak %u), %.1f KiB\n", bs.pipes,
           bs.subscriptions, bs.buffers_in_use, bs.buffers_peak, (double)bs.memory_bytes / 1024.0);

    ilrs_fsw_cmd_stats_t cs;
    ilrs_fsw_get_cmd_stats(fsw, &cs);
    uint32_t rejected = cs.malformed + cs.unknown + cs.bad_length + cs.bad_argument + cs.oversize +
                        cs.no_route + cs.dropped;
    printf("\ncommands: %u accepted, %u rejected at ingest (malformed %u, unknown %u, "
           "length %u, argument %u, oversize %u, no route %u, dropped %u), %u refused by apps\n",
           cs.accepted, rejected, cs.malformed, cs.unknown, cs.bad_length, cs.bad_argument,
           cs.oversize, cs.no_route, cs.dropped, cs.handler_rejected);

    printf("\n%-8s %-10s %12s %8s %8s %9s %9s %9s\n", "app", "state", "steps", "failures",
           "restarts", "mean us", "max us", "total s");
    ilrs_exec_t *exec = ilrs_fsw_exec(fsw);
    for (uint32_t i = 0; i < ilrs_exec_app_count(exec); i++) {
        ilrs_app_stats_t st;
        ilrs_exec_get_app_stats(ilrs_exec_app_at(exec, i), &st);
        printf("%-8s %-10s %12llu %8llu %8llu %9.2f %9.1f %9.3f\n", st.name, state_name(st.state),
               (unsigned long long)st.steps, (unsigned long long)st.failures,
               (unsigned long long)st.restarts, st.exec_mean_ns / 1e3, (double)st.exec_max_ns / 1e3,
               (double)st.exec_total_ns / 1e9);
    }
    if (realtime) {
        printf("overruns %llu, frame slips %llu\n", (unsigned long long)es.overruns,
               (unsigned long long)es.frame_slips);
    } else {
        printf("(virtual time: execution times are measured for this summary only; they do "
               "not reach telemetry or events)\n");
    }
}

/* The event catalog as Markdown (docs/events.md is this output). */
static void print_catalog(const ilrs_dict_t *dict)
{
    static const char *const sev[] = {"DEBUG", "INFO", "ERROR", "CRITICAL"};
    printf("# Event catalog\n\n"
           "Every event the flight software can send, generated by `ilrs fsw --catalog` from\n"
           "the dictionary the apps register at start (so it cannot drift from the code).\n"
           "IDs are stable per app (`src/fsw/fsw_app_<app>_eid.h`); IDs 1-3 are the\n"
           "framework's own in every app, app-specific IDs start at 10. Names follow\n"
           "`<APP>_<WHAT>_<INF|ERR|DBG|CRIT>`. The text is a printf template.\n"
           "`LOAD00` stands for every bus-load app LOAD00..LOAD63 (`ilrs fsw --apps N`).\n");
    /* apps in order of first appearance, each app's events by ID */
    size_t n = ilrs_dict_event_count(dict);
    for (size_t i = 0; i < n; i++) {
        const char *app = ilrs_dict_event_at(dict, i)->app;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++) {
            seen = strcmp(ilrs_dict_event_at(dict, k)->app, app) == 0;
        }
        if (seen) {
            continue;
        }
        printf("\n## %s\n\n| ID | name | severity | text | meaning |\n|---|---|---|---|---|\n",
               app);
        for (unsigned id = 0; id <= UINT16_MAX; id++) {
            const ilrs_dict_event_t *e = ilrs_dict_find_event(dict, app, (uint16_t)id);
            if (e != NULL) {
                printf("| %u | %s | %s | `%s` | %s |\n", e->id, e->name,
                       sev[(unsigned)e->severity & 3u], e->format,
                       e->description != NULL ? e->description : "");
            }
        }
    }
}

int cli_fsw(int argc, char **argv)
{
    static const struct option options[] = {
        {"duration", required_argument, NULL, 'd'},
        {"rate-hz", required_argument, NULL, 'r'},
        {"realtime", no_argument, NULL, 'R'},
        {"apps", required_argument, NULL, 'a'},
        {"app-rate-hz", required_argument, NULL, 'A'},
        {"events", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {"catalog", no_argument, NULL, 'c'},
        {NULL, 0, NULL, 0},
    };
    double duration_s = 86400.0;
    long rate_hz = 100, apps = 10, last_events = 8;
    double app_rate = 10.0;
    bool realtime = false, catalog = false;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'd':
            if (cli_parse_duration(optarg, &duration_s) != 0) {
                return 2;
            }
            break;
        case 'r':
            rate_hz = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || rate_hz < 1 || rate_hz > 10000) {
                fprintf(stderr, "ilrs fsw: --rate-hz wants an integer 1..10000, not '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'R':
            realtime = true;
            break;
        case 'a':
            apps = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || apps < 0 || apps > 64) {
                fprintf(stderr, "ilrs fsw: --apps wants an integer 0..64, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'A':
            app_rate = strtod(optarg, &end);
            if (end == optarg || *end != '\0' || !(app_rate > 0)) {
                fprintf(stderr, "ilrs fsw: --app-rate-hz wants a positive number, not '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'e':
            last_events = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || last_events < 0 || last_events > 10000) {
                fprintf(stderr, "ilrs fsw: --events wants an integer 0..10000, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'c':
            catalog = true;
            break;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "ilrs fsw: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    if (duration_s > 100.0 * 365.0 * 86400.0) {
        fprintf(stderr, "ilrs fsw: --duration beyond 100 years\n");
        return 2;
    }
    ilrs_fsw_config_t cfg = {
        .time = {.mode = realtime ? ILRS_TIME_MODE_WALL : ILRS_TIME_MODE_VIRTUAL},
        .exec = {.minor_hz = (uint32_t)rate_hz},
    };
    ilrs_fsw_t *fsw = NULL;
    int rc = ilrs_fsw_create(&cfg, &fsw);
    if (rc != 0) {
        fprintf(stderr, "ilrs fsw: cannot create the flight instance: %s\n", ilrs_strerror(rc));
        return 1;
    }
    int status = 1;
    rc = ilrs_fsw_add_load_apps(fsw, (uint32_t)apps, app_rate);
    if (rc != 0) {
        fprintf(stderr, "ilrs fsw: cannot add %ld load apps at %g Hz: %s%s\n", apps, app_rate,
                ilrs_strerror(rc),
                rc == ILRS_EINVAL ? " (the rate must divide the minor-frame rate)" : "");
        goto out;
    }
    rc = ilrs_fsw_start(fsw);
    if (rc != 0) {
        fprintf(stderr, "ilrs fsw: start failed: %s\n", ilrs_strerror(rc));
        goto out;
    }
    if (catalog) {
        print_catalog(ilrs_fsw_dict(fsw));
        status = 0;
        goto out;
    }
    running_exec = ilrs_fsw_exec(fsw);
    struct sigaction sa = {0}, old_sa;
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, &old_sa);
    int64_t total = (int64_t)llround(duration_s * 1e9);
    int64_t chunk = realtime ? ILRS_NS_PER_S : 3600 * ILRS_NS_PER_S;
    ilrs_time_t *time = ilrs_fsw_time(fsw);
    int64_t start_elapsed = ilrs_time_elapsed(time);
    double w0 = wall_now();
    bool tty = cli_stdout_is_tty() != 0;
    for (int64_t done = 0; done < total;) {
        int64_t step = total - done < chunk ? total - done : chunk;
        rc = ilrs_fsw_run(fsw, step);
        if (rc != 0) {
            fprintf(stderr, "ilrs fsw: run failed: %s\n", ilrs_strerror(rc));
            break;
        }
        done = ilrs_time_elapsed(time) - start_elapsed;
        if (tty) {
            fprintf(stderr, "\r%5.1f %%", 100.0 * (double)done / (double)total);
        }
        if (interrupted) {
            break; /* Ctrl-C: summarise what ran */
        }
    }
    if (tty) {
        fprintf(stderr, "\r        \r");
    }
    double wall_s = wall_now() - w0;
    sigaction(SIGINT, &old_sa, NULL);
    running_exec = NULL;
    print_summary(fsw, (double)(ilrs_time_elapsed(time) - start_elapsed) / 1e9, wall_s,
                  (int)last_events);
    status = rc == 0 ? 0 : 1;
out:
    ilrs_fsw_destroy(fsw);
    return status;
}
