// SPDX-License-Identifier: Apache-2.0
// Space Packet primary header codec and whole-packet check (CCSDS 133.0-B-2 §4.1.3).
//
// Primary header, 6 octets, big-endian (133.0-B-2 figure 4-2):
//   bits 0-2 version (000), bit 3 type (0 TM, 1 TC), bit 4 secondary header flag,
//   bits 5-15 APID, bits 16-17 sequence flags, bits 18-31 sequence count,
//   bits 32-47 packet data length = octets in the packet data field minus 1.
// Written by hand: the header is 48 bits and the codec must be allocation-free
// and branch-light on the hot path; no Debian library offers it.
// The decoders read only the octets they have checked are present.
#include "ccsds/ccsds_int.h"

int ilrs_ccsds_primary_encode(const ilrs_ccsds_primary_t *hdr, uint8_t *buf, size_t cap)
{
    if (hdr == NULL || buf == NULL) {
        return ILRS_EINVAL;
    }
    if (cap < ILRS_CCSDS_PRIMARY_LEN) {
        return ILRS_ECCSDS_TOOSMALL;
    }
    if (hdr->version != 0) {
        return ILRS_ECCSDS_VERSION;
    }
    if (hdr->type > ILRS_CCSDS_TYPE_CMD || hdr->seq_count > ILRS__CCSDS_SEQCOUNT_MASK) {
        return ILRS_ERANGE;
    }
    if (hdr->apid > ILRS_CCSDS_APID_MAX) {
        return ILRS_ECCSDS_APID;
    }
    if (hdr->seq_flags > ILRS_CCSDS_SEQ_UNSEG) {
        return ILRS_ECCSDS_SEQFLAGS;
    }
    unsigned id = ((unsigned)hdr->type << 12) | ((unsigned)hdr->has_secondary << 11) | hdr->apid;
    unsigned seq = ((unsigned)hdr->seq_flags << ILRS__CCSDS_SEQFLAGS_SHIFT) | hdr->seq_count;
    ilrs_put_be16(buf, (uint16_t)id);
    ilrs_put_be16(buf + 2, (uint16_t)seq);
    ilrs_put_be16(buf + 4, hdr->data_length);
    return 0;
}

int ilrs_ccsds_primary_decode(const uint8_t *buf, size_t len, ilrs_ccsds_primary_t *hdr)
{
    if (hdr == NULL) {
        return ILRS_EINVAL;
    }
    *hdr = (ilrs_ccsds_primary_t){0};
    if (buf == NULL) {
        return ILRS_EINVAL;
    }
    if (len < ILRS_CCSDS_PRIMARY_LEN) {
        return ILRS_ECCSDS_TOOSMALL;
    }
    unsigned id = ilrs_get_be16(buf);
    unsigned seq = ilrs_get_be16(buf + 2);
    hdr->version = (uint8_t)(id >> 13);
    hdr->type = (uint8_t)((id >> 12) & 1u);
    hdr->has_secondary = (id & ILRS__CCSDS_SECHDR_BIT) != 0;
    hdr->apid = (uint16_t)(id & ILRS__CCSDS_APID_MASK);
    hdr->seq_flags = (uint8_t)(seq >> ILRS__CCSDS_SEQFLAGS_SHIFT);
    hdr->seq_count = (uint16_t)(seq & ILRS__CCSDS_SEQCOUNT_MASK);
    hdr->data_length = ilrs_get_be16(buf + 4);
    return hdr->version == 0 ? 0 : ILRS_ECCSDS_VERSION;
}

int ilrs_ccsds_packet_check(const uint8_t *buf, size_t len, size_t *packet_len)
{
    size_t unused;
    if (packet_len == NULL) {
        packet_len = &unused;
    }
    *packet_len = 0;
    if (buf == NULL) {
        return ILRS_EINVAL;
    }
    if (len < ILRS_CCSDS_PRIMARY_LEN) {
        return ILRS_ECCSDS_TOOSMALL;
    }
    unsigned id = ilrs_get_be16(buf);
    if ((id & ILRS__CCSDS_VERSION_MASK) != 0) {
        return ILRS_ECCSDS_VERSION;
    }
    /* The length field counts the data field minus one (133.0-B-2 §4.1.3.5.3), so
     * every packet has at least one data octet and at most 65536. */
    size_t total = ilrs_ccsds_get_total_length(buf);
    if (total > len) {
        return ILRS_ECCSDS_LENGTH;
    }
    *packet_len = total;
    /* Both remaining checks are rare failures; test them with one compare first. */
    unsigned segmented = (buf[2] & 0xC0u) != 0xC0u;
    unsigned idle = (id & ILRS__CCSDS_APID_MASK) == ILRS_CCSDS_APID_IDLE;
    if (__builtin_expect(segmented | idle, 0)) {
        if (idle) {
            /* §4.1.3.3.3: an idle packet has no secondary header. */
            return (id & ILRS__CCSDS_SECHDR_BIT) ? ILRS_ECCSDS_SECHDR : ILRS_ECCSDS_IDLE;
        }
        return ILRS_ECCSDS_SEQFLAGS;
    }
    return 0;
}
