/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A sample dictionary for the dictionary's tests and fuzz targets: two partners
 * besides the station, packets using every field type (with units, limits,
 * calibration, enumerations), commands using every argument type, and events.
 * Included by tests/dict/test_*.c and fuzz/fuzz_dict_*.c.
 */
#ifndef ILRS_TEST_DICT_SAMPLE_H
#define ILRS_TEST_DICT_SAMPLE_H

#include <ilrs/dict.h>

#define SAMPLE_POWER_APID   0x010
#define SAMPLE_CMD_APID     0x011
#define SAMPLE_PAYLOAD_APID 0x300

static const ilrs_dict_enum_t sample_modes[] = {{0, "OFF"}, {1, "ON"}, {2, "AUTO"}};
static const ilrs_dict_enum_t sample_states[] = {{-1, "FAULT"}, {0, "IDLE"}, {5, "SCIENCE"}};

/* POWER_HK: every type once, in this order; offsets start at 12. */
static const ilrs_dict_field_t sample_power_fields[] = {
    {.name = "battery_voltage",
     .type = ILRS_DICT_U16,
     .unit = "V",
     .description = "battery bus voltage",
     .has_limits = true,
     .crit_low = 22.0,
     .warn_low = 24.0,
     .warn_high = 32.0,
     .crit_high = 34.0,
     .cal_scale = 0.001},
    {.name = "battery_current", .type = ILRS_DICT_I16, .unit = "A", .cal_scale = 0.01},
    {.name = "uptime", .type = ILRS_DICT_U32, .unit = "s"},
    {.name = "energy_total", .type = ILRS_DICT_U64, .unit = "J"},
    {.name = "panel_temp",
     .type = ILRS_DICT_I8,
     .unit = "degC",
     .has_limits = true,
     .crit_low = -40,
     .warn_low = -20,
     .warn_high = 60,
     .crit_high = 80},
    {.name = "mode", .type = ILRS_DICT_U8, .enums = sample_modes, .enum_count = 3},
    {.name = "offset_count", .type = ILRS_DICT_I32},
    {.name = "net_charge", .type = ILRS_DICT_I64, .unit = "C"},
    {.name = "soc",
     .type = ILRS_DICT_F32,
     .unit = "%",
     .has_limits = true,
     .crit_low = 10,
     .warn_low = 20,
     .warn_high = 100,
     .crit_high = 100},
    {.name = "bus_power", .type = ILRS_DICT_F64, .unit = "W", .cal_offset = -1.5, .cal_scale = 2.0},
    {.name = "heater_on", .type = ILRS_DICT_BOOL},
    {.name = "label", .type = ILRS_DICT_STRING, .length = 8},
    {.name = "raw", .type = ILRS_DICT_BYTES, .length = 4},
    {.name = "state", .type = ILRS_DICT_I16, .enums = sample_states, .enum_count = 3},
};
#define SAMPLE_POWER_LENGTH (12 + 2 + 2 + 4 + 8 + 1 + 1 + 4 + 8 + 4 + 8 + 1 + 8 + 4 + 2)

static const ilrs_dict_field_t sample_payload_fields[] = {
    {.name = "detector_temp",
     .type = ILRS_DICT_F32,
     .unit = "K",
     .description = "detector temperature"},
    {.name = "counts", .type = ILRS_DICT_U32, .unit = "1/s"},
};

static const ilrs_dict_field_t sample_set_mode_args[] = {
    {.name = "mode", .type = ILRS_DICT_U8, .enums = sample_modes, .enum_count = 3},
};
static const ilrs_dict_field_t sample_set_limits_args[] = {
    {.name = "low",
     .type = ILRS_DICT_F32,
     .unit = "V",
     .has_range = true,
     .min = 20.0,
     .max = 30.0},
    {.name = "high",
     .type = ILRS_DICT_F64,
     .unit = "V",
     .has_range = true,
     .min = 28.0,
     .max = 36.0},
};
static const ilrs_dict_field_t sample_set_name_args[] = {
    {.name = "name", .type = ILRS_DICT_STRING, .length = 16},
};
static const ilrs_dict_field_t sample_tune_args[] = {
    {.name = "delta", .type = ILRS_DICT_I16, .has_range = true, .min = -1000, .max = 1000},
    {.name = "enable", .type = ILRS_DICT_BOOL},
    {.name = "count", .type = ILRS_DICT_U32, .has_range = true, .min = 1, .max = 100000},
    {.name = "big", .type = ILRS_DICT_U64},
    {.name = "key", .type = ILRS_DICT_BYTES, .length = 4},
    {.name = "small", .type = ILRS_DICT_I8},
    {.name = "wide", .type = ILRS_DICT_I32},
    {.name = "huge", .type = ILRS_DICT_I64},
    {.name = "half", .type = ILRS_DICT_U16},
    {.name = "state", .type = ILRS_DICT_I16, .enums = sample_states, .enum_count = 3},
};
#define SAMPLE_TUNE_LENGTH (8 + 2 + 1 + 4 + 8 + 4 + 1 + 4 + 8 + 2 + 2)

static const ilrs_dict_packet_t sample_power_hk = {.name = "POWER_HK",
                                                   .apid = SAMPLE_POWER_APID,
                                                   .owner = "station",
                                                   .app = "POWER",
                                                   .description = "power subsystem housekeeping",
                                                   .fields = sample_power_fields,
                                                   .field_count = sizeof sample_power_fields /
                                                                  sizeof sample_power_fields[0]};

static const ilrs_dict_command_t sample_commands[] = {
    {.name = "NoOp",
     .apid = SAMPLE_CMD_APID,
     .function_code = 0,
     .owner = "station",
     .app = "POWER",
     .description = "do nothing, count the command"},
    {.name = "SetHeaterMode",
     .apid = SAMPLE_CMD_APID,
     .function_code = 1,
     .owner = "station",
     .app = "POWER",
     .description = "set the battery heater mode",
     .args = sample_set_mode_args,
     .arg_count = 1},
    {.name = "SetBatteryLimits",
     .apid = SAMPLE_CMD_APID,
     .function_code = 2,
     .owner = "station",
     .app = "POWER",
     .args = sample_set_limits_args,
     .arg_count = 2},
    {.name = "SetName",
     .apid = SAMPLE_CMD_APID,
     .function_code = 3,
     .owner = "station",
     .app = "POWER",
     .args = sample_set_name_args,
     .arg_count = 1},
    {.name = "Tune",
     .apid = SAMPLE_CMD_APID,
     .function_code = 4,
     .owner = "station",
     .app = "POWER",
     .args = sample_tune_args,
     .arg_count = sizeof sample_tune_args / sizeof sample_tune_args[0]},
    {.name = "StartObservation",
     .apid = 0x301,
     .function_code = 10,
     .owner = "cnsa",
     .app = "LMS",
     .description = "start a lunar mineral spectrometer observation",
     .args = sample_set_mode_args,
     .arg_count = 1},
};

static const ilrs_dict_event_t sample_events[] = {
    {.app = "POWER",
     .id = 1,
     .name = "POWER_BATTERY_LOW_ERR",
     .severity = ILRS_EVENT_ERROR,
     .format = "battery at %.2f V",
     .description = "battery voltage below warning"},
    {.app = "POWER",
     .id = 2,
     .name = "POWER_MODE_INF",
     .severity = ILRS_EVENT_INFO,
     .format = "heater mode %s"},
    {.app = "LMS", .id = 1, .name = "LMS_START_DBG", .severity = ILRS_EVENT_DEBUG},
};

/* Build the sample; returns 0 or the first failing add's code. */
__attribute__((unused)) static int sample_dict_create(ilrs_dict_t **out)
{
    ilrs_dict_t *dict = NULL;
    int rc = ilrs_dict_create(&dict);
    if (rc != 0) {
        return rc;
    }
    const ilrs_dict_partner_t cnsa = {"cnsa", "China National Space Administration"};
    const ilrs_dict_partner_t roscosmos = {"roscosmos", "Roscosmos"};
    const ilrs_dict_packet_t payload = {.name = "LMS_HK",
                                        .apid = SAMPLE_PAYLOAD_APID,
                                        .owner = "cnsa",
                                        .app = "LMS",
                                        .description =
                                            "lunar mineral spectrometer housekeeping & <status>",
                                        .fields = sample_payload_fields,
                                        .field_count = 2};
    if ((rc = ilrs_dict_add_partner(dict, &cnsa)) != 0 ||
        (rc = ilrs_dict_add_partner(dict, &roscosmos)) != 0 ||
        (rc = ilrs_dict_add_packet(dict, &sample_power_hk, NULL)) != 0 ||
        (rc = ilrs_dict_add_packet(dict, &payload, NULL)) != 0) {
        goto out_fail;
    }
    for (size_t i = 0; i < sizeof sample_commands / sizeof sample_commands[0]; i++) {
        if ((rc = ilrs_dict_add_command(dict, &sample_commands[i], NULL)) != 0) {
            goto out_fail;
        }
    }
    for (size_t i = 0; i < sizeof sample_events / sizeof sample_events[0]; i++) {
        if ((rc = ilrs_dict_add_event(dict, &sample_events[i])) != 0) {
            goto out_fail;
        }
    }
    *out = dict;
    return 0;
out_fail:
    ilrs_dict_destroy(dict);
    *out = NULL;
    return rc;
}

#endif
