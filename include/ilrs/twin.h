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

/** Which ephemeris produced a value. */
typedef enum ilrs_ephem_source {
    ILRS_EPHEM_AUTO = 0,     /**< SPK where the kernels cover the date, else analytic */
    ILRS_EPHEM_ANALYTIC = 1, /**< ERFA eraEpv00 + eraMoon98, IAU lunar rotation */
    ILRS_EPHEM_SPK = 2,      /**< JPL SPK type 2 + binary PCK librations */
} ilrs_ephem_source_t;

typedef struct ilrs_ephem ilrs_ephem_t;

/**
 * @brief Open an ephemeris. With ILRS_EPHEM_SPK or AUTO, @p kernel_dir holds the
 *        kernels (the shipped set is ../shared/data/ephemeris layout: spk/, pck/,
 *        fk/, lsk/); NULL means the default data directory.
 * @param[out] error message naming the file and problem (may be NULL).
 * @return 0, ILRS_EIO, ILRS_ETWIN_KERNEL, ILRS_ENOMEM.
 */
int ilrs_ephem_create(ilrs_ephem_source_t source, const char *kernel_dir, ilrs_ephem_t **out,
                      char *error, size_t error_cap);
/** @brief Close an ephemeris. Accepts NULL. */
void ilrs_ephem_destroy(ilrs_ephem_t *ephem);

/**
 * @brief Geometric positions (m) of the Sun and the Earth relative to the Moon's
 *        centre, ICRF axes, at TAI instant @p t (no light time).
 * @param[out] used the source that produced the values (may be NULL).
 * @return 0, ILRS_ETWIN_EPHEM_RANGE (SPK forced and the date is not covered).
 */
int ilrs_ephem_sun_earth(ilrs_ephem_t *ephem, ilrs_tai_t t, double sun_m[3], double earth_m[3],
                         ilrs_ephem_source_t *used);

/**
 * @brief Rotation from ICRF to the lunar mean-Earth/polar-axis body-fixed frame:
 *        r_body = R r_icrf.
 */
int ilrs_ephem_moon_rotation(ilrs_ephem_t *ephem, ilrs_tai_t t, double rotation[3][3]);

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
