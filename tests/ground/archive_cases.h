/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The archive test cases, shared by both backends: test_archive_sqlite.c and
 * test_archive_pg.c each provide a setup that puts a fresh, empty archive URL in
 * an archive_fx_t and include this file. Every case runs unchanged on SQLite and
 * PostgreSQL, which is how "same behaviour on both backends" is verified.
 *
 * Packets come from the dictionary tests' sample (tests/dict/dict_sample.h):
 * POWER_HK (APID 0x010, owner station, every field type, calibration, limits,
 * enumerations) and LMS_HK (APID 0x300, owner cnsa). Expected values are read
 * back from the packets with the dictionary's own accessors (ilrs_dict_get_raw,
 * ilrs_dict_calibrate, ilrs_dict_limit_check), an independent path from the
 * archive's decoder.
 */
#ifndef ILRS_TEST_ARCHIVE_CASES_H
#define ILRS_TEST_ARCHIVE_CASES_H

#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ilrs_test.h"

#include <ilrs/ccsds.h>
#include <ilrs/dict.h>
#include <ilrs/ground.h>

#include <sodium.h>

#include "../dict/dict_sample.h"

typedef struct archive_fx {
    char url[640];
    char dir[256];
    ilrs_dict_t *dict;
    bool skip;
    char why[256];
} archive_fx_t;

#define T0    (INT64_C(2145916800) * ILRS_NS_PER_S) /* 2026-01-01 TAI, roughly */
#define MS(t) ilrs_ground_time_ms(t)

static archive_fx_t *fx_get(void **state)
{
    archive_fx_t *fx = *state;
    if (fx->skip) {
        print_message("[  SKIP    ] %s\n", fx->why);
        skip();
    }
    return fx;
}

/* ---- packet builders ------------------------------------------------------------ */

static const ilrs_dict_packet_t *power_def(const archive_fx_t *fx)
{
    return ilrs_dict_find_packet(fx->dict, SAMPLE_POWER_APID);
}

static void put_field_be64(const ilrs_dict_packet_t *def, const char *name, uint8_t *pkt,
                           uint64_t v)
{
    const ilrs_dict_field_t *f = ilrs_dict_find_field(def, name);
    assert_non_null(f);
    ilrs_put_be64(pkt + f->offset, v);
}

static void set_field(const ilrs_dict_packet_t *def, const char *name, uint8_t *pkt, double raw)
{
    const ilrs_dict_field_t *f = ilrs_dict_find_field(def, name);
    assert_non_null(f);
    assert_int_equal(ilrs_dict_set_raw(f, pkt, def->length, raw), 0);
}

/* POWER_HK number i at time t: every field varies with i, limits are crossed. */
static size_t build_power(const archive_fx_t *fx, uint8_t *pkt, size_t cap, ilrs_tai_t t, int i)
{
    const ilrs_dict_packet_t *def = power_def(fx);
    assert_non_null(def);
    assert_true(def->length <= cap);
    memset(pkt, 0, def->length);
    assert_int_equal(ilrs_ccsds_tlm_init(pkt, cap, SAMPLE_POWER_APID, def->length, t), 0);
    ilrs_ccsds_set_seq_count(pkt, (uint16_t)(i & 0x3FFF));
    set_field(def, "battery_voltage", pkt, 20000 + (i * 37) % 16000);
    set_field(def, "battery_current", pkt, -3000 + (i * 101) % 6000);
    set_field(def, "uptime", pkt, 4000000000.0 + i);
    put_field_be64(def, "energy_total", pkt, UINT64_C(0xFFFFFFFFFFFFFF00) + (uint64_t)i);
    set_field(def, "panel_temp", pkt, -60 + (i * 7) % 150);
    set_field(def, "mode", pkt, i % 3);
    set_field(def, "offset_count", pkt, -1000.0 * i);
    put_field_be64(def, "net_charge", pkt, (uint64_t)INT64_MIN + (uint64_t)i);
    set_field(def, "soc", pkt, 5.5 + 0.25 * i);
    set_field(def, "bus_power", pkt, 100.125 * i - 7.0);
    set_field(def, "heater_on", pkt, i & 1);
    char label[8];
    snprintf(label, sizeof label, "s%d", i % 100000);
    assert_int_equal(ilrs_dict_set_bytes(ilrs_dict_find_field(def, "label"), pkt, def->length,
                                         label, strlen(label)),
                     0);
    uint8_t raw[4] = {(uint8_t)i, 0, (uint8_t)(i >> 8), 0xA5};
    assert_int_equal(
        ilrs_dict_set_bytes(ilrs_dict_find_field(def, "raw"), pkt, def->length, raw, 4), 0);
    static const int states[3] = {-1, 0, 5};
    set_field(def, "state", pkt, states[i % 3]);
    return def->length;
}

static size_t build_lms(const archive_fx_t *fx, uint8_t *pkt, size_t cap, ilrs_tai_t t, int i)
{
    const ilrs_dict_packet_t *def = ilrs_dict_find_packet(fx->dict, SAMPLE_PAYLOAD_APID);
    assert_non_null(def);
    memset(pkt, 0, def->length);
    assert_int_equal(ilrs_ccsds_tlm_init(pkt, cap, SAMPLE_PAYLOAD_APID, def->length, t), 0);
    set_field(def, "detector_temp", pkt, 80.0 + 0.5 * i);
    set_field(def, "counts", pkt, 1000 + i);
    return def->length;
}

static ilrs_ground_archive_t *open_archive(const archive_fx_t *fx,
                                           const ilrs_ground_archive_options_t *opt)
{
    ilrs_ground_archive_t *a = NULL;
    int rc = ilrs_ground_archive_open(fx->url, opt, &a);
    if (rc != 0) {
        print_error("open %s: %s\n", fx->url, ilrs_errname(rc));
    }
    assert_int_equal(rc, 0);
    assert_non_null(a);
    return a;
}

/* Check every POWER_HK parameter's history against packets 0..n-1 (times t0 + i s). */
static void check_power_history(const archive_fx_t *fx, ilrs_ground_archive_t *a, int n)
{
    const ilrs_dict_packet_t *def = power_def(fx);
    uint8_t pkt[256];
    for (size_t k = 0; k < def->field_count; k++) {
        const ilrs_dict_field_t *f = &def->fields[k];
        char name[160];
        snprintf(name, sizeof name, "POWER_HK.%s", f->name);
        ilrs_ground_history_t h;
        assert_int_equal(ilrs_ground_archive_history(a, name, NULL, MS(T0), MS(T0) + 1000 * n,
                                                     ILRS_GROUND_ALL, 0, &h),
                         0);
        assert_int_equal(h.count, n);
        for (int i = 0; i < n; i++) {
            ilrs_tai_t t = T0 + i * ILRS_NS_PER_S;
            build_power(fx, pkt, sizeof pkt, t, i);
            const ilrs_ground_sample_t *s = &h.samples[i];
            assert_int_equal(s->time, t);
            assert_int_equal(s->time_ms, MS(t));
            if (f->type == ILRS_DICT_STRING || f->type == ILRS_DICT_BYTES) {
                assert_int_equal(h.kind, ILRS_GROUND_KIND_BYTES);
                size_t n_oct =
                    f->type == ILRS_DICT_STRING ? strlen((const char *)pkt + f->offset) : f->length;
                assert_int_equal(s->bytes_len, n_oct);
                assert_memory_equal(s->bytes, pkt + f->offset, n_oct);
                continue;
            }
            double raw;
            assert_int_equal(ilrs_dict_get_raw(f, pkt, def->length, &raw), 0);
            double eng = ilrs_dict_calibrate(f, raw);
            assert_true(s->raw == raw);
            assert_true(s->value == eng);
            int limit = f->has_limits ? (int)ilrs_dict_limit_check(f, eng) : ILRS_DICT_LIMIT_NONE;
            assert_int_equal(s->limit, limit);
            if (f->type == ILRS_DICT_U64 || f->type == ILRS_DICT_I64) {
                assert_int_equal((uint64_t)s->raw_int, ilrs_get_be64(pkt + f->offset));
            } else if (f->type != ILRS_DICT_F32 && f->type != ILRS_DICT_F64) {
                int64_t exact;
                assert_int_equal(ilrs_dict_get_int(f, pkt, def->length, &exact), 0);
                assert_int_equal(s->raw_int, exact);
            }
        }
        ilrs_ground_history_free(&h);
    }
}

static void ingest_power(const archive_fx_t *fx, ilrs_ground_archive_t *a, int from, int to)
{
    uint8_t pkt[256];
    for (int i = from; i < to; i++) {
        ilrs_tai_t t = T0 + i * ILRS_NS_PER_S;
        size_t len = build_power(fx, pkt, sizeof pkt, t, i);
        assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, pkt, len, t + 1000), 0);
    }
}

/* ---- cases ------------------------------------------------------------------------ */

/* Every field type decodes to the exact raw, engineering value and limit state, through
 * full segments, partial segments extended across commits, the in-memory buffer, and a
 * close/reopen after which ingest continues. */
static void archive_roundtrip_every_type(void **state)
{
    archive_fx_t *fx = fx_get(state);
    /* small segments and commits: 7-sample segments, a commit every 5 packets (70 samples) */
    ilrs_ground_archive_options_t opt = {.segment_samples = 7, .commit_samples = 70};
    ilrs_ground_archive_t *a = open_archive(fx, &opt);
    ingest_power(fx, a, 0, 23);
    check_power_history(fx, a, 23); /* partly in memory, partly in segments */
    ilrs_ground_archive_stats_t st;
    ilrs_ground_archive_get_stats(a, &st);
    assert_int_equal(st.packets_accepted, 23);
    assert_int_equal(st.samples, 23 * power_def(fx)->field_count);
    assert_true(st.commits >= 4);
    assert_int_equal(ilrs_ground_archive_close(a), 0);

    a = open_archive(fx, &opt);
    check_power_history(fx, a, 23);
    ingest_power(fx, a, 23, 40);
    check_power_history(fx, a, 40);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
    a = open_archive(fx, NULL);
    check_power_history(fx, a, 40);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
}

static int count_packet(void *user, const ilrs_ground_packet_t *p)
{
    int *n = user;
    assert_true(p->len > 0);
    (*n)++;
    return 0;
}

/* The raw packets are stored byte for byte with their owner and times. */
typedef struct packet_check {
    const archive_fx_t *fx;
    int n;
} packet_check_t;

static int check_packet(void *user, const ilrs_ground_packet_t *p)
{
    packet_check_t *c = user;
    uint8_t pkt[256];
    ilrs_tai_t t = T0 + c->n * ILRS_NS_PER_S;
    size_t len = build_power(c->fx, pkt, sizeof pkt, t, c->n);
    assert_int_equal(p->len, len);
    assert_memory_equal(p->data, pkt, len);
    assert_int_equal(p->apid, SAMPLE_POWER_APID);
    assert_string_equal(p->owner, "station");
    assert_string_equal(p->name, "POWER_HK");
    assert_int_equal(p->time_ms, MS(t));
    assert_int_equal(p->receive_ms, MS(t + 1000));
    c->n++;
    return 0;
}

static void archive_packets_stored(void **state)
{
    archive_fx_t *fx = fx_get(state);
    ilrs_ground_archive_t *a = open_archive(fx, NULL);
    ingest_power(fx, a, 0, 12);
    packet_check_t c = {fx, 0};
    assert_int_equal(ilrs_ground_archive_packets(a, NULL, SAMPLE_POWER_APID, MS(T0), MS(T0) + 60000,
                                                 check_packet, &c),
                     0);
    assert_int_equal(c.n, 12);
    int n = 0;
    assert_int_equal(ilrs_ground_archive_packets(a, NULL, SAMPLE_POWER_APID, MS(T0) + 3000,
                                                 MS(T0) + 5000, count_packet, &n),
                     0);
    assert_int_equal(n, 3);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
}

/* latest and minmax against values computed here from the definition of the ingest. */
static void archive_latest_and_minmax(void **state)
{
    archive_fx_t *fx = fx_get(state);
    ilrs_ground_archive_options_t opt = {.segment_samples = 50};
    ilrs_ground_archive_t *a = open_archive(fx, &opt);
    const int n = 600;
    uint8_t pkt[64];
    for (int i = 0; i < n; i++) {
        ilrs_tai_t t = T0 + i * ILRS_NS_PER_S;
        size_t len = build_lms(fx, pkt, sizeof pkt, t, i);
        assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, pkt, len, t), 0);
    }
    for (int pass = 0; pass < 2; pass++) { /* before and after everything is committed */
        ilrs_ground_history_t h;
        assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.counts", NULL, MS(T0),
                                                     MS(T0) + 1000000, ILRS_GROUND_LATEST, 0, &h),
                         0);
        assert_int_equal(h.count, 1);
        assert_int_equal(h.samples[0].raw_int, 1000 + n - 1);
        assert_int_equal(h.samples[0].time, T0 + (n - 1) * ILRS_NS_PER_S);
        ilrs_ground_history_free(&h);
        /* latest within a range that ends inside the archive */
        assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.counts", NULL, MS(T0),
                                                     MS(T0) + 123400, ILRS_GROUND_LATEST, 0, &h),
                         0);
        assert_int_equal(h.count, 1);
        assert_int_equal(h.samples[0].raw_int, 1000 + 123);
        ilrs_ground_history_free(&h);
        /* an empty range */
        assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.counts", NULL, MS(T0) - 5000,
                                                     MS(T0) - 1, ILRS_GROUND_LATEST, 0, &h),
                         0);
        assert_int_equal(h.count, 0);
        ilrs_ground_history_free(&h);

        /* minmax: 10 buckets over [T0, T0 + 600 s): bucket b holds samples 60b..60b+59 */
        const size_t buckets = 10;
        assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.detector_temp", NULL, MS(T0),
                                                     MS(T0) + 600000 - 1, ILRS_GROUND_MINMAX,
                                                     buckets, &h),
                         0);
        assert_int_equal(h.bucket_count, buckets);
        for (size_t b = 0; b < buckets; b++) {
            int lo = (int)(60 * b), hi = lo + 59;
            assert_int_equal(h.buckets[b].count, 60);
            assert_int_equal(h.buckets[b].time_ms, MS(T0) + 60000 * (int64_t)b);
            assert_true(h.buckets[b].min == (double)(float)(80.0 + 0.5 * lo));
            assert_true(h.buckets[b].max == (double)(float)(80.0 + 0.5 * hi));
            assert_int_equal(h.buckets[b].min_ms, MS(T0) + 1000 * lo);
            assert_int_equal(h.buckets[b].max_ms, MS(T0) + 1000 * hi);
        }
        ilrs_ground_history_free(&h);
        /* more buckets than samples: only the non-empty ones come back */
        assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.counts", NULL, MS(T0),
                                                     MS(T0) + 10000 - 1, ILRS_GROUND_MINMAX, 100,
                                                     &h),
                         0);
        assert_int_equal(h.bucket_count, 10);
        for (size_t b = 0; b < h.bucket_count; b++) {
            assert_true(h.buckets[b].min == 1000.0 + (double)b);
            assert_true(h.buckets[b].max == 1000.0 + (double)b);
        }
        ilrs_ground_history_free(&h);
        assert_int_equal(ilrs_ground_archive_flush(a), 0);
    }
    /* errors */
    ilrs_ground_history_t h;
    assert_int_equal(
        ilrs_ground_archive_history(a, "POWER_HK.label", NULL, 0, 1, ILRS_GROUND_MINMAX, 10, &h),
        ILRS_ENOENT);
    assert_int_equal(
        ilrs_ground_archive_history(a, "LMS_HK.counts", NULL, 0, 1, ILRS_GROUND_MINMAX, 0, &h),
        ILRS_EINVAL);
    assert_int_equal(
        ilrs_ground_archive_history(a, "LMS_HK.counts", NULL, 10, 1, ILRS_GROUND_ALL, 0, &h),
        ILRS_EINVAL);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
}

/* Samples arriving out of time order come back ascending; the sub-range is exact. */
static void archive_out_of_order(void **state)
{
    archive_fx_t *fx = fx_get(state);
    ilrs_ground_archive_options_t opt = {.segment_samples = 16};
    ilrs_ground_archive_t *a = open_archive(fx, &opt);
    uint8_t pkt[64];
    const int n = 100;
    for (int k = 0; k < n; k++) {
        int i = (k * 37) % n; /* a permutation of 0..99 */
        ilrs_tai_t t = T0 + i * ILRS_NS_PER_S;
        size_t len = build_lms(fx, pkt, sizeof pkt, t, i);
        assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, pkt, len, t), 0);
        if (k == 50) {
            assert_int_equal(ilrs_ground_archive_flush(a), 0);
        }
    }
    ilrs_ground_history_t h;
    assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.counts", NULL, MS(T0) + 10000,
                                                 MS(T0) + 89000, ILRS_GROUND_ALL, 0, &h),
                     0);
    assert_int_equal(h.count, 80);
    for (size_t k = 0; k < h.count; k++) {
        assert_int_equal(h.samples[k].raw_int, 1010 + (int64_t)k);
        assert_int_equal(h.samples[k].time, T0 + (10 + (int64_t)k) * ILRS_NS_PER_S);
    }
    ilrs_ground_history_free(&h);
    assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.counts", NULL, MS(T0), MS(T0) + 1000000,
                                                 ILRS_GROUND_LATEST, 0, &h),
                     0);
    assert_int_equal(h.samples[0].raw_int, 1000 + n - 1);
    ilrs_ground_history_free(&h);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
}

typedef struct name_list {
    char names[64][160];
    char owners[64][32];
    int n;
} name_list_t;

static int collect_param(void *user, const ilrs_ground_parameter_t *p)
{
    name_list_t *l = user;
    assert_true(l->n < 64);
    snprintf(l->names[l->n], sizeof l->names[0], "%s", p->name);
    snprintf(l->owners[l->n], sizeof l->owners[0], "%s", p->owner);
    l->n++;
    return 0;
}

static int collect_event(void *user, const ilrs_ground_event_t *e)
{
    name_list_t *l = user;
    assert_true(l->n < 64);
    snprintf(l->names[l->n], sizeof l->names[0], "%s:%s:%s", e->app, e->name, e->message);
    snprintf(l->owners[l->n], sizeof l->owners[0], "%s", e->owner);
    l->n++;
    return 0;
}

static int collect_command(void *user, const ilrs_ground_command_t *c)
{
    name_list_t *l = user;
    assert_true(l->n < 64);
    snprintf(l->names[l->n], sizeof l->names[0], "%s:%s:%s:%s", c->name, c->issuer,
             ilrs_ground_command_state_name(c->state), c->detail);
    snprintf(l->owners[l->n], sizeof l->owners[0], "%s", c->owner);
    l->n++;
    return 0;
}

/* A partner reads only its own parameters, history, packets, events and commands. */
static void archive_owner_filtering(void **state)
{
    archive_fx_t *fx = fx_get(state);
    ilrs_ground_archive_t *a = open_archive(fx, NULL);
    ingest_power(fx, a, 0, 5);
    uint8_t pkt[64];
    for (int i = 0; i < 5; i++) {
        ilrs_tai_t t = T0 + i * ILRS_NS_PER_S;
        size_t len = build_lms(fx, pkt, sizeof pkt, t, i);
        assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, pkt, len, t), 0);
    }
    name_list_t all = {0}, cnsa = {0}, ros = {0};
    assert_int_equal(ilrs_ground_archive_parameters(a, NULL, collect_param, &all), 0);
    assert_int_equal(all.n, (int)(power_def(fx)->field_count + 2));
    assert_int_equal(ilrs_ground_archive_parameters(a, "cnsa", collect_param, &cnsa), 0);
    assert_int_equal(cnsa.n, 2);
    assert_string_equal(cnsa.names[0], "LMS_HK.counts");
    assert_string_equal(cnsa.names[1], "LMS_HK.detector_temp");
    assert_string_equal(cnsa.owners[0], "cnsa");
    assert_int_equal(ilrs_ground_archive_parameters(a, "roscosmos", collect_param, &ros), 0);
    assert_int_equal(ros.n, 0);

    ilrs_ground_history_t h;
    assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.counts", "cnsa", MS(T0), MS(T0) + 10000,
                                                 ILRS_GROUND_ALL, 0, &h),
                     0);
    assert_int_equal(h.count, 5);
    ilrs_ground_history_free(&h);
    assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.counts", "roscosmos", MS(T0),
                                                 MS(T0) + 10000, ILRS_GROUND_ALL, 0, &h),
                     ILRS_EPERM);
    assert_int_equal(h.count, 0);
    assert_int_equal(ilrs_ground_archive_history(a, "POWER_HK.soc", "cnsa", MS(T0), MS(T0) + 10000,
                                                 ILRS_GROUND_LATEST, 0, &h),
                     ILRS_EPERM);
    assert_int_equal(ilrs_ground_archive_history(a, "POWER_HK.soc", "station", MS(T0),
                                                 MS(T0) + 10000, ILRS_GROUND_MINMAX, 3, &h),
                     0);
    ilrs_ground_history_free(&h);

    int n = 0;
    assert_int_equal(
        ilrs_ground_archive_packets(a, "cnsa", 0xFFFF, MS(T0), MS(T0) + 10000, count_packet, &n),
        0);
    assert_int_equal(n, 5);
    n = 0;
    assert_int_equal(ilrs_ground_archive_packets(a, "cnsa", SAMPLE_POWER_APID, MS(T0),
                                                 MS(T0) + 10000, count_packet, &n),
                     0);
    assert_int_equal(n, 0);
    n = 0;
    assert_int_equal(
        ilrs_ground_archive_packets(a, NULL, 0xFFFF, MS(T0), MS(T0) + 10000, count_packet, &n), 0);
    assert_int_equal(n, 10);

    /* events: owner from the dictionary (POWER → station, LMS → cnsa) or given */
    ilrs_ground_event_t e1 = {.time = T0,
                              .app = "POWER",
                              .id = 1,
                              .severity = ILRS_EVENT_ERROR,
                              .message = "battery at 23.10 V"};
    ilrs_ground_event_t e2 = {.time = T0 + ILRS_NS_PER_S,
                              .app = "LMS",
                              .id = 1,
                              .severity = ILRS_EVENT_DEBUG,
                              .message = "start"};
    ilrs_ground_event_t e3 = {.time = T0 + 2 * ILRS_NS_PER_S,
                              .owner = "roscosmos",
                              .app = "SEIS",
                              .id = 7,
                              .name = "SEIS_QUAKE_INF",
                              .severity = ILRS_EVENT_INFO,
                              .message = "quake"};
    assert_int_equal(ilrs_ground_archive_add_event(a, fx->dict, &e1), 0);
    assert_int_equal(ilrs_ground_archive_add_event(a, fx->dict, &e2), 0);
    assert_int_equal(ilrs_ground_archive_add_event(a, fx->dict, &e3), 0);
    name_list_t ev = {0};
    assert_int_equal(ilrs_ground_archive_events(a, NULL, MS(T0), MS(T0) + 5000, collect_event, &ev),
                     0);
    assert_int_equal(ev.n, 3);
    assert_string_equal(ev.names[0], "POWER:POWER_BATTERY_LOW_ERR:battery at 23.10 V");
    assert_string_equal(ev.owners[0], "station");
    assert_string_equal(ev.names[1], "LMS:LMS_START_DBG:start");
    assert_string_equal(ev.owners[1], "cnsa");
    assert_string_equal(ev.owners[2], "roscosmos");
    name_list_t ev_c = {0};
    assert_int_equal(
        ilrs_ground_archive_events(a, "cnsa", MS(T0), MS(T0) + 5000, collect_event, &ev_c), 0);
    assert_int_equal(ev_c.n, 1);
    assert_string_equal(ev_c.owners[0], "cnsa");
    name_list_t ev_r = {0};
    assert_int_equal(
        ilrs_ground_archive_events(a, NULL, MS(T0) + 1000, MS(T0) + 1000, collect_event, &ev_r), 0);
    assert_int_equal(ev_r.n, 1);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
}

static size_t build_cmd(const archive_fx_t *fx, const char *name, const char *const *args,
                        size_t argc, uint8_t *buf, size_t cap)
{
    const ilrs_dict_command_t *c = ilrs_dict_find_command_by_name(fx->dict, name);
    assert_non_null(c);
    size_t len = 0;
    char err[160];
    int rc = ilrs_dict_build_command(c, args, argc, buf, cap, &len, err, sizeof err);
    if (rc != 0) {
        print_error("%s\n", err);
    }
    assert_int_equal(rc, 0);
    return len;
}

/* Command history: states, allowed transitions, owner filtering, bad commands. */
static void archive_command_history(void **state)
{
    archive_fx_t *fx = fx_get(state);
    ilrs_ground_archive_t *a = open_archive(fx, NULL);
    uint8_t buf[128];
    const char *on[] = {"ON"};
    size_t len = build_cmd(fx, "SetHeaterMode", on, 1, buf, sizeof buf);
    int64_t id1 = -1, id2 = -1;
    assert_int_equal(ilrs_ground_archive_add_command(a, fx->dict, buf, len, T0, "alice", &id1), 0);
    assert_true(id1 > 0);
    size_t len2 = build_cmd(fx, "StartObservation", on, 1, buf, sizeof buf);
    assert_int_equal(
        ilrs_ground_archive_add_command(a, fx->dict, buf, len2, T0 + ILRS_NS_PER_S, "li", &id2), 0);
    assert_true(id2 > id1);
    /* id1: queued → sent → accepted → executed; id2: queued → sent → failed */
    assert_int_equal(ilrs_ground_archive_update_command(a, id1, ILRS_GROUND_CMD_ACCEPTED, T0, NULL),
                     ILRS_ESTATE);
    assert_int_equal(ilrs_ground_archive_update_command(a, id1, ILRS_GROUND_CMD_SENT,
                                                        T0 + 10 * ILRS_NS_PER_S, "uplink"),
                     0);
    assert_int_equal(ilrs_ground_archive_update_command(a, id1, ILRS_GROUND_CMD_ACCEPTED,
                                                        T0 + 11 * ILRS_NS_PER_S, NULL),
                     0);
    assert_int_equal(ilrs_ground_archive_update_command(a, id1, ILRS_GROUND_CMD_EXECUTED,
                                                        T0 + 12 * ILRS_NS_PER_S, "done"),
                     0);
    assert_int_equal(ilrs_ground_archive_update_command(a, id1, ILRS_GROUND_CMD_FAILED,
                                                        T0 + 13 * ILRS_NS_PER_S, NULL),
                     ILRS_ESTATE);
    assert_int_equal(ilrs_ground_archive_update_command(a, id2, ILRS_GROUND_CMD_SENT, T0, NULL), 0);
    assert_int_equal(ilrs_ground_archive_update_command(a, id2, ILRS_GROUND_CMD_FAILED,
                                                        T0 + 20 * ILRS_NS_PER_S, "no ack"),
                     0);
    assert_int_equal(ilrs_ground_archive_update_command(a, id2, ILRS_GROUND_CMD_SENT, T0, NULL),
                     ILRS_ESTATE);
    assert_int_equal(
        ilrs_ground_archive_update_command(a, id2 + 100, ILRS_GROUND_CMD_SENT, T0, NULL),
        ILRS_ENOENT);
    assert_int_equal(
        ilrs_ground_archive_update_command(a, id2, (ilrs_ground_command_state_t)9, T0, NULL),
        ILRS_EINVAL);
    /* bad packets are refused and not recorded */
    int64_t bad = 7;
    buf[len - 1] ^= 0x01u; /* breaks the checksum */
    assert_int_equal(ilrs_ground_archive_add_command(a, fx->dict, buf, len, T0, "x", &bad),
                     ILRS_ECRC);
    assert_int_equal(bad, 0);
    uint8_t unknown[8];
    assert_int_equal(ilrs_ccsds_cmd_init(unknown, sizeof unknown, 0x123, 5, 8), 0);
    ilrs_ccsds_cmd_seal(unknown, 8);
    assert_int_equal(ilrs_ground_archive_add_command(a, fx->dict, unknown, 8, T0, "x", &bad),
                     ILRS_EFSW_CMD);

    name_list_t all = {0}, cnsa = {0};
    assert_int_equal(
        ilrs_ground_archive_commands(a, NULL, MS(T0), MS(T0) + 60000, collect_command, &all), 0);
    assert_int_equal(all.n, 2);
    assert_string_equal(all.names[0], "SetHeaterMode:alice:executed:done");
    assert_string_equal(all.owners[0], "station");
    assert_string_equal(all.names[1], "StartObservation:li:failed:no ack");
    assert_string_equal(all.owners[1], "cnsa");
    assert_int_equal(
        ilrs_ground_archive_commands(a, "cnsa", MS(T0), MS(T0) + 60000, collect_command, &cnsa), 0);
    assert_int_equal(cnsa.n, 1);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
    /* the history survives a reopen */
    a = open_archive(fx, NULL);
    name_list_t again = {0};
    assert_int_equal(
        ilrs_ground_archive_commands(a, NULL, MS(T0), MS(T0) + 60000, collect_command, &again), 0);
    assert_int_equal(again.n, 2);
    assert_string_equal(again.names[0], all.names[0]);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
}

typedef struct rejected_list {
    char reasons[16][32];
    int codes[16];
    size_t lens[16];
    int n;
} rejected_list_t;

static int collect_rejected(void *user, const ilrs_ground_packet_t *p)
{
    rejected_list_t *l = user;
    assert_true(l->n < 16);
    assert_true(p->detail[0] != '\0');
    snprintf(l->reasons[l->n], sizeof l->reasons[0], "%s", p->name);
    l->codes[l->n] = p->code;
    l->lens[l->n] = p->len;
    l->n++;
    return 0;
}

/* Every rejection reason: its code, its counter, its stored row, nothing else touched. */
static void archive_rejections(void **state)
{
    archive_fx_t *fx = fx_get(state);
    ilrs_ground_archive_t *a = open_archive(fx, NULL);
    uint8_t good[256], bad[300];
    size_t len = build_power(fx, good, sizeof good, T0, 1);
    struct {
        size_t len;
        int code;
        ilrs_ground_reject_reason_t reason;
    } cases[9];
    int n = 0;
    ilrs_tai_t rt = T0;
    /* 1 truncated primary header */
    memcpy(bad, good, 4);
    cases[n].len = 4, cases[n].code = ILRS_ECCSDS_TOOSMALL,
    cases[n].reason = ILRS_GROUND_REJECT_MALFORMED;
    assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, bad, 4, rt + n), cases[n].code);
    n++;
    /* 2 version 1 */
    memcpy(bad, good, len);
    bad[0] |= 0x20u;
    cases[n].len = len, cases[n].code = ILRS_ECCSDS_VERSION,
    cases[n].reason = ILRS_GROUND_REJECT_MALFORMED;
    assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, bad, len, rt + n), cases[n].code);
    n++;
    /* 3 truncated packet (length field beyond the buffer) */
    cases[n].len = len - 3, cases[n].code = ILRS_ECCSDS_LENGTH,
    cases[n].reason = ILRS_GROUND_REJECT_MALFORMED;
    assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, good, len - 3, rt + n), cases[n].code);
    n++;
    /* 4 a command packet */
    uint8_t cmd[8];
    assert_int_equal(ilrs_ccsds_cmd_init(cmd, sizeof cmd, SAMPLE_POWER_APID, 0, 8), 0);
    ilrs_ccsds_cmd_seal(cmd, 8);
    cases[n].len = 8, cases[n].code = ILRS_ETYPE, cases[n].reason = ILRS_GROUND_REJECT_MALFORMED;
    assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, cmd, 8, rt + n), cases[n].code);
    n++;
    /* 5 idle packet */
    memcpy(bad, good, len);
    bad[0] = (uint8_t)((bad[0] & 0xF0u) | 0x07u);
    bad[1] = 0xFF;
    bad[0] &= (uint8_t)~0x08u; /* no secondary header, as idle packets must */
    cases[n].len = len, cases[n].code = ILRS_ECCSDS_IDLE,
    cases[n].reason = ILRS_GROUND_REJECT_MALFORMED;
    assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, bad, len, rt + n), cases[n].code);
    n++;
    /* 6 unknown APID */
    memcpy(bad, good, len);
    ilrs_put_be16(bad, (uint16_t)((ilrs_get_be16(bad) & 0xF800u) | 0x055u));
    cases[n].len = len, cases[n].code = ILRS_EGROUND_APID,
    cases[n].reason = ILRS_GROUND_REJECT_UNKNOWN_APID;
    assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, bad, len, rt + n), cases[n].code);
    n++;
    /* 7 trailing octets after the packet */
    memcpy(bad, good, len);
    bad[len] = 0xEE;
    cases[n].len = len + 1, cases[n].code = ILRS_EGROUND_LENGTH,
    cases[n].reason = ILRS_GROUND_REJECT_LENGTH;
    assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, bad, len + 1, rt + n), cases[n].code);
    n++;
    /* 8 a well-formed packet shorter than the dictionary's POWER_HK */
    assert_int_equal(ilrs_ccsds_tlm_init(bad, sizeof bad, SAMPLE_POWER_APID, len - 2, T0), 0);
    cases[n].len = len - 2, cases[n].code = ILRS_EGROUND_LENGTH,
    cases[n].reason = ILRS_GROUND_REJECT_LENGTH;
    assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, bad, len - 2, rt + n), cases[n].code);
    n++;
    /* 9 and longer */
    assert_int_equal(ilrs_ccsds_tlm_init(bad, sizeof bad, SAMPLE_POWER_APID, len + 10, T0), 0);
    cases[n].len = len + 10, cases[n].code = ILRS_EGROUND_LENGTH,
    cases[n].reason = ILRS_GROUND_REJECT_LENGTH;
    assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, bad, len + 10, rt + n), cases[n].code);
    n++;
    /* NULL arguments are not packets: refused, not counted */
    assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, NULL, 10, rt), ILRS_EINVAL);
    assert_int_equal(ilrs_ground_archive_ingest(a, NULL, good, len, rt), ILRS_EINVAL);

    ilrs_ground_archive_stats_t st;
    ilrs_ground_archive_get_stats(a, &st);
    assert_int_equal(st.packets_received, n);
    assert_int_equal(st.packets_rejected, n);
    assert_int_equal(st.packets_accepted, 0);
    assert_int_equal(st.rejected[ILRS_GROUND_REJECT_MALFORMED], 5);
    assert_int_equal(st.rejected[ILRS_GROUND_REJECT_UNKNOWN_APID], 1);
    assert_int_equal(st.rejected[ILRS_GROUND_REJECT_LENGTH], 3);
    assert_int_equal(st.samples, 0);

    /* stored, in order, survives close/reopen; nothing else was created */
    assert_int_equal(ilrs_ground_archive_close(a), 0);
    a = open_archive(fx, NULL);
    rejected_list_t l = {0};
    assert_int_equal(ilrs_ground_archive_rejected(a, MS(T0), MS(T0) + 1000, collect_rejected, &l),
                     0);
    assert_int_equal(l.n, n);
    for (int i = 0; i < n; i++) {
        assert_string_equal(l.reasons[i], ilrs_ground_reject_reason_name(cases[i].reason));
        assert_int_equal(l.codes[i], cases[i].code);
        assert_int_equal(l.lens[i], cases[i].len);
    }
    name_list_t params = {0};
    assert_int_equal(ilrs_ground_archive_parameters(a, NULL, collect_param, &params), 0);
    assert_int_equal(params.n, 0);
    int pk = 0;
    assert_int_equal(ilrs_ground_archive_packets(a, NULL, 0xFFFF, INT64_MIN / 2, INT64_MAX / 2,
                                                 count_packet, &pk),
                     0);
    assert_int_equal(pk, 0);
    /* and a good packet still goes in afterwards */
    assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, good, len, rt), 0);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
}

/*
 * A writer killed mid-stream (fork, _exit without close) leaves a readable archive
 * holding exactly what was committed: the policy's automatic commits (every 10
 * POWER_HK packets = 140 samples here) and the explicit flush; the 9 packets after
 * the last commit are lost, as the durability policy states.
 */
static void archive_crash_keeps_committed(void **state)
{
    archive_fx_t *fx = fx_get(state);
    const size_t fields = power_def(fx)->field_count;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        ilrs_ground_archive_options_t opt = {.segment_samples = 8,
                                             .commit_samples = 10 * fields,
                                             .commit_interval = 1000 * ILRS_NS_PER_S};
        ilrs_ground_archive_t *a = NULL;
        if (ilrs_ground_archive_open(fx->url, &opt, &a) != 0) {
            _exit(2);
        }
        uint8_t pkt[256];
        for (int i = 0; i < 34; i++) {
            ilrs_tai_t t = T0 + i * ILRS_NS_PER_S;
            size_t len = build_power(fx, pkt, sizeof pkt, t, i);
            if (ilrs_ground_archive_ingest(a, fx->dict, pkt, len, t + 1000) != 0) {
                _exit(3);
            }
            if (i == 24 && ilrs_ground_archive_flush(a) != 0) { /* 25 packets committed */
                _exit(4);
            }
        }
        _exit(0); /* 9 more packets, under the 10-packet policy: never committed */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    ilrs_ground_archive_t *a = open_archive(fx, NULL);
    check_power_history(fx, a, 25);
    ilrs_ground_history_t h;
    assert_int_equal(ilrs_ground_archive_history(a, "POWER_HK.uptime", NULL, MS(T0),
                                                 MS(T0) + 100000, ILRS_GROUND_ALL, 0, &h),
                     0);
    assert_int_equal(h.count, 25);
    ilrs_ground_history_free(&h);
    int pk = 0;
    assert_int_equal(
        ilrs_ground_archive_packets(a, NULL, 0xFFFF, MS(T0), MS(T0) + 100000, count_packet, &pk),
        0);
    assert_int_equal(pk, 25);
    /* the archive keeps working after the crash */
    ingest_power(fx, a, 25, 30);
    check_power_history(fx, a, 30);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
}

/* Same as above but the commit comes from the data-time interval, not a flush. */
static void archive_crash_interval_commit(void **state)
{
    archive_fx_t *fx = fx_get(state);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        ilrs_ground_archive_options_t opt = {.commit_interval = 20 * ILRS_NS_PER_S};
        ilrs_ground_archive_t *a = NULL;
        if (ilrs_ground_archive_open(fx->url, &opt, &a) != 0) {
            _exit(2);
        }
        uint8_t pkt[64];
        for (int i = 0; i < 50; i++) { /* commits after packets 20 and 41 */
            ilrs_tai_t t = T0 + i * ILRS_NS_PER_S;
            size_t len = build_lms(fx, pkt, sizeof pkt, t, i);
            if (ilrs_ground_archive_ingest(a, fx->dict, pkt, len, t) != 0) {
                _exit(3);
            }
        }
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    ilrs_ground_archive_t *a = open_archive(fx, NULL);
    ilrs_ground_history_t h;
    assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.counts", NULL, MS(T0), MS(T0) + 100000,
                                                 ILRS_GROUND_ALL, 0, &h),
                     0);
    /* ref 0 → commit at 20 (20 s later, 21 packets); ref 21 → commit at 41 */
    assert_int_equal(h.count, 42);
    for (size_t i = 0; i < h.count; i++) {
        assert_int_equal(h.samples[i].raw_int, 1000 + (int64_t)i);
    }
    ilrs_ground_history_free(&h);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
}

/* A dictionary whose packet changed (calibration, type) starts new segments; old
 * samples keep their stored values. */
static void archive_dictionary_change(void **state)
{
    archive_fx_t *fx = fx_get(state);
    ilrs_ground_archive_t *a = open_archive(fx, NULL);
    uint8_t pkt[64];
    for (int i = 0; i < 3; i++) {
        ilrs_tai_t t = T0 + i * ILRS_NS_PER_S;
        size_t len = build_lms(fx, pkt, sizeof pkt, t, i);
        assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, pkt, len, t), 0);
    }
    /* a second dictionary: LMS_HK.counts calibrated, detector_temp now f64 */
    ilrs_dict_t *d2 = NULL;
    assert_int_equal(ilrs_dict_create(&d2), 0);
    const ilrs_dict_partner_t cnsa = {"cnsa", "CNSA"};
    assert_int_equal(ilrs_dict_add_partner(d2, &cnsa), 0);
    const ilrs_dict_field_t f2[] = {
        {.name = "detector_temp", .type = ILRS_DICT_F64, .unit = "K"},
        {.name = "counts", .type = ILRS_DICT_U32, .unit = "1/s", .cal_scale = 0.5},
    };
    const ilrs_dict_packet_t p2 = {.name = "LMS_HK",
                                   .apid = SAMPLE_PAYLOAD_APID,
                                   .owner = "cnsa",
                                   .app = "LMS",
                                   .fields = f2,
                                   .field_count = 2};
    const ilrs_dict_packet_t *def2 = NULL;
    assert_int_equal(ilrs_dict_add_packet(d2, &p2, &def2), 0);
    memset(pkt, 0, sizeof pkt);
    ilrs_tai_t t = T0 + 10 * ILRS_NS_PER_S;
    assert_int_equal(ilrs_ccsds_tlm_init(pkt, sizeof pkt, SAMPLE_PAYLOAD_APID, def2->length, t), 0);
    assert_int_equal(ilrs_dict_set_raw(&def2->fields[0], pkt, def2->length, 1.0 / 3.0), 0);
    assert_int_equal(ilrs_dict_set_raw(&def2->fields[1], pkt, def2->length, 4000), 0);
    assert_int_equal(ilrs_ground_archive_ingest(a, d2, pkt, def2->length, t), 0);
    for (int pass = 0; pass < 2; pass++) {
        ilrs_ground_history_t h;
        assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.counts", NULL, MS(T0),
                                                     MS(T0) + 60000, ILRS_GROUND_ALL, 0, &h),
                         0);
        assert_int_equal(h.count, 4);
        assert_true(h.samples[2].value == 1002.0);
        assert_true(h.samples[3].raw == 4000.0);
        assert_true(h.samples[3].value == 2000.0);
        ilrs_ground_history_free(&h);
        assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.detector_temp", NULL, MS(T0),
                                                     MS(T0) + 60000, ILRS_GROUND_ALL, 0, &h),
                         0);
        assert_int_equal(h.count, 4);
        assert_true(h.samples[1].raw == (double)(float)80.5);
        assert_true(h.samples[3].raw == 1.0 / 3.0);
        ilrs_ground_history_free(&h);
        assert_int_equal(ilrs_ground_archive_close(a), 0);
        a = open_archive(fx, NULL);
    }
    assert_int_equal(ilrs_ground_archive_close(a), 0);
    ilrs_dict_destroy(d2);
}

/* A parameter whose packet changes owner: each partner reads only the rows it owned;
 * the former owner is refused the parameter; the operator sees everything. */
static void archive_owner_change(void **state)
{
    archive_fx_t *fx = fx_get(state);
    ilrs_ground_archive_t *a = open_archive(fx, NULL);
    uint8_t pkt[64];
    for (int i = 0; i < 3; i++) {
        ilrs_tai_t t = T0 + i * ILRS_NS_PER_S;
        size_t len = build_lms(fx, pkt, sizeof pkt, t, i);
        assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, pkt, len, t), 0);
    }
    ilrs_dict_t *d3 = NULL;
    assert_int_equal(ilrs_dict_create(&d3), 0);
    const ilrs_dict_partner_t ros = {"roscosmos", "Roscosmos"};
    assert_int_equal(ilrs_dict_add_partner(d3, &ros), 0);
    const ilrs_dict_packet_t p3 = {.name = "LMS_HK",
                                   .apid = SAMPLE_PAYLOAD_APID,
                                   .owner = "roscosmos",
                                   .app = "LMS",
                                   .fields = sample_payload_fields,
                                   .field_count = 2};
    assert_int_equal(ilrs_dict_add_packet(d3, &p3, NULL), 0);
    for (int i = 3; i < 5; i++) {
        ilrs_tai_t t = T0 + i * ILRS_NS_PER_S;
        size_t len = build_lms(fx, pkt, sizeof pkt, t, i);
        assert_int_equal(ilrs_ground_archive_ingest(a, d3, pkt, len, t), 0);
    }
    for (int pass = 0; pass < 3; pass++) { /* buffered, committed, reopened */
        ilrs_ground_history_t h;
        assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.counts", "roscosmos", MS(T0),
                                                     MS(T0) + 60000, ILRS_GROUND_ALL, 0, &h),
                         0);
        assert_int_equal(h.count, 2);
        assert_int_equal(h.samples[0].raw_int, 1003);
        ilrs_ground_history_free(&h);
        assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.counts", "roscosmos", MS(T0),
                                                     MS(T0) + 60000, ILRS_GROUND_MINMAX, 5, &h),
                         0);
        uint64_t total = 0;
        for (size_t b = 0; b < h.bucket_count; b++) {
            total += h.buckets[b].count;
        }
        assert_int_equal(total, 2);
        ilrs_ground_history_free(&h);
        assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.counts", "roscosmos", MS(T0),
                                                     MS(T0) + 2000, ILRS_GROUND_LATEST, 0, &h),
                         0);
        assert_int_equal(h.count, 0); /* the newest sample before 2 s is cnsa's */
        ilrs_ground_history_free(&h);
        assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.counts", "cnsa", MS(T0),
                                                     MS(T0) + 60000, ILRS_GROUND_ALL, 0, &h),
                         ILRS_EPERM);
        assert_int_equal(ilrs_ground_archive_history(a, "LMS_HK.counts", NULL, MS(T0),
                                                     MS(T0) + 60000, ILRS_GROUND_ALL, 0, &h),
                         0);
        assert_int_equal(h.count, 5);
        ilrs_ground_history_free(&h);
        if (pass == 0) {
            assert_int_equal(ilrs_ground_archive_flush(a), 0);
        } else {
            assert_int_equal(ilrs_ground_archive_close(a), 0);
            a = open_archive(fx, NULL);
        }
    }
    assert_int_equal(ilrs_ground_archive_close(a), 0);
    ilrs_dict_destroy(d3);
}

static int count_param(void *user, const ilrs_ground_parameter_t *p)
{
    (void)p;
    (*(int *)user)++;
    return 0;
}

/* A second handle on the same archive (the web server beside the ingest) sees what
 * the writer committed, parameters created after it opened included, and never what
 * the writer still buffers. */
static void archive_second_handle_reads_committed(void **state)
{
    archive_fx_t *fx = fx_get(state);
    ilrs_ground_archive_options_t opt = {.segment_samples = 4,
                                         .commit_interval = 1000000 * ILRS_NS_PER_S};
    ilrs_ground_archive_t *w = open_archive(fx, &opt);
    ilrs_ground_archive_t *r = open_archive(fx, NULL);
    int n = 0;
    assert_int_equal(ilrs_ground_archive_parameters(r, NULL, count_param, &n), 0);
    assert_int_equal(n, 0);
    uint8_t pkt[64];
    for (int i = 0; i < 10; i++) {
        ilrs_tai_t t = T0 + i * ILRS_NS_PER_S;
        size_t len = build_lms(fx, pkt, sizeof pkt, t, i);
        assert_int_equal(ilrs_ground_archive_ingest(w, fx->dict, pkt, len, t), 0);
    }
    ilrs_ground_history_t h;
    assert_int_equal(ilrs_ground_archive_history(r, "LMS_HK.counts", NULL, MS(T0), MS(T0) + 60000,
                                                 ILRS_GROUND_ALL, 0, &h),
                     ILRS_ENOENT); /* nothing committed yet */
    assert_int_equal(ilrs_ground_archive_flush(w), 0);
    n = 0;
    assert_int_equal(ilrs_ground_archive_parameters(r, NULL, count_param, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(ilrs_ground_archive_history(r, "LMS_HK.counts", NULL, MS(T0), MS(T0) + 60000,
                                                 ILRS_GROUND_ALL, 0, &h),
                     0);
    assert_int_equal(h.count, 10);
    ilrs_ground_history_free(&h);
    /* the writer goes on: a slower cadence makes longer segments than the reader's
     * registry knows of; three more samples stay buffered in the writer */
    for (int i = 10; i < 19; i++) {
        ilrs_tai_t t = T0 + (10 + (i - 10) * 100) * ILRS_NS_PER_S;
        size_t len = build_lms(fx, pkt, sizeof pkt, t, i);
        assert_int_equal(ilrs_ground_archive_ingest(w, fx->dict, pkt, len, t), 0);
        if (i == 15) {
            assert_int_equal(ilrs_ground_archive_flush(w), 0);
        }
    }
    assert_int_equal(ilrs_ground_archive_history(r, "LMS_HK.counts", NULL, MS(T0) + 300000,
                                                 MS(T0) + 600000, ILRS_GROUND_ALL, 0, &h),
                     0);
    assert_int_equal(h.count, 3); /* samples at 310, 410, 510 s */
    assert_int_equal(h.samples[0].raw_int, 1013);
    ilrs_ground_history_free(&h);
    assert_int_equal(ilrs_ground_archive_history(r, "LMS_HK.counts", NULL, MS(T0),
                                                 MS(T0) + 10000000, ILRS_GROUND_LATEST, 0, &h),
                     0);
    assert_int_equal(h.samples[0].raw_int, 1015);
    ilrs_ground_history_free(&h);
    assert_int_equal(ilrs_ground_archive_close(w), 0);
    assert_int_equal(ilrs_ground_archive_history(r, "LMS_HK.counts", NULL, MS(T0),
                                                 MS(T0) + 10000000, ILRS_GROUND_LATEST, 0, &h),
                     0);
    assert_int_equal(h.samples[0].raw_int, 1018);
    ilrs_ground_history_free(&h);
    assert_int_equal(ilrs_ground_archive_close(r), 0);
}

/* ---- data products ------------------------------------------------------------ */

typedef struct file_list {
    int n;
    char names[16][160];
    char partner[16][32];
    char payload[16][32];
    char sha[16][65];
    int64_t size[16];
} file_list_t;

static int collect_file_entry(void *user, const ilrs_ground_file_t *f)
{
    file_list_t *l = user;
    if (l->n < 16) {
        snprintf(l->names[l->n], sizeof l->names[0], "%s", f->name);
        snprintf(l->partner[l->n], sizeof l->partner[0], "%s", f->partner);
        snprintf(l->payload[l->n], sizeof l->payload[0], "%s", f->payload);
        snprintf(l->sha[l->n], sizeof l->sha[0], "%s", f->sha256);
        l->size[l->n] = f->size;
    }
    l->n++;
    return 0;
}

/* Read a whole file (test helper); returns malloc'd text, length in *len. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* Partners' daily products: one CSV per UTC day of the partner's packet, none for
 * the station, catalogued with the size and SHA-256 of what is on disk; writing
 * again gives identical files. */
static void archive_data_products(void **state)
{
    archive_fx_t *fx = fx_get(state);
    ilrs_ground_archive_t *a = open_archive(fx, NULL);
    ingest_power(fx, a, 0, 5);
    uint8_t pkt[64];
    const int n_pkts = 30;
    for (int i = 0; i < n_pkts; i++) {
        ilrs_tai_t t = T0 + (int64_t)i * 3600 * ILRS_NS_PER_S; /* hourly, over two UTC days */
        size_t len = build_lms(fx, pkt, sizeof pkt, t, i);
        assert_int_equal(ilrs_ground_archive_ingest(a, fx->dict, pkt, len, t), 0);
    }
    char dir[] = "/tmp/ilrs_products_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char root[300];
    snprintf(root, sizeof root, "%s/files", dir);
    size_t written = 0;
    assert_int_equal(ilrs_ground_files_write(a, fx->dict, root, 7, &written), 0);
    assert_true(written >= 2 && written <= 3);
    file_list_t all = {0}, cnsa = {0}, esa = {0};
    assert_int_equal(ilrs_ground_archive_files(a, NULL, NULL, collect_file_entry, &all), 0);
    assert_int_equal(all.n, (int)written); /* nothing for the station */
    assert_int_equal(ilrs_ground_archive_files(a, "cnsa", NULL, collect_file_entry, &cnsa), 0);
    assert_int_equal(cnsa.n, (int)written);
    assert_int_equal(ilrs_ground_archive_files(a, "esa", NULL, collect_file_entry, &esa), 0);
    assert_int_equal(esa.n, 0);
    int rows = 0;
    for (int i = 0; i < cnsa.n; i++) {
        assert_string_equal(cnsa.partner[i], "cnsa");
        assert_string_equal(cnsa.payload[i], "LMS_HK");
        assert_true(strncmp(cnsa.names[i], "LMS_HK_20", 9) == 0);
        char path[600];
        snprintf(path, sizeof path, "%s/cnsa/%s", root, cnsa.names[i]);
        size_t len = 0;
        char *text = slurp(path, &len);
        assert_int_equal((int64_t)len, cnsa.size[i]);
        unsigned char digest[crypto_hash_sha256_BYTES];
        char hex[2 * crypto_hash_sha256_BYTES + 1];
        crypto_hash_sha256(digest, (const unsigned char *)text, len);
        sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
        assert_string_equal(hex, cnsa.sha[i]);
        assert_true(strncmp(text, "time_utc,time_ms,detector_temp,counts\n", 38) == 0);
        for (size_t k = 38; k < len; k++) {
            rows += text[k] == '\n';
        }
        free(text);
        file_list_t one = {0};
        assert_int_equal(ilrs_ground_archive_files(a, "cnsa", cnsa.names[i], collect_file_entry,
                                                   &one),
                         0);
        assert_int_equal(one.n, 1);
    }
    assert_int_equal(rows, n_pkts);
    /* deterministic: a second write replaces the entries with identical ones */
    assert_int_equal(ilrs_ground_files_write(a, fx->dict, root, 7, &written), 0);
    file_list_t again = {0};
    assert_int_equal(ilrs_ground_archive_files(a, NULL, NULL, collect_file_entry, &again), 0);
    assert_int_equal(again.n, cnsa.n);
    for (int i = 0; i < again.n; i++) {
        assert_string_equal(again.sha[i], cnsa.sha[i]);
    }
    /* one day only: just the newest */
    assert_int_equal(ilrs_ground_files_write(a, fx->dict, root, 1, &written), 0);
    assert_int_equal(written, 1);
    ilrs_ground_file_t bad = {.partner = "", .name = "x.csv", .payload = "P", .sha256 = ""};
    assert_int_equal(ilrs_ground_archive_add_file(a, &bad), ILRS_EINVAL);
    assert_int_equal(ilrs_ground_archive_close(a), 0);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

#endif
