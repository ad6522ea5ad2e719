// SPDX-License-Identifier: Apache-2.0
//
// THERMAL (THM) app: one bang-bang thermostat with hysteresis per thermal zone
// (heater on below on_k, off above off_k), set points from the parameter table
// THM_SETPOINTS (loadable from the ground through TBL), survival set points for
// the survival heaters in survival mode (other heaters off), and heater failure
// detection, the way spacecraft power distribution does it: an open (failed)
// heater element draws no current. When the hal has a current sensor for the
// heater ("<heater>.current", the current-sensing switch of its output), a
// heater that reads under HEATER_OPEN_A for OPEN_SAMPLES consecutive samples
// while its switch is on is declared failed. Without one, a thermal-trend
// check: the zone's filtered temperature change over fail_window_s of heating
// is compared with the change the pre-switch-on cooling rate predicts; a
// heater that adds less than fail_min_rise_k to that trend is failed. An
// undersized but working heater slows the cooling and is never flagged. A
// heater with a current sense that the thermostat has not switched on for
// CHECKOUT_PERIOD_S is pulsed on for CHECKOUT_S (a periodic functional test)
// so that a latent open element is found before the night needs it. A
// failed heater is switched off, counted and reported (event naming zone and
// heater) until ThmResetHeater. Stuck sensors: a zone temperature that repeats
// the same value for STUCK_SAMPLES consecutive samples, while the sensor's
// noise (any real housekeeping ADC channel with noise above its quantum)
// makes every sample differ, is declared stuck: the reading is not used and
// the heater runs open loop at the duty cycle it had over the hours before
// (the usual fallback of a thermostat that lost its sensor) until the sensor
// moves again. Telemetry is its HK packet; events in thermal_eid.h.
#include <stddef.h>
#include <stdlib.h>

#include "apps/apps_int.h"
#include "apps/thermal/thermal_eid.h"

/* The set point table image. */
typedef struct thm_table {
    double on_k[ILRS_THM_MAX_ZONES];
    double off_k[ILRS_THM_MAX_ZONES];
    double survival_on_k[ILRS_THM_MAX_ZONES];
    double survival_off_k[ILRS_THM_MAX_ZONES];
} thm_table_t;

enum zone_state { Z_OFF = 0, Z_ON = 1, Z_FAILED = 2, Z_NOSENSOR = 3 };

/* Current-based open-heater detection: below this many amperes with the switch
 * on for OPEN_SAMPLES consecutive samples. 0.03 A is 0.84 W at 28 V, under any
 * heater worth a switch; with a 0.01 A (1 sigma) current sense a working 3 W
 * heater (0.11 A) is 8 sigma above it, an open one 3 sigma below. */
#define HEATER_OPEN_A 0.03
#define OPEN_SAMPLES 10
/* Periodic checkout of an idle heater with a current sense (s). */
#define CHECKOUT_PERIOD_S 86400.0
#define CHECKOUT_S 15.0
/* Trend check: temperature low-pass filter time constant (s) against sensor
 * noise. The pre-switch-on rate needs a baseline of at least half the window
 * (snapshots are taken every half window while the heater is off). */
#define FILTER_TAU_S 120.0
/* Stuck sensor: this many identical consecutive samples (2 min at 1 Hz). */
#define STUCK_SAMPLES 120
/* Open-loop fallback: duty cycle learnt with this time constant (s), applied
 * over this period (s). */
#define DUTY_TAU_S (6.0 * 3600.0)
#define DUTY_PERIOD_S 1200.0

typedef struct zone {
    uint16_t sensor, heater, current;
    bool has_current;
    double temp_k, filt_k;
    double alpha_dt, alpha; /* the filter gain of the last step length (dt 0: gain 0) */
    bool valid, filt_valid, on, failed, sensor_error;
    ilrs_tai_t window_t, last_t;
    double window_k;
    /* pre-switch-on trend: two snapshots of the filtered temperature while off */
    ilrs_tai_t snap_t[2];
    double snap_k[2];
    bool snap_ok[2];
    double rate_before; /* K/s before the last switch-on (<= 0 when cooling) */
    bool rate_known;
    uint32_t open_count;
    ilrs_tai_t last_on;      /* last time the heater was on (or init) */
    ilrs_tai_t checkout_end; /* 0: no checkout pulse in progress */
    /* stuck-sensor detection and the open-loop fallback */
    double last_raw, duty, duty_n;
    uint32_t same_count;
    bool stuck, duty_valid;
    ilrs_tai_t duty_t0;
    uint32_t cycles;
    uint8_t state;
    char name_temp[ILRS_APPS_NAME_MAX + 8], name_state[ILRS_APPS_NAME_MAX + 8];
} zone_t;

struct ilrs_thm_app {
    ilrs_thm_config_t cfg;
    ilrs_tbl_t *table;
    uint32_t table_generation;
    const ilrs_dict_command_t *cmd_surv, *cmd_reset;
    zone_t z[ILRS_THM_MAX_ZONES];
    bool survival;
    uint32_t failures, cycles, sensor_errors, hal_errors, stuck_sensors;
};

static bool setpoints_ok(const thm_table_t *t, size_t n, char *error, size_t cap)
{
    for (size_t i = 0; i < n; i++) {
        if (!(t->on_k[i] < t->off_k[i]) || !(t->survival_on_k[i] < t->survival_off_k[i])) {
            if (error != NULL) {
                snprintf(error, cap, "zone %zu: on set point must be below off set point", i);
            }
            return false;
        }
    }
    return true;
}

int ilrs_thm_app_create(const ilrs_thm_config_t *cfg, ilrs_thm_app_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (cfg == NULL || out == NULL || cfg->hal == NULL || cfg->zone_count == 0 ||
        cfg->zone_count > ILRS_THM_MAX_ZONES || cfg->fail_window_s < 0 ||
        cfg->fail_min_rise_k < 0 || cfg->rate_hz < 0) {
        ilrs_log(ILRS_LOG_ERROR, "thermal", "configuration refused (zones 1..%d, windows >= 0)",
                 ILRS_THM_MAX_ZONES);
        return ILRS_EINVAL;
    }
    thm_table_t t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < cfg->zone_count; i++) {
        const ilrs_thm_zone_config_t *z = &cfg->zones[i];
        if (!apps_name_ok(z->name, 24) || z->sensor[0] == '\0' || z->heater[0] == '\0') {
            ilrs_log(ILRS_LOG_ERROR, "thermal", "zone %zu: bad name, sensor or heater", i);
            return ILRS_EINVAL;
        }
        t.on_k[i] = z->on_k;
        t.off_k[i] = z->off_k;
        t.survival_on_k[i] = z->survival_on_k;
        t.survival_off_k[i] = z->survival_off_k;
    }
    char err[96];
    if (!setpoints_ok(&t, cfg->zone_count, err, sizeof err)) {
        ilrs_log(ILRS_LOG_ERROR, "thermal", "%s", err);
        return ILRS_EINVAL;
    }
    ilrs_thm_app_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    a->cfg = *cfg;
    if (a->cfg.fail_window_s == 0) {
        a->cfg.fail_window_s = 3600.0;
    }
    if (a->cfg.fail_min_rise_k == 0) {
        a->cfg.fail_min_rise_k = 0.5;
    }
    *out = a;
    return 0;
}

void ilrs_thm_app_destroy(ilrs_thm_app_t *app)
{
    free(app);
}

/* ---- table ------------------------------------------------------------------------- */

static int validate(void *user, const void *image, char *error, size_t cap)
{
    const ilrs_thm_app_t *a = user;
    return setpoints_ok(image, a->cfg.zone_count, error, cap) ? 0 : ILRS_EFSW_TABLE;
}

#define SP_FIELD(n, member, def, what)                                                        \
    {.name = n, .type = ILRS_DICT_F64, .count = ILRS_THM_MAX_ZONES,                        \
     .offset = offsetof(thm_table_t, member), .unit = "K", .description = what,            \
     .default_value = def, .has_range = true, .min = 0.0, .max = 1000.0}

static const ilrs_tbl_field_t table_fields[] = {
    SP_FIELD("on_k", on_k, 273.15, "heater on below (per zone, configuration order)"),
    SP_FIELD("off_k", off_k, 278.15, "heater off above"),
    SP_FIELD("survival_on_k", survival_on_k, 253.15, "survival heater on below (survival mode)"),
    SP_FIELD("survival_off_k", survival_off_k, 258.15, "survival heater off above (survival mode)"),
};

/* ---- commands ------------------------------------------------------------------------ */

static const ilrs_dict_field_t surv_args[] = {
    {.name = "on", .type = ILRS_DICT_BOOL,
     .description = "survival set points for survival heaters, other heaters off"},
};

static int cmd_survival(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_thm_app_t *a = ctx;
    bool on = apps_arg_int(a->cmd_surv, 0, pkt, len) != 0;
    if (on != a->survival) {
        a->survival = on;
        ilrs_app_event(app, THM_SURVIVAL_INF_EID, ILRS_EVENT_INFO, "survival set points %s",
                       on ? "in force" : "left: nominal set points");
    }
    return 0;
}

static const ilrs_dict_field_t zone_args[] = {
    {.name = "zone", .type = ILRS_DICT_STRING, .length = ILRS_APPS_NAME_MAX,
     .description = "thermal zone name"},
};

static int cmd_reset(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_thm_app_t *a = ctx;
    char name[ILRS_APPS_NAME_MAX + 1];
    apps_arg_string(a->cmd_reset, 0, pkt, len, name, sizeof name);
    for (size_t i = 0; i < a->cfg.zone_count; i++) {
        if (strcmp(a->cfg.zones[i].name, name) == 0) {
            a->z[i].failed = false;
            ilrs_app_event(app, THM_HEATER_RESET_INF_EID, ILRS_EVENT_INFO,
                           "zone %s heater returned to service", name);
            return 0;
        }
    }
    ilrs_app_event(app, THM_ZONE_ERR_EID, ILRS_EVENT_ERROR, "no thermal zone named '%s'", name);
    return ILRS_ENOTFOUND;
}

/* ---- init, step ------------------------------------------------------------------------ */

static const apps_event_t events[] = {
    {THM_HEATER_FAIL_ERR_EID, "THM_HEATER_FAIL_ERR", ILRS_EVENT_ERROR,
     "zone %s heater %s failed: %s; switched off",
     "heater failure: open element (no current while switched on), or without a current "
     "sensor no warming over the pre-switch-on trend in fail_window_s"},
    {THM_HEATER_RESET_INF_EID, "THM_HEATER_RESET_INF", ILRS_EVENT_INFO,
     "zone %s heater returned to service", "ThmResetHeater cleared a heater failure"},
    {THM_SURVIVAL_INF_EID, "THM_SURVIVAL_INF", ILRS_EVENT_INFO, "survival set points %s",
     "survival mode entered (survival heaters on survival set points, others off) or left"},
    {THM_SENSOR_ERR_EID, "THM_SENSOR_ERR", ILRS_EVENT_ERROR,
     "zone %s sensor %s invalid: heater %s",
     "a zone's temperature reads invalid; its heater is held (survival) or switched off"},
    {THM_ZONE_ERR_EID, "THM_ZONE_ERR", ILRS_EVENT_ERROR, "no thermal zone named '%s'",
     "a command named an unknown zone"},
    {THM_HAL_ERR_EID, "THM_HAL_ERR", ILRS_EVENT_ERROR, "hal device '%s' (%s): %s",
     "a configured hal device is missing or refused an operation"},
    {THM_TABLE_INF_EID, "THM_TABLE_INF", ILRS_EVENT_INFO, "set point table generation %u in force",
     "a new THM_SETPOINTS image was committed and is used from this step"},
    {THM_SENSOR_STUCK_ERR_EID, "THM_SENSOR_STUCK_ERR", ILRS_EVENT_ERROR,
     "zone %s sensor %s stuck at %.2f K (%u samples): invalid, heater %s open loop %.0f %% duty",
     "a zone sensor repeated one value where its noise must change it; the heater runs at its "
     "learnt duty cycle"},
    {THM_SENSOR_OK_INF_EID, "THM_SENSOR_OK_INF", ILRS_EVENT_INFO,
     "zone %s sensor %s restored: %.2f K, thermostat resumed",
     "a stuck or invalid zone sensor reads live values again"},
};

static int resolve(ilrs_app_t *app, ilrs_thm_app_t *a, ilrs_hal_kind_t kind, const char *name,
                   uint16_t *id)
{
    int rc = apps_find(a->cfg.hal, kind, name, id);
    if (rc != 0) {
        ilrs_app_event(app, THM_HAL_ERR_EID, ILRS_EVENT_ERROR, "hal device '%s' (%s): %s", name,
                       ilrs_hal_kind_name(kind), ilrs_strerror(rc));
    }
    return rc;
}

static int thm_init(ilrs_app_t *app, void *ctx)
{
    ilrs_thm_app_t *a = ctx;
    const ilrs_thm_config_t *c = &a->cfg;
    int rc = apps_register_events(app, events, APPS_COUNT(events));
    ilrs_tbl_def_t td = {.name = "THM_SETPOINTS",
                         .description = "thermostat set points per zone",
                         .size = sizeof(thm_table_t),
                         .fields = table_fields,
                         .field_count = APPS_COUNT(table_fields),
                         .validate = validate,
                         .validate_user = a};
    ilrs_tbl_error_t terr;
    if (rc == 0) {
        rc = ilrs_app_register_table(app, &td, &a->table, &terr);
    }
    if (rc == 0 && ilrs_tbl_generation(a->table) == 0) {
        /* first start: the configuration's set points become the active image */
        thm_table_t t;
        memcpy(&t, ilrs_tbl_get(a->table), sizeof t);
        for (size_t i = 0; i < c->zone_count; i++) {
            t.on_k[i] = c->zones[i].on_k;
            t.off_k[i] = c->zones[i].off_k;
            t.survival_on_k[i] = c->zones[i].survival_on_k;
            t.survival_off_k[i] = c->zones[i].survival_off_k;
        }
        rc = ilrs_tbl_load_image(a->table, &t, sizeof t, &terr);
        if (rc == 0) {
            rc = ilrs_tbl_commit(a->table);
        }
    }
    if (rc == 0) {
        a->table_generation = ilrs_tbl_generation(a->table);
    }
    for (size_t i = 0; rc == 0 && i < c->zone_count; i++) {
        zone_t *z = &a->z[i];
        rc = resolve(app, a, ILRS_HAL_SENSOR, c->zones[i].sensor, &z->sensor);
        if (rc == 0) {
            rc = resolve(app, a, ILRS_HAL_SWITCH, c->zones[i].heater, &z->heater);
        }
        if (rc == 0) {
            /* optional: the heater's current sense; no event when absent */
            char cname[ILRS_APPS_NAME_MAX + 16];
            snprintf(cname, sizeof cname, "%s.current", c->zones[i].heater);
            z->has_current = apps_find(c->hal, ILRS_HAL_SENSOR, cname, &z->current) == 0;
        }
        if (rc == 0 && ilrs_hal_switch_set(c->hal, z->heater, false) != 0) {
            a->hal_errors++; /* start from a known state: every heater off */
        }
        z->on = z->failed = z->sensor_error = z->valid = z->filt_valid = false;
        z->snap_ok[0] = z->snap_ok[1] = z->rate_known = false;
        z->open_count = z->same_count = 0;
        z->last_on = ilrs_app_time(app);
        z->checkout_end = 0;
        z->stuck = z->duty_valid = false;
        z->duty = z->duty_n = 0.0;
        z->temp_k = z->filt_k = 0;
        z->alpha_dt = z->alpha = 0.0;
        z->state = Z_OFF;
    }
    if (rc == 0) {
        rc = apps_command(app, "ThmSetSurvival", 2, "enter or leave survival set points",
                          surv_args, 1, cmd_survival, &a->cmd_surv);
    }
    if (rc == 0) {
        rc = apps_command(app, "ThmResetHeater", 3, "return a failed heater to service", zone_args,
                          1, cmd_reset, &a->cmd_reset);
    }
    const apps_counter_t counters[] = {
        {"survival", NULL, ILRS_DICT_BOOL, &a->survival},
        {"heater_failures", NULL, ILRS_DICT_U32, &a->failures},
        {"heater_cycles", NULL, ILRS_DICT_U32, &a->cycles},
        {"sensor_errors", NULL, ILRS_DICT_U32, &a->sensor_errors},
        {"hal_errors", NULL, ILRS_DICT_U32, &a->hal_errors},
        {"stuck_sensors", NULL, ILRS_DICT_U32, &a->stuck_sensors},
    };
    if (rc == 0) {
        rc = apps_hk_counters(app, counters, APPS_COUNT(counters));
    }
    for (size_t i = 0; rc == 0 && i < c->zone_count; i++) {
        zone_t *z = &a->z[i];
        snprintf(z->name_temp, sizeof z->name_temp, "%s_temp", c->zones[i].name);
        snprintf(z->name_state, sizeof z->name_state, "%s_heater", c->zones[i].name);
        rc = ilrs_app_hk_counter(app, z->name_temp, "K", ILRS_DICT_F64, &z->temp_k);
        if (rc == 0) {
            rc = ilrs_app_hk_counter(app, z->name_state, NULL, ILRS_DICT_U8, &z->state);
        }
    }
    a->survival = false;
    return rc;
}

static void set_heater(ilrs_app_t *app, ilrs_thm_app_t *a, size_t i, bool on)
{
    zone_t *z = &a->z[i];
    if (z->on == on) {
        return;
    }
    if (ilrs_hal_switch_set(a->cfg.hal, z->heater, on) != 0) {
        a->hal_errors++;
        ilrs_app_event(app, THM_HAL_ERR_EID, ILRS_EVENT_ERROR, "hal device '%s' (%s): %s",
                       a->cfg.zones[i].heater, "switch", "switch command refused");
        return;
    }
    z->on = on;
    z->open_count = 0;
    if (on) {
        ilrs_tai_t now = ilrs_app_time(app);
        z->cycles++;
        a->cycles++;
        z->window_t = now;
        z->window_k = z->filt_k;
        /* the cooling (or warming) rate just before switching on, from the
         * older snapshot if the newer one is too recent for a baseline */
        z->rate_known = false;
        for (int k = 0; k < 2 && !z->rate_known; k++) {
            double dt = z->snap_ok[k] ? apps_seconds(now, z->snap_t[k]) : 0.0;
            if (dt >= 0.5 * a->cfg.fail_window_s) {
                z->rate_before = (z->filt_k - z->snap_k[k]) / dt;
                z->rate_known = true;
            }
        }
    } else {
        z->snap_ok[0] = z->snap_ok[1] = false; /* heating disturbs the baseline */
    }
}

static void declare_failed(ilrs_app_t *app, ilrs_thm_app_t *a, size_t i, const char *why)
{
    zone_t *z = &a->z[i];
    const ilrs_thm_zone_config_t *zc = &a->cfg.zones[i];
    z->failed = true;
    a->failures++;
    set_heater(app, a, i, false);
    ilrs_app_event(app, THM_HEATER_FAIL_ERR_EID, ILRS_EVENT_ERROR,
                   "zone %s heater %s failed: %s; switched off", zc->name, zc->heater, why);
}

/* Low-pass filter of the zone temperature (first order, time constant
 * FILTER_TAU_S) and the off-state snapshots of the trend baseline. */
static void track(zone_t *z, ilrs_tai_t now, double window_s)
{
    if (!z->filt_valid) {
        z->filt_k = z->temp_k;
        z->filt_valid = true;
    } else {
        double dt = apps_seconds(now, z->last_t);
        /* the step is the same every cycle: its exp is computed when it changes */
        if (dt != z->alpha_dt) {
            z->alpha_dt = dt;
            z->alpha = dt > 0 ? 1.0 - exp(-dt / FILTER_TAU_S) : 0.0;
        }
        z->filt_k += z->alpha * (z->temp_k - z->filt_k);
    }
    z->last_t = now;
    if (z->on) {
        return;
    }
    if (!z->snap_ok[1] || apps_seconds(now, z->snap_t[1]) >= 0.5 * window_s) {
        z->snap_t[0] = z->snap_t[1];
        z->snap_k[0] = z->snap_k[1];
        z->snap_ok[0] = z->snap_ok[1];
        z->snap_t[1] = now;
        z->snap_k[1] = z->filt_k;
        z->snap_ok[1] = true;
    }
}

/* Periodic functional test of a heater the thermostat leaves off: pulse it on
 * for CHECKOUT_S (its current is then checked like any on-time), once per
 * CHECKOUT_PERIOD_S. Only with a current sense, never on a failed heater. */
static void checkout(ilrs_app_t *app, ilrs_thm_app_t *a, size_t i, ilrs_tai_t now, bool active,
                     double on_k)
{
    zone_t *z = &a->z[i];
    if (z->checkout_end != 0) {
        if (now >= z->checkout_end || z->failed || !active) {
            z->checkout_end = 0;
            if (!(z->temp_k < on_k)) { /* unless the thermostat wants it on anyway */
                set_heater(app, a, i, false);
            }
        }
        return;
    }
    if (!z->has_current || z->failed || z->on || !active ||
        apps_seconds(now, z->last_on) < CHECKOUT_PERIOD_S) {
        return;
    }
    set_heater(app, a, i, true);
    if (z->on) {
        z->checkout_end = now + (ilrs_tai_t)(CHECKOUT_S * 1e9);
    }
}

/* Heater failure detection for zone i (heater on). */
static void check_heater(ilrs_app_t *app, ilrs_thm_app_t *a, size_t i, ilrs_tai_t now)
{
    zone_t *z = &a->z[i];
    if (z->has_current) {
        ilrs_hal_switch_state_t sw;
        ilrs_hal_reading_t c;
        /* only a switch that is really on (line up, not tripped) must draw */
        if (ilrs_hal_switch_get(a->cfg.hal, z->heater, &sw) != 0 || !sw.on ||
            ilrs_hal_sensor_read(a->cfg.hal, z->current, &c) != 0 || !c.valid) {
            z->open_count = 0;
            return;
        }
        z->open_count = c.value < HEATER_OPEN_A ? z->open_count + 1 : 0;
        if (z->open_count >= OPEN_SAMPLES) {
            char why[96];
            snprintf(why, sizeof why, "open element, %.3f A while on (%u samples)",
                     c.value, (unsigned)z->open_count);
            declare_failed(app, a, i, why);
        }
        return;
    }
    double dt = apps_seconds(now, z->window_t);
    if (dt < a->cfg.fail_window_s) {
        return;
    }
    /* warming over the trend before switch-on; without a baseline, over flat */
    double before = z->rate_known ? z->rate_before : 0.0;
    double gain = (z->filt_k - z->window_k) - before * dt;
    if (gain < a->cfg.fail_min_rise_k) {
        char why[128];
        snprintf(why, sizeof why,
                 "on %.0f s, %.2f K -> %.2f K, %.2f K over the %+.2f K/h trend before", dt,
                 z->window_k, z->filt_k, gain, before * 3600.0);
        declare_failed(app, a, i, why);
    } else {
        /* working: judge the next window against the same pre-switch-on rate */
        z->window_t = now;
        z->window_k = z->filt_k;
    }
}

/* Stuck-sensor detection for zone i with a valid reading @p v. Returns true
 * while the sensor is stuck (the zone then ran open loop this step). */
static bool stuck_check(ilrs_app_t *app, ilrs_thm_app_t *a, size_t i, double v, ilrs_tai_t now)
{
    zone_t *z = &a->z[i];
    const ilrs_thm_zone_config_t *zc = &a->cfg.zones[i];
    /* bit-identical repeats: a live channel with noise never repeats for long */
    bool same = z->same_count > 0 ? v == z->last_raw : false;
    z->same_count = same ? z->same_count + 1 : 1;
    z->last_raw = v;
    if (!same && z->stuck) {
        z->stuck = false; /* moves again: the normal path reports the restoration */
        return false;
    }
    if (z->same_count < STUCK_SAMPLES && !z->stuck) {
        return false;
    }
    bool hold = !z->failed && (!a->survival || zc->survival);
    if (!z->stuck) {
        z->stuck = true;
        z->sensor_error = true; /* reported back when it moves again */
        z->duty_t0 = now;
        a->stuck_sensors++;
        a->sensor_errors++;
        ilrs_app_event(app, THM_SENSOR_STUCK_ERR_EID, ILRS_EVENT_ERROR,
                       "zone %s sensor %s stuck at %.2f K (%u samples): invalid, heater %s open "
                       "loop %.0f %% duty",
                       zc->name, zc->sensor, v, (unsigned)z->same_count, zc->heater,
                       hold && z->duty_valid ? 100.0 * z->duty : 0.0);
    }
    z->valid = false;
    bool on = false;
    if (hold && z->duty_valid) {
        double phase = fmod(apps_seconds(now, z->duty_t0), DUTY_PERIOD_S) / DUTY_PERIOD_S;
        on = phase < z->duty;
    }
    set_heater(app, a, i, on);
    z->state = Z_NOSENSOR;
    return true;
}

static int thm_step(ilrs_app_t *app, void *ctx)
{
    ilrs_thm_app_t *a = ctx;
    const thm_table_t *t = ilrs_tbl_get(a->table);
    if (ilrs_tbl_generation(a->table) != a->table_generation) {
        a->table_generation = ilrs_tbl_generation(a->table);
        ilrs_app_event(app, THM_TABLE_INF_EID, ILRS_EVENT_INFO,
                       "set point table generation %u in force", a->table_generation);
    }
    ilrs_tai_t now = ilrs_app_time(app);
    for (size_t i = 0; i < a->cfg.zone_count; i++) {
        zone_t *z = &a->z[i];
        const ilrs_thm_zone_config_t *zc = &a->cfg.zones[i];
        ilrs_hal_reading_t r;
        z->valid = ilrs_hal_sensor_read(a->cfg.hal, z->sensor, &r) == 0 && r.valid &&
                   isfinite(r.value);
        bool active = !a->survival || zc->survival;
        if (z->valid && stuck_check(app, a, i, r.value, now)) {
            continue; /* open loop on the learnt duty cycle */
        }
        if (!z->valid) {
            bool hold = a->survival && zc->survival;
            if (!z->sensor_error) {
                z->sensor_error = true;
                a->sensor_errors++;
                ilrs_app_event(app, THM_SENSOR_ERR_EID, ILRS_EVENT_ERROR,
                               "zone %s sensor %s invalid: heater %s", zc->name, zc->sensor,
                               hold ? "held" : "off");
            }
            if (!hold) {
                set_heater(app, a, i, false);
            }
            z->state = Z_NOSENSOR;
            continue;
        }
        if (z->sensor_error) {
            ilrs_app_event(app, THM_SENSOR_OK_INF_EID, ILRS_EVENT_INFO,
                           "zone %s sensor %s restored: %.2f K, thermostat resumed", zc->name,
                           zc->sensor, r.value);
        }
        z->sensor_error = false;
        z->temp_k = r.value;
        track(z, now, a->cfg.fail_window_s);
        double on_k = a->survival ? t->survival_on_k[i] : t->on_k[i];
        double off_k = a->survival ? t->survival_off_k[i] : t->off_k[i];
        if (z->failed || !active) {
            set_heater(app, a, i, false);
        } else if (z->temp_k < on_k) {
            set_heater(app, a, i, true);
        } else if (z->temp_k > off_k && z->checkout_end == 0) {
            set_heater(app, a, i, false);
        }
        checkout(app, a, i, now, active, on_k);
        if (z->on) {
            z->last_on = now;
            check_heater(app, a, i, now);
        }
        z->state = z->failed ? Z_FAILED : z->on ? Z_ON : Z_OFF;
        /* the duty cycle of the thermostat, for an open-loop fallback */
        /* a running mean at first, then exponential with DUTY_TAU_S */
        double tau_n = DUTY_TAU_S * (a->cfg.rate_hz > 0 ? a->cfg.rate_hz : 1.0);
        z->duty_n = z->duty_n < tau_n ? z->duty_n + 1.0 : tau_n;
        z->duty += ((z->on ? 1.0 : 0.0) - z->duty) / z->duty_n;
        z->duty_valid = true;
    }
    return 0;
}

static void thm_reset(ilrs_app_t *app, void *ctx)
{
    (void)app;
    ilrs_thm_app_t *a = ctx;
    a->failures = a->cycles = a->sensor_errors = a->hal_errors = a->stuck_sensors = 0;
}

void ilrs_thm_app_def(ilrs_thm_app_t *app, ilrs_app_def_t *def)
{
    memset(def, 0, sizeof *def);
    def->name = "THERMAL";
    def->description = "thermal: zone thermostats, survival heaters, heater failure detection";
    def->init = thm_init;
    def->step = thm_step;
    def->rate_hz = app->cfg.rate_hz > 0 ? app->cfg.rate_hz : 1.0;
    def->priority = 12;
    def->context = app;
    def->apid = app->cfg.apid;
    def->reset_counters = thm_reset;
}

int ilrs_thm_app_zone(const ilrs_thm_app_t *a, size_t zone, ilrs_thm_zone_status_t *out)
{
    memset(out, 0, sizeof *out);
    if (zone >= a->cfg.zone_count) {
        return ILRS_ERANGE;
    }
    const zone_t *z = &a->z[zone];
    out->temp_k = z->temp_k;
    out->heater_on = z->on;
    out->failed = z->failed;
    out->sensor_valid = z->valid;
    out->cycles = z->cycles;
    return 0;
}

bool ilrs_thm_app_survival(const ilrs_thm_app_t *a)
{
    return a->survival;
}
