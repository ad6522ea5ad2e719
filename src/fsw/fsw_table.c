/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parameter tables (cFE TBL tradition): typed, bounded field descriptions of a C
 * struct image, double buffering with validate-then-commit, CRC-32 of the active
 * image, a line-oriented text form for loads and dumps, and a registry by name.
 * Depends on base and dict (types only). Format and verification:
 * docs/fsw-events-tables.md.
 *
 * Design notes and invariants:
 * - Each table is one arena block allocated by ilrs_tbl_register(): the copied
 *   definition, both image buffers, a line buffer and per-field scratch. Loads,
 *   commits and dumps never allocate, so a ground command cannot run the flight
 *   core out of memory.
 * - buffers[active] is what apps read. Loads write only buffers[!active], which
 *   is first made a copy of the active image so that octets no field covers
 *   (struct padding) stay identical and the CRC depends only on field values.
 * - `pending` is true only while buffers[!active] holds a fully validated image.
 *   A failed load clears it. Commit swaps the index: atomic for a
 *   single-threaded flight core, and apps re-fetch ilrs_tbl_get() each cycle.
 * - Every check of a field value lives in validate_image(), used by register
 *   (defaults), text loads and raw image loads alike.
 * - The text parser is hand-written: the format is a few `key = value` lines
 *   with typed values, and a line-oriented parser can report file, line and
 *   field, enforce table-specific types, and run without allocation, which the
 *   available configuration libraries (libyaml, jansson) cannot promise.
 */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsw/fsw_evs_tbl_int.h"

_Static_assert(sizeof(bool) == 1, "table images store BOOL as a one-octet C bool");

struct tbl_field {
    char *name;
    ilrs_dict_type_t type;
    uint16_t length;
    uint16_t count; /* >= 1 */
    size_t offset;
    size_t elem_size;
    char *unit;
    char *description;
    double default_value;
    char *default_string;
    bool has_range;
    double min, max;
    ilrs_dict_enum_t *enums;
    size_t enum_count;
};

struct ilrs_tbl {
    ilrs_arena_t arena;
    ilrs_tbl_registry_t *registry;
    char name[ILRS_TBL_NAME_MAX];
    char *app;
    char *description;
    size_t size;
    struct tbl_field *fields;
    size_t field_count;
    ilrs_tbl_validate_fn validate;
    void *validate_user;
    uint8_t *buffers[2];
    int active;
    bool pending;
    uint32_t crc;
    uint32_t generation;
    uint32_t *field_line; /* text loads: line where each field was set, 0 = not yet */
    char *line;           /* ILRS_TBL_LINE_MAX + 1 octets */
    uint64_t loads_ok, loads_rejected, commits, dumps;
    ilrs_tbl_error_t last_error;
};

struct ilrs_tbl_registry {
    ilrs_tbl_t **tables;
    uint32_t count;
    uint32_t max_tables;
    uint64_t loads_ok, loads_rejected, commits;
    size_t memory_bytes;
};

/* ---- small helpers ------------------------------------------------------------ */

static bool is_identifier(const char *s, size_t max_len)
{
    if (s == NULL || !(isalpha((unsigned char)s[0]))) {
        return false;
    }
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        if (!isalnum((unsigned char)s[n]) && s[n] != '_') {
            return false;
        }
    }
    return n < max_len;
}

static bool is_integer_type(ilrs_dict_type_t type)
{
    return type <= ILRS_DICT_I64;
}

static bool is_unsigned_type(ilrs_dict_type_t type)
{
    return type <= ILRS_DICT_U64;
}

static size_t native_size(ilrs_dict_type_t type, uint16_t length)
{
    switch (type) {
    case ILRS_DICT_U8:
    case ILRS_DICT_I8:
        return 1;
    case ILRS_DICT_U16:
    case ILRS_DICT_I16:
        return 2;
    case ILRS_DICT_U32:
    case ILRS_DICT_I32:
        return 4;
    case ILRS_DICT_U64:
    case ILRS_DICT_I64:
        return 8;
    case ILRS_DICT_F32:
        return sizeof(float);
    case ILRS_DICT_F64:
        return sizeof(double);
    case ILRS_DICT_BOOL:
        return sizeof(bool);
    case ILRS_DICT_STRING:
    case ILRS_DICT_BYTES:
        return length;
    default:
        return 0;
    }
}

static const char *type_label(ilrs_dict_type_t type)
{
    static const char *const names[] = {"u8",  "u16", "u32", "u64",  "i8",     "i16",  "i32",
                                        "i64", "f32", "f64", "bool", "string", "bytes"};
    return (unsigned)type < sizeof(names) / sizeof(names[0]) ? names[type] : "?";
}

/* Integer bounds of each integer type, for text parsing and default checks. */
static void int_bounds(ilrs_dict_type_t type, int64_t *lo, uint64_t *hi)
{
    static const uint64_t uhi[] = {UINT8_MAX, UINT16_MAX, UINT32_MAX, UINT64_MAX};
    static const int64_t slo[] = {INT8_MIN, INT16_MIN, INT32_MIN, INT64_MIN};
    static const uint64_t shi[] = {INT8_MAX, INT16_MAX, INT32_MAX, INT64_MAX};
    if (is_unsigned_type(type)) {
        *lo = 0;
        *hi = uhi[type - ILRS_DICT_U8];
    } else {
        *lo = slo[type - ILRS_DICT_I8];
        *hi = shi[type - ILRS_DICT_I8];
    }
}

/* Native integer element i of a field: unsigned types in *u, signed in *s. */
static void get_int(const struct tbl_field *f, const uint8_t *image, size_t i, int64_t *s,
                    uint64_t *u)
{
    const uint8_t *p = image + f->offset + i * f->elem_size;
    *s = 0;
    *u = 0;
    switch (f->type) {
    case ILRS_DICT_U8: {
        uint8_t v;
        memcpy(&v, p, 1);
        *u = v;
        break;
    }
    case ILRS_DICT_U16: {
        uint16_t v;
        memcpy(&v, p, 2);
        *u = v;
        break;
    }
    case ILRS_DICT_U32: {
        uint32_t v;
        memcpy(&v, p, 4);
        *u = v;
        break;
    }
    case ILRS_DICT_U64: {
        uint64_t v;
        memcpy(&v, p, 8);
        *u = v;
        break;
    }
    case ILRS_DICT_I8: {
        int8_t v;
        memcpy(&v, p, 1);
        *s = v;
        break;
    }
    case ILRS_DICT_I16: {
        int16_t v;
        memcpy(&v, p, 2);
        *s = v;
        break;
    }
    case ILRS_DICT_I32: {
        int32_t v;
        memcpy(&v, p, 4);
        *s = v;
        break;
    }
    case ILRS_DICT_I64: {
        int64_t v;
        memcpy(&v, p, 8);
        *s = v;
        break;
    }
    default:
        break;
    }
}

/* Store an integer already known to fit the field's type. */
static void put_int(const struct tbl_field *f, uint8_t *image, size_t i, int64_t s, uint64_t u)
{
    uint8_t *p = image + f->offset + i * f->elem_size;
    switch (f->type) {
    case ILRS_DICT_U8: {
        uint8_t v = (uint8_t)u;
        memcpy(p, &v, 1);
        break;
    }
    case ILRS_DICT_U16: {
        uint16_t v = (uint16_t)u;
        memcpy(p, &v, 2);
        break;
    }
    case ILRS_DICT_U32: {
        uint32_t v = (uint32_t)u;
        memcpy(p, &v, 4);
        break;
    }
    case ILRS_DICT_U64: {
        memcpy(p, &u, 8);
        break;
    }
    case ILRS_DICT_I8: {
        int8_t v = (int8_t)s;
        memcpy(p, &v, 1);
        break;
    }
    case ILRS_DICT_I16: {
        int16_t v = (int16_t)s;
        memcpy(p, &v, 2);
        break;
    }
    case ILRS_DICT_I32: {
        int32_t v = (int32_t)s;
        memcpy(p, &v, 4);
        break;
    }
    case ILRS_DICT_I64: {
        memcpy(p, &s, 8);
        break;
    }
    default:
        break;
    }
}

static double get_float(const struct tbl_field *f, const uint8_t *image, size_t i)
{
    const uint8_t *p = image + f->offset + i * f->elem_size;
    if (f->type == ILRS_DICT_F32) {
        float v;
        memcpy(&v, p, sizeof(v));
        return v;
    }
    double v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static void put_float(const struct tbl_field *f, uint8_t *image, size_t i, double value)
{
    uint8_t *p = image + f->offset + i * f->elem_size;
    if (f->type == ILRS_DICT_F32) {
        float v = (float)value;
        memcpy(p, &v, sizeof(v));
    } else {
        memcpy(p, &value, sizeof(value));
    }
}

static const char *enum_label(const struct tbl_field *f, int64_t s, uint64_t u)
{
    for (size_t k = 0; k < f->enum_count; k++) {
        bool match = is_unsigned_type(f->type)
                         ? (f->enums[k].value >= 0 && (uint64_t)f->enums[k].value == u)
                         : f->enums[k].value == s;
        if (match) {
            return f->enums[k].label;
        }
    }
    return NULL;
}

/* ---- errors ------------------------------------------------------------------- */

/* Fill @p err: code, source, line, field and a message
 * "<source>:<line>: field '<name>': <detail>". Returns @p code. */
static int set_error(ilrs_tbl_error_t *err, int code, const char *source, uint32_t line,
                     const char *field, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int set_error(ilrs_tbl_error_t *err, int code, const char *source, uint32_t line,
                     const char *field, const char *fmt, ...)
{
    char detail[192];
    va_list args;
    va_start(args, fmt);
    vsnprintf(detail, sizeof(detail), fmt, args);
    va_end(args);
    memset(err, 0, sizeof(*err));
    err->code = code;
    snprintf(err->source, sizeof(err->source), "%s", source != NULL ? source : "<buffer>");
    err->line = line;
    snprintf(err->field, sizeof(err->field), "%s", field != NULL ? field : "");
    /* Assemble by appending, truncating at the end: the source and detail are
     * bounded but their sum may exceed the message, and the start matters most. */
    char number[16] = "";
    if (line > 0) {
        snprintf(number, sizeof(number), ":%" PRIu32, line);
    }
    const char *parts[] = {err->source, number,
                           ": ",        err->field[0] != '\0' ? "field '" : "",
                           err->field,  err->field[0] != '\0' ? "': " : "",
                           detail};
    size_t used = 0;
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        size_t n = strlen(parts[i]);
        size_t room = sizeof(err->message) - 1 - used;
        n = n < room ? n : room;
        memcpy(err->message + used, parts[i], n);
        used += n;
    }
    err->message[used] = '\0';
    return code;
}

/* ---- validation ------------------------------------------------------------------ */

/* Check every field of @p image against its type, bounds and enumeration, then the
 * app callback. @p lines gives the text line of each field for messages (NULL for
 * raw images and defaults). */
static int validate_image(const ilrs_tbl_t *t, const uint8_t *image, const uint32_t *lines,
                          const char *source, ilrs_tbl_error_t *err)
{
    for (size_t fi = 0; fi < t->field_count; fi++) {
        const struct tbl_field *f = &t->fields[fi];
        uint32_t line = lines != NULL ? lines[fi] : 0;
        char elem[32] = "";
        for (size_t i = 0; i < f->count; i++) {
            if (f->count > 1) {
                snprintf(elem, sizeof(elem), "element %zu: ", i);
            }
            if (is_integer_type(f->type)) {
                int64_t s;
                uint64_t u;
                get_int(f, image, i, &s, &u);
                long double v = is_unsigned_type(f->type) ? (long double)u : (long double)s;
                if (f->has_range && (v < (long double)f->min || v > (long double)f->max)) {
                    return set_error(err, ILRS_ERANGE, source, line, f->name,
                                     "%svalue %.0Lf outside [%.17g, %.17g]%s%s%s", elem, v, f->min,
                                     f->max, f->unit != NULL ? " (" : "",
                                     f->unit != NULL ? f->unit : "", f->unit != NULL ? ")" : "");
                }
                if (f->enum_count > 0 && enum_label(f, s, u) == NULL) {
                    return set_error(err, ILRS_ERANGE, source, line, f->name,
                                     "%svalue %.0Lf is not one of its enumerated values", elem, v);
                }
            } else if (f->type == ILRS_DICT_F32 || f->type == ILRS_DICT_F64) {
                double v = get_float(f, image, i);
                if (!isfinite(v)) {
                    return set_error(err, ILRS_ERANGE, source, line, f->name,
                                     "%svalue is not a finite number", elem);
                }
                if (f->has_range && (v < f->min || v > f->max)) {
                    return set_error(err, ILRS_ERANGE, source, line, f->name,
                                     "%svalue %.17g outside [%.17g, %.17g]%s%s%s", elem, v, f->min,
                                     f->max, f->unit != NULL ? " (" : "",
                                     f->unit != NULL ? f->unit : "", f->unit != NULL ? ")" : "");
                }
            } else if (f->type == ILRS_DICT_BOOL) {
                uint8_t b = image[f->offset + i];
                if (b > 1) {
                    return set_error(err, ILRS_ERANGE, source, line, f->name,
                                     "%sboolean octet is %u, not 0 or 1", elem, b);
                }
            } else if (f->type == ILRS_DICT_STRING) {
                if (memchr(image + f->offset, '\0', f->length) == NULL) {
                    return set_error(err, ILRS_ERANGE, source, line, f->name,
                                     "string is not NUL-terminated within %u octets", f->length);
                }
            }
        }
    }
    if (t->validate != NULL) {
        char reason[160] = "";
        int rc = t->validate(t->validate_user, image, reason, sizeof(reason));
        if (rc != 0) {
            reason[sizeof(reason) - 1] = '\0';
            int code = (rc < 0 && strcmp(ilrs_errname(rc), "ILRS_E?") != 0) ? rc : ILRS_EFSW_TABLE;
            return set_error(err, code, source, 0, NULL, "rejected by %s validation: %s",
                             t->app != NULL ? t->app : t->name,
                             reason[0] != '\0' ? reason : ilrs_strerror(code));
        }
    }
    return 0;
}

/* ---- registry and registration -------------------------------------------------- */

int ilrs_tbl_registry_create(uint32_t max_tables, ilrs_tbl_registry_t **out)
{
    if (out == NULL) {
        return ILRS_EINVAL;
    }
    *out = NULL;
    if (max_tables == 0 || max_tables > TBL_LIMIT_MAX_TABLES) {
        return ILRS_EINVAL;
    }
    ilrs_tbl_registry_t *reg = calloc(1, sizeof(*reg));
    if (reg == NULL) {
        return ILRS_ENOMEM;
    }
    reg->tables = calloc(max_tables, sizeof(*reg->tables));
    if (reg->tables == NULL) {
        free(reg);
        return ILRS_ENOMEM;
    }
    reg->max_tables = max_tables;
    reg->memory_bytes = sizeof(*reg) + max_tables * sizeof(*reg->tables);
    *out = reg;
    return 0;
}

void ilrs_tbl_registry_destroy(ilrs_tbl_registry_t *registry)
{
    if (registry == NULL) {
        return;
    }
    for (uint32_t i = 0; i < registry->count; i++) {
        ilrs_tbl_t *t = registry->tables[i];
        ilrs_arena_fini(&t->arena);
        free(t);
    }
    free(registry->tables);
    free(registry);
}

/* Check one field of a definition; @p err names it. */
static int check_field_def(const ilrs_tbl_def_t *def, size_t index, ilrs_tbl_error_t *err)
{
    const ilrs_tbl_field_t *f = &def->fields[index];
    const char *src = def->name;
    if (!is_identifier(f->name, ILRS_DICT_NAME_MAX)) {
        return set_error(err, ILRS_EINVAL, src, 0, NULL,
                         "field %zu: name missing or not [A-Za-z][A-Za-z0-9_]* below %d chars",
                         index, ILRS_DICT_NAME_MAX);
    }
    if ((unsigned)f->type >= ILRS_DICT_TYPE_COUNT) {
        return set_error(err, ILRS_EINVAL, src, 0, f->name, "unknown type %d", (int)f->type);
    }
    for (size_t j = 0; j < index; j++) {
        if (strcmp(def->fields[j].name, f->name) == 0) {
            return set_error(err, ILRS_EINVAL, src, 0, f->name, "field defined twice");
        }
    }
    bool blob = f->type == ILRS_DICT_STRING || f->type == ILRS_DICT_BYTES;
    if (blob &&
        (f->length == 0 || f->count > 1 ||
         f->length > (f->type == ILRS_DICT_STRING ? ILRS_TBL_STRING_MAX : ILRS_TBL_BYTES_MAX))) {
        return set_error(err, ILRS_EINVAL, src, 0, f->name,
                         "%s length %u invalid (1..%u, scalar only)", type_label(f->type),
                         f->length,
                         f->type == ILRS_DICT_STRING ? ILRS_TBL_STRING_MAX : ILRS_TBL_BYTES_MAX);
    }
    if (f->count > ILRS_TBL_ARRAY_MAX) {
        return set_error(err, ILRS_EINVAL, src, 0, f->name, "count %u above %u", f->count,
                         ILRS_TBL_ARRAY_MAX);
    }
    size_t count = f->count > 1 ? f->count : 1;
    size_t bytes = native_size(f->type, f->length) * count;
    if (f->offset > def->size || bytes > def->size - f->offset) {
        return set_error(err, ILRS_EINVAL, src, 0, f->name,
                         "octets %zu..%zu lie outside the %zu-octet image", f->offset,
                         f->offset + bytes, def->size);
    }
    for (size_t j = 0; j < index; j++) {
        const ilrs_tbl_field_t *g = &def->fields[j];
        size_t gbytes = native_size(g->type, g->length) * (g->count > 1 ? g->count : 1);
        if (f->offset < g->offset + gbytes && g->offset < f->offset + bytes) {
            return set_error(err, ILRS_EINVAL, src, 0, f->name, "overlaps field '%s'", g->name);
        }
    }
    if (f->enum_count > 0) {
        if (!is_integer_type(f->type) || f->enums == NULL) {
            return set_error(err, ILRS_EINVAL, src, 0, f->name,
                             "enumerations need an integer type and a label array");
        }
        for (size_t k = 0; k < f->enum_count; k++) {
            if (!is_identifier(f->enums[k].label, ILRS_DICT_NAME_MAX)) {
                return set_error(err, ILRS_EINVAL, src, 0, f->name,
                                 "enumeration %zu: label missing or not an identifier", k);
            }
            int64_t lo;
            uint64_t hi;
            int_bounds(f->type, &lo, &hi);
            if (f->enums[k].value < lo ||
                (f->enums[k].value > 0 && (uint64_t)f->enums[k].value > hi)) {
                return set_error(err, ILRS_EINVAL, src, 0, f->name,
                                 "enumeration '%s' value %" PRId64 " does not fit %s",
                                 f->enums[k].label, f->enums[k].value, type_label(f->type));
            }
            for (size_t m = 0; m < k; m++) {
                if (f->enums[m].value == f->enums[k].value ||
                    strcmp(f->enums[m].label, f->enums[k].label) == 0) {
                    return set_error(err, ILRS_EINVAL, src, 0, f->name,
                                     "enumeration '%s' repeats a value or label",
                                     f->enums[k].label);
                }
            }
        }
    }
    if (f->has_range && (!isfinite(f->min) || !isfinite(f->max) || f->min > f->max || blob ||
                         f->type == ILRS_DICT_BOOL)) {
        return set_error(err, ILRS_EINVAL, src, 0, f->name,
                         "range needs a numeric type and finite min <= max");
    }
    if (f->type == ILRS_DICT_STRING && f->default_string != NULL &&
        strlen(f->default_string) >= f->length) {
        return set_error(err, ILRS_ERANGE, src, 0, f->name,
                         "default string longer than %u characters", f->length - 1u);
    }
    if (is_integer_type(f->type)) {
        int64_t lo;
        uint64_t hi;
        int_bounds(f->type, &lo, &hi);
        double d = f->default_value;
        if (!isfinite(d) || d != floor(d) || (long double)d < (long double)lo ||
            (long double)d > (long double)hi) {
            return set_error(err, ILRS_ERANGE, src, 0, f->name, "default %.17g is not a %s integer",
                             d, type_label(f->type));
        }
    } else if (f->type == ILRS_DICT_F32 || f->type == ILRS_DICT_F64) {
        if (!isfinite(f->default_value) ||
            (f->type == ILRS_DICT_F32 && fabs(f->default_value) > FLT_MAX)) {
            return set_error(err, ILRS_ERANGE, src, 0, f->name, "default not a finite %s",
                             type_label(f->type));
        }
    } else if (f->type == ILRS_DICT_BOOL && f->default_value != 0.0 && f->default_value != 1.0) {
        return set_error(err, ILRS_ERANGE, src, 0, f->name, "boolean default must be 0 or 1");
    }
    return 0;
}

/* Arena bookkeeping: measure, then allocate the same pieces in the same order. */
static size_t str_need(const char *s)
{
    return s != NULL ? strlen(s) + 1 + 8 : 0; /* + alignment slack */
}

static char *arena_strdup(ilrs_arena_t *arena, const char *s)
{
    if (s == NULL) {
        return NULL;
    }
    size_t n = strlen(s) + 1;
    char *copy = ilrs_arena_alloc(arena, n, 1);
    if (copy != NULL) {
        memcpy(copy, s, n);
    }
    return copy;
}

static int measure(const ilrs_tbl_def_t *def, size_t *total)
{
    size_t sum = sizeof(struct tbl_field) * def->field_count + 64;
    sum += 2 * (def->size + 64);
    sum += sizeof(uint32_t) * def->field_count + 64;
    sum += ILRS_TBL_LINE_MAX + 1 + 64;
    sum += str_need(def->app) + str_need(def->description);
    for (size_t i = 0; i < def->field_count; i++) {
        const ilrs_tbl_field_t *f = &def->fields[i];
        sum += str_need(f->name) + str_need(f->unit) + str_need(f->description) +
               str_need(f->default_string);
        sum += sizeof(ilrs_dict_enum_t) * f->enum_count + 64;
        for (size_t k = 0; k < f->enum_count; k++) {
            sum += str_need(f->enums[k].label);
        }
    }
    *total = sum; /* bounded: size <= 16 MiB, fields <= 1024, strings checked */
    return 0;
}

/* Write the defaults of every field into @p image (zeroed by the caller). */
static void apply_defaults(const ilrs_tbl_t *t, uint8_t *image)
{
    for (size_t fi = 0; fi < t->field_count; fi++) {
        const struct tbl_field *f = &t->fields[fi];
        for (size_t i = 0; i < f->count; i++) {
            if (is_integer_type(f->type)) {
                /* check_field_def proved the default is an integer of the type's range */
                if (is_unsigned_type(f->type)) {
                    put_int(f, image, i, 0, (uint64_t)f->default_value);
                } else {
                    put_int(f, image, i, (int64_t)f->default_value, 0);
                }
            } else if (f->type == ILRS_DICT_F32 || f->type == ILRS_DICT_F64) {
                put_float(f, image, i, f->default_value);
            } else if (f->type == ILRS_DICT_BOOL) {
                image[f->offset + i] = f->default_value != 0.0 ? 1u : 0u;
            } else if (f->type == ILRS_DICT_STRING && f->default_string != NULL) {
                memcpy(image + f->offset, f->default_string, strlen(f->default_string));
            }
        }
    }
}

int ilrs_tbl_register(ilrs_tbl_registry_t *registry, const ilrs_tbl_def_t *def, ilrs_tbl_t **out,
                      ilrs_tbl_error_t *error)
{
    ilrs_tbl_error_t local;
    ilrs_tbl_error_t *err = error != NULL ? error : &local;
    ilrs_tbl_t *t = NULL;
    int rc;

    memset(err, 0, sizeof(*err));
    if (out != NULL) {
        *out = NULL;
    }
    if (registry == NULL || def == NULL) {
        return set_error(err, ILRS_EINVAL, NULL, 0, NULL, "no registry or definition");
    }
    if (!is_identifier(def->name, ILRS_TBL_NAME_MAX)) {
        return set_error(err, ILRS_EINVAL, def->name, 0, NULL,
                         "table name missing or not [A-Za-z][A-Za-z0-9_]* below %d chars",
                         ILRS_TBL_NAME_MAX);
    }
    if (def->size == 0 || def->size > TBL_LIMIT_IMAGE_SIZE || def->fields == NULL ||
        def->field_count == 0 || def->field_count > ILRS_TBL_FIELDS_MAX) {
        return set_error(err, ILRS_EINVAL, def->name, 0, NULL,
                         "size %zu (1..%u) or field count %zu (1..%u) invalid", def->size,
                         TBL_LIMIT_IMAGE_SIZE, def->field_count, ILRS_TBL_FIELDS_MAX);
    }
    for (size_t i = 0; i < def->field_count; i++) {
        rc = check_field_def(def, i, err);
        if (rc != 0) {
            return rc;
        }
    }
    if (ilrs_tbl_find(registry, def->name) != NULL) {
        return set_error(err, ILRS_EEXIST, def->name, 0, NULL, "a table of this name exists");
    }
    if (registry->count >= registry->max_tables) {
        return set_error(err, ILRS_ELIMIT, def->name, 0, NULL, "registry full (%u tables)",
                         registry->max_tables);
    }

    size_t total;
    measure(def, &total);
    t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return set_error(err, ILRS_ENOMEM, def->name, 0, NULL, "out of memory");
    }
    rc = ilrs_arena_init(&t->arena, NULL, total);
    if (rc != 0) {
        set_error(err, rc, def->name, 0, NULL, "out of memory (%zu octets)", total);
        goto out_free;
    }
    ilrs_arena_t *a = &t->arena;
    snprintf(t->name, sizeof(t->name), "%s", def->name);
    t->registry = registry;
    t->app = arena_strdup(a, def->app);
    t->description = arena_strdup(a, def->description);
    t->size = def->size;
    t->validate = def->validate;
    t->validate_user = def->validate_user;
    t->field_count = def->field_count;
    t->fields = ilrs_arena_alloc(a, sizeof(struct tbl_field) * def->field_count,
                                 _Alignof(struct tbl_field));
    t->buffers[0] = ilrs_arena_alloc(a, def->size, 16);
    t->buffers[1] = ilrs_arena_alloc(a, def->size, 16);
    t->field_line = ilrs_arena_alloc(a, sizeof(uint32_t) * def->field_count, _Alignof(uint32_t));
    t->line = ilrs_arena_alloc(a, ILRS_TBL_LINE_MAX + 1, 1);
    if (t->fields == NULL || t->buffers[0] == NULL || t->buffers[1] == NULL ||
        t->field_line == NULL || t->line == NULL) {
        rc = set_error(err, ILRS_ENOMEM, def->name, 0, NULL, "arena exhausted");
        goto out_arena;
    }
    for (size_t i = 0; i < def->field_count; i++) {
        const ilrs_tbl_field_t *src = &def->fields[i];
        struct tbl_field *f = &t->fields[i];
        f->name = arena_strdup(a, src->name);
        f->type = src->type;
        f->length = src->length;
        f->count = src->count > 1 ? src->count : 1;
        f->offset = src->offset;
        f->elem_size = native_size(src->type, src->length);
        f->unit = (src->unit != NULL && src->unit[0] != '\0') ? arena_strdup(a, src->unit) : NULL;
        f->description = arena_strdup(a, src->description);
        f->default_value = src->default_value;
        f->default_string = arena_strdup(a, src->default_string);
        f->has_range = src->has_range;
        f->min = src->min;
        f->max = src->max;
        f->enum_count = src->enum_count;
        if (src->enum_count > 0) {
            f->enums = ilrs_arena_alloc(a, sizeof(ilrs_dict_enum_t) * src->enum_count,
                                        _Alignof(ilrs_dict_enum_t));
            if (f->enums == NULL) {
                rc = set_error(err, ILRS_ENOMEM, def->name, 0, NULL, "arena exhausted");
                goto out_arena;
            }
            for (size_t k = 0; k < src->enum_count; k++) {
                f->enums[k].value = src->enums[k].value;
                f->enums[k].label = arena_strdup(a, src->enums[k].label);
            }
        }
        if (f->name == NULL) {
            rc = set_error(err, ILRS_ENOMEM, def->name, 0, NULL, "arena exhausted");
            goto out_arena;
        }
    }
    apply_defaults(t, t->buffers[0]);
    rc = validate_image(t, t->buffers[0], NULL, "defaults", err);
    if (rc != 0) {
        goto out_arena;
    }
    memcpy(t->buffers[1], t->buffers[0], t->size);
    t->active = 0;
    t->crc = ilrs_crc32(0, t->buffers[0], t->size);
    registry->tables[registry->count++] = t;
    registry->memory_bytes += sizeof(*t) + t->arena.size;
    if (out != NULL) {
        *out = t;
    }
    return 0;

out_arena:
    ilrs_arena_fini(&t->arena);
out_free:
    free(t);
    ilrs_log(ILRS_LOG_ERROR, "tbl", "register %s: %s", def->name, err->message);
    return rc;
}

ilrs_tbl_t *ilrs_tbl_find(const ilrs_tbl_registry_t *registry, const char *name)
{
    if (registry == NULL || name == NULL) {
        return NULL;
    }
    for (uint32_t i = 0; i < registry->count; i++) {
        if (strcmp(registry->tables[i]->name, name) == 0) {
            return registry->tables[i];
        }
    }
    return NULL;
}

size_t ilrs_tbl_count(const ilrs_tbl_registry_t *registry)
{
    return registry != NULL ? registry->count : 0;
}

ilrs_tbl_t *ilrs_tbl_at(const ilrs_tbl_registry_t *registry, size_t index)
{
    return (registry != NULL && index < registry->count) ? registry->tables[index] : NULL;
}

const char *ilrs_tbl_name(const ilrs_tbl_t *table)
{
    return table != NULL ? table->name : NULL;
}

size_t ilrs_tbl_size(const ilrs_tbl_t *table)
{
    return table != NULL ? table->size : 0;
}

const void *ilrs_tbl_get(const ilrs_tbl_t *table)
{
    return table != NULL ? table->buffers[table->active] : NULL;
}

uint32_t ilrs_tbl_generation(const ilrs_tbl_t *table)
{
    return table != NULL ? table->generation : 0;
}

uint32_t ilrs_tbl_crc(const ilrs_tbl_t *table)
{
    return table != NULL ? table->crc : 0;
}

bool ilrs_tbl_is_pending(const ilrs_tbl_t *table)
{
    return table != NULL && table->pending;
}

/* ---- load outcome bookkeeping ------------------------------------------------------ */

static int load_finish(ilrs_tbl_t *t, int rc, ilrs_tbl_error_t *err, ilrs_tbl_error_t *out)
{
    if (rc == 0) {
        t->pending = true;
        t->loads_ok++;
        t->registry->loads_ok++;
        memset(err, 0, sizeof(*err));
    } else {
        t->pending = false;
        t->loads_rejected++;
        t->registry->loads_rejected++;
        t->last_error = *err;
        ilrs_log(ILRS_LOG_WARN, "tbl", "load of %s rejected: %s", t->name, err->message);
    }
    if (out != NULL) {
        *out = *err;
    }
    return rc;
}

/* ---- text parser ----------------------------------------------------------------- */

struct parser {
    ilrs_tbl_t *t;
    uint8_t *image;
    const char *source;
    uint32_t line;
    bool have_table;
    bool have_crc;
    uint32_t crc; /* CRC-32 of every octet before the current line */
    ilrs_tbl_error_t *err;
};

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

/* After a value: only blanks and an optional comment may follow. */
static bool at_value_end(const char *p)
{
    p = skip_ws(p);
    return *p == '\0' || *p == '#';
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Parse one integer element at *pp (number or enumeration label). */
static int parse_int(struct parser *ps, const struct tbl_field *f, const char **pp, size_t index)
{
    const char *p = *pp;
    int64_t s = 0;
    uint64_t u = 0;
    if (isalpha((unsigned char)*p)) {
        const char *start = p;
        while (isalnum((unsigned char)*p) || *p == '_') {
            p++;
        }
        size_t n = (size_t)(p - start);
        if (f->enum_count == 0) {
            return set_error(ps->err, ILRS_ETYPE, ps->source, ps->line, f->name,
                             "expected a number (%s), found '%.*s'", type_label(f->type),
                             (int)(n > 40 ? 40 : n), start);
        }
        size_t k = 0;
        for (; k < f->enum_count; k++) {
            if (strlen(f->enums[k].label) == n && memcmp(f->enums[k].label, start, n) == 0) {
                break;
            }
        }
        if (k == f->enum_count) {
            return set_error(ps->err, ILRS_ERANGE, ps->source, ps->line, f->name,
                             "'%.*s' is not one of its %zu enumeration labels",
                             (int)(n > 40 ? 40 : n), start, f->enum_count);
        }
        s = f->enums[k].value;
        u = (uint64_t)f->enums[k].value;
        if (is_unsigned_type(f->type) && f->enums[k].value < 0) {
            return set_error(ps->err, ILRS_ERANGE, ps->source, ps->line, f->name,
                             "label '%s' has a negative value", f->enums[k].label);
        }
    } else {
        const char *digits = p + ((*p == '-' || *p == '+') ? 1 : 0);
        int base = (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) ? 16 : 10;
        if (!isxdigit((unsigned char)digits[base == 16 ? 2 : 0]) ||
            (base == 10 && !isdigit((unsigned char)digits[0]))) {
            return set_error(ps->err, ILRS_ETYPE, ps->source, ps->line, f->name,
                             "expected a number (%s)", type_label(f->type));
        }
        char *end;
        errno = 0;
        int64_t lo;
        uint64_t hi;
        int_bounds(f->type, &lo, &hi);
        bool out_of_range;
        if (is_unsigned_type(f->type)) {
            if (*p == '-') {
                return set_error(ps->err, ILRS_ERANGE, ps->source, ps->line, f->name,
                                 "negative value for unsigned %s", type_label(f->type));
            }
            u = strtoull(p, &end, base);
            out_of_range = errno == ERANGE || u > hi;
        } else {
            s = strtoll(p, &end, base);
            out_of_range = errno == ERANGE || s < lo || (s > 0 && (uint64_t)s > hi);
        }
        if (out_of_range) {
            return set_error(ps->err, ILRS_ERANGE, ps->source, ps->line, f->name,
                             "value does not fit %s [%" PRId64 ", %" PRIu64 "]",
                             type_label(f->type), lo, hi);
        }
        p = end;
    }
    put_int(f, ps->image, index, s, u);
    *pp = p;
    return 0;
}

static int parse_float(struct parser *ps, const struct tbl_field *f, const char **pp, size_t index)
{
    const char *p = *pp;
    /* Only digits, a sign or a point may start a number: strtod would also take
     * "inf", "nan" and locale forms, which a parameter must never be. */
    if (!(isdigit((unsigned char)*p) || *p == '-' || *p == '+' || *p == '.')) {
        return set_error(ps->err, ILRS_ETYPE, ps->source, ps->line, f->name,
                         "expected a number (%s)", type_label(f->type));
    }
    char *end;
    double value;
    if (f->type == ILRS_DICT_F32) {
        /* strtof rounds once, straight to float; strtod then a cast could round twice. */
        value = strtof(p, &end);
    } else {
        value = strtod(p, &end);
    }
    if (end == p) {
        return set_error(ps->err, ILRS_ETYPE, ps->source, ps->line, f->name,
                         "expected a number (%s)", type_label(f->type));
    }
    if (!isfinite(value)) {
        return set_error(ps->err, ILRS_ERANGE, ps->source, ps->line, f->name,
                         "value is not a finite %s", type_label(f->type));
    }
    put_float(f, ps->image, index, value);
    *pp = end;
    return 0;
}

static int parse_bool(struct parser *ps, const struct tbl_field *f, const char **pp, size_t index)
{
    const char *p = *pp;
    uint8_t value;
    if (strncmp(p, "true", 4) == 0 && !isalnum((unsigned char)p[4]) && p[4] != '_') {
        value = 1;
        p += 4;
    } else if (strncmp(p, "false", 5) == 0 && !isalnum((unsigned char)p[5]) && p[5] != '_') {
        value = 0;
        p += 5;
    } else {
        return set_error(ps->err, ILRS_ETYPE, ps->source, ps->line, f->name,
                         "expected true or false");
    }
    ps->image[f->offset + index] = value;
    *pp = p;
    return 0;
}

static int parse_string(struct parser *ps, const struct tbl_field *f, const char **pp)
{
    const char *p = *pp;
    if (*p != '"') {
        return set_error(ps->err, ILRS_ETYPE, ps->source, ps->line, f->name,
                         "expected a quoted string");
    }
    p++;
    uint8_t *dst = ps->image + f->offset;
    memset(dst, 0, f->length);
    size_t n = 0;
    while (*p != '"') {
        int c;
        if (*p == '\0') {
            return set_error(ps->err, ILRS_EFORMAT, ps->source, ps->line, f->name,
                             "string not closed by '\"'");
        }
        if (*p == '\\') {
            p++;
            switch (*p) {
            case '"':
                c = '"';
                p++;
                break;
            case '\\':
                c = '\\';
                p++;
                break;
            case 'n':
                c = '\n';
                p++;
                break;
            case 't':
                c = '\t';
                p++;
                break;
            case 'x': {
                int hi = hex_digit(p[1]);
                int lo = hi >= 0 ? hex_digit(p[2]) : -1;
                if (lo < 0) {
                    return set_error(ps->err, ILRS_EFORMAT, ps->source, ps->line, f->name,
                                     "\\x needs two hex digits");
                }
                c = hi * 16 + lo;
                p += 3;
                break;
            }
            default:
                return set_error(ps->err, ILRS_EFORMAT, ps->source, ps->line, f->name,
                                 "unknown escape in string");
            }
            if (c == 0) {
                return set_error(ps->err, ILRS_ERANGE, ps->source, ps->line, f->name,
                                 "NUL character inside a string");
            }
        } else {
            c = (unsigned char)*p++;
        }
        if (n + 1 >= f->length) {
            return set_error(ps->err, ILRS_ERANGE, ps->source, ps->line, f->name,
                             "string longer than %u characters", f->length - 1u);
        }
        dst[n++] = (uint8_t)c;
    }
    *pp = p + 1;
    return 0;
}

static int parse_bytes(struct parser *ps, const struct tbl_field *f, const char **pp)
{
    const char *p = *pp;
    uint8_t *dst = ps->image + f->offset;
    size_t n = 0;
    while (hex_digit(p[0]) >= 0) {
        if (hex_digit(p[1]) < 0) {
            return set_error(ps->err, ILRS_EFORMAT, ps->source, ps->line, f->name,
                             "odd number of hex digits");
        }
        if (n >= f->length) {
            return set_error(ps->err, ILRS_ERANGE, ps->source, ps->line, f->name,
                             "more than %u octets", f->length);
        }
        dst[n++] = (uint8_t)(hex_digit(p[0]) * 16 + hex_digit(p[1]));
        p += 2;
    }
    if (n != f->length) {
        return set_error(ps->err, ILRS_ERANGE, ps->source, ps->line, f->name,
                         "%zu octets of hex, expected exactly %u", n, f->length);
    }
    *pp = p;
    return 0;
}

static int parse_field_value(struct parser *ps, const struct tbl_field *f, const char *p)
{
    int rc = 0;
    for (size_t i = 0; i < f->count; i++) {
        if (i > 0) {
            p = skip_ws(p);
            if (*p != ',') {
                return set_error(ps->err, ILRS_EFORMAT, ps->source, ps->line, f->name,
                                 "%zu values given, expected %u separated by ','", i, f->count);
            }
            p = skip_ws(p + 1);
        }
        if (is_integer_type(f->type)) {
            rc = parse_int(ps, f, &p, i);
        } else if (f->type == ILRS_DICT_F32 || f->type == ILRS_DICT_F64) {
            rc = parse_float(ps, f, &p, i);
        } else if (f->type == ILRS_DICT_BOOL) {
            rc = parse_bool(ps, f, &p, i);
        } else if (f->type == ILRS_DICT_STRING) {
            rc = parse_string(ps, f, &p);
        } else {
            rc = parse_bytes(ps, f, &p);
        }
        if (rc != 0) {
            return rc;
        }
    }
    if (!at_value_end(p)) {
        p = skip_ws(p);
        if (*p == ',') {
            return set_error(ps->err, ILRS_EFORMAT, ps->source, ps->line, f->name,
                             "more than %u values", f->count);
        }
        return set_error(ps->err, ILRS_EFORMAT, ps->source, ps->line, f->name,
                         "unexpected text after the value");
    }
    return 0;
}

/* One line (NUL-terminated, no newline). */
static int parse_line(struct parser *ps, const char *text)
{
    const char *p = skip_ws(text);
    if (ps->have_crc) {
        if (*p != '\0') {
            return set_error(ps->err, ILRS_EFORMAT, ps->source, ps->line, NULL,
                             "text after the crc line (the crc line must be last)");
        }
        return 0;
    }
    if (*p == '\0' || *p == '#') {
        return 0;
    }
    const char *key = p;
    while (isalnum((unsigned char)*p) || *p == '_') {
        p++;
    }
    size_t key_len = (size_t)(p - key);
    p = skip_ws(p);
    if (key_len == 0 || !isalpha((unsigned char)key[0]) || *p != '=') {
        return set_error(ps->err, ILRS_EFORMAT, ps->source, ps->line, NULL,
                         "expected 'name = value', a '# comment' or a blank line");
    }
    p = skip_ws(p + 1);
    char name[ILRS_DICT_NAME_MAX];
    if (key_len >= sizeof(name)) {
        return set_error(ps->err, ILRS_ENOENT, ps->source, ps->line, NULL,
                         "unknown field '%.40s...' (name too long)", key);
    }
    memcpy(name, key, key_len);
    name[key_len] = '\0';

    if (strcmp(name, "table") == 0) {
        if (ps->have_table) {
            return set_error(ps->err, ILRS_EEXIST, ps->source, ps->line, NULL,
                             "second 'table' line");
        }
        const char *v = p;
        while (isalnum((unsigned char)*p) || *p == '_') {
            p++;
        }
        size_t n = (size_t)(p - v);
        if (n == 0 || !at_value_end(p)) {
            return set_error(ps->err, ILRS_EFORMAT, ps->source, ps->line, NULL,
                             "'table' needs a table name");
        }
        if (strlen(ps->t->name) != n || memcmp(ps->t->name, v, n) != 0) {
            return set_error(ps->err, ILRS_EFSW_TABLE, ps->source, ps->line, NULL,
                             "file is for table '%.*s', not '%s'", (int)(n > 40 ? 40 : n), v,
                             ps->t->name);
        }
        ps->have_table = true;
        return 0;
    }
    if (!ps->have_table) {
        return set_error(ps->err, ILRS_EFORMAT, ps->source, ps->line, NULL,
                         "expected 'table = %s' before any field", ps->t->name);
    }
    if (strcmp(name, "crc") == 0) {
        if (!(p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2]))) {
            return set_error(ps->err, ILRS_EFORMAT, ps->source, ps->line, NULL,
                             "'crc' needs a 0x-prefixed hexadecimal CRC-32");
        }
        char *end;
        errno = 0;
        unsigned long long given = strtoull(p, &end, 16);
        if (errno == ERANGE || given > UINT32_MAX || !at_value_end(end)) {
            return set_error(ps->err, ILRS_EFORMAT, ps->source, ps->line, NULL,
                             "'crc' needs a 32-bit hexadecimal value");
        }
        if ((uint32_t)given != ps->crc) {
            return set_error(ps->err, ILRS_ECRC, ps->source, ps->line, NULL,
                             "crc 0x%08" PRIX32 " given, content has 0x%08" PRIX32, (uint32_t)given,
                             ps->crc);
        }
        ps->have_crc = true;
        return 0;
    }
    for (size_t fi = 0; fi < ps->t->field_count; fi++) {
        const struct tbl_field *f = &ps->t->fields[fi];
        if (strcmp(f->name, name) == 0) {
            if (ps->t->field_line[fi] != 0) {
                return set_error(ps->err, ILRS_EEXIST, ps->source, ps->line, f->name,
                                 "set twice (first on line %" PRIu32 ")", ps->t->field_line[fi]);
            }
            ps->t->field_line[fi] = ps->line;
            return parse_field_value(ps, f, p);
        }
    }
    return set_error(ps->err, ILRS_ENOENT, ps->source, ps->line, name, "no such field in table %s",
                     ps->t->name);
}

/* Account one raw line (with its newline, if any) and parse it. */
static int feed_line(struct parser *ps, const char *raw, size_t len, bool has_newline)
{
    ps->line++;
    size_t n = len;
    if (n > 0 && raw[n - 1] == '\r') {
        n--; /* tolerate CRLF files from other editors */
    }
    if (n > ILRS_TBL_LINE_MAX) {
        return set_error(ps->err, ILRS_EFORMAT, ps->source, ps->line, NULL,
                         "line longer than %u octets", ILRS_TBL_LINE_MAX);
    }
    if (memchr(raw, '\0', len) != NULL) {
        return set_error(ps->err, ILRS_EFORMAT, ps->source, ps->line, NULL,
                         "NUL octet: not a text table file");
    }
    memcpy(ps->t->line, raw, n);
    ps->t->line[n] = '\0';
    int rc = parse_line(ps, ps->t->line);
    ps->crc = ilrs_crc32(ps->crc, raw, len);
    if (has_newline) {
        ps->crc = ilrs_crc32(ps->crc, "\n", 1);
    }
    return rc;
}

static void parser_begin(struct parser *ps, ilrs_tbl_t *t, const char *source,
                         ilrs_tbl_error_t *err)
{
    memset(ps, 0, sizeof(*ps));
    ps->t = t;
    ps->image = t->buffers[!t->active];
    ps->source = source != NULL ? source : "<buffer>";
    ps->err = err;
    t->pending = false;
    memcpy(ps->image, t->buffers[t->active], t->size);
    memset(t->field_line, 0, sizeof(uint32_t) * t->field_count);
}

static int parser_end(struct parser *ps)
{
    if (!ps->have_table) {
        return set_error(ps->err, ILRS_EFORMAT, ps->source, 0, NULL,
                         "not a table file: no 'table = %s' line", ps->t->name);
    }
    for (size_t fi = 0; fi < ps->t->field_count; fi++) {
        if (ps->t->field_line[fi] == 0) {
            return set_error(ps->err, ILRS_ETRUNC, ps->source, ps->line, ps->t->fields[fi].name,
                             "missing (every field must be set; truncated file?)");
        }
    }
    return validate_image(ps->t, ps->image, ps->t->field_line, ps->source, ps->err);
}

int ilrs_tbl_load_text(ilrs_tbl_t *table, const char *text, size_t len, const char *source,
                       ilrs_tbl_error_t *error)
{
    ilrs_tbl_error_t err;
    struct parser ps;
    int rc = 0;

    if (error != NULL) {
        memset(error, 0, sizeof(*error));
    }
    if (table == NULL || (text == NULL && len > 0)) {
        if (error != NULL) {
            set_error(error, ILRS_EINVAL, source, 0, NULL, "no table or no text");
        }
        return ILRS_EINVAL;
    }
    parser_begin(&ps, table, source, &err);
    if (len > ILRS_TBL_TEXT_MAX) {
        rc = set_error(&err, ILRS_EFORMAT, ps.source, 0, NULL, "%zu octets, limit %u", len,
                       ILRS_TBL_TEXT_MAX);
        goto out;
    }
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t line_len = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
        rc = feed_line(&ps, text + pos, line_len, nl != NULL);
        if (rc != 0) {
            goto out;
        }
        pos += line_len + (nl != NULL ? 1 : 0);
    }
    rc = parser_end(&ps);
out:
    return load_finish(table, rc, &err, error);
}

int ilrs_tbl_load_file(ilrs_tbl_t *table, const char *path, ilrs_tbl_error_t *error)
{
    ilrs_tbl_error_t err;
    struct parser ps;
    int rc = 0;
    FILE *fp = NULL;

    if (error != NULL) {
        memset(error, 0, sizeof(*error));
    }
    if (table == NULL || path == NULL) {
        if (error != NULL) {
            set_error(error, ILRS_EINVAL, path, 0, NULL, "no table or no path");
        }
        return ILRS_EINVAL;
    }
    parser_begin(&ps, table, path, &err);
    fp = fopen(path, "rb");
    if (fp == NULL) {
        rc = set_error(&err, ILRS_EIO, path, 0, NULL, "cannot open: %s", strerror(errno));
        goto out;
    }
    /* Stream line by line through the table's own line buffer: no allocation.
     * Read one octet past the limit so an over-long line is recognised. */
    char raw[ILRS_TBL_LINE_MAX + 2];
    size_t total = 0;
    size_t n = 0;
    int c;
    while ((c = getc(fp)) != EOF) {
        if (++total > ILRS_TBL_TEXT_MAX) {
            rc = set_error(&err, ILRS_EFORMAT, path, 0, NULL, "file larger than %u octets",
                           ILRS_TBL_TEXT_MAX);
            goto out_close;
        }
        if (c == '\n') {
            rc = feed_line(&ps, raw, n, true);
            n = 0;
        } else if (n < sizeof(raw)) {
            raw[n++] = (char)c;
            continue;
        } else {
            rc = feed_line(&ps, raw, n, false); /* reports the over-long line */
        }
        if (rc != 0) {
            goto out_close;
        }
    }
    if (ferror(fp)) {
        rc = set_error(&err, ILRS_EIO, path, ps.line + 1, NULL, "read error");
        goto out_close;
    }
    if (n > 0) {
        rc = feed_line(&ps, raw, n, false);
        if (rc != 0) {
            goto out_close;
        }
    }
    rc = parser_end(&ps);
out_close:
    fclose(fp);
out:
    return load_finish(table, rc, &err, error);
}

int ilrs_tbl_load_image(ilrs_tbl_t *table, const void *image, size_t size, ilrs_tbl_error_t *error)
{
    ilrs_tbl_error_t err;
    int rc;
    if (error != NULL) {
        memset(error, 0, sizeof(*error));
    }
    if (table == NULL || image == NULL) {
        if (error != NULL) {
            set_error(error, ILRS_EINVAL, "<image>", 0, NULL, "no table or no image");
        }
        return ILRS_EINVAL;
    }
    uint8_t *dst = table->buffers[!table->active];
    table->pending = false;
    if (size != table->size) {
        rc = set_error(&err, ILRS_EINVAL, "<image>", 0, NULL, "%zu octets, table %s has %zu", size,
                       table->name, table->size);
        return load_finish(table, rc, &err, error);
    }
    /* Copy field octets only: octets no field covers keep the active image's
     * (zero) content, and bytes after a string's NUL are cleared, so the CRC
     * depends on values alone. */
    memcpy(dst, table->buffers[table->active], table->size);
    for (size_t fi = 0; fi < table->field_count; fi++) {
        const struct tbl_field *f = &table->fields[fi];
        size_t bytes = f->elem_size * f->count;
        memcpy(dst + f->offset, (const uint8_t *)image + f->offset, bytes);
        if (f->type == ILRS_DICT_STRING) {
            uint8_t *nul = memchr(dst + f->offset, '\0', f->length);
            if (nul != NULL) {
                memset(nul, 0, (size_t)(dst + f->offset + f->length - nul));
            }
        }
    }
    rc = validate_image(table, dst, NULL, "<image>", &err);
    return load_finish(table, rc, &err, error);
}

int ilrs_tbl_commit(ilrs_tbl_t *table)
{
    if (table == NULL) {
        return ILRS_EINVAL;
    }
    if (!table->pending) {
        return ILRS_ESTATE;
    }
    table->active = !table->active;
    table->pending = false;
    table->crc = ilrs_crc32(0, table->buffers[table->active], table->size);
    table->generation++;
    table->commits++;
    table->registry->commits++;
    /* Keep the inactive copy equal to the active image so padding stays identical. */
    memcpy(table->buffers[!table->active], table->buffers[table->active], table->size);
    return 0;
}

int ilrs_tbl_abort(ilrs_tbl_t *table)
{
    if (table == NULL) {
        return ILRS_EINVAL;
    }
    if (!table->pending) {
        return ILRS_ESTATE;
    }
    table->pending = false;
    return 0;
}

/* ---- dump ------------------------------------------------------------------------ */

struct writer {
    char *buf; /* memory target, or NULL */
    size_t cap;
    size_t len; /* octets produced so far (also beyond cap, to report the need) */
    FILE *fp;   /* file target, or NULL */
    bool io_error;
    uint32_t crc;
};

static void emit(struct writer *w, const char *s, size_t n)
{
    w->crc = ilrs_crc32(w->crc, s, n);
    if (w->fp != NULL) {
        if (fwrite(s, 1, n, w->fp) != n) {
            w->io_error = true;
        }
    } else if (w->buf != NULL && w->len < w->cap) {
        size_t room = w->cap - w->len;
        memcpy(w->buf + w->len, s, n < room ? n : room);
    }
    w->len += n;
}

static void emitf(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emitf(struct writer *w, const char *fmt, ...)
{
    char line[ILRS_TBL_LINE_MAX];
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(line, sizeof(line), fmt, args);
    va_end(args);
    if (n < 0) {
        w->io_error = true;
        return;
    }
    emit(w, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* Comment text: one line, printable, bounded, so a dump always loads back. */
static void emit_comment_text(struct writer *w, const char *s, size_t max)
{
    for (size_t i = 0; s != NULL && s[i] != '\0' && i < max; i++) {
        char c = isprint((unsigned char)s[i]) ? s[i] : ' ';
        emit(w, &c, 1);
    }
}

static void emit_value(struct writer *w, const struct tbl_field *f, const uint8_t *image)
{
    for (size_t i = 0; i < f->count; i++) {
        if (i > 0) {
            emit(w, ", ", 2);
        }
        if (is_integer_type(f->type)) {
            int64_t s;
            uint64_t u;
            get_int(f, image, i, &s, &u);
            const char *label = enum_label(f, s, u);
            if (label != NULL) {
                emitf(w, "%s", label);
            } else if (is_unsigned_type(f->type)) {
                emitf(w, "%" PRIu64, u);
            } else {
                emitf(w, "%" PRId64, s);
            }
        } else if (f->type == ILRS_DICT_F32) {
            emitf(w, "%.9g", get_float(f, image, i)); /* 9 digits round-trip a float */
        } else if (f->type == ILRS_DICT_F64) {
            emitf(w, "%.17g", get_float(f, image, i)); /* 17 digits round-trip a double */
        } else if (f->type == ILRS_DICT_BOOL) {
            emitf(w, "%s", image[f->offset + i] ? "true" : "false");
        } else if (f->type == ILRS_DICT_STRING) {
            const uint8_t *s = image + f->offset;
            emit(w, "\"", 1);
            for (size_t k = 0; k < f->length && s[k] != '\0'; k++) {
                if (s[k] == '"' || s[k] == '\\') {
                    emitf(w, "\\%c", s[k]);
                } else if (s[k] == '\n') {
                    emit(w, "\\n", 2);
                } else if (s[k] == '\t') {
                    emit(w, "\\t", 2);
                } else if (s[k] < 0x20 || s[k] >= 0x7F) {
                    emitf(w, "\\x%02x", s[k]);
                } else {
                    emit(w, (const char *)&s[k], 1);
                }
            }
            emit(w, "\"", 1);
        } else {
            for (size_t k = 0; k < f->length; k++) {
                emitf(w, "%02x", image[f->offset + k]);
            }
        }
    }
}

static void dump_to(ilrs_tbl_t *t, struct writer *w)
{
    const uint8_t *image = t->buffers[t->active];
    emitf(w, "# ilrs parameter table, text form version %d\n", TBL_TEXT_VERSION);
    emit(w, "# ", 2);
    emit_comment_text(w, t->name, ILRS_TBL_NAME_MAX);
    if (t->app != NULL) {
        emit(w, " (app ", 6);
        emit_comment_text(w, t->app, 64);
        emit(w, ")", 1);
    }
    if (t->description != NULL) {
        emit(w, ": ", 2);
        emit_comment_text(w, t->description, 400);
    }
    emitf(w, "\n# generation %" PRIu32 ", image %zu octets, image crc 0x%08" PRIX32 "\n",
          t->generation, t->size, t->crc);
    emitf(w, "table = %s\n", t->name);
    for (size_t fi = 0; fi < t->field_count; fi++) {
        const struct tbl_field *f = &t->fields[fi];
        emitf(w, "\n# %s %s", f->name, type_label(f->type));
        if (f->count > 1) {
            emitf(w, "[%u]", f->count);
        } else if (f->type == ILRS_DICT_STRING || f->type == ILRS_DICT_BYTES) {
            emitf(w, "[%u]", f->length);
        }
        if (f->unit != NULL) {
            emit(w, " unit ", 6);
            emit_comment_text(w, f->unit, 40);
        }
        if (f->has_range) {
            emitf(w, " range [%.17g, %.17g]", f->min, f->max);
        }
        if (f->description != NULL) {
            emit(w, ": ", 2);
            emit_comment_text(w, f->description, 400);
        }
        emit(w, "\n", 1);
        if (f->enum_count > 0) {
            /* Bounded so the comment line stays under the loader's line limit. */
            size_t used = 10;
            emit(w, "# values:", 9);
            for (size_t k = 0; k < f->enum_count; k++) {
                size_t need = strlen(f->enums[k].label) + 22;
                if (used + need > ILRS_TBL_LINE_MAX - 8) {
                    emit(w, " ...", 4);
                    break;
                }
                emitf(w, " %s=%" PRId64, f->enums[k].label, f->enums[k].value);
                used += need;
            }
            emit(w, "\n", 1);
        }
        emitf(w, "%s = ", f->name);
        emit_value(w, f, image);
        emit(w, "\n", 1);
    }
    emit(w, "\n", 1);
    emitf(w, "crc = 0x%08" PRIX32 "\n", w->crc); /* CRC of every octet before this line */
}

int ilrs_tbl_dump_text(ilrs_tbl_t *table, char *buf, size_t cap, size_t *len)
{
    if (len != NULL) {
        *len = 0;
    }
    if (table == NULL || len == NULL || (buf == NULL && cap > 0)) {
        return ILRS_EINVAL;
    }
    struct writer w = {.buf = buf, .cap = cap};
    dump_to(table, &w);
    *len = w.len;
    if (w.len >= cap) {
        if (cap > 0) {
            buf[0] = '\0';
        }
        return ILRS_EOVERFLOW;
    }
    buf[w.len] = '\0';
    table->dumps++;
    return 0;
}

int ilrs_tbl_dump_file(ilrs_tbl_t *table, const char *path)
{
    char tmp[4096];
    int rc = 0;
    if (table == NULL || path == NULL) {
        return ILRS_EINVAL;
    }
    int n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        return ILRS_EINVAL;
    }
    /* Write beside the target and rename into place, so a reader never sees a
     * half-written dump and a failed dump leaves the previous file intact. */
    FILE *fp = fopen(tmp, "wb");
    if (fp == NULL) {
        ilrs_log(ILRS_LOG_ERROR, "tbl", "dump %s: cannot create %s: %s", table->name, tmp,
                 strerror(errno));
        return ILRS_EIO;
    }
    struct writer w = {.fp = fp};
    dump_to(table, &w);
    if (fflush(fp) != 0) {
        w.io_error = true;
    }
    if (fclose(fp) != 0 || w.io_error) {
        rc = ILRS_EIO;
        goto out_remove;
    }
    if (rename(tmp, path) != 0) {
        rc = ILRS_EIO;
        goto out_remove;
    }
    table->dumps++;
    return 0;

out_remove:
    ilrs_log(ILRS_LOG_ERROR, "tbl", "dump %s to %s failed: %s", table->name, path, strerror(errno));
    remove(tmp);
    return rc;
}

/* ---- statistics ------------------------------------------------------------------ */

void ilrs_tbl_get_stats(const ilrs_tbl_t *table, ilrs_tbl_stats_t *stats)
{
    if (stats == NULL) {
        return;
    }
    memset(stats, 0, sizeof(*stats));
    if (table == NULL) {
        return;
    }
    memcpy(stats->name, table->name, sizeof(stats->name));
    stats->size = table->size;
    stats->crc = table->crc;
    stats->generation = table->generation;
    stats->pending = table->pending;
    stats->loads_ok = table->loads_ok;
    stats->loads_rejected = table->loads_rejected;
    stats->commits = table->commits;
    stats->dumps = table->dumps;
    stats->last_error = table->last_error;
}

void ilrs_tbl_registry_get_stats(const ilrs_tbl_registry_t *registry,
                                 ilrs_tbl_registry_stats_t *stats)
{
    if (stats == NULL) {
        return;
    }
    memset(stats, 0, sizeof(*stats));
    if (registry == NULL) {
        return;
    }
    stats->tables = registry->count;
    stats->max_tables = registry->max_tables;
    stats->loads_ok = registry->loads_ok;
    stats->loads_rejected = registry->loads_rejected;
    stats->commits = registry->commits;
    stats->memory_bytes = registry->memory_bytes;
}
