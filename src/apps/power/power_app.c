// SPDX-License-Identifier: Apache-2.0
//
// POWER (PWR) app: owns the station's load lines (hal switches). Each step it
// reads the battery SOC gauges, the source power sensors and the line currents,
// moves the load-shedding level by the SOC thresholds with persistence and a
// restore hysteresis (one level per decision, so a noisy gauge cannot chatter),
// applies night survival (only survival lines stay on), runs requested power
// cycles and the charge regulator switch, and drives every line switch to the
// resulting state. Telemetry is its HK packet; events in power_eid.h.
//
// Battery string loss (FDIR), by string monitoring. The batteries are
// parallel strings of series cells; a string that opens (a cell's current
// interrupt device or a string fuse) takes its capacity with it, and the
// battery's own terminals cannot show it while the battery rests: the other
// strings hold the same voltage, the gauge's SOC is a fraction of whatever is
// left, and no current flows to tell a smaller battery from a bigger one. What
// does show, in every state, is the string's own sense lines, which a Li-ion
// battery's management electronics monitor for each series element (NASA
// JSC-20793 rev. D, Crewed Space Vehicle Battery Safety Requirements, cell and
// string voltage monitoring of Li-ion batteries; Plett, Battery Management
// Systems vol. II, 2015, ch. 1 on pack sensing and fault detection). The
// monitor reads "<battery>.string<k>.voltage" and, if present,
// ".current" for every string of every battery and compares each string with
// the median of the battery's strings in service:
//  - voltage: parallel strings sit at one voltage whatever the current, so a
//    string reading below its battery's median by more than STRING_V_TOL of it
//    (half a cell of an 8-cell string: an open string reads ~0 V, a shorted
//    cell one cell low) is out of family, charging, discharging or idle;
//  - current share: when the median string carries at least STRING_I_MIN, a
//    string carrying less than STRING_I_SHARE of it, or the opposite sign,
//    is out of family (an open string carries nothing; a drained one little).
// The sense lines are scanned every STRING_SCAN_S (10 s, the POWER app itself
// runs at 1 Hz): a battery monitor's scan, as string and cell voltages are
// commonly sampled into housekeeping at 0.1-1 Hz; string failures are not
// events of seconds, and 16 sense lines a second would cost the station run a
// sixth of its time. STRING_PERSIST consecutive out-of-family scans of either
// kind (a debounce far beyond the sensor noise: 0.02 V against a tolerance of
// ~1.8 V, 0.02 A against >= 0.12 A) declare the string lost: an error event naming battery
// and string, the string leaves the capacity budget, and the shedding
// thresholds rise so that the same energy stays in reserve on the smaller
// battery (if the SOC is already under a raised threshold, shedding follows
// at once and MODE goes to POWER_SAFE by its usual rule); then an info event
// says the battery is back in service on its remaining strings. Hand-written:
// a median of at most 16 values and a counter per string, no library.
//
// Fault detection by peers (FDIR): identical units working side by side share
// their work in a fixed ratio, whatever the Sun or the load does, so a unit
// whose ratio to a peer drops is the one that degraded. Two peer groups:
//  - sources (the source power sensors): the two azimuth-tracking arrays of a
//    station see the same Sun; one whose output falls against its peer has
//    lost cells (micrometeoroid, dust): "array degradation" event;
//  - batteries without string monitors (the "<battery>.current" sensor beside
//    each "<battery>.soc" gauge): parallel batteries on one bus share charge
//    and discharge current by capacity, so a battery whose share drops lost
//    capacity, a string for a step of 1/strings: "battery string loss" event
//    and the same threshold response. It sees nothing while the batteries
//    rest; the string monitor is the detector wherever the hal has one.
// A pair is judged only when both units carry at least a floor value with the
// same sign, in blocks of PEER_BLOCK_S of such time; it counts as peers once
// its block-mean ratio has been steady (relative spread under PEER_SPREAD) for
// PEER_LEARN blocks, which excludes unlike pairs (an array against an RTG);
// a ratio below its baseline by PEER_DROP for two blocks in a row names the
// unit. Hand-written: a running-ratio comparator is a few lines, no library.
#include <stdlib.h>

#include "apps/apps_int.h"
#include "apps/power/power_eid.h"

enum line_state {
    LINE_OFF = 0,      /* disabled by command or mode */
    LINE_ON = 1,
    LINE_SHED = 2,     /* off: shed by SOC */
    LINE_SURVIVAL = 3, /* off: not a survival line */
    LINE_CYCLING = 4,  /* off: power cycle in progress */
    LINE_TRIPPED = 5,  /* commanded on, read back tripped */
};

#define PEER_BLOCK_S 900.0 /* s of qualifying samples per block */
#define PEER_LEARN 12      /* steady blocks before a pair counts as peers */
#define PEER_SPREAD 0.03   /* relative standard deviation of a peer ratio */
#define PEER_DROP 0.08     /* relative drop of the ratio that names a unit */
#define PEER_ALPHA (1.0 / 12.0) /* baseline update per block */

#define STRING_MAX 16        /* strings per battery the monitor follows */
#define STRING_V_TOL 0.06    /* relative drop below the strings' median voltage */
#define STRING_V_FLOOR 0.5   /* V: least voltage drop that counts */
#define STRING_I_MIN 0.25    /* A: least median string current for the share check */
#define STRING_I_SHARE 0.5   /* a string under this share of the median string current */
#define STRING_SCAN_S 10.0   /* s between scans of the string sense lines */
#define STRING_PERSIST 6     /* consecutive out-of-family scans that declare a loss */

/* The string monitor of one battery. */
typedef struct string_monitor {
    size_t soc_index; /* the battery's gauge in the configuration */
    size_t n;
    uint16_t vid[STRING_MAX], iid[STRING_MAX]; /* UINT16_MAX: no current sensor */
    uint32_t v_out[STRING_MAX], i_out[STRING_MAX]; /* consecutive out-of-family samples */
    uint32_t lost;                                 /* bit k: string k declared lost */
} string_monitor_t;

/* One group of like units and the running ratio of every ordered pair. */
typedef struct peer_group {
    size_t n;
    uint16_t id[ILRS_PWR_MAX_SENSORS];
    const char *name[ILRS_PWR_MAX_SENSORS];
    double floor;                                  /* |value| to take part */
    double v[ILRS_PWR_MAX_SENSORS];                /* this step's values */
    bool ok[ILRS_PWR_MAX_SENSORS];
    bool flagged[ILRS_PWR_MAX_SENSORS];            /* reported (latched) */
    double capacity[ILRS_PWR_MAX_SENSORS];         /* relative to the start */
    double sum[ILRS_PWR_MAX_SENSORS][ILRS_PWR_MAX_SENSORS];  /* of v[i] dt */
    double sumj[ILRS_PWR_MAX_SENSORS][ILRS_PWR_MAX_SENSORS]; /* of v[j] dt */
    double t[ILRS_PWR_MAX_SENSORS][ILRS_PWR_MAX_SENSORS];
    double base[ILRS_PWR_MAX_SENSORS][ILRS_PWR_MAX_SENSORS];
    double var[ILRS_PWR_MAX_SENSORS][ILRS_PWR_MAX_SENSORS];
    uint32_t blocks[ILRS_PWR_MAX_SENSORS][ILRS_PWR_MAX_SENSORS];
    uint32_t low[ILRS_PWR_MAX_SENSORS][ILRS_PWR_MAX_SENSORS];
} peer_group_t;

struct ilrs_pwr_app {
    ilrs_pwr_config_t cfg;
    peer_group_t sources, batteries;
    size_t battery_soc[ILRS_PWR_MAX_SENSORS]; /* gauge index of each batteries-group unit */
    string_monitor_t strings[ILRS_PWR_MAX_SENSORS];
    size_t string_monitors;
    double capacity[ILRS_PWR_MAX_SENSORS]; /* per gauge: remaining fraction of capacity */
    uint32_t strings_lost;
    ilrs_tai_t string_scan_t; /* last scan of the string monitors (0: none yet) */
    ilrs_tai_t last_t;
    uint32_t source_faults, battery_faults;
    /* resolved at init */
    uint16_t soc_id[ILRS_PWR_MAX_SENSORS], src_id[ILRS_PWR_MAX_SENSORS];
    uint16_t volt_id, charge_id;
    uint16_t line_id[ILRS_PWR_MAX_LINES], cur_id[ILRS_PWR_MAX_LINES];
    const ilrs_dict_command_t *cmd_line, *cmd_thresh, *cmd_surv, *cmd_cycle, *cmd_mask;
    /* state */
    double shed_soc[ILRS_PWR_MAX_LEVELS];
    double base_soc[ILRS_PWR_MAX_LEVELS]; /* configured or commanded, before capacity loss */
    double hysteresis;
    bool enabled[ILRS_PWR_MAX_LINES];
    bool commanded[ILRS_PWR_MAX_LINES]; /* last switch command sent */
    bool applied[ILRS_PWR_MAX_LINES];   /* a command was sent at least once */
    bool tripped_seen[ILRS_PWR_MAX_LINES];
    ilrs_tai_t cycle_until[ILRS_PWR_MAX_LINES]; /* 0 = not cycling */
    uint32_t below, above;
    bool soc_valid_seen, soc_error_raised;
    /* telemetry (HK counters point here) */
    double soc, power_in_w, power_out_w, bus_v;
    uint32_t level;
    bool survival, charging;
    uint32_t on_mask, enabled_mask, tripped_mask;
    uint32_t sheds, restores, cycles, trips, hal_errors;
    uint8_t line_state[ILRS_PWR_MAX_LINES];
    char counter_names[ILRS_PWR_MAX_LINES][ILRS_APPS_NAME_MAX + 8];
};

/* ---- configuration ---------------------------------------------------------------- */

static bool thresholds_ok(const double *t, size_t n, double hyst)
{
    if (n > 0 && (!(hyst > 0.0) || !(hyst < 0.5))) {
        return false;
    }
    for (size_t k = 0; k < n; k++) {
        if (!(t[k] > 0.0 && t[k] < 1.0) || (k > 0 && !(t[k] < t[k - 1]))) {
            return false;
        }
    }
    return true;
}

int ilrs_pwr_app_create(const ilrs_pwr_config_t *cfg, ilrs_pwr_app_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (cfg == NULL || out == NULL || cfg->hal == NULL ||
        cfg->soc_sensor_count > ILRS_PWR_MAX_SENSORS ||
        cfg->source_sensor_count > ILRS_PWR_MAX_SENSORS || cfg->line_count > ILRS_PWR_MAX_LINES ||
        cfg->level_count > ILRS_PWR_MAX_LEVELS ||
        !thresholds_ok(cfg->shed_soc, cfg->level_count, cfg->restore_hysteresis) ||
        cfg->soc_max < 0.0 || cfg->soc_max > 1.0 || cfg->charge_hysteresis < 0.0 ||
        cfg->rate_hz < 0.0) {
        ilrs_log(ILRS_LOG_ERROR, "power", "configuration refused (counts, thresholds or limits)");
        return ILRS_EINVAL;
    }
    for (size_t i = 0; i < cfg->line_count; i++) {
        if (cfg->lines[i].name[0] == '\0' || cfg->lines[i].shed_level > cfg->level_count) {
            ilrs_log(ILRS_LOG_ERROR, "power", "line %zu: empty name or shed level above %zu", i,
                     cfg->level_count);
            return ILRS_EINVAL;
        }
    }
    ilrs_pwr_app_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    a->cfg = *cfg;
    if (a->cfg.soc_max == 0.0) {
        a->cfg.soc_max = 0.95;
    }
    if (a->cfg.charge_hysteresis == 0.0) {
        a->cfg.charge_hysteresis = 0.05;
    }
    if (a->cfg.persistence == 0) {
        a->cfg.persistence = 1;
    }
    *out = a;
    return 0;
}

void ilrs_pwr_app_destroy(ilrs_pwr_app_t *app)
{
    free(app);
}

/* ---- helpers -------------------------------------------------------------------- */

static int line_by_name(const ilrs_pwr_app_t *a, const char *name)
{
    for (size_t i = 0; i < a->cfg.line_count; i++) {
        if (strcmp(a->cfg.lines[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static void mask_names(const ilrs_pwr_app_t *a, uint32_t mask, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < a->cfg.line_count && used + 1 < cap; i++) {
        if (mask & (1u << i)) {
            int n = snprintf(buf + used, cap - used, "%s%s", used ? " " : "", a->cfg.lines[i].name);
            if (n < 0) {
                break;
            }
            used += (size_t)n;
        }
    }
    if (buf[0] == '\0') {
        snprintf(buf, cap, "none");
    }
}

/* Lines shed at level @p level. */
static uint32_t shed_mask(const ilrs_pwr_app_t *a, uint32_t level)
{
    uint32_t m = 0;
    for (size_t i = 0; i < a->cfg.line_count; i++) {
        uint8_t s = a->cfg.lines[i].shed_level;
        if (s > 0 && s <= level) {
            m |= 1u << i;
        }
    }
    return m;
}

/* ---- commands ------------------------------------------------------------------- */

static const ilrs_dict_field_t line_args[] = {
    {.name = "line", .type = ILRS_DICT_STRING, .length = ILRS_APPS_NAME_MAX,
     .description = "hal switch name of the load line, e.g. line.payload1"},
    {.name = "on", .type = ILRS_DICT_BOOL, .description = "wanted on (shedding may still hold it off)"},
};

static int cmd_set_line(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_pwr_app_t *a = ctx;
    char name[ILRS_APPS_NAME_MAX + 1];
    apps_arg_string(a->cmd_line, 0, pkt, len, name, sizeof name);
    bool on = apps_arg_int(a->cmd_line, 1, pkt, len) != 0;
    int i = line_by_name(a, name);
    if (i < 0) {
        ilrs_app_event(app, PWR_LINE_ERR_EID, ILRS_EVENT_ERROR, "no load line named '%s'", name);
        return ILRS_ENOTFOUND;
    }
    a->enabled[i] = on;
    ilrs_app_event(app, PWR_LINE_INF_EID, ILRS_EVENT_INFO, "line %s %s", name,
                   on ? "enabled" : "disabled");
    return 0;
}

static const ilrs_dict_field_t mask_args[] = {
    {.name = "mask", .type = ILRS_DICT_U32, .description = "bit i enables line i, the others are disabled"},
};

static int cmd_set_mask(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_pwr_app_t *a = ctx;
    uint32_t mask = (uint32_t)apps_arg_int(a->cmd_mask, 0, pkt, len);
    for (size_t i = 0; i < a->cfg.line_count; i++) {
        a->enabled[i] = (mask >> i) & 1u;
    }
    char names[256];
    mask_names(a, mask, names, sizeof names);
    ilrs_app_event(app, PWR_LINE_INF_EID, ILRS_EVENT_INFO, "line set 0x%X enabled: %s", mask, names);
    return 0;
}

static const ilrs_dict_field_t thresh_args[] = {
    {.name = "soc1", .type = ILRS_DICT_F64, .has_range = true, .min = 0, .max = 1,
     .description = "SOC below which level 1 is entered"},
    {.name = "soc2", .type = ILRS_DICT_F64, .has_range = true, .min = 0, .max = 1,
     .description = "level 2 (ignored beyond the configured levels)"},
    {.name = "soc3", .type = ILRS_DICT_F64, .has_range = true, .min = 0, .max = 1,
     .description = "level 3"},
    {.name = "soc4", .type = ILRS_DICT_F64, .has_range = true, .min = 0, .max = 1,
     .description = "level 4"},
    {.name = "hysteresis", .type = ILRS_DICT_F64, .has_range = true, .min = 0.001, .max = 0.4,
     .description = "a level is left above its threshold plus this"},
};

static int cmd_set_thresholds(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_pwr_app_t *a = ctx;
    double t[ILRS_PWR_MAX_LEVELS];
    for (size_t k = 0; k < ILRS_PWR_MAX_LEVELS; k++) {
        t[k] = apps_arg_real(a->cmd_thresh, k, pkt, len);
    }
    double h = apps_arg_real(a->cmd_thresh, 4, pkt, len);
    if (!thresholds_ok(t, a->cfg.level_count, h)) {
        ilrs_app_event(app, PWR_THRESH_ERR_EID, ILRS_EVENT_ERROR,
                       "thresholds refused: the first %zu must descend strictly in (0, 1)",
                       a->cfg.level_count);
        return ILRS_ERANGE;
    }
    memcpy(a->shed_soc, t, sizeof t);
    memcpy(a->base_soc, t, sizeof t);
    a->hysteresis = h;
    ilrs_app_event(app, PWR_THRESH_INF_EID, ILRS_EVENT_INFO,
                   "shed thresholds %.3f %.3f %.3f %.3f, hysteresis %.3f", t[0], t[1], t[2], t[3],
                   h);
    return 0;
}

static const ilrs_dict_field_t surv_args[] = {
    {.name = "on", .type = ILRS_DICT_BOOL, .description = "night survival: only survival lines stay on"},
};

static int cmd_set_survival(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_pwr_app_t *a = ctx;
    bool on = apps_arg_int(a->cmd_surv, 0, pkt, len) != 0;
    if (on != a->survival) {
        a->survival = on;
        ilrs_app_event(app, PWR_SURVIVAL_INF_EID, ILRS_EVENT_INFO, "night survival %s",
                       on ? "entered: survival loads only" : "left");
    }
    return 0;
}

static const ilrs_dict_field_t cycle_args[] = {
    {.name = "line", .type = ILRS_DICT_STRING, .length = ILRS_APPS_NAME_MAX,
     .description = "hal switch name of the load line"},
    {.name = "off_s", .type = ILRS_DICT_F64, .unit = "s", .has_range = true, .min = 1, .max = 600,
     .description = "time off before switching back on"},
};

static int cmd_cycle(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_pwr_app_t *a = ctx;
    char name[ILRS_APPS_NAME_MAX + 1];
    apps_arg_string(a->cmd_cycle, 0, pkt, len, name, sizeof name);
    double off_s = apps_arg_real(a->cmd_cycle, 1, pkt, len);
    int i = line_by_name(a, name);
    if (i < 0) {
        ilrs_app_event(app, PWR_LINE_ERR_EID, ILRS_EVENT_ERROR, "no load line named '%s'", name);
        return ILRS_ENOTFOUND;
    }
    a->cycle_until[i] = ilrs_app_time(app) + (ilrs_tai_t)(off_s * 1e9);
    a->cycles++;
    ilrs_app_event(app, PWR_CYCLE_INF_EID, ILRS_EVENT_INFO, "line %s power cycle: off for %.0f s",
                   name, off_s);
    return 0;
}

/* ---- init, step ------------------------------------------------------------------ */

static const apps_event_t events[] = {
    {PWR_SHED_ERR_EID, "PWR_SHED_ERR", ILRS_EVENT_ERROR,
     "SOC %.3f below %.3f: shed level %u, lines shed: %s",
     "the battery SOC stayed below a shedding threshold: the lines of that level are switched off"},
    {PWR_RESTORE_INF_EID, "PWR_RESTORE_INF", ILRS_EVENT_INFO,
     "SOC %.3f above %.3f: shed level %u, lines restored: %s",
     "the SOC rose above a threshold plus the hysteresis: that level's lines are restored"},
    {PWR_LINE_INF_EID, "PWR_LINE_INF", ILRS_EVENT_INFO, "line %s %s",
     "a load line was enabled or disabled by command (SetLoadLine, SetLoadMask)"},
    {PWR_LINE_ERR_EID, "PWR_LINE_ERR", ILRS_EVENT_ERROR, "no load line named '%s'",
     "a command named an unknown line, or the hal refused a switch command"},
    {PWR_THRESH_INF_EID, "PWR_THRESH_INF", ILRS_EVENT_INFO,
     "shed thresholds %.3f %.3f %.3f %.3f, hysteresis %.3f", "shedding thresholds changed"},
    {PWR_THRESH_ERR_EID, "PWR_THRESH_ERR", ILRS_EVENT_ERROR,
     "thresholds refused: the first %zu must descend strictly in (0, 1)",
     "SetShedThresholds refused; the thresholds are unchanged"},
    {PWR_SURVIVAL_INF_EID, "PWR_SURVIVAL_INF", ILRS_EVENT_INFO, "night survival %s",
     "night survival entered (only survival lines on) or left"},
    {PWR_TRIP_ERR_EID, "PWR_TRIP_ERR", ILRS_EVENT_ERROR,
     "line %s tripped (over-current); stays off until commanded or cycled",
     "a line's over-current protection opened it"},
    {PWR_CYCLE_INF_EID, "PWR_CYCLE_INF", ILRS_EVENT_INFO, "line %s power cycle: off for %.0f s",
     "a power cycle of a line was started (by command, e.g. from the payload host)"},
    {PWR_CHARGE_INF_EID, "PWR_CHARGE_INF", ILRS_EVENT_INFO, "charging %s at SOC %.3f",
     "the charge regulator was switched off at soc_max or back on below it"},
    {PWR_SOC_ERR_EID, "PWR_SOC_ERR", ILRS_EVENT_ERROR,
     "no valid SOC gauge: shedding level frozen at %u",
     "every SOC gauge reads invalid: shedding decisions are suspended"},
    {PWR_HAL_ERR_EID, "PWR_HAL_ERR", ILRS_EVENT_ERROR, "hal device '%s' (%s): %s",
     "a configured hal device is missing or refused an operation"},
    {PWR_SOURCE_ERR_EID, "PWR_SOURCE_ERR", ILRS_EVENT_ERROR,
     "%s: array degradation, output %.0f %% of its share against peer %s",
     "a power source's output fell against an identical peer for two blocks: degraded"},
    {PWR_BATTERY_ERR_EID, "PWR_BATTERY_ERR", ILRS_EVENT_ERROR,
     "%s: battery string loss, current share %.0f %% vs %s; shed at %.2f %.2f %.2f %.2f",
     "a battery's share of the bus current fell against its peer: capacity lost; the shedding "
     "thresholds are raised to keep the same energy in reserve"},
    {PWR_STRING_ERR_EID, "PWR_STRING_ERR", ILRS_EVENT_ERROR,
     "%.*s: battery string %d lost (%.1f V %.2f A, median %.1f V %.2f A); capacity %.0f %%, shed "
     "at %.2f %.2f %.2f %.2f",
     "a battery string's monitor read below its battery's median string (voltage, or current "
     "share while the battery works) for 6 scans 10 s apart: the string is lost; the shedding "
     "thresholds are raised to keep the same energy in reserve"},
    {PWR_BATTERY_INF_EID, "PWR_BATTERY_INF", ILRS_EVENT_INFO,
     "%.*s: string %d out of the capacity budget; battery back in service on %u of %zu strings",
     "after a string loss the battery serves on its remaining strings"},
};

static void counter_name(char *out, size_t cap, const char *prefix, const char *dev)
{
    snprintf(out, cap, "%s%s", prefix, dev);
    for (char *p = out; *p != '\0'; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) {
            *p = '_';
        }
    }
}

static int resolve(ilrs_app_t *app, ilrs_pwr_app_t *a, ilrs_hal_kind_t kind, const char *name,
                   uint16_t *id)
{
    int rc = apps_find(a->cfg.hal, kind, name, id);
    if (rc != 0) {
        ilrs_app_event(app, PWR_HAL_ERR_EID, ILRS_EVENT_ERROR, "hal device '%s' (%s): %s", name,
                       ilrs_hal_kind_name(kind), ilrs_strerror(rc));
    }
    return rc;
}

/* ---- FDIR by peers --------------------------------------------------------------- */

static double read_sensor(ilrs_pwr_app_t *a, uint16_t id, bool *valid);

static void group_reset(peer_group_t *g)
{
    size_t n = g->n;
    const char *names[ILRS_PWR_MAX_SENSORS];
    uint16_t ids[ILRS_PWR_MAX_SENSORS];
    memcpy(names, g->name, sizeof names);
    memcpy(ids, g->id, sizeof ids);
    double floor_v = g->floor;
    memset(g, 0, sizeof *g);
    g->n = n;
    g->floor = floor_v;
    memcpy(g->name, names, sizeof names);
    memcpy(g->id, ids, sizeof ids);
    for (size_t i = 0; i < n; i++) {
        g->capacity[i] = 1.0;
    }
}

static void peers_init(ilrs_pwr_app_t *a, const ilrs_pwr_config_t *c)
{
    /* sources: every source power sensor; 10 W keeps night and dawn out */
    a->sources.n = c->source_sensor_count;
    a->sources.floor = 10.0;
    for (size_t i = 0; i < c->source_sensor_count; i++) {
        a->sources.id[i] = a->src_id[i];
        a->sources.name[i] = c->source_sensors[i];
    }
    /* string monitors: "<battery>.string<k>.voltage" (k from 0) beside
     * "<battery>.soc", with ".current" when the hal has it */
    a->string_monitors = 0;
    for (size_t i = 0; i < c->soc_sensor_count; i++) {
        a->capacity[i] = 1.0;
        const char *soc = c->soc_sensors[i];
        size_t len = strlen(soc);
        if (len < 4 || strcmp(soc + len - 4, ".soc") != 0) {
            continue;
        }
        string_monitor_t *m = &a->strings[a->string_monitors];
        memset(m, 0, sizeof *m);
        m->soc_index = i;
        for (size_t k = 0; k < STRING_MAX; k++) {
            char name[ILRS_APPS_NAME_MAX + 32];
            snprintf(name, sizeof name, "%.*s.string%zu.voltage", (int)(len - 4), soc, k);
            if (apps_find(c->hal, ILRS_HAL_SENSOR, name, &m->vid[m->n]) != 0) {
                break;
            }
            snprintf(name, sizeof name, "%.*s.string%zu.current", (int)(len - 4), soc, k);
            if (apps_find(c->hal, ILRS_HAL_SENSOR, name, &m->iid[m->n]) != 0) {
                m->iid[m->n] = UINT16_MAX;
            }
            m->n++;
        }
        if (m->n >= 2) {
            a->string_monitors++;
        }
    }
    /* batteries without string monitors: "<battery>.current" beside
     * "<battery>.soc", when the hal has it; 0.15 A (4 W at 28 V) keeps an idle
     * battery's sensor noise out but takes in a hibernating station's night load */
    a->batteries.n = 0;
    a->batteries.floor = 0.15;
    for (size_t i = 0; i < c->soc_sensor_count; i++) {
        const char *soc = c->soc_sensors[i];
        size_t len = strlen(soc);
        bool monitored = false;
        for (size_t m = 0; m < a->string_monitors; m++) {
            monitored = monitored || a->strings[m].soc_index == i;
        }
        if (monitored || len < 4 || strcmp(soc + len - 4, ".soc") != 0) {
            continue;
        }
        char cur[ILRS_APPS_NAME_MAX + 8];
        snprintf(cur, sizeof cur, "%.*s.current", (int)(len - 4), soc);
        uint16_t id;
        if (apps_find(c->hal, ILRS_HAL_SENSOR, cur, &id) == 0) {
            a->batteries.id[a->batteries.n] = id;
            a->batteries.name[a->batteries.n] = soc; /* the battery's gauge names it */
            a->battery_soc[a->batteries.n] = i;
            a->batteries.n++;
        }
    }
    group_reset(&a->sources);
    group_reset(&a->batteries);
    a->strings_lost = 0;
    a->string_scan_t = 0;
    a->last_t = 0;
}

/* One step of a group: read, accumulate pair ratios, close blocks. Returns the
 * index of a unit found degraded this step (or -1); *peer and *share say
 * against whom and how much. */
static int group_step(ilrs_pwr_app_t *a, peer_group_t *g, bool read, double dt, int *peer,
                      double *share)
{
    int found = -1;
    for (size_t i = 0; read && i < g->n; i++) {
        g->v[i] = read_sensor(a, g->id[i], &g->ok[i]);
    }
    for (size_t i = 0; i < g->n; i++) {
        for (size_t j = 0; j < g->n; j++) {
            if (i == j || !g->ok[i] || !g->ok[j] || !(fabs(g->v[i]) >= g->floor) ||
                !(fabs(g->v[j]) >= g->floor) || (g->v[i] > 0) != (g->v[j] > 0)) {
                continue;
            }
            /* ratio of the block sums: no bias from noise on small values */
            g->sum[i][j] += g->v[i] * dt;
            g->sumj[i][j] += g->v[j] * dt;
            g->t[i][j] += dt;
            if (g->t[i][j] < PEER_BLOCK_S) {
                continue;
            }
            double m = g->sum[i][j] / g->sumj[i][j];
            g->sum[i][j] = g->sumj[i][j] = g->t[i][j] = 0.0;
            if (g->blocks[i][j] == 0) {
                g->base[i][j] = m;
                g->blocks[i][j] = 1;
                continue;
            }
            double rel = (m - g->base[i][j]) / g->base[i][j];
            bool peers = g->blocks[i][j] >= PEER_LEARN && sqrt(g->var[i][j]) < PEER_SPREAD;
            if (peers && rel < -PEER_DROP) {
                if (++g->low[i][j] >= 2 && !g->flagged[i]) {
                    g->flagged[i] = true;
                    g->capacity[i] *= m / g->base[i][j];
                    found = (int)i;
                    *peer = (int)j;
                    *share = m / g->base[i][j];
                }
                if (g->low[i][j] >= 2) {
                    /* the new ratio is the new normal for every pair of i */
                    for (size_t k = 0; k < g->n; k++) {
                        g->blocks[i][k] = g->blocks[k][i] = 0;
                        g->low[i][k] = g->low[k][i] = 0;
                        g->var[i][k] = g->var[k][i] = 0.0;
                    }
                }
                continue;
            }
            g->low[i][j] = 0;
            g->var[i][j] += PEER_ALPHA * (rel * rel - g->var[i][j]);
            g->base[i][j] += PEER_ALPHA * (m - g->base[i][j]);
            g->blocks[i][j]++;
        }
    }
    return found;
}

/* Keep the same energy in reserve after a capacity loss: a threshold t on the
 * old total capacity is t / k on the new one (k = remaining fraction of the
 * whole, the batteries weighted alike as the configured gauges are). */
static void raise_thresholds(ilrs_pwr_app_t *a)
{
    double k = 0.0;
    size_t n = a->cfg.soc_sensor_count;
    for (size_t b = 0; b < n; b++) {
        k += a->capacity[b] / (double)n;
    }
    double t[ILRS_PWR_MAX_LEVELS] = {0};
    for (size_t l = 0; l < a->cfg.level_count; l++) {
        t[l] = a->base_soc[l] / (k > 0.5 ? k : 0.5);
        double cap = 0.9 - 0.02 * (double)l; /* stay below 1 and descending */
        t[l] = t[l] < cap ? t[l] : cap;
        if (l > 0 && !(t[l] < t[l - 1])) {
            t[l] = t[l - 1] - 0.01;
        }
    }
    if (thresholds_ok(t, a->cfg.level_count, a->hysteresis)) {
        memcpy(a->shed_soc, t, sizeof t);
    }
}

/* Median of @p n values (n <= STRING_MAX), by insertion sort of a copy. */
static double median(const double *v, size_t n)
{
    double s[STRING_MAX];
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        for (; j > 0 && s[j - 1] > v[i]; j--) {
            s[j] = s[j - 1];
        }
        s[j] = v[i];
    }
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/* One sample of a battery's string monitor; returns the string declared lost
 * (or -1) with its readings and the medians it was judged against. The
 * reference is the median of the strings in service (valid readings): with
 * one string of n open it is a healthy string's reading for n >= 3, and for
 * n = 2 the mean, which the open string still undershoots by half a string
 * voltage while the healthy one stands above it (only a low string counts). */
static int strings_step(ilrs_pwr_app_t *a, string_monitor_t *m, double *v_out, double *i_out,
                        double *v_ref, double *i_ref)
{
    double v[STRING_MAX], cur[STRING_MAX], pv[STRING_MAX], pi[STRING_MAX];
    bool vok[STRING_MAX], iok[STRING_MAX];
    size_t nv = 0, ni = 0;
    for (size_t k = 0; k < m->n; k++) {
        bool in_service = !((m->lost >> k) & 1u);
        vok[k] = iok[k] = false;
        cur[k] = v[k] = 0.0;
        if (!in_service) {
            continue; /* a lost string is no longer read */
        }
        v[k] = read_sensor(a, m->vid[k], &vok[k]);
        if (vok[k]) {
            pv[nv++] = v[k];
        }
        if (m->iid[k] != UINT16_MAX) {
            cur[k] = read_sensor(a, m->iid[k], &iok[k]);
            if (iok[k]) {
                pi[ni++] = cur[k];
            }
        }
    }
    if (nv + ni == 0) {
        return -1;
    }
    double mv = nv >= 2 ? median(pv, nv) : NAN;
    double mi = ni >= 2 ? median(pi, ni) : NAN;
    double tol = STRING_V_TOL * fabs(mv);
    tol = tol > STRING_V_FLOOR ? tol : STRING_V_FLOOR;
    bool share = ni >= 2 && fabs(mi) >= STRING_I_MIN;
    int found = -1;
    for (size_t k = 0; k < m->n; k++) {
        if ((m->lost >> k) & 1u) {
            continue;
        }
        bool v_low = vok[k] && nv >= 2 && v[k] < mv - tol;
        bool i_low = iok[k] && share && cur[k] / mi < STRING_I_SHARE;
        m->v_out[k] = v_low ? m->v_out[k] + 1 : 0;
        m->i_out[k] = i_low ? m->i_out[k] + 1 : 0;
        if (found < 0 && (m->v_out[k] >= STRING_PERSIST || m->i_out[k] >= STRING_PERSIST)) {
            found = (int)k;
            *v_out = vok[k] ? v[k] : NAN;
            *i_out = iok[k] ? cur[k] : NAN;
            *v_ref = mv;
            *i_ref = mi;
        }
    }
    return found;
}

static void strings_check(ilrs_app_t *app, ilrs_pwr_app_t *a)
{
    ilrs_tai_t now = ilrs_app_time(app);
    if (a->string_scan_t != 0 && apps_seconds(now, a->string_scan_t) < STRING_SCAN_S - 0.5) {
        return;
    }
    a->string_scan_t = now;
    for (size_t b = 0; b < a->string_monitors; b++) {
        string_monitor_t *m = &a->strings[b];
        double v = NAN, i = NAN, mv = NAN, mi = NAN;
        int k = strings_step(a, m, &v, &i, &mv, &mi);
        if (k < 0) {
            continue;
        }
        m->lost |= 1u << k;
        unsigned left = 0;
        for (size_t j = 0; j < m->n; j++) {
            left += (m->lost >> j) & 1u ? 0u : 1u;
        }
        a->capacity[m->soc_index] = (double)left / (double)m->n;
        a->battery_faults++;
        a->strings_lost++;
        raise_thresholds(a);
        const char *soc = a->cfg.soc_sensors[m->soc_index];
        int blen = (int)(strlen(soc) - 4); /* the battery's name: the gauge without ".soc" */
        ilrs_app_event(app, PWR_STRING_ERR_EID, ILRS_EVENT_ERROR,
                       "%.*s: battery string %d lost (%.1f V %.2f A, median %.1f V %.2f A); "
                       "capacity %.0f %%, shed at %.2f %.2f %.2f %.2f",
                       blen, soc, k, v, i, mv, mi, 100.0 * a->capacity[m->soc_index],
                       a->shed_soc[0], a->shed_soc[1], a->shed_soc[2], a->shed_soc[3]);
        ilrs_app_event(app, PWR_BATTERY_INF_EID, ILRS_EVENT_INFO,
                       "%.*s: string %d out of the capacity budget; battery back in service on "
                       "%u of %zu strings",
                       blen, soc, k, left, m->n);
    }
}

static void peers_step(ilrs_app_t *app, ilrs_pwr_app_t *a)
{
    ilrs_tai_t now = ilrs_app_time(app);
    double dt = a->last_t != 0 ? apps_seconds(now, a->last_t) : 0.0;
    a->last_t = now;
    if (!(dt > 0.0) || dt > 60.0) {
        return; /* first step, or a gap: no integration across it */
    }
    int peer = -1;
    double share = 1.0;
    int i = group_step(a, &a->sources, false, dt, &peer, &share); /* read by measure() */
    if (i >= 0) {
        a->source_faults++;
        ilrs_app_event(app, PWR_SOURCE_ERR_EID, ILRS_EVENT_ERROR,
                       "%s: array degradation, output %.0f %% of its share against peer %s",
                       a->sources.name[i], 100.0 * share, a->sources.name[peer]);
    }
    i = group_step(a, &a->batteries, true, dt, &peer, &share);
    if (i >= 0) {
        a->battery_faults++;
        a->capacity[a->battery_soc[i]] = a->batteries.capacity[i];
        raise_thresholds(a);
        ilrs_app_event(app, PWR_BATTERY_ERR_EID, ILRS_EVENT_ERROR,
                       "%s: battery string loss, current share %.0f %% vs %s; shed at %.2f %.2f "
                       "%.2f %.2f",
                       a->batteries.name[i], 100.0 * share, a->batteries.name[peer],
                       a->shed_soc[0], a->shed_soc[1], a->shed_soc[2], a->shed_soc[3]);
    }
}

static int pwr_init(ilrs_app_t *app, void *ctx)
{
    ilrs_pwr_app_t *a = ctx;
    const ilrs_pwr_config_t *c = &a->cfg;
    int rc = apps_register_events(app, events, APPS_COUNT(events));
    for (size_t i = 0; rc == 0 && i < c->soc_sensor_count; i++) {
        rc = resolve(app, a, ILRS_HAL_SENSOR, c->soc_sensors[i], &a->soc_id[i]);
    }
    for (size_t i = 0; rc == 0 && i < c->source_sensor_count; i++) {
        rc = resolve(app, a, ILRS_HAL_SENSOR, c->source_sensors[i], &a->src_id[i]);
    }
    if (rc == 0) {
        rc = resolve(app, a, ILRS_HAL_SENSOR, c->bus_voltage_sensor, &a->volt_id);
    }
    if (rc == 0) {
        peers_init(a, c);
    }
    if (rc == 0) {
        rc = resolve(app, a, ILRS_HAL_SWITCH, c->charge_switch, &a->charge_id);
    }
    for (size_t i = 0; rc == 0 && i < c->line_count; i++) {
        rc = resolve(app, a, ILRS_HAL_SWITCH, c->lines[i].name, &a->line_id[i]);
        if (rc == 0) {
            rc = resolve(app, a, ILRS_HAL_SENSOR, c->lines[i].current_sensor, &a->cur_id[i]);
        }
    }
    if (rc == 0) {
        rc = apps_command(app, "PwrSetLoadLine", 2, "enable or disable one load line", line_args,
                          2, cmd_set_line, &a->cmd_line);
    }
    if (rc == 0) {
        rc = apps_command(app, "PwrSetShedThresholds", 3,
                          "set the SOC thresholds of the shedding levels and the hysteresis",
                          thresh_args, 5, cmd_set_thresholds, &a->cmd_thresh);
    }
    if (rc == 0) {
        rc = apps_command(app, "PwrSetSurvival", 4, "enter or leave night survival", surv_args, 1,
                          cmd_set_survival, &a->cmd_surv);
    }
    if (rc == 0) {
        rc = apps_command(app, "PwrCycleLine", 5, "switch a line off, then on after off_s",
                          cycle_args, 2, cmd_cycle, &a->cmd_cycle);
    }
    if (rc == 0) {
        rc = apps_command(app, "PwrSetLoadMask", 6, "enable exactly the lines of a bit mask",
                          mask_args, 1, cmd_set_mask, &a->cmd_mask);
    }
    const apps_counter_t counters[] = {
        {"soc", NULL, ILRS_DICT_F64, &a->soc},
        {"power_in", "W", ILRS_DICT_F64, &a->power_in_w},
        {"power_out", "W", ILRS_DICT_F64, &a->power_out_w},
        {"bus_voltage", "V", ILRS_DICT_F64, &a->bus_v},
        {"shed_level", NULL, ILRS_DICT_U32, &a->level},
        {"survival", NULL, ILRS_DICT_BOOL, &a->survival},
        {"charging", NULL, ILRS_DICT_BOOL, &a->charging},
        {"line_on_mask", NULL, ILRS_DICT_U32, &a->on_mask},
        {"line_enabled_mask", NULL, ILRS_DICT_U32, &a->enabled_mask},
        {"line_tripped_mask", NULL, ILRS_DICT_U32, &a->tripped_mask},
        {"sheds", NULL, ILRS_DICT_U32, &a->sheds},
        {"restores", NULL, ILRS_DICT_U32, &a->restores},
        {"cycles", NULL, ILRS_DICT_U32, &a->cycles},
        {"trips", NULL, ILRS_DICT_U32, &a->trips},
        {"hal_errors", NULL, ILRS_DICT_U32, &a->hal_errors},
        {"source_faults", NULL, ILRS_DICT_U32, &a->source_faults},
        {"battery_faults", NULL, ILRS_DICT_U32, &a->battery_faults},
        {"strings_lost", NULL, ILRS_DICT_U32, &a->strings_lost},
    };
    if (rc == 0) {
        rc = apps_hk_counters(app, counters, APPS_COUNT(counters));
    }
    for (size_t i = 0; rc == 0 && i < c->line_count; i++) {
        counter_name(a->counter_names[i], sizeof a->counter_names[i], "st_", c->lines[i].name);
        rc = ilrs_app_hk_counter(app, a->counter_names[i], NULL, ILRS_DICT_U8, &a->line_state[i]);
    }
    /* state from the configuration (also after a restart) */
    memcpy(a->shed_soc, c->shed_soc, sizeof a->shed_soc);
    memcpy(a->base_soc, c->shed_soc, sizeof a->base_soc);
    a->hysteresis = c->restore_hysteresis;
    for (size_t i = 0; i < c->line_count; i++) {
        a->enabled[i] = c->lines[i].enabled;
        a->applied[i] = false;
        a->tripped_seen[i] = false;
        a->cycle_until[i] = 0;
    }
    a->level = 0;
    a->below = a->above = 0;
    a->survival = false;
    a->charging = true;
    a->soc = NAN;
    a->soc_error_raised = false;
    return rc;
}

static double read_sensor(ilrs_pwr_app_t *a, uint16_t id, bool *valid)
{
    ilrs_hal_reading_t r;
    if (ilrs_hal_sensor_read(a->cfg.hal, id, &r) != 0 || !r.valid || !isfinite(r.value)) {
        *valid = false;
        return 0.0;
    }
    *valid = true;
    return r.value;
}

static void measure(ilrs_pwr_app_t *a)
{
    const ilrs_pwr_config_t *c = &a->cfg;
    double sum = 0;
    unsigned n = 0;
    bool ok;
    for (size_t i = 0; i < c->soc_sensor_count; i++) {
        double v = read_sensor(a, a->soc_id[i], &ok);
        if (ok) {
            sum += v;
            n++;
        }
    }
    a->soc = n > 0 ? sum / n : NAN;
    a->power_in_w = 0;
    for (size_t i = 0; i < c->source_sensor_count; i++) {
        double v = read_sensor(a, a->src_id[i], &ok);
        a->power_in_w += ok ? v : 0.0;
        a->sources.v[i] = v; /* for the peer comparison */
        a->sources.ok[i] = ok;
    }
    a->bus_v = 28.0;
    if (a->volt_id != UINT16_MAX) {
        double v = read_sensor(a, a->volt_id, &ok);
        a->bus_v = ok ? v : 28.0;
    }
    a->power_out_w = 0;
    for (size_t i = 0; i < c->line_count; i++) {
        if (a->cur_id[i] != UINT16_MAX) {
            double v = read_sensor(a, a->cur_id[i], &ok);
            a->power_out_w += ok ? v * a->bus_v : 0.0;
        }
    }
}

static void shedding(ilrs_app_t *app, ilrs_pwr_app_t *a)
{
    if (!isfinite(a->soc)) {
        if (!a->soc_error_raised && a->cfg.soc_sensor_count > 0) {
            a->soc_error_raised = true;
            ilrs_app_event(app, PWR_SOC_ERR_EID, ILRS_EVENT_ERROR,
                           "no valid SOC gauge: shedding level frozen at %u", a->level);
        }
        return;
    }
    a->soc_error_raised = false;
    char names[256];
    uint32_t n = (uint32_t)a->cfg.level_count;
    if (a->level < n && a->soc < a->shed_soc[a->level]) {
        a->above = 0;
        if (++a->below >= a->cfg.persistence) {
            a->below = 0;
            a->level++;
            a->sheds++;
            mask_names(a, shed_mask(a, a->level) & ~shed_mask(a, a->level - 1), names,
                       sizeof names);
            ilrs_app_event(app, PWR_SHED_ERR_EID, ILRS_EVENT_ERROR,
                           "SOC %.3f below %.3f: shed level %u, lines shed: %s", a->soc,
                           a->shed_soc[a->level - 1], a->level, names);
        }
        return;
    }
    a->below = 0;
    if (a->level > 0 && a->soc > a->shed_soc[a->level - 1] + a->hysteresis) {
        if (++a->above >= a->cfg.persistence) {
            a->above = 0;
            double th = a->shed_soc[a->level - 1] + a->hysteresis;
            mask_names(a, shed_mask(a, a->level) & ~shed_mask(a, a->level - 1), names,
                       sizeof names);
            a->level--;
            a->restores++;
            ilrs_app_event(app, PWR_RESTORE_INF_EID, ILRS_EVENT_INFO,
                           "SOC %.3f above %.3f: shed level %u, lines restored: %s", a->soc, th,
                           a->level, names);
        }
    } else {
        a->above = 0;
    }
}

static void charge_control(ilrs_app_t *app, ilrs_pwr_app_t *a)
{
    if (a->charge_id == UINT16_MAX || !isfinite(a->soc)) {
        return;
    }
    bool want = a->charging;
    if (a->charging && a->soc >= a->cfg.soc_max) {
        want = false;
    } else if (!a->charging && a->soc < a->cfg.soc_max - a->cfg.charge_hysteresis) {
        want = true;
    }
    if (want != a->charging) {
        if (ilrs_hal_switch_set(a->cfg.hal, a->charge_id, want) != 0) {
            a->hal_errors++;
            return;
        }
        a->charging = want;
        ilrs_app_event(app, PWR_CHARGE_INF_EID, ILRS_EVENT_INFO, "charging %s at SOC %.3f",
                       want ? "resumed" : "stopped", a->soc);
    }
}

static void drive_lines(ilrs_app_t *app, ilrs_pwr_app_t *a)
{
    ilrs_tai_t now = ilrs_app_time(app);
    uint32_t shed = shed_mask(a, a->level);
    a->on_mask = a->enabled_mask = a->tripped_mask = 0;
    for (size_t i = 0; i < a->cfg.line_count; i++) {
        const ilrs_pwr_line_config_t *l = &a->cfg.lines[i];
        if (a->cycle_until[i] != 0 && now >= a->cycle_until[i]) {
            a->cycle_until[i] = 0;
        }
        uint8_t st = LINE_ON;
        if (!a->enabled[i]) {
            st = LINE_OFF;
        } else if (a->cycle_until[i] != 0) {
            st = LINE_CYCLING;
        } else if (a->survival && !l->survival) {
            st = LINE_SURVIVAL;
        } else if (shed & (1u << i)) {
            st = LINE_SHED;
        }
        bool want = st == LINE_ON;
        ilrs_hal_switch_state_t sw;
        bool have = ilrs_hal_switch_get(a->cfg.hal, a->line_id[i], &sw) == 0;
        if (!a->applied[i] || a->commanded[i] != want || (have && sw.commanded_on != want)) {
            if (ilrs_hal_switch_set(a->cfg.hal, a->line_id[i], want) != 0) {
                a->hal_errors++;
                ilrs_app_event(app, PWR_HAL_ERR_EID, ILRS_EVENT_ERROR, "hal device '%s' (%s): %s",
                               l->name, "switch", "switch command refused");
            } else {
                a->commanded[i] = want;
                a->applied[i] = true;
                a->tripped_seen[i] = false;
                have = ilrs_hal_switch_get(a->cfg.hal, a->line_id[i], &sw) == 0;
            }
        }
        if (want && have && sw.tripped) {
            st = LINE_TRIPPED;
            a->tripped_mask |= 1u << i;
            if (!a->tripped_seen[i]) {
                a->tripped_seen[i] = true;
                a->trips++;
                ilrs_app_event(app, PWR_TRIP_ERR_EID, ILRS_EVENT_ERROR,
                               "line %s tripped (over-current); stays off until commanded or "
                               "cycled",
                               l->name);
            }
        }
        a->line_state[i] = st;
        a->on_mask |= want ? 1u << i : 0u;
        a->enabled_mask |= a->enabled[i] ? 1u << i : 0u;
    }
}

static int pwr_step(ilrs_app_t *app, void *ctx)
{
    ilrs_pwr_app_t *a = ctx;
    measure(a);
    peers_step(app, a);
    strings_check(app, a);
    shedding(app, a);
    charge_control(app, a);
    drive_lines(app, a);
    return 0;
}

static void pwr_reset(ilrs_app_t *app, void *ctx)
{
    (void)app;
    ilrs_pwr_app_t *a = ctx;
    a->sheds = a->restores = a->cycles = a->trips = a->hal_errors = 0;
}

void ilrs_pwr_app_def(ilrs_pwr_app_t *app, ilrs_app_def_t *def)
{
    memset(def, 0, sizeof *def);
    def->name = "POWER";
    def->description = "power: load lines, shedding by SOC, night survival, charge control";
    def->init = pwr_init;
    def->step = pwr_step;
    def->rate_hz = app->cfg.rate_hz > 0 ? app->cfg.rate_hz : 1.0;
    def->priority = 10;
    def->context = app;
    def->apid = app->cfg.apid;
    def->reset_counters = pwr_reset;
}

void ilrs_pwr_app_status(const ilrs_pwr_app_t *a, ilrs_pwr_status_t *out)
{
    memset(out, 0, sizeof *out);
    out->soc = a->soc;
    out->power_in_w = a->power_in_w;
    out->power_out_w = a->power_out_w;
    out->shed_level = a->level;
    out->survival = a->survival;
    out->charging = a->charging;
    out->line_on_mask = a->on_mask;
    out->line_enabled_mask = a->enabled_mask;
    out->line_tripped_mask = a->tripped_mask;
    out->sheds = a->sheds;
    out->restores = a->restores;
    out->cycles = a->cycles;
    out->trips = a->trips;
}
