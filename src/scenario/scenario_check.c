// SPDX-License-Identifier: Apache-2.0
//
// Scenario cross-checks: rules that span elements, run after the schema walk
// on a document without schema errors, before any simulation. Each finding
// points at the key it is about (file:line:column from the location table).
//
//   - duplicate ids within each kind of element (heater ids across all nodes);
//   - references to unknown nodes, lines, partners and fault targets;
//   - loads the station can never power: a payload mode, the avionics, a rover
//     or a heater needing more than every array at perihelion flux
//     (1415 W/m^2, see scenario.h) at normal incidence plus every RTG;
//   - a single load above its power line's current limit at the bus voltage
//     (error) and lines whose loads together exceed it (warning);
//   - links: proximity radios need a relay, any radio needs a ground station;
//   - faults: string_index within the target battery, times within the run;
//   - the Chang'e-8 per-partner (100 kg) and total (200 kg) payload mass caps
//     (MISSION.md): warnings by default, errors with opts.mass_cap_is_error,
//     because they are one mission's rule, not physics;
//   - DEM files readable (opts.check_files).
// Orbit feasibility is checked per relay in the schema (scenario_schema.c).
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scenario/scenario_int.h"

static void finding(scenario_ctx_t *ctx, int code, bool warning, const void *where,
                    const void *element, const char *keypath, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static void finding(scenario_ctx_t *ctx, int code, bool warning, const void *where,
                    const void *element, const char *keypath, const char *fmt, ...)
{
    unsigned line, column;
    ilrs__scenario_loc_find(ctx, where, element, &line, &column);
    char msg[ILRS_SCENARIO_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ilrs__scenario_diag(ctx, code, warning, line, column, keypath, "%s", msg);
}

/* Duplicate ids in one list: base, count, stride, offset of the id. */
static void check_duplicates(scenario_ctx_t *ctx, const void *base, size_t count, size_t stride,
                             size_t id_off, const char *list_path, const char *key)
{
    const unsigned char *b = base;
    for (size_t i = 1; i < count; i++) {
        const char *id = (const char *)(b + i * stride + id_off);
        for (size_t j = 0; j < i; j++) {
            const char *other = (const char *)(b + j * stride + id_off);
            if (strcmp(id, other) == 0) {
                unsigned line, column;
                ilrs__scenario_loc_find(ctx, other, b + j * stride, &line, &column);
                char kpath[ILRS_SCENARIO_KEYPATH_MAX];
                snprintf(kpath, sizeof kpath, "%s[%zu].%s", list_path, i, key);
                finding(ctx, ILRS_ESCENARIO_DUPLICATE, false, id, b + i * stride, kpath,
                        "duplicate %s '%s' (first at line %u, %s[%zu])", key, id, line, list_path,
                        j);
                break;
            }
        }
    }
}

static bool has_node(const ilrs_scenario_t *sc, const char *name)
{
    return ilrs_scenario_find_node(sc, name) != NULL;
}

static const ilrs_scenario_line_t *find_line(const ilrs_scenario_t *sc, const char *id)
{
    for (size_t i = 0; i < sc->power.line_count; i++) {
        if (strcmp(sc->power.lines[i].id, id) == 0) {
            return &sc->power.lines[i];
        }
    }
    return NULL;
}

static void ref_node(scenario_ctx_t *ctx, const char *name, const void *element, bool optional,
                     const char *kpath)
{
    if (name[0] == '\0' && optional) {
        return;
    }
    if (!has_node(ctx->scenario, name)) {
        finding(ctx, ILRS_ESCENARIO_REF, false, name, element, kpath,
                "unknown thermal node '%s' (not in thermal.nodes)", name);
    }
}

/* A load on a line: the line must exist and carry the load's peak current. */
static void ref_line(scenario_ctx_t *ctx, const char *id, double peak_w, const void *element,
                     const char *kpath)
{
    if (id[0] == '\0') {
        return; /* unswitched bus */
    }
    const ilrs_scenario_line_t *l = find_line(ctx->scenario, id);
    if (l == NULL) {
        finding(ctx, ILRS_ESCENARIO_REF, false, id, element, kpath,
                "unknown power line '%s' (not in power.lines)", id);
        return;
    }
    double amps = peak_w / ctx->scenario->power.bus_voltage_v;
    if (amps > l->current_limit_a) {
        finding(ctx, ILRS_ESCENARIO_CHECK, false, id, element, kpath,
                "load of %.4g W needs %.4g A at %.4g V but line '%s' trips at %.4g A", peak_w, amps,
                ctx->scenario->power.bus_voltage_v, id, l->current_limit_a);
    }
}

static void check_duplicate_ids(scenario_ctx_t *ctx)
{
    ilrs_scenario_t *sc = ctx->scenario;
    ilrs_scenario_power_t *pw = &sc->power;
#define DUPS(arr, cnt, field, path, key)                                                           \
    check_duplicates(ctx, arr, cnt, sizeof(arr)[0], offsetof(__typeof__((arr)[0]), field), path,   \
                     key)
    DUPS(pw->arrays, pw->array_count, id, "power.arrays", "id");
    DUPS(pw->batteries, pw->battery_count, id, "power.batteries", "id");
    DUPS(pw->rhus, pw->rhu_count, id, "power.rhus", "id");
    DUPS(pw->rtgs, pw->rtg_count, id, "power.rtgs", "id");
    DUPS(pw->lines, pw->line_count, id, "power.lines", "id");
    DUPS(sc->nodes, sc->node_count, name, "thermal.nodes", "name");
    DUPS(sc->radios, sc->radio_count, id, "radios", "id");
    DUPS(sc->rovers, sc->rover_count, id, "rovers", "id");
    DUPS(sc->relays, sc->relay_count, id, "relays", "id");
    DUPS(sc->grounds, sc->ground_count, id, "ground_stations", "id");
    DUPS(sc->partners, sc->partner_count, id, "partners", "id");
    DUPS(sc->payloads, sc->payload_count, id, "payloads", "id");
    DUPS(sc->faults, sc->fault_count, id, "faults", "id");
#undef DUPS
    /* Heater ids are unique across the whole thermal network (faults name them). */
    for (size_t n = 0; n < sc->node_count; n++) {
        for (size_t h = 0; h < sc->nodes[n].heater_count; h++) {
            const ilrs_scenario_heater_t *heater = &sc->nodes[n].heaters[h];
            bool done = false;
            for (size_t m = 0; m <= n && !done; m++) {
                size_t limit = m == n ? h : sc->nodes[m].heater_count;
                for (size_t k = 0; k < limit && !done; k++) {
                    if (strcmp(sc->nodes[m].heaters[k].id, heater->id) == 0) {
                        char kpath[ILRS_SCENARIO_KEYPATH_MAX];
                        snprintf(kpath, sizeof kpath, "thermal.nodes[%zu].heaters[%zu].id", n, h);
                        unsigned line, column;
                        ilrs__scenario_loc_find(ctx, sc->nodes[m].heaters[k].id, NULL, &line,
                                                &column);
                        finding(ctx, ILRS_ESCENARIO_DUPLICATE, false, heater->id, heater, kpath,
                                "duplicate heater id '%s' (first at line %u)", heater->id, line);
                        done = true;
                    }
                }
            }
        }
    }
}

static void check_references(scenario_ctx_t *ctx, double peak_w)
{
    ilrs_scenario_t *sc = ctx->scenario;
    char kpath[ILRS_SCENARIO_KEYPATH_MAX];

    ref_node(ctx, sc->hub.thermal_node, &sc->hub, false, "hub.thermal_node");
    ref_line(ctx, sc->hub.line, sc->hub.avionics_power_w, &sc->hub, "hub.line");
    for (size_t i = 0; i < sc->power.battery_count; i++) {
        snprintf(kpath, sizeof kpath, "power.batteries[%zu].thermal_node", i);
        ref_node(ctx, sc->power.batteries[i].thermal_node, &sc->power.batteries[i], false, kpath);
    }
    for (size_t i = 0; i < sc->power.rhu_count; i++) {
        snprintf(kpath, sizeof kpath, "power.rhus[%zu].thermal_node", i);
        ref_node(ctx, sc->power.rhus[i].thermal_node, &sc->power.rhus[i], false, kpath);
    }
    for (size_t i = 0; i < sc->power.rtg_count; i++) {
        snprintf(kpath, sizeof kpath, "power.rtgs[%zu].thermal_node", i);
        ref_node(ctx, sc->power.rtgs[i].thermal_node, &sc->power.rtgs[i], true, kpath);
    }
    for (size_t n = 0; n < sc->node_count; n++) {
        ilrs_scenario_node_t *node = &sc->nodes[n];
        for (size_t c = 0; c < node->conductance_count; c++) {
            snprintf(kpath, sizeof kpath, "thermal.nodes[%zu].conductances[%zu].to", n, c);
            const char *to = node->conductances[c].to;
            if (strcmp(to, node->name) == 0) {
                finding(ctx, ILRS_ESCENARIO_REF, false, to, &node->conductances[c], kpath,
                        "node '%s' is coupled to itself", to);
            } else {
                ref_node(ctx, to, &node->conductances[c], false, kpath);
            }
            /* Each pair once: a -> b on node a and b -> a on node b would
             * double the coupling without anyone meaning it. */
            const ilrs_scenario_conductance_t *first = NULL;
            for (size_t m = 0; m <= n && first == NULL; m++) {
                const ilrs_scenario_node_t *other = &sc->nodes[m];
                size_t limit = m == n ? c : other->conductance_count;
                for (size_t k = 0; k < limit && first == NULL; k++) {
                    const char *a = other->name, *b = other->conductances[k].to;
                    if ((strcmp(a, node->name) == 0 && strcmp(b, to) == 0) ||
                        (strcmp(a, to) == 0 && strcmp(b, node->name) == 0)) {
                        first = &other->conductances[k];
                    }
                }
            }
            if (first != NULL) {
                unsigned line, column;
                ilrs__scenario_loc_find(ctx, first->to, first, &line, &column);
                finding(ctx, ILRS_ESCENARIO_DUPLICATE, false, to, &node->conductances[c], kpath,
                        "coupling between '%s' and '%s' already given at line %u (list each "
                        "pair once)",
                        node->name, to, line);
            }
        }
        for (size_t h = 0; h < node->heater_count; h++) {
            snprintf(kpath, sizeof kpath, "thermal.nodes[%zu].heaters[%zu].line", n, h);
            ref_line(ctx, node->heaters[h].line, node->heaters[h].power_w, &node->heaters[h],
                     kpath);
            if (node->heaters[h].power_w > peak_w) {
                snprintf(kpath, sizeof kpath, "thermal.nodes[%zu].heaters[%zu].power_w", n, h);
                finding(ctx, ILRS_ESCENARIO_CHECK, false, &node->heaters[h].power_w,
                        &node->heaters[h], kpath,
                        "heater needs %.4g W but the station can never give more than "
                        "%.4g W (arrays at 1415 W/m2 + RTGs)",
                        node->heaters[h].power_w, peak_w);
            }
        }
    }
    for (size_t i = 0; i < sc->radio_count; i++) {
        snprintf(kpath, sizeof kpath, "radios[%zu].line", i);
        ref_line(ctx, sc->radios[i].line, sc->radios[i].dc_power_tx_w, &sc->radios[i], kpath);
    }
    for (size_t i = 0; i < sc->rover_count; i++) {
        ilrs_scenario_rover_t *r = &sc->rovers[i];
        snprintf(kpath, sizeof kpath, "rovers[%zu].line", i);
        double rw = fmax(r->active_power_w, r->idle_power_w);
        ref_line(ctx, r->line, rw, r, kpath);
        if (rw > peak_w) {
            snprintf(kpath, sizeof kpath, "rovers[%zu].active_power_w", i);
            finding(ctx, ILRS_ESCENARIO_CHECK, false, &r->active_power_w, r, kpath,
                    "rover needs %.4g W but the station can never give more than %.4g W "
                    "(arrays at 1415 W/m2 + RTGs)",
                    rw, peak_w);
        }
    }
    for (size_t i = 0; i < sc->payload_count; i++) {
        ilrs_scenario_payload_t *p = &sc->payloads[i];
        double pmax = ilrs_scenario_payload_max_power_w(p);
        if (ilrs_scenario_find_partner(sc, p->partner) == NULL) {
            snprintf(kpath, sizeof kpath, "payloads[%zu].partner", i);
            finding(ctx, ILRS_ESCENARIO_REF, false, p->partner, p, kpath,
                    "unknown partner '%s' (not in partners)", p->partner);
        }
        if (p->thermal_node[0] == '\0') {
            snprintf(p->thermal_node, sizeof p->thermal_node, "%s", sc->hub.thermal_node);
        } else {
            snprintf(kpath, sizeof kpath, "payloads[%zu].thermal_node", i);
            ref_node(ctx, p->thermal_node, p, false, kpath);
        }
        snprintf(kpath, sizeof kpath, "payloads[%zu].line", i);
        ref_line(ctx, p->line, pmax, p, kpath);
        for (size_t m = 0; m < p->mode_count; m++) {
            if (p->modes[m].power_w > peak_w) {
                snprintf(kpath, sizeof kpath, "payloads[%zu].power_w.%s", i, p->modes[m].name);
                finding(ctx, ILRS_ESCENARIO_CHECK, false, &p->modes[m].power_w, p, kpath,
                        "payload needs %.4g W in mode '%s' but the station can never give "
                        "more than %.4g W (arrays at 1415 W/m2 + RTGs)",
                        p->modes[m].power_w, p->modes[m].name, peak_w);
            }
        }
    }
}

/* Sum of the peak loads on each line; more than its limit is a warning (the
 * loads need not all peak at once, but the planner must know). */
static void check_line_totals(scenario_ctx_t *ctx)
{
    ilrs_scenario_t *sc = ctx->scenario;
    for (size_t l = 0; l < sc->power.line_count; l++) {
        const char *id = sc->power.lines[l].id;
        double w = 0.0;
        if (strcmp(sc->hub.line, id) == 0) {
            w += sc->hub.avionics_power_w;
        }
        for (size_t n = 0; n < sc->node_count; n++) {
            for (size_t h = 0; h < sc->nodes[n].heater_count; h++) {
                if (strcmp(sc->nodes[n].heaters[h].line, id) == 0) {
                    w += sc->nodes[n].heaters[h].power_w;
                }
            }
        }
        for (size_t i = 0; i < sc->radio_count; i++) {
            if (strcmp(sc->radios[i].line, id) == 0) {
                w += sc->radios[i].dc_power_tx_w;
            }
        }
        for (size_t i = 0; i < sc->rover_count; i++) {
            if (strcmp(sc->rovers[i].line, id) == 0) {
                w += fmax(sc->rovers[i].active_power_w, sc->rovers[i].idle_power_w);
            }
        }
        for (size_t i = 0; i < sc->payload_count; i++) {
            if (strcmp(sc->payloads[i].line, id) == 0) {
                w += ilrs_scenario_payload_max_power_w(&sc->payloads[i]);
            }
        }
        double amps = w / sc->power.bus_voltage_v;
        if (amps > sc->power.lines[l].current_limit_a) {
            char kpath[ILRS_SCENARIO_KEYPATH_MAX];
            snprintf(kpath, sizeof kpath, "power.lines[%zu].current_limit_a", l);
            finding(ctx, ILRS_ESCENARIO_CHECK, true, &sc->power.lines[l].current_limit_a,
                    &sc->power.lines[l], kpath,
                    "loads on line '%s' peak together at %.4g W = %.4g A, above its %.4g A limit",
                    id, w, amps, sc->power.lines[l].current_limit_a);
        }
    }
}

static void check_faults(scenario_ctx_t *ctx)
{
    ilrs_scenario_t *sc = ctx->scenario;
    char kpath[ILRS_SCENARIO_KEYPATH_MAX];
    for (size_t i = 0; i < sc->fault_count; i++) {
        ilrs_scenario_fault_t *f = &sc->faults[i];
        snprintf(kpath, sizeof kpath, "faults[%zu].target", i);
        bool found = false;
        const char *kind = "";
        switch (f->type) {
        case ILRS_SCENARIO_FAULT_BATTERY_STRING_LOSS:
            kind = "battery (power.batteries)";
            for (size_t b = 0; b < sc->power.battery_count && !found; b++) {
                if (strcmp(sc->power.batteries[b].id, f->target) == 0) {
                    found = true;
                    if (f->string_index >= sc->power.batteries[b].strings) {
                        char ipath[ILRS_SCENARIO_KEYPATH_MAX];
                        snprintf(ipath, sizeof ipath, "faults[%zu].string_index", i);
                        finding(ctx, ILRS_ESCENARIO_REF, false, &f->string_index, f, ipath,
                                "battery '%s' has %u strings (0..%u), got %u", f->target,
                                sc->power.batteries[b].strings, sc->power.batteries[b].strings - 1,
                                f->string_index);
                    }
                }
            }
            break;
        case ILRS_SCENARIO_FAULT_ARRAY_DEGRADATION:
            kind = "solar array (power.arrays)";
            for (size_t a = 0; a < sc->power.array_count && !found; a++) {
                found = strcmp(sc->power.arrays[a].id, f->target) == 0;
            }
            break;
        case ILRS_SCENARIO_FAULT_RADIO_OUTAGE:
            kind = "radio (radios)";
            for (size_t r = 0; r < sc->radio_count && !found; r++) {
                found = strcmp(sc->radios[r].id, f->target) == 0;
            }
            break;
        case ILRS_SCENARIO_FAULT_PAYLOAD_HANG:
            kind = "payload (payloads)";
            found = ilrs_scenario_find_payload(sc, f->target) != NULL;
            break;
        case ILRS_SCENARIO_FAULT_STUCK_SENSOR:
            kind = "thermal node (thermal.nodes)";
            found = has_node(sc, f->target);
            break;
        case ILRS_SCENARIO_FAULT_HEATER_FAILURE:
            kind = "heater (thermal.nodes[].heaters)";
            for (size_t n = 0; n < sc->node_count && !found; n++) {
                for (size_t h = 0; h < sc->nodes[n].heater_count && !found; h++) {
                    found = strcmp(sc->nodes[n].heaters[h].id, f->target) == 0;
                }
            }
            break;
        default:
            continue;
        }
        if (!found) {
            finding(ctx, ILRS_ESCENARIO_REF, false, f->target, f, kpath,
                    "unknown %s '%s' for a %s fault", kind, f->target,
                    ilrs_scenario_fault_type_name(f->type));
        }
        if (!f->is_random && f->at_s >= sc->duration_s) {
            snprintf(kpath, sizeof kpath, "faults[%zu].at", i);
            finding(ctx, ILRS_ESCENARIO_CHECK, true, &f->at_s, f, kpath,
                    "fault at %.10g s never happens: the run lasts %.10g s", f->at_s,
                    sc->duration_s);
        }
    }
}

static void check_links(scenario_ctx_t *ctx)
{
    ilrs_scenario_t *sc = ctx->scenario;
    bool proximity = false;
    for (size_t i = 0; i < sc->radio_count; i++) {
        if (sc->radios[i].link == ILRS_SCENARIO_LINK_PROXIMITY) {
            proximity = true;
            if (sc->relay_count == 0) {
                char kpath[ILRS_SCENARIO_KEYPATH_MAX];
                snprintf(kpath, sizeof kpath, "radios[%zu].link", i);
                finding(ctx, ILRS_ESCENARIO_REF, false, &sc->radios[i].link, &sc->radios[i], kpath,
                        "a proximity radio needs at least one relay (relays is empty)");
            }
        }
    }
    if (sc->radio_count == 0) {
        ilrs__scenario_diag(ctx, ILRS_ESCENARIO_CHECK, true, 0, 0, "radios",
                            "no radio: the station can never send data home");
    } else if (sc->ground_count == 0) {
        ilrs__scenario_diag(ctx, ILRS_ESCENARIO_REF, false, 0, 0, "ground_stations",
                            "radios need at least one Earth ground station (directly or "
                            "through a relay)");
    }
    if (sc->relay_count > 0 && !proximity) {
        finding(ctx, ILRS_ESCENARIO_CHECK, true, NULL, &sc->relays[0], "relays",
                "relay orbiters are defined but no radio has link: proximity");
    }
}

static void check_mass(scenario_ctx_t *ctx)
{
    ilrs_scenario_t *sc = ctx->scenario;
    bool as_error = ctx->opts.mass_cap_is_error;
    double total = 0.0;
    for (size_t p = 0; p < sc->partner_count; p++) {
        double kg = 0.0;
        for (size_t i = 0; i < sc->payload_count; i++) {
            if (strcmp(sc->payloads[i].partner, sc->partners[p].id) == 0) {
                kg += sc->payloads[i].mass_kg;
            }
        }
        total += kg;
        if (kg > ILRS_SCENARIO_PARTNER_MASS_CAP_KG) {
            char kpath[ILRS_SCENARIO_KEYPATH_MAX];
            snprintf(kpath, sizeof kpath, "partners[%zu]", p);
            finding(ctx, ILRS_ESCENARIO_CHECK, !as_error, sc->partners[p].id, &sc->partners[p],
                    kpath,
                    "partner '%s' has %.4g kg of payloads, above the Chang'e-8 cap of %.4g kg "
                    "per partner",
                    sc->partners[p].id, kg, ILRS_SCENARIO_PARTNER_MASS_CAP_KG);
        }
    }
    if (total > ILRS_SCENARIO_PARTNERS_MASS_CAP_KG) {
        ilrs__scenario_diag(ctx, ILRS_ESCENARIO_CHECK, !as_error, 0, 0, "payloads",
                            "partners' payloads total %.4g kg, above the Chang'e-8 allocation "
                            "of %.4g kg",
                            total, ILRS_SCENARIO_PARTNERS_MASS_CAP_KG);
    }
}

static void check_site(scenario_ctx_t *ctx)
{
    ilrs_scenario_t *sc = ctx->scenario;
    for (size_t i = 0; i < sc->power.array_count; i++) {
        if (isnan(sc->power.arrays[i].mast_height_m)) {
            sc->power.arrays[i].mast_height_m = sc->site.mast_height_m;
        }
    }
    if (isnan(sc->hub.hibernate_power_w)) {
        sc->hub.hibernate_power_w = 0.1 * sc->hub.avionics_power_w;
    }
    for (size_t i = 0; i < sc->site.dem_count; i++) {
        ilrs_scenario_dem_t *dem = &sc->site.dems[i];
        char kpath[ILRS_SCENARIO_KEYPATH_MAX];
        snprintf(kpath, sizeof kpath, "site.dem[%zu]", i);
        if (ilrs__scenario_resolve_path(ctx, dem->path, dem->resolved, sizeof dem->resolved) != 0) {
            finding(ctx, ILRS_ESCENARIO_VALUE, false, dem->path, dem, kpath,
                    "resolved path longer than %d bytes", ILRS_SCENARIO_FILE_MAX - 1);
            continue;
        }
        if (ctx->opts.check_files && access(dem->resolved, R_OK) != 0) {
            finding(ctx, ILRS_ESCENARIO_VALUE, false, dem->path, dem, kpath,
                    "DEM file not readable: %s", dem->resolved);
        }
    }
}

/* The command timeline: absolute times against the epoch, inside the run, an
 * issuer that is a partner or the operator; then put in time order (stable:
 * commands at the same time go in document order). Names and arguments are
 * checked against the station's dictionary when the run is created. */
static void check_commands(scenario_ctx_t *ctx)
{
    ilrs_scenario_t *sc = ctx->scenario;
    for (size_t i = 0; i < sc->command_count; i++) {
        ilrs_scenario_command_t *c = &sc->commands[i];
        char kpath[ILRS_SCENARIO_KEYPATH_MAX];
        snprintf(kpath, sizeof kpath, "commands[%zu].at", i);
        if (isnan(c->at_s)) {
            c->at_s = (double)(c->at_tai_ - sc->epoch_tai) * 1e-9;
        }
        if (!(c->at_s >= 0.0) || c->at_s > sc->duration_s) {
            finding(ctx, ILRS_ESCENARIO_VALUE, false, &c->at_s, c, kpath,
                    "%.10g s after the epoch is outside the run (0 .. %.10g s)", c->at_s,
                    sc->duration_s);
        }
        snprintf(kpath, sizeof kpath, "commands[%zu].by", i);
        if (strcmp(c->by, "operator") != 0 && ilrs_scenario_find_partner(sc, c->by) == NULL) {
            finding(ctx, ILRS_ESCENARIO_REF, false, c->by, c, kpath,
                    "\"%s\" is neither a partner nor \"operator\"", c->by);
        }
    }
    for (size_t i = 1; i < sc->command_count; i++) {
        ilrs_scenario_command_t x = sc->commands[i];
        size_t k = i;
        while (k > 0 && sc->commands[k - 1].at_s > x.at_s) {
            sc->commands[k] = sc->commands[k - 1];
            k--;
        }
        sc->commands[k] = x;
    }
}

void ilrs__scenario_check(scenario_ctx_t *ctx)
{
    ilrs_scenario_t *sc = ctx->scenario;
    double peak_w = ilrs_scenario_peak_power_w(sc);
    check_site(ctx);
    check_duplicate_ids(ctx);
    if (peak_w <= 0.0) {
        ilrs__scenario_diag(ctx, ILRS_ESCENARIO_CHECK, false, 0, 0, "power",
                            "no power source: no solar arrays and no RTGs");
    } else if (sc->hub.avionics_power_w > peak_w) {
        finding(ctx, ILRS_ESCENARIO_CHECK, false, &sc->hub.avionics_power_w, &sc->hub,
                "hub.avionics_power_w",
                "avionics need %.4g W but the station can never give more than %.4g W (arrays "
                "at 1415 W/m2 + RTGs)",
                sc->hub.avionics_power_w, peak_w);
    }
    /* With no source at all, every load would be reported again: say it once. */
    check_references(ctx, peak_w > 0.0 ? peak_w : INFINITY);
    check_line_totals(ctx);
    check_faults(ctx);
    check_commands(ctx);
    check_links(ctx);
    check_mass(ctx);
}
