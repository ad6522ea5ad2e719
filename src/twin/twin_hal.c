// SPDX-License-Identifier: Apache-2.0
//
// The station hardware object and the twin's hal backend. A station holds a
// configured set of hardware models (twin_hw_power.c, twin_hw_thermal.c,
// twin_hw_comm.c), steps them together under environment inputs supplied by
// the caller, keeps the power bus's energy ledger, and exposes the devices to
// flight software through include/ilrs/hal.h. Depends on base, hal (the
// interface it implements) and the hardware models; never on flight headers.
//
// Design notes
// ------------
// Memory: one arena block sized from the configuration at create; nothing is
// allocated afterwards (flight-code rule, and it keeps a step cache-friendly).
//
// A step, in order:
//  1. Sun direction once; arrays, RTGs/RHUs; battery temperatures from their
//     thermal nodes.
//  2. Demand of each energised load line = fixed consumers + heaters commanded
//     on (and not failed open) + payloads (by mode) + radios (transmitting or
//     idle). A line whose current (demand / bus voltage) exceeds its limit trips:
//     it opens and stays open until commanded on again.
//  3. Power balance on the regulated bus (direct-energy-transfer architecture,
//     Patel 2005 ch. 10): sources = arrays + RTGs. A surplus charges the
//     batteries (in proportion to their rated energy, the remainder offered
//     again in order) and what they refuse is shunted. A deficit is drawn from
//     the batteries; if they cannot cover it (SOC floor, power limit, or their
//     terminal voltage under that load would fall below the undervoltage
//     threshold) the bus browns out: no load is served this step and the
//     sources charge the batteries instead.
//  4. Loads see their supply (line on and no brownout): payloads and radios
//     step, heaters heat. Every watt ends somewhere: fixed loads, payloads,
//     heaters, radio DC power minus radiated RF, battery losses, RTG waste heat
//     and the shunt are added to their thermal nodes (or leave the station when
//     their node is ILRS_HW_NONE).
//  5. The thermal network runs at its own step (config.thermal_step_s, default
//     10 s) on the heat averaged over the station steps since its last step:
//     lumped nodes have time constants of hours, the implicit integrator is
//     stable at any step (twin_hw_thermal.c), and this keeps a 1 Hz year cheap.
//
// Ledger invariant (checked by tests/twin/test_hw_station.c to 1e-9):
//   array + rtg = load + shunt + (stored_now - stored_start) + battery losses
//                 + energy lost with failed strings/cells
#include <stdio.h>
#include <stdlib.h>

#include <ilrs/hal.h>

#include "twin/twin_hw_int.h"

typedef struct hw_line {
    ilrs_hw_line_params_t p;
    bool commanded, tripped, energised, powered;
    double limit_w;  // current limit x bus voltage (0: none)
    double demand_w; // last step, W (0 when not powered)
} hw_line_t;

typedef struct hw_heater {
    ilrs_hw_heater_params_t p;
    bool commanded, failed;
} hw_heater_t;

struct ilrs_hw_station {
    ilrs_arena_t arena; // owns the block holding this struct and every array below
    double bus_v, undervoltage_v, thermal_step_s;
    int shunt_node;
    size_t n_arrays, n_batteries, n_rtgs, n_lines, n_heaters, n_radios, n_payloads, n_storage,
        n_sensors;
    ilrs_hw_array_t *arrays;
    ilrs_hw_battery_t *batteries;
    int *battery_nodes;
    ilrs_hw_rtg_t *rtgs;
    int *rtg_nodes;
    hw_line_t *lines;
    hw_heater_t *heaters;
    ilrs_hw_radio_t *radios;
    int *radio_lines, *radio_nodes;
    ilrs_hw_payload_t *payloads;
    ilrs_hw_storage_t *storage;
    ilrs_hw_sensor_t *sensors;
    double *heat_j; // scratch: heat per node at a thermal step
    // Heat accumulated per device since the last thermal step, and the node it
    // goes to. Per device, not per node: accumulating many devices into one
    // node's slot every step makes a chain of dependent memory adds that cost
    // more than the rest of the step; device slots are independent.
    double *dev_heat_j;
    int *dev_node;
    size_t n_dev, off_heater, off_payload, off_radio, off_rtg, off_battery, off_shunt;
    double *battery_w; // per battery, scratch
    // Per battery terminal voltage and current as of generation battery_gen[i]
    // (gen counts steps and injections: the state the sensors see changes only
    // there). A station step reads them for many sensors (battery and string
    // monitors); each is an OCV interpolation and a SOC evaluation.
    double *battery_v, *battery_i;
    uint64_t *battery_gen;
    uint64_t gen;
    double thermal_acc_s;
    ilrs_hw_thermal_t thermal;
    ilrs_hw_sun_t sun;
    ilrs_rng_t rng;
    ilrs_hw_ledger_t ledger;
    bool brownout;
    double time_s;
};

/* --- Create ------------------------------------------------------------------- */

void ilrs_hw_config_default(ilrs_hw_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->bus_voltage_v = 28.0;
    cfg->undervoltage_v = 22.0;
    cfg->shunt_node = ILRS_HW_NONE;
    cfg->thermal_step_s = 10.0;
    cfg->seed = 1;
}

static int fail(char *error, size_t cap, int code, const char *fmt, const char *what, size_t i)
{
    if (error != NULL && cap > 0) {
        snprintf(error, cap, fmt, what, i);
    }
    return code;
}

static bool node_ok(int node, size_t n_nodes)
{
    return node == ILRS_HW_NONE || (node >= 0 && (size_t)node < n_nodes);
}

// Bytes needed for n items of size sz plus worst-case alignment; false on overflow.
static bool grow(size_t *total, size_t n, size_t sz)
{
    size_t bytes;
    return ilrs_mul_size(n, sz, &bytes) == 0 && ilrs_add_size(*total, bytes + 16, total) == 0;
}

#define ALLOC(st, n, type) ((type *)ilrs_arena_alloc(&(st)->arena, (n) * sizeof(type) + 1, 16))

static void add_sensor(ilrs_hw_station_t *st, const char *base, const char *what,
                       ilrs_hw_quantity_t q, int index, double sigma)
{
    ilrs_hw_sensor_t *s = &st->sensors[st->n_sensors++];
    // "<device><what>": the device name keeps at most 20 characters, fewer if
    // the suffix needs the room (string monitors' suffixes are up to 17).
    size_t w = strlen(what), room = sizeof s->p.name - 1;
    w = w < room ? w : room;
    size_t b = strnlen(base, 20);
    b = b < room - w ? b : room - w;
    memcpy(s->p.name, base, b);
    memcpy(s->p.name + b, what, w);
    s->p.name[b + w] = '\0';
    s->p.quantity = q;
    s->p.index = index;
    s->p.sigma = sigma;
}

static size_t standard_sensor_count(const ilrs_hw_config_t *c)
{
    size_t strings = 0;
    for (size_t i = 0; c->batteries != NULL && i < c->n_batteries; i++) {
        strings += c->batteries[i].strings <= ILRS_HW_STRINGS_MAX ? c->batteries[i].strings : 0;
    }
    return 1 + c->n_arrays + 4 * c->n_batteries + c->n_lines + c->n_nodes + c->n_rtgs +
           c->n_heaters + 2 * strings;
}

static void standard_sensors(ilrs_hw_station_t *st)
{
    // Noise levels typical of 12-bit housekeeping ADCs on a 28 V bus.
    add_sensor(st, "bus", ".voltage", ILRS_HW_Q_BUS_VOLTAGE, 0, 0.05);
    for (size_t i = 0; i < st->n_arrays; i++) {
        add_sensor(st, st->arrays[i].p.name, ".power", ILRS_HW_Q_ARRAY_POWER, (int)i, 1.0);
    }
    for (size_t i = 0; i < st->n_batteries; i++) {
        const char *n = st->batteries[i].p.name;
        add_sensor(st, n, ".voltage", ILRS_HW_Q_BATTERY_VOLTAGE, (int)i, 0.02);
        add_sensor(st, n, ".current", ILRS_HW_Q_BATTERY_CURRENT, (int)i, 0.05);
        add_sensor(st, n, ".temp", ILRS_HW_Q_BATTERY_TEMP, (int)i, 0.2);
        add_sensor(st, n, ".soc", ILRS_HW_Q_BATTERY_SOC, (int)i, 0.005);
    }
    for (size_t i = 0; i < st->n_lines; i++) {
        add_sensor(st, st->lines[i].p.name, ".current", ILRS_HW_Q_LINE_CURRENT, (int)i, 0.02);
    }
    for (size_t i = 0; i < st->thermal.nodes; i++) {
        add_sensor(st, st->thermal.node[i].name, ".temp", ILRS_HW_Q_NODE_TEMP, (int)i, 0.2);
    }
    for (size_t i = 0; i < st->n_rtgs; i++) {
        add_sensor(st, st->rtgs[i].p.name, ".power", ILRS_HW_Q_RTG_POWER, (int)i, 0.1);
    }
    // Heater current, as the current-sensing switch (SSPC/LCL) of each heater
    // output reports it: the way a power distribution unit tells an open
    // element (no current while commanded on) from a working one. Appended last
    // so that the other sensors keep their ids.
    for (size_t i = 0; i < st->n_heaters; i++) {
        add_sensor(st, st->heaters[i].p.name, ".current", ILRS_HW_Q_HEATER_CURRENT, (int)i, 0.01);
    }
    // String monitors of each battery ("<battery>.string<k>.voltage" and
    // ".current", k from 0 as in the scenario's string_index), appended after
    // the heaters for the same reason: the sense lines a parallel-string
    // battery's management electronics read (twin_hw_power.c).
    for (size_t i = 0; i < st->n_batteries; i++) {
        const char *n = st->batteries[i].p.name;
        for (unsigned k = 0; k < st->batteries[i].p.strings; k++) {
            char what[32];
            int idx = (int)(i * ILRS_HW_STRINGS_MAX + k);
            snprintf(what, sizeof what, ".string%u.voltage", k);
            add_sensor(st, n, what, ILRS_HW_Q_STRING_VOLTAGE, idx, 0.02);
            snprintf(what, sizeof what, ".string%u.current", k);
            add_sensor(st, n, what, ILRS_HW_Q_STRING_CURRENT, idx, 0.02);
        }
    }
}

static size_t quantity_limit(const ilrs_hw_config_t *c, ilrs_hw_quantity_t q)
{
    switch (q) {
    case ILRS_HW_Q_BUS_VOLTAGE:
        return 1;
    case ILRS_HW_Q_ARRAY_POWER:
    case ILRS_HW_Q_ARRAY_CURRENT:
        return c->n_arrays;
    case ILRS_HW_Q_BATTERY_VOLTAGE:
    case ILRS_HW_Q_BATTERY_CURRENT:
    case ILRS_HW_Q_BATTERY_TEMP:
    case ILRS_HW_Q_BATTERY_SOC:
        return c->n_batteries;
    case ILRS_HW_Q_LINE_CURRENT:
        return c->n_lines;
    case ILRS_HW_Q_NODE_TEMP:
        return c->n_nodes;
    case ILRS_HW_Q_RTG_POWER:
        return c->n_rtgs;
    case ILRS_HW_Q_HEATER_CURRENT:
        return c->n_heaters;
    case ILRS_HW_Q_STRING_VOLTAGE:
    case ILRS_HW_Q_STRING_CURRENT:
        return c->n_batteries * ILRS_HW_STRINGS_MAX;
    default:
        return 0;
    }
}

static int validate(const ilrs_hw_config_t *c, char *error, size_t cap)
{
    if (!(c->bus_voltage_v > 0.0) || !hw_finite_nonneg(c->undervoltage_v) ||
        !hw_finite_nonneg(c->thermal_step_s) || !node_ok(c->shunt_node, c->n_nodes)) {
        return fail(error, cap, ILRS_EINVAL,
                    "%s %zu: bus voltage, undervoltage, thermal step or shunt node invalid",
                    "config", 0);
    }
    if ((c->n_arrays && !c->arrays) || (c->n_batteries && !c->batteries) ||
        (c->n_rtgs && !c->rtgs) || (c->n_lines && !c->lines) || (c->n_heaters && !c->heaters) ||
        (c->n_nodes && !c->nodes) || (c->n_couplings && !c->couplings) ||
        (c->n_radios && (!c->radios || !c->radio_lines)) || (c->n_payloads && !c->payloads) ||
        (c->n_storage && !c->storage_bytes) || (c->n_sensors && !c->sensors)) {
        return fail(error, cap, ILRS_EINVAL, "%s %zu: a count is non-zero but its array is NULL",
                    "config", 0);
    }
    if (c->n_lines > 0xffff || c->n_lines + c->n_heaters > 0xffff || c->n_radios > 0xffff ||
        c->n_payloads > 0xffff || c->n_storage > 0xffff ||
        (c->sensors ? c->n_sensors : standard_sensor_count(c)) > 0xffff) {
        return fail(error, cap, ILRS_ELIMIT, "%s %zu: more than 65535 devices of one kind",
                    "config", 0);
    }
    for (size_t i = 0; i < c->n_batteries; i++) {
        if (c->battery_nodes && !node_ok(c->battery_nodes[i], c->n_nodes)) {
            return fail(error, cap, ILRS_EINVAL, "%s %zu: thermal node out of range", "battery", i);
        }
    }
    for (size_t i = 0; i < c->n_rtgs; i++) {
        if (c->rtg_nodes && !node_ok(c->rtg_nodes[i], c->n_nodes)) {
            return fail(error, cap, ILRS_EINVAL, "%s %zu: thermal node out of range", "rtg", i);
        }
    }
    for (size_t i = 0; i < c->n_lines; i++) {
        const ilrs_hw_line_params_t *l = &c->lines[i];
        if (!hw_finite_nonneg(l->base_w) || !hw_finite_nonneg(l->current_limit_a) ||
            !node_ok(l->node, c->n_nodes)) {
            return fail(error, cap, ILRS_EINVAL, "%s %zu: power, current limit or node invalid",
                        "line", i);
        }
    }
    for (size_t i = 0; i < c->n_heaters; i++) {
        const ilrs_hw_heater_params_t *h = &c->heaters[i];
        if (!hw_finite_nonneg(h->power_w) || h->line < 0 || (size_t)h->line >= c->n_lines ||
            !node_ok(h->node, c->n_nodes)) {
            return fail(error, cap, ILRS_EINVAL, "%s %zu: power, line or node invalid", "heater",
                        i);
        }
    }
    for (size_t i = 0; i < c->n_radios; i++) {
        if (c->radio_lines[i] < 0 || (size_t)c->radio_lines[i] >= c->n_lines ||
            (c->radio_nodes && !node_ok(c->radio_nodes[i], c->n_nodes)) ||
            c->radios[i].target >= ILRS_HW_LINK_TARGETS) {
            return fail(error, cap, ILRS_EINVAL, "%s %zu: line, node or target (0..3) invalid",
                        "radio", i);
        }
    }
    for (size_t i = 0; i < c->n_payloads; i++) {
        const ilrs_hw_payload_params_t *p = &c->payloads[i];
        if (p->line < 0 || (size_t)p->line >= c->n_lines || !node_ok(p->node, c->n_nodes)) {
            return fail(error, cap, ILRS_EINVAL, "%s %zu: line or node invalid", "payload", i);
        }
    }
    for (size_t i = 0; i < c->n_storage; i++) {
        if (c->storage_bytes[i] == 0) {
            return fail(error, cap, ILRS_EINVAL, "%s %zu: zero capacity", "storage", i);
        }
    }
    for (size_t i = 0; c->sensors && i < c->n_sensors; i++) {
        const ilrs_hw_sensor_params_t *s = &c->sensors[i];
        if ((unsigned)s->quantity >= ILRS_HW_Q_COUNT || s->index < 0 ||
            (size_t)s->index >= quantity_limit(c, s->quantity) || !hw_finite_nonneg(s->sigma)) {
            return fail(error, cap, ILRS_EINVAL, "%s %zu: quantity, index or noise invalid",
                        "sensor", i);
        }
    }
    return 0;
}

// Name of device i of a hal kind (switches: lines then heaters).
static const char *device_name(const ilrs_hw_station_t *st, int kind, size_t i)
{
    switch (kind) {
    case ILRS_HAL_SWITCH:
        return i < st->n_lines ? st->lines[i].p.name : st->heaters[i - st->n_lines].p.name;
    case ILRS_HAL_SENSOR:
        return st->sensors[i].p.name;
    case ILRS_HAL_RADIO:
        return st->radios[i].p.name;
    case ILRS_HAL_PAYLOAD:
        return st->payloads[i].p.name;
    default:
        return st->storage[i].name;
    }
}

// hal looks devices up by name, so names must be unique within a kind.
static int check_names(const ilrs_hw_station_t *st, char *error, size_t cap)
{
    static const char *kinds[5] = {"switch", "sensor", "radio", "payload", "storage"};
    const size_t counts[5] = {st->n_lines + st->n_heaters, st->n_sensors, st->n_radios,
                              st->n_payloads, st->n_storage};
    for (int k = 0; k < 5; k++) {
        for (size_t i = 0; i < counts[k]; i++) {
            const char *a = device_name(st, k, i);
            if (a[0] == '\0') {
                return fail(error, cap, ILRS_EINVAL, "%s %zu: empty name", kinds[k], i);
            }
            for (size_t j = 0; j < i; j++) {
                if (strcmp(a, device_name(st, k, j)) == 0) {
                    return fail(error, cap, ILRS_EEXIST, "%s %zu: duplicate name", kinds[k], i);
                }
            }
        }
    }
    return 0;
}

int ilrs_hw_station_create(const ilrs_hw_config_t *cfg, ilrs_hw_station_t **out, char *error,
                           size_t error_cap)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (error != NULL && error_cap > 0) {
        error[0] = '\0';
    }
    if (cfg == NULL || out == NULL) {
        return ILRS_EINVAL;
    }
    int rc = validate(cfg, error, error_cap);
    if (rc != 0) {
        return rc;
    }
    size_t n_sensors = cfg->sensors ? cfg->n_sensors : standard_sensor_count(cfg);
    size_t n_dev = cfg->n_lines + cfg->n_heaters + cfg->n_payloads + cfg->n_radios + cfg->n_rtgs +
                   cfg->n_batteries + 1;
    size_t total = 0;
    bool ok = grow(&total, 1, sizeof(ilrs_hw_station_t)) &&
              grow(&total, cfg->n_arrays, sizeof(ilrs_hw_array_t)) &&
              grow(&total, cfg->n_batteries, sizeof(ilrs_hw_battery_t)) &&
              grow(&total, cfg->n_batteries, sizeof(int)) &&
              grow(&total, cfg->n_batteries, sizeof(double)) &&
              grow(&total, cfg->n_batteries, 2 * sizeof(double) + sizeof(uint64_t)) &&
              grow(&total, cfg->n_rtgs, sizeof(ilrs_hw_rtg_t)) &&
              grow(&total, cfg->n_rtgs, sizeof(int)) &&
              grow(&total, cfg->n_lines, sizeof(hw_line_t)) &&
              grow(&total, cfg->n_heaters, sizeof(hw_heater_t)) &&
              grow(&total, cfg->n_radios, sizeof(ilrs_hw_radio_t)) &&
              grow(&total, cfg->n_radios, 2 * sizeof(int)) &&
              grow(&total, cfg->n_payloads, sizeof(ilrs_hw_payload_t)) &&
              grow(&total, cfg->n_storage, sizeof(ilrs_hw_storage_t)) &&
              grow(&total, n_sensors, sizeof(ilrs_hw_sensor_t)) &&
              grow(&total, cfg->n_nodes, sizeof(double)) && grow(&total, n_dev, sizeof(double)) &&
              grow(&total, n_dev, sizeof(int)) && grow(&total, 16, 1);
    if (!ok) {
        return fail(error, error_cap, ILRS_ELIMIT, "%s %zu: configuration too large", "config", 0);
    }
    ilrs_arena_t arena;
    if (ilrs_arena_init(&arena, NULL, total) != 0) {
        return ILRS_ENOMEM;
    }
    ilrs_hw_station_t *st = ilrs_arena_alloc(&arena, sizeof *st, 16);
    st->arena = arena;
    st->bus_v = cfg->bus_voltage_v;
    st->undervoltage_v = cfg->undervoltage_v;
    st->thermal_step_s = cfg->thermal_step_s;
    st->shunt_node = cfg->shunt_node;
    st->arrays = ALLOC(st, cfg->n_arrays, ilrs_hw_array_t);
    st->batteries = ALLOC(st, cfg->n_batteries, ilrs_hw_battery_t);
    st->battery_nodes = ALLOC(st, cfg->n_batteries, int);
    st->battery_w = ALLOC(st, cfg->n_batteries, double);
    st->battery_v = ALLOC(st, cfg->n_batteries, double);
    st->battery_i = ALLOC(st, cfg->n_batteries, double);
    st->battery_gen = ALLOC(st, cfg->n_batteries, uint64_t);
    st->gen = 1; // battery_gen starts at 0: nothing cached
    st->rtgs = ALLOC(st, cfg->n_rtgs, ilrs_hw_rtg_t);
    st->rtg_nodes = ALLOC(st, cfg->n_rtgs, int);
    st->lines = ALLOC(st, cfg->n_lines, hw_line_t);
    st->heaters = ALLOC(st, cfg->n_heaters, hw_heater_t);
    st->radios = ALLOC(st, cfg->n_radios, ilrs_hw_radio_t);
    st->radio_lines = ALLOC(st, cfg->n_radios, int);
    st->radio_nodes = ALLOC(st, cfg->n_radios, int);
    st->payloads = ALLOC(st, cfg->n_payloads, ilrs_hw_payload_t);
    st->storage = ALLOC(st, cfg->n_storage, ilrs_hw_storage_t);
    st->sensors = ALLOC(st, n_sensors, ilrs_hw_sensor_t);
    st->heat_j = ALLOC(st, cfg->n_nodes, double);
    st->dev_heat_j = ALLOC(st, n_dev, double);
    st->dev_node = ALLOC(st, n_dev, int);
    if (st->dev_node == NULL) { // the last block: every earlier one fitted too
        rc = ILRS_ENOMEM;
        goto out_arena;
    }

    rc = ilrs_hw_thermal_init(&st->thermal, cfg->nodes, cfg->n_nodes, cfg->couplings,
                              cfg->n_couplings);
    if (rc != 0) {
        fail(error, error_cap, rc, "%s %zu: thermal network invalid (node or coupling)", "thermal",
             0);
        goto out_arena;
    }
    for (size_t i = 0; i < cfg->n_arrays; i++, st->n_arrays++) {
        if ((rc = ilrs_hw_array_init(&st->arrays[i], &cfg->arrays[i])) != 0) {
            fail(error, error_cap, rc, "%s %zu: parameter out of range", "array", i);
            goto out_arena;
        }
    }
    for (size_t i = 0; i < cfg->n_batteries; i++, st->n_batteries++) {
        if ((rc = ilrs_hw_battery_init(&st->batteries[i], &cfg->batteries[i])) != 0) {
            fail(error, error_cap, rc, "%s %zu: parameter out of range", "battery", i);
            goto out_arena;
        }
        st->battery_nodes[i] = cfg->battery_nodes ? cfg->battery_nodes[i] : ILRS_HW_NONE;
    }
    for (size_t i = 0; i < cfg->n_rtgs; i++, st->n_rtgs++) {
        if ((rc = ilrs_hw_rtg_init(&st->rtgs[i], &cfg->rtgs[i])) != 0) {
            fail(error, error_cap, rc, "%s %zu: parameter out of range", "rtg", i);
            goto out_arena;
        }
        st->rtg_nodes[i] = cfg->rtg_nodes ? cfg->rtg_nodes[i] : ILRS_HW_NONE;
    }
    for (size_t i = 0; i < cfg->n_lines; i++, st->n_lines++) {
        st->lines[i].p = cfg->lines[i];
        st->lines[i].p.name[ILRS_HW_NAME_MAX - 1] = '\0';
        st->lines[i].commanded = cfg->lines[i].on;
        st->lines[i].limit_w = cfg->lines[i].current_limit_a * cfg->bus_voltage_v;
    }
    for (size_t i = 0; i < cfg->n_heaters; i++, st->n_heaters++) {
        st->heaters[i].p = cfg->heaters[i];
        st->heaters[i].p.name[ILRS_HW_NAME_MAX - 1] = '\0';
        st->heaters[i].commanded = cfg->heaters[i].on;
    }
    for (size_t i = 0; i < cfg->n_radios; i++, st->n_radios++) {
        if ((rc = ilrs_hw_radio_init(&st->radios[i], &cfg->radios[i])) != 0) {
            fail(error, error_cap, rc, "%s %zu: parameter out of range", "radio", i);
            goto out_arena;
        }
        st->radio_lines[i] = cfg->radio_lines[i];
        st->radio_nodes[i] = cfg->radio_nodes ? cfg->radio_nodes[i] : ILRS_HW_NONE;
    }
    for (size_t i = 0; i < cfg->n_payloads; i++, st->n_payloads++) {
        if ((rc = ilrs_hw_payload_init(&st->payloads[i], &cfg->payloads[i])) != 0) {
            fail(error, error_cap, rc, "%s %zu: parameter out of range", "payload", i);
            goto out_arena;
        }
    }
    for (size_t i = 0; i < cfg->n_storage; i++, st->n_storage++) {
        snprintf(st->storage[i].name, sizeof st->storage[i].name, "storage%zu", i);
        st->storage[i].capacity_bytes = cfg->storage_bytes[i];
    }
    if (cfg->sensors != NULL) {
        for (size_t i = 0; i < cfg->n_sensors; i++) {
            st->sensors[i].p = cfg->sensors[i];
            st->sensors[i].p.name[ILRS_HW_NAME_MAX - 1] = '\0';
        }
        st->n_sensors = cfg->n_sensors;
    } else {
        standard_sensors(st);
    }
    if ((rc = check_names(st, error, error_cap)) != 0) {
        goto out_arena;
    }
    for (size_t i = 0; i < st->n_batteries; i++) {
        int node = st->battery_nodes[i];
        if (node != ILRS_HW_NONE) {
            st->batteries[i].temperature_k = st->thermal.t_k[node];
        }
    }
    st->n_dev = n_dev;
    st->off_heater = st->n_lines;
    st->off_payload = st->off_heater + st->n_heaters;
    st->off_radio = st->off_payload + st->n_payloads;
    st->off_rtg = st->off_radio + st->n_radios;
    st->off_battery = st->off_rtg + st->n_rtgs;
    st->off_shunt = st->off_battery + st->n_batteries;
    for (size_t i = 0; i < st->n_lines; i++) {
        st->dev_node[i] = st->lines[i].p.node;
    }
    for (size_t i = 0; i < st->n_heaters; i++) {
        st->dev_node[st->off_heater + i] = st->heaters[i].p.node;
    }
    for (size_t i = 0; i < st->n_payloads; i++) {
        st->dev_node[st->off_payload + i] = st->payloads[i].p.node;
    }
    for (size_t i = 0; i < st->n_radios; i++) {
        st->dev_node[st->off_radio + i] = st->radio_nodes[i];
    }
    for (size_t i = 0; i < st->n_rtgs; i++) {
        st->dev_node[st->off_rtg + i] = st->rtg_nodes[i];
    }
    for (size_t i = 0; i < st->n_batteries; i++) {
        st->dev_node[st->off_battery + i] = st->battery_nodes[i];
    }
    st->dev_node[st->off_shunt] = st->shunt_node;
    ilrs_rng_seed(&st->rng, cfg->seed);
    ilrs_hw_sun_set(&st->sun, 0.0, -90.0, 0.0, 0.0);
    *out = st;
    return 0;

out_arena:
    ilrs_arena_fini(&arena);
    return rc;
}

void ilrs_hw_station_destroy(ilrs_hw_station_t *st)
{
    if (st == NULL) {
        return;
    }
    ilrs_arena_t arena = st->arena; // the block holds st itself
    ilrs_arena_fini(&arena);
}

/* --- Step ------------------------------------------------------------------------ */

// Largest bus power battery b can deliver for dt_s without crossing its SOC
// floor, its power limit, or its undervoltage cut-off (terminal voltage at that
// current, OCV - I R, estimated with I = P / OCV).
static double battery_available_w(const ilrs_hw_battery_t *b, double dt_s, double undervoltage_v)
{
    if (b->strings_ok == 0) {
        return 0.0;
    }
    double rated = ilrs_hw_battery_rated_j(b);
    double f = ilrs_hw_battery_capacity_j(b) / rated;
    double avail_j = b->energy_j - rated * (1.0 - f) - b->p.soc_min * rated * f;
    if (avail_j <= 0.0) {
        return 0.0;
    }
    double p = avail_j * b->p.discharge_efficiency / dt_s;
    double limit = b->p.max_discharge_c * rated / 3600.0;
    if (p > limit) {
        p = limit;
    }
    double ocv = ilrs_hw_battery_ocv(b);
    double r = (double)b->cells_ok * b->p.cell_resistance_ohm / (double)b->strings_ok;
    if (r > 0.0 && ocv > undervoltage_v) {
        // OCV - (P / OCV) R >= Vuv  <=>  P <= OCV (OCV - Vuv) / R
        double pv = ocv * (ocv - undervoltage_v) / r;
        if (p > pv) {
            p = pv;
        }
    } else if (ocv <= undervoltage_v) {
        return 0.0;
    }
    return p;
}

// Offer `power` to the batteries in proportion to their rated energy, then the
// remainder in order. Returns what they took (charge) or gave (discharge).
static double share_batteries(ilrs_hw_station_t *st, double power, double dt_s, bool charge)
{
    double total_rated = 0.0;
    for (size_t i = 0; i < st->n_batteries; i++) {
        total_rated += ilrs_hw_battery_rated_j(&st->batteries[i]);
        st->battery_w[i] = 0.0;
    }
    if (!(power > 0.0) || !(total_rated > 0.0)) {
        return 0.0;
    }
    // Pass 1: proportional shares. Pass 2: the remainder, offered in order only
    // to batteries that took their whole share (one that took less is at a
    // limit and would refuse again).
    double done = 0.0;
    bool room = false;
    for (size_t i = 0; i < st->n_batteries; i++) {
        ilrs_hw_battery_t *b = &st->batteries[i];
        double want = power * ilrs_hw_battery_rated_j(b) / total_rated;
        if (!(want > 0.0)) {
            continue;
        }
        double got = charge ? ilrs_hw_battery_charge(b, want, dt_s)
                            : ilrs_hw_battery_discharge(b, want, dt_s);
        st->battery_w[i] = got;
        done += got;
        room = room || got >= want;
    }
    for (size_t i = 0; room && i < st->n_batteries && power - done > 1e-12 * power; i++) {
        ilrs_hw_battery_t *b = &st->batteries[i];
        double got = charge ? ilrs_hw_battery_charge(b, power - done, dt_s)
                            : ilrs_hw_battery_discharge(b, power - done, dt_s);
        st->battery_w[i] += got;
        done += got;
    }
    for (size_t i = 0; i < st->n_batteries; i++) {
        // The per-battery bus power of the whole step, for the current sensors.
        st->batteries[i].power_w = charge ? -st->battery_w[i] : st->battery_w[i];
    }
    return done;
}

static inline void add_heat(ilrs_hw_station_t *st, size_t device, double joules)
{
    st->dev_heat_j[device] += joules;
}

int ilrs_hw_station_step(ilrs_hw_station_t *st, const ilrs_hw_env_t *env, double dt_s)
{
    if (st == NULL || env == NULL || !(dt_s > 0.0) || !isfinite(dt_s) ||
        !hw_finite_nonneg(env->solar_flux_w_m2) || !isfinite(env->sun_el_deg) ||
        !isfinite(env->sun_az_deg) || !isfinite(env->sun_visible_fraction) ||
        !hw_finite_nonneg(env->regolith_k) || !hw_finite_nonneg(env->sink_k)) {
        return ILRS_EINVAL;
    }
    for (size_t k = 0; k < ILRS_HW_LINK_TARGETS; k++) {
        if (!isfinite(env->link_distance_m[k])) {
            return ILRS_EINVAL;
        }
    }
    ilrs_hw_ledger_t *lg = &st->ledger;
    if (env->solar_flux_w_m2 != st->sun.flux_w_m2 || env->sun_el_deg != st->sun.el_deg ||
        env->sun_az_deg != st->sun.az_deg ||
        env->sun_visible_fraction != st->sun.visible_fraction) {
        ilrs_hw_sun_set(&st->sun, env->solar_flux_w_m2, env->sun_el_deg, env->sun_az_deg,
                        env->sun_visible_fraction);
    }

    // 1. Sources.
    double array_w = 0.0, rtg_w = 0.0;
    for (size_t i = 0; i < st->n_arrays; i++) {
        array_w += hw_array_step(&st->arrays[i], &st->sun, env->sink_k, dt_s);
    }
    for (size_t i = 0; i < st->n_rtgs; i++) {
        ilrs_hw_rtg_t *r = &st->rtgs[i];
        hw_rtg_step(r, dt_s);
        rtg_w += r->electric_w;
        add_heat(st, st->off_rtg + i, r->heat_w * dt_s);
    }
    for (size_t i = 0; i < st->n_batteries; i++) {
        if (st->battery_nodes[i] != ILRS_HW_NONE) {
            st->batteries[i].temperature_k = st->thermal.t_k[st->battery_nodes[i]];
        }
    }

    // 2. Demand of each energised line; over-current trips.
    for (size_t i = 0; i < st->n_lines; i++) {
        hw_line_t *l = &st->lines[i];
        l->energised = l->commanded && !l->tripped;
        l->demand_w = l->energised ? l->p.base_w : 0.0;
    }
    for (size_t i = 0; i < st->n_heaters; i++) {
        hw_heater_t *h = &st->heaters[i];
        if (h->commanded && !h->failed) {
            st->lines[h->p.line].demand_w += st->lines[h->p.line].energised ? h->p.power_w : 0.0;
        }
    }
    for (size_t i = 0; i < st->n_payloads; i++) {
        const ilrs_hw_payload_t *pl = &st->payloads[i];
        if (st->lines[pl->p.line].energised) {
            // A payload coming up is in standby (mode 0) until commanded.
            double w = pl->powered && pl->mode != 0 ? pl->p.power_active_w : pl->p.power_standby_w;
            st->lines[pl->p.line].demand_w += w;
        }
    }
    for (size_t i = 0; i < st->n_radios; i++) {
        const ilrs_hw_radio_t *r = &st->radios[i];
        if (st->lines[st->radio_lines[i]].energised) {
            bool tx = r->link_up && r->queued_bytes > 0;
            st->lines[st->radio_lines[i]].demand_w += tx ? r->p.power_tx_w : r->p.power_idle_w;
        }
    }
    double load_w = 0.0;
    for (size_t i = 0; i < st->n_lines; i++) {
        hw_line_t *l = &st->lines[i];
        if (l->energised && l->limit_w > 0.0 && l->demand_w > l->limit_w) {
            ilrs_log(ILRS_LOG_INFO, "twin", "load line %s tripped (%.2f A > %.2f A)", l->p.name,
                     l->demand_w / st->bus_v, l->p.current_limit_a);
            l->tripped = true;
            l->energised = false;
            l->demand_w = 0.0;
        }
        load_w += l->demand_w;
    }

    // 3. Bus balance.
    double source_w = array_w + rtg_w;
    double charge_w = 0.0, discharge_w = 0.0, shunt_w = 0.0, served_w = load_w;
    st->brownout = false;
    if (source_w < load_w) {
        double need = load_w - source_w, avail = 0.0;
        for (size_t i = 0; i < st->n_batteries; i++) {
            avail += battery_available_w(&st->batteries[i], dt_s, st->undervoltage_v);
        }
        if (avail >= need) {
            discharge_w = share_batteries(st, need, dt_s, false);
            served_w = source_w + discharge_w;
        } else {
            st->brownout = true;
            served_w = 0.0;
        }
    }
    double surplus_w = source_w - served_w;
    if (surplus_w > 0.0) {
        charge_w = share_batteries(st, surplus_w, dt_s, true);
        shunt_w = surplus_w - charge_w;
    } else if (discharge_w == 0.0) {
        share_batteries(st, 0.0, dt_s, true); // idle batteries: zero their currents
    }
    double loss_before = lg->battery_loss_j, loss_now = 0.0, failed_now = 0.0;
    for (size_t i = 0; i < st->n_batteries; i++) {
        loss_now += st->batteries[i].loss_j;
        failed_now += st->batteries[i].failed_j;
    }
    lg->array_j += array_w * dt_s;
    lg->rtg_j += rtg_w * dt_s;
    lg->load_j += served_w * dt_s;
    lg->battery_in_j += charge_w * dt_s;
    lg->battery_out_j += discharge_w * dt_s;
    lg->shunt_j += shunt_w * dt_s;
    lg->battery_loss_j = loss_now;
    lg->battery_failed_j = failed_now;
    if (st->brownout) {
        lg->brownout_s += dt_s;
    }
    add_heat(st, st->off_shunt, shunt_w * dt_s);
    // Battery conversion losses heat the battery's node, shared by this step's throughput.
    double step_loss_j = loss_now - loss_before;
    if (step_loss_j > 0.0) {
        double throughput = 0.0;
        for (size_t i = 0; i < st->n_batteries; i++) {
            throughput += st->battery_w[i];
        }
        for (size_t i = 0; i < st->n_batteries && throughput > 0.0; i++) {
            add_heat(st, st->off_battery + i, step_loss_j * st->battery_w[i] / throughput);
        }
    }

    // 4. Loads see their supply.
    for (size_t i = 0; i < st->n_lines; i++) {
        hw_line_t *l = &st->lines[i];
        l->powered = l->energised && !st->brownout;
        if (!l->powered) {
            l->demand_w = 0.0;
        }
        add_heat(st, i, l->powered ? l->p.base_w * dt_s : 0.0);
    }
    for (size_t i = 0; i < st->n_heaters; i++) {
        hw_heater_t *h = &st->heaters[i];
        if (h->commanded && !h->failed && st->lines[h->p.line].powered) {
            add_heat(st, st->off_heater + i, h->p.power_w * dt_s);
        }
    }
    for (size_t i = 0; i < st->n_payloads; i++) {
        ilrs_hw_payload_t *pl = &st->payloads[i];
        bool powered = st->lines[pl->p.line].powered;
        if (powered) { // the power drawn this step, at the mode it started in
            add_heat(st, st->off_payload + i,
                     (pl->powered && pl->mode != 0 ? pl->p.power_active_w : pl->p.power_standby_w) *
                         dt_s);
        }
        hw_payload_step(pl, powered, dt_s);
    }
    for (size_t i = 0; i < st->n_radios; i++) {
        ilrs_hw_radio_t *r = &st->radios[i];
        bool powered = st->lines[st->radio_lines[i]].powered;
        if (powered) {
            bool tx = r->link_up && r->queued_bytes > 0;
            // Radiated RF leaves the station; the rest of the DC power is heat.
            double heat = tx ? r->p.power_tx_w - r->p.tx_power_w : r->p.power_idle_w;
            add_heat(st, st->off_radio + i, (heat > 0.0 ? heat : 0.0) * dt_s);
        }
        double d = env->link_distance_m[r->p.target];
        hw_radio_step(r, d, d > 0.0, powered, dt_s);
    }

    // 5. Thermal network at its own rate.
    st->thermal_acc_s += dt_s;
    if (st->thermal_acc_s >= st->thermal_step_s && st->thermal.nodes > 0) {
        double heat_w[ILRS_HW_NODES_MAX];
        for (size_t i = 0; i < st->thermal.nodes; i++) {
            st->heat_j[i] = 0.0;
        }
        for (size_t d = 0; d < st->n_dev; d++) {
            if (st->dev_node[d] != ILRS_HW_NONE) {
                st->heat_j[st->dev_node[d]] += st->dev_heat_j[d];
            }
            st->dev_heat_j[d] = 0.0;
        }
        for (size_t i = 0; i < st->thermal.nodes; i++) {
            heat_w[i] = st->heat_j[i] / st->thermal_acc_s;
        }
        ilrs_hw_thermal_step(&st->thermal, heat_w, env->regolith_k, env->sink_k, &st->sun,
                             st->thermal_acc_s);
        st->thermal_acc_s = 0.0;
    }
    st->time_s += dt_s;
    st->gen++;
    return 0;
}

/* --- Sensors ---------------------------------------------------------------------- */

// Terminal voltage and current of battery k (cached for the generation).
static void battery_vi(ilrs_hw_station_t *st, size_t k, double *v, double *i)
{
    if (st->battery_gen[k] != st->gen) {
        st->battery_gen[k] = st->gen;
        st->battery_v[k] = ilrs_hw_battery_voltage(&st->batteries[k]);
        st->battery_i[k] = ilrs_hw_battery_current(&st->batteries[k]);
    }
    *v = st->battery_v[k];
    *i = st->battery_i[k];
}

// What string monitor j (battery x ILRS_HW_STRINGS_MAX + string) reads: the
// battery's values through ilrs_hw_battery_string_voltage/_current's rules.
static double string_true(ilrs_hw_station_t *st, size_t j, bool current)
{
    size_t k = j / ILRS_HW_STRINGS_MAX;
    unsigned s = (unsigned)(j % ILRS_HW_STRINGS_MAX);
    const ilrs_hw_battery_t *b = &st->batteries[k];
    if (s >= b->p.strings || (b->string_open >> s) & 1u || b->strings_ok == 0) {
        return 0.0;
    }
    double v, i;
    battery_vi(st, k, &v, &i);
    return current ? i / (double)b->strings_ok : v;
}

// The true value a sensor measures (before noise and faults).
static double sensor_true(ilrs_hw_station_t *st, size_t i)
{
    double bv, bi;
    const ilrs_hw_sensor_params_t *p = &st->sensors[i].p;
    size_t k = (size_t)p->index;
    switch (p->quantity) {
    case ILRS_HW_Q_BUS_VOLTAGE:
        return st->brownout ? 0.0 : st->bus_v;
    case ILRS_HW_Q_ARRAY_POWER:
        return st->arrays[k].power_w;
    case ILRS_HW_Q_ARRAY_CURRENT:
        return st->arrays[k].power_w / st->bus_v;
    case ILRS_HW_Q_BATTERY_VOLTAGE:
        battery_vi(st, k, &bv, &bi);
        return bv;
    case ILRS_HW_Q_BATTERY_CURRENT:
        battery_vi(st, k, &bv, &bi);
        return bi;
    case ILRS_HW_Q_BATTERY_TEMP:
        return st->batteries[k].temperature_k;
    case ILRS_HW_Q_BATTERY_SOC:
        return ilrs_hw_battery_soc(&st->batteries[k]);
    case ILRS_HW_Q_LINE_CURRENT:
        return (st->lines[k].powered ? st->lines[k].demand_w : 0.0) / st->bus_v;
    case ILRS_HW_Q_NODE_TEMP:
        return st->thermal.t_k[k];
    case ILRS_HW_Q_RTG_POWER:
        return st->rtgs[k].electric_w;
    case ILRS_HW_Q_STRING_VOLTAGE:
        return string_true(st, k, false);
    case ILRS_HW_Q_STRING_CURRENT:
        return string_true(st, k, true);
    case ILRS_HW_Q_HEATER_CURRENT: {
        const hw_heater_t *h = &st->heaters[k];
        bool flowing = h->commanded && !h->failed && st->lines[h->p.line].powered;
        return flowing ? h->p.power_w / st->bus_v : 0.0;
    }
    default:
        return 0.0;
    }
}

/* --- Faults and accessors ----------------------------------------------------- */

int ilrs_hw_station_inject(ilrs_hw_station_t *st, ilrs_hw_fault_kind_t kind, size_t index,
                           double value)
{
    if (st == NULL || !isfinite(value)) {
        return ILRS_EINVAL;
    }
    st->gen++; // a fault may change what the sensors see now
    switch (kind) {
    case ILRS_HW_FAULT_BATTERY_STRING:
        if (index >= st->n_batteries || !(value >= 0.0 && value < ILRS_HW_STRINGS_MAX)) {
            return ILRS_ERANGE;
        }
        return ilrs_hw_battery_fail_string_at(&st->batteries[index], (unsigned)value);
    case ILRS_HW_FAULT_BATTERY_CELL:
        return index < st->n_batteries ? ilrs_hw_battery_short_cell(&st->batteries[index])
                                       : ILRS_ERANGE;
    case ILRS_HW_FAULT_ARRAY_DEGRADE:
        if (index >= st->n_arrays) {
            return ILRS_ERANGE;
        }
        if (!(value >= 0.0 && value <= 1.0)) {
            return ILRS_EINVAL;
        }
        ilrs_hw_array_degrade(&st->arrays[index], value);
        return 0;
    case ILRS_HW_FAULT_RADIO_OUTAGE:
        if (index >= st->n_radios) {
            return ILRS_ERANGE;
        }
        st->radios[index].outage = value != 0.0;
        return 0;
    case ILRS_HW_FAULT_PAYLOAD_HANG:
        if (index >= st->n_payloads) {
            return ILRS_ERANGE;
        }
        if (!st->payloads[index].powered) {
            return ILRS_ESTATE;
        }
        st->payloads[index].hung = true;
        return 0;
    case ILRS_HW_FAULT_SENSOR_STUCK:
    case ILRS_HW_FAULT_SENSOR_FAIL:
        if (index >= st->n_sensors) {
            return ILRS_ERANGE;
        }
        if (kind == ILRS_HW_FAULT_SENSOR_FAIL) {
            st->sensors[index].failed = true;
        } else {
            st->sensors[index].stuck_value = sensor_true(st, index);
            st->sensors[index].stuck = true;
        }
        return 0;
    case ILRS_HW_FAULT_HEATER_OPEN:
        if (index >= st->n_heaters) {
            return ILRS_ERANGE;
        }
        st->heaters[index].failed = true;
        return 0;
    default:
        return ILRS_EINVAL;
    }
}

const ilrs_hw_ledger_t *ilrs_hw_station_ledger(const ilrs_hw_station_t *st)
{
    return &st->ledger;
}

double ilrs_hw_station_stored_j(const ilrs_hw_station_t *st)
{
    double e = 0.0;
    for (size_t i = 0; i < st->n_batteries; i++) {
        e += st->batteries[i].energy_j;
    }
    return e;
}

bool ilrs_hw_station_is_brownout(const ilrs_hw_station_t *st)
{
    return st->brownout;
}

double ilrs_hw_station_time_s(const ilrs_hw_station_t *st)
{
    return st->time_s;
}

#define ACCESSOR(fn, type, field, count)                                                           \
    const type *fn(const ilrs_hw_station_t *st, size_t i)                                          \
    {                                                                                              \
        return st != NULL && i < st->count ? &st->field[i] : NULL;                                 \
    }
ACCESSOR(ilrs_hw_station_array, ilrs_hw_array_t, arrays, n_arrays)
ACCESSOR(ilrs_hw_station_battery, ilrs_hw_battery_t, batteries, n_batteries)
ACCESSOR(ilrs_hw_station_rtg, ilrs_hw_rtg_t, rtgs, n_rtgs)
ACCESSOR(ilrs_hw_station_radio, ilrs_hw_radio_t, radios, n_radios)
ACCESSOR(ilrs_hw_station_payload, ilrs_hw_payload_t, payloads, n_payloads)
ACCESSOR(ilrs_hw_station_storage, ilrs_hw_storage_t, storage, n_storage)

const ilrs_hw_thermal_t *ilrs_hw_station_thermal(const ilrs_hw_station_t *st)
{
    return st != NULL ? &st->thermal : NULL;
}

double ilrs_hw_station_line_power(const ilrs_hw_station_t *st, size_t i)
{
    return st != NULL && i < st->n_lines && st->lines[i].powered ? st->lines[i].demand_w : 0.0;
}

static const char *quantity_unit(ilrs_hw_quantity_t q)
{
    switch (q) {
    case ILRS_HW_Q_BUS_VOLTAGE:
    case ILRS_HW_Q_BATTERY_VOLTAGE:
    case ILRS_HW_Q_STRING_VOLTAGE:
        return "V";
    case ILRS_HW_Q_ARRAY_CURRENT:
    case ILRS_HW_Q_BATTERY_CURRENT:
    case ILRS_HW_Q_LINE_CURRENT:
    case ILRS_HW_Q_HEATER_CURRENT:
    case ILRS_HW_Q_STRING_CURRENT:
        return "A";
    case ILRS_HW_Q_BATTERY_TEMP:
    case ILRS_HW_Q_NODE_TEMP:
        return "K";
    case ILRS_HW_Q_BATTERY_SOC:
        return "1";
    default:
        return "W";
    }
}

/* --- hal backend ------------------------------------------------------------------- */

static size_t hal_count(void *ctx, ilrs_hal_kind_t kind)
{
    const ilrs_hw_station_t *st = ctx;
    switch (kind) {
    case ILRS_HAL_SWITCH:
        return st->n_lines + st->n_heaters;
    case ILRS_HAL_SENSOR:
        return st->n_sensors;
    case ILRS_HAL_RADIO:
        return st->n_radios;
    case ILRS_HAL_PAYLOAD:
        return st->n_payloads;
    case ILRS_HAL_STORAGE:
        return st->n_storage;
    default:
        return 0;
    }
}

static int hal_info(void *ctx, ilrs_hal_kind_t kind, size_t index, ilrs_hal_info_t *out)
{
    const ilrs_hw_station_t *st = ctx;
    if (index >= hal_count(ctx, kind)) {
        return ILRS_EHAL_NODEV;
    }
    const char *name = "";
    switch (kind) {
    case ILRS_HAL_SWITCH:
        name =
            index < st->n_lines ? st->lines[index].p.name : st->heaters[index - st->n_lines].p.name;
        break;
    case ILRS_HAL_SENSOR:
        name = st->sensors[index].p.name;
        hw_name(out->unit, quantity_unit(st->sensors[index].p.quantity));
        break;
    case ILRS_HAL_RADIO:
        name = st->radios[index].p.name;
        break;
    case ILRS_HAL_PAYLOAD:
        name = st->payloads[index].p.name;
        break;
    case ILRS_HAL_STORAGE:
        name = st->storage[index].name;
        break;
    default:
        return ILRS_EINVAL;
    }
    out->kind = kind;
    out->id = (uint16_t)index;
    hw_name(out->name, name);
    return 0;
}

static int hal_switch_set(void *ctx, uint16_t id, bool on)
{
    ilrs_hw_station_t *st = ctx;
    if (id < st->n_lines) {
        st->lines[id].commanded = on;
        if (on) {
            st->lines[id].tripped = false; // commanding on resets the protection
        }
        return 0;
    }
    if ((size_t)id < st->n_lines + st->n_heaters) {
        st->heaters[id - st->n_lines].commanded = on;
        return 0;
    }
    return ILRS_EHAL_NODEV;
}

static int hal_switch_get(void *ctx, uint16_t id, ilrs_hal_switch_state_t *out)
{
    ilrs_hw_station_t *st = ctx;
    if (id < st->n_lines) {
        const hw_line_t *l = &st->lines[id];
        out->commanded_on = l->commanded;
        out->tripped = l->tripped;
        out->on = l->commanded && !l->tripped && !st->brownout;
        return 0;
    }
    if ((size_t)id < st->n_lines + st->n_heaters) {
        // The relay's state: an open heater element does not show here, only
        // in its node's temperature (and the line current).
        const hw_heater_t *h = &st->heaters[id - st->n_lines];
        const hw_line_t *l = &st->lines[h->p.line];
        out->commanded_on = h->commanded;
        out->on = h->commanded && l->commanded && !l->tripped && !st->brownout;
        return 0;
    }
    return ILRS_EHAL_NODEV;
}

static int hal_sensor_read(void *ctx, uint16_t id, ilrs_hal_reading_t *out)
{
    ilrs_hw_station_t *st = ctx;
    if (id >= st->n_sensors) {
        return ILRS_EHAL_NODEV;
    }
    ilrs_hw_sensor_t *s = &st->sensors[id];
    if (s->failed) {
        out->valid = false;
        out->value = 0.0;
        return 0;
    }
    out->valid = true;
    if (s->stuck) {
        out->value = s->stuck_value;
        return 0;
    }
    double v = sensor_true(st, id);
    if (s->p.sigma > 0.0) {
        v += s->p.sigma * ilrs_rng_normal(&st->rng);
    }
    out->value = v;
    return 0;
}

static int hal_radio_status(void *ctx, uint16_t id, ilrs_hal_radio_status_t *out)
{
    const ilrs_hw_station_t *st = ctx;
    if (id >= st->n_radios) {
        return ILRS_EHAL_NODEV;
    }
    const ilrs_hw_radio_t *r = &st->radios[id];
    out->link_up = r->link_up;
    out->rate_bps = r->link_up ? r->link.rate_bps : 0.0;
    out->queued_bytes = r->queued_bytes;
    out->queue_capacity = r->p.queue_bytes;
    out->sent_bytes = r->sent_bytes;
    out->dropped_bytes = r->dropped_bytes;
    return 0;
}

static int hal_radio_send(void *ctx, uint16_t id, const void *data, size_t len)
{
    (void)data; // the twin models timing and capacity; the content goes to the space link
    ilrs_hw_station_t *st = ctx;
    if (id >= st->n_radios) {
        return ILRS_EHAL_NODEV;
    }
    if (!st->lines[st->radio_lines[id]].powered) {
        return ILRS_EHAL_UNPOWERED;
    }
    return ilrs_hw_radio_send(&st->radios[id], (uint64_t)len);
}

static int hal_payload_status(void *ctx, uint16_t id, ilrs_hal_payload_status_t *out)
{
    const ilrs_hw_station_t *st = ctx;
    if (id >= st->n_payloads) {
        return ILRS_EHAL_NODEV;
    }
    const ilrs_hw_payload_t *pl = &st->payloads[id];
    out->powered = pl->powered;
    out->mode = pl->mode;
    out->pending_bytes = (uint64_t)floor(pl->pending_bits / 8.0);
    return 0;
}

static int hal_payload_command(void *ctx, uint16_t id, uint32_t mode)
{
    ilrs_hw_station_t *st = ctx;
    if (id >= st->n_payloads) {
        return ILRS_EHAL_NODEV;
    }
    if (!st->payloads[id].powered) {
        return ILRS_EHAL_UNPOWERED;
    }
    (void)ilrs_hw_payload_command(&st->payloads[id], mode); // a hung payload ignores it
    return 0;
}

static int hal_payload_read(void *ctx, uint16_t id, uint64_t *bytes)
{
    ilrs_hw_station_t *st = ctx;
    if (id >= st->n_payloads) {
        return ILRS_EHAL_NODEV;
    }
    *bytes = ilrs_hw_payload_read(&st->payloads[id]);
    return 0;
}

static int hal_storage_status(void *ctx, uint16_t id, ilrs_hal_storage_status_t *out)
{
    const ilrs_hw_station_t *st = ctx;
    if (id >= st->n_storage) {
        return ILRS_EHAL_NODEV;
    }
    out->capacity_bytes = st->storage[id].capacity_bytes;
    out->used_bytes = st->storage[id].used_bytes;
    return 0;
}

static int hal_storage_write(void *ctx, uint16_t id, uint64_t bytes, uint64_t *written)
{
    ilrs_hw_station_t *st = ctx;
    if (id >= st->n_storage) {
        return ILRS_EHAL_NODEV;
    }
    *written = ilrs_hw_storage_write(&st->storage[id], bytes);
    return 0;
}

static int hal_storage_release(void *ctx, uint16_t id, uint64_t bytes, uint64_t *released)
{
    ilrs_hw_station_t *st = ctx;
    if (id >= st->n_storage) {
        return ILRS_EHAL_NODEV;
    }
    *released = ilrs_hw_storage_release(&st->storage[id], bytes);
    return 0;
}

static const ilrs_hal_ops_t twin_hal_ops = {
    .count = hal_count,
    .info = hal_info,
    .switch_set = hal_switch_set,
    .switch_get = hal_switch_get,
    .sensor_read = hal_sensor_read,
    .radio_status = hal_radio_status,
    .radio_send = hal_radio_send,
    .payload_status = hal_payload_status,
    .payload_command = hal_payload_command,
    .payload_read = hal_payload_read,
    .storage_status = hal_storage_status,
    .storage_write = hal_storage_write,
    .storage_release = hal_storage_release,
};

int ilrs_hw_station_hal(ilrs_hw_station_t *st, struct ilrs_hal *hal)
{
    if (st == NULL) {
        if (hal != NULL) {
            memset(hal, 0, sizeof *hal);
        }
        return ILRS_EINVAL;
    }
    return ilrs_hal_init(hal, &twin_hal_ops, st);
}
