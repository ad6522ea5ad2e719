/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private helpers shared by the space-link files (ccsds_tm.c, ccsds_tc.c,
 * ccsds_cop1.c): the FECF of CCSDS 132.0-B-3 §4.1.6 / 232.0-B-4 §4.1.4, which is
 * CRC-16/CCITT-FALSE over every octet of the frame before it.
 */
#ifndef ILRS_CCSDS_LINK_INT_H
#define ILRS_CCSDS_LINK_INT_H

#include <ilrs/ccsds.h>

#define ILRS__FECF_LEN 2u
#define ILRS__OCF_LEN  4u

/** Write the FECF over buf[0 .. len) at buf[len]. */
static inline void ilrs__fecf_put(uint8_t *buf, size_t len)
{
    ilrs_put_be16(buf + len, ilrs_crc16_ccitt(ILRS_CRC16_CCITT_INIT, buf, len));
}

/** True when the FECF at buf[len] matches buf[0 .. len). */
static inline bool ilrs__fecf_ok(const uint8_t *buf, size_t len)
{
    return ilrs_get_be16(buf + len) == ilrs_crc16_ccitt(ILRS_CRC16_CCITT_INIT, buf, len);
}

#endif
