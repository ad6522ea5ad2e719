/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file ground_server.h
 * @brief Mission control: users, roles, sessions and the audit log; the HTTP +
 *        WebSocket API serving the Open MCT web UI; the command queue.
 *
 * Roles: an operator may do everything; a partner only reads its own payloads'
 * telemetry and events and sends its own commands (owner = the dictionary's owner
 * field); a viewer reads everything and sends nothing. The server refuses rather
 * than hides: a request for another partner's data gets 403 and an audit entry.
 *
 * The server reads telemetry through a small "telemetry source" interface
 * (ilrs_ground_source_t) so that the archive, an in-memory store (tests, live
 * runs without an archive) or anything else can sit behind it.
 *
 * Thread safety: an ilrs_ground_users_t is used by one thread at a time (the
 * server's service thread once started). ilrs_ground_server_publish() and
 * ilrs_ground_memsource_* are thread-safe; everything else is called from the
 * thread that created the server. Depends on base, dict, ground (the archive),
 * SQLite, libsodium, libwebsockets, jansson and ERFA (leap seconds).
 */
#ifndef ILRS_GROUND_SERVER_H
#define ILRS_GROUND_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ilrs/base.h>
#include <ilrs/dict.h>
#include <ilrs/ground.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------- */
/* Users and sessions                                                          */
/* ------------------------------------------------------------------------- */

#define ILRS_GROUND_USER_MAX 64      /**< user names: [A-Za-z0-9_.-]{1,63} */
#define ILRS_GROUND_PASSWORD_MIN 8   /**< shortest password accepted by user add */
#define ILRS_GROUND_PASSWORD_MAX 1024
#define ILRS_GROUND_TOKEN_LEN 64     /**< hex characters of a session token (256 bits) */

/** Roles. */
typedef enum ilrs_ground_role {
    ILRS_GROUND_ROLE_OPERATOR = 0, /**< everything */
    ILRS_GROUND_ROLE_PARTNER,      /**< own payloads' telemetry, events and commands */
    ILRS_GROUND_ROLE_VIEWER,       /**< read-only, everything */
    ILRS_GROUND_ROLE_COUNT
} ilrs_ground_role_t;

/** @brief "operator", "partner", "viewer"; "?" otherwise. */
const char *ilrs_ground_role_name(ilrs_ground_role_t role);
/** @brief Parse a role name. @return 0 or ILRS_EINVAL. */
int ilrs_ground_role_parse(const char *name, ilrs_ground_role_t *role);

/** An authenticated identity (who is asking). */
typedef struct ilrs_ground_identity {
    char user[ILRS_GROUND_USER_MAX];
    ilrs_ground_role_t role;
    char partner[ILRS_DICT_NAME_MAX]; /**< partners only; "" otherwise */
    int64_t expires_ms;               /**< session expiry (Unix ms) */
} ilrs_ground_identity_t;

/** A user record (strings valid during the callback only). */
typedef struct ilrs_ground_user {
    const char *name;
    ilrs_ground_role_t role;
    const char *partner;   /**< "" unless a partner */
    int64_t created_ms;
} ilrs_ground_user_t;

/** An audit record (strings valid during the callback only). */
typedef struct ilrs_ground_audit {
    int64_t id;
    int64_t time_ms;       /**< Unix ms */
    const char *user;      /**< "" when unknown (bad token) */
    const char *client;    /**< client address */
    const char *action;    /**< "login", "logout", "login_failed", "login_throttled",
                                "command", "refused" */
    const char *resource;  /**< path or object, e.g. "/api/telemetry/X.y" */
    const char *outcome;   /**< "ok" or "refused" */
    const char *reason;    /**< sentence, "" when ok */
} ilrs_ground_audit_t;

/**
 * User store options; zero selects each default. Throttling: after
 * @c free_failures failed logins for a user or for a client address, each further
 * attempt must wait base * 2^(failures - free_failures) ms, at most max_delay_ms;
 * a success clears the user's and the address's counters.
 */
typedef struct ilrs_ground_users_options {
    int64_t session_ms;          /**< session lifetime, default 8 h */
    uint32_t free_failures;      /**< default 3 */
    int64_t throttle_base_ms;    /**< default 1000 */
    int64_t throttle_max_ms;     /**< default 15 min */
    bool fast_hash;              /**< tests only: argon2id at libsodium's minimum cost */
} ilrs_ground_users_options_t;

typedef struct ilrs_ground_users ilrs_ground_users_t;

/**
 * @brief Open (creating tables if needed) the SQLite user store.
 * @param[in] path database file (":memory:" for a private one).
 * @param[in] options NULL for the defaults.
 * @param[out] out the store (caller closes), NULL on failure.
 * @return 0, ILRS_EINVAL, ILRS_EGROUND_DB, ILRS_ENOMEM, ILRS_EGROUND_CRYPTO.
 */
int ilrs_ground_users_open(const char *path, const ilrs_ground_users_options_t *options,
                           ilrs_ground_users_t **out);
/** @brief Close the store. Accepts NULL. */
void ilrs_ground_users_close(ilrs_ground_users_t *users);

/**
 * @brief Add a user; the password is hashed with argon2id (crypto_pwhash_str).
 * @param[in] partner partner id for ILRS_GROUND_ROLE_PARTNER (required), NULL else.
 * @return 0, ILRS_EINVAL (bad name, role, partner or password length: logged),
 *         ILRS_EEXIST, ILRS_EGROUND_DB, ILRS_ENOMEM (argon2id could not allocate).
 */
int ilrs_ground_user_add(ilrs_ground_users_t *users, const char *name, ilrs_ground_role_t role,
                         const char *partner, const char *password);
/** @brief Remove a user and its sessions. @return 0, ILRS_ENOENT, ILRS_EGROUND_DB. */
int ilrs_ground_user_remove(ilrs_ground_users_t *users, const char *name);
/** @brief Call @p fn for every user by name; a non-zero return stops and is returned. */
int ilrs_ground_user_list(ilrs_ground_users_t *users,
                          int (*fn)(void *ctx, const ilrs_ground_user_t *user), void *ctx);

/**
 * @brief Check a password and open a session. Every attempt is audited.
 * @param[in] client client address (for throttling and the audit log).
 * @param[in] now_ms current Unix time in ms (the caller's clock).
 * @param[out] token NUL-terminated hex token (ILRS_GROUND_TOKEN_LEN + 1 octets);
 *             only its BLAKE2b hash is stored. "" on failure.
 * @param[out] identity who logged in (may be NULL).
 * @param[out] retry_after_ms when throttled, how long to wait (may be NULL; 0 else).
 * @return 0, ILRS_EGROUND_AUTH (unknown user or wrong password: one answer for
 *         both), ILRS_EGROUND_THROTTLED, ILRS_EINVAL, ILRS_EGROUND_DB.
 */
int ilrs_ground_login(ilrs_ground_users_t *users, const char *name, const char *password,
                      const char *client, int64_t now_ms, char *token,
                      ilrs_ground_identity_t *identity, int64_t *retry_after_ms);

/**
 * @brief Resolve a session token.
 * @return 0, ILRS_EGROUND_SESSION (unknown, malformed or expired token),
 *         ILRS_EGROUND_DB.
 */
int ilrs_ground_session_check(ilrs_ground_users_t *users, const char *token, int64_t now_ms,
                              ilrs_ground_identity_t *identity);
/** @brief End a session (audited). @return 0, ILRS_EGROUND_SESSION, ILRS_EGROUND_DB. */
int ilrs_ground_logout(ilrs_ground_users_t *users, const char *token, const char *client,
                       int64_t now_ms);

/** @brief Append an audit record (all strings may be NULL, stored as ""). */
int ilrs_ground_audit_add(ilrs_ground_users_t *users, int64_t now_ms, const char *user,
                          const char *client, const char *action, const char *resource,
                          const char *outcome, const char *reason);
/** @brief Audit records with id > @p after_id, ascending. */
int ilrs_ground_audit_list(ilrs_ground_users_t *users, int64_t after_id,
                           int (*fn)(void *ctx, const ilrs_ground_audit_t *rec), void *ctx);

/** @brief Unix time in ms from CLOCK_REALTIME. */
int64_t ilrs_ground_now_ms(void);

/* ------------------------------------------------------------------------- */
/* Telemetry source                                                            */
/* ------------------------------------------------------------------------- */

/** Query strategies (Open MCT's). */
typedef enum ilrs_ground_source_strategy {
    ILRS_GROUND_SOURCE_ALL = 0,
    ILRS_GROUND_SOURCE_LATEST, /**< the newest sample in the range */
    ILRS_GROUND_SOURCE_MINMAX, /**< min/max per bucket, @c size buckets */
} ilrs_ground_source_strategy_t;

/** One point of a history answer. ALL/LATEST: min = max = value. */
typedef struct ilrs_ground_point {
    int64_t time_ms;
    double value;
    double min, max;
} ilrs_ground_point_t;

/** An event (strings borrowed). */
typedef struct ilrs_ground_source_event {
    int64_t time_ms;
    const char *owner;
    const char *app;
    uint16_t id;
    const char *name;
    int severity;          /**< ilrs_event_severity_t */
    const char *message;
} ilrs_ground_source_event_t;

/** Command states, in order. */
typedef enum ilrs_ground_cmd_state {
    ILRS_GROUND_CMDSTATE_QUEUED = 0,
    ILRS_GROUND_CMDSTATE_SENT,
    ILRS_GROUND_CMDSTATE_ACCEPTED,
    ILRS_GROUND_CMDSTATE_EXECUTED, /**< final */
    ILRS_GROUND_CMDSTATE_FAILED,   /**< final; from every non-final state */
    ILRS_GROUND_CMDSTATE_COUNT
} ilrs_ground_cmd_state_t;

/** @brief "queued", "sent", "accepted", "executed", "failed"; "?" otherwise. */
const char *ilrs_ground_cmd_state_name(ilrs_ground_cmd_state_t state);

/** A command-history entry (strings borrowed). */
typedef struct ilrs_ground_source_command {
    int64_t id;
    int64_t queued_ms;
    const char *name;
    const char *owner;
    const char *issuer;
    const char *args;      /**< the arguments as JSON text */
    ilrs_ground_cmd_state_t state;
    int64_t state_ms;
    const char *detail;
} ilrs_ground_source_command_t;

/**
 * Where the server reads telemetry and keeps commands. Every function returns 0
 * or a negative ILRS_E code; list functions call @p fn per row (non-zero stops).
 * Owner arguments: NULL for every owner. Functions are called from the server's
 * service thread only.
 */
typedef struct ilrs_ground_source {
    void *ctx;
    /** History of "<PACKET>.<field>" in [start_ms, end_ms], ascending. */
    int (*history)(void *ctx, const char *name, int64_t start_ms, int64_t end_ms,
                   ilrs_ground_source_strategy_t strategy, size_t size,
                   int (*fn)(void *user, const ilrs_ground_point_t *p), void *user);
    int (*events)(void *ctx, const char *owner, int64_t start_ms, int64_t end_ms,
                  int (*fn)(void *user, const ilrs_ground_source_event_t *e), void *user);
    /** Record a queued command; @p id set on success. */
    int (*command_add)(void *ctx, const char *name, const char *owner, const char *issuer,
                       const char *args_json, const uint8_t *pkt, size_t len, int64_t now_ms,
                       int64_t *id);
    /** Move a command on (queued→sent→accepted→executed, any non-final→failed). */
    int (*command_update)(void *ctx, int64_t id, ilrs_ground_cmd_state_t state,
                          int64_t now_ms, const char *detail);
    int (*commands)(void *ctx, const char *owner, int64_t start_ms, int64_t end_ms,
                    int (*fn)(void *user, const ilrs_ground_source_command_t *c), void *user);
    /** Data-product catalog (ground.h) of @p partner unless NULL, named @p name
     *  unless NULL, by partner then name; times in Unix ms. NULL: no products. */
    int (*files)(void *ctx, const char *partner, const char *name,
                 int (*fn)(void *user, const ilrs_ground_file_t *f), void *user);
} ilrs_ground_source_t;

/**
 * An in-memory telemetry source: per-parameter sample arrays, events and a command
 * history, all thread-safe. Used by tests and by `ilrs ground` until the archive
 * is wired in; nothing is durable.
 */
typedef struct ilrs_ground_memsource ilrs_ground_memsource_t;
/** @brief Create an empty store; @p out caller destroys. @return 0 or ILRS_ENOMEM. */
int ilrs_ground_memsource_create(ilrs_ground_memsource_t **out);
/** @brief Free the store. Accepts NULL. */
void ilrs_ground_memsource_destroy(ilrs_ground_memsource_t *mem);
/** @brief Fill @p source with the store's functions (the store stays owned by the caller). */
void ilrs_ground_memsource_bind(ilrs_ground_memsource_t *mem, ilrs_ground_source_t *source);
/**
 * @brief Append a sample; samples of one parameter must come in non-decreasing time.
 * @return 0, ILRS_EINVAL (time goes back), ILRS_ENOMEM.
 */
int ilrs_ground_memsource_add_sample(ilrs_ground_memsource_t *mem, const char *name,
                                     int64_t time_ms, double value);
/** @brief Append an event (strings copied). @return 0, ILRS_EINVAL, ILRS_ENOMEM. */
int ilrs_ground_memsource_add_event(ilrs_ground_memsource_t *mem,
                                    const ilrs_ground_source_event_t *event);
/** @brief Add a data-product catalog entry (strings copied; times in Unix ms).
 *  @return 0, ILRS_EINVAL, ILRS_ENOMEM. */
int ilrs_ground_memsource_add_file(ilrs_ground_memsource_t *mem, const ilrs_ground_file_t *file);

/**
 * @brief Serve the telemetry archive through @p source: history, events and the
 *        command history are read from it and commands recorded in it, with times
 *        converted between archive ms (TAI since 1958) and Unix ms (UTC).
 * @param[in] archive borrowed; used from the server's thread only.
 * @param[in] dict borrowed (decodes archived command arguments).
 * @param[out] source filled; release with ilrs_ground_archive_source_destroy().
 * @return 0, ILRS_EINVAL, ILRS_ENOMEM.
 */
int ilrs_ground_archive_source_create(ilrs_ground_archive_t *archive, const ilrs_dict_t *dict,
                                      ilrs_ground_source_t *source);
/** @brief Free what ilrs_ground_archive_source_create() allocated. Accepts NULL. */
void ilrs_ground_archive_source_destroy(ilrs_ground_source_t *source);
/** @brief Unix ms (UTC) to archive ms (TAI since 1958), leap seconds from ERFA. */
int64_t ilrs_ground_unix_to_archive_ms(int64_t unix_ms);
/** @brief Archive ms (TAI since 1958) to Unix ms (UTC). */
int64_t ilrs_ground_archive_to_unix_ms(int64_t archive_ms);

/* ------------------------------------------------------------------------- */
/* HTTP + WebSocket server                                                     */
/* ------------------------------------------------------------------------- */

#define ILRS_GROUND_HTTP_BODY_MAX 65536   /**< largest request body accepted (413 above) */
#define ILRS_GROUND_HTTP_PATH_MAX 1024    /**< longest request path with query (414 above) */
#define ILRS_GROUND_WS_MESSAGE_MAX 4096   /**< largest WebSocket message from a client */
#define ILRS_GROUND_WS_SUBSCRIPTIONS 256  /**< subscriptions per WebSocket */
#define ILRS_GROUND_HISTORY_MAX 1000000   /**< most points in one telemetry answer */

/** Server options; zero selects each default. */
typedef struct ilrs_ground_server_options {
    const char *listen_addr; /**< default "127.0.0.1" */
    uint16_t port;           /**< 0: an ephemeral port (see ilrs_ground_server_port()) */
    const char *web_root;    /**< directory served at "/" (index.html, plugin/); NULL: none */
    const char *openmct_dist; /**< Open MCT's prebuilt dist/, served at /openmct; NULL: none */
    const char *station_name; /**< root object's name, default "ILRS station" */
    const char *files_dir;    /**< data products' root (files_dir/<partner>/<name>, the
                                   source's catalog); NULL: none are served */
} ilrs_ground_server_options_t;

/** Request counters since the server was created. */
typedef struct ilrs_ground_server_stats {
    uint64_t requests;
    uint64_t status_2xx, status_4xx, status_5xx;
    uint64_t bad_json;      /**< 400: body not JSON or wrong fields */
    uint64_t oversize;      /**< 413/414 */
    uint64_t unknown_path;  /**< 404 */
    uint64_t unauthorized;  /**< 401: missing, bad or expired token, failed login */
    uint64_t forbidden;     /**< 403 */
    uint64_t throttled;     /**< 429 */
    uint64_t commands;      /**< commands queued */
    uint64_t ws_clients;    /**< WebSocket connections accepted */
    uint64_t ws_samples;    /**< samples pushed to WebSocket clients */
    uint64_t ws_dropped;    /**< samples dropped because a client fell behind */
    uint64_t bad_file_name; /**< 400: a data-product path that is not a safe name */
    uint64_t files_sent;    /**< data products downloaded */
} ilrs_ground_server_stats_t;

/** A request as the router sees it (everything borrowed). */
typedef struct ilrs_ground_request {
    const char *method;        /**< "GET", "POST", ... */
    const char *path;          /**< e.g. "/api/telemetry/POWER_HK.battery_voltage" */
    const char *query;         /**< "a=1&b=2" without '?', or NULL */
    const char *authorization; /**< the Authorization header, or NULL */
    const char *client;        /**< client address */
    const uint8_t *body;
    size_t body_len;
} ilrs_ground_request_t;

/** A response; free with ilrs_ground_response_fini(). */
typedef struct ilrs_ground_response {
    int status;
    char *body;                /**< JSON text (malloc) */
    size_t body_len;
    int64_t retry_after_ms;    /**< 429 only */
    const char *content_type;  /**< static string; NULL: application/json */
    char filename[ILRS_GROUND_FILE_NAME_MAX + 1]; /**< "" or a download's name
                                                       (Content-Disposition) */
} ilrs_ground_response_t;

/** @brief Free a response's body and zero it. Accepts NULL. */
void ilrs_ground_response_fini(ilrs_ground_response_t *response);

typedef struct ilrs_ground_server ilrs_ground_server_t;

/**
 * @brief Create a server (not yet listening).
 * @param[in] dict the dictionary (borrowed, must outlive the server, read only).
 * @param[in] users the user store (borrowed; used only by the server's thread once
 *            started).
 * @param[in] source the telemetry source (copied; its ctx borrowed).
 * @param[out] out the server (caller destroys), NULL on failure.
 * @return 0, ILRS_EINVAL, ILRS_ENOMEM.
 */
int ilrs_ground_server_create(const ilrs_ground_server_options_t *options,
                              const ilrs_dict_t *dict, ilrs_ground_users_t *users,
                              const ilrs_ground_source_t *source, ilrs_ground_server_t **out);

/**
 * @brief Bind and start the service thread.
 * @return 0, ILRS_EIO (cannot bind: logged), ILRS_ESTATE (already started).
 */
int ilrs_ground_server_start(ilrs_ground_server_t *server);

/** @brief The bound port (after start), 0 before. */
uint16_t ilrs_ground_server_port(const ilrs_ground_server_t *server);

/** @brief Stop the service thread (if started) and free the server. Accepts NULL. */
void ilrs_ground_server_destroy(ilrs_ground_server_t *server);

/**
 * @brief Route one request without sockets: authentication, authorization, the
 *        API. Used by the socket layer, the fuzz target and the tests. Call from
 *        one thread at a time (the service thread once started).
 * @param[out] response status and JSON body (caller finalises).
 * @return 0 (a response was produced, any status), ILRS_ENOMEM.
 */
int ilrs_ground_server_handle(ilrs_ground_server_t *server, const ilrs_ground_request_t *request,
                              ilrs_ground_response_t *response);

/**
 * @brief Push one live sample to the WebSocket subscribers of @p name
 *        (thread-safe; batched to each client by the service thread).
 * @return 0, ILRS_EINVAL, ILRS_EFULL (pending queue full: sample dropped, counted).
 */
int ilrs_ground_server_publish(ilrs_ground_server_t *server, const char *name,
                               int64_t time_ms, double value);

/** @brief Copy the counters (thread-safe). */
void ilrs_ground_server_get_stats(ilrs_ground_server_t *server,
                                  ilrs_ground_server_stats_t *stats);

#ifdef __cplusplus
}
#endif
#endif /* ILRS_GROUND_SERVER_H */
