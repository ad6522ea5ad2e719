// SPDX-License-Identifier: Apache-2.0
// Dictionary benchmarks: telemetry lookup by APID, command checks per second, and
// JSON export/import of a station-sized dictionary (1000 packets of 20 fields,
// 1000 commands of 4 arguments). Prints `bench: <name> <value> <unit>` lines.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ilrs/dict.h>

#include "dict/dict_int.h"

#define PACKETS  1000
#define FIELDS   20
#define COMMANDS 1000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static ilrs_dict_t *build(void)
{
    ilrs_dict_t *dict = NULL;
    if (ilrs_dict_create(&dict) != 0) {
        exit(1);
    }
    static const ilrs_dict_enum_t modes[] = {{0, "OFF"}, {1, "ON"}, {2, "AUTO"}};
    for (unsigned p = 0; p < PACKETS; p++) {
        char pname[32];
        char fnames[FIELDS][32];
        ilrs_dict_field_t fields[FIELDS];
        memset(fields, 0, sizeof fields);
        for (unsigned f = 0; f < FIELDS; f++) {
            snprintf(fnames[f], sizeof fnames[f], "field_%u", f);
            fields[f].name = fnames[f];
            fields[f].type = (ilrs_dict_type_t)(f % 10);
            fields[f].unit = "V";
            if (f % 10 == ILRS_DICT_F32) {
                fields[f].has_limits = true;
                fields[f].crit_low = -10, fields[f].warn_low = -5;
                fields[f].warn_high = 5, fields[f].crit_high = 10;
            }
        }
        snprintf(pname, sizeof pname, "PKT_%u", p);
        ilrs_dict_packet_t pkt = {.name = pname,
                                  .apid = (uint16_t)(p + 1),
                                  .owner = "station",
                                  .app = "BENCH",
                                  .fields = fields,
                                  .field_count = FIELDS};
        if (ilrs_dict_add_packet(dict, &pkt, NULL) != 0) {
            exit(1);
        }
    }
    for (unsigned c = 0; c < COMMANDS; c++) {
        char cname[32];
        snprintf(cname, sizeof cname, "Command%u", c);
        ilrs_dict_field_t args[4] = {
            {.name = "mode", .type = ILRS_DICT_U8, .enums = modes, .enum_count = 3},
            {.name = "level", .type = ILRS_DICT_F32, .has_range = true, .min = 0, .max = 100},
            {.name = "count", .type = ILRS_DICT_U32, .has_range = true, .min = 1, .max = 1000},
            {.name = "label", .type = ILRS_DICT_STRING, .length = 8},
        };
        ilrs_dict_command_t cmd = {.name = cname,
                                   .apid = (uint16_t)(1100 + c / 100),
                                   .function_code = (uint8_t)(c % 100),
                                   .owner = "station",
                                   .args = args,
                                   .arg_count = 4};
        if (ilrs_dict_add_command(dict, &cmd, NULL) != 0) {
            exit(1);
        }
    }
    return dict;
}

int main(void)
{
    double t0 = now_s();
    ilrs_dict_t *dict = build();
    double t_build = now_s() - t0;
    printf("bench: dict_build_1000x20_packets_1000_commands %.1f ms\n", t_build * 1e3);

    /* lookups by APID */
    const long lookups = 20000000;
    uintptr_t sink = 0;
    t0 = now_s();
    for (long i = 0; i < lookups; i++) {
        sink += (uintptr_t)ilrs_dict_find_packet(dict, (uint16_t)(1 + (i % PACKETS)));
    }
    double t = now_s() - t0;
    printf("bench: dict_find_packet_by_apid %.1f ns\n", t / (double)lookups * 1e9);

    /* command checks */
    const ilrs_dict_command_t *cmd = ilrs_dict_command_at(dict, 123);
    const char *args[] = {"AUTO", "42.5", "7", "relay"};
    uint8_t pkt[64];
    size_t len = 0;
    char error[160];
    if (ilrs_dict_build_command(cmd, args, 4, pkt, sizeof pkt, &len, error, sizeof error) != 0) {
        fprintf(stderr, "build: %s\n", error);
        return 1;
    }
    const long checks = 5000000;
    t0 = now_s();
    for (long i = 0; i < checks; i++) {
        ilrs_dict_check_t check;
        sink += (uintptr_t)ilrs_dict_check_command(dict, pkt, len, &check);
    }
    t = now_s() - t0;
    printf("bench: dict_check_command %.2f Mcmd/s\n", (double)checks / t / 1e6);

    /* JSON */
    size_t json_len = 0;
    t0 = now_s();
    char *json = ilrs__dict_json_text(dict, &json_len);
    t = now_s() - t0;
    if (json == NULL) {
        return 1;
    }
    printf("bench: dict_json_write %.1f ms\n", t * 1e3);
    printf("bench: dict_json_size %.2f MB\n", (double)json_len / 1e6);
    t0 = now_s();
    ilrs_dict_t *copy = NULL;
    if (ilrs_dict_parse_json(json, json_len, &copy, error, sizeof error) != 0) {
        fprintf(stderr, "parse: %s\n", error);
        return 1;
    }
    t = now_s() - t0;
    printf("bench: dict_json_read %.1f ms\n", t * 1e3);

    FILE *devnull = fopen("/dev/null", "w");
    t0 = now_s();
    if (devnull == NULL || ilrs_dict_write_xtce(dict, NULL, devnull) != 0) {
        return 1;
    }
    t = now_s() - t0;
    fclose(devnull);
    printf("bench: dict_xtce_write %.1f ms\n", t * 1e3);
    fprintf(stderr, "(sink %lu)\n", (unsigned long)(sink & 1u));
    free(json);
    ilrs_dict_destroy(copy);
    ilrs_dict_destroy(dict);
    return 0;
}
