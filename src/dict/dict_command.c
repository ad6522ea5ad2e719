/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Commands against the dictionary: the check every command packet passes before
 * any app sees it (ilrs_dict_check_command), and building a sealed command
 * packet from the text a user typed (ilrs_dict_build_command).
 *
 * Both share one argument check (check_arg) that reads the value back from the
 * packet, so a command built here is accepted by the check by construction.
 *
 * Command layout (ccsds.h conventions): primary header (6 octets, CCSDS
 * 133.0-B-2 §4.1.3), function code (1), checksum (1) making the XOR of every
 * octet 0xFF (the cFE convention), then the arguments back to back, big-endian.
 * The header is checked, written and sealed by the ccsds codecs.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dict/dict_int.h"

/* ---- the command header (ccsds codecs) ------------------------------------------- */

/*
 * Check the header with the ccsds codec (ilrs_ccsds_cmd_check: packet gate, type,
 * secondary header, minimum length, checksum) and require the packet to fill the
 * buffer exactly; turn the codec's code into a sentence naming the bad value.
 */
static int check_header(const uint8_t *pkt, size_t len, char *err, size_t err_cap)
{
    uint8_t function_code;
    int rc = ilrs_ccsds_cmd_check(pkt, len, &function_code);
    size_t total =
        (pkt != NULL && len >= ILRS_CCSDS_PRIMARY_LEN) ? ilrs_ccsds_get_total_length(pkt) : 0;
    switch (rc) {
    case 0:
        if (total != len) {
            ilrs__dict_errf(err, err_cap, "length field gives %zu octets, packet holds %zu", total,
                            len);
            return ILRS_ECCSDS_LENGTH;
        }
        return 0;
    case ILRS_EINVAL:
        ilrs__dict_errf(err, err_cap, "no packet");
        break;
    case ILRS_ECCSDS_TOOSMALL:
        ilrs__dict_errf(err, err_cap, "length %zu, shorter than the %u-octet primary header", len,
                        ILRS_CCSDS_PRIMARY_LEN);
        break;
    case ILRS_ECCSDS_VERSION:
        ilrs__dict_errf(err, err_cap, "packet version number %u, expected 0",
                        (unsigned)(pkt[0] >> 5));
        break;
    case ILRS_ECCSDS_LENGTH:
        ilrs__dict_errf(err, err_cap, "length field gives %zu octets, packet holds %zu", total,
                        len);
        break;
    case ILRS_ECCSDS_IDLE:
        ilrs__dict_errf(err, err_cap, "APID %u is the idle APID, not a command",
                        ILRS_CCSDS_APID_IDLE);
        break;
    case ILRS_ECCSDS_SEQFLAGS:
        ilrs__dict_errf(err, err_cap, "sequence flags %u, expected 3 (unsegmented)",
                        (unsigned)(pkt[2] >> 6));
        break;
    case ILRS_ETYPE:
        ilrs__dict_errf(err, err_cap, "packet type 0 (telemetry), expected 1 (telecommand)");
        break;
    case ILRS_ECCSDS_SECHDR:
        if ((pkt[0] & 0x08u) == 0) {
            ilrs__dict_errf(err, err_cap, "secondary header flag clear, a command needs one");
        } else {
            ilrs__dict_errf(err, err_cap, "length %zu, shorter than the %u-octet command header",
                            total, ILRS_CCSDS_CMD_HEADER_LEN);
        }
        break;
    case ILRS_ECRC: {
        uint8_t x = 0;
        for (size_t i = 0; i < total; i++) {
            x ^= pkt[i];
        }
        ilrs__dict_errf(err, err_cap, "checksum: XOR of the packet is 0x%02X, expected 0xFF",
                        (unsigned)x);
        break;
    }
    default:
        ilrs__dict_errf(err, err_cap, "malformed command packet: %s", ilrs_strerror(rc));
        break;
    }
    return rc;
}

/* ---- argument values ------------------------------------------------------------ */

/* Integer (and bool) argument as sign + magnitude so u64 and i64 both fit. */
typedef struct int_value {
    bool negative;
    uint64_t magnitude;
} int_value_t;

static int_value_t read_int(const ilrs_dict_field_t *a, const uint8_t *p)
{
    int_value_t v = {false, 0};
    uint64_t bits = 0;
    unsigned size = ilrs_dict_type_size(a->type, 0);
    for (unsigned i = 0; i < size; i++) {
        bits = (bits << 8) | p[i];
    }
    if (ilrs__dict_type_is_signed(a->type)) {
        unsigned shift = 64u - 8u * size;
        int64_t s = (int64_t)(bits << shift) >> shift;
        if (s < 0) {
            v.negative = true;
            v.magnitude = (uint64_t)(-(s + 1)) + 1u;
        } else {
            v.magnitude = (uint64_t)s;
        }
    } else {
        v.magnitude = bits;
    }
    return v;
}

static double int_as_double(int_value_t v)
{
    return v.negative ? -(double)v.magnitude : (double)v.magnitude;
}

static void int_text(int_value_t v, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%llu", v.negative ? "-" : "", (unsigned long long)v.magnitude);
}

static bool int_equals(int_value_t v, int64_t e)
{
    if (e < 0) {
        return v.negative && v.magnitude == (uint64_t)(-(e + 1)) + 1u;
    }
    return !v.negative && v.magnitude == (uint64_t)e;
}

/* Check one argument's value in the packet; message names the command and argument. */
static int check_arg(const ilrs_dict_command_t *cmd, const ilrs_dict_field_t *a, const uint8_t *pkt,
                     char *err, size_t err_cap)
{
    const uint8_t *p = pkt + a->offset;
    char text[48];
    if (ilrs__dict_type_is_int(a->type)) {
        int_value_t v = read_int(a, p);
        /* the value's text only for a message (not formatted on every valid command) */
        if (a->enum_count > 0) {
            for (size_t i = 0; i < a->enum_count; i++) {
                if (int_equals(v, a->enums[i].value)) {
                    goto range;
                }
            }
            char set[112];
            int_text(v, text, sizeof text);
            ilrs__dict_format_enums(a, set, sizeof set);
            ilrs__dict_errf(err, err_cap, "%s: argument '%s' = %s not in enumeration %s", cmd->name,
                            a->name, text, set);
            return ILRS_EFSW_ARG;
        }
    range:
        if (a->has_range) {
            double d = int_as_double(v);
            if (d < a->min || d > a->max) {
                int_text(v, text, sizeof text);
                ilrs__dict_errf(err, err_cap, "%s: argument '%s' = %s outside range [%.17g, %.17g]",
                                cmd->name, a->name, text, a->min, a->max);
                return ILRS_EFSW_ARG;
            }
        }
        return 0;
    }
    if (a->type == ILRS_DICT_BOOL) {
        if (p[0] > 1) {
            ilrs__dict_errf(err, err_cap, "%s: argument '%s' = %u is not a boolean (0 or 1)",
                            cmd->name, a->name, (unsigned)p[0]);
            return ILRS_EFSW_ARG;
        }
        if (a->has_range && (p[0] < a->min || p[0] > a->max)) {
            ilrs__dict_errf(err, err_cap, "%s: argument '%s' = %u outside range [%.17g, %.17g]",
                            cmd->name, a->name, (unsigned)p[0], a->min, a->max);
            return ILRS_EFSW_ARG;
        }
        return 0;
    }
    if (ilrs__dict_type_is_float(a->type)) {
        double d;
        if (a->type == ILRS_DICT_F32) {
            uint32_t bits = ilrs_get_be32(p);
            float f;
            memcpy(&f, &bits, sizeof f);
            d = f;
        } else {
            uint64_t bits = ilrs_get_be64(p);
            memcpy(&d, &bits, sizeof d);
        }
        if (!isfinite(d)) {
            ilrs__dict_errf(err, err_cap, "%s: argument '%s' = %g is not a finite number",
                            cmd->name, a->name, d);
            return ILRS_EFSW_ARG;
        }
        if (a->has_range && (d < a->min || d > a->max)) {
            ilrs__dict_errf(err, err_cap, "%s: argument '%s' = %.17g outside range [%.17g, %.17g]",
                            cmd->name, a->name, d, a->min, a->max);
            return ILRS_EFSW_ARG;
        }
        return 0;
    }
    if (a->type == ILRS_DICT_STRING) {
        const uint8_t *nul = memchr(p, 0, a->length);
        if (nul == NULL) {
            ilrs__dict_errf(err, err_cap,
                            "%s: argument '%s' is an unterminated string (no NUL in %u octets)",
                            cmd->name, a->name, (unsigned)a->length);
            return ILRS_EFSW_ARG;
        }
        size_t n = (size_t)(nul - p);
        for (size_t i = n; i < a->length; i++) {
            if (p[i] != 0) {
                ilrs__dict_errf(err, err_cap,
                                "%s: argument '%s' has a non-NUL octet at %zu after its "
                                "terminator",
                                cmd->name, a->name, i);
                return ILRS_EFSW_ARG;
            }
        }
        bool ok = ilrs__dict_text_ok_n((const char *)p, n);
        if (!ok) {
            ilrs__dict_errf(err, err_cap,
                            "%s: argument '%s' is not UTF-8 text without control characters",
                            cmd->name, a->name);
            return ILRS_EFSW_ARG;
        }
    }
    return 0; /* BYTES: any content */
}

int ilrs_dict_check_command(ilrs_dict_t *dict, const uint8_t *pkt, size_t len,
                            ilrs_dict_check_t *result)
{
    ilrs_dict_check_t local;
    if (result == NULL) {
        result = &local;
    }
    result->command = NULL;
    result->arg_index = -1;
    result->detail[0] = '\0';
    if (dict == NULL) {
        ilrs__dict_errf(result->detail, sizeof result->detail, "no dictionary");
        return ILRS_EINVAL;
    }
    int rc = check_header(pkt, len, result->detail, sizeof result->detail);
    if (rc != 0) {
        dict->stats.commands_rejected++;
        return rc;
    }
    uint16_t apid = ilrs_ccsds_get_apid(pkt);
    uint8_t function_code = pkt[6];
    ilrs_dict_command_t *cmd = NULL;
    if (function_code < ILRS__DICT_FCODES && dict->cmd_by_apid[apid] != NULL) {
        cmd = dict->cmd_by_apid[apid][function_code];
    }
    if (cmd == NULL) {
        ilrs__dict_errf(result->detail, sizeof result->detail,
                        "unknown command: APID %u function code %u", (unsigned)apid,
                        (unsigned)function_code);
        dict->stats.commands_unknown++;
        dict->stats.commands_rejected++;
        return ILRS_EFSW_CMD;
    }
    result->command = cmd;
    if (len != cmd->length) {
        ilrs__dict_errf(result->detail, sizeof result->detail, "%s: length %zu, expected %u",
                        cmd->name, len, (unsigned)cmd->length);
        rc = ILRS_EFSW_CMD;
        goto out_rejected;
    }
    for (size_t i = 0; i < cmd->arg_count; i++) {
        rc = check_arg(cmd, &cmd->args[i], pkt, result->detail, sizeof result->detail);
        if (rc != 0) {
            result->arg_index = (int)i;
            goto out_rejected;
        }
    }
    cmd->accepted++;
    dict->stats.commands_accepted++;
    return 0;
out_rejected:
    cmd->rejected++;
    dict->stats.commands_rejected++;
    return rc;
}

/* ---- building from text ---------------------------------------------------------- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Parse an integer argument: a number (decimal, 0x hex) or an enumeration label. */
static int parse_int(const ilrs_dict_field_t *a, const char *text, int_value_t *v)
{
    for (size_t i = 0; i < a->enum_count; i++) {
        if (strcmp(a->enums[i].label, text) == 0) {
            int64_t e = a->enums[i].value;
            v->negative = e < 0;
            v->magnitude = e < 0 ? (uint64_t)(-(e + 1)) + 1u : (uint64_t)e;
            return 0;
        }
    }
    const char *s = text;
    v->negative = false;
    if (*s == '-') {
        v->negative = true;
        s++;
    } else if (*s == '+') {
        s++;
    }
    if (*s < '0' || *s > '9') {
        return ILRS_EFORMAT;
    }
    errno = 0;
    char *end = NULL;
    unsigned long long m = strtoull(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0') {
        return ILRS_EFORMAT;
    }
    v->magnitude = m;
    if (v->negative && m == 0) {
        v->negative = false;
    }
    return 0;
}

/* True when the integer fits the field's type (exact, no floating point). */
static bool int_fits(const ilrs_dict_field_t *a, int_value_t v)
{
    unsigned bits = 8u * ilrs_dict_type_size(a->type, 0);
    if (!ilrs__dict_type_is_signed(a->type)) {
        uint64_t max = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1u;
        return !v.negative && v.magnitude <= max;
    }
    uint64_t limit = UINT64_C(1) << (bits - 1u); /* |min|; max is limit - 1 */
    return v.negative ? v.magnitude <= limit : v.magnitude < limit;
}

static void write_int(const ilrs_dict_field_t *a, uint8_t *p, int_value_t v)
{
    uint64_t bits = v.negative ? (uint64_t)0 - v.magnitude : v.magnitude;
    unsigned size = ilrs_dict_type_size(a->type, 0);
    for (unsigned i = 0; i < size; i++) {
        p[i] = (uint8_t)(bits >> (8u * (size - 1u - i)));
    }
}

static int put_arg(const ilrs_dict_command_t *cmd, const ilrs_dict_field_t *a, uint8_t *buf,
                   const char *text, char *err, size_t err_cap)
{
    uint8_t *p = buf + a->offset;
    if (text == NULL) {
        ilrs__dict_errf(err, err_cap, "%s: argument '%s' missing", cmd->name, a->name);
        return ILRS_EFSW_ARG;
    }
    if (ilrs__dict_type_is_int(a->type)) {
        int_value_t v;
        if (parse_int(a, text, &v) != 0) {
            if (a->enum_count > 0) {
                char set[112];
                ilrs__dict_format_enums(a, set, sizeof set);
                ilrs__dict_errf(err, err_cap,
                                "%s: argument '%s': '%.32s' is not an integer or a label of %s",
                                cmd->name, a->name, text, set);
            } else {
                ilrs__dict_errf(err, err_cap, "%s: argument '%s': '%.32s' is not an integer",
                                cmd->name, a->name, text);
            }
            return ILRS_EFSW_ARG;
        }
        if (!int_fits(a, v)) {
            ilrs__dict_errf(err, err_cap, "%s: argument '%s' = %.32s does not fit type %s",
                            cmd->name, a->name, text, ilrs_dict_type_name(a->type));
            return ILRS_EFSW_ARG;
        }
        write_int(a, p, v);
    } else if (a->type == ILRS_DICT_BOOL) {
        if (strcasecmp(text, "true") == 0 || strcmp(text, "1") == 0) {
            p[0] = 1;
        } else if (strcasecmp(text, "false") == 0 || strcmp(text, "0") == 0) {
            p[0] = 0;
        } else {
            ilrs__dict_errf(err, err_cap, "%s: argument '%s': '%.32s' is not true/false/1/0",
                            cmd->name, a->name, text);
            return ILRS_EFSW_ARG;
        }
    } else if (ilrs__dict_type_is_float(a->type)) {
        errno = 0;
        char *end = NULL;
        double d = strtod(text, &end);
        if (errno != 0 || end == text || *end != '\0' || !isfinite(d)) {
            ilrs__dict_errf(err, err_cap, "%s: argument '%s': '%.32s' is not a finite number",
                            cmd->name, a->name, text);
            return ILRS_EFSW_ARG;
        }
        if (ilrs_dict_set_raw(a, buf, cmd->length, d) != 0) {
            ilrs__dict_errf(err, err_cap, "%s: argument '%s' = %.32s does not fit type %s",
                            cmd->name, a->name, text, ilrs_dict_type_name(a->type));
            return ILRS_EFSW_ARG;
        }
    } else if (a->type == ILRS_DICT_STRING) {
        size_t n = strlen(text);
        if (n >= a->length) {
            ilrs__dict_errf(err, err_cap, "%s: argument '%s': string of %zu octets, at most %u fit",
                            cmd->name, a->name, n, (unsigned)a->length - 1u);
            return ILRS_EFSW_ARG;
        }
        if (ilrs_dict_set_bytes(a, buf, cmd->length, text, n) != 0) {
            return ILRS_EFSW_ARG;
        }
    } else {
        /* BYTES: hexadecimal text, two digits an octet, optional 0x, zero-padded. */
        const char *s = text;
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
            s += 2;
        }
        size_t digits = strlen(s);
        if (digits % 2 != 0 || digits / 2 > a->length) {
            ilrs__dict_errf(err, err_cap,
                            "%s: argument '%s': needs an even number of hex digits, at most %u "
                            "octets",
                            cmd->name, a->name, (unsigned)a->length);
            return ILRS_EFSW_ARG;
        }
        memset(p, 0, a->length);
        for (size_t i = 0; i < digits / 2; i++) {
            int hi = hex_digit(s[2 * i]);
            int lo = hex_digit(s[2 * i + 1]);
            if (hi < 0 || lo < 0) {
                ilrs__dict_errf(err, err_cap, "%s: argument '%s': '%.32s' is not hexadecimal",
                                cmd->name, a->name, text);
                return ILRS_EFSW_ARG;
            }
            p[i] = (uint8_t)((hi << 4) | lo);
        }
    }
    return check_arg(cmd, a, buf, err, err_cap);
}

int ilrs_dict_build_command(const ilrs_dict_command_t *command, const char *const *args,
                            size_t arg_count, uint8_t *buf, size_t cap, size_t *packet_len,
                            char *error, size_t error_cap)
{
    char local[ILRS__DICT_ERR_MAX];
    if (error == NULL || error_cap == 0) {
        error = local;
        error_cap = sizeof local;
    }
    error[0] = '\0';
    *packet_len = 0;
    if (command == NULL || (args == NULL && arg_count > 0) || buf == NULL) {
        ilrs__dict_errf(error, error_cap, "no command, arguments or buffer");
        return ILRS_EINVAL;
    }
    if (arg_count != command->arg_count) {
        ilrs__dict_errf(error, error_cap, "%s takes %zu argument%s, got %zu", command->name,
                        command->arg_count, command->arg_count == 1 ? "" : "s", arg_count);
        return ILRS_EINVAL;
    }
    if (cap < command->length) {
        ilrs__dict_errf(error, error_cap, "%s: buffer of %zu octets, the packet needs %u",
                        command->name, cap, (unsigned)command->length);
        return ILRS_ECCSDS_TOOSMALL;
    }
    memset(buf, 0, command->length);
    int rc = ilrs_ccsds_cmd_init(buf, cap, command->apid, command->function_code, command->length);
    if (rc != 0) {
        ilrs__dict_errf(error, error_cap, "%s: command header: %s", command->name,
                        ilrs_strerror(rc));
        return rc;
    }
    for (size_t i = 0; i < arg_count; i++) {
        rc = put_arg(command, &command->args[i], buf, args[i], error, error_cap);
        if (rc != 0) {
            return rc;
        }
    }
    ilrs_ccsds_cmd_seal(buf, command->length);
    *packet_len = command->length;
    return 0;
}
