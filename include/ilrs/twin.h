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

/*
 * Conventions. Latitudes are planetocentric, longitudes east-positive, in the
 * lunar mean-Earth/polar-axis frame (the frame of the LOLA products). Heights
 * are metres above the ILRS_TERRAIN_SPHERE_M reference sphere. Azimuths are
 * degrees clockwise from local north (north = direction of increasing
 * latitude; at the exact pole, the direction of the site's own longitude
 * meridian), elevations degrees above the local horizontal plane.
 */

/** Reference sphere of the LOLA heights (m): 1737.4 km (LOLA GDR SIS). */
#define ILRS_TERRAIN_SPHERE_M 1737400.0

/** Map projection of a DEM grid (all on a sphere). */
typedef enum ilrs_dem_projection {
    ILRS_DEM_POLAR_STEREOGRAPHIC = 1, /**< polar stereographic, north or south */
    ILRS_DEM_EQUIRECTANGULAR = 2,     /**< simple cylindrical, projected metres */
    ILRS_DEM_GEOGRAPHIC = 3,          /**< latitude/longitude grid in degrees */
} ilrs_dem_projection_t;

/** A digital elevation model held in memory (heights as float metres). */
typedef struct ilrs_dem ilrs_dem_t;

/** What a DEM is (filled by ilrs_dem_get_info()). */
typedef struct ilrs_dem_info {
    const char *path;     /**< the path given to ilrs_dem_open (borrowed from the DEM) */
    const char *driver;   /**< GDAL driver short name, e.g. "ENVI", "PDS", "GTiff" */
    size_t width, height; /**< samples, lines */
    ilrs_dem_projection_t projection;
    bool south;                        /**< polar stereographic: true for the south pole */
    double radius_m;                   /**< sphere radius of the projection */
    double geotransform[6];            /**< GDAL geotransform (north-up: [2] = [4] = 0) */
    double pixel_m;                    /**< nominal pixel size on the ground (m) */
    double gdal_scale;                 /**< scale GDAL reports for band 1 (1 if none) */
    double gdal_offset;                /**< offset GDAL reports for band 1 (0 if none) */
    double height_offset_m;            /**< subtracted after scale/offset: ILRS_TERRAIN_SPHERE_M
                                            when the product stores radii (PDS OFFSET), else 0 */
    double min_height_m, max_height_m; /**< over valid samples */
    double lat_min_deg, lat_max_deg;   /**< usable latitude band (ilrs_dem_set_latitude_limits) */
} ilrs_dem_info_t;

/**
 * @brief Open a DEM through GDAL and load band 1 into memory as heights in
 *        metres above ILRS_TERRAIN_SPHERE_M (GDAL scale/offset applied; a PDS
 *        OFFSET equal to a radius is converted to a height).
 *
 * Accepts any GDAL raster; tested with GeoTIFF, PDS3 IMG + detached LBL (give
 * either file) and ENVI raw + .hdr (give either file). Checks, before loading:
 * the file exists, a raw payload is not shorter than its header says, the
 * projection is polar stereographic / equirectangular / geographic on a
 * sphere, north-up. The library's own projection formulas (Snyder 1987, USGS
 * PP 1395, ch. 21 polar stereographic and ch. 12 equidistant cylindrical, on
 * the sphere) are cross-checked against GDAL's OSR transform at five points of
 * the grid; a disagreement above 1e-3 pixel is an error.
 * @param[in] path file to open (borrowed).
 * @param[out] out the DEM, caller frees with ilrs_dem_destroy(); NULL on error.
 * @param[out] error message naming the file and value (may be NULL).
 * @return 0, ILRS_EINVAL, ILRS_EIO (missing/unreadable), ILRS_ETRUNC,
 *         ILRS_ETWIN_DEM (unsupported layout), ILRS_ETWIN_PROJECTION, ILRS_ENOMEM.
 */
int ilrs_dem_open(const char *path, ilrs_dem_t **out, char *error, size_t error_cap);

/** @brief Free a DEM. Accepts NULL. */
void ilrs_dem_destroy(ilrs_dem_t *dem);

/** @brief Describe a DEM; strings are borrowed from @p dem. */
void ilrs_dem_get_info(const ilrs_dem_t *dem, ilrs_dem_info_t *info);

/**
 * @brief Restrict where the DEM counts as covering (e.g. the feathered far
 *        grid is only real poleward of 79°S: lat_max_deg = -79).
 * @return 0 or ILRS_EINVAL (not lat_min < lat_max within [-90, 90]).
 */
int ilrs_dem_set_latitude_limits(ilrs_dem_t *dem, double lat_min_deg, double lat_max_deg);

/**
 * @brief Grid coordinates of (lat, lon) with the library's own projection
 *        formulas, GDAL convention (pixel (0,0) spans [0,1) x [0,1), its centre
 *        is (0.5, 0.5)).
 * @return 0, ILRS_ERANGE (non-finite input or the projection's singular point).
 */
int ilrs_dem_to_pixel(const ilrs_dem_t *dem, double lat_deg, double lon_deg, double *pixel,
                      double *line);

/** @brief Same through GDAL's OSR coordinate transformation (the oracle). */
int ilrs_dem_to_pixel_osr(const ilrs_dem_t *dem, double lat_deg, double lon_deg, double *pixel,
                          double *line);

/**
 * @brief Bilinear height (m above the sphere) at (lat, lon) between the four
 *        surrounding pixel centres.
 * @param[out] height_m NAN on error.
 * @return 0, ILRS_ETWIN_DEM_COVER (outside the pixel-centre grid, outside the
 *         latitude limits, or a no-data neighbour), ILRS_ERANGE.
 */
int ilrs_dem_height(const ilrs_dem_t *dem, double lat_deg, double lon_deg, double *height_m);

/** Default maximum ray length of a horizon computation (m). */
#define ILRS_HORIZON_DEFAULT_RANGE_M 300000.0
/** Default step growth: step = min(p, max(p/2, growth * distance)), p = pixel size. */
#define ILRS_HORIZON_DEFAULT_GROWTH 5e-4
/** Largest number of azimuth bins of a horizon mask (0.01°). */
#define ILRS_HORIZON_MAX_BINS 36000u

/** What to compute a horizon mask for. Zero fields take the defaults. */
typedef struct ilrs_horizon_config {
    double lat_deg, lon_deg;  /**< site */
    double observer_height_m; /**< eye above the ground, >= 0 */
    unsigned azimuth_bins; /**< rays at azimuth i*360/bins; 0 -> 1440; 4..ILRS_HORIZON_MAX_BINS */
    double max_range_m;    /**< ray length (m); 0 -> ILRS_HORIZON_DEFAULT_RANGE_M */
    double step_growth;    /**< 0 -> ILRS_HORIZON_DEFAULT_GROWTH; <= 0.05 */
} ilrs_horizon_config_t;

/** A horizon mask: elevation of the skyline per azimuth bin (immutable once built). */
typedef struct ilrs_horizon ilrs_horizon_t;

/** What a horizon mask is (filled by ilrs_horizon_get_info()). */
typedef struct ilrs_horizon_info {
    double lat_deg, lon_deg; /**< site (NAN if an imported table gave none) */
    double ground_height_m;  /**< terrain height at the site (0 if unknown) */
    double observer_height_m;
    unsigned bins;
    double max_range_m; /**< 0 for imported tables */
    double min_elevation_deg, max_elevation_deg;
    uint64_t samples;           /**< DEM samples taken */
    uint64_t uncovered_samples; /**< ray points no DEM covered (skipped) */
    unsigned dem_count;         /**< DEMs used (0: smooth sphere or imported) */
} ilrs_horizon_info_t;

/**
 * @brief Compute a horizon mask by marching great-circle rays from the site
 *        over nested DEMs (Mazarico et al. 2011, Icarus 211:1066, §2.2: ray
 *        casting per azimuth on LOLA polar DEMs with the Moon's curvature).
 *
 * Each ray point is taken from the first DEM of @p dems covering it (order
 * them fine -> coarse). Elevation angles use exact spherical geometry: the
 * observer at radius R + h_ground + h_obs, the terrain point at R + h at
 * central angle g along the great circle, elevation = atan2(r cos g - r_obs,
 * r sin g). Steps grow with distance (see ilrs_horizon_config_t). A ray ends
 * at max_range_m or once no terrain (up to the DEMs' maximum height) could
 * rise above the horizon found so far. Deterministic, single-threaded.
 * With @p dem_count 0 the result is the smooth-sphere horizon -acos(R/(R+h))
 * and a warning is logged.
 * @param[in] dems borrowed, not modified.
 * @param[out] out caller frees with ilrs_horizon_destroy(); NULL on error.
 * @return 0, ILRS_EINVAL (bad config, naming the field), ILRS_ETWIN_DEM_COVER
 *         (no DEM covers the site), ILRS_ENOMEM.
 */
int ilrs_horizon_compute(const ilrs_horizon_config_t *config, ilrs_dem_t *const *dems,
                         size_t dem_count, ilrs_horizon_t **out, char *error, size_t error_cap);

/**
 * @brief The cache directory: $ILRS_CACHE_DIR, else $XDG_CACHE_HOME/ilrs, else
 *        $HOME/.cache/ilrs.
 * @return 0, ILRS_ENOENT (none of the variables set), ILRS_EOVERFLOW.
 */
int ilrs_horizon_cache_dir(char *buf, size_t cap);

/**
 * @brief ilrs_horizon_compute() through an on-disk cache. The key covers the
 *        site, height, bins, range, step growth, algorithm version and each DEM
 *        (absolute path, size, modification time, dimensions, latitude limits);
 *        the file is `<dir>/horizon-<hash>.csv` and stores the full key, checked
 *        on load. Values are stored with 17 significant digits, so a cached mask
 *        equals the computed one bit for bit. An unusable cache is logged and
 *        recomputed; a failure to write it is logged, not an error.
 * @param[in] cache_dir NULL for ilrs_horizon_cache_dir().
 * @param[out] from_cache true when read from the cache (may be NULL).
 */
int ilrs_horizon_get(const ilrs_horizon_config_t *config, ilrs_dem_t *const *dems, size_t dem_count,
                     const char *cache_dir, ilrs_horizon_t **out, bool *from_cache, char *error,
                     size_t error_cap);

/**
 * @brief Build a mask from an azimuth/elevation table (azimuths strictly
 *        increasing in [0, 360), elevations in [-90, 90]). A table whose
 *        azimuths are i*360/n is taken as is; any other is resampled (linear,
 *        periodic) onto max(n, 360) uniform bins.
 * @param[in] site may be NULL (site unknown); else its lat_deg, lon_deg,
 *            ground_height_m and observer_height_m are kept (other fields ignored).
 */
int ilrs_horizon_from_table(const double *azimuth_deg, const double *elevation_deg, size_t count,
                            const ilrs_horizon_info_t *site, ilrs_horizon_t **out, char *error,
                            size_t error_cap);

/**
 * @brief Parse a horizon table: lines `azimuth_deg,elevation_deg`, `#` comments
 *        (recognised: `# site_lat_deg=`, `site_lon_deg=`, `observer_height_m=`,
 *        `ground_height_m=`), an optional `azimuth_deg,elevation_deg` title line.
 * @param[in] text need not be NUL-terminated.
 * @param[in] name used in messages (e.g. the file name).
 * @return 0, ILRS_EFORMAT (naming the line and field), ILRS_ERANGE, ILRS_EEMPTY,
 *         ILRS_ELIMIT (more than ILRS_HORIZON_MAX_BINS rows), ILRS_ENOMEM.
 */
int ilrs_horizon_parse_csv(const char *text, size_t len, const char *name, ilrs_horizon_t **out,
                           char *error, size_t error_cap);

/** @brief ilrs_horizon_parse_csv() on a file (ILRS_EIO if unreadable). */
int ilrs_horizon_load_csv(const char *path, ilrs_horizon_t **out, char *error, size_t error_cap);

/** @brief Write the mask as a commented CSV table (atomic: temp file + rename). */
int ilrs_horizon_save_csv(const ilrs_horizon_t *horizon, const char *path, char *error,
                          size_t error_cap);

/** @brief Free a mask. Accepts NULL. */
void ilrs_horizon_destroy(ilrs_horizon_t *horizon);

/** @brief Describe a mask. */
void ilrs_horizon_get_info(const ilrs_horizon_t *horizon, ilrs_horizon_info_t *info);

/** @brief Elevation of bin @p i (ray at azimuth i*360/bins); NAN if out of range. */
double ilrs_horizon_bin_elevation(const ilrs_horizon_t *horizon, unsigned i);

/**
 * @brief Horizon elevation at any azimuth (any real value, wrapped), linear
 *        between the two neighbouring bins. O(1).
 */
double ilrs_horizon_elevation(const ilrs_horizon_t *horizon, double azimuth_deg);

/**
 * @brief Azimuth, elevation (deg) and range (m) of a target given in the
 *        body-fixed frame (m from the Moon's centre) as seen from the mask's
 *        observer (site at R + ground + observer height), i.e. topocentric.
 * @return 0, ILRS_ESTATE (the mask has no site), ILRS_ERANGE.
 */
int ilrs_horizon_topocentric(const ilrs_horizon_t *horizon, const double target_body_m[3],
                             double *azimuth_deg, double *elevation_deg, double *range_m);

/** Process-wide counters of the terrain code (relaxed atomics, thread-safe). */
typedef struct ilrs_terrain_counters {
    uint64_t dems_opened, dems_rejected;     /**< ilrs_dem_open successes / failures */
    uint64_t tables_parsed, tables_rejected; /**< horizon CSV imports */
    uint64_t masks_computed;                 /**< ray-cast masks */
    uint64_t cache_hits, cache_rejected;     /**< cache files used / found unusable */
} ilrs_terrain_counters_t;

/** @brief Read the counters (bad inputs are counted here as well as reported). */
void ilrs_terrain_get_counters(ilrs_terrain_counters_t *counters);

/* (end of terrain section) */

/* ========================================================================= */
/* Illumination and visibility statistics             (owner: terrain session) */
/* ========================================================================= */

/** Nominal solar radius (m), IAU 2015 Resolution B3 (the ephemeris' value). */
#define ILRS_ILLUM_SUN_RADIUS_M ILRS_TWIN_SUN_RADIUS_M
/** Earth equatorial radius (m), GRS80 (the ephemeris' value). */
#define ILRS_ILLUM_EARTH_RADIUS_M ILRS_TWIN_EARTH_RADIUS_M

/** @brief Angular radius (deg) of a sphere of @p radius_m seen from @p distance_m. */
double ilrs_illum_angular_radius(double radius_m, double distance_m);

/**
 * @brief Fraction [0, 1] of a disk (Sun, Earth) above the local horizon.
 *
 * The disk (centre az/el, angular radius) is integrated against the mask's
 * piecewise-linear profile in the plane tangent to the sky at the disk centre
 * (azimuth offsets scaled by cos(el)). Within each horizon segment the visible
 * part of every vertical chord is integrated in closed form (circle-segment
 * areas), so the result is exact for that model, continuous in all arguments,
 * and 0.5 for a disk centred on a flat horizon. With @p horizon NULL the
 * horizon is the 0° plane.
 * @return the fraction; NAN for non-finite input or radius_deg <= 0.
 */
double ilrs_illum_disk_fraction(const ilrs_horizon_t *horizon, double azimuth_deg,
                                double elevation_deg, double radius_deg);

/**
 * @brief Whether a point target (orbiter) is visible: its elevation is above
 *        the terrain horizon at its azimuth and at least @p min_elevation_deg
 *        (use -90 for none). NULL horizon = 0° plane.
 */
bool ilrs_illum_point_visible(const ilrs_horizon_t *horizon, double azimuth_deg,
                              double elevation_deg, double min_elevation_deg);

/** Statistics accumulated sample by sample (caller-owned; fields are private). */
typedef struct ilrs_illum_stats {
    ilrs_tai_t start; /**< time of sample 0 */
    int64_t step_ns;  /**< time step; sample k covers [start + k step, + step) */
    uint64_t samples, sunlit, earth_visible;
    double fraction_sum;
    uint64_t dark_run, dark_run_start, dark_longest, dark_longest_start;
    uint64_t blackout_run, blackout_run_start, blackout_longest, blackout_longest_start;
} ilrs_illum_stats_t;

/** Summary of an illumination/visibility period. */
typedef struct ilrs_illum_summary {
    uint64_t samples;
    double duration_s;
    double sunlit_percent;         /**< time with any part of the solar disk visible */
    double mean_illumination;      /**< mean visible fraction of the disk, 0..1 */
    double longest_dark_s;         /**< longest run of samples with fraction 0 */
    ilrs_tai_t longest_dark_start; /**< its first sample (start if none) */
    double earth_visible_percent;  /**< time with any part of the Earth visible */
    double longest_blackout_s;     /**< longest run with the Earth fully hidden */
    ilrs_tai_t longest_blackout_start;
} ilrs_illum_summary_t;

/**
 * @brief Start a period at @p start with a fixed time step.
 * @return 0, ILRS_EINVAL (step_ns <= 0 or NULL).
 */
int ilrs_illum_stats_init(ilrs_illum_stats_t *stats, ilrs_tai_t start, int64_t step_ns);

/**
 * @brief Add the next sample: visible fractions of the Sun and Earth disks.
 * @return 0, ILRS_ERANGE (a fraction outside [0, 1] or NaN; not counted).
 */
int ilrs_illum_stats_add(ilrs_illum_stats_t *stats, double sun_fraction, double earth_fraction);

/**
 * @brief Summarise (runs still open at the end count with their length so far;
 *        runs are truncated at both ends of the period).
 */
void ilrs_illum_stats_summary(const ilrs_illum_stats_t *stats, ilrs_illum_summary_t *summary);

/* (end of illumination section) */

/* ========================================================================= */
/* Regolith temperature                        (owner: regolith/orbit session) */
/* ========================================================================= */

/*
 * A 1-D column of regolith after Hayne et al. (2017), JGR Planets 122:2371,
 * appendix A: depth-dependent density and contact conductivity (H parameter),
 * radiative conductivity, temperature-dependent heat capacity, a radiative
 * surface energy balance and a fixed interior heat flux at the bottom. The
 * column is stepped implicitly, so steps of minutes to hours are stable.
 */

/** Physical and numerical parameters of a regolith column (SI units). */
typedef struct ilrs_regolith_params {
    double albedo0;         /**< A0, normal-incidence albedo (0.12 highland, 0.07 mare) */
    double albedo_a;        /**< a in A(θ) = A0 + a(θ/45°)³ + b(θ/90°)⁸ (0.06) */
    double albedo_b;        /**< b (0.25) */
    double emissivity;      /**< ε (0.95) */
    double h_m;             /**< H, density/conductivity e-folding depth (0.06 m) */
    double density_surface; /**< ρ_s (1100 kg m⁻³) */
    double density_deep;    /**< ρ_d (1800 kg m⁻³) */
    double k_surface;       /**< K_s contact conductivity at the surface (7.4e-4 W m⁻¹ K⁻¹) */
    double k_deep;          /**< K_d contact conductivity at depth (3.4e-3 W m⁻¹ K⁻¹) */
    double chi;             /**< χ, radiative conductivity parameter (2.7) */
    double cp_coeff[5];     /**< c0..c4 of c_p(T) = Σ c_k T^k (J kg⁻¹ K⁻¹) */
    double heat_flow;       /**< Q_b, interior heat flux at the bottom (0.018 W m⁻²) */
    double period_s;        /**< diurnal period that sizes the grid (synodic month, s) */
    int layers_per_skin;    /**< m: layers in the top skin depth (10) */
    int growth_n;           /**< n: layer thickness grows by (1 + 1/n) per layer (5) */
    int skin_depths;        /**< b: skin depths to the bottom (20) */
    double theta;           /**< time weighting: 1 = backward Euler, 0.5 = Crank–Nicolson */
    double initial_temperature_k; /**< start (> 0); the Q_b/K_c gradient is added below */
} ilrs_regolith_params_t;

/** Flux inputs for one step. */
typedef struct ilrs_regolith_forcing {
    double solar_flux_w_m2;  /**< S / r², solar irradiance at the Moon */
    double cos_incidence;    /**< cos of the Sun's incidence on the (sloped) surface; <= 0: none */
    double visible_fraction; /**< fraction of the solar disk visible (0..1, horizon shadowing) */
    double extra_w_m2;       /**< other absorbed flux (e.g. scattered light, Earth IR); usually 0 */
} ilrs_regolith_forcing_t;

typedef struct ilrs_regolith ilrs_regolith_t;

/**
 * @brief Fill @p p with the published values of Hayne et al. (2017) table A1 for
 *        highland regolith (A0 = 0.12, H = 0.06 m), m = 10, n = 5, b = 20,
 *        backward Euler, and the equatorial equilibrium temperature as start.
 */
void ilrs_regolith_params_default(ilrs_regolith_params_t *p);

/**
 * @brief Hayne et al. (2017) eq. A35–A36 start temperature: T_rad/√2 with
 *        T_rad = [(1 − A0) F cos(lat) / (εσ)]^¼, the equilibrium noon temperature.
 * @param[in] p parameters (A0, ε).
 * @param[in] solar_flux_w_m2 S / r².
 * @param[in] max_cos_incidence cos of the smallest noon incidence, e.g. cos(latitude).
 * @return the temperature (K); 3 K (the cosmic background floor) for no sunlight.
 */
double ilrs_regolith_equilibrium_temperature(const ilrs_regolith_params_t *p,
                                             double solar_flux_w_m2, double max_cos_incidence);

/**
 * @brief Build a column: the grid (geometrically growing layers, thinnest at the
 *        top) and a uniform initial temperature with the interior heat-flow gradient.
 * @param[in] p parameters (copied).
 * @param[out] out the column (caller frees with ilrs_regolith_destroy); NULL on failure.
 * @param[out] error message naming the bad parameter (may be NULL).
 * @return 0, ILRS_EINVAL (a parameter outside its physical range), ILRS_ENOMEM.
 */
int ilrs_regolith_create(const ilrs_regolith_params_t *p, ilrs_regolith_t **out, char *error,
                         size_t error_cap);
/** @brief Free a column. Accepts NULL. */
void ilrs_regolith_destroy(ilrs_regolith_t *col);

/**
 * @brief Advance the column by @p dt_s under constant forcing (implicit scheme;
 *        the surface energy balance εσT⁴ = Q_s + K ∂T/∂z is solved by Newton).
 * @return 0, ILRS_EINVAL (dt <= 0, non-finite or negative inputs),
 *         ILRS_ETWIN_CONVERGE (Newton failed; the column is left unchanged).
 */
int ilrs_regolith_step(ilrs_regolith_t *col, double dt_s, const ilrs_regolith_forcing_t *f);

/**
 * @brief Forcing callback for ilrs_regolith_spin_up: fill @p f for time @p t_s
 *        seconds into the cycle. Return 0, or a negative code to abort.
 */
typedef int (*ilrs_regolith_forcing_fn)(void *user, double t_s, ilrs_regolith_forcing_t *f);

/**
 * @brief Equilibrate the column by running @p cycles periods of @p period_s with
 *        steps of @p dt_s (spin-up before a simulation starts).
 * @param[in] fn forcing callback; @p user is passed back (borrowed).
 * @return 0, ILRS_EINVAL, ILRS_ETWIN_CONVERGE, or the callback's code.
 */
int ilrs_regolith_spin_up(ilrs_regolith_t *col, ilrs_regolith_forcing_fn fn, void *user,
                          double period_s, double dt_s, int cycles);

/** @brief Surface temperature (K). */
double ilrs_regolith_surface_temperature(const ilrs_regolith_t *col);

/**
 * @brief Temperature at @p depth_m (linear between grid nodes).
 * @return 0, ILRS_ERANGE (depth negative or below the bottom node).
 */
int ilrs_regolith_temperature_at(const ilrs_regolith_t *col, double depth_m, double *temperature_k);

/** @brief Number of grid nodes (surface node included) and the bottom depth (m). */
size_t ilrs_regolith_node_count(const ilrs_regolith_t *col, double *bottom_m);

/**
 * @brief Angle-dependent albedo A(θ) = A0 + a(θ/45°)³ + b(θ/90°)⁸ (Hayne et al. 2017
 *        appendix A, after Keihm 1984); θ is the incidence angle in degrees.
 */
double ilrs_regolith_albedo(const ilrs_regolith_params_t *p, double incidence_deg);

/**
 * @brief Cosine of the Sun's incidence on a tilted surface.
 * @param sun_az_deg Sun azimuth (from north, towards east).
 * @param sun_el_deg Sun elevation above the local horizontal.
 * @param slope_deg surface tilt from horizontal (0..90).
 * @param aspect_deg azimuth the surface faces (its downhill direction).
 * @return cos i, negative when the Sun is behind the surface plane. Horizon
 *         shadowing is the caller's (visible_fraction).
 */
double ilrs_regolith_cos_incidence(double sun_az_deg, double sun_el_deg, double slope_deg,
                                   double aspect_deg);

/* (end of regolith section) */

/* ========================================================================= */
/* Orbits and contact windows                  (owner: regolith/orbit session) */
/* ========================================================================= */

/*
 * Orbiters about the Moon: GRAIL GL0660B low-degree field (J2, C22, J3) in the
 * lunar body-fixed frame, Earth and Sun third-body terms, integrated with GSL's
 * rk8pd; the trajectory is stored at every accepted step and interpolated
 * (quintic Hermite) for states and contact windows. The propagation frame is
 * Moon-centred with ICRF axes.
 */

#define ILRS_MOON_GM_KM3_S2      4902.800   /**< GL0660B GM (km³ s⁻²) */
#define ILRS_MOON_REF_RADIUS_KM  1738.0     /**< GL0660B reference radius (km) */
#define ILRS_MOON_MEAN_RADIUS_KM 1737.4     /**< mean radius (km): surface, blocking */
#define ILRS_MOON_J2             2.03309e-4 /**< GL0660B J2, unnormalised */
#define ILRS_MOON_C22            2.24284e-5 /**< GL0660B C22, unnormalised */
#define ILRS_MOON_J3             8.4597e-6  /**< GL0660B J3, unnormalised */

/** Frame of classical elements. */
typedef enum ilrs_orbit_frame {
    /** Moon-centred, ICRF axes. */
    ILRS_ORBIT_FRAME_ICRF = 0,
    /** Moon-centred lunar equator of the epoch: z = the Moon's pole at the epoch
     *  (ilrs_ephem_moon_rotation), x = ascending node of that equator on the ICRF
     *  equator (z_ICRF × z_pole). Inertial. */
    ILRS_ORBIT_FRAME_LUNAR_EQUATOR = 1,
    /** Moon-centred plane of the Earth's orbit about the Moon at the epoch (the
     *  perturber's plane of the Kozai frozen-orbit theory): z = r_E × v_E,
     *  x = the Earth's direction at the epoch, so RAAN is measured from the
     *  Earth and an orbit keeps its phasing to the monthly tide at any epoch.
     *  Needs an ephemeris. Inertial. */
    ILRS_ORBIT_FRAME_EARTH_ORBIT = 2,
} ilrs_orbit_frame_t;

/** Classical (Keplerian) elements about the Moon. */
typedef struct ilrs_orbit_elements {
    double a_km;              /**< semi-major axis (km) */
    double e;                 /**< eccentricity, 0 <= e < 1 */
    double i_deg;             /**< inclination */
    double raan_deg;          /**< right ascension (longitude) of the ascending node */
    double argp_deg;          /**< argument of periapsis */
    double m_deg;             /**< mean anomaly at the epoch */
    ilrs_orbit_frame_t frame; /**< frame the angles refer to */
} ilrs_orbit_elements_t;

/** Which forces act (true = on). */
typedef struct ilrs_orbit_forces {
    bool j2, c22, j3; /**< lunar field terms (body-fixed frame) */
    bool earth, sun;  /**< third bodies (need an ephemeris) */
} ilrs_orbit_forces_t;

/** Integration and force-model settings. */
typedef struct ilrs_orbit_config {
    ilrs_orbit_forces_t forces;
    double rel_tol;         /**< rk8pd relative error tolerance (default 1e-10) */
    double abs_tol_m;       /**< absolute tolerance, position m; velocity this/1000 s (1e-3) */
    double geometry_step_s; /**< sampling of Sun, Earth and lunar rotation (default 21600 s) */
} ilrs_orbit_config_t;

typedef struct ilrs_orbit ilrs_orbit_t;

/** @brief Defaults: every force on, rel_tol 1e-10, abs_tol 1 mm, geometry every 6 h. */
void ilrs_orbit_config_default(ilrs_orbit_config_t *c);

/**
 * @brief Check elements: finite values, 0 <= e < 1, periapsis above the mean
 *        radius, 0 <= i <= 180.
 * @param[out] error message naming the bad value (may be NULL).
 * @return 0 or ILRS_ERANGE / ILRS_EINVAL.
 */
int ilrs_orbit_elements_check(const ilrs_orbit_elements_t *el, char *error, size_t error_cap);

/**
 * @brief Named presets: "queqiao2-24h" (24 h, periapsis altitude 200 km,
 *        i = 62.4°) and "queqiao2-12h" (12 h, periapsis altitude 300 km,
 *        i = 54.8°); a from Kepler's third law for the period; ω = 90° (apolune
 *        in the south); Earth-orbit frame with RAAN = 270° (frozen and phased to
 *        the Earth, see twin_orbit.c); M = 0 (at periapsis at the epoch).
 *        These need an orbiter created with an ephemeris.
 * @return 0, ILRS_ENOTFOUND.
 */
int ilrs_orbit_preset(const char *name, ilrs_orbit_elements_t *out);

/**
 * @brief Parse an orbiter: a preset name, or "a_km,e,i,raan,argp,m" (degrees,
 *        lunar-equator frame), optionally followed by ",icrf", ",lunar" or ",earth".
 *        Whitespace around fields is allowed. The result is checked.
 * @param[in] text NUL-terminated text (borrowed).
 * @param[out] out elements (zeroed on failure).
 * @param[out] error message naming the field and value (may be NULL).
 * @return 0, ILRS_EFORMAT, ILRS_ERANGE, ILRS_EINVAL.
 */
int ilrs_orbit_elements_parse(const char *text, ilrs_orbit_elements_t *out, char *error,
                              size_t error_cap);

/** @brief Number of element strings ilrs_orbit_elements_parse rejected since start-up. */
unsigned long ilrs_orbit_elements_rejected_count(void);

/** @brief Orbital period (s) of a two-body orbit with semi-major axis @p a_km. */
double ilrs_orbit_period_s(double a_km);
/** @brief Semi-major axis (km) of a two-body orbit of period @p period_s. */
double ilrs_orbit_semi_major_axis_km(double period_s);

/**
 * @brief Two-body state (m, m/s) from elements, in the elements' own frame.
 * @return 0 or the ilrs_orbit_elements_check error.
 */
int ilrs_orbit_elements_to_state(const ilrs_orbit_elements_t *el, double r_m[3], double v_m_s[3]);

/**
 * @brief Osculating two-body elements of a state (same frame as the state; the
 *        result's frame field is set to @p frame).
 * @return 0, ILRS_ERANGE (not an ellipse).
 */
int ilrs_orbit_state_to_elements(const double r_m[3], const double v_m_s[3],
                                 ilrs_orbit_frame_t frame, ilrs_orbit_elements_t *out);

/**
 * @brief Create an orbiter at @p epoch.
 * @param[in] ephem ephemeris for the Moon's rotation and the third bodies
 *            (borrowed, must outlive the orbiter). NULL selects an isolated Moon:
 *            no third bodies allowed, and the body frame turns uniformly about a
 *            fixed pole (IAU mean α0, δ0, W without the periodic terms).
 * @param[in] cfg settings (copied); NULL for defaults.
 * @param[out] out the orbiter (caller frees with ilrs_orbit_destroy).
 * @param[out] error message (may be NULL).
 * @return 0, ILRS_EINVAL, ILRS_ERANGE (bad elements), ILRS_ENOMEM, or an ephemeris error.
 */
int ilrs_orbit_create(ilrs_ephem_t *ephem, const ilrs_orbit_config_t *cfg,
                      const ilrs_orbit_elements_t *el, ilrs_tai_t epoch, ilrs_orbit_t **out,
                      char *error, size_t error_cap);
/** @brief Free an orbiter. Accepts NULL. */
void ilrs_orbit_destroy(ilrs_orbit_t *orb);

/**
 * @brief Integrate forward to @p t_end (extends the stored trajectory).
 * @return 0, ILRS_EINVAL (t_end before the epoch), ILRS_ENOMEM,
 *         ILRS_ETWIN_CONVERGE (integrator failure or impact on the surface),
 *         an ephemeris error.
 */
int ilrs_orbit_propagate(ilrs_orbit_t *orb, ilrs_tai_t t_end);

/** @brief Epoch and end of the propagated span. */
void ilrs_orbit_span(const ilrs_orbit_t *orb, ilrs_tai_t *start, ilrs_tai_t *end);

/** @brief Number of integrator steps taken so far. */
size_t ilrs_orbit_step_count(const ilrs_orbit_t *orb);

/**
 * @brief Moon-centred ICRF state at @p t (interpolated within the propagated span).
 * @return 0, ILRS_ERANGE (t outside the span).
 */
int ilrs_orbit_state(const ilrs_orbit_t *orb, ilrs_tai_t t, double r_m[3], double v_m_s[3]);

/**
 * @brief Moon-centred ICRF position (m) of the orbiter @p orbit (an
 *        ilrs_orbit_t *, borrowed) at @p t: the signature of the ephemeris
 *        section's ilrs_orbiter_fn, so an orbiter plugs into ilrs_ephem_orbiter.
 * @return 0, ILRS_EINVAL (NULL), ILRS_ERANGE (t outside the propagated span).
 */
int ilrs_orbit_position_icrf(void *orbit, ilrs_tai_t t, double position_m[3]);

/**
 * @brief Position in the lunar body-fixed (mean-Earth) frame at @p t (m).
 * @return 0, ILRS_ERANGE.
 */
int ilrs_orbit_position_body(const ilrs_orbit_t *orb, ilrs_tai_t t, double r_m[3]);

/**
 * @brief Rotation from the propagation frame (ICRF axes) to an element frame of
 *        the orbiter's epoch: r_frame = rotation r_icrf.
 * @return 0, ILRS_EINVAL (Earth-orbit plane without an ephemeris, unknown frame).
 */
int ilrs_orbit_frame_rotation(const ilrs_orbit_t *orb, ilrs_orbit_frame_t frame,
                              double rotation[3][3]);

/* ---- Contact windows ---- */

/**
 * @brief Horizon mask: elevation (deg) of the terrain horizon at azimuth @p az_deg
 *        (from north, towards east) seen from a site. @p user is the site's pointer.
 */
typedef double (*ilrs_horizon_fn)(void *user, double az_deg);

/** A surface site on the Moon (mean-Earth body-fixed frame, spherical Moon). */
typedef struct ilrs_lunar_site {
    double lat_deg, lon_deg; /**< selenographic latitude, east longitude */
    double height_m;         /**< above the 1737.4 km sphere */
    double min_el_deg;       /**< minimum elevation (antenna limit) */
    ilrs_horizon_fn horizon; /**< terrain mask, NULL = flat (0°) */
    void *horizon_user;      /**< passed to @p horizon (borrowed) */
} ilrs_lunar_site_t;

/** A ground station on Earth (WGS84 geodetic). */
typedef struct ilrs_ground_station {
    const char *name;        /**< for messages (borrowed) */
    double lat_deg, lon_deg; /**< geodetic latitude, east longitude */
    double height_m;         /**< above the WGS84 ellipsoid */
    double min_el_deg;       /**< minimum elevation */
} ilrs_ground_station_t;

/** Search settings for contact windows. */
typedef struct ilrs_window_search {
    ilrs_tai_t start, end; /**< interval searched */
    double step_s;         /**< sampling step (a window shorter than this may be missed) */
    double min_duration_s; /**< windows shorter than this are dropped */
    double tolerance_s;    /**< bisection tolerance on the edges */
} ilrs_window_search_t;

/** One contact window [start, end]. */
typedef struct ilrs_window {
    ilrs_tai_t start, end;
} ilrs_window_t;

/** A growable list of windows (caller frees with ilrs_window_list_free). */
typedef struct ilrs_window_list {
    ilrs_window_t *items;
    size_t count, cap;
} ilrs_window_list_t;

/** @brief Free the list's storage and zero it. Accepts NULL. */
void ilrs_window_list_free(ilrs_window_list_t *list);

/**
 * @brief Azimuth, elevation (deg) and range (m) of the orbiter seen from a site.
 * @return 0, ILRS_ERANGE (t outside the propagated span).
 */
int ilrs_orbit_look_from_site(const ilrs_orbit_t *orb, const ilrs_lunar_site_t *site, ilrs_tai_t t,
                              double *az_deg, double *el_deg, double *range_m);

/**
 * @brief Windows when the orbiter is above the site's horizon mask and min_el.
 * @param[out] out windows appended in time order (list owned by the caller);
 *             on failure the list is left as it was.
 * @return 0, ILRS_EINVAL, ILRS_ERANGE (search outside the propagated span), ILRS_ENOMEM.
 */
int ilrs_windows_site_orbiter(const ilrs_orbit_t *orb, const ilrs_lunar_site_t *site,
                              const ilrs_window_search_t *search, ilrs_window_list_t *out);

/**
 * @brief Windows when the orbiter is above the station's min_el and the Moon
 *        does not block the line of sight. Needs an orbiter built with an ephemeris.
 * @return 0, ILRS_EINVAL, ILRS_ERANGE, ILRS_ENOMEM, an ephemeris error.
 */
int ilrs_windows_orbiter_station(const ilrs_orbit_t *orb, const ilrs_ground_station_t *gs,
                                 const ilrs_window_search_t *search, ilrs_window_list_t *out);

/**
 * @brief Windows of direct site ↔ station contact: the station above the site's
 *        mask and min_el, and the site above the station's min_el.
 * @param[in] ephem ephemeris (borrowed).
 * @return 0, ILRS_EINVAL, ILRS_ENOMEM, an ephemeris error.
 */
int ilrs_windows_site_station(ilrs_ephem_t *ephem, const ilrs_lunar_site_t *site,
                              const ilrs_ground_station_t *gs, const ilrs_window_search_t *search,
                              ilrs_window_list_t *out);

/* (end of orbit section) */

/* ========================================================================= */
/* Station hardware: power, thermal, radios, storage, payloads, sensors      */
/*                                                (owner: hardware session) */
/* ========================================================================= */
/*
 * Each model is a plain struct (parameters + state, caller-owned, no heap)
 * initialised from its own parameter struct and advanced by a step function.
 * Equations and sources: docs/twin-hardware.md and the comments in
 * src/twin/twin_hw_*.c. Units are SI (W, J, K, V, A, s, m, bytes) unless a name
 * says otherwise. The station object (ilrs_hw_station_t) holds a configured set
 * of models, steps them together and implements hal (include/ilrs/hal.h).
 */

/** Capacity of the fixed curve tables in parameter structs. */
#define ILRS_HW_CURVE_MAX 16
/** Capacity of a radio's rate table. */
#define ILRS_HW_RATES_MAX 16
/** Largest number of thermal nodes in one network. */
#define ILRS_HW_NODES_MAX 32
/** Largest number of conductive couplings in one network. */
#define ILRS_HW_COUPLINGS_MAX 96
/** Length of model names, NUL included (same as hal). */
#define ILRS_HW_NAME_MAX 32
/** Most parallel strings of one battery (string-level monitoring and faults). */
#define ILRS_HW_STRINGS_MAX 32
/** Index meaning "none" (no thermal node, no load line; the ground node in couplings). */
#define ILRS_HW_NONE (-1)
/** Plutonium-238 half-life, years (NUBASE2020, Kondev et al. 2021, Chin. Phys. C 45 030001). */
#define ILRS_HW_PU238_HALF_LIFE_Y 87.7
/** Number of link targets in the environment (relay orbiters, Earth...). */
#define ILRS_HW_LINK_TARGETS 4
/** Julian year, s. */
#define ILRS_HW_YEAR_S 31557600.0
/** Stefan-Boltzmann constant, W m^-2 K^-4 (CODATA 2018, exact in SI 2019). */
#define ILRS_HW_SIGMA 5.670374419e-8
/** Boltzmann constant, J/K (CODATA 2018, exact). */
#define ILRS_HW_BOLTZMANN 1.380649e-23

/** The Sun as the hardware sees it; fill with ilrs_hw_sun_set(). */
typedef struct ilrs_hw_sun {
    double flux_w_m2;        /**< irradiance at the Moon, normal incidence */
    double el_deg, az_deg;   /**< apparent elevation and azimuth (clockwise from north) */
    double visible_fraction; /**< visible fraction of the disk (terrain shadowing), 0..1 */
    double dir_enu[3];       /**< derived: unit vector east/north/up */
    double horizontal;       /**< derived: cos(el), the horizontal part of dir_enu */
} ilrs_hw_sun_t;

/** @brief Fill @p sun (derives the direction once for every array). */
void ilrs_hw_sun_set(ilrs_hw_sun_t *sun, double flux_w_m2, double el_deg, double az_deg,
                     double visible_fraction);

/* --- Solar arrays ---------------------------------------------------------- */

/** Array mounting. */
typedef enum ilrs_hw_mount {
    ILRS_HW_MOUNT_FIXED = 0, /**< fixed normal (normal_el_deg, normal_az_deg) */
    ILRS_HW_MOUNT_TRACK = 1, /**< mast turning about the vertical: follows the Sun's azimuth;
                                  cosine loss only in elevation */
} ilrs_hw_mount_t;

/** Solar array parameters. */
typedef struct ilrs_hw_array_params {
    char name[ILRS_HW_NAME_MAX];
    double area_m2;              /**< cell area */
    double efficiency;           /**< cell efficiency at the reference temperature */
    double temp_coeff_per_k;     /**< relative efficiency change per K (negative) */
    double ref_temp_k;           /**< reference temperature (28 C = 301.15 K) */
    double degradation_per_year; /**< fractional power loss per year (radiation, UV, cycling) */
    double dust_loss_per_day;    /**< obscuration added per day (fraction) */
    double dust_loss_max;        /**< obscuration cap (fraction) */
    ilrs_hw_mount_t mount;
    double normal_el_deg; /**< elevation of the panel normal (0 = vertical panel) */
    double normal_az_deg; /**< azimuth of the normal (fixed mount only) */
    double absorptance;   /**< front solar absorptance (panel temperature balance) */
    double emittance_front, emittance_back; /**< IR emittances of the two faces */
    double age_years;                       /**< age at start (degradation and dust) */
} ilrs_hw_array_params_t;

/** Solar array: parameters and state. */
typedef struct ilrs_hw_array {
    ilrs_hw_array_params_t p;
    double n_enu[3];      /**< fixed normal (derived) */
    double cos_normal_el, sin_normal_el; /**< derived */
    double aging;         /**< degradation x dust transmission (updated hourly) */
    double aging_at_s;    /**< age_s when aging was last evaluated */
    double steady_g, steady_sink_k, steady_aging, steady_fault; /**< converged inputs
                                                                     (skip recomputation) */
    double age_s;         /**< exposure time since start */
    double fault_factor;  /**< product of injected degradation steps (1 = none) */
    double cos_incidence; /**< last step */
    double temperature_k; /**< last step: thin-panel radiative balance */
    double power_w;       /**< last step: electrical output */
} ilrs_hw_array_t;

/** @brief Defaults: 10 m^2 triple-junction GaAs, 30 %, -0.22 %/K, tracking vertical mast. */
void ilrs_hw_array_params_default(ilrs_hw_array_params_t *p);
/** @brief Initialise. @return 0 or ILRS_EINVAL (a parameter out of its physical range). */
int ilrs_hw_array_init(ilrs_hw_array_t *a, const ilrs_hw_array_params_t *p);
/**
 * @brief Advance @p dt_s and compute the output power (returned, W) for the Sun
 *        @p sun and the radiative sink temperature @p sink_k seen by the panel.
 */
double ilrs_hw_array_step(ilrs_hw_array_t *a, const ilrs_hw_sun_t *sun, double sink_k,
                          double dt_s);
/** @brief Fault: a step loss of @p fraction (0..1) of the output, permanent. */
void ilrs_hw_array_degrade(ilrs_hw_array_t *a, double fraction);

/* --- Li-ion batteries -------------------------------------------------------- */

/** Battery parameters (strings in parallel of cells in series). */
typedef struct ilrs_hw_battery_params {
    char name[ILRS_HW_NAME_MAX];
    unsigned strings;           /**< parallel strings */
    unsigned cells_per_string;  /**< series cells per string */
    double cell_capacity_ah;    /**< rated cell capacity at 25 C */
    double soc_min, soc_max;    /**< operating limits on the state of charge */
    double soc_initial;         /**< state of charge at start */
    double charge_efficiency;   /**< bus energy -> stored energy */
    double discharge_efficiency;/**< stored energy -> bus energy */
    double max_charge_c;        /**< charge power limit, in C (rated energy per hour) */
    double max_discharge_c;     /**< discharge power limit, in C */
    double cell_resistance_ohm; /**< for the terminal voltage sensor only */
    size_t ocv_points;          /**< open-circuit voltage per cell vs SOC (ascending SOC) */
    double ocv_soc[ILRS_HW_CURVE_MAX];
    double ocv_v[ILRS_HW_CURVE_MAX];
    size_t derate_points; /**< usable capacity fraction vs temperature (ascending K) */
    double derate_k[ILRS_HW_CURVE_MAX];
    double derate_factor[ILRS_HW_CURVE_MAX];
} ilrs_hw_battery_params_t;

/** Battery: parameters and state (energy counting). */
typedef struct ilrs_hw_battery {
    ilrs_hw_battery_params_t p;
    double cell_energy_wh; /**< derived: integral of OCV over SOC times capacity */
    unsigned strings_ok;   /**< strings still connected */
    unsigned cells_ok;     /**< series cells still working per string */
    uint32_t string_open;  /**< bit k: string k has opened (failed) */
    double energy_j;       /**< stored (chemical) energy */
    double temperature_k;  /**< set by the caller (thermal node) */
    double power_w;        /**< last step, bus side, + discharge */
    double rated_j;        /**< derived: rated energy of the connected strings */
    double derate_k, derate_f; /**< cache: derating factor at temperature derate_k */
    double loss_j;         /**< cumulative conversion losses */
    double failed_j;       /**< cumulative energy lost with failed strings/cells */
} ilrs_hw_battery_t;

/** @brief Defaults: 8 strings x 8 NMC cells of 5 Ah; representative OCV and temperature curves. */
void ilrs_hw_battery_params_default(ilrs_hw_battery_params_t *p);
/** @brief Initialise. @return 0 or ILRS_EINVAL (limits, curves not ascending, zero sizes). */
int ilrs_hw_battery_init(ilrs_hw_battery_t *b, const ilrs_hw_battery_params_t *p);
/** @brief Rated energy of the connected strings at 25 C, J. */
double ilrs_hw_battery_rated_j(const ilrs_hw_battery_t *b);
/** @brief Usable capacity at the current temperature, J (rated x derating). */
double ilrs_hw_battery_capacity_j(const ilrs_hw_battery_t *b);
/** @brief State of charge over the usable capacity (0..1, what a gauge reports). */
double ilrs_hw_battery_soc(const ilrs_hw_battery_t *b);
/** @brief Open-circuit voltage of the pack at its current SOC, V. */
double ilrs_hw_battery_ocv(const ilrs_hw_battery_t *b);
/** @brief Current of the last step (+ discharge): bus power / OCV, A. */
double ilrs_hw_battery_current(const ilrs_hw_battery_t *b);
/** @brief Terminal voltage with the last current (OCV - I R), V. */
double ilrs_hw_battery_voltage(const ilrs_hw_battery_t *b);
/** @brief Usable capacity fraction at temperature @p k (the derating curve). */
double ilrs_hw_battery_derate(const ilrs_hw_battery_params_t *p, double k);
/**
 * @brief Charge with up to @p power_w (bus side) for @p dt_s.
 * @return the power accepted (limited by soc_max and max_charge_c), W.
 */
double ilrs_hw_battery_charge(ilrs_hw_battery_t *b, double power_w, double dt_s);
/**
 * @brief Discharge up to @p power_w (bus side) for @p dt_s.
 * @return the power delivered (limited by soc_min and max_discharge_c), W.
 */
double ilrs_hw_battery_discharge(ilrs_hw_battery_t *b, double power_w, double dt_s);
/** @brief Fault: the lowest-numbered connected string opens (its capacity and stored energy
 *  are lost). @return 0 or ILRS_ESTATE (none left). */
int ilrs_hw_battery_fail_string(ilrs_hw_battery_t *b);
/** @brief Fault: string @p k (0-based) opens. @return 0, ILRS_ERANGE (no such string) or
 *  ILRS_ESTATE (already open). */
int ilrs_hw_battery_fail_string_at(ilrs_hw_battery_t *b, unsigned k);
/**
 * @brief Voltage of string @p k as its string-voltage monitor reads it, V: a connected
 * string is in parallel with its peers at the battery terminals (the battery voltage);
 * an open string reads ~0 V (the monitor's divider has no path through the open cell).
 */
double ilrs_hw_battery_string_voltage(const ilrs_hw_battery_t *b, unsigned k);
/** @brief Current of string @p k, A (+ discharge): the battery current shared equally by
 *  the connected strings (identical cells), 0 through an open string. */
double ilrs_hw_battery_string_current(const ilrs_hw_battery_t *b, unsigned k);
/** @brief Fault: one cell shorts in every string's position (pack voltage drops one cell). */
int ilrs_hw_battery_short_cell(ilrs_hw_battery_t *b);

/* --- Radioisotope heater units and generators ---------------------------------- */

/** RTG or RHU parameters (an RHU has electric_w_bol = 0). */
typedef struct ilrs_hw_rtg_params {
    char name[ILRS_HW_NAME_MAX];
    double thermal_w_bol;       /**< decay heat at beginning of life */
    double electric_w_bol;      /**< electrical output at beginning of life (0 for an RHU) */
    double age_years;           /**< fuel age at start */
    double converter_loss_per_year; /**< extra relative loss of conversion efficiency per year */
} ilrs_hw_rtg_params_t;

/** RTG/RHU state. */
typedef struct ilrs_hw_rtg {
    ilrs_hw_rtg_params_t p;
    double age_s;
    double electric_w; /**< electrical output now */
    double heat_w;     /**< waste heat now (decay heat - electrical) */
    double decay_dt_s, decay_factor, converter_factor; /**< cache for the step length in use */
    double fuel_fraction, converter_fraction;
} ilrs_hw_rtg_t;

/** @brief Initialise. @return 0 or ILRS_EINVAL (electric > thermal, negatives). */
int ilrs_hw_rtg_init(ilrs_hw_rtg_t *r, const ilrs_hw_rtg_params_t *p);
/** @brief Advance by @p dt_s; updates electric_w and heat_w. */
void ilrs_hw_rtg_step(ilrs_hw_rtg_t *r, double dt_s);

/* --- Thermal network ------------------------------------------------------------- */

/** One lumped node. */
typedef struct ilrs_hw_node_params {
    char name[ILRS_HW_NAME_MAX];
    double capacity_j_k;     /**< heat capacity m c_p */
    double initial_k;        /**< temperature at start */
    double radiator_area_m2; /**< area radiating to the sink (0 = none) */
    double emissivity;       /**< radiator IR emissivity */
    double solar_area_m2;    /**< area exposed to the Sun (absorbs alpha S A vis sin(el)) */
    double absorptance;      /**< solar absorptance of that area */
    /**
     * Passive bimetallic louvre over the radiator (both 0 = none): the blades are
     * closed at or below louvre_closed_k and fully open at or above louvre_open_k
     * (> closed), and the radiator's effective emittance goes linearly from
     * louvre_emissivity_closed to @c emissivity (the open value) between them.
     */
    double louvre_closed_k, louvre_open_k;
    double louvre_emissivity_closed; /**< [0, emissivity] */
    /**
     * The radiator faces the zenith (a horizontal, sky-facing panel): it sees the
     * deep sky only (sink 3 K) and the Sun at its elevation; false: it radiates to
     * the step's sink_k (e.g. a vertical panel seeing half sky, half ground).
     */
    bool radiator_faces_sky;
} ilrs_hw_node_params_t;

/**
 * @brief Effective radiator emittance of node @p p at @p t_k (its louvre's
 *        opening at that temperature; @c emissivity without a louvre).
 */
double ilrs_hw_node_emissivity(const ilrs_hw_node_params_t *p, double t_k);

/** A conductance between two nodes, or to the ground (b = ILRS_HW_NONE). */
typedef struct ilrs_hw_coupling {
    int a, b;
    double conductance_w_k;
} ilrs_hw_coupling_t;

/** Lumped-capacitance thermal network, integrated by linearly implicit Euler. */
typedef struct ilrs_hw_thermal {
    size_t nodes, couplings;
    ilrs_hw_node_params_t node[ILRS_HW_NODES_MAX];
    ilrs_hw_coupling_t coupling[ILRS_HW_COUPLINGS_MAX];
    double t_k[ILRS_HW_NODES_MAX];     /**< temperatures */
    double g_ground[ILRS_HW_NODES_MAX];/**< derived: conductance to ground per node */
    double g[ILRS_HW_NODES_MAX][ILRS_HW_NODES_MAX]; /**< derived: conductance matrix (off-diagonal) */
} ilrs_hw_thermal_t;

/**
 * @brief Initialise a network.
 * @return 0, ILRS_EINVAL (non-positive capacity, bad indices, negative conductance),
 *         ILRS_ELIMIT (more than ILRS_HW_NODES_MAX nodes or ILRS_HW_COUPLINGS_MAX couplings).
 */
int ilrs_hw_thermal_init(ilrs_hw_thermal_t *th, const ilrs_hw_node_params_t *nodes, size_t n,
                         const ilrs_hw_coupling_t *couplings, size_t m);
/**
 * @brief Advance by @p dt_s with heat inputs @p heat_w[i] (W into node i: heaters,
 *        dissipation, RHU), ground temperature @p ground_k, radiative sink @p sink_k
 *        and the Sun @p sun (may be NULL: dark).
 */
void ilrs_hw_thermal_step(ilrs_hw_thermal_t *th, const double *heat_w, double ground_k,
                          double sink_k, const ilrs_hw_sun_t *sun, double dt_s);

/* --- Radios and link budgets ------------------------------------------------------ */

/** Radio parameters (the transmitting side and the far receiver). */
typedef struct ilrs_hw_radio_params {
    char name[ILRS_HW_NAME_MAX];
    double frequency_hz;
    double tx_power_w;
    double tx_gain_dbi, rx_gain_dbi;
    double system_noise_k;   /**< receiver system noise temperature */
    double losses_db;        /**< pointing, polarisation, cable, implementation */
    double required_ebn0_db; /**< for the coding in use at the target error rate */
    double margin_db;        /**< required link margin */
    size_t rates;            /**< rate table, ascending */
    double rate_bps[ILRS_HW_RATES_MAX];
    double power_idle_w, power_tx_w; /**< DC power drawn (receiving / transmitting) */
    uint64_t queue_bytes;            /**< transmit queue size */
    unsigned target; /**< which link distance of the environment it uses (< ILRS_HW_LINK_TARGETS) */
} ilrs_hw_radio_params_t;

/** One link budget evaluation. */
typedef struct ilrs_hw_link {
    double eirp_dbw;
    double path_loss_db; /**< free-space loss (4 pi d / lambda)^2 */
    double cn0_dbhz;     /**< carrier (total received power) to noise density */
    double rate_bps;     /**< highest table rate with Eb/N0 >= required + margin; 0 if none */
    double margin_db;    /**< achieved margin at that rate (at the lowest rate if none closes) */
} ilrs_hw_link_t;

/** Radio state. */
typedef struct ilrs_hw_radio {
    ilrs_hw_radio_params_t p;
    ilrs_hw_link_t link;  /**< budget at the last distance (refreshed when the rate changes) */
    bool link_up, outage, transmitting;
    size_t rate_index;    /**< index in the rate table + 1 (0: no rate closes) */
    double k_db;          /**< derived: C/N0 + 20 log10(d), dB-Hz */
    double max_distance_m[ILRS_HW_RATES_MAX]; /**< derived: range at which each rate closes */
    uint64_t queued_bytes;
    double credit_bytes;  /**< link capacity not yet used within a byte */
    uint64_t sent_bytes, dropped_bytes;
    double last_distance_m;
} ilrs_hw_radio_t;

/** @brief Queqiao-class surface-to-relay X-band defaults (see docs/twin-hardware.md). */
void ilrs_hw_radio_params_default(ilrs_hw_radio_params_t *p);
/** @brief Initialise. @return 0 or ILRS_EINVAL (rates not ascending, non-positive frequency...). */
int ilrs_hw_radio_init(ilrs_hw_radio_t *r, const ilrs_hw_radio_params_t *p);
/** @brief Link budget at @p distance_m (> 0). */
void ilrs_hw_link_budget(const ilrs_hw_radio_params_t *p, double distance_m, ilrs_hw_link_t *out);
/**
 * @brief Advance by @p dt_s: the link at @p distance_m (<= 0 or !@p visible: no
 *        link), draining the queue at the link rate when @p powered.
 */
void ilrs_hw_radio_step(ilrs_hw_radio_t *r, double distance_m, bool visible, bool powered,
                        double dt_s);
/** @brief Queue @p bytes. @return 0 or ILRS_EFULL (counted in dropped_bytes). */
int ilrs_hw_radio_send(ilrs_hw_radio_t *r, uint64_t bytes);
/** @brief DC power drawn now (0 when unpowered). */
double ilrs_hw_radio_power(const ilrs_hw_radio_t *r);

/* --- Mass storage ---------------------------------------------------------------- */

/** Mass storage. */
typedef struct ilrs_hw_storage {
    char name[ILRS_HW_NAME_MAX];
    uint64_t capacity_bytes, used_bytes;
    uint64_t written_bytes, released_bytes, refused_bytes; /**< cumulative */
} ilrs_hw_storage_t;

/** @brief Write up to @p bytes; returns what fitted (the rest counts as refused). */
uint64_t ilrs_hw_storage_write(ilrs_hw_storage_t *s, uint64_t bytes);
/** @brief Release up to @p bytes; returns what was released. */
uint64_t ilrs_hw_storage_release(ilrs_hw_storage_t *s, uint64_t bytes);
/** @brief True when used == capacity. */
bool ilrs_hw_storage_is_full(const ilrs_hw_storage_t *s);

/* --- Payloads ---------------------------------------------------------------- */

/** Payload parameters. */
typedef struct ilrs_hw_payload_params {
    char name[ILRS_HW_NAME_MAX];
    double power_standby_w; /**< mode 0 */
    double power_active_w;  /**< any other mode */
    double data_rate_bps;   /**< while active and in the on-phase of its duty cycle */
    double duty_cycle;      /**< fraction of each period producing (0..1) */
    double duty_period_s;   /**< duty period */
    int line;               /**< load line index feeding it */
    int node;               /**< thermal node its dissipation goes to (or ILRS_HW_NONE) */
} ilrs_hw_payload_params_t;

/** Payload state. */
typedef struct ilrs_hw_payload {
    ilrs_hw_payload_params_t p;
    uint32_t mode;
    bool powered, hung;
    double phase_s;       /**< position in the duty period */
    double pending_bits;  /**< produced and not yet read */
    double produced_bits; /**< cumulative */
} ilrs_hw_payload_t;

/** @brief Initialise. @return 0 or ILRS_EINVAL. */
int ilrs_hw_payload_init(ilrs_hw_payload_t *pl, const ilrs_hw_payload_params_t *p);
/** @brief Advance by @p dt_s with its supply @p powered (a power cycle clears a hang). */
void ilrs_hw_payload_step(ilrs_hw_payload_t *pl, bool powered, double dt_s);
/** @brief Mode command; ignored (returns false) when unpowered or hung. */
bool ilrs_hw_payload_command(ilrs_hw_payload_t *pl, uint32_t mode);
/** @brief DC power drawn now (0 when unpowered). */
double ilrs_hw_payload_power(const ilrs_hw_payload_t *pl);
/** @brief Take the whole bytes produced since the last read. */
uint64_t ilrs_hw_payload_read(ilrs_hw_payload_t *pl);

/* --- The station: a configured set of models behind hal ------------------------- */

/** Power bus and load line parameters. */
typedef struct ilrs_hw_line_params {
    char name[ILRS_HW_NAME_MAX];
    double base_w;          /**< fixed consumers on the line (avionics, pumps...) */
    double current_limit_a; /**< trip threshold (0 = no limit) */
    int node;               /**< thermal node of the fixed consumers (or ILRS_HW_NONE) */
    bool on;                /**< state at start */
} ilrs_hw_line_params_t;

/** A heater: a resistive load on a line heating a node. */
typedef struct ilrs_hw_heater_params {
    char name[ILRS_HW_NAME_MAX];
    int node, line;
    double power_w;
    bool on;
} ilrs_hw_heater_params_t;

/** Sensor source. */
typedef enum ilrs_hw_quantity {
    ILRS_HW_Q_BUS_VOLTAGE = 0,  /**< V */
    ILRS_HW_Q_ARRAY_POWER,      /**< index: array, W */
    ILRS_HW_Q_ARRAY_CURRENT,    /**< index: array, A at the bus voltage */
    ILRS_HW_Q_BATTERY_VOLTAGE,  /**< index: battery, V */
    ILRS_HW_Q_BATTERY_CURRENT,  /**< index: battery, A (+ discharge) */
    ILRS_HW_Q_BATTERY_TEMP,     /**< index: battery, K */
    ILRS_HW_Q_BATTERY_SOC,      /**< index: battery, fraction (the gauge) */
    ILRS_HW_Q_LINE_CURRENT,     /**< index: line, A */
    ILRS_HW_Q_NODE_TEMP,        /**< index: node, K */
    ILRS_HW_Q_RTG_POWER,        /**< index: rtg, W electrical */
    ILRS_HW_Q_HEATER_CURRENT,   /**< index: heater, A through its element (0 when open) */
    ILRS_HW_Q_STRING_VOLTAGE,   /**< index: battery x ILRS_HW_STRINGS_MAX + string, V */
    ILRS_HW_Q_STRING_CURRENT,   /**< index: battery x ILRS_HW_STRINGS_MAX + string, A */
    ILRS_HW_Q_COUNT
} ilrs_hw_quantity_t;

/** Sensor parameters. */
typedef struct ilrs_hw_sensor_params {
    char name[ILRS_HW_NAME_MAX];
    ilrs_hw_quantity_t quantity;
    int index;       /**< which array/battery/line/node/rtg */
    double sigma;    /**< Gaussian noise standard deviation, in the unit */
} ilrs_hw_sensor_params_t;

/** Sensor state. */
typedef struct ilrs_hw_sensor {
    ilrs_hw_sensor_params_t p;
    bool stuck, failed;
    double stuck_value;
} ilrs_hw_sensor_t;

/** Station configuration: arrays of model parameters (all borrowed during create). */
typedef struct ilrs_hw_config {
    const ilrs_hw_array_params_t *arrays;
    size_t n_arrays;
    const ilrs_hw_battery_params_t *batteries;
    size_t n_batteries;
    const int *battery_nodes; /**< thermal node of each battery (NULL or ILRS_HW_NONE: 298.15 K) */
    const ilrs_hw_rtg_params_t *rtgs; /**< RTGs and RHUs */
    size_t n_rtgs;
    const int *rtg_nodes;             /**< node receiving each one's waste heat (may be NULL) */
    const ilrs_hw_line_params_t *lines;
    size_t n_lines;
    const ilrs_hw_heater_params_t *heaters;
    size_t n_heaters;
    const ilrs_hw_node_params_t *nodes;
    size_t n_nodes;
    const ilrs_hw_coupling_t *couplings;
    size_t n_couplings;
    const ilrs_hw_radio_params_t *radios;
    size_t n_radios;
    const int *radio_lines; /**< load line feeding each radio (required) */
    const int *radio_nodes; /**< node receiving each radio's dissipation (may be NULL) */
    const ilrs_hw_payload_params_t *payloads;
    size_t n_payloads;
    const uint64_t *storage_bytes; /**< capacity of each mass storage unit */
    size_t n_storage;
    const ilrs_hw_sensor_params_t *sensors; /**< extra sensors; NULL: the standard set */
    size_t n_sensors;
    double bus_voltage_v;    /**< regulated bus voltage */
    double undervoltage_v;   /**< battery voltage under which the bus browns out */
    int shunt_node;          /**< where shunted power is dissipated (ILRS_HW_NONE: radiated away) */
    double thermal_step_s;   /**< thermal network step (multi-rate; 0 = every station step) */
    uint64_t seed;           /**< sensor noise */
} ilrs_hw_config_t;

/** Environment inputs for one station step (from the lunar environment). */
typedef struct ilrs_hw_env {
    double solar_flux_w_m2;
    double sun_el_deg, sun_az_deg;
    double sun_visible_fraction;
    double regolith_k;   /**< ground node temperature */
    double sink_k;       /**< radiative sink for radiators and arrays (deep space ~3 K) */
    double link_distance_m[ILRS_HW_LINK_TARGETS]; /**< per radio target (0: relay, 1: Earth...);
                                                       <= 0: not visible */
} ilrs_hw_env_t;

/** Cumulative energy ledger of the power bus, J. */
typedef struct ilrs_hw_ledger {
    double array_j, rtg_j;          /**< sources */
    double load_j;                  /**< delivered to load lines */
    double battery_in_j;            /**< bus -> batteries */
    double battery_out_j;           /**< batteries -> bus */
    double shunt_j;                 /**< excess dissipated */
    double battery_loss_j;          /**< charge/discharge conversion losses */
    double battery_failed_j;        /**< stored energy lost with failed strings/cells */
    double brownout_s;              /**< time with the bus down */
} ilrs_hw_ledger_t;

/** Injectable hardware faults. */
typedef enum ilrs_hw_fault_kind {
    ILRS_HW_FAULT_BATTERY_STRING = 0, /**< index: battery; value: which string opens */
    ILRS_HW_FAULT_BATTERY_CELL,       /**< index: battery; a cell per string shorts */
    ILRS_HW_FAULT_ARRAY_DEGRADE,      /**< index: array; value: fraction lost */
    ILRS_HW_FAULT_RADIO_OUTAGE,       /**< index: radio; value != 0 starts, 0 ends */
    ILRS_HW_FAULT_PAYLOAD_HANG,       /**< index: payload; until power-cycled (ILRS_ESTATE if off) */
    ILRS_HW_FAULT_SENSOR_STUCK,       /**< index: sensor; stuck at its current true value */
    ILRS_HW_FAULT_SENSOR_FAIL,        /**< index: sensor; readings invalid */
    ILRS_HW_FAULT_HEATER_OPEN,        /**< index: heater; draws and heats nothing */
    ILRS_HW_FAULT_COUNT
} ilrs_hw_fault_kind_t;

typedef struct ilrs_hw_station ilrs_hw_station_t;

/** @brief Zero @p cfg and set bus 28 V, undervoltage 22 V, thermal step 10 s, sink 3 K. */
void ilrs_hw_config_default(ilrs_hw_config_t *cfg);
/**
 * @brief Build a station from @p cfg (copied; the arrays it points to are borrowed
 *        for the call only). One allocation; nothing is allocated afterwards.
 * @param[out] out the station (caller frees with ilrs_hw_station_destroy); NULL on failure.
 * Device names must be non-empty and unique within a hal kind (switches =
 * lines + heaters, sensors, radios, payloads).
 * @param[out] error message naming the bad item (may be NULL).
 * @return 0, ILRS_EINVAL, ILRS_EEXIST (duplicate name), ILRS_ELIMIT, ILRS_ENOMEM.
 */
int ilrs_hw_station_create(const ilrs_hw_config_t *cfg, ilrs_hw_station_t **out, char *error,
                           size_t error_cap);
/** @brief Free a station. Accepts NULL. */
void ilrs_hw_station_destroy(ilrs_hw_station_t *st);
/**
 * @brief Advance every model by @p dt_s (> 0) under @p env.
 * @return 0, or ILRS_EINVAL (NULL, dt not positive and finite, an environment
 *         value not finite, negative flux or temperatures); nothing changes then.
 *         Loads see their supply from the first step on (before it, hal reports
 *         every port unpowered).
 */
int ilrs_hw_station_step(ilrs_hw_station_t *st, const ilrs_hw_env_t *env, double dt_s);
struct ilrs_hal; /* include/ilrs/hal.h: the twin implements it, flight code uses it */

/**
 * @brief Bind @p hal to the station's hal backend: switches are the load lines
 *        (ids 0..L-1) then the heaters (L..L+H-1); sensors, radios, payloads and
 *        storage units in configuration order. The station must outlive the hal.
 * @return 0 or ILRS_EINVAL.
 */
int ilrs_hw_station_hal(ilrs_hw_station_t *st, struct ilrs_hal *hal);
/**
 * @brief Inject a fault (see ilrs_hw_fault_kind_t for @p index and @p value).
 * @return 0, ILRS_EINVAL (unknown kind, bad value), ILRS_ERANGE (bad index),
 *         ILRS_ESTATE (e.g. no string left).
 */
int ilrs_hw_station_inject(ilrs_hw_station_t *st, ilrs_hw_fault_kind_t kind, size_t index,
                           double value);
/** @brief The energy ledger since create (borrowed, valid until destroy). */
const ilrs_hw_ledger_t *ilrs_hw_station_ledger(const ilrs_hw_station_t *st);
/** @brief Energy stored in all batteries now, J. */
double ilrs_hw_station_stored_j(const ilrs_hw_station_t *st);
/** @brief True if the bus was down during the last step. */
bool ilrs_hw_station_is_brownout(const ilrs_hw_station_t *st);
/** @brief Mission time since create, s. */
double ilrs_hw_station_time_s(const ilrs_hw_station_t *st);
/** @brief Models, for reports and tests (borrowed; NULL for a bad index). */
const ilrs_hw_array_t *ilrs_hw_station_array(const ilrs_hw_station_t *st, size_t i);
const ilrs_hw_battery_t *ilrs_hw_station_battery(const ilrs_hw_station_t *st, size_t i);
const ilrs_hw_rtg_t *ilrs_hw_station_rtg(const ilrs_hw_station_t *st, size_t i);
const ilrs_hw_radio_t *ilrs_hw_station_radio(const ilrs_hw_station_t *st, size_t i);
const ilrs_hw_payload_t *ilrs_hw_station_payload(const ilrs_hw_station_t *st, size_t i);
const ilrs_hw_storage_t *ilrs_hw_station_storage(const ilrs_hw_station_t *st, size_t i);
const ilrs_hw_thermal_t *ilrs_hw_station_thermal(const ilrs_hw_station_t *st);
/** @brief Demand of line @p i in the last step (W, 0 when off or browned out). */
double ilrs_hw_station_line_power(const ilrs_hw_station_t *st, size_t i);

/**
 * A reference station: hub avionics, 2 tracking arrays, 2 batteries, 1 RTG and
 * 2 RHU blocks, 8 load lines, 4 heaters, 8 thermal nodes, 2 radios (relay and
 * direct-to-Earth), 8 payloads of the ILRS manifest, 1 storage unit. Storage for
 * every parameter array lives in the struct; config points into it. Numbers and
 * their origin: docs/twin-hardware.md. Used by tests, benchmarks and as a
 * starting point for scenarios.
 */
typedef struct ilrs_hw_reference {
    ilrs_hw_array_params_t arrays[2];
    ilrs_hw_battery_params_t batteries[2];
    int battery_nodes[2];
    ilrs_hw_rtg_params_t rtgs[3];
    int rtg_nodes[3];
    ilrs_hw_line_params_t lines[8];
    ilrs_hw_heater_params_t heaters[4];
    ilrs_hw_node_params_t nodes[8];
    ilrs_hw_coupling_t couplings[12];
    ilrs_hw_radio_params_t radios[2];
    int radio_lines[2], radio_nodes[2];
    ilrs_hw_payload_params_t payloads[8];
    uint64_t storage_bytes[1];
    ilrs_hw_config_t config; /**< points into this struct: do not copy the struct */
} ilrs_hw_reference_t;

/** @brief Fill @p ref with the reference station (config.seed = @p seed). */
void ilrs_hw_reference_init(ilrs_hw_reference_t *ref, uint64_t seed);

/* (end of station hardware section) */
/* Environment time series at a site             (owner: env-integration)     */
/* ========================================================================= */

/*
 * One instant of the environment at a surface site, as `ilrs env` and the
 * twin compute it: apparent Sun and Earth (ephemeris section), visible disk
 * fractions against a terrain mask (illumination section), an orbiter's
 * apparent direction and visibility (orbit section), and a regolith column
 * stepped under the real geometry (regolith section). The caller owns the
 * loop, so that summary statistics, CSV rows and plots stay outside.
 */

/** Most depths reported by ilrs_env_sample(). */
#define ILRS_ENV_MAX_DEPTHS 8

/** What ilrs_env_sample() combines; every pointer is borrowed. */
typedef struct ilrs_env_config {
    ilrs_ephem_t *ephem;           /**< Sun, Earth, lunar orientation (required) */
    const ilrs_site_t *site;       /**< observer: height = ground + eye when a mask is used */
    const ilrs_horizon_t *horizon; /**< terrain mask of that observer; NULL = flat 0° horizon */
    ilrs_orbit_t *orbiter;         /**< propagated over the span, or NULL */
    double orbiter_min_el_deg;     /**< antenna limit for orbiter_visible (above the mask too) */
    ilrs_regolith_t *regolith;     /**< column stepped by ilrs_env_sample(), or NULL */
    double slope_deg;              /**< local surface tilt for the regolith incidence (0..90) */
    double aspect_deg;             /**< azimuth the slope faces (downhill), from north */
    const double *depths_m;        /**< depths reported in t_depth_k (each within the column) */
    size_t depth_count;            /**< 0..ILRS_ENV_MAX_DEPTHS */
} ilrs_env_config_t;

/** The environment at one instant. */
typedef struct ilrs_env_sample {
    ilrs_tai_t t;
    ilrs_sky_t sky;           /**< apparent Sun and Earth (ilrs_ephem_sky) */
    double sun_fraction;      /**< visible fraction of the solar disk (terrain or flat) */
    double earth_fraction;    /**< visible fraction of the Earth's disk */
    double sun_horizon_deg;   /**< terrain horizon elevation at the Sun's azimuth (0: flat) */
    double earth_horizon_deg; /**< same at the Earth's azimuth */
    double cos_incidence;     /**< Sun on the (sloped) surface, before shadowing; may be < 0 */
    bool has_orbiter;
    ilrs_topo_t orbiter;  /**< apparent orbiter direction (light time, aberration) */
    bool orbiter_visible; /**< above the mask and orbiter_min_el_deg */
    bool has_regolith;
    double t_surface_k;                     /**< surface temperature after the step */
    double t_depth_k[ILRS_ENV_MAX_DEPTHS];  /**< at depths_m[i] */
} ilrs_env_sample_t;

/**
 * @brief The environment at @p t. With a regolith column and @p dt_s > 0 the
 *        column is first advanced by @p dt_s under the forcing at @p t (backward
 *        Euler balances the fluxes at the end of the step): flux S/r² at the
 *        Moon, cos i on the sloped surface, horizon shadowing through the
 *        visible solar fraction. @p dt_s = 0 reports the column unchanged.
 * @return 0, ILRS_EINVAL, an ephemeris error, ILRS_ERANGE (t outside the
 *         orbiter's span), ILRS_ETWIN_CONVERGE (regolith).
 */
int ilrs_env_sample(const ilrs_env_config_t *cfg, ilrs_tai_t t, double dt_s,
                    ilrs_env_sample_t *out);

/**
 * @brief Spin the configuration's regolith column up before @p from: the real
 *        forcing (ilrs_env_sample geometry from @p ephem, which may differ from
 *        cfg->ephem, e.g. an AUTO ephemeris when cfg's is SPK-only) is sampled
 *        every @p dt_s over [from - span_s, from) and the column is run through
 *        that span @p cycles times, so that it ends in step with @p from.
 *        The column starts from its own initial temperature.
 * @return 0, ILRS_EINVAL, ILRS_ENOMEM, an ephemeris or regolith error.
 */
int ilrs_env_spin_up(const ilrs_env_config_t *cfg, ilrs_ephem_t *ephem, ilrs_tai_t from,
                     double span_s, double dt_s, int cycles);

/**
 * @brief Slope and aspect of the terrain at (lat, lon) from the first DEM of
 *        @p dems covering it: central differences of the bilinear height over
 *        two pixels east-west and north-south (the finite-difference
 *        gradient of terrain analysis; Horn 1981, Proc. IEEE 69:14).
 * @param[out] slope_deg tilt from horizontal.
 * @param[out] aspect_deg azimuth of steepest descent (from north, towards east).
 * @return 0, ILRS_ETWIN_DEM_COVER (no DEM covers the site and its neighbours),
 *         ILRS_ERANGE (within two pixels of a pole), ILRS_EINVAL.
 */
int ilrs_env_dem_slope(ilrs_dem_t *const *dems, size_t dem_count, double lat_deg, double lon_deg,
                       double *slope_deg, double *aspect_deg);

/* (end of environment section) */

#ifdef __cplusplus
}
#endif
#endif /* ILRS_TWIN_H */
