// SPDX-License-Identifier: Apache-2.0
// COMM with the payload host and STORAGE, and HS with POWER, SC and MODE, on a
// flight instance (virtual time) against the scripted hal: contact windows and
// link selection, real-time telemetry first then playback; app watchdog restart
// through the executive and giving up, event-triggered RTS, no timing figures on
// virtual time.
#include <math.h>

#include "apps_test.h"

#include "apps/comm/comm_eid.h"
#include "apps/comm/comm_predict.h"

#include "apps/hs/hs_eid.h"
#include "apps/power/power_eid.h"

#define STO_APID 0x130

typedef struct cfx {
    harness_t h;
    ilrs_pld_app_t *pld;
    ilrs_sto_app_t *sto;
    ilrs_com_app_t *com;
    int relay, earth;
} cfx_t;

static cfx_t *comm_setup(void)
{
    cfx_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    harness_init(&f->h);
    th_t *t = &f->h.hal;
    th_init(t);
    int line = th_add_switch(t, "line.payload", true);
    th_add_payload(t, "imager", line, 80000); /* 10 kB/s */
    f->relay = th_add_radio(t, "radio.relay", true);
    f->earth = th_add_radio(t, "radio.earth", true);
    t->storage_cap = UINT64_C(1) << 30;
    ilrs_pld_config_t pc = {.hal = &t->hal, .payload_count = 1, .data_apid = 0x3F0};
    ilrs_pld_manifest_t *m = &pc.payloads[0];
    snprintf(m->id, sizeof m->id, "imager");
    snprintf(m->owner, sizeof m->owner, "esa");
    m->apid = 0x300;
    m->mode_count = 2;
    m->science_mode = 1;
    m->duty_cycle = 1;
    m->priority = 1;
    assert_int_equal(ilrs_pld_app_create(&pc, &f->pld), 0);
    ilrs_sto_config_t sc = {.hal = &t->hal, .storage = "storage0", .channel_count = 1,
                            .data_apid = 0x3F0, .apid = STO_APID};
    sc.channels[0] = (ilrs_sto_channel_config_t){.name = "vc_esa", .owner = "esa", .priority = 1};
    assert_int_equal(ilrs_sto_app_create(&sc, &f->sto), 0);
    ilrs_tai_t t0 = ilrs_time_now(ilrs_fsw_time(f->h.fsw));
    ilrs_com_config_t cc = {.hal = &t->hal, .radio_count = 2, .window_count = 2,
                            .rt_count = 1, .playback = true};
    snprintf(cc.radios[0].name, ILRS_APPS_NAME_MAX, "radio.relay");
    snprintf(cc.radios[1].name, ILRS_APPS_NAME_MAX, "radio.earth");
    cc.radios[1].direct_to_earth = true;
    cc.windows[0] = (ilrs_com_window_t){.start = t0, .end = t0 + INT64_C(50000000000), .radio = 0};
    cc.windows[1] = (ilrs_com_window_t){.start = t0 + INT64_C(30000000000),
                                        .end = t0 + INT64_C(200000000000), .radio = 1};
    cc.rt_apids[0] = STO_APID;
    assert_int_equal(ilrs_com_app_create(&cc, &f->com), 0);
    ilrs_app_def_t def;
    ilrs_pld_app_def(f->pld, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    ilrs_sto_app_def(f->sto, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    ilrs_com_app_def(f->com, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    assert_int_equal(ilrs_fsw_start(f->h.fsw), 0);
    return f;
}

static void comm_windows_selection_and_playback(void **state)
{
    (void)state;
    cfx_t *f = comm_setup();
    ilrs_com_status_t s;
    harness_run(&f->h, 20);
    ilrs_com_app_status(f->com, &s);
    assert_int_equal(s.selected, 0); /* only the relay window is open */
    assert_true(s.rt_bytes > 0);     /* STORAGE HK went out in real time */
    assert_true(f->h.hal.radio_sends[f->relay] > 0);
    harness_run(&f->h, 20); /* t = 40: both windows; direct-to-Earth preferred */
    ilrs_com_app_status(f->com, &s);
    assert_int_equal(s.selected, 1);
    assert_float_equal(s.next_contact_s, 0.0, 0.0);
    /* playback keeps up with the 10 kB/s imager on a 64 kbit/s (8 kB/s) link? No:
     * the link is slower, so data accumulates while playback runs at link rate. */
    ilrs_sto_channel_status_t ch;
    assert_int_equal(ilrs_sto_app_channel(f->sto, 0, &ch), 0);
    assert_true(ch.played > 0);
    assert_true(s.playback_requested >= ch.played);
    assert_true(f->h.hal.radio_queued[f->earth] <= f->h.hal.radio_cap[f->earth] / 2 + 8000);
    const char *relay_first[] = {"true"};
    assert_int_equal(send_cmd(&f->h, "ComSetPreference", relay_first, 1), 0);
    harness_run(&f->h, 2);
    ilrs_com_app_status(f->com, &s);
    assert_int_equal(s.selected, 0);
    harness_run(&f->h, 30); /* t = 72: only Earth */
    ilrs_com_app_status(f->com, &s);
    assert_int_equal(s.selected, 1);
    harness_run(&f->h, 140); /* t = 212: no window left */
    ilrs_com_app_status(f->com, &s);
    assert_int_equal(s.selected, -1);
    assert_float_equal(s.next_contact_s, -1.0, 0.0);
    uint64_t dropped = s.rt_dropped;
    harness_run(&f->h, 5);
    ilrs_com_app_status(f->com, &s);
    assert_true(s.rt_dropped > dropped); /* real-time data without a link is not kept */
    assert_true(s.switches >= 4);
    ilrs_fsw_destroy(f->h.fsw);
    ilrs_com_app_destroy(f->com);
    ilrs_sto_app_destroy(f->sto);
    ilrs_pld_app_destroy(f->pld);
    free(f);
}

static void comm_next_contact_prediction(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    th_init(&h.hal);
    th_add_radio(&h.hal, "radio.earth", true);
    ilrs_tai_t t0 = ilrs_time_now(ilrs_fsw_time(h.fsw));
    ilrs_com_config_t cc = {.hal = &h.hal.hal, .radio_count = 1, .window_count = 1};
    snprintf(cc.radios[0].name, ILRS_APPS_NAME_MAX, "radio.earth");
    cc.windows[0] = (ilrs_com_window_t){.start = t0 + INT64_C(100000000000),
                                        .end = t0 + INT64_C(160000000000), .radio = 0};
    ilrs_com_app_t *com = NULL;
    assert_int_equal(ilrs_com_app_create(&cc, &com), 0);
    ilrs_app_def_t def;
    ilrs_com_app_def(com, &def);
    assert_int_equal(ilrs_fsw_add_app(h.fsw, &def, NULL), 0);
    harness_run(&h, 40.5);
    ilrs_com_status_t s;
    ilrs_com_app_status(com, &s);
    assert_int_equal(s.selected, -1);
    assert_true(fabs(s.next_contact_s - 60.0) <= 1.0); /* stepped on whole seconds */
    harness_run(&h, 70);
    ilrs_com_app_status(com, &s);
    assert_int_equal(s.selected, 0);
    /* a window uploaded by command: t0 + 300..400 s; a bad one refused */
    char start[32], end[32];
    snprintf(start, sizeof start, "%lld", (long long)(t0 + INT64_C(300000000000)));
    snprintf(end, sizeof end, "%lld", (long long)(t0 + INT64_C(400000000000)));
    const char *win[] = {start, end, "0"};
    assert_int_equal(send_cmd(&h, "ComAddWindow", win, 3), 0);
    const char *bad[] = {end, start, "0"};
    assert_int_equal(send_cmd(&h, "ComAddWindow", bad, 3), 0);
    harness_run(&h, 100); /* t = 210.5 */
    ilrs_com_app_status(com, &s);
    assert_int_equal(s.selected, -1);
    assert_true(fabs(s.next_contact_s - 90.0) <= 1.0);
    harness_run(&h, 100);
    ilrs_com_app_status(com, &s);
    assert_int_equal(s.selected, 0);
    ilrs_fsw_destroy(h.fsw);
    ilrs_com_app_destroy(com);
    /* bad windows refused */
    cc.windows[0].end = cc.windows[0].start;
    assert_int_equal(ilrs_com_app_create(&cc, &com), ILRS_EINVAL);
}

/* Onboard DTE prediction: the app's windows are those of the predictor
 * (comm_predict.c, checked against the twin in tests/station/test_station_contact.c);
 * the link is selected from guard_s before a predicted window, and the outage
 * FDIR expects the link only from guard_s after its start. Site at the
 * sub-Earth point (the Earth always up: contacts are the ground station's Moon
 * passes), flat horizon, one station at the Canberra DSN latitude. */
static void comm_onboard_prediction(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    th_init(&h.hal);
    th_add_radio(&h.hal, "radio.earth", true);
    ilrs_tai_t t0 = ilrs_time_now(ilrs_fsw_time(h.fsw));
    ilrs_com_config_t *cc = calloc(1, sizeof *cc);
    assert_non_null(cc);
    cc->hal = &h.hal.hal;
    cc->radio_count = 1;
    snprintf(cc->radios[0].name, ILRS_APPS_NAME_MAX, "radio.earth");
    cc->radios[0].direct_to_earth = true;
    cc->predict = (ilrs_com_predict_config_t){.enabled = true, .ground_count = 1};
    cc->predict.grounds[0] = (ilrs_com_ground_t){-35.4, 148.98, 690.0, 10.0};
    /* the same windows, computed as the app will */
    com_predictor_t *p = calloc(1, sizeof *p);
    assert_non_null(p);
    ilrs_com_predict_config_t pc = cc->predict;
    pc.step_s = 60.0;
    assert_int_equal(ilrs__com_predict_init(p, &pc), 0);
    ilrs_com_window_t w[ILRS_COM_MAX_WINDOWS];
    size_t n = 0;
    const ilrs_tai_t s1 = INT64_C(1000000000);
    assert_int_equal(ilrs__com_predict_dte(p, t0, t0 + 172800 * s1, w, ILRS_COM_MAX_WINDOWS, &n), 0);
    assert_true(n >= 2 && n <= 4); /* about one Moon pass a day */
    const ilrs_com_window_t *next = w[0].start > t0 + 600 * s1 ? &w[0] : &w[1];
    double open_s = (double)(next->start - t0) / 1e9;
    ilrs_com_app_t *com = NULL;
    assert_int_equal(ilrs_com_app_create(cc, &com), 0);
    ilrs_app_def_t def;
    ilrs_com_app_def(com, &def);
    assert_int_equal(ilrs_fsw_add_app(h.fsw, &def, NULL), 0);
    harness_run(&h, 10.5);
    ilrs_com_status_t s;
    ilrs_com_app_status(com, &s);
    assert_int_equal(s.predictions, 1);
    assert_int_equal(s.predicted_windows, n);
    /* before the guard: no contact, the next one counted down */
    harness_run(&h, open_s - 200.0 - 10.5);
    ilrs_com_app_status(com, &s);
    assert_int_equal(s.selected, -1);
    assert_true(fabs(s.next_contact_s - 80.0) <= 1.5);
    /* within the guard before the window the link is taken */
    harness_run(&h, 140.0); /* start - 60 s */
    ilrs_com_app_status(com, &s);
    assert_int_equal(s.selected, 0);
    /* link lost at the start: the FDIR expects it from start + 120 s, outage 60 s later */
    harness_run(&h, 60.0);
    h.hal.radio_up[0] = false;
    harness_run(&h, 170.0); /* start + 170 s */
    ilrs_com_app_status(com, &s);
    assert_int_equal(s.outages, 0);
    harness_run(&h, 20.0); /* start + 190 s */
    ilrs_com_app_status(com, &s);
    assert_int_equal(s.outages, 1);
    ilrs_fsw_destroy(h.fsw);
    ilrs_com_app_destroy(com);
    /* bad prediction settings refused */
    cc->predict.step_s = 0.5;
    assert_int_equal(ilrs_com_app_create(cc, &com), ILRS_EINVAL);
    cc->predict.step_s = 0;
    cc->predict.mask_deg[7] = NAN;
    assert_int_equal(ilrs_com_app_create(cc, &com), ILRS_EINVAL);
    cc->predict.mask_deg[7] = 0;
    cc->predict.lat_deg = 91.0;
    assert_int_equal(ilrs_com_app_create(cc, &com), ILRS_EINVAL);
    free(p);
    free(cc);
}

/* Relay windows predicted on board from the relay's state (two-body + J2,
 * checked against the twin in tests/station/test_station_contact.c): the app's
 * windows are the predictor's; ComSetRelayOrbit replaces the orbit and the
 * prediction; a state for a direct-to-Earth radio or a hyperbola is refused. */
static void comm_relay_orbit_prediction(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    th_init(&h.hal);
    th_add_radio(&h.hal, "radio.relay", true);
    th_add_radio(&h.hal, "radio.earth", true);
    ilrs_tai_t t0 = ilrs_time_now(ilrs_fsw_time(h.fsw));
    ilrs_com_config_t *cc = calloc(1, sizeof *cc);
    assert_non_null(cc);
    cc->hal = &h.hal.hal;
    cc->radio_count = 2;
    snprintf(cc->radios[0].name, ILRS_APPS_NAME_MAX, "radio.relay");
    snprintf(cc->radios[1].name, ILRS_APPS_NAME_MAX, "radio.earth");
    cc->radios[1].direct_to_earth = true;
    cc->predict = (ilrs_com_predict_config_t){.enabled = true, .lat_deg = -89.5};
    /* an elliptical orbit, 6000 km from the centre, inclined */
    cc->predict.relay[0] = (ilrs_com_relay_state_t){
        .epoch = t0, .r_m = {6.0e6, 0.0, 0.0}, .v_m_s = {0.0, 500.0, 800.0}};
    com_predictor_t *p = calloc(1, sizeof *p);
    assert_non_null(p);
    ilrs_com_predict_config_t pc = cc->predict;
    pc.step_s = 60.0;
    assert_int_equal(ilrs__com_predict_init(p, &pc), 0);
    com_relay_orbit_t orb;
    assert_int_equal(ilrs__com_relay_orbit(&cc->predict.relay[0], &orb), 0);
    assert_true(orb.e > 0.0 && orb.e < 1.0 && orb.a > 4.0e6);
    ilrs_com_window_t w[ILRS_COM_MAX_WINDOWS];
    size_t n = 0;
    const ilrs_tai_t s1 = INT64_C(1000000000);
    assert_int_equal(
        ilrs__com_predict_relay(p, &orb, t0, t0 + 172800 * s1, w, ILRS_COM_MAX_WINDOWS, &n), 0);
    assert_true(n >= 1);
    ilrs_com_app_t *com = NULL;
    assert_int_equal(ilrs_com_app_create(cc, &com), 0);
    ilrs_app_def_t def;
    ilrs_com_app_def(com, &def);
    assert_int_equal(ilrs_fsw_add_app(h.fsw, &def, NULL), 0);
    harness_run(&h, 2.5);
    ilrs_com_status_t s;
    ilrs_com_app_status(com, &s);
    assert_int_equal(s.predictions, 1); /* the relay; no ground station: no DTE run */
    assert_int_equal(s.predicted_windows, n);
    /* a new orbit: predicted again from now */
    char ep[32];
    snprintf(ep, sizeof ep, "%lld", (long long)(t0 + 2 * s1));
    const char *orbit[] = {"0", ep, "6.1e6", "0", "0", "0", "500", "790"};
    assert_int_equal(send_cmd(&h, "ComSetRelayOrbit", orbit, 8), 0);
    harness_run(&h, 2.0);
    ilrs_com_app_status(com, &s);
    assert_int_equal(s.predictions, 2);
    assert_true(s.predicted_windows > n);
    /* refused: a direct-to-Earth radio, an escape speed */
    uint32_t before = s.predictions;
    orbit[0] = "1";
    assert_int_equal(send_cmd(&h, "ComSetRelayOrbit", orbit, 8), 0);
    orbit[0] = "0";
    orbit[7] = "3000";
    assert_int_equal(send_cmd(&h, "ComSetRelayOrbit", orbit, 8), 0);
    harness_run(&h, 2.0);
    ilrs_com_app_status(com, &s);
    assert_int_equal(s.predictions, before);
    ilrs_fsw_destroy(h.fsw);
    ilrs_com_app_destroy(com);
    /* a state under the surface refused at create */
    cc->predict.relay[0].r_m[0] = 1.0e6;
    assert_int_equal(ilrs_com_app_create(cc, &com), ILRS_EINVAL);
    free(p);
    free(cc);
}

/* A radio whose link is down inside its predicted window is in outage: one
 * event naming it, the link moves to the other radio, a second event when the
 * link is back; a link down outside every window is no outage. */
static void comm_outage_detected(void **state)
{
    (void)state;
    harness_t h;
    harness_init(&h);
    th_init(&h.hal);
    int relay = th_add_radio(&h.hal, "radio.relay", true);
    int earth = th_add_radio(&h.hal, "radio.earth", true);
    ilrs_tai_t t0 = ilrs_time_now(ilrs_fsw_time(h.fsw));
    ilrs_com_config_t cc = {.hal = &h.hal.hal, .radio_count = 2, .window_count = 2};
    snprintf(cc.radios[0].name, ILRS_APPS_NAME_MAX, "radio.relay");
    snprintf(cc.radios[1].name, ILRS_APPS_NAME_MAX, "radio.earth");
    cc.radios[1].direct_to_earth = true;
    cc.windows[0] = (ilrs_com_window_t){.start = t0, .end = t0 + INT64_C(2000000000000),
                                        .radio = 0};
    cc.windows[1] = (ilrs_com_window_t){.start = t0, .end = t0 + INT64_C(1000000000000),
                                        .radio = 1};
    ilrs_com_app_t *com = NULL;
    assert_int_equal(ilrs_com_app_create(&cc, &com), 0);
    ilrs_app_def_t def;
    ilrs_com_app_def(com, &def);
    assert_int_equal(ilrs_fsw_add_app(h.fsw, &def, NULL), 0);
    harness_run(&h, 100);
    ilrs_com_status_t s;
    ilrs_com_app_status(com, &s);
    assert_int_equal(s.selected, 1); /* direct-to-Earth first */
    h.hal.radio_up[earth] = false;    /* outage inside the Earth window */
    harness_run(&h, 50);
    assert_int_equal(count_events(&h, "COMM", COM_OUTAGE_ERR_EID), 0);
    ilrs_com_app_status(com, &s);
    assert_int_equal(s.selected, 0); /* already on the relay */
    harness_run(&h, 20);
    assert_int_equal(count_events(&h, "COMM", COM_OUTAGE_ERR_EID), 1);
    const char *ev = last_event(&h, "COMM", COM_OUTAGE_ERR_EID);
    assert_non_null(strstr(ev, "radio.earth outage"));
    assert_non_null(strstr(ev, "link now radio.relay"));
    h.hal.radio_up[earth] = true;
    harness_run(&h, 5);
    assert_int_equal(count_events(&h, "COMM", COM_OUTAGE_INF_EID), 1);
    assert_non_null(strstr(last_event(&h, "COMM", COM_OUTAGE_INF_EID), "restored"));
    /* after the Earth window (t > 1000 s) a dead Earth link is no outage */
    harness_run(&h, 900);
    h.hal.radio_up[earth] = false;
    harness_run(&h, 300);
    assert_int_equal(count_events(&h, "COMM", COM_OUTAGE_ERR_EID), 1);
    (void)relay;
    ilrs_fsw_destroy(h.fsw);
    ilrs_com_app_destroy(com);
}

/* Outage FDIR with POWER: the radio's line is power-cycled once per outage (off,
 * then on after cycle_off_s); a radio whose line is off has no link to miss. */
static void comm_outage_power_cycles_the_radio_line(void **state)
{
    (void)state;
    harness_t *h = calloc(1, sizeof *h);
    assert_non_null(h);
    harness_init(h);
    th_init(&h->hal);
    int line = th_add_switch(&h->hal, "line.comms", true);
    th_add_sensor(&h->hal, "bat.soc", 0.9);
    th_add_radio(&h->hal, "radio.relay", true);
    int earth = th_add_radio(&h->hal, "radio.earth", true);
    ilrs_pwr_config_t pc = {.hal = &h->hal.hal, .line_count = 1, .soc_sensor_count = 1,
                            .level_count = 1, .restore_hysteresis = 0.05};
    snprintf(pc.lines[0].name, ILRS_APPS_NAME_MAX, "line.comms");
    pc.lines[0].enabled = true;
    pc.lines[0].shed_level = 1;
    snprintf(pc.soc_sensors[0], ILRS_APPS_NAME_MAX, "bat.soc");
    pc.shed_soc[0] = 0.3;
    ilrs_pwr_app_t *pwr = NULL;
    assert_int_equal(ilrs_pwr_app_create(&pc, &pwr), 0);
    ilrs_tai_t t0 = ilrs_time_now(ilrs_fsw_time(h->fsw));
    ilrs_com_config_t cc = {.hal = &h->hal.hal, .radio_count = 2, .window_count = 2,
                            .cycle_off_s = 8};
    snprintf(cc.radios[0].name, ILRS_APPS_NAME_MAX, "radio.relay");
    snprintf(cc.radios[1].name, ILRS_APPS_NAME_MAX, "radio.earth");
    snprintf(cc.radios[1].line, ILRS_APPS_NAME_MAX, "line.comms");
    cc.radios[1].direct_to_earth = true;
    cc.windows[0] = (ilrs_com_window_t){.start = t0, .end = t0 + INT64_C(3000000000000),
                                        .radio = 0};
    cc.windows[1] = (ilrs_com_window_t){.start = t0, .end = t0 + INT64_C(3000000000000),
                                        .radio = 1};
    ilrs_com_app_t *com = NULL;
    assert_int_equal(ilrs_com_app_create(&cc, &com), 0);
    ilrs_app_def_t def;
    ilrs_pwr_app_def(pwr, &def);
    assert_int_equal(ilrs_fsw_add_app(h->fsw, &def, NULL), 0);
    ilrs_com_app_def(com, &def);
    assert_int_equal(ilrs_fsw_add_app(h->fsw, &def, NULL), 0);
    assert_int_equal(ilrs_fsw_start(h->fsw), 0);
    harness_run(h, 10);
    /* the line switched off (by the ground here): the dead link is expected */
    const char *off[] = {"line.comms", "false"};
    assert_int_equal(send_cmd(h, "PwrSetLoadLine", off, 2), 0);
    harness_run(h, 2);
    assert_false(h->hal.sw_cmd[line]);
    h->hal.radio_up[earth] = false;
    harness_run(h, 120);
    assert_int_equal(count_events(h, "COMM", COM_OUTAGE_ERR_EID), 0);
    /* powered again, still silent inside its window: outage, one power cycle */
    const char *on[] = {"line.comms", "true"};
    assert_int_equal(send_cmd(h, "PwrSetLoadLine", on, 2), 0);
    harness_run(h, 61);
    assert_int_equal(count_events(h, "COMM", COM_OUTAGE_ERR_EID), 1);
    assert_int_equal(count_events(h, "COMM", COM_CYCLE_INF_EID), 1);
    assert_non_null(strstr(last_event(h, "COMM", COM_CYCLE_INF_EID),
                           "radio.earth in outage: power cycling line line.comms (8 s off)"));
    harness_run(h, 3);
    assert_false(h->hal.sw_cmd[line]); /* off for the cycle */
    harness_run(h, 10);
    assert_true(h->hal.sw_cmd[line]); /* and on again */
    ilrs_com_status_t s;
    ilrs_com_app_status(com, &s);
    assert_int_equal(s.outages, 1);
    assert_int_equal(s.power_cycles, 1);
    assert_int_equal(s.selected, 0); /* on the relay meanwhile */
    /* the cycle does not end the outage (no second detection, no second cycle) */
    harness_run(h, 200);
    assert_int_equal(count_events(h, "COMM", COM_CYCLE_INF_EID), 1);
    h->hal.radio_up[earth] = true;
    harness_run(h, 2);
    assert_int_equal(count_events(h, "COMM", COM_OUTAGE_INF_EID), 1);
    ilrs_com_app_status(com, &s);
    assert_int_equal(s.selected, 1);
    ilrs_fsw_destroy(h->fsw);
    ilrs_com_app_destroy(com);
    ilrs_pwr_app_destroy(pwr);
    free(h);
}

/* The telemetry recorder: every app's HK and the events, one packet per APID per
 * interval, kept in arrival order while no link closes and sent first at the
 * next contact; without a recorder the same telemetry is dropped and counted. */
static void comm_telemetry_recorder(void **state)
{
    (void)state;
    for (int recorder = 0; recorder < 2; recorder++) {
        harness_t *h = calloc(1, sizeof *h);
        assert_non_null(h);
        harness_init(h);
        th_init(&h->hal);
        int earth = th_add_radio(&h->hal, "radio.earth", false);
        ilrs_com_config_t cc = {.hal = &h->hal.hal, .radio_count = 1, .tm_all_apps = true,
                                .tm_interval_s = 10,
                                .tm_buffer_bytes = recorder ? (size_t)1 << 20 : 0};
        snprintf(cc.radios[0].name, ILRS_APPS_NAME_MAX, "radio.earth");
        cc.radios[0].direct_to_earth = true;
        ilrs_com_app_t *com = NULL;
        assert_int_equal(ilrs_com_app_create(&cc, &com), 0);
        ilrs_app_def_t def;
        ilrs_com_app_def(com, &def);
        assert_int_equal(ilrs_fsw_add_app(h->fsw, &def, NULL), 0);
        assert_int_equal(ilrs_fsw_start(h->fsw), 0);
        harness_run(h, 120);
        ilrs_com_status_t s;
        ilrs_com_app_status(com, &s);
        assert_int_equal(s.rt_bytes, 0);
        assert_int_equal(h->hal.radio_sends[earth], 0);
        if (recorder) {
            assert_int_equal(s.rt_dropped, 0); /* all held */
        } else {
            assert_true(s.rt_dropped > 0 && s.tm_packets_dropped > 0);
            assert_int_equal(count_events(h, "COMM", COM_TM_DROP_ERR_EID), 1);
        }
        uint64_t dropped = s.rt_dropped;
        h->hal.radio_up[earth] = true;
        harness_run(h, 2);
        ilrs_com_app_status(com, &s);
        assert_true(s.rt_bytes > 0);
        assert_true(h->hal.radio_sends[earth] > 0);
        if (recorder) {
            /* the two minutes of held telemetry went out at the contact */
            assert_true(s.rt_bytes > 1000);
            assert_int_equal(s.rt_dropped, 0);
        } else {
            assert_int_equal(s.rt_dropped, dropped);
        }
        ilrs_fsw_destroy(h->fsw);
        ilrs_com_app_destroy(com);
        free(h);
    }
}

static void hs_watchdog_and_event_action(void **state)
{
    (void)state;
    harness_t *h = calloc(1, sizeof *h);
    assert_non_null(h);
    harness_init(h);
    th_init(&h->hal);
    th_add_switch(&h->hal, "line.a", true);
    int soc = th_add_sensor(&h->hal, "bat.soc", 0.8);
    ilrs_pwr_config_t pc = {.hal = &h->hal.hal, .line_count = 1, .soc_sensor_count = 1,
                            .level_count = 1, .restore_hysteresis = 0.05};
    snprintf(pc.lines[0].name, ILRS_APPS_NAME_MAX, "line.a");
    pc.lines[0].enabled = true;
    pc.lines[0].shed_level = 1;
    snprintf(pc.soc_sensors[0], ILRS_APPS_NAME_MAX, "bat.soc");
    pc.shed_soc[0] = 0.3;
    ilrs_pwr_app_t *pwr = NULL;
    assert_int_equal(ilrs_pwr_app_create(&pc, &pwr), 0);
    ilrs_mode_config_t mc = {.initial = ILRS_MODE_NOMINAL};
    ilrs_mode_app_t *mode = NULL;
    assert_int_equal(ilrs_mode_app_create(&mc, &mode), 0);
    ilrs_sc_config_t scc = {.text = "rts 3\n0 ModeSet SAFE\n"};
    ilrs_sc_app_t *sc = NULL;
    assert_int_equal(ilrs_sc_app_create(&scc, &sc), 0);
    ilrs_hs_config_t hc = {.watch_count = 2, .action_count = 1, .cpu_limit_pct = 1};
    hc.watch[0] = (ilrs_hs_watch_t){.app = "POWER", .max_silent_s = 5, .max_restarts = 1};
    hc.watch[1] = (ilrs_hs_watch_t){.app = "GHOST", .max_silent_s = 5};
    hc.actions[0] = (ilrs_hs_action_t){.app = "POWER", .event_id = PWR_SHED_ERR_EID, .rts = 3};
    ilrs_hs_app_t *hs = NULL;
    assert_int_equal(ilrs_hs_app_create(&hc, &hs), 0);
    ilrs_app_def_t def;
    ilrs_pwr_app_def(pwr, &def);
    assert_int_equal(ilrs_fsw_add_app(h->fsw, &def, NULL), 0);
    ilrs_mode_app_def(mode, &def);
    assert_int_equal(ilrs_fsw_add_app(h->fsw, &def, NULL), 0);
    ilrs_sc_app_def(sc, &def);
    assert_int_equal(ilrs_fsw_add_app(h->fsw, &def, NULL), 0);
    ilrs_hs_app_def(hs, &def);
    assert_int_equal(ilrs_fsw_add_app(h->fsw, &def, NULL), 0);
    assert_int_equal(ilrs_fsw_start(h->fsw), 0);
    harness_run(h, 10);
    assert_int_equal(count_events(h, "HS", HS_NOAPP_ERR_EID), 1);

    /* event-triggered action: POWER's shedding event starts RTS 3 (ModeSet SAFE) */
    h->hal.sen_value[soc] = 0.2;
    harness_run(h, 4);
    assert_int_equal(count_events(h, "HS", HS_ACTION_INF_EID), 1);
    assert_int_equal(ilrs_mode_app_current(mode), ILRS_MODE_SAFE);

    /* watchdog: POWER stops stepping (disabled), HS brings it back */
    ilrs_app_t *papp = ilrs_exec_find_app(ilrs_fsw_exec(h->fsw), "POWER");
    assert_int_equal(ilrs_exec_disable_app(ilrs_fsw_exec(h->fsw), papp), 0);
    harness_run(h, 4);
    assert_int_equal(ilrs_app_get_state(papp), ILRS_APP_DISABLED);
    harness_run(h, 4);
    assert_int_equal(ilrs_app_get_state(papp), ILRS_APP_RUNNING);
    assert_int_equal(count_events(h, "HS", HS_APP_STALL_ERR_EID), 1);
    assert_int_equal(count_events(h, "HS", HS_APP_RESTART_INF_EID), 1);
    ilrs_app_stats_t st;
    ilrs_exec_get_app_stats(papp, &st);
    uint64_t steps = st.steps;
    harness_run(h, 3);
    ilrs_exec_get_app_stats(papp, &st);
    assert_true(st.steps > steps);
    /* a second stall exhausts max_restarts: critical event, no restart */
    assert_int_equal(ilrs_exec_disable_app(ilrs_fsw_exec(h->fsw), papp), 0);
    harness_run(h, 20);
    assert_int_equal(ilrs_app_get_state(papp), ILRS_APP_DISABLED);
    assert_int_equal(count_events(h, "HS", HS_APP_GIVEUP_CRIT_EID), 1);
    ilrs_hs_status_t hs_st;
    ilrs_hs_app_status(hs, &hs_st);
    assert_int_equal(hs_st.restarts, 1);
    assert_int_equal(hs_st.giveups, 1);
    /* virtual time: no CPU figure, no CPU event even with a 1 % limit */
    assert_float_equal(hs_st.cpu_pct, 0.0, 0.0);
    assert_int_equal(count_events(h, "HS", HS_CPU_ERR_EID), 0);
    ilrs_fsw_destroy(h->fsw);
    ilrs_hs_app_destroy(hs);
    ilrs_sc_app_destroy(sc);
    ilrs_mode_app_destroy(mode);
    ilrs_pwr_app_destroy(pwr);
    free(h);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(comm_windows_selection_and_playback),
    cmocka_unit_test(comm_onboard_prediction),
    cmocka_unit_test(comm_relay_orbit_prediction),
    cmocka_unit_test(comm_outage_detected),
    cmocka_unit_test(comm_outage_power_cycles_the_radio_line),
    cmocka_unit_test(comm_telemetry_recorder),
    cmocka_unit_test(comm_next_contact_prediction),
    cmocka_unit_test(hs_watchdog_and_event_action),
};

ILRS_TEST_MAIN(tests)
