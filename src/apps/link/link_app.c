// SPDX-License-Identifier: Apache-2.0
//
// LINK app: the station's space link endpoint, in the tradition of cFS TO (telemetry
// output) and CI (command ingest). Downlink: subscribed telemetry → TM virtual
// channel multiplexer (CCSDS 132.0-B-3, ccsds.h) → fixed-length frames with the
// FARM-1 CLCW in the OCF (132.0-B-3 §4.1.5, 232.0-B-4 §4.2) → output callback, at
// most rate x period bits per step. Uplink: TC frames (232.0-B-4) → decode → FARM-1
// (232.1-B-2 §6) → command packets → ilrs_fsw_command() (dictionary check), with one
// LINK_CMD_RESPONSE packet per command. The codecs are ilrs's own (ccsds.h): no
// maintained C library implements the CCSDS space data link protocols with COP-1.
// Events in link_eid.h.
#include <stdlib.h>

#include <ilrs/ccsds.h>

#include "apps/apps_int.h"
#include "apps/link/link_eid.h"

#define VC_NONE      0xFFu
#define TC_FRAME_MAX ILRS_CCSDS_TC_MAX_FRAME_LEN

struct ilrs_link_app {
    ilrs_link_config_t cfg;
    ilrs_ccsds_tm_mux_t mux;
    ilrs_ccsds_farm_t farm;
    ilrs_ccsds_tc_config_t tc;
    uint8_t vc_of[ILRS_CCSDS_APID_MAX + 1];
    uint8_t *queues[ILRS_CCSDS_TM_VC_COUNT];
    uint8_t *frame;
    /* uplink queue (ring of whole frames) */
    uint8_t up[ILRS_LINK_UPLINK_QUEUE][TC_FRAME_MAX];
    uint16_t up_len[ILRS_LINK_UPLINK_QUEUE];
    size_t up_head, up_count;
    uint8_t in_buf[TC_FRAME_MAX];
    /* response packet */
    const ilrs_dict_packet_t *resp_def;
    uint8_t resp[ILRS_LINK_RESPONSE_LEN];
    uint16_t resp_seq;
    uint16_t radio_id;
    ilrs_tai_t last_step;
    bool started;
    double budget_bits;
    ilrs_link_status_t st;
    uint8_t farm_state;
    uint8_t farm_vr;
};

void ilrs_link_reference_routes(ilrs_link_config_t *cfg)
{
    static const uint16_t vc0[] = {
        ILRS_FSW_APID_EXEC,     ILRS_FSW_APID_EVS,      ILRS_FSW_APID_SB,
        ILRS_FSW_APID_TIME,     ILRS_FSW_APID_TBL,      ILRS_FSW_APID_HK,
        ILRS_FSW_APID_CMD,      ILRS_FSW_APID_EVENTS,   ILRS_APPS_APID_POWER,
        ILRS_APPS_APID_THERMAL, ILRS_APPS_APID_PAYLOAD, ILRS_APPS_APID_MODE,
        ILRS_APPS_APID_STORAGE, ILRS_APPS_APID_COMM,    ILRS_APPS_APID_HS,
        ILRS_APPS_APID_LC,      ILRS_APPS_APID_SC,      ILRS_LINK_APID_HK};
    cfg->route_count = 0;
    for (size_t i = 0; i < APPS_COUNT(vc0); i++) {
        cfg->routes[cfg->route_count++] = (ilrs_link_route_t){vc0[i], ILRS_CCSDS_VC_HOUSEKEEPING};
    }
    cfg->routes[cfg->route_count++] =
        (ilrs_link_route_t){ILRS_APPS_APID_PLD_DATA, ILRS_CCSDS_VC_SCIENCE};
    for (uint16_t i = 0; i < 8; i++) {
        cfg->routes[cfg->route_count++] =
            (ilrs_link_route_t){(uint16_t)(ILRS_APPS_APID_PAYLOAD_BASE + i), ILRS_CCSDS_VC_SCIENCE};
    }
}

int ilrs_link_app_create(const ilrs_link_config_t *cfg, ilrs_link_app_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (cfg == NULL || out == NULL || cfg->output == NULL || cfg->scid > ILRS_CCSDS_SCID_MAX ||
        cfg->tc_vcid > ILRS_CCSDS_TC_VCID_MAX || (cfg->farm_window & 1u) != 0 ||
        cfg->farm_window == 255 || cfg->route_count > ILRS_LINK_MAX_ROUTES ||
        !(cfg->rate_bps >= 0) || !(cfg->rate_hz >= 0) ||
        (cfg->hal != NULL && cfg->radio[0] == '\0') || cfg->response_apid >= ILRS_CCSDS_APID_IDLE) {
        ilrs_log(ILRS_LOG_ERROR, "link", "invalid LINK configuration");
        return ILRS_EINVAL;
    }
    for (size_t i = 0; i < cfg->route_count; i++) {
        if (cfg->routes[i].vc >= ILRS_CCSDS_VC_IDLE ||
            cfg->routes[i].apid >= ILRS_CCSDS_APID_IDLE) {
            ilrs_log(ILRS_LOG_ERROR, "link", "route %zu: APID %u or VC %u out of range", i,
                     (unsigned)cfg->routes[i].apid, (unsigned)cfg->routes[i].vc);
            return ILRS_EINVAL;
        }
    }
    ilrs_link_app_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    a->cfg = *cfg;
    if (a->cfg.frame_len == 0) {
        a->cfg.frame_len = ILRS_LINK_DEFAULT_FRAME_LEN;
    }
    if (a->cfg.farm_window == 0) {
        a->cfg.farm_window = 16;
    }
    if (a->cfg.vc_queue_octets == 0) {
        a->cfg.vc_queue_octets = 65536;
    }
    if (a->cfg.response_apid == 0) {
        a->cfg.response_apid = ILRS_LINK_APID_CMD_RESPONSE;
    }
    int rc = 0;
    ilrs_ccsds_tm_config_t tm = {
        .scid = a->cfg.scid, .frame_len = a->cfg.frame_len, .has_ocf = true, .has_fecf = true};
    if (ilrs_ccsds_tm_mux_init(&a->mux, &tm) != 0 ||
        ilrs_ccsds_farm_init(&a->farm, a->cfg.tc_vcid, a->cfg.farm_window) != 0) {
        ilrs_log(ILRS_LOG_ERROR, "link", "frame length %u or FARM window %u invalid",
                 (unsigned)a->cfg.frame_len, (unsigned)a->cfg.farm_window);
        rc = ILRS_EINVAL;
        goto out_free;
    }
    a->tc = (ilrs_ccsds_tc_config_t){.scid = a->cfg.scid, .has_fecf = true};
    memset(a->vc_of, VC_NONE, sizeof a->vc_of);
    for (size_t i = 0; i < a->cfg.route_count; i++) {
        a->vc_of[a->cfg.routes[i].apid] = a->cfg.routes[i].vc;
    }
    /* command responses always go down on VC 0 */
    a->vc_of[a->cfg.response_apid] = ILRS_CCSDS_VC_HOUSEKEEPING;
    for (size_t apid = 0; apid < ILRS_CCSDS_APID_IDLE; apid++) {
        uint8_t vc = a->vc_of[apid];
        if (vc != VC_NONE && a->queues[vc] == NULL) {
            a->queues[vc] = malloc(a->cfg.vc_queue_octets);
            if (a->queues[vc] == NULL) {
                rc = ILRS_ENOMEM;
                goto out_free;
            }
            /* priority: real-time first, then science, then playback */
            uint8_t prio = vc == ILRS_CCSDS_VC_HOUSEKEEPING ? 0
                           : vc == ILRS_CCSDS_VC_SCIENCE    ? 1
                                                            : 2;
            rc = ilrs_ccsds_tm_mux_add_vc(&a->mux, vc, prio, a->queues[vc], a->cfg.vc_queue_octets);
            if (rc != 0) {
                goto out_free;
            }
        }
    }
    a->frame = malloc(a->cfg.frame_len);
    if (a->frame == NULL) {
        rc = ILRS_ENOMEM;
        goto out_free;
    }
    *out = a;
    return 0;
out_free:
    ilrs_link_app_destroy(a);
    return rc;
}

void ilrs_link_app_destroy(ilrs_link_app_t *app)
{
    if (app == NULL) {
        return;
    }
    for (size_t i = 0; i < ILRS_CCSDS_TM_VC_COUNT; i++) {
        free(app->queues[i]);
    }
    free(app->frame);
    free(app);
}

int ilrs_link_app_uplink(ilrs_link_app_t *app, const uint8_t *frame, size_t len)
{
    if (app == NULL || frame == NULL || len == 0 || len > TC_FRAME_MAX) {
        return ILRS_EINVAL;
    }
    if (app->up_count == ILRS_LINK_UPLINK_QUEUE) {
        app->st.tc_queue_full++;
        return ILRS_EFULL;
    }
    size_t slot = (app->up_head + app->up_count) % ILRS_LINK_UPLINK_QUEUE;
    memcpy(app->up[slot], frame, len);
    app->up_len[slot] = (uint16_t)len;
    app->up_count++;
    return 0;
}

void ilrs_link_app_status(const ilrs_link_app_t *app, ilrs_link_status_t *out)
{
    *out = app->st;
}

static const apps_event_t events[] = {
    {LINK_TC_ERR_EID, "LINK_TC_ERR", ILRS_EVENT_ERROR, "TC frame of %zu octets rejected: %s",
     "a received TC frame failed the decoder (FECF, spacecraft ID, length or flags)"},
    {LINK_FARM_ERR_EID, "LINK_FARM_ERR", ILRS_EVENT_ERROR,
     "TC frame N(S) %u refused by FARM-1 (V(R) %u): %s",
     "FARM-1 refused a TC frame (out of sequence, lockout, wait, other VC, bad control command)"},
    {LINK_UPCMD_ERR_EID, "LINK_UPCMD_ERR", ILRS_EVENT_ERROR,
     "uplinked command APID 0x%03X seq %u: %s",
     "an uplinked command packet was rejected by the ingest or is not a whole packet"},
    {LINK_DROP_ERR_EID, "LINK_DROP_ERR", ILRS_EVENT_ERROR, "telemetry APID 0x%03X dropped: %s",
     "a telemetry packet could not be queued for downlink (queue full or malformed)"},
    {LINK_HAL_ERR_EID, "LINK_HAL_ERR", ILRS_EVENT_ERROR, "hal radio '%s': %s",
     "the configured radio is missing"},
    {LINK_UPCMD_INF_EID, "LINK_UPCMD_INF", ILRS_EVENT_DEBUG,
     "uplinked command APID 0x%03X seq %u accepted", "an uplinked command passed the ingest"},
};

static const ilrs_dict_field_t resp_fields[] = {
    {.name = "cmd_apid", .type = ILRS_DICT_U16, .description = "APID of the uplinked command"},
    {.name = "cmd_seq", .type = ILRS_DICT_U16, .description = "its packet sequence count"},
    {.name = "function_code", .type = ILRS_DICT_U8, .description = "its function code"},
    {.name = "result",
     .type = ILRS_DICT_I32,
     .description = "ilrs_fsw_command() result: 0 accepted, else the ILRS_E code"},
    {.name = "frame_seq", .type = ILRS_DICT_U8, .description = "N(S) of the carrying TC frame"},
    {.name = "packet_index",
     .type = ILRS_DICT_U16,
     .description = "index of the packet in the frame's data field"},
};

static int link_init(ilrs_app_t *app, void *ctx)
{
    ilrs_link_app_t *a = ctx;
    int rc = apps_register_events(app, events, APPS_COUNT(events));
    if (rc == 0 && a->cfg.hal != NULL) {
        rc = ilrs_hal_find(a->cfg.hal, ILRS_HAL_RADIO, a->cfg.radio, &a->radio_id);
        if (rc != 0) {
            ilrs_app_event(app, LINK_HAL_ERR_EID, ILRS_EVENT_ERROR, "hal radio '%s': %s",
                           a->cfg.radio, ilrs_strerror(rc));
        }
    }
    if (rc == 0) {
        ilrs_dict_packet_t pkt = {.name = "LINK_CMD_RESPONSE",
                                  .apid = a->cfg.response_apid,
                                  .description = "result of one uplinked command's ingest",
                                  .fields = resp_fields,
                                  .field_count = APPS_COUNT(resp_fields)};
        rc = ilrs_app_register_packet(app, &pkt, &a->resp_def);
        if (rc == 0 && a->resp_def->length != ILRS_LINK_RESPONSE_LEN) {
            rc = ILRS_EFSW_DICT;
        }
    }
    bool resp_routed = false;
    for (size_t i = 0; rc == 0 && i < a->cfg.route_count; i++) {
        resp_routed = resp_routed || a->cfg.routes[i].apid == a->cfg.response_apid;
        rc = ilrs_app_subscribe(app, ilrs_msgid_tlm(a->cfg.routes[i].apid), 0);
    }
    if (rc == 0 && !resp_routed) {
        rc = ilrs_app_subscribe(app, ilrs_msgid_tlm(a->cfg.response_apid), 0);
    }
    const apps_counter_t counters[] = {
        {"tm_frames", NULL, ILRS_DICT_U64, &a->st.tm_frames},
        {"idle_frames", NULL, ILRS_DICT_U64, &a->st.idle_frames},
        {"tm_packets", NULL, ILRS_DICT_U64, &a->st.tm_packets},
        {"tm_octets", "B", ILRS_DICT_U64, &a->st.tm_octets},
        {"tm_dropped", NULL, ILRS_DICT_U64, &a->st.tm_dropped},
        {"tm_bad", NULL, ILRS_DICT_U64, &a->st.tm_bad},
        {"output_errors", NULL, ILRS_DICT_U64, &a->st.output_errors},
        {"rate_limited", NULL, ILRS_DICT_U64, &a->st.rate_limited},
        {"tc_frames", NULL, ILRS_DICT_U64, &a->st.tc_frames},
        {"tc_crc", NULL, ILRS_DICT_U64, &a->st.tc_crc},
        {"tc_scid", NULL, ILRS_DICT_U64, &a->st.tc_scid},
        {"tc_format", NULL, ILRS_DICT_U64, &a->st.tc_format},
        {"tc_queue_full", NULL, ILRS_DICT_U64, &a->st.tc_queue_full},
        {"farm_accepted", NULL, ILRS_DICT_U64, &a->st.farm_accepted},
        {"farm_rejected", NULL, ILRS_DICT_U64, &a->st.farm_rejected},
        {"farm_lockouts", NULL, ILRS_DICT_U64, &a->st.farm_lockouts},
        {"farm_state", NULL, ILRS_DICT_U8, &a->farm_state},
        {"farm_vr", NULL, ILRS_DICT_U8, &a->farm_vr},
        {"up_packets", NULL, ILRS_DICT_U64, &a->st.cmd_packets},
        {"up_accepted", NULL, ILRS_DICT_U64, &a->st.cmd_accepted},
        {"up_rejected", NULL, ILRS_DICT_U64, &a->st.cmd_rejected},
        {"up_bad", NULL, ILRS_DICT_U64, &a->st.cmd_bad},
        {"clcw", NULL, ILRS_DICT_U32, &a->st.clcw},
    };
    if (rc == 0) {
        rc = apps_hk_counters(app, counters, APPS_COUNT(counters));
    }
    a->farm_state = a->farm.state;
    a->last_step = ilrs_app_time(app);
    a->started = false;
    a->budget_bits = 0;
    return rc;
}

/* Publish the response to one uplinked command (and queue it on VC 0 at once). */
static void respond(ilrs_app_t *app, ilrs_link_app_t *a, const uint8_t *pkt, size_t len, int result,
                    uint8_t frame_seq, uint16_t index)
{
    uint8_t *r = a->resp;
    if (ilrs_ccsds_tlm_init(r, sizeof a->resp, a->cfg.response_apid, ILRS_LINK_RESPONSE_LEN,
                            ilrs_app_time(app)) != 0) {
        return;
    }
    ilrs_ccsds_set_seq_count(r, (uint16_t)(a->resp_seq++ & 0x3FFFu));
    bool hdr = len >= ILRS_CCSDS_PRIMARY_LEN;
    ilrs_put_be16(r + ILRS_LINK_RESPONSE_OFF_APID, hdr ? ilrs_ccsds_get_apid(pkt) : 0);
    ilrs_put_be16(r + ILRS_LINK_RESPONSE_OFF_SEQ, hdr ? ilrs_ccsds_get_seq_count(pkt) : 0);
    r[ILRS_LINK_RESPONSE_OFF_FC] = len > 6 ? (uint8_t)(pkt[6] & 0x7Fu) : 0;
    ilrs_put_be32(r + ILRS_LINK_RESPONSE_OFF_RESULT, (uint32_t)result);
    r[ILRS_LINK_RESPONSE_OFF_FRAME] = frame_seq;
    ilrs_put_be16(r + ILRS_LINK_RESPONSE_OFF_INDEX, index);
    (void)ilrs_app_publish(app, r, ILRS_LINK_RESPONSE_LEN);
}

/* The command packets of one accepted AD/BD frame's data field, in order. */
static void ingest(ilrs_app_t *app, ilrs_link_app_t *a, const ilrs_ccsds_tc_frame_t *f)
{
    size_t off = 0;
    uint16_t index = 0;
    while (off < f->data_len) {
        const uint8_t *p = f->data + off;
        size_t plen = 0;
        int rc = ilrs_ccsds_packet_check(p, f->data_len - off, &plen);
        if (rc != 0) {
            a->st.cmd_bad++;
            ilrs_app_event(app, LINK_UPCMD_ERR_EID, ILRS_EVENT_ERROR,
                           "uplinked command APID 0x%03X seq %u: %s",
                           f->data_len - off >= 6 ? (unsigned)ilrs_ccsds_get_apid(p) : 0u,
                           f->data_len - off >= 6 ? (unsigned)ilrs_ccsds_get_seq_count(p) : 0u,
                           ilrs_strerror(rc));
            respond(app, a, p, f->data_len - off, rc, f->seq, index);
            return;
        }
        a->st.cmd_packets++;
        rc = ilrs_fsw_command(ilrs_app_fsw(app), p, plen);
        if (rc == 0) {
            a->st.cmd_accepted++;
            ilrs_app_event(app, LINK_UPCMD_INF_EID, ILRS_EVENT_DEBUG,
                           "uplinked command APID 0x%03X seq %u accepted",
                           (unsigned)ilrs_ccsds_get_apid(p), (unsigned)ilrs_ccsds_get_seq_count(p));
        } else {
            a->st.cmd_rejected++;
            ilrs_app_event(app, LINK_UPCMD_ERR_EID, ILRS_EVENT_ERROR,
                           "uplinked command APID 0x%03X seq %u: %s",
                           (unsigned)ilrs_ccsds_get_apid(p), (unsigned)ilrs_ccsds_get_seq_count(p),
                           ilrs_strerror(rc));
        }
        respond(app, a, p, plen, rc, f->seq, index);
        off += plen;
        index++;
    }
}

static void uplink_frame(ilrs_app_t *app, ilrs_link_app_t *a, const uint8_t *buf, size_t len)
{
    a->st.tc_frames++;
    ilrs_ccsds_tc_frame_t f;
    int rc = ilrs_ccsds_tc_frame_decode(&a->tc, buf, len, &f);
    if (rc != 0) {
        if (rc == ILRS_ECRC) {
            a->st.tc_crc++;
        } else if (rc == ILRS_ECCSDS_SCID) {
            a->st.tc_scid++;
        } else {
            a->st.tc_format++;
        }
        ilrs_app_event(app, LINK_TC_ERR_EID, ILRS_EVENT_ERROR,
                       "TC frame of %zu octets rejected: %s", len, ilrs_strerror(rc));
        return;
    }
    uint8_t vr = a->farm.vr;
    uint64_t lockouts = a->farm.lockouts;
    rc = ilrs_ccsds_farm_receive(&a->farm, &f, true);
    a->st.farm_lockouts += a->farm.lockouts - lockouts;
    if (rc != 0) {
        a->st.farm_rejected++;
        ilrs_app_event(app, LINK_FARM_ERR_EID, ILRS_EVENT_ERROR,
                       "TC frame N(S) %u refused by FARM-1 (V(R) %u): %s", (unsigned)f.seq,
                       (unsigned)vr, ilrs_strerror(rc));
        return;
    }
    a->st.farm_accepted++;
    if (!f.control) {
        ingest(app, a, &f);
    }
}

/* Rate in bit/s and whether the link is up (hal radio, or the configured rate). */
static double link_rate(ilrs_link_app_t *a, bool *up)
{
    *up = true;
    if (a->cfg.hal == NULL) {
        return a->cfg.rate_bps;
    }
    ilrs_hal_radio_status_t rs;
    if (ilrs_hal_radio_status(a->cfg.hal, a->radio_id, &rs) != 0 || !rs.link_up) {
        *up = false;
        return 0;
    }
    return rs.rate_bps;
}

static bool anything_queued(const ilrs_link_app_t *a)
{
    for (uint8_t vc = 0; vc < ILRS_CCSDS_VC_IDLE; vc++) {
        if (ilrs_ccsds_tm_mux_pending(&a->mux, vc) > 0) {
            return true;
        }
    }
    return false;
}

static void emit_frame(ilrs_link_app_t *a)
{
    uint8_t vc = 0;
    uint32_t clcw = ilrs_ccsds_farm_clcw(&a->farm);
    if (ilrs_ccsds_tm_mux_next_frame(&a->mux, clcw, a->frame, a->cfg.frame_len, &vc) != 0) {
        return;
    }
    a->st.clcw = clcw;
    a->st.tm_frames++;
    if (vc == ILRS_CCSDS_VC_IDLE) {
        a->st.idle_frames++;
    }
    if (a->cfg.output(a->cfg.output_user, a->frame, a->cfg.frame_len) != 0) {
        a->st.output_errors++;
    }
}

static int link_step(ilrs_app_t *app, void *ctx)
{
    ilrs_link_app_t *a = ctx;
    ilrs_tai_t now = ilrs_app_time(app);
    double dt = a->started ? apps_seconds(now, a->last_step)
                           : 1.0 / (a->cfg.rate_hz > 0 ? a->cfg.rate_hz : 10.0);
    a->started = true;
    a->last_step = now;
    /* uplink: queued frames, then the input callback */
    while (a->up_count > 0) {
        size_t slot = a->up_head;
        uplink_frame(app, a, a->up[slot], a->up_len[slot]);
        a->up_head = (a->up_head + 1) % ILRS_LINK_UPLINK_QUEUE;
        a->up_count--;
    }
    if (a->cfg.input != NULL) {
        size_t len = 0;
        while (a->cfg.input(a->cfg.input_user, a->in_buf, sizeof a->in_buf, &len) == 0) {
            uplink_frame(app, a, a->in_buf, len);
        }
    }
    a->farm_state = a->farm.state;
    a->farm_vr = a->farm.vr;
    /* downlink: subscribed telemetry into the VC queues */
    const uint8_t *pkt;
    size_t len;
    while (ilrs_app_receive(app, &pkt, &len) == 0) {
        uint16_t apid = len >= 6 ? ilrs_ccsds_get_apid(pkt) : 0;
        uint8_t vc = a->vc_of[apid & ILRS_CCSDS_APID_MAX];
        int rc = vc == VC_NONE ? ILRS_ECCSDS_APID : ilrs_ccsds_tm_mux_push(&a->mux, vc, pkt, len);
        if (rc == 0) {
            a->st.tm_packets++;
            a->st.tm_octets += len;
        } else {
            if (rc == ILRS_EFULL) {
                a->st.tm_dropped++;
            } else {
                a->st.tm_bad++;
            }
            ilrs_app_event(app, LINK_DROP_ERR_EID, ILRS_EVENT_ERROR,
                           "telemetry APID 0x%03X dropped: %s", (unsigned)apid, ilrs_strerror(rc));
        }
    }
    /* frames, within the rate budget */
    bool up = true;
    double rate = link_rate(a, &up);
    if (!up) {
        a->budget_bits = 0;
        return 0;
    }
    double frame_bits = 8.0 * a->cfg.frame_len;
    if (rate <= 0) {
        /* unlimited: everything queued, or one idle frame for the CLCW */
        int n = 0;
        while (anything_queued(a) || n == 0) {
            emit_frame(a);
            n++;
        }
        return 0;
    }
    double step_bits = rate * dt;
    a->budget_bits += step_bits;
    /* never save more than one step (and one frame) for later: no bursts after a pause */
    double cap = step_bits + frame_bits;
    if (a->budget_bits > cap) {
        a->budget_bits = cap;
    }
    int n = 0;
    while (a->budget_bits >= frame_bits && (anything_queued(a) || n == 0)) {
        emit_frame(a);
        a->budget_bits -= frame_bits;
        n++;
    }
    if (anything_queued(a)) {
        a->st.rate_limited++;
    }
    return 0;
}

void ilrs_link_app_def(ilrs_link_app_t *app, ilrs_app_def_t *def)
{
    memset(def, 0, sizeof *def);
    def->name = "LINK";
    def->description = "link: TM frames down (VC mux, CLCW), TC frames up (FARM-1, ingest)";
    def->init = link_init;
    def->step = link_step;
    def->rate_hz = app->cfg.rate_hz > 0 ? app->cfg.rate_hz : 10.0;
    def->priority = 19;
    def->context = app;
    def->apid = app->cfg.apid;
    def->pipe_depth = 256;
}
