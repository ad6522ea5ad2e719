// SPDX-License-Identifier: Apache-2.0
// Bus-load apps LOAD00..LOADnn: each step publishes one 64-octet telemetry packet
// carrying a step counter and drains its neighbour's packets, checking that the
// counters arrive in order. They exercise the bus, the scheduler and the HK path
// the way real apps do; `ilrs fsw --apps N` and bench_fsw use them.
// Event IDs: fsw_app_load_eid.h.
#include <stdio.h>

#include "fsw/fsw_app_load_eid.h"
#include "fsw/fsw_int.h"

#define LOAD_APID_BASE  0x600u
#define LOAD_PACKET_LEN 64u

static int load_init(ilrs_app_t *app, void *vctx)
{
    fsw_load_ctx_t *ctx = vctx;
    char name[ILRS_DICT_NAME_MAX];
    snprintf(name, sizeof name, "%s_DATA", app->name);
    char gap_name[ILRS_DICT_NAME_MAX];
    snprintf(gap_name, sizeof gap_name, "%s_GAP_ERR", app->name);
    static const ilrs_dict_field_t fields[] = {
        {.name = "counter", .type = ILRS_DICT_U32, .description = "step counter"},
        {.name = "padding",
         .type = ILRS_DICT_BYTES,
         .length = LOAD_PACKET_LEN - 16,
         .description = "filler to 64 octets"},
    };
    ilrs_dict_packet_t p = {.name = name,
                            .apid = ctx->apid,
                            .description = "bus-load traffic",
                            .fields = fields,
                            .field_count = 2};
    int rc = ilrs_app_register_packet(app, &p, NULL);
    if (rc == 0) {
        rc = ilrs_app_register_event(app, LOAD_GAP_ERR_EID, gap_name, ILRS_EVENT_ERROR,
                                     "counter from APID 0x%03X jumped from %u to %u",
                                     "a neighbour's packets arrived out of order or were lost");
    }
    if (rc == 0) {
        rc = ilrs_app_subscribe(app, ilrs_msgid_tlm(ctx->peer_apid), 0);
        if (rc == ILRS_EEXIST) {
            rc = 0; /* restart: still subscribed */
        }
    }
    if (rc == 0) {
        rc = ilrs_app_hk_counter(app, "tx", NULL, ILRS_DICT_U32, &ctx->tx);
    }
    if (rc == 0) {
        rc = ilrs_app_hk_counter(app, "rx", NULL, ILRS_DICT_U32, &ctx->rx);
    }
    if (rc == 0) {
        rc = ilrs_app_hk_counter(app, "rx_gaps", NULL, ILRS_DICT_U32, &ctx->rx_gaps);
    }
    return rc;
}

static int load_step(ilrs_app_t *app, void *vctx)
{
    fsw_load_ctx_t *ctx = vctx;
    const uint8_t *pkt;
    size_t len;
    while (ilrs_app_receive(app, &pkt, &len) == 0) {
        if (len < 16) {
            continue;
        }
        uint32_t counter = ilrs_get_be32(pkt + ILRS_CCSDS_TLM_HEADER_LEN);
        if (ctx->seen && counter != ctx->expected) {
            if (ctx->rx_gaps++ == 0) {
                ilrs_app_event(app, LOAD_GAP_ERR_EID, ILRS_EVENT_ERROR,
                               "counter from APID 0x%03X jumped from %u to %u",
                               (unsigned)ctx->peer_apid, ctx->expected, counter);
            }
        }
        ctx->seen = true;
        ctx->expected = counter + 1;
        ctx->rx++;
    }
    int rc = ilrs_ccsds_tlm_init(ctx->packet, sizeof ctx->packet, ctx->apid, LOAD_PACKET_LEN,
                                 ilrs_app_time(app));
    if (rc != 0) {
        return rc;
    }
    ilrs_ccsds_set_seq_count(ctx->packet, (uint16_t)(ctx->tx & 0x3FFFu));
    ilrs_put_be32(ctx->packet + ILRS_CCSDS_TLM_HEADER_LEN, ctx->tx);
    ctx->tx++;
    rc = ilrs_app_publish(app, ctx->packet, LOAD_PACKET_LEN);
    /* a pipe drop is the subscriber's loss (reported by SB), not this app's failure */
    return rc == ILRS_EFSW_PIPEFULL || rc == ILRS_EFSW_MSGLIMIT ? 0 : rc;
}

static void load_reset(ilrs_app_t *app, void *vctx)
{
    fsw_load_ctx_t *ctx = vctx;
    ctx->rx_gaps = 0;
    (void)app;
}

int ilrs_fsw_add_load_apps(ilrs_fsw_t *fsw, uint32_t count, double rate_hz)
{
    if (fsw == NULL || count > FSW_APP_MAX_LOAD || fsw->load_count != 0) {
        return ILRS_EINVAL;
    }
    static const char *const names[FSW_APP_MAX_LOAD] = {
        "LOAD00", "LOAD01", "LOAD02", "LOAD03", "LOAD04", "LOAD05", "LOAD06", "LOAD07",
        "LOAD08", "LOAD09", "LOAD10", "LOAD11", "LOAD12", "LOAD13", "LOAD14", "LOAD15",
        "LOAD16", "LOAD17", "LOAD18", "LOAD19", "LOAD20", "LOAD21", "LOAD22", "LOAD23",
        "LOAD24", "LOAD25", "LOAD26", "LOAD27", "LOAD28", "LOAD29", "LOAD30", "LOAD31",
        "LOAD32", "LOAD33", "LOAD34", "LOAD35", "LOAD36", "LOAD37", "LOAD38", "LOAD39",
        "LOAD40", "LOAD41", "LOAD42", "LOAD43", "LOAD44", "LOAD45", "LOAD46", "LOAD47",
        "LOAD48", "LOAD49", "LOAD50", "LOAD51", "LOAD52", "LOAD53", "LOAD54", "LOAD55",
        "LOAD56", "LOAD57", "LOAD58", "LOAD59", "LOAD60", "LOAD61", "LOAD62", "LOAD63",
    };
    for (uint32_t i = 0; i < count; i++) {
        fsw_load_ctx_t *ctx = &fsw->load[i];
        *ctx = (fsw_load_ctx_t){.apid = (uint16_t)(LOAD_APID_BASE + i),
                                .peer_apid = (uint16_t)(LOAD_APID_BASE + (i + 1) % count)};
        ilrs_app_def_t d = {.name = names[i],
                            .description = "bus-load generator",
                            .init = load_init,
                            .step = load_step,
                            .rate_hz = rate_hz,
                            .context = ctx,
                            .reset_counters = load_reset};
        int rc = ilrs_fsw_add_app(fsw, &d, NULL);
        if (rc != 0) {
            return rc;
        }
        fsw->load_count++;
    }
    return 0;
}
