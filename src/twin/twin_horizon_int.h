/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private layout of a horizon mask, shared by twin_horizon.c (building,
 * tables, cache) and twin_illum.c (disk integration against the profile).
 */
#ifndef ILRS_TWIN_HORIZON_INT_H
#define ILRS_TWIN_HORIZON_INT_H

#include "twin/twin_terrain_int.h"

struct ilrs_horizon {
    unsigned bins;
    double *elevation; /* bins + 1 values, degrees; [bins] repeats [0] */
    double step_deg;   /* 360 / bins */
    double inv_step;   /* bins / 360 */
    double min_el, max_el;
    bool has_site;
    double lat, lon; /* degrees */
    double ground_height, observer_height;
    double observer_radius; /* m from the Moon's centre */
    double up[3], east[3], north[3];
    double max_range;
    unsigned dem_count;
    uint64_t samples, uncovered;
    char *key; /* cache key, or NULL */
};

/** Linear interpolation between bins, any azimuth (wrapped). O(1). */
static inline double ilrs__horizon_at(const ilrs_horizon_t *h, double azimuth_deg)
{
    double x = azimuth_deg * h->inv_step;
    double n = (double)h->bins;
    if (!(x >= 0.0 && x < n)) {
        if (!isfinite(x)) {
            return NAN;
        }
        x = fmod(x, n);
        if (x < 0.0) {
            x += n;
        }
        if (x >= n) {
            x = 0.0;
        }
    }
    double fl = floor(x);
    size_t i = (size_t)fl;
    if (i >= h->bins) {
        i = h->bins - 1;
    }
    double f = x - (double)i;
    return h->elevation[i] + (h->elevation[i + 1] - h->elevation[i]) * f;
}

/** Build a mask from a validated-or-not table (see ilrs_horizon_from_table). */
int ilrs__horizon_build(const double *az, const double *el, size_t count,
                        const ilrs_horizon_info_t *site, const char *name, ilrs_horizon_t **out,
                        char *error, size_t cap);

#endif
