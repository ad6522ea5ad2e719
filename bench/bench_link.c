// SPDX-License-Identifier: Apache-2.0
// Benchmarks of the space link layer (docs/space-link.md):
// - tm_frames_mb_per_s: 1115-octet TM frames (OCF + FECF) carrying a mix of
//   packets on the three ilrs VCs (housekeeping 64..300 octets, playback 1 KiB,
//   science 2..6 KiB spanning frames): queue the packets in the multiplexer, make
//   the frame, decode and demultiplex it, deliver the packets. MB/s of frames.
// - tc_cop1_frames_per_s: FOP-1 → TC frame → decode → FARM-1 → CLCW → FOP-1 on a
//   clean channel, one 64-octet command per frame, a CLCW after every frame.
// Each figure is the best of five timed runs of about 0.2 s. Results feed a
// volatile sink so the compiler cannot drop the work.
#include <ilrs/ccsds.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS      5
#define FRAME_LEN 1115u
#define NPKT      256u

static volatile uint64_t sink;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint8_t packets[NPKT][6144];
static size_t packet_len[NPKT];
static uint8_t packet_vc[NPKT];

static void make_packets(void)
{
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 2026);
    for (unsigned i = 0; i < NPKT; i++) {
        unsigned kind = (unsigned)ilrs_rng_below(&rng, 10);
        size_t n;
        uint8_t vc;
        if (kind < 6) {
            vc = ILRS_CCSDS_VC_HOUSEKEEPING;
            n = 64 + (size_t)ilrs_rng_below(&rng, 237);
        } else if (kind < 8) {
            vc = ILRS_CCSDS_VC_PLAYBACK;
            n = 1024;
        } else {
            vc = ILRS_CCSDS_VC_SCIENCE;
            n = 2048 + (size_t)ilrs_rng_below(&rng, 4096);
        }
        if (ilrs_ccsds_tlm_init(packets[i], sizeof packets[i], (uint16_t)(0x100u + vc), n,
                                INT64_C(2173910400) * ILRS_NS_PER_S) != 0) {
            abort();
        }
        for (size_t k = ILRS_CCSDS_TLM_HEADER_LEN; k < n; k++) {
            packets[i][k] = (uint8_t)ilrs_rng_next(&rng);
        }
        packet_len[i] = n;
        packet_vc[i] = vc;
    }
}

static uint64_t delivered_octets;

static void on_packet(void *user, uint8_t vcid, const uint8_t *pkt, size_t len)
{
    (void)user;
    delivered_octets += len + vcid + pkt[len - 1];
}

static uint64_t tm_run(uint64_t frames)
{
    static const ilrs_ccsds_tm_config_t cfg = {
        .scid = 0x2A5, .frame_len = FRAME_LEN, .has_ocf = true, .has_fecf = true};
    static uint8_t rings[3][65536];
    static uint8_t reasm[3][ILRS_CCSDS_MAX_PACKET_LEN];
    static ilrs_ccsds_tm_mux_t mux;
    static ilrs_ccsds_tm_demux_t dm;
    static uint8_t frame[FRAME_LEN];
    if (ilrs_ccsds_tm_mux_init(&mux, &cfg) != 0 ||
        ilrs_ccsds_tm_demux_init(&dm, &cfg, on_packet, NULL) != 0) {
        abort();
    }
    for (uint8_t v = 0; v < 3; v++) {
        if (ilrs_ccsds_tm_mux_add_vc(&mux, v, v, rings[v], sizeof rings[v]) != 0 ||
            ilrs_ccsds_tm_demux_add_vc(&dm, v, reasm[v], sizeof reasm[v]) != 0) {
            abort();
        }
    }
    unsigned next = 0;
    for (uint64_t i = 0; i < frames; i++) {
        /* Keep about two frames of data queued so frames are full of packets. */
        while (mux.vc[0].used + mux.vc[1].used + mux.vc[2].used < 2u * FRAME_LEN) {
            unsigned k = next++ % NPKT;
            if (ilrs_ccsds_tm_mux_push(&mux, packet_vc[k], packets[k], packet_len[k]) != 0) {
                abort();
            }
        }
        if (ilrs_ccsds_tm_mux_next_frame(&mux, (uint32_t)i, frame, sizeof frame, NULL) != 0 ||
            ilrs_ccsds_tm_demux_frame(&dm, frame, sizeof frame) != 0) {
            abort();
        }
    }
    if (dm.vc[0].gaps + dm.vc[1].gaps + dm.vc[2].gaps + dm.crc_errors != 0) {
        abort();
    }
    return delivered_octets;
}

static uint64_t tc_run(uint64_t frames)
{
    static uint8_t storage[17 * 64];
    ilrs_ccsds_fop_config_t cfg = {.scid = 0x2A5,
                                   .vcid = 0,
                                   .has_fecf = true,
                                   .max_data_len = 64,
                                   .window = 10,
                                   .t1 = ILRS_NS_PER_S,
                                   .tx_limit = 5,
                                   .timeout_type = 0};
    static const ilrs_ccsds_tc_config_t tc = {.scid = 0x2A5, .has_fecf = true};
    ilrs_ccsds_fop_t fop;
    ilrs_ccsds_farm_t farm;
    if (ilrs_ccsds_fop_init(&fop, &cfg, storage, sizeof storage) != 0 ||
        ilrs_ccsds_farm_init(&farm, 0, 20) != 0 ||
        ilrs_ccsds_fop_initiate(&fop, ILRS_CCSDS_FOP_INIT_NO_CLCW, 0, 0) != 0) {
        abort();
    }
    uint8_t cmd[64], buf[ILRS_CCSDS_TC_MAX_FRAME_LEN];
    memset(cmd, 0x5A, sizeof cmd);
    uint64_t acc = 0;
    for (uint64_t i = 0; i < frames; i++) {
        ilrs_tai_t now = (ilrs_tai_t)i * 1000;
        cmd[0] = (uint8_t)i;
        size_t n = 0;
        ilrs_ccsds_tc_frame_t f;
        if (ilrs_ccsds_fop_request(&fop, cmd, sizeof cmd) != 0 ||
            ilrs_ccsds_fop_next_frame(&fop, now, buf, sizeof buf, &n) != 0 ||
            ilrs_ccsds_tc_frame_decode(&tc, buf, n, &f) != 0 ||
            ilrs_ccsds_farm_receive(&farm, &f, true) != 0 ||
            ilrs_ccsds_fop_clcw(&fop, ilrs_ccsds_farm_clcw(&farm), now) != 0) {
            abort();
        }
        acc += f.data[0];
    }
    if (fop.acknowledged != frames) {
        abort();
    }
    return acc;
}

/* Best rate of RUNS timed runs, each sized from a calibration run to ~0.2 s. */
static double best_rate(uint64_t (*run)(uint64_t), uint64_t calib)
{
    double t0 = now_s();
    sink += run(calib);
    double dt = now_s() - t0;
    uint64_t n = (uint64_t)((double)calib * 0.2 / (dt > 1e-6 ? dt : 1e-6));
    if (n < calib) {
        n = calib;
    }
    double best = 0;
    for (int r = 0; r < RUNS; r++) {
        t0 = now_s();
        sink += run(n);
        dt = now_s() - t0;
        double rate = (double)n / dt;
        if (rate > best) {
            best = rate;
        }
    }
    return best;
}

int main(void)
{
    make_packets();
    double fps = best_rate(tm_run, 20000);
    printf("bench: tm_frames_mb_per_s %.0f MB/s\n", fps * FRAME_LEN / 1e6);
    fprintf(stderr, "tm: %.0f frames/s of %u octets\n", fps, FRAME_LEN);
    double tps = best_rate(tc_run, 100000);
    printf("bench: tc_cop1_frames_per_s %.0f frames/s\n", tps);
    return 0;
}
