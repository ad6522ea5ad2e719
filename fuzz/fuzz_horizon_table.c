// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the horizon table importer (ilrs_horizon_parse_csv). Any input
// must give either a mask whose every lookup is finite and inside [-90, 90],
// or an error code with a message; never a crash, leak or undefined behaviour.
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <ilrs/twin.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ilrs_horizon_t *h = NULL;
    char err[256];
    int rc = ilrs_horizon_parse_csv((const char *)data, size, "fuzz", &h, err, sizeof err);
    if (rc != 0) {
        if (h != NULL || err[0] == '\0') {
            abort(); /* contract: NULL mask and a message on failure */
        }
        return 0;
    }
    ilrs_horizon_info_t info;
    ilrs_horizon_get_info(h, &info);
    for (int k = -3; k <= 725; k++) {
        double e = ilrs_horizon_elevation(h, 0.5 * k + 0.123);
        if (!(e >= -90.0 && e <= 90.0)) {
            abort();
        }
    }
    double f = ilrs_illum_disk_fraction(h, 10.0, info.max_elevation_deg, 0.27);
    if (!(f >= 0.0 && f <= 1.0)) {
        abort();
    }
    if (!isnan(info.lat_deg)) {
        double target[3] = {1e8, -2e8, 3e8}, az, el, range;
        (void)ilrs_horizon_topocentric(h, target, &az, &el, &range);
    }
    ilrs_horizon_destroy(h);
    return 0;
}
