// SPDX-License-Identifier: Apache-2.0
// TIME core app: time telemetry (SCLK, onboard TAI, correlation) as HK counters,
// and the correlation commands the ground sends: add a (SCLK, TAI) pair (refit by
// least squares) or set the correlation outright. Event IDs: fsw_app_time_eid.h.
#include "fsw/fsw_app_time_eid.h"
#include "fsw/fsw_int.h"

typedef struct time_ctx {
    int64_t sclk_ns;
    int64_t tai_ns;
    int64_t epoch_ns;
    int64_t sclk0_ns;
    double drift;
    double rms_s;
    uint32_t points;
    uint64_t updates;
    uint32_t refused;
} time_ctx_t;

static const ilrs_dict_field_t add_args[] = {
    {.name = "sclk",
     .type = ILRS_DICT_I64,
     .unit = "ns",
     .has_range = true,
     .min = 0,
     .max = 9.2e18,
     .description = "spacecraft clock value of the measurement"},
    {.name = "tai",
     .type = ILRS_DICT_I64,
     .unit = "ns",
     .has_range = true,
     .min = 0,
     .max = 9.2e18,
     .description = "TAI the ground measured for it (since 1958)"},
};

static const ilrs_dict_field_t set_args[] = {
    {.name = "epoch",
     .type = ILRS_DICT_I64,
     .unit = "ns",
     .has_range = true,
     .min = 0,
     .max = 9.2e18,
     .description = "TAI at sclk0 (since 1958)"},
    {.name = "sclk0",
     .type = ILRS_DICT_I64,
     .unit = "ns",
     .has_range = true,
     .min = 0,
     .max = 9.2e18,
     .description = "reference spacecraft clock value"},
    {.name = "drift",
     .type = ILRS_DICT_F64,
     .has_range = true,
     .min = -1e-3,
     .max = 1e-3,
     .description = "fractional rate correction"},
};

static void snapshot(ilrs_app_t *app, time_ctx_t *ctx)
{
    ilrs_time_t *t = app->fsw->time;
    ilrs_time_correlation_t c;
    ilrs_time_get_correlation(t, &c);
    ctx->sclk_ns = ilrs_time_sclk(t);
    ctx->tai_ns = ilrs_time_now(t);
    ctx->epoch_ns = c.epoch;
    ctx->sclk0_ns = c.sclk0;
    ctx->drift = c.drift;
    ctx->rms_s = c.rms_s;
    ctx->points = c.points;
    ctx->updates = c.updates;
}

static int cmd_add(ilrs_app_t *app, void *vctx, const uint8_t *pkt, size_t len)
{
    time_ctx_t *ctx = vctx;
    const ilrs_dict_command_t *cmd = ilrs__cmd_def(app, pkt);
    int64_t sclk = 0, tai = 0;
    ilrs_dict_get_int(&cmd->args[0], pkt, len, &sclk);
    ilrs_dict_get_int(&cmd->args[1], pkt, len, &tai);
    int rc = ilrs_time_correlate(app->fsw->time, sclk, tai);
    if (rc != 0) {
        ctx->refused++;
        ilrs_app_event(app, TIME_CORR_ERR_EID, ILRS_EVENT_ERROR,
                       "correlation pair refused (out of order or drift beyond 1e-3): %s",
                       ilrs_strerror(rc));
        return rc;
    }
    snapshot(app, ctx);
    ilrs_app_event(app, TIME_CORR_INF_EID, ILRS_EVENT_INFO,
                   "correlation refit: drift %.3e, %u points, rms %.3e s", ctx->drift, ctx->points,
                   ctx->rms_s);
    return 0;
}

static int cmd_set(ilrs_app_t *app, void *vctx, const uint8_t *pkt, size_t len)
{
    time_ctx_t *ctx = vctx;
    const ilrs_dict_command_t *cmd = ilrs__cmd_def(app, pkt);
    int64_t epoch = 0, sclk0 = 0;
    double drift = 0;
    ilrs_dict_get_int(&cmd->args[0], pkt, len, &epoch);
    ilrs_dict_get_int(&cmd->args[1], pkt, len, &sclk0);
    ilrs_dict_get_raw(&cmd->args[2], pkt, len, &drift);
    int rc = ilrs_time_set_correlation(app->fsw->time, epoch, sclk0, drift);
    if (rc != 0) {
        ctx->refused++;
        ilrs_app_event(app, TIME_CORR_ERR_EID, ILRS_EVENT_ERROR, "correlation setting refused: %s",
                       ilrs_strerror(rc));
        return rc;
    }
    snapshot(app, ctx);
    ilrs_app_event(app, TIME_SET_INF_EID, ILRS_EVENT_INFO, "correlation set: drift %.3e", drift);
    return 0;
}

static int time_init(ilrs_app_t *app, void *vctx)
{
    time_ctx_t *ctx = vctx;
    int rc = ilrs_app_register_event(app, TIME_CORR_INF_EID, "TIME_CORR_INF", ILRS_EVENT_INFO,
                                     "correlation refit: drift %.3e, %u points, rms %.3e s",
                                     "a correlation pair was accepted and the fit updated");
    if (rc == 0) {
        rc = ilrs_app_register_event(app, TIME_CORR_ERR_EID, "TIME_CORR_ERR", ILRS_EVENT_ERROR,
                                     "correlation pair refused (out of order or drift beyond "
                                     "1e-3): %s",
                                     "a correlation command was refused; time unchanged");
    }
    if (rc == 0) {
        rc = ilrs_app_register_event(app, TIME_SET_INF_EID, "TIME_SET_INF", ILRS_EVENT_INFO,
                                     "correlation set: drift %.3e",
                                     "the correlation was set directly");
    }
    if (rc == 0) {
        rc = ilrs__app_command(app, "TimeAddCorrelation", 2,
                               "add a (SCLK, TAI) pair and refit the correlation", add_args, 2,
                               cmd_add);
    }
    if (rc == 0) {
        rc = ilrs__app_command(app, "TimeSetCorrelation", 3,
                               "set the correlation: TAI = epoch + (sclk - sclk0)(1 + drift)",
                               set_args, 3, cmd_set);
    }
    const struct {
        const char *name;
        const char *unit;
        ilrs_dict_type_t type;
        const void *ptr;
    } counters[] = {
        {"sclk", "ns", ILRS_DICT_I64, &ctx->sclk_ns},
        {"tai", "ns", ILRS_DICT_I64, &ctx->tai_ns},
        {"epoch", "ns", ILRS_DICT_I64, &ctx->epoch_ns},
        {"sclk0", "ns", ILRS_DICT_I64, &ctx->sclk0_ns},
        {"drift", NULL, ILRS_DICT_F64, &ctx->drift},
        {"fit_rms", "s", ILRS_DICT_F64, &ctx->rms_s},
        {"fit_points", NULL, ILRS_DICT_U32, &ctx->points},
        {"updates", NULL, ILRS_DICT_U64, &ctx->updates},
        {"refused", NULL, ILRS_DICT_U32, &ctx->refused},
    };
    for (size_t i = 0; rc == 0 && i < sizeof counters / sizeof counters[0]; i++) {
        rc = ilrs_app_hk_counter(app, counters[i].name, counters[i].unit, counters[i].type,
                                 counters[i].ptr);
    }
    snapshot(app, ctx);
    return rc;
}

static int time_step(ilrs_app_t *app, void *vctx)
{
    snapshot(app, vctx);
    return 0;
}

static void time_reset(ilrs_app_t *app, void *vctx)
{
    (void)app;
    ((time_ctx_t *)vctx)->refused = 0;
}

const ilrs_app_def_t ilrs__app_time_def = {
    .name = "TIME",
    .description = "time service: SCLK, TAI, correlation",
    .init = time_init,
    .step = time_step,
    .rate_hz = 1,
    .priority = -70,
    .context_size = sizeof(time_ctx_t),
    .reset_counters = time_reset,
};
