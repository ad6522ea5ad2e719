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
    double steady_g, steady_aging, steady_fault; /**< converged inputs (skip recomputation) */
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
/** @brief Fault: one string opens (its capacity and stored energy are lost). @return 0 or ILRS_ESTATE. */
int ilrs_hw_battery_fail_string(ilrs_hw_battery_t *b);
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
} ilrs_hw_node_params_t;

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
    ILRS_HW_FAULT_BATTERY_STRING = 0, /**< index: battery; one string opens */
    ILRS_HW_FAULT_BATTERY_CELL,       /**< index: battery; a cell per string shorts */
    ILRS_HW_FAULT_ARRAY_DEGRADE,      /**< index: array; value: fraction lost */
    ILRS_HW_FAULT_RADIO_OUTAGE,       /**< index: radio; value != 0 starts, 0 ends */
    ILRS_HW_FAULT_PAYLOAD_HANG,       /**< index: payload; until power-cycled */
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
 * @param[out] error message naming the bad item (may be NULL).
 * @return 0, ILRS_EINVAL, ILRS_ELIMIT, ILRS_ENOMEM.
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

#ifdef __cplusplus
}
#endif
#endif /* ILRS_TWIN_H */
