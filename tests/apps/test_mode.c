// SPDX-License-Identifier: Apache-2.0
// MODE manager with POWER, THERMAL and PAYLOAD on a flight instance (virtual
// time) against the scripted hal: transitions by command with their entry
// actions carried out by the other apps, automatic POWER_SAFE on a shedding
// event and the return to NOMINAL on the restore, events and telemetry on every
// transition, invalid modes refused by the dictionary.
#include "apps_test.h"

#include "apps/mode/mode_eid.h"

enum { L_AVI, L_COMM, L_PL1, NL };

typedef struct fx {
    harness_t h;
    ilrs_pwr_app_t *pwr;
    ilrs_thm_app_t *thm;
    ilrs_pld_app_t *pld;
    ilrs_mode_app_t *mode;
    int sw[NL], heater, soc, temp, port;
} fx_t;

static fx_t *setup(void)
{
    fx_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    harness_init(&f->h);
    th_t *t = &f->h.hal;
    th_init(t);
    const char *ln[NL] = {"line.avionics", "line.comm", "line.payload1"};
    ilrs_pwr_config_t pc = {.hal = &t->hal, .line_count = NL, .level_count = 2,
                            .restore_hysteresis = 0.05, .persistence = 2};
    for (int i = 0; i < NL; i++) {
        f->sw[i] = th_add_switch(t, ln[i], true);
        snprintf(pc.lines[i].name, ILRS_APPS_NAME_MAX, "%s", ln[i]);
        pc.lines[i].enabled = true;
    }
    pc.lines[L_AVI].survival = true;
    pc.lines[L_COMM].survival = true;
    pc.lines[L_COMM].shed_level = 2;
    pc.lines[L_PL1].shed_level = 1;
    pc.shed_soc[0] = 0.5;
    pc.shed_soc[1] = 0.4;
    f->heater = th_add_switch(t, "heater.bat", false);
    f->soc = th_add_sensor(t, "bat.soc", 0.8);
    snprintf(pc.soc_sensors[0], ILRS_APPS_NAME_MAX, "bat.soc");
    pc.soc_sensor_count = 1;
    f->temp = th_add_sensor(t, "bat.temp", 270.0);
    th_add_zone(t, f->temp, f->heater, 0.01, 0.01);
    f->port = th_add_payload(t, "seismometer", f->sw[L_PL1], 8000);
    assert_int_equal(ilrs_pwr_app_create(&pc, &f->pwr), 0);

    ilrs_thm_config_t tc = {.hal = &t->hal, .zone_count = 1};
    ilrs_thm_zone_config_t z = {.name = "battery", .sensor = "bat.temp", .heater = "heater.bat",
                                .survival = true, .on_k = 278, .off_k = 283,
                                .survival_on_k = 250, .survival_off_k = 255};
    tc.zones[0] = z;
    assert_int_equal(ilrs_thm_app_create(&tc, &f->thm), 0);

    ilrs_pld_config_t lc = {.hal = &t->hal, .payload_count = 1};
    ilrs_pld_manifest_t *m = &lc.payloads[0];
    snprintf(m->id, sizeof m->id, "seismometer");
    snprintf(m->owner, sizeof m->owner, "cnsa");
    snprintf(m->line, sizeof m->line, "line.payload1");
    m->apid = 0x300;
    m->mode_count = 2;
    m->power_w[1] = 2;
    m->science_mode = 1;
    m->duty_cycle = 1;
    m->priority = 1;
    assert_int_equal(ilrs_pld_app_create(&lc, &f->pld), 0);

    ilrs_mode_config_t mc = {.initial = ILRS_MODE_NOMINAL, .power_safe_level = 1,
                             .auto_restore = true, .has_power = true, .has_thermal = true,
                             .has_payload = true};
    mc.entry[ILRS_MODE_NOMINAL] = (ilrs_mode_entry_t){.line_mask = 0x7, .payloads = true};
    mc.entry[ILRS_MODE_POWER_SAFE] = (ilrs_mode_entry_t){.line_mask = 0x3};
    mc.entry[ILRS_MODE_NIGHT_SURVIVAL] = (ilrs_mode_entry_t){.line_mask = 0x7, .survival = true};
    mc.entry[ILRS_MODE_SAFE] = (ilrs_mode_entry_t){.line_mask = 0x1, .survival = true};
    assert_int_equal(ilrs_mode_app_create(&mc, &f->mode), 0);

    ilrs_app_def_t def;
    ilrs_pwr_app_def(f->pwr, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    ilrs_thm_app_def(f->thm, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    ilrs_pld_app_def(f->pld, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    ilrs_mode_app_def(f->mode, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    assert_int_equal(ilrs_fsw_start(f->h.fsw), 0);
    return f;
}

static void teardown(fx_t *f)
{
    ilrs_fsw_destroy(f->h.fsw);
    ilrs_mode_app_destroy(f->mode);
    ilrs_pld_app_destroy(f->pld);
    ilrs_thm_app_destroy(f->thm);
    ilrs_pwr_app_destroy(f->pwr);
    free(f);
}

static void set_mode(fx_t *f, const char *mode)
{
    const char *args[] = {mode};
    assert_int_equal(send_cmd(&f->h, "ModeSet", args, 1), 0);
    harness_run(&f->h, 3); /* MODE, then the apps its actions address */
}

static void transitions_by_command(void **state)
{
    (void)state;
    fx_t *f = setup();
    harness_run(&f->h, 5);
    assert_int_equal(ilrs_mode_app_current(f->mode), ILRS_MODE_NOMINAL);
    assert_int_equal(count_events(&f->h, "MODE", MODE_TRANSITION_INF_EID), 1); /* initial */
    assert_int_equal(f->h.hal.pl[f->port].mode, 1);

    set_mode(f, "NIGHT_SURVIVAL");
    assert_int_equal(ilrs_mode_app_current(f->mode), ILRS_MODE_NIGHT_SURVIVAL);
    ilrs_pwr_status_t ps;
    ilrs_pwr_app_status(f->pwr, &ps);
    assert_true(ps.survival);
    assert_true(ilrs_thm_app_survival(f->thm));
    assert_false(f->h.hal.sw_cmd[f->sw[L_PL1]]); /* not a survival line */
    assert_true(f->h.hal.sw_cmd[f->sw[L_COMM]]);
    assert_int_equal(f->h.hal.pl[f->port].mode, 0);
    assert_non_null(strstr(last_event(&f->h, "MODE", MODE_TRANSITION_INF_EID),
                           "NOMINAL -> NIGHT_SURVIVAL (command)"));

    set_mode(f, "SAFE");
    assert_false(f->h.hal.sw_cmd[f->sw[L_COMM]]);
    assert_true(f->h.hal.sw_cmd[f->sw[L_AVI]]);

    set_mode(f, "NOMINAL");
    harness_run(&f->h, 3);
    ilrs_pwr_app_status(f->pwr, &ps);
    assert_false(ps.survival);
    assert_false(ilrs_thm_app_survival(f->thm));
    for (int i = 0; i < NL; i++) {
        assert_true(f->h.hal.sw_cmd[f->sw[i]]);
    }
    assert_int_equal(f->h.hal.pl[f->port].mode, 1);
    assert_int_equal(ilrs_mode_app_transitions(f->mode), 3);
    set_mode(f, "NOMINAL");
    assert_int_equal(count_events(&f->h, "MODE", MODE_REENTER_INF_EID), 1);
    assert_int_equal(ilrs_mode_app_transitions(f->mode), 3);
    assert_int_equal(count_events(&f->h, "MODE", MODE_ACTION_ERR_EID), 0);

    /* A mode outside the enumeration is refused by the dictionary. */
    const ilrs_dict_command_t *c =
        ilrs_dict_find_command_by_name(ilrs_fsw_dict(f->h.fsw), "ModeSet");
    uint8_t raw[32];
    size_t len = 0;
    const char *nominal[] = {"NOMINAL"};
    assert_int_equal(ilrs_dict_build_command(c, nominal, 1, raw, sizeof raw, &len, NULL, 0), 0);
    raw[c->args[0].offset] = 7;
    ilrs_ccsds_cmd_seal(raw, len);
    assert_int_equal(ilrs_fsw_command(f->h.fsw, raw, len), ILRS_EFSW_ARG);

    /* Telemetry: the MODE HK packet carries the mode. */
    const ilrs_dict_packet_t *hk = ilrs_dict_find_packet_by_name(ilrs_fsw_dict(f->h.fsw), "MODE_HK");
    assert_non_null(hk);
    assert_non_null(ilrs_dict_find_field(hk, "mode"));
    assert_non_null(ilrs_dict_find_field(hk, "transitions"));
    teardown(f);
}

static void automatic_power_safe_and_restore(void **state)
{
    (void)state;
    fx_t *f = setup();
    harness_run(&f->h, 5);
    f->h.hal.sen_value[f->soc] = 0.45; /* below 0.5: POWER sheds level 1 */
    harness_run(&f->h, 6);
    ilrs_pwr_status_t ps;
    ilrs_pwr_app_status(f->pwr, &ps);
    assert_int_equal(ps.shed_level, 1);
    assert_int_equal(ilrs_mode_app_current(f->mode), ILRS_MODE_POWER_SAFE);
    assert_non_null(strstr(last_event(&f->h, "MODE", MODE_TRANSITION_INF_EID),
                           "NOMINAL -> POWER_SAFE (power event)"));
    assert_int_equal(f->h.hal.pl[f->port].mode, 0);
    /* recovery above 0.55: level 0, back to NOMINAL, payload line and hosting back */
    f->h.hal.sen_value[f->soc] = 0.6;
    harness_run(&f->h, 8);
    assert_int_equal(ilrs_mode_app_current(f->mode), ILRS_MODE_NOMINAL);
    harness_run(&f->h, 3);
    assert_true(f->h.hal.sw_cmd[f->sw[L_PL1]]);
    assert_int_equal(f->h.hal.pl[f->port].mode, 1);
    assert_int_equal(ilrs_mode_app_transitions(f->mode), 2);
    teardown(f);
}

/* With POWER's events filtered out, MODE follows POWER_HK's shed_level. */
static void power_safe_from_housekeeping(void **state)
{
    (void)state;
    fx_t *f = setup();
    harness_run(&f->h, 5);
    ilrs_evs_t *evs = ilrs_fsw_evs(f->h.fsw);
    assert_int_equal(ilrs_evs_set_severity_enabled(evs, ILRS_EVENT_ERROR, false), 0);
    assert_int_equal(ilrs_evs_set_severity_enabled(evs, ILRS_EVENT_INFO, false), 0);
    f->h.hal.sen_value[f->soc] = 0.45;
    harness_run(&f->h, 8);
    assert_int_equal(ilrs_mode_app_current(f->mode), ILRS_MODE_POWER_SAFE);
    f->h.hal.sen_value[f->soc] = 0.6;
    harness_run(&f->h, 8);
    assert_int_equal(ilrs_mode_app_current(f->mode), ILRS_MODE_NOMINAL);
    assert_int_equal(ilrs_mode_app_transitions(f->mode), 2);
    assert_int_equal(count_events(&f->h, "POWER", 10), 0); /* really filtered */
    teardown(f);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(power_safe_from_housekeeping),
    cmocka_unit_test(transitions_by_command),
    cmocka_unit_test(automatic_power_safe_and_restore),
};

ILRS_TEST_MAIN(tests)
