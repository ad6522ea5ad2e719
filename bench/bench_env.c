// SPDX-License-Identifier: Apache-2.0
// Environment benchmark: what `ilrs env` does for a year at 60 s steps
// (525,600 samples) at Connecting Ridge (89.45°S, 222.7°E, 2 m eye): apparent
// Sun and Earth (auto ephemeris: the JPL kernels), visible disk fractions
// against the terrain mask (10 m + 240 m + far grid), the Queqiao-2 12 h
// orbiter's apparent direction and visibility, and a regolith column stepped
// every sample, plus the summary statistics. The loop calls ilrs_env_sample()
// exactly as src/cli/cli_env.c does (no CSV, no plot).
// Figures (process CPU time, best of three for the loop):
//   env_mask_s     horizon mask computation (not cached)
//   env_setup_s    orbiter propagation over the year + regolith spin-up
//   env_year_s     the 525,600-sample loop (target < 1 s)
// Prints `bench: <name> <value> <unit>` on stdout; details on stderr.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <ilrs/twin.h>

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int open_dem(const char *data, const char *rel, ilrs_dem_t **dem)
{
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s/dem/%s", data, rel);
    int rc = ilrs_dem_open(path, dem, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "bench_env: %s (%s)\n", err, ilrs_errname(rc));
    }
    return rc;
}

int main(void)
{
    const char *data = getenv("ILRS_DATA_DIR");
    char fallback[4096];
    if (data == NULL || data[0] == '\0') {
        snprintf(fallback, sizeof fallback, "%s/../shared/data", ILRS_SOURCE_DIR);
        data = fallback;
    }
    int status = 1;
    char err[512];
    ilrs_dem_t *dems[3] = {NULL, NULL, NULL};
    ilrs_ephem_t *eph = NULL;
    ilrs_horizon_t *mask = NULL;
    ilrs_orbit_t *orb = NULL;
    ilrs_regolith_t *col = NULL;
    if (open_dem(data, "connecting_ridge_site01_10m/height_code_u16le.hdr", &dems[0]) != 0 ||
        open_dem(data, "south_pole_240m/height_code_u16le.hdr", &dems[1]) != 0 ||
        open_dem(data, "south_pole_far_1787m/height_code_u16le.hdr", &dems[2]) != 0) {
        goto out;
    }
    ilrs_dem_set_latitude_limits(dems[2], -90.0, -79.0);
    if (ilrs_ephem_create(ILRS_EPHEM_AUTO, NULL, &eph, err, sizeof err) != 0) {
        fprintf(stderr, "bench_env: %s\n", err);
        goto out;
    }
    const double lat = -89.45, lon = 222.7, eye = 2.0;
    ilrs_horizon_config_t hc = {.lat_deg = lat,
                                .lon_deg = lon,
                                .observer_height_m = eye,
                                .azimuth_bins = 1440,
                                .max_range_m = ILRS_HORIZON_DEFAULT_RANGE_M};
    double t = cpu_s();
    if (ilrs_horizon_compute(&hc, dems, 3, &mask, err, sizeof err) != 0) {
        fprintf(stderr, "bench_env: %s\n", err);
        goto out;
    }
    printf("bench: env_mask_s %.4f s\n", cpu_s() - t);
    ilrs_horizon_info_t hi;
    ilrs_horizon_get_info(mask, &hi);
    ilrs_site_t site;
    ilrs_site_init(&site, lat, lon, hi.ground_height_m + eye);
    double slope = 0.0, aspect = 0.0;
    (void)ilrs_env_dem_slope(dems, 3, lat, lon, &slope, &aspect);

    ilrs_tai_t from;
    ilrs_ephem_parse_utc("2026-01-01T00:00:00Z", &from);
    const int64_t step_ns = 60 * ILRS_NS_PER_S;
    const size_t n = 525600;
    ilrs_tai_t to = from + (int64_t)(n - 1) * step_ns;

    t = cpu_s();
    ilrs_orbit_elements_t el;
    ilrs_orbit_preset("queqiao2-12h", &el);
    if (ilrs_orbit_create(eph, NULL, &el, from - ILRS_NS_PER_S, &orb, err, sizeof err) != 0 ||
        ilrs_orbit_propagate(orb, to) != 0) {
        fprintf(stderr, "bench_env: orbiter failed\n");
        goto out;
    }
    ilrs_regolith_params_t rp;
    ilrs_regolith_params_default(&rp);
    if (ilrs_regolith_create(&rp, &col, err, sizeof err) != 0) {
        fprintf(stderr, "bench_env: %s\n", err);
        goto out;
    }
    const double depths[2] = {0.1, 0.5};
    ilrs_env_config_t cfg = {.ephem = eph,
                             .site = &site,
                             .horizon = mask,
                             .orbiter = orb,
                             .regolith = col,
                             .slope_deg = slope,
                             .aspect_deg = aspect,
                             .depths_m = depths,
                             .depth_count = 2};
    if (ilrs_env_spin_up(&cfg, eph, from, 365.25 * 86400.0, 7200.0, 12) != 0) {
        fprintf(stderr, "bench_env: spin-up failed\n");
        goto out;
    }
    printf("bench: env_setup_s %.4f s\n", cpu_s() - t);

    double best = 1e30;
    ilrs_illum_summary_t sum = {0};
    size_t visible = 0;
    double tsum = 0.0;
    for (int rep = 0; rep < 3; rep++) {
        ilrs_illum_stats_t st;
        ilrs_illum_stats_init(&st, from, step_ns);
        visible = 0;
        tsum = 0.0;
        t = cpu_s();
        for (size_t k = 0; k < n; k++) {
            ilrs_env_sample_t s;
            int rc = ilrs_env_sample(&cfg, from + (int64_t)k * step_ns, k ? 60.0 : 0.0, &s);
            if (rc != 0) {
                fprintf(stderr, "bench_env: sample %zu: %s\n", k, ilrs_strerror(rc));
                goto out;
            }
            ilrs_illum_stats_add(&st, s.sun_fraction, s.earth_fraction);
            visible += s.orbiter_visible;
            tsum += s.t_surface_k;
        }
        t = cpu_s() - t;
        best = t < best ? t : best;
        ilrs_illum_stats_summary(&st, &sum);
    }
    fprintf(stderr,
            "year 2026 at 60 s: sunlit %.2f %%, longest dark %.2f d, Earth visible %.2f %%, "
            "orbiter visible %.2f %%, mean surface %.1f K (last repetition; the column keeps "
            "running)\n",
            sum.sunlit_percent, sum.longest_dark_s / 86400.0, sum.earth_visible_percent,
            100.0 * (double)visible / (double)n, tsum / (double)n);
    printf("bench: env_year_s %.4f s\n", best);
    status = 0;
out:
    ilrs_regolith_destroy(col);
    ilrs_orbit_destroy(orb);
    ilrs_horizon_destroy(mask);
    ilrs_ephem_destroy(eph);
    for (int i = 0; i < 3; i++) {
        ilrs_dem_destroy(dems[i]);
    }
    return status;
}
