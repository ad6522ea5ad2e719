/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private parts of the station run (include/ilrs/station.h):
 *  - station_config.c  scenario -> hardware twin parameters (+ refusals)
 *  - station_env.c     lunar environment at the site on a coarse grid
 *  - station_apps.c    the station's flight apps from the scenario (the seam
 *                      to the station-apps module)
 *  - station_archive.c the ground's ingest (the seam to the ground archive)
 *  - station_run.c     create, the run loop, faults, the space link
 *  - station_report.c  text summary, summary.json, report.html
 *  - station_realtime.c pacing by the host clock and the LINK app (real time)
 *  - station_link.c    the space link of the run: TM frames, bit errors, frame
 *                      loss, light time, relay store-and-forward, the ground end
 *
 * Invariants: the loop is single-threaded and reads no host clock except to
 * report wall time and speed, which never reach the archive or the flight
 * software; every random draw comes from one ilrs_rng_t seeded by the run's
 * seed, in a fixed order (the space link has its own, seeded from the same seed,
 * so its draws leave the twin's and the faults' unchanged).
 */
#ifndef ILRS_STATION_INT_H
#define ILRS_STATION_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <ilrs/apps.h>
#include <ilrs/dict.h>
#include <ilrs/fsw.h>
#include <ilrs/hal.h>
#include <ilrs/scenario.h>
#include <ilrs/station.h>
#include <ilrs/twin.h>

#define ST_MAX_LINES      (ILRS_SCENARIO_MAX_LINES + 2) /* + the unswitched bus, hub awake */
#define ST_HUB_AWAKE_LINE "hub_awake"
#define ST_MAX_HEATERS    64
#define ST_MAX_RTGS       (ILRS_SCENARIO_MAX_RHUS + ILRS_SCENARIO_MAX_RTGS)
#define ST_MAX_COUPLINGS  ILRS_HW_COUPLINGS_MAX
#define ST_MAX_PAYLOADS   (ILRS_SCENARIO_MAX_PAYLOADS + ILRS_SCENARIO_MAX_ROVERS)
#define ST_LINK_EARTH     0u          /* hw link target of direct-to-Earth radios */
#define ST_LINK_RELAY0    1u          /* first relay; relay r uses target 1 + r */
#define ST_SPEED_OF_LIGHT 299792458.0 /* m/s, exact (SI) */
#define ST_PI             3.14159265358979323846

/* ---- scenario -> hardware twin ---------------------------------------------------- */

typedef struct station_hw_map {
    ilrs_hw_array_params_t arrays[ILRS_SCENARIO_MAX_ARRAYS];
    ilrs_hw_battery_params_t batteries[ILRS_SCENARIO_MAX_BATTERIES];
    int battery_nodes[ILRS_SCENARIO_MAX_BATTERIES];
    ilrs_hw_rtg_params_t rtgs[ST_MAX_RTGS];
    int rtg_nodes[ST_MAX_RTGS];
    ilrs_hw_line_params_t lines[ST_MAX_LINES];
    ilrs_hw_heater_params_t heaters[ST_MAX_HEATERS];
    double heater_on_k[ST_MAX_HEATERS], heater_off_k[ST_MAX_HEATERS];
    ilrs_hw_node_params_t nodes[ILRS_SCENARIO_MAX_NODES];
    double node_min_k[ILRS_SCENARIO_MAX_NODES], node_max_k[ILRS_SCENARIO_MAX_NODES];
    ilrs_hw_coupling_t couplings[ST_MAX_COUPLINGS];
    ilrs_hw_radio_params_t radios[ILRS_SCENARIO_MAX_RADIOS];
    int radio_lines[ILRS_SCENARIO_MAX_RADIOS], radio_nodes[ILRS_SCENARIO_MAX_RADIOS];
    ilrs_hw_payload_params_t payloads[ST_MAX_PAYLOADS];
    int payload_scenario[ST_MAX_PAYLOADS]; /* scenario payload index, -1 - rover index */
    uint64_t storage_bytes[1];
    ilrs_hw_config_t config;
    int unswitched_line; /* index of the implicit unswitched bus line, -1 if none */
    char warnings[4][160];
    size_t warning_count;
} station_hw_map_t;

/** Map @p sc to @p map (config points into map). 0 or ILRS_ESTATION_CONFIG with @p error. */
int ilrs__station_map_hardware(const ilrs_scenario_t *sc, station_hw_map_t *map, char *error,
                               size_t cap);
/** Index of a line / node / heater / radio / payload by name in the map, or -1. */
int ilrs__station_map_line(const station_hw_map_t *map, const char *name);
int ilrs__station_map_node(const station_hw_map_t *map, const char *name);
int ilrs__station_map_heater(const station_hw_map_t *map, const char *name);

/* ---- environment -------------------------------------------------------------------- */

/** The environment at one grid instant. */
typedef struct station_env_sample {
    double t_s; /* since the epoch */
    double flux_w_m2;
    double sun_el_deg, sun_az_deg, sun_visible;
    double earth_el_deg, earth_az_deg, earth_visible, earth_distance_m;
    double relay_el_deg[ILRS_SCENARIO_MAX_RELAYS], relay_range_m[ILRS_SCENARIO_MAX_RELAYS];
    double regolith_k;
    double sink_k; /* radiative sink of a vertical radiator */
} station_env_sample_t;

typedef struct station_env station_env_t;

int ilrs__station_env_create(const ilrs_scenario_t *sc, double duration_s, double step_s,
                             station_env_t **out, char *error, size_t cap);
void ilrs__station_env_destroy(station_env_t *env);
/** Sample at grid time @p t_s (advances the regolith column: call in increasing order). */
int ilrs__station_env_sample(station_env_t *env, double t_s, station_env_sample_t *out);
/** Contact state at @p t_s from the precomputed windows (cursor-based, increasing t). */
bool ilrs__station_env_dte(station_env_t *env, double t_s);
bool ilrs__station_env_relay_site(station_env_t *env, size_t relay, double t_s);
bool ilrs__station_env_relay_earth(station_env_t *env, size_t relay, double t_s);
/** Distance (m) from relay @p relay to the Earth's centre at @p t_s (ICRF, geometric). */
int ilrs__station_env_relay_earth_range(station_env_t *env, size_t relay, double t_s,
                                        double *range_m);
size_t ilrs__station_env_relay_count(const station_env_t *env);
/** The predicted contact windows (sorted, merged) of hw link target @p target
 *  (ST_LINK_EARTH: the site with the ground stations; ST_LINK_RELAY0 + r: the
 *  site with relay r), or NULL. Borrowed from @p env. */
const ilrs_window_list_t *ilrs__station_env_windows(const station_env_t *env, uint32_t target);
/* The site as the twin places it: selenographic latitude and longitude (deg),
 * height above the mean radius (m, ground + mast) and the terrain horizon at
 * the mast (borrowed, for the environment's life). */
void ilrs__station_env_site(const station_env_t *env, double *lat_deg, double *lon_deg,
                            double *height_m, const ilrs_horizon_t **horizon);
/* Relay @p relay's Moon-centred ICRF state (m, m/s) at @p t: the orbit
 * determination the ground uploads to COMM. @return 0, ILRS_ERANGE, ILRS_EINVAL. */
int ilrs__station_env_relay_state(const station_env_t *env, size_t relay, ilrs_tai_t t,
                                  double r_m[3], double v_m_s[3]);
/* COMM's onboard DTE prediction configuration of the run (station_apps.c):
 * the site and horizon of @p env, the ground stations of @p sc. */
void ilrs__station_comm_predict_config(const ilrs_scenario_t *sc, const station_env_t *env,
                                       ilrs_com_predict_config_t *p);

/* ---- flight apps -------------------------------------------------------------------- */

/** Science chunk marker: the first octets of a radio buffer that carries stored
 *  science data (STORAGE's playback header: marker, then the channel index, which
 *  is the hw payload index; station_apps.c makes one channel per hw payload). */
#define ST_SCIENCE_MAGIC 0x5343494Eu /* "SCIN" */

/** The station apps from the scenario (station_apps.c). */
typedef struct station_apps station_apps_t;
int ilrs__station_apps_create(const ilrs_scenario_t *sc, const station_hw_map_t *map,
                              station_env_t *env, ilrs_hal_t *hal, ilrs_fsw_t *fsw,
                              station_apps_t **out, char *error, size_t cap);
void ilrs__station_apps_destroy(station_apps_t *apps);
/** Bytes of hw payload @p i produced / held on board / lost (dropped or refused by
 *  STORAGE) so far. */
void ilrs__station_apps_payload_bytes(const station_apps_t *apps, size_t i, uint64_t *produced,
                                      uint64_t *held, uint64_t *lost);
/** Telemetry packets COMM dropped (recorder full). */
uint64_t ilrs__station_apps_tm_dropped(const station_apps_t *apps);
/** Ground side of the run each second (station_timeline.c): once a day each
 *  relay's orbit determination to COMM (ComSetRelayOrbit; COMM predicts its
 *  contact windows on board). */
int ilrs__station_apps_ground(station_apps_t *apps, ilrs_fsw_t *fsw, ilrs_tai_t now);
/** True when the payload host hosts scenario payload @p index (reads its port). */
bool ilrs__station_apps_hosts_payload(const station_apps_t *apps, size_t index);
/** PLD_DATA APID (0 = no payload host) and the status APID of hosted payload @p index. */
uint16_t ilrs__station_apps_data_apid(const station_apps_t *apps);
uint16_t ilrs__station_apps_payload_apid(const station_apps_t *apps, size_t index);
/** Current station mode name ("" when no mode manager). */
const char *ilrs__station_apps_mode(const station_apps_t *apps);

/* ---- ground archive seam -------------------------------------------------------------- */

typedef struct station_archive station_archive_t;
/** Open @p path (a fresh SQLite file) with a ground copy of @p station_dict and
 *  start the writer thread. */
int ilrs__station_archive_open(const char *path, const ilrs_dict_t *station_dict,
                               station_archive_t **out);
/** Hand a packet to the ground (copied; in order). Returns a past database error. */
int ilrs__station_archive_packet(station_archive_t *ar, const uint8_t *pkt, size_t len,
                                 ilrs_tai_t receive);
/** Ask for a commit after what was handed so far (asynchronous). */
int ilrs__station_archive_flush(station_archive_t *ar);
/** Flush and wait until everything handed so far is committed. */
int ilrs__station_archive_sync(station_archive_t *ar);
void ilrs__station_archive_close(station_archive_t *ar);
/** Record a command in the archive's history (owner from the dictionary, issued
 *  by @p issuer) as sent and, by @p result (ilrs_fsw_command()'s), accepted or
 *  failed. Waits for the writer to idle first. */
int ilrs__station_archive_command(station_archive_t *ar, const uint8_t *pkt, size_t len,
                                  ilrs_tai_t time, const char *issuer, int result);
uint64_t ilrs__station_archive_accepted(station_archive_t *ar);

/* ---- the station ----------------------------------------------------------------------- */

typedef struct station_link station_link_t; /* the run's space link (station_link.c) */

/** A packet, TM frame or science chunk in a radio or in flight on the space link. */
typedef struct station_flight {
    double arrive_s; /* mission time it reaches the ground */
    uint32_t len;
    int32_t payload; /* >= 0: science of hw payload i (no content kept); -1: packet (in a
                      * radio) or TM frame (after the radio); -2: packet whose content
                      * was not kept (too much in flight) */
    uint8_t *data;   /* packet / frame: its octets (owned by the flight until delivered) */
    uint32_t lost;   /* science: octets of the chunk in frames lost or bad on the link */
    uint16_t ends;   /* frame: packets whose last octet it carries */
    uint8_t radio;   /* frame: the radio (physical channel) that sent it */
    uint8_t vcid;    /* frame: its virtual channel */
    uint32_t flips;  /* frame: bits flipped by the error model */
    bool trunk_hit;  /* frame: bits flipped on the relay's trunk to Earth */
} station_flight_t;

/** A FIFO of flights (grows; the space link is not flight code). */
typedef struct station_flightq {
    station_flight_t *items;
    size_t head, count, cap;
} station_flightq_t;

/** Octets queued in one radio (its sent_bytes not yet covering them). */
typedef struct station_radio_fifo {
    station_flightq_t q;
    uint64_t acked;     /* bytes of q's popped items, cumulative */
    uint64_t sent_base; /* radio sent_bytes at start */
    bool proximity;     /* to relay 0; else direct to Earth */
} station_radio_fifo_t;

typedef struct station_fault_state {
    const ilrs_scenario_fault_t *f;
    double next_s; /* next arrival (deterministic: at_s) */
    double end_s;  /* active until (0 = not active or permanent) */
    bool active, done;
    int hw_kind;
    size_t hw_index;
    char match[4][ILRS_SCENARIO_ID_MAX]; /* an FDIR event naming one of these names it */
    size_t match_count;
} station_fault_state_t;

/** The scenario's command timeline, built and checked against the dictionary at
 *  create (station_timeline.c). */
typedef struct station_command {
    double at_s;
    size_t len;
    uint8_t pkt[ILRS_SC_CMD_MAX];
} station_command_t;

typedef struct station_timeline_item {
    double t_s;
    uint8_t kind; /* 0 event (severity in level), 1 fault injected, 2 fault ended, 3 mode,
                     4 command (level 1 accepted, 2 refused) */
    uint8_t level;
    char text[96];
} station_timeline_item_t;

typedef struct station_series {
    size_t n, cap;
    float *t_d, *soc, *p_in, *p_out, *sun_el, *earth_el, *relay_el, *regolith_k;
    float *node_k;                               /* n x node_count */
    uint8_t *contact;                            /* bit 0 DTE up, bit 1 relay up, bit 2 brownout */
    double *part_prod, *part_stored, *part_down; /* n x partner_count, bytes */
    double last_in_j, last_out_j, last_t_s;      /* ledger at the previous sample */
} station_series_t;

struct ilrs_station {
    const ilrs_scenario_t *sc;
    ilrs_station_options_t opt;
    uint64_t seed;
    double duration_s;
    ilrs_rng_t rng;
    station_hw_map_t map;
    ilrs_hw_station_t *hw;
    ilrs_hal_t hal_twin; /* the twin's hal */
    ilrs_hal_t hal;      /* what flight code sees: the twin's, radio_send watched */
    ilrs_hal_ops_t hal_ops;
    station_env_t *env;
    station_env_sample_t env_a, env_b;
    ilrs_fsw_t *fsw;
    station_apps_t *apps;
    station_archive_t *archive;
    int archive_error;
    FILE *events_log;
    char out_dir[ILRS_SCENARIO_FILE_MAX];
    /* space link */
    station_radio_fifo_t fifo[ILRS_SCENARIO_MAX_RADIOS];
    uint64_t store_bytes;      /* packet octets in flight now */
    station_flightq_t air;     /* sent, waiting for the light time (by arrival) */
    station_flightq_t relay_q; /* at relay 0, waiting for a relay <-> Earth window */
    double relay_credit;       /* relay -> Earth bytes allowed and not used this second */
    uint64_t store_dropped;    /* packets lost: more than STORE_BYTES in flight */
    station_link_t *space;     /* TM channels and their ground ends (station_link.c) */
    /* faults */
    station_fault_state_t faults[ILRS_SCENARIO_MAX_FAULTS];
    ilrs_station_fault_result_t fault_results[ILRS_SCENARIO_MAX_FAULTS];
    /* results */
    ilrs_station_node_result_t node_results[ILRS_SCENARIO_MAX_NODES];
    ilrs_station_partner_result_t partner_results[ILRS_SCENARIO_MAX_PARTNERS];
    int payload_partner[ST_MAX_PAYLOADS]; /* hw payload -> partner index (-1: rover/none) */
    uint64_t payload_down[ST_MAX_PAYLOADS];
    uint64_t payload_link_lost[ST_MAX_PAYLOADS]; /* science octets lost on the space link */
    ilrs_station_summary_t sum;
    station_series_t series;
    station_command_t *commands; /* sc->command_count, in time order */
    size_t command_next;
    station_timeline_item_t *timeline;
    size_t timeline_count, timeline_cap;
    uint64_t last_event_seq;
    double t_s; /* mission time played */
    double sun_up_s, earth_up_s, contact_s;
    char last_mode[ILRS_STATION_ID_MAX];
    const char *last_mode_label; /* the static label last_mode was copied from */
    bool ran;
    volatile sig_atomic_t stop;
    /* real time (station_realtime.c) */
    ilrs_link_app_t *link;
    double rt_wall0, rt_last_flush;
    uint64_t rt_slips; /* times the host fell behind (warned once) */
    bool rt_started;
};

/* ---- the run's space link (station_link.c) ----------------------------------------------- */

/* FIFO of flights (grows). */
int ilrs__station_q_push(station_flightq_t *q, const station_flight_t *f);
station_flight_t *ilrs__station_q_front(station_flightq_t *q);
void ilrs__station_q_pop(station_flightq_t *q);
void ilrs__station_q_free(station_flightq_t *q); /* frees the items' data too */

/** Set up the TM channel of every radio and its ground end (after the flight
 *  software: the ground decodes with its dictionary). 0, ILRS_ENOMEM, ILRS_EINVAL. */
int ilrs__station_link_create(ilrs_station_t *st, char *error, size_t cap);
void ilrs__station_link_destroy(station_link_t *l);
/** One mission second of the link: octets the radios sent become TM frames (bit
 *  errors and losses drawn), travel (light time, relay), and frames due reach the
 *  ground (FECF check, VC demultiplexing, packets to the archive). */
int ilrs__station_link_step(ilrs_station_t *st, const station_env_sample_t *e);
/** Counts so far (in-flight packets computed now). */
void ilrs__station_link_result(const ilrs_station_t *st, ilrs_station_link_result_t *out);

/* The link error model, exposed for its tests (docs/station.md "Space link").
 * Bit error rate at @p ebn0_db for a code that reaches ST_LINK_REF_BER at
 * @p required_ebn0_db: BPSK's curve shifted by that code's coding gain. */
#define ST_LINK_REF_BER 1e-6
double ilrs__station_link_ber(double ebn0_db, double required_ebn0_db);
/** Probability that a frame of @p bits has at least one bit error at @p ber. */
double ilrs__station_link_fer(double ber, size_t bits);
/** Draw a Binomial(@p n, @p p) count with @p rng (inversion; normal approx. for n p > 30). */
uint64_t ilrs__station_link_binomial(ilrs_rng_t *rng, uint64_t n, double p);
/** Flip Binomial(8 @p len, @p ber) distinct bits of @p buf; returns how many. */
uint32_t ilrs__station_link_corrupt(ilrs_rng_t *rng, uint8_t *buf, size_t len, double ber);
/** Relay -> ground-station range (m) for a relay @p d_m from the Earth's centre,
 *  seen at elevation @p min_el_deg (the longest range of a pass). */
double ilrs__station_link_trunk_range(double d_m, double min_el_deg);
/** The trunk's budget with @p p (the twin's ilrs_hw_link_budget) at @p range_m: the
 *  rate chosen from p's rate table (the slowest if none closes) and its Eb/N0. */
void ilrs__station_link_trunk_eval(const ilrs_hw_radio_params_t *p, double range_m,
                                   double *rate_bps, double *ebn0_db);

/* station_realtime.c: add the LINK app (options.link) before the flight software
 * starts; pace one loop second by the host clock (options.realtime_speed). */
int ilrs__station_rt_add_link(ilrs_station_t *st, char *error, size_t cap);
void ilrs__station_rt_pace(ilrs_station_t *st);

/* station_timeline.c: the scenario's command timeline (checked against the
 * dictionary at create: errors name the file, line and key) and the ground's
 * part each second (relay-orbit uploads, the timeline's due commands through
 * the command ingest, into the archive with their issuer, events.log and the
 * report's timeline). */
int ilrs__station_timeline_create(ilrs_station_t *st, char *error, size_t cap);
void ilrs__station_timeline_step(ilrs_station_t *st);
/* Add a report timeline item at the current time (station_run.c). */
void ilrs__station_timeline_add(ilrs_station_t *st, uint8_t kind, uint8_t level, const char *fmt,
                                ...) __attribute__((format(printf, 4, 5)));

/* station_faults.c: per-occurrence bookkeeping of a fault's results (injection,
 * detection and recovery events from FDIR, the fault's own end). */
void ilrs__station_fault_injected(ilrs_station_fault_result_t *r, ilrs_tai_t t);
/** Fault @p i of the scenario ended at @p t (judges whether FDIR could see it). */
void ilrs__station_fault_ended(ilrs_station_t *st, size_t i, ilrs_tai_t t);
/** An event naming the fault's target: detection (error) or recovery report. */
void ilrs__station_fault_event(ilrs_station_fault_result_t *r, const ilrs_evs_record_t *e,
                               bool recovery);

/* station_report.c */
int ilrs__station_series_push(ilrs_station_t *st);
void ilrs__station_series_free(station_series_t *s);

#endif
