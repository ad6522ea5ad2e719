/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Command checking and building against the dictionary: every rejection reason
 * with its return code and detail text, the accepted/rejected/unknown counters,
 * and build_command from text for every argument type.
 */
#include <math.h>
#include <stdlib.h>

#include "ilrs_test.h"

#include <ilrs/ccsds.h>
#include <ilrs/dict.h>

#include "dict_sample.h"

static ilrs_dict_t *sample(void)
{
    ilrs_dict_t *dict = NULL;
    assert_int_equal(sample_dict_create(&dict), 0);
    return dict;
}

/* Recompute the checksum octet so the XOR of the packet is 0xFF (ccsds.h convention). */
static void reseal(uint8_t *pkt, size_t len)
{
    uint8_t x = 0;
    pkt[7] = 0;
    for (size_t i = 0; i < len; i++) {
        x ^= pkt[i];
    }
    pkt[7] = (uint8_t)(x ^ 0xFF);
}

static size_t build(const ilrs_dict_t *dict, const char *name, const char *const *args, size_t n,
                    uint8_t *buf, size_t cap)
{
    const ilrs_dict_command_t *c = ilrs_dict_find_command_by_name(dict, name);
    assert_non_null(c);
    size_t len = 99;
    char error[200];
    int rc = ilrs_dict_build_command(c, args, n, buf, cap, &len, error, sizeof error);
    if (rc != 0) {
        fail_msg("build %s: %s (%s)", name, error, ilrs_errname(rc));
    }
    return len;
}

static void accepted_and_counted(void **state)
{
    (void)state;
    ilrs_dict_t *dict = sample();
    uint8_t pkt[64];
    const char *args[] = {"AUTO"};
    size_t len = build(dict, "SetHeaterMode", args, 1, pkt, sizeof pkt);
    assert_int_equal(len, 9);
    /* the layout of ccsds.h: type 1, secondary header flag, unsegmented, length-7 */
    assert_int_equal(pkt[0], 0x18);
    assert_int_equal(pkt[1], SAMPLE_CMD_APID);
    assert_int_equal(pkt[2] >> 6, 3);
    assert_int_equal(ilrs_get_be16(pkt + 4), 9 - 7);
    assert_int_equal(pkt[6], 1);
    assert_int_equal(pkt[8], 2);
    uint8_t x = 0;
    for (size_t i = 0; i < len; i++) {
        x ^= pkt[i];
    }
    assert_int_equal(x, 0xFF);
    ilrs_dict_check_t check;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ilrs_dict_check_command(dict, pkt, len, &check), 0);
    }
    assert_string_equal(check.detail, "");
    assert_int_equal(check.arg_index, -1);
    assert_string_equal(check.command->name, "SetHeaterMode");
    assert_int_equal(check.command->accepted, 3);
    assert_int_equal(check.command->rejected, 0);
    ilrs_dict_stats_t stats;
    ilrs_dict_get_stats(dict, &stats);
    assert_int_equal(stats.commands_accepted, 3);
    assert_int_equal(stats.commands_rejected, 0);
    /* NoOp, no arguments; result may be NULL */
    len = build(dict, "NoOp", NULL, 0, pkt, sizeof pkt);
    assert_int_equal(len, 8);
    assert_int_equal(ilrs_dict_check_command(dict, pkt, len, NULL), 0);
    ilrs_dict_get_stats(dict, &stats);
    assert_int_equal(stats.commands_accepted, 4);
    ilrs_dict_destroy(dict);
}

typedef struct reject_case {
    const char *what;
    size_t offset; /* octet to change, or SIZE_MAX for none */
    uint8_t value;
    bool reseal;
    size_t len_delta_neg; /* cut this many octets from the end */
    int expect;
    const char *detail;
    bool known; /* counted against the command */
} reject_case_t;

static void each_rejection_reason(void **state)
{
    (void)state;
    ilrs_dict_t *dict = sample();
    uint8_t good[64];
    const char *args[] = {"ON"};
    size_t len = build(dict, "SetHeaterMode", args, 1, good, sizeof good);
    const ilrs_dict_command_t *cmd = ilrs_dict_find_command_by_name(dict, "SetHeaterMode");
    const reject_case_t cases[] = {
        {"version 1", 0, 0x38, true, 0, ILRS_ECCSDS_VERSION, "packet version number 1, expected 0",
         false},
        {"telemetry type", 0, 0x08, true, 0, ILRS_ETYPE,
         "packet type 0 (telemetry), expected 1 (telecommand)", false},
        {"no secondary header", 0, 0x10, true, 0, ILRS_ECCSDS_SECHDR,
         "secondary header flag clear, a command needs one", false},
        {"segmented", 2, 0x40, true, 0, ILRS_ECCSDS_SEQFLAGS,
         "sequence flags 1, expected 3 (unsegmented)", false},
        {"length field", 5, 9, true, 0, ILRS_ECCSDS_LENGTH,
         "length field gives 16 octets, packet holds 9", false},
        {"checksum", 7, 0x00, false, 0, ILRS_ECRC, "checksum: XOR of the packet is 0x", false},
        {"unknown function code", 6, 9, true, 0, ILRS_EFSW_CMD,
         "unknown command: APID 17 function code 9", false},
        {"unknown APID", 1, 0x55, true, 0, ILRS_EFSW_CMD,
         "unknown command: APID 85 function code 1", false},
        {"function code 200", 6, 200, true, 0, ILRS_EFSW_CMD,
         "unknown command: APID 17 function code 200", false},
        {"bad enum", 8, 7, true, 0, ILRS_EFSW_ARG,
         "SetHeaterMode: argument 'mode' = 7 not in enumeration {OFF=0,ON=1,AUTO=2}", true},
        {"too short for the header", SIZE_MAX, 0, false, 6, ILRS_ECCSDS_TOOSMALL,
         "length 3, shorter than the 6-octet primary header", false},
    };
    uint64_t rejected = 0, unknown = 0, cmd_rejected = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const reject_case_t *c = &cases[i];
        uint8_t pkt[64];
        memcpy(pkt, good, len);
        if (c->offset != SIZE_MAX) {
            pkt[c->offset] = c->value;
        }
        if (c->reseal) {
            reseal(pkt, len);
        }
        ilrs_dict_check_t check;
        int rc = ilrs_dict_check_command(dict, pkt, len - c->len_delta_neg, &check);
        if (rc != c->expect || strncmp(check.detail, c->detail, strlen(c->detail)) != 0) {
            fail_msg("%s: got %s '%s', expected %s '%s'", c->what, ilrs_errname(rc), check.detail,
                     ilrs_errname(c->expect), c->detail);
        }
        rejected++;
        if (c->expect == ILRS_EFSW_CMD) {
            unknown++;
            assert_null(check.command);
        }
        if (c->known) {
            cmd_rejected++;
            assert_ptr_equal(check.command, cmd);
            assert_int_equal(check.arg_index, 0);
        }
    }
    assert_int_equal(cmd->rejected, cmd_rejected);
    assert_int_equal(cmd->accepted, 0);
    ilrs_dict_stats_t stats;
    ilrs_dict_get_stats(dict, &stats);
    assert_int_equal(stats.commands_rejected, rejected);
    assert_int_equal(stats.commands_unknown, unknown);
    assert_int_equal(stats.commands_accepted, 0);
    /* NULL packet and a dictionary-less call */
    ilrs_dict_check_t check;
    assert_int_equal(ilrs_dict_check_command(dict, NULL, 0, &check), ILRS_EINVAL);
    assert_string_equal(check.detail, "no packet");
    assert_int_equal(ilrs_dict_check_command(NULL, good, len, &check), ILRS_EINVAL);
    ilrs_dict_destroy(dict);
}

static void wrong_length_for_the_command(void **state)
{
    (void)state;
    ilrs_dict_t *dict = sample();
    uint8_t pkt[64] = {0};
    const char *args[] = {"OFF"};
    size_t len = build(dict, "SetHeaterMode", args, 1, pkt, sizeof pkt);
    /* extend by 5 octets with a consistent CCSDS length field: oversize for the command */
    size_t big = len + 5;
    ilrs_put_be16(pkt + 4, (uint16_t)(big - 7));
    reseal(pkt, big);
    ilrs_dict_check_t check;
    assert_int_equal(ilrs_dict_check_command(dict, pkt, big, &check), ILRS_EFSW_CMD);
    assert_string_equal(check.detail, "SetHeaterMode: length 14, expected 9");
    assert_non_null(check.command);
    assert_int_equal(check.arg_index, -1);
    /* NoOp carrying one octet too many */
    len = build(dict, "NoOp", NULL, 0, pkt, sizeof pkt);
    ilrs_put_be16(pkt + 4, (uint16_t)(len + 1 - 7));
    pkt[len] = 0;
    reseal(pkt, len + 1);
    assert_int_equal(ilrs_dict_check_command(dict, pkt, len + 1, &check), ILRS_EFSW_CMD);
    assert_string_equal(check.detail, "NoOp: length 9, expected 8");
    assert_int_equal(ilrs_dict_find_command_by_name(dict, "NoOp")->rejected, 1);
    ilrs_dict_destroy(dict);
}

static void argument_rejections(void **state)
{
    (void)state;
    ilrs_dict_t *dict = sample();
    const ilrs_dict_command_t *tune = ilrs_dict_find_command_by_name(dict, "Tune");
    const char *args[] = {"-5",         "true",   "10",          "18446744073709551615",
                          "0xDEADBEEF", "-128",   "-2147483648", "-9223372036854775808",
                          "65535",      "SCIENCE"};
    uint8_t good[64];
    size_t len = build(dict, "Tune", args, 10, good, sizeof good);
    assert_int_equal(len, SAMPLE_TUNE_LENGTH);
    assert_int_equal(ilrs_dict_check_command(dict, good, len, NULL), 0);
    struct {
        const char *what;
        int arg;
        const uint8_t bytes[8];
        size_t n;
        const char *detail;
    } cases[] = {
        {"delta above range",
         0,
         {0x03, 0xE9},
         2,
         "Tune: argument 'delta' = 1001 outside range [-1000, 1000]"},
        {"delta below range",
         0,
         {0xFC, 0x17},
         2,
         "Tune: argument 'delta' = -1001 outside range [-1000, 1000]"},
        {"bool 2", 1, {2}, 1, "Tune: argument 'enable' = 2 is not a boolean (0 or 1)"},
        {"count 0", 2, {0, 0, 0, 0}, 4, "Tune: argument 'count' = 0 outside range [1, 100000]"},
        {"state not in enum",
         9,
         {0xFF, 0xFE},
         2,
         "Tune: argument 'state' = -2 not in enumeration {FAULT=-1,IDLE=0,SCIENCE=5}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t pkt[64];
        memcpy(pkt, good, len);
        memcpy(pkt + tune->args[cases[i].arg].offset, cases[i].bytes, cases[i].n);
        reseal(pkt, len);
        ilrs_dict_check_t check;
        int rc = ilrs_dict_check_command(dict, pkt, len, &check);
        if (rc != ILRS_EFSW_ARG || strcmp(check.detail, cases[i].detail) != 0 ||
            check.arg_index != cases[i].arg) {
            fail_msg("%s: got %s '%s' arg %d", cases[i].what, ilrs_errname(rc), check.detail,
                     check.arg_index);
        }
    }
    assert_int_equal(tune->rejected, sizeof cases / sizeof cases[0]);
    assert_int_equal(tune->accepted, 1);

    /* floats: NaN and out of range */
    const ilrs_dict_command_t *lim = ilrs_dict_find_command_by_name(dict, "SetBatteryLimits");
    const char *largs[] = {"25.5", "30"};
    len = build(dict, "SetBatteryLimits", largs, 2, good, sizeof good);
    uint8_t pkt[64];
    memcpy(pkt, good, len);
    ilrs_put_be32(pkt + lim->args[0].offset, 0x7FC00000u); /* NaN */
    reseal(pkt, len);
    ilrs_dict_check_t check;
    assert_int_equal(ilrs_dict_check_command(dict, pkt, len, &check), ILRS_EFSW_ARG);
    assert_string_equal(check.detail,
                        "SetBatteryLimits: argument 'low' = nan is not a finite number");
    memcpy(pkt, good, len);
    double high = 40.0;
    uint64_t bits;
    memcpy(&bits, &high, sizeof bits);
    ilrs_put_be64(pkt + lim->args[1].offset, bits);
    reseal(pkt, len);
    assert_int_equal(ilrs_dict_check_command(dict, pkt, len, &check), ILRS_EFSW_ARG);
    assert_string_equal(check.detail,
                        "SetBatteryLimits: argument 'high' = 40 outside range [28, 36]");
    assert_int_equal(check.arg_index, 1);

    /* strings: unterminated, garbage after the terminator, not UTF-8 */
    const char *nargs[] = {"relay-1"};
    len = build(dict, "SetName", nargs, 1, good, sizeof good);
    assert_int_equal(ilrs_dict_check_command(dict, good, len, &check), 0);
    memcpy(pkt, good, len);
    memset(pkt + 8, 'A', 16);
    reseal(pkt, len);
    assert_int_equal(ilrs_dict_check_command(dict, pkt, len, &check), ILRS_EFSW_ARG);
    assert_string_equal(check.detail,
                        "SetName: argument 'name' is an unterminated string (no NUL in 16 octets)");
    memcpy(pkt, good, len);
    pkt[8 + 12] = 'z';
    reseal(pkt, len);
    assert_int_equal(ilrs_dict_check_command(dict, pkt, len, &check), ILRS_EFSW_ARG);
    assert_string_equal(check.detail,
                        "SetName: argument 'name' has a non-NUL octet at 12 after its terminator");
    memcpy(pkt, good, len);
    pkt[8] = 0xFF;
    reseal(pkt, len);
    assert_int_equal(ilrs_dict_check_command(dict, pkt, len, &check), ILRS_EFSW_ARG);
    assert_string_equal(check.detail,
                        "SetName: argument 'name' is not UTF-8 text without control characters");
    ilrs_dict_destroy(dict);
}

static void build_every_type_and_errors(void **state)
{
    (void)state;
    ilrs_dict_t *dict = sample();
    const ilrs_dict_command_t *tune = ilrs_dict_find_command_by_name(dict, "Tune");
    const char *args[] = {"-1000",    "FALSE", "100000",     "0",
                          "deadbeef", "127",   "2147483647", "9223372036854775807",
                          "0x10",     "-1"};
    uint8_t pkt[64];
    size_t len = build(dict, "Tune", args, 10, pkt, sizeof pkt);
    int64_t iv;
    /* read back through a pseudo-packet view of the arguments */
    const int64_t expect[] = {-1000, 0, 100000, 0, 0, 127, INT32_MAX, INT64_MAX, 16, -1};
    for (size_t i = 0; i < tune->arg_count; i++) {
        if (tune->args[i].type == ILRS_DICT_BYTES) {
            assert_memory_equal(pkt + tune->args[i].offset, "\xDE\xAD\xBE\xEF", 4);
            continue;
        }
        assert_int_equal(ilrs_dict_get_int(&tune->args[i], pkt, len, &iv), 0);
        assert_true(iv == expect[i]);
    }
    /* enum by number, float, string */
    const char *by_number[] = {"2"};
    len = build(dict, "SetHeaterMode", by_number, 1, pkt, sizeof pkt);
    assert_int_equal(pkt[8], 2);
    const char *floats[] = {"20", "3.6e1"};
    len = build(dict, "SetBatteryLimits", floats, 2, pkt, sizeof pkt);
    double d;
    const ilrs_dict_command_t *lim = ilrs_dict_find_command_by_name(dict, "SetBatteryLimits");
    assert_int_equal(ilrs_dict_get_raw(&lim->args[1], pkt, len, &d), 0);
    assert_true(d == 36.0);
    const char *name[] = {"fifteen chars.."};
    len = build(dict, "SetName", name, 1, pkt, sizeof pkt);
    assert_memory_equal(pkt + 8, "fifteen chars..\0", 16);

    struct {
        const char *cmd;
        const char *args[10];
        size_t n;
        int expect;
        const char *error;
    } bad[] = {
        {"SetHeaterMode",
         {"BOIL"},
         1,
         ILRS_EFSW_ARG,
         "SetHeaterMode: argument 'mode': 'BOIL' is not an integer or a label of "
         "{OFF=0,ON=1,AUTO=2}"},
        {"SetHeaterMode",
         {"3"},
         1,
         ILRS_EFSW_ARG,
         "SetHeaterMode: argument 'mode' = 3 not in enumeration {OFF=0,ON=1,AUTO=2}"},
        {"SetHeaterMode",
         {"-1"},
         1,
         ILRS_EFSW_ARG,
         "SetHeaterMode: argument 'mode' = -1 does not fit type u8"},
        {"SetHeaterMode", {"ON", "OFF"}, 2, ILRS_EINVAL, "SetHeaterMode takes 1 argument, got 2"},
        {"SetBatteryLimits",
         {"19.9", "30"},
         2,
         ILRS_EFSW_ARG,
         "SetBatteryLimits: argument 'low' = 19.899999618530273 outside range [20, 30]"},
        {"SetBatteryLimits",
         {"abc", "30"},
         2,
         ILRS_EFSW_ARG,
         "SetBatteryLimits: argument 'low': 'abc' is not a finite number"},
        {"SetBatteryLimits",
         {"inf", "30"},
         2,
         ILRS_EFSW_ARG,
         "SetBatteryLimits: argument 'low': 'inf' is not a finite number"},
        {"SetName",
         {"sixteen chars..."},
         1,
         ILRS_EFSW_ARG,
         "SetName: argument 'name': string of 16 octets, at most 15 fit"},
        {"Tune",
         {"1", "maybe", "1", "0", "00", "0", "0", "0", "0", "0"},
         10,
         ILRS_EFSW_ARG,
         "Tune: argument 'enable': 'maybe' is not true/false/1/0"},
        {"Tune",
         {"1", "1", "1", "0", "0g", "0", "0", "0", "0", "0"},
         10,
         ILRS_EFSW_ARG,
         "Tune: argument 'key': '0g' is not hexadecimal"},
        {"Tune",
         {"1", "1", "1", "0", "0102030405", "0", "0", "0", "0", "0"},
         10,
         ILRS_EFSW_ARG,
         "Tune: argument 'key': needs an even number of hex digits, at most 4 octets"},
        {"Tune",
         {"1", "1", "1", "0", "", "-129", "0", "0", "0", "0"},
         10,
         ILRS_EFSW_ARG,
         "Tune: argument 'small' = -129 does not fit type i8"},
        {"Tune",
         {"1", "1", "1", "18446744073709551616", "", "0", "0", "0", "0", "0"},
         10,
         ILRS_EFSW_ARG,
         "Tune: argument 'big': '18446744073709551616' is not an integer"},
        {"Tune",
         {"1", "1", "1", "0", "", "0", "0", "9223372036854775808", "0", "0"},
         10,
         ILRS_EFSW_ARG,
         "Tune: argument 'huge' = 9223372036854775808 does not fit type i64"},
        {"Tune",
         {"1", "1", "1", "0", "", "0", "0", "0", "1.5", "0"},
         10,
         ILRS_EFSW_ARG,
         "Tune: argument 'half': '1.5' is not an integer"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const ilrs_dict_command_t *c = ilrs_dict_find_command_by_name(dict, bad[i].cmd);
        char error[200];
        size_t out_len = 77;
        int rc = ilrs_dict_build_command(c, bad[i].args, bad[i].n, pkt, sizeof pkt, &out_len, error,
                                         sizeof error);
        if (rc != bad[i].expect || strcmp(error, bad[i].error) != 0 || out_len != 0) {
            fail_msg("case %zu: got %s '%s', expected %s '%s'", i, ilrs_errname(rc), error,
                     ilrs_errname(bad[i].expect), bad[i].error);
        }
    }
    /* buffer too small */
    size_t out_len = 5;
    char error[120];
    assert_int_equal(
        ilrs_dict_build_command(tune, args, 10, pkt, 20, &out_len, error, sizeof error),
        ILRS_ECCSDS_TOOSMALL);
    assert_int_equal(out_len, 0);
    /* every packet built is accepted by the check */
    ilrs_dict_stats_t stats;
    ilrs_dict_get_stats(dict, &stats);
    assert_int_equal(stats.commands_rejected, 0);
    ilrs_dict_destroy(dict);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(accepted_and_counted),         cmocka_unit_test(each_rejection_reason),
    cmocka_unit_test(wrong_length_for_the_command), cmocka_unit_test(argument_rejections),
    cmocka_unit_test(build_every_type_and_errors),
};

ILRS_TEST_MAIN(tests)
