// SPDX-License-Identifier: Apache-2.0
// The scenario's command timeline in the station run: commands are checked
// against the station's dictionary before the run (an unknown command or a bad
// argument is an error naming the scenario file, line and key), then each goes
// through the flight software's command ingest at its time, reaches its app,
// and is archived with its owner and issuer, logged and put on the timeline.
#include "station/station_common.h"

static void create_fails(ilrs_scenario_t *sc, const char *expect)
{
    ilrs_station_options_t o;
    ilrs_station_options_default(&o);
    o.duration_s = 600.0;
    char error[512] = "";
    ilrs_station_t *st = NULL;
    assert_int_equal(ilrs_station_create(sc, &o, &st, error, sizeof error), ILRS_ESTATION_CONFIG);
    assert_null(st);
    print_message("refused: %s\n", error);
    if (strstr(error, expect) == NULL) {
        fail_msg("error \"%s\" lacks \"%s\"", error, expect);
    }
    assert_non_null(strstr(error, "south-pole.yaml:"));
}

/* The default scenario's commands pass; a misspelt command and an argument the
 * dictionary refuses stop the run before it starts, naming file, line and key. */
static void dictionary_check_before_the_run(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = load("scenarios/south-pole.yaml");
    assert_true(sc->command_count >= 2);
    char at[32];
    snprintf(at, sizeof at, ":%u:%u: commands[0].command", sc->commands[0].name_line,
             sc->commands[0].name_column);
    char saved[ILRS_SCENARIO_CMD_NAME_MAX];
    snprintf(saved, sizeof saved, "%s", sc->commands[0].name);
    snprintf(sc->commands[0].name, sizeof sc->commands[0].name, "EoCameraSetMood");
    create_fails(sc, at);
    create_fails(sc, "unknown command \"EoCameraSetMood\"");
    snprintf(sc->commands[0].name, sizeof sc->commands[0].name, "%s", saved);
    snprintf(sc->commands[0].args[0], sizeof sc->commands[0].args[0], "fast");
    create_fails(sc, "commands[0].args: ");
    snprintf(sc->commands[0].args[0], sizeof sc->commands[0].args[0], "0");
    sc->commands[0].arg_count = 2; /* one too many */
    create_fails(sc, "commands[0].args: ");
    ilrs_scenario_destroy(sc);
}

static void run_hour(ilrs_scenario_t *sc, char *dir, size_t cap, ilrs_station_summary_t *s)
{
    ilrs_station_destroy(run_scenario(sc, NULL, 3600.0, "timeline", dir, cap, s));
}

/* The default scenario's commands, moved into the first hour, are executed at
 * their time: the payload host and COMM act on them, the archive's command
 * history holds each with its owner (from the dictionary) and issuer; the same
 * scenario and seed give the same archive, commands included. */
static void commands_executed_and_archived(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = load("scenarios/south-pole.yaml");
    for (size_t i = 0; i < sc->command_count; i++) {
        sc->commands[i].at_s = 600.0 * (double)(i + 1);
    }
    char dir[128], again[128];
    ilrs_station_summary_t s;
    run_hour(sc, dir, sizeof dir, &s);
    assert_int_equal(s.commands_sent, sc->command_count);
    assert_int_equal(s.commands_refused, 0);
    run_hour(sc, again, sizeof again, &s);
    char a[256], b[256];
    snprintf(a, sizeof a, "%s/archive.sqlite", dir);
    snprintf(b, sizeof b, "%s/archive.sqlite", again);
    same_file(a, b, true);
    remove_outputs(again);
    /* events.log: each command, then its app's answer */
    char path[256];
    snprintf(path, sizeof path, "%s/events.log", dir);
    size_t len = 0;
    char *log = read_all(path, &len);
    assert_non_null(strstr(log, "CMD   iloa           EoCameraSetMode 0: accepted"));
    assert_non_null(strstr(log, "eo_camera (iloa) mode 0 requested"));
    assert_non_null(strstr(log, "CMD   operator       ComSetPreference true: accepted"));
    assert_non_null(strstr(log, "preference relay first"));
    free(log);
    /* the archive's command history: owner from the dictionary, issuer from the scenario */
    snprintf(path, sizeof path, "%s/archive.sqlite", dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM command"), (int64_t)sc->command_count);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM command WHERE name='EoCameraSetMode' "
                                    "AND owner='iloa' AND issuer='iloa' AND state='accepted'"),
                     2);
    assert_int_equal(count_rows(db, "SELECT count(*) FROM command WHERE name='ComSetPreference' "
                                    "AND issuer='operator' AND state='accepted'"),
                     2);
    sqlite3_close(db);
    /* the report's timeline */
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *html = read_all(path, &len);
    assert_non_null(strstr(html, "command EoCameraSetMode 0 by iloa"));
    free(html);
    remove_outputs(dir);
    ilrs_scenario_destroy(sc);
}

/* HS is hosted in the run and watches every station app: an operator's
 * ExecDisableApp THERMAL stops its steps; HS sees it silent past its limit
 * (30 s, checked every 10 s), reports the stall and brings it back. */
static void hs_restores_a_stopped_app(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = load("scenarios/south-pole.yaml");
    assert_true(sc->command_count >= 1);
    ilrs_scenario_command_t *c = &sc->commands[0];
    c->at_s = 600.0;
    snprintf(c->name, sizeof c->name, "ExecDisableApp");
    c->arg_count = 1;
    snprintf(c->args[0], sizeof c->args[0], "THERMAL");
    snprintf(c->by, sizeof c->by, "operator");
    sc->command_count = 1;
    char dir[128];
    ilrs_station_summary_t s;
    run_hour(sc, dir, sizeof dir, &s);
    assert_int_equal(s.commands_sent, 1);
    assert_int_equal(s.commands_refused, 0);
    char path[256];
    snprintf(path, sizeof path, "%s/events.log", dir);
    size_t len = 0;
    char *log = read_all(path, &len);
    const char *stall = strstr(log, "THERMAL has not stepped for");
    assert_non_null(stall);
    const char *back = strstr(stall, "THERMAL restarted (1 of 3)");
    assert_non_null(back);
    assert_null(strstr(log, "still stalled"));
    free(log);
    remove_outputs(dir);
    ilrs_scenario_destroy(sc);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(dictionary_check_before_the_run),
    cmocka_unit_test(commands_executed_and_archived),
    cmocka_unit_test(hs_restores_a_stopped_app),
};

ILRS_TEST_MAIN(tests)
