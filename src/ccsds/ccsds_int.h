/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private helpers shared by the ccsds codec files: field masks of the primary
 * header (CCSDS 133.0-B-2 §4.1.3, figure 4-2), the split of a TAI instant into
 * CUC coarse seconds and fine fraction (CCSDS 301.0-B-4 §3.2), and an XOR fold
 * for the command checksum.
 */
#ifndef ILRS_CCSDS_INT_H
#define ILRS_CCSDS_INT_H

#include <string.h>

#include <ilrs/ccsds.h>

/* First 16 bits of the primary header: version(3) type(1) sec-hdr flag(1) APID(11). */
#define ILRS__CCSDS_VERSION_MASK 0xE000u
#define ILRS__CCSDS_TYPE_BIT     0x1000u
#define ILRS__CCSDS_SECHDR_BIT   0x0800u
#define ILRS__CCSDS_APID_MASK    0x07FFu
/* Second 16 bits: sequence flags(2) sequence count(14). */
#define ILRS__CCSDS_SEQFLAGS_SHIFT 14
#define ILRS__CCSDS_SEQCOUNT_MASK  0x3FFFu
#define ILRS__CCSDS_UNSEG_BITS     0xC000u

/* ilrs command secondary header octets (after the 6-octet primary header). */
#define ILRS__CCSDS_CMD_FC_OFFSET    6u
#define ILRS__CCSDS_CMD_CKSUM_OFFSET 7u
/* ilrs telemetry secondary header: CUC 4 coarse + 2 fine octets at offset 6. */
#define ILRS__CCSDS_TLM_TIME_OFFSET 6u

/* P-field octet (301.0-B-4 §3.2.2): extension(1) time code ID(3) coarse-1(2) fine(2). */
#define ILRS__CUC_PFIELD_EXT      0x80u
#define ILRS__CUC_PFIELD_ID_SHIFT 4
#define ILRS__CUC_PFIELD_ID_MASK  0x07u
#define ILRS__CUC_ID_LEVEL1       0x01u /* 001: 1958-01-01 TAI epoch */

/**
 * Split @p t into CUC coarse seconds and a fine fraction of @p fine_octets
 * octets, truncating toward the earlier instant. Returns ILRS_ERANGE when t is
 * before the epoch or the seconds do not fit in @p coarse_octets octets.
 * The fraction is exact: ns < 1e9 < 2^30, shifted by at most 24 bits it stays
 * below 2^54, so the integer division floor(ns * 2^(8F) / 1e9) never overflows.
 */
static inline int ilrs__cuc_split(ilrs_tai_t t, unsigned coarse_octets, unsigned fine_octets,
                                  uint32_t *coarse, uint32_t *fine)
{
    *coarse = 0;
    *fine = 0;
    if (t < 0) {
        return ILRS_ERANGE;
    }
    uint64_t seconds = (uint64_t)t / (uint64_t)ILRS_NS_PER_S;
    uint64_t ns = (uint64_t)t % (uint64_t)ILRS_NS_PER_S;
    if ((seconds >> (8u * coarse_octets)) != 0) {
        return ILRS_ERANGE;
    }
    *coarse = (uint32_t)seconds;
    *fine = (uint32_t)((ns << (8u * fine_octets)) / (uint64_t)ILRS_NS_PER_S);
    return 0;
}

/**
 * Join CUC coarse seconds and a fine fraction back into TAI ns. The fraction is
 * rounded up to the next whole ns (see ilrs_ccsds_cuc_decode()). coarse < 2^32 s
 * gives at most 4.3e18 ns, inside int64.
 */
static inline ilrs_tai_t ilrs__cuc_join(uint32_t coarse, uint32_t fine, unsigned fine_octets)
{
    unsigned bits = 8u * fine_octets;
    uint64_t ns = ((uint64_t)fine * (uint64_t)ILRS_NS_PER_S + ((UINT64_C(1) << bits) - 1u)) >> bits;
    return (ilrs_tai_t)((uint64_t)coarse * (uint64_t)ILRS_NS_PER_S + ns);
}

/** XOR of @p len octets, eight at a time (the order of XOR does not matter). */
static inline uint8_t ilrs__xor_fold(const uint8_t *p, size_t len)
{
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 8u <= len; i += 8u) {
        uint64_t w;
        memcpy(&w, p + i, sizeof w);
        acc ^= w;
    }
    acc ^= acc >> 32;
    acc ^= acc >> 16;
    acc ^= acc >> 8;
    uint8_t x = (uint8_t)acc;
    for (; i < len; i++) {
        x ^= p[i];
    }
    return x;
}

#endif /* ILRS_CCSDS_INT_H */
