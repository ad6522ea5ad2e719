/* SPDX-License-Identifier: Apache-2.0 */
/*
 * XTCE 1.2 export: the document written for the sample dictionary (every field and
 * argument type, limits, calibration, enumerations, two owners) is valid against
 * the OMG schema in data/xtce/ (xmllint, libxml2), a broken document is not, and the
 * mapping carries APIDs, function codes, lengths and units.
 */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ilrs_test.h"

#include <ilrs/dict.h>

#include "dict_sample.h"

/* Run xmllint against the committed schema; returns its exit status. */
static int xmllint_status(const char *path)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "XML_CATALOG_FILES='%s' xmllint --nonet --noout --schema '%s' '%s' 2>/dev/null",
             ILRS_TEST_SRC("data/xtce/catalog.xml"), ILRS_TEST_SRC("data/xtce/SpaceSystem.xsd"),
             path);
    int status = system(cmd);
    if (status == -1 || !WIFEXITED(status)) {
        fail_msg("could not run xmllint");
    }
    return WEXITSTATUS(status);
}

static char *write_sample(const char *system_name, char *path, size_t *len)
{
    ilrs_dict_t *dict = NULL;
    assert_int_equal(sample_dict_create(&dict), 0);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w+");
    assert_non_null(f);
    assert_int_equal(ilrs_dict_write_xtce(dict, system_name, f), 0);
    long size = ftell(f);
    assert_true(size > 0);
    rewind(f);
    char *text = calloc((size_t)size + 1, 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    ilrs_dict_destroy(dict);
    *len = (size_t)size;
    return text;
}

static void schema_valid(void **state)
{
    (void)state;
    char path[] = "/tmp/ilrs_xtce_XXXXXX";
    size_t len;
    char *text = write_sample(NULL, path, &len);
    assert_int_equal(xmllint_status(path), 0);
    unlink(path);
    /* the same with another root name */
    char path2[] = "/tmp/ilrs_xtce_XXXXXX";
    char *text2 = write_sample("ILRS-Test_1", path2, &len);
    assert_int_equal(xmllint_status(path2), 0);
    unlink(path2);
    free(text);
    free(text2);
}

/* The validation is not vacuous: a document missing a required attribute fails. */
static void broken_document_rejected(void **state)
{
    (void)state;
    char path[] = "/tmp/ilrs_xtce_XXXXXX";
    size_t len;
    char *text = write_sample(NULL, path, &len);
    char *at = strstr(text, " parameterTypeRef=\"POWER_HK-uptime-type\"");
    assert_non_null(at);
    memset(at, ' ', strlen(" parameterTypeRef=\"POWER_HK-uptime-type\""));
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    assert_int_not_equal(xmllint_status(path), 0);
    unlink(path);
    free(text);
}

static void mapping_content(void **state)
{
    (void)state;
    char path[] = "/tmp/ilrs_xtce_XXXXXX";
    size_t len;
    char *text = write_sample(NULL, path, &len);
    unlink(path);
    const char *expect[] = {
        "<SpaceSystem xmlns=\"http://www.omg.org/spec/XTCE/20180204\" name=\"ILRS\"",
        "<SpaceSystem name=\"station\" shortDescription=\"ILRS station operator\">",
        "<SpaceSystem name=\"cnsa\" shortDescription=\"China National Space Administration\">",
        "<SequenceContainer name=\"CCSDS-TM-Packet\" abstract=\"true\"",
        "<Comparison parameterRef=\"/ILRS/CCSDS-APID\" value=\"16\"/>",
        "<Comparison parameterRef=\"/ILRS/CCSDS-APID\" value=\"768\"/>",
        "<ArgumentAssignment argumentName=\"CCSDS-Function-Code\" argumentValue=\"1\"/>",
        "<ArgumentAssignment argumentName=\"CCSDS-Length\" argumentValue=\"2\"/>",
        "<Enumeration value=\"-1\" label=\"FAULT\"/>",
        "<Term coefficient=\"0.001\" exponent=\"1\"/>",
        "<WarningRange minInclusive=\"24\" maxInclusive=\"32\"/>",
        "<Unit>degC</Unit>",
        "<FixedValue>64</FixedValue>", /* 8-octet string */
        "<ValidRange minInclusive=\"-1000\" maxInclusive=\"1000\"/>",
        "lunar mineral spectrometer housekeeping &amp; &lt;status&gt;",
        "<FloatDataEncoding encoding=\"IEEE754_1985\" sizeInBits=\"32\"",
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        if (strstr(text, expect[i]) == NULL) {
            fail_msg("XTCE lacks: %s", expect[i]);
        }
    }
    /* deterministic: the same dictionary gives the same bytes */
    char path2[] = "/tmp/ilrs_xtce_XXXXXX";
    size_t len2;
    char *again = write_sample(NULL, path2, &len2);
    unlink(path2);
    assert_int_equal(len, len2);
    assert_memory_equal(text, again, len);
    free(text);
    free(again);
}

static void bad_system_name(void **state)
{
    (void)state;
    ilrs_dict_t *dict = NULL;
    assert_int_equal(sample_dict_create(&dict), 0);
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(ilrs_dict_write_xtce(dict, "a/b", f), ILRS_EINVAL);
    assert_int_equal(ilrs_dict_write_xtce(dict, "", f), ILRS_EINVAL);
    assert_int_equal(ilrs_dict_write_xtce(dict, "x y", f), ILRS_EINVAL);
    assert_int_equal(ilrs_dict_write_xtce(NULL, "x", f), ILRS_EINVAL);
    assert_int_equal(ftell(f), 0);
    fclose(f);
    ilrs_dict_destroy(dict);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(schema_valid),
    cmocka_unit_test(broken_document_rejected),
    cmocka_unit_test(mapping_content),
    cmocka_unit_test(bad_system_name),
};

ILRS_TEST_MAIN(tests)
