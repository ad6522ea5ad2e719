// SPDX-License-Identifier: Apache-2.0
//
// COMM (COM) app: onboard contact prediction from a table of windows (or the hal
// link state alone), link selection (direct-to-Earth first unless the relay is
// preferred, among the radios whose link is up and, with a table, inside a
// window), real-time telemetry first (the packets of the configured APIDs are
// queued on the selected radio as they arrive; without a link they are counted
// as dropped, real-time data is not stored), then playback: the spare capacity
// of the step (rate x dt minus the real-time bytes, bounded by the radio queue's
// room under fill_limit) is requested from STORAGE (StoDownlink through the
// command ingest), which serves the partners by priority and fair share.
// Outage detection (with a window table): a radio whose hal link stays down
// for OUTAGE_S inside a predicted contact window (its geometry says the link
// must close) is in outage: an event names it and the link selection moves to
// another available radio (the selection skips radios without link); a second
// event when its link is back.
// Events in comm_eid.h.
#include <stdlib.h>

#include "apps/apps_int.h"
#include "apps/comm/comm_eid.h"

struct ilrs_com_app {
    ilrs_com_config_t cfg;
    uint16_t radio_id[ILRS_COM_MAX_RADIOS];
    const ilrs_dict_command_t *cmd_pref, *cmd_play, *cmd_window;
    ilrs_tai_t last_step;
    uint64_t rt_step_bytes;
    ilrs_com_status_t st;
    int8_t selected;
    bool link_up, in_window;
    uint32_t playback_errors, outages;
    ilrs_tai_t down_since[ILRS_COM_MAX_RADIOS]; /* 0: up or outside its windows */
    bool outage[ILRS_COM_MAX_RADIOS];
};

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
    ilrs_com_app_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    a->cfg = *cfg;
    if (a->cfg.fill_limit == 0) {
        a->cfg.fill_limit = 0.5;
    }
    *out = a;
    return 0;
}

void ilrs_com_app_destroy(ilrs_com_app_t *app)
{
    free(app);
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
    ilrs_app_event(app, COM_SET_INF_EID, ILRS_EVENT_INFO, "%s %s", "window added for",
                   a->cfg.radios[w.radio].name);
    return 0;
}

static const apps_event_t events[] = {
    {COM_WINDOW_ERR_EID, "COM_WINDOW_ERR", ILRS_EVENT_ERROR, "window refused: %s",
     "ComAddWindow refused (end not after start, unknown radio, table full)"},
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
    for (size_t i = 0; rc == 0 && i < a->cfg.rt_count; i++) {
        rc = ilrs_app_subscribe(app, ilrs_msgid_tlm(a->cfg.rt_apids[i]), 0);
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
        {"outages", NULL, ILRS_DICT_U32, &a->outages},
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

/* Whether radio @p r is inside a window at @p now; next window start after @p now in *next. */
static bool in_window(const ilrs_com_app_t *a, size_t r, ilrs_tai_t now, ilrs_tai_t *next)
{
    bool in = false;
    for (size_t i = 0; i < a->cfg.window_count; i++) {
        const ilrs_com_window_t *w = &a->cfg.windows[i];
        if (w->start <= now && now < w->end) {
            in = in || w->radio == r;
        } else if (w->start > now && (*next == 0 || w->start < *next)) {
            *next = w->start;
        }
    }
    return in;
}

/* Outage detection: a link down inside its predicted window for OUTAGE_S. */
static void outage_check(ilrs_app_t *app, ilrs_com_app_t *a, const ilrs_hal_radio_status_t *rs,
                         const bool *predicted, int pick, ilrs_tai_t now)
{
    for (size_t i = 0; i < a->cfg.radio_count; i++) {
        if (rs[i].link_up || !predicted[i]) {
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
            a->outages++;
            ilrs_app_event(app, COM_OUTAGE_ERR_EID, ILRS_EVENT_ERROR,
                           "radio %s outage: link down %.0f s inside a predicted contact; link "
                           "now %s",
                           a->cfg.radios[i].name, down,
                           pick >= 0 ? a->cfg.radios[pick].name : "none");
        }
    }
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
    ilrs_tai_t next = 0;
    bool any_window = false;
    int best = 0;
    bool predicted[ILRS_COM_MAX_RADIOS] = {false};
    for (size_t i = 0; i < a->cfg.radio_count; i++) {
        bool ok = ilrs_hal_radio_status(a->cfg.hal, a->radio_id[i], &rs[i]) == 0;
        bool win = a->cfg.window_count == 0 || in_window(a, i, now, &next);
        predicted[i] = a->cfg.window_count > 0 && win;
        any_window = any_window || (a->cfg.window_count > 0 && win);
        rs[i].link_up = ok && rs[i].link_up && win;
        /* score: 2 = available and of the preferred kind, 1 = available */
        bool preferred = a->cfg.radios[i].direct_to_earth != a->cfg.prefer_relay;
        int score = rs[i].link_up ? (preferred ? 2 : 1) : 0;
        if (score > best) {
            best = score;
            pick = (int)i;
        }
    }
    outage_check(app, a, rs, predicted, pick, now);
    if (pick != a->st.selected) {
        ilrs_app_event(app, COM_LINK_INF_EID, ILRS_EVENT_INFO, "link %s -> %s (%.0f bit/s)",
                       a->st.selected >= 0 ? a->cfg.radios[a->st.selected].name : "none",
                       pick >= 0 ? a->cfg.radios[pick].name : "none",
                       pick >= 0 ? rs[pick].rate_bps : 0.0);
        a->st.selected = pick;
        a->st.switches++;
    }
    a->selected = (int8_t)pick;
    a->link_up = pick >= 0;
    a->in_window = a->cfg.window_count == 0 ? a->link_up : any_window;
    a->st.rate_bps = pick >= 0 ? rs[pick].rate_bps : 0.0;
    a->st.queued_bytes = pick >= 0 ? rs[pick].queued_bytes : 0;
    if (a->cfg.window_count > 0) {
        a->st.next_contact_s = any_window ? 0.0 : next != 0 ? apps_seconds(next, now) : -1.0;
    } else {
        a->st.next_contact_s = a->link_up ? 0.0 : -1.0;
    }
    /* real-time telemetry first */
    uint64_t rt = 0;
    const uint8_t *pkt;
    size_t len;
    while (ilrs_app_receive(app, &pkt, &len) == 0) {
        if (pick >= 0 && ilrs_hal_radio_send(a->cfg.hal, a->radio_id[pick], pkt, len) == 0) {
            rt += len;
        } else {
            a->st.rt_dropped += len;
        }
    }
    a->st.rt_bytes += rt;
    /* then playback with what is left */
    if (pick >= 0 && a->cfg.playback && dt > 0) {
        double cap = rs[pick].rate_bps / 8.0 * dt - (double)rt;
        double room = (double)rs[pick].queue_capacity * a->cfg.fill_limit -
                      (double)rs[pick].queued_bytes - (double)rt;
        double want = cap < room ? cap : room;
        if (want >= 1.0) {
            char bytes[32];
            snprintf(bytes, sizeof bytes, "%.0f", floor(want));
            const char *args[] = {a->cfg.radios[pick].name, bytes};
            int rc = apps_send(app, "StoDownlink", args, 2);
            if (rc == 0) {
                a->st.playback_requested += (uint64_t)floor(want);
            } else {
                a->playback_errors++;
                ilrs_app_event(app, COM_PLAYBACK_ERR_EID, ILRS_EVENT_ERROR,
                               "playback request of %llu B refused: %s",
                               (unsigned long long)floor(want), ilrs_strerror(rc));
            }
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
