// SPDX-License-Identifier: Apache-2.0
//
// Lumped-capacitance thermal network of the station twin: nodes with heat
// capacity, conductances between nodes and to the ground (regolith) node,
// radiators to a sink, absorbed sunlight, and heat inputs supplied by the caller
// (heaters, dissipation of powered loads, RHU and RTG waste heat). Depends on
// libm only.
//
// Model (Gilmore, Spacecraft Thermal Control Handbook vol. I, 2nd ed. 2002,
// ch. 15 "thermal analysis": the nodal network), for node i:
//   C_i dT_i/dt = sum_j G_ij (T_j - T_i) + G_i,g (T_g - T_i)
//                 - eps_i sigma A_i (T_i^4 - T_sink^4)
//                 + alpha_i A_sun,i S vis max(0, sin el) + Q_i
// (the sunlit area is taken as horizontal: the Sun's elevation sets the
// projected flux).
//
// Louvres (Gilmore, vol. I, ch. 8 "Louvers"): a bimetallic spring under each
// blade turns it with the radiator's temperature, so the assembly's effective
// emittance goes from about 0.1 (blades closed, the radiator sees mostly the
// low-emittance blades) to about 0.7 (open) over a set range of some 10-20 K.
// The emittance is taken linear in temperature across the range and evaluated
// at the start-of-step temperature (the blades' time constant is minutes, the
// radiating node's hours); the solar absorptance of the face is kept (a
// conservative choice: open blades add reflected sunlight, closed ones shade).
//
// Integration: linearly implicit (backward) Euler. The radiative term is
// linearised about the start-of-step temperature, T'^4 ~ 4 T^3 T' - 3 T^4, and
// the linear system
//   (C_i/dt + sum_j G_ij + G_i,g + 4 eps sigma A T_i^3) T'_i - sum_j G_ij T'_j
//     = C_i/dt T_i + G_i,g T_g + eps sigma A (3 T_i^4 + T_sink^4) + Q_sun,i + Q_i
// is solved exactly. Why it is stable at any step (60 s and far beyond):
//  - the matrix is symmetric, strictly diagonally dominant, with non-positive
//    off-diagonal terms: an M-matrix, so its inverse is non-negative and the
//    right-hand side is non-negative: temperatures stay positive and a step can
//    never overshoot a conductive sink (backward Euler is L-stable for the
//    linear part: its amplification 1/(1 + dt/tau) lies in (0, 1) for every
//    time constant tau);
//  - the tangent of T^4 lies below the curve (convexity), so the linearised
//    loss never exceeds the true loss: a cooling node cannot be pushed below
//    its radiative equilibrium, and one heated past it cools back without
//    crossing; a fixed point of the step satisfies the exact nonlinear balance.
// Gaussian elimination without pivoting is backward stable for diagonally
// dominant matrices (Golub & Van Loan, Matrix Computations, 4th ed., §3.4.10),
// and for <= 32 nodes a hand-written dense elimination on a stack matrix is
// several times faster than a general library solver with pivoting and heap
// workspaces (this runs every thermal step of a year-long run).
#include "twin/twin_hw_int.h"

int ilrs_hw_thermal_init(ilrs_hw_thermal_t *th, const ilrs_hw_node_params_t *nodes, size_t n,
                         const ilrs_hw_coupling_t *couplings, size_t m)
{
    memset(th, 0, sizeof *th);
    if (n > ILRS_HW_NODES_MAX || m > ILRS_HW_COUPLINGS_MAX) {
        return ILRS_ELIMIT;
    }
    if ((n > 0 && nodes == NULL) || (m > 0 && couplings == NULL)) {
        return ILRS_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        const ilrs_hw_node_params_t *p = &nodes[i];
        if (!(p->capacity_j_k > 0.0) || !isfinite(p->capacity_j_k) || !(p->initial_k > 0.0) ||
            !isfinite(p->initial_k) || !hw_finite_nonneg(p->radiator_area_m2) ||
            !(p->emissivity >= 0.0 && p->emissivity <= 1.0) ||
            !hw_finite_nonneg(p->solar_area_m2) ||
            !(p->absorptance >= 0.0 && p->absorptance <= 1.0) ||
            !hw_finite_nonneg(p->louvre_closed_k) || !hw_finite_nonneg(p->louvre_open_k) ||
            ((p->louvre_closed_k > 0.0 || p->louvre_open_k > 0.0) &&
             (!(p->louvre_open_k > p->louvre_closed_k) ||
              !(p->louvre_emissivity_closed >= 0.0 &&
                p->louvre_emissivity_closed <= p->emissivity)))) {
            return ILRS_EINVAL;
        }
        th->node[i] = *p;
        th->node[i].name[ILRS_HW_NAME_MAX - 1] = '\0';
        th->t_k[i] = p->initial_k;
    }
    for (size_t k = 0; k < m; k++) {
        const ilrs_hw_coupling_t *c = &couplings[k];
        if (c->a < 0 || (size_t)c->a >= n || c->b < ILRS_HW_NONE || c->b == c->a ||
            (c->b >= 0 && (size_t)c->b >= n) || !hw_finite_nonneg(c->conductance_w_k)) {
            memset(th, 0, sizeof *th);
            return ILRS_EINVAL;
        }
        th->coupling[k] = *c;
        if (c->b == ILRS_HW_NONE) {
            th->g_ground[c->a] += c->conductance_w_k;
        } else {
            th->g[c->a][c->b] += c->conductance_w_k;
            th->g[c->b][c->a] += c->conductance_w_k;
        }
    }
    th->nodes = n;
    th->couplings = m;
    return 0;
}

double ilrs_hw_node_emissivity(const ilrs_hw_node_params_t *p, double t_k)
{
    if (!(p->louvre_open_k > p->louvre_closed_k)) {
        return p->emissivity;
    }
    double open = (t_k - p->louvre_closed_k) / (p->louvre_open_k - p->louvre_closed_k);
    open = open < 0.0 ? 0.0 : open > 1.0 ? 1.0 : open;
    return p->louvre_emissivity_closed + open * (p->emissivity - p->louvre_emissivity_closed);
}

void ilrs_hw_thermal_step(ilrs_hw_thermal_t *th, const double *heat_w, double ground_k,
                          double sink_k, const ilrs_hw_sun_t *sun, double dt_s)
{
    size_t n = th->nodes;
    if (n == 0 || !(dt_s > 0.0)) {
        return;
    }
    double a[ILRS_HW_NODES_MAX][ILRS_HW_NODES_MAX];
    double b[ILRS_HW_NODES_MAX];
    double sink4 = sink_k * sink_k * sink_k * sink_k;
    const double sky4 = 3.0 * 3.0 * 3.0 * 3.0; /* deep sky, ~3 K */
    double solar = 0.0;
    if (sun != NULL && sun->dir_enu[2] > 0.0) {
        solar = sun->flux_w_m2 * sun->visible_fraction * sun->dir_enu[2];
    }
    for (size_t i = 0; i < n; i++) {
        const ilrs_hw_node_params_t *p = &th->node[i];
        double t = th->t_k[i], t3 = t * t * t;
        double rad = ilrs_hw_node_emissivity(p, t) * ILRS_HW_SIGMA * p->radiator_area_m2;
        double c_dt = p->capacity_j_k / dt_s;
        double diag = c_dt + th->g_ground[i] + 4.0 * rad * t3;
        for (size_t j = 0; j < n; j++) {
            a[i][j] = -th->g[i][j];
            diag += th->g[i][j];
        }
        a[i][i] = diag;
        b[i] = c_dt * t + th->g_ground[i] * ground_k +
               rad * (3.0 * t3 * t + (p->radiator_faces_sky ? sky4 : sink4)) +
               p->absorptance * p->solar_area_m2 * solar + (heat_w != NULL ? heat_w[i] : 0.0);
    }
    // Forward elimination (no pivoting: diagonally dominant M-matrix).
    for (size_t k = 0; k < n; k++) {
        double inv = 1.0 / a[k][k];
        for (size_t i = k + 1; i < n; i++) {
            double f = a[i][k] * inv;
            if (f == 0.0) {
                continue;
            }
            for (size_t j = k + 1; j < n; j++) {
                a[i][j] -= f * a[k][j];
            }
            b[i] -= f * b[k];
        }
    }
    for (size_t k = n; k-- > 0;) {
        double s = b[k];
        for (size_t j = k + 1; j < n; j++) {
            s -= a[k][j] * th->t_k[j];
        }
        th->t_k[k] = s / a[k][k];
    }
}
