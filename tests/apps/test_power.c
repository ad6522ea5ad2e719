// SPDX-License-Identifier: Apache-2.0
// POWER app on a flight instance (virtual time) against the scripted hal: the
// shedding order as the SOC falls, restore with hysteresis as it rises, night
// survival, commands and their rejections, power cycles and line trips.
#include "apps_test.h"

#include "apps/power/power_eid.h"

enum { L_AVI, L_COMM, L_PL1, L_PL2, L_ISRU, NLINES };

typedef struct pwr_fixture {
    harness_t h;
    ilrs_pwr_app_t *pwr;
    int soc, sw[NLINES];
} pwr_fixture_t;

static void line(ilrs_pwr_config_t *c, const char *name, uint8_t shed, bool survival)
{
    ilrs_pwr_line_config_t *l = &c->lines[c->line_count++];
    snprintf(l->name, sizeof l->name, "%s", name);
    l->shed_level = shed;
    l->survival = survival;
    l->enabled = true;
}

static pwr_fixture_t *setup(void)
{
    pwr_fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    harness_init(&f->h);
    th_t *t = &f->h.hal;
    th_init(t);
    const char *names[NLINES] = {"line.avionics", "line.comm", "line.payload1", "line.payload2",
                                 "line.isru"};
    for (int i = 0; i < NLINES; i++) {
        f->sw[i] = th_add_switch(t, names[i], false);
    }
    th_add_switch(t, "charge", true);
    f->soc = th_add_sensor(t, "bat1.soc", 0.70);
    th_add_sensor(t, "array1.power", 300.0);
    th_add_sensor(t, "bus.voltage", 28.0);
    th_add_sensor(t, "line.avionics.current", 2.0);

    ilrs_pwr_config_t c = {.hal = &t->hal};
    snprintf(c.soc_sensors[0], ILRS_APPS_NAME_MAX, "bat1.soc");
    c.soc_sensor_count = 1;
    snprintf(c.source_sensors[0], ILRS_APPS_NAME_MAX, "array1.power");
    c.source_sensor_count = 1;
    snprintf(c.bus_voltage_sensor, ILRS_APPS_NAME_MAX, "bus.voltage");
    snprintf(c.charge_switch, ILRS_APPS_NAME_MAX, "charge");
    line(&c, "line.avionics", 0, true);
    snprintf(c.lines[0].current_sensor, ILRS_APPS_NAME_MAX, "line.avionics.current");
    line(&c, "line.comm", 3, true);
    line(&c, "line.payload1", 2, false);
    line(&c, "line.payload2", 1, false);
    line(&c, "line.isru", 1, false);
    c.shed_soc[0] = 0.50;
    c.shed_soc[1] = 0.40;
    c.shed_soc[2] = 0.30;
    c.level_count = 3;
    c.restore_hysteresis = 0.05;
    c.persistence = 3;
    c.soc_max = 0.90;
    c.charge_hysteresis = 0.05;
    assert_int_equal(ilrs_pwr_app_create(&c, &f->pwr), 0);
    ilrs_app_def_t def;
    ilrs_pwr_app_def(f->pwr, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    assert_int_equal(ilrs_fsw_start(f->h.fsw), 0);
    return f;
}

static void teardown(pwr_fixture_t *f)
{
    ilrs_fsw_destroy(f->h.fsw);
    ilrs_pwr_app_destroy(f->pwr);
    free(f);
}

static bool on(pwr_fixture_t *f, int line_index)
{
    return f->h.hal.sw_cmd[f->sw[line_index]];
}

static void set_soc(pwr_fixture_t *f, double soc)
{
    f->h.hal.sen_value[f->soc] = soc;
}

static void shed_order_and_restore_with_hysteresis(void **state)
{
    (void)state;
    pwr_fixture_t *f = setup();
    ilrs_pwr_status_t s;
    harness_run(&f->h, 5);
    for (int i = 0; i < NLINES; i++) {
        assert_true(on(f, i));
    }
    ilrs_pwr_app_status(f->pwr, &s);
    assert_int_equal(s.shed_level, 0);
    assert_float_equal(s.power_in_w, 300.0, 1e-9);
    assert_float_equal(s.power_out_w, 56.0, 1e-9);

    /* Below 0.50 for fewer samples than the persistence: nothing happens. */
    set_soc(f, 0.45);
    harness_run(&f->h, 2);
    ilrs_pwr_app_status(f->pwr, &s);
    assert_int_equal(s.shed_level, 0);
    /* Persistence reached: level 1 sheds payload2 and isru only. */
    harness_run(&f->h, 2);
    ilrs_pwr_app_status(f->pwr, &s);
    assert_int_equal(s.shed_level, 1);
    assert_true(on(f, L_AVI) && on(f, L_COMM) && on(f, L_PL1));
    assert_false(on(f, L_PL2) || on(f, L_ISRU));
    assert_non_null(strstr(last_event(&f->h, "POWER", PWR_SHED_ERR_EID), "line.payload2 line.isru"));

    /* Between the threshold and threshold + hysteresis: stays shed. */
    set_soc(f, 0.53);
    harness_run(&f->h, 10);
    ilrs_pwr_app_status(f->pwr, &s);
    assert_int_equal(s.shed_level, 1);
    assert_false(on(f, L_PL2));
    /* Above 0.55: restored. */
    set_soc(f, 0.56);
    harness_run(&f->h, 4);
    ilrs_pwr_app_status(f->pwr, &s);
    assert_int_equal(s.shed_level, 0);
    assert_true(on(f, L_PL2) && on(f, L_ISRU));

    /* A deep fall sheds level by level, in order, never the survival-critical avionics. */
    set_soc(f, 0.20);
    harness_run(&f->h, 4);
    ilrs_pwr_app_status(f->pwr, &s);
    assert_int_equal(s.shed_level, 1);
    assert_true(on(f, L_PL1));
    harness_run(&f->h, 3);
    ilrs_pwr_app_status(f->pwr, &s);
    assert_int_equal(s.shed_level, 2);
    assert_false(on(f, L_PL1));
    assert_true(on(f, L_COMM));
    harness_run(&f->h, 3);
    ilrs_pwr_app_status(f->pwr, &s);
    assert_int_equal(s.shed_level, 3);
    assert_false(on(f, L_COMM));
    assert_true(on(f, L_AVI));
    harness_run(&f->h, 10);
    ilrs_pwr_app_status(f->pwr, &s);
    assert_int_equal(s.shed_level, 3); /* no level beyond the configured ones */
    assert_int_equal(count_events(&f->h, "POWER", PWR_SHED_ERR_EID), 4);

    /* Rising: 0.33 is above 0.30 but not above 0.35: still level 3; 0.36 leaves it
     * and restores comm only; 0.47 (above 0.45) restores payload1. */
    set_soc(f, 0.33);
    harness_run(&f->h, 6);
    ilrs_pwr_app_status(f->pwr, &s);
    assert_int_equal(s.shed_level, 3);
    set_soc(f, 0.36);
    harness_run(&f->h, 10);
    ilrs_pwr_app_status(f->pwr, &s);
    assert_int_equal(s.shed_level, 2);
    assert_true(on(f, L_COMM));
    assert_false(on(f, L_PL1));
    set_soc(f, 0.47);
    harness_run(&f->h, 10);
    ilrs_pwr_app_status(f->pwr, &s);
    assert_int_equal(s.shed_level, 1);
    assert_true(on(f, L_PL1));
    assert_false(on(f, L_PL2));
    assert_int_equal(s.restores, 3);

    /* The HK packet carries the level. */
    ilrs_app_t *app = ilrs_exec_find_app(ilrs_fsw_exec(f->h.fsw), "POWER");
    const ilrs_dict_packet_t *hk = ilrs_app_hk_packet(app);
    assert_non_null(hk);
    assert_non_null(ilrs_dict_find_field(hk, "shed_level"));
    assert_non_null(ilrs_dict_find_field(hk, "st_line_payload1"));
    teardown(f);
}

static void survival_commands_and_rejections(void **state)
{
    (void)state;
    pwr_fixture_t *f = setup();
    harness_run(&f->h, 2);
    const char *surv_on[] = {"true"};
    assert_int_equal(send_cmd(&f->h, "PwrSetSurvival", surv_on, 1), 0);
    harness_run(&f->h, 2);
    assert_true(on(f, L_AVI) && on(f, L_COMM));
    assert_false(on(f, L_PL1) || on(f, L_PL2) || on(f, L_ISRU));
    const char *surv_off[] = {"false"};
    assert_int_equal(send_cmd(&f->h, "PwrSetSurvival", surv_off, 1), 0);
    harness_run(&f->h, 2);
    assert_true(on(f, L_PL1) && on(f, L_PL2) && on(f, L_ISRU));

    /* SetLoadLine: known line off, unknown line refused by the handler. */
    const char *isru_off[] = {"line.isru", "false"};
    assert_int_equal(send_cmd(&f->h, "PwrSetLoadLine", isru_off, 2), 0);
    const char *ghost[] = {"line.ghost", "true"};
    assert_int_equal(send_cmd(&f->h, "PwrSetLoadLine", ghost, 2), 0);
    harness_run(&f->h, 2);
    assert_false(on(f, L_ISRU));
    ilrs_fsw_cmd_stats_t cs;
    ilrs_fsw_get_cmd_stats(f->h.fsw, &cs);
    assert_int_equal(cs.handler_rejected, 1);
    assert_int_equal(count_events(&f->h, "POWER", PWR_LINE_ERR_EID), 1);

    /* Thresholds: out of range caught by the dictionary, not descending by the app. */
    const char *range[] = {"1.5", "0.4", "0.3", "0.2", "0.05"};
    assert_int_equal(send_cmd(&f->h, "PwrSetShedThresholds", range, 5), ILRS_EFSW_ARG);
    const char *order[] = {"0.3", "0.4", "0.2", "0.1", "0.05"};
    assert_int_equal(send_cmd(&f->h, "PwrSetShedThresholds", order, 5), 0);
    const char *good[] = {"0.6", "0.4", "0.2", "0.1", "0.02"};
    assert_int_equal(send_cmd(&f->h, "PwrSetShedThresholds", good, 5), 0);
    harness_run(&f->h, 4);
    assert_int_equal(count_events(&f->h, "POWER", PWR_THRESH_ERR_EID), 1);
    ilrs_pwr_status_t s;
    ilrs_pwr_app_status(f->pwr, &s);
    assert_int_equal(s.shed_level, 0);
    set_soc(f, 0.58); /* below the new 0.6 */
    harness_run(&f->h, 4);
    ilrs_pwr_app_status(f->pwr, &s);
    assert_int_equal(s.shed_level, 1);

    /* Mask: exactly avionics and comm. */
    const char *mask[] = {"3"};
    assert_int_equal(send_cmd(&f->h, "PwrSetLoadMask", mask, 1), 0);
    harness_run(&f->h, 2);
    assert_true(on(f, L_AVI) && on(f, L_COMM));
    assert_false(on(f, L_PL1));
    teardown(f);
}

static void cycle_trip_and_charge(void **state)
{
    (void)state;
    pwr_fixture_t *f = setup();
    harness_run(&f->h, 2);
    uint32_t sets = f->h.hal.sw_sets[f->sw[L_PL1]];
    const char *cyc[] = {"line.payload1", "5"};
    assert_int_equal(send_cmd(&f->h, "PwrCycleLine", cyc, 2), 0);
    harness_run(&f->h, 2);
    assert_false(on(f, L_PL1));
    harness_run(&f->h, 6);
    assert_true(on(f, L_PL1));
    assert_int_equal(f->h.hal.sw_sets[f->sw[L_PL1]], sets + 2);

    /* A trip is reported once and the line is not re-commanded by itself. */
    f->h.hal.sw_tripped[f->sw[L_PL2]] = true;
    harness_run(&f->h, 5);
    ilrs_pwr_status_t s;
    ilrs_pwr_app_status(f->pwr, &s);
    assert_int_equal(s.trips, 1);
    assert_true(s.line_tripped_mask & (1u << L_PL2));
    assert_int_equal(count_events(&f->h, "POWER", PWR_TRIP_ERR_EID), 1);
    /* A power cycle clears it. */
    const char *cyc2[] = {"line.payload2", "1"};
    assert_int_equal(send_cmd(&f->h, "PwrCycleLine", cyc2, 2), 0);
    harness_run(&f->h, 4);
    ilrs_pwr_app_status(f->pwr, &s);
    assert_int_equal(s.line_tripped_mask, 0);

    /* Charge control: off at 0.90, back on below 0.85. */
    int charge = 5;
    set_soc(f, 0.91);
    harness_run(&f->h, 2);
    assert_false(f->h.hal.sw_cmd[charge]);
    set_soc(f, 0.87);
    harness_run(&f->h, 2);
    assert_false(f->h.hal.sw_cmd[charge]);
    set_soc(f, 0.84);
    harness_run(&f->h, 2);
    assert_true(f->h.hal.sw_cmd[charge]);
    assert_int_equal(count_events(&f->h, "POWER", PWR_CHARGE_INF_EID), 2);

    /* Gauge failure: shedding freezes, one event. */
    f->h.hal.sen_valid[f->soc] = false;
    harness_run(&f->h, 5);
    assert_int_equal(count_events(&f->h, "POWER", PWR_SOC_ERR_EID), 1);
    teardown(f);
}

static void bad_configuration(void **state)
{
    (void)state;
    th_t t;
    th_init(&t);
    ilrs_pwr_config_t c = {.hal = &t.hal, .level_count = 2, .restore_hysteresis = 0.05};
    c.shed_soc[0] = 0.3;
    c.shed_soc[1] = 0.4; /* not descending */
    ilrs_pwr_app_t *a = (ilrs_pwr_app_t *)&c;
    assert_int_equal(ilrs_pwr_app_create(&c, &a), ILRS_EINVAL);
    assert_null(a);
    c.shed_soc[1] = 0.2;
    c.restore_hysteresis = 0;
    assert_int_equal(ilrs_pwr_app_create(&c, &a), ILRS_EINVAL);
    c.restore_hysteresis = 0.05;
    c.line_count = 1;
    snprintf(c.lines[0].name, ILRS_APPS_NAME_MAX, "x");
    c.lines[0].shed_level = 3; /* above level_count */
    assert_int_equal(ilrs_pwr_app_create(&c, &a), ILRS_EINVAL);
    c.lines[0].shed_level = 1;
    assert_int_equal(ilrs_pwr_app_create(&c, &a), 0);
    ilrs_pwr_app_destroy(a);

    /* A line the hal does not have: init fails with an event naming it. */
    harness_t h;
    harness_init(&h);
    th_init(&h.hal);
    c.hal = &h.hal.hal;
    assert_int_equal(ilrs_pwr_app_create(&c, &a), 0);
    ilrs_app_def_t def;
    ilrs_pwr_app_def(a, &def);
    assert_int_equal(ilrs_fsw_add_app(h.fsw, &def, NULL), 0);
    assert_int_equal(ilrs_fsw_start(h.fsw), 0);
    assert_non_null(strstr(last_event(&h, "POWER", PWR_HAL_ERR_EID), "'x'"));
    ilrs_fsw_destroy(h.fsw);
    ilrs_pwr_app_destroy(a);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(shed_order_and_restore_with_hysteresis),
    cmocka_unit_test(survival_commands_and_rejections),
    cmocka_unit_test(cycle_trip_and_charge),
    cmocka_unit_test(bad_configuration),
};

ILRS_TEST_MAIN(tests)
