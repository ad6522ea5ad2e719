// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the scenario loader (ilrs_scenario_load_memory): arbitrary
// bytes as a scenario document. Every input must either load or fail with at
// least one error diagnostic and no scenario; every kept diagnostic must format;
// counts must add up. DEM files are not looked up (no file-system dependence).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/scenario.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ilrs_scenario_diags_t diags;
    ilrs_scenario_options_t opts;
    ilrs_scenario_options_default(&opts);
    opts.check_files = false;
    opts.base_dir = "/nonexistent";
    ilrs_scenario_diags_init(&diags);
    ilrs_scenario_t *sc = NULL;
    int rc = ilrs_scenario_load_memory((const char *)data, size, "fuzz.yaml", &opts, &sc, &diags);
    if (rc != 0) {
        if (sc != NULL || diags.error_count == 0) {
            abort(); /* failures leave no scenario and always say why */
        }
    } else {
        if (sc == NULL || diags.error_count != 0) {
            abort();
        }
        /* A loaded scenario is internally consistent. */
        if (sc->duration_s <= 0.0 || sc->node_count == 0 ||
            ilrs_scenario_find_node(sc, sc->hub.thermal_node) == NULL) {
            abort();
        }
        for (size_t i = 0; i < sc->payload_count; i++) {
            if (ilrs_scenario_find_partner(sc, sc->payloads[i].partner) == NULL) {
                abort();
            }
        }
    }
    if (diags.count + diags.dropped != diags.error_count + diags.warning_count ||
        diags.count > ILRS_SCENARIO_MAX_DIAGS) {
        abort();
    }
    char line[2048];
    for (size_t i = 0; i < diags.count; i++) {
        if (ilrs_scenario_diag_format(&diags, i, line, sizeof line) != 0) {
            abort();
        }
    }
    ilrs_scenario_destroy(sc);
    return 0;
}
