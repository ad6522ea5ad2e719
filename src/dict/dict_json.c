/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The dictionary as JSON (jansson): the canonical export the ground loads, the
 * import with full validation, and the fingerprint.
 *
 * Canonical form (docs/dict.md): keys in a fixed order, optional keys omitted
 * when empty, two-space indentation, reals with 17 significant digits (enough
 * for every binary64 to read back exactly, IEEE 754-2019 §5.12.2), one trailing
 * newline. Because writing depends only on the dictionary's contents and reading
 * reproduces those contents, JSON -> dictionary -> JSON is byte-identical for
 * any canonical input, and the CRC-32 of the text identifies a dictionary.
 *
 * The reader accepts exactly the keys it writes (unknown keys are errors) and
 * names the JSON path of every problem, e.g.
 * "packets[3].fields[2].type: unknown type 'u24'".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dict/dict_int.h"

#define FORMAT_NAME    "ilrs-dictionary"
#define FORMAT_VERSION 1
#define PATH_MAX_LEN   160

static const char *const severity_names[] = {"debug", "info", "error", "critical"};

/* ---- writing ---------------------------------------------------------------------- */

/* json_object_set_new that remembers a failure instead of returning it. */
static void put(json_t *obj, const char *key, json_t *value, bool *ok)
{
    if (value == NULL || json_object_set_new(obj, key, value) != 0) {
        *ok = false;
    }
}

static void put_text(json_t *obj, const char *key, const char *text, bool *ok)
{
    if (text != NULL && text[0] != '\0') {
        put(obj, key, json_string(text), ok);
    }
}

static json_t *field_json(const ilrs_dict_field_t *f, bool *ok)
{
    json_t *o = json_object();
    if (o == NULL) {
        *ok = false;
        return NULL;
    }
    put(o, "name", json_string(f->name), ok);
    put(o, "type", json_string(ilrs_dict_type_name(f->type)), ok);
    if (f->type == ILRS_DICT_STRING || f->type == ILRS_DICT_BYTES) {
        put(o, "length", json_integer(f->length), ok);
    }
    put(o, "offset", json_integer(f->offset), ok);
    put_text(o, "unit", f->unit, ok);
    put_text(o, "description", f->description, ok);
    if (f->has_range) {
        json_t *r = json_object();
        put(r, "min", json_real(f->min), ok);
        put(r, "max", json_real(f->max), ok);
        put(o, "range", r, ok);
    }
    if (f->has_limits) {
        json_t *l = json_object();
        put(l, "crit_low", json_real(f->crit_low), ok);
        put(l, "warn_low", json_real(f->warn_low), ok);
        put(l, "warn_high", json_real(f->warn_high), ok);
        put(l, "crit_high", json_real(f->crit_high), ok);
        put(o, "limits", l, ok);
    }
    if (f->enum_count > 0) {
        json_t *a = json_array();
        for (size_t i = 0; i < f->enum_count && a != NULL; i++) {
            json_t *e = json_object();
            put(e, "value", json_integer((json_int_t)f->enums[i].value), ok);
            put(e, "label", json_string(f->enums[i].label), ok);
            if (e == NULL || json_array_append_new(a, e) != 0) {
                *ok = false;
            }
        }
        put(o, "enum", a, ok);
    }
    if (f->cal_offset != 0 || f->cal_scale != 0) {
        json_t *c = json_object();
        put(c, "offset", json_real(f->cal_offset), ok);
        put(c, "scale", json_real(f->cal_scale), ok);
        put(o, "calibration", c, ok);
    }
    return o;
}

static json_t *fields_json(const ilrs_dict_field_t *fields, size_t count, bool *ok)
{
    json_t *a = json_array();
    if (a == NULL) {
        *ok = false;
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        json_t *f = field_json(&fields[i], ok);
        if (f == NULL || json_array_append_new(a, f) != 0) {
            *ok = false;
        }
    }
    return a;
}

static json_t *dict_json(const ilrs_dict_t *dict)
{
    bool ok = true;
    json_t *root = json_object();
    if (root == NULL) {
        return NULL;
    }
    put(root, "format", json_string(FORMAT_NAME), &ok);
    put(root, "version", json_integer(FORMAT_VERSION), &ok);

    json_t *partners = json_array();
    for (size_t i = 0; i < dict->partners.count && partners != NULL; i++) {
        const ilrs_dict_partner_t *p = dict->partners.items[i];
        json_t *o = json_object();
        put(o, "id", json_string(p->id), &ok);
        put(o, "name", json_string(p->name), &ok);
        if (o == NULL || json_array_append_new(partners, o) != 0) {
            ok = false;
        }
    }
    put(root, "partners", partners, &ok);

    json_t *packets = json_array();
    for (size_t i = 0; i < dict->packets.count && packets != NULL; i++) {
        const ilrs_dict_packet_t *p = dict->packets.items[i];
        json_t *o = json_object();
        put(o, "name", json_string(p->name), &ok);
        put(o, "apid", json_integer(p->apid), &ok);
        put(o, "owner", json_string(p->owner), &ok);
        put_text(o, "app", p->app, &ok);
        put_text(o, "description", p->description, &ok);
        put(o, "length", json_integer(p->length), &ok);
        put(o, "fields", fields_json(p->fields, p->field_count, &ok), &ok);
        if (o == NULL || json_array_append_new(packets, o) != 0) {
            ok = false;
        }
    }
    put(root, "packets", packets, &ok);

    json_t *commands = json_array();
    for (size_t i = 0; i < dict->commands.count && commands != NULL; i++) {
        const ilrs_dict_command_t *c = dict->commands.items[i];
        json_t *o = json_object();
        put(o, "name", json_string(c->name), &ok);
        put(o, "apid", json_integer(c->apid), &ok);
        put(o, "function_code", json_integer(c->function_code), &ok);
        put(o, "owner", json_string(c->owner), &ok);
        put_text(o, "app", c->app, &ok);
        put_text(o, "description", c->description, &ok);
        put(o, "length", json_integer(c->length), &ok);
        put(o, "args", fields_json(c->args, c->arg_count, &ok), &ok);
        if (o == NULL || json_array_append_new(commands, o) != 0) {
            ok = false;
        }
    }
    put(root, "commands", commands, &ok);

    json_t *events = json_array();
    for (size_t i = 0; i < dict->events.count && events != NULL; i++) {
        const ilrs_dict_event_t *e = dict->events.items[i];
        json_t *o = json_object();
        put(o, "app", json_string(e->app), &ok);
        put(o, "id", json_integer(e->id), &ok);
        put(o, "name", json_string(e->name), &ok);
        put(o, "severity", json_string(severity_names[e->severity]), &ok);
        put_text(o, "format", e->format, &ok);
        put_text(o, "description", e->description, &ok);
        if (o == NULL || json_array_append_new(events, o) != 0) {
            ok = false;
        }
    }
    put(root, "events", events, &ok);
    if (!ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

char *ilrs__dict_json_text(const ilrs_dict_t *dict, size_t *len)
{
    *len = 0;
    json_t *root = dict_json(dict);
    if (root == NULL) {
        return NULL;
    }
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (text == NULL) {
        return NULL;
    }
    size_t n = strlen(text);
    char *with_newline = realloc(text, n + 2);
    if (with_newline == NULL) {
        free(text);
        return NULL;
    }
    with_newline[n] = '\n';
    with_newline[n + 1] = '\0';
    *len = n + 1;
    return with_newline;
}

int ilrs_dict_write_json(const ilrs_dict_t *dict, FILE *out)
{
    if (dict == NULL || out == NULL) {
        return ILRS_EINVAL;
    }
    size_t len;
    char *text = ilrs__dict_json_text(dict, &len);
    if (text == NULL) {
        return ILRS_ENOMEM;
    }
    int rc = 0;
    if (fwrite(text, 1, len, out) != len || fflush(out) != 0) {
        rc = ILRS_EIO;
    }
    free(text);
    return rc;
}

uint32_t ilrs_dict_fingerprint(const ilrs_dict_t *dict)
{
    if (dict == NULL) {
        return 0;
    }
    size_t len;
    char *text = ilrs__dict_json_text(dict, &len);
    if (text == NULL) {
        return 0;
    }
    uint32_t crc = ilrs_crc32(0, text, len);
    free(text);
    return crc;
}

/* ---- reading ---------------------------------------------------------------------- */

typedef struct reader {
    ilrs_dict_t *dict;
    char *error;
    size_t error_cap;
} reader_t;

static int fail(reader_t *r, int rc, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(reader_t *r, int rc, const char *path, const char *fmt, ...)
{
    char msg[ILRS__DICT_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ilrs__dict_errf(r->error, r->error_cap, "%s%s%s", path, path[0] != '\0' ? ": " : "", msg);
    return rc;
}

static const char *kind_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a real";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

/* Every key of @p obj must be in the NULL-terminated @p allowed list. */
static int check_keys(reader_t *r, const json_t *obj, const char *path, const char *const *allowed)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        (void)value;
        bool known = false;
        for (size_t i = 0; allowed[i] != NULL; i++) {
            if (strcmp(key, allowed[i]) == 0) {
                known = true;
                break;
            }
        }
        if (!known) {
            char sub[PATH_MAX_LEN];
            ilrs__dict_errf(sub, sizeof sub, "%s%s%.40s", path, path[0] != '\0' ? "." : "", key);
            return fail(r, ILRS_EFORMAT, sub, "unknown key");
        }
    }
    return 0;
}

static void sub_path(char *out, size_t cap, const char *path, const char *key)
{
    ilrs__dict_errf(out, cap, "%s%s%s", path, path[0] != '\0' ? "." : "", key);
}

static int get_string(reader_t *r, const json_t *obj, const char *path, const char *key,
                      bool required, const char **out)
{
    char sub[PATH_MAX_LEN];
    sub_path(sub, sizeof sub, path, key);
    *out = NULL;
    const json_t *v = json_object_get(obj, key);
    if (v == NULL) {
        return required ? fail(r, ILRS_EFORMAT, sub, "missing") : 0;
    }
    if (!json_is_string(v)) {
        return fail(r, ILRS_EFORMAT, sub, "must be a string, not %s", kind_name(v));
    }
    *out = json_string_value(v);
    return 0;
}

static int get_int(reader_t *r, const json_t *obj, const char *path, const char *key, bool required,
                   int64_t lo, int64_t hi, int64_t *out, bool *present)
{
    char sub[PATH_MAX_LEN];
    sub_path(sub, sizeof sub, path, key);
    *out = 0;
    if (present != NULL) {
        *present = false;
    }
    const json_t *v = json_object_get(obj, key);
    if (v == NULL) {
        return required ? fail(r, ILRS_EFORMAT, sub, "missing") : 0;
    }
    if (!json_is_integer(v)) {
        return fail(r, ILRS_EFORMAT, sub, "must be an integer, not %s", kind_name(v));
    }
    json_int_t i = json_integer_value(v);
    if (i < lo || i > hi) {
        return fail(r, ILRS_EFORMAT, sub, "%lld outside %lld..%lld", (long long)i, (long long)lo,
                    (long long)hi);
    }
    *out = (int64_t)i;
    if (present != NULL) {
        *present = true;
    }
    return 0;
}

static int get_number(reader_t *r, const json_t *obj, const char *path, const char *key,
                      double *out)
{
    char sub[PATH_MAX_LEN];
    sub_path(sub, sizeof sub, path, key);
    *out = 0;
    const json_t *v = json_object_get(obj, key);
    if (v == NULL) {
        return fail(r, ILRS_EFORMAT, sub, "missing");
    }
    if (!json_is_number(v)) {
        return fail(r, ILRS_EFORMAT, sub, "must be a number, not %s", kind_name(v));
    }
    *out = json_number_value(v);
    return 0;
}

static int get_array(reader_t *r, const json_t *obj, const char *path, const char *key,
                     bool required, const json_t **out)
{
    char sub[PATH_MAX_LEN];
    sub_path(sub, sizeof sub, path, key);
    *out = NULL;
    const json_t *v = json_object_get(obj, key);
    if (v == NULL) {
        return required ? fail(r, ILRS_EFORMAT, sub, "missing") : 0;
    }
    if (!json_is_array(v)) {
        return fail(r, ILRS_EFORMAT, sub, "must be an array, not %s", kind_name(v));
    }
    *out = v;
    return 0;
}

static int get_object(reader_t *r, const json_t *v, const char *path)
{
    if (!json_is_object(v)) {
        return fail(r, ILRS_EFORMAT, path, "must be an object, not %s", kind_name(v));
    }
    return 0;
}

/* Read one field; enums are malloc'd into f->enums (caller frees). */
static int read_field(reader_t *r, const json_t *o, const char *path, ilrs_dict_field_t *f,
                      bool *has_offset)
{
    static const char *const keys[] = {"name", "type",        "length", "offset",
                                       "unit", "description", "range",  "limits",
                                       "enum", "calibration", NULL};
    static const char *const range_keys[] = {"min", "max", NULL};
    static const char *const limit_keys[] = {"crit_low", "warn_low", "warn_high", "crit_high",
                                             NULL};
    static const char *const enum_keys[] = {"value", "label", NULL};
    static const char *const cal_keys[] = {"offset", "scale", NULL};
    char sub[PATH_MAX_LEN];
    int rc;
    memset(f, 0, sizeof *f);
    if ((rc = get_object(r, o, path)) != 0 || (rc = check_keys(r, o, path, keys)) != 0) {
        return rc;
    }
    const char *type = NULL;
    int64_t i64 = 0;
    if ((rc = get_string(r, o, path, "name", true, &f->name)) != 0 ||
        (rc = get_string(r, o, path, "type", true, &type)) != 0) {
        return rc;
    }
    f->type = ilrs__dict_type_parse(type);
    if (f->type == ILRS_DICT_TYPE_COUNT) {
        sub_path(sub, sizeof sub, path, "type");
        return fail(r, ILRS_EFORMAT, sub, "unknown type '%.32s'", type);
    }
    if ((rc = get_int(r, o, path, "length", false, 1, UINT16_MAX, &i64, NULL)) != 0) {
        return rc;
    }
    f->length = (uint16_t)i64;
    if ((rc = get_int(r, o, path, "offset", false, 0, ILRS_CCSDS_MAX_PACKET_LEN, &i64,
                      has_offset)) != 0) {
        return rc;
    }
    f->offset = (uint32_t)i64;
    if ((rc = get_string(r, o, path, "unit", false, &f->unit)) != 0 ||
        (rc = get_string(r, o, path, "description", false, &f->description)) != 0) {
        return rc;
    }
    const json_t *v = json_object_get(o, "range");
    if (v != NULL) {
        sub_path(sub, sizeof sub, path, "range");
        if ((rc = get_object(r, v, sub)) != 0 || (rc = check_keys(r, v, sub, range_keys)) != 0 ||
            (rc = get_number(r, v, sub, "min", &f->min)) != 0 ||
            (rc = get_number(r, v, sub, "max", &f->max)) != 0) {
            return rc;
        }
        f->has_range = true;
    }
    v = json_object_get(o, "limits");
    if (v != NULL) {
        sub_path(sub, sizeof sub, path, "limits");
        if ((rc = get_object(r, v, sub)) != 0 || (rc = check_keys(r, v, sub, limit_keys)) != 0 ||
            (rc = get_number(r, v, sub, "crit_low", &f->crit_low)) != 0 ||
            (rc = get_number(r, v, sub, "warn_low", &f->warn_low)) != 0 ||
            (rc = get_number(r, v, sub, "warn_high", &f->warn_high)) != 0 ||
            (rc = get_number(r, v, sub, "crit_high", &f->crit_high)) != 0) {
            return rc;
        }
        f->has_limits = true;
    }
    v = json_object_get(o, "calibration");
    if (v != NULL) {
        sub_path(sub, sizeof sub, path, "calibration");
        if ((rc = get_object(r, v, sub)) != 0 || (rc = check_keys(r, v, sub, cal_keys)) != 0 ||
            (rc = get_number(r, v, sub, "offset", &f->cal_offset)) != 0 ||
            (rc = get_number(r, v, sub, "scale", &f->cal_scale)) != 0) {
            return rc;
        }
    }
    const json_t *enums = NULL;
    if ((rc = get_array(r, o, path, "enum", false, &enums)) != 0) {
        return rc;
    }
    if (enums != NULL && json_array_size(enums) > 0) {
        size_t n = json_array_size(enums);
        ilrs_dict_enum_t *e = calloc(n, sizeof *e);
        if (e == NULL) {
            return fail(r, ILRS_ENOMEM, path, "out of memory");
        }
        f->enums = e;
        f->enum_count = n;
        for (size_t i = 0; i < n; i++) {
            const json_t *item = json_array_get(enums, i);
            ilrs__dict_errf(sub, sizeof sub, "%s.enum[%zu]", path, i);
            if ((rc = get_object(r, item, sub)) != 0 ||
                (rc = check_keys(r, item, sub, enum_keys)) != 0 ||
                (rc = get_int(r, item, sub, "value", true, INT64_MIN, INT64_MAX, &e[i].value,
                              NULL)) != 0 ||
                (rc = get_string(r, item, sub, "label", true, &e[i].label)) != 0) {
                return rc;
            }
        }
    }
    return 0;
}

static void free_read_fields(ilrs_dict_field_t *fields, size_t count)
{
    if (fields == NULL) {
        return;
    }
    for (size_t i = 0; i < count; i++) {
        free((void *)fields[i].enums);
    }
    free(fields);
}

/* Read a field list into a malloc'd array (caller frees with free_read_fields). */
static int read_fields(reader_t *r, const json_t *array, const char *path, ilrs_dict_field_t **out,
                       size_t *count, bool **has_offset)
{
    *out = NULL;
    *count = 0;
    *has_offset = NULL;
    size_t n = json_array_size(array);
    if (n == 0) {
        return 0;
    }
    ilrs_dict_field_t *fields = calloc(n, sizeof *fields);
    bool *offsets = calloc(n, sizeof *offsets);
    if (fields == NULL || offsets == NULL) {
        free(fields);
        free(offsets);
        return fail(r, ILRS_ENOMEM, path, "out of memory");
    }
    *out = fields;
    *has_offset = offsets;
    for (size_t i = 0; i < n; i++) {
        char sub[PATH_MAX_LEN];
        ilrs__dict_errf(sub, sizeof sub, "%s[%zu]", path, i);
        int rc = read_field(r, json_array_get(array, i), sub, &fields[i], &offsets[i]);
        *count = i + 1;
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

/* Offsets and lengths in the file, when given, must match what the dictionary computed. */
static int check_layout(reader_t *r, const char *path, const char *list,
                        const ilrs_dict_field_t *stored, const ilrs_dict_field_t *read,
                        const bool *has_offset, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (has_offset[i] && read[i].offset != stored[i].offset) {
            char sub[PATH_MAX_LEN];
            ilrs__dict_errf(sub, sizeof sub, "%s.%s[%zu].offset", path, list, i);
            return fail(r, ILRS_EFORMAT, sub, "%u disagrees with the computed %u",
                        (unsigned)read[i].offset, (unsigned)stored[i].offset);
        }
    }
    return 0;
}

static int read_partners(reader_t *r, const json_t *array)
{
    static const char *const keys[] = {"id", "name", NULL};
    for (size_t i = 0; i < json_array_size(array); i++) {
        char path[PATH_MAX_LEN];
        char err[ILRS__DICT_ERR_MAX];
        snprintf(path, sizeof path, "partners[%zu]", i);
        const json_t *o = json_array_get(array, i);
        ilrs_dict_partner_t p = {0};
        int rc;
        if ((rc = get_object(r, o, path)) != 0 || (rc = check_keys(r, o, path, keys)) != 0 ||
            (rc = get_string(r, o, path, "id", true, &p.id)) != 0 ||
            (rc = get_string(r, o, path, "name", true, &p.name)) != 0) {
            return rc;
        }
        if (strcmp(p.id, ILRS_DICT_OWNER_STATION) == 0) {
            rc = ilrs__dict_rename_partner(r->dict, p.id, p.name, err, sizeof err);
        } else {
            rc = ilrs__dict_add_partner(r->dict, &p, err, sizeof err);
        }
        if (rc != 0) {
            return fail(r, rc, path, "%s", err);
        }
    }
    return 0;
}

/* An optional "length" in the JSON must equal the length the dictionary computed. */
static int check_length(reader_t *r, const char *path, bool has_length, int64_t length,
                        uint32_t computed)
{
    if (!has_length || (uint32_t)length == computed) {
        return 0;
    }
    char sub[PATH_MAX_LEN];
    ilrs__dict_errf(sub, sizeof sub, "%s.length", path);
    return fail(r, ILRS_EFORMAT, sub, "%lld disagrees with the computed %u", (long long)length,
                (unsigned)computed);
}

static int read_packets(reader_t *r, const json_t *array)
{
    static const char *const keys[] = {"name",        "apid",   "owner",  "app",
                                       "description", "length", "fields", NULL};
    int rc = 0;
    for (size_t i = 0; i < json_array_size(array) && rc == 0; i++) {
        char path[PATH_MAX_LEN];
        char sub[PATH_MAX_LEN];
        char err[ILRS__DICT_ERR_MAX];
        snprintf(path, sizeof path, "packets[%zu]", i);
        const json_t *o = json_array_get(array, i);
        ilrs_dict_packet_t p = {0};
        ilrs_dict_field_t *fields = NULL;
        size_t count = 0;
        bool *has_offset = NULL;
        const json_t *list = NULL;
        int64_t apid = 0, length = 0;
        bool has_length = false;
        const ilrs_dict_packet_t *stored = NULL;
        if ((rc = get_object(r, o, path)) != 0 || (rc = check_keys(r, o, path, keys)) != 0 ||
            (rc = get_string(r, o, path, "name", true, &p.name)) != 0 ||
            (rc = get_int(r, o, path, "apid", true, 0, ILRS_CCSDS_APID_MAX, &apid, NULL)) != 0 ||
            (rc = get_string(r, o, path, "owner", true, &p.owner)) != 0 ||
            (rc = get_string(r, o, path, "app", false, &p.app)) != 0 ||
            (rc = get_string(r, o, path, "description", false, &p.description)) != 0 ||
            (rc = get_int(r, o, path, "length", false, 0, ILRS_CCSDS_MAX_PACKET_LEN, &length,
                          &has_length)) != 0 ||
            (rc = get_array(r, o, path, "fields", true, &list)) != 0) {
            goto out_free;
        }
        ilrs__dict_errf(sub, sizeof sub, "%s.fields", path);
        if ((rc = read_fields(r, list, sub, &fields, &count, &has_offset)) != 0) {
            goto out_free;
        }
        p.apid = (uint16_t)apid;
        p.fields = fields;
        p.field_count = count;
        rc = ilrs__dict_add_packet(r->dict, &p, &stored, err, sizeof err);
        if (rc != 0) {
            rc = fail(r, rc, path, "%s", err);
            goto out_free;
        }
        if ((rc = check_length(r, path, has_length, length, stored->length)) != 0) {
            goto out_free;
        }
        rc = check_layout(r, path, "fields", stored->fields, fields, has_offset, count);
    out_free:
        free_read_fields(fields, count);
        free(has_offset);
    }
    return rc;
}

static int read_commands(reader_t *r, const json_t *array)
{
    static const char *const keys[] = {"name",        "apid",   "function_code", "owner", "app",
                                       "description", "length", "args",          NULL};
    int rc = 0;
    for (size_t i = 0; i < json_array_size(array) && rc == 0; i++) {
        char path[PATH_MAX_LEN];
        char sub[PATH_MAX_LEN];
        char err[ILRS__DICT_ERR_MAX];
        snprintf(path, sizeof path, "commands[%zu]", i);
        const json_t *o = json_array_get(array, i);
        ilrs_dict_command_t c = {0};
        ilrs_dict_field_t *args = NULL;
        size_t count = 0;
        bool *has_offset = NULL;
        const json_t *list = NULL;
        int64_t apid = 0, fc = 0, length = 0;
        bool has_length = false;
        const ilrs_dict_command_t *stored = NULL;
        if ((rc = get_object(r, o, path)) != 0 || (rc = check_keys(r, o, path, keys)) != 0 ||
            (rc = get_string(r, o, path, "name", true, &c.name)) != 0 ||
            (rc = get_int(r, o, path, "apid", true, 0, ILRS_CCSDS_APID_MAX, &apid, NULL)) != 0 ||
            (rc = get_int(r, o, path, "function_code", true, 0, 127, &fc, NULL)) != 0 ||
            (rc = get_string(r, o, path, "owner", true, &c.owner)) != 0 ||
            (rc = get_string(r, o, path, "app", false, &c.app)) != 0 ||
            (rc = get_string(r, o, path, "description", false, &c.description)) != 0 ||
            (rc = get_int(r, o, path, "length", false, 0, ILRS_CCSDS_MAX_PACKET_LEN, &length,
                          &has_length)) != 0 ||
            (rc = get_array(r, o, path, "args", true, &list)) != 0) {
            goto out_free;
        }
        ilrs__dict_errf(sub, sizeof sub, "%s.args", path);
        if ((rc = read_fields(r, list, sub, &args, &count, &has_offset)) != 0) {
            goto out_free;
        }
        c.apid = (uint16_t)apid;
        c.function_code = (uint8_t)fc;
        c.args = args;
        c.arg_count = count;
        rc = ilrs__dict_add_command(r->dict, &c, &stored, err, sizeof err);
        if (rc != 0) {
            rc = fail(r, rc, path, "%s", err);
            goto out_free;
        }
        if ((rc = check_length(r, path, has_length, length, stored->length)) != 0) {
            goto out_free;
        }
        rc = check_layout(r, path, "args", stored->args, args, has_offset, count);
    out_free:
        free_read_fields(args, count);
        free(has_offset);
    }
    return rc;
}

static int read_events(reader_t *r, const json_t *array)
{
    static const char *const keys[] = {"app",    "id",          "name", "severity",
                                       "format", "description", NULL};
    for (size_t i = 0; i < json_array_size(array); i++) {
        char path[PATH_MAX_LEN];
        char err[ILRS__DICT_ERR_MAX];
        snprintf(path, sizeof path, "events[%zu]", i);
        const json_t *o = json_array_get(array, i);
        ilrs_dict_event_t e = {0};
        const char *severity = NULL;
        int64_t id = 0;
        int rc;
        if ((rc = get_object(r, o, path)) != 0 || (rc = check_keys(r, o, path, keys)) != 0 ||
            (rc = get_string(r, o, path, "app", true, &e.app)) != 0 ||
            (rc = get_int(r, o, path, "id", true, 0, UINT16_MAX, &id, NULL)) != 0 ||
            (rc = get_string(r, o, path, "name", true, &e.name)) != 0 ||
            (rc = get_string(r, o, path, "severity", true, &severity)) != 0 ||
            (rc = get_string(r, o, path, "format", false, &e.format)) != 0 ||
            (rc = get_string(r, o, path, "description", false, &e.description)) != 0) {
            return rc;
        }
        e.id = (uint16_t)id;
        size_t s = 0;
        while (s < 4 && strcmp(severity, severity_names[s]) != 0) {
            s++;
        }
        if (s == 4) {
            char sub[PATH_MAX_LEN];
            sub_path(sub, sizeof sub, path, "severity");
            return fail(r, ILRS_EFORMAT, sub,
                        "unknown severity '%.32s' (debug, info, error or critical)", severity);
        }
        e.severity = (ilrs_event_severity_t)s;
        rc = ilrs__dict_add_event(r->dict, &e, err, sizeof err);
        if (rc != 0) {
            return fail(r, rc, path, "%s", err);
        }
    }
    return 0;
}

static int read_root(reader_t *r, const json_t *root)
{
    static const char *const keys[] = {"format",   "version", "partners", "packets",
                                       "commands", "events",  NULL};
    const char *format = NULL;
    int64_t version = 0;
    const json_t *partners = NULL, *packets = NULL, *commands = NULL, *events = NULL;
    int rc;
    if ((rc = get_object(r, root, "(root)")) != 0 || (rc = check_keys(r, root, "", keys)) != 0 ||
        (rc = get_string(r, root, "", "format", true, &format)) != 0) {
        return rc;
    }
    if (strcmp(format, FORMAT_NAME) != 0) {
        return fail(r, ILRS_EFORMAT, "format", "'%.40s', expected '%s'", format, FORMAT_NAME);
    }
    if ((rc = get_int(r, root, "", "version", true, FORMAT_VERSION, FORMAT_VERSION, &version,
                      NULL)) != 0 ||
        (rc = get_array(r, root, "", "partners", true, &partners)) != 0 ||
        (rc = get_array(r, root, "", "packets", true, &packets)) != 0 ||
        (rc = get_array(r, root, "", "commands", true, &commands)) != 0 ||
        (rc = get_array(r, root, "", "events", true, &events)) != 0) {
        return rc;
    }
    if ((rc = read_partners(r, partners)) != 0 || (rc = read_packets(r, packets)) != 0 ||
        (rc = read_commands(r, commands)) != 0 || (rc = read_events(r, events)) != 0) {
        return rc;
    }
    return 0;
}

int ilrs_dict_parse_json(const char *text, size_t len, ilrs_dict_t **out, char *error,
                         size_t error_cap)
{
    *out = NULL;
    if (error != NULL && error_cap > 0) {
        error[0] = '\0';
    }
    if (text == NULL && len > 0) {
        ilrs__dict_errf(error, error_cap, "no text");
        return ILRS_EINVAL;
    }
    json_error_t jerr;
    json_t *root = json_loadb(text != NULL ? text : "", len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        ilrs__dict_errf(error, error_cap, "line %d column %d: %s", jerr.line, jerr.column,
                        jerr.text);
        return ILRS_EFORMAT;
    }
    reader_t r = {NULL, error, error_cap};
    int rc = ilrs_dict_create(&r.dict);
    if (rc != 0) {
        ilrs__dict_errf(error, error_cap, "out of memory");
        goto out_root;
    }
    rc = read_root(&r, root);
    if (rc != 0) {
        ilrs_dict_destroy(r.dict);
        goto out_root;
    }
    *out = r.dict;
out_root:
    json_decref(root);
    return rc;
}

int ilrs_dict_read_json(const char *path, ilrs_dict_t **out, char *error, size_t error_cap)
{
    *out = NULL;
    if (error != NULL && error_cap > 0) {
        error[0] = '\0';
    }
    if (path == NULL) {
        ilrs__dict_errf(error, error_cap, "no path");
        return ILRS_EINVAL;
    }
    int rc = 0;
    char *text = NULL;
    size_t len = 0, cap = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        ilrs__dict_errf(error, error_cap, "%s: %s", path, strerror(errno));
        return ILRS_EIO;
    }
    for (;;) {
        if (len == cap) {
            size_t ncap = cap == 0 ? 65536 : cap * 2;
            char *ntext = realloc(text, ncap);
            if (ntext == NULL) {
                ilrs__dict_errf(error, error_cap, "%s: out of memory", path);
                rc = ILRS_ENOMEM;
                goto out_close;
            }
            text = ntext;
            cap = ncap;
        }
        size_t n = fread(text + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            break;
        }
    }
    if (ferror(f)) {
        ilrs__dict_errf(error, error_cap, "%s: read error", path);
        rc = ILRS_EIO;
        goto out_close;
    }
    char inner[ILRS__DICT_ERR_MAX + 64];
    rc = ilrs_dict_parse_json(text, len, out, inner, sizeof inner);
    if (rc != 0) {
        ilrs__dict_errf(error, error_cap, "%s: %s", path, inner);
    }
out_close:
    free(text);
    fclose(f);
    return rc;
}
