/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private helpers of the station hardware models (src/twin/twin_hw_*.c,
 * src/twin/twin_hal.c). Not part of the public API; twin_int.h belongs to the
 * environment sessions and is not used here.
 */
#ifndef ILRS_TWIN_HW_INT_H
#define ILRS_TWIN_HW_INT_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <ilrs/twin.h>

#define HW_DEG2RAD 0.017453292519943295
#define HW_PI      3.14159265358979323846

/* Piecewise-linear interpolation in a table with ascending x, clamped at the ends. */
static inline double hw_interp(const double *x, const double *y, size_t n, double at)
{
    if (n == 0) {
        return 0.0;
    }
    if (at <= x[0]) {
        return y[0];
    }
    if (at >= x[n - 1]) {
        return y[n - 1];
    }
    size_t i = 1;
    while (x[i] < at) {
        i++;
    }
    double f = (at - x[i - 1]) / (x[i] - x[i - 1]);
    return y[i - 1] + f * (y[i] - y[i - 1]);
}

static inline bool hw_ascending(const double *x, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (!(x[i] > x[i - 1])) {
            return false;
        }
    }
    return true;
}

static inline double hw_clamp(double v, double lo, double hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

static inline bool hw_finite_nonneg(double v)
{
    return isfinite(v) && v >= 0.0;
}

/* Copy a name, always NUL-terminated. */
static inline void hw_name(char *dst, const char *src)
{
    size_t n = strnlen(src, ILRS_HW_NAME_MAX - 1);
    memmove(dst, src, n);
    dst[n] = '\0';
}

#endif
