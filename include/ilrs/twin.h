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
 *        fk/, lsk/); NULL means the default data directory
 *        ($ILRS_DATA_DIR/ephemeris, else <source>/../shared/data/ephemeris). With
 *        AUTO a directory without kernels is not an error: the analytic source
 *        serves every date (logged). Every .bsp file in spk/ is loaded; where
 *        segments overlap the later file name wins (SPICE: last loaded wins).
 * @param[out] out the ephemeris (caller frees with ilrs_ephem_destroy); NULL on failure.
 * @param[out] error message naming the file and problem (may be NULL).
 * @return 0, ILRS_EINVAL, ILRS_EIO, ILRS_ETWIN_KERNEL, ILRS_ENOMEM, ILRS_ELIMIT.
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
 *        r_body = R r_icrf (SPK: DE421 librations + PA->ME; analytic: IAU model;
 *        same source decision as ilrs_ephem_sun_earth()).
 * @return 0, ILRS_ETWIN_EPHEM_RANGE (SPK forced and the date is not covered).
 */
int ilrs_ephem_moon_rotation(ilrs_ephem_t *ephem, ilrs_tai_t t, double rotation[3][3]);

/**
 * @brief The interval over which ILRS_EPHEM_SPK can serve every quantity (Sun,
 *        Earth, Moon and the lunar orientation), as TAI instants.
 * @return 0, or ILRS_ENOENT when the ephemeris has no kernels (analytic only).
 */
int ilrs_ephem_coverage(const ilrs_ephem_t *ephem, ilrs_tai_t *start, ilrs_tai_t *end);

/**
 * @brief Names of the kernel files in use, e.g. "de430_excerpt_2020_2030.bsp,
 *        moon_pa_de421_1900-2050.bpc, moon_080317.tf" ("" when analytic only).
 * @return a string owned by @p ephem, valid until it is destroyed.
 */
const char *ilrs_ephem_kernels(const ilrs_ephem_t *ephem);

/** @brief "auto", "analytic" or "spk" (static string). */
const char *ilrs_ephem_source_name(ilrs_ephem_source_t source);
/** @brief Parse "auto", "analytic" or "spk". @return 0 or ILRS_EINVAL. */
int ilrs_ephem_source_parse(const char *text, ilrs_ephem_source_t *out);

/* --- Time scales (ERFA; UTC only at the edges) ------------------------------ */

/**
 * @brief Parse an ISO-8601 UTC date "YYYY-MM-DD[THH:MM[:SS[.fff]]][Z]" into TAI
 *        (ERFA eraDtf2d + eraUtctai; leap seconds from ERFA's table).
 * @return 0 or ILRS_EINVAL (malformed, or a field out of range).
 */
int ilrs_ephem_parse_utc(const char *text, ilrs_tai_t *out);
/**
 * @brief Format TAI @p t as UTC "YYYY-MM-DDTHH:MM:SS.sssZ" (millisecond rounding).
 * @return 0, ILRS_EINVAL, ILRS_EOVERFLOW (buffer < 25 bytes).
 */
int ilrs_ephem_format_utc(ilrs_tai_t t, char *buf, size_t cap);
/**
 * @brief TDB seconds past J2000.0 at TAI @p t: TT = TAI + 32.184 s, and
 *        TDB - TT = 1.657e-3 sin(E), E = M + 0.01671 sin M (the naif0012 LSK
 *        model, within 40 us of ERFA eraDtdb's full series).
 */
double ilrs_ephem_tdb_seconds(ilrs_tai_t t);

/* --- JPL DAF kernels: SPK type 2 and binary PCK type 2 (our own reader) ----- */

/** What a DAF kernel holds. */
typedef enum ilrs_spk_kind {
    ILRS_SPK_KIND_SPK = 1, /**< "DAF/SPK": body positions (km) */
    ILRS_SPK_KIND_PCK = 2, /**< "DAF/PCK": body-frame Euler angles (rad) */
} ilrs_spk_kind_t;

/** An SPK or binary PCK kernel held in memory (all type-2 segments decoded). */
typedef struct ilrs_spk ilrs_spk_t;

/** Description of one segment. */
typedef struct ilrs_spk_segment_info {
    int target;         /**< SPK target body; PCK body-frame class ID */
    int center;         /**< SPK centre body; PCK reference frame ID */
    int frame;          /**< reference frame ID (1 = J2000/ICRF) */
    int type;           /**< SPK/PCK data type (2 = Chebyshev position / angles) */
    double start_tdb_s; /**< coverage start, TDB seconds past J2000 */
    double end_tdb_s;   /**< coverage end, TDB seconds past J2000 */
    int degree;         /**< Chebyshev degree of each component */
    size_t records;     /**< number of records */
} ilrs_spk_segment_info_t;

/**
 * @brief Read a DAF/SPK or DAF/PCK kernel (LTL-IEEE or BIG-IEEE) from a file.
 * @param[out] out the kernel (caller frees with ilrs_spk_destroy); NULL on failure.
 * @param[out] error message naming the file and the bad value (may be NULL).
 * @return 0, ILRS_EIO, ILRS_ETWIN_KERNEL, ILRS_ENOMEM.
 */
int ilrs_spk_open(const char *path, ilrs_spk_t **out, char *error, size_t error_cap);
/**
 * @brief As ilrs_spk_open() from a memory image (borrowed; copied as needed).
 * @param[in] name label used in messages (borrowed; may be NULL).
 */
int ilrs_spk_open_memory(const void *data, size_t size, const char *name, ilrs_spk_t **out,
                         char *error, size_t error_cap);
/** @brief Free a kernel. Accepts NULL. */
void ilrs_spk_destroy(ilrs_spk_t *kernel);
/** @brief SPK or PCK. */
ilrs_spk_kind_t ilrs_spk_kind(const ilrs_spk_t *kernel);
/** @brief Number of segments. */
size_t ilrs_spk_segment_count(const ilrs_spk_t *kernel);
/** @brief Describe segment @p index. @return 0 or ILRS_ERANGE. */
int ilrs_spk_segment(const ilrs_spk_t *kernel, size_t index, ilrs_spk_segment_info_t *info);
/**
 * @brief Evaluate the segment for (target, center) covering @p tdb_s (NAIF
 *        precedence: the last such segment in the file). SPK: position (km) and
 *        velocity (km/s) of target relative to center; PCK (target = body frame,
 *        center = reference frame): Euler angles phi, delta, w (rad) and rates.
 * @param[out] rate may be NULL.
 * @return 0, ILRS_EINVAL, ILRS_ENOTFOUND (no segment for the pair),
 *         ILRS_ETWIN_EPHEM_RANGE (no segment covers @p tdb_s).
 */
int ilrs_spk_evaluate(const ilrs_spk_t *kernel, int target, int center, double tdb_s,
                      double value[3], double rate[3]);

/** @brief Number of kernel reads rejected (malformed input) since start-up, all threads. */
unsigned long ilrs_spk_rejected_count(void);

/* --- Site frames and apparent directions ----------------------------------- */

/** A surface site on the 1737.4 km sphere, lunar mean-Earth/polar-axis frame. */
typedef struct ilrs_site {
    double lat_deg;       /**< selenographic latitude, -90..90 */
    double lon_deg;       /**< east longitude, -180..360 */
    double height_m;      /**< height above the 1737.4 km sphere */
    double position_m[3]; /**< body-fixed position, m */
    double east[3];       /**< body-fixed unit vectors of the local frame */
    double north[3];
    double up[3];
} ilrs_site_t;

/**
 * @brief Fill @p site. At a pole, "north" is the direction of increasing
 *        latitude along meridian @p lon_deg (so azimuths stay defined).
 * @return 0 or ILRS_EINVAL (non-finite, |lat| > 90, lon outside -180..360,
 *         height outside -20 km..+100 km).
 */
int ilrs_site_init(ilrs_site_t *site, double lat_deg, double lon_deg, double height_m);

/** An apparent direction from a site. */
typedef struct ilrs_topo {
    double az_deg;       /**< azimuth, clockwise from north, [0, 360) */
    double el_deg;       /**< elevation above the plane normal to the radius */
    double distance_m;   /**< light-time-corrected distance */
    double light_time_s; /**< one-way light time */
    double enu[3];       /**< apparent unit vector in east/north/up */
} ilrs_topo_t;

/** Everything the environment needs about the Sun and the Earth at one instant. */
typedef struct ilrs_sky {
    ilrs_tai_t t;
    ilrs_ephem_source_t source; /**< the source that produced it */
    ilrs_topo_t sun;
    ilrs_topo_t earth;
    double sun_radius_deg;   /**< apparent angular radius of the solar disk */
    double earth_radius_deg; /**< apparent angular radius of the Earth */
    double solar_flux_w_m2;  /**< TSI scaled to the site's solar distance */
} ilrs_sky_t;

/** Total solar irradiance at 1 au, W m^-2 (Kopp & Lean 2011, GRL 38 L01706). */
#define ILRS_TWIN_TSI_W_M2 1361.0
/** Nominal solar radius, m (IAU 2015 resolution B3). */
#define ILRS_TWIN_SUN_RADIUS_M 695700000.0
/** Earth equatorial radius, m (IERS 2010 / GRS80 a = 6378137 m). */
#define ILRS_TWIN_EARTH_RADIUS_M 6378137.0

/**
 * @brief Apparent Sun and Earth from @p site at TAI @p t: light time (target at
 *        t - lt), stellar aberration from the Moon's barycentric velocity (ERFA
 *        eraAb), rotated with the lunar orientation to east/north/up.
 * @return 0, ILRS_EINVAL, ILRS_ETWIN_EPHEM_RANGE (SPK forced, date uncovered).
 */
int ilrs_ephem_sky(ilrs_ephem_t *ephem, const ilrs_site_t *site, ilrs_tai_t t, ilrs_sky_t *out);

/**
 * @brief Position of an orbiter: Moon-centred ICRF, metres, at TAI @p t.
 * @return 0 or a negative ILRS_E code (passed through).
 */
typedef int (*ilrs_orbiter_fn)(void *user, ilrs_tai_t t, double position_m[3]);

/**
 * @brief Apparent direction of an orbiter from @p site at TAI @p t, with light
 *        time (the callback is evaluated at t - lt) and stellar aberration.
 * @param[in] user passed to @p orbiter (borrowed).
 */
int ilrs_ephem_orbiter(ilrs_ephem_t *ephem, const ilrs_site_t *site, ilrs_tai_t t,
                       ilrs_orbiter_fn orbiter, void *user, ilrs_topo_t *out);

/**
 * @brief Visible fraction (0..1) of a uniform circular disk of angular radius
 *        @p radius_deg whose centre is at elevation @p center_el_deg, above a
 *        straight horizon at elevation @p horizon_el_deg (exact circular-segment
 *        area; a flat local horizon is horizon_el_deg = 0).
 */
double ilrs_disk_fraction(double center_el_deg, double radius_deg, double horizon_el_deg);

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
