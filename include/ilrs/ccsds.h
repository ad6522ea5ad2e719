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

/* ==== Space link: TM Space Data Link Protocol (CCSDS 132.0-B-3) ================ */
/*
 * Fixed-length TM transfer frames (132.0-B-3 §4.1, figure 4-1):
 *   primary header (6) | data field | OCF (4, optional) | FECF (2, optional)
 * The primary header holds TFVN '00', spacecraft ID (10 bits), VCID (3), OCF flag,
 * master and virtual channel frame counts (8 + 8) and the data field status
 * (secondary header flag, sync flag, packet order flag, segment length ID, first
 * header pointer). ilrs profile: no frame secondary header, sync flag 0 (the data
 * field carries space packets), FECF present (CRC-16/CCITT-FALSE, §4.1.6).
 * VC 7 is reserved for Only Idle Data frames (FHP 0x7FE). Everything here is
 * reentrant; the multiplexer and demultiplexer are caller-owned state.
 */

#define ILRS_CCSDS_TM_PRIMARY_LEN 6u
/** Longest TM transfer frame (132.0-B-3 §4.1.1). */
#define ILRS_CCSDS_TM_MAX_FRAME_LEN 2048u
#define ILRS_CCSDS_SCID_MAX         1023u
#define ILRS_CCSDS_TM_VC_COUNT      8u
/** FHP value: no packet starts in this frame's data field (§4.1.2.7). */
#define ILRS_CCSDS_TM_FHP_NONE 0x7FFu
/** FHP value: the data field holds only idle data (§4.1.2.7). */
#define ILRS_CCSDS_TM_FHP_IDLE 0x7FEu

/** ilrs virtual channels (docs/space-link.md). */
#define ILRS_CCSDS_VC_HOUSEKEEPING 0u /**< real-time housekeeping */
#define ILRS_CCSDS_VC_PLAYBACK     1u /**< stored telemetry played back */
#define ILRS_CCSDS_VC_SCIENCE      2u /**< payload science data */
#define ILRS_CCSDS_VC_IDLE         7u /**< Only Idle Data frames */

/** Managed parameters of one physical channel (132.0-B-3 §5). */
typedef struct ilrs_ccsds_tm_config {
    uint16_t scid;      /**< spacecraft ID, 0..1023 */
    uint16_t frame_len; /**< total frame length in octets, fixed on the channel */
    bool has_ocf;       /**< every frame carries an OCF (a CLCW in ilrs) */
    bool has_fecf;      /**< every frame ends with the 2-octet FECF */
} ilrs_ccsds_tm_config_t;

/** One TM transfer frame, decoded or to encode. */
typedef struct ilrs_ccsds_tm_frame {
    uint16_t scid;       /**< decode: from the frame; encode: ignored (config) */
    uint8_t vcid;        /**< 0..7 */
    bool ocf_flag;       /**< decode only: OCF present */
    uint8_t mc_count;    /**< master channel frame count */
    uint8_t vc_count;    /**< virtual channel frame count */
    uint16_t fhp;        /**< first header pointer, or ILRS_CCSDS_TM_FHP_NONE/IDLE */
    const uint8_t *data; /**< data field (borrowed: points into the frame on decode) */
    size_t data_len;     /**< data field length (fixed by the config) */
    uint32_t ocf;        /**< operational control field when present */
} ilrs_ccsds_tm_frame_t;

/**
 * @brief Length of the data field of every frame on a channel, or 0 when the
 *        config is invalid (NULL, SCID > 1023, frame length above 2048 or too
 *        short for header, trailer and one data octet).
 */
size_t ilrs_ccsds_tm_data_len(const ilrs_ccsds_tm_config_t *cfg);

/**
 * @brief Encode a frame into @p buf (at least cfg->frame_len octets). The SCID and
 *        the OCF flag come from @p cfg; the FECF is computed. Nothing is written
 *        on failure.
 * @return 0, ILRS_EINVAL (NULL pointer or invalid config), ILRS_ECCSDS_TOOSMALL
 *         (cap < frame length), ILRS_ECCSDS_VCID (vcid > 7),
 *         ILRS_ECCSDS_FRAME_LENGTH (data_len differs from the data field length),
 *         ILRS_ECCSDS_FHP (FHP beyond the data field and not 0x7FE/0x7FF).
 */
int ilrs_ccsds_tm_frame_encode(const ilrs_ccsds_tm_config_t *cfg,
                               const ilrs_ccsds_tm_frame_t *frame, uint8_t *buf, size_t cap);

/**
 * @brief Decode and validate one frame of @p len octets.
 * @param[out] frame zeroed first; on success data points into @p buf. On
 *         ILRS_ECCSDS_SCID, _FRAME_FLAGS and _FHP the header fields are filled
 *         (for diagnostics).
 * @return 0, ILRS_EINVAL (NULL pointer, invalid config), and, checked in this
 *         order: ILRS_ECCSDS_FRAME_LENGTH (len != frame length), ILRS_ECRC (FECF
 *         mismatch), ILRS_ECCSDS_TFVN (version != 00), ILRS_ECCSDS_SCID (not the
 *         configured spacecraft), ILRS_ECCSDS_FRAME_FLAGS (OCF flag differs from
 *         the config, secondary header flag set, sync flag set, packet order flag
 *         set or segment length ID != '11'), ILRS_ECCSDS_FHP (pointer beyond the
 *         data field and not 0x7FE or 0x7FF).
 */
int ilrs_ccsds_tm_frame_decode(const ilrs_ccsds_tm_config_t *cfg, const uint8_t *buf, size_t len,
                               ilrs_ccsds_tm_frame_t *frame);

/* ---- TM virtual channel multiplexer (sender) ------------------------------------- */

/** Sender state of one virtual channel (inside ilrs_ccsds_tm_mux_t). */
typedef struct ilrs_ccsds_tm_vc_tx {
    uint8_t *ring;     /**< packet queue storage (borrowed from the caller) */
    size_t cap;        /**< its size in octets */
    size_t head;       /**< ring index of the next octet to send */
    size_t used;       /**< queued octets */
    size_t pkt_left;   /**< octets of the packet at head still to send (0: head at a start) */
    size_t idle_left;  /**< octets of an idle packet still to send before the queue */
    size_t idle_total; /**< length of that idle packet */
    uint8_t priority;  /**< 0 is served first */
    bool enabled;
    uint8_t vc_count;      /**< next virtual channel frame count */
    uint64_t packets_in;   /**< packets queued */
    uint64_t frames;       /**< frames sent on this VC */
    uint64_t idle_packets; /**< idle packets inserted to complete frames */
} ilrs_ccsds_tm_vc_tx_t;

/** Multiplexer: caller-owned; set up with ilrs_ccsds_tm_mux_init(). */
typedef struct ilrs_ccsds_tm_mux {
    ilrs_ccsds_tm_config_t cfg;
    size_t data_len;
    ilrs_ccsds_tm_vc_tx_t vc[ILRS_CCSDS_TM_VC_COUNT];
    uint8_t mc_count;     /**< next master channel frame count */
    uint8_t last_vc;      /**< VC served last (round-robin among equal priorities) */
    uint64_t frames;      /**< frames produced */
    uint64_t idle_frames; /**< Only Idle Data frames produced */
} ilrs_ccsds_tm_mux_t;

/**
 * @brief Start a multiplexer for the channel @p cfg; no VC is enabled yet.
 * @return 0 or ILRS_EINVAL (NULL pointer, or a config that
 *         ilrs_ccsds_tm_data_len() rejects).
 */
int ilrs_ccsds_tm_mux_init(ilrs_ccsds_tm_mux_t *mux, const ilrs_ccsds_tm_config_t *cfg);

/**
 * @brief Enable virtual channel @p vcid (0..6) with a packet queue over @p storage
 *        (borrowed; must outlive the multiplexer's use) of @p cap octets.
 *        Lower @p priority values are served first; equal ones in turn.
 * @return 0, ILRS_EINVAL (NULL pointer, cap < 7), ILRS_ECCSDS_VCID (vcid > 6:
 *         VC 7 carries only idle frames), ILRS_EEXIST (already enabled).
 */
int ilrs_ccsds_tm_mux_add_vc(ilrs_ccsds_tm_mux_t *mux, uint8_t vcid, uint8_t priority,
                             uint8_t *storage, size_t cap);

/**
 * @brief Queue one space packet (copied) on @p vcid. The packet must pass
 *        ilrs_ccsds_packet_check() with a length of exactly @p len.
 * @return 0, ILRS_EINVAL (NULL pointer), ILRS_ECCSDS_VCID (VC not enabled),
 *         any ilrs_ccsds_packet_check() code, ILRS_ECCSDS_LENGTH (the length field
 *         says less than @p len), ILRS_EFULL (not enough room: nothing queued).
 */
int ilrs_ccsds_tm_mux_push(ilrs_ccsds_tm_mux_t *mux, uint8_t vcid, const uint8_t *packet,
                           size_t len);

/** @brief Octets queued on @p vcid (0 for a VC not enabled). */
size_t ilrs_ccsds_tm_mux_pending(const ilrs_ccsds_tm_mux_t *mux, uint8_t vcid);

/**
 * @brief Produce the next frame (always exactly cfg.frame_len octets).
 *
 * Picks the enabled VC with queued packets and the lowest priority value (equal
 * priorities in round-robin), fills the data field from its queue across packet
 * boundaries (a packet may span any number of frames; FHP names the first packet
 * start, or 0x7FF), completes a short data field with an idle packet (APID 2047;
 * if fewer than 7 octets remain the idle packet continues in that VC's next
 * frame), and counts master and VC frames. With nothing queued it produces an
 * Only Idle Data frame on VC 7 (FHP 0x7FE).
 * @param[in] ocf written in the OCF when the channel has one (a CLCW).
 * @param[out] vcid the VC of the frame (may be NULL).
 * @return 0, ILRS_EINVAL (NULL), ILRS_ECCSDS_TOOSMALL (cap < frame length).
 */
int ilrs_ccsds_tm_mux_next_frame(ilrs_ccsds_tm_mux_t *mux, uint32_t ocf, uint8_t *frame, size_t cap,
                                 uint8_t *vcid);

/* ---- TM demultiplexer and packet extractor (receiver) ---------------------------- */

/**
 * Packet delivery callback: @p packet (borrowed, valid during the call only) is
 * one complete space packet of @p len octets (its length field agrees) that
 * arrived on @p vcid. Idle packets are not delivered.
 */
typedef void (*ilrs_ccsds_tm_packet_fn)(void *user, uint8_t vcid, const uint8_t *packet,
                                        size_t len);

/** Receiver state and counts of one virtual channel. */
typedef struct ilrs_ccsds_tm_vc_rx {
    uint8_t *buf; /**< reassembly buffer (borrowed) */
    size_t cap;
    size_t have; /**< octets of the current packet in buf */
    size_t need; /**< its total length, 0 while its header is incomplete */
    size_t skip; /**< octets still to skip (idle or oversized packet) */
    bool enabled;
    bool in_sync;               /**< packet boundaries known */
    bool seen;                  /**< a frame arrived (the VC count is meaningful) */
    uint8_t expected;           /**< next VC frame count */
    uint64_t frames;            /**< valid frames on this VC */
    uint64_t gaps;              /**< VC frame count discontinuities */
    uint64_t frames_lost;       /**< frames missing, from the count jumps */
    uint64_t packets;           /**< packets delivered */
    uint64_t idle_packets;      /**< idle packets dropped */
    uint64_t partial_discarded; /**< incomplete packets discarded (loss, mismatch) */
    uint64_t too_big;           /**< packets longer than buf, skipped */
    uint64_t bad_headers;       /**< packet headers with version != 0 (sync lost) */
    uint64_t fhp_mismatch;      /**< FHP disagreeing with the packet lengths */
    uint64_t octets_skipped;    /**< data octets dropped while out of sync */
} ilrs_ccsds_tm_vc_rx_t;

/** Demultiplexer: caller-owned; set up with ilrs_ccsds_tm_demux_init(). */
typedef struct ilrs_ccsds_tm_demux {
    ilrs_ccsds_tm_config_t cfg;
    size_t data_len;
    ilrs_ccsds_tm_vc_rx_t vc[ILRS_CCSDS_TM_VC_COUNT];
    ilrs_ccsds_tm_packet_fn deliver;
    void *user;
    bool mc_seen;
    uint8_t mc_expected;
    bool ocf_valid;
    uint32_t last_ocf;       /**< OCF of the last valid frame */
    uint64_t frames_ok;      /**< frames that decoded */
    uint64_t crc_errors;     /**< frames failing the FECF */
    uint64_t scid_errors;    /**< frames of another spacecraft */
    uint64_t format_errors;  /**< other decode failures (length, TFVN, flags, FHP) */
    uint64_t vcid_unknown;   /**< valid frames on a VC not enabled */
    uint64_t mc_gaps;        /**< master channel frame count discontinuities */
    uint64_t mc_frames_lost; /**< frames missing, from the master count */
    uint64_t idle_frames;    /**< Only Idle Data frames */
} ilrs_ccsds_tm_demux_t;

/**
 * @brief Start a demultiplexer for channel @p cfg delivering packets to @p deliver
 *        (with @p user, borrowed). VC 7 idle frames are always accepted.
 * @return 0 or ILRS_EINVAL (NULL pointer or invalid config).
 */
int ilrs_ccsds_tm_demux_init(ilrs_ccsds_tm_demux_t *demux, const ilrs_ccsds_tm_config_t *cfg,
                             ilrs_ccsds_tm_packet_fn deliver, void *user);

/**
 * @brief Enable packet extraction on @p vcid (0..6) into the reassembly buffer
 *        @p buf (borrowed) of @p cap octets: packets longer than @p cap are
 *        counted (too_big) and skipped. @p cap = ILRS_CCSDS_MAX_PACKET_LEN takes all.
 * @return 0, ILRS_EINVAL (NULL, cap < 6), ILRS_ECCSDS_VCID, ILRS_EEXIST.
 */
int ilrs_ccsds_tm_demux_add_vc(ilrs_ccsds_tm_demux_t *demux, uint8_t vcid, uint8_t *buf,
                               size_t cap);

/**
 * @brief Process one received frame: decode it (errors counted and returned,
 *        nothing else changes), check the master and VC frame counts (a jump
 *        counts a gap and its lost frames, discards the packet in progress and
 *        resynchronises on this frame's FHP), then extract the packets, calling
 *        the delivery callback for each complete one, in order.
 * @return 0, any ilrs_ccsds_tm_frame_decode() code, ILRS_ECCSDS_VCID (valid
 *         frame on a VC not enabled: counted, ignored).
 */
int ilrs_ccsds_tm_demux_frame(ilrs_ccsds_tm_demux_t *demux, const uint8_t *frame, size_t len);

/* ==== Space link: TC Space Data Link Protocol (CCSDS 232.0-B-4) ================ */
/*
 * TC transfer frames (232.0-B-4 §4.1, figure 4-1):
 *   primary header (5) | data field (1..1019) | FECF (2, optional)
 * Header: TFVN '00', bypass flag, control command flag, 2 spare bits '00',
 * SCID (10), VCID (6), frame length - 1 (10), frame sequence number N(S) (8).
 * ilrs choice: no segment header (MAP service not used): the data field of a
 * type-AD/BD frame carries whole space packets (one command packet per frame in
 * ilrs), the data field of a type-BC frame one control command (232.1-B-2, Unlock and Set V(R)).
 */

#define ILRS_CCSDS_TC_PRIMARY_LEN 5u
/** Longest TC frame (232.0-B-4 §4.1.2: frame length field + 1 <= 1024). */
#define ILRS_CCSDS_TC_MAX_FRAME_LEN 1024u
#define ILRS_CCSDS_TC_VCID_MAX      63u

/** One TC transfer frame. Frame type from the flags: 00 AD, 10 BD, 11 BC (01 invalid). */
typedef struct ilrs_ccsds_tc_frame {
    uint16_t scid;       /**< decode: from the frame; encode: ignored (config) */
    uint8_t vcid;        /**< 0..63 */
    bool bypass;         /**< type-B (bypass) frame */
    bool control;        /**< control command frame (type-BC) */
    uint8_t seq;         /**< frame sequence number N(S) (0 on type-B frames) */
    const uint8_t *data; /**< data field (borrowed; points into the frame on decode) */
    size_t data_len;
} ilrs_ccsds_tc_frame_t;

/** Managed parameters of the TC channel. */
typedef struct ilrs_ccsds_tc_config {
    uint16_t scid; /**< 0..1023 */
    bool has_fecf; /**< frames end with the FECF (ilrs: always) */
} ilrs_ccsds_tc_config_t;

/**
 * @brief Encode a TC frame into @p buf. Nothing is written on failure.
 * @param[out] written frame length (0 before any failure); may be NULL.
 * @return 0, ILRS_EINVAL (NULL pointer, SCID > 1023), ILRS_ECCSDS_VCID (> 63),
 *         ILRS_ECCSDS_FRAME_FLAGS (control without bypass), ILRS_ECCSDS_FRAME_LENGTH
 *         (empty data field or frame above 1024 octets), ILRS_ECCSDS_TOOSMALL (cap).
 */
int ilrs_ccsds_tc_frame_encode(const ilrs_ccsds_tc_config_t *cfg,
                               const ilrs_ccsds_tc_frame_t *frame, uint8_t *buf, size_t cap,
                               size_t *written);

/**
 * @brief Decode and validate one TC frame of exactly @p len octets.
 * @param[out] frame zeroed first; filled as far as decoded.
 * @return 0, ILRS_EINVAL (NULL pointer), and, in this order:
 *         ILRS_ECCSDS_FRAME_LENGTH (shorter than header + one data octet + FECF,
 *         or frame length field + 1 != len), ILRS_ECRC (FECF), ILRS_ECCSDS_TFVN,
 *         ILRS_ECCSDS_FRAME_FLAGS (spare bits set, or control flag without bypass),
 *         ILRS_ECCSDS_SCID (not the configured spacecraft).
 */
int ilrs_ccsds_tc_frame_decode(const ilrs_ccsds_tc_config_t *cfg, const uint8_t *buf, size_t len,
                               ilrs_ccsds_tc_frame_t *frame);

/** COP-1 control commands carried by type-BC frames (232.1-B-2, Unlock and Set V(R)). */
enum ilrs_ccsds_tc_control_cmd {
    ILRS_CCSDS_TC_UNLOCK = 1, /**< one octet 0x00 */
    ILRS_CCSDS_TC_SET_VR = 2, /**< three octets 0x82 0x00 V*(R) */
};

/**
 * @brief Write control command @p cmd (with @p vr for Set V(R)) into @p buf.
 * @param[out] written 1 or 3 (0 on failure); may be NULL.
 * @return 0, ILRS_EINVAL (NULL buffer, unknown command), ILRS_ECCSDS_TOOSMALL.
 */
int ilrs_ccsds_tc_control_encode(int cmd, uint8_t vr, uint8_t *buf, size_t cap, size_t *written);

/**
 * @brief Parse the data field of a type-BC frame.
 * @param[out] cmd, vr set (0 first); vr only for Set V(R).
 * @return 0, ILRS_EINVAL (NULL pointer), ILRS_ECCSDS_TC_CONTROL (any other content).
 */
int ilrs_ccsds_tc_control_decode(const uint8_t *data, size_t len, int *cmd, uint8_t *vr);

/* ==== COP-1 (CCSDS 232.1-B-2): CLCW, FARM-1, FOP-1 ============================= */

/** Communications Link Control Word (232.0-B-4 §4.2). */
typedef struct ilrs_ccsds_clcw {
    uint8_t status;  /**< status field, 3 bits (mission-defined, 0 in ilrs) */
    uint8_t vcid;    /**< 6 bits */
    bool no_rf;      /**< no RF available */
    bool no_bitlock; /**< no bit lock */
    bool lockout;
    bool wait;
    bool retransmit;
    uint8_t farm_b;       /**< FARM-B counter, 2 bits */
    uint8_t report_value; /**< N(R) = V(R) */
} ilrs_ccsds_clcw_t;

/**
 * @brief Pack a CLCW into its 32-bit word (control word type 0, version 00, COP in
 *        effect 01, spare bits 0), most significant bit first on the wire.
 * @param[out] word 0 on failure.
 * @return 0, ILRS_EINVAL (NULL), ILRS_ERANGE (status > 7, vcid > 63, farm_b > 3).
 */
int ilrs_ccsds_clcw_encode(const ilrs_ccsds_clcw_t *clcw, uint32_t *word);

/**
 * @brief Unpack and validate a CLCW word.
 * @param[out] clcw zeroed first, then filled (also on failure, for diagnostics).
 * @return 0, ILRS_EINVAL (NULL), ILRS_ECCSDS_CLCW (control word type 1, version
 *         != 00, COP in effect != 01, or spare bits set).
 */
int ilrs_ccsds_clcw_decode(uint32_t word, ilrs_ccsds_clcw_t *clcw);

/* ---- FARM-1 (on board, 232.1-B-2 §6) --------------------------------------------- */

enum ilrs_ccsds_farm_state {
    ILRS_CCSDS_FARM_OPEN = 1,    /**< S1 */
    ILRS_CCSDS_FARM_WAIT = 2,    /**< S2 */
    ILRS_CCSDS_FARM_LOCKOUT = 3, /**< S3 */
};

/** FARM-1 of one virtual channel: caller-owned, ilrs_ccsds_farm_init(). */
typedef struct ilrs_ccsds_farm {
    uint8_t vcid;
    uint8_t state;  /**< ilrs_ccsds_farm_state */
    uint8_t vr;     /**< V(R), next expected N(S) */
    uint8_t window; /**< FARM sliding window width W (even, 2..254) */
    bool lockout, wait, retransmit;
    uint8_t farm_b; /**< FARM-B counter (mod 4) */
    uint64_t accepted_ad, accepted_bd, accepted_bc;
    uint64_t discarded; /**< type-AD frames discarded (any reason) */
    uint64_t lockouts;  /**< entries into lockout */
    uint64_t invalid;   /**< frames rejected as invalid (VCID, control command) */
} ilrs_ccsds_farm_t;

/**
 * @brief Start FARM-1 for @p vcid in state Open, V(R) = 0, window @p window.
 * @return 0, ILRS_EINVAL (NULL), ILRS_ECCSDS_VCID (> 63), ILRS_ERANGE (window
 *         odd or outside 2..254, 232.1-B-2 §6.1.8).
 */
int ilrs_ccsds_farm_init(ilrs_ccsds_farm_t *farm, uint8_t vcid, uint8_t window);

/**
 * @brief Apply one valid TC frame (already decoded) to FARM-1 (state table 6-1).
 * @param[in] ready a buffer is available to take a type-AD frame's data.
 * @return 0 accepted (AD/BD: pass the data field up; BC: command executed),
 *         ILRS_ECCSDS_FARM_SEQ (AD frame in the positive window ahead of V(R):
 *         retransmit flag set, or in the negative window: already received),
 *         ILRS_ECCSDS_FARM_WAIT (N(S) = V(R) without a buffer, or in state Wait
 *         until ilrs_ccsds_farm_buffer_release()),
 *         ILRS_ECCSDS_FARM_LOCKOUT (outside both windows: lockout entered, or
 *         already in lockout), ILRS_ECCSDS_VCID (another VC), ILRS_ECCSDS_TC_CONTROL
 *         (BC frame without a valid control command), ILRS_EINVAL (NULL).
 */
int ilrs_ccsds_farm_receive(ilrs_ccsds_farm_t *farm, const ilrs_ccsds_tc_frame_t *frame,
                            bool ready);

/** @brief Buffer release signal (event E10): clears the wait flag, Wait → Open. */
void ilrs_ccsds_farm_buffer_release(ilrs_ccsds_farm_t *farm);

/** @brief The CLCW word reporting this FARM (status 0, no_rf/no_bitlock 0). */
uint32_t ilrs_ccsds_farm_clcw(const ilrs_ccsds_farm_t *farm);

/* ---- FOP-1 (ground, 232.1-B-2 §5) ------------------------------------------------ */

enum ilrs_ccsds_fop_state {
    ILRS_CCSDS_FOP_ACTIVE = 1,             /**< S1 */
    ILRS_CCSDS_FOP_RETRANSMIT_NO_WAIT = 2, /**< S2 */
    ILRS_CCSDS_FOP_RETRANSMIT_WAIT = 3,    /**< S3 */
    ILRS_CCSDS_FOP_INIT_NO_BC = 4,         /**< S4: initialising without BC frame */
    ILRS_CCSDS_FOP_INIT_BC = 5,            /**< S5: initialising with BC frame */
    ILRS_CCSDS_FOP_INITIAL = 6,            /**< S6 */
};

/** Alerts to the higher layer (232.1-B-2 Table 4-4). */
enum ilrs_ccsds_fop_alert {
    ILRS_CCSDS_FOP_ALERT_NONE = 0,
    ILRS_CCSDS_FOP_ALERT_LIMIT = 1,   /**< CLCW asked for a retransmission at the limit */
    ILRS_CCSDS_FOP_ALERT_T1 = 2,      /**< timer expired at the transmission limit */
    ILRS_CCSDS_FOP_ALERT_TERM = 3,    /**< terminated by directive */
    ILRS_CCSDS_FOP_ALERT_SYNCH = 4,   /**< CLCW inconsistent with the FOP state */
    ILRS_CCSDS_FOP_ALERT_NNR = 5,     /**< N(R) outside [NN(R), V(S)] */
    ILRS_CCSDS_FOP_ALERT_CLCW = 6,    /**< wait flag without retransmit flag */
    ILRS_CCSDS_FOP_ALERT_LOCKOUT = 7, /**< FARM in lockout */
};

/** Initiate AD service variants (232.1-B-2 table 5-1 directives). */
enum ilrs_ccsds_fop_init_mode {
    ILRS_CCSDS_FOP_INIT_NO_CLCW = 1, /**< without CLCW check → S1 */
    ILRS_CCSDS_FOP_INIT_CLCW = 2,    /**< with CLCW check → S4 */
    ILRS_CCSDS_FOP_INIT_UNLOCK = 3,  /**< with Unlock (BC frame) → S5 */
    ILRS_CCSDS_FOP_INIT_SET_VR = 4,  /**< with Set V(R) (BC frame) → S5 */
};

/** FOP-1 configuration. */
typedef struct ilrs_ccsds_fop_config {
    uint16_t scid;
    uint8_t vcid; /**< 0..63 */
    bool has_fecf;
    size_t max_data_len;  /**< largest FDU (frame data field): 1..1017 with FECF, 1..1019 without */
    uint8_t window;       /**< FOP sliding window width K, 1..255 (K <= FARM PW) */
    ilrs_tai_t t1;        /**< T1_Initial, ns, > 0 */
    uint32_t tx_limit;    /**< Transmission_Limit, >= 1 */
    uint8_t timeout_type; /**< 0: alert at the limit; 1: suspend */
} ilrs_ccsds_fop_config_t;

/** FOP-1 of one virtual channel: caller-owned, ilrs_ccsds_fop_init(). */
typedef struct ilrs_ccsds_fop {
    ilrs_ccsds_tc_config_t tc;
    uint8_t vcid;
    uint8_t state; /**< ilrs_ccsds_fop_state */
    uint8_t ss;    /**< Suspend_State, 0 when not suspended */
    uint8_t vs;    /**< V(S) */
    uint8_t nnr;   /**< NN(R) */
    uint8_t k;     /**< sliding window width K */
    uint8_t timeout_type;
    uint32_t tx_limit;
    uint32_t tx_count; /**< Transmission_Count */
    ilrs_tai_t t1;
    bool timer_on;
    ilrs_tai_t deadline;
    uint8_t *storage; /**< sent queue slots + wait queue slot (borrowed) */
    size_t slot_size;
    size_t slots;       /**< sent queue slots (storage holds slots + 1) */
    size_t sent_head;   /**< slot holding the frame N(S) = NN(R) */
    uint16_t len[256];  /**< FDU length by N(S) */
    bool rtx[256];      /**< To_Be_Retransmitted by N(S) */
    size_t wait_len;    /**< FDU in the wait queue (0: empty) */
    uint8_t bc[3];      /**< BC frame data while a BC frame is outstanding */
    size_t bc_len;      /**< 0: no BC frame outstanding */
    bool bc_tx;         /**< the BC frame is due for (re)transmission */
    uint8_t last_alert; /**< ilrs_ccsds_fop_alert */
    uint64_t alerts;
    uint64_t frames_sent;     /**< AD frames sent, first transmissions */
    uint64_t retransmissions; /**< AD frames sent again */
    uint64_t bc_sent;         /**< BC frames sent (incl. again) */
    uint64_t acknowledged;    /**< FDUs acknowledged (positive confirm) */
    uint64_t purged;          /**< FDUs dropped by termination or alert (negative confirm) */
    uint64_t clcw_ignored;    /**< CLCWs not for this VC or malformed */
} ilrs_ccsds_fop_t;

/**
 * @brief Start FOP-1 in state S6 (Initial) with V(S) = NN(R) = 0.
 * @param storage borrowed; holds (K_max + 1) slots of cfg->max_data_len octets:
 *        the sent queue and the one-FDU wait queue. The number of sent-queue
 *        slots, storage_len / max_data_len - 1, bounds K.
 * @return 0, ILRS_EINVAL (NULL, SCID > 1023, VCID > 63, max_data_len outside
 *         1..1017 with FECF or 1..1019 without, t1 <= 0, tx_limit 0,
 *         timeout_type > 1), ILRS_ERANGE (window 0 or above the slots).
 */
int ilrs_ccsds_fop_init(ilrs_ccsds_fop_t *fop, const ilrs_ccsds_fop_config_t *cfg, uint8_t *storage,
                        size_t storage_len);

/**
 * @brief Directive "Initiate AD Service" (232.1-B-2 table 5-1): only in
 *        S6 (else ILRS_ESTATE). Purges both queues. NO_CLCW → S1; CLCW → S4 (timer
 *        started; S1 on a CLCW with N(R) = V(S)); UNLOCK / SET_VR (@p vr becomes
 *        V(S) = NN(R)) → S5, a BC frame is due (S1 when the CLCW acknowledges it).
 * @return 0, ILRS_EINVAL, ILRS_ESTATE.
 */
int ilrs_ccsds_fop_initiate(ilrs_ccsds_fop_t *fop, int mode, uint8_t vr, ilrs_tai_t now);

/** @brief Directive "Terminate AD Service": any state → S6, queues purged, alert TERM. */
int ilrs_ccsds_fop_terminate(ilrs_ccsds_fop_t *fop);

/**
 * @brief Directive "Resume AD Service": in S6 after a suspension, back to the
 *        suspended state with the timer restarted (§5.2.17; Transmission_Count is
 *        kept). ILRS_ESTATE otherwise.
 */
int ilrs_ccsds_fop_resume(ilrs_ccsds_fop_t *fop, ilrs_tai_t now);

/** @brief Directive "Set V(S)": S6 and not suspended only; V(S) = NN(R) = @p vs. */
int ilrs_ccsds_fop_set_vs(ilrs_ccsds_fop_t *fop, uint8_t vs);

/** @brief Directive "Set FOP Sliding Window Width" K (1..slots, else ILRS_ERANGE). */
int ilrs_ccsds_fop_set_window(ilrs_ccsds_fop_t *fop, uint8_t k);

/** @brief Directive "Set T1_Initial" (ns > 0, else ILRS_ERANGE). */
int ilrs_ccsds_fop_set_t1(ilrs_ccsds_fop_t *fop, ilrs_tai_t t1);

/** @brief Directive "Set Transmission_Limit" (>= 1, else ILRS_ERANGE). */
int ilrs_ccsds_fop_set_tx_limit(ilrs_ccsds_fop_t *fop, uint32_t limit);

/** @brief Directive "Set Timeout_Type" (0 or 1, else ILRS_ERANGE). */
int ilrs_ccsds_fop_set_timeout_type(ilrs_ccsds_fop_t *fop, uint8_t type);

/**
 * @brief Request to transfer an FDU on the AD service (copied into the wait queue).
 * @return 0 accepted, ILRS_EBUSY (wait queue occupied: retry after
 *         ilrs_ccsds_fop_next_frame()), ILRS_ESTATE (S6: rejected), ILRS_EINVAL
 *         (NULL, empty, or longer than max_data_len).
 */
int ilrs_ccsds_fop_request(ilrs_ccsds_fop_t *fop, const uint8_t *data, size_t len);

/**
 * @brief Process a received CLCW word (from the OCF of a TM frame): state table
 *        5-1 CLCW events. CLCWs of another VC or malformed ones are counted and
 *        ignored (no state change).
 * @return 0, ILRS_EINVAL (NULL), ILRS_ECCSDS_CLCW, ILRS_ECCSDS_VCID (ignored).
 */
int ilrs_ccsds_fop_clcw(ilrs_ccsds_fop_t *fop, uint32_t clcw, ilrs_tai_t now);

/**
 * @brief Advance time: when the timer has expired at @p now, apply the timer
 *        expiry event (retransmission, or alert / suspend at the limit).
 * @return 0 or ILRS_EINVAL.
 */
int ilrs_ccsds_fop_tick(ilrs_ccsds_fop_t *fop, ilrs_tai_t now);

/**
 * @brief The lower layer is ready for one frame: take the next one due, in order:
 *        a BC frame, AD frames marked for retransmission (oldest first), then the
 *        FDU of the wait queue as a new AD frame when the window allows
 *        (V(S) < NN(R) + K) and the state is S1 or S2. Starts the timer.
 * @param[out] len frame length (0 when none).
 * @return 0 (a frame in @p buf), ILRS_EEMPTY (nothing due), ILRS_EINVAL,
 *         ILRS_ECCSDS_TOOSMALL (cap too small for the frame; nothing changes).
 */
int ilrs_ccsds_fop_next_frame(ilrs_ccsds_fop_t *fop, ilrs_tai_t now, uint8_t *buf, size_t cap,
                              size_t *len);

#ifdef __cplusplus
}
#endif
#endif /* ILRS_CCSDS_H */
