/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file ground.h
 * @brief The ground segment. This part: the telemetry archive (packets,
 *        parameter samples, rejected packets, events, command history) on
 *        SQLite or PostgreSQL behind one API.
 *
 * The ground knows the station only through the dictionary (dict.h) and decodes
 * CCSDS space packets with the ccsds codecs (ccsds.h). Every archive row carries
 * its owning partner (the dictionary's owner of the packet or command), and every
 * query can be restricted to one owner, so a partner reads only its own data.
 *
 * Times: inside, TAI ns since 1958 (ilrs_tai_t). Queries take and return integer
 * milliseconds on the same scale ("archive ms": TAI ms since 1958-01-01 TAI,
 * floor(ns / 1e6)); the web layer converts to UTC at the human edge.
 *
 * Parameter samples are stored in segments (docs/ground.md): per parameter,
 * consecutive samples are buffered in memory and written as one row. Durability:
 * see ilrs_ground_archive_options_t and docs/ground.md.
 *
 * Thread safety: an archive handle is used by one thread at a time. Depends on
 * base, ccsds, dict, SQLite and libpq.
 */
#ifndef ILRS_GROUND_H
#define ILRS_GROUND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ilrs/base.h>
#include <ilrs/dict.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------- */
/* Archive                                                                    */
/* ------------------------------------------------------------------------- */

typedef struct ilrs_ground_archive ilrs_ground_archive_t;

/** Why a packet was rejected by ilrs_ground_archive_ingest(). */
typedef enum ilrs_ground_reject_reason {
    ILRS_GROUND_REJECT_MALFORMED = 0, /**< CCSDS check failed (header, idle, segmented,
                                           command packet, no secondary header) */
    ILRS_GROUND_REJECT_UNKNOWN_APID,  /**< APID has no telemetry packet in the dictionary */
    ILRS_GROUND_REJECT_LENGTH,        /**< buffer, length field and dictionary disagree */
    ILRS_GROUND_REJECT_COUNT
} ilrs_ground_reject_reason_t;

/** Command states, in the order a command goes through them. */
typedef enum ilrs_ground_command_state {
    ILRS_GROUND_CMD_QUEUED = 0,
    ILRS_GROUND_CMD_SENT,
    ILRS_GROUND_CMD_ACCEPTED, /**< accepted on board (checked against the dictionary) */
    ILRS_GROUND_CMD_EXECUTED, /**< final */
    ILRS_GROUND_CMD_FAILED,   /**< final; reachable from every non-final state */
    ILRS_GROUND_CMD_STATE_COUNT
} ilrs_ground_command_state_t;

/** Value kinds of archived parameters. */
typedef enum ilrs_ground_kind {
    ILRS_GROUND_KIND_INT = 0, /**< integer, bool and enumerated fields: exact 64-bit raw */
    ILRS_GROUND_KIND_FLOAT,   /**< f32 and f64 fields */
    ILRS_GROUND_KIND_BYTES,   /**< string and bytes fields */
} ilrs_ground_kind_t;

/**
 * Archive options; zero (or a NULL pointer) selects each default.
 * Durability policy: samples are buffered per parameter and packets per APID; a
 * buffer is written as a segment row when it holds @c segment_samples samples (a
 * packet chunk at 256 packets or 256 KiB). Everything buffered is written and the
 * transaction committed when @c commit_samples samples (rejected packets and
 * events count as one each) were archived since the last commit, when the data
 * time (packet generation time, event time) has moved @c commit_interval from the
 * first write after the last commit, on ilrs_ground_archive_flush(), on every
 * command-history write, and on close. A crash of the writing process loses at
 * most what was archived after the last commit; everything committed stays
 * readable (SQLite WAL, PostgreSQL transactions). Runs on virtual time that play
 * years in seconds should raise @c commit_interval (e.g. to an hour).
 */
typedef struct ilrs_ground_archive_options {
    uint32_t segment_samples;   /**< samples per segment, default 1024, at most 65536 */
    uint64_t commit_samples;    /**< default 262144 */
    ilrs_tai_t commit_interval; /**< data time, ns; default 10 s */
} ilrs_ground_archive_options_t;

/** Counters since the archive was opened (calls, not durable content: a database
 *  error rolls back to the last commit). received = accepted + rejected + failed. */
typedef struct ilrs_ground_archive_stats {
    uint64_t packets_received;
    uint64_t packets_accepted;
    uint64_t packets_rejected;
    uint64_t packets_failed;                     /**< not archived: database error */
    uint64_t rejected[ILRS_GROUND_REJECT_COUNT]; /**< per reason; sums to packets_rejected */
    uint64_t samples;                            /**< parameter samples archived */
    uint64_t segments_written;                   /**< segment rows inserted or extended */
    uint64_t commits;
    uint64_t events;
    uint64_t commands;
} ilrs_ground_archive_stats_t;

/**
 * @brief Open (creating if needed) an archive.
 * @param[in] url "PATH" or "sqlite:PATH" (SQLite, ":memory:" for a private
 *        in-memory archive), or "postgresql://..." / "postgres://..." (a libpq
 *        connection URI; the database must exist, the tables are created).
 * @param[in] options NULL for the defaults.
 * @param[out] out the archive (caller closes), NULL on failure.
 * @return 0, ILRS_EINVAL, ILRS_EGROUND_URL (empty or unsupported URL),
 *         ILRS_EGROUND_DB (cannot open or create; reason logged),
 *         ILRS_EGROUND_SCHEMA (archive of another schema version), ILRS_ENOMEM.
 */
int ilrs_ground_archive_open(const char *url, const ilrs_ground_archive_options_t *options,
                             ilrs_ground_archive_t **out);

/**
 * @brief Write every buffered sample and commit. Accepts NULL. The handle is
 *        freed even when the final commit fails.
 * @return 0 or ILRS_EGROUND_DB (the data since the last commit is lost).
 */
int ilrs_ground_archive_close(ilrs_ground_archive_t *archive);

/** @brief Write every buffered sample and commit now. @return 0 or ILRS_EGROUND_DB. */
int ilrs_ground_archive_flush(ilrs_ground_archive_t *archive);

/** @brief The backend's name: "sqlite" or "postgresql". */
const char *ilrs_ground_archive_backend(const ilrs_ground_archive_t *archive);

/** @brief Copy the counters. */
void ilrs_ground_archive_get_stats(const ilrs_ground_archive_t *archive,
                                   ilrs_ground_archive_stats_t *stats);

/**
 * @brief Archive one telemetry packet: validate it with the ccsds codecs, find its
 *        definition by APID, decode every field (raw value, engineering value,
 *        limit state), store the raw packet and the parameter samples.
 *
 * A rejected packet is counted (per reason), stored in the rejected-packets table
 * with a sentence naming the problem, and nothing else changes.
 * @param[in] dict the dictionary (borrowed; may differ between calls).
 * @param[in] pkt exactly one packet of @p len octets (borrowed).
 * @param[in] receive_time ground receive time.
 * @return 0; a rejection: the ccsds code (ILRS_ECCSDS_*, ILRS_ETYPE: malformed),
 *         ILRS_EGROUND_APID (unknown APID), ILRS_EGROUND_LENGTH (length);
 *         ILRS_EINVAL (NULL argument, nothing counted); ILRS_EGROUND_DB, ILRS_ENOMEM.
 */
int ilrs_ground_archive_ingest(ilrs_ground_archive_t *archive, const ilrs_dict_t *dict,
                               const uint8_t *pkt, size_t len, ilrs_tai_t receive_time);

/** @brief Reason name: "malformed", "unknown_apid", "length"; "?" otherwise. */
const char *ilrs_ground_reject_reason_name(ilrs_ground_reject_reason_t reason);

/** @brief State name: "queued", "sent", "accepted", "executed", "failed"; "?". */
const char *ilrs_ground_command_state_name(ilrs_ground_command_state_t state);

/* ---- events and commands ---------------------------------------------------- */

/** An event record. Strings are borrowed. */
typedef struct ilrs_ground_event {
    ilrs_tai_t time;
    const char *owner; /**< NULL on add: the owner of the app's packets/commands in the
                            dictionary, else "station" */
    const char *app;
    uint16_t id;
    const char *name; /**< NULL on add: from the dictionary's catalog ("" if absent) */
    int severity;     /**< ilrs_event_severity_t */
    const char *message;
} ilrs_ground_event_t;

/**
 * @brief Archive an event (committed by the durability policy, like samples).
 * @param[in] dict used to find the owner and name when not given (may be NULL).
 * @return 0, ILRS_EINVAL (NULL archive/event/app/message), ILRS_EGROUND_DB.
 */
int ilrs_ground_archive_add_event(ilrs_ground_archive_t *archive, const ilrs_dict_t *dict,
                                  const ilrs_ground_event_t *event);

/** A command-history entry; strings valid during the callback only. */
typedef struct ilrs_ground_command {
    int64_t id;
    int64_t queued_ms; /**< archive ms */
    const char *name;
    const char *owner;
    const char *issuer;
    uint16_t apid;
    uint8_t function_code;
    ilrs_ground_command_state_t state;
    int64_t state_ms;   /**< time of the last state change */
    const char *detail; /**< last state change's detail, "" if none */
    const uint8_t *packet;
    size_t packet_len;
} ilrs_ground_command_t;

/**
 * @brief Record a command in the history in state "queued" (committed at once).
 *        The packet must pass ilrs_ccsds_cmd_check() and be a command of the
 *        dictionary with the exact length; its owner comes from the dictionary.
 * @param[out] id the history id (0 first).
 * @return 0, ILRS_EINVAL, the ccsds code, ILRS_EFSW_CMD (unknown command or wrong
 *         length), ILRS_EGROUND_DB.
 */
int ilrs_ground_archive_add_command(ilrs_ground_archive_t *archive, const ilrs_dict_t *dict,
                                    const uint8_t *pkt, size_t len, ilrs_tai_t time,
                                    const char *issuer, int64_t *id);

/**
 * @brief Move a command to a new state (committed at once). Allowed: queued→sent,
 *        sent→accepted, accepted→executed, and every non-final state→failed.
 * @return 0, ILRS_EINVAL, ILRS_ENOENT (no such id), ILRS_ESTATE (transition not
 *         allowed), ILRS_EGROUND_DB.
 */
int ilrs_ground_archive_update_command(ilrs_ground_archive_t *archive, int64_t id,
                                       ilrs_ground_command_state_t state, ilrs_tai_t time,
                                       const char *detail);

/* ---- queries --------------------------------------------------------------------- */

/** One parameter sample. */
typedef struct ilrs_ground_sample {
    int64_t time_ms;      /**< archive ms */
    ilrs_tai_t time;      /**< exact generation time */
    int64_t raw_int;      /**< INT kind: raw value (u64 fields: the bit pattern) */
    double raw;           /**< raw value as a double (0 for BYTES) */
    double value;         /**< engineering value (raw when uncalibrated; 0 for BYTES) */
    uint8_t limit;        /**< ilrs_dict_limit_state_t */
    const uint8_t *bytes; /**< BYTES kind: the octets (owned by the history) */
    size_t bytes_len;
} ilrs_ground_sample_t;

/** One minmax bucket (only buckets holding samples are returned). */
typedef struct ilrs_ground_bucket {
    int64_t time_ms; /**< bucket start */
    double min, max; /**< engineering values */
    int64_t min_ms, max_ms;
    uint64_t count;
} ilrs_ground_bucket_t;

/** Query strategies (Open MCT's request strategies). */
typedef enum ilrs_ground_strategy {
    ILRS_GROUND_ALL = 0, /**< every sample in the range */
    ILRS_GROUND_LATEST,  /**< the newest sample in the range (0 or 1 sample) */
    ILRS_GROUND_MINMAX,  /**< min and max per bucket, @c size buckets */
} ilrs_ground_strategy_t;

/** A query result (caller frees with ilrs_ground_history_free()). */
typedef struct ilrs_ground_history {
    ilrs_ground_kind_t kind;
    ilrs_ground_sample_t *samples; /**< ALL, LATEST: ascending time */
    size_t count;
    ilrs_ground_bucket_t *buckets; /**< MINMAX: ascending time */
    size_t bucket_count;
    uint8_t *storage_; /**< private: BYTES values */
} ilrs_ground_history_t;

/**
 * @brief History of one parameter between two times (inclusive), ascending.
 * @param[in] name "<PACKET>.<field>", e.g. "POWER_HK.battery_voltage".
 * @param[in] owner NULL for every owner (the operator), else the reading partner.
 * @param[in] size MINMAX: number of buckets (1..1000000); ignored otherwise.
 * @param[out] out zeroed first; filled on success.
 * @return 0, ILRS_EINVAL (start > end, bad strategy or size), ILRS_ENOENT (no such
 *         parameter), ILRS_EPERM (parameter of another owner), ILRS_ETYPE (MINMAX
 *         of a BYTES parameter), ILRS_EGROUND_SEGMENT (corrupt segment),
 *         ILRS_EGROUND_DB, ILRS_ENOMEM.
 */
int ilrs_ground_archive_history(ilrs_ground_archive_t *archive, const char *name, const char *owner,
                                int64_t start_ms, int64_t end_ms, ilrs_ground_strategy_t strategy,
                                size_t size, ilrs_ground_history_t *out);

/** @brief Free a query result's arrays and zero it. Accepts NULL. */
void ilrs_ground_history_free(ilrs_ground_history_t *history);

/** A parameter; strings valid during the callback only. */
typedef struct ilrs_ground_parameter {
    const char *name; /**< "<PACKET>.<field>" */
    const char *owner;
    const char *packet;
    const char *field;
    const char *type; /**< dictionary type name, e.g. "u16" */
    const char *unit;
    ilrs_ground_kind_t kind;
    uint16_t apid;
} ilrs_ground_parameter_t;

/** Row callbacks: return 0 to continue, anything else stops the scan and is returned. */
typedef int (*ilrs_ground_parameter_fn)(void *user, const ilrs_ground_parameter_t *p);
typedef int (*ilrs_ground_event_fn)(void *user, const ilrs_ground_event_t *e);
typedef int (*ilrs_ground_command_fn)(void *user, const ilrs_ground_command_t *c);

/** A stored packet (accepted or rejected); pointers valid during the callback only. */
typedef struct ilrs_ground_packet {
    int64_t time_ms; /**< generation time (accepted) or receive time (rejected) */
    int64_t receive_ms;
    uint16_t apid; /**< 0xFFFF when unknown (rejected) */
    const char *owner;
    const char *name;   /**< packet name; rejected: the reason name */
    int code;           /**< rejected: the ILRS_E code; 0 otherwise */
    const char *detail; /**< rejected: the sentence; "" otherwise */
    const uint8_t *data;
    size_t len;
} ilrs_ground_packet_t;
typedef int (*ilrs_ground_packet_fn)(void *user, const ilrs_ground_packet_t *p);

/** @brief Archived parameters (by name), restricted to @p owner unless NULL. */
int ilrs_ground_archive_parameters(ilrs_ground_archive_t *archive, const char *owner,
                                   ilrs_ground_parameter_fn fn, void *user);

/** @brief Events with start_ms <= time <= end_ms, ascending, of @p owner unless NULL. */
int ilrs_ground_archive_events(ilrs_ground_archive_t *archive, const char *owner, int64_t start_ms,
                               int64_t end_ms, ilrs_ground_event_fn fn, void *user);

/** @brief Commands queued in [start_ms, end_ms], ascending, of @p owner unless NULL. */
int ilrs_ground_archive_commands(ilrs_ground_archive_t *archive, const char *owner,
                                 int64_t start_ms, int64_t end_ms, ilrs_ground_command_fn fn,
                                 void *user);

/**
 * @brief Raw accepted packets generated in [start_ms, end_ms], ascending, of
 *        @p owner unless NULL, of one APID unless @p apid is 0xFFFF.
 */
int ilrs_ground_archive_packets(ilrs_ground_archive_t *archive, const char *owner, uint16_t apid,
                                int64_t start_ms, int64_t end_ms, ilrs_ground_packet_fn fn,
                                void *user);

/** @brief Rejected packets received in [start_ms, end_ms], ascending (operator only). */
int ilrs_ground_archive_rejected(ilrs_ground_archive_t *archive, int64_t start_ms, int64_t end_ms,
                                 ilrs_ground_packet_fn fn, void *user);

/* ---- data products (files written from the archive, docs/ground.md) ---------- */

/** A data product in the catalog; strings borrowed (valid during a callback). */
typedef struct ilrs_ground_file {
    const char *partner; /**< owning partner (dictionary owner id) */
    const char *name;    /**< file name inside files/<partner>/ */
    const char *payload; /**< the telemetry packet it was made from */
    int64_t size;        /**< octets */
    const char *sha256;  /**< lower-case hex SHA-256 of the content */
    int64_t start_ms;    /**< archive ms of the first row's data */
    int64_t end_ms;      /**< archive ms of the last row's data */
    int64_t created_ms;  /**< archive ms the product stands for (its day's end): data
                              time, not the wall clock, so a rewrite is identical */
} ilrs_ground_file_t;
typedef int (*ilrs_ground_file_fn)(void *user, const ilrs_ground_file_t *f);

/**
 * @brief Record (or replace, by partner and name) a data product in the catalog;
 *        committed with the next commit (ilrs_ground_archive_flush(), close, or
 *        the durability policy), visible to this handle at once.
 * @return 0, ILRS_EINVAL (NULL or empty strings, negative size, start > end),
 *         ILRS_EGROUND_DB.
 */
int ilrs_ground_archive_add_file(ilrs_ground_archive_t *archive, const ilrs_ground_file_t *file);

/**
 * @brief Catalog entries by partner then name, of @p partner unless NULL, named
 *        @p name unless NULL.
 * @return 0, the callback's non-zero value, ILRS_EINVAL, ILRS_EGROUND_DB.
 */
int ilrs_ground_archive_files(ilrs_ground_archive_t *archive, const char *partner,
                              const char *name, ilrs_ground_file_fn fn, void *user);

/**
 * @brief Generation time (archive ms) of the newest archived packet of @p apid.
 * @return 0, ILRS_ENOENT (none), ILRS_EINVAL, ILRS_EGROUND_DB.
 */
int ilrs_ground_archive_last_packet_ms(ilrs_ground_archive_t *archive, uint16_t apid,
                                       int64_t *last_ms);

/** Default number of UTC days (the newest ones) ilrs_ground_files_write() covers. */
#define ILRS_GROUND_FILES_DAYS 7
/** Longest data-product or partner name accepted in a file path. */
#define ILRS_GROUND_FILE_NAME_MAX 128

/**
 * @brief Write the partners' data products from the archive: for every partner
 *        (every dictionary owner but "station") and each of its telemetry packets,
 *        one CSV file per UTC day for the newest @p days days with data
 *        (DIR/<partner>/<PACKET>_<YYYY-MM-DD>.csv: a header "time_utc,time_ms,"
 *        then the fields, one row per archived packet), each recorded in the
 *        catalog with its size and SHA-256. Files are written to a temporary name
 *        and renamed; the catalog is committed once at the end. Deterministic: the
 *        content depends on the archive only.
 * @param[in] dir the products' root (created if missing), e.g. RUN/files.
 * @param[in] days 0 for ILRS_GROUND_FILES_DAYS.
 * @param[out] written number of files written (may be NULL).
 * @return 0, ILRS_EINVAL, ILRS_EIO (cannot create or write: logged),
 *         ILRS_EGROUND_DB, ILRS_ENOMEM.
 */
int ilrs_ground_files_write(ilrs_ground_archive_t *archive, const ilrs_dict_t *dict,
                            const char *dir, int days, size_t *written);

/* ---- live data products (`ilrs ground`): each UTC day once complete ---------- */

/** Default settle margin: data time past a UTC midnight before that day's products are
 *  written (late playback of that day is still included), 1 h. */
#define ILRS_GROUND_FILES_SETTLE_MS INT64_C(3600000)

/** Live producer options; zero selects each default. */
typedef struct ilrs_ground_files_options {
    int64_t settle_ms; /**< default ILRS_GROUND_FILES_SETTLE_MS */
    int days; /**< complete days looked at (written, re-checked), the newest first;
                   default ILRS_GROUND_FILES_DAYS */
} ilrs_ground_files_options_t;

/** What one ilrs_ground_files_produce() call did. */
typedef struct ilrs_ground_files_report {
    size_t written;               /**< first versions written */
    size_t reissued;              /**< re-issues (_v2, _v3...) for late packets */
    size_t late_rows;             /**< packets found after their day's product */
    int64_t watermark_ms;         /**< newest archived generation time (archive ms); 0: none */
    int64_t last_complete_day_ms; /**< Unix ms of the newest complete UTC day's start */
} ilrs_ground_files_report_t;

typedef struct ilrs_ground_files_producer ilrs_ground_files_producer_t;

/**
 * @brief Create a live data-product producer writing under @p dir (docs/ground.md,
 *        "Data products"). Rule: a UTC day D is complete when the data-time
 *        watermark (the newest generation time archived, over every packet) has
 *        passed D's end by the settle margin; then each partner packet's product of
 *        D is written once (DIR/<partner>/<PACKET>_<YYYY-MM-DD>.csv, the same
 *        content as ilrs_ground_files_write()) and never changed. Packets of D
 *        archived later are found by a re-check and re-issued as a new file with
 *        its own catalog entry, <PACKET>_<YYYY-MM-DD>_v2.csv (then _v3...), holding
 *        the whole day; earlier versions stay. A restarted producer continues from
 *        the catalog and the files on disk.
 * @param[in] dict borrowed, must outlive the producer.
 * @param[in] options NULL for the defaults.
 * @param[out] out the producer (caller destroys), NULL on failure.
 * @return 0, ILRS_EINVAL, ILRS_ENOMEM, ILRS_EGROUND_CRYPTO.
 */
int ilrs_ground_files_producer_create(const ilrs_dict_t *dict, const char *dir,
                                      const ilrs_ground_files_options_t *options,
                                      ilrs_ground_files_producer_t **out);
/** @brief Free a producer. Accepts NULL. */
void ilrs_ground_files_producer_destroy(ilrs_ground_files_producer_t *producer);

/**
 * @brief One pass: write the products of every complete day of the window not yet
 *        written; with @p recheck, also count each written day's packets again and
 *        re-issue the days that gained some (costs a scan of the window's packets,
 *        so call it less often). Commits each product's catalog entry at once.
 *        @p archive may be a second handle on the ingest's database (SQLite WAL,
 *        PostgreSQL): it reads committed data only, so ingest is not blocked.
 *        One thread at a time per producer.
 * @param[out] report what was done (may be NULL).
 * @return 0, ILRS_EINVAL, ILRS_EIO (cannot write: logged), ILRS_EGROUND_DB, ILRS_ENOMEM.
 */
int ilrs_ground_files_produce(ilrs_ground_files_producer_t *producer,
                              ilrs_ground_archive_t *archive, bool recheck,
                              ilrs_ground_files_report_t *report);

/**
 * @brief True when @p name is a safe path component for a data product or partner:
 *        1..ILRS_GROUND_FILE_NAME_MAX characters of [A-Za-z0-9._-], not starting
 *        with '.', no "..". Slashes, NUL, '%' and every other octet are refused.
 */
bool ilrs_ground_file_name_valid(const char *name, size_t len);

/** @brief Archive ms of a TAI time: floor(ns / 1e6). */
int64_t ilrs_ground_time_ms(ilrs_tai_t time);

#ifdef __cplusplus
}
#endif
#endif /* ILRS_GROUND_H */
