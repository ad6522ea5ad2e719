// SPDX-License-Identifier: Apache-2.0
// DOWNLINK: the flight app that moves data off the station. It subscribes to
// every app's telemetry (HK packets) and to the event packets, keeps them in a
// ring sized at init while no radio closes its link, reads the science the
// payload ports produced into mass storage, and whenever a radio reports its
// link up fills the radio's queue: telemetry first (oldest first), then
// science in payload priority order, released from storage as it is queued.
// It talks to the hardware only through hal and to other apps only through the
// bus (the flight rules of ARCHITECTURE.md); all memory is allocated at create.
//
// Science data are volumes, not contents (the payload models produce byte
// counts): a science buffer starts with ST_SCIENCE_MAGIC and the payload's port
// index, so whatever carries the radio's bytes can attribute them.
#include <stdlib.h>
#include <string.h>
#include <ilrs/ccsds.h>

#include "station/station_int.h"

#define CHUNK_BYTES  65536u
#define FILL_SECONDS 2.0 /* keep about this much link time queued in each radio */

enum { EID_INIT_INF = ILRS_FSW_FIRST_APP_EID, EID_TM_DROP_ERR, EID_STORAGE_FULL_ERR };

struct station_downlink {
    station_downlink_config_t cfg;
    uint8_t *ring; /* length-prefixed packets */
    size_t ring_cap, ring_head, ring_used;
    uint8_t *chunk;
    uint64_t produced[ST_MAX_PAYLOADS], held[ST_MAX_PAYLOADS], lost[ST_MAX_PAYLOADS];
    uint64_t tm_packets, tm_bytes_sent, tm_dropped, science_sent, storage_refused;
    uint32_t hal_errors;
    size_t order[ST_MAX_PAYLOADS]; /* payloads by priority */
    bool full_reported;
    const ilrs_dict_field_t *f_payload, *f_bytes; /* PLD_DATA fields */
    ilrs_tai_t last_sent[2048];                   /* per APID: last packet kept */
};

int ilrs__station_downlink_create(const station_downlink_config_t *cfg, station_downlink_t **out)
{
    *out = NULL;
    station_downlink_t *dl = calloc(1, sizeof *dl);
    if (dl == NULL) {
        return ILRS_ENOMEM;
    }
    dl->cfg = *cfg;
    dl->ring_cap = cfg->tm_buffer_bytes ? cfg->tm_buffer_bytes : (size_t)16 << 20;
    dl->ring = malloc(dl->ring_cap);
    dl->chunk = calloc(1, CHUNK_BYTES);
    if (dl->ring == NULL || dl->chunk == NULL) {
        ilrs__station_downlink_destroy(dl);
        return ILRS_ENOMEM;
    }
    // Priority order, stable (1 = highest).
    for (size_t i = 0; i < cfg->payload_count; i++) {
        size_t k = i;
        while (k > 0 && cfg->payload_priority[dl->order[k - 1]] > cfg->payload_priority[i]) {
            dl->order[k] = dl->order[k - 1];
            k--;
        }
        dl->order[k] = i;
    }
    *out = dl;
    return 0;
}

void ilrs__station_downlink_destroy(station_downlink_t *dl)
{
    if (dl != NULL) {
        free(dl->ring);
        free(dl->chunk);
        free(dl);
    }
}

void ilrs__station_downlink_payload(const station_downlink_t *dl, size_t i, uint64_t *produced,
                                    uint64_t *held, uint64_t *lost)
{
    *produced = i < ST_MAX_PAYLOADS ? dl->produced[i] : 0;
    *held = i < ST_MAX_PAYLOADS ? dl->held[i] : 0;
    *lost = i < ST_MAX_PAYLOADS ? dl->lost[i] : 0;
}

uint64_t ilrs__station_downlink_tm_dropped(const station_downlink_t *dl)
{
    return dl->tm_dropped;
}

static void ring_put(station_downlink_t *dl, const uint8_t *p, size_t n)
{
    size_t at = (dl->ring_head + dl->ring_used) % dl->ring_cap;
    size_t first = n < dl->ring_cap - at ? n : dl->ring_cap - at;
    memcpy(dl->ring + at, p, first);
    memcpy(dl->ring, p + first, n - first);
    dl->ring_used += n;
}

static void ring_peek(const station_downlink_t *dl, size_t off, uint8_t *p, size_t n)
{
    size_t at = (dl->ring_head + off) % dl->ring_cap;
    size_t first = n < dl->ring_cap - at ? n : dl->ring_cap - at;
    memcpy(p, dl->ring + at, first);
    memcpy(p + first, dl->ring, n - first);
}

static int dl_init(ilrs_app_t *app, void *ctx)
{
    station_downlink_t *dl = ctx;
    ilrs_exec_t *exec = ilrs_fsw_exec(ilrs_app_fsw(app));
    int rc = ilrs_app_subscribe(app, ilrs_msgid_tlm(ILRS_FSW_APID_EVENTS), 0);
    for (uint32_t i = 0; rc == 0 && i < ilrs_exec_app_count(exec); i++) {
        ilrs_app_t *other = ilrs_exec_app_at(exec, i);
        if (other != NULL) {
            rc = ilrs_app_subscribe(app, ilrs_msgid_tlm(ilrs_app_apid(other)), 0);
        }
    }
    for (size_t i = 0; rc == 0 && i < dl->cfg.extra_count; i++) {
        rc = ilrs_app_subscribe(app, ilrs_msgid_tlm(dl->cfg.extra_apids[i]), 0);
    }
    if (rc == 0 && dl->cfg.data_apid != 0) {
        rc = ilrs_app_subscribe(app, ilrs_msgid_tlm(dl->cfg.data_apid), 0);
        const ilrs_dict_packet_t *d =
            ilrs_dict_find_packet(ilrs_fsw_dict(ilrs_app_fsw(app)), dl->cfg.data_apid);
        dl->f_payload = d ? ilrs_dict_find_field(d, "payload") : NULL;
        dl->f_bytes = d ? ilrs_dict_find_field(d, "bytes") : NULL;
        if (rc == 0 && (dl->f_payload == NULL || dl->f_bytes == NULL)) {
            return ILRS_EFSW_DICT;
        }
    }
    if (rc != 0 && rc != ILRS_EEXIST) {
        return rc;
    }
    const struct {
        const char *name;
        uint64_t *v;
    } counters[] = {{"tm_packets", &dl->tm_packets},
                    {"tm_bytes_sent", &dl->tm_bytes_sent},
                    {"tm_dropped", &dl->tm_dropped},
                    {"science_bytes_sent", &dl->science_sent},
                    {"storage_refused_bytes", &dl->storage_refused}};
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++) {
        rc = ilrs_app_hk_counter(app, counters[i].name, i == 0 || i == 2 ? "" : "B", ILRS_DICT_U64,
                                 counters[i].v);
        if (rc != 0 && rc != ILRS_EEXIST) {
            return rc;
        }
    }
    ilrs_app_register_event(app, EID_TM_DROP_ERR, "DOWNLINK_TM_DROP_ERR", ILRS_EVENT_ERROR,
                            "telemetry buffer full (%zu B): packets dropped until contact",
                            "the telemetry ring filled while no radio closed its link");
    ilrs_app_register_event(app, EID_STORAGE_FULL_ERR, "DOWNLINK_STORAGE_FULL_ERR",
                            ILRS_EVENT_ERROR, "mass storage full: science refused",
                            "a payload's science could not be stored");
    return 0;
}

static void store_science(ilrs_app_t *app, station_downlink_t *dl, size_t i, uint64_t bytes);

/* A PLD_DATA record: the payload host read @c bytes from a port. */
static void take_record(ilrs_app_t *app, station_downlink_t *dl, const uint8_t *pkt, size_t len)
{
    int64_t bytes = 0;
    if (ilrs_dict_get_int(dl->f_bytes, pkt, len, &bytes) != 0 || bytes <= 0 ||
        dl->f_payload->offset + dl->f_payload->length > len) {
        return;
    }
    char name[ILRS_HW_NAME_MAX] = "";
    size_t n = dl->f_payload->length < sizeof name - 1 ? dl->f_payload->length : sizeof name - 1;
    memcpy(name, pkt + dl->f_payload->offset, n);
    name[n] = '\0';
    for (size_t i = 0; i < dl->cfg.payload_count; i++) {
        if (strcmp(name, dl->cfg.payload_names[i]) == 0) {
            store_science(app, dl, i, (uint64_t)bytes);
            return;
        }
    }
}

static void take_telemetry(ilrs_app_t *app, station_downlink_t *dl)
{
    const uint8_t *pkt;
    size_t len;
    ilrs_tai_t now = ilrs_app_time(app);
    ilrs_tai_t interval = (ilrs_tai_t)dl->cfg.tm_interval_s * 1000000000;
    while (ilrs_app_receive(app, &pkt, &len) == 0) {
        if (len < 6 || len > 0xFFFFu) {
            continue;
        }
        uint16_t apid = ilrs_ccsds_get_apid(pkt);
        if (dl->cfg.data_apid != 0 && apid == dl->cfg.data_apid) {
            take_record(app, dl, pkt, len);
            continue; /* an onboard record, not telemetry */
        }
        // Output filter (cFS TO style): at most one packet per APID per interval,
        // every event packet.
        if (apid != ILRS_FSW_APID_EVENTS && interval > 0) {
            if (dl->last_sent[apid & 2047] != 0 && now - dl->last_sent[apid & 2047] < interval) {
                continue;
            }
            dl->last_sent[apid & 2047] = now;
        }
        if (dl->ring_used + 2 + len > dl->ring_cap) {
            if (dl->tm_dropped++ == 0) {
                ilrs_app_event(app, EID_TM_DROP_ERR, ILRS_EVENT_ERROR,
                               "telemetry buffer full (%zu B): packets dropped until contact",
                               dl->ring_cap);
            }
            continue;
        }
        uint8_t hdr[2] = {(uint8_t)(len >> 8), (uint8_t)len};
        ring_put(dl, hdr, 2);
        ring_put(dl, pkt, len);
        dl->tm_packets++;
    }
}

static void take_science(ilrs_app_t *app, station_downlink_t *dl)
{
    for (size_t i = 0; i < dl->cfg.payload_count; i++) {
        uint64_t bytes = 0;
        if (dl->cfg.hosted[i] ||
            ilrs_hal_payload_read(dl->cfg.hal, dl->cfg.payload_ids[i], &bytes) != 0 || !bytes) {
            continue;
        }
        store_science(app, dl, i, bytes);
    }
}

static void store_science(ilrs_app_t *app, station_downlink_t *dl, size_t i, uint64_t bytes)
{
    {
        uint64_t written = 0;
        if (ilrs_hal_storage_write(dl->cfg.hal, dl->cfg.storage_id, bytes, &written) != 0) {
            written = 0;
        }
        dl->produced[i] += bytes;
        dl->held[i] += written;
        if (written < bytes) {
            dl->lost[i] += bytes - written;
            dl->storage_refused += bytes - written;
            if (!dl->full_reported) {
                dl->full_reported = true;
                ilrs_app_event(app, EID_STORAGE_FULL_ERR, ILRS_EVENT_ERROR,
                               "mass storage full: science refused");
            }
        } else {
            dl->full_reported = false;
        }
    }
}

static void fill_radio(station_downlink_t *dl, uint16_t id)
{
    ilrs_hal_radio_status_t rs;
    if (ilrs_hal_radio_status(dl->cfg.hal, id, &rs) != 0 || !rs.link_up || !(rs.rate_bps > 0.0)) {
        return;
    }
    uint64_t want = (uint64_t)(rs.rate_bps / 8.0 * FILL_SECONDS) + 1;
    uint64_t room = rs.queue_capacity > rs.queued_bytes ? rs.queue_capacity - rs.queued_bytes : 0;
    uint64_t budget = rs.queued_bytes >= want ? 0 : want - rs.queued_bytes;
    if (budget > room) {
        budget = room;
    }
    uint8_t buf[0x10000];
    while (budget > 0 && dl->ring_used >= 2) {
        uint8_t hdr[2];
        ring_peek(dl, 0, hdr, 2);
        size_t len = (size_t)hdr[0] << 8 | hdr[1];
        if (len > budget) {
            break;
        }
        ring_peek(dl, 2, buf, len);
        if (ilrs_hal_radio_send(dl->cfg.hal, id, buf, len) != 0) {
            return;
        }
        dl->ring_head = (dl->ring_head + 2 + len) % dl->ring_cap;
        dl->ring_used -= 2 + len;
        dl->tm_bytes_sent += len;
        budget -= len;
    }
    for (size_t k = 0; k < dl->cfg.payload_count && budget >= 16; k++) {
        size_t i = dl->order[k];
        while (dl->held[i] > 0 && budget >= 16) {
            uint64_t n = dl->held[i];
            n = n > budget ? budget : n;
            n = n > CHUNK_BYTES ? CHUNK_BYTES : n;
            n = n < 8 ? 8 : n; /* room for the marker; a few octets of padding at most */
            uint32_t magic = ST_SCIENCE_MAGIC, index = (uint32_t)i;
            memcpy(dl->chunk, &magic, 4);
            memcpy(dl->chunk + 4, &index, 4);
            if (ilrs_hal_radio_send(dl->cfg.hal, id, dl->chunk, (size_t)n) != 0) {
                return;
            }
            uint64_t released = 0;
            uint64_t take = n > dl->held[i] ? dl->held[i] : n;
            ilrs_hal_storage_release(dl->cfg.hal, dl->cfg.storage_id, take, &released);
            dl->held[i] -= take;
            dl->science_sent += take;
            budget -= n;
        }
    }
}

static int dl_step(ilrs_app_t *app, void *ctx)
{
    station_downlink_t *dl = ctx;
    take_telemetry(app, dl);
    take_science(app, dl);
    for (size_t r = 0; r < dl->cfg.radio_count; r++) {
        fill_radio(dl, dl->cfg.radio_ids[r]);
    }
    return 0;
}

static void dl_reset(ilrs_app_t *app, void *ctx)
{
    (void)app;
    station_downlink_t *dl = ctx;
    dl->tm_dropped = 0;
    dl->storage_refused = 0;
}

void ilrs__station_downlink_def(station_downlink_t *dl, ilrs_app_def_t *def)
{
    memset(def, 0, sizeof *def);
    def->name = "DOWNLINK";
    def->description = "telemetry and science to the radios, storage while out of contact";
    def->init = dl_init;
    def->step = dl_step;
    def->rate_hz = 1.0;
    def->slot = 90; /* late in the major frame: after the apps that publish */
    def->priority = 100;
    def->context = dl;
    def->pipe_depth = 256;
    def->reset_counters = dl_reset;
}
