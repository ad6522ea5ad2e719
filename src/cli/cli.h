/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ilrs command's subcommands. Each is `int cli_<name>(int argc, char **argv)`
 * with argv[0] the subcommand name; it returns the process exit status
 * (0 success, 1 failure, 2 usage error) and prints its own --help.
 */
#ifndef ILRS_CLI_H
#define ILRS_CLI_H

#include <stdio.h>

typedef struct cli_command {
    const char *name;
    const char *summary;                /* one line for `ilrs --help` */
    int (*run)(int argc, char **argv);
} cli_command_t;

int cli_version(int argc, char **argv);
int cli_dict(int argc, char **argv);

struct ilrs_dict;

/**
 * Build the station's command and telemetry dictionary (cli_station.c): what
 * `ilrs dict` exports and what the flight software checks commands against.
 * On success *out is a new dictionary the caller destroys; returns 0 or a negative
 * ILRS_E code (message already logged).
 */
int cli_station_dictionary(struct ilrs_dict **out);
int cli_env(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_ground(int argc, char **argv);
int cli_serve(int argc, char **argv);

struct ilrs_ground_source;
/* Shared by `ilrs ground` and `ilrs serve` (cli_ground.c): parse ADDR:PORT (message on
 * stderr, -1 on error) and run the server until SIGINT/SIGTERM (exit status). */
int cli_ground_parse_listen(const char *text, char *addr, size_t cap, unsigned short *port);
int cli_ground_run(const char *addr, unsigned short port, const struct ilrs_dict *dict,
                   const char *users_path, const char *web_dir,
                   const struct ilrs_ground_source *source, const char *files_dir);
int cli_fsw(int argc, char **argv);
int cli_scenario(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_station_rt(int argc, char **argv);

/* Shared helpers (cli_util.c). */

/** Print a log message from the library on stderr (installed by main). */
void cli_log_to_stderr(void *user, int level, const char *module, const char *message);

/**
 * Parse a duration such as "90", "90s", "15m", "6h", "1d", "2.5d", "1y" (365 d)
 * into seconds. Returns 0 or -1 with a message on stderr naming the bad text.
 */
int cli_parse_duration(const char *text, double *seconds);

/** True when stdout is a terminal (progress bars only then). */
int cli_stdout_is_tty(void);

#endif
