// SPDX-License-Identifier: Apache-2.0
// The station's dictionary for the command line.
//
// INTERIM: until the flight instance exists, this builds a small but real example
// dictionary by hand: the station partner, the executive's housekeeping packet and
// its mode command. The flight-instance session replaces this file with the
// dictionary assembled from the registered apps and the partners' payload manifests.
#include <ilrs/dict.h>

#include "cli/cli.h"

static const ilrs_dict_enum_t station_modes[] = {
    {0, "SAFE"},
    {1, "NOMINAL"},
    {2, "SCIENCE"},
};

static const ilrs_dict_field_t station_hk_fields[] = {
    {.name = "uptime",
     .type = ILRS_DICT_U32,
     .unit = "s",
     .description = "seconds since the flight software started"},
    {.name = "mode",
     .type = ILRS_DICT_U8,
     .enums = station_modes,
     .enum_count = 3,
     .description = "station operating mode"},
    {.name = "commands_accepted",
     .type = ILRS_DICT_U16,
     .description = "commands that passed the dictionary check"},
    {.name = "commands_rejected",
     .type = ILRS_DICT_U16,
     .description = "commands rejected by the dictionary check"},
    {.name = "bus_voltage",
     .type = ILRS_DICT_U16,
     .unit = "V",
     .cal_scale = 0.001,
     .description = "main power bus voltage",
     .has_limits = true,
     .crit_low = 24.0,
     .warn_low = 26.0,
     .warn_high = 30.0,
     .crit_high = 32.0},
};

static const ilrs_dict_field_t set_mode_args[] = {
    {.name = "mode",
     .type = ILRS_DICT_U8,
     .enums = station_modes,
     .enum_count = 3,
     .description = "requested operating mode"},
};

int cli_station_dictionary(struct ilrs_dict **out)
{
    ilrs_dict_t *dict = NULL;
    *out = NULL;
    int rc = ilrs_dict_create(&dict);
    if (rc != 0) {
        return rc;
    }
    const ilrs_dict_packet_t hk = {.name = "EXEC_HK",
                                   .apid = 0x001,
                                   .owner = ILRS_DICT_OWNER_STATION,
                                   .app = "EXEC",
                                   .description = "executive housekeeping",
                                   .fields = station_hk_fields,
                                   .field_count =
                                       sizeof station_hk_fields / sizeof station_hk_fields[0]};
    const ilrs_dict_command_t set_mode = {.name = "SetStationMode",
                                          .apid = 0x002,
                                          .function_code = 1,
                                          .owner = ILRS_DICT_OWNER_STATION,
                                          .app = "EXEC",
                                          .description = "change the station operating mode",
                                          .args = set_mode_args,
                                          .arg_count = 1};
    if ((rc = ilrs_dict_add_packet(dict, &hk, NULL)) != 0 ||
        (rc = ilrs_dict_add_command(dict, &set_mode, NULL)) != 0) {
        ilrs_dict_destroy(dict);
        return rc;
    }
    *out = dict;
    return 0;
}
