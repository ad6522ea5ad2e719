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

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(full_storage_policy),
    cmocka_unit_test(playback_fair_share),
};

ILRS_TEST_MAIN(tests)
