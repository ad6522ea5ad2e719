// SPDX-License-Identifier: Apache-2.0
// Fuzz the ISO-8601 UTC parser of the time service; any accepted text must format
// back and re-parse to the same instant.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/fsw.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[128];
    if (size >= sizeof text) {
        size = sizeof text - 1;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    ilrs_tai_t t = 0;
    if (ilrs_time_parse_iso(text, &t) != 0) {
        return 0;
    }
    char again[ILRS_TIME_ISO_MAX];
    if (ilrs_time_format_iso(t, 9, again, sizeof again) != 0) {
        abort();
    }
    ilrs_tai_t t2 = 0;
    if (ilrs_time_parse_iso(again, &t2) != 0) {
        abort();
    }
    /* exact from 1972; before, UTC's rubber seconds go through doubles (a few ns) */
    ilrs_tai_t tol = strncmp(text, "1972", 4) < 0 ? 10 : 0;
    if (t2 - t > tol || t - t2 > tol) {
        abort();
    }
    return 0;
}
