// SPDX-License-Identifier: Apache-2.0
// The ground's part of the run, each mission second before the flight software's
// frame: the relay-orbit uploads to COMM (station_apps.c) and the scenario's command
// timeline. At create every timeline command is built from the station's
// dictionary (name and text arguments, ilrs_dict_build_command()), so an unknown
// command or a bad argument stops the run before it starts with the scenario
// file, line and key. During the run each command goes, at its time, through
// the flight software's command ingest (ilrs_fsw_command(): checked again and
// routed to its app like any ground command), into the archive's command history
// with its issuer (the owner comes from the dictionary) and its result, into
// events.log, and onto the report's timeline.
//
// The run models no uplink for these commands (no TC frames, no uplink window):
// they reach the ingest at their time, as if the ground had a link.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "station/station_int.h"

int ilrs__station_timeline_create(ilrs_station_t *st, char *error, size_t cap)
{
    const ilrs_scenario_t *sc = st->sc;
    if (sc->command_count == 0) {
        return 0;
    }
    st->commands = calloc(sc->command_count, sizeof *st->commands);
    if (st->commands == NULL) {
        return ILRS_ENOMEM;
    }
    const ilrs_dict_t *dict = ilrs_fsw_dict(st->fsw);
    for (size_t i = 0; i < sc->command_count; i++) {
        const ilrs_scenario_command_t *c = &sc->commands[i];
        station_command_t *out = &st->commands[i];
        const ilrs_dict_command_t *d = ilrs_dict_find_command_by_name(dict, c->name);
        if (d == NULL) {
            snprintf(error, cap,
                     "%s:%u:%u: commands[%zu].command: unknown command \"%s\" (not in the "
                     "station's dictionary: `ilrs dict` lists it)",
                     sc->source, c->name_line, c->name_column, i, c->name);
            return ILRS_ESTATION_CONFIG;
        }
        const char *args[ILRS_SCENARIO_MAX_CMD_ARGS];
        for (size_t k = 0; k < c->arg_count; k++) {
            args[k] = c->args[k];
        }
        char why[160] = "";
        int rc = ilrs_dict_build_command(d, args, c->arg_count, out->pkt, sizeof out->pkt,
                                         &out->len, why, sizeof why);
        if (rc != 0) {
            if (why[0] == '\0' && rc == ILRS_EINVAL) {
                snprintf(why, sizeof why, "%s takes %zu arguments, got %zu", c->name,
                         d->arg_count, c->arg_count);
            }
            snprintf(error, cap, "%s:%u:%u: commands[%zu].args: %s", sc->source, c->args_line,
                     c->args_column, i, why[0] ? why : ilrs_strerror(rc));
            return ILRS_ESTATION_CONFIG;
        }
        out->at_s = c->at_s;
    }
    return 0;
}

static void run_command(ilrs_station_t *st, size_t i)
{
    const ilrs_scenario_command_t *c = &st->sc->commands[i];
    const station_command_t *cmd = &st->commands[i];
    ilrs_tai_t now = st->sc->epoch_tai + (ilrs_tai_t)llround(st->t_s * 1e9);
    int rc = ilrs_fsw_command(st->fsw, cmd->pkt, cmd->len);
    char text[ILRS_SCENARIO_CMD_NAME_MAX + ILRS_SCENARIO_MAX_CMD_ARGS * ILRS_SCENARIO_ARG_MAX];
    size_t n = (size_t)snprintf(text, sizeof text, "%s", c->name);
    for (size_t k = 0; k < c->arg_count && n < sizeof text; k++) {
        n += (size_t)snprintf(text + n, sizeof text - n, " %s", c->args[k]);
    }
    st->sum.commands_sent++;
    st->sum.commands_refused += rc != 0;
    if (st->archive != NULL) {
        int arc = ilrs__station_archive_command(st->archive, cmd->pkt, cmd->len, now, c->by, rc);
        if (arc != 0 && st->archive_error == 0) {
            st->archive_error = arc;
            ilrs_log(ILRS_LOG_ERROR, "station", "archive: command %s: %s", c->name,
                     ilrs_strerror(arc));
        }
    }
    if (st->events_log != NULL) {
        char when[48];
        ilrs_time_format_iso(now, 3, when, sizeof when);
        fprintf(st->events_log, "%s %-5s %-10s     %s: %s%s\n", when, "CMD", c->by, text,
                rc == 0 ? "accepted" : "refused, ", rc == 0 ? "" : ilrs_strerror(rc));
    }
    ilrs__station_timeline_add(st, 4, rc == 0 ? 1 : 2, "command %.48s by %s%s", text, c->by,
                               rc == 0 ? "" : " (refused)");
}

void ilrs__station_timeline_step(ilrs_station_t *st)
{
    ilrs__station_apps_ground(st->apps, st->fsw,
                              st->sc->epoch_tai + (ilrs_tai_t)llround(st->t_s * 1e9));
    while (st->commands != NULL && st->command_next < st->sc->command_count &&
           st->commands[st->command_next].at_s <= st->t_s) {
        run_command(st, st->command_next++);
    }
}
