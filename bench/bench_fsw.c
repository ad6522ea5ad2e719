// SPDX-License-Identifier: Apache-2.0
// Flight framework benchmarks:
//   fsw_rss_mib      peak resident size of a flight instance with 32 apps and 256
//                    message IDs subscribed, after a minute of virtual time (target < 8)
//   fsw_day_s        wall time of one day of virtual time: core apps + 10 bus-load
//                    apps at 10 Hz, each publishing and receiving a packet per step
//                    (target < 1 s)
//   fsw_day_cpu_s    the same in process CPU time (less sensitive to a busy machine)
//   fsw_steps_per_s  app steps per wall second in that day
// Prints `bench: <name> <value> <unit>` lines on stdout.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ilrs/fsw.h>

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* VmHWM (peak resident set) from /proc/self/status, MiB; -1 if unavailable. */
static double peak_rss_mib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL) {
        return -1;
    }
    char line[256];
    double kib = -1;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "VmHWM:", 6) == 0) {
            kib = strtod(line + 6, NULL);
            break;
        }
    }
    fclose(f);
    return kib < 0 ? -1 : kib / 1024.0;
}

static int fail(const char *what, int rc)
{
    fprintf(stderr, "bench_fsw: %s: %s\n", what, ilrs_strerror(rc));
    return 1;
}

static int bench_rss(void)
{
    ilrs_fsw_t *fsw = NULL;
    int rc = ilrs_fsw_create(NULL, &fsw);
    if (rc != 0) {
        return fail("create", rc);
    }
    /* 7 core apps + 25 load apps = 32 apps */
    uint32_t load = 32u - ILRS_FSW_CORE_APP_COUNT;
    if ((rc = ilrs_fsw_add_load_apps(fsw, load, 10)) != 0 || (rc = ilrs_fsw_start(fsw)) != 0) {
        ilrs_fsw_destroy(fsw);
        return fail("load apps", rc);
    }
    /* Bring the subscribed message IDs to 256: each load app also listens to extra IDs. */
    ilrs_exec_t *exec = ilrs_fsw_exec(fsw);
    uint32_t extra = 256u - load; /* load apps already subscribe one ID each */
    for (uint32_t k = 0; k < extra; k++) {
        ilrs_app_t *app = ilrs_exec_app_at(exec, ILRS_FSW_CORE_APP_COUNT + k % load);
        rc = ilrs_app_subscribe(app, ilrs_msgid_tlm((uint16_t)(0x300u + k)), 0);
        if (rc != 0) {
            ilrs_fsw_destroy(fsw);
            return fail("subscribe", rc);
        }
    }
    ilrs_bus_stats_t bs;
    ilrs_bus_get_stats(ilrs_fsw_bus(fsw), &bs);
    if ((rc = ilrs_fsw_run(fsw, 60 * ILRS_NS_PER_S)) != 0) {
        ilrs_fsw_destroy(fsw);
        return fail("run", rc);
    }
    fprintf(stderr, "bench_fsw: %u apps, %u subscriptions (%u command pipes included)\n",
            ilrs_exec_app_count(exec), bs.subscriptions, ilrs_exec_app_count(exec));
    printf("bench: fsw_rss_mib %.2f MiB\n", peak_rss_mib());
    ilrs_fsw_destroy(fsw);
    return 0;
}

static int bench_day(void)
{
    ilrs_fsw_t *fsw = NULL;
    int rc = ilrs_fsw_create(NULL, &fsw);
    if (rc != 0) {
        return fail("create", rc);
    }
    if ((rc = ilrs_fsw_add_load_apps(fsw, 10, 10)) != 0 || (rc = ilrs_fsw_start(fsw)) != 0) {
        ilrs_fsw_destroy(fsw);
        return fail("load apps", rc);
    }
    double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    rc = ilrs_fsw_run(fsw, 86400 * ILRS_NS_PER_S);
    double w1 = clock_s(CLOCK_MONOTONIC), c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    if (rc != 0) {
        ilrs_fsw_destroy(fsw);
        return fail("run", rc);
    }
    ilrs_exec_stats_t es;
    ilrs_exec_get_stats(ilrs_fsw_exec(fsw), &es);
    ilrs_bus_stats_t bs;
    ilrs_bus_get_stats(ilrs_fsw_bus(fsw), &bs);
    fprintf(stderr, "bench_fsw: day: %llu steps, %llu published, %llu delivered\n",
            (unsigned long long)es.steps, (unsigned long long)bs.published,
            (unsigned long long)bs.delivered);
    printf("bench: fsw_day_s %.3f s\n", w1 - w0);
    printf("bench: fsw_day_cpu_s %.3f s\n", c1 - c0);
    printf("bench: fsw_steps_per_s %.0f steps/s\n", (double)es.steps / (w1 - w0));
    ilrs_fsw_destroy(fsw);
    return 0;
}

int main(void)
{
    /* RSS first: its peak must not include the day run's. */
    if (bench_rss() != 0 || bench_day() != 0) {
        return 1;
    }
    return 0;
}
