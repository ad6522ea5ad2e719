// SPDX-License-Identifier: Apache-2.0
//
// HS (health and safety) app, in the style of cFS HS: app watchdogs on the
// executive's step counters (an app that stops stepping for longer than its
// limit gets an event and a restart through the executive API, ilrs_exec_restart_app;
// after max_restarts a critical event and no more restarts), CPU and overrun
// monitoring from the executive's statistics (wall-clock mode only: on virtual
// time timing is host information and must not change flight behaviour, so the
// figures are 0 there), and event-triggered actions: an event of a given app and
// ID, seen in the event packets on the bus, starts an RTS (ScStartRts through
// the command ingest). Events in hs_eid.h.
#include <stdlib.h>

#include "apps/apps_int.h"
#include "apps/hs/hs_eid.h"

typedef struct watch_state {
    uint64_t steps;
    ilrs_tai_t last_change;
    uint32_t restarts;
    bool gave_up, missing_raised;
} watch_state_t;

struct ilrs_hs_app {
    ilrs_hs_config_t cfg;
    watch_state_t w[ILRS_HS_MAX_APPS];
    ilrs_hs_status_t st;
    int64_t last_exec_ns, last_elapsed_ns;
    bool cpu_high;
};

int ilrs_hs_app_create(const ilrs_hs_config_t *cfg, ilrs_hs_app_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (cfg == NULL || out == NULL || cfg->watch_count > ILRS_HS_MAX_APPS ||
        cfg->action_count > ILRS_HS_MAX_ACTIONS || cfg->cpu_limit_pct < 0) {
        return ILRS_EINVAL;
    }
    for (size_t i = 0; i < cfg->watch_count; i++) {
        if (cfg->watch[i].app[0] == '\0' || !(cfg->watch[i].max_silent_s > 0)) {
            return ILRS_EINVAL;
        }
    }
    for (size_t i = 0; i < cfg->action_count; i++) {
        if (cfg->actions[i].rts < 1 || cfg->actions[i].rts > ILRS_SC_MAX_RTS) {
            return ILRS_EINVAL;
        }
    }
    ilrs_hs_app_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    a->cfg = *cfg;
    for (size_t i = 0; i < cfg->watch_count; i++) {
        if (a->cfg.watch[i].max_restarts == 0) {
            a->cfg.watch[i].max_restarts = 3;
        }
    }
    *out = a;
    return 0;
}

void ilrs_hs_app_destroy(ilrs_hs_app_t *app)
{
    free(app);
}

static const apps_event_t events[] = {
    {HS_APP_STALL_ERR_EID, "HS_APP_STALL_ERR", ILRS_EVENT_ERROR,
     "%s has not stepped for %.0f s (state %d)", "a watched app stopped stepping"},
    {HS_APP_RESTART_INF_EID, "HS_APP_RESTART_INF", ILRS_EVENT_INFO, "%s restarted (%u of %u)",
     "HS restarted a stalled app through the executive"},
    {HS_APP_GIVEUP_CRIT_EID, "HS_APP_GIVEUP_CRIT", ILRS_EVENT_CRITICAL,
     "%s still stalled after %u restarts: left to the ground",
     "a watched app exhausted its restarts"},
    {HS_ACTION_INF_EID, "HS_ACTION_INF", ILRS_EVENT_INFO, "event %s %u: starting RTS %u",
     "an event-triggered action started its RTS"},
    {HS_ACTION_ERR_EID, "HS_ACTION_ERR", ILRS_EVENT_ERROR, "event %s %u: RTS %u refused: %s",
     "the RTS request of an event-triggered action was refused"},
    {HS_CPU_ERR_EID, "HS_CPU_ERR", ILRS_EVENT_ERROR, "CPU use %.1f %% above %.1f %%",
     "wall-clock mode: the apps' step time exceeded the CPU limit"},
    {HS_NOAPP_ERR_EID, "HS_NOAPP_ERR", ILRS_EVENT_ERROR, "watched app %s does not exist",
     "the watch list names an app the executive does not have"},
};

static int hs_init(ilrs_app_t *app, void *ctx)
{
    ilrs_hs_app_t *a = ctx;
    int rc = apps_register_events(app, events, APPS_COUNT(events));
    if (rc == 0 && a->cfg.action_count > 0) {
        rc = ilrs_app_subscribe(app, ilrs_msgid_tlm(ILRS_FSW_APID_EVENTS), 0);
    }
    const apps_counter_t counters[] = {
        {"app_restarts", NULL, ILRS_DICT_U32, &a->st.restarts},
        {"giveups", NULL, ILRS_DICT_U32, &a->st.giveups},
        {"actions_fired", NULL, ILRS_DICT_U32, &a->st.actions_fired},
        {"cpu_load", "%", ILRS_DICT_F64, &a->st.cpu_pct},
        {"exec_overruns", NULL, ILRS_DICT_U64, &a->st.overruns},
    };
    if (rc == 0) {
        rc = apps_hk_counters(app, counters, APPS_COUNT(counters));
    }
    ilrs_tai_t now = ilrs_app_time(app);
    for (size_t i = 0; i < a->cfg.watch_count; i++) {
        a->w[i].last_change = now;
        a->w[i].steps = UINT64_MAX;
    }
    return rc;
}

static void watchdogs(ilrs_app_t *app, ilrs_hs_app_t *a, ilrs_exec_t *exec, ilrs_tai_t now)
{
    for (size_t i = 0; i < a->cfg.watch_count; i++) {
        const ilrs_hs_watch_t *c = &a->cfg.watch[i];
        watch_state_t *w = &a->w[i];
        ilrs_app_t *target = ilrs_exec_find_app(exec, c->app);
        if (target == NULL) {
            if (!w->missing_raised) {
                w->missing_raised = true;
                ilrs_app_event(app, HS_NOAPP_ERR_EID, ILRS_EVENT_ERROR,
                               "watched app %s does not exist", c->app);
            }
            continue;
        }
        ilrs_app_stats_t s;
        ilrs_exec_get_app_stats(target, &s);
        if (s.steps != w->steps) {
            w->steps = s.steps;
            w->last_change = now;
            continue;
        }
        double silent = apps_seconds(now, w->last_change);
        if (silent <= c->max_silent_s || w->gave_up) {
            continue;
        }
        ilrs_app_event(app, HS_APP_STALL_ERR_EID, ILRS_EVENT_ERROR,
                       "%s has not stepped for %.0f s (state %d)", c->app, silent, (int)s.state);
        if (w->restarts >= c->max_restarts) {
            w->gave_up = true;
            a->st.giveups++;
            ilrs_app_event(app, HS_APP_GIVEUP_CRIT_EID, ILRS_EVENT_CRITICAL,
                           "%s still stalled after %u restarts: left to the ground", c->app,
                           w->restarts);
            continue;
        }
        int rc = s.state == ILRS_APP_DISABLED ? ilrs_exec_enable_app(exec, target)
                                              : ilrs_exec_restart_app(exec, target);
        w->restarts++;
        a->st.restarts++;
        w->last_change = now;
        if (rc == 0) {
            ilrs_app_event(app, HS_APP_RESTART_INF_EID, ILRS_EVENT_INFO, "%s restarted (%u of %u)",
                           c->app, w->restarts, c->max_restarts);
        }
    }
}

static void cpu(ilrs_app_t *app, ilrs_hs_app_t *a, ilrs_exec_t *exec)
{
    if (ilrs_time_get_mode(ilrs_exec_time(exec)) != ILRS_TIME_MODE_WALL) {
        a->st.cpu_pct = 0; /* virtual time: timing must not reach flight behaviour */
        a->st.overruns = 0;
        return;
    }
    int64_t total = 0;
    for (uint32_t i = 0; i < ilrs_exec_app_count(exec); i++) {
        ilrs_app_stats_t s;
        ilrs_exec_get_app_stats(ilrs_exec_app_at(exec, i), &s);
        total += s.exec_total_ns;
    }
    ilrs_exec_stats_t es;
    ilrs_exec_get_stats(exec, &es);
    a->st.overruns = es.overruns;
    int64_t elapsed = ilrs_time_elapsed(ilrs_exec_time(exec));
    if (a->last_elapsed_ns > 0 && elapsed > a->last_elapsed_ns) {
        a->st.cpu_pct = 100.0 * (double)(total - a->last_exec_ns) /
                        (double)(elapsed - a->last_elapsed_ns);
        bool high = a->cfg.cpu_limit_pct > 0 && a->st.cpu_pct > a->cfg.cpu_limit_pct;
        if (high && !a->cpu_high) {
            ilrs_app_event(app, HS_CPU_ERR_EID, ILRS_EVENT_ERROR, "CPU use %.1f %% above %.1f %%",
                           a->st.cpu_pct, a->cfg.cpu_limit_pct);
        }
        a->cpu_high = high;
    }
    a->last_exec_ns = total;
    a->last_elapsed_ns = elapsed;
}

static void actions(ilrs_app_t *app, ilrs_hs_app_t *a)
{
    const uint8_t *pkt;
    size_t len;
    while (ilrs_app_receive(app, &pkt, &len) == 0) {
        if (len < ILRS_EVS_PACKET_LEN) {
            continue;
        }
        char name[ILRS_EVS_APP_NAME_MAX + 1];
        memcpy(name, pkt + 12, ILRS_EVS_APP_NAME_MAX);
        name[ILRS_EVS_APP_NAME_MAX] = '\0';
        uint16_t id = (uint16_t)((pkt[34] << 8) | pkt[35]);
        for (size_t i = 0; i < a->cfg.action_count; i++) {
            const ilrs_hs_action_t *c = &a->cfg.actions[i];
            if (c->event_id != id || strcmp(c->app, name) != 0) {
                continue;
            }
            char rts[8];
            snprintf(rts, sizeof rts, "%u", c->rts);
            const char *args[] = {rts};
            int rc = apps_send(app, "ScStartRts", args, 1);
            if (rc == 0) {
                a->st.actions_fired++;
                ilrs_app_event(app, HS_ACTION_INF_EID, ILRS_EVENT_INFO,
                               "event %s %u: starting RTS %u", name, id, c->rts);
            } else {
                ilrs_app_event(app, HS_ACTION_ERR_EID, ILRS_EVENT_ERROR,
                               "event %s %u: RTS %u refused: %s", name, id, c->rts,
                               ilrs_strerror(rc));
            }
        }
    }
}

static int hs_step(ilrs_app_t *app, void *ctx)
{
    ilrs_hs_app_t *a = ctx;
    ilrs_exec_t *exec = ilrs_fsw_exec(ilrs_app_fsw(app));
    ilrs_tai_t now = ilrs_app_time(app);
    watchdogs(app, a, exec, now);
    cpu(app, a, exec);
    actions(app, a);
    return 0;
}

void ilrs_hs_app_def(ilrs_hs_app_t *app, ilrs_app_def_t *def)
{
    memset(def, 0, sizeof *def);
    def->name = "HS";
    def->description = "health and safety: app watchdogs, CPU, event-triggered actions";
    def->init = hs_init;
    def->step = hs_step;
    def->rate_hz = 1.0;
    def->priority = 0;
    def->context = app;
    def->apid = app->cfg.apid;
    def->pipe_depth = 64;
}

void ilrs_hs_app_status(const ilrs_hs_app_t *app, ilrs_hs_status_t *out)
{
    *out = app->st;
}
