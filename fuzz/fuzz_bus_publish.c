// SPDX-License-Identifier: Apache-2.0
// Fuzz target: arbitrary bytes offered to the software bus (src/fsw/fsw_bus.c).
// A small bus with three pipes and a few subscriptions gets the whole input through
// ilrs_bus_publish and ilrs_bus_publish_zc, then the input read as a script of
// operations: publish a chunk as is, publish it with its header repaired (so the
// fuzzer reaches delivery, limits and drops), zero-copy, receive, (un)subscribe,
// delete and recreate a pipe (whose old id must then be refused by every call and
// counted). After every input the counters must add up (every drop reported or
// counted as suppressed) and, with the pipes deleted, every buffer must be back in
// its pool; the bus is destroyed, so nothing leaks.
#include <ilrs/fsw.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define PIPES 3

typedef struct harness {
    ilrs_bus_t *bus;
    ilrs_pipe_id_t pipes[PIPES];
    uint64_t hook_calls;
} harness_t;

static uint8_t scratch[ILRS_CCSDS_MAX_PACKET_LEN];

static void count_drop(void *user, ilrs_bus_drop_reason_t reason, ilrs_msgid_t msgid,
                       ilrs_pipe_id_t pipe)
{
    harness_t *h = user;
    /* A pipe named by the hook is one of the live pipes, by its full id (slot and
     * generation), never a stale or bare slot index. */
    bool pipe_known = pipe == ILRS_BUS_PIPE_NONE;
    for (int i = 0; i < PIPES && !pipe_known; i++) {
        pipe_known = pipe == h->pipes[i];
    }
    if (reason < ILRS_BUS_DROP_PIPE_FULL || reason > ILRS_BUS_DROP_INVALID ||
        (msgid >= ILRS_MSGID_COUNT && msgid != ILRS_BUS_MSGID_NONE) || !pipe_known ||
        (pipe != ILRS_BUS_PIPE_NONE &&
         ilrs_bus_pipe_slot(pipe) >= ilrs_bus_pipe_capacity(h->bus))) {
        __builtin_trap();
    }
    h->hook_calls++;
}

static void make_pipe(harness_t *h, int i)
{
    static const uint32_t depth[PIPES] = {1, 3, 8};
    static const char *const names[PIPES] = {"one", "three", "eight"};
    if (ilrs_bus_pipe_create(h->bus, names[i], depth[i], &h->pipes[i]) != 0) {
        __builtin_trap();
    }
    /* Telemetry APID 1, command APID 1, telemetry APID 0x7FF (idle), and one ID
     * per pipe with a limit of 2. */
    (void)ilrs_bus_subscribe(h->bus, h->pipes[i], ilrs_msgid_tlm(1), 0);
    (void)ilrs_bus_subscribe(h->bus, h->pipes[i], ilrs_msgid_cmd(1), 2);
    (void)ilrs_bus_subscribe(h->bus, h->pipes[i], ilrs_msgid_tlm(0x7FF), 0);
    (void)ilrs_bus_subscribe(h->bus, h->pipes[i], (ilrs_msgid_t)(0x10u + (unsigned)i), 2);
}

/* Zero-copy publish of @p len octets of @p src; frees the buffer when refused. */
static void offer_zc(harness_t *h, const uint8_t *src, size_t len)
{
    uint8_t *buf = ilrs_bus_alloc(h->bus, len);
    if (buf == NULL) {
        return;
    }
    memcpy(buf, src, len);
    int rc = ilrs_bus_publish_zc(h->bus, buf, len);
    if (rc == ILRS_EINVAL || (rc <= ILRS_ECCSDS_VERSION && rc >= ILRS_ECCSDS_IDLE)) {
        ilrs_bus_free(h->bus, buf);
    }
}

static void check_counters(const harness_t *h)
{
    ilrs_bus_stats_t s;
    ilrs_bus_get_stats(h->bus, &s);
    uint64_t drops = s.dropped_full + s.dropped_limit + s.alloc_failures + s.invalid;
    if (drops != h->hook_calls + s.hook_suppressed || s.buffers_in_use > s.buffers_peak) {
        __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ilrs_bus_config_t cfg = {0};
    cfg.max_pipes = 4;
    cfg.max_pipe_depth = 8;
    cfg.max_subscriptions = 16;
    cfg.max_subscribers_per_msgid = 3;
    cfg.buffer_class_count = 3;
    cfg.buffer_classes[0] = (ilrs_bus_buffer_class_t){32, 6};
    cfg.buffer_classes[1] = (ilrs_bus_buffer_class_t){512, 3};
    cfg.buffer_classes[2] = (ilrs_bus_buffer_class_t){ILRS_CCSDS_MAX_PACKET_LEN, 1};
    harness_t h = {0};
    if (ilrs_bus_create(&cfg, &h.bus) != 0) {
        return 0;
    }
    ilrs_bus_set_drop_hook(h.bus, count_drop, &h);
    for (int i = 0; i < PIPES; i++) {
        make_pipe(&h, i);
    }

    /* The input itself, both ways. */
    (void)ilrs_bus_publish(h.bus, data, size);
    offer_zc(&h, data, size);

    /* The input as a script: [op][len hi][len lo][len octets]... */
    size_t pos = 0;
    while (size - pos >= 3) {
        uint8_t op = data[pos];
        size_t len = ((size_t)data[pos + 1] << 8) | data[pos + 2];
        pos += 3;
        if (len > size - pos) {
            len = size - pos;
        }
        const uint8_t *chunk = data + pos;
        pos += len;
        int pipe = (op >> 4) % PIPES;
        const uint8_t *got;
        size_t got_len;
        switch (op % 7u) {
        case 0:
            (void)ilrs_bus_publish(h.bus, chunk, len);
            break;
        case 1:
        case 2:
            /* Repair version and length so the packet is accepted. */
            if (len >= 7) {
                memcpy(scratch, chunk, len);
                scratch[0] &= 0x1Fu;
                ilrs_put_be16(scratch + 4, (uint16_t)(len - 7u));
                if (op % 7u == 1) {
                    (void)ilrs_bus_publish(h.bus, scratch, len);
                } else {
                    offer_zc(&h, scratch, len);
                }
            }
            break;
        case 3:
            if (ilrs_bus_receive(h.bus, h.pipes[pipe], &got, &got_len) == 0 &&
                (got_len < 6 || ilrs_ccsds_get_total_length(got) != got_len)) {
                __builtin_trap(); /* the bus delivered something it should refuse */
            }
            break;
        case 4:
            if (len >= 2) {
                ilrs_msgid_t id = (ilrs_msgid_t)(ilrs_get_be16(chunk) & 0x0FFFu);
                if (ilrs_bus_unsubscribe(h.bus, h.pipes[pipe], id) != 0) {
                    (void)ilrs_bus_subscribe(h.bus, h.pipes[pipe], id, len > 2 ? chunk[2] : 0);
                }
            }
            break;
        case 5: {
            /* Delete and recreate: the old id must be dead for every call, and the
             * new one must differ from it (same slot or not). */
            ilrs_pipe_id_t old = h.pipes[pipe];
            if (ilrs_bus_pipe_delete(h.bus, old) != 0) {
                __builtin_trap();
            }
            make_pipe(&h, pipe);
            ilrs_bus_stats_t before;
            ilrs_bus_get_stats(h.bus, &before);
            ilrs_bus_pipe_stats_t ps;
            if (h.pipes[pipe] == old ||
                ilrs_bus_receive(h.bus, old, &got, &got_len) != ILRS_EFSW_NOPIPE ||
                ilrs_bus_subscribe(h.bus, old, ilrs_msgid_tlm(2), 0) != ILRS_EFSW_NOPIPE ||
                ilrs_bus_get_pipe_stats(h.bus, old, &ps) != ILRS_EFSW_NOPIPE ||
                ilrs_bus_pipe_delete(h.bus, old) != ILRS_EFSW_NOPIPE) {
                __builtin_trap();
            }
            ilrs_bus_stats_t after;
            ilrs_bus_get_stats(h.bus, &after);
            if (after.bad_pipe_ids != before.bad_pipe_ids + 4u) {
                __builtin_trap();
            }
            break;
        }
        default: {
            /* Allocate and give back without publishing. */
            void *buf = ilrs_bus_alloc(h.bus, len);
            ilrs_bus_free(h.bus, buf);
            break;
        }
        }
        check_counters(&h);
    }
    check_counters(&h);

    /* With every pipe gone the pools must be whole. */
    for (int i = 0; i < PIPES; i++) {
        if (ilrs_bus_pipe_delete(h.bus, h.pipes[i]) != 0) {
            __builtin_trap();
        }
    }
    ilrs_bus_stats_t s;
    ilrs_bus_get_stats(h.bus, &s);
    if (s.buffers_in_use != 0 || s.subscriptions != 0 || s.pipes != 0) {
        __builtin_trap();
    }
    ilrs_bus_destroy(h.bus);
    return 0;
}
