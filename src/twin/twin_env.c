// SPDX-License-Identifier: Apache-2.0
//
// twin_env.c: the environment at a surface site at one instant, combining the
// twin's sections: apparent Sun and Earth (twin_frames.c), visible disk
// fractions against a terrain mask (twin_illum.c), an orbiter's apparent
// direction (twin_orbit.c through ilrs_ephem_orbiter), and a regolith column
// stepped under that geometry (twin_regolith.c). `ilrs env` and bench_env run
// the same calls, so the benchmark measures what the command does.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/twin.h>

#define DEG (3.14159265358979323846 / 180.0)

/* Regolith forcing from one instant's geometry: S/r² at the Moon's distance
 * (ilrs_sky_t.solar_flux_w_m2), incidence on the tilted surface, and horizon
 * shadowing as the visible fraction of the solar disk (Hayne et al. 2017
 * eq. A1 with Q_s scaled by the visible fraction, as in twin_regolith.c). */
static void forcing_of(const ilrs_env_config_t *cfg, const ilrs_env_sample_t *s,
                       ilrs_regolith_forcing_t *f)
{
    memset(f, 0, sizeof *f);
    f->solar_flux_w_m2 = s->sky.solar_flux_w_m2;
    f->cos_incidence = s->cos_incidence > 0.0 ? s->cos_incidence : 0.0;
    f->visible_fraction = s->sun_fraction;
    (void)cfg;
}

/* Geometry only (no regolith step). */
static int geometry(const ilrs_env_config_t *cfg, ilrs_ephem_t *ephem, ilrs_tai_t t,
                    ilrs_env_sample_t *out)
{
    out->t = t;
    int rc = ilrs_ephem_sky(ephem, cfg->site, t, &out->sky);
    if (rc != 0) {
        return rc;
    }
    const ilrs_sky_t *sky = &out->sky;
    if (cfg->horizon != NULL) {
        out->sun_fraction = ilrs_illum_disk_fraction(cfg->horizon, sky->sun.az_deg,
                                                     sky->sun.el_deg, sky->sun_radius_deg);
        out->earth_fraction = ilrs_illum_disk_fraction(cfg->horizon, sky->earth.az_deg,
                                                       sky->earth.el_deg, sky->earth_radius_deg);
        out->sun_horizon_deg = ilrs_horizon_elevation(cfg->horizon, sky->sun.az_deg);
        out->earth_horizon_deg = ilrs_horizon_elevation(cfg->horizon, sky->earth.az_deg);
    } else {
        out->sun_fraction = ilrs_disk_fraction(sky->sun.el_deg, sky->sun_radius_deg, 0.0);
        out->earth_fraction = ilrs_disk_fraction(sky->earth.el_deg, sky->earth_radius_deg, 0.0);
        out->sun_horizon_deg = 0.0;
        out->earth_horizon_deg = 0.0;
    }
    if (!(out->sun_fraction >= 0.0) || !(out->earth_fraction >= 0.0)) {
        return ILRS_ERANGE; /* NaN: non-finite geometry */
    }
    out->cos_incidence =
        ilrs_regolith_cos_incidence(sky->sun.az_deg, sky->sun.el_deg, cfg->slope_deg,
                                    cfg->aspect_deg);
    return 0;
}

int ilrs_env_sample(const ilrs_env_config_t *cfg, ilrs_tai_t t, double dt_s,
                    ilrs_env_sample_t *out)
{
    if (out != NULL) {
        memset(out, 0, sizeof *out);
    }
    if (cfg == NULL || out == NULL || cfg->ephem == NULL || cfg->site == NULL ||
        cfg->depth_count > ILRS_ENV_MAX_DEPTHS || (cfg->depth_count > 0 && cfg->depths_m == NULL) ||
        !(dt_s >= 0.0)) {
        return ILRS_EINVAL;
    }
    int rc = geometry(cfg, cfg->ephem, t, out);
    if (rc != 0) {
        return rc;
    }
    if (cfg->orbiter != NULL) {
        rc = ilrs_ephem_orbiter(cfg->ephem, cfg->site, t, ilrs_orbit_position_icrf, cfg->orbiter,
                                &out->orbiter);
        if (rc != 0) {
            return rc;
        }
        out->has_orbiter = true;
        out->orbiter_visible = ilrs_illum_point_visible(cfg->horizon, out->orbiter.az_deg,
                                                        out->orbiter.el_deg,
                                                        cfg->orbiter_min_el_deg);
    }
    if (cfg->regolith != NULL) {
        if (dt_s > 0.0) {
            ilrs_regolith_forcing_t f;
            forcing_of(cfg, out, &f);
            rc = ilrs_regolith_step(cfg->regolith, dt_s, &f);
            if (rc != 0) {
                return rc;
            }
        }
        out->has_regolith = true;
        out->t_surface_k = ilrs_regolith_surface_temperature(cfg->regolith);
        for (size_t i = 0; i < cfg->depth_count; i++) {
            rc = ilrs_regolith_temperature_at(cfg->regolith, cfg->depths_m[i], &out->t_depth_k[i]);
            if (rc != 0) {
                return rc;
            }
        }
    }
    return 0;
}

/* Spin-up forcing table: one entry per step of the span before `from`. */
typedef struct spin_table {
    ilrs_regolith_forcing_t *f;
    long count;
    double dt_s;
} spin_table_t;

static int spin_forcing(void *user, double t_s, ilrs_regolith_forcing_t *f)
{
    const spin_table_t *tab = user;
    /* ilrs_regolith_spin_up asks for the end of step s at (s + 1) dt. */
    long i = lround(t_s / tab->dt_s) - 1;
    if (i < 0) {
        i = 0;
    }
    if (i >= tab->count) {
        i = tab->count - 1;
    }
    *f = tab->f[i];
    return 0;
}

int ilrs_env_spin_up(const ilrs_env_config_t *cfg, ilrs_ephem_t *ephem, ilrs_tai_t from,
                     double span_s, double dt_s, int cycles)
{
    if (cfg == NULL || cfg->regolith == NULL || cfg->site == NULL || ephem == NULL ||
        !(dt_s > 0.0) || !(span_s >= dt_s) || cycles < 0 || span_s / dt_s > 1e7) {
        return ILRS_EINVAL;
    }
    long steps = lround(span_s / dt_s);
    spin_table_t tab = {.f = calloc((size_t)steps, sizeof(ilrs_regolith_forcing_t)),
                        .count = steps,
                        .dt_s = span_s / (double)steps};
    if (tab.f == NULL) {
        return ILRS_ENOMEM;
    }
    int rc = 0;
    for (long s = 0; s < steps; s++) {
        /* Entry s is the forcing at the end of step s: from - span + (s + 1) dt. */
        double back_s = span_s - (double)(s + 1) * tab.dt_s;
        ilrs_tai_t t = from - (ilrs_tai_t)llround(back_s * 1e9);
        ilrs_env_sample_t smp;
        memset(&smp, 0, sizeof smp);
        rc = geometry(cfg, ephem, t, &smp);
        if (rc != 0) {
            goto out;
        }
        forcing_of(cfg, &smp, &tab.f[s]);
    }
    rc = ilrs_regolith_spin_up(cfg->regolith, spin_forcing, &tab, span_s, tab.dt_s, cycles);
out:
    free(tab.f);
    return rc;
}

int ilrs_env_dem_slope(ilrs_dem_t *const *dems, size_t dem_count, double lat_deg, double lon_deg,
                       double *slope_deg, double *aspect_deg)
{
    if (slope_deg != NULL) {
        *slope_deg = NAN;
    }
    if (aspect_deg != NULL) {
        *aspect_deg = NAN;
    }
    if ((dems == NULL && dem_count > 0) || slope_deg == NULL || aspect_deg == NULL ||
        !isfinite(lat_deg) || !isfinite(lon_deg) || fabs(lat_deg) > 90.0) {
        return ILRS_EINVAL;
    }
    for (size_t k = 0; k < dem_count; k++) {
        ilrs_dem_info_t info;
        ilrs_dem_get_info(dems[k], &info);
        /* Baseline: two pixels each side, on the 1737.4 km sphere, along the
         * local north and east directions (small angles). */
        double d = 2.0 * info.pixel_m;
        double R = ILRS_TERRAIN_SPHERE_M;
        double dlat = d / R / DEG;
        double coslat = cos(lat_deg * DEG);
        if (fabs(lat_deg) + dlat >= 90.0) {
            return ILRS_ERANGE; /* at the pole itself east/west is undefined */
        }
        double dlon = d / (R * coslat) / DEG;
        double hn, hs, he, hw;
        if (ilrs_dem_height(dems[k], lat_deg + dlat, lon_deg, &hn) != 0 ||
            ilrs_dem_height(dems[k], lat_deg - dlat, lon_deg, &hs) != 0 ||
            ilrs_dem_height(dems[k], lat_deg, lon_deg + dlon, &he) != 0 ||
            ilrs_dem_height(dems[k], lat_deg, lon_deg - dlon, &hw) != 0) {
            continue;
        }
        double dzdn = (hn - hs) / (2.0 * d);
        double dzde = (he - hw) / (2.0 * d);
        double g = hypot(dzdn, dzde);
        *slope_deg = atan(g) / DEG;
        /* Steepest descent is -grad; azimuth clockwise from north. */
        double az = g > 0.0 ? atan2(-dzde, -dzdn) / DEG : 0.0;
        *aspect_deg = az < 0.0 ? az + 360.0 : az;
        return 0;
    }
    return ILRS_ETWIN_DEM_COVER;
}
