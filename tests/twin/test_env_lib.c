// SPDX-License-Identifier: Apache-2.0
//
// The environment-at-a-site functions of twin_env.c (what `ilrs env` calls
// per sample): slope and aspect from a DEM against planes of known tilt, the
// sample against the section functions it combines, the regolith step under
// the sample's forcing, and the spin-up reaching a periodic state.
#include "ilrs_test.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include <ilrs/twin.h>

#define DEG (3.14159265358979323846 / 180.0)

/* A south polar stereographic float32 ENVI grid, 401 x 401 pixels of 100 m
 * centred on the pole, heights h = c * y (y = projected northing, m). */
static void write_ramp(const char *base, double c)
{
    const int n = 401;
    const double px = 100.0, half = px * (n / 2) + px / 2.0;
    char path[512];
    snprintf(path, sizeof path, "%s.hdr", base);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "ENVI\nsamples = %d\nlines = %d\nbands = 1\nheader offset = 0\n"
            "file type = ENVI Standard\ndata type = 4\ninterleave = bsq\nbyte order = 0\n"
            "map info = {Polar Stereographic, 1, 1, %.1f, %.1f, %.1f, %.1f, units=Meters}\n"
            "projection info = {31, 1737400.0, 1737400.0, -90.0, 0.0, 0.0, 0.0, Polar "
            "Stereographic}\n"
            "coordinate system string = {PROJCS[\"Moon_South_Pole_Stereographic_R1737400\","
            "GEOGCS[\"GCS_Moon_2000\",DATUM[\"D_Moon_2000\",SPHEROID[\"Moon_2000_IAU_IAG\","
            "1737400.0,0.0]],PRIMEM[\"Reference_Meridian\",0.0],UNIT[\"Degree\","
            "0.0174532925199433]],PROJECTION[\"Stereographic\"],PARAMETER[\"False_Easting\","
            "0.0],PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",0.0],"
            "PARAMETER[\"Scale_Factor\",1.0],PARAMETER[\"Latitude_Of_Origin\",-90.0],"
            "UNIT[\"Meter\",1.0]]}\n",
            n, n, -half, half, px, px);
    assert_int_equal(fclose(f), 0);
    snprintf(path, sizeof path, "%s.raw", base);
    f = fopen(path, "wb");
    assert_non_null(f);
    for (int row = 0; row < n; row++) {
        double y = half - px * (row + 0.5); /* pixel centre northing */
        for (int col = 0; col < n; col++) {
            float h = (float)(c * y);
            assert_int_equal(fwrite(&h, sizeof h, 1, f), 1);
        }
    }
    assert_int_equal(fclose(f), 0);
}

static void env_dem_slope_of_planes(void **state)
{
    (void)state;
    char dir[] = "/tmp/ilrs_env_lib_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char base[256], hdr[300];
    snprintf(base, sizeof base, "%s/ramp", dir);
    snprintf(hdr, sizeof hdr, "%s.hdr", base);
    const double c = 0.1; /* 5.71 deg */
    write_ramp(base, c);
    ilrs_dem_t *dem = NULL;
    char err[512];
    int rc = ilrs_dem_open(hdr, &dem, err, sizeof err);
    if (rc != 0) {
        print_error("%s\n", err);
    }
    assert_int_equal(rc, 0);
    /* South polar stereographic: x = rho sin(lon), y = rho cos(lon) (Snyder
     * 1987 eq. 21-5, 21-6 for the south aspect). At lon 0 north is +y, so
     * h = c y rises to the north and the aspect (downhill) is 180 deg; at
     * lon 90 north is +x and east is -y, so the ground falls to the east
     * (aspect 90 deg); at lon 180 north is -y (aspect 0 deg). The slope is
     * atan(c / k) with the stereographic scale k = 2/(1 + sin|lat|), which is
     * 1.00002 at 89.5 deg, below the tolerance. */
    static const struct {
        double lon, aspect;
    } cases[] = {{0.0, 180.0}, {90.0, 90.0}, {180.0, 0.0}, {-90.0, 270.0}, {45.0, 135.0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double slope, aspect;
        assert_int_equal(ilrs_env_dem_slope(&dem, 1, -89.5, cases[i].lon, &slope, &aspect), 0);
        double da = fabs(aspect - cases[i].aspect);
        da = fmin(da, 360.0 - da);
        if (fabs(slope - atan(c) / DEG) > 0.01 || da > 0.05) {
            print_error("lon %g: slope %.5f (expected %.5f), aspect %.4f (expected %g)\n",
                        cases[i].lon, slope, atan(c) / DEG, aspect, cases[i].aspect);
        }
        assert_true(fabs(slope - atan(c) / DEG) < 0.01);
        assert_true(da < 0.05);
    }
    /* Outside the grid: not covered; at the pole: east/west undefined. */
    double slope, aspect;
    assert_int_equal(ilrs_env_dem_slope(&dem, 1, -80.0, 0.0, &slope, &aspect),
                     ILRS_ETWIN_DEM_COVER);
    assert_true(isnan(slope) && isnan(aspect));
    assert_int_equal(ilrs_env_dem_slope(&dem, 1, -90.0, 0.0, &slope, &aspect), ILRS_ERANGE);
    ilrs_dem_destroy(dem);
    unlink(hdr);
    snprintf(hdr, sizeof hdr, "%s.raw", base);
    unlink(hdr);
    rmdir(dir);
}

/* The sample equals the section functions it combines, and the regolith
 * step is the one ilrs_regolith_step takes under the sample's forcing. */
static void env_sample_combines_sections(void **state)
{
    (void)state;
    char err[512];
    ilrs_ephem_t *eph = NULL;
    assert_int_equal(ilrs_ephem_create(ILRS_EPHEM_AUTO, NULL, &eph, err, sizeof err), 0);
    ilrs_site_t site;
    assert_int_equal(ilrs_site_init(&site, -30.0, 20.0, 0.0), 0);
    /* A skyline at 10 deg everywhere: a table mask. */
    double az[4] = {0, 90, 180, 270}, el[4] = {10, 10, 10, 10};
    ilrs_horizon_t *mask = NULL;
    assert_int_equal(ilrs_horizon_from_table(az, el, 4, NULL, &mask, err, sizeof err), 0);
    ilrs_regolith_params_t p;
    ilrs_regolith_params_default(&p);
    ilrs_regolith_t *a = NULL, *b = NULL;
    assert_int_equal(ilrs_regolith_create(&p, &a, err, sizeof err), 0);
    assert_int_equal(ilrs_regolith_create(&p, &b, err, sizeof err), 0);
    const double depths[2] = {0.05, 0.3};
    ilrs_env_config_t cfg = {.ephem = eph,
                             .site = &site,
                             .horizon = mask,
                             .regolith = a,
                             .slope_deg = 10.0,
                             .aspect_deg = 45.0,
                             .depths_m = depths,
                             .depth_count = 2};
    ilrs_tai_t t0;
    assert_int_equal(ilrs_ephem_parse_utc("2026-04-01", &t0), 0);
    int partial = 0;
    for (int k = 1; k <= 24 * 30; k++) { /* a month, hourly */
        ilrs_tai_t t = t0 + (int64_t)k * 3600 * ILRS_NS_PER_S;
        ilrs_env_sample_t s;
        assert_int_equal(ilrs_env_sample(&cfg, t, 3600.0, &s), 0);
        ilrs_sky_t sky;
        assert_int_equal(ilrs_ephem_sky(eph, &site, t, &sky), 0);
        assert_true(s.t == t && s.has_regolith && !s.has_orbiter);
        assert_true(s.sky.sun.el_deg == sky.sun.el_deg && s.sky.earth.az_deg == sky.earth.az_deg);
        double fs =
            ilrs_illum_disk_fraction(mask, sky.sun.az_deg, sky.sun.el_deg, sky.sun_radius_deg);
        assert_true(s.sun_fraction == fs);
        assert_true(s.earth_fraction == ilrs_illum_disk_fraction(mask, sky.earth.az_deg,
                                                                  sky.earth.el_deg,
                                                                  sky.earth_radius_deg));
        assert_true(fabs(s.sun_horizon_deg - 10.0) < 1e-12);
        partial += fs > 0.0 && fs < 1.0;
        double ci = ilrs_regolith_cos_incidence(sky.sun.az_deg, sky.sun.el_deg, 10.0, 45.0);
        assert_true(s.cos_incidence == ci);
        ilrs_regolith_forcing_t f = {.solar_flux_w_m2 = sky.solar_flux_w_m2,
                                     .cos_incidence = ci > 0.0 ? ci : 0.0,
                                     .visible_fraction = fs};
        assert_int_equal(ilrs_regolith_step(b, 3600.0, &f), 0);
        assert_true(s.t_surface_k == ilrs_regolith_surface_temperature(b));
        double tb;
        assert_int_equal(ilrs_regolith_temperature_at(b, 0.3, &tb), 0);
        assert_true(s.t_depth_k[1] == tb);
    }
    /* The Sun crossed the 10 deg skyline during the month. */
    assert_true(partial > 0);
    /* A zero step reports the column unchanged. */
    ilrs_env_sample_t s0, s1;
    assert_int_equal(ilrs_env_sample(&cfg, t0, 0.0, &s0), 0);
    assert_int_equal(ilrs_env_sample(&cfg, t0, 0.0, &s1), 0);
    assert_true(s0.t_surface_k == s1.t_surface_k);
    /* Bad arguments. */
    cfg.depth_count = ILRS_ENV_MAX_DEPTHS + 1;
    assert_int_equal(ilrs_env_sample(&cfg, t0, 0.0, &s0), ILRS_EINVAL);
    cfg.depth_count = 2;
    assert_int_equal(ilrs_env_sample(&cfg, t0, -1.0, &s0), ILRS_EINVAL);
    assert_int_equal(ilrs_env_sample(NULL, t0, 0.0, &s0), ILRS_EINVAL);
    ilrs_regolith_destroy(a);
    ilrs_regolith_destroy(b);
    ilrs_horizon_destroy(mask);
    ilrs_ephem_destroy(eph);
}

/* After the spin-up over the year before `from`, the column is in a periodic
 * state: a second pass through the same year moves the deep temperature by
 * less than 0.1 K, whereas the first pass from the Hayne start moved it by
 * kelvins. */
static void env_spin_up_reaches_periodic_state(void **state)
{
    (void)state;
    char err[512];
    ilrs_ephem_t *eph = NULL;
    assert_int_equal(ilrs_ephem_create(ILRS_EPHEM_AUTO, NULL, &eph, err, sizeof err), 0);
    ilrs_site_t site;
    assert_int_equal(ilrs_site_init(&site, -60.0, 0.0, 0.0), 0);
    ilrs_regolith_params_t p;
    ilrs_regolith_params_default(&p);
    p.initial_temperature_k = ilrs_regolith_equilibrium_temperature(&p, 1361.0, cos(60.0 * DEG));
    ilrs_regolith_t *col = NULL;
    assert_int_equal(ilrs_regolith_create(&p, &col, err, sizeof err), 0);
    double bottom;
    (void)ilrs_regolith_node_count(col, &bottom);
    ilrs_env_config_t cfg = {.ephem = eph, .site = &site, .regolith = col};
    ilrs_tai_t from;
    assert_int_equal(ilrs_ephem_parse_utc("2027-01-01", &from), 0);
    const double year = 365.25 * 86400.0;
    double t_start;
    assert_int_equal(ilrs_regolith_temperature_at(col, bottom, &t_start), 0);
    assert_int_equal(ilrs_env_spin_up(&cfg, eph, from, year, 7200.0, 12), 0);
    double t12;
    assert_int_equal(ilrs_regolith_temperature_at(col, bottom, &t12), 0);
    assert_int_equal(ilrs_env_spin_up(&cfg, eph, from, year, 7200.0, 1), 0);
    double t13;
    assert_int_equal(ilrs_regolith_temperature_at(col, bottom, &t13), 0);
    print_message("bottom (%.3f m): start %.2f K, after 12 years %.3f K, one more %.3f K\n",
                  bottom, t_start, t12, t13);
    assert_true(fabs(t12 - t_start) > 1.0);
    assert_true(fabs(t13 - t12) < 0.1);
    /* Bad arguments. */
    assert_int_equal(ilrs_env_spin_up(&cfg, eph, from, year, 0.0, 1), ILRS_EINVAL);
    assert_int_equal(ilrs_env_spin_up(&cfg, NULL, from, year, 7200.0, 1), ILRS_EINVAL);
    cfg.regolith = NULL;
    assert_int_equal(ilrs_env_spin_up(&cfg, eph, from, year, 7200.0, 1), ILRS_EINVAL);
    ilrs_regolith_destroy(col);
    ilrs_ephem_destroy(eph);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(env_dem_slope_of_planes),
    cmocka_unit_test(env_sample_combines_sections),
    cmocka_unit_test(env_spin_up_reaches_periodic_state),
};

ILRS_TEST_MAIN(tests)
