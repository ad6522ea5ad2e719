// SPDX-License-Identifier: Apache-2.0
// The station: power bus energy conservation, load-line protection, brownout,
// every injected fault seen through hal, hal enumeration and round trips,
// determinism with a seed.
#include "ilrs_test.h"

#include <math.h>
#include <stdlib.h>

#include <ilrs/hal.h>
#include <ilrs/twin.h>

/* cmocka's assert_float_equal works in float; these checks need double. */
#define assert_near(a, b, tol)                                                                     \
    do {                                                                                           \
        double near_a_ = (a), near_b_ = (b), near_t_ = (tol);                                      \
        if (!(fabs(near_a_ - near_b_) <= near_t_)) {                                               \
            fail_msg("%s = %.17g, expected %.17g +- %.3g", #a, near_a_, near_b_, near_t_);         \
        }                                                                                          \
    } while (0)

typedef struct fixture {
    ilrs_hw_reference_t ref;
    ilrs_hw_station_t *st;
    ilrs_hal_t hal;
} fixture_t;

static fixture_t *make(uint64_t seed)
{
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    ilrs_hw_reference_init(&f->ref, seed);
    char err[128];
    assert_int_equal(ilrs_hw_station_create(&f->ref.config, &f->st, err, sizeof err), 0);
    assert_int_equal(ilrs_hw_station_hal(f->st, &f->hal), 0);
    return f;
}

static void done(fixture_t *f)
{
    ilrs_hw_station_destroy(f->st);
    free(f);
}

static void env_at(double t, ilrs_hw_env_t *env)
{
    env->solar_flux_w_m2 = 1361.0;
    env->sun_el_deg = 1.0;
    env->sun_az_deg = fmod(t / 86400.0 * 360.0, 360.0);
    // A terrain shadow from 06:00 to 16:00 forces a long discharge.
    double h = fmod(t, 86400.0) / 3600.0;
    env->sun_visible_fraction = h >= 6.0 && h < 16.0 ? 0.0 : (h >= 5.0 && h < 6.0 ? 6.0 - h : 1.0);
    env->regolith_k = 220.0;
    env->sink_k = 3.0;
    env->link_distance_m[0] = fmod(t, 43200.0) < 30000.0 ? 8.0e6 : -1.0;
    env->link_distance_m[1] = 3.844e8;
}

static uint16_t find(fixture_t *f, ilrs_hal_kind_t kind, const char *name)
{
    uint16_t id = 0xffff;
    assert_int_equal(ilrs_hal_find(&f->hal, kind, name, &id), 0);
    return id;
}

/* A day at 1 s with payloads active, heaters cycling and a 10 h shadow:
 * array + RTG = loads + shunt + stored change + battery losses, to 1e-9 of the
 * throughput, with every term summed independently of the ledger from the
 * models' own outputs. */
static void energy_conserved_over_a_day(void **state)
{
    (void)state;
    fixture_t *f = make(1);
    ilrs_hw_env_t env = {0};
    env_at(0.0, &env);
    assert_int_equal(ilrs_hw_station_step(f->st, &env, 1.0), 0);
    for (uint16_t p = 0; p < 7; p++) {
        assert_int_equal(ilrs_hal_payload_command(&f->hal, p, 1), 0);
    }
    assert_int_equal(ilrs_hal_switch_set(&f->hal, find(f, ILRS_HAL_SWITCH, "line.isru"), true), 0);
    uint16_t heater = find(f, ILRS_HAL_SWITCH, "heater.bat1");
    double stored0 = ilrs_hw_station_stored_j(f->st);
    const ilrs_hw_ledger_t *lg0 = ilrs_hw_station_ledger(f->st);
    double array0 = lg0->array_j, rtg0 = lg0->rtg_j, load0 = lg0->load_j, shunt0 = lg0->shunt_j,
           loss0 = lg0->battery_loss_j;
    double array = 0.0, rtg = 0.0, load = 0.0;
    bool isru_on = false;
    for (int i = 1; i <= 86400; i++) {
        double t = (double)i;
        env_at(t, &env);
        if (i % 3600 == 0) {
            ilrs_hal_switch_set(&f->hal, heater, (i / 3600) % 2 == 0);
        }
        if (i % 600 == 0 && !isru_on) {
            isru_on = ilrs_hal_payload_command(&f->hal, 7, 1) == 0;
        }
        assert_int_equal(ilrs_hw_station_step(f->st, &env, 1.0), 0);
        for (size_t a = 0; a < 2; a++) {
            array += ilrs_hw_station_array(f->st, a)->power_w;
        }
        rtg += ilrs_hw_station_rtg(f->st, 0)->electric_w;
        for (size_t l = 0; l < 8; l++) {
            load += ilrs_hw_station_line_power(f->st, l);
        }
    }
    const ilrs_hw_ledger_t *lg = ilrs_hw_station_ledger(f->st);
    double shunt = lg->shunt_j - shunt0, loss = lg->battery_loss_j - loss0;
    double stored = ilrs_hw_station_stored_j(f->st) - stored0;
    double in = array + rtg, out = load + shunt + stored + loss;
    assert_near(out, in, 1e-9 * in);
    // The ledger agrees with the independent sums.
    assert_near(lg->array_j - array0, array, 1e-9 * array);
    assert_near(lg->rtg_j - rtg0, rtg, 1e-9 * rtg);
    assert_near(lg->load_j - load0, load, 1e-9 * load);
    // And the day exercised every path: shunting, charging, discharging.
    assert_true(shunt > 0.0 && lg->battery_in_j > 0.0 && lg->battery_out_j > 0.0);
    assert_true(loss > 0.0);
    assert_true(isru_on);
    assert_false(ilrs_hw_station_is_brownout(f->st));
    done(f);
}

/* A load line trips on over-current, stays open (readback tripped, its loads
 * unpowered) and comes back when commanded on after the cause is removed. */
static void load_line_trip_and_reset(void **state)
{
    (void)state;
    fixture_t *f = make(1);
    ilrs_hw_env_t env = {0};
    env_at(0.0, &env);
    ilrs_hw_station_step(f->st, &env, 1.0);
    uint16_t heaters = find(f, ILRS_HAL_SWITCH, "line.heaters");
    // 4 A limit at 28 V = 112 W; all four heaters = 70 W: fine.
    const char *names[4] = {"heater.bat1", "heater.bat2", "heater.avionics", "heater.payload"};
    for (int i = 0; i < 4; i++) {
        ilrs_hal_switch_set(&f->hal, find(f, ILRS_HAL_SWITCH, names[i]), true);
    }
    ilrs_hw_station_step(f->st, &env, 1.0);
    ilrs_hal_switch_state_t s;
    ilrs_hal_switch_get(&f->hal, heaters, &s);
    assert_true(s.on && !s.tripped);
    assert_near(ilrs_hw_station_line_power(f->st, heaters), 70.0, 1e-12);
    done(f);

    // The same line with one heater of 150 W (5.4 A on a 4 A line) trips.

    fixture_t *g = calloc(1, sizeof *g);
    assert_non_null(g);
    ilrs_hw_reference_init(&g->ref, 1);
    g->ref.heaters[0].power_w = 150.0; // 5.4 A on a 4 A line
    assert_int_equal(ilrs_hw_station_create(&g->ref.config, &g->st, NULL, 0), 0);
    ilrs_hw_station_hal(g->st, &g->hal);
    ilrs_hw_station_step(g->st, &env, 1.0);
    uint16_t h0 = find(g, ILRS_HAL_SWITCH, "heater.bat1");
    uint16_t h2 = find(g, ILRS_HAL_SWITCH, "heater.avionics");
    ilrs_hal_switch_set(&g->hal, h0, true);
    ilrs_hal_switch_set(&g->hal, h2, true);
    ilrs_hw_station_step(g->st, &env, 1.0);
    ilrs_hal_switch_get(&g->hal, heaters, &s);
    assert_true(s.tripped && !s.on && s.commanded_on);
    assert_near(ilrs_hw_station_line_power(g->st, heaters), 0.0, 0.0);
    ilrs_hal_switch_get(&g->hal, h2, &s);
    assert_false(s.on); // its line is open
    uint16_t cur = find(g, ILRS_HAL_SENSOR, "line.heaters.current");
    ilrs_hal_reading_t r;
    ilrs_hal_sensor_read(&g->hal, cur, &r);
    assert_true(r.valid && fabs(r.value) < 0.2); // noise only
    // Still tripped on the next steps even though the command is still on.
    ilrs_hw_station_step(g->st, &env, 1.0);
    ilrs_hal_switch_get(&g->hal, heaters, &s);
    assert_true(s.tripped);
    // Remove the cause, command the line on: it resets.
    ilrs_hal_switch_set(&g->hal, h0, false);
    ilrs_hal_switch_set(&g->hal, heaters, true);
    ilrs_hw_station_step(g->st, &env, 1.0);
    ilrs_hal_switch_get(&g->hal, heaters, &s);
    assert_true(s.on && !s.tripped);
    assert_near(ilrs_hw_station_line_power(g->st, heaters), 15.0, 1e-12);
    done(g);
}

/* With no sun and the batteries at their floor the bus browns out: no load is
 * served, lines read back off, the bus voltage sensor reads 0. */
static void brownout_when_batteries_are_empty(void **state)
{
    (void)state;
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    ilrs_hw_reference_init(&f->ref, 1);
    f->ref.batteries[0].soc_initial = 0.2;
    f->ref.batteries[1].soc_initial = 0.2;
    f->ref.rtgs[0].electric_w_bol = 0.0;
    assert_int_equal(ilrs_hw_station_create(&f->ref.config, &f->st, NULL, 0), 0);
    ilrs_hw_station_hal(f->st, &f->hal);
    ilrs_hw_env_t env = {0};
    env_at(0.0, &env);
    env.sun_visible_fraction = 0.0;
    ilrs_hw_station_step(f->st, &env, 1.0);
    assert_true(ilrs_hw_station_is_brownout(f->st));
    ilrs_hal_switch_state_t s;
    ilrs_hal_switch_get(&f->hal, 0, &s);
    assert_true(s.commanded_on && !s.on);
    ilrs_hal_reading_t r;
    ilrs_hal_sensor_read(&f->hal, find(f, ILRS_HAL_SENSOR, "bus.voltage"), &r);
    assert_true(r.value < 0.5);
    assert_near(ilrs_hw_station_ledger(f->st)->load_j, 0.0, 0.0);
    // Sunrise: the bus comes back and the batteries charge.
    env.sun_visible_fraction = 1.0;
    ilrs_hw_station_step(f->st, &env, 1.0);
    assert_false(ilrs_hw_station_is_brownout(f->st));
    assert_true(ilrs_hw_station_ledger(f->st)->battery_in_j > 0.0);
    done(f);
}

/* Each injected fault, seen the way flight software sees it (through hal). */
static void faults_seen_through_hal(void **state)
{
    (void)state;
    fixture_t *f = make(7);
    ilrs_hw_env_t env = {0};
    env_at(0.0, &env);
    ilrs_hw_station_step(f->st, &env, 1.0);
    ilrs_hal_reading_t r;

    // Battery string loss: SOC unchanged, capacity 7/8 (the gauge cannot see it
    // directly; the energy the battery takes to the same SOC drops).
    double rated = ilrs_hw_battery_rated_j(ilrs_hw_station_battery(f->st, 0));
    assert_int_equal(ilrs_hw_station_inject(f->st, ILRS_HW_FAULT_BATTERY_STRING, 0, 0.0), 0);
    assert_near(ilrs_hw_battery_rated_j(ilrs_hw_station_battery(f->st, 0)), rated * 7 / 8, 1e-6);
    assert_int_equal(ilrs_hw_station_inject(f->st, ILRS_HW_FAULT_BATTERY_STRING, 0, 0.0),
                     ILRS_ESTATE); /* already open */
    assert_int_equal(ilrs_hw_station_inject(f->st, ILRS_HW_FAULT_BATTERY_STRING, 0, 8.0),
                     ILRS_ERANGE); /* 8 strings: 0..7 */
    // What it shows: the string monitor of string 0 reads ~0 V and 0 A whatever
    // the battery does; string 1 reads the battery's terminal voltage and one
    // seventh of its current.
    const char *bn = ilrs_hw_station_battery(f->st, 0)->p.name;
    char name[64];
    snprintf(name, sizeof name, "%s.string0.voltage", bn);
    ilrs_hal_sensor_read(&f->hal, find(f, ILRS_HAL_SENSOR, name), &r);
    assert_true(fabs(r.value) < 0.2);
    snprintf(name, sizeof name, "%s.string1.voltage", bn);
    ilrs_hal_sensor_read(&f->hal, find(f, ILRS_HAL_SENSOR, name), &r);
    double vt = ilrs_hw_battery_voltage(ilrs_hw_station_battery(f->st, 0));
    assert_true(vt > 20.0);
    assert_near(r.value, vt, 0.2);
    assert_near(ilrs_hw_battery_string_current(ilrs_hw_station_battery(f->st, 0), 1),
                ilrs_hw_battery_current(ilrs_hw_station_battery(f->st, 0)) / 7.0, 1e-12);
    assert_near(ilrs_hw_battery_string_current(ilrs_hw_station_battery(f->st, 0), 0), 0.0, 0.0);
    // Cell short: the open-circuit voltage drops by exactly one cell at the same
    // SOC, and the voltage sensor by about one cell (3.4-4.2 V, whatever the current).
    uint16_t bv = find(f, ILRS_HAL_SENSOR, "bat2.voltage");
    ilrs_hw_station_step(f->st, &env, 1.0);
    ilrs_hal_reading_t before;
    ilrs_hal_sensor_read(&f->hal, bv, &before);
    double v0 = ilrs_hw_battery_ocv(ilrs_hw_station_battery(f->st, 1));
    assert_int_equal(ilrs_hw_station_inject(f->st, ILRS_HW_FAULT_BATTERY_CELL, 1, 0.0), 0);
    assert_near(ilrs_hw_battery_ocv(ilrs_hw_station_battery(f->st, 1)), v0 * 7.0 / 8.0, 1e-9);
    ilrs_hw_station_step(f->st, &env, 1.0);
    ilrs_hal_sensor_read(&f->hal, bv, &r);
    assert_true(before.value - r.value > 3.0 && before.value - r.value < 4.6);

    // Array degradation step: its power sensor drops to 60 %.
    uint16_t ap = find(f, ILRS_HAL_SENSOR, "array1.power");
    double p0 = ilrs_hw_station_array(f->st, 0)->power_w;
    assert_int_equal(ilrs_hw_station_inject(f->st, ILRS_HW_FAULT_ARRAY_DEGRADE, 0, 0.4), 0);
    ilrs_hw_station_step(f->st, &env, 1.0);
    ilrs_hal_sensor_read(&f->hal, ap, &r);
    assert_near(r.value, 0.6 * p0, 5.0);
    assert_int_equal(ilrs_hw_station_inject(f->st, ILRS_HW_FAULT_ARRAY_DEGRADE, 0, 1.5),
                     ILRS_EINVAL);

    // Radio outage: link down while visible and in range; cleared: back.
    ilrs_hal_radio_status_t rs;
    ilrs_hal_radio_status(&f->hal, 0, &rs);
    assert_true(rs.link_up && rs.rate_bps > 0.0);
    assert_int_equal(ilrs_hw_station_inject(f->st, ILRS_HW_FAULT_RADIO_OUTAGE, 0, 1.0), 0);
    ilrs_hw_station_step(f->st, &env, 1.0);
    ilrs_hal_radio_status(&f->hal, 0, &rs);
    assert_false(rs.link_up);
    assert_near(rs.rate_bps, 0.0, 0.0);
    ilrs_hw_station_inject(f->st, ILRS_HW_FAULT_RADIO_OUTAGE, 0, 0.0);
    ilrs_hw_station_step(f->st, &env, 1.0);
    ilrs_hal_radio_status(&f->hal, 0, &rs);
    assert_true(rs.link_up);

    // Payload hang: no data, mode commands ignored, until its line is cycled.
    assert_int_equal(ilrs_hal_payload_command(&f->hal, 0, 1), 0);
    ilrs_hw_station_step(f->st, &env, 10.0);
    uint64_t bytes;
    ilrs_hal_payload_read(&f->hal, 0, &bytes);
    assert_int_equal(bytes, 14400 * 10 / 8);
    assert_int_equal(ilrs_hw_station_inject(f->st, ILRS_HW_FAULT_PAYLOAD_HANG, 0, 0.0), 0);
    ilrs_hw_station_step(f->st, &env, 10.0);
    ilrs_hal_payload_read(&f->hal, 0, &bytes);
    assert_int_equal(bytes, 0);
    assert_int_equal(ilrs_hal_payload_command(&f->hal, 0, 2), 0); // accepted by the port...
    ilrs_hal_payload_status_t ps;
    ilrs_hal_payload_status(&f->hal, 0, &ps);
    assert_int_equal(ps.mode, 1); // ...but not executed
    uint16_t line = find(f, ILRS_HAL_SWITCH, "line.payload1");
    ilrs_hal_switch_set(&f->hal, line, false);
    ilrs_hw_station_step(f->st, &env, 1.0);
    assert_int_equal(ilrs_hal_payload_command(&f->hal, 0, 1), ILRS_EHAL_UNPOWERED);
    ilrs_hal_switch_set(&f->hal, line, true);
    ilrs_hw_station_step(f->st, &env, 1.0);
    assert_int_equal(ilrs_hal_payload_command(&f->hal, 0, 1), 0);
    ilrs_hw_station_step(f->st, &env, 10.0);
    ilrs_hal_payload_read(&f->hal, 0, &bytes);
    assert_int_equal(bytes, 14400 * 10 / 8);

    // Stuck sensor: the value freezes (still "valid"); failed sensor: invalid.
    uint16_t tn = find(f, ILRS_HAL_SENSOR, "rtg.temp");
    assert_int_equal(ilrs_hw_station_inject(f->st, ILRS_HW_FAULT_SENSOR_STUCK, tn, 0.0), 0);
    ilrs_hal_reading_t a, b;
    ilrs_hal_sensor_read(&f->hal, tn, &a);
    for (int i = 0; i < 600; i++) {
        ilrs_hw_station_step(f->st, &env, 60.0);
    }
    ilrs_hal_sensor_read(&f->hal, tn, &b);
    assert_true(a.valid && b.valid);
    assert_near(a.value, b.value, 0.0);
    assert_true(fabs(ilrs_hw_station_thermal(f->st)->t_k[6] - a.value) > 1.0); // truth moved
    assert_int_equal(ilrs_hw_station_inject(f->st, ILRS_HW_FAULT_SENSOR_FAIL, ap, 0.0), 0);
    ilrs_hal_sensor_read(&f->hal, ap, &r);
    assert_false(r.valid);

    // Heater open: commanded on, relay reads on, but it neither draws nor heats.
    uint16_t h = find(f, ILRS_HAL_SWITCH, "heater.payload");
    uint16_t hl = find(f, ILRS_HAL_SWITCH, "line.heaters");
    ilrs_hal_switch_set(&f->hal, h, true);
    ilrs_hw_station_step(f->st, &env, 1.0);
    assert_near(ilrs_hw_station_line_power(f->st, hl), 15.0, 1e-12);
    assert_int_equal(ilrs_hw_station_inject(f->st, ILRS_HW_FAULT_HEATER_OPEN, 3, 0.0), 0);
    ilrs_hw_station_step(f->st, &env, 1.0);
    ilrs_hal_switch_state_t s;
    ilrs_hal_switch_get(&f->hal, h, &s);
    assert_true(s.on);
    assert_near(ilrs_hw_station_line_power(f->st, hl), 0.0, 0.0);

    // Bad indices and kinds.
    assert_int_equal(ilrs_hw_station_inject(f->st, ILRS_HW_FAULT_HEATER_OPEN, 99, 0.0),
                     ILRS_ERANGE);
    assert_int_equal(ilrs_hw_station_inject(f->st, ILRS_HW_FAULT_COUNT, 0, 0.0), ILRS_EINVAL);
    done(f);
}

/* The heater-open fault seen in physics: with the heater working the battery
 * node ends warmer than with it open. */
static void heater_open_leaves_node_cold(void **state)
{
    (void)state;
    double final[2];
    for (int k = 0; k < 2; k++) {
        fixture_t *f = make(3);
        ilrs_hw_env_t env = {0};
        env_at(0.0, &env);
        env.sun_visible_fraction = 1.0;
        ilrs_hal_switch_set(&f->hal, find(f, ILRS_HAL_SWITCH, "heater.bat1"), true);
        if (k == 1) {
            assert_int_equal(ilrs_hw_station_inject(f->st, ILRS_HW_FAULT_HEATER_OPEN, 0, 0.0), 0);
        }
        for (int i = 0; i < 1440; i++) {
            ilrs_hw_station_step(f->st, &env, 60.0);
        }
        final[k] = ilrs_hw_station_thermal(f->st)->t_k[1];
        done(f);
    }
    assert_true(final[0] > final[1] + 1.0);
}

/* hal enumeration covers every configured device with unique ids and names;
 * storage and radio round trips. */
/* Every watt dissipated on board reaches a thermal node: with radiators,
 * sunlit areas and the ground coupling removed, sum C_i dT_i equals the heat of
 * loads, battery losses, RTG/RHU waste heat and the shunt (radios off, so no RF
 * leaves). Backward Euler conserves this exactly: conductances cancel in pairs. */
static void heat_reaches_thermal_nodes(void **state)
{
    (void)state;
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    ilrs_hw_reference_init(&f->ref, 1);
    for (int i = 0; i < 8; i++) {
        f->ref.nodes[i].radiator_area_m2 = 0.0;
        f->ref.nodes[i].solar_area_m2 = 0.0;
    }
    f->ref.couplings[9].conductance_w_k = 0.0; // base to ground
    f->ref.lines[1].on = false;                // radios off
    f->ref.config.shunt_node = 5;
    assert_int_equal(ilrs_hw_station_create(&f->ref.config, &f->st, NULL, 0), 0);
    ilrs_hw_station_hal(f->st, &f->hal);
    const ilrs_hw_thermal_t *th = ilrs_hw_station_thermal(f->st);
    double c_t0 = 0.0;
    for (size_t i = 0; i < th->nodes; i++) {
        c_t0 += th->node[i].capacity_j_k * th->t_k[i];
    }
    ilrs_hw_env_t env = {0};
    double rtg_heat = 0.0;
    for (int i = 0; i < 6 * 3600; i++) {        // 6 h at 1 s: a multiple of the 30 s thermal step
        env_at(4.0 * 3600.0 + (double)i, &env); // into the shadow at 06:00: discharge too
        if (i == 10) {
            for (uint16_t p = 0; p < 7; p++) {
                ilrs_hal_payload_command(&f->hal, p, 1);
            }
            ilrs_hal_switch_set(&f->hal, find(f, ILRS_HAL_SWITCH, "heater.bat1"), true);
        }
        assert_int_equal(ilrs_hw_station_step(f->st, &env, 1.0), 0);
        for (size_t r = 0; r < 3; r++) {
            rtg_heat += ilrs_hw_station_rtg(f->st, r)->heat_w;
        }
    }
    double c_t1 = 0.0;
    for (size_t i = 0; i < th->nodes; i++) {
        c_t1 += th->node[i].capacity_j_k * th->t_k[i];
    }
    const ilrs_hw_ledger_t *lg = ilrs_hw_station_ledger(f->st);
    double heat = lg->load_j + lg->battery_loss_j + rtg_heat + lg->shunt_j;
    assert_true(lg->shunt_j > 0.0 && lg->battery_out_j > 0.0);
    assert_near(c_t1 - c_t0, heat, 1e-9 * heat);
    done(f);
}

static void hal_enumeration_and_round_trips(void **state)
{
    (void)state;
    fixture_t *f = make(1);
    assert_int_equal(ilrs_hal_count(&f->hal, ILRS_HAL_SWITCH), 8 + 4);
    /* ... + per battery string a voltage and a current (2 batteries x 8 strings) */
    assert_int_equal(ilrs_hal_count(&f->hal, ILRS_HAL_SENSOR),
                     1 + 2 + 8 + 8 + 8 + 3 + 4 + 2 * 2 * 8);
    assert_int_equal(ilrs_hal_count(&f->hal, ILRS_HAL_RADIO), 2);
    assert_int_equal(ilrs_hal_count(&f->hal, ILRS_HAL_PAYLOAD), 8);
    assert_int_equal(ilrs_hal_count(&f->hal, ILRS_HAL_STORAGE), 1);
    for (int k = 0; k < ILRS_HAL_KIND_COUNT; k++) {
        size_t n = ilrs_hal_count(&f->hal, (ilrs_hal_kind_t)k);
        for (size_t i = 0; i < n; i++) {
            ilrs_hal_info_t a;
            assert_int_equal(ilrs_hal_info(&f->hal, (ilrs_hal_kind_t)k, i, &a), 0);
            assert_true(a.name[0] != '\0');
            assert_int_equal(a.kind, k);
            if (k == ILRS_HAL_SENSOR) {
                assert_true(a.unit[0] != '\0');
            }
            uint16_t id;
            assert_int_equal(ilrs_hal_find(&f->hal, (ilrs_hal_kind_t)k, a.name, &id), 0);
            assert_int_equal(id, a.id); // names are unique within a kind
        }
    }
    ilrs_hal_info_t info;
    ilrs_hal_info(&f->hal, ILRS_HAL_SENSOR, find(f, ILRS_HAL_SENSOR, "bat1.temp"), &info);
    assert_string_equal(info.unit, "K");
    // Switch round trip.
    uint16_t isru = find(f, ILRS_HAL_SWITCH, "line.isru");
    ilrs_hal_switch_state_t s;
    ilrs_hal_switch_get(&f->hal, isru, &s);
    assert_false(s.commanded_on);
    ilrs_hal_switch_set(&f->hal, isru, true);
    ilrs_hal_switch_get(&f->hal, isru, &s);
    assert_true(s.commanded_on && s.on);
    assert_int_equal(ilrs_hal_switch_set(&f->hal, 12, true), ILRS_EHAL_NODEV);
    // Storage.
    uint64_t n;
    ilrs_hal_storage_write(&f->hal, 0, 1000, &n);
    assert_int_equal(n, 1000);
    ilrs_hal_storage_status_t ss;
    ilrs_hal_storage_status(&f->hal, 0, &ss);
    assert_int_equal(ss.used_bytes, 1000);
    assert_int_equal(ss.capacity_bytes, UINT64_C(64) << 30);
    ilrs_hal_storage_release(&f->hal, 0, 4000, &n);
    assert_int_equal(n, 1000);
    // Radio: queued through hal, sent by the model at the link rate.
    ilrs_hw_env_t env = {0};
    env_at(0.0, &env);
    ilrs_hw_station_step(f->st, &env, 1.0);
    static const unsigned char frame[1115];
    assert_int_equal(ilrs_hal_radio_send(&f->hal, 0, frame, sizeof frame), 0);
    ilrs_hal_radio_status_t rs;
    ilrs_hal_radio_status(&f->hal, 0, &rs);
    assert_int_equal(rs.queued_bytes, 1115);
    ilrs_hw_station_step(f->st, &env, 1.0);
    ilrs_hal_radio_status(&f->hal, 0, &rs);
    assert_int_equal(rs.queued_bytes, 0);
    assert_int_equal(rs.sent_bytes, 1115);
    assert_int_equal(f->hal.rejected, 1);
    done(f);
}

/* Same seed, same readings; another seed, other noise. Noise has the configured
 * standard deviation. */
static void deterministic_with_seed(void **state)
{
    (void)state;
    double sum[3] = {0}, sum2 = 0.0;
    for (int k = 0; k < 3; k++) {
        fixture_t *f = make(k == 2 ? 99 : 5);
        ilrs_hw_env_t env = {0};
        uint16_t id = find(f, ILRS_HAL_SENSOR, "bus.voltage");
        for (int i = 0; i < 2000; i++) {
            env_at((double)i * 60.0, &env);
            ilrs_hw_station_step(f->st, &env, 60.0);
            ilrs_hal_reading_t r;
            ilrs_hal_sensor_read(&f->hal, id, &r);
            sum[k] += r.value;
            if (k == 0) {
                sum2 += (r.value - 28.0) * (r.value - 28.0);
            }
        }
        done(f);
    }
    assert_near(sum[0], sum[1], 0.0);
    assert_true(sum[0] != sum[2]);
    assert_near(sqrt(sum2 / 2000.0), 0.05, 0.005); // standard sensor sigma 0.05 V
}

static void rejects_bad_configuration(void **state)
{
    (void)state;
    ilrs_hw_reference_t *ref = calloc(1, sizeof *ref);
    assert_non_null(ref);
    ilrs_hw_reference_init(ref, 1);
    ilrs_hw_station_t *st = (ilrs_hw_station_t *)1;
    char err[128];
    ref->payloads[3].line = 8;
    assert_int_equal(ilrs_hw_station_create(&ref->config, &st, err, sizeof err), ILRS_EINVAL);
    assert_null(st);
    assert_non_null(strstr(err, "payload 3"));
    ilrs_hw_reference_init(ref, 1);
    ref->batteries[1].soc_min = 0.99;
    assert_int_equal(ilrs_hw_station_create(&ref->config, &st, err, sizeof err), ILRS_EINVAL);
    assert_non_null(strstr(err, "battery 1"));
    ilrs_hw_reference_init(ref, 1);
    ref->couplings[2].b = 42;
    assert_int_equal(ilrs_hw_station_create(&ref->config, &st, err, sizeof err), ILRS_EINVAL);
    assert_non_null(strstr(err, "thermal"));
    ilrs_hw_reference_init(ref, 1);
    snprintf(ref->heaters[2].name, sizeof ref->heaters[2].name, "line.comm");
    assert_int_equal(ilrs_hw_station_create(&ref->config, &st, err, sizeof err), ILRS_EEXIST);
    assert_non_null(strstr(err, "switch 10: duplicate"));
    ilrs_hw_reference_init(ref, 1);
    ref->payloads[5].name[0] = '\0';
    assert_int_equal(ilrs_hw_station_create(&ref->config, &st, err, sizeof err), ILRS_EINVAL);
    assert_non_null(strstr(err, "payload 5: empty"));
    ilrs_hw_reference_init(ref, 1);
    ilrs_hw_env_t env = {0};
    assert_int_equal(ilrs_hw_station_create(&ref->config, &st, err, sizeof err), 0);
    assert_int_equal(ilrs_hw_station_step(st, &env, 0.0), ILRS_EINVAL);
    assert_int_equal(ilrs_hw_station_step(st, NULL, 1.0), ILRS_EINVAL);
    env_at(0.0, &env);
    env.sun_el_deg = NAN;
    assert_int_equal(ilrs_hw_station_step(st, &env, 1.0), ILRS_EINVAL);
    env_at(0.0, &env);
    env.link_distance_m[1] = INFINITY;
    assert_int_equal(ilrs_hw_station_step(st, &env, 1.0), ILRS_EINVAL);
    env_at(0.0, &env);
    env.sink_k = -1.0;
    assert_int_equal(ilrs_hw_station_step(st, &env, 1.0), ILRS_EINVAL);
    assert_near(ilrs_hw_station_time_s(st), 0.0, 0.0); // nothing happened
    env_at(0.0, &env);
    assert_int_equal(ilrs_hw_station_step(st, &env, 1.0), 0);
    ilrs_hw_station_destroy(st);
    ilrs_hw_station_destroy(NULL);
    free(ref);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(energy_conserved_over_a_day),
    cmocka_unit_test(load_line_trip_and_reset),
    cmocka_unit_test(brownout_when_batteries_are_empty),
    cmocka_unit_test(faults_seen_through_hal),
    cmocka_unit_test(heater_open_leaves_node_cold),
    cmocka_unit_test(heat_reaches_thermal_nodes),
    cmocka_unit_test(hal_enumeration_and_round_trips),
    cmocka_unit_test(deterministic_with_seed),
    cmocka_unit_test(rejects_bad_configuration),
};
ILRS_TEST_MAIN(tests)
