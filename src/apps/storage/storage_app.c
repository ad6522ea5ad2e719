// SPDX-License-Identifier: Apache-2.0
//
// STORAGE (STO) app: accounting of the onboard mass storage (a hal storage unit)
// per virtual channel: a channel per payload, per partner or the default
// channel. Data records arrive as PLD_DATA packets from the payload host; each
// is written through hal and filed under its payload's channel, else its
// owner's, else the default one; a channel may also read a hal payload port
// itself (data that bypasses the payload host, e.g. a rover's). Full-storage policy: when a
// write does not fit, data of channels with a lower priority (larger number)
// than the incoming one is released, lowest priority first and within a
// priority the fullest channel first, and counted as dropped (event); what still
// does not fit is refused and counted. Playback: StoDownlink(radio, bytes) (sent
// by COMM each step with the spare link capacity) plays back up to that many
// bytes, channels by priority and equal priorities by fair share (water
// filling), queueing them on the radio through hal and releasing them from
// storage. The bytes' content is not modelled (the twin's radio counts bytes):
// zero octets stand for the stored frames, after an optional virtual-channel
// header (marker and channel index) by which the receiver attributes them.
// Events in storage_eid.h.
#include <stdlib.h>

#include "apps/apps_int.h"
#include "apps/storage/storage_eid.h"

#define CHUNK 65536u

typedef struct channel {
    ilrs_sto_channel_status_t st;
    char n_stored[40], n_dropped[40];
    uint16_t port; /* hal payload port read by STORAGE (read_port), else UINT16_MAX */
} channel_t;

struct ilrs_sto_app {
    ilrs_sto_config_t cfg;
    uint16_t storage_id;
    const ilrs_dict_packet_t *data_def;
    const ilrs_dict_command_t *cmd_down, *cmd_clear;
    channel_t ch[ILRS_STO_MAX_CHANNELS];
    uint8_t *chunk; /* playback buffer (header + zero octets), allocated at create */
    uint8_t prio[ILRS_STO_MAX_CHANNELS]; /* the channels' distinct priorities, ascending */
    size_t prio_count;
    ilrs_tai_t last_drop_event;
    bool drop_event_armed;
    /* HK */
    uint64_t used, capacity, dropped_total, refused_total, played_total, records;
    double fill;
    uint32_t hal_errors, bad_records;
};

static const uint8_t zeros[CHUNK];

int ilrs_sto_app_create(const ilrs_sto_config_t *cfg, ilrs_sto_app_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (cfg == NULL || out == NULL || cfg->hal == NULL || cfg->storage[0] == '\0' ||
        cfg->channel_count == 0 || cfg->channel_count > ILRS_STO_MAX_CHANNELS ||
        cfg->rate_hz < 0) {
        return ILRS_EINVAL;
    }
    for (size_t i = 0; i < cfg->channel_count; i++) {
        const ilrs_sto_channel_config_t *c = &cfg->channels[i];
        if (!apps_name_ok(c->name, sizeof c->name) || c->priority == 0 ||
            (c->read_port && c->payload[0] == '\0')) {
            ilrs_log(ILRS_LOG_ERROR, "storage", "channel %zu: bad name, priority 0 or a port "
                     "to read without a payload name", i);
            return ILRS_EINVAL;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(cfg->channels[j].owner, c->owner) == 0 &&
                strcmp(cfg->channels[j].payload, c->payload) == 0) {
                ilrs_log(ILRS_LOG_ERROR, "storage", "channel %zu: owner '%s' payload '%s' has a "
                         "channel", i, c->owner, c->payload);
                return ILRS_EINVAL;
            }
        }
    }
    ilrs_sto_app_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    a->cfg = *cfg;
    for (size_t i = 0; i < cfg->channel_count; i++) {
        uint8_t p = cfg->channels[i].priority;
        size_t k = 0;
        while (k < a->prio_count && a->prio[k] < p) {
            k++;
        }
        if (k < a->prio_count && a->prio[k] == p) {
            continue;
        }
        memmove(a->prio + k + 1, a->prio + k, a->prio_count - k);
        a->prio[k] = p;
        a->prio_count++;
    }
    a->chunk = calloc(1, CHUNK);
    if (a->chunk == NULL) {
        free(a);
        return ILRS_ENOMEM;
    }
    *out = a;
    return 0;
}

void ilrs_sto_app_destroy(ilrs_sto_app_t *app)
{
    if (app != NULL) {
        free(app->chunk);
        free(app);
    }
}

/* The channel of a record: its payload's, else its owner's, else the default (-1: none). */
static int channel_of(const ilrs_sto_app_t *a, const char *payload, const char *owner)
{
    int by_owner = -1, def = -1;
    for (size_t i = 0; i < a->cfg.channel_count; i++) {
        const ilrs_sto_channel_config_t *c = &a->cfg.channels[i];
        if (c->payload[0] != '\0') {
            if (strcmp(c->payload, payload) == 0) {
                return (int)i;
            }
            continue;
        }
        if (by_owner < 0 && strcmp(c->owner, owner) == 0) {
            by_owner = (int)i;
        }
        if (def < 0 && c->owner[0] == '\0') {
            def = (int)i;
        }
    }
    return by_owner >= 0 ? by_owner : def;
}

static int channel_by_name(const ilrs_sto_app_t *a, const char *name)
{
    for (size_t i = 0; i < a->cfg.channel_count; i++) {
        if (strcmp(a->cfg.channels[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* Release up to @p bytes of channel @p i from the storage unit. */
static uint64_t release(ilrs_sto_app_t *a, size_t i, uint64_t bytes)
{
    uint64_t want = bytes < a->ch[i].st.stored ? bytes : a->ch[i].st.stored;
    uint64_t got = 0;
    if (want == 0) {
        return 0;
    }
    if (ilrs_hal_storage_release(a->cfg.hal, a->storage_id, want, &got) != 0) {
        a->hal_errors++;
        return 0;
    }
    a->ch[i].st.stored -= got < a->ch[i].st.stored ? got : a->ch[i].st.stored;
    return got;
}

static void file_data(ilrs_app_t *app, ilrs_sto_app_t *a, size_t c, uint64_t bytes)
{
    uint64_t written = 0;
    if (ilrs_hal_storage_write(a->cfg.hal, a->storage_id, bytes, &written) != 0) {
        a->hal_errors++;
        written = 0;
    }
    uint64_t left = bytes - written;
    uint64_t dropped_now = 0;
    uint8_t prio = a->cfg.channels[c].priority;
    while (left > 0) {
        /* victim: lowest priority (largest number) below the incoming one, fullest first */
        int v = -1;
        for (size_t i = 0; i < a->cfg.channel_count; i++) {
            uint8_t p = a->cfg.channels[i].priority;
            if (p <= prio || a->ch[i].st.stored == 0) {
                continue;
            }
            if (v < 0 || p > a->cfg.channels[v].priority ||
                (p == a->cfg.channels[v].priority && a->ch[i].st.stored > a->ch[v].st.stored)) {
                v = (int)i;
            }
        }
        if (v < 0) {
            break;
        }
        uint64_t r = release(a, (size_t)v, left);
        if (r == 0) {
            break;
        }
        a->ch[v].st.dropped += r;
        a->dropped_total += r;
        dropped_now += r;
        uint64_t w = 0;
        if (ilrs_hal_storage_write(a->cfg.hal, a->storage_id, left, &w) != 0) {
            a->hal_errors++;
            break;
        }
        written += w;
        left -= w;
    }
    a->ch[c].st.written += written;
    a->ch[c].st.stored += written;
    ilrs_tai_t now = ilrs_app_time(app);
    bool may_event = !a->drop_event_armed || apps_seconds(now, a->last_drop_event) >= 60.0;
    if (dropped_now > 0 && may_event) {
        a->drop_event_armed = true;
        a->last_drop_event = now;
        ilrs_app_event(app, STO_DROP_ERR_EID, ILRS_EVENT_ERROR,
                       "storage full: %llu B of lower-priority data dropped for %s (%llu B "
                       "dropped so far)",
                       (unsigned long long)dropped_now, a->cfg.channels[c].name,
                       (unsigned long long)a->dropped_total);
    }
    if (left > 0) {
        a->ch[c].st.refused += left;
        a->refused_total += left;
        if (may_event) {
            a->drop_event_armed = true;
            a->last_drop_event = now;
            ilrs_app_event(app, STO_REFUSED_ERR_EID, ILRS_EVENT_ERROR,
                           "storage full: %llu B of %s refused (nothing of lower priority left)",
                           (unsigned long long)left, a->cfg.channels[c].name);
        }
    }
}

/* ---- commands ------------------------------------------------------------------------ */

static const ilrs_dict_field_t down_args[] = {
    {.name = "radio", .type = ILRS_DICT_STRING, .length = ILRS_APPS_NAME_MAX,
     .description = "hal radio to queue the played-back data on"},
    {.name = "bytes", .type = ILRS_DICT_U64, .unit = "B", .has_range = true, .min = 0,
     .max = 1e12, .description = "at most this much"},
};

/* Queue up to @p bytes of channel @p c on @p radio; returns the octets queued.
 * With a header, a chunk is never shorter than the header (8 octets): a smaller
 * remainder waits for more data, so no padding is ever counted as data. */
static uint64_t send_radio(ilrs_sto_app_t *a, uint16_t radio, size_t c, uint64_t bytes,
                           bool *full)
{
    uint64_t sent = 0;
    *full = false;
    const uint8_t *data = zeros;
    size_t min = 1;
    if (a->cfg.playback_marker != 0) {
        uint32_t hdr[2] = {a->cfg.playback_marker, (uint32_t)c};
        memcpy(a->chunk, hdr, sizeof hdr);
        data = a->chunk;
        min = sizeof hdr;
    }
    while (bytes - sent >= min) {
        size_t n = bytes - sent < CHUNK ? (size_t)(bytes - sent) : CHUNK;
        if (ilrs_hal_radio_send(a->cfg.hal, radio, data, n) != 0) {
            *full = true; /* queue full: the rest stays stored */
            break;
        }
        sent += n;
    }
    return sent;
}

static int cmd_downlink(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_sto_app_t *a = ctx;
    char name[ILRS_APPS_NAME_MAX + 1];
    apps_arg_string(a->cmd_down, 0, pkt, len, name, sizeof name);
    uint64_t budget = (uint64_t)apps_arg_int(a->cmd_down, 1, pkt, len);
    uint16_t radio;
    if (ilrs_hal_find(a->cfg.hal, ILRS_HAL_RADIO, name, &radio) != 0) {
        ilrs_app_event(app, STO_CHANNEL_ERR_EID, ILRS_EVENT_ERROR, "no %s named '%s'", "radio",
                       name);
        return ILRS_ENOTFOUND;
    }
    for (size_t pi = 0; pi < a->prio_count && budget > 0; pi++) {
        uint8_t prio = a->prio[pi];
        /* water filling among the channels of this priority */
        for (;;) {
            size_t k = 0;
            for (size_t i = 0; i < a->cfg.channel_count; i++) {
                k += a->cfg.channels[i].priority == prio && a->ch[i].st.stored > 0;
            }
            if (k == 0 || budget == 0) {
                break;
            }
            uint64_t share = budget / k > 0 ? budget / k : budget;
            bool progress = false;
            for (size_t i = 0; i < a->cfg.channel_count && budget > 0; i++) {
                if (a->cfg.channels[i].priority != prio || a->ch[i].st.stored == 0) {
                    continue;
                }
                uint64_t want = share < a->ch[i].st.stored ? share : a->ch[i].st.stored;
                want = want < budget ? want : budget;
                bool full = false;
                uint64_t sent = send_radio(a, radio, i, want, &full);
                uint64_t rel = release(a, i, sent);
                a->ch[i].st.played += rel;
                a->played_total += rel;
                budget -= rel;
                progress = progress || rel > 0;
                if (full) {
                    budget = 0; /* the radio queue is full */
                }
            }
            if (!progress) {
                break;
            }
        }
    }
    return 0;
}

static const ilrs_dict_field_t clear_args[] = {
    {.name = "channel", .type = ILRS_DICT_STRING, .length = 24, .description = "virtual channel"},
};

static int cmd_clear(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_sto_app_t *a = ctx;
    char name[32];
    apps_arg_string(a->cmd_clear, 0, pkt, len, name, sizeof name);
    int i = channel_by_name(a, name);
    if (i < 0) {
        ilrs_app_event(app, STO_CHANNEL_ERR_EID, ILRS_EVENT_ERROR, "no %s named '%s'", "channel",
                       name);
        return ILRS_ENOTFOUND;
    }
    uint64_t r = release(a, (size_t)i, a->ch[i].st.stored);
    a->ch[i].st.dropped += r;
    a->dropped_total += r;
    ilrs_app_event(app, STO_CLEAR_INF_EID, ILRS_EVENT_INFO, "channel %s cleared: %llu B released",
                   name, (unsigned long long)r);
    return 0;
}

/* ---- init, step ------------------------------------------------------------------------ */

static const apps_event_t events[] = {
    {STO_DROP_ERR_EID, "STO_DROP_ERR", ILRS_EVENT_ERROR,
     "storage full: %llu B of lower-priority data dropped for %s (%llu B dropped so far)",
     "storage full: data of lower-priority channels released to file higher-priority data "
     "(at most one event a minute; every byte counted)"},
    {STO_REFUSED_ERR_EID, "STO_REFUSED_ERR", ILRS_EVENT_ERROR,
     "storage full: %llu B of %s refused (nothing of lower priority left)",
     "storage full and nothing of lower priority to drop: incoming data refused and counted"},
    {STO_CHANNEL_ERR_EID, "STO_CHANNEL_ERR", ILRS_EVENT_ERROR, "no %s named '%s'",
     "a command named an unknown channel or radio"},
    {STO_HAL_ERR_EID, "STO_HAL_ERR", ILRS_EVENT_ERROR, "hal storage '%s': %s",
     "the configured storage unit is missing"},
    {STO_CLEAR_INF_EID, "STO_CLEAR_INF", ILRS_EVENT_INFO, "channel %s cleared: %llu B released",
     "StoClearChannel released a channel's data"},
};

static int sto_init(ilrs_app_t *app, void *ctx)
{
    ilrs_sto_app_t *a = ctx;
    int rc = apps_register_events(app, events, APPS_COUNT(events));
    if (rc == 0) {
        rc = ilrs_hal_find(a->cfg.hal, ILRS_HAL_STORAGE, a->cfg.storage, &a->storage_id);
        if (rc != 0) {
            ilrs_app_event(app, STO_HAL_ERR_EID, ILRS_EVENT_ERROR, "hal storage '%s': %s",
                           a->cfg.storage, ilrs_strerror(rc));
        }
    }
    if (rc == 0) {
        rc = apps_command(app, "StoDownlink", 2,
                          "play back up to a number of bytes on a radio (priority, fair share)",
                          down_args, 2, cmd_downlink, &a->cmd_down);
    }
    if (rc == 0) {
        rc = apps_command(app, "StoClearChannel", 3, "release all data of a virtual channel",
                          clear_args, 1, cmd_clear, &a->cmd_clear);
    }
    if (rc == 0 && a->cfg.data_apid != 0) {
        rc = ilrs_app_subscribe(app, ilrs_msgid_tlm(a->cfg.data_apid), 0);
    }
    const apps_counter_t counters[] = {
        {"used", "B", ILRS_DICT_U64, &a->used},
        {"capacity", "B", ILRS_DICT_U64, &a->capacity},
        {"fill", NULL, ILRS_DICT_F64, &a->fill},
        {"dropped", "B", ILRS_DICT_U64, &a->dropped_total},
        {"refused", "B", ILRS_DICT_U64, &a->refused_total},
        {"played", "B", ILRS_DICT_U64, &a->played_total},
        {"records", NULL, ILRS_DICT_U64, &a->records},
        {"bad_records", NULL, ILRS_DICT_U32, &a->bad_records},
        {"hal_errors", NULL, ILRS_DICT_U32, &a->hal_errors},
    };
    if (rc == 0) {
        rc = apps_hk_counters(app, counters, APPS_COUNT(counters));
    }
    for (size_t i = 0; rc == 0 && i < a->cfg.channel_count; i++) {
        channel_t *c = &a->ch[i];
        rc = a->cfg.channels[i].read_port
                 ? ilrs_hal_find(a->cfg.hal, ILRS_HAL_PAYLOAD, a->cfg.channels[i].payload, &c->port)
                 : 0;
        if (rc != 0) {
            ilrs_app_event(app, STO_HAL_ERR_EID, ILRS_EVENT_ERROR, "hal storage '%s': %s",
                           a->cfg.channels[i].payload, ilrs_strerror(rc));
            break;
        }
        snprintf(c->n_stored, sizeof c->n_stored, "%s_stored", a->cfg.channels[i].name);
        snprintf(c->n_dropped, sizeof c->n_dropped, "%s_dropped", a->cfg.channels[i].name);
        rc = ilrs_app_hk_counter(app, c->n_stored, "B", ILRS_DICT_U64, &c->st.stored);
        if (rc == 0) {
            rc = ilrs_app_hk_counter(app, c->n_dropped, "B", ILRS_DICT_U64, &c->st.dropped);
        }
    }
    return rc;
}

static int sto_step(ilrs_app_t *app, void *ctx)
{
    ilrs_sto_app_t *a = ctx;
    ilrs_dict_t *dict = ilrs_fsw_dict(ilrs_app_fsw(app));
    if (a->data_def == NULL && a->cfg.data_apid != 0) {
        a->data_def = ilrs_dict_find_packet(dict, a->cfg.data_apid);
    }
    const uint8_t *pkt;
    size_t len;
    while (ilrs_app_receive(app, &pkt, &len) == 0) {
        const ilrs_dict_packet_t *d = a->data_def;
        int64_t bytes = 0;
        if (d == NULL || len != d->length || d->field_count < 4 ||
            ilrs_dict_get_int(&d->fields[3], pkt, len, &bytes) != 0 || bytes < 0) {
            a->bad_records++;
            continue;
        }
        char payload[ILRS_APPS_NAME_MAX + 1], owner[ILRS_APPS_NAME_MAX + 1];
        size_t n = d->fields[1].length < ILRS_APPS_NAME_MAX ? d->fields[1].length
                                                            : ILRS_APPS_NAME_MAX;
        memcpy(owner, pkt + d->fields[1].offset, n);
        owner[n] = '\0';
        n = d->fields[0].length < ILRS_APPS_NAME_MAX ? d->fields[0].length : ILRS_APPS_NAME_MAX;
        memcpy(payload, pkt + d->fields[0].offset, n);
        payload[n] = '\0';
        int c = channel_of(a, payload, owner);
        if (c < 0) {
            a->bad_records++;
            continue;
        }
        a->records++;
        file_data(app, a, (size_t)c, (uint64_t)bytes);
    }
    for (size_t i = 0; i < a->cfg.channel_count; i++) {
        uint64_t bytes = 0;
        if (a->cfg.channels[i].read_port) {
            if (ilrs_hal_payload_read(a->cfg.hal, a->ch[i].port, &bytes) != 0) {
                a->hal_errors++;
            } else if (bytes > 0) {
                file_data(app, a, i, bytes);
            }
        }
    }
    ilrs_hal_storage_status_t st;
    if (ilrs_hal_storage_status(a->cfg.hal, a->storage_id, &st) == 0) {
        a->used = st.used_bytes;
        a->capacity = st.capacity_bytes;
        a->fill = st.capacity_bytes > 0 ? (double)st.used_bytes / (double)st.capacity_bytes : 0;
    }
    return 0;
}

static void sto_reset(ilrs_app_t *app, void *ctx)
{
    (void)app;
    ilrs_sto_app_t *a = ctx;
    a->bad_records = a->hal_errors = 0;
}

void ilrs_sto_app_def(ilrs_sto_app_t *app, ilrs_app_def_t *def)
{
    memset(def, 0, sizeof *def);
    def->name = "STORAGE";
    def->description = "mass storage accounting per partner channel, full policy, playback";
    def->init = sto_init;
    def->step = sto_step;
    def->rate_hz = app->cfg.rate_hz > 0 ? app->cfg.rate_hz : 1.0;
    def->priority = 16;
    def->context = app;
    def->apid = app->cfg.apid;
    def->pipe_depth = 64;
    def->reset_counters = sto_reset;
}

int ilrs_sto_app_channel(const ilrs_sto_app_t *a, size_t i, ilrs_sto_channel_status_t *out)
{
    memset(out, 0, sizeof *out);
    if (i >= a->cfg.channel_count) {
        return ILRS_ERANGE;
    }
    *out = a->ch[i].st;
    return 0;
}
