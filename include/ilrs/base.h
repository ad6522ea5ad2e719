/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file base.h
 * @brief ilrs base: error codes, the log hook, checked arithmetic, CRCs, a
 *        deterministic random generator and an init-time arena.
 *
 * Depends on libc only. Every other module builds on this header.
 * Thread safety: everything here is reentrant except ilrs_log_set(), which the
 * host calls once at start-up before other threads exist.
 */
#ifndef ILRS_BASE_H
#define ILRS_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------- */
/* Errors                                                                     */
/* ------------------------------------------------------------------------- */

/**
 * The one table of error codes (libuv style): X(NAME, value, message).
 * Fallible functions return 0 or a negative ILRS_E<NAME>. Values are stable
 * (they appear in telemetry and logs): append, never renumber.
 */
#define ILRS_ERROR_TABLE(X)                                                              \
    /* generic */                                                                        \
    X(INVAL, -1, "invalid argument")                                                     \
    X(NOMEM, -2, "out of memory")                                                        \
    X(RANGE, -3, "value out of range")                                                   \
    X(TRUNC, -4, "input truncated")                                                      \
    X(OVERFLOW, -5, "arithmetic or buffer overflow")                                     \
    X(NOENT, -6, "no such item")                                                         \
    X(EXIST, -7, "item already exists")                                                  \
    X(FULL, -8, "container full")                                                        \
    X(EMPTY, -9, "container empty")                                                      \
    X(IO, -10, "input/output error")                                                     \
    X(FORMAT, -11, "malformed input")                                                    \
    X(TYPE, -12, "wrong type")                                                           \
    X(CRC, -13, "checksum mismatch")                                                     \
    X(STATE, -14, "operation not allowed in the current state")                          \
    X(PERM, -15, "permission denied")                                                    \
    X(UNSUPPORTED, -16, "not supported")                                                 \
    X(TIMEOUT, -17, "timed out")                                                         \
    X(BUSY, -18, "resource busy")                                                        \
    X(LIMIT, -19, "configured limit reached")                                            \
    X(NOTFOUND, -20, "not found")                                                        \
    /* ccsds codecs (-100 .. -199) */                                                    \
    X(CCSDS_VERSION, -100, "CCSDS packet version number is not 0")                      \
    X(CCSDS_LENGTH, -101, "CCSDS packet data length field disagrees with the buffer")   \
    X(CCSDS_APID, -102, "CCSDS APID out of range (0..2047)")                             \
    X(CCSDS_SEQFLAGS, -103, "CCSDS sequence flags invalid")                              \
    X(CCSDS_SECHDR, -104, "CCSDS secondary header missing or malformed")                 \
    X(CCSDS_CUC_PFIELD, -105, "CCSDS CUC P-field invalid or unsupported")                \
    X(CCSDS_TOOSMALL, -106, "CCSDS buffer smaller than the packet")                      \
    X(CCSDS_TOOBIG, -107, "CCSDS packet larger than the maximum")                        \
    X(CCSDS_IDLE, -108, "CCSDS idle packet")                                             \
    X(CCSDS_DUPLICATE, -109, "CCSDS duplicate packet (sequence count repeated)")         \
    X(CCSDS_TFVN, -110, "CCSDS transfer frame version number wrong")                    \
    X(CCSDS_SCID, -111, "CCSDS spacecraft ID does not match")                           \
    X(CCSDS_VCID, -112, "CCSDS virtual channel ID out of range or not configured")      \
    X(CCSDS_FRAME_LENGTH, -113, "CCSDS transfer frame length wrong")                    \
    X(CCSDS_FHP, -114, "CCSDS first header pointer beyond the frame data field")        \
    X(CCSDS_FRAME_FLAGS, -115, "CCSDS transfer frame flags invalid or unsupported")     \
    X(CCSDS_CLCW, -116, "CCSDS CLCW malformed (type, version or COP in effect)")        \
    X(CCSDS_TC_CONTROL, -117, "CCSDS TC control command unknown or malformed")          \
    X(CCSDS_FARM_LOCKOUT, -118, "FARM-1 lockout: type-AD frame discarded")              \
    X(CCSDS_FARM_WAIT, -119, "FARM-1 wait: no buffer, type-AD frame discarded")         \
    X(CCSDS_FARM_SEQ, -120, "FARM-1 type-AD frame out of sequence, discarded")          \
    /* flight framework (-200 .. -299) */                                                \
    X(FSW_NOPIPE, -200, "no such pipe")                                                  \
    X(FSW_NOSUB, -201, "no such subscription")                                           \
    X(FSW_MSGID, -202, "unknown or invalid message ID")                                  \
    X(FSW_PIPEFULL, -203, "pipe full, message dropped")                                  \
    X(FSW_MSGLIMIT, -204, "per-pipe message ID limit reached, message dropped")          \
    X(FSW_NOBUF, -205, "no free message buffer")                                         \
    X(FSW_APP, -206, "no such application")                                              \
    X(FSW_OVERRUN, -207, "application exceeded its time budget")                         \
    X(FSW_TABLE, -208, "table validation failed")                                        \
    X(FSW_CMD, -209, "command rejected")                                                 \
    X(FSW_ARG, -210, "command argument out of range")                                    \
    X(FSW_DICT, -211, "dictionary inconsistency")                                        \
    X(FSW_FILTERED, -212, "event filtered")                                              \
    X(FSW_TIME, -213, "time conversion failed")                                          \
    /* twin (-300 .. -399) */                                                            \
    X(TWIN_EPHEM_RANGE, -300, "date outside the ephemeris coverage")                     \
    X(TWIN_KERNEL, -301, "malformed SPICE kernel")                                       \
    X(TWIN_DEM, -302, "DEM unreadable or unsupported")                                   \
    X(TWIN_DEM_COVER, -303, "site outside every DEM")                                    \
    X(TWIN_PROJECTION, -304, "unknown or unsupported map projection")                   \
    X(TWIN_CONVERGE, -305, "numerical method did not converge")                          \
    /* scenario (-400 .. -499) */                                                        \
    X(SCENARIO_SYNTAX, -400, "scenario file syntax error")                               \
    X(SCENARIO_KEY, -401, "unknown scenario key")                                        \
    X(SCENARIO_VALUE, -402, "invalid scenario value")                                    \
    X(SCENARIO_MISSING, -403, "required scenario key missing")                           \
    X(SCENARIO_TYPE, -404, "scenario value has the wrong type")                          \
    X(SCENARIO_DUPLICATE, -405, "duplicate scenario key or id")                          \
    X(SCENARIO_REF, -406, "scenario refers to an unknown element")                       \
    X(SCENARIO_CHECK, -407, "scenario fails a design cross-check")                       \
    X(SCENARIO_LIMIT, -408, "scenario document exceeds a size limit")                    \
    /* ground (-500 .. -599) */                                                          \
    X(GROUND_AUTH, -500, "authentication failed")                                        \
    X(GROUND_DB, -501, "archive database error")                                         \
    X(GROUND_APID, -502, "telemetry APID not in the dictionary")                         \
    X(GROUND_LENGTH, -503, "telemetry packet length disagrees with the dictionary")      \
    X(GROUND_URL, -504, "unsupported or malformed archive URL")                          \
    X(GROUND_SCHEMA, -505, "archive schema version not supported")                       \
    X(GROUND_SEGMENT, -506, "corrupt archive segment")                                   \
    /* ground server (-520 .. -599) */                                                   \
    X(GROUND_THROTTLED, -520, "too many failed logins, try again later")                 \
    X(GROUND_SESSION, -521, "session token unknown, malformed or expired")               \
    X(GROUND_CRYPTO, -522, "cryptographic library failure")                              \
    /* hal (-600 .. -699) */                                                             \
    X(HAL_NODEV, -600, "no such hal device")                                             \
    X(HAL_UNPOWERED, -601, "hal device not powered")                                     \
    /* station (-800 .. -899) */                                                         \
    X(STATION_CONFIG, -800, "scenario cannot be represented by the station models")      \
    X(STATION_RUN, -801, "station run failed")

/** Error codes; 0 (ILRS_OK) is success. */
enum ilrs_error {
    ILRS_OK = 0,
#define ILRS__ERR_ENUM(name, value, msg) ILRS_E##name = (value),
    ILRS_ERROR_TABLE(ILRS__ERR_ENUM)
#undef ILRS__ERR_ENUM
};

/**
 * @brief Human-readable message for an error code.
 * @param[in] code 0 or a negative ILRS_E code.
 * @return a static string; "unknown error" for values outside the table.
 */
const char *ilrs_strerror(int code);

/**
 * @brief Symbolic name of an error code, e.g. "ILRS_ECRC".
 * @return a static string; "ILRS_E?" for values outside the table.
 */
const char *ilrs_errname(int code);

/* ------------------------------------------------------------------------- */
/* Logging: the library never prints; it reports through a host callback.   */
/* ------------------------------------------------------------------------- */

/** Log levels, in increasing severity. */
enum ilrs_log_level {
    ILRS_LOG_DEBUG = 0,
    ILRS_LOG_INFO = 1,
    ILRS_LOG_WARN = 2,
    ILRS_LOG_ERROR = 3,
};

/**
 * @brief Host log callback.
 * @param user the pointer given to ilrs_log_set() (borrowed).
 * @param level an ilrs_log_level.
 * @param module the reporting module, e.g. "twin" (static string).
 * @param message the formatted message, valid only during the call.
 */
typedef void (*ilrs_log_fn)(void *user, int level, const char *module, const char *message);

/**
 * @brief Install the log callback (NULL to silence). Call once at start-up.
 * @param[in] fn callback or NULL.
 * @param[in] user passed back to @p fn (borrowed, must outlive its use).
 */
void ilrs_log_set(ilrs_log_fn fn, void *user);

/** @brief Report a message through the host callback (printf-style). */
void ilrs_log(int level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------------------- */
/* Checked arithmetic                                                          */
/* ------------------------------------------------------------------------- */

/** @brief a + b into *out; returns ILRS_EOVERFLOW (and leaves *out = 0) on overflow. */
static inline int ilrs_add_size(size_t a, size_t b, size_t *out)
{
    if (__builtin_add_overflow(a, b, out)) {
        *out = 0;
        return ILRS_EOVERFLOW;
    }
    return 0;
}

/** @brief a * b into *out; returns ILRS_EOVERFLOW (and leaves *out = 0) on overflow. */
static inline int ilrs_mul_size(size_t a, size_t b, size_t *out)
{
    if (__builtin_mul_overflow(a, b, out)) {
        *out = 0;
        return ILRS_EOVERFLOW;
    }
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Byte order: CCSDS fields are big-endian (network order)                    */
/* ------------------------------------------------------------------------- */

static inline void ilrs_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void ilrs_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static inline void ilrs_put_be64(uint8_t *p, uint64_t v)
{
    ilrs_put_be32(p, (uint32_t)(v >> 32));
    ilrs_put_be32(p + 4, (uint32_t)v);
}
static inline uint16_t ilrs_get_be16(const uint8_t *p)
{
    return (uint16_t)(((unsigned)p[0] << 8) | p[1]);
}
static inline uint32_t ilrs_get_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline uint64_t ilrs_get_be64(const uint8_t *p)
{
    return ((uint64_t)ilrs_get_be32(p) << 32) | ilrs_get_be32(p + 4);
}

/* ------------------------------------------------------------------------- */
/* Time                                                                        */
/* ------------------------------------------------------------------------- */

/**
 * Time inside ilrs: TAI in nanoseconds since 1958-01-01T00:00:00 TAI, the CCSDS
 * level-1 epoch (CCSDS 301.0-B-4 §3.2.1). int64 spans 1666..2250. UTC, TT and
 * TDB exist only at the edges (fsw time service, twin ephemerides).
 */
typedef int64_t ilrs_tai_t;

#define ILRS_NS_PER_S INT64_C(1000000000)

/* ------------------------------------------------------------------------- */
/* CRCs                                                                       */
/* ------------------------------------------------------------------------- */

/** Initial value of CRC-16/CCITT-FALSE (TC/TM frame FECF, CFDP, PUS). */
#define ILRS_CRC16_CCITT_INIT UINT16_C(0xFFFF)

/**
 * @brief CRC-16/CCITT-FALSE (poly 0x1021, no reflection, no final xor).
 * Chain calls by passing the previous result as @p crc; start with
 * ILRS_CRC16_CCITT_INIT. Check value over "123456789" is 0x29B1.
 */
uint16_t ilrs_crc16_ccitt(uint16_t crc, const void *data, size_t len);

/**
 * @brief CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320). Start with 0; chain by
 * passing the previous result. Check value over "123456789" is 0xCBF43926.
 */
uint32_t ilrs_crc32(uint32_t crc, const void *data, size_t len);

/**
 * @brief CRC-32C (Castagnoli, reflected, poly 0x82F63B78). Start with 0; chain by
 * passing the previous result. Check value over "123456789" is 0xE3069283.
 */
uint32_t ilrs_crc32c(uint32_t crc, const void *data, size_t len);

/* ------------------------------------------------------------------------- */
/* Deterministic random numbers                                               */
/* ------------------------------------------------------------------------- */

/** xoshiro256** state; same seed, same sequence on every platform. */
typedef struct ilrs_rng {
    uint64_t s[4];
} ilrs_rng_t;

/** @brief Seed the generator (any 64-bit seed, 0 included). */
void ilrs_rng_seed(ilrs_rng_t *rng, uint64_t seed);
/** @brief Next 64 uniformly distributed bits. */
uint64_t ilrs_rng_next(ilrs_rng_t *rng);
/** @brief Uniform double in [0, 1). */
double ilrs_rng_uniform(ilrs_rng_t *rng);
/** @brief Standard normal deviate (mean 0, sigma 1), by the ziggurat method; thread-safe
 *  (a shared table built once). */
double ilrs_rng_normal(ilrs_rng_t *rng);
/** @brief Uniform integer in [0, bound) without modulo bias; bound > 0. */
uint64_t ilrs_rng_below(ilrs_rng_t *rng, uint64_t bound);

/* ------------------------------------------------------------------------- */
/* Arena: init-time allocation for flight code                                */
/* ------------------------------------------------------------------------- */

/**
 * A bump allocator over one block. Flight code sizes its pools at init from
 * configuration, allocates them here, and never allocates again.
 */
typedef struct ilrs_arena {
    unsigned char *base;
    size_t size;
    size_t used;
    bool owned;
} ilrs_arena_t;

/**
 * @brief Initialise an arena over a caller buffer (@p buf borrowed) or, when
 *        @p buf is NULL, over a heap block of @p size bytes owned by the arena.
 * @return 0, ILRS_EINVAL, or ILRS_ENOMEM.
 */
int ilrs_arena_init(ilrs_arena_t *arena, void *buf, size_t size);
/** @brief Release the heap block if the arena owns one. Accepts NULL. */
void ilrs_arena_fini(ilrs_arena_t *arena);
/**
 * @brief Allocate @p size zeroed bytes aligned to @p align (a power of two).
 * @return the block, or NULL when the arena is exhausted.
 */
void *ilrs_arena_alloc(ilrs_arena_t *arena, size_t size, size_t align);

/* ------------------------------------------------------------------------- */
/* Version                                                                     */
/* ------------------------------------------------------------------------- */

/** @brief The library version, e.g. "0.1.0". */
const char *ilrs_version(void);

#ifdef __cplusplus
}
#endif
#endif /* ILRS_BASE_H */
