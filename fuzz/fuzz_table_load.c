/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the parameter table text loader (ilrs_tbl_load_text, and
 * ilrs_tbl_load_image on the same octets). Arbitrary input must never crash, and:
 * - a rejected load leaves the active image, its CRC and generation unchanged,
 *   with nothing pending and an error message naming the source;
 * - an accepted load, once committed, has the CRC of its image, and its text
 *   dump loads back to the very same image (the dump/load round trip).
 * Violations abort(), which libFuzzer and the seed replay both report.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/fsw.h>

typedef struct fuzz_params {
    uint8_t mode;
    bool enabled;
    int16_t offset;
    uint32_t period_ms;
    double threshold;
    float gains[4];
    char label[12];
    uint8_t key[3];
    uint64_t big;
    int64_t signed_big;
    int8_t small;
} fuzz_params_t;

static const ilrs_dict_enum_t modes[] = {{0, "OFF"}, {1, "ON"}, {5, "AUTO"}};

static const ilrs_tbl_field_t fields[] = {
    {.name = "mode",
     .type = ILRS_DICT_U8,
     .offset = offsetof(fuzz_params_t, mode),
     .enums = modes,
     .enum_count = 3},
    {.name = "enabled", .type = ILRS_DICT_BOOL, .offset = offsetof(fuzz_params_t, enabled)},
    {.name = "offset",
     .type = ILRS_DICT_I16,
     .offset = offsetof(fuzz_params_t, offset),
     .has_range = true,
     .min = -500,
     .max = 500},
    {.name = "period_ms",
     .type = ILRS_DICT_U32,
     .offset = offsetof(fuzz_params_t, period_ms),
     .default_value = 100,
     .has_range = true,
     .min = 1,
     .max = 100000,
     .unit = "ms"},
    {.name = "threshold",
     .type = ILRS_DICT_F64,
     .offset = offsetof(fuzz_params_t, threshold),
     .has_range = true,
     .min = -1e6,
     .max = 1e6},
    {.name = "gains", .type = ILRS_DICT_F32, .count = 4, .offset = offsetof(fuzz_params_t, gains)},
    {.name = "label",
     .type = ILRS_DICT_STRING,
     .length = 12,
     .offset = offsetof(fuzz_params_t, label),
     .default_string = "x"},
    {.name = "key", .type = ILRS_DICT_BYTES, .length = 3, .offset = offsetof(fuzz_params_t, key)},
    {.name = "big", .type = ILRS_DICT_U64, .offset = offsetof(fuzz_params_t, big)},
    {.name = "signed_big", .type = ILRS_DICT_I64, .offset = offsetof(fuzz_params_t, signed_big)},
    {.name = "small", .type = ILRS_DICT_I8, .offset = offsetof(fuzz_params_t, small)},
};

/* A cross-field rule, so the callback path is fuzzed too. */
static int validate(void *user, const void *image, char *error, size_t cap)
{
    (void)user;
    const fuzz_params_t *p = image;
    if (p->enabled && p->mode == 0) {
        strncpy(error, "enabled with mode OFF", cap - 1);
        error[cap - 1] = '\0';
        return ILRS_EFSW_TABLE;
    }
    return 0;
}

static ilrs_tbl_t *table;
static char dump[16384];

static void setup(void)
{
    ilrs_tbl_registry_t *reg = NULL;
    ilrs_tbl_def_t def = {.name = "FUZZ_PARAMS",
                          .size = sizeof(fuzz_params_t),
                          .fields = fields,
                          .field_count = sizeof(fields) / sizeof(fields[0]),
                          .validate = validate};
    if (ilrs_tbl_registry_create(1, &reg) != 0 || ilrs_tbl_register(reg, &def, &table, NULL) != 0) {
        abort();
    }
    /* The registry lives for the whole process, as in flight. */
}

static void check_rejected(const fuzz_params_t *before, uint32_t crc, uint32_t gen,
                           const ilrs_tbl_error_t *err, int rc)
{
    if (memcmp(ilrs_tbl_get(table), before, sizeof(*before)) != 0 || ilrs_tbl_crc(table) != crc ||
        ilrs_tbl_generation(table) != gen || ilrs_tbl_is_pending(table) || err->code != rc ||
        err->message[0] == '\0') {
        abort();
    }
}

static void check_accepted(void)
{
    if (ilrs_tbl_commit(table) != 0) {
        abort();
    }
    fuzz_params_t image;
    memcpy(&image, ilrs_tbl_get(table), sizeof(image));
    if (ilrs_tbl_crc(table) != ilrs_crc32(0, &image, sizeof(image))) {
        abort();
    }
    size_t len;
    if (ilrs_tbl_dump_text(table, dump, sizeof(dump), &len) != 0) {
        abort();
    }
    ilrs_tbl_error_t err;
    if (ilrs_tbl_load_text(table, dump, len, "dump", &err) != 0 || ilrs_tbl_commit(table) != 0 ||
        memcmp(ilrs_tbl_get(table), &image, sizeof(image)) != 0) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (table == NULL) {
        setup();
    }
    fuzz_params_t before;
    memcpy(&before, ilrs_tbl_get(table), sizeof(before));
    uint32_t crc = ilrs_tbl_crc(table);
    uint32_t gen = ilrs_tbl_generation(table);
    ilrs_tbl_error_t err;

    int rc = ilrs_tbl_load_text(table, (const char *)data, size, "fuzz", &err);
    if (rc != 0) {
        check_rejected(&before, crc, gen, &err, rc);
    } else {
        check_accepted();
    }

    /* The same octets as a raw image, when the size fits. */
    if (size == sizeof(fuzz_params_t)) {
        memcpy(&before, ilrs_tbl_get(table), sizeof(before));
        crc = ilrs_tbl_crc(table);
        gen = ilrs_tbl_generation(table);
        rc = ilrs_tbl_load_image(table, data, size, &err);
        if (rc != 0) {
            check_rejected(&before, crc, gen, &err, rc);
        } else {
            check_accepted();
        }
    }
    return 0;
}
