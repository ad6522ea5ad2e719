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
 * pipe is involved. The hook may publish, allocate and receive; while it runs,
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
 * @param[out] pipe the new pipe id (< ilrs_bus_pipe_capacity()); set to
 *             ILRS_BUS_PIPE_NONE on failure.
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
 * @brief Statistics of one pipe (@p stats zeroed before any failure).
 * @return 0, ILRS_EINVAL, ILRS_EFSW_NOPIPE.
 */
int ilrs_bus_get_pipe_stats(const ilrs_bus_t *bus, ilrs_pipe_id_t pipe,
                            ilrs_bus_pipe_stats_t *stats);
/** @brief Number of pipe slots (valid pipe ids are < this and may be deleted). */
uint32_t ilrs_bus_pipe_capacity(const ilrs_bus_t *bus);

/* ========================================================================= */
/* Time service                                     (owner: fsw-core session) */
/* ========================================================================= */

/* ========================================================================= */
/* Executive: apps and rate groups                  (owner: fsw-core session) */
/* ========================================================================= */

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

#ifdef __cplusplus
}
#endif
#endif /* ILRS_FSW_H */
