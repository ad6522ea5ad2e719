// SPDX-License-Identifier: Apache-2.0
// Digital elevation models: opening any GDAL raster (GeoTIFF, PDS3 IMG + LBL,
// ENVI raw + hdr), checking it before any work, and loading band 1 into memory
// as float heights above the 1737.4 km sphere.
//
// GDAL reads the formats and the georeferencing. The per-sample projection is
// the library's own (twin_terrain_int.h), because a horizon mask takes
// millions of samples and an OSR call per sample costs ~1 µs; at open the own
// formulas are checked against GDAL's OSR transform so the two cannot drift.
#define _XOPEN_SOURCE 700 /* realpath() */
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include "twin/twin_terrain_int.h"

#define DEG (ILRS__PI / 180.0)

/* Plausible spheres for a lunar product: 1737.4 km (LOLA) and 1738.0 km (IAU
 * reference radius) with margin; an Earth or Mars grid is refused. */
#define LUNAR_RADIUS_MIN_M 1727000.0
#define LUNAR_RADIUS_MAX_M 1748000.0
/* Largest grid we load (float heights): 400 M samples = 1.6 GB. */
#define DEM_MAX_SAMPLES ((size_t)400 * 1000 * 1000)
/* Agreement demanded between the own projection and GDAL OSR at open. */
#define SELF_CHECK_PIXELS 1e-3

static _Atomic uint64_t counters[ILRS__TC_COUNT];

void ilrs__terrain_count(enum ilrs__terrain_counter which)
{
    atomic_fetch_add_explicit(&counters[which], 1, memory_order_relaxed);
}

void ilrs_terrain_get_counters(ilrs_terrain_counters_t *out)
{
    uint64_t v[ILRS__TC_COUNT];
    for (int i = 0; i < ILRS__TC_COUNT; i++) {
        v[i] = atomic_load_explicit(&counters[i], memory_order_relaxed);
    }
    out->dems_opened = v[ILRS__TC_DEM_OPENED];
    out->dems_rejected = v[ILRS__TC_DEM_REJECTED];
    out->tables_parsed = v[ILRS__TC_TABLE_PARSED];
    out->tables_rejected = v[ILRS__TC_TABLE_REJECTED];
    out->masks_computed = v[ILRS__TC_MASK_COMPUTED];
    out->cache_hits = v[ILRS__TC_CACHE_HIT];
    out->cache_rejected = v[ILRS__TC_CACHE_REJECTED];
}

void ilrs__terrain_error(char *error, size_t cap, const char *fmt, ...)
{
    if (error == NULL || cap == 0) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(error, cap, fmt, ap);
    va_end(ap);
}

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* GDAL opens ENVI through the data file and PDS3 detached labels through the
 * label; accept the other file of each pair too. Writes the path to open into
 * buf (the given one when no sibling applies). */
static void resolve_open_path(const char *path, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", path);
    size_t n = strlen(path);
    if (n + 8 >= cap) {
        return;
    }
    if (ends_with_ci(path, ".hdr")) {
        static const char *const exts[] = {".raw", ".img", ".dat", ".bin", ".bsq", ".bil", ""};
        for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
            snprintf(buf, cap, "%.*s%s", (int)(n - 4), path, exts[i]);
            if (file_exists(buf)) {
                return;
            }
        }
        snprintf(buf, cap, "%s", path);
    } else if (ends_with_ci(path, ".img")) {
        static const char *const labels[] = {".LBL", ".lbl"};
        for (size_t i = 0; i < 2; i++) {
            snprintf(buf, cap, "%.*s%s", (int)(n - 4), path, labels[i]);
            if (file_exists(buf)) {
                return;
            }
        }
        snprintf(buf, cap, "%s", path);
    }
}

/* Raw formats whose payload size GDAL does not check (it zero-fills a short
 * file silently, as measured with GDAL 3.6 on a cut ENVI file). */
static bool is_raw_driver(const char *driver)
{
    static const char *const raw[] = {"ENVI", "PDS",    "PDS4",  "ISIS2", "ISIS3",
                                      "EHdr", "GenBin", "VICAR", "BT",    "LAN"};
    for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++) {
        if (strcmp(driver, raw[i]) == 0) {
            return true;
        }
    }
    return false;
}

/* The files GDAL uses, with size and mtime, plus the layout: the identity of
 * the DEM in horizon-cache keys. Also finds the largest file (the payload). */
static int describe_files(GDALDatasetH ds, const char *path, char **identity, char *largest,
                          size_t largest_cap, long long *largest_size)
{
    char **files = GDALGetFileList(ds);
    size_t cap = 256, len = 0;
    char *id = malloc(cap);
    if (id == NULL) {
        CSLDestroy(files);
        return ILRS_ENOMEM;
    }
    id[0] = '\0';
    *largest_size = -1;
    largest[0] = '\0';
    for (int i = 0; files != NULL && files[i] != NULL; i++) {
        struct stat st;
        if (stat(files[i], &st) != 0) {
            continue;
        }
        char real[PATH_MAX];
        if (realpath(files[i], real) == NULL) {
            snprintf(real, sizeof real, "%s", files[i]);
        }
        char item[PATH_MAX + 96];
        int m = snprintf(item, sizeof item, "%s%s:%lld:%lld.%09ld", len ? "," : "", real,
                         (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
        if (m < 0) {
            continue;
        }
        size_t need = len + (size_t)m + 1;
        if (need > cap) {
            while (cap < need) {
                cap *= 2;
            }
            char *grown = realloc(id, cap);
            if (grown == NULL) {
                free(id);
                CSLDestroy(files);
                return ILRS_ENOMEM;
            }
            id = grown;
        }
        memcpy(id + len, item, (size_t)m + 1);
        len += (size_t)m;
        if ((long long)st.st_size > *largest_size) {
            *largest_size = (long long)st.st_size;
            snprintf(largest, largest_cap, "%s", files[i]);
        }
    }
    CSLDestroy(files);
    if (len == 0) {
        /* Not file-backed (e.g. /vsimem): fall back on the path. */
        free(id);
        id = strdup(path);
        if (id == NULL) {
            return ILRS_ENOMEM;
        }
    }
    *identity = id;
    return 0;
}

static double proj_parm(OGRSpatialReferenceH srs, const char *name, double dflt)
{
    OGRErr err = OGRERR_NONE;
    double v = OSRGetProjParm(srs, name, dflt, &err);
    return err == OGRERR_NONE ? v : dflt;
}

/* Identify the projection and take its parameters. */
static int read_projection(ilrs_dem_t *dem, OGRSpatialReferenceH srs, char *error, size_t cap)
{
    OGRErr err = OGRERR_NONE;
    double a = OSRGetSemiMajor(srs, &err);
    double b = OSRGetSemiMinor(srs, &err);
    if (err != OGRERR_NONE || !(a > 0.0) || fabs(a - b) > 1e-6 * a) {
        ilrs__terrain_error(error, cap,
                            "%s: the datum is an ellipsoid (a = %.3f m, b = %.3f m), only "
                            "spheres are supported",
                            dem->path, a, b);
        return ILRS_ETWIN_PROJECTION;
    }
    if (a < LUNAR_RADIUS_MIN_M || a > LUNAR_RADIUS_MAX_M) {
        ilrs__terrain_error(error, cap, "%s: sphere radius %.1f m is not lunar (%.0f..%.0f m)",
                            dem->path, a, LUNAR_RADIUS_MIN_M, LUNAR_RADIUS_MAX_M);
        return ILRS_ETWIN_PROJECTION;
    }
    dem->radius = a;
    dem->k0 = 1.0;
    dem->lon0 = 0.0;
    dem->lat0 = 0.0;
    dem->cos_lat_ts = 1.0;
    dem->false_e = dem->false_n = 0.0;
    if (OSRIsGeographic(srs)) {
        double to_rad = OSRGetAngularUnits(srs, NULL);
        if (fabs(to_rad - DEG) > 1e-12) {
            ilrs__terrain_error(error, cap,
                                "%s: geographic grid in angular unit %.12g rad, only "
                                "degrees are supported",
                                dem->path, to_rad);
            return ILRS_ETWIN_PROJECTION;
        }
        dem->projection = ILRS_DEM_GEOGRAPHIC;
        dem->radius = 180.0 / ILRS__PI; /* projected unit: degrees */
        dem->pixel_m = a * dem->gt[1] * DEG;
        return 0;
    }
    if (!OSRIsProjected(srs)) {
        ilrs__terrain_error(error, cap,
                            "%s: coordinate system is neither projected nor "
                            "geographic",
                            dem->path);
        return ILRS_ETWIN_PROJECTION;
    }
    double unit = OSRGetLinearUnits(srs, NULL);
    if (fabs(unit - 1.0) > 1e-12) {
        ilrs__terrain_error(error, cap, "%s: linear unit %.12g m, only metres are supported",
                            dem->path, unit);
        return ILRS_ETWIN_PROJECTION;
    }
    const char *name = OSRGetAttrValue(srs, "PROJECTION", 0);
    if (name == NULL) {
        name = "(none)";
    }
    dem->false_e = proj_parm(srs, SRS_PP_FALSE_EASTING, 0.0);
    dem->false_n = proj_parm(srs, SRS_PP_FALSE_NORTHING, 0.0);
    dem->lon0 = proj_parm(srs, SRS_PP_CENTRAL_MERIDIAN, 0.0) * DEG;
    dem->pixel_m = dem->gt[1];
    if (strcmp(name, SRS_PT_POLAR_STEREOGRAPHIC) == 0 || strcmp(name, SRS_PT_STEREOGRAPHIC) == 0 ||
        strcmp(name, SRS_PT_OBLIQUE_STEREOGRAPHIC) == 0) {
        double lat0 = proj_parm(srs, SRS_PP_LATITUDE_OF_ORIGIN, NAN);
        double k0 = proj_parm(srs, SRS_PP_SCALE_FACTOR, 1.0);
        if (strcmp(name, SRS_PT_POLAR_STEREOGRAPHIC) == 0 && fabs(fabs(lat0) - 90.0) > 1e-9 &&
            fabs(lat0) > 0.0 && fabs(lat0) < 90.0) {
            /* Variant B: latitude_of_origin is the latitude of true scale; on the
             * sphere k0 = (1 + sin|lat_ts|) / 2 (Snyder 1987 eq. 21-7 with k = 1). */
            k0 = (1.0 + sin(fabs(lat0) * DEG)) / 2.0;
        } else if (fabs(fabs(lat0) - 90.0) > 1e-9) {
            ilrs__terrain_error(error, cap,
                                "%s: stereographic projection centred at latitude %.9g, only "
                                "the polar aspect (+-90) is supported",
                                dem->path, lat0);
            return ILRS_ETWIN_PROJECTION;
        }
        if (!(k0 > 0.0)) {
            ilrs__terrain_error(error, cap, "%s: scale factor %.9g invalid", dem->path, k0);
            return ILRS_ETWIN_PROJECTION;
        }
        dem->projection = ILRS_DEM_POLAR_STEREOGRAPHIC;
        dem->south = lat0 < 0.0;
        dem->k0 = k0;
        return 0;
    }
    if (strcmp(name, SRS_PT_EQUIRECTANGULAR) == 0) {
        double lat_ts = proj_parm(srs, SRS_PP_STANDARD_PARALLEL_1, 0.0);
        dem->lat0 = proj_parm(srs, SRS_PP_LATITUDE_OF_ORIGIN, 0.0) * DEG;
        dem->cos_lat_ts = cos(lat_ts * DEG);
        if (!(dem->cos_lat_ts > 1e-6)) {
            ilrs__terrain_error(error, cap, "%s: standard parallel %.9g invalid", dem->path,
                                lat_ts);
            return ILRS_ETWIN_PROJECTION;
        }
        dem->projection = ILRS_DEM_EQUIRECTANGULAR;
        return 0;
    }
    ilrs__terrain_error(error, cap,
                        "%s: projection \"%s\" is not supported (polar stereographic, "
                        "equirectangular or geographic)",
                        dem->path, name);
    return ILRS_ETWIN_PROJECTION;
}

/* Own projection against GDAL OSR at five interior points of the grid. */
static int self_check(ilrs_dem_t *dem, OGRSpatialReferenceH geog, char *error, size_t cap)
{
    OGRCoordinateTransformationH inv =
        OCTNewCoordinateTransformation((OGRSpatialReferenceH)dem->srs, geog);
    if (inv == NULL) {
        ilrs__terrain_error(error, cap, "%s: GDAL cannot invert the projection: %s", dem->path,
                            CPLGetLastErrorMsg());
        return ILRS_ETWIN_PROJECTION;
    }
    static const double fx[5] = {0.1, 0.9, 0.1, 0.9, 0.5};
    static const double fy[5] = {0.1, 0.1, 0.9, 0.9, 0.5};
    int rc = 0;
    for (int i = 0; i < 5 && rc == 0; i++) {
        double pixel = floor(fx[i] * (double)dem->width) + 0.25;
        double line = floor(fy[i] * (double)dem->height) + 0.75;
        double x = dem->gt[0] + pixel * dem->gt[1];
        double y = dem->gt[3] + line * dem->gt[5];
        double z = 0.0;
        if (!OCTTransform(inv, 1, &x, &y, &z)) {
            ilrs__terrain_error(error, cap, "%s: GDAL cannot invert grid point (%.3f, %.3f)",
                                dem->path, pixel, line);
            rc = ILRS_ETWIN_PROJECTION;
            break;
        }
        double own_pixel, own_line; /* x = lon, y = lat (traditional GIS order) */
        int r = ilrs_dem_to_pixel(dem, y, x, &own_pixel, &own_line);
        double dp = own_pixel - pixel, dl = own_line - line;
        if (r != 0 || !(hypot(dp, dl) <= SELF_CHECK_PIXELS)) {
            ilrs__terrain_error(error, cap,
                                "%s: own projection disagrees with GDAL OSR by (%.3g, %.3g) "
                                "pixels at (%.3f, %.3f)",
                                dem->path, dp, dl, pixel, line);
            rc = ILRS_ETWIN_PROJECTION;
        }
    }
    OCTDestroyCoordinateTransformation(inv);
    return rc;
}

/* Bytes the payload must hold for a raw format (0 if unknown). */
static long long raw_payload_bytes(GDALDatasetH ds, size_t width, size_t height)
{
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    long long bytes = (long long)width * (long long)height * GDALGetRasterCount(ds) *
                      GDALGetDataTypeSizeBytes(GDALGetRasterDataType(band));
    const char *offset = GDALGetMetadataItem(ds, "header_offset", "ENVI");
    if (offset != NULL) {
        bytes += atoll(offset);
    }
    return bytes;
}

static int load_heights(ilrs_dem_t *dem, GDALRasterBandH band, char *error, size_t cap)
{
    size_t n = dem->width * dem->height;
    dem->heights = malloc(n * sizeof *dem->heights);
    if (dem->heights == NULL) {
        ilrs__terrain_error(error, cap, "%s: out of memory for %zu samples", dem->path, n);
        return ILRS_ENOMEM;
    }
    /* Read row blocks as double so that scale/offset are applied in double. */
    size_t rows = 64;
    double *buf = malloc(rows * dem->width * sizeof *buf);
    if (buf == NULL) {
        ilrs__terrain_error(error, cap, "%s: out of memory", dem->path);
        return ILRS_ENOMEM;
    }
    int has_nodata = 0;
    double nodata = GDALGetRasterNoDataValue(band, &has_nodata);
    double lo = INFINITY, hi = -INFINITY;
    int rc = 0;
    for (size_t r0 = 0; r0 < dem->height && rc == 0; r0 += rows) {
        size_t count = dem->height - r0 < rows ? dem->height - r0 : rows;
        CPLErr e = GDALRasterIO(band, GF_Read, (int)0, (int)r0, (int)dem->width, (int)count, buf,
                                (int)dem->width, (int)count, GDT_Float64, 0, 0);
        if (e != CE_None) {
            ilrs__terrain_error(error, cap, "%s: reading rows %zu..%zu failed: %s", dem->path, r0,
                                r0 + count - 1, CPLGetLastErrorMsg());
            rc = ILRS_EIO;
            break;
        }
        for (size_t i = 0; i < count * dem->width; i++) {
            double v = buf[i];
            float h;
            if (isnan(v) || (has_nodata && v == nodata)) {
                h = NAN;
            } else {
                double m = v * dem->gdal_scale + dem->gdal_offset - dem->height_offset;
                h = (float)m;
                lo = m < lo ? m : lo;
                hi = m > hi ? m : hi;
            }
            dem->heights[r0 * dem->width + i] = h;
        }
    }
    free(buf);
    if (rc == 0 && !(lo <= hi)) {
        ilrs__terrain_error(error, cap, "%s: no valid height sample", dem->path);
        rc = ILRS_ETWIN_DEM;
    }
    if (rc == 0 && (lo < -30000.0 || hi > 30000.0)) {
        /* The Moon's relief spans about -9.1 .. +10.8 km (LOLA); anything far
         * beyond means a wrong scale/offset, not terrain. */
        ilrs__terrain_error(error, cap,
                            "%s: heights %.1f .. %.1f m are not lunar topography (check "
                            "scale %.9g, offset %.9g)",
                            dem->path, lo, hi, dem->gdal_scale, dem->gdal_offset);
        rc = ILRS_ETWIN_DEM;
    }
    dem->min_height = lo;
    dem->max_height = hi;
    return rc;
}

static int dem_open(const char *path, ilrs_dem_t **out, char *error, size_t error_cap);

int ilrs_dem_open(const char *path, ilrs_dem_t **out, char *error, size_t error_cap)
{
    int rc = dem_open(path, out, error, error_cap);
    ilrs__terrain_count(rc == 0 ? ILRS__TC_DEM_OPENED : ILRS__TC_DEM_REJECTED);
    return rc;
}

static int dem_open(const char *path, ilrs_dem_t **out, char *error, size_t error_cap)
{
    if (error != NULL && error_cap > 0) {
        error[0] = '\0';
    }
    if (out == NULL) {
        return ILRS_EINVAL;
    }
    *out = NULL;
    if (path == NULL || path[0] == '\0') {
        ilrs__terrain_error(error, error_cap, "DEM path is empty");
        return ILRS_EINVAL;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        ilrs__terrain_error(error, error_cap, "%s: %s", path, strerror(errno));
        return ILRS_EIO;
    }
    if (!S_ISREG(st.st_mode)) {
        ilrs__terrain_error(error, error_cap, "%s: not a regular file", path);
        return ILRS_EIO;
    }
    ilrs_dem_t *dem = calloc(1, sizeof *dem);
    if (dem == NULL) {
        return ILRS_ENOMEM;
    }
    int rc = 0;
    GDALDatasetH ds = NULL;
    OGRSpatialReferenceH geog = NULL;
    dem->path = strdup(path);
    if (dem->path == NULL) {
        rc = ILRS_ENOMEM;
        goto out_dem;
    }
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    char open_path[PATH_MAX];
    resolve_open_path(path, open_path, sizeof open_path);
    ds = GDALOpenEx(open_path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (ds == NULL) {
        ilrs__terrain_error(error, error_cap, "%s: GDAL cannot read it as a raster: %s", path,
                            CPLGetLastErrorMsg()[0] ? CPLGetLastErrorMsg() : "unknown format");
        rc = ILRS_ETWIN_DEM;
        goto out_handler;
    }
    snprintf(dem->driver, sizeof dem->driver, "%s",
             GDALGetDriverShortName(GDALGetDatasetDriver(ds)));
    int w = GDALGetRasterXSize(ds), h = GDALGetRasterYSize(ds);
    if (GDALGetRasterCount(ds) < 1 || w < 2 || h < 2 || (size_t)w * (size_t)h > DEM_MAX_SAMPLES) {
        ilrs__terrain_error(error, error_cap,
                            "%s: %d x %d grid with %d band(s) (need >= 2 x 2, <= %zu samples, "
                            ">= 1 band)",
                            path, w, h, GDALGetRasterCount(ds), DEM_MAX_SAMPLES);
        rc = ILRS_ETWIN_DEM;
        goto out_ds;
    }
    dem->width = (size_t)w;
    dem->height = (size_t)h;

    char payload[PATH_MAX];
    long long payload_size = 0;
    rc = describe_files(ds, path, &dem->identity, payload, sizeof payload, &payload_size);
    if (rc != 0) {
        goto out_ds;
    }
    if (is_raw_driver(dem->driver) && payload_size >= 0) {
        long long need = raw_payload_bytes(ds, dem->width, dem->height);
        if (payload_size < need) {
            ilrs__terrain_error(error, error_cap,
                                "%s: truncated: %s holds %lld bytes, the header describes "
                                "%lld (%zu x %zu)",
                                path, payload, payload_size, need, dem->width, dem->height);
            rc = ILRS_ETRUNC;
            goto out_ds;
        }
    }

    if (GDALGetGeoTransform(ds, dem->gt) != CE_None) {
        ilrs__terrain_error(error, error_cap, "%s: no georeferencing (geotransform)", path);
        rc = ILRS_ETWIN_PROJECTION;
        goto out_ds;
    }
    if (dem->gt[2] != 0.0 || dem->gt[4] != 0.0 || !(dem->gt[1] > 0.0) || !(dem->gt[5] < 0.0)) {
        ilrs__terrain_error(error, error_cap,
                            "%s: grid is not north-up (geotransform %g %g %g %g %g %g)", path,
                            dem->gt[0], dem->gt[1], dem->gt[2], dem->gt[3], dem->gt[4], dem->gt[5]);
        rc = ILRS_ETWIN_PROJECTION;
        goto out_ds;
    }
    OGRSpatialReferenceH ds_srs = GDALGetSpatialRef(ds);
    if (ds_srs == NULL) {
        ilrs__terrain_error(error, error_cap, "%s: no coordinate system", path);
        rc = ILRS_ETWIN_PROJECTION;
        goto out_ds;
    }
    dem->srs = OSRClone(ds_srs);
    if (dem->srs == NULL) {
        rc = ILRS_ENOMEM;
        goto out_ds;
    }
    OSRSetAxisMappingStrategy((OGRSpatialReferenceH)dem->srs, OAMS_TRADITIONAL_GIS_ORDER);
    rc = read_projection(dem, (OGRSpatialReferenceH)dem->srs, error, error_cap);
    if (rc != 0) {
        goto out_ds;
    }
    dem->cos_lon0 = cos(dem->lon0);
    dem->sin_lon0 = sin(dem->lon0);
    /* Pixel-centre indices: GDAL pixel p has its centre at p + 0.5. */
    dem->col_scale = 1.0 / dem->gt[1];
    dem->col_shift = -dem->gt[0] / dem->gt[1] - 0.5;
    dem->row_scale = 1.0 / dem->gt[5];
    dem->row_shift = -dem->gt[3] / dem->gt[5] - 0.5;
    dem->period_x = 2.0 * ILRS__PI * dem->radius * dem->cos_lat_ts;
    dem->wrap_x = dem->projection != ILRS_DEM_POLAR_STEREOGRAPHIC &&
                  fabs((double)dem->width * dem->gt[1] - dem->period_x) <= 1e-3 * dem->gt[1];
    if (dem->projection != ILRS_DEM_POLAR_STEREOGRAPHIC) {
        /* Where the grid's x range starts, so longitudes wrap into it. */
        dem->period_x = dem->wrap_x || (double)dem->width * dem->gt[1] < dem->period_x
                            ? dem->period_x
                            : (double)dem->width * dem->gt[1];
    }
    ilrs_dem_set_latitude_limits(dem, -90.0, 90.0);

    geog = OSRCloneGeogCS((OGRSpatialReferenceH)dem->srs);
    if (geog == NULL) {
        rc = ILRS_ENOMEM;
        goto out_ds;
    }
    OSRSetAxisMappingStrategy(geog, OAMS_TRADITIONAL_GIS_ORDER);
    dem->to_grid = OCTNewCoordinateTransformation(geog, (OGRSpatialReferenceH)dem->srs);
    if (dem->to_grid == NULL) {
        ilrs__terrain_error(error, error_cap, "%s: GDAL cannot build the projection: %s", path,
                            CPLGetLastErrorMsg());
        rc = ILRS_ETWIN_PROJECTION;
        goto out_geog;
    }
    rc = self_check(dem, geog, error, error_cap);
    if (rc != 0) {
        goto out_geog;
    }

    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    int has = 0;
    dem->gdal_scale = GDALGetRasterScale(band, &has);
    if (!has || !isfinite(dem->gdal_scale) || dem->gdal_scale == 0.0) {
        dem->gdal_scale = 1.0;
    }
    dem->gdal_offset = GDALGetRasterOffset(band, &has);
    if (!has || !isfinite(dem->gdal_offset)) {
        dem->gdal_offset = 0.0;
    }
    /* PDS3 LOLA labels give OFFSET = 1737400 (the reference radius): scale*DN +
     * OFFSET is then a planetary radius (LDEM_4.LBL notes); an ENVI gain/offset
     * pair gives heights directly. Anything radius-sized is taken as a radius. */
    dem->height_offset =
        fabs(dem->gdal_offset) > 0.5 * ILRS_TERRAIN_SPHERE_M ? ILRS_TERRAIN_SPHERE_M : 0.0;
    rc = load_heights(dem, band, error, error_cap);

out_geog:
    OSRDestroySpatialReference(geog);
out_ds:
    GDALClose(ds);
out_handler:
    CPLPopErrorHandler();
out_dem:
    if (rc != 0) {
        ilrs_dem_destroy(dem);
    } else {
        *out = dem;
    }
    return rc;
}

void ilrs_dem_destroy(ilrs_dem_t *dem)
{
    if (dem == NULL) {
        return;
    }
    if (dem->to_grid != NULL) {
        OCTDestroyCoordinateTransformation((OGRCoordinateTransformationH)dem->to_grid);
    }
    if (dem->srs != NULL) {
        OSRDestroySpatialReference((OGRSpatialReferenceH)dem->srs);
    }
    free(dem->heights);
    free(dem->identity);
    free(dem->path);
    free(dem);
}

void ilrs_dem_get_info(const ilrs_dem_t *dem, ilrs_dem_info_t *info)
{
    memset(info, 0, sizeof *info);
    info->path = dem->path;
    info->driver = dem->driver;
    info->width = dem->width;
    info->height = dem->height;
    info->projection = dem->projection;
    info->south = dem->south;
    info->radius_m = dem->projection == ILRS_DEM_GEOGRAPHIC
                         ? OSRGetSemiMajor((OGRSpatialReferenceH)dem->srs, NULL)
                         : dem->radius;
    memcpy(info->geotransform, dem->gt, sizeof dem->gt);
    info->pixel_m = dem->pixel_m;
    info->gdal_scale = dem->gdal_scale;
    info->gdal_offset = dem->gdal_offset;
    info->height_offset_m = dem->height_offset;
    info->min_height_m = dem->min_height;
    info->max_height_m = dem->max_height;
    info->lat_min_deg = dem->lat_min;
    info->lat_max_deg = dem->lat_max;
}

int ilrs_dem_set_latitude_limits(ilrs_dem_t *dem, double lat_min_deg, double lat_max_deg)
{
    if (dem == NULL ||
        !(lat_min_deg >= -90.0 && lat_min_deg < lat_max_deg && lat_max_deg <= 90.0)) {
        return ILRS_EINVAL;
    }
    dem->lat_min = lat_min_deg;
    dem->lat_max = lat_max_deg;
    dem->sin_lat_min = lat_min_deg <= -90.0 ? -2.0 : sin(lat_min_deg * DEG);
    dem->sin_lat_max = lat_max_deg >= 90.0 ? 2.0 : sin(lat_max_deg * DEG);
    return 0;
}

int ilrs_dem_to_pixel(const ilrs_dem_t *dem, double lat_deg, double lon_deg, double *pixel,
                      double *line)
{
    *pixel = *line = NAN;
    if (!isfinite(lat_deg) || !isfinite(lon_deg) || fabs(lat_deg) > 90.0) {
        return ILRS_ERANGE;
    }
    double p[3], x, y;
    ilrs__unit_from_latlon(lat_deg * DEG, lon_deg * DEG, p);
    if (!ilrs__dem_project_unit(dem, p, &x, &y)) {
        return ILRS_ERANGE;
    }
    *pixel = (x - dem->gt[0]) / dem->gt[1];
    *line = (y - dem->gt[3]) / dem->gt[5];
    return 0;
}

int ilrs_dem_to_pixel_osr(const ilrs_dem_t *dem, double lat_deg, double lon_deg, double *pixel,
                          double *line)
{
    *pixel = *line = NAN;
    if (!isfinite(lat_deg) || !isfinite(lon_deg) || fabs(lat_deg) > 90.0) {
        return ILRS_ERANGE;
    }
    double x = lon_deg, y = lat_deg, z = 0.0;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    int ok = OCTTransform((OGRCoordinateTransformationH)dem->to_grid, 1, &x, &y, &z);
    CPLPopErrorHandler();
    if (!ok || !isfinite(x) || !isfinite(y)) {
        return ILRS_ERANGE;
    }
    *pixel = (x - dem->gt[0]) / dem->gt[1];
    *line = (y - dem->gt[3]) / dem->gt[5];
    return 0;
}

int ilrs_dem_height(const ilrs_dem_t *dem, double lat_deg, double lon_deg, double *height_m)
{
    *height_m = NAN;
    if (!isfinite(lat_deg) || !isfinite(lon_deg) || fabs(lat_deg) > 90.0) {
        return ILRS_ERANGE;
    }
    double p[3], h;
    ilrs__unit_from_latlon(lat_deg * DEG, lon_deg * DEG, p);
    if (!ilrs__dem_sample_unit(dem, p, &h)) {
        return ILRS_ETWIN_DEM_COVER;
    }
    *height_m = h;
    return 0;
}
