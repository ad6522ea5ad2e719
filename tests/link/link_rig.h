/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test rig for the space link endpoints: a flight instance on virtual time with
 * the LINK app, an ECHO app (a command with a range-checked argument that records
 * what it executes, HK on VC 0, a 200-octet science packet at 10 Hz on VC 2) and a
 * PROBE app recording every packet LINK is subscribed to; a ground link with an
 * in-memory SQLite archive and an in-memory command store behind the bound
 * source. The channel between them is the callbacks (TM frames collected and fed
 * to the ground after each 100 ms of flight time; TC frames handed to
 * ilrs_link_app_uplink()), optionally with seeded frame drops both ways.
 * Header-only (test helper).
 */
#ifndef LINK_RIG_H
#define LINK_RIG_H

#include <stdlib.h>
#include <string.h>

#include <ilrs/apps.h>
#include <ilrs/ccsds.h>
#include <ilrs/fsw.h>
#include <ilrs/ground.h>
#include <ilrs/ground_link.h>
#include <ilrs/ground_server.h>

#include "ilrs_test.h"

#define RIG_SCID       0x1A5u
#define RIG_FRAME_LEN  512u
#define RIG_ECHO_APID  0x1D0u
#define RIG_SCI_APID   0x1E0u
#define RIG_LINK_APID  0x129u
#define RIG_MAX_FRAMES 4096
#define RIG_MAX_PKTS   20000
#define RIG_MAX_GOT    256

typedef struct rig_pkt {
    uint16_t len;
    uint8_t data[600];
} rig_pkt_t;

typedef struct echo {
    const ilrs_dict_command_t *cmd;
    uint8_t got[RIG_MAX_GOT];
    size_t got_n;
    uint8_t sci[212];
    uint16_t sci_seq;
} echo_t;

typedef struct rig {
    ilrs_fsw_t *fsw;
    ilrs_link_app_t *link;
    echo_t echo;
    ilrs_ground_link_t *gl;
    ilrs_ground_archive_t *archive;
    ilrs_ground_memsource_t *mem;
    ilrs_ground_source_t src;
    /* downlink frames collected from the output callback */
    uint8_t (*down)[RIG_FRAME_LEN];
    size_t down_n;
    /* seeded channel loss */
    uint64_t rng;
    double drop_down, drop_up;
    uint64_t dropped_down, dropped_up;
    /* what flight published (PROBE) and what the ground delivered (tap) */
    rig_pkt_t *sent;
    size_t sent_n;
    rig_pkt_t *got;
    size_t got_n;
} rig_t;

static inline double rig_rand(rig_t *r)
{
    /* xorshift64*: reproducible loss pattern */
    r->rng ^= r->rng >> 12;
    r->rng ^= r->rng << 25;
    r->rng ^= r->rng >> 27;
    return (double)((r->rng * UINT64_C(2685821657736338717)) >> 11) / 9007199254740992.0;
}

static inline int rig_output(void *user, const uint8_t *frame, size_t len)
{
    rig_t *r = user;
    if (len != RIG_FRAME_LEN || r->down_n >= RIG_MAX_FRAMES) {
        return ILRS_EFULL;
    }
    memcpy(r->down[r->down_n++], frame, len);
    return 0;
}

static inline int rig_send(void *user, const uint8_t *frame, size_t len)
{
    rig_t *r = user;
    if (r->drop_up > 0 && rig_rand(r) < r->drop_up) {
        r->dropped_up++;
        return 0;
    }
    return ilrs_link_app_uplink(r->link, frame, len);
}

static inline void rig_tap(void *user, uint8_t vcid, const uint8_t *pkt, size_t len)
{
    (void)vcid;
    rig_t *r = user;
    if (r->got_n < RIG_MAX_PKTS && len <= sizeof r->got[0].data) {
        memcpy(r->got[r->got_n].data, pkt, len);
        r->got[r->got_n++].len = (uint16_t)len;
    }
}

/* ECHO app */
static const ilrs_dict_field_t echo_args[] = {
    {.name = "value",
     .type = ILRS_DICT_U8,
     .has_range = true,
     .min = 0,
     .max = 100,
     .description = "value to record"},
};

static inline int echo_cmd(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    (void)app;
    echo_t *e = ctx;
    int64_t v = 0;
    (void)ilrs_dict_get_int(&e->cmd->args[0], pkt, len, &v);
    if (e->got_n < RIG_MAX_GOT) {
        e->got[e->got_n++] = (uint8_t)v;
    }
    return 0;
}

static inline int echo_init(ilrs_app_t *app, void *ctx)
{
    echo_t *e = ctx;
    ilrs_dict_command_t c = {.name = "EchoSet",
                             .function_code = 2,
                             .description = "record a value",
                             .args = echo_args,
                             .arg_count = 1};
    static const ilrs_dict_field_t sci_fields[] = {
        {.name = "samples", .type = ILRS_DICT_BYTES, .length = 200, .description = "raw samples"},
    };
    ilrs_dict_packet_t sci = {.name = "ECHO_SCI",
                              .apid = RIG_SCI_APID,
                              .description = "science stream",
                              .fields = sci_fields,
                              .field_count = 1};
    int rc = ilrs_app_register_packet(app, &sci, NULL);
    return rc != 0 ? rc : ilrs_app_register_command(app, &c, echo_cmd, &e->cmd);
}

static inline int echo_step(ilrs_app_t *app, void *ctx)
{
    echo_t *e = ctx;
    if (ilrs_ccsds_tlm_init(e->sci, sizeof e->sci, RIG_SCI_APID, sizeof e->sci,
                            ilrs_app_time(app)) != 0) {
        return ILRS_EINVAL;
    }
    ilrs_ccsds_set_seq_count(e->sci, (uint16_t)(e->sci_seq & 0x3FFFu));
    for (size_t i = 12; i < sizeof e->sci; i++) {
        e->sci[i] = (uint8_t)(i * 7u + e->sci_seq);
    }
    e->sci_seq++;
    return ilrs_app_publish(app, e->sci, sizeof e->sci);
}

/* PROBE app: a copy of every packet LINK downlinks */
static inline int probe_init_(ilrs_app_t *app, void *ctx)
{
    (void)ctx;
    const uint16_t apids[] = {RIG_ECHO_APID, RIG_SCI_APID, ILRS_FSW_APID_EVENTS, RIG_LINK_APID,
                              ILRS_LINK_APID_CMD_RESPONSE};
    for (size_t i = 0; i < sizeof apids / sizeof apids[0]; i++) {
        int rc = ilrs_app_subscribe(app, ilrs_msgid_tlm(apids[i]), 0);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

static inline int probe_step_(ilrs_app_t *app, void *ctx)
{
    rig_t *r = ctx;
    const uint8_t *pkt;
    size_t len;
    while (ilrs_app_receive(app, &pkt, &len) == 0) {
        if (r->sent_n < RIG_MAX_PKTS && len <= sizeof r->sent[0].data) {
            memcpy(r->sent[r->sent_n].data, pkt, len);
            r->sent[r->sent_n++].len = (uint16_t)len;
        }
    }
    return 0;
}

static inline ilrs_tai_t rig_now(rig_t *r)
{
    return ilrs_time_now(ilrs_fsw_time(r->fsw));
}

/* Build the rig; @p rate_bps 0 = unlimited downlink; @p hal / @p radio: rate from a hal radio. */
static inline void rig_init_hal(rig_t *r, double rate_bps, double drop_down, double drop_up,
                                uint64_t seed, ilrs_hal_t *hal, const char *radio)
{
    memset(r, 0, sizeof *r);
    r->down = calloc(RIG_MAX_FRAMES, RIG_FRAME_LEN);
    r->sent = calloc(RIG_MAX_PKTS, sizeof *r->sent);
    r->got = calloc(RIG_MAX_PKTS, sizeof *r->got);
    assert_non_null(r->down);
    assert_non_null(r->sent);
    assert_non_null(r->got);
    r->rng = seed;
    r->drop_down = drop_down;
    r->drop_up = drop_up;
    ilrs_fsw_config_t cfg = {.evs = {.log_size = 4096}, .hk_interval_s = 1};
    assert_int_equal(ilrs_fsw_create(&cfg, &r->fsw), 0);
    ilrs_link_config_t lc = {.scid = RIG_SCID,
                             .frame_len = RIG_FRAME_LEN,
                             .rate_bps = rate_bps,
                             .output = rig_output,
                             .output_user = r,
                             .apid = RIG_LINK_APID,
                             .hal = hal};
    if (radio != NULL) {
        snprintf(lc.radio, sizeof lc.radio, "%s", radio);
    }
    lc.routes[lc.route_count++] = (ilrs_link_route_t){RIG_ECHO_APID, 0};
    lc.routes[lc.route_count++] = (ilrs_link_route_t){ILRS_FSW_APID_EVENTS, 0};
    lc.routes[lc.route_count++] = (ilrs_link_route_t){RIG_LINK_APID, 0};
    lc.routes[lc.route_count++] = (ilrs_link_route_t){RIG_SCI_APID, 2};
    assert_int_equal(ilrs_link_app_create(&lc, &r->link), 0);
    ilrs_app_def_t def;
    ilrs_link_app_def(r->link, &def);
    assert_int_equal(ilrs_fsw_add_app(r->fsw, &def, NULL), 0);
    ilrs_app_def_t echo = {.name = "ECHO",
                           .init = echo_init,
                           .step = echo_step,
                           .rate_hz = 10,
                           .priority = 10,
                           .apid = RIG_ECHO_APID,
                           .context = &r->echo};
    assert_int_equal(ilrs_fsw_add_app(r->fsw, &echo, NULL), 0);
    ilrs_app_def_t probe = {.name = "PROBE",
                            .init = probe_init_,
                            .step = probe_step_,
                            .rate_hz = 10,
                            .priority = 1000,
                            .pipe_depth = 256,
                            .context = r};
    assert_int_equal(ilrs_fsw_add_app(r->fsw, &probe, NULL), 0);
    assert_int_equal(ilrs_fsw_start(r->fsw), 0);
    /* ground */
    ilrs_ground_archive_options_t ao = {.commit_interval = INT64_C(3600000000000)};
    assert_int_equal(ilrs_ground_archive_open(":memory:", &ao, &r->archive), 0);
    ilrs_ground_link_config_t gc = {.scid = RIG_SCID,
                                    .tm_frame_len = RIG_FRAME_LEN,
                                    .t1 = INT64_C(500000000),
                                    .tx_limit = 20,
                                    .dict = ilrs_fsw_dict(r->fsw),
                                    .archive = r->archive,
                                    .send = rig_send,
                                    .send_user = r,
                                    .tap = rig_tap,
                                    .tap_user = r};
    assert_int_equal(ilrs_ground_link_create(&gc, &r->gl), 0);
    assert_int_equal(ilrs_ground_memsource_create(&r->mem), 0);
    ilrs_ground_source_t inner;
    ilrs_ground_memsource_bind(r->mem, &inner);
    assert_int_equal(ilrs_ground_link_bind_source(r->gl, &inner, &r->src), 0);
}

static inline void rig_init(rig_t *r, double rate_bps, double drop_down, double drop_up,
                            uint64_t seed)
{
    rig_init_hal(r, rate_bps, drop_down, drop_up, seed, NULL, NULL);
}

static inline void rig_fini(rig_t *r)
{
    ilrs_fsw_destroy(r->fsw);
    ilrs_link_app_destroy(r->link);
    ilrs_ground_link_destroy(r->gl);
    assert_int_equal(ilrs_ground_archive_close(r->archive), 0);
    ilrs_ground_memsource_destroy(r->mem);
    free(r->down);
    free(r->sent);
    free(r->got);
}

/* 100 ms of flight, then the ground takes the frames (minus drops) and runs FOP-1. */
static inline void rig_step(rig_t *r)
{
    assert_int_equal(ilrs_fsw_run(r->fsw, INT64_C(100000000)), 0);
    ilrs_tai_t now = rig_now(r);
    for (size_t i = 0; i < r->down_n; i++) {
        if (r->drop_down > 0 && rig_rand(r) < r->drop_down) {
            r->dropped_down++;
            continue;
        }
        (void)ilrs_ground_link_tm_frame(r->gl, r->down[i], RIG_FRAME_LEN, now);
    }
    r->down_n = 0;
    assert_int_equal(ilrs_ground_link_poll(r->gl, now), 0);
}

/* Queue EchoSet(@p value) through the bound source (as the server does); id out. */
static inline int64_t rig_command(rig_t *r, unsigned value, bool out_of_range)
{
    const ilrs_dict_command_t *c = ilrs_dict_find_command_by_name(ilrs_fsw_dict(r->fsw), "EchoSet");
    assert_non_null(c);
    char text[8];
    snprintf(text, sizeof text, "%u", out_of_range ? 1u : value);
    const char *args[] = {text};
    uint8_t pkt[64];
    size_t len = 0;
    assert_int_equal(ilrs_dict_build_command(c, args, 1, pkt, sizeof pkt, &len, NULL, 0), 0);
    if (out_of_range) {
        assert_int_equal(ilrs_dict_set_raw(&c->args[0], pkt, len, (double)value), 0);
        ilrs_ccsds_cmd_seal(pkt, len);
    }
    int64_t id = -1;
    assert_int_equal(r->src.command_add(r->src.ctx, "EchoSet", "station", "test", "{}", pkt, len,
                                        ilrs_ground_now_ms(), &id),
                     0);
    return id;
}

typedef struct rig_states {
    int64_t id[RIG_MAX_GOT];
    ilrs_ground_cmd_state_t state[RIG_MAX_GOT];
    char detail[RIG_MAX_GOT][160];
    size_t n;
} rig_states_t;

static inline int rig_collect(void *user, const ilrs_ground_source_command_t *c)
{
    rig_states_t *s = user;
    if (s->n < RIG_MAX_GOT) {
        s->id[s->n] = c->id;
        s->state[s->n] = c->state;
        snprintf(s->detail[s->n], sizeof s->detail[0], "%s", c->detail != NULL ? c->detail : "");
        s->n++;
    }
    return 0;
}

static inline ilrs_ground_cmd_state_t rig_state(rig_t *r, int64_t id, char *detail, size_t cap)
{
    rig_states_t s;
    memset(&s, 0, sizeof s);
    assert_int_equal(r->src.commands(r->src.ctx, NULL, INT64_MIN, INT64_MAX, rig_collect, &s), 0);
    for (size_t i = 0; i < s.n; i++) {
        if (s.id[i] == id) {
            if (detail != NULL) {
                snprintf(detail, cap, "%s", s.detail[i]);
            }
            return s.state[i];
        }
    }
    fail_msg("command %lld not in the store", (long long)id);
    return ILRS_GROUND_CMDSTATE_COUNT;
}

#endif
