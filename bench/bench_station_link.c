// SPDX-License-Identifier: Apache-2.0
// Benchmark of the space link of `ilrs run` (src/station/station_link.c): telemetry
// packets (12..400 octets) through the TM multiplexer into 1115-octet frames with
// CLCW and FECF, the link error model (bit errors drawn and flipped), and the
// ground end (ilrs_ground_link: FECF check, VC demultiplexing, packet reassembly),
// as in the run, without the archive.
//   bench: run_link_frames_per_s          frames a second at the default year's
//                                         operating point (Eb/N0 5.2 dB above the
//                                         requirement: no errors in practice)
//   bench: run_link_frames_per_s_noisy    frames a second at the requirement
//                                         (BER 1e-6, about 0.9 % of frames bad)
// Usage: bench_station_link [FRAMES] (default 400000)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ilrs/ccsds.h>
#include <ilrs/dict.h>
#include <ilrs/ground_link.h>

#include "station/station_int.h"

#define FRAME_LEN 1115u

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void tap(void *user, uint8_t vcid, const uint8_t *pkt, size_t len)
{
    (void)vcid;
    (void)pkt;
    *(uint64_t *)user += len;
}

static double frames_per_s(size_t frames, double ber, uint64_t *bad)
{
    ilrs_ccsds_tm_config_t cfg = {.scid = ILRS_GROUND_LINK_DEFAULT_SCID,
                                  .frame_len = FRAME_LEN,
                                  .has_ocf = true,
                                  .has_fecf = true};
    ilrs_ccsds_tm_mux_t mux;
    static uint8_t ring[1 << 16];
    ilrs_dict_t *dict = NULL;
    ilrs_ground_link_t *g = NULL;
    uint64_t octets = 0;
    ilrs_ground_link_config_t gc;
    memset(&gc, 0, sizeof gc);
    gc.scid = ILRS_GROUND_LINK_DEFAULT_SCID;
    gc.tm_frame_len = FRAME_LEN;
    gc.tap = tap;
    gc.tap_user = &octets;
    if (ilrs_ccsds_tm_mux_init(&mux, &cfg) != 0 ||
        ilrs_ccsds_tm_mux_add_vc(&mux, 0, 0, ring, sizeof ring) != 0 ||
        ilrs_dict_create(&dict) != 0) {
        return 0.0;
    }
    gc.dict = dict;
    if (ilrs_ground_link_create(&gc, &g) != 0) {
        return 0.0;
    }
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 1);
    uint8_t pkt[400], frame[FRAME_LEN];
    uint16_t seq = 0;
    *bad = 0;
    double t0 = now_s();
    for (size_t i = 0; i < frames; i++) {
        while (ilrs_ccsds_tm_mux_pending(&mux, 0) < FRAME_LEN) {
            size_t len = 12 + (size_t)ilrs_rng_below(&rng, sizeof pkt - 12);
            ilrs_ccsds_tlm_init(pkt, sizeof pkt, 0x100, len, (ilrs_tai_t)i * 1000000000);
            ilrs_ccsds_set_seq_count(pkt, seq++ & 0x3FFFu);
            ilrs_ccsds_tm_mux_push(&mux, 0, pkt, len);
        }
        ilrs_ccsds_tm_mux_next_frame(&mux, 0, frame, sizeof frame, NULL);
        ilrs__station_link_corrupt(&rng, frame, sizeof frame, ber);
        *bad += ilrs_ground_link_tm_frame(g, frame, sizeof frame, (ilrs_tai_t)i) != 0;
    }
    double dt = now_s() - t0;
    ilrs_ground_link_destroy(g);
    ilrs_dict_destroy(dict);
    return octets > 0 && dt > 0.0 ? (double)frames / dt : 0.0;
}

int main(int argc, char **argv)
{
    size_t frames = argc > 1 ? (size_t)atol(argv[1]) : 400000;
    uint64_t bad_clean = 0, bad_noisy = 0;
    double clean = frames_per_s(frames, ilrs__station_link_ber(2.5 + 5.17, 2.5), &bad_clean);
    double noisy = frames_per_s(frames, ilrs__station_link_ber(2.5, 2.5), &bad_noisy);
    fprintf(stderr, "bench_station_link: %zu frames each; bad %llu (clean), %llu (at 1e-6)\n",
            frames, (unsigned long long)bad_clean, (unsigned long long)bad_noisy);
    printf("bench: run_link_frames_per_s %.0f frames/s\n", clean);
    printf("bench: run_link_frames_per_s_noisy %.0f frames/s\n", noisy);
    return clean > 0.0 && noisy > 0.0 ? 0 : 1;
}
