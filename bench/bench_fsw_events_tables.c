/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Throughput of the event service and the parameter tables: cost of an event
 * that is sent (formatted, logged, sunk, packed), of one stopped by a filter and
 * by the rate limit, of a text table load + commit and of a dump. Prints
 * `bench: <name> <value> <unit>` lines (docs/DEVELOPING.md).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <ilrs/fsw.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static ilrs_tai_t virtual_time;

static ilrs_tai_t bench_clock(void *user)
{
    (void)user;
    return virtual_time;
}

static uint8_t packet[ILRS_EVS_PACKET_LEN];
static uint64_t packed;

static void pack_sink(void *user, const ilrs_evs_record_t *record)
{
    (void)user;
    size_t len;
    if (ilrs_evs_packet_encode(record, 0x40, packet, sizeof(packet), &len) == 0) {
        packed++;
    }
}

static int bench_events(void)
{
    ilrs_evs_t *evs = NULL;
    ilrs_evs_config_t cfg = {.log_size = 1024};
    if (ilrs_evs_create(&cfg, &evs) != 0) {
        return 1;
    }
    ilrs_evs_set_clock(evs, bench_clock, NULL);
    ilrs_evs_set_sink(evs, pack_sink, NULL);
    ilrs_evs_filter_t filter = {2, ILRS_EVS_FIRST_ONE_STOP};
    ilrs_evs_app_config_t app = {.name = "BENCH", .filters = &filter, .filter_count = 1};
    ilrs_evs_app_config_t limited = {
        .name = "LIMITED", .rate_limit_events = 10, .rate_limit_window = ILRS_NS_PER_S};
    if (ilrs_evs_register(evs, 1, &app) != 0 || ilrs_evs_register(evs, 2, &limited) != 0) {
        ilrs_evs_destroy(evs);
        return 1;
    }
    const int n = 1000000;
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        virtual_time += 1000;
        ilrs_evs_send(evs, 1, 1, ILRS_EVENT_INFO, "battery %d at %.2f V", i, 27.5);
    }
    double t1 = now_s();
    for (int i = 0; i < n; i++) {
        ilrs_evs_send(evs, 1, 2, ILRS_EVENT_INFO, "battery %d at %.2f V", i, 27.5);
    }
    double t2 = now_s();
    for (int i = 0; i < n; i++) {
        ilrs_evs_send(evs, 2, 1, ILRS_EVENT_INFO, "battery %d at %.2f V", i, 27.5);
    }
    double t3 = now_s();
    printf("bench: evs_send_sent %.1f ns/event\n", (t1 - t0) / n * 1e9);
    printf("bench: evs_send_filtered %.1f ns/event\n", (t2 - t1) / n * 1e9);
    printf("bench: evs_send_rate_limited %.1f ns/event\n", (t3 - t2) / n * 1e9);
    fprintf(stderr, "packed %llu packets\n", (unsigned long long)packed);
    ilrs_evs_destroy(evs);
    return 0;
}

typedef struct bench_params {
    double thresholds[32];
    int32_t counts[32];
    uint8_t mode;
    char label[32];
} bench_params_t;

static int bench_tables(void)
{
    static const ilrs_dict_enum_t modes[] = {{0, "SAFE"}, {1, "NOMINAL"}};
    const ilrs_tbl_field_t fields[] = {
        {.name = "thresholds",
         .type = ILRS_DICT_F64,
         .count = 32,
         .offset = offsetof(bench_params_t, thresholds),
         .default_value = 0.123456789,
         .has_range = true,
         .min = -1,
         .max = 1},
        {.name = "counts",
         .type = ILRS_DICT_I32,
         .count = 32,
         .offset = offsetof(bench_params_t, counts),
         .default_value = -123456},
        {.name = "mode",
         .type = ILRS_DICT_U8,
         .offset = offsetof(bench_params_t, mode),
         .enums = modes,
         .enum_count = 2,
         .default_value = 1},
        {.name = "label",
         .type = ILRS_DICT_STRING,
         .length = 32,
         .offset = offsetof(bench_params_t, label),
         .default_string = "benchmark table"},
    };
    ilrs_tbl_def_t def = {
        .name = "BENCH_PARAMS", .size = sizeof(bench_params_t), .fields = fields, .field_count = 4};
    ilrs_tbl_registry_t *reg = NULL;
    ilrs_tbl_t *t = NULL;
    static char text[16384];
    size_t len;
    if (ilrs_tbl_registry_create(1, &reg) != 0 || ilrs_tbl_register(reg, &def, &t, NULL) != 0 ||
        ilrs_tbl_dump_text(t, text, sizeof(text), &len) != 0) {
        ilrs_tbl_registry_destroy(reg);
        return 1;
    }
    const int n = 20000;
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        if (ilrs_tbl_load_text(t, text, len, "bench", NULL) != 0 || ilrs_tbl_commit(t) != 0) {
            ilrs_tbl_registry_destroy(reg);
            return 1;
        }
    }
    double t1 = now_s();
    for (int i = 0; i < n; i++) {
        ilrs_tbl_dump_text(t, text, sizeof(text), &len);
    }
    double t2 = now_s();
    printf("bench: tbl_load_commit_text %.2f us/load\n", (t1 - t0) / n * 1e6);
    fprintf(stderr, "table text form: %zu octets, 66 values\n", len);
    printf("bench: tbl_dump_text %.2f us/dump\n", (t2 - t1) / n * 1e6);
    ilrs_tbl_registry_destroy(reg);
    return 0;
}

int main(void)
{
    return bench_events() | bench_tables();
}
