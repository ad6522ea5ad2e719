// SPDX-License-Identifier: Apache-2.0
// THERMAL app on a flight instance (virtual time) against the scripted hal's
// zone model: thermostat cycling inside the set-point band, survival set points,
// heater failure detection and reset, set points loaded through the table.
#include "apps_test.h"

#include "apps/thermal/thermal_eid.h"

typedef struct fx {
    harness_t h;
    ilrs_thm_app_t *thm;
    int bat_t, avi_t, bat_h, avi_h;
} fx_t;

static fx_t *setup(void)
{
    fx_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    harness_init(&f->h);
    th_t *t = &f->h.hal;
    th_init(t);
    f->bat_h = th_add_switch(t, "heater.bat", true);
    f->avi_h = th_add_switch(t, "heater.avionics", false);
    f->bat_t = th_add_sensor(t, "battery.temp", 285.0);
    f->avi_t = th_add_sensor(t, "avionics.temp", 290.0);
    th_add_zone(t, f->bat_t, f->bat_h, 0.02, 0.01);
    th_add_zone(t, f->avi_t, f->avi_h, 0.02, 0.01);
    ilrs_thm_config_t c = {.hal = &t->hal, .zone_count = 2, .fail_window_s = 600,
                           .fail_min_rise_k = 0.5};
    ilrs_thm_zone_config_t z0 = {.name = "battery", .sensor = "battery.temp",
                                 .heater = "heater.bat", .survival = true, .on_k = 278,
                                 .off_k = 283, .survival_on_k = 263, .survival_off_k = 268};
    ilrs_thm_zone_config_t z1 = {.name = "avionics", .sensor = "avionics.temp",
                                 .heater = "heater.avionics", .on_k = 283, .off_k = 288,
                                 .survival_on_k = 250, .survival_off_k = 255};
    c.zones[0] = z0;
    c.zones[1] = z1;
    assert_int_equal(ilrs_thm_app_create(&c, &f->thm), 0);
    ilrs_app_def_t def;
    ilrs_thm_app_def(f->thm, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    assert_int_equal(ilrs_fsw_start(f->h.fsw), 0);
    return f;
}

static void teardown(fx_t *f)
{
    ilrs_fsw_destroy(f->h.fsw);
    ilrs_thm_app_destroy(f->thm);
    free(f);
}

/* Track the extremes of a zone over a run, second by second. */
static void run_tracking(fx_t *f, int sensor, double seconds, double *lo, double *hi)
{
    *lo = 1e9;
    *hi = -1e9;
    for (int s = 0; s < (int)seconds; s++) {
        harness_run(&f->h, 1);
        double v = f->h.hal.sen_value[sensor];
        *lo = v < *lo ? v : *lo;
        *hi = v > *hi ? v : *hi;
    }
}

static void thermostat_cycling(void **state)
{
    (void)state;
    fx_t *f = setup();
    assert_false(f->h.hal.sw_cmd[f->bat_h]); /* init starts from every heater off */
    harness_run(&f->h, 3600); /* settle into the band */
    double lo, hi;
    ilrs_thm_zone_status_t z;
    assert_int_equal(ilrs_thm_app_zone(f->thm, 0, &z), 0);
    uint32_t cycles0 = z.cycles;
    run_tracking(f, f->bat_t, 4 * 3600, &lo, &hi);
    /* the band is [278, 283] K; one 1 s step of overshoot at 0.02 K/s at most */
    assert_true(lo >= 278.0 - 0.03 && lo < 278.5);
    assert_true(hi <= 283.0 + 0.03 && hi > 282.5);
    assert_int_equal(ilrs_thm_app_zone(f->thm, 0, &z), 0);
    /* 5 K band: 250 s heating at 0.02 K/s + 500 s cooling at 0.01 K/s per cycle:
     * 14400 s / 750 s = 19.2 cycles in 4 h */
    assert_true(z.cycles - cycles0 >= 18 && z.cycles - cycles0 <= 20);
    assert_false(z.failed);
    assert_int_equal(count_events(&f->h, "THERMAL", THM_HEATER_FAIL_ERR_EID), 0);
    run_tracking(f, f->avi_t, 3600, &lo, &hi);
    assert_true(lo >= 283.0 - 0.03 && hi <= 288.0 + 0.03);

    /* Survival: the avionics heater goes off, the battery follows the survival band. */
    const char *on[] = {"true"};
    assert_int_equal(send_cmd(&f->h, "ThmSetSurvival", on, 1), 0);
    harness_run(&f->h, 3 * 3600);
    run_tracking(f, f->bat_t, 3 * 3600, &lo, &hi);
    assert_true(lo >= 263.0 - 0.03 && hi <= 268.0 + 0.03);
    assert_false(f->h.hal.sw_cmd[f->avi_h]);
    assert_true(f->h.hal.sen_value[f->avi_t] < 250.0); /* never heated in survival */
    assert_true(ilrs_thm_app_survival(f->thm));

    /* New set points through the table service. */
    const char *off[] = {"false"};
    assert_int_equal(send_cmd(&f->h, "ThmSetSurvival", off, 1), 0);
    ilrs_tbl_t *tbl = ilrs_tbl_find(ilrs_fsw_tables(f->h.fsw), "THM_SETPOINTS");
    assert_non_null(tbl);
    char text[4096];
    size_t len = 0;
    assert_int_equal(ilrs_tbl_dump_text(tbl, text, sizeof text, &len), 0);
    char *p = strstr(text, "on_k = 278");
    assert_non_null(p);
    const char *bad = "table = THM_SETPOINTS\n"
                      "on_k = 290, 283, 0,0,0,0,0,0,0,0,0,0,0,0,0,0\n"
                      "off_k = 285, 288, 1,1,1,1,1,1,1,1,1,1,1,1,1,1\n"
                      "survival_on_k = 263, 250, 0,0,0,0,0,0,0,0,0,0,0,0,0,0\n"
                      "survival_off_k = 268, 255, 1,1,1,1,1,1,1,1,1,1,1,1,1,1\n";
    ilrs_tbl_error_t err;
    assert_int_equal(ilrs_tbl_load_text(tbl, bad, strlen(bad), "test", &err), ILRS_EFSW_TABLE);
    const char *good = "table = THM_SETPOINTS\n"
                       "on_k = 290, 283, 0,0,0,0,0,0,0,0,0,0,0,0,0,0\n"
                       "off_k = 295, 288, 1,1,1,1,1,1,1,1,1,1,1,1,1,1\n"
                       "survival_on_k = 263, 250, 0,0,0,0,0,0,0,0,0,0,0,0,0,0\n"
                       "survival_off_k = 268, 255, 1,1,1,1,1,1,1,1,1,1,1,1,1,1\n";
    assert_int_equal(ilrs_tbl_load_text(tbl, good, strlen(good), "test", &err), 0);
    assert_int_equal(ilrs_tbl_commit(tbl), 0);
    harness_run(&f->h, 3 * 3600);
    run_tracking(f, f->bat_t, 2 * 3600, &lo, &hi);
    assert_true(lo >= 290.0 - 0.03 && hi <= 295.0 + 0.03);
    assert_int_equal(count_events(&f->h, "THERMAL", THM_TABLE_INF_EID), 1);
    teardown(f);
}

static void heater_failure_detected(void **state)
{
    (void)state;
    fx_t *f = setup();
    harness_run(&f->h, 1800);
    f->h.hal.zones[0].heater_failed = true; /* relay reads on, element open */
    harness_run(&f->h, 3000);
    ilrs_thm_zone_status_t z;
    assert_int_equal(ilrs_thm_app_zone(f->thm, 0, &z), 0);
    assert_true(z.failed);
    assert_false(z.heater_on);
    assert_false(f->h.hal.sw_cmd[f->bat_h]);
    assert_int_equal(count_events(&f->h, "THERMAL", THM_HEATER_FAIL_ERR_EID), 1);
    assert_non_null(strstr(last_event(&f->h, "THERMAL", THM_HEATER_FAIL_ERR_EID), "battery"));
    /* the healthy zone is unaffected */
    assert_int_equal(ilrs_thm_app_zone(f->thm, 1, &z), 0);
    assert_false(z.failed);

    /* Unknown zone refused; reset of the repaired heater returns it to service. */
    const char *ghost[] = {"ghost"};
    assert_int_equal(send_cmd(&f->h, "ThmResetHeater", ghost, 1), 0);
    f->h.hal.zones[0].heater_failed = false;
    const char *bat[] = {"battery"};
    assert_int_equal(send_cmd(&f->h, "ThmResetHeater", bat, 1), 0);
    harness_run(&f->h, 2);
    assert_int_equal(count_events(&f->h, "THERMAL", THM_ZONE_ERR_EID), 1);
    harness_run(&f->h, 3600);
    assert_int_equal(ilrs_thm_app_zone(f->thm, 0, &z), 0);
    assert_false(z.failed);
    assert_true(f->h.hal.sen_value[f->bat_t] > 277.9);

    /* Invalid sensor: heater off, one event. */
    f->h.hal.sen_valid[f->avi_t] = false;
    harness_run(&f->h, 10);
    assert_false(f->h.hal.sw_cmd[f->avi_h]);
    assert_int_equal(count_events(&f->h, "THERMAL", THM_SENSOR_ERR_EID), 1);
    teardown(f);
}

/* A working heater too small to hold its zone (the zone keeps cooling, only
 * slower) is not a failed heater: the trend check compares with the cooling rate
 * before switch-on. */
static void undersized_heater_not_flagged(void **state)
{
    (void)state;
    fx_t *f = setup();
    f->h.hal.sen_value[f->bat_t] = 300.0; /* a long cool-down: the baseline */
    f->h.hal.zones[0].heat_k_s = -0.004;  /* on: cools at 0.004 K/s instead of 0.01 */
    harness_run(&f->h, 6 * 3600);
    ilrs_thm_zone_status_t z;
    assert_int_equal(ilrs_thm_app_zone(f->thm, 0, &z), 0);
    assert_true(z.heater_on);
    assert_false(z.failed);
    assert_true(f->h.hal.sen_value[f->bat_t] < 278.0 - 50.0); /* really undersized */
    assert_int_equal(count_events(&f->h, "THERMAL", THM_HEATER_FAIL_ERR_EID), 0);
    /* the same zone with an open element: no change of the trend -> failed */
    f->h.hal.zones[0].heater_failed = true;
    harness_run(&f->h, 2 * 600 + 10);
    assert_int_equal(ilrs_thm_app_zone(f->thm, 0, &z), 0);
    assert_true(z.failed);
    assert_non_null(strstr(last_event(&f->h, "THERMAL", THM_HEATER_FAIL_ERR_EID), "trend"));
    teardown(f);
}

/* Step the harness second by second, the heater current sense following the
 * switch and the element (0.9 A when drawing, 0 when open or off). */
static void run_with_current(fx_t *f, int cur, int seconds)
{
    for (int s = 0; s < seconds; s++) {
        const th_zone_t *z = &f->h.hal.zones[0];
        f->h.hal.sen_value[cur] = f->h.hal.sw_cmd[f->bat_h] && !z->heater_failed ? 0.9 : 0.0;
        harness_run(&f->h, 1);
    }
}

/* With a current sense on the heater output an open element is found within
 * seconds of switching on, and an undersized heater that draws is never failed. */
static fx_t *current_fixture(double start_k, double heat_k_s, double cool_k_s, int *cur)
{
    fx_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    harness_init(&f->h);
    th_t *t = &f->h.hal;
    th_init(t);
    f->bat_h = th_add_switch(t, "heater.bat", false);
    f->bat_t = th_add_sensor(t, "battery.temp", start_k);
    *cur = th_add_sensor(t, "heater.bat.current", 0.0);
    th_add_zone(t, f->bat_t, f->bat_h, heat_k_s, cool_k_s);
    ilrs_thm_config_t c = {.hal = &t->hal, .zone_count = 1};
    ilrs_thm_zone_config_t z0 = {.name = "battery", .sensor = "battery.temp",
                                 .heater = "heater.bat", .on_k = 278, .off_k = 283,
                                 .survival_on_k = 263, .survival_off_k = 268};
    c.zones[0] = z0;
    assert_int_equal(ilrs_thm_app_create(&c, &f->thm), 0);
    ilrs_app_def_t def;
    ilrs_thm_app_def(f->thm, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    assert_int_equal(ilrs_fsw_start(f->h.fsw), 0);
    return f;
}

static void open_heater_from_current(void **state)
{
    (void)state;
    int cur;
    fx_t *f = current_fixture(279.0, -0.002, 0.01, &cur); /* undersized */
    th_t *t = &f->h.hal;
    run_with_current(f, cur, 12 * 3600);
    ilrs_thm_zone_status_t z;
    assert_int_equal(ilrs_thm_app_zone(f->thm, 0, &z), 0);
    assert_true(z.heater_on);
    assert_false(z.failed);
    assert_true(t->sen_value[f->bat_t] < 278.0 - 50.0);
    t->zones[0].heater_failed = true;
    run_with_current(f, cur, 30);
    assert_int_equal(ilrs_thm_app_zone(f->thm, 0, &z), 0);
    assert_true(z.failed);
    assert_false(t->sw_cmd[f->bat_h]);
    const char *ev = last_event(&f->h, "THERMAL", THM_HEATER_FAIL_ERR_EID);
    assert_non_null(strstr(ev, "heater.bat"));
    assert_non_null(strstr(ev, "open element"));
    teardown(f);
}

/* A sensor that repeats one value (the scripted zone model changes it every
 * second, as noise does on the twin) is declared stuck: one event naming the
 * zone and sensor, the heater runs open loop at its learnt duty cycle, and the
 * zone is restored when the sensor moves again. */
static void stuck_sensor_detected(void **state)
{
    (void)state;
    fx_t *f = setup();
    harness_run(&f->h, 4 * 3600); /* thermostat cycling: duty about 1/3 */
    /* stick the battery sensor: the zone model no longer moves its reading */
    th_zone_t keep = f->h.hal.zones[0];
    f->h.hal.zones[0].heat_k_s = f->h.hal.zones[0].cool_k_s = 0.0;
    uint32_t on_s = 0;
    for (int s = 0; s < 2 * 3600; s++) {
        harness_run(&f->h, 1);
        on_s += f->h.hal.sw_cmd[f->bat_h] ? 1u : 0u;
    }
    f->h.hal.zones[0] = keep;
    assert_int_equal(count_events(&f->h, "THERMAL", THM_SENSOR_STUCK_ERR_EID), 1);
    const char *ev = last_event(&f->h, "THERMAL", THM_SENSOR_STUCK_ERR_EID);
    assert_non_null(strstr(ev, "battery.temp"));
    assert_non_null(strstr(ev, "stuck"));
    ilrs_thm_zone_status_t z;
    assert_int_equal(ilrs_thm_app_zone(f->thm, 0, &z), 0);
    assert_false(z.sensor_valid);
    assert_false(z.failed); /* a stuck sensor is not a heater failure */
    /* open loop near the learnt duty (250 s on per 750 s cycle = 1/3) */
    assert_true(on_s > 0.25 * 2 * 3600 && on_s < 0.42 * 2 * 3600);
    /* the healthy zone keeps its thermostat */
    assert_int_equal(ilrs_thm_app_zone(f->thm, 1, &z), 0);
    assert_true(z.sensor_valid);
    /* moving again: restored, thermostat resumed */
    harness_run(&f->h, 600);
    assert_int_equal(count_events(&f->h, "THERMAL", THM_SENSOR_OK_INF_EID), 1);
    assert_int_equal(ilrs_thm_app_zone(f->thm, 0, &z), 0);
    assert_true(z.sensor_valid);
    assert_int_equal(count_events(&f->h, "THERMAL", THM_SENSOR_STUCK_ERR_EID), 1);
    teardown(f);
}

/* A heater the thermostat never needs is pulsed once a day (functional test):
 * a healthy one passes, a latent open element is found. */
static void idle_heater_checkout(void **state)
{
    (void)state;
    int cur;
    fx_t *f = current_fixture(320.0, 0.001, 0.0001, &cur); /* warm: never needs heat */
    run_with_current(f, cur, 2 * 86400 + 60);
    ilrs_thm_zone_status_t z;
    assert_int_equal(ilrs_thm_app_zone(f->thm, 0, &z), 0);
    assert_int_equal(z.cycles, 2); /* one pulse a day */
    assert_false(z.heater_on);
    assert_false(z.failed);
    f->h.hal.zones[0].heater_failed = true;
    run_with_current(f, cur, 86400 + 60);
    assert_int_equal(ilrs_thm_app_zone(f->thm, 0, &z), 0);
    assert_true(z.failed);
    assert_int_equal(count_events(&f->h, "THERMAL", THM_HEATER_FAIL_ERR_EID), 1);
    teardown(f);
}

static void bad_configuration(void **state)
{
    (void)state;
    th_t t;
    th_init(&t);
    ilrs_thm_config_t c = {.hal = &t.hal, .zone_count = 1};
    ilrs_thm_zone_config_t z = {.name = "bat", .sensor = "s", .heater = "h", .on_k = 290,
                                .off_k = 280, .survival_on_k = 1, .survival_off_k = 2};
    c.zones[0] = z;
    ilrs_thm_app_t *a = NULL;
    assert_int_equal(ilrs_thm_app_create(&c, &a), ILRS_EINVAL); /* on above off */
    c.zones[0].off_k = 295;
    snprintf(c.zones[0].name, ILRS_APPS_NAME_MAX, "9bad");
    assert_int_equal(ilrs_thm_app_create(&c, &a), ILRS_EINVAL);
    snprintf(c.zones[0].name, ILRS_APPS_NAME_MAX, "bat");
    c.zone_count = 0;
    assert_int_equal(ilrs_thm_app_create(&c, &a), ILRS_EINVAL);
    c.zone_count = 1;
    assert_int_equal(ilrs_thm_app_create(&c, &a), 0);
    ilrs_thm_app_destroy(a);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(thermostat_cycling),
    cmocka_unit_test(heater_failure_detected),
    cmocka_unit_test(undersized_heater_not_flagged),
    cmocka_unit_test(open_heater_from_current),
    cmocka_unit_test(stuck_sensor_detected),
    cmocka_unit_test(idle_heater_checkout),
    cmocka_unit_test(bad_configuration),
};

ILRS_TEST_MAIN(tests)
