// SPDX-License-Identifier: Apache-2.0
// What a run tells its reader: the time series kept for the report (one sample
// per sample_step_s), the one-screen text summary, summary.json (jansson) and
// report.html: one self-contained page with inline SVG charts drawn here (no
// scripts, no external files), so it opens anywhere, offline, years later.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "station/station_int.h"

/* ---- time series --------------------------------------------------------------------- */

void ilrs__station_series_free(station_series_t *s)
{
    free(s->t_d);
    free(s->soc);
    free(s->p_in);
    free(s->p_out);
    free(s->sun_el);
    free(s->earth_el);
    free(s->relay_el);
    free(s->regolith_k);
    free(s->node_k);
    free(s->contact);
    free(s->part_prod);
    free(s->part_stored);
    free(s->part_down);
    memset(s, 0, sizeof *s);
}

#define GROW(p, n, per)                                                                            \
    do {                                                                                           \
        void *q_ = realloc((p), (n) * (per) * sizeof *(p));                                        \
        if (q_ == NULL) {                                                                          \
            return ILRS_ENOMEM;                                                                    \
        }                                                                                          \
        (p) = q_;                                                                                  \
    } while (0)

int ilrs__station_series_push(ilrs_station_t *st)
{
    station_series_t *s = &st->series;
    size_t nodes = st->map.config.n_nodes,
           parts = st->sc->partner_count ? st->sc->partner_count : 1;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        GROW(s->t_d, cap, 1);
        GROW(s->soc, cap, 1);
        GROW(s->p_in, cap, 1);
        GROW(s->p_out, cap, 1);
        GROW(s->sun_el, cap, 1);
        GROW(s->earth_el, cap, 1);
        GROW(s->relay_el, cap, 1);
        GROW(s->regolith_k, cap, 1);
        GROW(s->node_k, cap, nodes ? nodes : 1);
        GROW(s->contact, cap, 1);
        GROW(s->part_prod, cap, parts);
        GROW(s->part_stored, cap, parts);
        GROW(s->part_down, cap, parts);
        s->cap = cap;
    }
    size_t i = s->n++;
    s->t_d[i] = (float)(st->t_s / 86400.0);
    double soc = 0.0;
    for (size_t b = 0; b < st->map.config.n_batteries; b++) {
        soc += ilrs_hw_battery_soc(ilrs_hw_station_battery(st->hw, b));
    }
    s->soc[i] = (float)(st->map.config.n_batteries ? soc / (double)st->map.config.n_batteries : 0);
    const ilrs_hw_ledger_t *l = ilrs_hw_station_ledger(st->hw);
    double in = l->array_j + l->rtg_j, out = l->load_j;
    double dt = st->t_s - s->last_t_s;
    s->p_in[i] = (float)(dt > 0 ? (in - s->last_in_j) / dt : 0.0);
    s->p_out[i] = (float)(dt > 0 ? (out - s->last_out_j) / dt : 0.0);
    s->last_in_j = in;
    s->last_out_j = out;
    s->last_t_s = st->t_s;
    const ilrs_hw_thermal_t *th = ilrs_hw_station_thermal(st->hw);
    for (size_t n = 0; n < nodes; n++) {
        s->node_k[i * nodes + n] = (float)th->t_k[n];
    }
    s->contact[i] = ilrs_hw_station_is_brownout(st->hw) ? 4 : 0;
    for (size_t k = 0; k < st->sc->partner_count; k++) {
        s->part_prod[i * parts + k] = (double)st->partner_results[k].produced_bytes;
        s->part_stored[i * parts + k] = (double)st->partner_results[k].stored_bytes;
        s->part_down[i * parts + k] = (double)st->partner_results[k].downlinked_bytes;
    }
    return 0;
}

/* ---- text ------------------------------------------------------------------------------- */

static void fmt_time(ilrs_tai_t t, char *buf, size_t cap)
{
    if (t == 0 || ilrs_time_format_iso(t, 0, buf, cap) != 0) {
        snprintf(buf, cap, "-");
    }
}

static void fmt_bytes(double b, char *buf, size_t cap)
{
    static const char *const u[] = {"B", "kB", "MB", "GB", "TB"};
    int k = 0;
    while (b >= 1000.0 && k < 4) {
        b /= 1000.0;
        k++;
    }
    snprintf(buf, cap, k ? "%.1f %s" : "%.0f %s", b, u[k]);
}

static void fmt_delay(ilrs_tai_t from, ilrs_tai_t to, char *buf, size_t cap)
{
    double s = (double)(to - from) * 1e-9;
    if (s < 120) {
        snprintf(buf, cap, "%.0f s", s);
    } else if (s < 7200) {
        snprintf(buf, cap, "%.1f min", s / 60);
    } else {
        snprintf(buf, cap, "%.1f h", s / 3600);
    }
}

int ilrs_station_write_text(const ilrs_station_t *st, FILE *f)
{
    ilrs_station_summary_t s;
    ilrs_station_get_summary(st, &s);
    char a[48], b[48];
    fmt_time(s.epoch, a, sizeof a);
    fprintf(f, "%s\n", s.scenario);
    fprintf(f, "  from %s, %.1f of %.1f days played (seed %llu) in %.1f s (%.0fx real time)\n", a,
            s.simulated_s / 86400.0, s.planned_s / 86400.0, (unsigned long long)s.seed, s.wall_s,
            s.wall_s > 0 ? s.simulated_s / s.wall_s : 0.0);
    fprintf(f, "\n  %s: %s\n", s.survived ? "SURVIVED" : "FAILED", s.verdict);
    fmt_time(s.min_soc_at, a, sizeof a);
    fprintf(f, "  minimum state of charge %.1f %% at %s; bus down %.1f h\n", 100.0 * s.min_soc, a,
            s.brownout_s / 3600.0);
    fprintf(f,
            "  energy in %.1f kWh, delivered to loads %.1f kWh; Sun up %.0f %%, Earth up %.0f %%, "
            "link up %.0f %% of the time\n",
            s.energy_in_j / 3.6e6, s.energy_out_j / 3.6e6, 100 * s.sunlit_fraction,
            100 * s.earth_fraction, 100 * s.contact_fraction);
    fprintf(f, "\n  temperatures (K)      min      max   allowed        outside\n");
    for (size_t i = 0; i < s.node_count; i++) {
        const ilrs_station_node_result_t *n = &s.nodes[i];
        fprintf(f, "    %-16s %7.1f  %7.1f   %5.0f..%-5.0f  %s\n", n->name, n->min_k, n->max_k,
                n->limit_min_k, n->limit_max_k > 999 ? 999.0 : n->limit_max_k,
                n->excursion_s > 0 ? "yes" : "no");
        if (n->excursion_s > 0) {
            fmt_time(n->first_excursion, a, sizeof a);
            fprintf(f, "      %.1f h outside, first at %s\n", n->excursion_s / 3600.0, a);
        }
    }
    fprintf(f, "\n  science per partner   produced   on board  downlinked\n");
    for (size_t i = 0; i < s.partner_count; i++) {
        const ilrs_station_partner_result_t *p = &s.partners[i];
        char x[24], y[24], z[24];
        fmt_bytes((double)p->produced_bytes, x, sizeof x);
        fmt_bytes((double)p->stored_bytes, y, sizeof y);
        fmt_bytes((double)p->downlinked_bytes, z, sizeof z);
        fprintf(f, "    %-16s %10s %10s %10s\n", p->id, x, y, z);
    }
    fprintf(f, "\n  faults                 injected             detected (after)        "
               "recovered (after)\n");
    if (s.fault_count == 0) {
        fprintf(f, "    none\n");
    }
    for (size_t i = 0; i < s.fault_count; i++) {
        const ilrs_station_fault_result_t *r = &s.faults[i];
        char d1[24] = "-", d2[24] = "-";
        fmt_time(r->injected ? r->injected_at : 0, a, sizeof a);
        if (r->detected) {
            fmt_delay(r->injected_at, r->detected_at, d1, sizeof d1);
        }
        if (r->recovered) {
            fmt_delay(r->injected_at, r->recovered_at, d2, sizeof d2);
        }
        snprintf(b, sizeof b, "%s", r->injected ? a : "not injected");
        fprintf(f, "    %-20s %-20s %-10s %-12s %s%s\n", r->id, b,
                r->detected ? "yes" : (r->injected ? "NO" : "-"), d1, r->recovered ? "yes " : "",
                d2);
        // A fault that arrived more than once: one line per occurrence.
        for (uint32_t k = 0; r->occurrences > 1 && k < r->occurrences &&
                             k < ILRS_STATION_MAX_OCCURRENCES;
             k++) {
            const ilrs_station_fault_occurrence_t *o = &r->occurrence[k];
            char e1[24] = "-", e2[24] = "-";
            fmt_time(o->injected_at, a, sizeof a);
            if (o->detected) {
                fmt_delay(o->injected_at, o->detected_at, e1, sizeof e1);
            }
            if (o->recovered || o->ended) {
                fmt_delay(o->injected_at, o->recovered ? o->recovered_at : o->ended_at, e2,
                          sizeof e2);
            }
            fprintf(f, "      #%-17u %-20s %-10s %-12s %s%s%s\n", k + 1, a,
                    o->detected ? "yes" : o->observable ? "NO" : "-", e1,
                    o->recovered || o->ended ? "yes " : "", e2,
                    o->observable ? "" : " (no contact predicted during it: nothing to detect)");
        }
    }
    fprintf(f,
            "\n  telemetry: %llu packets sent, %llu archived, %llu dropped on board; "
            "events %llu (%llu error, %llu critical)\n",
            (unsigned long long)s.tm_packets_sent, (unsigned long long)s.tm_packets_archived,
            (unsigned long long)s.tm_packets_dropped, (unsigned long long)s.events_total,
            (unsigned long long)s.events_by_severity[2],
            (unsigned long long)s.events_by_severity[3]);
    {
        const ilrs_station_link_result_t *k = &s.link;
        uint64_t fs = 0, fb = 0, fl = 0;
        for (size_t v = 0; v < ILRS_STATION_LINK_VCS; v++) {
            fs += k->vc[v].frames_sent;
            fb += k->vc[v].frames_bad;
            fl += k->vc[v].frames_lost;
        }
        fprintf(f,
                "  space link: %llu TM frames sent, %llu failed the FECF, %llu lost "
                "(%llu acquisitions); packets lost %llu (real time %llu, playback %llu, "
                "science %llu), %llu in flight; science %.3g%% of octets lost\n",
                (unsigned long long)fs, (unsigned long long)fb, (unsigned long long)fl,
                (unsigned long long)k->acquisitions, (unsigned long long)s.tm_packets_lost,
                (unsigned long long)k->vc[0].packets_lost,
                (unsigned long long)k->vc[1].packets_lost,
                (unsigned long long)k->vc[2].packets_lost, (unsigned long long)k->packets_in_flight,
                k->science_bytes_sent
                    ? 100.0 * (double)k->science_bytes_lost / (double)k->science_bytes_sent
                    : 0.0);
        if (k->relay_acquisitions > 0) {
            fprintf(
                f,
                "  space link, relay trunk to Earth: %llu frames, %llu failed the FECF, "
                "%llu lost (%llu acquisitions); Eb/N0 %.1f..%.1f dB, lowest rate %.3g bit/s\n",
                (unsigned long long)k->relay_frames_sent, (unsigned long long)k->relay_frames_bad,
                (unsigned long long)k->relay_frames_lost, (unsigned long long)k->relay_acquisitions,
                k->relay_min_ebn0_db, k->relay_max_ebn0_db, k->relay_min_rate_bps);
        }
    }
    if (s.commands_sent > 0) {
        fprintf(f, "  commands of the scenario's timeline: %llu sent, %llu refused\n",
                (unsigned long long)s.commands_sent, (unsigned long long)s.commands_refused);
    }
    for (size_t i = 0; i < st->map.warning_count; i++) {
        fprintf(f, "  note: %s\n", st->map.warnings[i]);
    }
    return ferror(f) ? ILRS_EIO : 0;
}

/* ---- summary.json ------------------------------------------------------------------------ */

static json_t *jtime(ilrs_tai_t t)
{
    char buf[48];
    if (t == 0 || ilrs_time_format_iso(t, 3, buf, sizeof buf) != 0) {
        return json_null();
    }
    return json_string(buf);
}

/* The space link's counts (station_link.c): totals and one object per VC. */
static json_t *link_json(const ilrs_station_link_result_t *k)
{
    static const char *const names[] = {"realtime", "playback", "science"};
    json_t *o = json_object();
    json_t *vcs = json_array();
    uint64_t sent = 0, bad = 0, lost = 0;
    for (size_t v = 0; v < ILRS_STATION_LINK_VCS; v++) {
        const ilrs_station_link_vc_t *c = &k->vc[v];
        json_t *x = json_object();
        json_object_set_new(x, "vc", json_integer((json_int_t)v));
        json_object_set_new(x, "name", json_string(names[v]));
        json_object_set_new(x, "frames_sent", json_integer((json_int_t)c->frames_sent));
        json_object_set_new(x, "frames_bad_fecf", json_integer((json_int_t)c->frames_bad));
        json_object_set_new(x, "frames_lost", json_integer((json_int_t)c->frames_lost));
        json_object_set_new(x, "packets_sent", json_integer((json_int_t)c->packets_sent));
        json_object_set_new(x, "packets_delivered", json_integer((json_int_t)c->packets_delivered));
        json_object_set_new(x, "packets_lost", json_integer((json_int_t)c->packets_lost));
        json_array_append_new(vcs, x);
        sent += c->frames_sent;
        bad += c->frames_bad;
        lost += c->frames_lost;
    }
    json_object_set_new(o, "frame_octets", json_integer(1115));
    json_object_set_new(o, "frames_sent", json_integer((json_int_t)sent));
    json_object_set_new(o, "frames_bad_fecf", json_integer((json_int_t)bad));
    json_object_set_new(o, "frames_lost", json_integer((json_int_t)lost));
    json_object_set_new(o, "frames_undetected", json_integer((json_int_t)k->frames_undetected));
    json_object_set_new(o, "bit_errors", json_integer((json_int_t)k->bit_errors));
    json_object_set_new(o, "acquisitions", json_integer((json_int_t)k->acquisitions));
    json_object_set_new(o, "science_bytes_sent", json_integer((json_int_t)k->science_bytes_sent));
    json_object_set_new(o, "science_bytes_lost", json_integer((json_int_t)k->science_bytes_lost));
    json_object_set_new(o, "min_ebn0_db",
                        isfinite(k->min_ebn0_db) ? json_real(k->min_ebn0_db) : json_null());
    json_object_set_new(o, "max_fer", json_real(k->max_fer));
    json_t *t = json_object();
    json_object_set_new(t, "frames_sent", json_integer((json_int_t)k->relay_frames_sent));
    json_object_set_new(t, "frames_bad_fecf", json_integer((json_int_t)k->relay_frames_bad));
    json_object_set_new(t, "frames_lost", json_integer((json_int_t)k->relay_frames_lost));
    json_object_set_new(t, "bit_errors", json_integer((json_int_t)k->relay_bit_errors));
    json_object_set_new(t, "acquisitions", json_integer((json_int_t)k->relay_acquisitions));
    json_object_set_new(t, "min_ebn0_db",
                        isfinite(k->relay_min_ebn0_db) ? json_real(k->relay_min_ebn0_db)
                                                       : json_null());
    json_object_set_new(t, "max_ebn0_db",
                        isfinite(k->relay_max_ebn0_db) ? json_real(k->relay_max_ebn0_db)
                                                       : json_null());
    json_object_set_new(t, "min_rate_bps", json_real(k->relay_min_rate_bps));
    json_object_set_new(o, "relay_trunk", t);
    json_object_set_new(o, "vcs", vcs);
    return o;
}

int ilrs_station_write_json(const ilrs_station_t *st, FILE *f)
{
    ilrs_station_summary_t s;
    ilrs_station_get_summary(st, &s);
    json_t *o = json_object();
    if (o == NULL) {
        return ILRS_ENOMEM;
    }
    json_object_set_new(o, "scenario", json_string(s.scenario));
    json_object_set_new(o, "source", json_string(st->sc->source));
    json_object_set_new(o, "epoch", jtime(s.epoch));
    json_object_set_new(o, "seed", json_integer((json_int_t)s.seed));
    json_object_set_new(o, "planned_s", json_real(s.planned_s));
    json_object_set_new(o, "simulated_s", json_real(s.simulated_s));
    json_object_set_new(o, "wall_s", json_real(s.wall_s));
    json_object_set_new(o, "completed", json_boolean(s.completed));
    json_object_set_new(o, "survived", json_boolean(s.survived));
    json_object_set_new(o, "verdict", json_string(s.verdict));
    json_object_set_new(o, "failure_at", jtime(s.failure_at));
    json_object_set_new(o, "min_soc", json_real(isfinite(s.min_soc) ? s.min_soc : 0.0));
    json_object_set_new(o, "min_soc_at", jtime(s.min_soc_at));
    json_object_set_new(o, "brownout_s", json_real(s.brownout_s));
    json_object_set_new(o, "energy_in_j", json_real(s.energy_in_j));
    json_object_set_new(o, "energy_out_j", json_real(s.energy_out_j));
    json_object_set_new(o, "sunlit_fraction", json_real(s.sunlit_fraction));
    json_object_set_new(o, "earth_fraction", json_real(s.earth_fraction));
    json_object_set_new(o, "contact_fraction", json_real(s.contact_fraction));
    json_t *tm = json_object();
    json_object_set_new(tm, "packets_sent", json_integer((json_int_t)s.tm_packets_sent));
    json_object_set_new(tm, "packets_archived", json_integer((json_int_t)s.tm_packets_archived));
    json_object_set_new(tm, "packets_dropped", json_integer((json_int_t)s.tm_packets_dropped));
    json_object_set_new(tm, "packets_lost", json_integer((json_int_t)s.tm_packets_lost));
    json_object_set_new(tm, "packets_in_flight",
                        json_integer((json_int_t)s.link.packets_in_flight));
    json_object_set_new(tm, "link", link_json(&s.link));
    json_object_set_new(o, "telemetry", tm);
    json_t *ev = json_object();
    static const char *const sev[] = {"debug", "info", "error", "critical"};
    for (int i = 0; i < 4; i++) {
        json_object_set_new(ev, sev[i], json_integer((json_int_t)s.events_by_severity[i]));
    }
    json_object_set_new(o, "events", ev);
    json_t *cmds = json_object();
    json_object_set_new(cmds, "sent", json_integer((json_int_t)s.commands_sent));
    json_object_set_new(cmds, "refused", json_integer((json_int_t)s.commands_refused));
    json_object_set_new(o, "commands", cmds);
    json_t *nodes = json_array();
    for (size_t i = 0; i < s.node_count; i++) {
        const ilrs_station_node_result_t *n = &s.nodes[i];
        json_t *x = json_object();
        json_object_set_new(x, "name", json_string(n->name));
        json_object_set_new(x, "min_k", json_real(n->min_k));
        json_object_set_new(x, "max_k", json_real(n->max_k));
        json_object_set_new(x, "limit_min_k", json_real(n->limit_min_k));
        json_object_set_new(x, "limit_max_k", json_real(n->limit_max_k));
        json_object_set_new(x, "excursion_s", json_real(n->excursion_s));
        json_object_set_new(x, "first_excursion", jtime(n->first_excursion));
        json_array_append_new(nodes, x);
    }
    json_object_set_new(o, "temperatures", nodes);
    json_t *parts = json_array();
    for (size_t i = 0; i < s.partner_count; i++) {
        const ilrs_station_partner_result_t *p = &s.partners[i];
        json_t *x = json_object();
        json_object_set_new(x, "partner", json_string(p->id));
        json_object_set_new(x, "produced_bytes", json_integer((json_int_t)p->produced_bytes));
        json_object_set_new(x, "stored_bytes", json_integer((json_int_t)p->stored_bytes));
        json_object_set_new(x, "downlinked_bytes", json_integer((json_int_t)p->downlinked_bytes));
        json_object_set_new(x, "lost_bytes", json_integer((json_int_t)p->lost_bytes));
        json_object_set_new(x, "link_lost_bytes", json_integer((json_int_t)p->link_lost_bytes));
        json_array_append_new(parts, x);
    }
    json_object_set_new(o, "partners", parts);
    json_t *faults = json_array();
    for (size_t i = 0; i < s.fault_count; i++) {
        const ilrs_station_fault_result_t *r = &s.faults[i];
        json_t *x = json_object();
        json_object_set_new(x, "id", json_string(r->id));
        json_object_set_new(x, "type", json_string(r->type));
        json_object_set_new(x, "target", json_string(r->target));
        json_object_set_new(x, "occurrences", json_integer(r->occurrences));
        json_object_set_new(x, "injected_at", r->injected ? jtime(r->injected_at) : json_null());
        json_object_set_new(x, "detected_at", r->detected ? jtime(r->detected_at) : json_null());
        json_object_set_new(x, "detected_by", json_string(r->detected_by));
        json_object_set_new(x, "recovered_at", r->recovered ? jtime(r->recovered_at) : json_null());
        // Each occurrence: detection and recovery as FDIR reported them; a fault
        // FDIR did not report recovered from counts as recovered when it ended.
        json_t *occ = json_array();
        for (uint32_t k = 0; k < r->occurrences && k < ILRS_STATION_MAX_OCCURRENCES; k++) {
            const ilrs_station_fault_occurrence_t *oc = &r->occurrence[k];
            json_t *y = json_object();
            json_object_set_new(y, "injected_at", jtime(oc->injected_at));
            json_object_set_new(y, "detected_at",
                                oc->detected ? jtime(oc->detected_at) : json_null());
            json_object_set_new(y, "detected_by", json_string(oc->detected_by));
            json_object_set_new(y, "recovered_at",
                                oc->recovered ? jtime(oc->recovered_at)
                                : oc->ended   ? jtime(oc->ended_at)
                                              : json_null());
            json_object_set_new(y, "recovered_by",
                                json_string(oc->recovered ? oc->recovered_by
                                            : oc->ended   ? "fault ended"
                                                          : ""));
            json_object_set_new(y, "ended_at", oc->ended ? jtime(oc->ended_at) : json_null());
            json_object_set_new(y, "observable", json_boolean(oc->observable));
            json_array_append_new(occ, y);
        }
        json_object_set_new(x, "occurrence_list", occ);
        json_array_append_new(faults, x);
    }
    json_object_set_new(o, "faults", faults);
    json_t *notes = json_array();
    for (size_t i = 0; i < st->map.warning_count; i++) {
        json_array_append_new(notes, json_string(st->map.warnings[i]));
    }
    json_object_set_new(o, "notes", notes);
    int rc = json_dumpf(o, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) == 0 ? 0 : ILRS_EIO;
    json_decref(o);
    if (rc == 0 && fputc('\n', f) == EOF) {
        rc = ILRS_EIO;
    }
    return rc;
}

/* ---- report.html --------------------------------------------------------------------------- */

#define W  960.0
#define H  220.0
#define ML 64.0
#define MR 150.0
#define MT 24.0
#define MB 34.0

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

static void html_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

typedef struct chart {
    double x0, x1, y0, y1;
} chart_t;

static double cx(const chart_t *c, double x)
{
    return ML + (x - c->x0) / (c->x1 - c->x0) * (W - ML - MR);
}

static double cy(const chart_t *c, double y)
{
    return MT + (1.0 - (y - c->y0) / (c->y1 - c->y0)) * (H - MT - MB);
}

static void chart_open(FILE *f, chart_t *c, const char *title, const char *unit)
{
    bool yticks = unit[0] != '\0'; /* band and timeline charts have no value axis */
    fprintf(f, "<h3>");
    html_escape(f, title);
    fprintf(f,
            "</h3>\n<svg viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
            "font-family=\"sans-serif\" font-size=\"11\">\n",
            W, H, W, H);
    fprintf(f,
            "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"#fafafa\" "
            "stroke=\"#999\"/>\n",
            ML, MT, W - ML - MR, H - MT - MB);
    for (int k = 0; yticks && k <= 4; k++) {
        double y = c->y0 + (c->y1 - c->y0) * k / 4.0;
        fprintf(f,
                "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%.4g</text>\n",
                ML, W - MR, cy(c, y), cy(c, y), ML - 4, cy(c, y) + 4, y);
    }
    for (int k = 0; k <= 8; k++) {
        double x = c->x0 + (c->x1 - c->x0) * k / 8.0;
        fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%.1f</text>\n", cx(c, x),
                H - MB + 14, x);
    }
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">mission day</text>\n",
            ML + (W - ML - MR) / 2, H - 4);
    fprintf(f,
            "<text x=\"12\" y=\"%.0f\" transform=\"rotate(-90 12 %.0f)\" "
            "text-anchor=\"middle\">",
            MT + (H - MT - MB) / 2, MT + (H - MT - MB) / 2);
    html_escape(f, unit);
    fprintf(f, "</text>\n");
}

/* One polyline; at most about 2000 points (min/max kept per pixel bucket). */
static void chart_line(FILE *f, const chart_t *c, const float *t, const void *v, size_t stride,
                       bool is_double, size_t n, double scale, int color, const char *label,
                       int legend_row)
{
    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.2\" points=\"",
            palette[color % 10]);
    size_t step = n > 2000 ? n / 1000 : 1;
    for (size_t i = 0; i < n; i += step) {
        size_t end = i + step < n ? i + step : n;
        double lo = INFINITY, hi = -INFINITY;
        size_t ilo = i, ihi = i;
        for (size_t j = i; j < end; j++) {
            double y = is_double ? ((const double *)v)[j * stride] : ((const float *)v)[j * stride];
            if (y < lo) {
                lo = y;
                ilo = j;
            }
            if (y > hi) {
                hi = y;
                ihi = j;
            }
        }
        size_t first = ilo < ihi ? ilo : ihi, second = ilo < ihi ? ihi : ilo;
        double y1 = (first == ilo ? lo : hi) * scale, y2 = (first == ilo ? hi : lo) * scale;
        if (isfinite(y1)) {
            fprintf(f, "%.1f,%.1f ", cx(c, t[first]), cy(c, fmax(c->y0, fmin(c->y1, y1))));
        }
        if (second != first && isfinite(y2)) {
            fprintf(f, "%.1f,%.1f ", cx(c, t[second]), cy(c, fmax(c->y0, fmin(c->y1, y2))));
        }
    }
    fprintf(f,
            "\"/>\n<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"3\" fill=\"%s\"/>"
            "<text x=\"%.0f\" y=\"%.0f\">",
            W - MR + 8, MT + 6 + 14.0 * legend_row, palette[color % 10], W - MR + 24,
            MT + 10 + 14.0 * legend_row);
    html_escape(f, label);
    fprintf(f, "</text>\n");
}

static void range_of(const float *v, size_t stride, size_t n, double *lo, double *hi)
{
    for (size_t i = 0; i < n; i++) {
        double x = v[i * stride];
        if (isfinite(x)) {
            *lo = fmin(*lo, x);
            *hi = fmax(*hi, x);
        }
    }
}

static void nice(double *lo, double *hi)
{
    if (!isfinite(*lo) || !isfinite(*hi)) {
        *lo = 0;
        *hi = 1;
    }
    if (*hi - *lo < 1e-9) {
        *hi = *lo + 1.0;
    }
    double pad = 0.05 * (*hi - *lo);
    *lo -= pad;
    *hi += pad;
}

static void bands(FILE *f, const chart_t *c, const station_series_t *s, uint8_t bit, double row,
                  const char *color, const char *label)
{
    double y = MT + 8 + row * 26;
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">", ML - 4, y + 12);
    html_escape(f, label);
    fprintf(f, "</text>\n");
    size_t i = 0;
    while (i < s->n) {
        if (!(s->contact[i] & bit)) {
            i++;
            continue;
        }
        size_t j = i;
        while (j + 1 < s->n && (s->contact[j + 1] & bit)) {
            j++;
        }
        double x1 = cx(c, s->t_d[i]), x2 = cx(c, j + 1 < s->n ? s->t_d[j + 1] : s->t_d[j]);
        fprintf(f, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>\n", x1,
                y, fmax(0.5, x2 - x1), color);
        i = j + 1;
    }
}

int ilrs_station_write_report(const ilrs_station_t *st, FILE *f)
{
    ilrs_station_summary_t s;
    ilrs_station_get_summary(st, &s);
    const station_series_t *se = &st->series;
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>");
    html_escape(f, s.scenario);
    fprintf(f, " - ilrs run report</title>\n<style>body{font-family:sans-serif;max-width:1000px;"
               "margin:1em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid "
               "#ccc;padding:2px 8px;text-align:right}th{background:#eee}td:first-child{text-align:"
               "left}.ok{color:#080}.bad{color:#b00}pre{background:#f4f4f4;padding:8px}"
               "</style></head><body>\n<h1>");
    html_escape(f, s.scenario);
    fprintf(f, "</h1>\n<p>");
    html_escape(f, st->sc->description);
    char a[48];
    fmt_time(s.epoch, a, sizeof a);
    fprintf(f, "</p>\n<p>Scenario file <code>");
    html_escape(f, st->sc->source);
    fprintf(f, "</code>, seed %llu, start %s, %.1f of %.1f days played.</p>\n",
            (unsigned long long)s.seed, a, s.simulated_s / 86400, s.planned_s / 86400);
    fprintf(f, "<h2 class=\"%s\">%s</h2>\n<p>", s.survived ? "ok" : "bad",
            s.survived ? "The station survived" : "The station did not survive");
    html_escape(f, s.verdict);
    fprintf(f, "</p>\n<h2>Summary</h2>\n<pre>");
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem != NULL) {
        ilrs_station_write_text(st, mem);
        fclose(mem);
        html_escape(f, text ? text : "");
        free(text);
    }
    fprintf(f,
            "</pre>\n<h2>Charts</h2>\n<p>Time axis: days since the start. Samples every "
            "%.0f s; each chart keeps the minimum and maximum of every pixel column.</p>\n",
            st->opt.sample_step_s);
    if (se->n >= 2) {
        double t0 = se->t_d[0], t1 = se->t_d[se->n - 1];
        chart_t c = {t0, t1, 0, 100};
        chart_open(f, &c, "Battery state of charge (mean of the batteries)", "%");
        chart_line(f, &c, se->t_d, se->soc, 1, false, se->n, 100.0, 0, "SOC", 0);
        fprintf(f, "</svg>\n");
        double lo = 0, hi = -INFINITY;
        range_of(se->p_in, 1, se->n, &lo, &hi);
        range_of(se->p_out, 1, se->n, &lo, &hi);
        nice(&lo, &hi);
        c = (chart_t){t0, t1, lo, hi};
        chart_open(f, &c, "Power: produced (arrays, RTGs) and delivered to the loads", "W");
        chart_line(f, &c, se->t_d, se->p_in, 1, false, se->n, 1.0, 3, "in", 0);
        chart_line(f, &c, se->t_d, se->p_out, 1, false, se->n, 1.0, 0, "out (loads)", 1);
        fprintf(f, "</svg>\n");
        size_t nn = st->map.config.n_nodes;
        lo = INFINITY;
        hi = -INFINITY;
        range_of(se->node_k, nn, se->n * 0 + se->n, &lo, &hi);
        for (size_t k = 1; k < nn; k++) {
            range_of(se->node_k + k, nn, se->n, &lo, &hi);
        }
        range_of(se->regolith_k, 1, se->n, &lo, &hi);
        nice(&lo, &hi);
        c = (chart_t){t0, t1, lo, hi};
        chart_open(f, &c, "Temperatures: thermal nodes and the regolith surface", "K");
        for (size_t k = 0; k < nn; k++) {
            chart_line(f, &c, se->t_d, se->node_k + k, nn, false, se->n, 1.0, (int)k,
                       st->map.nodes[k].name, (int)k);
        }
        chart_line(f, &c, se->t_d, se->regolith_k, 1, false, se->n, 1.0, (int)nn, "regolith",
                   (int)nn);
        fprintf(f, "</svg>\n");
        lo = INFINITY;
        hi = -INFINITY;
        range_of(se->sun_el, 1, se->n, &lo, &hi);
        range_of(se->earth_el, 1, se->n, &lo, &hi);
        nice(&lo, &hi);
        c = (chart_t){t0, t1, lo, hi};
        chart_open(f, &c, "Sun and Earth elevation at the site (terrain not subtracted)", "deg");
        chart_line(f, &c, se->t_d, se->sun_el, 1, false, se->n, 1.0, 3, "Sun", 0);
        chart_line(f, &c, se->t_d, se->earth_el, 1, false, se->n, 1.0, 0, "Earth", 1);
        fprintf(f, "</svg>\n");
        c = (chart_t){t0, t1, 0, 1};
        chart_open(f, &c, "Contact windows and bus state", "");
        bands(f, &c, se, 1, 0, "#1f77b4", "direct");
        bands(f, &c, se, 2, 1, "#2ca02c", "relay");
        bands(f, &c, se, 4, 2, "#d62728", "brownout");
        fprintf(f, "</svg>\n");
        size_t np = st->sc->partner_count;
        const double *series[3] = {se->part_prod, se->part_stored, se->part_down};
        static const char *const what[3] = {"produced (cumulative)", "held on board (now)",
                                            "received on the ground (cumulative)"};
        for (int w = 0; w < 3 && np > 0; w++) {
            double mx = 1.0;
            for (size_t i = 0; i < se->n * np; i++) {
                mx = fmax(mx, series[w][i] / 1e6);
            }
            c = (chart_t){t0, t1, 0, mx * 1.05};
            char title[96];
            snprintf(title, sizeof title, "Science data per partner: %s", what[w]);
            chart_open(f, &c, title, "MB");
            for (size_t k = 0; k < np; k++) {
                chart_line(f, &c, se->t_d, series[w] + k, np, true, se->n, 1e-6, (int)k,
                           st->sc->partners[k].id, (int)k);
            }
            fprintf(f, "</svg>\n");
        }
        // Timeline: faults, errors, modes, commands of the scenario's timeline.
        c = (chart_t){t0, t1, 0, 1};
        chart_open(f, &c,
                   "Timeline: faults (red, ends green), errors (orange), modes (blue), "
                   "commands (purple; refused: black)",
                   "");
        static const char *const rows[4] = {"faults", "errors", "modes", "commands"};
        for (int r = 0; r < 4; r++) {
            fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%s</text>\n", ML - 4,
                    MT + 26 + r * 38.0, rows[r]);
        }
        for (size_t i = 0; i < st->timeline_count; i++) {
            const station_timeline_item_t *it = &st->timeline[i];
            const char *col = it->kind == 1   ? "#d62728"
                              : it->kind == 2 ? "#2ca02c"
                              : it->kind == 3 ? "#1f77b4"
                              : it->kind == 4 ? (it->level == 1 ? "#9467bd" : "#000000")
                                              : "#ff7f0e";
            double row = it->kind == 0 ? 1 : it->kind == 3 ? 2 : it->kind == 4 ? 3 : 0;
            double x = cx(&c, it->t_s / 86400.0);
            fprintf(f,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" "
                    "stroke-width=\"2\"><title>",
                    x, x, MT + 6 + row * 38, MT + 38 + row * 38, col);
            html_escape(f, it->text);
            fprintf(f, "</title></line>\n");
        }
        fprintf(f, "</svg>\n");
    }
    fprintf(f, "<h2>Timeline</h2>\n<table><tr><th>day</th><th>what</th></tr>\n");
    for (size_t i = 0; i < st->timeline_count && i < 2000; i++) {
        fprintf(f, "<tr><td>%.3f</td><td style=\"text-align:left\">", st->timeline[i].t_s / 86400);
        html_escape(f, st->timeline[i].text);
        fprintf(f, "</td></tr>\n");
    }
    fprintf(f, "</table>\n<p>Written by <code>ilrs run</code>. The archive "
               "(<code>archive.sqlite</code>) holds every telemetry sample and event that "
               "reached the ground; <code>ilrs serve</code> opens it.</p>\n</body></html>\n");
    return ferror(f) ? ILRS_EIO : 0;
}
