/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness for the station-app tests: a flight instance on virtual time with a
 * SIM app (priority -1000, so it runs first in its frame) that advances the
 * scripted hal (apps_test_hal.h) and calls an optional script hook every second;
 * helpers to send a command by name with text arguments and to count events in
 * the event log. Header-only (test helper).
 */
#ifndef APPS_TEST_H
#define APPS_TEST_H

#include <stdlib.h>
#include <string.h>

#include <ilrs/apps.h>
#include <ilrs/fsw.h>

#include "apps_test_hal.h"
#include "ilrs_test.h"

#define PROBE_MAX 16

typedef struct probe {
    uint16_t apid[PROBE_MAX];
    size_t n;
    uint64_t count[PROBE_MAX];
    uint8_t last[PROBE_MAX][512];
    size_t last_len[PROBE_MAX];
    uint32_t crc; /* CRC-32 chained over every packet received, in order */
} probe_t;

typedef struct harness {
    ilrs_fsw_t *fsw;
    probe_t probe;
    th_t hal;
    void (*script)(struct harness *h, double t_s);
    void *user;
    double t_s;
} harness_t;

static inline int sim_step(ilrs_app_t *app, void *ctx)
{
    (void)app;
    harness_t *h = ctx;
    if (h->script != NULL) {
        h->script(h, h->t_s);
    }
    th_step(&h->hal, 1.0);
    h->t_s += 1.0;
    return 0;
}

static inline int probe_init(ilrs_app_t *app, void *ctx)
{
    probe_t *p = ctx;
    for (size_t i = 0; i < p->n; i++) {
        int rc = ilrs_app_subscribe(app, ilrs_msgid_tlm(p->apid[i]), 0);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

static inline int probe_step(ilrs_app_t *app, void *ctx)
{
    probe_t *p = ctx;
    const uint8_t *pkt;
    size_t len;
    while (ilrs_app_receive(app, &pkt, &len) == 0) {
        uint16_t apid = ilrs_ccsds_get_apid(pkt);
        for (size_t i = 0; i < p->n; i++) {
            if (p->apid[i] == apid && len <= sizeof p->last[i]) {
                p->count[i]++;
                memcpy(p->last[i], pkt, len);
                p->last_len[i] = len;
            }
        }
        p->crc = ilrs_crc32(p->crc, pkt, len);
    }
    return 0;
}

/* Watch telemetry APIDs (before start): a PROBE app at 10 Hz records them. */
static inline void harness_probe(harness_t *h, const uint16_t *apids, size_t n)
{
    h->probe.n = n;
    memcpy(h->probe.apid, apids, n * sizeof apids[0]);
    ilrs_app_def_t def = {.name = "PROBE",
                          .step = probe_step,
                          .init = probe_init,
                          .rate_hz = 10,
                          .priority = 1000,
                          .pipe_depth = 256,
                          .context = &h->probe};
    assert_int_equal(ilrs_fsw_add_app(h->fsw, &def, NULL), 0);
}

/* Index of @p apid among the probe's, -1 if not watched. */
static inline int probe_index(const harness_t *h, uint16_t apid)
{
    for (size_t i = 0; i < h->probe.n; i++) {
        if (h->probe.apid[i] == apid) {
            return (int)i;
        }
    }
    return -1;
}

/* Create the instance (events log of 4096) and the SIM app; apps are added by the test. */
static inline void harness_init(harness_t *h)
{
    memset(&h->fsw, 0, sizeof h->fsw);
    memset(&h->probe, 0, sizeof h->probe);
    h->script = NULL;
    h->t_s = 0;
    ilrs_fsw_config_t cfg = {.evs = {.log_size = 4096}, .hk_interval_s = 1};
    assert_int_equal(ilrs_fsw_create(&cfg, &h->fsw), 0);
    ilrs_app_def_t sim = {.name = "SIM",
                          .description = "scripted hardware",
                          .step = sim_step,
                          .rate_hz = 1,
                          .priority = -1000,
                          .context = h};
    assert_int_equal(ilrs_fsw_add_app(h->fsw, &sim, NULL), 0);
}

static inline void harness_run(harness_t *h, double seconds)
{
    assert_int_equal(ilrs_fsw_run(h->fsw, (int64_t)(seconds * 1e9)), 0);
}

/* Send command @p name with text arguments through the ingest. @return its code. */
static inline int send_cmd(harness_t *h, const char *name, const char *const *args, size_t n)
{
    const ilrs_dict_command_t *c = ilrs_dict_find_command_by_name(ilrs_fsw_dict(h->fsw), name);
    if (c == NULL) {
        fail_msg("no command %s in the dictionary", name);
    }
    uint8_t buf[512];
    size_t len = 0;
    char err[160];
    int rc = ilrs_dict_build_command(c, args, n, buf, sizeof buf, &len, err, sizeof err);
    if (rc != 0) {
        return rc;
    }
    return ilrs_fsw_command(h->fsw, buf, len);
}

/* Events of @p app with @p id in the log. */
static inline size_t count_events(harness_t *h, const char *app, uint16_t id)
{
    ilrs_evs_t *evs = ilrs_fsw_evs(h->fsw);
    size_t n = 0;
    for (size_t i = 0; i < ilrs_evs_log_count(evs); i++) {
        ilrs_evs_record_t r;
        assert_int_equal(ilrs_evs_log_get(evs, i, &r), 0);
        if (strcmp(r.app_name, app) == 0 && r.event_id == id) {
            n++;
        }
    }
    return n;
}

/* Text of the last event of @p app with @p id ("" if none). */
static inline const char *last_event(harness_t *h, const char *app, uint16_t id)
{
    static ilrs_evs_record_t keep;
    ilrs_evs_t *evs = ilrs_fsw_evs(h->fsw);
    keep.text[0] = '\0';
    for (size_t i = 0; i < ilrs_evs_log_count(evs); i++) {
        ilrs_evs_record_t r;
        assert_int_equal(ilrs_evs_log_get(evs, i, &r), 0);
        if (strcmp(r.app_name, app) == 0 && r.event_id == id) {
            keep = r;
        }
    }
    return keep.text;
}

#endif

/* Print the event log (debugging aid). */
static inline void dump_events(harness_t *h)
{
    ilrs_evs_t *evs = ilrs_fsw_evs(h->fsw);
    for (size_t i = 0; i < ilrs_evs_log_count(evs); i++) {
        ilrs_evs_record_t r;
        if (ilrs_evs_log_get(evs, i, &r) == 0) {
            fprintf(stderr, "%s %u: %s\n", r.app_name, r.event_id, r.text);
        }
    }
}
