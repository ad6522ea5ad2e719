// SPDX-License-Identifier: Apache-2.0
// Scenario -> hardware twin parameters. The scenario describes the station as a
// designer writes it (docs/scenario.md); the twin's models take their own
// parameter structs (twin.h "Station hardware"). This file is the one place
// that translates between the two, and refuses, naming the scenario key,
// whatever the twin cannot represent (two-axis tracking, per-rate coding gains
// that differ, more relays than link targets...). Approximations that keep the
// result conservative are accepted and reported as warnings.
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "station/station_int.h"

static int refuse(char *error, size_t cap, const char *fmt, ...)
{
    if (error != NULL && cap > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(error, cap, fmt, ap);
        va_end(ap);
    }
    return ILRS_ESTATION_CONFIG;
}

static void warn(station_hw_map_t *m, const char *fmt, ...)
{
    if (m->warning_count >= sizeof m->warnings / sizeof m->warnings[0]) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->warnings[m->warning_count++], sizeof m->warnings[0], fmt, ap);
    va_end(ap);
}

static void copy_name(char *dst, const char *src)
{
    snprintf(dst, ILRS_HW_NAME_MAX, "%s", src);
}

int ilrs__station_map_line(const station_hw_map_t *m, const char *name)
{
    for (size_t i = 0; i < m->config.n_lines; i++) {
        if (strcmp(m->lines[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

int ilrs__station_map_node(const station_hw_map_t *m, const char *name)
{
    for (size_t i = 0; i < m->config.n_nodes; i++) {
        if (strcmp(m->nodes[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

int ilrs__station_map_heater(const station_hw_map_t *m, const char *name)
{
    for (size_t i = 0; i < m->config.n_heaters; i++) {
        if (strcmp(m->heaters[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/* The line a scenario item names, "" meaning the unswitched bus (created on demand). */
static int line_of(station_hw_map_t *m, const char *name)
{
    if (name[0] != '\0') {
        return ilrs__station_map_line(m, name);
    }
    if (m->unswitched_line < 0) {
        size_t i = m->config.n_lines++;
        memset(&m->lines[i], 0, sizeof m->lines[i]);
        copy_name(m->lines[i].name, "unswitched");
        m->lines[i].node = ILRS_HW_NONE;
        m->lines[i].on = true;
        m->unswitched_line = (int)i;
    }
    return m->unswitched_line;
}

/* Antenna gain of a parabolic dish, G = eta (pi D f / c)^2 (Balanis, Antenna Theory,
 * 4th ed., eq. 15-20 with the aperture efficiency), in dBi. */
static double dish_gain_dbi(double diameter_m, double efficiency, double frequency_hz)
{
    double x = ST_PI * diameter_m * frequency_hz / ST_SPEED_OF_LIGHT;
    return 10.0 * log10(efficiency * x * x);
}

static int map_arrays(const ilrs_scenario_t *sc, station_hw_map_t *m, char *error, size_t cap)
{
    for (size_t i = 0; i < sc->power.array_count; i++) {
        const ilrs_scenario_array_t *a = &sc->power.arrays[i];
        ilrs_hw_array_params_t *p = &m->arrays[i];
        ilrs_hw_array_params_default(p);
        copy_name(p->name, a->id);
        p->area_m2 = a->area_m2;
        p->efficiency = a->efficiency;
        p->temp_coeff_per_k = a->temp_coeff_per_k;
        p->ref_temp_k = a->temp_ref_k;
        p->degradation_per_year = a->degradation_per_year;
        p->dust_loss_per_day = a->dust_loss_per_day;
        p->dust_loss_max = a->dust_loss_max;
        p->age_years = 0.0;
        // The scenario gives the panel's tilt from the horizontal; the twin the
        // elevation of its normal: a panel tilted by t faces 90 - t above the horizon.
        p->normal_el_deg = 90.0 - a->tilt_deg;
        switch (a->tracking) {
        case ILRS_SCENARIO_TRACKING_FIXED:
            p->mount = ILRS_HW_MOUNT_FIXED;
            p->normal_az_deg = a->azimuth_deg;
            break;
        case ILRS_SCENARIO_TRACKING_AZIMUTH:
            p->mount = ILRS_HW_MOUNT_TRACK;
            break;
        default:
            return refuse(error, cap,
                          "power.arrays[%zu].tracking: \"%s\" is not modelled by the hardware "
                          "twin (it has fixed and azimuth-tracking mounts)",
                          i, ilrs_scenario_tracking_name(a->tracking));
        }
    }
    m->config.n_arrays = sc->power.array_count;
    return 0;
}

static int map_batteries(const ilrs_scenario_t *sc, station_hw_map_t *m, char *error, size_t cap)
{
    for (size_t i = 0; i < sc->power.battery_count; i++) {
        const ilrs_scenario_battery_t *b = &sc->power.batteries[i];
        ilrs_hw_battery_params_t *p = &m->batteries[i];
        ilrs_hw_battery_params_default(p);
        copy_name(p->name, b->id);
        p->strings = b->strings;
        p->cells_per_string = b->cells_per_string;
        p->soc_min = b->min_soc;
        p->soc_max = b->max_soc;
        p->soc_initial = b->initial_soc;
        p->charge_efficiency = b->charge_efficiency;
        p->discharge_efficiency = b->discharge_efficiency;
        p->max_charge_c = b->max_charge_c;
        p->max_discharge_c = b->max_discharge_c;
        // Keep the shape of the twin's open-circuit voltage curve but scale it so
        // its mean over the SOC equals the nominal cell voltage: then the cell's
        // energy (integral of OCV over charge) is exactly capacity_wh / cells.
        double mean_v = 0.0;
        for (size_t k = 1; k < p->ocv_points; k++) {
            mean_v += 0.5 * (p->ocv_v[k] + p->ocv_v[k - 1]) * (p->ocv_soc[k] - p->ocv_soc[k - 1]);
        }
        mean_v /= p->ocv_soc[p->ocv_points - 1] - p->ocv_soc[0];
        for (size_t k = 0; k < p->ocv_points; k++) {
            p->ocv_v[k] *= b->cell_voltage_v / mean_v;
        }
        double cells = (double)b->strings * (double)b->cells_per_string;
        p->cell_capacity_ah = b->capacity_wh / cells / b->cell_voltage_v;
        // The scenario's derating polynomial f(T) = 1 + c1 dT + c2 dT^2, sampled
        // every 8 K from -60 C to +60 C into the twin's curve. The twin caps the
        // factor at 1 (rated capacity); values above 1 are clipped (conservative).
        p->derate_points = ILRS_HW_CURVE_MAX;
        for (size_t k = 0; k < ILRS_HW_CURVE_MAX; k++) {
            double t = 213.15 + 8.0 * (double)k, d = t - b->temp_ref_k;
            double f = 1.0 + b->capacity_coeff_per_k * d + b->capacity_coeff_per_k2 * d * d;
            p->derate_k[k] = t;
            p->derate_factor[k] = f > 1.0 ? 1.0 : (f < 0.01 ? 0.01 : f);
        }
        m->battery_nodes[i] = ilrs__station_map_node(m, b->thermal_node);
        if (m->battery_nodes[i] < 0) {
            return refuse(error, cap, "power.batteries[%zu].thermal_node: no node \"%s\"", i,
                          b->thermal_node);
        }
    }
    m->config.n_batteries = sc->power.battery_count;
    return 0;
}

static int map_sources(const ilrs_scenario_t *sc, station_hw_map_t *m, char *error, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < sc->power.rhu_count; i++) {
        const ilrs_scenario_rhu_t *r = &sc->power.rhus[i];
        if (fabs(r->half_life_y - ILRS_HW_PU238_HALF_LIFE_Y) > 1e-9) {
            return refuse(error, cap,
                          "power.rhus[%zu].half_life_y: the twin models Pu-238 only "
                          "(%.1f y), got %g",
                          i, ILRS_HW_PU238_HALF_LIFE_Y, r->half_life_y);
        }
        ilrs_hw_rtg_params_t *p = &m->rtgs[n];
        memset(p, 0, sizeof *p);
        copy_name(p->name, r->id);
        p->thermal_w_bol = r->thermal_w_each * (double)r->count;
        p->age_years = 0.0; // the scenario gives the output at the epoch
        m->rtg_nodes[n] = ilrs__station_map_node(m, r->thermal_node);
        if (m->rtg_nodes[n] < 0) {
            return refuse(error, cap, "power.rhus[%zu].thermal_node: no node \"%s\"", i,
                          r->thermal_node);
        }
        n++;
    }
    for (size_t i = 0; i < sc->power.rtg_count; i++) {
        const ilrs_scenario_rtg_t *r = &sc->power.rtgs[i];
        if (fabs(r->half_life_y - ILRS_HW_PU238_HALF_LIFE_Y) > 1e-9) {
            return refuse(error, cap,
                          "power.rtgs[%zu].half_life_y: the twin models Pu-238 only "
                          "(%.1f y), got %g",
                          i, ILRS_HW_PU238_HALF_LIFE_Y, r->half_life_y);
        }
        ilrs_hw_rtg_params_t *p = &m->rtgs[n];
        memset(p, 0, sizeof *p);
        copy_name(p->name, r->id);
        p->thermal_w_bol = r->thermal_w;
        p->electric_w_bol = r->electric_w;
        p->converter_loss_per_year = r->converter_degradation_per_year;
        m->rtg_nodes[n] =
            r->thermal_node[0] ? ilrs__station_map_node(m, r->thermal_node) : ILRS_HW_NONE;
        if (r->thermal_node[0] && m->rtg_nodes[n] < 0) {
            return refuse(error, cap, "power.rtgs[%zu].thermal_node: no node \"%s\"", i,
                          r->thermal_node);
        }
        n++;
    }
    m->config.n_rtgs = n;
    return 0;
}

static int map_thermal(const ilrs_scenario_t *sc, station_hw_map_t *m, char *error, size_t cap)
{
    size_t nc = 0;
    for (size_t i = 0; i < sc->node_count; i++) {
        const ilrs_scenario_node_t *s = &sc->nodes[i];
        ilrs_hw_node_params_t *p = &m->nodes[i];
        memset(p, 0, sizeof *p);
        copy_name(p->name, s->name);
        p->capacity_j_k = s->heat_capacity_j_per_k;
        p->initial_k = s->initial_temperature_k;
        p->radiator_area_m2 = s->radiator_area_m2;
        p->emissivity = s->radiator_emissivity;
        // The radiator is the face that sees the sky: it absorbs sunlight with its
        // solar absorptance over the same area.
        p->solar_area_m2 = s->radiator_area_m2;
        p->absorptance = s->radiator_absorptivity;
        p->radiator_faces_sky = s->radiator_faces_sky;
        if (s->has_louvre) {
            p->louvre_closed_k = s->louvre.closed_below_k;
            p->louvre_open_k = s->louvre.open_above_k;
            p->louvre_emissivity_closed = s->louvre.emissivity_closed;
        }
        m->node_min_k[i] = s->min_k;
        m->node_max_k[i] = s->max_k;
    }
    m->config.n_nodes = sc->node_count;
    for (size_t i = 0; i < sc->node_count; i++) {
        const ilrs_scenario_node_t *s = &sc->nodes[i];
        if (s->regolith_conductance_w_per_k > 0.0) {
            if (nc >= ST_MAX_COUPLINGS) {
                return refuse(error, cap, "thermal: more than %d couplings", ST_MAX_COUPLINGS);
            }
            m->couplings[nc++] =
                (ilrs_hw_coupling_t){(int)i, ILRS_HW_NONE, s->regolith_conductance_w_per_k};
        }
        for (size_t k = 0; k < s->conductance_count; k++) {
            int b = ilrs__station_map_node(m, s->conductances[k].to);
            if (b < 0) {
                return refuse(error, cap, "thermal.nodes[%zu].conductances[%zu].to: no node \"%s\"",
                              i, k, s->conductances[k].to);
            }
            if (nc >= ST_MAX_COUPLINGS) {
                return refuse(error, cap, "thermal: more than %d couplings", ST_MAX_COUPLINGS);
            }
            m->couplings[nc++] = (ilrs_hw_coupling_t){(int)i, b, s->conductances[k].w_per_k};
        }
    }
    m->config.n_couplings = nc;
    return 0;
}

static int map_lines_and_heaters(const ilrs_scenario_t *sc, station_hw_map_t *m, char *error,
                                 size_t cap)
{
    for (size_t i = 0; i < sc->power.line_count; i++) {
        const ilrs_scenario_line_t *l = &sc->power.lines[i];
        ilrs_hw_line_params_t *p = &m->lines[i];
        memset(p, 0, sizeof *p);
        copy_name(p->name, l->id);
        p->current_limit_a = l->current_limit_a;
        p->node = ILRS_HW_NONE;
        p->on = l->initially_on || !l->switchable;
    }
    m->config.n_lines = sc->power.line_count;
    m->unswitched_line = -1;
    // The hub's avionics: the fixed consumer of its line, dissipating in its node.
    int hub_line = line_of(m, sc->hub.line);
    int hub_node = ilrs__station_map_node(m, sc->hub.thermal_node);
    if (hub_line < 0 || hub_node < 0) {
        return refuse(error, cap, "hub: line \"%s\" or thermal_node \"%s\" unknown", sc->hub.line,
                      sc->hub.thermal_node);
    }
    if (m->lines[hub_line].base_w > 0.0) {
        return refuse(error, cap, "hub.line: line \"%s\" already carries fixed consumers",
                      sc->hub.line);
    }
    // Hibernation: the hub's line carries its hibernation draw; the rest of the
    // awake draw sits on a line of its own, "hub_awake", which the POWER app
    // sheds at its deepest level. Shedding it is hibernating.
    double awake = sc->hub.avionics_power_w - sc->hub.hibernate_power_w;
    m->lines[hub_line].base_w = awake > 0.0 ? sc->hub.hibernate_power_w : sc->hub.avionics_power_w;
    m->lines[hub_line].node = hub_node;
    if (awake > 0.0) {
        if (m->config.n_lines >= ST_MAX_LINES ||
            ilrs__station_map_line(m, ST_HUB_AWAKE_LINE) >= 0) {
            return refuse(error, cap,
                          "power.lines: no room for the hub's awake line (or a line is "
                          "named \"%s\")",
                          ST_HUB_AWAKE_LINE);
        }
        ilrs_hw_line_params_t *p = &m->lines[m->config.n_lines++];
        memset(p, 0, sizeof *p);
        copy_name(p->name, ST_HUB_AWAKE_LINE);
        p->base_w = awake;
        p->node = hub_node;
        p->on = true;
    }
    size_t nh = 0;
    for (size_t i = 0; i < sc->node_count; i++) {
        const ilrs_scenario_node_t *s = &sc->nodes[i];
        for (size_t k = 0; k < s->heater_count; k++) {
            const ilrs_scenario_heater_t *h = &s->heaters[k];
            if (nh >= ST_MAX_HEATERS) {
                return refuse(error, cap, "thermal: more than %d heaters", ST_MAX_HEATERS);
            }
            ilrs_hw_heater_params_t *p = &m->heaters[nh];
            memset(p, 0, sizeof *p);
            copy_name(p->name, h->id);
            p->node = (int)i;
            p->line = line_of(m, h->line);
            if (p->line < 0) {
                return refuse(error, cap, "thermal.nodes[%zu].heaters[%zu].line: no line \"%s\"", i,
                              k, h->line);
            }
            p->power_w = h->power_w;
            p->on = false;
            m->heater_on_k[nh] = h->on_below_k;
            m->heater_off_k[nh] = h->off_above_k;
            nh++;
        }
    }
    m->config.n_heaters = nh;
    return 0;
}

static int map_radios(const ilrs_scenario_t *sc, station_hw_map_t *m, char *error, size_t cap)
{
    if (sc->relay_count + ST_LINK_RELAY0 > ILRS_HW_LINK_TARGETS) {
        return refuse(error, cap,
                      "relays: the hardware twin has %d link targets (Earth + %d relays), the "
                      "scenario has %zu relays",
                      ILRS_HW_LINK_TARGETS, ILRS_HW_LINK_TARGETS - 1, sc->relay_count);
    }
    int hub_node = ilrs__station_map_node(m, sc->hub.thermal_node);
    for (size_t i = 0; i < sc->radio_count; i++) {
        const ilrs_scenario_radio_t *r = &sc->radios[i];
        ilrs_hw_radio_params_t *p = &m->radios[i];
        ilrs_hw_radio_params_default(p);
        copy_name(p->name, r->id);
        p->frequency_hz = r->frequency_hz;
        p->tx_power_w = r->tx_power_w;
        p->tx_gain_dbi = r->antenna_gain_dbi;
        p->losses_db = r->losses_db;
        p->margin_db = r->margin_db;
        p->power_idle_w = r->dc_power_rx_w;
        p->power_tx_w = r->dc_power_tx_w;
        p->queue_bytes = r->queue_bytes;
        if (r->rate_count == 0 || r->rate_count > ILRS_HW_RATES_MAX) {
            return refuse(error, cap, "radios[%zu].rates: 1..%d rates needed", i,
                          ILRS_HW_RATES_MAX);
        }
        // The twin closes every rate against one required Eb/N0 (one coding
        // scheme). Rates coded differently cannot be represented.
        p->required_ebn0_db = r->rates[0].required_ebn0_db;
        for (size_t k = 0; k < r->rate_count; k++) {
            if (fabs(r->rates[k].required_ebn0_db - p->required_ebn0_db) > 1e-9) {
                return refuse(error, cap,
                              "radios[%zu].rates[%zu].required_ebn0_db: the twin uses one coding "
                              "per radio (%g dB), got %g dB",
                              i, k, p->required_ebn0_db, r->rates[k].required_ebn0_db);
            }
            p->rate_bps[k] = r->rates[k].rate_bps;
        }
        p->rates = r->rate_count;
        if (r->link == ILRS_SCENARIO_LINK_PROXIMITY) {
            if (sc->relay_count == 0) {
                return refuse(error, cap, "radios[%zu]: a proximity radio needs a relay", i);
            }
            // A proximity radio talks to the first relay (the twin gives each radio
            // one link target).
            p->target = ST_LINK_RELAY0;
            p->rx_gain_dbi = sc->relays[0].proximity_gain_dbi;
            p->system_noise_k = sc->relays[0].proximity_noise_temperature_k;
            if (sc->relay_count > 1) {
                warn(m, "radios[%zu]: proximity radios use relay \"%s\" only", i, sc->relays[0].id);
            }
        } else {
            if (sc->ground_count == 0) {
                return refuse(error, cap,
                              "radios[%zu]: a direct-to-Earth radio needs a ground "
                              "station",
                              i);
            }
            // Budget against the smallest dish of the network (the link must close
            // at every station that may be in view: conservative).
            size_t g = 0;
            for (size_t k = 1; k < sc->ground_count; k++) {
                if (sc->grounds[k].antenna_diameter_m < sc->grounds[g].antenna_diameter_m) {
                    g = k;
                }
            }
            p->target = ST_LINK_EARTH;
            p->rx_gain_dbi = dish_gain_dbi(sc->grounds[g].antenna_diameter_m,
                                           sc->grounds[g].antenna_efficiency, r->frequency_hz);
            p->system_noise_k = sc->grounds[g].noise_temperature_k;
        }
        m->radio_lines[i] = line_of(m, r->line);
        if (m->radio_lines[i] < 0) {
            return refuse(error, cap, "radios[%zu].line: no line \"%s\"", i, r->line);
        }
        m->radio_nodes[i] = hub_node;
    }
    m->config.n_radios = sc->radio_count;
    return 0;
}

/* Payload power modes -> the twin's two levels: standby (mode 0) is the mode named
 * "standby" if there is one, else the lowest-power mode; active is the highest. */
static void payload_levels(const ilrs_scenario_payload_t *pl, double *standby, double *active)
{
    double lo = pl->modes[0].power_w, hi = pl->modes[0].power_w;
    int named = -1;
    for (size_t k = 0; k < pl->mode_count; k++) {
        lo = fmin(lo, pl->modes[k].power_w);
        hi = fmax(hi, pl->modes[k].power_w);
        if (strcmp(pl->modes[k].name, "standby") == 0) {
            named = (int)k;
        }
    }
    *standby = named >= 0 ? pl->modes[named].power_w : lo;
    *active = hi;
}

static int map_payloads(const ilrs_scenario_t *sc, station_hw_map_t *m, char *error, size_t cap)
{
    int hub_node = ilrs__station_map_node(m, sc->hub.thermal_node);
    size_t n = 0;
    for (size_t i = 0; i < sc->payload_count; i++) {
        const ilrs_scenario_payload_t *s = &sc->payloads[i];
        ilrs_hw_payload_params_t *p = &m->payloads[n];
        memset(p, 0, sizeof *p);
        copy_name(p->name, s->id);
        payload_levels(s, &p->power_standby_w, &p->power_active_w);
        p->data_rate_bps = s->data_rate_bps;
        p->duty_cycle = s->duty_cycle;
        p->duty_period_s = s->duty_period_s;
        p->line = line_of(m, s->line);
        if (p->line < 0) {
            return refuse(error, cap, "payloads[%zu].line: no line \"%s\"", i, s->line);
        }
        p->node = s->thermal_node[0] ? ilrs__station_map_node(m, s->thermal_node) : hub_node;
        if (p->node < 0) {
            return refuse(error, cap, "payloads[%zu].thermal_node: no node \"%s\"", i,
                          s->thermal_node);
        }
        m->payload_scenario[n++] = (int)i;
    }
    // Rovers and hoppers are loads seen through a port: charging power while
    // active, relayed data; their activity schedule is theirs (the run drives it).
    for (size_t i = 0; i < sc->rover_count; i++) {
        const ilrs_scenario_rover_t *s = &sc->rovers[i];
        ilrs_hw_payload_params_t *p = &m->payloads[n];
        memset(p, 0, sizeof *p);
        copy_name(p->name, s->id);
        p->power_standby_w = s->idle_power_w;
        p->power_active_w = s->active_power_w;
        p->data_rate_bps = s->data_rate_bps;
        p->duty_cycle = 1.0;
        p->duty_period_s = 3600.0;
        p->line = line_of(m, s->line);
        if (p->line < 0) {
            return refuse(error, cap, "rovers[%zu].line: no line \"%s\"", i, s->line);
        }
        p->node = ILRS_HW_NONE;
        m->payload_scenario[n++] = -1 - (int)i;
    }
    m->config.n_payloads = n;
    return 0;
}

int ilrs__station_map_hardware(const ilrs_scenario_t *sc, station_hw_map_t *m, char *error,
                               size_t cap)
{
    memset(m, 0, sizeof *m);
    ilrs_hw_config_default(&m->config);
    int rc;
    if ((rc = map_thermal(sc, m, error, cap)) != 0 || (rc = map_arrays(sc, m, error, cap)) != 0 ||
        (rc = map_batteries(sc, m, error, cap)) != 0 ||
        (rc = map_sources(sc, m, error, cap)) != 0 ||
        (rc = map_lines_and_heaters(sc, m, error, cap)) != 0 ||
        (rc = map_radios(sc, m, error, cap)) != 0 || (rc = map_payloads(sc, m, error, cap)) != 0) {
        return rc;
    }
    for (size_t i = 0; i < sc->power.battery_count; i++) {
        if (sc->power.batteries[i].min_charge_k > 0.0) {
            warn(m,
                 "power.batteries[%zu].min_charge_k: the twin does not block charging when "
                 "cold",
                 i);
            break;
        }
    }
    ilrs_hw_config_t *c = &m->config;
    c->arrays = m->arrays;
    c->batteries = m->batteries;
    c->battery_nodes = m->battery_nodes;
    c->rtgs = m->rtgs;
    c->rtg_nodes = m->rtg_nodes;
    c->lines = m->lines;
    c->heaters = m->heaters;
    c->nodes = m->nodes;
    c->couplings = m->couplings;
    c->radios = m->radios;
    c->radio_lines = m->radio_lines;
    c->radio_nodes = m->radio_nodes;
    c->payloads = m->payloads;
    m->storage_bytes[0] = sc->storage.capacity_bytes;
    c->storage_bytes = m->storage_bytes;
    c->n_storage = 1;
    c->bus_voltage_v = sc->power.bus_voltage_v;
    c->undervoltage_v = sc->power.undervoltage_v;
    c->shunt_node = ILRS_HW_NONE;
    c->seed = sc->seed;
    return 0;
}
