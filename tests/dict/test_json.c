/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON export and import: byte-identical round trip, the fingerprint, reading a
 * file, and read errors that name the JSON path of the problem.
 */
#include <stdlib.h>
#include <unistd.h>

#include "ilrs_test.h"

#include <ilrs/dict.h>

#include "dict_sample.h"

/* The dictionary's JSON text (malloc'd). */
/* noinline: gcc 12 otherwise misreads open_memstream's buffer as a dangling local */
__attribute__((noinline)) static char *json_of(const ilrs_dict_t *dict, size_t *len)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    assert_non_null(f);
    assert_int_equal(ilrs_dict_write_json(dict, f), 0);
    assert_int_equal(fclose(f), 0);
    *len = size;
    return text;
}

static char *sample_json(size_t *len)
{
    ilrs_dict_t *dict = NULL;
    assert_int_equal(sample_dict_create(&dict), 0);
    char *text = json_of(dict, len);
    ilrs_dict_destroy(dict);
    return text;
}

static void round_trip_is_byte_identical(void **state)
{
    (void)state;
    ilrs_dict_t *dict = NULL;
    assert_int_equal(sample_dict_create(&dict), 0);
    size_t len1;
    char *first = json_of(dict, &len1);
    ilrs_dict_t *copy = NULL;
    char error[256];
    int rc = ilrs_dict_parse_json(first, len1, &copy, error, sizeof error);
    if (rc != 0) {
        fail_msg("parse: %s", error);
    }
    size_t len2;
    char *second = json_of(copy, &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(first, second, len1);
    assert_int_equal(ilrs_dict_fingerprint(dict), ilrs_dict_fingerprint(copy));
    assert_int_equal(ilrs_dict_fingerprint(dict), ilrs_crc32(0, first, len1));
    /* the copy is a working dictionary: same layout, limits, enums, partners */
    const ilrs_dict_packet_t *p = ilrs_dict_find_packet(copy, SAMPLE_POWER_APID);
    assert_non_null(p);
    assert_int_equal(p->length, SAMPLE_POWER_LENGTH);
    const ilrs_dict_field_t *v = ilrs_dict_find_field(p, "battery_voltage");
    assert_true(v->has_limits && v->warn_high == 32.0 && v->cal_scale == 0.001);
    assert_string_equal(ilrs_dict_enum_label(ilrs_dict_find_field(p, "state"), -1), "FAULT");
    assert_string_equal(ilrs_dict_find_partner(copy, "cnsa")->name,
                        "China National Space Administration");
    assert_string_equal(ilrs_dict_find_command(copy, 0x301, 10)->owner, "cnsa");
    assert_int_equal(ilrs_dict_find_event(copy, "POWER", 1)->severity, ILRS_EVENT_ERROR);
    /* the text keeps the canonical shape */
    assert_non_null(strstr(first, "\"format\": \"ilrs-dictionary\""));
    assert_int_equal(first[len1 - 1], '\n');
    free(first);
    free(second);
    ilrs_dict_destroy(copy);
    ilrs_dict_destroy(dict);
}

static void fingerprint_follows_content(void **state)
{
    (void)state;
    ilrs_dict_t *a = NULL, *b = NULL;
    assert_int_equal(sample_dict_create(&a), 0);
    assert_int_equal(sample_dict_create(&b), 0);
    assert_int_equal(ilrs_dict_fingerprint(a), ilrs_dict_fingerprint(b));
    /* command counters are run-time state, not content */
    ilrs_dict_check_command(a, (const uint8_t *)"\x18\x11\xC0\x00\x00\x01\x00\x00", 8, NULL);
    assert_int_equal(ilrs_dict_fingerprint(a), ilrs_dict_fingerprint(b));
    ilrs_dict_field_t f = {.name = "x", .type = ILRS_DICT_U8};
    ilrs_dict_packet_t p = {
        .name = "EXTRA", .apid = 99, .owner = "station", .fields = &f, .field_count = 1};
    assert_int_equal(ilrs_dict_add_packet(b, &p, NULL), 0);
    assert_int_not_equal(ilrs_dict_fingerprint(a), ilrs_dict_fingerprint(b));
    ilrs_dict_destroy(a);
    ilrs_dict_destroy(b);
}

static void read_json_file(void **state)
{
    (void)state;
    size_t len;
    char *text = sample_json(&len);
    char path[] = "/tmp/ilrs_dict_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    ilrs_dict_t *dict = NULL;
    char error[300];
    assert_int_equal(ilrs_dict_read_json(path, &dict, error, sizeof error), 0);
    assert_int_equal(ilrs_dict_packet_count(dict), 2);
    size_t len2;
    char *again = json_of(dict, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(text, again, len);
    ilrs_dict_destroy(dict);
    unlink(path);
    assert_int_equal(ilrs_dict_read_json(path, &dict, error, sizeof error), ILRS_EIO);
    assert_null(dict);
    assert_non_null(strstr(error, "No such file"));
    free(text);
    free(again);
}

/* Replace the first occurrence of @p from in @p text by @p to (malloc'd result). */
static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (at == NULL) {
        fail_msg("'%s' not in the sample JSON", from);
    }
    size_t head = (size_t)(at - text);
    size_t n = strlen(text) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    assert_non_null(out);
    memcpy(out, text, head);
    strcpy(out + head, to);
    strcat(out, at + strlen(from));
    return out;
}

static void read_errors_name_the_path(void **state)
{
    (void)state;
    size_t len;
    char *text = sample_json(&len);
    struct {
        const char *from;
        const char *to;
        int expect;
        const char *error;
    } cases[] = {
        {"\"type\": \"u16\"", "\"type\": \"u24\"", ILRS_EFORMAT,
         "packets[0].fields[0].type: unknown type 'u24'"},
        {"\"type\": \"u8\"", "\"type\": 8", ILRS_EFORMAT,
         "packets[0].fields[5].type: must be a string, not an integer"},
        {"\"name\": \"battery_current\",", "\"name\": \"battery_current\", \"colour\": 1,",
         ILRS_EFORMAT, "packets[0].fields[1].colour: unknown key"},
        {"\"apid\": 16", "\"apid\": 4096", ILRS_EFORMAT, "packets[0].apid: 4096 outside 0..2047"},
        {"\"apid\": 16", "\"apid\": 16.0", ILRS_EFORMAT,
         "packets[0].apid: must be an integer, not a real"},
        {"\"apid\": 768", "\"apid\": 16", ILRS_EEXIST,
         "packets[1]: packet 'LMS_HK': APID 16 already used by packet 'POWER_HK'"},
        {"\"owner\": \"cnsa\"", "\"owner\": \"nasa\"", ILRS_ENOENT,
         "packets[1]: packet 'LMS_HK': owner 'nasa' is not a known partner"},
        {"\"function_code\": 1,", "\"function_code\": 128,", ILRS_EFORMAT,
         "commands[1].function_code: 128 outside 0..127"},
        {"\"label\": \"ON\"", "\"label\": \"OFF\"", ILRS_EEXIST,
         "packets[0]: packet 'POWER_HK': field 'mode': enumeration label 'OFF' repeated"},
        {"\"warn_high\": 32.0", "\"warn_high\": 35.0", ILRS_EINVAL,
         "packets[0]: packet 'POWER_HK': field 'battery_voltage': limits must be finite and "
         "ordered"},
        {"\"min\": 20.0", "\"min\": \"20\"", ILRS_EFORMAT,
         "commands[2].args[0].range.min: must be a number, not a string"},
        {"\"severity\": \"error\"", "\"severity\": \"fatal\"", ILRS_EFORMAT,
         "events[0].severity: unknown severity 'fatal'"},
        {"\"length\": 8,", "\"length\": 9,", ILRS_EFORMAT,
         "packets[0].length: 69 disagrees with the computed 70"},
        {"\"offset\": 14,", "\"offset\": 15,", ILRS_EFORMAT,
         "packets[0].fields[1].offset: 15 disagrees with the computed 14"},
        {"\"format\": \"ilrs-dictionary\"", "\"format\": \"other\"", ILRS_EFORMAT,
         "format: 'other', expected 'ilrs-dictionary'"},
        {"\"version\": 1", "\"version\": 2", ILRS_EFORMAT, "version: 2 outside 1..1"},
        {"\"events\": [", "\"events\": {\"a\": [", ILRS_EFORMAT, "line "},
        {"\"partners\": [", "\"partnrs\": [", ILRS_EFORMAT, "partnrs: unknown key"},
        {"\"id\": \"roscosmos\"", "\"id\": \"ros cosmos\"", ILRS_EINVAL,
         "partners[2]: partner id 'ros cosmos' is not"},
        {"\"fields\": [", "\"fields\": {}, \"x\": [", ILRS_EFORMAT, "packets[0].x: unknown key"},
        {"\"name\": \"POWER_HK\",", "\"name\": \"POWER_HK\", \"name\": \"X\",", ILRS_EFORMAT,
         "line "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *bad = replace(text, cases[i].from, cases[i].to);
        ilrs_dict_t *dict = (ilrs_dict_t *)&len;
        char error[300];
        int rc = ilrs_dict_parse_json(bad, strlen(bad), &dict, error, sizeof error);
        if (rc != cases[i].expect || strncmp(error, cases[i].error, strlen(cases[i].error)) != 0) {
            fail_msg("case %zu: got %s '%s', expected %s '%s'", i, ilrs_errname(rc), error,
                     ilrs_errname(cases[i].expect), cases[i].error);
        }
        assert_null(dict);
        free(bad);
    }
    /* not JSON at all, empty, and a JSON array */
    ilrs_dict_t *dict = NULL;
    char error[300];
    assert_int_equal(ilrs_dict_parse_json("{", 1, &dict, error, sizeof error), ILRS_EFORMAT);
    assert_int_equal(ilrs_dict_parse_json("", 0, &dict, error, sizeof error), ILRS_EFORMAT);
    assert_int_equal(ilrs_dict_parse_json("[]", 2, &dict, error, sizeof error), ILRS_EFORMAT);
    assert_string_equal(error, "(root): must be an object, not an array");
    free(text);
}

static void minimal_document_and_station_name(void **state)
{
    (void)state;
    const char *doc = "{\"format\": \"ilrs-dictionary\", \"version\": 1,"
                      " \"partners\": [{\"id\": \"station\", \"name\": \"Test operator\"}],"
                      " \"packets\": [], \"commands\": [{\"name\": \"Ping\", \"apid\": 5,"
                      " \"function_code\": 0, \"owner\": \"station\", \"args\": []}],"
                      " \"events\": []}";
    ilrs_dict_t *dict = NULL;
    char error[200];
    assert_int_equal(ilrs_dict_parse_json(doc, strlen(doc), &dict, error, sizeof error), 0);
    assert_string_equal(ilrs_dict_find_partner(dict, "station")->name, "Test operator");
    assert_int_equal(ilrs_dict_find_command_by_name(dict, "Ping")->length, 8);
    ilrs_dict_destroy(dict);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(round_trip_is_byte_identical),
    cmocka_unit_test(fingerprint_follows_content),
    cmocka_unit_test(read_json_file),
    cmocka_unit_test(read_errors_name_the_path),
    cmocka_unit_test(minimal_document_and_station_name),
};

ILRS_TEST_MAIN(tests)
