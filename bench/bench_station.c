// SPDX-License-Identifier: Apache-2.0
// Benchmark of the station run: the default scenario (scenarios/south-pole.yaml)
// played for a year (or argv[1] days) with the flight software at 1 Hz and every
// output written (archive, events, report), as `ilrs run` does.
//   bench: station_year_s           wall seconds for the run itself (after create)
//   bench: station_year_cpu_s       CPU seconds of the process (both threads) for it
//   bench: station_create_s         wall seconds to prepare (horizon, orbits, windows)
//   bench: station_realtime_factor  mission seconds per wall second
//   bench: station_rss_mib          peak resident memory of the process
// Usage: bench_station [DAYS] [OUTDIR|none] (defaults 365, a temporary directory;
//        "none" runs without outputs, to separate the ground's cost)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <ilrs/scenario.h>
#include <ilrs/station.h>

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    double days = argc > 1 ? atof(argv[1]) : 365.0;
    char dir[256];
    if (argc > 2) {
        snprintf(dir, sizeof dir, "%s", argv[2]);
    } else {
        snprintf(dir, sizeof dir, "/tmp/ilrs-bench-station-XXXXXX");
        if (mkdtemp(dir) == NULL) {
            perror("mkdtemp");
            return 1;
        }
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/south-pole.yaml", ILRS_SOURCE_DIR);
    ilrs_scenario_diags_t *d = calloc(1, sizeof *d);
    ilrs_scenario_t *sc = NULL;
    if (d == NULL || ilrs_scenario_load_file(path, NULL, &sc, d) != 0) {
        fprintf(stderr, "bench_station: cannot load %s\n", path);
        return 1;
    }
    free(d);
    ilrs_station_options_t o;
    ilrs_station_options_default(&o);
    o.duration_s = days * 86400.0;
    o.out_dir = strcmp(dir, "none") == 0 ? NULL : dir; /* "none": no outputs (profiling) */
    char error[512] = "";
    ilrs_station_t *st = NULL;
    double t0 = now_s();
    if (ilrs_station_create(sc, &o, &st, error, sizeof error) != 0) {
        fprintf(stderr, "bench_station: %s\n", error);
        return 1;
    }
    double t1 = now_s(), c1 = cpu_s();
    int rc = ilrs_station_run(st);
    double t2 = now_s(), c2 = cpu_s();
    if (rc != 0) {
        fprintf(stderr, "bench_station: run failed: %s\n", ilrs_strerror(rc));
        return 1;
    }
    ilrs_station_summary_t s;
    ilrs_station_get_summary(st, &s);
    fprintf(stderr, "bench_station: %.0f days, %s; outputs in %s\n", s.simulated_s / 86400,
            s.verdict, dir);
    // The space link's accounting (docs/station.md "Space link"): every packet sent
    // is delivered, lost or still in flight.
    uint64_t frames = 0, bad = 0, lost = 0, delivered = 0;
    for (size_t v = 0; v < ILRS_STATION_LINK_VCS; v++) {
        frames += s.link.vc[v].frames_sent;
        bad += s.link.vc[v].frames_bad;
        lost += s.link.vc[v].frames_lost;
        delivered += s.link.vc[v].packets_delivered;
    }
    fprintf(stderr,
            "bench_station: link %llu frames, %llu failed the FECF, %llu lost; packets %llu sent "
            "= %llu delivered + %llu lost + %llu in flight\n",
            (unsigned long long)frames, (unsigned long long)bad, (unsigned long long)lost,
            (unsigned long long)s.tm_packets_sent, (unsigned long long)delivered,
            (unsigned long long)s.tm_packets_lost, (unsigned long long)s.link.packets_in_flight);
    if (s.tm_packets_sent != delivered + s.tm_packets_lost + s.link.packets_in_flight) {
        fprintf(stderr, "bench_station: the link's packet accounting does not add up\n");
        return 1;
    }
    ilrs_station_destroy(st);
    ilrs_scenario_destroy(sc);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double year_s = (t2 - t1) * 365.0 / days;
    printf("bench: station_year_s %.2f s\n", year_s);
    printf("bench: station_year_cpu_s %.2f s\n", (c2 - c1) * 365.0 / days);
    printf("bench: station_create_s %.2f s\n", t1 - t0);
    printf("bench: station_realtime_factor %.0f x\n", s.simulated_s / (t2 - t1));
    printf("bench: station_rss_mib %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    return 0;
}
