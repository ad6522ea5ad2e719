// SPDX-License-Identifier: Apache-2.0
//
// COMM (COM) app: onboard contact prediction from the contact plan (a table of
// windows the ground uploads, or the hal link state alone), link selection
// (direct-to-Earth first unless the relay is preferred, among the radios whose
// link is up and, with a plan, inside a window), telemetry first, then playback.
// Telemetry: the packets of the configured APIDs (and with tm_all_apps every
// app's HK and the event packets), through an output filter (one packet per
// APID per interval, every event, as cFS TO does), go to the selected radio; with
// a recorder (tm_buffer_bytes) they wait in arrival order while no link closes,
// else they are counted as dropped. Playback: the spare capacity of the step
// (rate x dt minus the telemetry, bounded by the radio queue's room under
// fill_limit) is requested from STORAGE (StoDownlink through the command ingest),
// which serves its channels by priority and fair share.
// Outage FDIR (with a plan): a powered radio whose hal link stays down for
// OUTAGE_S inside a predicted contact window (the geometry says the link must
// close) is in outage: an event names it, the link selection moves to another
// available radio (the selection skips radios without link) and POWER is asked
// to power-cycle the radio's line (a transceiver latch-up is the usual cause a
// power cycle clears); a second event reports recovery when its link is back.
// The window state is recomputed only when a window opens or closes (a cached
// boundary), so a year of 1 Hz steps does not scan the table every step.
// Onboard prediction (cfg.predict, comm_predict.c): the direct-to-Earth windows
// of the next ahead_s are computed on board, again each time half of that is
// left, and kept in their own table beside the uploaded one; a radio is in
// contact inside either (merge: an uploaded window adds to the prediction, it
// cannot remove a predicted one). A predicted window counts widened by guard_s
// for the link selection and narrowed by guard_s for the outage FDIR.
// Events in comm_eid.h.
#include <stdlib.h>

#include "apps/apps_int.h"
#include "apps/comm/comm_eid.h"
#include "apps/comm/comm_predict.h"

#include <ilrs/ccsds.h>

#define FILTER_APIDS 2048 /* 11-bit APIDs */

struct ilrs_com_app {
    ilrs_com_config_t cfg;
    uint16_t radio_id[ILRS_COM_MAX_RADIOS];
    uint16_t line_id[ILRS_COM_MAX_RADIOS]; /* UINT16_MAX: no line known */
    const ilrs_dict_command_t *cmd_pref, *cmd_play, *cmd_window;
    ilrs_tai_t last_step;
    ilrs_com_status_t st;
    int8_t selected;
    bool link_up, in_window;
    uint32_t playback_errors, cycle_errors;
    bool drop_reported;
    ilrs_tai_t down_since[ILRS_COM_MAX_RADIOS]; /* 0: up or outside its windows */
    bool outage[ILRS_COM_MAX_RADIOS];
    /* window state, valid until win_until (0: recompute) */
    ilrs_tai_t win_until, win_next;
    bool win_in[ILRS_COM_MAX_RADIOS];   /* link selection */
    bool win_fdir[ILRS_COM_MAX_RADIOS]; /* outage FDIR: the link must close */
    /* onboard DTE prediction */
    com_predictor_t pred;
    ilrs_com_window_t pw[ILRS_COM_MAX_WINDOWS];
    size_t pw_count;
    ilrs_tai_t pred_until; /* DTE predicted up to (0: not yet) */
    com_relay_orbit_t orb[ILRS_COM_MAX_RADIOS];
    bool orb_ok[ILRS_COM_MAX_RADIOS];
    ilrs_tai_t relay_until[ILRS_COM_MAX_RADIOS];
    const ilrs_dict_command_t *cmd_orbit;
    ilrs_tai_t guard;
    uint32_t pred_dropped;
    /* telemetry recorder: length-prefixed packets */
    uint8_t *ring;
    size_t ring_head, ring_used;
    uint64_t tm_recorded, tm_held;
    ilrs_tai_t *last_kept; /* per APID: last packet kept by the output filter */
};

/* Radio tag of the predicted direct-to-Earth windows: every DTE radio. */
#define DTE_ALL UINT8_MAX

/* A link down this long inside its predicted window is an outage (s): longer
 * than an acquisition or a rate change at the window's start. */
#define OUTAGE_S 60.0

int ilrs_com_app_create(const ilrs_com_config_t *cfg, ilrs_com_app_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (cfg == NULL || out == NULL || cfg->hal == NULL || cfg->radio_count == 0 ||
        cfg->radio_count > ILRS_COM_MAX_RADIOS || cfg->window_count > ILRS_COM_MAX_WINDOWS ||
        cfg->rt_count > ILRS_COM_MAX_RT || cfg->fill_limit < 0 || cfg->fill_limit > 1 ||
        cfg->rate_hz < 0) {
        return ILRS_EINVAL;
    }
    for (size_t i = 0; i < cfg->window_count; i++) {
        if (cfg->windows[i].end <= cfg->windows[i].start ||
            cfg->windows[i].radio >= cfg->radio_count) {
            ilrs_log(ILRS_LOG_ERROR, "comm", "window %zu: end before start or bad radio", i);
            return ILRS_EINVAL;
        }
    }
    const ilrs_com_predict_config_t *pc = &cfg->predict;
    if (pc->enabled && (pc->ahead_s < 0 || pc->step_s < 0 || pc->guard_s < 0 ||
                        (pc->ahead_s > 0 && pc->ahead_s < 3600.0) || pc->ahead_s > 30 * 86400.0 ||
                        (pc->step_s > 0 && (pc->step_s < 1.0 || pc->step_s > 3600.0)) ||
                        pc->guard_s > 3600.0)) {
        ilrs_log(ILRS_LOG_ERROR, "comm", "predict: ahead 1 h..30 d, step 1..3600 s, guard <= 1 h");
        return ILRS_EINVAL;
    }
    for (size_t i = 0; pc->enabled && i < ILRS_COM_MASK_BINS; i++) {
        if (!isfinite(pc->mask_deg[i]) || fabsf(pc->mask_deg[i]) > 90.0f) {
            ilrs_log(ILRS_LOG_ERROR, "comm", "predict: mask bin %zu not an elevation", i);
            return ILRS_EINVAL;
        }
    }
    ilrs_com_app_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    a->cfg = *cfg;
    if (pc->enabled) {
        ilrs_com_predict_config_t *p = &a->cfg.predict;
        p->ahead_s = p->ahead_s > 0 ? p->ahead_s : 2.0 * 86400.0;
        p->step_s = p->step_s > 0 ? p->step_s : 60.0;
        p->guard_s = p->guard_s > 0 ? p->guard_s : 120.0;
        a->guard = (ilrs_tai_t)llround(p->guard_s * 1e9);
        if (ilrs__com_predict_init(&a->pred, p) != 0) {
            ilrs_log(ILRS_LOG_ERROR, "comm", "predict: bad site or ground station");
            free(a);
            return ILRS_EINVAL;
        }
        for (size_t r = 0; r < cfg->radio_count; r++) {
            if (cfg->radios[r].direct_to_earth || p->relay[r].epoch == 0) {
                continue;
            }
            if (ilrs__com_relay_orbit(&p->relay[r], &a->orb[r]) != 0) {
                ilrs_log(ILRS_LOG_ERROR, "comm", "predict: relay %zu: not an orbit", r);
                free(a);
                return ILRS_EINVAL;
            }
            a->orb_ok[r] = true;
        }
    }
    if (a->cfg.fill_limit == 0) {
        a->cfg.fill_limit = 0.5;
    }
    if (!(a->cfg.cycle_off_s > 0)) {
        a->cfg.cycle_off_s = 10.0;
    }
    a->last_kept = calloc(FILTER_APIDS, sizeof *a->last_kept);
    a->ring = cfg->tm_buffer_bytes > 0 ? malloc(cfg->tm_buffer_bytes) : NULL;
    if (a->last_kept == NULL || (cfg->tm_buffer_bytes > 0 && a->ring == NULL)) {
        ilrs_com_app_destroy(a);
        return ILRS_ENOMEM;
    }
    *out = a;
    return 0;
}

void ilrs_com_app_destroy(ilrs_com_app_t *app)
{
    if (app != NULL) {
        free(app->ring);
        free(app->last_kept);
        free(app);
    }
}

static const ilrs_dict_field_t pref_args[] = {
    {.name = "relay_first", .type = ILRS_DICT_BOOL, .description = "prefer the relay link"},
};
static const ilrs_dict_field_t play_args[] = {
    {.name = "on", .type = ILRS_DICT_BOOL, .description = "request playback from STORAGE"},
};

static int cmd_pref(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_com_app_t *a = ctx;
    a->cfg.prefer_relay = apps_arg_int(a->cmd_pref, 0, pkt, len) != 0;
    ilrs_app_event(app, COM_SET_INF_EID, ILRS_EVENT_INFO, "%s %s", "preference",
                   a->cfg.prefer_relay ? "relay first" : "direct-to-Earth first");
    return 0;
}

static int cmd_play(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_com_app_t *a = ctx;
    a->cfg.playback = apps_arg_int(a->cmd_play, 0, pkt, len) != 0;
    ilrs_app_event(app, COM_SET_INF_EID, ILRS_EVENT_INFO, "%s %s", "playback",
                   a->cfg.playback ? "on" : "off");
    return 0;
}

static const ilrs_dict_field_t window_args[] = {
    {.name = "start", .type = ILRS_DICT_I64, .unit = "ns", .has_range = true, .min = 0,
     .max = 9.2e18, .description = "window start, onboard TAI since 1958"},
    {.name = "end", .type = ILRS_DICT_I64, .unit = "ns", .has_range = true, .min = 0,
     .max = 9.2e18, .description = "window end (after start)"},
    {.name = "radio", .type = ILRS_DICT_U8, .has_range = true, .min = 0,
     .max = ILRS_COM_MAX_RADIOS - 1, .description = "radio index in the configuration"},
};

/* Add a window (the ground uploads its contact plan); windows that ended are reused. */
static int cmd_window(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_com_app_t *a = ctx;
    ilrs_com_window_t w = {.start = apps_arg_int(a->cmd_window, 0, pkt, len),
                           .end = apps_arg_int(a->cmd_window, 1, pkt, len),
                           .radio = (uint8_t)apps_arg_int(a->cmd_window, 2, pkt, len)};
    if (w.end <= w.start || w.radio >= a->cfg.radio_count) {
        ilrs_app_event(app, COM_WINDOW_ERR_EID, ILRS_EVENT_ERROR, "window refused: %s",
                       w.end <= w.start ? "end not after start" : "no such radio");
        return ILRS_ERANGE;
    }
    ilrs_tai_t now = ilrs_app_time(app);
    size_t slot = a->cfg.window_count;
    for (size_t i = 0; i < a->cfg.window_count; i++) {
        if (a->cfg.windows[i].end <= now) {
            slot = i;
            break;
        }
    }
    if (slot >= ILRS_COM_MAX_WINDOWS) {
        ilrs_app_event(app, COM_WINDOW_ERR_EID, ILRS_EVENT_ERROR, "window refused: %s",
                       "table full");
        return ILRS_ELIMIT;
    }
    a->cfg.windows[slot] = w;
    if (slot == a->cfg.window_count) {
        a->cfg.window_count++;
    }
    a->win_until = 0; /* the plan changed */
    ilrs_app_event(app, COM_SET_INF_EID, ILRS_EVENT_INFO, "%s %s", "window added for",
                   a->cfg.radios[w.radio].name);
    return 0;
}

static const ilrs_dict_field_t orbit_args[] = {
    {.name = "radio", .type = ILRS_DICT_U8, .has_range = true, .min = 0,
     .max = ILRS_COM_MAX_RADIOS - 1, .description = "relay radio index in the configuration"},
    {.name = "epoch", .type = ILRS_DICT_I64, .unit = "ns", .has_range = true, .min = 1,
     .max = 9.2e18, .description = "epoch of the state, onboard TAI since 1958"},
    {.name = "x", .type = ILRS_DICT_F64, .unit = "m", .description = "Moon-centred ICRF position"},
    {.name = "y", .type = ILRS_DICT_F64, .unit = "m", .description = "Moon-centred ICRF position"},
    {.name = "z", .type = ILRS_DICT_F64, .unit = "m", .description = "Moon-centred ICRF position"},
    {.name = "vx", .type = ILRS_DICT_F64, .unit = "m/s", .description = "velocity"},
    {.name = "vy", .type = ILRS_DICT_F64, .unit = "m/s", .description = "velocity"},
    {.name = "vz", .type = ILRS_DICT_F64, .unit = "m/s", .description = "velocity"},
};

/* A relay's orbit determination: its windows are predicted again from now. */
static int cmd_orbit(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_com_app_t *a = ctx;
    size_t r = (size_t)apps_arg_int(a->cmd_orbit, 0, pkt, len);
    ilrs_com_relay_state_t st = {.epoch = apps_arg_int(a->cmd_orbit, 1, pkt, len)};
    for (size_t k = 0; k < 3; k++) {
        st.r_m[k] = apps_arg_real(a->cmd_orbit, 2 + k, pkt, len);
        st.v_m_s[k] = apps_arg_real(a->cmd_orbit, 5 + k, pkt, len);
    }
    com_relay_orbit_t orb;
    const char *why = !a->cfg.predict.enabled                ? "no onboard prediction"
                      : r >= a->cfg.radio_count               ? "no such radio"
                      : a->cfg.radios[r].direct_to_earth      ? "not a relay radio"
                      : ilrs__com_relay_orbit(&st, &orb) != 0 ? "not an orbit"
                                                              : NULL;
    if (why != NULL) {
        ilrs_app_event(app, COM_WINDOW_ERR_EID, ILRS_EVENT_ERROR, "window refused: %s", why);
        return ILRS_ERANGE;
    }
    a->orb[r] = orb;
    a->orb_ok[r] = true;
    a->cfg.predict.relay[r] = st;
    /* the windows predicted from the old orbit end now; the next step predicts again */
    ilrs_tai_t now = ilrs_app_time(app);
    for (size_t i = 0; i < a->pw_count; i++) {
        ilrs_com_window_t *w = &a->pw[i];
        if (w->radio == r && w->end > now) {
            w->end = w->start >= now ? INT64_MIN / 2 : now;
        }
    }
    a->relay_until[r] = 0;
    a->win_until = 0;
    ilrs_app_event(app, COM_SET_INF_EID, ILRS_EVENT_INFO, "%s %s", "orbit set for",
                   a->cfg.radios[r].name);
    return 0;
}

static const apps_event_t events[] = {
    {COM_WINDOW_ERR_EID, "COM_WINDOW_ERR", ILRS_EVENT_ERROR, "window refused: %s",
     "ComAddWindow refused (end not after start, unknown radio, table full) or "
     "ComSetRelayOrbit refused (no prediction, not a relay radio, not an orbit)"},
    {COM_LINK_INF_EID, "COM_LINK_INF", ILRS_EVENT_INFO, "link %s -> %s (%.0f bit/s)",
     "the selected link changed (contact start or end, preference)"},
    {COM_HAL_ERR_EID, "COM_HAL_ERR", ILRS_EVENT_ERROR, "hal radio '%s': %s",
     "a configured radio is missing"},
    {COM_PLAYBACK_ERR_EID, "COM_PLAYBACK_ERR", ILRS_EVENT_ERROR,
     "playback request of %llu B refused: %s", "the StoDownlink request could not be sent"},
    {COM_SET_INF_EID, "COM_SET_INF", ILRS_EVENT_INFO, "%s %s",
     "link preference or playback changed by command"},
    {COM_OUTAGE_ERR_EID, "COM_OUTAGE_ERR", ILRS_EVENT_ERROR,
     "radio %s outage: link down %.0f s inside a predicted contact; link now %s",
     "a radio's link stayed down inside its predicted contact window: radio outage"},
    {COM_OUTAGE_INF_EID, "COM_OUTAGE_INF", ILRS_EVENT_INFO,
     "radio %s link restored after %.0f s of outage",
     "the link of a radio in outage is up again"},
    {COM_CYCLE_INF_EID, "COM_CYCLE_INF", ILRS_EVENT_INFO,
     "radio %s in outage: power cycling line %s (%.0f s off)",
     "FDIR asked POWER to power-cycle the line of a radio in outage"},
    {COM_CYCLE_ERR_EID, "COM_CYCLE_ERR", ILRS_EVENT_ERROR,
     "radio %s: power cycle of line %s not requested: %s",
     "the PwrCycleLine command for a radio in outage could not be sent"},
    {COM_PREDICT_ERR_EID, "COM_PREDICT_ERR", ILRS_EVENT_ERROR,
     "contact prediction: %s (%u windows dropped)",
     "the onboard contact prediction failed or its window table was full"},
    {COM_TM_DROP_ERR_EID, "COM_TM_DROP_ERR", ILRS_EVENT_ERROR,
     "telemetry %s: packets dropped (%llu B so far)",
     "telemetry could not be sent or recorded (no link without a recorder, or the recorder "
     "full); one event until the link selection changes, every byte counted"},
};

static int com_init(ilrs_app_t *app, void *ctx)
{
    ilrs_com_app_t *a = ctx;
    int rc = apps_register_events(app, events, APPS_COUNT(events));
    for (size_t i = 0; rc == 0 && i < a->cfg.radio_count; i++) {
        rc = ilrs_hal_find(a->cfg.hal, ILRS_HAL_RADIO, a->cfg.radios[i].name, &a->radio_id[i]);
        if (rc != 0) {
            ilrs_app_event(app, COM_HAL_ERR_EID, ILRS_EVENT_ERROR, "hal radio '%s': %s",
                           a->cfg.radios[i].name, ilrs_strerror(rc));
        }
    }
    for (size_t i = 0; rc == 0 && i < a->cfg.radio_count; i++) {
        rc = apps_find(a->cfg.hal, ILRS_HAL_SWITCH, a->cfg.radios[i].line, &a->line_id[i]);
        if (rc != 0) {
            ilrs_app_event(app, COM_HAL_ERR_EID, ILRS_EVENT_ERROR, "hal radio '%s': %s",
                           a->cfg.radios[i].line, ilrs_strerror(rc));
        }
    }
    for (size_t i = 0; rc == 0 && i < a->cfg.rt_count; i++) {
        rc = ilrs_app_subscribe(app, ilrs_msgid_tlm(a->cfg.rt_apids[i]), 0);
        rc = rc == ILRS_EEXIST ? 0 : rc;
    }
    if (rc == 0 && a->cfg.tm_all_apps) {
        ilrs_exec_t *exec = ilrs_fsw_exec(ilrs_app_fsw(app));
        rc = ilrs_app_subscribe(app, ilrs_msgid_tlm(ILRS_FSW_APID_EVENTS), 0);
        for (uint32_t i = 0; (rc == 0 || rc == ILRS_EEXIST) && i < ilrs_exec_app_count(exec);
             i++) {
            ilrs_app_t *other = ilrs_exec_app_at(exec, i);
            rc = other != NULL ? ilrs_app_subscribe(app, ilrs_msgid_tlm(ilrs_app_apid(other)), 0)
                               : 0;
        }
        rc = rc == ILRS_EEXIST ? 0 : rc;
    }
    if (rc == 0) {
        rc = apps_command(app, "ComSetPreference", 2, "prefer the relay or direct-to-Earth",
                          pref_args, 1, cmd_pref, &a->cmd_pref);
    }
    if (rc == 0) {
        rc = apps_command(app, "ComAddWindow", 4,
                          "add a contact window (from then on the table decides contacts)",
                          window_args, 3, cmd_window, &a->cmd_window);
    }
    if (rc == 0) {
        rc = apps_command(app, "ComSetRelayOrbit", 5,
                          "a relay's orbit (state): its contact windows are predicted on board",
                          orbit_args, 8, cmd_orbit, &a->cmd_orbit);
    }
    if (rc == 0) {
        rc = apps_command(app, "ComSetPlayback", 3, "enable or disable playback requests",
                          play_args, 1, cmd_play, &a->cmd_play);
    }
    const apps_counter_t counters[] = {
        {"selected", NULL, ILRS_DICT_I8, &a->selected},
        {"link_up", NULL, ILRS_DICT_BOOL, &a->link_up},
        {"in_window", NULL, ILRS_DICT_BOOL, &a->in_window},
        {"rate", "bit/s", ILRS_DICT_F64, &a->st.rate_bps},
        {"queued", "B", ILRS_DICT_U64, &a->st.queued_bytes},
        {"rt_bytes", "B", ILRS_DICT_U64, &a->st.rt_bytes},
        {"rt_dropped", "B", ILRS_DICT_U64, &a->st.rt_dropped},
        {"playback_requested", "B", ILRS_DICT_U64, &a->st.playback_requested},
        {"next_contact", "s", ILRS_DICT_F64, &a->st.next_contact_s},
        {"switches", NULL, ILRS_DICT_U32, &a->st.switches},
        {"playback_errors", NULL, ILRS_DICT_U32, &a->playback_errors},
        {"outages", NULL, ILRS_DICT_U32, &a->st.outages},
        {"power_cycles", NULL, ILRS_DICT_U32, &a->st.power_cycles},
        {"tm_recorded", "B", ILRS_DICT_U64, &a->tm_recorded},
        {"tm_held", "B", ILRS_DICT_U64, &a->tm_held},
        {"predicted_windows", NULL, ILRS_DICT_U32, &a->st.predicted_windows},
        {"predictions", NULL, ILRS_DICT_U32, &a->st.predictions},
        {"predict_dropped", NULL, ILRS_DICT_U32, &a->pred_dropped},
    };
    if (rc == 0) {
        rc = apps_hk_counters(app, counters, APPS_COUNT(counters));
    }
    a->selected = -1;
    a->st.selected = -1;
    for (size_t i = 0; i < ILRS_COM_MAX_RADIOS; i++) {
        a->down_since[i] = 0;
        a->outage[i] = false;
    }
    a->last_step = ilrs_app_time(app);
    return rc;
}

/* Whether @p now is in [lo, hi); the next boundary after @p now lowers *until,
 * a start after @p now lowers *next (0: none) when @p next is given. */
static bool in_span(ilrs_tai_t lo, ilrs_tai_t hi, ilrs_tai_t now, ilrs_tai_t *until,
                    ilrs_tai_t *next)
{
    if (lo <= now && now < hi) {
        *until = hi < *until ? hi : *until;
        return true;
    }
    if (lo > now && lo < hi) {
        *until = lo < *until ? lo : *until;
        if (next != NULL) {
            *next = *next == 0 || lo < *next ? lo : *next;
        }
    }
    return false;
}

/* Window state of every radio at @p now, and the next window start after @p now
 * (0: none); kept until the next boundary (a start or an end) or a plan change. */
static void window_state(ilrs_com_app_t *a, ilrs_tai_t now)
{
    if (a->win_until != 0 && now < a->win_until) {
        return;
    }
    ilrs_tai_t until = INT64_MAX, next = 0;
    for (size_t r = 0; r < a->cfg.radio_count; r++) {
        a->win_in[r] = false;
        a->win_fdir[r] = false;
    }
    for (size_t i = 0; i < a->cfg.window_count; i++) {
        const ilrs_com_window_t *w = &a->cfg.windows[i];
        if (in_span(w->start, w->end, now, &until, &next)) {
            a->win_in[w->radio] = true;
            a->win_fdir[w->radio] = true;
        }
    }
    bool sel = false, fdir = false; /* predicted DTE windows (radio DTE_ALL) */
    for (size_t i = 0; i < a->pw_count; i++) {
        const ilrs_com_window_t *w = &a->pw[i];
        bool in_sel = in_span(w->start - a->guard, w->end + a->guard, now, &until, &next);
        bool in_fdir = in_span(w->start + a->guard, w->end - a->guard, now, &until, NULL);
        if (w->radio == DTE_ALL) {
            sel = sel || in_sel;
            fdir = fdir || in_fdir;
        } else if (w->radio < a->cfg.radio_count) {
            a->win_in[w->radio] = a->win_in[w->radio] || in_sel;
            a->win_fdir[w->radio] = a->win_fdir[w->radio] || in_fdir;
        }
    }
    for (size_t r = 0; r < a->cfg.radio_count; r++) {
        if (a->cfg.radios[r].direct_to_earth) {
            a->win_in[r] = a->win_in[r] || sel;
            a->win_fdir[r] = a->win_fdir[r] || fdir;
        }
    }
    a->win_until = until;
    a->win_next = next;
}

/* Store predicted windows of [from, ...) tagged @p radio: a window open at the
 * join with the previous run of the same radio goes on; ended slots are reused. */
static void store(ilrs_com_app_t *a, ilrs_com_window_t *got, size_t n, ilrs_tai_t from,
                  uint8_t radio, ilrs_tai_t now)
{
    size_t first = 0;
    if (n > 0 && got[0].start == from) {
        for (size_t i = 0; i < a->pw_count; i++) {
            if (a->pw[i].radio == radio && a->pw[i].end == from) {
                a->pw[i].end = got[0].end; /* the window open at the join goes on */
                first = 1;
                break;
            }
        }
    }
    size_t slot = 0;
    for (size_t k = first; k < n; k++) {
        while (slot < a->pw_count && a->pw[slot].end + a->guard > now) {
            slot++;
        }
        if (slot >= ILRS_COM_MAX_WINDOWS) {
            a->pred_dropped += (uint32_t)(n - k);
            break;
        }
        a->pw[slot] = got[k];
        a->pw[slot].radio = radio;
        if (slot == a->pw_count) {
            a->pw_count++;
        }
        a->st.predicted_windows++;
    }
}

/* Keep the predicted windows of the next ahead_s: predict from where the last
 * run stopped when half the horizon is left (DTE, and each relay with an orbit). */
static void predict(ilrs_app_t *app, ilrs_com_app_t *a, ilrs_tai_t now)
{
    const ilrs_com_predict_config_t *p = &a->cfg.predict;
    ilrs_tai_t ahead = (ilrs_tai_t)llround(p->ahead_s * 1e9);
    for (size_t r = 0; r <= a->cfg.radio_count; r++) {
        bool dte = r == a->cfg.radio_count; /* the last pass: the DTE windows */
        ilrs_tai_t *until = dte ? &a->pred_until : &a->relay_until[r];
        if ((!dte && !a->orb_ok[r]) || (dte && p->ground_count == 0) ||
            (*until != 0 && now + ahead / 2 < *until)) {
            continue;
        }
        ilrs_tai_t from = *until > now ? *until : now, to = now + ahead;
        ilrs_com_window_t got[ILRS_COM_MAX_WINDOWS];
        size_t n = 0;
        uint32_t dropped = a->pred_dropped;
        int rc = dte ? ilrs__com_predict_dte(&a->pred, from, to, got, ILRS_COM_MAX_WINDOWS, &n)
                     : ilrs__com_predict_relay(&a->pred, &a->orb[r], from, to, got,
                                               ILRS_COM_MAX_WINDOWS, &n);
        *until = to;
        a->st.predictions++;
        a->win_until = 0;
        store(a, got, n, from, dte ? DTE_ALL : (uint8_t)r, now);
        if (rc != 0 || a->pred_dropped != dropped) {
            ilrs_app_event(app, COM_PREDICT_ERR_EID, ILRS_EVENT_ERROR,
                           "contact prediction: %s (%u windows dropped)",
                           rc != 0 ? ilrs_strerror(rc) : "table full", a->pred_dropped);
        }
    }
}

/* Whether radio @p i's power line is on (true when no line is known). */
static bool is_powered(const ilrs_com_app_t *a, size_t i)
{
    ilrs_hal_switch_state_t sw;
    return a->line_id[i] == UINT16_MAX ||
           (ilrs_hal_switch_get(a->cfg.hal, a->line_id[i], &sw) == 0 && sw.on);
}

static void power_cycle(ilrs_app_t *app, ilrs_com_app_t *a, size_t i)
{
    const char *line = a->cfg.radios[i].line;
    if (line[0] == '\0') {
        return;
    }
    char off[32];
    snprintf(off, sizeof off, "%.0f", a->cfg.cycle_off_s);
    const char *args[] = {line, off};
    int rc = apps_send(app, "PwrCycleLine", args, 2);
    if (rc == 0) {
        a->st.power_cycles++;
        ilrs_app_event(app, COM_CYCLE_INF_EID, ILRS_EVENT_INFO,
                       "radio %s in outage: power cycling line %s (%.0f s off)",
                       a->cfg.radios[i].name, line, a->cfg.cycle_off_s);
    } else {
        a->cycle_errors++;
        ilrs_app_event(app, COM_CYCLE_ERR_EID, ILRS_EVENT_ERROR,
                       "radio %s: power cycle of line %s not requested: %s",
                       a->cfg.radios[i].name, line, ilrs_strerror(rc));
    }
}

/* Outage detection: a powered radio's link down inside its predicted window for OUTAGE_S. */
static void outage_check(ilrs_app_t *app, ilrs_com_app_t *a, const ilrs_hal_radio_status_t *rs,
                         const bool *predicted, int pick, ilrs_tai_t now)
{
    for (size_t i = 0; i < a->cfg.radio_count; i++) {
        bool expected = predicted[i] && (a->outage[i] || is_powered(a, i));
        if (rs[i].link_up || !expected) {
            if (a->outage[i] && rs[i].link_up) {
                ilrs_app_event(app, COM_OUTAGE_INF_EID, ILRS_EVENT_INFO,
                               "radio %s link restored after %.0f s of outage",
                               a->cfg.radios[i].name, apps_seconds(now, a->down_since[i]));
            }
            if (rs[i].link_up || !a->outage[i]) {
                a->outage[i] = false;
                a->down_since[i] = 0;
            }
            continue;
        }
        if (a->down_since[i] == 0) {
            a->down_since[i] = now;
        }
        double down = apps_seconds(now, a->down_since[i]);
        if (!a->outage[i] && down >= OUTAGE_S) {
            a->outage[i] = true;
            a->st.outages++;
            ilrs_app_event(app, COM_OUTAGE_ERR_EID, ILRS_EVENT_ERROR,
                           "radio %s outage: link down %.0f s inside a predicted contact; link "
                           "now %s",
                           a->cfg.radios[i].name, down,
                           pick >= 0 ? a->cfg.radios[pick].name : "none");
            power_cycle(app, a, i);
        }
    }
}

/* ---- telemetry ---------------------------------------------------------------------------- */

static void ring_put(ilrs_com_app_t *a, const uint8_t *p, size_t n)
{
    size_t cap = a->cfg.tm_buffer_bytes;
    size_t at = (a->ring_head + a->ring_used) % cap;
    size_t first = n < cap - at ? n : cap - at;
    memcpy(a->ring + at, p, first);
    memcpy(a->ring, p + first, n - first);
    a->ring_used += n;
}

static void ring_peek(const ilrs_com_app_t *a, size_t off, uint8_t *p, size_t n)
{
    size_t cap = a->cfg.tm_buffer_bytes;
    size_t at = (a->ring_head + off) % cap;
    size_t first = n < cap - at ? n : cap - at;
    memcpy(p, a->ring + at, first);
    memcpy(p + first, a->ring, n - first);
}

/* Count dropped telemetry; one event until the link selection next changes. */
static void tm_dropped(ilrs_app_t *app, ilrs_com_app_t *a, size_t len, const char *why)
{
    a->st.rt_dropped += len;
    a->st.tm_packets_dropped++;
    if (!a->drop_reported) {
        a->drop_reported = true;
        ilrs_app_event(app, COM_TM_DROP_ERR_EID, ILRS_EVENT_ERROR,
                       "telemetry %s: packets dropped (%llu B so far)", why,
                       (unsigned long long)a->st.rt_dropped);
    }
}

/* Send the recorder's packets, oldest first, within @p budget; returns octets sent. */
static uint64_t ring_drain(ilrs_com_app_t *a, uint16_t radio, uint64_t budget)
{
    uint8_t buf[0x10000];
    uint64_t sent = 0;
    while (a->ring_used >= 2) {
        uint8_t hdr[2];
        ring_peek(a, 0, hdr, 2);
        size_t len = (size_t)hdr[0] << 8 | hdr[1];
        if (len > budget - sent) {
            break;
        }
        ring_peek(a, 2, buf, len);
        if (ilrs_hal_radio_send(a->cfg.hal, radio, buf, len) != 0) {
            break;
        }
        a->ring_head = (a->ring_head + 2 + len) % a->cfg.tm_buffer_bytes;
        a->ring_used -= 2 + len;
        sent += len;
    }
    a->tm_held = a->ring_used;
    return sent;
}

/* Take the telemetry that arrived: filter, then record it or send it at once. */
static uint64_t take_telemetry(ilrs_app_t *app, ilrs_com_app_t *a, int pick, uint64_t budget,
                               ilrs_tai_t now)
{
    ilrs_tai_t interval = (ilrs_tai_t)a->cfg.tm_interval_s * 1000000000;
    uint64_t sent = 0;
    const uint8_t *pkt;
    size_t len;
    if (a->ring != NULL && pick >= 0) {
        sent += ring_drain(a, a->radio_id[pick], budget);
    }
    while (ilrs_app_receive(app, &pkt, &len) == 0) {
        if (len < 6 || len > 0xFFFFu) {
            continue;
        }
        uint16_t apid = ilrs_ccsds_get_apid(pkt) & (FILTER_APIDS - 1);
        if (apid != ILRS_FSW_APID_EVENTS && interval > 0) {
            if (a->last_kept[apid] != 0 && now - a->last_kept[apid] < interval) {
                continue;
            }
            a->last_kept[apid] = now;
        }
        if (a->ring != NULL) {
            if (pick >= 0 && a->ring_used == 0 && len <= budget - sent &&
                ilrs_hal_radio_send(a->cfg.hal, a->radio_id[pick], pkt, len) == 0) {
                sent += len;
                continue;
            }
            if (a->ring_used + 2 + len > a->cfg.tm_buffer_bytes) {
                tm_dropped(app, a, len, "recorder full");
                continue;
            }
            uint8_t hdr[2] = {(uint8_t)(len >> 8), (uint8_t)len};
            ring_put(a, hdr, 2);
            ring_put(a, pkt, len);
            a->tm_recorded += len;
        } else if (pick >= 0 && ilrs_hal_radio_send(a->cfg.hal, a->radio_id[pick], pkt, len) == 0) {
            sent += len;
        } else {
            tm_dropped(app, a, len, pick >= 0 ? "radio queue full" : "without a link");
        }
    }
    a->tm_held = a->ring_used;
    a->st.rt_bytes += sent;
    return sent;
}

static int com_step(ilrs_app_t *app, void *ctx)
{
    ilrs_com_app_t *a = ctx;
    ilrs_tai_t now = ilrs_app_time(app);
    double dt = apps_seconds(now, a->last_step);
    a->last_step = now;
    /* availability and selection */
    int pick = -1;
    ilrs_hal_radio_status_t rs[ILRS_COM_MAX_RADIOS];
    bool plan = a->cfg.window_count > 0 || a->cfg.predict.enabled;
    bool any_window = false;
    int best = 0;
    bool predicted[ILRS_COM_MAX_RADIOS] = {false};
    if (a->cfg.predict.enabled) {
        predict(app, a, now);
    }
    if (plan) {
        window_state(a, now);
    }
    for (size_t i = 0; i < a->cfg.radio_count; i++) {
        bool ok = ilrs_hal_radio_status(a->cfg.hal, a->radio_id[i], &rs[i]) == 0;
        bool win = !plan || a->win_in[i];
        predicted[i] = plan && a->win_fdir[i];
        any_window = any_window || (plan && win);
        rs[i].link_up = ok && rs[i].link_up && win;
        /* score: 2 = available and of the preferred kind, 1 = available */
        bool preferred = a->cfg.radios[i].direct_to_earth != a->cfg.prefer_relay;
        int score = rs[i].link_up ? (preferred ? 2 : 1) : 0;
        if (score > best) {
            best = score;
            pick = (int)i;
        }
    }
    if (plan) {
        outage_check(app, a, rs, predicted, pick, now);
    }
    if (pick != a->st.selected) {
        ilrs_app_event(app, COM_LINK_INF_EID, ILRS_EVENT_INFO, "link %s -> %s (%.0f bit/s)",
                       a->st.selected >= 0 ? a->cfg.radios[a->st.selected].name : "none",
                       pick >= 0 ? a->cfg.radios[pick].name : "none",
                       pick >= 0 ? rs[pick].rate_bps : 0.0);
        a->st.selected = pick;
        a->st.switches++;
        a->drop_reported = false;
    }
    a->selected = (int8_t)pick;
    a->link_up = pick >= 0;
    a->in_window = plan ? any_window : a->link_up;
    a->st.rate_bps = pick >= 0 ? rs[pick].rate_bps : 0.0;
    a->st.queued_bytes = pick >= 0 ? rs[pick].queued_bytes : 0;
    if (plan) {
        a->st.next_contact_s =
            any_window ? 0.0 : a->win_next != 0 ? apps_seconds(a->win_next, now) : -1.0;
    } else {
        a->st.next_contact_s = a->link_up ? 0.0 : -1.0;
    }
    /* the step's capacity: rate x dt, bounded by the queue's room under fill_limit */
    double cap = 0.0;
    if (pick >= 0) {
        double room = (double)rs[pick].queue_capacity * a->cfg.fill_limit -
                      (double)rs[pick].queued_bytes;
        cap = rs[pick].rate_bps / 8.0 * (dt > 0 ? dt : 0.0);
        cap = cap < room ? cap : room;
        cap = cap > 0 ? floor(cap) : 0.0;
    }
    /* telemetry first (a packet that arrives is sent even past the budget without a
     * recorder: real-time data is not held back) */
    uint64_t budget = a->ring != NULL ? (uint64_t)cap : UINT64_MAX;
    uint64_t tm = take_telemetry(app, a, pick, budget, now);
    /* then playback with what is left */
    double want = cap - (double)tm;
    if (pick >= 0 && a->cfg.playback && want >= 1.0) {
        /* want is a whole number of octets (floor of the capacity less whole packets):
         * its decimal text by hand, the same digits as "%.0f", without the float
         * formatter that was 1.3 % of a station run at one request a second */
        char bytes[32];
        if (want < 0x1p53) {
            char rev[24];
            size_t n = 0;
            for (uint64_t v = (uint64_t)want; v > 0 || n == 0; v /= 10) {
                rev[n++] = (char)('0' + v % 10);
            }
            for (size_t k = 0; k < n; k++) {
                bytes[k] = rev[n - 1 - k];
            }
            bytes[n] = '\0';
        } else {
            snprintf(bytes, sizeof bytes, "%.0f", want);
        }
        const char *args[] = {a->cfg.radios[pick].name, bytes};
        int rc = apps_send(app, "StoDownlink", args, 2);
        if (rc == 0) {
            a->st.playback_requested += (uint64_t)want;
        } else {
            a->playback_errors++;
            ilrs_app_event(app, COM_PLAYBACK_ERR_EID, ILRS_EVENT_ERROR,
                           "playback request of %llu B refused: %s", (unsigned long long)want,
                           ilrs_strerror(rc));
        }
    }
    return 0;
}

void ilrs_com_app_def(ilrs_com_app_t *app, ilrs_app_def_t *def)
{
    memset(def, 0, sizeof *def);
    def->name = "COMM";
    def->description = "comm: contacts, link selection, real-time first then playback";
    def->init = com_init;
    def->step = com_step;
    def->rate_hz = app->cfg.rate_hz > 0 ? app->cfg.rate_hz : 1.0;
    def->priority = 18;
    def->context = app;
    def->apid = app->cfg.apid;
    def->pipe_depth = 256;
}

void ilrs_com_app_status(const ilrs_com_app_t *app, ilrs_com_status_t *out)
{
    *out = app->st;
}
