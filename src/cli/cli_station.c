// SPDX-License-Identifier: Apache-2.0
// The station's dictionary as the flight software builds it: create a flight
// instance with its apps, start it (apps register their packets, commands, events
// and HK counters in init), and hand back an independent copy of its dictionary
// (JSON round trip), so `ilrs dict` prints exactly what the station flies.
#include <stdio.h>
#include <stdlib.h>

#include <ilrs/dict.h>
#include <ilrs/fsw.h>

#include "cli/cli.h"

int cli_station_dictionary(struct ilrs_dict **out)
{
    *out = NULL;
    ilrs_fsw_t *fsw = NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = NULL;
    int rc = ilrs_fsw_create(NULL, &fsw);
    if (rc != 0) {
        goto out;
    }
    rc = ilrs_fsw_start(fsw);
    if (rc != 0) {
        goto out;
    }
    mem = open_memstream(&text, &len);
    if (mem == NULL) {
        rc = ILRS_ENOMEM;
        goto out;
    }
    rc = ilrs_dict_write_json(ilrs_fsw_dict(fsw), mem);
    if (fclose(mem) != 0 && rc == 0) {
        rc = ILRS_EIO;
    }
    if (rc != 0) {
        goto out;
    }
    char error[256] = "";
    rc = ilrs_dict_parse_json(text, len, out, error, sizeof error);
    if (rc != 0) {
        ilrs_log(ILRS_LOG_ERROR, "cli", "station dictionary does not reload: %s", error);
        goto out_logged;
    }
out:
    if (rc != 0) {
        ilrs_log(ILRS_LOG_ERROR, "cli", "cannot build the station dictionary: %s",
                 ilrs_strerror(rc));
    }
out_logged:
    free(text);
    ilrs_fsw_destroy(fsw);
    return rc;
}
