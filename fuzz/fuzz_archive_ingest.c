// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the telemetry archive's ingest (src/ground): arbitrary packets into
// a fresh in-memory SQLite archive with the dictionary tests' sample dictionary
// (tests/dict/dict_sample.h: POWER_HK with every field type, LMS_HK).
// Input: octet 0 = flags (bit 0: flush after every packet; bit 1: small segments and
// commits; bit 2: queries at the end), then packets, each as a 2-octet big-endian
// length and that many octets (the last one takes what is left).
// Invariants checked (abort on violation): no crash; received = accepted + rejected,
// no database failure; the per-reason counters sum to the rejected count; the archived
// samples are the accepted packets' field counts; every parameter's history holds
// one sample per accepted packet of its packet, ascending, and minmax and latest agree.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/ccsds.h>
#include <ilrs/dict.h>
#include <ilrs/ground.h>

#include "../tests/dict/dict_sample.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ilrs_dict_t *sample_dict(void)
{
    static ilrs_dict_t *dict;
    if (dict == NULL && sample_dict_create(&dict) != 0) {
        abort();
    }
    return dict;
}

static void check_history(ilrs_ground_archive_t *a, const ilrs_dict_packet_t *def,
                          uint64_t accepted)
{
    for (size_t i = 0; i < def->field_count; i++) {
        char name[160];
        snprintf(name, sizeof name, "%s.%s", def->name, def->fields[i].name);
        ilrs_ground_history_t h;
        int rc = ilrs_ground_archive_history(a, name, NULL, INT64_MIN, INT64_MAX, ILRS_GROUND_ALL,
                                             0, &h);
        if (accepted == 0) {
            if (rc != ILRS_ENOENT) {
                abort();
            }
            continue;
        }
        if (rc != 0 || h.count != accepted) {
            abort();
        }
        for (size_t k = 1; k < h.count; k++) {
            if (h.samples[k - 1].time > h.samples[k].time) {
                abort();
            }
        }
        ilrs_tai_t last = h.samples[h.count - 1].time;
        ilrs_ground_history_free(&h);
        if (ilrs_ground_archive_history(a, name, NULL, INT64_MIN, INT64_MAX, ILRS_GROUND_LATEST, 0,
                                        &h) != 0 ||
            h.count != 1 || h.samples[0].time != last) {
            abort();
        }
        ilrs_ground_history_free(&h);
        rc = ilrs_ground_archive_history(a, name, NULL, INT64_MIN, INT64_MAX, ILRS_GROUND_MINMAX, 7,
                                         &h);
        if (rc == 0) {
            uint64_t total = 0;
            for (size_t b = 0; b < h.bucket_count; b++) {
                total += h.buckets[b].count;
            }
            if (total != accepted) {
                abort();
            }
        } else if (rc != ILRS_ETYPE) {
            abort();
        }
        ilrs_ground_history_free(&h);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    ilrs_dict_t *dict = sample_dict();
    uint8_t flags = data[0];
    ilrs_ground_archive_options_t opt = {0};
    if (flags & 2u) {
        opt.segment_samples = 3;
        opt.commit_samples = 20;
        opt.commit_interval = 5 * ILRS_NS_PER_S;
    }
    ilrs_ground_archive_t *a = NULL;
    if (ilrs_ground_archive_open("sqlite::memory:", &opt, &a) != 0) {
        abort();
    }
    uint64_t samples = 0, accepted_power = 0, accepted_lms = 0;
    size_t pos = 1;
    ilrs_tai_t rt = 0;
    while (pos < size) {
        size_t len = size - pos;
        if (len >= 2) {
            size_t want = ((size_t)data[pos] << 8) | data[pos + 1];
            pos += 2;
            len = size - pos < want ? size - pos : want;
        } else {
            pos += len;
            len = 0;
        }
        /* an exact-size copy so ASan sees any read past the packet */
        uint8_t *pkt = malloc(len > 0 ? len : 1);
        if (pkt == NULL) {
            abort();
        }
        memcpy(pkt, data + pos, len);
        pos += len;
        int rc = ilrs_ground_archive_ingest(a, dict, pkt, len, rt++);
        if (rc == 0) {
            const ilrs_dict_packet_t *def = ilrs_dict_find_packet(dict, ilrs_ccsds_get_apid(pkt));
            if (def == NULL || def->length != len) {
                abort();
            }
            samples += def->field_count;
            accepted_power += def->apid == SAMPLE_POWER_APID;
            accepted_lms += def->apid == SAMPLE_PAYLOAD_APID;
        } else if (rc == ILRS_EGROUND_DB || rc == ILRS_ENOMEM || rc == ILRS_EINVAL) {
            abort();
        }
        free(pkt);
        if ((flags & 1u) && ilrs_ground_archive_flush(a) != 0) {
            abort();
        }
    }
    ilrs_ground_archive_stats_t st;
    ilrs_ground_archive_get_stats(a, &st);
    uint64_t by_reason = 0;
    for (int r = 0; r < ILRS_GROUND_REJECT_COUNT; r++) {
        by_reason += st.rejected[r];
    }
    if (st.packets_received != st.packets_accepted + st.packets_rejected ||
        st.packets_failed != 0 || by_reason != st.packets_rejected || st.samples != samples) {
        abort();
    }
    if (flags & 4u) {
        check_history(a, ilrs_dict_find_packet(dict, SAMPLE_POWER_APID), accepted_power);
        check_history(a, ilrs_dict_find_packet(dict, SAMPLE_PAYLOAD_APID), accepted_lms);
    }
    if (ilrs_ground_archive_close(a) != 0) {
        abort();
    }
    return 0;
}
