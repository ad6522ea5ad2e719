// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the CLCW decoder and FOP-1: the input is a program of
// one-octet operations (with operands) run against one FOP: process a CLCW word,
// advance time, request an FDU, pull a frame, and each directive. Asserts the
// FOP-1 invariants after every step: a valid state, at most K_max frames
// outstanding, the suspend state only in S6, frames pulled are valid TC frames of
// this VC whose sequence numbers lie in [NN(R), V(S)), and the CLCW decoder's
// fields re-encode to the same word. A violation traps.
#include <ilrs/ccsds.h>
#include <string.h>

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (0)

static uint8_t storage[9 * 40];

static void check_fop(const ilrs_ccsds_fop_t *fop)
{
    FUZZ_ASSERT(fop->state >= ILRS_CCSDS_FOP_ACTIVE && fop->state <= ILRS_CCSDS_FOP_INITIAL);
    FUZZ_ASSERT((uint8_t)(fop->vs - fop->nnr) <= fop->slots);
    FUZZ_ASSERT(fop->k >= 1 && fop->k <= fop->slots);
    FUZZ_ASSERT(fop->ss == 0 || fop->state == ILRS_CCSDS_FOP_INITIAL);
    FUZZ_ASSERT(fop->ss <= ILRS_CCSDS_FOP_INIT_BC);
    FUZZ_ASSERT(fop->wait_len <= fop->slot_size);
    FUZZ_ASSERT(fop->bc_len == 0 || fop->state == ILRS_CCSDS_FOP_INIT_BC ||
                fop->ss == ILRS_CCSDS_FOP_INIT_BC);
    if (fop->state == ILRS_CCSDS_FOP_INITIAL) {
        FUZZ_ASSERT(!fop->timer_on);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ilrs_ccsds_tc_config_t tc = {.scid = 0x2A5, .has_fecf = true};
    ilrs_ccsds_fop_config_t cfg = {.scid = 0x2A5,
                                   .vcid = 1,
                                   .has_fecf = true,
                                   .max_data_len = 40,
                                   .window = 4,
                                   .t1 = 100,
                                   .tx_limit = 3,
                                   .timeout_type = 0};
    ilrs_ccsds_fop_t fop;
    FUZZ_ASSERT(ilrs_ccsds_fop_init(&fop, &cfg, storage, sizeof storage) == 0);
    FUZZ_ASSERT(fop.slots == 8);
    ilrs_tai_t now = 0;
    uint8_t frame[ILRS_CCSDS_TC_MAX_FRAME_LEN];
    size_t i = 0;
    while (i < size) {
        uint8_t op = data[i++];
        uint8_t arg = i < size ? data[i] : 0;
        switch (op % 12u) {
        case 0: { /* CLCW word: 4 operand octets, VCID forced to ours half the time */
            if (size - i < 4) {
                i = size;
                break;
            }
            uint32_t w = ilrs_get_be32(data + i);
            i += 4;
            if (op & 0x80u) {
                w = (w & ~(0x3Fu << 18)) | (1u << 18);
            }
            ilrs_ccsds_clcw_t c;
            int rc = ilrs_ccsds_clcw_decode(w, &c);
            if (rc == 0) {
                uint32_t back = 0;
                FUZZ_ASSERT(ilrs_ccsds_clcw_encode(&c, &back) == 0 && back == w);
            }
            int frc = ilrs_ccsds_fop_clcw(&fop, w, now);
            FUZZ_ASSERT(frc == 0 || frc == ILRS_ECCSDS_CLCW || frc == ILRS_ECCSDS_VCID);
            FUZZ_ASSERT(rc == 0 || frc == ILRS_ECCSDS_CLCW);
            break;
        }
        case 1: /* time passes */
            now += (ilrs_tai_t)arg * 3;
            i++;
            FUZZ_ASSERT(ilrs_ccsds_fop_tick(&fop, now) == 0);
            break;
        case 2: { /* request an FDU of 1..40 octets */
            size_t n = 1u + arg % 40u;
            uint8_t fdu[40];
            memset(fdu, arg, sizeof fdu);
            i++;
            int rc = ilrs_ccsds_fop_request(&fop, fdu, n);
            FUZZ_ASSERT(rc == 0 || rc == ILRS_EBUSY || rc == ILRS_ESTATE);
            break;
        }
        case 3:
        case 4: { /* the lower layer pulls a frame */
            size_t n = 0;
            uint8_t nnr = fop.nnr, vs = fop.vs;
            int rc = ilrs_ccsds_fop_next_frame(&fop, now, frame, sizeof frame, &n);
            FUZZ_ASSERT(rc == 0 || rc == ILRS_EEMPTY);
            if (rc == 0) {
                ilrs_ccsds_tc_frame_t f;
                FUZZ_ASSERT(ilrs_ccsds_tc_frame_decode(&tc, frame, n, &f) == 0);
                FUZZ_ASSERT(f.vcid == 1);
                if (!f.bypass) {
                    /* a retransmission in [NN(R), V(S)) or the new frame V(S) */
                    FUZZ_ASSERT((uint8_t)(f.seq - nnr) <= (uint8_t)(vs - nnr));
                    FUZZ_ASSERT(f.data_len >= 1 && f.data_len <= 40);
                } else {
                    int cmd = 0;
                    uint8_t vr = 0;
                    FUZZ_ASSERT(f.control);
                    FUZZ_ASSERT(ilrs_ccsds_tc_control_decode(f.data, f.data_len, &cmd, &vr) == 0);
                }
            }
            break;
        }
        case 5:
            (void)ilrs_ccsds_fop_initiate(&fop, 1 + arg % 4, arg, now);
            i++;
            break;
        case 6:
            FUZZ_ASSERT(ilrs_ccsds_fop_terminate(&fop) == 0);
            break;
        case 7:
            (void)ilrs_ccsds_fop_resume(&fop, now);
            break;
        case 8:
            (void)ilrs_ccsds_fop_set_vs(&fop, arg);
            i++;
            break;
        case 9:
            (void)ilrs_ccsds_fop_set_window(&fop, arg % 10u);
            i++;
            break;
        case 10:
            (void)ilrs_ccsds_fop_set_tx_limit(&fop, arg % 5u);
            (void)ilrs_ccsds_fop_set_t1(&fop, (ilrs_tai_t)(arg % 7u) * 50);
            i++;
            break;
        default:
            (void)ilrs_ccsds_fop_set_timeout_type(&fop, arg % 3u);
            i++;
            break;
        }
        check_fop(&fop);
    }
    return 0;
}
