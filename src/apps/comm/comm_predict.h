// SPDX-License-Identifier: Apache-2.0
// Onboard direct-to-Earth contact prediction of the COMM app (comm_predict.c):
// flight-side geometry only (ERFA and the IAU lunar rotation), no twin code.
#ifndef ILRS_APPS_COMM_PREDICT_H
#define ILRS_APPS_COMM_PREDICT_H

#include <ilrs/apps.h>

/** Precomputed site and station frames of a prediction configuration. */
typedef struct com_predictor {
    const ilrs_com_predict_config_t *cfg; /* borrowed */
    double site[3], east[3], north[3], up[3]; /* body-fixed, m */
    double gs_itrs[ILRS_COM_MAX_GROUNDS][3], gs_up[ILRS_COM_MAX_GROUNDS][3];
    double sin_min_el[ILRS_COM_MAX_GROUNDS];
    /* geometry nodes (hourly) bracketing the last evaluation */
    ilrs_tai_t node_t[2];
    double moon[2][3];    /* geocentric Moon, GCRS, m */
    double rot[2][3][3];  /* ICRF -> Moon body (mean-Earth) */
    double era0[2];       /* Earth rotation angle at the node, rad */
    double c2i[3][3];     /* GCRS -> CIRS, fixed over one prediction run */
} com_predictor_t;

/** A relay orbit as propagated on board: mean elements, J2 secular rates. */
typedef struct com_relay_orbit {
    ilrs_tai_t epoch;
    double a, e, i, raan, argp, m0;  /* m, rad; lunar equatorial frame of the epoch */
    double n, raan_dot, argp_dot;    /* rad/s (m0 advances at n) */
    double q[3][3];                  /* ICRF -> that equatorial frame */
} com_relay_orbit_t;

/**
 * @brief Relay orbit of an uploaded state (Moon-centred ICRF, m and m/s, at
 *        @p epoch): elements in the lunar equatorial frame of the epoch, J2 rates.
 * @return 0, ILRS_ERANGE (not an ellipse, or periapsis under the surface), ILRS_EINVAL.
 */
int ilrs__com_relay_orbit(const ilrs_com_relay_state_t *state, com_relay_orbit_t *out);

/**
 * @brief Frames of @p cfg (borrowed for the predictor's life).
 * @return 0, ILRS_EINVAL (latitude, longitude, a ground station).
 */
int ilrs__com_predict_init(com_predictor_t *p, const ilrs_com_predict_config_t *cfg);

/**
 * @brief DTE windows in [@p from, @p to): sampled every step_s, each change
 *        refined by bisection to 1 s. A window open at @p from starts at
 *        @p from, one open at @p to ends at @p to.
 * @param[out] out up to @p cap windows (radio left 0); @p n their number.
 * @return 0, ILRS_ELIMIT (more than @p cap windows: the first cap kept), ILRS_EINVAL.
 */
int ilrs__com_predict_dte(com_predictor_t *p, ilrs_tai_t from, ilrs_tai_t to,
                          ilrs_com_window_t *out, size_t cap, size_t *n);

/**
 * @brief Relay windows in [@p from, @p to): the relay of @p orb above the
 *        site's mask (and 0 deg), as ilrs__com_predict_dte() searches.
 */
int ilrs__com_predict_relay(com_predictor_t *p, const com_relay_orbit_t *orb, ilrs_tai_t from,
                            ilrs_tai_t to, ilrs_com_window_t *out, size_t cap, size_t *n);

#endif
