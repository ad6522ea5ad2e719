// SPDX-License-Identifier: Apache-2.0
// TM Space Data Link Protocol (CCSDS 132.0-B-3): the frame codec against the bit
// layout of §4.1.2 (figure 4-2), every decode error, FECF error detection, and
// the virtual channel multiplexer / demultiplexer: random packet streams through
// frames of several lengths, FHP values, VC selection, counters, frame loss and
// bit errors (the lost packets are exactly those with an octet in a lost frame).
#include <stdlib.h>

#include "ccsds/link_test.h"
#include "ilrs_test.h"

static const ilrs_ccsds_tm_config_t CFG_1115 = {
    .scid = 0x2A5, .frame_len = 1115, .has_ocf = true, .has_fecf = true};

/* ---- frame codec --------------------------------------------------------------- */

static void tm_frame_header_layout(void **state)
{
    (void)state;
    size_t dl = ilrs_ccsds_tm_data_len(&CFG_1115);
    assert_int_equal(dl, 1115 - 6 - 4 - 2);
    uint8_t data[2048], frame[2048];
    for (size_t i = 0; i < dl; i++) {
        data[i] = (uint8_t)(i * 31u + 7u);
    }
    ilrs_ccsds_tm_frame_t f = {.vcid = 5,
                               .mc_count = 0x12,
                               .vc_count = 0x34,
                               .fhp = 0x123,
                               .data = data,
                               .data_len = dl,
                               .ocf = 0x01020304u};
    assert_int_equal(ilrs_ccsds_tm_frame_encode(&CFG_1115, &f, frame, sizeof frame), 0);
    /* Figure 4-2: TFVN 00 | SCID 10 bits | VCID 3 bits | OCF flag. */
    unsigned id = (0u << 14) | (0x2A5u << 4) | (5u << 1) | 1u;
    assert_int_equal(frame[0], id >> 8);
    assert_int_equal(frame[1], id & 0xFFu);
    assert_int_equal(frame[2], 0x12);
    assert_int_equal(frame[3], 0x34);
    /* Data field status: sec. header 0, sync 0, packet order 0, segment length ID 11. */
    unsigned status = (0u << 15) | (0u << 14) | (0u << 13) | (3u << 11) | 0x123u;
    assert_int_equal(frame[4], status >> 8);
    assert_int_equal(frame[5], status & 0xFFu);
    assert_memory_equal(frame + 6, data, dl);
    uint8_t ocf[4] = {1, 2, 3, 4};
    assert_memory_equal(frame + 6 + dl, ocf, 4);
    uint16_t crc = ilrs_crc16_ccitt(ILRS_CRC16_CCITT_INIT, frame, 1113);
    assert_int_equal(frame[1113], crc >> 8);
    assert_int_equal(frame[1114], crc & 0xFFu);

    ilrs_ccsds_tm_frame_t g;
    assert_int_equal(ilrs_ccsds_tm_frame_decode(&CFG_1115, frame, 1115, &g), 0);
    assert_int_equal(g.scid, 0x2A5);
    assert_int_equal(g.vcid, 5);
    assert_true(g.ocf_flag);
    assert_int_equal(g.mc_count, 0x12);
    assert_int_equal(g.vc_count, 0x34);
    assert_int_equal(g.fhp, 0x123);
    assert_int_equal(g.data_len, dl);
    assert_ptr_equal(g.data, frame + 6);
    assert_int_equal(g.ocf, 0x01020304u);
}

static void tm_frame_roundtrip_configs(void **state)
{
    (void)state;
    static const uint16_t lens[] = {9, 13, 64, 223, 1115, 2048};
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 11);
    uint8_t data[2048], frame[2048];
    for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
        for (unsigned opt = 0; opt < 4; opt++) {
            ilrs_ccsds_tm_config_t cfg = {.scid = (uint16_t)ilrs_rng_below(&rng, 1024),
                                          .frame_len = lens[l],
                                          .has_ocf = (opt & 1u) != 0,
                                          .has_fecf = (opt & 2u) != 0};
            size_t dl = ilrs_ccsds_tm_data_len(&cfg);
            if (lens[l] == 9 && opt != 0) {
                /* header + OCF/FECF leave no data octet: invalid config */
                assert_true(dl == 0 || opt == 2);
                if (dl == 0) {
                    continue;
                }
            }
            assert_true(dl > 0);
            for (unsigned rep = 0; rep < 50; rep++) {
                for (size_t i = 0; i < dl; i++) {
                    data[i] = (uint8_t)ilrs_rng_next(&rng);
                }
                uint16_t fhp = (uint16_t)ilrs_rng_below(&rng, dl);
                if (rep % 5 == 0) {
                    fhp = ILRS_CCSDS_TM_FHP_NONE;
                } else if (rep % 7 == 0) {
                    fhp = ILRS_CCSDS_TM_FHP_IDLE;
                }
                ilrs_ccsds_tm_frame_t f = {.vcid = (uint8_t)(rep % 8),
                                           .mc_count = (uint8_t)ilrs_rng_next(&rng),
                                           .vc_count = (uint8_t)ilrs_rng_next(&rng),
                                           .fhp = fhp,
                                           .data = data,
                                           .data_len = dl,
                                           .ocf = (uint32_t)ilrs_rng_next(&rng)};
                assert_int_equal(ilrs_ccsds_tm_frame_encode(&cfg, &f, frame, cfg.frame_len), 0);
                ilrs_ccsds_tm_frame_t g;
                assert_int_equal(ilrs_ccsds_tm_frame_decode(&cfg, frame, cfg.frame_len, &g), 0);
                assert_int_equal(g.scid, cfg.scid);
                assert_int_equal(g.vcid, f.vcid);
                assert_int_equal(g.ocf_flag, cfg.has_ocf);
                assert_int_equal(g.mc_count, f.mc_count);
                assert_int_equal(g.vc_count, f.vc_count);
                assert_int_equal(g.fhp, fhp);
                assert_int_equal(g.data_len, dl);
                assert_memory_equal(g.data, data, dl);
                assert_int_equal(g.ocf, cfg.has_ocf ? f.ocf : 0u);
            }
        }
    }
}

/* Re-seal a modified frame so that only the field under test is wrong. */
static void reseal(uint8_t *frame, size_t len)
{
    ilrs_put_be16(frame + len - 2, ilrs_crc16_ccitt(ILRS_CRC16_CCITT_INIT, frame, len - 2));
}

static void tm_frame_decode_errors(void **state)
{
    (void)state;
    const ilrs_ccsds_tm_config_t *cfg = &CFG_1115;
    size_t dl = ilrs_ccsds_tm_data_len(cfg);
    uint8_t data[2048] = {0}, good[2048], frame[2048];
    ilrs_ccsds_tm_frame_t f = {.vcid = 1, .fhp = 0, .data = data, .data_len = dl};
    assert_int_equal(ilrs_ccsds_tm_frame_encode(cfg, &f, good, sizeof good), 0);
    ilrs_ccsds_tm_frame_t g;

    assert_int_equal(ilrs_ccsds_tm_frame_decode(cfg, good, 1114, &g), ILRS_ECCSDS_FRAME_LENGTH);
    assert_int_equal(ilrs_ccsds_tm_frame_decode(cfg, good, 1116, &g), ILRS_ECCSDS_FRAME_LENGTH);
    assert_int_equal(ilrs_ccsds_tm_frame_decode(cfg, good, 0, &g), ILRS_ECCSDS_FRAME_LENGTH);
    assert_int_equal(ilrs_ccsds_tm_frame_decode(cfg, NULL, 1115, &g), ILRS_EINVAL);
    assert_int_equal(ilrs_ccsds_tm_frame_decode(cfg, good, 1115, NULL), ILRS_EINVAL);
    ilrs_ccsds_tm_config_t bad_cfg = *cfg;
    bad_cfg.scid = 1024;
    assert_int_equal(ilrs_ccsds_tm_frame_decode(&bad_cfg, good, 1115, &g), ILRS_EINVAL);

    /* FECF: a flipped data bit. */
    memcpy(frame, good, 1115);
    frame[500] ^= 0x10;
    assert_int_equal(ilrs_ccsds_tm_frame_decode(cfg, frame, 1115, &g), ILRS_ECRC);

    /* TFVN 01, 10, 11. */
    for (unsigned v = 1; v < 4; v++) {
        memcpy(frame, good, 1115);
        frame[0] = (uint8_t)((frame[0] & 0x3Fu) | (v << 6));
        reseal(frame, 1115);
        assert_int_equal(ilrs_ccsds_tm_frame_decode(cfg, frame, 1115, &g), ILRS_ECCSDS_TFVN);
    }
    /* Another spacecraft: fields still reported. */
    memcpy(frame, good, 1115);
    ilrs_put_be16(frame, (uint16_t)((0x123u << 4) | (1u << 1) | 1u));
    reseal(frame, 1115);
    assert_int_equal(ilrs_ccsds_tm_frame_decode(cfg, frame, 1115, &g), ILRS_ECCSDS_SCID);
    assert_int_equal(g.scid, 0x123);
    assert_int_equal(g.vcid, 1);
    /* OCF flag clear on a channel with OCF. */
    memcpy(frame, good, 1115);
    frame[1] &= 0xFEu;
    reseal(frame, 1115);
    assert_int_equal(ilrs_ccsds_tm_frame_decode(cfg, frame, 1115, &g), ILRS_ECCSDS_FRAME_FLAGS);
    /* Secondary header flag, sync flag, packet order flag, segment length ID. */
    static const uint16_t status_bad[] = {0x8000u | 0x1800u, 0x4000u | 0x1800u, 0x2000u | 0x1800u,
                                          0x0000u,           0x0800u,           0x1000u};
    for (size_t i = 0; i < sizeof status_bad / sizeof status_bad[0]; i++) {
        memcpy(frame, good, 1115);
        ilrs_put_be16(frame + 4, status_bad[i]);
        reseal(frame, 1115);
        assert_int_equal(ilrs_ccsds_tm_frame_decode(cfg, frame, 1115, &g), ILRS_ECCSDS_FRAME_FLAGS);
    }
    /* FHP: first octet beyond the data field, and the largest non-special value. */
    static const uint16_t fhp_bad[] = {1103, 1104, 0x7FD};
    assert_int_equal(dl, 1103);
    for (size_t i = 0; i < sizeof fhp_bad / sizeof fhp_bad[0]; i++) {
        memcpy(frame, good, 1115);
        ilrs_put_be16(frame + 4, (uint16_t)(0x1800u | fhp_bad[i]));
        reseal(frame, 1115);
        assert_int_equal(ilrs_ccsds_tm_frame_decode(cfg, frame, 1115, &g), ILRS_ECCSDS_FHP);
        assert_int_equal(g.fhp, fhp_bad[i]);
    }
    /* The last valid FHP and the two special values decode. */
    static const uint16_t fhp_ok[] = {1102, 0x7FE, 0x7FF};
    for (size_t i = 0; i < 3; i++) {
        memcpy(frame, good, 1115);
        ilrs_put_be16(frame + 4, (uint16_t)(0x1800u | fhp_ok[i]));
        reseal(frame, 1115);
        assert_int_equal(ilrs_ccsds_tm_frame_decode(cfg, frame, 1115, &g), 0);
    }
    /* Without FECF nothing catches the flipped bit, but the fields still validate. */
    ilrs_ccsds_tm_config_t nofecf = {.scid = 7, .frame_len = 100, .has_ocf = false};
    ilrs_ccsds_tm_frame_t h = {.vcid = 2, .fhp = 0, .data = data, .data_len = 94};
    assert_int_equal(ilrs_ccsds_tm_frame_encode(&nofecf, &h, frame, 100), 0);
    frame[50] ^= 1;
    assert_int_equal(ilrs_ccsds_tm_frame_decode(&nofecf, frame, 100, &g), 0);
    frame[1] |= 1; /* OCF flag on a channel without OCF */
    assert_int_equal(ilrs_ccsds_tm_frame_decode(&nofecf, frame, 100, &g), ILRS_ECCSDS_FRAME_FLAGS);
}

static void tm_frame_encode_errors(void **state)
{
    (void)state;
    uint8_t data[2048] = {0}, frame[2100];
    memset(frame, 0xEE, sizeof frame);
    size_t dl = ilrs_ccsds_tm_data_len(&CFG_1115);
    ilrs_ccsds_tm_frame_t f = {.vcid = 1, .fhp = 0, .data = data, .data_len = dl};
    assert_int_equal(ilrs_ccsds_tm_frame_encode(&CFG_1115, &f, frame, 1114), ILRS_ECCSDS_TOOSMALL);
    f.vcid = 8;
    assert_int_equal(ilrs_ccsds_tm_frame_encode(&CFG_1115, &f, frame, 1115), ILRS_ECCSDS_VCID);
    f.vcid = 1;
    f.data_len = dl - 1;
    assert_int_equal(ilrs_ccsds_tm_frame_encode(&CFG_1115, &f, frame, 1115),
                     ILRS_ECCSDS_FRAME_LENGTH);
    f.data_len = dl;
    f.fhp = (uint16_t)dl;
    assert_int_equal(ilrs_ccsds_tm_frame_encode(&CFG_1115, &f, frame, 1115), ILRS_ECCSDS_FHP);
    for (size_t i = 0; i < sizeof frame; i++) {
        assert_int_equal(frame[i], 0xEE); /* nothing written */
    }
    ilrs_ccsds_tm_config_t bad[] = {
        {.scid = 1024, .frame_len = 100, .has_fecf = true},
        {.scid = 1, .frame_len = 2049, .has_fecf = true},
        {.scid = 1, .frame_len = 12, .has_ocf = true, .has_fecf = true},
        {.scid = 1, .frame_len = 6},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(ilrs_ccsds_tm_data_len(&bad[i]), 0);
        assert_int_equal(ilrs_ccsds_tm_frame_encode(&bad[i], &f, frame, sizeof frame), ILRS_EINVAL);
    }
    assert_int_equal(ilrs_ccsds_tm_data_len(NULL), 0);
}

/* CRC-16/CCITT detects every error pattern of one or two bits in frames shorter
 * than 32767 bits and every burst of up to 16 bits. */
static void tm_frame_bit_errors_caught(void **state)
{
    (void)state;
    const ilrs_ccsds_tm_config_t *cfg = &CFG_1115;
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 3);
    uint8_t data[2048], good[1115], frame[1115];
    size_t dl = ilrs_ccsds_tm_data_len(cfg);
    for (size_t i = 0; i < dl; i++) {
        data[i] = (uint8_t)ilrs_rng_next(&rng);
    }
    ilrs_ccsds_tm_frame_t f = {.vcid = 2, .fhp = 17, .data = data, .data_len = dl, .ocf = 99};
    assert_int_equal(ilrs_ccsds_tm_frame_encode(cfg, &f, good, sizeof good), 0);
    ilrs_ccsds_tm_frame_t g;
    for (size_t bit = 0; bit < 1115u * 8u; bit++) {
        memcpy(frame, good, sizeof good);
        frame[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
        assert_int_equal(ilrs_ccsds_tm_frame_decode(cfg, frame, 1115, &g), ILRS_ECRC);
    }
    for (unsigned rep = 0; rep < 20000; rep++) {
        memcpy(frame, good, sizeof good);
        size_t a = (size_t)ilrs_rng_below(&rng, 1115u * 8u);
        size_t b = (size_t)ilrs_rng_below(&rng, 1115u * 8u);
        if (a == b) {
            continue;
        }
        frame[a / 8] ^= (uint8_t)(0x80u >> (a % 8));
        frame[b / 8] ^= (uint8_t)(0x80u >> (b % 8));
        assert_int_equal(ilrs_ccsds_tm_frame_decode(cfg, frame, 1115, &g), ILRS_ECRC);
        /* A burst of up to 16 bits starting at a random bit. */
        memcpy(frame, good, sizeof good);
        size_t start = (size_t)ilrs_rng_below(&rng, 1115u * 8u - 16u);
        uint32_t pattern = (uint32_t)ilrs_rng_below(&rng, 1u << 16) | 1u | 0x8000u;
        for (unsigned k = 0; k < 16; k++) {
            if (pattern & (1u << k)) {
                size_t bit = start + k;
                frame[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
            }
        }
        assert_int_equal(ilrs_ccsds_tm_frame_decode(cfg, frame, 1115, &g), ILRS_ECRC);
    }
}

/* ---- multiplexer / demultiplexer ---------------------------------------------------- */

#define NVC        3
#define MAX_PKTS   6000
#define MAX_FRAMES 12000
#define POOL_LEN   (8u << 20)

/* One experiment: packets sent per VC (in one pool), frames produced, and what
 * the demultiplexer delivered. */
typedef struct stream {
    uint8_t pool[POOL_LEN];
    size_t pool_used;
    size_t off[NVC][MAX_PKTS];
    size_t len[NVC][MAX_PKTS];
    size_t qstart[NVC][MAX_PKTS]; /* cumulative queue offset of each packet */
    size_t npk[NVC];
    size_t qpushed[NVC];
    uint8_t frames[MAX_FRAMES][2048];
    uint8_t fvc[MAX_FRAMES];
    size_t take_from[MAX_FRAMES], take_to[MAX_FRAMES]; /* queue octets in the frame */
    size_t nframes;
    /* receiver */
    bool got[NVC][MAX_PKTS];
    long last_idx[NVC];
    size_t delivered[NVC];
    bool order_ok, bytes_ok;
} stream_t;

static stream_t S;

static const uint16_t APID[NVC] = {0x101, 0x202, 0x303};

static void on_packet(void *user, uint8_t vcid, const uint8_t *pkt, size_t len)
{
    stream_t *s = user;
    assert_true(vcid < NVC);
    uint16_t count = ilrs_ccsds_get_seq_count(pkt);
    if (ilrs_ccsds_get_apid(pkt) != APID[vcid] || count >= s->npk[vcid]) {
        s->bytes_ok = false;
        return;
    }
    if ((long)count <= s->last_idx[vcid]) {
        s->order_ok = false;
    }
    s->last_idx[vcid] = count;
    if (len != s->len[vcid][count] || memcmp(pkt, s->pool + s->off[vcid][count], len) != 0) {
        s->bytes_ok = false;
    }
    s->got[vcid][count] = true;
    s->delivered[vcid]++;
}

/* Packet sizes: mostly small housekeeping, some large, a few spanning many frames. */
static size_t random_size(ilrs_rng_t *rng, size_t max)
{
    uint64_t r = ilrs_rng_below(rng, 100);
    size_t n;
    if (r < 60) {
        n = 7 + (size_t)ilrs_rng_below(rng, 120);
    } else if (r < 95) {
        n = 100 + (size_t)ilrs_rng_below(rng, 1400);
    } else {
        n = 1500 + (size_t)ilrs_rng_below(rng, 6000);
    }
    return n < max ? n : max;
}

/* Multiplex @p total packets spread over the three VCs into frames of @p cfg. */
static void run_mux(stream_t *s, const ilrs_ccsds_tm_config_t *cfg, size_t total, uint64_t seed,
                    bool equal_priority)
{
    memset(s->npk, 0, sizeof s->npk);
    memset(s->qpushed, 0, sizeof s->qpushed);
    s->pool_used = 0;
    s->nframes = 0;
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, seed);
    static uint8_t rings[NVC][40000];
    ilrs_ccsds_tm_mux_t mux;
    assert_int_equal(ilrs_ccsds_tm_mux_init(&mux, cfg), 0);
    for (uint8_t v = 0; v < NVC; v++) {
        assert_int_equal(
            ilrs_ccsds_tm_mux_add_vc(&mux, v, equal_priority ? 1 : v, rings[v], sizeof rings[v]),
            0);
    }
    size_t pushed = 0;
    size_t taken[NVC] = {0};
    while (pushed < total || mux.vc[0].used + mux.vc[1].used + mux.vc[2].used > 0) {
        unsigned burst = (unsigned)ilrs_rng_below(&rng, 4);
        for (unsigned b = 0; b < burst && pushed < total; b++) {
            uint8_t v = (uint8_t)ilrs_rng_below(&rng, NVC);
            size_t n = random_size(&rng, 7000);
            uint8_t *p = s->pool + s->pool_used;
            assert_true(s->pool_used + n <= POOL_LEN);
            link_test_packet(p, n, APID[v], (uint16_t)s->npk[v], &rng);
            int rc = ilrs_ccsds_tm_mux_push(&mux, v, p, n);
            if (rc == ILRS_EFULL) {
                break; /* the queue is full: the producer waits for the link */
            }
            assert_int_equal(rc, 0);
            size_t k = s->npk[v]++;
            assert_true(k < MAX_PKTS);
            s->off[v][k] = s->pool_used;
            s->len[v][k] = n;
            s->qstart[v][k] = s->qpushed[v];
            s->qpushed[v] += n;
            s->pool_used += n;
            pushed++;
        }
        size_t used_before[NVC];
        for (uint8_t v = 0; v < NVC; v++) {
            used_before[v] = mux.vc[v].used;
        }
        uint8_t vc = 0xFF;
        size_t fi = s->nframes++;
        assert_true(fi < MAX_FRAMES);
        assert_int_equal(ilrs_ccsds_tm_mux_next_frame(&mux, (uint32_t)fi, s->frames[fi],
                                                      sizeof s->frames[fi], &vc),
                         0);
        s->fvc[fi] = vc;
        s->take_from[fi] = s->take_to[fi] = 0;
        if (vc < NVC) {
            s->take_from[fi] = taken[vc];
            taken[vc] += used_before[vc] - mux.vc[vc].used;
            s->take_to[fi] = taken[vc];
        } else {
            assert_int_equal(vc, ILRS_CCSDS_VC_IDLE);
        }
    }
    assert_int_equal(mux.frames, s->nframes);
}

/* Feed the frames to a demultiplexer; frames with drop[i] are lost, with flip[i]
 * get one bit error. Returns the demultiplexer state. */
static void run_demux(stream_t *s, const ilrs_ccsds_tm_config_t *cfg, const bool *drop,
                      const bool *flip, ilrs_ccsds_tm_demux_t *dm, size_t reasm_cap)
{
    static uint8_t reasm[NVC][ILRS_CCSDS_MAX_PACKET_LEN];
    memset(s->got, 0, sizeof s->got);
    memset(s->delivered, 0, sizeof s->delivered);
    for (unsigned v = 0; v < NVC; v++) {
        s->last_idx[v] = -1;
    }
    s->order_ok = true;
    s->bytes_ok = true;
    assert_int_equal(ilrs_ccsds_tm_demux_init(dm, cfg, on_packet, s), 0);
    for (uint8_t v = 0; v < NVC; v++) {
        assert_int_equal(ilrs_ccsds_tm_demux_add_vc(dm, v, reasm[v], reasm_cap), 0);
    }
    static uint8_t frame[2048];
    for (size_t i = 0; i < s->nframes; i++) {
        if (drop != NULL && drop[i]) {
            continue;
        }
        memcpy(frame, s->frames[i], cfg->frame_len);
        int want = 0;
        if (flip != NULL && flip[i]) {
            frame[(i * 37u) % cfg->frame_len] ^= (uint8_t)(1u << (i % 8));
            want = ILRS_ECRC;
        }
        assert_int_equal(ilrs_ccsds_tm_demux_frame(dm, frame, cfg->frame_len), want);
    }
}

static void tm_mux_demux_random_streams(void **state)
{
    (void)state;
    static const uint16_t lens[] = {32, 223, 1115, 2048};
    for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
        for (uint64_t seed = 1; seed <= 3; seed++) {
            ilrs_ccsds_tm_config_t cfg = {
                .scid = 0x155, .frame_len = lens[l], .has_ocf = seed != 2, .has_fecf = true};
            run_mux(&S, &cfg, lens[l] < 100 ? 400 : 1500, seed * 100 + l, seed == 3);
            ilrs_ccsds_tm_demux_t dm;
            run_demux(&S, &cfg, NULL, NULL, &dm, ILRS_CCSDS_MAX_PACKET_LEN);
            assert_true(S.order_ok);
            assert_true(S.bytes_ok);
            for (unsigned v = 0; v < NVC; v++) {
                assert_int_equal(S.delivered[v], S.npk[v]); /* all back, in order */
                assert_int_equal(dm.vc[v].packets, S.npk[v]);
                assert_int_equal(dm.vc[v].gaps, 0);
                assert_int_equal(dm.vc[v].partial_discarded, 0);
                assert_int_equal(dm.vc[v].fhp_mismatch, 0);
                assert_int_equal(dm.vc[v].bad_headers, 0);
                assert_int_equal(dm.vc[v].octets_skipped, 0);
            }
            assert_int_equal(dm.frames_ok, S.nframes);
            assert_int_equal(dm.crc_errors + dm.scid_errors + dm.format_errors, 0);
            assert_int_equal(dm.mc_gaps, 0);
            if (cfg.has_ocf) {
                assert_true(dm.ocf_valid);
                assert_int_equal(dm.last_ocf, (uint32_t)(S.nframes - 1));
            }
        }
    }
}

/* Expected delivery under loss: a packet comes back iff no lost frame of its VC
 * carried one of its octets. */
static void check_loss_model(const stream_t *s, const bool *lost, const ilrs_ccsds_tm_demux_t *dm)
{
    for (unsigned v = 0; v < NVC; v++) {
        size_t expect_delivered = 0, frames_lost = 0;
        for (size_t k = 0; k < s->npk[v]; k++) {
            size_t a = s->qstart[v][k], b = a + s->len[v][k];
            bool hit = false;
            for (size_t i = 0; i < s->nframes && !hit; i++) {
                hit = lost[i] && s->fvc[i] == v && s->take_to[i] > a && s->take_from[i] < b;
            }
            assert_int_equal(s->got[v][k], !hit);
            expect_delivered += !hit;
        }
        for (size_t i = 0; i < s->nframes; i++) {
            frames_lost += lost[i] && s->fvc[i] == v;
        }
        assert_int_equal(s->delivered[v], expect_delivered);
        assert_int_equal(dm->vc[v].packets, expect_delivered);
        /* frame losses are counted when the VC's next frame arrives */
        assert_true(dm->vc[v].frames_lost <= frames_lost);
        assert_true(dm->vc[v].frames_lost + 3u >= frames_lost);
    }
}

static void tm_demux_frame_loss_recovers(void **state)
{
    (void)state;
    static bool drop[MAX_FRAMES];
    for (uint64_t seed = 1; seed <= 6; seed++) {
        ilrs_ccsds_tm_config_t cfg = {
            .scid = 0x3FF, .frame_len = seed % 2 ? 1115 : 223, .has_ocf = true, .has_fecf = true};
        run_mux(&S, &cfg, 1200, seed, false);
        ilrs_rng_t rng;
        ilrs_rng_seed(&rng, seed + 1000);
        memset(drop, 0, sizeof drop);
        /* Drop runs of 1..3 frames in the middle. */
        size_t dropped = 0;
        for (unsigned k = 0; k < 12; k++) {
            size_t at = S.nframes / 8 + (size_t)ilrs_rng_below(&rng, S.nframes * 3 / 4);
            size_t run = 1 + (size_t)ilrs_rng_below(&rng, 3);
            for (size_t j = at; j < at + run && j < S.nframes; j++) {
                dropped += !drop[j];
                drop[j] = true;
            }
        }
        ilrs_ccsds_tm_demux_t dm;
        run_demux(&S, &cfg, drop, NULL, &dm, ILRS_CCSDS_MAX_PACKET_LEN);
        assert_true(S.order_ok);
        assert_true(S.bytes_ok);
        check_loss_model(&S, drop, &dm);
        assert_int_equal(dm.frames_ok, S.nframes - dropped);
        assert_true(dm.mc_gaps >= 1);
        assert_true(dm.mc_frames_lost == dropped);
        /* The sequence counts account exactly for the packets not delivered. */
        size_t missing = 0;
        for (unsigned v = 0; v < NVC; v++) {
            missing += S.npk[v] - S.delivered[v];
            assert_true(dm.vc[v].gaps >= 1 || S.delivered[v] == S.npk[v]);
        }
        assert_true(missing > 0);
    }
}

static void tm_demux_bit_errors_counted(void **state)
{
    (void)state;
    static bool flip[MAX_FRAMES];
    ilrs_ccsds_tm_config_t cfg = {
        .scid = 0x0AB, .frame_len = 1115, .has_ocf = true, .has_fecf = true};
    run_mux(&S, &cfg, 1500, 77, false);
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 78);
    memset(flip, 0, sizeof flip);
    size_t flipped = 0;
    for (size_t i = 10; i < S.nframes; i++) {
        if (ilrs_rng_below(&rng, 50) == 0) {
            flip[i] = true;
            flipped++;
        }
    }
    assert_true(flipped > 0);
    ilrs_ccsds_tm_demux_t dm;
    run_demux(&S, &cfg, NULL, flip, &dm, ILRS_CCSDS_MAX_PACKET_LEN);
    assert_int_equal(dm.crc_errors, flipped);
    assert_int_equal(dm.frames_ok, S.nframes - flipped);
    assert_true(S.order_ok);
    assert_true(S.bytes_ok);
    check_loss_model(&S, flip, &dm); /* a corrupted frame is a lost frame */
}

static void tm_mux_fhp_and_idle(void **state)
{
    (void)state;
    ilrs_ccsds_tm_config_t cfg = {.scid = 1, .frame_len = 106, .has_fecf = true};
    size_t dl = ilrs_ccsds_tm_data_len(&cfg);
    assert_int_equal(dl, 98);
    static uint8_t ring[4096];
    ilrs_ccsds_tm_mux_t mux;
    assert_int_equal(ilrs_ccsds_tm_mux_init(&mux, &cfg), 0);
    assert_int_equal(ilrs_ccsds_tm_mux_add_vc(&mux, 0, 0, ring, sizeof ring), 0);
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 5);
    uint8_t a[400], b[20], frame[106];
    link_test_packet(a, 3 * dl + 10, 5, 0, &rng); /* spans four frames */
    link_test_packet(b, 20, 5, 1, &rng);
    assert_int_equal(ilrs_ccsds_tm_mux_push(&mux, 0, a, 3 * dl + 10), 0);
    assert_int_equal(ilrs_ccsds_tm_mux_push(&mux, 0, b, 20), 0);
    assert_int_equal(ilrs_ccsds_tm_mux_pending(&mux, 0), 3 * dl + 30);
    static const uint16_t want_fhp[] = {0, 0x7FF, 0x7FF, 10};
    ilrs_ccsds_tm_frame_t f;
    for (unsigned i = 0; i < 4; i++) {
        uint8_t vc = 9;
        assert_int_equal(ilrs_ccsds_tm_mux_next_frame(&mux, 0, frame, sizeof frame, &vc), 0);
        assert_int_equal(vc, 0);
        assert_int_equal(ilrs_ccsds_tm_frame_decode(&cfg, frame, 106, &f), 0);
        assert_int_equal(f.fhp, want_fhp[i]);
        assert_int_equal(f.vc_count, i);
        assert_int_equal(f.mc_count, i);
    }
    /* Frame 4: 10 octets of a, all of b (20), then an idle packet of 68 octets. */
    assert_memory_equal(f.data, a + 3 * dl, 10);
    assert_memory_equal(f.data + 10, b, 20);
    assert_int_equal(ilrs_ccsds_get_apid(f.data + 30), ILRS_CCSDS_APID_IDLE);
    assert_int_equal(ilrs_ccsds_get_total_length(f.data + 30), dl - 30);
    assert_int_equal(mux.vc[0].idle_packets, 1);
    /* Nothing queued: Only Idle Data frame on VC 7. */
    uint8_t vc = 0;
    assert_int_equal(ilrs_ccsds_tm_mux_next_frame(&mux, 0, frame, sizeof frame, &vc), 0);
    assert_int_equal(vc, ILRS_CCSDS_VC_IDLE);
    assert_int_equal(ilrs_ccsds_tm_frame_decode(&cfg, frame, 106, &f), 0);
    assert_int_equal(f.fhp, ILRS_CCSDS_TM_FHP_IDLE);
    assert_int_equal(f.vcid, 7);
    assert_int_equal(f.mc_count, 4);
    assert_int_equal(f.vc_count, 0);
    assert_int_equal(mux.idle_frames, 1);
    /* A packet leaving 3 octets: the idle packet (7) continues in the next frame. */
    uint8_t c[95];
    link_test_packet(c, 95, 5, 2, &rng);
    assert_int_equal(ilrs_ccsds_tm_mux_push(&mux, 0, c, 95), 0);
    assert_int_equal(ilrs_ccsds_tm_mux_next_frame(&mux, 0, frame, sizeof frame, &vc), 0);
    assert_int_equal(ilrs_ccsds_tm_frame_decode(&cfg, frame, 106, &f), 0);
    assert_int_equal(f.fhp, 0);
    assert_int_equal(mux.vc[0].idle_left, 4);
    assert_int_equal(ilrs_ccsds_tm_mux_push(&mux, 0, b, 20), 0);
    assert_int_equal(ilrs_ccsds_tm_mux_next_frame(&mux, 0, frame, sizeof frame, &vc), 0);
    assert_int_equal(ilrs_ccsds_tm_frame_decode(&cfg, frame, 106, &f), 0);
    assert_int_equal(f.fhp, 4); /* after the 4 idle octets */
    assert_memory_equal(f.data + 4, b, 20);

    /* Push errors. */
    assert_int_equal(ilrs_ccsds_tm_mux_push(&mux, 1, b, 20), ILRS_ECCSDS_VCID);
    assert_int_equal(ilrs_ccsds_tm_mux_push(&mux, 9, b, 20), ILRS_ECCSDS_VCID);
    assert_int_equal(ilrs_ccsds_tm_mux_push(&mux, 0, b, 19), ILRS_ECCSDS_LENGTH);
    uint8_t longer[21];
    memcpy(longer, b, 20);
    longer[20] = 0;
    assert_int_equal(ilrs_ccsds_tm_mux_push(&mux, 0, longer, 21), ILRS_ECCSDS_LENGTH);
    uint8_t idle[7] = {0x07, 0xFF, 0xC0, 0, 0, 0, 0};
    assert_int_equal(ilrs_ccsds_tm_mux_push(&mux, 0, idle, 7), ILRS_ECCSDS_IDLE);
    static uint8_t big[5000];
    link_test_packet(big, 4097, 5, 3, &rng);
    assert_int_equal(ilrs_ccsds_tm_mux_push(&mux, 0, big, 4097), ILRS_EFULL);
    assert_int_equal(ilrs_ccsds_tm_mux_add_vc(&mux, 0, 0, ring, sizeof ring), ILRS_EEXIST);
    assert_int_equal(ilrs_ccsds_tm_mux_add_vc(&mux, 7, 0, ring, sizeof ring), ILRS_ECCSDS_VCID);
    assert_int_equal(ilrs_ccsds_tm_mux_add_vc(&mux, 3, 0, ring, 6), ILRS_EINVAL);
    assert_int_equal(ilrs_ccsds_tm_mux_next_frame(&mux, 0, frame, 105, &vc), ILRS_ECCSDS_TOOSMALL);
}

static void tm_mux_priority_and_round_robin(void **state)
{
    (void)state;
    ilrs_ccsds_tm_config_t cfg = {.scid = 1, .frame_len = 64, .has_fecf = true};
    size_t dl = ilrs_ccsds_tm_data_len(&cfg);
    static uint8_t rings[3][8192];
    ilrs_ccsds_tm_mux_t mux;
    assert_int_equal(ilrs_ccsds_tm_mux_init(&mux, &cfg), 0);
    /* housekeeping first; playback and science share the rest */
    assert_int_equal(ilrs_ccsds_tm_mux_add_vc(&mux, ILRS_CCSDS_VC_HOUSEKEEPING, 0, rings[0], 8192),
                     0);
    assert_int_equal(ilrs_ccsds_tm_mux_add_vc(&mux, ILRS_CCSDS_VC_PLAYBACK, 1, rings[1], 8192), 0);
    assert_int_equal(ilrs_ccsds_tm_mux_add_vc(&mux, ILRS_CCSDS_VC_SCIENCE, 1, rings[2], 8192), 0);
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 9);
    uint8_t pkt[512];
    /* Each queue holds exactly 5 frames' worth. */
    for (uint8_t v = 0; v < 3; v++) {
        link_test_packet(pkt, 5 * dl, (uint16_t)(v + 1), 0, &rng);
        assert_int_equal(ilrs_ccsds_tm_mux_push(&mux, v, pkt, 5 * dl), 0);
    }
    uint8_t frame[64], seq[16];
    for (unsigned i = 0; i < 16; i++) {
        assert_int_equal(ilrs_ccsds_tm_mux_next_frame(&mux, 0, frame, 64, &seq[i]), 0);
    }
    static const uint8_t want[16] = {0, 0, 0, 0, 0, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 7};
    assert_memory_equal(seq, want, 16);
    assert_int_equal(mux.vc[0].vc_count, 5);
    assert_int_equal(mux.vc[1].vc_count, 5);
    assert_int_equal(mux.vc[2].vc_count, 5);
    assert_int_equal(mux.mc_count, 16);
    assert_int_equal(mux.vc[0].frames, 5);
    /* Counters wrap modulo 256. */
    for (unsigned i = 0; i < 300; i++) {
        assert_int_equal(ilrs_ccsds_tm_mux_next_frame(&mux, 0, frame, 64, NULL), 0);
    }
    assert_int_equal(mux.mc_count, (16 + 300) % 256);
    assert_int_equal(mux.vc[7].vc_count, 301 % 256);
}

/* Hand-made frames whose FHP disagrees with the packet lengths, a bad packet
 * header, an oversized packet, a foreign spacecraft and a VC not enabled. */
static void tm_demux_inconsistent_input(void **state)
{
    (void)state;
    ilrs_ccsds_tm_config_t cfg = {.scid = 9, .frame_len = 48, .has_fecf = true};
    size_t dl = ilrs_ccsds_tm_data_len(&cfg); /* 40 */
    assert_int_equal(dl, 40);
    S.npk[0] = 10;
    S.npk[1] = S.npk[2] = 0;
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 1);
    S.pool_used = 0;
    for (unsigned k = 0; k < 10; k++) {
        S.off[0][k] = S.pool_used;
        S.len[0][k] = k == 2 ? 100 : 20;
        link_test_packet(S.pool + S.pool_used, S.len[0][k], APID[0], (uint16_t)k, &rng);
        S.pool_used += S.len[0][k];
    }
    memset(S.got, 0, sizeof S.got);
    memset(S.delivered, 0, sizeof S.delivered);
    S.last_idx[0] = -1;
    S.order_ok = S.bytes_ok = true;
    static uint8_t reasm[64];
    ilrs_ccsds_tm_demux_t dm;
    assert_int_equal(ilrs_ccsds_tm_demux_init(&dm, &cfg, on_packet, &S), 0);
    assert_int_equal(ilrs_ccsds_tm_demux_add_vc(&dm, 0, reasm, sizeof reasm), 0);
    uint8_t data[40], frame[48];
    uint8_t vcount = 0, mcount = 0;
#define SEND(vc_, fhp_value, want_rc)                                                              \
    do {                                                                                           \
        ilrs_ccsds_tm_frame_t f_ = {.vcid = (vc_),                                                 \
                                    .vc_count = vcount++,                                          \
                                    .fhp = (fhp_value),                                            \
                                    .mc_count = mcount++,                                          \
                                    .data = data,                                                  \
                                    .data_len = 40};                                               \
        assert_int_equal(ilrs_ccsds_tm_frame_encode(&cfg, &f_, frame, 48), 0);                     \
        assert_int_equal(ilrs_ccsds_tm_demux_frame(&dm, frame, 48), (want_rc));                    \
    } while (0)
    const uint8_t *P = S.pool;
    /* Frame 0: packets 0 and 1 (40 octets). */
    memcpy(data, P + S.off[0][0], 20);
    memcpy(data + 20, P + S.off[0][1], 20);
    SEND(0, 0, 0);
    assert_int_equal(S.delivered[0], 2);
    /* Frame 1: first 40 octets of packet 2 (100 octets, > 64 reassembly buffer). */
    memcpy(data, P + S.off[0][2], 40);
    SEND(0, 0, 0);
    assert_int_equal(dm.vc[0].too_big, 1);
    /* Frame 2: 40 more octets of packet 2 (no packet starts). */
    memcpy(data, P + S.off[0][2] + 40, 40);
    SEND(0, ILRS_CCSDS_TM_FHP_NONE, 0);
    /* Frame 3: last 20 octets of packet 2, then packet 3; FHP wrongly says 10:
     * counted, resynchronised at octet 10, which is not a header: bad header. */
    memcpy(data, P + S.off[0][2] + 80, 20);
    memcpy(data + 20, P + S.off[0][3], 20);
    data[10] |= 0xE0; /* so that what is at octet 10 reads as version 7 */
    SEND(0, 10, 0);
    assert_int_equal(dm.vc[0].fhp_mismatch, 1);
    assert_int_equal(dm.vc[0].bad_headers, 1);
    assert_true(S.delivered[0] == 2);
    /* Frame 4: packets 4 and 5 with a correct FHP: recovered. */
    memcpy(data, P + S.off[0][4], 20);
    memcpy(data + 20, P + S.off[0][5], 20);
    SEND(0, 0, 0);
    assert_true(S.got[0][4] && S.got[0][5]);
    /* Frame 5: packet 6 then the first half of packet 7, whose header has
     * version 1: sync lost, the frame's rest skipped. */
    memcpy(data, P + S.off[0][6], 20);
    memcpy(data + 20, P + S.off[0][7], 20);
    data[20] |= 0x20;
    SEND(0, 0, 0);
    assert_true(S.got[0][6]);
    assert_int_equal(dm.vc[0].bad_headers, 2);
    /* Frame 6: packets 8 and 9, FHP 0: resynchronised. */
    memcpy(data, P + S.off[0][8], 20);
    memcpy(data + 20, P + S.off[0][9], 20);
    SEND(0, 0, 0);
    assert_true(S.got[0][8] && S.got[0][9]);
    assert_int_equal(S.delivered[0], 7); /* 0 1 4 5 6 8 9 */
    assert_true(S.order_ok && S.bytes_ok);
    /* A VC not enabled, an idle frame, another spacecraft, bad length. */
    SEND(3, 0, ILRS_ECCSDS_VCID);
    assert_int_equal(dm.vcid_unknown, 1);
    SEND(7, ILRS_CCSDS_TM_FHP_IDLE, 0);
    assert_int_equal(dm.idle_frames, 1);
    ilrs_ccsds_tm_config_t other = cfg;
    other.scid = 10;
    ilrs_ccsds_tm_frame_t f = {.vcid = 0, .fhp = 0, .data = data, .data_len = 40};
    assert_int_equal(ilrs_ccsds_tm_frame_encode(&other, &f, frame, 48), 0);
    assert_int_equal(ilrs_ccsds_tm_demux_frame(&dm, frame, 48), ILRS_ECCSDS_SCID);
    assert_int_equal(dm.scid_errors, 1);
    assert_int_equal(ilrs_ccsds_tm_demux_frame(&dm, frame, 47), ILRS_ECCSDS_FRAME_LENGTH);
    assert_int_equal(dm.format_errors, 1);
    assert_int_equal(dm.mc_gaps, 0);
    /* Setup errors. */
    assert_int_equal(ilrs_ccsds_tm_demux_add_vc(&dm, 0, reasm, sizeof reasm), ILRS_EEXIST);
    assert_int_equal(ilrs_ccsds_tm_demux_add_vc(&dm, 7, reasm, sizeof reasm), ILRS_ECCSDS_VCID);
    assert_int_equal(ilrs_ccsds_tm_demux_add_vc(&dm, 1, reasm, 5), ILRS_EINVAL);
    assert_int_equal(ilrs_ccsds_tm_demux_init(&dm, &cfg, NULL, NULL), ILRS_EINVAL);
#undef SEND
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(tm_frame_header_layout),
    cmocka_unit_test(tm_frame_roundtrip_configs),
    cmocka_unit_test(tm_frame_decode_errors),
    cmocka_unit_test(tm_frame_encode_errors),
    cmocka_unit_test(tm_frame_bit_errors_caught),
    cmocka_unit_test(tm_mux_demux_random_streams),
    cmocka_unit_test(tm_demux_frame_loss_recovers),
    cmocka_unit_test(tm_demux_bit_errors_counted),
    cmocka_unit_test(tm_mux_fhp_and_idle),
    cmocka_unit_test(tm_mux_priority_and_round_robin),
    cmocka_unit_test(tm_demux_inconsistent_input),
};
ILRS_TEST_MAIN(tests)
