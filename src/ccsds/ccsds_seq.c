// SPDX-License-Identifier: Apache-2.0
// Per-APID packet sequence counting (CCSDS 133.0-B-2 §4.1.3.4.2.3: the count is
// kept per APID, modulo 16384). The sender side hands out counts; the receiver
// side tracks the expected next count and classifies each packet as in order,
// after a gap (with the number missing) or a duplicate of the previous one.
// Both are flat arrays indexed by APID: no allocation, O(1), a few branches.
#include "ccsds/ccsds_int.h"

uint16_t ilrs_ccsds_seq_next(ilrs_ccsds_seq_counter_t *counter, uint16_t apid)
{
    uint16_t *slot = &counter->next[apid & ILRS__CCSDS_APID_MASK];
    uint16_t count = (uint16_t)(*slot & ILRS__CCSDS_SEQCOUNT_MASK);
    *slot = (uint16_t)((count + 1u) & ILRS__CCSDS_SEQCOUNT_MASK);
    return count;
}

int ilrs_ccsds_seq_track(ilrs_ccsds_seq_tracker_t *tracker, uint16_t apid, uint16_t count)
{
    if (tracker == NULL) {
        return ILRS_EINVAL;
    }
    if (apid > ILRS_CCSDS_APID_MAX) {
        return ILRS_ECCSDS_APID;
    }
    count &= ILRS__CCSDS_SEQCOUNT_MASK;
    uint8_t bit = (uint8_t)(1u << (apid & 7u));
    uint8_t *seen = &tracker->seen[apid >> 3];
    uint16_t expected = tracker->expected[apid];
    /* Distance forward from the expected count, modulo 16384: 0 in order,
     * 16383 = one behind = a repeat of the previous count. */
    unsigned ahead = (unsigned)(count - expected) & ILRS__CCSDS_SEQCOUNT_MASK;
    if (!(*seen & bit)) {
        *seen = (uint8_t)(*seen | bit);
        ahead = 0; /* the first packet sets the baseline */
    } else if (ahead == ILRS__CCSDS_SEQCOUNT_MASK) {
        tracker->duplicates++;
        return ILRS_ECCSDS_DUPLICATE;
    }
    tracker->expected[apid] = (uint16_t)((count + 1u) & ILRS__CCSDS_SEQCOUNT_MASK);
    tracker->packets++;
    tracker->gaps += ahead != 0;
    tracker->missing += ahead;
    return (int)ahead;
}
