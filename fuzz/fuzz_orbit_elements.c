/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for ilrs_orbit_elements_parse (the `--orbiter PRESET|ELEMENTS`
 * text): any input must either be rejected with a message or give elements
 * that pass ilrs_orbit_elements_check and convert to a finite state.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/twin.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) {
        return 0;
    }
    char *text = malloc(size + 1);
    if (text == NULL) {
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    char error[160];
    ilrs_orbit_elements_t el;
    int rc = ilrs_orbit_elements_parse(text, &el, error, sizeof(error));
    if (rc == 0) {
        if (ilrs_orbit_elements_check(&el, NULL, 0) != 0) {
            abort();
        }
        double r[3], v[3];
        if (ilrs_orbit_elements_to_state(&el, r, v) != 0) {
            abort();
        }
        for (int k = 0; k < 3; k++) {
            if (!isfinite(r[k]) || !isfinite(v[k])) {
                abort();
            }
        }
    } else if (error[0] == '\0' || memchr(error, '\0', sizeof(error)) == NULL) {
        abort(); /* every rejection names its reason */
    }
    free(text);
    return 0;
}
