// SPDX-License-Identifier: Apache-2.0
// `ilrs serve DIR`: browse a finished run in the mission-control UI: the run's
// archive (DIR/archive.sqlite) and dictionary (DIR/dictionary.json) behind the
// same server as `ilrs ground`.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ilrs/dict.h>
#include <ilrs/ground.h>
#include <ilrs/ground_server.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ilrs serve DIR [--listen ADDR:PORT] [--users FILE] [--web DIR]\n"
            "\n"
            "Serves a finished run directory in the mission-control web UI: its archive\n"
            "DIR/archive.sqlite and dictionary DIR/dictionary.json. Accounts come from\n"
            "the user store ('ilrs user add --users FILE'). Partners' data products\n"
            "(daily CSV per payload, the newest 7 days with data) are served from\n"
            "DIR/files/, written there on the first serve. Stops on Ctrl-C or SIGTERM.\n"
            "\n"
            "options:\n"
            "  --listen ADDR:PORT  address and port, default 127.0.0.1:8080 (port 0: any)\n"
            "  --users FILE        user store, default DIR/users.sqlite\n"
            "  --web DIR           web UI directory, default $ILRS_WEB_DIR or ./web\n"
            "  --help              show this text\n");
}

static int count_file(void *user, const ilrs_ground_file_t *f)
{
    (void)f;
    (*(size_t *)user)++;
    return 0;
}

int cli_serve(int argc, char **argv)
{
    const char *dir = NULL, *listen = "127.0.0.1:8080", *users_path = NULL;
    const char *web = getenv("ILRS_WEB_DIR") != NULL ? getenv("ILRS_WEB_DIR") : "web";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--listen") == 0 || strcmp(a, "--users") == 0 || strcmp(a, "--web") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "ilrs serve: %s needs a value\n", a);
                return 2;
            }
            const char *v = argv[++i];
            if (a[2] == 'l') {
                listen = v;
            } else if (a[2] == 'u') {
                users_path = v;
            } else {
                web = v;
            }
        } else if (a[0] == '-' || dir != NULL) {
            fprintf(stderr, "ilrs serve: unexpected argument '%s'\n\n", a);
            usage(stderr);
            return 2;
        } else {
            dir = a;
        }
    }
    if (dir == NULL) {
        usage(stderr);
        return 2;
    }
    char addr[64];
    unsigned short port = 0;
    if (cli_ground_parse_listen(listen, addr, sizeof addr, &port) != 0) {
        return 2;
    }
    char archive_path[4096], dict_path[4096], users_default[4096];
    snprintf(archive_path, sizeof archive_path, "%s/archive.sqlite", dir);
    snprintf(dict_path, sizeof dict_path, "%s/dictionary.json", dir);
    snprintf(users_default, sizeof users_default, "%s/users.sqlite", dir);
    if (users_path == NULL) {
        users_path = users_default;
    }
    struct stat st;
    if (stat(archive_path, &st) != 0) {
        fprintf(stderr, "ilrs serve: %s: no archive (is %s a finished run directory?)\n",
                archive_path, dir);
        return 1;
    }
    ilrs_dict_t *dict = NULL;
    ilrs_ground_archive_t *archive = NULL;
    ilrs_ground_source_t source = {0};
    char error[256] = "";
    int status = 1;
    int rc = ilrs_dict_read_json(dict_path, &dict, error, sizeof error);
    if (rc != 0) {
        fprintf(stderr, "ilrs serve: %s: %s\n", dict_path,
                error[0] != '\0' ? error : ilrs_strerror(rc));
        return 1;
    }
    rc = ilrs_ground_archive_open(archive_path, NULL, &archive);
    if (rc != 0) {
        fprintf(stderr, "ilrs serve: %s: %s\n", archive_path, ilrs_strerror(rc));
        goto out;
    }
    /* The partners' data products (docs/ground.md): written once, on the first
     * serve of a run whose catalog is empty, from the archive only. */
    char files_dir[4096];
    snprintf(files_dir, sizeof files_dir, "%s/files", dir);
    size_t catalogued = 0;
    rc = ilrs_ground_archive_files(archive, NULL, NULL, count_file, &catalogued);
    if (rc == 0 && catalogued == 0) {
        size_t written = 0;
        rc = ilrs_ground_files_write(archive, dict, files_dir, 0, &written);
        if (rc == 0) {
            fprintf(stderr, "ilrs serve: wrote %zu data product(s) in %s\n", written, files_dir);
        }
    }
    bool products = rc == 0;
    if (!products) {
        /* Telemetry, events and commands are still worth serving. */
        fprintf(stderr, "ilrs serve: data products unavailable (%s); serving the rest\n",
                ilrs_strerror(rc));
    }
    rc = ilrs_ground_archive_source_create(archive, dict, &source);
    if (rc == 0) {
        status = cli_ground_run(addr, port, dict, users_path, web, &source,
                                products ? files_dir : NULL);
    }
    ilrs_ground_archive_source_destroy(&source);
    if (ilrs_ground_archive_close(archive) != 0) {
        status = 1;
    }
out:
    ilrs_dict_destroy(dict);
    return status;
}
