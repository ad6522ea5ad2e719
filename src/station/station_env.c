// SPDX-License-Identifier: Apache-2.0
// The lunar environment at the station's site, as the run loop needs it: the
// Sun and the Earth from the ephemeris (ilrs_ephem_sky), their visible disk
// fractions over the terrain horizon computed from the scenario's DEMs (cached
// on disk by ilrs_horizon_get), the relay orbiters (propagated once over the
// whole run) and every contact window (site <-> ground stations for the direct
// link, site <-> relay and relay <-> ground stations), found once at start with
// the twin's window search and merged per link. The regolith column (Hayne et
// al. 2017 model, twin.h) is spun up over three synodic months before the
// epoch and then stepped on the sampling grid; its surface temperature is the
// ground node temperature of the hardware twin.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "station/station_int.h"

#define SYNODIC_MONTH_S (29.53059 * 86400.0) /* REFERENCE.md */

typedef struct windows {
    ilrs_window_list_t list;
    size_t cursor;
} windows_t;

struct station_env {
    const ilrs_scenario_t *sc;
    ilrs_ephem_t *ephem;
    ilrs_dem_t *dems[ILRS_SCENARIO_MAX_DEMS];
    size_t dem_count;
    ilrs_horizon_t *horizon;     /* at the site's mast height: Earth, relays */
    ilrs_horizon_t *horizon_sun; /* at the highest array: the Sun */
    ilrs_site_t site;
    ilrs_lunar_site_t lsite;
    ilrs_orbit_t *relay[ILRS_SCENARIO_MAX_RELAYS];
    size_t relay_count;
    windows_t dte;
    windows_t relay_site[ILRS_SCENARIO_MAX_RELAYS];
    windows_t relay_earth[ILRS_SCENARIO_MAX_RELAYS];
    ilrs_regolith_t *regolith;
    double regolith_t_s; /* time the column has reached */
    double step_s;
};

static double horizon_at(void *user, double az_deg)
{
    return ilrs_horizon_elevation((const ilrs_horizon_t *)user, az_deg);
}

static ilrs_tai_t tai_at(const station_env_t *env, double t_s)
{
    return env->sc->epoch_tai + (ilrs_tai_t)llround(t_s * 1e9);
}

/* Sort and merge overlapping windows in place (union of several lists). */
static int cmp_window(const void *a, const void *b)
{
    const ilrs_window_t *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

static void merge_windows(ilrs_window_list_t *l)
{
    if (l->count < 2) {
        return;
    }
    qsort(l->items, l->count, sizeof l->items[0], cmp_window);
    size_t k = 0;
    for (size_t i = 1; i < l->count; i++) {
        if (l->items[i].start <= l->items[k].end) {
            if (l->items[i].end > l->items[k].end) {
                l->items[k].end = l->items[i].end;
            }
        } else {
            l->items[++k] = l->items[i];
        }
    }
    l->count = k + 1;
}

static bool in_windows(windows_t *w, ilrs_tai_t t)
{
    while (w->cursor < w->list.count && w->list.items[w->cursor].end < t) {
        w->cursor++;
    }
    return w->cursor < w->list.count && w->list.items[w->cursor].start <= t;
}

typedef struct spin {
    station_env_t *env;
    double t0_s;
    int rc;
} spin_t;

static int sun_forcing(station_env_t *env, double t_s, ilrs_regolith_forcing_t *f, double *el,
                       double *az, double *vis, ilrs_sky_t *sky)
{
    int rc = ilrs_ephem_sky(env->ephem, &env->site, tai_at(env, t_s), sky);
    if (rc != 0) {
        return rc;
    }
    *el = sky->sun.el_deg;
    *az = sky->sun.az_deg;
    *vis = ilrs_illum_disk_fraction(env->horizon, *az, *el, sky->sun_radius_deg);
    if (!isfinite(*vis)) {
        *vis = 0.0;
    }
    // Flat ground: the incidence cosine is the sine of the Sun's elevation.
    f->solar_flux_w_m2 = sky->solar_flux_w_m2;
    f->cos_incidence = ilrs_regolith_cos_incidence(*az, *el, 0.0, 0.0);
    f->visible_fraction = *vis;
    f->extra_w_m2 = 0.0;
    return 0;
}

static int spin_forcing(void *user, double t_s, ilrs_regolith_forcing_t *f)
{
    spin_t *s = user;
    double el, az, vis;
    ilrs_sky_t sky;
    return sun_forcing(s->env, s->t0_s + t_s, f, &el, &az, &vis, &sky);
}

static int open_horizons(station_env_t *env, char *error, size_t cap)
{
    const ilrs_scenario_t *sc = env->sc;
    char msg[256] = "";
    for (size_t i = 0; i < sc->site.dem_count; i++) {
        int rc = ilrs_dem_open(sc->site.dems[i].resolved, &env->dems[i], msg, sizeof msg);
        if (rc != 0) {
            snprintf(error, cap, "site.dem[%zu]: %s: %s", i, sc->site.dems[i].resolved, msg);
            return rc;
        }
        env->dem_count = i + 1;
    }
    double array_mast = sc->site.mast_height_m;
    for (size_t i = 0; i < sc->power.array_count; i++) {
        array_mast = fmax(array_mast, sc->power.arrays[i].mast_height_m);
    }
    ilrs_horizon_config_t hc = {.lat_deg = sc->site.lat_deg,
                                .lon_deg = sc->site.lon_deg,
                                .observer_height_m = sc->site.mast_height_m};
    bool cached = false;
    int rc = ilrs_horizon_get(&hc, env->dems, env->dem_count, NULL, &env->horizon, &cached, msg,
                              sizeof msg);
    if (rc == 0 && array_mast != sc->site.mast_height_m) {
        hc.observer_height_m = array_mast;
        rc = ilrs_horizon_get(&hc, env->dems, env->dem_count, NULL, &env->horizon_sun, &cached, msg,
                              sizeof msg);
    }
    if (rc != 0) {
        snprintf(error, cap, "site: horizon mask: %s", msg);
        return rc;
    }
    return 0;
}

static int find_windows(station_env_t *env, double duration_s, char *error, size_t cap)
{
    const ilrs_scenario_t *sc = env->sc;
    ilrs_window_search_t search = {.start = sc->epoch_tai,
                                   .end = tai_at(env, duration_s + 2.0 * env->step_s),
                                   .step_s = 60.0,
                                   .min_duration_s = 0.0,
                                   .tolerance_s = 0.5};
    for (size_t g = 0; g < sc->ground_count; g++) {
        const ilrs_scenario_ground_t *gr = &sc->grounds[g];
        ilrs_ground_station_t gs = {gr->name, gr->lat_deg, gr->lon_deg, gr->height_m,
                                    gr->min_elevation_deg};
        int rc = ilrs_windows_site_station(env->ephem, &env->lsite, &gs, &search, &env->dte.list);
        if (rc != 0) {
            snprintf(error, cap, "ground_stations[%zu]: contact windows: %s", g, ilrs_strerror(rc));
            return rc;
        }
        for (size_t r = 0; r < env->relay_count; r++) {
            rc = ilrs_windows_orbiter_station(env->relay[r], &gs, &search,
                                              &env->relay_earth[r].list);
            if (rc != 0) {
                snprintf(error, cap, "relays[%zu] <-> ground_stations[%zu]: windows: %s", r, g,
                         ilrs_strerror(rc));
                return rc;
            }
        }
    }
    merge_windows(&env->dte.list);
    for (size_t r = 0; r < env->relay_count; r++) {
        merge_windows(&env->relay_earth[r].list);
        int rc = ilrs_windows_site_orbiter(env->relay[r], &env->lsite, &search,
                                           &env->relay_site[r].list);
        if (rc != 0) {
            snprintf(error, cap, "relays[%zu] <-> site: windows: %s", r, ilrs_strerror(rc));
            return rc;
        }
    }
    return 0;
}

static int make_relays(station_env_t *env, double duration_s, char *error, size_t cap)
{
    const ilrs_scenario_t *sc = env->sc;
    for (size_t r = 0; r < sc->relay_count; r++) {
        const ilrs_scenario_relay_t *s = &sc->relays[r];
        ilrs_orbit_elements_t el;
        char msg[256] = "";
        if (s->preset != ILRS_SCENARIO_ORBIT_ELEMENTS) {
            // Presets are phased to the Earth (Earth-orbit frame, twin.h); the file
            // may still move the periapsis and the starting point.
            int rc = ilrs_orbit_preset(ilrs_scenario_orbit_preset_name(s->preset), &el);
            if (rc != 0) {
                snprintf(error, cap, "relays[%zu].preset: unknown to the twin", r);
                return ILRS_ESTATION_CONFIG;
            }
            el.argp_deg = s->arg_periapsis_deg;
            el.m_deg = s->mean_anomaly_deg;
        } else {
            el = (ilrs_orbit_elements_t){.a_km = s->semi_major_axis_m / 1000.0,
                                         .e = s->eccentricity,
                                         .i_deg = s->inclination_deg,
                                         .raan_deg = s->raan_deg,
                                         .argp_deg = s->arg_periapsis_deg,
                                         .m_deg = s->mean_anomaly_deg,
                                         .frame = ILRS_ORBIT_FRAME_LUNAR_EQUATOR};
        }
        int rc = ilrs_orbit_create(env->ephem, NULL, &el, sc->epoch_tai, &env->relay[r], msg,
                                   sizeof msg);
        if (rc == 0) {
            env->relay_count = r + 1;
            rc = ilrs_orbit_propagate(env->relay[r], tai_at(env, duration_s + 4.0 * env->step_s));
        }
        if (rc != 0) {
            snprintf(error, cap, "relays[%zu]: orbit: %s %s", r, ilrs_strerror(rc), msg);
            return rc;
        }
    }
    return 0;
}

int ilrs__station_env_create(const ilrs_scenario_t *sc, double duration_s, double step_s,
                             station_env_t **out, char *error, size_t cap)
{
    *out = NULL;
    station_env_t *env = calloc(1, sizeof *env);
    if (env == NULL) {
        return ILRS_ENOMEM;
    }
    env->sc = sc;
    env->step_s = step_s;
    char emsg[256] = "";
    int rc = ilrs_ephem_create(ILRS_EPHEM_AUTO, NULL, &env->ephem, emsg, sizeof emsg);
    if (rc != 0) {
        snprintf(error, cap, "ephemeris: %s: %s", ilrs_strerror(rc), emsg);
        goto out_fail;
    }
    if ((rc = open_horizons(env, error, cap)) != 0) {
        goto out_fail;
    }
    if (env->horizon_sun == NULL) {
        env->horizon_sun = env->horizon;
    }
    ilrs_horizon_info_t hi;
    ilrs_horizon_get_info(env->horizon, &hi);
    double ground = sc->site.has_height_m ? sc->site.height_m : hi.ground_height_m;
    double height = ground + sc->site.mast_height_m;
    if ((rc = ilrs_site_init(&env->site, sc->site.lat_deg, sc->site.lon_deg, height)) != 0) {
        snprintf(error, cap, "site: %s", ilrs_strerror(rc));
        goto out_fail;
    }
    env->lsite = (ilrs_lunar_site_t){sc->site.lat_deg, sc->site.lon_deg, height, 0.0,
                                     horizon_at,       env->horizon};
    if ((rc = make_relays(env, duration_s, error, cap)) != 0 ||
        (rc = find_windows(env, duration_s, error, cap)) != 0) {
        goto out_fail;
    }
    ilrs_regolith_params_t rp;
    ilrs_regolith_params_default(&rp);
    rp.albedo0 = sc->site.regolith == ILRS_SCENARIO_REGOLITH_MARE ? 0.07 : 0.12; /* Hayne A1 */
    rp.initial_temperature_k = ilrs_regolith_equilibrium_temperature(
        &rp, ILRS_TWIN_TSI_W_M2, fmax(0.05, cos(sc->site.lat_deg * ST_PI / 180.0)));
    char msg[256] = "";
    if ((rc = ilrs_regolith_create(&rp, &env->regolith, msg, sizeof msg)) != 0) {
        snprintf(error, cap, "regolith: %s", msg);
        goto out_fail;
    }
    // Spin-up: three synodic months ending at the epoch, hourly steps.
    spin_t spin = {env, -3.0 * SYNODIC_MONTH_S, 0};
    if ((rc = ilrs_regolith_spin_up(env->regolith, spin_forcing, &spin, 3.0 * SYNODIC_MONTH_S,
                                    3600.0, 1)) != 0) {
        snprintf(error, cap, "regolith spin-up: %s", ilrs_strerror(rc));
        goto out_fail;
    }
    *out = env;
    return 0;
out_fail:
    ilrs__station_env_destroy(env);
    return rc;
}

void ilrs__station_env_destroy(station_env_t *env)
{
    if (env == NULL) {
        return;
    }
    ilrs_window_list_free(&env->dte.list);
    for (size_t r = 0; r < ILRS_SCENARIO_MAX_RELAYS; r++) {
        ilrs_window_list_free(&env->relay_site[r].list);
        ilrs_window_list_free(&env->relay_earth[r].list);
        ilrs_orbit_destroy(env->relay[r]);
    }
    ilrs_regolith_destroy(env->regolith);
    if (env->horizon_sun != env->horizon) {
        ilrs_horizon_destroy(env->horizon_sun);
    }
    ilrs_horizon_destroy(env->horizon);
    for (size_t i = 0; i < env->dem_count; i++) {
        ilrs_dem_destroy(env->dems[i]);
    }
    ilrs_ephem_destroy(env->ephem);
    free(env);
}

int ilrs__station_env_sample(station_env_t *env, double t_s, station_env_sample_t *out)
{
    memset(out, 0, sizeof *out);
    out->t_s = t_s;
    ilrs_regolith_forcing_t f;
    ilrs_sky_t sky;
    int rc = sun_forcing(env, t_s, &f, &out->sun_el_deg, &out->sun_az_deg, &out->sun_visible, &sky);
    if (rc != 0) {
        return rc;
    }
    out->flux_w_m2 = sky.solar_flux_w_m2;
    if (env->horizon_sun != env->horizon) {
        out->sun_visible = ilrs_illum_disk_fraction(env->horizon_sun, out->sun_az_deg,
                                                    out->sun_el_deg, sky.sun_radius_deg);
        if (!isfinite(out->sun_visible)) {
            out->sun_visible = 0.0;
        }
    }
    out->earth_el_deg = sky.earth.el_deg;
    out->earth_az_deg = sky.earth.az_deg;
    out->earth_distance_m = sky.earth.distance_m;
    out->earth_visible = ilrs_illum_disk_fraction(env->horizon, sky.earth.az_deg, sky.earth.el_deg,
                                                  sky.earth_radius_deg);
    if (!isfinite(out->earth_visible)) {
        out->earth_visible = 0.0;
    }
    for (size_t r = 0; r < env->relay_count; r++) {
        double az;
        rc = ilrs_orbit_look_from_site(env->relay[r], &env->lsite, tai_at(env, t_s), &az,
                                       &out->relay_el_deg[r], &out->relay_range_m[r]);
        if (rc != 0) {
            return rc;
        }
    }
    // The column advances from where it is to t_s (the grid's own step).
    if (t_s > env->regolith_t_s) {
        rc = ilrs_regolith_step(env->regolith, t_s - env->regolith_t_s, &f);
        if (rc != 0) {
            return rc;
        }
        env->regolith_t_s = t_s;
    }
    out->regolith_k = ilrs_regolith_surface_temperature(env->regolith);
    // Radiative sink of a vertical radiator on the surface: half its view is the
    // sky (3 K), half the ground at the regolith surface temperature (view factor
    // of a vertical plate to an infinite plane = 1/2; Gilmore, Spacecraft Thermal
    // Control Handbook, 2nd ed., app. B): T_sink^4 = (T_sky^4 + T_ground^4) / 2.
    out->sink_k = pow(0.5 * pow(out->regolith_k, 4.0) + 0.5 * 81.0, 0.25);
    return 0;
}

bool ilrs__station_env_dte(station_env_t *env, double t_s)
{
    return in_windows(&env->dte, tai_at(env, t_s));
}

bool ilrs__station_env_relay_site(station_env_t *env, size_t relay, double t_s)
{
    return relay < env->relay_count && in_windows(&env->relay_site[relay], tai_at(env, t_s));
}

bool ilrs__station_env_relay_earth(station_env_t *env, size_t relay, double t_s)
{
    return relay < env->relay_count && in_windows(&env->relay_earth[relay], tai_at(env, t_s));
}

size_t ilrs__station_env_relay_count(const station_env_t *env)
{
    return env->relay_count;
}

const ilrs_window_list_t *ilrs__station_env_windows(const station_env_t *env, uint32_t target)
{
    if (target == ST_LINK_EARTH) {
        return &env->dte.list;
    }
    size_t r = target - ST_LINK_RELAY0;
    return r < env->relay_count ? &env->relay_site[r].list : NULL;
}

void ilrs__station_env_site(const station_env_t *env, double *lat_deg, double *lon_deg,
                            double *height_m, const ilrs_horizon_t **horizon)
{
    *lat_deg = env->lsite.lat_deg;
    *lon_deg = env->lsite.lon_deg;
    *height_m = env->lsite.height_m;
    *horizon = env->horizon;
}

int ilrs__station_env_relay_state(const station_env_t *env, size_t relay, ilrs_tai_t t,
                                  double r_m[3], double v_m_s[3])
{
    if (relay >= env->relay_count) {
        return ILRS_EINVAL;
    }
    return ilrs_orbit_state(env->relay[relay], t, r_m, v_m_s);
}

int ilrs__station_env_relay_earth_range(station_env_t *env, size_t relay, double t_s,
                                        double *range_m)
{
    *range_m = 0.0;
    if (relay >= env->relay_count) {
        return ILRS_EINVAL;
    }
    double sun[3], earth[3], rel[3];
    ilrs_tai_t t = tai_at(env, t_s);
    int rc = ilrs_ephem_sun_earth(env->ephem, t, sun, earth, NULL);
    if (rc == 0) {
        rc = ilrs_orbit_position_icrf(env->relay[relay], t, rel);
    }
    if (rc == 0) {
        *range_m = sqrt((earth[0] - rel[0]) * (earth[0] - rel[0]) +
                        (earth[1] - rel[1]) * (earth[1] - rel[1]) +
                        (earth[2] - rel[2]) * (earth[2] - rel[2]));
    }
    return rc;
}
