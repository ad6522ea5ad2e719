/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The dictionary as XTCE 1.2 (OMG XML Telemetric and Command Exchange, namespace
 * http://www.omg.org/spec/XTCE/20180204), the form Yamcs and COSMOS load. The
 * output is valid against the normative schema (data/xtce/SpaceSystem.xsd, checked
 * by tests/dict/test_xtce.c).
 *
 * Mapping (docs/dict.md has the full table):
 * - root SpaceSystem: the CCSDS headers, once. Telemetry: parameters for every
 *   primary and secondary header field and an abstract SequenceContainer
 *   "CCSDS-TM-Packet". Commands: an abstract MetaCommand "CCSDS-TC-Command" whose
 *   CommandContainer holds the fixed header bits, the APID, length and function code
 *   as arguments, and the checksum octet.
 * - one child SpaceSystem per partner (owner). A packet is a SequenceContainer that
 *   extends CCSDS-TM-Packet restricted to its APID; a field is a Parameter named
 *   "<packet>-<field>" with its own type; a command is a MetaCommand extending
 *   CCSDS-TC-Command with its APID, length and function code assigned.
 * Names built here join dictionary names with '-', a character dictionary names
 * cannot hold, so they never collide (XTCE NameType forbids '.', '/', ':', '[', ']'
 * and space).
 *
 * Written by hand with fprintf rather than through an XML library: the output is a
 * fixed, shallow structure and this keeps the dictionary free of a libxml2 link
 * dependency; escaping is done by xml_text() below.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict/dict_int.h"

#define XTCE_NS "http://www.omg.org/spec/XTCE/20180204"

typedef struct xw {
    FILE *out;
} xw_t;

/* Escape text for element content or a double-quoted attribute value. */
static void xml_text(FILE *out, const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\n':
            fputs("&#10;", out);
            break;
        case '\t':
            fputs("&#9;", out);
            break;
        default:
            fputc(*s, out);
            break;
        }
    }
}

/* Shortest "%.Ng" that reads back to the same double: a valid xs:double lexical form. */
static void format_double(double v, char *buf, size_t cap)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, cap, "%.*g", digits, v);
        if (strtod(buf, NULL) == v) {
            return;
        }
    }
}

static void attr_text(FILE *out, const char *name, const char *value)
{
    if (value == NULL || value[0] == '\0') {
        return;
    }
    fprintf(out, " %s=\"", name);
    xml_text(out, value);
    fputc('"', out);
}

static void attr_double(FILE *out, const char *name, double value)
{
    char buf[40];
    format_double(value, buf, sizeof buf);
    fprintf(out, " %s=\"%s\"", name, buf);
}

static void indent(FILE *out, int depth)
{
    for (int i = 0; i < depth; i++) {
        fputs("  ", out);
    }
}

/* ---- root: the CCSDS headers -------------------------------------------------- */

typedef struct header_field {
    const char *name;
    unsigned bits;
} header_field_t;

/* CCSDS 133.0-B-2 §4.1.3 primary header, then the ilrs CUC secondary header (ccsds.h). */
static const header_field_t tm_header[] = {
    {"CCSDS-Version", 3}, {"CCSDS-Type", 1},         {"CCSDS-Sec-Hdr-Flag", 1},
    {"CCSDS-APID", 11},   {"CCSDS-Seq-Flags", 2},    {"CCSDS-Seq-Count", 14},
    {"CCSDS-Length", 16}, {"CCSDS-Time-Coarse", 32}, {"CCSDS-Time-Fine", 16},
};

static void write_root_telemetry(FILE *out)
{
    size_t n = sizeof tm_header / sizeof tm_header[0];
    fputs("  <TelemetryMetaData>\n    <ParameterTypeSet>\n", out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out,
                "      <IntegerParameterType name=\"%s-type\" signed=\"false\" "
                "sizeInBits=\"%u\">\n"
                "        <IntegerDataEncoding encoding=\"unsigned\" sizeInBits=\"%u\"/>\n"
                "      </IntegerParameterType>\n",
                tm_header[i].name, tm_header[i].bits <= 32 ? 32u : 64u, tm_header[i].bits);
    }
    fputs("    </ParameterTypeSet>\n    <ParameterSet>\n", out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "      <Parameter name=\"%s\" parameterTypeRef=\"%s-type\"/>\n",
                tm_header[i].name, tm_header[i].name);
    }
    fputs("    </ParameterSet>\n    <ContainerSet>\n"
          "      <SequenceContainer name=\"CCSDS-TM-Packet\" abstract=\"true\" "
          "shortDescription=\"CCSDS space packet with the ilrs CUC time secondary header "
          "(4 coarse + 2 fine octets, TAI since 1958)\">\n"
          "        <EntryList>\n",
          out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "          <ParameterRefEntry parameterRef=\"%s\"/>\n", tm_header[i].name);
    }
    fputs("        </EntryList>\n      </SequenceContainer>\n    </ContainerSet>\n"
          "  </TelemetryMetaData>\n",
          out);
}

static void write_root_commands(FILE *out)
{
    fputs("  <CommandMetaData>\n    <ArgumentTypeSet>\n", out);
    static const header_field_t args[] = {
        {"CCSDS-APID", 11}, {"CCSDS-Length", 16}, {"CCSDS-Function-Code", 8}};
    for (size_t i = 0; i < 3; i++) {
        fprintf(out,
                "      <IntegerArgumentType name=\"%s-type\" signed=\"false\" "
                "sizeInBits=\"32\">\n"
                "        <IntegerDataEncoding encoding=\"unsigned\" sizeInBits=\"%u\"/>\n"
                "      </IntegerArgumentType>\n",
                args[i].name, args[i].bits);
    }
    fputs("    </ArgumentTypeSet>\n    <MetaCommandSet>\n"
          "      <MetaCommand name=\"CCSDS-TC-Command\" abstract=\"true\" "
          "shortDescription=\"ilrs telecommand: primary header, function code, checksum\">\n"
          "        <LongDescription>The checksum octet is sent as 0 here; the sender sets it "
          "so that the XOR of every octet of the packet is 0xFF (cFE convention), which "
          "XTCE 1.2 has no checksum algorithm for.</LongDescription>\n"
          "        <ArgumentList>\n",
          out);
    for (size_t i = 0; i < 3; i++) {
        fprintf(out, "          <Argument name=\"%s\" argumentTypeRef=\"%s-type\"/>\n",
                args[i].name, args[i].name);
    }
    fputs("        </ArgumentList>\n"
          "        <CommandContainer name=\"CCSDS-TC-Command\">\n"
          "          <EntryList>\n"
          "            <FixedValueEntry name=\"CCSDS-Version\" binaryValue=\"00\" "
          "sizeInBits=\"3\"/>\n"
          "            <FixedValueEntry name=\"CCSDS-Type\" binaryValue=\"01\" "
          "sizeInBits=\"1\"/>\n"
          "            <FixedValueEntry name=\"CCSDS-Sec-Hdr-Flag\" binaryValue=\"01\" "
          "sizeInBits=\"1\"/>\n"
          "            <ArgumentRefEntry argumentRef=\"CCSDS-APID\"/>\n"
          "            <FixedValueEntry name=\"CCSDS-Seq-Flags\" binaryValue=\"03\" "
          "sizeInBits=\"2\"/>\n"
          "            <FixedValueEntry name=\"CCSDS-Seq-Count\" binaryValue=\"0000\" "
          "sizeInBits=\"14\"/>\n"
          "            <ArgumentRefEntry argumentRef=\"CCSDS-Length\"/>\n"
          "            <ArgumentRefEntry argumentRef=\"CCSDS-Function-Code\"/>\n"
          "            <FixedValueEntry name=\"Checksum\" binaryValue=\"00\" "
          "sizeInBits=\"8\"/>\n"
          "          </EntryList>\n"
          "        </CommandContainer>\n"
          "      </MetaCommand>\n"
          "    </MetaCommandSet>\n"
          "  </CommandMetaData>\n",
          out);
}

/* ---- one field's type ------------------------------------------------------------ */

static bool has_calibration(const ilrs_dict_field_t *f)
{
    return f->cal_offset != 0 || (f->cal_scale != 0 && f->cal_scale != 1);
}

static unsigned type_bits(const ilrs_dict_field_t *f)
{
    return 8u * ilrs_dict_type_size(f->type, f->length);
}

static void write_unit(FILE *out, int depth, const ilrs_dict_field_t *f)
{
    if (f->unit == NULL || f->unit[0] == '\0') {
        return;
    }
    indent(out, depth);
    fputs("<UnitSet>\n", out);
    indent(out, depth + 1);
    fputs("<Unit>", out);
    xml_text(out, f->unit);
    fputs("</Unit>\n", out);
    indent(out, depth);
    fputs("</UnitSet>\n", out);
}

static void write_calibrator(FILE *out, int depth, const ilrs_dict_field_t *f)
{
    double scale = f->cal_scale == 0 ? 1.0 : f->cal_scale;
    indent(out, depth);
    fputs("<DefaultCalibrator>\n", out);
    indent(out, depth + 1);
    fputs("<PolynomialCalibrator>\n", out);
    indent(out, depth + 2);
    fputs("<Term", out);
    attr_double(out, "coefficient", f->cal_offset);
    fputs(" exponent=\"0\"/>\n", out);
    indent(out, depth + 2);
    fputs("<Term", out);
    attr_double(out, "coefficient", scale);
    fputs(" exponent=\"1\"/>\n", out);
    indent(out, depth + 1);
    fputs("</PolynomialCalibrator>\n", out);
    indent(out, depth);
    fputs("</DefaultCalibrator>\n", out);
}

/* The raw encoding element of a field (integer, float, string or binary). */
static void write_encoding(FILE *out, int depth, const ilrs_dict_field_t *f, bool calibrate)
{
    indent(out, depth);
    if (ilrs__dict_type_is_int(f->type) || f->type == ILRS_DICT_BOOL) {
        fprintf(out,
                "<IntegerDataEncoding encoding=\"%s\" sizeInBits=\"%u\" "
                "byteOrder=\"mostSignificantByteFirst\"",
                ilrs__dict_type_is_signed(f->type) ? "twosComplement" : "unsigned", type_bits(f));
    } else if (ilrs__dict_type_is_float(f->type)) {
        fprintf(out,
                "<FloatDataEncoding encoding=\"IEEE754_1985\" sizeInBits=\"%u\" "
                "byteOrder=\"mostSignificantByteFirst\"",
                type_bits(f));
    } else if (f->type == ILRS_DICT_STRING) {
        fprintf(out,
                "<StringDataEncoding encoding=\"UTF-8\">\n"
                "%*s<SizeInBits>\n%*s<Fixed>\n%*s<FixedValue>%u</FixedValue>\n%*s</Fixed>\n"
                "%*s<TerminationChar>00</TerminationChar>\n%*s</SizeInBits>\n%*s"
                "</StringDataEncoding>\n",
                2 * depth + 2, "", 2 * depth + 4, "", 2 * depth + 6, "", type_bits(f),
                2 * depth + 4, "", 2 * depth + 4, "", 2 * depth + 2, "", 2 * depth, "");
        return;
    } else {
        fprintf(out,
                "<BinaryDataEncoding>\n%*s<SizeInBits>\n%*s<FixedValue>%u</FixedValue>\n"
                "%*s</SizeInBits>\n%*s</BinaryDataEncoding>\n",
                2 * depth + 2, "", 2 * depth + 4, "", type_bits(f), 2 * depth + 2, "", 2 * depth,
                "");
        return;
    }
    if (calibrate) {
        fputs(">\n", out);
        write_calibrator(out, depth + 1, f);
        indent(out, depth);
        fputs(ilrs__dict_type_is_float(f->type) ? "</FloatDataEncoding>\n"
                                                : "</IntegerDataEncoding>\n",
              out);
    } else {
        fputs("/>\n", out);
    }
}

static void write_enumeration_list(FILE *out, int depth, const ilrs_dict_field_t *f)
{
    indent(out, depth);
    fputs("<EnumerationList>\n", out);
    for (size_t i = 0; i < f->enum_count; i++) {
        indent(out, depth + 1);
        fprintf(out, "<Enumeration value=\"%" PRId64 "\" label=\"", f->enums[i].value);
        xml_text(out, f->enums[i].label);
        fputs("\"/>\n", out);
    }
    indent(out, depth);
    fputs("</EnumerationList>\n", out);
}

/* Integer bounds of a raw range, when they fit xs:long; false when they do not. */
static bool integer_range(const ilrs_dict_field_t *f, long long *lo, long long *hi)
{
    double a = ceil(f->min), b = floor(f->max);
    if (a < -9223372036854775808.0 || b >= 9223372036854775808.0 || a > b) {
        return false;
    }
    *lo = (long long)a;
    *hi = (long long)b;
    return true;
}

static void write_alarm(FILE *out, int depth, const ilrs_dict_field_t *f)
{
    if (!f->has_limits) {
        return;
    }
    indent(out, depth);
    fputs("<DefaultAlarm>\n", out);
    indent(out, depth + 1);
    fputs("<StaticAlarmRanges>\n", out);
    indent(out, depth + 2);
    fputs("<WarningRange", out);
    attr_double(out, "minInclusive", f->warn_low);
    attr_double(out, "maxInclusive", f->warn_high);
    fputs("/>\n", out);
    indent(out, depth + 2);
    fputs("<CriticalRange", out);
    attr_double(out, "minInclusive", f->crit_low);
    attr_double(out, "maxInclusive", f->crit_high);
    fputs("/>\n", out);
    indent(out, depth + 1);
    fputs("</StaticAlarmRanges>\n", out);
    indent(out, depth);
    fputs("</DefaultAlarm>\n", out);
}

/*
 * One parameter or argument type. @p kind is "Parameter" or "Argument"; their
 * element names differ only in that word, their content models in where ranges go.
 */
static void write_type(FILE *out, int depth, const char *kind, const char *type_name,
                       const ilrs_dict_field_t *f)
{
    bool arg = kind[0] == 'A';
    bool calibrate = has_calibration(f) &&
                     (ilrs__dict_type_is_int(f->type) || ilrs__dict_type_is_float(f->type));
    const char *element;
    if (f->enum_count > 0) {
        element = "Enumerated";
    } else if (f->type == ILRS_DICT_BOOL) {
        element = "Boolean";
    } else if (f->type == ILRS_DICT_STRING) {
        element = "String";
    } else if (f->type == ILRS_DICT_BYTES) {
        element = "Binary";
    } else if (ilrs__dict_type_is_float(f->type) || calibrate) {
        element = "Float";
    } else {
        element = "Integer";
    }
    indent(out, depth);
    fprintf(out, "<%s%sType name=\"%s\"", element, kind, type_name);
    attr_text(out, "shortDescription", f->description);
    if (strcmp(element, "Integer") == 0) {
        fprintf(out, " signed=\"%s\" sizeInBits=\"%u\"",
                ilrs__dict_type_is_signed(f->type) ? "true" : "false", type_bits(f));
    } else if (strcmp(element, "Float") == 0) {
        fputs(" sizeInBits=\"64\"", out);
    }
    fputs(">\n", out);
    write_unit(out, depth + 1, f);
    write_encoding(out, depth + 1, f, calibrate);
    if (f->enum_count > 0) {
        write_enumeration_list(out, depth + 1, f);
    }
    /* Ranges are on the raw value (dict.h), hence validRangeAppliesToCalibrated="false". */
    bool range = f->has_range && f->enum_count == 0 &&
                 (strcmp(element, "Integer") == 0 || strcmp(element, "Float") == 0);
    long long lo = 0, hi = 0;
    bool integral = strcmp(element, "Integer") == 0;
    if (range && integral && !integer_range(f, &lo, &hi)) {
        range = false;
    }
    if (range) {
        indent(out, depth + 1);
        if (arg) {
            fputs("<ValidRangeSet validRangeAppliesToCalibrated=\"false\">\n", out);
            indent(out, depth + 2);
            fputs("<ValidRange", out);
        } else {
            fputs("<ValidRange validRangeAppliesToCalibrated=\"false\"", out);
        }
        if (integral) {
            fprintf(out, " minInclusive=\"%lld\" maxInclusive=\"%lld\"/>\n", lo, hi);
        } else {
            attr_double(out, "minInclusive", f->min);
            attr_double(out, "maxInclusive", f->max);
            fputs("/>\n", out);
        }
        if (arg) {
            indent(out, depth + 1);
            fputs("</ValidRangeSet>\n", out);
        }
    }
    if (!arg && (strcmp(element, "Integer") == 0 || strcmp(element, "Float") == 0)) {
        write_alarm(out, depth + 1, f);
    }
    indent(out, depth);
    fprintf(out, "</%s%sType>\n", element, kind);
}

/* ---- a partner's SpaceSystem ------------------------------------------------------ */

static bool owned_by(const char *owner, const ilrs_dict_partner_t *p)
{
    return strcmp(owner, p->id) == 0;
}

static void write_partner_telemetry(FILE *out, const ilrs_dict_t *dict,
                                    const ilrs_dict_partner_t *partner, const char *root)
{
    bool any = false, any_field = false;
    for (size_t i = 0; i < dict->packets.count; i++) {
        const ilrs_dict_packet_t *p = dict->packets.items[i];
        if (owned_by(p->owner, partner)) {
            any = true;
            any_field = any_field || p->field_count > 0;
        }
    }
    if (!any) {
        return;
    }
    fputs("    <TelemetryMetaData>\n", out);
    if (any_field) {
        fputs("      <ParameterTypeSet>\n", out);
        for (size_t i = 0; i < dict->packets.count; i++) {
            const ilrs_dict_packet_t *p = dict->packets.items[i];
            if (!owned_by(p->owner, partner)) {
                continue;
            }
            for (size_t k = 0; k < p->field_count; k++) {
                char name[2 * ILRS_DICT_NAME_MAX + 8];
                snprintf(name, sizeof name, "%s-%s-type", p->name, p->fields[k].name);
                write_type(out, 4, "Parameter", name, &p->fields[k]);
            }
        }
        fputs("      </ParameterTypeSet>\n      <ParameterSet>\n", out);
        for (size_t i = 0; i < dict->packets.count; i++) {
            const ilrs_dict_packet_t *p = dict->packets.items[i];
            if (!owned_by(p->owner, partner)) {
                continue;
            }
            for (size_t k = 0; k < p->field_count; k++) {
                const ilrs_dict_field_t *f = &p->fields[k];
                fprintf(out, "        <Parameter name=\"%s-%s\" parameterTypeRef=\"%s-%s-type\"",
                        p->name, f->name, p->name, f->name);
                attr_text(out, "shortDescription", f->description);
                fputs(">\n          <ParameterProperties dataSource=\"telemetered\" "
                      "readOnly=\"true\"/>\n        </Parameter>\n",
                      out);
            }
        }
        fputs("      </ParameterSet>\n", out);
    }
    fputs("      <ContainerSet>\n", out);
    for (size_t i = 0; i < dict->packets.count; i++) {
        const ilrs_dict_packet_t *p = dict->packets.items[i];
        if (!owned_by(p->owner, partner)) {
            continue;
        }
        fprintf(out, "        <SequenceContainer name=\"%s\"", p->name);
        attr_text(out, "shortDescription", p->description);
        fputs(">\n", out);
        if (p->app != NULL) {
            fprintf(out,
                    "          <AncillaryDataSet>\n"
                    "            <AncillaryData name=\"app\">%s</AncillaryData>\n"
                    "            <AncillaryData name=\"length\">%u</AncillaryData>\n"
                    "          </AncillaryDataSet>\n",
                    p->app, (unsigned)p->length);
        }
        fputs("          <EntryList>\n", out);
        for (size_t k = 0; k < p->field_count; k++) {
            fprintf(out, "            <ParameterRefEntry parameterRef=\"%s-%s\"/>\n", p->name,
                    p->fields[k].name);
        }
        fprintf(out,
                "          </EntryList>\n"
                "          <BaseContainer containerRef=\"/%s/CCSDS-TM-Packet\">\n"
                "            <RestrictionCriteria>\n"
                "              <Comparison parameterRef=\"/%s/CCSDS-APID\" value=\"%u\"/>\n"
                "            </RestrictionCriteria>\n"
                "          </BaseContainer>\n"
                "        </SequenceContainer>\n",
                root, root, (unsigned)p->apid);
    }
    fputs("      </ContainerSet>\n    </TelemetryMetaData>\n", out);
}

static void write_partner_commands(FILE *out, const ilrs_dict_t *dict,
                                   const ilrs_dict_partner_t *partner, const char *root)
{
    bool any = false, any_arg = false;
    for (size_t i = 0; i < dict->commands.count; i++) {
        const ilrs_dict_command_t *c = dict->commands.items[i];
        if (owned_by(c->owner, partner)) {
            any = true;
            any_arg = any_arg || c->arg_count > 0;
        }
    }
    if (!any) {
        return;
    }
    fputs("    <CommandMetaData>\n", out);
    if (any_arg) {
        fputs("      <ArgumentTypeSet>\n", out);
        for (size_t i = 0; i < dict->commands.count; i++) {
            const ilrs_dict_command_t *c = dict->commands.items[i];
            if (!owned_by(c->owner, partner)) {
                continue;
            }
            for (size_t k = 0; k < c->arg_count; k++) {
                char name[2 * ILRS_DICT_NAME_MAX + 8];
                snprintf(name, sizeof name, "%s-%s-type", c->name, c->args[k].name);
                write_type(out, 4, "Argument", name, &c->args[k]);
            }
        }
        fputs("      </ArgumentTypeSet>\n", out);
    }
    fputs("      <MetaCommandSet>\n", out);
    for (size_t i = 0; i < dict->commands.count; i++) {
        const ilrs_dict_command_t *c = dict->commands.items[i];
        if (!owned_by(c->owner, partner)) {
            continue;
        }
        fprintf(out, "        <MetaCommand name=\"%s\"", c->name);
        attr_text(out, "shortDescription", c->description);
        fputs(">\n", out);
        if (c->app != NULL) {
            fprintf(out,
                    "          <AncillaryDataSet>\n"
                    "            <AncillaryData name=\"app\">%s</AncillaryData>\n"
                    "          </AncillaryDataSet>\n",
                    c->app);
        }
        fprintf(out,
                "          <BaseMetaCommand metaCommandRef=\"/%s/CCSDS-TC-Command\">\n"
                "            <ArgumentAssignmentList>\n"
                "              <ArgumentAssignment argumentName=\"CCSDS-APID\" "
                "argumentValue=\"%u\"/>\n"
                "              <ArgumentAssignment argumentName=\"CCSDS-Length\" "
                "argumentValue=\"%u\"/>\n"
                "              <ArgumentAssignment argumentName=\"CCSDS-Function-Code\" "
                "argumentValue=\"%u\"/>\n"
                "            </ArgumentAssignmentList>\n"
                "          </BaseMetaCommand>\n",
                root, (unsigned)c->apid, (unsigned)(c->length - 7u), (unsigned)c->function_code);
        if (c->arg_count > 0) {
            fputs("          <ArgumentList>\n", out);
            for (size_t k = 0; k < c->arg_count; k++) {
                const ilrs_dict_field_t *a = &c->args[k];
                fprintf(out, "            <Argument name=\"%s\" argumentTypeRef=\"%s-%s-type\"",
                        a->name, c->name, a->name);
                attr_text(out, "shortDescription", a->description);
                fputs("/>\n", out);
            }
            fputs("          </ArgumentList>\n", out);
        }
        fprintf(out, "          <CommandContainer name=\"%s\">\n            <EntryList>\n",
                c->name);
        for (size_t k = 0; k < c->arg_count; k++) {
            fprintf(out, "              <ArgumentRefEntry argumentRef=\"%s\"/>\n", c->args[k].name);
        }
        fprintf(out,
                "            </EntryList>\n"
                "            <BaseContainer containerRef=\"/%s/CCSDS-TC-Command\"/>\n"
                "          </CommandContainer>\n"
                "        </MetaCommand>\n",
                root);
    }
    fputs("      </MetaCommandSet>\n    </CommandMetaData>\n", out);
}

/*
 * The root name goes into names and absolute references ("/ILRS/CCSDS-APID"), so it
 * is held to [A-Za-z0-9_-], a subset of XTCE NameType that needs no escaping.
 */
static bool xtce_name_ok(const char *name)
{
    if (name == NULL || name[0] == '\0' || strlen(name) >= ILRS_DICT_NAME_MAX) {
        return false;
    }
    return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
           strlen(name);
}

int ilrs_dict_write_xtce(const ilrs_dict_t *dict, const char *system_name, FILE *out)
{
    if (dict == NULL || out == NULL) {
        return ILRS_EINVAL;
    }
    const char *root = system_name != NULL ? system_name : "ILRS";
    if (!xtce_name_ok(root)) {
        ilrs_log(ILRS_LOG_WARN, "dict",
                 "XTCE system name '%.64s' must be 1..63 characters of [A-Za-z0-9_-]", root);
        return ILRS_EINVAL;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out,
            "<SpaceSystem xmlns=\"" XTCE_NS "\" name=\"%s\" shortDescription=\"ilrs command and "
            "telemetry dictionary\">\n",
            root);
    fprintf(out,
            "  <Header version=\"ilrs %s dictionary fingerprint 0x%08" PRIX32 "\" "
            "validationStatus=\"Working\"/>\n",
            ilrs_version(), ilrs_dict_fingerprint(dict));
    write_root_telemetry(out);
    write_root_commands(out);
    for (size_t i = 0; i < dict->partners.count; i++) {
        const ilrs_dict_partner_t *p = dict->partners.items[i];
        fprintf(out, "  <SpaceSystem name=\"%s\"", p->id);
        attr_text(out, "shortDescription", p->name);
        fputs(">\n", out);
        write_partner_telemetry(out, dict, p, root);
        write_partner_commands(out, dict, p, root);
        fputs("  </SpaceSystem>\n", out);
    }
    fputs("</SpaceSystem>\n", out);
    if (fflush(out) != 0 || ferror(out)) {
        return ILRS_EIO;
    }
    return 0;
}
