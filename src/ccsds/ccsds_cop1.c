/* SPDX-License-Identifier: Apache-2.0 */
/*
 * COP-1, Communications Operation Procedure-1 (CCSDS 232.1-B-2, September 2010):
 * FARM-1, the receiving end on board (§6, state table 6-1), and FOP-1, the
 * sending end on the ground (§5, state table 5-1). Pure state machines: time is
 * the caller's (ilrs_tai_t now), frames are pulled by the caller, storage is the
 * caller's. Depends on ccsds_tc.c for frames, control commands and the CLCW.
 *
 * Reading of the standard, where it leaves room (docs/space-link.md):
 * - FOP-1 events are named below by their conditions as in table 5-1 (lockout
 *   flag, N(R) against V(S) and NN(R), retransmit and wait flags, Transmission_Count
 *   against Transmission_Limit). In S6 every CLCW and timer event is ignored.
 * - "Look for FDU" (§5.2) happens when the caller pulls a frame: the lower
 *   layer is ready exactly when it asks, so AD_Out/BC_Out are implicit.
 * - Purging the sent queue (§5.2.2) keeps V(S) and NN(R): the purged sequence
 *   numbers stay outstanding with no data, are never retransmitted, and an
 *   acknowledgement of them confirms nothing.
 * - After a new acknowledgement with frames still outstanding the timer is
 *   restarted; Transmission_Count goes back to 1 (§5.1, Transmission_Count: whenever frames are
 *   removed from the Sent_Queue), so the limit counts transmissions without progress.
 * - Alert reasons follow Table 4-4: LIMIT (retransmit request at the limit), T1
 *   (timer at the limit), LOCKOUT, SYNCH (all acknowledged but retransmit 1;
 *   retransmit cleared without progress after a CLCW asking for it, i.e. in S3;
 *   an acknowledgement during S4), NNR (N(R) outside [NN(R), V(S)]), CLCW (wait
 *   without retransmit), TERM.
 */
#include <string.h>

#include "ccsds_link_int.h"

/* ---- FARM-1 --------------------------------------------------------------------- */

int ilrs_ccsds_farm_init(ilrs_ccsds_farm_t *farm, uint8_t vcid, uint8_t window)
{
    if (farm == NULL) {
        return ILRS_EINVAL;
    }
    memset(farm, 0, sizeof *farm);
    if (vcid > ILRS_CCSDS_TC_VCID_MAX) {
        return ILRS_ECCSDS_VCID;
    }
    /* §6.1.8: W even, 2 <= W <= 254; PW = NW = W / 2. */
    if (window < 2u || window > 254u || (window & 1u) != 0) {
        return ILRS_ERANGE;
    }
    farm->vcid = vcid;
    farm->window = window;
    farm->state = ILRS_CCSDS_FARM_OPEN;
    return 0;
}

static int farm_ad(ilrs_ccsds_farm_t *farm, uint8_t ns, bool ready)
{
    unsigned pw = farm->window / 2u;
    unsigned nw = farm->window / 2u;
    uint8_t ahead = (uint8_t)(ns - farm->vr);
    uint8_t behind = (uint8_t)(farm->vr - ns);
    bool locked = farm->state == ILRS_CCSDS_FARM_LOCKOUT;

    if (ahead == 0) {
        if (ready && farm->state == ILRS_CCSDS_FARM_OPEN) {
            /* E1, S1: accept, V(R) + 1, retransmit flag off. */
            farm->vr++;
            farm->retransmit = false;
            farm->accepted_ad++;
            return 0;
        }
        farm->discarded++;
        if (locked) {
            return ILRS_ECCSDS_FARM_LOCKOUT; /* E1/E2, S3: discard */
        }
        if (farm->state == ILRS_CCSDS_FARM_OPEN) {
            /* E2, S1: no buffer: discard, retransmit and wait flags on → S2. */
            farm->retransmit = true;
            farm->wait = true;
            farm->state = ILRS_CCSDS_FARM_WAIT;
        }
        /* E2, S2: discard (until the buffer release signal, E10). */
        return ILRS_ECCSDS_FARM_WAIT;
    }
    if (ahead < pw) {
        /* E3: N(S) in the positive window, ahead of V(R): a frame was lost;
         * discard, and in S1 ask for retransmission. */
        farm->discarded++;
        if (farm->state == ILRS_CCSDS_FARM_OPEN) {
            farm->retransmit = true;
        }
        return locked ? ILRS_ECCSDS_FARM_LOCKOUT : ILRS_ECCSDS_FARM_SEQ;
    }
    if (behind >= 1u && behind <= nw) {
        /* E4: negative window: already accepted; discard. */
        farm->discarded++;
        return locked ? ILRS_ECCSDS_FARM_LOCKOUT : ILRS_ECCSDS_FARM_SEQ;
    }
    /* E5: lockout area: discard, lockout flag on → S3. */
    farm->discarded++;
    if (!locked) {
        farm->lockout = true;
        farm->state = ILRS_CCSDS_FARM_LOCKOUT;
        farm->lockouts++;
    }
    return ILRS_ECCSDS_FARM_LOCKOUT;
}

int ilrs_ccsds_farm_receive(ilrs_ccsds_farm_t *farm, const ilrs_ccsds_tc_frame_t *frame, bool ready)
{
    if (farm == NULL || frame == NULL) {
        return ILRS_EINVAL;
    }
    if (frame->vcid != farm->vcid) {
        farm->invalid++;
        return ILRS_ECCSDS_VCID; /* E9: invalid frame, discarded */
    }
    if (!frame->bypass) {
        return farm_ad(farm, frame->seq, ready);
    }
    if (!frame->control) {
        /* E6: type-BD frame: accept in every state, FARM-B counter + 1. */
        farm->farm_b = (uint8_t)((farm->farm_b + 1u) & 3u);
        farm->accepted_bd++;
        return 0;
    }
    int cmd = 0;
    uint8_t vr = 0;
    if (frame->data == NULL ||
        ilrs_ccsds_tc_control_decode(frame->data, frame->data_len, &cmd, &vr) != 0) {
        farm->invalid++;
        return ILRS_ECCSDS_TC_CONTROL; /* E9 */
    }
    farm->farm_b = (uint8_t)((farm->farm_b + 1u) & 3u);
    farm->accepted_bc++;
    if (cmd == ILRS_CCSDS_TC_UNLOCK) {
        /* E7: every state → S1, retransmit, wait and lockout flags off. */
        farm->retransmit = false;
        farm->wait = false;
        farm->lockout = false;
        farm->state = ILRS_CCSDS_FARM_OPEN;
    } else if (farm->state != ILRS_CCSDS_FARM_LOCKOUT) {
        /* E8, S1/S2: retransmit and wait off, V(R) := V*(R) → S1. In S3 only the
         * FARM-B counter moves: Set V(R) does not unlock. */
        farm->retransmit = false;
        farm->wait = false;
        farm->vr = vr;
        farm->state = ILRS_CCSDS_FARM_OPEN;
    }
    return 0;
}

void ilrs_ccsds_farm_buffer_release(ilrs_ccsds_farm_t *farm)
{
    if (farm == NULL) {
        return;
    }
    /* E10: wait flag off; S2 → S1 (S1 and S3 keep their state). */
    farm->wait = false;
    if (farm->state == ILRS_CCSDS_FARM_WAIT) {
        farm->state = ILRS_CCSDS_FARM_OPEN;
    }
}

uint32_t ilrs_ccsds_farm_clcw(const ilrs_ccsds_farm_t *farm)
{
    if (farm == NULL) {
        return 0;
    }
    ilrs_ccsds_clcw_t c = {
        .vcid = farm->vcid,
        .lockout = farm->lockout,
        .wait = farm->wait,
        .retransmit = farm->retransmit,
        .farm_b = farm->farm_b,
        .report_value = farm->vr,
    };
    uint32_t word = 0;
    (void)ilrs_ccsds_clcw_encode(&c, &word); /* fields in range by construction */
    return word;
}

/* ---- FOP-1 ---------------------------------------------------------------------- */

static uint8_t *slot_of(const ilrs_ccsds_fop_t *fop, uint8_t seq)
{
    size_t idx = (fop->sent_head + (uint8_t)(seq - fop->nnr)) % fop->slots;
    return fop->storage + idx * fop->slot_size;
}

static uint8_t *wait_slot(const ilrs_ccsds_fop_t *fop)
{
    return fop->storage + fop->slots * fop->slot_size;
}

static uint8_t outstanding(const ilrs_ccsds_fop_t *fop)
{
    return (uint8_t)(fop->vs - fop->nnr);
}

static void timer_start(ilrs_ccsds_fop_t *fop, ilrs_tai_t now)
{
    fop->timer_on = true;
    fop->deadline = now + fop->t1;
}

/* §5.2.2 and §5.2.3: negative confirm for each queued FDU. */
static void purge_queues(ilrs_ccsds_fop_t *fop)
{
    for (uint8_t i = 0, n = outstanding(fop); i < n; i++) {
        uint8_t seq = (uint8_t)(fop->nnr + i);
        if (fop->len[seq] > 0) {
            fop->purged++;
        }
        fop->len[seq] = 0;
        fop->rtx[seq] = false;
    }
    if (fop->wait_len > 0) {
        fop->purged++;
        fop->wait_len = 0;
    }
}

/* §5.2.15 Alert: purge, cancel the timer, BC frame forgotten → S6. */
static void alert(ilrs_ccsds_fop_t *fop, int reason)
{
    purge_queues(fop);
    fop->timer_on = false;
    fop->bc_len = 0;
    fop->bc_tx = false;
    fop->ss = 0;
    fop->state = ILRS_CCSDS_FOP_INITIAL;
    fop->last_alert = (uint8_t)reason;
    fop->alerts++;
}

/* §5.2.16 Suspend: remember the state, stop the timer → S6 (queues kept). */
static void suspend(ilrs_ccsds_fop_t *fop)
{
    fop->ss = fop->state;
    fop->timer_on = false;
    fop->state = ILRS_CCSDS_FOP_INITIAL;
}

/* Timer or CLCW at the limit: alert, or suspend when Timeout_Type is 1 (§5.1, Timeout_Type). */
static void limit_reached(ilrs_ccsds_fop_t *fop, int reason, bool from_timer)
{
    if (from_timer && fop->timeout_type == 1u) {
        suspend(fop);
    } else {
        alert(fop, reason);
    }
}

/* §5.2 'Initiate AD Retransmission': count, restart the timer, mark every
 * outstanding frame To_Be_Retransmitted. */
static void initiate_retransmission(ilrs_ccsds_fop_t *fop, ilrs_tai_t now)
{
    fop->tx_count++;
    timer_start(fop, now);
    for (uint8_t i = 0, n = outstanding(fop); i < n; i++) {
        uint8_t seq = (uint8_t)(fop->nnr + i);
        fop->rtx[seq] = fop->len[seq] > 0;
    }
}

/* §5.2 'Remove Acknowledged Frames' from the sent queue: positive confirms up to
 * N(R), NN(R) := N(R). */
static void remove_acknowledged(ilrs_ccsds_fop_t *fop, uint8_t nr, ilrs_tai_t now)
{
    while (fop->nnr != nr) {
        if (fop->len[fop->nnr] > 0) {
            fop->acknowledged++;
        }
        fop->len[fop->nnr] = 0;
        fop->rtx[fop->nnr] = false;
        fop->nnr++;
        fop->sent_head = (fop->sent_head + 1u) % fop->slots;
    }
    if (outstanding(fop) == 0) {
        fop->timer_on = false;
    } else {
        fop->tx_count = 1;
        timer_start(fop, now);
    }
}

static size_t fop_max_data(bool has_fecf)
{
    return ILRS_CCSDS_TC_MAX_FRAME_LEN - ILRS_CCSDS_TC_PRIMARY_LEN -
           (has_fecf ? ILRS__FECF_LEN : 0u);
}

int ilrs_ccsds_fop_init(ilrs_ccsds_fop_t *fop, const ilrs_ccsds_fop_config_t *cfg, uint8_t *storage,
                        size_t storage_len)
{
    if (fop == NULL) {
        return ILRS_EINVAL;
    }
    memset(fop, 0, sizeof *fop);
    if (cfg == NULL || storage == NULL || cfg->scid > ILRS_CCSDS_SCID_MAX ||
        cfg->vcid > ILRS_CCSDS_TC_VCID_MAX || cfg->max_data_len == 0 ||
        cfg->max_data_len > fop_max_data(cfg->has_fecf) || cfg->t1 <= 0 || cfg->tx_limit == 0 ||
        cfg->timeout_type > 1u) {
        return ILRS_EINVAL;
    }
    size_t slots = storage_len / cfg->max_data_len;
    if (slots < 2u) {
        return ILRS_ERANGE;
    }
    slots--; /* the last slot is the wait queue */
    if (slots > 255u) {
        slots = 255u;
    }
    if (cfg->window == 0 || cfg->window > slots) {
        return ILRS_ERANGE;
    }
    fop->tc.scid = cfg->scid;
    fop->tc.has_fecf = cfg->has_fecf;
    fop->vcid = cfg->vcid;
    fop->state = ILRS_CCSDS_FOP_INITIAL;
    fop->k = cfg->window;
    fop->timeout_type = cfg->timeout_type;
    fop->tx_limit = cfg->tx_limit;
    fop->t1 = cfg->t1;
    fop->storage = storage;
    fop->slot_size = cfg->max_data_len;
    fop->slots = slots;
    return 0;
}

int ilrs_ccsds_fop_initiate(ilrs_ccsds_fop_t *fop, int mode, uint8_t vr, ilrs_tai_t now)
{
    if (fop == NULL || mode < ILRS_CCSDS_FOP_INIT_NO_CLCW || mode > ILRS_CCSDS_FOP_INIT_SET_VR) {
        return ILRS_EINVAL;
    }
    /* Table 5-1, directives "Initiate AD Service ...": accepted in S6 only. */
    if (fop->state != ILRS_CCSDS_FOP_INITIAL) {
        return ILRS_ESTATE;
    }
    /* §5.2.14 Initialize: purge both queues, Transmission_Count 1, SS 0. */
    purge_queues(fop);
    fop->tx_count = 1;
    fop->ss = 0;
    fop->timer_on = false;
    fop->bc_len = 0;
    fop->bc_tx = false;
    fop->last_alert = ILRS_CCSDS_FOP_ALERT_NONE;
    switch (mode) {
    case ILRS_CCSDS_FOP_INIT_NO_CLCW:
        fop->state = ILRS_CCSDS_FOP_ACTIVE;
        break;
    case ILRS_CCSDS_FOP_INIT_CLCW:
        timer_start(fop, now);
        fop->state = ILRS_CCSDS_FOP_INIT_NO_BC;
        break;
    case ILRS_CCSDS_FOP_INIT_UNLOCK:
        (void)ilrs_ccsds_tc_control_encode(ILRS_CCSDS_TC_UNLOCK, 0, fop->bc, sizeof fop->bc,
                                           &fop->bc_len);
        fop->bc_tx = true;
        fop->state = ILRS_CCSDS_FOP_INIT_BC;
        break;
    default: /* ILRS_CCSDS_FOP_INIT_SET_VR */
        /* The purged numbers are abandoned: V(S) = NN(R) = V*(R). */
        for (uint8_t i = 0, n = outstanding(fop); i < n; i++) {
            fop->len[(uint8_t)(fop->nnr + i)] = 0;
        }
        fop->vs = vr;
        fop->nnr = vr;
        fop->sent_head = 0;
        (void)ilrs_ccsds_tc_control_encode(ILRS_CCSDS_TC_SET_VR, vr, fop->bc, sizeof fop->bc,
                                           &fop->bc_len);
        fop->bc_tx = true;
        fop->state = ILRS_CCSDS_FOP_INIT_BC;
        break;
    }
    return 0;
}

int ilrs_ccsds_fop_terminate(ilrs_ccsds_fop_t *fop)
{
    if (fop == NULL) {
        return ILRS_EINVAL;
    }
    /* Table 5-1 "Terminate AD Service": every state: Alert(TERM) → S6. */
    alert(fop, ILRS_CCSDS_FOP_ALERT_TERM);
    return 0;
}

int ilrs_ccsds_fop_resume(ilrs_ccsds_fop_t *fop, ilrs_tai_t now)
{
    if (fop == NULL) {
        return ILRS_EINVAL;
    }
    /* Table 5-1 "Resume AD Service": S6 with SS != 0 only; back to SS. */
    if (fop->state != ILRS_CCSDS_FOP_INITIAL || fop->ss == 0) {
        return ILRS_ESTATE;
    }
    /* §5.2.17 Resume: start the timer, SS := 0. Transmission_Count is kept, so a
     * resumed FOP at the limit suspends again after T1 unless a CLCW acknowledges
     * progress in the meantime. */
    fop->state = fop->ss;
    fop->ss = 0;
    timer_start(fop, now);
    return 0;
}

int ilrs_ccsds_fop_set_vs(ilrs_ccsds_fop_t *fop, uint8_t vs)
{
    if (fop == NULL) {
        return ILRS_EINVAL;
    }
    /* Table 5-1 "Set V(S)": S6 with SS = 0 only (nothing outstanding matters). */
    if (fop->state != ILRS_CCSDS_FOP_INITIAL || fop->ss != 0) {
        return ILRS_ESTATE;
    }
    purge_queues(fop);
    fop->vs = vs;
    fop->nnr = vs;
    fop->sent_head = 0;
    return 0;
}

int ilrs_ccsds_fop_set_window(ilrs_ccsds_fop_t *fop, uint8_t k)
{
    if (fop == NULL) {
        return ILRS_EINVAL;
    }
    if (k == 0 || k > fop->slots) {
        return ILRS_ERANGE;
    }
    /* A smaller K takes effect for new frames; frames already out stay out
     * (they fit in the slots, which bound every K). */
    fop->k = k;
    return 0;
}

int ilrs_ccsds_fop_set_t1(ilrs_ccsds_fop_t *fop, ilrs_tai_t t1)
{
    if (fop == NULL) {
        return ILRS_EINVAL;
    }
    if (t1 <= 0) {
        return ILRS_ERANGE;
    }
    fop->t1 = t1;
    return 0;
}

int ilrs_ccsds_fop_set_tx_limit(ilrs_ccsds_fop_t *fop, uint32_t limit)
{
    if (fop == NULL) {
        return ILRS_EINVAL;
    }
    if (limit == 0) {
        return ILRS_ERANGE;
    }
    fop->tx_limit = limit;
    return 0;
}

int ilrs_ccsds_fop_set_timeout_type(ilrs_ccsds_fop_t *fop, uint8_t type)
{
    if (fop == NULL) {
        return ILRS_EINVAL;
    }
    if (type > 1u) {
        return ILRS_ERANGE;
    }
    fop->timeout_type = type;
    return 0;
}

int ilrs_ccsds_fop_request(ilrs_ccsds_fop_t *fop, const uint8_t *data, size_t len)
{
    if (fop == NULL || data == NULL || len == 0 || len > fop->slot_size) {
        return ILRS_EINVAL;
    }
    /* Table 5-1 "Request to transfer FDU": rejected in S6 and while the wait
     * queue holds an FDU; otherwise queued and accepted. */
    if (fop->state == ILRS_CCSDS_FOP_INITIAL) {
        return ILRS_ESTATE;
    }
    if (fop->wait_len > 0) {
        return ILRS_EBUSY;
    }
    memcpy(wait_slot(fop), data, len);
    fop->wait_len = len;
    return 0;
}

int ilrs_ccsds_fop_clcw(ilrs_ccsds_fop_t *fop, uint32_t word, ilrs_tai_t now)
{
    if (fop == NULL) {
        return ILRS_EINVAL;
    }
    ilrs_ccsds_clcw_t c;
    int rc = ilrs_ccsds_clcw_decode(word, &c);
    if (rc != 0) {
        fop->clcw_ignored++;
        return rc;
    }
    /* §5.3.2: COP in effect and VCID are checked before the state table. */
    if (c.vcid != fop->vcid) {
        fop->clcw_ignored++;
        return ILRS_ECCSDS_VCID;
    }
    uint8_t st = fop->state;
    if (st == ILRS_CCSDS_FOP_INITIAL) {
        return 0; /* S6 ignores every CLCW */
    }
    uint8_t nr = c.report_value;
    if (st == ILRS_CCSDS_FOP_INIT_BC) {
        /* S5: only the CLCW acknowledging the BC frame matters: lockout off,
         * N(R) = V(S), no retransmit or wait → release it, cancel the timer → S1.
         * Everything else (older CLCWs, lockout before the Unlock lands) waits for
         * the timer. */
        if (!c.lockout && nr == fop->vs && !c.retransmit && !c.wait) {
            fop->bc_len = 0;
            fop->bc_tx = false;
            fop->timer_on = false;
            fop->state = ILRS_CCSDS_FOP_ACTIVE;
        }
        return 0;
    }
    if (c.lockout) {
        alert(fop, ILRS_CCSDS_FOP_ALERT_LOCKOUT); /* lockout flag 1: Alert(LOCKOUT) */
        return 0;
    }
    uint8_t out = outstanding(fop);
    uint8_t acked = (uint8_t)(nr - fop->nnr);
    if (acked > out) {
        alert(fop, ILRS_CCSDS_FOP_ALERT_NNR); /* N(R) outside [NN(R), V(S)] */
        return 0;
    }
    if (c.wait && !c.retransmit) {
        alert(fop, ILRS_CCSDS_FOP_ALERT_CLCW); /* wait flag without retransmit flag */
        return 0;
    }
    bool new_ack = acked > 0;
    if (st == ILRS_CCSDS_FOP_INIT_NO_BC) {
        /* S4 (Table 4-4 reasons): N(R) = V(S) = NN(R) with no flags confirms the
         * initiation → S1; an attempt to acknowledge frames is Alert(SYNCH);
         * anything else waits for the timer. */
        if (new_ack) {
            alert(fop, ILRS_CCSDS_FOP_ALERT_SYNCH);
        } else if (nr == fop->vs && !c.retransmit) {
            fop->timer_on = false;
            fop->state = ILRS_CCSDS_FOP_ACTIVE;
        }
        return 0;
    }
    if (nr == fop->vs) {
        /* N(R) = V(S): every frame acknowledged. With the retransmit flag on the
         * CLCW contradicts itself: Alert(SYNCH). Otherwise remove the acknowledged
         * frames → S1; in S3 (last CLCW had retransmit 1) retransmit 0 without a
         * new acknowledgement is Alert(SYNCH) (Table 4-4). */
        if (c.retransmit || (!new_ack && st == ILRS_CCSDS_FOP_RETRANSMIT_WAIT)) {
            alert(fop, ILRS_CCSDS_FOP_ALERT_SYNCH);
            return 0;
        }
        remove_acknowledged(fop, nr, now);
        fop->state = ILRS_CCSDS_FOP_ACTIVE;
        return 0;
    }
    /* NN(R) <= N(R) < V(S): frames outstanding (S1..S3). */
    if (new_ack) {
        remove_acknowledged(fop, nr, now);
    }
    if (!c.retransmit) {
        /* Retransmit 0, wait 0: a new acknowledgement ends a retransmission → S1.
         * Without one: in S3 the last CLCW had retransmit 1 and the FARM clears it
         * only by accepting a frame, so the two ends are out of step: Alert(SYNCH)
         * (Table 4-4). In S1/S2 the CLCW predates our frames (S2 may have been
         * entered by the timer): ignore. */
        if (new_ack) {
            fop->state = ILRS_CCSDS_FOP_ACTIVE;
        } else if (st == ILRS_CCSDS_FOP_RETRANSMIT_WAIT) {
            alert(fop, ILRS_CCSDS_FOP_ALERT_SYNCH);
        }
        return 0;
    }
    /* Retransmit flag 1: the FARM saw a gap (or had no buffer, wait flag 1). */
    bool start =
        new_ack || st == ILRS_CCSDS_FOP_ACTIVE || (st == ILRS_CCSDS_FOP_RETRANSMIT_WAIT && !c.wait);
    if (start) {
        if (fop->tx_count >= fop->tx_limit) {
            limit_reached(fop, ILRS_CCSDS_FOP_ALERT_LIMIT, false);
            return 0;
        }
        initiate_retransmission(fop, now);
    }
    /* S2 with no new acknowledgement is already retransmitting: ignore (the
     * timer repeats it); only the wait flag moves it to S3. */
    fop->state = c.wait ? ILRS_CCSDS_FOP_RETRANSMIT_WAIT : ILRS_CCSDS_FOP_RETRANSMIT_NO_WAIT;
    return 0;
}

int ilrs_ccsds_fop_tick(ilrs_ccsds_fop_t *fop, ilrs_tai_t now)
{
    if (fop == NULL) {
        return ILRS_EINVAL;
    }
    if (!fop->timer_on || now < fop->deadline || fop->state == ILRS_CCSDS_FOP_INITIAL) {
        return 0;
    }
    fop->timer_on = false;
    /* Table 5-1 timer expiry: Transmission_Count against Transmission_Limit. */
    if (fop->tx_count >= fop->tx_limit) {
        limit_reached(fop, ILRS_CCSDS_FOP_ALERT_T1, true);
        return 0;
    }
    switch (fop->state) {
    case ILRS_CCSDS_FOP_ACTIVE:
    case ILRS_CCSDS_FOP_RETRANSMIT_NO_WAIT:
        initiate_retransmission(fop, now); /* S1, S2 → S2 */
        fop->state = ILRS_CCSDS_FOP_RETRANSMIT_NO_WAIT;
        break;
    case ILRS_CCSDS_FOP_INIT_BC:
        fop->tx_count++; /* S5: send the BC frame again */
        fop->bc_tx = true;
        timer_start(fop, now);
        break;
    default:
        /* S3 (FARM has no buffer) and S4 (waiting for a CLCW): keep waiting, but
         * count the period so a channel that never answers ends in an alert. */
        fop->tx_count++;
        timer_start(fop, now);
        break;
    }
    return 0;
}

static int emit(ilrs_ccsds_fop_t *fop, bool bc, uint8_t seq, const uint8_t *data, size_t len,
                uint8_t *buf, size_t cap, size_t *written)
{
    ilrs_ccsds_tc_frame_t f = {
        .vcid = fop->vcid,
        .bypass = bc,
        .control = bc,
        .seq = seq,
        .data = data,
        .data_len = len,
    };
    return ilrs_ccsds_tc_frame_encode(&fop->tc, &f, buf, cap, written);
}

int ilrs_ccsds_fop_next_frame(ilrs_ccsds_fop_t *fop, ilrs_tai_t now, uint8_t *buf, size_t cap,
                              size_t *len)
{
    if (len != NULL) {
        *len = 0;
    }
    if (fop == NULL || buf == NULL || len == NULL) {
        return ILRS_EINVAL;
    }
    int rc;
    if (fop->state == ILRS_CCSDS_FOP_INIT_BC && fop->bc_len > 0 && fop->bc_tx) {
        /* §5.2 'Transmit Type-BC Transfer Frame': start the timer. */
        rc = emit(fop, true, 0, fop->bc, fop->bc_len, buf, cap, len);
        if (rc != 0) {
            return rc;
        }
        fop->bc_tx = false;
        fop->bc_sent++;
        timer_start(fop, now);
        return 0;
    }
    if (fop->state != ILRS_CCSDS_FOP_ACTIVE && fop->state != ILRS_CCSDS_FOP_RETRANSMIT_NO_WAIT) {
        return ILRS_EEMPTY;
    }
    /* §5.2 'Look for FDU': retransmissions first, oldest first. */
    for (uint8_t i = 0, n = outstanding(fop); i < n; i++) {
        uint8_t seq = (uint8_t)(fop->nnr + i);
        if (fop->rtx[seq]) {
            rc = emit(fop, false, seq, slot_of(fop, seq), fop->len[seq], buf, cap, len);
            if (rc != 0) {
                return rc;
            }
            fop->rtx[seq] = false;
            fop->retransmissions++;
            return 0;
        }
    }
    /* Then a new frame from the wait queue if the window allows (§5.1, FOP sliding window:
     * V(S) < NN(R) + K). */
    if (fop->wait_len == 0 || outstanding(fop) >= fop->k) {
        return ILRS_EEMPTY;
    }
    uint8_t seq = fop->vs;
    rc = emit(fop, false, seq, wait_slot(fop), fop->wait_len, buf, cap, len);
    if (rc != 0) {
        return rc;
    }
    /* §5.2.4 Transmit type-AD frame: N(S) = V(S), V(S) + 1, copy to the sent
     * queue, Transmission_Count 1 if the queue was empty, start the timer. */
    if (outstanding(fop) == 0) {
        fop->tx_count = 1;
    }
    memcpy(slot_of(fop, seq), wait_slot(fop), fop->wait_len);
    fop->len[seq] = (uint16_t)fop->wait_len;
    fop->rtx[seq] = false;
    fop->wait_len = 0;
    fop->vs++;
    fop->frames_sent++;
    timer_start(fop, now);
    return 0;
}
