/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file hal.h
 * @brief The hardware abstraction layer: the only view flight apps have of the
 *        station's devices (switches, analog sensors, radios, payload ports, mass
 *        storage).
 *
 * A backend (the twin in simulation, drivers on real hardware) fills an
 * ilrs_hal_ops_t table and hands out an ilrs_hal_t {ops, ctx}. Flight code calls
 * only the ilrs_hal_*() wrappers below, which check arguments, turn a missing
 * operation into ILRS_EUNSUPPORTED and count rejected calls. Flight code never
 * includes a backend's header; a backend never includes flight headers.
 *
 * Devices: every device has a kind, an id (unique within its kind, stable for
 * the life of the backend, 0..count-1 in the twin but not required to be dense)
 * and a name; sensors also have a unit. The set comes from the configuration and
 * is enumerated at run time with ilrs_hal_count() and ilrs_hal_info().
 *
 * Depends on base only. Thread safety: a hal and its backend are used from one
 * thread (the flight core is single-threaded).
 */
#ifndef ILRS_HAL_H
#define ILRS_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ilrs/base.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Device kinds. */
typedef enum ilrs_hal_kind {
    ILRS_HAL_SWITCH = 0,  /**< discrete on/off: power load lines, heaters */
    ILRS_HAL_SENSOR = 1,  /**< analog reading with a unit and a validity flag */
    ILRS_HAL_RADIO = 2,   /**< a transmitter with a queue and a link state */
    ILRS_HAL_PAYLOAD = 3, /**< a payload port: power state, mode, data produced */
    ILRS_HAL_STORAGE = 4, /**< mass storage: capacity and use */
    ILRS_HAL_KIND_COUNT = 5
} ilrs_hal_kind_t;

/** Maximum length of a device name or unit, including the terminating NUL. */
#define ILRS_HAL_NAME_MAX 32

/** Static description of one device. */
typedef struct ilrs_hal_info {
    ilrs_hal_kind_t kind;
    uint16_t id;                  /**< unique within its kind */
    char name[ILRS_HAL_NAME_MAX]; /**< e.g. "line.payload1", "bat1.voltage" */
    char unit[ILRS_HAL_NAME_MAX]; /**< sensors: SI unit ("V", "A", "K", "W", "1"); else "" */
} ilrs_hal_info_t;

/** Switch state as read back from the hardware. */
typedef struct ilrs_hal_switch_state {
    bool commanded_on; /**< the last command */
    bool on;           /**< the actual state (false when tripped or the bus is down) */
    bool tripped;      /**< opened by its over-current protection; cleared by commanding on */
} ilrs_hal_switch_state_t;

/** One sensor sample. */
typedef struct ilrs_hal_reading {
    double value; /**< in the sensor's unit; meaningless when !valid */
    bool valid;   /**< false when the sensor or its electronics report a failure */
} ilrs_hal_reading_t;

/** Radio status. */
typedef struct ilrs_hal_radio_status {
    bool link_up;            /**< the link closes at some rate of the rate table */
    double rate_bps;         /**< current data rate (0 when down) */
    uint64_t queued_bytes;   /**< bytes waiting to be sent */
    uint64_t queue_capacity; /**< queue size in bytes */
    uint64_t sent_bytes;     /**< total bytes sent since start */
    uint64_t dropped_bytes;  /**< total bytes refused because the queue was full */
} ilrs_hal_radio_status_t;

/** Payload port status. */
typedef struct ilrs_hal_payload_status {
    bool powered;           /**< the port's supply is on */
    uint32_t mode;          /**< the mode the payload reports (0 = standby) */
    uint64_t pending_bytes; /**< data produced and not yet read */
} ilrs_hal_payload_status_t;

/** Mass storage status. */
typedef struct ilrs_hal_storage_status {
    uint64_t capacity_bytes;
    uint64_t used_bytes;
} ilrs_hal_storage_status_t;

/**
 * The backend's operation table. Every operation receives the backend context
 * (borrowed) and returns 0 or a negative ILRS_E code; ILRS_EHAL_NODEV for an
 * unknown id. Any operation may be NULL (the wrapper returns ILRS_EUNSUPPORTED).
 * Out-parameters are filled only on success; the wrappers clear them first.
 */
typedef struct ilrs_hal_ops {
    /** Number of devices of @p kind. */
    size_t (*count)(void *ctx, ilrs_hal_kind_t kind);
    /** Describe the @p index-th device (0..count-1) of @p kind. */
    int (*info)(void *ctx, ilrs_hal_kind_t kind, size_t index, ilrs_hal_info_t *out);
    /** Command a switch on or off (commanding on also resets a trip). */
    int (*switch_set)(void *ctx, uint16_t id, bool on);
    /** Read a switch back. */
    int (*switch_get)(void *ctx, uint16_t id, ilrs_hal_switch_state_t *out);
    /** Sample a sensor. */
    int (*sensor_read)(void *ctx, uint16_t id, ilrs_hal_reading_t *out);
    /** Radio status. */
    int (*radio_status)(void *ctx, uint16_t id, ilrs_hal_radio_status_t *out);
    /**
     * Queue @p len bytes for transmission (all or nothing; @p data borrowed for
     * the call). ILRS_EFULL when the queue cannot take them.
     */
    int (*radio_send)(void *ctx, uint16_t id, const void *data, size_t len);
    /** Payload port status. */
    int (*payload_status)(void *ctx, uint16_t id, ilrs_hal_payload_status_t *out);
    /**
     * Send a mode command. Acceptance by the port is not execution: a payload
     * that does not respond keeps its mode (read the status back).
     */
    int (*payload_command)(void *ctx, uint16_t id, uint32_t mode);
    /** Take the data produced since the last read: bytes into *bytes. */
    int (*payload_read)(void *ctx, uint16_t id, uint64_t *bytes);
    /** Storage status. */
    int (*storage_status)(void *ctx, uint16_t id, ilrs_hal_storage_status_t *out);
    /** Write @p bytes; *written is what fitted (0..bytes). */
    int (*storage_write)(void *ctx, uint16_t id, uint64_t bytes, uint64_t *written);
    /** Release @p bytes (read out and deleted); *released is what was there. */
    int (*storage_release)(void *ctx, uint16_t id, uint64_t bytes, uint64_t *released);
} ilrs_hal_ops_t;

/** A hal: a backend's operation table and context (both borrowed, owned by the backend). */
typedef struct ilrs_hal {
    const ilrs_hal_ops_t *ops;
    void *ctx;
    unsigned long rejected; /**< calls refused by the wrappers or the backend */
} ilrs_hal_t;

/**
 * @brief Bind a hal to a backend.
 * @param[in] ops the table (borrowed; must outlive the hal).
 * @param[in] ctx the backend context (borrowed).
 * @return 0 or ILRS_EINVAL (NULL @p hal or @p ops).
 */
int ilrs_hal_init(ilrs_hal_t *hal, const ilrs_hal_ops_t *ops, void *ctx);

/** @brief Number of devices of @p kind (0 for an unknown kind or no backend). */
size_t ilrs_hal_count(const ilrs_hal_t *hal, ilrs_hal_kind_t kind);

/**
 * @brief Describe the @p index-th device of @p kind.
 * @return 0, ILRS_EINVAL, ILRS_ERANGE (index >= count), ILRS_EUNSUPPORTED.
 */
int ilrs_hal_info(ilrs_hal_t *hal, ilrs_hal_kind_t kind, size_t index, ilrs_hal_info_t *out);

/**
 * @brief Find a device of @p kind by name (linear scan; do it at init).
 * @param[out] id its id.
 * @return 0, ILRS_EINVAL, ILRS_ENOTFOUND.
 */
int ilrs_hal_find(ilrs_hal_t *hal, ilrs_hal_kind_t kind, const char *name, uint16_t *id);

/** @brief Command switch @p id. @return 0, ILRS_EHAL_NODEV, ILRS_EUNSUPPORTED. */
int ilrs_hal_switch_set(ilrs_hal_t *hal, uint16_t id, bool on);
/** @brief Read switch @p id back. @return 0, ILRS_EINVAL, ILRS_EHAL_NODEV, ILRS_EUNSUPPORTED. */
int ilrs_hal_switch_get(ilrs_hal_t *hal, uint16_t id, ilrs_hal_switch_state_t *out);
/** @brief Sample sensor @p id. @return 0, ILRS_EINVAL, ILRS_EHAL_NODEV, ILRS_EUNSUPPORTED. */
int ilrs_hal_sensor_read(ilrs_hal_t *hal, uint16_t id, ilrs_hal_reading_t *out);
/** @brief Radio @p id status. @return 0, ILRS_EINVAL, ILRS_EHAL_NODEV, ILRS_EUNSUPPORTED. */
int ilrs_hal_radio_status(ilrs_hal_t *hal, uint16_t id, ilrs_hal_radio_status_t *out);
/**
 * @brief Queue @p len bytes on radio @p id (@p data borrowed; may be NULL only if len is 0).
 * @return 0, ILRS_EINVAL, ILRS_EHAL_NODEV, ILRS_EFULL, ILRS_EUNSUPPORTED.
 */
int ilrs_hal_radio_send(ilrs_hal_t *hal, uint16_t id, const void *data, size_t len);
/** @brief Payload port @p id status. */
int ilrs_hal_payload_status(ilrs_hal_t *hal, uint16_t id, ilrs_hal_payload_status_t *out);
/** @brief Command payload @p id to @p mode (see ilrs_hal_ops_t.payload_command). */
int ilrs_hal_payload_command(ilrs_hal_t *hal, uint16_t id, uint32_t mode);
/** @brief Take the bytes payload @p id produced since the last read. */
int ilrs_hal_payload_read(ilrs_hal_t *hal, uint16_t id, uint64_t *bytes);
/** @brief Storage @p id status. */
int ilrs_hal_storage_status(ilrs_hal_t *hal, uint16_t id, ilrs_hal_storage_status_t *out);
/** @brief Write @p bytes to storage @p id; *written gets what fitted. */
int ilrs_hal_storage_write(ilrs_hal_t *hal, uint16_t id, uint64_t bytes, uint64_t *written);
/** @brief Release @p bytes of storage @p id; *released gets what was released. */
int ilrs_hal_storage_release(ilrs_hal_t *hal, uint16_t id, uint64_t bytes, uint64_t *released);

/** @brief "switch", "sensor", "radio", "payload", "storage" or "?" (static string). */
const char *ilrs_hal_kind_name(ilrs_hal_kind_t kind);

#ifdef __cplusplus
}
#endif
#endif /* ILRS_HAL_H */
