/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shortest-digit formatting of doubles for the telemetry API (JSON numbers).
 *
 * Why by hand: a day of a 1 Hz parameter is 86 400 numbers per answer and
 * printf("%.17g") costs a few hundred ns each (glibc converts through its
 * multi-precision code), which alone broke the 50 ms history target. The Debian
 * libraries that give shortest round-trip digits (double-conversion, fmt) are
 * C++; libilrs is a C17 library without a C++ toolchain, so this file implements
 * Grisu2 from F. Loitsch, "Printing Floating-Point Numbers Quickly and
 * Accurately with Integers", PLDI 2010 (section 5, Grisu2 with the boundaries
 * narrowed by one unit each so the result always lies strictly inside the
 * rounding interval). Grisu2 always round-trips (strtod of the text gives back
 * the same binary64 value; tests/ground_server/test_dtoa.c checks millions of
 * values) and gives the shortest digits for about 99.9 % of doubles; for the
 * rest it gives one digit more, never more than %.17g.
 *
 * The table of cached powers of ten (paper, section 4) was computed with exact
 * rational arithmetic: 10^k for k = -348, -340, ..., 340, its 64-bit significand
 * rounded to nearest and its binary exponent.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ground/ground_server_int.h"

typedef struct diyfp {
    uint64_t f;
    int e;
} diyfp_t;

typedef struct cached_power {
    uint64_t f;
    int16_t e;   /* binary exponent */
    int16_t k;   /* decimal exponent */
} cached_power_t;

static const cached_power_t cached_powers[] = {
    {UINT64_C(0xfa8fd5a0081c0288), -1220, -348},
    {UINT64_C(0xbaaee17fa23ebf76), -1193, -340},
    {UINT64_C(0x8b16fb203055ac76), -1166, -332},
    {UINT64_C(0xcf42894a5dce35ea), -1140, -324},
    {UINT64_C(0x9a6bb0aa55653b2d), -1113, -316},
    {UINT64_C(0xe61acf033d1a45df), -1087, -308},
    {UINT64_C(0xab70fe17c79ac6ca), -1060, -300},
    {UINT64_C(0xff77b1fcbebcdc4f), -1034, -292},
    {UINT64_C(0xbe5691ef416bd60c), -1007, -284},
    {UINT64_C(0x8dd01fad907ffc3c), -980, -276},
    {UINT64_C(0xd3515c2831559a83), -954, -268},
    {UINT64_C(0x9d71ac8fada6c9b5), -927, -260},
    {UINT64_C(0xea9c227723ee8bcb), -901, -252},
    {UINT64_C(0xaecc49914078536d), -874, -244},
    {UINT64_C(0x823c12795db6ce57), -847, -236},
    {UINT64_C(0xc21094364dfb5637), -821, -228},
    {UINT64_C(0x9096ea6f3848984f), -794, -220},
    {UINT64_C(0xd77485cb25823ac7), -768, -212},
    {UINT64_C(0xa086cfcd97bf97f4), -741, -204},
    {UINT64_C(0xef340a98172aace5), -715, -196},
    {UINT64_C(0xb23867fb2a35b28e), -688, -188},
    {UINT64_C(0x84c8d4dfd2c63f3b), -661, -180},
    {UINT64_C(0xc5dd44271ad3cdba), -635, -172},
    {UINT64_C(0x936b9fcebb25c996), -608, -164},
    {UINT64_C(0xdbac6c247d62a584), -582, -156},
    {UINT64_C(0xa3ab66580d5fdaf6), -555, -148},
    {UINT64_C(0xf3e2f893dec3f126), -529, -140},
    {UINT64_C(0xb5b5ada8aaff80b8), -502, -132},
    {UINT64_C(0x87625f056c7c4a8b), -475, -124},
    {UINT64_C(0xc9bcff6034c13053), -449, -116},
    {UINT64_C(0x964e858c91ba2655), -422, -108},
    {UINT64_C(0xdff9772470297ebd), -396, -100},
    {UINT64_C(0xa6dfbd9fb8e5b88f), -369, -92},
    {UINT64_C(0xf8a95fcf88747d94), -343, -84},
    {UINT64_C(0xb94470938fa89bcf), -316, -76},
    {UINT64_C(0x8a08f0f8bf0f156b), -289, -68},
    {UINT64_C(0xcdb02555653131b6), -263, -60},
    {UINT64_C(0x993fe2c6d07b7fac), -236, -52},
    {UINT64_C(0xe45c10c42a2b3b06), -210, -44},
    {UINT64_C(0xaa242499697392d3), -183, -36},
    {UINT64_C(0xfd87b5f28300ca0e), -157, -28},
    {UINT64_C(0xbce5086492111aeb), -130, -20},
    {UINT64_C(0x8cbccc096f5088cc), -103, -12},
    {UINT64_C(0xd1b71758e219652c), -77, -4},
    {UINT64_C(0x9c40000000000000), -50, 4},
    {UINT64_C(0xe8d4a51000000000), -24, 12},
    {UINT64_C(0xad78ebc5ac620000), 3, 20},
    {UINT64_C(0x813f3978f8940984), 30, 28},
    {UINT64_C(0xc097ce7bc90715b3), 56, 36},
    {UINT64_C(0x8f7e32ce7bea5c70), 83, 44},
    {UINT64_C(0xd5d238a4abe98068), 109, 52},
    {UINT64_C(0x9f4f2726179a2245), 136, 60},
    {UINT64_C(0xed63a231d4c4fb27), 162, 68},
    {UINT64_C(0xb0de65388cc8ada8), 189, 76},
    {UINT64_C(0x83c7088e1aab65db), 216, 84},
    {UINT64_C(0xc45d1df942711d9a), 242, 92},
    {UINT64_C(0x924d692ca61be758), 269, 100},
    {UINT64_C(0xda01ee641a708dea), 295, 108},
    {UINT64_C(0xa26da3999aef774a), 322, 116},
    {UINT64_C(0xf209787bb47d6b85), 348, 124},
    {UINT64_C(0xb454e4a179dd1877), 375, 132},
    {UINT64_C(0x865b86925b9bc5c2), 402, 140},
    {UINT64_C(0xc83553c5c8965d3d), 428, 148},
    {UINT64_C(0x952ab45cfa97a0b3), 455, 156},
    {UINT64_C(0xde469fbd99a05fe3), 481, 164},
    {UINT64_C(0xa59bc234db398c25), 508, 172},
    {UINT64_C(0xf6c69a72a3989f5c), 534, 180},
    {UINT64_C(0xb7dcbf5354e9bece), 561, 188},
    {UINT64_C(0x88fcf317f22241e2), 588, 196},
    {UINT64_C(0xcc20ce9bd35c78a5), 614, 204},
    {UINT64_C(0x98165af37b2153df), 641, 212},
    {UINT64_C(0xe2a0b5dc971f303a), 667, 220},
    {UINT64_C(0xa8d9d1535ce3b396), 694, 228},
    {UINT64_C(0xfb9b7cd9a4a7443c), 720, 236},
    {UINT64_C(0xbb764c4ca7a44410), 747, 244},
    {UINT64_C(0x8bab8eefb6409c1a), 774, 252},
    {UINT64_C(0xd01fef10a657842c), 800, 260},
    {UINT64_C(0x9b10a4e5e9913129), 827, 268},
    {UINT64_C(0xe7109bfba19c0c9d), 853, 276},
    {UINT64_C(0xac2820d9623bf429), 880, 284},
    {UINT64_C(0x80444b5e7aa7cf85), 907, 292},
    {UINT64_C(0xbf21e44003acdd2d), 933, 300},
    {UINT64_C(0x8e679c2f5e44ff8f), 960, 308},
    {UINT64_C(0xd433179d9c8cb841), 986, 316},
    {UINT64_C(0x9e19db92b4e31ba9), 1013, 324},
    {UINT64_C(0xeb96bf6ebadf77d9), 1039, 332},
    {UINT64_C(0xaf87023b9bf0ee6b), 1066, 340},
};

#define CACHED_POWERS (sizeof cached_powers / sizeof cached_powers[0])
#define ALPHA (-60) /* paper, section 5: the scaled exponent lies in [alpha, gamma] */
#define GAMMA (-32)

static const uint64_t pow10_u64[20] = {
    UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000), UINT64_C(10000),
    UINT64_C(100000), UINT64_C(1000000), UINT64_C(10000000), UINT64_C(100000000),
    UINT64_C(1000000000), UINT64_C(10000000000), UINT64_C(100000000000),
    UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000),
    UINT64_C(1000000000000000), UINT64_C(10000000000000000),
    UINT64_C(100000000000000000), UINT64_C(1000000000000000000),
    UINT64_C(10000000000000000000),
};

/* The upper 64 bits of the 128-bit product, rounded (paper, section 2.1). */
static diyfp_t diy_mul(diyfp_t x, diyfp_t y)
{
    const uint64_t m32 = UINT64_C(0xFFFFFFFF);
    uint64_t a = x.f >> 32, b = x.f & m32, c = y.f >> 32, d = y.f & m32;
    uint64_t ac = a * c, bc = b * c, ad = a * d, bd = b * d;
    uint64_t mid = (bd >> 32) + (ad & m32) + (bc & m32) + (UINT64_C(1) << 31);
    diyfp_t r = {ac + (ad >> 32) + (bc >> 32) + (mid >> 32), x.e + y.e + 64};
    return r;
}

static diyfp_t diy_normalize(diyfp_t x)
{
    int s = __builtin_clzll(x.f);
    x.f <<= s;
    x.e -= s;
    return x;
}

/* Cached power c with ALPHA <= e_c + e + 64 <= GAMMA for a normalized w of
 * exponent e. The first guess uses log10(2); the loops make it exact. */
static cached_power_t cached_power_for(int e)
{
    int k = (int)((ALPHA - e - 1) * 0.30102999566398114) + 348;
    int i = k >= 0 ? k / 8 : 0;
    if (i >= (int)CACHED_POWERS) {
        i = (int)CACHED_POWERS - 1;
    }
    while (i + 1 < (int)CACHED_POWERS && cached_powers[i].e + e + 64 < ALPHA) {
        i++;
    }
    while (i > 0 && cached_powers[i].e + e + 64 > GAMMA) {
        i--;
    }
    return cached_powers[i];
}

/* Move the last digit down while that brings it closer to w (paper, section 5,
 * "round_weed" simplified for Grisu2). */
static void grisu_round(char *buf, int len, uint64_t delta, uint64_t rest, uint64_t ten_kappa,
                        uint64_t wp_w)
{
    while (rest < wp_w && delta - rest >= ten_kappa &&
           (rest + ten_kappa < wp_w || wp_w - rest > rest + ten_kappa - wp_w)) {
        buf[len - 1]--;
        rest += ten_kappa;
    }
}

static int decimal_digits(uint32_t n)
{
    int d = 1;
    while (d < 10 && n >= pow10_u64[d]) {
        d++;
    }
    return d;
}

/* Digit generation (paper, section 5): digits of Mp, stopping as soon as the
 * rest is within delta; *k receives the decimal exponent of the last digit. */
static int digit_gen(diyfp_t w, diyfp_t mp, uint64_t delta, char *buf, int *k)
{
    const int shift = -mp.e;
    const uint64_t one = UINT64_C(1) << shift;
    const uint64_t wp_w = mp.f - w.f;
    uint32_t p1 = (uint32_t)(mp.f >> shift);
    uint64_t p2 = mp.f & (one - 1);
    int len = 0;
    int kappa = decimal_digits(p1);
    while (kappa > 0) {
        uint32_t div = (uint32_t)pow10_u64[kappa - 1];
        uint32_t d = p1 / div;
        p1 %= div;
        if (d != 0 || len != 0) {
            buf[len++] = (char)('0' + d);
        }
        kappa--;
        uint64_t rest = ((uint64_t)p1 << shift) + p2;
        if (rest <= delta) {
            *k += kappa;
            grisu_round(buf, len, delta, rest, pow10_u64[kappa] << shift, wp_w);
            return len;
        }
    }
    for (;;) {
        p2 *= 10;
        delta *= 10;
        char d = (char)(p2 >> shift);
        if (d != 0 || len != 0) {
            buf[len++] = (char)('0' + d);
        }
        p2 &= one - 1;
        kappa--;
        if (p2 < delta) {
            *k += kappa;
            int idx = -kappa < 20 ? -kappa : 19;
            grisu_round(buf, len, delta, p2, one, wp_w * pow10_u64[idx]);
            return len;
        }
    }
}

/* Shortest-ish digits of a finite positive v: value = digits * 10^k. */
static int grisu2(double v, char *digits, int *k)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    const uint64_t hidden = UINT64_C(1) << 52;
    uint64_t frac = bits & (hidden - 1);
    int biased = (int)((bits >> 52) & 0x7FF);
    diyfp_t w = biased != 0 ? (diyfp_t){frac + hidden, biased - 1075} : (diyfp_t){frac, -1074};
    /* Boundaries m+ and m- half-way to the neighbours (paper, section 3). */
    diyfp_t mp = diy_normalize((diyfp_t){(w.f << 1) + 1, w.e - 1});
    diyfp_t mm = (w.f == hidden && biased > 1) ? (diyfp_t){(w.f << 2) - 1, w.e - 2}
                                               : (diyfp_t){(w.f << 1) - 1, w.e - 1};
    mm.f <<= mm.e - mp.e;
    mm.e = mp.e;
    cached_power_t c = cached_power_for(mp.e);
    diyfp_t cp = {c.f, c.e};
    diyfp_t ww = diy_mul(diy_normalize(w), cp);
    diyfp_t wp = diy_mul(mp, cp);
    diyfp_t wm = diy_mul(mm, cp);
    wp.f--;
    wm.f++;
    *k = -c.k;
    return digit_gen(ww, wp, wp.f - wm.f, digits, k);
}

static char *write_exponent(char *p, int e)
{
    if (e < 0) {
        *p++ = '-';
        e = -e;
    }
    if (e >= 100) {
        *p++ = (char)('0' + e / 100);
        e %= 100;
        *p++ = (char)('0' + e / 10);
    } else if (e >= 10) {
        *p++ = (char)('0' + e / 10);
    }
    *p++ = (char)('0' + e % 10);
    return p;
}

size_t ilrs__format_double(double v, char out[ILRS__DOUBLE_TEXT_MAX])
{
    char *p = out;
    if (v != v || v - v != 0.0) { /* NaN or infinity: not JSON numbers */
        memcpy(out, "null", 5);
        return 4;
    }
    if (signbit(v)) {
        *p++ = '-';
        v = -v;
    }
    if (v == 0.0) {
        *p++ = '0';
        *p = '\0';
        return (size_t)(p - out);
    }
    char digits[24];
    int k = 0;
    int len = grisu2(v, digits, &k);
    int point = len + k; /* decimal point after this many digits */
    if (k >= 0 && point <= 15) {
        /* Integer: digits then k zeros; at most 15 digits, so readers that take
         * integers as int64 (jansson) or binary64 (JavaScript) read them exactly;
         * larger whole numbers use the exponent form. */
        memcpy(p, digits, (size_t)len);
        p += len;
        memset(p, '0', (size_t)k);
        p += k;
    } else if (k < 0 && point > 0 && point <= 21) {
        memcpy(p, digits, (size_t)point);
        p += point;
        *p++ = '.';
        memcpy(p, digits + point, (size_t)(len - point));
        p += len - point;
    } else if (point > -6 && point <= 0) {
        *p++ = '0';
        *p++ = '.';
        memset(p, '0', (size_t)-point);
        p += -point;
        memcpy(p, digits, (size_t)len);
        p += len;
    } else {
        *p++ = digits[0];
        if (len > 1) {
            *p++ = '.';
            memcpy(p, digits + 1, (size_t)(len - 1));
            p += len - 1;
        }
        *p++ = 'e';
        p = write_exponent(p, point - 1);
    }
    *p = '\0';
    return (size_t)(p - out);
}
