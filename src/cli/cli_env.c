// SPDX-License-Identifier: Apache-2.0
//
// `ilrs env`: the lunar environment at a surface site over a time span: Sun and
// Earth apparent azimuth/elevation, the visible fraction of their disks against
// the terrain horizon (--dem), solar flux, a regolith column (--regolith), an
// orbiter (--orbiter) and Earth stations (--station); a summary on stdout,
// optionally a CSV time series (--csv) and a chart (--plot, cli_env_plot.c).
// Each instant is computed by ilrs_env_sample() (src/twin/twin_env.c), the
// same call bench_env times.
//
// Built to grow: options live in one table (env_options) and CSV columns in
// another (env_columns). To add an option, add a parse function and a row; to
// add a column, add a field to env_sample_t (filled in env_sample()) and a row
// with its writer. Everything is validated before the first sample is computed.
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <erfa.h>

#include <ilrs/base.h>
#include <ilrs/twin.h>

#include "cli/cli.h"
#include "cli/cli_env_plot.h"

#define DAY_NS (INT64_C(86400) * ILRS_NS_PER_S)
/* Upper bound on samples, so that a typo (--step 1 over 10 years) is an error
 * rather than hours of work and gigabytes of CSV. */
#define ENV_MAX_SAMPLES 50000000.0
#define ENV_MAX_DEMS     8
#define ENV_MAX_STATIONS 8
/* Eye height above the terrain with --dem when --site gives none: a lander
 * camera/antenna mast (the Gläser et al. 2014 figures are for 2 m and 10 m). */
#define ENV_DEFAULT_EYE_M 2.0
/* Regolith spin-up: the year before --from at 2 h steps, repeated this many
 * times (the 0.57 m column's diffusion time is about a year). */
#define ENV_SPIN_SPAN_S   (365.25 * 86400.0)
#define ENV_SPIN_STEP_S   7200.0
#define ENV_SPIN_CYCLES   12
/* Default minimum elevation of an Earth station (deep-space antennas track
 * down to 5-10 deg; 10 deg is the common planning value). */
#define ENV_STATION_MIN_EL_DEG 10.0

/* ------------------------------------------------------------------------- */
/* Options                                                                    */
/* ------------------------------------------------------------------------- */

typedef struct env_opts {
    bool have_site, have_from, have_to, have_days;
    double lat_deg, lon_deg, height_m;
    char from_text[64], to_text[64];
    ilrs_tai_t from, to;
    double days;
    double step_s;
    ilrs_ephem_source_t source;
    const char *csv_path;
    const char *kernel_dir;
    bool have_height;
    /* --dem */
    const char *dem_path[ENV_MAX_DEMS];
    double dem_lat_min[ENV_MAX_DEMS], dem_lat_max[ENV_MAX_DEMS];
    bool dem_limited[ENV_MAX_DEMS];
    size_t dem_count;
    /* --regolith */
    bool regolith;
    double albedo; /* NAN: default */
    double depths[ILRS_ENV_MAX_DEPTHS];
    size_t depth_count;
    /* --orbiter */
    const char *orbiter_text;
    ilrs_orbit_elements_t orbiter;
    double min_el_deg;
    /* --station */
    ilrs_ground_station_t stations[ENV_MAX_STATIONS];
    char station_names[ENV_MAX_STATIONS][32];
    size_t station_count;
    /* --plot */
    const char *plot_path;
} env_opts_t;

typedef struct env_option {
    const char *name;
    const char *metavar; /* NULL: a flag without argument */
    int (*parse)(env_opts_t *opts, const char *arg);
    const char *help;
} env_option_t;

static int parse_number(const char *text, const char *what, double *out)
{
    char *end = NULL;
    errno = 0;
    *out = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !isfinite(*out)) {
        fprintf(stderr, "ilrs env: invalid %s '%s' (expected a number)\n", what, text);
        return -1;
    }
    return 0;
}

static int opt_site(env_opts_t *o, const char *arg)
{
    char buf[128];
    if (strlen(arg) >= sizeof buf) {
        fprintf(stderr, "ilrs env: --site value too long\n");
        return -1;
    }
    strcpy(buf, arg);
    char *parts[4] = {NULL};
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        if (n == 3) {
            n++;
            break;
        }
        parts[n++] = tok;
    }
    if (n < 2 || n > 3) {
        fprintf(stderr, "ilrs env: --site '%s': expected LAT,LON[,HEIGHT_M]\n", arg);
        return -1;
    }
    o->height_m = 0.0;
    o->have_height = n == 3;
    if (parse_number(parts[0], "site latitude", &o->lat_deg) != 0 ||
        parse_number(parts[1], "site longitude", &o->lon_deg) != 0 ||
        (n == 3 && parse_number(parts[2], "site height", &o->height_m) != 0)) {
        return -1;
    }
    ilrs_site_t probe;
    if (ilrs_site_init(&probe, o->lat_deg, o->lon_deg, o->height_m) != 0) {
        fprintf(stderr,
                "ilrs env: --site '%s' out of range (latitude -90..90 deg, east longitude "
                "-180..360 deg, height -20000..100000 m)\n",
                arg);
        return -1;
    }
    o->have_site = true;
    return 0;
}

static int parse_date(const char *arg, const char *opt, ilrs_tai_t *t, char *copy, size_t cap)
{
    if (ilrs_ephem_parse_utc(arg, t) != 0) {
        fprintf(stderr,
                "ilrs env: %s '%s' is not a UTC date (expected YYYY-MM-DD[THH:MM[:SS]][Z], "
                "1958..2200)\n",
                opt, arg);
        return -1;
    }
    snprintf(copy, cap, "%s", arg);
    return 0;
}

static int opt_from(env_opts_t *o, const char *arg)
{
    o->have_from = true;
    return parse_date(arg, "--from", &o->from, o->from_text, sizeof o->from_text);
}

static int opt_to(env_opts_t *o, const char *arg)
{
    o->have_to = true;
    return parse_date(arg, "--to", &o->to, o->to_text, sizeof o->to_text);
}

static int opt_days(env_opts_t *o, const char *arg)
{
    if (parse_number(arg, "--days", &o->days) != 0) {
        return -1;
    }
    if (!(o->days > 0) || o->days > 100 * 365.25) {
        fprintf(stderr, "ilrs env: --days %s out of range (0 < N <= 36525)\n", arg);
        return -1;
    }
    o->have_days = true;
    return 0;
}

static int opt_step(env_opts_t *o, const char *arg)
{
    if (cli_parse_duration(arg, &o->step_s) != 0) {
        return -1;
    }
    if (!(o->step_s >= 1e-3)) {
        fprintf(stderr, "ilrs env: --step %s too small (at least 1 ms)\n", arg);
        return -1;
    }
    return 0;
}

static int opt_ephemeris(env_opts_t *o, const char *arg)
{
    if (ilrs_ephem_source_parse(arg, &o->source) != 0) {
        fprintf(stderr, "ilrs env: unknown --ephemeris '%s' (use analytic, spk or auto)\n", arg);
        return -1;
    }
    return 0;
}

static int opt_csv(env_opts_t *o, const char *arg)
{
    o->csv_path = arg;
    return 0;
}

static int opt_kernels(env_opts_t *o, const char *arg)
{
    o->kernel_dir = arg;
    return 0;
}

/* FILE[@LATMIN:LATMAX]: the suffix limits where the DEM counts as covering
 * (the far south-pole grid is real only poleward of 79°S: @-90:-79). */
static int opt_dem(env_opts_t *o, const char *arg)
{
    if (o->dem_count == ENV_MAX_DEMS) {
        fprintf(stderr, "ilrs env: at most %d --dem files\n", ENV_MAX_DEMS);
        return -1;
    }
    size_t k = o->dem_count;
    const char *at = strrchr(arg, '@');
    o->dem_limited[k] = false;
    if (at != NULL) {
        double a, b;
        char tail;
        if (sscanf(at + 1, "%lf:%lf%c", &a, &b, &tail) != 2 || !(a >= -90.0 && a < b && b <= 90.0)) {
            fprintf(stderr,
                    "ilrs env: --dem '%s': latitude limits '%s' must be LATMIN:LATMAX with "
                    "-90 <= LATMIN < LATMAX <= 90\n",
                    arg, at + 1);
            return -1;
        }
        o->dem_lat_min[k] = a;
        o->dem_lat_max[k] = b;
        o->dem_limited[k] = true;
    }
    o->dem_path[k] = arg; /* the '@' suffix is cut off when the file is opened */
    o->dem_count++;
    return 0;
}

static int opt_regolith(env_opts_t *o, const char *arg)
{
    (void)arg;
    o->regolith = true;
    return 0;
}

static int opt_albedo(env_opts_t *o, const char *arg)
{
    if (parse_number(arg, "--albedo", &o->albedo) != 0) {
        return -1;
    }
    if (!(o->albedo >= 0.0 && o->albedo < 1.0)) {
        fprintf(stderr, "ilrs env: --albedo %s out of range (0 <= A0 < 1; highland 0.12, "
                        "mare 0.07)\n",
                arg);
        return -1;
    }
    return 0;
}

static int opt_depths(env_opts_t *o, const char *arg)
{
    char buf[256];
    if (strlen(arg) >= sizeof buf) {
        fprintf(stderr, "ilrs env: --depths value too long\n");
        return -1;
    }
    strcpy(buf, arg);
    o->depth_count = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        if (o->depth_count == ILRS_ENV_MAX_DEPTHS) {
            fprintf(stderr, "ilrs env: --depths '%s': at most %d depths\n", arg,
                    ILRS_ENV_MAX_DEPTHS);
            return -1;
        }
        double d;
        if (parse_number(tok, "--depths depth", &d) != 0) {
            return -1;
        }
        if (!(d > 0.0)) {
            fprintf(stderr, "ilrs env: --depths: depth %s m must be positive\n", tok);
            return -1;
        }
        o->depths[o->depth_count++] = d;
    }
    if (o->depth_count == 0) {
        fprintf(stderr, "ilrs env: --depths '%s': expected M,M,... in metres\n", arg);
        return -1;
    }
    return 0;
}

static int opt_orbiter(env_opts_t *o, const char *arg)
{
    char err[256];
    if (ilrs_orbit_elements_parse(arg, &o->orbiter, err, sizeof err) != 0) {
        fprintf(stderr,
                "ilrs env: --orbiter '%s': %s (see ilrs env --help)\n",
                arg, err);
        return -1;
    }
    o->orbiter_text = arg;
    return 0;
}

static int opt_min_el(env_opts_t *o, const char *arg)
{
    if (parse_number(arg, "--min-el", &o->min_el_deg) != 0) {
        return -1;
    }
    if (!(o->min_el_deg >= -90.0 && o->min_el_deg <= 90.0)) {
        fprintf(stderr, "ilrs env: --min-el %s out of range (-90..90 deg)\n", arg);
        return -1;
    }
    return 0;
}

/* NAME,LAT,LON[,HEIGHT_M[,MIN_EL_DEG]], WGS84 geodetic. */
static int opt_station(env_opts_t *o, const char *arg)
{
    if (o->station_count == ENV_MAX_STATIONS) {
        fprintf(stderr, "ilrs env: at most %d --station options\n", ENV_MAX_STATIONS);
        return -1;
    }
    char buf[256];
    if (strlen(arg) >= sizeof buf) {
        fprintf(stderr, "ilrs env: --station value too long\n");
        return -1;
    }
    strcpy(buf, arg);
    char *parts[6] = {NULL};
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok != NULL && n < 6;
         tok = strtok_r(NULL, ",", &save)) {
        parts[n++] = tok;
    }
    if (n < 3 || n > 5 || strlen(parts[0]) >= sizeof o->station_names[0]) {
        fprintf(stderr,
                "ilrs env: --station '%s': expected NAME,LAT,LON[,HEIGHT_M[,MIN_EL_DEG]] "
                "(WGS84; name up to 31 characters)\n",
                arg);
        return -1;
    }
    ilrs_ground_station_t *gs = &o->stations[o->station_count];
    double h = 0.0, min_el = ENV_STATION_MIN_EL_DEG;
    if (parse_number(parts[1], "station latitude", &gs->lat_deg) != 0 ||
        parse_number(parts[2], "station longitude", &gs->lon_deg) != 0 ||
        (n >= 4 && parse_number(parts[3], "station height", &h) != 0) ||
        (n >= 5 && parse_number(parts[4], "station minimum elevation", &min_el) != 0)) {
        return -1;
    }
    if (fabs(gs->lat_deg) > 90.0 || gs->lon_deg < -180.0 || gs->lon_deg > 360.0 ||
        h < -500.0 || h > 10000.0 || min_el < -5.0 || min_el > 90.0) {
        fprintf(stderr,
                "ilrs env: --station '%s' out of range (latitude -90..90, longitude "
                "-180..360, height -500..10000 m, minimum elevation -5..90 deg)\n",
                arg);
        return -1;
    }
    snprintf(o->station_names[o->station_count], sizeof o->station_names[0], "%s", parts[0]);
    gs->name = o->station_names[o->station_count];
    gs->height_m = h;
    gs->min_el_deg = min_el;
    o->station_count++;
    return 0;
}

static int opt_plot(env_opts_t *o, const char *arg)
{
    if (env_plot_kind(arg) == NULL) {
        fprintf(stderr, "ilrs env: --plot '%s': the file name must end in .svg or .png\n", arg);
        return -1;
    }
    o->plot_path = arg;
    return 0;
}

static const env_option_t env_options[] = {
    {"--site", "LAT,LON[,HEIGHT_M]", opt_site,
     "selenographic latitude, east longitude (deg); height above the 1737.4 km sphere, or "
     "with --dem the eye height above the terrain (default 2 m)"},
    {"--from", "UTC", opt_from, "start, e.g. 2026-01-01 or 2026-01-01T06:00:00Z"},
    {"--to", "UTC", opt_to, "end (inclusive); or use --days"},
    {"--days", "N", opt_days, "length of the span in days (instead of --to)"},
    {"--step", "DURATION", opt_step, "sampling step: 60, 10m, 1h... (default 60 s)"},
    {"--ephemeris", "SOURCE", opt_ephemeris,
     "auto (JPL kernels where they cover, else analytic; default), spk or analytic"},
    {"--kernels", "DIR", opt_kernels,
     "kernel directory (spk/, pck/, fk/); default $ILRS_DATA_DIR/ephemeris"},
    {"--csv", "FILE", opt_csv, "write the time series to FILE ('-' for stdout)"},
    {"--dem", "FILE[@LATMIN:LATMAX]", opt_dem,
     "terrain (repeatable, fine to coarse) for the horizon mask; @-90:-79 limits a grid's "
     "coverage (the far south-pole grid)"},
    {"--regolith", NULL, opt_regolith,
     "regolith temperature column (Hayne et al. 2017) under the real geometry"},
    {"--albedo", "A0", opt_albedo, "normal albedo of the regolith (default 0.12 highland)"},
    {"--depths", "M,M,...", opt_depths, "depths (m) of temperature columns (default 0.1,0.5)"},
    {"--orbiter", "PRESET|ELEMENTS", opt_orbiter,
     "queqiao2-24h, queqiao2-12h or a_km,e,i,raan,argp,m (deg; lunar equator unless "
     ",icrf or ,earth follows)"},
    {"--min-el", "DEG", opt_min_el, "orbiter minimum elevation above the terrain (default 0)"},
    {"--station", "NAME,LAT,LON[,H[,MIN_EL]]", opt_station,
     "Earth ground station, WGS84 (repeatable; minimum elevation default 10 deg)"},
    {"--plot", "FILE.svg|FILE.png", opt_plot, "chart of the time series"},
};
#define ENV_OPTION_COUNT (sizeof env_options / sizeof env_options[0])

/* ------------------------------------------------------------------------- */
/* Samples and CSV columns                                                    */
/* ------------------------------------------------------------------------- */

typedef struct env_sample {
    ilrs_env_sample_t e; /* the instant (twin_env.c) */
    char utc[32];
    const double *depths; /* for column names */
} env_sample_t;

/* Fast fixed-point formatting: a year at 60 s is ~0.5 M rows x ~10 numbers,
 * where printf("%.6f") alone would cost more than the physics. Writes
 * round(v * 10^decimals) as a decimal; values beyond 1e12 fall back to %g. */
static char *put_fixed(char *p, double v, int decimals)
{
    static const double scale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    if (!isfinite(v) || fabs(v) >= 1e12 || decimals < 0 || decimals > 9) {
        return p + sprintf(p, "%g", v);
    }
    double scaled = fabs(v) * scale[decimals] + 0.5;
    uint64_t n = (uint64_t)scaled;
    if (v < 0 && n != 0) {
        *p++ = '-';
    }
    char digits[32];
    int len = 0;
    do {
        digits[len++] = (char)('0' + n % 10);
        n /= 10;
    } while (n != 0 || len <= decimals);
    for (int i = len - 1; i >= 0; i--) {
        *p++ = digits[i];
        if (i == decimals && decimals > 0) {
            *p++ = '.';
        }
    }
    return p;
}

/* UTC strings for consecutive samples. ERFA's calendar conversion costs more
 * than a sample's physics, so the date and the TAI instant of its UTC midnight
 * are computed once per day and the time of day by integer arithmetic (a
 * leap-second day has 86401 s: its last second prints as 23:59:60). */
typedef struct utc_clock {
    ilrs_tai_t day_start, day_end; /* TAI of this UTC day's midnight and the next */
    char date[16];                 /* "YYYY-MM-DDT" */
    bool valid;
} utc_clock_t;

static void utc_format(utc_clock_t *c, ilrs_tai_t t, char *out, size_t cap)
{
    ilrs_tai_t ms_t = t + 500000; /* round to the millisecond like ilrs_ephem_format_utc */
    if (!c->valid || ms_t < c->day_start || ms_t >= c->day_end) {
        c->valid = false;
        char full[32], day[16];
        if (ilrs_ephem_format_utc(t, full, sizeof full) != 0) {
            snprintf(out, cap, "?");
            return;
        }
        memcpy(day, full, 10);
        day[10] = '\0';
        int y, m, d;
        double jd0, jd1, frac;
        int yn, mn, dn;
        if (sscanf(day, "%d-%d-%d", &y, &m, &d) != 3 || eraCal2jd(y, m, d, &jd0, &jd1) != 0 ||
            eraJd2cal(jd0, jd1 + 1.0, &yn, &mn, &dn, &frac) != 0) {
            snprintf(out, cap, "%s", full);
            return;
        }
        char next[16];
        snprintf(next, sizeof next, "%04d-%02d-%02d", yn, mn, dn);
        if (ilrs_ephem_parse_utc(day, &c->day_start) != 0 ||
            ilrs_ephem_parse_utc(next, &c->day_end) != 0 || ms_t < c->day_start ||
            ms_t >= c->day_end) {
            snprintf(out, cap, "%s", full);
            return;
        }
        memcpy(c->date, full, 11);
        c->date[11] = '\0';
        c->valid = true;
    }
    int64_t ms = (ms_t - c->day_start) / 1000000;
    int64_t sec = ms / 1000;
    int hh = (int)(sec / 3600), mm = (int)(sec / 60 % 60), ss = (int)(sec % 60);
    if (sec >= 86400) { /* inside a positive leap second */
        hh = 23;
        mm = 59;
        ss = 60;
    }
    char *p = out;
    memcpy(p, c->date, 11);
    p += 11;
    *p++ = (char)('0' + hh / 10);
    *p++ = (char)('0' + hh % 10);
    *p++ = ':';
    *p++ = (char)('0' + mm / 10);
    *p++ = (char)('0' + mm % 10);
    *p++ = ':';
    *p++ = (char)('0' + ss / 10);
    *p++ = (char)('0' + ss % 10);
    *p++ = '.';
    int frac_ms = (int)(ms % 1000);
    *p++ = (char)('0' + frac_ms / 100);
    *p++ = (char)('0' + frac_ms / 10 % 10);
    *p++ = (char)('0' + frac_ms % 10);
    *p++ = 'Z';
    *p = '\0';
}

/* A CSV column: its writer gets the sample and the column's argument (the
 * depth index of t_<depth>m_k). */
typedef struct env_column {
    const char *name;
    char *(*write)(char *p, const env_sample_t *s, size_t arg);
} env_column_t;

static char *put_text(char *p, const char *text)
{
    size_t n = strlen(text);
    memcpy(p, text, n);
    return p + n;
}

#define COLUMN_FIXED(fn, expr, decimals)                                                     \
    static char *fn(char *p, const env_sample_t *s, size_t arg)                              \
    {                                                                                        \
        (void)arg;                                                                           \
        return put_fixed(p, (expr), decimals);                                               \
    }

static char *col_utc(char *p, const env_sample_t *s, size_t arg)
{
    (void)arg;
    return put_text(p, s->utc);
}
COLUMN_FIXED(col_sun_az, s->e.sky.sun.az_deg, 5)
COLUMN_FIXED(col_sun_el, s->e.sky.sun.el_deg, 5)
COLUMN_FIXED(col_sun_frac, s->e.sun_fraction, 5)
COLUMN_FIXED(col_earth_az, s->e.sky.earth.az_deg, 5)
COLUMN_FIXED(col_earth_el, s->e.sky.earth.el_deg, 5)
COLUMN_FIXED(col_earth_frac, s->e.earth_fraction, 5)
COLUMN_FIXED(col_flux, s->e.sky.solar_flux_w_m2, 2)
COLUMN_FIXED(col_sun_radius, s->e.sky.sun_radius_deg, 5)
COLUMN_FIXED(col_earth_radius, s->e.sky.earth_radius_deg, 5)
COLUMN_FIXED(col_earth_km, s->e.sky.earth.distance_m / 1e3, 1)
COLUMN_FIXED(col_sun_hz, s->e.sun_horizon_deg, 5)
COLUMN_FIXED(col_earth_hz, s->e.earth_horizon_deg, 5)
COLUMN_FIXED(col_orb_az, s->e.orbiter.az_deg, 4)
COLUMN_FIXED(col_orb_el, s->e.orbiter.el_deg, 4)
COLUMN_FIXED(col_orb_km, s->e.orbiter.distance_m / 1e3, 3)
COLUMN_FIXED(col_t_surface, s->e.t_surface_k, 3)

static char *col_orb_vis(char *p, const env_sample_t *s, size_t arg)
{
    (void)arg;
    *p++ = s->e.orbiter_visible ? '1' : '0';
    return p;
}
static char *col_t_depth(char *p, const env_sample_t *s, size_t arg)
{
    return put_fixed(p, s->e.t_depth_k[arg], 3);
}
static char *col_source(char *p, const env_sample_t *s, size_t arg)
{
    (void)arg;
    return put_text(p, ilrs_ephem_source_name(s->e.sky.source));
}

/* Columns always present, then those of each option (in this order). */
static const env_column_t env_columns[] = {
    {"utc", col_utc},
    {"sun_az_deg", col_sun_az},
    {"sun_el_deg", col_sun_el},
    {"sun_fraction", col_sun_frac},
    {"earth_az_deg", col_earth_az},
    {"earth_el_deg", col_earth_el},
    {"earth_fraction", col_earth_frac},
    {"solar_flux_w_m2", col_flux},
    {"sun_radius_deg", col_sun_radius},
    {"earth_radius_deg", col_earth_radius},
    {"earth_distance_km", col_earth_km},
    {"ephemeris", col_source},
};
#define ENV_COLUMN_COUNT (sizeof env_columns / sizeof env_columns[0])
static const env_column_t dem_columns[] = {
    {"sun_horizon_deg", col_sun_hz},
    {"earth_horizon_deg", col_earth_hz},
};
static const env_column_t orbiter_columns[] = {
    {"orbiter_az_deg", col_orb_az},
    {"orbiter_el_deg", col_orb_el},
    {"orbiter_visible", col_orb_vis},
    {"orbiter_range_km", col_orb_km},
};
static const env_column_t surface_column = {"t_surface_k", col_t_surface};
static const env_column_t depth_column = {"t_<depth>m_k", col_t_depth};

typedef struct active_column {
    const env_column_t *col;
    size_t arg;
    char name[40];
} active_column_t;

#define ENV_MAX_COLUMNS 40

static size_t select_columns(const env_opts_t *o, active_column_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < ENV_COLUMN_COUNT; i++) {
        out[n++] = (active_column_t){&env_columns[i], 0, ""};
    }
    if (o->dem_count > 0) {
        for (size_t i = 0; i < 2; i++) {
            out[n++] = (active_column_t){&dem_columns[i], 0, ""};
        }
    }
    if (o->orbiter_text != NULL) {
        for (size_t i = 0; i < 4; i++) {
            out[n++] = (active_column_t){&orbiter_columns[i], 0, ""};
        }
    }
    if (o->regolith) {
        out[n++] = (active_column_t){&surface_column, 0, ""};
        for (size_t i = 0; i < o->depth_count; i++) {
            out[n] = (active_column_t){&depth_column, i, ""};
            snprintf(out[n].name, sizeof out[n].name, "t_%gm_k", o->depths[i]);
            n++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (out[i].name[0] == '\0') {
            snprintf(out[i].name, sizeof out[i].name, "%s", out[i].col->name);
        }
    }
    return n;
}

/* ------------------------------------------------------------------------- */
/* Summary statistics                                                         */
/* ------------------------------------------------------------------------- */

typedef struct env_stats {
    size_t samples, spk_samples, analytic_samples;
    double sun_el_min, sun_el_max, earth_el_min, earth_el_max;
    ilrs_tai_t sun_el_min_t, sun_el_max_t, earth_el_min_t, earth_el_max_t;
    double flux_min, flux_max;
    ilrs_illum_stats_t illum; /* sunlit %, mean illumination, darkness, Earth, blackout */
    size_t orbiter_visible;
    double t_min, t_max, t_sum; /* surface temperature */
    ilrs_tai_t t_min_t, t_max_t;
    double depth_min[ILRS_ENV_MAX_DEPTHS], depth_max[ILRS_ENV_MAX_DEPTHS];
} env_stats_t;

static void stats_init(env_stats_t *st, ilrs_tai_t from, int64_t step_ns)
{
    memset(st, 0, sizeof *st);
    st->sun_el_min = st->earth_el_min = st->flux_min = st->t_min = INFINITY;
    st->sun_el_max = st->earth_el_max = st->flux_max = st->t_max = -INFINITY;
    for (size_t i = 0; i < ILRS_ENV_MAX_DEPTHS; i++) {
        st->depth_min[i] = INFINITY;
        st->depth_max[i] = -INFINITY;
    }
    (void)ilrs_illum_stats_init(&st->illum, from, step_ns);
}

static void stats_add(env_stats_t *st, const ilrs_env_sample_t *s, size_t depth_count)
{
    st->samples++;
    if (s->sky.source == ILRS_EPHEM_SPK) {
        st->spk_samples++;
    } else {
        st->analytic_samples++;
    }
    if (s->sky.sun.el_deg < st->sun_el_min) {
        st->sun_el_min = s->sky.sun.el_deg;
        st->sun_el_min_t = s->t;
    }
    if (s->sky.sun.el_deg > st->sun_el_max) {
        st->sun_el_max = s->sky.sun.el_deg;
        st->sun_el_max_t = s->t;
    }
    if (s->sky.earth.el_deg < st->earth_el_min) {
        st->earth_el_min = s->sky.earth.el_deg;
        st->earth_el_min_t = s->t;
    }
    if (s->sky.earth.el_deg > st->earth_el_max) {
        st->earth_el_max = s->sky.earth.el_deg;
        st->earth_el_max_t = s->t;
    }
    st->flux_min = fmin(st->flux_min, s->sky.solar_flux_w_m2);
    st->flux_max = fmax(st->flux_max, s->sky.solar_flux_w_m2);
    (void)ilrs_illum_stats_add(&st->illum, s->sun_fraction, s->earth_fraction);
    st->orbiter_visible += s->orbiter_visible;
    if (s->has_regolith) {
        if (s->t_surface_k < st->t_min) {
            st->t_min = s->t_surface_k;
            st->t_min_t = s->t;
        }
        if (s->t_surface_k > st->t_max) {
            st->t_max = s->t_surface_k;
            st->t_max_t = s->t;
        }
        st->t_sum += s->t_surface_k;
        for (size_t i = 0; i < depth_count; i++) {
            st->depth_min[i] = fmin(st->depth_min[i], s->t_depth_k[i]);
            st->depth_max[i] = fmax(st->depth_max[i], s->t_depth_k[i]);
        }
    }
}

/* Duration as "12.34 d" or "5.6 h" or "42 min". */
static void fmt_duration(double s, char *buf, size_t cap)
{
    if (s >= 2 * 86400.0) {
        snprintf(buf, cap, "%.2f d", s / 86400.0);
    } else if (s >= 2 * 3600.0) {
        snprintf(buf, cap, "%.2f h", s / 3600.0);
    } else {
        snprintf(buf, cap, "%.1f min", s / 60.0);
    }
}

/* One line about a list of contact windows over [from, to]. */
static void print_windows(FILE *out, const char *what, const ilrs_window_list_t *w,
                          ilrs_tai_t from, ilrs_tai_t to)
{
    double total = 0.0, longest = 0.0, shortest = INFINITY, gap = 0.0;
    ilrs_tai_t prev_end = from;
    for (size_t i = 0; i < w->count; i++) {
        double d = (double)(w->items[i].end - w->items[i].start) / 1e9;
        total += d;
        longest = fmax(longest, d);
        shortest = fmin(shortest, d);
        gap = fmax(gap, (double)(w->items[i].start - prev_end) / 1e9);
        prev_end = w->items[i].end;
    }
    gap = fmax(gap, (double)(to - prev_end) / 1e9);
    double span = (double)(to - from) / 1e9;
    char a[32], b[32], c[32];
    fmt_duration(longest, a, sizeof a);
    fmt_duration(w->count ? shortest : 0.0, b, sizeof b);
    fmt_duration(gap, c, sizeof c);
    fprintf(out,
            "%s: %zu windows, in contact %.2f %% of the time; longest %s, shortest %s; longest "
            "gap %s\n",
            what, w->count, span > 0 ? 100.0 * total / span : 0.0, a, b, c);
}

static void print_summary(FILE *out, const env_opts_t *o, const ilrs_ephem_t *ephem,
                          const ilrs_site_t *site, const env_stats_t *st)
{
    char a[40], b[40];
    fprintf(out, "site: %.4f deg lat, %.4f deg E lon, %.1f m above the 1737.4 km sphere\n",
            o->lat_deg, o->lon_deg, site->height_m);
    (void)ilrs_ephem_format_utc(o->from, a, sizeof a);
    (void)ilrs_ephem_format_utc(o->to, b, sizeof b);
    fprintf(out, "span: %s .. %s, step %g s, %zu samples\n", a, b, o->step_s, st->samples);
    fprintf(out, "ephemeris: %s requested; used spk for %zu samples, analytic for %zu\n",
            ilrs_ephem_source_name(o->source), st->spk_samples, st->analytic_samples);
    if (st->spk_samples > 0) {
        fprintf(out, "kernels: %s\n", ilrs_ephem_kernels(ephem));
    }
    (void)ilrs_ephem_format_utc(st->sun_el_min_t, a, sizeof a);
    (void)ilrs_ephem_format_utc(st->sun_el_max_t, b, sizeof b);
    fprintf(out, "sun elevation: min %.4f deg (%s), max %.4f deg (%s)\n", st->sun_el_min, a,
            st->sun_el_max, b);
    (void)ilrs_ephem_format_utc(st->earth_el_min_t, a, sizeof a);
    (void)ilrs_ephem_format_utc(st->earth_el_max_t, b, sizeof b);
    fprintf(out, "earth elevation: min %.4f deg (%s), max %.4f deg (%s)\n", st->earth_el_min, a,
            st->earth_el_max, b);
    ilrs_illum_summary_t sum;
    ilrs_illum_stats_summary(&st->illum, &sum);
    const char *against = o->dem_count > 0 ? "terrain" : "flat horizon";
    char d1[32], d2[32];
    fmt_duration(sum.longest_dark_s, d1, sizeof d1);
    (void)ilrs_ephem_format_utc(sum.longest_dark_start, a, sizeof a);
    fprintf(out,
            "sunlit (any part of the disk, %s): %.2f %% of the time; average illumination "
            "%.2f %%; longest darkness %s (from %s)\n",
            against, sum.sunlit_percent, 100.0 * sum.mean_illumination, d1,
            sum.longest_dark_s > 0 ? a : "-");
    fmt_duration(sum.longest_blackout_s, d2, sizeof d2);
    (void)ilrs_ephem_format_utc(sum.longest_blackout_start, b, sizeof b);
    fprintf(out,
            "earth visible (any part, %s): %.2f %% of the time; longest earth blackout %s "
            "(from %s)\n",
            against, sum.earth_visible_percent, d2, sum.longest_blackout_s > 0 ? b : "-");
    fprintf(out, "solar flux (TSI 1361 W/m2 at 1 au): %.1f .. %.1f W/m2\n", st->flux_min,
            st->flux_max);
    if (o->regolith && st->samples > 0) {
        (void)ilrs_ephem_format_utc(st->t_min_t, a, sizeof a);
        (void)ilrs_ephem_format_utc(st->t_max_t, b, sizeof b);
        fprintf(out, "regolith surface: min %.1f K (%s), max %.1f K (%s), mean %.1f K\n",
                st->t_min, a, st->t_max, b, st->t_sum / (double)st->samples);
        for (size_t i = 0; i < o->depth_count; i++) {
            fprintf(out, "regolith at %g m: %.1f .. %.1f K\n", o->depths[i], st->depth_min[i],
                    st->depth_max[i]);
        }
    }
    if (o->orbiter_text != NULL && st->samples > 0) {
        fprintf(out, "orbiter %s in view (above the %s and %g deg): %.2f %% of the samples\n",
                o->orbiter_text, against, o->min_el_deg,
                100.0 * (double)st->orbiter_visible / (double)st->samples);
    }
}

/* ------------------------------------------------------------------------- */
/* Command                                                                    */
/* ------------------------------------------------------------------------- */

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ilrs env --site LAT,LON[,HEIGHT_M] --from UTC (--to UTC | --days N)\n"
            "                [--step S] [--ephemeris analytic|spk|auto] [--kernels DIR]\n"
            "                [--dem FILE[@LATMIN:LATMAX]]... [--csv FILE] [--plot FILE.svg|.png]\n"
            "                [--regolith [--albedo A0] [--depths M,M,...]]\n"
            "                [--orbiter PRESET|ELEMENTS [--min-el DEG]] [--station "
            "NAME,LAT,LON[,H[,MIN_EL]]]...\n\n"
            "The lunar environment at a surface site: apparent Sun and Earth azimuth\n"
            "and elevation (light time, aberration, JPL DE kernels + DE421 librations or\n"
            "ERFA + IAU rotation), visible disk fractions against the terrain horizon\n"
            "(LOLA DEMs), solar flux, regolith temperatures (Hayne et al. 2017), an\n"
            "orbiter and Earth stations with their contact windows.\n\noptions:\n");
    for (size_t i = 0; i < ENV_OPTION_COUNT; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s %s", env_options[i].name,
                 env_options[i].metavar ? env_options[i].metavar : "");
        fprintf(out, "  %-36s %s\n", head, env_options[i].help);
    }
    fprintf(out, "\nCSV columns:");
    for (size_t i = 0; i < ENV_COLUMN_COUNT; i++) {
        fprintf(out, "%s%s", i ? "," : " ", env_columns[i].name);
    }
    fprintf(out, "\n  with --dem: sun_horizon_deg,earth_horizon_deg\n"
                 "  with --orbiter: orbiter_az_deg,orbiter_el_deg,orbiter_visible,"
                 "orbiter_range_km\n"
                 "  with --regolith: t_surface_k,t_<depth>m_k...\n");
}

static int parse_args(int argc, char **argv, env_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->step_s = 60.0;
    o->source = ILRS_EPHEM_AUTO;
    o->albedo = NAN;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            return 1;
        }
        /* Accept both "--opt value" and "--opt=value". */
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
        const env_option_t *opt = NULL;
        for (size_t k = 0; k < ENV_OPTION_COUNT; k++) {
            if (strlen(env_options[k].name) == name_len &&
                strncmp(env_options[k].name, arg, name_len) == 0) {
                opt = &env_options[k];
                break;
            }
        }
        if (opt == NULL) {
            fprintf(stderr, "ilrs env: unknown option '%s' (see ilrs env --help)\n", arg);
            return -1;
        }
        const char *value = NULL;
        if (opt->metavar != NULL) {
            if (eq != NULL) {
                value = eq + 1;
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                fprintf(stderr, "ilrs env: %s needs a value (%s)\n", opt->name, opt->metavar);
                return -1;
            }
        } else if (eq != NULL) {
            fprintf(stderr, "ilrs env: %s takes no value\n", opt->name);
            return -1;
        }
        if (opt->parse(o, value) != 0) {
            return -1;
        }
    }
    if (!o->have_site || !o->have_from || (o->have_to == o->have_days)) {
        fprintf(stderr, "ilrs env: need --site, --from and exactly one of --to or --days "
                        "(see ilrs env --help)\n");
        return -1;
    }
    if (o->have_days) {
        o->to = o->from + (int64_t)llround(o->days * 86400.0 * 1e9);
    }
    if (o->to < o->from) {
        fprintf(stderr, "ilrs env: --to %s is before --from %s\n", o->to_text, o->from_text);
        return -1;
    }
    double samples = floor((double)(o->to - o->from) / 1e9 / o->step_s) + 1;
    if (samples > ENV_MAX_SAMPLES) {
        fprintf(stderr,
                "ilrs env: %.0f samples (span / step) exceeds the limit of %.0f; use a "
                "larger --step\n",
                samples, ENV_MAX_SAMPLES);
        return -1;
    }
    if (!o->regolith && (isfinite(o->albedo) || o->depth_count > 0)) {
        fprintf(stderr, "ilrs env: --albedo and --depths need --regolith\n");
        return -1;
    }
    if (o->regolith && o->depth_count == 0) {
        o->depths[0] = 0.1;
        o->depths[1] = 0.5;
        o->depth_count = 2;
    }
    if (o->dem_count > 0 && !o->have_height) {
        o->height_m = ENV_DEFAULT_EYE_M;
    }
    if (o->dem_count > 0 && !(o->height_m >= 0.0)) {
        fprintf(stderr, "ilrs env: with --dem the site height is the eye height above the "
                        "terrain and cannot be negative\n");
        return -1;
    }
    return 0;
}

/* Everything opened before the work starts. */
typedef struct env_run {
    ilrs_ephem_t *ephem, *spin_ephem;
    ilrs_dem_t *dems[ENV_MAX_DEMS];
    size_t dem_count;
    ilrs_horizon_t *horizon;
    ilrs_regolith_t *regolith;
    ilrs_orbit_t *orbit;
    FILE *csv;
    char *line;
    float *plot_buf;
} env_run_t;

static double horizon_cb(void *user, double az_deg)
{
    return ilrs_horizon_elevation(user, az_deg);
}

/* Open the DEMs, check the site is covered, before any computation. */
static int open_dems(const env_opts_t *o, env_run_t *r)
{
    char err[512];
    for (size_t i = 0; i < o->dem_count; i++) {
        char path[4096];
        const char *at = o->dem_limited[i] ? strrchr(o->dem_path[i], '@') : NULL;
        size_t len = at ? (size_t)(at - o->dem_path[i]) : strlen(o->dem_path[i]);
        if (len >= sizeof path) {
            fprintf(stderr, "ilrs env: --dem path too long\n");
            return -1;
        }
        memcpy(path, o->dem_path[i], len);
        path[len] = '\0';
        int rc = ilrs_dem_open(path, &r->dems[i], err, sizeof err);
        if (rc != 0) {
            fprintf(stderr, "ilrs env: --dem: %s\n", err);
            return -1;
        }
        r->dem_count++;
        if (o->dem_limited[i]) {
            (void)ilrs_dem_set_latitude_limits(r->dems[i], o->dem_lat_min[i], o->dem_lat_max[i]);
        }
    }
    if (r->dem_count == 0) {
        return 0;
    }
    double h;
    for (size_t i = 0; i < r->dem_count; i++) {
        if (ilrs_dem_height(r->dems[i], o->lat_deg, o->lon_deg, &h) == 0) {
            return 0;
        }
    }
    fprintf(stderr, "ilrs env: site %.6f,%.6f is outside every DEM:\n", o->lat_deg, o->lon_deg);
    for (size_t i = 0; i < r->dem_count; i++) {
        ilrs_dem_info_t info;
        ilrs_dem_get_info(r->dems[i], &info);
        fprintf(stderr, "  %s: %zu x %zu, %.1f m pixels, heights %.1f .. %.1f m", info.path,
                info.width, info.height, info.pixel_m, info.min_height_m, info.max_height_m);
        if (info.lat_min_deg > -90.0 || info.lat_max_deg < 90.0) {
            fprintf(stderr, ", limited to latitudes %.2f .. %.2f deg", info.lat_min_deg,
                    info.lat_max_deg);
        }
        fputc('\n', stderr);
    }
    return -1;
}

static int open_ephemeris(const env_opts_t *o, env_run_t *r)
{
    char err[512];
    int rc = ilrs_ephem_create(o->source, o->kernel_dir, &r->ephem, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "ilrs env: cannot open the ephemeris: %s\n", err);
        return -1;
    }
    if (o->source == ILRS_EPHEM_SPK) {
        ilrs_tai_t c0 = 0, c1 = 0;
        if (ilrs_ephem_coverage(r->ephem, &c0, &c1) != 0 || o->from < c0 || o->to > c1) {
            char a[40] = "", b[40] = "", f[40] = "", t[40] = "";
            (void)ilrs_ephem_format_utc(c0, a, sizeof a);
            (void)ilrs_ephem_format_utc(c1, b, sizeof b);
            (void)ilrs_ephem_format_utc(o->from, f, sizeof f);
            (void)ilrs_ephem_format_utc(o->to, t, sizeof t);
            fprintf(stderr,
                    "ilrs env: --ephemeris spk: %s .. %s is outside the kernels' coverage "
                    "%s .. %s (%s); use --ephemeris auto or analytic\n",
                    f, t, a, b, ilrs_ephem_kernels(r->ephem));
            return -1;
        }
        if (o->regolith) {
            /* The spin-up year before --from may precede the kernels. */
            rc = ilrs_ephem_create(ILRS_EPHEM_AUTO, o->kernel_dir, &r->spin_ephem, err,
                                   sizeof err);
            if (rc != 0) {
                fprintf(stderr, "ilrs env: cannot open the ephemeris: %s\n", err);
                return -1;
            }
        }
    }
    return 0;
}

static int make_regolith(const env_opts_t *o, env_run_t *r)
{
    ilrs_regolith_params_t p;
    ilrs_regolith_params_default(&p);
    if (isfinite(o->albedo)) {
        p.albedo0 = o->albedo;
    }
    /* Start near the column's mean: the equilibrium temperature for the Sun at
     * the site's latitude (Hayne et al. 2017 eq. A35-A36); the spin-up does
     * the rest. */
    p.initial_temperature_k =
        ilrs_regolith_equilibrium_temperature(&p, ILRS_TWIN_TSI_W_M2, cos(o->lat_deg * (3.14159265358979323846 / 180.0)));
    char err[256];
    if (ilrs_regolith_create(&p, &r->regolith, err, sizeof err) != 0) {
        fprintf(stderr, "ilrs env: --regolith: %s\n", err);
        return -1;
    }
    double bottom = 0.0;
    (void)ilrs_regolith_node_count(r->regolith, &bottom);
    for (size_t i = 0; i < o->depth_count; i++) {
        if (o->depths[i] > bottom) {
            fprintf(stderr, "ilrs env: --depths: %g m is below the column's bottom (%.3f m)\n",
                    o->depths[i], bottom);
            return -1;
        }
    }
    return 0;
}

static void run_close(env_run_t *r)
{
    if (r->csv != NULL && r->csv != stdout) {
        fclose(r->csv);
    }
    free(r->line);
    free(r->plot_buf);
    ilrs_orbit_destroy(r->orbit);
    ilrs_regolith_destroy(r->regolith);
    ilrs_horizon_destroy(r->horizon);
    for (size_t i = 0; i < r->dem_count; i++) {
        ilrs_dem_destroy(r->dems[i]);
    }
    ilrs_ephem_destroy(r->spin_ephem);
    ilrs_ephem_destroy(r->ephem);
}

/* Plot series storage: one float array per curve. */
enum {
    PS_X,
    PS_SUN_EL,
    PS_EARTH_EL,
    PS_SUN_HZ,
    PS_EARTH_HZ,
    PS_SUN_FR,
    PS_EARTH_FR,
    PS_T_SURF,
    PS_T_DEPTH0,
    PS_COUNT = PS_T_DEPTH0 + ILRS_ENV_MAX_DEPTHS
};

static int write_plot(const env_opts_t *o, float *buf, size_t n, char *err, size_t cap)
{
    static const char *const depth_colors[] = {"#8c564b", "#9467bd", "#7f7f7f", "#bcbd22",
                                               "#17becf", "#e377c2", "#2ca02c", "#000000"};
    static char depth_labels[ILRS_ENV_MAX_DEPTHS][32];
    env_plot_t pl;
    memset(&pl, 0, sizeof pl);
    char title[160], xlabel[96], from[40];
    (void)ilrs_ephem_format_utc(o->from, from, sizeof from);
    snprintf(title, sizeof title, "ilrs env: site %.4f, %.4f E%s", o->lat_deg, o->lon_deg,
             o->dem_count ? " (terrain horizon)" : " (flat horizon)");
    snprintf(xlabel, sizeof xlabel, "days since %s", from);
    pl.title = title;
    pl.x_label = xlabel;
    pl.x = buf;
    pl.n = n;
#define SERIES(k) (buf + (size_t)(k) * n)
    env_plot_panel_t *p = &pl.panels[pl.panel_count++];
    p->y_label = "elevation (deg)";
    p->y_min = p->y_max = NAN;
    p->series[p->series_count++] = (env_plot_series_t){"Sun", SERIES(PS_SUN_EL), "#ff7f0e", 0};
    p->series[p->series_count++] =
        (env_plot_series_t){"Earth", SERIES(PS_EARTH_EL), "#1f77b4", 0};
    p->series[p->series_count++] =
        (env_plot_series_t){"horizon at Sun az", SERIES(PS_SUN_HZ), "#a05a00", 1};
    p->series[p->series_count++] =
        (env_plot_series_t){"horizon at Earth az", SERIES(PS_EARTH_HZ), "#0b3d66", 1};
    env_plot_panel_t *q = &pl.panels[pl.panel_count++];
    q->y_label = "visible fraction";
    q->y_min = -0.05;
    q->y_max = 1.05;
    q->series[q->series_count++] =
        (env_plot_series_t){"Sun disk", SERIES(PS_SUN_FR), "#ff7f0e", 0};
    q->series[q->series_count++] =
        (env_plot_series_t){"Earth disk", SERIES(PS_EARTH_FR), "#1f77b4", 0};
    if (o->regolith) {
        q = &pl.panels[pl.panel_count++];
        q->y_label = "temperature (K)";
        q->y_min = q->y_max = NAN;
        q->series[q->series_count++] =
            (env_plot_series_t){"surface", SERIES(PS_T_SURF), "#d62728", 0};
        for (size_t i = 0; i < o->depth_count; i++) {
            snprintf(depth_labels[i], sizeof depth_labels[i], "%g m", o->depths[i]);
            q->series[q->series_count++] = (env_plot_series_t){
                depth_labels[i], SERIES(PS_T_DEPTH0 + i), depth_colors[i], 0};
        }
    }
#undef SERIES
    return env_plot_write(&pl, o->plot_path, err, cap);
}

/* Contact windows for the summary: sampled at min(step, 60 s), edges refined
 * to 0.1 s (twin_windows.c). */
static int print_all_windows(FILE *out, const env_opts_t *o, env_run_t *r,
                             const ilrs_site_t *site)
{
    ilrs_window_search_t search = {.start = o->from,
                                   .end = o->to,
                                   .step_s = fmin(o->step_s, 60.0),
                                   .min_duration_s = 0.0,
                                   .tolerance_s = 0.1};
    ilrs_lunar_site_t ls = {.lat_deg = o->lat_deg,
                            .lon_deg = o->lon_deg,
                            .height_m = site->height_m,
                            .min_el_deg = o->min_el_deg,
                            .horizon = r->horizon ? horizon_cb : NULL,
                            .horizon_user = r->horizon};
    ilrs_window_list_t w = {0};
    char what[128];
    int rc = 0;
    if (r->orbit != NULL) {
        rc = ilrs_windows_site_orbiter(r->orbit, &ls, &search, &w);
        if (rc != 0) {
            fprintf(stderr, "ilrs env: site-orbiter windows: %s\n", ilrs_strerror(rc));
            return -1;
        }
        print_windows(out, "orbiter contact from the site", &w, o->from, o->to);
        ilrs_window_list_free(&w);
        for (size_t i = 0; i < o->station_count; i++) {
            rc = ilrs_windows_orbiter_station(r->orbit, &o->stations[i], &search, &w);
            if (rc != 0) {
                fprintf(stderr, "ilrs env: orbiter-%s windows: %s\n", o->stations[i].name,
                        ilrs_strerror(rc));
                return -1;
            }
            snprintf(what, sizeof what, "orbiter <-> %s (min el %g deg)", o->stations[i].name,
                     o->stations[i].min_el_deg);
            print_windows(out, what, &w, o->from, o->to);
            ilrs_window_list_free(&w);
        }
    }
    for (size_t i = 0; i < o->station_count; i++) {
        ls.min_el_deg = 0.0;
        rc = ilrs_windows_site_station(r->ephem, &ls, &o->stations[i], &search, &w);
        if (rc != 0) {
            fprintf(stderr, "ilrs env: site-%s windows: %s\n", o->stations[i].name,
                    ilrs_strerror(rc));
            return -1;
        }
        snprintf(what, sizeof what, "site <-> %s direct (min el %g deg)", o->stations[i].name,
                 o->stations[i].min_el_deg);
        print_windows(out, what, &w, o->from, o->to);
        ilrs_window_list_free(&w);
    }
    return 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

int cli_env(int argc, char **argv)
{
    env_opts_t o;
    int rc = parse_args(argc, argv, &o);
    if (rc != 0) {
        return rc > 0 ? 0 : 2;
    }
    int status = 1;
    env_run_t r;
    memset(&r, 0, sizeof r);
    char err[512];
    active_column_t cols[ENV_MAX_COLUMNS];
    size_t ncols = select_columns(&o, cols);

    /* 1. Check every input before any computation. */
    if (open_dems(&o, &r) != 0 || open_ephemeris(&o, &r) != 0) {
        goto out;
    }
    if (o.regolith && make_regolith(&o, &r) != 0) {
        goto out;
    }
    if (o.station_count > 0 && o.source == ILRS_EPHEM_SPK) {
        /* Station geometry comes from the same ephemeris; covered above. */
    }
    if (o.csv_path != NULL) {
        r.csv = strcmp(o.csv_path, "-") == 0 ? stdout : fopen(o.csv_path, "w");
        if (r.csv == NULL) {
            fprintf(stderr, "ilrs env: cannot write %s: %s\n", o.csv_path, strerror(errno));
            goto out;
        }
    }
    if (o.plot_path != NULL) {
        FILE *probe = fopen(o.plot_path, "w");
        if (probe == NULL) {
            fprintf(stderr, "ilrs env: cannot write %s: %s\n", o.plot_path, strerror(errno));
            goto out;
        }
        fclose(probe);
    }

    /* 2. Terrain: horizon mask (cached) and slope at the site. */
    FILE *info = r.csv == stdout ? stderr : stdout;
    ilrs_site_t site;
    double ground_m = 0.0, slope = 0.0, aspect = 0.0;
    if (r.dem_count > 0) {
        ilrs_horizon_config_t hc = {.lat_deg = o.lat_deg,
                                    .lon_deg = o.lon_deg,
                                    .observer_height_m = o.height_m,
                                    .azimuth_bins = 1440,
                                    .max_range_m = ILRS_HORIZON_DEFAULT_RANGE_M};
        bool cached = false;
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rc = ilrs_horizon_get(&hc, r.dems, r.dem_count, NULL, &r.horizon, &cached, err,
                              sizeof err);
        if (rc != 0) {
            fprintf(stderr, "ilrs env: horizon mask: %s\n", err);
            goto out;
        }
        ilrs_horizon_info_t hi;
        ilrs_horizon_get_info(r.horizon, &hi);
        ground_m = hi.ground_height_m;
        if (ilrs_env_dem_slope(r.dems, r.dem_count, o.lat_deg, o.lon_deg, &slope, &aspect) != 0) {
            ilrs_log(ILRS_LOG_WARN, "env", "no slope at the site (DEM edge or pole): level "
                                           "surface assumed for the regolith");
            slope = aspect = 0.0;
        }
        fprintf(info,
                "horizon: terrain mask from %zu DEM(s), %s in %.2f s: ground %.1f m, eye %.1f m, "
                "skyline %.3f .. %.3f deg; local slope %.2f deg facing %.1f deg\n",
                r.dem_count, cached ? "read from the cache" : "computed", seconds_since(&t0),
                ground_m, o.height_m, hi.min_elevation_deg, hi.max_elevation_deg, slope, aspect);
    } else {
        ilrs_log(ILRS_LOG_WARN, "env", "no --dem: flat horizon (0 deg) at the site; sun and "
                                       "earth fractions ignore the terrain");
    }
    (void)ilrs_site_init(&site, o.lat_deg, o.lon_deg, ground_m + o.height_m);

    ilrs_env_config_t cfg = {.ephem = r.ephem,
                             .site = &site,
                             .horizon = r.horizon,
                             .orbiter_min_el_deg = o.min_el_deg,
                             .slope_deg = slope,
                             .aspect_deg = aspect,
                             .depths_m = o.depths,
                             .depth_count = o.regolith ? o.depth_count : 0};

    /* 3. Orbiter: propagate over the span once. */
    if (o.orbiter_text != NULL) {
        /* Epoch 1 s before --from: the apparent direction at the first sample
         * evaluates the orbiter one light time (< 0.1 s) earlier. */
        rc = ilrs_orbit_create(r.ephem, NULL, &o.orbiter, o.from - ILRS_NS_PER_S, &r.orbit, err,
                               sizeof err);
        if (rc == 0) {
            rc = ilrs_orbit_propagate(r.orbit, o.to);
            snprintf(err, sizeof err, "%s", ilrs_strerror(rc));
        }
        if (rc != 0) {
            fprintf(stderr, "ilrs env: --orbiter %s: %s\n", o.orbiter_text, err);
            goto out;
        }
        cfg.orbiter = r.orbit;
    }

    /* 4. Regolith: spin up over the year before --from (real geometry). */
    if (r.regolith != NULL) {
        cfg.regolith = r.regolith;
        rc = ilrs_env_spin_up(&cfg, r.spin_ephem ? r.spin_ephem : r.ephem, o.from,
                              ENV_SPIN_SPAN_S, ENV_SPIN_STEP_S, ENV_SPIN_CYCLES);
        if (rc != 0) {
            fprintf(stderr, "ilrs env: regolith spin-up: %s\n", ilrs_strerror(rc));
            goto out;
        }
    }

    /* 5. The time series. */
    int64_t step_ns = (int64_t)llround(o.step_s * 1e9);
    size_t n_samples = (size_t)((o.to - o.from) / step_ns) + 1;
    if (r.csv != NULL) {
        for (size_t i = 0; i < ncols; i++) {
            fprintf(r.csv, "%s%s", i ? "," : "", cols[i].name);
        }
        fputc('\n', r.csv);
        r.line = malloc(48 * ncols + 64);
        if (r.line == NULL) {
            fprintf(stderr, "ilrs env: out of memory\n");
            goto out;
        }
    }
    if (o.plot_path != NULL) {
        r.plot_buf = malloc(sizeof(float) * PS_COUNT * n_samples);
        if (r.plot_buf == NULL) {
            fprintf(stderr, "ilrs env: out of memory for the plot (%zu samples)\n", n_samples);
            goto out;
        }
    }
    env_stats_t st;
    stats_init(&st, o.from, step_ns);
    utc_clock_t clock = {0};
    for (size_t k = 0; k < n_samples; k++) {
        ilrs_tai_t t = o.from + (int64_t)k * step_ns;
        env_sample_t s;
        rc = ilrs_env_sample(&cfg, t, k > 0 ? o.step_s : 0.0, &s.e);
        if (rc != 0) {
            char when[40];
            (void)ilrs_ephem_format_utc(t, when, sizeof when);
            fprintf(stderr, "ilrs env: failed at %s: %s\n", when, ilrs_strerror(rc));
            goto out;
        }
        stats_add(&st, &s.e, cfg.depth_count);
        if (r.plot_buf != NULL) {
            float *b = r.plot_buf;
            b[PS_X * n_samples + k] = (float)((double)(t - o.from) / 86400e9);
            b[PS_SUN_EL * n_samples + k] = (float)s.e.sky.sun.el_deg;
            b[PS_EARTH_EL * n_samples + k] = (float)s.e.sky.earth.el_deg;
            b[PS_SUN_HZ * n_samples + k] = (float)s.e.sun_horizon_deg;
            b[PS_EARTH_HZ * n_samples + k] = (float)s.e.earth_horizon_deg;
            b[PS_SUN_FR * n_samples + k] = (float)s.e.sun_fraction;
            b[PS_EARTH_FR * n_samples + k] = (float)s.e.earth_fraction;
            b[PS_T_SURF * n_samples + k] = (float)s.e.t_surface_k;
            for (size_t i = 0; i < cfg.depth_count; i++) {
                b[(PS_T_DEPTH0 + i) * n_samples + k] = (float)s.e.t_depth_k[i];
            }
        }
        if (r.csv != NULL) {
            utc_format(&clock, t, s.utc, sizeof s.utc);
            char *p = r.line;
            for (size_t i = 0; i < ncols; i++) {
                if (i) {
                    *p++ = ',';
                }
                p = cols[i].col->write(p, &s, cols[i].arg);
            }
            *p++ = '\n';
            if (fwrite(r.line, 1, (size_t)(p - r.line), r.csv) != (size_t)(p - r.line)) {
                fprintf(stderr, "ilrs env: write error on %s\n", o.csv_path);
                goto out;
            }
        }
    }
    if (r.csv != NULL && r.csv != stdout) {
        int closed = fclose(r.csv);
        r.csv = NULL;
        if (closed != 0) {
            fprintf(stderr, "ilrs env: write error on %s\n", o.csv_path);
            goto out;
        }
    }
    /* With the CSV on stdout the summary goes to stderr, keeping stdout clean. */
    if (r.csv == stdout) {
        fflush(stdout);
    }
    print_summary(info, &o, r.ephem, &site, &st);
    if (print_all_windows(info, &o, &r, &site) != 0) {
        goto out;
    }
    if (r.horizon == NULL) {
        fprintf(info, "horizon: flat local horizon (no terrain)\n");
    }
    if (o.plot_path != NULL) {
        if (write_plot(&o, r.plot_buf, n_samples, err, sizeof err) != 0) {
            fprintf(stderr, "ilrs env: --plot: %s\n", err);
            goto out;
        }
        fprintf(info, "plot: %s\n", o.plot_path);
    }
    status = 0;
out:
    run_close(&r);
    return status;
}
