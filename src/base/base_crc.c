// SPDX-License-Identifier: Apache-2.0
// CRC-16/CCITT-FALSE, CRC-32 and CRC-32C, table driven.
//
// Written by hand because no well-kept Debian library offers all three with a
// chaining interface and no allocation: zlib has only CRC-32, and the CCSDS
// FECF (CCSDS 132.0-B-3 §4.1.6, 232.0-B-4 §4.1.4) needs CRC-16/CCITT-FALSE.
// The tables are built once on first use from the generator polynomials
// (Williams, "A painless guide to CRC error detection algorithms", 1993).
#include <stdatomic.h>

#include "base/base_int.h"

static uint16_t table16[256];
static uint32_t table32[256];
static uint32_t table32c[256];
static atomic_int tables_ready;

static void build_tables(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint16_t c16 = (uint16_t)(i << 8);
        for (int bit = 0; bit < 8; bit++) {
            c16 = (uint16_t)((c16 & 0x8000u) ? ((unsigned)c16 << 1) ^ 0x1021u : ((unsigned)c16 << 1));
        }
        table16[i] = c16;

        uint32_t c32 = i, c32c = i;
        for (int bit = 0; bit < 8; bit++) {
            c32 = (c32 & 1u) ? (c32 >> 1) ^ 0xEDB88320u : (c32 >> 1);
            c32c = (c32c & 1u) ? (c32c >> 1) ^ 0x82F63B78u : (c32c >> 1);
        }
        table32[i] = c32;
        table32c[i] = c32c;
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
    for (size_t i = 0; i < len; i++) {
        crc = (uint16_t)((crc << 8) ^ table16[((crc >> 8) ^ p[i]) & 0xFFu]);
    }
    return crc;
}

static uint32_t crc32_reflected(const uint32_t *table, uint32_t crc, const void *data,
                                size_t len)
{
    const unsigned char *p = data;
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc = (crc >> 8) ^ table[(crc ^ p[i]) & 0xFFu];
    }
    return ~crc;
}

uint32_t ilrs_crc32(uint32_t crc, const void *data, size_t len)
{
    ensure_tables();
    return crc32_reflected(table32, crc, data, len);
}

uint32_t ilrs_crc32c(uint32_t crc, const void *data, size_t len)
{
    ensure_tables();
    return crc32_reflected(table32c, crc, data, len);
}
