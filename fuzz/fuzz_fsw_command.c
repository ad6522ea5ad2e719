// SPDX-License-Identifier: Apache-2.0
// Fuzz the flight instance's command ingest: any octets offered as a command must
// be accepted or rejected (and counted) without a crash, and an accepted command
// must be dispatched to its app safely. A fresh instance per input keeps every
// finding reproducible from its input alone.
#include <stdint.h>
#include <stdlib.h>

#include <ilrs/fsw.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* small pools: creation per input stays cheap */
    ilrs_fsw_config_t cfg = {
        .bus = {.buffer_class_count = 2, .buffer_classes = {{256, 64}, {4096, 8}}},
        .evs = {.log_size = 64},
        .cmd_max_len = 1024,
    };
    ilrs_fsw_t *fsw = NULL;
    if (ilrs_fsw_create(&cfg, &fsw) != 0 || ilrs_fsw_start(fsw) != 0) {
        abort();
    }
    ilrs_fsw_cmd_stats_t before, after;
    ilrs_fsw_get_cmd_stats(fsw, &before);
    int rc = ilrs_fsw_command(fsw, data, size);
    ilrs_fsw_get_cmd_stats(fsw, &after);
    uint32_t b = before.accepted + before.malformed + before.unknown + before.bad_length +
                 before.bad_argument + before.oversize + before.no_route + before.dropped;
    uint32_t a = after.accepted + after.malformed + after.unknown + after.bad_length +
                 after.bad_argument + after.oversize + after.no_route + after.dropped;
    if (a != b + 1 || (rc == 0) != (after.accepted == before.accepted + 1)) {
        abort(); /* every command is counted exactly once, in the right place */
    }
    if (ilrs_fsw_run(fsw, ILRS_NS_PER_S) != 0) {
        abort();
    }
    ilrs_fsw_destroy(fsw);
    return 0;
}
