// SPDX-License-Identifier: Apache-2.0
// Illumination and visibility: the visible fraction of a finite disk (Sun,
// Earth) above a horizon mask, point visibility (orbiters), and statistics of
// a period fed sample by sample (sunlit time, mean illumination, longest
// darkness, Earth visibility, longest Earth blackout).
//
// Model (as in Mazarico et al. 2011, Icarus 211:1066, §2.3, where the
// illumination of a pixel is the visible fraction of the solar disk against
// the horizon profile): the disk is a circle of angular radius rho in the plane
// tangent to the sky at its centre, with x = (azimuth - az0) cos(el0) and
// y = elevation - el0 (degrees). The horizon is the mask's piecewise-linear
// profile mapped into that plane; between two bin azimuths it is a straight
// line y = a + b x. The visible area of each vertical chord of the disk
// (|y| <= c(x) = sqrt(rho^2 - x^2)) is clamp(c - (a + b x), 0, 2c); its integral
// over a segment has the closed form used below, split where the line crosses
// the circle. The sum is exact for this model and continuous in every input.
// No library integrates a disk against a horizon profile, hence our own code.
#include <string.h>

#include "twin/twin_horizon_int.h"

#define DEG (ILRS__PI / 180.0)

double ilrs_illum_angular_radius(double radius_m, double distance_m)
{
    if (!(radius_m > 0.0) || !(distance_m > 0.0) || !isfinite(radius_m) || !isfinite(distance_m)) {
        return NAN;
    }
    if (distance_m <= radius_m) {
        return 90.0;
    }
    return asin(radius_m / distance_m) / DEG;
}

/* Antiderivative of c(x) = sqrt(rho^2 - x^2): (x c + rho^2 asin(x/rho)) / 2. */
static double chord_integral(double x, double rho)
{
    double s = x / rho;
    s = s > 1.0 ? 1.0 : (s < -1.0 ? -1.0 : s);
    double c2 = rho * rho - x * x;
    double c = c2 > 0.0 ? sqrt(c2) : 0.0;
    return 0.5 * (x * c + rho * rho * asin(s));
}

/* Visible disk area over x in [x1, x2] above the line through (x1, y1), (x2, y2). */
static double segment_area(double x1, double x2, double y1, double y2, double rho)
{
    if (!(x2 > x1)) {
        return 0.0;
    }
    double b = (y2 - y1) / (x2 - x1);
    double a = y1 - b * x1;
    /* Where the line meets the circle: (1 + b^2) x^2 + 2 a b x + a^2 - rho^2 = 0. */
    double cuts[4] = {x1, 0.0, 0.0, 0.0};
    int n = 1;
    double qa = 1.0 + b * b, qb = a * b, qc = a * a - rho * rho;
    double disc = qb * qb - qa * qc;
    if (disc > 0.0) {
        double sq = sqrt(disc);
        double r1 = (-qb - sq) / qa, r2 = (-qb + sq) / qa;
        if (r1 > x1 && r1 < x2) {
            cuts[n++] = r1;
        }
        if (r2 > x1 && r2 < x2) {
            cuts[n++] = r2;
        }
    }
    cuts[n++] = x2;
    double area = 0.0;
    for (int i = 0; i + 1 < n; i++) {
        double s = cuts[i], t = cuts[i + 1];
        if (!(t > s)) {
            continue;
        }
        double m = 0.5 * (s + t);
        double line = a + b * m;
        double c2 = rho * rho - m * m;
        double c = c2 > 0.0 ? sqrt(c2) : 0.0;
        double full = chord_integral(t, rho) - chord_integral(s, rho);
        if (line >= c) {
            continue; /* chord entirely below the horizon */
        }
        if (line <= -c) {
            area += 2.0 * full; /* chord entirely above */
        } else {
            area += full - (a * (t - s) + 0.5 * b * (t * t - s * s));
        }
    }
    return area;
}

double ilrs_illum_disk_fraction(const ilrs_horizon_t *horizon, double azimuth_deg,
                                double elevation_deg, double radius_deg)
{
    if (!isfinite(azimuth_deg) || !isfinite(elevation_deg) || !(radius_deg > 0.0) ||
        !isfinite(radius_deg)) {
        return NAN;
    }
    const double rho = radius_deg;
    /* Azimuth half-span of the disk; a disk reaching the zenith would span all
     * azimuths: the span is clamped to 180° (the tangent-plane model's limit). */
    double cosel = cos(elevation_deg * DEG);
    double span = cosel > rho / 180.0 ? rho / cosel : 180.0;
    double scale = span / rho; /* azimuth degrees per tangent-plane degree */

    /* Bounds of the horizon over the span (bins bracketing it): a disk wholly
     * above or below is decided without integration. */
    double lo = 0.0, hi = 0.0;
    long i0 = 0, i1 = -1;
    if (horizon != NULL) {
        i0 = (long)floor((azimuth_deg - span) * horizon->inv_step);
        i1 = (long)ceil((azimuth_deg + span) * horizon->inv_step);
        if (i1 - i0 >= (long)horizon->bins) {
            lo = horizon->min_el;
            hi = horizon->max_el;
        } else {
            lo = INFINITY;
            hi = -INFINITY;
            long nb = (long)horizon->bins;
            for (long k = i0; k <= i1; k++) {
                long j = ((k % nb) + nb) % nb;
                double e = horizon->elevation[j];
                lo = e < lo ? e : lo;
                hi = e > hi ? e : hi;
            }
        }
    }
    if (elevation_deg - rho >= hi) {
        return 1.0;
    }
    if (elevation_deg + rho <= lo) {
        return 0.0;
    }

    /* Integrate segment by segment between the bin azimuths inside the span. */
    double x_prev = -rho;
    double y_prev = (horizon ? ilrs__horizon_at(horizon, azimuth_deg - span) : 0.0) - elevation_deg;
    double area = 0.0;
    if (horizon != NULL) {
        long nb = (long)horizon->bins;
        long k0 = (long)ceil((azimuth_deg - span) * horizon->inv_step);
        long k1 = (long)floor((azimuth_deg + span) * horizon->inv_step);
        for (long k = k0; k <= k1; k++) {
            double x = ((double)k * horizon->step_deg - azimuth_deg) / scale;
            if (!(x > x_prev && x < rho)) {
                continue;
            }
            long j = ((k % nb) + nb) % nb;
            double y = horizon->elevation[j] - elevation_deg;
            area += segment_area(x_prev, x, y_prev, y, rho);
            x_prev = x;
            y_prev = y;
        }
    }
    double y_end = (horizon ? ilrs__horizon_at(horizon, azimuth_deg + span) : 0.0) - elevation_deg;
    area += segment_area(x_prev, rho, y_prev, y_end, rho);
    double f = area / (ILRS__PI * rho * rho);
    return f < 0.0 ? 0.0 : (f > 1.0 ? 1.0 : f);
}

bool ilrs_illum_point_visible(const ilrs_horizon_t *horizon, double azimuth_deg,
                              double elevation_deg, double min_elevation_deg)
{
    if (!isfinite(azimuth_deg) || !isfinite(elevation_deg)) {
        return false;
    }
    double mask = horizon ? ilrs__horizon_at(horizon, azimuth_deg) : 0.0;
    return elevation_deg > mask && elevation_deg >= min_elevation_deg;
}

/* ------------------------------------------------------------------------- */
/* Statistics                                                                 */
/* ------------------------------------------------------------------------- */

int ilrs_illum_stats_init(ilrs_illum_stats_t *stats, ilrs_tai_t start, int64_t step_ns)
{
    if (stats == NULL || step_ns <= 0) {
        return ILRS_EINVAL;
    }
    memset(stats, 0, sizeof *stats);
    stats->start = start;
    stats->step_ns = step_ns;
    return 0;
}

int ilrs_illum_stats_add(ilrs_illum_stats_t *stats, double sun_fraction, double earth_fraction)
{
    if (!(sun_fraction >= 0.0 && sun_fraction <= 1.0) ||
        !(earth_fraction >= 0.0 && earth_fraction <= 1.0)) {
        return ILRS_ERANGE;
    }
    uint64_t k = stats->samples++;
    stats->fraction_sum += sun_fraction;
    if (sun_fraction > 0.0) {
        stats->sunlit++;
        stats->dark_run = 0;
    } else {
        if (stats->dark_run++ == 0) {
            stats->dark_run_start = k;
        }
        if (stats->dark_run > stats->dark_longest) {
            stats->dark_longest = stats->dark_run;
            stats->dark_longest_start = stats->dark_run_start;
        }
    }
    if (earth_fraction > 0.0) {
        stats->earth_visible++;
        stats->blackout_run = 0;
    } else {
        if (stats->blackout_run++ == 0) {
            stats->blackout_run_start = k;
        }
        if (stats->blackout_run > stats->blackout_longest) {
            stats->blackout_longest = stats->blackout_run;
            stats->blackout_longest_start = stats->blackout_run_start;
        }
    }
    return 0;
}

void ilrs_illum_stats_summary(const ilrs_illum_stats_t *stats, ilrs_illum_summary_t *summary)
{
    memset(summary, 0, sizeof *summary);
    double step_s = (double)stats->step_ns / (double)ILRS_NS_PER_S;
    double n = (double)stats->samples;
    summary->samples = stats->samples;
    summary->duration_s = n * step_s;
    if (stats->samples > 0) {
        summary->sunlit_percent = 100.0 * (double)stats->sunlit / n;
        summary->mean_illumination = stats->fraction_sum / n;
        summary->earth_visible_percent = 100.0 * (double)stats->earth_visible / n;
    }
    summary->longest_dark_s = (double)stats->dark_longest * step_s;
    summary->longest_dark_start =
        stats->start + (ilrs_tai_t)stats->dark_longest_start * stats->step_ns;
    summary->longest_blackout_s = (double)stats->blackout_longest * step_s;
    summary->longest_blackout_start =
        stats->start + (ilrs_tai_t)stats->blackout_longest_start * stats->step_ns;
}
