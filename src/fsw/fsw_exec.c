// SPDX-License-Identifier: Apache-2.0
// Executive: app registration, the rate-group schedule, the frame loop on virtual or
// wall time, execution-time and overrun accounting, failure and restart handling.
// Depends on the time service (fsw_time.c) only; the flight instance adds services
// through the pre-step hook and the notice hook.
//
// Design notes
// - The schedule is a table over one cycle of minor frames (the least common multiple
//   of the app periods): the apps of frame f are entries[offsets[f % cycle] ..
//   offsets[f % cycle + 1]), already in (priority, registration) order. A frame costs
//   one table lookup however many apps exist, which keeps a day of 100 Hz frames cheap;
//   on virtual time a run of frames without apps is a single clock step (gap table).
// - Frame n starts at exactly n / minor_hz s (integer arithmetic), so no rounding
//   accumulates whatever the rate.
// - Execution times are always measured (the host wants them), but in virtual mode
//   they never reach overrun counters, notices or telemetry: a virtual run must be
//   a pure function of its configuration and inputs.
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fsw/fsw_int.h"

#define DEFAULT_MINOR_HZ      100u
#define MAX_MINOR_HZ          10000u
#define DEFAULT_MAX_APPS      64u
#define MAX_MAX_APPS          4096u
#define DEFAULT_MAX_FAILURES  3u
#define DEFAULT_MAX_CYCLE     100000u
#define DEFAULT_TIMING_SAMPLE 16u

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * ILRS_NS_PER_S + ts.tv_nsec;
}

/* Every state change after registration goes through here, which keeps the counts
 * of running and disabled apps that the statistics (read every second) report. */
static void set_state(ilrs_exec_t *exec, ilrs_app_t *app, ilrs_app_state_t state)
{
    exec->apps_running -= app->state == ILRS_APP_RUNNING ? 1u : 0u;
    exec->apps_disabled -= app->state == ILRS_APP_DISABLED ? 1u : 0u;
    app->state = state;
    exec->apps_running += state == ILRS_APP_RUNNING ? 1u : 0u;
    exec->apps_disabled += state == ILRS_APP_DISABLED ? 1u : 0u;
}

int64_t ilrs__exec_frame_start_ns(const ilrs_exec_t *exec, uint64_t frame)
{
    if (exec->frame_ns > 0) {
        return (int64_t)frame * exec->frame_ns; /* the same value, without divisions */
    }
    uint64_t hz = exec->cfg.minor_hz;
    return (int64_t)((frame / hz) * (uint64_t)ILRS_NS_PER_S +
                     ((frame % hz) * (uint64_t)ILRS_NS_PER_S) / hz);
}

int ilrs_exec_create(const ilrs_exec_config_t *config, ilrs_time_t *time, ilrs_exec_t **out)
{
    if (out == NULL) {
        return ILRS_EINVAL;
    }
    *out = NULL;
    if (time == NULL) {
        return ILRS_EINVAL;
    }
    ilrs_exec_config_t cfg = {0};
    if (config != NULL) {
        cfg = *config;
    }
    if (cfg.minor_hz == 0) {
        cfg.minor_hz = DEFAULT_MINOR_HZ;
    }
    if (cfg.minor_per_major == 0) {
        cfg.minor_per_major = cfg.minor_hz;
    }
    if (cfg.max_apps == 0) {
        cfg.max_apps = DEFAULT_MAX_APPS;
    }
    if (cfg.restart_delay_s == 0.0) {
        cfg.restart_delay_s = 1.0;
    }
    if (cfg.max_failures == 0) {
        cfg.max_failures = DEFAULT_MAX_FAILURES;
    }
    if (cfg.max_cycle_frames == 0) {
        cfg.max_cycle_frames = DEFAULT_MAX_CYCLE;
    }
    if (cfg.timing_sample == 0) {
        cfg.timing_sample = DEFAULT_TIMING_SAMPLE;
    }
    if (cfg.minor_hz > MAX_MINOR_HZ || cfg.max_apps > MAX_MAX_APPS ||
        !isfinite(cfg.restart_delay_s) || cfg.restart_delay_s < 0 ||
        cfg.restart_delay_s > 86400.0 || cfg.max_cycle_frames > 10000000u) {
        return ILRS_EINVAL;
    }
    ilrs_exec_t *exec = calloc(1, sizeof *exec);
    if (exec == NULL) {
        return ILRS_ENOMEM;
    }
    exec->apps = calloc(cfg.max_apps, sizeof *exec->apps);
    if (exec->apps == NULL) {
        free(exec);
        return ILRS_ENOMEM;
    }
    exec->cfg = cfg;
    exec->time = time;
    /* Cheap forms of per-frame arithmetic (a 1 Hz station year runs 31.5 M frames
     * with apps): the frame start as a product when a frame is a whole number of
     * ns, the timing sample as a mask when it is a power of two. */
    if ((uint64_t)ILRS_NS_PER_S % cfg.minor_hz == 0) {
        exec->frame_ns = ILRS_NS_PER_S / (int64_t)cfg.minor_hz;
    }
    if ((cfg.timing_sample & (cfg.timing_sample - 1)) == 0) {
        exec->timing_mask = cfg.timing_sample - 1;
    }
    *out = exec;
    return 0;
}

void ilrs_exec_destroy(ilrs_exec_t *exec)
{
    if (exec == NULL) {
        return;
    }
    for (uint32_t i = exec->app_count; i-- > 0;) {
        ilrs_app_t *app = &exec->apps[i];
        if (app->state == ILRS_APP_RUNNING && app->def.fini != NULL) {
            app->def.fini(app, app->ctx);
        }
        if (app->def.context_size > 0) {
            free(app->ctx);
        }
        free(app->hk_packet);
    }
    free(exec->apps);
    free(exec->offsets);
    free(exec->entries);
    free(exec->gap);
    free(exec);
}

void ilrs_exec_set_notice_hook(ilrs_exec_t *exec, ilrs_exec_notice_fn fn, void *user)
{
    exec->notice = fn;
    exec->notice_user = user;
}

static bool app_name_valid(const char *name)
{
    if (name == NULL || name[0] < 'A' || name[0] > 'Z') {
        return false;
    }
    size_t n = 0;
    for (const char *p = name; *p != '\0'; p++, n++) {
        bool ok = (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_';
        if (!ok || n + 1 >= ILRS_APP_NAME_MAX) {
            return false;
        }
    }
    return true;
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    while (b != 0) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Period in minor frames of @p rate_hz, 0 when it does not divide minor_hz. */
static uint32_t period_of(const ilrs_exec_t *exec, double rate_hz)
{
    if (!isfinite(rate_hz) || rate_hz <= 0 || rate_hz > (double)exec->cfg.minor_hz) {
        return 0;
    }
    double p = (double)exec->cfg.minor_hz / rate_hz;
    double r = nearbyint(p);
    if (fabs(p - r) > 1e-9 * r || r < 1 || r > (double)exec->cfg.max_cycle_frames) {
        return 0;
    }
    return (uint32_t)r;
}

int ilrs_exec_add_app(ilrs_exec_t *exec, const ilrs_app_def_t *def, ilrs_app_t **app_out)
{
    if (app_out != NULL) {
        *app_out = NULL;
    }
    if (exec == NULL || def == NULL) {
        return ILRS_EINVAL;
    }
    if (exec->started) {
        return ILRS_ESTATE;
    }
    if (!app_name_valid(def->name) || def->step == NULL || def->budget_ns < 0) {
        return ILRS_EINVAL;
    }
    uint32_t period = period_of(exec, def->rate_hz);
    if (period == 0 || def->slot >= period) {
        return ILRS_EINVAL;
    }
    if (ilrs_exec_find_app(exec, def->name) != NULL) {
        return ILRS_EEXIST;
    }
    if (exec->app_count >= exec->cfg.max_apps) {
        return ILRS_ELIMIT;
    }
    /* The schedule cycle must stay bounded: lcm of every period. */
    uint64_t cycle = exec->cycle == 0 ? 1 : exec->cycle;
    cycle = cycle / gcd_u64(cycle, period) * period;
    if (cycle > exec->cfg.max_cycle_frames) {
        return ILRS_ELIMIT;
    }
    ilrs_app_t *app = &exec->apps[exec->app_count];
    memset(app, 0, sizeof *app);
    if (def->context_size > 0) {
        app->ctx = calloc(1, def->context_size);
        if (app->ctx == NULL) {
            return ILRS_ENOMEM;
        }
    } else {
        app->ctx = def->context;
    }
    app->exec = exec;
    app->index = exec->app_count;
    strcpy(app->name, def->name); /* length checked by app_name_valid */
    app->def = *def;
    app->period = period;
    app->state = ILRS_APP_REGISTERED; /* a zeroed slot: not counted */
    app->exec_min_ns = INT64_MAX;
    exec->cycle = (uint32_t)cycle;
    exec->app_count++;
    if (app_out != NULL) {
        *app_out = app;
    }
    return 0;
}

static int order_cmp(const ilrs_exec_t *exec, uint32_t a, uint32_t b)
{
    int32_t pa = exec->apps[a].def.priority, pb = exec->apps[b].def.priority;
    if (pa != pb) {
        return pa < pb ? -1 : 1;
    }
    return a < b ? -1 : (a > b ? 1 : 0);
}

static int build_schedule(ilrs_exec_t *exec)
{
    uint32_t cycle = exec->cycle == 0 ? 1 : exec->cycle;
    exec->cycle = cycle;
    size_t total = 0;
    for (uint32_t i = 0; i < exec->app_count; i++) {
        total += cycle / exec->apps[i].period;
    }
    exec->offsets = calloc((size_t)cycle + 1, sizeof *exec->offsets);
    exec->entries = calloc(total == 0 ? 1 : total, sizeof *exec->entries);
    exec->gap = calloc(cycle, sizeof *exec->gap);
    if (exec->offsets == NULL || exec->entries == NULL || exec->gap == NULL) {
        free(exec->offsets);
        free(exec->entries);
        free(exec->gap);
        exec->offsets = exec->entries = exec->gap = NULL;
        return ILRS_ENOMEM;
    }
    /* Apps in run order (insertion sort: init time, a few dozen apps). */
    uint32_t order[MAX_MAX_APPS];
    for (uint32_t i = 0; i < exec->app_count; i++) {
        uint32_t j = i;
        while (j > 0 && order_cmp(exec, order[j - 1], i) > 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    uint32_t n = 0;
    for (uint32_t f = 0; f < cycle; f++) {
        exec->offsets[f] = n;
        for (uint32_t k = 0; k < exec->app_count; k++) {
            const ilrs_app_t *app = &exec->apps[order[k]];
            if (f % app->period == app->def.slot) {
                exec->entries[n++] = order[k];
            }
        }
    }
    exec->offsets[cycle] = n;
    /* Gaps to the next frame with apps, cyclically (two passes to wrap around); with
     * no apps at all, a whole cycle. */
    if (n == 0) {
        for (uint32_t f = 0; f < cycle; f++) {
            exec->gap[f] = cycle;
        }
        return 0;
    }
    uint32_t next = 0;
    for (uint32_t pass = 0; pass < 2; pass++) {
        for (uint32_t f = cycle; f-- > 0;) {
            next = exec->offsets[f] < exec->offsets[f + 1] ? 0 : next + 1;
            exec->gap[f] = next;
        }
    }
    return 0;
}

static void notice(ilrs_exec_t *exec, ilrs_exec_notice_t what, ilrs_app_t *app, int64_t code)
{
    if (exec->notice != NULL) {
        exec->notice(exec->notice_user, what, app, code);
    }
}

static uint64_t restart_delay_frames(const ilrs_exec_t *exec)
{
    double frames = ceil(exec->cfg.restart_delay_s * (double)exec->cfg.minor_hz);
    return frames < 1 ? 1 : (uint64_t)frames;
}

/* A step or init failed: fini, then either schedule a restart or disable. */
static void app_failed(ilrs_exec_t *exec, ilrs_app_t *app, ilrs_exec_notice_t what, int rc,
                       bool call_fini)
{
    app->failures++;
    app->failures_since_restart++;
    exec->failures++;
    notice(exec, what, app, rc);
    if (call_fini && app->def.fini != NULL) {
        app->def.fini(app, app->ctx);
    }
    if (app->failures_since_restart >= exec->cfg.max_failures) {
        set_state(exec, app, ILRS_APP_DISABLED);
        notice(exec, ILRS_EXEC_NOTICE_DISABLED, app, rc);
        return;
    }
    set_state(exec, app, ILRS_APP_RESTARTING);
    app->restart_frame = exec->frame + restart_delay_frames(exec);
    exec->restarts_pending++;
}

/* init an app; true when it runs afterwards. */
static bool app_init(ilrs_exec_t *exec, ilrs_app_t *app, bool is_restart)
{
    int rc = app->def.init != NULL ? app->def.init(app, app->ctx) : 0;
    app->initialised_once = true;
    if (rc < 0) {
        app_failed(exec, app, ILRS_EXEC_NOTICE_INIT_FAIL, rc, false);
        return false;
    }
    set_state(exec, app, ILRS_APP_RUNNING);
    if (is_restart) {
        app->restarts++;
        exec->restarts++;
        notice(exec, ILRS_EXEC_NOTICE_RESTARTED, app, 0);
    }
    return true;
}

int ilrs_exec_start(ilrs_exec_t *exec)
{
    if (exec->started) {
        return ILRS_ESTATE;
    }
    int rc = build_schedule(exec);
    if (rc != 0) {
        return rc;
    }
    exec->started = true;
    for (uint32_t i = 0; i < exec->app_count; i++) {
        if (exec->apps[i].state == ILRS_APP_REGISTERED) { /* not disabled before start */
            app_init(exec, &exec->apps[i], false);
        }
    }
    return 0;
}

static void run_restarts(ilrs_exec_t *exec)
{
    for (uint32_t i = 0; i < exec->app_count && exec->restarts_pending > 0; i++) {
        ilrs_app_t *app = &exec->apps[i];
        if (app->state == ILRS_APP_RESTARTING && app->restart_frame <= exec->frame) {
            exec->restarts_pending--;
            app_init(exec, app, true);
        }
    }
}

/* Wall mode: wait for the absolute deadline of the current frame. */
static void wait_for_frame(ilrs_exec_t *exec)
{
    if (!exec->wall_base_set) {
        clock_gettime(CLOCK_MONOTONIC, &exec->wall_base);
        exec->wall_base_set = true;
    }
    int64_t base = (int64_t)exec->wall_base.tv_sec * ILRS_NS_PER_S + exec->wall_base.tv_nsec;
    int64_t deadline = base + ilrs__exec_frame_start_ns(exec, exec->frame);
    struct timespec ts = {.tv_sec = (time_t)(deadline / ILRS_NS_PER_S),
                          .tv_nsec = (long)(deadline % ILRS_NS_PER_S)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
        if (exec->stop) {
            break;
        }
    }
    int64_t late = mono_ns() - deadline;
    if (late > ilrs_exec_minor_period_ns(exec)) {
        exec->slips++;
        notice(exec, ILRS_EXEC_NOTICE_SLIP, NULL, late);
    }
    ilrs_time_update(exec->time);
}

int ilrs_exec_run_frame(ilrs_exec_t *exec)
{
    if (!exec->started) {
        int rc = ilrs_exec_start(exec);
        if (rc != 0) {
            return rc;
        }
    }
    bool wall = ilrs_time_get_mode(exec->time) == ILRS_TIME_MODE_WALL;
    if (wall) {
        wait_for_frame(exec);
    }
    if (exec->restarts_pending > 0) {
        run_restarts(exec);
    }
    uint32_t slot = (uint32_t)(exec->frame % exec->cycle);
    uint32_t end = exec->offsets[slot + 1];
    uint32_t k = exec->offsets[slot];
    for (; k < end; k++) {
        ilrs_app_t *app = &exec->apps[exec->entries[k]];
        if (app->state != ILRS_APP_RUNNING) {
            continue;
        }
        if (exec->pre_step != NULL && exec->pre_step(exec->pre_step_user, app) > 0 &&
            app->state != ILRS_APP_RUNNING) {
            continue; /* a command disabled or restarted it */
        }
        /* Every step is timed on wall time; on virtual time one in timing_sample
         * (clock reads would otherwise dominate a fast run). */
        bool timed = wall || exec->cfg.timing_sample <= 1 ||
                     (exec->timing_mask != 0 ? (app->steps & exec->timing_mask) == 0
                                             : app->steps % exec->cfg.timing_sample == 0);
        int64_t t0 = timed ? mono_ns() : 0;
        int rc = app->def.step(app, app->ctx);
        app->steps++;
        exec->steps++;
        if (timed) {
            int64_t dt = mono_ns() - t0;
            app->timed_steps++;
            app->exec_total_ns += dt;
            if (dt < app->exec_min_ns) {
                app->exec_min_ns = dt;
            }
            if (dt > app->exec_max_ns) {
                app->exec_max_ns = dt;
            }
            if (wall && app->def.budget_ns > 0 && dt > app->def.budget_ns) {
                app->overruns++;
                exec->overruns++;
                notice(exec, ILRS_EXEC_NOTICE_OVERRUN, app, dt);
            }
        }
        if (rc < 0) {
            app_failed(exec, app, ILRS_EXEC_NOTICE_STEP_FAIL, rc, true);
        }
    }
    exec->frame++;
    if (!wall) {
        int64_t step = ilrs__exec_frame_start_ns(exec, exec->frame) -
                       ilrs__exec_frame_start_ns(exec, exec->frame - 1);
        ilrs_time_advance(exec->time, step);
    }
    return 0;
}

int ilrs_exec_run(ilrs_exec_t *exec, int64_t duration_ns)
{
    if (duration_ns < 0) {
        return ILRS_EINVAL;
    }
    /* Frames whose start falls in [now, now + duration): ceil(duration * hz / 1e9),
     * split to stay inside 64 bits for years at 10 kHz. */
    uint64_t hz = exec->cfg.minor_hz;
    uint64_t d = (uint64_t)duration_ns;
    uint64_t frames = (d / (uint64_t)ILRS_NS_PER_S) * hz +
                      ((d % (uint64_t)ILRS_NS_PER_S) * hz + (uint64_t)ILRS_NS_PER_S - 1) /
                          (uint64_t)ILRS_NS_PER_S;
    exec->stop = 0;
    if (!exec->started) {
        int rc = ilrs_exec_start(exec);
        if (rc != 0) {
            return rc;
        }
    }
    bool wall = ilrs_time_get_mode(exec->time) == ILRS_TIME_MODE_WALL;
    uint64_t end = exec->frame + frames;
    while (exec->frame < end && !exec->stop) {
        /* Virtual time: frames without apps change nothing but the clock, so a run
         * of them is one clock step (not while a restart is due: it has a frame). */
        uint32_t gap = exec->gap[exec->frame % exec->cycle];
        if (!wall && gap > 0 && exec->restarts_pending == 0) {
            uint64_t n = end - exec->frame < gap ? end - exec->frame : gap;
            int64_t dt = ilrs__exec_frame_start_ns(exec, exec->frame + n) -
                         ilrs__exec_frame_start_ns(exec, exec->frame);
            exec->frame += n;
            ilrs_time_advance(exec->time, dt);
            continue;
        }
        int rc = ilrs_exec_run_frame(exec);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

void ilrs_exec_request_stop(ilrs_exec_t *exec)
{
    exec->stop = 1;
}

int ilrs_exec_restart_app(ilrs_exec_t *exec, ilrs_app_t *app)
{
    if (app == NULL || app->exec != exec) {
        return ILRS_EFSW_APP;
    }
    if (!exec->started) {
        return ILRS_ESTATE;
    }
    if (app->state == ILRS_APP_RUNNING && app->def.fini != NULL) {
        app->def.fini(app, app->ctx);
    }
    if (app->state == ILRS_APP_RESTARTING) {
        exec->restarts_pending--;
    }
    app->failures_since_restart = 0;
    return app_init(exec, app, true) ? 0 : ILRS_EFSW_APP;
}

int ilrs_exec_disable_app(ilrs_exec_t *exec, ilrs_app_t *app)
{
    if (app == NULL || app->exec != exec) {
        return ILRS_EFSW_APP;
    }
    if (app->state == ILRS_APP_RUNNING && app->def.fini != NULL) {
        app->def.fini(app, app->ctx);
    }
    if (app->state == ILRS_APP_RESTARTING) {
        exec->restarts_pending--;
    }
    set_state(exec, app, ILRS_APP_DISABLED);
    return 0;
}

int ilrs_exec_enable_app(ilrs_exec_t *exec, ilrs_app_t *app)
{
    if (app == NULL || app->exec != exec) {
        return ILRS_EFSW_APP;
    }
    if (app->state != ILRS_APP_DISABLED) {
        return ILRS_ESTATE;
    }
    app->failures_since_restart = 0;
    if (!exec->started) {
        set_state(exec, app, ILRS_APP_REGISTERED);
        return 0;
    }
    return app_init(exec, app, true) ? 0 : ILRS_EFSW_APP;
}

ilrs_app_t *ilrs_exec_find_app(const ilrs_exec_t *exec, const char *name)
{
    if (name == NULL) {
        return NULL;
    }
    for (uint32_t i = 0; i < exec->app_count; i++) {
        if (strcmp(exec->apps[i].name, name) == 0) {
            return &exec->apps[i];
        }
    }
    return NULL;
}

uint32_t ilrs_exec_app_count(const ilrs_exec_t *exec)
{
    return exec->app_count;
}

ilrs_app_t *ilrs_exec_app_at(const ilrs_exec_t *exec, uint32_t index)
{
    return index < exec->app_count ? &exec->apps[index] : NULL;
}

void ilrs_exec_get_stats(const ilrs_exec_t *exec, ilrs_exec_stats_t *stats)
{
    memset(stats, 0, sizeof *stats);
    stats->minor_frames = exec->frame;
    stats->major_frames = exec->frame / exec->cfg.minor_per_major;
    stats->steps = exec->steps;
    stats->failures = exec->failures;
    stats->restarts = exec->restarts;
    stats->overruns = exec->overruns;
    stats->frame_slips = exec->slips;
    stats->apps = exec->app_count;
    stats->apps_running = exec->apps_running;
    stats->apps_disabled = exec->apps_disabled;
}

void ilrs_exec_get_app_stats(const ilrs_app_t *app, ilrs_app_stats_t *stats)
{
    memset(stats, 0, sizeof *stats);
    memcpy(stats->name, app->name, sizeof stats->name);
    stats->state = app->state;
    stats->steps = app->steps;
    stats->failures = app->failures;
    stats->restarts = app->restarts;
    stats->overruns = app->overruns;
    stats->timed_steps = app->timed_steps;
    stats->exec_min_ns = app->timed_steps > 0 ? app->exec_min_ns : 0;
    stats->exec_max_ns = app->exec_max_ns;
    stats->exec_mean_ns =
        app->timed_steps > 0 ? (double)app->exec_total_ns / (double)app->timed_steps : 0.0;
    /* sampled on virtual time: scale the measured sum to every step */
    stats->exec_total_ns = (int64_t)(stats->exec_mean_ns * (double)app->steps);
}

int64_t ilrs_exec_minor_period_ns(const ilrs_exec_t *exec)
{
    return (ILRS_NS_PER_S + (int64_t)exec->cfg.minor_hz / 2) / (int64_t)exec->cfg.minor_hz;
}

uint64_t ilrs_exec_frame(const ilrs_exec_t *exec)
{
    return exec->frame;
}

ilrs_time_t *ilrs_exec_time(const ilrs_exec_t *exec)
{
    return exec->time;
}

const char *ilrs_app_name(const ilrs_app_t *app)
{
    return app->name;
}

void *ilrs_app_context(const ilrs_app_t *app)
{
    return app->ctx;
}

ilrs_app_state_t ilrs_app_get_state(const ilrs_app_t *app)
{
    return app->state;
}

uint32_t ilrs_app_index(const ilrs_app_t *app)
{
    return app->index;
}

ilrs_fsw_t *ilrs_app_fsw(const ilrs_app_t *app)
{
    return app->fsw;
}
