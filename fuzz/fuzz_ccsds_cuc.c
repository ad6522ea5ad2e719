// SPDX-License-Identifier: Apache-2.0
// Fuzz target for CUC time (CCSDS 301.0-B-4 §3.2). The first input octet selects
// an implicit format; the rest is decoded with a P-field and with the implicit
// format. Whatever decodes must re-encode to exactly the octets consumed; and any
// eight octets taken as a time must encode and decode back within one fine step.
#include <ilrs/ccsds.h>
#include <string.h>

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (0)

static void check_roundtrip(const uint8_t *field, size_t consumed, ilrs_tai_t t,
                            ilrs_ccsds_cuc_format_t fmt, bool with_pfield)
{
    uint8_t out[8];
    size_t written = 0;
    FUZZ_ASSERT(t >= 0);
    FUZZ_ASSERT(ilrs_ccsds_cuc_encode(t, fmt, with_pfield, out, sizeof out, &written) == 0);
    FUZZ_ASSERT(written == consumed);
    FUZZ_ASSERT(memcmp(out, field, written) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        if (data == NULL) {
            return 0;
        }
        ilrs_tai_t t;
        FUZZ_ASSERT(ilrs_ccsds_cuc_decode(data, 0, NULL, &t, NULL) == ILRS_ECCSDS_TOOSMALL);
        return 0;
    }
    uint8_t sel = data[0];
    const uint8_t *rest = data + 1;
    size_t n = size - 1;

    /* With a P-field. */
    ilrs_tai_t t = 1;
    size_t consumed = 1;
    int rc = ilrs_ccsds_cuc_decode(rest, n, NULL, &t, &consumed);
    if (rc == 0) {
        ilrs_ccsds_cuc_format_t fmt = {(uint8_t)(((rest[0] >> 2) & 3u) + 1u),
                                       (uint8_t)(rest[0] & 3u)};
        FUZZ_ASSERT(consumed == 1u + fmt.coarse_octets + fmt.fine_octets && consumed <= n);
        check_roundtrip(rest, consumed, t, fmt, true);
    } else {
        FUZZ_ASSERT(t == 0 && consumed == 0);
        FUZZ_ASSERT(rc == ILRS_ECCSDS_TOOSMALL || rc == ILRS_ECCSDS_CUC_PFIELD);
    }

    /* Implicit format chosen by the selector; out-of-range ones must be refused. */
    ilrs_ccsds_cuc_format_t fmt = {(uint8_t)(sel & 7u), (uint8_t)((sel >> 3) & 7u)};
    bool valid = fmt.coarse_octets >= 1 && fmt.coarse_octets <= 4 && fmt.fine_octets <= 3;
    rc = ilrs_ccsds_cuc_decode(rest, n, &fmt, &t, &consumed);
    if (!valid) {
        FUZZ_ASSERT(rc == ILRS_EINVAL);
    } else if (rc == 0) {
        FUZZ_ASSERT(consumed == (size_t)fmt.coarse_octets + fmt.fine_octets && consumed <= n);
        check_roundtrip(rest, consumed, t, fmt, false);
    } else {
        FUZZ_ASSERT(rc == ILRS_ECCSDS_TOOSMALL && n < (size_t)fmt.coarse_octets + fmt.fine_octets);
    }

    /* Eight octets as a time: encode, decode, compare within the resolution. */
    if (n >= 8 && valid) {
        uint64_t raw = 0;
        for (int i = 0; i < 8; i++) {
            raw = (raw << 8) | rest[i];
        }
        ilrs_tai_t in = (ilrs_tai_t)raw;
        uint8_t out[8];
        size_t written = 0;
        bool with_pfield = (sel & 0x40u) != 0;
        rc = ilrs_ccsds_cuc_encode(in, fmt, with_pfield, out, sizeof out, &written);
        int64_t limit_s = INT64_C(1) << (8 * fmt.coarse_octets);
        bool in_range = in >= 0 && in / ILRS_NS_PER_S < limit_s;
        FUZZ_ASSERT((rc == 0) == in_range);
        if (rc == 0) {
            ilrs_tai_t back = -1;
            const ilrs_ccsds_cuc_format_t *implicit = with_pfield ? NULL : &fmt;
            FUZZ_ASSERT(ilrs_ccsds_cuc_decode(out, written, implicit, &back, &consumed) == 0);
            FUZZ_ASSERT(consumed == written);
            FUZZ_ASSERT(back <= in && in - back <= (ILRS_NS_PER_S >> (8 * fmt.fine_octets)));
        } else {
            FUZZ_ASSERT(rc == ILRS_ERANGE && written == 0);
        }
    }
    return 0;
}
