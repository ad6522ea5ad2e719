// SPDX-License-Identifier: Apache-2.0
// EXEC core app: app control commands (restart, disable, enable) and the
// executive's telemetry (frames, steps, failures, restarts, overruns, slips, app
// counts) as HK counters. Its events also carry the executive's notices
// (fsw_instance.c). Event IDs: fsw_app_exec_eid.h.
#include <string.h>

#include "fsw/fsw_app_exec_eid.h"
#include "fsw/fsw_int.h"

typedef struct exec_ctx {
    ilrs_exec_stats_t st;
} exec_ctx_t;

static const ilrs_dict_field_t app_arg[] = {
    {.name = "app",
     .type = ILRS_DICT_STRING,
     .length = ILRS_APP_NAME_MAX,
     .description = "app name, e.g. POWER"},
};

typedef int (*control_fn)(ilrs_exec_t *, ilrs_app_t *);

static int control(ilrs_app_t *app, const uint8_t *pkt, size_t len, control_fn fn, const char *verb)
{
    char name[ILRS_APP_NAME_MAX + 1];
    ilrs__cmd_get_string(ilrs__cmd_def(app, pkt), 0, pkt, len, name, sizeof name);
    ilrs_app_t *target = ilrs_exec_find_app(app->exec, name);
    if (target == NULL) {
        ilrs_app_event(app, EXEC_NOAPP_ERR_EID, ILRS_EVENT_ERROR, "%s: no app named '%s'", verb,
                       name);
        return ILRS_EFSW_APP;
    }
    if (target == app && fn != ilrs_exec_restart_app) {
        ilrs_app_event(app, EXEC_APP_CMD_ERR_EID, ILRS_EVENT_ERROR,
                       "%s %s refused: EXEC controls the apps and stays enabled", verb, name);
        return ILRS_EPERM;
    }
    int rc = fn(app->exec, target);
    if (rc != 0) {
        ilrs_app_event(app, EXEC_APP_CMD_ERR_EID, ILRS_EVENT_ERROR, "%s %s refused: %s", verb, name,
                       ilrs_strerror(rc));
        return rc;
    }
    ilrs_app_event(app, EXEC_APP_CMD_INF_EID, ILRS_EVENT_INFO, "%s %s done", verb, name);
    return 0;
}

static int cmd_restart(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    (void)ctx;
    return control(app, pkt, len, ilrs_exec_restart_app, "restart");
}
static int cmd_disable(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    (void)ctx;
    return control(app, pkt, len, ilrs_exec_disable_app, "disable");
}
static int cmd_enable(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    (void)ctx;
    return control(app, pkt, len, ilrs_exec_enable_app, "enable");
}

static const struct {
    uint16_t id;
    const char *name;
    ilrs_event_severity_t sev;
    const char *format;
    const char *description;
} events[] = {
    {EXEC_APP_FAIL_ERR_EID, "EXEC_APP_FAIL_ERR", ILRS_EVENT_ERROR,
     "%s step failed: %s (failure %u)",
     "an app's step returned an error; it is stopped and restarted after the restart delay"},
    {EXEC_APP_INITFAIL_ERR_EID, "EXEC_APP_INITFAIL_ERR", ILRS_EVENT_ERROR,
     "%s init failed: %s (failure %u)", "an app's init returned an error"},
    {EXEC_APP_RESTART_INF_EID, "EXEC_APP_RESTART_INF", ILRS_EVENT_INFO,
     "%s restarted (restart %llu)", "an app was restarted (after a failure or by command)"},
    {EXEC_APP_DISABLED_CRIT_EID, "EXEC_APP_DISABLED_CRIT", ILRS_EVENT_CRITICAL,
     "%s disabled after %u failures", "an app failed max_failures times and was disabled"},
    {EXEC_APP_OVERRUN_ERR_EID, "EXEC_APP_OVERRUN_ERR", ILRS_EVENT_ERROR,
     "%s overran its budget: %lld us > %lld us", "wall-clock mode: a step exceeded its budget"},
    {EXEC_FRAME_SLIP_ERR_EID, "EXEC_FRAME_SLIP_ERR", ILRS_EVENT_ERROR,
     "minor frame started %lld us late", "wall-clock mode: a minor frame started a frame late"},
    {EXEC_APP_CMD_INF_EID, "EXEC_APP_CMD_INF", ILRS_EVENT_INFO, "%s %s done",
     "restart/disable/enable command carried out"},
    {EXEC_NOAPP_ERR_EID, "EXEC_NOAPP_ERR", ILRS_EVENT_ERROR, "%s: no app named '%s'",
     "an app-control command named an unknown app"},
    {EXEC_APP_CMD_ERR_EID, "EXEC_APP_CMD_ERR", ILRS_EVENT_ERROR, "%s %s refused: %s",
     "an app-control command could not be carried out"},
    {EXEC_STARTED_INF_EID, "EXEC_STARTED_INF", ILRS_EVENT_INFO,
     "flight software started: %u apps, %u running, minor frame %u Hz",
     "the flight instance finished starting its apps"},
};

static int exec_init(ilrs_app_t *app, void *vctx)
{
    exec_ctx_t *ctx = vctx;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof events / sizeof events[0]; i++) {
        rc = ilrs_app_register_event(app, events[i].id, events[i].name, events[i].sev,
                                     events[i].format, events[i].description);
    }
    if (rc == 0) {
        rc = ilrs__app_command(app, "ExecRestartApp", 2, "stop (fini) and init an app", app_arg, 1,
                               cmd_restart);
    }
    if (rc == 0) {
        rc = ilrs__app_command(app, "ExecDisableApp", 3, "stop an app (fini); it stays stopped",
                               app_arg, 1, cmd_disable);
    }
    if (rc == 0) {
        rc = ilrs__app_command(app, "ExecEnableApp", 4, "init and run a disabled app", app_arg, 1,
                               cmd_enable);
    }
    const struct {
        const char *name;
        ilrs_dict_type_t type;
        const void *ptr;
    } counters[] = {
        {"minor_frames", ILRS_DICT_U64, &ctx->st.minor_frames},
        {"major_frames", ILRS_DICT_U64, &ctx->st.major_frames},
        {"total_steps", ILRS_DICT_U64, &ctx->st.steps},
        {"total_failures", ILRS_DICT_U64, &ctx->st.failures},
        {"total_restarts", ILRS_DICT_U64, &ctx->st.restarts},
        {"total_overruns", ILRS_DICT_U64, &ctx->st.overruns},
        {"frame_slips", ILRS_DICT_U64, &ctx->st.frame_slips},
        {"apps", ILRS_DICT_U32, &ctx->st.apps},
        {"apps_running", ILRS_DICT_U32, &ctx->st.apps_running},
        {"apps_disabled", ILRS_DICT_U32, &ctx->st.apps_disabled},
    };
    for (size_t i = 0; rc == 0 && i < sizeof counters / sizeof counters[0]; i++) {
        rc = ilrs_app_hk_counter(app, counters[i].name, NULL, counters[i].type, counters[i].ptr);
    }
    return rc;
}

static int exec_step(ilrs_app_t *app, void *vctx)
{
    exec_ctx_t *ctx = vctx;
    ilrs_exec_get_stats(app->exec, &ctx->st);
    if (ilrs_time_get_mode(app->exec->time) != ILRS_TIME_MODE_WALL) {
        ctx->st.overruns = 0; /* never counted on virtual time; keep telemetry pure */
    }
    return 0;
}

const ilrs_app_def_t ilrs__app_exec_def = {
    .name = "EXEC",
    .description = "executive: app control and scheduling telemetry",
    .init = exec_init,
    .step = exec_step,
    .rate_hz = 1,
    .priority = -100,
    .context_size = sizeof(exec_ctx_t),
};
