// SPDX-License-Identifier: Apache-2.0
// Radios (link budget, rate table, queue, outage), mass storage, payloads.
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

/* Hand-computed link budget, Queqiao-class surface-to-relay defaults at
 * 70,000 km (a lander to a relay near Earth-Moon L2, as Chang'e-4 to Queqiao-1),
 * following Sklar 2001 §5.5 and ITU-R P.525-4 eq. (4):
 *   EIRP   = 10 log10(10 W) + 10 dBi                         =  20.00 dBW
 *   L_fs   = 32.45 + 20 log10(8400 MHz) + 20 log10(70000 km)
 *          = 32.45 + 78.49 + 96.90                            = 207.84 dB
 *   -10 log10 k                                               = 228.60 dB(W/K/Hz)
 *   T_sys  = 10 log10(400 K)                                  =  26.02 dBK
 *   C/N0   = 20.00 - 207.84 - 3.00 + 48.80 + 228.60 - 26.02  =  60.54 dB-Hz
 *   555 kbit/s: Eb/N0 = 60.54 - 57.44 = 3.10 dB; margin over 2.5 dB = 0.60 < 3: no
 *   277.5 kbit/s: Eb/N0 = 60.54 - 54.43 = 6.11 dB; margin 3.61 >= 3: closes.
 * ITU-R P.525's 32.45 dB constant is rounded (exactly 32.4478), hence 0.01 dB. */
static void link_budget_hand_example(void **state)
{
    (void)state;
    ilrs_hw_radio_params_t p;
    ilrs_hw_radio_params_default(&p);
    ilrs_hw_link_t l;
    ilrs_hw_link_budget(&p, 7.0e7, &l);
    assert_near(l.eirp_dbw, 20.00, 0.005);
    assert_near(l.path_loss_db, 207.84, 0.01);
    assert_near(l.cn0_dbhz, 60.54, 0.01);
    assert_near(l.rate_bps, 277500.0, 0.0);
    assert_near(l.margin_db, 3.61, 0.01);
    // Inverse-square law: halving the distance gains 6.02 dB.
    ilrs_hw_link_t near;
    ilrs_hw_link_budget(&p, 3.5e7, &near);
    assert_near(near.cn0_dbhz - l.cn0_dbhz, 20.0 * log10(2.0), 1e-9);
    assert_near(near.rate_bps, 555000.0, 0.0);
    // Far beyond: nothing closes, the margin reported is the lowest rate's.
    ilrs_hw_link_t far;
    ilrs_hw_link_budget(&p, 1.0e11, &far);
    assert_near(far.rate_bps, 0.0, 0.0);
    assert_true(far.margin_db < p.margin_db);
}

/* The radio's step picks the same rate as the full budget at every distance,
 * drains its queue at that rate, and an outage fault drops the link. */
static void radio_rate_queue_and_outage(void **state)
{
    (void)state;
    ilrs_hw_radio_params_t p;
    ilrs_hw_radio_params_default(&p);
    ilrs_hw_radio_t r;
    assert_int_equal(ilrs_hw_radio_init(&r, &p), 0);
    for (double d = 1.0e6; d < 3.0e9; d *= 1.37) {
        ilrs_hw_link_t l;
        ilrs_hw_link_budget(&p, d, &l);
        ilrs_hw_radio_step(&r, d, true, true, 1.0);
        assert_int_equal(r.link_up, l.rate_bps > 0.0);
        assert_near(r.link_up ? r.link.rate_bps : 0.0, l.rate_bps, 0.0);
    }
    // 277.5 kbit/s for 10 s drains 346,875 bytes.
    assert_int_equal(ilrs_hw_radio_send(&r, 1000000), 0);
    for (int i = 0; i < 10; i++) {
        ilrs_hw_radio_step(&r, 7.0e7, true, true, 1.0);
    }
    assert_int_equal(r.sent_bytes, 346875);
    assert_int_equal(r.queued_bytes, 1000000 - 346875);
    assert_near(ilrs_hw_radio_power(&r), p.power_tx_w, 0.0);
    // Queue limit: all or nothing.
    assert_int_equal(ilrs_hw_radio_send(&r, p.queue_bytes), ILRS_EFULL);
    assert_int_equal(r.dropped_bytes, p.queue_bytes);
    // Outage: link down, nothing sent; cleared: back.
    r.outage = true;
    ilrs_hw_radio_step(&r, 7.0e7, true, true, 1.0);
    assert_false(r.link_up);
    assert_int_equal(r.sent_bytes, 346875);
    r.outage = false;
    ilrs_hw_radio_step(&r, 7.0e7, true, true, 1.0);
    assert_true(r.link_up);
    assert_true(r.sent_bytes > 346875);
    // Not visible, unpowered: no link.
    ilrs_hw_radio_step(&r, 7.0e7, false, true, 1.0);
    assert_false(r.link_up);
    ilrs_hw_radio_step(&r, 7.0e7, true, false, 1.0);
    assert_false(r.link_up);
    p.rate_bps[1] = p.rate_bps[0]; // not ascending
    assert_int_equal(ilrs_hw_radio_init(&r, &p), ILRS_EINVAL);
}

static void storage_fills_and_releases(void **state)
{
    (void)state;
    ilrs_hw_storage_t s = {.capacity_bytes = 1000};
    assert_int_equal(ilrs_hw_storage_write(&s, 600), 600);
    assert_false(ilrs_hw_storage_is_full(&s));
    assert_int_equal(ilrs_hw_storage_write(&s, 600), 400);
    assert_true(ilrs_hw_storage_is_full(&s));
    assert_int_equal(s.refused_bytes, 200);
    assert_int_equal(ilrs_hw_storage_release(&s, 300), 300);
    assert_int_equal(ilrs_hw_storage_release(&s, 5000), 700);
    assert_int_equal(s.used_bytes, 0);
    assert_int_equal(s.written_bytes, 1000);
    assert_int_equal(s.released_bytes, 1000);
}

/* A payload produces rate x on-time while active and powered; a 25 % duty cycle
 * over a 100 s period gives a quarter of the continuous volume whatever the
 * step (1 s or 7 s, or longer than the period). */
static void payload_duty_cycle(void **state)
{
    (void)state;
    ilrs_hw_payload_params_t p = {.power_standby_w = 1.0,
                                  .power_active_w = 10.0,
                                  .data_rate_bps = 8000.0,
                                  .duty_cycle = 0.25,
                                  .duty_period_s = 100.0};
    const double steps[3] = {1.0, 7.0, 250.0};
    for (int k = 0; k < 3; k++) {
        ilrs_hw_payload_t pl;
        assert_int_equal(ilrs_hw_payload_init(&pl, &p), 0);
        ilrs_hw_payload_step(&pl, true, steps[k]);
        assert_true(ilrs_hw_payload_command(&pl, 0));
        assert_true(ilrs_hw_payload_command(&pl, 1));
        pl.phase_s = 0.0;
        pl.pending_bits = 0.0;
        double t = 0.0;
        while (t < 7000.0 - 1e-9) {
            ilrs_hw_payload_step(&pl, true, steps[k]);
            t += steps[k];
        }
        // 7000 s = 70 periods: 70 x 25 s x 1000 bytes/s.
        assert_int_equal(ilrs_hw_payload_read(&pl), 70 * 25 * 1000);
        assert_int_equal(ilrs_hw_payload_read(&pl), 0);
        assert_near(ilrs_hw_payload_power(&pl), 10.0, 0.0);
    }
}

/* Hang: stops producing and ignores commands until its power is cycled. */
static void payload_hang_and_power_cycle(void **state)
{
    (void)state;
    ilrs_hw_payload_params_t p = {.power_active_w = 5.0, .data_rate_bps = 800.0, .duty_cycle = 1.0};
    ilrs_hw_payload_t pl;
    assert_int_equal(ilrs_hw_payload_init(&pl, &p), 0);
    assert_false(ilrs_hw_payload_command(&pl, 1)); // unpowered: ignored
    ilrs_hw_payload_step(&pl, true, 1.0);
    assert_true(ilrs_hw_payload_command(&pl, 1));
    ilrs_hw_payload_step(&pl, true, 10.0);
    assert_int_equal(ilrs_hw_payload_read(&pl), 1000);
    pl.hung = true;
    ilrs_hw_payload_step(&pl, true, 10.0);
    assert_int_equal(ilrs_hw_payload_read(&pl), 0);
    assert_false(ilrs_hw_payload_command(&pl, 2));
    assert_int_equal(pl.mode, 1);
    ilrs_hw_payload_step(&pl, false, 1.0); // power cycle
    ilrs_hw_payload_step(&pl, true, 1.0);
    assert_false(pl.hung);
    assert_int_equal(pl.mode, 0);
    assert_true(ilrs_hw_payload_command(&pl, 2));
    ilrs_hw_payload_step(&pl, true, 10.0);
    assert_int_equal(ilrs_hw_payload_read(&pl), 1000);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(link_budget_hand_example),     cmocka_unit_test(radio_rate_queue_and_outage),
    cmocka_unit_test(storage_fills_and_releases),   cmocka_unit_test(payload_duty_cycle),
    cmocka_unit_test(payload_hang_and_power_cycle),
};
ILRS_TEST_MAIN(tests)
