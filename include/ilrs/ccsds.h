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
 * @return 0, ILRS_EINVAL, ILRS_ECCSDS_TOOSMALL, ILRS_ECCSDS_APID,
 *         ILRS_ECCSDS_VERSION or ILRS_ECCSDS_SEQFLAGS / ILRS_ERANGE for bad fields.
 */
int ilrs_ccsds_primary_encode(const ilrs_ccsds_primary_t *hdr, uint8_t *buf, size_t cap);

/**
 * @brief Decode and validate the primary header at @p buf.
 * @param[out] hdr set (zeroed first) before any failure return.
 * @return 0, ILRS_ECCSDS_TOOSMALL (fewer than 6 octets), ILRS_ECCSDS_VERSION.
 */
int ilrs_ccsds_primary_decode(const uint8_t *buf, size_t len, ilrs_ccsds_primary_t *hdr);

/**
 * @brief Validate a whole packet in @p buf: header, and that the length field
 *        fits in @p len. @p packet_len receives the packet's total length (which may
 *        be less than @p len when packets are concatenated).
 * @return 0, or ILRS_ECCSDS_* naming the first problem found.
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
 *        Fine time is truncated toward the earlier instant.
 * @param[out] written octets written (set to 0 before any failure).
 * @return 0, ILRS_EINVAL (bad format), ILRS_ERANGE (t before the epoch or beyond
 *         the coarse field), ILRS_ECCSDS_TOOSMALL.
 */
int ilrs_ccsds_cuc_encode(ilrs_tai_t t, ilrs_ccsds_cuc_format_t fmt, bool with_pfield,
                          uint8_t *buf, size_t cap, size_t *written);

/**
 * @brief Decode CUC. When @p implicit is NULL a P-field must lead the field;
 *        otherwise @p implicit gives the layout (no P-field).
 * @param[out] t TAI ns (set to 0 before any failure); fine time rounded to the
 *         nearest ns.
 * @param[out] consumed octets read (0 on failure).
 * @return 0, ILRS_ECCSDS_CUC_PFIELD (unsupported code ID, agency epoch or
 *         extension), ILRS_ECCSDS_TOOSMALL, ILRS_EINVAL.
 */
int ilrs_ccsds_cuc_decode(const uint8_t *buf, size_t len, const ilrs_ccsds_cuc_format_t *implicit,
                          ilrs_tai_t *t, size_t *consumed);

/* ---- ilrs packet conventions -------------------------------------------------- */

/**
 * @brief Write a telemetry packet header: unsegmented, secondary header flag set,
 *        sequence count 0, length field for @p packet_len total octets, CUC time.
 * @return 0, ILRS_ECCSDS_TOOSMALL (cap < packet_len or packet_len < 12),
 *         ILRS_ECCSDS_TOOBIG, ILRS_ECCSDS_APID, ILRS_ERANGE (time).
 */
int ilrs_ccsds_tlm_init(uint8_t *buf, size_t cap, uint16_t apid, size_t packet_len,
                        ilrs_tai_t time);

/** @brief Read the telemetry time; checks the packet is telemetry with a secondary header. */
int ilrs_ccsds_tlm_get_time(const uint8_t *pkt, size_t len, ilrs_tai_t *time);

/** @brief Overwrite the telemetry time of a packet initialised by ilrs_ccsds_tlm_init(). */
int ilrs_ccsds_tlm_set_time(uint8_t *pkt, size_t len, ilrs_tai_t time);

/**
 * @brief Write a command packet header (type 1, secondary header flag set,
 *        unsegmented, function code) for @p packet_len total octets. The checksum
 *        is left 0; call ilrs_ccsds_cmd_seal() after filling the arguments.
 */
int ilrs_ccsds_cmd_init(uint8_t *buf, size_t cap, uint16_t apid, uint8_t function_code,
                        size_t packet_len);

/** @brief Set the checksum octet so the XOR of the packet is 0xFF. */
void ilrs_ccsds_cmd_seal(uint8_t *pkt, size_t len);

/**
 * @brief Validate a command packet: primary header, type, secondary header flag,
 *        minimum length, checksum.
 * @param[out] function_code set (0 first) on success.
 * @return 0, ILRS_ECCSDS_* or ILRS_ECRC (checksum).
 */
int ilrs_ccsds_cmd_check(const uint8_t *pkt, size_t len, uint8_t *function_code);

/* ---- sequence counting --------------------------------------------------------- */

/** Sender side: one 14-bit counter per APID. Zero-initialise to start at 0. */
typedef struct ilrs_ccsds_seq_counter {
    uint16_t next[ILRS_CCSDS_APID_MAX + 1];
} ilrs_ccsds_seq_counter_t;

/** @brief Return the next count for @p apid (wrapping at 16384) and advance. */
uint16_t ilrs_ccsds_seq_next(ilrs_ccsds_seq_counter_t *counter, uint16_t apid);

/** Receiver side: per-APID expected count and totals. Zero-initialise. */
typedef struct ilrs_ccsds_seq_tracker {
    uint16_t expected[ILRS_CCSDS_APID_MAX + 1];
    uint8_t seen[(ILRS_CCSDS_APID_MAX + 1) / 8];
    uint64_t packets;   /**< packets accepted */
    uint64_t gaps;      /**< discontinuities seen */
    uint64_t missing;   /**< packets inferred lost (sum of gap sizes) */
} ilrs_ccsds_seq_tracker_t;

/**
 * @brief Account one received packet. The first packet of an APID sets the
 *        baseline. A jump forward counts a gap of (count - expected) mod 16384
 *        missing packets; a repeat of the previous count is a duplicate.
 * @return the number of packets missing before this one (0 when in order), or
 *         ILRS_ECCSDS_APID for an APID out of range.
 */
int ilrs_ccsds_seq_track(ilrs_ccsds_seq_tracker_t *tracker, uint16_t apid, uint16_t count);

#ifdef __cplusplus
}
#endif
#endif /* ILRS_CCSDS_H */
