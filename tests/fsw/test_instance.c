// SPDX-License-Identifier: Apache-2.0
// Flight instance: core apps and their dictionary entries, command ingest (accepted
// and every rejection case: unknown message ID, malformed, short, oversize, wrong
// length, out-of-range argument), corrupt table files, HK packet contents, app
// failure events, drop events, determinism of a whole run, apps from configuration.
#include "ilrs_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <ilrs/fsw.h>

#define S ILRS_NS_PER_S

static int count_events(ilrs_fsw_t *fsw, const char *app, uint16_t id, char *last_text)
{
    ilrs_evs_t *evs = ilrs_fsw_evs(fsw);
    int n = 0;
    for (size_t i = 0; i < ilrs_evs_log_count(evs); i++) {
        ilrs_evs_record_t r;
        assert_int_equal(ilrs_evs_log_get(evs, i, &r), 0);
        if (strcmp(r.app_name, app) == 0 && r.event_id == id) {
            n++;
            if (last_text != NULL) {
                strcpy(last_text, r.text);
            }
        }
    }
    return n;
}

/* Event ID of a named event in the catalog. */
static uint16_t eid(ilrs_fsw_t *fsw, const char *name)
{
    ilrs_dict_t *d = ilrs_fsw_dict(fsw);
    for (size_t i = 0; i < ilrs_dict_event_count(d); i++) {
        const ilrs_dict_event_t *e = ilrs_dict_event_at(d, i);
        if (strcmp(e->name, name) == 0) {
            return e->id;
        }
    }
    fail_msg("event %s not in the catalog", name);
    return 0;
}

static size_t build(ilrs_fsw_t *fsw, const char *name, const char *const *args, size_t n,
                    uint8_t *buf, size_t cap)
{
    const ilrs_dict_command_t *c = ilrs_dict_find_command_by_name(ilrs_fsw_dict(fsw), name);
    assert_non_null(c);
    size_t len = 0;
    char err[160];
    int rc = ilrs_dict_build_command(c, args, n, buf, cap, &len, err, sizeof err);
    if (rc != 0) {
        fail_msg("build %s: %s", name, err);
    }
    return len;
}

static ilrs_fsw_t *make(void)
{
    ilrs_fsw_t *fsw = NULL;
    assert_int_equal(ilrs_fsw_create(NULL, &fsw), 0);
    return fsw;
}

static void core_apps_and_dictionary(void **state)
{
    (void)state;
    ilrs_fsw_t *fsw = make();
    assert_int_equal(ilrs_fsw_start(fsw), 0);
    assert_int_equal(ilrs_fsw_start(fsw), ILRS_ESTATE);
    ilrs_dict_t *d = ilrs_fsw_dict(fsw);
    const char *apps[] = {"EXEC", "EVS", "SB", "TIME", "TBL", "HK", "CMD"};
    for (size_t i = 0; i < 7; i++) {
        ilrs_app_t *app = ilrs_exec_find_app(ilrs_fsw_exec(fsw), apps[i]);
        assert_non_null(app);
        assert_int_equal(ilrs_app_get_state(app), ILRS_APP_RUNNING);
        char name[64];
        snprintf(name, sizeof name, "%s_HK", apps[i]);
        const ilrs_dict_packet_t *p = ilrs_dict_find_packet_by_name(d, name);
        assert_non_null(p);
        assert_int_equal(p->apid, ilrs_app_apid(app));
        assert_ptr_equal(p, ilrs_app_hk_packet(app));
        assert_non_null(ilrs_dict_find_field(p, "cmd_accepted"));
        assert_non_null(ilrs_dict_find_field(p, "exec_max_us"));
        assert_non_null(ilrs_dict_find_command(d, ilrs_app_apid(app), 0)); /* Noop */
        assert_non_null(ilrs_dict_find_command(d, ilrs_app_apid(app), 1)); /* ResetCounters */
    }
    assert_non_null(ilrs_dict_find_packet(d, ILRS_FSW_APID_EVENTS));
    assert_non_null(
        ilrs_dict_find_field(ilrs_dict_find_packet_by_name(d, "SB_HK"), "dropped_full"));
    assert_non_null(ilrs_dict_find_field(ilrs_dict_find_packet_by_name(d, "TIME_HK"), "drift"));
    const char *cmds[] = {"ExecRestartApp",     "ExecDisableApp",
                          "ExecEnableApp",      "EvsSetFilter",
                          "EvsEnableAppEvents", "TimeAddCorrelation",
                          "TimeSetCorrelation", "TblLoad",
                          "TblActivate",        "TblDump",
                          "HkSetInterval"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        assert_non_null(ilrs_dict_find_command_by_name(d, cmds[i]));
    }
    /* Every event name follows <APP>_<WHAT>_<INF|ERR|DBG|CRIT>. */
    for (size_t i = 0; i < ilrs_dict_event_count(d); i++) {
        const ilrs_dict_event_t *e = ilrs_dict_event_at(d, i);
        size_t n = strlen(e->name), a = strlen(e->app);
        assert_true(strncmp(e->name, e->app, a) == 0 && e->name[a] == '_');
        const char *suffix = strrchr(e->name, '_');
        static const char *const want[] = {"_DBG", "_INF", "_ERR", "_CRIT"};
        assert_string_equal(suffix, want[e->severity]);
        assert_true(n > a + 1);
    }
    assert_int_equal(count_events(fsw, "EXEC", eid(fsw, "EXEC_STARTED_INF"), NULL), 1);
    ilrs_fsw_destroy(fsw);
}

static void noop_and_reset_commands(void **state)
{
    (void)state;
    ilrs_fsw_t *fsw = make();
    assert_int_equal(ilrs_fsw_start(fsw), 0);
    uint8_t pkt[256];
    size_t len = build(fsw, "TblNoop", NULL, 0, pkt, sizeof pkt);
    assert_int_equal(ilrs_fsw_command(fsw, pkt, len), 0);
    /* Dispatched before TBL's next step, not before. */
    assert_int_equal(count_events(fsw, "TBL", 1, NULL), 0);
    assert_int_equal(ilrs_fsw_run(fsw, S), 0);
    char text[128];
    assert_int_equal(count_events(fsw, "TBL", 1, text), 1);
    assert_non_null(strstr(text, "no-op"));
    ilrs_fsw_cmd_stats_t cs;
    ilrs_fsw_get_cmd_stats(fsw, &cs);
    assert_int_equal(cs.accepted, 1);
    const ilrs_dict_command_t *c = ilrs_dict_find_command_by_name(ilrs_fsw_dict(fsw), "TblNoop");
    assert_int_equal(c->accepted, 1);
    ilrs_fsw_destroy(fsw);
}

/* Each bad command: the right error, one CMD event naming it, one counter, no app sees it. */
static void bad_commands(void **state)
{
    (void)state;
    ilrs_fsw_t *fsw = make();
    assert_int_equal(ilrs_fsw_start(fsw), 0);
    uint8_t good[64];
    const char *args[] = {"10"};
    size_t glen = build(fsw, "HkSetInterval", args, 1, good, sizeof good);
    uint8_t pkt[2048];
    ilrs_fsw_cmd_stats_t cs;

    /* unknown message ID: a command APID nobody defined */
    assert_int_equal(ilrs_ccsds_cmd_init(pkt, sizeof pkt, 0x7AB, 0, 8), 0);
    ilrs_ccsds_cmd_seal(pkt, 8);
    assert_int_equal(ilrs_fsw_command(fsw, pkt, 8), ILRS_EFSW_CMD);
    char text[128];
    assert_int_equal(count_events(fsw, "CMD", eid(fsw, "CMD_UNKNOWN_ERR"), text), 1);
    assert_non_null(strstr(text, "0x0FAB"));
    /* unknown function code of a known APID */
    assert_int_equal(ilrs_ccsds_cmd_init(pkt, sizeof pkt, ILRS_FSW_APID_HK, 99, 8), 0);
    ilrs_ccsds_cmd_seal(pkt, 8);
    assert_int_equal(ilrs_fsw_command(fsw, pkt, 8), ILRS_EFSW_CMD);
    /* bad checksum */
    memcpy(pkt, good, glen);
    pkt[7] ^= 0x55;
    assert_int_equal(ilrs_fsw_command(fsw, pkt, glen), ILRS_ECRC);
    assert_int_equal(count_events(fsw, "CMD", eid(fsw, "CMD_MALFORMED_ERR"), NULL), 1);
    /* truncated buffer, and a length field disagreeing with the buffer */
    assert_true(ilrs_fsw_command(fsw, good, 3) < 0);
    memcpy(pkt, good, glen);
    assert_true(ilrs_fsw_command(fsw, pkt, glen - 1) < 0);
    assert_int_equal(ilrs_fsw_command(fsw, NULL, 0), ILRS_EINVAL);
    /* oversize */
    memset(pkt, 0, sizeof pkt);
    assert_int_equal(ilrs_fsw_command(fsw, pkt, sizeof pkt), ILRS_EOVERFLOW);
    assert_int_equal(count_events(fsw, "CMD", eid(fsw, "CMD_OVERSIZE_ERR"), NULL), 1);
    /* wrong length for a known command: HkNoop with two extra octets */
    assert_int_equal(ilrs_ccsds_cmd_init(pkt, sizeof pkt, ILRS_FSW_APID_HK, 0, 10), 0);
    ilrs_ccsds_cmd_seal(pkt, 10);
    assert_int_equal(ilrs_fsw_command(fsw, pkt, 10), ILRS_EFSW_CMD);
    assert_int_equal(count_events(fsw, "CMD", eid(fsw, "CMD_LENGTH_ERR"), NULL), 1);
    /* argument out of range: interval 0 (range 1..3600), patched and resealed */
    memcpy(pkt, good, glen);
    const ilrs_dict_command_t *c =
        ilrs_dict_find_command_by_name(ilrs_fsw_dict(fsw), "HkSetInterval");
    ilrs_put_be16(pkt + c->args[0].offset, 0);
    ilrs_ccsds_cmd_seal(pkt, glen);
    assert_int_equal(ilrs_fsw_command(fsw, pkt, glen), ILRS_EFSW_ARG);
    assert_int_equal(count_events(fsw, "CMD", eid(fsw, "CMD_ARG_ERR"), text), 1);
    assert_non_null(strstr(text, "HkSetInterval"));

    ilrs_fsw_get_cmd_stats(fsw, &cs);
    assert_int_equal(cs.unknown, 2);
    assert_int_equal(cs.malformed, 4);
    assert_int_equal(cs.oversize, 1);
    assert_int_equal(cs.bad_length, 1);
    assert_int_equal(cs.bad_argument, 1);
    assert_int_equal(cs.accepted, 0);
    /* Nothing reached HK: its interval and counters are unchanged after a run. */
    assert_int_equal(ilrs_fsw_run(fsw, 2 * S), 0);
    ilrs_app_t *hk = ilrs_exec_find_app(ilrs_fsw_exec(fsw), "HK");
    assert_int_equal(count_events(fsw, "HK", eid(fsw, "HK_INTERVAL_INF"), NULL), 0);
    assert_int_equal(ilrs_app_get_state(hk), ILRS_APP_RUNNING);
    /* The good command still works afterwards. */
    assert_int_equal(ilrs_fsw_command(fsw, good, glen), 0);
    assert_int_equal(ilrs_fsw_run(fsw, S), 0);
    assert_int_equal(count_events(fsw, "HK", eid(fsw, "HK_INTERVAL_INF"), text), 1);
    assert_non_null(strstr(text, "10 s"));
    ilrs_fsw_destroy(fsw);
}

/* ---- a test app with a table and HK counters ---- */

typedef struct params {
    double gain;
    int32_t mode;
} params_t;

typedef struct probe {
    ilrs_tbl_t *table;
    uint32_t u32;
    double f64;
    int16_t i16;
    uint64_t steps;
    int fail_at;
} probe_t;

static int probe_init(ilrs_app_t *app, void *ctx)
{
    probe_t *p = ctx;
    static const ilrs_tbl_field_t fields[] = {
        {.name = "gain",
         .type = ILRS_DICT_F64,
         .offset = offsetof(params_t, gain),
         .default_value = 1.0,
         .has_range = true,
         .min = 0,
         .max = 10},
        {.name = "mode",
         .type = ILRS_DICT_I32,
         .offset = offsetof(params_t, mode),
         .has_range = true,
         .min = 0,
         .max = 3},
    };
    ilrs_tbl_def_t def = {
        .name = "PROBE_PARAMS", .size = sizeof(params_t), .fields = fields, .field_count = 2};
    int rc = ilrs_app_register_table(app, &def, &p->table, NULL);
    if (rc == 0) {
        rc = ilrs_app_hk_counter(app, "value_u32", "count", ILRS_DICT_U32, &p->u32);
    }
    if (rc == 0) {
        rc = ilrs_app_hk_counter(app, "value_f64", "V", ILRS_DICT_F64, &p->f64);
    }
    if (rc == 0) {
        rc = ilrs_app_hk_counter(app, "value_i16", NULL, ILRS_DICT_I16, &p->i16);
    }
    return rc;
}

static int probe_step(ilrs_app_t *app, void *ctx)
{
    (void)app;
    probe_t *p = ctx;
    p->steps++;
    if (p->fail_at > 0 && p->steps == (uint64_t)p->fail_at) {
        return ILRS_EIO;
    }
    return 0;
}

static const ilrs_app_def_t probe_def = {.name = "PROBE",
                                         .init = probe_init,
                                         .step = probe_step,
                                         .rate_hz = 2,
                                         .context_size = sizeof(probe_t)};

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void corrupt_table_file(void **state)
{
    (void)state;
    ilrs_fsw_t *fsw = make();
    ilrs_app_t *app;
    assert_int_equal(ilrs_fsw_add_app(fsw, &probe_def, &app), 0);
    assert_int_equal(ilrs_fsw_start(fsw), 0);
    probe_t *p = ilrs_app_context(app);
    assert_non_null(p->table);
    char dir[] = "/tmp/ilrs_test_tblXXXXXX";
    assert_non_null(mkdtemp(dir));
    char bad[96], good[96], missing[96];
    snprintf(bad, sizeof bad, "%s/bad.tbl", dir);
    snprintf(good, sizeof good, "%s/good.tbl", dir);
    snprintf(missing, sizeof missing, "%s/none.tbl", dir);
    write_file(bad, "table = PROBE_PARAMS\ngain = 55.0\nmode = 1\n"); /* gain > 10 */
    write_file(good, "table = PROBE_PARAMS\ngain = 2.5\nmode = 2\n");
    uint8_t pkt[256];
    const char *load_bad[] = {"PROBE_PARAMS", bad};
    const char *load_missing[] = {"PROBE_PARAMS", missing};
    const char *load_good[] = {"PROBE_PARAMS", good};
    const char *activate[] = {"PROBE_PARAMS"};
    size_t len = build(fsw, "TblLoad", load_bad, 2, pkt, sizeof pkt);
    assert_int_equal(ilrs_fsw_command(fsw, pkt, len), 0);
    len = build(fsw, "TblLoad", load_missing, 2, pkt, sizeof pkt);
    assert_int_equal(ilrs_fsw_command(fsw, pkt, len), 0);
    assert_int_equal(ilrs_fsw_run(fsw, S), 0);
    char text[128];
    assert_int_equal(count_events(fsw, "TBL", eid(fsw, "TBL_LOAD_ERR"), text), 2);
    assert_non_null(strstr(text, "PROBE_PARAMS"));
    /* activate without a valid pending load: refused, nothing changes */
    len = build(fsw, "TblActivate", activate, 1, pkt, sizeof pkt);
    assert_int_equal(ilrs_fsw_command(fsw, pkt, len), 0);
    assert_int_equal(ilrs_fsw_run(fsw, S), 0);
    assert_int_equal(count_events(fsw, "TBL", eid(fsw, "TBL_ACTIVATE_ERR"), NULL), 1);
    const params_t *active = ilrs_tbl_get(p->table);
    assert_true(active->gain == 1.0);
    assert_int_equal(ilrs_tbl_generation(p->table), 0);
    ilrs_tbl_stats_t ts;
    ilrs_tbl_get_stats(p->table, &ts);
    assert_int_equal(ts.loads_rejected, 2); /* counted by the table service too */
    assert_int_equal(ts.last_error.code, ILRS_EIO);
    assert_false(ts.pending);
    ilrs_app_t *tbl = ilrs_exec_find_app(ilrs_fsw_exec(fsw), "TBL");
    ilrs_app_stats_t st;
    ilrs_exec_get_app_stats(tbl, &st);
    assert_int_equal(st.state, ILRS_APP_RUNNING);
    /* a good file, then activate */
    len = build(fsw, "TblLoad", load_good, 2, pkt, sizeof pkt);
    assert_int_equal(ilrs_fsw_command(fsw, pkt, len), 0);
    len = build(fsw, "TblActivate", activate, 1, pkt, sizeof pkt);
    assert_int_equal(ilrs_fsw_command(fsw, pkt, len), 0);
    assert_int_equal(ilrs_fsw_run(fsw, S), 0);
    active = ilrs_tbl_get(p->table);
    assert_true(active->gain == 2.5);
    assert_int_equal(active->mode, 2);
    assert_int_equal(ilrs_tbl_generation(p->table), 1);
    assert_int_equal(count_events(fsw, "TBL", eid(fsw, "TBL_ACTIVATE_INF"), NULL), 1);
    unlink(bad);
    unlink(good);
    rmdir(dir);
    ilrs_fsw_destroy(fsw);
}

static void hk_packet_contents(void **state)
{
    (void)state;
    ilrs_fsw_config_t cfg = {.hk_interval_s = 1};
    ilrs_fsw_t *fsw = NULL;
    assert_int_equal(ilrs_fsw_create(&cfg, &fsw), 0);
    ilrs_app_t *app;
    assert_int_equal(ilrs_fsw_add_app(fsw, &probe_def, &app), 0);
    assert_int_equal(ilrs_fsw_start(fsw), 0);
    probe_t *p = ilrs_app_context(app);
    p->u32 = 4000000000u;
    p->f64 = 3.25;
    p->i16 = -7;
    ilrs_bus_t *bus = ilrs_fsw_bus(fsw);
    ilrs_pipe_id_t pipe;
    assert_int_equal(ilrs_bus_pipe_create(bus, "TEST_HK", 8, &pipe), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, pipe, ilrs_msgid_tlm(ilrs_app_apid(app)), 0), 0);
    assert_int_equal(ilrs_fsw_run(fsw, 3 * S), 0);
    const ilrs_dict_packet_t *def = ilrs_app_hk_packet(app);
    assert_string_equal(def->name, "PROBE_HK");
    const uint8_t *pkt = NULL, *last = NULL;
    size_t len = 0, n = 0, got = 0;
    uint8_t copy[512];
    while (ilrs_bus_receive(bus, pipe, &pkt, &got) == 0) {
        assert_int_equal(got, def->length);
        memcpy(copy, pkt, got);
        last = copy;
        len = got;
        n++;
    }
    assert_int_equal(n, 3);
    int64_t v;
    double d;
    assert_int_equal(ilrs_dict_get_int(ilrs_dict_find_field(def, "value_u32"), last, len, &v), 0);
    assert_true(v == 4000000000);
    assert_int_equal(ilrs_dict_get_raw(ilrs_dict_find_field(def, "value_f64"), last, len, &d), 0);
    assert_true(d == 3.25);
    assert_int_equal(ilrs_dict_get_int(ilrs_dict_find_field(def, "value_i16"), last, len, &v), 0);
    assert_int_equal(v, -7);
    assert_string_equal(ilrs_dict_find_field(def, "value_f64")->unit, "V");
    ilrs_app_stats_t st;
    ilrs_exec_get_app_stats(app, &st);
    assert_int_equal(ilrs_dict_get_int(ilrs_dict_find_field(def, "steps"), last, len, &v), 0);
    assert_true(v > 0 && (uint64_t)v <= st.steps);
    assert_int_equal(ilrs_dict_get_int(ilrs_dict_find_field(def, "state"), last, len, &v), 0);
    assert_int_equal(v, ILRS_APP_RUNNING);
    /* virtual time: timing fields are 0 although the executive measured steps */
    assert_int_equal(ilrs_dict_get_raw(ilrs_dict_find_field(def, "exec_max_us"), last, len, &d), 0);
    assert_true(d == 0.0);
    ilrs_tai_t t;
    assert_int_equal(ilrs_ccsds_tlm_get_time(last, len, &t), 0);
    assert_true(t <= ilrs_time_now(ilrs_fsw_time(fsw)));
    /* counters cannot be added once the packet is defined */
    static uint32_t late;
    assert_int_equal(ilrs_app_hk_counter(app, "late", NULL, ILRS_DICT_U32, &late), ILRS_ESTATE);
    ilrs_fsw_destroy(fsw);
}

static void failure_events_and_restart_command(void **state)
{
    (void)state;
    ilrs_fsw_config_t cfg = {.exec = {.max_failures = 1, .restart_delay_s = 1}};
    ilrs_fsw_t *fsw = NULL;
    assert_int_equal(ilrs_fsw_create(&cfg, &fsw), 0);
    ilrs_app_t *app;
    assert_int_equal(ilrs_fsw_add_app(fsw, &probe_def, &app), 0);
    assert_int_equal(ilrs_fsw_start(fsw), 0);
    probe_t *p = ilrs_app_context(app);
    p->fail_at = 3;
    assert_int_equal(ilrs_fsw_run(fsw, 3 * S), 0);
    char text[128];
    assert_int_equal(count_events(fsw, "EXEC", eid(fsw, "EXEC_APP_FAIL_ERR"), text), 1);
    assert_non_null(strstr(text, "PROBE"));
    assert_non_null(strstr(text, "ILRS_EIO"));
    assert_int_equal(count_events(fsw, "EXEC", eid(fsw, "EXEC_APP_DISABLED_CRIT"), NULL), 1);
    assert_int_equal(ilrs_app_get_state(app), ILRS_APP_DISABLED);
    uint8_t pkt[64];
    const char *name[] = {"PROBE"};
    size_t len = build(fsw, "ExecRestartApp", name, 1, pkt, sizeof pkt);
    assert_int_equal(ilrs_fsw_command(fsw, pkt, len), 0);
    const char *nobody[] = {"NOBODY"};
    len = build(fsw, "ExecEnableApp", nobody, 1, pkt, sizeof pkt);
    assert_int_equal(ilrs_fsw_command(fsw, pkt, len), 0);
    assert_int_equal(ilrs_fsw_run(fsw, 2 * S), 0);
    assert_int_equal(ilrs_app_get_state(app), ILRS_APP_RUNNING);
    assert_int_equal(count_events(fsw, "EXEC", eid(fsw, "EXEC_APP_RESTART_INF"), NULL), 1);
    assert_int_equal(count_events(fsw, "EXEC", eid(fsw, "EXEC_NOAPP_ERR"), NULL), 1);
    /* the table survived the restart (same object) */
    assert_non_null(ilrs_tbl_find(ilrs_fsw_tables(fsw), "PROBE_PARAMS"));
    ilrs_fsw_destroy(fsw);
}

static void drops_raise_events(void **state)
{
    (void)state;
    ilrs_fsw_t *fsw = make();
    assert_int_equal(ilrs_fsw_add_load_apps(fsw, 2, 50), 0);
    assert_int_equal(ilrs_fsw_start(fsw), 0);
    /* a pipe nobody reads, depth 2, listening to LOAD00's traffic */
    ilrs_bus_t *bus = ilrs_fsw_bus(fsw);
    ilrs_pipe_id_t pipe;
    assert_int_equal(ilrs_bus_pipe_create(bus, "DEAF", 2, &pipe), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, pipe, ilrs_msgid_tlm(0x600), 0), 0);
    assert_int_equal(ilrs_fsw_run(fsw, 10 * S), 0);
    ilrs_bus_stats_t bs;
    ilrs_bus_get_stats(bus, &bs);
    assert_true(bs.dropped_full >= 490);
    char text[128];
    int n = count_events(fsw, "SB", eid(fsw, "SB_DROP_ERR"), text);
    assert_true(n > 0);
    assert_non_null(strstr(text, "DEAF"));
    /* rate-limited: far fewer events than drops */
    assert_true((uint64_t)n < bs.dropped_full);
    ilrs_evs_app_stats_t as;
    ilrs_evs_get_app_stats(ilrs_fsw_evs(fsw),
                           (uint16_t)ilrs_app_index(ilrs_exec_find_app(ilrs_fsw_exec(fsw), "SB")),
                           &as);
    assert_true(as.rate_limited > 0);
    ilrs_fsw_destroy(fsw);
}

/* Two runs of the same configuration and commands: byte-identical telemetry. */
static uint32_t run_and_digest(size_t *packets)
{
    ilrs_fsw_t *fsw = make();
    assert_int_equal(ilrs_fsw_add_load_apps(fsw, 3, 5), 0);
    ilrs_app_t *app;
    assert_int_equal(ilrs_fsw_add_app(fsw, &probe_def, &app), 0);
    ((probe_t *)ilrs_app_context(app))->fail_at = 7;
    assert_int_equal(ilrs_fsw_start(fsw), 0);
    ilrs_bus_t *bus = ilrs_fsw_bus(fsw);
    ilrs_pipe_id_t pipe;
    assert_int_equal(ilrs_bus_pipe_create(bus, "RECORDER", 256, &pipe), 0);
    ilrs_dict_t *d = ilrs_fsw_dict(fsw);
    for (size_t i = 0; i < ilrs_dict_packet_count(d); i++) {
        ilrs_bus_subscribe(bus, pipe, ilrs_msgid_tlm(ilrs_dict_packet_at(d, i)->apid), 0);
    }
    uint8_t pkt[64];
    size_t len = build(fsw, "SbNoop", NULL, 0, pkt, sizeof pkt);
    uint32_t crc = 0;
    *packets = 0;
    for (int s = 0; s < 20; s++) {
        if (s == 5) {
            assert_int_equal(ilrs_fsw_command(fsw, pkt, len), 0);
        }
        assert_int_equal(ilrs_fsw_run(fsw, S / 2), 0);
        const uint8_t *p;
        size_t n;
        while (ilrs_bus_receive(bus, pipe, &p, &n) == 0) {
            crc = ilrs_crc32(crc, p, n);
            (*packets)++;
        }
    }
    ilrs_fsw_destroy(fsw);
    return crc;
}

static void determinism(void **state)
{
    (void)state;
    size_t n1, n2;
    uint32_t a = run_and_digest(&n1);
    uint32_t b = run_and_digest(&n2);
    assert_true(n1 > 100);
    assert_int_equal(n1, n2);
    assert_int_equal(a, b);
}

/* TIME and EVS commands act through the instance; a handler's own error event
 * replaces the generic <APP>_CMD_ERR, and the refusal is counted. */
static void time_and_evs_commands(void **state)
{
    (void)state;
    ilrs_fsw_t *fsw = make();
    assert_int_equal(ilrs_fsw_start(fsw), 0);
    ilrs_time_t *time = ilrs_fsw_time(fsw);
    assert_int_equal(ilrs_fsw_run(fsw, 10 * S), 0);
    uint8_t pkt[128];
    char sclk[32], tai[32];
    /* the ground says onboard time is 2 ms late at this SCLK */
    snprintf(sclk, sizeof sclk, "%lld", (long long)ilrs_time_sclk(time));
    snprintf(tai, sizeof tai, "%lld", (long long)(ilrs_time_now(time) + 2000000));
    const char *pair[] = {sclk, tai};
    size_t len = build(fsw, "TimeAddCorrelation", pair, 2, pkt, sizeof pkt);
    assert_int_equal(ilrs_fsw_command(fsw, pkt, len), 0);
    /* the same SCLK again is out of order: refused by the handler */
    assert_int_equal(ilrs_fsw_command(fsw, pkt, len), 0);
    ilrs_tai_t before = ilrs_time_now(time);
    assert_int_equal(ilrs_fsw_run(fsw, S), 0);
    assert_true(ilrs_time_now(time) - before == S + 2000000);
    assert_int_equal(count_events(fsw, "TIME", eid(fsw, "TIME_CORR_INF"), NULL), 1);
    assert_int_equal(count_events(fsw, "TIME", eid(fsw, "TIME_CORR_ERR"), NULL), 1);
    assert_int_equal(count_events(fsw, "TIME", eid(fsw, "TIME_CMD_ERR"), NULL), 0);
    ilrs_fsw_cmd_stats_t cs;
    ilrs_fsw_get_cmd_stats(fsw, &cs);
    assert_int_equal(cs.accepted, 2);
    assert_int_equal(cs.handler_rejected, 1);

    /* disable TBL's events: its no-op then raises nothing */
    const char *tbl[] = {"TBL"};
    len = build(fsw, "EvsDisableAppEvents", tbl, 1, pkt, sizeof pkt);
    assert_int_equal(ilrs_fsw_command(fsw, pkt, len), 0);
    assert_int_equal(ilrs_fsw_run(fsw, S), 0);
    assert_int_equal(count_events(fsw, "EVS", eid(fsw, "EVS_APP_DIS_INF"), NULL), 1);
    len = build(fsw, "TblNoop", NULL, 0, pkt, sizeof pkt);
    assert_int_equal(ilrs_fsw_command(fsw, pkt, len), 0);
    assert_int_equal(ilrs_fsw_run(fsw, S), 0);
    assert_int_equal(count_events(fsw, "TBL", eid(fsw, "TBL_NOOP_INF"), NULL), 0);
    ilrs_evs_stats_t es;
    ilrs_evs_get_stats(ilrs_fsw_evs(fsw), &es);
    assert_true(es.disabled >= 1);
    ilrs_fsw_destroy(fsw);
}

static int busy_step(ilrs_app_t *app, void *ctx)
{
    (void)app;
    (void)ctx;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do { /* at least 300 us of work */
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while ((t.tv_sec - t0.tv_sec) * S + (t.tv_nsec - t0.tv_nsec) < 300000);
    return 0;
}

/* On the wall clock an app over its budget raises EXEC_APP_OVERRUN_ERR and its HK
 * carries overruns and execution times. */
static void wall_mode_overrun_events(void **state)
{
    (void)state;
    ilrs_fsw_config_t cfg = {.time = {.mode = ILRS_TIME_MODE_WALL}, .hk_interval_s = 1};
    ilrs_fsw_t *fsw = NULL;
    assert_int_equal(ilrs_fsw_create(&cfg, &fsw), 0);
    ilrs_app_def_t d = {.name = "BUSY", .step = busy_step, .rate_hz = 100, .budget_ns = 10000};
    ilrs_app_t *app;
    assert_int_equal(ilrs_fsw_add_app(fsw, &d, &app), 0);
    assert_int_equal(ilrs_fsw_start(fsw), 0);
    ilrs_bus_t *bus = ilrs_fsw_bus(fsw);
    ilrs_pipe_id_t pipe;
    assert_int_equal(ilrs_bus_pipe_create(bus, "TEST_HK", 8, &pipe), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, pipe, ilrs_msgid_tlm(ilrs_app_apid(app)), 0), 0);
    assert_int_equal(ilrs_fsw_run(fsw, S + S / 10), 0); /* HK runs at 0.9 s */
    char text[128];
    assert_true(count_events(fsw, "EXEC", eid(fsw, "EXEC_APP_OVERRUN_ERR"), text) > 0);
    assert_non_null(strstr(text, "BUSY overran its budget"));
    const uint8_t *pkt;
    size_t len;
    assert_int_equal(ilrs_bus_receive(bus, pipe, &pkt, &len), 0);
    const ilrs_dict_packet_t *def = ilrs_app_hk_packet(app);
    int64_t v;
    double us;
    assert_int_equal(ilrs_dict_get_int(ilrs_dict_find_field(def, "overruns"), pkt, len, &v), 0);
    assert_true(v > 0);
    assert_int_equal(ilrs_dict_get_raw(ilrs_dict_find_field(def, "exec_max_us"), pkt, len, &us), 0);
    assert_true(us >= 300.0);
    ilrs_fsw_destroy(fsw);
}

static void apps_from_configuration(void **state)
{
    (void)state;
    const ilrs_app_def_t registry[] = {probe_def};
    const char *const names[] = {"PROBE"};
    ilrs_fsw_config_t cfg = {
        .registry = registry, .registry_count = 1, .apps = names, .app_count = 1};
    ilrs_fsw_t *fsw = NULL;
    assert_int_equal(ilrs_fsw_create(&cfg, &fsw), 0);
    ilrs_app_t *app = ilrs_exec_find_app(ilrs_fsw_exec(fsw), "PROBE");
    assert_non_null(app);
    assert_int_equal(ilrs_app_apid(app), ILRS_FSW_APID_USER_BASE);
    assert_int_equal(ilrs_fsw_add_app(fsw, &probe_def, NULL), ILRS_EEXIST);
    ilrs_fsw_destroy(fsw);
    const char *const unknown[] = {"GHOST"};
    cfg.apps = unknown;
    fsw = (ilrs_fsw_t *)&cfg;
    assert_int_equal(ilrs_fsw_create(&cfg, &fsw), ILRS_EFSW_APP);
    assert_null(fsw);
    ilrs_fsw_config_t bad = {.cmd_max_len = 4};
    assert_int_equal(ilrs_fsw_create(&bad, &fsw), ILRS_EINVAL);
}

/* docs/events.md lists every event of the catalog with its ID (regenerate it with
 * `ilrs fsw --catalog --apps 1 > docs/events.md`). */
static void event_catalog_documented(void **state)
{
    (void)state;
    FILE *f = fopen(ILRS_TEST_SRC("docs/events.md"), "r");
    assert_non_null(f);
    static char doc[1 << 17];
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = '\0';
    ilrs_fsw_t *fsw = make();
    assert_int_equal(ilrs_fsw_add_load_apps(fsw, 1, 10), 0);
    assert_int_equal(ilrs_fsw_start(fsw), 0);
    ilrs_dict_t *d = ilrs_fsw_dict(fsw);
    assert_true(ilrs_dict_event_count(d) > 50);
    for (size_t i = 0; i < ilrs_dict_event_count(d); i++) {
        const ilrs_dict_event_t *e = ilrs_dict_event_at(d, i);
        char row[128];
        snprintf(row, sizeof row, "| %u | %s | ", e->id, e->name);
        if (strstr(doc, row) == NULL) {
            fail_msg("docs/events.md lacks %s (ID %u)", e->name, e->id);
        }
    }
    ilrs_fsw_destroy(fsw);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(event_catalog_documented),
    cmocka_unit_test(core_apps_and_dictionary),
    cmocka_unit_test(noop_and_reset_commands),
    cmocka_unit_test(bad_commands),
    cmocka_unit_test(corrupt_table_file),
    cmocka_unit_test(hk_packet_contents),
    cmocka_unit_test(failure_events_and_restart_command),
    cmocka_unit_test(drops_raise_events),
    cmocka_unit_test(determinism),
    cmocka_unit_test(time_and_evs_commands),
    cmocka_unit_test(wall_mode_overrun_events),
    cmocka_unit_test(apps_from_configuration),
};
ILRS_TEST_MAIN(tests)
