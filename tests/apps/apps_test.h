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

typedef struct harness {
    ilrs_fsw_t *fsw;
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

/* Create the instance (events log of 4096) and the SIM app; apps are added by the test. */
static inline void harness_init(harness_t *h)
{
    memset(&h->fsw, 0, sizeof h->fsw);
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
static const char *last_event(harness_t *h, const char *app, uint16_t id)
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
