/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file dict.h
 * @brief The command and telemetry dictionary: the single source of truth for
 *        every telemetry packet, field (type, unit, limits, enumerations,
 *        calibration), command (arguments, ranges), event and partner.
 *
 * Built at start-up from the flight apps' registrations and the partners'
 * payload manifests, and extensible at run time. Commands are checked against it
 * before any app sees them. Exported as JSON (`ilrs dict --json`) and XTCE 1.2
 * (`ilrs dict --xtce`); the ground loads the JSON form, so it never links flight
 * code.
 *
 * Layout rule: the fields of a packet follow its header (12 octets for telemetry,
 * 8 for commands, see ccsds.h) back to back, big-endian, without padding; the
 * dictionary computes each field's offset and the packet's length.
 *
 * Ownership: add functions deep-copy their input (strings and arrays), so the
 * caller's definitions may be temporary. Pointers returned by lookups stay valid
 * until ilrs_dict_destroy(): entries are never moved or freed while the
 * dictionary lives (run-time additions included).
 * Thread safety: none; the flight core and the ground ingest are single-threaded
 * users of one dictionary each.
 * Depends on base and ccsds.
 */
#ifndef ILRS_DICT_H
#define ILRS_DICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ilrs/base.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ILRS_DICT_NAME_MAX 64       /**< names: [A-Za-z][A-Za-z0-9_]*, at most 63 chars */
#define ILRS_DICT_OWNER_STATION "station" /**< the operator's own owner id */

/** Encodings of a field on the wire (big-endian). */
typedef enum ilrs_dict_type {
    ILRS_DICT_U8 = 0,
    ILRS_DICT_U16,
    ILRS_DICT_U32,
    ILRS_DICT_U64,
    ILRS_DICT_I8,
    ILRS_DICT_I16,
    ILRS_DICT_I32,
    ILRS_DICT_I64,
    ILRS_DICT_F32,
    ILRS_DICT_F64,
    ILRS_DICT_BOOL,   /**< one octet, 0 or 1 */
    ILRS_DICT_STRING, /**< fixed @c length octets, NUL-padded */
    ILRS_DICT_BYTES,  /**< fixed @c length octets, opaque */
    ILRS_DICT_TYPE_COUNT
} ilrs_dict_type_t;

/** One label of an enumerated field (integer types only). */
typedef struct ilrs_dict_enum {
    int64_t value;
    const char *label;
} ilrs_dict_enum_t;

/** Limit state of a telemetry value. */
typedef enum ilrs_dict_limit_state {
    ILRS_DICT_LIMIT_NONE = 0,  /**< field has no limits */
    ILRS_DICT_LIMIT_NOMINAL,
    ILRS_DICT_LIMIT_WARN_LOW,
    ILRS_DICT_LIMIT_WARN_HIGH,
    ILRS_DICT_LIMIT_CRIT_LOW,
    ILRS_DICT_LIMIT_CRIT_HIGH,
} ilrs_dict_limit_state_t;

/**
 * A telemetry field or a command argument. Zero-initialise and set what applies.
 * Engineering value = cal_offset + cal_scale * raw (cal_scale 0 means 1).
 */
typedef struct ilrs_dict_field {
    const char *name;
    ilrs_dict_type_t type;
    uint16_t length;           /**< octets; STRING and BYTES only */
    const char *unit;          /**< NULL or "" when dimensionless */
    const char *description;
    bool has_range;            /**< commands reject raw values outside [min, max] */
    double min, max;
    bool has_limits;           /**< telemetry limits on the engineering value */
    double warn_low, warn_high, crit_low, crit_high;
    const ilrs_dict_enum_t *enums;
    size_t enum_count;
    double cal_offset, cal_scale;
    uint32_t offset;           /**< out: octet offset in the packet (set by the dictionary) */
} ilrs_dict_field_t;

/** A telemetry packet. @c length is computed by the dictionary. */
typedef struct ilrs_dict_packet {
    const char *name;          /**< e.g. "POWER_HK" */
    uint16_t apid;             /**< unique among telemetry packets */
    const char *owner;         /**< partner id, ILRS_DICT_OWNER_STATION for the operator */
    const char *app;           /**< producing app */
    const char *description;
    const ilrs_dict_field_t *fields;
    size_t field_count;
    uint32_t length;           /**< out: total packet length in octets */
} ilrs_dict_packet_t;

/**
 * A command; (apid, function_code) is unique. Counters are updated by
 * ilrs_dict_check_command().
 */
typedef struct ilrs_dict_command {
    const char *name;          /**< verb-object, e.g. "SetHeaterMode"; unique */
    uint16_t apid;
    uint8_t function_code;     /**< 0..127 */
    const char *owner;
    const char *app;
    const char *description;
    const ilrs_dict_field_t *args;
    size_t arg_count;
    uint32_t length;           /**< out: total packet length in octets */
    uint64_t accepted;         /**< out: commands that passed the check */
    uint64_t rejected;         /**< out: commands that failed the check */
} ilrs_dict_command_t;

/** Event severities (cFE EVS types). */
typedef enum ilrs_event_severity {
    ILRS_EVENT_DEBUG = 0,
    ILRS_EVENT_INFO = 1,
    ILRS_EVENT_ERROR = 2,
    ILRS_EVENT_CRITICAL = 3,
} ilrs_event_severity_t;

/** An event in the catalog: (app, id) is unique, names are <APP>_<WHAT>_<INF|ERR|DBG|CRIT>. */
typedef struct ilrs_dict_event {
    const char *app;
    uint16_t id;
    const char *name;
    ilrs_event_severity_t severity;
    const char *format;        /**< printf-style text template */
    const char *description;
} ilrs_dict_event_t;

/** A partner agency or institute (owner of payloads, packets, commands, files). */
typedef struct ilrs_dict_partner {
    const char *id;            /**< short id, e.g. "cnsa", "roscosmos", "esa" */
    const char *name;          /**< display name */
} ilrs_dict_partner_t;

typedef struct ilrs_dict ilrs_dict_t;

/** @brief Create an empty dictionary holding only the "station" partner. */
int ilrs_dict_create(ilrs_dict_t **out);
/** @brief Free the dictionary and everything it copied. Accepts NULL. */
void ilrs_dict_destroy(ilrs_dict_t *dict);

/**
 * @brief Add a partner. @return 0, ILRS_EINVAL (bad id), ILRS_EEXIST.
 */
int ilrs_dict_add_partner(ilrs_dict_t *dict, const ilrs_dict_partner_t *partner);

/**
 * @brief Add a telemetry packet: validates names, types, enums, ranges, limits,
 *        that the owner is a known partner and that the APID and name are free;
 *        computes offsets and length. On failure the dictionary is unchanged.
 * @param[out] stored the dictionary's copy (may be NULL), NULL on failure.
 * @return 0, ILRS_EINVAL, ILRS_EEXIST, ILRS_ENOENT (unknown owner),
 *         ILRS_ECCSDS_TOOBIG (packet too long), ILRS_ECCSDS_APID (above 2046: 2047 is
 *         the idle APID), ILRS_ERANGE (enumeration value does not fit the type),
 *         ILRS_ENOMEM. The reason is reported through ilrs_log(). The rules are listed
 *         in docs/dict.md.
 */
int ilrs_dict_add_packet(ilrs_dict_t *dict, const ilrs_dict_packet_t *packet,
                         const ilrs_dict_packet_t **stored);

/**
 * @brief Add a command; same checks as packets, (apid, function code) unique,
 *        function code 0..127 (ILRS_ERANGE), no limits on arguments.
 */
int ilrs_dict_add_command(ilrs_dict_t *dict, const ilrs_dict_command_t *command,
                          const ilrs_dict_command_t **stored);

/** @brief Add an event to the catalog; (app, id) and name unique. */
int ilrs_dict_add_event(ilrs_dict_t *dict, const ilrs_dict_event_t *event);

/* Lookups: NULL when absent. */
const ilrs_dict_packet_t *ilrs_dict_find_packet(const ilrs_dict_t *dict, uint16_t apid);
const ilrs_dict_packet_t *ilrs_dict_find_packet_by_name(const ilrs_dict_t *dict, const char *name);
const ilrs_dict_command_t *ilrs_dict_find_command(const ilrs_dict_t *dict, uint16_t apid,
                                                  uint8_t function_code);
const ilrs_dict_command_t *ilrs_dict_find_command_by_name(const ilrs_dict_t *dict,
                                                          const char *name);
const ilrs_dict_event_t *ilrs_dict_find_event(const ilrs_dict_t *dict, const char *app,
                                              uint16_t id);
const ilrs_dict_partner_t *ilrs_dict_find_partner(const ilrs_dict_t *dict, const char *id);
const ilrs_dict_field_t *ilrs_dict_find_field(const ilrs_dict_packet_t *packet, const char *name);

/* Iteration in insertion order. */
size_t ilrs_dict_packet_count(const ilrs_dict_t *dict);
const ilrs_dict_packet_t *ilrs_dict_packet_at(const ilrs_dict_t *dict, size_t index);
size_t ilrs_dict_command_count(const ilrs_dict_t *dict);
const ilrs_dict_command_t *ilrs_dict_command_at(const ilrs_dict_t *dict, size_t index);
size_t ilrs_dict_event_count(const ilrs_dict_t *dict);
const ilrs_dict_event_t *ilrs_dict_event_at(const ilrs_dict_t *dict, size_t index);
size_t ilrs_dict_partner_count(const ilrs_dict_t *dict);
const ilrs_dict_partner_t *ilrs_dict_partner_at(const ilrs_dict_t *dict, size_t index);

/** @brief Octets a field occupies on the wire. */
uint32_t ilrs_dict_type_size(ilrs_dict_type_t type, uint16_t length);
/** @brief Type name as used in JSON, e.g. "u16", "f64", "string". */
const char *ilrs_dict_type_name(ilrs_dict_type_t type);

/* ---- values ----------------------------------------------------------------- */

/**
 * @brief Read a numeric (integer, float, bool) field's raw value from a packet.
 * @return 0, ILRS_ETYPE (STRING/BYTES), ILRS_ETRUNC (packet shorter than the field).
 */
int ilrs_dict_get_raw(const ilrs_dict_field_t *field, const uint8_t *pkt, size_t len,
                      double *raw);
/** @brief Integer fields exactly (64-bit). */
int ilrs_dict_get_int(const ilrs_dict_field_t *field, const uint8_t *pkt, size_t len,
                      int64_t *value);
/**
 * @brief Write a numeric raw value; integers are rounded to nearest.
 * @return 0, ILRS_ETYPE, ILRS_ETRUNC, ILRS_ERANGE (does not fit the type).
 */
int ilrs_dict_set_raw(const ilrs_dict_field_t *field, uint8_t *pkt, size_t len, double raw);
/**
 * @brief Write a STRING (at most length-1 octets, NUL-padded, so a terminator is
 *        always present; ILRS_ERANGE when longer) or BYTES (at most length octets,
 *        zero-padded) field. @return 0, ILRS_ETYPE, ILRS_ETRUNC, ILRS_ERANGE.
 */
int ilrs_dict_set_bytes(const ilrs_dict_field_t *field, uint8_t *pkt, size_t len,
                        const void *data, size_t data_len);
/** @brief Engineering value: cal_offset + cal_scale * raw. */
double ilrs_dict_calibrate(const ilrs_dict_field_t *field, double raw);
/**
 * @brief Limit state of an engineering value: nominal inside [warn_low, warn_high]
 *        (inclusive), critical outside [crit_low, crit_high]; NaN is CRIT_HIGH.
 */
ilrs_dict_limit_state_t ilrs_dict_limit_check(const ilrs_dict_field_t *field, double value);
/** @brief Label of an enumerated value, NULL if none. */
const char *ilrs_dict_enum_label(const ilrs_dict_field_t *field, int64_t value);

/* ---- commands ----------------------------------------------------------------- */

/** What ilrs_dict_check_command() found. */
typedef struct ilrs_dict_check {
    const ilrs_dict_command_t *command; /**< NULL when the command is unknown */
    int arg_index;                      /**< failing argument, -1 if none */
    char detail[160];                   /**< human-readable reason, "" on success */
} ilrs_dict_check_t;

/**
 * @brief Check a command packet against the dictionary before any app sees it:
 *        CCSDS header and checksum, known (APID, function code), exact length, and
 *        every argument's range, enumeration and string termination. Updates the
 *        command's accepted/rejected counters and the dictionary's totals.
 * @param[out] result command found (or NULL), failing argument and a sentence naming
 *         what was wrong (may be NULL).
 * @return 0 (accepted); ILRS_ECCSDS_* / ILRS_ECRC / ILRS_ETYPE (malformed: see
 *         ilrs_ccsds_cmd_check(), plus ILRS_ECCSDS_LENGTH when the packet does not fill
 *         the buffer exactly); ILRS_EINVAL (NULL packet or dictionary); ILRS_EFSW_CMD
 *         (unknown command or wrong length); ILRS_EFSW_ARG (argument out of range, not
 *         in the enumeration, not a boolean, not finite, or a bad string).
 */
int ilrs_dict_check_command(ilrs_dict_t *dict, const uint8_t *pkt, size_t len,
                            ilrs_dict_check_t *result);

/** Totals over all commands checked: accepted + rejected = checked; unknown commands
 *  (and malformed packets) count as rejected, unknown ones also in commands_unknown. */
typedef struct ilrs_dict_stats {
    uint64_t commands_accepted;
    uint64_t commands_rejected;
    uint64_t commands_unknown;
} ilrs_dict_stats_t;
void ilrs_dict_get_stats(const ilrs_dict_t *dict, ilrs_dict_stats_t *stats);

/**
 * @brief Build a command packet from text arguments, as a user types them
 *        (numbers, enum labels, true/false, strings). Checks each argument like
 *        ilrs_dict_check_command() and seals the checksum.
 * @param[out] packet_len set before any failure (0).
 * @param[out] error message naming the argument and bound on failure (may be NULL).
 * @return 0, ILRS_EFSW_ARG, ILRS_EINVAL (argument count), ILRS_ECCSDS_TOOSMALL.
 */
int ilrs_dict_build_command(const ilrs_dict_command_t *command, const char *const *args,
                            size_t arg_count, uint8_t *buf, size_t cap, size_t *packet_len,
                            char *error, size_t error_cap);

/* ---- export and import ----------------------------------------------------------- */

/**
 * @brief Write the whole dictionary as JSON (format in docs/dict.md).
 * @return 0 or ILRS_EIO.
 */
int ilrs_dict_write_json(const ilrs_dict_t *dict, FILE *out);

/**
 * @brief Load a dictionary written by ilrs_dict_write_json() (the ground's view).
 * @param[out] error message naming the JSON path and problem (may be NULL).
 * @return 0, ILRS_EFORMAT, ILRS_EIO, or any add_* error.
 */
int ilrs_dict_read_json(const char *path, ilrs_dict_t **out, char *error, size_t error_cap);

/**
 * @brief Load a dictionary from JSON text in memory (same format and checks as
 *        ilrs_dict_read_json(); used by the ground's API and the fuzz target).
 * @param[in] text JSON text, not necessarily NUL-terminated (borrowed).
 * @param[in] len octets of @p text.
 * @param[out] out the new dictionary (caller destroys), NULL on failure.
 * @param[out] error message naming the JSON path and problem (may be NULL).
 * @return 0, ILRS_EFORMAT, ILRS_ENOMEM, or any add_* error.
 */
int ilrs_dict_parse_json(const char *text, size_t len, ilrs_dict_t **out, char *error,
                         size_t error_cap);

/**
 * @brief Write the dictionary as an XTCE 1.2 SpaceSystem (namespace
 *        http://www.omg.org/spec/XTCE/20180204), one child SpaceSystem per owner.
 * @return 0 or ILRS_EIO.
 */
int ilrs_dict_write_xtce(const ilrs_dict_t *dict, const char *system_name, FILE *out);

/** @brief CRC-32 over the canonical JSON form: a station and a ground agree iff equal. */
uint32_t ilrs_dict_fingerprint(const ilrs_dict_t *dict);

#ifdef __cplusplus
}
#endif
#endif /* ILRS_DICT_H */
