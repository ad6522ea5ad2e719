// SPDX-License-Identifier: Apache-2.0
//
// MODE manager: the station modes NOMINAL, POWER_SAFE, NIGHT_SURVIVAL and SAFE.
// A transition happens by the ModeSet command (from the ground, or from a stored
// command sequence started by a limit-checker actionpoint) or automatically on
// POWER's events: a shedding event (PWR_SHED_ERR) reaching power_safe_level takes
// NOMINAL to POWER_SAFE, the restore to level 0 (PWR_RESTORE_INF) takes it back
// when auto_restore is set. The app reads those events from the event packets on
// the bus (the text's "shed level %u", fixed by POWER's event catalog), and a
// change of POWER_HK's shed_level acts the same (events may be filtered). Entering a
// mode runs its entry actions as commands through the command ingest: POWER's
// load set (PwrSetLoadMask) and survival (PwrSetSurvival), THERMAL's survival set
// points (ThmSetSurvival), PAYLOAD hosting (PldEnableAll). Every transition is an
// event and is counted in telemetry. Events in mode_eid.h.
#include <stdlib.h>

#include "apps/apps_int.h"
#include "apps/mode/mode_eid.h"
#include "apps/power/power_eid.h"

enum reason { R_COMMAND = 0, R_POWER = 1, R_INITIAL = 2 };
static const char *const reason_text[] = {"command", "power event", "initial"};

struct ilrs_mode_app {
    ilrs_mode_config_t cfg;
    const ilrs_dict_command_t *cmd_set;
    bool entered_initial;
    uint8_t mode, reason;
    uint32_t transitions, action_errors, power_level, power_events;
    const ilrs_dict_packet_t *power_hk; /* POWER_HK, found after start */
    const ilrs_dict_field_t *level_field;
};

static const ilrs_dict_enum_t mode_labels[] = {
    {ILRS_MODE_NOMINAL, "NOMINAL"},
    {ILRS_MODE_POWER_SAFE, "POWER_SAFE"},
    {ILRS_MODE_NIGHT_SURVIVAL, "NIGHT_SURVIVAL"},
    {ILRS_MODE_SAFE, "SAFE"},
};

const char *ilrs_mode_name(ilrs_mode_t mode)
{
    return (unsigned)mode < ILRS_MODE_COUNT ? mode_labels[mode].label : "?";
}

int ilrs_mode_app_create(const ilrs_mode_config_t *cfg, ilrs_mode_app_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (cfg == NULL || out == NULL || (unsigned)cfg->initial >= ILRS_MODE_COUNT) {
        return ILRS_EINVAL;
    }
    ilrs_mode_app_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    a->cfg = *cfg;
    *out = a;
    return 0;
}

void ilrs_mode_app_destroy(ilrs_mode_app_t *app)
{
    free(app);
}

static void action(ilrs_app_t *app, ilrs_mode_app_t *a, const char *name, const char *arg)
{
    const char *args[] = {arg};
    int rc = apps_send(app, name, args, 1);
    if (rc != 0) {
        a->action_errors++;
        ilrs_app_event(app, MODE_ACTION_ERR_EID, ILRS_EVENT_ERROR,
                       "entry action %s(%s) for %s refused: %s", name, arg,
                       ilrs_mode_name((ilrs_mode_t)a->mode), ilrs_strerror(rc));
    }
}

static void enter(ilrs_app_t *app, ilrs_mode_app_t *a, ilrs_mode_t mode, enum reason why)
{
    uint8_t from = a->mode;
    bool same = a->entered_initial && from == (uint8_t)mode;
    a->mode = (uint8_t)mode;
    a->reason = (uint8_t)why;
    a->entered_initial = true;
    const ilrs_mode_entry_t *e = &a->cfg.entry[mode];
    char mask[16];
    snprintf(mask, sizeof mask, "%u", e->line_mask);
    if (a->cfg.has_power) {
        action(app, a, "PwrSetLoadMask", mask);
        action(app, a, "PwrSetSurvival", e->survival ? "true" : "false");
    }
    if (a->cfg.has_thermal) {
        action(app, a, "ThmSetSurvival", e->survival ? "true" : "false");
    }
    if (a->cfg.has_payload) {
        action(app, a, "PldEnableAll", e->payloads ? "true" : "false");
    }
    if (same) {
        ilrs_app_event(app, MODE_REENTER_INF_EID, ILRS_EVENT_INFO,
                       "already in %s: entry actions re-applied", ilrs_mode_name(mode));
        return;
    }
    if (why != R_INITIAL) {
        a->transitions++;
    }
    ilrs_app_event(app, MODE_TRANSITION_INF_EID, ILRS_EVENT_INFO, "mode %s -> %s (%s)",
                   why == R_INITIAL ? "none" : ilrs_mode_name((ilrs_mode_t)from),
                   ilrs_mode_name(mode), reason_text[why]);
}

static const ilrs_dict_field_t set_args[] = {
    {.name = "mode", .type = ILRS_DICT_U8, .enums = mode_labels, .enum_count = 4,
     .description = "station mode to enter"},
};

static int cmd_set(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_mode_app_t *a = ctx;
    ilrs_mode_t m = (ilrs_mode_t)apps_arg_int(a->cmd_set, 0, pkt, len);
    enter(app, a, m, R_COMMAND);
    return 0;
}

static const apps_event_t events[] = {
    {MODE_TRANSITION_INF_EID, "MODE_TRANSITION_INF", ILRS_EVENT_INFO, "mode %s -> %s (%s)",
     "a mode transition, by command or automatic on a POWER event; entry actions sent"},
    {MODE_ACTION_ERR_EID, "MODE_ACTION_ERR", ILRS_EVENT_ERROR,
     "entry action %s(%s) for %s refused: %s",
     "an entry action's command was refused by the command ingest or its app"},
    {MODE_REENTER_INF_EID, "MODE_REENTER_INF", ILRS_EVENT_INFO,
     "already in %s: entry actions re-applied", "ModeSet named the current mode"},
};

static int mode_init(ilrs_app_t *app, void *ctx)
{
    ilrs_mode_app_t *a = ctx;
    int rc = apps_register_events(app, events, APPS_COUNT(events));
    if (rc == 0) {
        rc = apps_command(app, "ModeSet", 2, "enter a station mode (runs its entry actions)",
                          set_args, 1, cmd_set, &a->cmd_set);
    }
    if (rc == 0) {
        rc = ilrs_app_subscribe(app, ilrs_msgid_tlm(ILRS_FSW_APID_EVENTS), 0);
    }
    const apps_counter_t counters[] = {
        {"mode", NULL, ILRS_DICT_U8, &a->mode},
        {"reason", NULL, ILRS_DICT_U8, &a->reason},
        {"transitions", NULL, ILRS_DICT_U32, &a->transitions},
        {"action_errors", NULL, ILRS_DICT_U32, &a->action_errors},
        {"power_level", NULL, ILRS_DICT_U32, &a->power_level},
        {"power_events", NULL, ILRS_DICT_U32, &a->power_events},
    };
    if (rc == 0) {
        rc = apps_hk_counters(app, counters, APPS_COUNT(counters));
    }
    if (!a->entered_initial) {
        a->mode = (uint8_t)a->cfg.initial;
    }
    return rc;
}

/* A POWER shedding level seen (from an event, or a change in POWER_HK). */
static void power_level_seen(ilrs_app_t *app, ilrs_mode_app_t *a, uint32_t level)
{
    a->power_level = level;
    uint32_t th = a->cfg.power_safe_level;
    if (th > 0 && a->mode == ILRS_MODE_NOMINAL && level >= th) {
        enter(app, a, ILRS_MODE_POWER_SAFE, R_POWER);
    } else if (a->cfg.auto_restore && a->mode == ILRS_MODE_POWER_SAFE && level == 0) {
        enter(app, a, ILRS_MODE_NOMINAL, R_POWER);
    }
}

/* A POWER shedding or restore event: the level from its text. */
static void power_event(ilrs_app_t *app, ilrs_mode_app_t *a, uint16_t id, const char *text)
{
    const char *p = strstr(text, "shed level ");
    unsigned level = 0;
    if ((id != PWR_SHED_ERR_EID && id != PWR_RESTORE_INF_EID) || p == NULL ||
        sscanf(p, "shed level %u", &level) != 1) {
        return;
    }
    a->power_events++;
    power_level_seen(app, a, level);
}

/*
 * POWER's HK packet as the fallback: events can be filtered or rate-limited by
 * EVS, so a change of its shed_level field acts like the event. Packets reach
 * the pipe in publication order, so an older HK never overrides a newer event.
 */
static void power_hk(ilrs_app_t *app, ilrs_mode_app_t *a, const uint8_t *pkt, size_t len)
{
    int64_t level = 0;
    if (a->level_field == NULL || ilrs_dict_get_int(a->level_field, pkt, len, &level) != 0 ||
        level < 0 || (uint32_t)level == a->power_level) {
        return;
    }
    power_level_seen(app, a, (uint32_t)level);
}

static int mode_step(ilrs_app_t *app, void *ctx)
{
    ilrs_mode_app_t *a = ctx;
    if (!a->entered_initial) {
        enter(app, a, (ilrs_mode_t)a->mode, R_INITIAL);
    }
    if (a->power_hk == NULL && a->cfg.has_power) {
        const ilrs_dict_packet_t *hk =
            ilrs_dict_find_packet_by_name(ilrs_fsw_dict(ilrs_app_fsw(app)), "POWER_HK");
        if (hk != NULL) {
            a->power_hk = hk;
            a->level_field = ilrs_dict_find_field(hk, "shed_level");
            (void)ilrs_app_subscribe(app, ilrs_msgid_tlm(hk->apid), 0);
        }
    }
    const uint8_t *pkt;
    size_t len;
    while (ilrs_app_receive(app, &pkt, &len) == 0) {
        if (a->power_hk != NULL && ilrs_ccsds_get_apid(pkt) == a->power_hk->apid) {
            power_hk(app, a, pkt, len);
            continue;
        }
        if (len < ILRS_EVS_PACKET_LEN) {
            continue;
        }
        char name[ILRS_EVS_APP_NAME_MAX + 1], text[ILRS_EVS_TEXT_MAX + 1];
        memcpy(name, pkt + 12, ILRS_EVS_APP_NAME_MAX);
        name[ILRS_EVS_APP_NAME_MAX] = '\0';
        memcpy(text, pkt + 42, ILRS_EVS_TEXT_MAX);
        text[ILRS_EVS_TEXT_MAX] = '\0';
        uint16_t id = (uint16_t)((pkt[34] << 8) | pkt[35]);
        if (strcmp(name, "POWER") == 0) {
            power_event(app, a, id, text);
        }
    }
    return 0;
}

static void mode_reset(ilrs_app_t *app, void *ctx)
{
    (void)app;
    ilrs_mode_app_t *a = ctx;
    a->transitions = a->action_errors = a->power_events = 0;
}

void ilrs_mode_app_def(ilrs_mode_app_t *app, ilrs_app_def_t *def)
{
    memset(def, 0, sizeof *def);
    def->name = "MODE";
    def->description = "mode manager: nominal, power-safe, night-survival, safe";
    def->init = mode_init;
    def->step = mode_step;
    def->rate_hz = 1.0;
    def->priority = 5;
    def->context = app;
    def->apid = app->cfg.apid;
    def->pipe_depth = 64;
    def->reset_counters = mode_reset;
}

ilrs_mode_t ilrs_mode_app_current(const ilrs_mode_app_t *app)
{
    return (ilrs_mode_t)app->mode;
}

uint32_t ilrs_mode_app_transitions(const ilrs_mode_app_t *app)
{
    return app->transitions;
}
