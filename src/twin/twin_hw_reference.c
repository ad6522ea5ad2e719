// SPDX-License-Identifier: Apache-2.0
//
// The reference station: one complete, physically plausible hardware set for a
// south-polar ILRS hub, used by tests, the benchmark and as a scenario starting
// point. Sizes are engineering assumptions in the range of Chang'e-class
// landers; the sources of the individual numbers are in docs/twin-hardware.md.
#include <stdio.h>

#include "twin/twin_hw_int.h"

static void line(ilrs_hw_line_params_t *l, const char *name, double base_w, double limit_a,
                 int node, bool on)
{
    memset(l, 0, sizeof *l);
    hw_name(l->name, name);
    l->base_w = base_w;
    l->current_limit_a = limit_a;
    l->node = node;
    l->on = on;
}

static void node(ilrs_hw_node_params_t *n, const char *name, double c, double t0, double rad_m2,
                 double eps, double sun_m2, double alpha)
{
    memset(n, 0, sizeof *n);
    hw_name(n->name, name);
    n->capacity_j_k = c;
    n->initial_k = t0;
    n->radiator_area_m2 = rad_m2;
    n->emissivity = eps;
    n->solar_area_m2 = sun_m2;
    n->absorptance = alpha;
}

static void payload(ilrs_hw_payload_params_t *p, const char *name, double standby_w,
                    double active_w, double bps, double duty, double period_s, int line_index,
                    int node_index)
{
    memset(p, 0, sizeof *p);
    hw_name(p->name, name);
    p->power_standby_w = standby_w;
    p->power_active_w = active_w;
    p->data_rate_bps = bps;
    p->duty_cycle = duty;
    p->duty_period_s = period_s;
    p->line = line_index;
    p->node = node_index;
}

enum { N_AVIONICS, N_BATTERY, N_PAYLOAD, N_RADIO, N_STRUCTURE, N_RADIATOR, N_RTG, N_BASE };

void ilrs_hw_reference_init(ilrs_hw_reference_t *ref, uint64_t seed)
{
    memset(ref, 0, sizeof *ref);

    for (int i = 0; i < 2; i++) {
        ilrs_hw_array_params_default(&ref->arrays[i]);
        snprintf(ref->arrays[i].name, sizeof ref->arrays[i].name, "array%d", i + 1);
        ref->arrays[i].area_m2 = 2.5;
        ilrs_hw_battery_params_default(&ref->batteries[i]);
        snprintf(ref->batteries[i].name, sizeof ref->batteries[i].name, "bat%d", i + 1);
        ref->battery_nodes[i] = N_BATTERY;
    }

    // MMRTG-class generator: about 2000 W thermal and 110 W electrical at BOL
    // (NASA RPS program, MMRTG fact sheet); two blocks of ten 1 W LWRHUs.
    ilrs_hw_rtg_params_t *r = ref->rtgs;
    hw_name(r[0].name, "rtg1");
    r[0].thermal_w_bol = 2000.0;
    r[0].electric_w_bol = 110.0;
    hw_name(r[1].name, "rhu.battery");
    r[1].thermal_w_bol = 10.0;
    hw_name(r[2].name, "rhu.avionics");
    r[2].thermal_w_bol = 10.0;
    ref->rtg_nodes[0] = N_RTG;
    ref->rtg_nodes[1] = N_BATTERY;
    ref->rtg_nodes[2] = N_AVIONICS;

    line(&ref->lines[0], "line.avionics", 60.0, 5.0, N_AVIONICS, true);
    line(&ref->lines[1], "line.comm", 0.0, 4.0, N_RADIO, true);
    line(&ref->lines[2], "line.heaters", 0.0, 4.0, N_BASE, true);
    line(&ref->lines[3], "line.payload1", 0.0, 3.0, N_PAYLOAD, true);
    line(&ref->lines[4], "line.payload2", 0.0, 3.0, N_PAYLOAD, true);
    line(&ref->lines[5], "line.payload3", 0.0, 3.0, N_PAYLOAD, true);
    line(&ref->lines[6], "line.payload4", 0.0, 3.0, N_PAYLOAD, true);
    line(&ref->lines[7], "line.isru", 5.0, 4.0, N_PAYLOAD, false);

    const char *hn[4] = {"heater.bat1", "heater.bat2", "heater.avionics", "heater.payload"};
    const int hnode[4] = {N_BATTERY, N_BATTERY, N_AVIONICS, N_PAYLOAD};
    const double hw[4] = {20.0, 20.0, 15.0, 15.0};
    for (int i = 0; i < 4; i++) {
        hw_name(ref->heaters[i].name, hn[i]);
        ref->heaters[i].node = hnode[i];
        ref->heaters[i].line = 2;
        ref->heaters[i].power_w = hw[i];
    }

    // Heat capacities m c_p: aluminium 900 J/kg/K, Li-ion cells about 1000 J/kg/K.
    node(&ref->nodes[N_AVIONICS], "avionics", 2.0e4, 293.0, 0.0, 0.0, 0.0, 0.0);
    node(&ref->nodes[N_BATTERY], "battery", 5.0e4, 293.0, 0.0, 0.0, 0.0, 0.0);
    node(&ref->nodes[N_PAYLOAD], "payload_bay", 3.0e4, 293.0, 0.0, 0.0, 0.0, 0.0);
    node(&ref->nodes[N_RADIO], "radio", 1.0e4, 293.0, 0.0, 0.0, 0.0, 0.0);
    node(&ref->nodes[N_STRUCTURE], "structure", 2.0e5, 280.0, 0.0, 0.0, 2.0, 0.3);
    node(&ref->nodes[N_RADIATOR], "radiator", 1.5e4, 270.0, 0.8, 0.85, 0.0, 0.0);
    node(&ref->nodes[N_RTG], "rtg", 2.0e4, 400.0, 1.5, 0.9, 0.0, 0.0);
    node(&ref->nodes[N_BASE], "base", 5.0e4, 260.0, 0.0, 0.0, 0.0, 0.0);
    const ilrs_hw_coupling_t c[12] = {
        {N_AVIONICS, N_STRUCTURE, 5.0}, {N_BATTERY, N_STRUCTURE, 3.0},
        {N_PAYLOAD, N_STRUCTURE, 4.0},  {N_RADIO, N_STRUCTURE, 3.0},
        {N_STRUCTURE, N_RADIATOR, 8.0}, {N_AVIONICS, N_RADIATOR, 2.0},
        {N_RTG, N_STRUCTURE, 0.5},      {N_BASE, N_STRUCTURE, 2.0},
        {N_BATTERY, N_AVIONICS, 1.0},   {N_BASE, ILRS_HW_NONE, 0.5},
        {N_RTG, N_BATTERY, 0.3},        {N_RADIO, N_RADIATOR, 1.0},
    };
    memcpy(ref->couplings, c, sizeof c);

    ilrs_hw_radio_params_default(&ref->radios[0]);
    hw_name(ref->radios[0].name, "radio.relay");
    // Direct to Earth, X band: 20 W into a 1 m dish (36 dBi at 8.4 GHz,
    // efficiency 0.55) to a 34 m ground antenna (68 dBi, T_sys 40 K: DSN
    // X-band figures, DSN Telecommunications Link Design Handbook 810-005).
    ilrs_hw_radio_params_t *dte = &ref->radios[1];
    ilrs_hw_radio_params_default(dte);
    hw_name(dte->name, "radio.earth");
    dte->tx_power_w = 20.0;
    dte->tx_gain_dbi = 36.0;
    dte->rx_gain_dbi = 68.0;
    dte->system_noise_k = 40.0;
    dte->power_idle_w = 8.0;
    dte->power_tx_w = 70.0;
    static const double dte_rates[] = {1000.0, 8000.0, 64000.0, 256000.0, 1024000.0, 2048000.0};
    dte->rates = sizeof dte_rates / sizeof dte_rates[0];
    memcpy(dte->rate_bps, dte_rates, sizeof dte_rates);
    dte->target = 1;
    ref->radio_lines[0] = ref->radio_lines[1] = 1;
    ref->radio_nodes[0] = ref->radio_nodes[1] = N_RADIO;

    // Payloads of the ILRS manifest (MISSION.md); powers and rates are
    // assumptions of the right order for each instrument class.
    ilrs_hw_payload_params_t *p = ref->payloads;
    payload(&p[0], "seismometer", 0.5, 2.0, 14400.0, 1.0, 0.0, 3, N_PAYLOAD);
    payload(&p[1], "magnetometer", 0.5, 2.0, 500.0, 1.0, 0.0, 3, N_PAYLOAD);
    payload(&p[2], "dust_efield", 0.5, 3.0, 1000.0, 0.5, 600.0, 4, N_PAYLOAD);
    payload(&p[3], "space_weather", 1.0, 5.0, 2000.0, 1.0, 0.0, 4, N_PAYLOAD);
    payload(&p[4], "euv_imager", 2.0, 15.0, 100000.0, 0.1, 3600.0, 5, N_PAYLOAD);
    payload(&p[5], "neutral_atom", 2.0, 12.0, 50000.0, 0.25, 3600.0, 5, N_PAYLOAD);
    payload(&p[6], "lf_radio", 3.0, 20.0, 200000.0, 0.2, 86400.0, 6, N_PAYLOAD);
    payload(&p[7], "isru_demo", 5.0, 60.0, 1000.0, 0.05, 86400.0, 7, N_PAYLOAD);
    ref->storage_bytes[0] = UINT64_C(64) << 30;

    ilrs_hw_config_t *cfg = &ref->config;
    ilrs_hw_config_default(cfg);
    cfg->arrays = ref->arrays;
    cfg->n_arrays = 2;
    cfg->batteries = ref->batteries;
    cfg->battery_nodes = ref->battery_nodes;
    cfg->n_batteries = 2;
    cfg->rtgs = ref->rtgs;
    cfg->rtg_nodes = ref->rtg_nodes;
    cfg->n_rtgs = 3;
    cfg->lines = ref->lines;
    cfg->n_lines = 8;
    cfg->heaters = ref->heaters;
    cfg->n_heaters = 4;
    cfg->nodes = ref->nodes;
    cfg->n_nodes = 8;
    cfg->couplings = ref->couplings;
    cfg->n_couplings = 12;
    cfg->radios = ref->radios;
    cfg->radio_lines = ref->radio_lines;
    cfg->radio_nodes = ref->radio_nodes;
    cfg->n_radios = 2;
    cfg->payloads = ref->payloads;
    cfg->n_payloads = 8;
    cfg->storage_bytes = ref->storage_bytes;
    cfg->n_storage = 1;
    cfg->shunt_node = ILRS_HW_NONE;
    // Smallest node time constant here is about 2500 s (C / sum G of the radio
    // and avionics nodes): a 30 s thermal step keeps backward Euler's error
    // under 1 % of a transient and costs a third of a 10 s step.
    cfg->thermal_step_s = 30.0;
    cfg->seed = seed;
}
