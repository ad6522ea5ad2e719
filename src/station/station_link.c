// SPDX-License-Identifier: Apache-2.0
// The space link of the station run (`ilrs run`, docs/station.md "Space link"):
// what the twin's radios transmit becomes CCSDS TM transfer frames (132.0-B-3),
// the frames suffer the bit errors and losses of the link the twin computes, and
// the ground end (ilrs_ground_link, the same code as `ilrs ground`, in process)
// checks each frame's FECF, demultiplexes the virtual channels, reassembles the
// packets and hands them to the archive.
//
// Per radio (one physical channel each, its own master channel and ground end):
//  - packets leave the radio when the twin's sent_bytes covers them, and are
//    queued on a virtual channel of the TM multiplexer (ilrs_ccsds_tm_mux):
//    VC 0 real-time housekeeping and events, VC 1 playback (packets generated
//    before the current pass began: held on board while out of contact), VC 2
//    science (payload status packets), the routes of station_realtime.c;
//  - at the end of each mission second full data fields are framed, and a
//    partly filled one once it has waited RELEASE_S or the link is lost (then
//    completed with an idle packet, 133.0-B-2 §4.1.3), each frame with a CLCW in
//    the OCF and the FECF (CRC-16);
//  - each frame's fate is drawn from the link's own generator (seeded from the
//    run's seed, so the run stays deterministic without moving the draws of the
//    twin or of the faults): lost while the ground receiver acquires lock after
//    an AOS or a rate change, or sent after the instant of LOS within the last
//    second of a pass (the twin's link state is per second; the frame is held
//    a second until the next one tells), else Binomial(8 x 1115, BER) bits really flipped
//    in the frame (the CRC at the ground finds them, or, 2^-16 of long error
//    patterns, does not: counted as undetected);
//  - frames travel like the packets did before: light time direct to Earth, or
//    to the relay, its store-and-forward queue (relay <-> Earth windows, rate),
//    then the Earth light time;
//  - the relay's trunk to Earth has its own budget (the scenario's relay earth_*
//    keys, the ground stations' dishes; the twin's ilrs_hw_link_budget at the
//    relay <-> ground-station range) and the same error model, drawn from the
//    link's second generator (trunk_rng): frames sent while the ground acquires
//    the trunk after each relay <-> ground AOS or rate change are lost, the others
//    get Binomial(8 x 1115, BER) bits flipped; the trunk rate is the fastest of
//    the relay's earth_rate_bps / earth_backup_rate_bps whose margin closes; the
//    store's playback starts earth_guard_s after each (re)acquisition (idle frames
//    meanwhile), so with the default guard acquisition loses no stored frame;
//  - science volumes (the payload models produce byte counts, no contents: a
//    science buffer starts with ST_SCIENCE_MAGIC) are not carried octet by
//    octet (several terabytes a year would be billions of frames): they fill
//    virtual VC 2 frames of the same length, whose fates are drawn like real
//    frames' (a binomial count per chunk); the octets of a lost or bad frame
//    are not credited to the partner. Nothing is retransmitted (no CFDP, no
//    playback of lost data): the loss is final.
//
// Error model (docs/station.md "Space link"): Eb/N0 from the twin's link budget
// (ilrs_hw_link_budget: C/N0 at the radio's distance, minus 10 log10 of its
// current rate). The code's bit error rate is the BPSK curve, Pb = 1/2 erfc(
// sqrt(Eb/N0)) (Proakis, Digital Communications, 5th ed., eq. 4.3-13), shifted by
// the coding gain that puts it at ST_LINK_REF_BER at the radio's required Eb/N0
// (the scenario's 2.5 dB: Reed-Solomon (255,223) + rate-1/2 convolutional,
// CCSDS 130.1-G-3 fig. 6-6 / 131.0-B-3, BER 1e-6 there): a gain of 8.0 dB. The
// real concatenated code's curve is steeper (a waterfall); the shifted curve is
// pessimistic above the threshold and errors are independent here (after a
// Viterbi decoder they come in bursts): both stated simplifications. A frame
// of n bits is bad with probability 1 - (1 - Pb)^n.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/ccsds.h>
#include <ilrs/ground_link.h>

#include "station/station_int.h"

#define FRAME_LEN         1115u                /* the LINK app's and the ground's frames */
#define VC_RING_BYTES     ((size_t)192 << 10)  /* per VC queue (>= the largest packet) */
#define FRAME_STORE_BYTES ((uint64_t)64 << 20) /* frame octets in flight (relay backlog) */
/* Ground receiver acquisition after AOS or a rate change: carrier and symbol lock
 * in a time uniform in [ACQ_MIN_S, ACQ_MAX_S] (assumed: a receiver pointed with
 * Doppler predicts), then the frame synchroniser's search for the attached sync
 * marker takes one frame (131.0-B-3 §9; 130.1-G-3 §7.3: search, check, lock).
 * Frames sent meanwhile are lost. */
#define ACQ_MIN_S 0.2
#define ACQ_MAX_S 1.0
/* Uncoded BPSK: 1/2 erfc(sqrt(x)) = 1e-6 at x = 11.2975 (10.530 dB), by bisection;
 * checked in tests/station/test_station_link.c. */
#define BPSK_REF_X      11.297521329854227
#define LINK_SEED_SALT  UINT64_C(0x4C494E4B5F524E47) /* "LINK_RNG": the link's own stream */
#define TRUNK_SEED_SALT UINT64_C(0x5452554E4B524E47) /* "TRUNKRNG": the relay trunk's */
/* The trunk budget is re-evaluated this often while up: the relay <-> Earth range
 * changes by < 0.5 % in 10 min (relay speed < 2.5 km/s against 3.6e8 m), < 0.05 dB
 * of Eb/N0. Each evaluation costs an ephemeris call (ERFA's analytic series where
 * the kernels do not cover the date, tens of microseconds): every 60 s that was
 * about 10 s of a year's run. */
#define TRUNK_BUDGET_S 600.0
#define EARTH_RADIUS_M 6378137.0 /* WGS84 equatorial radius */
/* VC frame release time: a partly filled data field waits at most this long for
 * more packets before it is completed with an idle packet and sent (a managed
 * parameter of the multiplexer, assumed; 10 s of latency for real-time HK sampled
 * once a minute). Full data fields go at once. */
#define RELEASE_S      10.0
#define BUDGET_REFRESH 1e-3
#define POOL_FRAMES                                                                                \
    1024u /* frame buffers kept for reuse (a frame is made every ~10 s) */ /* re-evaluate the      \
                                                                              budget when the      \
                                                                              distance moved this  \
                                                                              fraction */

typedef struct ends_fifo {
    uint64_t *v; /* cumulative octet positions where queued packets end */
    size_t head, count, cap;
} ends_fifo_t;

typedef struct link_tx {
    ilrs_ccsds_tm_mux_t mux;
    uint8_t *ring[ILRS_STATION_LINK_VCS];
    ends_fifo_t ends[ILRS_STATION_LINK_VCS];
    uint64_t pushed[ILRS_STATION_LINK_VCS], taken[ILRS_STATION_LINK_VCS];
    double oldest_s[ILRS_STATION_LINK_VCS]; /* when the oldest octet queued arrived */
    ilrs_ground_link_t *ground;
    bool proximity;
    bool was_up;
    double rate_bps, up_since_s, acq_end_s;
    double budget_m; /* distance of the current Eb/N0 (0: stale) */
    double ebn0_db, ber, fer;
    uint64_t sci_pos;       /* science octets framed on this channel */
    bool sci_cur_bad;       /* fate of the science frame being filled */
    bool sent_any;          /* transmitted this second */
    station_flightq_t hold; /* made last second: the ground's fate known a second later */
} link_tx_t;

struct station_link {
    ilrs_station_t *st;
    ilrs_rng_t rng;
    size_t data_len;
    uint32_t ocf;
    link_tx_t tx[ILRS_SCENARIO_MAX_RADIOS];
    size_t n_tx;
    uint8_t science_apid[2048 / 8]; /* payload status APIDs: VC 2 */
    ilrs_station_link_result_t res;
    uint64_t resolved[ILRS_STATION_LINK_VCS]; /* packets whose last frame arrived or was lost */
    uint64_t frame_bytes;                     /* frame octets in flight */
    ilrs_tai_t rx_time;                       /* ground receive time of the frame at hand */
    double earth_lt_s, relay_lt_s;            /* light times this second */
    uint8_t *pool[POOL_FRAMES];               /* frame buffers for reuse */
    size_t pool_n;
    /* the relay's trunk to Earth (relay 0) */
    ilrs_rng_t trunk_rng;
    ilrs_hw_radio_params_t trunk_p; /* relay transmitter, worst ground station's receiver */
    double trunk_min_el_deg;        /* that station's minimum elevation */
    bool trunk_up;
    double trunk_rate_bps, trunk_acq_end_s, trunk_budget_s;
    double trunk_play_s; /* the store's playback may start (AOS or rate change + guard) */
    double trunk_ebn0_db, trunk_ber, trunk_fer;
};

/* ---- flight queues ---------------------------------------------------------------------- */

int ilrs__station_q_push(station_flightq_t *q, const station_flight_t *f)
{
    if (q->count == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 256;
        station_flight_t *n = malloc(cap * sizeof *n);
        if (n == NULL) {
            return ILRS_ENOMEM;
        }
        for (size_t i = 0; i < q->count; i++) {
            n[i] = q->items[(q->head + i) % q->cap];
        }
        free(q->items);
        q->items = n;
        q->head = 0;
        q->cap = cap;
    }
    q->items[(q->head + q->count) % q->cap] = *f;
    q->count++;
    return 0;
}

station_flight_t *ilrs__station_q_front(station_flightq_t *q)
{
    return q->count ? &q->items[q->head] : NULL;
}

void ilrs__station_q_pop(station_flightq_t *q)
{
    q->head = (q->head + 1) % q->cap;
    q->count--;
}

void ilrs__station_q_free(station_flightq_t *q)
{
    for (size_t i = 0; i < q->count; i++) {
        free(q->items[(q->head + i) % q->cap].data);
    }
    free(q->items);
    memset(q, 0, sizeof *q);
}

static int ends_push(ends_fifo_t *e, uint64_t pos)
{
    if (e->count == e->cap) {
        size_t cap = e->cap ? 2 * e->cap : 64;
        uint64_t *n = malloc(cap * sizeof *n);
        if (n == NULL) {
            return ILRS_ENOMEM;
        }
        for (size_t i = 0; i < e->count; i++) {
            n[i] = e->v[(e->head + i) % e->cap];
        }
        free(e->v);
        e->v = n;
        e->head = 0;
        e->cap = cap;
    }
    e->v[(e->head + e->count) % e->cap] = pos;
    e->count++;
    return 0;
}

/* Packets whose last octet is at or before @p taken: they ended in the frame just made. */
static uint16_t ends_pop_upto(ends_fifo_t *e, uint64_t taken)
{
    uint16_t n = 0;
    while (e->count > 0 && e->v[e->head] <= taken) {
        e->head = (e->head + 1) % e->cap;
        e->count--;
        n++;
    }
    return n;
}

static uint8_t *frame_get(station_link_t *l)
{
    return l->pool_n > 0 ? l->pool[--l->pool_n] : malloc(FRAME_LEN);
}

static void frame_put(station_link_t *l, uint8_t *fr)
{
    if (l->pool_n < POOL_FRAMES) {
        l->pool[l->pool_n++] = fr;
    } else {
        free(fr);
    }
}

/* ---- error model ------------------------------------------------------------------------- */

double ilrs__station_link_ber(double ebn0_db, double required_ebn0_db)
{
    // Coded BER = BPSK's curve at Eb/N0 + coding gain, the gain putting it at
    // ST_LINK_REF_BER at the required Eb/N0: only the margin above it matters.
    double x = BPSK_REF_X * pow(10.0, (ebn0_db - required_ebn0_db) / 10.0);
    return 0.5 * erfc(sqrt(x));
}

double ilrs__station_link_fer(double ber, size_t bits)
{
    if (!(ber > 0.0)) {
        return 0.0;
    }
    if (ber >= 1.0) {
        return 1.0;
    }
    return -expm1((double)bits * log1p(-ber));
}

uint64_t ilrs__station_link_binomial(ilrs_rng_t *rng, uint64_t n, double p)
{
    if (n == 0 || !(p > 0.0)) {
        return 0;
    }
    if (p >= 1.0) {
        return n;
    }
    if (p > 0.5) {
        return n - ilrs__station_link_binomial(rng, n, 1.0 - p);
    }
    double mean = (double)n * p;
    if (mean > 30.0) {
        // Normal approximation (de Moivre-Laplace; n p and n (1-p) > 30 here):
        // only reached for frames certain to be bad, where the count hardly matters.
        double k = floor(mean + sqrt(mean * (1.0 - p)) * ilrs_rng_normal(rng) + 0.5);
        return k < 0.0 ? 0 : (k > (double)n ? n : (uint64_t)k);
    }
    // Inversion by sequential search (Devroye, Non-Uniform Random Variate Generation,
    // 1986, §X.4.3): P(0) = (1-p)^n, P(k+1) = P(k) (n-k)/(k+1) p/(1-p). No library
    // routine takes our caller-owned generator (gsl_ran_binomial needs a gsl_rng).
    // P(0) >= 1 - n p, so most draws end at one comparison.
    double u = ilrs_rng_uniform(rng);
    if (u < 1.0 - mean) {
        return 0;
    }
    double pk = exp((double)n * log1p(-p));
    double cdf = pk, r = p / (1.0 - p);
    uint64_t k = 0;
    while (u >= cdf && k < n) {
        pk *= (double)(n - k) / (double)(k + 1) * r;
        k++;
        cdf += pk;
        if (pk < 1e-300 && (double)k > mean) {
            break; /* rounding left u above the total: the tail is exhausted */
        }
    }
    return k;
}

uint32_t ilrs__station_link_corrupt(ilrs_rng_t *rng, uint8_t *buf, size_t len, double ber)
{
    if (buf == NULL || len == 0 || len > ILRS_CCSDS_TM_MAX_FRAME_LEN) {
        return 0;
    }
    uint64_t bits = 8u * (uint64_t)len;
    uint64_t k = ilrs__station_link_binomial(rng, bits, ber);
    if (k == 0) {
        return 0;
    }
    // k distinct positions: Floyd's sampling (Bentley & Floyd, "A sample of
    // brilliance", CACM 30(9), 1987), membership in a bit mask of the frame.
    uint8_t mask[ILRS_CCSDS_TM_MAX_FRAME_LEN];
    memset(mask, 0, len);
    for (uint64_t j = bits - k; j < bits; j++) {
        uint64_t t = ilrs_rng_below(rng, j + 1);
        if (mask[t >> 3] & (1u << (t & 7u))) {
            t = j;
        }
        mask[t >> 3] = (uint8_t)(mask[t >> 3] | (1u << (t & 7u)));
    }
    for (size_t i = 0; i < len; i++) {
        buf[i] ^= mask[i];
    }
    return (uint32_t)k;
}

/* ---- the ground end --------------------------------------------------------------------- */

/* Tap of the ground link: a packet the demultiplexer extracted, to the archive. */
static void on_packet(void *user, uint8_t vcid, const uint8_t *pkt, size_t len)
{
    station_link_t *l = user;
    ilrs_station_t *st = l->st;
    if (vcid < ILRS_STATION_LINK_VCS) {
        l->res.vc[vcid].packets_delivered++;
    }
    st->sum.tm_packets_archived++; /* delivered; the archive's count replaces it */
    if (st->archive != NULL) {
        int rc = ilrs__station_archive_packet(st->archive, pkt, len, l->rx_time);
        if (rc != 0 && st->archive_error == 0) {
            st->archive_error = rc;
            ilrs_log(ILRS_LOG_ERROR, "station", "archive: %s", ilrs_strerror(rc));
        }
    }
}

static ilrs_tai_t tai_at(const ilrs_station_t *st, double t_s)
{
    return st->sc->epoch_tai + (ilrs_tai_t)llround(t_s * 1e9);
}

static void deliver(station_link_t *l, station_flight_t *f)
{
    ilrs_station_t *st = l->st;
    if (f->payload >= 0) {
        st->payload_down[f->payload] += f->len - f->lost;
        st->payload_link_lost[f->payload] += f->lost;
        return;
    }
    l->frame_bytes -= f->len;
    l->rx_time = tai_at(st, f->arrive_s);
    int rc = ilrs_ground_link_tm_frame(l->tx[f->radio].ground, f->data, f->len, l->rx_time);
    ilrs_station_link_vc_t *v = &l->res.vc[f->vcid];
    if (rc != 0) {
        v->frames_bad++; /* FECF (ILRS_ECRC), or a corrupted header past it */
        if (f->trunk_hit) {
            l->res.relay_frames_bad++;
        }
    } else if (f->flips > 0) {
        l->res.frames_undetected++;
    }
    l->resolved[f->vcid] += f->ends;
    frame_put(l, f->data);
    f->data = NULL;
}

/* ---- the station end ---------------------------------------------------------------------- */

/* Link state of radio @p r after the twin's step: acquisition, Eb/N0, error rates. */
static bool update_channel(station_link_t *l, link_tx_t *tx, const ilrs_hw_radio_t *hr, double t)
{
    bool up = hr->link_up;
    bool los = tx->was_up && !up;
    double rate = up ? hr->link.rate_bps : 0.0;
    if (up && (!tx->was_up || rate != tx->rate_bps)) {
        if (!tx->was_up) {
            tx->up_since_s = t;
        }
        tx->acq_end_s = t + ACQ_MIN_S + (ACQ_MAX_S - ACQ_MIN_S) * ilrs_rng_uniform(&l->rng) +
                        8.0 * FRAME_LEN / rate;
        tx->budget_m = 0.0;
        l->res.acquisitions++;
    }
    tx->was_up = up;
    tx->rate_bps = rate;
    double d = hr->last_distance_m;
    if (up && rate > 0.0 && d > 0.0 && fabs(d - tx->budget_m) > BUDGET_REFRESH * d) {
        ilrs_hw_link_t lb;
        ilrs_hw_link_budget(&hr->p, d, &lb);
        tx->ebn0_db = lb.cn0_dbhz - 10.0 * log10(rate); /* Eb/N0 = C/N0 - 10 log10 R */
        tx->ber = ilrs__station_link_ber(tx->ebn0_db, hr->p.required_ebn0_db);
        tx->fer = ilrs__station_link_fer(tx->ber, 8u * FRAME_LEN);
        tx->budget_m = d;
    }
    return los;
}

/* Fraction of this second [t, t+1) the ground receiver is still acquiring. */
static double acquiring(const link_tx_t *tx, double t)
{
    double phi = tx->acq_end_s - t;
    return phi <= 0.0 ? 0.0 : (phi >= 1.0 ? 1.0 : phi);
}

/* A frame or science chunk made this second: held one second (its loss at LOS is
 * known only when the next second finds the link down), then routed. */
static int hold(station_link_t *l, link_tx_t *tx, station_flight_t *g)
{
    g->arrive_s = l->st->t_s + (tx->proximity ? l->relay_lt_s : l->earth_lt_s);
    return ilrs__station_q_push(&tx->hold, g);
}

/* Last second's flights of radio @p tx go on: to the relay, or towards the Earth.
 * @p los: the link was lost during that second, at a uniform instant; what was
 * sent after it is lost (each frame with the probability of being after it). */
static int release_held(station_link_t *l, link_tx_t *tx, bool los)
{
    ilrs_station_t *st = l->st;
    double cut = los ? 1.0 - ilrs_rng_uniform(&l->rng) : 0.0; /* fraction after LOS */
    station_flight_t *f;
    while ((f = ilrs__station_q_front(&tx->hold)) != NULL) {
        station_flight_t g = *f;
        ilrs__station_q_pop(&tx->hold);
        if (los && g.payload >= 0) {
            uint64_t dl = l->data_len, left = g.len - g.lost;
            uint64_t m = (left + dl - 1) / dl;
            uint64_t k = ilrs__station_link_binomial(&l->rng, m, cut);
            uint64_t extra = k * dl < left ? k * dl : left;
            g.lost += (uint32_t)extra;
            l->res.science_bytes_lost += extra;
            l->res.vc[ILRS_CCSDS_VC_SCIENCE].frames_lost += k;
        } else if (los && g.payload == -1 && ilrs_rng_uniform(&l->rng) < cut) {
            l->res.vc[g.vcid].frames_lost++;
            l->res.bit_errors -= g.flips;
            l->resolved[g.vcid] += g.ends;
            l->frame_bytes -= g.len;
            frame_put(l, g.data);
            continue;
        }
        int rc = ilrs__station_q_push(tx->proximity ? &st->relay_q : &st->air, &g);
        if (rc != 0) {
            if (g.payload == -1) {
                l->frame_bytes -= g.len;
            }
            free(g.data);
            return rc;
        }
    }
    return 0;
}

/* Make the next frame of virtual channel @p want of radio @p r from its queued
 * packets and send it on. The multiplexer serves the lowest priority value with
 * data: the priorities (caller-owned state of the mux) are set so that it is @p want. */
static int emit_frame(station_link_t *l, size_t r, uint8_t want)
{
    link_tx_t *tx = &l->tx[r];
    for (uint8_t v = 0; v < ILRS_STATION_LINK_VCS; v++) {
        tx->mux.vc[v].priority = v == want ? 0 : 1;
    }
    size_t before = ilrs_ccsds_tm_mux_pending(&tx->mux, want);
    uint8_t *fr = frame_get(l);
    if (fr == NULL) {
        return ILRS_ENOMEM;
    }
    uint8_t vc = 0;
    int rc = ilrs_ccsds_tm_mux_next_frame(&tx->mux, l->ocf, fr, FRAME_LEN, &vc);
    if (rc != 0 || vc != want) {
        frame_put(l, fr); /* nothing queued on it: an idle-only frame carries nothing */
        return rc;
    }
    tx->taken[vc] += before - ilrs_ccsds_tm_mux_pending(&tx->mux, vc);
    if (ilrs_ccsds_tm_mux_pending(&tx->mux, vc) == 0) {
        tx->oldest_s[vc] = INFINITY;
    }
    station_flight_t g = {
        .len = FRAME_LEN, .payload = -1, .data = fr, .radio = (uint8_t)r, .vcid = vc};
    g.ends = ends_pop_upto(&tx->ends[vc], tx->taken[vc]);
    ilrs_station_link_vc_t *v = &l->res.vc[vc];
    v->frames_sent++;
    double phi = acquiring(tx, l->st->t_s);
    if ((phi > 0.0 && ilrs_rng_uniform(&l->rng) < phi) ||
        l->frame_bytes + FRAME_LEN > FRAME_STORE_BYTES) {
        v->frames_lost++; /* never received: the packets ending here are resolved now */
        l->resolved[vc] += g.ends;
        frame_put(l, fr);
        return 0;
    }
    g.flips = ilrs__station_link_corrupt(&l->rng, fr, FRAME_LEN, tx->ber);
    l->res.bit_errors += g.flips;
    l->frame_bytes += FRAME_LEN;
    rc = hold(l, tx, &g);
    if (rc != 0) {
        l->frame_bytes -= FRAME_LEN;
        frame_put(l, fr);
    }
    return rc;
}

static bool is_set(const uint8_t *bits, uint16_t apid)
{
    return (bits[(apid & 2047u) >> 3] >> (apid & 7u)) & 1u;
}

/* Queue one telemetry packet that left radio @p r on its virtual channel. */
static int frame_packet(station_link_t *l, size_t r, const uint8_t *pkt, size_t len)
{
    link_tx_t *tx = &l->tx[r];
    ilrs_tai_t made = 0;
    uint8_t vc = ILRS_CCSDS_VC_HOUSEKEEPING;
    if (ilrs_ccsds_tlm_get_time(pkt, len, &made) == 0 && made < tai_at(l->st, tx->up_since_s)) {
        vc = ILRS_CCSDS_VC_PLAYBACK; /* generated before this pass: held on board */
    } else if (len >= ILRS_CCSDS_PRIMARY_LEN && is_set(l->science_apid, ilrs_ccsds_get_apid(pkt))) {
        vc = ILRS_CCSDS_VC_SCIENCE;
    }
    l->res.vc[vc].packets_sent++;
    for (;;) {
        int rc = ilrs_ccsds_tm_mux_push(&tx->mux, vc, pkt, len);
        if (rc == 0) {
            tx->oldest_s[vc] = fmin(tx->oldest_s[vc], l->st->t_s);
            tx->pushed[vc] += len;
            return ends_push(&tx->ends[vc], tx->pushed[vc]);
        }
        if (rc != ILRS_EFULL) {
            l->resolved[vc]++; /* not a well-formed packet: cannot be framed, lost */
            return 0;
        }
        if ((rc = emit_frame(l, r, vc)) != 0) {
            return rc;
        }
    }
}

/* Science chunk of @p n octets on radio @p r: frames started, their fates, octets lost. */
static uint32_t frame_science(station_link_t *l, size_t r, uint32_t n)
{
    link_tx_t *tx = &l->tx[r];
    uint64_t dl = l->data_len, lost = 0;
    uint64_t off = tx->sci_pos % dl;
    uint64_t in_cur = off ? (n < dl - off ? n : dl - off) : 0;
    if (tx->sci_cur_bad) {
        lost += in_cur;
    }
    uint64_t rest = n - in_cur;
    if (rest > 0) {
        // Frames this chunk starts: full ones, then the last (maybe partial). Failed
        // ones among them: lost (acquiring) ~ Bin(m, phi), then bad ~ Bin(rest, FER);
        // which of them is the last, uniformly.
        uint64_t m = (rest + dl - 1) / dl, last_len = rest - (m - 1) * dl;
        double phi = acquiring(tx, l->st->t_s);
        uint64_t k_lost = phi > 0.0 ? ilrs__station_link_binomial(&l->rng, m, phi) : 0;
        uint64_t k_bad = ilrs__station_link_binomial(&l->rng, m - k_lost, tx->fer);
        uint64_t k = k_lost + k_bad;
        bool last_bad = k > 0 && ilrs_rng_below(&l->rng, m) < k;
        lost += (last_bad ? last_len : 0) + (k - (last_bad ? 1 : 0)) * dl;
        tx->sci_cur_bad = last_bad;
        ilrs_station_link_vc_t *v = &l->res.vc[ILRS_CCSDS_VC_SCIENCE];
        v->frames_sent += m;
        v->frames_lost += k_lost;
        v->frames_bad += k_bad;
    }
    tx->sci_pos += n;
    l->res.science_bytes_sent += n;
    l->res.science_bytes_lost += lost;
    return (uint32_t)lost;
}

/* ---- the relay's trunk to Earth ------------------------------------------------------ */

/* Relay -> ground-station range at @p t: the range from a station at elevation el
 * to a point at geocentric distance d is rho = sqrt(d^2 - R^2 cos^2 el) - R sin el
 * (plane triangle Earth centre - station - relay); taken at the worst station's
 * minimum elevation, the longest a pass has (conservative by < R (1 - sin el_min),
 * about 0.1 dB). */
double ilrs__station_link_trunk_range(double d_m, double min_el_deg)
{
    double el = min_el_deg * ST_PI / 180.0;
    double c = EARTH_RADIUS_M * cos(el);
    return sqrt(fmax(d_m * d_m - c * c, 0.0)) - EARTH_RADIUS_M * sin(el);
}

void ilrs__station_link_trunk_eval(const ilrs_hw_radio_params_t *p, double range_m,
                                   double *rate_bps, double *ebn0_db)
{
    // The twin's budget (Friis: C/N0 = EIRP - FSL - L + G/T - k) and its rate choice:
    // the fastest rate whose Eb/N0 margin closes; none closing, the slowest is used
    // anyway (the relay does not wait for a better pass: its frames suffer).
    ilrs_hw_link_t lb;
    ilrs_hw_link_budget(p, range_m, &lb);
    double r = lb.rate_bps > 0.0 ? lb.rate_bps : p->rate_bps[0];
    *rate_bps = r;
    *ebn0_db = lb.cn0_dbhz - 10.0 * log10(r); /* Eb/N0 = C/N0 - 10 log10 R */
}

/* Trunk state at second @p t of an open relay <-> Earth window. */
static int trunk_update(station_link_t *l, double t)
{
    bool aos = !l->trunk_up;
    if (aos || t - l->trunk_budget_s >= TRUNK_BUDGET_S) {
        double d = 0.0;
        int rc = ilrs__station_env_relay_earth_range(l->st->env, 0, t, &d);
        if (rc != 0) {
            return rc;
        }
        double rate = 0.0;
        ilrs__station_link_trunk_eval(&l->trunk_p,
                                      ilrs__station_link_trunk_range(d, l->trunk_min_el_deg), &rate,
                                      &l->trunk_ebn0_db);
        l->trunk_ber = ilrs__station_link_ber(l->trunk_ebn0_db, l->trunk_p.required_ebn0_db);
        l->trunk_fer = ilrs__station_link_fer(l->trunk_ber, 8u * FRAME_LEN);
        l->trunk_budget_s = t;
        if (aos || rate != l->trunk_rate_bps) {
            // (Re)acquisition: as the surface radios' ground receivers (ACQ_MIN_S..ACQ_MAX_S,
            // then one frame for the synchroniser).
            l->trunk_acq_end_s = t + ACQ_MIN_S +
                                 (ACQ_MAX_S - ACQ_MIN_S) * ilrs_rng_uniform(&l->trunk_rng) +
                                 8.0 * FRAME_LEN / rate;
            l->trunk_play_s = t + l->st->sc->relays[0].earth_guard_s;
            l->res.relay_acquisitions++;
        }
        l->trunk_rate_bps = rate;
        ilrs_station_link_result_t *res = &l->res;
        if (isnan(res->relay_min_ebn0_db) || l->trunk_ebn0_db < res->relay_min_ebn0_db) {
            res->relay_min_ebn0_db = l->trunk_ebn0_db;
        }
        if (isnan(res->relay_max_ebn0_db) || l->trunk_ebn0_db > res->relay_max_ebn0_db) {
            res->relay_max_ebn0_db = l->trunk_ebn0_db;
        }
        if (res->relay_min_rate_bps == 0.0 || rate < res->relay_min_rate_bps) {
            res->relay_min_rate_bps = rate;
        }
    }
    l->trunk_up = true;
    return 0;
}

/* Fate on the trunk of flight @p g, whose transmission by the relay starts at @p t0.
 * @return true: it was lost (resolved and freed here); false: it goes on, maybe hit. */
static bool trunk_fate(station_link_t *l, station_flight_t *g, double t0)
{
    ilrs_station_link_result_t *res = &l->res;
    double frame_s = 8.0 * FRAME_LEN / l->trunk_rate_bps;
    if (g->payload >= 0) {
        // Science chunk: its frames go back to back from t0; those before the end of
        // acquisition are lost, the others bad ~ Bin(m, FER).
        uint64_t dl = l->data_len, left = g->len - g->lost;
        uint64_t m = (left + dl - 1) / dl, k_lost = 0;
        if (l->trunk_acq_end_s > t0) {
            double n = ceil((l->trunk_acq_end_s - t0) / frame_s);
            k_lost = n >= (double)m ? m : (uint64_t)n;
        }
        uint64_t k_bad = ilrs__station_link_binomial(&l->trunk_rng, m - k_lost, l->trunk_fer);
        res->relay_frames_bad_expected += (double)(m - k_lost) * l->trunk_fer;
        uint64_t k = k_lost + k_bad;
        uint64_t extra = k * dl < left ? k * dl : left;
        g->lost += (uint32_t)extra;
        res->science_bytes_lost += extra;
        res->vc[ILRS_CCSDS_VC_SCIENCE].frames_lost += k_lost;
        res->vc[ILRS_CCSDS_VC_SCIENCE].frames_bad += k_bad;
        res->relay_frames_sent += m;
        res->relay_frames_lost += k_lost;
        res->relay_frames_bad += k_bad;
        return false;
    }
    if (g->payload != -1 || g->data == NULL) {
        return false;
    }
    res->relay_frames_sent++;
    if (t0 < l->trunk_acq_end_s) {
        res->vc[g->vcid].frames_lost++;
        res->relay_frames_lost++;
        res->bit_errors -= g->flips; /* never received: its flips are not counted */
        l->resolved[g->vcid] += g->ends;
        l->frame_bytes -= g->len;
        frame_put(l, g->data);
        g->data = NULL;
        return true;
    }
    res->relay_frames_bad_expected += l->trunk_fer;
    uint32_t k = ilrs__station_link_corrupt(&l->trunk_rng, g->data, g->len, l->trunk_ber);
    if (k > 0) {
        g->flips += k;
        g->trunk_hit = true;
        res->bit_errors += k;
        res->relay_bit_errors += k;
    }
    return false;
}

/* Trunk budget parameters of relay 0: its earth_* keys, and the ground station
 * with the lowest G/T (the pass may be any station's: the worst is assumed). */
static void trunk_params(station_link_t *l)
{
    const ilrs_scenario_t *sc = l->st->sc;
    ilrs_hw_radio_params_t *p = &l->trunk_p;
    memset(p, 0, sizeof *p);
    l->trunk_min_el_deg = 10.0;
    if (sc->relay_count == 0) {
        return;
    }
    const ilrs_scenario_relay_t *r = &sc->relays[0];
    snprintf(p->name, sizeof p->name, "%.20s-earth", r->id);
    p->frequency_hz = r->earth_frequency_hz;
    p->tx_power_w = r->earth_tx_power_w;
    p->tx_gain_dbi = r->earth_antenna_gain_dbi;
    p->losses_db = r->earth_losses_db;
    p->required_ebn0_db = r->earth_required_ebn0_db;
    p->margin_db = r->earth_margin_db;
    p->rates = 0;
    if (r->earth_backup_rate_bps > 0.0 && r->earth_backup_rate_bps < r->earth_rate_bps) {
        p->rate_bps[p->rates++] = r->earth_backup_rate_bps;
    }
    p->rate_bps[p->rates++] = r->earth_rate_bps;
    double best = INFINITY;
    for (size_t g = 0; g < sc->ground_count; g++) {
        const ilrs_scenario_ground_t *gr = &sc->grounds[g];
        // Parabolic dish gain G = eta (pi D / lambda)^2 (Balanis, Antenna Theory,
        // 4th ed., eq. 15-50 with the aperture efficiency).
        double x = ST_PI * gr->antenna_diameter_m * p->frequency_hz / ST_SPEED_OF_LIGHT;
        double g_dbi = 10.0 * log10(gr->antenna_efficiency * x * x);
        double gt = g_dbi - 10.0 * log10(gr->noise_temperature_k);
        if (gt < best) {
            best = gt;
            p->rx_gain_dbi = g_dbi;
            p->system_noise_k = gr->noise_temperature_k;
            l->trunk_min_el_deg = gr->min_elevation_deg;
        }
    }
}

int ilrs__station_link_step(ilrs_station_t *st, const station_env_sample_t *e)
{
    station_link_t *l = st->space;
    l->earth_lt_s = e->earth_distance_m / ST_SPEED_OF_LIGHT;
    l->relay_lt_s = e->relay_range_m[0] / ST_SPEED_OF_LIGHT;
    int rc = 0;
    // Radios: what the twin reports sent leaves the radio now, framed.
    for (size_t r = 0; r < st->map.config.n_radios; r++) {
        station_radio_fifo_t *fo = &st->fifo[r];
        link_tx_t *tx = &l->tx[r];
        const ilrs_hw_radio_t *hr = ilrs_hw_station_radio(st->hw, r);
        bool los = update_channel(l, tx, hr, st->t_s);
        if (los) {
            // The link went down during this step: nothing more was sent, and last
            // second's partly filled frames went out then (released at LOS).
            for (uint8_t v = 0; rc == 0 && v < ILRS_STATION_LINK_VCS; v++) {
                if (tx->pushed[v] > tx->taken[v]) {
                    rc = emit_frame(l, r, v);
                }
            }
        }
        if (rc != 0 || (rc = release_held(l, tx, los)) != 0) {
            return rc;
        }
        uint64_t sent = hr->sent_bytes - fo->sent_base;
        station_flight_t *f;
        tx->sent_any = false;
        while ((f = ilrs__station_q_front(&fo->q)) != NULL && fo->acked + f->len <= sent) {
            station_flight_t g = *f;
            fo->acked += g.len;
            ilrs__station_q_pop(&fo->q);
            tx->sent_any = true;
            if (g.payload == -1) {
                st->sum.tm_packets_sent++;
                st->store_bytes -= g.len;
                rc = frame_packet(l, r, g.data, g.len);
                free(g.data);
            } else if (g.payload >= 0) {
                g.lost = frame_science(l, r, g.len);
                rc = hold(l, tx, &g);
            }
            if (rc != 0) {
                return rc;
            }
        }
        // Frame release at the end of the second: full data fields go; a partly
        // filled one goes (completed with an idle packet) once its oldest octet
        // has waited RELEASE_S.
        // Octets queued on a VC: pushed - taken (= ilrs_ccsds_tm_mux_pending()).
        for (uint8_t v = 0; rc == 0 && v < ILRS_STATION_LINK_VCS; v++) {
            while (rc == 0 && tx->pushed[v] - tx->taken[v] >= l->data_len) {
                rc = emit_frame(l, r, v);
            }
            if (rc == 0 && tx->pushed[v] > tx->taken[v] &&
                st->t_s - tx->oldest_s[v] >= RELEASE_S - 0.5) {
                rc = emit_frame(l, r, v);
            }
        }
        if (rc != 0) {
            return rc;
        }
        if (tx->sci_pos % l->data_len != 0) {
            tx->sci_pos += l->data_len - tx->sci_pos % l->data_len; /* released, idle-filled */
        }
        tx->sci_cur_bad = false;
        if (tx->sent_any && (isnan(l->res.min_ebn0_db) || tx->ebn0_db < l->res.min_ebn0_db)) {
            l->res.min_ebn0_db = tx->ebn0_db;
            l->res.max_fer = tx->fer;
        }
    }
    // Relay store-and-forward: to Earth at the trunk's rate while a relay <-> Earth
    // window is open; each frame's fate on the trunk drawn on the way.
    if (st->sc->relay_count > 0 && ilrs__station_env_relay_earth(st->env, 0, st->t_s)) {
        if ((rc = trunk_update(l, st->t_s)) != 0) {
            return rc;
        }
        // Before the guard has passed the relay sends idle frames: its store waits.
        double off = fmin(fmax(l->trunk_play_s - st->t_s, 0.0), 1.0);
        st->relay_credit += (1.0 - off) * l->trunk_rate_bps / 8.0;
        double sent = 0.0; /* octets sent this second: a frame's instant within it */
        station_flight_t *f;
        while ((f = ilrs__station_q_front(&st->relay_q)) != NULL && f->arrive_s <= st->t_s &&
               (double)f->len <= st->relay_credit) {
            station_flight_t g = *f;
            st->relay_credit -= g.len;
            ilrs__station_q_pop(&st->relay_q);
            double t0 = st->t_s + off + 8.0 * sent / l->trunk_rate_bps;
            sent += g.len;
            if (trunk_fate(l, &g, t0)) {
                continue; /* lost on the trunk */
            }
            g.arrive_s = st->t_s + l->earth_lt_s;
            if ((rc = ilrs__station_q_push(&st->air, &g)) != 0) {
                free(g.data);
                return rc;
            }
        }
        if (st->relay_q.count == 0) {
            st->relay_credit = 0.0;
        }
    } else {
        st->relay_credit = 0.0;
        l->trunk_up = false;
    }
    station_flight_t *f;
    while ((f = ilrs__station_q_front(&st->air)) != NULL && f->arrive_s <= st->t_s) {
        station_flight_t g = *f;
        ilrs__station_q_pop(&st->air);
        deliver(l, &g);
    }
    return 0;
}

void ilrs__station_link_result(const ilrs_station_t *st, ilrs_station_link_result_t *out)
{
    const station_link_t *l = st->space;
    if (l == NULL) {
        memset(out, 0, sizeof *out);
        out->min_ebn0_db = NAN;
        out->relay_min_ebn0_db = NAN;
        out->relay_max_ebn0_db = NAN;
        return;
    }
    *out = l->res;
    out->packets_in_flight = 0;
    for (size_t v = 0; v < ILRS_STATION_LINK_VCS; v++) {
        ilrs_station_link_vc_t *c = &out->vc[v];
        c->packets_lost = l->resolved[v] - c->packets_delivered;
        out->packets_in_flight += c->packets_sent - l->resolved[v];
    }
}

/* ---- life cycle ----------------------------------------------------------------------- */

int ilrs__station_link_create(ilrs_station_t *st, char *error, size_t cap)
{
    station_link_t *l = calloc(1, sizeof *l);
    if (l == NULL) {
        return ILRS_ENOMEM;
    }
    st->space = l;
    l->st = st;
    l->res.min_ebn0_db = NAN;
    ilrs_rng_seed(&l->rng, st->seed ^ LINK_SEED_SALT);
    ilrs_rng_seed(&l->trunk_rng, st->seed ^ TRUNK_SEED_SALT);
    l->res.relay_min_ebn0_db = NAN;
    l->res.relay_max_ebn0_db = NAN;
    trunk_params(l);
    // No uplink in `ilrs run`: the OCF carries a CLCW of an idle FARM-1 (V(R) 0, no
    // lockout), as the LINK app's would before the first command.
    ilrs_ccsds_clcw_t clcw;
    memset(&clcw, 0, sizeof clcw);
    int rc = ilrs_ccsds_clcw_encode(&clcw, &l->ocf);
    ilrs_ccsds_tm_config_t tm = {.scid = ILRS_GROUND_LINK_DEFAULT_SCID,
                                 .frame_len = FRAME_LEN,
                                 .has_ocf = true,
                                 .has_fecf = true};
    l->data_len = ilrs_ccsds_tm_data_len(&tm);
    for (size_t p = 0; p < st->sc->payload_count; p++) {
        uint16_t apid = ilrs__station_apps_payload_apid(st->apps, p);
        if (apid != 0) {
            l->science_apid[(apid & 2047u) >> 3] |= (uint8_t)(1u << (apid & 7u));
        }
    }
    l->n_tx = st->map.config.n_radios;
    for (size_t r = 0; rc == 0 && r < l->n_tx; r++) {
        link_tx_t *tx = &l->tx[r];
        tx->proximity = st->fifo[r].proximity;
        for (size_t v = 0; v < ILRS_STATION_LINK_VCS; v++) {
            tx->oldest_s[v] = INFINITY;
        }
        if ((rc = ilrs_ccsds_tm_mux_init(&tx->mux, &tm)) != 0) {
            break;
        }
        for (uint8_t v = 0; rc == 0 && v < ILRS_STATION_LINK_VCS; v++) {
            tx->ring[v] = malloc(VC_RING_BYTES);
            rc = tx->ring[v] == NULL ? ILRS_ENOMEM
                                     : ilrs_ccsds_tm_mux_add_vc(&tx->mux, v, v == 0 ? 0 : 1,
                                                                tx->ring[v], VC_RING_BYTES);
        }
        ilrs_ground_link_config_t gc;
        memset(&gc, 0, sizeof gc);
        gc.scid = ILRS_GROUND_LINK_DEFAULT_SCID;
        gc.tm_frame_len = FRAME_LEN;
        gc.dict = ilrs_fsw_dict(st->fsw);
        gc.tap = on_packet;
        gc.tap_user = l;
        if (rc == 0) {
            rc = ilrs_ground_link_create(&gc, &tx->ground);
        }
    }
    if (rc != 0 && error != NULL && cap > 0 && error[0] == '\0') {
        snprintf(error, cap, "space link: %s", ilrs_strerror(rc));
    }
    return rc;
}

void ilrs__station_link_destroy(station_link_t *l)
{
    if (l == NULL) {
        return;
    }
    for (size_t r = 0; r < ILRS_SCENARIO_MAX_RADIOS; r++) {
        link_tx_t *tx = &l->tx[r];
        for (size_t v = 0; v < ILRS_STATION_LINK_VCS; v++) {
            free(tx->ring[v]);
            free(tx->ends[v].v);
        }
        ilrs__station_q_free(&tx->hold);
        ilrs_ground_link_destroy(tx->ground);
    }
    for (size_t i = 0; i < l->pool_n; i++) {
        free(l->pool[i]);
    }
    free(l);
}
