// SPDX-License-Identifier: Apache-2.0
// The station in real time (`ilrs station --realtime`, docs/station.md "Real time:
// station and ground as two processes"): the same loop as ilrs_station_run(), with
//  - the LINK flight app (apps.h "LINK") added to the station's flight software
//    before it starts, so its frames carry the station's own telemetry to a ground
//    process and its TC frames from the ground reach ilrs_fsw_command();
//  - pacing: after each mission second the loop waits until the host clock has
//    caught up with speed x wall time.
// The flight logic is the same code as the virtual-time run; only the waiting and
// the sockets (owned by the caller, behind the link callbacks) are new. In real
// time the run is not deterministic (commands arrive when they arrive).
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <ilrs/ccsds.h>

#include "station/station_int.h"

/* Longest single sleep: a stop request is seen within this. */
#define PACE_SLICE_S 0.05
/* Behind the wall clock by more than this: restart the schedule from now
 * (a loaded host slows the run down rather than making it catch up in a burst). */
#define PACE_SLIP_S 2.0
/* Wall seconds between flushes of the outputs (events.log, archive) in real time. */
#define FLUSH_WALL_S 5.0
/* LINK_DROP_ERR's event ID (docs/space-link.md "LINK app": events). */
#define LINK_DROP_EVENT_ID 13u

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void add_route(ilrs_link_config_t *lc, uint16_t apid, uint8_t vc)
{
    for (size_t i = 0; i < lc->route_count; i++) {
        if (lc->routes[i].apid == apid) {
            return;
        }
    }
    if (apid != 0 && lc->route_count < ILRS_LINK_MAX_ROUTES) {
        lc->routes[lc->route_count++] = (ilrs_link_route_t){apid, vc};
    }
}

/* The station's own routes (its APIDs are not the reference configuration's,
 * ilrs_link_reference_routes()): every app's HK and the event packets on VC 0
 * (real time), the payload status packets on VC 2 (science). PLD_DATA stays on
 * board: it is the payload host's bookkeeping for STORAGE (bytes read per
 * payload, many a second), whose science reaches the ground through the radios
 * and storage of the twin. Called after every other app is added, so each one's
 * APID is known. */
static void add_routes(ilrs_station_t *st, ilrs_link_config_t *lc)
{
    lc->route_count = 0;
    add_route(lc, ILRS_FSW_APID_EVENTS, ILRS_CCSDS_VC_HOUSEKEEPING);
    ilrs_exec_t *exec = ilrs_fsw_exec(st->fsw);
    for (uint32_t i = 0; i < ilrs_exec_app_count(exec); i++) {
        ilrs_app_t *app = ilrs_exec_app_at(exec, i);
        if (app != NULL) {
            add_route(lc, ilrs_app_apid(app), ILRS_CCSDS_VC_HOUSEKEEPING);
        }
    }
    add_route(lc, lc->apid, ILRS_CCSDS_VC_HOUSEKEEPING);
    for (size_t p = 0; p < st->sc->payload_count; p++) {
        add_route(lc, ilrs__station_apps_payload_apid(st->apps, p), ILRS_CCSDS_VC_SCIENCE);
    }
}

int ilrs__station_rt_add_link(ilrs_station_t *st, char *error, size_t cap)
{
    const ilrs_station_link_t *l = st->opt.link;
    if (l == NULL) {
        return 0;
    }
    if (l->output == NULL || !(l->rate_bps >= 0.0)) {
        snprintf(error, cap, "real-time link: no output callback or a negative rate");
        return ILRS_EINVAL;
    }
    ilrs_link_config_t lc;
    memset(&lc, 0, sizeof lc);
    lc.scid = ILRS_LINK_DEFAULT_SCID;
    lc.output = l->output;
    lc.output_user = l->output_user;
    lc.input = l->input;
    lc.input_user = l->input_user;
    lc.apid = ILRS_LINK_APID_HK;
    add_routes(st, &lc);
    if (l->always_up) {
        lc.rate_bps = l->rate_bps > 0.0 ? l->rate_bps : ILRS_STATION_LINK_DEFAULT_BPS;
    } else {
        // The space link rides the first direct-to-Earth radio: its data rate and
        // link state (geometry, power, outage faults) from the twin through the hal.
        int radio = -1;
        for (size_t r = 0; r < st->map.config.n_radios && radio < 0; r++) {
            radio = st->sc->radios[r].link != ILRS_SCENARIO_LINK_PROXIMITY ? (int)r : -1;
        }
        if (radio < 0) {
            snprintf(error, cap,
                     "radios: the real-time link needs a direct-to-Earth radio; the scenario "
                     "has none (use --link-always for a link regardless of the radios)");
            return ILRS_ESTATION_CONFIG;
        }
        lc.hal = &st->hal;
        snprintf(lc.radio, sizeof lc.radio, "%s", st->map.radios[radio].name);
    }
    int rc = ilrs_link_app_create(&lc, &st->link);
    if (rc != 0) {
        snprintf(error, cap, "LINK app configuration refused: %s", ilrs_strerror(rc));
        return rc;
    }
    ilrs_app_def_t def;
    ilrs_link_app_def(st->link, &def);
    if ((rc = ilrs_fsw_add_app(st->fsw, &def, NULL)) != 0) {
        snprintf(error, cap, "LINK app: %s", ilrs_strerror(rc));
        return rc;
    }
    // While the link is down the real-time VC queues fill and every further packet
    // is dropped (counted in LINK_HK tm_dropped): report the first few drops by
    // event, not one per packet for the whole pass (cFE EVS binary filter).
    ilrs_app_t *app = ilrs_exec_find_app(ilrs_fsw_exec(st->fsw), def.name);
    if (app != NULL) {
        rc = ilrs_evs_set_filter(ilrs_fsw_evs(st->fsw), (uint16_t)ilrs_app_index(app),
                                 LINK_DROP_EVENT_ID, ILRS_EVS_FIRST_8_STOP);
        if (rc != 0) {
            snprintf(error, cap, "LINK app event filter: %s", ilrs_strerror(rc));
        }
    }
    return rc;
}

void ilrs__station_rt_pace(ilrs_station_t *st)
{
    double speed = st->opt.realtime_speed;
    if (!(speed > 0.0)) {
        return;
    }
    double now = mono_now();
    if (!st->rt_started) {
        st->rt_started = true;
        st->rt_wall0 = now - (st->t_s + 1.0) / speed;
        st->rt_last_flush = now;
        return;
    }
    double due = st->rt_wall0 + (st->t_s + 1.0) / speed;
    if (now - due > PACE_SLIP_S) {
        ilrs_log(st->rt_slips++ == 0 ? ILRS_LOG_WARN : ILRS_LOG_DEBUG, "station",
                 "real time: %.1f s behind the wall clock at mission second %.0f; the host "
                 "cannot keep %.3gx, continuing from now",
                 now - due, st->t_s, speed);
        st->rt_wall0 = now - (st->t_s + 1.0) / speed;
    }
    while (!st->stop && (now = mono_now()) < due) {
        double s = fmin(due - now, PACE_SLICE_S);
        struct timespec ts = {.tv_sec = (time_t)s, .tv_nsec = (long)((s - floor(s)) * 1e9)};
        if (nanosleep(&ts, NULL) != 0 && errno != EINTR) {
            break;
        }
    }
    // A live run is watched while it runs: keep the outputs readable every few
    // seconds rather than every simulated day.
    if (now - st->rt_last_flush >= FLUSH_WALL_S) {
        st->rt_last_flush = now;
        if (st->events_log != NULL) {
            fflush(st->events_log);
        }
        if (st->archive != NULL) {
            ilrs__station_archive_flush(st->archive);
        }
    }
}

int ilrs_station_link_status(const ilrs_station_t *st, ilrs_link_status_t *out)
{
    memset(out, 0, sizeof *out);
    if (st == NULL || st->link == NULL) {
        return ILRS_ENOENT;
    }
    ilrs_link_app_status(st->link, out);
    return 0;
}
