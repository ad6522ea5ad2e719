// SPDX-License-Identifier: Apache-2.0
//
// `ilrs env` with terrain, regolith, orbiter, stations and plots, end to end:
// runs the built ilrs binary ($ILRS_BIN, set by tests/twin/CMakeLists.txt)
// with a private horizon cache ($ILRS_CACHE_DIR in a temporary directory) and
// checks
//  - every kind of bad input is refused with a message naming the file or
//    value, before any work (no mask, no summary);
//  - the CSV against the library computing the same instants (terrain disk
//    fractions, orbiter look angles);
//  - the summary against published values: Connecting Ridge sunlit 92-96 %,
//    longest darkness 3-5 d at 10 m (Gläser et al. 2014, Icarus 243:78);
//    equatorial regolith noon ~385 K, pre-dawn ~95 K, 0.5 m ~250 K (Hayne et
//    al. 2017, JGR Planets 122:2371, and Diviner);
//  - the SVG is well-formed XML (xmllint) and the PNG is a PNG.
#include "ilrs_test.h"

#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ilrs/twin.h>

#define RIDGE   "connecting_ridge_site01_10m/height_code_u16le.hdr"
#define POLE240 "south_pole_240m/height_code_u16le.hdr"
#define FAR     "south_pole_far_1787m/height_code_u16le.hdr"

static char tmpdir[64];
static char out[1 << 16];

static const char *data_dir(void)
{
    static char buf[1024];
    const char *d = getenv("ILRS_DATA_DIR");
    if (d != NULL && d[0] != '\0') {
        return d;
    }
    snprintf(buf, sizeof buf, "%s/../shared/data", ILRS_SOURCE_DIR);
    return buf;
}

static const char *dem(const char *rel)
{
    static char bufs[4][2048];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, 2048, "%.1000s/dem/%.200s", data_dir(), rel);
    return b;
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ilrs_env_cli_XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

/* Run "ilrs <args>" with the private cache; capture stdout+stderr. */
static int run(const char *args)
{
    const char *bin = getenv("ILRS_BIN");
    assert_non_null(bin);
    static char cmd[8192];
    snprintf(cmd, sizeof cmd, "ILRS_CACHE_DIR='%s/cache' '%s' %s 2>&1", tmpdir, bin, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* An ENVI header like the ridge tile's with its own map lines. */
static void write_envi(const char *name, const char *map_lines, size_t raw_bytes)
{
    char path[512], text[2048];
    snprintf(text, sizeof text,
             "ENVI\nsamples = 100\nlines = 100\nbands = 1\nheader offset = 0\n"
             "file type = ENVI Standard\ndata type = 12\ninterleave = bsq\nbyte order = 0\n%s",
             map_lines);
    snprintf(path, sizeof path, "%s/%s.hdr", tmpdir, name);
    write_file(path, text, strlen(text));
    snprintf(path, sizeof path, "%s/%s.raw", tmpdir, name);
    char *raw = calloc(1, raw_bytes + 1);
    assert_non_null(raw);
    write_file(path, raw, raw_bytes);
    free(raw);
}

static void env_bad_input_refused_before_work(void **state)
{
    (void)state;
    const char *polar =
        "map info = {Polar Stereographic, 1, 1, -500.0, 500.0, 10.0, 10.0, units=Meters}\n"
        "projection info = {31, 1737400.0, 1737400.0, -90.0, 0.0, 0.0, 0.0, Polar "
        "Stereographic}\n";
    const char *utm = "map info = {UTM, 1, 1, 500000, 4000000, 10, 10, 33, North, WGS-84, "
                      "units=Meters}\n";
    write_envi("truncated", polar, 5000);   /* 100 x 100 x 2 = 20000 bytes expected */
    write_envi("utm", utm, 20000);          /* an Earth ellipsoid */
    write_envi("nogeo", "", 20000);         /* no georeferencing at all */
    /* A kernel directory whose SPK is cut short. */
    char kdir[256], path[512];
    snprintf(kdir, sizeof kdir, "%s/kernels", tmpdir);
    snprintf(path, sizeof path, "%s/spk", kdir);
    assert_int_equal(mkdir(kdir, 0700), 0);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/spk/cut.bsp", kdir);
    char daf[3072] = "DAF/SPK LTL-IEEE";
    write_file(path, daf, sizeof daf);

    static char args[64][1024];
    static const struct {
        const char *fmt; /* %1$s = tmpdir; %2$s = a real DEM */
        const char *needle;
    } cases[] = {
        {"--dem %1$s/missing.hdr", "missing.hdr"},
        {"--dem %1$s/truncated.hdr", "truncated"},
        {"--dem %1$s/utm.hdr", "utm.hdr"},
        {"--dem %1$s/nogeo.hdr", "nogeo.hdr"},
        {"--dem %2$s --site -85,0", "outside every DEM"},
        {"--dem %2$s@-80:-81", "LATMIN:LATMAX"},
        {"--kernels %1$s/kernels", "cut.bsp"},
        {"--kernels %1$s/kernels --ephemeris spk", "cut.bsp"},
        {"--from 2035-01-01 --ephemeris spk", "coverage"},
        {"--orbiter 1700,0,50,0,0,0", "below the lunar surface"},
        {"--orbiter 6000,1.2,50,0,0,0", "1.2"},
        {"--orbiter 6000,x,50,0,0,0", "'x"},
        {"--orbiter queqiao9", "queqiao9"},
        {"--station Kashi,95,76", "out of range"},
        {"--station Kashi,39.5", "NAME,LAT,LON"},
        {"--regolith --depths 0.1,-2", "-2"},
        {"--regolith --depths 5", "below the column's bottom"},
        {"--regolith --albedo 1.5", "--albedo 1.5"},
        {"--albedo 0.1", "need --regolith"},
        {"--plot %1$s/chart.pdf", "chart.pdf"},
        {"--plot /nonexistent-dir/chart.svg", "chart.svg"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char extra[768];
        snprintf(extra, sizeof extra, cases[i].fmt, tmpdir, dem(RIDGE));
        /* A later --site/--from overrides the default one. */
        snprintf(args[i], sizeof args[i],
                 "env --site -89.45,222.7 --from 2026-01-01 --days 1 --step 1h %s", extra);
        int status = run(args[i]);
        if (status == 0 || strstr(out, cases[i].needle) == NULL) {
            print_error("ilrs %s -> %d:\n%s\n", args[i], status, out);
        }
        assert_int_not_equal(status, 0);
        assert_non_null(strstr(out, cases[i].needle));
        /* Refused before any work: no mask, no samples, no summary. */
        assert_null(strstr(out, "horizon: terrain mask"));
        assert_null(strstr(out, "sun elevation"));
    }
    /* Nothing was cached either. */
    snprintf(path, sizeof path, "%s/cache", tmpdir);
    struct stat sb;
    assert_int_not_equal(stat(path, &sb), 0);
}

/* Column index of @p name in a CSV header line, or -1. */
static int column(const char *header, const char *name)
{
    int idx = 0;
    size_t n = strlen(name);
    for (const char *p = header; *p; idx++) {
        const char *end = strpbrk(p, ",\n");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0) {
            return idx;
        }
        if (end == NULL || *end == '\n') {
            break;
        }
        p = end + 1;
    }
    return -1;
}

/* Field @p idx of a CSV line as a number (the utc field as text). */
static double field(const char *line, int idx)
{
    const char *p = line;
    for (int i = 0; i < idx; i++) {
        p = strchr(p, ',');
        assert_non_null(p);
        p++;
    }
    return strtod(p, NULL);
}

/* The number after @p after, searched from the line starting with @p line. */
static double value_in(const char *line, const char *after)
{
    const char *l = strstr(out, line);
    const char *p = l ? strstr(l, after) : NULL;
    if (p == NULL) {
        print_error("no '%s' after '%s' in:\n%s\n", after, line, out);
    }
    assert_non_null(p);
    return strtod(p + strlen(after), NULL);
}

static double summary_value(const char *after)
{
    const char *p = strstr(out, after);
    if (p == NULL) {
        print_error("no '%s' in:\n%s\n", after, out);
    }
    assert_non_null(p);
    return strtod(p + strlen(after), NULL);
}

/* Connecting Ridge, 2026, hourly, 10 m eye, nested DEMs: the published year. */
static void env_connecting_ridge_year_terrain(void **state)
{
    (void)state;
    char args[4096], csv[512];
    snprintf(csv, sizeof csv, "%s/ridge.csv", tmpdir);
    snprintf(args, sizeof args,
             "env --site -89.45,222.7,10 --from 2026-01-01 --days 365 --step 1h --dem %s "
             "--dem %s --dem %s@-90:-79 --csv %s",
             dem(RIDGE), dem(POLE240), dem(FAR), csv);
    int status = run(args);
    if (status != 0) {
        print_error("%s\n", out);
    }
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, "horizon: terrain mask from 3 DEM(s), computed"));
    /* Gläser et al. 2014: 92.27 % (2 m) .. 95.65 % (10 m) on the ridge, longest
     * darkness 3-5 days; MISSION.md: 92-96 %. */
    double sunlit = summary_value("sunlit (any part of the disk, terrain): ");
    double dark = summary_value("longest darkness ");
    assert_true(sunlit >= 92.0 && sunlit <= 96.0);
    assert_true(strstr(out, "longest darkness ") != NULL);
    assert_true(dark >= 3.0 && dark <= 5.0);
    assert_non_null(strstr(strstr(out, "longest darkness "), " d "));

    /* The CSV's disk fractions equal the library's with the same mask (read
     * back from the cache the command filled). */
    ilrs_dem_t *dems[3] = {NULL, NULL, NULL};
    char err[512];
    assert_int_equal(ilrs_dem_open(dem(RIDGE), &dems[0], err, sizeof err), 0);
    assert_int_equal(ilrs_dem_open(dem(POLE240), &dems[1], err, sizeof err), 0);
    assert_int_equal(ilrs_dem_open(dem(FAR), &dems[2], err, sizeof err), 0);
    assert_int_equal(ilrs_dem_set_latitude_limits(dems[2], -90.0, -79.0), 0);
    ilrs_horizon_config_t hc = {.lat_deg = -89.45,
                                .lon_deg = 222.7,
                                .observer_height_m = 10.0,
                                .azimuth_bins = 1440,
                                .max_range_m = ILRS_HORIZON_DEFAULT_RANGE_M};
    char cache[512];
    snprintf(cache, sizeof cache, "%s/cache", tmpdir);
    ilrs_horizon_t *mask = NULL;
    bool cached = false;
    assert_int_equal(ilrs_horizon_get(&hc, dems, 3, cache, &mask, &cached, err, sizeof err), 0);
    assert_true(cached);
    ilrs_horizon_info_t hi;
    ilrs_horizon_get_info(mask, &hi);
    ilrs_ephem_t *e = NULL;
    assert_int_equal(ilrs_ephem_create(ILRS_EPHEM_AUTO, NULL, &e, err, sizeof err), 0);
    ilrs_site_t site;
    assert_int_equal(ilrs_site_init(&site, -89.45, 222.7, hi.ground_height_m + 10.0), 0);

    FILE *f = fopen(csv, "r");
    assert_non_null(f);
    static char line[4096];
    assert_non_null(fgets(line, sizeof line, f));
    int c_sf = column(line, "sun_fraction"), c_ef = column(line, "earth_fraction");
    int c_hz = column(line, "sun_horizon_deg");
    assert_true(c_sf > 0 && c_ef > 0 && c_hz > 0);
    int rows = 0, partial = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        rows++;
        if (rows % 97 != 1) { /* every 97th hour: all phases of the month and year */
            continue;
        }
        char when[40];
        assert_int_equal(sscanf(line, "%39[^,]", when), 1);
        ilrs_tai_t t;
        ilrs_sky_t sky;
        assert_int_equal(ilrs_ephem_parse_utc(when, &t), 0);
        assert_int_equal(ilrs_ephem_sky(e, &site, t, &sky), 0);
        double fs = ilrs_illum_disk_fraction(mask, sky.sun.az_deg, sky.sun.el_deg,
                                             sky.sun_radius_deg);
        double fe = ilrs_illum_disk_fraction(mask, sky.earth.az_deg, sky.earth.el_deg,
                                             sky.earth_radius_deg);
        assert_true(fabs(field(line, c_sf) - fs) < 2e-5);
        assert_true(fabs(field(line, c_ef) - fe) < 2e-5);
        assert_true(fabs(field(line, c_hz) - ilrs_horizon_elevation(mask, sky.sun.az_deg)) <
                    2e-5);
        partial += fs > 0.0 && fs < 1.0;
    }
    fclose(f);
    assert_int_equal(rows, 365 * 24 + 1);
    (void)partial;
    ilrs_ephem_destroy(e);
    ilrs_horizon_destroy(mask);
    for (int i = 0; i < 3; i++) {
        ilrs_dem_destroy(dems[i]);
    }
}

/* Equatorial regolith under the real Sun: Hayne et al. 2017 / Diviner. */
static void env_regolith_equator(void **state)
{
    (void)state;
    char args[1024], csv[512];
    snprintf(csv, sizeof csv, "%s/reg.csv", tmpdir);
    snprintf(args, sizeof args,
             "env --site 0,0 --from 2026-03-01 --days 59 --step 1h --regolith --depths "
             "0.05,0.5 --csv %s",
             csv);
    int status = run(args);
    if (status != 0) {
        print_error("%s\n", out);
    }
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, "no --dem: flat horizon"));
    double tmin = summary_value("regolith surface: min ");
    double tmax = value_in("regolith surface:", "), max ");
    /* Hayne et al. 2017 table A2 / Diviner: noon 385 K, pre-dawn 95 K. The real
     * Sun differs from the idealised one by the flux (1310-1414 W/m2, ±2 % in
     * T) and a declination <= 1.6 deg, hence ±10 K on noon, ±6 K at night. */
    assert_true(tmax > 375.0 && tmax < 395.0);
    assert_true(tmin > 89.0 && tmin < 101.0);
    FILE *f = fopen(csv, "r");
    assert_non_null(f);
    static char line[4096];
    assert_non_null(fgets(line, sizeof line, f));
    int c_ts = column(line, "t_surface_k"), c_deep = column(line, "t_0.5m_k");
    assert_true(c_ts > 0 && c_deep == c_ts + 2);
    assert_true(column(line, "t_0.05m_k") == c_ts + 1);
    double deep_min = 1e9, deep_max = 0.0;
    while (fgets(line, sizeof line, f) != NULL) {
        double d = field(line, c_deep);
        deep_min = fmin(deep_min, d);
        deep_max = fmax(deep_max, d);
    }
    fclose(f);
    /* At 0.5 m the diurnal wave is gone: ~252 K (idealised run of
     * twin-regolith; Vasavada et al. 2012 ~250-255 K at the equator). The
     * spin-up makes it steady from the first sample. */
    assert_true(deep_min > 240.0 && deep_max < 265.0);
    assert_true(deep_max - deep_min < 2.0);

    /* Mare albedo: a darker surface is hotter at noon. */
    snprintf(args, sizeof args,
             "env --site 0,0 --from 2026-03-01 --days 30 --step 1h --regolith --albedo 0.07");
    assert_int_equal(run(args), 0);
    assert_true(value_in("regolith surface:", "), max ") > tmax);
}

/* Orbiter columns against ilrs_orbit_look_from_site; elements = preset;
 * station windows in the summary. */
static void env_orbiter_and_stations(void **state)
{
    (void)state;
    char args[1024], csv1[512], csv2[512];
    snprintf(csv1, sizeof csv1, "%s/orb1.csv", tmpdir);
    snprintf(csv2, sizeof csv2, "%s/orb2.csv", tmpdir);
    snprintf(args, sizeof args,
             "env --site -89.45,222.7,2 --from 2026-06-01 --days 3 --step 10m --orbiter "
             "queqiao2-12h --station Kashi,39.5,76.0,1300 --station Miyun,40.45,116.8,100,5 "
             "--csv %s",
             csv1);
    int status = run(args);
    if (status != 0) {
        print_error("%s\n", out);
    }
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, "orbiter contact from the site: "));
    assert_non_null(strstr(out, "orbiter <-> Kashi (min el 10 deg): "));
    assert_non_null(strstr(out, "orbiter <-> Miyun (min el 5 deg): "));
    assert_non_null(strstr(out, "site <-> Kashi direct (min el 10 deg): "));
    double in_view = summary_value("in view (above the flat horizon and 0 deg): ");
    double windows_pct = summary_value("orbiter contact from the site: ");
    (void)windows_pct;
    const char *p = strstr(out, "orbiter contact from the site: ");
    double contact = strtod(strstr(p, "in contact ") + strlen("in contact "), NULL);
    /* The sampled fraction and the windows' (edges to 0.1 s) agree to a
     * sample or two per window. */
    assert_true(fabs(in_view - contact) < 3.0);

    /* The same orbit as an element string (a for 12 h, see ilrs_orbit_preset). */
    ilrs_orbit_elements_t el;
    assert_int_equal(ilrs_orbit_preset("queqiao2-12h", &el), 0);
    snprintf(args, sizeof args,
             "env --site -89.45,222.7,2 --from 2026-06-01 --days 3 --step 10m --orbiter "
             "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,earth --csv %s",
             el.a_km, el.e, el.i_deg, el.raan_deg, el.argp_deg, el.m_deg, csv2);
    assert_int_equal(run(args), 0);

    char err[512];
    ilrs_ephem_t *e = NULL;
    assert_int_equal(ilrs_ephem_create(ILRS_EPHEM_AUTO, NULL, &e, err, sizeof err), 0);
    ilrs_tai_t from;
    assert_int_equal(ilrs_ephem_parse_utc("2026-06-01", &from), 0);
    ilrs_orbit_t *orb = NULL;
    /* ilrs env creates the orbiter 1 s before --from (see cli_env.c). */
    assert_int_equal(ilrs_orbit_create(e, NULL, &el, from - ILRS_NS_PER_S, &orb, err, sizeof err),
                     0);
    assert_int_equal(ilrs_orbit_propagate(orb, from + 4 * 86400 * ILRS_NS_PER_S), 0);
    ilrs_lunar_site_t ls = {.lat_deg = -89.45, .lon_deg = 222.7, .height_m = 2.0};

    FILE *f1 = fopen(csv1, "r"), *f2 = fopen(csv2, "r");
    assert_non_null(f1);
    assert_non_null(f2);
    static char l1[4096], l2[4096];
    assert_non_null(fgets(l1, sizeof l1, f1));
    assert_non_null(fgets(l2, sizeof l2, f2));
    assert_string_equal(l1, l2);
    int c_az = column(l1, "orbiter_az_deg"), c_el = column(l1, "orbiter_el_deg");
    int c_vis = column(l1, "orbiter_visible"), c_km = column(l1, "orbiter_range_km");
    assert_true(c_az > 0 && c_el == c_az + 1 && c_vis == c_az + 2 && c_km == c_az + 3);
    int rows = 0;
    double worst_km = 0.0, worst_deg = 0.0;
    while (fgets(l1, sizeof l1, f1) != NULL) {
        assert_non_null(fgets(l2, sizeof l2, f2));
        /* Preset and element string: the same orbit to the printed digits
         * (the string's a, e are the preset's to 17 digits). */
        assert_true(fabs(field(l1, c_el) - field(l2, c_el)) < 2e-4);
        char when[40];
        assert_int_equal(sscanf(l1, "%39[^,]", when), 1);
        ilrs_tai_t t;
        assert_int_equal(ilrs_ephem_parse_utc(when, &t), 0);
        double az, elv, range;
        assert_int_equal(ilrs_orbit_look_from_site(orb, &ls, t, &az, &elv, &range), 0);
        /* Geometric vs apparent (light time, aberration): 0.0003 deg measured
         * by the windows tests; range to the metre. */
        double daz = fabs(field(l1, c_az) - az);
        daz = fmin(daz, 360.0 - daz);
        assert_true(fabs(field(l1, c_el) - elv) < 0.005);
        assert_true(daz * cos(elv * 3.14159265358979 / 180.0) < 0.005);
        double dkm = fabs(field(l1, c_km) - range / 1e3);
        worst_km = fmax(worst_km, dkm);
        worst_deg = fmax(worst_deg, fmax(fabs(field(l1, c_el) - elv),
                                         daz * cos(elv * 3.14159265358979 / 180.0)));
        assert_int_equal((int)field(l1, c_vis), field(l1, c_el) > 0.0);
        rows++;
    }
    print_message("orbiter: apparent vs geometric: worst %.5f deg, %.4f km\n", worst_deg,
                  worst_km);
    /* The apparent range is the light-time distance in the barycentric frame:
     * it differs from the Moon-centred geometric range by up to |V_moon| lt
     * (30 km/s x 0.05 s = 1.5 km at the 12 h orbit's apolune). */
    assert_true(worst_km < 2.0);
    assert_int_equal(rows, 3 * 144 + 1);
    fclose(f1);
    fclose(f2);
    ilrs_orbit_destroy(orb);
    ilrs_ephem_destroy(e);
}

static void env_plots(void **state)
{
    (void)state;
    char args[1024], svg[512], png[512];
    snprintf(svg, sizeof svg, "%s/env.svg", tmpdir);
    snprintf(png, sizeof png, "%s/env.png", tmpdir);
    snprintf(args, sizeof args,
             "env --site 0,0 --from 2026-03-01 --days 10 --step 1h --regolith --plot %s", svg);
    assert_int_equal(run(args), 0);
    snprintf(args, sizeof args,
             "env --site 0,0 --from 2026-03-01 --days 10 --step 1h --regolith --plot %s", png);
    assert_int_equal(run(args), 0);
    /* Well-formed XML with the three panels' curves. */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "xmllint --noout '%s'", svg);
    assert_int_equal(system(cmd), 0);
    FILE *f = fopen(svg, "r");
    assert_non_null(f);
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_non_null(strstr(text, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_non_null(strstr(text, ">temperature (K)</text>"));
    assert_non_null(strstr(text, ">Sun disk</text>"));
    assert_non_null(strstr(text, "<polyline"));
    /* PNG signature and an IHDR of 1200 px width. */
    f = fopen(png, "rb");
    assert_non_null(f);
    unsigned char head[24];
    assert_int_equal(fread(head, 1, sizeof head, f), sizeof head);
    fclose(f);
    assert_memory_equal(head, "\x89PNG\r\n\x1a\n", 8);
    assert_memory_equal(head + 12, "IHDR", 4);
    assert_int_equal((head[16] << 24) | (head[17] << 16) | (head[18] << 8) | head[19], 1200);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(env_bad_input_refused_before_work, setup, teardown),
    cmocka_unit_test_setup_teardown(env_connecting_ridge_year_terrain, setup, teardown),
    cmocka_unit_test_setup_teardown(env_regolith_equator, setup, teardown),
    cmocka_unit_test_setup_teardown(env_orbiter_and_stations, setup, teardown),
    cmocka_unit_test_setup_teardown(env_plots, setup, teardown),
};

ILRS_TEST_MAIN(tests)
