/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the stored-command sequence text format (ilrs_sc_parse, the
 * SC app's loader). Arbitrary input must never crash, and:
 * - a rejected text leaves the program untouched and names a line;
 * - an accepted text yields only packets that pass the dictionary's own check
 *   (so SC can never store a command the ingest would refuse for its form).
 * Violations abort(), which libFuzzer and the seed replay both report.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/apps.h>
#include <ilrs/dict.h>

static const ilrs_dict_enum_t modes[] = {{0, "NOMINAL"}, {1, "SAFE"}};
static const ilrs_dict_field_t mode_arg[] = {
    {.name = "mode", .type = ILRS_DICT_U8, .enums = modes, .enum_count = 2}};
static const ilrs_dict_field_t line_args[] = {
    {.name = "line", .type = ILRS_DICT_STRING, .length = 32},
    {.name = "on", .type = ILRS_DICT_BOOL},
    {.name = "level", .type = ILRS_DICT_F64, .has_range = true, .min = 0, .max = 1}};

static ilrs_dict_t *dictionary(void)
{
    static ilrs_dict_t *d;
    if (d == NULL) {
        if (ilrs_dict_create(&d) != 0) {
            abort();
        }
        ilrs_dict_command_t a = {.name = "ModeSet", .apid = 0x101, .function_code = 2,
                                 .owner = "station", .app = "MODE", .args = mode_arg,
                                 .arg_count = 1};
        ilrs_dict_command_t b = {.name = "PwrSetLoadLine", .apid = 0x100, .function_code = 2,
                                 .owner = "station", .app = "POWER", .args = line_args,
                                 .arg_count = 3};
        ilrs_dict_command_t c = {.name = "ScStartAts", .apid = 0x102, .function_code = 4,
                                 .owner = "station", .app = "SC"};
        if (ilrs_dict_add_command(d, &a, NULL) != 0 || ilrs_dict_add_command(d, &b, NULL) != 0 ||
            ilrs_dict_add_command(d, &c, NULL) != 0) {
            abort();
        }
    }
    return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ilrs_sc_program_t prog, before;
    ilrs_dict_t *d = dictionary();
    memset(&prog, 0, sizeof prog);
    memcpy(&before, &prog, sizeof prog);
    char err[256];
    int rc = ilrs_sc_parse((const char *)data, size, d, &prog, err, sizeof err);
    if (rc != 0) {
        if (memcmp(&before, &prog, sizeof prog) != 0 || strncmp(err, "line ", 5) != 0) {
            abort();
        }
        return 0;
    }
    for (size_t r = 0; r < ILRS_SC_MAX_RTS; r++) {
        for (uint32_t i = 0; i < prog.rts_count[r]; i++) {
            const ilrs_sc_command_t *c = &prog.rts[r][i];
            if (c->time < 0 || ilrs_dict_check_command(d, c->packet, c->len, NULL) != 0) {
                abort();
            }
        }
    }
    for (uint32_t i = 0; i < prog.ats_count; i++) {
        const ilrs_sc_command_t *c = &prog.ats[i];
        if ((i > 0 && c->time < prog.ats[i - 1].time) ||
            ilrs_dict_check_command(d, c->packet, c->len, NULL) != 0) {
            abort();
        }
    }
    return 0;
}
