/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file apps.h
 * @brief The station's flight apps on the flight framework (fsw.h): power (PWR),
 *        thermal (THM), payload host (PLD), mode manager (MODE), limit checker (LC)
 *        and stored commands (SC).
 *
 * Each app talks to the hardware only through hal (hal.h) and to the other apps
 * only through the bus and the command ingest (ilrs_fsw_command()). Each app has
 * its own configuration struct (copied at create: the caller's may be temporary)
 * and an opaque app object the caller creates before the flight instance and
 * destroys after it:
 *
 *     ilrs_pwr_app_t *pwr;  ilrs_pwr_app_create(&cfg, &pwr);
 *     ilrs_app_def_t def;   ilrs_pwr_app_def(pwr, &def);
 *     ilrs_fsw_add_app(fsw, &def, NULL);   ...   ilrs_fsw_destroy(fsw);
 *     ilrs_pwr_app_destroy(pwr);
 *
 * The app object holds the configuration and the app's state; the definition's
 * context points at it, so the definition may be copied freely. The hal a
 * configuration names is borrowed and must outlive the flight instance.
 * Device names are hal device names (ilrs_hal_find()), resolved at the app's init.
 * Commands, telemetry, events and requirements: docs/apps.md.
 *
 * Depends on base, dict, fsw and hal. Thread safety: none (the flight core is
 * single-threaded).
 */
#ifndef ILRS_APPS_H
#define ILRS_APPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ilrs/base.h>
#include <ilrs/fsw.h>
#include <ilrs/hal.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Device and item names in app configurations (hal names fit). */
#define ILRS_APPS_NAME_MAX 32

/* ========================================================================= */
/* POWER (PWR): load lines, load shedding, night survival, charge control      */
/* ========================================================================= */

#define ILRS_PWR_MAX_LINES 16   /**< load lines the app controls */
#define ILRS_PWR_MAX_LEVELS 4   /**< shedding levels */
#define ILRS_PWR_MAX_SENSORS 8  /**< SOC gauges / source power sensors */

/** One load line (a hal switch). */
typedef struct ilrs_pwr_line_config {
    char name[ILRS_APPS_NAME_MAX];           /**< hal switch, e.g. "line.payload1" */
    char current_sensor[ILRS_APPS_NAME_MAX]; /**< hal sensor of its current (A), "" = none */
    uint8_t shed_level; /**< 0: never shed; k (1..level_count): shed from level k on */
    bool survival;      /**< kept on in night survival */
    bool enabled;       /**< wanted on at start (SetLoadLine changes it) */
} ilrs_pwr_line_config_t;

/** POWER configuration. */
typedef struct ilrs_pwr_config {
    ilrs_hal_t *hal; /**< borrowed */
    /** Battery SOC gauges (hal sensors, fraction 0..1); the app uses their mean. */
    char soc_sensors[ILRS_PWR_MAX_SENSORS][ILRS_APPS_NAME_MAX];
    size_t soc_sensor_count;
    /** Source power sensors (W): arrays, RTGs; their sum is the bus power in. */
    char source_sensors[ILRS_PWR_MAX_SENSORS][ILRS_APPS_NAME_MAX];
    size_t source_sensor_count;
    char bus_voltage_sensor[ILRS_APPS_NAME_MAX]; /**< V; "" = 28 V nominal assumed */
    ilrs_pwr_line_config_t lines[ILRS_PWR_MAX_LINES];
    size_t line_count;
    /**
     * Shedding: level k+1 is entered when the SOC stays below shed_soc[k] for
     * @c persistence samples (strictly descending thresholds), left when the SOC
     * rises above shed_soc[k] + restore_hysteresis. Initial values (the SetShedThresholds
     * command changes them).
     */
    double shed_soc[ILRS_PWR_MAX_LEVELS];
    size_t level_count;
    double restore_hysteresis; /**< fraction of SOC, > 0 */
    uint32_t persistence;      /**< samples (0 = 1) */
    /** Charge control: optional hal switch of the charge regulator ("" = none). */
    char charge_switch[ILRS_APPS_NAME_MAX];
    double soc_max;           /**< charging stops at or above it (0 = 0.95) */
    double charge_hysteresis; /**< resumes below soc_max - this (0 = 0.05) */
    double rate_hz;           /**< step rate (0 = 1 Hz) */
    uint16_t apid;            /**< 0 = assigned by the flight instance */
} ilrs_pwr_config_t;

/** POWER state for hosts and tests (the same values as its HK telemetry). */
typedef struct ilrs_pwr_status {
    double soc;            /**< mean of the valid gauges (NaN if none valid) */
    double power_in_w;     /**< sum of the source sensors */
    double power_out_w;    /**< sum of line currents x bus voltage */
    uint32_t shed_level;   /**< 0 = nothing shed */
    bool survival;         /**< night survival active */
    bool charging;         /**< charge switch closed (true without one) */
    uint32_t line_on_mask; /**< bit i: line i commanded on by the app */
    uint32_t line_enabled_mask; /**< bit i: wanted on (SetLoadLine) */
    uint32_t line_tripped_mask; /**< bit i: read back tripped */
    uint32_t sheds, restores, cycles, trips;
} ilrs_pwr_status_t;

typedef struct ilrs_pwr_app ilrs_pwr_app_t;

/**
 * @brief Create the POWER app object from @p cfg (copied).
 * @return 0, ILRS_EINVAL (NULL, no hal, counts above the maxima, thresholds not
 *         descending in (0, 1), hysteresis not positive, shed level above
 *         level_count, more than 32 lines), ILRS_ENOMEM.
 */
int ilrs_pwr_app_create(const ilrs_pwr_config_t *cfg, ilrs_pwr_app_t **out);
/** @brief Free (after the flight instance that ran it). Accepts NULL. */
void ilrs_pwr_app_destroy(ilrs_pwr_app_t *app);
/** @brief The app definition "POWER" (context = @p app). */
void ilrs_pwr_app_def(ilrs_pwr_app_t *app, ilrs_app_def_t *def);
/** @brief Current status. */
void ilrs_pwr_app_status(const ilrs_pwr_app_t *app, ilrs_pwr_status_t *out);

/* ========================================================================= */
/* THERMAL (THM): thermostats per zone, survival heaters, heater failures       */
/* ========================================================================= */

#define ILRS_THM_MAX_ZONES 16

/** One thermal zone: a temperature sensor and a heater switch. */
typedef struct ilrs_thm_zone_config {
    char name[ILRS_APPS_NAME_MAX];   /**< zone name (telemetry field prefix), [a-z0-9_] */
    char sensor[ILRS_APPS_NAME_MAX]; /**< hal sensor (K) */
    char heater[ILRS_APPS_NAME_MAX]; /**< hal switch */
    bool survival;                   /**< a survival heater: kept in survival mode */
    double on_k, off_k;              /**< nominal set points (table defaults), on < off */
    double survival_on_k, survival_off_k; /**< survival set points */
} ilrs_thm_zone_config_t;

/** THERMAL configuration. */
typedef struct ilrs_thm_config {
    ilrs_hal_t *hal;
    ilrs_thm_zone_config_t zones[ILRS_THM_MAX_ZONES];
    size_t zone_count;
    /**
     * Heater failure. If the hal has a sensor "<heater>.current" (A), a heater
     * whose switch is on but which draws under 0.03 A for 10 consecutive samples
     * is failed (open element). Otherwise a trend check: a heater on for
     * fail_window_s whose zone warmed less than fail_min_rise_k over what its
     * cooling rate just before switch-on predicts is failed. Failed heaters are
     * switched off, counted and reported until ThmResetHeater.
     */
    double fail_window_s;   /**< 0 = 3600 s */
    double fail_min_rise_k; /**< 0 = 0.5 K */
    double rate_hz;         /**< 0 = 1 Hz */
    uint16_t apid;
} ilrs_thm_config_t;

/** One zone's state. */
typedef struct ilrs_thm_zone_status {
    double temp_k;     /**< last valid reading */
    bool heater_on;    /**< commanded */
    bool failed;       /**< heater declared failed */
    bool sensor_valid;
    uint32_t cycles;   /**< off -> on transitions */
} ilrs_thm_zone_status_t;

typedef struct ilrs_thm_app ilrs_thm_app_t;

/** @brief Create (config copied). @return 0, ILRS_EINVAL (set points, counts), ILRS_ENOMEM. */
int ilrs_thm_app_create(const ilrs_thm_config_t *cfg, ilrs_thm_app_t **out);
/** @brief Free (after the flight instance that ran it). Accepts NULL. */
void ilrs_thm_app_destroy(ilrs_thm_app_t *app);
/** @brief The app definition "THERMAL"; its set points live in table THM_SETPOINTS. */
void ilrs_thm_app_def(ilrs_thm_app_t *app, ilrs_app_def_t *def);
/** @brief Zone @p zone's state. @return 0, ILRS_ERANGE. */
int ilrs_thm_app_zone(const ilrs_thm_app_t *app, size_t zone, ilrs_thm_zone_status_t *out);
/** @brief Whether survival set points are in force. */
bool ilrs_thm_app_survival(const ilrs_thm_app_t *app);

/* ========================================================================= */
/* PAYLOAD HOST (PLD): partners' instruments from their manifests              */
/* ========================================================================= */

#define ILRS_PLD_MAX_PAYLOADS 16
#define ILRS_PLD_MAX_MODES 8

/** A partner's payload manifest. */
typedef struct ilrs_pld_manifest {
    char id[ILRS_APPS_NAME_MAX];    /**< [A-Za-z][A-Za-z0-9_]*; hal payload port name */
    char owner[ILRS_APPS_NAME_MAX]; /**< partner id ("cnsa", "esa"...) */
    char owner_name[64];            /**< partner display name (added to the dictionary if new) */
    char line[ILRS_APPS_NAME_MAX];  /**< POWER line feeding it (power cycles go there) */
    char temp_sensor[ILRS_APPS_NAME_MAX]; /**< hal sensor (K) for its limits; "" = none */
    uint16_t apid;                  /**< its status packet's APID (unique) */
    uint32_t mode_count;            /**< modes 0 (standby) .. mode_count-1, 2..8 */
    double power_w[ILRS_PLD_MAX_MODES]; /**< per mode (power budget) */
    uint32_t science_mode;          /**< mode used when the host switches it on */
    double data_rate_bps;           /**< expected while producing */
    double duty_cycle;              /**< 0..1 (1 = always on when allowed) */
    double duty_period_s;           /**< > 0 when duty_cycle < 1 */
    bool needs_sun, needs_earth, night_only;
    double temp_min_k, temp_max_k;  /**< operating limits (both 0 = none) */
    uint8_t priority;               /**< 1 highest; power budget served by priority */
} ilrs_pld_manifest_t;

/** PAYLOAD HOST configuration. */
typedef struct ilrs_pld_config {
    ilrs_hal_t *hal;
    ilrs_pld_manifest_t payloads[ILRS_PLD_MAX_PAYLOADS];
    size_t payload_count;
    char sun_sensor[ILRS_APPS_NAME_MAX]; /**< W sensor (array power); "" = always day */
    double sun_threshold_w;              /**< day when above */
    char earth_radio[ILRS_APPS_NAME_MAX]; /**< hal radio to Earth; "" = always visible */
    double power_budget_w;  /**< total payload power allowed (0 = unlimited) */
    double hang_timeout_s;  /**< no data while producing for this long = hang (0 = 120 s) */
    double cycle_off_s;     /**< power-cycle off time asked of POWER (0 = 5 s) */
    double rate_hz;         /**< 0 = 1 Hz */
    uint16_t apid;
    /**
     * APID of the PLD_DATA packet (0 = none): one per payload and step with new
     * data (payload, owner, priority, bytes), what STORAGE files per partner.
     */
    uint16_t data_apid;
} ilrs_pld_config_t;

/** One payload's state. */
typedef struct ilrs_pld_status {
    bool enabled;       /**< allowed by the ground / mode manager */
    bool on;            /**< host wants it producing now (constraints and duty met) */
    uint32_t mode;      /**< commanded mode */
    uint32_t reported_mode;
    uint64_t bytes;     /**< produced so far */
    uint32_t hangs;     /**< hangs detected */
    uint32_t inhibits;  /**< switch-offs by a constraint */
} ilrs_pld_status_t;

typedef struct ilrs_pld_app ilrs_pld_app_t;

/** @brief Create. @return 0, ILRS_EINVAL (manifest field named in the log), ILRS_ENOMEM. */
int ilrs_pld_app_create(const ilrs_pld_config_t *cfg, ilrs_pld_app_t **out);
/** @brief Free (after the flight instance that ran it). Accepts NULL. */
void ilrs_pld_app_destroy(ilrs_pld_app_t *app);
/** @brief The app definition "PAYLOAD". */
void ilrs_pld_app_def(ilrs_pld_app_t *app, ilrs_app_def_t *def);
/**
 * @brief Add a payload at run time (after start): registers its partner, its
 *        status packet and its mode command in the dictionary and starts hosting it.
 *        The manifest's id must name a hal payload port.
 * @return 0, ILRS_EINVAL, ILRS_ELIMIT, ILRS_ENOTFOUND (no such port), a dictionary error.
 */
int ilrs_pld_app_add(ilrs_pld_app_t *app, const ilrs_pld_manifest_t *manifest);
/** @brief Payload @p index state. @return 0, ILRS_ERANGE. */
int ilrs_pld_app_payload(const ilrs_pld_app_t *app, size_t index, ilrs_pld_status_t *out);
/** @brief Bytes produced by @p owner's payloads so far (0 for an unknown owner). */
uint64_t ilrs_pld_app_partner_bytes(const ilrs_pld_app_t *app, const char *owner);

/* ========================================================================= */
/* MODE manager (MODE)                                                          */
/* ========================================================================= */

/** Station modes. */
typedef enum ilrs_mode {
    ILRS_MODE_NOMINAL = 0,
    ILRS_MODE_POWER_SAFE = 1,
    ILRS_MODE_NIGHT_SURVIVAL = 2,
    ILRS_MODE_SAFE = 3,
    ILRS_MODE_COUNT = 4
} ilrs_mode_t;

/** What entering a mode does. */
typedef struct ilrs_mode_entry {
    uint32_t line_mask;   /**< POWER lines enabled in this mode (bit i = line i) */
    bool survival;        /**< POWER and THERMAL survival */
    bool payloads;        /**< PAYLOAD hosting enabled */
} ilrs_mode_entry_t;

/** MODE configuration. */
typedef struct ilrs_mode_config {
    ilrs_mode_entry_t entry[ILRS_MODE_COUNT];
    ilrs_mode_t initial;
    /**
     * Automatic transitions on POWER events (from the event packets on the bus):
     * a POWER shed to level >= power_safe_level enters POWER_SAFE from NOMINAL;
     * a return to level 0 goes back to NOMINAL from POWER_SAFE (0 = never).
     */
    uint32_t power_safe_level;
    bool auto_restore; /**< return to NOMINAL when POWER restores level 0 */
    bool has_power, has_thermal, has_payload; /**< which apps to command */
    uint16_t apid;
} ilrs_mode_config_t;

typedef struct ilrs_mode_app ilrs_mode_app_t;

/** @brief Create (config copied). @return 0, ILRS_EINVAL (initial mode), ILRS_ENOMEM. */
int ilrs_mode_app_create(const ilrs_mode_config_t *cfg, ilrs_mode_app_t **out);
/** @brief Free (after the flight instance that ran it). Accepts NULL. */
void ilrs_mode_app_destroy(ilrs_mode_app_t *app);
/** @brief The app definition "MODE". */
void ilrs_mode_app_def(ilrs_mode_app_t *app, ilrs_app_def_t *def);
/** @brief The current mode. */
ilrs_mode_t ilrs_mode_app_current(const ilrs_mode_app_t *app);
/** @brief Transitions so far. */
uint32_t ilrs_mode_app_transitions(const ilrs_mode_app_t *app);
/** @brief "NOMINAL", "POWER_SAFE", "NIGHT_SURVIVAL", "SAFE" or "?". */
const char *ilrs_mode_name(ilrs_mode_t mode);


/* ========================================================================= */
/* STORED COMMANDS (SC): relative- and absolute-time sequences                  */
/* ========================================================================= */

#define ILRS_SC_MAX_RTS 16       /**< relative-time sequences, numbered 1..16 */
#define ILRS_SC_MAX_CMDS 32      /**< commands per RTS */
#define ILRS_SC_MAX_ATS_CMDS 128 /**< commands in the absolute-time sequence */
#define ILRS_SC_CMD_MAX 256      /**< longest command packet, octets */

/** One stored command: when, and the packet (built and checked against the dictionary). */
typedef struct ilrs_sc_command {
    int64_t time;  /**< RTS: ns after the previous command; ATS: onboard TAI (ns since 1958) */
    uint16_t len;
    uint8_t packet[ILRS_SC_CMD_MAX];
    uint32_t line; /**< source line, for events */
} ilrs_sc_command_t;

/** A parsed sequence file: RTS and/or ATS sections. */
typedef struct ilrs_sc_program {
    ilrs_sc_command_t rts[ILRS_SC_MAX_RTS][ILRS_SC_MAX_CMDS];
    uint32_t rts_count[ILRS_SC_MAX_RTS];
    bool rts_loaded[ILRS_SC_MAX_RTS];
    ilrs_sc_command_t ats[ILRS_SC_MAX_ATS_CMDS];
    uint32_t ats_count;
    bool ats_loaded;
} ilrs_sc_program_t;

/**
 * @brief Parse the stored-command text format (docs/apps.md, "SC file format"):
 *
 *     # comment
 *     rts 3                          # section: relative-time sequence 3 (1..16)
 *     0    PwrSetLoadLine line.isru false   # delay s after the previous command
 *     2.5  ModeSet POWER_SAFE
 *     ats                            # section: the absolute-time sequence
 *     2030-01-01T00:10:00Z ModeSet SAFE     # ISO-8601 UTC, ascending
 *
 * Each command line is a time, a command name from @p dict and its arguments as
 * a user types them (double quotes around an argument with spaces); the packet
 * is built and checked against the dictionary now. Sections replace the
 * matching sequence of @p out only if the whole text parses.
 * @param[in] text not necessarily NUL-terminated (borrowed).
 * @param[out] error "line N: what" on failure (may be NULL).
 * @return 0, ILRS_EFORMAT (syntax, unknown section, time), ILRS_ENOENT (unknown
 *         command), ILRS_EFSW_ARG (arguments), ILRS_ELIMIT (too many commands),
 *         ILRS_ERANGE (RTS number, ATS times not ascending), ILRS_EINVAL.
 */
int ilrs_sc_parse(const char *text, size_t len, ilrs_dict_t *dict, ilrs_sc_program_t *out,
                  char *error, size_t error_cap);

/** SC configuration. */
typedef struct ilrs_sc_config {
    /** Sequence text loaded at the first step (borrowed until create returns: copied). */
    const char *text;
    uint16_t apid;
} ilrs_sc_config_t;

/** SC counters. */
typedef struct ilrs_sc_status {
    uint32_t rts_started, rts_completed, cmds_sent, cmds_failed, ats_sent, loads, load_errors;
    uint32_t rts_active_mask; /**< bit n-1: RTS n running */
    bool ats_running;
} ilrs_sc_status_t;

typedef struct ilrs_sc_app ilrs_sc_app_t;

/** @brief Create (text copied). @return 0, ILRS_EINVAL, ILRS_ENOMEM. */
int ilrs_sc_app_create(const ilrs_sc_config_t *cfg, ilrs_sc_app_t **out);
/** @brief Free (after the flight instance that ran it). Accepts NULL. */
void ilrs_sc_app_destroy(ilrs_sc_app_t *app);
/** @brief The app definition "SC" (10 Hz). */
void ilrs_sc_app_def(ilrs_sc_app_t *app, ilrs_app_def_t *def);
/** @brief SC counters (the same values as its HK). */
void ilrs_sc_app_status(const ilrs_sc_app_t *app, ilrs_sc_status_t *out);

/* ========================================================================= */
/* LIMIT CHECKER (LC): watchpoints and actionpoints                             */
/* ========================================================================= */

#define ILRS_LC_MAX_WP 32
#define ILRS_LC_MAX_AP 16
#define ILRS_LC_RPN_MAX 16

/** Watchpoint comparisons (engineering value OP threshold). */
typedef enum ilrs_lc_op {
    ILRS_LC_LT = 0, ILRS_LC_LE, ILRS_LC_GT, ILRS_LC_GE, ILRS_LC_EQ, ILRS_LC_NE
} ilrs_lc_op_t;

/** A watchpoint on one telemetry field, by packet APID and field name. */
typedef struct ilrs_lc_watchpoint {
    uint16_t apid;                   /**< telemetry packet (looked up in the dictionary) */
    char field[ILRS_APPS_NAME_MAX];  /**< field name in that packet */
    ilrs_lc_op_t op;
    double value;
    uint32_t persistence;            /**< consecutive true samples before it is true (0 = 1) */
} ilrs_lc_watchpoint_t;

/* RPN operators for actionpoints (tokens >= 0 are watchpoint indices). */
#define ILRS_LC_RPN_AND (-1)
#define ILRS_LC_RPN_OR (-2)
#define ILRS_LC_RPN_XOR (-3)
#define ILRS_LC_RPN_NOT (-4)
#define ILRS_LC_RPN_EQUAL (-5)

/** Actionpoint states (cFS LC). */
typedef enum ilrs_lc_ap_state {
    ILRS_LC_AP_ACTIVE = 0,   /**< evaluated; fires its RTS */
    ILRS_LC_AP_PASSIVE = 1,  /**< evaluated; fires an event only */
    ILRS_LC_AP_DISABLED = 2, /**< not evaluated */
} ilrs_lc_ap_state_t;

/** An actionpoint: an RPN expression over watchpoint results starting an RTS. */
typedef struct ilrs_lc_actionpoint {
    int16_t rpn[ILRS_LC_RPN_MAX];
    size_t rpn_count;
    uint32_t persistence; /**< consecutive true evaluations before it fires (0 = 1) */
    uint8_t rts;          /**< RTS started (ScStartRts) when it fires, 1..16 */
    ilrs_lc_ap_state_t state;
    char name[ILRS_APPS_NAME_MAX]; /**< for events */
} ilrs_lc_actionpoint_t;

/** LC configuration. */
typedef struct ilrs_lc_config {
    ilrs_lc_watchpoint_t wp[ILRS_LC_MAX_WP];
    size_t wp_count;
    ilrs_lc_actionpoint_t ap[ILRS_LC_MAX_AP];
    size_t ap_count;
    uint16_t apid;
} ilrs_lc_config_t;

/** Result of a watchpoint or actionpoint. */
typedef enum ilrs_lc_result {
    ILRS_LC_STALE = 0, /**< not measured yet */
    ILRS_LC_FALSE = 1,
    ILRS_LC_TRUE = 2,
    ILRS_LC_ERROR = 3, /**< packet or field unknown, or expression error */
} ilrs_lc_result_t;

typedef struct ilrs_lc_app ilrs_lc_app_t;

/**
 * @brief Create. @return 0, ILRS_EINVAL (counts, operator, RPN that does not
 *        reduce to one value or names a missing watchpoint, RTS outside 1..16), ILRS_ENOMEM.
 */
int ilrs_lc_app_create(const ilrs_lc_config_t *cfg, ilrs_lc_app_t **out);
/** @brief Free (after the flight instance that ran it). Accepts NULL. */
void ilrs_lc_app_destroy(ilrs_lc_app_t *app);
/** @brief The app definition "LC" (1 Hz; watchpoints are evaluated on every packet). */
void ilrs_lc_app_def(ilrs_lc_app_t *app, ilrs_app_def_t *def);
/** @brief Result of watchpoint / actionpoint @p index (ILRS_LC_ERROR for a bad index). */
ilrs_lc_result_t ilrs_lc_app_wp_result(const ilrs_lc_app_t *app, size_t wp);
ilrs_lc_result_t ilrs_lc_app_ap_result(const ilrs_lc_app_t *app, size_t ap);
/** @brief Times actionpoint @p ap fired. */
uint32_t ilrs_lc_app_ap_fired(const ilrs_lc_app_t *app, size_t ap);

/* ========================================================================= */
/* STORAGE (STO): mass storage accounting per partner / virtual channel         */
/* ========================================================================= */

#define ILRS_STO_MAX_CHANNELS 32

/** One virtual channel of the mass storage. */
typedef struct ilrs_sto_channel_config {
    char name[24];                  /**< [A-Za-z][A-Za-z0-9_]* (telemetry field prefix) */
    char owner[ILRS_APPS_NAME_MAX]; /**< partner whose data it holds; "" = the default channel */
    uint8_t priority;               /**< 1 highest: played back first, dropped last */
    /**
     * Payload whose PLD_DATA records this channel files ("" = every record of
     * @c owner): a record goes to the channel of its payload first, then to its
     * owner's channel, then to the default channel.
     */
    char payload[ILRS_APPS_NAME_MAX];
    /**
     * STORAGE reads the hal payload port @c payload itself each step (data that
     * does not pass through the payload host, e.g. a rover's over its proximity link).
     */
    bool read_port;
} ilrs_sto_channel_config_t;

/** STORAGE configuration. */
typedef struct ilrs_sto_config {
    ilrs_hal_t *hal;
    char storage[ILRS_APPS_NAME_MAX]; /**< hal storage unit name */
    ilrs_sto_channel_config_t channels[ILRS_STO_MAX_CHANNELS];
    size_t channel_count;
    uint16_t data_apid; /**< PLD_DATA packets to file (the payload host's data_apid) */
    /**
     * Nonzero: every played-back chunk starts with a virtual-channel header, this
     * marker then the channel index (two 32-bit words, host order), so whatever
     * receives the radio's octets can attribute them to their channel (a chunk
     * shorter than the header is padded). 0: the chunks are zero octets.
     */
    uint32_t playback_marker;
    double rate_hz;     /**< 0 = 1 Hz */
    uint16_t apid;
} ilrs_sto_config_t;

/** One channel's accounting (bytes): written + refused = produced; dropped + refused = lost. */
typedef struct ilrs_sto_channel_status {
    uint64_t stored;  /**< held now */
    uint64_t written; /**< filed so far */
    uint64_t dropped; /**< released by the full-storage policy to make room */
    uint64_t refused; /**< could not be filed (nothing of lower priority left to drop) */
    uint64_t played;  /**< played back (downlinked) */
} ilrs_sto_channel_status_t;

typedef struct ilrs_sto_app ilrs_sto_app_t;

/**
 * @brief Create (config copied). @return 0, ILRS_EINVAL (no hal or storage name,
 *        channels 1..32 with valid names, priority >= 1, one channel per owner and
 *        payload, read_port without a payload), ILRS_ENOMEM.
 */
int ilrs_sto_app_create(const ilrs_sto_config_t *cfg, ilrs_sto_app_t **out);
/** @brief Free (after the flight instance that ran it). Accepts NULL. */
void ilrs_sto_app_destroy(ilrs_sto_app_t *app);
/** @brief The app definition "STORAGE". */
void ilrs_sto_app_def(ilrs_sto_app_t *app, ilrs_app_def_t *def);
/** @brief Channel @p i's accounting. @return 0, ILRS_ERANGE. */
int ilrs_sto_app_channel(const ilrs_sto_app_t *app, size_t i, ilrs_sto_channel_status_t *out);

/* ========================================================================= */
/* COMM (COM): contacts, link selection, downlink by priority                   */
/* ========================================================================= */

#define ILRS_COM_MAX_RADIOS 4
#define ILRS_COM_MAX_WINDOWS 128
#define ILRS_COM_MAX_RT 32

/** A radio the app may use. */
typedef struct ilrs_com_radio_config {
    char name[ILRS_APPS_NAME_MAX]; /**< hal radio */
    bool direct_to_earth;          /**< else a relay */
    /**
     * hal switch of the radio's power line ("" = none known): while it is off the
     * radio is not expected to have link (no outage), and an outage asks POWER
     * to power-cycle it (PwrCycleLine, cycle_off_s).
     */
    char line[ILRS_APPS_NAME_MAX];
} ilrs_com_radio_config_t;

/** A predicted contact window of one radio (onboard TAI). */
typedef struct ilrs_com_window {
    ilrs_tai_t start, end;
    uint8_t radio; /**< index in the radio list */
} ilrs_com_window_t;

#define ILRS_COM_MAX_GROUNDS 16   /**< ground stations of the onboard DTE prediction */
#define ILRS_COM_MASK_BINS 1440   /**< horizon mask bins (0.25 deg of azimuth) */

/** A ground station, as the onboard direct-to-Earth prediction sees it. */
typedef struct ilrs_com_ground {
    double lat_deg, lon_deg; /**< WGS84 geodetic latitude, east longitude */
    double height_m;         /**< above the ellipsoid */
    double min_el_deg;       /**< the station's lowest elevation for the Moon */
} ilrs_com_ground_t;

/** A relay's orbit for the onboard prediction: an orbit determination (state) uploaded. */
typedef struct ilrs_com_relay_state {
    ilrs_tai_t epoch;             /**< onboard TAI of the state (0: none) */
    double r_m[3], v_m_s[3];      /**< Moon-centred, ICRF axes */
} ilrs_com_relay_state_t;

/**
 * Onboard direct-to-Earth contact prediction (docs/apps.md, "COMM"): the site
 * sees a ground station above its terrain horizon and the station sees the
 * site above its minimum elevation (ERFA eraMoon98, the IAU/WGCCRE lunar
 * rotation, the Earth rotation angle). The windows are computed on board,
 * ahead_s ahead, at step_s samples refined to 1 s, and apply to every
 * direct_to_earth radio.
 */
typedef struct ilrs_com_predict_config {
    bool enabled;
    double lat_deg, lon_deg; /**< site, selenographic (mean-Earth frame), deg */
    double height_m;         /**< above the mean radius (1737.4 km) */
    /** Terrain horizon elevation (deg) at azimuth i*360/BINS from north through east. */
    float mask_deg[ILRS_COM_MASK_BINS];
    ilrs_com_ground_t grounds[ILRS_COM_MAX_GROUNDS];
    size_t ground_count;
    double ahead_s; /**< prediction horizon (0 = 2 days); re-predicted each half */
    double step_s;  /**< sampling step (0 = 60 s) */
    /**
     * Margin (0 = 120 s): link selection takes a predicted window widened by it
     * at both ends, the outage FDIR expects the link only inside it narrowed by
     * it, so the prediction's error makes neither a missed contact nor a false
     * outage.
     */
    double guard_s;
    /**
     * Relay orbits, by radio index (a relay radio with a state gets its windows
     * predicted on board: two-body + lunar J2 secular drift; ComSetRelayOrbit
     * replaces a state).
     */
    ilrs_com_relay_state_t relay[ILRS_COM_MAX_RADIOS];
} ilrs_com_predict_config_t;

/** COMM configuration. */
typedef struct ilrs_com_config {
    ilrs_hal_t *hal;
    ilrs_com_radio_config_t radios[ILRS_COM_MAX_RADIOS];
    size_t radio_count;
    /**
     * Contact windows, the onboard contact plan (0: the hal link state alone
     * decides). Ended windows are reused by ComAddWindow, so the ground keeps the
     * plan ahead of the station with uploads.
     */
    ilrs_com_window_t windows[ILRS_COM_MAX_WINDOWS];
    size_t window_count;
    bool prefer_relay; /**< default: direct-to-Earth first when both are available */
    /** Real-time telemetry (APIDs) sent first on the selected link. */
    uint16_t rt_apids[ILRS_COM_MAX_RT];
    size_t rt_count;
    /** Also take every app's HK packet and the event packets (subscribed at init). */
    bool tm_all_apps;
    /** Output filter: at most one packet per APID per interval, every event packet (0 = all). */
    uint32_t tm_interval_s;
    /**
     * Telemetry recorder, bytes allocated at create (0 = none: telemetry without
     * a link is dropped and counted). With it, telemetry is kept in arrival order
     * while no link closes and goes out first at the next contact; when it is
     * full, new packets are dropped and counted.
     */
    size_t tm_buffer_bytes;
    bool playback;     /**< ask STORAGE (StoDownlink) to fill the spare capacity */
    double fill_limit; /**< keep the radio queue under this fraction (0 = 0.5) */
    double cycle_off_s; /**< off time of the power cycle on an outage (0 = 10 s) */
    double rate_hz;    /**< 0 = 1 Hz */
    uint16_t apid;
    /**
     * Onboard DTE prediction. Its windows and the table's (config and
     * ComAddWindow) are merged: a radio is in contact in either.
     */
    ilrs_com_predict_config_t predict;
} ilrs_com_config_t;

/** COMM state. */
typedef struct ilrs_com_status {
    int selected;          /**< radio index, -1 = no link */
    double rate_bps;
    uint64_t queued_bytes;
    uint64_t rt_bytes, rt_dropped, playback_requested;
    double next_contact_s; /**< 0 in contact, -1 none predicted */
    uint32_t switches;
    uint64_t tm_packets_dropped; /**< telemetry packets dropped (rt_dropped counts their octets) */
    uint32_t outages;       /**< radio outages detected */
    uint32_t power_cycles;  /**< power cycles requested for radios in outage */
    uint32_t predicted_windows; /**< DTE windows predicted on board so far */
    uint32_t predictions;       /**< prediction runs (one per half horizon) */
} ilrs_com_status_t;

typedef struct ilrs_com_app ilrs_com_app_t;

/** @brief Create. @return 0, ILRS_EINVAL (radios 1..4, windows with end <= start or bad radio), ILRS_ENOMEM. */
int ilrs_com_app_create(const ilrs_com_config_t *cfg, ilrs_com_app_t **out);
/** @brief Free (after the flight instance that ran it). Accepts NULL. */
void ilrs_com_app_destroy(ilrs_com_app_t *app);
/** @brief The app definition "COMM". */
void ilrs_com_app_def(ilrs_com_app_t *app, ilrs_app_def_t *def);
/** @brief COMM state (the same values as its HK). */
void ilrs_com_app_status(const ilrs_com_app_t *app, ilrs_com_status_t *out);

/* ========================================================================= */
/* HEALTH AND SAFETY (HS): app watchdogs, CPU, event-triggered actions           */
/* ========================================================================= */

#define ILRS_HS_MAX_APPS 16
#define ILRS_HS_MAX_ACTIONS 16

/** An app watched for steps. */
typedef struct ilrs_hs_watch {
    char app[ILRS_APP_NAME_MAX];
    double max_silent_s;   /**< no step for longer: restart (> the app's period) */
    uint32_t max_restarts; /**< then give up with a critical event (0 = 3) */
} ilrs_hs_watch_t;

/** An event that starts an RTS. */
typedef struct ilrs_hs_action {
    char app[ILRS_APP_NAME_MAX];
    uint16_t event_id;
    uint8_t rts; /**< 1..16 */
} ilrs_hs_action_t;

/** HS configuration. */
typedef struct ilrs_hs_config {
    ilrs_hs_watch_t watch[ILRS_HS_MAX_APPS];
    size_t watch_count;
    ilrs_hs_action_t actions[ILRS_HS_MAX_ACTIONS];
    size_t action_count;
    /** Wall-clock mode only: CPU use (sum of step times / elapsed) above it is an event. */
    double cpu_limit_pct;
    uint16_t apid;
} ilrs_hs_config_t;

typedef struct ilrs_hs_status {
    uint32_t restarts, giveups, actions_fired;
    double cpu_pct;    /**< 0 on virtual time (timing never feeds flight behaviour there) */
    uint64_t overruns; /**< 0 on virtual time */
} ilrs_hs_status_t;

typedef struct ilrs_hs_app ilrs_hs_app_t;

/**
 * @brief Create (config copied). @return 0, ILRS_EINVAL (counts, empty app name,
 *        max_silent_s not positive, RTS outside 1..16), ILRS_ENOMEM.
 */
int ilrs_hs_app_create(const ilrs_hs_config_t *cfg, ilrs_hs_app_t **out);
/** @brief Free (after the flight instance that ran it). Accepts NULL. */
void ilrs_hs_app_destroy(ilrs_hs_app_t *app);
/** @brief The app definition "HS". */
void ilrs_hs_app_def(ilrs_hs_app_t *app, ilrs_app_def_t *def);
/** @brief HS counters (the same values as its HK). */
void ilrs_hs_app_status(const ilrs_hs_app_t *app, ilrs_hs_status_t *out);

/* ========================================================================= */
/* The station's app set                                                        */
/* ========================================================================= */

/** Configuration of every station app. */
typedef struct ilrs_apps_station_config {
    ilrs_pwr_config_t power;
    ilrs_thm_config_t thermal;
    ilrs_pld_config_t payload;
    ilrs_mode_config_t mode;
    ilrs_sto_config_t storage;
    ilrs_com_config_t comm;
    ilrs_hs_config_t hs;
    ilrs_lc_config_t lc;
    ilrs_sc_config_t sc;
} ilrs_apps_station_config_t;

/** The app objects of one station (owned; NULL where not created). */
typedef struct ilrs_apps_station {
    ilrs_pwr_app_t *power;
    ilrs_thm_app_t *thermal;
    ilrs_pld_app_t *payload;
    ilrs_mode_app_t *mode;
    ilrs_sto_app_t *storage;
    ilrs_com_app_t *comm;
    ilrs_hs_app_t *hs;
    ilrs_lc_app_t *lc;
    ilrs_sc_app_t *sc;
} ilrs_apps_station_t;

/** Fixed APIDs of the station apps in the reference configuration. */
#define ILRS_APPS_APID_POWER 0x120u
#define ILRS_APPS_APID_THERMAL 0x121u
#define ILRS_APPS_APID_PAYLOAD 0x122u
#define ILRS_APPS_APID_MODE 0x123u
#define ILRS_APPS_APID_STORAGE 0x124u
#define ILRS_APPS_APID_COMM 0x125u
#define ILRS_APPS_APID_HS 0x126u
#define ILRS_APPS_APID_LC 0x127u
#define ILRS_APPS_APID_SC 0x128u
#define ILRS_APPS_APID_PLD_DATA 0x12Fu
#define ILRS_APPS_APID_PAYLOAD_BASE 0x300u /**< payload i's status packet: base + i */

/**
 * @brief Fill @p cfg for the hardware of the twin's reference station
 *        (ilrs_hw_reference_init(): device names, loads, heaters, the eight
 *        manifest payloads) with the hal @p hal (borrowed). Thresholds, set
 *        points, owners and sequences are documented in docs/apps.md. A starting
 *        point: a scenario overrides what it needs.
 */
void ilrs_apps_reference_config(ilrs_hal_t *hal, ilrs_apps_station_config_t *cfg);

/**
 * @brief Create every app of @p cfg. @p st is filled (all NULL on failure).
 * @return 0 or the first app's create error.
 */
int ilrs_apps_station_create(const ilrs_apps_station_config_t *cfg, ilrs_apps_station_t *st);
/**
 * @brief Add every app to @p fsw (before start), in the order SC, LC, HS, MODE,
 *        POWER, THERMAL, PAYLOAD, STORAGE, COMM. @return 0 or ilrs_fsw_add_app()'s error.
 */
int ilrs_apps_station_add(ilrs_apps_station_t *st, ilrs_fsw_t *fsw);
/** @brief Destroy every app object (after the flight instance). */
void ilrs_apps_station_destroy(ilrs_apps_station_t *st);


/* ========================================================================= */
/* LINK: space link endpoint (cFS TO/CI): TM frames down, TC frames up           */
/* ========================================================================= */

/*
 * Downlink: the app subscribes to the telemetry listed in its routes (APID →
 * virtual channel: 0 real-time HK and events, 1 playback, 2 science), queues the
 * packets on the TM virtual channel multiplexer (ccsds.h, CCSDS 132.0-B-3) and,
 * every step, produces as many fixed-length TM frames as the radio's data rate
 * allows (rate x step period, in whole frames), each with the FARM-1 CLCW in its
 * OCF, handing them to the output callback (a UDP socket in the real-time station,
 * a buffer in tests). When nothing is queued one Only Idle Data frame per step
 * still carries the CLCW (if the rate allows a frame).
 *
 * Uplink: TC frames (CCSDS 232.0-B-4) given to ilrs_link_app_uplink() or pulled
 * from the input callback are decoded (wrong SCID, CRC and format errors counted
 * and reported by event), passed through FARM-1 (232.1-B-2; rejections counted),
 * and the command packets of accepted frames go into ilrs_fsw_command() so they
 * are checked against the dictionary like any command. For each command the app
 * publishes a LINK_CMD_RESPONSE packet (APID response_apid, on VC 0) naming the
 * command's APID, sequence count and function code and the ingest result: the
 * ground uses it to mark the command executed or failed.
 *
 * Wiring in a station process (see docs/space-link.md "Link endpoints"):
 *
 *     ilrs_link_config_t lc = {.scid = 0x1A5, .output = udp_send, .output_user = &sock,
 *                              .input = udp_recv, .input_user = &sock, .rate_bps = 256000};
 *     ilrs_link_reference_routes(&lc);
 *     ilrs_link_app_t *link;  ilrs_link_app_create(&lc, &link);
 *     ilrs_app_def_t def;     ilrs_link_app_def(link, &def);  ilrs_fsw_add_app(fsw, &def, NULL);
 */

#define ILRS_LINK_MAX_ROUTES 64
#define ILRS_LINK_UPLINK_QUEUE 32         /**< TC frames held for the next step */
#define ILRS_LINK_APID_HK 0x129u          /**< LINK_HK in the reference configuration */
#define ILRS_LINK_APID_CMD_RESPONSE 0x12Au /**< default response_apid */
#define ILRS_LINK_DEFAULT_SCID 0x1A5u     /**< ilrs spacecraft ID (docs/space-link.md) */
#define ILRS_LINK_DEFAULT_FRAME_LEN 1115u /**< TM frame octets (CCSDS R-S interleave 5 size) */

/** LINK_CMD_RESPONSE layout (after the 12-octet telemetry header). */
#define ILRS_LINK_RESPONSE_LEN 24u
#define ILRS_LINK_RESPONSE_OFF_APID 12u   /**< U16: the command's APID */
#define ILRS_LINK_RESPONSE_OFF_SEQ 14u    /**< U16: its sequence count */
#define ILRS_LINK_RESPONSE_OFF_FC 16u     /**< U8: its function code (0 if unreadable) */
#define ILRS_LINK_RESPONSE_OFF_RESULT 17u /**< I32: ilrs_fsw_command()'s return code */
#define ILRS_LINK_RESPONSE_OFF_FRAME 21u  /**< U8: N(S) of the TC frame that carried it */
#define ILRS_LINK_RESPONSE_OFF_INDEX 22u  /**< U16: index of the packet in that frame */

/**
 * Frame output: one TM frame of @p len octets (borrowed for the call).
 * Return 0, or a negative ILRS_E code (counted as an output error; the frame is lost).
 */
typedef int (*ilrs_link_output_fn)(void *user, const uint8_t *frame, size_t len);
/**
 * Frame input, polled every step until it returns ILRS_EEMPTY: copy one received
 * TC frame into @p buf (@p cap octets) and set @p len; return 0, or ILRS_EEMPTY.
 */
typedef int (*ilrs_link_input_fn)(void *user, uint8_t *buf, size_t cap, size_t *len);

/** One downlink route: telemetry APID → TM virtual channel (0..6). */
typedef struct ilrs_link_route {
    uint16_t apid;
    uint8_t vc;
} ilrs_link_route_t;

/** LINK configuration. */
typedef struct ilrs_link_config {
    uint16_t scid;       /**< spacecraft ID, 0..1023 (TM and TC) */
    uint16_t frame_len;  /**< TM frame length, 0 = ILRS_LINK_DEFAULT_FRAME_LEN */
    uint8_t tc_vcid;     /**< TC virtual channel served by FARM-1 (0..63) */
    uint8_t farm_window; /**< FARM-1 window W, even 2..254 (0 = 16) */
    ilrs_link_route_t routes[ILRS_LINK_MAX_ROUTES];
    size_t route_count;
    size_t vc_queue_octets; /**< packet queue per VC in use (0 = 65536) */
    /** Downlink rate in bit/s; 0 = unlimited (every queued packet goes each step). */
    double rate_bps;
    /** Optional: take the rate and link state from this hal radio (overrides rate_bps). */
    ilrs_hal_t *hal;
    char radio[ILRS_APPS_NAME_MAX];
    ilrs_link_output_fn output; /**< required */
    void *output_user;
    ilrs_link_input_fn input; /**< optional */
    void *input_user;
    double rate_hz;         /**< step rate (0 = 10 Hz) */
    uint16_t apid;          /**< HK / command APID (0 = assigned) */
    uint16_t response_apid; /**< 0 = ILRS_LINK_APID_CMD_RESPONSE */
} ilrs_link_config_t;

/** LINK counters (the same values as its HK). */
typedef struct ilrs_link_status {
    uint64_t tm_frames, idle_frames, tm_packets, tm_octets;
    uint64_t tm_dropped;      /**< packets refused by a full VC queue */
    uint64_t tm_bad;          /**< subscribed packets failing the CCSDS check */
    uint64_t output_errors;   /**< frames the output callback refused */
    uint64_t rate_limited;    /**< steps that ended with data still queued */
    uint64_t tc_frames;       /**< TC frames received */
    uint64_t tc_crc, tc_scid, tc_format; /**< TC frames rejected by the decoder */
    uint64_t tc_queue_full;   /**< TC frames refused by ilrs_link_app_uplink() */
    uint64_t farm_accepted, farm_rejected, farm_lockouts;
    uint64_t cmd_packets, cmd_accepted, cmd_rejected;
    uint64_t cmd_bad;         /**< data fields not made of whole space packets */
    uint32_t clcw;            /**< the CLCW sent in the last frame */
} ilrs_link_status_t;

typedef struct ilrs_link_app ilrs_link_app_t;

/** @brief Add the reference routes: every station app's HK and events on VC 0,
 *         payload status and PLD_DATA on VC 2. Replaces @p cfg's routes. */
void ilrs_link_reference_routes(ilrs_link_config_t *cfg);
/**
 * @brief Create (config copied).
 * @return 0, ILRS_EINVAL (no output, SCID > 1023, frame length outside 7+6+2..2048,
 *         TC VCID > 63, odd window, route VC > 6 or APID > 2046, too many
 *         routes, negative rate, no radio name with a hal), ILRS_ENOMEM.
 */
int ilrs_link_app_create(const ilrs_link_config_t *cfg, ilrs_link_app_t **out);
/** @brief Free (after the flight instance that ran it). Accepts NULL. */
void ilrs_link_app_destroy(ilrs_link_app_t *app);
/** @brief The app definition "LINK". */
void ilrs_link_app_def(ilrs_link_app_t *app, ilrs_app_def_t *def);
/**
 * @brief Hand one received TC frame (copied) to the app; processed at its next step.
 *        Call it from the thread running the flight instance (between runs); other
 *        threads deliver frames through the @c input callback instead.
 * @return 0, ILRS_EINVAL (NULL, empty, longer than 1024), ILRS_EFULL (queue full: counted).
 */
int ilrs_link_app_uplink(ilrs_link_app_t *app, const uint8_t *frame, size_t len);
/** @brief Counters. */
void ilrs_link_app_status(const ilrs_link_app_t *app, ilrs_link_status_t *out);

#ifdef __cplusplus
}
#endif
#endif /* ILRS_APPS_H */
