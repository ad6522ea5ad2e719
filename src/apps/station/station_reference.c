// SPDX-License-Identifier: Apache-2.0
//
// The station's app set: create/add/destroy all nine apps together, and the
// reference configuration matching the twin's reference station hardware (by
// hal device names only: no twin header here). The numbers are operational
// choices, documented in docs/apps.md: Li-ion operating range 0..45 C and
// storage above -20 C (typical for spacecraft Li-ion cells), shedding at 50 /
// 40 / 30 % SOC, a seismometer kept through the lunar night.
#include <stdlib.h>

#include "apps/apps_int.h"
#include "apps/power/power_eid.h"
#include "apps/thermal/thermal_eid.h"

#define NAME(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

/* Stored sequences of the reference station (format: docs/apps.md). */
static const char reference_sequences[] =
    "# RTS 1: low power or bus undervoltage (LC actionpoint 0): safe mode\n"
    "rts 1\n"
    "0 ModeSet SAFE\n"
    "# RTS 2: battery too cold (LC actionpoint 1): night survival\n"
    "rts 2\n"
    "0 ModeSet NIGHT_SURVIVAL\n"
    "# RTS 3: no valid SOC gauge (HS event action): safe mode, payloads off\n"
    "rts 3\n"
    "0 ModeSet SAFE\n"
    "1 PldEnableAll false\n"
    "# RTS 4: a heater failed (HS event action): survival set points\n"
    "rts 4\n"
    "0 ThmSetSurvival true\n";

static void line(ilrs_pwr_config_t *p, const char *name, uint8_t shed, bool survival,
                 bool enabled)
{
    ilrs_pwr_line_config_t *l = &p->lines[p->line_count++];
    NAME(l->name, name);
    snprintf(l->current_sensor, sizeof l->current_sensor, "%.20s.current", name);
    l->shed_level = shed;
    l->survival = survival;
    l->enabled = enabled;
}

static void zone(ilrs_thm_config_t *t, const char *name, const char *sensor, const char *heater,
                 bool survival, double on_k, double off_k, double s_on_k, double s_off_k)
{
    ilrs_thm_zone_config_t *z = &t->zones[t->zone_count++];
    NAME(z->name, name);
    NAME(z->sensor, sensor);
    NAME(z->heater, heater);
    z->survival = survival;
    z->on_k = on_k;
    z->off_k = off_k;
    z->survival_on_k = s_on_k;
    z->survival_off_k = s_off_k;
}

static void payload(ilrs_pld_config_t *c, const char *id, const char *owner, const char *owner_name,
                    const char *line_name, double standby_w, double active_w, double check_bps,
                    uint8_t priority)
{
    ilrs_pld_manifest_t *m = &c->payloads[c->payload_count];
    memset(m, 0, sizeof *m);
    NAME(m->id, id);
    NAME(m->owner, owner);
    NAME(m->owner_name, owner_name);
    NAME(m->line, line_name);
    NAME(m->temp_sensor, "payload_bay.temp");
    m->apid = (uint16_t)(ILRS_APPS_APID_PAYLOAD_BASE + c->payload_count);
    m->mode_count = 3; /* standby, science, calibration */
    m->power_w[0] = standby_w;
    m->power_w[1] = active_w;
    m->power_w[2] = active_w;
    m->science_mode = 1;
    /* the data-flow hang check only for instruments producing continuously: the
     * others duty-cycle inside the instrument (their mode read-back is still checked) */
    m->data_rate_bps = check_bps;
    m->duty_cycle = 1.0;
    m->temp_min_k = 233.15;
    m->temp_max_k = 323.15;
    m->priority = priority;
    c->payload_count++;
}

void ilrs_apps_reference_config(ilrs_hal_t *hal, ilrs_apps_station_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);

    ilrs_pwr_config_t *p = &cfg->power;
    p->hal = hal;
    p->apid = ILRS_APPS_APID_POWER;
    NAME(p->soc_sensors[0], "bat1.soc");
    NAME(p->soc_sensors[1], "bat2.soc");
    p->soc_sensor_count = 2;
    NAME(p->source_sensors[0], "array1.power");
    NAME(p->source_sensors[1], "array2.power");
    NAME(p->source_sensors[2], "rtg1.power");
    p->source_sensor_count = 3;
    NAME(p->bus_voltage_sensor, "bus.voltage");
    line(p, "line.avionics", 0, true, true);
    line(p, "line.comm", 3, true, true);
    line(p, "line.heaters", 0, true, true);
    line(p, "line.payload1", 2, true, true); /* seismometer, magnetometer: night science */
    line(p, "line.payload2", 2, false, true);
    line(p, "line.payload3", 1, false, true);
    line(p, "line.payload4", 1, false, true);
    line(p, "line.isru", 1, false, false);
    p->shed_soc[0] = 0.50;
    p->shed_soc[1] = 0.40;
    p->shed_soc[2] = 0.30;
    p->level_count = 3;
    p->restore_hysteresis = 0.05;
    p->persistence = 5;

    ilrs_thm_config_t *t = &cfg->thermal;
    t->hal = hal;
    t->apid = ILRS_APPS_APID_THERMAL;
    zone(t, "bat1", "battery.temp", "heater.bat1", true, 278.15, 283.15, 258.15, 263.15);
    zone(t, "bat2", "battery.temp", "heater.bat2", true, 277.15, 282.15, 257.15, 262.15);
    zone(t, "avionics", "avionics.temp", "heater.avionics", true, 263.15, 273.15, 243.15,
         248.15);
    zone(t, "payload", "payload_bay.temp", "heater.payload", false, 253.15, 263.15, 233.15,
         238.15);
    t->fail_window_s = 3600;
    t->fail_min_rise_k = 0.05;

    ilrs_pld_config_t *l = &cfg->payload;
    l->hal = hal;
    l->apid = ILRS_APPS_APID_PAYLOAD;
    l->data_apid = ILRS_APPS_APID_PLD_DATA;
    NAME(l->sun_sensor, "array1.power");
    l->sun_threshold_w = 20.0;
    NAME(l->earth_radio, "radio.earth");
    l->power_budget_w = 150.0;
    l->hang_timeout_s = 300.0;
    l->cycle_off_s = 10.0;
    payload(l, "seismometer", "cnsa", "China National Space Administration", "line.payload1", 0.5,
            2.0, 14400.0, 1);
    payload(l, "magnetometer", "roscosmos", "Roscosmos", "line.payload1", 0.5, 2.0, 500.0, 2);
    payload(l, "dust_efield", "esa", "European Space Agency", "line.payload2", 0.5, 3.0, 0.0, 3);
    payload(l, "space_weather", "cnsa", "", "line.payload2", 1.0, 5.0, 2000.0, 2);
    payload(l, "euv_imager", "cnsa", "", "line.payload3", 2.0, 15.0, 0.0, 4);
    l->payloads[4].needs_sun = true;
    payload(l, "neutral_atom", "roscosmos", "", "line.payload3", 2.0, 12.0, 0.0, 4);
    payload(l, "lf_radio", "esa", "", "line.payload4", 3.0, 20.0, 0.0, 5);
    l->payloads[6].night_only = true; /* radio astronomy away from solar noise */
    payload(l, "isru_demo", "cnsa", "", "line.isru", 5.0, 60.0, 0.0, 6);
    l->payloads[7].needs_sun = true;

    ilrs_mode_config_t *m = &cfg->mode;
    m->apid = ILRS_APPS_APID_MODE;
    m->initial = ILRS_MODE_NOMINAL;
    m->power_safe_level = 2;
    m->auto_restore = true;
    m->has_power = m->has_thermal = m->has_payload = true;
    m->entry[ILRS_MODE_NOMINAL] = (ilrs_mode_entry_t){.line_mask = 0x7F, .payloads = true};
    m->entry[ILRS_MODE_POWER_SAFE] = (ilrs_mode_entry_t){.line_mask = 0x0F, .payloads = true};
    m->entry[ILRS_MODE_NIGHT_SURVIVAL] =
        (ilrs_mode_entry_t){.line_mask = 0x0F, .survival = true, .payloads = true};
    m->entry[ILRS_MODE_SAFE] = (ilrs_mode_entry_t){.line_mask = 0x07, .survival = true};

    ilrs_sto_config_t *s = &cfg->storage;
    s->hal = hal;
    s->apid = ILRS_APPS_APID_STORAGE;
    NAME(s->storage, "storage0");
    s->data_apid = ILRS_APPS_APID_PLD_DATA;
    s->channel_count = 4;
    s->channels[0] = (ilrs_sto_channel_config_t){.name = "vc_cnsa", .owner = "cnsa", .priority = 1};
    s->channels[1] =
        (ilrs_sto_channel_config_t){.name = "vc_roscosmos", .owner = "roscosmos", .priority = 1};
    s->channels[2] = (ilrs_sto_channel_config_t){.name = "vc_esa", .owner = "esa", .priority = 2};
    s->channels[3] = (ilrs_sto_channel_config_t){.name = "vc_other", .owner = "", .priority = 3};

    ilrs_com_config_t *c = &cfg->comm;
    c->hal = hal;
    c->apid = ILRS_APPS_APID_COMM;
    c->radio_count = 2;
    NAME(c->radios[0].name, "radio.relay");
    NAME(c->radios[1].name, "radio.earth");
    c->radios[1].direct_to_earth = true;
    const uint16_t rt[] = {ILRS_APPS_APID_POWER, ILRS_APPS_APID_THERMAL, ILRS_APPS_APID_MODE,
                           ILRS_APPS_APID_STORAGE, ILRS_APPS_APID_COMM, ILRS_FSW_APID_EVENTS};
    memcpy(c->rt_apids, rt, sizeof rt);
    c->rt_count = APPS_COUNT(rt);
    c->playback = true;

    ilrs_hs_config_t *h = &cfg->hs;
    h->apid = ILRS_APPS_APID_HS;
    const char *watched[] = {"POWER", "THERMAL", "PAYLOAD", "MODE", "STORAGE", "COMM", "LC", "SC"};
    for (size_t i = 0; i < APPS_COUNT(watched); i++) {
        NAME(h->watch[i].app, watched[i]);
        h->watch[i].max_silent_s = 10;
        h->watch[i].max_restarts = 3;
    }
    h->watch_count = APPS_COUNT(watched);
    h->actions[0] = (ilrs_hs_action_t){.app = "POWER", .event_id = PWR_SOC_ERR_EID, .rts = 3};
    h->actions[1] =
        (ilrs_hs_action_t){.app = "THERMAL", .event_id = THM_HEATER_FAIL_ERR_EID, .rts = 4};
    h->action_count = 2;
    h->cpu_limit_pct = 80;

    ilrs_lc_config_t *lc = &cfg->lc;
    lc->apid = ILRS_APPS_APID_LC;
    lc->wp[0] = (ilrs_lc_watchpoint_t){.apid = ILRS_APPS_APID_POWER, .field = "soc",
                                       .op = ILRS_LC_LT, .value = 0.25, .persistence = 10};
    lc->wp[1] = (ilrs_lc_watchpoint_t){.apid = ILRS_APPS_APID_POWER, .field = "bus_voltage",
                                       .op = ILRS_LC_LT, .value = 24.0, .persistence = 5};
    lc->wp[2] = (ilrs_lc_watchpoint_t){.apid = ILRS_APPS_APID_THERMAL, .field = "bat1_temp",
                                       .op = ILRS_LC_LT, .value = 253.15, .persistence = 30};
    lc->wp_count = 3;
    lc->ap[0] = (ilrs_lc_actionpoint_t){.rpn = {0, 1, ILRS_LC_RPN_OR}, .rpn_count = 3, .rts = 1,
                                        .name = "low_power"};
    lc->ap[1] = (ilrs_lc_actionpoint_t){.rpn = {2}, .rpn_count = 1, .rts = 2,
                                        .name = "battery_cold"};
    lc->ap_count = 2;

    cfg->sc.apid = ILRS_APPS_APID_SC;
    cfg->sc.text = reference_sequences;
}

int ilrs_apps_station_create(const ilrs_apps_station_config_t *cfg, ilrs_apps_station_t *st)
{
    if (st == NULL) {
        return ILRS_EINVAL;
    }
    memset(st, 0, sizeof *st);
    if (cfg == NULL) {
        return ILRS_EINVAL;
    }
    int rc = ilrs_pwr_app_create(&cfg->power, &st->power);
    if (rc == 0) {
        rc = ilrs_thm_app_create(&cfg->thermal, &st->thermal);
    }
    if (rc == 0) {
        rc = ilrs_pld_app_create(&cfg->payload, &st->payload);
    }
    if (rc == 0) {
        rc = ilrs_mode_app_create(&cfg->mode, &st->mode);
    }
    if (rc == 0) {
        rc = ilrs_sto_app_create(&cfg->storage, &st->storage);
    }
    if (rc == 0) {
        rc = ilrs_com_app_create(&cfg->comm, &st->comm);
    }
    if (rc == 0) {
        rc = ilrs_hs_app_create(&cfg->hs, &st->hs);
    }
    if (rc == 0) {
        rc = ilrs_lc_app_create(&cfg->lc, &st->lc);
    }
    if (rc == 0) {
        rc = ilrs_sc_app_create(&cfg->sc, &st->sc);
    }
    if (rc != 0) {
        ilrs_apps_station_destroy(st);
    }
    return rc;
}

int ilrs_apps_station_add(ilrs_apps_station_t *st, ilrs_fsw_t *fsw)
{
    if (st == NULL || fsw == NULL || st->power == NULL) {
        return ILRS_EINVAL;
    }
    ilrs_app_def_t d[9];
    ilrs_sc_app_def(st->sc, &d[0]);
    ilrs_lc_app_def(st->lc, &d[1]);
    ilrs_hs_app_def(st->hs, &d[2]);
    ilrs_mode_app_def(st->mode, &d[3]);
    ilrs_pwr_app_def(st->power, &d[4]);
    ilrs_thm_app_def(st->thermal, &d[5]);
    ilrs_pld_app_def(st->payload, &d[6]);
    ilrs_sto_app_def(st->storage, &d[7]);
    ilrs_com_app_def(st->comm, &d[8]);
    for (size_t i = 0; i < APPS_COUNT(d); i++) {
        int rc = ilrs_fsw_add_app(fsw, &d[i], NULL);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

void ilrs_apps_station_destroy(ilrs_apps_station_t *st)
{
    if (st == NULL) {
        return;
    }
    ilrs_pwr_app_destroy(st->power);
    ilrs_thm_app_destroy(st->thermal);
    ilrs_pld_app_destroy(st->payload);
    ilrs_mode_app_destroy(st->mode);
    ilrs_sto_app_destroy(st->storage);
    ilrs_com_app_destroy(st->comm);
    ilrs_hs_app_destroy(st->hs);
    ilrs_lc_app_destroy(st->lc);
    ilrs_sc_app_destroy(st->sc);
    memset(st, 0, sizeof *st);
}
