/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private helpers shared by the station apps (src/apps/<app>/): event and HK
 * counter registration from tables, command argument access, and sending a
 * command to another app through the command ingest (so it is checked against
 * the dictionary like a ground command). Only public headers are used: the apps
 * see the framework exactly as a partner's app would.
 */
#ifndef ILRS_APPS_INT_H
#define ILRS_APPS_INT_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <ilrs/apps.h>
#include <ilrs/dict.h>
#include <ilrs/fsw.h>
#include <ilrs/hal.h>

#define APPS_COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct apps_event {
    uint16_t id;
    const char *name;
    ilrs_event_severity_t severity;
    const char *format;
    const char *description;
} apps_event_t;

static inline int apps_register_events(ilrs_app_t *app, const apps_event_t *ev, size_t n)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = ilrs_app_register_event(app, ev[i].id, ev[i].name, ev[i].severity, ev[i].format,
                                     ev[i].description);
    }
    return rc;
}

typedef struct apps_counter {
    const char *name;
    const char *unit;
    ilrs_dict_type_t type;
    const void *value;
} apps_counter_t;

static inline int apps_hk_counters(ilrs_app_t *app, const apps_counter_t *c, size_t n)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = ilrs_app_hk_counter(app, c[i].name, c[i].unit, c[i].type, c[i].value);
    }
    return rc;
}

/* A registered command: its dictionary definition (for argument offsets). */
static inline int apps_command(ilrs_app_t *app, const char *name, uint8_t fc,
                               const char *description, const ilrs_dict_field_t *args,
                               size_t arg_count, ilrs_app_cmd_fn fn,
                               const ilrs_dict_command_t **stored)
{
    ilrs_dict_command_t c = {.name = name,
                             .function_code = fc,
                             .description = description,
                             .args = args,
                             .arg_count = arg_count};
    return ilrs_app_register_command(app, &c, fn, stored);
}

/* Argument @p i of a command already checked by the dictionary. */
static inline int64_t apps_arg_int(const ilrs_dict_command_t *c, size_t i, const uint8_t *pkt,
                                   size_t len)
{
    int64_t v = 0;
    if (c != NULL && i < c->arg_count) {
        (void)ilrs_dict_get_int(&c->args[i], pkt, len, &v);
    }
    return v;
}

static inline double apps_arg_real(const ilrs_dict_command_t *c, size_t i, const uint8_t *pkt,
                                   size_t len)
{
    double v = 0;
    if (c != NULL && i < c->arg_count) {
        (void)ilrs_dict_get_raw(&c->args[i], pkt, len, &v);
    }
    return v;
}

/* A STRING argument, NUL-terminated into @p out (the dictionary checked termination). */
static inline void apps_arg_string(const ilrs_dict_command_t *c, size_t i, const uint8_t *pkt,
                                   size_t len, char *out, size_t cap)
{
    out[0] = '\0';
    if (c == NULL || i >= c->arg_count || cap == 0) {
        return;
    }
    const ilrs_dict_field_t *f = &c->args[i];
    if ((size_t)f->offset + f->length > len) {
        return;
    }
    size_t n = f->length < cap - 1 ? f->length : cap - 1;
    memcpy(out, pkt + f->offset, n);
    out[n] = '\0';
}

/*
 * Send command @p name (text arguments as a user types them) through the flight
 * instance's command ingest: built from the dictionary definition, then checked
 * and routed like any ground command.
 */
static inline int apps_send(ilrs_app_t *app, const char *name, const char *const *args, size_t n)
{
    ilrs_fsw_t *fsw = ilrs_app_fsw(app);
    if (fsw == NULL) {
        return ILRS_EINVAL;
    }
    const ilrs_dict_command_t *c = ilrs_dict_find_command_by_name(ilrs_fsw_dict(fsw), name);
    if (c == NULL) {
        return ILRS_EFSW_CMD;
    }
    uint8_t buf[256];
    size_t len = 0;
    int rc = ilrs_dict_build_command(c, args, n, buf, sizeof buf, &len, NULL, 0);
    if (rc == 0) {
        rc = ilrs_fsw_command(fsw, buf, len);
    }
    return rc;
}

/* Resolve a hal device by name; "" is "none" (id UINT16_MAX, returns 0). */
static inline int apps_find(ilrs_hal_t *hal, ilrs_hal_kind_t kind, const char *name, uint16_t *id)
{
    *id = UINT16_MAX;
    if (name == NULL || name[0] == '\0') {
        return 0;
    }
    return ilrs_hal_find(hal, kind, name, id);
}

/* Whether @p s is a dictionary name ([A-Za-z][A-Za-z0-9_]*, 1..max-1 chars). */
static inline bool apps_name_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n >= max || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_')) {
            return false;
        }
    }
    return true;
}

/* Seconds between two onboard times. */
static inline double apps_seconds(ilrs_tai_t later, ilrs_tai_t earlier)
{
    return (double)(later - earlier) * 1e-9;
}

#endif
