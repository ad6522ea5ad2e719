// SPDX-License-Identifier: Apache-2.0
//
// Space link endpoints end to end: flight instance + LINK app ↔ ground link
// (link_rig.h): telemetry archived byte-identical, command states queued → sent →
// accepted → executed (failed for an argument the station's dictionary refuses),
// exactly-once in-order commanding over a lossy channel (COP-1), rate limiting,
// bad frames counted on both ends, and the same over loopback UDP.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apps/apps_test_hal.h"
#include "link/link_rig.h"

static bool all_final(rig_t *r, const int64_t *ids, size_t n, ilrs_ground_cmd_state_t at_least)
{
    for (size_t i = 0; i < n; i++) {
        if (rig_state(r, ids[i], NULL, 0) < at_least) {
            return false;
        }
    }
    return true;
}

/* Every packet the ground delivered is byte-identical to one flight published. */
static size_t find_sent(const rig_t *r, const uint8_t *pkt, size_t len)
{
    for (size_t i = 0; i < r->sent_n; i++) {
        if (r->sent[i].len == len && memcmp(r->sent[i].data, pkt, len) == 0) {
            return i;
        }
    }
    return SIZE_MAX;
}

typedef struct arch_scan {
    const rig_t *r;
    size_t n, matched;
} arch_scan_t;

static int arch_cb(void *user, const ilrs_ground_packet_t *p)
{
    arch_scan_t *s = user;
    s->n++;
    if (find_sent(s->r, p->data, p->len) != SIZE_MAX) {
        s->matched++;
    }
    return 0;
}

static size_t count_events(rig_t *r, const char *app, uint16_t id)
{
    ilrs_evs_t *evs = ilrs_fsw_evs(r->fsw);
    size_t n = 0;
    for (size_t i = 0; i < ilrs_evs_log_count(evs); i++) {
        ilrs_evs_record_t rec;
        assert_int_equal(ilrs_evs_log_get(evs, i, &rec), 0);
        if (strcmp(rec.app_name, app) == 0 && rec.event_id == id) {
            n++;
        }
    }
    return n;
}

static void telemetry_and_commands(void **state)
{
    (void)state;
    rig_t r;
    rig_init(&r, 0, 0, 0, 1);
    for (int i = 0; i < 10; i++) {
        rig_step(&r);
    }
    const unsigned values[] = {5, 6, 7, 200, 8};
    int64_t ids[5];
    for (size_t i = 0; i < 5; i++) {
        ids[i] = rig_command(&r, values[i], values[i] > 100);
        assert_int_equal(rig_state(&r, ids[i], NULL, 0), ILRS_GROUND_CMDSTATE_QUEUED);
    }
    for (int i = 0; i < 100 && !all_final(&r, ids, 5, ILRS_GROUND_CMDSTATE_EXECUTED); i++) {
        rig_step(&r);
    }
    /* "executed" = accepted by the station's ingest; the app runs it at its next step */
    rig_step(&r);
    /* the commands the dictionary accepts ran once each, in order */
    assert_int_equal(r.echo.got_n, 4);
    assert_int_equal(r.echo.got[0], 5);
    assert_int_equal(r.echo.got[1], 6);
    assert_int_equal(r.echo.got[2], 7);
    assert_int_equal(r.echo.got[3], 8);
    char detail[160];
    for (size_t i = 0; i < 5; i++) {
        ilrs_ground_cmd_state_t st = rig_state(&r, ids[i], detail, sizeof detail);
        if (values[i] > 100) {
            assert_int_equal(st, ILRS_GROUND_CMDSTATE_FAILED);
            assert_non_null(strstr(detail, "ingest"));
        } else {
            assert_int_equal(st, ILRS_GROUND_CMDSTATE_EXECUTED);
        }
    }
    ilrs_ground_link_stats_t gs;
    ilrs_ground_link_get_stats(r.gl, &gs);
    /* the store accepts only queued → sent → accepted → executed (or → failed) */
    assert_int_equal(gs.update_errors, 0);
    assert_int_equal(gs.commands_sent, 5);
    assert_int_equal(gs.commands_accepted, 5);
    assert_int_equal(gs.commands_executed, 4);
    assert_int_equal(gs.commands_failed, 1);
    assert_int_equal(gs.responses, 5);
    ilrs_link_status_t ls;
    ilrs_link_app_status(r.link, &ls);
    assert_int_equal(ls.cmd_accepted, 4);
    assert_int_equal(ls.cmd_rejected, 1);
    assert_int_equal(ls.farm_accepted, 5 + 1); /* + the Set V(R) control frame */
    /* telemetry: nothing lost, everything archived byte-identical */
    for (int i = 0; i < 10; i++) {
        rig_step(&r);
    }
    ilrs_ground_link_get_stats(r.gl, &gs);
    assert_int_equal(gs.packets_lost, 0);
    assert_int_equal(gs.tm_frames_lost, 0);
    assert_int_equal(gs.tm_crc + gs.tm_scid + gs.tm_format, 0);
    assert_true(gs.packets > 20);
    assert_int_equal(gs.packets, r.got_n);
    assert_int_equal(gs.archived, gs.packets);
    assert_int_equal(gs.archive_rejected + gs.archive_errors, 0);
    for (size_t i = 0; i < r.got_n; i++) {
        assert_int_not_equal(find_sent(&r, r.got[i].data, r.got[i].len), SIZE_MAX);
    }
    /* flight published at most one 100 ms step more than the ground got */
    assert_true(r.sent_n >= r.got_n && r.sent_n - r.got_n < 40);
    assert_int_equal(ilrs_ground_archive_flush(r.archive), 0);
    arch_scan_t scan = {.r = &r};
    assert_int_equal(
        ilrs_ground_archive_packets(r.archive, NULL, 0xFFFF, INT64_MIN, INT64_MAX, arch_cb, &scan),
        0);
    assert_int_equal(scan.n, gs.archived);
    assert_int_equal(scan.matched, scan.n);
    rig_fini(&r);
}

static void lossy_channel_exactly_once(void **state)
{
    (void)state;
    rig_t r;
    rig_init(&r, 0, 0.2, 0.2, UINT64_C(0x9E3779B97F4A7C15));
    for (int i = 0; i < 10; i++) {
        rig_step(&r);
    }
    enum { N = 30 };
    int64_t ids[N];
    for (size_t i = 0; i < N; i++) {
        ids[i] = rig_command(&r, (unsigned)i, false);
    }
    for (int i = 0;
         i < 2000 && (r.echo.got_n < N || !all_final(&r, ids, N, ILRS_GROUND_CMDSTATE_ACCEPTED));
         i++) {
        rig_step(&r);
    }
    assert_int_equal(r.echo.got_n, N);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(r.echo.got[i], i);
        ilrs_ground_cmd_state_t st = rig_state(&r, ids[i], NULL, 0);
        /* executed, or accepted when the response packet was among the lost frames */
        assert_true(st == ILRS_GROUND_CMDSTATE_EXECUTED || st == ILRS_GROUND_CMDSTATE_ACCEPTED);
    }
    ilrs_ground_link_stats_t gs;
    ilrs_ground_link_get_stats(r.gl, &gs);
    assert_true(r.dropped_down > 0 && r.dropped_up > 0);
    assert_true(gs.tc_retransmissions > 0);
    assert_int_equal(gs.commands_failed, 0);
    assert_int_equal(gs.update_errors, 0);
    /* lost telemetry is counted: frames from the master channel count, packets per APID */
    assert_true(gs.tm_frames_lost > 0);
    assert_true(gs.packets_lost > 0);
    assert_true(gs.tm_frames_lost <= r.dropped_down);
    ilrs_link_status_t ls;
    ilrs_link_app_status(r.link, &ls);
    assert_true(ls.farm_rejected > 0);
    assert_int_equal(ls.cmd_accepted, N);
    /* what arrived is still byte-identical */
    for (size_t i = 0; i < r.got_n; i++) {
        assert_int_not_equal(find_sent(&r, r.got[i].data, r.got[i].len), SIZE_MAX);
    }
    rig_fini(&r);
}

static void rate_limited_downlink(void **state)
{
    (void)state;
    rig_t r;
    const double rate = 16384; /* 4 frames of 512 octets per second */
    rig_init(&r, rate, 0, 0, 3);
    size_t frames = 0;
    for (int i = 0; i < 50; i++) {
        assert_int_equal(ilrs_fsw_run(r.fsw, INT64_C(100000000)), 0);
        frames += r.down_n;
        for (size_t k = 0; k < r.down_n; k++) {
            (void)ilrs_ground_link_tm_frame(r.gl, r.down[k], RIG_FRAME_LEN, rig_now(&r));
        }
        r.down_n = 0;
    }
    /* 5 s at 16384 bit/s: at most 20 frames, plus the one-frame allowance */
    assert_true(frames <= (size_t)(rate * 5.0 / (8.0 * RIG_FRAME_LEN)) + 1);
    assert_true(frames >= (size_t)(rate * 5.0 / (8.0 * RIG_FRAME_LEN)) - 2);
    ilrs_link_status_t ls;
    ilrs_link_app_status(r.link, &ls);
    /* the science stream (17 kbit/s) exceeds the rate: data waits, then the queue fills */
    assert_true(ls.rate_limited > 0);
    assert_int_equal(ls.tm_frames, frames);
    rig_fini(&r);
}

/* The rate and the link state come from the hal radio (64 kbit/s in the test hal). */
static void hal_rate_and_link_state(void **state)
{
    (void)state;
    th_t hal;
    th_init(&hal);
    assert_int_equal(th_add_radio(&hal, "radio.dte", true), 0);
    rig_t r;
    rig_init_hal(&r, 0, 0, 0, 13, &hal.hal, "radio.dte");
    const double frame_bits = 8.0 * RIG_FRAME_LEN;
    assert_int_equal(ilrs_fsw_run(r.fsw, INT64_C(5000000000)), 0);
    size_t up = r.down_n;
    assert_true(up <= (size_t)(64000.0 * 5.0 / frame_bits) + 1);
    /* 6400 bit per 100 ms step: at least one frame (data or the idle CLCW carrier) each step */
    assert_true(up >= 49);
    r.down_n = 0;
    hal.radio_up[0] = false;
    assert_int_equal(ilrs_fsw_run(r.fsw, INT64_C(2000000000)), 0);
    assert_int_equal(r.down_n, 0); /* no link: nothing sent, nothing saved for later */
    hal.radio_up[0] = true;
    assert_int_equal(ilrs_fsw_run(r.fsw, INT64_C(100000000)), 0);
    assert_true(r.down_n <= (size_t)(64000.0 * 0.1 / frame_bits) + 1);
    rig_fini(&r);
}

static void bad_frames_counted(void **state)
{
    (void)state;
    rig_t r;
    rig_init(&r, 0, 0, 0, 5);
    /* flight only: the ground's FOP-1 stays silent (no Set V(R) frame) */
    assert_int_equal(ilrs_fsw_run(r.fsw, INT64_C(100000000)), 0);
    /* uplink: wrong spacecraft, bad FECF, too short, a frame far out of sequence */
    ilrs_ccsds_tc_config_t other = {.scid = RIG_SCID + 1, .has_fecf = true};
    ilrs_ccsds_tc_config_t ours = {.scid = RIG_SCID, .has_fecf = true};
    uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint8_t f[64];
    size_t len = 0;
    ilrs_ccsds_tc_frame_t tf = {.vcid = 0, .seq = 0, .data = data, .data_len = sizeof data};
    assert_int_equal(ilrs_ccsds_tc_frame_encode(&other, &tf, f, sizeof f, &len), 0);
    assert_int_equal(ilrs_link_app_uplink(r.link, f, len), 0);
    assert_int_equal(ilrs_ccsds_tc_frame_encode(&ours, &tf, f, sizeof f, &len), 0);
    f[6] ^= 0x40;
    assert_int_equal(ilrs_link_app_uplink(r.link, f, len), 0);
    assert_int_equal(ilrs_link_app_uplink(r.link, f, 3), 0);
    tf.seq = 100; /* outside both FARM windows: lockout */
    assert_int_equal(ilrs_ccsds_tc_frame_encode(&ours, &tf, f, sizeof f, &len), 0);
    assert_int_equal(ilrs_link_app_uplink(r.link, f, len), 0);
    /* a bypass frame whose data is not a space packet */
    tf = (ilrs_ccsds_tc_frame_t){.vcid = 0, .bypass = true, .data = data, .data_len = 3};
    assert_int_equal(ilrs_ccsds_tc_frame_encode(&ours, &tf, f, sizeof f, &len), 0);
    assert_int_equal(ilrs_link_app_uplink(r.link, f, len), 0);
    assert_int_equal(ilrs_link_app_uplink(r.link, NULL, 4), ILRS_EINVAL);
    assert_int_equal(ilrs_fsw_run(r.fsw, INT64_C(100000000)), 0);
    ilrs_link_status_t ls;
    ilrs_link_app_status(r.link, &ls);
    assert_int_equal(ls.tc_frames, 5);
    assert_int_equal(ls.tc_scid, 1);
    assert_int_equal(ls.tc_crc, 1);
    assert_int_equal(ls.tc_format, 1);
    assert_int_equal(ls.farm_rejected, 1);
    assert_int_equal(ls.farm_lockouts, 1);
    assert_int_equal(ls.farm_accepted, 1);
    assert_int_equal(ls.cmd_bad, 1);
    assert_int_equal(count_events(&r, "LINK", 10), 3);
    assert_int_equal(count_events(&r, "LINK", 11), 1);
    /* queue overflow is refused and counted */
    for (int i = 0; i < ILRS_LINK_UPLINK_QUEUE; i++) {
        assert_int_equal(ilrs_link_app_uplink(r.link, f, len), 0);
    }
    assert_int_equal(ilrs_link_app_uplink(r.link, f, len), ILRS_EFULL);
    ilrs_link_app_status(r.link, &ls);
    assert_int_equal(ls.tc_queue_full, 1);
    /* downlink: a corrupted frame, another spacecraft's frame, a short frame */
    assert_true(r.down_n > 0);
    uint8_t tm[RIG_FRAME_LEN];
    memcpy(tm, r.down[0], RIG_FRAME_LEN);
    tm[100] ^= 1;
    assert_int_equal(ilrs_ground_link_tm_frame(r.gl, tm, RIG_FRAME_LEN, rig_now(&r)), ILRS_ECRC);
    ilrs_ccsds_tm_config_t tmc = {
        .scid = RIG_SCID + 1, .frame_len = RIG_FRAME_LEN, .has_ocf = true, .has_fecf = true};
    ilrs_ccsds_tm_mux_t mux;
    assert_int_equal(ilrs_ccsds_tm_mux_init(&mux, &tmc), 0);
    assert_int_equal(ilrs_ccsds_tm_mux_next_frame(&mux, 0, tm, sizeof tm, NULL), 0);
    assert_int_equal(ilrs_ground_link_tm_frame(r.gl, tm, RIG_FRAME_LEN, rig_now(&r)),
                     ILRS_ECCSDS_SCID);
    assert_int_equal(ilrs_ground_link_tm_frame(r.gl, tm, 10, rig_now(&r)),
                     ILRS_ECCSDS_FRAME_LENGTH);
    ilrs_ground_link_stats_t gs;
    ilrs_ground_link_get_stats(r.gl, &gs);
    assert_int_equal(gs.tm_crc, 1);
    assert_int_equal(gs.tm_scid, 1);
    assert_int_equal(gs.tm_format, 1);
    /* a command that is not a command packet is refused and marked failed */
    uint8_t junk[4] = {0};
    assert_int_equal(ilrs_ground_link_command(r.gl, 77, junk, sizeof junk, 0), ILRS_EINVAL);
    ilrs_ground_link_get_stats(r.gl, &gs);
    assert_int_equal(gs.commands_refused, 1);
    rig_fini(&r);
}

static int udp_socket(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    socklen_t sl = sizeof sa;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

static void udp_loopback(void **state)
{
    (void)state;
    rig_t r;
    rig_init(&r, 0, 0, 0, 7);
    uint16_t station_port = 0;
    int station = udp_socket(&station_port);
    assert_int_equal(ilrs_ground_link_udp_open(r.gl, "127.0.0.1", 0, "127.0.0.1", station_port), 0);
    assert_int_equal(ilrs_ground_link_udp_open(r.gl, "127.0.0.1", 0, NULL, 0), ILRS_ESTATE);
    struct sockaddr_in ground = {.sin_family = AF_INET,
                                 .sin_port = htons(ilrs_ground_link_udp_port(r.gl))};
    ground.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int64_t ids[3];
    for (size_t i = 0; i < 3; i++) {
        ids[i] = rig_command(&r, (unsigned)(40 + i), false);
    }
    for (int i = 0; i < 300 && !all_final(&r, ids, 3, ILRS_GROUND_CMDSTATE_EXECUTED); i++) {
        assert_int_equal(ilrs_fsw_run(r.fsw, INT64_C(100000000)), 0);
        for (size_t k = 0; k < r.down_n; k++) {
            assert_int_equal(sendto(station, r.down[k], RIG_FRAME_LEN, 0,
                                    (struct sockaddr *)&ground, sizeof ground),
                             RIG_FRAME_LEN);
        }
        r.down_n = 0;
        assert_int_equal(ilrs_ground_link_udp_service(r.gl, 5), 0);
        uint8_t tc[1100];
        ssize_t n;
        while ((n = recv(station, tc, sizeof tc, MSG_DONTWAIT)) > 0) {
            assert_int_equal(ilrs_link_app_uplink(r.link, tc, (size_t)n), 0);
        }
    }
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(rig_state(&r, ids[i], NULL, 0), ILRS_GROUND_CMDSTATE_EXECUTED);
    }
    assert_int_equal(ilrs_fsw_run(r.fsw, INT64_C(100000000)), 0);
    assert_int_equal(r.echo.got_n, 3);
    assert_int_equal(r.echo.got[2], 42);
    ilrs_ground_link_stats_t gs;
    ilrs_ground_link_get_stats(r.gl, &gs);
    assert_true(gs.datagrams > 0);
    assert_int_equal(gs.datagrams, gs.tm_frames);
    assert_true(gs.archived > 0);
    assert_int_equal(gs.send_errors, 0);
    close(station);
    rig_fini(&r);
}

/* The service thread takes datagrams and FOP-1 runs while the server's thread adds commands. */
static void udp_service_thread(void **state)
{
    (void)state;
    rig_t r;
    rig_init(&r, 0, 0, 0, 9);
    uint16_t station_port = 0;
    int station = udp_socket(&station_port);
    assert_int_equal(ilrs_ground_link_udp_open(r.gl, "127.0.0.1", 0, "127.0.0.1", station_port), 0);
    assert_int_equal(ilrs_ground_link_start(r.gl), 0);
    assert_int_equal(ilrs_ground_link_start(r.gl), ILRS_ESTATE);
    struct sockaddr_in ground = {.sin_family = AF_INET,
                                 .sin_port = htons(ilrs_ground_link_udp_port(r.gl))};
    ground.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int64_t id = rig_command(&r, 9, false); /* from this thread, as the server's would */
    ilrs_ground_link_stats_t gs;
    size_t frames = 0;
    /* the station side runs here; the ground side in the link's thread */
    for (int i = 0; i < 400; i++) {
        uint8_t tc[1100];
        ssize_t n;
        while ((n = recv(station, tc, sizeof tc, MSG_DONTWAIT)) > 0) {
            assert_int_equal(ilrs_link_app_uplink(r.link, tc, (size_t)n), 0);
        }
        assert_int_equal(ilrs_fsw_run(r.fsw, INT64_C(100000000)), 0);
        for (size_t k = 0; k < r.down_n; k++) {
            assert_int_equal(sendto(station, r.down[k], RIG_FRAME_LEN, 0,
                                    (struct sockaddr *)&ground, sizeof ground),
                             RIG_FRAME_LEN);
        }
        frames += r.down_n;
        r.down_n = 0;
        ilrs_ground_link_get_stats(r.gl, &gs);
        if (gs.commands_executed == 1) {
            break;
        }
        (void)poll(NULL, 0, 10);
    }
    /* nothing more is sent: the thread catches up with every datagram */
    for (int i = 0; i < 400 && gs.datagrams != frames; i++) {
        (void)poll(NULL, 0, 10);
        ilrs_ground_link_get_stats(r.gl, &gs);
    }
    assert_int_equal(gs.datagrams, frames);
    assert_int_equal(gs.archived, gs.packets);
    assert_true(gs.packets > 0);
    assert_int_equal(rig_state(&r, id, NULL, 0), ILRS_GROUND_CMDSTATE_EXECUTED);
    ilrs_ground_link_stop(r.gl);
    ilrs_ground_link_stop(r.gl);
    close(station);
    rig_fini(&r);
}

static void endpoint_parse_and_config(void **state)
{
    (void)state;
    char host[64];
    uint16_t port = 0;
    assert_int_equal(ilrs_ground_link_parse_endpoint("127.0.0.1:5000", host, sizeof host, &port),
                     0);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 5000);
    assert_int_equal(ilrs_ground_link_parse_endpoint("nohost", host, sizeof host, &port),
                     ILRS_EINVAL);
    assert_int_equal(ilrs_ground_link_parse_endpoint(":1", host, sizeof host, &port), ILRS_EINVAL);
    assert_int_equal(ilrs_ground_link_parse_endpoint("h:70000", host, sizeof host, &port),
                     ILRS_EINVAL);
    ilrs_link_app_t *a = NULL;
    ilrs_link_config_t lc = {.scid = 1};
    assert_int_equal(ilrs_link_app_create(&lc, &a), ILRS_EINVAL); /* no output */
    lc.output = rig_output;
    lc.routes[0] = (ilrs_link_route_t){0x100, 7};
    lc.route_count = 1;
    assert_int_equal(ilrs_link_app_create(&lc, &a), ILRS_EINVAL); /* VC 7 is idle only */
    assert_null(a);
    ilrs_ground_link_t *g = NULL;
    ilrs_ground_link_config_t gc = {.scid = 1};
    assert_int_equal(ilrs_ground_link_create(&gc, &g), ILRS_EINVAL); /* no dictionary */
    assert_null(g);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(telemetry_and_commands),
    cmocka_unit_test(lossy_channel_exactly_once),
    cmocka_unit_test(rate_limited_downlink),
    cmocka_unit_test(hal_rate_and_link_state),
    cmocka_unit_test(bad_frames_counted),
    cmocka_unit_test(udp_loopback),
    cmocka_unit_test(udp_service_thread),
    cmocka_unit_test(endpoint_parse_and_config),
};

ILRS_TEST_MAIN(tests)
