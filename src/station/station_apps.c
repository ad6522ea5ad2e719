// SPDX-License-Identifier: Apache-2.0
// The station's flight apps, configured from the scenario: the one seam between
// the run and the station-apps module (include/ilrs/apps.h). Each app gets its
// configuration from the scenario and the hardware map (hal device names are
// the twin's: "<battery>.soc", "<array>.power", "<line>.current",
// "<node>.temp", switches named after lines and heaters), is created before the
// flight instance starts and destroyed after it.
//
// Apps wired here: POWER (load lines, shedding by state of charge, survival)
// and THERMAL (one thermostat zone per scenario heater). The payload host and
// the mode manager are added here when their module provides them; until then
// the payload ports stay in standby and DOWNLINK reads them.
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "station/station_int.h"

struct station_apps {
    ilrs_pwr_app_t *power;
    ilrs_thm_app_t *thermal;
};

/* Shedding level of a line from its role: essential lines and heater lines are
 * never shed (night survival needs both); science and mobile loads go first,
 * communications second. */
static uint8_t shed_level_of(const ilrs_scenario_t *sc, const station_hw_map_t *m, size_t line,
                             bool *survival)
{
    const char *name = m->lines[line].name;
    *survival = false;
    if (strcmp(name, ST_HUB_AWAKE_LINE) == 0) {
        return 2; /* hibernate at the deepest level */
    }
    for (size_t i = 0; i < sc->power.line_count; i++) {
        if (strcmp(sc->power.lines[i].id, name) == 0 && !sc->power.lines[i].switchable) {
            *survival = true;
            return 0;
        }
    }
    if ((int)line == m->unswitched_line || strcmp(name, sc->hub.line) == 0) {
        *survival = true;
        return 0;
    }
    for (size_t h = 0; h < m->config.n_heaters; h++) {
        if (m->heaters[h].line == (int)line) {
            *survival = true;
            return 0;
        }
    }
    for (size_t r = 0; r < m->config.n_radios; r++) {
        if (m->radio_lines[r] == (int)line) {
            return 2;
        }
    }
    return 1;
}

static int make_power(const ilrs_scenario_t *sc, const station_hw_map_t *m, ilrs_hal_t *hal,
                      station_apps_t *a, char *error, size_t cap)
{
    ilrs_pwr_config_t c;
    memset(&c, 0, sizeof c);
    c.hal = hal;
    if (m->config.n_batteries > ILRS_PWR_MAX_SENSORS || m->config.n_lines > ILRS_PWR_MAX_LINES) {
        snprintf(error, cap, "POWER app: at most %d batteries and %d lines, scenario has %zu, %zu",
                 ILRS_PWR_MAX_SENSORS, ILRS_PWR_MAX_LINES, m->config.n_batteries,
                 m->config.n_lines);
        return ILRS_ESTATION_CONFIG;
    }
    double min_soc = 1.0;
    for (size_t i = 0; i < m->config.n_batteries; i++) {
        snprintf(c.soc_sensors[c.soc_sensor_count++], ILRS_APPS_NAME_MAX, "%.26s.soc",
                 m->batteries[i].name);
        min_soc = fmin(min_soc, m->batteries[i].soc_min);
    }
    for (size_t i = 0; i < m->config.n_arrays && c.source_sensor_count < ILRS_PWR_MAX_SENSORS;
         i++) {
        snprintf(c.source_sensors[c.source_sensor_count++], ILRS_APPS_NAME_MAX, "%.24s.power",
                 m->arrays[i].name);
    }
    for (size_t i = 0; i < m->config.n_rtgs && c.source_sensor_count < ILRS_PWR_MAX_SENSORS; i++) {
        if (m->rtgs[i].electric_w_bol > 0.0) {
            snprintf(c.source_sensors[c.source_sensor_count++], ILRS_APPS_NAME_MAX, "%.24s.power",
                     m->rtgs[i].name);
        }
    }
    snprintf(c.bus_voltage_sensor, sizeof c.bus_voltage_sensor, "bus.voltage");
    for (size_t i = 0; i < m->config.n_lines; i++) {
        ilrs_pwr_line_config_t *l = &c.lines[c.line_count++];
        snprintf(l->name, sizeof l->name, "%s", m->lines[i].name);
        snprintf(l->current_sensor, sizeof l->current_sensor, "%.22s.current", m->lines[i].name);
        l->shed_level = shed_level_of(sc, m, i, &l->survival);
        l->enabled = m->lines[i].on;
    }
    // Two shedding levels above the batteries' floor: science and rovers first,
    // then communications (assumed operating policy, docs/station.md).
    c.level_count = 2;
    c.shed_soc[0] = fmin(0.9, min_soc + 0.20);
    c.shed_soc[1] = fmin(0.85, min_soc + 0.10);
    c.restore_hysteresis = 0.05;
    c.persistence = 60;
    int rc = ilrs_pwr_app_create(&c, &a->power);
    if (rc != 0) {
        snprintf(error, cap, "POWER app configuration refused: %s", ilrs_strerror(rc));
    }
    return rc;
}

static int make_thermal(const station_hw_map_t *m, ilrs_hal_t *hal, station_apps_t *a,
                        char *error, size_t cap)
{
    ilrs_thm_config_t c;
    memset(&c, 0, sizeof c);
    c.hal = hal;
    if (m->config.n_heaters > ILRS_THM_MAX_ZONES) {
        snprintf(error, cap, "THERMAL app: at most %d heaters, scenario has %zu",
                 ILRS_THM_MAX_ZONES, m->config.n_heaters);
        return ILRS_ESTATION_CONFIG;
    }
    for (size_t h = 0; h < m->config.n_heaters; h++) {
        ilrs_thm_zone_config_t *z = &c.zones[c.zone_count++];
        // Zone names are telemetry field prefixes: [a-z0-9_].
        size_t k = 0;
        for (const char *p = m->heaters[h].name; *p && k + 1 < sizeof z->name; p++) {
            z->name[k++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
        }
        z->name[k] = '\0';
        snprintf(z->sensor, sizeof z->sensor, "%.25s.temp", m->nodes[m->heaters[h].node].name);
        snprintf(z->heater, sizeof z->heater, "%s", m->heaters[h].name);
        z->survival = true;
        z->on_k = m->heater_on_k[h];
        z->off_k = m->heater_off_k[h];
        z->survival_on_k = m->heater_on_k[h];
        z->survival_off_k = m->heater_off_k[h];
    }
    int rc = ilrs_thm_app_create(&c, &a->thermal);
    if (rc != 0) {
        snprintf(error, cap, "THERMAL app configuration refused: %s", ilrs_strerror(rc));
    }
    return rc;
}

int station_apps_create(const ilrs_scenario_t *sc, const station_hw_map_t *map, ilrs_hal_t *hal,
                        ilrs_fsw_t *fsw, station_apps_t **out, char *error, size_t cap)
{
    *out = NULL;
    station_apps_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    ilrs_app_def_t def;
    int rc = make_power(sc, map, hal, a, error, cap);
    if (rc == 0) {
        ilrs_pwr_app_def(a->power, &def);
        rc = ilrs_fsw_add_app(fsw, &def, NULL);
    }
    if (rc == 0 && map->config.n_heaters > 0) {
        rc = make_thermal(map, hal, a, error, cap);
        if (rc == 0) {
            ilrs_thm_app_def(a->thermal, &def);
            rc = ilrs_fsw_add_app(fsw, &def, NULL);
        }
    }
    if (rc != 0) {
        if (error[0] == '\0') {
            snprintf(error, cap, "station apps: %s", ilrs_strerror(rc));
        }
        station_apps_destroy(a);
        return rc;
    }
    *out = a;
    return 0;
}

void station_apps_destroy(station_apps_t *a)
{
    if (a != NULL) {
        ilrs_pwr_app_destroy(a->power);
        ilrs_thm_app_destroy(a->thermal);
        free(a);
    }
}

bool station_apps_reads_payloads(const station_apps_t *a)
{
    (void)a;
    return false;
}

const char *station_apps_mode(const station_apps_t *a)
{
    if (a == NULL || a->power == NULL) {
        return "";
    }
    ilrs_pwr_status_t s;
    ilrs_pwr_app_status(a->power, &s);
    if (s.survival) {
        return "SURVIVAL";
    }
    return s.shed_level == 0 ? "NOMINAL" : (s.shed_level == 1 ? "SHED_1" : "SHED_2");
}
