// SPDX-License-Identifier: Apache-2.0
// `ilrs ground`: run the live mission-control server (HTTP API, WebSocket
// real-time telemetry, the Open MCT web UI) until SIGINT or SIGTERM.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int cli_ground(int argc, char **argv)
{
    const char *listen = "127.0.0.1:8080", *db = NULL, *dict_path = NULL;
    const char *users_path = NULL, *link_listen = NULL, *link_station = NULL;
    const char *web = getenv("ILRS_WEB_DIR") != NULL ? getenv("ILRS_WEB_DIR") : "web";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        const char **slot = strcmp(a, "--listen") == 0  ? &listen
                            : strcmp(a, "--db") == 0    ? &db
                            : strcmp(a, "--dict") == 0  ? &dict_path
                            : strcmp(a, "--users") == 0 ? &users_path
                            : strcmp(a, "--web") == 0   ? &web
                            : strcmp(a, "--link-listen") == 0  ? &link_listen
                            : strcmp(a, "--link-station") == 0 ? &link_station
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
                                run_link != NULL ? &linked : &source, NULL);
    }
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
