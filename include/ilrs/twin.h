/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file twin.h
 * @brief The digital twin: the lunar environment (ephemerides and frames,
 *        terrain and horizons, illumination and visibility, regolith temperature,
 *        orbits) and, later, the station's hardware models behind hal.
 *
 * Depends on base (and ERFA, GSL, GDAL underneath). Never includes flight
 * headers. Angles in the API are degrees unless a name says _rad; distances in
 * metres unless _km; times are ilrs_tai_t.
 * Thread safety: objects are not shared between threads; distinct objects may be
 * used from distinct threads.
 */
#ifndef ILRS_TWIN_H
#define ILRS_TWIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ilrs/base.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ========================================================================= */
/* Ephemerides, lunar orientation, site frames      (owner: ephemeris session) */
/* ========================================================================= */

/* (end of ephemeris section) */

/* ========================================================================= */
/* Terrain: DEMs and horizon masks                    (owner: terrain session) */
/* ========================================================================= */

/* (end of terrain section) */

/* ========================================================================= */
/* Illumination and visibility statistics             (owner: terrain session) */
/* ========================================================================= */

/* (end of illumination section) */

/* ========================================================================= */
/* Regolith temperature                        (owner: regolith/orbit session) */
/* ========================================================================= */

/* (end of regolith section) */

/* ========================================================================= */
/* Orbits and contact windows                  (owner: regolith/orbit session) */
/* ========================================================================= */

/* (end of orbit section) */

#ifdef __cplusplus
}
#endif
#endif /* ILRS_TWIN_H */
