// SPDX-License-Identifier: Apache-2.0
// TBL core app: table commands. TblLoad reads a text file into the table's
// inactive buffer and validates it (field checks and the owning app's callback);
// TblActivate makes a validated load active; TblAbort discards it; TblDump writes
// the active image as text. A rejected load changes nothing active and raises
// TBL_LOAD_ERR with the loader's message (file, line, field, bound).
// Event IDs: fsw_app_tbl_eid.h.
#include "fsw/fsw_app_tbl_eid.h"
#include "fsw/fsw_int.h"

#define PATH_ARG_LEN 128

typedef struct tbl_ctx {
    uint32_t loads_ok, loads_rejected, activations, aborts, dumps, dump_errors, unknown_table;
    uint32_t tables;
} tbl_ctx_t;

static const ilrs_dict_field_t name_arg[] = {
    {.name = "table",
     .type = ILRS_DICT_STRING,
     .length = ILRS_TBL_NAME_MAX,
     .description = "table name"},
};

static const ilrs_dict_field_t path_args[] = {
    {.name = "table",
     .type = ILRS_DICT_STRING,
     .length = ILRS_TBL_NAME_MAX,
     .description = "table name"},
    {.name = "path",
     .type = ILRS_DICT_STRING,
     .length = PATH_ARG_LEN,
     .description = "file path on board"},
};

static ilrs_tbl_t *table_of(ilrs_app_t *app, tbl_ctx_t *ctx, const uint8_t *pkt, size_t len,
                            const char *verb)
{
    char name[ILRS_TBL_NAME_MAX + 1];
    ilrs__cmd_get_string(ilrs__cmd_def(app, pkt), 0, pkt, len, name, sizeof name);
    ilrs_tbl_t *t = ilrs_tbl_find(app->fsw->tables, name);
    if (t == NULL) {
        ctx->unknown_table++;
        ilrs_app_event(app, TBL_NOTABLE_ERR_EID, ILRS_EVENT_ERROR, "%s: no table named '%s'", verb,
                       name);
    }
    return t;
}

static int cmd_load(ilrs_app_t *app, void *vctx, const uint8_t *pkt, size_t len)
{
    tbl_ctx_t *ctx = vctx;
    ilrs_tbl_t *t = table_of(app, ctx, pkt, len, "load");
    if (t == NULL) {
        return ILRS_ENOENT;
    }
    char path[PATH_ARG_LEN + 1];
    ilrs__cmd_get_string(ilrs__cmd_def(app, pkt), 1, pkt, len, path, sizeof path);
    ilrs_tbl_error_t err;
    int rc = ilrs_tbl_load_file(t, path, &err);
    if (rc != 0) {
        ctx->loads_rejected++;
        ilrs_app_event(app, TBL_LOAD_ERR_EID, ILRS_EVENT_ERROR, "%s load rejected: %s",
                       ilrs_tbl_name(t), err.message);
        return rc;
    }
    ctx->loads_ok++;
    ilrs_app_event(app, TBL_LOAD_INF_EID, ILRS_EVENT_INFO,
                   "%s loaded and validated from %s; activate to use", ilrs_tbl_name(t), path);
    return 0;
}

static int cmd_activate(ilrs_app_t *app, void *vctx, const uint8_t *pkt, size_t len)
{
    tbl_ctx_t *ctx = vctx;
    ilrs_tbl_t *t = table_of(app, ctx, pkt, len, "activate");
    if (t == NULL) {
        return ILRS_ENOENT;
    }
    int rc = ilrs_tbl_commit(t);
    if (rc != 0) {
        ilrs_app_event(app, TBL_ACTIVATE_ERR_EID, ILRS_EVENT_ERROR,
                       "%s: nothing to activate (no validated load pending)", ilrs_tbl_name(t));
        return rc;
    }
    ctx->activations++;
    ilrs_app_event(app, TBL_ACTIVATE_INF_EID, ILRS_EVENT_INFO,
                   "%s activated: generation %u, crc 0x%08X", ilrs_tbl_name(t),
                   ilrs_tbl_generation(t), ilrs_tbl_crc(t));
    return 0;
}

static int cmd_abort(ilrs_app_t *app, void *vctx, const uint8_t *pkt, size_t len)
{
    tbl_ctx_t *ctx = vctx;
    ilrs_tbl_t *t = table_of(app, ctx, pkt, len, "abort");
    if (t == NULL) {
        return ILRS_ENOENT;
    }
    int rc = ilrs_tbl_abort(t);
    if (rc != 0) {
        ilrs_app_event(app, TBL_ACTIVATE_ERR_EID, ILRS_EVENT_ERROR,
                       "%s: nothing to activate (no validated load pending)", ilrs_tbl_name(t));
        return rc;
    }
    ctx->aborts++;
    ilrs_app_event(app, TBL_ABORT_INF_EID, ILRS_EVENT_INFO, "%s: pending load discarded",
                   ilrs_tbl_name(t));
    return 0;
}

static int cmd_dump(ilrs_app_t *app, void *vctx, const uint8_t *pkt, size_t len)
{
    tbl_ctx_t *ctx = vctx;
    ilrs_tbl_t *t = table_of(app, ctx, pkt, len, "dump");
    if (t == NULL) {
        return ILRS_ENOENT;
    }
    char path[PATH_ARG_LEN + 1];
    ilrs__cmd_get_string(ilrs__cmd_def(app, pkt), 1, pkt, len, path, sizeof path);
    int rc = ilrs_tbl_dump_file(t, path);
    if (rc != 0) {
        ctx->dump_errors++;
        ilrs_app_event(app, TBL_DUMP_ERR_EID, ILRS_EVENT_ERROR, "%s dump to %s failed: %s",
                       ilrs_tbl_name(t), path, ilrs_strerror(rc));
        return rc;
    }
    ctx->dumps++;
    ilrs_app_event(app, TBL_DUMP_INF_EID, ILRS_EVENT_INFO, "%s dumped to %s", ilrs_tbl_name(t),
                   path);
    return 0;
}

static int tbl_init(ilrs_app_t *app, void *vctx)
{
    tbl_ctx_t *ctx = vctx;
    static const struct {
        uint16_t id;
        const char *name;
        ilrs_event_severity_t sev;
        const char *format;
        const char *description;
    } events[] = {
        {TBL_LOAD_INF_EID, "TBL_LOAD_INF", ILRS_EVENT_INFO,
         "%s loaded and validated from %s; activate to use", "a table load passed validation"},
        {TBL_LOAD_ERR_EID, "TBL_LOAD_ERR", ILRS_EVENT_ERROR, "%s load rejected: %s",
         "a table load failed (unreadable or corrupt file, syntax, unknown or missing field, "
         "value out of range, CRC, app validation); the active table is unchanged"},
        {TBL_ACTIVATE_INF_EID, "TBL_ACTIVATE_INF", ILRS_EVENT_INFO,
         "%s activated: generation %u, crc 0x%08X", "a validated load became active"},
        {TBL_ACTIVATE_ERR_EID, "TBL_ACTIVATE_ERR", ILRS_EVENT_ERROR,
         "%s: nothing to activate (no validated load pending)",
         "activate or abort without a pending load"},
        {TBL_DUMP_INF_EID, "TBL_DUMP_INF", ILRS_EVENT_INFO, "%s dumped to %s",
         "the active image was written as text"},
        {TBL_DUMP_ERR_EID, "TBL_DUMP_ERR", ILRS_EVENT_ERROR, "%s dump to %s failed: %s",
         "a dump could not be written"},
        {TBL_NOTABLE_ERR_EID, "TBL_NOTABLE_ERR", ILRS_EVENT_ERROR, "%s: no table named '%s'",
         "a table command named an unknown table"},
        {TBL_ABORT_INF_EID, "TBL_ABORT_INF", ILRS_EVENT_INFO, "%s: pending load discarded",
         "a validated load was discarded"},
    };
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof events / sizeof events[0]; i++) {
        rc = ilrs_app_register_event(app, events[i].id, events[i].name, events[i].sev,
                                     events[i].format, events[i].description);
    }
    if (rc == 0) {
        rc = ilrs__app_command(app, "TblLoad", 2,
                               "load a table file into the inactive buffer and validate it",
                               path_args, 2, cmd_load);
    }
    if (rc == 0) {
        rc = ilrs__app_command(app, "TblActivate", 3, "make a validated load active", name_arg, 1,
                               cmd_activate);
    }
    if (rc == 0) {
        rc = ilrs__app_command(app, "TblAbort", 4, "discard a validated load", name_arg, 1,
                               cmd_abort);
    }
    if (rc == 0) {
        rc = ilrs__app_command(app, "TblDump", 5, "write the active table as a text file",
                               path_args, 2, cmd_dump);
    }
    const struct {
        const char *name;
        const void *ptr;
    } counters[] = {
        {"loads_ok", &ctx->loads_ok},
        {"loads_rejected", &ctx->loads_rejected},
        {"activations", &ctx->activations},
        {"aborts", &ctx->aborts},
        {"dumps", &ctx->dumps},
        {"dump_errors", &ctx->dump_errors},
        {"unknown_table", &ctx->unknown_table},
        {"tables", &ctx->tables},
    };
    for (size_t i = 0; rc == 0 && i < sizeof counters / sizeof counters[0]; i++) {
        rc = ilrs_app_hk_counter(app, counters[i].name, NULL, ILRS_DICT_U32, counters[i].ptr);
    }
    return rc;
}

static int tbl_step(ilrs_app_t *app, void *vctx)
{
    ((tbl_ctx_t *)vctx)->tables = (uint32_t)ilrs_tbl_count(app->fsw->tables);
    return 0;
}

static void tbl_reset(ilrs_app_t *app, void *vctx)
{
    tbl_ctx_t *ctx = vctx;
    uint32_t tables = ctx->tables;
    *ctx = (tbl_ctx_t){.tables = tables};
    (void)app;
}

const ilrs_app_def_t ilrs__app_tbl_def = {
    .name = "TBL",
    .description = "parameter tables: load, validate, activate, dump",
    .init = tbl_init,
    .step = tbl_step,
    .rate_hz = 1,
    .priority = -60,
    .context_size = sizeof(tbl_ctx_t),
    .reset_counters = tbl_reset,
};
