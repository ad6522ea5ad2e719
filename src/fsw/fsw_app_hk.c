// SPDX-License-Identifier: Apache-2.0
// HK core app: publishes every app's HK packet (built by fsw_hk.c) once per
// interval, spreading the apps over the seconds of the interval (app i in second
// i mod interval) so the load is even. Event IDs: fsw_app_hk_eid.h.
#include "fsw/fsw_app_hk_eid.h"
#include "fsw/fsw_int.h"

typedef struct hk_ctx {
    uint64_t tick;
    uint64_t packets_sent;
    uint32_t send_errors;
    uint32_t interval_s;
} hk_ctx_t;

static const ilrs_dict_field_t interval_arg[] = {
    {.name = "seconds",
     .type = ILRS_DICT_U16,
     .unit = "s",
     .has_range = true,
     .min = 1,
     .max = 3600,
     .description = "HK period of each app"},
};

static int cmd_interval(ilrs_app_t *app, void *vctx, const uint8_t *pkt, size_t len)
{
    hk_ctx_t *ctx = vctx;
    int64_t s = 0;
    ilrs_dict_get_int(&ilrs__cmd_def(app, pkt)->args[0], pkt, len, &s);
    ctx->interval_s = (uint32_t)s;
    app->fsw->hk_interval_s = (uint32_t)s;
    ilrs_app_event(app, HK_INTERVAL_INF_EID, ILRS_EVENT_INFO, "HK interval set to %u s",
                   ctx->interval_s);
    return 0;
}

static int hk_init(ilrs_app_t *app, void *vctx)
{
    hk_ctx_t *ctx = vctx;
    ctx->interval_s = app->fsw->hk_interval_s;
    int rc = ilrs_app_register_event(app, HK_SEND_ERR_EID, "HK_SEND_ERR", ILRS_EVENT_ERROR,
                                     "HK packet of %s not published: %s",
                                     "an HK packet could not be built or published");
    if (rc == 0) {
        rc = ilrs_app_register_event(app, HK_INTERVAL_INF_EID, "HK_INTERVAL_INF", ILRS_EVENT_INFO,
                                     "HK interval set to %u s",
                                     "the HK period was changed by command");
    }
    if (rc == 0) {
        rc = ilrs__app_command(app, "HkSetInterval", 2, "set the HK period of every app",
                               interval_arg, 1, cmd_interval);
    }
    if (rc == 0) {
        rc = ilrs_app_hk_counter(app, "packets_sent", NULL, ILRS_DICT_U64, &ctx->packets_sent);
    }
    if (rc == 0) {
        rc = ilrs_app_hk_counter(app, "send_errors", NULL, ILRS_DICT_U32, &ctx->send_errors);
    }
    if (rc == 0) {
        rc = ilrs_app_hk_counter(app, "interval", "s", ILRS_DICT_U32, &ctx->interval_s);
    }
    return rc;
}

static int hk_step(ilrs_app_t *app, void *vctx)
{
    hk_ctx_t *ctx = vctx;
    ilrs_fsw_t *fsw = app->fsw;
    uint32_t interval = ctx->interval_s == 0 ? 1 : ctx->interval_s;
    uint64_t phase = ctx->tick++ % interval;
    uint32_t n = ilrs_exec_app_count(fsw->exec);
    for (uint32_t i = 0; i < n; i++) {
        if (i % interval != phase) {
            continue;
        }
        ilrs_app_t *a = ilrs_exec_app_at(fsw->exec, i);
        int rc = ilrs__hk_publish(fsw, a);
        /* a pipe dropping the packet is reported by the bus (SB_DROP_ERR) */
        if (rc == 0 || rc == ILRS_EFSW_PIPEFULL || rc == ILRS_EFSW_MSGLIMIT) {
            ctx->packets_sent++;
        } else {
            ctx->send_errors++;
            ilrs_app_event(app, HK_SEND_ERR_EID, ILRS_EVENT_ERROR,
                           "HK packet of %s not published: %s", a->name, ilrs_strerror(rc));
        }
    }
    return 0;
}

static void hk_reset(ilrs_app_t *app, void *vctx)
{
    hk_ctx_t *ctx = vctx;
    ctx->packets_sent = 0;
    ctx->send_errors = 0;
    (void)app;
}

const ilrs_app_def_t ilrs__app_hk_def = {
    .name = "HK",
    .description = "housekeeping: publishes every app's HK packet",
    .init = hk_init,
    .step = hk_step,
    .rate_hz = 1,
    .priority = 100,
    .context_size = sizeof(hk_ctx_t),
    .reset_counters = hk_reset,
};
