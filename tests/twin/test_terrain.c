/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Terrain on synthetic DEMs written with GDAL inside the test: GeoTIFF read back
 * in three projections (bilinear is exact on planes), the library's projection
 * against GDAL OSR, horizon masks with analytic answers (a flat sphere gives
 * -acos(R/(R+h)); a wall of known height and distance gives the exact
 * spherical elevation), DEM nesting, the cache, CSV tables, and every
 * bad-input error.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, setenv */
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gdal.h>
#include <ogr_srs_api.h>

#include <ilrs/twin.h>

#include "ilrs_test.h"

/* cmocka 1.1.5 has no double comparison: print both sides and the tolerance. */
#define assert_near(a, b, tol)                                                                     \
    do {                                                                                           \
        double a_ = (a), b_ = (b), t_ = (tol);                                                     \
        if (!(fabs(a_ - b_) <= t_)) {                                                              \
            fail_msg("%s = %.17g, expected %.17g +- %g", #a, a_, b_, t_);                          \
        }                                                                                          \
    } while (0)

#define PI         3.14159265358979323846
#define DEG        (PI / 180.0)
#define R_MOON     1737400.0
#define PROJ_SOUTH "+proj=stere +lat_0=-90 +lon_0=0 +k=1 +x_0=0 +y_0=0 +R=1737400 +units=m"

/* ---------------------------------------------------------------- helpers */

static char tmp_dir[256];

static void make_tmp(void)
{
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/ilrs_terrain_XXXXXX");
    assert_non_null(mkdtemp(tmp_dir));
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            remove_tree(p);
        } else {
            unlink(p);
        }
    }
    closedir(d);
    rmdir(dir);
}

static void tmp_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", tmp_dir, name);
}

typedef double (*height_fn)(double x, double y, void *ctx);

/* Write a north-up Float32 GeoTIFF: pixel (c, r) centre at
 * (x0 + (c + 0.5) p, y0 - (r + 0.5) p) holds fn(x, y). */
static void write_geotiff(const char *path, const char *proj4, double x0, double y0, double px,
                          double py, int w, int h, height_fn fn, void *ctx, const double *nodata)
{
    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    assert_non_null(drv);
    GDALDatasetH ds = GDALCreate(drv, path, w, h, 1, GDT_Float32, NULL);
    assert_non_null(ds);
    if (proj4 != NULL) {
        double gt[6] = {x0, px, 0.0, y0, 0.0, -py};
        assert_int_equal(GDALSetGeoTransform(ds, gt), CE_None);
        OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
        assert_int_equal(OSRImportFromProj4(srs, proj4), OGRERR_NONE);
        assert_int_equal(GDALSetSpatialRef(ds, srs), CE_None);
        OSRDestroySpatialReference(srs);
    }
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    if (nodata != NULL) {
        GDALSetRasterNoDataValue(band, *nodata);
    }
    float *row = malloc((size_t)w * sizeof *row);
    assert_non_null(row);
    for (int r = 0; r < h; r++) {
        for (int c = 0; c < w; c++) {
            row[c] = (float)fn(x0 + (c + 0.5) * px, y0 - (r + 0.5) * py, ctx);
        }
        assert_int_equal(GDALRasterIO(band, GF_Write, 0, r, w, 1, row, w, 1, GDT_Float32, 0, 0),
                         CE_None);
    }
    free(row);
    GDALClose(ds);
}

static double plane_fn(double x, double y, void *ctx)
{
    (void)ctx;
    return 100.0 + 0.01 * x - 0.02 * y;
}

static double zero_fn(double x, double y, void *ctx)
{
    (void)x;
    (void)y;
    (void)ctx;
    return 0.0;
}

/* Flight-style log capture. */
static int warn_count;
static char last_log[1024];
static void capture_log(void *user, int level, const char *module, const char *message)
{
    (void)user;
    (void)module;
    if (level >= ILRS_LOG_WARN) {
        warn_count++;
        snprintf(last_log, sizeof last_log, "%s", message);
    }
}

/* README formula for the south polar grids (data/dem/README.md). */
static void readme_xy(double lat, double lon, double *x, double *y)
{
    double rho = 2.0 * R_MOON * tan((90.0 + lat) * DEG / 2.0);
    *x = rho * sin(lon * DEG);
    *y = rho * cos(lon * DEG);
}

/* Independent elevation of terrain point (radius rt at central angle g) seen
 * from radius ro, via 3-D vectors (not the library's 2-D atan2 form). */
static double vector_elevation_deg(double ro, double rt, double g)
{
    double o[3] = {0.0, 0.0, ro};
    double t[3] = {rt * sin(g), 0.0, rt * cos(g)};
    double v[3] = {t[0] - o[0], t[1] - o[1], t[2] - o[2]};
    double n = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    return asin(v[2] / n) / DEG;
}

/* ---------------------------------------------------------------- GeoTIFF */

static void geotiff_polar_read_back(void **state)
{
    (void)state;
    make_tmp();
    char path[512];
    tmp_path(path, sizeof path, "plane.tif");
    /* 16 km square around Connecting Ridge, 20 m pixels. */
    write_geotiff(path, PROJ_SOUTH, -19000.0, -4000.0, 20.0, 20.0, 800, 800, plane_fn, NULL, NULL);
    ilrs_dem_t *dem = NULL;
    char err[512];
    assert_int_equal(ilrs_dem_open(path, &dem, err, sizeof err), 0);
    ilrs_dem_info_t info;
    ilrs_dem_get_info(dem, &info);
    assert_string_equal(info.driver, "GTiff");
    assert_int_equal(info.projection, ILRS_DEM_POLAR_STEREOGRAPHIC);
    assert_true(info.south);
    assert_int_equal(info.width, 800);
    assert_near(info.radius_m, R_MOON, 1e-6);
    /* A plane in projected coordinates is reproduced exactly by bilinear
     * interpolation (float storage: ~1e-4 m at these heights). */
    for (int i = 0; i < 50; i++) {
        double lat = -89.40 - 0.002 * i, lon = 215.0 + 0.3 * i;
        double x, y, hgt;
        readme_xy(lat, lon, &x, &y);
        int rc = ilrs_dem_height(dem, lat, lon, &hgt);
        if (x > -18990.0 && x < -3010.0 && y > -19990.0 && y < -4010.0) {
            assert_int_equal(rc, 0);
            assert_near(hgt, plane_fn(x, y, NULL), 2e-3);
        } else {
            assert_int_equal(rc, ILRS_ETWIN_DEM_COVER);
        }
    }
    ilrs_dem_destroy(dem);
    remove_tree(tmp_dir);
}

static double lonlat_plane(double x, double y, void *ctx)
{
    (void)ctx;
    return -500.0 + 40.0 * x + 25.0 * y; /* x = lon (deg or m), y = lat */
}

static double equirect_plane(double x, double y, void *ctx)
{
    (void)ctx;
    return -500.0 + 1e-3 * x + 2e-3 * y;
}

static void geotiff_geographic_and_equirectangular(void **state)
{
    (void)state;
    make_tmp();
    char geo[512], eqc[512], err[512];
    tmp_path(geo, sizeof geo, "geo.tif");
    tmp_path(eqc, sizeof eqc, "eqc.tif");
    /* Geographic degrees, 10..20°E, 5..-5°N, 0.05° pixels. */
    write_geotiff(geo, "+proj=longlat +R=1737400 +no_defs", 10.0, 5.0, 0.05, 0.05, 200, 200,
                  lonlat_plane, NULL, NULL);
    /* Equirectangular, standard parallel 30°, centred on 180°E. */
    write_geotiff(eqc, "+proj=eqc +lat_ts=30 +lon_0=180 +R=1737400 +units=m", -300000.0, 300000.0,
                  1000.0, 1000.0, 600, 600, equirect_plane, NULL, NULL);
    ilrs_dem_t *g = NULL, *e = NULL;
    assert_int_equal(ilrs_dem_open(geo, &g, err, sizeof err), 0);
    assert_int_equal(ilrs_dem_open(eqc, &e, err, sizeof err), 0);
    ilrs_dem_info_t info;
    ilrs_dem_get_info(g, &info);
    assert_int_equal(info.projection, ILRS_DEM_GEOGRAPHIC);
    ilrs_dem_get_info(e, &info);
    assert_int_equal(info.projection, ILRS_DEM_EQUIRECTANGULAR);
    double hgt;
    assert_int_equal(ilrs_dem_height(g, 1.234, 14.321, &hgt), 0);
    assert_near(hgt, lonlat_plane(14.321, 1.234, NULL), 2e-3);
    /* 179.5°E and -179.5°E (= 180.5°E) straddle the grid's central meridian. */
    static const double pts[3][2] = {{2.5, 179.5}, {-3.0, 180.5}, {4.0, -179.0}};
    for (int i = 0; i < 3; i++) {
        double lat = pts[i][0], lon = pts[i][1];
        double dl = fmod(lon - 180.0 + 540.0, 360.0) - 180.0;
        double x = R_MOON * dl * DEG * cos(30.0 * DEG), y = R_MOON * lat * DEG;
        assert_int_equal(ilrs_dem_height(e, lat, lon, &hgt), 0);
        assert_near(hgt, equirect_plane(x, y, NULL), 2e-3);
    }
    assert_int_equal(ilrs_dem_height(e, 0.0, 90.0, &hgt), ILRS_ETWIN_DEM_COVER);
    ilrs_dem_destroy(g);
    ilrs_dem_destroy(e);
    remove_tree(tmp_dir);
}

/* The library's own projection against GDAL OSR over the whole grid. */
static void projection_own_vs_osr(void **state)
{
    (void)state;
    make_tmp();
    char path[512], err[512];
    tmp_path(path, sizeof path, "wide.tif");
    write_geotiff(path, PROJ_SOUTH, -400000.0, 400000.0, 4000.0, 4000.0, 200, 200, zero_fn, NULL,
                  NULL);
    ilrs_dem_t *dem = NULL;
    assert_int_equal(ilrs_dem_open(path, &dem, err, sizeof err), 0);
    double worst = 0.0;
    for (int i = 0; i <= 40; i++) {
        for (int j = 0; j < 36; j++) {
            double lat = -90.0 + 0.3 * i, lon = -180.0 + 10.0 * j + 0.37;
            double p1, l1, p2, l2;
            assert_int_equal(ilrs_dem_to_pixel(dem, lat, lon, &p1, &l1), 0);
            assert_int_equal(ilrs_dem_to_pixel_osr(dem, lat, lon, &p2, &l2), 0);
            double d = hypot(p1 - p2, l1 - l2);
            worst = d > worst ? d : worst;
        }
    }
    assert_true(worst < 1e-6);
    /* And against the README's formula. */
    double x, y, p, l;
    readme_xy(-89.45, 222.7, &x, &y);
    assert_int_equal(ilrs_dem_to_pixel(dem, -89.45, 222.7, &p, &l), 0);
    assert_near(p, (x + 400000.0) / 4000.0, 1e-9);
    assert_near(l, (400000.0 - y) / 4000.0, 1e-9);
    ilrs_dem_destroy(dem);
    remove_tree(tmp_dir);
}

static void nodata_not_covered(void **state)
{
    (void)state;
    make_tmp();
    char path[512], err[512];
    tmp_path(path, sizeof path, "nodata.tif");
    double nd = -32768.0;
    write_geotiff(path, PROJ_SOUTH, -19000.0, -4000.0, 20.0, 20.0, 800, 800, plane_fn, NULL, &nd);
    /* Punch a no-data pixel at Connecting Ridge. */
    double x, y;
    readme_xy(-89.45, 222.7, &x, &y);
    int c = (int)floor((x + 19000.0) / 20.0), r = (int)floor((-4000.0 - y) / 20.0);
    GDALDatasetH ds = GDALOpen(path, GA_Update);
    assert_non_null(ds);
    float v = (float)nd;
    assert_int_equal(
        GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, c, r, 1, 1, &v, 1, 1, GDT_Float32, 0, 0),
        CE_None);
    GDALClose(ds);
    ilrs_dem_t *dem = NULL;
    assert_int_equal(ilrs_dem_open(path, &dem, err, sizeof err), 0);
    double hgt;
    assert_int_equal(ilrs_dem_height(dem, -89.45, 222.7, &hgt), ILRS_ETWIN_DEM_COVER);
    assert_true(isnan(hgt));
    assert_int_equal(ilrs_dem_height(dem, -89.40, 222.7, &hgt), 0);
    ilrs_dem_destroy(dem);
    remove_tree(tmp_dir);
}

/* ---------------------------------------------------------------- errors */

static void error_missing_file(void **state)
{
    (void)state;
    ilrs_dem_t *dem = (ilrs_dem_t *)&dem;
    char err[512];
    ilrs_terrain_counters_t before, after;
    ilrs_terrain_get_counters(&before);
    assert_int_equal(ilrs_dem_open("no/such/dem.tif", &dem, err, sizeof err), ILRS_EIO);
    ilrs_terrain_get_counters(&after);
    assert_int_equal(after.dems_rejected, before.dems_rejected + 1); /* counted */
    assert_null(dem);
    assert_non_null(strstr(err, "no/such/dem.tif"));
    assert_int_equal(ilrs_dem_open(NULL, &dem, err, sizeof err), ILRS_EINVAL);
}

static void error_truncated_envi(void **state)
{
    (void)state;
    make_tmp();
    const char *data = getenv("ILRS_DATA_DIR");
    char src[1024], raw[512], hdr[512], err[512];
    if (data != NULL && data[0] != '\0') {
        snprintf(src, sizeof src, "%s/dem/south_pole_far_1787m/height_code_u16le", data);
    } else {
        snprintf(src, sizeof src, "%s/../shared/data/dem/south_pole_far_1787m/height_code_u16le",
                 ILRS_SOURCE_DIR);
    }
    tmp_path(raw, sizeof raw, "cut.raw");
    tmp_path(hdr, sizeof hdr, "cut.hdr");
    char in[1100];
    snprintf(in, sizeof in, "%s.hdr", src);
    FILE *f = fopen(in, "rb");
    assert_non_null(f);
    static char buf[600000];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    f = fopen(hdr, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n, f), n);
    fclose(f);
    snprintf(in, sizeof in, "%s.raw", src);
    f = fopen(in, "rb");
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_int_equal(n, 512 * 512 * 2);
    f = fopen(raw, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, n - 1000, f), n - 1000); /* cut 1000 bytes */
    fclose(f);
    ilrs_dem_t *dem = NULL;
    assert_int_equal(ilrs_dem_open(hdr, &dem, err, sizeof err), ILRS_ETRUNC);
    assert_null(dem);
    assert_non_null(strstr(err, "cut.hdr"));
    assert_non_null(strstr(err, "524288"));
    remove_tree(tmp_dir);
}

static void error_unknown_projection(void **state)
{
    (void)state;
    make_tmp();
    char path[512], err[512];
    ilrs_dem_t *dem = NULL;
    tmp_path(path, sizeof path, "tmerc.tif");
    write_geotiff(path, "+proj=tmerc +lat_0=0 +lon_0=0 +k=1 +R=1737400 +units=m", 0.0, 1000.0, 10.0,
                  10.0, 10, 10, zero_fn, NULL, NULL);
    assert_int_equal(ilrs_dem_open(path, &dem, err, sizeof err), ILRS_ETWIN_PROJECTION);
    assert_non_null(strstr(err, "Transverse_Mercator"));
    assert_non_null(strstr(err, "tmerc.tif"));
    /* An Earth ellipsoid. */
    tmp_path(path, sizeof path, "wgs84.tif");
    write_geotiff(path, "+proj=longlat +datum=WGS84", 0.0, 1.0, 0.1, 0.1, 10, 10, zero_fn, NULL,
                  NULL);
    assert_int_equal(ilrs_dem_open(path, &dem, err, sizeof err), ILRS_ETWIN_PROJECTION);
    assert_non_null(strstr(err, "ellipsoid"));
    /* An Earth-sized sphere. */
    tmp_path(path, sizeof path, "earth.tif");
    write_geotiff(path, "+proj=longlat +R=6371000", 0.0, 1.0, 0.1, 0.1, 10, 10, zero_fn, NULL,
                  NULL);
    assert_int_equal(ilrs_dem_open(path, &dem, err, sizeof err), ILRS_ETWIN_PROJECTION);
    assert_non_null(strstr(err, "6371000"));
    /* No georeferencing at all. */
    tmp_path(path, sizeof path, "bare.tif");
    write_geotiff(path, NULL, 0.0, 0.0, 1.0, 1.0, 10, 10, zero_fn, NULL, NULL);
    assert_int_equal(ilrs_dem_open(path, &dem, err, sizeof err), ILRS_ETWIN_PROJECTION);
    assert_null(dem);
    remove_tree(tmp_dir);
}

static void error_not_a_dem(void **state)
{
    (void)state;
    make_tmp();
    char path[512], err[512];
    tmp_path(path, sizeof path, "junk.tif");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("this is not a raster\n", f);
    fclose(f);
    ilrs_dem_t *dem = NULL;
    assert_int_equal(ilrs_dem_open(path, &dem, err, sizeof err), ILRS_ETWIN_DEM);
    assert_non_null(strstr(err, "junk.tif"));
    remove_tree(tmp_dir);
}

static void error_site_not_covered(void **state)
{
    (void)state;
    make_tmp();
    char path[512], err[512];
    tmp_path(path, sizeof path, "tile.tif");
    write_geotiff(path, PROJ_SOUTH, -19000.0, -4000.0, 20.0, 20.0, 800, 800, zero_fn, NULL, NULL);
    ilrs_dem_t *dem = NULL;
    assert_int_equal(ilrs_dem_open(path, &dem, err, sizeof err), 0);
    /* The Chang'e-7 target is 30 km from this tile. */
    ilrs_horizon_config_t cfg = {.lat_deg = -88.8, .lon_deg = 123.4, .observer_height_m = 2.0};
    ilrs_horizon_t *h = (ilrs_horizon_t *)&h;
    assert_int_equal(ilrs_horizon_compute(&cfg, &dem, 1, &h, err, sizeof err),
                     ILRS_ETWIN_DEM_COVER);
    assert_null(h);
    assert_non_null(strstr(err, "-88.8"));
    assert_non_null(strstr(err, "tile.tif"));
    /* Bad configurations name the field. */
    cfg.lat_deg = -89.45;
    cfg.lon_deg = 222.7;
    cfg.azimuth_bins = 2;
    assert_int_equal(ilrs_horizon_compute(&cfg, &dem, 1, &h, err, sizeof err), ILRS_EINVAL);
    assert_non_null(strstr(err, "azimuth_bins"));
    cfg.azimuth_bins = 360;
    cfg.observer_height_m = -1.0;
    assert_int_equal(ilrs_horizon_compute(&cfg, &dem, 1, &h, err, sizeof err), ILRS_EINVAL);
    assert_non_null(strstr(err, "observer_height_m"));
    cfg.observer_height_m = 2.0;
    cfg.max_range_m = -5.0;
    assert_int_equal(ilrs_horizon_compute(&cfg, &dem, 1, &h, err, sizeof err), ILRS_EINVAL);
    assert_non_null(strstr(err, "max_range_m"));
    cfg.max_range_m = 0.0;
    cfg.lat_deg = NAN;
    assert_int_equal(ilrs_horizon_compute(&cfg, &dem, 1, &h, err, sizeof err), ILRS_EINVAL);
    ilrs_dem_destroy(dem);
    remove_tree(tmp_dir);
}

/* ---------------------------------------------------------------- horizons */

/* Flat ground on the sphere: the horizon is the geometric dip acos(R/(R+h)). */
static void horizon_flat_sphere_dip(void **state)
{
    (void)state;
    make_tmp();
    char path[512], err[512];
    tmp_path(path, sizeof path, "flat.tif");
    write_geotiff(path, PROJ_SOUTH, -19000.0, -4000.0, 20.0, 20.0, 800, 800, zero_fn, NULL, NULL);
    ilrs_dem_t *dem = NULL;
    assert_int_equal(ilrs_dem_open(path, &dem, err, sizeof err), 0);
    /* The tile reaches >= 7.7 km from the site; the dip's tangent point is at
     * sqrt(2 R h) = 5.9 km for h = 10 m, so it lies inside. */
    static const double heights[3] = {1.0, 4.0, 10.0};
    for (int k = 0; k < 3; k++) {
        ilrs_horizon_config_t cfg = {.lat_deg = -89.45,
                                     .lon_deg = 222.7,
                                     .observer_height_m = heights[k],
                                     .azimuth_bins = 72};
        ilrs_horizon_t *h = NULL;
        assert_int_equal(ilrs_horizon_compute(&cfg, &dem, 1, &h, err, sizeof err), 0);
        double dip = acos(R_MOON / (R_MOON + heights[k])) / DEG;
        for (unsigned i = 0; i < 72; i++) {
            assert_near(ilrs_horizon_bin_elevation(h, i), -dip, 2e-5);
        }
        ilrs_horizon_info_t info;
        ilrs_horizon_get_info(h, &info);
        assert_near(info.ground_height_m, 0.0, 1e-9);
        assert_int_equal(info.uncovered_samples, 0);
        ilrs_horizon_destroy(h);
    }
    ilrs_dem_destroy(dem);
    remove_tree(tmp_dir);
}

struct wall {
    double x_c, height;
};

static double wall_fn(double x, double y, void *ctx)
{
    (void)y;
    const struct wall *w = ctx;
    return x >= w->x_c - 1e-6 ? w->height : 0.0;
}

/* A wall of height H whose first full-height column lies at ground distance
 * D = 5 km along the +x axis from an observer at the pole (azimuth 90° for a
 * site at longitude 0). Expected: the exact spherical elevation of the wall
 * top at central angle D/R. */
static void horizon_wall_analytic(void **state)
{
    (void)state;
    make_tmp();
    const double D = 5000.0, H = 300.0, eye = 2.0, p = 20.0;
    /* The ray samples at multiples of p/2 (5000 m is one); put a pixel centre
     * exactly on the projected wall distance 2R tan(D/2R). */
    struct wall w = {.x_c = 2.0 * R_MOON * tan(D / (2.0 * R_MOON)), .height = H};
    int c_wall = 650;
    double x0 = w.x_c - (c_wall + 0.5) * p;
    char path[512], err[512];
    tmp_path(path, sizeof path, "wall.tif");
    write_geotiff(path, PROJ_SOUTH, x0, 8000.0, p, p, 800, 800, wall_fn, &w, NULL);
    ilrs_dem_t *dem = NULL;
    assert_int_equal(ilrs_dem_open(path, &dem, err, sizeof err), 0);
    ilrs_horizon_config_t cfg = {
        .lat_deg = -90.0, .lon_deg = 0.0, .observer_height_m = eye, .azimuth_bins = 360};
    ilrs_horizon_t *h = NULL;
    assert_int_equal(ilrs_horizon_compute(&cfg, &dem, 1, &h, err, sizeof err), 0);
    double expect = vector_elevation_deg(R_MOON + eye, R_MOON + H, D / R_MOON);
    assert_near(ilrs_horizon_bin_elevation(h, 90), expect, 1e-6);
    /* The flat-Earth angle atan((H - eye)/D) differs by the curvature term. */
    double flat = atan((H - eye) / D) / DEG;
    assert_true(fabs(flat - expect) > 0.05);
    /* 30° off the wall normal the wall starts at D / cos 30° (from the pole the
     * ray is a straight line in the projection). The march samples every 10 m
     * and the angle falls by (H / d^2) 10 m = 0.005° per step, so the result
     * lies in [exact - 0.006°, exact]; it cannot exceed the exact value since
     * nothing nearer is as high. */
    double d60 = 2.0 * atan(w.x_c / cos(30.0 * DEG) / (2.0 * R_MOON)) * R_MOON;
    double e60 = vector_elevation_deg(R_MOON + eye, R_MOON + H, d60 / R_MOON);
    for (unsigned bin = 60; bin <= 120; bin += 60) {
        double got = ilrs_horizon_bin_elevation(h, bin);
        assert_true(got <= e60 + 1e-9);
        assert_true(got >= e60 - 6e-3);
    }
    /* Away from the wall the ground is flat: the dip. */
    double dip = acos(R_MOON / (R_MOON + eye)) / DEG;
    assert_near(ilrs_horizon_bin_elevation(h, 270), -dip, 1e-4);
    ilrs_horizon_destroy(h);
    ilrs_dem_destroy(dem);
    remove_tree(tmp_dir);
}

static double spike_fn(double x, double y, void *ctx)
{
    (void)ctx;
    /* A 2 km tall block 2 km east of the pole, and a 1 km wall 30 km east. */
    if (x > 1900.0 && x < 2300.0 && fabs(y) < 200.0) {
        return 2000.0;
    }
    return x > 30000.0 ? 1000.0 : 0.0;
}

/* Nesting: the fine tile wins where it covers (its flat ground hides the coarse
 * grid's block), the coarse grid supplies what lies beyond the tile. */
static void horizon_nested_dems(void **state)
{
    (void)state;
    make_tmp();
    char fine[512], coarse[512], err[512];
    tmp_path(fine, sizeof fine, "fine.tif");
    tmp_path(coarse, sizeof coarse, "coarse.tif");
    write_geotiff(fine, PROJ_SOUTH, -5000.0, 5000.0, 10.0, 10.0, 1000, 1000, zero_fn, NULL, NULL);
    write_geotiff(coarse, PROJ_SOUTH, -60000.0, 60000.0, 100.0, 100.0, 1200, 1200, spike_fn, NULL,
                  NULL);
    ilrs_dem_t *dems[2] = {NULL, NULL};
    assert_int_equal(ilrs_dem_open(fine, &dems[0], err, sizeof err), 0);
    assert_int_equal(ilrs_dem_open(coarse, &dems[1], err, sizeof err), 0);
    ilrs_horizon_config_t cfg = {.lat_deg = -90.0,
                                 .lon_deg = 0.0,
                                 .observer_height_m = 2.0,
                                 .azimuth_bins = 360,
                                 .max_range_m = 55000.0};
    ilrs_horizon_t *nested = NULL, *coarse_only = NULL;
    assert_int_equal(ilrs_horizon_compute(&cfg, dems, 2, &nested, err, sizeof err), 0);
    assert_int_equal(ilrs_horizon_compute(&cfg, &dems[1], 1, &coarse_only, err, sizeof err), 0);
    /* Coarse alone sees the block at 2 km: about atan(2000/2000) = 45°. */
    assert_true(ilrs_horizon_bin_elevation(coarse_only, 90) > 40.0);
    /* Nested: the block is under the flat fine tile; the 30 km wall remains. */
    double wall =
        vector_elevation_deg(R_MOON + 2.0, R_MOON + 1000.0, 2.0 * atan(30050.0 / (2.0 * R_MOON)));
    assert_near(ilrs_horizon_bin_elevation(nested, 90), wall, 0.01);
    ilrs_horizon_destroy(nested);
    ilrs_horizon_destroy(coarse_only);
    ilrs_dem_destroy(dems[0]);
    ilrs_dem_destroy(dems[1]);
    remove_tree(tmp_dir);
}

static void horizon_no_dem_warns(void **state)
{
    (void)state;
    warn_count = 0;
    ilrs_log_set(capture_log, NULL);
    ilrs_horizon_config_t cfg = {
        .lat_deg = -89.45, .lon_deg = 222.7, .observer_height_m = 10.0, .azimuth_bins = 360};
    ilrs_horizon_t *h = NULL;
    char err[256];
    assert_int_equal(ilrs_horizon_compute(&cfg, NULL, 0, &h, err, sizeof err), 0);
    assert_int_equal(warn_count, 1);
    assert_non_null(strstr(last_log, "no DEM"));
    double dip = acos(R_MOON / (R_MOON + 10.0)) / DEG;
    assert_near(ilrs_horizon_elevation(h, 123.4), -dip, 1e-12);
    ilrs_log_set(NULL, NULL);
    ilrs_horizon_destroy(h);
}

/* ---------------------------------------------------------------- lookup */

static void horizon_lookup_interpolates_and_wraps(void **state)
{
    (void)state;
    const double az[4] = {0.0, 90.0, 180.0, 270.0}, el[4] = {0.0, 1.0, 2.0, 3.0};
    ilrs_horizon_t *h = NULL;
    char err[256];
    assert_int_equal(ilrs_horizon_from_table(az, el, 4, NULL, &h, err, sizeof err), 0);
    assert_near(ilrs_horizon_elevation(h, 45.0), 0.5, 1e-12);
    assert_near(ilrs_horizon_elevation(h, 315.0), 1.5, 1e-12);
    assert_near(ilrs_horizon_elevation(h, -45.0), 1.5, 1e-12);
    assert_near(ilrs_horizon_elevation(h, 405.0), 0.5, 1e-12);
    assert_near(ilrs_horizon_elevation(h, 720.0 + 270.0), 3.0, 1e-12);
    assert_true(isnan(ilrs_horizon_elevation(h, NAN)));
    assert_true(isnan(ilrs_horizon_bin_elevation(h, 4)));
    ilrs_horizon_info_t info;
    ilrs_horizon_get_info(h, &info);
    assert_int_equal(info.bins, 4);
    assert_true(isnan(info.lat_deg));
    double target[3] = {0.0, 0.0, -2e6}, a, e, r;
    assert_int_equal(ilrs_horizon_topocentric(h, target, &a, &e, &r), ILRS_ESTATE);
    ilrs_horizon_destroy(h);
    /* An irregular table is resampled onto uniform bins. */
    const double az2[3] = {10.0, 100.0, 200.0}, el2[3] = {1.0, 2.0, 0.0};
    assert_int_equal(ilrs_horizon_from_table(az2, el2, 3, NULL, &h, err, sizeof err), 0);
    ilrs_horizon_get_info(h, &info);
    assert_int_equal(info.bins, 360);
    assert_near(ilrs_horizon_elevation(h, 55.0), 1.5, 1e-12);
    /* Between 200° and 370° (= 10°): 0 -> 1 over 170°. */
    assert_near(ilrs_horizon_elevation(h, 285.0), 0.5, 1e-12);
    ilrs_horizon_destroy(h);
}

static void horizon_topocentric_directions(void **state)
{
    (void)state;
    ilrs_horizon_info_t site = {
        .lat_deg = -90.0, .lon_deg = 0.0, .ground_height_m = 1000.0, .observer_height_m = 2.0};
    const double az[4] = {0.0, 90.0, 180.0, 270.0}, el[4] = {0.0, 0.0, 0.0, 0.0};
    ilrs_horizon_t *h = NULL;
    char err[256];
    assert_int_equal(ilrs_horizon_from_table(az, el, 4, &site, &h, err, sizeof err), 0);
    double a, e, r;
    double above[3] = {0.0, 0.0, -(R_MOON + 1002.0 + 5000.0)};
    assert_int_equal(ilrs_horizon_topocentric(h, above, &a, &e, &r), 0);
    assert_near(e, 90.0, 1e-9);
    assert_near(r, 5000.0, 1e-6);
    /* At the pole with longitude 0, north points along +x, east along +y. */
    double east[3] = {0.0, 3.8e8, -(R_MOON + 1002.0)};
    assert_int_equal(ilrs_horizon_topocentric(h, east, &a, &e, &r), 0);
    assert_near(a, 90.0, 1e-9);
    assert_near(e, 0.0, 1e-9);
    double north[3] = {3.8e8, 0.0, -(R_MOON + 1002.0) - 3.8e8 * tan(1.0 * DEG)};
    assert_int_equal(ilrs_horizon_topocentric(h, north, &a, &e, &r), 0);
    assert_near(a, 0.0, 1e-9);
    assert_near(e, 1.0, 1e-9);
    ilrs_horizon_destroy(h);
}

/* ---------------------------------------------------------------- CSV */

static void csv_round_trip_exact(void **state)
{
    (void)state;
    make_tmp();
    double az[720], el[720];
    for (int i = 0; i < 720; i++) {
        az[i] = 0.5 * i;
        el[i] = 1.7 * sin(3.0 * az[i] * DEG) + 1e-9 * i + 0.123456789012345;
    }
    ilrs_horizon_info_t site = {
        .lat_deg = -88.8, .lon_deg = 123.4, .ground_height_m = 1614.2, .observer_height_m = 3.0};
    ilrs_horizon_t *h = NULL, *back = NULL;
    char err[256], path[512];
    assert_int_equal(ilrs_horizon_from_table(az, el, 720, &site, &h, err, sizeof err), 0);
    tmp_path(path, sizeof path, "mask.csv");
    assert_int_equal(ilrs_horizon_save_csv(h, path, err, sizeof err), 0);
    assert_int_equal(ilrs_horizon_load_csv(path, &back, err, sizeof err), 0);
    ilrs_horizon_info_t a, b;
    ilrs_horizon_get_info(h, &a);
    ilrs_horizon_get_info(back, &b);
    assert_int_equal(a.bins, b.bins);
    assert_true(a.lat_deg == b.lat_deg && a.lon_deg == b.lon_deg);
    assert_true(a.ground_height_m == b.ground_height_m);
    for (unsigned i = 0; i < a.bins; i++) {
        assert_true(ilrs_horizon_bin_elevation(h, i) == ilrs_horizon_bin_elevation(back, i));
    }
    ilrs_horizon_destroy(h);
    ilrs_horizon_destroy(back);
    assert_int_equal(ilrs_horizon_load_csv("no/such.csv", &back, err, sizeof err), ILRS_EIO);
    remove_tree(tmp_dir);
}

static int parse(const char *text, char *err, size_t cap)
{
    ilrs_horizon_t *h = (ilrs_horizon_t *)&h;
    int rc = ilrs_horizon_parse_csv(text, strlen(text), "t.csv", &h, err, cap);
    if (rc == 0) {
        ilrs_horizon_destroy(h);
    } else {
        assert_null(h);
    }
    return rc;
}

static void csv_errors(void **state)
{
    (void)state;
    char err[256];
    ilrs_terrain_counters_t before, after;
    ilrs_terrain_get_counters(&before);
    assert_int_equal(parse("0,x\n", err, sizeof err), ILRS_EFORMAT);
    ilrs_terrain_get_counters(&after);
    assert_int_equal(after.tables_rejected, before.tables_rejected + 1);
    assert_int_equal(parse("# c\r\nazimuth_deg,elevation_deg\r\n0,1\r\n90,2\r\n180,3\r\n270,4\r\n",
                           err, sizeof err),
                     0);
    assert_int_equal(parse("0,1\n90,x\n", err, sizeof err), ILRS_EFORMAT);
    assert_non_null(strstr(err, "t.csv:2"));
    assert_non_null(strstr(err, "elevation_deg"));
    assert_int_equal(parse("0,1\n90 2\n", err, sizeof err), ILRS_EFORMAT);
    assert_int_equal(parse("0,1\n360,2\n", err, sizeof err), ILRS_ERANGE);
    assert_non_null(strstr(err, "azimuth_deg 360"));
    assert_int_equal(parse("0,91\n", err, sizeof err), ILRS_ERANGE);
    assert_int_equal(parse("10,1\n5,2\n", err, sizeof err), ILRS_EFORMAT);
    assert_non_null(strstr(err, "does not increase"));
    assert_int_equal(parse("# only a comment\n\n", err, sizeof err), ILRS_EEMPTY);
    assert_int_equal(parse("0,nan\n", err, sizeof err), ILRS_EFORMAT);
    assert_int_equal(parse("0,1e999\n", err, sizeof err), ILRS_EFORMAT);
    assert_int_equal(parse("# site_lat_deg=abc\n0,1\n", err, sizeof err), ILRS_EFORMAT);
    assert_int_equal(parse("# site_lat_deg=-89\n0,1\n", err, sizeof err), ILRS_EFORMAT);
    assert_int_equal(parse("0,1,2\n", err, sizeof err), ILRS_EFORMAT);
    /* More rows than the limit. */
    size_t n = (ILRS_HORIZON_MAX_BINS + 1) * 24;
    char *big = malloc(n);
    assert_non_null(big);
    size_t len = 0;
    for (unsigned i = 0; i <= ILRS_HORIZON_MAX_BINS; i++) {
        len +=
            (size_t)snprintf(big + len, n - len, "%.6f,0\n", i * (359.0 / ILRS_HORIZON_MAX_BINS));
    }
    ilrs_horizon_t *h = NULL;
    assert_int_equal(ilrs_horizon_parse_csv(big, len, "big.csv", &h, err, sizeof err), ILRS_ELIMIT);
    free(big);
    /* A NUL byte inside a line, and no terminating NUL needed. */
    const char nul[] = {'0', ',', '1', '\0', '\n'};
    assert_int_equal(ilrs_horizon_parse_csv(nul, sizeof nul, "nul.csv", &h, err, sizeof err),
                     ILRS_EFORMAT);
    const char unterminated[] = {'0', ',', '1'};
    assert_int_equal(
        ilrs_horizon_parse_csv(unterminated, sizeof unterminated, "u.csv", &h, err, sizeof err), 0);
    assert_near(ilrs_horizon_elevation(h, 200.0), 1.0, 1e-12);
    ilrs_horizon_destroy(h);
}

/* ---------------------------------------------------------------- cache */

static void cache_dir_precedence(void **state)
{
    (void)state;
    char buf[512];
    setenv("HOME", "/home/someone", 1);
    unsetenv("XDG_CACHE_HOME");
    unsetenv("ILRS_CACHE_DIR");
    assert_int_equal(ilrs_horizon_cache_dir(buf, sizeof buf), 0);
    assert_string_equal(buf, "/home/someone/.cache/ilrs");
    setenv("XDG_CACHE_HOME", "/xdg", 1);
    assert_int_equal(ilrs_horizon_cache_dir(buf, sizeof buf), 0);
    assert_string_equal(buf, "/xdg/ilrs");
    setenv("ILRS_CACHE_DIR", "/elsewhere/c", 1);
    assert_int_equal(ilrs_horizon_cache_dir(buf, sizeof buf), 0);
    assert_string_equal(buf, "/elsewhere/c");
    assert_int_equal(ilrs_horizon_cache_dir(buf, 4), ILRS_EOVERFLOW);
    unsetenv("ILRS_CACHE_DIR");
    unsetenv("XDG_CACHE_HOME");
    unsetenv("HOME");
    assert_int_equal(ilrs_horizon_cache_dir(buf, sizeof buf), ILRS_ENOENT);
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return -1;
    }
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        n += e->d_name[0] != '.';
    }
    closedir(d);
    return n;
}

static void cache_hit_is_bit_exact(void **state)
{
    (void)state;
    make_tmp();
    char path[512], cache[512], err[512];
    tmp_path(path, sizeof path, "wall.tif");
    struct wall w = {.x_c = 3000.0, .height = 150.0};
    write_geotiff(path, PROJ_SOUTH, -8000.0, 8000.0, 20.0, 20.0, 800, 800, wall_fn, &w, NULL);
    tmp_path(cache, sizeof cache, "cache/sub");
    setenv("ILRS_CACHE_DIR", cache, 1);
    ilrs_dem_t *dem = NULL;
    assert_int_equal(ilrs_dem_open(path, &dem, err, sizeof err), 0);
    ilrs_horizon_config_t cfg = {
        .lat_deg = -89.99, .lon_deg = 45.0, .observer_height_m = 2.0, .azimuth_bins = 720};
    ilrs_horizon_t *a = NULL, *b = NULL, *c = NULL;
    bool hit = true;
    assert_int_equal(ilrs_horizon_get(&cfg, &dem, 1, NULL, &a, &hit, err, sizeof err), 0);
    assert_false(hit);
    assert_int_equal(count_files(cache), 1);
    ilrs_terrain_counters_t before, after;
    ilrs_terrain_get_counters(&before);
    assert_int_equal(ilrs_horizon_get(&cfg, &dem, 1, NULL, &b, &hit, err, sizeof err), 0);
    assert_true(hit);
    ilrs_terrain_get_counters(&after);
    assert_int_equal(after.cache_hits, before.cache_hits + 1);
    assert_int_equal(after.masks_computed, before.masks_computed);
    for (unsigned i = 0; i < 720; i++) {
        assert_true(ilrs_horizon_bin_elevation(a, i) == ilrs_horizon_bin_elevation(b, i));
    }
    double target[3] = {1e8, 2e8, -3e8}, a1, e1, r1, a2, e2, r2;
    assert_int_equal(ilrs_horizon_topocentric(a, target, &a1, &e1, &r1), 0);
    assert_int_equal(ilrs_horizon_topocentric(b, target, &a2, &e2, &r2), 0);
    assert_true(a1 == a2 && e1 == e2 && r1 == r2);
    /* Another height is another key: a second file. */
    cfg.observer_height_m = 3.0;
    assert_int_equal(ilrs_horizon_get(&cfg, &dem, 1, NULL, &c, &hit, err, sizeof err), 0);
    assert_false(hit);
    assert_int_equal(count_files(cache), 2);
    ilrs_horizon_destroy(c);
    c = NULL;
    /* A corrupted cache file is reported and recomputed. */
    DIR *d = opendir(cache);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", cache, e->d_name);
        FILE *f = fopen(p, "wb");
        fputs("garbage,garbage\n", f);
        fclose(f);
    }
    closedir(d);
    warn_count = 0;
    ilrs_log_set(capture_log, NULL);
    cfg.observer_height_m = 2.0;
    assert_int_equal(ilrs_horizon_get(&cfg, &dem, 1, NULL, &c, &hit, err, sizeof err), 0);
    assert_false(hit);
    assert_int_equal(warn_count, 1);
    assert_non_null(strstr(last_log, "unusable"));
    ilrs_terrain_get_counters(&after);
    assert_int_equal(after.cache_rejected, before.cache_rejected + 1);
    for (unsigned i = 0; i < 720; i++) {
        assert_true(ilrs_horizon_bin_elevation(a, i) == ilrs_horizon_bin_elevation(c, i));
    }
    ilrs_log_set(NULL, NULL);
    unsetenv("ILRS_CACHE_DIR");
    ilrs_horizon_destroy(a);
    ilrs_horizon_destroy(b);
    ilrs_horizon_destroy(c);
    ilrs_dem_destroy(dem);
    remove_tree(tmp_dir);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(geotiff_polar_read_back),
    cmocka_unit_test(geotiff_geographic_and_equirectangular),
    cmocka_unit_test(projection_own_vs_osr),
    cmocka_unit_test(nodata_not_covered),
    cmocka_unit_test(error_missing_file),
    cmocka_unit_test(error_truncated_envi),
    cmocka_unit_test(error_unknown_projection),
    cmocka_unit_test(error_not_a_dem),
    cmocka_unit_test(error_site_not_covered),
    cmocka_unit_test(horizon_flat_sphere_dip),
    cmocka_unit_test(horizon_wall_analytic),
    cmocka_unit_test(horizon_nested_dems),
    cmocka_unit_test(horizon_no_dem_warns),
    cmocka_unit_test(horizon_lookup_interpolates_and_wraps),
    cmocka_unit_test(horizon_topocentric_directions),
    cmocka_unit_test(csv_round_trip_exact),
    cmocka_unit_test(csv_errors),
    cmocka_unit_test(cache_dir_precedence),
    cmocka_unit_test(cache_hit_is_bit_exact),
};

ILRS_TEST_MAIN(tests)
