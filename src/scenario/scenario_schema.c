// SPDX-License-Identifier: Apache-2.0
//
// The scenario schema and the walker that applies it. Each config struct of
// scenario.h has one table of fields (key, type, offset, range, flags) and
// optionally a defaults function (run before its keys are read) and a post
// function (per-element rules that need several keys at once). The walker
// reports unknown keys (with a "did you mean" when one is close), duplicate
// keys, wrong types, missing required keys and out-of-range values, each with
// its line, column and key path, and keeps going so that one load reports
// every problem. Cross-element rules live in scenario_check.c.
//
// The numbers in the defaults are documented, with their sources, in
// docs/scenario.md (the key-by-key reference): keep both in step.
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <erfa.h>

#include "scenario/scenario_int.h"

/* ------------------------------------------------------------------------- */
/* Schema description                                                         */
/* ------------------------------------------------------------------------- */

typedef enum ftype {
    FT_STR,    /* char[size], any text */
    FT_ID,     /* char[size], identifier [A-Za-z0-9_.-], starting alphanumeric */
    FT_NUM,    /* double, finite, in [min, max] */
    FT_U32,    /* uint32_t, integral, in [min, max] */
    FT_U64,    /* uint64_t, integral, in [min, max] */
    FT_BOOL,   /* bool, true/false */
    FT_ENUM,   /* int-sized enum, one of names[] */
    FT_DUR,    /* double seconds: a number, or a number with s/m/min/h/d/y */
    FT_STRUCT, /* embedded struct, sub-schema */
    FT_LIST,   /* fixed array + size_t count, elements by sub-schema */
    FT_CUSTOM, /* handled by custom() */
} ftype_t;

enum {
    F_REQUIRED = 1u << 0,
    F_MIN_EXCL = 1u << 1, /* value must be > min (else >= min) */
    F_MAX_EXCL = 1u << 2, /* value must be < max (else <= max) */
};

typedef struct schema schema_t;
typedef struct field field_t;

/* A custom field parser: @p obj is the struct holding the field. */
typedef void (*custom_fn)(scenario_ctx_t *ctx, const field_t *f, void *obj, const snode_t *value,
                          const char *path);

struct field {
    const char *key;
    ftype_t type;
    size_t off;
    size_t size; /* FT_STR/FT_ID: capacity; FT_LIST: element size */
    double min, max;
    unsigned flags;
    const schema_t *sub;      /* FT_STRUCT, FT_LIST */
    size_t count_off;         /* FT_LIST */
    size_t max_count;         /* FT_LIST */
    const char *const *names; /* FT_ENUM, NULL-terminated */
    size_t has_plus1;         /* offset + 1 of a bool set when the key is present; 0 none */
    custom_fn custom;         /* FT_CUSTOM */
};

struct schema {
    const char *what; /* for messages: "a payload" */
    const field_t *fields;
    size_t count;
    /* Set defaults of a fresh element (index in its list, 0 for structs). */
    void (*defaults)(void *obj, size_t index);
    /* Rules over several keys of one element, after its keys are read. */
    void (*post)(scenario_ctx_t *ctx, void *obj, const snode_t *map, const char *path);
    bool scalar_element; /* list elements are scalars read by fields[0] */
};

/* FT_ENUM fields are written through an int pointer. */
_Static_assert(sizeof(ilrs_scenario_regolith_t) == sizeof(int) &&
                   sizeof(ilrs_scenario_tracking_t) == sizeof(int) &&
                   sizeof(ilrs_scenario_link_t) == sizeof(int) &&
                   sizeof(ilrs_scenario_band_t) == sizeof(int) &&
                   sizeof(ilrs_scenario_orbit_preset_t) == sizeof(int) &&
                   sizeof(ilrs_scenario_fault_type_t) == sizeof(int),
               "enums are int-sized");

/* No mapping in the schema has more keys than this; a bigger one is refused
 * before the quadratic duplicate-key check runs. */
#define MAX_MAP_KEYS 64

/* ------------------------------------------------------------------------- */
/* Small helpers                                                              */
/* ------------------------------------------------------------------------- */

static const char *kind_name(const snode_t *n)
{
    switch (n->kind) {
    case SNODE_SEQUENCE:
        return "a sequence";
    case SNODE_MAPPING:
        return "a mapping";
    default:
        return "a scalar";
    }
}

static bool is_null(const snode_t *n)
{
    return n->kind == SNODE_SCALAR && n->plain &&
           (n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
            strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0);
}

static void join_path(char *out, size_t cap, const char *parent, const char *key)
{
    if (parent[0] == '\0') {
        snprintf(out, cap, "%s", key);
    } else {
        snprintf(out, cap, "%s.%s", parent, key);
    }
}

/* Text of a scalar for a message, shortened. */
static const char *shown(const snode_t *n, char *buf, size_t cap)
{
    if (n->kind != SNODE_SCALAR) {
        snprintf(buf, cap, "%s", kind_name(n));
        return buf;
    }
    if (n->len + 1 > cap) {
        snprintf(buf, cap, "%.*s...", (int)(cap - 4), n->text);
    } else {
        snprintf(buf, cap, "%s", n->text);
    }
    /* keep the message on one line */
    for (char *p = buf; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20) {
            *p = '?';
        }
    }
    return buf;
}

static void err(scenario_ctx_t *ctx, int code, const snode_t *at, const char *path, const char *fmt,
                ...) __attribute__((format(printf, 5, 6)));
static void err(scenario_ctx_t *ctx, int code, const snode_t *at, const char *path, const char *fmt,
                ...)
{
    char msg[ILRS_SCENARIO_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ilrs__scenario_diag(ctx, code, false, at->line, at->column, path, "%s", msg);
}

/* Parse a YAML plain number: decimal digits, sign, point and exponent only (no
 * hex, inf or nan, which strtod would take). */
static bool parse_double(const char *text, double *out)
{
    if (text[0] == '\0') {
        return false;
    }
    for (const char *p = text; *p != '\0'; p++) {
        if (!isdigit((unsigned char)*p) && *p != '+' && *p != '-' && *p != '.' && *p != 'e' &&
            *p != 'E') {
            return false;
        }
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        return false;
    }
    *out = v;
    return true;
}

static const char *num_scalar(scenario_ctx_t *ctx, const snode_t *v, const char *path,
                              const char *what)
{
    char buf[64];
    if (v->kind != SNODE_SCALAR) {
        err(ctx, ILRS_ESCENARIO_TYPE, v, path, "expected %s, got %s", what, kind_name(v));
        return NULL;
    }
    if (is_null(v)) {
        err(ctx, ILRS_ESCENARIO_TYPE, v, path, "expected %s, got nothing", what);
        return NULL;
    }
    if (!v->plain) {
        err(ctx, ILRS_ESCENARIO_TYPE, v, path, "expected %s, got the quoted string \"%s\"", what,
            shown(v, buf, sizeof buf));
        return NULL;
    }
    return v->text;
}

/* Check min/max; report "must be > 0, got -5". */
static bool check_range(scenario_ctx_t *ctx, const field_t *f, const snode_t *v, const char *path,
                        double x, const char *unit)
{
    bool low = (f->flags & F_MIN_EXCL) ? !(x > f->min) : !(x >= f->min);
    bool high = (f->flags & F_MAX_EXCL) ? !(x < f->max) : !(x <= f->max);
    if (low) {
        err(ctx, ILRS_ESCENARIO_VALUE, v, path, "must be %s %.10g%s, got %.10g",
            (f->flags & F_MIN_EXCL) ? ">" : ">=", f->min, unit, x);
        return false;
    }
    if (high) {
        err(ctx, ILRS_ESCENARIO_VALUE, v, path, "must be %s %.10g%s, got %.10g",
            (f->flags & F_MAX_EXCL) ? "<" : "<=", f->max, unit, x);
        return false;
    }
    return true;
}

/* Levenshtein distance, small strings only (keys). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40) {
        return 99;
    }
    size_t row[41];
    for (size_t j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] == b[j - 1] ? 0 : 1);
            if (up + 1 < best) {
                best = up + 1;
            }
            if (row[j - 1] + 1 < best) {
                best = row[j - 1] + 1;
            }
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Duration text: "90", "90s", "15m", "15min", "6h", "1.5d", "1y" (365 d, as the
 * command line's --duration). */
static bool parse_duration(const char *text, double *out)
{
    char num[64];
    size_t n = 0;
    while (text[n] != '\0' &&
           (isdigit((unsigned char)text[n]) || text[n] == '.' || text[n] == '+' || text[n] == '-' ||
            text[n] == 'e' || text[n] == 'E')) {
        n++;
    }
    /* an 'e' just before the unit belongs to no unit we accept; "1e3s" stays valid */
    if (n == 0 || n >= sizeof num) {
        return false;
    }
    memcpy(num, text, n);
    num[n] = '\0';
    double v;
    if (!parse_double(num, &v)) {
        return false;
    }
    const char *unit = text + n;
    while (*unit == ' ') {
        unit++;
    }
    double scale;
    if (*unit == '\0' || strcmp(unit, "s") == 0) {
        scale = 1.0;
    } else if (strcmp(unit, "m") == 0 || strcmp(unit, "min") == 0) {
        scale = 60.0;
    } else if (strcmp(unit, "h") == 0) {
        scale = 3600.0;
    } else if (strcmp(unit, "d") == 0) {
        scale = 86400.0;
    } else if (strcmp(unit, "y") == 0) {
        scale = 365.0 * 86400.0;
    } else {
        return false;
    }
    *out = v * scale;
    return isfinite(*out);
}

/* ------------------------------------------------------------------------- */
/* The walker                                                                 */
/* ------------------------------------------------------------------------- */

static void apply_map(scenario_ctx_t *ctx, const schema_t *s, void *obj, const snode_t *map,
                      const char *path);

static void apply_field(scenario_ctx_t *ctx, const field_t *f, void *obj, const snode_t *v,
                        const char *path)
{
    unsigned char *base = obj;
    void *where = base + f->off;
    char buf[80];
    const char *text;

    if (f->type != FT_STRUCT && f->type != FT_LIST && f->type != FT_CUSTOM) {
        ilrs__scenario_loc_add(ctx, where, LOC_VALUE, v->line, v->column);
    }
    switch (f->type) {
    case FT_STR:
    case FT_ID:
        if (v->kind != SNODE_SCALAR) {
            err(ctx, ILRS_ESCENARIO_TYPE, v, path, "expected a string, got %s", kind_name(v));
            return;
        }
        if (is_null(v)) {
            err(ctx, ILRS_ESCENARIO_TYPE, v, path, "expected a string, got nothing");
            return;
        }
        if (v->len >= f->size || strlen(v->text) != v->len) {
            err(ctx, ILRS_ESCENARIO_VALUE, v, path,
                "must be at most %zu bytes without NUL characters, got %zu", f->size - 1, v->len);
            return;
        }
        if (f->type == FT_ID) {
            bool ok = isalnum((unsigned char)v->text[0]) != 0;
            for (size_t i = 0; ok && i < v->len; i++) {
                unsigned char c = (unsigned char)v->text[i];
                ok = isalnum(c) || c == '_' || c == '-' || c == '.';
            }
            if (!ok) {
                err(ctx, ILRS_ESCENARIO_VALUE, v, path,
                    "must be an identifier (letters, digits, '_', '-', '.', starting with a "
                    "letter or digit), got \"%s\"",
                    shown(v, buf, sizeof buf));
                return;
            }
        }
        memcpy(where, v->text, v->len + 1);
        break;
    case FT_NUM: {
        text = num_scalar(ctx, v, path, "a number");
        double x;
        if (text == NULL) {
            return;
        }
        if (!parse_double(text, &x)) {
            err(ctx, ILRS_ESCENARIO_TYPE, v, path, "expected a number, got \"%s\"",
                shown(v, buf, sizeof buf));
            return;
        }
        if (check_range(ctx, f, v, path, x, "")) {
            *(double *)where = x;
        }
        break;
    }
    case FT_U32:
    case FT_U64: {
        text = num_scalar(ctx, v, path, "an integer");
        if (text == NULL) {
            return;
        }
        double x = 0.0;
        uint64_t u = 0;
        bool digits = text[0] != '\0';
        for (const char *p = text; *p != '\0'; p++) {
            digits = digits && isdigit((unsigned char)*p);
        }
        if (digits) {
            errno = 0;
            unsigned long long ull = strtoull(text, NULL, 10);
            if (errno == ERANGE) {
                err(ctx, ILRS_ESCENARIO_VALUE, v, path, "must be <= %.10g, got %s", f->max,
                    shown(v, buf, sizeof buf));
                return;
            }
            u = ull;
            x = (double)u;
        } else if (parse_double(text, &x) && x == floor(x) && fabs(x) <= 9007199254740992.0) {
            /* "64e9" is an exact integer too */
            if (x >= 0) {
                u = (uint64_t)x;
            }
        } else {
            err(ctx, ILRS_ESCENARIO_TYPE, v, path, "expected an integer, got \"%s\"",
                shown(v, buf, sizeof buf));
            return;
        }
        if (!check_range(ctx, f, v, path, x, "")) {
            return;
        }
        if (f->type == FT_U32) {
            *(uint32_t *)where = (uint32_t)u;
        } else {
            *(uint64_t *)where = u;
        }
        break;
    }
    case FT_BOOL:
        if (v->kind != SNODE_SCALAR || !v->plain ||
            (strcmp(v->text, "true") != 0 && strcmp(v->text, "false") != 0 &&
             strcmp(v->text, "True") != 0 && strcmp(v->text, "False") != 0 &&
             strcmp(v->text, "TRUE") != 0 && strcmp(v->text, "FALSE") != 0)) {
            err(ctx, ILRS_ESCENARIO_TYPE, v, path, "expected true or false, got %s%s%s",
                v->kind == SNODE_SCALAR ? "\"" : "", shown(v, buf, sizeof buf),
                v->kind == SNODE_SCALAR ? "\"" : "");
            return;
        }
        *(bool *)where = v->text[0] == 't' || v->text[0] == 'T';
        break;
    case FT_ENUM: {
        if (v->kind == SNODE_SCALAR && !is_null(v)) {
            for (int i = 0; f->names[i] != NULL; i++) {
                if (strcmp(v->text, f->names[i]) == 0) {
                    *(int *)where = i;
                    goto enum_done;
                }
            }
        }
        char list[160] = "";
        for (int i = 0; f->names[i] != NULL; i++) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", f->names[i]);
        }
        err(ctx, ILRS_ESCENARIO_VALUE, v, path, "must be one of %s; got %s%s%s", list,
            v->kind == SNODE_SCALAR ? "\"" : "", shown(v, buf, sizeof buf),
            v->kind == SNODE_SCALAR ? "\"" : "");
        return;
    enum_done:
        break;
    }
    case FT_DUR: {
        text = num_scalar(ctx, v, path, "a duration");
        double x;
        if (text == NULL) {
            return;
        }
        if (!parse_duration(text, &x)) {
            err(ctx, ILRS_ESCENARIO_TYPE, v, path,
                "expected a duration (seconds, or a number with s, min, h, d or y), got \"%s\"",
                shown(v, buf, sizeof buf));
            return;
        }
        if (check_range(ctx, f, v, path, x, " s")) {
            *(double *)where = x;
        }
        break;
    }
    case FT_STRUCT:
        apply_map(ctx, f->sub, where, v, path);
        break;
    case FT_LIST: {
        if (v->kind != SNODE_SEQUENCE) {
            err(ctx, ILRS_ESCENARIO_TYPE, v, path, "expected a sequence (- item), got %s",
                kind_name(v));
            return;
        }
        size_t n = v->count;
        if (n > f->max_count) {
            err(ctx, ILRS_ESCENARIO_LIMIT, v, path, "at most %zu entries, got %zu", f->max_count,
                n);
            n = f->max_count;
        }
        if (f->flags & F_REQUIRED && n == 0) {
            err(ctx, ILRS_ESCENARIO_VALUE, v, path, "must have at least one entry");
        }
        for (size_t i = 0; i < n; i++) {
            void *elem = (unsigned char *)where + i * f->size;
            char ipath[ILRS_SCENARIO_KEYPATH_MAX];
            snprintf(ipath, sizeof ipath, "%s[%zu]", path, i);
            if (f->sub->defaults != NULL) {
                f->sub->defaults(elem, i);
            }
            ilrs__scenario_loc_add(ctx, elem, LOC_ELEMENT, v->items[i]->line, v->items[i]->column);
            if (f->sub->scalar_element) {
                apply_field(ctx, &f->sub->fields[0], elem, v->items[i], ipath);
            } else {
                apply_map(ctx, f->sub, elem, v->items[i], ipath);
            }
        }
        *(size_t *)(base + f->count_off) = n;
        break;
    }
    case FT_CUSTOM:
        f->custom(ctx, f, obj, v, path);
        break;
    }
    if (f->has_plus1 != 0) {
        *(bool *)(base + f->has_plus1 - 1) = true;
    }
}

static void apply_map(scenario_ctx_t *ctx, const schema_t *s, void *obj, const snode_t *map,
                      const char *path)
{
    if (map->kind != SNODE_MAPPING) {
        err(ctx, ILRS_ESCENARIO_TYPE, map, path, "expected a mapping (key: value) for %s, got %s",
            s->what, is_null(map) ? "nothing" : kind_name(map));
        return;
    }
    size_t pairs = map->count / 2;
    if (pairs > MAX_MAP_KEYS) {
        err(ctx, ILRS_ESCENARIO_LIMIT, map, path, "mapping has %zu keys, more than %d", pairs,
            MAX_MAP_KEYS);
        return;
    }
    bool seen[MAX_MAP_KEYS] = {false};
    for (size_t p = 0; p < pairs; p++) {
        const snode_t *k = map->items[2 * p];
        const snode_t *v = map->items[2 * p + 1];
        char kpath[ILRS_SCENARIO_KEYPATH_MAX];
        char buf[64];
        if (k->kind != SNODE_SCALAR) {
            err(ctx, ILRS_ESCENARIO_TYPE, k, path, "keys must be strings, got %s", kind_name(k));
            continue;
        }
        join_path(kpath, sizeof kpath, path, shown(k, buf, sizeof buf));
        bool dup = false;
        for (size_t q = 0; q < p && !dup; q++) {
            const snode_t *other = map->items[2 * q];
            if (other->kind == SNODE_SCALAR && other->len == k->len &&
                memcmp(other->text, k->text, k->len) == 0) {
                err(ctx, ILRS_ESCENARIO_DUPLICATE, k, kpath, "duplicate key (first at line %u)",
                    other->line);
                dup = true;
            }
        }
        if (dup) {
            continue;
        }
        const field_t *f = NULL;
        size_t fi = 0;
        for (fi = 0; fi < s->count; fi++) {
            if (strcmp(s->fields[fi].key, k->text) == 0) {
                f = &s->fields[fi];
                break;
            }
        }
        if (f == NULL) {
            const char *best = NULL;
            size_t best_d = 3;
            for (size_t i = 0; i < s->count; i++) {
                size_t d = edit_distance(k->text, s->fields[i].key);
                if (d < best_d) {
                    best_d = d;
                    best = s->fields[i].key;
                }
            }
            if (best != NULL) {
                err(ctx, ILRS_ESCENARIO_KEY, k, kpath, "unknown key in %s (did you mean '%s'?)",
                    s->what, best);
            } else {
                err(ctx, ILRS_ESCENARIO_KEY, k, kpath, "unknown key in %s", s->what);
            }
            continue;
        }
        if (fi < MAX_MAP_KEYS) {
            seen[fi] = true;
        }
        apply_field(ctx, f, obj, v, kpath);
    }
    for (size_t i = 0; i < s->count && i < MAX_MAP_KEYS; i++) {
        if ((s->fields[i].flags & F_REQUIRED) && !seen[i]) {
            char kpath[ILRS_SCENARIO_KEYPATH_MAX];
            join_path(kpath, sizeof kpath, path, s->fields[i].key);
            err(ctx, ILRS_ESCENARIO_MISSING, map, kpath, "required key missing in %s", s->what);
        }
    }
    if (s->post != NULL) {
        s->post(ctx, obj, map, path);
    }
}

/* The value node of @p key in mapping @p map, or NULL. */
static const snode_t *map_get(const snode_t *map, const char *key)
{
    if (map->kind != SNODE_MAPPING) {
        return NULL;
    }
    for (size_t i = 0; i + 1 < map->count; i += 2) {
        if (map->items[i]->kind == SNODE_SCALAR && strcmp(map->items[i]->text, key) == 0) {
            return map->items[i + 1];
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------------- */
/* Table-building macros                                                      */
/* ------------------------------------------------------------------------- */

#define S_(T, k, m, fl)                                                                            \
    {                                                                                              \
        .key = k, .type = FT_STR, .off = offsetof(T, m), .size = sizeof(((T *)0)->m), .flags = fl  \
    }
#define ID_(T, k, m, fl)                                                                           \
    {                                                                                              \
        .key = k, .type = FT_ID, .off = offsetof(T, m), .size = sizeof(((T *)0)->m), .flags = fl   \
    }
#define NUM_(T, k, m, lo, hi, fl)                                                                  \
    {                                                                                              \
        .key = k, .type = FT_NUM, .off = offsetof(T, m), .min = lo, .max = hi, .flags = fl         \
    }
#define NUMH_(T, k, m, lo, hi, fl, h)                                                              \
    {                                                                                              \
        .key = k, .type = FT_NUM, .off = offsetof(T, m), .min = lo, .max = hi, .flags = fl,        \
        .has_plus1 = offsetof(T, h) + 1                                                            \
    }
#define U32_(T, k, m, lo, hi, fl)                                                                  \
    {                                                                                              \
        .key = k, .type = FT_U32, .off = offsetof(T, m), .min = lo, .max = hi, .flags = fl         \
    }
#define U64_(T, k, m, lo, hi, fl)                                                                  \
    {                                                                                              \
        .key = k, .type = FT_U64, .off = offsetof(T, m), .min = lo, .max = hi, .flags = fl         \
    }
#define BOOL_(T, k, m)                                                                             \
    {                                                                                              \
        .key = k, .type = FT_BOOL, .off = offsetof(T, m)                                           \
    }
#define ENUM_(T, k, m, nm, fl)                                                                     \
    {                                                                                              \
        .key = k, .type = FT_ENUM, .off = offsetof(T, m), .names = nm, .flags = fl                 \
    }
#define DUR_(T, k, m, lo, hi, fl)                                                                  \
    {                                                                                              \
        .key = k, .type = FT_DUR, .off = offsetof(T, m), .min = lo, .max = hi, .flags = fl         \
    }
#define STRUCT_(T, k, m, sch, fl)                                                                  \
    {                                                                                              \
        .key = k, .type = FT_STRUCT, .off = offsetof(T, m), .sub = &sch, .flags = fl               \
    }
#define LIST_(T, k, m, cnt, sch, fl)                                                               \
    {                                                                                              \
        .key = k, .type = FT_LIST, .off = offsetof(T, m), .size = sizeof(((T *)0)->m[0]),          \
        .count_off = offsetof(T, cnt), .max_count = sizeof(((T *)0)->m) / sizeof(((T *)0)->m[0]),  \
        .sub = &sch, .flags = fl                                                                   \
    }
#define CUSTOM_(T, k, m, fn, fl)                                                                   \
    {                                                                                              \
        .key = k, .type = FT_CUSTOM, .off = offsetof(T, m), .custom = fn, .flags = fl              \
    }
#define SCHEMA(name, what_, tbl, def, pst)                                                         \
    static const schema_t name = {.what = what_,                                                   \
                                  .fields = tbl,                                                   \
                                  .count = sizeof tbl / sizeof tbl[0],                             \
                                  .defaults = def,                                                 \
                                  .post = pst}

/* Enumeration spellings, in enum order. */
static const char *const regolith_names[] = {"highland", "mare", NULL};
static const char *const tracking_names[] = {"fixed", "azimuth", "two_axis", NULL};
static const char *const link_names[] = {"direct_to_earth", "proximity", NULL};
static const char *const band_names[] = {"uhf", "s", "x", "ka", NULL};
static const char *const preset_names[] = {"elements", "queqiao2-24h", "queqiao2-12h", NULL};
static const char *const fault_names[] = {"battery_string_loss",
                                          "array_degradation",
                                          "radio_outage",
                                          "payload_hang",
                                          "stuck_sensor",
                                          "heater_failure",
                                          NULL};

static const char *enum_name(const char *const *names, size_t n, int v)
{
    return v >= 0 && (size_t)v < n ? names[v] : "?";
}
const char *ilrs_scenario_fault_type_name(ilrs_scenario_fault_type_t t)
{
    return enum_name(fault_names, ILRS_SCENARIO_FAULT_TYPE_COUNT, (int)t);
}
const char *ilrs_scenario_band_name(ilrs_scenario_band_t b)
{
    return enum_name(band_names, 4, (int)b);
}
const char *ilrs_scenario_link_name(ilrs_scenario_link_t l)
{
    return enum_name(link_names, 2, (int)l);
}
const char *ilrs_scenario_tracking_name(ilrs_scenario_tracking_t t)
{
    return enum_name(tracking_names, 3, (int)t);
}
const char *ilrs_scenario_orbit_preset_name(ilrs_scenario_orbit_preset_t p)
{
    return enum_name(preset_names, 3, (int)p);
}

/* ------------------------------------------------------------------------- */
/* Site                                                                       */
/* ------------------------------------------------------------------------- */

static const field_t dem_fields[] = {
    S_(ilrs_scenario_dem_t, "path", path, 0),
};
static const schema_t dem_schema = {
    .what = "a DEM path", .fields = dem_fields, .count = 1, .scalar_element = true};

static const field_t site_fields[] = {
    S_(ilrs_scenario_site_t, "name", name, 0),
    NUM_(ilrs_scenario_site_t, "lat_deg", lat_deg, -90, 90, F_REQUIRED),
    NUM_(ilrs_scenario_site_t, "lon_deg", lon_deg, -180, 360, F_REQUIRED),
    NUMH_(ilrs_scenario_site_t, "height_m", height_m, -20000, 20000, 0, has_height_m),
    NUM_(ilrs_scenario_site_t, "mast_height_m", mast_height_m, 0, 1000, 0),
    ENUM_(ilrs_scenario_site_t, "regolith", regolith, regolith_names, 0),
    LIST_(ilrs_scenario_site_t, "dem", dems, dem_count, dem_schema, 0),
};
SCHEMA(site_schema, "the site", site_fields, NULL, NULL);

/* ------------------------------------------------------------------------- */
/* Hub                                                                        */
/* ------------------------------------------------------------------------- */

static const field_t hub_fields[] = {
    S_(ilrs_scenario_hub_t, "name", name, 0),
    NUM_(ilrs_scenario_hub_t, "mass_kg", mass_kg, 0, 100000, 0),
    NUM_(ilrs_scenario_hub_t, "avionics_power_w", avionics_power_w, 0, 100000,
         F_REQUIRED | F_MIN_EXCL),
    NUM_(ilrs_scenario_hub_t, "hibernate_power_w", hibernate_power_w, 0, 100000, 0),
    ID_(ilrs_scenario_hub_t, "thermal_node", thermal_node, F_REQUIRED),
    ID_(ilrs_scenario_hub_t, "line", line, 0),
};
SCHEMA(hub_schema, "the hub", hub_fields, NULL, NULL);

/* ------------------------------------------------------------------------- */
/* Power                                                                      */
/* ------------------------------------------------------------------------- */

static void array_defaults(void *obj, size_t index)
{
    ilrs_scenario_array_t *a = obj;
    snprintf(a->id, sizeof a->id, "array%zu", index);
    a->tracking = ILRS_SCENARIO_TRACKING_AZIMUTH;
    a->mast_height_m = NAN; /* resolved to the site's mast by the cross-checks */
    a->tilt_deg = 90.0;
    a->temp_coeff_per_k = -0.0022;
    a->temp_ref_k = 301.15;
    a->degradation_per_year = 0.01;
    a->dust_loss_max = 0.2;
}
static const field_t array_fields[] = {
    ID_(ilrs_scenario_array_t, "id", id, 0),
    NUM_(ilrs_scenario_array_t, "area_m2", area_m2, 0, 500, F_REQUIRED | F_MIN_EXCL),
    NUM_(ilrs_scenario_array_t, "efficiency", efficiency, 0, 0.5, F_REQUIRED | F_MIN_EXCL),
    ENUM_(ilrs_scenario_array_t, "tracking", tracking, tracking_names, 0),
    NUM_(ilrs_scenario_array_t, "mast_height_m", mast_height_m, 0, 1000, 0),
    NUM_(ilrs_scenario_array_t, "tilt_deg", tilt_deg, 0, 90, 0),
    NUM_(ilrs_scenario_array_t, "azimuth_deg", azimuth_deg, 0, 360, 0),
    NUM_(ilrs_scenario_array_t, "temp_coeff_per_k", temp_coeff_per_k, -0.01, 0, 0),
    NUM_(ilrs_scenario_array_t, "temp_ref_k", temp_ref_k, 0, 500, F_MIN_EXCL),
    NUM_(ilrs_scenario_array_t, "degradation_per_year", degradation_per_year, 0, 0.5, 0),
    NUM_(ilrs_scenario_array_t, "dust_loss_per_day", dust_loss_per_day, 0, 0.1, 0),
    NUM_(ilrs_scenario_array_t, "dust_loss_max", dust_loss_max, 0, 1, 0),
};
SCHEMA(array_schema, "a solar array", array_fields, array_defaults, NULL);

static void battery_defaults(void *obj, size_t index)
{
    ilrs_scenario_battery_t *b = obj;
    snprintf(b->id, sizeof b->id, "battery%zu", index);
    b->cell_voltage_v = 3.6;
    b->charge_efficiency = 0.95;
    b->discharge_efficiency = 0.95;
    b->min_soc = 0.2;
    b->max_soc = 0.95;
    b->initial_soc = NAN; /* = max_soc unless given */
    b->temp_ref_k = 293.15;
    b->capacity_coeff_per_k = 0.005;
    b->capacity_coeff_per_k2 = -1.25e-4;
    b->min_charge_k = 273.15;
    b->max_charge_c = 0.5;
    b->max_discharge_c = 1.0;
}
static void battery_post(scenario_ctx_t *ctx, void *obj, const snode_t *map, const char *path)
{
    ilrs_scenario_battery_t *b = obj;
    char kpath[ILRS_SCENARIO_KEYPATH_MAX];
    const snode_t *at = map_get(map, "max_soc");
    if (!(b->min_soc < b->max_soc)) {
        join_path(kpath, sizeof kpath, path, "max_soc");
        err(ctx, ILRS_ESCENARIO_VALUE, at != NULL ? at : map, kpath,
            "must be > min_soc (%.10g), got %.10g", b->min_soc, b->max_soc);
        return;
    }
    if (isnan(b->initial_soc)) {
        b->initial_soc = b->max_soc;
    } else if (b->initial_soc < b->min_soc || b->initial_soc > b->max_soc) {
        at = map_get(map, "initial_soc");
        join_path(kpath, sizeof kpath, path, "initial_soc");
        err(ctx, ILRS_ESCENARIO_VALUE, at != NULL ? at : map, kpath,
            "must be within [min_soc, max_soc] = [%.10g, %.10g], got %.10g", b->min_soc, b->max_soc,
            b->initial_soc);
    }
}
static const field_t battery_fields[] = {
    ID_(ilrs_scenario_battery_t, "id", id, 0),
    U32_(ilrs_scenario_battery_t, "strings", strings, 1, 16, F_REQUIRED),
    U32_(ilrs_scenario_battery_t, "cells_per_string", cells_per_string, 1, 64, F_REQUIRED),
    NUM_(ilrs_scenario_battery_t, "capacity_wh", capacity_wh, 0, 1e6, F_REQUIRED | F_MIN_EXCL),
    NUM_(ilrs_scenario_battery_t, "cell_voltage_v", cell_voltage_v, 0, 5, F_MIN_EXCL),
    NUM_(ilrs_scenario_battery_t, "charge_efficiency", charge_efficiency, 0, 1, F_MIN_EXCL),
    NUM_(ilrs_scenario_battery_t, "discharge_efficiency", discharge_efficiency, 0, 1, F_MIN_EXCL),
    NUM_(ilrs_scenario_battery_t, "min_soc", min_soc, 0, 1, F_MAX_EXCL),
    NUM_(ilrs_scenario_battery_t, "max_soc", max_soc, 0, 1, F_MIN_EXCL),
    NUM_(ilrs_scenario_battery_t, "initial_soc", initial_soc, 0, 1, 0),
    NUM_(ilrs_scenario_battery_t, "temp_ref_k", temp_ref_k, 0, 500, F_MIN_EXCL),
    NUM_(ilrs_scenario_battery_t, "capacity_coeff_per_k", capacity_coeff_per_k, -0.1, 0.1, 0),
    NUM_(ilrs_scenario_battery_t, "capacity_coeff_per_k2", capacity_coeff_per_k2, -0.01, 0.01, 0),
    NUM_(ilrs_scenario_battery_t, "min_charge_k", min_charge_k, 0, 500, 0),
    NUM_(ilrs_scenario_battery_t, "max_charge_c", max_charge_c, 0, 10, F_MIN_EXCL),
    NUM_(ilrs_scenario_battery_t, "max_discharge_c", max_discharge_c, 0, 20, F_MIN_EXCL),
    ID_(ilrs_scenario_battery_t, "thermal_node", thermal_node, F_REQUIRED),
};
SCHEMA(battery_schema, "a battery", battery_fields, battery_defaults, battery_post);

static void rhu_defaults(void *obj, size_t index)
{
    ilrs_scenario_rhu_t *r = obj;
    snprintf(r->id, sizeof r->id, "rhu%zu", index);
    r->count = 1;
    r->half_life_y = 87.7;
}
static const field_t rhu_fields[] = {
    ID_(ilrs_scenario_rhu_t, "id", id, 0),
    U32_(ilrs_scenario_rhu_t, "count", count, 1, 1000, 0),
    NUM_(ilrs_scenario_rhu_t, "thermal_w_each", thermal_w_each, 0, 1000, F_REQUIRED | F_MIN_EXCL),
    NUM_(ilrs_scenario_rhu_t, "half_life_y", half_life_y, 0, 1e6, F_MIN_EXCL),
    NUM_(ilrs_scenario_rhu_t, "fuel_age_y", fuel_age_y, 0, 100, 0),
    ID_(ilrs_scenario_rhu_t, "thermal_node", thermal_node, F_REQUIRED),
};
SCHEMA(rhu_schema, "a radioisotope heater block", rhu_fields, rhu_defaults, NULL);

static void rtg_defaults(void *obj, size_t index)
{
    ilrs_scenario_rtg_t *r = obj;
    snprintf(r->id, sizeof r->id, "rtg%zu", index);
    r->half_life_y = 87.7;
}
static void rtg_post(scenario_ctx_t *ctx, void *obj, const snode_t *map, const char *path)
{
    ilrs_scenario_rtg_t *r = obj;
    const snode_t *at = map_get(map, "thermal_w");
    if (at != NULL && r->thermal_w > 0 && r->thermal_w < r->electric_w) {
        char kpath[ILRS_SCENARIO_KEYPATH_MAX];
        join_path(kpath, sizeof kpath, path, "thermal_w");
        err(ctx, ILRS_ESCENARIO_VALUE, at, kpath,
            "must be >= electric_w (%.10g W): a thermoelectric converter cannot make more "
            "electricity than heat, got %.10g",
            r->electric_w, r->thermal_w);
    }
}
static const field_t rtg_fields[] = {
    ID_(ilrs_scenario_rtg_t, "id", id, 0),
    NUM_(ilrs_scenario_rtg_t, "electric_w", electric_w, 0, 10000, F_REQUIRED | F_MIN_EXCL),
    NUM_(ilrs_scenario_rtg_t, "thermal_w", thermal_w, 0, 100000, F_REQUIRED | F_MIN_EXCL),
    NUM_(ilrs_scenario_rtg_t, "half_life_y", half_life_y, 0, 1e6, F_MIN_EXCL),
    NUM_(ilrs_scenario_rtg_t, "fuel_age_y", fuel_age_y, 0, 100, 0),
    NUM_(ilrs_scenario_rtg_t, "converter_degradation_per_year", converter_degradation_per_year, 0,
         0.2, 0),
    ID_(ilrs_scenario_rtg_t, "thermal_node", thermal_node, 0),
};
SCHEMA(rtg_schema, "an RTG", rtg_fields, rtg_defaults, rtg_post);

static void line_defaults(void *obj, size_t index)
{
    ilrs_scenario_line_t *l = obj;
    snprintf(l->id, sizeof l->id, "line%zu", index);
    l->switchable = true;
    l->initially_on = true;
}
static const field_t line_fields[] = {
    ID_(ilrs_scenario_line_t, "id", id, F_REQUIRED),
    NUM_(ilrs_scenario_line_t, "current_limit_a", current_limit_a, 0, 1000,
         F_REQUIRED | F_MIN_EXCL),
    BOOL_(ilrs_scenario_line_t, "switchable", switchable),
    BOOL_(ilrs_scenario_line_t, "initially_on", initially_on),
};
SCHEMA(line_schema, "a power line", line_fields, line_defaults, NULL);

static const field_t power_fields[] = {
    NUM_(ilrs_scenario_power_t, "bus_voltage_v", bus_voltage_v, 0, 300, F_MIN_EXCL),
    NUM_(ilrs_scenario_power_t, "undervoltage_v", undervoltage_v, 0, 300, F_MIN_EXCL),
    LIST_(ilrs_scenario_power_t, "arrays", arrays, array_count, array_schema, 0),
    LIST_(ilrs_scenario_power_t, "batteries", batteries, battery_count, battery_schema, 0),
    LIST_(ilrs_scenario_power_t, "rhus", rhus, rhu_count, rhu_schema, 0),
    LIST_(ilrs_scenario_power_t, "rtgs", rtgs, rtg_count, rtg_schema, 0),
    LIST_(ilrs_scenario_power_t, "lines", lines, line_count, line_schema, 0),
};
SCHEMA(power_schema, "the power plant", power_fields, NULL, NULL);

/* ------------------------------------------------------------------------- */
/* Thermal                                                                    */
/* ------------------------------------------------------------------------- */

static const field_t conductance_fields[] = {
    ID_(ilrs_scenario_conductance_t, "to", to, F_REQUIRED),
    NUM_(ilrs_scenario_conductance_t, "w_per_k", w_per_k, 0, 1000, F_REQUIRED | F_MIN_EXCL),
};
SCHEMA(conductance_schema, "a conductance", conductance_fields, NULL, NULL);

static void heater_post(scenario_ctx_t *ctx, void *obj, const snode_t *map, const char *path)
{
    ilrs_scenario_heater_t *h = obj;
    const snode_t *at = map_get(map, "off_above_k");
    if (at != NULL && map_get(map, "on_below_k") != NULL && !(h->off_above_k > h->on_below_k)) {
        char kpath[ILRS_SCENARIO_KEYPATH_MAX];
        join_path(kpath, sizeof kpath, path, "off_above_k");
        err(ctx, ILRS_ESCENARIO_VALUE, at, kpath, "must be > on_below_k (%.10g K), got %.10g",
            h->on_below_k, h->off_above_k);
    }
}
static const field_t heater_fields[] = {
    ID_(ilrs_scenario_heater_t, "id", id, F_REQUIRED),
    NUM_(ilrs_scenario_heater_t, "power_w", power_w, 0, 10000, F_REQUIRED | F_MIN_EXCL),
    NUM_(ilrs_scenario_heater_t, "on_below_k", on_below_k, 0, 1000, F_REQUIRED | F_MIN_EXCL),
    NUM_(ilrs_scenario_heater_t, "off_above_k", off_above_k, 0, 1000, F_REQUIRED | F_MIN_EXCL),
    ID_(ilrs_scenario_heater_t, "line", line, 0),
};
SCHEMA(heater_schema, "a heater", heater_fields, NULL, heater_post);

static void louvre_defaults(void *obj, size_t index)
{
    (void)index;
    ilrs_scenario_louvre_t *l = obj;
    l->emissivity_closed = 0.1; /* Gilmore vol. I ch. 8: about 0.1 closed */
}
static void louvre_post(scenario_ctx_t *ctx, void *obj, const snode_t *map, const char *path)
{
    ilrs_scenario_louvre_t *l = obj;
    const snode_t *at = map_get(map, "open_above_k");
    if (at != NULL && map_get(map, "closed_below_k") != NULL &&
        !(l->open_above_k > l->closed_below_k)) {
        char kpath[ILRS_SCENARIO_KEYPATH_MAX];
        join_path(kpath, sizeof kpath, path, "open_above_k");
        err(ctx, ILRS_ESCENARIO_VALUE, at, kpath, "must be > closed_below_k (%.10g K), got %.10g",
            l->closed_below_k, l->open_above_k);
    }
}
static const field_t louvre_fields[] = {
    NUM_(ilrs_scenario_louvre_t, "closed_below_k", closed_below_k, 0, 1000,
         F_REQUIRED | F_MIN_EXCL),
    NUM_(ilrs_scenario_louvre_t, "open_above_k", open_above_k, 0, 1000, F_REQUIRED | F_MIN_EXCL),
    NUM_(ilrs_scenario_louvre_t, "emissivity_closed", emissivity_closed, 0, 1, F_MIN_EXCL),
};
SCHEMA(louvre_schema, "a louvre", louvre_fields, louvre_defaults, louvre_post);

static void node_defaults(void *obj, size_t index)
{
    (void)index;
    ilrs_scenario_node_t *n = obj;
    n->initial_temperature_k = 293.15;
    n->radiator_emissivity = 0.85;
    n->radiator_absorptivity = 0.2;
    n->min_k = 0.0;
    n->max_k = 1000.0;
}
static void node_post(scenario_ctx_t *ctx, void *obj, const snode_t *map, const char *path)
{
    ilrs_scenario_node_t *n = obj;
    if (!(n->min_k < n->max_k)) {
        const snode_t *at = map_get(map, "max_k");
        char kpath[ILRS_SCENARIO_KEYPATH_MAX];
        join_path(kpath, sizeof kpath, path, "max_k");
        err(ctx, ILRS_ESCENARIO_VALUE, at != NULL ? at : map, kpath,
            "must be > min_k (%.10g K), got %.10g", n->min_k, n->max_k);
    }
    const snode_t *lv = map_get(map, "louvre");
    n->has_louvre = lv != NULL;
    if (lv != NULL && !(n->louvre.emissivity_closed <= n->radiator_emissivity)) {
        char kpath[ILRS_SCENARIO_KEYPATH_MAX];
        join_path(kpath, sizeof kpath, path, "louvre.emissivity_closed");
        const snode_t *at = map_get(lv, "emissivity_closed");
        err(ctx, ILRS_ESCENARIO_VALUE, at != NULL ? at : lv, kpath,
            "must be <= radiator_emissivity (%.10g, the open louvre's), got %.10g",
            n->radiator_emissivity, n->louvre.emissivity_closed);
    }
}
static const field_t node_fields[] = {
    ID_(ilrs_scenario_node_t, "name", name, F_REQUIRED),
    NUM_(ilrs_scenario_node_t, "heat_capacity_j_per_k", heat_capacity_j_per_k, 0, 1e9,
         F_REQUIRED | F_MIN_EXCL),
    NUM_(ilrs_scenario_node_t, "initial_temperature_k", initial_temperature_k, 0, 1000, F_MIN_EXCL),
    NUM_(ilrs_scenario_node_t, "regolith_conductance_w_per_k", regolith_conductance_w_per_k, 0,
         1000, 0),
    NUM_(ilrs_scenario_node_t, "radiator_area_m2", radiator_area_m2, 0, 100, 0),
    NUM_(ilrs_scenario_node_t, "radiator_emissivity", radiator_emissivity, 0, 1, F_MIN_EXCL),
    NUM_(ilrs_scenario_node_t, "radiator_absorptivity", radiator_absorptivity, 0, 1, 0),
    BOOL_(ilrs_scenario_node_t, "radiator_faces_sky", radiator_faces_sky),
    STRUCT_(ilrs_scenario_node_t, "louvre", louvre, louvre_schema, 0),
    NUM_(ilrs_scenario_node_t, "min_k", min_k, 0, 1000, 0),
    NUM_(ilrs_scenario_node_t, "max_k", max_k, 0, 1000, 0),
    LIST_(ilrs_scenario_node_t, "conductances", conductances, conductance_count, conductance_schema,
          0),
    LIST_(ilrs_scenario_node_t, "heaters", heaters, heater_count, heater_schema, 0),
};
SCHEMA(node_schema, "a thermal node", node_fields, node_defaults, node_post);

/* thermal: { nodes: [...] } maps onto the scenario's node list directly. */
static const field_t thermal_fields[] = {
    LIST_(ilrs_scenario_t, "nodes", nodes, node_count, node_schema, F_REQUIRED),
};
SCHEMA(thermal_schema, "the thermal network", thermal_fields, NULL, NULL);

/* ------------------------------------------------------------------------- */
/* Radios, storage                                                            */
/* ------------------------------------------------------------------------- */

static const field_t rate_fields[] = {
    NUM_(ilrs_scenario_rate_t, "rate_bps", rate_bps, 0, 1e10, F_REQUIRED | F_MIN_EXCL),
    NUM_(ilrs_scenario_rate_t, "required_ebn0_db", required_ebn0_db, -2, 30, F_REQUIRED),
};
SCHEMA(rate_schema, "a data rate", rate_fields, NULL, NULL);

static void radio_defaults(void *obj, size_t index)
{
    ilrs_scenario_radio_t *r = obj;
    snprintf(r->id, sizeof r->id, "radio%zu", index);
    r->losses_db = 2.0;
    r->noise_temperature_k = 300.0;
    r->margin_db = 3.0;
    r->dc_power_tx_w = NAN; /* = 4 x tx_power_w unless given */
    r->dc_power_rx_w = 5.0;
    r->queue_bytes = UINT64_C(16) << 20;
}

/* Band edges, Hz, in ilrs_scenario_band_t order (IEEE 521 letter bands; UHF as ITU). */
static const double band_edges_hz[4][2] = {{300e6, 1e9}, {2e9, 4e9}, {7e9, 12e9}, {26e9, 40e9}};

static int rate_cmp(const void *a, const void *b)
{
    double x = ((const ilrs_scenario_rate_t *)a)->rate_bps;
    double y = ((const ilrs_scenario_rate_t *)b)->rate_bps;
    return (x > y) - (x < y);
}

static void radio_post(scenario_ctx_t *ctx, void *obj, const snode_t *map, const char *path)
{
    ilrs_scenario_radio_t *r = obj;
    char kpath[ILRS_SCENARIO_KEYPATH_MAX];
    const snode_t *at = map_get(map, "frequency_hz");
    if (at != NULL && map_get(map, "band") != NULL && r->frequency_hz > 0 && (int)r->band >= 0 &&
        (int)r->band < 4) {
        const double *edge = band_edges_hz[r->band];
        if (r->frequency_hz < edge[0] || r->frequency_hz > edge[1]) {
            join_path(kpath, sizeof kpath, path, "frequency_hz");
            err(ctx, ILRS_ESCENARIO_VALUE, at, kpath,
                "%.10g Hz is outside the %s band (%.10g..%.10g Hz)", r->frequency_hz,
                band_names[r->band], edge[0], edge[1]);
        }
    }
    if (isnan(r->dc_power_tx_w)) {
        r->dc_power_tx_w = 4.0 * r->tx_power_w;
    } else if (r->dc_power_tx_w < r->tx_power_w) {
        at = map_get(map, "dc_power_tx_w");
        join_path(kpath, sizeof kpath, path, "dc_power_tx_w");
        err(ctx, ILRS_ESCENARIO_VALUE, at != NULL ? at : map, kpath,
            "must be >= tx_power_w (%.10g W): an amplifier draws more than it radiates, got "
            "%.10g",
            r->tx_power_w, r->dc_power_tx_w);
    }
    qsort(r->rates, r->rate_count, sizeof r->rates[0], rate_cmp);
}
static const field_t radio_fields[] = {
    ID_(ilrs_scenario_radio_t, "id", id, 0),
    ENUM_(ilrs_scenario_radio_t, "link", link, link_names, F_REQUIRED),
    ENUM_(ilrs_scenario_radio_t, "band", band, band_names, F_REQUIRED),
    NUM_(ilrs_scenario_radio_t, "frequency_hz", frequency_hz, 0, 1e12, F_REQUIRED | F_MIN_EXCL),
    NUM_(ilrs_scenario_radio_t, "tx_power_w", tx_power_w, 0, 1000, F_REQUIRED | F_MIN_EXCL),
    NUM_(ilrs_scenario_radio_t, "antenna_gain_dbi", antenna_gain_dbi, -10, 70, F_REQUIRED),
    NUM_(ilrs_scenario_radio_t, "losses_db", losses_db, 0, 30, 0),
    NUM_(ilrs_scenario_radio_t, "noise_temperature_k", noise_temperature_k, 0, 5000, F_MIN_EXCL),
    NUM_(ilrs_scenario_radio_t, "margin_db", margin_db, 0, 20, 0),
    NUM_(ilrs_scenario_radio_t, "dc_power_tx_w", dc_power_tx_w, 0, 10000, 0),
    NUM_(ilrs_scenario_radio_t, "dc_power_rx_w", dc_power_rx_w, 0, 1000, 0),
    ID_(ilrs_scenario_radio_t, "line", line, 0),
    U64_(ilrs_scenario_radio_t, "queue_bytes", queue_bytes, 0, 1.8e19, F_MIN_EXCL),
    LIST_(ilrs_scenario_radio_t, "rates", rates, rate_count, rate_schema, F_REQUIRED),
};
SCHEMA(radio_schema, "a radio", radio_fields, radio_defaults, radio_post);

static const field_t storage_fields[] = {
    U64_(ilrs_scenario_storage_t, "capacity_bytes", capacity_bytes, 0, 1.8e19, F_MIN_EXCL),
};
SCHEMA(storage_schema, "the mass storage", storage_fields, NULL, NULL);

/* ------------------------------------------------------------------------- */
/* Rovers, relays, ground stations                                            */
/* ------------------------------------------------------------------------- */

static void schedule_post(scenario_ctx_t *ctx, void *obj, const snode_t *map, const char *path)
{
    ilrs_scenario_schedule_t *s = obj;
    if (s->period_s > 0 && s->active_s > s->period_s) {
        const snode_t *at = map_get(map, "active");
        char kpath[ILRS_SCENARIO_KEYPATH_MAX];
        join_path(kpath, sizeof kpath, path, "active");
        err(ctx, ILRS_ESCENARIO_VALUE, at != NULL ? at : map, kpath,
            "must be <= period (%.10g s), got %.10g s", s->period_s, s->active_s);
    }
}
static const field_t schedule_fields[] = {
    DUR_(ilrs_scenario_schedule_t, "period", period_s, 0, 1e10, 0),
    DUR_(ilrs_scenario_schedule_t, "active", active_s, 0, 1e10, 0),
    DUR_(ilrs_scenario_schedule_t, "offset", offset_s, 0, 1e10, 0),
};
SCHEMA(schedule_schema, "a schedule", schedule_fields, NULL, schedule_post);

static void rover_defaults(void *obj, size_t index)
{
    ilrs_scenario_rover_t *r = obj;
    snprintf(r->id, sizeof r->id, "rover%zu", index);
    r->needs_sun = true;
}
static const field_t rover_fields[] = {
    ID_(ilrs_scenario_rover_t, "id", id, 0),
    S_(ilrs_scenario_rover_t, "name", name, 0),
    NUM_(ilrs_scenario_rover_t, "mass_kg", mass_kg, 0, 100000, 0),
    NUM_(ilrs_scenario_rover_t, "active_power_w", active_power_w, 0, 100000, F_REQUIRED),
    NUM_(ilrs_scenario_rover_t, "idle_power_w", idle_power_w, 0, 100000, 0),
    NUM_(ilrs_scenario_rover_t, "data_rate_bps", data_rate_bps, 0, 1e10, 0),
    BOOL_(ilrs_scenario_rover_t, "needs_sun", needs_sun),
    STRUCT_(ilrs_scenario_rover_t, "schedule", schedule, schedule_schema, 0),
    ID_(ilrs_scenario_rover_t, "line", line, 0),
};
SCHEMA(rover_schema, "a rover", rover_fields, rover_defaults, NULL);

static void relay_defaults(void *obj, size_t index)
{
    ilrs_scenario_relay_t *r = obj;
    snprintf(r->id, sizeof r->id, "relay%zu", index);
    r->preset = ILRS_SCENARIO_ORBIT_ELEMENTS;
    r->arg_periapsis_deg = 90.0;
    r->proximity_gain_dbi = 20.0;
    r->proximity_noise_temperature_k = 500.0;
    r->earth_rate_bps = 100e6;
    r->earth_backup_rate_bps = 6e6;
    r->store_bytes = UINT64_C(16) << 30;
    // Trunk budget (docs/station.md "Space link"): Ka band near-Earth space research
    // allocation 25.5-27 GHz (ITU RR Art. 5); Queqiao-2's 4.2 m dish at 25.9 GHz with
    // aperture efficiency 0.55: G = 0.55 (pi D / lambda)^2 = 58.5 dBi; 20 W RF, 3 dB of
    // losses (pointing, Ka atmosphere at 10 deg elevation) assumed; required Eb/N0 of
    // the surface radios' code (RS + convolutional, CCSDS 130.1-G-3 fig. 6-6).
    r->earth_frequency_hz = 25.9e9;
    r->earth_tx_power_w = 20.0;
    r->earth_antenna_gain_dbi = 58.5;
    r->earth_losses_db = 3.0;
    r->earth_required_ebn0_db = 2.5;
    r->earth_margin_db = 3.0;
    // Playback starts after the ground's worst lock time (1.0 s + a frame, docs/station.md
    // "Frame loss"), with margin: the relay sends idle frames meanwhile (assumed operation).
    r->earth_guard_s = 2.0;
}
static void relay_post(scenario_ctx_t *ctx, void *obj, const snode_t *map, const char *path)
{
    ilrs_scenario_relay_t *r = obj;
    static const char *const shape_keys[] = {"periapsis_altitude_m", "apoapsis_altitude_m",
                                             "semi_major_axis_m", "eccentricity",
                                             "inclination_deg"};
    char kpath[ILRS_SCENARIO_KEYPATH_MAX];
    bool bad = false;
    /* Which form gives the shape: altitudes, or classical a and e. */
    bool has_alt =
        map_get(map, "periapsis_altitude_m") != NULL || map_get(map, "apoapsis_altitude_m") != NULL;
    bool has_ae = map_get(map, "semi_major_axis_m") != NULL || map_get(map, "eccentricity") != NULL;
    if (r->preset != ILRS_SCENARIO_ORBIT_ELEMENTS) {
        for (size_t i = 0; i < sizeof shape_keys / sizeof shape_keys[0]; i++) {
            const snode_t *at = map_get(map, shape_keys[i]);
            if (at != NULL) {
                join_path(kpath, sizeof kpath, path, shape_keys[i]);
                err(ctx, ILRS_ESCENARIO_VALUE, at, kpath,
                    "conflicts with preset '%s' (a preset fixes the orbit's shape; only "
                    "raan_deg, arg_periapsis_deg and mean_anomaly_deg may be given)",
                    preset_names[r->preset]);
                bad = true;
            }
        }
        /* Published values: MISSION.md / REFERENCE.md "Queqiao-2 relay". */
        if (r->preset == ILRS_SCENARIO_ORBIT_QUEQIAO2_24H) {
            r->periapsis_altitude_m = 200e3;
            r->apoapsis_altitude_m = 16000e3;
            r->inclination_deg = 62.4;
        } else {
            r->periapsis_altitude_m = 300e3;
            r->apoapsis_altitude_m = 8600e3;
            r->inclination_deg = 54.8;
        }
        has_ae = false;
    } else if (has_alt && has_ae) {
        const snode_t *at = map_get(map, "semi_major_axis_m");
        join_path(kpath, sizeof kpath, path, at != NULL ? "semi_major_axis_m" : "eccentricity");
        err(ctx, ILRS_ESCENARIO_VALUE, at != NULL ? at : map_get(map, "eccentricity"), kpath,
            "give the orbit's shape either as periapsis_altitude_m and apoapsis_altitude_m or "
            "as semi_major_axis_m and eccentricity, not both");
        bad = true;
    } else {
        static const char *const alt_keys[] = {"periapsis_altitude_m", "apoapsis_altitude_m",
                                               "inclination_deg"};
        static const char *const ae_keys[] = {"semi_major_axis_m", "eccentricity",
                                              "inclination_deg"};
        const char *const *need = has_ae ? ae_keys : alt_keys;
        for (size_t i = 0; i < 3; i++) {
            if (map_get(map, need[i]) == NULL) {
                join_path(kpath, sizeof kpath, path, need[i]);
                err(ctx, ILRS_ESCENARIO_MISSING, map, kpath,
                    "required key missing in a relay without a preset");
                bad = true;
            }
        }
        if (!bad && has_ae) {
            /* r_p = a (1 - e), r_a = a (1 + e), altitudes above the 1737.4 km sphere */
            r->periapsis_altitude_m =
                r->semi_major_axis_m * (1.0 - r->eccentricity) - ILRS_SCENARIO_MOON_RADIUS_M;
            r->apoapsis_altitude_m =
                r->semi_major_axis_m * (1.0 + r->eccentricity) - ILRS_SCENARIO_MOON_RADIUS_M;
        }
    }
    if (bad) {
        return;
    }
    /* Impossible orbits. Highest lunar terrain is about 10.8 km above the
     * 1737.4 km sphere (LOLA, Smith et al. 2010), so a lower periapsis hits it. */
    const char *peri_key = has_ae ? "semi_major_axis_m" : "periapsis_altitude_m";
    const char *apo_key = has_ae ? "semi_major_axis_m" : "apoapsis_altitude_m";
    const snode_t *peri = map_get(map, peri_key);
    const snode_t *apo = map_get(map, apo_key);
    if (r->periapsis_altitude_m < 10.8e3) {
        join_path(kpath, sizeof kpath, path, peri_key);
        err(ctx, ILRS_ESCENARIO_CHECK, peri != NULL ? peri : map, kpath,
            "impossible orbit: periapsis altitude %.10g m is below the highest lunar terrain "
            "(10.8 km)",
            r->periapsis_altitude_m);
        return;
    }
    if (r->apoapsis_altitude_m < r->periapsis_altitude_m) {
        join_path(kpath, sizeof kpath, path, apo_key);
        err(ctx, ILRS_ESCENARIO_CHECK, apo != NULL ? apo : map, kpath,
            "impossible orbit: apoapsis altitude %.10g m is below periapsis altitude %.10g m",
            r->apoapsis_altitude_m, r->periapsis_altitude_m);
        return;
    }
    if (r->apoapsis_altitude_m > ILRS_SCENARIO_MAX_APOAPSIS_ALT_M) {
        join_path(kpath, sizeof kpath, path, apo_key);
        err(ctx, ILRS_ESCENARIO_CHECK, apo != NULL ? apo : map, kpath,
            "impossible orbit: apoapsis altitude %.10g m is beyond the lunar Hill sphere "
            "(limit %.10g m)",
            r->apoapsis_altitude_m, ILRS_SCENARIO_MAX_APOAPSIS_ALT_M);
        return;
    }
    double rp = ILRS_SCENARIO_MOON_RADIUS_M + r->periapsis_altitude_m;
    double ra = ILRS_SCENARIO_MOON_RADIUS_M + r->apoapsis_altitude_m;
    r->semi_major_axis_m = 0.5 * (rp + ra);
    r->eccentricity = (ra - rp) / (ra + rp);
    /* Kepler's third law, T = 2 pi sqrt(a^3 / GM). */
    r->period_s = 2.0 * 3.14159265358979323846 *
                  sqrt(r->semi_major_axis_m * r->semi_major_axis_m * r->semi_major_axis_m /
                       ILRS_SCENARIO_MOON_GM_M3_S2);
}
static const field_t relay_fields[] = {
    ID_(ilrs_scenario_relay_t, "id", id, 0),
    ENUM_(ilrs_scenario_relay_t, "preset", preset, preset_names, 0),
    NUM_(ilrs_scenario_relay_t, "periapsis_altitude_m", periapsis_altitude_m, -2e6, 1e9, 0),
    NUM_(ilrs_scenario_relay_t, "apoapsis_altitude_m", apoapsis_altitude_m, -2e6, 1e9, 0),
    NUM_(ilrs_scenario_relay_t, "semi_major_axis_m", semi_major_axis_m, 0, 1e9, F_MIN_EXCL),
    NUM_(ilrs_scenario_relay_t, "eccentricity", eccentricity, 0, 1, F_MAX_EXCL),
    NUM_(ilrs_scenario_relay_t, "inclination_deg", inclination_deg, 0, 180, 0),
    NUM_(ilrs_scenario_relay_t, "raan_deg", raan_deg, 0, 360, 0),
    NUM_(ilrs_scenario_relay_t, "arg_periapsis_deg", arg_periapsis_deg, 0, 360, 0),
    NUM_(ilrs_scenario_relay_t, "mean_anomaly_deg", mean_anomaly_deg, 0, 360, 0),
    NUM_(ilrs_scenario_relay_t, "proximity_gain_dbi", proximity_gain_dbi, -10, 70, 0),
    NUM_(ilrs_scenario_relay_t, "proximity_noise_temperature_k", proximity_noise_temperature_k, 0,
         5000, F_MIN_EXCL),
    NUM_(ilrs_scenario_relay_t, "earth_rate_bps", earth_rate_bps, 0, 1e11, F_MIN_EXCL),
    NUM_(ilrs_scenario_relay_t, "earth_backup_rate_bps", earth_backup_rate_bps, 0, 1e11, 0),
    U64_(ilrs_scenario_relay_t, "store_bytes", store_bytes, 0, 1.8e19, 0),
    NUM_(ilrs_scenario_relay_t, "earth_frequency_hz", earth_frequency_hz, 1e9, 1e11, 0),
    NUM_(ilrs_scenario_relay_t, "earth_tx_power_w", earth_tx_power_w, 0, 1000, F_MIN_EXCL),
    NUM_(ilrs_scenario_relay_t, "earth_antenna_gain_dbi", earth_antenna_gain_dbi, -10, 80, 0),
    NUM_(ilrs_scenario_relay_t, "earth_losses_db", earth_losses_db, 0, 30, 0),
    NUM_(ilrs_scenario_relay_t, "earth_required_ebn0_db", earth_required_ebn0_db, -2, 30, 0),
    NUM_(ilrs_scenario_relay_t, "earth_margin_db", earth_margin_db, 0, 20, 0),
    NUM_(ilrs_scenario_relay_t, "earth_guard_s", earth_guard_s, 0, 600, 0),
};
SCHEMA(relay_schema, "a relay orbiter", relay_fields, relay_defaults, relay_post);

static void ground_defaults(void *obj, size_t index)
{
    ilrs_scenario_ground_t *g = obj;
    snprintf(g->id, sizeof g->id, "ground%zu", index);
    g->min_elevation_deg = 10.0;
    g->antenna_efficiency = 0.55;
    g->noise_temperature_k = 60.0;
    g->uplink_power_w = 2000.0;
}
static const field_t ground_fields[] = {
    ID_(ilrs_scenario_ground_t, "id", id, F_REQUIRED),
    S_(ilrs_scenario_ground_t, "name", name, 0),
    NUM_(ilrs_scenario_ground_t, "lat_deg", lat_deg, -90, 90, F_REQUIRED),
    NUM_(ilrs_scenario_ground_t, "lon_deg", lon_deg, -180, 360, F_REQUIRED),
    NUM_(ilrs_scenario_ground_t, "height_m", height_m, -500, 9000, 0),
    NUM_(ilrs_scenario_ground_t, "min_elevation_deg", min_elevation_deg, 0, 90, 0),
    NUM_(ilrs_scenario_ground_t, "antenna_diameter_m", antenna_diameter_m, 0, 100,
         F_REQUIRED | F_MIN_EXCL),
    NUM_(ilrs_scenario_ground_t, "antenna_efficiency", antenna_efficiency, 0, 1, F_MIN_EXCL),
    NUM_(ilrs_scenario_ground_t, "noise_temperature_k", noise_temperature_k, 0, 5000, F_MIN_EXCL),
    NUM_(ilrs_scenario_ground_t, "uplink_power_w", uplink_power_w, 0, 1e6, F_MIN_EXCL),
};
SCHEMA(ground_schema, "a ground station", ground_fields, ground_defaults, NULL);

/* ------------------------------------------------------------------------- */
/* Partners, payloads                                                         */
/* ------------------------------------------------------------------------- */

static const field_t partner_fields[] = {
    ID_(ilrs_scenario_partner_t, "id", id, F_REQUIRED),
    S_(ilrs_scenario_partner_t, "name", name, F_REQUIRED),
    S_(ilrs_scenario_partner_t, "country", country, 0),
};
SCHEMA(partner_schema, "a partner", partner_fields, NULL, NULL);

/* power_w: { off: 0, standby: 2, on: 12 } -> modes[], in the file's order. */
static void parse_modes(scenario_ctx_t *ctx, const field_t *f, void *obj, const snode_t *v,
                        const char *path)
{
    (void)f;
    ilrs_scenario_payload_t *p = obj;
    static const field_t name_field = ID_(ilrs_scenario_mode_t, "name", name, 0);
    static const field_t power_field = NUM_(ilrs_scenario_mode_t, "power_w", power_w, 0, 100000, 0);
    if (v->kind != SNODE_MAPPING) {
        err(ctx, ILRS_ESCENARIO_TYPE, v, path,
            "expected a mapping of mode name to watts (e.g. {off: 0, on: 12}), got %s",
            kind_name(v));
        return;
    }
    size_t pairs = v->count / 2;
    if (pairs == 0) {
        err(ctx, ILRS_ESCENARIO_VALUE, v, path, "must define at least one mode");
    }
    if (pairs > ILRS_SCENARIO_MAX_MODES) {
        err(ctx, ILRS_ESCENARIO_LIMIT, v, path, "at most %d modes, got %zu",
            ILRS_SCENARIO_MAX_MODES, pairs);
        pairs = ILRS_SCENARIO_MAX_MODES;
    }
    p->mode_count = 0;
    for (size_t i = 0; i < pairs; i++) {
        const snode_t *k = v->items[2 * i];
        const snode_t *val = v->items[2 * i + 1];
        char kpath[ILRS_SCENARIO_KEYPATH_MAX];
        char buf[64];
        join_path(kpath, sizeof kpath, path,
                  k->kind == SNODE_SCALAR ? shown(k, buf, sizeof buf) : "?");
        ilrs_scenario_mode_t *m = &p->modes[p->mode_count];
        memset(m, 0, sizeof *m);
        size_t before = ctx->diags->error_count;
        apply_field(ctx, &name_field, m, k, kpath);
        for (size_t j = 0; j < p->mode_count && ctx->diags->error_count == before; j++) {
            if (strcmp(p->modes[j].name, m->name) == 0) {
                err(ctx, ILRS_ESCENARIO_DUPLICATE, k, kpath, "duplicate mode");
            }
        }
        apply_field(ctx, &power_field, m, val, kpath);
        if (ctx->diags->error_count == before) {
            p->mode_count++;
        }
    }
}

static void payload_defaults(void *obj, size_t index)
{
    (void)index;
    ilrs_scenario_payload_t *p = obj;
    p->duty_cycle = 1.0;
    p->duty_period_s = 3600.0;
    p->min_operating_k = 233.15;
    p->max_operating_k = 323.15;
    p->min_survival_k = 203.15;
    p->max_survival_k = 343.15;
    p->priority = 5;
}
static void payload_post(scenario_ctx_t *ctx, void *obj, const snode_t *map, const char *path)
{
    ilrs_scenario_payload_t *p = obj;
    char kpath[ILRS_SCENARIO_KEYPATH_MAX];
    const snode_t *at;
    if (p->night_only && p->needs_sun) {
        at = map_get(map, "night_only");
        join_path(kpath, sizeof kpath, path, "night_only");
        err(ctx, ILRS_ESCENARIO_VALUE, at != NULL ? at : map, kpath,
            "contradicts needs_sun: true (the payload could never run)");
    }
    if (p->initial_mode[0] != '\0') {
        bool found = false;
        for (size_t i = 0; i < p->mode_count; i++) {
            found = found || strcmp(p->modes[i].name, p->initial_mode) == 0;
        }
        if (!found && p->mode_count > 0) {
            at = map_get(map, "initial_mode");
            join_path(kpath, sizeof kpath, path, "initial_mode");
            err(ctx, ILRS_ESCENARIO_REF, at != NULL ? at : map, kpath,
                "'%s' is not one of the modes in power_w", p->initial_mode);
        }
    } else if (p->mode_count > 0) {
        const char *pick = p->modes[0].name;
        for (size_t i = 0; i < p->mode_count; i++) {
            if (strcmp(p->modes[i].name, "off") == 0) {
                pick = "off";
            }
        }
        snprintf(p->initial_mode, sizeof p->initial_mode, "%s", pick);
    }
    struct {
        const char *key;
        bool ok;
        const char *rule;
    } rules[] = {
        {"max_operating_k", p->min_operating_k < p->max_operating_k, "> min_operating_k"},
        {"min_survival_k", p->min_survival_k <= p->min_operating_k, "<= min_operating_k"},
        {"max_survival_k", p->max_survival_k >= p->max_operating_k, ">= max_operating_k"},
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        if (!rules[i].ok) {
            at = map_get(map, rules[i].key);
            join_path(kpath, sizeof kpath, path, rules[i].key);
            err(ctx, ILRS_ESCENARIO_VALUE, at != NULL ? at : map, kpath,
                "must be %s (survival limits enclose operating limits)", rules[i].rule);
        }
    }
}
static const field_t payload_fields[] = {
    ID_(ilrs_scenario_payload_t, "id", id, F_REQUIRED),
    S_(ilrs_scenario_payload_t, "name", name, 0),
    ID_(ilrs_scenario_payload_t, "partner", partner, F_REQUIRED),
    NUM_(ilrs_scenario_payload_t, "mass_kg", mass_kg, 0, 1000, F_REQUIRED | F_MIN_EXCL),
    CUSTOM_(ilrs_scenario_payload_t, "power_w", modes, parse_modes, F_REQUIRED),
    ID_(ilrs_scenario_payload_t, "initial_mode", initial_mode, 0),
    NUM_(ilrs_scenario_payload_t, "data_rate_bps", data_rate_bps, 0, 1e10, 0),
    NUM_(ilrs_scenario_payload_t, "duty_cycle", duty_cycle, 0, 1, 0),
    DUR_(ilrs_scenario_payload_t, "duty_period", duty_period_s, 0, 1e9, F_MIN_EXCL),
    BOOL_(ilrs_scenario_payload_t, "needs_sun", needs_sun),
    BOOL_(ilrs_scenario_payload_t, "needs_earth_in_view", needs_earth_in_view),
    BOOL_(ilrs_scenario_payload_t, "night_only", night_only),
    NUM_(ilrs_scenario_payload_t, "min_operating_k", min_operating_k, 0, 1000, F_MIN_EXCL),
    NUM_(ilrs_scenario_payload_t, "max_operating_k", max_operating_k, 0, 1000, F_MIN_EXCL),
    NUM_(ilrs_scenario_payload_t, "min_survival_k", min_survival_k, 0, 1000, F_MIN_EXCL),
    NUM_(ilrs_scenario_payload_t, "max_survival_k", max_survival_k, 0, 1000, F_MIN_EXCL),
    U32_(ilrs_scenario_payload_t, "priority", priority, 1, 10, 0),
    ID_(ilrs_scenario_payload_t, "thermal_node", thermal_node, 0),
    ID_(ilrs_scenario_payload_t, "line", line, 0),
};
SCHEMA(payload_schema, "a payload", payload_fields, payload_defaults, payload_post);

/* ------------------------------------------------------------------------- */
/* Faults                                                                     */
/* ------------------------------------------------------------------------- */

static void fault_defaults(void *obj, size_t index)
{
    ilrs_scenario_fault_t *f = obj;
    snprintf(f->id, sizeof f->id, "fault%zu", index);
    f->type = (ilrs_scenario_fault_type_t)-1;
    f->loss_fraction = 0.25;
}
static void fault_post(scenario_ctx_t *ctx, void *obj, const snode_t *map, const char *path)
{
    ilrs_scenario_fault_t *f = obj;
    char kpath[ILRS_SCENARIO_KEYPATH_MAX];
    const snode_t *at = map_get(map, "at");
    const snode_t *rate = map_get(map, "rate_per_year");
    if (at != NULL && rate != NULL) {
        join_path(kpath, sizeof kpath, path, "rate_per_year");
        err(ctx, ILRS_ESCENARIO_VALUE, rate, kpath,
            "give either 'at' (a fixed time) or 'rate_per_year' (random), not both");
    } else if (at == NULL && rate == NULL) {
        join_path(kpath, sizeof kpath, path, "at");
        err(ctx, ILRS_ESCENARIO_MISSING, map, kpath,
            "required key missing in a fault: give 'at' (a fixed time) or 'rate_per_year'");
    }
    f->is_random = rate != NULL;
    /* Parameters that belong to one type only. */
    static const struct {
        const char *key;
        ilrs_scenario_fault_type_t type;
    } owned[] = {
        {"string_index", ILRS_SCENARIO_FAULT_BATTERY_STRING_LOSS},
        {"loss_fraction", ILRS_SCENARIO_FAULT_ARRAY_DEGRADATION},
        {"stuck_value", ILRS_SCENARIO_FAULT_STUCK_SENSOR},
        {"stuck_on", ILRS_SCENARIO_FAULT_HEATER_FAILURE},
    };
    if ((int)f->type < 0 || (int)f->type >= ILRS_SCENARIO_FAULT_TYPE_COUNT) {
        return; /* type missing or bad: already reported */
    }
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++) {
        const snode_t *k = map_get(map, owned[i].key);
        if (k != NULL && f->type != owned[i].type) {
            join_path(kpath, sizeof kpath, path, owned[i].key);
            err(ctx, ILRS_ESCENARIO_KEY, k, kpath, "applies only to type %s, not %s",
                fault_names[owned[i].type], fault_names[f->type]);
        }
    }
}
static const field_t fault_fields[] = {
    ID_(ilrs_scenario_fault_t, "id", id, 0),
    ENUM_(ilrs_scenario_fault_t, "type", type, fault_names, F_REQUIRED),
    ID_(ilrs_scenario_fault_t, "target", target, F_REQUIRED),
    DUR_(ilrs_scenario_fault_t, "at", at_s, 0, 1.6e9, 0),
    NUM_(ilrs_scenario_fault_t, "rate_per_year", rate_per_year, 0, 1000, F_MIN_EXCL),
    DUR_(ilrs_scenario_fault_t, "duration", duration_s, 0, 1.6e9, 0),
    U32_(ilrs_scenario_fault_t, "string_index", string_index, 0, 15, 0),
    NUM_(ilrs_scenario_fault_t, "loss_fraction", loss_fraction, 0, 1, F_MIN_EXCL),
    NUMH_(ilrs_scenario_fault_t, "stuck_value", stuck_value, -1e9, 1e9, 0, has_stuck_value),
    BOOL_(ilrs_scenario_fault_t, "stuck_on", heater_stuck_on),
};
SCHEMA(fault_schema, "a fault", fault_fields, fault_defaults, fault_post);

/* ------------------------------------------------------------------------- */
/* Top level                                                                  */
/* ------------------------------------------------------------------------- */

/* A UTC date "YYYY-MM-DD[THH:MM[:SS[.fff]]][Z]", converted to TAI with ERFA
 * (eraDtf2d validates the calendar date, leap seconds included; eraUtctai
 * applies the leap-second table). Returns 0, 1 (not such a date) or 2 (year
 * outside 1958..2200, in *year). */
static int parse_utc(const char *t, size_t len, ilrs_tai_t *tai, int *year)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, used = 0;
    double s = 0.0;
    bool ok = len < 64 && sscanf(t, "%4d-%2d-%2d%n", &y, &mo, &d, &used) == 3 && used == 10;
    if (ok && t[used] == 'T') {
        int more = 0;
        ok = sscanf(t + used, "T%2d:%2d%n", &h, &mi, &more) == 2 && more == 6;
        used += more;
        if (ok && t[used] == ':') {
            char *end = NULL;
            if (!isdigit((unsigned char)t[used + 1])) {
                ok = false;
            } else {
                s = strtod(t + used + 1, &end);
                used = (int)(end - t);
            }
        }
    }
    if (ok && t[used] == 'Z') {
        used++;
    }
    ok = ok && (size_t)used == len;
    *year = y;
    if (ok && (y < 1958 || y > 2200)) {
        return 2;
    }
    double d1 = 0, d2 = 0;
    if (ok) {
        int status = eraDtf2d("UTC", y, mo, d, h, mi, s, &d1, &d2);
        ok = status >= 0 && status != 3 && status != 2;
    }
    double t1 = 0, t2 = 0;
    if (ok) {
        ok = eraUtctai(d1, d2, &t1, &t2) >= 0;
    }
    if (!ok) {
        return 1;
    }
    /* TAI ns since 1958-01-01T00:00:00 TAI = JD 2436204.5 (CCSDS 301.0-B-4). */
    double a = t1 - 2436204.5;
    double days = floor(a);
    double frac = (a - days) + t2;
    *tai = (ilrs_tai_t)days * INT64_C(86400) * ILRS_NS_PER_S +
           (ilrs_tai_t)llround(frac * 86400.0 * 1e9);
    return 0;
}

static void parse_epoch(scenario_ctx_t *ctx, const field_t *f, void *obj, const snode_t *v,
                        const char *path)
{
    (void)f;
    ilrs_scenario_t *sc = obj;
    char buf[64];
    ilrs__scenario_loc_add(ctx, sc->epoch_utc, LOC_VALUE, v->line, v->column);
    if (v->kind != SNODE_SCALAR || is_null(v)) {
        err(ctx, ILRS_ESCENARIO_TYPE, v, path, "expected a UTC date string, got %s",
            v->kind != SNODE_SCALAR ? kind_name(v) : "nothing");
        return;
    }
    int year = 0;
    int rc = v->len < sizeof sc->epoch_utc ? parse_utc(v->text, v->len, &sc->epoch_tai, &year) : 1;
    if (rc == 2) {
        err(ctx, ILRS_ESCENARIO_VALUE, v, path, "year must be in 1958..2200, got %d", year);
        return;
    }
    if (rc != 0) {
        err(ctx, ILRS_ESCENARIO_VALUE, v, path,
            "must be a valid UTC date YYYY-MM-DD[THH:MM[:SS[.fff]]][Z], got \"%s\"",
            shown(v, buf, sizeof buf));
        return;
    }
    memcpy(sc->epoch_utc, v->text, v->len + 1);
}

/* ------------------------------------------------------------------------- */
/* Command timeline                                                           */
/* ------------------------------------------------------------------------- */

/* commands[i].at: a UTC date (absolute) or a duration after the epoch. The
 * absolute form is kept as TAI in at_s's place until the cross-check, which
 * knows the epoch (keys are walked in document order: epoch_utc may follow). */
static void parse_command_at(scenario_ctx_t *ctx, const field_t *f, void *obj, const snode_t *v,
                             const char *path)
{
    (void)f;
    ilrs_scenario_command_t *c = obj;
    char buf[64];
    ilrs__scenario_loc_add(ctx, &c->at_s, LOC_VALUE, v->line, v->column);
    if (v->kind != SNODE_SCALAR || is_null(v)) {
        err(ctx, ILRS_ESCENARIO_TYPE, v, path,
            "expected a UTC date or a duration after the epoch, got %s",
            v->kind != SNODE_SCALAR ? kind_name(v) : "nothing");
        return;
    }
    ilrs_tai_t tai = 0;
    int year = 0;
    double x = 0.0;
    if (v->len >= 10 && v->text[4] == '-' && parse_utc(v->text, v->len, &tai, &year) == 0) {
        c->at_s = NAN;
        c->at_tai_ = tai;
    } else if (parse_duration(v->text, &x) && x >= 0.0) {
        c->at_s = x;
    } else {
        err(ctx, ILRS_ESCENARIO_VALUE, v, path,
            "must be a UTC date YYYY-MM-DD[THH:MM[:SS[.fff]]][Z] or a duration after the epoch "
            "(e.g. 12d, 36h), got \"%s\"",
            shown(v, buf, sizeof buf));
    }
}

/* commands[i].args: a list of scalars, kept as written (the dictionary checks them). */
static void parse_command_args(scenario_ctx_t *ctx, const field_t *f, void *obj, const snode_t *v,
                               const char *path)
{
    (void)f;
    ilrs_scenario_command_t *c = obj;
    c->args_line = v->line;
    c->args_column = v->column;
    if (v->kind != SNODE_SEQUENCE) {
        err(ctx, ILRS_ESCENARIO_TYPE, v, path, "expected a list of arguments, got %s",
            kind_name(v));
        return;
    }
    if (v->count > ILRS_SCENARIO_MAX_CMD_ARGS) {
        err(ctx, ILRS_ESCENARIO_LIMIT, v, path, "at most %d arguments, got %zu",
            ILRS_SCENARIO_MAX_CMD_ARGS, v->count);
        return;
    }
    for (size_t i = 0; i < v->count; i++) {
        const snode_t *a = v->items[i];
        char ipath[ILRS_SCENARIO_KEYPATH_MAX];
        snprintf(ipath, sizeof ipath, "%s[%zu]", path, i);
        if (a->kind != SNODE_SCALAR || is_null(a)) {
            err(ctx, ILRS_ESCENARIO_TYPE, a, ipath, "expected a number, word or string, got %s",
                a->kind != SNODE_SCALAR ? kind_name(a) : "nothing");
            return;
        }
        if (a->len >= ILRS_SCENARIO_ARG_MAX) {
            err(ctx, ILRS_ESCENARIO_VALUE, a, ipath, "longer than %d characters",
                ILRS_SCENARIO_ARG_MAX - 1);
            return;
        }
        memcpy(c->args[i], a->text, a->len + 1);
    }
    c->arg_count = v->count;
}

static void command_post(scenario_ctx_t *ctx, void *obj, const snode_t *map, const char *path)
{
    (void)ctx;
    (void)path;
    ilrs_scenario_command_t *c = obj;
    c->line = map->line;
    c->column = map->column;
    const snode_t *n = map_get(map, "command");
    if (n != NULL) {
        c->name_line = n->line;
        c->name_column = n->column;
    }
    if (c->args_line == 0) {
        c->args_line = c->name_line;
        c->args_column = c->name_column;
    }
}

static const field_t command_fields[] = {
    CUSTOM_(ilrs_scenario_command_t, "at", at_s, parse_command_at, F_REQUIRED),
    S_(ilrs_scenario_command_t, "command", name, F_REQUIRED),
    CUSTOM_(ilrs_scenario_command_t, "args", args, parse_command_args, 0),
    ID_(ilrs_scenario_command_t, "by", by, F_REQUIRED),
};
SCHEMA(command_schema, "a command", command_fields, NULL, command_post);

static const field_t top_fields[] = {
    S_(ilrs_scenario_t, "name", name, F_REQUIRED),
    S_(ilrs_scenario_t, "description", description, 0),
    CUSTOM_(ilrs_scenario_t, "epoch_utc", epoch_utc, parse_epoch, F_REQUIRED),
    /* 50 y: the longest mission the twin's ephemerides and degradation models
     * are meant for. */
    DUR_(ilrs_scenario_t, "duration", duration_s, 0, 50.0 * 365.0 * 86400.0,
         F_REQUIRED | F_MIN_EXCL),
    U64_(ilrs_scenario_t, "seed", seed, 0, 1.8446744073709552e19, 0),
    STRUCT_(ilrs_scenario_t, "site", site, site_schema, F_REQUIRED),
    STRUCT_(ilrs_scenario_t, "hub", hub, hub_schema, F_REQUIRED),
    STRUCT_(ilrs_scenario_t, "power", power, power_schema, F_REQUIRED),
    /* thermal is a mapping around the node list; its schema writes into the
     * scenario itself (offset 0). */
    {.key = "thermal", .type = FT_STRUCT, .off = 0, .sub = &thermal_schema, .flags = F_REQUIRED},
    LIST_(ilrs_scenario_t, "radios", radios, radio_count, radio_schema, 0),
    STRUCT_(ilrs_scenario_t, "storage", storage, storage_schema, 0),
    LIST_(ilrs_scenario_t, "rovers", rovers, rover_count, rover_schema, 0),
    LIST_(ilrs_scenario_t, "relays", relays, relay_count, relay_schema, 0),
    LIST_(ilrs_scenario_t, "ground_stations", grounds, ground_count, ground_schema, 0),
    LIST_(ilrs_scenario_t, "partners", partners, partner_count, partner_schema, 0),
    LIST_(ilrs_scenario_t, "payloads", payloads, payload_count, payload_schema, 0),
    LIST_(ilrs_scenario_t, "faults", faults, fault_count, fault_schema, 0),
    LIST_(ilrs_scenario_t, "commands", commands, command_count, command_schema, 0),
};
SCHEMA(top_schema, "a scenario", top_fields, NULL, NULL);

/* Defaults of everything that is not a list element (lists set theirs per
 * element). */
static void scenario_defaults(ilrs_scenario_t *sc)
{
    sc->seed = 1;
    sc->site.mast_height_m = 2.0;
    sc->site.regolith = ILRS_SCENARIO_REGOLITH_HIGHLAND;
    snprintf(sc->hub.name, sizeof sc->hub.name, "hub");
    sc->hub.hibernate_power_w = NAN; /* = 0.1 x avionics_power_w unless given */
    sc->power.bus_voltage_v = 28.0;
    sc->power.undervoltage_v = 22.0;
    sc->storage.capacity_bytes = UINT64_C(32) << 30;
}

void ilrs__scenario_schema_apply(scenario_ctx_t *ctx, const snode_t *root)
{
    scenario_defaults(ctx->scenario);
    apply_map(ctx, &top_schema, ctx->scenario, root, "");
}
