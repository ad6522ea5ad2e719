/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file ground_link.h
 * @brief Ground end of the space link: TM frames in (UDP or a call) → virtual
 *        channel demultiplexer → packets → archive and live clients; commands
 *        queued by the mission-control server → FOP-1 → TC frames out; command
 *        states from the CLCW and the station's LINK_CMD_RESPONSE packets.
 *
 * Command life cycle (the server's source command_update hook):
 * - queued: the server recorded it (ilrs_ground_link_bind_source() wraps the
 *   server's source so every queued command also enters the uplink queue);
 * - sent: its TC frame left for the first time (FOP-1 AD service, 232.1-B-2);
 * - accepted: a CLCW acknowledged the frame (N(R) passed its N(S)): FARM-1 on
 *   board took it;
 * - executed / failed: the station's LINK_CMD_RESPONSE packet for the command's
 *   (APID, sequence count) reported the command ingest's result (dictionary
 *   check) — or failed when FOP-1 gave up (alert) or the packet cannot be sent.
 * The link gives each command packet its own 14-bit sequence count (resealing
 * the checksum) so responses name it unambiguously.
 *
 * Use without sockets: feed frames with ilrs_ground_link_tm_frame(), call
 * ilrs_ground_link_poll() to run FOP-1 and send TC frames through the configured
 * send callback. With UDP: ilrs_ground_link_udp_open() then either
 * ilrs_ground_link_udp_service() in your loop or ilrs_ground_link_start() for a
 * service thread.
 *
 * Thread safety: every function takes the link's mutex; the bound source's
 * functions (called from the server's thread) do too, and the inner source is
 * only ever called under it. Depends on base, ccsds, dict, ground, ground_server.
 */
#ifndef ILRS_GROUND_LINK_H
#define ILRS_GROUND_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ilrs/base.h>
#include <ilrs/ccsds.h>
#include <ilrs/dict.h>
#include <ilrs/ground.h>
#include <ilrs/ground_server.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The ilrs spacecraft ID (= ILRS_LINK_DEFAULT_SCID; a project choice, not SANA-assigned). */
#define ILRS_GROUND_LINK_DEFAULT_SCID 0x1A5u
/** Default APID of the station's LINK_CMD_RESPONSE packet (= ILRS_LINK_APID_CMD_RESPONSE). */
#define ILRS_GROUND_LINK_RESPONSE_APID 0x12Au
/** Commands waiting for transmission or a final state. */
#define ILRS_GROUND_LINK_MAX_COMMANDS 256u

/** TC frame transmission: return 0 or a negative ILRS_E code (counted). */
typedef int (*ilrs_ground_link_send_fn)(void *user, const uint8_t *frame, size_t len);
/** Optional packet tap: every telemetry packet delivered by the demultiplexer. */
typedef void (*ilrs_ground_link_packet_fn)(void *user, uint8_t vcid, const uint8_t *pkt,
                                           size_t len);

/** Configuration; zero fields take the defaults. */
typedef struct ilrs_ground_link_config {
    uint16_t scid;                  /**< spacecraft ID (0x1A5 in ilrs) */
    uint16_t tm_frame_len;          /**< 0 = 1115 (must match the station's LINK app) */
    uint8_t tc_vcid;                /**< TC virtual channel (0) */
    uint8_t fop_window;             /**< FOP-1 K, 1..8 (0 = 8; at most the FARM window / 2) */
    ilrs_tai_t t1;                  /**< FOP-1 T1_Initial, ns (0 = 2 s) */
    uint32_t tx_limit;              /**< FOP-1 Transmission_Limit (0 = 10) */
    uint16_t response_apid;         /**< 0 = ILRS_GROUND_LINK_RESPONSE_APID */
    const ilrs_dict_t *dict;        /**< required, borrowed */
    ilrs_ground_archive_t *archive; /**< optional, borrowed: every packet is ingested */
    ilrs_ground_server_t *server;   /**< optional, borrowed: numeric fields published live */
    ilrs_ground_link_send_fn send;  /**< TC frames out (ignored once UDP is open) */
    void *send_user;
    ilrs_ground_link_packet_fn tap; /**< optional */
    void *tap_user;
} ilrs_ground_link_config_t;

/** Counters. */
typedef struct ilrs_ground_link_stats {
    /* downlink */
    uint64_t datagrams; /**< UDP datagrams received */
    uint64_t tm_frames; /**< frames given to the demultiplexer */
    uint64_t tm_frames_ok;
    uint64_t tm_crc, tm_scid, tm_format, tm_vcid_unknown;
    uint64_t tm_frames_lost;    /**< from the master channel frame count */
    uint64_t packets;           /**< telemetry packets delivered */
    uint64_t packets_lost;      /**< from the per-APID sequence counts */
    uint64_t partial_discarded; /**< packets cut by frame loss */
    uint64_t archived, archive_rejected, archive_errors;
    uint64_t published, publish_dropped;
    uint64_t responses; /**< LINK_CMD_RESPONSE packets */
    uint64_t responses_unmatched;
    /* uplink */
    uint64_t commands_queued, commands_sent, commands_accepted, commands_executed, commands_failed;
    uint64_t commands_refused; /**< not queued: queue full or packet too long */
    uint64_t tc_frames, tc_retransmissions, tc_bc_frames, send_errors;
    uint64_t clcws, fop_alerts;
    uint8_t fop_state;      /**< ilrs_ccsds_fop_state */
    uint8_t last_alert;     /**< ilrs_ccsds_fop_alert */
    uint64_t update_errors; /**< command_update calls that failed */
} ilrs_ground_link_stats_t;

typedef struct ilrs_ground_link ilrs_ground_link_t;

/**
 * @brief Create a link endpoint.
 * @return 0, ILRS_EINVAL (NULL, no dict, SCID, frame length, window, t1), ILRS_ENOMEM.
 */
int ilrs_ground_link_create(const ilrs_ground_link_config_t *cfg, ilrs_ground_link_t **out);
/** @brief Stop the service thread (if any), close sockets, free. Accepts NULL. */
void ilrs_ground_link_destroy(ilrs_ground_link_t *link);

/**
 * @brief Wrap @p inner (copied; its ctx borrowed) into @p out: the same source,
 *        serialised by the link's mutex, whose command_add also queues the command
 *        for uplink. Give @p out to ilrs_ground_server_create(). The link updates
 *        command states through @p inner's command_update. The link must outlive
 *        the server.
 * @return 0, ILRS_EINVAL (NULL, or @p inner without command_add/command_update).
 */
int ilrs_ground_link_bind_source(ilrs_ground_link_t *link, const ilrs_ground_source_t *inner,
                                 ilrs_ground_source_t *out);

/**
 * @brief Queue command @p id (a command packet, copied) for uplink. Used by the
 *        bound source; call it directly when there is no server (then state
 *        updates go to the bound inner source if any).
 * @return 0, ILRS_EINVAL (NULL, longer than a TC frame can carry, not a command
 *         packet: the command is marked failed), ILRS_EFULL (queue full: failed).
 */
int ilrs_ground_link_command(ilrs_ground_link_t *link, int64_t id, const uint8_t *pkt, size_t len,
                             int64_t now_ms);

/**
 * @brief Process one received TM frame at ground time @p now (TAI ns): demultiplex,
 *        archive and publish its packets, apply its CLCW to FOP-1.
 * @return 0, or the frame's decode error (counted).
 */
int ilrs_ground_link_tm_frame(ilrs_ground_link_t *link, const uint8_t *frame, size_t len,
                              ilrs_tai_t now);

/**
 * @brief Run FOP-1 at @p now: initiate the AD service if needed, hand queued
 *        commands to FOP-1, send every frame due.
 * @return 0, ILRS_EINVAL.
 */
int ilrs_ground_link_poll(ilrs_ground_link_t *link, ilrs_tai_t now);

/**
 * @brief Open the UDP sockets: receive TM frames on @p listen_addr:@p listen_port
 *        (port 0: any, see ilrs_ground_link_udp_port()), send TC frames to
 *        @p station_host:@p station_port (a numeric address or host name; NULL:
 *        no uplink).
 * @return 0, ILRS_EINVAL, ILRS_EIO (cannot bind or resolve: logged), ILRS_ESTATE (open).
 */
int ilrs_ground_link_udp_open(ilrs_ground_link_t *link, const char *listen_addr,
                              uint16_t listen_port, const char *station_host,
                              uint16_t station_port);
/** @brief The bound TM port, 0 before ilrs_ground_link_udp_open(). */
uint16_t ilrs_ground_link_udp_port(const ilrs_ground_link_t *link);
/**
 * @brief Wait up to @p timeout_ms for datagrams, process every one received, then
 *        ilrs_ground_link_poll() at the current time (system clock as TAI); flushes
 *        the archive at most once a second when packets arrived, so live history
 *        queries see them.
 * @return 0, ILRS_ESTATE (UDP not open), ILRS_EIO.
 */
int ilrs_ground_link_udp_service(ilrs_ground_link_t *link, int timeout_ms);
/** @brief Start a thread running ilrs_ground_link_udp_service() until destroy. */
int ilrs_ground_link_start(ilrs_ground_link_t *link);

/**
 * @brief Stop the service thread started by ilrs_ground_link_start() (no-op
 *        without one). Call it before destroying the server the link publishes to.
 */
void ilrs_ground_link_stop(ilrs_ground_link_t *link);

/**
 * @brief Set (or clear, NULL) the server that receives live samples; the server
 *        is usually created after the link (it needs the bound source).
 */
void ilrs_ground_link_set_server(ilrs_ground_link_t *link, ilrs_ground_server_t *server);

/** @brief Copy the counters. */
void ilrs_ground_link_get_stats(ilrs_ground_link_t *link, ilrs_ground_link_stats_t *stats);

/** @brief Parse "HOST:PORT" (the last colon splits). @return 0 or ILRS_EINVAL. */
int ilrs_ground_link_parse_endpoint(const char *text, char *host, size_t cap, uint16_t *port);

#ifdef __cplusplus
}
#endif
#endif /* ILRS_GROUND_LINK_H */
