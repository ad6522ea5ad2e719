// SPDX-License-Identifier: Apache-2.0
// STORAGE with the payload host on a flight instance (virtual time) against the
// scripted hal: data filed per partner channel, the full-storage policy (lowest
// priority dropped first, counted, events; refused when nothing lower is left),
// playback by priority and by fair share, and the byte accounting identities.
#include "apps_test.h"

#include "apps/storage/storage_eid.h"

typedef struct fx {
    harness_t h;
    ilrs_pld_app_t *pld;
    ilrs_sto_app_t *sto;
    int radio;
} fx_t;

static void manifest(ilrs_pld_manifest_t *m, const char *id, const char *owner, uint16_t apid)
{
    memset(m, 0, sizeof *m);
    snprintf(m->id, sizeof m->id, "%s", id);
    snprintf(m->owner, sizeof m->owner, "%s", owner);
    m->apid = apid;
    m->mode_count = 2;
    m->power_w[1] = 1;
    m->science_mode = 1;
    m->duty_cycle = 1;
    m->priority = 1;
}

static fx_t *setup(uint8_t esa_priority)
{
    fx_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    harness_init(&f->h);
    th_t *t = &f->h.hal;
    th_init(t);
    int line = th_add_switch(t, "line.payload", true);
    th_add_payload(t, "seismometer", line, 8000); /* 1000 B/s, cnsa */
    th_add_payload(t, "magnetometer", line, 4000); /* 500 B/s, esa */
    th_add_payload(t, "dust", line, 16000);        /* 2000 B/s, nasa -> default channel */
    f->radio = th_add_radio(t, "radio.earth", true);
    t->storage_cap = 100000;
    ilrs_pld_config_t pc = {.hal = &t->hal, .payload_count = 3, .data_apid = 0x3F0,
                            .hang_timeout_s = 1e6};
    manifest(&pc.payloads[0], "seismometer", "cnsa", 0x300);
    manifest(&pc.payloads[1], "magnetometer", "esa", 0x301);
    manifest(&pc.payloads[2], "dust", "nasa", 0x302);
    assert_int_equal(ilrs_pld_app_create(&pc, &f->pld), 0);
    ilrs_sto_config_t sc = {.hal = &t->hal, .storage = "storage0", .channel_count = 3,
                            .data_apid = 0x3F0};
    sc.channels[0] = (ilrs_sto_channel_config_t){.name = "vc_cnsa", .owner = "cnsa", .priority = 1};
    sc.channels[1] = (ilrs_sto_channel_config_t){.name = "vc_esa", .owner = "esa",
                                                 .priority = esa_priority};
    sc.channels[2] = (ilrs_sto_channel_config_t){.name = "vc_other", .owner = "", .priority = 3};
    assert_int_equal(ilrs_sto_app_create(&sc, &f->sto), 0);
    ilrs_app_def_t def;
    ilrs_pld_app_def(f->pld, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    ilrs_sto_app_def(f->sto, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    assert_int_equal(ilrs_fsw_start(f->h.fsw), 0);
    return f;
}

static void teardown(fx_t *f)
{
    ilrs_fsw_destroy(f->h.fsw);
    ilrs_sto_app_destroy(f->sto);
    ilrs_pld_app_destroy(f->pld);
    free(f);
}

static void accounting(fx_t *f, ilrs_sto_channel_status_t *ch)
{
    uint64_t stored = 0;
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(ilrs_sto_app_channel(f->sto, i, &ch[i]), 0);
        assert_int_equal(ch[i].written, ch[i].stored + ch[i].dropped + ch[i].played);
        stored += ch[i].stored;
    }
    assert_int_equal(stored, f->h.hal.storage_used);
}

static void full_storage_policy(void **state)
{
    (void)state;
    fx_t *f = setup(2);
    ilrs_sto_channel_status_t ch[3];
    harness_run(&f->h, 20);
    accounting(f, ch);
    /* every byte produced is filed under its owner's channel */
    assert_int_equal(ch[0].written, ilrs_pld_app_partner_bytes(f->pld, "cnsa"));
    assert_int_equal(ch[1].written, ilrs_pld_app_partner_bytes(f->pld, "esa"));
    assert_int_equal(ch[2].written, ilrs_pld_app_partner_bytes(f->pld, "nasa"));
    assert_int_equal(ch[0].dropped + ch[1].dropped + ch[2].dropped, 0);

    /* Full after ~29 s at 3500 B/s: the default channel (priority 3) goes first,
     * ESA's (priority 2) only once the default channel is empty. */
    bool esa_dropped_seen = false;
    for (int s = 0; s < 400; s++) {
        uint64_t esa_before = ch[1].dropped;
        harness_run(&f->h, 1);
        accounting(f, ch);
        if (ch[1].dropped > esa_before) {
            esa_dropped_seen = true;
            assert_int_equal(ch[2].stored, 0);
        }
    }
    assert_true(esa_dropped_seen);
    assert_true(ch[2].dropped > 0 && ch[2].refused > 0);
    /* in the end only the highest priority is held, and it is refused too */
    assert_int_equal(ch[0].stored, f->h.hal.storage_cap);
    assert_int_equal(ch[1].stored + ch[2].stored, 0);
    assert_true(ch[0].refused > 0);
    assert_int_equal(ch[0].dropped, 0);
    assert_true(count_events(&f->h, "STORAGE", STO_DROP_ERR_EID) >= 1);
    assert_true(count_events(&f->h, "STORAGE", STO_REFUSED_ERR_EID) >= 1);
    /* events are throttled (one a minute) while every byte is counted */
    assert_true(count_events(&f->h, "STORAGE", STO_DROP_ERR_EID) +
                    count_events(&f->h, "STORAGE", STO_REFUSED_ERR_EID) <= 2 * 8);

    /* Playback by priority: cnsa first. */
    const char *down[] = {"radio.earth", "30000"};
    assert_int_equal(send_cmd(&f->h, "StoDownlink", down, 2), 0);
    harness_run(&f->h, 1);
    accounting(f, ch);
    assert_int_equal(ch[0].played, 30000);
    assert_int_equal(f->h.hal.radio_queued[f->radio] + f->h.hal.radio_sent[f->radio], 30000);
    const char *ghost[] = {"radio.ghost", "1"};
    assert_int_equal(send_cmd(&f->h, "StoDownlink", ghost, 2), 0);
    const char *clear[] = {"vc_cnsa"};
    assert_int_equal(send_cmd(&f->h, "StoClearChannel", clear, 1), 0);
    harness_run(&f->h, 1);
    assert_int_equal(count_events(&f->h, "STORAGE", STO_CHANNEL_ERR_EID), 1);
    accounting(f, ch);
    teardown(f);
}

static void playback_fair_share(void **state)
{
    (void)state;
    fx_t *f = setup(1); /* cnsa and esa share priority 1 */
    harness_run(&f->h, 20);
    ilrs_sto_channel_status_t ch[3];
    accounting(f, ch);
    assert_true(ch[0].stored > 6000 && ch[1].stored > 6000);
    const char *down[] = {"radio.earth", "6000"};
    assert_int_equal(send_cmd(&f->h, "StoDownlink", down, 2), 0);
    harness_run(&f->h, 1);
    ilrs_sto_channel_status_t after[3];
    accounting(f, after);
    assert_int_equal(after[0].played, 3000);
    assert_int_equal(after[1].played, 3000);
    assert_int_equal(after[2].played, 0);
    /* a channel with less than its share gives the rest to the others */
    const char *clear[] = {"vc_esa"};
    assert_int_equal(send_cmd(&f->h, "StoClearChannel", clear, 1), 0);
    harness_run(&f->h, 1);
    const char *big[] = {"radio.earth", "50000"};
    assert_int_equal(send_cmd(&f->h, "StoDownlink", big, 2), 0);
    harness_run(&f->h, 1);
    accounting(f, after);
    assert_true(after[0].stored < 1500);  /* cnsa emptied (but one step's new data) */
    assert_true(after[2].played > 0);     /* the default channel got the remainder */
    teardown(f);
}

/* Channels by payload before owner, a port STORAGE reads itself (data that does
 * not pass through the payload host), and the playback header naming the channel. */
static void payload_channels_ports_and_header(void **state)
{
    (void)state;
    harness_t *h = calloc(1, sizeof *h);
    assert_non_null(h);
    harness_init(h);
    th_t *t = &h->hal;
    th_init(t);
    int line = th_add_switch(t, "line.payload", true);
    th_add_payload(t, "seismometer", line, 8000);  /* cnsa, its own channel */
    th_add_payload(t, "magnetometer", line, 4000); /* cnsa, the owner's channel */
    int rover = th_add_payload(t, "rover", line, 16000); /* not hosted: read by STORAGE */
    t->pl[rover].mode = 1;                                /* driving (producing) */
    int radio = th_add_radio(t, "radio.earth", true);
    t->storage_cap = UINT64_C(1) << 30;
    ilrs_pld_config_t pc = {.hal = &t->hal, .payload_count = 2, .data_apid = 0x3F0,
                            .hang_timeout_s = 1e6};
    manifest(&pc.payloads[0], "seismometer", "cnsa", 0x300);
    manifest(&pc.payloads[1], "magnetometer", "cnsa", 0x301);
    ilrs_pld_app_t *pld = NULL;
    assert_int_equal(ilrs_pld_app_create(&pc, &pld), 0);
    ilrs_sto_config_t sc = {.hal = &t->hal, .storage = "storage0", .channel_count = 3,
                            .data_apid = 0x3F0, .playback_marker = 0x5343494Eu};
    sc.channels[0] = (ilrs_sto_channel_config_t){.name = "vc_cnsa", .owner = "cnsa", .priority = 2};
    sc.channels[1] = (ilrs_sto_channel_config_t){
        .name = "vc_seis", .owner = "cnsa", .payload = "seismometer", .priority = 2};
    sc.channels[2] = (ilrs_sto_channel_config_t){
        .name = "vc_rover", .payload = "rover", .read_port = true, .priority = 1};
    /* a port to read needs a payload name; one channel per owner and payload */
    ilrs_sto_config_t bad = sc;
    bad.channels[2].payload[0] = '\0';
    ilrs_sto_app_t *sto = NULL;
    assert_int_equal(ilrs_sto_app_create(&bad, &sto), ILRS_EINVAL);
    bad = sc;
    snprintf(bad.channels[0].payload, sizeof bad.channels[0].payload, "seismometer");
    assert_int_equal(ilrs_sto_app_create(&bad, &sto), ILRS_EINVAL);
    assert_int_equal(ilrs_sto_app_create(&sc, &sto), 0);
    ilrs_app_def_t def;
    ilrs_pld_app_def(pld, &def);
    assert_int_equal(ilrs_fsw_add_app(h->fsw, &def, NULL), 0);
    ilrs_sto_app_def(sto, &def);
    assert_int_equal(ilrs_fsw_add_app(h->fsw, &def, NULL), 0);
    assert_int_equal(ilrs_fsw_start(h->fsw), 0);
    harness_run(h, 30);
    ilrs_sto_channel_status_t ch[3];
    ilrs_pld_status_t ps[2];
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(ilrs_sto_app_channel(sto, i, &ch[i]), 0);
    }
    assert_int_equal(ilrs_pld_app_payload(pld, 0, &ps[0]), 0);
    assert_int_equal(ilrs_pld_app_payload(pld, 1, &ps[1]), 0);
    assert_true(ps[0].bytes > 0 && ps[1].bytes > 0);
    assert_int_equal(ch[1].written, ps[0].bytes); /* the seismometer's channel */
    assert_int_equal(ch[0].written, ps[1].bytes); /* the rest of cnsa's */
    assert_true(ch[2].written >= 2000 * 25);      /* the rover's port, 2000 B/s */
    assert_int_equal(ch[0].stored + ch[1].stored + ch[2].stored, t->storage_used);
    /* playback: the rover's channel first (priority 1), each chunk headed by the
     * marker and the channel index */
    const char *args[] = {"radio.earth", "1000"};
    assert_int_equal(send_cmd(h, "StoDownlink", args, 2), 0);
    harness_run(h, 1);
    uint32_t head[2];
    memcpy(head, t->radio_head[radio], sizeof head);
    assert_int_equal(head[0], 0x5343494Eu);
    assert_int_equal(head[1], 2);
    assert_int_equal(ilrs_sto_app_channel(sto, 2, &ch[2]), 0);
    assert_int_equal(ch[2].played, 1000);
    ilrs_fsw_destroy(h->fsw);
    ilrs_sto_app_destroy(sto);
    ilrs_pld_app_destroy(pld);
    free(h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(payload_channels_ports_and_header),
    cmocka_unit_test(full_storage_policy),
    cmocka_unit_test(playback_fair_share),
};

ILRS_TEST_MAIN(tests)
