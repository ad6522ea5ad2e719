// SPDX-License-Identifier: Apache-2.0
// CMD core app: the command ingest's identity. ilrs_fsw_command() (fsw_instance.c)
// checks every command synchronously against the dictionary and raises CMD events;
// this app owns those events and publishes the ingest counters as its HK.
// Event IDs: fsw_app_cmd_eid.h.
#include "fsw/fsw_app_cmd_eid.h"
#include "fsw/fsw_int.h"

static int cmd_init(ilrs_app_t *app, void *ctx)
{
    (void)ctx;
    static const struct {
        uint16_t id;
        const char *name;
        const char *format;
        const char *description;
    } events[] = {
        {CMD_MALFORMED_ERR_EID, "CMD_MALFORMED_ERR", "malformed command (%zu octets): %s: %s",
         "a command failed the CCSDS checks (version, length field, type, secondary header, "
         "checksum) or no packet was given"},
        {CMD_UNKNOWN_ERR_EID, "CMD_UNKNOWN_ERR",
         "unknown command, message ID 0x%04X function code %u: %s",
         "no command with this APID and function code in the dictionary"},
        {CMD_LENGTH_ERR_EID, "CMD_LENGTH_ERR", "command %s: wrong length %zu (expected %u): %s",
         "a known command with the wrong length"},
        {CMD_ARG_ERR_EID, "CMD_ARG_ERR", "command %s: %s",
         "an argument is out of its range, not a valid enumeration value or a bad string"},
        {CMD_OVERSIZE_ERR_EID, "CMD_OVERSIZE_ERR",
         "command of %zu octets exceeds the %u-octet limit",
         "a command longer than the ingest limit (cmd_max_len)"},
        {CMD_NOROUTE_ERR_EID, "CMD_NOROUTE_ERR", "command %s: no app serves APID 0x%03X",
         "a dictionary command whose APID no running app serves"},
        {CMD_DROPPED_ERR_EID, "CMD_DROPPED_ERR", "command %s for %s dropped: %s",
         "an accepted command could not be queued (the app's command pipe was full)"},
    };
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof events / sizeof events[0]; i++) {
        rc = ilrs_app_register_event(app, events[i].id, events[i].name, ILRS_EVENT_ERROR,
                                     events[i].format, events[i].description);
    }
    ilrs_fsw_cmd_stats_t *s = &app->fsw->cmd;
    const struct {
        const char *name;
        const void *ptr;
    } counters[] = {
        {"ingest_accepted", &s->accepted},
        {"malformed", &s->malformed},
        {"unknown", &s->unknown},
        {"bad_length", &s->bad_length},
        {"bad_argument", &s->bad_argument},
        {"oversize", &s->oversize},
        {"no_route", &s->no_route},
        {"dropped", &s->dropped},
        {"handler_rejected", &s->handler_rejected},
    };
    for (size_t i = 0; rc == 0 && i < sizeof counters / sizeof counters[0]; i++) {
        rc = ilrs_app_hk_counter(app, counters[i].name, NULL, ILRS_DICT_U32, counters[i].ptr);
    }
    return rc;
}

static int cmd_step(ilrs_app_t *app, void *ctx)
{
    (void)app;
    (void)ctx;
    return 0; /* ingest is synchronous (ilrs_fsw_command); this app reports */
}

static void cmd_reset(ilrs_app_t *app, void *ctx)
{
    (void)ctx;
    app->fsw->cmd = (ilrs_fsw_cmd_stats_t){0};
}

const ilrs_app_def_t ilrs__app_cmd_def = {
    .name = "CMD",
    .description = "command ingest: dictionary check and routing",
    .init = cmd_init,
    .step = cmd_step,
    .rate_hz = 1,
    .priority = -95,
    .reset_counters = cmd_reset,
};
