/* SPDX-License-Identifier: Apache-2.0 */
/*
 * twin_regolith.c: one-dimensional heat conduction in lunar regolith after
 * Hayne et al. (2017), "Global regolith thermophysical properties of the Moon
 * from the Diviner Lunar Radiometer Experiment", JGR Planets 122:2371,
 * appendix A (the model of their heat1d code; no code is taken from it).
 *
 * Design notes.
 * - Grid: node 0 is the surface (z = 0); layer thicknesses grow geometrically,
 *   dz_0 = z_s/m and dz_{i+1} = dz_i (1 + 1/n), until the bottom lies b skin
 *   depths down (appendix A, grid; m = 10, n = 5, b = 20). The skin depth is
 *   z_s = sqrt(κ P/π) with the surface diffusivity κ = K_s/(ρ_s c_p(250 K)).
 * - Properties (appendix A): ρ(z) = ρ_d − (ρ_d − ρ_s) e^{−z/H},
 *   K_c(z) = K_d − (K_d − K_s) e^{−z/H}, K = K_c [1 + χ (T/350 K)³],
 *   c_p(T) = c0 + c1 T + c2 T² + c3 T³ + c4 T⁴.
 * - Interior nodes carry a control volume (half the distance to each
 *   neighbour); the bottom node a half volume fed by the interior heat flow
 *   Q_b. The surface node has no heat capacity: it obeys the energy balance
 *   εσT₀⁴ = Q_s + K ∂T/∂z|₀ at every instant.
 * - Time: a θ-scheme (θ = 1 backward Euler, unconditionally stable; θ = 0.5
 *   Crank–Nicolson) with K and c_p lagged at the start of the step. The linear
 *   tridiagonal part is eliminated from the bottom up, which leaves one scalar
 *   nonlinear equation for T₀ (the surface balance); Newton's method solves it
 *   (f is convex and increasing, so Newton converges monotonically), then the
 *   profile follows by substitution. This is the Thomas algorithm run
 *   upwards, written here rather than calling gsl_linalg_solve_tridiag because
 *   (1) the nonlinear surface row must be solved inside the elimination and
 *   (2) GSL allocates a work vector on every call, and a year at 60 s steps is
 *   525,600 calls.
 * Invariants: n_nodes >= 3; z strictly increasing; temperatures > 0.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/twin.h>

#include "twin/twin_regolith_orbit_int.h"

#define STEFAN_BOLTZMANN 5.670374419e-8 /* W m⁻² K⁻⁴, CODATA 2018 (exact) */
#define T_FLOOR_K        2.7            /* cosmic background; no node goes below */
#define CP_T_MIN_K       3.0            /* c_p(T) polynomial is evaluated at >= 3 K */
#define NEWTON_MAX_ITER  60
#define NEWTON_TOL_K     1e-9
#define MAX_NODES        4096

struct ilrs_regolith {
    ilrs_regolith_params_t p;
    size_t n;        /* nodes, 0 = surface */
    double *z;       /* depth of node i (m) */
    double *rho;     /* density at node i (kg m⁻³) */
    double *kc;      /* contact conductivity at node i (W m⁻¹ K⁻¹) */
    double *vol;     /* control-volume thickness of node i (m); vol[0] = 0 */
    double *rho_vol; /* ρ Δz of node i (kg m⁻²) */
    double *inv_dz;  /* 1 / (z_{i+1} − z_i) (m⁻¹) */
    double *t;       /* temperature (K) */
    double *k;       /* scratch: conductivity at node i this step */
    double *g;       /* scratch: conductance between i and i+1 (W m⁻² K⁻¹) */
    double *cap;     /* scratch: heat capacity per area / dt (W m⁻² K⁻¹) */
    double *pp, *qq; /* scratch: elimination T_i = pp_i + qq_i T_{i-1} */
};

static void set_error(char *error, size_t cap, const char *fmt, double value)
{
    if (error != NULL && cap > 0) {
        snprintf(error, cap, fmt, value);
    }
}

void ilrs_regolith_params_default(ilrs_regolith_params_t *p)
{
    /* Hayne et al. (2017) table A1 and section A; REFERENCE.md "Regolith temperature". */
    memset(p, 0, sizeof(*p));
    p->albedo0 = 0.12;
    p->albedo_a = 0.06;
    p->albedo_b = 0.25;
    p->emissivity = 0.95;
    p->h_m = 0.06;
    p->density_surface = 1100.0;
    p->density_deep = 1800.0;
    p->k_surface = 7.4e-4;
    p->k_deep = 3.4e-3;
    p->chi = 2.7;
    p->cp_coeff[0] = -3.6125;
    p->cp_coeff[1] = 2.7431;
    p->cp_coeff[2] = 2.3616e-3;
    p->cp_coeff[3] = -1.2340e-5;
    p->cp_coeff[4] = 8.9093e-9;
    p->heat_flow = 0.018;
    p->period_s = 29.53059 * 86400.0; /* synodic month */
    p->layers_per_skin = 10;
    p->growth_n = 5;
    p->skin_depths = 20;
    p->theta = 1.0;
    p->initial_temperature_k = ilrs_regolith_equilibrium_temperature(p, 1361.0, 1.0);
}

static double heat_capacity(const ilrs_regolith_params_t *p, double temp)
{
    const double *c = p->cp_coeff;
    double x = temp < CP_T_MIN_K ? CP_T_MIN_K : temp;
    return c[0] + x * (c[1] + x * (c[2] + x * (c[3] + x * c[4])));
}

double ilrs_regolith_albedo(const ilrs_regolith_params_t *p, double incidence_deg)
{
    /* Hayne et al. (2017) appendix A, after Keihm (1984): A(θ) = A0 + a(θ/45°)³ + b(θ/90°)⁸. */
    double th = fabs(incidence_deg);
    if (th > 90.0) {
        th = 90.0;
    }
    double r45 = th / 45.0;
    double r90 = th / 90.0;
    double r90_2 = r90 * r90;
    double r90_4 = r90_2 * r90_2;
    double a = p->albedo0 + p->albedo_a * r45 * r45 * r45 + p->albedo_b * r90_4 * r90_4;
    return a > 1.0 ? 1.0 : a;
}

double ilrs_regolith_cos_incidence(double sun_az_deg, double sun_el_deg, double slope_deg,
                                   double aspect_deg)
{
    /* Unit vectors in local east-north-up: the Sun s and the surface normal n,
     * tilted by the slope towards the aspect azimuth; cos i = s · n. */
    const double d2r = ILRS__PI / 180.0;
    double el = sun_el_deg * d2r, az = sun_az_deg * d2r;
    double sl = slope_deg * d2r, as = aspect_deg * d2r;
    return sin(el) * cos(sl) + cos(el) * sin(sl) * cos(az - as);
}

double ilrs_regolith_equilibrium_temperature(const ilrs_regolith_params_t *p,
                                             double solar_flux_w_m2, double max_cos_incidence)
{
    /* Hayne et al. (2017) appendix A2.3: start from T_rad/√2, with T_rad the
     * radiative-equilibrium temperature under the noon Sun. */
    double absorbed = (1.0 - p->albedo0) * solar_flux_w_m2 * max_cos_incidence;
    if (!(absorbed > 0.0) || !(p->emissivity > 0.0)) {
        return T_FLOOR_K;
    }
    double trad = pow(absorbed / (p->emissivity * STEFAN_BOLTZMANN), 0.25);
    double teq = trad / sqrt(2.0);
    return teq > T_FLOOR_K ? teq : T_FLOOR_K;
}

static int check_params(const ilrs_regolith_params_t *p, char *error, size_t cap)
{
#define NEED(cond, fmt, val)                                                                       \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            set_error(error, cap, fmt, (double)(val));                                             \
            return ILRS_EINVAL;                                                                    \
        }                                                                                          \
    } while (0)
    NEED(p->albedo0 >= 0.0 && p->albedo0 < 1.0, "regolith: albedo0 %g outside [0, 1)", p->albedo0);
    NEED(isfinite(p->albedo_a) && isfinite(p->albedo_b), "regolith: albedo a/b not finite (%g)",
         p->albedo_a);
    NEED(p->emissivity > 0.0 && p->emissivity <= 1.0, "regolith: emissivity %g outside (0, 1]",
         p->emissivity);
    NEED(p->h_m > 0.0 && p->h_m < 100.0, "regolith: H %g m outside (0, 100)", p->h_m);
    NEED(p->density_surface > 0.0 && p->density_surface < 1e4,
         "regolith: surface density %g outside (0, 1e4) kg/m3", p->density_surface);
    NEED(p->density_deep > 0.0 && p->density_deep < 1e4,
         "regolith: deep density %g outside (0, 1e4) kg/m3", p->density_deep);
    NEED(p->k_surface > 0.0 && p->k_surface < 100.0,
         "regolith: surface conductivity %g outside (0, 100) W/m/K", p->k_surface);
    NEED(p->k_deep > 0.0 && p->k_deep < 100.0, "regolith: deep conductivity %g outside (0, 100)",
         p->k_deep);
    NEED(p->chi >= 0.0 && p->chi < 1e3, "regolith: chi %g outside [0, 1000)", p->chi);
    for (int i = 0; i < 5; i++) {
        NEED(isfinite(p->cp_coeff[i]), "regolith: c_p coefficient not finite (%g)", p->cp_coeff[i]);
    }
    NEED(heat_capacity(p, 100.0) > 0.0, "regolith: c_p(100 K) = %g is not positive",
         heat_capacity(p, 100.0));
    NEED(p->heat_flow >= 0.0 && p->heat_flow < 10.0,
         "regolith: interior heat flow %g outside [0, 10) W/m2", p->heat_flow);
    NEED(p->period_s > 0.0 && p->period_s < 1e10, "regolith: period %g s outside (0, 1e10)",
         p->period_s);
    NEED(p->layers_per_skin >= 1 && p->layers_per_skin <= 200,
         "regolith: layers per skin depth %g outside 1..200", p->layers_per_skin);
    NEED(p->growth_n >= 1 && p->growth_n <= 1000, "regolith: growth n %g outside 1..1000",
         p->growth_n);
    NEED(p->skin_depths >= 1 && p->skin_depths <= 1000,
         "regolith: skin depths to bottom %g outside 1..1000", p->skin_depths);
    NEED(p->theta >= 0.5 && p->theta <= 1.0, "regolith: theta %g outside [0.5, 1]", p->theta);
    NEED(p->initial_temperature_k > 0.0 && p->initial_temperature_k < 5000.0,
         "regolith: initial temperature %g K outside (0, 5000)", p->initial_temperature_k);
#undef NEED
    return 0;
}

void ilrs_regolith_destroy(ilrs_regolith_t *col)
{
    if (col == NULL) {
        return;
    }
    free(col->z);
    free(col);
}

int ilrs_regolith_create(const ilrs_regolith_params_t *p, ilrs_regolith_t **out, char *error,
                         size_t error_cap)
{
    int rc = 0;
    ilrs_regolith_t *col = NULL;
    if (out != NULL) {
        *out = NULL;
    }
    if (error != NULL && error_cap > 0) {
        error[0] = '\0';
    }
    if (p == NULL || out == NULL) {
        return ILRS_EINVAL;
    }
    rc = check_params(p, error, error_cap);
    if (rc != 0) {
        return rc;
    }
    double kappa = p->k_surface / (p->density_surface * heat_capacity(p, 250.0));
    double skin = sqrt(kappa * p->period_s / ILRS__PI);
    double dz0 = skin / p->layers_per_skin;
    double growth = 1.0 + 1.0 / p->growth_n;
    double bottom = skin * p->skin_depths;
    /* Count nodes: node 0 at z = 0, then add layers until the bottom is reached. */
    size_t n = 1;
    double zz = 0.0, dz = dz0;
    while (zz < bottom) {
        zz += dz;
        dz *= growth;
        n++;
        if (n > MAX_NODES) {
            set_error(error, error_cap, "regolith: grid needs more than %g nodes",
                      (double)MAX_NODES);
            return ILRS_EINVAL;
        }
    }
    if (n < 3) {
        n = 3;
    }
    col = calloc(1, sizeof(*col));
    if (col == NULL) {
        return ILRS_ENOMEM;
    }
    col->p = *p;
    col->n = n;
    /* One block for all per-node arrays. */
    col->z = calloc(12 * n, sizeof(double));
    if (col->z == NULL) {
        rc = ILRS_ENOMEM;
        goto out_free;
    }
    col->rho = col->z + n;
    col->kc = col->rho + n;
    col->vol = col->kc + n;
    col->t = col->vol + n;
    col->k = col->t + n;
    col->g = col->k + n;
    col->cap = col->g + n;
    col->pp = col->cap + n;
    col->qq = col->pp + n;
    col->rho_vol = col->qq + n;
    col->inv_dz = col->rho_vol + n;
    dz = dz0;
    for (size_t i = 1; i < n; i++) {
        col->z[i] = col->z[i - 1] + dz;
        dz *= growth;
    }
    for (size_t i = 0; i < n; i++) {
        double f = exp(-col->z[i] / p->h_m);
        col->rho[i] = p->density_deep - (p->density_deep - p->density_surface) * f;
        col->kc[i] = p->k_deep - (p->k_deep - p->k_surface) * f;
    }
    col->vol[0] = 0.0;
    for (size_t i = 1; i + 1 < n; i++) {
        col->vol[i] = 0.5 * (col->z[i + 1] - col->z[i - 1]);
    }
    col->vol[n - 1] = 0.5 * (col->z[n - 1] - col->z[n - 2]);
    for (size_t i = 0; i < n; i++) {
        col->rho_vol[i] = col->rho[i] * col->vol[i];
        col->inv_dz[i] = i + 1 < n ? 1.0 / (col->z[i + 1] - col->z[i]) : 0.0;
    }
    /* Uniform start plus the steady interior-heat-flow gradient, dT/dz = Q_b/K_c. */
    col->t[0] = p->initial_temperature_k;
    for (size_t i = 1; i < n; i++) {
        double kmid = 0.5 * (col->kc[i] + col->kc[i - 1]);
        col->t[i] = col->t[i - 1] + p->heat_flow * (col->z[i] - col->z[i - 1]) / kmid;
    }
    *out = col;
    return 0;

out_free:
    ilrs_regolith_destroy(col);
    return rc;
}

size_t ilrs_regolith_node_count(const ilrs_regolith_t *col, double *bottom_m)
{
    if (bottom_m != NULL) {
        *bottom_m = col->z[col->n - 1];
    }
    return col->n;
}

double ilrs_regolith_surface_temperature(const ilrs_regolith_t *col)
{
    return col->t[0];
}

int ilrs_regolith_temperature_at(const ilrs_regolith_t *col, double depth_m, double *temperature_k)
{
    *temperature_k = NAN;
    if (!(depth_m >= 0.0) || depth_m > col->z[col->n - 1]) {
        return ILRS_ERANGE;
    }
    /* Binary search for the interval holding depth_m. */
    size_t lo = 0, hi = col->n - 1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (col->z[mid] <= depth_m) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    double w = (depth_m - col->z[lo]) / (col->z[hi] - col->z[lo]);
    *temperature_k = col->t[lo] + w * (col->t[hi] - col->t[lo]);
    return 0;
}

double ilrs__regolith_absorbed_flux(const ilrs_regolith_params_t *p,
                                    const ilrs_regolith_forcing_t *f)
{
    double q = f->extra_w_m2;
    if (f->cos_incidence > 0.0 && f->visible_fraction > 0.0 && f->solar_flux_w_m2 > 0.0) {
        double ci = f->cos_incidence > 1.0 ? 1.0 : f->cos_incidence;
        double vis = f->visible_fraction > 1.0 ? 1.0 : f->visible_fraction;
        double inc_deg = acos(ci) * (180.0 / ILRS__PI);
        q += f->solar_flux_w_m2 * (1.0 - ilrs_regolith_albedo(p, inc_deg)) * ci * vis;
    }
    return q;
}

int ilrs_regolith_step(ilrs_regolith_t *col, double dt_s, const ilrs_regolith_forcing_t *f)
{
    if (col == NULL || f == NULL || !(dt_s > 0.0) || !isfinite(dt_s) ||
        !isfinite(f->solar_flux_w_m2) || !isfinite(f->cos_incidence) ||
        !isfinite(f->visible_fraction) || !isfinite(f->extra_w_m2) || f->solar_flux_w_m2 < 0.0 ||
        f->extra_w_m2 < 0.0) {
        return ILRS_EINVAL;
    }
    const ilrs_regolith_params_t *p = &col->p;
    const size_t n = col->n;
    const double theta = p->theta;
    const double chi = p->chi / (350.0 * 350.0 * 350.0);
    double *t = col->t, *k = col->k, *g = col->g, *cap = col->cap, *pp = col->pp, *qq = col->qq;
    double qs = ilrs__regolith_absorbed_flux(p, f);
    double es = p->emissivity * STEFAN_BOLTZMANN;

    /* Lagged properties: K(z, T) at the nodes, conductances between nodes,
     * capacities ρ c_p Δz / dt. */
    const double inv_dt = 1.0 / dt_s;
    for (size_t i = 0; i < n; i++) {
        double ti = t[i];
        k[i] = col->kc[i] * (1.0 + chi * ti * ti * ti);
        cap[i] = col->rho_vol[i] * heat_capacity(p, ti) * inv_dt;
    }
    for (size_t i = 0; i + 1 < n; i++) {
        g[i] = 0.5 * (k[i] + k[i + 1]) * col->inv_dz[i];
    }

    /* Bottom row: cap (T' − T) = Q_b − θ g (T'_n−1 − T'_n−2) − (1−θ) g (T_n−1 − T_n−2). */
    size_t b = n - 1;
    {
        double gi = g[b - 1];
        double diag = cap[b] + theta * gi;
        double rhs = cap[b] * t[b] + p->heat_flow - (1.0 - theta) * gi * (t[b] - t[b - 1]);
        double inv = 1.0 / diag;
        pp[b] = rhs * inv;
        qq[b] = theta * gi * inv;
    }
    /* Interior rows, upwards: −θ g₋ T'_{i−1} + (cap + θ(g₋ + g₊)) T'_i − θ g₊ T'_{i+1} = rhs. */
    for (size_t i = b - 1; i >= 1; i--) {
        double gm = g[i - 1], gp = g[i];
        double expl = (1.0 - theta) * (gp * (t[i + 1] - t[i]) - gm * (t[i] - t[i - 1]));
        double rhs = cap[i] * t[i] + expl;
        double diag = cap[i] + theta * (gm + gp);
        /* Substitute T'_{i+1} = pp + qq T'_i. */
        /* Two divisions rather than a reciprocal: qq is on the critical path of
         * the elimination, and a division alone is shorter than division + multiply. */
        double den = diag - theta * gp * qq[i + 1];
        pp[i] = (rhs + theta * gp * pp[i + 1]) / den;
        qq[i] = theta * gm / den;
    }
    /* Surface: f(T₀) = εσT₀⁴ − Q_s − g₀ (pp₁ + qq₁ T₀ − T₀) = 0, convex and increasing. */
    double g0 = g[0];
    double x = t[0] > T_FLOOR_K ? t[0] : T_FLOOR_K;
    int iter = 0;
    for (; iter < NEWTON_MAX_ITER; iter++) {
        double x3 = x * x * x;
        double fx = es * x3 * x - qs - g0 * (pp[1] + (qq[1] - 1.0) * x);
        double dfx = 4.0 * es * x3 + g0 * (1.0 - qq[1]);
        double step = fx / dfx;
        double nx = x - step;
        if (nx < 0.5 * x) {
            nx = 0.5 * x; /* keep T positive; f convex, so this only slows the first step */
        }
        if (fabs(nx - x) < NEWTON_TOL_K) {
            x = nx;
            break;
        }
        x = nx;
    }
    if (iter == NEWTON_MAX_ITER || !isfinite(x)) {
        ilrs_log(ILRS_LOG_WARN, "twin", "regolith: surface Newton did not converge (T0 = %g K)", x);
        return ILRS_ETWIN_CONVERGE;
    }
    t[0] = x < T_FLOOR_K ? T_FLOOR_K : x;
    for (size_t i = 1; i < n; i++) {
        double ti = pp[i] + qq[i] * t[i - 1];
        t[i] = ti < T_FLOOR_K ? T_FLOOR_K : ti;
    }
    return 0;
}

int ilrs_regolith_spin_up(ilrs_regolith_t *col, ilrs_regolith_forcing_fn fn, void *user,
                          double period_s, double dt_s, int cycles)
{
    if (col == NULL || fn == NULL || !(period_s > 0.0) || !(dt_s > 0.0) || cycles < 0 ||
        dt_s > period_s) {
        return ILRS_EINVAL;
    }
    long steps = lround(period_s / dt_s);
    double h = period_s / (double)steps;
    for (int c = 0; c < cycles; c++) {
        for (long s = 0; s < steps; s++) {
            ilrs_regolith_forcing_t f;
            memset(&f, 0, sizeof(f));
            /* Backward Euler balances the fluxes at the end of the step. */
            int rc = fn(user, (double)(s + 1) * h, &f);
            if (rc != 0) {
                return rc;
            }
            rc = ilrs_regolith_step(col, h, &f);
            if (rc != 0) {
                return rc;
            }
        }
    }
    return 0;
}
