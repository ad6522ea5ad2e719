/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A throwaway PostgreSQL server for tests and benchmarks.
 *
 * Uses the Debian `postgresql` package's binaries (/usr/lib/postgresql/<v>/bin, the
 * newest version found; ILRS_PG_BINDIR overrides). initdb refuses to run as root, so
 * when we are root the server runs as the `postgres` system user (created by the
 * package), or `nobody` if that user is missing, through `runuser -u <user> --`;
 * its temporary directory is chowned to that user. The server listens only on a
 * Unix socket inside that directory (listen_addresses='', -k <dir>), so parallel
 * test processes never collide on a port, and is started with fsync=off (a test
 * server needs no durability against power loss). Trust authentication, superuser
 * "ilrs". pg_server_stop() stops it (fast shutdown) and removes the directory.
 *
 * Cleanup must also happen when the test process dies without running atexit
 * handlers (an assertion abort under the sanitizers, a ctest timeout, SIGKILL): a
 * watchdog process, forked once the server runs, blocks reading a pipe whose only
 * write end the test process holds (close-on-exec, so the server never inherits
 * it). When the test process ends in any way the read returns end-of-file and the
 * watchdog stops the server and removes the directory. pg_server_stop() just closes
 * the pipe and waits for the watchdog.
 */
#ifndef ILRS_TEST_PG_FIXTURE_H
#define ILRS_TEST_PG_FIXTURE_H

#include <glob.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

typedef struct pg_server {
    char dir[256];
    char bindir[512];
    char runas[64]; /* "" when we run the binaries ourselves */
    bool running;
    unsigned next_db;
    pid_t watchdog;  /* 0 when none */
    int watchdog_fd; /* write end of the watchdog's pipe */
} pg_server_t;

/* Find the server binaries: 0, or -1 when absent. */
static int pg_find_bindir(char *out, size_t cap)
{
    const char *env = getenv("ILRS_PG_BINDIR");
    char path[600];
    if (env != NULL && env[0] != '\0') {
        snprintf(path, sizeof path, "%s/initdb", env);
        if (access(path, X_OK) == 0) {
            snprintf(out, cap, "%s", env);
            return 0;
        }
        return -1;
    }
    glob_t g;
    if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) != 0 || g.gl_pathc == 0) {
        globfree(&g);
        return -1;
    }
    /* glob sorts; the numerically newest version is the longest, then the last */
    const char *best = g.gl_pathv[0];
    for (size_t i = 1; i < g.gl_pathc; i++) {
        if (strlen(g.gl_pathv[i]) > strlen(best) ||
            (strlen(g.gl_pathv[i]) == strlen(best) && strcmp(g.gl_pathv[i], best) > 0)) {
            best = g.gl_pathv[i];
        }
    }
    snprintf(out, cap, "%.*s", (int)(strlen(best) - strlen("/initdb")), best);
    globfree(&g);
    return access(out, X_OK) == 0 ? 0 : -1;
}

static int pg_sh(const pg_server_t *s, const char *cmd)
{
    char line[8192];
    if (s->runas[0] != '\0') {
        snprintf(line, sizeof line, "runuser -u %s -- %s", s->runas, cmd);
    } else {
        snprintf(line, sizeof line, "%s", cmd);
    }
    int rc = system(line);
    return rc == 0 ? 0 : -1;
}

static void pg_server_cleanup(pg_server_t *s)
{
    char cmd[4096];
    if (s->running) {
        snprintf(cmd, sizeof cmd, "%s/pg_ctl -D %s/data -m fast -w -t 60 stop >/dev/null 2>&1",
                 s->bindir, s->dir);
        (void)pg_sh(s, cmd);
        s->running = false;
    }
    if (s->dir[0] != '\0') {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
        if (system(cmd) != 0) {
            fprintf(stderr, "pg_fixture: could not remove %s\n", s->dir);
        }
        s->dir[0] = '\0';
    }
}

static void pg_server_stop(pg_server_t *s)
{
    if (s->watchdog > 0) {
        close(s->watchdog_fd);
        while (waitpid(s->watchdog, NULL, 0) < 0 && errno == EINTR) {
        }
        s->watchdog = 0;
        s->running = false;
        s->dir[0] = '\0';
        return;
    }
    pg_server_cleanup(s);
}

/* Fork the watchdog (see the file comment). Without one, cleanup is pg_server_stop()'s. */
static void pg_server_watch(pg_server_t *s)
{
    int fds[2];
    if (pipe(fds) != 0) {
        return;
    }
    (void)fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    (void)fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        close(fds[1]);
        char c;
        while (read(fds[0], &c, 1) != 0 && errno == EINTR) {
        }
        pg_server_cleanup(s);
        _exit(0);
    }
    close(fds[0]);
    s->watchdog = pid;
    s->watchdog_fd = fds[1];
}

/*
 * Start a server. Returns 0 (running), 1 (no PostgreSQL binaries: skip), -1 (the
 * binaries exist but the server would not start: @p why says why).
 */
static int pg_server_start(pg_server_t *s, char *why, size_t why_cap)
{
    memset(s, 0, sizeof *s);
    if (pg_find_bindir(s->bindir, sizeof s->bindir) != 0) {
        snprintf(why, why_cap,
                 "PostgreSQL server binaries not found "
                 "(/usr/lib/postgresql/*/bin/initdb; Debian package postgresql)");
        return 1;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof s->dir, "%s/ilrs-pg-XXXXXX", tmp != NULL && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(s->dir) == NULL) {
        snprintf(why, why_cap, "mkdtemp failed");
        s->dir[0] = '\0';
        return -1;
    }
    if (geteuid() == 0) {
        struct passwd *pw = getpwnam("postgres");
        if (pw == NULL) {
            pw = getpwnam("nobody");
        }
        if (pw == NULL || chown(s->dir, pw->pw_uid, pw->pw_gid) != 0) {
            snprintf(why, why_cap, "running as root and no postgres/nobody user to run the server");
            pg_server_stop(s);
            return -1;
        }
        snprintf(s->runas, sizeof s->runas, "%s", pw->pw_name);
    }
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "%s/initdb -D %s/data -A trust -U ilrs -E UTF8 --no-sync >%s/initdb.log 2>&1",
             s->bindir, s->dir, s->dir);
    if (pg_sh(s, cmd) != 0) {
        snprintf(why, why_cap, "initdb failed, see %.200s/initdb.log", s->dir);
        return -1;
    }
    snprintf(cmd, sizeof cmd,
             "%s/pg_ctl -D %s/data -l %s/server.log -w -t 60 -o \"-k %s -c listen_addresses='' "
             "-c fsync=off -c full_page_writes=off\" start >/dev/null 2>&1",
             s->bindir, s->dir, s->dir, s->dir);
    if (pg_sh(s, cmd) != 0) {
        snprintf(why, why_cap, "pg_ctl start failed, see %.200s/server.log", s->dir);
        return -1;
    }
    s->running = true;
    pg_server_watch(s);
    return 0;
}

/* Create a fresh database and give its URL. 0 or -1. */
static int pg_server_create_db(pg_server_t *s, char *url, size_t cap)
{
    char admin[1024];
    snprintf(admin, sizeof admin, "postgresql:///postgres?host=%s&user=ilrs", s->dir);
    PGconn *c = PQconnectdb(admin);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "pg_fixture: %s", PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    char name[64], sql[128];
    snprintf(name, sizeof name, "ilrs_%ld_%u", (long)getpid(), s->next_db++);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    PGresult *r = PQexec(c, sql);
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc != 0) {
        fprintf(stderr, "pg_fixture: %s", PQerrorMessage(c));
    }
    PQclear(r);
    PQfinish(c);
    snprintf(url, cap, "postgresql:///%s?host=%s&user=ilrs", name, s->dir);
    return rc;
}

#endif
