// SPDX-License-Identifier: Apache-2.0
//
// `ilrs env`: the lunar environment at a surface site over a time span: Sun and
// Earth apparent azimuth/elevation, the visible fraction of their disks, solar
// flux; a summary on stdout and optionally a CSV time series.
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

#include <erfa.h>

#include <ilrs/base.h>
#include <ilrs/twin.h>

#include "cli/cli.h"

#define DAY_NS (INT64_C(86400) * ILRS_NS_PER_S)
/* Upper bound on samples, so that a typo (--step 1 over 10 years) is an error
 * rather than hours of work and gigabytes of CSV. */
#define ENV_MAX_SAMPLES 50000000.0

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

static const env_option_t env_options[] = {
    {"--site", "LAT,LON[,HEIGHT_M]", opt_site,
     "selenographic latitude and east longitude (deg), height above the 1737.4 km sphere"},
    {"--from", "UTC", opt_from, "start, e.g. 2026-01-01 or 2026-01-01T06:00:00Z"},
    {"--to", "UTC", opt_to, "end (inclusive); or use --days"},
    {"--days", "N", opt_days, "length of the span in days (instead of --to)"},
    {"--step", "DURATION", opt_step, "sampling step: 60, 10m, 1h... (default 60 s)"},
    {"--ephemeris", "SOURCE", opt_ephemeris,
     "auto (JPL kernels where they cover, else analytic; default), spk or analytic"},
    {"--kernels", "DIR", opt_kernels,
     "kernel directory (spk/, pck/, fk/); default $ILRS_DATA_DIR/ephemeris"},
    {"--csv", "FILE", opt_csv, "write the time series to FILE ('-' for stdout)"},
};
#define ENV_OPTION_COUNT (sizeof env_options / sizeof env_options[0])

/* ------------------------------------------------------------------------- */
/* Samples and CSV columns                                                    */
/* ------------------------------------------------------------------------- */

typedef struct env_sample {
    ilrs_tai_t t;
    char utc[32];
    ilrs_sky_t sky;
    double sun_fraction;   /* visible fraction of the solar disk above the horizon */
    double earth_fraction; /* same for the Earth's disk */
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

typedef struct env_column {
    const char *name;
    char *(*write)(char *p, const env_sample_t *s);
} env_column_t;

static char *col_utc(char *p, const env_sample_t *s)
{
    size_t n = strlen(s->utc);
    memcpy(p, s->utc, n);
    return p + n;
}
static char *col_sun_az(char *p, const env_sample_t *s)
{
    return put_fixed(p, s->sky.sun.az_deg, 5);
}
static char *col_sun_el(char *p, const env_sample_t *s)
{
    return put_fixed(p, s->sky.sun.el_deg, 5);
}
static char *col_sun_frac(char *p, const env_sample_t *s)
{
    return put_fixed(p, s->sun_fraction, 5);
}
static char *col_earth_az(char *p, const env_sample_t *s)
{
    return put_fixed(p, s->sky.earth.az_deg, 5);
}
static char *col_earth_el(char *p, const env_sample_t *s)
{
    return put_fixed(p, s->sky.earth.el_deg, 5);
}
static char *col_earth_frac(char *p, const env_sample_t *s)
{
    return put_fixed(p, s->earth_fraction, 5);
}
static char *col_flux(char *p, const env_sample_t *s)
{
    return put_fixed(p, s->sky.solar_flux_w_m2, 2);
}
static char *col_sun_radius(char *p, const env_sample_t *s)
{
    return put_fixed(p, s->sky.sun_radius_deg, 5);
}
static char *col_earth_radius(char *p, const env_sample_t *s)
{
    return put_fixed(p, s->sky.earth_radius_deg, 5);
}
static char *col_earth_km(char *p, const env_sample_t *s)
{
    return put_fixed(p, s->sky.earth.distance_m / 1e3, 1);
}
static char *col_source(char *p, const env_sample_t *s)
{
    const char *name = ilrs_ephem_source_name(s->sky.source);
    size_t n = strlen(name);
    memcpy(p, name, n);
    return p + n;
}

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

/* ------------------------------------------------------------------------- */
/* Summary statistics                                                         */
/* ------------------------------------------------------------------------- */

typedef struct env_stats {
    size_t samples, spk_samples, analytic_samples;
    double sun_el_min, sun_el_max, earth_el_min, earth_el_max;
    ilrs_tai_t sun_el_min_t, sun_el_max_t, earth_el_min_t, earth_el_max_t;
    size_t sun_up, earth_up; /* disk centre above the horizon */
    double sun_fraction_sum, earth_fraction_sum;
    double flux_min, flux_max;
    /* Longest run of samples with none of the Sun / Earth visible. */
    size_t sun_dark_run, sun_dark_longest, earth_gone_run, earth_gone_longest;
} env_stats_t;

static void stats_init(env_stats_t *st)
{
    memset(st, 0, sizeof *st);
    st->sun_el_min = st->earth_el_min = st->flux_min = INFINITY;
    st->sun_el_max = st->earth_el_max = st->flux_max = -INFINITY;
}

static void stats_add(env_stats_t *st, const env_sample_t *s)
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
    st->sun_up += s->sky.sun.el_deg > 0;
    st->earth_up += s->sky.earth.el_deg > 0;
    st->sun_fraction_sum += s->sun_fraction;
    st->earth_fraction_sum += s->earth_fraction;
    st->flux_min = fmin(st->flux_min, s->sky.solar_flux_w_m2);
    st->flux_max = fmax(st->flux_max, s->sky.solar_flux_w_m2);
    st->sun_dark_run = s->sun_fraction == 0.0 ? st->sun_dark_run + 1 : 0;
    if (st->sun_dark_run > st->sun_dark_longest) {
        st->sun_dark_longest = st->sun_dark_run;
    }
    st->earth_gone_run = s->earth_fraction == 0.0 ? st->earth_gone_run + 1 : 0;
    if (st->earth_gone_run > st->earth_gone_longest) {
        st->earth_gone_longest = st->earth_gone_run;
    }
}

static void print_summary(FILE *out, const env_opts_t *o, const ilrs_ephem_t *ephem,
                          const env_stats_t *st)
{
    char a[40], b[40];
    double n = (double)st->samples;
    fprintf(out, "site: %.4f deg lat, %.4f deg E lon, %.1f m above the 1737.4 km sphere\n",
            o->lat_deg, o->lon_deg, o->height_m);
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
    fprintf(out,
            "sun above the flat horizon: %.2f %% of the time (centre); mean visible disk "
            "fraction %.2f %%\n",
            100.0 * (double)st->sun_up / n, 100.0 * st->sun_fraction_sum / n);
    fprintf(out,
            "earth above the flat horizon: %.2f %% of the time (centre); mean visible disk "
            "fraction %.2f %%\n",
            100.0 * (double)st->earth_up / n, 100.0 * st->earth_fraction_sum / n);
    fprintf(out, "longest sun fully hidden: %.2f d; longest earth fully hidden: %.2f d\n",
            (double)st->sun_dark_longest * o->step_s / 86400.0,
            (double)st->earth_gone_longest * o->step_s / 86400.0);
    fprintf(out, "solar flux (TSI 1361 W/m2 at 1 au): %.1f .. %.1f W/m2\n", st->flux_min,
            st->flux_max);
    fprintf(out, "horizon: flat local horizon (no terrain)\n");
}

/* ------------------------------------------------------------------------- */
/* Command                                                                    */
/* ------------------------------------------------------------------------- */

static void usage(FILE *out)
{
    fprintf(out, "usage: ilrs env --site LAT,LON[,HEIGHT_M] --from UTC (--to UTC | --days N)\n"
                 "                [--step S] [--ephemeris analytic|spk|auto] [--csv FILE]\n\n"
                 "The lunar environment at a surface site: apparent Sun and Earth azimuth\n"
                 "and elevation (light time, aberration, JPL DE kernels + DE421 librations or\n"
                 "ERFA + IAU rotation), visible disk fractions, solar flux.\n\noptions:\n");
    for (size_t i = 0; i < ENV_OPTION_COUNT; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s %s", env_options[i].name,
                 env_options[i].metavar ? env_options[i].metavar : "");
        fprintf(out, "  %-30s %s\n", head, env_options[i].help);
    }
    fprintf(out, "\nCSV columns:");
    for (size_t i = 0; i < ENV_COLUMN_COUNT; i++) {
        fprintf(out, "%s%s", i ? "," : " ", env_columns[i].name);
    }
    fprintf(out, "\n");
}

static int parse_args(int argc, char **argv, env_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->step_s = 60.0;
    o->source = ILRS_EPHEM_AUTO;
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
    return 0;
}

static void env_sample(ilrs_tai_t t, const ilrs_sky_t *sky, env_sample_t *s)
{
    s->t = t;
    s->sky = *sky;
    /* Flat local horizon until terrain horizon masks are plugged in here. */
    s->sun_fraction = ilrs_disk_fraction(sky->sun.el_deg, sky->sun_radius_deg, 0.0);
    s->earth_fraction = ilrs_disk_fraction(sky->earth.el_deg, sky->earth_radius_deg, 0.0);
}

int cli_env(int argc, char **argv)
{
    env_opts_t o;
    int rc = parse_args(argc, argv, &o);
    if (rc != 0) {
        return rc > 0 ? 0 : 2;
    }
    int status = 1;
    ilrs_ephem_t *ephem = NULL;
    FILE *csv = NULL;
    char *line = NULL;
    ilrs_site_t site;
    (void)ilrs_site_init(&site, o.lat_deg, o.lon_deg, o.height_m);

    char err[512];
    rc = ilrs_ephem_create(o.source, o.kernel_dir, &ephem, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "ilrs env: cannot open the ephemeris: %s\n", err);
        goto out;
    }
    if (o.source == ILRS_EPHEM_SPK) {
        ilrs_tai_t c0, c1;
        if (ilrs_ephem_coverage(ephem, &c0, &c1) != 0 || o.from < c0 || o.to > c1) {
            char a[40] = "", b[40] = "", f[40] = "", t[40] = "";
            (void)ilrs_ephem_format_utc(c0, a, sizeof a);
            (void)ilrs_ephem_format_utc(c1, b, sizeof b);
            (void)ilrs_ephem_format_utc(o.from, f, sizeof f);
            (void)ilrs_ephem_format_utc(o.to, t, sizeof t);
            fprintf(stderr,
                    "ilrs env: --ephemeris spk: %s .. %s is outside the kernels' coverage "
                    "%s .. %s (%s); use --ephemeris auto or analytic\n",
                    f, t, a, b, ilrs_ephem_kernels(ephem));
            goto out;
        }
    }
    if (o.csv_path != NULL) {
        csv = strcmp(o.csv_path, "-") == 0 ? stdout : fopen(o.csv_path, "w");
        if (csv == NULL) {
            fprintf(stderr, "ilrs env: cannot write %s: %s\n", o.csv_path, strerror(errno));
            goto out;
        }
        for (size_t i = 0; i < ENV_COLUMN_COUNT; i++) {
            fprintf(csv, "%s%s", i ? "," : "", env_columns[i].name);
        }
        fputc('\n', csv);
        line = malloc(64 * ENV_COLUMN_COUNT + 64);
        if (line == NULL) {
            fprintf(stderr, "ilrs env: out of memory\n");
            goto out;
        }
    }

    env_stats_t st;
    stats_init(&st);
    utc_clock_t clock = {0};
    int64_t step_ns = (int64_t)llround(o.step_s * 1e9);
    for (int64_t k = 0;; k++) {
        ilrs_tai_t t = o.from + k * step_ns;
        if (t > o.to) {
            break;
        }
        ilrs_sky_t sky;
        rc = ilrs_ephem_sky(ephem, &site, t, &sky);
        if (rc != 0) {
            char when[40];
            (void)ilrs_ephem_format_utc(t, when, sizeof when);
            fprintf(stderr, "ilrs env: ephemeris failed at %s: %s\n", when, ilrs_strerror(rc));
            goto out;
        }
        env_sample_t s;
        env_sample(t, &sky, &s);
        stats_add(&st, &s);
        if (csv != NULL) {
            utc_format(&clock, t, s.utc, sizeof s.utc);
            char *p = line;
            for (size_t i = 0; i < ENV_COLUMN_COUNT; i++) {
                if (i) {
                    *p++ = ',';
                }
                p = env_columns[i].write(p, &s);
            }
            *p++ = '\n';
            if (fwrite(line, 1, (size_t)(p - line), csv) != (size_t)(p - line)) {
                fprintf(stderr, "ilrs env: write error on %s\n", o.csv_path);
                goto out;
            }
        }
    }
    if (csv != NULL && csv != stdout) {
        int closed = fclose(csv);
        csv = NULL;
        if (closed != 0) {
            fprintf(stderr, "ilrs env: write error on %s\n", o.csv_path);
            goto out;
        }
    }
    /* With the CSV on stdout the summary goes to stderr, keeping stdout clean. */
    if (csv == stdout) {
        fflush(stdout);
    }
    print_summary(csv == stdout ? stderr : stdout, &o, ephem, &st);
    status = 0;
out:
    if (csv != NULL && csv != stdout) {
        fclose(csv);
    }
    free(line);
    ilrs_ephem_destroy(ephem);
    return status;
}
