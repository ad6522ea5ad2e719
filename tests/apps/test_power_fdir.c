// SPDX-License-Identifier: Apache-2.0
// POWER app fault detection by peers against the scripted hal: two identical
// arrays whose outputs follow one (changing) Sun, two parallel batteries that
// share the bus current by capacity. A step loss of one array's output, or of
// one battery's share (a string lost), is named in an event; the shedding
// thresholds are raised after a battery loss; unlike or healthy units are not
// flagged however the Sun and the load change.
// Battery string monitoring against the same hal with per-string sense lines
// (4 strings per battery, as scenarios/south-pole.yaml): an open string (0 V,
// no current) is named within 2 minutes (6 scans 10 s apart) whether the batteries
// rest, charge or discharge; a string carrying no current while its voltage
// still looks healthy is found by the current share; healthy strings under
// noisy sensors and a changing load are never flagged, over days and seeds.
#include <math.h>

#include "apps_test.h"

#include "apps/power/power_eid.h"

#define TWO_PI 6.283185307179586

#define STRINGS 4

typedef struct fx {
    harness_t h;
    ilrs_pwr_app_t *pwr;
    int arr[2], rtg, cur[2], soc[2];
    int sv[2][STRINGS], si[2][STRINGS]; /* string voltage and current sensors */
    bool spread; /* healthy strings unlike within tolerances (sense offsets, resistances) */
} fx_t;

static fx_t *setup_strings(bool strings)
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
    for (int b = 0; strings && b < 2; b++) {
        for (int k = 0; k < STRINGS; k++) {
            char name[24];
            snprintf(name, sizeof name, "batt_%c.string%d.voltage", 'a' + b, k % 10);
            f->sv[b][k] = th_add_sensor(t, name, 31.0);
            snprintf(name, sizeof name, "batt_%c.string%d.current", 'a' + b, k % 10);
            f->si[b][k] = th_add_sensor(t, name, 0.0);
        }
    }
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

static fx_t *setup(void)
{
    return setup_strings(false);
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

/* What the batteries do in a string run: rest at full charge in sunlight (the
 * charge regulator off), take a charge, carry the night's load, or swing
 * between all three over a day. */
enum work { IDLE, CHARGE, DISCHARGE, SWING };

/* Battery current (+ discharge), A, of one battery at time @p t. */
static double battery_amps(enum work w, double t)
{
    switch (w) {
    case IDLE:
        return 0.0;
    case CHARGE:
        return -6.0;
    case DISCHARGE:
        return 2.5;
    default: {
        /* a day: 10 h charging (tapering), 6 h resting, 8 h discharging */
        double h = fmod(t / 3600.0, 24.0);
        if (h < 10.0) {
            return -8.0 * (1.0 - h / 12.0);
        }
        return h < 16.0 ? 0.0 : 1.0 + 0.8 * sin(TWO_PI * h / 3.0);
    }
    }
}

/* Run @p seconds with both batteries doing @p w; batt_a's strings in @p open
 * are open (0 V, 0 A); those in @p dead_current carry no current but show a
 * healthy voltage. Sensor noise of @p sigma (V and A) from @p rng. */
static void run_strings(fx_t *f, int seconds, enum work w, unsigned open, unsigned dead_current,
                        double sigma, ilrs_rng_t *rng)
{
    th_t *t = &f->h.hal;
    for (int s = 0; s < seconds; s++) {
        double now = f->h.t_s;
        for (int b = 0; b < 2; b++) {
            unsigned gone = b == 0 ? open | dead_current : 0u;
            int ok = 0;
            for (int k = 0; k < STRINGS; k++) {
                ok += (gone >> k) & 1u ? 0 : 1;
            }
            double amps = battery_amps(w, now);
            /* 8 cells: OCV near 3.9 V each, 8 x 30 mOhm per string */
            double volts = 31.2 - amps / ok * 0.24;
            t->sen_value[f->cur[b]] = amps + sigma * ilrs_rng_normal(rng);
            t->sen_value[f->soc[b]] = 0.9 + 0.005 * ilrs_rng_normal(rng);
            for (int k = 0; k < STRINGS; k++) {
                bool o = b == 0 && ((open >> k) & 1u);
                bool d = b == 0 && ((gone >> k) & 1u);
                /* spread: +-0.1 V sense offsets, +-10 % current shares */
                double dv = f->spread ? 0.067 * (k - 1.5) : 0.0;
                double di = f->spread ? 1.0 + 0.067 * (k - 1.5) : 1.0;
                t->sen_value[f->sv[b][k]] = (o ? 0.0 : volts + dv) + sigma * ilrs_rng_normal(rng);
                t->sen_value[f->si[b][k]] =
                    (d ? 0.0 : di * amps / ok) + sigma * ilrs_rng_normal(rng);
            }
        }
        harness_run(&f->h, 1);
    }
}

/* A string opens while the batteries do @p w: named within 2 minutes (6 scans
 * 10 s apart), not before 50 s (the debounce), once. */
static void string_loss_case(enum work w, uint64_t seed)
{
    fx_t *f = setup_strings(true);
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, seed);
    run_strings(f, 3600, w, 0u, 0u, 0.02, &rng);
    assert_int_equal(count_events(&f->h, "POWER", PWR_STRING_ERR_EID), 0);
    run_strings(f, 45, w, 1u << 2, 0u, 0.02, &rng); /* batt_a string 2 opens */
    assert_int_equal(count_events(&f->h, "POWER", PWR_STRING_ERR_EID), 0);
    run_strings(f, 75, w, 1u << 2, 0u, 0.02, &rng);
    assert_int_equal(count_events(&f->h, "POWER", PWR_STRING_ERR_EID), 1);
    const char *ev = last_event(&f->h, "POWER", PWR_STRING_ERR_EID);
    assert_non_null(strstr(ev, "batt_a: battery string 2 lost"));
    /* thresholds raised for the same reserve: k = (0.75 + 1) / 2 */
    assert_non_null(strstr(ev, "capacity 75 %, shed at 0.57 0.46 "));
    assert_int_equal(count_events(&f->h, "POWER", PWR_BATTERY_INF_EID), 1);
    ev = last_event(&f->h, "POWER", PWR_BATTERY_INF_EID);
    assert_non_null(strstr(ev, "batt_a: string 2 out of the capacity budget"));
    assert_non_null(strstr(ev, "3 of 4 strings"));
    /* latched: no repeats, the peers of the lost string and batt_b never named */
    run_strings(f, 3 * 3600, w, 1u << 2, 0u, 0.02, &rng);
    assert_int_equal(count_events(&f->h, "POWER", PWR_STRING_ERR_EID), 1);
    assert_int_equal(count_events(&f->h, "POWER", PWR_BATTERY_ERR_EID), 0);
    teardown(f);
}

static void string_loss_detected_idle(void **state)
{
    (void)state;
    string_loss_case(IDLE, 1);
}

static void string_loss_detected_charging(void **state)
{
    (void)state;
    string_loss_case(CHARGE, 2);
}

static void string_loss_detected_discharging(void **state)
{
    (void)state;
    string_loss_case(DISCHARGE, 3);
}

/* A string that stops carrying current while its sense line still shows the
 * bus (an open beyond the voltage tap) is found by its share while the battery
 * works (within 2 minutes), and not while it rests (nothing to share). */
static void string_current_share_detected(void **state)
{
    (void)state;
    fx_t *f = setup_strings(true);
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 4);
    run_strings(f, 600, DISCHARGE, 0u, 0u, 0.02, &rng);
    run_strings(f, 3600, IDLE, 0u, 1u << 1, 0.02, &rng);
    assert_int_equal(count_events(&f->h, "POWER", PWR_STRING_ERR_EID), 0);
    run_strings(f, 120, DISCHARGE, 0u, 1u << 1, 0.02, &rng);
    assert_int_equal(count_events(&f->h, "POWER", PWR_STRING_ERR_EID), 1);
    assert_non_null(
        strstr(last_event(&f->h, "POWER", PWR_STRING_ERR_EID), "batt_a: battery string 1 lost"));
    teardown(f);
}

/* Healthy batteries through charge, rest and discharge, with sensor noise of
 * 2.5 times the twin's and strings unlike within manufacturing tolerances
 * (sense offsets of +-0.1 V, current shares +-10 %), over two days for each of
 * five seeds: no string and no battery is ever flagged. */
static void string_monitor_no_false_alarm(void **state)
{
    (void)state;
    for (uint64_t seed = 100; seed < 105; seed++) {
        fx_t *f = setup_strings(true);
        f->spread = true;
        ilrs_rng_t rng;
        ilrs_rng_seed(&rng, seed);
        run_strings(f, 2 * 86400, SWING, 0u, 0u, 0.05, &rng);
        assert_int_equal(count_events(&f->h, "POWER", PWR_STRING_ERR_EID), 0);
        assert_int_equal(count_events(&f->h, "POWER", PWR_BATTERY_ERR_EID), 0);
        assert_int_equal(count_events(&f->h, "POWER", PWR_BATTERY_INF_EID), 0);
        teardown(f);
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(array_degradation_named),
    cmocka_unit_test(battery_string_loss_named),
    cmocka_unit_test(string_loss_detected_idle),
    cmocka_unit_test(string_loss_detected_charging),
    cmocka_unit_test(string_loss_detected_discharging),
    cmocka_unit_test(string_current_share_detected),
    cmocka_unit_test(string_monitor_no_false_alarm),
};

ILRS_TEST_MAIN(tests)
