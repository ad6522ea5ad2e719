/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private helpers of the station hardware models (src/twin/twin_hw_*.c,
 * src/twin/twin_hal.c). Not part of the public API; twin_int.h belongs to the
 * environment sessions and is not used here.
 */
#ifndef ILRS_TWIN_HW_INT_H
#define ILRS_TWIN_HW_INT_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <ilrs/twin.h>

#define HW_DEG2RAD 0.017453292519943295
#define HW_PI      3.14159265358979323846

/* Piecewise-linear interpolation in a table with ascending x, clamped at the ends. */
static inline double hw_interp(const double *x, const double *y, size_t n, double at)
{
    if (n == 0) {
        return 0.0;
    }
    if (at <= x[0]) {
        return y[0];
    }
    if (at >= x[n - 1]) {
        return y[n - 1];
    }
    size_t i = 1;
    while (x[i] < at) {
        i++;
    }
    double f = (at - x[i - 1]) / (x[i] - x[i - 1]);
    return y[i - 1] + f * (y[i] - y[i - 1]);
}

static inline bool hw_ascending(const double *x, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (!(x[i] > x[i - 1])) {
            return false;
        }
    }
    return true;
}

static inline double hw_clamp(double v, double lo, double hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

static inline bool hw_finite_nonneg(double v)
{
    return isfinite(v) && v >= 0.0;
}

/* Copy a name, always NUL-terminated. */
static inline void hw_name(char *dst, const char *src)
{
    size_t n = strnlen(src, ILRS_HW_NAME_MAX - 1);
    memmove(dst, src, n);
    dst[n] = '\0';
}

/* --- Step functions, inline so the station's step loop pays no calls ------- */
/* (the public ilrs_hw_*_step functions are wrappers around these) */

void ilrs__hw_array_aging(ilrs_hw_array_t *a);
void ilrs__hw_rtg_factors(ilrs_hw_rtg_t *r, double dt_s);

static inline double hw_array_step(ilrs_hw_array_t *a, const ilrs_hw_sun_t *sun, double sink_k,
                                   double dt_s)
{
    a->age_s += dt_s;
    if (a->age_s - a->aging_at_s >= 3600.0) {
        ilrs__hw_array_aging(a);
    }
    const double *s = sun->dir_enu;
    double c;
    if (a->p.mount == ILRS_HW_MOUNT_TRACK) {
        c = sun->horizontal * a->cos_normal_el + s[2] * a->sin_normal_el;
    } else {
        c = s[0] * a->n_enu[0] + s[1] * a->n_enu[1] + s[2] * a->n_enu[2];
    }
    if (c < 0.0) {
        c = 0.0;
    }
    a->cos_incidence = c;
    double g = sun->flux_w_m2 * sun->visible_fraction * c;
    if (g == a->steady_g && sink_k == a->steady_sink_k && a->aging == a->steady_aging &&
        a->fault_factor == a->steady_fault) {
        // Same irradiance, sink, aging and faults as a step whose temperature and power
        // had already converged (the panel balance is a fixed point): unchanged.
        return a->power_w;
    }
    double absorbed = a->p.absorptance * g - a->power_w / a->p.area_m2;
    double t4 = sink_k * sink_k * sink_k * sink_k +
                absorbed / (ILRS_HW_SIGMA * (a->p.emittance_front + a->p.emittance_back));
    a->temperature_k = t4 > 0.0 ? sqrt(sqrt(t4)) : 0.0;
    double eta =
        a->p.efficiency * (1.0 + a->p.temp_coeff_per_k * (a->temperature_k - a->p.ref_temp_k));
    if (eta < 0.0) {
        eta = 0.0;
    }
    double p = g * a->p.area_m2 * eta * a->aging * a->fault_factor;
    if (fabs(p - a->power_w) <= 1e-12 * p) {
        a->steady_g = g;
        a->steady_sink_k = sink_k;
        a->steady_aging = a->aging;
        a->steady_fault = a->fault_factor;
    } else {
        a->steady_g = -1.0;
    }
    a->power_w = p;
    return p;
}

static inline void hw_rtg_step(ilrs_hw_rtg_t *r, double dt_s)
{
    // The per-step decay factors are cached for the step length in use, so a
    // fixed-step run costs two multiplications (rounding after 3e7 steps
    // stays below 1e-8 relative).
    if (dt_s != r->decay_dt_s) {
        ilrs__hw_rtg_factors(r, dt_s);
    }
    r->age_s += dt_s;
    r->fuel_fraction *= r->decay_factor;
    r->converter_fraction *= r->converter_factor;
    r->electric_w = r->p.electric_w_bol * r->fuel_fraction * r->converter_fraction;
    r->heat_w = r->p.thermal_w_bol * r->fuel_fraction - r->electric_w;
}

// Time within [x0, x1) spent in on-windows [k P, k P + d P), for 0 <= x0 < P and
// x1 - x0 < P (so at most the windows k = 0 and k = 1 overlap).
static inline double on_overlap(double x0, double x1, double period, double on)
{
    double t = 0.0;
    for (int k = 0; k < 2; k++) {
        double lo = (double)k * period, hi = lo + on;
        double a = x0 > lo ? x0 : lo, b = x1 < hi ? x1 : hi;
        if (b > a) {
            t += b - a;
        }
    }
    return t;
}

static inline void hw_payload_step(ilrs_hw_payload_t *pl, bool powered, double dt_s)
{
    if (!powered) {
        // Power loss resets the payload: standby at the next power-on, any hang cleared.
        pl->powered = false;
        pl->mode = 0;
        pl->hung = false;
        pl->phase_s = 0.0;
        return;
    }
    pl->powered = true;
    double on_time;
    if (pl->p.duty_cycle >= 1.0) {
        on_time = dt_s;
    } else {
        double period = pl->p.duty_period_s, on = pl->p.duty_cycle * period;
        double whole = 0.0, rem = dt_s;
        if (dt_s >= period) {
            whole = floor(dt_s / period);
            rem = dt_s - whole * period;
        }
        on_time = whole * on + on_overlap(pl->phase_s, pl->phase_s + rem, period, on);
        pl->phase_s += rem;
        if (pl->phase_s >= period) {
            pl->phase_s -= period;
        }
    }
    if (pl->mode != 0 && !pl->hung) {
        double bits = pl->p.data_rate_bps * on_time;
        pl->pending_bits += bits;
        pl->produced_bits += bits;
    }
}

static inline void hw_radio_step(ilrs_hw_radio_t *r, double distance_m, bool visible, bool powered,
                                 double dt_s)
{
    size_t idx = 0;
    if (visible && distance_m > 0.0 && powered && !r->outage) {
        // Rates are ascending, so their ranges descend: the highest rate that
        // closes is the last one whose range covers the distance.
        while (idx < r->p.rates && distance_m <= r->max_distance_m[idx]) {
            idx++;
        }
    }
    if (idx != r->rate_index || (idx > 0 && r->link.rate_bps == 0.0)) {
        r->rate_index = idx;
        if (idx > 0) {
            ilrs_hw_link_budget(&r->p, distance_m, &r->link);
            r->link.rate_bps = r->p.rate_bps[idx - 1];
        } else {
            memset(&r->link, 0, sizeof r->link);
        }
    }
    r->last_distance_m = distance_m;
    r->link_up = idx > 0;
    r->transmitting = r->link_up && r->queued_bytes > 0;
    if (!r->link_up || r->queued_bytes == 0) {
        r->credit_bytes = 0.0; // link capacity cannot be banked
        return;
    }
    r->credit_bytes += r->link.rate_bps * dt_s / 8.0;
    double whole = floor(r->credit_bytes);
    uint64_t n = whole >= (double)r->queued_bytes ? r->queued_bytes : (uint64_t)whole;
    r->queued_bytes -= n;
    r->sent_bytes += n;
    r->credit_bytes -= (double)n;
    if (r->queued_bytes == 0) {
        r->credit_bytes = 0.0;
    }
}

#endif
