// SPDX-License-Identifier: Apache-2.0
//
// `ilrs env --plot`: a time-series chart of the environment at a site, written
// as SVG (by hand, see cli_env_plot.c) or PNG (cairo).
#ifndef ILRS_CLI_ENV_PLOT_H
#define ILRS_CLI_ENV_PLOT_H

#include <stddef.h>

/** One curve: n values (NAN = gap), one per sample. */
typedef struct env_plot_series {
    const char *label;
    const float *y;
    const char *color; /* "#rrggbb" */
    int dashed;
} env_plot_series_t;

/** One panel: curves sharing a y axis. */
typedef struct env_plot_panel {
    const char *y_label;
    env_plot_series_t series[12];
    size_t series_count;
    double y_min, y_max; /* both NAN: automatic */
} env_plot_panel_t;

typedef struct env_plot {
    const char *title;
    const char *x_label;  /* e.g. "days since 2026-01-01T00:00:00Z" */
    const float *x;       /* n values, increasing (days) */
    size_t n;
    env_plot_panel_t panels[3];
    size_t panel_count;
} env_plot_t;

/** @brief "svg", "png" or NULL from a file name's extension. */
const char *env_plot_kind(const char *path);

/**
 * @brief Draw @p plot to @p path (SVG or PNG by extension).
 * @param[out] error message on failure.
 * @return 0 or -1.
 */
int env_plot_write(const env_plot_t *plot, const char *path, char *error, size_t error_cap);

#endif
