// SPDX-License-Identifier: Apache-2.0
// The ground's ingest for the station run: the one seam between the run and
// the ground archive (include/ilrs/ground.h). Every telemetry packet that
// reaches the ground is archived (parameters decoded through the dictionary,
// each row with its owning partner); an event packet is also entered as an
// event row, decoded from its layout (fsw.h, ILRS_EVS_PACKET_LEN).
//
// Flush policy: the archive commits every simulated hour of data time (the
// archive's commit_interval), so a run killed midway leaves a readable archive
// of everything up to the last hour; ilrs_station_destroy() commits the rest.
#include <stdlib.h>
#include <string.h>

#include <ilrs/ccsds.h>
#include <ilrs/ground.h>

#include "station/station_int.h"

struct station_archive {
    ilrs_ground_archive_t *ar;
};

int station_archive_open(const char *path, station_archive_t **out)
{
    *out = NULL;
    station_archive_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    ilrs_ground_archive_options_t o = {.segment_samples = 1024,
                                       .commit_samples = 4u << 20,
                                       .commit_interval = (ilrs_tai_t)3600 * 1000000000};
    int rc = ilrs_ground_archive_open(path, &o, &a->ar);
    if (rc != 0) {
        free(a);
        return rc;
    }
    *out = a;
    return 0;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

int station_archive_packet(station_archive_t *a, const ilrs_dict_t *dict, const uint8_t *pkt,
                           size_t len, ilrs_tai_t receive)
{
    int rc = ilrs_ground_archive_ingest(a->ar, dict, pkt, len, receive);
    if (rc != 0 || len != ILRS_EVS_PACKET_LEN ||
        ilrs_ccsds_get_apid(pkt) != ILRS_FSW_APID_EVENTS) {
        return rc;
    }
    char app[ILRS_EVS_APP_NAME_MAX], text[ILRS_EVS_TEXT_MAX];
    memcpy(app, pkt + 12, sizeof app);
    app[sizeof app - 1] = '\0';
    memcpy(text, pkt + 42, sizeof text);
    text[sizeof text - 1] = '\0';
    ilrs_tai_t t = receive;
    (void)ilrs_ccsds_tlm_get_time(pkt, len, &t);
    ilrs_ground_event_t ev = {.time = t,
                              .owner = NULL,
                              .app = app,
                              .id = be16(pkt + 34),
                              .name = NULL,
                              .severity = pkt[36],
                              .message = text};
    return ilrs_ground_archive_add_event(a->ar, dict, &ev);
}

int station_archive_flush(station_archive_t *a)
{
    return ilrs_ground_archive_flush(a->ar);
}

void station_archive_close(station_archive_t *a)
{
    if (a != NULL) {
        ilrs_ground_archive_close(a->ar);
        free(a);
    }
}

uint64_t station_archive_accepted(const station_archive_t *a)
{
    ilrs_ground_archive_stats_t s;
    ilrs_ground_archive_get_stats(a->ar, &s);
    return s.packets_accepted;
}
