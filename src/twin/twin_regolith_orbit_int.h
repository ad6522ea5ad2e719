/* SPDX-License-Identifier: Apache-2.0 */
/*
 * twin_regolith_orbit_int.h: private declarations shared by twin_regolith.c,
 * twin_orbit.c and twin_windows.c (the regolith/orbit part of the twin; the
 * ephemeris session's private header is twin_int.h).
 */
#ifndef ILRS_TWIN_REGOLITH_ORBIT_INT_H
#define ILRS_TWIN_REGOLITH_ORBIT_INT_H

#include <ilrs/twin.h>

/* π (M_PI is not in strict C17). */
#define ILRS__PI  3.14159265358979323846
#define ILRS__DEG (ILRS__PI / 180.0)

/** Absorbed surface flux Q_s (W m⁻²) for a forcing (Hayne 2017 appendix A). */
double ilrs__regolith_absorbed_flux(const ilrs_regolith_params_t *p,
                                    const ilrs_regolith_forcing_t *f);

/* ------------------------------------------------------------------------- */
/* Geometry cache: Sun, Earth and lunar rotation on a uniform grid            */
/* ------------------------------------------------------------------------- */

/**
 * Sun and Earth (Moon-centred ICRF, m) and the lunar rotation sampled every
 * `step_s` from `t0` and interpolated with 4-point cubic Lagrange weights.
 * The rotation is stored as Q = Rz(−W_mean) R, which varies slowly (librations,
 * precession), and rebuilt as R = Rz(W_mean) Q, W_mean the IAU mean prime
 * meridian. Samples are added on demand (ilrs__geom_cover). With ephem == NULL
 * the Moon is isolated: Q is the constant IAU mean pole, Sun and Earth are 0.
 */
typedef struct ilrs__geom {
    ilrs_ephem_t *ephem; /* borrowed, may be NULL */
    ilrs_tai_t t0;       /* time of sample 0 */
    double step_s;
    size_t count, cap;
    double *data; /* count × ILRS__GEOM_STRIDE: sun, earth, Q, cos W_k, sin W_k */
} ilrs__geom_t;

#define ILRS__GEOM_STRIDE 17

/** Initialise; the first sample is at @p t0. */
void ilrs__geom_init(ilrs__geom_t *g, ilrs_ephem_t *ephem, ilrs_tai_t t0, double step_s);
void ilrs__geom_fini(ilrs__geom_t *g);
/** Make sure samples exist for interpolation up to @p t. Returns 0 or an error. */
int ilrs__geom_cover(ilrs__geom_t *g, ilrs_tai_t t);
/**
 * Interpolate at @p dt_s seconds after t0 (must be covered). Any output may be NULL.
 * rot: r_body = rot r_icrf.
 */
void ilrs__geom_eval(const ilrs__geom_t *g, double dt_s, double sun[3], double earth[3],
                     double rot[3][3]);
/** IAU mean prime meridian W (rad) and the constant IAU mean pole rotation. */
double ilrs__moon_mean_w_rad(ilrs_tai_t t);
void ilrs__moon_mean_rotation(ilrs_tai_t t, double rot[3][3]);

/* ------------------------------------------------------------------------- */
/* Orbiter internals shared with twin_windows.c                               */
/* ------------------------------------------------------------------------- */

/** Seconds from @p a to @p b. */
static inline double ilrs__seconds(ilrs_tai_t a, ilrs_tai_t b)
{
    return (double)(b - a) / 1e9;
}

/** TAI nanoseconds at @p s seconds after @p a (rounded). */
ilrs_tai_t ilrs__tai_add(ilrs_tai_t a, double s);

/** Interpolated ICRF state at @p s seconds after the epoch; 0 or ILRS_ERANGE. */
int ilrs__orbit_state_s(const ilrs_orbit_t *orb, double s, double r[3], double v[3]);
/** Third-body acceleration (Battin's form) of a body of @p gm at @p s on a
 *  satellite at @p r, both relative to the Moon (exposed for tests). */
void ilrs__third_body_accel(double gm, const double r[3], const double s[3], double a[3]);
/** The orbiter's geometry cache and epoch. */
const ilrs__geom_t *ilrs__orbit_geom(const ilrs_orbit_t *orb);
ilrs_tai_t ilrs__orbit_epoch(const ilrs_orbit_t *orb);

#endif
