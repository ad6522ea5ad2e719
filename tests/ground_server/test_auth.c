/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Users, sessions, throttling and the audit log (ground_auth.c): argon2id storage
 * and verification, token expiry (with the caller's clock, no sleeping), per-user
 * and per-address exponential back-off, audit records of every login outcome.
 */
#include "ilrs_test.h"

#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "ground_server_fixture.h"

typedef struct audit_find {
    const char *action;
    const char *user;
    int count;
    char last_reason[256];
} audit_find_t;

static int audit_match(void *ctx, const ilrs_ground_audit_t *a)
{
    audit_find_t *f = ctx;
    if (strcmp(a->action, f->action) == 0 && (f->user == NULL || strcmp(a->user, f->user) == 0)) {
        f->count++;
        snprintf(f->last_reason, sizeof f->last_reason, "%s", a->reason);
    }
    return 0;
}

static int audit_count(ilrs_ground_users_t *users, const char *action, const char *user)
{
    audit_find_t f = {.action = action, .user = user};
    assert_int_equal(ilrs_ground_audit_list(users, 0, audit_match, &f), 0);
    return f.count;
}

static void auth_password_stored_as_argon2id(void **state)
{
    (void)state;
    char path[] = "/tmp/ilrs_users_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    ilrs_ground_users_t *users = NULL;
    ilrs_ground_users_options_t o = {.fast_hash = true};
    assert_int_equal(ilrs_ground_users_open(path, &o, &users), 0);
    assert_int_equal(ilrs_ground_user_add(users, "ann", ILRS_GROUND_ROLE_VIEWER, NULL, "s3cret-pass"), 0);
    ilrs_ground_users_close(users);

    /* Read the stored hash with SQLite directly: an argon2id string that libsodium
     * verifies for the right password only, and that does not contain the password. */
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT pwhash FROM users WHERE name='ann'", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    const char *hash = (const char *)sqlite3_column_text(st, 0);
    assert_non_null(strstr(hash, "$argon2id$"));
    assert_null(strstr(hash, "s3cret-pass"));
    assert_int_equal(crypto_pwhash_str_verify(hash, "s3cret-pass", 11), 0);
    assert_int_not_equal(crypto_pwhash_str_verify(hash, "s3cret-pasS", 11), 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    remove(path);
}

static void auth_login_and_wrong_password(void **state)
{
    (void)state;
    ilrs_ground_users_t *users = NULL;
    assert_int_equal(fixture_users(&users), 0);
    char token[ILRS_GROUND_TOKEN_LEN + 1];
    ilrs_ground_identity_t id;
    int64_t now = 1000000;
    assert_int_equal(ilrs_ground_login(users, "erik", FIX_PASSWORD, "10.0.0.1", now, token, &id, NULL), 0);
    assert_int_equal(strlen(token), ILRS_GROUND_TOKEN_LEN);
    assert_string_equal(id.user, "erik");
    assert_int_equal(id.role, ILRS_GROUND_ROLE_PARTNER);
    assert_string_equal(id.partner, "esa");
    ilrs_ground_identity_t back;
    assert_int_equal(ilrs_ground_session_check(users, token, now + 1, &back), 0);
    assert_string_equal(back.partner, "esa");

    assert_int_equal(ilrs_ground_login(users, "erik", "wrong password", "10.0.0.1", now, token, &id, NULL),
                     ILRS_EGROUND_AUTH);
    assert_string_equal(token, "");
    /* Unknown users get the same answer as wrong passwords. */
    assert_int_equal(ilrs_ground_login(users, "nobody", FIX_PASSWORD, "10.0.0.2", now, token, &id, NULL),
                     ILRS_EGROUND_AUTH);
    assert_int_equal(audit_count(users, "login", "erik"), 1);
    assert_int_equal(audit_count(users, "login_failed", "erik"), 1);
    assert_int_equal(audit_count(users, "login_failed", "nobody"), 1);
    ilrs_ground_users_close(users);
}

static void auth_token_expires(void **state)
{
    (void)state;
    ilrs_ground_users_t *users = NULL;
    ilrs_ground_users_options_t o = {.fast_hash = true, .session_ms = 60000};
    assert_int_equal(ilrs_ground_users_open(":memory:", &o, &users), 0);
    assert_int_equal(ilrs_ground_user_add(users, "ann", ILRS_GROUND_ROLE_OPERATOR, NULL, FIX_PASSWORD), 0);
    char token[ILRS_GROUND_TOKEN_LEN + 1];
    ilrs_ground_identity_t id;
    int64_t t0 = 5000000;
    assert_int_equal(ilrs_ground_login(users, "ann", FIX_PASSWORD, "a", t0, token, &id, NULL), 0);
    assert_int_equal(id.expires_ms, t0 + 60000);
    assert_int_equal(ilrs_ground_session_check(users, token, t0 + 59999, &id), 0);
    assert_int_equal(ilrs_ground_session_check(users, token, t0 + 60000, &id), ILRS_EGROUND_SESSION);
    /* Malformed and unknown tokens. */
    assert_int_equal(ilrs_ground_session_check(users, "abc", t0, &id), ILRS_EGROUND_SESSION);
    char other[ILRS_GROUND_TOKEN_LEN + 1];
    memset(other, 'a', ILRS_GROUND_TOKEN_LEN);
    other[ILRS_GROUND_TOKEN_LEN] = '\0';
    assert_int_equal(ilrs_ground_session_check(users, other, t0, &id), ILRS_EGROUND_SESSION);
    ilrs_ground_users_close(users);
}

static void auth_logout_ends_session(void **state)
{
    (void)state;
    ilrs_ground_users_t *users = NULL;
    assert_int_equal(fixture_users(&users), 0);
    char token[ILRS_GROUND_TOKEN_LEN + 1];
    ilrs_ground_identity_t id;
    int64_t now = 7000;
    assert_int_equal(ilrs_ground_login(users, "vera", FIX_PASSWORD, "c", now, token, &id, NULL), 0);
    assert_int_equal(ilrs_ground_logout(users, token, "c", now + 1), 0);
    assert_int_equal(ilrs_ground_session_check(users, token, now + 2, &id), ILRS_EGROUND_SESSION);
    assert_int_equal(ilrs_ground_logout(users, token, "c", now + 3), ILRS_EGROUND_SESSION);
    assert_int_equal(audit_count(users, "logout", "vera"), 1);
    /* Removing a user ends its sessions. */
    assert_int_equal(ilrs_ground_login(users, "vera", FIX_PASSWORD, "c", now, token, &id, NULL), 0);
    assert_int_equal(ilrs_ground_user_remove(users, "vera"), 0);
    assert_int_equal(ilrs_ground_session_check(users, token, now + 1, &id), ILRS_EGROUND_SESSION);
    assert_int_equal(ilrs_ground_user_remove(users, "vera"), ILRS_ENOENT);
    ilrs_ground_users_close(users);
}

static void auth_throttle_per_user_backs_off(void **state)
{
    (void)state;
    ilrs_ground_users_t *users = NULL;
    ilrs_ground_users_options_t o = {.fast_hash = true, .free_failures = 3,
                                     .throttle_base_ms = 1000, .throttle_max_ms = 600000};
    assert_int_equal(ilrs_ground_users_open(":memory:", &o, &users), 0);
    assert_int_equal(ilrs_ground_user_add(users, "ann", ILRS_GROUND_ROLE_OPERATOR, NULL, FIX_PASSWORD), 0);
    char token[ILRS_GROUND_TOKEN_LEN + 1];
    int64_t retry = -1;
    int64_t t = 100000;
    /* Three free failures, from different addresses so only the user counter trips. */
    for (int i = 0; i < 3; i++) {
        char addr[16];
        snprintf(addr, sizeof addr, "10.0.0.%d", i);
        assert_int_equal(ilrs_ground_login(users, "ann", "bad password", addr, t, token, NULL, &retry),
                         ILRS_EGROUND_AUTH);
    }
    /* Now each attempt must wait base * 2^(n - 3): 1 s after the third failure. */
    assert_int_equal(ilrs_ground_login(users, "ann", FIX_PASSWORD, "10.0.1.1", t + 10, token, NULL, &retry),
                     ILRS_EGROUND_THROTTLED);
    assert_int_equal(retry, 990);
    /* Even the right password is refused while throttled, and no token is made. */
    assert_string_equal(token, "");
    /* After the wait a wrong password doubles the delay. */
    assert_int_equal(ilrs_ground_login(users, "ann", "bad password", "10.0.1.2", t + 1000, token, NULL, &retry),
                     ILRS_EGROUND_AUTH);
    assert_int_equal(ilrs_ground_login(users, "ann", FIX_PASSWORD, "10.0.1.3", t + 2999, token, NULL, &retry),
                     ILRS_EGROUND_THROTTLED);
    assert_int_equal(retry, 1);
    /* A success after the wait clears the counter. */
    assert_int_equal(ilrs_ground_login(users, "ann", FIX_PASSWORD, "10.0.1.4", t + 3000, token, NULL, &retry), 0);
    assert_int_equal(ilrs_ground_login(users, "ann", "bad password", "10.0.1.5", t + 3001, token, NULL, &retry),
                     ILRS_EGROUND_AUTH);
    assert_int_equal(retry, 0);
    assert_int_equal(audit_count(users, "login_throttled", "ann"), 2);
    ilrs_ground_users_close(users);
}

static void auth_throttle_per_address(void **state)
{
    (void)state;
    ilrs_ground_users_t *users = NULL;
    assert_int_equal(fixture_users(&users), 0);
    char token[ILRS_GROUND_TOKEN_LEN + 1];
    int64_t retry = 0;
    int64_t t = 200000;
    /* One address guessing many user names: the address counter trips. */
    const char *names[] = {"u1", "u2", "u3", "u4"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ilrs_ground_login(users, names[i], "guess-guess", "192.0.2.9", t, token, NULL, &retry),
                         ILRS_EGROUND_AUTH);
    }
    assert_int_equal(ilrs_ground_login(users, "olga", FIX_PASSWORD, "192.0.2.9", t + 1, token, NULL, &retry),
                     ILRS_EGROUND_THROTTLED);
    assert_true(retry > 0);
    /* Another address is not affected. */
    assert_int_equal(ilrs_ground_login(users, "olga", FIX_PASSWORD, "192.0.2.10", t + 1, token, NULL, &retry), 0);
    audit_find_t f = {.action = "login_throttled", .user = "olga"};
    assert_int_equal(ilrs_ground_audit_list(users, 0, audit_match, &f), 0);
    assert_int_equal(f.count, 1);
    assert_non_null(strstr(f.last_reason, "address"));
    ilrs_ground_users_close(users);
}

static void auth_user_add_validates(void **state)
{
    (void)state;
    ilrs_ground_users_t *users = NULL;
    assert_int_equal(fixture_users(&users), 0);
    assert_int_equal(ilrs_ground_user_add(users, "olga", ILRS_GROUND_ROLE_VIEWER, NULL, FIX_PASSWORD), ILRS_EEXIST);
    assert_int_equal(ilrs_ground_user_add(users, "bad name", ILRS_GROUND_ROLE_VIEWER, NULL, FIX_PASSWORD), ILRS_EINVAL);
    assert_int_equal(ilrs_ground_user_add(users, "", ILRS_GROUND_ROLE_VIEWER, NULL, FIX_PASSWORD), ILRS_EINVAL);
    assert_int_equal(ilrs_ground_user_add(users, "p1", ILRS_GROUND_ROLE_PARTNER, NULL, FIX_PASSWORD), ILRS_EINVAL);
    assert_int_equal(ilrs_ground_user_add(users, "v1", ILRS_GROUND_ROLE_VIEWER, "esa", FIX_PASSWORD), ILRS_EINVAL);
    assert_int_equal(ilrs_ground_user_add(users, "v2", ILRS_GROUND_ROLE_VIEWER, NULL, "short"), ILRS_EINVAL);
    assert_int_equal(ilrs_ground_user_add(users, "v3", (ilrs_ground_role_t)7, NULL, FIX_PASSWORD), ILRS_EINVAL);
    ilrs_ground_role_t role;
    assert_int_equal(ilrs_ground_role_parse("partner", &role), 0);
    assert_int_equal(role, ILRS_GROUND_ROLE_PARTNER);
    assert_int_equal(ilrs_ground_role_parse("admin", &role), ILRS_EINVAL);
    ilrs_ground_users_close(users);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(auth_password_stored_as_argon2id),
    cmocka_unit_test(auth_login_and_wrong_password),
    cmocka_unit_test(auth_token_expires),
    cmocka_unit_test(auth_logout_ends_session),
    cmocka_unit_test(auth_throttle_per_user_backs_off),
    cmocka_unit_test(auth_throttle_per_address),
    cmocka_unit_test(auth_user_add_validates),
};
ILRS_TEST_MAIN(tests)
