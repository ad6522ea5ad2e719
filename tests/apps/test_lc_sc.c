// SPDX-License-Identifier: Apache-2.0
// LC and SC with POWER and MODE on a flight instance (virtual time) against the
// scripted hal: a watchpoint on POWER_HK.soc fires an actionpoint whose RTS
// commands execute through the ingest; an ATS runs at its absolute times; the
// sequence format's errors name their line; RPN and actionpoint states.
#include <unistd.h>

#include "apps_test.h"

#include "apps/lc/lc_eid.h"
#include "apps/mode/mode_eid.h"
#include "apps/sc/sc_eid.h"

#define PWR_APID 0x120

typedef struct fx {
    harness_t h;
    ilrs_pwr_app_t *pwr;
    ilrs_mode_app_t *mode;
    ilrs_sc_app_t *sc;
    ilrs_lc_app_t *lc;
    int soc, volt, comm;
} fx_t;

static fx_t *setup(const char *sc_text, const ilrs_lc_config_t *lcc)
{
    fx_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    harness_init(&f->h);
    th_t *t = &f->h.hal;
    th_init(t);
    th_add_switch(t, "line.avionics", true);
    f->comm = th_add_switch(t, "line.comm", true);
    f->soc = th_add_sensor(t, "bat.soc", 0.8);
    f->volt = th_add_sensor(t, "bus.voltage", 28.0);
    ilrs_pwr_config_t pc = {.hal = &t->hal, .line_count = 2, .soc_sensor_count = 1,
                            .apid = PWR_APID};
    snprintf(pc.lines[0].name, ILRS_APPS_NAME_MAX, "line.avionics");
    snprintf(pc.lines[1].name, ILRS_APPS_NAME_MAX, "line.comm");
    pc.lines[0].enabled = pc.lines[1].enabled = true;
    snprintf(pc.soc_sensors[0], ILRS_APPS_NAME_MAX, "bat.soc");
    snprintf(pc.bus_voltage_sensor, ILRS_APPS_NAME_MAX, "bus.voltage");
    assert_int_equal(ilrs_pwr_app_create(&pc, &f->pwr), 0);
    ilrs_mode_config_t mc = {.initial = ILRS_MODE_NOMINAL};
    assert_int_equal(ilrs_mode_app_create(&mc, &f->mode), 0);
    ilrs_sc_config_t scc = {.text = sc_text};
    assert_int_equal(ilrs_sc_app_create(&scc, &f->sc), 0);
    assert_int_equal(ilrs_lc_app_create(lcc, &f->lc), 0);
    ilrs_app_def_t def;
    ilrs_pwr_app_def(f->pwr, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    ilrs_mode_app_def(f->mode, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    ilrs_sc_app_def(f->sc, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    ilrs_lc_app_def(f->lc, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    assert_int_equal(ilrs_fsw_start(f->h.fsw), 0);
    return f;
}

static void teardown(fx_t *f)
{
    ilrs_fsw_destroy(f->h.fsw);
    ilrs_lc_app_destroy(f->lc);
    ilrs_sc_app_destroy(f->sc);
    ilrs_mode_app_destroy(f->mode);
    ilrs_pwr_app_destroy(f->pwr);
    free(f);
}

static void soc_watch(ilrs_lc_config_t *c)
{
    memset(c, 0, sizeof *c);
    c->wp_count = 2;
    c->wp[0] = (ilrs_lc_watchpoint_t){.apid = PWR_APID, .field = "soc", .op = ILRS_LC_LT,
                                      .value = 0.3, .persistence = 2};
    c->wp[1] = (ilrs_lc_watchpoint_t){.apid = PWR_APID, .field = "bus_voltage",
                                      .op = ILRS_LC_LT, .value = 26.0};
    c->ap_count = 1;
    c->ap[0] = (ilrs_lc_actionpoint_t){.rpn = {0, 1, ILRS_LC_RPN_OR}, .rpn_count = 3,
                                       .rts = 1, .name = "low_power"};
}

static const char *rts_text = "# low power response\n"
                              "rts 1\n"
                              "0   ModeSet SAFE          # at once\n"
                              "2.0 PwrSetLoadLine line.comm false\n";

static void watchpoint_fires_rts(void **state)
{
    (void)state;
    ilrs_lc_config_t lcc;
    soc_watch(&lcc);
    fx_t *f = setup(rts_text, &lcc);
    harness_run(&f->h, 5);
    assert_int_equal(ilrs_lc_app_wp_result(f->lc, 0), ILRS_LC_FALSE);
    assert_int_equal(ilrs_lc_app_ap_result(f->lc, 0), ILRS_LC_FALSE);
    assert_int_equal(count_events(&f->h, "SC", SC_LOAD_INF_EID), 1);

    f->h.hal.sen_value[f->soc] = 0.25;
    for (int k = 0; k < 10 && ilrs_lc_app_ap_fired(f->lc, 0) == 0; k++) {
        harness_run(&f->h, 1);
    }
    assert_int_equal(ilrs_lc_app_ap_fired(f->lc, 0), 1);
    assert_int_equal(ilrs_lc_app_wp_result(f->lc, 0), ILRS_LC_TRUE);
    harness_run(&f->h, 1);
    assert_int_equal(ilrs_mode_app_current(f->mode), ILRS_MODE_SAFE);
    assert_true(f->h.hal.sw_cmd[f->comm]); /* second command 2 s later */
    harness_run(&f->h, 3);
    assert_false(f->h.hal.sw_cmd[f->comm]);
    assert_int_equal(count_events(&f->h, "SC", SC_RTS_DONE_INF_EID), 1);
    assert_non_null(strstr(last_event(&f->h, "MODE", MODE_TRANSITION_INF_EID), "-> SAFE"));
    ilrs_sc_status_t ss;
    ilrs_sc_app_status(f->sc, &ss);
    assert_int_equal(ss.cmds_sent, 2);
    assert_int_equal(ss.cmds_failed, 0);

    /* Latched while true; re-armed when false; fires again on the next violation. */
    harness_run(&f->h, 20);
    assert_int_equal(ilrs_lc_app_ap_fired(f->lc, 0), 1);
    f->h.hal.sen_value[f->soc] = 0.8;
    harness_run(&f->h, 4);
    assert_int_equal(count_events(&f->h, "LC", LC_AP_CLEAR_INF_EID), 1);
    f->h.hal.sen_value[f->volt] = 25.0; /* the other operand of the OR */
    harness_run(&f->h, 4);
    assert_int_equal(ilrs_lc_app_ap_fired(f->lc, 0), 2);
    assert_int_equal(count_events(&f->h, "SC", SC_RTS_START_INF_EID), 2);

    /* Passive: evaluated, event only. */
    f->h.hal.sen_value[f->volt] = 28.0;
    harness_run(&f->h, 4);
    const char *passive[] = {"0", "PASSIVE"};
    assert_int_equal(send_cmd(&f->h, "LcSetApState", passive, 2), 0);
    harness_run(&f->h, 4);
    f->h.hal.sen_value[f->volt] = 25.0;
    harness_run(&f->h, 4);
    assert_int_equal(count_events(&f->h, "LC", LC_AP_PASSIVE_INF_EID), 1);
    assert_int_equal(count_events(&f->h, "SC", SC_RTS_START_INF_EID), 2);
    teardown(f);
}

static void ats_at_absolute_times(void **state)
{
    (void)state;
    ilrs_lc_config_t lcc = {0};
    /* the virtual clock starts at 2030-01-01T00:00:00 UTC */
    const char *text = "ats\n"
                       "2030-01-01T00:00:02Z ModeSet POWER_SAFE   # before the start: skipped\n"
                       "2030-01-01T00:00:30Z ModeSet SAFE\n"
                       "2030-01-01T00:01:00.5Z ModeSet NIGHT_SURVIVAL\n";
    fx_t *f = setup(text, &lcc);
    harness_run(&f->h, 10);
    assert_int_equal(send_cmd(&f->h, "ScStartAts", NULL, 0), 0);
    harness_run(&f->h, 19); /* t = 29 s */
    assert_int_equal(ilrs_mode_app_current(f->mode), ILRS_MODE_NOMINAL);
    harness_run(&f->h, 2);
    assert_int_equal(ilrs_mode_app_current(f->mode), ILRS_MODE_SAFE);
    harness_run(&f->h, 29); /* t = 60 s */
    assert_int_equal(ilrs_mode_app_current(f->mode), ILRS_MODE_SAFE);
    harness_run(&f->h, 2);
    assert_int_equal(ilrs_mode_app_current(f->mode), ILRS_MODE_NIGHT_SURVIVAL);
    ilrs_sc_status_t ss;
    ilrs_sc_app_status(f->sc, &ss);
    assert_int_equal(ss.ats_sent, 2);
    assert_false(ss.ats_running);
    assert_int_equal(count_events(&f->h, "MODE", MODE_TRANSITION_INF_EID), 3);
    teardown(f);
}

static void sequence_format_errors(void **state)
{
    (void)state;
    ilrs_lc_config_t lcc = {0};
    fx_t *f = setup(NULL, &lcc);
    ilrs_dict_t *d = ilrs_fsw_dict(f->h.fsw);
    ilrs_sc_program_t *p = calloc(1, sizeof *p);
    assert_non_null(p);
    char err[256];
    const struct {
        const char *text;
        int rc;
        const char *where;
    } cases[] = {
        {"0 ModeSet SAFE\n", ILRS_EFORMAT, "line 1"},
        {"rts 1\n0 ModeSet SAFE\n1 NoSuchCommand\n", ILRS_ENOENT, "line 3"},
        {"rts 1\n0 ModeSet WRONG\n", ILRS_EFSW_ARG, "line 2"},
        {"rts 17\n", ILRS_ERANGE, "line 1"},
        {"rts 2\n-1 ModeSet SAFE\n", ILRS_EFORMAT, "line 2"},
        {"ats\n2030-01-02T00:00:00Z ModeSet SAFE\n2030-01-01T00:00:00Z ModeSet SAFE\n",
         ILRS_ERANGE, "line 3"},
        {"ats\n2030-13-01 ModeSet SAFE\n", ILRS_EFORMAT, "line 2"},
        {"rts 1\n0 PwrSetLoadLine \"line.comm false\n", ILRS_EFORMAT, "line 2"},
        {"rts 1\nrts 1\n", ILRS_EFORMAT, "line 2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = ilrs_sc_parse(cases[i].text, strlen(cases[i].text), d, p, err, sizeof err);
        if (rc != cases[i].rc || strstr(err, cases[i].where) == NULL) {
            fail_msg("case %zu: rc %d (%s), expected %d at %s", i, rc, err, cases[i].rc,
                     cases[i].where);
        }
    }
    /* nothing partial was kept */
    for (size_t i = 0; i < ILRS_SC_MAX_RTS; i++) {
        assert_false(p->rts_loaded[i]);
    }
    assert_false(p->ats_loaded);
    const char *ok = "rts 4\n0 PwrSetLoadLine \"line.comm\" false\n1.5 ScStopRts 4\n";
    assert_int_equal(ilrs_sc_parse(ok, strlen(ok), d, p, err, sizeof err), 0);
    assert_true(p->rts_loaded[3]);
    assert_int_equal(p->rts_count[3], 2);
    assert_int_equal(p->rts[3][1].time, 1500000000);
    free(p);

    /* ScLoadFile: an unreadable file and a bad one are refused with events; a good one loads. */
    const char *missing[] = {"tests/apps/no_such_sequence.txt"};
    assert_int_equal(send_cmd(&f->h, "ScLoadFile", missing, 1), 0);
    char path[] = "/tmp/ilrs_sc_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *file_text = "rts 5\n0 ModeSet SAFE\n";
    assert_int_equal(write(fd, file_text, strlen(file_text)), (ssize_t)strlen(file_text));
    close(fd);
    const char *good[] = {path};
    assert_int_equal(send_cmd(&f->h, "ScLoadFile", good, 1), 0);
    harness_run(&f->h, 2);
    const char *five[] = {"5"};
    assert_int_equal(send_cmd(&f->h, "ScStartRts", five, 1), 0);
    const char *six[] = {"6"};
    assert_int_equal(send_cmd(&f->h, "ScStartRts", six, 1), 0); /* not loaded */
    harness_run(&f->h, 2);
    unlink(path);
    assert_int_equal(ilrs_mode_app_current(f->mode), ILRS_MODE_SAFE);
    assert_int_equal(count_events(&f->h, "SC", SC_LOAD_ERR_EID), 1);
    assert_int_equal(count_events(&f->h, "SC", SC_RTS_ERR_EID), 1);
    teardown(f);
}

static void actionpoint_configuration(void **state)
{
    (void)state;
    ilrs_lc_config_t c;
    soc_watch(&c);
    ilrs_lc_app_t *a = NULL;
    c.ap[0].rpn_count = 2; /* {0, 1}: two values left */
    assert_int_equal(ilrs_lc_app_create(&c, &a), ILRS_EINVAL);
    c.ap[0].rpn[0] = 5; /* no watchpoint 5 */
    c.ap[0].rpn_count = 1;
    assert_int_equal(ilrs_lc_app_create(&c, &a), ILRS_EINVAL);
    c.ap[0].rpn[0] = ILRS_LC_RPN_AND; /* operator without operands */
    assert_int_equal(ilrs_lc_app_create(&c, &a), ILRS_EINVAL);
    c.ap[0].rpn[0] = 0;
    c.ap[0].rts = 0;
    assert_int_equal(ilrs_lc_app_create(&c, &a), ILRS_EINVAL);
    c.ap[0].rts = 1;
    c.wp[0].op = (ilrs_lc_op_t)9;
    assert_int_equal(ilrs_lc_app_create(&c, &a), ILRS_EINVAL);

    /* An unknown field is an error result with an event; a packet never seen stays
     * STALE and its actionpoint never fires. NOT and AND evaluate. */
    soc_watch(&c);
    c.wp_count = 3;
    c.wp[1] = (ilrs_lc_watchpoint_t){.apid = PWR_APID, .field = "no_such_field",
                                     .op = ILRS_LC_GT, .value = 0};
    c.wp[2] = (ilrs_lc_watchpoint_t){.apid = 0x6FF, .field = "x", .op = ILRS_LC_GT, .value = 0};
    c.ap_count = 3;
    c.ap[0] = (ilrs_lc_actionpoint_t){.rpn = {0, ILRS_LC_RPN_NOT}, .rpn_count = 2, .rts = 2};
    c.ap[1] = (ilrs_lc_actionpoint_t){.rpn = {0, 2, ILRS_LC_RPN_AND}, .rpn_count = 3, .rts = 2};
    c.ap[2] = (ilrs_lc_actionpoint_t){.rpn = {1}, .rpn_count = 1, .rts = 2};
    fx_t *f = setup("rts 2\n0 ModeSet SAFE\n", &c);
    harness_run(&f->h, 6);
    assert_int_equal(ilrs_lc_app_wp_result(f->lc, 1), ILRS_LC_ERROR);
    assert_int_equal(ilrs_lc_app_wp_result(f->lc, 2), ILRS_LC_STALE);
    assert_int_equal(ilrs_lc_app_ap_result(f->lc, 0), ILRS_LC_TRUE); /* NOT (soc < 0.3) */
    assert_int_equal(ilrs_lc_app_ap_result(f->lc, 1), ILRS_LC_STALE);
    assert_int_equal(ilrs_lc_app_ap_result(f->lc, 2), ILRS_LC_ERROR);
    assert_int_equal(ilrs_lc_app_ap_fired(f->lc, 0), 1);
    assert_int_equal(ilrs_lc_app_ap_fired(f->lc, 1), 0);
    assert_int_equal(count_events(&f->h, "LC", LC_WP_ERR_EID), 1);
    assert_int_equal(ilrs_mode_app_current(f->mode), ILRS_MODE_SAFE);
    teardown(f);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(watchpoint_fires_rts),
    cmocka_unit_test(ats_at_absolute_times),
    cmocka_unit_test(sequence_format_errors),
    cmocka_unit_test(actionpoint_configuration),
};

ILRS_TEST_MAIN(tests)
