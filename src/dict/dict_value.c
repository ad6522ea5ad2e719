/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Field values in packets: reading and writing raw values at the offsets the
 * dictionary computed (big-endian, no padding, see dict.h), calibration to
 * engineering units, limit checking and enumeration labels.
 *
 * Floats travel as IEEE 754 binary32/binary64 bit patterns in network order;
 * the type punning goes through memcpy so it is defined behaviour.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "dict/dict_int.h"

/* The field's octets, or NULL when the packet is too short to hold them. */
static const uint8_t *field_at(const ilrs_dict_field_t *field, const uint8_t *pkt, size_t len)
{
    uint32_t size = ilrs_dict_type_size(field->type, field->length);
    if (pkt == NULL || (size_t)field->offset + size > len) {
        return NULL;
    }
    return pkt + field->offset;
}

/* Read an integer field as 64 bits: signed types sign-extended, u64 as its bit pattern. */
static uint64_t read_bits(ilrs_dict_type_t type, const uint8_t *p, bool *is_signed)
{
    *is_signed = ilrs__dict_type_is_signed(type);
    switch (type) {
    case ILRS_DICT_U8:
    case ILRS_DICT_BOOL:
        return p[0];
    case ILRS_DICT_U16:
        return ilrs_get_be16(p);
    case ILRS_DICT_U32:
    case ILRS_DICT_F32:
        return ilrs_get_be32(p);
    case ILRS_DICT_U64:
    case ILRS_DICT_F64:
        return ilrs_get_be64(p);
    case ILRS_DICT_I8:
        return (uint64_t)(int64_t)(int8_t)p[0];
    case ILRS_DICT_I16:
        return (uint64_t)(int64_t)(int16_t)ilrs_get_be16(p);
    case ILRS_DICT_I32:
        return (uint64_t)(int64_t)(int32_t)ilrs_get_be32(p);
    case ILRS_DICT_I64:
        return ilrs_get_be64(p);
    default:
        return 0;
    }
}

int ilrs_dict_get_raw(const ilrs_dict_field_t *field, const uint8_t *pkt, size_t len, double *raw)
{
    *raw = 0;
    if (field == NULL) {
        return ILRS_EINVAL;
    }
    if (field->type == ILRS_DICT_STRING || field->type == ILRS_DICT_BYTES ||
        (unsigned)field->type >= ILRS_DICT_TYPE_COUNT) {
        return ILRS_ETYPE;
    }
    const uint8_t *p = field_at(field, pkt, len);
    if (p == NULL) {
        return ILRS_ETRUNC;
    }
    bool is_signed;
    uint64_t bits = read_bits(field->type, p, &is_signed);
    if (field->type == ILRS_DICT_F32) {
        uint32_t b32 = (uint32_t)bits;
        float f;
        memcpy(&f, &b32, sizeof f);
        *raw = (double)f;
    } else if (field->type == ILRS_DICT_F64) {
        double d;
        memcpy(&d, &bits, sizeof d);
        *raw = d;
    } else if (is_signed) {
        *raw = (double)(int64_t)bits;
    } else {
        *raw = (double)bits;
    }
    return 0;
}

int ilrs_dict_get_int(const ilrs_dict_field_t *field, const uint8_t *pkt, size_t len,
                      int64_t *value)
{
    *value = 0;
    if (field == NULL) {
        return ILRS_EINVAL;
    }
    if (!ilrs__dict_type_is_int(field->type) && field->type != ILRS_DICT_BOOL) {
        return ILRS_ETYPE;
    }
    const uint8_t *p = field_at(field, pkt, len);
    if (p == NULL) {
        return ILRS_ETRUNC;
    }
    bool is_signed;
    uint64_t bits = read_bits(field->type, p, &is_signed);
    if (!is_signed && bits > (uint64_t)INT64_MAX) {
        return ILRS_ERANGE; /* a u64 above 2^63-1 has no int64 form */
    }
    *value = (int64_t)bits;
    return 0;
}

int ilrs_dict_set_raw(const ilrs_dict_field_t *field, uint8_t *pkt, size_t len, double raw)
{
    if (field == NULL) {
        return ILRS_EINVAL;
    }
    if (field->type == ILRS_DICT_STRING || field->type == ILRS_DICT_BYTES ||
        (unsigned)field->type >= ILRS_DICT_TYPE_COUNT) {
        return ILRS_ETYPE;
    }
    uint8_t *p = (uint8_t *)field_at(field, pkt, len);
    if (p == NULL) {
        return ILRS_ETRUNC;
    }
    if (field->type == ILRS_DICT_F64) {
        uint64_t bits;
        memcpy(&bits, &raw, sizeof bits);
        ilrs_put_be64(p, bits);
        return 0;
    }
    if (field->type == ILRS_DICT_F32) {
        /* NaN and infinities are representable; finite values beyond FLT_MAX are not. */
        if (isfinite(raw) && fabs(raw) > (double)FLT_MAX) {
            return ILRS_ERANGE;
        }
        float f = (float)raw;
        uint32_t bits;
        memcpy(&bits, &f, sizeof bits);
        ilrs_put_be32(p, bits);
        return 0;
    }
    if (!isfinite(raw)) {
        return ILRS_ERANGE;
    }
    double r = round(raw);
    uint64_t bits;
    if (field->type == ILRS_DICT_U64) {
        if (r < 0 || r >= 18446744073709551616.0) {
            return ILRS_ERANGE;
        }
        bits = (uint64_t)r;
    } else if (field->type == ILRS_DICT_I64) {
        if (r < -9223372036854775808.0 || r >= 9223372036854775808.0) {
            return ILRS_ERANGE;
        }
        bits = (uint64_t)(int64_t)r;
    } else {
        double lo, hi;
        ilrs__dict_type_bounds(field->type, &lo, &hi);
        if (r < lo || r > hi) {
            return ILRS_ERANGE;
        }
        bits = (uint64_t)(int64_t)r;
    }
    switch (field->type) {
    case ILRS_DICT_U8:
    case ILRS_DICT_I8:
    case ILRS_DICT_BOOL:
        p[0] = (uint8_t)bits;
        break;
    case ILRS_DICT_U16:
    case ILRS_DICT_I16:
        ilrs_put_be16(p, (uint16_t)bits);
        break;
    case ILRS_DICT_U32:
    case ILRS_DICT_I32:
        ilrs_put_be32(p, (uint32_t)bits);
        break;
    default:
        ilrs_put_be64(p, bits);
        break;
    }
    return 0;
}

int ilrs_dict_set_bytes(const ilrs_dict_field_t *field, uint8_t *pkt, size_t len, const void *data,
                        size_t data_len)
{
    if (field == NULL || (data == NULL && data_len > 0)) {
        return ILRS_EINVAL;
    }
    if (field->type != ILRS_DICT_STRING && field->type != ILRS_DICT_BYTES) {
        return ILRS_ETYPE;
    }
    uint8_t *p = (uint8_t *)field_at(field, pkt, len);
    if (p == NULL) {
        return ILRS_ETRUNC;
    }
    /* A STRING keeps at least one NUL so a reader always finds its end. */
    size_t room = field->type == ILRS_DICT_STRING ? (size_t)field->length - 1u : field->length;
    if (data_len > room) {
        return ILRS_ERANGE;
    }
    if (data_len > 0) {
        memcpy(p, data, data_len);
    }
    memset(p + data_len, 0, field->length - data_len);
    return 0;
}

double ilrs_dict_calibrate(const ilrs_dict_field_t *field, double raw)
{
    if (field == NULL) {
        return raw;
    }
    double scale = field->cal_scale == 0 ? 1.0 : field->cal_scale;
    return field->cal_offset + scale * raw;
}

ilrs_dict_limit_state_t ilrs_dict_limit_check(const ilrs_dict_field_t *field, double value)
{
    if (field == NULL || !field->has_limits) {
        return ILRS_DICT_LIMIT_NONE;
    }
    /* A NaN reading is never nominal: report it as the most severe state. */
    if (isnan(value)) {
        return ILRS_DICT_LIMIT_CRIT_HIGH;
    }
    if (value < field->crit_low) {
        return ILRS_DICT_LIMIT_CRIT_LOW;
    }
    if (value > field->crit_high) {
        return ILRS_DICT_LIMIT_CRIT_HIGH;
    }
    if (value < field->warn_low) {
        return ILRS_DICT_LIMIT_WARN_LOW;
    }
    if (value > field->warn_high) {
        return ILRS_DICT_LIMIT_WARN_HIGH;
    }
    return ILRS_DICT_LIMIT_NOMINAL;
}

const char *ilrs_dict_enum_label(const ilrs_dict_field_t *field, int64_t value)
{
    if (field == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < field->enum_count; i++) {
        if (field->enums[i].value == value) {
            return field->enums[i].label;
        }
    }
    return NULL;
}
