// SPDX-License-Identifier: Apache-2.0
// Housekeeping: apps register counters (name, unit, type, pointer); at start the
// framework turns them, after the standard fields, into the app's "<APP>_HK"
// packet in the dictionary, and fills and publishes it on request of the HK app.
// The packet is written field by field at the offsets the dictionary computed,
// with direct big-endian stores (the dictionary's generic setter goes through
// double, which cannot hold every u64/i64 exactly).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsw/fsw_int.h"

static const ilrs_dict_enum_t state_enums[] = {
    {ILRS_APP_REGISTERED, "REGISTERED"},
    {ILRS_APP_RUNNING, "RUNNING"},
    {ILRS_APP_RESTARTING, "RESTARTING"},
    {ILRS_APP_DISABLED, "DISABLED"},
};

/* The standard fields, in packet order (FSW_HK_STD_FIELDS of them). */
static const ilrs_dict_field_t std_fields[FSW_HK_STD_FIELDS] = {
    {.name = "cmd_accepted", .type = ILRS_DICT_U32, .description = "commands accepted"},
    {.name = "cmd_rejected", .type = ILRS_DICT_U32, .description = "commands rejected by the app"},
    {.name = "steps", .type = ILRS_DICT_U64, .description = "steps run"},
    {.name = "failures", .type = ILRS_DICT_U32, .description = "failed steps and inits"},
    {.name = "restarts", .type = ILRS_DICT_U32, .description = "restarts"},
    {.name = "overruns",
     .type = ILRS_DICT_U32,
     .description = "steps over budget (wall-clock mode only)"},
    {.name = "state",
     .type = ILRS_DICT_U8,
     .description = "app state",
     .enums = state_enums,
     .enum_count = 4},
    {.name = "exec_mean_us",
     .type = ILRS_DICT_F32,
     .unit = "us",
     .description = "mean step execution time (0 in virtual-time mode)"},
    {.name = "exec_max_us",
     .type = ILRS_DICT_F32,
     .unit = "us",
     .description = "longest step execution time (0 in virtual-time mode)"},
};

static bool type_numeric(ilrs_dict_type_t t)
{
    return t <= ILRS_DICT_BOOL;
}

static bool field_name_valid(const char *name)
{
    if (name == NULL ||
        !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'))) {
        return false;
    }
    size_t n = 0;
    for (const char *p = name; *p != '\0'; p++, n++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                  (*p >= '0' && *p <= '9') || *p == '_';
        if (!ok || n + 1 >= ILRS_DICT_NAME_MAX) {
            return false;
        }
    }
    for (size_t i = 0; i < FSW_HK_STD_FIELDS; i++) {
        if (strcmp(name, std_fields[i].name) == 0) {
            return false;
        }
    }
    return true;
}

int ilrs_app_hk_counter(ilrs_app_t *app, const char *name, const char *unit, ilrs_dict_type_t type,
                        const void *value)
{
    if (app == NULL || value == NULL || !type_numeric(type) || !field_name_valid(name) ||
        (unit != NULL && strlen(unit) >= sizeof app->counters[0].unit)) {
        return ILRS_EINVAL;
    }
    for (uint32_t i = 0; i < app->counter_count; i++) {
        fsw_counter_t *c = &app->counters[i];
        if (strcmp(c->name, name) == 0) {
            if (c->type != type) {
                return ILRS_EINVAL;
            }
            c->value = value; /* re-registration after a restart */
            return 0;
        }
    }
    if (app->hk_def != NULL) {
        return ILRS_ESTATE; /* the packet layout is fixed once defined */
    }
    if (app->counter_count >= FSW_APP_MAX_COUNTERS) {
        return ILRS_ELIMIT;
    }
    fsw_counter_t *c = &app->counters[app->counter_count++];
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->unit, sizeof c->unit, "%s", unit != NULL ? unit : "");
    c->type = type;
    c->value = value;
    return 0;
}

const ilrs_dict_packet_t *ilrs_app_hk_packet(const ilrs_app_t *app)
{
    return app->hk_def;
}

int ilrs__hk_define(ilrs_fsw_t *fsw, ilrs_app_t *app)
{
    if (app->hk_def != NULL) {
        return 0;
    }
    ilrs_dict_field_t fields[FSW_HK_STD_FIELDS + FSW_APP_MAX_COUNTERS];
    memcpy(fields, std_fields, sizeof std_fields);
    for (uint32_t i = 0; i < app->counter_count; i++) {
        const fsw_counter_t *c = &app->counters[i];
        fields[FSW_HK_STD_FIELDS + i] = (ilrs_dict_field_t){
            .name = c->name, .type = c->type, .unit = c->unit, .description = "app counter"};
    }
    char name[ILRS_DICT_NAME_MAX];
    snprintf(name, sizeof name, "%s_HK", app->name);
    char description[96];
    snprintf(description, sizeof description, "housekeeping of %s",
             app->def.description != NULL ? app->def.description : app->name);
    ilrs_dict_packet_t p = {.name = name,
                            .apid = app->apid,
                            .owner = ILRS_DICT_OWNER_STATION,
                            .app = app->name,
                            .description = description,
                            .fields = fields,
                            .field_count = FSW_HK_STD_FIELDS + app->counter_count};
    const ilrs_dict_packet_t *stored = NULL;
    int rc = ilrs_dict_add_packet(fsw->dict, &p, &stored);
    if (rc != 0) {
        return rc;
    }
    app->hk_packet = calloc(1, stored->length);
    if (app->hk_packet == NULL) {
        return ILRS_ENOMEM;
    }
    app->hk_def = stored;
    return 0;
}

/* Store a value of @p type at @p p, big-endian. Integers arrive as 64 bits. */
static void put_int(uint8_t *p, ilrs_dict_type_t type, uint64_t v)
{
    switch (type) {
    case ILRS_DICT_U8:
    case ILRS_DICT_I8:
    case ILRS_DICT_BOOL:
        p[0] = (uint8_t)v;
        break;
    case ILRS_DICT_U16:
    case ILRS_DICT_I16:
        ilrs_put_be16(p, (uint16_t)v);
        break;
    case ILRS_DICT_U32:
    case ILRS_DICT_I32:
        ilrs_put_be32(p, (uint32_t)v);
        break;
    default:
        ilrs_put_be64(p, v);
        break;
    }
}

static void put_f32(uint8_t *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    ilrs_put_be32(p, u);
}

static void put_f64(uint8_t *p, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    ilrs_put_be64(p, u);
}

/* Read a counter through its pointer and store it. */
static void put_counter(uint8_t *p, const fsw_counter_t *c)
{
    switch (c->type) {
    case ILRS_DICT_U8:
        p[0] = *(const uint8_t *)c->value;
        break;
    case ILRS_DICT_I8:
        p[0] = (uint8_t) * (const int8_t *)c->value;
        break;
    case ILRS_DICT_BOOL:
        p[0] = *(const bool *)c->value ? 1 : 0;
        break;
    case ILRS_DICT_U16:
        ilrs_put_be16(p, *(const uint16_t *)c->value);
        break;
    case ILRS_DICT_I16:
        ilrs_put_be16(p, (uint16_t) * (const int16_t *)c->value);
        break;
    case ILRS_DICT_U32:
        ilrs_put_be32(p, *(const uint32_t *)c->value);
        break;
    case ILRS_DICT_I32:
        ilrs_put_be32(p, (uint32_t) * (const int32_t *)c->value);
        break;
    case ILRS_DICT_U64:
        ilrs_put_be64(p, *(const uint64_t *)c->value);
        break;
    case ILRS_DICT_I64:
        ilrs_put_be64(p, (uint64_t) * (const int64_t *)c->value);
        break;
    case ILRS_DICT_F32:
        put_f32(p, *(const float *)c->value);
        break;
    case ILRS_DICT_F64:
        put_f64(p, *(const double *)c->value);
        break;
    default:
        break;
    }
}

int ilrs__hk_publish(ilrs_fsw_t *fsw, ilrs_app_t *app)
{
    if (app->hk_def == NULL) {
        return ILRS_ESTATE;
    }
    const ilrs_dict_packet_t *d = app->hk_def;
    uint8_t *pkt = app->hk_packet;
    int rc = ilrs_ccsds_tlm_init(pkt, d->length, app->apid, d->length, ilrs_time_now(fsw->time));
    if (rc != 0) {
        return rc;
    }
    ilrs_ccsds_set_seq_count(pkt, (uint16_t)(app->hk_seq++ & 0x3FFFu));
    bool wall = ilrs_time_get_mode(fsw->time) == ILRS_TIME_MODE_WALL;
    double mean_us = 0, max_us = 0;
    if (wall && app->timed_steps > 0) {
        /* Timing reaches telemetry only on wall time (see the executive's notes). */
        mean_us = (double)app->exec_total_ns / (double)app->timed_steps / 1e3;
        max_us = (double)app->exec_max_ns / 1e3;
    }
    const ilrs_dict_field_t *f = d->fields;
    put_int(pkt + f[0].offset, f[0].type, app->cmd_accepted);
    put_int(pkt + f[1].offset, f[1].type, app->cmd_rejected);
    put_int(pkt + f[2].offset, f[2].type, app->steps);
    put_int(pkt + f[3].offset, f[3].type, app->failures);
    put_int(pkt + f[4].offset, f[4].type, app->restarts);
    put_int(pkt + f[5].offset, f[5].type, wall ? app->overruns : 0);
    put_int(pkt + f[6].offset, f[6].type, (uint64_t)app->state);
    put_f32(pkt + f[7].offset, (float)mean_us);
    put_f32(pkt + f[8].offset, (float)max_us);
    for (uint32_t i = 0; i < app->counter_count; i++) {
        put_counter(pkt + f[FSW_HK_STD_FIELDS + i].offset, &app->counters[i]);
    }
    return ilrs_bus_publish(fsw->bus, pkt, d->length);
}
