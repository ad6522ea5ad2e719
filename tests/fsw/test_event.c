/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the event service (src/fsw/fsw_event.c): binary filters of each mask
 * kind, rate limiting on virtual time, severity and app enables, the log ring,
 * the sink, text truncation and the event packet (decoded back here by hand from
 * the CCSDS and ilrs layouts, independently of the encoder).
 */
#include "ilrs_test.h"

#include <ilrs/fsw.h>

#define APP       7u
#define OTHER_APP 9u

struct fixture {
    ilrs_evs_t *evs;
    ilrs_tai_t now;
    ilrs_evs_record_t last;
    unsigned sink_calls;
};

static ilrs_tai_t fake_clock(void *user)
{
    return ((struct fixture *)user)->now;
}

static void capture_sink(void *user, const ilrs_evs_record_t *record)
{
    struct fixture *fx = user;
    fx->last = *record;
    fx->sink_calls++;
}

static void fixture_open(struct fixture *fx, const ilrs_evs_config_t *config,
                         const ilrs_evs_app_config_t *app)
{
    memset(fx, 0, sizeof(*fx));
    assert_int_equal(ilrs_evs_create(config, &fx->evs), 0);
    ilrs_evs_set_clock(fx->evs, fake_clock, fx);
    ilrs_evs_set_sink(fx->evs, capture_sink, fx);
    ilrs_evs_app_config_t plain = {.name = "TEST_APP"};
    assert_int_equal(ilrs_evs_register(fx->evs, APP, app != NULL ? app : &plain), 0);
}

/* Offer event @p id n times; return a bit string of which were sent (bit i = i-th). */
static uint32_t send_pattern(ilrs_evs_t *evs, uint16_t id, unsigned n)
{
    uint32_t sent = 0;
    for (unsigned i = 0; i < n; i++) {
        int rc = ilrs_evs_send(evs, APP, id, ILRS_EVENT_INFO, "event %u", i);
        assert_true(rc == 0 || rc == ILRS_EFSW_FILTERED);
        if (rc == 0) {
            sent |= UINT32_C(1) << i;
        }
    }
    return sent;
}

static void filters_each_mask_kind(void **state)
{
    (void)state;
    static const ilrs_evs_filter_t filters[] = {
        {1, ILRS_EVS_NO_FILTER},        {2, ILRS_EVS_FIRST_ONE_STOP},
        {3, ILRS_EVS_FIRST_TWO_STOP},   {4, ILRS_EVS_FIRST_8_STOP},
        {5, ILRS_EVS_EVERY_OTHER_ONE},  {6, ILRS_EVS_EVERY_OTHER_TWO},
        {7, ILRS_EVS_EVERY_FOURTH_ONE}, {8, ILRS_EVS_FIRST_16_STOP},
    };
    ilrs_evs_app_config_t app = {.name = "FILT", .filters = filters, .filter_count = 8};
    struct fixture fx;
    fixture_open(&fx, NULL, &app);

    /* Expected patterns follow from (count & mask) == 0 for count = 0..19. */
    const unsigned n = 20;
    for (size_t f = 0; f < sizeof(filters) / sizeof(filters[0]); f++) {
        uint32_t expected = 0;
        uint32_t mask = filters[f].mask;
        if (mask & 0x8000u) {
            mask |= 0xFFFF0000u;
        }
        for (uint32_t c = 0; c < n; c++) {
            if ((c & mask) == 0) {
                expected |= UINT32_C(1) << c;
            }
        }
        assert_int_equal(send_pattern(fx.evs, filters[f].event_id, n), expected);
    }
    /* Spot checks against the cFE meaning of the names. */
    assert_int_equal(ilrs_evs_reset_all_filters(fx.evs, APP), 0);
    assert_int_equal(send_pattern(fx.evs, 2, 5), 0x1u);   /* first one only */
    assert_int_equal(send_pattern(fx.evs, 4, 12), 0xFFu); /* first 8 */
    assert_int_equal(send_pattern(fx.evs, 5, 6), 0x15u);  /* 1st, 3rd, 5th */
    assert_int_equal(send_pattern(fx.evs, 6, 8), 0x33u);  /* 1st, 2nd, 5th, 6th */
    assert_int_equal(send_pattern(fx.evs, 7, 9), 0x111u); /* 1st, 5th, 9th */
    /* An unfiltered event ID is always sent. */
    assert_int_equal(send_pattern(fx.evs, 99, 5), 0x1Fu);

    ilrs_evs_app_stats_t st;
    assert_int_equal(ilrs_evs_get_app_stats(fx.evs, APP, &st), 0);
    assert_int_equal(st.filter_count, 8);
    ilrs_evs_stats_t total;
    ilrs_evs_get_stats(fx.evs, &total);
    assert_int_equal(total.sent + total.filtered, 8 * n + 5 + 12 + 6 + 8 + 9 + 5);
    assert_int_equal(total.sent, st.sent);
    assert_int_equal(total.filtered, st.filtered);
    ilrs_evs_destroy(fx.evs);
}

static void filter_first_n_never_restarts(void **state)
{
    (void)state;
    ilrs_evs_filter_t f = {1, ILRS_EVS_FIRST_ONE_STOP};
    ilrs_evs_app_config_t app = {.name = "FILT", .filters = &f, .filter_count = 1};
    struct fixture fx;
    fixture_open(&fx, NULL, &app);
    /* 70000 offers cross the 16-bit boundary where a wrapping count would resend. */
    unsigned sent = 0;
    for (unsigned i = 0; i < 70000; i++) {
        sent += ilrs_evs_send(fx.evs, APP, 1, ILRS_EVENT_DEBUG, "x") == 0;
    }
    assert_int_equal(sent, 1);
    /* Reset makes it send once more. */
    assert_int_equal(ilrs_evs_reset_filter(fx.evs, APP, 1), 0);
    assert_int_equal(ilrs_evs_send(fx.evs, APP, 1, ILRS_EVENT_DEBUG, "x"), 0);
    assert_int_equal(ilrs_evs_send(fx.evs, APP, 1, ILRS_EVENT_DEBUG, "x"), ILRS_EFSW_FILTERED);
    ilrs_evs_destroy(fx.evs);
}

static void filter_commands(void **state)
{
    (void)state;
    ilrs_evs_config_t cfg = {.max_filters_per_app = 2};
    struct fixture fx;
    fixture_open(&fx, &cfg, NULL);
    assert_int_equal(ilrs_evs_set_filter(fx.evs, APP, 10, ILRS_EVS_FIRST_ONE_STOP), 0);
    assert_int_equal(ilrs_evs_set_filter(fx.evs, APP, 11, ILRS_EVS_FIRST_ONE_STOP), 0);
    assert_int_equal(ilrs_evs_set_filter(fx.evs, APP, 12, ILRS_EVS_FIRST_ONE_STOP), ILRS_ELIMIT);
    assert_int_equal(send_pattern(fx.evs, 10, 3), 0x1u);
    /* Changing the mask resets the count. */
    assert_int_equal(ilrs_evs_set_filter(fx.evs, APP, 10, ILRS_EVS_FIRST_TWO_STOP), 0);
    assert_int_equal(send_pattern(fx.evs, 10, 4), 0x3u);
    assert_int_equal(ilrs_evs_delete_filter(fx.evs, APP, 10), 0);
    assert_int_equal(send_pattern(fx.evs, 10, 3), 0x7u);
    assert_int_equal(ilrs_evs_delete_filter(fx.evs, APP, 10), ILRS_ENOENT);
    assert_int_equal(ilrs_evs_reset_filter(fx.evs, APP, 10), ILRS_ENOENT);
    assert_int_equal(ilrs_evs_set_filter(fx.evs, OTHER_APP, 1, 0), ILRS_EFSW_APP);
    assert_int_equal(ilrs_evs_reset_all_filters(fx.evs, OTHER_APP), ILRS_EFSW_APP);
    ilrs_evs_destroy(fx.evs);
}

static void rate_limit_token_bucket(void **state)
{
    (void)state;
    /* 3 events per 9 s. */
    const ilrs_tai_t window = 9 * ILRS_NS_PER_S; /* divisible by 3 events */
    ilrs_evs_app_config_t app = {
        .name = "RATE", .rate_limit_events = 3, .rate_limit_window = window};
    struct fixture fx;
    fixture_open(&fx, NULL, &app);
    fx.now = 1000 * ILRS_NS_PER_S;
    assert_int_equal(send_pattern(fx.evs, 1, 5), 0x7u); /* burst: bucket of 3 */
    /* One token takes window / 3 to come back. */
    fx.now += window / 3 - 1;
    assert_int_equal(send_pattern(fx.evs, 1, 1), 0x0u);
    fx.now += 1;
    assert_int_equal(send_pattern(fx.evs, 1, 2), 0x1u);
    /* A whole window refills the bucket, but never above its capacity. */
    fx.now += 50 * window;
    assert_int_equal(send_pattern(fx.evs, 1, 5), 0x7u);
    /* Time going backwards refills nothing. */
    fx.now -= window;
    assert_int_equal(send_pattern(fx.evs, 1, 1), 0x0u);

    ilrs_evs_app_stats_t st;
    assert_int_equal(ilrs_evs_get_app_stats(fx.evs, APP, &st), 0);
    assert_int_equal(st.sent, 3 + 1 + 3);
    assert_int_equal(st.rate_limited, 2 + 1 + 1 + 2 + 1);
    ilrs_evs_stats_t total;
    ilrs_evs_get_stats(fx.evs, &total);
    assert_int_equal(total.rate_limited, st.rate_limited);
    assert_int_equal(total.filtered, 0);

    /* Changing the limit; removing it; bad limits. */
    assert_int_equal(ilrs_evs_set_rate_limit(fx.evs, APP, 0, 0), 0);
    assert_int_equal(send_pattern(fx.evs, 1, 10), 0x3FFu);
    assert_int_equal(ilrs_evs_set_rate_limit(fx.evs, APP, 1, 0), ILRS_EINVAL);
    assert_int_equal(ilrs_evs_set_rate_limit(fx.evs, APP, 4, INT64_MAX / 2), ILRS_EINVAL);
    assert_int_equal(ilrs_evs_set_rate_limit(fx.evs, APP, 1, window), 0);
    assert_int_equal(send_pattern(fx.evs, 1, 2), 0x1u);
    ilrs_evs_destroy(fx.evs);
}

static void severity_and_app_enables(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_open(&fx, NULL, NULL);
    ilrs_evs_app_config_t other = {.name = "OTHER"};
    assert_int_equal(ilrs_evs_register(fx.evs, OTHER_APP, &other), 0);

    assert_int_equal(ilrs_evs_set_app_severity_enabled(fx.evs, APP, ILRS_EVENT_DEBUG, false), 0);
    assert_int_equal(ilrs_evs_send(fx.evs, APP, 1, ILRS_EVENT_DEBUG, "d"), ILRS_EFSW_FILTERED);
    assert_int_equal(ilrs_evs_send(fx.evs, APP, 1, ILRS_EVENT_INFO, "i"), 0);
    assert_int_equal(ilrs_evs_send(fx.evs, OTHER_APP, 1, ILRS_EVENT_DEBUG, "d"), 0);

    assert_int_equal(ilrs_evs_set_severity_enabled(fx.evs, ILRS_EVENT_INFO, false), 0);
    assert_int_equal(ilrs_evs_send(fx.evs, APP, 1, ILRS_EVENT_INFO, "i"), ILRS_EFSW_FILTERED);
    assert_int_equal(ilrs_evs_send(fx.evs, OTHER_APP, 1, ILRS_EVENT_INFO, "i"), ILRS_EFSW_FILTERED);
    assert_int_equal(ilrs_evs_send(fx.evs, OTHER_APP, 1, ILRS_EVENT_ERROR, "e"), 0);
    assert_int_equal(ilrs_evs_set_severity_enabled(fx.evs, ILRS_EVENT_INFO, true), 0);

    assert_int_equal(ilrs_evs_set_app_enabled(fx.evs, APP, false), 0);
    assert_int_equal(ilrs_evs_send(fx.evs, APP, 1, ILRS_EVENT_CRITICAL, "c"), ILRS_EFSW_FILTERED);
    assert_int_equal(ilrs_evs_send(fx.evs, OTHER_APP, 1, ILRS_EVENT_CRITICAL, "c"), 0);
    assert_int_equal(ilrs_evs_set_app_enabled(fx.evs, APP, true), 0);
    assert_int_equal(ilrs_evs_send(fx.evs, APP, 1, ILRS_EVENT_CRITICAL, "c"), 0);

    ilrs_evs_app_stats_t st;
    assert_int_equal(ilrs_evs_get_app_stats(fx.evs, APP, &st), 0);
    assert_int_equal(st.disabled, 3);
    assert_int_equal(st.sent, 2);
    assert_int_equal(st.sent_by_severity[ILRS_EVENT_INFO], 1);
    assert_int_equal(st.sent_by_severity[ILRS_EVENT_CRITICAL], 1);
    assert_false(st.severity_enabled[ILRS_EVENT_DEBUG]);
    assert_true(st.severity_enabled[ILRS_EVENT_INFO]);
    ilrs_evs_stats_t total;
    ilrs_evs_get_stats(fx.evs, &total);
    assert_int_equal(total.disabled, 4);
    assert_int_equal(total.sent, 5);
    assert_int_equal(total.sent_by_severity[ILRS_EVENT_DEBUG], 1);
    assert_int_equal(total.sent_by_severity[ILRS_EVENT_ERROR], 1);
    assert_int_equal(total.sent_by_severity[ILRS_EVENT_CRITICAL], 2);

    /* Bad severities and unknown apps are refused and counted. */
    assert_int_equal(ilrs_evs_send(fx.evs, APP, 1, (ilrs_event_severity_t)7, "x"), ILRS_EINVAL);
    assert_int_equal(ilrs_evs_send(fx.evs, 1234, 1, ILRS_EVENT_INFO, "x"), ILRS_EFSW_APP);
    assert_int_equal(
        ilrs_evs_set_app_severity_enabled(fx.evs, APP, (ilrs_event_severity_t)4, false),
        ILRS_EINVAL);
    assert_int_equal(ilrs_evs_set_app_enabled(fx.evs, 1234, false), ILRS_EFSW_APP);
    ilrs_evs_get_stats(fx.evs, &total);
    assert_int_equal(total.invalid, 1);
    assert_int_equal(total.unregistered, 1);
    /* Counter resets. */
    assert_int_equal(ilrs_evs_reset_app_counters(fx.evs, APP), 0);
    assert_int_equal(ilrs_evs_get_app_stats(fx.evs, APP, &st), 0);
    assert_int_equal(st.sent + st.disabled, 0);
    ilrs_evs_reset_counters(fx.evs);
    ilrs_evs_get_stats(fx.evs, &total);
    assert_int_equal(total.sent + total.disabled + total.invalid, 0);
    assert_int_equal(total.apps, 2);
    ilrs_evs_destroy(fx.evs);
}

static void log_ring_overwrite_and_order(void **state)
{
    (void)state;
    ilrs_evs_config_t cfg = {.log_size = 4};
    struct fixture fx;
    fixture_open(&fx, &cfg, NULL);
    ilrs_evs_record_t rec;
    assert_int_equal(ilrs_evs_log_get(fx.evs, 0, &rec), ILRS_ERANGE);
    for (unsigned i = 0; i < 3; i++) {
        fx.now = (ilrs_tai_t)i;
        assert_int_equal(ilrs_evs_send(fx.evs, APP, (uint16_t)i, ILRS_EVENT_INFO, "n=%u", i), 0);
    }
    assert_int_equal(ilrs_evs_log_count(fx.evs), 3);
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(ilrs_evs_log_get(fx.evs, i, &rec), 0);
        assert_int_equal(rec.event_id, i);
    }
    for (unsigned i = 3; i < 10; i++) {
        fx.now = (ilrs_tai_t)i;
        assert_int_equal(ilrs_evs_send(fx.evs, APP, (uint16_t)i, ILRS_EVENT_INFO, "n=%u", i), 0);
    }
    /* Oldest first: events 6, 7, 8, 9 remain; six were overwritten. */
    assert_int_equal(ilrs_evs_log_count(fx.evs), 4);
    for (unsigned i = 0; i < 4; i++) {
        char text[16];
        snprintf(text, sizeof(text), "n=%u", 6 + i);
        assert_int_equal(ilrs_evs_log_get(fx.evs, i, &rec), 0);
        assert_int_equal(rec.event_id, 6 + i);
        assert_int_equal(rec.time, 6 + i);
        assert_int_equal(rec.seq, 7 + i);
        assert_string_equal(rec.text, text);
    }
    assert_int_equal(ilrs_evs_log_get(fx.evs, 4, &rec), ILRS_ERANGE);
    assert_int_equal(rec.event_id, 0);
    ilrs_evs_stats_t total;
    ilrs_evs_get_stats(fx.evs, &total);
    assert_int_equal(total.log_overwritten, 6);
    assert_int_equal(total.log_count, 4);
    assert_int_equal(total.log_size, 4);
    assert_true(total.memory_bytes >= 4 * sizeof(ilrs_evs_record_t));
    ilrs_evs_log_clear(fx.evs);
    assert_int_equal(ilrs_evs_log_count(fx.evs), 0);
    assert_int_equal(ilrs_evs_send(fx.evs, APP, 42, ILRS_EVENT_INFO, "after"), 0);
    assert_int_equal(ilrs_evs_log_get(fx.evs, 0, &rec), 0);
    assert_int_equal(rec.event_id, 42);
    ilrs_evs_destroy(fx.evs);
}

static void sink_gets_fields(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_open(&fx, NULL, NULL);
    fx.now = 123456789012345;
    assert_int_equal(
        ilrs_evs_send(fx.evs, APP, 301, ILRS_EVENT_ERROR, "bus %s at %.1f V", "B", 27.5), 0);
    assert_int_equal(fx.sink_calls, 1);
    assert_int_equal(fx.last.app_id, APP);
    assert_int_equal(fx.last.event_id, 301);
    assert_int_equal(fx.last.severity, ILRS_EVENT_ERROR);
    assert_int_equal(fx.last.time, 123456789012345);
    assert_int_equal(fx.last.seq, 1);
    assert_false(fx.last.truncated);
    assert_string_equal(fx.last.app_name, "TEST_APP");
    assert_string_equal(fx.last.text, "bus B at 27.5 V");
    /* Filtered events never reach the sink; without a sink events are still logged. */
    assert_int_equal(ilrs_evs_set_app_enabled(fx.evs, APP, false), 0);
    assert_int_equal(ilrs_evs_send(fx.evs, APP, 1, ILRS_EVENT_ERROR, "x"), ILRS_EFSW_FILTERED);
    assert_int_equal(fx.sink_calls, 1);
    assert_int_equal(ilrs_evs_set_app_enabled(fx.evs, APP, true), 0);
    ilrs_evs_set_sink(fx.evs, NULL, NULL);
    assert_int_equal(ilrs_evs_send(fx.evs, APP, 2, ILRS_EVENT_INFO, "y"), 0);
    assert_int_equal(fx.sink_calls, 1);
    assert_int_equal(ilrs_evs_log_count(fx.evs), 2);
    ilrs_evs_destroy(fx.evs);
}

static void text_truncation(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_open(&fx, NULL, NULL);
    char long_text[300];
    memset(long_text, 'a', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    assert_int_equal(ilrs_evs_send(fx.evs, APP, 1, ILRS_EVENT_INFO, "%s", long_text), 0);
    assert_true(fx.last.truncated);
    assert_int_equal(strlen(fx.last.text), ILRS_EVS_TEXT_MAX - 1);
    assert_int_equal(fx.last.text[ILRS_EVS_TEXT_MAX - 2], '$');
    assert_int_equal(fx.last.text[ILRS_EVS_TEXT_MAX - 3], 'a');
    /* Exactly the capacity fits without truncation. */
    long_text[ILRS_EVS_TEXT_MAX - 1] = '\0';
    assert_int_equal(ilrs_evs_send(fx.evs, APP, 1, ILRS_EVENT_INFO, "%s", long_text), 0);
    assert_false(fx.last.truncated);
    assert_string_equal(fx.last.text, long_text);
    ilrs_evs_stats_t total;
    ilrs_evs_get_stats(fx.evs, &total);
    assert_int_equal(total.truncated, 1);
    ilrs_evs_destroy(fx.evs);
}

static void packet_encoding_decodes_back(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_open(&fx, NULL, NULL);
    /* 2026-01-01 is about 2145916800 s after 1958; half a second plus 1 ns. */
    const int64_t seconds = 2145916837;
    fx.now = seconds * ILRS_NS_PER_S + 500000001;
    assert_int_equal(ilrs_evs_send(fx.evs, APP, 0xBEEF, ILRS_EVENT_CRITICAL, "fault %d", -3), 0);
    uint8_t pkt[ILRS_EVS_PACKET_LEN + 8];
    size_t len = 99;
    assert_int_equal(ilrs_evs_packet_encode(&fx.last, 0x123, pkt, sizeof(pkt), &len), 0);
    assert_int_equal(len, ILRS_EVS_PACKET_LEN);

    /* Primary header, CCSDS 133.0-B-2 §4.1.3, decoded bit by bit. */
    unsigned word0 = ((unsigned)pkt[0] << 8) | pkt[1];
    assert_int_equal(word0 >> 13, 0);        /* version */
    assert_int_equal((word0 >> 12) & 1u, 0); /* telemetry */
    assert_int_equal((word0 >> 11) & 1u, 1); /* secondary header */
    assert_int_equal(word0 & 0x7FFu, 0x123); /* APID */
    unsigned word1 = ((unsigned)pkt[2] << 8) | pkt[3];
    assert_int_equal(word1 >> 14, 3); /* unsegmented */
    unsigned data_length = ((unsigned)pkt[4] << 8) | pkt[5];
    assert_int_equal(data_length + 7, len);
    /* CUC 4+2: coarse seconds, fine in 2^-16 s truncated: 0.500000001 s -> 32768. */
    uint32_t coarse =
        ((uint32_t)pkt[6] << 24) | ((uint32_t)pkt[7] << 16) | ((uint32_t)pkt[8] << 8) | pkt[9];
    assert_int_equal(coarse, seconds);
    assert_int_equal(((unsigned)pkt[10] << 8) | pkt[11], 32768);

    /* The ccsds codec agrees: a valid packet, telemetry time to 2^-16 s. */
    size_t checked_len = 0;
    assert_int_equal(ilrs_ccsds_packet_check(pkt, len, &checked_len), 0);
    assert_int_equal(checked_len, ILRS_EVS_PACKET_LEN);
    ilrs_tai_t decoded = 0;
    assert_int_equal(ilrs_ccsds_tlm_get_time(pkt, len, &decoded), 0);
    assert_true(decoded <= fx.now && fx.now - decoded < ILRS_NS_PER_S / 65536 + 1);

    /* User data, at the offsets the dictionary definition gives. */
    ilrs_dict_packet_t def;
    ilrs_evs_packet_def(0x123, &def);
    assert_string_equal(def.name, "EVS_EVENT");
    assert_int_equal(def.apid, 0x123);
    uint32_t offset = ILRS_CCSDS_TLM_HEADER_LEN;
    for (size_t i = 0; i < def.field_count; i++) {
        const ilrs_dict_field_t *f = &def.fields[i];
        const uint8_t *p = pkt + offset;
        if (strcmp(f->name, "app_name") == 0) {
            assert_int_equal(f->length, ILRS_EVS_APP_NAME_MAX);
            assert_memory_equal(p, "TEST_APP\0", 9);
        } else if (strcmp(f->name, "app_id") == 0) {
            assert_int_equal(((unsigned)p[0] << 8) | p[1], APP);
        } else if (strcmp(f->name, "event_id") == 0) {
            assert_int_equal(((unsigned)p[0] << 8) | p[1], 0xBEEF);
        } else if (strcmp(f->name, "severity") == 0) {
            assert_int_equal(p[0], ILRS_EVENT_CRITICAL);
            assert_int_equal(f->enum_count, 4);
        } else if (strcmp(f->name, "seq") == 0) {
            assert_int_equal(
                ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3], 1);
        } else if (strcmp(f->name, "truncated") == 0) {
            assert_int_equal(p[0], 0);
        } else if (strcmp(f->name, "text") == 0) {
            assert_int_equal(f->length, ILRS_EVS_TEXT_MAX);
            assert_string_equal((const char *)p, "fault -3");
            for (size_t k = strlen("fault -3"); k < f->length; k++) {
                assert_int_equal(p[k], 0); /* NUL padded */
            }
        } else {
            fail_msg("unexpected field %s", f->name);
        }
        static const uint32_t sizes[] = {
            [ILRS_DICT_U8] = 1, [ILRS_DICT_U16] = 2, [ILRS_DICT_U32] = 4, [ILRS_DICT_BOOL] = 1};
        offset += (f->type == ILRS_DICT_STRING) ? f->length : sizes[f->type];
    }
    assert_int_equal(offset, ILRS_EVS_PACKET_LEN);

    /* Errors: small buffer, APID, time before the epoch; len is 0 after failure. */
    assert_int_equal(ilrs_evs_packet_encode(&fx.last, 0x123, pkt, ILRS_EVS_PACKET_LEN - 1, &len),
                     ILRS_ECCSDS_TOOSMALL);
    assert_int_equal(len, 0);
    assert_int_equal(ilrs_evs_packet_encode(&fx.last, 2048, pkt, sizeof(pkt), &len),
                     ILRS_ECCSDS_APID);
    ilrs_evs_record_t early = fx.last;
    early.time = -1;
    assert_int_equal(ilrs_evs_packet_encode(&early, 1, pkt, sizeof(pkt), &len), ILRS_ERANGE);
    ilrs_evs_destroy(fx.evs);
}

static void registration_errors(void **state)
{
    (void)state;
    ilrs_evs_t *evs = NULL;
    ilrs_evs_config_t bad = {.log_size = (1u << 20) + 1};
    assert_int_equal(ilrs_evs_create(&bad, &evs), ILRS_EINVAL);
    assert_null(evs);
    ilrs_evs_config_t cfg = {.max_apps = 2, .max_filters_per_app = 1};
    assert_int_equal(ilrs_evs_create(&cfg, &evs), 0);
    ilrs_evs_app_config_t a = {.name = "A"};
    assert_int_equal(ilrs_evs_register(evs, 1, &a), 0);
    assert_int_equal(ilrs_evs_register(evs, 1, &a), ILRS_EEXIST);
    ilrs_evs_app_config_t noname = {.name = ""};
    assert_int_equal(ilrs_evs_register(evs, 2, &noname), ILRS_EINVAL);
    ilrs_evs_app_config_t longname = {.name = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"};
    assert_int_equal(ilrs_evs_register(evs, 2, &longname), ILRS_EINVAL);
    ilrs_evs_filter_t two[] = {{1, 0}, {2, 0}};
    ilrs_evs_app_config_t many = {.name = "B", .filters = two, .filter_count = 2};
    assert_int_equal(ilrs_evs_register(evs, 2, &many), ILRS_ELIMIT);
    ilrs_evs_filter_t dup[] = {{1, 0}, {1, 1}};
    ilrs_evs_app_config_t dupc = {.name = "B", .filters = dup, .filter_count = 2};
    assert_int_equal(ilrs_evs_register(evs, 2, &dupc), ILRS_EINVAL);
    ilrs_evs_app_config_t badrate = {.name = "B", .rate_limit_events = 2};
    assert_int_equal(ilrs_evs_register(evs, 2, &badrate), ILRS_EINVAL);
    assert_int_equal(ilrs_evs_register(evs, 2, &a), 0);
    assert_int_equal(ilrs_evs_register(evs, 3, &a), ILRS_ELIMIT);
    assert_true(ilrs_evs_is_registered(evs, 2));
    assert_int_equal(ilrs_evs_unregister(evs, 2), 0);
    assert_false(ilrs_evs_is_registered(evs, 2));
    assert_int_equal(ilrs_evs_unregister(evs, 2), ILRS_EFSW_APP);
    assert_int_equal(ilrs_evs_register(evs, 3, &a), 0);
    /* Without a clock events carry time 0. */
    assert_int_equal(ilrs_evs_send(evs, 3, 1, ILRS_EVENT_INFO, "t"), 0);
    ilrs_evs_record_t rec;
    assert_int_equal(ilrs_evs_log_get(evs, 0, &rec), 0);
    assert_int_equal(rec.time, 0);
    ilrs_evs_app_stats_t st;
    assert_int_equal(ilrs_evs_get_app_stats(evs, 2, &st), ILRS_EFSW_APP);
    ilrs_evs_destroy(evs);
    ilrs_evs_destroy(NULL);
}

/* The instance's wiring, in small: sink -> packet -> bus -> pipe. */
struct bus_sink {
    ilrs_bus_t *bus;
    int last_rc;
};

static void publish_sink(void *user, const ilrs_evs_record_t *record)
{
    struct bus_sink *bs = user;
    uint8_t pkt[ILRS_EVS_PACKET_LEN];
    size_t len;
    bs->last_rc = ilrs_evs_packet_encode(record, 0x0E1, pkt, sizeof(pkt), &len);
    if (bs->last_rc == 0) {
        bs->last_rc = ilrs_bus_publish(bs->bus, pkt, len);
    }
}

static void packet_published_on_bus(void **state)
{
    (void)state;
    struct bus_sink bs = {0};
    assert_int_equal(ilrs_bus_create(NULL, &bs.bus), 0);
    ilrs_pipe_id_t pipe;
    assert_int_equal(ilrs_bus_pipe_create(bs.bus, "EVS_TEST", 4, &pipe), 0);
    assert_int_equal(ilrs_bus_subscribe(bs.bus, pipe, ilrs_msgid_tlm(0x0E1), 0), 0);
    ilrs_evs_t *evs;
    assert_int_equal(ilrs_evs_create(NULL, &evs), 0);
    ilrs_evs_set_sink(evs, publish_sink, &bs);
    ilrs_evs_app_config_t app = {.name = "BUS_APP"};
    assert_int_equal(ilrs_evs_register(evs, 3, &app), 0);
    assert_int_equal(ilrs_evs_send(evs, 3, 17, ILRS_EVENT_INFO, "hello %s", "bus"), 0);
    assert_int_equal(bs.last_rc, 0);
    const uint8_t *pkt;
    size_t len;
    assert_int_equal(ilrs_bus_receive(bs.bus, pipe, &pkt, &len), 0);
    assert_int_equal(len, ILRS_EVS_PACKET_LEN);
    assert_int_equal(ilrs_msgid_of(pkt), ilrs_msgid_tlm(0x0E1));
    assert_int_equal(((unsigned)pkt[34] << 8) | pkt[35], 17);
    assert_string_equal((const char *)pkt + 42, "hello bus");
    assert_string_equal((const char *)pkt + 12, "BUS_APP");
    ilrs_evs_destroy(evs);
    ilrs_bus_destroy(bs.bus);
}

/* The dictionary accepts the event packet definition, computes the documented
 * layout, and decodes an encoded event with its generic field readers. */
static void packet_definition_in_dictionary(void **state)
{
    (void)state;
    ilrs_dict_t *dict;
    assert_int_equal(ilrs_dict_create(&dict), 0);
    ilrs_dict_packet_t def;
    ilrs_evs_packet_def(0x0E1, &def);
    const ilrs_dict_packet_t *stored = NULL;
    assert_int_equal(ilrs_dict_add_packet(dict, &def, &stored), 0);
    assert_non_null(stored);
    assert_int_equal(stored->length, ILRS_EVS_PACKET_LEN);
    static const struct {
        const char *name;
        uint32_t offset;
    } layout[] = {{"app_name", 12}, {"app_id", 32},    {"event_id", 34}, {"severity", 36},
                  {"seq", 37},      {"truncated", 41}, {"text", 42}};
    for (size_t i = 0; i < sizeof(layout) / sizeof(layout[0]); i++) {
        const ilrs_dict_field_t *f = ilrs_dict_find_field(stored, layout[i].name);
        assert_non_null(f);
        assert_int_equal(f->offset, layout[i].offset);
    }
    assert_ptr_equal(ilrs_dict_find_packet_by_name(dict, "EVS_EVENT"), stored);

    struct fixture fx;
    fixture_open(&fx, NULL, NULL);
    assert_int_equal(ilrs_evs_send(fx.evs, APP, 4242, ILRS_EVENT_CRITICAL, "t"), 0);
    uint8_t pkt[ILRS_EVS_PACKET_LEN];
    size_t len;
    assert_int_equal(ilrs_evs_packet_encode(&fx.last, 0x0E1, pkt, sizeof(pkt), &len), 0);
    int64_t value = 0;
    const ilrs_dict_field_t *sev = ilrs_dict_find_field(stored, "severity");
    assert_int_equal(ilrs_dict_get_int(sev, pkt, len, &value), 0);
    assert_string_equal(ilrs_dict_enum_label(sev, value), "CRITICAL");
    assert_int_equal(ilrs_dict_get_int(ilrs_dict_find_field(stored, "event_id"), pkt, len, &value),
                     0);
    assert_int_equal(value, 4242);
    assert_int_equal(ilrs_dict_get_int(ilrs_dict_find_field(stored, "app_id"), pkt, len, &value),
                     0);
    assert_int_equal(value, APP);
    ilrs_evs_destroy(fx.evs);
    ilrs_dict_destroy(dict);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(filters_each_mask_kind),
    cmocka_unit_test(filter_first_n_never_restarts),
    cmocka_unit_test(filter_commands),
    cmocka_unit_test(rate_limit_token_bucket),
    cmocka_unit_test(severity_and_app_enables),
    cmocka_unit_test(log_ring_overwrite_and_order),
    cmocka_unit_test(sink_gets_fields),
    cmocka_unit_test(text_truncation),
    cmocka_unit_test(packet_encoding_decodes_back),
    cmocka_unit_test(registration_errors),
    cmocka_unit_test(packet_published_on_bus),
    cmocka_unit_test(packet_definition_in_dictionary),
};
ILRS_TEST_MAIN(tests)
