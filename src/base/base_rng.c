// SPDX-License-Identifier: Apache-2.0
// xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number
// generators", ACM TOMS 47(4), 2021), seeded through splitmix64 as its authors
// recommend. Hand-written rather than GSL's gsl_rng because flight code and the
// twin need a generator that lives in a caller-owned struct, never allocates,
// and gives the same sequence everywhere: determinism is a requirement.
#define _USE_MATH_DEFINES
#include <math.h>
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

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
    rng->spare_normal = 0.0;
    rng->has_spare_normal = false;
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

double ilrs_rng_normal(ilrs_rng_t *rng)
{
    /* Marsaglia's polar method (Marsaglia & Bray, SIAM Review 6(3), 1964): a point
     * uniform in the unit disc gives two independent deviates for one log and one
     * square root, no trigonometry; the second is kept for the next call. The twin's
     * sensor noise draws millions of these a simulated day. */
    if (rng->has_spare_normal) {
        rng->has_spare_normal = false;
        return rng->spare_normal;
    }
    double u, v, s;
    do {
        u = 2.0 * ilrs_rng_uniform(rng) - 1.0;
        v = 2.0 * ilrs_rng_uniform(rng) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double factor = sqrt(-2.0 * log(s) / s);
    rng->spare_normal = v * factor;
    rng->has_spare_normal = true;
    return u * factor;
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
