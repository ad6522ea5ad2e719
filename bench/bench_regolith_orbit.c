/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmarks of the regolith and orbit parts of the twin (release build):
 *   orbit_year_s     one Queqiao-2 12 h orbiter, every force on, one year
 *                    (geometry sampling included);
 *   regolith_year_s  one regolith column, a year of 60 s steps (525,600);
 *   windows_year_s   a year of contact windows at 60 s sampling: south-pole
 *                    site ↔ orbiter plus orbiter ↔ one ground station.
 * Prints `bench: <name> <value> <unit>` on stdout; details on stderr.
 * Times are the process's CPU time (the code is single-threaded, so on an idle
 * machine this equals wall time; on a shared one it is the steadier figure).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <ilrs/twin.h>

#define PI        3.14159265358979323846
#define YEAR_S    (365.25 * 86400.0)
#define SYNODIC_S (29.53059 * 86400.0)
/* 2027-01-01T00:00:37 TAI (UTC midnight): days from 1958-01-01 × 86400 s. */
#define EPOCH_2027 ((ilrs_tai_t)(25202.0 * 86400.0 + 37.0) * 1000000000LL)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int bench_regolith(void)
{
    ilrs_regolith_params_t p;
    ilrs_regolith_params_default(&p);
    ilrs_regolith_t *col = NULL;
    if (ilrs_regolith_create(&p, &col, NULL, 0) != 0) {
        return 1;
    }
    const double dt = 60.0;
    const long steps = 525600;
    double t0 = now_s();
    double tmin = 1e9, tmax = 0.0;
    for (long k = 1; k <= steps; k++) {
        double h = 2.0 * PI * (double)k * dt / SYNODIC_S;
        ilrs_regolith_forcing_t f = {1361.0, cos(h), 1.0, 0.0};
        if (ilrs_regolith_step(col, dt, &f) != 0) {
            ilrs_regolith_destroy(col);
            return 1;
        }
        double ts = ilrs_regolith_surface_temperature(col);
        tmin = fmin(tmin, ts);
        tmax = fmax(tmax, ts);
    }
    double el = now_s() - t0;
    size_t nodes = ilrs_regolith_node_count(col, NULL);
    fprintf(stderr, "regolith: %zu nodes, %ld steps, T %.1f..%.1f K, %.0f ns/step\n", nodes, steps,
            tmin, tmax, el / (double)steps * 1e9);
    printf("bench: regolith_year_s %.4f s\n", el);
    ilrs_regolith_destroy(col);
    return 0;
}

static int bench_orbit_windows(void)
{
    int rc = 1;
    ilrs_ephem_t *eph = NULL;
    ilrs_orbit_t *orb = NULL;
    ilrs_window_list_t site_list = {0}, gs_list = {0};
    char err[256];
    if (ilrs_ephem_create(ILRS_EPHEM_ANALYTIC, NULL, &eph, err, sizeof(err)) != 0) {
        fprintf(stderr, "ephemeris: %s\n", err);
        return 1;
    }
    ilrs_orbit_elements_t el;
    ilrs_orbit_preset("queqiao2-12h", &el);
    ilrs_tai_t t0 = EPOCH_2027;
    ilrs_tai_t t1 = t0 + (ilrs_tai_t)(YEAR_S * 1e9);
    double a = now_s();
    if (ilrs_orbit_create(eph, NULL, &el, t0, &orb, err, sizeof(err)) != 0 ||
        ilrs_orbit_propagate(orb, t1) != 0) {
        fprintf(stderr, "orbit: %s\n", err);
        goto out;
    }
    double orbit_s = now_s() - a;
    fprintf(stderr, "orbit: %zu steps for a year\n", ilrs_orbit_step_count(orb));
    printf("bench: orbit_year_s %.4f s\n", orbit_s);

    /* Connecting Ridge near Shackleton (MISSION.md): 89.45°S, 222.7°E. */
    ilrs_lunar_site_t site = {-89.45, 222.7, 10.0, 5.0, NULL, NULL};
    ilrs_ground_station_t gs = {"Kashi", 39.5, 76.0, 1300.0, 10.0};
    ilrs_window_search_t search = {t0, t1, 60.0, 60.0, 0.5};
    a = now_s();
    if (ilrs_windows_site_orbiter(orb, &site, &search, &site_list) != 0 ||
        ilrs_windows_orbiter_station(orb, &gs, &search, &gs_list) != 0) {
        fprintf(stderr, "windows failed\n");
        goto out;
    }
    double win_s = now_s() - a;
    double site_h = 0.0, gs_h = 0.0;
    for (size_t k = 0; k < site_list.count; k++) {
        site_h += (double)(site_list.items[k].end - site_list.items[k].start) / 3.6e12;
    }
    for (size_t k = 0; k < gs_list.count; k++) {
        gs_h += (double)(gs_list.items[k].end - gs_list.items[k].start) / 3.6e12;
    }
    fprintf(stderr,
            "windows: site-orbiter %zu windows (%.1f %% of the year), orbiter-station %zu "
            "(%.1f %%)\n",
            site_list.count, 100.0 * site_h / (YEAR_S / 3600.0), gs_list.count,
            100.0 * gs_h / (YEAR_S / 3600.0));
    printf("bench: windows_year_s %.4f s\n", win_s);
    rc = 0;
out:
    ilrs_window_list_free(&site_list);
    ilrs_window_list_free(&gs_list);
    ilrs_orbit_destroy(orb);
    ilrs_ephem_destroy(eph);
    return rc;
}

int main(void)
{
    int rc = bench_regolith();
    if (rc == 0) {
        rc = bench_orbit_windows();
    }
    return rc;
}
