// SPDX-License-Identifier: Apache-2.0
// CRC-16/CCITT-FALSE, CRC-32 and CRC-32C, table driven, eight octets a step.
//
// Written by hand because no well-kept Debian library offers all three with a
// chaining interface and no allocation: zlib has only CRC-32, and the CCSDS
// FECF (CCSDS 132.0-B-3 §4.1.6, 232.0-B-4 §4.1.4) needs CRC-16/CCITT-FALSE.
//
// Method: "slicing-by-8" (Kounavis & Berry, "Novel table lookup-based algorithms
// for high-performance CRC generation", IEEE Trans. Computers 57(11), 2008).
// Table k holds the CRC of one octet followed by k zero octets, so the CRC of
// eight octets is the XOR of eight independent look-ups. The register's initial
// value enters by XOR into the leading octets (CRC linearity). Octets are read
// one by one, so the code does not depend on the machine's byte order or on
// alignment. The tables are built once from the generator polynomials.
#include <stdatomic.h>

#include "base/base_int.h"

static uint16_t table16[8][256];
static uint32_t table32[8][256];
static uint32_t table32c[8][256];
static atomic_int tables_ready;

static void build_tables(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        unsigned c16 = i << 8;
        for (int bit = 0; bit < 8; bit++) {
            c16 = (c16 & 0x8000u) ? ((c16 << 1) ^ 0x1021u) : (c16 << 1);
        }
        table16[0][i] = (uint16_t)c16;

        uint32_t c32 = i, c32c = i;
        for (int bit = 0; bit < 8; bit++) {
            c32 = (c32 & 1u) ? (c32 >> 1) ^ 0xEDB88320u : (c32 >> 1);
            c32c = (c32c & 1u) ? (c32c >> 1) ^ 0x82F63B78u : (c32c >> 1);
        }
        table32[0][i] = c32;
        table32c[0][i] = c32c;
    }
    for (int k = 1; k < 8; k++) {
        for (uint32_t i = 0; i < 256; i++) {
            /* One more zero octet through the register. */
            unsigned prev16 = table16[k - 1][i];
            table16[k][i] = (uint16_t)(((prev16 << 8) & 0xFFFFu) ^ table16[0][prev16 >> 8]);
            uint32_t prev32 = table32[k - 1][i];
            table32[k][i] = (prev32 >> 8) ^ table32[0][prev32 & 0xFFu];
            uint32_t prev32c = table32c[k - 1][i];
            table32c[k][i] = (prev32c >> 8) ^ table32c[0][prev32c & 0xFFu];
        }
    }
    /* Building twice from two threads is harmless: both write the same values. */
    atomic_store_explicit(&tables_ready, 1, memory_order_release);
}

static inline void ensure_tables(void)
{
    if (!atomic_load_explicit(&tables_ready, memory_order_acquire)) {
        build_tables();
    }
}

uint16_t ilrs_crc16_ccitt(uint16_t crc, const void *data, size_t len)
{
    ensure_tables();
    const unsigned char *p = data;
    unsigned c = crc;
    while (len >= 8) {
        c = (unsigned)table16[7][(p[0] ^ (c >> 8)) & 0xFFu] ^ table16[6][(p[1] ^ c) & 0xFFu] ^
            table16[5][p[2]] ^ table16[4][p[3]] ^ table16[3][p[4]] ^ table16[2][p[5]] ^
            table16[1][p[6]] ^ table16[0][p[7]];
        p += 8;
        len -= 8;
    }
    while (len-- > 0) {
        c = ((c << 8) & 0xFFFFu) ^ table16[0][((c >> 8) ^ *p++) & 0xFFu];
    }
    return (uint16_t)c;
}

static uint32_t crc32_reflected(const uint32_t (*table)[256], uint32_t crc, const void *data,
                                size_t len)
{
    const unsigned char *p = data;
    crc = ~crc;
    while (len >= 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                             (uint32_t)p[3] << 24);
        crc = table[7][lo & 0xFFu] ^ table[6][(lo >> 8) & 0xFFu] ^ table[5][(lo >> 16) & 0xFFu] ^
              table[4][lo >> 24] ^ table[3][p[4]] ^ table[2][p[5]] ^ table[1][p[6]] ^
              table[0][p[7]];
        p += 8;
        len -= 8;
    }
    while (len-- > 0) {
        crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xFFu];
    }
    return ~crc;
}

uint32_t ilrs_crc32(uint32_t crc, const void *data, size_t len)
{
    ensure_tables();
    return crc32_reflected((const uint32_t(*)[256])table32, crc, data, len);
}

uint32_t ilrs_crc32c(uint32_t crc, const void *data, size_t len)
{
    ensure_tables();
    return crc32_reflected((const uint32_t(*)[256])table32c, crc, data, len);
}
