// SPDX-License-Identifier: Apache-2.0
// The station's flight apps, configured from the scenario: the one seam between
// the run and the station-apps module (include/ilrs/apps.h). Each app gets its
// configuration from the scenario and the hardware map (hal device names are
// the twin's: "<battery>.soc", "<array>.power", "<line>.current",
// "<node>.temp", switches named after lines and heaters), is created before the
// flight instance starts and destroyed after it.
//
// Apps wired here: POWER (load lines, shedding by state of charge, survival;
// the hub's awake line is shed last: hibernation), THERMAL (one thermostat
// zone per scenario heater), PAYLOAD (one manifest per scenario payload; it
// reads the ports and reports each read as a PLD_DATA record), STORAGE (one
// virtual channel per hw payload, in hw payload order, owned by the payload's
// partner: it files the PLD_DATA records and reads the rovers' ports itself,
// and plays back by priority with a header naming the channel, so the space
// link attributes every byte), COMM (contact windows predicted on board:
// direct-to-Earth and relay; link selection, telemetry recorder and real-time telemetry, playback
// requests to STORAGE, radio outage FDIR) and MODE (nominal, power-safe on
// shedding, survival). LC and SC put the station to sleep at sunset and wake
// it at sunrise (below); HS watches every one of them (app watchdogs with
// restarts). The ground uploads each relay's orbit (its state, from the twin)
// to COMM daily with ComSetRelayOrbit (ilrs__station_apps_ground()).
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "station/station_int.h"

#define PLD_DATA_APID   0x1F0u /* PLD_DATA records (payload host -> STORAGE) */
#define PLD_STATUS_APID 0x200u /* + payload index: each hosted payload's status */
/* Contact plan: COMM predicts its windows on board; the ground uploads each
 * relay's orbit determination once a day (the usual operations rhythm). */
#define PLAN_UPLOAD_S   86400.0

struct station_apps {
    ilrs_pwr_app_t *power;
    ilrs_thm_app_t *thermal;
    ilrs_pld_app_t *payload;
    ilrs_sto_app_t *storage;
    ilrs_com_app_t *comm;
    ilrs_mode_app_t *mode;
    ilrs_lc_app_t *lc;
    ilrs_sc_app_t *sc;
    ilrs_hs_app_t *hs;
    size_t hosted; /* scenario payloads 0..hosted-1 are hosted by PLD */
    size_t channels; /* STORAGE channel i = hw payload i */
    uint32_t line_on_mask, line_shed1_mask, line_survival_mask;
    size_t plan_radios; /* COMM's radios */
    /* onboard prediction: per COMM radio its relay (-1: DTE), the twin for the states */
    int relay_of[ILRS_COM_MAX_RADIOS];
    station_env_t *env;
    bool predict;
    ilrs_tai_t next_upload;
    uint64_t plan_uploads, plan_refused;
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
        a->line_on_mask |= l->enabled ? 1u << i : 0u;
        a->line_shed1_mask |= l->shed_level == 1 ? 1u << i : 0u;
        a->line_survival_mask |= l->survival ? 1u << i : 0u;
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

static int make_thermal(const station_hw_map_t *m, ilrs_hal_t *hal, station_apps_t *a, char *error,
                        size_t cap)
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

static int make_payload(const ilrs_scenario_t *sc, const station_hw_map_t *m, ilrs_hal_t *hal,
                        station_apps_t *a, char *error, size_t cap)
{
    ilrs_pld_config_t *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return ILRS_ENOMEM;
    }
    c->hal = hal;
    if (m->config.n_arrays > 0) {
        // Day: the first array makes more than 1 % of its area x efficiency x 1361 W/m2.
        snprintf(c->sun_sensor, sizeof c->sun_sensor, "%.24s.power", m->arrays[0].name);
        c->sun_threshold_w = 0.01 * m->arrays[0].area_m2 * m->arrays[0].efficiency * 1361.0;
    }
    for (size_t r = 0; r < sc->radio_count; r++) {
        if (sc->radios[r].link == ILRS_SCENARIO_LINK_DTE) {
            snprintf(c->earth_radio, sizeof c->earth_radio, "%s", sc->radios[r].id);
            break;
        }
    }
    c->data_apid = PLD_DATA_APID;
    // Payload management at 0.1 Hz: modes, constraints and duty cycles change on
    // minutes; hang detection needs 120 s. (Its step publishes every hosted
    // payload's status packet, the costliest step of the station at 1 Hz.)
    c->rate_hz = 0.1;
    size_t n =
        sc->payload_count < ILRS_PLD_MAX_PAYLOADS ? sc->payload_count : ILRS_PLD_MAX_PAYLOADS;
    if (sc->payload_count > ILRS_PLD_MAX_PAYLOADS) {
        snprintf(error, cap, "payloads: the payload host takes %d payloads, the scenario has %zu",
                 ILRS_PLD_MAX_PAYLOADS, sc->payload_count);
        free(c);
        return ILRS_ESTATION_CONFIG;
    }
    for (size_t i = 0; i < n; i++) {
        const ilrs_scenario_payload_t *s = &sc->payloads[i];
        const ilrs_hw_payload_params_t *hp = &m->payloads[i];
        ilrs_pld_manifest_t *p = &c->payloads[c->payload_count++];
        snprintf(p->id, sizeof p->id, "%s", s->id);
        snprintf(p->owner, sizeof p->owner, "%s", s->partner);
        const ilrs_scenario_partner_t *pt = ilrs_scenario_find_partner(sc, s->partner);
        snprintf(p->owner_name, sizeof p->owner_name, "%.63s", pt ? pt->name : s->partner);
        snprintf(p->line, sizeof p->line, "%s", m->lines[hp->line].name);
        snprintf(p->temp_sensor, sizeof p->temp_sensor, "%.25s.temp", m->nodes[hp->node].name);
        p->apid = (uint16_t)(PLD_STATUS_APID + i);
        // The twin's payload has two levels (standby, active): the manifest too.
        p->mode_count = 2;
        p->power_w[0] = hp->power_standby_w;
        p->power_w[1] = hp->power_active_w;
        p->science_mode = 1;
        p->data_rate_bps = s->data_rate_bps;
        p->duty_cycle = s->duty_cycle;
        p->duty_period_s = s->duty_period_s;
        p->needs_sun = s->needs_sun;
        p->needs_earth = s->needs_earth_in_view;
        p->night_only = s->night_only;
        p->temp_min_k = s->min_operating_k;
        p->temp_max_k = s->max_operating_k;
        p->priority = (uint8_t)s->priority;
    }
    a->hosted = n;
    int rc = ilrs_pld_app_create(c, &a->payload);
    free(c);
    if (rc != 0) {
        snprintf(error, cap, "PAYLOAD app configuration refused: %s", ilrs_strerror(rc));
    }
    return rc;
}

/* A channel or field name from an id: [A-Za-z][A-Za-z0-9_]*. */
static void field_name(char *out, size_t cap, const char *prefix, size_t index, const char *id)
{
    int n = snprintf(out, cap, "%s%zu_", prefix, index);
    size_t k = n > 0 && (size_t)n < cap ? (size_t)n : 0;
    for (const char *p = id; *p && k + 1 < cap; p++) {
        out[k++] = isalnum((unsigned char)*p) ? *p : '_';
    }
    out[k] = '\0';
}

static int make_storage(const ilrs_scenario_t *sc, const station_hw_map_t *m, ilrs_hal_t *hal,
                        station_apps_t *a, char *error, size_t cap)
{
    ilrs_sto_config_t c;
    memset(&c, 0, sizeof c);
    c.hal = hal;
    ilrs_hal_info_t info;
    if (ilrs_hal_info(hal, ILRS_HAL_STORAGE, 0, &info) != 0) {
        snprintf(error, cap, "STORAGE app: the twin has no storage unit");
        return ILRS_ESTATION_CONFIG;
    }
    snprintf(c.storage, sizeof c.storage, "%s", info.name);
    if (m->config.n_payloads > ILRS_STO_MAX_CHANNELS) {
        snprintf(error, cap, "STORAGE app: at most %d payloads and rovers, scenario has %zu",
                 ILRS_STO_MAX_CHANNELS, m->config.n_payloads);
        return ILRS_ESTATION_CONFIG;
    }
    // One channel per hw payload, in hw order: the playback header's channel
    // index is then the hw payload index the space link attributes bytes to.
    for (size_t p = 0; p < m->config.n_payloads; p++) {
        ilrs_sto_channel_config_t *ch = &c.channels[c.channel_count++];
        int s = m->payload_scenario[p];
        field_name(ch->name, sizeof ch->name, "vc", p, m->payloads[p].name);
        snprintf(ch->payload, sizeof ch->payload, "%s", m->payloads[p].name);
        if (s >= 0) {
            snprintf(ch->owner, sizeof ch->owner, "%s", sc->payloads[s].partner);
            ch->priority = (uint8_t)sc->payloads[s].priority;
            ch->read_port = !ilrs__station_apps_hosts_payload(a, (size_t)s);
        } else {
            ch->priority = 5; /* rovers' data: after the partners' first priorities */
            ch->read_port = true;
        }
        ch->priority = ch->priority ? ch->priority : 1;
    }
    c.data_apid = a->payload != NULL ? PLD_DATA_APID : 0;
    c.playback_marker = ST_SCIENCE_MAGIC;
    // 0.1 Hz: the payload host files its records at 0.1 Hz; playback requests
    // come from COMM at the same rate.
    c.rate_hz = 0.1;
    a->channels = c.channel_count;
    int rc = c.channel_count > 0 ? ilrs_sto_app_create(&c, &a->storage) : 0;
    if (rc != 0) {
        snprintf(error, cap, "STORAGE app configuration refused: %s", ilrs_strerror(rc));
    }
    return rc;
}

void ilrs__station_comm_predict_config(const ilrs_scenario_t *sc, const station_env_t *env,
                                       ilrs_com_predict_config_t *p)
{
    // Onboard DTE prediction: the site, the twin's terrain horizon sampled on
    // the COMM mask's bins (the twin's own 0.25 deg bins for the default 1440)
    // and the scenario's ground stations, uploaded once at create.
    memset(p, 0, sizeof *p);
    const ilrs_horizon_t *hz = NULL;
    ilrs__station_env_site(env, &p->lat_deg, &p->lon_deg, &p->height_m, &hz);
    for (size_t i = 0; i < ILRS_COM_MASK_BINS; i++) {
        double h = hz != NULL ? ilrs_horizon_elevation(hz, 360.0 * (double)i / ILRS_COM_MASK_BINS)
                              : 0.0;
        p->mask_deg[i] = isfinite(h) ? (float)fmax(-90.0, fmin(90.0, h)) : 0.0f;
    }
    for (size_t g = 0; g < sc->ground_count && g < ILRS_COM_MAX_GROUNDS; g++) {
        const ilrs_scenario_ground_t *gr = &sc->grounds[g];
        p->grounds[p->ground_count++] =
            (ilrs_com_ground_t){gr->lat_deg, gr->lon_deg, gr->height_m, gr->min_elevation_deg};
    }
    p->enabled = true;
}

static int make_comm(const ilrs_scenario_t *sc, const station_hw_map_t *m, station_env_t *env,
                     ilrs_hal_t *hal, station_apps_t *a, char *error, size_t cap)
{
    ilrs_com_config_t *c = calloc(1, sizeof *c);
    if (c == NULL) {
        return ILRS_ENOMEM;
    }
    int rc = 0;
    c->hal = hal;
    if (m->config.n_radios > ILRS_COM_MAX_RADIOS) {
        snprintf(error, cap, "COMM app: at most %d radios, scenario has %zu", ILRS_COM_MAX_RADIOS,
                 m->config.n_radios);
        rc = ILRS_ESTATION_CONFIG;
        goto out_free;
    }
    for (size_t r = 0; r < m->config.n_radios; r++) {
        ilrs_com_radio_config_t *rc_ = &c->radios[c->radio_count++];
        snprintf(rc_->name, sizeof rc_->name, "%s", m->radios[r].name);
        rc_->direct_to_earth = sc->radios[r].link == ILRS_SCENARIO_LINK_DTE;
        if (m->radio_lines[r] >= 0) {
            snprintf(rc_->line, sizeof rc_->line, "%s", m->lines[m->radio_lines[r]].name);
        }
        a->relay_of[r] = rc_->direct_to_earth ? -1 : (int)(m->radios[r].target - ST_LINK_RELAY0);
    }
    a->plan_radios = c->radio_count;
    a->env = env;
    // COMM predicts its windows on board: the direct-to-Earth ones from the
    // site, its horizon and the ground stations, the relay's from the relay's
    // orbit, whose state (the ground's orbit determination, here the twin's
    // state) is uploaded at create and then daily (ComSetRelayOrbit). The
    // ground uploads no windows.
    ilrs_com_predict_config_t *p = &c->predict;
    ilrs__station_comm_predict_config(sc, env, p);
    p->enabled = true;
    a->predict = true;
    for (size_t r = 0; r < a->plan_radios; r++) {
        if (a->relay_of[r] >= 0) {
            p->relay[r].epoch = sc->epoch_tai;
            rc = ilrs__station_env_relay_state(env, (size_t)a->relay_of[r], sc->epoch_tai,
                                               p->relay[r].r_m, p->relay[r].v_m_s);
            if (rc != 0) {
                snprintf(error, cap, "COMM app: relay %d state: %s", a->relay_of[r],
                         ilrs_strerror(rc));
                goto out_free;
            }
        }
    }
    a->next_upload = sc->epoch_tai + (ilrs_tai_t)(PLAN_UPLOAD_S * 1e9);
    // Telemetry: every app's HK and the events, each hosted payload's status,
    // one packet per APID per HK interval, recorded while no link closes (16 MiB:
    // about two weeks of the station's telemetry).
    c->tm_all_apps = true;
    for (size_t i = 0; i < a->hosted && c->rt_count < ILRS_COM_MAX_RT; i++) {
        c->rt_apids[c->rt_count++] = (uint16_t)(PLD_STATUS_APID + i);
    }
    c->tm_interval_s = 60;
    c->tm_buffer_bytes = (size_t)16 << 20;
    c->playback = a->storage != NULL;
    c->fill_limit = 0.9;
    c->cycle_off_s = 10.0;
    // 0.1 Hz: contacts last hours, an outage is declared after 60 s; each step
    // requests the playback of the next 10 s of link capacity.
    c->rate_hz = 0.1;
    rc = ilrs_com_app_create(c, &a->comm);
    if (rc != 0) {
        snprintf(error, cap, "COMM app configuration refused: %s", ilrs_strerror(rc));
    }
out_free:
    free(c);
    return rc;
}

/* The relay's orbit determination (the twin's state now) to COMM. */
static int upload_orbit(station_apps_t *a, ilrs_fsw_t *fsw, size_t radio, ilrs_tai_t now)
{
    const ilrs_dict_command_t *c =
        ilrs_dict_find_command_by_name(ilrs_fsw_dict(fsw), "ComSetRelayOrbit");
    double r[3], v[3];
    int rc = c == NULL ? ILRS_EFSW_CMD
                       : ilrs__station_env_relay_state(a->env, (size_t)a->relay_of[radio], now,
                                                       r, v);
    if (rc != 0) {
        return rc;
    }
    char text[8][40];
    snprintf(text[0], sizeof text[0], "%zu", radio);
    snprintf(text[1], sizeof text[1], "%lld", (long long)now);
    for (int k = 0; k < 3; k++) {
        snprintf(text[2 + k], sizeof text[2 + k], "%.17g", r[k]);
        snprintf(text[5 + k], sizeof text[5 + k], "%.17g", v[k]);
    }
    const char *args[8];
    for (int k = 0; k < 8; k++) {
        args[k] = text[k];
    }
    uint8_t buf[256];
    size_t len = 0;
    rc = ilrs_dict_build_command(c, args, 8, buf, sizeof buf, &len, NULL, 0);
    return rc == 0 ? ilrs_fsw_command(fsw, buf, len) : rc;
}

int ilrs__station_apps_ground(station_apps_t *a, ilrs_fsw_t *fsw, ilrs_tai_t now)
{
    if (a == NULL || a->comm == NULL || now < a->next_upload) {
        return 0;
    }
    a->next_upload = now + (ilrs_tai_t)(PLAN_UPLOAD_S * 1e9);
    for (size_t r = 0; a->predict && r < a->plan_radios; r++) {
        if (a->relay_of[r] >= 0) {
            // A refused upload is counted; COMM says why in an event.
            if (upload_orbit(a, fsw, r, now) == 0) {
                a->plan_uploads++;
            } else {
                a->plan_refused++;
            }
        }
    }
    return 0;
}

static int make_mode(station_apps_t *a, char *error, size_t cap)
{
    ilrs_mode_config_t c;
    memset(&c, 0, sizeof c);
    c.entry[ILRS_MODE_NOMINAL] = (ilrs_mode_entry_t){a->line_on_mask, false, true};
    c.entry[ILRS_MODE_POWER_SAFE] =
        (ilrs_mode_entry_t){a->line_on_mask & ~a->line_shed1_mask, false, false};
    c.entry[ILRS_MODE_NIGHT_SURVIVAL] = (ilrs_mode_entry_t){a->line_survival_mask, true, false};
    c.entry[ILRS_MODE_SAFE] = (ilrs_mode_entry_t){a->line_survival_mask, true, false};
    c.initial = ILRS_MODE_NOMINAL;
    c.power_safe_level = 1;
    c.auto_restore = true;
    c.has_power = true;
    c.has_thermal = a->thermal != NULL;
    c.has_payload = a->payload != NULL;
    int rc = ilrs_mode_app_create(&c, &a->mode);
    if (rc != 0) {
        snprintf(error, cap, "MODE app configuration refused: %s", ilrs_strerror(rc));
    }
    return rc;
}

/* HS watches every station app the run hosts: an app that has not stepped for
 * three of its periods (at least 30 s) is restarted through the executive, three
 * times at most, then left to the ground (cFS HS's application monitoring). HS
 * itself steps at 0.1 Hz: a stall is seen within 10 s of its limit, and a year
 * of watchdog checks costs a tenth of what 1 Hz would. */
static void watch_app(ilrs_hs_config_t *hs, const ilrs_app_def_t *def)
{
    if (hs->watch_count < ILRS_HS_MAX_APPS && def->rate_hz > 0) {
        ilrs_hs_watch_t *w = &hs->watch[hs->watch_count++];
        snprintf(w->app, sizeof w->app, "%s", def->name);
        w->max_silent_s = fmax(30.0, 3.0 / def->rate_hz);
        w->max_restarts = 3;
    }
}

static int add_app(ilrs_fsw_t *fsw, ilrs_hs_config_t *hs, const ilrs_app_def_t *def,
                   ilrs_app_t **app)
{
    int rc = ilrs_fsw_add_app(fsw, def, app);
    if (rc == 0) {
        watch_app(hs, def);
    }
    return rc;
}

/* Night survival on board, without the ground (the station must outlive long
 * loss of contact): LC watches the payload host's day flag (array power above
 * its threshold, in PAYLOAD_HK); 10 consecutive dark samples start RTS 1, which
 * puts the station in NIGHT_SURVIVAL (only survival lines: the hub hibernates);
 * 10 consecutive lit samples start RTS 2, back to NOMINAL. This is how Chang'e-3/4
 * slept through the night, here in cFS LC/SC terms. */
static const char night_sequences[] = "rts 1\n"
                                      "0 ModeSet NIGHT_SURVIVAL\n"
                                      "rts 2\n"
                                      "0 ModeSet NOMINAL\n";

static int make_autonomy(station_apps_t *a, ilrs_fsw_t *fsw, ilrs_hs_config_t *hs,
                         uint16_t payload_apid, char *error, size_t cap)
{
    ilrs_lc_config_t lc;
    memset(&lc, 0, sizeof lc);
    lc.wp[0] = (ilrs_lc_watchpoint_t){payload_apid, "day", ILRS_LC_EQ, 0.0, 1};
    lc.wp[1] = (ilrs_lc_watchpoint_t){payload_apid, "day", ILRS_LC_EQ, 1.0, 1};
    lc.wp_count = 2;
    lc.ap[0] = (ilrs_lc_actionpoint_t){{0}, 1, 10, 1, ILRS_LC_AP_ACTIVE, "sunset"};
    lc.ap[1] = (ilrs_lc_actionpoint_t){{1}, 1, 10, 2, ILRS_LC_AP_ACTIVE, "sunrise"};
    lc.ap_count = 2;
    ilrs_sc_config_t sc = {.text = night_sequences};
    ilrs_app_def_t def;
    int rc = ilrs_lc_app_create(&lc, &a->lc);
    if (rc == 0) {
        ilrs_lc_app_def(a->lc, &def);
        rc = add_app(fsw, hs, &def, NULL);
    }
    if (rc == 0) {
        rc = ilrs_sc_app_create(&sc, &a->sc);
    }
    if (rc == 0) {
        ilrs_sc_app_def(a->sc, &def);
        // SC schedules by time, not by steps: at 1 Hz a command goes out within
        // 1 s of its time, enough for these sequences, and the executive runs one
        // frame a second instead of ten (a tenth of the run's cost).
        def.rate_hz = 1.0;
        def.slot = 0;
        rc = add_app(fsw, hs, &def, NULL);
    }
    if (rc != 0) {
        snprintf(error, cap, "LC/SC (night survival) configuration refused: %s", ilrs_strerror(rc));
    }
    return rc;
}

int ilrs__station_apps_create(const ilrs_scenario_t *sc, const station_hw_map_t *map,
                              station_env_t *env, ilrs_hal_t *hal, ilrs_fsw_t *fsw,
                              station_apps_t **out, char *error, size_t cap)
{
    *out = NULL;
    station_apps_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    ilrs_app_def_t def;
    ilrs_hs_config_t hs;
    memset(&hs, 0, sizeof hs);
    int rc = make_power(sc, map, hal, a, error, cap);
    if (rc == 0) {
        ilrs_pwr_app_def(a->power, &def);
        rc = add_app(fsw, &hs, &def, NULL);
    }
    if (rc == 0 && map->config.n_heaters > 0) {
        rc = make_thermal(map, hal, a, error, cap);
        if (rc == 0) {
            ilrs_thm_app_def(a->thermal, &def);
            rc = add_app(fsw, &hs, &def, NULL);
        }
    }
    ilrs_app_t *pld_app = NULL;
    if (rc == 0 && sc->payload_count > 0) {
        rc = make_payload(sc, map, hal, a, error, cap);
        if (rc == 0) {
            ilrs_pld_app_def(a->payload, &def);
            rc = add_app(fsw, &hs, &def, &pld_app);
        }
    }
    if (rc == 0) {
        rc = make_storage(sc, map, hal, a, error, cap);
        if (rc == 0 && a->storage != NULL) {
            ilrs_sto_app_def(a->storage, &def);
            rc = add_app(fsw, &hs, &def, NULL);
        }
    }
    if (rc == 0 && map->config.n_radios > 0) {
        rc = make_comm(sc, map, env, hal, a, error, cap);
        if (rc == 0) {
            ilrs_com_app_def(a->comm, &def);
            rc = add_app(fsw, &hs, &def, NULL);
        }
    }
    if (rc == 0) {
        rc = make_mode(a, error, cap);
        if (rc == 0) {
            ilrs_mode_app_def(a->mode, &def);
            rc = add_app(fsw, &hs, &def, NULL);
        }
    }
    if (rc == 0 && pld_app != NULL) {
        rc = make_autonomy(a, fsw, &hs, ilrs_app_apid(pld_app), error, cap);
    }
    if (rc == 0) {
        rc = ilrs_hs_app_create(&hs, &a->hs);
        if (rc == 0) {
            ilrs_hs_app_def(a->hs, &def);
            def.rate_hz = 0.1;
            def.slot = 0;
            rc = ilrs_fsw_add_app(fsw, &def, NULL);
        }
        if (rc != 0 && error[0] == '\0') {
            snprintf(error, cap, "HS (app watchdogs) configuration refused: %s",
                     ilrs_strerror(rc));
        }
    }
    if (rc != 0) {
        if (error[0] == '\0') {
            snprintf(error, cap, "station apps: %s", ilrs_strerror(rc));
        }
        ilrs__station_apps_destroy(a);
        return rc;
    }
    *out = a;
    return 0;
}

void ilrs__station_apps_destroy(station_apps_t *a)
{
    if (a != NULL) {
        ilrs_pwr_app_destroy(a->power);
        ilrs_thm_app_destroy(a->thermal);
        ilrs_pld_app_destroy(a->payload);
        ilrs_sto_app_destroy(a->storage);
        ilrs_com_app_destroy(a->comm);
        ilrs_mode_app_destroy(a->mode);
        ilrs_lc_app_destroy(a->lc);
        ilrs_sc_app_destroy(a->sc);
        ilrs_hs_app_destroy(a->hs);
        free(a);
    }
}

bool ilrs__station_apps_hosts_payload(const station_apps_t *a, size_t index)
{
    return a != NULL && a->payload != NULL && index < a->hosted;
}

uint16_t ilrs__station_apps_data_apid(const station_apps_t *a)
{
    return a != NULL && a->payload != NULL ? PLD_DATA_APID : 0;
}

uint16_t ilrs__station_apps_payload_apid(const station_apps_t *a, size_t index)
{
    return ilrs__station_apps_hosts_payload(a, index) ? (uint16_t)(PLD_STATUS_APID + index) : 0;
}

const char *ilrs__station_apps_mode(const station_apps_t *a)
{
    if (a == NULL || a->mode == NULL) {
        return "";
    }
    return ilrs_mode_name(ilrs_mode_app_current(a->mode));
}

void ilrs__station_apps_payload_bytes(const station_apps_t *a, size_t i, uint64_t *produced,
                                      uint64_t *held, uint64_t *lost)
{
    ilrs_sto_channel_status_t ch;
    *produced = *held = *lost = 0;
    if (a != NULL && a->storage != NULL && i < a->channels &&
        ilrs_sto_app_channel(a->storage, i, &ch) == 0) {
        *produced = ch.written + ch.refused;
        *held = ch.stored;
        *lost = ch.dropped + ch.refused;
    }
}

uint64_t ilrs__station_apps_tm_dropped(const station_apps_t *a)
{
    ilrs_com_status_t cs;
    if (a == NULL || a->comm == NULL) {
        return 0;
    }
    ilrs_com_app_status(a->comm, &cs);
    return cs.tm_packets_dropped;
}
