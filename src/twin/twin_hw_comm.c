// SPDX-License-Identifier: Apache-2.0
//
// Data hardware of the station twin: radios with a link budget and a transmit
// queue, mass storage, and payloads producing data on a duty cycle. Depends on
// libm only.
//
// Link budget (Sklar, Digital Communications, 2nd ed. 2001, §5.4-5.5, eqs.
// 5.14-5.21; free-space loss as in ITU-R P.525-4 eq. (4)):
//   EIRP   = 10 log10(P_tx) + G_tx                              dBW
//   L_fs   = 20 log10(4 pi d f / c)                              dB
//   C/N0   = EIRP - L_fs - L_misc + G_rx - 10 log10(k) - 10 log10(T_sys)   dB-Hz
//   Eb/N0  = C/N0 - 10 log10(R)                                  dB
// A rate R of the table closes when Eb/N0 - (Eb/N0)_req >= required margin; the
// radio uses the highest rate that closes. Everything but d is constant, so
// init computes, for each rate, the range at which it stops closing, and a
// step only compares the distance with that table (no logarithm per step).
#include "twin/twin_hw_int.h"

#define C_M_S 299792458.0 /* speed of light, exact (SI) */

void ilrs_hw_radio_params_default(ilrs_hw_radio_params_t *p)
{
    // Queqiao-class surface-to-relay link (REFERENCE.md "Links": lander to relay
    // 1.4-555 kbit/s on Queqiao-1, X band to surface craft). The relay's 4.2 m
    // antenna gives G = 10 log10(0.55 (pi D / lambda)^2) = 48.8 dBi at 8.4 GHz;
    // the surface side (10 W, 10 dBi), T_sys, losses and the coding threshold
    // (2.5 dB: concatenated RS + rate-1/2 convolutional at BER 1e-5, CCSDS
    // 130.1-G-3) are assumptions documented in docs/twin-hardware.md.
    static const double rates[] = {1400.0,  2800.0,  5550.0,   11100.0,  22200.0,
                                   44400.0, 88800.0, 138750.0, 277500.0, 555000.0};
    memset(p, 0, sizeof *p);
    hw_name(p->name, "radio");
    p->frequency_hz = 8.4e9;
    p->tx_power_w = 10.0;
    p->tx_gain_dbi = 10.0;
    p->rx_gain_dbi = 48.8;
    p->system_noise_k = 400.0;
    p->losses_db = 3.0;
    p->required_ebn0_db = 2.5;
    p->margin_db = 3.0;
    p->rates = sizeof rates / sizeof rates[0];
    memcpy(p->rate_bps, rates, sizeof rates);
    p->power_idle_w = 5.0;
    p->power_tx_w = 35.0;
    p->queue_bytes = UINT64_C(16) << 20;
    p->target = 0;
}

// C/N0 + 20 log10(d): the distance-independent part of the budget, dB-Hz.
static double budget_k_db(const ilrs_hw_radio_params_t *p)
{
    double eirp = 10.0 * log10(p->tx_power_w) + p->tx_gain_dbi;
    double fs_const = 20.0 * log10(4.0 * HW_PI * p->frequency_hz / C_M_S);
    double k_db = 10.0 * log10(ILRS_HW_BOLTZMANN);
    return eirp - fs_const - p->losses_db + p->rx_gain_dbi - k_db - 10.0 * log10(p->system_noise_k);
}

void ilrs_hw_link_budget(const ilrs_hw_radio_params_t *p, double distance_m, ilrs_hw_link_t *out)
{
    memset(out, 0, sizeof *out);
    if (!(distance_m > 0.0) || !(p->frequency_hz > 0.0) || !(p->tx_power_w > 0.0) ||
        !(p->system_noise_k > 0.0)) {
        return;
    }
    out->eirp_dbw = 10.0 * log10(p->tx_power_w) + p->tx_gain_dbi;
    out->path_loss_db = 20.0 * log10(4.0 * HW_PI * distance_m * p->frequency_hz / C_M_S);
    out->cn0_dbhz = out->eirp_dbw - out->path_loss_db - p->losses_db + p->rx_gain_dbi -
                    10.0 * log10(ILRS_HW_BOLTZMANN) - 10.0 * log10(p->system_noise_k);
    out->rate_bps = 0.0;
    if (p->rates == 0 || !(p->rate_bps[0] > 0.0)) {
        return;
    }
    out->margin_db = out->cn0_dbhz - 10.0 * log10(p->rate_bps[0]) - p->required_ebn0_db;
    for (size_t i = p->rates; i-- > 0;) {
        double m = out->cn0_dbhz - 10.0 * log10(p->rate_bps[i]) - p->required_ebn0_db;
        if (m >= p->margin_db) {
            out->rate_bps = p->rate_bps[i];
            out->margin_db = m;
            break;
        }
    }
}

int ilrs_hw_radio_init(ilrs_hw_radio_t *r, const ilrs_hw_radio_params_t *p)
{
    memset(r, 0, sizeof *r);
    if (!(p->frequency_hz > 0.0) || !(p->tx_power_w > 0.0) || !(p->system_noise_k > 0.0) ||
        !isfinite(p->tx_gain_dbi) || !isfinite(p->rx_gain_dbi) || !isfinite(p->losses_db) ||
        !isfinite(p->required_ebn0_db) || !isfinite(p->margin_db) || p->rates == 0 ||
        p->rates > ILRS_HW_RATES_MAX || !hw_ascending(p->rate_bps, p->rates) ||
        !(p->rate_bps[0] > 0.0) || !hw_finite_nonneg(p->power_idle_w) ||
        !hw_finite_nonneg(p->power_tx_w) || p->queue_bytes == 0) {
        return ILRS_EINVAL;
    }
    r->p = *p;
    r->p.name[ILRS_HW_NAME_MAX - 1] = '\0';
    r->k_db = budget_k_db(p);
    for (size_t i = 0; i < p->rates; i++) {
        double db = r->k_db - 10.0 * log10(p->rate_bps[i]) - p->required_ebn0_db - p->margin_db;
        r->max_distance_m[i] = pow(10.0, db / 20.0);
    }
    return 0;
}

void ilrs_hw_radio_step(ilrs_hw_radio_t *r, double distance_m, bool visible, bool powered,
                        double dt_s)
{
    hw_radio_step(r, distance_m, visible, powered, dt_s);
}

int ilrs_hw_radio_send(ilrs_hw_radio_t *r, uint64_t bytes)
{
    if (bytes > r->p.queue_bytes - r->queued_bytes) {
        r->dropped_bytes += bytes;
        return ILRS_EFULL;
    }
    r->queued_bytes += bytes;
    return 0;
}

double ilrs_hw_radio_power(const ilrs_hw_radio_t *r)
{
    return r->transmitting ? r->p.power_tx_w : r->p.power_idle_w;
}

/* --- Mass storage ------------------------------------------------------------- */

uint64_t ilrs_hw_storage_write(ilrs_hw_storage_t *s, uint64_t bytes)
{
    uint64_t room = s->capacity_bytes - s->used_bytes;
    uint64_t n = bytes < room ? bytes : room;
    s->used_bytes += n;
    s->written_bytes += n;
    s->refused_bytes += bytes - n;
    return n;
}

uint64_t ilrs_hw_storage_release(ilrs_hw_storage_t *s, uint64_t bytes)
{
    uint64_t n = bytes < s->used_bytes ? bytes : s->used_bytes;
    s->used_bytes -= n;
    s->released_bytes += n;
    return n;
}

bool ilrs_hw_storage_is_full(const ilrs_hw_storage_t *s)
{
    return s->used_bytes >= s->capacity_bytes;
}

/* --- Payloads ------------------------------------------------------------------ */

int ilrs_hw_payload_init(ilrs_hw_payload_t *pl, const ilrs_hw_payload_params_t *p)
{
    memset(pl, 0, sizeof *pl);
    if (!hw_finite_nonneg(p->power_standby_w) || !hw_finite_nonneg(p->power_active_w) ||
        !hw_finite_nonneg(p->data_rate_bps) || !(p->duty_cycle >= 0.0 && p->duty_cycle <= 1.0) ||
        !hw_finite_nonneg(p->duty_period_s) || (p->duty_cycle < 1.0 && !(p->duty_period_s > 0.0))) {
        return ILRS_EINVAL;
    }
    pl->p = *p;
    pl->p.name[ILRS_HW_NAME_MAX - 1] = '\0';
    return 0;
}

void ilrs_hw_payload_step(ilrs_hw_payload_t *pl, bool powered, double dt_s)
{
    hw_payload_step(pl, powered, dt_s);
}

bool ilrs_hw_payload_command(ilrs_hw_payload_t *pl, uint32_t mode)
{
    if (!pl->powered || pl->hung) {
        return false;
    }
    pl->mode = mode;
    return true;
}

double ilrs_hw_payload_power(const ilrs_hw_payload_t *pl)
{
    if (!pl->powered) {
        return 0.0;
    }
    return pl->mode != 0 ? pl->p.power_active_w : pl->p.power_standby_w;
}

uint64_t ilrs_hw_payload_read(ilrs_hw_payload_t *pl)
{
    double bytes = floor(pl->pending_bits / 8.0);
    pl->pending_bits -= bytes * 8.0;
    return (uint64_t)bytes;
}
