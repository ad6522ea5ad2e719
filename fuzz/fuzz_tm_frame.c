// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the TM frame decoder and the demultiplexer / packet extractor:
// the input is cut into frames of a fixed length and fed to two demultiplexers,
// one on a channel with FECF (realistic: most inputs fail the CRC) and one
// without (so arbitrary headers, FHPs and packet lengths reach the extractor).
// Asserts the promises: decode results re-encode to the same octets, every
// delivered packet is a whole, valid, non-idle packet no longer than the
// reassembly buffer, and the counters add up. A violation traps.
#include <ilrs/ccsds.h>
#include <string.h>

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (0)

#define FRAME_LEN 64u
#define REASM_CAP 300u

static size_t delivered_octets;
static uint64_t delivered;

static void on_packet(void *user, uint8_t vcid, const uint8_t *pkt, size_t len)
{
    (void)user;
    FUZZ_ASSERT(vcid < 7);
    FUZZ_ASSERT(len >= 7 && len <= REASM_CAP);
    FUZZ_ASSERT(ilrs_ccsds_get_total_length(pkt) == len);
    FUZZ_ASSERT((pkt[0] & 0xE0u) == 0);
    FUZZ_ASSERT(ilrs_ccsds_get_apid(pkt) != ILRS_CCSDS_APID_IDLE);
    delivered_octets += len;
    delivered++;
}

static void one_channel(const ilrs_ccsds_tm_config_t *cfg, const uint8_t *data, size_t size)
{
    static uint8_t reasm[7][REASM_CAP];
    static uint8_t again[FRAME_LEN];
    ilrs_ccsds_tm_demux_t dm;
    FUZZ_ASSERT(ilrs_ccsds_tm_demux_init(&dm, cfg, on_packet, NULL) == 0);
    for (uint8_t v = 0; v < 7; v++) {
        FUZZ_ASSERT(ilrs_ccsds_tm_demux_add_vc(&dm, v, reasm[v], REASM_CAP) == 0);
    }
    delivered = 0;
    delivered_octets = 0;
    size_t nframes = 0, ok = 0;
    for (size_t off = 0; off + FRAME_LEN <= size; off += FRAME_LEN) {
        const uint8_t *p = data + off;
        ilrs_ccsds_tm_frame_t f;
        int rc = ilrs_ccsds_tm_frame_decode(cfg, p, FRAME_LEN, &f);
        if (rc == 0) {
            FUZZ_ASSERT(f.data == p + 6 && f.data_len == ilrs_ccsds_tm_data_len(cfg));
            FUZZ_ASSERT(ilrs_ccsds_tm_frame_encode(cfg, &f, again, sizeof again) == 0);
            FUZZ_ASSERT(memcmp(again, p, FRAME_LEN) == 0);
            ok++;
        } else {
            FUZZ_ASSERT(rc == ILRS_ECRC || rc == ILRS_ECCSDS_TFVN || rc == ILRS_ECCSDS_SCID ||
                        rc == ILRS_ECCSDS_FRAME_FLAGS || rc == ILRS_ECCSDS_FHP);
        }
        int drc = ilrs_ccsds_tm_demux_frame(&dm, p, FRAME_LEN);
        FUZZ_ASSERT(drc == rc || (rc == 0 && drc == ILRS_ECCSDS_VCID));
        nframes++;
    }
    /* A truncated last frame is a length error and changes nothing. */
    if (size % FRAME_LEN != 0) {
        uint64_t before = dm.format_errors;
        FUZZ_ASSERT(ilrs_ccsds_tm_demux_frame(&dm, data + size - size % FRAME_LEN,
                                              size % FRAME_LEN) == ILRS_ECCSDS_FRAME_LENGTH);
        FUZZ_ASSERT(dm.format_errors == before + 1);
    }
    FUZZ_ASSERT(dm.frames_ok == ok);
    FUZZ_ASSERT(dm.frames_ok + dm.crc_errors + dm.scid_errors + dm.format_errors ==
                nframes + (size % FRAME_LEN != 0));
    uint64_t packets = 0, vc_frames = 0;
    for (unsigned v = 0; v < 7; v++) {
        packets += dm.vc[v].packets;
        vc_frames += dm.vc[v].frames;
        FUZZ_ASSERT(dm.vc[v].have <= REASM_CAP);
        FUZZ_ASSERT(dm.vc[v].need == 0 || (dm.vc[v].need >= 7 && dm.vc[v].need <= REASM_CAP));
    }
    FUZZ_ASSERT(packets == delivered);
    FUZZ_ASSERT(vc_frames + dm.vcid_unknown <= dm.frames_ok);
    /* Delivered packets are made of frame data octets, and each octet is delivered
     * at most once except for the copy path, so a loose bound holds. */
    FUZZ_ASSERT(delivered_octets <= ok * FRAME_LEN);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const ilrs_ccsds_tm_config_t with_fecf = {
        .scid = 0x2A5, .frame_len = FRAME_LEN, .has_ocf = true, .has_fecf = true};
    static const ilrs_ccsds_tm_config_t without_fecf = {
        .scid = 0x2A5, .frame_len = FRAME_LEN, .has_ocf = false, .has_fecf = false};
    one_channel(&with_fecf, data, size);
    one_channel(&without_fecf, data, size);
    return 0;
}
