// SPDX-License-Identifier: Apache-2.0
// `ilrs user add|list|remove`: manage mission-control accounts in the SQLite user
// store (passwords hashed with argon2id by the library, never stored).
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <ilrs/ground_server.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ilrs user add NAME --role operator|partner|viewer [--partner ID]\n"
            "                     [--password-stdin] [--users FILE]\n"
            "       ilrs user list [--users FILE]\n"
            "       ilrs user remove NAME [--users FILE]\n"
            "\n"
            "Manages mission-control accounts. Roles: operator (everything), partner\n"
            "(only its own payloads' telemetry, events and commands; --partner gives the\n"
            "dictionary owner id), viewer (read only). Passwords (8..1024 characters) are\n"
            "read from the terminal without echo, or one line from standard input with\n"
            "--password-stdin, and stored only as argon2id hashes.\n"
            "\n"
            "options:\n"
            "  --users FILE   the user store (SQLite), default users.sqlite\n"
            "  --help         show this text\n");
}

/* Read a password: one line from stdin, or from the terminal with echo off. */
static int read_password(bool from_stdin, char *buf, size_t cap)
{
    FILE *in = stdin;
    FILE *tty = NULL;
    struct termios old, quiet;
    bool restore = false;
    if (!from_stdin) {
        tty = fopen("/dev/tty", "r+");
        if (tty == NULL) {
            fprintf(stderr, "ilrs user: no terminal for the password; use --password-stdin\n");
            return -1;
        }
        in = tty;
        fprintf(tty, "password: ");
        fflush(tty);
        if (tcgetattr(fileno(tty), &old) == 0) {
            quiet = old;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            restore = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
        }
    }
    bool ok = fgets(buf, (int)cap, in) != NULL;
    if (restore) {
        tcsetattr(fileno(tty), TCSAFLUSH, &old);
        fprintf(tty, "\n");
    }
    if (tty != NULL) {
        fclose(tty);
    }
    if (!ok) {
        fprintf(stderr, "ilrs user: no password given\n");
        return -1;
    }
    size_t n = strlen(buf);
    if (n > 0 && buf[n - 1] != '\n' && n + 1 == cap) {
        fprintf(stderr, "ilrs user: password longer than %d characters\n",
                ILRS_GROUND_PASSWORD_MAX);
        return -1;
    }
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) {
        buf[--n] = '\0';
    }
    return 0;
}

static int print_user(void *ctx, const ilrs_ground_user_t *u)
{
    (void)ctx;
    time_t t = (time_t)(u->created_ms / 1000);
    struct tm tm;
    char when[32] = "?";
    if (gmtime_r(&t, &tm) != NULL) {
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    printf("%-24s %-9s %-16s %s\n", u->name, ilrs_ground_role_name(u->role),
           u->partner[0] != '\0' ? u->partner : "-", when);
    return 0;
}

int cli_user(int argc, char **argv)
{
    const char *action = NULL, *name = NULL, *role_text = NULL, *partner = NULL;
    const char *path = "users.sqlite";
    bool password_stdin = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--password-stdin") == 0) {
            password_stdin = true;
        } else if (strcmp(a, "--role") == 0 || strcmp(a, "--partner") == 0 ||
                   strcmp(a, "--users") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "ilrs user: %s needs a value\n\n", a);
                usage(stderr);
                return 2;
            }
            const char *v = argv[++i];
            if (a[2] == 'r') {
                role_text = v;
            } else if (a[2] == 'p') {
                partner = v;
            } else {
                path = v;
            }
        } else if (a[0] == '-') {
            fprintf(stderr, "ilrs user: unknown option '%s'\n\n", a);
            usage(stderr);
            return 2;
        } else if (action == NULL) {
            action = a;
        } else if (name == NULL) {
            name = a;
        } else {
            fprintf(stderr, "ilrs user: unexpected argument '%s'\n\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (action == NULL) {
        usage(stderr);
        return 2;
    }
    bool add = strcmp(action, "add") == 0, list = strcmp(action, "list") == 0,
         remove = strcmp(action, "remove") == 0;
    if (!add && !list && !remove) {
        fprintf(stderr, "ilrs user: unknown action '%s' (add, list, remove)\n", action);
        return 2;
    }
    if ((add || remove) && name == NULL) {
        fprintf(stderr, "ilrs user: %s needs a user NAME\n", action);
        return 2;
    }
    if (list && name != NULL) {
        fprintf(stderr, "ilrs user: list takes no NAME\n");
        return 2;
    }
    ilrs_ground_role_t role = ILRS_GROUND_ROLE_VIEWER;
    if (add) {
        if (role_text == NULL || ilrs_ground_role_parse(role_text, &role) != 0) {
            fprintf(stderr, "ilrs user: add needs --role operator, partner or viewer\n");
            return 2;
        }
        if ((role == ILRS_GROUND_ROLE_PARTNER) != (partner != NULL)) {
            fprintf(stderr, "ilrs user: --partner ID is required for, and only for, role "
                            "partner\n");
            return 2;
        }
    } else if (role_text != NULL || partner != NULL || password_stdin) {
        fprintf(stderr, "ilrs user: --role, --partner and --password-stdin apply to add only\n");
        return 2;
    }

    ilrs_ground_users_t *users = NULL;
    int rc = ilrs_ground_users_open(path, NULL, &users);
    if (rc != 0) {
        fprintf(stderr, "ilrs user: %s: %s\n", path, ilrs_strerror(rc));
        return 1;
    }
    int status = 0;
    if (list) {
        printf("%-24s %-9s %-16s %s\n", "NAME", "ROLE", "PARTNER", "CREATED (UTC)");
        rc = ilrs_ground_user_list(users, print_user, NULL);
    } else if (remove) {
        rc = ilrs_ground_user_remove(users, name);
        if (rc == ILRS_ENOENT) {
            fprintf(stderr, "ilrs user: no user '%s' in %s\n", name, path);
            status = 1;
            rc = 0;
        }
    } else {
        char password[ILRS_GROUND_PASSWORD_MAX + 2];
        if (read_password(password_stdin, password, sizeof password) != 0) {
            status = 1;
        } else {
            rc = ilrs_ground_user_add(users, name, role, partner, password);
            memset(password, 0, sizeof password);
            if (rc == 0) {
                fprintf(stderr, "ilrs user: added %s (%s%s%s)\n", name,
                        ilrs_ground_role_name(role), partner != NULL ? " of " : "",
                        partner != NULL ? partner : "");
            }
        }
    }
    if (rc != 0) {
        fprintf(stderr, "ilrs user: %s failed: %s\n", action, ilrs_strerror(rc));
        status = 1;
    }
    ilrs_ground_users_close(users);
    return status;
}
