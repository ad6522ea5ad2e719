// SPDX-License-Identifier: Apache-2.0
// COMM's onboard direct-to-Earth contact prediction (src/apps/comm/comm_predict.c)
// against the twin's windows (station_env.c, twin_windows.c) over 30 days of the
// default scenario, with the configuration the station run uploads
// (ilrs__station_comm_predict_config). Predicted as on board: one run a day of
// the next two days, joined.
//
// Tolerance: TOL_S per window edge. The onboard geometry differs from the
// twin's by the Moon's ephemeris (eraMoon98 vs the twin's ephemeris, ~10" of
// direction), the lunar frame (IAU model vs DE421 ME, < 0.01 deg), the
// interpolations (< 3") and the bisection (1 s vs 0.5 s). An edge set by a
// ground station's minimum elevation moves at the Earth's rotation, 15 deg/h:
// 0.01 deg is 2.4 s. An edge set by the lunar terrain moves at the Earth's
// libration in the site's sky, ~0.5 deg/day: 0.01 deg is about 30 s, and the
// mask's linear interpolation is the twin's own (same 0.25 deg bins). 120 s
// covers both with margin.
#include <math.h>

#include "apps/comm/comm_predict.h"
#include "station/station_common.h"
#include "station/station_int.h"

#define DAYS  30
#define TOL_S 120.0
#define CAP   512

/* Append a prediction run's windows, joining one that continues the last. */
static void join(ilrs_com_window_t *mine, size_t *n, const ilrs_com_window_t *got, size_t k,
                 ilrs_tai_t until)
{
    for (size_t i = 0; i < k; i++) {
        if (*n > 0 && mine[*n - 1].end == until && got[i].start == until) {
            mine[*n - 1].end = got[i].end;
        } else {
            assert_true(*n < CAP);
            mine[(*n)++] = got[i];
        }
    }
}

/* Every twin window of @p link in [t0, t1) has exactly one onboard window
 * overlapping it, with both edges within @p tol_s, and there are no others. */
static void match_twin(station_env_t *env, int link, const char *what,
                       const ilrs_com_window_t *mine, size_t n, ilrs_tai_t t0, ilrs_tai_t t1,
                       double tol_s)
{
    const ilrs_window_list_t *tw = ilrs__station_env_windows(env, link);
    assert_non_null(tw);
    size_t matched = 0, twin_n = 0, used = 0;
    double worst_start = 0.0, worst_end = 0.0;
    for (size_t i = 0; i < tw->count; i++) {
        ilrs_tai_t s = tw->items[i].start < t0 ? t0 : tw->items[i].start;
        ilrs_tai_t e = tw->items[i].end > t1 ? t1 : tw->items[i].end;
        if (e <= s) {
            continue;
        }
        twin_n++;
        for (size_t j = 0; j < n; j++) {
            if (mine[j].start < e && s < mine[j].end) {
                double ds = fabs((double)(mine[j].start - s) / 1e9);
                double de = fabs((double)(mine[j].end - e) / 1e9);
                worst_start = fmax(worst_start, ds);
                worst_end = fmax(worst_end, de);
                matched += ds <= tol_s && de <= tol_s;
                used++;
                break;
            }
        }
    }
    print_message("onboard %s: %zu windows, twin %zu, matched %zu within %.0f s; worst start "
                  "%.1f s, worst end %.1f s\n",
                  what, n, twin_n, matched, tol_s, worst_start, worst_end);
    assert_true(twin_n > 0);
    assert_int_equal(n, twin_n);
    assert_int_equal(used, twin_n);
    assert_int_equal(matched, twin_n);
}

static void onboard_dte_matches_twin(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = load("scenarios/south-pole.yaml");
    station_env_t *env = NULL;
    char err[256] = "";
    int rc = ilrs__station_env_create(sc, DAYS * 86400.0, 60.0, &env, err, sizeof err);
    if (rc != 0) {
        print_message("env: %s\n", err);
    }
    assert_int_equal(rc, 0);
    ilrs_com_predict_config_t *cfg = calloc(1, sizeof *cfg);
    assert_non_null(cfg);
    ilrs__station_comm_predict_config(sc, env, cfg);
    assert_true(cfg->enabled);
    com_predictor_t *p = calloc(1, sizeof *p);
    assert_non_null(p);
    assert_int_equal(ilrs__com_predict_init(p, cfg), 0);

    /* the onboard windows, one run a day of the next two days, joined */
    ilrs_com_window_t *mine = calloc(CAP, sizeof *mine), got[ILRS_COM_MAX_WINDOWS];
    assert_non_null(mine);
    size_t n = 0;
    const ilrs_tai_t day = (ilrs_tai_t)86400 * 1000000000;
    ilrs_tai_t t0 = sc->epoch_tai, t1 = t0 + DAYS * day, until = t0;
    for (ilrs_tai_t now = t0; now < t1; now += day) {
        ilrs_tai_t to = now + 2 * day > t1 ? t1 : now + 2 * day;
        size_t k = 0;
        if (to <= until) {
            break;
        }
        assert_int_equal(ilrs__com_predict_dte(p, until, to, got, ILRS_COM_MAX_WINDOWS, &k), 0);
        join(mine, &n, got, k, until);
        until = to;
    }
    match_twin(env, ST_LINK_EARTH, "DTE", mine, n, t0, t1, TOL_S);
    free(mine);
    free(p);
    free(cfg);
    ilrs__station_env_destroy(env);
    ilrs_scenario_destroy(sc);
}

/* The relay: an orbit determination (the twin's state) uploaded each day, the
 * next two days predicted on board (two-body + J2 secular), against the twin's
 * site <-> relay windows (GL0660B J2, C22, J3, Earth and Sun, rk8pd).
 * Tolerance RELAY_TOL_S: what the on-board model leaves out (C22, J3, the Earth's
 * pull, ~1e-3 of the lunar gravity at apolune) and taking the osculating
 * elements of the state as mean ones make a period error of up to ~1e-3, i.e.
 * up to a few minutes of along-track time after two days at the slow apolune;
 * with a state a day, 85 s worst was measured over 30 days (an edge's time
 * error also grows where the relay crosses the horizon at a grazing angle).
 * 180 s keeps the test meaningful (a wrong frame or rate is hours off). */
#define RELAY_TOL_S 180.0

static void onboard_relay_matches_twin(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = load("scenarios/south-pole.yaml");
    station_env_t *env = NULL;
    char err[256] = "";
    int rc = ilrs__station_env_create(sc, DAYS * 86400.0, 60.0, &env, err, sizeof err);
    assert_int_equal(rc, 0);
    assert_true(ilrs__station_env_relay_count(env) >= 1);
    ilrs_com_predict_config_t *cfg = calloc(1, sizeof *cfg);
    assert_non_null(cfg);
    ilrs__station_comm_predict_config(sc, env, cfg);
    com_predictor_t *p = calloc(1, sizeof *p);
    assert_non_null(p);
    assert_int_equal(ilrs__com_predict_init(p, cfg), 0);
    ilrs_com_window_t *mine = calloc(CAP, sizeof *mine), got[ILRS_COM_MAX_WINDOWS];
    assert_non_null(mine);
    size_t n = 0;
    const ilrs_tai_t day = (ilrs_tai_t)86400 * 1000000000;
    ilrs_tai_t t0 = sc->epoch_tai, t1 = t0 + DAYS * day, until = t0;
    for (ilrs_tai_t now = t0; now < t1; now += day) {
        ilrs_com_relay_state_t st = {.epoch = now};
        assert_int_equal(ilrs__station_env_relay_state(env, 0, now, st.r_m, st.v_m_s), 0);
        com_relay_orbit_t orb;
        assert_int_equal(ilrs__com_relay_orbit(&st, &orb), 0);
        /* as on board: a new state replaces the prediction from now on */
        while (n > 0 && mine[n - 1].start >= now) {
            n--;
        }
        if (n > 0 && mine[n - 1].end > now) {
            mine[n - 1].end = now;
        }
        until = now;
        ilrs_tai_t to = now + 2 * day > t1 ? t1 : now + 2 * day;
        size_t k = 0;
        assert_int_equal(
            ilrs__com_predict_relay(p, &orb, until, to, got, ILRS_COM_MAX_WINDOWS, &k), 0);
        join(mine, &n, got, k, until);
    }
    match_twin(env, ST_LINK_RELAY0, "relay", mine, n, t0, t1, RELAY_TOL_S);
    free(mine);
    free(p);
    free(cfg);
    ilrs__station_env_destroy(env);
    ilrs_scenario_destroy(sc);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(onboard_relay_matches_twin),
    cmocka_unit_test(onboard_dte_matches_twin),
};

ILRS_TEST_MAIN(tests)
