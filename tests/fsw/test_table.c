/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the parameter tables (src/fsw/fsw_table.c): defaults, load + commit,
 * every kind of rejected load leaving the active image untouched octet for
 * octet, CRC and generation on commit, dump -> load round trips (memory and
 * file), raw image loads, the validation callback and registry errors.
 */
#include "ilrs_test.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include <ilrs/fsw.h>

/* A parameter table with one field of each kind; padding is left on purpose. */
typedef struct sample_params {
    uint8_t heater_mode;
    bool enabled;
    int16_t offset_counts;
    uint32_t period_ms;
    double soc_low;
    double soc_high;
    float gains[3];
    char label[16];
    uint8_t key[4];
    uint64_t big;
    int64_t signed_big;
} sample_params_t;

static const ilrs_dict_enum_t heater_modes[] = {{0, "OFF"}, {1, "ON"}, {2, "AUTO"}};
static const ilrs_dict_enum_t negative_mode[] = {{-1, "NEG"}};

static const ilrs_tbl_field_t sample_fields[] = {
    {.name = "heater_mode",
     .type = ILRS_DICT_U8,
     .offset = offsetof(sample_params_t, heater_mode),
     .default_value = 2,
     .enums = heater_modes,
     .enum_count = 3,
     .description = "heater control mode"},
    {.name = "enabled",
     .type = ILRS_DICT_BOOL,
     .offset = offsetof(sample_params_t, enabled),
     .default_value = 1},
    {.name = "offset_counts",
     .type = ILRS_DICT_I16,
     .offset = offsetof(sample_params_t, offset_counts),
     .default_value = -12,
     .has_range = true,
     .min = -1000,
     .max = 1000,
     .unit = "count"},
    {.name = "period_ms",
     .type = ILRS_DICT_U32,
     .offset = offsetof(sample_params_t, period_ms),
     .default_value = 1000,
     .has_range = true,
     .min = 10,
     .max = 60000,
     .unit = "ms"},
    {.name = "soc_low",
     .type = ILRS_DICT_F64,
     .offset = offsetof(sample_params_t, soc_low),
     .default_value = 0.2,
     .has_range = true,
     .min = 0,
     .max = 1},
    {.name = "soc_high",
     .type = ILRS_DICT_F64,
     .offset = offsetof(sample_params_t, soc_high),
     .default_value = 0.9,
     .has_range = true,
     .min = 0,
     .max = 1},
    {.name = "gains",
     .type = ILRS_DICT_F32,
     .count = 3,
     .offset = offsetof(sample_params_t, gains),
     .default_value = 1.5,
     .has_range = true,
     .min = -10,
     .max = 10},
    {.name = "label",
     .type = ILRS_DICT_STRING,
     .length = 16,
     .offset = offsetof(sample_params_t, label),
     .default_string = "main"},
    {.name = "key", .type = ILRS_DICT_BYTES, .length = 4, .offset = offsetof(sample_params_t, key)},
    {.name = "big", .type = ILRS_DICT_U64, .offset = offsetof(sample_params_t, big)},
    {.name = "signed_big",
     .type = ILRS_DICT_I64,
     .offset = offsetof(sample_params_t, signed_big),
     .default_value = -5},
};

/* Cross-field rule only the app knows: the low threshold stays below the high one. */
static int check_thresholds(void *user, const void *image, char *error, size_t error_cap)
{
    (*(int *)user)++;
    const sample_params_t *p = image;
    if (p->soc_low >= p->soc_high) {
        snprintf(error, error_cap, "soc_low %.3f not below soc_high %.3f", p->soc_low, p->soc_high);
        return ILRS_EFSW_TABLE;
    }
    return 0;
}

static int validate_calls;

static ilrs_tbl_def_t sample_def(void)
{
    ilrs_tbl_def_t def = {
        .name = "SAMPLE_PARAMS",
        .app = "TEST",
        .description = "test table",
        .size = sizeof(sample_params_t),
        .fields = sample_fields,
        .field_count = sizeof(sample_fields) / sizeof(sample_fields[0]),
        .validate = check_thresholds,
        .validate_user = &validate_calls,
    };
    return def;
}

/* A complete, valid text form (different from the defaults in every field). */
static const char good_text[] = "# edited by hand\n"
                                "table = SAMPLE_PARAMS\n"
                                "heater_mode = ON      # label\n"
                                "enabled = false\n"
                                "offset_counts = -999\n"
                                "period_ms = 0x3E8\n"
                                "soc_low = 0.125\n"
                                "soc_high = 0.75\n"
                                "gains = 1, -2.5 ,3.25\n"
                                "label = \"bus \\\"A\\\" #1\"\n"
                                "key = 00ff10A0\n"
                                "big = 18446744073709551615\n"
                                "signed_big = -9223372036854775808\n";

static ilrs_tbl_registry_t *open_registry(ilrs_tbl_t **table)
{
    ilrs_tbl_registry_t *reg = NULL;
    assert_int_equal(ilrs_tbl_registry_create(4, &reg), 0);
    ilrs_tbl_def_t def = sample_def();
    ilrs_tbl_error_t err;
    int rc = ilrs_tbl_register(reg, &def, table, &err);
    if (rc != 0) {
        fail_msg("register: %s", err.message);
    }
    return reg;
}

static void table_defaults_applied(void **state)
{
    (void)state;
    ilrs_tbl_t *t;
    ilrs_tbl_registry_t *reg = open_registry(&t);
    const sample_params_t *p = ilrs_tbl_get(t);
    assert_int_equal(p->heater_mode, 2);
    assert_true(p->enabled);
    assert_int_equal(p->offset_counts, -12);
    assert_int_equal(p->period_ms, 1000);
    assert_true(p->soc_low == 0.2);
    assert_true(p->soc_high == 0.9);
    for (int i = 0; i < 3; i++) {
        assert_true(p->gains[i] == 1.5f);
    }
    assert_string_equal(p->label, "main");
    assert_memory_equal(p->key, "\0\0\0\0", 4);
    assert_int_equal(p->big, 0);
    assert_int_equal(p->signed_big, -5);
    assert_int_equal(ilrs_tbl_generation(t), 0);
    assert_int_equal(ilrs_tbl_crc(t), ilrs_crc32(0, p, sizeof(*p)));
    assert_int_equal(ilrs_tbl_size(t), sizeof(sample_params_t));
    assert_string_equal(ilrs_tbl_name(t), "SAMPLE_PARAMS");
    assert_false(ilrs_tbl_is_pending(t));
    ilrs_tbl_registry_destroy(reg);
}

static void table_good_load_and_commit(void **state)
{
    (void)state;
    ilrs_tbl_t *t;
    ilrs_tbl_registry_t *reg = open_registry(&t);
    sample_params_t before;
    memcpy(&before, ilrs_tbl_get(t), sizeof(before));
    uint32_t crc_before = ilrs_tbl_crc(t);

    ilrs_tbl_error_t err;
    int rc = ilrs_tbl_load_text(t, good_text, strlen(good_text), "good.tbl", &err);
    if (rc != 0) {
        fail_msg("load: %s", err.message);
    }
    assert_true(ilrs_tbl_is_pending(t));
    /* Validated but not committed: apps still see the old image. */
    assert_memory_equal(ilrs_tbl_get(t), &before, sizeof(before));
    assert_int_equal(ilrs_tbl_crc(t), crc_before);

    assert_int_equal(ilrs_tbl_commit(t), 0);
    assert_false(ilrs_tbl_is_pending(t));
    const sample_params_t *p = ilrs_tbl_get(t);
    assert_int_equal(p->heater_mode, 1);
    assert_false(p->enabled);
    assert_int_equal(p->offset_counts, -999);
    assert_int_equal(p->period_ms, 1000);
    assert_true(p->soc_low == 0.125);
    assert_true(p->soc_high == 0.75);
    assert_true(p->gains[0] == 1.0f && p->gains[1] == -2.5f && p->gains[2] == 3.25f);
    assert_string_equal(p->label, "bus \"A\" #1");
    assert_memory_equal(p->key, "\x00\xff\x10\xa0", 4);
    assert_true(p->big == UINT64_MAX);
    assert_true(p->signed_big == INT64_MIN);
    assert_int_equal(ilrs_tbl_generation(t), 1);
    assert_int_not_equal(ilrs_tbl_crc(t), crc_before);
    assert_int_equal(ilrs_tbl_crc(t), ilrs_crc32(0, p, sizeof(*p)));

    /* Loading the same content again changes nothing but the generation. */
    uint32_t crc1 = ilrs_tbl_crc(t);
    assert_int_equal(ilrs_tbl_load_text(t, good_text, strlen(good_text), NULL, NULL), 0);
    assert_int_equal(ilrs_tbl_commit(t), 0);
    assert_int_equal(ilrs_tbl_crc(t), crc1);
    assert_int_equal(ilrs_tbl_generation(t), 2);

    /* Commit and abort need a pending load. */
    assert_int_equal(ilrs_tbl_commit(t), ILRS_ESTATE);
    assert_int_equal(ilrs_tbl_abort(t), ILRS_ESTATE);
    assert_int_equal(ilrs_tbl_load_text(t, good_text, strlen(good_text), NULL, NULL), 0);
    assert_int_equal(ilrs_tbl_abort(t), 0);
    assert_int_equal(ilrs_tbl_commit(t), ILRS_ESTATE);
    assert_int_equal(ilrs_tbl_generation(t), 2);

    ilrs_tbl_stats_t st;
    ilrs_tbl_get_stats(t, &st);
    assert_int_equal(st.loads_ok, 3);
    assert_int_equal(st.commits, 2);
    assert_int_equal(st.loads_rejected, 0);
    ilrs_tbl_registry_destroy(reg);
}

/* Replace line @p line (1-based) of good_text by @p replacement (NULL deletes it). */
static void edit_line(char *out, size_t cap, int line, const char *replacement)
{
    const char *p = good_text;
    size_t len = 0;
    for (int n = 1; *p != '\0'; n++) {
        const char *nl = strchr(p, '\n');
        size_t l = (size_t)(nl - p) + 1;
        if (n == line) {
            if (replacement != NULL) {
                len += (size_t)snprintf(out + len, cap - len, "%s\n", replacement);
            }
        } else {
            len += (size_t)snprintf(out + len, cap - len, "%.*s", (int)l, p);
        }
        p += l;
    }
}

struct bad_case {
    const char *what;
    int line_no; /* line of good_text to replace, 0 = use text as is */
    const char *text;
    int code;
    uint32_t error_line; /* expected error line, 0 = not checked */
    const char *field;   /* expected field in the error, "" = none */
};

static const struct bad_case bad_cases[] = {
    {"truncated (missing fields)", 0, "table = SAMPLE_PARAMS\nheater_mode = ON\nenabled = tr",
     ILRS_ETYPE, 3, "enabled"},
    {"truncated at a line end", 0, "table = SAMPLE_PARAMS\nheater_mode = ON\n", ILRS_ETRUNC, 0,
     "enabled"},
    {"wrong table name", 2, "table = OTHER_PARAMS", ILRS_EFSW_TABLE, 2, ""},
    {"unknown field", 4, "enable = true", ILRS_ENOENT, 4, "enable"},
    {"out of range", 5, "offset_counts = 1001", ILRS_ERANGE, 5, "offset_counts"},
    {"below range float", 7, "soc_low = -0.001", ILRS_ERANGE, 7, "soc_low"},
    {"array element out of range", 9, "gains = 1, 2, 10.5", ILRS_ERANGE, 9, "gains"},
    {"does not fit the type", 6, "period_ms = 4294967296", ILRS_ERANGE, 6, "period_ms"},
    {"negative unsigned", 6, "period_ms = -5", ILRS_ERANGE, 6, "period_ms"},
    {"not an enumeration label", 3, "heater_mode = TOASTY", ILRS_ERANGE, 3, "heater_mode"},
    {"not an enumerated value", 3, "heater_mode = 7", ILRS_ERANGE, 3, "heater_mode"},
    {"duplicate field", 4, "heater_mode = OFF", ILRS_EEXIST, 4, "heater_mode"},
    {"bad crc", 0, NULL, ILRS_ECRC, 14, ""}, /* built in the test */
    {"garbage", 0,
     "\x7f"
     "ELF\x02\x01\x01\0\0\0",
     ILRS_EFORMAT, 1, ""},
    {"syntax", 5, "offset_counts: 5", ILRS_EFORMAT, 5, ""},
    {"string for a number", 5, "offset_counts = \"5\"", ILRS_ETYPE, 5, "offset_counts"},
    {"number for a string", 10, "label = main", ILRS_ETYPE, 10, "label"},
    {"not a boolean", 4, "enabled = yes", ILRS_ETYPE, 4, "enabled"},
    {"too few array values", 9, "gains = 1, 2", ILRS_EFORMAT, 9, "gains"},
    {"too many array values", 9, "gains = 1, 2, 3, 4", ILRS_EFORMAT, 9, "gains"},
    {"string too long", 10, "label = \"0123456789abcdef\"", ILRS_ERANGE, 10, "label"},
    {"unterminated string", 10, "label = \"abc", ILRS_EFORMAT, 10, "label"},
    {"short bytes", 11, "key = 00ff", ILRS_ERANGE, 11, "key"},
    {"not finite", 7, "soc_low = nan", ILRS_ETYPE, 7, "soc_low"},
    {"overflowing float", 9, "gains = 1, 1e39, 1", ILRS_ERANGE, 9, "gains"},
    {"text after value", 5, "offset_counts = 5 6", ILRS_EFORMAT, 5, "offset_counts"},
    {"field before table", 2, "heater_mode = ON", ILRS_EFORMAT, 2, ""},
    {"no table line", 0, "# just a comment\n\n", ILRS_EFORMAT, 0, ""},
    {"callback rejection", 8, "soc_high = 0.1", ILRS_EFSW_TABLE, 0, ""},
};

static void assert_rejected_untouched(ilrs_tbl_t *t, const char *text, size_t len,
                                      const struct bad_case *c)
{
    sample_params_t before;
    memcpy(&before, ilrs_tbl_get(t), sizeof(before));
    uint32_t crc = ilrs_tbl_crc(t);
    uint32_t gen = ilrs_tbl_generation(t);
    ilrs_tbl_stats_t st0, st1;
    ilrs_tbl_get_stats(t, &st0);

    ilrs_tbl_error_t err;
    int rc = ilrs_tbl_load_text(t, text, len, "bad.tbl", &err);
    if (rc != c->code) {
        fail_msg("%s: got %s (%s), expected %s", c->what, ilrs_errname(rc), err.message,
                 ilrs_errname(c->code));
    }
    assert_int_equal(err.code, rc);
    assert_string_equal(err.source, "bad.tbl");
    assert_non_null(strstr(err.message, "bad.tbl"));
    if (c->error_line != 0) {
        if (err.line != c->error_line) {
            fail_msg("%s: line %u, expected %u (%s)", c->what, err.line, c->error_line,
                     err.message);
        }
        char where[32];
        snprintf(where, sizeof(where), "bad.tbl:%u", c->error_line);
        assert_non_null(strstr(err.message, where));
    }
    assert_string_equal(err.field, c->field);
    if (c->field[0] != '\0') {
        assert_non_null(strstr(err.message, c->field));
    }
    /* The active image is untouched, octet for octet, and nothing is pending. */
    assert_memory_equal(ilrs_tbl_get(t), &before, sizeof(before));
    assert_int_equal(ilrs_tbl_crc(t), crc);
    assert_int_equal(ilrs_tbl_generation(t), gen);
    assert_false(ilrs_tbl_is_pending(t));
    assert_int_equal(ilrs_tbl_commit(t), ILRS_ESTATE);
    ilrs_tbl_get_stats(t, &st1);
    assert_int_equal(st1.loads_rejected, st0.loads_rejected + 1);
    assert_int_equal(st1.last_error.code, c->code);
    assert_string_equal(st1.last_error.message, err.message);
}

static void table_rejected_loads_leave_active_untouched(void **state)
{
    (void)state;
    ilrs_tbl_t *t;
    ilrs_tbl_registry_t *reg = open_registry(&t);
    /* Start from a committed non-default image so "untouched" is meaningful. */
    assert_int_equal(ilrs_tbl_load_text(t, good_text, strlen(good_text), NULL, NULL), 0);
    assert_int_equal(ilrs_tbl_commit(t), 0);

    char text[2048];
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const struct bad_case *c = &bad_cases[i];
        size_t len;
        if (c->code == ILRS_ECRC) {
            len = (size_t)snprintf(text, sizeof(text), "%scrc = 0x%08X\n", good_text,
                                   ilrs_crc32(0, good_text, strlen(good_text)) ^ 1u);
        } else if (c->line_no != 0) {
            edit_line(text, sizeof(text), c->line_no, c->text);
            len = strlen(text);
        } else if (strcmp(c->what, "garbage") == 0) {
            len = 10;
            memcpy(text, c->text, len);
        } else {
            len = strlen(c->text);
            memcpy(text, c->text, len);
        }
        /* A pending good load is discarded by a failing one. */
        assert_int_equal(ilrs_tbl_load_text(t, good_text, strlen(good_text), NULL, NULL), 0);
        assert_true(ilrs_tbl_is_pending(t));
        assert_rejected_untouched(t, text, len, c);
    }
    ilrs_tbl_registry_stats_t rs;
    ilrs_tbl_registry_get_stats(reg, &rs);
    assert_int_equal(rs.loads_rejected, sizeof(bad_cases) / sizeof(bad_cases[0]));
    ilrs_tbl_registry_destroy(reg);
}

static void table_line_limits(void **state)
{
    (void)state;
    ilrs_tbl_t *t;
    ilrs_tbl_registry_t *reg = open_registry(&t);
    char *text = malloc(4096);
    assert_non_null(text);
    /* A comment line longer than the limit. */
    int n = snprintf(text, 4096, "table = SAMPLE_PARAMS\n#");
    memset(text + n, 'x', 2000);
    text[n + 2000] = '\n';
    struct bad_case c = {"long line", 0, NULL, ILRS_EFORMAT, 2, ""};
    assert_rejected_untouched(t, text, (size_t)n + 2001, &c);
    /* Text after the crc line. */
    n = snprintf(text, 4096, "%scrc = 0x%08X\nheater_mode = OFF\n", good_text,
                 ilrs_crc32(0, good_text, strlen(good_text)));
    struct bad_case after = {"after crc", 0, NULL, ILRS_EFORMAT, 15, ""};
    assert_rejected_untouched(t, text, (size_t)n, &after);
    /* A correct crc line is accepted, and CRLF line ends are tolerated. */
    n = snprintf(text, 4096, "%scrc = 0x%08X\n\n", good_text,
                 ilrs_crc32(0, good_text, strlen(good_text)));
    assert_int_equal(ilrs_tbl_load_text(t, text, (size_t)n, NULL, NULL), 0);
    char *crlf = malloc(4096);
    assert_non_null(crlf);
    size_t m = 0;
    for (const char *p = good_text; *p != '\0'; p++) {
        if (*p == '\n') {
            crlf[m++] = '\r';
        }
        crlf[m++] = *p;
    }
    assert_int_equal(ilrs_tbl_load_text(t, crlf, m, NULL, NULL), 0);
    free(crlf);
    free(text);
    ilrs_tbl_registry_destroy(reg);
}

static void table_dump_load_round_trip(void **state)
{
    (void)state;
    ilrs_tbl_t *t;
    ilrs_tbl_registry_t *reg = open_registry(&t);
    /* Values that stress the text form: non-terminating binary fractions, extreme
     * exponents, every escape, integer extremes, enum values without labels... */
    sample_params_t v;
    memset(&v, 0, sizeof(v));
    v.heater_mode = 0;
    v.enabled = true;
    v.offset_counts = -1000;
    v.period_ms = 59999;
    v.soc_low = 0.1;
    v.soc_high = 0.30000000000000004;
    v.gains[0] = 1.0f / 3.0f;
    v.gains[1] = -1.17549435e-38f;
    v.gains[2] = 9.999999f;
    snprintf(v.label, sizeof(v.label), "q\"\\\n\t\x01#z");
    memcpy(v.key, "\xde\xad\xbe\xef", 4);
    v.big = 12345678901234567890u;
    v.signed_big = INT64_MAX;
    ilrs_tbl_error_t err;
    assert_int_equal(ilrs_tbl_load_image(t, &v, sizeof(v), &err), 0);
    assert_int_equal(ilrs_tbl_commit(t), 0);
    sample_params_t image;
    memcpy(&image, ilrs_tbl_get(t), sizeof(image));
    uint32_t crc = ilrs_tbl_crc(t);

    /* Memory: too small a buffer reports the size needed. */
    size_t need = 0;
    char small[8];
    assert_int_equal(ilrs_tbl_dump_text(t, small, sizeof(small), &need), ILRS_EOVERFLOW);
    assert_true(need > sizeof(small));
    size_t need_query = 0;
    assert_int_equal(ilrs_tbl_dump_text(t, NULL, 0, &need_query), ILRS_EOVERFLOW);
    assert_int_equal(need_query, need);
    char *text = malloc(need + 1);
    assert_non_null(text);
    size_t len = 0;
    assert_int_equal(ilrs_tbl_dump_text(t, text, need + 1, &len), 0);
    assert_int_equal(len, need);
    assert_int_equal(strlen(text), len);
    assert_non_null(strstr(text, "table = SAMPLE_PARAMS\n"));
    assert_non_null(strstr(text, "heater_mode = OFF\n"));
    assert_non_null(strstr(text, "\ncrc = 0x"));

    /* Reset to defaults through a different image, then load the dump back. */
    sample_params_t other = v;
    other.period_ms = 10;
    assert_int_equal(ilrs_tbl_load_image(t, &other, sizeof(other), NULL), 0);
    assert_int_equal(ilrs_tbl_commit(t), 0);
    assert_int_not_equal(ilrs_tbl_crc(t), crc);
    int rc = ilrs_tbl_load_text(t, text, len, "dump", &err);
    if (rc != 0) {
        fail_msg("reload of dump: %s\n%s", err.message, text);
    }
    assert_int_equal(ilrs_tbl_commit(t), 0);
    assert_memory_equal(ilrs_tbl_get(t), &image, sizeof(image));
    assert_int_equal(ilrs_tbl_crc(t), crc);

    /* File: dump, reload, same image; then a missing file is an I/O error. */
    const char *tmpdir = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/ilrs_tbl_XXXXXX", tmpdir);
    assert_non_null(mkdtemp(dir));
    char path[600];
    snprintf(path, sizeof(path), "%s/sample.tbl", dir);
    assert_int_equal(ilrs_tbl_dump_file(t, path), 0);
    assert_int_equal(ilrs_tbl_load_image(t, &other, sizeof(other), NULL), 0);
    assert_int_equal(ilrs_tbl_commit(t), 0);
    rc = ilrs_tbl_load_file(t, path, &err);
    if (rc != 0) {
        fail_msg("reload of file: %s", err.message);
    }
    assert_int_equal(ilrs_tbl_commit(t), 0);
    assert_memory_equal(ilrs_tbl_get(t), &image, sizeof(image));
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *file_text = calloc(1, need + 64);
    assert_non_null(file_text);
    size_t got = fread(file_text, 1, need + 63, fp);
    fclose(fp);
    assert_true(got > 0);
    assert_non_null(strstr(file_text, "\ntable = SAMPLE_PARAMS\n"));
    /* A damaged file is rejected naming the file and line. */
    fp = fopen(path, "r+b");
    assert_non_null(fp);
    char *at = strstr(file_text, "period_ms = ");
    assert_non_null(at);
    assert_int_equal(fseek(fp, (long)(at - file_text) + 12, SEEK_SET), 0);
    fputc('7', fp); /* 59999 -> 79999: the crc line, checked as read, catches it first */
    fclose(fp);
    rc = ilrs_tbl_load_file(t, path, &err);
    assert_int_equal(rc, ILRS_ECRC);
    assert_non_null(strstr(err.message, path));
    assert_true(err.line > 10);
    assert_memory_equal(ilrs_tbl_get(t), &image, sizeof(image));
    remove(path);
    rc = ilrs_tbl_load_file(t, path, &err);
    assert_int_equal(rc, ILRS_EIO);
    assert_non_null(strstr(err.message, path));
    rmdir(dir);
    free(file_text);
    free(text);
    ilrs_tbl_stats_t st;
    ilrs_tbl_get_stats(t, &st);
    assert_int_equal(st.dumps, 2);
    ilrs_tbl_registry_destroy(reg);
}

static void table_image_loads(void **state)
{
    (void)state;
    ilrs_tbl_t *t;
    ilrs_tbl_registry_t *reg = open_registry(&t);
    sample_params_t zero_pad, junk_pad;
    memset(&zero_pad, 0, sizeof(zero_pad));
    memcpy(&zero_pad, ilrs_tbl_get(t), sizeof(zero_pad));
    zero_pad.period_ms = 500;
    /* The same values with garbage in the padding and after the string's NUL. */
    memset(&junk_pad, 0xA5, sizeof(junk_pad));
    junk_pad.heater_mode = zero_pad.heater_mode;
    junk_pad.enabled = zero_pad.enabled;
    junk_pad.offset_counts = zero_pad.offset_counts;
    junk_pad.period_ms = zero_pad.period_ms;
    junk_pad.soc_low = zero_pad.soc_low;
    junk_pad.soc_high = zero_pad.soc_high;
    memcpy(junk_pad.gains, zero_pad.gains, sizeof(junk_pad.gains));
    memcpy(junk_pad.label, "main", 5);
    memcpy(junk_pad.key, zero_pad.key, sizeof(junk_pad.key));
    junk_pad.big = zero_pad.big;
    junk_pad.signed_big = zero_pad.signed_big;
    assert_int_equal(ilrs_tbl_load_image(t, &zero_pad, sizeof(zero_pad), NULL), 0);
    assert_int_equal(ilrs_tbl_commit(t), 0);
    uint32_t crc_zero = ilrs_tbl_crc(t);
    assert_int_equal(ilrs_tbl_load_image(t, &junk_pad, sizeof(junk_pad), NULL), 0);
    assert_int_equal(ilrs_tbl_commit(t), 0);
    assert_int_equal(ilrs_tbl_crc(t), crc_zero);

    /* Invalid images: a bool octet of 2, an unterminated string, NaN, wrong size. */
    sample_params_t bad;
    memcpy(&bad, ilrs_tbl_get(t), sizeof(bad));
    uint32_t crc = ilrs_tbl_crc(t);
    ilrs_tbl_error_t err;
    memset(&bad.enabled, 2, 1);
    assert_int_equal(ilrs_tbl_load_image(t, &bad, sizeof(bad), &err), ILRS_ERANGE);
    assert_string_equal(err.field, "enabled");
    memcpy(&bad, ilrs_tbl_get(t), sizeof(bad));
    memset(bad.label, 'x', sizeof(bad.label));
    assert_int_equal(ilrs_tbl_load_image(t, &bad, sizeof(bad), &err), ILRS_ERANGE);
    assert_string_equal(err.field, "label");
    memcpy(&bad, ilrs_tbl_get(t), sizeof(bad));
    bad.soc_low = NAN;
    assert_int_equal(ilrs_tbl_load_image(t, &bad, sizeof(bad), &err), ILRS_ERANGE);
    assert_string_equal(err.field, "soc_low");
    assert_int_equal(ilrs_tbl_load_image(t, &bad, sizeof(bad) - 1, &err), ILRS_EINVAL);
    assert_int_equal(ilrs_tbl_crc(t), crc);
    assert_false(ilrs_tbl_is_pending(t));
    ilrs_tbl_registry_destroy(reg);
}

static void table_validation_callback(void **state)
{
    (void)state;
    ilrs_tbl_t *t;
    ilrs_tbl_registry_t *reg = open_registry(&t);
    int calls = validate_calls;
    sample_params_t v;
    memcpy(&v, ilrs_tbl_get(t), sizeof(v));
    v.soc_low = 0.95;
    ilrs_tbl_error_t err;
    assert_int_equal(ilrs_tbl_load_image(t, &v, sizeof(v), &err), ILRS_EFSW_TABLE);
    assert_non_null(strstr(err.message, "soc_low 0.950 not below soc_high 0.900"));
    assert_non_null(strstr(err.message, "TEST"));
    assert_int_equal(validate_calls, calls + 1);
    /* A field failing its own bounds never reaches the callback. */
    v.soc_low = 2.0;
    assert_int_equal(ilrs_tbl_load_image(t, &v, sizeof(v), &err), ILRS_ERANGE);
    assert_int_equal(validate_calls, calls + 1);
    v.soc_low = 0.5;
    assert_int_equal(ilrs_tbl_load_image(t, &v, sizeof(v), &err), 0);
    assert_int_equal(validate_calls, calls + 2);

    /* Defaults rejected by the callback make registration fail. */
    ilrs_tbl_def_t def = sample_def();
    ilrs_tbl_field_t fields[sizeof(sample_fields) / sizeof(sample_fields[0])];
    memcpy(fields, sample_fields, sizeof(fields));
    fields[4].default_value = 0.95; /* soc_low above soc_high's 0.9 */
    def.fields = fields;
    def.name = "BAD_DEFAULTS";
    ilrs_tbl_t *t2 = (ilrs_tbl_t *)&def; /* must be reset to NULL */
    assert_int_equal(ilrs_tbl_register(reg, &def, &t2, &err), ILRS_EFSW_TABLE);
    assert_null(t2);
    assert_null(ilrs_tbl_find(reg, "BAD_DEFAULTS"));
    ilrs_tbl_registry_destroy(reg);
}

static void table_registry_errors(void **state)
{
    (void)state;
    ilrs_tbl_registry_t *reg = NULL;
    assert_int_equal(ilrs_tbl_registry_create(0, &reg), ILRS_EINVAL);
    assert_null(reg);
    assert_int_equal(ilrs_tbl_registry_create(2, &reg), 0);
    ilrs_tbl_def_t def = sample_def();
    ilrs_tbl_error_t err;
    ilrs_tbl_t *a = NULL;
    assert_int_equal(ilrs_tbl_register(reg, &def, &a, &err), 0);
    assert_int_equal(ilrs_tbl_register(reg, &def, NULL, &err), ILRS_EEXIST);
    assert_non_null(strstr(err.message, "SAMPLE_PARAMS"));

    ilrs_tbl_field_t fields[sizeof(sample_fields) / sizeof(sample_fields[0])];
    const size_t nf = sizeof(fields) / sizeof(fields[0]);
    struct {
        const char *what;
        size_t index;
        ilrs_tbl_field_t field;
        int code;
    } bad[] = {
        {"overlap", 1, {.name = "enabled", .type = ILRS_DICT_U16, .offset = 0}, ILRS_EINVAL},
        {"outside",
         2,
         {.name = "x", .type = ILRS_DICT_U64, .offset = sizeof(sample_params_t) - 4},
         ILRS_EINVAL},
        {"bad name", 2, {.name = "2x", .type = ILRS_DICT_I16, .offset = 2}, ILRS_EINVAL},
        {"duplicate name", 2, {.name = "enabled", .type = ILRS_DICT_I16, .offset = 2}, ILRS_EINVAL},
        {"enum value does not fit",
         0,
         {.name = "heater_mode", .type = ILRS_DICT_U8, .enums = negative_mode, .enum_count = 1},
         ILRS_EINVAL},
        {"enum on float",
         4,
         {.name = "soc_low",
          .type = ILRS_DICT_F64,
          .offset = offsetof(sample_params_t, soc_low),
          .enums = heater_modes,
          .enum_count = 3},
         ILRS_EINVAL},
        {"default out of range",
         3,
         {.name = "period_ms",
          .type = ILRS_DICT_U32,
          .offset = offsetof(sample_params_t, period_ms),
          .default_value = 5,
          .has_range = true,
          .min = 10,
          .max = 20},
         ILRS_ERANGE},
        {"default not an integer",
         3,
         {.name = "period_ms",
          .type = ILRS_DICT_U32,
          .offset = offsetof(sample_params_t, period_ms),
          .default_value = 2.5},
         ILRS_ERANGE},
        {"default does not fit",
         0,
         {.name = "heater_mode", .type = ILRS_DICT_U8, .offset = 0, .default_value = 256},
         ILRS_ERANGE},
        {"string default too long",
         7,
         {.name = "label",
          .type = ILRS_DICT_STRING,
          .length = 4,
          .offset = offsetof(sample_params_t, label),
          .default_string = "abcd"},
         ILRS_ERANGE},
        {"min above max",
         3,
         {.name = "period_ms",
          .type = ILRS_DICT_U32,
          .offset = offsetof(sample_params_t, period_ms),
          .has_range = true,
          .min = 2,
          .max = 1},
         ILRS_EINVAL},
        {"array too long",
         6,
         {.name = "gains", .type = ILRS_DICT_F32, .count = ILRS_TBL_ARRAY_MAX + 1, .offset = 0},
         ILRS_EINVAL},
    };
    def.name = "OTHER";
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memcpy(fields, sample_fields, sizeof(fields));
        fields[bad[i].index] = bad[i].field;
        def.fields = fields;
        def.field_count = nf;
        int rc = ilrs_tbl_register(reg, &def, NULL, &err);
        if (rc != bad[i].code) {
            fail_msg("%s: got %s (%s)", bad[i].what, ilrs_errname(rc), err.message);
        }
        assert_int_equal(ilrs_tbl_count(reg), 1);
    }
    def.fields = sample_fields;
    def.name = "bad-name";
    assert_int_equal(ilrs_tbl_register(reg, &def, NULL, &err), ILRS_EINVAL);
    def.name = "OTHER";
    def.size = 0;
    assert_int_equal(ilrs_tbl_register(reg, &def, NULL, &err), ILRS_EINVAL);
    def.size = sizeof(sample_params_t);
    assert_int_equal(ilrs_tbl_register(reg, &def, NULL, &err), 0);
    def.name = "THIRD";
    assert_int_equal(ilrs_tbl_register(reg, &def, NULL, &err), ILRS_ELIMIT);

    assert_int_equal(ilrs_tbl_count(reg), 2);
    assert_ptr_equal(ilrs_tbl_at(reg, 0), a);
    assert_ptr_equal(ilrs_tbl_find(reg, "SAMPLE_PARAMS"), a);
    assert_ptr_equal(ilrs_tbl_find(reg, "OTHER"), ilrs_tbl_at(reg, 1));
    assert_null(ilrs_tbl_find(reg, "NOPE"));
    assert_null(ilrs_tbl_at(reg, 2));
    ilrs_tbl_registry_stats_t rs;
    ilrs_tbl_registry_get_stats(reg, &rs);
    assert_int_equal(rs.tables, 2);
    assert_int_equal(rs.max_tables, 2);
    assert_true(rs.memory_bytes > 4 * sizeof(sample_params_t));
    ilrs_tbl_registry_destroy(reg);
    ilrs_tbl_registry_destroy(NULL);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(table_defaults_applied),
    cmocka_unit_test(table_good_load_and_commit),
    cmocka_unit_test(table_rejected_loads_leave_active_untouched),
    cmocka_unit_test(table_line_limits),
    cmocka_unit_test(table_dump_load_round_trip),
    cmocka_unit_test(table_image_loads),
    cmocka_unit_test(table_validation_callback),
    cmocka_unit_test(table_registry_errors),
};
ILRS_TEST_MAIN(tests)
