/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private header of the twin module: structures and helpers shared between the
 * twin_*.c files but not part of the public API (include/ilrs/twin.h).
 *
 * Sectioned like twin.h; each section belongs to the session that owns the
 * matching part of the module. Keep additions inside your own section.
 */
#ifndef ILRS_TWIN_INT_H
#define ILRS_TWIN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ilrs/twin.h>

/* ========================================================================= */
/* Ephemerides, lunar orientation, site frames      (owner: ephemeris session) */
/* ========================================================================= */

/** Speed of light, m/s (IAU 2012 resolution B2 / SI definition). */
#define TWIN_C_M_S 299792458.0
/** Astronomical unit, m (IAU 2012 resolution B2). */
#define TWIN_AU_M 149597870700.0
/** Lunar mean radius used for site positions, m (REFERENCE.md, LOLA sphere). */
#define TWIN_MOON_RADIUS_M 1737400.0
/** Seconds from 1958-01-01T00:00:00 TAI to J2000.0 (2000-01-01T12:00:00 TAI): 15340 d + 12 h. */
#define TWIN_TAI_J2000_OFFSET_S INT64_C(1325419200)
/** TT - TAI, s (IAU 1991 resolution A4). */
#define TWIN_TT_MINUS_TAI_S 32.184

/** NAIF body / frame codes used by the ephemeris (NAIF naif_ids.req). */
enum {
    TWIN_NAIF_SSB = 0,
    TWIN_NAIF_EMB = 3,
    TWIN_NAIF_SUN = 10,
    TWIN_NAIF_MOON = 301,
    TWIN_NAIF_EARTH = 399,
    TWIN_NAIF_J2000 = 1,
    TWIN_NAIF_MOON_PA_DE421 = 31006,
    TWIN_NAIF_MOON_ME_DE421 = 31007,
};

/** Largest Chebyshev degree + 1 we accept in a type-2 record (DE files use <= 18). */
#define TWIN_SPK_MAX_COEF 64

/** One type-2 segment of a DAF kernel, decoded to native doubles. */
typedef struct twin_segment {
    int target;        /**< SPK: target body; PCK: body-fixed frame class ID */
    int center;        /**< SPK: centre body; PCK: reference frame ID */
    int frame;         /**< SPK: reference frame ID; PCK: same as center */
    int type;          /**< segment data type (only 2 is evaluated) */
    double start_et;   /**< coverage start, TDB s past J2000 (summary) */
    double end_et;     /**< coverage end, TDB s past J2000 (summary) */
    double init;       /**< epoch of the first record, TDB s past J2000 */
    double intlen;     /**< record interval length, s */
    int rsize;         /**< doubles per record: 2 + 3 * ncoef */
    int ncoef;         /**< Chebyshev coefficients per component */
    size_t n;          /**< number of records */
    const double *rec; /**< n * rsize doubles (owned by the kernel) */
    char name[41];     /**< segment name from the DAF name record */
} twin_segment_t;

/** A DAF kernel (SPK or binary PCK) held in memory. */
struct ilrs_spk {
    ilrs_spk_kind_t kind;
    char label[128];          /**< file name (or caller's name) for messages */
    twin_segment_t *segments; /**< in file order; later segments take precedence */
    size_t segment_count;
    double *data; /**< all segment records, native byte order */
};

/**
 * Segment of @p kernel for (target, center) that covers @p et, following NAIF's
 * precedence (the last matching segment in the file wins). NULL when none.
 */
const twin_segment_t *ilrs__spk_find(const ilrs_spk_t *kernel, int target, int center, double et);

/**
 * Evaluate a type-2 segment at @p et (must lie in the segment's coverage):
 * value (km or rad) and its rate per second (either output may be NULL).
 */
void ilrs__segment_eval(const twin_segment_t *seg, double et, double value[3], double rate[3]);

/** 3x3 helpers (row-major, r_out = m r_in). */
void ilrs__mat_vec(const double m[3][3], const double v[3], double out[3]);
void ilrs__mat_tvec(const double m[3][3], const double v[3], double out[3]);

/**
 * Read the TK-frame rotation MOON_PA_DE421 -> MOON_ME_DE421 from a NAIF text
 * frame kernel (TKFRAME_31007_ANGLES/AXES/UNITS) and return the matrix that
 * takes PA coordinates to ME coordinates. @p text is NUL-terminated.
 */
int ilrs__fk_pa_to_me(const char *text, const char *label, double pa_to_me[3][3], char *error,
                      size_t error_cap);

/** Snapshot of the bodies at one instant, SSB-centred ICRF, m and m/s. */
typedef struct twin_bodies {
    double sun[3], sun_vel[3];
    double earth[3], earth_vel[3];
    double moon[3], moon_vel[3];
    double moon_rot[3][3]; /**< ICRF -> lunar ME body-fixed */
    ilrs_ephem_source_t source;
} twin_bodies_t;

/** Positions, velocities and lunar orientation at TAI @p t from the chosen source. */
int ilrs__ephem_bodies(ilrs_ephem_t *ephem, ilrs_tai_t t, twin_bodies_t *out);

/** Spacing of the analytic source's interpolation nodes, TDB seconds. */
#define TWIN_ANALYTIC_NODE_S 3600.0

/** Analytic bodies evaluated directly (ERFA), without the node cache. */
void ilrs__analytic_bodies_direct(double et, twin_bodies_t *out);

/** IAU/WGCCRE lunar rotation (Archinal et al. 2011): ICRF -> body, at TDB s past J2000. */
void ilrs__iau_moon_rotation(double et, double rotation[3][3]);

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

#endif /* ILRS_TWIN_INT_H */
