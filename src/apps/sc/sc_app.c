// SPDX-License-Identifier: Apache-2.0
//
// SC (stored commands) app, in the style of cFS SC: up to 16 relative-time
// sequences (RTS, each command a delay after the previous one) and one
// absolute-time sequence (ATS, each command at an onboard TAI). Sequences come
// from the text format parsed by ilrs_sc_parse() (sc_parse.c): the
// configuration's text at the first step (when every app has registered its
// commands) and ScLoadFile at run time. Every stored command goes out through
// the command ingest (ilrs_fsw_command), so it is checked against the
// dictionary again when it runs. Steps at 10 Hz: a stored command goes out
// within 0.1 s of its time. Events in sc_eid.h.
#include <stdlib.h>

#include "apps/apps_int.h"
#include "apps/sc/sc_eid.h"

#define PATH_ARG_MAX 128

typedef struct rts_run {
    bool active;
    uint32_t next;
    ilrs_tai_t next_time;
} rts_run_t;

struct ilrs_sc_app {
    char *text;
    size_t text_len;
    uint16_t apid;
    bool text_loaded;
    ilrs_sc_program_t prog;
    rts_run_t run[ILRS_SC_MAX_RTS];
    bool ats_running;
    uint32_t ats_next;
    const ilrs_dict_command_t *cmd_start, *cmd_stop, *cmd_ats_start, *cmd_ats_stop, *cmd_load;
    ilrs_sc_status_t st;
};

int ilrs_sc_app_create(const ilrs_sc_config_t *cfg, ilrs_sc_app_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (cfg == NULL || out == NULL) {
        return ILRS_EINVAL;
    }
    ilrs_sc_app_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    if (cfg->text != NULL) {
        a->text_len = strlen(cfg->text);
        a->text = malloc(a->text_len + 1);
        if (a->text == NULL) {
            free(a);
            return ILRS_ENOMEM;
        }
        memcpy(a->text, cfg->text, a->text_len + 1);
    }
    a->apid = cfg->apid;
    *out = a;
    return 0;
}

void ilrs_sc_app_destroy(ilrs_sc_app_t *app)
{
    if (app != NULL) {
        free(app->text);
        free(app);
    }
}

static void load_text(ilrs_app_t *app, ilrs_sc_app_t *a, const char *text, size_t len,
                      const char *source)
{
    char err[256];
    int rc = ilrs_sc_parse(text, len, ilrs_fsw_dict(ilrs_app_fsw(app)), &a->prog, err, sizeof err);
    if (rc != 0) {
        a->st.load_errors++;
        ilrs_app_event(app, SC_LOAD_ERR_EID, ILRS_EVENT_ERROR, "%s refused: %s", source, err);
        return;
    }
    a->st.loads++;
    /* a reloaded sequence restarts from scratch if it was running */
    unsigned n = 0;
    for (size_t i = 0; i < ILRS_SC_MAX_RTS; i++) {
        n += a->prog.rts_loaded[i] ? 1u : 0u;
    }
    ilrs_app_event(app, SC_LOAD_INF_EID, ILRS_EVENT_INFO, "%s loaded: %u RTS, ATS of %u commands",
                   source, n, a->prog.ats_count);
}

/* ---- commands ------------------------------------------------------------------------ */

static const ilrs_dict_field_t rts_args[] = {
    {.name = "rts", .type = ILRS_DICT_U8, .has_range = true, .min = 1, .max = ILRS_SC_MAX_RTS,
     .description = "relative-time sequence number"},
};

static int start_rts(ilrs_app_t *app, ilrs_sc_app_t *a, unsigned n)
{
    rts_run_t *r = &a->run[n - 1];
    if (!a->prog.rts_loaded[n - 1] || a->prog.rts_count[n - 1] == 0) {
        ilrs_app_event(app, SC_RTS_ERR_EID, ILRS_EVENT_ERROR, "RTS %u not started: %s", n,
                       "not loaded or empty");
        return ILRS_ESTATE;
    }
    if (r->active) {
        ilrs_app_event(app, SC_RTS_ERR_EID, ILRS_EVENT_ERROR, "RTS %u not started: %s", n,
                       "already running");
        return ILRS_EBUSY;
    }
    r->active = true;
    r->next = 0;
    r->next_time = ilrs_app_time(app) + a->prog.rts[n - 1][0].time;
    a->st.rts_started++;
    ilrs_app_event(app, SC_RTS_START_INF_EID, ILRS_EVENT_INFO, "RTS %u started (%u commands)", n,
                   a->prog.rts_count[n - 1]);
    return 0;
}

static int cmd_start(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_sc_app_t *a = ctx;
    return start_rts(app, a, (unsigned)apps_arg_int(a->cmd_start, 0, pkt, len));
}

static int cmd_stop(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_sc_app_t *a = ctx;
    unsigned n = (unsigned)apps_arg_int(a->cmd_stop, 0, pkt, len);
    a->run[n - 1].active = false;
    ilrs_app_event(app, SC_RTS_STOP_INF_EID, ILRS_EVENT_INFO, "RTS %u stopped", n);
    return 0;
}

static int cmd_ats_start(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    (void)pkt;
    (void)len;
    ilrs_sc_app_t *a = ctx;
    if (!a->prog.ats_loaded) {
        ilrs_app_event(app, SC_ATS_ERR_EID, ILRS_EVENT_ERROR, "ATS not started: %s", "not loaded");
        return ILRS_ESTATE;
    }
    /* commands whose time has passed are skipped (cFS SC does the same) */
    ilrs_tai_t now = ilrs_app_time(app);
    a->ats_next = 0;
    while (a->ats_next < a->prog.ats_count && a->prog.ats[a->ats_next].time < now) {
        a->ats_next++;
    }
    a->ats_running = true;
    ilrs_app_event(app, SC_ATS_INF_EID, ILRS_EVENT_INFO, "ATS started: %u of %u commands ahead",
                   a->prog.ats_count - a->ats_next, a->prog.ats_count);
    return 0;
}

static int cmd_ats_stop(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    (void)pkt;
    (void)len;
    ilrs_sc_app_t *a = ctx;
    a->ats_running = false;
    ilrs_app_event(app, SC_ATS_INF_EID, ILRS_EVENT_INFO, "ATS stopped: %u of %u commands ahead",
                   a->prog.ats_count - a->ats_next, a->prog.ats_count);
    return 0;
}

static const ilrs_dict_field_t load_args[] = {
    {.name = "path", .type = ILRS_DICT_STRING, .length = PATH_ARG_MAX,
     .description = "sequence file on the onboard file system"},
};

static int cmd_load(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_sc_app_t *a = ctx;
    char path[PATH_ARG_MAX + 1];
    apps_arg_string(a->cmd_load, 0, pkt, len, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        a->st.load_errors++;
        ilrs_app_event(app, SC_LOAD_ERR_EID, ILRS_EVENT_ERROR, "%s refused: %s", path,
                       "cannot open");
        return ILRS_EIO;
    }
    enum { MAX_FILE = 1 << 18 };
    char *buf = malloc(MAX_FILE);
    size_t n = buf != NULL ? fread(buf, 1, MAX_FILE, f) : 0;
    bool too_big = buf != NULL && n == MAX_FILE;
    fclose(f);
    if (buf == NULL || too_big) {
        free(buf);
        a->st.load_errors++;
        ilrs_app_event(app, SC_LOAD_ERR_EID, ILRS_EVENT_ERROR, "%s refused: %s", path,
                       buf == NULL ? "out of memory" : "larger than 256 KiB");
        return buf == NULL ? ILRS_ENOMEM : ILRS_EOVERFLOW;
    }
    uint32_t errors = a->st.load_errors;
    load_text(app, a, buf, n, path);
    free(buf);
    return a->st.load_errors == errors ? 0 : ILRS_EFORMAT;
}

/* ---- init, step ------------------------------------------------------------------------ */

static const apps_event_t events[] = {
    {SC_RTS_START_INF_EID, "SC_RTS_START_INF", ILRS_EVENT_INFO, "RTS %u started (%u commands)",
     "a relative-time sequence started (ScStartRts, e.g. from an LC actionpoint)"},
    {SC_RTS_DONE_INF_EID, "SC_RTS_DONE_INF", ILRS_EVENT_INFO, "RTS %u completed",
     "an RTS sent its last command"},
    {SC_RTS_ERR_EID, "SC_RTS_ERR", ILRS_EVENT_ERROR, "RTS %u not started: %s",
     "ScStartRts refused: the RTS is not loaded, empty or already running"},
    {SC_STORED_CMD_ERR_EID, "SC_STORED_CMD_ERR", ILRS_EVENT_ERROR, "%s %u line %u: command refused: %s",
     "a stored command was refused by the command ingest (dictionary or routing)"},
    {SC_LOAD_INF_EID, "SC_LOAD_INF", ILRS_EVENT_INFO, "%s loaded: %u RTS, ATS of %u commands",
     "sequence text loaded (configuration or ScLoadFile)"},
    {SC_LOAD_ERR_EID, "SC_LOAD_ERR", ILRS_EVENT_ERROR, "%s refused: %s",
     "a sequence text or file was refused; the line and the reason are named, nothing changed"},
    {SC_ATS_INF_EID, "SC_ATS_INF", ILRS_EVENT_INFO, "ATS started: %u of %u commands ahead",
     "the absolute-time sequence was started or stopped"},
    {SC_ATS_ERR_EID, "SC_ATS_ERR", ILRS_EVENT_ERROR, "ATS not started: %s",
     "ScStartAts refused: no ATS loaded"},
    {SC_RTS_STOP_INF_EID, "SC_RTS_STOP_INF", ILRS_EVENT_INFO, "RTS %u stopped",
     "an RTS was stopped by command"},
    {SC_STORED_CMD_DBG_EID, "SC_STORED_CMD_DBG", ILRS_EVENT_DEBUG, "%s %u line %u: command sent",
     "a stored command went to the command ingest"},
};

static int sc_init(ilrs_app_t *app, void *ctx)
{
    ilrs_sc_app_t *a = ctx;
    int rc = apps_register_events(app, events, APPS_COUNT(events));
    if (rc == 0) {
        rc = apps_command(app, "ScStartRts", 2, "start a relative-time sequence", rts_args, 1,
                          cmd_start, &a->cmd_start);
    }
    if (rc == 0) {
        rc = apps_command(app, "ScStopRts", 3, "stop a relative-time sequence", rts_args, 1,
                          cmd_stop, &a->cmd_stop);
    }
    if (rc == 0) {
        rc = apps_command(app, "ScStartAts", 4, "start the absolute-time sequence", NULL, 0,
                          cmd_ats_start, &a->cmd_ats_start);
    }
    if (rc == 0) {
        rc = apps_command(app, "ScStopAts", 5, "stop the absolute-time sequence", NULL, 0,
                          cmd_ats_stop, &a->cmd_ats_stop);
    }
    if (rc == 0) {
        rc = apps_command(app, "ScLoadFile", 6, "load sequences from a text file", load_args, 1,
                          cmd_load, &a->cmd_load);
    }
    const apps_counter_t counters[] = {
        {"rts_started", NULL, ILRS_DICT_U32, &a->st.rts_started},
        {"rts_completed", NULL, ILRS_DICT_U32, &a->st.rts_completed},
        {"rts_active_mask", NULL, ILRS_DICT_U32, &a->st.rts_active_mask},
        {"cmds_sent", NULL, ILRS_DICT_U32, &a->st.cmds_sent},
        {"cmds_failed", NULL, ILRS_DICT_U32, &a->st.cmds_failed},
        {"ats_sent", NULL, ILRS_DICT_U32, &a->st.ats_sent},
        {"ats_running", NULL, ILRS_DICT_BOOL, &a->st.ats_running},
        {"loads", NULL, ILRS_DICT_U32, &a->st.loads},
        {"load_errors", NULL, ILRS_DICT_U32, &a->st.load_errors},
    };
    if (rc == 0) {
        rc = apps_hk_counters(app, counters, APPS_COUNT(counters));
    }
    memset(a->run, 0, sizeof a->run);
    a->ats_running = false;
    return rc;
}

static void dispatch(ilrs_app_t *app, ilrs_sc_app_t *a, const ilrs_sc_command_t *c,
                     const char *what, unsigned n)
{
    int rc = ilrs_fsw_command(ilrs_app_fsw(app), c->packet, c->len);
    if (rc != 0) {
        a->st.cmds_failed++;
        ilrs_app_event(app, SC_STORED_CMD_ERR_EID, ILRS_EVENT_ERROR, "%s %u line %u: command refused: %s",
                       what, n, c->line, ilrs_strerror(rc));
        return;
    }
    a->st.cmds_sent++;
    ilrs_app_event(app, SC_STORED_CMD_DBG_EID, ILRS_EVENT_DEBUG, "%s %u line %u: command sent", what, n,
                   c->line);
}

static int sc_step(ilrs_app_t *app, void *ctx)
{
    ilrs_sc_app_t *a = ctx;
    if (!a->text_loaded) {
        a->text_loaded = true;
        if (a->text != NULL) {
            load_text(app, a, a->text, a->text_len, "configuration");
        }
    }
    ilrs_tai_t now = ilrs_app_time(app);
    a->st.rts_active_mask = 0;
    for (unsigned i = 0; i < ILRS_SC_MAX_RTS; i++) {
        rts_run_t *r = &a->run[i];
        while (r->active && now >= r->next_time) {
            dispatch(app, a, &a->prog.rts[i][r->next], "RTS", i + 1);
            if (++r->next >= a->prog.rts_count[i]) {
                r->active = false;
                a->st.rts_completed++;
                ilrs_app_event(app, SC_RTS_DONE_INF_EID, ILRS_EVENT_INFO, "RTS %u completed",
                               i + 1);
            } else {
                r->next_time += a->prog.rts[i][r->next].time;
            }
        }
        a->st.rts_active_mask |= r->active ? 1u << i : 0u;
    }
    while (a->ats_running && a->ats_next < a->prog.ats_count &&
           now >= a->prog.ats[a->ats_next].time) {
        dispatch(app, a, &a->prog.ats[a->ats_next], "ATS", a->ats_next + 1);
        a->ats_next++;
        a->st.ats_sent++;
    }
    a->st.ats_running = a->ats_running && a->ats_next < a->prog.ats_count;
    return 0;
}

static void sc_reset(ilrs_app_t *app, void *ctx)
{
    (void)app;
    ilrs_sc_app_t *a = ctx;
    a->st.rts_started = a->st.rts_completed = a->st.cmds_sent = a->st.cmds_failed = 0;
    a->st.ats_sent = a->st.loads = a->st.load_errors = 0;
}

void ilrs_sc_app_def(ilrs_sc_app_t *app, ilrs_app_def_t *def)
{
    memset(def, 0, sizeof *def);
    def->name = "SC";
    def->description = "stored commands: relative- and absolute-time sequences";
    def->init = sc_init;
    def->step = sc_step;
    def->rate_hz = 10.0;
    def->priority = 2;
    def->context = app;
    def->apid = app->apid;
    def->reset_counters = sc_reset;
}

void ilrs_sc_app_status(const ilrs_sc_app_t *app, ilrs_sc_status_t *out)
{
    *out = app->st;
}
