/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The dictionary's store: creation, validation and deep-copying of partners,
 * packets, commands and events, lookups and iteration.
 *
 * Every add validates the whole definition first and builds the complete copy
 * before touching the dictionary, then grows the pointer array, and only then
 * links the entry in; so a failure at any point leaves the dictionary exactly as
 * it was. See dict_int.h for the storage invariant (entries never move).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict/dict_int.h"

/* ---- small helpers ------------------------------------------------------------ */

void ilrs__dict_errf(char *buf, size_t cap, const char *fmt, ...)
{
    if (buf == NULL || cap == 0) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
}

bool ilrs__dict_name_ok(const char *name)
{
    if (name == NULL) {
        return false;
    }
    char c = name[0];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
        return false;
    }
    size_t i = 1;
    for (; name[i] != '\0'; i++) {
        c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_')) {
            return false;
        }
        if (i + 1 >= ILRS_DICT_NAME_MAX) {
            return false;
        }
    }
    return true;
}

/*
 * Text that goes into JSON (which must be UTF-8) and XML (which forbids most
 * control characters and the non-characters U+FFFE/U+FFFF): strict UTF-8 per
 * RFC 3629 §4 (no overlongs, no surrogates, nothing above U+10FFFF).
 */
bool ilrs__dict_text_ok(const char *text)
{
    return text == NULL || ilrs__dict_text_ok_n(text, strlen(text));
}

bool ilrs__dict_text_ok_n(const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    const unsigned char *end = p + len;
    while (p < end) {
        unsigned c = *p;
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0) {
                return false;
            }
            if (c == 0x7F) {
                return false;
            }
            p++;
            continue;
        }
        unsigned n;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07u;
        } else {
            return false;
        }
        if ((size_t)(end - p) <= n) {
            return false;
        }
        for (unsigned k = 1; k <= n; k++) {
            if ((p[k] & 0xC0u) != 0x80u) {
                return false;
            }
            cp = (cp << 6) | (p[k] & 0x3Fu);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF ||
            (cp >= 0x80 && cp <= 0x9F)) {
            return false;
        }
        p += n + 1;
    }
    return true;
}

static const char *const type_names[ILRS_DICT_TYPE_COUNT] = {
    "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f32", "f64", "bool", "string", "bytes",
};

const char *ilrs_dict_type_name(ilrs_dict_type_t type)
{
    if ((unsigned)type >= ILRS_DICT_TYPE_COUNT) {
        return "?";
    }
    return type_names[type];
}

ilrs_dict_type_t ilrs__dict_type_parse(const char *name)
{
    for (unsigned i = 0; i < ILRS_DICT_TYPE_COUNT; i++) {
        if (strcmp(name, type_names[i]) == 0) {
            return (ilrs_dict_type_t)i;
        }
    }
    return ILRS_DICT_TYPE_COUNT;
}

uint32_t ilrs_dict_type_size(ilrs_dict_type_t type, uint16_t length)
{
    switch (type) {
    case ILRS_DICT_U8:
    case ILRS_DICT_I8:
    case ILRS_DICT_BOOL:
        return 1;
    case ILRS_DICT_U16:
    case ILRS_DICT_I16:
        return 2;
    case ILRS_DICT_U32:
    case ILRS_DICT_I32:
    case ILRS_DICT_F32:
        return 4;
    case ILRS_DICT_U64:
    case ILRS_DICT_I64:
    case ILRS_DICT_F64:
        return 8;
    case ILRS_DICT_STRING:
    case ILRS_DICT_BYTES:
        return length;
    default:
        return 0;
    }
}

bool ilrs__dict_type_is_int(ilrs_dict_type_t type)
{
    return type >= ILRS_DICT_U8 && type <= ILRS_DICT_I64;
}

bool ilrs__dict_type_is_float(ilrs_dict_type_t type)
{
    return type == ILRS_DICT_F32 || type == ILRS_DICT_F64;
}

bool ilrs__dict_type_is_signed(ilrs_dict_type_t type)
{
    return type >= ILRS_DICT_I8 && type <= ILRS_DICT_I64;
}

void ilrs__dict_type_bounds(ilrs_dict_type_t type, double *lo, double *hi)
{
    switch (type) {
    case ILRS_DICT_U8:
        *lo = 0, *hi = 255.0;
        break;
    case ILRS_DICT_U16:
        *lo = 0, *hi = 65535.0;
        break;
    case ILRS_DICT_U32:
        *lo = 0, *hi = 4294967295.0;
        break;
    case ILRS_DICT_U64:
        *lo = 0, *hi = 18446744073709551615.0;
        break;
    case ILRS_DICT_I8:
        *lo = -128.0, *hi = 127.0;
        break;
    case ILRS_DICT_I16:
        *lo = -32768.0, *hi = 32767.0;
        break;
    case ILRS_DICT_I32:
        *lo = -2147483648.0, *hi = 2147483647.0;
        break;
    case ILRS_DICT_I64:
        *lo = -9223372036854775808.0, *hi = 9223372036854775807.0;
        break;
    case ILRS_DICT_BOOL:
        *lo = 0, *hi = 1;
        break;
    default:
        *lo = -INFINITY, *hi = INFINITY;
        break;
    }
}

bool ilrs__dict_int_fits(ilrs_dict_type_t type, int64_t value)
{
    switch (type) {
    case ILRS_DICT_U8:
        return value >= 0 && value <= UINT8_MAX;
    case ILRS_DICT_U16:
        return value >= 0 && value <= UINT16_MAX;
    case ILRS_DICT_U32:
        return value >= 0 && value <= (int64_t)UINT32_MAX;
    case ILRS_DICT_U64:
        return value >= 0;
    case ILRS_DICT_I8:
        return value >= INT8_MIN && value <= INT8_MAX;
    case ILRS_DICT_I16:
        return value >= INT16_MIN && value <= INT16_MAX;
    case ILRS_DICT_I32:
        return value >= INT32_MIN && value <= INT32_MAX;
    case ILRS_DICT_I64:
        return true;
    default:
        return false;
    }
}

void ilrs__dict_format_enums(const ilrs_dict_field_t *field, char *buf, size_t cap)
{
    size_t used = 0;
    if (cap < 8) {
        if (cap > 0) {
            buf[0] = '\0';
        }
        return;
    }
    buf[used++] = '{';
    for (size_t i = 0; i < field->enum_count; i++) {
        char item[96];
        snprintf(item, sizeof item, "%s%s=%lld", i > 0 ? "," : "", field->enums[i].label,
                 (long long)field->enums[i].value);
        size_t n = strlen(item);
        if (used + n + 2 > cap) {
            /* leave room for "...}" and the terminator */
            while (used + 5 > cap && used > 1) {
                used--;
            }
            memcpy(buf + used, "...", 3);
            used += 3;
            break;
        }
        memcpy(buf + used, item, n);
        used += n;
    }
    buf[used++] = '}';
    buf[used] = '\0';
}

/* ---- pointer vectors ------------------------------------------------------------ */

/* Make room for one more pointer; the only realloc in the store. */
static int vec_reserve(ilrs__dict_vec_t *vec)
{
    if (vec->count < vec->cap) {
        return 0;
    }
    size_t cap = vec->cap == 0 ? 16 : vec->cap * 2;
    size_t bytes;
    if (ilrs_mul_size(cap, sizeof(void *), &bytes) != 0) {
        return ILRS_ENOMEM;
    }
    void **items = realloc(vec->items, bytes);
    if (items == NULL) {
        return ILRS_ENOMEM;
    }
    vec->items = items;
    vec->cap = cap;
    return 0;
}

/* ---- deep copies ------------------------------------------------------------------ */

static char *copy_text(const char *text, int *rc)
{
    if (text == NULL || text[0] == '\0') {
        return NULL;
    }
    char *copy = strdup(text);
    if (copy == NULL) {
        *rc = ILRS_ENOMEM;
    }
    return copy;
}

static void free_fields(ilrs_dict_field_t *fields, size_t count)
{
    if (fields == NULL) {
        return;
    }
    for (size_t i = 0; i < count; i++) {
        free((void *)fields[i].name);
        free((void *)fields[i].unit);
        free((void *)fields[i].description);
        if (fields[i].enums != NULL) {
            for (size_t k = 0; k < fields[i].enum_count; k++) {
                free((void *)fields[i].enums[k].label);
            }
            free((void *)fields[i].enums);
        }
    }
    free(fields);
}

/* Copy @p count fields, computing offsets from @p start. NULL + rc on failure. */
static ilrs_dict_field_t *copy_fields(const ilrs_dict_field_t *src, size_t count, uint32_t start,
                                      uint32_t *end, int *rc)
{
    *end = start;
    if (count == 0) {
        return NULL;
    }
    ilrs_dict_field_t *dst = calloc(count, sizeof *dst);
    if (dst == NULL) {
        *rc = ILRS_ENOMEM;
        return NULL;
    }
    uint32_t offset = start;
    for (size_t i = 0; i < count && *rc == 0; i++) {
        dst[i] = src[i];
        dst[i].name = NULL;
        dst[i].unit = NULL;
        dst[i].description = NULL;
        dst[i].enums = NULL;
        dst[i].enum_count = 0;
        dst[i].name = copy_text(src[i].name, rc);
        dst[i].unit = copy_text(src[i].unit, rc);
        dst[i].description = copy_text(src[i].description, rc);
        if (src[i].enum_count > 0 && *rc == 0) {
            ilrs_dict_enum_t *enums = calloc(src[i].enum_count, sizeof *enums);
            if (enums == NULL) {
                *rc = ILRS_ENOMEM;
                break;
            }
            dst[i].enums = enums;
            dst[i].enum_count = src[i].enum_count;
            for (size_t k = 0; k < src[i].enum_count; k++) {
                enums[k].value = src[i].enums[k].value;
                enums[k].label = copy_text(src[i].enums[k].label, rc);
            }
        }
        if (!src[i].has_range) {
            dst[i].min = dst[i].max = 0;
        }
        if (!src[i].has_limits) {
            dst[i].warn_low = dst[i].warn_high = dst[i].crit_low = dst[i].crit_high = 0;
        }
        dst[i].offset = offset;
        offset += ilrs_dict_type_size(src[i].type, src[i].length);
    }
    if (*rc != 0) {
        free_fields(dst, count);
        return NULL;
    }
    *end = offset;
    return dst;
}

/* ---- validation ------------------------------------------------------------------- */

/*
 * Duplicate detection: pairwise for short lists (the usual case, and it reports the
 * first repeat in definition order), by sorting for long ones so that a hostile
 * definition with tens of thousands of fields or labels stays O(n log n).
 */
#define SMALL_LIST 32

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* First repeated string among n (sorted copy); NULL when none. *nomem on failure. */
static const char *repeated_string(const char *const *items, size_t n, bool *nomem)
{
    const char **copy = malloc(n * sizeof *copy);
    if (copy == NULL) {
        *nomem = true;
        return NULL;
    }
    memcpy(copy, items, n * sizeof *copy);
    qsort(copy, n, sizeof *copy, cmp_str);
    const char *dup = NULL;
    for (size_t i = 1; i < n && dup == NULL; i++) {
        if (strcmp(copy[i - 1], copy[i]) == 0) {
            dup = copy[i];
        }
    }
    free(copy);
    return dup;
}

static bool all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i])) {
            return false;
        }
    }
    return true;
}

/* Repeats in a long enumeration, by sorting its values and its labels. */
static int check_long_enumeration(const ilrs_dict_field_t *f, const char *what, char *err,
                                  size_t err_cap)
{
    size_t n = f->enum_count;
    int64_t *values = malloc(n * sizeof *values);
    const char **labels = malloc(n * sizeof *labels);
    int rc = 0;
    if (values == NULL || labels == NULL) {
        rc = ILRS_ENOMEM;
        goto out_free;
    }
    for (size_t i = 0; i < n; i++) {
        values[i] = f->enums[i].value;
        labels[i] = f->enums[i].label;
    }
    qsort(values, n, sizeof *values, cmp_i64);
    for (size_t i = 1; i < n; i++) {
        if (values[i - 1] == values[i]) {
            ilrs__dict_errf(err, err_cap, "%s '%s': enumeration value %lld repeated", what, f->name,
                            (long long)values[i]);
            rc = ILRS_EEXIST;
            goto out_free;
        }
    }
    bool nomem = false;
    const char *dup = repeated_string(labels, n, &nomem);
    if (nomem) {
        rc = ILRS_ENOMEM;
    } else if (dup != NULL) {
        ilrs__dict_errf(err, err_cap, "%s '%s': enumeration label '%s' repeated", what, f->name,
                        dup);
        rc = ILRS_EEXIST;
    }
out_free:
    free(values);
    free(labels);
    return rc;
}

/*
 * Check one field or argument. @p what is "field" or "argument"; @p owner_desc
 * names the packet or command for the message.
 */
static int check_field(const ilrs_dict_field_t *f, const char *what, bool is_command, char *err,
                       size_t err_cap)
{
    if (!ilrs__dict_name_ok(f->name)) {
        ilrs__dict_errf(err, err_cap,
                        "%s name '%s' is not [A-Za-z][A-Za-z0-9_]* shorter than %d characters",
                        what, f->name != NULL ? f->name : "(null)", ILRS_DICT_NAME_MAX);
        return ILRS_EINVAL;
    }
    if ((unsigned)f->type >= ILRS_DICT_TYPE_COUNT) {
        ilrs__dict_errf(err, err_cap, "%s '%s': unknown type %d", what, f->name, (int)f->type);
        return ILRS_EINVAL;
    }
    bool is_text = f->type == ILRS_DICT_STRING || f->type == ILRS_DICT_BYTES;
    bool is_int = ilrs__dict_type_is_int(f->type);
    if (is_text && f->length == 0) {
        ilrs__dict_errf(err, err_cap, "%s '%s': %s needs a length > 0", what, f->name,
                        ilrs_dict_type_name(f->type));
        return ILRS_EINVAL;
    }
    if (!is_text && f->length != 0) {
        ilrs__dict_errf(err, err_cap,
                        "%s '%s': length %u given for type %s (only string and "
                        "bytes have a length)",
                        what, f->name, (unsigned)f->length, ilrs_dict_type_name(f->type));
        return ILRS_EINVAL;
    }
    if (!ilrs__dict_text_ok(f->unit) || !ilrs__dict_text_ok(f->description)) {
        ilrs__dict_errf(err, err_cap,
                        "%s '%s': unit or description is not UTF-8 text without control "
                        "characters",
                        what, f->name);
        return ILRS_EINVAL;
    }
    if (f->unit != NULL && strlen(f->unit) >= ILRS_DICT_NAME_MAX) {
        ilrs__dict_errf(err, err_cap, "%s '%s': unit longer than %d characters", what, f->name,
                        ILRS_DICT_NAME_MAX - 1);
        return ILRS_EINVAL;
    }
    if (f->has_range) {
        double v[2] = {f->min, f->max};
        if (is_text) {
            ilrs__dict_errf(err, err_cap, "%s '%s': a range is not allowed on type %s", what,
                            f->name, ilrs_dict_type_name(f->type));
            return ILRS_EINVAL;
        }
        if (!all_finite(v, 2) || !(f->min <= f->max)) {
            ilrs__dict_errf(err, err_cap, "%s '%s': range [%.17g, %.17g] needs finite min <= max",
                            what, f->name, f->min, f->max);
            return ILRS_EINVAL;
        }
    }
    if (f->has_limits) {
        double v[4] = {f->crit_low, f->warn_low, f->warn_high, f->crit_high};
        if (is_text || is_command || f->type == ILRS_DICT_BOOL || f->enum_count > 0) {
            ilrs__dict_errf(err, err_cap,
                            "%s '%s': limits are only for numeric telemetry without enumeration",
                            what, f->name);
            return ILRS_EINVAL;
        }
        if (!all_finite(v, 4) || !(v[0] <= v[1] && v[1] <= v[2] && v[2] <= v[3])) {
            ilrs__dict_errf(err, err_cap,
                            "%s '%s': limits must be finite and ordered crit_low <= warn_low <= "
                            "warn_high <= crit_high (got %.17g, %.17g, %.17g, %.17g)",
                            what, f->name, v[0], v[1], v[2], v[3]);
            return ILRS_EINVAL;
        }
    }
    double cal[2] = {f->cal_offset, f->cal_scale};
    if (!all_finite(cal, 2)) {
        ilrs__dict_errf(err, err_cap, "%s '%s': calibration must be finite", what, f->name);
        return ILRS_EINVAL;
    }
    if ((is_text || f->type == ILRS_DICT_BOOL) && (f->cal_offset != 0 || f->cal_scale != 0)) {
        ilrs__dict_errf(err, err_cap, "%s '%s': calibration is not allowed on type %s", what,
                        f->name, ilrs_dict_type_name(f->type));
        return ILRS_EINVAL;
    }
    if (f->enum_count > 0) {
        if (!is_int) {
            ilrs__dict_errf(err, err_cap,
                            "%s '%s': enumerations are only for integer types, not %s", what,
                            f->name, ilrs_dict_type_name(f->type));
            return ILRS_EINVAL;
        }
        if (f->enums == NULL) {
            ilrs__dict_errf(err, err_cap, "%s '%s': enum_count %zu but no enums", what, f->name,
                            f->enum_count);
            return ILRS_EINVAL;
        }
        for (size_t i = 0; i < f->enum_count; i++) {
            const ilrs_dict_enum_t *e = &f->enums[i];
            if (e->label == NULL || e->label[0] == '\0' || !ilrs__dict_text_ok(e->label) ||
                strlen(e->label) >= ILRS_DICT_NAME_MAX || strchr(e->label, ',') != NULL ||
                strchr(e->label, '=') != NULL || strchr(e->label, '\n') != NULL ||
                strchr(e->label, '\t') != NULL) {
                ilrs__dict_errf(err, err_cap,
                                "%s '%s': enumeration label %zu is empty, too long or holds "
                                "',', '=' or control characters",
                                what, f->name, i);
                return ILRS_EINVAL;
            }
            if (!ilrs__dict_int_fits(f->type, e->value)) {
                ilrs__dict_errf(err, err_cap, "%s '%s': enumeration value %lld does not fit %s",
                                what, f->name, (long long)e->value, ilrs_dict_type_name(f->type));
                return ILRS_ERANGE;
            }
            for (size_t k = 0; k < i && f->enum_count <= SMALL_LIST; k++) {
                if (f->enums[k].value == e->value) {
                    ilrs__dict_errf(err, err_cap, "%s '%s': enumeration value %lld repeated", what,
                                    f->name, (long long)e->value);
                    return ILRS_EEXIST;
                }
                if (strcmp(f->enums[k].label, e->label) == 0) {
                    ilrs__dict_errf(err, err_cap, "%s '%s': enumeration label '%s' repeated", what,
                                    f->name, e->label);
                    return ILRS_EEXIST;
                }
            }
        }
        if (f->enum_count > SMALL_LIST) {
            return check_long_enumeration(f, what, err, err_cap);
        }
    }
    return 0;
}

/* Check a field list; sum the octets into *octets (saturating on absurd inputs). */
static int check_fields(const ilrs_dict_field_t *fields, size_t count, const char *kind,
                        const char *owner_name, const char *what, bool is_command, uint64_t *octets,
                        char *err, size_t err_cap)
{
    char inner[ILRS__DICT_ERR_MAX];
    *octets = 0;
    if (count > 0 && fields == NULL) {
        ilrs__dict_errf(err, err_cap, "%s '%s': %zu %ss but no array", kind, owner_name, count,
                        what);
        return ILRS_EINVAL;
    }
    if (count > ILRS_CCSDS_MAX_PACKET_LEN) {
        ilrs__dict_errf(err, err_cap, "%s '%s': %zu %ss cannot fit a space packet", kind,
                        owner_name, count, what);
        return ILRS_ECCSDS_TOOBIG;
    }
    for (size_t i = 0; i < count; i++) {
        int rc = check_field(&fields[i], what, is_command, inner, sizeof inner);
        if (rc != 0) {
            ilrs__dict_errf(err, err_cap, "%s '%s': %s", kind, owner_name, inner);
            return rc;
        }
        for (size_t k = 0; k < i && count <= SMALL_LIST; k++) {
            if (strcmp(fields[k].name, fields[i].name) == 0) {
                ilrs__dict_errf(err, err_cap, "%s '%s': %s name '%s' repeated", kind, owner_name,
                                what, fields[i].name);
                return ILRS_EEXIST;
            }
        }
        *octets += ilrs_dict_type_size(fields[i].type, fields[i].length);
    }
    if (count > SMALL_LIST) {
        const char **names = malloc(count * sizeof *names);
        if (names == NULL) {
            return ILRS_ENOMEM;
        }
        for (size_t i = 0; i < count; i++) {
            names[i] = fields[i].name;
        }
        bool nomem = false;
        const char *dup = repeated_string(names, count, &nomem);
        free(names);
        if (nomem) {
            return ILRS_ENOMEM;
        }
        if (dup != NULL) {
            ilrs__dict_errf(err, err_cap, "%s '%s': %s name '%s' repeated", kind, owner_name, what,
                            dup);
            return ILRS_EEXIST;
        }
    }
    return 0;
}

static bool opt_name_ok(const char *name)
{
    return name == NULL || name[0] == '\0' || ilrs__dict_name_ok(name);
}

/* ---- create / destroy ------------------------------------------------------------- */

static void free_partner(ilrs_dict_partner_t *p)
{
    if (p != NULL) {
        free((void *)p->id);
        free((void *)p->name);
        free(p);
    }
}

static void free_packet(ilrs_dict_packet_t *p)
{
    if (p != NULL) {
        free((void *)p->name);
        free((void *)p->owner);
        free((void *)p->app);
        free((void *)p->description);
        free_fields((ilrs_dict_field_t *)p->fields, p->field_count);
        free(p);
    }
}

static void free_command(ilrs_dict_command_t *c)
{
    if (c != NULL) {
        free((void *)c->name);
        free((void *)c->owner);
        free((void *)c->app);
        free((void *)c->description);
        free_fields((ilrs_dict_field_t *)c->args, c->arg_count);
        free(c);
    }
}

static void free_event(ilrs_dict_event_t *e)
{
    if (e != NULL) {
        free((void *)e->app);
        free((void *)e->name);
        free((void *)e->format);
        free((void *)e->description);
        free(e);
    }
}

int ilrs_dict_create(ilrs_dict_t **out)
{
    int rc = 0;
    *out = NULL;
    ilrs_dict_t *dict = calloc(1, sizeof *dict);
    if (dict == NULL) {
        return ILRS_ENOMEM;
    }
    const ilrs_dict_partner_t station = {ILRS_DICT_OWNER_STATION, ILRS__DICT_STATION_NAME};
    rc = ilrs__dict_add_partner(dict, &station, NULL, 0);
    if (rc != 0) {
        goto out_free;
    }
    *out = dict;
    return 0;
out_free:
    ilrs_dict_destroy(dict);
    return rc;
}

void ilrs_dict_destroy(ilrs_dict_t *dict)
{
    if (dict == NULL) {
        return;
    }
    for (size_t i = 0; i < dict->partners.count; i++) {
        free_partner(dict->partners.items[i]);
    }
    for (size_t i = 0; i < dict->packets.count; i++) {
        free_packet(dict->packets.items[i]);
    }
    for (size_t i = 0; i < dict->commands.count; i++) {
        free_command(dict->commands.items[i]);
    }
    for (size_t i = 0; i < dict->events.count; i++) {
        free_event(dict->events.items[i]);
    }
    for (size_t i = 0; i < ILRS__DICT_APIDS; i++) {
        free(dict->cmd_by_apid[i]);
    }
    free(dict->partners.items);
    free(dict->packets.items);
    free(dict->commands.items);
    free(dict->events.items);
    ilrs__dict_index_free(&dict->partner_ids);
    ilrs__dict_index_free(&dict->packet_names);
    ilrs__dict_index_free(&dict->command_names);
    ilrs__dict_index_free(&dict->event_names);
    ilrs__dict_index_free(&dict->event_keys);
    free(dict);
}

/* ---- index matches --------------------------------------------------------------- */

static bool match_partner(const void *item, const void *key)
{
    return strcmp(((const ilrs_dict_partner_t *)item)->id, key) == 0;
}

static bool match_packet(const void *item, const void *key)
{
    return strcmp(((const ilrs_dict_packet_t *)item)->name, key) == 0;
}

static bool match_command(const void *item, const void *key)
{
    return strcmp(((const ilrs_dict_command_t *)item)->name, key) == 0;
}

static bool match_event_name(const void *item, const void *key)
{
    return strcmp(((const ilrs_dict_event_t *)item)->name, key) == 0;
}

typedef struct event_key {
    const char *app;
    uint16_t id;
} event_key_t;

static bool match_event_key(const void *item, const void *key)
{
    const ilrs_dict_event_t *e = item;
    const event_key_t *k = key;
    return e->id == k->id && strcmp(e->app, k->app) == 0;
}

/* ---- partners ---------------------------------------------------------------------- */

int ilrs__dict_add_partner(ilrs_dict_t *dict, const ilrs_dict_partner_t *partner, char *err,
                           size_t err_cap)
{
    int rc = 0;
    if (dict == NULL || partner == NULL) {
        ilrs__dict_errf(err, err_cap, "partner: no dictionary or definition");
        return ILRS_EINVAL;
    }
    if (!ilrs__dict_name_ok(partner->id)) {
        ilrs__dict_errf(err, err_cap,
                        "partner id '%s' is not [A-Za-z][A-Za-z0-9_]* shorter than %d characters",
                        partner->id != NULL ? partner->id : "(null)", ILRS_DICT_NAME_MAX);
        return ILRS_EINVAL;
    }
    if (partner->name == NULL || partner->name[0] == '\0' || !ilrs__dict_text_ok(partner->name)) {
        ilrs__dict_errf(err, err_cap,
                        "partner '%s': display name missing or not UTF-8 text without control "
                        "characters",
                        partner->id);
        return ILRS_EINVAL;
    }
    if (ilrs_dict_find_partner(dict, partner->id) != NULL) {
        ilrs__dict_errf(err, err_cap, "partner '%s' already exists", partner->id);
        return ILRS_EEXIST;
    }
    ilrs_dict_partner_t *copy = calloc(1, sizeof *copy);
    if (copy == NULL) {
        return ILRS_ENOMEM;
    }
    copy->id = copy_text(partner->id, &rc);
    copy->name = copy_text(partner->name, &rc);
    if (rc == 0) {
        rc = vec_reserve(&dict->partners);
    }
    if (rc == 0) {
        rc = ilrs__dict_index_reserve(&dict->partner_ids);
    }
    if (rc != 0) {
        ilrs__dict_errf(err, err_cap, "partner '%s': out of memory", partner->id);
        free_partner(copy);
        return rc;
    }
    dict->partners.items[dict->partners.count++] = copy;
    ilrs__dict_index_insert(&dict->partner_ids, ilrs__dict_hash_str(copy->id), copy);
    return 0;
}

int ilrs__dict_rename_partner(ilrs_dict_t *dict, const char *id, const char *name, char *err,
                              size_t err_cap)
{
    ilrs_dict_partner_t *p = (ilrs_dict_partner_t *)ilrs_dict_find_partner(dict, id);
    if (p == NULL) {
        ilrs__dict_errf(err, err_cap, "unknown partner '%s'", id);
        return ILRS_ENOENT;
    }
    if (name == NULL || name[0] == '\0' || !ilrs__dict_text_ok(name)) {
        ilrs__dict_errf(err, err_cap,
                        "partner '%s': display name missing or not UTF-8 text without control "
                        "characters",
                        id);
        return ILRS_EINVAL;
    }
    char *copy = strdup(name);
    if (copy == NULL) {
        return ILRS_ENOMEM;
    }
    free((void *)p->name);
    p->name = copy;
    return 0;
}

int ilrs_dict_add_partner(ilrs_dict_t *dict, const ilrs_dict_partner_t *partner)
{
    char err[ILRS__DICT_ERR_MAX] = "";
    int rc = ilrs__dict_add_partner(dict, partner, err, sizeof err);
    if (rc != 0) {
        ilrs_log(ILRS_LOG_WARN, "dict", "%s", err);
    }
    return rc;
}

/* ---- packets ----------------------------------------------------------------------- */

static int check_header_common(const ilrs_dict_t *dict, const char *kind, const char *name,
                               uint16_t apid, const char *owner, const char *app,
                               const char *description, char *err, size_t err_cap)
{
    if (!ilrs__dict_name_ok(name)) {
        ilrs__dict_errf(err, err_cap,
                        "%s name '%s' is not [A-Za-z][A-Za-z0-9_]* shorter than %d characters",
                        kind, name != NULL ? name : "(null)", ILRS_DICT_NAME_MAX);
        return ILRS_EINVAL;
    }
    if (apid > ILRS_CCSDS_APID_MAX || apid == ILRS_CCSDS_APID_IDLE) {
        ilrs__dict_errf(err, err_cap, "%s '%s': APID %u outside 0..%u (%u is the idle APID)", kind,
                        name, (unsigned)apid, ILRS_CCSDS_APID_MAX - 1u, ILRS_CCSDS_APID_IDLE);
        return ILRS_ECCSDS_APID;
    }
    if (!opt_name_ok(app)) {
        ilrs__dict_errf(err, err_cap, "%s '%s': app name '%s' is not [A-Za-z][A-Za-z0-9_]*", kind,
                        name, app);
        return ILRS_EINVAL;
    }
    if (!ilrs__dict_text_ok(description)) {
        ilrs__dict_errf(err, err_cap,
                        "%s '%s': description is not UTF-8 text without control characters", kind,
                        name);
        return ILRS_EINVAL;
    }
    if (owner == NULL || ilrs_dict_find_partner(dict, owner) == NULL) {
        ilrs__dict_errf(err, err_cap, "%s '%s': owner '%s' is not a known partner", kind, name,
                        owner != NULL ? owner : "(null)");
        return ILRS_ENOENT;
    }
    return 0;
}

int ilrs__dict_add_packet(ilrs_dict_t *dict, const ilrs_dict_packet_t *packet,
                          const ilrs_dict_packet_t **stored, char *err, size_t err_cap)
{
    int rc = 0;
    if (stored != NULL) {
        *stored = NULL;
    }
    if (dict == NULL || packet == NULL) {
        ilrs__dict_errf(err, err_cap, "packet: no dictionary or definition");
        return ILRS_EINVAL;
    }
    rc = check_header_common(dict, "packet", packet->name, packet->apid, packet->owner, packet->app,
                             packet->description, err, err_cap);
    if (rc != 0) {
        return rc;
    }
    uint64_t octets = 0;
    rc = check_fields(packet->fields, packet->field_count, "packet", packet->name, "field", false,
                      &octets, err, err_cap);
    if (rc != 0) {
        return rc;
    }
    if (octets + ILRS_CCSDS_TLM_HEADER_LEN > ILRS_CCSDS_MAX_PACKET_LEN) {
        ilrs__dict_errf(err, err_cap,
                        "packet '%s': %llu octets, more than the %u of a space packet",
                        packet->name, (unsigned long long)(octets + ILRS_CCSDS_TLM_HEADER_LEN),
                        ILRS_CCSDS_MAX_PACKET_LEN);
        return ILRS_ECCSDS_TOOBIG;
    }
    const ilrs_dict_packet_t *same = dict->tlm_by_apid[packet->apid];
    if (same != NULL) {
        ilrs__dict_errf(err, err_cap, "packet '%s': APID %u already used by packet '%s'",
                        packet->name, (unsigned)packet->apid, same->name);
        return ILRS_EEXIST;
    }
    if (ilrs_dict_find_packet_by_name(dict, packet->name) != NULL) {
        ilrs__dict_errf(err, err_cap, "packet '%s' already exists", packet->name);
        return ILRS_EEXIST;
    }

    ilrs_dict_packet_t *copy = calloc(1, sizeof *copy);
    if (copy == NULL) {
        return ILRS_ENOMEM;
    }
    copy->apid = packet->apid;
    copy->name = copy_text(packet->name, &rc);
    copy->owner = copy_text(packet->owner, &rc);
    copy->app = copy_text(packet->app, &rc);
    copy->description = copy_text(packet->description, &rc);
    uint32_t end = ILRS_CCSDS_TLM_HEADER_LEN;
    if (rc == 0) {
        copy->fields =
            copy_fields(packet->fields, packet->field_count, ILRS_CCSDS_TLM_HEADER_LEN, &end, &rc);
        copy->field_count = rc == 0 ? packet->field_count : 0;
    }
    copy->length = end;
    if (rc == 0) {
        rc = vec_reserve(&dict->packets);
    }
    if (rc == 0) {
        rc = ilrs__dict_index_reserve(&dict->packet_names);
    }
    if (rc != 0) {
        ilrs__dict_errf(err, err_cap, "packet '%s': out of memory", packet->name);
        free_packet(copy);
        return rc;
    }
    dict->packets.items[dict->packets.count++] = copy;
    dict->tlm_by_apid[copy->apid] = copy;
    ilrs__dict_index_insert(&dict->packet_names, ilrs__dict_hash_str(copy->name), copy);
    if (stored != NULL) {
        *stored = copy;
    }
    return 0;
}

int ilrs_dict_add_packet(ilrs_dict_t *dict, const ilrs_dict_packet_t *packet,
                         const ilrs_dict_packet_t **stored)
{
    char err[ILRS__DICT_ERR_MAX] = "";
    int rc = ilrs__dict_add_packet(dict, packet, stored, err, sizeof err);
    if (rc != 0) {
        ilrs_log(ILRS_LOG_WARN, "dict", "%s", err);
    }
    return rc;
}

/* ---- commands ---------------------------------------------------------------------- */

int ilrs__dict_add_command(ilrs_dict_t *dict, const ilrs_dict_command_t *command,
                           const ilrs_dict_command_t **stored, char *err, size_t err_cap)
{
    int rc = 0;
    if (stored != NULL) {
        *stored = NULL;
    }
    if (dict == NULL || command == NULL) {
        ilrs__dict_errf(err, err_cap, "command: no dictionary or definition");
        return ILRS_EINVAL;
    }
    rc = check_header_common(dict, "command", command->name, command->apid, command->owner,
                             command->app, command->description, err, err_cap);
    if (rc != 0) {
        return rc;
    }
    if (command->function_code >= ILRS__DICT_FCODES) {
        ilrs__dict_errf(err, err_cap, "command '%s': function code %u outside 0..127",
                        command->name, (unsigned)command->function_code);
        return ILRS_ERANGE;
    }
    uint64_t octets = 0;
    rc = check_fields(command->args, command->arg_count, "command", command->name, "argument", true,
                      &octets, err, err_cap);
    if (rc != 0) {
        return rc;
    }
    if (octets + ILRS_CCSDS_CMD_HEADER_LEN > ILRS_CCSDS_MAX_PACKET_LEN) {
        ilrs__dict_errf(err, err_cap,
                        "command '%s': %llu octets, more than the %u of a space packet",
                        command->name, (unsigned long long)(octets + ILRS_CCSDS_CMD_HEADER_LEN),
                        ILRS_CCSDS_MAX_PACKET_LEN);
        return ILRS_ECCSDS_TOOBIG;
    }
    const ilrs_dict_command_t *same =
        ilrs_dict_find_command(dict, command->apid, command->function_code);
    if (same != NULL) {
        ilrs__dict_errf(
            err, err_cap, "command '%s': APID %u function code %u already used by command '%s'",
            command->name, (unsigned)command->apid, (unsigned)command->function_code, same->name);
        return ILRS_EEXIST;
    }
    if (ilrs_dict_find_command_by_name(dict, command->name) != NULL) {
        ilrs__dict_errf(err, err_cap, "command '%s' already exists", command->name);
        return ILRS_EEXIST;
    }

    ilrs_dict_command_t **slots = dict->cmd_by_apid[command->apid];
    bool new_slots = false;
    ilrs_dict_command_t *copy = calloc(1, sizeof *copy);
    if (copy == NULL) {
        return ILRS_ENOMEM;
    }
    copy->apid = command->apid;
    copy->function_code = command->function_code;
    copy->name = copy_text(command->name, &rc);
    copy->owner = copy_text(command->owner, &rc);
    copy->app = copy_text(command->app, &rc);
    copy->description = copy_text(command->description, &rc);
    uint32_t end = ILRS_CCSDS_CMD_HEADER_LEN;
    if (rc == 0) {
        copy->args =
            copy_fields(command->args, command->arg_count, ILRS_CCSDS_CMD_HEADER_LEN, &end, &rc);
        copy->arg_count = rc == 0 ? command->arg_count : 0;
    }
    copy->length = end;
    if (rc == 0 && slots == NULL) {
        slots = calloc(ILRS__DICT_FCODES, sizeof *slots);
        new_slots = true;
        if (slots == NULL) {
            rc = ILRS_ENOMEM;
        }
    }
    if (rc == 0) {
        rc = vec_reserve(&dict->commands);
    }
    if (rc == 0) {
        rc = ilrs__dict_index_reserve(&dict->command_names);
    }
    if (rc != 0) {
        ilrs__dict_errf(err, err_cap, "command '%s': out of memory", command->name);
        if (new_slots) {
            free(slots);
        }
        free_command(copy);
        return rc;
    }
    dict->cmd_by_apid[copy->apid] = slots;
    slots[copy->function_code] = copy;
    dict->commands.items[dict->commands.count++] = copy;
    ilrs__dict_index_insert(&dict->command_names, ilrs__dict_hash_str(copy->name), copy);
    if (stored != NULL) {
        *stored = copy;
    }
    return 0;
}

int ilrs_dict_add_command(ilrs_dict_t *dict, const ilrs_dict_command_t *command,
                          const ilrs_dict_command_t **stored)
{
    char err[ILRS__DICT_ERR_MAX] = "";
    int rc = ilrs__dict_add_command(dict, command, stored, err, sizeof err);
    if (rc != 0) {
        ilrs_log(ILRS_LOG_WARN, "dict", "%s", err);
    }
    return rc;
}

/* ---- events ------------------------------------------------------------------------ */

static bool event_suffix_ok(const char *name)
{
    static const char *const suffixes[] = {"_INF", "_ERR", "_DBG", "_CRIT"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t s = strlen(suffixes[i]);
        if (n > s && strcmp(name + n - s, suffixes[i]) == 0) {
            return true;
        }
    }
    return false;
}

int ilrs__dict_add_event(ilrs_dict_t *dict, const ilrs_dict_event_t *event, char *err,
                         size_t err_cap)
{
    int rc = 0;
    if (dict == NULL || event == NULL) {
        ilrs__dict_errf(err, err_cap, "event: no dictionary or definition");
        return ILRS_EINVAL;
    }
    if (!ilrs__dict_name_ok(event->name) || !event_suffix_ok(event->name)) {
        ilrs__dict_errf(err, err_cap,
                        "event name '%s' is not <APP>_<WHAT>_<INF|ERR|DBG|CRIT> of "
                        "[A-Za-z0-9_] shorter than %d characters",
                        event->name != NULL ? event->name : "(null)", ILRS_DICT_NAME_MAX);
        return ILRS_EINVAL;
    }
    if (!ilrs__dict_name_ok(event->app)) {
        ilrs__dict_errf(err, err_cap, "event '%s': app name '%s' is not [A-Za-z][A-Za-z0-9_]*",
                        event->name, event->app != NULL ? event->app : "(null)");
        return ILRS_EINVAL;
    }
    if ((unsigned)event->severity > ILRS_EVENT_CRITICAL) {
        ilrs__dict_errf(err, err_cap, "event '%s': severity %d outside 0..3", event->name,
                        (int)event->severity);
        return ILRS_EINVAL;
    }
    if (!ilrs__dict_text_ok(event->format) || !ilrs__dict_text_ok(event->description)) {
        ilrs__dict_errf(err, err_cap,
                        "event '%s': format or description is not UTF-8 text without control "
                        "characters",
                        event->name);
        return ILRS_EINVAL;
    }
    const ilrs_dict_event_t *same = ilrs_dict_find_event(dict, event->app, event->id);
    if (same != NULL) {
        ilrs__dict_errf(err, err_cap, "event '%s': app '%s' id %u already used by event '%s'",
                        event->name, event->app, (unsigned)event->id, same->name);
        return ILRS_EEXIST;
    }
    if (ilrs__dict_index_find(&dict->event_names, ilrs__dict_hash_str(event->name),
                              match_event_name, event->name) != NULL) {
        ilrs__dict_errf(err, err_cap, "event '%s' already exists", event->name);
        return ILRS_EEXIST;
    }
    ilrs_dict_event_t *copy = calloc(1, sizeof *copy);
    if (copy == NULL) {
        return ILRS_ENOMEM;
    }
    copy->id = event->id;
    copy->severity = event->severity;
    copy->app = copy_text(event->app, &rc);
    copy->name = copy_text(event->name, &rc);
    copy->format = copy_text(event->format, &rc);
    copy->description = copy_text(event->description, &rc);
    if (rc == 0) {
        rc = vec_reserve(&dict->events);
    }
    if (rc == 0) {
        rc = ilrs__dict_index_reserve(&dict->event_names);
    }
    if (rc == 0) {
        rc = ilrs__dict_index_reserve(&dict->event_keys);
    }
    if (rc != 0) {
        ilrs__dict_errf(err, err_cap, "event '%s': out of memory", event->name);
        free_event(copy);
        return rc;
    }
    dict->events.items[dict->events.count++] = copy;
    ilrs__dict_index_insert(&dict->event_names, ilrs__dict_hash_str(copy->name), copy);
    ilrs__dict_index_insert(&dict->event_keys, ilrs__dict_hash_event(copy->app, copy->id), copy);
    return 0;
}

int ilrs_dict_add_event(ilrs_dict_t *dict, const ilrs_dict_event_t *event)
{
    char err[ILRS__DICT_ERR_MAX] = "";
    int rc = ilrs__dict_add_event(dict, event, err, sizeof err);
    if (rc != 0) {
        ilrs_log(ILRS_LOG_WARN, "dict", "%s", err);
    }
    return rc;
}

/* ---- lookups ----------------------------------------------------------------------- */

const ilrs_dict_packet_t *ilrs_dict_find_packet(const ilrs_dict_t *dict, uint16_t apid)
{
    if (dict == NULL || apid >= ILRS__DICT_APIDS) {
        return NULL;
    }
    return dict->tlm_by_apid[apid];
}

const ilrs_dict_packet_t *ilrs_dict_find_packet_by_name(const ilrs_dict_t *dict, const char *name)
{
    if (dict == NULL || name == NULL) {
        return NULL;
    }
    return ilrs__dict_index_find(&dict->packet_names, ilrs__dict_hash_str(name), match_packet,
                                 name);
}

const ilrs_dict_command_t *ilrs_dict_find_command(const ilrs_dict_t *dict, uint16_t apid,
                                                  uint8_t function_code)
{
    if (dict == NULL || apid >= ILRS__DICT_APIDS || function_code >= ILRS__DICT_FCODES ||
        dict->cmd_by_apid[apid] == NULL) {
        return NULL;
    }
    return dict->cmd_by_apid[apid][function_code];
}

const ilrs_dict_command_t *ilrs_dict_find_command_by_name(const ilrs_dict_t *dict, const char *name)
{
    if (dict == NULL || name == NULL) {
        return NULL;
    }
    return ilrs__dict_index_find(&dict->command_names, ilrs__dict_hash_str(name), match_command,
                                 name);
}

const ilrs_dict_event_t *ilrs_dict_find_event(const ilrs_dict_t *dict, const char *app, uint16_t id)
{
    if (dict == NULL || app == NULL) {
        return NULL;
    }
    const event_key_t key = {app, id};
    return ilrs__dict_index_find(&dict->event_keys, ilrs__dict_hash_event(app, id), match_event_key,
                                 &key);
}

const ilrs_dict_partner_t *ilrs_dict_find_partner(const ilrs_dict_t *dict, const char *id)
{
    if (dict == NULL || id == NULL) {
        return NULL;
    }
    return ilrs__dict_index_find(&dict->partner_ids, ilrs__dict_hash_str(id), match_partner, id);
}

const ilrs_dict_field_t *ilrs_dict_find_field(const ilrs_dict_packet_t *packet, const char *name)
{
    if (packet == NULL || name == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < packet->field_count; i++) {
        if (strcmp(packet->fields[i].name, name) == 0) {
            return &packet->fields[i];
        }
    }
    return NULL;
}

/* ---- iteration --------------------------------------------------------------------- */

size_t ilrs_dict_packet_count(const ilrs_dict_t *dict)
{
    return dict != NULL ? dict->packets.count : 0;
}

const ilrs_dict_packet_t *ilrs_dict_packet_at(const ilrs_dict_t *dict, size_t index)
{
    return dict != NULL && index < dict->packets.count ? dict->packets.items[index] : NULL;
}

size_t ilrs_dict_command_count(const ilrs_dict_t *dict)
{
    return dict != NULL ? dict->commands.count : 0;
}

const ilrs_dict_command_t *ilrs_dict_command_at(const ilrs_dict_t *dict, size_t index)
{
    return dict != NULL && index < dict->commands.count ? dict->commands.items[index] : NULL;
}

size_t ilrs_dict_event_count(const ilrs_dict_t *dict)
{
    return dict != NULL ? dict->events.count : 0;
}

const ilrs_dict_event_t *ilrs_dict_event_at(const ilrs_dict_t *dict, size_t index)
{
    return dict != NULL && index < dict->events.count ? dict->events.items[index] : NULL;
}

size_t ilrs_dict_partner_count(const ilrs_dict_t *dict)
{
    return dict != NULL ? dict->partners.count : 0;
}

const ilrs_dict_partner_t *ilrs_dict_partner_at(const ilrs_dict_t *dict, size_t index)
{
    return dict != NULL && index < dict->partners.count ? dict->partners.items[index] : NULL;
}

void ilrs_dict_get_stats(const ilrs_dict_t *dict, ilrs_dict_stats_t *stats)
{
    if (stats == NULL) {
        return;
    }
    if (dict == NULL) {
        memset(stats, 0, sizeof *stats);
        return;
    }
    *stats = dict->stats;
}
