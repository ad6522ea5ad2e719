/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file fsw.h
 * @brief The flight-software framework: software bus, time service, executive
 *        (apps and rate groups), event service, parameter tables, housekeeping,
 *        and the flight instance that wires them together.
 *
 * In the tradition of NASA's core Flight System (cFE), but deterministic: the
 * flight core is single-threaded and cooperative, runs on a virtual clock or
 * paced by the wall clock, and allocates only at init, from pools sized by
 * configuration. Depends on base, ccsds and dict.
 * Thread safety: none; one thread owns a flight instance.
 */
#ifndef ILRS_FSW_H
#define ILRS_FSW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ilrs/base.h>
#include <ilrs/ccsds.h>
#include <ilrs/dict.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ========================================================================= */
/* Software bus                                                               */
/* ========================================================================= */

/**
 * Message IDs name a message stream on the bus: the APID plus the packet type,
 * as in cFE's CCSDS v1 mapping: telemetry = APID, commands = 0x0800 | APID.
 */
typedef uint16_t ilrs_msgid_t;

#define ILRS_MSGID_COUNT 4096u
#define ILRS_MSGID_CMD_BIT 0x0800u

static inline ilrs_msgid_t ilrs_msgid_tlm(uint16_t apid)
{
    return (ilrs_msgid_t)(apid & 0x07FFu);
}
static inline ilrs_msgid_t ilrs_msgid_cmd(uint16_t apid)
{
    return (ilrs_msgid_t)(ILRS_MSGID_CMD_BIT | (apid & 0x07FFu));
}
/** Message ID of a packet (buffer of at least 6 octets). */
static inline ilrs_msgid_t ilrs_msgid_of(const uint8_t *pkt)
{
    return (ilrs_msgid_t)((ilrs_ccsds_is_cmd(pkt) ? ILRS_MSGID_CMD_BIT : 0u) |
                          ilrs_ccsds_get_apid(pkt));
}

typedef struct ilrs_bus ilrs_bus_t;
typedef uint32_t ilrs_pipe_id_t;

#define ILRS_BUS_MAX_BUFFER_CLASSES 8
#define ILRS_BUS_PIPE_NAME_MAX 32

/** One class of message buffers: @c count buffers of @c size octets. */
typedef struct ilrs_bus_buffer_class {
    uint32_t size;
    uint32_t count;
} ilrs_bus_buffer_class_t;

/**
 * Bus sizing; everything is allocated in ilrs_bus_create(). Zero fields take the
 * defaults (64 pipes, 64 subscribers per message ID, buffer classes
 * 64/256/1024/4096/65542 octets × 1024/1024/256/64/8).
 */
typedef struct ilrs_bus_config {
    uint32_t max_pipes;
    uint32_t max_subscribers_per_msgid;
    uint32_t buffer_class_count;            /**< 0 = defaults */
    ilrs_bus_buffer_class_t buffer_classes[ILRS_BUS_MAX_BUFFER_CLASSES]; /**< ascending size */
} ilrs_bus_config_t;

/** Why a message was dropped (passed to the drop hook). */
typedef enum ilrs_bus_drop_reason {
    ILRS_BUS_DROP_PIPE_FULL = 1,   /**< pipe at its depth */
    ILRS_BUS_DROP_MSG_LIMIT = 2,   /**< pipe holds its limit of this message ID */
    ILRS_BUS_DROP_NO_BUFFER = 3,   /**< buffer pool exhausted */
    ILRS_BUS_DROP_INVALID = 4,     /**< malformed packet offered to publish */
} ilrs_bus_drop_reason_t;

/**
 * Called synchronously on every drop, so the flight instance can raise a
 * (rate-limited) event: no drop is ever silent. @p pipe is UINT32_MAX when no
 * pipe is involved.
 */
typedef void (*ilrs_bus_drop_fn)(void *user, ilrs_bus_drop_reason_t reason, ilrs_msgid_t msgid,
                                 ilrs_pipe_id_t pipe);

/** Per-pipe statistics. */
typedef struct ilrs_bus_pipe_stats {
    char name[ILRS_BUS_PIPE_NAME_MAX];
    uint32_t depth;
    uint32_t queued;          /**< messages waiting now */
    uint32_t peak;            /**< most ever waiting */
    uint32_t subscriptions;
    uint64_t received;        /**< messages taken by ilrs_bus_receive() */
    uint64_t dropped_full;
    uint64_t dropped_limit;
} ilrs_bus_pipe_stats_t;

/** Whole-bus statistics (published as telemetry by the flight instance). */
typedef struct ilrs_bus_stats {
    uint64_t published;       /**< publish calls accepted */
    uint64_t delivered;       /**< copies placed in pipes (fan-out counts each) */
    uint64_t no_subscribers;  /**< messages nobody subscribed to (not a drop) */
    uint64_t dropped_full;
    uint64_t dropped_limit;
    uint64_t alloc_failures;
    uint64_t invalid;         /**< malformed packets refused by publish */
    uint32_t pipes;
    uint32_t subscriptions;
    uint32_t buffers_in_use;
    uint32_t buffers_peak;
    size_t memory_bytes;      /**< everything the bus allocated at create */
} ilrs_bus_stats_t;

/**
 * @brief Create a bus. @p config may be NULL (defaults).
 * @return 0, ILRS_EINVAL (bad sizing), ILRS_ENOMEM.
 */
int ilrs_bus_create(const ilrs_bus_config_t *config, ilrs_bus_t **out);
/** @brief Destroy a bus and every buffer. Accepts NULL. */
void ilrs_bus_destroy(ilrs_bus_t *bus);
/** @brief Install the drop hook (NULL removes it). */
void ilrs_bus_set_drop_hook(ilrs_bus_t *bus, ilrs_bus_drop_fn fn, void *user);

/**
 * @brief Create a pipe holding at most @p depth messages.
 * @return 0, ILRS_EINVAL (depth 0, name too long), ILRS_ELIMIT (max_pipes), ILRS_EEXIST.
 */
int ilrs_bus_pipe_create(ilrs_bus_t *bus, const char *name, uint32_t depth,
                         ilrs_pipe_id_t *pipe);
/** @brief Delete a pipe: unsubscribe everything, release its queued messages. */
int ilrs_bus_pipe_delete(ilrs_bus_t *bus, ilrs_pipe_id_t pipe);

/**
 * @brief Subscribe @p pipe to @p msgid, holding at most @p msg_limit messages of
 *        that ID at once (0 = the pipe's depth).
 * @return 0, ILRS_EFSW_NOPIPE, ILRS_EFSW_MSGID, ILRS_ELIMIT (subscribers per ID),
 *         ILRS_EEXIST (already subscribed: the limit is updated and 0 is NOT returned).
 */
int ilrs_bus_subscribe(ilrs_bus_t *bus, ilrs_pipe_id_t pipe, ilrs_msgid_t msgid,
                       uint32_t msg_limit);
/** @brief Remove a subscription. @return 0, ILRS_EFSW_NOPIPE, ILRS_EFSW_NOSUB. */
int ilrs_bus_unsubscribe(ilrs_bus_t *bus, ilrs_pipe_id_t pipe, ilrs_msgid_t msgid);

/**
 * @brief Publish a copy of @p packet to every subscribed pipe. The message ID
 *        comes from the packet header; @p len must equal the header's length.
 * @return 0 when every subscriber got it (or there were none);
 *         ILRS_EFSW_PIPEFULL / ILRS_EFSW_MSGLIMIT when at least one pipe dropped it
 *         (the others still got it); ILRS_EFSW_NOBUF; ILRS_ECCSDS_* for a
 *         malformed packet (counted as invalid, delivered nowhere).
 */
int ilrs_bus_publish(ilrs_bus_t *bus, const void *packet, size_t len);

/**
 * @brief Zero-copy send, step 1: a buffer for a message of @p len octets.
 * @return the buffer (owned by the caller until published or freed), or NULL when
 *         the pool is exhausted (counted in alloc_failures, drop hook called).
 */
void *ilrs_bus_alloc(ilrs_bus_t *bus, size_t len);
/**
 * @brief Zero-copy send, step 2: publish a buffer from ilrs_bus_alloc().
 *        Consumed on success AND on pipe drops (return values as
 *        ilrs_bus_publish()); on ILRS_ECCSDS_* / ILRS_EINVAL the caller still owns it.
 */
int ilrs_bus_publish_zc(ilrs_bus_t *bus, void *buffer, size_t len);
/** @brief Give back an unpublished buffer from ilrs_bus_alloc(). Accepts NULL. */
void ilrs_bus_free(ilrs_bus_t *bus, void *buffer);

/**
 * @brief Take the oldest message from a pipe (never blocks).
 * @param[out] packet borrowed: valid until the next receive on this pipe or its
 *             deletion. Set to NULL on failure.
 * @return 0, ILRS_EEMPTY, ILRS_EFSW_NOPIPE.
 */
int ilrs_bus_receive(ilrs_bus_t *bus, ilrs_pipe_id_t pipe, const uint8_t **packet, size_t *len);

void ilrs_bus_get_stats(const ilrs_bus_t *bus, ilrs_bus_stats_t *stats);
int ilrs_bus_get_pipe_stats(const ilrs_bus_t *bus, ilrs_pipe_id_t pipe,
                            ilrs_bus_pipe_stats_t *stats);
/** @brief Number of pipe slots (valid pipe ids are < this and may be deleted). */
uint32_t ilrs_bus_pipe_capacity(const ilrs_bus_t *bus);

/* ========================================================================= */
/* Time service                                     (owner: fsw-core session) */
/* ========================================================================= */

/*
 * Inside, time is TAI (ilrs_tai_t, base.h). UTC, TT and TDB exist at the edges and
 * are converted with ERFA (IAU SOFA algorithms): leap seconds from eraDat, TT =
 * TAI + 32.184 s, TDB - TT from eraDtdb (Fairhead & Bretagnon series, +-1.7 ms).
 *
 * The onboard clock is a spacecraft clock (SCLK, mission elapsed time in ns since
 * the instance started) and a correlation to TAI, as the ground commands it:
 *     TAI = epoch + (sclk - sclk0) * (1 + drift)
 * fitted by least squares over (sclk, ground TAI) pairs. In virtual mode the
 * executive advances the SCLK (optionally through a simulated oscillator with a
 * rate error); in wall mode the SCLK is CLOCK_MONOTONIC since creation.
 */

/** Civil UTC broken down; @c second is 0..60 (60 only inside a leap second). */
typedef struct ilrs_utc {
    int year, month, day;
    int hour, minute, second;
    int32_t nanosecond;  /**< 0..999999999 */
} ilrs_utc_t;

/** Time scales for Julian dates. */
typedef enum ilrs_time_scale {
    ILRS_TIME_TAI = 0,
    ILRS_TIME_UTC = 1,  /**< ERFA quasi-JD convention (leap-second days stretched) */
    ILRS_TIME_TT = 2,
    ILRS_TIME_TDB = 3,  /**< geocentric TDB (eraDtdb at the geocentre) */
} ilrs_time_scale_t;

/** TT - TAI (IAU 1991), in ns. */
#define ILRS_TIME_TT_MINUS_TAI_NS INT64_C(32184000000)
/** Julian date of the ilrs epoch 1958-01-01T00:00:00 TAI. */
#define ILRS_TIME_JD_1958 2436204.5
/** Longest ISO-8601 string ilrs_time_format_iso() writes, with its NUL. */
#define ILRS_TIME_ISO_MAX 40

/**
 * @brief UTC -> TAI (leap seconds through eraDat/eraUtctai). A leap second
 *        (second = 60) is accepted only on a day that has one.
 * @param[out] tai set to 0 before any failure.
 * @return 0, ILRS_EINVAL (NULL), ILRS_ERANGE (bad field, second 60 on a day
 *         without a leap second, year outside 1960..2250), ILRS_EFSW_TIME (ERFA refused).
 */
int ilrs_time_from_utc(const ilrs_utc_t *utc, ilrs_tai_t *tai);

/**
 * @brief TAI -> UTC broken down; the instants inside a leap second give second 60.
 * @param[out] utc zeroed before any failure.
 * @return 0, ILRS_EINVAL, ILRS_EFSW_TIME (outside ERFA's range).
 */
int ilrs_time_to_utc(ilrs_tai_t tai, ilrs_utc_t *utc);

/**
 * @brief TAI - UTC in seconds at the instant @p tai (37 after 2017-01-01).
 * @return 0, ILRS_EFSW_TIME (before 1960: UTC undefined).
 */
int ilrs_time_tai_minus_utc(ilrs_tai_t tai, double *seconds);

/**
 * @brief Two-part Julian date of @p tai in @p scale (jd1 + jd2, jd1 holding the
 *        whole days + 0.5, jd2 the fraction, for ERFA's full precision).
 * @return 0, ILRS_EINVAL, ILRS_EFSW_TIME.
 */
int ilrs_time_to_jd(ilrs_tai_t tai, ilrs_time_scale_t scale, double *jd1, double *jd2);

/** @brief TT in ns since 1958 (TAI + 32.184 s). */
static inline int64_t ilrs_time_tt_ns(ilrs_tai_t tai)
{
    return tai + ILRS_TIME_TT_MINUS_TAI_NS;
}

/** @brief TDB - TT at @p tai, seconds (geocentric, eraDtdb; |value| < 1.7e-3). */
double ilrs_time_tdb_minus_tt(ilrs_tai_t tai);

/**
 * @brief Format @p tai as ISO-8601 UTC, "YYYY-MM-DDThh:mm:ss[.f...]Z", with
 *        @p decimals (0..9) fractional digits, truncated (never rounded up into
 *        the next second); a leap second prints as 23:59:60.
 * @return 0, ILRS_EINVAL, ILRS_ETRUNC (@p cap too small; ILRS_TIME_ISO_MAX
 *         always fits), ILRS_EFSW_TIME.
 */
int ilrs_time_format_iso(ilrs_tai_t tai, int decimals, char *buf, size_t cap);

/**
 * @brief Parse ISO-8601 UTC: "YYYY-MM-DD", "YYYY-MM-DDThh:mm", "YYYY-MM-DDThh:mm:ss",
 *        with an optional fraction (up to 9 digits) and an optional "Z"; a space may
 *        replace the "T". 23:59:60 is accepted on leap-second days only.
 * @param[out] tai 0 before any failure.
 * @return 0, ILRS_EINVAL, ILRS_EFORMAT (syntax), ILRS_ERANGE (field value).
 */
int ilrs_time_parse_iso(const char *text, ilrs_tai_t *tai);

/**
 * @brief Format @p tai as CCSDS CUC (ccsds.h) text: the hexadecimal octets of
 *        the code, e.g. "2E 19 4E 9A 80 00" for 4+2 octets, P-field first when
 *        @p with_pfield.
 * @return 0 or an ilrs_ccsds_cuc_encode() error; ILRS_ETRUNC when @p cap is short.
 */
int ilrs_time_format_cuc(ilrs_tai_t tai, ilrs_ccsds_cuc_format_t fmt, bool with_pfield,
                         char *buf, size_t cap);

/** How the onboard clock advances. */
typedef enum ilrs_time_mode {
    ILRS_TIME_MODE_VIRTUAL = 0, /**< advanced by ilrs_time_advance() (the executive) */
    ILRS_TIME_MODE_WALL = 1,    /**< SCLK follows CLOCK_MONOTONIC */
} ilrs_time_mode_t;

#define ILRS_TIME_MAX_FIT_POINTS 1024u

/** Time service configuration; zero fields take the defaults. */
typedef struct ilrs_time_config {
    ilrs_time_mode_t mode;
    /**
     * Initial correlation: onboard TAI at SCLK 0. 0 = 2030-01-01T00:00:00 UTC in
     * virtual mode, the host's CLOCK_REALTIME (as UTC) in wall mode.
     */
    ilrs_tai_t start;
    /**
     * Virtual mode: fractional rate error of the simulated oscillator; the SCLK
     * advances by dt * (1 + error) for dt of true time (e.g. 2e-6). |error| < 1e-3.
     */
    double oscillator_error;
    /** Most recent (sclk, TAI) pairs kept for the fit (default 16, at most 1024). */
    uint32_t fit_points;
} ilrs_time_config_t;

/** The current correlation. */
typedef struct ilrs_time_correlation {
    ilrs_tai_t epoch;    /**< TAI at sclk0 */
    int64_t sclk0;       /**< ns */
    double drift;        /**< fractional rate correction */
    uint32_t points;     /**< pairs in the current fit */
    double rms_s;        /**< residual RMS of the fit, s (0 below 3 points) */
    uint64_t updates;    /**< fits and sets so far */
} ilrs_time_correlation_t;

typedef struct ilrs_time ilrs_time_t;

/**
 * @brief Create a time service (allocates its fit window here, never again).
 * @return 0, ILRS_EINVAL (bad mode, oscillator error, fit points), ILRS_ENOMEM,
 *         ILRS_EFSW_TIME (wall mode and the host clock unreadable).
 */
int ilrs_time_create(const ilrs_time_config_t *config, ilrs_time_t **out);
/** @brief Destroy. Accepts NULL. */
void ilrs_time_destroy(ilrs_time_t *time);
ilrs_time_mode_t ilrs_time_get_mode(const ilrs_time_t *time);

/**
 * @brief Advance virtual true time by @p ns (>= 0); the SCLK moves by
 *        ns * (1 + oscillator_error), rounded, cumulative without drift of rounding.
 * @return 0, ILRS_ESTATE (wall mode), ILRS_EINVAL (negative).
 */
int ilrs_time_advance(ilrs_time_t *time, int64_t ns);
/** @brief Wall mode: latch the SCLK from the host clock (no-op in virtual mode). */
void ilrs_time_update(ilrs_time_t *time);

/** @brief Latched SCLK, ns since creation. */
int64_t ilrs_time_sclk(const ilrs_time_t *time);
/** @brief Virtual mode: true time elapsed since creation (ns); wall mode: the SCLK. */
int64_t ilrs_time_elapsed(const ilrs_time_t *time);
/** @brief Onboard TAI now (the correlation applied to the latched SCLK). */
ilrs_tai_t ilrs_time_now(const ilrs_time_t *time);
/** @brief Onboard TAI of an SCLK value. */
ilrs_tai_t ilrs_time_sclk_to_tai(const ilrs_time_t *time, int64_t sclk);

/**
 * @brief Add a correlation pair (SCLK, TAI the ground measured for it) and refit:
 *        one pair sets the epoch keeping the drift; two or more fit epoch and drift
 *        by least squares (gsl_fit_linear) over the last fit_points pairs.
 * @return 0, ILRS_ERANGE (pairs out of order in SCLK or a fitted |drift| >= 1e-3,
 *         correlation unchanged).
 */
int ilrs_time_correlate(ilrs_time_t *time, int64_t sclk, ilrs_tai_t tai);
/**
 * @brief Set the correlation directly (a ground command); clears the fit window.
 * @return 0, ILRS_ERANGE (|drift| >= 1e-3).
 */
int ilrs_time_set_correlation(ilrs_time_t *time, ilrs_tai_t epoch, int64_t sclk0, double drift);
void ilrs_time_get_correlation(const ilrs_time_t *time, ilrs_time_correlation_t *out);

/* ========================================================================= */
/* Executive: apps and rate groups                  (owner: fsw-core session) */
/* ========================================================================= */

/*
 * Apps are cooperative: init once, step at their rate, fini at the end (or before
 * a restart). The scheduler divides time into minor frames (default 100 Hz) grouped
 * in major frames (default 100 minor frames = 1 s). An app runs at a rate dividing
 * the minor-frame rate: every P = minor_hz / rate_hz minor frames, in the frames
 * where (frame mod P) == slot. Within a frame apps run by ascending priority, then
 * registration order: the schedule is deterministic.
 *
 * Virtual mode runs frames back to back (no sleep) and advances the time service by
 * one minor period per frame. Wall mode waits for each frame's absolute deadline
 * (clock_nanosleep, CLOCK_MONOTONIC).
 *
 * Execution times are measured in both modes for the host (ilrs_exec_get_app_stats),
 * but only in wall mode do they feed flight behaviour: overrun counters, overrun
 * events and the timing fields of telemetry. In virtual mode those stay 0, so two
 * runs of the same configuration are identical.
 *
 * A step returning < 0 is a failure: an EXEC_APP_FAIL_ERR event, fini, and after
 * restart_delay_s an init (a restart); after max_failures failures the app is
 * disabled (EXEC_APP_DISABLED_CRIT) until a command restarts or enables it.
 */

typedef struct ilrs_exec ilrs_exec_t;
typedef struct ilrs_app ilrs_app_t;
typedef struct ilrs_fsw ilrs_fsw_t;

/**
 * App entry points. @p app is the app's handle (services), @p ctx its user context.
 * init and step return 0 or a negative ILRS_E code (failure); init may be NULL.
 */
typedef int (*ilrs_app_init_fn)(ilrs_app_t *app, void *ctx);
typedef int (*ilrs_app_step_fn)(ilrs_app_t *app, void *ctx);
typedef void (*ilrs_app_fini_fn)(ilrs_app_t *app, void *ctx);

#define ILRS_APP_NAME_MAX 16 /**< [A-Z][A-Z0-9_]*, at most 15 characters */

/** An app definition (copied at registration; strings must be static or outlive the exec). */
typedef struct ilrs_app_def {
    const char *name;            /**< e.g. "POWER"; unique */
    const char *description;
    ilrs_app_init_fn init;       /**< may be NULL */
    ilrs_app_step_fn step;       /**< required */
    ilrs_app_fini_fn fini;       /**< may be NULL */
    double rate_hz;              /**< must divide the minor-frame rate (e.g. 0.1, 1, 10, 100) */
    uint32_t slot;               /**< minor-frame offset, < minor_hz / rate_hz */
    int32_t priority;            /**< lower runs first within a frame */
    int64_t budget_ns;           /**< execution budget per step (0 = none) */
    /**
     * Context: when @c context_size > 0 the framework allocates that many zeroed
     * octets at registration and passes them as ctx; otherwise @c context is passed.
     */
    size_t context_size;
    void *context;
    /** Flight instance only: APID of the app's HK packet and commands (0 = assigned). */
    uint16_t apid;
    /** Flight instance only: depth of the app's command and data pipes (0 = 16). */
    uint32_t pipe_depth;
} ilrs_app_def_t;

/** Executive configuration; zero fields take the defaults. */
typedef struct ilrs_exec_config {
    uint32_t minor_hz;            /**< minor frames per second (default 100, 1..10000) */
    uint32_t minor_per_major;     /**< minor frames per major frame (default minor_hz) */
    uint32_t max_apps;            /**< default 64 */
    double restart_delay_s;       /**< failure -> restart delay (default 1 s) */
    uint32_t max_failures;        /**< failures before the app is disabled (default 3) */
    uint32_t max_cycle_frames;    /**< longest schedule cycle (default 100000 frames) */
} ilrs_exec_config_t;

/** App states. */
typedef enum ilrs_app_state {
    ILRS_APP_REGISTERED = 0, /**< not initialised yet */
    ILRS_APP_RUNNING = 1,
    ILRS_APP_RESTARTING = 2, /**< failed; waiting for its restart */
    ILRS_APP_DISABLED = 3,   /**< disabled by command or after max_failures */
} ilrs_app_state_t;

/** Per-app statistics. */
typedef struct ilrs_app_stats {
    char name[ILRS_APP_NAME_MAX];
    ilrs_app_state_t state;
    uint64_t steps;
    uint64_t failures;        /**< steps or inits that returned < 0 */
    uint64_t restarts;
    uint64_t overruns;        /**< wall mode only */
    int64_t exec_min_ns, exec_max_ns, exec_total_ns; /**< measured, host information */
    double exec_mean_ns;
} ilrs_app_stats_t;

/** Executive statistics. */
typedef struct ilrs_exec_stats {
    uint64_t minor_frames;
    uint64_t major_frames;
    uint64_t steps;
    uint64_t failures;
    uint64_t restarts;
    uint64_t overruns;       /**< wall mode only */
    uint64_t frame_slips;    /**< wall mode: frames started after their deadline */
    uint32_t apps;
    uint32_t apps_running;
    uint32_t apps_disabled;
} ilrs_exec_stats_t;

/** Severity-tagged notices the executive raises (routed to the event service). */
typedef enum ilrs_exec_notice {
    ILRS_EXEC_NOTICE_STEP_FAIL = 1,   /**< step returned < 0 (code in @c code) */
    ILRS_EXEC_NOTICE_INIT_FAIL = 2,   /**< init returned < 0 */
    ILRS_EXEC_NOTICE_RESTARTED = 3,   /**< init succeeded after a failure or command */
    ILRS_EXEC_NOTICE_DISABLED = 4,    /**< disabled after max_failures */
    ILRS_EXEC_NOTICE_OVERRUN = 5,     /**< wall mode: step exceeded budget (ns in @c code) */
    ILRS_EXEC_NOTICE_SLIP = 6,        /**< wall mode: frame started late (ns in @c code) */
} ilrs_exec_notice_t;

/** Notice hook: @p app is NULL for SLIP. Called synchronously. */
typedef void (*ilrs_exec_notice_fn)(void *user, ilrs_exec_notice_t notice, ilrs_app_t *app,
                                    int64_t code);

/**
 * @brief Create an executive over @p time (borrowed, must outlive it).
 * @return 0, ILRS_EINVAL (bad sizing), ILRS_ENOMEM.
 */
int ilrs_exec_create(const ilrs_exec_config_t *config, ilrs_time_t *time, ilrs_exec_t **out);
/** @brief fini every running app, then free everything. Accepts NULL. */
void ilrs_exec_destroy(ilrs_exec_t *exec);
void ilrs_exec_set_notice_hook(ilrs_exec_t *exec, ilrs_exec_notice_fn fn, void *user);

/**
 * @brief Register an app (before ilrs_exec_start()).
 * @param[out] app the handle (owned by the executive), may be NULL; NULL on failure.
 * @return 0, ILRS_EINVAL (name, rate not dividing minor_hz, slot, no step),
 *         ILRS_EEXIST (name), ILRS_ELIMIT (max_apps or schedule cycle too long),
 *         ILRS_ESTATE (already started), ILRS_ENOMEM.
 */
int ilrs_exec_add_app(ilrs_exec_t *exec, const ilrs_app_def_t *def, ilrs_app_t **app);

/**
 * @brief Initialise every app in registration order (a failing init counts as a
 *        failure and schedules a restart) and build the schedule.
 * @return 0, ILRS_ESTATE (already started).
 */
int ilrs_exec_start(ilrs_exec_t *exec);

/** @brief Run one minor frame (starts the executive if needed). */
int ilrs_exec_run_frame(ilrs_exec_t *exec);
/**
 * @brief Run minor frames until @p duration_ns of (virtual or wall) time passed.
 *        Stops early, returning 0, when ilrs_exec_request_stop() was called.
 */
int ilrs_exec_run(ilrs_exec_t *exec, int64_t duration_ns);
/** @brief Ask ilrs_exec_run() to return after the current frame (e.g. from a signal handler). */
void ilrs_exec_request_stop(ilrs_exec_t *exec);

/** @brief Command: fini (when running) and init now; clears the failure count. */
int ilrs_exec_restart_app(ilrs_exec_t *exec, ilrs_app_t *app);
/** @brief Command: disable (fini when running); the app stops stepping. */
int ilrs_exec_disable_app(ilrs_exec_t *exec, ilrs_app_t *app);
/** @brief Command: enable a disabled app (init then run); clears the failure count. */
int ilrs_exec_enable_app(ilrs_exec_t *exec, ilrs_app_t *app);

/** @brief App by name, NULL when absent. */
ilrs_app_t *ilrs_exec_find_app(const ilrs_exec_t *exec, const char *name);
uint32_t ilrs_exec_app_count(const ilrs_exec_t *exec);
/** @brief App by registration index, NULL when out of range. */
ilrs_app_t *ilrs_exec_app_at(const ilrs_exec_t *exec, uint32_t index);
void ilrs_exec_get_stats(const ilrs_exec_t *exec, ilrs_exec_stats_t *stats);
void ilrs_exec_get_app_stats(const ilrs_app_t *app, ilrs_app_stats_t *stats);
/** @brief Minor frame period in ns (rounded; frames start at exact n/minor_hz s). */
int64_t ilrs_exec_minor_period_ns(const ilrs_exec_t *exec);
uint64_t ilrs_exec_frame(const ilrs_exec_t *exec);
ilrs_time_t *ilrs_exec_time(const ilrs_exec_t *exec);

/* App handle basics (more services in the flight-instance section). */
const char *ilrs_app_name(const ilrs_app_t *app);
void *ilrs_app_context(const ilrs_app_t *app);
ilrs_app_state_t ilrs_app_get_state(const ilrs_app_t *app);
/** @brief Registration index (stable identity inside one executive). */
uint32_t ilrs_app_index(const ilrs_app_t *app);
/** @brief The flight instance this app runs in; NULL for a bare executive. */
ilrs_fsw_t *ilrs_app_fsw(const ilrs_app_t *app);

/* ========================================================================= */
/* Event service                                  (owner: events/tables session) */
/* ========================================================================= */

/* ========================================================================= */
/* Parameter tables                               (owner: events/tables session) */
/* ========================================================================= */

/* ========================================================================= */
/* Housekeeping and the flight instance             (owner: fsw-core session) */
/* ========================================================================= */

#ifdef __cplusplus
}
#endif
#endif /* ILRS_FSW_H */
