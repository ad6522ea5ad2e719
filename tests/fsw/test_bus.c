// SPDX-License-Identifier: Apache-2.0
// Software bus (src/fsw/fsw_bus.c): routing, fan-out and reference counts, drops with
// their counters and hook, buffer pools, zero-copy ownership, malformed packets,
// subscriptions, statistics, large packets, and pipe ids that stay invalid after
// their pipe is deleted (generations). Requirements: docs/fsw-bus.md.
#include <ilrs/fsw.h>
#include <stdlib.h>
#include <string.h>

#include "ilrs_test.h"

/* Build a space packet of @p total octets (>= 6) for @p apid in @p buf; the payload
 * is filled from @p seq so that copies can be told apart. */
static void make_packet(uint8_t *buf, uint16_t apid, bool cmd, size_t total, uint16_t seq)
{
    buf[0] = (uint8_t)((cmd ? 0x10u : 0u) | ((apid >> 8) & 0x07u));
    buf[1] = (uint8_t)apid;
    ilrs_put_be16(buf + 2, (uint16_t)(0xC000u | (seq & 0x3FFFu)));
    ilrs_put_be16(buf + 4, (uint16_t)(total - 7u));
    for (size_t i = 6; i < total; i++) {
        buf[i] = (uint8_t)(seq + i);
    }
}

/* Publish a small telemetry packet with sequence count @p seq. */
static int publish_tlm(ilrs_bus_t *bus, uint16_t apid, uint16_t seq)
{
    uint8_t pkt[16];
    make_packet(pkt, apid, false, sizeof pkt, seq);
    return ilrs_bus_publish(bus, pkt, sizeof pkt);
}

/* Drop hook that records what it was told. */
typedef struct drop_log {
    int calls;
    ilrs_bus_drop_reason_t reason;
    ilrs_msgid_t msgid;
    ilrs_pipe_id_t pipe;
} drop_log_t;

static void record_drop(void *user, ilrs_bus_drop_reason_t reason, ilrs_msgid_t msgid,
                        ilrs_pipe_id_t pipe)
{
    drop_log_t *log = user;
    log->calls++;
    log->reason = reason;
    log->msgid = msgid;
    log->pipe = pipe;
}

static ilrs_bus_stats_t stats_of(const ilrs_bus_t *bus)
{
    ilrs_bus_stats_t s;
    ilrs_bus_get_stats(bus, &s);
    return s;
}

static ilrs_bus_pipe_stats_t pipe_stats_of(ilrs_bus_t *bus, ilrs_pipe_id_t pipe)
{
    ilrs_bus_pipe_stats_t s;
    assert_int_equal(ilrs_bus_get_pipe_stats(bus, pipe, &s), 0);
    return s;
}

static ilrs_bus_t *small_bus(uint32_t class_size, uint32_t class_count)
{
    ilrs_bus_config_t cfg = {0};
    cfg.max_pipes = 8;
    cfg.buffer_class_count = 1;
    cfg.buffer_classes[0] = (ilrs_bus_buffer_class_t){class_size, class_count};
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(&cfg, &bus), 0);
    assert_non_null(bus);
    return bus;
}

static void fanout_shares_one_buffer_with_refcount(void **state)
{
    (void)state;
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(NULL, &bus), 0);
    enum { N = 4 };
    ilrs_pipe_id_t pipes[N];
    char name[16];
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "p%d", i);
        assert_int_equal(ilrs_bus_pipe_create(bus, name, 5, &pipes[i]), 0);
        assert_int_equal(ilrs_bus_subscribe(bus, pipes[i], ilrs_msgid_tlm(0x123), 0), 0);
    }
    assert_int_equal(publish_tlm(bus, 0x123, 7), 0);
    ilrs_bus_stats_t s = stats_of(bus);
    assert_int_equal(s.published, 1);
    assert_int_equal(s.delivered, N);
    assert_int_equal(s.buffers_in_use, 1); /* one copy, N references */

    const uint8_t *got[N];
    size_t len;
    for (int i = 0; i < N; i++) {
        assert_int_equal(ilrs_bus_receive(bus, pipes[i], &got[i], &len), 0);
        assert_int_equal(len, 16);
        assert_int_equal(ilrs_ccsds_get_seq_count(got[i]), 7);
        assert_ptr_equal(got[i], got[0]);
    }
    /* Every receiver still holds it; each next receive drops one reference. */
    for (int i = 0; i < N; i++) {
        assert_int_equal(stats_of(bus).buffers_in_use, 1);
        assert_int_equal(ilrs_bus_receive(bus, pipes[i], &got[i], &len), ILRS_EEMPTY);
        assert_null(got[i]);
        assert_int_equal(len, 0);
    }
    assert_int_equal(stats_of(bus).buffers_in_use, 0);
    ilrs_bus_destroy(bus);
}

static void pipe_full_drops_counts_and_calls_hook(void **state)
{
    (void)state;
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(NULL, &bus), 0);
    drop_log_t log = {0};
    ilrs_bus_set_drop_hook(bus, record_drop, &log);
    ilrs_pipe_id_t shallow, deep;
    assert_int_equal(ilrs_bus_pipe_create(bus, "shallow", 2, &shallow), 0);
    assert_int_equal(ilrs_bus_pipe_create(bus, "deep", 5, &deep), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, shallow, ilrs_msgid_tlm(9), 0), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, deep, ilrs_msgid_tlm(9), 0), 0);
    assert_int_equal(publish_tlm(bus, 9, 1), 0);
    assert_int_equal(publish_tlm(bus, 9, 2), 0);
    assert_int_equal(log.calls, 0);
    assert_int_equal(publish_tlm(bus, 9, 3), ILRS_EFSW_PIPEFULL);
    assert_int_equal(log.calls, 1);
    assert_int_equal(log.reason, ILRS_BUS_DROP_PIPE_FULL);
    assert_int_equal(log.msgid, ilrs_msgid_tlm(9));
    assert_int_equal(log.pipe, shallow);

    ilrs_bus_pipe_stats_t ps = pipe_stats_of(bus, shallow);
    assert_int_equal(ps.dropped_full, 1);
    assert_int_equal(ps.queued, 2);
    assert_int_equal(ps.peak, 2);
    assert_int_equal(pipe_stats_of(bus, deep).queued, 3); /* the other pipe got it */
    ilrs_bus_stats_t s = stats_of(bus);
    assert_int_equal(s.dropped_full, 1);
    assert_int_equal(s.delivered, 5);
    assert_int_equal(s.published, 3);

    /* Without a hook the drop is still counted. */
    ilrs_bus_set_drop_hook(bus, NULL, NULL);
    assert_int_equal(publish_tlm(bus, 9, 4), ILRS_EFSW_PIPEFULL);
    assert_int_equal(log.calls, 1);
    assert_int_equal(stats_of(bus).dropped_full, 2);
    ilrs_bus_destroy(bus);
}

static void per_msgid_limit_drops_and_recovers(void **state)
{
    (void)state;
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(NULL, &bus), 0);
    drop_log_t log = {0};
    ilrs_bus_set_drop_hook(bus, record_drop, &log);
    ilrs_pipe_id_t pipe;
    assert_int_equal(ilrs_bus_pipe_create(bus, "app", 10, &pipe), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, pipe, ilrs_msgid_tlm(1), 2), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, pipe, ilrs_msgid_tlm(2), 0), 0);
    assert_int_equal(publish_tlm(bus, 1, 0), 0);
    assert_int_equal(publish_tlm(bus, 1, 1), 0);
    assert_int_equal(publish_tlm(bus, 1, 2), ILRS_EFSW_MSGLIMIT);
    assert_int_equal(log.reason, ILRS_BUS_DROP_MSG_LIMIT);
    assert_int_equal(log.pipe, pipe);
    assert_int_equal(log.msgid, 1);
    /* Another ID is not limited by it. */
    for (uint16_t i = 0; i < 5; i++) {
        assert_int_equal(publish_tlm(bus, 2, i), 0);
    }
    assert_int_equal(pipe_stats_of(bus, pipe).dropped_limit, 1);
    assert_int_equal(stats_of(bus).dropped_limit, 1);
    /* Receiving one of ID 1 makes room for one more. */
    const uint8_t *pkt;
    size_t len;
    assert_int_equal(ilrs_bus_receive(bus, pipe, &pkt, &len), 0);
    assert_int_equal(ilrs_msgid_of(pkt), 1);
    assert_int_equal(publish_tlm(bus, 1, 3), 0);
    assert_int_equal(publish_tlm(bus, 1, 4), ILRS_EFSW_MSGLIMIT);
    assert_int_equal(log.calls, 2);
    ilrs_bus_destroy(bus);
}

static void buffer_exhaustion_is_counted_and_recovers(void **state)
{
    (void)state;
    ilrs_bus_t *bus = small_bus(64, 3);
    drop_log_t log = {0};
    ilrs_bus_set_drop_hook(bus, record_drop, &log);
    ilrs_pipe_id_t pipe;
    assert_int_equal(ilrs_bus_pipe_create(bus, "p", 8, &pipe), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, pipe, 4, 0), 0);
    for (uint16_t i = 0; i < 3; i++) {
        assert_int_equal(publish_tlm(bus, 4, i), 0);
    }
    assert_int_equal(publish_tlm(bus, 4, 3), ILRS_EFSW_NOBUF);
    assert_int_equal(log.reason, ILRS_BUS_DROP_NO_BUFFER);
    assert_int_equal(log.msgid, 4);
    assert_int_equal(log.pipe, ILRS_BUS_PIPE_NONE);
    assert_null(ilrs_bus_alloc(bus, 16));
    assert_int_equal(log.calls, 2);
    assert_int_equal(log.msgid, ILRS_BUS_MSGID_NONE);
    ilrs_bus_stats_t s = stats_of(bus);
    assert_int_equal(s.alloc_failures, 2);
    assert_int_equal(s.buffers_in_use, 3);
    assert_int_equal(s.buffers_peak, 3);
    assert_int_equal(s.published, 3);

    /* A packet larger than every class is a buffer failure too. */
    uint8_t big[100];
    make_packet(big, 4, false, sizeof big, 0);
    assert_int_equal(ilrs_bus_publish(bus, big, sizeof big), ILRS_EFSW_NOBUF);
    assert_int_equal(stats_of(bus).alloc_failures, 3);

    /* Receiving twice frees the first message: room for one more. */
    const uint8_t *pkt;
    size_t len;
    assert_int_equal(ilrs_bus_receive(bus, pipe, &pkt, &len), 0);
    assert_int_equal(ilrs_bus_receive(bus, pipe, &pkt, &len), 0);
    assert_int_equal(publish_tlm(bus, 4, 9), 0);
    ilrs_bus_destroy(bus);
}

static void exhausted_class_borrows_from_larger(void **state)
{
    (void)state;
    ilrs_bus_config_t cfg = {0};
    cfg.buffer_class_count = 2;
    cfg.buffer_classes[0] = (ilrs_bus_buffer_class_t){32, 1};
    cfg.buffer_classes[1] = (ilrs_bus_buffer_class_t){256, 1};
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(&cfg, &bus), 0);
    ilrs_pipe_id_t pipe;
    assert_int_equal(ilrs_bus_pipe_create(bus, "p", 4, &pipe), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, pipe, 4, 0), 0);
    assert_int_equal(publish_tlm(bus, 4, 0), 0);
    assert_int_equal(publish_tlm(bus, 4, 1), 0);
    assert_int_equal(publish_tlm(bus, 4, 2), ILRS_EFSW_NOBUF);
    assert_int_equal(stats_of(bus).buffers_in_use, 2);
    ilrs_bus_destroy(bus);
}

static void malformed_packets_are_refused_and_counted(void **state)
{
    (void)state;
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(NULL, &bus), 0);
    drop_log_t log = {0};
    ilrs_bus_set_drop_hook(bus, record_drop, &log);
    ilrs_pipe_id_t pipe;
    assert_int_equal(ilrs_bus_pipe_create(bus, "p", 4, &pipe), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, pipe, 0x55, 0), 0);
    uint8_t pkt[16];
    make_packet(pkt, 0x55, false, sizeof pkt, 0);

    assert_int_equal(ilrs_bus_publish(bus, pkt, 5), ILRS_ECCSDS_TOOSMALL);
    assert_int_equal(log.reason, ILRS_BUS_DROP_INVALID);
    assert_int_equal(log.msgid, ILRS_BUS_MSGID_NONE);
    assert_int_equal(log.pipe, ILRS_BUS_PIPE_NONE);
    assert_int_equal(ilrs_bus_publish(bus, pkt, 0), ILRS_ECCSDS_TOOSMALL);
    assert_int_equal(ilrs_bus_publish(bus, pkt, 15), ILRS_ECCSDS_LENGTH);
    assert_int_equal(log.msgid, 0x55);
    uint8_t longer[17];
    memcpy(longer, pkt, sizeof pkt);
    assert_int_equal(ilrs_bus_publish(bus, longer, sizeof longer), ILRS_ECCSDS_LENGTH);
    uint8_t badver[16];
    memcpy(badver, pkt, sizeof pkt);
    badver[0] |= 0x20u;
    assert_int_equal(ilrs_bus_publish(bus, badver, sizeof badver), ILRS_ECCSDS_VERSION);
    assert_int_equal(ilrs_bus_publish(bus, NULL, 16), ILRS_EINVAL);
    assert_int_equal(log.calls, 6);

    ilrs_bus_stats_t s = stats_of(bus);
    assert_int_equal(s.invalid, 6);
    assert_int_equal(s.published, 0);
    assert_int_equal(s.delivered, 0);
    assert_int_equal(s.buffers_in_use, 0);
    assert_int_equal(pipe_stats_of(bus, pipe).queued, 0);
    /* The well-formed original still goes through. */
    assert_int_equal(ilrs_bus_publish(bus, pkt, sizeof pkt), 0);
    assert_int_equal(pipe_stats_of(bus, pipe).queued, 1);
    ilrs_bus_destroy(bus);
}

static void unsubscribe_and_resubscribe(void **state)
{
    (void)state;
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(NULL, &bus), 0);
    ilrs_pipe_id_t pipe;
    const uint8_t *pkt;
    size_t len;
    assert_int_equal(ilrs_bus_pipe_create(bus, "p", 8, &pipe), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, pipe, 7, 1), 0);
    assert_int_equal(publish_tlm(bus, 7, 1), 0);
    assert_int_equal(ilrs_bus_unsubscribe(bus, pipe, 7), 0);
    assert_int_equal(ilrs_bus_unsubscribe(bus, pipe, 7), ILRS_EFSW_NOSUB);
    assert_int_equal(stats_of(bus).subscriptions, 0);
    assert_int_equal(pipe_stats_of(bus, pipe).subscriptions, 0);
    /* Nobody listens now: not a drop. */
    assert_int_equal(publish_tlm(bus, 7, 2), 0);
    assert_int_equal(stats_of(bus).no_subscribers, 1);

    /* Resubscribe with limit 1 while the old message is still queued: the old one
     * no longer counts against the new subscription. */
    assert_int_equal(ilrs_bus_subscribe(bus, pipe, 7, 1), 0);
    assert_int_equal(publish_tlm(bus, 7, 3), 0);
    assert_int_equal(publish_tlm(bus, 7, 4), ILRS_EFSW_MSGLIMIT);
    assert_int_equal(ilrs_bus_receive(bus, pipe, &pkt, &len), 0);
    assert_int_equal(ilrs_ccsds_get_seq_count(pkt), 1);
    assert_int_equal(publish_tlm(bus, 7, 5), ILRS_EFSW_MSGLIMIT); /* 3 still queued */
    assert_int_equal(ilrs_bus_receive(bus, pipe, &pkt, &len), 0);
    assert_int_equal(ilrs_ccsds_get_seq_count(pkt), 3);
    assert_int_equal(publish_tlm(bus, 7, 6), 0);
    assert_int_equal(ilrs_bus_receive(bus, pipe, &pkt, &len), 0);
    assert_int_equal(ilrs_ccsds_get_seq_count(pkt), 6);

    assert_int_equal(ilrs_bus_unsubscribe(bus, pipe + 1, 7), ILRS_EFSW_NOPIPE);
    assert_int_equal(ilrs_bus_unsubscribe(bus, pipe, 4096), ILRS_EFSW_MSGID);
    ilrs_bus_destroy(bus);
}

static void pipe_delete_releases_queued_buffers(void **state)
{
    (void)state;
    ilrs_bus_t *bus = small_bus(64, 6);
    ilrs_pipe_id_t a, b;
    const uint8_t *pkt;
    size_t len;
    assert_int_equal(ilrs_bus_pipe_create(bus, "a", 8, &a), 0);
    assert_int_equal(ilrs_bus_pipe_create(bus, "b", 8, &b), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, a, 1, 0), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, a, 2, 0), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, b, 2, 0), 0);
    assert_int_equal(publish_tlm(bus, 1, 0), 0);
    assert_int_equal(publish_tlm(bus, 2, 1), 0);
    assert_int_equal(publish_tlm(bus, 1, 2), 0);
    assert_int_equal(ilrs_bus_receive(bus, a, &pkt, &len), 0); /* a holds one */
    assert_int_equal(stats_of(bus).buffers_in_use, 3);
    assert_int_equal(ilrs_bus_pipe_delete(bus, a), 0);
    assert_int_equal(stats_of(bus).buffers_in_use, 1); /* b still holds ID 2 */
    assert_int_equal(stats_of(bus).subscriptions, 1);
    assert_int_equal(stats_of(bus).pipes, 1);
    assert_int_equal(ilrs_bus_receive(bus, a, &pkt, &len), ILRS_EFSW_NOPIPE);
    assert_int_equal(ilrs_bus_pipe_delete(bus, a), ILRS_EFSW_NOPIPE);
    ilrs_bus_pipe_stats_t ps;
    assert_int_equal(ilrs_bus_get_pipe_stats(bus, a, &ps), ILRS_EFSW_NOPIPE);
    /* Its IDs route to b only now. */
    assert_int_equal(publish_tlm(bus, 1, 3), 0);
    assert_int_equal(stats_of(bus).no_subscribers, 1);
    assert_int_equal(ilrs_bus_pipe_delete(bus, b), 0);
    assert_int_equal(stats_of(bus).buffers_in_use, 0);
    assert_int_equal(stats_of(bus).subscriptions, 0);

    /* The pool is whole again: every buffer can be allocated, and no more. */
    void *bufs[6];
    for (int i = 0; i < 6; i++) {
        bufs[i] = ilrs_bus_alloc(bus, 64);
        assert_non_null(bufs[i]);
    }
    assert_null(ilrs_bus_alloc(bus, 1));
    for (int i = 0; i < 6; i++) {
        ilrs_bus_free(bus, bufs[i]);
    }
    assert_int_equal(stats_of(bus).buffers_in_use, 0);
    /* A new pipe gets a new id: slots are filled round-robin, so not a's slot. */
    ilrs_pipe_id_t c;
    assert_int_equal(ilrs_bus_pipe_create(bus, "c", 3, &c), 0);
    assert_int_not_equal(c, a);
    assert_int_not_equal(ilrs_bus_pipe_slot(c), ilrs_bus_pipe_slot(a));
    assert_int_equal(pipe_stats_of(bus, c).received, 0);
    assert_int_equal(ilrs_bus_receive(bus, a, &pkt, &len), ILRS_EFSW_NOPIPE);
    ilrs_bus_destroy(bus);
}

static void zero_copy_ownership(void **state)
{
    (void)state;
    ilrs_bus_t *bus = small_bus(256, 4);
    ilrs_pipe_id_t pipe;
    const uint8_t *pkt;
    size_t len;
    assert_int_equal(ilrs_bus_pipe_create(bus, "p", 1, &pipe), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, pipe, 0x10, 0), 0);

    /* Success: consumed; the receiver sees the very same memory. */
    uint8_t *buf = ilrs_bus_alloc(bus, 100);
    assert_non_null(buf);
    assert_int_equal(((uintptr_t)buf) % 16u, 0);
    assert_int_equal(stats_of(bus).buffers_in_use, 1);
    make_packet(buf, 0x10, false, 40, 1);
    assert_int_equal(ilrs_bus_publish_zc(bus, buf, 40), 0);
    /* Published: no longer the caller's, so a second publish or a free is refused. */
    assert_int_equal(ilrs_bus_publish_zc(bus, buf, 40), ILRS_EINVAL);
    ilrs_bus_free(bus, buf);
    assert_int_equal(stats_of(bus).buffers_in_use, 1);
    assert_int_equal(ilrs_bus_receive(bus, pipe, &pkt, &len), 0);
    assert_ptr_equal(pkt, buf);
    assert_int_equal(len, 40);

    /* Pipe drop: consumed too (the buffer goes back to the pool). */
    uint8_t *b2 = ilrs_bus_alloc(bus, 40);
    make_packet(b2, 0x10, false, 40, 2);
    assert_int_equal(ilrs_bus_publish_zc(bus, b2, 40), 0);
    uint8_t *b3 = ilrs_bus_alloc(bus, 40);
    make_packet(b3, 0x10, false, 40, 3);
    assert_int_equal(stats_of(bus).buffers_in_use, 3);
    assert_int_equal(ilrs_bus_publish_zc(bus, b3, 40), ILRS_EFSW_PIPEFULL);
    assert_int_equal(stats_of(bus).buffers_in_use, 2);

    /* No subscriber: consumed. */
    uint8_t *b4 = ilrs_bus_alloc(bus, 40);
    make_packet(b4, 0x11, false, 40, 4);
    assert_int_equal(ilrs_bus_publish_zc(bus, b4, 40), 0);
    assert_int_equal(stats_of(bus).buffers_in_use, 2);

    /* Refusals: the caller keeps the buffer and can still publish or free it. */
    uint8_t *b5 = ilrs_bus_alloc(bus, 40);
    make_packet(b5, 0x10, false, 40, 5);
    assert_int_equal(ilrs_bus_publish_zc(bus, b5, 39), ILRS_ECCSDS_LENGTH);
    assert_int_equal(ilrs_bus_publish_zc(bus, b5, 41), ILRS_EINVAL); /* > allocated */
    assert_int_equal(ilrs_bus_publish_zc(bus, b5 + 16, 24), ILRS_EINVAL);
    assert_int_equal(ilrs_bus_publish_zc(bus, b5 + 1, 24), ILRS_EINVAL);
    uint8_t stack_pkt[16];
    make_packet(stack_pkt, 0x10, false, sizeof stack_pkt, 0);
    assert_int_equal(ilrs_bus_publish_zc(bus, stack_pkt, 16), ILRS_EINVAL);
    assert_int_equal(ilrs_bus_publish_zc(bus, NULL, 16), ILRS_EINVAL);
    assert_int_equal(stats_of(bus).buffers_in_use, 3);
    assert_int_equal(stats_of(bus).invalid, 1);
    ilrs_bus_free(bus, b5);
    ilrs_bus_free(bus, NULL);
    assert_int_equal(stats_of(bus).buffers_in_use, 2);
    assert_null(ilrs_bus_alloc(bus, 0));
    assert_null(ilrs_bus_alloc(bus, 257));

    /* Second receive releases the first message; the pipe then holds b2. */
    assert_int_equal(ilrs_bus_receive(bus, pipe, &pkt, &len), 0);
    assert_ptr_equal(pkt, b2);
    assert_int_equal(stats_of(bus).buffers_in_use, 1);
    ilrs_bus_destroy(bus);
}

static void statistics_are_complete(void **state)
{
    (void)state;
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(NULL, &bus), 0);
    ilrs_bus_stats_t s = stats_of(bus);
    /* Default sizing: the buffers alone take 64*1024 + 256*1024 + 1024*256 +
     * 4096*64 + 65542*8 octets; memory_bytes covers them and the rest. */
    assert_true(s.memory_bytes > 64u * 1024 + 256u * 1024 + 1024u * 256 + 4096u * 64 + 65542u * 8);
    assert_int_equal(s.pipes, 0);
    assert_int_equal(ilrs_bus_pipe_capacity(bus), 64);

    ilrs_pipe_id_t a, b;
    assert_int_equal(ilrs_bus_pipe_create(bus, "alpha", 3, &a), 0);
    assert_int_equal(ilrs_bus_pipe_create(bus, "beta", 2, &b), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, a, 1, 0), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, b, 1, 1), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, a, 2, 0), 0);
    assert_int_equal(publish_tlm(bus, 1, 0), 0);                  /* a, b */
    assert_int_equal(publish_tlm(bus, 1, 1), ILRS_EFSW_MSGLIMIT); /* a; b limit */
    assert_int_equal(publish_tlm(bus, 2, 2), 0);                  /* a */
    assert_int_equal(publish_tlm(bus, 2, 3), ILRS_EFSW_PIPEFULL); /* a full */
    assert_int_equal(publish_tlm(bus, 3, 4), 0);                  /* nobody */
    uint8_t junk[3] = {0};
    assert_int_equal(ilrs_bus_publish(bus, junk, sizeof junk), ILRS_ECCSDS_TOOSMALL);
    const uint8_t *pkt;
    size_t len;
    assert_int_equal(ilrs_bus_receive(bus, a, &pkt, &len), 0);

    s = stats_of(bus);
    assert_int_equal(s.published, 5);
    assert_int_equal(s.delivered, 4);
    assert_int_equal(s.no_subscribers, 1);
    assert_int_equal(s.dropped_full, 1);
    assert_int_equal(s.dropped_limit, 1);
    assert_int_equal(s.alloc_failures, 0);
    assert_int_equal(s.invalid, 1);
    assert_int_equal(s.pipes, 2);
    assert_int_equal(s.subscriptions, 3);
    assert_int_equal(s.buffers_in_use, 3); /* a: 2 queued + 1 held (shared with b) */
    assert_int_equal(s.buffers_peak, 4);   /* the dropped copy had a buffer a moment */
    assert_int_equal(s.hook_suppressed, 0);

    ilrs_bus_pipe_stats_t ps = pipe_stats_of(bus, a);
    assert_string_equal(ps.name, "alpha");
    assert_int_equal(ps.depth, 3);
    assert_int_equal(ps.queued, 2);
    assert_int_equal(ps.peak, 3);
    assert_int_equal(ps.subscriptions, 2);
    assert_int_equal(ps.received, 1);
    assert_int_equal(ps.dropped_full, 1);
    assert_int_equal(ps.dropped_limit, 0);
    ps = pipe_stats_of(bus, b);
    assert_string_equal(ps.name, "beta");
    assert_int_equal(ps.queued, 1);
    assert_int_equal(ps.dropped_limit, 1);
    assert_int_equal(ps.subscriptions, 1);

    assert_int_equal(ilrs_bus_get_pipe_stats(bus, 99, &ps), ILRS_EFSW_NOPIPE);
    assert_int_equal(ps.depth, 0);
    assert_int_equal(ilrs_bus_get_pipe_stats(NULL, a, &ps), ILRS_EINVAL);
    ilrs_bus_get_stats(NULL, &s);
    assert_int_equal(s.memory_bytes, 0);
    assert_int_equal(ilrs_bus_pipe_capacity(NULL), 0);
    ilrs_bus_destroy(bus);
}

static void messages_arrive_in_order(void **state)
{
    (void)state;
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(NULL, &bus), 0);
    ilrs_pipe_id_t pipe;
    assert_int_equal(ilrs_bus_pipe_create(bus, "fifo", 37, &pipe), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, pipe, 3, 0), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, pipe, 0x803, 0), 0);
    ilrs_rng_t rng;
    ilrs_rng_seed(&rng, 42);
    uint16_t next_sent = 0, next_expected = 0;
    const uint8_t *pkt;
    size_t len;
    /* Random bursts of publishes and receives through many ring wrap-arounds;
     * commands and telemetry alternate, both into the same pipe. */
    for (int round = 0; round < 2000; round++) {
        uint64_t burst = ilrs_rng_below(&rng, 30);
        for (uint64_t i = 0; i < burst; i++) {
            uint8_t msg[24];
            make_packet(msg, 3, (next_sent & 1u) != 0, sizeof msg, next_sent);
            int rc = ilrs_bus_publish(bus, msg, sizeof msg);
            if (rc == ILRS_EFSW_PIPEFULL) {
                break;
            }
            assert_int_equal(rc, 0);
            next_sent = (uint16_t)((next_sent + 1u) & 0x3FFFu);
        }
        burst = ilrs_rng_below(&rng, 30);
        for (uint64_t i = 0; i < burst; i++) {
            int rc = ilrs_bus_receive(bus, pipe, &pkt, &len);
            if (rc == ILRS_EEMPTY) {
                break;
            }
            assert_int_equal(rc, 0);
            assert_int_equal(ilrs_ccsds_get_seq_count(pkt), next_expected);
            assert_int_equal(ilrs_ccsds_is_cmd(pkt), (next_expected & 1u) != 0);
            assert_int_equal(pkt[23], (uint8_t)(next_expected + 23u));
            next_expected = (uint16_t)((next_expected + 1u) & 0x3FFFu);
        }
    }
    while (ilrs_bus_receive(bus, pipe, &pkt, &len) == 0) {
        assert_int_equal(ilrs_ccsds_get_seq_count(pkt), next_expected);
        next_expected = (uint16_t)((next_expected + 1u) & 0x3FFFu);
    }
    assert_int_equal(next_expected, next_sent);
    assert_true(pipe_stats_of(bus, pipe).received > 1000);
    assert_int_equal(stats_of(bus).buffers_in_use, 0);
    ilrs_bus_destroy(bus);
}

static void command_and_telemetry_ids_are_distinct(void **state)
{
    (void)state;
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(NULL, &bus), 0);
    ilrs_pipe_id_t cmd_pipe, tlm_pipe;
    assert_int_equal(ilrs_bus_pipe_create(bus, "cmd", 4, &cmd_pipe), 0);
    assert_int_equal(ilrs_bus_pipe_create(bus, "tlm", 4, &tlm_pipe), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, cmd_pipe, ilrs_msgid_cmd(0x7FF), 0), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, tlm_pipe, ilrs_msgid_tlm(0x7FF), 0), 0);
    uint8_t pkt[8];
    make_packet(pkt, 0x7FF, true, sizeof pkt, 0);
    assert_int_equal(ilrs_bus_publish(bus, pkt, sizeof pkt), 0);
    assert_int_equal(pipe_stats_of(bus, cmd_pipe).queued, 1);
    assert_int_equal(pipe_stats_of(bus, tlm_pipe).queued, 0);
    make_packet(pkt, 0x7FF, false, sizeof pkt, 0);
    assert_int_equal(ilrs_bus_publish(bus, pkt, sizeof pkt), 0);
    assert_int_equal(pipe_stats_of(bus, tlm_pipe).queued, 1);
    ilrs_bus_destroy(bus);
}

static void subscription_limits(void **state)
{
    (void)state;
    ilrs_bus_config_t cfg = {0};
    cfg.max_pipes = 4;
    cfg.max_subscribers_per_msgid = 2;
    cfg.max_subscriptions = 5;
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(&cfg, &bus), 0);
    ilrs_pipe_id_t p[4];
    for (int i = 0; i < 4; i++) {
        char name[8];
        snprintf(name, sizeof name, "p%d", i);
        assert_int_equal(ilrs_bus_pipe_create(bus, name, 4, &p[i]), 0);
    }
    ilrs_pipe_id_t extra;
    assert_int_equal(ilrs_bus_pipe_create(bus, "p4", 4, &extra), ILRS_ELIMIT);
    assert_int_equal(extra, ILRS_BUS_PIPE_NONE);

    assert_int_equal(ilrs_bus_subscribe(bus, p[0], 1, 0), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, p[1], 1, 0), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, p[2], 1, 0), ILRS_ELIMIT); /* per ID */
    assert_int_equal(ilrs_bus_subscribe(bus, p[2], 2, 0), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, p[2], 3, 0), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, p[2], 4, 0), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, p[3], 5, 0), ILRS_ELIMIT); /* in all */
    assert_int_equal(stats_of(bus).subscriptions, 5);

    /* Already subscribed: EEXIST, and the limit changes (to 1 here). */
    assert_int_equal(ilrs_bus_subscribe(bus, p[0], 1, 1), ILRS_EEXIST);
    assert_int_equal(publish_tlm(bus, 1, 0), 0);
    assert_int_equal(publish_tlm(bus, 1, 1), ILRS_EFSW_MSGLIMIT);
    assert_int_equal(pipe_stats_of(bus, p[0]).dropped_limit, 1);
    assert_int_equal(pipe_stats_of(bus, p[1]).queued, 2);

    /* Freed records are reused. */
    assert_int_equal(ilrs_bus_unsubscribe(bus, p[2], 3), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, p[3], 5, 0), 0);

    assert_int_equal(ilrs_bus_subscribe(bus, p[0], 4096, 0), ILRS_EFSW_MSGID);
    assert_int_equal(ilrs_bus_subscribe(bus, 4, 1, 0), ILRS_EFSW_NOPIPE);
    assert_int_equal(ilrs_bus_subscribe(bus, ILRS_BUS_PIPE_NONE, 1, 0), ILRS_EFSW_NOPIPE);
    assert_int_equal(ilrs_bus_subscribe(NULL, p[0], 1, 0), ILRS_EINVAL);
    ilrs_bus_destroy(bus);
}

static void large_packets(void **state)
{
    (void)state;
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(NULL, &bus), 0);
    ilrs_pipe_id_t pipe;
    assert_int_equal(ilrs_bus_pipe_create(bus, "big", 16, &pipe), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, pipe, 0x200, 0), 0);
    size_t n = ILRS_CCSDS_MAX_PACKET_LEN;
    uint8_t *pkt = malloc(n);
    assert_non_null(pkt);
    make_packet(pkt, 0x200, false, n, 77);
    /* The default pool has 8 buffers of 65542 octets: the 9th is refused. */
    for (int i = 0; i < 8; i++) {
        assert_int_equal(ilrs_bus_publish(bus, pkt, n), 0);
    }
    assert_int_equal(ilrs_bus_publish(bus, pkt, n), ILRS_EFSW_NOBUF);
    const uint8_t *got;
    size_t len;
    assert_int_equal(ilrs_bus_receive(bus, pipe, &got, &len), 0);
    assert_int_equal(len, n);
    assert_memory_equal(got, pkt, n);
    for (int i = 0; i < 7; i++) {
        assert_int_equal(ilrs_bus_receive(bus, pipe, &got, &len), 0);
    }
    assert_int_equal(ilrs_bus_receive(bus, pipe, &got, &len), ILRS_EEMPTY);
    /* Zero-copy of the largest packet. */
    uint8_t *zc = ilrs_bus_alloc(bus, n);
    assert_non_null(zc);
    make_packet(zc, 0x200, false, n, 78);
    assert_int_equal(ilrs_bus_publish_zc(bus, zc, n), 0);
    assert_int_equal(ilrs_bus_receive(bus, pipe, &got, &len), 0);
    assert_int_equal(len, n);
    assert_int_equal(got[n - 1], (uint8_t)(78u + n - 1u));
    assert_int_equal(ilrs_bus_receive(bus, pipe, &got, &len), ILRS_EEMPTY);
    assert_int_equal(stats_of(bus).buffers_in_use, 0);
    free(pkt);
    ilrs_bus_destroy(bus);
}

static void bad_configuration_is_refused(void **state)
{
    (void)state;
    ilrs_bus_t *bus = (ilrs_bus_t *)&bus;
    assert_int_equal(ilrs_bus_create(NULL, NULL), ILRS_EINVAL);
    ilrs_bus_config_t cfg = {0};
    cfg.buffer_class_count = 2;
    cfg.buffer_classes[0] = (ilrs_bus_buffer_class_t){256, 4};
    cfg.buffer_classes[1] = (ilrs_bus_buffer_class_t){64, 4}; /* not ascending */
    assert_int_equal(ilrs_bus_create(&cfg, &bus), ILRS_EINVAL);
    assert_null(bus);
    cfg.buffer_classes[1] = (ilrs_bus_buffer_class_t){512, 0}; /* no buffers */
    assert_int_equal(ilrs_bus_create(&cfg, &bus), ILRS_EINVAL);
    cfg.buffer_classes[1] = (ilrs_bus_buffer_class_t){65543, 1}; /* above a packet */
    assert_int_equal(ilrs_bus_create(&cfg, &bus), ILRS_EINVAL);
    cfg.buffer_classes[0] = (ilrs_bus_buffer_class_t){5, 1}; /* below a header */
    cfg.buffer_classes[1] = (ilrs_bus_buffer_class_t){64, 1};
    assert_int_equal(ilrs_bus_create(&cfg, &bus), ILRS_EINVAL);
    cfg.buffer_class_count = ILRS_BUS_MAX_BUFFER_CLASSES + 1;
    assert_int_equal(ilrs_bus_create(&cfg, &bus), ILRS_EINVAL);
    ilrs_bus_config_t big = {0};
    big.max_pipes = 65537;
    assert_int_equal(ilrs_bus_create(&big, &bus), ILRS_EINVAL);
    big.max_pipes = 0;
    big.max_pipe_depth = 65537;
    assert_int_equal(ilrs_bus_create(&big, &bus), ILRS_EINVAL);
    big.max_pipe_depth = 0;
    big.max_subscriptions = 1048577;
    assert_int_equal(ilrs_bus_create(&big, &bus), ILRS_EINVAL);
    /* Each bound alone is fine, together they would need 64 GiB of rings. */
    big.max_subscriptions = 0;
    big.max_pipes = 65536;
    big.max_pipe_depth = 65536;
    assert_int_equal(ilrs_bus_create(&big, &bus), ILRS_EINVAL);
    assert_null(bus);
    ilrs_bus_destroy(NULL);
}

static void pipe_create_checks(void **state)
{
    (void)state;
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(NULL, &bus), 0);
    ilrs_pipe_id_t pipe = 0;
    assert_int_equal(ilrs_bus_pipe_create(bus, NULL, 4, &pipe), ILRS_EINVAL);
    assert_int_equal(pipe, ILRS_BUS_PIPE_NONE);
    assert_int_equal(ilrs_bus_pipe_create(bus, "", 4, &pipe), ILRS_EINVAL);
    assert_int_equal(ilrs_bus_pipe_create(bus, "0123456789abcdef0123456789abcdef", 4, &pipe),
                     ILRS_EINVAL);
    assert_int_equal(ilrs_bus_pipe_create(bus, "0123456789abcdef0123456789abcde", 4, &pipe), 0);
    assert_int_equal(ilrs_bus_pipe_create(bus, "zero", 0, &pipe), ILRS_EINVAL);
    assert_int_equal(ilrs_bus_pipe_create(bus, "deep", 257, &pipe), ILRS_EINVAL);
    assert_int_equal(ilrs_bus_pipe_create(bus, "deep", 256, &pipe), 0);
    assert_int_equal(ilrs_bus_pipe_create(bus, "deep", 4, &pipe), ILRS_EEXIST);
    assert_int_equal(ilrs_bus_pipe_create(NULL, "x", 4, &pipe), ILRS_EINVAL);
    assert_int_equal(ilrs_bus_pipe_create(bus, "x", 4, NULL), ILRS_EINVAL);
    assert_int_equal(stats_of(bus).pipes, 2);
    ilrs_bus_destroy(bus);
}

static void receive_checks_arguments(void **state)
{
    (void)state;
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(NULL, &bus), 0);
    ilrs_pipe_id_t pipe;
    assert_int_equal(ilrs_bus_pipe_create(bus, "p", 4, &pipe), 0);
    const uint8_t *pkt = (const uint8_t *)"x";
    size_t len = 5;
    assert_int_equal(ilrs_bus_receive(bus, pipe, &pkt, &len), ILRS_EEMPTY);
    assert_null(pkt);
    assert_int_equal(len, 0);
    assert_int_equal(ilrs_bus_receive(bus, 63, &pkt, &len), ILRS_EFSW_NOPIPE);
    assert_int_equal(ilrs_bus_receive(bus, 64, &pkt, &len), ILRS_EFSW_NOPIPE);
    assert_int_equal(ilrs_bus_receive(bus, pipe, NULL, &len), ILRS_EINVAL);
    assert_int_equal(ilrs_bus_receive(bus, pipe, &pkt, NULL), ILRS_EINVAL);
    assert_int_equal(ilrs_bus_receive(NULL, pipe, &pkt, &len), ILRS_EINVAL);
    ilrs_bus_destroy(bus);
}

/* A hook that, like a flight instance raising an event, publishes on the bus and
 * tries to change subscriptions. */
typedef struct reentrant_hook {
    ilrs_bus_t *bus;
    ilrs_pipe_id_t pipe;
    int calls;
    int busy_refusals;
} reentrant_hook_t;

static void reentrant_drop(void *user, ilrs_bus_drop_reason_t reason, ilrs_msgid_t msgid,
                           ilrs_pipe_id_t pipe)
{
    (void)reason;
    (void)msgid;
    (void)pipe;
    reentrant_hook_t *h = user;
    h->calls++;
    if (ilrs_bus_subscribe(h->bus, h->pipe, 0x300, 0) == ILRS_EBUSY) {
        h->busy_refusals++;
    }
    if (ilrs_bus_pipe_delete(h->bus, h->pipe) == ILRS_EBUSY) {
        h->busy_refusals++;
    }
    if (h->calls == 1) {
        /* Receiving frees what the pipe held while the outer publish still
         * delivers; then one message fits again. */
        const uint8_t *pkt;
        size_t len;
        assert_int_equal(ilrs_bus_receive(h->bus, h->pipe, &pkt, &len), 0);
        assert_int_equal(publish_tlm(h->bus, 0x100, 10), 0);
    }
    /* The "event" goes to the same full pipe: this recurses until the bus stops
     * calling the hook. */
    (void)publish_tlm(h->bus, 0x100, 11);
}

static void drop_hook_may_publish_and_is_bounded(void **state)
{
    (void)state;
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(NULL, &bus), 0);
    ilrs_pipe_id_t pipe, other;
    assert_int_equal(ilrs_bus_pipe_create(bus, "full", 1, &pipe), 0);
    assert_int_equal(ilrs_bus_pipe_create(bus, "other", 4, &other), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, pipe, 0x100, 1), 0);
    assert_int_equal(ilrs_bus_subscribe(bus, other, 0x100, 0), 0);
    reentrant_hook_t h = {.bus = bus, .pipe = pipe};
    assert_int_equal(publish_tlm(bus, 0x100, 0), 0);
    const uint8_t *pkt;
    size_t len;
    /* Make the pipe hold one and queue one. */
    assert_int_equal(ilrs_bus_receive(bus, pipe, &pkt, &len), 0);
    assert_int_equal(publish_tlm(bus, 0x100, 1), 0);
    ilrs_bus_set_drop_hook(bus, reentrant_drop, &h);
    assert_int_equal(publish_tlm(bus, 0x100, 2), ILRS_EFSW_PIPEFULL);
    assert_true(h.calls >= (int)ILRS_BUS_HOOK_DEPTH_MAX);
    assert_int_equal(h.busy_refusals, 2 * h.calls);
    ilrs_bus_stats_t s = stats_of(bus);
    assert_true(s.hook_suppressed > 0);
    /* Every drop was either reported or counted as suppressed. */
    assert_int_equal(s.dropped_limit + s.dropped_full + s.alloc_failures,
                     (uint64_t)h.calls + s.hook_suppressed);
    /* Nothing leaked: delete both pipes and the pool is whole. */
    ilrs_bus_set_drop_hook(bus, NULL, NULL);
    assert_int_equal(ilrs_bus_pipe_delete(bus, pipe), 0);
    assert_int_equal(ilrs_bus_pipe_delete(bus, other), 0);
    assert_int_equal(stats_of(bus).buffers_in_use, 0);
    ilrs_bus_destroy(bus);
}

/* Recording hook that also reads the stats of the pipe it is told about (as the
 * flight instance does to name it in its event). */
typedef struct named_drop {
    ilrs_bus_t *bus;
    ilrs_pipe_id_t pipe;
    int named;
} named_drop_t;

static void name_drop(void *user, ilrs_bus_drop_reason_t reason, ilrs_msgid_t msgid,
                      ilrs_pipe_id_t pipe)
{
    (void)reason;
    (void)msgid;
    named_drop_t *n = user;
    n->pipe = pipe;
    ilrs_bus_pipe_stats_t ps;
    if (ilrs_bus_get_pipe_stats(n->bus, pipe, &ps) == 0 && strcmp(ps.name, "app.v2") == 0) {
        n->named++;
    }
}

static void stale_pipe_id_is_refused_and_counted(void **state)
{
    (void)state;
    /* One slot, so the new pipe lands where the old one was. */
    ilrs_bus_config_t cfg = {0};
    cfg.max_pipes = 1;
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(&cfg, &bus), 0);
    ilrs_pipe_id_t old, fresh;
    const uint8_t *pkt;
    size_t len;
    assert_int_equal(ilrs_bus_pipe_create(bus, "app", 1, &old), 0);
    assert_int_equal(ilrs_bus_pipe_generation(old), 1);
    assert_int_equal(ilrs_bus_subscribe(bus, old, 7, 0), 0);
    assert_int_equal(publish_tlm(bus, 7, 0), 0);
    assert_int_equal(ilrs_bus_pipe_delete(bus, old), 0);

    /* The app restarts: same slot, next generation, a different id. */
    assert_int_equal(ilrs_bus_pipe_create(bus, "app.v2", 1, &fresh), 0);
    assert_int_equal(ilrs_bus_pipe_slot(fresh), ilrs_bus_pipe_slot(old));
    assert_int_equal(ilrs_bus_pipe_generation(fresh), 2);
    assert_int_not_equal(fresh, old);
    assert_int_equal(stats_of(bus).bad_pipe_ids, 0);

    /* Every call refuses the stale id and counts it; the new pipe is untouched. */
    assert_int_equal(ilrs_bus_subscribe(bus, old, 8, 0), ILRS_EFSW_NOPIPE);
    assert_int_equal(ilrs_bus_unsubscribe(bus, old, 7), ILRS_EFSW_NOPIPE);
    assert_int_equal(ilrs_bus_receive(bus, old, &pkt, &len), ILRS_EFSW_NOPIPE);
    assert_null(pkt);
    ilrs_bus_pipe_stats_t ps;
    assert_int_equal(ilrs_bus_get_pipe_stats(bus, old, &ps), ILRS_EFSW_NOPIPE);
    assert_int_equal(ps.depth, 0);
    assert_int_equal(ilrs_bus_pipe_delete(bus, old), ILRS_EFSW_NOPIPE);
    assert_int_equal(stats_of(bus).bad_pipe_ids, 5);
    assert_int_equal(stats_of(bus).pipes, 1);
    assert_int_equal(pipe_stats_of(bus, fresh).subscriptions, 0);
    /* What the old pipe subscribed to reaches nobody (not the new pipe). */
    assert_int_equal(publish_tlm(bus, 7, 1), 0);
    assert_int_equal(stats_of(bus).no_subscribers, 1);
    assert_int_equal(pipe_stats_of(bus, fresh).queued, 0);

    /* Neither a zeroed id, nor the bare slot index, nor "no pipe" is a pipe. */
    assert_int_equal(ilrs_bus_receive(bus, 0, &pkt, &len), ILRS_EFSW_NOPIPE);
    assert_int_equal(ilrs_bus_receive(bus, ilrs_bus_pipe_slot(fresh), &pkt, &len),
                     ILRS_EFSW_NOPIPE);
    assert_int_equal(ilrs_bus_receive(bus, ILRS_BUS_PIPE_NONE, &pkt, &len), ILRS_EFSW_NOPIPE);
    assert_int_equal(stats_of(bus).bad_pipe_ids, 8);

    /* The fresh id works everywhere, and the drop hook names it (by its full id). */
    named_drop_t hook = {.bus = bus, .pipe = 0};
    ilrs_bus_set_drop_hook(bus, name_drop, &hook);
    assert_int_equal(ilrs_bus_subscribe(bus, fresh, 9, 0), 0);
    assert_int_equal(publish_tlm(bus, 9, 2), 0);
    assert_int_equal(publish_tlm(bus, 9, 3), ILRS_EFSW_PIPEFULL);
    assert_int_equal(hook.pipe, fresh);
    assert_int_equal(hook.named, 1);
    assert_int_equal(ilrs_bus_receive(bus, fresh, &pkt, &len), 0);
    assert_int_equal(ilrs_ccsds_get_seq_count(pkt), 2);
    assert_int_equal(pipe_stats_of(bus, fresh).dropped_full, 1);
    assert_int_equal(ilrs_bus_unsubscribe(bus, fresh, 9), 0);
    assert_int_equal(ilrs_bus_pipe_delete(bus, fresh), 0);
    assert_int_equal(stats_of(bus).bad_pipe_ids, 8);
    assert_int_equal(stats_of(bus).buffers_in_use, 0);
    ilrs_bus_destroy(bus);
}

static void pipe_generation_wraps_to_one(void **state)
{
    (void)state;
    ilrs_bus_config_t cfg = {0};
    cfg.max_pipes = 1;
    cfg.max_pipe_depth = 1;
    ilrs_bus_t *bus = NULL;
    assert_int_equal(ilrs_bus_create(&cfg, &bus), 0);
    ilrs_pipe_id_t first, id = 0, prev = 0;
    assert_int_equal(ilrs_bus_pipe_create(bus, "p", 1, &first), 0);
    assert_int_equal(ilrs_bus_pipe_delete(bus, first), 0);
    prev = first;
    /* Generations 2..65535 in turn, never 0, each id refusing the one before. */
    for (uint32_t g = 2; g <= ILRS_BUS_PIPE_GEN_MAX; g++) {
        assert_int_equal(ilrs_bus_pipe_create(bus, "p", 1, &id), 0);
        if (ilrs_bus_pipe_generation(id) != g) {
            fail_msg("create %u gave generation %u", g, ilrs_bus_pipe_generation(id));
        }
        if (g == 2 || g == ILRS_BUS_PIPE_GEN_MAX) {
            ilrs_bus_pipe_stats_t ps;
            assert_int_equal(ilrs_bus_get_pipe_stats(bus, prev, &ps), ILRS_EFSW_NOPIPE);
        }
        assert_int_equal(ilrs_bus_pipe_delete(bus, id), 0);
        prev = id;
    }
    assert_int_equal(id, (ILRS_BUS_PIPE_GEN_MAX << ILRS_BUS_PIPE_SLOT_BITS) | 0u);
    /* After 65535 creates in a slot the generation wraps to 1, skipping 0: the
     * first id is valid again (the documented limit of a 16-bit serial). */
    ilrs_pipe_id_t wrapped;
    assert_int_equal(ilrs_bus_pipe_create(bus, "p", 1, &wrapped), 0);
    assert_int_equal(ilrs_bus_pipe_generation(wrapped), 1);
    assert_int_equal(wrapped, first);
    assert_int_not_equal(wrapped, 0);
    assert_int_equal(pipe_stats_of(bus, first).depth, 1);
    assert_int_equal(ilrs_bus_receive(bus, id, &(const uint8_t *){NULL}, &(size_t){0}),
                     ILRS_EFSW_NOPIPE);
    assert_int_equal(stats_of(bus).bad_pipe_ids, 3);
    ilrs_bus_destroy(bus);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(fanout_shares_one_buffer_with_refcount),
    cmocka_unit_test(pipe_full_drops_counts_and_calls_hook),
    cmocka_unit_test(per_msgid_limit_drops_and_recovers),
    cmocka_unit_test(buffer_exhaustion_is_counted_and_recovers),
    cmocka_unit_test(exhausted_class_borrows_from_larger),
    cmocka_unit_test(malformed_packets_are_refused_and_counted),
    cmocka_unit_test(unsubscribe_and_resubscribe),
    cmocka_unit_test(pipe_delete_releases_queued_buffers),
    cmocka_unit_test(zero_copy_ownership),
    cmocka_unit_test(statistics_are_complete),
    cmocka_unit_test(messages_arrive_in_order),
    cmocka_unit_test(command_and_telemetry_ids_are_distinct),
    cmocka_unit_test(subscription_limits),
    cmocka_unit_test(large_packets),
    cmocka_unit_test(bad_configuration_is_refused),
    cmocka_unit_test(pipe_create_checks),
    cmocka_unit_test(receive_checks_arguments),
    cmocka_unit_test(drop_hook_may_publish_and_is_bounded),
    cmocka_unit_test(stale_pipe_id_is_refused_and_counted),
    cmocka_unit_test(pipe_generation_wraps_to_one),
};
ILRS_TEST_MAIN(tests)
