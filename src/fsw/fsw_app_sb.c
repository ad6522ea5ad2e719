// SPDX-License-Identifier: Apache-2.0
// SB core app: software-bus statistics as HK counters. Drops raise SB_DROP_ERR
// from the instance's drop hook (fsw_instance.c). Event IDs: fsw_app_sb_eid.h.
#include "fsw/fsw_app_sb_eid.h"
#include "fsw/fsw_int.h"

typedef struct sb_ctx {
    ilrs_bus_stats_t st;
    uint64_t memory_bytes;
} sb_ctx_t;

static int sb_init(ilrs_app_t *app, void *vctx)
{
    sb_ctx_t *ctx = vctx;
    int rc = ilrs_app_register_event(app, SB_DROP_ERR_EID, "SB_DROP_ERR", ILRS_EVENT_ERROR,
                                     "message 0x%04X dropped: %s (pipe %s)",
                                     "the bus dropped a message (pipe full, message limit, no "
                                     "buffer, malformed); rate-limited");
    const struct {
        const char *name;
        ilrs_dict_type_t type;
        const void *ptr;
    } counters[] = {
        {"published", ILRS_DICT_U64, &ctx->st.published},
        {"delivered", ILRS_DICT_U64, &ctx->st.delivered},
        {"no_subscribers", ILRS_DICT_U64, &ctx->st.no_subscribers},
        {"dropped_full", ILRS_DICT_U64, &ctx->st.dropped_full},
        {"dropped_limit", ILRS_DICT_U64, &ctx->st.dropped_limit},
        {"alloc_failures", ILRS_DICT_U64, &ctx->st.alloc_failures},
        {"invalid", ILRS_DICT_U64, &ctx->st.invalid},
        {"bad_pipe_ids", ILRS_DICT_U64, &ctx->st.bad_pipe_ids},
        {"pipes", ILRS_DICT_U32, &ctx->st.pipes},
        {"subscriptions", ILRS_DICT_U32, &ctx->st.subscriptions},
        {"buffers_in_use", ILRS_DICT_U32, &ctx->st.buffers_in_use},
        {"buffers_peak", ILRS_DICT_U32, &ctx->st.buffers_peak},
        {"memory_bytes", ILRS_DICT_U64, &ctx->memory_bytes},
    };
    for (size_t i = 0; rc == 0 && i < sizeof counters / sizeof counters[0]; i++) {
        rc = ilrs_app_hk_counter(app, counters[i].name, NULL, counters[i].type, counters[i].ptr);
    }
    return rc;
}

static int sb_step(ilrs_app_t *app, void *vctx)
{
    sb_ctx_t *ctx = vctx;
    ilrs_bus_get_stats(app->fsw->bus, &ctx->st);
    ctx->memory_bytes = ctx->st.memory_bytes;
    return 0;
}

const ilrs_app_def_t ilrs__app_sb_def = {
    .name = "SB",
    .description = "software bus statistics",
    .init = sb_init,
    .step = sb_step,
    .rate_hz = 1,
    .priority = -80,
    .context_size = sizeof(sb_ctx_t),
};
