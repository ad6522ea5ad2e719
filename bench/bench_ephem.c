// SPDX-License-Identifier: Apache-2.0
//
// Ephemeris benchmarks: accuracy of the analytic source against the JPL kernels
// over 2020-2030 (apparent Sun and Earth directions from a south-polar site,
// Connecting Ridge 89.45 S 222.7 E, every 6 h) and evaluation speed of each
// source (ilrs_ephem_sky: Sun + Earth apparent az/el at one instant).
#include <math.h>
#include <stdio.h>
#include <time.h>

#include <ilrs/twin.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double separation_deg(const double a[3], const double b[3])
{
    double c[3] = {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    return atan2(sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]),
                 a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) *
           57.29577951308232;
}

static int rate(ilrs_ephem_t *e, const ilrs_site_t *site, ilrs_tai_t t0, const char *name)
{
    const int n = 200000;
    const ilrs_tai_t step = INT64_C(60) * ILRS_NS_PER_S;
    double sink = 0;
    double start = now_s();
    for (int i = 0; i < n; i++) {
        ilrs_sky_t sky;
        if (ilrs_ephem_sky(e, site, t0 + (int64_t)i * step, &sky) != 0) {
            fprintf(stderr, "bench_ephem: evaluation failed\n");
            return 1;
        }
        sink += sky.sun.el_deg;
    }
    double elapsed = now_s() - start;
    fprintf(stderr, "(%s checksum %.3f)\n", name, sink);
    printf("bench: ephem_evals_per_s_%s %.0f evals/s\n", name, n / elapsed);
    return 0;
}

int main(void)
{
    char err[512];
    ilrs_ephem_t *spk = NULL, *ana = NULL;
    if (ilrs_ephem_create(ILRS_EPHEM_SPK, NULL, &spk, err, sizeof err) != 0 ||
        ilrs_ephem_create(ILRS_EPHEM_ANALYTIC, NULL, &ana, err, sizeof err) != 0) {
        fprintf(stderr, "bench_ephem: %s\n", err);
        return 1;
    }
    ilrs_site_t site;
    ilrs_tai_t t0, t1;
    if (ilrs_site_init(&site, -89.45, 222.7, 0.0) != 0 ||
        ilrs_ephem_parse_utc("2020-01-01T00:00:00Z", &t0) != 0 ||
        ilrs_ephem_parse_utc("2030-01-01T00:00:00Z", &t1) != 0) {
        return 1;
    }
    double worst_sun = 0, worst_earth = 0, worst_sun_el = 0;
    const ilrs_tai_t step = INT64_C(6) * 3600 * ILRS_NS_PER_S;
    long samples = 0;
    for (ilrs_tai_t t = t0; t <= t1; t += step) {
        ilrs_sky_t a, b;
        if (ilrs_ephem_sky(spk, &site, t, &a) != 0 || ilrs_ephem_sky(ana, &site, t, &b) != 0) {
            fprintf(stderr, "bench_ephem: evaluation failed\n");
            return 1;
        }
        worst_sun = fmax(worst_sun, separation_deg(a.sun.enu, b.sun.enu));
        worst_earth = fmax(worst_earth, separation_deg(a.earth.enu, b.earth.enu));
        worst_sun_el = fmax(worst_sun_el, fabs(a.sun.el_deg - b.sun.el_deg));
        samples++;
    }
    fprintf(stderr, "(%ld samples, 2020-2030 every 6 h)\n", samples);
    printf("bench: ephem_analytic_vs_spk_sun_deg %.5f deg\n", worst_sun);
    printf("bench: ephem_analytic_vs_spk_earth_deg %.5f deg\n", worst_earth);
    printf("bench: ephem_analytic_vs_spk_sun_el_deg %.5f deg\n", worst_sun_el);
    int rc = rate(spk, &site, t0, "spk") || rate(ana, &site, t0, "analytic");
    ilrs_ephem_destroy(spk);
    ilrs_ephem_destroy(ana);
    return rc;
}
