// SPDX-License-Identifier: Apache-2.0
// `ilrs ground`: run the live mission-control server (HTTP API, WebSocket
// real-time telemetry, the Open MCT web UI) until SIGINT or SIGTERM. With an
// archive, a thread writes the partners' data products of each completed UTC day
// (ilrs_ground_files_produce) through its own archive connection, so ingest and
// the API never wait for it.
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ilrs/dict.h>
#include <ilrs/ground.h>
#include <ilrs/ground_link.h>
#include <ilrs/ground_server.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ilrs ground [--listen ADDR:PORT] [--db URL] [--dict FILE] [--users FILE]\n"
            "                   [--web DIR] [--link-listen ADDR:PORT] [--link-station HOST:PORT]\n"
            "                   [--files DIR | --no-files] [--files-settle S] [--files-recheck S]\n"
            "\n"
            "Runs the mission-control server: the HTTP + WebSocket API and the Open MCT\n"
            "web UI (open http://ADDR:PORT/ in a browser). Accounts come from the user\n"
            "store ('ilrs user add'). Stops on Ctrl-C or SIGTERM.\n"
            "\n"
            "options:\n"
            "  --listen ADDR:PORT  address and port, default 127.0.0.1:8080 (port 0: any)\n"
            "  --db URL            telemetry archive: PATH, sqlite:PATH or postgresql://...;\n"
            "                      without it telemetry is kept in memory for the run only\n"
            "  --dict FILE         dictionary JSON ('ilrs dict --json'); default: the\n"
            "                      station's built-in dictionary\n"
            "  --users FILE        user store (SQLite), default users.sqlite next to a\n"
            "                      SQLite archive, else in the current directory\n"
            "  --web DIR           web UI directory (index.html, plugin/, node_modules/),\n"
            "                      default $ILRS_WEB_DIR or ./web\n"
            "  --link-listen ADDR:PORT\n"
            "                      receive the station's TM frames (UDP, one frame per\n"
            "                      datagram, SCID 0x1A5, 1115 octets): packets go to the\n"
            "                      archive (--db) and to live clients\n"
            "  --link-station HOST:PORT\n"
            "                      send TC frames (FOP-1) carrying the queued commands to\n"
            "                      the station; needs --link-listen (the CLCW comes back\n"
            "                      in the TM frames). Command states: sent, accepted\n"
            "                      (CLCW), executed/failed (the station's LINK_CMD_RESPONSE)\n"
            "  --files DIR         partners' data products: each partner packet's CSV for a\n"
            "                      UTC day, written once the day is complete (data time past\n"
            "                      its end by the settle margin) and served by /api/files;\n"
            "                      packets of that day arriving later give a re-issue\n"
            "                      NAME_v2.csv. Default: files/ next to a SQLite archive;\n"
            "                      with PostgreSQL only when given; needs --db\n"
            "  --no-files          write and serve no data products\n"
            "  --files-settle S    settle margin in data-time seconds, default 3600\n"
            "  --files-recheck S   how often (wall seconds) written days are checked for late\n"
            "                      packets, default 60\n"
            "  --help              show this text\n");
}

int cli_ground_parse_listen(const char *text, char *addr, size_t cap, uint16_t *port)
{
    const char *colon = strrchr(text, ':');
    if (colon == NULL || colon == text || (size_t)(colon - text) >= cap) {
        fprintf(stderr, "ilrs: --listen '%s': expected ADDR:PORT, e.g. 127.0.0.1:8080\n", text);
        return -1;
    }
    char *end = NULL;
    errno = 0;
    long p = strtol(colon + 1, &end, 10);
    if (errno != 0 || end == colon + 1 || *end != '\0' || p < 0 || p > 65535) {
        fprintf(stderr, "ilrs: --listen '%s': port must be 0..65535\n", text);
        return -1;
    }
    memcpy(addr, text, (size_t)(colon - text));
    addr[colon - text] = '\0';
    *port = (uint16_t)p;
    return 0;
}

/* The live data-product writer: its own archive handle, a thread, a stop flag. */
typedef struct files_job {
    ilrs_ground_archive_t *archive;
    ilrs_ground_files_producer_t *producer;
    int64_t recheck_ms;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    bool running;
    pthread_t thread;
} files_job_t;

#define FILES_PERIOD_MS 2000 /* new complete days are looked for this often (wall) */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *files_loop(void *arg)
{
    files_job_t *j = arg;
    int64_t last_recheck = 0;
    bool first = true;
    int last_rc = 0;
    pthread_mutex_lock(&j->mu);
    while (!j->stop) {
        pthread_mutex_unlock(&j->mu);
        int64_t now = mono_ms();
        bool recheck = first || now - last_recheck >= j->recheck_ms; /* first: a restart */
        ilrs_ground_files_report_t r;
        int rc = ilrs_ground_files_produce(j->producer, j->archive, recheck, &r);
        if (recheck) {
            last_recheck = now;
        }
        first = false;
        if (rc != 0 && rc != last_rc) { /* once per new failure, not every pass */
            fprintf(stderr, "ilrs ground: data products: %s (retrying)\n", ilrs_strerror(rc));
        }
        last_rc = rc;
        if (r.written + r.reissued > 0) {
            fprintf(stderr, "ilrs ground: data products: %zu written, %zu re-issued\n",
                    r.written, r.reissued);
        }
        pthread_mutex_lock(&j->mu);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += FILES_PERIOD_MS / 1000;
        while (!j->stop && pthread_cond_timedwait(&j->cv, &j->mu, &until) != ETIMEDOUT) {
        }
    }
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

static void files_job_stop(files_job_t *j)
{
    if (j->running) {
        pthread_mutex_lock(&j->mu);
        j->stop = true;
        pthread_cond_signal(&j->cv);
        pthread_mutex_unlock(&j->mu);
        pthread_join(j->thread, NULL);
        j->running = false;
    }
}

/* The space link endpoint of this run (`ilrs ground --link-listen`), NULL without. */
static ilrs_ground_link_t *run_link;

int cli_ground_run(const char *addr, uint16_t port, const ilrs_dict_t *dict,
                   const char *users_path, const char *web_dir, const ilrs_ground_source_t *source,
                   const char *files_dir)
{
    ilrs_ground_users_t *users = NULL;
    ilrs_ground_server_t *server = NULL;
    char dist[1100];
    int status = 1;
    int rc = ilrs_ground_users_open(users_path, NULL, &users);
    if (rc != 0) {
        fprintf(stderr, "ilrs: user store %s: %s\n", users_path, ilrs_strerror(rc));
        return 1;
    }
    snprintf(dist, sizeof dist, "%s/node_modules/openmct/dist", web_dir);
    ilrs_ground_server_options_t options = {
        .listen_addr = addr, .port = port, .web_root = web_dir, .openmct_dist = dist,
        .files_dir = files_dir};
    /* Block the stop signals before the service thread exists, so only sigwait sees them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    rc = ilrs_ground_server_create(&options, dict, users, source, &server);
    if (rc == 0) {
        rc = ilrs_ground_server_start(server);
    }
    if (rc != 0) {
        fprintf(stderr, "ilrs: cannot start the server: %s\n", ilrs_strerror(rc));
        goto out;
    }
    if (run_link != NULL) {
        ilrs_ground_link_set_server(run_link, server);
        rc = ilrs_ground_link_start(run_link);
        if (rc != 0) {
            fprintf(stderr, "ilrs: cannot start the space link endpoint: %s\n",
                    ilrs_strerror(rc));
            goto out;
        }
        printf("ilrs: space link: TM frames on UDP port %u\n",
               (unsigned)ilrs_ground_link_udp_port(run_link));
    }
    printf("ilrs: mission control on http://%s:%u/ (Ctrl-C to stop)\n", addr,
           (unsigned)ilrs_ground_server_port(server));
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "ilrs: stopping (signal %d)\n", sig);
    status = 0;
out:
    if (run_link != NULL) {
        ilrs_ground_link_stop(run_link); /* no more publishing before the server goes */
        ilrs_ground_link_set_server(run_link, NULL);
    }
    ilrs_ground_server_destroy(server);
    ilrs_ground_users_close(users);
    return status;
}

static int parse_seconds(const char *option, const char *text, double *out)
{
    if (text == NULL) {
        return 0;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !(v > 0.0) || v > 1e9) {
        fprintf(stderr, "ilrs ground: %s '%s': expected seconds, > 0\n", option, text);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_ground(int argc, char **argv)
{
    const char *listen = "127.0.0.1:8080", *db = NULL, *dict_path = NULL;
    const char *users_path = NULL, *link_listen = NULL, *link_station = NULL;
    const char *files = NULL, *settle_text = NULL, *recheck_text = NULL;
    bool no_files = false;
    const char *web = getenv("ILRS_WEB_DIR") != NULL ? getenv("ILRS_WEB_DIR") : "web";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--no-files") == 0) {
            no_files = true;
            continue;
        }
        const char **slot = strcmp(a, "--listen") == 0  ? &listen
                            : strcmp(a, "--db") == 0    ? &db
                            : strcmp(a, "--dict") == 0  ? &dict_path
                            : strcmp(a, "--users") == 0 ? &users_path
                            : strcmp(a, "--web") == 0   ? &web
                            : strcmp(a, "--link-listen") == 0  ? &link_listen
                            : strcmp(a, "--link-station") == 0 ? &link_station
                            : strcmp(a, "--files") == 0         ? &files
                            : strcmp(a, "--files-settle") == 0  ? &settle_text
                            : strcmp(a, "--files-recheck") == 0 ? &recheck_text
                                                        : NULL;
        if (slot == NULL) {
            fprintf(stderr, "ilrs ground: unknown option '%s'\n\n", a);
            usage(stderr);
            return 2;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "ilrs ground: %s needs a value\n", a);
            return 2;
        }
        *slot = argv[++i];
    }
    char addr[64];
    uint16_t port = 0;
    if (cli_ground_parse_listen(listen, addr, sizeof addr, &port) != 0) {
        return 2;
    }
    char link_addr[256] = "", station_host[256] = "";
    uint16_t link_port = 0, station_port = 0;
    if (link_station != NULL && link_listen == NULL) {
        fprintf(stderr, "ilrs ground: --link-station needs --link-listen (the CLCW arrives "
                        "in the TM frames)\n");
        return 2;
    }
    if (link_listen != NULL &&
        ilrs_ground_link_parse_endpoint(link_listen, link_addr, sizeof link_addr, &link_port) != 0) {
        fprintf(stderr, "ilrs ground: --link-listen '%s': expected ADDR:PORT, e.g. 0.0.0.0:10025\n",
                link_listen);
        return 2;
    }
    if (link_station != NULL && ilrs_ground_link_parse_endpoint(link_station, station_host,
                                                                sizeof station_host,
                                                                &station_port) != 0) {
        fprintf(stderr, "ilrs ground: --link-station '%s': expected HOST:PORT\n", link_station);
        return 2;
    }
    /* Data products: need an archive a second connection can open (not :memory:);
     * default files/ next to a SQLite archive, with PostgreSQL only when asked. */
    double settle_s = 3600.0, recheck_s = 60.0;
    if (parse_seconds("--files-settle", settle_text, &settle_s) != 0 ||
        parse_seconds("--files-recheck", recheck_text, &recheck_s) != 0) {
        return 2;
    }
    bool pg = db != NULL && strstr(db, "://") != NULL;
    const char *db_file = db == NULL || pg ? NULL : strncmp(db, "sqlite:", 7) == 0 ? db + 7 : db;
    bool in_memory = db == NULL || (db_file != NULL && strcmp(db_file, ":memory:") == 0);
    if (files != NULL && no_files) {
        fprintf(stderr, "ilrs ground: --files and --no-files exclude each other\n");
        return 2;
    }
    if (files != NULL && in_memory) {
        fprintf(stderr, "ilrs ground: --files needs an archive in a file or PostgreSQL (--db): "
                        "products are made from the archive\n");
        return 2;
    }
    char files_default[4096] = "files";
    if (files == NULL && !no_files && db_file != NULL && !in_memory) {
        const char *slash = strrchr(db_file, '/');
        if (slash != NULL) {
            snprintf(files_default, sizeof files_default, "%.*s/files", (int)(slash - db_file),
                     db_file);
        }
        files = files_default;
    }
    /* The user store defaults to users.sqlite next to a SQLite archive. */
    char users_default[4096] = "users.sqlite";
    if (users_path == NULL && db != NULL && strstr(db, "://") == NULL) {
        const char *file = strncmp(db, "sqlite:", 7) == 0 ? db + 7 : db;
        const char *slash = strrchr(file, '/');
        if (slash != NULL) {
            snprintf(users_default, sizeof users_default, "%.*s/users.sqlite",
                     (int)(slash - file), file);
        }
    }
    if (users_path == NULL) {
        users_path = users_default;
    }
    ilrs_dict_t *dict = NULL;
    int rc;
    if (dict_path != NULL) {
        char error[256] = "";
        rc = ilrs_dict_read_json(dict_path, &dict, error, sizeof error);
        if (rc != 0) {
            fprintf(stderr, "ilrs ground: %s: %s\n", dict_path,
                    error[0] != '\0' ? error : ilrs_strerror(rc));
            return 1;
        }
    } else {
        rc = cli_station_dictionary(&dict);
        if (rc != 0) {
            fprintf(stderr, "ilrs ground: cannot build the station dictionary: %s\n",
                    ilrs_strerror(rc));
            return 1;
        }
    }
    ilrs_ground_memsource_t *mem = NULL;
    ilrs_ground_archive_t *archive = NULL;
    ilrs_ground_source_t source = {0};
    int status = 1;
    if (db != NULL) {
        rc = ilrs_ground_archive_open(db, NULL, &archive);
        if (rc != 0) {
            fprintf(stderr, "ilrs ground: archive %s: %s\n", db, ilrs_strerror(rc));
            goto out;
        }
        rc = ilrs_ground_archive_source_create(archive, dict, &source);
    } else {
        rc = ilrs_ground_memsource_create(&mem);
        if (rc == 0) {
            ilrs_ground_memsource_bind(mem, &source);
        }
    }
    files_job_t job = {.recheck_ms = (int64_t)(recheck_s * 1000.0)};
    pthread_mutex_init(&job.mu, NULL);
    pthread_cond_init(&job.cv, NULL);
    if (rc == 0 && files != NULL) {
        ilrs_ground_files_options_t fo = {.settle_ms = (int64_t)(settle_s * 1000.0)};
        rc = ilrs_ground_archive_open(db, NULL, &job.archive);
        if (rc == 0) {
            rc = ilrs_ground_files_producer_create(dict, files, &fo, &job.producer);
        }
        if (rc == 0) {
            /* The stop signals stay blocked in the thread (cli_ground_run sigwaits). */
            sigset_t stop;
            sigemptyset(&stop);
            sigaddset(&stop, SIGINT);
            sigaddset(&stop, SIGTERM);
            pthread_sigmask(SIG_BLOCK, &stop, NULL);
            rc = pthread_create(&job.thread, NULL, files_loop, &job) == 0 ? 0 : ILRS_EIO;
            job.running = rc == 0;
        }
        if (rc != 0) {
            fprintf(stderr, "ilrs ground: data products in %s: %s\n", files, ilrs_strerror(rc));
        } else {
            fprintf(stderr, "ilrs ground: data products in %s (settle %g s)\n", files, settle_s);
        }
    }
    ilrs_ground_source_t linked = {0};
    if (rc == 0 && link_listen != NULL) {
        ilrs_ground_link_config_t lc = {
            .scid = ILRS_GROUND_LINK_DEFAULT_SCID, .dict = dict, .archive = archive};
        rc = ilrs_ground_link_create(&lc, &run_link);
        if (rc == 0) {
            rc = ilrs_ground_link_udp_open(run_link, link_addr, link_port,
                                           link_station != NULL ? station_host : NULL,
                                           station_port);
        }
        if (rc == 0) {
            rc = ilrs_ground_link_bind_source(run_link, &source, &linked);
        }
        if (rc != 0) {
            fprintf(stderr, "ilrs ground: space link endpoint %s: %s\n", link_listen,
                    ilrs_strerror(rc));
        }
    }
    if (rc == 0) {
        status = cli_ground_run(addr, port, dict, users_path, web,
                                run_link != NULL ? &linked : &source,
                                job.producer != NULL ? files : NULL);
    }
    files_job_stop(&job);
    ilrs_ground_files_producer_destroy(job.producer);
    if (job.archive != NULL && ilrs_ground_archive_close(job.archive) != 0) {
        status = 1;
    }
    pthread_cond_destroy(&job.cv);
    pthread_mutex_destroy(&job.mu);
    ilrs_ground_link_destroy(run_link);
    run_link = NULL;
    if (archive != NULL) {
        ilrs_ground_archive_source_destroy(&source);
        if (ilrs_ground_archive_close(archive) != 0) {
            status = 1;
        }
    }
out:
    ilrs_ground_memsource_destroy(mem);
    ilrs_dict_destroy(dict);
    return status;
}
