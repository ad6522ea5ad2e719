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
