// SPDX-License-Identifier: Apache-2.0
// Terrain benchmark: the horizon mask of Connecting Ridge (89.45°S, 222.7°E,
// 2 m eye) with 1440 azimuths from the 10 m ridge tile, the 240 m south-pole
// grid and the 1787 m far grid (to 300 km), then horizon lookups and solar
// disk fractions per second. DEM loading (GDAL read, scale/offset, checks) is a
// separate figure.
// Prints `bench: <name> <value> <unit>` on stdout; details on stderr.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <ilrs/twin.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int open_dem(const char *data, const char *rel, ilrs_dem_t **dem)
{
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s/dem/%s", data, rel);
    int rc = ilrs_dem_open(path, dem, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "bench_terrain: %s (%s)\n", err, ilrs_errname(rc));
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
    ilrs_dem_t *dems[3] = {NULL, NULL, NULL};
    double t0 = now_s();
    if (open_dem(data, "connecting_ridge_site01_10m/height_code_u16le.hdr", &dems[0]) != 0 ||
        open_dem(data, "south_pole_240m/height_code_u16le.hdr", &dems[1]) != 0 ||
        open_dem(data, "south_pole_far_1787m/height_code_u16le.hdr", &dems[2]) != 0) {
        for (int i = 0; i < 3; i++) {
            ilrs_dem_destroy(dems[i]);
        }
        return 1;
    }
    /* The far grid is feathered to 0 beyond 79°S (data README). */
    ilrs_dem_set_latitude_limits(dems[2], -90.0, -79.0);
    printf("bench: dem_load_s %.4f s\n", now_s() - t0); /* 3 grids through GDAL */

    ilrs_horizon_config_t cfg = {.lat_deg = -89.45,
                                 .lon_deg = 222.7,
                                 .observer_height_m = 2.0,
                                 .azimuth_bins = 1440,
                                 .max_range_m = 300000.0};
    ilrs_horizon_t *h = NULL;
    char err[512];
    /* Best of three: the figure is the computation, not a cold cache. */
    double best = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        ilrs_horizon_destroy(h);
        h = NULL;
        double t = now_s();
        int rc = ilrs_horizon_compute(&cfg, dems, 3, &h, err, sizeof err);
        t = now_s() - t;
        if (rc != 0) {
            fprintf(stderr, "bench_terrain: %s\n", err);
            return 1;
        }
        best = t < best ? t : best;
    }
    ilrs_horizon_info_t info;
    ilrs_horizon_get_info(h, &info);
    fprintf(stderr,
            "mask: ground %.1f m, horizon %.3f .. %.3f deg, %llu samples (%llu uncovered)\n",
            info.ground_height_m, info.min_elevation_deg, info.max_elevation_deg,
            (unsigned long long)info.samples, (unsigned long long)info.uncovered_samples);
    printf("bench: horizon_mask_s %.4f s\n", best);

    /* Lookups at pseudo-random azimuths (fixed LCG, no libc rand). */
    const long n_lookup = 20000000;
    unsigned long long state = 12345;
    double sink = 0.0;
    double t = now_s();
    for (long i = 0; i < n_lookup; i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        double az = (double)(state >> 11) * (360.0 / 9007199254740992.0);
        sink += ilrs_horizon_elevation(h, az);
    }
    t = now_s() - t;
    printf("bench: horizon_lookup_per_s %.4g 1/s\n", (double)n_lookup / t);

    /* Solar disk fractions, Sun within +-1.5° of the local skyline so that most
     * calls integrate a partly hidden disk. */
    const long n_sun = 2000000;
    long partial = 0;
    t = now_s();
    for (long i = 0; i < n_sun; i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        double az = (double)(state >> 11) * (360.0 / 9007199254740992.0);
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        double el = ilrs_horizon_elevation(h, az) +
                    ((double)(state >> 11) / 9007199254740992.0 - 0.5) * 3.0;
        double f = ilrs_illum_disk_fraction(h, az, el, 0.2666);
        partial += f > 0.0 && f < 1.0;
        sink += f;
    }
    t = now_s() - t;
    fprintf(stderr, "sun fraction: %.1f %% of calls partial (sink %g)\n",
            100.0 * (double)partial / (double)n_sun, sink);
    printf("bench: sun_fraction_per_s %.4g 1/s\n", (double)n_sun / t);

    ilrs_horizon_destroy(h);
    for (int i = 0; i < 3; i++) {
        ilrs_dem_destroy(dems[i]);
    }
    return 0;
}
