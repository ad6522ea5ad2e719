/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Users, sessions, login throttling and the audit log of the mission-control
 * server, kept in one SQLite database.
 *
 * Design notes:
 * - Passwords are stored only as libsodium crypto_pwhash_str() strings with the
 *   argon2id algorithm (RFC 9106), a memory-hard KDF; the encoded string carries
 *   its own salt and cost, so verification needs nothing else.
 * - A session token is 32 random octets (randombytes_buf), given to the client in
 *   hex; the database keeps only BLAKE2b-256 of it (crypto_generichash), so a copy
 *   of the database does not yield live tokens. Tokens expire after session_ms.
 * - Throttling counts failed logins per user name and per client address in the
 *   `throttle` table (so a restart does not reset it). After free_failures
 *   failures each further attempt is refused until base * 2^(n - free) ms have
 *   passed since the last failure (capped), without checking the password: a
 *   guesser gets exponentially fewer tries. A success clears both counters.
 * - Every login, failed login, throttled attempt and logout is audited here; the
 *   server audits commands and refused requests through ilrs_ground_audit_add().
 * Depends on SQLite and libsodium.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "ground/ground_server_int.h"

#define MODULE "ground"

struct ilrs_ground_users {
    sqlite3 *db;
    ilrs_ground_users_options_t options;
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS users("
    " name TEXT PRIMARY KEY, role INTEGER NOT NULL, partner TEXT NOT NULL,"
    " pwhash TEXT NOT NULL, created_ms INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sessions("
    " token_hash TEXT PRIMARY KEY, user TEXT NOT NULL, client TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user);"
    "CREATE TABLE IF NOT EXISTS throttle("
    " key TEXT PRIMARY KEY, failures INTEGER NOT NULL, last_ms INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS audit("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, time_ms INTEGER NOT NULL, user TEXT NOT NULL,"
    " client TEXT NOT NULL, action TEXT NOT NULL, resource TEXT NOT NULL,"
    " outcome TEXT NOT NULL, reason TEXT NOT NULL);";

static const char *const role_names[ILRS_GROUND_ROLE_COUNT] = {"operator", "partner", "viewer"};

const char *ilrs_ground_role_name(ilrs_ground_role_t role)
{
    if ((unsigned)role >= ILRS_GROUND_ROLE_COUNT) {
        return "?";
    }
    return role_names[role];
}

int ilrs_ground_role_parse(const char *name, ilrs_ground_role_t *role)
{
    for (int i = 0; name != NULL && i < ILRS_GROUND_ROLE_COUNT; i++) {
        if (strcmp(name, role_names[i]) == 0) {
            *role = (ilrs_ground_role_t)i;
            return 0;
        }
    }
    return ILRS_EINVAL;
}

int64_t ilrs_ground_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int db_error(ilrs_ground_users_t *users, const char *what)
{
    ilrs_log(ILRS_LOG_ERROR, MODULE, "user store: %s: %s", what, sqlite3_errmsg(users->db));
    return ILRS_EGROUND_DB;
}

int ilrs_ground_users_open(const char *path, const ilrs_ground_users_options_t *options,
                           ilrs_ground_users_t **out)
{
    int rc = 0;
    ilrs_ground_users_t *users = NULL;
    if (out != NULL) {
        *out = NULL;
    }
    if (path == NULL || out == NULL) {
        return ILRS_EINVAL;
    }
    if (sodium_init() < 0) {
        ilrs_log(ILRS_LOG_ERROR, MODULE, "libsodium could not be initialised");
        return ILRS_EGROUND_CRYPTO;
    }
    users = calloc(1, sizeof *users);
    if (users == NULL) {
        return ILRS_ENOMEM;
    }
    if (options != NULL) {
        users->options = *options;
    }
    if (users->options.session_ms <= 0) {
        users->options.session_ms = 8LL * 3600 * 1000;
    }
    if (users->options.free_failures == 0) {
        users->options.free_failures = 3;
    }
    if (users->options.throttle_base_ms <= 0) {
        users->options.throttle_base_ms = 1000;
    }
    if (users->options.throttle_max_ms <= 0) {
        users->options.throttle_max_ms = 15LL * 60 * 1000;
    }
    if (sqlite3_open_v2(path, &users->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK) {
        rc = db_error(users, path);
        goto out_close;
    }
    sqlite3_busy_timeout(users->db, 5000);
    if (sqlite3_exec(users->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_error(users, "creating tables");
        goto out_close;
    }
    *out = users;
    return 0;
out_close:
    sqlite3_close(users->db);
    free(users);
    return rc;
}

void ilrs_ground_users_close(ilrs_ground_users_t *users)
{
    if (users == NULL) {
        return;
    }
    sqlite3_close(users->db);
    free(users);
}

static bool name_is_valid(const char *name)
{
    size_t n = name != NULL ? strlen(name) : 0;
    if (n == 0 || n >= ILRS_GROUND_USER_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!isalnum(c) && c != '_' && c != '.' && c != '-') {
            return false;
        }
    }
    return true;
}

int ilrs_ground_user_add(ilrs_ground_users_t *users, const char *name, ilrs_ground_role_t role,
                         const char *partner, const char *password)
{
    char hash[crypto_pwhash_STRBYTES];
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (users == NULL || password == NULL) {
        return ILRS_EINVAL;
    }
    if (!name_is_valid(name)) {
        ilrs_log(ILRS_LOG_ERROR, MODULE,
                 "user name must be 1..%d characters of [A-Za-z0-9_.-]", ILRS_GROUND_USER_MAX - 1);
        return ILRS_EINVAL;
    }
    if ((unsigned)role >= ILRS_GROUND_ROLE_COUNT) {
        ilrs_log(ILRS_LOG_ERROR, MODULE, "user '%s': unknown role", name);
        return ILRS_EINVAL;
    }
    if (role == ILRS_GROUND_ROLE_PARTNER) {
        if (partner == NULL || partner[0] == '\0' || strlen(partner) >= ILRS_DICT_NAME_MAX) {
            ilrs_log(ILRS_LOG_ERROR, MODULE, "user '%s': a partner needs a partner id", name);
            return ILRS_EINVAL;
        }
    } else if (partner != NULL && partner[0] != '\0') {
        ilrs_log(ILRS_LOG_ERROR, MODULE, "user '%s': only partners have a partner id", name);
        return ILRS_EINVAL;
    } else {
        partner = "";
    }
    size_t plen = strlen(password);
    if (plen < ILRS_GROUND_PASSWORD_MIN || plen > ILRS_GROUND_PASSWORD_MAX) {
        ilrs_log(ILRS_LOG_ERROR, MODULE, "user '%s': password must be %d..%d characters", name,
                 ILRS_GROUND_PASSWORD_MIN, ILRS_GROUND_PASSWORD_MAX);
        return ILRS_EINVAL;
    }
    unsigned long long ops = users->options.fast_hash ? crypto_pwhash_argon2id_OPSLIMIT_MIN
                                                      : crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
    size_t mem = users->options.fast_hash ? crypto_pwhash_argon2id_MEMLIMIT_MIN
                                          : crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
    if (crypto_pwhash_argon2id_str(hash, password, plen, ops, mem) != 0) {
        ilrs_log(ILRS_LOG_ERROR, MODULE, "argon2id: out of memory");
        return ILRS_ENOMEM;
    }
    if (sqlite3_prepare_v2(users->db,
                           "INSERT INTO users(name, role, partner, pwhash, created_ms)"
                           " VALUES(?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(users, "add user");
        goto out;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, (int)role);
    sqlite3_bind_text(st, 3, partner, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, ilrs_ground_now_ms());
    int step = sqlite3_step(st);
    if (step == SQLITE_CONSTRAINT) {
        ilrs_log(ILRS_LOG_ERROR, MODULE, "user '%s' already exists", name);
        rc = ILRS_EEXIST;
    } else if (step != SQLITE_DONE) {
        rc = db_error(users, "add user");
    }
out:
    sodium_memzero(hash, sizeof hash);
    sqlite3_finalize(st);
    return rc;
}

/* Run one statement with text parameters; returns sqlite3_changes or a negative code. */
static int exec_text(ilrs_ground_users_t *users, const char *sql, const char *a, const char *b)
{
    sqlite3_stmt *st = NULL;
    int rc;
    if (sqlite3_prepare_v2(users->db, sql, -1, &st, NULL) != SQLITE_OK) {
        return db_error(users, sql);
    }
    if (a != NULL) {
        sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
    }
    if (b != NULL) {
        sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
    }
    rc = sqlite3_step(st) == SQLITE_DONE ? sqlite3_changes(users->db) : db_error(users, sql);
    sqlite3_finalize(st);
    return rc;
}

int ilrs_ground_user_remove(ilrs_ground_users_t *users, const char *name)
{
    if (users == NULL || name == NULL) {
        return ILRS_EINVAL;
    }
    int n = exec_text(users, "DELETE FROM users WHERE name = ?", name, NULL);
    if (n < 0) {
        return n;
    }
    if (n == 0) {
        return ILRS_ENOENT;
    }
    n = exec_text(users, "DELETE FROM sessions WHERE user = ?", name, NULL);
    return n < 0 ? n : 0;
}

int ilrs_ground_user_list(ilrs_ground_users_t *users,
                          int (*fn)(void *ctx, const ilrs_ground_user_t *user), void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (users == NULL || fn == NULL) {
        return ILRS_EINVAL;
    }
    if (sqlite3_prepare_v2(users->db,
                           "SELECT name, role, partner, created_ms FROM users ORDER BY name", -1,
                           &st, NULL) != SQLITE_OK) {
        return db_error(users, "list users");
    }
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        ilrs_ground_user_t u = {
            .name = (const char *)sqlite3_column_text(st, 0),
            .role = (ilrs_ground_role_t)sqlite3_column_int(st, 1),
            .partner = (const char *)sqlite3_column_text(st, 2),
            .created_ms = sqlite3_column_int64(st, 3),
        };
        rc = fn(ctx, &u);
        if (rc != 0) {
            break;
        }
    }
    if (rc == 0 && step != SQLITE_DONE) {
        rc = db_error(users, "list users");
    }
    sqlite3_finalize(st);
    return rc;
}

int ilrs_ground_audit_add(ilrs_ground_users_t *users, int64_t now_ms, const char *user,
                          const char *client, const char *action, const char *resource,
                          const char *outcome, const char *reason)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (users == NULL) {
        return ILRS_EINVAL;
    }
    if (sqlite3_prepare_v2(users->db,
                           "INSERT INTO audit(time_ms, user, client, action, resource, outcome,"
                           " reason) VALUES(?, ?, ?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK) {
        return db_error(users, "audit");
    }
    const char *text[6] = {user, client, action, resource, outcome, reason};
    sqlite3_bind_int64(st, 1, now_ms);
    for (int i = 0; i < 6; i++) {
        sqlite3_bind_text(st, i + 2, text[i] != NULL ? text[i] : "", -1, SQLITE_TRANSIENT);
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = db_error(users, "audit");
    }
    sqlite3_finalize(st);
    return rc;
}

int ilrs_ground_audit_list(ilrs_ground_users_t *users, int64_t after_id,
                           int (*fn)(void *ctx, const ilrs_ground_audit_t *rec), void *ctx)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (users == NULL || fn == NULL) {
        return ILRS_EINVAL;
    }
    if (sqlite3_prepare_v2(users->db,
                           "SELECT id, time_ms, user, client, action, resource, outcome, reason"
                           " FROM audit WHERE id > ? ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK) {
        return db_error(users, "audit list");
    }
    sqlite3_bind_int64(st, 1, after_id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        ilrs_ground_audit_t a = {
            .id = sqlite3_column_int64(st, 0),
            .time_ms = sqlite3_column_int64(st, 1),
            .user = (const char *)sqlite3_column_text(st, 2),
            .client = (const char *)sqlite3_column_text(st, 3),
            .action = (const char *)sqlite3_column_text(st, 4),
            .resource = (const char *)sqlite3_column_text(st, 5),
            .outcome = (const char *)sqlite3_column_text(st, 6),
            .reason = (const char *)sqlite3_column_text(st, 7),
        };
        rc = fn(ctx, &a);
        if (rc != 0) {
            break;
        }
    }
    if (rc == 0 && step != SQLITE_DONE) {
        rc = db_error(users, "audit list");
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- throttling ---------------------------------------------------------- */

/* Milliseconds the key must still wait (0: may try now). */
static int throttle_wait(ilrs_ground_users_t *users, const char *key, int64_t now_ms,
                         int64_t *wait_ms)
{
    sqlite3_stmt *st = NULL;
    *wait_ms = 0;
    if (sqlite3_prepare_v2(users->db, "SELECT failures, last_ms FROM throttle WHERE key = ?", -1,
                           &st, NULL) != SQLITE_OK) {
        return db_error(users, "throttle");
    }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        int64_t failures = sqlite3_column_int64(st, 0);
        int64_t last = sqlite3_column_int64(st, 1);
        if (failures >= (int64_t)users->options.free_failures) {
            int64_t excess = failures - (int64_t)users->options.free_failures;
            int64_t delay = users->options.throttle_base_ms;
            for (int64_t i = 0; i < excess && delay < users->options.throttle_max_ms; i++) {
                delay *= 2;
            }
            if (delay > users->options.throttle_max_ms) {
                delay = users->options.throttle_max_ms;
            }
            if (now_ms < last + delay) {
                *wait_ms = last + delay - now_ms;
            }
        }
    } else if (step != SQLITE_DONE) {
        sqlite3_finalize(st);
        return db_error(users, "throttle");
    }
    sqlite3_finalize(st);
    return 0;
}

static int throttle_fail(ilrs_ground_users_t *users, const char *key, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(users->db,
                           "INSERT INTO throttle(key, failures, last_ms) VALUES(?, 1, ?)"
                           " ON CONFLICT(key) DO UPDATE SET failures = failures + 1,"
                           " last_ms = excluded.last_ms",
                           -1, &st, NULL) != SQLITE_OK) {
        return db_error(users, "throttle");
    }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now_ms);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = db_error(users, "throttle");
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- sessions ------------------------------------------------------------- */

static void hash_token(const char *token, char hex[2 * 32 + 1])
{
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest, (const unsigned char *)token, strlen(token), NULL,
                       0);
    sodium_bin2hex(hex, 2 * 32 + 1, digest, sizeof digest);
}

static bool token_is_well_formed(const char *token)
{
    if (token == NULL || strlen(token) != ILRS_GROUND_TOKEN_LEN) {
        return false;
    }
    for (size_t i = 0; i < ILRS_GROUND_TOKEN_LEN; i++) {
        if (!isxdigit((unsigned char)token[i]) || isupper((unsigned char)token[i])) {
            return false;
        }
    }
    return true;
}

int ilrs_ground_login(ilrs_ground_users_t *users, const char *name, const char *password,
                      const char *client, int64_t now_ms, char *token,
                      ilrs_ground_identity_t *identity, int64_t *retry_after_ms)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    char user_key[ILRS_GROUND_USER_MAX + 8];
    char addr_key[160];
    int64_t wait_user = 0, wait_addr = 0;
    if (token != NULL) {
        token[0] = '\0';
    }
    if (identity != NULL) {
        memset(identity, 0, sizeof *identity);
    }
    if (retry_after_ms != NULL) {
        *retry_after_ms = 0;
    }
    if (users == NULL || name == NULL || password == NULL || token == NULL) {
        return ILRS_EINVAL;
    }
    if (client == NULL) {
        client = "";
    }
    if (!name_is_valid(name) || strlen(password) > ILRS_GROUND_PASSWORD_MAX) {
        /* Not a possible account: fail like a wrong password, without a lookup. */
        ilrs_ground_audit_add(users, now_ms, "", client, "login_failed", "/api/login", "refused",
                              "malformed user name or password");
        return ILRS_EGROUND_AUTH;
    }
    snprintf(user_key, sizeof user_key, "user:%s", name);
    snprintf(addr_key, sizeof addr_key, "addr:%.150s", client);
    rc = throttle_wait(users, user_key, now_ms, &wait_user);
    if (rc == 0) {
        rc = throttle_wait(users, addr_key, now_ms, &wait_addr);
    }
    if (rc != 0) {
        return rc;
    }
    if (wait_user > 0 || wait_addr > 0) {
        int64_t wait = wait_user > wait_addr ? wait_user : wait_addr;
        char reason[128];
        snprintf(reason, sizeof reason, "throttled by %s; retry after %lld ms",
                 wait_user > 0 ? "failed logins of this user" : "failed logins from this address",
                 (long long)wait);
        if (retry_after_ms != NULL) {
            *retry_after_ms = wait;
        }
        ilrs_ground_audit_add(users, now_ms, name, client, "login_throttled", "/api/login",
                              "refused", reason);
        return ILRS_EGROUND_THROTTLED;
    }

    if (sqlite3_prepare_v2(users->db, "SELECT role, partner, pwhash FROM users WHERE name = ?",
                           -1, &st, NULL) != SQLITE_OK) {
        return db_error(users, "login");
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    bool ok = false;
    ilrs_ground_identity_t id = {0};
    if (step == SQLITE_ROW) {
        const char *pwhash = (const char *)sqlite3_column_text(st, 2);
        ok = pwhash != NULL &&
             crypto_pwhash_str_verify(pwhash, password, strlen(password)) == 0;
        id.role = (ilrs_ground_role_t)sqlite3_column_int(st, 0);
        snprintf(id.partner, sizeof id.partner, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(id.user, sizeof id.user, "%s", name);
    } else if (step == SQLITE_DONE) {
        /* Unknown user: spend the time a verification would, so timing does not
         * tell which names exist. */
        char dummy[crypto_pwhash_STRBYTES];
        (void)!crypto_pwhash_argon2id_str(dummy, password, strlen(password),
                                   users->options.fast_hash
                                       ? crypto_pwhash_argon2id_OPSLIMIT_MIN
                                       : crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
                                   users->options.fast_hash
                                       ? crypto_pwhash_argon2id_MEMLIMIT_MIN
                                       : crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
    } else {
        rc = db_error(users, "login");
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc != 0) {
        return rc;
    }
    if (!ok) {
        throttle_fail(users, user_key, now_ms);
        throttle_fail(users, addr_key, now_ms);
        ilrs_ground_audit_add(users, now_ms, name, client, "login_failed", "/api/login",
                              "refused", "unknown user or wrong password");
        return ILRS_EGROUND_AUTH;
    }

    unsigned char raw[32];
    char token_hash[2 * 32 + 1];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, ILRS_GROUND_TOKEN_LEN + 1, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    hash_token(token, token_hash);
    id.expires_ms = now_ms + users->options.session_ms;
    if (sqlite3_prepare_v2(users->db,
                           "INSERT INTO sessions(token_hash, user, client, created_ms, expires_ms)"
                           " VALUES(?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(users, "session");
        goto out_fail;
    }
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, client, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, now_ms);
    sqlite3_bind_int64(st, 5, id.expires_ms);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = db_error(users, "session");
        goto out_fail;
    }
    sqlite3_finalize(st);
    st = NULL;
    /* Success clears both counters; expired sessions are swept here too. */
    exec_text(users, "DELETE FROM throttle WHERE key IN (?, ?)", user_key, addr_key);
    {
        char now_text[32];
        snprintf(now_text, sizeof now_text, "%lld", (long long)now_ms);
        exec_text(users, "DELETE FROM sessions WHERE expires_ms <= CAST(? AS INTEGER)", now_text,
                  NULL);
    }
    ilrs_ground_audit_add(users, now_ms, name, client, "login", "/api/login", "ok", "");
    if (identity != NULL) {
        *identity = id;
    }
    return 0;
out_fail:
    sqlite3_finalize(st);
    token[0] = '\0';
    return rc;
}

int ilrs_ground_session_check(ilrs_ground_users_t *users, const char *token, int64_t now_ms,
                              ilrs_ground_identity_t *identity)
{
    sqlite3_stmt *st = NULL;
    char token_hash[2 * 32 + 1];
    int rc = ILRS_EGROUND_SESSION;
    if (identity != NULL) {
        memset(identity, 0, sizeof *identity);
    }
    if (users == NULL || identity == NULL) {
        return ILRS_EINVAL;
    }
    if (!token_is_well_formed(token)) {
        return ILRS_EGROUND_SESSION;
    }
    hash_token(token, token_hash);
    if (sqlite3_prepare_v2(users->db,
                           "SELECT s.user, s.expires_ms, u.role, u.partner FROM sessions s"
                           " JOIN users u ON u.name = s.user WHERE s.token_hash = ?",
                           -1, &st, NULL) != SQLITE_OK) {
        return db_error(users, "session");
    }
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        int64_t expires = sqlite3_column_int64(st, 1);
        if (now_ms < expires) {
            snprintf(identity->user, sizeof identity->user, "%s",
                     (const char *)sqlite3_column_text(st, 0));
            identity->expires_ms = expires;
            identity->role = (ilrs_ground_role_t)sqlite3_column_int(st, 2);
            snprintf(identity->partner, sizeof identity->partner, "%s",
                     (const char *)sqlite3_column_text(st, 3));
            rc = 0;
        }
    } else if (step != SQLITE_DONE) {
        rc = db_error(users, "session");
    }
    sqlite3_finalize(st);
    return rc;
}

int ilrs_ground_logout(ilrs_ground_users_t *users, const char *token, const char *client,
                       int64_t now_ms)
{
    ilrs_ground_identity_t id;
    char token_hash[2 * 32 + 1];
    int rc = ilrs_ground_session_check(users, token, now_ms, &id);
    if (rc != 0) {
        return rc;
    }
    hash_token(token, token_hash);
    int n = exec_text(users, "DELETE FROM sessions WHERE token_hash = ?", token_hash, NULL);
    if (n < 0) {
        return n;
    }
    return ilrs_ground_audit_add(users, now_ms, id.user, client, "logout", "/api/logout", "ok",
                                 "");
}
