// SPDX-License-Identifier: Apache-2.0
//
// Ground end of the space link (ground_link.h). Downlink: UDP datagrams, one TM
// transfer frame each (CCSDS 132.0-B-3), into the ccsds demultiplexer; its packets
// go to the archive (ilrs_ground_archive_ingest) and, field by field, to the live
// server (ilrs_ground_server_publish); the OCF's CLCW drives FOP-1. Uplink: the
// command packets the server queues get their own sequence count, go through FOP-1
// (CCSDS 232.1-B-2 §5, ccsds.h) one packet per AD frame, and leave as TC frames
// (232.0-B-4) by UDP. Command states move on through the source's command_update
// hook (see the header for the life cycle). COP-1 and the frame codecs are ilrs's
// own (ccsds.h); sockets are plain POSIX.
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <ilrs/ground_link.h>

#define NO_SLOT     (-1)
#define CMD_MAX_LEN 1017u /* TC frame data field with FECF, 232.0-B-4 §4.1.3 */
#define FOP_SLOTS   9u    /* K_max 8 + the wait queue */
#define TM_PKT_MAX  ILRS_CCSDS_MAX_PACKET_LEN

typedef struct cmd_slot {
    bool used;
    int64_t id;
    uint16_t apid, seq;
    ilrs_ground_cmd_state_t state;
    uint64_t order; /* queue order, for eviction of the oldest */
    uint8_t pkt[CMD_MAX_LEN];
    size_t len;
} cmd_slot_t;

struct ilrs_ground_link {
    ilrs_ground_link_config_t cfg;
    pthread_mutex_t mu;
    ilrs_ccsds_tm_demux_t demux;
    ilrs_ccsds_seq_tracker_t seq;
    ilrs_ccsds_fop_t fop;
    uint8_t fop_storage[FOP_SLOTS * CMD_MAX_LEN];
    uint8_t *vc_buf[ILRS_CCSDS_TM_VC_COUNT];
    ilrs_ground_source_t inner;
    bool has_inner;
    /* commands */
    cmd_slot_t cmds[ILRS_GROUND_LINK_MAX_COMMANDS];
    int fifo[ILRS_GROUND_LINK_MAX_COMMANDS]; /* slots waiting for FOP-1, in order */
    size_t fifo_head, fifo_count;
    int wait_slot;    /* slot in FOP-1's wait queue */
    int ns_slot[256]; /* slot carried by the AD frame N(S), until acknowledged */
    uint16_t cmd_seq; /* next command packet sequence count */
    uint64_t order;
    bool initiated;
    uint64_t purged_seen;
    ilrs_ground_link_stats_t st;
    ilrs_tai_t rx_time; /* receive time of the frame being demultiplexed */
    uint64_t flushed_at;  /* archived count at the last flush (UDP service) */
    ilrs_tai_t last_flush;
    uint8_t tc[ILRS_CCSDS_TC_MAX_FRAME_LEN];
    /* UDP */
    int sock;
    uint16_t port;
    bool has_station;
    struct sockaddr_storage station;
    socklen_t station_len;
    pthread_t thread;
    bool thread_on;
    atomic_bool stop;
    uint8_t rx[ILRS_CCSDS_TM_MAX_FRAME_LEN + 1];
};

/* ---- command states ------------------------------------------------------------ */

static void set_state(ilrs_ground_link_t *l, cmd_slot_t *c, ilrs_ground_cmd_state_t state,
                      const char *detail)
{
    if (c->state == state) {
        return;
    }
    c->state = state;
    switch (state) {
    case ILRS_GROUND_CMDSTATE_SENT:
        l->st.commands_sent++;
        break;
    case ILRS_GROUND_CMDSTATE_ACCEPTED:
        l->st.commands_accepted++;
        break;
    case ILRS_GROUND_CMDSTATE_EXECUTED:
        l->st.commands_executed++;
        break;
    case ILRS_GROUND_CMDSTATE_FAILED:
        l->st.commands_failed++;
        break;
    default:
        break;
    }
    if (l->has_inner && l->inner.command_update != NULL) {
        int rc = l->inner.command_update(l->inner.ctx, c->id, state, ilrs_ground_now_ms(),
                                         detail != NULL ? detail : "");
        if (rc != 0) {
            l->st.update_errors++;
            ilrs_log(ILRS_LOG_WARN, "ground_link", "command %lld: state %s not recorded: %s",
                     (long long)c->id, ilrs_ground_cmd_state_name(state), ilrs_strerror(rc));
        }
    }
    if (state == ILRS_GROUND_CMDSTATE_EXECUTED || state == ILRS_GROUND_CMDSTATE_FAILED) {
        c->used = false;
    }
}

/* A free slot; when none, the oldest accepted command (its response was lost) is let go. */
static int slot_alloc(ilrs_ground_link_t *l)
{
    int oldest = NO_SLOT;
    for (int i = 0; i < (int)ILRS_GROUND_LINK_MAX_COMMANDS; i++) {
        if (!l->cmds[i].used) {
            return i;
        }
        if (l->cmds[i].state == ILRS_GROUND_CMDSTATE_ACCEPTED &&
            (oldest == NO_SLOT || l->cmds[i].order < l->cmds[oldest].order)) {
            oldest = i;
        }
    }
    if (oldest != NO_SLOT) {
        ilrs_log(ILRS_LOG_WARN, "ground_link",
                 "command %lld: no response seen, left in state accepted",
                 (long long)l->cmds[oldest].id);
        l->cmds[oldest].used = false;
        for (size_t n = 0; n < 256; n++) {
            if (l->ns_slot[n] == oldest) {
                l->ns_slot[n] = NO_SLOT;
            }
        }
    }
    return oldest;
}

static int queue_command(ilrs_ground_link_t *l, int64_t id, const uint8_t *pkt, size_t len)
{
    const char *why = NULL;
    int rc = 0;
    size_t plen = 0;
    if (len > CMD_MAX_LEN) {
        why = "command packet longer than a TC frame's data field (1017 octets)";
        rc = ILRS_EINVAL;
    } else if (ilrs_ccsds_packet_check(pkt, len, &plen) != 0 || plen != len ||
               !ilrs_ccsds_is_cmd(pkt)) {
        why = "not a single command space packet";
        rc = ILRS_EINVAL;
    }
    int s = rc == 0 && l->fifo_count < ILRS_GROUND_LINK_MAX_COMMANDS ? slot_alloc(l) : NO_SLOT;
    if (rc == 0 && s == NO_SLOT) {
        why = "uplink queue full";
        rc = ILRS_EFULL;
    }
    if (rc != 0) {
        l->st.commands_refused++;
        ilrs_log(ILRS_LOG_ERROR, "ground_link", "command %lld refused: %s", (long long)id, why);
        cmd_slot_t tmp = {.used = true, .id = id, .state = ILRS_GROUND_CMDSTATE_QUEUED};
        set_state(l, &tmp, ILRS_GROUND_CMDSTATE_FAILED, why);
        return rc;
    }
    cmd_slot_t *c = &l->cmds[s];
    memset(c, 0, offsetof(cmd_slot_t, pkt));
    c->used = true;
    c->id = id;
    c->state = ILRS_GROUND_CMDSTATE_QUEUED;
    c->order = l->order++;
    memcpy(c->pkt, pkt, len);
    c->len = len;
    /* our own sequence count names the command in the station's response */
    c->seq = (uint16_t)(l->cmd_seq++ & 0x3FFFu);
    c->apid = ilrs_ccsds_get_apid(pkt);
    ilrs_ccsds_set_seq_count(c->pkt, c->seq);
    ilrs_ccsds_cmd_seal(c->pkt, len);
    l->fifo[(l->fifo_head + l->fifo_count) % ILRS_GROUND_LINK_MAX_COMMANDS] = s;
    l->fifo_count++;
    l->st.commands_queued++;
    return 0;
}

/* ---- bound source ---------------------------------------------------------------- */

static int src_history(void *ctx, const char *name, int64_t s, int64_t e,
                       ilrs_ground_source_strategy_t strategy, size_t size,
                       int (*fn)(void *user, const ilrs_ground_point_t *p), void *user)
{
    ilrs_ground_link_t *l = ctx;
    if (l->inner.history == NULL) {
        return ILRS_ENOENT;
    }
    pthread_mutex_lock(&l->mu);
    int rc = l->inner.history(l->inner.ctx, name, s, e, strategy, size, fn, user);
    pthread_mutex_unlock(&l->mu);
    return rc;
}

static int src_events(void *ctx, const char *owner, int64_t s, int64_t e,
                      int (*fn)(void *user, const ilrs_ground_source_event_t *ev), void *user)
{
    ilrs_ground_link_t *l = ctx;
    if (l->inner.events == NULL) {
        return 0;
    }
    pthread_mutex_lock(&l->mu);
    int rc = l->inner.events(l->inner.ctx, owner, s, e, fn, user);
    pthread_mutex_unlock(&l->mu);
    return rc;
}

static int src_command_add(void *ctx, const char *name, const char *owner, const char *issuer,
                           const char *args_json, const uint8_t *pkt, size_t len, int64_t now_ms,
                           int64_t *id)
{
    ilrs_ground_link_t *l = ctx;
    pthread_mutex_lock(&l->mu);
    int rc =
        l->inner.command_add(l->inner.ctx, name, owner, issuer, args_json, pkt, len, now_ms, id);
    if (rc == 0) {
        (void)queue_command(l, *id, pkt, len); /* a refusal marks it failed */
    }
    pthread_mutex_unlock(&l->mu);
    return rc;
}

static int src_command_update(void *ctx, int64_t id, ilrs_ground_cmd_state_t state, int64_t now_ms,
                              const char *detail)
{
    ilrs_ground_link_t *l = ctx;
    pthread_mutex_lock(&l->mu);
    int rc = l->inner.command_update(l->inner.ctx, id, state, now_ms, detail);
    pthread_mutex_unlock(&l->mu);
    return rc;
}

static int src_commands(void *ctx, const char *owner, int64_t s, int64_t e,
                        int (*fn)(void *user, const ilrs_ground_source_command_t *c), void *user)
{
    ilrs_ground_link_t *l = ctx;
    if (l->inner.commands == NULL) {
        return 0;
    }
    pthread_mutex_lock(&l->mu);
    int rc = l->inner.commands(l->inner.ctx, owner, s, e, fn, user);
    pthread_mutex_unlock(&l->mu);
    return rc;
}

static int src_files(void *ctx, const char *partner, const char *name,
                     int (*fn)(void *user, const ilrs_ground_file_t *f), void *user)
{
    ilrs_ground_link_t *l = ctx;
    if (l->inner.files == NULL) {
        return 0;
    }
    pthread_mutex_lock(&l->mu);
    int rc = l->inner.files(l->inner.ctx, partner, name, fn, user);
    pthread_mutex_unlock(&l->mu);
    return rc;
}

int ilrs_ground_link_bind_source(ilrs_ground_link_t *link, const ilrs_ground_source_t *inner,
                                 ilrs_ground_source_t *out)
{
    if (link == NULL || inner == NULL || out == NULL || inner->command_add == NULL ||
        inner->command_update == NULL) {
        return ILRS_EINVAL;
    }
    pthread_mutex_lock(&link->mu);
    link->inner = *inner;
    link->has_inner = true;
    pthread_mutex_unlock(&link->mu);
    *out = (ilrs_ground_source_t){.ctx = link,
                                  .history = src_history,
                                  .events = src_events,
                                  .command_add = src_command_add,
                                  .command_update = src_command_update,
                                  .commands = src_commands,
                                  .files = src_files};
    return 0;
}

int ilrs_ground_link_command(ilrs_ground_link_t *link, int64_t id, const uint8_t *pkt, size_t len,
                             int64_t now_ms)
{
    (void)now_ms;
    if (link == NULL || pkt == NULL) {
        return ILRS_EINVAL;
    }
    pthread_mutex_lock(&link->mu);
    int rc = queue_command(link, id, pkt, len);
    pthread_mutex_unlock(&link->mu);
    return rc;
}

/* ---- downlink --------------------------------------------------------------------- */

static void on_response(ilrs_ground_link_t *l, const uint8_t *pkt, size_t len)
{
    l->st.responses++;
    if (len < 21) {
        l->st.responses_unmatched++;
        return;
    }
    uint16_t apid = ilrs_get_be16(pkt + 12);
    uint16_t seq = ilrs_get_be16(pkt + 14);
    int32_t result = (int32_t)ilrs_get_be32(pkt + 17);
    for (size_t i = 0; i < ILRS_GROUND_LINK_MAX_COMMANDS; i++) {
        cmd_slot_t *c = &l->cmds[i];
        if (c->used && c->state >= ILRS_GROUND_CMDSTATE_SENT && c->apid == apid && c->seq == seq) {
            if (c->state == ILRS_GROUND_CMDSTATE_SENT) {
                /* the response proves FARM-1 took the frame (its CLCW may come later) */
                set_state(l, c, ILRS_GROUND_CMDSTATE_ACCEPTED, "");
            }
            for (size_t n = 0; n < 256; n++) {
                if (l->ns_slot[n] == (int)i) {
                    l->ns_slot[n] = NO_SLOT;
                }
            }
            char detail[160];
            if (result == 0) {
                set_state(l, c, ILRS_GROUND_CMDSTATE_EXECUTED, "accepted by the station's ingest");
            } else {
                snprintf(detail, sizeof detail, "rejected by the station's ingest: %s (%d)",
                         ilrs_strerror(result), (int)result);
                set_state(l, c, ILRS_GROUND_CMDSTATE_FAILED, detail);
            }
            return;
        }
    }
    l->st.responses_unmatched++;
}

static void publish(ilrs_ground_link_t *l, const uint8_t *pkt, size_t len)
{
    const ilrs_dict_packet_t *def = ilrs_dict_find_packet(l->cfg.dict, ilrs_ccsds_get_apid(pkt));
    ilrs_tai_t t = 0;
    if (def == NULL || ilrs_ccsds_tlm_get_time(pkt, len, &t) != 0) {
        return;
    }
    int64_t ms = ilrs_ground_archive_to_unix_ms(ilrs_ground_time_ms(t));
    char name[2 * ILRS_DICT_NAME_MAX + 2];
    for (size_t i = 0; i < def->field_count; i++) {
        const ilrs_dict_field_t *f = &def->fields[i];
        double raw = 0;
        if (ilrs_dict_get_raw(f, pkt, len, &raw) != 0) {
            continue; /* strings and bytes are not live samples */
        }
        double eng = f->cal_offset + (f->cal_scale != 0 ? f->cal_scale : 1.0) * raw;
        snprintf(name, sizeof name, "%s.%s", def->name, f->name);
        if (ilrs_ground_server_publish(l->cfg.server, name, ms, eng) == 0) {
            l->st.published++;
        } else {
            l->st.publish_dropped++;
        }
    }
}

static void deliver(void *user, uint8_t vcid, const uint8_t *pkt, size_t len)
{
    ilrs_ground_link_t *l = user;
    uint16_t apid = ilrs_ccsds_get_apid(pkt);
    int gap = ilrs_ccsds_seq_track(&l->seq, apid, ilrs_ccsds_get_seq_count(pkt));
    if (gap == ILRS_ECCSDS_DUPLICATE) {
        return;
    }
    if (gap > 0) {
        l->st.packets_lost += (uint64_t)gap;
    }
    l->st.packets++;
    if (l->cfg.tap != NULL) {
        l->cfg.tap(l->cfg.tap_user, vcid, pkt, len);
    }
    if (l->cfg.archive != NULL) {
        int rc = ilrs_ground_archive_ingest(l->cfg.archive, l->cfg.dict, pkt, len, l->rx_time);
        if (rc == 0) {
            l->st.archived++;
        } else if (rc == ILRS_EGROUND_DB || rc == ILRS_ENOMEM || rc == ILRS_EINVAL) {
            l->st.archive_errors++;
        } else {
            l->st.archive_rejected++;
        }
    }
    if (l->cfg.server != NULL) {
        publish(l, pkt, len);
    }
    if (apid == l->cfg.response_apid) {
        on_response(l, pkt, len);
    }
}

static void update_tm_stats(ilrs_ground_link_t *l)
{
    const ilrs_ccsds_tm_demux_t *d = &l->demux;
    l->st.tm_frames_ok = d->frames_ok;
    l->st.tm_crc = d->crc_errors;
    l->st.tm_scid = d->scid_errors;
    l->st.tm_format = d->format_errors;
    l->st.tm_vcid_unknown = d->vcid_unknown;
    l->st.tm_frames_lost = d->mc_frames_lost;
    uint64_t partial = 0;
    for (size_t i = 0; i < ILRS_CCSDS_TM_VC_COUNT; i++) {
        partial += d->vc[i].partial_discarded;
    }
    l->st.partial_discarded = partial;
}

/* CLCW → FOP-1; every frame N(S) passed by N(R) is acknowledged: accepted. */
static void on_clcw(ilrs_ground_link_t *l, uint32_t clcw, ilrs_tai_t now)
{
    uint8_t before = l->fop.nnr;
    l->st.clcws++;
    if (ilrs_ccsds_fop_clcw(&l->fop, clcw, now) != 0) {
        return;
    }
    for (uint8_t ns = before; ns != l->fop.nnr; ns++) {
        int s = l->ns_slot[ns];
        l->ns_slot[ns] = NO_SLOT;
        if (s != NO_SLOT && l->cmds[s].used && l->cmds[s].state == ILRS_GROUND_CMDSTATE_SENT) {
            set_state(l, &l->cmds[s], ILRS_GROUND_CMDSTATE_ACCEPTED,
                      "acknowledged by FARM-1 (CLCW)");
        }
    }
}

int ilrs_ground_link_tm_frame(ilrs_ground_link_t *link, const uint8_t *frame, size_t len,
                              ilrs_tai_t now)
{
    if (link == NULL || frame == NULL) {
        return ILRS_EINVAL;
    }
    pthread_mutex_lock(&link->mu);
    link->st.tm_frames++;
    link->rx_time = now;
    uint64_t ok = link->demux.frames_ok;
    int rc = ilrs_ccsds_tm_demux_frame(&link->demux, frame, len);
    if (link->demux.frames_ok != ok && link->demux.ocf_valid) {
        on_clcw(link, link->demux.last_ocf, now);
    }
    update_tm_stats(link);
    pthread_mutex_unlock(&link->mu);
    return rc == ILRS_ECCSDS_VCID ? 0 : rc;
}

/* ---- uplink ----------------------------------------------------------------------- */

static int send_frame(ilrs_ground_link_t *l, const uint8_t *frame, size_t len)
{
    if (l->sock >= 0) {
        if (!l->has_station) {
            return ILRS_ESTATE;
        }
        ssize_t n =
            sendto(l->sock, frame, len, 0, (const struct sockaddr *)&l->station, l->station_len);
        return n == (ssize_t)len ? 0 : ILRS_EIO;
    }
    return l->cfg.send != NULL ? l->cfg.send(l->cfg.send_user, frame, len) : ILRS_ESTATE;
}

/* FOP-1 in S6 (start, alert): fail what was in flight, requeue what never left, initiate. */
static void reinitiate(ilrs_ground_link_t *l, ilrs_tai_t now)
{
    if (l->initiated) {
        l->st.fop_alerts++;
        l->st.last_alert = l->fop.last_alert;
        char why[96];
        snprintf(why, sizeof why, "FOP-1 alert %u: frame not acknowledged, not retransmitted",
                 (unsigned)l->fop.last_alert);
        for (size_t n = 0; n < 256; n++) {
            int s = l->ns_slot[n];
            l->ns_slot[n] = NO_SLOT;
            if (s != NO_SLOT && l->cmds[s].used && l->cmds[s].state == ILRS_GROUND_CMDSTATE_SENT) {
                set_state(l, &l->cmds[s], ILRS_GROUND_CMDSTATE_FAILED, why);
            }
        }
    }
    if (l->wait_slot != NO_SLOT) {
        /* never transmitted: back at the head of the queue */
        l->fifo_head =
            (l->fifo_head + ILRS_GROUND_LINK_MAX_COMMANDS - 1) % ILRS_GROUND_LINK_MAX_COMMANDS;
        l->fifo[l->fifo_head] = l->wait_slot;
        l->fifo_count++;
        l->wait_slot = NO_SLOT;
    }
    int mode = l->initiated && l->fop.last_alert == ILRS_CCSDS_FOP_ALERT_LOCKOUT
                   ? ILRS_CCSDS_FOP_INIT_UNLOCK
                   : ILRS_CCSDS_FOP_INIT_SET_VR;
    (void)ilrs_ccsds_fop_initiate(&l->fop, mode, l->fop.vs, now);
    l->initiated = true;
}

static void feed_fop(ilrs_ground_link_t *l)
{
    while (l->wait_slot == NO_SLOT && l->fifo_count > 0) {
        int s = l->fifo[l->fifo_head];
        int rc = ilrs_ccsds_fop_request(&l->fop, l->cmds[s].pkt, l->cmds[s].len);
        if (rc == ILRS_EBUSY || rc == ILRS_ESTATE) {
            return;
        }
        l->fifo_head = (l->fifo_head + 1) % ILRS_GROUND_LINK_MAX_COMMANDS;
        l->fifo_count--;
        if (rc == 0) {
            l->wait_slot = s;
        } else {
            set_state(l, &l->cmds[s], ILRS_GROUND_CMDSTATE_FAILED, ilrs_strerror(rc));
        }
    }
}

static void poll_locked(ilrs_ground_link_t *l, ilrs_tai_t now)
{
    (void)ilrs_ccsds_fop_tick(&l->fop, now);
    if (l->fop.state == ILRS_CCSDS_FOP_INITIAL) {
        reinitiate(l, now);
    }
    for (int guard = 0; guard < 1024; guard++) {
        feed_fop(l);
        uint64_t first = l->fop.frames_sent, again = l->fop.retransmissions, bc = l->fop.bc_sent;
        size_t len = 0;
        if (ilrs_ccsds_fop_next_frame(&l->fop, now, l->tc, sizeof l->tc, &len) != 0) {
            break;
        }
        if (l->fop.frames_sent != first && l->wait_slot != NO_SLOT) {
            uint8_t ns = l->tc[4]; /* N(S), 232.0-B-4 §4.1.2.8 */
            l->ns_slot[ns] = l->wait_slot;
            set_state(l, &l->cmds[l->wait_slot], ILRS_GROUND_CMDSTATE_SENT, "");
            l->wait_slot = NO_SLOT;
        }
        l->st.tc_frames++;
        l->st.tc_retransmissions += l->fop.retransmissions - again;
        l->st.tc_bc_frames += l->fop.bc_sent - bc;
        if (send_frame(l, l->tc, len) != 0) {
            l->st.send_errors++;
        }
    }
    l->st.fop_state = l->fop.state;
}

int ilrs_ground_link_poll(ilrs_ground_link_t *link, ilrs_tai_t now)
{
    if (link == NULL) {
        return ILRS_EINVAL;
    }
    pthread_mutex_lock(&link->mu);
    poll_locked(link, now);
    pthread_mutex_unlock(&link->mu);
    return 0;
}

/* ---- life cycle -------------------------------------------------------------------- */

int ilrs_ground_link_create(const ilrs_ground_link_config_t *cfg, ilrs_ground_link_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (cfg == NULL || out == NULL || cfg->dict == NULL || cfg->scid > ILRS_CCSDS_SCID_MAX ||
        cfg->fop_window > 8 || cfg->t1 < 0 || cfg->tc_vcid > ILRS_CCSDS_TC_VCID_MAX) {
        return ILRS_EINVAL;
    }
    ilrs_ground_link_t *l = calloc(1, sizeof *l);
    if (l == NULL) {
        return ILRS_ENOMEM;
    }
    l->cfg = *cfg;
    if (l->cfg.tm_frame_len == 0) {
        l->cfg.tm_frame_len = 1115;
    }
    if (l->cfg.fop_window == 0) {
        l->cfg.fop_window = 8;
    }
    if (l->cfg.t1 == 0) {
        l->cfg.t1 = INT64_C(2000000000);
    }
    if (l->cfg.tx_limit == 0) {
        l->cfg.tx_limit = 10;
    }
    if (l->cfg.response_apid == 0) {
        l->cfg.response_apid = ILRS_GROUND_LINK_RESPONSE_APID;
    }
    l->sock = -1;
    l->wait_slot = NO_SLOT;
    for (size_t i = 0; i < 256; i++) {
        l->ns_slot[i] = NO_SLOT;
    }
    pthread_mutex_init(&l->mu, NULL);
    int rc = 0;
    ilrs_ccsds_tm_config_t tm = {
        .scid = l->cfg.scid, .frame_len = l->cfg.tm_frame_len, .has_ocf = true, .has_fecf = true};
    ilrs_ccsds_fop_config_t fc = {.scid = l->cfg.scid,
                                  .vcid = l->cfg.tc_vcid,
                                  .has_fecf = true,
                                  .max_data_len = CMD_MAX_LEN,
                                  .window = l->cfg.fop_window,
                                  .t1 = l->cfg.t1,
                                  .tx_limit = l->cfg.tx_limit};
    if (ilrs_ccsds_tm_demux_init(&l->demux, &tm, deliver, l) != 0 ||
        ilrs_ccsds_fop_init(&l->fop, &fc, l->fop_storage, sizeof l->fop_storage) != 0) {
        ilrs_log(ILRS_LOG_ERROR, "ground_link", "TM frame length %u or FOP-1 settings invalid",
                 (unsigned)l->cfg.tm_frame_len);
        rc = ILRS_EINVAL;
        goto out_free;
    }
    /* packets of VC 0..2 (the station's), reassembled up to the largest packet */
    for (uint8_t vc = 0; vc <= ILRS_CCSDS_VC_SCIENCE; vc++) {
        l->vc_buf[vc] = malloc(TM_PKT_MAX);
        if (l->vc_buf[vc] == NULL) {
            rc = ILRS_ENOMEM;
            goto out_free;
        }
        (void)ilrs_ccsds_tm_demux_add_vc(&l->demux, vc, l->vc_buf[vc], TM_PKT_MAX);
    }
    *out = l;
    return 0;
out_free:
    ilrs_ground_link_destroy(l);
    return rc;
}

void ilrs_ground_link_destroy(ilrs_ground_link_t *link)
{
    if (link == NULL) {
        return;
    }
    ilrs_ground_link_stop(link);
    if (link->sock >= 0) {
        close(link->sock);
    }
    for (size_t i = 0; i < ILRS_CCSDS_TM_VC_COUNT; i++) {
        free(link->vc_buf[i]);
    }
    pthread_mutex_destroy(&link->mu);
    free(link);
}

void ilrs_ground_link_get_stats(ilrs_ground_link_t *link, ilrs_ground_link_stats_t *stats)
{
    pthread_mutex_lock(&link->mu);
    *stats = link->st;
    pthread_mutex_unlock(&link->mu);
}

/* ---- UDP -------------------------------------------------------------------------- */

int ilrs_ground_link_parse_endpoint(const char *text, char *host, size_t cap, uint16_t *port)
{
    if (text == NULL || host == NULL || port == NULL || cap == 0) {
        return ILRS_EINVAL;
    }
    const char *colon = strrchr(text, ':');
    if (colon == NULL || colon == text || (size_t)(colon - text) >= cap) {
        return ILRS_EINVAL;
    }
    char *end = NULL;
    errno = 0;
    long p = strtol(colon + 1, &end, 10);
    if (errno != 0 || end == colon + 1 || *end != '\0' || p < 0 || p > 65535) {
        return ILRS_EINVAL;
    }
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    *port = (uint16_t)p;
    return 0;
}

int ilrs_ground_link_udp_open(ilrs_ground_link_t *link, const char *listen_addr,
                              uint16_t listen_port, const char *station_host, uint16_t station_port)
{
    if (link == NULL || listen_addr == NULL) {
        return ILRS_EINVAL;
    }
    if (link->sock >= 0) {
        return ILRS_ESTATE;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(listen_port)};
    if (inet_pton(AF_INET, listen_addr, &sa.sin_addr) != 1) {
        ilrs_log(ILRS_LOG_ERROR, "ground_link", "listen address '%s' is not an IPv4 address",
                 listen_addr);
        return ILRS_EINVAL;
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        ilrs_log(ILRS_LOG_ERROR, "ground_link", "socket: %s", strerror(errno));
        return ILRS_EIO;
    }
    int rcvbuf = 4 << 20;
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        ilrs_log(ILRS_LOG_ERROR, "ground_link", "bind %s:%u: %s", listen_addr,
                 (unsigned)listen_port, strerror(errno));
        close(fd);
        return ILRS_EIO;
    }
    socklen_t sl = sizeof sa;
    (void)getsockname(fd, (struct sockaddr *)&sa, &sl);
    pthread_mutex_lock(&link->mu);
    if (station_host != NULL) {
        char port_text[8];
        snprintf(port_text, sizeof port_text, "%u", (unsigned)station_port);
        struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_DGRAM};
        struct addrinfo *res = NULL;
        int g = getaddrinfo(station_host, port_text, &hints, &res);
        if (g != 0 || res == NULL) {
            pthread_mutex_unlock(&link->mu);
            ilrs_log(ILRS_LOG_ERROR, "ground_link", "station %s:%u: %s", station_host,
                     (unsigned)station_port, gai_strerror(g));
            close(fd);
            return ILRS_EIO;
        }
        memcpy(&link->station, res->ai_addr, res->ai_addrlen);
        link->station_len = res->ai_addrlen;
        link->has_station = true;
        freeaddrinfo(res);
    }
    link->sock = fd;
    link->port = ntohs(sa.sin_port);
    pthread_mutex_unlock(&link->mu);
    return 0;
}

uint16_t ilrs_ground_link_udp_port(const ilrs_ground_link_t *link)
{
    return link != NULL ? link->port : 0;
}

/* Ground time: TAI ns since 1958 from the system clock (ERFA leap seconds). */
static ilrs_tai_t ground_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t unix_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    return ilrs_ground_unix_to_archive_ms(unix_ms) * INT64_C(1000000) + ts.tv_nsec % 1000000;
}

int ilrs_ground_link_udp_service(ilrs_ground_link_t *link, int timeout_ms)
{
    if (link == NULL) {
        return ILRS_EINVAL;
    }
    if (link->sock < 0) {
        return ILRS_ESTATE;
    }
    struct pollfd pfd = {.fd = link->sock, .events = POLLIN};
    int n = poll(&pfd, 1, timeout_ms);
    if (n < 0 && errno != EINTR) {
        return ILRS_EIO;
    }
    for (;;) {
        ssize_t got = recv(link->sock, link->rx, sizeof link->rx, MSG_DONTWAIT);
        if (got < 0) {
            break;
        }
        pthread_mutex_lock(&link->mu);
        link->st.datagrams++;
        pthread_mutex_unlock(&link->mu);
        (void)ilrs_ground_link_tm_frame(link, link->rx, (size_t)got, ground_now());
    }
    ilrs_tai_t now = ground_now();
    /* live operations: what arrived is readable in the archive within a second */
    pthread_mutex_lock(&link->mu);
    if (link->cfg.archive != NULL && link->st.archived != link->flushed_at &&
        now - link->last_flush >= INT64_C(1000000000)) {
        if (ilrs_ground_archive_flush(link->cfg.archive) != 0) {
            link->st.archive_errors++;
        }
        link->flushed_at = link->st.archived;
        link->last_flush = now;
    }
    pthread_mutex_unlock(&link->mu);
    return ilrs_ground_link_poll(link, now);
}

static void *service(void *arg)
{
    ilrs_ground_link_t *l = arg;
    while (!atomic_load(&l->stop)) {
        (void)ilrs_ground_link_udp_service(l, 50);
    }
    return NULL;
}

int ilrs_ground_link_start(ilrs_ground_link_t *link)
{
    if (link == NULL) {
        return ILRS_EINVAL;
    }
    if (link->sock < 0 || link->thread_on) {
        return ILRS_ESTATE;
    }
    atomic_store(&link->stop, false);
    if (pthread_create(&link->thread, NULL, service, link) != 0) {
        return ILRS_EIO;
    }
    link->thread_on = true;
    return 0;
}

void ilrs_ground_link_stop(ilrs_ground_link_t *link)
{
    if (link != NULL && link->thread_on) {
        atomic_store(&link->stop, true);
        pthread_join(link->thread, NULL);
        link->thread_on = false;
    }
}

void ilrs_ground_link_set_server(ilrs_ground_link_t *link, ilrs_ground_server_t *server)
{
    if (link != NULL) {
        pthread_mutex_lock(&link->mu);
        link->cfg.server = server;
        pthread_mutex_unlock(&link->mu);
    }
}
