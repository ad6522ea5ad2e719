// SPDX-License-Identifier: Apache-2.0
// The station run: one deterministic discrete-event loop on virtual time.
//
// Each mission second, in this order (docs/station.md):
//   1. environment: when the second passes the next grid point (60 s), sample
//      the environment there; in between, interpolate linearly (the Sun moves
//      0.5 deg/h at most, the relay a few km/s: both smooth on a minute);
//   2. faults due at this second are injected through the twin's fault API;
//   3. the hardware twin steps 1 s;
//   4. the flight software runs one major frame (every app of every rate group);
//   5. the space link (station_link.c): octets the radios reported sent leave
//      their queues as TM frames with bit errors and losses, travel with the
//      light time (through the relay's store-and-forward when sent on a
//      proximity radio) and reach the ground, which checks, demultiplexes and
//      archives them;
//   6. new flight events are logged, matched to faults (detection, recovery);
//   7. monitoring: state of charge, brownout, temperatures, report series.
// Nothing here reads the host clock except for wall time and speed, which reach
// only the progress callback and summary.json.
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ilrs/ccsds.h>

#include "station/station_int.h"

#define YEAR_S      31557600.0           /* Julian year */
#define STORE_BYTES ((uint64_t)32 << 20) /* telemetry in flight: light time + relay backlog */

/* ---- small helpers -------------------------------------------------------------------- */

static void set_error(char *error, size_t cap, const char *fmt, ...)
{
    if (error != NULL && cap > 0 && error[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(error, cap, fmt, ap);
        va_end(ap);
    }
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static ilrs_tai_t tai_of(const ilrs_station_t *st, double t_s)
{
    return st->sc->epoch_tai + (ilrs_tai_t)llround(t_s * 1e9);
}

static void timeline_add_at(ilrs_station_t *st, double t_s, uint8_t kind, uint8_t level,
                            const char *fmt, va_list ap)
{
    if (st->timeline_count == st->timeline_cap) {
        size_t cap = st->timeline_cap ? 2 * st->timeline_cap : 256;
        if (cap > 20000) {
            return; /* the report keeps the first 20,000 items */
        }
        station_timeline_item_t *n = realloc(st->timeline, cap * sizeof *n);
        if (n == NULL) {
            return;
        }
        st->timeline = n;
        st->timeline_cap = cap;
    }
    station_timeline_item_t *it = &st->timeline[st->timeline_count++];
    it->t_s = t_s;
    it->kind = kind;
    it->level = level;
    vsnprintf(it->text, sizeof it->text, fmt, ap);
}

static void timeline_add(ilrs_station_t *st, uint8_t kind, uint8_t level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    timeline_add_at(st, st->t_s, kind, level, fmt, ap);
    va_end(ap);
}

void ilrs__station_timeline_add(ilrs_station_t *st, uint8_t kind, uint8_t level, const char *fmt,
                                ...)
{
    va_list ap;
    va_start(ap, fmt);
    timeline_add_at(st, st->t_s, kind, level, fmt, ap);
    va_end(ap);
}

static void timeline_event(ilrs_station_t *st, double t_s, uint8_t level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    timeline_add_at(st, t_s, 0, level, fmt, ap);
    va_end(ap);
}

/* ---- hal seen by the flight software: the twin's, with radio_send watched ------------ */
/* The twin's radios count octets; the run must know which octets they were, so
 * the space link can hand the packets to the ground. This wrapper is the radio's
 * RF side: it records each buffer the flight software queues, then forwards. */

#define TWIN(c) (((ilrs_station_t *)(c))->hal_twin)
static size_t w_count(void *c, ilrs_hal_kind_t k)
{
    return TWIN(c).ops->count(TWIN(c).ctx, k);
}
static int w_info(void *c, ilrs_hal_kind_t k, size_t i, ilrs_hal_info_t *o)
{
    return TWIN(c).ops->info(TWIN(c).ctx, k, i, o);
}
static int w_switch_set(void *c, uint16_t id, bool on)
{
    return TWIN(c).ops->switch_set(TWIN(c).ctx, id, on);
}
static int w_switch_get(void *c, uint16_t id, ilrs_hal_switch_state_t *o)
{
    return TWIN(c).ops->switch_get(TWIN(c).ctx, id, o);
}
static int w_sensor_read(void *c, uint16_t id, ilrs_hal_reading_t *o)
{
    return TWIN(c).ops->sensor_read(TWIN(c).ctx, id, o);
}
static int w_radio_status(void *c, uint16_t id, ilrs_hal_radio_status_t *o)
{
    return TWIN(c).ops->radio_status(TWIN(c).ctx, id, o);
}
static int w_payload_status(void *c, uint16_t id, ilrs_hal_payload_status_t *o)
{
    return TWIN(c).ops->payload_status(TWIN(c).ctx, id, o);
}
static int w_payload_command(void *c, uint16_t id, uint32_t mode)
{
    return TWIN(c).ops->payload_command(TWIN(c).ctx, id, mode);
}
static int w_payload_read(void *c, uint16_t id, uint64_t *bytes)
{
    return TWIN(c).ops->payload_read(TWIN(c).ctx, id, bytes);
}
static int w_storage_status(void *c, uint16_t id, ilrs_hal_storage_status_t *o)
{
    return TWIN(c).ops->storage_status(TWIN(c).ctx, id, o);
}
static int w_storage_write(void *c, uint16_t id, uint64_t b, uint64_t *w)
{
    return TWIN(c).ops->storage_write(TWIN(c).ctx, id, b, w);
}
static int w_storage_release(void *c, uint16_t id, uint64_t b, uint64_t *r)
{
    return TWIN(c).ops->storage_release(TWIN(c).ctx, id, b, r);
}

static int w_radio_send(void *c, uint16_t id, const void *data, size_t len)
{
    ilrs_station_t *st = c;
    if (id >= st->map.config.n_radios || len == 0 || len > UINT32_MAX) {
        return TWIN(c).ops->radio_send(TWIN(c).ctx, id, data, len);
    }
    int rc = TWIN(c).ops->radio_send(TWIN(c).ctx, id, data, len);
    if (rc != 0) {
        return rc;
    }
    station_flight_t f = {.len = (uint32_t)len, .payload = -1};
    uint32_t magic = 0, index = 0;
    if (len >= 8) {
        memcpy(&magic, data, 4);
        memcpy(&index, (const uint8_t *)data + 4, 4);
    }
    if (magic == ST_SCIENCE_MAGIC && index < st->map.config.n_payloads) {
        f.payload = (int32_t)index;
    } else if (st->store_bytes + len <= STORE_BYTES && (f.data = malloc(len)) != NULL) {
        // Each packet keeps its own copy: packets on different paths (direct,
        // relay store-and-forward) reach the ground out of order.
        memcpy(f.data, data, len);
        st->store_bytes += len;
    } else {
        f.payload = -2; /* octets sent, content lost: too much in flight */
        st->store_dropped++;
    }
    return ilrs__station_q_push(&st->fifo[id].q, &f);
}

static int bind_hal(ilrs_station_t *st)
{
    int rc = ilrs_hw_station_hal(st->hw, &st->hal_twin);
    if (rc != 0) {
        return rc;
    }
    st->hal_ops = (ilrs_hal_ops_t){.count = w_count,
                                   .info = w_info,
                                   .switch_set = w_switch_set,
                                   .switch_get = w_switch_get,
                                   .sensor_read = w_sensor_read,
                                   .radio_status = w_radio_status,
                                   .radio_send = w_radio_send,
                                   .payload_status = w_payload_status,
                                   .payload_command = w_payload_command,
                                   .payload_read = w_payload_read,
                                   .storage_status = w_storage_status,
                                   .storage_write = w_storage_write,
                                   .storage_release = w_storage_release};
    return ilrs_hal_init(&st->hal, &st->hal_ops, st);
}

/* ---- faults ----------------------------------------------------------------------------- */

static size_t sensor_index_of_node(const station_hw_map_t *m, size_t node)
{
    /* the twin's standard sensor order (twin_hal.c): bus, arrays, 4 per battery,
     * lines, nodes, RTGs */
    return 1 + m->config.n_arrays + 4 * m->config.n_batteries + m->config.n_lines + node;
}

static double next_arrival(ilrs_station_t *st, double rate_per_year)
{
    // Poisson arrivals: exponential gaps with mean 1/rate (inverse transform).
    double u = ilrs_rng_uniform(&st->rng);
    return -log(1.0 - u) * YEAR_S / rate_per_year;
}

static int map_faults(ilrs_station_t *st, char *error, size_t cap)
{
    const ilrs_scenario_t *sc = st->sc;
    const station_hw_map_t *m = &st->map;
    for (size_t i = 0; i < sc->fault_count; i++) {
        const ilrs_scenario_fault_t *f = &sc->faults[i];
        station_fault_state_t *s = &st->faults[i];
        ilrs_station_fault_result_t *r = &st->fault_results[i];
        s->f = f;
        snprintf(r->id, sizeof r->id, "%s", f->id);
        snprintf(r->type, sizeof r->type, "%s", ilrs_scenario_fault_type_name(f->type));
        snprintf(r->target, sizeof r->target, "%s", f->target);
        snprintf(s->match[0], sizeof s->match[0], "%s", f->target);
        s->match_count = 1;
        int idx = -1;
        bool lasting = f->duration_s > 0.0;
        switch (f->type) {
        case ILRS_SCENARIO_FAULT_BATTERY_STRING_LOSS:
            s->hw_kind = ILRS_HW_FAULT_BATTERY_STRING;
            for (size_t k = 0; k < m->config.n_batteries; k++) {
                idx = strcmp(m->batteries[k].name, f->target) == 0 ? (int)k : idx;
            }
            break;
        case ILRS_SCENARIO_FAULT_ARRAY_DEGRADATION:
            s->hw_kind = ILRS_HW_FAULT_ARRAY_DEGRADE;
            for (size_t k = 0; k < m->config.n_arrays; k++) {
                idx = strcmp(m->arrays[k].name, f->target) == 0 ? (int)k : idx;
            }
            break;
        case ILRS_SCENARIO_FAULT_RADIO_OUTAGE:
            s->hw_kind = ILRS_HW_FAULT_RADIO_OUTAGE;
            lasting = false; /* the twin ends an outage */
            for (size_t k = 0; k < m->config.n_radios; k++) {
                idx = strcmp(m->radios[k].name, f->target) == 0 ? (int)k : idx;
            }
            break;
        case ILRS_SCENARIO_FAULT_PAYLOAD_HANG:
            s->hw_kind = ILRS_HW_FAULT_PAYLOAD_HANG;
            for (size_t k = 0; k < m->config.n_payloads; k++) {
                idx = strcmp(m->payloads[k].name, f->target) == 0 ? (int)k : idx;
            }
            break;
        case ILRS_SCENARIO_FAULT_STUCK_SENSOR: {
            s->hw_kind = ILRS_HW_FAULT_SENSOR_STUCK;
            int node = ilrs__station_map_node(m, f->target);
            idx = node < 0 ? -1 : (int)sensor_index_of_node(m, (size_t)node);
            // FDIR sees a stuck temperature through the thermostat zones of the node:
            // an event naming one of its heaters names the fault too.
            for (size_t h = 0; node >= 0 && h < m->config.n_heaters && s->match_count < 4; h++) {
                if (m->heaters[h].node == node) {
                    snprintf(s->match[s->match_count++], sizeof s->match[0], "%s",
                             m->heaters[h].name);
                }
            }
            if (f->has_stuck_value) {
                set_error(error, cap,
                          "faults[%zu].stuck_value: the twin sticks a sensor at its reading at "
                          "fault time; a given value is not modelled",
                          i);
                return ILRS_ESTATION_CONFIG;
            }
            lasting = false; /* reported: stays stuck to the end (twin has no repair) */
            break;
        }
        case ILRS_SCENARIO_FAULT_HEATER_FAILURE:
            s->hw_kind = ILRS_HW_FAULT_HEATER_OPEN;
            idx = ilrs__station_map_heater(m, f->target);
            if (f->heater_stuck_on) {
                set_error(error, cap,
                          "faults[%zu].stuck_on: the twin models a failed-open heater only", i);
                return ILRS_ESTATION_CONFIG;
            }
            break;
        default:
            set_error(error, cap, "faults[%zu].type: unknown", i);
            return ILRS_ESTATION_CONFIG;
        }
        if (idx < 0) {
            set_error(error, cap, "faults[%zu].target: \"%s\" is not a %s target of the twin", i,
                      f->target, ilrs_scenario_fault_type_name(f->type));
            return ILRS_ESTATION_CONFIG;
        }
        if (lasting) {
            set_error(error, cap,
                      "faults[%zu].duration: a %s is permanent in the twin (no repair); remove "
                      "the duration",
                      i, ilrs_scenario_fault_type_name(f->type));
            return ILRS_ESTATION_CONFIG;
        }
        s->hw_index = (size_t)idx;
        s->next_s = f->is_random ? next_arrival(st, f->rate_per_year) : f->at_s;
    }
    return 0;
}

static void inject_due(ilrs_station_t *st)
{
    for (size_t i = 0; i < st->sc->fault_count; i++) {
        station_fault_state_t *s = &st->faults[i];
        ilrs_station_fault_result_t *r = &st->fault_results[i];
        const ilrs_scenario_fault_t *f = s->f;
        if (s->active && s->end_s > 0.0 && st->t_s >= s->end_s) {
            if (s->hw_kind == ILRS_HW_FAULT_RADIO_OUTAGE) {
                ilrs_hw_station_inject(st->hw, ILRS_HW_FAULT_RADIO_OUTAGE, s->hw_index, 0.0);
            }
            s->active = false;
            s->end_s = 0.0;
            ilrs__station_fault_ended(st, i, tai_of(st, st->t_s));
            if (!r->recovered) {
                r->recovered = true;
                r->recovered_at = tai_of(st, st->t_s);
            }
            timeline_add(st, 2, 1, "%s ended", f->id);
        }
        if (s->done || st->t_s < s->next_s) {
            continue;
        }
        double value = s->hw_kind == ILRS_HW_FAULT_ARRAY_DEGRADE ? f->loss_fraction
                       : s->hw_kind == ILRS_HW_FAULT_BATTERY_STRING ? (double)f->string_index
                                                                    : 1.0;
        int rc =
            ilrs_hw_station_inject(st->hw, (ilrs_hw_fault_kind_t)s->hw_kind, s->hw_index, value);
        if (rc == ILRS_ESTATE && s->hw_kind == ILRS_HW_FAULT_PAYLOAD_HANG) {
            s->next_s = st->t_s + 60.0; /* an unpowered payload cannot hang: retry */
            continue;
        }
        if (rc == 0) {
            s->active = true;
            // Only an outage ends in the twin; other faults stay (no repair).
            s->end_s = s->hw_kind == ILRS_HW_FAULT_RADIO_OUTAGE && f->duration_s > 0.0
                           ? st->t_s + f->duration_s
                           : 0.0;
            ilrs__station_fault_injected(r, tai_of(st, st->t_s));
            if (r->occurrences++ == 0) {
                r->injected = true;
                r->injected_at = tai_of(st, st->t_s);
            }
            timeline_add(st, 1, 2, "%s injected (%s on %s)", f->id,
                         ilrs_scenario_fault_type_name(f->type), f->target);
        } else {
            timeline_add(st, 1, 2, "%s not injected: %s", f->id, ilrs_strerror(rc));
        }
        if (f->is_random) {
            s->next_s = st->t_s + (f->duration_s > 0 ? f->duration_s : 0.0) +
                        next_arrival(st, f->rate_per_year);
        } else {
            s->done = true;
        }
    }
}

/* ---- events ------------------------------------------------------------------------------ */

static bool mentions_recovery(const char *text)
{
    static const char *const words[] = {"recover", "restor", "return",
                                        "cleared", "resum",  "back in service"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strstr(text, words[i]) != NULL) {
            return true;
        }
    }
    return false;
}

static void on_event(ilrs_station_t *st, const ilrs_evs_record_t *r)
{
    static const char *const sev[] = {"DEBUG", "INFO", "ERROR", "CRIT"};
    const char *sv = (unsigned)r->severity < 4 ? sev[r->severity] : "?";
    st->sum.events_total++;
    if ((unsigned)r->severity < 4) {
        st->sum.events_by_severity[r->severity]++;
    }
    if (st->events_log != NULL) {
        char when[48];
        ilrs_time_format_iso(r->time, 3, when, sizeof when);
        fprintf(st->events_log, "%s %-5s %-10s %3u %s\n", when, sv, r->app_name, r->event_id,
                r->text);
    }
    if (r->severity >= ILRS_EVENT_ERROR) {
        timeline_event(st, (double)(r->time - st->sc->epoch_tai) * 1e-9, (uint8_t)r->severity,
                       "%s: %s", r->app_name, r->text);
    }
    for (size_t i = 0; i < st->sc->fault_count; i++) {
        ilrs_station_fault_result_t *fr = &st->fault_results[i];
        bool named = false;
        for (size_t k = 0; k < st->faults[i].match_count && !named; k++) {
            named = strstr(r->text, st->faults[i].match[k]) != NULL;
        }
        if (!fr->injected || !named || r->time < fr->injected_at) {
            continue;
        }
        ilrs__station_fault_event(fr, r, mentions_recovery(r->text));
        if (!fr->detected && r->severity >= ILRS_EVENT_ERROR) {
            fr->detected = true;
            fr->detected_at = r->time;
            snprintf(fr->detected_by, sizeof fr->detected_by, "%.20s event %u", r->app_name,
                     r->event_id);
        } else if (fr->detected && !fr->recovered && mentions_recovery(r->text)) {
            fr->recovered = true;
            fr->recovered_at = r->time;
        }
    }
}

static void drain_events(ilrs_station_t *st)
{
    ilrs_evs_t *evs = ilrs_fsw_evs(st->fsw);
    size_t n = ilrs_evs_log_count(evs);
    // Records are in seq order; find the first new one from the newest end.
    size_t first = n;
    ilrs_evs_record_t r;
    while (first > 0 && ilrs_evs_log_get(evs, first - 1, &r) == 0 && r.seq > st->last_event_seq) {
        first--;
    }
    for (size_t i = first; i < n; i++) {
        if (ilrs_evs_log_get(evs, i, &r) == 0) {
            on_event(st, &r);
            st->last_event_seq = r.seq;
        }
    }
}

/* ---- create / destroy ----------------------------------------------------------------------- */

void ilrs_station_options_default(ilrs_station_options_t *o)
{
    memset(o, 0, sizeof *o);
    o->env_step_s = 60.0;
    o->sample_step_s = 600.0;
    o->hk_interval_s = 60;
    o->progress_interval_s = 86400.0;
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST) {
        struct stat sb;
        return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) ? 0 : ILRS_EIO;
    }
    return ILRS_EIO;
}

static int open_outputs(ilrs_station_t *st, char *error, size_t cap)
{
    if (st->opt.out_dir == NULL) {
        return 0;
    }
    snprintf(st->out_dir, sizeof st->out_dir, "%s", st->opt.out_dir);
    if (make_dir(st->out_dir) != 0) {
        set_error(error, cap, "%s: cannot create the output directory: %s", st->out_dir,
                  strerror(errno));
        return ILRS_EIO;
    }
    char path[ILRS_SCENARIO_FILE_MAX + 32];
    // A fresh archive each run: same scenario and seed must give the same file.
    static const char *const stale[] = {"archive.sqlite", "archive.sqlite-journal",
                                        "archive.sqlite-wal", "archive.sqlite-shm"};
    for (size_t i = 0; i < sizeof stale / sizeof stale[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", st->out_dir, stale[i]);
        if (unlink(path) != 0 && errno != ENOENT) {
            set_error(error, cap, "%s: cannot remove the previous archive: %s", path,
                      strerror(errno));
            return ILRS_EIO;
        }
    }
    snprintf(path, sizeof path, "%s/archive.sqlite", st->out_dir);
    int rc = ilrs__station_archive_open(path, ilrs_fsw_dict(st->fsw), &st->archive);
    if (rc != 0) {
        set_error(error, cap, "%s: cannot open the archive: %s", path, ilrs_strerror(rc));
        return rc;
    }
    snprintf(path, sizeof path, "%s/events.log", st->out_dir);
    st->events_log = fopen(path, "w");
    if (st->events_log == NULL) {
        set_error(error, cap, "%s: %s", path, strerror(errno));
        return ILRS_EIO;
    }
    snprintf(path, sizeof path, "%s/dictionary.json", st->out_dir);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        set_error(error, cap, "%s: %s", path, strerror(errno));
        return ILRS_EIO;
    }
    rc = ilrs_dict_write_json(ilrs_fsw_dict(st->fsw), f);
    if (fclose(f) != 0 && rc == 0) {
        rc = ILRS_EIO;
    }
    if (rc != 0) {
        set_error(error, cap, "%s: %s", path, ilrs_strerror(rc));
    }
    return rc;
}

static int make_flight(ilrs_station_t *st, char *error, size_t cap)
{
    ilrs_fsw_config_t fc;
    memset(&fc, 0, sizeof fc);
    fc.time.mode = ILRS_TIME_MODE_VIRTUAL;
    fc.time.start = st->sc->epoch_tai;
    fc.hk_interval_s = st->opt.hk_interval_s;
    fc.evs.log_size = 4096;
    int rc = ilrs_fsw_create(&fc, &st->fsw);
    if (rc != 0) {
        set_error(error, cap, "flight software: %s", ilrs_strerror(rc));
        return rc;
    }
    rc = ilrs__station_apps_create(st->sc, &st->map, st->env, &st->hal, st->fsw, &st->apps, error,
                                   cap);
    if (rc != 0) {
        return rc;
    }
    if ((rc = ilrs__station_rt_add_link(st, error, cap)) != 0) {
        return rc;
    }
    if ((rc = ilrs_fsw_start(st->fsw)) != 0) {
        set_error(error, cap, "flight software start: %s", ilrs_strerror(rc));
    }
    return rc;
}

int ilrs_station_create(const ilrs_scenario_t *sc, const ilrs_station_options_t *opts,
                        ilrs_station_t **out, char *error, size_t cap)
{
    if (error != NULL && cap > 0) {
        error[0] = '\0';
    }
    if (out != NULL) {
        *out = NULL;
    }
    if (sc == NULL || out == NULL) {
        return ILRS_EINVAL;
    }
    ilrs_station_t *st = calloc(1, sizeof *st);
    if (st == NULL) {
        return ILRS_ENOMEM;
    }
    st->sc = sc;
    ilrs_station_options_t d;
    ilrs_station_options_default(&d);
    st->opt = opts ? *opts : d;
    if (!(st->opt.env_step_s > 0.0)) {
        st->opt.env_step_s = d.env_step_s;
    }
    if (!(st->opt.sample_step_s > 0.0)) {
        st->opt.sample_step_s = d.sample_step_s;
    }
    if (st->opt.hk_interval_s == 0) {
        st->opt.hk_interval_s = d.hk_interval_s;
    }
    if (!(st->opt.progress_interval_s > 0.0)) {
        st->opt.progress_interval_s = d.progress_interval_s;
    }
    st->duration_s = st->opt.duration_s > 0.0 ? st->opt.duration_s : sc->duration_s;
    st->duration_s = floor(st->duration_s);
    st->seed = st->opt.has_seed ? st->opt.seed : sc->seed;
    ilrs_rng_seed(&st->rng, st->seed);
    int rc = ILRS_EINVAL;
    if (!(st->duration_s >= 1.0) || st->duration_s > 50.0 * YEAR_S) {
        set_error(error, cap, "duration: must be 1 s .. 50 years, got %g s", st->duration_s);
        goto out_fail;
    }
    if ((rc = ilrs__station_map_hardware(sc, &st->map, error, cap)) != 0) {
        goto out_fail;
    }
    st->map.config.seed = st->seed;
    if ((rc = map_faults(st, error, cap)) != 0) {
        goto out_fail;
    }
    if ((rc = ilrs__station_env_create(sc, st->duration_s, st->opt.env_step_s, &st->env, error,
                                       cap)) != 0) {
        goto out_fail;
    }
    char msg[256] = "";
    if ((rc = ilrs_hw_station_create(&st->map.config, &st->hw, msg, sizeof msg)) != 0) {
        set_error(error, cap, "hardware twin: %s", msg);
        goto out_fail;
    }
    if ((rc = bind_hal(st)) != 0) {
        set_error(error, cap, "hal: %s", ilrs_strerror(rc));
        goto out_fail;
    }
    for (size_t r = 0; r < st->map.config.n_radios; r++) {
        st->fifo[r].proximity = sc->radios[r].link == ILRS_SCENARIO_LINK_PROXIMITY;
        st->fifo[r].sent_base = ilrs_hw_station_radio(st->hw, r)->sent_bytes;
    }
    if ((rc = make_flight(st, error, cap)) != 0 ||
        (rc = ilrs__station_timeline_create(st, error, cap)) != 0 ||
        (rc = open_outputs(st, error, cap)) != 0 ||
        (rc = ilrs__station_link_create(st, error, cap)) != 0) {
        goto out_fail;
    }
    for (size_t p = 0; p < st->map.config.n_payloads; p++) {
        int s = st->map.payload_scenario[p];
        st->payload_partner[p] = -1;
        for (size_t k = 0; s >= 0 && k < sc->partner_count; k++) {
            if (strcmp(sc->partners[k].id, sc->payloads[s].partner) == 0) {
                st->payload_partner[p] = (int)k;
            }
        }
    }
    for (size_t k = 0; k < sc->partner_count; k++) {
        snprintf(st->partner_results[k].id, ILRS_STATION_ID_MAX, "%s", sc->partners[k].id);
    }
    for (size_t n = 0; n < st->map.config.n_nodes; n++) {
        ilrs_station_node_result_t *nr = &st->node_results[n];
        snprintf(nr->name, sizeof nr->name, "%s", st->map.nodes[n].name);
        nr->min_k = INFINITY;
        nr->max_k = -INFINITY;
        nr->limit_min_k = st->map.node_min_k[n];
        nr->limit_max_k = st->map.node_max_k[n];
    }
    st->sum.min_soc = INFINITY;
    *out = st;
    return 0;
out_fail:
    if (error != NULL && cap > 0 && error[0] == '\0') {
        snprintf(error, cap, "%s", ilrs_strerror(rc));
    }
    ilrs_station_destroy(st);
    return rc;
}

void ilrs_station_destroy(ilrs_station_t *st)
{
    if (st == NULL) {
        return;
    }
    ilrs_fsw_destroy(st->fsw);
    ilrs_link_app_destroy(st->link);
    ilrs__station_apps_destroy(st->apps);
    ilrs__station_archive_close(st->archive);
    if (st->events_log != NULL) {
        fclose(st->events_log);
    }
    ilrs_hw_station_destroy(st->hw);
    ilrs__station_env_destroy(st->env);
    for (size_t r = 0; r < ILRS_SCENARIO_MAX_RADIOS; r++) {
        ilrs__station_q_free(&st->fifo[r].q);
    }
    ilrs__station_q_free(&st->air);
    ilrs__station_q_free(&st->relay_q);
    ilrs__station_link_destroy(st->space);
    free(st->timeline);
    free(st->commands);
    ilrs__station_series_free(&st->series);
    free(st);
}

void ilrs_station_request_stop(ilrs_station_t *st)
{
    if (st != NULL) {
        st->stop = 1;
    }
}

/* ---- the loop ---------------------------------------------------------------------------------
 */

static double lerp(double a, double b, double w)
{
    return a + (b - a) * w;
}

/* The signed shortest turn from azimuth a to b, in (-180, 180] degrees. */
static double az_turn(double a, double b)
{
    return fmod(b - a + 540.0, 360.0) - 180.0;
}

/* Azimuth a turned by the fraction w of d = az_turn(a, b), in [0, 360). */
static double lerp_az(double a, double d, double w)
{
    double r = fmod(a + d * w + 360.0, 360.0);
    return r;
}

static void drive_rovers(ilrs_station_t *st, bool sun_up)
{
    for (size_t p = 0; p < st->map.config.n_payloads; p++) {
        int s = st->map.payload_scenario[p];
        if (s >= 0) {
            continue;
        }
        const ilrs_scenario_rover_t *rv = &st->sc->rovers[-1 - s];
        bool active = true;
        if (rv->schedule.period_s > 0.0) {
            double ph = fmod(st->t_s - rv->schedule.offset_s, rv->schedule.period_s);
            ph = ph < 0 ? ph + rv->schedule.period_s : ph;
            active = ph < rv->schedule.active_s;
        }
        active = active && (!rv->needs_sun || sun_up);
        ilrs_hal_payload_status_t ps;
        if (ilrs_hal_payload_status(&st->hal_twin, (uint16_t)p, &ps) == 0 && ps.powered &&
            ps.mode != (active ? 1u : 0u)) {
            ilrs_hal_payload_command(&st->hal_twin, (uint16_t)p, active ? 1u : 0u);
        }
    }
}

static void monitor(ilrs_station_t *st, const station_env_sample_t *e, bool dte, bool relay)
{
    ilrs_station_summary_t *s = &st->sum;
    double soc = 0.0;
    for (size_t b = 0; b < st->map.config.n_batteries; b++) {
        soc += ilrs_hw_battery_soc(ilrs_hw_station_battery(st->hw, b));
    }
    soc = st->map.config.n_batteries ? soc / (double)st->map.config.n_batteries : 0.0;
    if (soc < s->min_soc) {
        s->min_soc = soc;
        s->min_soc_at = tai_of(st, st->t_s);
    }
    bool brown = ilrs_hw_station_is_brownout(st->hw);
    if (brown && s->failure_at == 0) {
        s->failure_at = tai_of(st, st->t_s);
        char when[48];
        ilrs_time_format_iso(s->failure_at, 0, when, sizeof when);
        // Name the battery's temperature and usable capacity: a cold battery
        // holds a fraction of its rated energy (the scenario's derating curve).
        const ilrs_hw_battery_t *b0 = ilrs_hw_station_battery(st->hw, 0);
        double bk = b0 ? b0->temperature_k : NAN;
        double usable = b0 ? ilrs_hw_battery_derate(&b0->p, bk) : NAN;
        snprintf(s->verdict, sizeof s->verdict,
                 "battery state of charge %.0f %% reached its floor on %s (day %.1f, %s; "
                 "battery at %.0f K, usable capacity %.0f %% of rated): the bus browned out",
                 100.0 * soc, when, st->t_s / 86400.0,
                 e->sun_visible > 0.0 ? "in sunlight" : "during the lunar night", bk,
                 100.0 * usable);
        timeline_add(st, 0, 3, "brownout: bus down");
    }
    const ilrs_hw_thermal_t *th = ilrs_hw_station_thermal(st->hw);
    for (size_t n = 0; n < th->nodes; n++) {
        ilrs_station_node_result_t *nr = &st->node_results[n];
        double k = th->t_k[n];
        nr->min_k = fmin(nr->min_k, k);
        nr->max_k = fmax(nr->max_k, k);
        if (k < nr->limit_min_k || k > nr->limit_max_k) {
            if (nr->excursion_s == 0.0) {
                nr->first_excursion = tai_of(st, st->t_s);
                timeline_add(st, 0, 2, "%s at %.1f K outside %.1f..%.1f K", nr->name, k,
                             nr->limit_min_k, nr->limit_max_k);
            }
            nr->excursion_s += 1.0;
        }
    }
    st->sun_up_s += e->sun_visible > 0.0;
    st->earth_up_s += e->earth_visible > 0.0;
    st->contact_s += dte || relay;
    /* The mode's label is a static string: the same pointer is the same text, so
     * the compare runs only when the label changes (not every second). */
    const char *mode = ilrs__station_apps_mode(st->apps);
    if (mode != st->last_mode_label && strcmp(mode, st->last_mode) != 0) {
        if (st->last_mode[0] != '\0') {
            st->sum.mode_changes++;
            timeline_add(st, 3, 1, "mode %s -> %s", st->last_mode, mode);
        }
        snprintf(st->last_mode, sizeof st->last_mode, "%s", mode);
    }
    st->last_mode_label = mode;
}

static void update_partners(ilrs_station_t *st)
{
    for (size_t k = 0; k < st->sc->partner_count; k++) {
        ilrs_station_partner_result_t *pr = &st->partner_results[k];
        pr->produced_bytes = pr->stored_bytes = pr->downlinked_bytes = pr->lost_bytes = 0;
        pr->link_lost_bytes = 0;
    }
    for (size_t p = 0; p < st->map.config.n_payloads; p++) {
        int k = st->payload_partner[p];
        if (k < 0) {
            continue;
        }
        uint64_t prod, held, lost;
        ilrs__station_apps_payload_bytes(st->apps, p, &prod, &held, &lost);
        ilrs_station_partner_result_t *pr = &st->partner_results[k];
        pr->produced_bytes += prod;
        pr->stored_bytes += held;
        pr->lost_bytes += lost + st->payload_link_lost[p];
        pr->link_lost_bytes += st->payload_link_lost[p];
        pr->downlinked_bytes += st->payload_down[p];
    }
}

int ilrs_station_run(ilrs_station_t *st)
{
    if (st == NULL) {
        return ILRS_EINVAL;
    }
    if (st->ran) {
        return ILRS_ESTATE;
    }
    st->ran = true;
    double wall0 = wall_now();
    double step = st->opt.env_step_s;
    int rc = ilrs__station_env_sample(st->env, 0.0, &st->env_a);
    if (rc == 0) {
        rc = ilrs__station_env_sample(st->env, step, &st->env_b);
    }
    drain_events(st); /* what the flight software said while starting */
    double next_sample = 0.0, next_progress = st->opt.progress_interval_s;
    double last_flush = 0.0;
    /* Per-interval and per-second invariants, kept out of the per-second path: the
     * azimuth turn between two environment samples, and the whole second as an
     * integer (t_s counts whole seconds exactly, so sec % n == fmod(t_s, n)). */
    double az_d = az_turn(st->env_a.sun_az_deg, st->env_b.sun_az_deg);
    uint64_t sec = 0;
    for (st->t_s = 0.0; rc == 0 && st->t_s < st->duration_s && !st->stop;
         st->t_s += 1.0, sec++) {
        if (st->t_s >= st->env_b.t_s) {
            st->env_a = st->env_b;
            if ((rc = ilrs__station_env_sample(st->env, st->env_a.t_s + step, &st->env_b)) != 0) {
                ilrs_log(ILRS_LOG_ERROR, "station", "environment at %.0f s: %s",
                         st->env_a.t_s + step, ilrs_strerror(rc));
                break;
            }
            az_d = az_turn(st->env_a.sun_az_deg, st->env_b.sun_az_deg);
        }
        const station_env_sample_t *a = &st->env_a, *b = &st->env_b;
        double w = (st->t_s - a->t_s) / (b->t_s - a->t_s);
        station_env_sample_t e = *a;
        e.flux_w_m2 = lerp(a->flux_w_m2, b->flux_w_m2, w);
        e.sun_el_deg = lerp(a->sun_el_deg, b->sun_el_deg, w);
        e.sun_az_deg = lerp_az(a->sun_az_deg, az_d, w);
        e.sun_visible = lerp(a->sun_visible, b->sun_visible, w);
        e.earth_visible = lerp(a->earth_visible, b->earth_visible, w);
        e.earth_distance_m = lerp(a->earth_distance_m, b->earth_distance_m, w);
        e.regolith_k = lerp(a->regolith_k, b->regolith_k, w);
        for (size_t r = 0; r < ilrs__station_env_relay_count(st->env); r++) {
            e.relay_range_m[r] = lerp(a->relay_range_m[r], b->relay_range_m[r], w);
        }
        bool dte = ilrs__station_env_dte(st->env, st->t_s);
        bool relay = ilrs__station_env_relay_site(st->env, 0, st->t_s);
        ilrs_hw_env_t he;
        memset(&he, 0, sizeof he);
        he.solar_flux_w_m2 = e.flux_w_m2;
        he.sun_el_deg = e.sun_el_deg;
        he.sun_az_deg = e.sun_az_deg;
        he.sun_visible_fraction = fmin(1.0, fmax(0.0, e.sun_visible));
        he.regolith_k = e.regolith_k;
        // Radiative sink of the radiators (station_env.c).
        he.sink_k = lerp(a->sink_k, b->sink_k, w);
        he.link_distance_m[ST_LINK_EARTH] = dte ? e.earth_distance_m : 0.0;
        for (size_t r = 0; r < ilrs__station_env_relay_count(st->env); r++) {
            bool up = ilrs__station_env_relay_site(st->env, r, st->t_s);
            he.link_distance_m[ST_LINK_RELAY0 + r] = up ? e.relay_range_m[r] : 0.0;
        }
        if (sec % 60 == 0) {
            drive_rovers(st, he.sun_visible_fraction > 0.0); /* schedules in days */
        }
        inject_due(st);
        ilrs__station_timeline_step(st); /* the ground: contact plan, command timeline */
        if ((rc = ilrs_hw_station_step(st->hw, &he, 1.0)) != 0) {
            ilrs_log(ILRS_LOG_ERROR, "station", "hardware twin step at %.0f s: %s", st->t_s,
                     ilrs_strerror(rc));
            break;
        }
        if ((rc = ilrs_fsw_run(st->fsw, 1000000000)) != 0) {
            ilrs_log(ILRS_LOG_ERROR, "station", "flight software at %.0f s: %s", st->t_s,
                     ilrs_strerror(rc));
            break;
        }
        if ((rc = ilrs__station_link_step(st, &e)) != 0) {
            break;
        }
        // Events are read from the flight log every 10 s (the log holds 4096, the
        // apps are limited to 20 a second each) and stamped with their own time.
        if (sec % 10 == 9) {
            drain_events(st);
        }
        monitor(st, &e, dte, relay);
        if (st->t_s >= next_sample) {
            update_partners(st);
            st->env_a.sun_visible = st->env_a.sun_visible; /* series uses e */
            if ((rc = ilrs__station_series_push(st)) != 0) {
                break;
            }
            st->series.sun_el[st->series.n - 1] = (float)e.sun_el_deg;
            st->series.earth_el[st->series.n - 1] = (float)e.earth_el_deg;
            st->series.relay_el[st->series.n - 1] = (float)a->relay_el_deg[0];
            st->series.regolith_k[st->series.n - 1] = (float)e.regolith_k;
            st->series.contact[st->series.n - 1] |= (uint8_t)((dte ? 1 : 0) | (relay ? 2 : 0));
            next_sample += st->opt.sample_step_s;
        }
        if (st->archive != NULL && st->t_s - last_flush >= 86400.0) {
            ilrs__station_archive_flush(st->archive);
            if (st->events_log != NULL) {
                fflush(st->events_log);
            }
            last_flush = st->t_s;
        }
        if (st->opt.progress != NULL && st->t_s + 1.0 >= next_progress) {
            st->opt.progress(st->opt.progress_user, st->t_s + 1.0, st->duration_s,
                             tai_of(st, st->t_s + 1.0));
            next_progress += st->opt.progress_interval_s;
        }
        ilrs__station_rt_pace(st);
    }
    drain_events(st);
    update_partners(st);
    st->sum.wall_s = wall_now() - wall0;
    st->sum.completed = rc == 0 && st->t_s >= st->duration_s;
    if (st->archive != NULL) {
        int arc = ilrs__station_archive_sync(st->archive);
        st->sum.tm_packets_archived = ilrs__station_archive_accepted(st->archive);
        if (arc != 0 && rc == 0) {
            ilrs_log(ILRS_LOG_ERROR, "station", "archive: %s", ilrs_strerror(arc));
            rc = ILRS_EIO;
        }
    }
    if (st->events_log != NULL) {
        fflush(st->events_log);
    }
    if (rc == 0 && st->opt.out_dir != NULL) {
        static const char *const names[] = {"summary.json", "report.html"};
        for (int i = 0; i < 2 && rc == 0; i++) {
            char path[ILRS_SCENARIO_FILE_MAX + 32];
            snprintf(path, sizeof path, "%s/%s", st->out_dir, names[i]);
            FILE *f = fopen(path, "w");
            if (f == NULL) {
                ilrs_log(ILRS_LOG_ERROR, "station", "%s: %s", path, strerror(errno));
                rc = ILRS_EIO;
                break;
            }
            rc = i == 0 ? ilrs_station_write_json(st, f) : ilrs_station_write_report(st, f);
            if (fclose(f) != 0 && rc == 0) {
                rc = ILRS_EIO;
            }
        }
    }
    if (rc != 0 && rc != ILRS_EIO) {
        return ILRS_ESTATION_RUN;
    }
    return rc;
}

void ilrs_station_get_summary(const ilrs_station_t *st, ilrs_station_summary_t *out)
{
    *out = st->sum;
    snprintf(out->scenario, sizeof out->scenario, "%s", st->sc->name);
    out->epoch = st->sc->epoch_tai;
    out->seed = st->seed;
    out->planned_s = st->duration_s;
    out->simulated_s = st->t_s;
    out->survived = st->sum.failure_at == 0;
    if (out->survived) {
        snprintf(out->verdict, sizeof out->verdict,
                 st->t_s >= st->duration_s ? "the bus never browned out"
                                           : "no brownout so far (run stopped early)");
    }
    if (!isfinite(out->min_soc)) {
        out->min_soc = NAN;
    }
    const ilrs_hw_ledger_t *l = ilrs_hw_station_ledger(st->hw);
    out->brownout_s = l->brownout_s;
    out->energy_in_j = l->array_j + l->rtg_j;
    out->energy_out_j = l->load_j;
    double t = st->t_s > 0.0 ? st->t_s : 1.0;
    out->sunlit_fraction = st->sun_up_s / t;
    out->earth_fraction = st->earth_up_s / t;
    out->contact_fraction = st->contact_s / t;
    out->tm_packets_dropped = ilrs__station_apps_tm_dropped(st->apps) + st->store_dropped;
    ilrs__station_link_result(st, &out->link);
    out->tm_packets_lost = 0;
    for (size_t v = 0; v < ILRS_STATION_LINK_VCS; v++) {
        out->tm_packets_lost += out->link.vc[v].packets_lost;
    }
    out->node_count = st->map.config.n_nodes;
    out->nodes = st->node_results;
    out->partner_count = st->sc->partner_count;
    out->partners = st->partner_results;
    out->fault_count = st->sc->fault_count;
    out->faults = st->fault_results;
    snprintf(out->final_mode, sizeof out->final_mode, "%s", st->last_mode);
}
