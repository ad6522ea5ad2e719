// SPDX-License-Identifier: Apache-2.0
// Executive: rates and slots, run order, determinism, failure/restart/disable,
// restart by command, overrun accounting in wall mode only, registration errors.
#include "ilrs_test.h"

#include <time.h>

#include <ilrs/fsw.h>

#define S ILRS_NS_PER_S

/* A step trace shared by the test apps. */
typedef struct trace {
    uint64_t frame[4096];
    char who[4096];
    ilrs_tai_t when[4096];
    size_t n;
} trace_t;

typedef struct test_app {
    trace_t *trace;
    ilrs_exec_t *exec;
    char tag;
    int inits, finis;
    uint64_t steps;
    uint64_t fail_from;  /* step number (1-based) from which every step fails, 0 = never */
    uint64_t fail_once;  /* one failing step, 0 = never */
    int fail_init_after; /* init number from which init fails, 0 = never */
    int64_t busy_ns;     /* busy-wait in each step */
} test_app_t;

static int t_init(ilrs_app_t *app, void *ctx)
{
    (void)app;
    test_app_t *t = ctx;
    t->inits++;
    if (t->fail_init_after > 0 && t->inits >= t->fail_init_after) {
        return ILRS_EIO;
    }
    return 0;
}

static void t_fini(ilrs_app_t *app, void *ctx)
{
    (void)app;
    ((test_app_t *)ctx)->finis++;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * S + ts.tv_nsec;
}

static int t_step(ilrs_app_t *app, void *ctx)
{
    (void)app;
    test_app_t *t = ctx;
    t->steps++;
    if (t->trace != NULL && t->trace->n < 4096) {
        trace_t *tr = t->trace;
        tr->frame[tr->n] = ilrs_exec_frame(t->exec);
        tr->who[tr->n] = t->tag;
        tr->when[tr->n] = ilrs_time_now(ilrs_exec_time(t->exec));
        tr->n++;
    }
    if (t->busy_ns > 0) {
        int64_t end = now_ns() + t->busy_ns;
        while (now_ns() < end) {
        }
    }
    if ((t->fail_from > 0 && t->steps >= t->fail_from) || t->steps == t->fail_once) {
        return ILRS_EIO;
    }
    return 0;
}

static ilrs_app_def_t def_of(const char *name, double rate, uint32_t slot, int32_t prio,
                             test_app_t *ctx)
{
    return (ilrs_app_def_t){.name = name,
                            .init = t_init,
                            .step = t_step,
                            .fini = t_fini,
                            .rate_hz = rate,
                            .slot = slot,
                            .priority = prio,
                            .context = ctx};
}

typedef struct notices {
    int count[8];
    int64_t last_code[8];
} notices_t;

static void on_notice(void *user, ilrs_exec_notice_t what, ilrs_app_t *app, int64_t code)
{
    (void)app;
    notices_t *n = user;
    n->count[what]++;
    n->last_code[what] = code;
}

static void make(ilrs_time_mode_t mode, const ilrs_exec_config_t *cfg, ilrs_time_t **t,
                 ilrs_exec_t **e)
{
    ilrs_time_config_t tc = {.mode = mode};
    assert_int_equal(ilrs_time_create(&tc, t), 0);
    assert_int_equal(ilrs_exec_create(cfg, *t, e), 0);
}

static void rates_and_slots(void **state)
{
    (void)state;
    static trace_t tr;
    memset(&tr, 0, sizeof tr);
    ilrs_time_t *time;
    ilrs_exec_t *exec;
    make(ILRS_TIME_MODE_VIRTUAL, NULL, &time, &exec);
    test_app_t a = {.trace = &tr, .exec = exec, .tag = 'A'};
    test_app_t b = {.trace = &tr, .exec = exec, .tag = 'B'};
    test_app_t c = {.trace = &tr, .exec = exec, .tag = 'C'};
    test_app_t d = {.trace = &tr, .exec = exec, .tag = 'D'};
    ilrs_app_def_t da = def_of("ALPHA", 10, 3, 0, &a);
    ilrs_app_def_t db = def_of("BRAVO", 1, 50, 0, &b);
    ilrs_app_def_t dc = def_of("CHARLIE", 100, 0, 5, &c);
    ilrs_app_def_t dd = def_of("DELTA", 0.5, 3, -1, &d); /* every 200 frames */
    assert_int_equal(ilrs_exec_add_app(exec, &da, NULL), 0);
    assert_int_equal(ilrs_exec_add_app(exec, &db, NULL), 0);
    assert_int_equal(ilrs_exec_add_app(exec, &dc, NULL), 0);
    assert_int_equal(ilrs_exec_add_app(exec, &dd, NULL), 0);
    assert_int_equal(ilrs_exec_run(exec, 2 * S), 0);
    assert_int_equal(ilrs_exec_frame(exec), 200);
    assert_int_equal(a.steps, 20);
    assert_int_equal(b.steps, 2);
    assert_int_equal(c.steps, 200);
    assert_int_equal(d.steps, 1);
    ilrs_tai_t t0 = tr.when[0] - (ilrs_tai_t)tr.frame[0] * (S / 100);
    for (size_t i = 0; i < tr.n; i++) {
        uint64_t f = tr.frame[i];
        switch (tr.who[i]) {
        case 'A':
            assert_int_equal(f % 10, 3);
            break;
        case 'B':
            assert_int_equal(f % 100, 50);
            break;
        case 'D':
            assert_int_equal(f % 200, 3);
            break;
        default:
            break;
        }
        /* Apps see the start time of their frame. */
        assert_true(tr.when[i] == t0 + (ilrs_tai_t)f * (S / 100));
        /* Within a frame: priority order (D -1, A/B 0, C 5). */
        if (i > 0 && tr.frame[i - 1] == f) {
            static const char rank[128] = {['D'] = 0, ['A'] = 1, ['B'] = 1, ['C'] = 2};
            assert_true(rank[(int)tr.who[i - 1]] <= rank[(int)tr.who[i]]);
        }
    }
    ilrs_exec_stats_t st;
    ilrs_exec_get_stats(exec, &st);
    assert_int_equal(st.major_frames, 2);
    assert_int_equal(st.steps, 223);
    ilrs_exec_destroy(exec);
    assert_int_equal(a.finis, 1);
    ilrs_time_destroy(time);
}

static void run_once(trace_t *tr, ilrs_exec_stats_t *st, test_app_t apps[3])
{
    ilrs_time_t *time;
    ilrs_exec_t *exec;
    ilrs_exec_config_t cfg = {.minor_hz = 50, .restart_delay_s = 0.2};
    make(ILRS_TIME_MODE_VIRTUAL, &cfg, &time, &exec);
    memset(apps, 0, 3 * sizeof *apps);
    const char tags[3] = {'X', 'Y', 'Z'};
    const char *names[3] = {"XRAY", "YANKEE", "ZULU"};
    const double rates[3] = {25, 5, 50};
    for (int i = 0; i < 3; i++) {
        apps[i] = (test_app_t){.trace = tr, .exec = exec, .tag = tags[i]};
        ilrs_app_def_t d = def_of(names[i], rates[i], 0, 0, &apps[i]);
        assert_int_equal(ilrs_exec_add_app(exec, &d, NULL), 0);
    }
    apps[1].fail_once = 3; /* one failure: restart after 0.2 s */
    assert_int_equal(ilrs_exec_run(exec, 10 * S), 0);
    ilrs_exec_get_stats(exec, st);
    ilrs_exec_destroy(exec);
    ilrs_time_destroy(time);
}

/* Two runs of the same configuration give the same step trace, times included. */
static void determinism(void **state)
{
    (void)state;
    static trace_t t1, t2;
    memset(&t1, 0, sizeof t1);
    memset(&t2, 0, sizeof t2);
    test_app_t a1[3], a2[3];
    ilrs_exec_stats_t s1, s2;
    run_once(&t1, &s1, a1);
    run_once(&t2, &s2, a2);
    assert_true(t1.n > 100);
    assert_int_equal(t1.n, t2.n);
    assert_memory_equal(t1.frame, t2.frame, t1.n * sizeof t1.frame[0]);
    assert_memory_equal(t1.who, t2.who, t1.n);
    assert_memory_equal(t1.when, t2.when, t1.n * sizeof t1.when[0]);
    assert_int_equal(s1.steps, s2.steps);
    assert_int_equal(s1.restarts, 1);
    assert_int_equal(s2.restarts, 1);
    assert_int_equal(s1.overruns, 0); /* virtual mode never counts overruns */
}

/* The executive's counts of running and disabled apps (kept as states change) agree
 * with the apps' own states, and with what the test expects. */
static void assert_app_counts(const ilrs_exec_t *exec, uint32_t running, uint32_t disabled)
{
    ilrs_exec_stats_t st;
    ilrs_exec_get_stats(exec, &st);
    uint32_t r = 0, d = 0;
    for (uint32_t i = 0; i < ilrs_exec_app_count(exec); i++) {
        ilrs_app_state_t s = ilrs_app_get_state(ilrs_exec_app_at(exec, i));
        r += s == ILRS_APP_RUNNING ? 1u : 0u;
        d += s == ILRS_APP_DISABLED ? 1u : 0u;
    }
    assert_int_equal(st.apps_running, r);
    assert_int_equal(st.apps_disabled, d);
    assert_int_equal(st.apps_running, running);
    assert_int_equal(st.apps_disabled, disabled);
}

static void restart_after_failure(void **state)
{
    (void)state;
    ilrs_time_t *time;
    ilrs_exec_t *exec;
    ilrs_exec_config_t cfg = {.restart_delay_s = 0.5, .max_failures = 3};
    make(ILRS_TIME_MODE_VIRTUAL, &cfg, &time, &exec);
    notices_t n = {0};
    ilrs_exec_set_notice_hook(exec, on_notice, &n);
    test_app_t t = {.exec = exec, .fail_once = 5};
    ilrs_app_def_t d = def_of("FAILER", 10, 0, 0, &t);
    ilrs_app_t *app = NULL;
    assert_int_equal(ilrs_exec_add_app(exec, &d, &app), 0);
    assert_non_null(app);
    /* Steps at frames 0,10,20,30,40: the 5th fails at frame 40. */
    assert_int_equal(ilrs_exec_run(exec, S / 2 - 1), 0); /* frames 0..49 */
    assert_int_equal(t.steps, 5);
    assert_int_equal(t.finis, 1);
    assert_int_equal(ilrs_app_get_state(app), ILRS_APP_RESTARTING);
    assert_int_equal(n.count[ILRS_EXEC_NOTICE_STEP_FAIL], 1);
    assert_int_equal(n.last_code[ILRS_EXEC_NOTICE_STEP_FAIL], ILRS_EIO);
    /* Restart due at frame 90 (40 + 50), first step after it at frame 90. */
    assert_int_equal(ilrs_exec_run(exec, S / 2 - 1), 0); /* frames 50..99 */
    assert_int_equal(t.inits, 2);
    assert_int_equal(ilrs_app_get_state(app), ILRS_APP_RUNNING);
    assert_int_equal(t.steps, 6);
    assert_int_equal(n.count[ILRS_EXEC_NOTICE_RESTARTED], 1);
    ilrs_app_stats_t as;
    ilrs_exec_get_app_stats(app, &as);
    assert_int_equal(as.restarts, 1);
    assert_int_equal(as.failures, 1);

    /* From now on every step fails: failures 2 and 3 disable the app. */
    t.fail_from = t.steps + 1;
    assert_int_equal(ilrs_exec_run(exec, 5 * S), 0);
    assert_int_equal(ilrs_app_get_state(app), ILRS_APP_DISABLED);
    assert_int_equal(n.count[ILRS_EXEC_NOTICE_DISABLED], 1);
    assert_app_counts(exec, 0, 1);
    ilrs_exec_get_app_stats(app, &as);
    assert_int_equal(as.failures, 3);
    uint64_t steps = t.steps;
    assert_int_equal(ilrs_exec_run(exec, S), 0);
    assert_int_equal(t.steps, steps); /* disabled: no more steps */

    /* Restart by command: runs again, failure count cleared. */
    t.fail_from = 0;
    assert_int_equal(ilrs_exec_restart_app(exec, app), 0);
    assert_int_equal(ilrs_app_get_state(app), ILRS_APP_RUNNING);
    assert_app_counts(exec, 1, 0);
    assert_int_equal(ilrs_exec_run(exec, S), 0);
    assert_int_equal(t.steps, steps + 10);
    /* Disable and enable by command. */
    int finis = t.finis;
    assert_int_equal(ilrs_exec_disable_app(exec, app), 0);
    assert_int_equal(t.finis, finis + 1);
    assert_app_counts(exec, 0, 1);
    assert_int_equal(ilrs_exec_enable_app(exec, app), 0);
    assert_int_equal(ilrs_exec_enable_app(exec, app), ILRS_ESTATE);
    ilrs_exec_destroy(exec);
    ilrs_time_destroy(time);
}

static void init_failure_disables(void **state)
{
    (void)state;
    ilrs_time_t *time;
    ilrs_exec_t *exec;
    ilrs_exec_config_t cfg = {.restart_delay_s = 0.1, .max_failures = 2};
    make(ILRS_TIME_MODE_VIRTUAL, &cfg, &time, &exec);
    notices_t n = {0};
    ilrs_exec_set_notice_hook(exec, on_notice, &n);
    test_app_t t = {.exec = exec, .fail_init_after = 1};
    ilrs_app_def_t d = def_of("BADINIT", 1, 0, 0, &t);
    ilrs_app_t *app;
    assert_int_equal(ilrs_exec_add_app(exec, &d, &app), 0);
    assert_int_equal(ilrs_exec_run(exec, S), 0);
    assert_int_equal(t.inits, 2);
    assert_int_equal(t.steps, 0);
    assert_int_equal(t.finis, 0); /* fini never follows a failed init */
    assert_int_equal(n.count[ILRS_EXEC_NOTICE_INIT_FAIL], 2);
    assert_int_equal(ilrs_app_get_state(app), ILRS_APP_DISABLED);
    ilrs_exec_destroy(exec);
    ilrs_time_destroy(time);
}

/* Overruns: counted (with a notice) in wall mode, never in virtual mode. */
static void overrun_wall_only(void **state)
{
    (void)state;
    for (int mode = 0; mode < 2; mode++) {
        ilrs_time_t *time;
        ilrs_exec_t *exec;
        ilrs_exec_config_t cfg = {.minor_hz = 200};
        make(mode == 0 ? ILRS_TIME_MODE_WALL : ILRS_TIME_MODE_VIRTUAL, &cfg, &time, &exec);
        notices_t n = {0};
        ilrs_exec_set_notice_hook(exec, on_notice, &n);
        /* Busy 300 us against a 10 us budget: every step overruns. */
        test_app_t slow = {.exec = exec, .busy_ns = 300000};
        test_app_t fast = {.exec = exec};
        ilrs_app_def_t ds = def_of("SLOW", 100, 0, 0, &slow);
        ds.budget_ns = 10000;
        ilrs_app_def_t df = def_of("FAST", 100, 1, 0, &fast);
        df.budget_ns = 5 * S; /* never reached */
        ilrs_app_t *as_app, *af_app;
        assert_int_equal(ilrs_exec_add_app(exec, &ds, &as_app), 0);
        assert_int_equal(ilrs_exec_add_app(exec, &df, &af_app), 0);
        assert_int_equal(ilrs_exec_run(exec, S / 20), 0); /* 10 frames */
        ilrs_app_stats_t st;
        ilrs_exec_get_app_stats(as_app, &st);
        assert_int_equal(st.steps, 5);
        assert_true(st.exec_min_ns >= 300000); /* measured in both modes */
        assert_true(st.exec_max_ns >= st.exec_min_ns);
        ilrs_exec_stats_t es;
        ilrs_exec_get_stats(exec, &es);
        if (mode == 0) {
            assert_int_equal(st.overruns, 5);
            assert_int_equal(n.count[ILRS_EXEC_NOTICE_OVERRUN], 5);
            assert_true(n.last_code[ILRS_EXEC_NOTICE_OVERRUN] >= 300000);
            assert_int_equal(es.overruns, 5);
        } else {
            assert_int_equal(st.overruns, 0);
            assert_int_equal(n.count[ILRS_EXEC_NOTICE_OVERRUN], 0);
            assert_int_equal(es.overruns, 0);
        }
        ilrs_exec_get_app_stats(af_app, &st);
        assert_int_equal(st.overruns, 0);
        ilrs_exec_destroy(exec);
        ilrs_time_destroy(time);
    }
}

static void registration_errors(void **state)
{
    (void)state;
    ilrs_time_t *time;
    ilrs_exec_t *exec;
    ilrs_exec_config_t cfg = {.max_apps = 2, .max_cycle_frames = 1000};
    make(ILRS_TIME_MODE_VIRTUAL, &cfg, &time, &exec);
    test_app_t t = {0};
    ilrs_app_def_t d = def_of("GOOD", 10, 0, 0, &t);
    ilrs_app_t *app = (ilrs_app_t *)&t;
    d.rate_hz = 30; /* 100/30 is not an integer */
    assert_int_equal(ilrs_exec_add_app(exec, &d, &app), ILRS_EINVAL);
    assert_null(app);
    d.rate_hz = 200;
    assert_int_equal(ilrs_exec_add_app(exec, &d, NULL), ILRS_EINVAL);
    d.rate_hz = 10;
    d.slot = 10;
    assert_int_equal(ilrs_exec_add_app(exec, &d, NULL), ILRS_EINVAL);
    d.slot = 0;
    d.name = "lower";
    assert_int_equal(ilrs_exec_add_app(exec, &d, NULL), ILRS_EINVAL);
    d.name = "A_NAME_TOO_LONG_X";
    assert_int_equal(ilrs_exec_add_app(exec, &d, NULL), ILRS_EINVAL);
    d.name = "GOOD";
    d.step = NULL;
    assert_int_equal(ilrs_exec_add_app(exec, &d, NULL), ILRS_EINVAL);
    d.step = t_step;
    d.rate_hz = 0.07; /* period 1428.57 frames */
    assert_int_equal(ilrs_exec_add_app(exec, &d, NULL), ILRS_EINVAL);
    d.rate_hz = 10;
    assert_int_equal(ilrs_exec_add_app(exec, &d, NULL), 0);
    assert_int_equal(ilrs_exec_add_app(exec, &d, NULL), ILRS_EEXIST);
    d.name = "SLOWER";
    d.rate_hz = 0.08; /* period 1250 > max_cycle_frames */
    assert_int_equal(ilrs_exec_add_app(exec, &d, NULL), ILRS_EINVAL);
    d.rate_hz = 1;
    assert_int_equal(ilrs_exec_add_app(exec, &d, NULL), 0);
    d.name = "THIRD";
    assert_int_equal(ilrs_exec_add_app(exec, &d, NULL), ILRS_ELIMIT);
    assert_int_equal(ilrs_exec_app_count(exec), 2);
    assert_non_null(ilrs_exec_find_app(exec, "SLOWER"));
    assert_null(ilrs_exec_find_app(exec, "THIRD"));
    assert_int_equal(ilrs_exec_start(exec), 0);
    assert_int_equal(ilrs_exec_start(exec), ILRS_ESTATE);
    d.name = "LATE";
    assert_int_equal(ilrs_exec_add_app(exec, &d, NULL), ILRS_ESTATE);
    ilrs_exec_destroy(exec);
    ilrs_time_destroy(time);
    ilrs_exec_config_t bad = {.minor_hz = 20000};
    assert_int_equal(ilrs_time_create(NULL, &time), 0);
    assert_int_equal(ilrs_exec_create(&bad, time, &exec), ILRS_EINVAL);
    assert_null(exec);
    ilrs_time_destroy(time);
}

static int stopper_step(ilrs_app_t *app, void *ctx)
{
    test_app_t *t = ctx;
    if (++t->steps == 7) {
        ilrs_exec_request_stop(t->exec);
    }
    (void)app;
    return 0;
}

static void stop_request(void **state)
{
    (void)state;
    ilrs_time_t *time;
    ilrs_exec_t *exec;
    make(ILRS_TIME_MODE_VIRTUAL, NULL, &time, &exec);
    test_app_t t = {.exec = exec};
    ilrs_app_def_t d = {.name = "STOPPER", .step = stopper_step, .rate_hz = 100, .context = &t};
    assert_int_equal(ilrs_exec_add_app(exec, &d, NULL), 0);
    assert_int_equal(ilrs_exec_run(exec, 3600 * S), 0);
    assert_int_equal(ilrs_exec_frame(exec), 7);
    assert_true(ilrs_time_elapsed(time) == 7 * (S / 100));
    ilrs_exec_destroy(exec);
    ilrs_time_destroy(time);
}

/* An app disabled before start is neither initialised nor stepped until enabled. */
static void disabled_before_start(void **state)
{
    (void)state;
    ilrs_time_t *time;
    ilrs_exec_t *exec;
    make(ILRS_TIME_MODE_VIRTUAL, NULL, &time, &exec);
    test_app_t t = {.exec = exec};
    ilrs_app_def_t d = def_of("SLEEPER", 10, 0, 0, &t);
    ilrs_app_t *app;
    assert_int_equal(ilrs_exec_add_app(exec, &d, &app), 0);
    assert_int_equal(ilrs_exec_disable_app(exec, app), 0);
    assert_int_equal(ilrs_exec_run(exec, S), 0);
    assert_int_equal(t.inits, 0);
    assert_app_counts(exec, 0, 1);
    assert_int_equal(t.steps, 0);
    assert_int_equal(t.finis, 0);
    assert_int_equal(ilrs_exec_enable_app(exec, app), 0);
    assert_int_equal(ilrs_exec_run(exec, S), 0);
    assert_int_equal(t.inits, 1);
    assert_int_equal(t.steps, 10);
    assert_app_counts(exec, 1, 0);
    ilrs_exec_destroy(exec);
    assert_int_equal(t.finis, 1);
    ilrs_time_destroy(time);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(disabled_before_start), cmocka_unit_test(rates_and_slots),
    cmocka_unit_test(determinism),           cmocka_unit_test(restart_after_failure),
    cmocka_unit_test(init_failure_disables), cmocka_unit_test(overrun_wall_only),
    cmocka_unit_test(registration_errors),   cmocka_unit_test(stop_request),
};
ILRS_TEST_MAIN(tests)
