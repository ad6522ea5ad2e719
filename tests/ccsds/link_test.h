/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the space-link tests: random space packets with per-APID
 * sequence counts, built with the packet codec of ccsds.h.
 */
#ifndef ILRS_TEST_CCSDS_LINK_TEST_H
#define ILRS_TEST_CCSDS_LINK_TEST_H

#include <ilrs/ccsds.h>

/* Write a telemetry space packet of @p total (>= 7) octets: unsegmented, APID
 * @p apid, sequence count @p count, data octets drawn from @p rng. */
static inline void link_test_packet(uint8_t *buf, size_t total, uint16_t apid, uint16_t count,
                                    ilrs_rng_t *rng)
{
    ilrs_ccsds_primary_t h = {
        .apid = apid,
        .seq_flags = ILRS_CCSDS_SEQ_UNSEG,
        .seq_count = count,
        .data_length = (uint16_t)(total - 7u),
    };
    (void)ilrs_ccsds_primary_encode(&h, buf, total);
    for (size_t i = ILRS_CCSDS_PRIMARY_LEN; i < total; i++) {
        buf[i] = (uint8_t)ilrs_rng_next(rng);
    }
}

#endif
