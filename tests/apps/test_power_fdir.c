// SPDX-License-Identifier: Apache-2.0
// POWER app fault detection by peers against the scripted hal: two identical
// arrays whose outputs follow one (changing) Sun, two parallel batteries that
// share the bus current by capacity. A step loss of one array's output, or of
// one battery's share (a string lost), is named in an event; the shedding
// thresholds are raised after a battery loss; unlike or healthy units are not
// flagged however the Sun and the load change.
#include <math.h>

#include "apps_test.h"

#include "apps/power/power_eid.h"

#define TWO_PI 6.283185307179586

typedef struct fx {
    harness_t h;
    ilrs_pwr_app_t *pwr;
    int arr[2], rtg, cur[2], soc[2];
} fx_t;

static fx_t *setup(void)
{
    fx_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    harness_init(&f->h);
    th_t *t = &f->h.hal;
    th_init(t);
    th_add_switch(t, "line.avionics", false);
    f->arr[0] = th_add_sensor(t, "array_a.power", 0.0);
    f->arr[1] = th_add_sensor(t, "array_b.power", 0.0);
    f->rtg = th_add_sensor(t, "rtg1.power", 100.0);
    f->soc[0] = th_add_sensor(t, "batt_a.soc", 0.8);
    f->soc[1] = th_add_sensor(t, "batt_b.soc", 0.8);
    f->cur[0] = th_add_sensor(t, "batt_a.current", 0.0);
    f->cur[1] = th_add_sensor(t, "batt_b.current", 0.0);
    ilrs_pwr_config_t c = {.hal = &t->hal};
    snprintf(c.soc_sensors[0], ILRS_APPS_NAME_MAX, "batt_a.soc");
    snprintf(c.soc_sensors[1], ILRS_APPS_NAME_MAX, "batt_b.soc");
    c.soc_sensor_count = 2;
    snprintf(c.source_sensors[0], ILRS_APPS_NAME_MAX, "array_a.power");
    snprintf(c.source_sensors[1], ILRS_APPS_NAME_MAX, "array_b.power");
    snprintf(c.source_sensors[2], ILRS_APPS_NAME_MAX, "rtg1.power");
    c.source_sensor_count = 3;
    ilrs_pwr_line_config_t *l = &c.lines[c.line_count++];
    snprintf(l->name, sizeof l->name, "line.avionics");
    l->survival = true;
    l->enabled = true;
    c.shed_soc[0] = 0.50;
    c.shed_soc[1] = 0.40;
    c.level_count = 2;
    c.restore_hysteresis = 0.05;
    c.persistence = 3;
    assert_int_equal(ilrs_pwr_app_create(&c, &f->pwr), 0);
    ilrs_app_def_t def;
    ilrs_pwr_app_def(f->pwr, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    assert_int_equal(ilrs_fsw_start(f->h.fsw), 0);
    return f;
}

static void teardown(fx_t *f)
{
    ilrs_fsw_destroy(f->h.fsw);
    ilrs_pwr_app_destroy(f->pwr);
    free(f);
}

/* Run @p seconds of a synthetic day: the arrays follow a Sun whose power swings
 * over a 6 h period (with 1 W of independent noise each), array_b scaled by
 * @p b_gain; the batteries carry a load that swings between charge and
 * discharge, batt_a's share scaled by @p a_share. */
static void run(fx_t *f, int seconds, double b_gain, double a_share, uint64_t *rng)
{
    th_t *t = &f->h.hal;
    for (int s = 0; s < seconds; s++) {
        double now = f->h.t_s;
        double sun = 300.0 + 250.0 * sin(TWO_PI * now / (6.0 * 3600.0));
        *rng = *rng * 6364136223846793005ULL + 1442695040888963407ULL;
        double n1 = (double)((*rng >> 33) & 0xFFFF) / 65536.0 - 0.5;
        double n2 = (double)((*rng >> 17) & 0xFFFF) / 65536.0 - 0.5;
        t->sen_value[f->arr[0]] = sun + 2.0 * n1;
        t->sen_value[f->arr[1]] = b_gain * sun + 2.0 * n2;
        double bus = 4.0 * sin(TWO_PI * now / (5.0 * 3600.0)) + 1.0; /* A, + discharge */
        /* shares by capacity: a_share of a's healthy capacity */
        t->sen_value[f->cur[0]] = bus * a_share / (1.0 + a_share) + 0.02 * n2;
        t->sen_value[f->cur[1]] = bus * 1.0 / (1.0 + a_share) + 0.02 * n1;
        harness_run(&f->h, 1);
    }
}

static void array_degradation_named(void **state)
{
    (void)state;
    fx_t *f = setup();
    uint64_t rng = 7;
    run(f, 2 * 86400, 1.0, 1.0, &rng); /* learn; healthy: nothing flagged */
    assert_int_equal(count_events(&f->h, "POWER", PWR_SOURCE_ERR_EID), 0);
    assert_int_equal(count_events(&f->h, "POWER", PWR_BATTERY_ERR_EID), 0);
    run(f, 3 * 3600, 0.85, 1.0, &rng); /* array_b loses 15 % */
    assert_int_equal(count_events(&f->h, "POWER", PWR_SOURCE_ERR_EID), 1);
    const char *ev = last_event(&f->h, "POWER", PWR_SOURCE_ERR_EID);
    assert_non_null(strstr(ev, "array_b.power: array degradation"));
    assert_non_null(strstr(ev, "peer array_a.power"));
    /* the new level is the new normal: no repeats, array_a never named */
    run(f, 86400, 0.85, 1.0, &rng);
    assert_int_equal(count_events(&f->h, "POWER", PWR_SOURCE_ERR_EID), 1);
    teardown(f);
}

static void battery_string_loss_named(void **state)
{
    (void)state;
    fx_t *f = setup();
    uint64_t rng = 11;
    run(f, 2 * 86400, 1.0, 1.0, &rng);
    assert_int_equal(count_events(&f->h, "POWER", PWR_BATTERY_ERR_EID), 0);
    run(f, 6 * 3600, 1.0, 0.75, &rng); /* batt_a: 3 of 4 strings */
    assert_int_equal(count_events(&f->h, "POWER", PWR_BATTERY_ERR_EID), 1);
    const char *ev = last_event(&f->h, "POWER", PWR_BATTERY_ERR_EID);
    assert_non_null(strstr(ev, "batt_a.soc: battery string loss"));
    /* thresholds raised for the same reserve: k = (0.75 + 1) / 2 */
    assert_non_null(strstr(ev, "vs batt_b.soc; shed at 0.57 0.46 "));
    assert_int_equal(count_events(&f->h, "POWER", PWR_SOURCE_ERR_EID), 0);
    teardown(f);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(array_degradation_named),
    cmocka_unit_test(battery_string_loss_named),
};

ILRS_TEST_MAIN(tests)
