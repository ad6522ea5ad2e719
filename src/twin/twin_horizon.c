// SPDX-License-Identifier: Apache-2.0
// Horizon masks: the skyline elevation per azimuth seen from a lunar surface
// site, computed by ray casting over nested DEMs (Mazarico et al. 2011, Icarus
// 211:1066, §2.2), cached on disk, imported and exported as CSV tables.
//
// No library computes terrain horizons on a sphere from several nested DEMs
// (GDAL's viewshed is planar and single-grid), so the ray march is our own.
//
// Design notes and invariants:
// - Rays are great circles generated as unit vectors p(g) = cos g u + sin g d,
//   u the site's radial unit vector, d = cos(az) n + sin(az) e the initial
//   direction; g = distance / R. Each point is sampled from the first DEM of
//   the caller's list (fine -> coarse) that covers it.
// - The elevation of a terrain point of radius r at central angle g seen from
//   radius r_o is exactly atan2(r cos g - r_o, r sin g): the curvature drop is
//   in the geometry, not in a d^2/2R correction. The march keeps the largest
//   tangent (r cos g - r_o) / (r sin g), one division per sample.
// - A ray stops at the maximum range, or once even the highest terrain of the
//   DEMs could not rise above the best elevation so far (beyond the tangent
//   point of that sphere the bound only falls), so the early exit is exact.
// - Everything is single-threaded and in a fixed order: a mask is a pure
//   function of its inputs, bit for bit.
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twin/twin_horizon_int.h"

#define DEG          (ILRS__PI / 180.0)
#define KEY_VERSION  "ilrs-horizon v1"
#define CSV_LINE_MAX 8192

/* ------------------------------------------------------------------------- */
/* Construction and lookup                                                    */
/* ------------------------------------------------------------------------- */

static void set_site(ilrs_horizon_t *h, double lat, double lon, double ground, double observer)
{
    h->lat = lat;
    h->lon = lon;
    h->ground_height = ground;
    h->observer_height = observer;
    h->has_site = isfinite(lat) && isfinite(lon);
    if (!h->has_site) {
        return;
    }
    double phi = lat * DEG, lam = lon * DEG;
    ilrs__unit_from_latlon(phi, lam, h->up);
    /* Local east and north (north toward increasing latitude; at the pole the
     * formula points north along the site's own meridian). */
    h->east[0] = -sin(lam);
    h->east[1] = cos(lam);
    h->east[2] = 0.0;
    h->north[0] = -sin(phi) * cos(lam);
    h->north[1] = -sin(phi) * sin(lam);
    h->north[2] = cos(phi);
    h->observer_radius = ILRS_TERRAIN_SPHERE_M + ground + observer;
}

static ilrs_horizon_t *horizon_alloc(unsigned bins)
{
    ilrs_horizon_t *h = calloc(1, sizeof *h);
    if (h == NULL) {
        return NULL;
    }
    h->elevation = calloc((size_t)bins + 1, sizeof *h->elevation);
    if (h->elevation == NULL) {
        free(h);
        return NULL;
    }
    h->bins = bins;
    h->step_deg = 360.0 / bins;
    h->inv_step = bins / 360.0;
    h->lat = h->lon = NAN;
    return h;
}

/* Min/max and the wrap-around copy elevation[bins] = elevation[0]. */
static void horizon_finish(ilrs_horizon_t *h)
{
    double lo = INFINITY, hi = -INFINITY;
    for (unsigned i = 0; i < h->bins; i++) {
        lo = h->elevation[i] < lo ? h->elevation[i] : lo;
        hi = h->elevation[i] > hi ? h->elevation[i] : hi;
    }
    h->elevation[h->bins] = h->elevation[0];
    h->min_el = lo;
    h->max_el = hi;
}

void ilrs_horizon_destroy(ilrs_horizon_t *horizon)
{
    if (horizon == NULL) {
        return;
    }
    free(horizon->elevation);
    free(horizon->key);
    free(horizon);
}

void ilrs_horizon_get_info(const ilrs_horizon_t *horizon, ilrs_horizon_info_t *info)
{
    memset(info, 0, sizeof *info);
    info->lat_deg = horizon->lat;
    info->lon_deg = horizon->lon;
    info->ground_height_m = horizon->ground_height;
    info->observer_height_m = horizon->observer_height;
    info->bins = horizon->bins;
    info->max_range_m = horizon->max_range;
    info->min_elevation_deg = horizon->min_el;
    info->max_elevation_deg = horizon->max_el;
    info->samples = horizon->samples;
    info->uncovered_samples = horizon->uncovered;
    info->dem_count = horizon->dem_count;
}

double ilrs_horizon_bin_elevation(const ilrs_horizon_t *horizon, unsigned i)
{
    return i < horizon->bins ? horizon->elevation[i] : NAN;
}

double ilrs_horizon_elevation(const ilrs_horizon_t *horizon, double azimuth_deg)
{
    return ilrs__horizon_at(horizon, azimuth_deg);
}

int ilrs_horizon_topocentric(const ilrs_horizon_t *horizon, const double target_body_m[3],
                             double *azimuth_deg, double *elevation_deg, double *range_m)
{
    *azimuth_deg = *elevation_deg = *range_m = NAN;
    if (!horizon->has_site) {
        return ILRS_ESTATE;
    }
    double v[3];
    for (int k = 0; k < 3; k++) {
        v[k] = target_body_m[k] - horizon->observer_radius * horizon->up[k];
    }
    double range = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (!(range > 0.0) || !isfinite(range)) {
        return ILRS_ERANGE;
    }
    double vu = v[0] * horizon->up[0] + v[1] * horizon->up[1] + v[2] * horizon->up[2];
    double ve = v[0] * horizon->east[0] + v[1] * horizon->east[1] + v[2] * horizon->east[2];
    double vn = v[0] * horizon->north[0] + v[1] * horizon->north[1] + v[2] * horizon->north[2];
    double az = atan2(ve, vn) / DEG;
    if (az < 0.0) {
        az += 360.0;
    }
    if (az >= 360.0) {
        az -= 360.0;
    }
    *azimuth_deg = az;
    *elevation_deg = atan2(vu, hypot(ve, vn)) / DEG;
    *range_m = range;
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Ray casting                                                                */
/* ------------------------------------------------------------------------- */

static int check_config(const ilrs_horizon_config_t *in, ilrs_horizon_config_t *cfg, char *error,
                        size_t cap)
{
    *cfg = *in;
    if (cfg->azimuth_bins == 0) {
        cfg->azimuth_bins = 1440;
    }
    if (cfg->max_range_m == 0.0) {
        cfg->max_range_m = ILRS_HORIZON_DEFAULT_RANGE_M;
    }
    if (cfg->step_growth == 0.0) {
        cfg->step_growth = ILRS_HORIZON_DEFAULT_GROWTH;
    }
    if (!(fabs(cfg->lat_deg) <= 90.0) || !isfinite(cfg->lon_deg)) {
        ilrs__terrain_error(error, cap, "horizon: site (%g, %g) is not a latitude/longitude",
                            cfg->lat_deg, cfg->lon_deg);
        return ILRS_EINVAL;
    }
    if (!(cfg->observer_height_m >= 0.0 && cfg->observer_height_m <= 100000.0)) {
        ilrs__terrain_error(error, cap, "horizon: observer_height_m %g outside 0..100000",
                            cfg->observer_height_m);
        return ILRS_EINVAL;
    }
    if (cfg->azimuth_bins < 4 || cfg->azimuth_bins > ILRS_HORIZON_MAX_BINS) {
        ilrs__terrain_error(error, cap, "horizon: azimuth_bins %u outside 4..%u", cfg->azimuth_bins,
                            ILRS_HORIZON_MAX_BINS);
        return ILRS_EINVAL;
    }
    /* A quarter of the circumference: beyond it nothing rises above a local
     * horizon on the Moon (a 10 km peak is hidden beyond ~400 km). */
    double range_limit = 0.5 * ILRS__PI * ILRS_TERRAIN_SPHERE_M;
    if (!(cfg->max_range_m > 0.0 && cfg->max_range_m <= range_limit)) {
        ilrs__terrain_error(error, cap, "horizon: max_range_m %g outside 0..%.0f", cfg->max_range_m,
                            range_limit);
        return ILRS_EINVAL;
    }
    if (!(cfg->step_growth > 0.0 && cfg->step_growth <= 0.05)) {
        ilrs__terrain_error(error, cap, "horizon: step_growth %g outside (0, 0.05]",
                            cfg->step_growth);
        return ILRS_EINVAL;
    }
    return 0;
}

/* Height from the first DEM covering unit vector p. Projected coordinates are
 * reused between consecutive DEMs that share a projection. */
static int sample_nested(ilrs_dem_t *const *dems, const bool *same_as_prev, size_t count,
                         const double p[3], double *h)
{
    double x = 0.0, y = 0.0;
    bool have_xy = false;
    for (size_t k = 0; k < count; k++) {
        const ilrs_dem_t *dem = dems[k];
        if (p[2] < dem->sin_lat_min || p[2] > dem->sin_lat_max) {
            have_xy = have_xy && same_as_prev[k];
            continue;
        }
        if (!(have_xy && same_as_prev[k])) {
            if (!ilrs__dem_project_unit(dem, p, &x, &y)) {
                have_xy = false;
                continue;
            }
        }
        have_xy = true;
        if (ilrs__dem_sample_xy(dem, x, y, h)) {
            return (int)k;
        }
    }
    return -1;
}

int ilrs_horizon_compute(const ilrs_horizon_config_t *config, ilrs_dem_t *const *dems,
                         size_t dem_count, ilrs_horizon_t **out, char *error, size_t error_cap)
{
    if (error != NULL && error_cap > 0) {
        error[0] = '\0';
    }
    if (out == NULL || config == NULL || (dems == NULL && dem_count > 0)) {
        return ILRS_EINVAL;
    }
    *out = NULL;
    ilrs_horizon_config_t cfg;
    int rc = check_config(config, &cfg, error, error_cap);
    if (rc != 0) {
        return rc;
    }
    for (size_t k = 0; k < dem_count; k++) {
        if (dems[k] == NULL) {
            ilrs__terrain_error(error, error_cap, "horizon: DEM %zu is NULL", k);
            return ILRS_EINVAL;
        }
    }
    bool *same = calloc(dem_count + 1, sizeof *same);
    ilrs_horizon_t *h = horizon_alloc(cfg.azimuth_bins);
    if (same == NULL || h == NULL) {
        rc = ILRS_ENOMEM;
        goto out_free;
    }
    for (size_t k = 1; k < dem_count; k++) {
        same[k] = ilrs__dem_same_projection(dems[k], dems[k - 1]);
    }
    const double R = ILRS_TERRAIN_SPHERE_M;
    double u[3];
    ilrs__unit_from_latlon(cfg.lat_deg * DEG, cfg.lon_deg * DEG, u);
    double ground = 0.0;
    int site_dem = -1;
    if (dem_count > 0) {
        site_dem = sample_nested(dems, same, dem_count, u, &ground);
        if (site_dem < 0) {
            char list[768];
            size_t used = 0;
            list[0] = '\0';
            for (size_t k = 0; k < dem_count && used < sizeof list; k++) {
                int m =
                    snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "", dems[k]->path);
                used += m > 0 ? (size_t)m : 0;
            }
            ilrs__terrain_error(error, error_cap,
                                "horizon: site (%.6f, %.6f) is outside every DEM (%s)", cfg.lat_deg,
                                cfg.lon_deg, list);
            rc = ILRS_ETWIN_DEM_COVER;
            goto out_free;
        }
    }
    set_site(h, cfg.lat_deg, cfg.lon_deg, ground, cfg.observer_height_m);
    h->max_range = cfg.max_range_m;
    h->dem_count = (unsigned)dem_count;
    const double r_obs = h->observer_radius;

    if (dem_count == 0) {
        /* The smooth sphere: the horizon dips by acos(R / (R + h)). */
        double dip = acos(R / r_obs) / DEG;
        ilrs_log(ILRS_LOG_WARN, ILRS__TERRAIN_MODULE,
                 "horizon at (%.4f, %.4f): no DEM given, using the smooth-sphere horizon "
                 "(%.4f deg)",
                 cfg.lat_deg, cfg.lon_deg, -dip);
        for (unsigned i = 0; i < h->bins; i++) {
            h->elevation[i] = -dip;
        }
        horizon_finish(h);
        goto out_free;
    }

    double hmax = -INFINITY;
    for (size_t k = 0; k < dem_count; k++) {
        hmax = dems[k]->max_height > hmax ? dems[k]->max_height : hmax;
    }
    /* Early exit: the highest possible terrain, radius A, seen at central angle g
     * has tangent (A cos g - r_obs) / (A sin g), falling with g beyond the
     * tangent point g_t = acos(A / r_obs) (0 when A >= r_obs). */
    const double top = R + hmax;
    const double g_tangent = top < r_obs ? acos(top / r_obs) : 0.0;
    const double first_step = 0.5 * dems[site_dem]->pixel_m;
    const double coarse_pixel = dems[dem_count - 1]->pixel_m;
    const double growth = cfg.step_growth;
    uint64_t samples = 0, uncovered = 0;
    for (unsigned i = 0; i < h->bins; i++) {
        double az = (2.0 * ILRS__PI * i) / h->bins;
        double ca = cos(az), sa = sin(az);
        double d[3];
        for (int k = 0; k < 3; k++) {
            d[k] = ca * h->north[k] + sa * h->east[k];
        }
        double best = -INFINITY;
        double dist = first_step;
        while (dist <= cfg.max_range_m) {
            double g = dist / R;
            double cg = cos(g), sg = sin(g);
            double p[3] = {cg * u[0] + sg * d[0], cg * u[1] + sg * d[1], cg * u[2] + sg * d[2]};
            double height;
            int k = sample_nested(dems, same, dem_count, p, &height);
            double pixel;
            samples++;
            if (k >= 0) {
                double r = R + height;
                double t = (r * cg - r_obs) / (r * sg);
                best = t > best ? t : best;
                pixel = dems[k]->pixel_m;
            } else {
                uncovered++;
                pixel = coarse_pixel;
            }
            if (g > g_tangent && (top * cg - r_obs) / (top * sg) < best) {
                break;
            }
            double step = growth * dist;
            step = step < 0.5 * pixel ? 0.5 * pixel : step;
            step = step > pixel ? pixel : step;
            dist += step;
        }
        h->elevation[i] = isfinite(best) ? atan(best) / DEG : -acos(R / r_obs) / DEG;
    }
    h->samples = samples;
    h->uncovered = uncovered;
    ilrs__terrain_count(ILRS__TC_MASK_COMPUTED);
    horizon_finish(h);
    if (uncovered > 0) {
        ilrs_log(ILRS_LOG_INFO, ILRS__TERRAIN_MODULE,
                 "horizon at (%.4f, %.4f): %llu of %llu ray samples outside every DEM "
                 "(skipped)",
                 cfg.lat_deg, cfg.lon_deg, (unsigned long long)uncovered,
                 (unsigned long long)samples);
    }

out_free:
    free(same);
    if (rc != 0) {
        ilrs_horizon_destroy(h);
    } else {
        *out = h;
    }
    return rc;
}

/* ------------------------------------------------------------------------- */
/* Tables                                                                     */
/* ------------------------------------------------------------------------- */

int ilrs__horizon_build(const double *az, const double *el, size_t count,
                        const ilrs_horizon_info_t *site, const char *name, ilrs_horizon_t **out,
                        char *error, size_t cap)
{
    *out = NULL;
    if (count == 0) {
        ilrs__terrain_error(error, cap, "%s: no azimuth/elevation rows", name);
        return ILRS_EEMPTY;
    }
    if (count > ILRS_HORIZON_MAX_BINS) {
        ilrs__terrain_error(error, cap, "%s: %zu rows, more than %u", name, count,
                            ILRS_HORIZON_MAX_BINS);
        return ILRS_ELIMIT;
    }
    for (size_t i = 0; i < count; i++) {
        if (!(az[i] >= 0.0 && az[i] < 360.0)) {
            ilrs__terrain_error(error, cap, "%s: row %zu: azimuth %g outside [0, 360)", name, i + 1,
                                az[i]);
            return ILRS_ERANGE;
        }
        if (!(el[i] >= -90.0 && el[i] <= 90.0)) {
            ilrs__terrain_error(error, cap, "%s: row %zu: elevation %g outside [-90, 90]", name,
                                i + 1, el[i]);
            return ILRS_ERANGE;
        }
        if (i > 0 && !(az[i] > az[i - 1])) {
            ilrs__terrain_error(error, cap,
                                "%s: row %zu: azimuth %.9g does not increase (previous %.9g)", name,
                                i + 1, az[i], az[i - 1]);
            return ILRS_EFORMAT;
        }
    }
    bool uniform = count >= 4;
    for (size_t i = 0; i < count && uniform; i++) {
        uniform = fabs(az[i] - 360.0 * (double)i / (double)count) <= 1e-9;
    }
    unsigned bins = uniform ? (unsigned)count : (unsigned)(count < 360 ? 360 : count);
    ilrs_horizon_t *h = horizon_alloc(bins);
    if (h == NULL) {
        return ILRS_ENOMEM;
    }
    if (uniform) {
        memcpy(h->elevation, el, count * sizeof *el);
    } else {
        /* Periodic linear resampling: bracket each bin azimuth between table rows,
         * wrapping from the last row to the first (+360). */
        size_t j = 0;
        for (unsigned i = 0; i < bins; i++) {
            double a = 360.0 * i / bins;
            while (j < count && az[j] <= a) {
                j++;
            }
            double a0, e0, a1, e1;
            if (j == 0) {
                a0 = az[count - 1] - 360.0;
                e0 = el[count - 1];
                a1 = az[0];
                e1 = el[0];
            } else if (j == count) {
                a0 = az[count - 1];
                e0 = el[count - 1];
                a1 = az[0] + 360.0;
                e1 = el[0];
            } else {
                a0 = az[j - 1];
                e0 = el[j - 1];
                a1 = az[j];
                e1 = el[j];
            }
            double f = a1 > a0 ? (a - a0) / (a1 - a0) : 0.0;
            h->elevation[i] = e0 + (e1 - e0) * f;
        }
    }
    if (site != NULL) {
        set_site(h, site->lat_deg, site->lon_deg,
                 isfinite(site->ground_height_m) ? site->ground_height_m : 0.0,
                 isfinite(site->observer_height_m) ? site->observer_height_m : 0.0);
    }
    horizon_finish(h);
    *out = h;
    return 0;
}

int ilrs_horizon_from_table(const double *azimuth_deg, const double *elevation_deg, size_t count,
                            const ilrs_horizon_info_t *site, ilrs_horizon_t **out, char *error,
                            size_t error_cap)
{
    if (out == NULL) {
        return ILRS_EINVAL;
    }
    *out = NULL;
    if ((azimuth_deg == NULL || elevation_deg == NULL) && count > 0) {
        return ILRS_EINVAL;
    }
    return ilrs__horizon_build(azimuth_deg, elevation_deg, count, site, "horizon table", out, error,
                               error_cap);
}

/* Parse a whole field as a finite double. */
static bool parse_double(const char *s, double *v)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    if (*s == '\0') {
        return false;
    }
    char *end = NULL;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || errno == ERANGE) {
        return false;
    }
    while (*end == ' ' || *end == '\t') {
        end++;
    }
    if (*end != '\0' || !isfinite(x)) {
        return false;
    }
    *v = x;
    return true;
}

struct parse_state {
    double *az, *el;
    size_t count, cap;
    ilrs_horizon_info_t site;
    char *key;
};

static int parse_comment(struct parse_state *st, char *line, size_t lineno, const char *name,
                         char *error, size_t cap)
{
    char *s = line + 1;
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    char *eq = strchr(s, '=');
    if (eq == NULL) {
        return 0;
    }
    *eq = '\0';
    const char *key = s;
    const char *value = eq + 1;
    static const char *const keys[] = {"site_lat_deg", "site_lon_deg", "ground_height_m",
                                       "observer_height_m"};
    double *fields[] = {&st->site.lat_deg, &st->site.lon_deg, &st->site.ground_height_m,
                        &st->site.observer_height_m};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(key, keys[i]) == 0) {
            double v;
            if (!parse_double(value, &v)) {
                ilrs__terrain_error(error, cap, "%s:%zu: %s: \"%.40s\" is not a number", name,
                                    lineno, keys[i], value);
                return ILRS_EFORMAT;
            }
            *fields[i] = v;
            return 0;
        }
    }
    if (strcmp(key, "key") == 0) {
        free(st->key);
        st->key = strdup(value);
        return st->key == NULL ? ILRS_ENOMEM : 0;
    }
    return 0;
}

static int parse_row(struct parse_state *st, char *line, size_t lineno, const char *name,
                     char *error, size_t cap)
{
    char *comma = strchr(line, ',');
    if (comma == NULL) {
        ilrs__terrain_error(error, cap,
                            "%s:%zu: expected \"azimuth_deg,elevation_deg\", got \"%.40s\"", name,
                            lineno, line);
        return ILRS_EFORMAT;
    }
    *comma = '\0';
    double a, e;
    if (!parse_double(line, &a)) {
        ilrs__terrain_error(error, cap, "%s:%zu: azimuth_deg \"%.40s\" is not a number", name,
                            lineno, line);
        return ILRS_EFORMAT;
    }
    if (!parse_double(comma + 1, &e)) {
        ilrs__terrain_error(error, cap, "%s:%zu: elevation_deg \"%.40s\" is not a number", name,
                            lineno, comma + 1);
        return ILRS_EFORMAT;
    }
    if (!(a >= 0.0 && a < 360.0)) {
        ilrs__terrain_error(error, cap, "%s:%zu: azimuth_deg %g outside [0, 360)", name, lineno, a);
        return ILRS_ERANGE;
    }
    if (!(e >= -90.0 && e <= 90.0)) {
        ilrs__terrain_error(error, cap, "%s:%zu: elevation_deg %g outside [-90, 90]", name, lineno,
                            e);
        return ILRS_ERANGE;
    }
    if (st->count > 0 && !(a > st->az[st->count - 1])) {
        ilrs__terrain_error(error, cap,
                            "%s:%zu: azimuth_deg %.9g does not increase (previous %.9g)", name,
                            lineno, a, st->az[st->count - 1]);
        return ILRS_EFORMAT;
    }
    if (st->count == ILRS_HORIZON_MAX_BINS) {
        ilrs__terrain_error(error, cap, "%s:%zu: more than %u rows", name, lineno,
                            ILRS_HORIZON_MAX_BINS);
        return ILRS_ELIMIT;
    }
    if (st->count == st->cap) {
        size_t ncap = st->cap ? st->cap * 2 : 512;
        double *na = realloc(st->az, ncap * sizeof *na);
        if (na == NULL) {
            return ILRS_ENOMEM;
        }
        st->az = na;
        double *ne = realloc(st->el, ncap * sizeof *ne);
        if (ne == NULL) {
            return ILRS_ENOMEM;
        }
        st->el = ne;
        st->cap = ncap;
    }
    st->az[st->count] = a;
    st->el[st->count] = e;
    st->count++;
    return 0;
}

static int parse_text_uncounted(const char *text, size_t len, const char *name,
                                ilrs_horizon_t **out, char **key_out, char *error, size_t cap);

static int parse_text(const char *text, size_t len, const char *name, ilrs_horizon_t **out,
                      char **key_out, char *error, size_t cap)
{
    int rc = parse_text_uncounted(text, len, name, out, key_out, error, cap);
    ilrs__terrain_count(rc == 0 ? ILRS__TC_TABLE_PARSED : ILRS__TC_TABLE_REJECTED);
    return rc;
}

static int parse_text_uncounted(const char *text, size_t len, const char *name,
                                ilrs_horizon_t **out, char **key_out, char *error, size_t cap)
{
    struct parse_state st = {0};
    st.site.lat_deg = st.site.lon_deg = NAN;
    st.site.ground_height_m = st.site.observer_height_m = 0.0;
    char *line = malloc(CSV_LINE_MAX + 1);
    if (line == NULL) {
        return ILRS_ENOMEM;
    }
    int rc = 0;
    size_t pos = 0, lineno = 0;
    bool seen_title = false;
    while (pos < len && rc == 0) {
        lineno++;
        size_t start = pos;
        while (pos < len && text[pos] != '\n') {
            pos++;
        }
        size_t n = pos - start;
        if (pos < len) {
            pos++; /* the newline */
        }
        if (n > 0 && text[start + n - 1] == '\r') {
            n--;
        }
        if (n > CSV_LINE_MAX) {
            ilrs__terrain_error(error, cap, "%s:%zu: line longer than %d characters", name, lineno,
                                CSV_LINE_MAX);
            rc = ILRS_EFORMAT;
            break;
        }
        if (memchr(text + start, '\0', n) != NULL) {
            ilrs__terrain_error(error, cap, "%s:%zu: NUL byte in a text table", name, lineno);
            rc = ILRS_EFORMAT;
            break;
        }
        memcpy(line, text + start, n);
        line[n] = '\0';
        char *s = line;
        while (*s == ' ' || *s == '\t') {
            s++;
        }
        if (*s == '\0') {
            continue;
        }
        if (*s == '#') {
            rc = parse_comment(&st, s, lineno, name, error, cap);
            continue;
        }
        if (!seen_title && st.count == 0 && strncasecmp(s, "azimuth_deg", 11) == 0) {
            seen_title = true;
            continue;
        }
        rc = parse_row(&st, s, lineno, name, error, cap);
    }
    free(line);
    if (rc == 0) {
        if (st.count == 0) {
            ilrs__terrain_error(error, cap, "%s: no azimuth/elevation rows", name);
            rc = ILRS_EEMPTY;
        } else if (isfinite(st.site.lat_deg) != isfinite(st.site.lon_deg) ||
                   (isfinite(st.site.lat_deg) && !(fabs(st.site.lat_deg) <= 90.0))) {
            ilrs__terrain_error(error, cap, "%s: site_lat_deg/site_lon_deg incomplete or invalid",
                                name);
            rc = ILRS_EFORMAT;
        } else {
            rc = ilrs__horizon_build(st.az, st.el, st.count, &st.site, name, out, error, cap);
        }
    }
    if (rc == 0 && key_out != NULL) {
        *key_out = st.key;
        st.key = NULL;
    }
    free(st.key);
    free(st.az);
    free(st.el);
    return rc;
}

int ilrs_horizon_parse_csv(const char *text, size_t len, const char *name, ilrs_horizon_t **out,
                           char *error, size_t error_cap)
{
    if (error != NULL && error_cap > 0) {
        error[0] = '\0';
    }
    if (out == NULL) {
        return ILRS_EINVAL;
    }
    *out = NULL;
    if (text == NULL && len > 0) {
        return ILRS_EINVAL;
    }
    return parse_text(text, len, name ? name : "horizon table", out, NULL, error, error_cap);
}

static int read_file(const char *path, char **text, size_t *len, char *error, size_t cap)
{
    *text = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        ilrs__terrain_error(error, cap, "%s: %s", path, strerror(errno));
        return ILRS_EIO;
    }
    int rc = 0;
    size_t size = 0, bufcap = 65536;
    char *buf = malloc(bufcap);
    if (buf == NULL) {
        rc = ILRS_ENOMEM;
        goto out_file;
    }
    for (;;) {
        if (size == bufcap) {
            if (bufcap >= (size_t)64 << 20) {
                ilrs__terrain_error(error, cap, "%s: larger than 64 MiB", path);
                rc = ILRS_ELIMIT;
                break;
            }
            char *grown = realloc(buf, bufcap * 2);
            if (grown == NULL) {
                rc = ILRS_ENOMEM;
                break;
            }
            buf = grown;
            bufcap *= 2;
        }
        size_t n = fread(buf + size, 1, bufcap - size, f);
        size += n;
        if (n == 0) {
            if (ferror(f)) {
                ilrs__terrain_error(error, cap, "%s: read error", path);
                rc = ILRS_EIO;
            }
            break;
        }
    }
    if (rc != 0) {
        free(buf);
    } else {
        *text = buf;
        *len = size;
    }
out_file:
    fclose(f);
    return rc;
}

static int load_csv(const char *path, ilrs_horizon_t **out, char **key, char *error, size_t cap)
{
    char *text;
    size_t len;
    int rc = read_file(path, &text, &len, error, cap);
    if (rc != 0) {
        return rc;
    }
    rc = parse_text(text, len, path, out, key, error, cap);
    free(text);
    return rc;
}

int ilrs_horizon_load_csv(const char *path, ilrs_horizon_t **out, char *error, size_t error_cap)
{
    if (error != NULL && error_cap > 0) {
        error[0] = '\0';
    }
    if (out == NULL) {
        return ILRS_EINVAL;
    }
    *out = NULL;
    if (path == NULL) {
        return ILRS_EINVAL;
    }
    return load_csv(path, out, NULL, error, error_cap);
}

int ilrs_horizon_save_csv(const ilrs_horizon_t *horizon, const char *path, char *error,
                          size_t error_cap)
{
    if (horizon == NULL || path == NULL) {
        return ILRS_EINVAL;
    }
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
        ilrs__terrain_error(error, error_cap, "%s: path too long", path);
        return ILRS_EOVERFLOW;
    }
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        ilrs__terrain_error(error, error_cap, "%s: %s", tmp, strerror(errno));
        return ILRS_EIO;
    }
    fprintf(f,
            "# ilrs horizon mask: azimuth clockwise from north, elevation above the local\n"
            "# horizontal plane, degrees; %u rays at azimuth i*360/%u\n",
            horizon->bins, horizon->bins);
    if (horizon->has_site) {
        fprintf(f, "# site_lat_deg=%.17g\n# site_lon_deg=%.17g\n", horizon->lat, horizon->lon);
        fprintf(f, "# ground_height_m=%.17g\n", horizon->ground_height);
        fprintf(f, "# observer_height_m=%.17g\n", horizon->observer_height);
    }
    if (horizon->max_range > 0.0) {
        fprintf(f, "# max_range_m=%.17g\n# dems=%u\n", horizon->max_range, horizon->dem_count);
    }
    if (horizon->key != NULL) {
        fprintf(f, "# key=%s\n", horizon->key);
    }
    fprintf(f, "azimuth_deg,elevation_deg\n");
    for (unsigned i = 0; i < horizon->bins; i++) {
        fprintf(f, "%.12g,%.17g\n", 360.0 * i / horizon->bins, horizon->elevation[i]);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        ilrs__terrain_error(error, error_cap, "%s: write failed", tmp);
        unlink(tmp);
        return ILRS_EIO;
    }
    if (rename(tmp, path) != 0) {
        ilrs__terrain_error(error, error_cap, "%s: %s", path, strerror(errno));
        unlink(tmp);
        return ILRS_EIO;
    }
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Cache                                                                      */
/* ------------------------------------------------------------------------- */

int ilrs_horizon_cache_dir(char *buf, size_t cap)
{
    if (buf == NULL || cap == 0) {
        return ILRS_EINVAL;
    }
    buf[0] = '\0';
    const char *dir = getenv("ILRS_CACHE_DIR");
    int n;
    if (dir != NULL && dir[0] != '\0') {
        n = snprintf(buf, cap, "%s", dir);
    } else if ((dir = getenv("XDG_CACHE_HOME")) != NULL && dir[0] != '\0') {
        n = snprintf(buf, cap, "%s/ilrs", dir);
    } else if ((dir = getenv("HOME")) != NULL && dir[0] != '\0') {
        n = snprintf(buf, cap, "%s/.cache/ilrs", dir);
    } else {
        return ILRS_ENOENT;
    }
    if (n < 0 || (size_t)n >= cap) {
        buf[0] = '\0';
        return ILRS_EOVERFLOW;
    }
    return 0;
}

static int make_dirs(const char *dir)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        return ILRS_EOVERFLOW;
    }
    for (char *s = path + 1; *s != '\0'; s++) {
        if (*s == '/') {
            *s = '\0';
            if (mkdir(path, 0755) != 0 && errno != EEXIST) {
                return ILRS_EIO;
            }
            *s = '/';
        }
    }
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        return ILRS_EIO;
    }
    return 0;
}

static char *cache_key(const ilrs_horizon_config_t *cfg, ilrs_dem_t *const *dems, size_t count)
{
    size_t cap = 512;
    for (size_t k = 0; k < count; k++) {
        cap += strlen(dems[k]->identity) + 96;
    }
    char *key = malloc(cap);
    if (key == NULL) {
        return NULL;
    }
    size_t len = (size_t)snprintf(key, cap,
                                  KEY_VERSION " lat=%.17g lon=%.17g h=%.17g bins=%u "
                                              "range=%.17g growth=%.17g dems=%zu",
                                  cfg->lat_deg, cfg->lon_deg, cfg->observer_height_m,
                                  cfg->azimuth_bins, cfg->max_range_m, cfg->step_growth, count);
    for (size_t k = 0; k < count && len < cap; k++) {
        len += (size_t)snprintf(key + len, cap - len, " [%s lat=%.17g..%.17g]", dems[k]->identity,
                                dems[k]->lat_min, dems[k]->lat_max);
    }
    /* The key goes on one comment line of the CSV. */
    for (char *s = key; *s != '\0'; s++) {
        if (*s == '\n' || *s == '\r') {
            *s = ' ';
        }
    }
    return key;
}

int ilrs_horizon_get(const ilrs_horizon_config_t *config, ilrs_dem_t *const *dems, size_t dem_count,
                     const char *cache_dir, ilrs_horizon_t **out, bool *from_cache, char *error,
                     size_t error_cap)
{
    if (from_cache != NULL) {
        *from_cache = false;
    }
    if (out == NULL || config == NULL || (dems == NULL && dem_count > 0)) {
        return ILRS_EINVAL;
    }
    *out = NULL;
    ilrs_horizon_config_t cfg;
    int rc = check_config(config, &cfg, error, error_cap);
    if (rc != 0) {
        return rc;
    }
    for (size_t k = 0; k < dem_count; k++) {
        if (dems[k] == NULL) {
            ilrs__terrain_error(error, error_cap, "horizon: DEM %zu is NULL", k);
            return ILRS_EINVAL;
        }
    }
    char dir[PATH_MAX];
    if (cache_dir != NULL) {
        snprintf(dir, sizeof dir, "%s", cache_dir);
    } else if (ilrs_horizon_cache_dir(dir, sizeof dir) != 0) {
        dir[0] = '\0';
    }
    char *key = cache_key(&cfg, dems, dem_count);
    if (key == NULL) {
        return ILRS_ENOMEM;
    }
    char file[PATH_MAX];
    file[0] = '\0';
    if (dir[0] != '\0') {
        size_t n = strlen(key);
        snprintf(file, sizeof file, "%s/horizon-%08x%08x.csv", dir, (unsigned)ilrs_crc32(0, key, n),
                 (unsigned)ilrs_crc32c(0, key, n));
        struct stat st;
        if (stat(file, &st) == 0) {
            ilrs_horizon_t *cached = NULL;
            char *stored = NULL;
            char msg[256];
            int lr = load_csv(file, &cached, &stored, msg, sizeof msg);
            if (lr == 0 && stored != NULL && strcmp(stored, key) == 0 &&
                cached->bins == cfg.azimuth_bins) {
                cached->key = key;
                cached->max_range = cfg.max_range_m;
                cached->dem_count = (unsigned)dem_count;
                free(stored);
                ilrs__terrain_count(ILRS__TC_CACHE_HIT);
                *out = cached;
                if (from_cache != NULL) {
                    *from_cache = true;
                }
                return 0;
            }
            ilrs__terrain_count(ILRS__TC_CACHE_REJECTED);
            ilrs_log(ILRS_LOG_WARN, ILRS__TERRAIN_MODULE,
                     "horizon cache %s unusable (%s), recomputing", file,
                     lr != 0 ? msg : "key mismatch");
            free(stored);
            ilrs_horizon_destroy(cached);
        }
    }
    ilrs_horizon_t *h = NULL;
    rc = ilrs_horizon_compute(&cfg, dems, dem_count, &h, error, error_cap);
    if (rc != 0) {
        free(key);
        return rc;
    }
    h->key = key;
    if (file[0] != '\0') {
        char msg[256] = "";
        int wr = make_dirs(dir);
        if (wr == 0) {
            wr = ilrs_horizon_save_csv(h, file, msg, sizeof msg);
        }
        if (wr != 0) {
            ilrs_log(ILRS_LOG_WARN, ILRS__TERRAIN_MODULE, "horizon cache %s not written: %s (%s)",
                     file, msg[0] ? msg : ilrs_strerror(wr), dir);
        }
    }
    *out = h;
    return 0;
}
