/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the LINK app's uplink path (TC frame decode → FARM-1 → command
 * packets → ilrs_fsw_command). One flight instance with the LINK app lives across
 * inputs, so FARM-1's state (V(R), lockout, wait) evolves from input to input.
 * Input: octet 0 selects the mode: bit 0 clear = octets 2.. are one raw TC frame;
 * bit 0 set = octets 2.. are the data field of a frame encoded correctly (our
 * SCID and FECF, so it reaches FARM-1 and the ingest) with N(S) = octet 1, bypass
 * = bit 1, control = bit 2 (with bypass). The instance then runs for 100 ms.
 * Nothing may crash, the LINK app must keep running, and its counters must stay
 * consistent: every frame is rejected by the decoder, by FARM-1 or accepted, and
 * every command packet is accepted or rejected by the ingest.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/apps.h>
#include <ilrs/ccsds.h>

typedef struct fuzz_link {
    ilrs_fsw_t *fsw;
    ilrs_link_app_t *link;
    ilrs_app_t *app;
} fuzz_link_t;

static int sink(void *user, const uint8_t *frame, size_t len)
{
    (void)user;
    (void)frame;
    (void)len;
    return 0;
}

static fuzz_link_t *instance(void)
{
    static fuzz_link_t *f;
    if (f != NULL) {
        return f;
    }
    f = calloc(1, sizeof *f);
    if (f == NULL) {
        abort();
    }
    ilrs_link_config_t lc = {.scid = ILRS_LINK_DEFAULT_SCID,
                             .frame_len = 256,
                             .output = sink,
                             .apid = ILRS_LINK_APID_HK};
    lc.routes[0] = (ilrs_link_route_t){ILRS_LINK_APID_HK, 0};
    lc.routes[1] = (ilrs_link_route_t){ILRS_FSW_APID_EVENTS, 0};
    lc.route_count = 2;
    ilrs_app_def_t def;
    if (ilrs_fsw_create(NULL, &f->fsw) != 0 || ilrs_link_app_create(&lc, &f->link) != 0) {
        abort();
    }
    ilrs_link_app_def(f->link, &def);
    if (ilrs_fsw_add_app(f->fsw, &def, &f->app) != 0 || ilrs_fsw_start(f->fsw) != 0) {
        abort();
    }
    return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_link_t *f = instance();
    if (size < 2) {
        return 0;
    }
    uint8_t frame[ILRS_CCSDS_TC_MAX_FRAME_LEN];
    size_t len = 0;
    const uint8_t *body = data + 2;
    size_t n = size - 2;
    if ((data[0] & 1u) != 0) {
        ilrs_ccsds_tc_config_t tc = {.scid = ILRS_LINK_DEFAULT_SCID, .has_fecf = true};
        bool bypass = (data[0] & 2u) != 0;
        ilrs_ccsds_tc_frame_t tf = {.vcid = 0,
                                    .bypass = bypass,
                                    .control = bypass && (data[0] & 4u) != 0,
                                    .seq = bypass ? 0 : data[1],
                                    .data = body,
                                    .data_len = n};
        if (ilrs_ccsds_tc_frame_encode(&tc, &tf, frame, sizeof frame, &len) != 0) {
            return 0;
        }
    } else {
        len = n < sizeof frame ? n : sizeof frame;
        memcpy(frame, body, len);
    }
    (void)ilrs_link_app_uplink(f->link, frame, len);
    if (ilrs_fsw_run(f->fsw, INT64_C(100000000)) != 0 ||
        ilrs_app_get_state(f->app) != ILRS_APP_RUNNING) {
        abort();
    }
    ilrs_link_status_t st;
    ilrs_link_app_status(f->link, &st);
    if (st.tc_frames !=
            st.tc_crc + st.tc_scid + st.tc_format + st.farm_accepted + st.farm_rejected ||
        st.cmd_packets != st.cmd_accepted + st.cmd_rejected) {
        abort();
    }
    return 0;
}
