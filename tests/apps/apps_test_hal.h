/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small scripted hal backend for the station-app tests: named switches,
 * sensors whose values the test sets, payload ports fed by a switch (data at a
 * fixed rate while powered and active, a hang flag that only a power cycle
 * clears), radios with a settable link state, one storage unit. A thermal zone
 * model is included: a zone warms at heat_k_s while its heater switch is on (and
 * the heater is not failed), else cools at cool_k_s, so thermostat cycling and
 * heater failures can be scripted deterministically. Header-only (test helper).
 */
#ifndef APPS_TEST_HAL_H
#define APPS_TEST_HAL_H

#include <stdio.h>
#include <string.h>

#include <ilrs/hal.h>

#define TH_MAX 32

typedef struct th_zone {
    int sensor, heater; /* indices */
    double heat_k_s, cool_k_s;
    bool heater_failed;
} th_zone_t;

typedef struct th_payload {
    char name[ILRS_HAL_NAME_MAX];
    int line;          /* switch index feeding it */
    uint32_t mode;
    bool hung, was_powered;
    double rate_bps;   /* while mode != 0 */
    double pending;    /* bytes */
} th_payload_t;

typedef struct th {
    ilrs_hal_t hal;
    size_t n_sw, n_sen, n_pl, n_radio;
    char sw_name[TH_MAX][ILRS_HAL_NAME_MAX];
    bool sw_cmd[TH_MAX], sw_tripped[TH_MAX];
    uint32_t sw_sets[TH_MAX]; /* switch commands received */
    char sen_name[TH_MAX][ILRS_HAL_NAME_MAX];
    double sen_value[TH_MAX];
    bool sen_valid[TH_MAX];
    th_payload_t pl[TH_MAX];
    char radio_name[4][ILRS_HAL_NAME_MAX];
    bool radio_up[4];
    th_zone_t zones[TH_MAX];
    size_t n_zones;
    uint64_t storage_cap, storage_used;
    uint64_t radio_queued[4], radio_cap[4], radio_sent[4];
    uint32_t radio_sends[4];
    uint8_t radio_head[4][8]; /* first octets of the last buffer queued on each radio */
} th_t;

static inline size_t th_count(void *ctx, ilrs_hal_kind_t kind)
{
    th_t *t = ctx;
    switch (kind) {
    case ILRS_HAL_SWITCH: return t->n_sw;
    case ILRS_HAL_SENSOR: return t->n_sen;
    case ILRS_HAL_PAYLOAD: return t->n_pl;
    case ILRS_HAL_RADIO: return t->n_radio;
    case ILRS_HAL_STORAGE: return t->storage_cap > 0 ? 1 : 0;
    default: return 0;
    }
}

static inline int th_info(void *ctx, ilrs_hal_kind_t kind, size_t index, ilrs_hal_info_t *out)
{
    th_t *t = ctx;
    const char *n = NULL;
    switch (kind) {
    case ILRS_HAL_SWITCH: n = index < t->n_sw ? t->sw_name[index] : NULL; break;
    case ILRS_HAL_SENSOR: n = index < t->n_sen ? t->sen_name[index] : NULL; break;
    case ILRS_HAL_PAYLOAD: n = index < t->n_pl ? t->pl[index].name : NULL; break;
    case ILRS_HAL_RADIO: n = index < t->n_radio ? t->radio_name[index] : NULL; break;
    case ILRS_HAL_STORAGE: n = index == 0 ? "storage0" : NULL; break;
    default: break;
    }
    if (n == NULL) {
        return ILRS_ERANGE;
    }
    out->kind = kind;
    out->id = (uint16_t)index;
    snprintf(out->name, sizeof out->name, "%s", n);
    return 0;
}

static inline int th_switch_set(void *ctx, uint16_t id, bool on)
{
    th_t *t = ctx;
    if (id >= t->n_sw) {
        return ILRS_EHAL_NODEV;
    }
    t->sw_cmd[id] = on;
    t->sw_sets[id]++;
    if (on) {
        t->sw_tripped[id] = false;
    }
    return 0;
}

static inline int th_switch_get(void *ctx, uint16_t id, ilrs_hal_switch_state_t *out)
{
    th_t *t = ctx;
    if (id >= t->n_sw) {
        return ILRS_EHAL_NODEV;
    }
    out->commanded_on = t->sw_cmd[id];
    out->tripped = t->sw_tripped[id];
    out->on = t->sw_cmd[id] && !t->sw_tripped[id];
    return 0;
}

static inline int th_sensor_read(void *ctx, uint16_t id, ilrs_hal_reading_t *out)
{
    th_t *t = ctx;
    if (id >= t->n_sen) {
        return ILRS_EHAL_NODEV;
    }
    out->value = t->sen_value[id];
    out->valid = t->sen_valid[id];
    return 0;
}

static inline int th_radio_status(void *ctx, uint16_t id, ilrs_hal_radio_status_t *out)
{
    th_t *t = ctx;
    if (id >= t->n_radio) {
        return ILRS_EHAL_NODEV;
    }
    out->link_up = t->radio_up[id];
    out->rate_bps = t->radio_up[id] ? 64000.0 : 0.0;
    out->queued_bytes = t->radio_queued[id];
    out->queue_capacity = t->radio_cap[id];
    out->sent_bytes = t->radio_sent[id];
    return 0;
}

static inline int th_radio_send(void *ctx, uint16_t id, const void *data, size_t len)
{
    th_t *t = ctx;
    if (id >= t->n_radio) {
        return ILRS_EHAL_NODEV;
    }
    if (t->radio_queued[id] + len > t->radio_cap[id]) {
        return ILRS_EFULL;
    }
    t->radio_queued[id] += len;
    t->radio_sends[id]++;
    memcpy(t->radio_head[id], data, len < 8 ? len : 8);
    return 0;
}

static inline int th_storage_write(void *ctx, uint16_t id, uint64_t bytes, uint64_t *written)
{
    th_t *t = ctx;
    if (id != 0 || t->storage_cap == 0) {
        return ILRS_EHAL_NODEV;
    }
    uint64_t room = t->storage_cap - t->storage_used;
    *written = bytes < room ? bytes : room;
    t->storage_used += *written;
    return 0;
}

static inline int th_storage_release(void *ctx, uint16_t id, uint64_t bytes, uint64_t *released)
{
    th_t *t = ctx;
    if (id != 0 || t->storage_cap == 0) {
        return ILRS_EHAL_NODEV;
    }
    *released = bytes < t->storage_used ? bytes : t->storage_used;
    t->storage_used -= *released;
    return 0;
}

static inline bool th_powered(const th_t *t, const th_payload_t *p)
{
    return t->sw_cmd[p->line] && !t->sw_tripped[p->line];
}

static inline int th_payload_status(void *ctx, uint16_t id, ilrs_hal_payload_status_t *out)
{
    th_t *t = ctx;
    if (id >= t->n_pl) {
        return ILRS_EHAL_NODEV;
    }
    out->powered = th_powered(t, &t->pl[id]);
    out->mode = t->pl[id].mode;
    out->pending_bytes = (uint64_t)t->pl[id].pending;
    return 0;
}

static inline int th_payload_command(void *ctx, uint16_t id, uint32_t mode)
{
    th_t *t = ctx;
    if (id >= t->n_pl) {
        return ILRS_EHAL_NODEV;
    }
    if (!th_powered(t, &t->pl[id])) {
        return ILRS_EHAL_UNPOWERED;
    }
    if (!t->pl[id].hung) {
        t->pl[id].mode = mode; /* a hung payload accepts and ignores */
    }
    return 0;
}

static inline int th_payload_read(void *ctx, uint16_t id, uint64_t *bytes)
{
    th_t *t = ctx;
    if (id >= t->n_pl) {
        return ILRS_EHAL_NODEV;
    }
    *bytes = (uint64_t)t->pl[id].pending;
    t->pl[id].pending -= (double)*bytes;
    return 0;
}

static inline int th_storage_status(void *ctx, uint16_t id, ilrs_hal_storage_status_t *out)
{
    th_t *t = ctx;
    if (id != 0 || t->storage_cap == 0) {
        return ILRS_EHAL_NODEV;
    }
    out->capacity_bytes = t->storage_cap;
    out->used_bytes = t->storage_used;
    return 0;
}

static const ilrs_hal_ops_t th_ops = {
    .count = th_count,
    .info = th_info,
    .switch_set = th_switch_set,
    .switch_get = th_switch_get,
    .sensor_read = th_sensor_read,
    .radio_status = th_radio_status,
    .payload_status = th_payload_status,
    .payload_command = th_payload_command,
    .payload_read = th_payload_read,
    .storage_status = th_storage_status,
    .radio_send = th_radio_send,
    .storage_write = th_storage_write,
    .storage_release = th_storage_release,
};

static inline void th_init(th_t *t)
{
    memset(t, 0, sizeof *t);
    ilrs_hal_init(&t->hal, &th_ops, t);
}

static inline int th_add_switch(th_t *t, const char *name, bool on)
{
    int i = (int)t->n_sw++;
    snprintf(t->sw_name[i], ILRS_HAL_NAME_MAX, "%s", name);
    t->sw_cmd[i] = on;
    return i;
}

static inline int th_add_sensor(th_t *t, const char *name, double value)
{
    int i = (int)t->n_sen++;
    snprintf(t->sen_name[i], ILRS_HAL_NAME_MAX, "%s", name);
    t->sen_value[i] = value;
    t->sen_valid[i] = true;
    return i;
}

static inline int th_add_payload(th_t *t, const char *name, int line, double rate_bps)
{
    int i = (int)t->n_pl++;
    snprintf(t->pl[i].name, ILRS_HAL_NAME_MAX, "%s", name);
    t->pl[i].line = line;
    t->pl[i].rate_bps = rate_bps;
    return i;
}

static inline int th_add_radio(th_t *t, const char *name, bool up)
{
    int i = (int)t->n_radio++;
    snprintf(t->radio_name[i], ILRS_HAL_NAME_MAX, "%s", name);
    t->radio_up[i] = up;
    t->radio_cap[i] = 1u << 20;
    return i;
}

static inline void th_add_zone(th_t *t, int sensor, int heater, double heat_k_s, double cool_k_s)
{
    th_zone_t *z = &t->zones[t->n_zones++];
    z->sensor = sensor;
    z->heater = heater;
    z->heat_k_s = heat_k_s;
    z->cool_k_s = cool_k_s;
}

/* Advance the scripted physics by dt seconds (payload data, zone temperatures). */
static inline void th_step(th_t *t, double dt)
{
    for (size_t i = 0; i < t->n_pl; i++) {
        th_payload_t *p = &t->pl[i];
        bool pw = th_powered(t, p);
        if (!pw) {
            p->mode = 0;
            p->hung = false; /* a power cycle clears a hang */
        } else if (!p->hung && p->mode != 0) {
            p->pending += p->rate_bps / 8.0 * dt;
        }
        p->was_powered = pw;
    }
    for (size_t i = 0; i < t->n_radio; i++) {
        uint64_t drain = t->radio_up[i] ? (uint64_t)(64000.0 / 8.0 * dt) : 0;
        drain = drain < t->radio_queued[i] ? drain : t->radio_queued[i];
        t->radio_queued[i] -= drain;
        t->radio_sent[i] += drain;
    }
    for (size_t i = 0; i < t->n_zones; i++) {
        th_zone_t *z = &t->zones[i];
        bool heating = t->sw_cmd[z->heater] && !z->heater_failed;
        t->sen_value[z->sensor] += (heating ? z->heat_k_s : -z->cool_k_s) * dt;
    }
}

#endif
