// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the Space Packet decoders on arbitrary bytes: packet check,
// primary header decode (and re-encode), command check, telemetry time, walking
// the input as a stream of concatenated packets and tracking their sequence
// counts. Asserts the invariants the decoders promise; a violation traps.
#include <ilrs/ccsds.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (0)

static uint8_t scratch[ILRS_CCSDS_MAX_PACKET_LEN];
static ilrs_ccsds_seq_tracker_t tracker;

static void one_packet(const uint8_t *p, size_t rem, size_t *plen)
{
    int rc = ilrs_ccsds_packet_check(p, rem, plen);
    FUZZ_ASSERT(*plen <= rem);
    FUZZ_ASSERT(rc <= 0);

    ilrs_ccsds_primary_t hdr;
    int drc = ilrs_ccsds_primary_decode(p, rem, &hdr);
    if (rem < ILRS_CCSDS_PRIMARY_LEN) {
        FUZZ_ASSERT(drc == ILRS_ECCSDS_TOOSMALL && rc == ILRS_ECCSDS_TOOSMALL && *plen == 0);
        return;
    }
    /* Decoded fields agree with the fast accessors and re-encode to the same octets. */
    FUZZ_ASSERT(hdr.apid == ilrs_ccsds_get_apid(p));
    FUZZ_ASSERT(hdr.seq_count == ilrs_ccsds_get_seq_count(p));
    FUZZ_ASSERT((hdr.type == 1) == ilrs_ccsds_is_cmd(p));
    FUZZ_ASSERT((size_t)hdr.data_length + 7u == ilrs_ccsds_get_total_length(p));
    if (drc == 0) {
        uint8_t again[6];
        FUZZ_ASSERT(ilrs_ccsds_primary_encode(&hdr, again, sizeof again) == 0);
        FUZZ_ASSERT(memcmp(again, p, 6) == 0);
    } else {
        FUZZ_ASSERT(drc == ILRS_ECCSDS_VERSION && rc == ILRS_ECCSDS_VERSION);
    }
    if (rc == 0) {
        FUZZ_ASSERT(drc == 0);
        FUZZ_ASSERT(*plen == (size_t)hdr.data_length + 7u);
        FUZZ_ASSERT(hdr.seq_flags == ILRS_CCSDS_SEQ_UNSEG && hdr.apid != ILRS_CCSDS_APID_IDLE);
        int trc = ilrs_ccsds_seq_track(&tracker, hdr.apid, hdr.seq_count);
        FUZZ_ASSERT(trc >= 0 || trc == ILRS_ECCSDS_DUPLICATE);
        FUZZ_ASSERT(trc < (int)ILRS_CCSDS_SEQ_MODULO);
    }

    uint8_t fc = 0xAA;
    int crc = ilrs_ccsds_cmd_check(p, rem, &fc);
    if (crc == 0) {
        FUZZ_ASSERT(rc == 0 && hdr.type == 1 && hdr.has_secondary && *plen >= 8);
        FUZZ_ASSERT(fc == p[6]);
    } else {
        FUZZ_ASSERT(fc == 0);
        if (crc == ILRS_ECRC) {
            /* A command that fails only its checksum passes once resealed. */
            memcpy(scratch, p, *plen);
            ilrs_ccsds_cmd_seal(scratch, *plen);
            FUZZ_ASSERT(ilrs_ccsds_cmd_check(scratch, *plen, &fc) == 0);
        }
    }

    ilrs_tai_t t = 1;
    int trc = ilrs_ccsds_tlm_get_time(p, rem, &t);
    if (trc == 0) {
        FUZZ_ASSERT(rc == 0 && hdr.type == 0 && hdr.has_secondary && *plen >= 12);
        FUZZ_ASSERT(t >= 0);
        /* The time re-encodes to the same six octets. */
        uint8_t cuc[6];
        size_t written = 0;
        FUZZ_ASSERT(
            ilrs_ccsds_cuc_encode(t, ILRS_CCSDS_CUC_TLM, false, cuc, sizeof cuc, &written) == 0);
        FUZZ_ASSERT(written == 6 && memcmp(cuc, p + 6, 6) == 0);
    } else {
        FUZZ_ASSERT(t == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memset(&tracker, 0, sizeof tracker);
    size_t off = 0;
    while (off < size) {
        size_t plen = 0;
        one_packet(data + off, size - off, &plen);
        if (plen == 0) {
            break; /* header unreadable or length beyond the input: stop walking */
        }
        off += plen;
    }
    FUZZ_ASSERT(off <= size);
    FUZZ_ASSERT(tracker.packets + tracker.duplicates <= size / 7u + 1u);
    return 0;
}
