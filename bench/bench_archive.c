// SPDX-License-Identifier: Apache-2.0
// Telemetry archive benchmarks (src/ground). Prints `bench: <name> <value> <unit>`:
// - archive_ingest_samples_per_s: SQLite file archive in a temporary directory, 16
//   housekeeping packets of 20 parameters each (calibrated u16 with limits, i16, u32,
//   f32, enumerated u8, f64, bool), packets prebuilt in memory; the figure covers
//   validation, decoding, segment writes, the packet archive and the final commit.
// - archive_history_day_ms / archive_history_minmax_day_ms (the archive query alone;
//   history_day_ms is the same through the HTTP API, bench_server): one day of a 1 Hz parameter (86 400
//   samples) read back by the history query (all samples; minmax into 1000 buckets),
//   best of 5, archive reopened first.
// - archive_ingest_pg_samples_per_s: the same ingest on a throwaway PostgreSQL
//   server (tests/ground/pg_fixture.h), when the server binaries are installed.
// Run: ./build/release/bench/bench_archive [packets] (default 150000 packets).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <ilrs/ccsds.h>
#include <ilrs/dict.h>
#include <ilrs/ground.h>

#include "../tests/ground/pg_fixture.h"

#define HK_PACKETS 16
#define HK_FIELDS  20
#define T0         (INT64_C(2145916800) * ILRS_NS_PER_S)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_archive: %s: %s\n", what, ilrs_errname(rc));
    exit(1);
}

static const ilrs_dict_enum_t modes[] = {{0, "OFF"}, {1, "ON"}, {2, "AUTO"}};

static ilrs_dict_t *build_dict(void)
{
    ilrs_dict_t *dict = NULL;
    int rc = ilrs_dict_create(&dict);
    if (rc != 0) {
        die("dict", rc);
    }
    for (unsigned p = 0; p < HK_PACKETS; p++) {
        char pname[32], fnames[HK_FIELDS][32];
        ilrs_dict_field_t fields[HK_FIELDS];
        memset(fields, 0, sizeof fields);
        for (unsigned f = 0; f < HK_FIELDS; f++) {
            snprintf(fnames[f], sizeof fnames[f], "param_%u", f);
            ilrs_dict_field_t *fd = &fields[f];
            fd->name = fnames[f];
            switch (f % 7) {
            case 0: /* a voltage: counts to volts, with limits */
                fd->type = ILRS_DICT_U16;
                fd->cal_scale = 0.001;
                fd->has_limits = true;
                fd->crit_low = 22, fd->warn_low = 24, fd->warn_high = 32, fd->crit_high = 34;
                break;
            case 1:
                fd->type = ILRS_DICT_I16;
                fd->cal_scale = 0.01;
                break;
            case 2:
                fd->type = ILRS_DICT_U32;
                break;
            case 3:
                fd->type = ILRS_DICT_F32;
                fd->has_limits = true;
                fd->crit_low = -40, fd->warn_low = -20, fd->warn_high = 60, fd->crit_high = 80;
                break;
            case 4:
                fd->type = ILRS_DICT_U8;
                fd->enums = modes;
                fd->enum_count = 3;
                break;
            case 5:
                fd->type = ILRS_DICT_F64;
                break;
            default:
                fd->type = ILRS_DICT_BOOL;
                break;
            }
        }
        snprintf(pname, sizeof pname, "HK_%u", p);
        ilrs_dict_packet_t pk = {.name = pname,
                                 .apid = (uint16_t)(0x100 + p),
                                 .owner = "station",
                                 .app = "HK",
                                 .fields = fields,
                                 .field_count = HK_FIELDS};
        if ((rc = ilrs_dict_add_packet(dict, &pk, NULL)) != 0) {
            die("add packet", rc);
        }
    }
    ilrs_dict_field_t day_field = {.name = "temperature", .type = ILRS_DICT_F32, .unit = "K"};
    ilrs_dict_packet_t day = {.name = "DAY",
                              .apid = 0x200,
                              .owner = "station",
                              .app = "THERM",
                              .fields = &day_field,
                              .field_count = 1};
    if ((rc = ilrs_dict_add_packet(dict, &day, NULL)) != 0) {
        die("add packet", rc);
    }
    return dict;
}

/* Packets i = 0..n-1 round-robin over the HK packets, 10 Hz each. */
static uint8_t *build_packets(const ilrs_dict_t *dict, size_t n, size_t *stride)
{
    const ilrs_dict_packet_t *d0 = ilrs_dict_find_packet(dict, 0x100);
    *stride = d0->length;
    uint8_t *buf = calloc(n, *stride);
    if (buf == NULL) {
        die("packets", ILRS_ENOMEM);
    }
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 7);
    for (size_t i = 0; i < n; i++) {
        const ilrs_dict_packet_t *def =
            ilrs_dict_find_packet(dict, (uint16_t)(0x100 + i % HK_PACKETS));
        uint8_t *p = buf + i * *stride;
        ilrs_tai_t t = T0 + (ilrs_tai_t)(i / HK_PACKETS) * (ILRS_NS_PER_S / 10);
        if (ilrs_ccsds_tlm_init(p, *stride, def->apid, def->length, t) != 0) {
            die("tlm_init", ILRS_EINVAL);
        }
        for (unsigned f = 0; f < HK_FIELDS; f++) {
            const ilrs_dict_field_t *fd = &def->fields[f];
            double v;
            switch (f % 7) {
            case 0:
                v = 28000 + 2000 * ilrs_rng_normal(&rng);
                break;
            case 1:
                v = 500 * ilrs_rng_normal(&rng);
                break;
            case 2:
                v = (double)(i / HK_PACKETS);
                break;
            case 3:
                v = 20 + 5 * ilrs_rng_normal(&rng);
                break;
            case 4:
                v = (double)((i / 1000) % 3);
                break;
            case 5:
                v = ilrs_rng_uniform(&rng) * 1e3;
                break;
            default:
                v = (double)((i / 100) & 1);
                break;
            }
            if (f % 7 == 0 && (v < 0 || v > 65535)) {
                v = 28000;
            }
            if (ilrs_dict_set_raw(fd, p, def->length, v) != 0) {
                die("set_raw", ILRS_ERANGE);
            }
        }
    }
    return buf;
}

static double ingest_rate(const char *url, const ilrs_dict_t *dict, const uint8_t *pkts, size_t n,
                          size_t stride)
{
    ilrs_ground_archive_t *a = NULL;
    int rc = ilrs_ground_archive_open(url, NULL, &a);
    if (rc != 0) {
        die(url, rc);
    }
    double t0 = now_s(), c0 = cpu_s();
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = pkts + i * stride;
        if ((rc = ilrs_ground_archive_ingest(a, dict, p, stride, T0)) != 0) {
            die("ingest", rc);
        }
    }
    if ((rc = ilrs_ground_archive_close(a)) != 0) {
        die("close", rc);
    }
    double dt = now_s() - t0, dc = cpu_s() - c0;
    fprintf(stderr, "bench_archive: %s: %.0f samples/s wall, %.0f samples per CPU second\n",
            strncmp(url, "sqlite:", 7) == 0 ? "sqlite" : "postgresql", (double)n * HK_FIELDS / dt,
            (double)n * HK_FIELDS / dc);
    return (double)n * HK_FIELDS / dt;
}

static void bench_history(const char *dir, const ilrs_dict_t *dict)
{
    char url[600];
    snprintf(url, sizeof url, "sqlite:%s/day.db", dir);
    ilrs_ground_archive_t *a = NULL;
    int rc = ilrs_ground_archive_open(url, NULL, &a);
    if (rc != 0) {
        die(url, rc);
    }
    const ilrs_dict_packet_t *def = ilrs_dict_find_packet(dict, 0x200);
    uint8_t pkt[64];
    for (int i = 0; i < 86400; i++) {
        ilrs_tai_t t = T0 + (ilrs_tai_t)i * ILRS_NS_PER_S;
        if (ilrs_ccsds_tlm_init(pkt, sizeof pkt, def->apid, def->length, t) != 0 ||
            ilrs_dict_set_raw(&def->fields[0], pkt, def->length, 250 + 30 * (i % 7200) / 7200.0) !=
                0) {
            die("day packet", ILRS_EINVAL);
        }
        if ((rc = ilrs_ground_archive_ingest(a, dict, pkt, def->length, t)) != 0) {
            die("ingest", rc);
        }
    }
    if ((rc = ilrs_ground_archive_close(a)) != 0 ||
        (rc = ilrs_ground_archive_open(url, NULL, &a)) != 0) {
        die("reopen", rc);
    }
    int64_t s = ilrs_ground_time_ms(T0), e = s + 86400 * 1000 - 1;
    double best_all = 1e9, best_mm = 1e9;
    for (int rep = 0; rep < 5; rep++) {
        ilrs_ground_history_t h;
        double t0 = now_s();
        rc = ilrs_ground_archive_history(a, "DAY.temperature", NULL, s, e, ILRS_GROUND_ALL, 0, &h);
        double dt = now_s() - t0;
        if (rc != 0 || h.count != 86400) {
            die("history", rc != 0 ? rc : ILRS_ERANGE);
        }
        ilrs_ground_history_free(&h);
        best_all = dt < best_all ? dt : best_all;
        t0 = now_s();
        rc = ilrs_ground_archive_history(a, "DAY.temperature", NULL, s, e, ILRS_GROUND_MINMAX, 1000,
                                         &h);
        dt = now_s() - t0;
        if (rc != 0 || h.bucket_count != 1000) {
            die("minmax", rc != 0 ? rc : ILRS_ERANGE);
        }
        ilrs_ground_history_free(&h);
        best_mm = dt < best_mm ? dt : best_mm;
    }
    ilrs_ground_archive_close(a);
    printf("bench: archive_history_day_ms %.2f ms\n", best_all * 1e3);
    printf("bench: archive_history_minmax_day_ms %.2f ms\n", best_mm * 1e3);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 150000;
    if (n == 0) {
        n = 150000;
    }
    ilrs_dict_t *dict = build_dict();
    size_t stride;
    uint8_t *pkts = build_packets(dict, n, &stride);
    char dir[256];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/ilrs-bench-XXXXXX", tmp != NULL && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        die("mkdtemp", ILRS_EIO);
    }
    char url[600];
    snprintf(url, sizeof url, "sqlite:%s/ingest.db", dir);
    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        char path[600];
        snprintf(path, sizeof path, "rm -f '%s'/ingest.db*", dir);
        if (system(path) != 0) {
            die("rm", ILRS_EIO);
        }
        double r = ingest_rate(url, dict, pkts, n, stride);
        best = r > best ? r : best;
    }
    fprintf(stderr, "bench_archive: %zu packets of %d parameters (%zu octets), best of 3\n", n,
            HK_FIELDS, stride);
    printf("bench: archive_ingest_samples_per_s %.0f samples/s\n", best);
    bench_history(dir, dict);

    pg_server_t pg;
    char why[256];
    int rc = pg_server_start(&pg, why, sizeof why);
    if (rc == 0) {
        char pg_url[1024];
        if (pg_server_create_db(&pg, pg_url, sizeof pg_url) == 0) {
            size_t pn = n < 50000 ? n : 50000;
            printf("bench: archive_ingest_pg_samples_per_s %.0f samples/s\n",
                   ingest_rate(pg_url, dict, pkts, pn, stride));
        }
        pg_server_stop(&pg);
    } else {
        fprintf(stderr, "bench_archive: PostgreSQL figure skipped: %s\n", why);
        pg_server_stop(&pg);
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "bench_archive: could not remove %s\n", dir);
    }
    free(pkts);
    ilrs_dict_destroy(dict);
    return 0;
}
