/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TC Space Data Link Protocol (CCSDS 232.0-B-4, October 2019): the transfer
 * frame codec, the COP-1 control commands carried by type-BC frames
 * (232.1-B-2, Unlock and Set V(R)) and the CLCW (232.0-B-4 §4.2).
 * No segment header: ilrs does not use the MAP service (docs/space-link.md).
 * Depends on base (CRC-16).
 */
#include <string.h>

#include "ccsds_link_int.h"

/* Primary header (232.0-B-4 §4.1.2, figure 4-2). */
#define TC_TFVN_SHIFT  14
#define TC_BYPASS_BIT  0x2000u
#define TC_CONTROL_BIT 0x1000u
#define TC_SPARE_MASK  0x0C00u
#define TC_LENGTH_MASK 0x03FFu

/* Control commands (232.1-B-2: Unlock and Set V(R)). */
#define TC_UNLOCK_OCTET  0x00u
#define TC_SET_VR_OCTET0 0x82u
#define TC_SET_VR_OCTET1 0x00u

int ilrs_ccsds_tc_frame_encode(const ilrs_ccsds_tc_config_t *cfg,
                               const ilrs_ccsds_tc_frame_t *frame, uint8_t *buf, size_t cap,
                               size_t *written)
{
    if (written != NULL) {
        *written = 0;
    }
    if (cfg == NULL || frame == NULL || buf == NULL || cfg->scid > ILRS_CCSDS_SCID_MAX ||
        (frame->data == NULL && frame->data_len > 0)) {
        return ILRS_EINVAL;
    }
    if (frame->vcid > ILRS_CCSDS_TC_VCID_MAX) {
        return ILRS_ECCSDS_VCID;
    }
    if (frame->control && !frame->bypass) {
        return ILRS_ECCSDS_FRAME_FLAGS;
    }
    size_t total =
        ILRS_CCSDS_TC_PRIMARY_LEN + frame->data_len + (cfg->has_fecf ? ILRS__FECF_LEN : 0u);
    if (frame->data_len == 0 || total > ILRS_CCSDS_TC_MAX_FRAME_LEN) {
        return ILRS_ECCSDS_FRAME_LENGTH;
    }
    if (cap < total) {
        return ILRS_ECCSDS_TOOSMALL;
    }
    memmove(buf + ILRS_CCSDS_TC_PRIMARY_LEN, frame->data, frame->data_len);
    uint16_t w0 = (uint16_t)(cfg->scid | (frame->bypass ? TC_BYPASS_BIT : 0u) |
                             (frame->control ? TC_CONTROL_BIT : 0u));
    ilrs_put_be16(buf, w0);
    ilrs_put_be16(buf + 2, (uint16_t)(((unsigned)frame->vcid << 10) | (total - 1u)));
    buf[4] = frame->seq;
    if (cfg->has_fecf) {
        ilrs__fecf_put(buf, total - ILRS__FECF_LEN);
    }
    if (written != NULL) {
        *written = total;
    }
    return 0;
}

int ilrs_ccsds_tc_frame_decode(const ilrs_ccsds_tc_config_t *cfg, const uint8_t *buf, size_t len,
                               ilrs_ccsds_tc_frame_t *frame)
{
    if (frame == NULL) {
        return ILRS_EINVAL;
    }
    memset(frame, 0, sizeof *frame);
    if (cfg == NULL || buf == NULL) {
        return ILRS_EINVAL;
    }
    size_t trailer = cfg->has_fecf ? ILRS__FECF_LEN : 0u;
    if (len < ILRS_CCSDS_TC_PRIMARY_LEN + 1u + trailer || len > ILRS_CCSDS_TC_MAX_FRAME_LEN) {
        return ILRS_ECCSDS_FRAME_LENGTH;
    }
    uint16_t w1 = ilrs_get_be16(buf + 2);
    if ((size_t)(w1 & TC_LENGTH_MASK) + 1u != len) {
        return ILRS_ECCSDS_FRAME_LENGTH;
    }
    if (cfg->has_fecf && !ilrs__fecf_ok(buf, len - ILRS__FECF_LEN)) {
        return ILRS_ECRC;
    }
    uint16_t w0 = ilrs_get_be16(buf);
    if ((w0 >> TC_TFVN_SHIFT) != 0) {
        return ILRS_ECCSDS_TFVN;
    }
    frame->bypass = (w0 & TC_BYPASS_BIT) != 0;
    frame->control = (w0 & TC_CONTROL_BIT) != 0;
    frame->scid = (uint16_t)(w0 & ILRS_CCSDS_SCID_MAX);
    frame->vcid = (uint8_t)(w1 >> 10);
    frame->seq = buf[4];
    /* Flags '01' (control without bypass) are reserved (232.0-B-4 §4.1.2, bypass and control
     * command flags). */
    if ((w0 & TC_SPARE_MASK) != 0 || (frame->control && !frame->bypass)) {
        return ILRS_ECCSDS_FRAME_FLAGS;
    }
    if (frame->scid != cfg->scid) {
        return ILRS_ECCSDS_SCID;
    }
    frame->data = buf + ILRS_CCSDS_TC_PRIMARY_LEN;
    frame->data_len = len - ILRS_CCSDS_TC_PRIMARY_LEN - trailer;
    return 0;
}

int ilrs_ccsds_tc_control_encode(int cmd, uint8_t vr, uint8_t *buf, size_t cap, size_t *written)
{
    if (written != NULL) {
        *written = 0;
    }
    if (buf == NULL || (cmd != ILRS_CCSDS_TC_UNLOCK && cmd != ILRS_CCSDS_TC_SET_VR)) {
        return ILRS_EINVAL;
    }
    size_t n = cmd == ILRS_CCSDS_TC_UNLOCK ? 1u : 3u;
    if (cap < n) {
        return ILRS_ECCSDS_TOOSMALL;
    }
    if (cmd == ILRS_CCSDS_TC_UNLOCK) {
        buf[0] = TC_UNLOCK_OCTET;
    } else {
        buf[0] = TC_SET_VR_OCTET0;
        buf[1] = TC_SET_VR_OCTET1;
        buf[2] = vr;
    }
    if (written != NULL) {
        *written = n;
    }
    return 0;
}

int ilrs_ccsds_tc_control_decode(const uint8_t *data, size_t len, int *cmd, uint8_t *vr)
{
    if (cmd != NULL) {
        *cmd = 0;
    }
    if (vr != NULL) {
        *vr = 0;
    }
    if (data == NULL || cmd == NULL || vr == NULL) {
        return ILRS_EINVAL;
    }
    if (len == 1 && data[0] == TC_UNLOCK_OCTET) {
        *cmd = ILRS_CCSDS_TC_UNLOCK;
        return 0;
    }
    if (len == 3 && data[0] == TC_SET_VR_OCTET0 && data[1] == TC_SET_VR_OCTET1) {
        *cmd = ILRS_CCSDS_TC_SET_VR;
        *vr = data[2];
        return 0;
    }
    return ILRS_ECCSDS_TC_CONTROL;
}

/* ---- CLCW (232.0-B-4 §4.2): 32 bits, bit 0 first ---------------- */

#define CLCW_TYPE_BIT       (1u << 31)
#define CLCW_VERSION_SHIFT  29
#define CLCW_STATUS_SHIFT   26
#define CLCW_COP_SHIFT      24
#define CLCW_VCID_SHIFT     18
#define CLCW_SPARE1_MASK    (3u << 16)
#define CLCW_NO_RF_BIT      (1u << 15)
#define CLCW_NO_BITLOCK_BIT (1u << 14)
#define CLCW_LOCKOUT_BIT    (1u << 13)
#define CLCW_WAIT_BIT       (1u << 12)
#define CLCW_RETRANSMIT_BIT (1u << 11)
#define CLCW_FARM_B_SHIFT   9
#define CLCW_SPARE2_MASK    (1u << 8)
#define CLCW_COP1           1u

int ilrs_ccsds_clcw_encode(const ilrs_ccsds_clcw_t *clcw, uint32_t *word)
{
    if (word == NULL) {
        return ILRS_EINVAL;
    }
    *word = 0;
    if (clcw == NULL) {
        return ILRS_EINVAL;
    }
    if (clcw->status > 7u || clcw->vcid > ILRS_CCSDS_TC_VCID_MAX || clcw->farm_b > 3u) {
        return ILRS_ERANGE;
    }
    *word = ((uint32_t)clcw->status << CLCW_STATUS_SHIFT) | (CLCW_COP1 << CLCW_COP_SHIFT) |
            ((uint32_t)clcw->vcid << CLCW_VCID_SHIFT) | (clcw->no_rf ? CLCW_NO_RF_BIT : 0u) |
            (clcw->no_bitlock ? CLCW_NO_BITLOCK_BIT : 0u) |
            (clcw->lockout ? CLCW_LOCKOUT_BIT : 0u) | (clcw->wait ? CLCW_WAIT_BIT : 0u) |
            (clcw->retransmit ? CLCW_RETRANSMIT_BIT : 0u) |
            ((uint32_t)clcw->farm_b << CLCW_FARM_B_SHIFT) | clcw->report_value;
    return 0;
}

int ilrs_ccsds_clcw_decode(uint32_t word, ilrs_ccsds_clcw_t *clcw)
{
    if (clcw == NULL) {
        return ILRS_EINVAL;
    }
    memset(clcw, 0, sizeof *clcw);
    clcw->status = (uint8_t)((word >> CLCW_STATUS_SHIFT) & 7u);
    clcw->vcid = (uint8_t)((word >> CLCW_VCID_SHIFT) & ILRS_CCSDS_TC_VCID_MAX);
    clcw->no_rf = (word & CLCW_NO_RF_BIT) != 0;
    clcw->no_bitlock = (word & CLCW_NO_BITLOCK_BIT) != 0;
    clcw->lockout = (word & CLCW_LOCKOUT_BIT) != 0;
    clcw->wait = (word & CLCW_WAIT_BIT) != 0;
    clcw->retransmit = (word & CLCW_RETRANSMIT_BIT) != 0;
    clcw->farm_b = (uint8_t)((word >> CLCW_FARM_B_SHIFT) & 3u);
    clcw->report_value = (uint8_t)word;
    if ((word & CLCW_TYPE_BIT) != 0 || ((word >> CLCW_VERSION_SHIFT) & 3u) != 0 ||
        ((word >> CLCW_COP_SHIFT) & 3u) != CLCW_COP1 ||
        (word & (CLCW_SPARE1_MASK | CLCW_SPARE2_MASK)) != 0) {
        return ILRS_ECCSDS_CLCW;
    }
    return 0;
}
