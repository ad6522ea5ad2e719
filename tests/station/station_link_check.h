/* SPDX-License-Identifier: Apache-2.0 */
/* The space link's accounting, checked on a run's summary (test_station_link*.c):
 * per VC and in total, packets sent = delivered + lost + in flight; the archive
 * took every delivered packet; science lost on the link is at most what was sent. */
#ifndef STATION_LINK_CHECK_H
#define STATION_LINK_CHECK_H

#include "station/station_common.h"

static inline void check_accounting(const ilrs_station_summary_t *s)
{
    const ilrs_station_link_result_t *k = &s->link;
    uint64_t sent = 0, delivered = 0, lost = 0;
    for (size_t v = 0; v < ILRS_STATION_LINK_VCS; v++) {
        const ilrs_station_link_vc_t *c = &k->vc[v];
        assert_true(c->frames_bad + c->frames_lost <= c->frames_sent);
        assert_true(c->packets_delivered + c->packets_lost <= c->packets_sent);
        sent += c->packets_sent;
        delivered += c->packets_delivered;
        lost += c->packets_lost;
    }
    assert_int_equal(sent, s->tm_packets_sent);
    assert_int_equal(lost, s->tm_packets_lost);
    assert_int_equal(sent, delivered + lost + k->packets_in_flight);
    /* every delivered packet is a known one: the archive took them all */
    assert_int_equal(s->tm_packets_archived, delivered);
    assert_true(k->science_bytes_lost <= k->science_bytes_sent);
    uint64_t link_lost = 0;
    for (size_t i = 0; i < s->partner_count; i++) {
        link_lost += s->partners[i].link_lost_bytes;
        assert_true(s->partners[i].link_lost_bytes <= s->partners[i].lost_bytes);
    }
    assert_true(link_lost <= k->science_bytes_lost); /* the rest is still in flight */
}

#endif
