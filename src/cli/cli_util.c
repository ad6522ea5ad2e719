// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the subcommands: log output, duration parsing.
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ilrs/base.h>

#include "cli/cli.h"

void cli_log_to_stderr(void *user, int level, const char *module, const char *message)
{
    (void)user;
    static const char *const names[] = {"debug", "info", "warning", "error"};
    const char *name = (level >= 0 && level <= 3) ? names[level] : "log";
    if (level == ILRS_LOG_DEBUG && getenv("ILRS_DEBUG") == NULL) {
        return;
    }
    fprintf(stderr, "ilrs: %s: %s: %s\n", module, name, message);
}

int cli_parse_duration(const char *text, double *seconds)
{
    *seconds = 0;
    if (text == NULL || *text == '\0') {
        fprintf(stderr, "ilrs: empty duration\n");
        return -1;
    }
    errno = 0;
    char *end = NULL;
    double value = strtod(text, &end);
    if (errno != 0 || end == text || !isfinite(value) || value < 0) {
        fprintf(stderr, "ilrs: invalid duration '%s' (expected e.g. 3600, 90m, 6h, 1d, 1y)\n",
                text);
        return -1;
    }
    double unit = 1.0;
    if (strcmp(end, "") == 0 || strcmp(end, "s") == 0) {
        unit = 1.0;
    } else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0) {
        unit = 60.0;
    } else if (strcmp(end, "h") == 0) {
        unit = 3600.0;
    } else if (strcmp(end, "d") == 0) {
        unit = 86400.0;
    } else if (strcmp(end, "y") == 0) {
        unit = 365.0 * 86400.0;
    } else {
        fprintf(stderr, "ilrs: invalid duration unit '%s' in '%s' (use s, m, h, d or y)\n", end,
                text);
        return -1;
    }
    *seconds = value * unit;
    return 0;
}

int cli_stdout_is_tty(void)
{
    return isatty(STDOUT_FILENO);
}
