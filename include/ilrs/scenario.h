/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file scenario.h
 * @brief ilrs scenario files: a YAML description of a station (site, time span,
 *        hub, power plant, thermal network, radios, storage, rovers, relay
 *        orbiters, ground stations, partners and their payloads, injected
 *        faults), loaded into plain, validated configuration structs.
 *
 * The loader checks the document against a schema (unknown keys, wrong types,
 * missing required keys, out-of-range values, duplicate keys) and then
 * cross-checks the design (unknown references, duplicate ids, loads the station
 * can never power, impossible orbits, the per-partner mass cap). Every problem
 * becomes a diagnostic naming file, line, column and key path, e.g.
 *
 *     scenarios/x.yaml:42:7: power.batteries[1].capacity_wh: must be > 0, got -5
 *
 * collected into a caller-provided ilrs_scenario_diags_t; the library prints
 * nothing. docs/scenario.md documents every key (type, unit, default, range).
 *
 * Units are SI throughout (W, Wh, V, A, K, m, s, Hz, bit/s, kg, J/K, W/K), with
 * the unit in the field name; angles are degrees (_deg), ratios are fractions
 * (0..1, not percent), gains and losses are dB.
 *
 * Depends on base (and on ERFA for the UTC to TAI conversion of the epoch).
 * Thread safety: loading is reentrant; a loaded scenario is immutable and may be
 * read from several threads.
 */
#ifndef ILRS_SCENARIO_H
#define ILRS_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ilrs/base.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------- */
/* Limits (compile-time; each is the capacity of a fixed array below)         */
/* ------------------------------------------------------------------------- */

#define ILRS_SCENARIO_ID_MAX   32   /**< ids and mode names, with the NUL */
#define ILRS_SCENARIO_NAME_MAX 96   /**< human names, with the NUL */
#define ILRS_SCENARIO_TEXT_MAX 512  /**< descriptions, with the NUL */
#define ILRS_SCENARIO_FILE_MAX 1024 /**< file paths (DEMs), with the NUL */

#define ILRS_SCENARIO_MAX_DEMS         8
#define ILRS_SCENARIO_MAX_ARRAYS       16
#define ILRS_SCENARIO_MAX_BATTERIES    8
#define ILRS_SCENARIO_MAX_RHUS         8
#define ILRS_SCENARIO_MAX_RTGS         4
#define ILRS_SCENARIO_MAX_LINES        32
#define ILRS_SCENARIO_MAX_NODES        32
#define ILRS_SCENARIO_MAX_CONDUCTANCES 16 /**< per thermal node */
#define ILRS_SCENARIO_MAX_HEATERS      8  /**< per thermal node */
#define ILRS_SCENARIO_MAX_RADIOS       8
#define ILRS_SCENARIO_MAX_RATES        16 /**< data rates per radio */
#define ILRS_SCENARIO_MAX_ROVERS       8
#define ILRS_SCENARIO_MAX_RELAYS       4
#define ILRS_SCENARIO_MAX_GROUND       16
#define ILRS_SCENARIO_MAX_PARTNERS     32
#define ILRS_SCENARIO_MAX_PAYLOADS     64
#define ILRS_SCENARIO_MAX_MODES        8 /**< power modes per payload */
#define ILRS_SCENARIO_MAX_FAULTS       64

/** Document bounds: larger or deeper input is rejected (ILRS_ESCENARIO_LIMIT). */
#define ILRS_SCENARIO_MAX_BYTES     (4u * 1024u * 1024u) /**< whole document */
#define ILRS_SCENARIO_MAX_DEPTH     16                   /**< nested maps/sequences */
#define ILRS_SCENARIO_MAX_NODES_DOC 20000                /**< YAML nodes in the document */
#define ILRS_SCENARIO_MAX_SCALAR    4096                 /**< bytes in one scalar */

/** Diagnostics kept in an ilrs_scenario_diags_t (more are counted, not kept). */
#define ILRS_SCENARIO_MAX_DIAGS   64
#define ILRS_SCENARIO_KEYPATH_MAX 128
#define ILRS_SCENARIO_MESSAGE_MAX 256

/* Physical constants the cross-checks use (sources in docs/scenario.md). */
/** Highest solar flux at the Moon, W/m^2: TSI 1361 W/m^2 at 1 au (Kopp & Lean 2011)
 *  at Earth's perihelion distance 0.98329 au less the Moon's orbit (0.00257 au),
 *  1361 / 0.98072^2. REFERENCE.md quotes 1408 for Earth's perihelion; `ilrs env`
 *  reports up to 1414.6 at the Moon. An upper bound, as the power cross-check needs. */
#define ILRS_SCENARIO_SOLAR_FLUX_MAX_W_M2 1415.0
/** Lunar GM, m^3/s^2 (REFERENCE.md: 4902.800 km^3/s^2). */
#define ILRS_SCENARIO_MOON_GM_M3_S2 4.9028e12
/** Lunar mean radius, m (REFERENCE.md: 1737.4 km). */
#define ILRS_SCENARIO_MOON_RADIUS_M 1737400.0
/** Highest apolune altitude accepted, m: well inside the lunar Hill sphere (about
 *  60,000 km), beyond which Earth perturbations make a "lunar orbit" meaningless. */
#define ILRS_SCENARIO_MAX_APOAPSIS_ALT_M 60.0e6
/** Chang'e-8 rule: at most 100 kg of payload per partner (MISSION.md). */
#define ILRS_SCENARIO_PARTNER_MASS_CAP_KG 100.0
/** Chang'e-8 rule: 200 kg of payload for all partners together (MISSION.md). */
#define ILRS_SCENARIO_PARTNERS_MASS_CAP_KG 200.0

/* ------------------------------------------------------------------------- */
/* Enumerations                                                               */
/* ------------------------------------------------------------------------- */

/** Regolith type at the site (sets the Hayne et al. 2017 albedo A0). */
typedef enum ilrs_scenario_regolith {
    ILRS_SCENARIO_REGOLITH_HIGHLAND = 0, /**< "highland", A0 = 0.12 */
    ILRS_SCENARIO_REGOLITH_MARE = 1,     /**< "mare", A0 = 0.07 */
} ilrs_scenario_regolith_t;

/** How a solar array points. */
typedef enum ilrs_scenario_tracking {
    ILRS_SCENARIO_TRACKING_FIXED = 0,    /**< "fixed": tilt_deg, azimuth_deg fixed */
    ILRS_SCENARIO_TRACKING_AZIMUTH = 1,  /**< "azimuth": vertical axis, follows the Sun's azimuth
                                              (the natural choice at the pole, Sun near horizon) */
    ILRS_SCENARIO_TRACKING_TWO_AXIS = 2, /**< "two_axis": azimuth and elevation */
} ilrs_scenario_tracking_t;

/** Radio link kind. */
typedef enum ilrs_scenario_link {
    ILRS_SCENARIO_LINK_DTE = 0,       /**< "direct_to_earth" */
    ILRS_SCENARIO_LINK_PROXIMITY = 1, /**< "proximity": surface to relay orbiter */
} ilrs_scenario_link_t;

/** Radio band (frequency_hz must lie inside it). */
typedef enum ilrs_scenario_band {
    ILRS_SCENARIO_BAND_UHF = 0, /**< "uhf": 0.3..1 GHz */
    ILRS_SCENARIO_BAND_S = 1,   /**< "s": 2..4 GHz */
    ILRS_SCENARIO_BAND_X = 2,   /**< "x": 7..12 GHz */
    ILRS_SCENARIO_BAND_KA = 3,  /**< "ka": 26..40 GHz */
} ilrs_scenario_band_t;

/** Relay orbit source. */
typedef enum ilrs_scenario_orbit_preset {
    ILRS_SCENARIO_ORBIT_ELEMENTS = 0,     /**< "elements": given by the file */
    ILRS_SCENARIO_ORBIT_QUEQIAO2_24H = 1, /**< "queqiao2-24h": 200 x 16,000 km, i 62.4 deg */
    ILRS_SCENARIO_ORBIT_QUEQIAO2_12H = 2, /**< "queqiao2-12h": 300 x 8,600 km, i 54.8 deg */
} ilrs_scenario_orbit_preset_t;

/** Injected fault types. */
typedef enum ilrs_scenario_fault_type {
    ILRS_SCENARIO_FAULT_BATTERY_STRING_LOSS = 0, /**< target: battery id */
    ILRS_SCENARIO_FAULT_ARRAY_DEGRADATION = 1,   /**< target: array id */
    ILRS_SCENARIO_FAULT_RADIO_OUTAGE = 2,        /**< target: radio id */
    ILRS_SCENARIO_FAULT_PAYLOAD_HANG = 3,        /**< target: payload id */
    ILRS_SCENARIO_FAULT_STUCK_SENSOR = 4,        /**< target: thermal node (its sensor) */
    ILRS_SCENARIO_FAULT_HEATER_FAILURE = 5,      /**< target: heater id */
} ilrs_scenario_fault_type_t;

/** Number of fault types. */
#define ILRS_SCENARIO_FAULT_TYPE_COUNT 6

/* ------------------------------------------------------------------------- */
/* Configuration structs                                                      */
/* ------------------------------------------------------------------------- */

/** One DEM: the path as written and the path the loader resolved. */
typedef struct ilrs_scenario_dem {
    char path[ILRS_SCENARIO_FILE_MAX];     /**< as written in the file */
    char resolved[ILRS_SCENARIO_FILE_MAX]; /**< absolute or relative to the process's cwd */
} ilrs_scenario_dem_t;

/** The landing site. */
typedef struct ilrs_scenario_site {
    char name[ILRS_SCENARIO_NAME_MAX];
    double lat_deg;       /**< planetocentric latitude, -90..90 (required) */
    double lon_deg;       /**< east longitude, -180..360 (required) */
    bool has_height_m;    /**< false: take the height from the DEMs */
    double height_m;      /**< above the 1737.4 km sphere, -20000..20000 */
    double mast_height_m; /**< observer (antenna/array) height above ground, 0..1000; default 2 */
    ilrs_scenario_regolith_t regolith; /**< default highland */
    size_t dem_count;
    ilrs_scenario_dem_t dems[ILRS_SCENARIO_MAX_DEMS]; /**< finest first (the twin's order) */
} ilrs_scenario_site_t;

/** The hub lander (central control). */
typedef struct ilrs_scenario_hub {
    char name[ILRS_SCENARIO_NAME_MAX]; /**< default "hub" */
    double mass_kg;                    /**< dry mass, >= 0; default 0 (unknown) */
    double avionics_power_w;           /**< computer, bus, sensors when awake; > 0 (required) */
    double hibernate_power_w; /**< during hibernation (night survival); default 0.1 x awake */
    char thermal_node[ILRS_SCENARIO_ID_MAX]; /**< node holding the avionics (required) */
    char line[ILRS_SCENARIO_ID_MAX];         /**< power line feeding it; "" = unswitched bus */
} ilrs_scenario_hub_t;

/** A solar array. Peak output = area_m2 x efficiency x flux (before temperature,
 *  degradation and dust). */
typedef struct ilrs_scenario_array {
    char id[ILRS_SCENARIO_ID_MAX];
    double area_m2;                    /**< cell area, (0, 500] */
    double efficiency;                 /**< cell + packing efficiency at temp_ref_k, (0, 0.5] */
    ilrs_scenario_tracking_t tracking; /**< default azimuth */
    double mast_height_m;              /**< array centre above ground, 0..1000; default site mast */
    double tilt_deg;             /**< panel angle from the horizontal: 0 = flat, facing the zenith;
                                      90 = vertical, facing the horizon (best near the pole,
                                      where the Sun stays within a few degrees of it); 0..90,
                                      default 90. For two_axis tracking it is ignored */
    double azimuth_deg;          /**< fixed panels only: facing azimuth from north, 0..360 */
    double temp_coeff_per_k;     /**< relative power change per K above temp_ref_k,
                                      -0.01..0, default -0.0022 (triple-junction GaAs class) */
    double temp_ref_k;           /**< default 301.15 (28 C, AM0 test condition) */
    double degradation_per_year; /**< fractional loss per year, 0..0.5, default 0.01 */
    double dust_loss_per_day;    /**< fractional loss per day from dust, 0..0.1, default 0 */
    double dust_loss_max;        /**< cap on the accumulated dust loss, 0..1, default 0.2 */
} ilrs_scenario_array_t;

/** A battery. Temperature-dependent capacity factor, relative to capacity_wh:
 *  f(T) = 1 + c1 (T - temp_ref_k) + c2 (T - temp_ref_k)^2, clamped to [0, 1.1]. */
typedef struct ilrs_scenario_battery {
    char id[ILRS_SCENARIO_ID_MAX];
    uint32_t strings;             /**< parallel strings, 1..16 (required) */
    uint32_t cells_per_string;    /**< series cells, 1..64 (required) */
    double capacity_wh;           /**< nameplate energy of the whole battery at temp_ref_k,
                                       (0, 1e6] (required); a string holds capacity_wh/strings */
    double cell_voltage_v;        /**< nominal, (0, 5], default 3.6 (Li-ion) */
    double charge_efficiency;     /**< (0, 1], default 0.95 */
    double discharge_efficiency;  /**< (0, 1], default 0.95 */
    double min_soc;               /**< [0, 1), default 0.2: never discharged below */
    double max_soc;               /**< (min_soc, 1], default 0.95: never charged above */
    double initial_soc;           /**< [min_soc, max_soc], default max_soc */
    double temp_ref_k;            /**< default 293.15 */
    double capacity_coeff_per_k;  /**< c1, default 0.005 per K */
    double capacity_coeff_per_k2; /**< c2, default -1.25e-4 per K^2 (about 85 % at 0 C and
                                       60 % at -20 C, typical Li-ion) */
    double min_charge_k;          /**< no charging below, default 273.15 */
    double max_charge_c;          /**< charge power limit in C (capacity per hour), (0, 10],
                                       default 0.5 */
    double max_discharge_c;       /**< discharge power limit in C, (0, 20], default 1 */
    char thermal_node[ILRS_SCENARIO_ID_MAX]; /**< node the battery sits in (required) */
} ilrs_scenario_battery_t;

/** A block of radioisotope heater units, all alike. */
typedef struct ilrs_scenario_rhu {
    char id[ILRS_SCENARIO_ID_MAX];
    uint32_t count;        /**< units, 1..1000 */
    double thermal_w_each; /**< W thermal at the epoch, (0, 1000]; 1.0 = US LWRHU */
    double half_life_y;    /**< default 87.7 (Pu-238) */
    double fuel_age_y;     /**< fuel age at the epoch, 0..100, default 0 (thermal_w_each is
                                the output at the epoch either way) */
    char thermal_node[ILRS_SCENARIO_ID_MAX]; /**< required */
} ilrs_scenario_rhu_t;

/** A radioisotope thermoelectric generator. */
typedef struct ilrs_scenario_rtg {
    char id[ILRS_SCENARIO_ID_MAX];
    double electric_w;  /**< W electric at the epoch, (0, 10000] (required) */
    double thermal_w;   /**< W thermal at the epoch, >= electric_w (required) */
    double half_life_y; /**< fuel half-life, default 87.7 (Pu-238) */
    double fuel_age_y;  /**< fuel age at the epoch, 0..100, default 0 (the _w values are at the
                             epoch either way) */
    double converter_degradation_per_year;   /**< extra electric loss (thermocouples), 0..0.2,
                                                  default 0 */
    char thermal_node[ILRS_SCENARIO_ID_MAX]; /**< where its waste heat goes; "" = rejected to
                                                  space by its own fins */
} ilrs_scenario_rtg_t;

/** A switched power distribution line (a solid-state power controller). */
typedef struct ilrs_scenario_line {
    char id[ILRS_SCENARIO_ID_MAX];
    double current_limit_a; /**< trip current, (0, 1000] (required) */
    bool switchable;        /**< default true; false = always on (essential bus) */
    bool initially_on;      /**< default true */
} ilrs_scenario_line_t;

/** The power plant. */
typedef struct ilrs_scenario_power {
    double bus_voltage_v;  /**< regulated bus, (0, 300], default 28 */
    double undervoltage_v; /**< battery voltage below which the bus browns out, (0, 300],
                                default 22 (8 Li-ion cells at 2.75 V) */
    size_t array_count;
    ilrs_scenario_array_t arrays[ILRS_SCENARIO_MAX_ARRAYS];
    size_t battery_count;
    ilrs_scenario_battery_t batteries[ILRS_SCENARIO_MAX_BATTERIES];
    size_t rhu_count;
    ilrs_scenario_rhu_t rhus[ILRS_SCENARIO_MAX_RHUS];
    size_t rtg_count;
    ilrs_scenario_rtg_t rtgs[ILRS_SCENARIO_MAX_RTGS];
    size_t line_count;
    ilrs_scenario_line_t lines[ILRS_SCENARIO_MAX_LINES];
} ilrs_scenario_power_t;

/** A conductive/radiative coupling between two thermal nodes. */
typedef struct ilrs_scenario_conductance {
    char to[ILRS_SCENARIO_ID_MAX]; /**< the other node's name */
    double w_per_k;                /**< (0, 1000] */
} ilrs_scenario_conductance_t;

/** A thermostat-controlled heater. */
typedef struct ilrs_scenario_heater {
    char id[ILRS_SCENARIO_ID_MAX];   /**< unique across all nodes */
    double power_w;                  /**< (0, 10000] */
    double on_below_k;               /**< switches on below this temperature */
    double off_above_k;              /**< switches off above this one; > on_below_k */
    char line[ILRS_SCENARIO_ID_MAX]; /**< power line; "" = unswitched bus */
} ilrs_scenario_heater_t;

/** A passive bimetallic louvre over a node's radiator (Gilmore vol. I ch. 8). */
typedef struct ilrs_scenario_louvre {
    double closed_below_k;    /**< blades closed at or below (required) */
    double open_above_k;      /**< fully open at or above; > closed_below_k (required) */
    double emissivity_closed; /**< effective emittance closed, (0, radiator_emissivity], default 0.1 */
} ilrs_scenario_louvre_t;

/** A lumped thermal node. */
typedef struct ilrs_scenario_node {
    char name[ILRS_SCENARIO_ID_MAX];
    double heat_capacity_j_per_k;        /**< (0, 1e9] (required) */
    double initial_temperature_k;        /**< (0, 1000], default 293.15 */
    double regolith_conductance_w_per_k; /**< to the regolith surface, >= 0, default 0 */
    double radiator_area_m2;             /**< >= 0, default 0 */
    double radiator_emissivity;          /**< (0, 1], default 0.85 */
    double radiator_absorptivity;        /**< solar absorptance, [0, 1], default 0.2 */
    /** The radiator faces the zenith (sees the sky only); default false: a
     *  vertical radiator seeing half sky, half ground (the station's sink). */
    bool radiator_faces_sky;
    bool has_louvre;                     /**< a louvre over the radiator; radiator_emissivity is then its open value */
    ilrs_scenario_louvre_t louvre;
    double min_k;                        /**< allowable range, default 0..1000 (none) */
    double max_k;
    size_t conductance_count;
    ilrs_scenario_conductance_t conductances[ILRS_SCENARIO_MAX_CONDUCTANCES];
    size_t heater_count;
    ilrs_scenario_heater_t heaters[ILRS_SCENARIO_MAX_HEATERS];
} ilrs_scenario_node_t;

/** One entry of a radio's data-rate table. */
typedef struct ilrs_scenario_rate {
    double rate_bps;         /**< information rate, (0, 1e10] */
    double required_ebn0_db; /**< Eb/N0 this rate's coding needs, -2..30 */
} ilrs_scenario_rate_t;

/** A radio on the station. The link budget (twin) uses these with the far end's
 *  antenna (relay or ground station) and picks the fastest rate whose Eb/N0 margin
 *  is at least margin_db. */
typedef struct ilrs_scenario_radio {
    char id[ILRS_SCENARIO_ID_MAX];
    ilrs_scenario_link_t link;  /**< required */
    ilrs_scenario_band_t band;  /**< required */
    double frequency_hz;        /**< downlink/return frequency, inside the band (required) */
    double tx_power_w;          /**< RF output, (0, 1000] (required) */
    double antenna_gain_dbi;    /**< -10..70 (required) */
    double losses_db;           /**< cables, pointing, polarisation, 0..30, default 2 */
    double noise_temperature_k; /**< receive system, (0, 5000], default 300 */
    double margin_db;           /**< demanded link margin, 0..20, default 3 */
    double dc_power_tx_w;       /**< DC draw while transmitting, >= tx_power_w; default 4 x tx */
    double dc_power_rx_w;       /**< DC draw while receiving/standby, >= 0, default 5 */
    char line[ILRS_SCENARIO_ID_MAX]; /**< power line; "" = unswitched bus */
    uint64_t queue_bytes;            /**< transmit queue, > 0, default 16 MiB */
    size_t rate_count;
    ilrs_scenario_rate_t rates[ILRS_SCENARIO_MAX_RATES]; /**< sorted ascending by the loader */
} ilrs_scenario_radio_t;

/** Onboard mass storage. */
typedef struct ilrs_scenario_storage {
    uint64_t capacity_bytes; /**< > 0, default 32 GiB */
} ilrs_scenario_storage_t;

/** A periodic activity window: active for active_s every period_s, starting
 *  offset_s after the epoch. period_s = 0 means always active. */
typedef struct ilrs_scenario_schedule {
    double period_s;
    double active_s;
    double offset_s;
} ilrs_scenario_schedule_t;

/** A rover or hopper, seen by the station as a power and data load. */
typedef struct ilrs_scenario_rover {
    char id[ILRS_SCENARIO_ID_MAX];
    char name[ILRS_SCENARIO_NAME_MAX];
    double mass_kg;                    /**< >= 0 */
    double active_power_w;             /**< drawn from the station while active (charging), >= 0 */
    double idle_power_w;               /**< drawn otherwise, >= 0, default 0 */
    double data_rate_bps;              /**< data relayed through the station while active, >= 0 */
    bool needs_sun;                    /**< active only when the Sun is up; default true */
    ilrs_scenario_schedule_t schedule; /**< default always active */
    char line[ILRS_SCENARIO_ID_MAX];
} ilrs_scenario_rover_t;

/** A relay orbiter. Elements are osculating Keplerian elements at the scenario
 *  epoch in the Moon's mean-Earth/polar-axis frame. The shape comes from a preset,
 *  or from periapsis/apoapsis altitudes, or from classical semi_major_axis_m and
 *  eccentricity; the loader fills in the other form and the period either way. */
typedef struct ilrs_scenario_relay {
    char id[ILRS_SCENARIO_ID_MAX];
    ilrs_scenario_orbit_preset_t preset; /**< "elements" when the file gives elements */
    double periapsis_altitude_m;         /**< above the 1737.4 km sphere, >= 10.8 km */
    double apoapsis_altitude_m;          /**< >= periapsis, <= 60,000 km */
    double semi_major_axis_m;            /**< a, from the centre of the Moon */
    double eccentricity;                 /**< e, [0, 1) */
    double inclination_deg;              /**< 0..180 */
    double raan_deg;                     /**< 0..360, default 0 */
    double arg_periapsis_deg;            /**< 0..360, default 90 (apolune over the south pole) */
    double mean_anomaly_deg;             /**< at the epoch, 0..360, default 0 */
    double period_s;                     /**< derived: 2 pi sqrt(a^3 / GM) */
    /* link parameters */
    double proximity_gain_dbi;            /**< relay's surface-facing antenna, default 20 */
    double proximity_noise_temperature_k; /**< default 500 */
    double earth_rate_bps;        /**< relay to Earth, primary (Ka), default 100e6 (Queqiao-2) */
    double earth_backup_rate_bps; /**< backup (S), default 6e6 (Queqiao-2) */
    uint64_t store_bytes;         /**< relay's store-and-forward buffer, default 16 GiB */
    /* relay -> Earth trunk budget (docs/station.md "Space link"); the receive side is
     * the ground stations' antenna_diameter_m, antenna_efficiency, noise_temperature_k */
    double earth_frequency_hz;     /**< trunk carrier, 1e9..1e11, default 25.9e9 (Ka) */
    double earth_tx_power_w;       /**< trunk RF output, (0, 1000], default 20 (assumed) */
    double earth_antenna_gain_dbi; /**< relay's Earth dish, -10..80, default 58.5 (4.2 m) */
    double earth_losses_db;        /**< pointing, atmosphere, cable, 0..30, default 3 */
    double earth_required_ebn0_db; /**< trunk code at BER 1e-6, -2..30, default 2.5 */
    double earth_margin_db;        /**< below it the backup rate is used, 0..20, default 3 */
    double earth_guard_s;          /**< store playback delay after AOS, 0..600 s, default 2 */
} ilrs_scenario_relay_t;

/** An Earth ground station. */
typedef struct ilrs_scenario_ground {
    char id[ILRS_SCENARIO_ID_MAX];
    char name[ILRS_SCENARIO_NAME_MAX];
    double lat_deg;             /**< geodetic latitude (WGS84), -90..90 (required) */
    double lon_deg;             /**< east longitude, -180..360 (required) */
    double height_m;            /**< above the ellipsoid, -500..9000, default 0 */
    double min_elevation_deg;   /**< 0..90, default 10 */
    double antenna_diameter_m;  /**< (0, 100] (required) */
    double antenna_efficiency;  /**< aperture efficiency (0, 1], default 0.55 */
    double noise_temperature_k; /**< system noise temperature, (0, 5000], default 60 */
    double uplink_power_w;      /**< (0, 1e6], default 2000 */
} ilrs_scenario_ground_t;

/** A partner agency or institute. */
typedef struct ilrs_scenario_partner {
    char id[ILRS_SCENARIO_ID_MAX];     /**< [a-z0-9_-], used in every packet/archive row */
    char name[ILRS_SCENARIO_NAME_MAX]; /**< required */
    char country[ILRS_SCENARIO_NAME_MAX];
} ilrs_scenario_partner_t;

/** One power mode of a payload. */
typedef struct ilrs_scenario_mode {
    char name[ILRS_SCENARIO_ID_MAX]; /**< e.g. off, standby, on, survival */
    double power_w;                  /**< >= 0 */
} ilrs_scenario_mode_t;

/** A hosted payload and its manifest. */
typedef struct ilrs_scenario_payload {
    char id[ILRS_SCENARIO_ID_MAX];
    char name[ILRS_SCENARIO_NAME_MAX];
    char partner[ILRS_SCENARIO_ID_MAX];                  /**< owner partner id (required) */
    double mass_kg;                                      /**< (0, 1000] (required) */
    size_t mode_count;                                   /**< >= 1 */
    ilrs_scenario_mode_t modes[ILRS_SCENARIO_MAX_MODES]; /**< from the power_w map, in order */
    char initial_mode[ILRS_SCENARIO_ID_MAX]; /**< default "off" if defined, else the first */
    double data_rate_bps;                    /**< while in its highest-power mode, >= 0 */
    double duty_cycle;        /**< fraction of eligible time it wants to run, [0, 1], default 1 */
    double duty_period_s;     /**< period of the duty cycle, (0, 1e9] s, default 3600 */
    bool needs_sun;           /**< runs only when the Sun is up */
    bool needs_earth_in_view; /**< runs only when the Earth is above the horizon */
    bool night_only;          /**< runs only when the Sun is down (e.g. radio astronomy) */
    double min_operating_k;   /**< default 233.15 */
    double max_operating_k;   /**< default 323.15 */
    double min_survival_k;    /**< default 203.15; <= min_operating_k */
    double max_survival_k;    /**< default 343.15; >= max_operating_k */
    uint32_t priority;        /**< 1 (highest) .. 10, default 5 */
    char thermal_node[ILRS_SCENARIO_ID_MAX]; /**< default: the hub's node */
    char line[ILRS_SCENARIO_ID_MAX];         /**< power line; "" = unswitched bus */
} ilrs_scenario_payload_t;

/** An injected fault. Exactly one of at_s / rate_per_year is given. */
typedef struct ilrs_scenario_fault {
    char id[ILRS_SCENARIO_ID_MAX];     /**< default "fault<N>" */
    ilrs_scenario_fault_type_t type;   /**< required */
    char target[ILRS_SCENARIO_ID_MAX]; /**< element id, see ilrs_scenario_fault_type_t */
    bool is_random;                    /**< true: Poisson arrivals at rate_per_year */
    double at_s;                       /**< seconds after the epoch (deterministic fault) */
    double rate_per_year;              /**< (0, 1000] (random fault) */
    double duration_s;                 /**< 0 = permanent (default) */
    uint32_t string_index;             /**< battery_string_loss: which string, default 0 */
    double loss_fraction;              /**< array_degradation: power lost, (0, 1], default 0.25 */
    bool has_stuck_value; /**< stuck_sensor: false = stuck at the value at fault time */
    double stuck_value;   /**< stuck_sensor: reading in the sensor's unit (K) */
    bool heater_stuck_on; /**< heater_failure: true = stuck on, false (default) = dead */
} ilrs_scenario_fault_t;

#define ILRS_SCENARIO_MAX_COMMANDS 128 /**< commands in the timeline */
#define ILRS_SCENARIO_MAX_CMD_ARGS 8   /**< arguments of one command */
#define ILRS_SCENARIO_ARG_MAX 48       /**< one argument's text, with the NUL */
#define ILRS_SCENARIO_CMD_NAME_MAX 48  /**< a command name, with the NUL */

/**
 * A timed command (the scenario's command timeline): sent through the flight
 * software's command ingest at its time, checked against the station's
 * dictionary when the run is created (the scenario module knows no dictionary).
 */
typedef struct ilrs_scenario_command {
    double at_s;                                 /**< seconds after the epoch, in [0, duration] */
    char name[ILRS_SCENARIO_CMD_NAME_MAX];       /**< dictionary command name (required) */
    size_t arg_count;
    char args[ILRS_SCENARIO_MAX_CMD_ARGS][ILRS_SCENARIO_ARG_MAX]; /**< as written */
    char by[ILRS_SCENARIO_ID_MAX]; /**< issuer: a partner id or "operator" (required) */
    unsigned line, column;         /**< where the entry starts (for the dictionary check) */
    unsigned name_line, name_column, args_line, args_column;
    ilrs_tai_t at_tai_; /**< loader's scratch: an absolute time before the epoch is known */
} ilrs_scenario_command_t;

/** A whole scenario. Created by the loaders, freed by ilrs_scenario_destroy(). */
typedef struct ilrs_scenario {
    char name[ILRS_SCENARIO_NAME_MAX]; /**< required */
    char description[ILRS_SCENARIO_TEXT_MAX];
    char source[ILRS_SCENARIO_FILE_MAX]; /**< file name or the name given to load_memory */
    char epoch_utc[40];                  /**< as written, ISO 8601 "YYYY-MM-DDTHH:MM:SS[.sss]Z" */
    ilrs_tai_t epoch_tai;                /**< the same instant, TAI ns since 1958 */
    double duration_s;                   /**< (0, 50 y] (required) */
    uint64_t seed;                       /**< random seed, default 1 */
    ilrs_scenario_site_t site;
    ilrs_scenario_hub_t hub;
    ilrs_scenario_power_t power;
    size_t node_count;
    ilrs_scenario_node_t nodes[ILRS_SCENARIO_MAX_NODES];
    size_t radio_count;
    ilrs_scenario_radio_t radios[ILRS_SCENARIO_MAX_RADIOS];
    ilrs_scenario_storage_t storage;
    size_t rover_count;
    ilrs_scenario_rover_t rovers[ILRS_SCENARIO_MAX_ROVERS];
    size_t relay_count;
    ilrs_scenario_relay_t relays[ILRS_SCENARIO_MAX_RELAYS];
    size_t ground_count;
    ilrs_scenario_ground_t grounds[ILRS_SCENARIO_MAX_GROUND];
    size_t partner_count;
    ilrs_scenario_partner_t partners[ILRS_SCENARIO_MAX_PARTNERS];
    size_t payload_count;
    ilrs_scenario_payload_t payloads[ILRS_SCENARIO_MAX_PAYLOADS];
    size_t fault_count;
    ilrs_scenario_fault_t faults[ILRS_SCENARIO_MAX_FAULTS];
    size_t command_count;
    ilrs_scenario_command_t commands[ILRS_SCENARIO_MAX_COMMANDS]; /**< in time order (stable) */
} ilrs_scenario_t;

/* ------------------------------------------------------------------------- */
/* Diagnostics                                                                */
/* ------------------------------------------------------------------------- */

/** One problem found in a scenario. */
typedef struct ilrs_scenario_diag {
    int code;                                /**< ILRS_ESCENARIO_* */
    bool is_warning;                         /**< warnings do not fail the load */
    unsigned line;                           /**< 1-based; 0 when not tied to a place in the file */
    unsigned column;                         /**< 1-based */
    char keypath[ILRS_SCENARIO_KEYPATH_MAX]; /**< e.g. "power.batteries[1].capacity_wh";
                                                  "" for the document itself */
    char message[ILRS_SCENARIO_MESSAGE_MAX]; /**< e.g. "must be > 0, got -5" */
} ilrs_scenario_diag_t;

/** The caller's list of diagnostics. Zero it (or call ilrs_scenario_diags_init)
 *  before a load; loads append. */
typedef struct ilrs_scenario_diags {
    char file[ILRS_SCENARIO_FILE_MAX]; /**< the document's name, set by the loader */
    size_t count;                      /**< entries kept in items[] */
    size_t error_count;                /**< errors found, kept or not */
    size_t warning_count;              /**< warnings found, kept or not */
    size_t dropped;                    /**< diagnostics not kept (list full) */
    ilrs_scenario_diag_t items[ILRS_SCENARIO_MAX_DIAGS];
} ilrs_scenario_diags_t;

/** Load options. */
typedef struct ilrs_scenario_options {
    /** Directory relative DEM paths are resolved against; NULL: the scenario file's
     *  directory (load_file) or the current directory (load_memory). */
    const char *base_dir;
    /** Error when a DEM is not a readable file (default true). */
    bool check_files;
    /** Make the Chang'e-8 per-partner 100 kg and 200 kg total mass caps errors
     *  instead of warnings (default false). */
    bool mass_cap_is_error;
} ilrs_scenario_options_t;

/** @brief Set @p opts to the defaults (base_dir NULL, check_files true, caps warn). */
void ilrs_scenario_options_default(ilrs_scenario_options_t *opts);

/** @brief Empty @p diags. */
void ilrs_scenario_diags_init(ilrs_scenario_diags_t *diags);

/**
 * @brief Format diagnostic @p index as "file:line:column: keypath: message"
 *        (with "warning: " before the message for warnings; the line/column and
 *        keypath parts are left out when absent).
 * @param[out] buf always NUL-terminated when @p cap > 0 (truncated if short).
 * @return 0, ILRS_EINVAL (@p index out of range, NULL arguments), ILRS_ETRUNC
 *         (the text did not fit).
 */
int ilrs_scenario_diag_format(const ilrs_scenario_diags_t *diags, size_t index, char *buf,
                              size_t cap);

/**
 * @brief Load and validate a scenario file.
 *
 * Relative DEM paths are resolved against opts->base_dir, else the file's own
 * directory; when the environment variable ILRS_DATA_DIR is set, a relative path
 * containing the segment "shared/data/" is re-rooted there (what follows the
 * segment is taken relative to ILRS_DATA_DIR). See docs/scenario.md.
 *
 * @param[in] path the YAML file (borrowed).
 * @param[in] opts options, or NULL for the defaults.
 * @param[out] out set to NULL first; on success a new scenario the caller frees with
 *             ilrs_scenario_destroy().
 * @param[in,out] diags receives every error and warning (required; not cleared).
 * @return 0 (warnings possible), or the code of the first error: ILRS_EIO (unreadable
 *         file), ILRS_ESCENARIO_* , ILRS_ENOMEM, ILRS_EINVAL (NULL arguments).
 */
int ilrs_scenario_load_file(const char *path, const ilrs_scenario_options_t *opts,
                            ilrs_scenario_t **out, ilrs_scenario_diags_t *diags);

/**
 * @brief Load and validate a scenario held in memory (tests, fuzzing, network).
 * @param[in] text the document, not necessarily NUL-terminated (borrowed).
 * @param[in] len its length in bytes (at most ILRS_SCENARIO_MAX_BYTES).
 * @param[in] name the name diagnostics use for the document, e.g. "test.yaml".
 * Other parameters and the return value as ilrs_scenario_load_file().
 */
int ilrs_scenario_load_memory(const char *text, size_t len, const char *name,
                              const ilrs_scenario_options_t *opts, ilrs_scenario_t **out,
                              ilrs_scenario_diags_t *diags);

/** @brief Free a scenario. Accepts NULL. */
void ilrs_scenario_destroy(ilrs_scenario_t *scenario);

/** File name of the default scenario (what `ilrs run` plays without an argument). */
#define ILRS_SCENARIO_DEFAULT_NAME "south-pole.yaml"

/**
 * @brief Path of the default scenario: $ILRS_SCENARIO_DIR/south-pole.yaml when
 *        that environment variable is set, else <source tree>/scenarios/south-pole.yaml
 *        (the compile-time ILRS_SOURCE_DIR, as the data directory rule).
 * @param[out] buf receives the path (NUL-terminated when @p cap > 0).
 * @return 0, ILRS_EINVAL (NULL or zero @p cap), ILRS_EOVERFLOW (@p cap too small).
 */
int ilrs_scenario_default_path(char *buf, size_t cap);

/* ------------------------------------------------------------------------- */
/* Helpers for the models built from a scenario                               */
/* ------------------------------------------------------------------------- */

/** @brief Peak electric power the station can ever produce, W: every array at
 *  ILRS_SCENARIO_SOLAR_FLUX_MAX_W_M2 at normal incidence plus every RTG at the epoch. */
double ilrs_scenario_peak_power_w(const ilrs_scenario_t *scenario);

/** @brief Highest mode power of a payload, W. */
double ilrs_scenario_payload_max_power_w(const ilrs_scenario_payload_t *payload);

/** @brief Find by id (NULL when absent). Borrowed pointers into @p scenario. */
const ilrs_scenario_partner_t *ilrs_scenario_find_partner(const ilrs_scenario_t *scenario,
                                                          const char *id);
/** @copydoc ilrs_scenario_find_partner */
const ilrs_scenario_payload_t *ilrs_scenario_find_payload(const ilrs_scenario_t *scenario,
                                                          const char *id);
/** @copydoc ilrs_scenario_find_partner */
const ilrs_scenario_node_t *ilrs_scenario_find_node(const ilrs_scenario_t *scenario,
                                                    const char *name);

/** @brief The file spelling of an enum value ("battery_string_loss", "queqiao2-12h",
 *  "ka", ...); "?" for values out of range. */
const char *ilrs_scenario_fault_type_name(ilrs_scenario_fault_type_t type);
/** @copydoc ilrs_scenario_fault_type_name */
const char *ilrs_scenario_band_name(ilrs_scenario_band_t band);
/** @copydoc ilrs_scenario_fault_type_name */
const char *ilrs_scenario_link_name(ilrs_scenario_link_t link);
/** @copydoc ilrs_scenario_fault_type_name */
const char *ilrs_scenario_tracking_name(ilrs_scenario_tracking_t tracking);
/** @copydoc ilrs_scenario_fault_type_name */
const char *ilrs_scenario_orbit_preset_name(ilrs_scenario_orbit_preset_t preset);

#ifdef __cplusplus
}
#endif
#endif /* ILRS_SCENARIO_H */
