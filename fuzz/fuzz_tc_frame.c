// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the TC frame decoder, the control command parser and FARM-1:
// the input is a sequence of records [length octet][frame octets]; the length
// octet's top bit says whether the FARM has a buffer, its low 7 bits (times 8,
// plus 6) give the frame length. Each frame is decoded on a channel with FECF and
// on one without; frames that decode go to FARM-1. Asserts re-encoding, the FARM
// invariants (state and flags agree, V(R) moves only on acceptance) and that the
// CLCW it reports always decodes. A violation traps.
#include <ilrs/ccsds.h>
#include <string.h>

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (0)

static void check_farm(const ilrs_ccsds_farm_t *farm)
{
    FUZZ_ASSERT(farm->state >= ILRS_CCSDS_FARM_OPEN && farm->state <= ILRS_CCSDS_FARM_LOCKOUT);
    FUZZ_ASSERT(farm->lockout == (farm->state == ILRS_CCSDS_FARM_LOCKOUT));
    if (farm->state == ILRS_CCSDS_FARM_WAIT) {
        FUZZ_ASSERT(farm->wait);
    }
    if (farm->state == ILRS_CCSDS_FARM_OPEN) {
        FUZZ_ASSERT(!farm->wait);
    }
    if (farm->wait) {
        FUZZ_ASSERT(farm->retransmit || farm->state == ILRS_CCSDS_FARM_LOCKOUT);
    }
    ilrs_ccsds_clcw_t c;
    FUZZ_ASSERT(ilrs_ccsds_clcw_decode(ilrs_ccsds_farm_clcw(farm), &c) == 0);
    FUZZ_ASSERT(c.report_value == farm->vr && c.lockout == farm->lockout && c.wait == farm->wait &&
                c.retransmit == farm->retransmit && c.farm_b == farm->farm_b &&
                c.vcid == farm->vcid);
}

static void one_frame(const ilrs_ccsds_tc_config_t *cfg, ilrs_ccsds_farm_t *farm, const uint8_t *p,
                      size_t len, bool ready)
{
    static uint8_t again[ILRS_CCSDS_TC_MAX_FRAME_LEN];
    ilrs_ccsds_tc_frame_t f;
    int rc = ilrs_ccsds_tc_frame_decode(cfg, p, len, &f);
    if (rc != 0) {
        FUZZ_ASSERT(rc == ILRS_ECCSDS_FRAME_LENGTH || rc == ILRS_ECRC || rc == ILRS_ECCSDS_TFVN ||
                    rc == ILRS_ECCSDS_FRAME_FLAGS || rc == ILRS_ECCSDS_SCID);
        return;
    }
    size_t n = 0;
    FUZZ_ASSERT(ilrs_ccsds_tc_frame_encode(cfg, &f, again, sizeof again, &n) == 0);
    FUZZ_ASSERT(n == len && memcmp(again, p, len) == 0);
    int cmd = 0;
    uint8_t vr = 0;
    if (ilrs_ccsds_tc_control_decode(f.data, f.data_len, &cmd, &vr) == 0) {
        FUZZ_ASSERT(ilrs_ccsds_tc_control_encode(cmd, vr, again, sizeof again, &n) == 0);
        FUZZ_ASSERT(n == f.data_len && memcmp(again, f.data, n) == 0);
    }
    /* Frames of any VC go to the FARM of VC (first data octet % 4) half the time. */
    uint8_t vr_before = farm->vr;
    uint64_t ad_before = farm->accepted_ad;
    int frc = ilrs_ccsds_farm_receive(farm, &f, ready);
    FUZZ_ASSERT(frc <= 0);
    if (farm->accepted_ad == ad_before + 1) {
        FUZZ_ASSERT(frc == 0 && !f.bypass && f.seq == vr_before);
        FUZZ_ASSERT(farm->vr == (uint8_t)(vr_before + 1));
    } else if (!(f.bypass && f.control && frc == 0)) {
        FUZZ_ASSERT(farm->vr == vr_before); /* only Set V(R) moves V(R) otherwise */
    }
    check_farm(farm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ilrs_ccsds_tc_config_t with_fecf = {.scid = 0x2A5, .has_fecf = true};
    static const ilrs_ccsds_tc_config_t without_fecf = {.scid = 0x2A5, .has_fecf = false};
    ilrs_ccsds_farm_t farm_a, farm_b;
    FUZZ_ASSERT(ilrs_ccsds_farm_init(&farm_a, 1, 10) == 0);
    FUZZ_ASSERT(ilrs_ccsds_farm_init(&farm_b, 1, 254) == 0);
    /* The whole input as one frame, too. */
    ilrs_ccsds_tc_frame_t f;
    (void)ilrs_ccsds_tc_frame_decode(&with_fecf, data, size, &f);
    size_t off = 0;
    while (off < size) {
        uint8_t hdr = data[off++];
        bool ready = (hdr & 0x80u) == 0;
        size_t len = (size_t)(hdr & 0x7Fu) * 8u + 6u;
        if (len > size - off) {
            len = size - off;
        }
        one_frame(&with_fecf, &farm_a, data + off, len, ready);
        one_frame(&without_fecf, &farm_b, data + off, len, ready);
        if ((hdr & 0x40u) != 0) {
            ilrs_ccsds_farm_buffer_release(&farm_b);
            check_farm(&farm_b);
        }
        off += len;
    }
    return 0;
}
