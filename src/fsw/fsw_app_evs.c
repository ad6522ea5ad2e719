// SPDX-License-Identifier: Apache-2.0
// EVS core app: event-service commands (enable/disable an app's events, set a
// binary filter, enable/disable a severity) and event statistics as HK counters.
// Event packets themselves are published by the instance's event sink as each
// event is sent (APID ILRS_FSW_APID_EVENTS). Event IDs: fsw_app_evs_eid.h.
#include <string.h>

#include "fsw/fsw_app_evs_eid.h"
#include "fsw/fsw_int.h"

typedef struct evs_ctx {
    ilrs_evs_stats_t st;
    uint64_t packets, packet_failures;
} evs_ctx_t;

static const ilrs_dict_field_t app_arg[] = {
    {.name = "app",
     .type = ILRS_DICT_STRING,
     .length = ILRS_APP_NAME_MAX,
     .description = "app name"},
};

static const ilrs_dict_field_t filter_args[] = {
    {.name = "app",
     .type = ILRS_DICT_STRING,
     .length = ILRS_APP_NAME_MAX,
     .description = "app name"},
    {.name = "event_id", .type = ILRS_DICT_U16, .description = "event ID to filter"},
    {.name = "mask",
     .type = ILRS_DICT_U16,
     .description = "binary filter mask: sent when (count & mask) == 0 (0 = send all, "
                    "0xFFFF = first only)"},
};

static const ilrs_dict_enum_t severity_enums[] = {
    {ILRS_EVENT_DEBUG, "DEBUG"},
    {ILRS_EVENT_INFO, "INFO"},
    {ILRS_EVENT_ERROR, "ERROR"},
    {ILRS_EVENT_CRITICAL, "CRITICAL"},
};

static const ilrs_dict_field_t severity_args[] = {
    {.name = "severity",
     .type = ILRS_DICT_U8,
     .enums = severity_enums,
     .enum_count = 4,
     .has_range = true,
     .min = 0,
     .max = 3,
     .description = "event severity"},
    {.name = "enabled", .type = ILRS_DICT_BOOL, .description = "true to enable"},
};

/* The target app of a command, or NULL with an EVS_NOAPP_ERR event. */
static ilrs_app_t *target_of(ilrs_app_t *app, const ilrs_dict_command_t *cmd, const uint8_t *pkt,
                             size_t len)
{
    char name[ILRS_APP_NAME_MAX + 1];
    ilrs__cmd_get_string(cmd, 0, pkt, len, name, sizeof name);
    ilrs_app_t *t = ilrs_exec_find_app(app->exec, name);
    if (t == NULL) {
        ilrs_app_event(app, EVS_NOAPP_ERR_EID, ILRS_EVENT_ERROR, "%s: no app named '%s'",
                       cmd != NULL ? cmd->name : "?", name);
    }
    return t;
}

static int set_enabled(ilrs_app_t *app, const uint8_t *pkt, size_t len, bool enabled)
{
    ilrs_app_t *t = target_of(app, ilrs__cmd_def(app, pkt), pkt, len);
    if (t == NULL) {
        return ILRS_EFSW_APP;
    }
    int rc = ilrs_evs_set_app_enabled(app->fsw->evs, (uint16_t)t->index, enabled);
    if (rc == 0) {
        ilrs_app_event(app, enabled ? EVS_APP_ENA_INF_EID : EVS_APP_DIS_INF_EID, ILRS_EVENT_INFO,
                       "events of %s %s", t->name, enabled ? "enabled" : "disabled");
    }
    return rc;
}

static int cmd_enable(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    (void)ctx;
    return set_enabled(app, pkt, len, true);
}

static int cmd_disable(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    (void)ctx;
    return set_enabled(app, pkt, len, false);
}

static int cmd_filter(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    (void)ctx;
    const ilrs_dict_command_t *cmd = ilrs__cmd_def(app, pkt);
    ilrs_app_t *t = target_of(app, cmd, pkt, len);
    if (t == NULL) {
        return ILRS_EFSW_APP;
    }
    int64_t id = 0, mask = 0;
    ilrs_dict_get_int(&cmd->args[1], pkt, len, &id);
    ilrs_dict_get_int(&cmd->args[2], pkt, len, &mask);
    int rc = ilrs_evs_set_filter(app->fsw->evs, (uint16_t)t->index, (uint16_t)id, (uint16_t)mask);
    if (rc != 0) {
        ilrs_app_event(app, EVS_FILTER_ERR_EID, ILRS_EVENT_ERROR,
                       "filter on %s event %lld refused: %s", t->name, (long long)id,
                       ilrs_strerror(rc));
        return rc;
    }
    ilrs_app_event(app, EVS_FILTER_INF_EID, ILRS_EVENT_INFO,
                   "filter on %s event %lld: mask 0x%04llX", t->name, (long long)id,
                   (unsigned long long)mask);
    return 0;
}

static int cmd_severity(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    (void)ctx;
    const ilrs_dict_command_t *cmd = ilrs__cmd_def(app, pkt);
    int64_t sev = 0, enabled = 0;
    ilrs_dict_get_int(&cmd->args[0], pkt, len, &sev);
    ilrs_dict_get_int(&cmd->args[1], pkt, len, &enabled);
    int rc = ilrs_evs_set_severity_enabled(app->fsw->evs, (ilrs_event_severity_t)sev, enabled != 0);
    if (rc == 0) {
        ilrs_app_event(app, EVS_SEVERITY_INF_EID, ILRS_EVENT_INFO, "severity %s %s",
                       severity_enums[sev & 3].label, enabled ? "enabled" : "disabled");
    }
    return rc;
}

static int evs_init(ilrs_app_t *app, void *vctx)
{
    evs_ctx_t *ctx = vctx;
    static const struct {
        uint16_t id;
        const char *name;
        ilrs_event_severity_t sev;
        const char *format;
        const char *description;
    } events[] = {
        {EVS_APP_ENA_INF_EID, "EVS_APP_ENA_INF", ILRS_EVENT_INFO, "events of %s %s",
         "an app's events were enabled"},
        {EVS_APP_DIS_INF_EID, "EVS_APP_DIS_INF", ILRS_EVENT_INFO, "events of %s %s",
         "an app's events were disabled"},
        {EVS_FILTER_INF_EID, "EVS_FILTER_INF", ILRS_EVENT_INFO,
         "filter on %s event %lld: mask 0x%04llX", "a binary filter was set"},
        {EVS_SEVERITY_INF_EID, "EVS_SEVERITY_INF", ILRS_EVENT_INFO, "severity %s %s",
         "a severity was enabled or disabled for every app"},
        {EVS_NOAPP_ERR_EID, "EVS_NOAPP_ERR", ILRS_EVENT_ERROR, "%s: no app named '%s'",
         "an EVS command named an unknown app"},
        {EVS_FILTER_ERR_EID, "EVS_FILTER_ERR", ILRS_EVENT_ERROR,
         "filter on %s event %lld refused: %s", "a filter could not be set (too many filters)"},
    };
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof events / sizeof events[0]; i++) {
        rc = ilrs_app_register_event(app, events[i].id, events[i].name, events[i].sev,
                                     events[i].format, events[i].description);
    }
    if (rc == 0) {
        rc = ilrs__app_command(app, "EvsEnableAppEvents", 2, "enable every event of an app",
                               app_arg, 1, cmd_enable);
    }
    if (rc == 0) {
        rc = ilrs__app_command(app, "EvsDisableAppEvents", 3, "disable every event of an app",
                               app_arg, 1, cmd_disable);
    }
    if (rc == 0) {
        rc = ilrs__app_command(app, "EvsSetFilter", 4, "set the binary filter of one event",
                               filter_args, 3, cmd_filter);
    }
    if (rc == 0) {
        rc = ilrs__app_command(app, "EvsSetSeverity", 5,
                               "enable or disable one severity for every app", severity_args, 2,
                               cmd_severity);
    }
    const struct {
        const char *name;
        const void *ptr;
    } counters[] = {
        {"sent", &ctx->st.sent},
        {"filtered", &ctx->st.filtered},
        {"rate_limited", &ctx->st.rate_limited},
        {"disabled", &ctx->st.disabled},
        {"sent_debug", &ctx->st.sent_by_severity[ILRS_EVENT_DEBUG]},
        {"sent_info", &ctx->st.sent_by_severity[ILRS_EVENT_INFO]},
        {"sent_error", &ctx->st.sent_by_severity[ILRS_EVENT_ERROR]},
        {"sent_critical", &ctx->st.sent_by_severity[ILRS_EVENT_CRITICAL]},
        {"log_overwritten", &ctx->st.log_overwritten},
        {"event_packets", &ctx->packets},
        {"event_packet_failures", &ctx->packet_failures},
    };
    for (size_t i = 0; rc == 0 && i < sizeof counters / sizeof counters[0]; i++) {
        rc = ilrs_app_hk_counter(app, counters[i].name, NULL, ILRS_DICT_U64, counters[i].ptr);
    }
    return rc;
}

static int evs_step(ilrs_app_t *app, void *vctx)
{
    evs_ctx_t *ctx = vctx;
    ilrs_evs_get_stats(app->fsw->evs, &ctx->st);
    ctx->packets = app->fsw->event_packets;
    ctx->packet_failures = app->fsw->event_packet_failures;
    return 0;
}

static void evs_reset(ilrs_app_t *app, void *ctx)
{
    (void)ctx;
    ilrs_evs_reset_counters(app->fsw->evs);
}

const ilrs_app_def_t ilrs__app_evs_def = {
    .name = "EVS",
    .description = "event service: filters, enables, event statistics",
    .init = evs_init,
    .step = evs_step,
    .rate_hz = 1,
    .priority = -90,
    .context_size = sizeof(evs_ctx_t),
    .reset_counters = evs_reset,
};
