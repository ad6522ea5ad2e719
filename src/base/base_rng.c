// SPDX-License-Identifier: Apache-2.0
// xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number
// generators", ACM TOMS 47(4), 2021), seeded through splitmix64 as its authors
// recommend. Hand-written rather than GSL's gsl_rng because flight code and the
// twin need a generator that lives in a caller-owned struct, never allocates,
// and gives the same sequence everywhere: determinism is a requirement.
#include <math.h>

#include <stdatomic.h>
#include <threads.h>

#include "base/base_int.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void ilrs_rng_seed(ilrs_rng_t *rng, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        rng->s[i] = splitmix64(&seed);
    }
}

uint64_t ilrs_rng_next(ilrs_rng_t *rng)
{
    uint64_t *s = rng->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double ilrs_rng_uniform(ilrs_rng_t *rng)
{
    /* The top 53 bits fill a double's mantissa exactly. */
    return (double)(ilrs_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* Normal deviates by the ziggurat method (Marsaglia & Tsang, "The Ziggurat
 * Method for Generating Random Variables", J. Stat. Softw. 5(8), 2000): the
 * half density f(x) = exp(-x^2/2) is covered by ZIG_N layers of equal area V,
 * a base layer (a rectangle plus the tail beyond R) and ZIG_N - 1 rectangles.
 * A draw picks a layer and a point in its rectangle; in about 98.8 % of draws
 * the point is under the layer above and is returned after one multiply and
 * one compare. Otherwise the wedge is tested against f, or for the base layer
 * a tail deviate is drawn (Marsaglia 1964: x = R + a, a = -ln(u1)/R, accepted
 * when -2 ln(u2) > a^2). R and V for 128 layers are Marsaglia & Tsang's. As
 * Doornik ("An Improved Ziggurat Method to Generate Normal Random Samples",
 * 2005) points out, the layer index must not share bits with the uniform: one
 * 64-bit output gives the layer (bits 0-6), the sign (bit 7) and a 53-bit
 * uniform (bits 11-63), all disjoint. The sensor noise of the twin draws tens of
 * these per simulated second, hundreds of millions in a station year; the
 * Box-Muller transform it replaced spent a log and a cosine on each. Written
 * here rather than taken from GSL (gsl_ran_gaussian_ziggurat): base depends on
 * libc alone (ARCHITECTURE.md), and GSL's version draws from a gsl_rng, not from
 * this generator, whose sequence the run's determinism rests on. */
#define ZIG_N 128
#define ZIG_R 3.442619855899
#define ZIG_V 9.91256303526217e-3

static double zig_x[ZIG_N + 1]; /* layer widths, x[0] the base's virtual width */
static double zig_f[ZIG_N + 1]; /* f(x[i]) */
static once_flag zig_once = ONCE_FLAG_INIT;
static atomic_bool zig_ready; /* set after zig_init: the fast path skips call_once */

static void zig_init(void)
{
    double f_r = exp(-0.5 * ZIG_R * ZIG_R);
    zig_x[0] = ZIG_V / f_r;
    zig_x[1] = ZIG_R;
    for (int i = 1; i < ZIG_N - 1; i++) {
        /* the layer above x[i] has area V: x[i] (f(x[i+1]) - f(x[i])) = V */
        zig_x[i + 1] = sqrt(-2.0 * log(ZIG_V / zig_x[i] + exp(-0.5 * zig_x[i] * zig_x[i])));
    }
    zig_x[ZIG_N] = 0.0;
    for (int i = 0; i <= ZIG_N; i++) {
        zig_f[i] = exp(-0.5 * zig_x[i] * zig_x[i]);
    }
    zig_f[0] = 0.0; /* the base layer starts at the axis */
    atomic_store_explicit(&zig_ready, true, memory_order_release);
}

double ilrs_rng_normal(ilrs_rng_t *rng)
{
    if (!atomic_load_explicit(&zig_ready, memory_order_acquire)) {
        call_once(&zig_once, zig_init);
    }
    for (;;) {
        uint64_t b = ilrs_rng_next(rng);
        unsigned i = (unsigned)(b & (ZIG_N - 1));
        double sign = (b & 0x80u) ? -1.0 : 1.0;
        double u = (double)(b >> 11) * 0x1.0p-53;
        double x = u * zig_x[i];
        if (x < zig_x[i + 1]) {
            return sign * x; /* inside the rectangle under the next layer */
        }
        if (i == 0) {
            double a, c;
            do {
                a = -log(1.0 - ilrs_rng_uniform(rng)) / ZIG_R;
                c = -log(1.0 - ilrs_rng_uniform(rng));
            } while (c + c < a * a);
            return sign * (ZIG_R + a);
        }
        /* the wedge between f(x[i]) and f(x[i+1]): accept under the curve */
        double y = zig_f[i] + ilrs_rng_uniform(rng) * (zig_f[i + 1] - zig_f[i]);
        if (y < exp(-0.5 * x * x)) {
            return sign * x;
        }
    }
}

uint64_t ilrs_rng_below(ilrs_rng_t *rng, uint64_t bound)
{
    if (bound == 0) {
        return 0;
    }
    /* Rejection of the short top range removes modulo bias. */
    uint64_t threshold = (0 - bound) % bound;
    for (;;) {
        uint64_t r = ilrs_rng_next(rng);
        if (r >= threshold) {
            return r % bound;
        }
    }
}
