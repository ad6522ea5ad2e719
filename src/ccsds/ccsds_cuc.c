// SPDX-License-Identifier: Apache-2.0
// CCSDS Unsegmented time Code (CUC), CCSDS 301.0-B-4 §3.2, level 1 only.
//
// T-field: coarse time, 1..4 octets of whole seconds since 1958-01-01T00:00:00
// TAI, then fine time, 0..3 octets of binary fraction of a second (§3.2.1).
// P-field, when present, one octet (§3.2.2):
//   bit 0 extension flag (must be 0 here), bits 1-3 time code ID (001 = level 1,
//   1958 TAI epoch; 010 = agency-defined epoch, rejected), bits 4-5 coarse octets
//   minus 1, bits 6-7 fine octets.
// ilrs_tai_t is already TAI ns since the same epoch, so the conversion is pure
// integer arithmetic; the rounding rules (truncate on encode, round up on decode)
// make encode(decode(field)) == field for every field (see ccsds.h).
// Written by hand: a few lines of exact integer arithmetic no library provides
// for this epoch and resolution.
#include "ccsds/ccsds_int.h"

static inline bool format_is_valid(unsigned coarse_octets, unsigned fine_octets)
{
    return coarse_octets - 1u < 4u && fine_octets < 4u;
}

int ilrs_ccsds_cuc_encode(ilrs_tai_t t, ilrs_ccsds_cuc_format_t fmt, bool with_pfield, uint8_t *buf,
                          size_t cap, size_t *written)
{
    size_t unused;
    if (written == NULL) {
        written = &unused;
    }
    *written = 0;
    unsigned coarse_octets = fmt.coarse_octets, fine_octets = fmt.fine_octets;
    if (buf == NULL || !format_is_valid(coarse_octets, fine_octets)) {
        return ILRS_EINVAL;
    }
    uint32_t coarse, fine;
    int rc = ilrs__cuc_split(t, coarse_octets, fine_octets, &coarse, &fine);
    if (rc != 0) {
        return rc;
    }
    size_t pfield_len = with_pfield ? 1u : 0u;
    size_t need = pfield_len + coarse_octets + fine_octets;
    if (cap < need) {
        return ILRS_ECCSDS_TOOSMALL;
    }
    uint8_t *p = buf;
    if (with_pfield) {
        *p++ = (uint8_t)((ILRS__CUC_ID_LEVEL1 << ILRS__CUC_PFIELD_ID_SHIFT) |
                         ((coarse_octets - 1u) << 2) | fine_octets);
    }
    /* Coarse then fine, most significant octet first (§3.2.1). */
    for (unsigned i = coarse_octets; i-- > 0;) {
        *p++ = (uint8_t)(coarse >> (8u * i));
    }
    for (unsigned i = fine_octets; i-- > 0;) {
        *p++ = (uint8_t)(fine >> (8u * i));
    }
    *written = need;
    return 0;
}

int ilrs_ccsds_cuc_decode(const uint8_t *buf, size_t len, const ilrs_ccsds_cuc_format_t *implicit,
                          ilrs_tai_t *t, size_t *consumed)
{
    size_t unused;
    if (consumed == NULL) {
        consumed = &unused;
    }
    *consumed = 0;
    if (t == NULL) {
        return ILRS_EINVAL;
    }
    *t = 0;
    if (buf == NULL) {
        return ILRS_EINVAL;
    }
    unsigned coarse_octets, fine_octets;
    size_t offset = 0;
    if (implicit != NULL) {
        coarse_octets = implicit->coarse_octets;
        fine_octets = implicit->fine_octets;
        if (!format_is_valid(coarse_octets, fine_octets)) {
            return ILRS_EINVAL;
        }
    } else {
        if (len < 1u) {
            return ILRS_ECCSDS_TOOSMALL;
        }
        unsigned pfield = buf[0];
        unsigned id = (pfield >> ILRS__CUC_PFIELD_ID_SHIFT) & ILRS__CUC_PFIELD_ID_MASK;
        if ((pfield & ILRS__CUC_PFIELD_EXT) != 0 || id != ILRS__CUC_ID_LEVEL1) {
            return ILRS_ECCSDS_CUC_PFIELD;
        }
        coarse_octets = ((pfield >> 2) & 3u) + 1u;
        fine_octets = pfield & 3u;
        offset = 1;
    }
    size_t need = offset + coarse_octets + fine_octets;
    if (len < need) {
        return ILRS_ECCSDS_TOOSMALL;
    }
    const uint8_t *p = buf + offset;
    uint32_t coarse = 0, fine = 0;
    for (unsigned i = 0; i < coarse_octets; i++) {
        coarse = (coarse << 8) | *p++;
    }
    for (unsigned i = 0; i < fine_octets; i++) {
        fine = (fine << 8) | *p++;
    }
    *t = ilrs__cuc_join(coarse, fine, fine_octets);
    *consumed = need;
    return 0;
}
