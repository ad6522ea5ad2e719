// SPDX-License-Identifier: Apache-2.0
// ilrs packet conventions on top of the Space Packet (docs/ccsds.md):
// - telemetry: primary header + CUC time, 4 coarse + 2 fine octets, implicit
//   P-field (CCSDS 301.0-B-4 §3.2; P-field value would be 0x1E), user data at 12;
// - commands: primary header + function code octet + checksum octet, user data at 8;
//   the checksum makes the XOR of all octets of the packet 0xFF (the convention of
//   NASA cFE's command secondary header).
// Builders validate everything before writing a single octet; checkers reuse
// ilrs_ccsds_packet_check() so every packet passes the same gate.
#include "ccsds/ccsds_int.h"

/* Shared argument checks of the two header builders. */
static int check_new_packet(const uint8_t *buf, size_t cap, uint16_t apid, size_t packet_len,
                            size_t header_len)
{
    if (buf == NULL) {
        return ILRS_EINVAL;
    }
    if (apid > ILRS_CCSDS_APID_MAX) {
        return ILRS_ECCSDS_APID;
    }
    if (apid == ILRS_CCSDS_APID_IDLE) {
        return ILRS_ECCSDS_IDLE;
    }
    if (packet_len > ILRS_CCSDS_MAX_PACKET_LEN) {
        return ILRS_ECCSDS_TOOBIG;
    }
    if (packet_len < header_len || cap < packet_len) {
        return ILRS_ECCSDS_TOOSMALL;
    }
    return 0;
}

/* Write the primary header of an unsegmented ilrs packet with a secondary header. */
static inline void put_primary(uint8_t *buf, unsigned type_bit, uint16_t apid, size_t packet_len)
{
    ilrs_put_be16(buf, (uint16_t)(type_bit | ILRS__CCSDS_SECHDR_BIT | apid));
    ilrs_put_be16(buf + 2, (uint16_t)ILRS__CCSDS_UNSEG_BITS);
    ilrs_put_be16(buf + 4, (uint16_t)(packet_len - 7u));
}

/*
 * Common gate of the ilrs packet readers: a valid packet (packet_check), of the
 * wanted type, with the secondary header flag, at least header_len octets long.
 * Returns the packet's total length through *total.
 */
static inline int check_ilrs_packet(const uint8_t *pkt, size_t len, unsigned want_type_bit,
                                    size_t header_len, size_t *total)
{
    int rc = ilrs_ccsds_packet_check(pkt, len, total);
    if (rc != 0) {
        return rc;
    }
    if ((pkt[0] & 0x10u) != (want_type_bit >> 8)) {
        return ILRS_ETYPE;
    }
    if ((pkt[0] & 0x08u) == 0 || *total < header_len) {
        return ILRS_ECCSDS_SECHDR;
    }
    return 0;
}

int ilrs_ccsds_tlm_init(uint8_t *buf, size_t cap, uint16_t apid, size_t packet_len, ilrs_tai_t time)
{
    int rc = check_new_packet(buf, cap, apid, packet_len, ILRS_CCSDS_TLM_HEADER_LEN);
    if (rc != 0) {
        return rc;
    }
    uint32_t coarse, fine;
    rc = ilrs__cuc_split(time, 4u, 2u, &coarse, &fine);
    if (rc != 0) {
        return rc;
    }
    put_primary(buf, 0u, apid, packet_len);
    ilrs_put_be32(buf + ILRS__CCSDS_TLM_TIME_OFFSET, coarse);
    ilrs_put_be16(buf + ILRS__CCSDS_TLM_TIME_OFFSET + 4u, (uint16_t)fine);
    return 0;
}

int ilrs_ccsds_tlm_get_time(const uint8_t *pkt, size_t len, ilrs_tai_t *time)
{
    if (time == NULL) {
        return ILRS_EINVAL;
    }
    *time = 0;
    size_t total;
    int rc = check_ilrs_packet(pkt, len, 0u, ILRS_CCSDS_TLM_HEADER_LEN, &total);
    if (rc != 0) {
        return rc;
    }
    uint32_t coarse = ilrs_get_be32(pkt + ILRS__CCSDS_TLM_TIME_OFFSET);
    uint32_t fine = ilrs_get_be16(pkt + ILRS__CCSDS_TLM_TIME_OFFSET + 4u);
    *time = ilrs__cuc_join(coarse, fine, 2u);
    return 0;
}

int ilrs_ccsds_tlm_set_time(uint8_t *pkt, size_t len, ilrs_tai_t time)
{
    size_t total;
    int rc = check_ilrs_packet(pkt, len, 0u, ILRS_CCSDS_TLM_HEADER_LEN, &total);
    if (rc != 0) {
        return rc;
    }
    uint32_t coarse, fine;
    rc = ilrs__cuc_split(time, 4u, 2u, &coarse, &fine);
    if (rc != 0) {
        return rc;
    }
    ilrs_put_be32(pkt + ILRS__CCSDS_TLM_TIME_OFFSET, coarse);
    ilrs_put_be16(pkt + ILRS__CCSDS_TLM_TIME_OFFSET + 4u, (uint16_t)fine);
    return 0;
}

int ilrs_ccsds_cmd_init(uint8_t *buf, size_t cap, uint16_t apid, uint8_t function_code,
                        size_t packet_len)
{
    int rc = check_new_packet(buf, cap, apid, packet_len, ILRS_CCSDS_CMD_HEADER_LEN);
    if (rc != 0) {
        return rc;
    }
    put_primary(buf, ILRS__CCSDS_TYPE_BIT, apid, packet_len);
    buf[ILRS__CCSDS_CMD_FC_OFFSET] = function_code;
    buf[ILRS__CCSDS_CMD_CKSUM_OFFSET] = 0;
    return 0;
}

void ilrs_ccsds_cmd_seal(uint8_t *pkt, size_t len)
{
    if (pkt == NULL || len < ILRS_CCSDS_CMD_HEADER_LEN) {
        return;
    }
    size_t total = ilrs_ccsds_get_total_length(pkt);
    size_t n = total < len ? total : len;
    if (n < ILRS_CCSDS_CMD_HEADER_LEN) {
        return;
    }
    pkt[ILRS__CCSDS_CMD_CKSUM_OFFSET] = 0;
    pkt[ILRS__CCSDS_CMD_CKSUM_OFFSET] = (uint8_t)(ilrs__xor_fold(pkt, n) ^ 0xFFu);
}

int ilrs_ccsds_cmd_check(const uint8_t *pkt, size_t len, uint8_t *function_code)
{
    uint8_t unused;
    if (function_code == NULL) {
        function_code = &unused;
    }
    *function_code = 0;
    size_t total;
    int rc = check_ilrs_packet(pkt, len, ILRS__CCSDS_TYPE_BIT, ILRS_CCSDS_CMD_HEADER_LEN, &total);
    if (rc != 0) {
        return rc;
    }
    if (ilrs__xor_fold(pkt, total) != 0xFFu) {
        return ILRS_ECRC;
    }
    *function_code = pkt[ILRS__CCSDS_CMD_FC_OFFSET];
    return 0;
}
