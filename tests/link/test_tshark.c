// SPDX-License-Identifier: Apache-2.0
//
// Independent check of our downlink with Wireshark's CCSDS dissector: a short run
// of flight + LINK → ground link; every space packet the ground extracted from the
// TM frames is written, one per UDP datagram, into a pcap file (libpcap's
// pcap_dump API); then `tshark -r FILE -d udp.port==N,ccsds -T fields -e ccsds.apid
// -e ccsds.seqnum` must list exactly the APIDs and sequence counts flight sent, in
// order. Skipped (not failed) when tshark is not installed (scripts/deps.sh installs it).
#define _DEFAULT_SOURCE /* BSD types (u_int, u_char) used by pcap.h */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "link/link_rig.h"

#define UDP_PORT 10025u

static uint16_t ip_checksum(const uint8_t *h, size_t n)
{
    /* RFC 791 §3.1 header checksum: one's complement of the one's complement sum */
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += (uint32_t)(h[i] << 8 | h[i + 1]);
    }
    while (sum >> 16) {
        sum = (sum & 0xFFFFu) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

/* One Ethernet/IPv4/UDP frame carrying @p pkt to 127.0.0.1:UDP_PORT. */
static void dump_datagram(pcap_dumper_t *d, const uint8_t *pkt, size_t len, int64_t t_us)
{
    uint8_t f[14 + 20 + 8 + 700];
    size_t total = 14 + 20 + 8 + len;
    assert_true(len <= 700);
    memset(f, 0, 14 + 20 + 8);
    f[12] = 0x08; /* EtherType IPv4 */
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    ilrs_put_be16(ip + 2, (uint16_t)(20 + 8 + len));
    ip[8] = 64;
    ip[9] = 17; /* UDP */
    const uint8_t lo[4] = {127, 0, 0, 1};
    memcpy(ip + 12, lo, 4);
    memcpy(ip + 16, lo, 4);
    ilrs_put_be16(ip + 10, ip_checksum(ip, 20));
    uint8_t *udp = ip + 20;
    ilrs_put_be16(udp, 40000);
    ilrs_put_be16(udp + 2, UDP_PORT);
    ilrs_put_be16(udp + 4, (uint16_t)(8 + len)); /* checksum 0: none (RFC 768) */
    memcpy(udp + 8, pkt, len);
    struct pcap_pkthdr h = {.caplen = (bpf_u_int32)total, .len = (bpf_u_int32)total};
    h.ts.tv_sec = (time_t)(t_us / 1000000);
    h.ts.tv_usec = (suseconds_t)(t_us % 1000000);
    pcap_dump((u_char *)d, &h, f);
}

static void tshark_reads_our_downlink(void **state)
{
    (void)state;
    if (system("tshark --version >/dev/null 2>&1") != 0) {
        skip();
    }
    rig_t r;
    rig_init(&r, 0, 0, 0, 11);
    for (int i = 0; i < 20; i++) {
        rig_step(&r);
    }
    assert_true(r.got_n > 20);
    char dir[] = "/tmp/ilrs_link_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/downlink.pcap", dir);
    pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
    assert_non_null(p);
    pcap_dumper_t *d = pcap_dump_open(p, path);
    assert_non_null(d);
    for (size_t i = 0; i < r.got_n; i++) {
        dump_datagram(d, r.got[i].data, r.got[i].len, (int64_t)i * 1000);
    }
    pcap_dump_close(d);
    pcap_close(p);
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "tshark -r %s -d udp.port==%u,ccsds -T fields -e ccsds.apid -e ccsds.seqnum "
             "2>/dev/null",
             path, UDP_PORT);
    FILE *out = popen(cmd, "r");
    assert_non_null(out);
    size_t n = 0;
    unsigned apid = 0, seq = 0;
    char line[128];
    while (fgets(line, sizeof line, out) != NULL) {
        assert_int_equal(sscanf(line, "%u %u", &apid, &seq), 2);
        assert_true(n < r.got_n);
        /* what tshark decodes is what flight sent (the ground delivered it unchanged) */
        assert_int_equal(apid, ilrs_ccsds_get_apid(r.got[n].data));
        assert_int_equal(seq, ilrs_ccsds_get_seq_count(r.got[n].data));
        bool found = false;
        for (size_t k = 0; k < r.sent_n && !found; k++) {
            found = r.sent[k].len == r.got[n].len &&
                    memcmp(r.sent[k].data, r.got[n].data, r.got[n].len) == 0;
        }
        assert_true(found);
        n++;
    }
    assert_int_equal(pclose(out), 0);
    assert_int_equal(n, r.got_n);
    unlink(path);
    rmdir(dir);
    rig_fini(&r);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(tshark_reads_our_downlink),
};

ILRS_TEST_MAIN(tests)
