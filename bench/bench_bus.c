// SPDX-License-Identifier: Apache-2.0
// Software bus benchmark (src/fsw/fsw_bus.c). The headline figure repeats the work of
// cFE's own bulk software-bus test: 1,024,000 small messages, one task sending and
// receiving, pipe depth 5 (cFE v7 manages about 430 k/s, REFERENCE.md). Each figure
// is the best of REPS runs, timed with CLOCK_MONOTONIC. Prints
// `bench: <name> <value> <unit>` lines on stdout; notes go to stderr.
#include <ilrs/fsw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPS            11
#define BULK_MESSAGES   1024000u
#define LATENCY_SAMPLES 200000u
#define SMALL_LEN       16u /* 12-octet telemetry header + 4 octets of payload */
#define KIB_LEN         1024u
#define APID            0x42u

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void make_packet(uint8_t *buf, size_t total)
{
    memset(buf, 0xA5, total);
    buf[0] = (uint8_t)(0x08u | (APID >> 8)); /* telemetry, secondary header */
    buf[1] = (uint8_t)APID;
    ilrs_put_be16(buf + 2, 0xC000u);
    ilrs_put_be16(buf + 4, (uint16_t)(total - 7u));
}

static void fail(const char *what, int rc)
{
    fprintf(stderr, "bench_bus: %s: %s\n", what, ilrs_strerror(rc));
    exit(1);
}

/* A bus with @p fanout pipes of @p depth, all subscribed to APID. */
static ilrs_bus_t *setup(uint32_t fanout, uint32_t depth, ilrs_pipe_id_t *pipes)
{
    ilrs_bus_t *bus = NULL;
    int rc = ilrs_bus_create(NULL, &bus);
    if (rc != 0) {
        fail("create", rc);
    }
    for (uint32_t i = 0; i < fanout; i++) {
        char name[16];
        snprintf(name, sizeof name, "pipe%u", i);
        rc = ilrs_bus_pipe_create(bus, name, depth, &pipes[i]);
        rc = rc ? rc : ilrs_bus_subscribe(bus, pipes[i], ilrs_msgid_tlm(APID), 0);
        if (rc != 0) {
            fail("pipe", rc);
        }
    }
    return bus;
}

/* Publish-then-receive @p count messages of @p len octets to @p fanout pipes;
 * returns seconds taken. Every return code is checked, so a bus that drops or
 * mangles messages cannot post a figure. */
static double run_copy(uint32_t fanout, size_t len, uint32_t count)
{
    ilrs_pipe_id_t pipes[16];
    ilrs_bus_t *bus = setup(fanout, 5, pipes);
    uint8_t *pkt = malloc(len);
    if (pkt == NULL) {
        fail("malloc", ILRS_ENOMEM);
    }
    make_packet(pkt, len);
    uint64_t checksum = 0;
    double t0 = now_s();
    for (uint32_t i = 0; i < count; i++) {
        ilrs_ccsds_set_seq_count(pkt, (uint16_t)i);
        int rc = ilrs_bus_publish(bus, pkt, len);
        if (__builtin_expect(rc != 0, 0)) {
            fail("publish", rc);
        }
        for (uint32_t p = 0; p < fanout; p++) {
            const uint8_t *got;
            size_t got_len;
            rc = ilrs_bus_receive(bus, pipes[p], &got, &got_len);
            if (__builtin_expect(rc != 0, 0)) {
                fail("receive", rc);
            }
            checksum += got[3] + got_len;
        }
    }
    double elapsed = now_s() - t0;
    uint64_t expect = 0;
    for (uint32_t i = 0; i < count; i++) {
        expect += fanout * ((i & 0xFFu) + len);
    }
    if (checksum != expect) {
        fprintf(stderr, "bench_bus: received data differ from what was sent\n");
        exit(1);
    }
    ilrs_bus_stats_t s;
    ilrs_bus_get_stats(bus, &s);
    if (s.delivered != (uint64_t)count * fanout) {
        fprintf(stderr, "bench_bus: %llu deliveries, expected %llu\n",
                (unsigned long long)s.delivered, (unsigned long long)count * fanout);
        exit(1);
    }
    free(pkt);
    ilrs_bus_destroy(bus);
    return elapsed;
}

/* Zero-copy: alloc, write the header and a few payload octets in place, publish,
 * receive. */
static double run_zero_copy(size_t len, uint32_t count)
{
    ilrs_pipe_id_t pipe;
    ilrs_bus_t *bus = setup(1, 5, &pipe);
    uint64_t checksum = 0;
    double t0 = now_s();
    for (uint32_t i = 0; i < count; i++) {
        uint8_t *buf = ilrs_bus_alloc(bus, len);
        if (__builtin_expect(buf == NULL, 0)) {
            fail("alloc", ILRS_EFSW_NOBUF);
        }
        buf[0] = (uint8_t)(0x08u | (APID >> 8));
        buf[1] = (uint8_t)APID;
        ilrs_put_be16(buf + 2, (uint16_t)(0xC000u | (i & 0x3FFFu)));
        ilrs_put_be16(buf + 4, (uint16_t)(len - 7u));
        ilrs_put_be32(buf + 12, i);
        int rc = ilrs_bus_publish_zc(bus, buf, len);
        if (__builtin_expect(rc != 0, 0)) {
            fail("publish_zc", rc);
        }
        const uint8_t *got;
        size_t got_len;
        rc = ilrs_bus_receive(bus, pipe, &got, &got_len);
        if (__builtin_expect(rc != 0 || got != buf, 0)) {
            fail("receive", rc);
        }
        checksum += ilrs_get_be32(got + 12);
    }
    double elapsed = now_s() - t0;
    if (checksum != (uint64_t)count * (count - 1u) / 2u) {
        fprintf(stderr, "bench_bus: zero-copy data differ\n");
        exit(1);
    }
    ilrs_bus_destroy(bus);
    return elapsed;
}

static double best_rate(uint32_t fanout, size_t len, uint32_t count, bool zero_copy)
{
    double best = 0;
    for (int r = 0; r < REPS; r++) {
        double t = zero_copy ? run_zero_copy(len, count) : run_copy(fanout, len, count);
        double rate = (double)count * (zero_copy ? 1 : fanout) / t;
        if (rate > best) {
            best = rate;
        }
    }
    return best;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Publish→receive latency of single small messages: each sample times one publish
 * and the receive that returns it, minus the median cost of reading the clock. */
static void latency(uint64_t *p50, uint64_t *p99)
{
    uint64_t *samples = malloc(LATENCY_SAMPLES * sizeof *samples);
    uint64_t *clock_cost = malloc(LATENCY_SAMPLES * sizeof *clock_cost);
    if (samples == NULL || clock_cost == NULL) {
        fail("malloc", ILRS_ENOMEM);
    }
    ilrs_pipe_id_t pipe;
    ilrs_bus_t *bus = setup(1, 5, &pipe);
    uint8_t pkt[SMALL_LEN];
    make_packet(pkt, sizeof pkt);
    *p50 = *p99 = UINT64_MAX;
    for (int r = 0; r < REPS; r++) {
        for (uint32_t i = 0; i < LATENCY_SAMPLES; i++) {
            uint64_t a = now_ns();
            uint64_t b = now_ns();
            clock_cost[i] = b - a;
        }
        for (uint32_t i = 0; i < LATENCY_SAMPLES; i++) {
            const uint8_t *got;
            size_t got_len;
            uint64_t t0 = now_ns();
            int rc = ilrs_bus_publish(bus, pkt, sizeof pkt);
            rc = rc ? rc : ilrs_bus_receive(bus, pipe, &got, &got_len);
            uint64_t t1 = now_ns();
            if (rc != 0) {
                fail("latency", rc);
            }
            samples[i] = t1 - t0;
        }
        qsort(clock_cost, LATENCY_SAMPLES, sizeof *clock_cost, cmp_u64);
        qsort(samples, LATENCY_SAMPLES, sizeof *samples, cmp_u64);
        uint64_t overhead = clock_cost[LATENCY_SAMPLES / 2];
        uint64_t s50 = samples[LATENCY_SAMPLES / 2];
        uint64_t s99 = samples[(uint64_t)LATENCY_SAMPLES * 99u / 100u];
        s50 = s50 > overhead ? s50 - overhead : 0;
        s99 = s99 > overhead ? s99 - overhead : 0;
        fprintf(stderr, "bench_bus: latency run %d: clock read %llu ns, p50 %llu ns, p99 %llu ns\n",
                r, (unsigned long long)overhead, (unsigned long long)s50, (unsigned long long)s99);
        if (s50 < *p50) {
            *p50 = s50;
        }
        if (s99 < *p99) {
            *p99 = s99;
        }
    }
    ilrs_bus_destroy(bus);
    free(samples);
    free(clock_cost);
}

int main(void)
{
    printf("bench: bus_msgs_per_s %.0f msgs/s\n", best_rate(1, SMALL_LEN, BULK_MESSAGES, false));
    printf("bench: bus_fanout_1_msgs_per_s %.0f deliveries/s\n",
           best_rate(1, SMALL_LEN, BULK_MESSAGES, false));
    printf("bench: bus_fanout_4_msgs_per_s %.0f deliveries/s\n",
           best_rate(4, SMALL_LEN, BULK_MESSAGES / 4u, false));
    printf("bench: bus_fanout_16_msgs_per_s %.0f deliveries/s\n",
           best_rate(16, SMALL_LEN, BULK_MESSAGES / 16u, false));
    printf("bench: bus_1k_msgs_per_s %.0f msgs/s\n", best_rate(1, KIB_LEN, BULK_MESSAGES, false));
    printf("bench: bus_zero_copy_msgs_per_s %.0f msgs/s\n",
           best_rate(1, KIB_LEN, BULK_MESSAGES, true));
    uint64_t p50, p99;
    latency(&p50, &p99);
    printf("bench: bus_latency_p50_ns %llu ns\n", (unsigned long long)p50);
    printf("bench: bus_latency_p99_ns %llu ns\n", (unsigned long long)p99);
    ilrs_bus_t *bus = NULL;
    int rc = ilrs_bus_create(NULL, &bus);
    if (rc != 0) {
        fail("create", rc);
    }
    ilrs_bus_stats_t s;
    ilrs_bus_get_stats(bus, &s);
    ilrs_bus_destroy(bus);
    printf("bench: bus_memory_bytes %zu bytes\n", s.memory_bytes);
    fflush(stdout);
    return 0;
}
