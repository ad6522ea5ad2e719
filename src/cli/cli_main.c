// SPDX-License-Identifier: Apache-2.0
// The ilrs command: a thin dispatcher over the library's public API.
#include <stdio.h>
#include <string.h>

#include <ilrs/base.h>

#include "cli/cli.h"

static const cli_command_t commands[] = {
    {"version", "print the ilrs version and the versions of its libraries", cli_version},
    {"dict", "export the command and telemetry dictionary as JSON or XTCE 1.2", cli_dict},
    {"env", "lunar environment at a site: Sun/Earth az/el, visibility, flux", cli_env},
    {"user", "manage mission-control accounts: add, list, remove", cli_user},
    {"ground", "run the live mission-control server (HTTP/WebSocket API, Open MCT UI)", cli_ground},
    {"serve", "browse a finished run directory in the mission-control web UI", cli_serve},
    {"fsw", "run the flight framework and its core apps, print a summary", cli_fsw},
    {"scenario", "check a station scenario file and summarise it", cli_scenario},
    {"run", "play a station scenario on virtual time: archive, events, report", cli_run},
    {"station", "run the station in real time with its space link to `ilrs ground` (UDP)",
     cli_station_rt},
};

static const size_t command_count = sizeof commands / sizeof commands[0];

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ilrs <command> [options]\n"
            "\n"
            "ilrs: software for the International Lunar Research Station: flight\n"
            "software, a digital twin of the Moon and the station, and the ground segment.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < command_count; i++) {
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    }
    fprintf(out, "\n'ilrs <command> --help' describes each command's options.\n");
}

int main(int argc, char **argv)
{
    ilrs_log_set(cli_log_to_stderr, NULL);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        return cli_version(1, argv + 1);
    }
    for (size_t i = 0; i < command_count; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "ilrs: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
