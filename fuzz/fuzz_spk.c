// SPDX-License-Identifier: Apache-2.0
//
// Fuzz target for the DAF kernel reader (SPK and binary PCK, twin_spk.c) and the
// text frame-kernel parser used for MOON_PA -> MOON_ME. Inputs starting with
// "DAF/" go to ilrs_spk_open_memory(); a parsed kernel is then evaluated at the
// start, middle and end of every segment and just outside it. Anything else is
// fed to the frame-kernel parser as NUL-terminated text.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/twin.h>

#include "twin/twin_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 4 && memcmp(data, "DAF/", 4) == 0) {
        ilrs_spk_t *kernel = NULL;
        char error[256];
        if (ilrs_spk_open_memory(data, size, "fuzz", &kernel, error, sizeof error) != 0) {
            if (kernel != NULL || error[0] == '\0') {
                abort(); /* failures must clear the output and explain */
            }
            return 0;
        }
        for (size_t i = 0; i < ilrs_spk_segment_count(kernel); i++) {
            ilrs_spk_segment_info_t info;
            if (ilrs_spk_segment(kernel, i, &info) != 0) {
                abort();
            }
            double span = info.end_tdb_s - info.start_tdb_s;
            double probes[5] = {info.start_tdb_s, info.start_tdb_s + 0.5 * span, info.end_tdb_s,
                                info.start_tdb_s - 1.0, info.end_tdb_s + 1.0};
            for (int p = 0; p < 5; p++) {
                double value[3], rate[3];
                (void)ilrs_spk_evaluate(kernel, info.target, info.center, probes[p], value, rate);
            }
        }
        ilrs_spk_destroy(kernel);
        return 0;
    }
    char *text = malloc(size + 1);
    if (text == NULL) {
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    double m[3][3];
    char error[256];
    (void)ilrs__fk_pa_to_me(text, "fuzz.tf", m, error, sizeof error);
    free(text);
    return 0;
}
