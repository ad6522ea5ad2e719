/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TM Space Data Link Protocol (CCSDS 132.0-B-3, September 2015): the transfer
 * frame codec, the virtual channel multiplexer that packs queued space packets
 * into fixed-length frames, and the demultiplexer that extracts them again.
 * Depends on base (CRC-16) and the packet accessors of ccsds.h. No allocation:
 * packet queues and reassembly buffers are the caller's.
 *
 * Design notes.
 * - Multiplexer queues are byte rings holding whole packets back to back; the
 *   only extra state is how much of the packet at the head is still to send
 *   (pkt_left), read from the packet's own length field when the head reaches a
 *   packet start. That is all the First Header Pointer needs (§4.1.2.7).
 * - A data field that the queue cannot fill is completed with an idle packet
 *   (133.0-B-2 §4.1.3: the idle packet has APID all ones). An idle packet is at least 7 octets;
 *   when fewer remain it is continued in the VC's next frame, like any packet.
 * - The demultiplexer keeps, per VC, the packet in progress (header octets, then
 *   the body, or a count of octets to skip for idle and oversized packets). A
 *   packet wholly inside one frame is delivered straight from the frame (no copy).
 *   It trusts packet lengths while in sync and checks them against every FHP:
 *   a disagreement, a frame count jump or a bad packet header drops the packet in
 *   progress and resynchronises on the next FHP (§4.1.2.7, First Header Pointer).
 */
#include <string.h>

#include "ccsds_link_int.h"

/* Data field status, ilrs profile: no secondary header, sync flag 0, packet order
 * flag 0, segment length ID '11' (§4.1.2.7); the low 11 bits are the FHP. */
#define TM_STATUS_PROFILE    0x1800u
#define TM_STATUS_FIXED_MASK 0xF800u
#define TM_FHP_MASK          0x07FFu
#define IDLE_FILL            0x55u

size_t ilrs_ccsds_tm_data_len(const ilrs_ccsds_tm_config_t *cfg)
{
    if (cfg == NULL || cfg->scid > ILRS_CCSDS_SCID_MAX ||
        cfg->frame_len > ILRS_CCSDS_TM_MAX_FRAME_LEN) {
        return 0;
    }
    size_t overhead = ILRS_CCSDS_TM_PRIMARY_LEN + (cfg->has_ocf ? ILRS__OCF_LEN : 0u) +
                      (cfg->has_fecf ? ILRS__FECF_LEN : 0u);
    if (cfg->frame_len <= overhead) {
        return 0;
    }
    return cfg->frame_len - overhead;
}

static bool fhp_valid(uint16_t fhp, size_t data_len)
{
    return fhp == ILRS_CCSDS_TM_FHP_NONE || fhp == ILRS_CCSDS_TM_FHP_IDLE || fhp < data_len;
}

/* Header, OCF and FECF around a data field already in place at buf + 6. */
static void tm_finish(const ilrs_ccsds_tm_config_t *cfg, size_t data_len, uint8_t vcid,
                      uint8_t mc_count, uint8_t vc_count, uint16_t fhp, uint32_t ocf, uint8_t *buf)
{
    /* §4.1.2: TFVN(2) '00' | SCID(10) | VCID(3) | OCF flag(1). */
    uint16_t id = (uint16_t)((cfg->scid << 4) | ((unsigned)vcid << 1) | (cfg->has_ocf ? 1u : 0u));
    ilrs_put_be16(buf, id);
    buf[2] = mc_count;
    buf[3] = vc_count;
    ilrs_put_be16(buf + 4, (uint16_t)(TM_STATUS_PROFILE | fhp));
    size_t off = ILRS_CCSDS_TM_PRIMARY_LEN + data_len;
    if (cfg->has_ocf) {
        ilrs_put_be32(buf + off, ocf);
        off += ILRS__OCF_LEN;
    }
    if (cfg->has_fecf) {
        ilrs__fecf_put(buf, off);
    }
}

int ilrs_ccsds_tm_frame_encode(const ilrs_ccsds_tm_config_t *cfg,
                               const ilrs_ccsds_tm_frame_t *frame, uint8_t *buf, size_t cap)
{
    if (frame == NULL || buf == NULL) {
        return ILRS_EINVAL;
    }
    size_t dl = ilrs_ccsds_tm_data_len(cfg);
    if (dl == 0) {
        return ILRS_EINVAL;
    }
    if (cap < cfg->frame_len) {
        return ILRS_ECCSDS_TOOSMALL;
    }
    if (frame->vcid >= ILRS_CCSDS_TM_VC_COUNT) {
        return ILRS_ECCSDS_VCID;
    }
    if (frame->data_len != dl || frame->data == NULL) {
        return ILRS_ECCSDS_FRAME_LENGTH;
    }
    if (!fhp_valid(frame->fhp, dl)) {
        return ILRS_ECCSDS_FHP;
    }
    memmove(buf + ILRS_CCSDS_TM_PRIMARY_LEN, frame->data, dl);
    tm_finish(cfg, dl, frame->vcid, frame->mc_count, frame->vc_count, frame->fhp, frame->ocf, buf);
    return 0;
}

int ilrs_ccsds_tm_frame_decode(const ilrs_ccsds_tm_config_t *cfg, const uint8_t *buf, size_t len,
                               ilrs_ccsds_tm_frame_t *frame)
{
    if (frame == NULL) {
        return ILRS_EINVAL;
    }
    memset(frame, 0, sizeof *frame);
    size_t dl = ilrs_ccsds_tm_data_len(cfg);
    if (buf == NULL || dl == 0) {
        return ILRS_EINVAL;
    }
    if (len != cfg->frame_len) {
        return ILRS_ECCSDS_FRAME_LENGTH;
    }
    size_t ocf_off = ILRS_CCSDS_TM_PRIMARY_LEN + dl;
    size_t fecf_off = ocf_off + (cfg->has_ocf ? ILRS__OCF_LEN : 0u);
    /* The FECF first: in a corrupted frame every other field is suspect (§4.1.6). */
    if (cfg->has_fecf && !ilrs__fecf_ok(buf, fecf_off)) {
        return ILRS_ECRC;
    }
    uint16_t id = ilrs_get_be16(buf);
    if ((id >> 14) != 0) {
        return ILRS_ECCSDS_TFVN;
    }
    uint16_t status = ilrs_get_be16(buf + 4);
    frame->scid = (uint16_t)((id >> 4) & ILRS_CCSDS_SCID_MAX);
    frame->vcid = (uint8_t)((id >> 1) & 0x7u);
    frame->ocf_flag = (id & 1u) != 0;
    frame->mc_count = buf[2];
    frame->vc_count = buf[3];
    frame->fhp = (uint16_t)(status & TM_FHP_MASK);
    if (frame->scid != cfg->scid) {
        return ILRS_ECCSDS_SCID;
    }
    if (frame->ocf_flag != cfg->has_ocf || (status & TM_STATUS_FIXED_MASK) != TM_STATUS_PROFILE) {
        return ILRS_ECCSDS_FRAME_FLAGS;
    }
    if (!fhp_valid(frame->fhp, dl)) {
        return ILRS_ECCSDS_FHP;
    }
    frame->data = buf + ILRS_CCSDS_TM_PRIMARY_LEN;
    frame->data_len = dl;
    if (cfg->has_ocf) {
        frame->ocf = ilrs_get_be32(buf + ocf_off);
    }
    return 0;
}

/* ---- multiplexer ------------------------------------------------------------------ */

int ilrs_ccsds_tm_mux_init(ilrs_ccsds_tm_mux_t *mux, const ilrs_ccsds_tm_config_t *cfg)
{
    if (mux == NULL) {
        return ILRS_EINVAL;
    }
    memset(mux, 0, sizeof *mux);
    size_t dl = ilrs_ccsds_tm_data_len(cfg);
    if (dl == 0) {
        return ILRS_EINVAL;
    }
    mux->cfg = *cfg;
    mux->data_len = dl;
    mux->last_vc = ILRS_CCSDS_VC_IDLE - 1u; /* so that VC 0 is served first */
    return 0;
}

int ilrs_ccsds_tm_mux_add_vc(ilrs_ccsds_tm_mux_t *mux, uint8_t vcid, uint8_t priority,
                             uint8_t *storage, size_t cap)
{
    if (mux == NULL || storage == NULL || cap < ILRS_CCSDS_PRIMARY_LEN + 1u) {
        return ILRS_EINVAL;
    }
    if (vcid >= ILRS_CCSDS_VC_IDLE) {
        return ILRS_ECCSDS_VCID;
    }
    ilrs_ccsds_tm_vc_tx_t *vc = &mux->vc[vcid];
    if (vc->enabled) {
        return ILRS_EEXIST;
    }
    memset(vc, 0, sizeof *vc);
    vc->ring = storage;
    vc->cap = cap;
    vc->priority = priority;
    vc->enabled = true;
    return 0;
}

int ilrs_ccsds_tm_mux_push(ilrs_ccsds_tm_mux_t *mux, uint8_t vcid, const uint8_t *packet,
                           size_t len)
{
    if (mux == NULL || packet == NULL) {
        return ILRS_EINVAL;
    }
    if (vcid >= ILRS_CCSDS_TM_VC_COUNT || !mux->vc[vcid].enabled) {
        return ILRS_ECCSDS_VCID;
    }
    size_t plen = 0;
    int rc = ilrs_ccsds_packet_check(packet, len, &plen);
    if (rc != 0) {
        return rc;
    }
    if (plen != len) {
        return ILRS_ECCSDS_LENGTH;
    }
    ilrs_ccsds_tm_vc_tx_t *vc = &mux->vc[vcid];
    if (vc->cap - vc->used < len) {
        return ILRS_EFULL;
    }
    size_t tail = (vc->head + vc->used) % vc->cap;
    size_t first = vc->cap - tail < len ? vc->cap - tail : len;
    memcpy(vc->ring + tail, packet, first);
    memcpy(vc->ring, packet + first, len - first);
    vc->used += len;
    vc->packets_in++;
    return 0;
}

size_t ilrs_ccsds_tm_mux_pending(const ilrs_ccsds_tm_mux_t *mux, uint8_t vcid)
{
    if (mux == NULL || vcid >= ILRS_CCSDS_TM_VC_COUNT || !mux->vc[vcid].enabled) {
        return 0;
    }
    return mux->vc[vcid].used;
}

/* Octets [from, from + n) of the idle packet of total length @p total. */
static void idle_bytes(uint8_t *dst, size_t from, size_t n, size_t total)
{
    /* 133.0-B-2 §4.1.3: version 0, telemetry, no secondary header, APID 2047,
     * unsegmented, count 0, length field total - 7. */
    uint8_t hdr[ILRS_CCSDS_PRIMARY_LEN] = {0x07u, 0xFFu, 0xC0u, 0x00u, 0, 0};
    ilrs_put_be16(hdr + 4, (uint16_t)(total - 7u));
    for (size_t i = 0; i < n; i++) {
        size_t k = from + i;
        dst[i] = k < ILRS_CCSDS_PRIMARY_LEN ? hdr[k] : IDLE_FILL;
    }
}

static void ring_take(ilrs_ccsds_tm_vc_tx_t *vc, uint8_t *dst, size_t n)
{
    size_t first = vc->cap - vc->head < n ? vc->cap - vc->head : n;
    memcpy(dst, vc->ring + vc->head, first);
    memcpy(dst + first, vc->ring, n - first);
    vc->head = (vc->head + n) % vc->cap;
    vc->used -= n;
}

/* Total length of the packet whose header starts at the ring head. */
static size_t ring_head_packet_len(const ilrs_ccsds_tm_vc_tx_t *vc)
{
    uint8_t hi = vc->ring[(vc->head + 4u) % vc->cap];
    uint8_t lo = vc->ring[(vc->head + 5u) % vc->cap];
    return ((size_t)hi << 8 | lo) + 7u;
}

/* Fill a data field of @p dl octets from @p vc; returns the FHP. */
static uint16_t vc_fill(ilrs_ccsds_tm_vc_tx_t *vc, uint8_t *data, size_t dl)
{
    uint16_t fhp = ILRS_CCSDS_TM_FHP_NONE;
    size_t pos = 0;
    while (pos < dl) {
        size_t space = dl - pos;
        if (vc->idle_left > 0) {
            size_t n = space < vc->idle_left ? space : vc->idle_left;
            idle_bytes(data + pos, vc->idle_total - vc->idle_left, n, vc->idle_total);
            vc->idle_left -= n;
            pos += n;
            continue;
        }
        if (vc->used == 0) {
            /* Queue drained: complete the field with an idle packet. */
            if (fhp == ILRS_CCSDS_TM_FHP_NONE) {
                fhp = (uint16_t)pos;
            }
            vc->idle_total = space >= 7u ? space : 7u;
            vc->idle_left = vc->idle_total;
            vc->idle_packets++;
            continue;
        }
        if (vc->pkt_left == 0) {
            if (fhp == ILRS_CCSDS_TM_FHP_NONE) {
                fhp = (uint16_t)pos;
            }
            vc->pkt_left = ring_head_packet_len(vc);
        }
        size_t n = space < vc->pkt_left ? space : vc->pkt_left;
        ring_take(vc, data + pos, n);
        vc->pkt_left -= n;
        pos += n;
    }
    return fhp;
}

int ilrs_ccsds_tm_mux_next_frame(ilrs_ccsds_tm_mux_t *mux, uint32_t ocf, uint8_t *frame, size_t cap,
                                 uint8_t *vcid)
{
    if (vcid != NULL) {
        *vcid = 0;
    }
    if (mux == NULL || frame == NULL || mux->data_len == 0) {
        return ILRS_EINVAL;
    }
    if (cap < mux->cfg.frame_len) {
        return ILRS_ECCSDS_TOOSMALL;
    }
    /* VC selection: lowest priority value with queued packets; the scan starts
     * after the VC served last, so equal priorities take turns. */
    const unsigned nvc = ILRS_CCSDS_VC_IDLE; /* VCs 0..6 carry packets */
    int best = -1;
    for (unsigned j = 1; j <= nvc; j++) {
        unsigned v = (mux->last_vc + j) % nvc;
        const ilrs_ccsds_tm_vc_tx_t *c = &mux->vc[v];
        if (c->enabled && c->used > 0 && (best < 0 || c->priority < mux->vc[best].priority)) {
            best = (int)v;
        }
    }
    uint8_t *data = frame + ILRS_CCSDS_TM_PRIMARY_LEN;
    uint8_t v;
    uint16_t fhp;
    if (best < 0) {
        /* Only Idle Data frame (§4.1.2.7). */
        v = ILRS_CCSDS_VC_IDLE;
        memset(data, IDLE_FILL, mux->data_len);
        fhp = ILRS_CCSDS_TM_FHP_IDLE;
        mux->idle_frames++;
    } else {
        v = (uint8_t)best;
        mux->last_vc = v;
        fhp = vc_fill(&mux->vc[v], data, mux->data_len);
    }
    ilrs_ccsds_tm_vc_tx_t *vc = &mux->vc[v];
    tm_finish(&mux->cfg, mux->data_len, v, mux->mc_count, vc->vc_count, fhp, ocf, frame);
    mux->mc_count++;
    vc->vc_count++;
    vc->frames++;
    mux->frames++;
    if (vcid != NULL) {
        *vcid = v;
    }
    return 0;
}

/* ---- demultiplexer ------------------------------------------------------------------ */

int ilrs_ccsds_tm_demux_init(ilrs_ccsds_tm_demux_t *demux, const ilrs_ccsds_tm_config_t *cfg,
                             ilrs_ccsds_tm_packet_fn deliver, void *user)
{
    if (demux == NULL) {
        return ILRS_EINVAL;
    }
    memset(demux, 0, sizeof *demux);
    size_t dl = ilrs_ccsds_tm_data_len(cfg);
    if (dl == 0 || deliver == NULL) {
        return ILRS_EINVAL;
    }
    demux->cfg = *cfg;
    demux->data_len = dl;
    demux->deliver = deliver;
    demux->user = user;
    return 0;
}

int ilrs_ccsds_tm_demux_add_vc(ilrs_ccsds_tm_demux_t *demux, uint8_t vcid, uint8_t *buf, size_t cap)
{
    if (demux == NULL || buf == NULL || cap < ILRS_CCSDS_PRIMARY_LEN) {
        return ILRS_EINVAL;
    }
    if (vcid >= ILRS_CCSDS_VC_IDLE) {
        return ILRS_ECCSDS_VCID;
    }
    ilrs_ccsds_tm_vc_rx_t *vc = &demux->vc[vcid];
    if (vc->enabled) {
        return ILRS_EEXIST;
    }
    memset(vc, 0, sizeof *vc);
    vc->buf = buf;
    vc->cap = cap;
    vc->enabled = true;
    return 0;
}

static bool packet_in_progress(const ilrs_ccsds_tm_vc_rx_t *vc)
{
    return vc->have > 0 || vc->skip > 0;
}

/* Drop the packet in progress; only a packet with octets already held is a loss
 * (a skipped idle or oversized packet was never going to be delivered). */
static void drop_partial(ilrs_ccsds_tm_vc_rx_t *vc)
{
    if (vc->have > 0) {
        vc->partial_discarded++;
    }
    vc->have = 0;
    vc->need = 0;
    vc->skip = 0;
}

/* Start skipping a packet of @p total octets of which @p seen are consumed. */
static size_t start_skip(ilrs_ccsds_tm_vc_rx_t *vc, size_t total, size_t seen, size_t avail,
                         bool *done)
{
    size_t rest = total - seen;
    size_t k = avail < rest ? avail : rest;
    vc->skip = rest - k;
    *done = vc->skip == 0;
    return k;
}

/*
 * Feed up to @p n octets to the packet in progress on @p vc (or start one at @p p).
 * Returns the octets consumed, which stop at the packet's end; *done tells that
 * the packet ended (delivered or skipped). A packet header with a version other
 * than 0 means the stream is not where the lengths said: sync is dropped.
 */
static size_t feed(ilrs_ccsds_tm_demux_t *d, ilrs_ccsds_tm_vc_rx_t *vc, uint8_t vcid,
                   const uint8_t *p, size_t n, bool *done)
{
    *done = false;
    if (vc->skip > 0) {
        size_t k = n < vc->skip ? n : vc->skip;
        vc->skip -= k;
        *done = vc->skip == 0;
        return k;
    }
    if (vc->have == 0 && n >= ILRS_CCSDS_PRIMARY_LEN) {
        /* Header inside this frame: the common case, decided without copying. */
        if ((p[0] & 0xE0u) != 0) {
            vc->bad_headers++;
            vc->in_sync = false;
            return 0;
        }
        size_t total = ilrs_ccsds_get_total_length(p);
        if (ilrs_ccsds_get_apid(p) == ILRS_CCSDS_APID_IDLE) {
            vc->idle_packets++;
            return start_skip(vc, total, 0, n, done);
        }
        if (total > vc->cap) {
            vc->too_big++;
            return start_skip(vc, total, 0, n, done);
        }
        if (total <= n) {
            vc->packets++;
            d->deliver(d->user, vcid, p, total);
            *done = true;
            return total;
        }
    }
    size_t used = 0;
    if (vc->need == 0) {
        size_t k = n < ILRS_CCSDS_PRIMARY_LEN - vc->have ? n : ILRS_CCSDS_PRIMARY_LEN - vc->have;
        memcpy(vc->buf + vc->have, p, k);
        vc->have += k;
        used = k;
        if (vc->have < ILRS_CCSDS_PRIMARY_LEN) {
            return used;
        }
        if ((vc->buf[0] & 0xE0u) != 0) {
            vc->bad_headers++;
            vc->have = 0;
            vc->in_sync = false;
            return used;
        }
        size_t total = ilrs_ccsds_get_total_length(vc->buf);
        bool idle = ilrs_ccsds_get_apid(vc->buf) == ILRS_CCSDS_APID_IDLE;
        if (idle || total > vc->cap) {
            if (idle) {
                vc->idle_packets++;
            } else {
                vc->too_big++;
            }
            vc->have = 0;
            return used + start_skip(vc, total, ILRS_CCSDS_PRIMARY_LEN, n - used, done);
        }
        vc->need = total;
    }
    size_t k = n - used < vc->need - vc->have ? n - used : vc->need - vc->have;
    memcpy(vc->buf + vc->have, p + used, k);
    vc->have += k;
    used += k;
    if (vc->have == vc->need) {
        vc->packets++;
        d->deliver(d->user, vcid, vc->buf, vc->need);
        vc->have = 0;
        vc->need = 0;
        *done = true;
    }
    return used;
}

/* Extract the packets of one data field, given its FHP (not 0x7FE). */
static void extract(ilrs_ccsds_tm_demux_t *d, ilrs_ccsds_tm_vc_rx_t *vc, uint8_t vcid,
                    const uint8_t *data, size_t dl, uint16_t fhp)
{
    bool none = fhp == ILRS_CCSDS_TM_FHP_NONE;
    size_t pos = 0;
    if (!vc->in_sync) {
        if (none) {
            vc->octets_skipped += dl;
            return;
        }
        vc->octets_skipped += fhp;
        pos = fhp;
        vc->in_sync = true;
    } else if (packet_in_progress(vc) || vc->need > 0) {
        /* Continuation of the packet in progress: it must end exactly at the FHP
         * (or run on past the field when no packet starts here). */
        size_t limit = none ? dl : fhp;
        bool done = false;
        size_t k = feed(d, vc, vcid, data, limit, &done);
        if (!vc->in_sync) {
            if (none || fhp < k) {
                vc->octets_skipped += dl - k;
                return;
            }
            vc->octets_skipped += fhp - k;
            pos = fhp;
            vc->in_sync = true;
        } else if (!done) {
            if (none) {
                return; /* the packet continues in the next frame */
            }
            vc->fhp_mismatch++;
            drop_partial(vc);
            pos = fhp;
        } else if (k < limit) {
            vc->fhp_mismatch++;
            if (none) {
                vc->in_sync = false;
                vc->octets_skipped += dl - k;
                return;
            }
            vc->octets_skipped += fhp - k;
            pos = fhp;
        } else {
            pos = k;
        }
    } else if (none || fhp != 0) {
        /* At a packet boundary the next packet must start at octet 0. */
        vc->fhp_mismatch++;
        if (none) {
            vc->in_sync = false;
            vc->octets_skipped += dl;
            return;
        }
        vc->octets_skipped += fhp;
        pos = fhp;
    }
    while (pos < dl) {
        bool done = false;
        pos += feed(d, vc, vcid, data + pos, dl - pos, &done);
        if (!vc->in_sync) {
            vc->octets_skipped += dl - pos;
            return;
        }
    }
}

int ilrs_ccsds_tm_demux_frame(ilrs_ccsds_tm_demux_t *demux, const uint8_t *frame, size_t len)
{
    if (demux == NULL || frame == NULL) {
        return ILRS_EINVAL;
    }
    ilrs_ccsds_tm_frame_t f;
    int rc = ilrs_ccsds_tm_frame_decode(&demux->cfg, frame, len, &f);
    if (rc != 0) {
        if (rc == ILRS_ECRC) {
            demux->crc_errors++;
        } else if (rc == ILRS_ECCSDS_SCID) {
            demux->scid_errors++;
        } else {
            demux->format_errors++;
        }
        return rc;
    }
    demux->frames_ok++;
    if (demux->mc_seen && f.mc_count != demux->mc_expected) {
        demux->mc_gaps++;
        demux->mc_frames_lost += (uint8_t)(f.mc_count - demux->mc_expected);
    }
    demux->mc_seen = true;
    demux->mc_expected = (uint8_t)(f.mc_count + 1u);
    if (f.ocf_flag) {
        demux->ocf_valid = true;
        demux->last_ocf = f.ocf;
    }
    if (f.fhp == ILRS_CCSDS_TM_FHP_IDLE) {
        demux->idle_frames++;
    }
    ilrs_ccsds_tm_vc_rx_t *vc = &demux->vc[f.vcid];
    if (!vc->enabled) {
        if (f.fhp == ILRS_CCSDS_TM_FHP_IDLE) {
            return 0;
        }
        demux->vcid_unknown++;
        return ILRS_ECCSDS_VCID;
    }
    vc->frames++;
    if (vc->seen && f.vc_count != vc->expected) {
        /* Frames lost on this VC (§4.1.2, virtual channel frame count): the packet in progress
         * cannot be completed; resynchronise on this frame's FHP. */
        vc->gaps++;
        vc->frames_lost += (uint8_t)(f.vc_count - vc->expected);
        drop_partial(vc);
        vc->in_sync = false;
    }
    vc->seen = true;
    vc->expected = (uint8_t)(f.vc_count + 1u);
    if (f.fhp != ILRS_CCSDS_TM_FHP_IDLE) {
        extract(demux, vc, f.vcid, f.data, f.data_len, f.fhp);
    }
    return 0;
}
