/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file ccsds.h
 * @brief Pure CCSDS codecs: Space Packet primary header (CCSDS 133.0-B-2),
 *        CUC time (CCSDS 301.0-B-4 §3.2), ilrs packet conventions, and per-APID
 *        sequence counting with gap detection.
 *
 * No I/O, no allocation. Every decoder validates every length and field and
 * returns a precise ILRS_ECCSDS_* code. Depends on base only.
 * Thread safety: all functions are reentrant; counters/trackers are caller-owned.
 *
 * ilrs packet conventions (documented in docs/ccsds.md):
 * - telemetry: primary header (6) + secondary header = CUC time with implicit
 *   P-field, 4 coarse + 2 fine octets, epoch 1958 TAI (6) → user data at 12;
 * - commands: primary header (6) + function code (1) + checksum (1) → user data
 *   at 8; the checksum makes the XOR of every octet of the packet equal 0xFF
 *   (the cFE convention).
 * - all multi-octet fields are big-endian.
 */
#ifndef ILRS_CCSDS_H
#define ILRS_CCSDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ilrs/base.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ILRS_CCSDS_PRIMARY_LEN 6u
/** Largest space packet: 6 header octets + 65536 data octets. */
#define ILRS_CCSDS_MAX_PACKET_LEN 65542u
#define ILRS_CCSDS_APID_MAX 2047u
#define ILRS_CCSDS_APID_IDLE 2047u
#define ILRS_CCSDS_SEQ_MODULO 16384u

#define ILRS_CCSDS_TLM_HEADER_LEN 12u
#define ILRS_CCSDS_CMD_HEADER_LEN 8u

/** Packet type (primary header bit 3). */
enum ilrs_ccsds_type {
    ILRS_CCSDS_TYPE_TLM = 0,
    ILRS_CCSDS_TYPE_CMD = 1,
};

/** Sequence flags (primary header bits 16-17). */
enum ilrs_ccsds_seq_flags {
    ILRS_CCSDS_SEQ_CONT = 0,
    ILRS_CCSDS_SEQ_FIRST = 1,
    ILRS_CCSDS_SEQ_LAST = 2,
    ILRS_CCSDS_SEQ_UNSEG = 3,
};

/** Decoded primary header. */
typedef struct ilrs_ccsds_primary {
    uint8_t version;       /**< must be 0 */
    uint8_t type;          /**< ilrs_ccsds_type */
    bool has_secondary;    /**< secondary header flag */
    uint16_t apid;         /**< 0..2047 */
    uint8_t seq_flags;     /**< ilrs_ccsds_seq_flags */
    uint16_t seq_count;    /**< 0..16383 */
    uint16_t data_length;  /**< packet data field length minus 1 */
} ilrs_ccsds_primary_t;

/**
 * @brief Encode a primary header into @p buf (at least 6 octets).
 *        Nothing is written unless every field is valid. APID 2047 (idle) is allowed.
 * @return 0, ILRS_EINVAL (NULL pointer), ILRS_ECCSDS_TOOSMALL (cap < 6),
 *         ILRS_ECCSDS_VERSION (version != 0), ILRS_ERANGE (type > 1 or
 *         seq_count > 16383), ILRS_ECCSDS_APID (apid > 2047), ILRS_ECCSDS_SEQFLAGS
 *         (seq_flags > 3); checked in that order.
 */
int ilrs_ccsds_primary_encode(const ilrs_ccsds_primary_t *hdr, uint8_t *buf, size_t cap);

/**
 * @brief Decode and validate the primary header at @p buf.
 * @param[out] hdr set (zeroed first) before any failure return; on
 *         ILRS_ECCSDS_VERSION it holds the decoded fields (for diagnostics).
 * @return 0, ILRS_EINVAL (NULL pointer), ILRS_ECCSDS_TOOSMALL (fewer than 6
 *         octets), ILRS_ECCSDS_VERSION.
 */
int ilrs_ccsds_primary_decode(const uint8_t *buf, size_t len, ilrs_ccsds_primary_t *hdr);

/**
 * @brief Validate a whole packet in @p buf: header, and that the length field
 *        fits in @p len. @p packet_len receives the packet's total length (which may
 *        be less than @p len when packets are concatenated).
 *
 * Checks, in order (CCSDS 133.0-B-2 §4.1.3 plus the ilrs profile):
 * fewer than 6 octets → ILRS_ECCSDS_TOOSMALL; version != 0 → ILRS_ECCSDS_VERSION;
 * length field + 7 > @p len → ILRS_ECCSDS_LENGTH; APID 2047 → ILRS_ECCSDS_IDLE
 * (or ILRS_ECCSDS_SECHDR when an idle packet claims a secondary header, which
 * §4.1.3.3.3 forbids); sequence flags other than unsegmented ('11') →
 * ILRS_ECCSDS_SEQFLAGS (ilrs never segments user data).
 *
 * @param[out] packet_len 0 until the length field is known to fit in @p len; then
 *         the total length, also on the IDLE, SECHDR and SEQFLAGS failures, so a
 *         caller walking concatenated packets can skip the bad one. May be NULL.
 * @return 0, ILRS_EINVAL (NULL buffer), or ILRS_ECCSDS_* naming the first problem.
 */
int ilrs_ccsds_packet_check(const uint8_t *buf, size_t len, size_t *packet_len);

/* Fast accessors for a buffer already known to hold >= 6 octets. */
static inline uint16_t ilrs_ccsds_get_apid(const uint8_t *pkt)
{
    return (uint16_t)(ilrs_get_be16(pkt) & 0x07FFu);
}
static inline bool ilrs_ccsds_is_cmd(const uint8_t *pkt)
{
    return (pkt[0] & 0x10u) != 0;
}
static inline uint16_t ilrs_ccsds_get_seq_count(const uint8_t *pkt)
{
    return (uint16_t)(ilrs_get_be16(pkt + 2) & 0x3FFFu);
}
static inline void ilrs_ccsds_set_seq_count(uint8_t *pkt, uint16_t count)
{
    uint16_t v = (uint16_t)((ilrs_get_be16(pkt + 2) & 0xC000u) | (count & 0x3FFFu));
    ilrs_put_be16(pkt + 2, v);
}
/** Total packet length from the length field: data_length + 7. */
static inline size_t ilrs_ccsds_get_total_length(const uint8_t *pkt)
{
    return (size_t)ilrs_get_be16(pkt + 4) + 7u;
}

/* ---- CUC time (CCSDS 301.0-B-4 §3.2) ---------------------------------------- */

/** CUC layout: coarse octets 1..4, fine octets 0..3 (basic, no extension). */
typedef struct ilrs_ccsds_cuc_format {
    uint8_t coarse_octets;
    uint8_t fine_octets;
} ilrs_ccsds_cuc_format_t;

/** The ilrs telemetry time: 4 coarse + 2 fine octets, epoch 1958 TAI. */
#define ILRS_CCSDS_CUC_TLM ((ilrs_ccsds_cuc_format_t){4, 2})

/**
 * @brief Encode @p t (TAI ns since 1958) as CUC. With @p with_pfield the one-octet
 *        P-field (time code ID 001, level 1 epoch) comes first.
 *        Fine time is truncated toward the earlier instant:
 *        fine = floor(ns_of_second * 256^F / 1e9), exactly (integer arithmetic).
 * @param[out] written octets written (set to 0 before any failure). May be NULL.
 * @return 0, ILRS_EINVAL (bad format or NULL buffer), ILRS_ERANGE (t before the
 *         epoch or beyond the coarse field), ILRS_ECCSDS_TOOSMALL (cap too small);
 *         checked in that order. Nothing is written on failure.
 */
int ilrs_ccsds_cuc_encode(ilrs_tai_t t, ilrs_ccsds_cuc_format_t fmt, bool with_pfield,
                          uint8_t *buf, size_t cap, size_t *written);

/**
 * @brief Decode CUC. When @p implicit is NULL a P-field must lead the field;
 *        otherwise @p implicit gives the layout (no P-field).
 * @param[out] t TAI ns (set to 0 before any failure); the fine fraction is
 *         rounded up to the next whole ns: ns = ceil(fine * 1e9 / 256^F), which
 *         is less than 1 ns after the exact instant. Rounding up (rather than to
 *         the nearest ns) is what makes re-encoding exact: for every field,
 *         encode(decode(field)) == field, and decode(encode(t)) <= t.
 * @param[out] consumed octets read, P-field included (0 on failure). May be NULL.
 * @return 0, ILRS_EINVAL (bad implicit format or NULL pointer),
 *         ILRS_ECCSDS_TOOSMALL (field truncated), ILRS_ECCSDS_CUC_PFIELD
 *         (extension flag set, time code ID other than 001: agency epoch 010 or
 *         another code).
 */
int ilrs_ccsds_cuc_decode(const uint8_t *buf, size_t len, const ilrs_ccsds_cuc_format_t *implicit,
                          ilrs_tai_t *t, size_t *consumed);

/* ---- ilrs packet conventions -------------------------------------------------- */

/**
 * @brief Write a telemetry packet header: unsegmented, secondary header flag set,
 *        sequence count 0, length field for @p packet_len total octets, CUC time.
 *        Only the 12 header octets are written; nothing on failure.
 * @return 0, ILRS_EINVAL (NULL buffer), ILRS_ECCSDS_APID (apid > 2047),
 *         ILRS_ECCSDS_IDLE (apid 2047: idle packets carry no secondary header),
 *         ILRS_ECCSDS_TOOBIG (packet_len > 65542), ILRS_ECCSDS_TOOSMALL
 *         (packet_len < 12 or cap < packet_len), ILRS_ERANGE (time before 1958 or
 *         from 2094-02-06T06:28:16, the end of the 4-octet coarse field); in that order.
 */
int ilrs_ccsds_tlm_init(uint8_t *buf, size_t cap, uint16_t apid, size_t packet_len,
                        ilrs_tai_t time);

/**
 * @brief Read the telemetry time; checks the packet is telemetry with a secondary header.
 * @param[out] time set (0 first) before any failure.
 * @return 0, any ilrs_ccsds_packet_check() code, ILRS_ETYPE (a command packet),
 *         ILRS_ECCSDS_SECHDR (flag clear, or packet shorter than 12 octets).
 */
int ilrs_ccsds_tlm_get_time(const uint8_t *pkt, size_t len, ilrs_tai_t *time);

/**
 * @brief Overwrite the telemetry time of a packet initialised by ilrs_ccsds_tlm_init().
 * @return as ilrs_ccsds_tlm_get_time(), and ILRS_ERANGE for the time; the
 *         packet is unchanged on failure.
 */
int ilrs_ccsds_tlm_set_time(uint8_t *pkt, size_t len, ilrs_tai_t time);

/**
 * @brief Write a command packet header (type 1, secondary header flag set,
 *        unsegmented, function code) for @p packet_len total octets. The checksum
 *        is left 0; call ilrs_ccsds_cmd_seal() after filling the arguments.
 *        Only the 8 header octets are written; nothing on failure.
 * @return 0, ILRS_EINVAL, ILRS_ECCSDS_APID, ILRS_ECCSDS_IDLE, ILRS_ECCSDS_TOOBIG,
 *         ILRS_ECCSDS_TOOSMALL (packet_len < 8 or cap < packet_len), in that order.
 */
int ilrs_ccsds_cmd_init(uint8_t *buf, size_t cap, uint16_t apid, uint8_t function_code,
                        size_t packet_len);

/**
 * @brief Set the checksum octet so the XOR of the packet is 0xFF. The packet is
 *        the smaller of @p len and the length field's total; does nothing when
 *        that is under 8 octets (ilrs_ccsds_cmd_check() then reports the problem).
 */
void ilrs_ccsds_cmd_seal(uint8_t *pkt, size_t len);

/**
 * @brief Validate a command packet: primary header, type, secondary header flag,
 *        minimum length, checksum. The packet is what the length field says
 *        (octets of @p pkt beyond it are not part of it).
 * @param[out] function_code set (0 first) on success. May be NULL.
 * @return 0, any ilrs_ccsds_packet_check() code, ILRS_ETYPE (telemetry packet),
 *         ILRS_ECCSDS_SECHDR (flag clear or packet under 8 octets), ILRS_ECRC.
 */
int ilrs_ccsds_cmd_check(const uint8_t *pkt, size_t len, uint8_t *function_code);

/* ---- sequence counting --------------------------------------------------------- */

/** Sender side: one 14-bit counter per APID. Zero-initialise to start at 0. */
typedef struct ilrs_ccsds_seq_counter {
    uint16_t next[ILRS_CCSDS_APID_MAX + 1];
} ilrs_ccsds_seq_counter_t;

/**
 * @brief Return the next count for @p apid (wrapping at 16384) and advance.
 *        Only the low 11 bits of @p apid are used, as in the packet header.
 * @param[in,out] counter caller-owned, not NULL.
 */
uint16_t ilrs_ccsds_seq_next(ilrs_ccsds_seq_counter_t *counter, uint16_t apid);

/** Receiver side: per-APID expected count and totals. Zero-initialise. */
typedef struct ilrs_ccsds_seq_tracker {
    uint16_t expected[ILRS_CCSDS_APID_MAX + 1];
    uint8_t seen[(ILRS_CCSDS_APID_MAX + 1) / 8];
    uint64_t packets;   /**< packets accepted */
    uint64_t gaps;      /**< discontinuities seen */
    uint64_t missing;   /**< packets inferred lost (sum of gap sizes) */
    uint64_t duplicates; /**< packets rejected as repeats of the previous count */
} ilrs_ccsds_seq_tracker_t;

/**
 * @brief Account one received packet. The first packet of an APID sets the
 *        baseline. A jump forward counts a gap of (count - expected) mod 16384
 *        missing packets; a repeat of the previous count is a duplicate.
 *        Every count other than the expected one and the previous one is a jump
 *        forward (a late or restarted stream shows as a large gap). Only the low
 *        14 bits of @p count are used.
 * @return the number of packets missing before this one (0 when in order),
 *         ILRS_ECCSDS_DUPLICATE for a repeat of the previous count (counted in
 *         duplicates, not in packets; the caller should drop it), or
 *         ILRS_ECCSDS_APID for an APID out of range.
 */
int ilrs_ccsds_seq_track(ilrs_ccsds_seq_tracker_t *tracker, uint16_t apid, uint16_t count);

#ifdef __cplusplus
}
#endif
#endif /* ILRS_CCSDS_H */
