// SPDX-License-Identifier: Apache-2.0
// Power hardware models: solar arrays, Li-ion batteries, RTGs and RHUs.
#include "ilrs_test.h"

#include <math.h>

#include <ilrs/twin.h>

/* cmocka's assert_float_equal works in float; these checks need double. */
#define assert_near(a, b, tol)                                                                     \
    do {                                                                                           \
        double near_a_ = (a), near_b_ = (b), near_t_ = (tol);                                      \
        if (!(fabs(near_a_ - near_b_) <= near_t_)) {                                               \
            fail_msg("%s = %.17g, expected %.17g +- %.3g", #a, near_a_, near_b_, near_t_);         \
        }                                                                                          \
    } while (0)

#define D2R (3.14159265358979323846 / 180.0)

static ilrs_hw_array_params_t plain_array(void)
{
    ilrs_hw_array_params_t p;
    ilrs_hw_array_params_default(&p);
    p.degradation_per_year = 0.0;
    p.dust_loss_per_day = 0.0;
    p.temp_coeff_per_k = 0.0;
    return p;
}

static double run_array(ilrs_hw_array_t *a, const ilrs_hw_sun_t *sun, int steps, double dt)
{
    double p = 0.0;
    for (int i = 0; i < steps; i++) {
        p = ilrs_hw_array_step(a, sun, 3.0, dt);
    }
    return p;
}

/* Incidence: a tracking vertical mast loses only cos(el); a fixed panel loses
 * the full angle; with no temperature effect P = S vis cos(i) A eta. */
static void array_incidence_and_shadow(void **state)
{
    (void)state;
    ilrs_hw_array_params_t p = plain_array();
    ilrs_hw_array_t track, fixed_on, fixed_off;
    p.mount = ILRS_HW_MOUNT_TRACK;
    assert_int_equal(ilrs_hw_array_init(&track, &p), 0);
    p.mount = ILRS_HW_MOUNT_FIXED;
    p.normal_az_deg = 123.0;
    assert_int_equal(ilrs_hw_array_init(&fixed_on, &p), 0);
    p.normal_az_deg = 123.0 + 60.0;
    assert_int_equal(ilrs_hw_array_init(&fixed_off, &p), 0);
    ilrs_hw_sun_t sun;
    ilrs_hw_sun_set(&sun, 1361.0, 5.0, 123.0, 1.0);
    double expect = 1361.0 * cos(5.0 * D2R) * p.area_m2 * p.efficiency;
    assert_near(run_array(&track, &sun, 1, 60.0), expect, 1e-9 * expect);
    assert_near(run_array(&fixed_on, &sun, 1, 60.0), expect, 1e-9 * expect);
    assert_near(run_array(&fixed_off, &sun, 1, 60.0), expect * cos(60.0 * D2R), 1e-9 * expect);
    // The tracking mast does not care about azimuth.
    ilrs_hw_sun_set(&sun, 1361.0, 5.0, 300.0, 1.0);
    assert_near(run_array(&track, &sun, 1, 60.0), expect, 1e-9 * expect);
    // Half the disk hidden by terrain: half the power. Sun below the panel: none.
    ilrs_hw_sun_set(&sun, 1361.0, 5.0, 300.0, 0.5);
    assert_near(run_array(&track, &sun, 1, 60.0), 0.5 * expect, 1e-9 * expect);
    ilrs_hw_sun_set(&sun, 1361.0, 5.0, 123.0 + 180.0, 1.0);
    assert_near(run_array(&fixed_on, &sun, 1, 60.0), 0.0, 0.0);
}

/* Temperature: the panel settles where absorbed = radiated + electrical, and the
 * efficiency follows eta_ref (1 + beta (T - 28 C)). */
static void array_temperature_effect(void **state)
{
    (void)state;
    ilrs_hw_array_params_t p = plain_array();
    ilrs_hw_array_t cold_free, hot;
    assert_int_equal(ilrs_hw_array_init(&cold_free, &p), 0);
    p.temp_coeff_per_k = -0.0022;
    assert_int_equal(ilrs_hw_array_init(&hot, &p), 0);
    ilrs_hw_sun_t sun;
    ilrs_hw_sun_set(&sun, 1361.0, 0.0, 0.0, 1.0);
    double p0 = run_array(&cold_free, &sun, 50, 60.0);
    double p1 = run_array(&hot, &sun, 50, 60.0);
    double t = hot.temperature_k;
    // Balance residual (sink 3 K), relative to the absorbed flux.
    double absorbed = p.absorptance * 1361.0 - p1 / p.area_m2;
    double radiated = 5.670374419e-8 * (p.emittance_front + p.emittance_back) * (pow(t, 4) - 81.0);
    assert_near(radiated, absorbed, 1e-6 * absorbed);
    // Both faces radiating to deep space, 0.9 absorbed and 30 % converted: about 300 K.
    assert_true(t > 280.0 && t < 340.0);
    assert_near(p1 / p0, 1.0 - 0.0022 * (t - 301.15), 1e-9);
    // A warmer radiative sink (e.g. the back face seeing warm ground) heats the
    // converged panel and costs power.
    double p2 = 0.0;
    for (int i = 0; i < 50; i++) {
        p2 = ilrs_hw_array_step(&hot, &sun, 250.0, 60.0);
    }
    assert_true(hot.temperature_k > t + 5.0);
    assert_near(p2 / p0, 1.0 - 0.0022 * (hot.temperature_k - 301.15), 1e-9);
}

/* Degradation compounds per year; dust obscuration grows per day up to its cap;
 * an injected degradation step multiplies. */
static void array_aging_dust_and_fault(void **state)
{
    (void)state;
    ilrs_hw_array_params_t p = plain_array();
    ilrs_hw_array_t fresh, old, dusty;
    assert_int_equal(ilrs_hw_array_init(&fresh, &p), 0);
    p.degradation_per_year = 0.01;
    p.age_years = 10.0;
    assert_int_equal(ilrs_hw_array_init(&old, &p), 0);
    p.degradation_per_year = 0.0;
    p.age_years = 0.0;
    p.dust_loss_per_day = 1e-3;
    p.dust_loss_max = 0.2;
    assert_int_equal(ilrs_hw_array_init(&dusty, &p), 0);
    ilrs_hw_sun_t sun;
    ilrs_hw_sun_set(&sun, 1361.0, 1.0, 0.0, 1.0);
    double p_fresh = run_array(&fresh, &sun, 1, 1.0);
    assert_near(run_array(&old, &sun, 1, 1.0) / p_fresh, pow(0.99, 10.0), 1e-9);
    // 100 days of exposure: obscuration 0.1.
    assert_near(run_array(&dusty, &sun, 100, 86400.0) / p_fresh, 0.9, 1e-9);
    // 400 days: capped at 0.2.
    assert_near(run_array(&dusty, &sun, 300, 86400.0) / p_fresh, 0.8, 1e-9);
    ilrs_hw_array_degrade(&fresh, 0.25);
    assert_near(run_array(&fresh, &sun, 1, 1.0) / p_fresh, 0.75, 1e-12);
    p.efficiency = 1.5;
    assert_int_equal(ilrs_hw_array_init(&dusty, &p), ILRS_EINVAL);
}

static ilrs_hw_battery_t battery(double soc0)
{
    ilrs_hw_battery_params_t p;
    ilrs_hw_battery_params_default(&p);
    p.soc_initial = soc0;
    ilrs_hw_battery_t b;
    assert_int_equal(ilrs_hw_battery_init(&b, &p), 0);
    return b;
}

/* SOC stays inside [soc_min, soc_max] whatever is asked. */
static void battery_soc_bounds(void **state)
{
    (void)state;
    ilrs_hw_battery_t b = battery(0.5);
    double in = 0.0;
    for (int i = 0; i < 200; i++) {
        in += ilrs_hw_battery_charge(&b, 5000.0, 600.0) * 600.0;
        assert_true(ilrs_hw_battery_soc(&b) <= b.p.soc_max + 1e-12);
    }
    assert_near(ilrs_hw_battery_soc(&b), b.p.soc_max, 1e-12);
    // What went in from 0.5 to 0.95 at 25 C: 0.45 of the rated energy / eta_c.
    assert_near(in, 0.45 * ilrs_hw_battery_rated_j(&b) / 0.97, 1e-9 * in);
    assert_near(ilrs_hw_battery_charge(&b, 100.0, 60.0), 0.0, 0.0);
    for (int i = 0; i < 200; i++) {
        ilrs_hw_battery_discharge(&b, 5000.0, 600.0);
        assert_true(ilrs_hw_battery_soc(&b) >= b.p.soc_min - 1e-12);
    }
    assert_near(ilrs_hw_battery_soc(&b), b.p.soc_min, 1e-12);
    assert_near(ilrs_hw_battery_discharge(&b, 100.0, 60.0), 0.0, 0.0);
    // Power limits: 0.5 C charge, 1 C discharge of the rated energy.
    ilrs_hw_battery_t c = battery(0.5);
    double rated_w = ilrs_hw_battery_rated_j(&c) / 3600.0;
    assert_near(ilrs_hw_battery_charge(&c, 1e6, 1.0), 0.5 * rated_w, 1e-9 * rated_w);
    assert_near(ilrs_hw_battery_discharge(&c, 1e6, 1.0), rated_w, 1e-9 * rated_w);
    // Rated energy: 64 cells x 5 Ah x mean OCV (trapezoid over the default curve).
    const double soc[] = {0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
    const double ocv[] = {3.00, 3.45, 3.55, 3.62, 3.66, 3.72, 3.78, 3.86, 3.94, 4.03, 4.10, 4.18};
    double mean = 0.0;
    for (int i = 1; i < 12; i++) {
        mean += 0.5 * (ocv[i] + ocv[i - 1]) * (soc[i] - soc[i - 1]);
    }
    assert_near(ilrs_hw_battery_rated_j(&c), 64.0 * 5.0 * mean * 3600.0, 1e-6);
    ilrs_hw_battery_t half = battery(0.5);
    assert_near(ilrs_hw_battery_ocv(&half), 8.0 * 3.78, 1e-9);
}

/* Round trip: energy out / energy in between the two SOC limits = eta_c eta_d. */
static void battery_round_trip_efficiency(void **state)
{
    (void)state;
    ilrs_hw_battery_t b = battery(0.2);
    double in = 0.0, out = 0.0, got;
    while ((got = ilrs_hw_battery_charge(&b, 300.0, 10.0)) > 0.0) {
        in += got * 10.0;
    }
    while ((got = ilrs_hw_battery_discharge(&b, 300.0, 10.0)) > 0.0) {
        out += got * 10.0;
    }
    assert_near(out / in, 0.97 * 0.97, 1e-9);
    double usable = (0.95 - 0.2) * ilrs_hw_battery_rated_j(&b);
    assert_near(in, usable / 0.97, 1e-9 * in);
    assert_near(b.loss_j, in - out, 1e-9 * in);
}

/* Temperature derating: from full to the floor a cold battery gives f(T) of what
 * a warm one gives; f interpolates the curve between its points. */
static void battery_temperature_derating(void **state)
{
    (void)state;
    ilrs_hw_battery_t warm = battery(0.95), cold = battery(0.95);
    cold.temperature_k = 253.15; // -20 C: 0.72 in the default curve
    double out_warm = 0.0, out_cold = 0.0, got;
    while (ilrs_hw_battery_charge(&warm, 200.0, 10.0) > 0.0 ||
           ilrs_hw_battery_charge(&cold, 200.0, 10.0) > 0.0) {
    }
    assert_near(ilrs_hw_battery_soc(&cold), 0.95, 1e-9);
    while ((got = ilrs_hw_battery_discharge(&warm, 200.0, 10.0)) > 0.0) {
        out_warm += got * 10.0;
    }
    while ((got = ilrs_hw_battery_discharge(&cold, 200.0, 10.0)) > 0.0) {
        out_cold += got * 10.0;
    }
    assert_near(out_cold / out_warm, 0.72, 1e-9);
    assert_near(ilrs_hw_battery_derate(&warm.p, 258.15), 0.5 * (0.72 + 0.83), 1e-12);
    assert_near(ilrs_hw_battery_derate(&warm.p, 100.0), 0.30, 0.0); // clamped
    // The gauge reads the same fraction warm and cold at the floor.
    assert_near(ilrs_hw_battery_soc(&cold), 0.2, 1e-9);
}

/* String loss: capacity and stored energy drop by one string's share, the SOC
 * and the voltage stay. A shorted cell drops the pack voltage by one cell. */
static void battery_string_and_cell_faults(void **state)
{
    (void)state;
    ilrs_hw_battery_t b = battery(0.6);
    double rated = ilrs_hw_battery_rated_j(&b), e = b.energy_j, soc = ilrs_hw_battery_soc(&b);
    double v = ilrs_hw_battery_ocv(&b);
    assert_int_equal(ilrs_hw_battery_fail_string(&b), 0);
    assert_near(ilrs_hw_battery_rated_j(&b), rated * 7.0 / 8.0, 1e-9 * rated);
    assert_near(b.energy_j, e * 7.0 / 8.0, 1e-9 * e);
    assert_near(b.failed_j, e / 8.0, 1e-9 * e);
    assert_near(ilrs_hw_battery_soc(&b), soc, 1e-12);
    assert_near(ilrs_hw_battery_ocv(&b), v, 1e-12);
    assert_int_equal(ilrs_hw_battery_short_cell(&b), 0);
    assert_near(ilrs_hw_battery_ocv(&b), v * 7.0 / 8.0, 1e-9);
    for (int i = 0; i < 7; i++) {
        assert_int_equal(ilrs_hw_battery_fail_string(&b), 0);
    }
    assert_int_equal(ilrs_hw_battery_fail_string(&b), ILRS_ESTATE);
    assert_near(ilrs_hw_battery_discharge(&b, 10.0, 1.0), 0.0, 0.0);
    assert_near(b.energy_j, 0.0, 0.0);
}

/* RTG after 10 years at hourly steps vs Q0 2^(-t/87.7 y); converter loss adds
 * (1 - c)^t to the electrical output only; an RHU is heat only. */
static void rtg_decay_ten_years(void **state)
{
    (void)state;
    ilrs_hw_rtg_params_t p = {.thermal_w_bol = 2000.0, .electric_w_bol = 110.0};
    ilrs_hw_rtg_t r, rc, rhu;
    assert_int_equal(ilrs_hw_rtg_init(&r, &p), 0);
    p.converter_loss_per_year = 0.03;
    assert_int_equal(ilrs_hw_rtg_init(&rc, &p), 0);
    ilrs_hw_rtg_params_t ph = {.thermal_w_bol = 1.0};
    assert_int_equal(ilrs_hw_rtg_init(&rhu, &ph), 0);
    double years = 10.0, dt = 3600.0;
    long steps = (long)(years * 31557600.0 / dt);
    for (long i = 0; i < steps; i++) {
        ilrs_hw_rtg_step(&r, dt);
        ilrs_hw_rtg_step(&rc, dt);
        ilrs_hw_rtg_step(&rhu, dt);
    }
    double decay = pow(0.5, years / 87.7); // 0.9241
    assert_near(r.electric_w, 110.0 * decay, 1e-9 * 110.0);
    assert_near(r.heat_w, (2000.0 - 110.0) * decay, 1e-9 * 2000.0);
    assert_near(rc.electric_w, 110.0 * decay * pow(0.97, years), 1e-9 * 110.0);
    assert_near(rhu.heat_w, decay, 1e-9);
    assert_near(rhu.electric_w, 0.0, 0.0);
    ilrs_hw_rtg_params_t bad = {.thermal_w_bol = 10.0, .electric_w_bol = 20.0};
    assert_int_equal(ilrs_hw_rtg_init(&r, &bad), ILRS_EINVAL);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(array_incidence_and_shadow),
    cmocka_unit_test(array_temperature_effect),
    cmocka_unit_test(array_aging_dust_and_fault),
    cmocka_unit_test(battery_soc_bounds),
    cmocka_unit_test(battery_round_trip_efficiency),
    cmocka_unit_test(battery_temperature_derating),
    cmocka_unit_test(battery_string_and_cell_faults),
    cmocka_unit_test(rtg_decay_ten_years),
};
ILRS_TEST_MAIN(tests)
