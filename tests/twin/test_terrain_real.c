/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Terrain on the real LOLA grids of ../shared/data/dem (README there): the
 * three ENVI polar stereographic grids and the PDS3 LDEM_4 product. Heights at
 * Connecting Ridge and the Chang'e-7 target are compared with values read
 * independently with GDAL's command-line tool, e.g.
 *
 *     cd shared/data/dem
 *     gdallocationinfo south_pole_240m/height_code_u16le.raw 720 818
 *     ->  Value: 38966   Descaled Value: 1947.55808346685
 *
 * (pixel, line) are the four pixel centres around each site; the test
 * interpolates them bilinearly itself, at fractional positions from the
 * README's projection formula. For LDEM_4 gdallocationinfo's "Descaled
 * Value" is the planetary radius (label OFFSET = 1737400), so the height is
 * that minus 1737400 m.
 */
#include <math.h>
#include <stdlib.h>

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

#define PI     3.14159265358979323846
#define DEG    (PI / 180.0)
#define R_MOON 1737400.0

#define RIDGE   "connecting_ridge_site01_10m/height_code_u16le.hdr"
#define POLE240 "south_pole_240m/height_code_u16le.hdr"
#define FAR     "south_pole_far_1787m/height_code_u16le.hdr"

static void data_path(char *buf, size_t cap, const char *rel)
{
    const char *data = getenv("ILRS_DATA_DIR");
    if (data != NULL && data[0] != '\0') {
        snprintf(buf, cap, "%s/dem/%s", data, rel);
    } else {
        snprintf(buf, cap, "%s/../shared/data/dem/%s", ILRS_SOURCE_DIR, rel);
    }
}

static ilrs_dem_t *open_dem(const char *rel)
{
    char path[1024], err[512];
    data_path(path, sizeof path, rel);
    ilrs_dem_t *dem = NULL;
    int rc = ilrs_dem_open(path, &dem, err, sizeof err);
    if (rc != 0) {
        print_error("%s\n", err);
    }
    assert_int_equal(rc, 0);
    return dem;
}

struct grid_case {
    const char *rel;
    double x0, y0, p; /* README table */
    int col, row;     /* upper-left of the four pixel centres */
    double v[4];      /* gdallocationinfo: (col,row) (col+1,row) (col,row+1) (col+1,row+1) */
};

static double bilinear(const double v[4], double fc, double fr)
{
    double top = v[0] + (v[1] - v[0]) * fc;
    double bottom = v[2] + (v[3] - v[2]) * fc;
    return top + (bottom - top) * fr;
}

static void check_polar(const struct grid_case *g, double lat, double lon)
{
    ilrs_dem_t *dem = open_dem(g->rel);
    double rho = 2.0 * R_MOON * tan((90.0 + lat) * DEG / 2.0);
    double x = rho * sin(lon * DEG), y = rho * cos(lon * DEG);
    double c = (x - g->x0) / g->p - 0.5, r = (g->y0 - y) / g->p - 0.5;
    assert_int_equal((int)floor(c), g->col);
    assert_int_equal((int)floor(r), g->row);
    double expect = bilinear(g->v, c - g->col, r - g->row);
    double h;
    assert_int_equal(ilrs_dem_height(dem, lat, lon, &h), 0);
    /* float storage of ~2000 m heights: 1.2e-4 m per ulp. */
    assert_near(h, expect, 1e-3);
    ilrs_dem_destroy(dem);
}

static void heights_connecting_ridge(void **state)
{
    (void)state;
    /* gdallocationinfo <grid>/height_code_u16le.raw <pixel> <line>, Descaled Value. */
    static const struct grid_case cases[3] = {
        {RIDGE,
         -19000.0,
         -4000.0,
         10.0,
         768,
         825,
         {1955.02973830777, 1955.37069047074, 1953.62804608225, 1953.74169680324}},
        {POLE240,
         -184320.0,
         184320.0,
         240.0,
         720,
         818,
         {1947.55808346685, 1947.94029144732, 1953.10009918364, 1944.11821164263}},
        {FAR,
         -457440.0,
         457440.0,
         1786.875,
         249,
         262,
         {1794.17840085451, 1807.28558022431, 1826.10072480354, 1714.68970016022}},
    };
    for (int i = 0; i < 3; i++) {
        check_polar(&cases[i], -89.45, 222.7);
    }
}

static void heights_change7_target(void **state)
{
    (void)state;
    static const struct grid_case cases[2] = {
        {POLE240,
         -184320.0,
         184320.0,
         240.0,
         894,
         850,
         {1618.85922026398, 1582.54946211948, 1631.28097962921, 1601.0865491722}},
        {FAR,
         -457440.0,
         457440.0,
         1786.875,
         272,
         266,
         {1481.72015716793, 1231.20390630961, 1550.00433356222, 1440.07315175097}},
    };
    for (int i = 0; i < 2; i++) {
        check_polar(&cases[i], -88.8, 123.4);
    }
    /* The 16 km ridge tile does not reach the Chang'e-7 target. */
    ilrs_dem_t *ridge = open_dem(RIDGE);
    double h;
    assert_int_equal(ilrs_dem_height(ridge, -88.8, 123.4, &h), ILRS_ETWIN_DEM_COVER);
    ilrs_dem_destroy(ridge);
}

/* The data README's cross-product check at Connecting Ridge RoI 4 (89.4527°S,
 * 222.8513°E): 10 m tile 1956.3 m (lunar-ops quotes 1956.4 m from
 * LDEM_83S_10MPP_ADJ), 240 m grid 1947.6 m. The 240 m value is quoted to a
 * pixel (240 m) where the grid slopes by a few metres, hence 1 m there. */
static void heights_roi4_readme(void **state)
{
    (void)state;
    ilrs_dem_t *ridge = open_dem(RIDGE), *pole = open_dem(POLE240);
    double h;
    assert_int_equal(ilrs_dem_height(ridge, -89.4527, 222.8513, &h), 0);
    assert_near(h, 1956.3, 0.1);
    assert_int_equal(ilrs_dem_height(pole, -89.4527, 222.8513, &h), 0);
    assert_near(h, 1947.6, 1.0);
    ilrs_dem_destroy(ridge);
    ilrs_dem_destroy(pole);
}

/* GDAL's scale/offset for the ENVI grids equal the README's table. */
static void envi_gain_offset_match_readme(void **state)
{
    (void)state;
    static const struct {
        const char *rel;
        double min, max, gain;
    } t[3] = {{POLE240, -5499.0, 7025.0, 0.191104},
              {FAR, -6829.5, 7025.0, 0.211406},
              {RIDGE, -523.2, 1959.5, 0.037884}};
    for (int i = 0; i < 3; i++) {
        ilrs_dem_t *dem = open_dem(t[i].rel);
        ilrs_dem_info_t info;
        ilrs_dem_get_info(dem, &info);
        assert_string_equal(info.driver, "ENVI");
        assert_int_equal(info.projection, ILRS_DEM_POLAR_STEREOGRAPHIC);
        assert_true(info.south);
        assert_near(info.gdal_offset, t[i].min, 1e-9);
        assert_near(info.gdal_scale, t[i].gain, 5e-7);
        assert_near(info.gdal_scale, (t[i].max - t[i].min) / 65535.0, 1e-9);
        assert_near(info.height_offset_m, 0.0, 0.0);
        /* Heights stay inside the encoded [min, max]. */
        assert_true(info.min_height_m >= t[i].min - 1e-3);
        assert_true(info.max_height_m <= t[i].max + 1e-3);
        ilrs_dem_destroy(dem);
    }
}

static void pds_ldem4(void **state)
{
    (void)state;
    /* Either file of the PDS3 pair opens the product. */
    ilrs_dem_t *img = open_dem("ldem_4/LDEM_4.IMG");
    ilrs_dem_t *lbl = open_dem("ldem_4/LDEM_4.LBL");
    ilrs_dem_info_t info;
    ilrs_dem_get_info(img, &info);
    assert_string_equal(info.driver, "PDS");
    assert_int_equal(info.projection, ILRS_DEM_EQUIRECTANGULAR);
    assert_int_equal(info.width, 1440);
    assert_int_equal(info.height, 720);
    assert_near(info.gdal_scale, 0.5, 0.0);
    assert_near(info.gdal_offset, 1737400.0, 0.0);
    assert_near(info.height_offset_m, 1737400.0, 0.0);
    /* README: sample j centre at lon 0.125 + j/4, line i at lat 89.875 - i/4. */
    double p, l;
    assert_int_equal(ilrs_dem_to_pixel(img, 12.3, 45.6, &p, &l), 0);
    assert_near(p, 45.6 * 4.0, 1e-3);
    assert_near(l, (90.0 - 12.3) * 4.0, 1e-3);
    assert_int_equal(ilrs_dem_to_pixel(img, -60.0, 359.9, &p, &l), 0);
    assert_near(p, 359.9 * 4.0, 1e-3);
    double po, lo;
    assert_int_equal(ilrs_dem_to_pixel_osr(img, 12.3, 45.6, &po, &lo), 0);
    assert_near(po, 45.6 * 4.0, 1e-3);
    assert_near(lo, (90.0 - 12.3) * 4.0, 1e-3);
    /* gdallocationinfo ldem_4/LDEM_4.LBL <pixel> <line>: radius - 1737400. */
    static const struct {
        double lat, lon;
        int col, row;
        double v[4];
    } t[2] = {{-89.45, 222.7, 890, 717, {1656.0, 1663.5, 1099.0, 1074.5}},
              {-88.8, 123.4, 493, 714, {703.5, 592.5, 1475.0, 1484.0}}};
    for (int i = 0; i < 2; i++) {
        double c = (t[i].lon - 0.125) * 4.0, r = (89.875 - t[i].lat) * 4.0;
        double expect = bilinear(t[i].v, c - t[i].col, r - t[i].row);
        double h1, h2;
        assert_int_equal(ilrs_dem_height(img, t[i].lat, t[i].lon, &h1), 0);
        assert_int_equal(ilrs_dem_height(lbl, t[i].lat, t[i].lon, &h2), 0);
        /* GDAL's geotransform uses the label's MAP_SCALE 7580.84 m/pix, the README's
         * formula 4 px/deg exactly (7580.8366 m): 4.5e-7 relative, i.e. up to
         * 2e-4 px at the poles, where the grid climbs ~800 m per pixel. */
        assert_near(h1, expect, 0.2);
        assert_true(h1 == h2);
    }
    /* The global grid wraps: between the last and first columns (lon 359.9..0.1). */
    double a, b, mid;
    assert_int_equal(ilrs_dem_height(img, 10.0, 359.875, &a), 0);
    assert_int_equal(ilrs_dem_height(img, 10.0, 0.125, &b), 0);
    assert_int_equal(ilrs_dem_height(img, 10.0, 0.0, &mid), 0);
    assert_near(mid, 0.5 * (a + b), 0.1); /* MAP_SCALE rounding, see above */
    assert_true(fabs(a - b) > 1.0);       /* the test is not vacuous */
    /* Beyond the last row centre (89.875°S) the grid does not cover. */
    assert_int_equal(ilrs_dem_height(img, -89.95, 10.0, &a), ILRS_ETWIN_DEM_COVER);
    ilrs_dem_destroy(img);
    ilrs_dem_destroy(lbl);
}

/* Own projection vs GDAL OSR on the real grids' georeferencing. */
static void projection_matches_osr_on_real_grids(void **state)
{
    (void)state;
    const char *rels[3] = {RIDGE, POLE240, FAR};
    for (int k = 0; k < 3; k++) {
        ilrs_dem_t *dem = open_dem(rels[k]);
        for (int i = 0; i < 200; i++) {
            double lat = -89.99 + 0.05 * (i % 20), lon = 1.8 * i;
            double p1, l1, p2, l2;
            assert_int_equal(ilrs_dem_to_pixel(dem, lat, lon, &p1, &l1), 0);
            assert_int_equal(ilrs_dem_to_pixel_osr(dem, lat, lon, &p2, &l2), 0);
            assert_true(hypot(p1 - p2, l1 - l2) < 1e-6);
        }
        ilrs_dem_destroy(dem);
    }
}

static ilrs_horizon_t *mask(double lat, double lon, double eye, ilrs_dem_t *const *dems, size_t n)
{
    ilrs_horizon_config_t cfg = {.lat_deg = lat,
                                 .lon_deg = lon,
                                 .observer_height_m = eye,
                                 .azimuth_bins = 360,
                                 .max_range_m = 300000.0};
    ilrs_horizon_t *h = NULL;
    char err[512];
    int rc = ilrs_horizon_compute(&cfg, dems, n, &h, err, sizeof err);
    if (rc != 0) {
        print_error("%s\n", err);
    }
    assert_int_equal(rc, 0);
    return h;
}

static double rms_difference(const ilrs_horizon_t *a, const ilrs_horizon_t *b)
{
    double ss = 0.0;
    for (unsigned i = 0; i < 360; i++) {
        double d = ilrs_horizon_bin_elevation(a, i) - ilrs_horizon_bin_elevation(b, i);
        ss += d * d;
    }
    return sqrt(ss / 360.0);
}

/* Rim and ridge sites see a low skyline: within a few degrees of horizontal
 * (Mazarico et al. 2011 fig. 3; data README). */
static void horizons_at_both_sites(void **state)
{
    (void)state;
    ilrs_dem_t *dems[3] = {open_dem(RIDGE), open_dem(POLE240), open_dem(FAR)};
    assert_int_equal(ilrs_dem_set_latitude_limits(dems[2], -90.0, -79.0), 0);
    ilrs_horizon_t *cr = mask(-89.45, 222.7, 2.0, dems, 3);
    ilrs_horizon_t *ce7 = mask(-88.8, 123.4, 2.0, dems, 3);
    ilrs_horizon_info_t a, c;
    ilrs_horizon_get_info(cr, &a);
    ilrs_horizon_get_info(ce7, &c);
    print_message("Connecting Ridge: ground %.1f m, horizon %.3f .. %.3f deg\n", a.ground_height_m,
                  a.min_elevation_deg, a.max_elevation_deg);
    print_message("Chang'e-7 target: ground %.1f m, horizon %.3f .. %.3f deg\n", c.ground_height_m,
                  c.min_elevation_deg, c.max_elevation_deg);
    assert_true(a.max_elevation_deg < 5.0 && a.min_elevation_deg > -5.0);
    assert_true(c.max_elevation_deg < 5.0 && c.min_elevation_deg > -5.0);
    assert_int_equal(a.uncovered_samples, 0);
    assert_int_equal(c.uncovered_samples, 0);
    /* The site's ground comes from the finest grid (the 10 m tile at the ridge). */
    double tile;
    assert_int_equal(ilrs_dem_height(dems[0], -89.45, 222.7, &tile), 0);
    assert_true(a.ground_height_m == tile);
    ilrs_horizon_destroy(cr);
    ilrs_horizon_destroy(ce7);
    for (int i = 0; i < 3; i++) {
        ilrs_dem_destroy(dems[i]);
    }
}

/* Nesting: with a 2 m eye the 10 m tile's near field (micro-relief the 240 m
 * grid smooths away) changes the skyline by about a degree; with a 50 m mast
 * the skyline is set by distant terrain, and nested and 240 m-only masks
 * must agree closely. Within the tile's reach, the nested mask equals a mask
 * of the tile alone wherever the skyline is nearer than the tile's edge. */
static void nesting_consistent(void **state)
{
    (void)state;
    ilrs_dem_t *dems[3] = {open_dem(RIDGE), open_dem(POLE240), open_dem(FAR)};
    assert_int_equal(ilrs_dem_set_latitude_limits(dems[2], -90.0, -79.0), 0);
    ilrs_horizon_t *nested = mask(-89.45, 222.7, 50.0, dems, 3);
    ilrs_horizon_t *coarse = mask(-89.45, 222.7, 50.0, &dems[1], 2);
    double rms = rms_difference(nested, coarse);
    print_message("50 m mast: nested vs 240 m only: rms %.4f deg\n", rms);
    assert_true(rms < 0.1);
    ilrs_horizon_t *near2 = mask(-89.45, 222.7, 2.0, dems, 3);
    ilrs_horizon_config_t cfg = {.lat_deg = -89.45,
                                 .lon_deg = 222.7,
                                 .observer_height_m = 2.0,
                                 .azimuth_bins = 360,
                                 .max_range_m = 7000.0};
    ilrs_horizon_t *tile = NULL;
    char err[256];
    assert_int_equal(ilrs_horizon_compute(&cfg, dems, 1, &tile, err, sizeof err), 0);
    int same = 0;
    for (unsigned i = 0; i < 360; i++) {
        double n = ilrs_horizon_bin_elevation(near2, i), t = ilrs_horizon_bin_elevation(tile, i);
        assert_true(n >= t); /* more terrain can only raise the skyline */
        same += n == t;
    }
    print_message("2 m eye: %d of 360 azimuths set within 7 km\n", same);
    assert_true(same > 0);
    ilrs_horizon_destroy(nested);
    ilrs_horizon_destroy(coarse);
    ilrs_horizon_destroy(near2);
    ilrs_horizon_destroy(tile);
    for (int i = 0; i < 3; i++) {
        ilrs_dem_destroy(dems[i]);
    }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(heights_connecting_ridge),
    cmocka_unit_test(heights_change7_target),
    cmocka_unit_test(heights_roi4_readme),
    cmocka_unit_test(envi_gain_offset_match_readme),
    cmocka_unit_test(pds_ldem4),
    cmocka_unit_test(projection_matches_osr_on_real_grids),
    cmocka_unit_test(horizons_at_both_sites),
    cmocka_unit_test(nesting_consistent),
};

ILRS_TEST_MAIN(tests)
