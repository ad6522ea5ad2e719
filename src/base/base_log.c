// SPDX-License-Identifier: Apache-2.0
// The log hook (in the manner of sqlite3_log): the library formats a message and
// hands it to whatever the host installed; with no host callback it stays silent.
#include <stdio.h>

#include "base/base_int.h"

static ilrs_log_fn log_fn;
static void *log_user;

void ilrs_log_set(ilrs_log_fn fn, void *user)
{
    log_fn = fn;
    log_user = user;
}

void ilrs_log(int level, const char *module, const char *fmt, ...)
{
    if (log_fn == NULL) {
        return;
    }
    char message[ILRS__LOG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    log_fn(log_user, level, module ? module : "ilrs", message);
}
