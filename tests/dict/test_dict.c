/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Dictionary store and values: validation of every rule on add (with the
 * dictionary unchanged after a rejection), offsets and lengths, lookups,
 * run-time additions keeping earlier pointers valid, get/set of every type,
 * calibration, limits and enumeration labels.
 */
#include <float.h>
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
    assert_non_null(dict);
    return dict;
}

static void create_has_only_station(void **state)
{
    (void)state;
    ilrs_dict_t *dict = NULL;
    assert_int_equal(ilrs_dict_create(&dict), 0);
    assert_int_equal(ilrs_dict_partner_count(dict), 1);
    assert_string_equal(ilrs_dict_partner_at(dict, 0)->id, ILRS_DICT_OWNER_STATION);
    assert_int_equal(ilrs_dict_packet_count(dict), 0);
    assert_int_equal(ilrs_dict_command_count(dict), 0);
    assert_int_equal(ilrs_dict_event_count(dict), 0);
    assert_null(ilrs_dict_packet_at(dict, 0));
    ilrs_dict_destroy(dict);
    ilrs_dict_destroy(NULL);
}

static void offsets_and_lengths(void **state)
{
    (void)state;
    ilrs_dict_t *dict = sample();
    const ilrs_dict_packet_t *p = ilrs_dict_find_packet(dict, SAMPLE_POWER_APID);
    assert_non_null(p);
    assert_int_equal(p->length, SAMPLE_POWER_LENGTH);
    uint32_t expect = 12;
    for (size_t i = 0; i < p->field_count; i++) {
        assert_int_equal(p->fields[i].offset, expect);
        expect += ilrs_dict_type_size(p->fields[i].type, p->fields[i].length);
    }
    assert_int_equal(expect, p->length);
    assert_int_equal(ilrs_dict_find_field(p, "label")->offset,
                     12 + 2 + 2 + 4 + 8 + 1 + 1 + 4 + 8 + 4 + 8 + 1);
    const ilrs_dict_command_t *c = ilrs_dict_find_command_by_name(dict, "Tune");
    assert_non_null(c);
    assert_int_equal(c->length, SAMPLE_TUNE_LENGTH);
    assert_int_equal(c->args[0].offset, 8);
    assert_int_equal(ilrs_dict_find_command_by_name(dict, "NoOp")->length, 8);
    assert_int_equal(ilrs_dict_type_size(ILRS_DICT_STRING, 16), 16);
    assert_int_equal(ilrs_dict_type_size(ILRS_DICT_F64, 0), 8);
    assert_string_equal(ilrs_dict_type_name(ILRS_DICT_I16), "i16");
    assert_string_equal(ilrs_dict_type_name(ILRS_DICT_BYTES), "bytes");
    ilrs_dict_destroy(dict);
}

static void lookups_and_iteration(void **state)
{
    (void)state;
    ilrs_dict_t *dict = sample();
    assert_int_equal(ilrs_dict_partner_count(dict), 3);
    assert_string_equal(ilrs_dict_find_partner(dict, "cnsa")->name,
                        "China National Space Administration");
    assert_null(ilrs_dict_find_partner(dict, "nasa"));
    assert_int_equal(ilrs_dict_packet_count(dict), 2);
    assert_string_equal(ilrs_dict_packet_at(dict, 1)->name, "LMS_HK");
    assert_ptr_equal(ilrs_dict_find_packet_by_name(dict, "LMS_HK"),
                     ilrs_dict_find_packet(dict, SAMPLE_PAYLOAD_APID));
    assert_null(ilrs_dict_find_packet(dict, 0x7FF));
    assert_null(ilrs_dict_find_packet(dict, 0xFFFF));
    assert_null(ilrs_dict_find_packet_by_name(dict, "NOPE"));
    const ilrs_dict_command_t *c = ilrs_dict_find_command(dict, SAMPLE_CMD_APID, 1);
    assert_non_null(c);
    assert_string_equal(c->name, "SetHeaterMode");
    assert_null(ilrs_dict_find_command(dict, SAMPLE_CMD_APID, 5));
    assert_null(ilrs_dict_find_command(dict, SAMPLE_CMD_APID, 200));
    assert_null(ilrs_dict_find_command(dict, 0x123, 1));
    assert_int_equal(ilrs_dict_command_count(dict), 6);
    assert_ptr_equal(ilrs_dict_command_at(dict, 1), c);
    assert_string_equal(ilrs_dict_find_event(dict, "POWER", 2)->name, "POWER_MODE_INF");
    assert_null(ilrs_dict_find_event(dict, "POWER", 3));
    assert_int_equal(ilrs_dict_event_count(dict), 3);
    assert_string_equal(ilrs_dict_event_at(dict, 2)->app, "LMS");
    assert_null(ilrs_dict_find_field(ilrs_dict_find_packet(dict, SAMPLE_POWER_APID), "x"));
    ilrs_dict_destroy(dict);
}

/* ---- validation: one rejection per rule, dictionary unchanged -------------------- */

typedef struct counts {
    size_t partners, packets, commands, events;
    uint32_t fingerprint;
} counts_t;

static counts_t counts_of(const ilrs_dict_t *dict)
{
    counts_t c = {ilrs_dict_partner_count(dict), ilrs_dict_packet_count(dict),
                  ilrs_dict_command_count(dict), ilrs_dict_event_count(dict),
                  ilrs_dict_fingerprint(dict)};
    return c;
}

static void assert_unchanged(const ilrs_dict_t *dict, counts_t before)
{
    counts_t now = counts_of(dict);
    assert_int_equal(now.partners, before.partners);
    assert_int_equal(now.packets, before.packets);
    assert_int_equal(now.commands, before.commands);
    assert_int_equal(now.events, before.events);
    assert_int_equal(now.fingerprint, before.fingerprint);
}

/* A valid packet with one field the cases below break. */
typedef struct packet_case {
    const char *what;
    ilrs_dict_packet_t packet;
    ilrs_dict_field_t fields[3];
    size_t field_count;
    int expect;
} packet_case_t;

static const ilrs_dict_enum_t dup_value[] = {{0, "A"}, {0, "B"}};
static const ilrs_dict_enum_t dup_label[] = {{0, "A"}, {1, "A"}};
static const ilrs_dict_enum_t too_big_for_u8[] = {{0, "A"}, {256, "B"}};
static const ilrs_dict_enum_t bad_label[] = {{0, "A,B"}};

#define PKT(n, a, o)                                                                               \
    {                                                                                              \
        .name = (n), .apid = (a), .owner = (o), .app = "TEST"                                      \
    }
#define U16(n)                                                                                     \
    {                                                                                              \
        .name = (n), .type = ILRS_DICT_U16                                                         \
    }

static void packet_rules_rejected_unchanged(void **state)
{
    (void)state;
    ilrs_dict_t *dict = sample();
    packet_case_t cases[] = {
        {"empty name", PKT("", 100, "station"), {U16("a")}, 1, ILRS_EINVAL},
        {"name starts with digit", PKT("1ABC", 100, "station"), {U16("a")}, 1, ILRS_EINVAL},
        {"name with dash", PKT("A-B", 100, "station"), {U16("a")}, 1, ILRS_EINVAL},
        {"name 64 chars",
         PKT("A123456789012345678901234567890123456789012345678901234567890123", 100, "station"),
         {U16("a")},
         1,
         ILRS_EINVAL},
        {"duplicate name", PKT("POWER_HK", 100, "station"), {U16("a")}, 1, ILRS_EEXIST},
        {"duplicate APID", PKT("NEW", SAMPLE_POWER_APID, "station"), {U16("a")}, 1, ILRS_EEXIST},
        {"APID 2048", PKT("NEW", 2048, "station"), {U16("a")}, 1, ILRS_ECCSDS_APID},
        {"idle APID", PKT("NEW", 2047, "station"), {U16("a")}, 1, ILRS_ECCSDS_APID},
        {"unknown owner", PKT("NEW", 100, "nasa"), {U16("a")}, 1, ILRS_ENOENT},
        {"NULL owner", PKT("NEW", 100, NULL), {U16("a")}, 1, ILRS_ENOENT},
        {"bad app",
         {.name = "NEW", .apid = 100, .owner = "station", .app = "a b"},
         {U16("a")},
         1,
         ILRS_EINVAL},
        {"bad field name", PKT("NEW", 100, "station"), {U16("_a")}, 1, ILRS_EINVAL},
        {"duplicate field", PKT("NEW", 100, "station"), {U16("a"), U16("a")}, 2, ILRS_EEXIST},
        {"unknown type",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_TYPE_COUNT}},
         1,
         ILRS_EINVAL},
        {"string length 0",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_STRING}},
         1,
         ILRS_EINVAL},
        {"bytes length 0",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_BYTES}},
         1,
         ILRS_EINVAL},
        {"length on u16",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_U16, .length = 2}},
         1,
         ILRS_EINVAL},
        {"enum on float",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_F32, .enums = sample_modes, .enum_count = 3}},
         1,
         ILRS_EINVAL},
        {"enum on string",
         PKT("NEW", 100, "station"),
         {{.name = "a",
           .type = ILRS_DICT_STRING,
           .length = 4,
           .enums = sample_modes,
           .enum_count = 3}},
         1,
         ILRS_EINVAL},
        {"enum duplicate value",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_U8, .enums = dup_value, .enum_count = 2}},
         1,
         ILRS_EEXIST},
        {"enum duplicate label",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_U8, .enums = dup_label, .enum_count = 2}},
         1,
         ILRS_EEXIST},
        {"enum value does not fit",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_U8, .enums = too_big_for_u8, .enum_count = 2}},
         1,
         ILRS_ERANGE},
        {"enum label with comma",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_U8, .enums = bad_label, .enum_count = 1}},
         1,
         ILRS_EINVAL},
        {"min > max",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_U8, .has_range = true, .min = 5, .max = 4}},
         1,
         ILRS_EINVAL},
        {"NaN range",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_U8, .has_range = true, .min = NAN, .max = 4}},
         1,
         ILRS_EINVAL},
        {"warn_low < crit_low",
         PKT("NEW", 100, "station"),
         {{.name = "a",
           .type = ILRS_DICT_F32,
           .has_limits = true,
           .crit_low = 0,
           .warn_low = -1,
           .warn_high = 5,
           .crit_high = 6}},
         1,
         ILRS_EINVAL},
        {"warn_high > crit_high",
         PKT("NEW", 100, "station"),
         {{.name = "a",
           .type = ILRS_DICT_F32,
           .has_limits = true,
           .crit_low = 0,
           .warn_low = 1,
           .warn_high = 7,
           .crit_high = 6}},
         1,
         ILRS_EINVAL},
        {"warn_low > warn_high",
         PKT("NEW", 100, "station"),
         {{.name = "a",
           .type = ILRS_DICT_F32,
           .has_limits = true,
           .crit_low = 0,
           .warn_low = 4,
           .warn_high = 3,
           .crit_high = 6}},
         1,
         ILRS_EINVAL},
        {"limits on string",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_STRING, .length = 2, .has_limits = true}},
         1,
         ILRS_EINVAL},
        {"limits on bool",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_BOOL, .has_limits = true, .crit_high = 1}},
         1,
         ILRS_EINVAL},
        {"limits on an enumerated field",
         PKT("NEW", 100, "station"),
         {{.name = "a",
           .type = ILRS_DICT_U8,
           .enums = sample_modes,
           .enum_count = 3,
           .has_limits = true,
           .crit_high = 1}},
         1,
         ILRS_EINVAL},
        {"calibration on bool",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_BOOL, .cal_scale = 2}},
         1,
         ILRS_EINVAL},
        {"infinite calibration",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_U8, .cal_scale = INFINITY}},
         1,
         ILRS_EINVAL},
        {"unit with control char",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_U8, .unit = "V\001"}},
         1,
         ILRS_EINVAL},
        {"invalid UTF-8 description",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_U8, .description = "\xC3\x28"}},
         1,
         ILRS_EINVAL},
        {"too long for a space packet",
         PKT("NEW", 100, "station"),
         {{.name = "a", .type = ILRS_DICT_BYTES, .length = 65535},
          {.name = "b", .type = ILRS_DICT_BYTES, .length = 10}},
         2,
         ILRS_ECCSDS_TOOBIG},
    };
    counts_t before = counts_of(dict);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        packet_case_t *c = &cases[i];
        c->packet.fields = c->fields;
        c->packet.field_count = c->field_count;
        const ilrs_dict_packet_t *stored = (const ilrs_dict_packet_t *)&before;
        int rc = ilrs_dict_add_packet(dict, &c->packet, &stored);
        if (rc != c->expect) {
            fail_msg("%s: got %s, expected %s", c->what, ilrs_errname(rc), ilrs_errname(c->expect));
        }
        assert_null(stored);
        assert_unchanged(dict, before);
    }
    /* The same packet made valid is accepted: the cases failed for their one reason. */
    ilrs_dict_packet_t ok = PKT("NEW", 100, "station");
    ilrs_dict_field_t ok_field = U16("a");
    ok.fields = &ok_field;
    ok.field_count = 1;
    assert_int_equal(ilrs_dict_add_packet(dict, &ok, NULL), 0);
    ilrs_dict_destroy(dict);
}

static void command_rules_rejected_unchanged(void **state)
{
    (void)state;
    ilrs_dict_t *dict = sample();
    counts_t before = counts_of(dict);
    ilrs_dict_field_t arg = {.name = "x", .type = ILRS_DICT_U8};
    struct {
        const char *what;
        ilrs_dict_command_t cmd;
        int expect;
    } cases[] = {
        {"bad name", {.name = "Set Mode", .apid = 20, .owner = "station"}, ILRS_EINVAL},
        {"duplicate name", {.name = "NoOp", .apid = 20, .owner = "station"}, ILRS_EEXIST},
        {"duplicate apid+fc",
         {.name = "Other", .apid = SAMPLE_CMD_APID, .function_code = 1, .owner = "station"},
         ILRS_EEXIST},
        {"function code 128",
         {.name = "Other", .apid = 20, .function_code = 128, .owner = "station"},
         ILRS_ERANGE},
        {"APID 4000", {.name = "Other", .apid = 4000, .owner = "station"}, ILRS_ECCSDS_APID},
        {"unknown owner", {.name = "Other", .apid = 20, .owner = "jaxa"}, ILRS_ENOENT},
        {"limits on an argument",
         {.name = "Other",
          .apid = 20,
          .owner = "station",
          .arg_count = 1,
          .args =
              (const ilrs_dict_field_t[]){
                  {.name = "x", .type = ILRS_DICT_F32, .has_limits = true, .crit_high = 1}}},
         ILRS_EINVAL},
        {"range on bytes",
         {.name = "Other",
          .apid = 20,
          .owner = "station",
          .arg_count = 1,
          .args =
              (const ilrs_dict_field_t[]){
                  {.name = "x", .type = ILRS_DICT_BYTES, .length = 2, .has_range = true}}},
         ILRS_EINVAL},
        {"args NULL with count",
         {.name = "Other", .apid = 20, .owner = "station", .arg_count = 2},
         ILRS_EINVAL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ilrs_dict_command_t *stored = (const ilrs_dict_command_t *)&before;
        int rc = ilrs_dict_add_command(dict, &cases[i].cmd, &stored);
        if (rc != cases[i].expect) {
            fail_msg("%s: got %s, expected %s", cases[i].what, ilrs_errname(rc),
                     ilrs_errname(cases[i].expect));
        }
        assert_null(stored);
        assert_unchanged(dict, before);
    }
    ilrs_dict_command_t ok = {.name = "Other",
                              .apid = 20,
                              .function_code = 127,
                              .owner = "station",
                              .args = &arg,
                              .arg_count = 1};
    const ilrs_dict_command_t *stored = NULL;
    assert_int_equal(ilrs_dict_add_command(dict, &ok, &stored), 0);
    assert_ptr_equal(ilrs_dict_find_command(dict, 20, 127), stored);
    assert_int_equal(stored->length, 9);
    ilrs_dict_destroy(dict);
}

static void event_and_partner_rules_rejected_unchanged(void **state)
{
    (void)state;
    ilrs_dict_t *dict = sample();
    counts_t before = counts_of(dict);
    const ilrs_dict_event_t bad_events[] = {
        {.app = "POWER", .id = 1, .name = "POWER_OTHER_INF"},            /* (app, id) taken */
        {.app = "POWER", .id = 9, .name = "POWER_MODE_INF"},             /* name taken */
        {.app = "POWER", .id = 9, .name = "POWER_MODE"},                 /* no severity suffix */
        {.app = "PO WER", .id = 9, .name = "POWER_X_INF"},               /* bad app */
        {.app = "POWER", .id = 9, .name = "POWER_X_INF", .severity = 7}, /* bad severity */
        {.app = "POWER", .id = 9, .name = "POWER_X_INF", .format = "\x01"},
    };
    const int expect[] = {ILRS_EEXIST, ILRS_EEXIST, ILRS_EINVAL,
                          ILRS_EINVAL, ILRS_EINVAL, ILRS_EINVAL};
    for (size_t i = 0; i < sizeof bad_events / sizeof bad_events[0]; i++) {
        assert_int_equal(ilrs_dict_add_event(dict, &bad_events[i]), expect[i]);
        assert_unchanged(dict, before);
    }
    const ilrs_dict_partner_t bad_partners[] = {
        {"cnsa", "again"}, {"station", "again"}, {"e s a", "ESA"}, {"esa", ""}, {NULL, "x"},
    };
    const int pexpect[] = {ILRS_EEXIST, ILRS_EEXIST, ILRS_EINVAL, ILRS_EINVAL, ILRS_EINVAL};
    for (size_t i = 0; i < sizeof bad_partners / sizeof bad_partners[0]; i++) {
        assert_int_equal(ilrs_dict_add_partner(dict, &bad_partners[i]), pexpect[i]);
        assert_unchanged(dict, before);
    }
    const ilrs_dict_partner_t esa = {"esa", "European Space Agency"};
    assert_int_equal(ilrs_dict_add_partner(dict, &esa), 0);
    const ilrs_dict_event_t ok = {
        .app = "POWER", .id = 9, .name = "POWER_X_CRIT", .severity = ILRS_EVENT_CRITICAL};
    assert_int_equal(ilrs_dict_add_event(dict, &ok), 0);
    ilrs_dict_destroy(dict);
}

/* Add definitions from temporary storage; keep looked-up pointers across many additions. */
static void runtime_addition_keeps_pointers(void **state)
{
    (void)state;
    ilrs_dict_t *dict = sample();
    const ilrs_dict_packet_t *power = ilrs_dict_find_packet(dict, SAMPLE_POWER_APID);
    const ilrs_dict_field_t *voltage = ilrs_dict_find_field(power, "battery_voltage");
    const ilrs_dict_command_t *mode = ilrs_dict_find_command_by_name(dict, "SetHeaterMode");
    const ilrs_dict_partner_t *cnsa = ilrs_dict_find_partner(dict, "cnsa");
    const ilrs_dict_event_t *event = ilrs_dict_event_at(dict, 0);
    for (unsigned i = 0; i < 1200; i++) {
        char name[32], field_name[32], pname[32];
        snprintf(name, sizeof name, "PAYLOAD_%u", i);
        snprintf(field_name, sizeof field_name, "value_%u", i);
        ilrs_dict_field_t field = {.name = field_name, .type = ILRS_DICT_F64, .unit = "K"};
        ilrs_dict_packet_t p = {.name = name,
                                .apid = (uint16_t)(800 + i),
                                .owner = "cnsa",
                                .fields = &field,
                                .field_count = 1};
        const ilrs_dict_packet_t *stored = NULL;
        assert_int_equal(ilrs_dict_add_packet(dict, &p, &stored), 0);
        /* the caller's buffers are scribbled over: the dictionary holds copies */
        memset(name, 'x', sizeof name - 1);
        memset(field_name, 'y', sizeof field_name - 1);
        assert_string_equal(stored->fields[0].name,
                            (snprintf(pname, sizeof pname, "value_%u", i), pname));
        snprintf(name, sizeof name, "Payload%u", i);
        ilrs_dict_command_t c = {.name = name,
                                 .apid = (uint16_t)(400 + i / 100),
                                 .function_code = (uint8_t)(i % 100),
                                 .owner = "cnsa"};
        assert_int_equal(ilrs_dict_add_command(dict, &c, NULL), 0);
        if (i % 500 == 0) {
            snprintf(pname, sizeof pname, "p%u", i);
            ilrs_dict_partner_t partner = {pname, "partner"};
            assert_int_equal(ilrs_dict_add_partner(dict, &partner), 0);
            snprintf(name, sizeof name, "LMS_E%u_INF", i);
            ilrs_dict_event_t e = {.app = "LMS", .id = (uint16_t)(100 + i), .name = name};
            assert_int_equal(ilrs_dict_add_event(dict, &e), 0);
        }
    }
    assert_ptr_equal(ilrs_dict_find_packet(dict, SAMPLE_POWER_APID), power);
    assert_ptr_equal(ilrs_dict_find_field(power, "battery_voltage"), voltage);
    assert_string_equal(voltage->unit, "V");
    assert_ptr_equal(ilrs_dict_find_command_by_name(dict, "SetHeaterMode"), mode);
    assert_string_equal(mode->args[0].enums[2].label, "AUTO");
    assert_ptr_equal(ilrs_dict_find_partner(dict, "cnsa"), cnsa);
    assert_ptr_equal(ilrs_dict_event_at(dict, 0), event);
    assert_int_equal(ilrs_dict_packet_count(dict), 1202);
    assert_string_equal(ilrs_dict_find_packet(dict, 800 + 1199)->name, "PAYLOAD_1199");
    assert_string_equal(ilrs_dict_find_command(dict, 411, 99)->name, "Payload1199");
    ilrs_dict_destroy(dict);
}

/* ---- values ------------------------------------------------------------------------ */

static void get_set_every_type(void **state)
{
    (void)state;
    ilrs_dict_t *dict = sample();
    const ilrs_dict_packet_t *p = ilrs_dict_find_packet(dict, SAMPLE_POWER_APID);
    uint8_t pkt[SAMPLE_POWER_LENGTH];
    memset(pkt, 0xA5, sizeof pkt);
    struct {
        const char *field;
        double value;
    } values[] = {
        {"battery_voltage", 65535},
        {"battery_current", -32768},
        {"uptime", 4294967295.0},
        {"energy_total", 9007199254740993.0},
        {"panel_temp", -128},
        {"mode", 2},
        {"offset_count", -2147483648.0},
        {"net_charge", -9007199254740992.0},
        {"soc", 0.5},
        {"bus_power", -1e300},
        {"heater_on", 1},
        {"state", -1},
    };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        const ilrs_dict_field_t *f = ilrs_dict_find_field(p, values[i].field);
        assert_non_null(f);
        assert_int_equal(ilrs_dict_set_raw(f, pkt, sizeof pkt, values[i].value), 0);
    }
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        const ilrs_dict_field_t *f = ilrs_dict_find_field(p, values[i].field);
        double raw = 0;
        assert_int_equal(ilrs_dict_get_raw(f, pkt, sizeof pkt, &raw), 0);
        assert_true(raw == values[i].value || f->type == ILRS_DICT_U64);
    }
    /* big-endian on the wire */
    assert_int_equal(pkt[12], 0xFF);
    assert_int_equal(pkt[14], 0x80);
    assert_int_equal(pkt[15], 0x00);
    int64_t iv = 0;
    assert_int_equal(
        ilrs_dict_get_int(ilrs_dict_find_field(p, "offset_count"), pkt, sizeof pkt, &iv), 0);
    assert_int_equal(iv, INT32_MIN);
    assert_int_equal(ilrs_dict_get_int(ilrs_dict_find_field(p, "state"), pkt, sizeof pkt, &iv), 0);
    assert_int_equal(iv, -1);
    /* 64-bit integers exactly: 2^53 + 1 survives as an integer write + exact read */
    const ilrs_dict_field_t *net = ilrs_dict_find_field(p, "net_charge");
    ilrs_put_be64(pkt + net->offset, (uint64_t)INT64_MIN);
    assert_int_equal(ilrs_dict_get_int(net, pkt, sizeof pkt, &iv), 0);
    assert_true(iv == INT64_MIN);
    const ilrs_dict_field_t *energy = ilrs_dict_find_field(p, "energy_total");
    ilrs_put_be64(pkt + energy->offset, UINT64_C(0x8000000000000000));
    assert_int_equal(ilrs_dict_get_int(energy, pkt, sizeof pkt, &iv), ILRS_ERANGE);
    ilrs_put_be64(pkt + energy->offset, UINT64_C(9007199254740993));
    assert_int_equal(ilrs_dict_get_int(energy, pkt, sizeof pkt, &iv), 0);
    assert_true(iv == INT64_C(9007199254740993));
    /* rounding to nearest on integer writes */
    const ilrs_dict_field_t *current = ilrs_dict_find_field(p, "battery_current");
    assert_int_equal(ilrs_dict_set_raw(current, pkt, sizeof pkt, -12.6), 0);
    assert_int_equal(ilrs_dict_get_int(current, pkt, sizeof pkt, &iv), 0);
    assert_int_equal(iv, -13);
    /* strings and bytes */
    const ilrs_dict_field_t *label = ilrs_dict_find_field(p, "label");
    assert_int_equal(ilrs_dict_set_bytes(label, pkt, sizeof pkt, "abc", 3), 0);
    assert_memory_equal(pkt + label->offset, "abc\0\0\0\0\0", 8);
    assert_int_equal(ilrs_dict_set_bytes(label, pkt, sizeof pkt, "12345678", 8), ILRS_ERANGE);
    assert_int_equal(ilrs_dict_set_bytes(label, pkt, sizeof pkt, "1234567", 7), 0);
    const ilrs_dict_field_t *raw = ilrs_dict_find_field(p, "raw");
    assert_int_equal(ilrs_dict_set_bytes(raw, pkt, sizeof pkt, "\x01\x02\x03\x04", 4), 0);
    assert_int_equal(ilrs_dict_set_bytes(raw, pkt, sizeof pkt, "\x01\x02\x03\x04\x05", 5),
                     ILRS_ERANGE);
    assert_int_equal(ilrs_dict_set_bytes(current, pkt, sizeof pkt, "ab", 2), ILRS_ETYPE);
    double d;
    assert_int_equal(ilrs_dict_get_raw(label, pkt, sizeof pkt, &d), ILRS_ETYPE);
    assert_int_equal(ilrs_dict_set_raw(raw, pkt, sizeof pkt, 1), ILRS_ETYPE);
    assert_int_equal(ilrs_dict_get_int(ilrs_dict_find_field(p, "soc"), pkt, sizeof pkt, &iv),
                     ILRS_ETYPE);
    ilrs_dict_destroy(dict);
}

static void set_raw_range_and_truncation(void **state)
{
    (void)state;
    ilrs_dict_t *dict = sample();
    const ilrs_dict_packet_t *p = ilrs_dict_find_packet(dict, SAMPLE_POWER_APID);
    uint8_t pkt[SAMPLE_POWER_LENGTH] = {0};
    struct {
        const char *field;
        double value;
    } bad[] = {
        {"mode", 256},
        {"mode", -1},
        {"panel_temp", 128},
        {"panel_temp", -129},
        {"battery_voltage", 65535.6},
        {"heater_on", 2},
        {"heater_on", -1},
        {"energy_total", -1},
        {"energy_total", 18446744073709551616.0},
        {"net_charge", 9223372036854775808.0},
        {"uptime", NAN},
        {"offset_count", INFINITY},
        {"soc", 1e39},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const ilrs_dict_field_t *f = ilrs_dict_find_field(p, bad[i].field);
        if (ilrs_dict_set_raw(f, pkt, sizeof pkt, bad[i].value) != ILRS_ERANGE) {
            fail_msg("%s = %g accepted", bad[i].field, bad[i].value);
        }
    }
    /* NaN and infinity are representable in floats */
    assert_int_equal(ilrs_dict_set_raw(ilrs_dict_find_field(p, "soc"), pkt, sizeof pkt, NAN), 0);
    assert_int_equal(
        ilrs_dict_set_raw(ilrs_dict_find_field(p, "bus_power"), pkt, sizeof pkt, -INFINITY), 0);
    double d;
    assert_int_equal(ilrs_dict_get_raw(ilrs_dict_find_field(p, "soc"), pkt, sizeof pkt, &d), 0);
    assert_true(isnan(d));
    /* a packet one octet short of the last field */
    const ilrs_dict_field_t *last = &p->fields[p->field_count - 1];
    assert_int_equal(ilrs_dict_get_raw(last, pkt, p->length - 1, &d), ILRS_ETRUNC);
    assert_true(d == 0);
    assert_int_equal(ilrs_dict_set_raw(last, pkt, p->length - 1, 1), ILRS_ETRUNC);
    int64_t iv = 7;
    assert_int_equal(ilrs_dict_get_int(last, pkt, 3, &iv), ILRS_ETRUNC);
    assert_int_equal(iv, 0);
    assert_int_equal(ilrs_dict_get_raw(last, pkt, p->length, &d), 0);
    ilrs_dict_destroy(dict);
}

static void calibration_limits_enums(void **state)
{
    (void)state;
    ilrs_dict_t *dict = sample();
    const ilrs_dict_packet_t *p = ilrs_dict_find_packet(dict, SAMPLE_POWER_APID);
    const ilrs_dict_field_t *v = ilrs_dict_find_field(p, "battery_voltage");
    const ilrs_dict_field_t *power = ilrs_dict_find_field(p, "bus_power");
    const ilrs_dict_field_t *uptime = ilrs_dict_find_field(p, "uptime");
    assert_float_equal(ilrs_dict_calibrate(v, 28500), 28.5, 1e-12);
    assert_float_equal(ilrs_dict_calibrate(power, 10), 18.5, 0);
    assert_float_equal(ilrs_dict_calibrate(uptime, 42), 42, 0); /* scale 0 means 1 */
    struct {
        double value;
        ilrs_dict_limit_state_t state;
    } cases[] = {
        {21.9, ILRS_DICT_LIMIT_CRIT_LOW},   {22.0, ILRS_DICT_LIMIT_WARN_LOW},
        {23.99, ILRS_DICT_LIMIT_WARN_LOW},  {24.0, ILRS_DICT_LIMIT_NOMINAL},
        {28.0, ILRS_DICT_LIMIT_NOMINAL},    {32.0, ILRS_DICT_LIMIT_NOMINAL},
        {32.5, ILRS_DICT_LIMIT_WARN_HIGH},  {34.0, ILRS_DICT_LIMIT_WARN_HIGH},
        {34.01, ILRS_DICT_LIMIT_CRIT_HIGH}, {NAN, ILRS_DICT_LIMIT_CRIT_HIGH},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(ilrs_dict_limit_check(v, cases[i].value), cases[i].state);
    }
    assert_int_equal(ilrs_dict_limit_check(uptime, 1e9), ILRS_DICT_LIMIT_NONE);
    const ilrs_dict_field_t *temp = ilrs_dict_find_field(p, "panel_temp");
    assert_int_equal(ilrs_dict_limit_check(temp, -30), ILRS_DICT_LIMIT_WARN_LOW);
    assert_int_equal(ilrs_dict_limit_check(temp, -41), ILRS_DICT_LIMIT_CRIT_LOW);
    const ilrs_dict_field_t *mode = ilrs_dict_find_field(p, "mode");
    assert_string_equal(ilrs_dict_enum_label(mode, 0), "OFF");
    assert_string_equal(ilrs_dict_enum_label(mode, 2), "AUTO");
    assert_null(ilrs_dict_enum_label(mode, 3));
    assert_string_equal(ilrs_dict_enum_label(ilrs_dict_find_field(p, "state"), -1), "FAULT");
    assert_null(ilrs_dict_enum_label(uptime, 0));
    ilrs_dict_destroy(dict);
}

/* Long lists take the sorting path of the duplicate checks; details stay bounded. */
static void long_lists_duplicates_and_detail(void **state)
{
    (void)state;
    ilrs_dict_t *dict = sample();
    enum { N = 300 };
    static char names[N][24];
    static ilrs_dict_field_t fields[N];
    static ilrs_dict_enum_t enums[N];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "LABEL_NUMBER_%03d", i);
        fields[i] = (ilrs_dict_field_t){.name = names[i], .type = ILRS_DICT_U8};
        enums[i] = (ilrs_dict_enum_t){.value = i, .label = names[i]};
    }
    counts_t before = counts_of(dict);
    ilrs_dict_packet_t p = {
        .name = "WIDE", .apid = 200, .owner = "station", .fields = fields, .field_count = N};
    fields[N - 1].name = names[17]; /* repeat far apart */
    assert_int_equal(ilrs_dict_add_packet(dict, &p, NULL), ILRS_EEXIST);
    assert_unchanged(dict, before);
    fields[N - 1].name = names[N - 1];
    assert_int_equal(ilrs_dict_add_packet(dict, &p, NULL), 0);

    ilrs_dict_field_t arg = {
        .name = "code", .type = ILRS_DICT_U16, .enums = enums, .enum_count = N};
    ilrs_dict_command_t c = {
        .name = "Pick", .apid = 201, .owner = "station", .args = &arg, .arg_count = 1};
    before = counts_of(dict);
    enums[N - 1].value = 5; /* repeated value */
    assert_int_equal(ilrs_dict_add_command(dict, &c, NULL), ILRS_EEXIST);
    enums[N - 1].value = N - 1;
    enums[N - 1].label = names[3]; /* repeated label */
    assert_int_equal(ilrs_dict_add_command(dict, &c, NULL), ILRS_EEXIST);
    assert_unchanged(dict, before);
    enums[N - 1].label = names[N - 1];
    const ilrs_dict_command_t *stored = NULL;
    assert_int_equal(ilrs_dict_add_command(dict, &c, &stored), 0);

    /* a value outside a 300-label enumeration: the detail is cut, never overflowing */
    uint8_t pkt[16];
    size_t len = 0;
    char error[200];
    const char *args[] = {"7"};
    assert_int_equal(
        ilrs_dict_build_command(stored, args, 1, pkt, sizeof pkt, &len, error, sizeof error), 0);
    ilrs_put_be16(pkt + 8, 4000);
    uint8_t x = 0;
    pkt[7] = 0;
    for (size_t i = 0; i < len; i++) {
        x ^= pkt[i];
    }
    pkt[7] = (uint8_t)(x ^ 0xFF);
    ilrs_dict_check_t check;
    assert_int_equal(ilrs_dict_check_command(dict, pkt, len, &check), ILRS_EFSW_ARG);
    assert_true(strlen(check.detail) < sizeof check.detail);
    assert_non_null(strstr(check.detail, "Pick: argument 'code' = 4000 not in enumeration {"));
    assert_non_null(strstr(check.detail, "...}"));
    ilrs_dict_destroy(dict);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(create_has_only_station),
    cmocka_unit_test(offsets_and_lengths),
    cmocka_unit_test(lookups_and_iteration),
    cmocka_unit_test(packet_rules_rejected_unchanged),
    cmocka_unit_test(command_rules_rejected_unchanged),
    cmocka_unit_test(event_and_partner_rules_rejected_unchanged),
    cmocka_unit_test(runtime_addition_keeps_pointers),
    cmocka_unit_test(get_set_every_type),
    cmocka_unit_test(set_raw_range_and_truncation),
    cmocka_unit_test(calibration_limits_enums),
    cmocka_unit_test(long_lists_duplicates_and_detail),
};

ILRS_TEST_MAIN(tests)
