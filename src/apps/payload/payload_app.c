// SPDX-License-Identifier: Apache-2.0
//
// PAYLOAD host (PLD) app: hosts the partners' instruments from their manifests.
// For each payload it registers, at run time, the partner, a status packet
// "<ID>_STATUS" (owner = the partner) and a mode command "<Id>SetMode" (owner =
// the partner, mode range from the manifest, so the dictionary refuses an
// out-of-range mode before the app sees it): a new partner's instrument appears
// in telemetry and commanding without code changes. Each step it evaluates the
// constraints (enabled, Sun, Earth visibility, night-only, thermal limits, power
// budget served by priority, duty cycle), commands the payload port's mode
// through hal, reads the data produced (counted per payload and per partner) and
// detects hangs (mode not taken or no data while producing for hang_timeout_s):
// a hang asks POWER for a power cycle of the payload's line (PwrCycleLine
// through the command ingest). Events in payload_eid.h.
#include <ctype.h>
#include <stdlib.h>

#include "apps/apps_int.h"
#include "apps/payload/payload_eid.h"

#define FC_FIRST_PAYLOAD 16 /* function codes 16.. are the payloads' SetMode commands */
#define MAX_PARTNERS ILRS_PLD_MAX_PAYLOADS

enum inhibit {
    INH_NONE = 0,
    INH_DISABLED = 1,
    INH_SUN = 2,
    INH_EARTH = 3,
    INH_NIGHT = 4,
    INH_THERMAL = 5,
    INH_BUDGET = 6,
    INH_DUTY = 7,
    INH_CYCLING = 8,
    INH_UNPOWERED = 9,
    INH_STANDBY = 10,
};

static const ilrs_dict_enum_t inhibit_labels[] = {
    {INH_NONE, "NONE"},         {INH_DISABLED, "DISABLED"}, {INH_SUN, "NO_SUN"},
    {INH_EARTH, "NO_EARTH"},    {INH_NIGHT, "NOT_NIGHT"},   {INH_THERMAL, "THERMAL"},
    {INH_BUDGET, "POWER_BUDGET"}, {INH_DUTY, "DUTY_OFF"},   {INH_CYCLING, "POWER_CYCLE"},
    {INH_UNPOWERED, "UNPOWERED"}, {INH_STANDBY, "STANDBY"},
};

/* Re-enable a payload switched off for temperature this far inside its limits (K):
 * ten times the 0.2 K noise of a housekeeping temperature channel. */
#define THERMAL_MARGIN_K 2.0

typedef struct payload {
    ilrs_pld_manifest_t m;
    uint16_t port, temp_id;
    const ilrs_dict_packet_t *pkt_def;
    const ilrs_dict_command_t *cmd_def;
    uint8_t fc;
    int partner;
    bool enabled, on, powered;
    uint32_t mode;          /* commanded */
    uint32_t science_mode;  /* mode used when on (SetMode) */
    uint32_t reported;
    uint8_t inhibit;
    ilrs_tai_t since;       /* when the current mode was commanded */
    ilrs_tai_t last_data;
    ilrs_tai_t cycle_until; /* 0: not cycling */
    ilrs_tai_t mismatch_since; /* 0: the reported mode is the commanded one */
    bool recovering;        /* power cycled for a hang, not yet producing again */
    uint64_t bytes;
    double rate_bps;        /* over the last step */
    double temp_k;
    uint32_t hangs, inhibits;
    uint16_t seq;
    uint8_t buf[256];
} payload_t;

struct ilrs_pld_app {
    ilrs_pld_config_t cfg;
    ilrs_app_t *self;
    uint16_t sun_id, earth_id;
    const ilrs_dict_command_t *cmd_enable, *cmd_all;
    payload_t p[ILRS_PLD_MAX_PAYLOADS];
    size_t count; /* payloads hosted (config + run time) */
    ilrs_pld_manifest_t extra[ILRS_PLD_MAX_PAYLOADS]; /* added at run time (kept for restarts) */
    size_t extra_count;
    bool host_enabled;
    bool day, earth;
    ilrs_tai_t t0, last_step;
    /* per partner */
    char partner[MAX_PARTNERS][ILRS_APPS_NAME_MAX];
    uint64_t partner_bytes[MAX_PARTNERS];
    size_t partners;
    char partner_counter[MAX_PARTNERS][ILRS_APPS_NAME_MAX + 8];
    /* HK */
    uint32_t hosted, producing, hangs, inhibits, rejected_adds, hal_errors;
    uint64_t bytes_total;
    double power_w;
    const ilrs_dict_packet_t *data_def;
    uint16_t data_seq;
    uint8_t data_buf[128];
};

/* ---- manifests ---------------------------------------------------------------------- */

static bool manifest_ok(const ilrs_pld_manifest_t *m)
{
    if (!apps_name_ok(m->id, 24) || !apps_name_ok(m->owner, ILRS_APPS_NAME_MAX) ||
        m->mode_count < 2 || m->mode_count > ILRS_PLD_MAX_MODES || m->science_mode == 0 ||
        m->science_mode >= m->mode_count || m->apid == 0 || m->apid > 2046 ||
        !(m->duty_cycle >= 0.0 && m->duty_cycle <= 1.0) ||
        (m->duty_cycle < 1.0 && !(m->duty_period_s > 0.0)) || m->data_rate_bps < 0.0 ||
        m->temp_min_k > m->temp_max_k || (m->needs_sun && m->night_only)) {
        return false;
    }
    for (uint32_t k = 0; k < m->mode_count; k++) {
        if (!(m->power_w[k] >= 0.0)) {
            return false;
        }
    }
    return true;
}

int ilrs_pld_app_create(const ilrs_pld_config_t *cfg, ilrs_pld_app_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (cfg == NULL || out == NULL || cfg->hal == NULL ||
        cfg->payload_count > ILRS_PLD_MAX_PAYLOADS || cfg->power_budget_w < 0 ||
        cfg->hang_timeout_s < 0 || cfg->cycle_off_s < 0 || cfg->rate_hz < 0) {
        ilrs_log(ILRS_LOG_ERROR, "payload", "configuration refused");
        return ILRS_EINVAL;
    }
    for (size_t i = 0; i < cfg->payload_count; i++) {
        if (!manifest_ok(&cfg->payloads[i])) {
            ilrs_log(ILRS_LOG_ERROR, "payload",
                     "manifest %zu (%s): bad id/owner, modes (2..%d, science mode 1..n-1), "
                     "APID (1..2046), duty cycle, rate, thermal limits or Sun/night",
                     i, cfg->payloads[i].id, ILRS_PLD_MAX_MODES);
            return ILRS_EINVAL;
        }
    }
    ilrs_pld_app_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    a->cfg = *cfg;
    if (a->cfg.hang_timeout_s == 0) {
        a->cfg.hang_timeout_s = 120.0;
    }
    if (a->cfg.cycle_off_s == 0) {
        a->cfg.cycle_off_s = 5.0;
    }
    *out = a;
    return 0;
}

void ilrs_pld_app_destroy(ilrs_pld_app_t *app)
{
    free(app);
}

static int partner_index(ilrs_pld_app_t *a, const char *owner, bool add)
{
    for (size_t i = 0; i < a->partners; i++) {
        if (strcmp(a->partner[i], owner) == 0) {
            return (int)i;
        }
    }
    if (!add || a->partners >= MAX_PARTNERS) {
        return -1;
    }
    snprintf(a->partner[a->partners], ILRS_APPS_NAME_MAX, "%s", owner);
    a->partner_bytes[a->partners] = 0;
    return (int)a->partners++;
}

/* ---- commands ------------------------------------------------------------------------ */

static payload_t *by_name(ilrs_pld_app_t *a, const char *id)
{
    for (size_t i = 0; i < a->count; i++) {
        if (strcmp(a->p[i].m.id, id) == 0) {
            return &a->p[i];
        }
    }
    return NULL;
}

static int cmd_set_mode(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_pld_app_t *a = ctx;
    uint8_t fc = 0;
    if (ilrs_ccsds_cmd_check(pkt, len, &fc) != 0 || fc < FC_FIRST_PAYLOAD ||
        (size_t)(fc - FC_FIRST_PAYLOAD) >= a->count) {
        return ILRS_EFSW_CMD;
    }
    payload_t *p = &a->p[fc - FC_FIRST_PAYLOAD];
    uint32_t mode = (uint32_t)apps_arg_int(p->cmd_def, 0, pkt, len);
    p->science_mode = mode;
    ilrs_app_event(app, PLD_MODE_INF_EID, ILRS_EVENT_INFO, "%s (%s) mode %u requested", p->m.id,
                   p->m.owner, mode);
    return 0;
}

static const ilrs_dict_field_t enable_args[] = {
    {.name = "payload", .type = ILRS_DICT_STRING, .length = ILRS_APPS_NAME_MAX,
     .description = "payload id from its manifest"},
    {.name = "on", .type = ILRS_DICT_BOOL, .description = "allowed to operate"},
};

static int cmd_enable(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_pld_app_t *a = ctx;
    char id[ILRS_APPS_NAME_MAX + 1];
    apps_arg_string(a->cmd_enable, 0, pkt, len, id, sizeof id);
    bool on = apps_arg_int(a->cmd_enable, 1, pkt, len) != 0;
    payload_t *p = by_name(a, id);
    if (p == NULL) {
        ilrs_app_event(app, PLD_NAME_ERR_EID, ILRS_EVENT_ERROR, "no payload named '%s'", id);
        return ILRS_ENOTFOUND;
    }
    p->enabled = on;
    ilrs_app_event(app, PLD_ENABLE_INF_EID, ILRS_EVENT_INFO, "%s %s", id,
                   on ? "enabled" : "disabled");
    return 0;
}

static const ilrs_dict_field_t all_args[] = {
    {.name = "on", .type = ILRS_DICT_BOOL, .description = "payload hosting allowed at all"},
};

static int cmd_enable_all(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_pld_app_t *a = ctx;
    a->host_enabled = apps_arg_int(a->cmd_all, 0, pkt, len) != 0;
    ilrs_app_event(app, PLD_ENABLE_INF_EID, ILRS_EVENT_INFO, "%s %s", "hosting",
                   a->host_enabled ? "enabled" : "disabled");
    return 0;
}

/* ---- run-time registration ---------------------------------------------------------- */


static int add_payload(ilrs_pld_app_t *a, const ilrs_pld_manifest_t *m)
{
    ilrs_app_t *app = a->self;
    ilrs_fsw_t *fsw = ilrs_app_fsw(app);
    ilrs_dict_t *dict = ilrs_fsw_dict(fsw);
    if (!manifest_ok(m)) {
        a->rejected_adds++;
        ilrs_app_event(app, PLD_ADD_ERR_EID, ILRS_EVENT_ERROR, "payload %s (%s) refused: %s", m->id,
                       m->owner, "invalid manifest");
        return ILRS_EINVAL;
    }
    if (a->count >= ILRS_PLD_MAX_PAYLOADS || by_name(a, m->id) != NULL) {
        a->rejected_adds++;
        ilrs_app_event(app, PLD_ADD_ERR_EID, ILRS_EVENT_ERROR, "payload %s (%s) refused: %s", m->id,
                       m->owner, a->count >= ILRS_PLD_MAX_PAYLOADS ? "host full" : "id in use");
        return a->count >= ILRS_PLD_MAX_PAYLOADS ? ILRS_ELIMIT : ILRS_EEXIST;
    }
    payload_t *p = &a->p[a->count];
    memset(p, 0, sizeof *p);
    p->m = *m;
    int rc = ilrs_hal_find(a->cfg.hal, ILRS_HAL_PAYLOAD, m->id, &p->port);
    if (rc == 0) {
        rc = apps_find(a->cfg.hal, ILRS_HAL_SENSOR, m->temp_sensor, &p->temp_id);
    }
    if (rc == 0 && ilrs_dict_find_partner(dict, m->owner) == NULL) {
        ilrs_dict_partner_t partner = {.id = m->owner,
                                       .name = m->owner_name[0] ? m->owner_name : m->owner};
        rc = ilrs_dict_add_partner(dict, &partner);
    }
    char pname[ILRS_DICT_NAME_MAX], cname[ILRS_DICT_NAME_MAX], desc[128];
    snprintf(pname, sizeof pname, "%s_STATUS", m->id);
    for (char *c = pname; *c; c++) {
        *c = (char)toupper((unsigned char)*c);
    }
    /* command name: the id in CamelCase + "SetMode" (neutral_atom -> NeutralAtomSetMode) */
    size_t cn = 0;
    bool upper = true;
    for (const char *c = m->id; *c != '\0' && cn + 8 < sizeof cname; c++) {
        if (*c == '_') {
            upper = true;
            continue;
        }
        cname[cn++] = upper ? (char)toupper((unsigned char)*c) : *c;
        upper = false;
    }
    snprintf(cname + cn, sizeof cname - cn, "SetMode");
    if (rc == 0) {
        snprintf(desc, sizeof desc, "status of %s's payload %s", m->owner, m->id);
        const ilrs_dict_field_t fields[] = {
            {.name = "enabled", .type = ILRS_DICT_BOOL, .description = "allowed by command/mode"},
            {.name = "on", .type = ILRS_DICT_BOOL, .description = "host wants it producing"},
            {.name = "powered", .type = ILRS_DICT_BOOL, .description = "port supply on"},
            {.name = "mode", .type = ILRS_DICT_U8, .description = "commanded mode"},
            {.name = "reported_mode", .type = ILRS_DICT_U8, .description = "mode read back"},
            {.name = "inhibit", .type = ILRS_DICT_U8, .description = "why it is not producing",
             .enums = inhibit_labels, .enum_count = APPS_COUNT(inhibit_labels)},
            {.name = "bytes", .type = ILRS_DICT_U64, .unit = "B", .description = "data produced"},
            {.name = "rate", .type = ILRS_DICT_F64, .unit = "bit/s",
             .description = "data rate over the last step"},
            {.name = "temp", .type = ILRS_DICT_F64, .unit = "K",
             .description = "temperature (0 without a sensor)"},
            {.name = "hangs", .type = ILRS_DICT_U32, .description = "hangs detected"},
            {.name = "power", .type = ILRS_DICT_F64, .unit = "W",
             .description = "manifest power of the commanded mode"},
        };
        ilrs_dict_packet_t pkt = {.name = pname,
                                  .apid = m->apid,
                                  .owner = m->owner,
                                  .description = desc,
                                  .fields = fields,
                                  .field_count = APPS_COUNT(fields)};
        rc = ilrs_app_register_packet(app, &pkt, &p->pkt_def);
        if (rc == 0 && p->pkt_def->length > sizeof p->buf) {
            rc = ILRS_EOVERFLOW;
        }
    }
    if (rc == 0) {
        ilrs_dict_field_t arg = {.name = "mode", .type = ILRS_DICT_U8, .has_range = true,
                                 .min = 0, .max = (double)(m->mode_count - 1),
                                 .description = "mode used when the host operates it (0 = standby)"};
        snprintf(desc, sizeof desc, "set the operating mode of %s's payload %s", m->owner, m->id);
        ilrs_dict_command_t cmd = {.name = cname,
                                   .function_code = (uint8_t)(FC_FIRST_PAYLOAD + a->count),
                                   .owner = m->owner,
                                   .description = desc,
                                   .args = &arg,
                                   .arg_count = 1};
        rc = ilrs_app_register_command(app, &cmd, cmd_set_mode, &p->cmd_def);
    }
    if (rc != 0) {
        a->rejected_adds++;
        ilrs_app_event(app, PLD_ADD_ERR_EID, ILRS_EVENT_ERROR, "payload %s (%s) refused: %s", m->id,
                       m->owner, ilrs_strerror(rc));
        return rc;
    }
    p->fc = (uint8_t)(FC_FIRST_PAYLOAD + a->count);
    p->partner = partner_index(a, m->owner, true);
    p->enabled = true;
    p->science_mode = m->science_mode;
    p->since = p->last_data = ilrs_app_time(app);
    a->count++;
    a->hosted = (uint32_t)a->count;
    ilrs_app_event(app, PLD_ADDED_INF_EID, ILRS_EVENT_INFO,
                   "payload %s of %s hosted: packet %s (APID 0x%03X), command %s", m->id, m->owner,
                   pname, m->apid, cname);
    return 0;
}

int ilrs_pld_app_add(ilrs_pld_app_t *a, const ilrs_pld_manifest_t *m)
{
    if (a == NULL || m == NULL || a->self == NULL) {
        return ILRS_EINVAL;
    }
    int rc = add_payload(a, m);
    if (rc == 0 && a->extra_count < ILRS_PLD_MAX_PAYLOADS) {
        a->extra[a->extra_count++] = *m; /* hosted again after a restart of the app */
    }
    return rc;
}

/* ---- init, step ------------------------------------------------------------------------ */

static const apps_event_t events[] = {
    {PLD_ADDED_INF_EID, "PLD_ADDED_INF", ILRS_EVENT_INFO,
     "payload %s of %s hosted: packet %s (APID 0x%03X), command %s",
     "a payload was registered from its manifest: its packet and command are in the dictionary "
     "under its owner"},
    {PLD_ADD_ERR_EID, "PLD_ADD_ERR", ILRS_EVENT_ERROR, "payload %s (%s) refused: %s",
     "a manifest was refused (invalid, duplicate, no hal port, APID or name taken)"},
    {PLD_MODE_INF_EID, "PLD_MODE_INF", ILRS_EVENT_INFO, "%s (%s) mode %u requested",
     "a payload's operating mode was set by its SetMode command"},
    {PLD_RECOVERED_INF_EID, "PLD_RECOVERED_INF", ILRS_EVENT_INFO,
     "%s (%s) recovered: producing again after the power cycle",
     "a payload power cycled for a hang produces data again"},
    {PLD_HANG_ERR_EID, "PLD_HANG_ERR", ILRS_EVENT_ERROR,
     "%s (%s) hung: %s for %.0f s; power cycling %s",
     "a producing payload did not take its mode or produced no data: its line is power cycled"},
    {PLD_INHIBIT_INF_EID, "PLD_INHIBIT_INF", ILRS_EVENT_INFO, "%s (%s) off: %s",
     "a constraint (Sun, Earth, night, thermal, power budget) switched a payload to standby"},
    {PLD_ENABLE_INF_EID, "PLD_ENABLE_INF", ILRS_EVENT_INFO, "%s %s",
     "a payload or the whole hosting was enabled or disabled"},
    {PLD_NAME_ERR_EID, "PLD_NAME_ERR", ILRS_EVENT_ERROR, "no payload named '%s'",
     "a command named an unknown payload"},
    {PLD_HAL_ERR_EID, "PLD_HAL_ERR", ILRS_EVENT_ERROR, "%s: hal %s refused: %s",
     "the hal refused a payload or sensor operation"},
    {PLD_CYCLE_ERR_EID, "PLD_CYCLE_ERR", ILRS_EVENT_ERROR,
     "%s: power cycle of line '%s' not requested: %s",
     "the PwrCycleLine command for a hung payload could not be sent"},
};

static int pld_init(ilrs_app_t *app, void *ctx)
{
    ilrs_pld_app_t *a = ctx;
    a->self = app;
    a->count = 0;
    a->partners = 0;
    a->host_enabled = true;
    a->t0 = a->last_step = ilrs_app_time(app);
    int rc = apps_register_events(app, events, APPS_COUNT(events));
    if (rc == 0) {
        rc = apps_find(a->cfg.hal, ILRS_HAL_SENSOR, a->cfg.sun_sensor, &a->sun_id);
    }
    if (rc == 0) {
        rc = apps_find(a->cfg.hal, ILRS_HAL_RADIO, a->cfg.earth_radio, &a->earth_id);
    }
    if (rc == 0) {
        rc = apps_command(app, "PldEnable", 2, "allow or forbid one payload", enable_args, 2,
                          cmd_enable, &a->cmd_enable);
    }
    if (rc == 0) {
        rc = apps_command(app, "PldEnableAll", 3, "allow or forbid payload hosting", all_args, 1,
                          cmd_enable_all, &a->cmd_all);
    }
    if (rc == 0 && a->cfg.data_apid != 0) {
        const ilrs_dict_field_t fields[] = {
            {.name = "payload", .type = ILRS_DICT_STRING, .length = 24,
             .description = "payload id"},
            {.name = "owner", .type = ILRS_DICT_STRING, .length = ILRS_APPS_NAME_MAX,
             .description = "partner owning the data"},
            {.name = "priority", .type = ILRS_DICT_U8, .description = "manifest priority"},
            {.name = "bytes", .type = ILRS_DICT_U64, .unit = "B",
             .description = "data produced since the previous record"},
        };
        ilrs_dict_packet_t pkt = {.name = "PLD_DATA",
                                  .apid = a->cfg.data_apid,
                                  .description = "data produced by a payload (for STORAGE)",
                                  .fields = fields,
                                  .field_count = APPS_COUNT(fields)};
        rc = ilrs_app_register_packet(app, &pkt, &a->data_def);
    }
    for (size_t i = 0; rc == 0 && i < a->cfg.payload_count; i++) {
        rc = add_payload(a, &a->cfg.payloads[i]);
    }
    size_t config_partners = a->partners;
    for (size_t i = 0; rc == 0 && i < a->extra_count; i++) {
        rc = add_payload(a, &a->extra[i]);
    }
    const apps_counter_t counters[] = {
        {"hosted", NULL, ILRS_DICT_U32, &a->hosted},
        {"producing", NULL, ILRS_DICT_U32, &a->producing},
        {"bytes_total", "B", ILRS_DICT_U64, &a->bytes_total},
        {"power", "W", ILRS_DICT_F64, &a->power_w},
        {"hangs", NULL, ILRS_DICT_U32, &a->hangs},
        {"inhibits", NULL, ILRS_DICT_U32, &a->inhibits},
        {"rejected_adds", NULL, ILRS_DICT_U32, &a->rejected_adds},
        {"hal_errors", NULL, ILRS_DICT_U32, &a->hal_errors},
        {"day", NULL, ILRS_DICT_BOOL, &a->day},
        {"earth", NULL, ILRS_DICT_BOOL, &a->earth},
    };
    if (rc == 0) {
        rc = apps_hk_counters(app, counters, APPS_COUNT(counters));
    }
    /* bytes per partner known at start (partners added later are in their packets) */
    for (size_t i = 0; rc == 0 && i < config_partners; i++) {
        snprintf(a->partner_counter[i], sizeof a->partner_counter[i], "bytes_%s", a->partner[i]);
        rc = ilrs_app_hk_counter(app, a->partner_counter[i], "B", ILRS_DICT_U64,
                                 &a->partner_bytes[i]);
    }
    return rc;
}

static void environment(ilrs_pld_app_t *a)
{
    a->day = true;
    if (a->sun_id != UINT16_MAX) {
        ilrs_hal_reading_t r;
        a->day = ilrs_hal_sensor_read(a->cfg.hal, a->sun_id, &r) == 0 && r.valid &&
                 r.value > a->cfg.sun_threshold_w;
    }
    a->earth = true;
    if (a->earth_id != UINT16_MAX) {
        ilrs_hal_radio_status_t s;
        a->earth = ilrs_hal_radio_status(a->cfg.hal, a->earth_id, &s) == 0 && s.link_up;
    }
}

/* Constraint verdict for payload @p p before the power budget. */
static uint8_t constraints(ilrs_pld_app_t *a, payload_t *p, ilrs_tai_t now)
{
    const ilrs_pld_manifest_t *m = &p->m;
    if (!a->host_enabled || !p->enabled) {
        return INH_DISABLED;
    }
    if (p->science_mode == 0) {
        return INH_STANDBY;
    }
    if (p->cycle_until != 0) {
        return INH_CYCLING;
    }
    if (m->needs_sun && !a->day) {
        return INH_SUN;
    }
    if (m->night_only && a->day) {
        return INH_NIGHT;
    }
    if (m->needs_earth && !a->earth) {
        return INH_EARTH;
    }
    if ((m->temp_min_k != 0.0 || m->temp_max_k != 0.0) && p->temp_id != UINT16_MAX) {
        /* hysteresis: once out, back in only THERMAL_MARGIN_K inside the limits,
         * so sensor noise at a limit does not toggle the payload every step */
        double margin = p->inhibit == INH_THERMAL ? THERMAL_MARGIN_K : 0.0;
        if (p->temp_k < m->temp_min_k + margin || p->temp_k > m->temp_max_k - margin) {
            return INH_THERMAL;
        }
    }
    if (m->duty_cycle < 1.0) {
        double t = apps_seconds(now, a->t0);
        double phase = fmod(t, m->duty_period_s);
        if (phase >= m->duty_cycle * m->duty_period_s) {
            return INH_DUTY;
        }
    }
    return INH_NONE;
}

static const char *inhibit_name(uint8_t v)
{
    for (size_t i = 0; i < APPS_COUNT(inhibit_labels); i++) {
        if (inhibit_labels[i].value == v) {
            return inhibit_labels[i].label;
        }
    }
    return "?";
}

static void hang_check(ilrs_app_t *app, ilrs_pld_app_t *a, payload_t *p, ilrs_tai_t now)
{
    if (p->mode == 0 || !p->powered || p->cycle_until != 0) {
        p->mismatch_since = 0;
        return;
    }
    const char *what = NULL;
    double since = 0;
    double cmd_age = apps_seconds(now, p->since);
    /* A payload that reset (a power blip the host did not see) reports standby:
     * command the mode again; only one that keeps refusing for the timeout
     * is hung. The age is that of the mismatch, not of the last command. */
    if (p->reported != p->mode) {
        if (p->mismatch_since == 0) {
            p->mismatch_since = now;
        }
        if (ilrs_hal_payload_command(a->cfg.hal, p->port, p->mode) != 0) {
            a->hal_errors++;
        }
    } else {
        p->mismatch_since = 0;
    }
    /* No data: a payload whose hardware runs its own duty cycle may be silent
     * for the off part of a period (phases not aligned with the host's). */
    double quiet = a->cfg.hang_timeout_s;
    if (p->m.duty_cycle < 1.0) {
        quiet += (1.0 - p->m.duty_cycle) * p->m.duty_period_s;
    }
    double mismatch_age = p->mismatch_since != 0 ? apps_seconds(now, p->mismatch_since) : 0.0;
    if (p->reported != p->mode && mismatch_age >= a->cfg.hang_timeout_s) {
        what = "mode not taken";
        since = mismatch_age;
    } else if (p->m.data_rate_bps > 0.0 && apps_seconds(now, p->last_data) >= quiet &&
               cmd_age >= quiet) {
        what = "no data";
        since = apps_seconds(now, p->last_data);
    }
    if (what == NULL) {
        return;
    }
    p->hangs++;
    a->hangs++;
    ilrs_app_event(app, PLD_HANG_ERR_EID, ILRS_EVENT_ERROR, "%s (%s) hung: %s for %.0f s; power cycling %s",
                   p->m.id, p->m.owner, what, since, p->m.line[0] ? p->m.line : "(no line)");
    char off[32];
    snprintf(off, sizeof off, "%.0f", a->cfg.cycle_off_s);
    const char *args[] = {p->m.line, off};
    int rc = p->m.line[0] ? apps_send(app, "PwrCycleLine", args, 2) : ILRS_ENOENT;
    if (rc != 0) {
        ilrs_app_event(app, PLD_CYCLE_ERR_EID, ILRS_EVENT_ERROR,
                       "%s: power cycle of line '%s' not requested: %s", p->m.id, p->m.line,
                       ilrs_strerror(rc));
    }
    /* wait for the cycle (plus a margin for POWER's next step), then start again */
    p->cycle_until = now + (ilrs_tai_t)((a->cfg.cycle_off_s + 3.0) * 1e9);
    p->recovering = true;
    p->mismatch_since = 0;
    p->mode = 0;
    p->since = p->last_data = now;
}

static void publish(ilrs_app_t *app, payload_t *p, ilrs_tai_t now)
{
    const ilrs_dict_packet_t *d = p->pkt_def;
    if (ilrs_ccsds_tlm_init(p->buf, sizeof p->buf, p->m.apid, d->length, now) != 0) {
        return;
    }
    ilrs_ccsds_set_seq_count(p->buf, (uint16_t)(p->seq++ & 0x3FFFu));
    const double v[] = {p->enabled, p->on, p->powered, p->mode, p->reported, p->inhibit,
                        (double)p->bytes, p->rate_bps, p->temp_k, p->hangs, p->m.power_w[p->mode]};
    for (size_t i = 0; i < APPS_COUNT(v) && i < d->field_count; i++) {
        (void)ilrs_dict_set_raw(&d->fields[i], p->buf, d->length, v[i]);
    }
    (void)ilrs_app_publish(app, p->buf, d->length);
}

static void publish_data(ilrs_app_t *app, ilrs_pld_app_t *a, const payload_t *p, uint64_t bytes,
                         ilrs_tai_t now)
{
    const ilrs_dict_packet_t *d = a->data_def;
    if (d == NULL || d->length > sizeof a->data_buf ||
        ilrs_ccsds_tlm_init(a->data_buf, sizeof a->data_buf, d->apid, d->length, now) != 0) {
        return;
    }
    ilrs_ccsds_set_seq_count(a->data_buf, (uint16_t)(a->data_seq++ & 0x3FFFu));
    (void)ilrs_dict_set_bytes(&d->fields[0], a->data_buf, d->length, p->m.id, strlen(p->m.id));
    (void)ilrs_dict_set_bytes(&d->fields[1], a->data_buf, d->length, p->m.owner,
                              strlen(p->m.owner));
    (void)ilrs_dict_set_raw(&d->fields[2], a->data_buf, d->length, p->m.priority);
    (void)ilrs_dict_set_raw(&d->fields[3], a->data_buf, d->length, (double)bytes);
    (void)ilrs_app_publish(app, a->data_buf, d->length);
}

static int pld_step(ilrs_app_t *app, void *ctx)
{
    ilrs_pld_app_t *a = ctx;
    ilrs_tai_t now = ilrs_app_time(app);
    double dt = apps_seconds(now, a->last_step);
    a->last_step = now;
    environment(a);
    /* measurements and data */
    for (size_t i = 0; i < a->count; i++) {
        payload_t *p = &a->p[i];
        ilrs_hal_payload_status_t st;
        if (ilrs_hal_payload_status(a->cfg.hal, p->port, &st) == 0) {
            p->powered = st.powered;
            p->reported = st.mode;
        } else {
            a->hal_errors++;
        }
        uint64_t got = 0;
        if (ilrs_hal_payload_read(a->cfg.hal, p->port, &got) == 0 && got > 0) {
            p->bytes += got;
            a->bytes_total += got;
            if (p->partner >= 0) {
                a->partner_bytes[p->partner] += got;
            }
            p->last_data = now;
            publish_data(app, a, p, got, now);
            if (p->recovering) {
                p->recovering = false;
                ilrs_app_event(app, PLD_RECOVERED_INF_EID, ILRS_EVENT_INFO,
                               "%s (%s) recovered: producing again after the power cycle",
                               p->m.id, p->m.owner);
            }
        }
        p->rate_bps = dt > 0 ? (double)got * 8.0 / dt : 0.0;
        if (p->temp_id != UINT16_MAX) {
            ilrs_hal_reading_t r;
            if (ilrs_hal_sensor_read(a->cfg.hal, p->temp_id, &r) == 0 && r.valid) {
                p->temp_k = r.value;
            }
        }
        if (p->cycle_until != 0 && now >= p->cycle_until) {
            p->cycle_until = 0;
        }
    }
    /* decisions: by priority (1 first), then manifest order, within the power
     * budget; the order by a stable insertion sort (a handful of payloads; was a
     * scan of all 256 priorities per step, 5 % of a station run) */
    size_t order[ILRS_PLD_MAX_PAYLOADS];
    for (size_t i = 0; i < a->count; i++) {
        size_t k = i;
        while (k > 0 && a->p[order[k - 1]].m.priority > a->p[i].m.priority) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    double used = 0;
    a->producing = 0;
    {
        for (size_t oi = 0; oi < a->count; oi++) {
            payload_t *p = &a->p[order[oi]];
            uint8_t why = constraints(a, p, now);
            double need = p->m.power_w[p->science_mode < p->m.mode_count ? p->science_mode : 0];
            if (why == INH_NONE && a->cfg.power_budget_w > 0 &&
                used + need > a->cfg.power_budget_w) {
                why = INH_BUDGET;
            }
            bool on = why == INH_NONE;
            if (on) {
                used += need;
            }
            if (!on && p->on && why != INH_DUTY && why != INH_DISABLED && why != INH_CYCLING &&
                why != INH_STANDBY) {
                p->inhibits++;
                a->inhibits++;
                ilrs_app_event(app, PLD_INHIBIT_INF_EID, ILRS_EVENT_INFO, "%s (%s) off: %s",
                               p->m.id, p->m.owner, inhibit_name(why));
            }
            p->on = on;
            p->inhibit = why;
            uint32_t want = on ? p->science_mode : 0;
            if (!p->powered) {
                if (want != 0) {
                    p->inhibit = INH_UNPOWERED;
                }
                p->mode = 0;
            } else if (want != p->mode && why != INH_CYCLING) {
                int rc = ilrs_hal_payload_command(a->cfg.hal, p->port, want);
                if (rc == 0) {
                    p->mode = want;
                    p->since = p->last_data = now;
                } else {
                    a->hal_errors++;
                }
            }
            hang_check(app, a, p, now);
            a->producing += p->mode != 0 ? 1u : 0u;
        }
    }
    a->power_w = 0;
    for (size_t i = 0; i < a->count; i++) {
        a->power_w += a->p[i].powered ? a->p[i].m.power_w[a->p[i].mode] : 0.0;
        publish(app, &a->p[i], now);
    }
    return 0;
}

static void pld_reset(ilrs_app_t *app, void *ctx)
{
    (void)app;
    ilrs_pld_app_t *a = ctx;
    a->hangs = a->inhibits = a->rejected_adds = a->hal_errors = 0;
}

void ilrs_pld_app_def(ilrs_pld_app_t *app, ilrs_app_def_t *def)
{
    memset(def, 0, sizeof *def);
    def->name = "PAYLOAD";
    def->description = "payload host: partners' instruments from their manifests";
    def->init = pld_init;
    def->step = pld_step;
    def->rate_hz = app->cfg.rate_hz > 0 ? app->cfg.rate_hz : 1.0;
    def->priority = 14;
    def->context = app;
    def->apid = app->cfg.apid;
    def->reset_counters = pld_reset;
}

int ilrs_pld_app_payload(const ilrs_pld_app_t *a, size_t index, ilrs_pld_status_t *out)
{
    memset(out, 0, sizeof *out);
    if (index >= a->count) {
        return ILRS_ERANGE;
    }
    const payload_t *p = &a->p[index];
    out->enabled = p->enabled;
    out->on = p->on;
    out->mode = p->mode;
    out->reported_mode = p->reported;
    out->bytes = p->bytes;
    out->hangs = p->hangs;
    out->inhibits = p->inhibits;
    return 0;
}

uint64_t ilrs_pld_app_partner_bytes(const ilrs_pld_app_t *a, const char *owner)
{
    for (size_t i = 0; i < a->partners; i++) {
        if (strcmp(a->partner[i], owner) == 0) {
            return a->partner_bytes[i];
        }
    }
    return 0;
}
