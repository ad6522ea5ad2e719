/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file station.h
 * @brief The station run: a scenario played in one process on virtual time.
 *
 * ilrs_station_create() maps a validated scenario (scenario.h) onto the
 * models: the station hardware twin (twin.h "Station hardware"), the lunar
 * environment at the site (ephemeris, horizon mask from the scenario's DEMs,
 * regolith column, relay orbiters, contact windows to the ground stations) and
 * the flight software (fsw.h core apps + the station apps + the downlink app).
 * Anything the mapping cannot represent is refused there with a message naming
 * the scenario key, before any simulated second.
 *
 * ilrs_station_run() is one deterministic discrete-event loop: every second of
 * mission time the environment (sampled on a coarse grid and interpolated) and
 * the hardware twin advance, the flight software runs one major frame (every
 * app of every rate group), injected faults fire, and the space link moves the
 * bytes the radios sent to the ground, which after the light time ingests the
 * telemetry packets and events into the archive. Same scenario + same seed =
 * the same run, byte for byte (docs/station.md).
 *
 * Outputs (when options.out_dir is set): archive.sqlite, events.log,
 * summary.json, dictionary.json, report.html. The library never prints; the
 * text summary is written to a FILE the caller gives.
 *
 * Thread safety: none; one station per thread.
 */
#ifndef ILRS_STATION_H
#define ILRS_STATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ilrs/apps.h>
#include <ilrs/base.h>
#include <ilrs/scenario.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ILRS_STATION_ID_MAX      32  /**< ids in results (scenario ids fit) */
#define ILRS_STATION_VERDICT_MAX 256 /**< the one-line verdict */

typedef struct ilrs_station ilrs_station_t;

/**
 * Real-time space link of a station process (`ilrs station --realtime`,
 * station_realtime.c): the LINK flight app (apps.h) added to the station's flight
 * software, its TM frames handed to @c output and its TC frames pulled from
 * @c input (both called from the thread running ilrs_station_run()).
 */
typedef struct ilrs_station_link {
    ilrs_link_output_fn output; /**< required: one TM frame per call */
    void *output_user;
    ilrs_link_input_fn input; /**< optional: polled every LINK step until ILRS_EEMPTY */
    void *input_user;
    /** false: the link follows the first direct-to-Earth radio of the twin (its rate,
     *  nothing while the geometry or a fault has it down); true: always up at
     *  @c rate_bps (demonstrations, tests). */
    bool always_up;
    double rate_bps; /**< with always_up; 0 = ILRS_STATION_LINK_DEFAULT_BPS */
} ilrs_station_link_t;

#define ILRS_STATION_LINK_DEFAULT_BPS 2.0e6 /**< --link-always downlink rate, bit/s */

/** Progress callback: @p done_s of @p total_s simulated; @p now mission time (TAI). */
typedef void (*ilrs_station_progress_fn)(void *user, double done_s, double total_s, ilrs_tai_t now);

/** Run options. Zero fields take the defaults (ilrs_station_options_default()). */
typedef struct ilrs_station_options {
    double duration_s; /**< 0: the scenario's duration */
    bool has_seed;     /**< true: @c seed replaces the scenario's seed */
    uint64_t seed;
    const char *out_dir;               /**< output directory (created); NULL: no files */
    double env_step_s;                 /**< environment grid, default 60 s */
    double sample_step_s;              /**< report time series step, default 600 s */
    uint32_t hk_interval_s;            /**< housekeeping packet period per app, default 60 s */
    ilrs_station_progress_fn progress; /**< may be NULL */
    void *progress_user;
    double progress_interval_s; /**< simulated seconds between calls, default 1 day */
    /** > 0: pace the loop by the host clock, @c realtime_speed mission seconds per
     *  wall second (station_realtime.c); 0: as fast as possible (deterministic). */
    double realtime_speed;
    /** Optional real-time space link (borrowed; must outlive the station). */
    const ilrs_station_link_t *link;
} ilrs_station_options_t;

/** @brief Fill @p opts with the defaults. */
void ilrs_station_options_default(ilrs_station_options_t *opts);

#define ILRS_STATION_MAX_OCCURRENCES 32 /**< occurrences of one fault kept in the results */

/** One occurrence of a fault (random faults arrive several times). */
typedef struct ilrs_station_fault_occurrence {
    ilrs_tai_t injected_at;
    bool detected;        /**< an FDIR error event named the target after this injection */
    ilrs_tai_t detected_at;
    char detected_by[64]; /**< "<APP> event <id>" */
    bool recovered;       /**< FDIR reported recovery (an event naming the target) */
    ilrs_tai_t recovered_at;
    char recovered_by[64];
    bool ended;           /**< the fault itself ended (lasting faults: an outage) */
    ilrs_tai_t ended_at;
    /**
     * False when nothing on board could see the fault: a radio outage that began
     * and ended with no predicted contact of that radio (no link was expected, so
     * none was missed). Such an occurrence is not a missed detection.
     */
    bool observable;
} ilrs_station_fault_occurrence_t;

/** One injected fault and how the flight software answered. */
typedef struct ilrs_station_fault_result {
    char id[ILRS_STATION_ID_MAX];
    char type[ILRS_STATION_ID_MAX]; /**< scenario spelling, e.g. "battery_string_loss" */
    char target[ILRS_STATION_ID_MAX];
    bool injected;
    ilrs_tai_t injected_at;
    bool detected; /**< an FDIR event named the target after injection */
    ilrs_tai_t detected_at;
    char detected_by[64]; /**< "<APP> <event id>" of the first such event */
    bool recovered;       /**< the fault ended or FDIR reported recovery */
    ilrs_tai_t recovered_at;
    uint32_t occurrences; /**< random faults: how many arrivals */
    /** The first ILRS_STATION_MAX_OCCURRENCES occurrences, in order. */
    ilrs_station_fault_occurrence_t occurrence[ILRS_STATION_MAX_OCCURRENCES];
} ilrs_station_fault_result_t;

/** Data volume of one partner, bytes. */
typedef struct ilrs_station_partner_result {
    char id[ILRS_STATION_ID_MAX];
    uint64_t produced_bytes;   /**< read from its payloads */
    uint64_t stored_bytes;     /**< on board now (in storage, not yet sent) */
    uint64_t downlinked_bytes; /**< received on the ground */
    uint64_t lost_bytes;       /**< refused by full storage or lost on the space link */
    uint64_t link_lost_bytes;  /**< of lost_bytes: in science frames lost on the space link */
} ilrs_station_partner_result_t;

/** Space link counts of one TM virtual channel in `ilrs run` (docs/station.md "Space link"). */
typedef struct ilrs_station_link_vc {
    uint64_t frames_sent;       /**< TM transfer frames the radios transmitted on this VC */
    uint64_t frames_bad;        /**< received with bit errors, failed the FECF: dropped */
    uint64_t frames_lost;       /**< never received (receiver acquiring lock, relay store full) */
    uint64_t packets_sent;      /**< telemetry packets framed on this VC */
    uint64_t packets_delivered; /**< extracted at the ground and handed to the archive */
    uint64_t packets_lost;      /**< cut by a lost or bad frame (wholly or in part) */
} ilrs_station_link_vc_t;

/** Virtual channels of the run's space link (ccsds.h ILRS_CCSDS_VC_*). */
#define ILRS_STATION_LINK_VCS 3u

/** The run's space link: TM frames, bit errors, frame loss. */
typedef struct ilrs_station_link_result {
    /** 0 real-time HK and events, 1 playback (generated before the pass), 2 science
     *  (payload status packets; science volumes are accounted per frame, not carried) */
    ilrs_station_link_vc_t vc[ILRS_STATION_LINK_VCS];
    uint64_t frames_undetected;  /**< frames with bit errors that passed the FECF anyway */
    uint64_t bit_errors;         /**< bits flipped in telemetry frames */
    uint64_t acquisitions;       /**< receiver (re)acquisitions: each AOS and rate change */
    uint64_t packets_in_flight;  /**< framed, not yet at the ground when the run ended */
    uint64_t science_bytes_sent; /**< science octets the radios transmitted */
    uint64_t science_bytes_lost; /**< of those, in frames lost or failing the FECF */
    double min_ebn0_db;          /**< lowest Eb/N0 of a radio while transmitting (NAN: never) */
    double max_fer;              /**< highest frame error rate of the model then */
    /* The relay's trunk to Earth (frames relayed through the orbiter; counted in
     * vc[] too: these say which of those the trunk caused) */
    uint64_t relay_frames_sent;  /**< frames (real and science) the relay sent to Earth */
    uint64_t relay_frames_bad;   /**< of those, hit by trunk bit errors, failed the FECF */
    uint64_t relay_frames_lost;  /**< of those, lost while the ground acquired the trunk */
    uint64_t relay_bit_errors;   /**< bits flipped on the trunk (in real frames) */
    uint64_t relay_acquisitions; /**< trunk (re)acquisitions: each relay-ground AOS, rate change */
    double relay_min_ebn0_db;    /**< trunk Eb/N0 extremes over its passes (NAN: never up) */
    double relay_max_ebn0_db;
    double relay_min_rate_bps;        /**< lowest trunk rate the budget chose (0: never up) */
    double relay_frames_bad_expected; /**< the model's expectation of relay_frames_bad:
                                       *   the sum of the trunk FER over frames not lost */
} ilrs_station_link_result_t;

/** One thermal node's temperature extremes. */
typedef struct ilrs_station_node_result {
    char name[ILRS_STATION_ID_MAX];
    double min_k, max_k;             /**< over the run */
    double limit_min_k, limit_max_k; /**< allowable range from the scenario */
    double excursion_s;              /**< time outside the allowable range */
    ilrs_tai_t first_excursion;      /**< 0 when none */
} ilrs_station_node_result_t;

/** Results of a run (ilrs_station_get_summary()). Arrays are borrowed from the station. */
typedef struct ilrs_station_summary {
    char scenario[ILRS_SCENARIO_NAME_MAX];
    ilrs_tai_t epoch;
    uint64_t seed;
    double planned_s;   /**< duration asked for */
    double simulated_s; /**< mission time played */
    double wall_s;      /**< host time spent in ilrs_station_run() */
    bool completed;     /**< played to the end (not stopped) */
    bool survived;      /**< no brownout and no node outside its limits for long */
    char verdict[ILRS_STATION_VERDICT_MAX];
    ilrs_tai_t failure_at; /**< 0 when survived */
    double min_soc;        /**< lowest battery state of charge (mean of the batteries) */
    ilrs_tai_t min_soc_at;
    double brownout_s; /**< time with the bus down */
    double energy_in_j, energy_out_j;
    double sunlit_fraction;  /**< of the run with any of the Sun above the horizon */
    double earth_fraction;   /**< Earth above the horizon */
    double contact_fraction; /**< some radio's link up */
    uint64_t tm_packets_sent, tm_packets_archived, tm_packets_dropped;
    uint64_t tm_packets_lost;        /**< on the space link (sum of link.vc[].packets_lost) */
    ilrs_station_link_result_t link; /**< the space link's frames and losses */
    uint64_t events_total, events_by_severity[4];
    uint64_t commands_sent;    /**< timeline commands sent to the command ingest */
    uint64_t commands_refused; /**< ... of which the ingest refused */
    size_t node_count;
    const ilrs_station_node_result_t *nodes;
    size_t partner_count;
    const ilrs_station_partner_result_t *partners;
    size_t fault_count;
    const ilrs_station_fault_result_t *faults;
    uint32_t mode_changes;
    char final_mode[ILRS_STATION_ID_MAX];
} ilrs_station_summary_t;

/**
 * @brief Build a station from @p scenario (borrowed; must outlive the station).
 *        Computes (or reads from the cache) the horizon mask, propagates the
 *        relays, finds the contact windows, spins up the regolith column, builds
 *        the hardware twin and the flight instance with its apps, and opens the
 *        outputs.
 * @param[out] out the station (ilrs_station_destroy()); NULL on failure.
 * @param[out] error a sentence naming what could not be mapped (may be NULL).
 * @return 0, ILRS_ESTATION_CONFIG (not representable), ILRS_EIO (outputs),
 *         ILRS_ENOMEM, or a model's error.
 */
int ilrs_station_create(const ilrs_scenario_t *scenario, const ilrs_station_options_t *opts,
                        ilrs_station_t **out, char *error, size_t error_cap);

/** @brief Flush and close the outputs, free everything. Accepts NULL. */
void ilrs_station_destroy(ilrs_station_t *st);

/**
 * @brief Play the scenario to its end (or until ilrs_station_request_stop()).
 *        The archive is committed at least every simulated day, so a run killed
 *        midway leaves a readable archive of what it did. On return the outputs
 *        (summary.json, report.html) are written.
 * @return 0, ILRS_ESTATE (already run), ILRS_ESTATION_RUN (a model failed; logged),
 *         ILRS_EIO.
 */
int ilrs_station_run(ilrs_station_t *st);

/** @brief Ask a running ilrs_station_run() to stop at the next second (signal-safe). */
void ilrs_station_request_stop(ilrs_station_t *st);

/**
 * @brief Counters of the real-time LINK app (options.link).
 * @return 0, or ILRS_ENOENT when the station has no link.
 */
int ilrs_station_link_status(const ilrs_station_t *st, ilrs_link_status_t *out);

/** @brief Results so far (arrays borrowed from @p st, valid until destroy). */
void ilrs_station_get_summary(const ilrs_station_t *st, ilrs_station_summary_t *out);

/**
 * @brief Write the one-screen text summary to @p f.
 * @return 0 or ILRS_EIO.
 */
int ilrs_station_write_text(const ilrs_station_t *st, FILE *f);

/** @brief Write summary.json content to @p f. @return 0, ILRS_EIO, ILRS_ENOMEM. */
int ilrs_station_write_json(const ilrs_station_t *st, FILE *f);

/** @brief Write the self-contained HTML report to @p f. @return 0 or ILRS_EIO. */
int ilrs_station_write_report(const ilrs_station_t *st, FILE *f);

#ifdef __cplusplus
}
#endif
#endif /* ILRS_STATION_H */
