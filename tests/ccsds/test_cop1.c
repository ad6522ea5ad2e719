// SPDX-License-Identifier: Apache-2.0
// COP-1 (CCSDS 232.1-B-2): FARM-1 against state table 6-1 (accept in sequence,
// positive and negative window, lockout, wait, Unlock, Set V(R), type-BD frames,
// window edges for several widths), FOP-1 against state table 5-1 (directives,
// sliding window, acknowledgement, retransmission on CLCW and timer, limit,
// suspend/resume, alerts), and FOP-1 + FARM-1 over a lossy delayed channel:
// every command delivered exactly once, in order, for many seeds.
#include <stdlib.h>

#include <ilrs/ccsds.h>

#include "ilrs_test.h"

#define VCID 1
#define SCID 0x2A5

static ilrs_ccsds_tc_frame_t ad(uint8_t ns)
{
    static const uint8_t payload[4] = {1, 2, 3, 4};
    return (ilrs_ccsds_tc_frame_t){
        .scid = SCID, .vcid = VCID, .seq = ns, .data = payload, .data_len = 4};
}

static ilrs_ccsds_tc_frame_t bc(const uint8_t *data, size_t len)
{
    return (ilrs_ccsds_tc_frame_t){
        .scid = SCID, .vcid = VCID, .bypass = true, .control = true, .data = data, .data_len = len};
}

static ilrs_ccsds_clcw_t clcw_of(const ilrs_ccsds_farm_t *farm)
{
    ilrs_ccsds_clcw_t c;
    assert_int_equal(ilrs_ccsds_clcw_decode(ilrs_ccsds_farm_clcw(farm), &c), 0);
    return c;
}

/* ---- FARM-1 -------------------------------------------------------------------- */

static void farm_accepts_in_sequence(void **state)
{
    (void)state;
    ilrs_ccsds_farm_t farm;
    assert_int_equal(ilrs_ccsds_farm_init(&farm, VCID, 10), 0);
    for (unsigned i = 0; i < 600; i++) {
        ilrs_ccsds_tc_frame_t f = ad((uint8_t)i);
        assert_int_equal(ilrs_ccsds_farm_receive(&farm, &f, true), 0); /* E1 */
    }
    assert_int_equal(farm.vr, 600 % 256);
    assert_int_equal(farm.accepted_ad, 600);
    ilrs_ccsds_clcw_t c = clcw_of(&farm);
    assert_int_equal(c.report_value, 600 % 256);
    assert_int_equal(c.vcid, VCID);
    assert_false(c.lockout || c.wait || c.retransmit);
    /* A frame of another VC is invalid (E9). */
    ilrs_ccsds_tc_frame_t other = ad(farm.vr);
    other.vcid = 2;
    assert_int_equal(ilrs_ccsds_farm_receive(&farm, &other, true), ILRS_ECCSDS_VCID);
    assert_int_equal(farm.invalid, 1);
    /* Setup errors: odd or out-of-range window, VCID. */
    assert_int_equal(ilrs_ccsds_farm_init(&farm, VCID, 0), ILRS_ERANGE);
    assert_int_equal(ilrs_ccsds_farm_init(&farm, VCID, 11), ILRS_ERANGE);
    assert_int_equal(ilrs_ccsds_farm_init(&farm, VCID, 255), ILRS_ERANGE);
    assert_int_equal(ilrs_ccsds_farm_init(&farm, 64, 10), ILRS_ECCSDS_VCID);
}

/* Every N(S) relative to V(R) for several window widths: the FARM's answer is the
 * one of §6.1.8 (positive window V(R)+1 .. V(R)+PW-1, negative V(R)-NW .. V(R)-1,
 * lockout area elsewhere, PW = NW = W/2). */
static void farm_window_edges_every_offset(void **state)
{
    (void)state;
    static const uint8_t widths[] = {2, 4, 10, 64, 254};
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
        unsigned pw = widths[w] / 2u, nw = widths[w] / 2u;
        for (unsigned d = 0; d < 256; d++) {
            ilrs_ccsds_farm_t farm;
            assert_int_equal(ilrs_ccsds_farm_init(&farm, VCID, widths[w]), 0);
            farm.vr = 100; /* as if 100 frames had been accepted */
            ilrs_ccsds_tc_frame_t f = ad((uint8_t)(100u + d));
            int rc = ilrs_ccsds_farm_receive(&farm, &f, true);
            ilrs_ccsds_clcw_t c = clcw_of(&farm);
            if (d == 0) {
                assert_int_equal(rc, 0);
                assert_int_equal(farm.vr, 101);
            } else if (d <= pw - 1u) {
                assert_int_equal(rc, ILRS_ECCSDS_FARM_SEQ); /* E3 */
                assert_true(c.retransmit);
                assert_false(c.lockout);
                assert_int_equal(farm.state, ILRS_CCSDS_FARM_OPEN);
            } else if (256u - d <= nw) {
                assert_int_equal(rc, ILRS_ECCSDS_FARM_SEQ); /* E4 */
                assert_false(c.retransmit || c.lockout);
                assert_int_equal(farm.state, ILRS_CCSDS_FARM_OPEN);
            } else {
                assert_int_equal(rc, ILRS_ECCSDS_FARM_LOCKOUT); /* E5 */
                assert_true(c.lockout);
                assert_int_equal(farm.state, ILRS_CCSDS_FARM_LOCKOUT);
                assert_int_equal(farm.lockouts, 1);
            }
            if (d != 0) {
                assert_int_equal(farm.vr, 100);
                assert_int_equal(farm.discarded, 1);
            }
        }
    }
}

static void farm_lockout_unlock_and_set_vr(void **state)
{
    (void)state;
    ilrs_ccsds_farm_t farm;
    assert_int_equal(ilrs_ccsds_farm_init(&farm, VCID, 10), 0);
    ilrs_ccsds_tc_frame_t f = ad(50); /* lockout area */
    assert_int_equal(ilrs_ccsds_farm_receive(&farm, &f, true), ILRS_ECCSDS_FARM_LOCKOUT);
    assert_int_equal(farm.state, ILRS_CCSDS_FARM_LOCKOUT);
    /* In lockout everything of type AD is discarded, even N(S) = V(R) (E1, S3). */
    f = ad(0);
    assert_int_equal(ilrs_ccsds_farm_receive(&farm, &f, true), ILRS_ECCSDS_FARM_LOCKOUT);
    f = ad(2);
    assert_int_equal(ilrs_ccsds_farm_receive(&farm, &f, true), ILRS_ECCSDS_FARM_LOCKOUT);
    assert_int_equal(farm.vr, 0);
    /* Set V(R) does not unlock (E8, S3): only the FARM-B counter moves. */
    uint8_t setvr[3] = {0x82, 0x00, 77};
    ilrs_ccsds_tc_frame_t b = bc(setvr, 3);
    assert_int_equal(ilrs_ccsds_farm_receive(&farm, &b, true), 0);
    assert_int_equal(farm.state, ILRS_CCSDS_FARM_LOCKOUT);
    assert_int_equal(farm.vr, 0);
    assert_int_equal(farm.farm_b, 1);
    /* A malformed control command is invalid (E9). */
    uint8_t junk[2] = {0x82, 0x00};
    b = bc(junk, 2);
    assert_int_equal(ilrs_ccsds_farm_receive(&farm, &b, true), ILRS_ECCSDS_TC_CONTROL);
    assert_int_equal(farm.farm_b, 1);
    /* Unlock (E7, S3): back to Open, flags cleared, V(R) kept. */
    uint8_t unlock[1] = {0x00};
    b = bc(unlock, 1);
    assert_int_equal(ilrs_ccsds_farm_receive(&farm, &b, true), 0);
    assert_int_equal(farm.state, ILRS_CCSDS_FARM_OPEN);
    ilrs_ccsds_clcw_t c = clcw_of(&farm);
    assert_false(c.lockout || c.wait || c.retransmit);
    assert_int_equal(c.farm_b, 2);
    assert_int_equal(c.report_value, 0);
    /* Set V(R) in Open (E8, S1): V(R) := V*(R), retransmit cleared. */
    f = ad(3);
    assert_int_equal(ilrs_ccsds_farm_receive(&farm, &f, true), ILRS_ECCSDS_FARM_SEQ);
    assert_true(farm.retransmit);
    b = bc(setvr, 3);
    assert_int_equal(ilrs_ccsds_farm_receive(&farm, &b, true), 0);
    assert_int_equal(farm.vr, 77);
    assert_false(farm.retransmit);
    f = ad(77);
    assert_int_equal(ilrs_ccsds_farm_receive(&farm, &f, true), 0);
    assert_int_equal(farm.vr, 78);
    assert_int_equal(farm.accepted_bc, 3);
    /* Type-BD frames: accepted in every state, FARM-B counter modulo 4 (E6). */
    ilrs_ccsds_tc_frame_t bd = ad(200);
    bd.bypass = true;
    for (unsigned i = 0; i < 5; i++) {
        assert_int_equal(ilrs_ccsds_farm_receive(&farm, &bd, false), 0);
    }
    assert_int_equal(farm.farm_b, (3 + 5) % 4);
    assert_int_equal(farm.accepted_bd, 5);
    assert_int_equal(farm.vr, 78);
}

static void farm_wait_and_buffer_release(void **state)
{
    (void)state;
    ilrs_ccsds_farm_t farm;
    assert_int_equal(ilrs_ccsds_farm_init(&farm, VCID, 10), 0);
    ilrs_ccsds_tc_frame_t f = ad(0);
    /* E2, S1: no buffer → discard, retransmit + wait → S2. */
    assert_int_equal(ilrs_ccsds_farm_receive(&farm, &f, false), ILRS_ECCSDS_FARM_WAIT);
    assert_int_equal(farm.state, ILRS_CCSDS_FARM_WAIT);
    ilrs_ccsds_clcw_t c = clcw_of(&farm);
    assert_true(c.wait && c.retransmit);
    /* In S2 frames are discarded until the buffer release signal, even with a
     * buffer (E1 does not apply in S2). */
    assert_int_equal(ilrs_ccsds_farm_receive(&farm, &f, true), ILRS_ECCSDS_FARM_WAIT);
    ilrs_ccsds_farm_buffer_release(&farm); /* E10 */
    assert_int_equal(farm.state, ILRS_CCSDS_FARM_OPEN);
    c = clcw_of(&farm);
    assert_false(c.wait);
    assert_true(c.retransmit);
    assert_int_equal(ilrs_ccsds_farm_receive(&farm, &f, true), 0);
    assert_false(farm.retransmit);
    /* Set V(R) in S2 (E8): Open, wait cleared. */
    f = ad(1);
    assert_int_equal(ilrs_ccsds_farm_receive(&farm, &f, false), ILRS_ECCSDS_FARM_WAIT);
    uint8_t setvr[3] = {0x82, 0x00, 9};
    ilrs_ccsds_tc_frame_t b = bc(setvr, 3);
    assert_int_equal(ilrs_ccsds_farm_receive(&farm, &b, true), 0);
    assert_int_equal(farm.state, ILRS_CCSDS_FARM_OPEN);
    assert_false(farm.wait || farm.retransmit);
    assert_int_equal(farm.vr, 9);
}

/* ---- FOP-1 ---------------------------------------------------------------------- */

#define T1 1000
static uint8_t fop_storage[9 * 64];

static void fop_setup(ilrs_ccsds_fop_t *fop, uint8_t k, uint32_t limit, uint8_t tt)
{
    ilrs_ccsds_fop_config_t cfg = {.scid = SCID,
                                   .vcid = VCID,
                                   .has_fecf = true,
                                   .max_data_len = 64,
                                   .window = k,
                                   .t1 = T1,
                                   .tx_limit = limit,
                                   .timeout_type = tt};
    assert_int_equal(ilrs_ccsds_fop_init(fop, &cfg, fop_storage, sizeof fop_storage), 0);
    assert_int_equal(fop->slots, 8);
    assert_int_equal(fop->state, ILRS_CCSDS_FOP_INITIAL);
}

static uint32_t word(uint8_t nr, bool lockout, bool wait, bool retransmit)
{
    ilrs_ccsds_clcw_t c = {.vcid = VCID,
                           .lockout = lockout,
                           .wait = wait,
                           .retransmit = retransmit,
                           .report_value = nr};
    uint32_t w = 0;
    assert_int_equal(ilrs_ccsds_clcw_encode(&c, &w), 0);
    return w;
}

/* Pull one frame and decode it. Returns the return code of next_frame. */
static int pull(ilrs_ccsds_fop_t *fop, ilrs_tai_t now, ilrs_ccsds_tc_frame_t *f, uint8_t *buf)
{
    size_t n = 0;
    int rc = ilrs_ccsds_fop_next_frame(fop, now, buf, 1024, &n);
    if (rc == 0) {
        ilrs_ccsds_tc_config_t tc = {.scid = SCID, .has_fecf = true};
        assert_int_equal(ilrs_ccsds_tc_frame_decode(&tc, buf, n, f), 0);
        assert_int_equal(f->vcid, VCID);
    }
    return rc;
}

static void fop_directives(void **state)
{
    (void)state;
    ilrs_ccsds_fop_t fop;
    uint8_t buf[1024], d[4] = {9, 9, 9, 9};
    ilrs_ccsds_tc_frame_t f;
    fop_setup(&fop, 4, 3, 0);
    assert_int_equal(ilrs_ccsds_fop_request(&fop, d, 4), ILRS_ESTATE); /* S6 rejects */
    assert_int_equal(pull(&fop, 0, &f, buf), ILRS_EEMPTY);
    assert_int_equal(ilrs_ccsds_fop_set_vs(&fop, 10), 0);
    assert_int_equal(ilrs_ccsds_fop_resume(&fop, 0), ILRS_ESTATE); /* not suspended */
    assert_int_equal(ilrs_ccsds_fop_initiate(&fop, ILRS_CCSDS_FOP_INIT_NO_CLCW, 0, 0), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_ACTIVE);
    assert_int_equal(fop.vs, 10);
    assert_int_equal(ilrs_ccsds_fop_initiate(&fop, ILRS_CCSDS_FOP_INIT_NO_CLCW, 0, 0), ILRS_ESTATE);
    assert_int_equal(ilrs_ccsds_fop_set_vs(&fop, 3), ILRS_ESTATE);
    assert_int_equal(ilrs_ccsds_fop_set_window(&fop, 0), ILRS_ERANGE);
    assert_int_equal(ilrs_ccsds_fop_set_window(&fop, 9), ILRS_ERANGE);
    assert_int_equal(ilrs_ccsds_fop_set_window(&fop, 8), 0);
    assert_int_equal(ilrs_ccsds_fop_set_t1(&fop, 0), ILRS_ERANGE);
    assert_int_equal(ilrs_ccsds_fop_set_t1(&fop, 5), 0);
    assert_int_equal(ilrs_ccsds_fop_set_tx_limit(&fop, 0), ILRS_ERANGE);
    assert_int_equal(ilrs_ccsds_fop_set_tx_limit(&fop, 2), 0);
    assert_int_equal(ilrs_ccsds_fop_set_timeout_type(&fop, 2), ILRS_ERANGE);
    assert_int_equal(ilrs_ccsds_fop_set_timeout_type(&fop, 1), 0);
    assert_int_equal(ilrs_ccsds_fop_initiate(&fop, 9, 0, 0), ILRS_EINVAL);
    assert_int_equal(ilrs_ccsds_fop_terminate(&fop), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_INITIAL);
    assert_int_equal(fop.last_alert, ILRS_CCSDS_FOP_ALERT_TERM);

    /* With CLCW check (S4): a CLCW with N(R) = V(S) completes it → S1. */
    assert_int_equal(ilrs_ccsds_fop_set_timeout_type(&fop, 0), 0);
    assert_int_equal(ilrs_ccsds_fop_initiate(&fop, ILRS_CCSDS_FOP_INIT_CLCW, 0, 0), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_INIT_NO_BC);
    assert_int_equal(pull(&fop, 0, &f, buf), ILRS_EEMPTY);
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(10, false, false, false), 1), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_ACTIVE);
    /* ... a CLCW with another N(R) fails it: Alert(NNR). */
    assert_int_equal(ilrs_ccsds_fop_terminate(&fop), 0);
    assert_int_equal(ilrs_ccsds_fop_initiate(&fop, ILRS_CCSDS_FOP_INIT_CLCW, 0, 0), 0);
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(11, false, false, false), 1), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_INITIAL);
    assert_int_equal(fop.last_alert, ILRS_CCSDS_FOP_ALERT_NNR);
    /* ... no CLCW at all: the timer runs out at the limit: Alert(T1). */
    assert_int_equal(ilrs_ccsds_fop_initiate(&fop, ILRS_CCSDS_FOP_INIT_CLCW, 0, 0), 0);
    assert_int_equal(ilrs_ccsds_fop_tick(&fop, 4), 0); /* T1 is 5 now: not yet */
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_INIT_NO_BC);
    assert_int_equal(ilrs_ccsds_fop_tick(&fop, 5), 0); /* count 1 → 2 */
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_INIT_NO_BC);
    assert_int_equal(ilrs_ccsds_fop_tick(&fop, 10), 0); /* count 2 = limit */
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_INITIAL);
    assert_int_equal(fop.last_alert, ILRS_CCSDS_FOP_ALERT_T1);

    /* With Unlock (S5): the BC frame goes out; lockout CLCWs are ignored until
     * the CLCW shows the FARM unlocked with N(R) = V(S). */
    assert_int_equal(ilrs_ccsds_fop_initiate(&fop, ILRS_CCSDS_FOP_INIT_UNLOCK, 0, 20), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_INIT_BC);
    assert_int_equal(pull(&fop, 20, &f, buf), 0);
    assert_true(f.bypass && f.control);
    assert_int_equal(f.data_len, 1);
    assert_int_equal(f.data[0], 0x00);
    assert_int_equal(pull(&fop, 20, &f, buf), ILRS_EEMPTY);
    assert_int_equal(ilrs_ccsds_fop_request(&fop, d, 4), 0); /* queued, not sent in S5 */
    assert_int_equal(pull(&fop, 20, &f, buf), ILRS_EEMPTY);
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(10, true, false, false), 21), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_INIT_BC);
    assert_int_equal(ilrs_ccsds_fop_tick(&fop, 25), 0); /* BC frame again */
    assert_int_equal(pull(&fop, 25, &f, buf), 0);
    assert_true(f.control);
    assert_int_equal(fop.bc_sent, 2);
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(10, false, false, false), 26), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_ACTIVE);
    assert_int_equal(pull(&fop, 26, &f, buf), 0); /* the queued FDU */
    assert_false(f.bypass);
    assert_int_equal(f.seq, 10);

    /* With Set V(R) (S5): V(S) = NN(R) = V*(R), BC frame 82 00 V*(R). */
    assert_int_equal(ilrs_ccsds_fop_terminate(&fop), 0);
    assert_int_equal(fop.purged, 1); /* the unacknowledged frame 10 */
    assert_int_equal(ilrs_ccsds_fop_initiate(&fop, ILRS_CCSDS_FOP_INIT_SET_VR, 200, 30), 0);
    assert_int_equal(fop.vs, 200);
    assert_int_equal(fop.nnr, 200);
    assert_int_equal(pull(&fop, 30, &f, buf), 0);
    uint8_t want[3] = {0x82, 0x00, 200};
    assert_int_equal(f.data_len, 3);
    assert_memory_equal(f.data, want, 3);
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(200, false, false, false), 31), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_ACTIVE);
}

static void fop_window_and_acknowledgement(void **state)
{
    (void)state;
    ilrs_ccsds_fop_t fop;
    uint8_t buf[1024];
    ilrs_ccsds_tc_frame_t f;
    fop_setup(&fop, 4, 3, 0);
    assert_int_equal(ilrs_ccsds_fop_set_vs(&fop, 250), 0); /* exercise the wrap */
    assert_int_equal(ilrs_ccsds_fop_initiate(&fop, ILRS_CCSDS_FOP_INIT_NO_CLCW, 0, 0), 0);
    uint8_t d[8];
    for (unsigned i = 0; i < 4; i++) {
        memset(d, (int)i, sizeof d);
        assert_int_equal(ilrs_ccsds_fop_request(&fop, d, 1 + i), 0);
        assert_int_equal(ilrs_ccsds_fop_request(&fop, d, 1), ILRS_EBUSY); /* wait queue full */
        assert_int_equal(pull(&fop, 0, &f, buf), 0);
        assert_int_equal(f.seq, (uint8_t)(250 + i));
        assert_int_equal(f.data_len, 1 + i);
        assert_int_equal(f.data[0], i);
    }
    /* K = 4 frames outstanding: the fifth waits. */
    assert_int_equal(ilrs_ccsds_fop_request(&fop, d, 5), 0);
    assert_int_equal(pull(&fop, 0, &f, buf), ILRS_EEMPTY);
    assert_true(fop.timer_on);
    /* N(R) = 252 acknowledges 250 and 251; the window opens. */
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(252, false, false, false), 1), 0);
    assert_int_equal(fop.acknowledged, 2);
    assert_int_equal(fop.nnr, 252);
    assert_int_equal(pull(&fop, 1, &f, buf), 0);
    assert_int_equal(f.seq, 254);
    /* The same CLCW again changes nothing; an older one (N(R) < NN(R)) is outside
     * [NN(R), V(S)] only if the channel reorders, which it must not. */
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(252, false, false, false), 2), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_ACTIVE);
    /* N(R) = V(S) = 255: all acknowledged, timer stopped. */
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(255, false, false, false), 3), 0);
    assert_int_equal(fop.acknowledged, 5);
    assert_false(fop.timer_on);
    assert_int_equal(fop.frames_sent, 5);
    assert_int_equal(fop.retransmissions, 0);
    /* Setup errors. */
    ilrs_ccsds_fop_config_t cfg = {.scid = SCID,
                                   .vcid = VCID,
                                   .has_fecf = true,
                                   .max_data_len = 64,
                                   .window = 9,
                                   .t1 = T1,
                                   .tx_limit = 1};
    assert_int_equal(ilrs_ccsds_fop_init(&fop, &cfg, fop_storage, sizeof fop_storage), ILRS_ERANGE);
    cfg.window = 2;
    cfg.max_data_len = 1018;
    assert_int_equal(ilrs_ccsds_fop_init(&fop, &cfg, fop_storage, sizeof fop_storage), ILRS_EINVAL);
    cfg.max_data_len = 64;
    cfg.t1 = 0;
    assert_int_equal(ilrs_ccsds_fop_init(&fop, &cfg, fop_storage, sizeof fop_storage), ILRS_EINVAL);
}

static void fop_retransmission_limit_suspend(void **state)
{
    (void)state;
    ilrs_ccsds_fop_t fop;
    uint8_t buf[1024], d[2] = {7, 7};
    ilrs_ccsds_tc_frame_t f;
    fop_setup(&fop, 4, 3, 0);
    assert_int_equal(ilrs_ccsds_fop_initiate(&fop, ILRS_CCSDS_FOP_INIT_NO_CLCW, 0, 0), 0);
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(ilrs_ccsds_fop_request(&fop, d, 2), 0);
        assert_int_equal(pull(&fop, 0, &f, buf), 0);
    }
    /* CLCW: N(R) = 1, retransmit → frame 0 acknowledged, 1 and 2 again → S2. */
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(1, false, false, true), 10), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_RETRANSMIT_NO_WAIT);
    assert_int_equal(fop.acknowledged, 1);
    assert_int_equal(pull(&fop, 10, &f, buf), 0);
    assert_int_equal(f.seq, 1);
    assert_int_equal(pull(&fop, 10, &f, buf), 0);
    assert_int_equal(f.seq, 2);
    assert_int_equal(pull(&fop, 10, &f, buf), ILRS_EEMPTY);
    assert_int_equal(fop.retransmissions, 2);
    /* The same CLCW again in S2: already retransmitting, ignored. */
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(1, false, false, true), 11), 0);
    assert_int_equal(pull(&fop, 11, &f, buf), ILRS_EEMPTY);
    /* Wait flag → S3: nothing is sent. */
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(1, false, true, true), 12), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_RETRANSMIT_WAIT);
    assert_int_equal(ilrs_ccsds_fop_request(&fop, d, 2), 0);
    assert_int_equal(pull(&fop, 12, &f, buf), ILRS_EEMPTY);
    /* Wait cleared, retransmit still on → retransmission again → S2. */
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(1, false, false, true), 13), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_RETRANSMIT_NO_WAIT);
    assert_int_equal(pull(&fop, 13, &f, buf), 0);
    assert_int_equal(f.seq, 1);
    assert_int_equal(pull(&fop, 13, &f, buf), 0);
    assert_int_equal(f.seq, 2);
    assert_int_equal(pull(&fop, 13, &f, buf), 0); /* the new FDU: window allows in S2 */
    assert_int_equal(f.seq, 3);
    /* N(R) = 3, no flags: 1 and 2 acknowledged → S1. */
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(3, false, false, false), 14), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_ACTIVE);
    assert_int_equal(fop.acknowledged, 3);
    /* Frame 3 is never acknowledged: timer expiries retransmit it until the limit. */
    assert_int_equal(ilrs_ccsds_fop_tick(&fop, 14 + T1 - 1), 0);
    assert_int_equal(pull(&fop, 14 + T1 - 1, &f, buf), ILRS_EEMPTY);
    assert_int_equal(ilrs_ccsds_fop_tick(&fop, 14 + T1), 0); /* count 1 → 2 */
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_RETRANSMIT_NO_WAIT);
    assert_int_equal(pull(&fop, 14 + T1, &f, buf), 0);
    assert_int_equal(f.seq, 3);
    assert_int_equal(ilrs_ccsds_fop_tick(&fop, 14 + 2 * T1), 0); /* count 2 → 3 */
    assert_int_equal(pull(&fop, 14 + 2 * T1, &f, buf), 0);
    assert_int_equal(ilrs_ccsds_fop_tick(&fop, 14 + 3 * T1), 0); /* limit: Alert(T1) */
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_INITIAL);
    assert_int_equal(fop.last_alert, ILRS_CCSDS_FOP_ALERT_T1);
    assert_int_equal(fop.purged, 1);
    assert_int_equal(pull(&fop, 14 + 3 * T1, &f, buf), ILRS_EEMPTY);

    /* Timeout type 1: suspend instead; Resume goes back and retransmits. */
    fop_setup(&fop, 4, 2, 1);
    assert_int_equal(ilrs_ccsds_fop_initiate(&fop, ILRS_CCSDS_FOP_INIT_NO_CLCW, 0, 0), 0);
    assert_int_equal(ilrs_ccsds_fop_request(&fop, d, 2), 0);
    assert_int_equal(pull(&fop, 0, &f, buf), 0);
    assert_int_equal(ilrs_ccsds_fop_tick(&fop, T1), 0); /* count 1 → 2, S2 */
    assert_int_equal(pull(&fop, T1, &f, buf), 0);
    assert_int_equal(ilrs_ccsds_fop_tick(&fop, 2 * T1), 0); /* limit → suspend */
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_INITIAL);
    assert_int_equal(fop.ss, ILRS_CCSDS_FOP_RETRANSMIT_NO_WAIT);
    assert_int_equal(fop.purged, 0);
    assert_int_equal(ilrs_ccsds_fop_set_vs(&fop, 0), ILRS_ESTATE); /* suspended */
    assert_int_equal(ilrs_ccsds_fop_resume(&fop, 3 * T1), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_RETRANSMIT_NO_WAIT);
    assert_int_equal(fop.ss, 0);
    /* Still at the limit: one more T1 without progress suspends again. */
    assert_int_equal(ilrs_ccsds_fop_tick(&fop, 4 * T1), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_INITIAL);
    assert_int_equal(fop.ss, ILRS_CCSDS_FOP_RETRANSMIT_NO_WAIT);
    assert_int_equal(ilrs_ccsds_fop_resume(&fop, 5 * T1), 0);
    assert_int_equal(pull(&fop, 5 * T1, &f, buf), ILRS_EEMPTY); /* nothing flagged */
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(1, false, false, false), 5 * T1 + 1), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_ACTIVE);
    assert_int_equal(fop.acknowledged, 1);

    /* A CLCW asking for retransmission at the limit: Alert(LIMIT). */
    fop_setup(&fop, 4, 1, 0);
    assert_int_equal(ilrs_ccsds_fop_initiate(&fop, ILRS_CCSDS_FOP_INIT_NO_CLCW, 0, 0), 0);
    assert_int_equal(ilrs_ccsds_fop_request(&fop, d, 2), 0);
    assert_int_equal(pull(&fop, 0, &f, buf), 0);
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(0, false, false, true), 1), 0);
    assert_int_equal(fop.last_alert, ILRS_CCSDS_FOP_ALERT_LIMIT);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_INITIAL);
}

static void fop_clcw_alerts(void **state)
{
    (void)state;
    ilrs_ccsds_fop_t fop;
    uint8_t buf[1024], d[2] = {1, 2};
    ilrs_ccsds_tc_frame_t f;
    struct {
        uint32_t w;
        int alert;
    } cases[4];
    cases[0].w = word(0, true, false, false);
    cases[0].alert = ILRS_CCSDS_FOP_ALERT_LOCKOUT;
    cases[1].w = word(0, false, true, false);
    cases[1].alert = ILRS_CCSDS_FOP_ALERT_CLCW;
    cases[2].w = word(2, false, false, true); /* N(R) = V(S) with retransmit */
    cases[2].alert = ILRS_CCSDS_FOP_ALERT_SYNCH;
    cases[3].w = word(3, false, false, false); /* N(R) > V(S) */
    cases[3].alert = ILRS_CCSDS_FOP_ALERT_NNR;
    for (unsigned i = 0; i < 4; i++) {
        fop_setup(&fop, 4, 3, 0);
        assert_int_equal(ilrs_ccsds_fop_initiate(&fop, ILRS_CCSDS_FOP_INIT_NO_CLCW, 0, 0), 0);
        for (unsigned k = 0; k < 2; k++) {
            assert_int_equal(ilrs_ccsds_fop_request(&fop, d, 2), 0);
            assert_int_equal(pull(&fop, 0, &f, buf), 0);
        }
        /* Ignored without a state change: another VC, a malformed word. */
        ilrs_ccsds_clcw_t other = {.vcid = 5, .lockout = true};
        uint32_t w = 0;
        assert_int_equal(ilrs_ccsds_clcw_encode(&other, &w), 0);
        assert_int_equal(ilrs_ccsds_fop_clcw(&fop, w, 1), ILRS_ECCSDS_VCID);
        assert_int_equal(ilrs_ccsds_fop_clcw(&fop, cases[i].w | 0x80000000u, 1), ILRS_ECCSDS_CLCW);
        assert_int_equal(fop.clcw_ignored, 2);
        assert_int_equal(fop.state, ILRS_CCSDS_FOP_ACTIVE);
        assert_int_equal(ilrs_ccsds_fop_clcw(&fop, cases[i].w, 1), 0);
        assert_int_equal(fop.state, ILRS_CCSDS_FOP_INITIAL);
        assert_int_equal(fop.last_alert, cases[i].alert);
        assert_int_equal(fop.purged, 2);
        assert_false(fop.timer_on);
        /* S6 ignores CLCWs and timers. */
        assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(2, false, false, false), 2), 0);
        assert_int_equal(fop.state, ILRS_CCSDS_FOP_INITIAL);
    }
}

/* Table 4-4 SYNCH cases tied to a state: retransmit flag cleared without progress
 * in S3, and an acknowledgement while initialising with CLCW check (S4). */
static void fop_synch_alerts_by_state(void **state)
{
    (void)state;
    ilrs_ccsds_fop_t fop;
    uint8_t buf[1024], d[2] = {1, 2};
    ilrs_ccsds_tc_frame_t f;
    fop_setup(&fop, 4, 5, 0);
    assert_int_equal(ilrs_ccsds_fop_initiate(&fop, ILRS_CCSDS_FOP_INIT_NO_CLCW, 0, 0), 0);
    for (unsigned k = 0; k < 2; k++) {
        assert_int_equal(ilrs_ccsds_fop_request(&fop, d, 2), 0);
        assert_int_equal(pull(&fop, 0, &f, buf), 0);
    }
    /* R = 0 without progress in S1 and S2 is an old CLCW: ignored. */
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(0, false, false, false), 1), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_ACTIVE);
    assert_int_equal(ilrs_ccsds_fop_tick(&fop, T1), 0); /* → S2 by the timer */
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_RETRANSMIT_NO_WAIT);
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(0, false, false, false), T1 + 1), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_RETRANSMIT_NO_WAIT);
    /* S3, then retransmit cleared without progress: Alert(SYNCH). */
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(0, false, true, true), T1 + 2), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_RETRANSMIT_WAIT);
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(0, false, false, false), T1 + 3), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_INITIAL);
    assert_int_equal(fop.last_alert, ILRS_CCSDS_FOP_ALERT_SYNCH);
    assert_int_equal(fop.purged, 2);
    /* V(S) = 2, NN(R) = 0 remain (purged numbers stay outstanding). Initiating
     * with CLCW check, a CLCW acknowledging frame 0 is Alert(SYNCH); one with
     * N(R) = NN(R) < V(S) is ignored (the timer decides). */
    assert_int_equal(ilrs_ccsds_fop_initiate(&fop, ILRS_CCSDS_FOP_INIT_CLCW, 0, 10), 0);
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(0, false, false, false), 11), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_INIT_NO_BC);
    assert_int_equal(ilrs_ccsds_fop_clcw(&fop, word(1, false, false, false), 12), 0);
    assert_int_equal(fop.state, ILRS_CCSDS_FOP_INITIAL);
    assert_int_equal(fop.last_alert, ILRS_CCSDS_FOP_ALERT_SYNCH);
    assert_int_equal(fop.acknowledged, 0); /* nothing confirmed */
}

/* ---- FOP-1 + FARM-1 over a lossy channel ------------------------------------------ */

#define NCMD  300
#define DELAY 3       /* ticks each way */
#define TICK  1000000 /* 1 ms in ns */

typedef struct line {
    uint8_t frame[DELAY + 1][1024];
    size_t len[DELAY + 1];
    uint32_t clcw[DELAY + 1];
    bool has_clcw[DELAY + 1];
} line_t;

static void cop1_loop(uint64_t seed, int init_mode, double p_up, double p_down, double p_busy)
{
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, seed);
    static uint8_t storage[11 * 32];
    ilrs_ccsds_fop_config_t cfg = {.scid = SCID,
                                   .vcid = VCID,
                                   .has_fecf = true,
                                   .max_data_len = 32,
                                   .window = 10,
                                   .t1 = 12 * TICK,
                                   .tx_limit = 40,
                                   .timeout_type = 0};
    ilrs_ccsds_fop_t fop;
    assert_int_equal(ilrs_ccsds_fop_init(&fop, &cfg, storage, sizeof storage), 0);
    ilrs_ccsds_farm_t farm;
    assert_int_equal(ilrs_ccsds_farm_init(&farm, VCID, 20), 0); /* PW = 10 = K */
    uint8_t vr0 = (uint8_t)ilrs_rng_below(&rng, 256);
    if (init_mode == ILRS_CCSDS_FOP_INIT_NO_CLCW || init_mode == ILRS_CCSDS_FOP_INIT_CLCW) {
        farm.vr = vr0; /* both ends agree already */
        assert_int_equal(ilrs_ccsds_fop_set_vs(&fop, vr0), 0);
    }
    assert_int_equal(ilrs_ccsds_fop_initiate(&fop, init_mode, vr0, 0), 0);
    static line_t up, down;
    memset(&up, 0, sizeof up);
    memset(&down, 0, sizeof down);
    ilrs_ccsds_tc_config_t tc = {.scid = SCID, .has_fecf = true};
    unsigned requested = 0, delivered = 0, release_in = 0;
    uint8_t cmd[32];
    long t;
    for (t = 1; t < 200000 && (delivered < NCMD || fop.acknowledged < NCMD); t++) {
        ilrs_tai_t now = (ilrs_tai_t)t * TICK;
        unsigned slot = (unsigned)(t % (DELAY + 1));
        /* Arrivals sent DELAY ticks ago (the slot is reused for this tick's sends). */
        if (up.len[slot] > 0) {
            ilrs_ccsds_tc_frame_t f;
            assert_int_equal(ilrs_ccsds_tc_frame_decode(&tc, up.frame[slot], up.len[slot], &f), 0);
            bool ready = ilrs_rng_uniform(&rng) >= p_busy;
            int rc = ilrs_ccsds_farm_receive(&farm, &f, ready);
            if (rc == 0 && !f.bypass) {
                /* Delivered: must be the next command, exactly once. */
                assert_int_equal(f.data_len, 2u + (ilrs_get_be16(f.data) % 30u));
                assert_int_equal(ilrs_get_be16(f.data), delivered);
                for (size_t i = 2; i < f.data_len; i++) {
                    assert_int_equal(f.data[i], (uint8_t)(delivered * 7u + i));
                }
                delivered++;
            } else if (rc != 0) {
                assert_true(rc == ILRS_ECCSDS_FARM_SEQ || rc == ILRS_ECCSDS_FARM_WAIT);
            }
            up.len[slot] = 0;
        }
        if (farm.wait && release_in == 0) {
            release_in = 1 + (unsigned)ilrs_rng_below(&rng, 5);
        }
        if (release_in > 0 && --release_in == 0) {
            ilrs_ccsds_farm_buffer_release(&farm);
        }
        if (down.has_clcw[slot]) {
            int rc = ilrs_ccsds_fop_clcw(&fop, down.clcw[slot], now);
            assert_int_equal(rc, 0);
            down.has_clcw[slot] = false;
        }
        assert_int_equal(ilrs_ccsds_fop_tick(&fop, now), 0);
        assert_int_equal(fop.alerts, 0);
        /* Ground: offer the next command, pull one frame, send it. */
        if (requested < NCMD) {
            size_t n = 2u + (requested % 30u);
            ilrs_put_be16(cmd, (uint16_t)requested);
            for (size_t i = 2; i < n; i++) {
                cmd[i] = (uint8_t)(requested * 7u + i);
            }
            int rc = ilrs_ccsds_fop_request(&fop, cmd, n);
            assert_true(rc == 0 || rc == ILRS_EBUSY);
            requested += rc == 0;
        }
        size_t n = 0;
        int rc = ilrs_ccsds_fop_next_frame(&fop, now, up.frame[slot], sizeof up.frame[slot], &n);
        assert_true(rc == 0 || rc == ILRS_EEMPTY);
        if (rc == 0 && ilrs_rng_uniform(&rng) >= p_up) {
            up.len[slot] = n;
        }
        /* Station: one CLCW per tick in the OCF of the TM frame. */
        if (ilrs_rng_uniform(&rng) >= p_down) {
            down.clcw[slot] = ilrs_ccsds_farm_clcw(&farm);
            down.has_clcw[slot] = true;
        }
    }
    assert_int_equal(delivered, NCMD);
    assert_int_equal(fop.acknowledged, NCMD);
    assert_int_equal(fop.purged, 0);
    assert_int_equal(fop.alerts, 0);
    assert_int_equal(farm.lockouts, 0);
    assert_int_equal(farm.accepted_ad, NCMD);
    assert_true(t < 200000);
    if (p_up > 0) {
        assert_true(fop.retransmissions > 0);
    }
}

static void cop1_lossy_channel_exactly_once_in_order(void **state)
{
    (void)state;
    static const int modes[] = {ILRS_CCSDS_FOP_INIT_NO_CLCW, ILRS_CCSDS_FOP_INIT_CLCW,
                                ILRS_CCSDS_FOP_INIT_UNLOCK, ILRS_CCSDS_FOP_INIT_SET_VR};
    cop1_loop(1, ILRS_CCSDS_FOP_INIT_NO_CLCW, 0.0, 0.0, 0.0); /* clean channel */
    for (uint64_t seed = 1; seed <= 60; seed++) {
        double p_up = 0.05 + 0.3 * (double)(seed % 5) / 4.0;   /* 5 % .. 35 % */
        double p_down = 0.05 + 0.4 * (double)(seed % 3) / 2.0; /* 5 % .. 45 % */
        double p_busy = seed % 4 == 0 ? 0.1 : 0.0;
        cop1_loop(seed, modes[seed % 4], p_up, p_down, p_busy);
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(farm_accepts_in_sequence),
    cmocka_unit_test(farm_window_edges_every_offset),
    cmocka_unit_test(farm_lockout_unlock_and_set_vr),
    cmocka_unit_test(farm_wait_and_buffer_release),
    cmocka_unit_test(fop_directives),
    cmocka_unit_test(fop_window_and_acknowledgement),
    cmocka_unit_test(fop_retransmission_limit_suspend),
    cmocka_unit_test(fop_clcw_alerts),
    cmocka_unit_test(fop_synch_alerts_by_state),
    cmocka_unit_test(cop1_lossy_channel_exactly_once_in_order),
};
ILRS_TEST_MAIN(tests)
