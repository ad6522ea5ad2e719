// SPDX-License-Identifier: Apache-2.0
//
// Power hardware models of the station twin: solar arrays, Li-ion batteries,
// radioisotope heater units and thermoelectric generators. Each is a plain
// struct advanced by a step function; the power bus that connects them (and the
// energy ledger) is in twin_hal.c. Depends on base and libm.
//
// Solar array (per step):
//   cos i   = max(0, s . n)        fixed normal n;   tracking vertical mast:
//             max(0, cos(el_s - el_n)) = cos el_s cos el_n + sin el_s sin el_n
//             (the mast turns to the Sun's azimuth, so only elevation costs;
//             Patel, Spacecraft Power Systems, 2005, ch. 7 on incidence loss)
//   G       = S * visible_fraction * cos i         (W m^-2 on the cells)
//   T       = (T_sink^4 + (alpha G - P/A) / (sigma (eps_f + eps_b)))^(1/4)
//             thin panel in radiative balance, both faces radiating; panel time
//             constant is minutes (areal heat capacity ~ 2e3 J m^-2 K^-1 over
//             ~ 8 W m^-2 K^-1 radiative conductance at 350 K), short against the
//             hours over which G changes at the pole; P from the previous step
//   eta(T)  = eta_ref * (1 + beta (T - T_ref)),  T_ref = 28 C
//             (the AM0 rating temperature of space cells; beta ~ -0.2 %/K
//             relative for triple-junction GaInP/GaAs/Ge cells (the order of
//             the Pmp temperature gradients in space-cell data sheets, which
//             specify performance at AM0 and 28 C); -0.4..-0.5 %/K for silicon.
//             A typical value, not one product's: scenarios set their cell's)
//   aging   = (1 - d)^years * (1 - min(dust_max, dust_per_day * days))
//             (degradation compounding yearly; lunar dust obscuration grows with
//             exposure, as the Apollo dust detectors' solar cells showed:
//             O'Brien 2011, Planet. Space Sci. 59:1708; the default rate is an
//             assumption, scenarios set theirs). Re-evaluated once per simulated
//             hour: it changes by < 1e-6 relative in that time.
//   P       = G * A * eta(T) * aging * fault
//
// Battery: energy counting. E is the stored (chemical) energy. The rated energy
// is cells x C_cell x integral_0^1 OCV(s) ds; the usable capacity at temperature
// T is rated x f(T). What the cold takes away is modelled as unreachable energy
// at the bottom of the charge: U = rated (1 - f(T)), and the gauge's state of
// charge is SOC = (E - U) / (rated f(T)). Charging stops at soc_max, discharging
// at soc_min; charge stores eta_c of the bus energy, discharge draws 1/eta_d of
// the delivered energy: the differences are the losses (heat in the battery).
// f(T) defaults to a representative curve for carbonate-electrolyte Li-ion
// cells at C/5..C/10: 1.00 at 25 C, 0.91 at 0 C, 0.72 at -20 C, 0.55 at -30 C,
// 0.30 at -40 C. It is not a fit to one data set: it follows the shape reported
// for commercial cells at low temperature (Nagasubramanian 2001, J. Appl.
// Electrochem. 31:99, 18650 cells; Smart, Ratnakumar & Surampudi 1999,
// J. Electrochem. Soc. 146:486, carbonate electrolytes), gentle to 0 C and
// steep below -20 C. A scenario should supply its own cell's measured curve.
// OCV default: representative NMC/graphite curve (3.0 V empty, 3.78 V at half,
// 4.18 V full; cf. Plett 2015, Battery Management Systems vol. I, ch. 2).
//
// RTG/RHU: decay heat Q(t) = Q0 2^(-t / 87.7 y) (Pu-238); electrical power
// P(t) = P0 2^(-t / 87.7 y) (1 - c)^t with c the thermocouple degradation per
// year, scenario data (the MMRTG's total decline is commonly quoted near
// 4-5 %/y, of which 1 - 2^(-1/87.7) = 0.79 %/y is the fuel decay itself);
// Pu-238 half-life 87.7 y from NUBASE2020. Waste heat = Q - P.
#include "twin/twin_hw_int.h"

void ilrs_hw_sun_set(ilrs_hw_sun_t *sun, double flux_w_m2, double el_deg, double az_deg,
                     double visible_fraction)
{
    sun->flux_w_m2 = flux_w_m2 > 0.0 ? flux_w_m2 : 0.0;
    sun->el_deg = el_deg;
    sun->az_deg = az_deg;
    sun->visible_fraction = hw_clamp(visible_fraction, 0.0, 1.0);
    double ce = cos(el_deg * HW_DEG2RAD), se = sin(el_deg * HW_DEG2RAD);
    double ca = cos(az_deg * HW_DEG2RAD), sa = sin(az_deg * HW_DEG2RAD);
    sun->horizontal = ce;
    sun->dir_enu[0] = ce * sa;
    sun->dir_enu[1] = ce * ca;
    sun->dir_enu[2] = se;
}

/* --- Solar arrays ------------------------------------------------------------ */

void ilrs_hw_array_params_default(ilrs_hw_array_params_t *p)
{
    memset(p, 0, sizeof *p);
    hw_name(p->name, "array");
    p->area_m2 = 10.0;
    p->efficiency = 0.30;
    p->temp_coeff_per_k = -0.0022;
    p->ref_temp_k = 301.15;
    p->degradation_per_year = 0.01;
    p->dust_loss_per_day = 1e-4;
    p->dust_loss_max = 0.2;
    p->mount = ILRS_HW_MOUNT_TRACK;
    p->normal_el_deg = 0.0;
    p->normal_az_deg = 0.0;
    p->absorptance = 0.9;
    p->emittance_front = 0.85;
    p->emittance_back = 0.85;
    p->age_years = 0.0;
}

void ilrs__hw_array_aging(ilrs_hw_array_t *a)
{
    double years = a->p.age_years + a->age_s / ILRS_HW_YEAR_S;
    double dust = a->p.dust_loss_per_day * years * (ILRS_HW_YEAR_S / 86400.0);
    if (dust > a->p.dust_loss_max) {
        dust = a->p.dust_loss_max;
    }
    a->aging = exp(years * log1p(-a->p.degradation_per_year)) * (1.0 - dust);
    a->aging_at_s = a->age_s;
}

int ilrs_hw_array_init(ilrs_hw_array_t *a, const ilrs_hw_array_params_t *p)
{
    memset(a, 0, sizeof *a);
    if (!(p->area_m2 > 0.0) || !(p->efficiency > 0.0 && p->efficiency < 1.0) ||
        !isfinite(p->temp_coeff_per_k) || !(p->ref_temp_k > 0.0) ||
        !(p->degradation_per_year >= 0.0 && p->degradation_per_year < 1.0) ||
        !hw_finite_nonneg(p->dust_loss_per_day) ||
        !(p->dust_loss_max >= 0.0 && p->dust_loss_max <= 1.0) ||
        (p->mount != ILRS_HW_MOUNT_FIXED && p->mount != ILRS_HW_MOUNT_TRACK) ||
        !(p->absorptance >= 0.0 && p->absorptance <= 1.0) ||
        !(p->emittance_front + p->emittance_back > 0.0) || !hw_finite_nonneg(p->age_years) ||
        !isfinite(p->normal_el_deg) || !isfinite(p->normal_az_deg)) {
        return ILRS_EINVAL;
    }
    a->p = *p;
    a->p.name[ILRS_HW_NAME_MAX - 1] = '\0';
    double ce = cos(p->normal_el_deg * HW_DEG2RAD), se = sin(p->normal_el_deg * HW_DEG2RAD);
    a->cos_normal_el = ce;
    a->sin_normal_el = se;
    a->n_enu[0] = ce * sin(p->normal_az_deg * HW_DEG2RAD);
    a->n_enu[1] = ce * cos(p->normal_az_deg * HW_DEG2RAD);
    a->n_enu[2] = se;
    a->fault_factor = 1.0;
    a->temperature_k = p->ref_temp_k;
    a->steady_g = -1.0;
    ilrs__hw_array_aging(a);
    return 0;
}

double ilrs_hw_array_step(ilrs_hw_array_t *a, const ilrs_hw_sun_t *sun, double sink_k, double dt_s)
{
    return hw_array_step(a, sun, sink_k, dt_s);
}

void ilrs_hw_array_degrade(ilrs_hw_array_t *a, double fraction)
{
    a->fault_factor *= 1.0 - hw_clamp(fraction, 0.0, 1.0);
}

/* --- Li-ion batteries ---------------------------------------------------------- */

void ilrs_hw_battery_params_default(ilrs_hw_battery_params_t *p)
{
    static const double soc[] = {0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
    static const double ocv[] = {3.00, 3.45, 3.55, 3.62, 3.66, 3.72,
                                 3.78, 3.86, 3.94, 4.03, 4.10, 4.18};
    static const double dk[] = {233.15, 243.15, 253.15, 263.15, 273.15, 283.15, 298.15, 318.15};
    static const double df[] = {0.30, 0.55, 0.72, 0.83, 0.91, 0.96, 1.00, 1.00};
    memset(p, 0, sizeof *p);
    hw_name(p->name, "battery");
    p->strings = 8;
    p->cells_per_string = 8;
    p->cell_capacity_ah = 5.0;
    p->soc_min = 0.2;
    p->soc_max = 0.95;
    p->soc_initial = 0.8;
    p->charge_efficiency = 0.97;
    p->discharge_efficiency = 0.97;
    p->max_charge_c = 0.5;
    p->max_discharge_c = 1.0;
    p->cell_resistance_ohm = 0.03;
    p->ocv_points = sizeof soc / sizeof soc[0];
    memcpy(p->ocv_soc, soc, sizeof soc);
    memcpy(p->ocv_v, ocv, sizeof ocv);
    p->derate_points = sizeof dk / sizeof dk[0];
    memcpy(p->derate_k, dk, sizeof dk);
    memcpy(p->derate_factor, df, sizeof df);
}

// Derating factor at the battery's temperature. The temperature changes only
// at thermal steps while the factor is needed several times per station step,
// so the mutating calls (charge, discharge) refresh a cache that the read-only
// ones use when it is current.
static double battery_f(const ilrs_hw_battery_t *b)
{
    if (b->temperature_k == b->derate_k) {
        return b->derate_f;
    }
    return ilrs_hw_battery_derate(&b->p, b->temperature_k);
}

static void battery_refresh(ilrs_hw_battery_t *b)
{
    if (b->temperature_k != b->derate_k) {
        b->derate_k = b->temperature_k;
        b->derate_f = ilrs_hw_battery_derate(&b->p, b->temperature_k);
    }
}

double ilrs_hw_battery_derate(const ilrs_hw_battery_params_t *p, double k)
{
    if (p->derate_points == 0) {
        return 1.0;
    }
    return hw_interp(p->derate_k, p->derate_factor, p->derate_points, k);
}

int ilrs_hw_battery_init(ilrs_hw_battery_t *b, const ilrs_hw_battery_params_t *p)
{
    memset(b, 0, sizeof *b);
    if (p->strings == 0 || p->strings > ILRS_HW_STRINGS_MAX || p->cells_per_string == 0 ||
        !(p->cell_capacity_ah > 0.0) ||
        !(p->soc_min >= 0.0 && p->soc_min < p->soc_max && p->soc_max <= 1.0) ||
        !(p->soc_initial >= 0.0 && p->soc_initial <= 1.0) ||
        !(p->charge_efficiency > 0.0 && p->charge_efficiency <= 1.0) ||
        !(p->discharge_efficiency > 0.0 && p->discharge_efficiency <= 1.0) ||
        !(p->max_charge_c > 0.0) || !(p->max_discharge_c > 0.0) ||
        !hw_finite_nonneg(p->cell_resistance_ohm) || p->ocv_points < 2 ||
        p->ocv_points > ILRS_HW_CURVE_MAX || p->derate_points > ILRS_HW_CURVE_MAX ||
        !hw_ascending(p->ocv_soc, p->ocv_points) || !hw_ascending(p->derate_k, p->derate_points)) {
        return ILRS_EINVAL;
    }
    for (size_t i = 0; i < p->ocv_points; i++) {
        if (!(p->ocv_v[i] > 0.0)) {
            return ILRS_EINVAL;
        }
    }
    for (size_t i = 0; i < p->derate_points; i++) {
        if (!(p->derate_factor[i] > 0.0 && p->derate_factor[i] <= 1.0)) {
            return ILRS_EINVAL;
        }
    }
    b->p = *p;
    b->p.name[ILRS_HW_NAME_MAX - 1] = '\0';
    // Cell energy: C x integral of the piecewise-linear OCV over SOC 0..1
    // (trapezoids are exact for a piecewise-linear curve; flat beyond the ends).
    const double *s = p->ocv_soc, *v = p->ocv_v;
    size_t n = p->ocv_points;
    double integral =
        v[0] * hw_clamp(s[0], 0.0, 1.0) + v[n - 1] * (1.0 - hw_clamp(s[n - 1], 0.0, 1.0));
    for (size_t i = 1; i < n; i++) {
        double lo = hw_clamp(s[i - 1], 0.0, 1.0), hi = hw_clamp(s[i], 0.0, 1.0);
        if (hi > lo) {
            double vlo = hw_interp(s, v, n, lo), vhi = hw_interp(s, v, n, hi);
            integral += 0.5 * (vlo + vhi) * (hi - lo);
        }
    }
    b->cell_energy_wh = p->cell_capacity_ah * integral;
    b->strings_ok = p->strings;
    b->cells_ok = p->cells_per_string;
    b->rated_j = (double)b->strings_ok * (double)b->cells_ok * b->cell_energy_wh * 3600.0;
    b->temperature_k = 298.15;
    b->derate_k = -1.0;
    // Initial SOC is that of the gauge at 25 C (no derating there by default).
    double rated = ilrs_hw_battery_rated_j(b);
    double f = ilrs_hw_battery_derate(p, b->temperature_k);
    b->energy_j = rated * (1.0 - f) + p->soc_initial * rated * f;
    return 0;
}

double ilrs_hw_battery_rated_j(const ilrs_hw_battery_t *b)
{
    return b->rated_j;
}

static void battery_rerate(ilrs_hw_battery_t *b)
{
    b->rated_j = (double)b->strings_ok * (double)b->cells_ok * b->cell_energy_wh * 3600.0;
}

double ilrs_hw_battery_capacity_j(const ilrs_hw_battery_t *b)
{
    return ilrs_hw_battery_rated_j(b) * battery_f(b);
}

double ilrs_hw_battery_soc(const ilrs_hw_battery_t *b)
{
    double rated = ilrs_hw_battery_rated_j(b);
    if (!(rated > 0.0)) {
        return 0.0;
    }
    double f = battery_f(b);
    return hw_clamp((b->energy_j - rated * (1.0 - f)) / (rated * f), 0.0, 1.0);
}

double ilrs_hw_battery_ocv(const ilrs_hw_battery_t *b)
{
    if (b->strings_ok == 0) {
        return 0.0;
    }
    return (double)b->cells_ok *
           hw_interp(b->p.ocv_soc, b->p.ocv_v, b->p.ocv_points, ilrs_hw_battery_soc(b));
}

double ilrs_hw_battery_voltage(const ilrs_hw_battery_t *b)
{
    if (b->strings_ok == 0) {
        return 0.0;
    }
    double r = (double)b->cells_ok * b->p.cell_resistance_ohm / (double)b->strings_ok;
    double ocv = ilrs_hw_battery_ocv(b);
    double i = ocv > 0.0 ? b->power_w / ocv : 0.0; // ilrs_hw_battery_current, one OCV
    return ocv - i * r;
}

double ilrs_hw_battery_current(const ilrs_hw_battery_t *b)
{
    double v = ilrs_hw_battery_ocv(b);
    return v > 0.0 ? b->power_w / v : 0.0;
}

// Accepted power and energy limits, shared by charge and discharge.
static void battery_limits(const ilrs_hw_battery_t *b, double *unreach_j, double *cap_j)
{
    double rated = ilrs_hw_battery_rated_j(b);
    double f = battery_f(b);
    *unreach_j = rated * (1.0 - f);
    *cap_j = rated * f;
}

static void battery_current(ilrs_hw_battery_t *b, double bus_power_w)
{
    b->power_w = bus_power_w; // the current is derived when read (ilrs_hw_battery_current)
}

double ilrs_hw_battery_charge(ilrs_hw_battery_t *b, double power_w, double dt_s)
{
    battery_refresh(b);
    if (!(power_w > 0.0) || !(dt_s > 0.0) || b->strings_ok == 0) {
        battery_current(b, 0.0);
        return 0.0;
    }
    double unreach, cap;
    battery_limits(b, &unreach, &cap);
    double limit = b->p.max_charge_c * ilrs_hw_battery_rated_j(b) / 3600.0;
    double p = power_w < limit ? power_w : limit;
    double room = unreach + b->p.soc_max * cap - b->energy_j;
    double e = p * dt_s; // bus energy offered
    if (room <= 0.0) {
        e = 0.0;
    } else if (e * b->p.charge_efficiency > room) {
        e = room / b->p.charge_efficiency;
    }
    b->energy_j += e * b->p.charge_efficiency;
    b->loss_j += e * (1.0 - b->p.charge_efficiency);
    battery_current(b, -e / dt_s);
    return e / dt_s;
}

double ilrs_hw_battery_discharge(ilrs_hw_battery_t *b, double power_w, double dt_s)
{
    battery_refresh(b);
    if (!(power_w > 0.0) || !(dt_s > 0.0) || b->strings_ok == 0) {
        battery_current(b, 0.0);
        return 0.0;
    }
    double unreach, cap;
    battery_limits(b, &unreach, &cap);
    double limit = b->p.max_discharge_c * ilrs_hw_battery_rated_j(b) / 3600.0;
    double p = power_w < limit ? power_w : limit;
    double avail = b->energy_j - (unreach + b->p.soc_min * cap); // stored energy above the floor
    double e = p * dt_s;                                         // bus energy wanted
    if (avail <= 0.0) {
        e = 0.0;
    } else if (e / b->p.discharge_efficiency > avail) {
        e = avail * b->p.discharge_efficiency;
    }
    double drawn = e / b->p.discharge_efficiency;
    b->energy_j -= drawn;
    b->loss_j += drawn - e;
    battery_current(b, e / dt_s);
    return e / dt_s;
}

int ilrs_hw_battery_fail_string_at(ilrs_hw_battery_t *b, unsigned k)
{
    if (k >= b->p.strings) {
        return ILRS_ERANGE;
    }
    if ((b->string_open >> k) & 1u || b->strings_ok == 0) {
        return ILRS_ESTATE;
    }
    double lost = b->energy_j / (double)b->strings_ok;
    b->energy_j -= lost;
    b->failed_j += lost;
    b->strings_ok--;
    b->string_open |= 1u << k;
    if (b->strings_ok == 0) {
        b->failed_j += b->energy_j;
        b->energy_j = 0.0;
        b->power_w = 0.0;
    }
    battery_rerate(b);
    return 0;
}

int ilrs_hw_battery_fail_string(ilrs_hw_battery_t *b)
{
    for (unsigned k = 0; k < b->p.strings; k++) {
        if (!((b->string_open >> k) & 1u)) {
            return ilrs_hw_battery_fail_string_at(b, k);
        }
    }
    return ILRS_ESTATE;
}

// String monitoring (the per-string sense lines of a parallel-string Li-ion
// battery; NASA JSC-20793 rev. D, Crewed Space Vehicle Battery Safety
// Requirements, asks for voltage monitoring of every series element of such a
// battery). The connected strings are in parallel at the battery terminals:
// each shows the terminal voltage and carries 1/strings_ok of the current
// (identical cells, identical resistances). An open string carries nothing,
// and its monitor, a resistive divider across the string, has no path through
// the open cell: it reads ~0 V whatever the battery does.
double ilrs_hw_battery_string_voltage(const ilrs_hw_battery_t *b, unsigned k)
{
    if (k >= b->p.strings || (b->string_open >> k) & 1u) {
        return 0.0;
    }
    return ilrs_hw_battery_voltage(b);
}

double ilrs_hw_battery_string_current(const ilrs_hw_battery_t *b, unsigned k)
{
    if (k >= b->p.strings || (b->string_open >> k) & 1u || b->strings_ok == 0) {
        return 0.0;
    }
    return ilrs_hw_battery_current(b) / (double)b->strings_ok;
}

int ilrs_hw_battery_short_cell(ilrs_hw_battery_t *b)
{
    if (b->cells_ok <= 1 || b->strings_ok == 0) {
        return ILRS_ESTATE;
    }
    double lost = b->energy_j / (double)b->cells_ok;
    b->energy_j -= lost;
    b->failed_j += lost;
    b->cells_ok--;
    battery_rerate(b);
    return 0;
}

/* --- RTGs and RHUs ---------------------------------------------------------- */

int ilrs_hw_rtg_init(ilrs_hw_rtg_t *r, const ilrs_hw_rtg_params_t *p)
{
    memset(r, 0, sizeof *r);
    if (!hw_finite_nonneg(p->thermal_w_bol) || !hw_finite_nonneg(p->electric_w_bol) ||
        p->electric_w_bol > p->thermal_w_bol || !hw_finite_nonneg(p->age_years) ||
        !(p->converter_loss_per_year >= 0.0 && p->converter_loss_per_year < 1.0)) {
        return ILRS_EINVAL;
    }
    r->p = *p;
    r->p.name[ILRS_HW_NAME_MAX - 1] = '\0';
    r->fuel_fraction = exp2(-p->age_years / ILRS_HW_PU238_HALF_LIFE_Y);
    r->converter_fraction = exp(p->age_years * log1p(-p->converter_loss_per_year));
    r->electric_w = p->electric_w_bol * r->fuel_fraction * r->converter_fraction;
    r->heat_w = p->thermal_w_bol * r->fuel_fraction - r->electric_w;
    return 0;
}

void ilrs_hw_rtg_step(ilrs_hw_rtg_t *r, double dt_s)
{
    hw_rtg_step(r, dt_s);
}

void ilrs__hw_rtg_factors(ilrs_hw_rtg_t *r, double dt_s)
{
    double years = dt_s / ILRS_HW_YEAR_S;
    r->decay_dt_s = dt_s;
    r->decay_factor = exp2(-years / ILRS_HW_PU238_HALF_LIFE_Y);
    r->converter_factor = exp(years * log1p(-r->p.converter_loss_per_year));
}
