/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Live data products (ilrs_ground_files_produce): the cost of one complete day of a
 * 1 Hz partner packet (86 400 rows, 8 fields) written through a second SQLite
 * connection, the re-check of that day (a count of its packets), and the longest an
 * ingest call (ingest or the once-a-second commit) waited while the producer wrote
 * that day from another thread, next to the longest without it.
 * Prints bench: lines on stdout, details on stderr.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ilrs/ccsds.h>
#include <ilrs/dict.h>
#include <ilrs/ground.h>

#define DAY_S 86400

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int make_dict(ilrs_dict_t **out)
{
    int rc = ilrs_dict_create(out);
    if (rc == 0) {
        rc = ilrs_dict_add_partner(*out, &(ilrs_dict_partner_t){"esa", "European Space Agency"});
    }
    ilrs_dict_field_t fields[8] = {
        {.name = "t1", .type = ILRS_DICT_F32}, {.name = "t2", .type = ILRS_DICT_F32},
        {.name = "v", .type = ILRS_DICT_F64},  {.name = "i", .type = ILRS_DICT_F32},
        {.name = "c1", .type = ILRS_DICT_U32}, {.name = "c2", .type = ILRS_DICT_U16},
        {.name = "m", .type = ILRS_DICT_U8},   {.name = "e", .type = ILRS_DICT_I16},
    };
    const char *names[2] = {"ESA_SCI", "STATION_HK"};
    const char *owners[2] = {"esa", "station"};
    for (int i = 0; i < 2 && rc == 0; i++) {
        ilrs_dict_packet_t p = {.name = names[i], .apid = (uint16_t)(300 + i), .owner = owners[i],
                                .app = "BENCH", .fields = fields, .field_count = 8};
        rc = ilrs_dict_add_packet(*out, &p, NULL);
    }
    return rc;
}

static int ingest(ilrs_ground_archive_t *a, const ilrs_dict_t *dict, const char *packet,
                  ilrs_tai_t t, int k)
{
    const ilrs_dict_packet_t *def = ilrs_dict_find_packet_by_name(dict, packet);
    uint8_t pkt[128];
    memset(pkt, 0, sizeof pkt);
    int rc = ilrs_ccsds_tlm_init(pkt, sizeof pkt, def->apid, def->length, t);
    for (size_t f = 0; rc == 0 && f < def->field_count; f++) {
        rc = ilrs_dict_set_raw(&def->fields[f], pkt, def->length,
                               (double)((k * 7 + (int)f * 13) % 200) * 0.37);
    }
    return rc != 0 ? rc : ilrs_ground_archive_ingest(a, dict, pkt, def->length, t);
}

typedef struct job {
    ilrs_ground_files_producer_t *producer;
    ilrs_ground_archive_t *archive;
    ilrs_ground_files_report_t report;
    double ms;
    int rc;
    atomic_bool done;
} job_t;

static void *produce(void *arg)
{
    job_t *j = arg;
    double t0 = now_ms();
    j->rc = ilrs_ground_files_produce(j->producer, j->archive, false, &j->report);
    j->ms = now_ms() - t0;
    atomic_store(&j->done, true);
    return NULL;
}

/* Ingest station packets (and commit every 1000, as the link does each second) until
 * *stop, or n of them; the longest single call in ms. */
static double ingest_run(ilrs_ground_archive_t *a, const ilrs_dict_t *dict, ilrs_tai_t t0,
                         const atomic_bool *stop, int n, int *count)
{
    double worst = 0.0;
    int k = 0;
    while ((stop != NULL && !atomic_load(stop)) || (stop == NULL && k < n)) {
        double s = now_ms();
        int rc = ingest(a, dict, "STATION_HK", t0 + (ilrs_tai_t)k * 1000000, k);
        if (rc == 0 && k % 1000 == 999) {
            rc = ilrs_ground_archive_flush(a);
        }
        double d = now_ms() - s;
        worst = d > worst ? d : worst;
        if (rc != 0) {
            fprintf(stderr, "bench_files: ingest: %s\n", ilrs_strerror(rc));
            break;
        }
        k++;
    }
    *count = k;
    return worst;
}

int main(void)
{
    char dir[] = "/tmp/ilrs_bench_files_XXXXXX";
    if (mkdtemp(dir) == NULL) {
        return 1;
    }
    char url[128], files[128];
    snprintf(url, sizeof url, "sqlite:%s/archive.sqlite", dir);
    snprintf(files, sizeof files, "%s/files", dir);
    ilrs_dict_t *dict = NULL;
    ilrs_ground_archive_t *ing = NULL, *prod = NULL;
    ilrs_ground_files_producer_t *producer = NULL;
    int rc = make_dict(&dict);
    if (rc == 0) rc = ilrs_ground_archive_open(url, NULL, &ing);
    if (rc == 0) rc = ilrs_ground_archive_open(url, NULL, &prod);
    if (rc == 0) rc = ilrs_ground_files_producer_create(dict, files, NULL, &producer);
    /* 2030-01-01T00:00:00Z in TAI ns since 1958: 26298 days + 37 s */
    ilrs_tai_t day1 = (INT64_C(26298) * DAY_S + 37) * INT64_C(1000000000);
    for (int s = 0; rc == 0 && s < DAY_S; s++) {
        rc = ingest(ing, dict, "ESA_SCI", day1 + (ilrs_tai_t)s * 1000000000, s);
    }
    ilrs_tai_t day2 = day1 + (ilrs_tai_t)DAY_S * 1000000000;
    if (rc == 0) rc = ingest(ing, dict, "STATION_HK", day2 + INT64_C(3600) * 1000000000, 0);
    if (rc == 0) rc = ilrs_ground_archive_flush(ing);
    if (rc != 0) {
        fprintf(stderr, "bench_files: setup: %s\n", ilrs_strerror(rc));
        return 1;
    }
    /* Ingest while the producer writes the complete day from another thread. */
    job_t j = {.producer = producer, .archive = prod};
    pthread_t th;
    pthread_create(&th, NULL, produce, &j);
    int n_during = 0;
    double during = ingest_run(ing, dict, day2 + INT64_C(3700) * 1000000000, &j.done, 0,
                               &n_during);
    pthread_join(th, NULL);
    /* Ingest alone, as many packets (WAL growth and checkpoints alike): the reference. */
    int n_alone = 0;
    double alone = ingest_run(ing, dict, day2 + INT64_C(7200) * 1000000000, NULL, n_during,
                              &n_alone);
    if (j.rc != 0 || j.report.written != 1) {
        fprintf(stderr, "bench_files: produce: %s, %zu written\n", ilrs_strerror(j.rc),
                j.report.written);
        return 1;
    }
    /* The re-check of that day (a count of its packets, nothing new). */
    ilrs_ground_files_report_t r;
    double t0 = now_ms();
    rc = ilrs_ground_files_produce(producer, prod, true, &r);
    double recheck = now_ms() - t0;
    fprintf(stderr,
            "bench_files: one day of a 1 Hz packet (86400 rows, 8 fields) in %.1f ms; "
            "%d station packets ingested meanwhile, longest ingest call %.2f ms "
            "(alone, %d packets: %.2f ms); re-check %.1f ms\n",
            j.ms, n_during, during, n_alone, alone, recheck);
    printf("bench: files_day_1hz_ms %.1f ms\n", j.ms);
    printf("bench: files_recheck_day_1hz_ms %.1f ms\n", recheck);
    printf("bench: files_ingest_worst_call_during_ms %.2f ms\n", during);
    printf("bench: files_ingest_worst_call_alone_ms %.2f ms\n", alone);
    ilrs_ground_files_producer_destroy(producer);
    ilrs_ground_archive_close(prod);
    ilrs_ground_archive_close(ing);
    ilrs_dict_destroy(dict);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 && rc == 0 ? 0 : 1;
}
