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
/**
 * A pipe id is a handle, not an index: bits 0-15 are the pipe's slot
 * (< ilrs_bus_pipe_capacity()), bits 16-31 the slot's generation, which
 * ilrs_bus_pipe_create() advances each time it fills the slot (the serial number
 * in cFE's resource ids). Generations run 1..65535 and wrap to 1, never 0, so a
 * zeroed id is never valid; slot 65535 skips generation 65535, so no pipe is ever
 * ILRS_BUS_PIPE_NONE. Every bus call checks the whole id: an id whose pipe was
 * deleted (even when the slot holds a newer pipe) is refused with ILRS_EFSW_NOPIPE
 * and counted in ilrs_bus_stats_t.bad_pipe_ids. A stale id becomes valid again
 * only after 65535 more pipes were created in its slot.
 */
typedef uint32_t ilrs_pipe_id_t;

#define ILRS_BUS_PIPE_SLOT_BITS 16u
#define ILRS_BUS_PIPE_SLOT_MASK 0xFFFFu
/** Highest generation; the one after it is 1. */
#define ILRS_BUS_PIPE_GEN_MAX 0xFFFFu

/** Slot index of a pipe id (for tables indexed by slot; < ilrs_bus_pipe_capacity()
 *  for every id the bus handed out). */
static inline uint32_t ilrs_bus_pipe_slot(ilrs_pipe_id_t pipe)
{
    return pipe & ILRS_BUS_PIPE_SLOT_MASK;
}
/** Generation of a pipe id (1..ILRS_BUS_PIPE_GEN_MAX for every id the bus handed out). */
static inline uint32_t ilrs_bus_pipe_generation(ilrs_pipe_id_t pipe)
{
    return pipe >> ILRS_BUS_PIPE_SLOT_BITS;
}

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
 * 64/256/1024/4096/65542 octets × 1024/1024/256/64/8, pipes up to 256 deep,
 * 2048 subscriptions in all).
 * Bounds (else ILRS_EINVAL): max_pipes ≤ 65536, max_pipe_depth ≤ 65536,
 * max_subscriptions ≤ 1048576, classes strictly ascending, each class 6..65542
 * octets and 1..1048576 buffers, and one GiB in all.
 */
typedef struct ilrs_bus_config {
    uint32_t max_pipes;
    uint32_t max_subscribers_per_msgid;
    uint32_t buffer_class_count;            /**< 0 = defaults */
    ilrs_bus_buffer_class_t buffer_classes[ILRS_BUS_MAX_BUFFER_CLASSES]; /**< ascending size */
    uint32_t max_pipe_depth;    /**< deepest pipe ilrs_bus_pipe_create() accepts (0 = 256) */
    uint32_t max_subscriptions; /**< subscriptions over all pipes and IDs (0 = 2048) */
} ilrs_bus_config_t;

/** Pipe id passed to the drop hook when no pipe is involved. */
#define ILRS_BUS_PIPE_NONE UINT32_MAX
/** Message ID passed to the drop hook when none is known (packet too short, alloc). */
#define ILRS_BUS_MSGID_NONE ((ilrs_msgid_t)0xFFFFu)
/**
 * Drop hooks may publish and receive (e.g. to raise an event), but a drop inside a
 * hook nested this deep is only counted (stats.hook_suppressed), so a hook that
 * keeps dropping cannot recurse without end.
 */
#define ILRS_BUS_HOOK_DEPTH_MAX 4u

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
 * pipe is involved, else the pipe's full id (valid for ilrs_bus_get_pipe_stats()). The hook may publish, allocate and receive; while it runs,
 * ilrs_bus_pipe_create/_delete, ilrs_bus_subscribe/_unsubscribe return ILRS_EBUSY.
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
    uint64_t hook_suppressed; /**< drops not passed to the hook (nesting deeper than
                                   ILRS_BUS_HOOK_DEPTH_MAX); still counted above */
    uint64_t bad_pipe_ids;    /**< calls refused with ILRS_EFSW_NOPIPE: slot out of
                                   range, pipe deleted, or stale generation */
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
 * @param[in] name borrowed (copied); unique among live pipes, 1..31 characters.
 * @param[out] pipe the new pipe id (slot and generation, see ilrs_pipe_id_t; use
 *             ilrs_bus_pipe_slot() for a slot index); set to ILRS_BUS_PIPE_NONE on
 *             failure. Slots are taken round-robin (the first free one after the
 *             slot last filled), so a deleted pipe's slot is not refilled at once.
 * @return 0, ILRS_EINVAL (depth 0 or above max_pipe_depth, name NULL, empty or too
 *         long), ILRS_ELIMIT (max_pipes), ILRS_EEXIST (name in use), ILRS_EBUSY.
 */
int ilrs_bus_pipe_create(ilrs_bus_t *bus, const char *name, uint32_t depth,
                         ilrs_pipe_id_t *pipe);
/**
 * @brief Delete a pipe: unsubscribe everything, release its queued messages and the
 *        message last received from it (pointers from ilrs_bus_receive() die).
 * @return 0, ILRS_EFSW_NOPIPE, ILRS_EBUSY (called from the drop hook).
 */
int ilrs_bus_pipe_delete(ilrs_bus_t *bus, ilrs_pipe_id_t pipe);

/**
 * @brief Subscribe @p pipe to @p msgid, holding at most @p msg_limit messages of
 *        that ID at once (0 = the pipe's depth).
 * @return 0, ILRS_EFSW_NOPIPE, ILRS_EFSW_MSGID, ILRS_ELIMIT (subscribers per ID or
 *         max_subscriptions), ILRS_EEXIST (already subscribed: the limit is updated
 *         and 0 is NOT returned), ILRS_EBUSY (called from the drop hook).
 *         Messages already queued stay queued.
 */
int ilrs_bus_subscribe(ilrs_bus_t *bus, ilrs_pipe_id_t pipe, ilrs_msgid_t msgid,
                       uint32_t msg_limit);
/**
 * @brief Remove a subscription. Messages of that ID already queued stay queued.
 * @return 0, ILRS_EFSW_NOPIPE, ILRS_EFSW_MSGID, ILRS_EFSW_NOSUB, ILRS_EBUSY.
 */
int ilrs_bus_unsubscribe(ilrs_bus_t *bus, ilrs_pipe_id_t pipe, ilrs_msgid_t msgid);

/**
 * @brief Publish a copy of @p packet to every subscribed pipe. The message ID
 *        comes from the packet header; @p len must equal the header's length.
 * @return 0 when every subscriber got it (or there were none);
 *         ILRS_EFSW_PIPEFULL / ILRS_EFSW_MSGLIMIT when at least one pipe dropped it
 *         (the others still got it); ILRS_EFSW_NOBUF (pool exhausted or packet larger
 *         than every class; counted in alloc_failures); ILRS_ECCSDS_TOOSMALL (fewer
 *         than 6 octets), ILRS_ECCSDS_VERSION, ILRS_ECCSDS_LENGTH (header length
 *         != @p len) for a malformed packet (counted as invalid, delivered nowhere);
 *         ILRS_EINVAL (NULL). Every drop calls the drop hook.
 * @param[in] packet borrowed; copied into a pool buffer before return.
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
 *        ILRS_EINVAL: @p buffer is not an unpublished buffer of this bus, or @p len
 *        exceeds what was allocated.
 */
int ilrs_bus_publish_zc(ilrs_bus_t *bus, void *buffer, size_t len);
/** @brief Give back an unpublished buffer from ilrs_bus_alloc(). Accepts NULL. */
void ilrs_bus_free(ilrs_bus_t *bus, void *buffer);

/**
 * @brief Take the oldest message from a pipe (never blocks).
 * @param[out] packet borrowed: valid until the next receive on this pipe or its
 *             deletion. Set to NULL on failure.
 * @param[out] len octets of @p packet; 0 on failure.
 * @return 0, ILRS_EEMPTY, ILRS_EFSW_NOPIPE, ILRS_EINVAL.
 */
int ilrs_bus_receive(ilrs_bus_t *bus, ilrs_pipe_id_t pipe, const uint8_t **packet, size_t *len);

/** @brief Bus statistics into @p stats (zeroed when @p bus is NULL). */
void ilrs_bus_get_stats(const ilrs_bus_t *bus, ilrs_bus_stats_t *stats);
/**
 * @brief Statistics of one pipe (@p stats zeroed before any failure). Not const:
 *        a bad @p pipe is counted in bad_pipe_ids like in every other bus call.
 * @return 0, ILRS_EINVAL, ILRS_EFSW_NOPIPE.
 */
int ilrs_bus_get_pipe_stats(ilrs_bus_t *bus, ilrs_pipe_id_t pipe, ilrs_bus_pipe_stats_t *stats);
/** @brief Number of pipe slots: ilrs_bus_pipe_slot() of every id is below this. */
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
    int32_t nanosecond; /**< 0..999999999 */
} ilrs_utc_t;

/** Time scales for Julian dates. */
typedef enum ilrs_time_scale {
    ILRS_TIME_TAI = 0,
    ILRS_TIME_UTC = 1, /**< ERFA quasi-JD convention (leap-second days stretched) */
    ILRS_TIME_TT = 2,
    ILRS_TIME_TDB = 3, /**< geocentric TDB (eraDtdb at the geocentre) */
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
int ilrs_time_format_cuc(ilrs_tai_t tai, ilrs_ccsds_cuc_format_t fmt, bool with_pfield, char *buf,
                         size_t cap);

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
    ilrs_tai_t epoch; /**< TAI at sclk0 */
    int64_t sclk0;    /**< ns */
    double drift;     /**< fractional rate correction */
    uint32_t points;  /**< pairs in the current fit */
    double rms_s;     /**< residual RMS of the fit, s (0 below 3 points) */
    uint64_t updates; /**< fits and sets so far */
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
 * Execution times are measured in both modes for the host (ilrs_exec_get_app_stats;
 * every step in wall mode, one in timing_sample in virtual mode), but only in wall
 * mode do they feed flight behaviour: overrun counters, overrun
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
    const char *name; /**< e.g. "POWER"; unique */
    const char *description;
    ilrs_app_init_fn init; /**< may be NULL */
    ilrs_app_step_fn step; /**< required */
    ilrs_app_fini_fn fini; /**< may be NULL */
    double rate_hz;        /**< must divide the minor-frame rate (e.g. 0.1, 1, 10, 100) */
    uint32_t slot;         /**< minor-frame offset, < minor_hz / rate_hz */
    int32_t priority;      /**< lower runs first within a frame */
    int64_t budget_ns;     /**< execution budget per step (0 = none) */
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
    /** Flight instance only: zero the app's own counters (standard ResetCounters); may be NULL. */
    ilrs_app_fini_fn reset_counters;
} ilrs_app_def_t;

/** Executive configuration; zero fields take the defaults. */
typedef struct ilrs_exec_config {
    uint32_t minor_hz;         /**< minor frames per second (default 100, 1..10000) */
    uint32_t minor_per_major;  /**< minor frames per major frame (default minor_hz) */
    uint32_t max_apps;         /**< default 64 */
    double restart_delay_s;    /**< failure -> restart delay (default 1 s) */
    uint32_t max_failures;     /**< failures before the app is disabled (default 3) */
    uint32_t max_cycle_frames; /**< longest schedule cycle (default 100000 frames) */
    /**
     * Virtual mode: time one step in this many per app (default 16; 1 = every step).
     * Wall mode times every step (overruns need it).
     */
    uint32_t timing_sample;
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
    uint64_t failures; /**< steps or inits that returned < 0 */
    uint64_t restarts;
    uint64_t overruns;                /**< wall mode only */
    uint64_t timed_steps;             /**< steps measured (all on wall time, sampled on virtual) */
    int64_t exec_min_ns, exec_max_ns; /**< over the timed steps (host information) */
    double exec_mean_ns;              /**< mean over the timed steps */
    int64_t exec_total_ns;            /**< mean x steps (exact when every step is timed) */
} ilrs_app_stats_t;

/** Executive statistics. */
typedef struct ilrs_exec_stats {
    uint64_t minor_frames;
    uint64_t major_frames;
    uint64_t steps;
    uint64_t failures;
    uint64_t restarts;
    uint64_t overruns;    /**< wall mode only */
    uint64_t frame_slips; /**< wall mode: frames started after their deadline */
    uint32_t apps;
    uint32_t apps_running;
    uint32_t apps_disabled;
} ilrs_exec_stats_t;

/** Severity-tagged notices the executive raises (routed to the event service). */
typedef enum ilrs_exec_notice {
    ILRS_EXEC_NOTICE_STEP_FAIL = 1, /**< step returned < 0 (code in @c code) */
    ILRS_EXEC_NOTICE_INIT_FAIL = 2, /**< init returned < 0 */
    ILRS_EXEC_NOTICE_RESTARTED = 3, /**< init succeeded after a failure or command */
    ILRS_EXEC_NOTICE_DISABLED = 4,  /**< disabled after max_failures */
    ILRS_EXEC_NOTICE_OVERRUN = 5,   /**< wall mode: step exceeded budget (ns in @c code) */
    ILRS_EXEC_NOTICE_SLIP = 6,      /**< wall mode: frame started late (ns in @c code) */
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

/*
 * Numbered, filtered, rate-limited events in the cFE EVS tradition. The service
 * is a standalone object: the host gives it a clock (virtual TAI) and a sink, the
 * flight instance wires the sink to the bus (ilrs_evs_packet_encode() then
 * ilrs_bus_publish()). Everything is allocated in ilrs_evs_create().
 *
 * An event sent by an app passes, in order: the app's enable flag, the global and
 * per-app severity enables, the app's binary filter for that event ID, then the
 * app's rate limit (token bucket on virtual time). A sent event is formatted into
 * an ilrs_evs_record_t, stored in the log ring and passed to the sink.
 * Detailed design and verification: docs/fsw-events-tables.md.
 */

typedef struct ilrs_evs ilrs_evs_t;

#define ILRS_EVS_APP_NAME_MAX 20  /**< app name octets incl. NUL (cFE OS_MAX_API_NAME) */
#define ILRS_EVS_TEXT_MAX 122     /**< event text octets incl. NUL (cFE EVS message size) */
#define ILRS_EVS_SEVERITY_COUNT 4 /**< ILRS_EVENT_DEBUG .. ILRS_EVENT_CRITICAL */

/*
 * Binary filter masks (cFE EVS values): an event is sent when
 * (count & mask) == 0, where count is the number of times the event was
 * offered to the filter before (since the last reset). A mask whose bit 15 is
 * set is a "first N then stop" mask and never sends again until reset.
 */
#define ILRS_EVS_NO_FILTER 0x0000u        /**< send every time */
#define ILRS_EVS_FIRST_ONE_STOP 0xFFFFu   /**< send the first, then stop */
#define ILRS_EVS_FIRST_TWO_STOP 0xFFFEu
#define ILRS_EVS_FIRST_4_STOP 0xFFFCu
#define ILRS_EVS_FIRST_8_STOP 0xFFF8u
#define ILRS_EVS_FIRST_16_STOP 0xFFF0u
#define ILRS_EVS_FIRST_32_STOP 0xFFE0u
#define ILRS_EVS_FIRST_64_STOP 0xFFC0u
#define ILRS_EVS_EVERY_OTHER_ONE 0x0001u  /**< send 1st, 3rd, 5th ... */
#define ILRS_EVS_EVERY_OTHER_TWO 0x0002u  /**< send 1st, 2nd, 5th, 6th ... */
#define ILRS_EVS_EVERY_FOURTH_ONE 0x0003u /**< send 1st, 5th, 9th ... */

/** Service sizing. Zero fields take the defaults (32 apps, 16 filters per app, 256 log records). */
typedef struct ilrs_evs_config {
    uint32_t max_apps;            /**< registered apps at once, 1..4096 */
    uint32_t max_filters_per_app; /**< filtered event IDs per app, 1..1024 */
    uint32_t log_size;            /**< records in the log ring, 1..1048576 */
} ilrs_evs_config_t;

/** One filtered event ID of an app. */
typedef struct ilrs_evs_filter {
    uint16_t event_id;
    uint16_t mask;                /**< ILRS_EVS_* mask or any 16-bit value */
} ilrs_evs_filter_t;

/**
 * An app's registration. @c name is copied (at most ILRS_EVS_APP_NAME_MAX - 1
 * characters). The rate limit allows @c rate_limit_events events per
 * @c rate_limit_window ns of virtual time (a token bucket holding at most
 * @c rate_limit_events tokens, refilled continuously); 0 events = no limit.
 */
typedef struct ilrs_evs_app_config {
    const char *name;
    const ilrs_evs_filter_t *filters; /**< borrowed during the call */
    size_t filter_count;
    uint32_t rate_limit_events;
    ilrs_tai_t rate_limit_window;     /**< ns, > 0 when rate_limit_events > 0 */
} ilrs_evs_app_config_t;

/** A sent event, as logged, passed to the sink and packed into the event packet. */
typedef struct ilrs_evs_record {
    ilrs_tai_t time;                  /**< from the clock callback at send time */
    uint64_t seq;                     /**< 1 + number of events sent before this one */
    uint16_t app_id;
    uint16_t event_id;
    ilrs_event_severity_t severity;
    bool truncated;                   /**< text was cut to ILRS_EVS_TEXT_MAX - 1 */
    char app_name[ILRS_EVS_APP_NAME_MAX];
    char text[ILRS_EVS_TEXT_MAX];     /**< always NUL-terminated */
} ilrs_evs_record_t;

/** Virtual time source: returns TAI ns. */
typedef ilrs_tai_t (*ilrs_evs_clock_fn)(void *user);
/** Called synchronously once per sent event; @p record is valid only during the call. */
typedef void (*ilrs_evs_sink_fn)(void *user, const ilrs_evs_record_t *record);

/** Whole-service statistics. Every offered event lands in exactly one outcome counter. */
typedef struct ilrs_evs_stats {
    uint64_t sent;
    uint64_t filtered;                /**< stopped by a binary filter */
    uint64_t rate_limited;            /**< stopped by an app's rate limit */
    uint64_t disabled;                /**< app or severity disabled */
    uint64_t unregistered;            /**< from an app ID that is not registered */
    uint64_t invalid;                 /**< bad severity or NULL format */
    uint64_t truncated;               /**< sent with text truncated */
    uint64_t sent_by_severity[ILRS_EVS_SEVERITY_COUNT];
    uint64_t log_overwritten;         /**< oldest records lost to the ring */
    uint32_t log_count;               /**< records in the ring now */
    uint32_t log_size;
    uint32_t apps;                    /**< registered now */
    size_t memory_bytes;              /**< everything allocated at create */
} ilrs_evs_stats_t;

/** Per-app statistics and settings. */
typedef struct ilrs_evs_app_stats {
    char name[ILRS_EVS_APP_NAME_MAX];
    uint16_t app_id;
    bool enabled;
    bool severity_enabled[ILRS_EVS_SEVERITY_COUNT];
    uint32_t filter_count;
    uint32_t rate_limit_events;
    ilrs_tai_t rate_limit_window;
    uint64_t sent;
    uint64_t filtered;
    uint64_t rate_limited;
    uint64_t disabled;
    uint64_t sent_by_severity[ILRS_EVS_SEVERITY_COUNT];
} ilrs_evs_app_stats_t;

/**
 * @brief Create an event service. @p config may be NULL (defaults). Until a clock
 *        is set every event is stamped 0; until a sink is set events are only logged.
 * @param[out] out the service (caller destroys); NULL on failure.
 * @return 0, ILRS_EINVAL (sizing out of bounds), ILRS_ENOMEM.
 */
int ilrs_evs_create(const ilrs_evs_config_t *config, ilrs_evs_t **out);
/** @brief Destroy the service. Accepts NULL. */
void ilrs_evs_destroy(ilrs_evs_t *evs);
/** @brief Set the clock callback (NULL = time 0). @p user borrowed. */
void ilrs_evs_set_clock(ilrs_evs_t *evs, ilrs_evs_clock_fn fn, void *user);
/** @brief Set the sink callback (NULL removes it). @p user borrowed. */
void ilrs_evs_set_sink(ilrs_evs_t *evs, ilrs_evs_sink_fn fn, void *user);

/**
 * @brief Register app @p app_id (any 16-bit number, e.g. the executive's app id)
 *        with its filters and rate limit. The app starts enabled, every severity enabled.
 * @return 0, ILRS_EINVAL (NULL/empty/too long name, bad rate limit, duplicate event
 *         ID in filters), ILRS_EEXIST (app id registered), ILRS_ELIMIT (max_apps, or
 *         more filters than max_filters_per_app).
 */
int ilrs_evs_register(ilrs_evs_t *evs, uint16_t app_id, const ilrs_evs_app_config_t *config);
/** @brief Forget an app (its counters go with it). @return 0, ILRS_EFSW_APP. */
int ilrs_evs_unregister(ilrs_evs_t *evs, uint16_t app_id);
/** @brief Whether @p app_id is registered. */
bool ilrs_evs_is_registered(const ilrs_evs_t *evs, uint16_t app_id);

/**
 * @brief Offer an event: format @p fmt into the record (truncated to
 *        ILRS_EVS_TEXT_MAX - 1 characters, counted), then filter, log and sink it.
 * @return 0 (sent), ILRS_EFSW_FILTERED (filtered, rate-limited or disabled; the
 *         statistics say which), ILRS_EFSW_APP (not registered), ILRS_EINVAL
 *         (severity out of range or @p fmt NULL).
 */
int ilrs_evs_send(ilrs_evs_t *evs, uint16_t app_id, uint16_t event_id,
                  ilrs_event_severity_t severity, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/** @brief ilrs_evs_send() with a va_list. */
int ilrs_evs_vsend(ilrs_evs_t *evs, uint16_t app_id, uint16_t event_id,
                   ilrs_event_severity_t severity, const char *fmt, va_list args)
    __attribute__((format(printf, 5, 0)));

/* Control (what the EVS commands call). All return 0 or ILRS_EFSW_APP for an
 * unknown app, ILRS_EINVAL for a bad severity. */

/** @brief Enable or disable every event of an app. */
int ilrs_evs_set_app_enabled(ilrs_evs_t *evs, uint16_t app_id, bool enabled);
/** @brief Enable or disable one severity for one app. */
int ilrs_evs_set_app_severity_enabled(ilrs_evs_t *evs, uint16_t app_id,
                                      ilrs_event_severity_t severity, bool enabled);
/** @brief Enable or disable one severity for every app (checked before the app's own). */
int ilrs_evs_set_severity_enabled(ilrs_evs_t *evs, ilrs_event_severity_t severity, bool enabled);
/**
 * @brief Add a filter for @p event_id or change its mask (the count is reset).
 * @return 0, ILRS_EFSW_APP, ILRS_ELIMIT (app has max_filters_per_app filters).
 */
int ilrs_evs_set_filter(ilrs_evs_t *evs, uint16_t app_id, uint16_t event_id, uint16_t mask);
/** @brief Remove the filter of @p event_id. @return 0, ILRS_EFSW_APP, ILRS_ENOENT. */
int ilrs_evs_delete_filter(ilrs_evs_t *evs, uint16_t app_id, uint16_t event_id);
/** @brief Zero the count of one filter. @return 0, ILRS_EFSW_APP, ILRS_ENOENT. */
int ilrs_evs_reset_filter(ilrs_evs_t *evs, uint16_t app_id, uint16_t event_id);
/** @brief Zero the counts of every filter of an app. */
int ilrs_evs_reset_all_filters(ilrs_evs_t *evs, uint16_t app_id);
/**
 * @brief Change an app's rate limit (0 events = none); the bucket starts full.
 * @return 0, ILRS_EFSW_APP, ILRS_EINVAL (window <= 0 with events > 0, or
 *         events × window overflows 64 bits).
 */
int ilrs_evs_set_rate_limit(ilrs_evs_t *evs, uint16_t app_id, uint32_t events, ilrs_tai_t window);
/** @brief Zero an app's statistics counters (settings unchanged). */
int ilrs_evs_reset_app_counters(ilrs_evs_t *evs, uint16_t app_id);
/** @brief Zero the service counters (not the apps', not the log). */
void ilrs_evs_reset_counters(ilrs_evs_t *evs);

/* Log ring */

/** @brief Records in the log now (at most log_size). */
size_t ilrs_evs_log_count(const ilrs_evs_t *evs);
/**
 * @brief Copy record @p index of the log, 0 being the oldest still held.
 * @param[out] record zeroed first on failure.
 * @return 0, ILRS_ERANGE (index >= count).
 */
int ilrs_evs_log_get(const ilrs_evs_t *evs, size_t index, ilrs_evs_record_t *record);
/** @brief Empty the log (the overwritten counter is kept). */
void ilrs_evs_log_clear(ilrs_evs_t *evs);

/** @brief Service statistics. */
void ilrs_evs_get_stats(const ilrs_evs_t *evs, ilrs_evs_stats_t *stats);
/** @brief One app's statistics. @param[out] stats zeroed on failure. @return 0, ILRS_EFSW_APP. */
int ilrs_evs_get_app_stats(const ilrs_evs_t *evs, uint16_t app_id, ilrs_evs_app_stats_t *stats);

/* Event packet */

/**
 * Event telemetry packet, after the 12-octet telemetry header (time = event time):
 * app_name STRING[20] @12, app_id U16 @32, event_id U16 @34, severity U8 @36
 * (enumerated DEBUG/INFO/ERROR/CRITICAL), seq U32 @37 (low 32 bits of the record's
 * seq), truncated BOOL @41, text STRING[122] @42. Total 164 octets.
 */
#define ILRS_EVS_PACKET_LEN 164u

/**
 * @brief Encode @p record as an ilrs telemetry packet with @p apid (sequence count
 *        0; the bus or link sets it).
 * @param[out] len packet length (set to 0 before any failure).
 * @return 0, ILRS_EINVAL, ILRS_ECCSDS_APID, ILRS_ECCSDS_TOOSMALL (cap < ILRS_EVS_PACKET_LEN),
 *         ILRS_ERANGE (time before 1958 or beyond the 32-bit CUC coarse field).
 */
int ilrs_evs_packet_encode(const ilrs_evs_record_t *record, uint16_t apid, uint8_t *buf,
                           size_t cap, size_t *len);

/**
 * @brief The dictionary definition of the event packet for @p apid, ready for
 *        ilrs_dict_add_packet(): name "EVS_EVENT", owner station, app "EVS".
 *        Strings and the field array are static (never freed).
 */
void ilrs_evs_packet_def(uint16_t apid, ilrs_dict_packet_t *def);

/* ========================================================================= */
/* Parameter tables                               (owner: events/tables session) */
/* ========================================================================= */

/*
 * Parameter tables in the cFE TBL tradition. A table is the image of a C struct
 * described field by field (type, offset, default, bounds, enumeration, unit).
 * Each table owns two buffers: the active image apps read, and an inactive one
 * that loads fill. A load (text file, text in memory, or raw image) goes into the
 * inactive buffer and is validated field by field and by the app's callback; a
 * validated load becomes active only by ilrs_tbl_commit(), which swaps the
 * buffers. A rejected load never touches the active image. Buffers are allocated
 * when a table is registered (init time).
 *
 * Text form (full specification in docs/fsw-events-tables.md):
 *
 *     # comment lines and trailing comments start with '#'
 *     table = POWER_PARAMS
 *     battery_low_soc = 0.25        # numbers: decimal, 0x hex for integers
 *     heater_mode = AUTO            # enumeration label or its number
 *     enabled = true
 *     label = "main bus"            # strings quoted, C escapes \" \\ \n \t \xHH
 *     gains = 1.0, 2.5, 3           # arrays: comma separated, every element
 *     crc = 0x1A2B3C4D              # optional, last line: CRC-32 of all octets before it
 *
 * Every field must appear exactly once. Errors name the source, line and field.
 */

typedef struct ilrs_tbl ilrs_tbl_t;
typedef struct ilrs_tbl_registry ilrs_tbl_registry_t;

#define ILRS_TBL_NAME_MAX 32         /**< table names: [A-Za-z][A-Za-z0-9_]*, at most 31 chars */
#define ILRS_TBL_TEXT_MAX (1u << 20) /**< largest text form accepted, octets */
#define ILRS_TBL_LINE_MAX 1024u      /**< longest text line, octets */

/**
 * One field of a table image. Zero-initialise and set what applies.
 * In the image a field is the native C type of @c type (U8 uint8_t ... F64 double,
 * BOOL bool, STRING char[length] NUL-terminated within length, BYTES uint8_t[length]),
 * repeated @c count times (0 or 1 = scalar) at @c offset (use offsetof()).
 */
typedef struct ilrs_tbl_field {
    const char *name;               /**< [A-Za-z][A-Za-z0-9_]*, unique in the table */
    ilrs_dict_type_t type;
    uint16_t length;                /**< STRING/BYTES: octets in the image (STRING incl. NUL) */
    uint16_t count;                 /**< array elements; numeric and BOOL only; 0 = 1 */
    size_t offset;                  /**< octets from the start of the image */
    const char *unit;               /**< NULL or "" when dimensionless */
    const char *description;
    double default_value;           /**< numeric/BOOL default, every element */
    const char *default_string;     /**< STRING default (NULL = ""); BYTES default is zeros */
    bool has_range;                 /**< reject values outside [min, max] */
    double min, max;
    const ilrs_dict_enum_t *enums;  /**< integer types: only these values are valid */
    size_t enum_count;
} ilrs_tbl_field_t;

/**
 * App validation callback, run on a candidate image after every field passed its
 * own checks. Return 0 to accept, or a negative ILRS_E* code (ILRS_EFSW_TABLE
 * suggested) and write a reason into @p error (@p error_cap octets).
 */
typedef int (*ilrs_tbl_validate_fn)(void *user, const void *image, char *error, size_t error_cap);

/** A table definition. Strings and fields are copied by ilrs_tbl_register(). */
typedef struct ilrs_tbl_def {
    const char *name;
    const char *app;                 /**< owning app (informational) */
    const char *description;
    size_t size;                     /**< sizeof the image struct, 1..16 MiB */
    const ilrs_tbl_field_t *fields;
    size_t field_count;              /**< 1..ILRS_TBL_FIELDS_MAX */
    ilrs_tbl_validate_fn validate;   /**< optional */
    void *validate_user;             /**< borrowed, must outlive the table */
} ilrs_tbl_def_t;

#define ILRS_TBL_FIELDS_MAX 1024u
/* Bounds that keep every text line of a dump under ILRS_TBL_LINE_MAX: larger
 * data goes in several fields. */
#define ILRS_TBL_ARRAY_MAX 32u   /**< largest @c count of an array field */
#define ILRS_TBL_STRING_MAX 128u /**< largest @c length of a STRING field (incl. NUL) */
#define ILRS_TBL_BYTES_MAX 256u  /**< largest @c length of a BYTES field */

/** Where and why a load failed. */
typedef struct ilrs_tbl_error {
    int code;                        /**< 0 or the ILRS_E* code returned */
    char source[128];                /**< file path or buffer name (truncated) */
    uint32_t line;                   /**< 1-based text line, 0 when not line-related */
    char field[ILRS_DICT_NAME_MAX];  /**< offending field, "" when none */
    char message[256];               /**< full sentence naming source, line, field, bound */
} ilrs_tbl_error_t;

/** Per-table statistics. */
typedef struct ilrs_tbl_stats {
    char name[ILRS_TBL_NAME_MAX];
    size_t size;
    uint32_t crc;                    /**< CRC-32 (ilrs_crc32) of the active image */
    uint32_t generation;             /**< commits so far (0 = defaults) */
    bool pending;                    /**< a validated load waits for commit */
    uint64_t loads_ok;               /**< loads validated */
    uint64_t loads_rejected;
    uint64_t commits;
    uint64_t dumps;
    ilrs_tbl_error_t last_error;     /**< the latest rejection (code 0 if none) */
} ilrs_tbl_stats_t;

/** Registry-wide totals. */
typedef struct ilrs_tbl_registry_stats {
    uint32_t tables;
    uint32_t max_tables;
    uint64_t loads_ok;
    uint64_t loads_rejected;
    uint64_t commits;
    size_t memory_bytes;             /**< buffers and copies allocated */
} ilrs_tbl_registry_stats_t;

/**
 * @brief Create a registry for at most @p max_tables tables (1..4096).
 * @return 0, ILRS_EINVAL, ILRS_ENOMEM.
 */
int ilrs_tbl_registry_create(uint32_t max_tables, ilrs_tbl_registry_t **out);
/** @brief Destroy the registry and every table in it. Accepts NULL. */
void ilrs_tbl_registry_destroy(ilrs_tbl_registry_t *registry);

/**
 * @brief Register a table: checks the definition (names, types, offsets within
 *        size and not overlapping, enums on integer types, defaults within their
 *        own bounds), allocates both buffers, applies the defaults and makes them
 *        active (generation 0). On failure the registry is unchanged.
 * @param[out] out the table (owned by the registry), NULL on failure. May be NULL.
 * @param[out] error reason naming the field (may be NULL).
 * @return 0, ILRS_EINVAL (bad definition), ILRS_EEXIST (name taken),
 *         ILRS_ELIMIT (max_tables), ILRS_ERANGE (a default outside its bounds),
 *         ILRS_EFSW_TABLE (defaults rejected by the validation callback), ILRS_ENOMEM.
 */
int ilrs_tbl_register(ilrs_tbl_registry_t *registry, const ilrs_tbl_def_t *def, ilrs_tbl_t **out,
                      ilrs_tbl_error_t *error);
/** @brief Find a table by name; NULL when absent. */
ilrs_tbl_t *ilrs_tbl_find(const ilrs_tbl_registry_t *registry, const char *name);
/** @brief Number of registered tables. */
size_t ilrs_tbl_count(const ilrs_tbl_registry_t *registry);
/** @brief Table @p index in registration order; NULL when out of range. */
ilrs_tbl_t *ilrs_tbl_at(const ilrs_tbl_registry_t *registry, size_t index);

/** @brief The table's name (owned by the table). */
const char *ilrs_tbl_name(const ilrs_tbl_t *table);
/** @brief Image size in octets. */
size_t ilrs_tbl_size(const ilrs_tbl_t *table);
/**
 * @brief The active image (borrowed: valid until the next ilrs_tbl_commit() on this
 *        table; apps fetch it again each cycle or when the generation changes).
 */
const void *ilrs_tbl_get(const ilrs_tbl_t *table);
/** @brief Commits so far; an app compares it to notice an update. */
uint32_t ilrs_tbl_generation(const ilrs_tbl_t *table);
/** @brief CRC-32 of the active image. */
uint32_t ilrs_tbl_crc(const ilrs_tbl_t *table);

/*
 * Loads. Each fills the inactive buffer and validates it; on success the load is
 * pending (replacing any earlier pending load) until commit or abort; on failure
 * nothing pending remains, @p error says why, loads_rejected is counted and the
 * active image is untouched. @p error may be NULL. Return codes:
 * ILRS_EFORMAT (syntax, garbage, not a table file), ILRS_EFSW_TABLE (wrong table
 * name, or rejected by the validation callback: then the callback's code is returned
 * if it is a negative ILRS_E* code), ILRS_ENOENT (unknown field), ILRS_EEXIST
 * (duplicate field), ILRS_ETRUNC (missing field or truncated input), ILRS_ERANGE
 * (value out of bounds or not a valid enumeration label), ILRS_ETYPE (value of the
 * wrong kind), ILRS_ECRC (crc line disagrees), ILRS_EIO (file unreadable).
 */

/** @brief Load the text form from a file (at most ILRS_TBL_TEXT_MAX octets). */
int ilrs_tbl_load_file(ilrs_tbl_t *table, const char *path, ilrs_tbl_error_t *error);
/**
 * @brief Load the text form from memory. @p source names it in error messages
 *        (NULL = "<buffer>"). @p text need not be NUL-terminated.
 */
int ilrs_tbl_load_text(ilrs_tbl_t *table, const char *text, size_t len, const char *source,
                       ilrs_tbl_error_t *error);
/**
 * @brief Load a raw image of exactly ilrs_tbl_size() octets (e.g. a struct the app
 *        built); validated like a text load. @return as above, ILRS_EINVAL for a
 *        wrong size.
 */
int ilrs_tbl_load_image(ilrs_tbl_t *table, const void *image, size_t size,
                        ilrs_tbl_error_t *error);
/**
 * @brief Make the pending load active (swap buffers), recompute the CRC, bump
 *        the generation. @return 0, ILRS_ESTATE (nothing pending).
 */
int ilrs_tbl_commit(ilrs_tbl_t *table);
/** @brief Discard a pending load. @return 0, ILRS_ESTATE (nothing pending). */
int ilrs_tbl_abort(ilrs_tbl_t *table);
/** @brief Whether a validated load waits for commit. */
bool ilrs_tbl_is_pending(const ilrs_tbl_t *table);

/**
 * @brief Dump the active image in the text form (with comments giving units and
 *        bounds, and a crc line), loadable as is.
 * @param[out] len octets written without the terminating NUL (set before failure);
 *        when @p cap is too small, the octets needed. @p buf may be NULL with
 *        @p cap 0 to ask for the size.
 * @return 0, ILRS_EOVERFLOW (cap too small; @p buf holds nothing useful).
 */
int ilrs_tbl_dump_text(ilrs_tbl_t *table, char *buf, size_t cap, size_t *len);
/**
 * @brief Dump the text form to a file: written to "<path>.tmp", then renamed into
 *        place, so a failed dump leaves an earlier file intact. Never allocates.
 * @return 0, ILRS_EINVAL (path longer than 4090 octets), ILRS_EIO.
 */
int ilrs_tbl_dump_file(ilrs_tbl_t *table, const char *path);

/** @brief Per-table statistics. */
void ilrs_tbl_get_stats(const ilrs_tbl_t *table, ilrs_tbl_stats_t *stats);
/** @brief Registry totals. */
void ilrs_tbl_registry_get_stats(const ilrs_tbl_registry_t *registry,
                                 ilrs_tbl_registry_stats_t *stats);

/* ========================================================================= */
/* Housekeeping and the flight instance             (owner: fsw-core session) */
/* ========================================================================= */

/*
 * A flight instance wires a bus, a time service, an executive, an event service, a
 * table registry and a dictionary, and runs the core apps:
 *
 *   app   APID   role
 *   EXEC  0x010  app control (restart/enable/disable), executive telemetry
 *   EVS   0x011  event packets on the bus (APID 0x01F), filter/enable commands
 *   SB    0x012  bus statistics telemetry, drop events
 *   TIME  0x013  time telemetry, correlation commands
 *   TBL   0x014  table load/activate/abort/dump commands
 *   HK    0x015  publishes every app's HK packet
 *   CMD   0x016  command ingest: counters and events for rejected commands
 *
 * Every app gets a handle (ilrs_app_t) to reach the services: publish, subscribe,
 * receive, events, tables, dictionary registrations and HK counters. Each app owns
 * one APID: its HK packet "<APP>_HK" (APID) and its commands (command APID), of
 * which function codes 0 "<App>Noop" and 1 "<App>ResetCounters" are standard.
 *
 * Commands enter through ilrs_fsw_command(): checked by ilrs_dict_check_command()
 * before any app sees them; a rejected command raises a CMD event naming the
 * reason and is counted; an accepted one travels on the bus to its app's command
 * pipe and is dispatched to the app's handler just before the app's next step.
 *
 * Housekeeping: each app registers counters (name, unit, type, pointer) in its
 * init; at start the framework builds the app's HK packet definition in the
 * dictionary: standard fields (cmd_accepted, cmd_rejected, steps, failures,
 * restarts, overruns, state, exec_mean_us, exec_max_us) then the counters. The HK
 * app publishes each app's packet every hk_interval_s. Timing fields are 0 in
 * virtual mode (determinism, see the executive).
 *
 * Event IDs: 1 <APP>_NOOP_INF, 2 <APP>_RESET_INF, 3 <APP>_CMD_ERR are the
 * framework's in every app; app-specific IDs start at 10 (catalog: docs/events.md).
 */

/**
 * Command handler. @p pkt is the whole command packet (already checked against the
 * dictionary: known, exact length, arguments in range). Return 0 to accept or a
 * negative ILRS_E code to reject (counted; an <APP>_CMD_ERR event names the code).
 */
typedef int (*ilrs_app_cmd_fn)(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len);

#define ILRS_FSW_APID_EXEC      0x010u
#define ILRS_FSW_APID_EVS       0x011u
#define ILRS_FSW_APID_SB        0x012u
#define ILRS_FSW_APID_TIME      0x013u
#define ILRS_FSW_APID_TBL       0x014u
#define ILRS_FSW_APID_HK        0x015u
#define ILRS_FSW_APID_CMD       0x016u
#define ILRS_FSW_APID_EVENTS    0x01Fu /**< event packets (ILRS_EVS_PACKET_LEN) */
#define ILRS_FSW_APID_USER_BASE 0x100u /**< first APID assigned to apps without one */
#define ILRS_FSW_CORE_APP_COUNT 7u
#define ILRS_FSW_FIRST_APP_EID  10u /**< first app-specific event ID */

/** Flight instance configuration; zero fields take the defaults. */
typedef struct ilrs_fsw_config {
    ilrs_time_config_t time;
    ilrs_exec_config_t exec; /**< max_apps includes the core apps */
    ilrs_bus_config_t bus;
    ilrs_evs_config_t evs;   /**< max_apps defaults to exec.max_apps */
    uint32_t max_tables;     /**< default 64 */
    uint32_t evs_rate_limit; /**< events per second per app (default 20) */
    uint32_t hk_interval_s;  /**< HK packet period per app (default 4 s) */
    uint32_t cmd_max_len;    /**< longest command accepted (default 1024 octets) */
    /** Definitions known by name (a station's app catalog), borrowed for the call. */
    const ilrs_app_def_t *registry;
    size_t registry_count;
    /** Apps to start, by name, looked up in @c registry (borrowed for the call). */
    const char *const *apps;
    size_t app_count;
} ilrs_fsw_config_t;

/** Command ingest statistics (also the CMD app's HK counters). */
typedef struct ilrs_fsw_cmd_stats {
    uint32_t accepted;
    uint32_t malformed;        /**< CCSDS header, checksum, NULL/short buffer */
    uint32_t unknown;          /**< no such (APID, function code) in the dictionary */
    uint32_t bad_length;       /**< known command, wrong length */
    uint32_t bad_argument;     /**< argument out of range / bad enum / string */
    uint32_t oversize;         /**< longer than cmd_max_len */
    uint32_t no_route;         /**< in the dictionary but no app serves the APID */
    uint32_t dropped;          /**< accepted but the app's command pipe was full */
    uint32_t handler_rejected; /**< refused by the app's handler */
} ilrs_fsw_cmd_stats_t;

/**
 * @brief Create a flight instance: every service, the core apps and the apps the
 *        configuration names (not started: add apps in code with ilrs_fsw_add_app(),
 *        then ilrs_fsw_start() or just ilrs_fsw_run()). @p config may be NULL.
 * @param[out] out the instance (caller destroys), NULL on failure.
 * @return 0, ILRS_EINVAL (sizing), ILRS_EFSW_APP (a configured name not in the
 *         registry), ILRS_ENOMEM, or a service's creation error.
 */
int ilrs_fsw_create(const ilrs_fsw_config_t *config, ilrs_fsw_t **out);
/** @brief Stop every app (fini) and free everything. Accepts NULL. */
void ilrs_fsw_destroy(ilrs_fsw_t *fsw);

/**
 * @brief Add an app before start (APID assigned from ILRS_FSW_APID_USER_BASE when
 *        the definition has 0). Registers it with the executive and the event service
 *        and creates its command pipe.
 * @return as ilrs_exec_add_app(), ILRS_EEXIST (APID taken), ILRS_ELIMIT (pipes).
 */
int ilrs_fsw_add_app(ilrs_fsw_t *fsw, const ilrs_app_def_t *def, ilrs_app_t **app);

/**
 * @brief Start: init every app (they register packets, commands, events, tables
 *        and HK counters), then build each app's HK packet in the dictionary.
 * @return 0, ILRS_ESTATE (started), or a dictionary error for an HK packet.
 */
int ilrs_fsw_start(ilrs_fsw_t *fsw);

/** @brief Run for @p duration_ns (starting first if needed). */
int ilrs_fsw_run(ilrs_fsw_t *fsw, int64_t duration_ns);

/**
 * @brief Ingest one command packet (borrowed for the call): size limit, then
 *        ilrs_dict_check_command(), then routing to the owning app's command pipe.
 *        A rejection raises a CMD_*_ERR event naming the reason and is counted; the
 *        command reaches no app.
 * @return 0 (accepted and queued), ILRS_EINVAL (NULL), ILRS_EOVERFLOW (oversize),
 *         ILRS_ECCSDS_* / ILRS_ECRC (malformed), ILRS_EFSW_CMD (unknown or wrong
 *         length), ILRS_EFSW_ARG (argument), ILRS_EFSW_APP (no route),
 *         ILRS_EFSW_PIPEFULL (dropped).
 */
int ilrs_fsw_command(ilrs_fsw_t *fsw, const uint8_t *pkt, size_t len);

void ilrs_fsw_get_cmd_stats(const ilrs_fsw_t *fsw, ilrs_fsw_cmd_stats_t *stats);

/* Services (borrowed, owned by the instance). */
ilrs_bus_t *ilrs_fsw_bus(const ilrs_fsw_t *fsw);
ilrs_time_t *ilrs_fsw_time(const ilrs_fsw_t *fsw);
ilrs_exec_t *ilrs_fsw_exec(const ilrs_fsw_t *fsw);
ilrs_evs_t *ilrs_fsw_evs(const ilrs_fsw_t *fsw);
ilrs_tbl_registry_t *ilrs_fsw_tables(const ilrs_fsw_t *fsw);
ilrs_dict_t *ilrs_fsw_dict(const ilrs_fsw_t *fsw);

/* ---- app services (for apps running in a flight instance) -------------------- */

/** @brief The app's APID (HK telemetry and commands). */
uint16_t ilrs_app_apid(const ilrs_app_t *app);
/** @brief Onboard TAI now. */
ilrs_tai_t ilrs_app_time(const ilrs_app_t *app);

/** @brief Publish a packet on the bus (ilrs_bus_publish()). */
int ilrs_app_publish(ilrs_app_t *app, const void *packet, size_t len);
/**
 * @brief Subscribe the app's data pipe (created on first use, depth
 *        def.pipe_depth) to @p msgid. @return as ilrs_bus_subscribe().
 */
int ilrs_app_subscribe(ilrs_app_t *app, ilrs_msgid_t msgid, uint32_t msg_limit);
/**
 * @brief Take the next message of the app's data pipe (never blocks).
 * @param[out] packet borrowed until the next receive. @return 0, ILRS_EEMPTY.
 */
int ilrs_app_receive(ilrs_app_t *app, const uint8_t **packet, size_t *len);

/** @brief Send an event from this app (ilrs_evs_send()). */
int ilrs_app_event(ilrs_app_t *app, uint16_t event_id, ilrs_event_severity_t severity,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/**
 * @brief Put an event in the dictionary's catalog (in init). Re-registering an
 *        identical event (after a restart) is accepted.
 * @return 0, or an ilrs_dict_add_event() error.
 */
int ilrs_app_register_event(ilrs_app_t *app, uint16_t event_id, const char *name,
                            ilrs_event_severity_t severity, const char *format,
                            const char *description);
/**
 * @brief Add a telemetry packet to the dictionary (owner "station" and app name
 *        filled when NULL). After a restart an existing packet of the same name
 *        and APID is returned.
 */
int ilrs_app_register_packet(ilrs_app_t *app, const ilrs_dict_packet_t *packet,
                             const ilrs_dict_packet_t **stored);
/**
 * @brief Add a command with its handler. The APID is the app's (the definition's
 *        is ignored); function codes 0 and 1 are the standard ones.
 * @return 0, ILRS_EEXIST, ILRS_ELIMIT (handlers per app), a dictionary error.
 */
int ilrs_app_register_command(ilrs_app_t *app, const ilrs_dict_command_t *command,
                              ilrs_app_cmd_fn handler, const ilrs_dict_command_t **stored);
/** @brief Register a parameter table (ilrs_tbl_register(); app name filled). */
int ilrs_app_register_table(ilrs_app_t *app, const ilrs_tbl_def_t *def, ilrs_tbl_t **table,
                            ilrs_tbl_error_t *error);
/**
 * @brief Register an HK counter: @p value (borrowed, must live as long as the app)
 *        of a numeric @p type is read each time the HK packet is built. Before
 *        start only (or re-registered under the same name after a restart).
 * @return 0, ILRS_EINVAL (name, type), ILRS_ELIMIT, ILRS_ESTATE (new name after start).
 */
int ilrs_app_hk_counter(ilrs_app_t *app, const char *name, const char *unit, ilrs_dict_type_t type,
                        const void *value);
/** @brief The app's HK packet definition (NULL before start). */
const ilrs_dict_packet_t *ilrs_app_hk_packet(const ilrs_app_t *app);

/**
 * @brief Add @p count bus-load apps "LOAD00".."LOADnn" (before start), each at
 *        @p rate_hz publishing one 64-octet telemetry packet per step (APID
 *        0x600 + i, a step counter inside) and receiving its neighbour's, checking
 *        the counters arrive in order (gaps counted in its HK as rx_gaps). The
 *        traffic pattern of `ilrs fsw --apps N` and of bench_fsw.
 * @return 0, ILRS_EINVAL (count > 64), or an ilrs_fsw_add_app() error.
 */
int ilrs_fsw_add_load_apps(ilrs_fsw_t *fsw, uint32_t count, double rate_hz);

#ifdef __cplusplus
}
#endif
#endif /* ILRS_FSW_H */
