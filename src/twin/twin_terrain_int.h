/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private declarations of the twin's terrain part (DEMs, horizon masks,
 * illumination): the in-memory DEM and its hot-path sampler, shared by
 * twin_dem.c and twin_horizon.c. The ephemeris part has its own twin_int.h.
 *
 * The sampler works on unit vectors of the body-fixed frame rather than on
 * latitude/longitude: the horizon rays are generated as unit vectors, and the
 * polar stereographic projection of a unit vector needs no trigonometry
 * (see ilrs__dem_project_unit()).
 */
#ifndef ILRS_TWIN_TERRAIN_INT_H
#define ILRS_TWIN_TERRAIN_INT_H

#include <math.h>
#include <stdarg.h>

#include <ilrs/twin.h>

#define ILRS__TERRAIN_MODULE "twin"
/* M_PI is not in strict C17/POSIX; the library spells pi out. */
#define ILRS__PI 3.14159265358979323846

struct ilrs_dem {
    char *path;     /* as given to ilrs_dem_open */
    char *identity; /* cache identity: files, sizes, mtimes, layout */
    char driver[32];
    size_t width, height;
    float *heights; /* row-major, metres above the sphere, NAN = no data */
    ilrs_dem_projection_t projection;
    bool south;
    bool wrap_x;   /* the grid spans 360° of longitude */
    double radius; /* projection sphere radius (m) */
    double k0;     /* polar stereographic scale factor at the pole */
    double lon0;   /* central meridian (rad) */
    double cos_lon0, sin_lon0;
    double lat0;       /* equirectangular latitude of origin (rad) */
    double cos_lat_ts; /* equirectangular: cos of the standard parallel */
    double false_e, false_n;
    double gt[6];
    double col_scale, col_shift; /* pixel-centre column = x*col_scale + col_shift */
    double row_scale, row_shift;
    double period_x; /* x span of 360° of longitude (wrap), projected units */
    double pixel_m;
    double gdal_scale, gdal_offset, height_offset;
    double min_height, max_height;
    double lat_min, lat_max; /* degrees */
    double sin_lat_min, sin_lat_max;
    void *srs;     /* OGRSpatialReferenceH of the grid */
    void *to_grid; /* OGRCoordinateTransformationH geographic -> grid */
};

/** Counters behind ilrs_terrain_get_counters(). */
enum ilrs__terrain_counter {
    ILRS__TC_DEM_OPENED,
    ILRS__TC_DEM_REJECTED,
    ILRS__TC_TABLE_PARSED,
    ILRS__TC_TABLE_REJECTED,
    ILRS__TC_MASK_COMPUTED,
    ILRS__TC_CACHE_HIT,
    ILRS__TC_CACHE_REJECTED,
    ILRS__TC_COUNT
};

/** Add one to a counter (relaxed atomic). */
void ilrs__terrain_count(enum ilrs__terrain_counter which);

/** Write a formatted message into error[cap] (if error is not NULL). */
void ilrs__terrain_error(char *error, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * Projected coordinates of a unit vector p (body-fixed) in the DEM's map
 * projection; false at the projection's singular point.
 */
static inline bool ilrs__dem_project_unit(const ilrs_dem_t *dem, const double p[3], double *x,
                                          double *y)
{
    /* Rotate to the central meridian: a = cos(lat) cos(lon - lon0),
     * b = cos(lat) sin(lon - lon0). */
    double a = p[0] * dem->cos_lon0 + p[1] * dem->sin_lon0;
    double b = -p[0] * dem->sin_lon0 + p[1] * dem->cos_lon0;
    if (dem->projection == ILRS_DEM_POLAR_STEREOGRAPHIC) {
        /* Snyder (1987) ch. 21, sphere, polar aspect: rho = 2 R k0 tan(pi/4 + lat/2)
         * (south) with tan(pi/4 + lat/2) = cos(lat) / (1 - sin(lat)); hence
         * x = rho sin(dlon) = 2 R k0 b / (1 - pz), y = rho cos(dlon) = 2 R k0 a / (1 - pz).
         * North: 1 + pz and y = -rho cos(dlon). Same as the README's formulas. */
        double denom = dem->south ? 1.0 - p[2] : 1.0 + p[2];
        if (!(denom > 1e-12)) {
            return false;
        }
        double f = 2.0 * dem->radius * dem->k0 / denom;
        *x = dem->false_e + f * b;
        *y = dem->south ? dem->false_n + f * a : dem->false_n - f * a;
        return true;
    }
    /* Equidistant cylindrical (Snyder 1987 ch. 12, eqs. 12-1, 12-2):
     * x = R (lon - lon0) cos(lat_ts), y = R (lat - lat0); geographic grids are the
     * same with R = 180/pi (degrees). */
    double lat = atan2(p[2], hypot(a, b));
    double dlon = atan2(b, a); /* in [-pi, pi] */
    *x = dem->false_e + dem->radius * dlon * dem->cos_lat_ts;
    *y = dem->false_n + dem->radius * (lat - dem->lat0);
    if (*x < dem->gt[0]) {
        *x += dem->period_x;
    } else if (*x >= dem->gt[0] + dem->period_x) {
        *x -= dem->period_x;
    }
    return true;
}

/**
 * Bilinear height at projected (x, y); false where the DEM does not cover it
 * (outside the pixel-centre grid or a no-data corner). ilrs__dem_sample_unit()
 * adds the latitude limits and the projection.
 */
static inline bool ilrs__dem_sample_xy(const ilrs_dem_t *dem, double x, double y, double *h)
{
    double c = x * dem->col_scale + dem->col_shift;
    double r = y * dem->row_scale + dem->row_shift;
    double wmax = (double)(dem->width - 1);
    double hmax = (double)(dem->height - 1);
    if (!(r >= 0.0 && r <= hmax)) {
        return false;
    }
    size_t c0, c1;
    double fc;
    if (dem->wrap_x) {
        /* Global grid: the cell between the last and the first column exists. */
        double w = (double)dem->width;
        c = fmod(c, w);
        if (c < 0.0) {
            c += w;
        }
        double cf = floor(c);
        c0 = (size_t)cf;
        if (c0 >= dem->width) {
            c0 = dem->width - 1;
        }
        c1 = c0 + 1 == dem->width ? 0 : c0 + 1;
        fc = c - cf;
    } else {
        if (!(c >= 0.0 && c <= wmax)) {
            return false;
        }
        double cf = floor(c);
        c0 = (size_t)cf;
        if (c0 + 1 >= dem->width) {
            c0 = dem->width - 2;
        }
        c1 = c0 + 1;
        fc = c - (double)c0;
    }
    double rf = floor(r);
    size_t r0 = (size_t)rf;
    if (r0 + 1 >= dem->height) {
        r0 = dem->height - 2;
    }
    double fr = r - (double)r0;
    const float *row0 = dem->heights + r0 * dem->width;
    const float *row1 = row0 + dem->width;
    double h00 = row0[c0], h01 = row0[c1], h10 = row1[c0], h11 = row1[c1];
    double top = h00 + (h01 - h00) * fc;
    double bottom = h10 + (h11 - h10) * fc;
    double v = top + (bottom - top) * fr;
    if (isnan(v)) {
        return false;
    }
    *h = v;
    return true;
}

static inline bool ilrs__dem_sample_unit(const ilrs_dem_t *dem, const double p[3], double *h)
{
    if (p[2] < dem->sin_lat_min || p[2] > dem->sin_lat_max) {
        return false;
    }
    double x, y;
    if (!ilrs__dem_project_unit(dem, p, &x, &y)) {
        return false;
    }
    return ilrs__dem_sample_xy(dem, x, y, h);
}

/** Whether two DEMs share one projection (same projected coordinates). */
static inline bool ilrs__dem_same_projection(const ilrs_dem_t *a, const ilrs_dem_t *b)
{
    return a->projection == b->projection && a->south == b->south && a->radius == b->radius &&
           a->k0 == b->k0 && a->lon0 == b->lon0 && a->lat0 == b->lat0 &&
           a->cos_lat_ts == b->cos_lat_ts && a->false_e == b->false_e && a->false_n == b->false_n &&
           a->period_x == b->period_x && a->gt[0] == b->gt[0];
}

/** Unit vector of (lat, lon) in radians. */
static inline void ilrs__unit_from_latlon(double lat, double lon, double p[3])
{
    double cl = cos(lat);
    p[0] = cl * cos(lon);
    p[1] = cl * sin(lon);
    p[2] = sin(lat);
}

#endif
