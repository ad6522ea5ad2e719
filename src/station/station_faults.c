// SPDX-License-Identifier: Apache-2.0
// Per-occurrence results of the injected faults: a random fault arrives several
// times, and each arrival gets its own injection, detection (the first FDIR
// error event naming the target after it), recovery (the first FDIR event
// naming the target that reports recovery after detection) and, for a fault
// that ends (a radio outage), its end. The run (station_run.c) calls these at
// injection, at the fault's end and for each flight event naming the target;
// events belong to the latest occurrence injected before them. A radio outage
// that began and ended with no predicted contact of its radio (at least
// OBSERVE_S of window overlap: COMM's 60 s persistence plus one 10 s step) is
// marked unobservable: no link was expected, none was missed.
#include <stdio.h>
#include <string.h>

#include "station/station_int.h"

#define OBSERVE_S 70.0

static ilrs_station_fault_occurrence_t *latest(ilrs_station_fault_result_t *r)
{
    size_t n = r->occurrences < ILRS_STATION_MAX_OCCURRENCES ? r->occurrences
                                                             : ILRS_STATION_MAX_OCCURRENCES;
    /* past the table, later occurrences are counted but not itemised */
    return n > 0 && r->occurrences <= ILRS_STATION_MAX_OCCURRENCES ? &r->occurrence[n - 1] : NULL;
}

void ilrs__station_fault_injected(ilrs_station_fault_result_t *r, ilrs_tai_t t)
{
    /* called before r->occurrences counts this arrival */
    if (r->occurrences < ILRS_STATION_MAX_OCCURRENCES) {
        ilrs_station_fault_occurrence_t *o = &r->occurrence[r->occurrences];
        memset(o, 0, sizeof *o);
        o->injected_at = t;
        o->observable = true;
    }
}

/* Seconds of predicted contact of hw link target @p target within [a, b). */
static double contact_within(const ilrs_station_t *st, uint32_t target, ilrs_tai_t a, ilrs_tai_t b)
{
    const ilrs_window_list_t *w = ilrs__station_env_windows(st->env, target);
    double s = 0.0;
    for (size_t k = 0; w != NULL && k < w->count; k++) {
        ilrs_tai_t lo = w->items[k].start > a ? w->items[k].start : a;
        ilrs_tai_t hi = w->items[k].end < b ? w->items[k].end : b;
        s += hi > lo ? (double)(hi - lo) * 1e-9 : 0.0;
    }
    return s;
}

void ilrs__station_fault_ended(ilrs_station_t *st, size_t i, ilrs_tai_t t)
{
    ilrs_station_fault_result_t *r = &st->fault_results[i];
    const station_fault_state_t *f = &st->faults[i];
    ilrs_station_fault_occurrence_t *o = latest(r);
    if (o == NULL || o->ended) {
        return;
    }
    o->ended = true;
    o->ended_at = t;
    if (f->hw_kind == ILRS_HW_FAULT_RADIO_OUTAGE && f->hw_index < st->map.config.n_radios) {
        uint32_t target = st->map.radios[f->hw_index].target;
        o->observable = contact_within(st, target, o->injected_at, t) >= OBSERVE_S;
    }
}

void ilrs__station_fault_event(ilrs_station_fault_result_t *r, const ilrs_evs_record_t *e,
                               bool recovery)
{
    ilrs_station_fault_occurrence_t *o = latest(r);
    if (o == NULL || e->time < o->injected_at) {
        return;
    }
    if (!o->detected && e->severity >= ILRS_EVENT_ERROR) {
        o->detected = true;
        o->detected_at = e->time;
        snprintf(o->detected_by, sizeof o->detected_by, "%.20s event %u", e->app_name,
                 e->event_id);
    } else if (o->detected && !o->recovered && recovery) {
        o->recovered = true;
        o->recovered_at = e->time;
        snprintf(o->recovered_by, sizeof o->recovered_by, "%.20s event %u", e->app_name,
                 e->event_id);
    }
}
