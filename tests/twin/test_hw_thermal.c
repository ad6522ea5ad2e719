// SPDX-License-Identifier: Apache-2.0
// Thermal network: analytic cases and stability at long steps.
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

#define SIGMA 5.670374419e-8

static ilrs_hw_node_params_t node(double c, double t0)
{
    ilrs_hw_node_params_t n = {0};
    n.capacity_j_k = c;
    n.initial_k = t0;
    return n;
}

/* One node conducting to a fixed ground: T(t) = Tg + (T0 - Tg) exp(-t G / C).
 * Backward Euler's error after n steps of h is about n (h/tau)^2 / 2 of the
 * exponent: with h = tau/1000 and t = 2 tau that is 1e-3 relative, i.e. under
 * 0.01 K on a 50 K transient. */
static void single_node_relaxes_exponentially(void **state)
{
    (void)state;
    ilrs_hw_node_params_t n = node(1.0e4, 300.0);
    ilrs_hw_coupling_t c = {0, ILRS_HW_NONE, 10.0};
    ilrs_hw_thermal_t th;
    assert_int_equal(ilrs_hw_thermal_init(&th, &n, 1, &c, 1), 0);
    double tau = 1.0e4 / 10.0, t = 0.0;
    for (int i = 0; i < 2000; i++) {
        ilrs_hw_thermal_step(&th, NULL, 250.0, 3.0, NULL, 1.0);
        t += 1.0;
        if (i == 499 || i == 999 || i == 1999) {
            double expect = 250.0 + 50.0 * exp(-t / tau);
            assert_near(th.t_k[0], expect, 0.01);
        }
    }
}

/* Radiative equilibrium of a heated node with no conduction:
 * Q = eps sigma A (T^4 - Tsink^4)  ->  T = (Q / (eps sigma A) + Tsink^4)^(1/4). */
static void radiative_equilibrium(void **state)
{
    (void)state;
    ilrs_hw_node_params_t n = node(5.0e3, 150.0);
    n.radiator_area_m2 = 1.0;
    n.emissivity = 0.9;
    ilrs_hw_thermal_t th;
    assert_int_equal(ilrs_hw_thermal_init(&th, &n, 1, NULL, 0), 0);
    double q = 100.0;
    for (int i = 0; i < 2000; i++) {
        ilrs_hw_thermal_step(&th, &q, 0.0, 0.0, NULL, 60.0);
    }
    double expect = pow(q / (0.9 * SIGMA * 1.0), 0.25); // 210.4 K
    assert_near(th.t_k[0], expect, 1e-9 * expect);
    // With a 100 K sink.
    for (int i = 0; i < 2000; i++) {
        ilrs_hw_thermal_step(&th, &q, 0.0, 100.0, NULL, 60.0);
    }
    expect = pow(q / (0.9 * SIGMA) + 1e8, 0.25);
    assert_near(th.t_k[0], expect, 1e-9 * expect);
    // Sunlight on a horizontal absorber at elevation 30 deg: alpha S A sin(el).
    ilrs_hw_node_params_t m = node(5.0e3, 300.0);
    m.radiator_area_m2 = 1.0;
    m.emissivity = 1.0;
    m.solar_area_m2 = 1.0;
    m.absorptance = 0.5;
    assert_int_equal(ilrs_hw_thermal_init(&th, &m, 1, NULL, 0), 0);
    ilrs_hw_sun_t sun;
    ilrs_hw_sun_set(&sun, 1361.0, 30.0, 0.0, 1.0);
    for (int i = 0; i < 2000; i++) {
        ilrs_hw_thermal_step(&th, NULL, 0.0, 0.0, &sun, 60.0);
    }
    expect = pow(0.5 * 1361.0 * 0.5 / SIGMA, 0.25);
    assert_near(th.t_k[0], expect, 1e-9 * expect);
}

/* Stiff network at 60 s steps: time constants down to 1 s, radiation, heaters.
 * Temperatures stay finite and physical, the 60 s solution follows a 1 s one
 * along the whole transient and agrees at the end, and the steady state
 * balances the heat. A single stiff node (tau = 1 s) stepped at 60 s moves
 * monotonically to its sink, never past it. */
static void stable_at_sixty_second_steps(void **state)
{
    (void)state;
    ilrs_hw_node_params_t n[8];
    for (int i = 0; i < 8; i++) {
        n[i] = node(i < 4 ? 10.0 : 1.0e5, 280.0); // 10 J/K nodes: tau ~ 1 s
        n[i].radiator_area_m2 = i == 7 ? 2.0 : 0.0;
        n[i].emissivity = 0.85;
    }
    ilrs_hw_coupling_t c[10] = {
        {0, 4, 5.0},  {1, 4, 5.0},  {2, 5, 5.0},
        {3, 5, 5.0},  {4, 5, 20.0}, {5, 6, 10.0},
        {6, 7, 30.0}, {4, 7, 2.0},  {6, ILRS_HW_NONE, 1.0},
        {0, 1, 3.0},
    };
    double q[8] = {50.0, 0.0, 20.0, 0.0, 0.0, 10.0, 0.0, 0.0};
    ilrs_hw_thermal_t coarse, fine;
    assert_int_equal(ilrs_hw_thermal_init(&coarse, n, 8, c, 10), 0);
    assert_int_equal(ilrs_hw_thermal_init(&fine, n, 8, c, 10), 0);
    double worst = 0.0;
    for (int step = 0; step < 14400; step++) { // 10 days at 60 s
        ilrs_hw_thermal_step(&coarse, q, 200.0, 3.0, NULL, 60.0);
        for (int s = 0; s < 60; s++) {
            ilrs_hw_thermal_step(&fine, q, 200.0, 3.0, NULL, 1.0);
        }
        for (int i = 0; i < 8; i++) {
            double t = coarse.t_k[i];
            assert_true(isfinite(t) && t > 3.0 && t < 1000.0);
            worst = fmax(worst, fabs(t - fine.t_k[i]));
        }
    }
    assert_true(worst < 5.0); // along the whole transient, not only at the end
    for (int i = 0; i < 8; i++) {
        assert_near(coarse.t_k[i], fine.t_k[i], 0.5);
    }
    // Energy balance at steady state (the slowest mode has tau ~ 1.5 d: run
    // 30 more days): heat in = conducted to ground + radiated.
    for (int step = 0; step < 43200; step++) {
        ilrs_hw_thermal_step(&coarse, q, 200.0, 3.0, NULL, 60.0);
    }
    double in = 50.0 + 20.0 + 10.0;
    double out =
        1.0 * (coarse.t_k[6] - 200.0) + 0.85 * SIGMA * 2.0 * (pow(coarse.t_k[7], 4) - 81.0);
    assert_near(out, in, 1e-6 * in);
}

static void stiff_node_does_not_overshoot(void **state)
{
    (void)state;
    ilrs_hw_node_params_t n = node(10.0, 300.0);
    ilrs_hw_coupling_t c = {0, ILRS_HW_NONE, 10.0};
    ilrs_hw_thermal_t th;
    assert_int_equal(ilrs_hw_thermal_init(&th, &n, 1, &c, 1), 0);
    double prev = 300.0;
    for (int i = 0; i < 4; i++) {
        ilrs_hw_thermal_step(&th, NULL, 250.0, 3.0, NULL, 60.0);
        assert_true(th.t_k[0] >= 250.0 && th.t_k[0] < prev);
        prev = th.t_k[0];
    }
    // Backward Euler's amplification 1 / (1 + dt / tau) = 1/61 per step.
    assert_near(th.t_k[0], 250.0 + 50.0 * pow(1.0 / 61.0, 4.0), 1e-9);
}

static void rejects_bad_networks(void **state)
{
    (void)state;
    ilrs_hw_node_params_t n[2] = {node(10.0, 280.0), node(10.0, 280.0)};
    ilrs_hw_coupling_t self = {0, 0, 1.0}, out_of_range = {0, 2, 1.0}, neg = {0, 1, -1.0};
    ilrs_hw_thermal_t th;
    assert_int_equal(ilrs_hw_thermal_init(&th, n, 2, &self, 1), ILRS_EINVAL);
    assert_int_equal(ilrs_hw_thermal_init(&th, n, 2, &out_of_range, 1), ILRS_EINVAL);
    assert_int_equal(ilrs_hw_thermal_init(&th, n, 2, &neg, 1), ILRS_EINVAL);
    assert_int_equal(ilrs_hw_thermal_init(&th, n, ILRS_HW_NODES_MAX + 1, NULL, 0), ILRS_ELIMIT);
    n[1].capacity_j_k = 0.0;
    assert_int_equal(ilrs_hw_thermal_init(&th, n, 2, NULL, 0), ILRS_EINVAL);
}

/* A louvred, sky-facing radiator (Gilmore vol. I ch. 8: effective emittance
 * about 0.1 closed, 0.7 open): a node with heat Q settles where
 * Q = eps(T) sigma A (T^4 - 3^4); with little heat the louvre stays closed
 * (T below the closed set point, eps 0.1), with much heat it opens fully
 * (eps 0.7); the sink given to the step does not reach a sky-facing radiator. */
static void louvred_radiator_equilibria(void **state)
{
    (void)state;
    ilrs_hw_node_params_t n = node(1.0e4, 290.0);
    n.radiator_area_m2 = 1.0;
    n.emissivity = 0.7;
    n.louvre_closed_k = 273.15;
    n.louvre_open_k = 288.15;
    n.louvre_emissivity_closed = 0.1;
    n.radiator_faces_sky = true;
    assert_near(ilrs_hw_node_emissivity(&n, 250.0), 0.1, 1e-12);
    assert_near(ilrs_hw_node_emissivity(&n, 280.65), 0.4, 1e-12);
    assert_near(ilrs_hw_node_emissivity(&n, 300.0), 0.7, 1e-12);
    const double q[2] = {20.0, 400.0}, eps[2] = {0.1, 0.7};
    for (int k = 0; k < 2; k++) {
        ilrs_hw_thermal_t th;
        assert_int_equal(ilrs_hw_thermal_init(&th, &n, 1, NULL, 0), 0);
        for (int i = 0; i < 20000; i++) {
            ilrs_hw_thermal_step(&th, &q[k], 300.0, 300.0, NULL, 60.0); /* a hot sink, ignored */
        }
        double expect = pow(q[k] / (eps[k] * SIGMA * 1.0) + 81.0, 0.25);
        assert_near(th.t_k[0], expect, 0.05);
        assert_true(k == 0 ? th.t_k[0] < 273.15 : th.t_k[0] > 288.15);
    }
    /* bad louvres: open not above closed, closed emittance above the open one */
    ilrs_hw_node_params_t bad = n;
    bad.louvre_open_k = bad.louvre_closed_k;
    ilrs_hw_thermal_t th;
    assert_int_equal(ilrs_hw_thermal_init(&th, &bad, 1, NULL, 0), ILRS_EINVAL);
    bad = n;
    bad.louvre_emissivity_closed = 0.8;
    assert_int_equal(ilrs_hw_thermal_init(&th, &bad, 1, NULL, 0), ILRS_EINVAL);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(single_node_relaxes_exponentially),
    cmocka_unit_test(radiative_equilibrium),
    cmocka_unit_test(stable_at_sixty_second_steps),
    cmocka_unit_test(stiff_node_does_not_overshoot),
    cmocka_unit_test(rejects_bad_networks),
    cmocka_unit_test(louvred_radiator_equilibria),
};
ILRS_TEST_MAIN(tests)
