// SPDX-License-Identifier: Apache-2.0
// The flight instance: creates and wires the bus, time service, executive, event
// service, table registry and dictionary; adds the core apps; gives apps their
// services (publish/receive, events, tables, dictionary registration); ingests
// commands (size limit, dictionary check, routing on the bus, dispatch to the app's
// handler before its next step). Depends on every fsw service, ccsds and dict.
//
// Invariants
// - Everything is allocated in ilrs_fsw_create(), ilrs_fsw_add_app() and
//   ilrs_fsw_start() (HK buffers); running never allocates.
// - A command reaches an app only after ilrs_dict_check_command() accepted it, and
//   every rejection is counted once and raises exactly one CMD event.
// - The event sink and the bus drop hook may call each other (an event packet
//   dropped raises a drop event...): drop_depth stops that at one level.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsw/fsw_app_cmd_eid.h"
#include "fsw/fsw_app_exec_eid.h"
#include "fsw/fsw_app_sb_eid.h"
#include "fsw/fsw_int.h"

#define DEFAULT_HK_INTERVAL 4u
#define DEFAULT_CMD_MAX     1024u
#define DEFAULT_RATE_LIMIT  20u
#define DEFAULT_MAX_TABLES  64u
#define DEFAULT_PIPE_DEPTH  16u

/* ---- small helpers ---------------------------------------------------------- */

uint32_t ilrs__core_slot(uint32_t minor_hz, double rate_hz, uint32_t percent)
{
    uint32_t period = (uint32_t)((double)minor_hz / rate_hz + 0.5);
    return period <= 1 ? 0 : (uint32_t)((uint64_t)period * percent / 100u) % period;
}

static ilrs_app_t *app_of_apid(const ilrs_fsw_t *fsw, uint16_t apid)
{
    uint16_t owner = fsw->apid_owner[apid & ILRS_CCSDS_APID_MAX];
    return owner == 0 ? NULL : ilrs_exec_app_at(fsw->exec, owner - 1u);
}

void ilrs__cmd_get_string(const ilrs_dict_command_t *cmd, size_t arg, const uint8_t *pkt,
                          size_t len, char *out, size_t cap)
{
    out[0] = '\0';
    if (cmd == NULL || arg >= cmd->arg_count || cap == 0) {
        return;
    }
    const ilrs_dict_field_t *f = &cmd->args[arg];
    size_t n = f->length;
    if ((size_t)f->offset + n > len) {
        return;
    }
    if (n >= cap) {
        n = cap - 1;
    }
    memcpy(out, pkt + f->offset, n);
    out[n] = '\0';
}

const ilrs_dict_command_t *ilrs__cmd_def(const ilrs_app_t *app, const uint8_t *pkt)
{
    return ilrs_dict_find_command(app->fsw->dict, app->apid, (uint8_t)(pkt[6] & 0x7Fu));
}

/* "EXEC" -> "Exec", "MY_APP" -> "MyApp": the prefix of an app's command names. */
static void camel_prefix(const char *app, char *out, size_t cap)
{
    size_t n = 0;
    bool upper = true;
    for (const char *p = app; *p != '\0' && n + 1 < cap; p++) {
        if (*p == '_') {
            upper = true;
            continue;
        }
        char c = *p;
        if (!upper && c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        out[n++] = c;
        upper = false;
    }
    out[n] = '\0';
}

/* ---- events ----------------------------------------------------------------- */

int ilrs_app_event(ilrs_app_t *app, uint16_t event_id, ilrs_event_severity_t severity,
                   const char *fmt, ...)
{
    if (app == NULL || app->fsw == NULL) {
        return ILRS_EFSW_APP;
    }
    if (severity >= ILRS_EVENT_ERROR) {
        app->error_events++;
    }
    va_list ap;
    va_start(ap, fmt);
    int rc = ilrs_evs_vsend(app->fsw->evs, (uint16_t)app->index, event_id, severity, fmt, ap);
    va_end(ap);
    return rc;
}

int ilrs_app_register_event(ilrs_app_t *app, uint16_t event_id, const char *name,
                            ilrs_event_severity_t severity, const char *format,
                            const char *description)
{
    if (app == NULL || app->fsw == NULL) {
        return ILRS_EFSW_APP;
    }
    const ilrs_dict_event_t *old = ilrs_dict_find_event(app->fsw->dict, app->name, event_id);
    if (old != NULL && app->initialised_once && name != NULL && strcmp(old->name, name) == 0) {
        return 0; /* re-registration after a restart */
    }
    ilrs_dict_event_t ev = {.app = app->name,
                            .id = event_id,
                            .name = name,
                            .severity = severity,
                            .format = format,
                            .description = description};
    return ilrs_dict_add_event(app->fsw->dict, &ev);
}

/* Event sink: every sent event also travels as a packet on the bus. */
static void event_sink(void *user, const ilrs_evs_record_t *record)
{
    ilrs_fsw_t *fsw = user;
    size_t len = 0;
    if (ilrs_evs_packet_encode(record, ILRS_FSW_APID_EVENTS, fsw->event_pkt, sizeof fsw->event_pkt,
                               &len) != 0) {
        fsw->event_packet_failures++;
        return;
    }
    // Per-APID sequence count (133.0-B-2 §4.1.3.4.2.3): the encoder leaves it 0,
    // and a ground that drops repeated counts as duplicates would keep one event.
    ilrs_ccsds_set_seq_count(fsw->event_pkt, (uint16_t)(fsw->event_packets & 0x3FFFu));
    fsw->drop_depth++;
    int rc = ilrs_bus_publish(fsw->bus, fsw->event_pkt, len);
    fsw->drop_depth--;
    if (rc == 0) {
        fsw->event_packets++;
    } else {
        fsw->event_packet_failures++;
    }
}

static ilrs_tai_t event_clock(void *user)
{
    return ilrs_time_now(((ilrs_fsw_t *)user)->time);
}

static const char *drop_reason_text(ilrs_bus_drop_reason_t r)
{
    switch (r) {
    case ILRS_BUS_DROP_PIPE_FULL:
        return "pipe full";
    case ILRS_BUS_DROP_MSG_LIMIT:
        return "message limit of the pipe reached";
    case ILRS_BUS_DROP_NO_BUFFER:
        return "no free buffer";
    case ILRS_BUS_DROP_INVALID:
        return "malformed packet";
    }
    return "unknown reason";
}

static void drop_hook(void *user, ilrs_bus_drop_reason_t reason, ilrs_msgid_t msgid,
                      ilrs_pipe_id_t pipe)
{
    ilrs_fsw_t *fsw = user;
    if (fsw->drop_depth > 0) {
        return; /* the drop of an event packet: counted by the bus, not re-reported */
    }
    ilrs_bus_pipe_stats_t ps = {0};
    const char *pipe_name = "-";
    if (pipe != ILRS_BUS_PIPE_NONE && ilrs_bus_get_pipe_stats(fsw->bus, pipe, &ps) == 0) {
        pipe_name = ps.name;
    }
    ilrs_app_event(fsw->core[CORE_SB], SB_DROP_ERR_EID, ILRS_EVENT_ERROR,
                   "message 0x%04X dropped: %s (pipe %s)", (unsigned)msgid,
                   drop_reason_text(reason), pipe_name);
}

/* Executive notices become EXEC events. */
static void exec_notice(void *user, ilrs_exec_notice_t what, ilrs_app_t *app, int64_t code)
{
    ilrs_fsw_t *fsw = user;
    ilrs_app_t *ex = fsw->core[CORE_EXEC];
    const char *name = app != NULL ? app->name : "-";
    switch (what) {
    case ILRS_EXEC_NOTICE_STEP_FAIL:
        ilrs_app_event(ex, EXEC_APP_FAIL_ERR_EID, ILRS_EVENT_ERROR,
                       "%s step failed: %s (failure %u)", name, ilrs_errname((int)code),
                       app != NULL ? app->failures_since_restart : 0u);
        break;
    case ILRS_EXEC_NOTICE_INIT_FAIL:
        ilrs_app_event(ex, EXEC_APP_INITFAIL_ERR_EID, ILRS_EVENT_ERROR,
                       "%s init failed: %s (failure %u)", name, ilrs_errname((int)code),
                       app != NULL ? app->failures_since_restart : 0u);
        break;
    case ILRS_EXEC_NOTICE_RESTARTED:
        ilrs_app_event(ex, EXEC_APP_RESTART_INF_EID, ILRS_EVENT_INFO, "%s restarted (restart %llu)",
                       name, app != NULL ? (unsigned long long)app->restarts : 0ull);
        break;
    case ILRS_EXEC_NOTICE_DISABLED:
        ilrs_app_event(ex, EXEC_APP_DISABLED_CRIT_EID, ILRS_EVENT_CRITICAL,
                       "%s disabled after %u failures", name,
                       app != NULL ? app->failures_since_restart : 0u);
        break;
    case ILRS_EXEC_NOTICE_OVERRUN:
        ilrs_app_event(ex, EXEC_APP_OVERRUN_ERR_EID, ILRS_EVENT_ERROR,
                       "%s overran its budget: %lld us > %lld us", name, (long long)(code / 1000),
                       app != NULL ? (long long)(app->def.budget_ns / 1000) : 0ll);
        break;
    case ILRS_EXEC_NOTICE_SLIP:
        ilrs_app_event(ex, EXEC_FRAME_SLIP_ERR_EID, ILRS_EVENT_ERROR,
                       "minor frame started %lld us late", (long long)(code / 1000));
        break;
    }
}

/* ---- command dispatch (before each step) ---------------------------------------- */

static int dispatch_commands(void *user, ilrs_app_t *app)
{
    ilrs_fsw_t *fsw = user;
    int handled = 0;
    if (!app->has_cmd_pipe) {
        return 0;
    }
    const uint8_t *pkt;
    size_t len;
    while (ilrs_bus_receive(fsw->bus, app->cmd_pipe, &pkt, &len) == 0) {
        handled++;
        uint8_t fc = (uint8_t)(pkt[6] & 0x7Fu);
        const fsw_cmd_slot_t *slot = NULL;
        for (uint32_t i = 0; i < app->cmd_count; i++) {
            if (app->cmds[i].function_code == fc) {
                slot = &app->cmds[i];
                break;
            }
        }
        uint64_t errors_before = app->error_events;
        int rc = slot != NULL ? slot->fn(app, app->ctx, pkt, len) : ILRS_EFSW_CMD;
        if (rc == 0) {
            app->cmd_accepted++;
            continue;
        }
        app->cmd_rejected++;
        fsw->cmd.handler_rejected++;
        if (app->error_events == errors_before) {
            ilrs_app_event(app, FSW_EID_CMD_FAIL, ILRS_EVENT_ERROR,
                           "%s command %s (function code %u) rejected: %s", app->name,
                           slot != NULL && slot->def != NULL ? slot->def->name : "?", fc,
                           ilrs_strerror(rc));
        }
        if (app->state != ILRS_APP_RUNNING) {
            break; /* the command stopped the app: leave the rest for later */
        }
    }
    return handled;
}

/* Standard commands every app has. */
static int cmd_noop(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    (void)ctx;
    (void)pkt;
    (void)len;
    ilrs_app_event(app, FSW_EID_NOOP, ILRS_EVENT_INFO, "%s no-op (ilrs %s)", app->name,
                   ilrs_version());
    return 0;
}

static int cmd_reset(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    (void)pkt;
    (void)len;
    app->cmd_accepted = 0;
    app->cmd_rejected = 0;
    if (app->def.reset_counters != NULL) {
        app->def.reset_counters(app, ctx);
    }
    ilrs_app_event(app, FSW_EID_RESET, ILRS_EVENT_INFO, "%s counters reset", app->name);
    /* the reset command itself counts as accepted after the reset */
    return 0;
}

/* ---- dictionary registrations ---------------------------------------------------- */

int ilrs_app_register_packet(ilrs_app_t *app, const ilrs_dict_packet_t *packet,
                             const ilrs_dict_packet_t **stored)
{
    if (stored != NULL) {
        *stored = NULL;
    }
    if (app == NULL || app->fsw == NULL || packet == NULL) {
        return ILRS_EINVAL;
    }
    const ilrs_dict_packet_t *old =
        packet->name != NULL ? ilrs_dict_find_packet_by_name(app->fsw->dict, packet->name) : NULL;
    if (old != NULL && app->initialised_once && old->apid == packet->apid) {
        if (stored != NULL) {
            *stored = old;
        }
        return 0;
    }
    ilrs_dict_packet_t p = *packet;
    if (p.owner == NULL) {
        p.owner = ILRS_DICT_OWNER_STATION;
    }
    if (p.app == NULL) {
        p.app = app->name;
    }
    return ilrs_dict_add_packet(app->fsw->dict, &p, stored);
}

int ilrs_app_register_command(ilrs_app_t *app, const ilrs_dict_command_t *command,
                              ilrs_app_cmd_fn handler, const ilrs_dict_command_t **stored)
{
    if (stored != NULL) {
        *stored = NULL;
    }
    if (app == NULL || app->fsw == NULL || command == NULL || handler == NULL ||
        command->function_code > 127) {
        return ILRS_EINVAL;
    }
    for (uint32_t i = 0; i < app->cmd_count; i++) {
        if (app->cmds[i].function_code == command->function_code) {
            if (!app->initialised_once || app->cmds[i].function_code < 2) {
                return ILRS_EEXIST;
            }
            app->cmds[i].fn = handler; /* re-registration after a restart */
            if (stored != NULL) {
                *stored = app->cmds[i].def;
            }
            return 0;
        }
    }
    if (app->cmd_count >= FSW_APP_MAX_COMMANDS) {
        return ILRS_ELIMIT;
    }
    ilrs_dict_command_t c = *command;
    c.apid = app->apid;
    if (c.owner == NULL) {
        c.owner = ILRS_DICT_OWNER_STATION;
    }
    if (c.app == NULL) {
        c.app = app->name;
    }
    const ilrs_dict_command_t *s = NULL;
    int rc = ilrs_dict_add_command(app->fsw->dict, &c, &s);
    if (rc != 0) {
        return rc;
    }
    app->cmds[app->cmd_count++] =
        (fsw_cmd_slot_t){.function_code = c.function_code, .fn = handler, .def = s};
    if (stored != NULL) {
        *stored = s;
    }
    return 0;
}

int ilrs__app_command(ilrs_app_t *app, const char *name, uint8_t fc, const char *description,
                      const ilrs_dict_field_t *args, size_t arg_count, ilrs_app_cmd_fn fn)
{
    ilrs_dict_command_t c = {.name = name,
                             .function_code = fc,
                             .description = description,
                             .args = args,
                             .arg_count = arg_count};
    return ilrs_app_register_command(app, &c, fn, NULL);
}

int ilrs_app_register_table(ilrs_app_t *app, const ilrs_tbl_def_t *def, ilrs_tbl_t **table,
                            ilrs_tbl_error_t *error)
{
    if (table != NULL) {
        *table = NULL;
    }
    if (app == NULL || app->fsw == NULL || def == NULL) {
        return ILRS_EINVAL;
    }
    ilrs_tbl_t *old = def->name != NULL ? ilrs_tbl_find(app->fsw->tables, def->name) : NULL;
    if (old != NULL && app->initialised_once) {
        if (table != NULL) {
            *table = old; /* restart: the table and its active image survive */
        }
        return 0;
    }
    ilrs_tbl_def_t d = *def;
    if (d.app == NULL) {
        d.app = app->name;
    }
    return ilrs_tbl_register(app->fsw->tables, &d, table, error);
}

/* ---- bus services ------------------------------------------------------------------ */

uint16_t ilrs_app_apid(const ilrs_app_t *app)
{
    return app->apid;
}

ilrs_tai_t ilrs_app_time(const ilrs_app_t *app)
{
    return ilrs_time_now(app->exec->time);
}

int ilrs_app_publish(ilrs_app_t *app, const void *packet, size_t len)
{
    if (app == NULL || app->fsw == NULL) {
        return ILRS_EFSW_APP;
    }
    return ilrs_bus_publish(app->fsw->bus, packet, len);
}

static uint32_t pipe_depth(const ilrs_app_t *app)
{
    return app->def.pipe_depth == 0 ? DEFAULT_PIPE_DEPTH : app->def.pipe_depth;
}

int ilrs_app_subscribe(ilrs_app_t *app, ilrs_msgid_t msgid, uint32_t msg_limit)
{
    if (app == NULL || app->fsw == NULL) {
        return ILRS_EFSW_APP;
    }
    if (!app->has_data_pipe) {
        char name[ILRS_BUS_PIPE_NAME_MAX];
        snprintf(name, sizeof name, "%s_DATA", app->name);
        int rc = ilrs_bus_pipe_create(app->fsw->bus, name, pipe_depth(app), &app->data_pipe);
        if (rc != 0) {
            return rc;
        }
        app->has_data_pipe = true;
    }
    return ilrs_bus_subscribe(app->fsw->bus, app->data_pipe, msgid, msg_limit);
}

int ilrs_app_receive(ilrs_app_t *app, const uint8_t **packet, size_t *len)
{
    if (packet != NULL) {
        *packet = NULL;
    }
    if (len != NULL) {
        *len = 0;
    }
    if (app == NULL || app->fsw == NULL) {
        return ILRS_EFSW_APP;
    }
    if (!app->has_data_pipe) {
        return ILRS_EEMPTY;
    }
    return ilrs_bus_receive(app->fsw->bus, app->data_pipe, packet, len);
}

/* ---- apps ---------------------------------------------------------------------------- */

static const ilrs_dict_event_t std_events[] = {
    {.id = FSW_EID_NOOP,
     .name = "NOOP_INF",
     .severity = ILRS_EVENT_INFO,
     .format = "%s no-op (ilrs %s)",
     .description = "no-op command received"},
    {.id = FSW_EID_RESET,
     .name = "RESET_INF",
     .severity = ILRS_EVENT_INFO,
     .format = "%s counters reset",
     .description = "reset-counters command received"},
    {.id = FSW_EID_CMD_FAIL,
     .name = "CMD_ERR",
     .severity = ILRS_EVENT_ERROR,
     .format = "%s command %s (function code %u) rejected: %s",
     .description = "the app's handler refused a command that passed the dictionary check"},
};

static int add_standard_entries(ilrs_fsw_t *fsw, ilrs_app_t *app)
{
    char prefix[ILRS_APP_NAME_MAX];
    camel_prefix(app->name, prefix, sizeof prefix);
    char noop[ILRS_DICT_NAME_MAX], reset[ILRS_DICT_NAME_MAX];
    snprintf(noop, sizeof noop, "%sNoop", prefix);
    snprintf(reset, sizeof reset, "%sResetCounters", prefix);
    int rc =
        ilrs__app_command(app, noop, 0, "no operation; raises a NOOP event", NULL, 0, cmd_noop);
    if (rc == 0) {
        rc = ilrs__app_command(app, reset, 1, "zero the app's command and HK counters", NULL, 0,
                               cmd_reset);
    }
    for (size_t i = 0; rc == 0 && i < sizeof std_events / sizeof std_events[0]; i++) {
        char name[ILRS_DICT_NAME_MAX];
        snprintf(name, sizeof name, "%s_%s", app->name, std_events[i].name);
        rc = ilrs_app_register_event(app, std_events[i].id, name, std_events[i].severity,
                                     std_events[i].format, std_events[i].description);
    }
    (void)fsw;
    return rc;
}

int ilrs_fsw_add_app(ilrs_fsw_t *fsw, const ilrs_app_def_t *def, ilrs_app_t **app_out)
{
    if (app_out != NULL) {
        *app_out = NULL;
    }
    if (fsw == NULL || def == NULL) {
        return ILRS_EINVAL;
    }
    if (fsw->started) {
        return ILRS_ESTATE;
    }
    uint16_t apid = def->apid;
    if (apid == 0) {
        while (fsw->next_user_apid < ILRS_CCSDS_APID_IDLE &&
               (fsw->apid_owner[fsw->next_user_apid] != 0 ||
                ilrs_dict_find_packet(fsw->dict, fsw->next_user_apid) != NULL)) {
            fsw->next_user_apid++;
        }
        if (fsw->next_user_apid >= ILRS_CCSDS_APID_IDLE) {
            return ILRS_ELIMIT;
        }
        apid = fsw->next_user_apid;
    }
    if (apid >= ILRS_CCSDS_APID_IDLE) {
        return ILRS_ECCSDS_APID;
    }
    if (fsw->apid_owner[apid] != 0 || ilrs_dict_find_packet(fsw->dict, apid) != NULL) {
        return ILRS_EEXIST;
    }
    ilrs_app_t *app = NULL;
    int rc = ilrs_exec_add_app(fsw->exec, def, &app);
    if (rc != 0) {
        return rc;
    }
    /* From here a failure leaves a registered-but-unusable app in the executive;
     * the caller treats any error as fatal for the instance (init time). */
    app->fsw = fsw;
    app->apid = apid;
    ilrs_evs_app_config_t ec = {.name = app->name,
                                .rate_limit_events = fsw->evs_rate_limit,
                                .rate_limit_window = ILRS_NS_PER_S};
    rc = ilrs_evs_register(fsw->evs, (uint16_t)app->index, &ec);
    if (rc != 0) {
        goto out_disable;
    }
    char name[ILRS_BUS_PIPE_NAME_MAX];
    snprintf(name, sizeof name, "%s_CMD", app->name);
    rc = ilrs_bus_pipe_create(fsw->bus, name, pipe_depth(app), &app->cmd_pipe);
    if (rc != 0) {
        goto out_disable;
    }
    app->has_cmd_pipe = true;
    rc = ilrs_bus_subscribe(fsw->bus, app->cmd_pipe, ilrs_msgid_cmd(apid), 0);
    if (rc != 0) {
        goto out_disable;
    }
    rc = add_standard_entries(fsw, app);
    if (rc != 0) {
        goto out_disable;
    }
    fsw->apid_owner[apid] = (uint16_t)(app->index + 1u);
    if (app_out != NULL) {
        *app_out = app;
    }
    return 0;
out_disable:
    ilrs_exec_disable_app(fsw->exec, app);
    return rc;
}

static int add_core_app(ilrs_fsw_t *fsw, const ilrs_app_def_t *def, uint16_t apid, uint32_t percent,
                        enum fsw_core_app which)
{
    ilrs_app_def_t d = *def;
    d.apid = apid;
    d.slot = ilrs__core_slot(fsw->exec->cfg.minor_hz, d.rate_hz, percent);
    return ilrs_fsw_add_app(fsw, &d, &fsw->core[which]);
}

int ilrs_fsw_create(const ilrs_fsw_config_t *config, ilrs_fsw_t **out)
{
    if (out == NULL) {
        return ILRS_EINVAL;
    }
    *out = NULL;
    ilrs_fsw_config_t cfg = {0};
    if (config != NULL) {
        cfg = *config;
    }
    if (cfg.hk_interval_s > 86400u || (cfg.cmd_max_len != 0 && cfg.cmd_max_len < 8u) ||
        cfg.cmd_max_len > ILRS_CCSDS_MAX_PACKET_LEN) {
        return ILRS_EINVAL;
    }
    ilrs_fsw_t *fsw = calloc(1, sizeof *fsw);
    if (fsw == NULL) {
        return ILRS_ENOMEM;
    }
    int rc;
    fsw->hk_interval_s = cfg.hk_interval_s == 0 ? DEFAULT_HK_INTERVAL : cfg.hk_interval_s;
    fsw->cmd_max_len = cfg.cmd_max_len == 0 ? DEFAULT_CMD_MAX : cfg.cmd_max_len;
    fsw->evs_rate_limit = cfg.evs_rate_limit == 0 ? DEFAULT_RATE_LIMIT : cfg.evs_rate_limit;
    fsw->next_user_apid = ILRS_FSW_APID_USER_BASE;
    if (cfg.exec.max_apps == 0) {
        cfg.exec.max_apps = 64;
    }
    if (cfg.evs.max_apps == 0) {
        cfg.evs.max_apps = cfg.exec.max_apps;
    }
    if (cfg.bus.max_pipes == 0) {
        /* a command and a data pipe per app, and room for monitors and links */
        cfg.bus.max_pipes = 2u * cfg.exec.max_apps + 16u;
    }
    if ((rc = ilrs_time_create(&cfg.time, &fsw->time)) != 0 ||
        (rc = ilrs_exec_create(&cfg.exec, fsw->time, &fsw->exec)) != 0 ||
        (rc = ilrs_bus_create(&cfg.bus, &fsw->bus)) != 0 ||
        (rc = ilrs_evs_create(&cfg.evs, &fsw->evs)) != 0 ||
        (rc = ilrs_tbl_registry_create(cfg.max_tables == 0 ? DEFAULT_MAX_TABLES : cfg.max_tables,
                                       &fsw->tables)) != 0 ||
        (rc = ilrs_dict_create(&fsw->dict)) != 0) {
        goto out_destroy;
    }
    ilrs_evs_set_clock(fsw->evs, event_clock, fsw);
    ilrs_evs_set_sink(fsw->evs, event_sink, fsw);
    ilrs_bus_set_drop_hook(fsw->bus, drop_hook, fsw);
    ilrs_exec_set_notice_hook(fsw->exec, exec_notice, fsw);
    fsw->exec->pre_step = dispatch_commands;
    fsw->exec->pre_step_user = fsw;

    ilrs_dict_packet_t evdef;
    ilrs_evs_packet_def(ILRS_FSW_APID_EVENTS, &evdef);
    if ((rc = ilrs_dict_add_packet(fsw->dict, &evdef, NULL)) != 0) {
        goto out_destroy;
    }
    /* Core apps, at 1 Hz, spread over the second; HK last. */
    if ((rc = add_core_app(fsw, &ilrs__app_exec_def, ILRS_FSW_APID_EXEC, 0, CORE_EXEC)) != 0 ||
        (rc = add_core_app(fsw, &ilrs__app_cmd_def, ILRS_FSW_APID_CMD, 5, CORE_CMD)) != 0 ||
        (rc = add_core_app(fsw, &ilrs__app_evs_def, ILRS_FSW_APID_EVS, 10, CORE_EVS)) != 0 ||
        (rc = add_core_app(fsw, &ilrs__app_sb_def, ILRS_FSW_APID_SB, 20, CORE_SB)) != 0 ||
        (rc = add_core_app(fsw, &ilrs__app_time_def, ILRS_FSW_APID_TIME, 30, CORE_TIME)) != 0 ||
        (rc = add_core_app(fsw, &ilrs__app_tbl_def, ILRS_FSW_APID_TBL, 40, CORE_TBL)) != 0 ||
        (rc = add_core_app(fsw, &ilrs__app_hk_def, ILRS_FSW_APID_HK, 90, CORE_HK)) != 0) {
        goto out_destroy;
    }
    /* Apps the configuration names. */
    for (size_t i = 0; i < cfg.app_count; i++) {
        const ilrs_app_def_t *found = NULL;
        for (size_t k = 0; cfg.apps[i] != NULL && k < cfg.registry_count; k++) {
            if (cfg.registry[k].name != NULL && strcmp(cfg.registry[k].name, cfg.apps[i]) == 0) {
                found = &cfg.registry[k];
                break;
            }
        }
        if (found == NULL) {
            ilrs_log(ILRS_LOG_ERROR, "fsw", "configured app '%s' is not in the app registry",
                     cfg.apps[i] != NULL ? cfg.apps[i] : "(null)");
            rc = ILRS_EFSW_APP;
            goto out_destroy;
        }
        if ((rc = ilrs_fsw_add_app(fsw, found, NULL)) != 0) {
            ilrs_log(ILRS_LOG_ERROR, "fsw", "app '%s' refused: %s", found->name, ilrs_strerror(rc));
            goto out_destroy;
        }
    }
    *out = fsw;
    return 0;
out_destroy:
    ilrs_fsw_destroy(fsw);
    return rc;
}

void ilrs_fsw_destroy(ilrs_fsw_t *fsw)
{
    if (fsw == NULL) {
        return;
    }
    /* Apps first (their fini may still use services), then the services. */
    ilrs_exec_destroy(fsw->exec);
    ilrs_evs_destroy(fsw->evs);
    ilrs_bus_destroy(fsw->bus);
    ilrs_tbl_registry_destroy(fsw->tables);
    ilrs_dict_destroy(fsw->dict);
    ilrs_time_destroy(fsw->time);
    free(fsw);
}

int ilrs_fsw_start(ilrs_fsw_t *fsw)
{
    if (fsw->started) {
        return ILRS_ESTATE;
    }
    int rc = ilrs_exec_start(fsw->exec);
    if (rc != 0) {
        return rc;
    }
    fsw->started = true;
    for (uint32_t i = 0; i < ilrs_exec_app_count(fsw->exec); i++) {
        rc = ilrs__hk_define(fsw, ilrs_exec_app_at(fsw->exec, i));
        if (rc != 0) {
            ilrs_log(ILRS_LOG_ERROR, "fsw", "HK packet of %s refused by the dictionary: %s",
                     ilrs_exec_app_at(fsw->exec, i)->name, ilrs_strerror(rc));
            return rc;
        }
    }
    ilrs_exec_stats_t st;
    ilrs_exec_get_stats(fsw->exec, &st);
    ilrs_app_event(fsw->core[CORE_EXEC], EXEC_STARTED_INF_EID, ILRS_EVENT_INFO,
                   "flight software started: %u apps, %u running, minor frame %u Hz", st.apps,
                   st.apps_running, fsw->exec->cfg.minor_hz);
    return 0;
}

int ilrs_fsw_run(ilrs_fsw_t *fsw, int64_t duration_ns)
{
    if (!fsw->started) {
        int rc = ilrs_fsw_start(fsw);
        if (rc != 0) {
            return rc;
        }
    }
    return ilrs_exec_run(fsw->exec, duration_ns);
}

/* ---- command ingest ---------------------------------------------------------------------- */

int ilrs_fsw_command(ilrs_fsw_t *fsw, const uint8_t *pkt, size_t len)
{
    if (fsw == NULL) {
        return ILRS_EINVAL;
    }
    ilrs_app_t *cmd_app = fsw->core[CORE_CMD];
    if (pkt == NULL) {
        fsw->cmd.malformed++;
        ilrs_app_event(cmd_app, CMD_MALFORMED_ERR_EID, ILRS_EVENT_ERROR,
                       "malformed command (%zu octets): %s: %s", len, ilrs_errname(ILRS_EINVAL),
                       "no packet");
        return ILRS_EINVAL;
    }
    if (len > fsw->cmd_max_len) {
        fsw->cmd.oversize++;
        ilrs_app_event(cmd_app, CMD_OVERSIZE_ERR_EID, ILRS_EVENT_ERROR,
                       "command of %zu octets exceeds the %u-octet limit", len, fsw->cmd_max_len);
        return ILRS_EOVERFLOW;
    }
    ilrs_dict_check_t check;
    int rc = ilrs_dict_check_command(fsw->dict, pkt, len, &check);
    if (rc == ILRS_EFSW_CMD) {
        if (check.command == NULL) {
            fsw->cmd.unknown++;
            ilrs_app_event(cmd_app, CMD_UNKNOWN_ERR_EID, ILRS_EVENT_ERROR,
                           "unknown command, message ID 0x%04X function code %u: %s",
                           len >= 6 ? (unsigned)ilrs_msgid_of(pkt) : 0u,
                           len >= 7 ? (unsigned)(pkt[6] & 0x7Fu) : 0u, check.detail);
        } else {
            fsw->cmd.bad_length++;
            ilrs_app_event(cmd_app, CMD_LENGTH_ERR_EID, ILRS_EVENT_ERROR,
                           "command %s: wrong length %zu (expected %u): %s", check.command->name,
                           len, check.command->length, check.detail);
        }
        return rc;
    }
    if (rc == ILRS_EFSW_ARG) {
        fsw->cmd.bad_argument++;
        ilrs_app_event(cmd_app, CMD_ARG_ERR_EID, ILRS_EVENT_ERROR, "command %s: %s",
                       check.command != NULL ? check.command->name : "?", check.detail);
        return rc;
    }
    if (rc != 0) {
        fsw->cmd.malformed++;
        ilrs_app_event(cmd_app, CMD_MALFORMED_ERR_EID, ILRS_EVENT_ERROR,
                       "malformed command (%zu octets): %s: %s", len, ilrs_errname(rc),
                       check.detail[0] != '\0' ? check.detail : ilrs_strerror(rc));
        return rc;
    }
    ilrs_app_t *target = app_of_apid(fsw, ilrs_ccsds_get_apid(pkt));
    if (target == NULL || !target->has_cmd_pipe) {
        fsw->cmd.no_route++;
        ilrs_app_event(cmd_app, CMD_NOROUTE_ERR_EID, ILRS_EVENT_ERROR,
                       "command %s: no app serves APID 0x%03X", check.command->name,
                       (unsigned)ilrs_ccsds_get_apid(pkt));
        return ILRS_EFSW_APP;
    }
    rc = ilrs_bus_publish(fsw->bus, pkt, len);
    if (rc != 0) {
        fsw->cmd.dropped++;
        ilrs_app_event(cmd_app, CMD_DROPPED_ERR_EID, ILRS_EVENT_ERROR,
                       "command %s for %s dropped: %s", check.command->name, target->name,
                       ilrs_strerror(rc));
        return rc;
    }
    fsw->cmd.accepted++;
    return 0;
}

void ilrs_fsw_get_cmd_stats(const ilrs_fsw_t *fsw, ilrs_fsw_cmd_stats_t *stats)
{
    *stats = fsw->cmd;
}

ilrs_bus_t *ilrs_fsw_bus(const ilrs_fsw_t *fsw)
{
    return fsw->bus;
}
ilrs_time_t *ilrs_fsw_time(const ilrs_fsw_t *fsw)
{
    return fsw->time;
}
ilrs_exec_t *ilrs_fsw_exec(const ilrs_fsw_t *fsw)
{
    return fsw->exec;
}
ilrs_evs_t *ilrs_fsw_evs(const ilrs_fsw_t *fsw)
{
    return fsw->evs;
}
ilrs_tbl_registry_t *ilrs_fsw_tables(const ilrs_fsw_t *fsw)
{
    return fsw->tables;
}
ilrs_dict_t *ilrs_fsw_dict(const ilrs_fsw_t *fsw)
{
    return fsw->dict;
}
