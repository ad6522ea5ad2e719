// SPDX-License-Identifier: Apache-2.0
// Benchmarks of the CCSDS codecs (docs/ccsds.md):
// - packet_codec_mb_per_s: 1 KiB telemetry packets, per packet: header with time
//   (ilrs_ccsds_tlm_init), sequence count from the per-APID counter, then the full
//   packet check, primary header decode and time decode. Octets of packets per
//   second; the user data is not copied (the codecs are zero-copy).
// - cuc_encode_decode_per_s: CUC 4+2 with P-field, encode then decode.
// - seq_track_per_s: receiver sequence tracking over 64 APIDs with 1 % loss.
// Each figure is the best of five timed runs of about 0.2 s. Results feed a
// volatile sink so the compiler cannot drop the work.
#include <ilrs/ccsds.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PACKET_LEN 1024u
#define POOL       64u /* 64 KiB of packets: cache-resident, as a bus buffer pool would be */
#define RUNS       5

static volatile uint64_t sink;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint8_t pool[POOL][PACKET_LEN];

static uint64_t packet_codec_run(uint64_t n, ilrs_ccsds_seq_counter_t *counter)
{
    uint64_t acc = 0;
    ilrs_tai_t t = INT64_C(2173910400) * ILRS_NS_PER_S; /* 2026-11-21 */
    for (uint64_t i = 0; i < n; i++) {
        uint8_t *pkt = pool[i & (POOL - 1u)];
        uint16_t apid = (uint16_t)(i & 127u);
        t += 1000003; /* about 1 ms apart */
        if (ilrs_ccsds_tlm_init(pkt, PACKET_LEN, apid, PACKET_LEN, t) != 0) {
            abort();
        }
        ilrs_ccsds_set_seq_count(pkt, ilrs_ccsds_seq_next(counter, apid));

        size_t plen = 0;
        ilrs_ccsds_primary_t hdr;
        ilrs_tai_t back = 0;
        int rc = ilrs_ccsds_packet_check(pkt, PACKET_LEN, &plen);
        rc |= ilrs_ccsds_primary_decode(pkt, plen, &hdr);
        rc |= ilrs_ccsds_tlm_get_time(pkt, plen, &back);
        if (rc != 0) {
            abort();
        }
        acc += (uint64_t)back + hdr.seq_count + hdr.apid + plen;
    }
    return acc;
}

static uint64_t cuc_run(uint64_t n)
{
    uint64_t acc = 0;
    uint8_t buf[8];
    ilrs_tai_t t = INT64_C(1325376032) * ILRS_NS_PER_S;
    for (uint64_t i = 0; i < n; i++) {
        size_t written = 0, consumed = 0;
        ilrs_tai_t back = 0;
        t += 999983;
        int rc = ilrs_ccsds_cuc_encode(t, ILRS_CCSDS_CUC_TLM, true, buf, sizeof buf, &written);
        rc |= ilrs_ccsds_cuc_decode(buf, written, NULL, &back, &consumed);
        if (rc != 0) {
            abort();
        }
        acc += (uint64_t)back + consumed;
    }
    return acc;
}

#define TRACK_INPUTS 65536u
static uint16_t track_apid[TRACK_INPUTS];
static uint16_t track_count[TRACK_INPUTS];

static void track_prepare(void)
{
    ilrs_ccsds_seq_counter_t *counter = calloc(1, sizeof *counter);
    if (counter == NULL) {
        abort();
    }
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 1);
    size_t n = 0;
    while (n < TRACK_INPUTS) {
        uint16_t apid = (uint16_t)ilrs_rng_below(&rng, 64);
        uint16_t count = ilrs_ccsds_seq_next(counter, apid);
        if (ilrs_rng_below(&rng, 100) == 0) {
            continue; /* lost on the link */
        }
        track_apid[n] = apid;
        track_count[n] = count;
        n++;
    }
    free(counter);
}

static uint64_t track_run(uint64_t n, ilrs_ccsds_seq_tracker_t *tracker)
{
    uint64_t acc = 0;
    for (uint64_t i = 0; i < n; i++) {
        size_t k = i & (TRACK_INPUTS - 1u);
        acc += (uint64_t)ilrs_ccsds_seq_track(tracker, track_apid[k], track_count[k]);
    }
    return acc;
}

/* Best rate over RUNS timed runs of n iterations of which(). */
static double best_rate(int which, uint64_t n)
{
    double best = 0;
    ilrs_ccsds_seq_counter_t *counter = calloc(1, sizeof *counter);
    ilrs_ccsds_seq_tracker_t *tracker = calloc(1, sizeof *tracker);
    if (counter == NULL || tracker == NULL) {
        abort();
    }
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_s();
        uint64_t acc = which == 0   ? packet_codec_run(n, counter)
                       : which == 1 ? cuc_run(n)
                                    : track_run(n, tracker);
        double dt = now_s() - t0;
        sink += acc;
        double rate = (double)n / dt;
        if (rate > best) {
            best = rate;
        }
    }
    free(counter);
    free(tracker);
    return best;
}

/* Pick n so one run lasts about 0.2 s. */
static uint64_t calibrate(int which)
{
    uint64_t n = 1u << 14;
    for (;;) {
        double t0 = now_s();
        (void)best_rate(which, n);
        double dt = (now_s() - t0) / RUNS;
        if (dt > 0.05 || n > (UINT64_C(1) << 34)) {
            return (uint64_t)((double)n * 0.2 / dt) + 1u;
        }
        n *= 4u;
    }
}

int main(void)
{
    track_prepare();
    double packets_per_s = best_rate(0, calibrate(0));
    printf("bench: packet_codec_mb_per_s %.0f MB/s\n", packets_per_s * PACKET_LEN / 1e6);
    fprintf(stderr, "# %.1f M packets/s, %.1f ns per packet (encode + decode)\n",
            packets_per_s / 1e6, 1e9 / packets_per_s);
    printf("bench: cuc_encode_decode_per_s %.0f op/s\n", best_rate(1, calibrate(1)));
    printf("bench: seq_track_per_s %.0f op/s\n", best_rate(2, calibrate(2)));
    return 0;
}
