// SPDX-License-Identifier: Apache-2.0
// Scenario loader benchmark: time to load and fully check the default scenario
// (scenarios/south-pole.yaml, from memory so that disk time is not measured;
// DEM existence checks off), and the throughput on a document at the node
// limit that fails (the worst case the bounds allow). Prints
// `bench: <name> <value> <unit>` lines.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ilrs/scenario.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    char *buf = malloc(ILRS_SCENARIO_MAX_BYTES);
    if (buf != NULL) {
        *len = fread(buf, 1, ILRS_SCENARIO_MAX_BYTES, f);
    }
    fclose(f);
    return buf;
}

static double time_loads(const char *text, size_t len, int expect_ok, int *runs)
{
    static ilrs_scenario_diags_t diags;
    ilrs_scenario_options_t opts;
    ilrs_scenario_options_default(&opts);
    opts.check_files = false;
    double start = now_s(), elapsed = 0.0;
    int n = 0;
    while (elapsed < 1.0) {
        ilrs_scenario_t *sc = NULL;
        ilrs_scenario_diags_init(&diags);
        int rc = ilrs_scenario_load_memory(text, len, "bench.yaml", &opts, &sc, &diags);
        if ((rc == 0) != expect_ok) {
            fprintf(stderr, "bench_scenario: unexpected result %d\n", rc);
            exit(1);
        }
        ilrs_scenario_destroy(sc);
        n++;
        elapsed = now_s() - start;
    }
    *runs = n;
    return elapsed / n;
}

int main(void)
{
    size_t len = 0;
    char *text = read_all(ILRS_SOURCE_DIR "/scenarios/south-pole.yaml", &len);
    if (text == NULL) {
        fprintf(stderr, "bench_scenario: cannot read the default scenario\n");
        return 1;
    }
    int runs = 0;
    double per = time_loads(text, len, 1, &runs);
    printf("bench: scenario_load_default %.1f us\n", per * 1e6);
    printf("bench: scenario_load_default_rate %.0f loads/s\n", 1.0 / per);
    fprintf(stderr, "(%d loads of %zu bytes)\n", runs, len);

    /* Worst case within the bounds: a flow sequence of 19,990 scalars. */
    size_t n = 19990;
    char *big = malloc(n * 2 + 32);
    if (big == NULL) {
        return 1;
    }
    strcpy(big, "faults: [");
    size_t used = strlen(big);
    for (size_t i = 0; i < n; i++) {
        big[used++] = '1';
        big[used++] = ',';
    }
    big[used - 1] = ']';
    per = time_loads(big, used, 0, &runs);
    printf("bench: scenario_reject_20k_nodes %.2f ms\n", per * 1e3);
    free(big);
    free(text);
    return 0;
}
