// SPDX-License-Identifier: Apache-2.0
// `ilrs dict`: export the station's command and telemetry dictionary as JSON (the
// form the ground loads) or XTCE 1.2 (for Yamcs, COSMOS and other XTCE tools).
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <ilrs/dict.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ilrs dict [--json|--xtce] [--out FILE] [--system NAME]\n"
            "\n"
            "Writes the station's command and telemetry dictionary: partners, packets,\n"
            "fields (types, units, limits, enumerations, calibration), commands and\n"
            "events.\n"
            "\n"
            "options:\n"
            "  --json         JSON, the format the ground loads (default)\n"
            "  --xtce         XTCE 1.2 (OMG, namespace http://www.omg.org/spec/XTCE/20180204)\n"
            "  --out FILE     write to FILE instead of standard output\n"
            "  --system NAME  name of the root XTCE SpaceSystem, [A-Za-z0-9_-] (default ILRS)\n"
            "  --help         show this text\n");
}

int cli_dict(int argc, char **argv)
{
    bool xtce = false;
    const char *out_path = NULL;
    const char *system_name = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--json") == 0) {
            xtce = false;
        } else if (strcmp(a, "--xtce") == 0) {
            xtce = true;
        } else if (strcmp(a, "--out") == 0 || strcmp(a, "--system") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "ilrs dict: %s needs a value\n\n", a);
                usage(stderr);
                return 2;
            }
            if (strcmp(a, "--out") == 0) {
                out_path = argv[++i];
            } else {
                system_name = argv[++i];
            }
        } else {
            fprintf(stderr, "ilrs dict: unknown option '%s'\n\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (system_name != NULL && !xtce) {
        fprintf(stderr, "ilrs dict: --system applies to --xtce only\n");
        return 2;
    }

    struct ilrs_dict *dict = NULL;
    int rc = cli_station_dictionary(&dict);
    if (rc != 0) {
        fprintf(stderr, "ilrs dict: cannot build the station dictionary: %s\n", ilrs_strerror(rc));
        return 1;
    }
    FILE *out = stdout;
    if (out_path != NULL) {
        out = fopen(out_path, "w");
        if (out == NULL) {
            fprintf(stderr, "ilrs dict: %s: %s\n", out_path, strerror(errno));
            ilrs_dict_destroy(dict);
            return 1;
        }
    }
    rc = xtce ? ilrs_dict_write_xtce(dict, system_name, out) : ilrs_dict_write_json(dict, out);
    if (out != stdout && fclose(out) != 0 && rc == 0) {
        rc = ILRS_EIO;
    }
    ilrs_dict_destroy(dict);
    if (rc != 0) {
        fprintf(stderr, "ilrs dict: writing %s failed: %s\n",
                out_path != NULL ? out_path : "standard output", ilrs_strerror(rc));
        if (out_path != NULL) {
            remove(out_path);
        }
        return 1;
    }
    return 0;
}
