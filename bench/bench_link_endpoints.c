// SPDX-License-Identifier: Apache-2.0
// Benchmark of the space link endpoints (docs/space-link.md "Link endpoints"):
// - link_tm_frames_per_s: a flight instance on virtual time where a SRC app
//   publishes, at 100 Hz, one housekeeping packet (10 f64 fields, 92 octets, VC 0)
//   and one science packet (2012 octets, VC 2); the LINK app (100 Hz, unlimited
//   rate) multiplexes them into 1115-octet TM frames with the CLCW; each frame goes
//   straight into the ground link, which demultiplexes it and archives every packet
//   in an in-memory SQLite archive (dictionary decode of every field). Frames per
//   second of wall time for the whole chain (flight framework included), best of
//   three runs of 100 s of flight time.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ilrs/apps.h>
#include <ilrs/ccsds.h>
#include <ilrs/fsw.h>
#include <ilrs/ground.h>
#include <ilrs/ground_link.h>

#define RUNS      3
#define HK_APID   0x1F0u
#define SCI_APID  0x1F1u
#define FRAME_LEN 1115u

typedef struct bench {
    ilrs_ground_link_t *gl;
    uint64_t frames;
    uint8_t hk[92];
    uint8_t sci[2012];
    uint16_t seq;
    const ilrs_dict_packet_t *hk_def;
} bench_t;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int output(void *user, const uint8_t *frame, size_t len)
{
    bench_t *b = user;
    b->frames++;
    return ilrs_ground_link_tm_frame(b->gl, frame, len, 0);
}

static const ilrs_dict_field_t hk_fields[] = {
    {.name = "v0", .type = ILRS_DICT_F64}, {.name = "v1", .type = ILRS_DICT_F64},
    {.name = "v2", .type = ILRS_DICT_F64}, {.name = "v3", .type = ILRS_DICT_F64},
    {.name = "v4", .type = ILRS_DICT_F64}, {.name = "v5", .type = ILRS_DICT_F64},
    {.name = "v6", .type = ILRS_DICT_F64}, {.name = "v7", .type = ILRS_DICT_F64},
    {.name = "v8", .type = ILRS_DICT_F64}, {.name = "v9", .type = ILRS_DICT_F64},
};
static const ilrs_dict_field_t sci_fields[] = {
    {.name = "samples", .type = ILRS_DICT_BYTES, .length = 2000},
};

static int src_init(ilrs_app_t *app, void *ctx)
{
    bench_t *b = ctx;
    ilrs_dict_packet_t hk = {
        .name = "BENCH_HK", .apid = HK_APID, .fields = hk_fields, .field_count = 10};
    ilrs_dict_packet_t sci = {
        .name = "BENCH_SCI", .apid = SCI_APID, .fields = sci_fields, .field_count = 1};
    int rc = ilrs_app_register_packet(app, &hk, &b->hk_def);
    return rc != 0 ? rc : ilrs_app_register_packet(app, &sci, NULL);
}

static int src_step(ilrs_app_t *app, void *ctx)
{
    bench_t *b = ctx;
    ilrs_tai_t t = ilrs_app_time(app);
    if (ilrs_ccsds_tlm_init(b->hk, sizeof b->hk, HK_APID, sizeof b->hk, t) != 0 ||
        ilrs_ccsds_tlm_init(b->sci, sizeof b->sci, SCI_APID, sizeof b->sci, t) != 0) {
        return ILRS_EINVAL;
    }
    for (size_t i = 0; i < 10; i++) {
        (void)ilrs_dict_set_raw(&b->hk_def->fields[i], b->hk, sizeof b->hk, (double)(b->seq + i));
    }
    memset(b->sci + 12, (int)(b->seq & 0xFFu), sizeof b->sci - 12);
    ilrs_ccsds_set_seq_count(b->hk, (uint16_t)(b->seq & 0x3FFFu));
    ilrs_ccsds_set_seq_count(b->sci, (uint16_t)(b->seq & 0x3FFFu));
    b->seq++;
    int rc = ilrs_app_publish(app, b->hk, sizeof b->hk);
    return rc != 0 ? rc : ilrs_app_publish(app, b->sci, sizeof b->sci);
}

static double run_once(uint64_t *archived)
{
    bench_t b;
    memset(&b, 0, sizeof b);
    ilrs_fsw_t *fsw = NULL;
    ilrs_link_app_t *link = NULL;
    ilrs_ground_archive_t *ar = NULL;
    ilrs_link_config_t lc = {.scid = ILRS_LINK_DEFAULT_SCID,
                             .frame_len = FRAME_LEN,
                             .rate_hz = 100,
                             .output = output,
                             .output_user = &b};
    lc.routes[0] = (ilrs_link_route_t){HK_APID, 0};
    lc.routes[1] = (ilrs_link_route_t){SCI_APID, 2};
    lc.route_count = 2;
    ilrs_app_def_t def;
    ilrs_app_def_t src = {.name = "SRC",
                          .init = src_init,
                          .step = src_step,
                          .rate_hz = 100,
                          .priority = 5,
                          .context = &b};
    ilrs_ground_archive_options_t ao = {.commit_interval = INT64_C(3600000000000)};
    if (ilrs_fsw_create(NULL, &fsw) != 0 || ilrs_link_app_create(&lc, &link) != 0) {
        abort();
    }
    ilrs_link_app_def(link, &def);
    if (ilrs_fsw_add_app(fsw, &def, NULL) != 0 || ilrs_fsw_add_app(fsw, &src, NULL) != 0 ||
        ilrs_fsw_start(fsw) != 0 || ilrs_ground_archive_open(":memory:", &ao, &ar) != 0) {
        abort();
    }
    ilrs_ground_link_config_t gc = {.scid = ILRS_LINK_DEFAULT_SCID,
                                    .tm_frame_len = FRAME_LEN,
                                    .dict = ilrs_fsw_dict(fsw),
                                    .archive = ar};
    if (ilrs_ground_link_create(&gc, &b.gl) != 0) {
        abort();
    }
    double t0 = now_s();
    if (ilrs_fsw_run(fsw, INT64_C(100000000000)) != 0) {
        abort();
    }
    double dt = now_s() - t0;
    ilrs_ground_link_stats_t gs;
    ilrs_ground_link_get_stats(b.gl, &gs);
    *archived = gs.archived;
    if (gs.archive_rejected + gs.archive_errors + gs.tm_crc + gs.packets_lost != 0) {
        fprintf(stderr, "bench_link_endpoints: unexpected losses or rejections\n");
        abort();
    }
    ilrs_ground_link_destroy(b.gl);
    ilrs_fsw_destroy(fsw);
    ilrs_link_app_destroy(link);
    (void)ilrs_ground_archive_close(ar);
    return (double)b.frames / dt;
}

int main(void)
{
    double best = 0;
    uint64_t archived = 0;
    for (int i = 0; i < RUNS; i++) {
        double r = run_once(&archived);
        best = r > best ? r : best;
    }
    fprintf(stderr, "bench_link_endpoints: %llu packets archived per run\n",
            (unsigned long long)archived);
    printf("bench: link_tm_frames_per_s %.0f frames/s\n", best);
    return 0;
}
