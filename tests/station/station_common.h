/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the station tests: load a shipped scenario, run it into a
 * fresh temporary directory, check and remove the outputs. */
#ifndef STATION_COMMON_H
#define STATION_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include <ilrs/scenario.h>
#include <ilrs/station.h>

#include "ilrs_test.h"

static inline ilrs_scenario_t *load(const char *rel)
{
    ilrs_scenario_diags_t *d = calloc(1, sizeof *d);
    assert_non_null(d);
    ilrs_scenario_t *sc = NULL;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", ILRS_SOURCE_DIR, rel);
    int rc = ilrs_scenario_load_file(path, NULL, &sc, d);
    free(d);
    assert_int_equal(rc, 0);
    return sc;
}

static inline char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Load the shipped scenario @p rel with text edits applied: @p edits holds
 * @p pairs (find, replace) pairs; each find must occur and its first occurrence
 * is replaced (lengths may differ). Loaded as "<name>" beside the shipped files. */
static inline ilrs_scenario_t *load_edited(const char *rel, const char *name,
                                           const char *const *edits, size_t pairs)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", ILRS_SOURCE_DIR, rel);
    size_t len = 0;
    char *text = read_all(path, &len);
    assert_non_null(text);
    for (size_t i = 0; i < pairs; i++) {
        const char *find = edits[2 * i], *repl = edits[2 * i + 1];
        char *at = strstr(text, find);
        if (at == NULL) {
            fail_msg("%s: \"%s\" not found", rel, find);
        }
        size_t head = (size_t)(at - text), lf = strlen(find), lr = strlen(repl);
        size_t n = len - lf + lr;
        char *mod = malloc(n + 1);
        assert_non_null(mod);
        memcpy(mod, text, head);
        memcpy(mod + head, repl, lr);
        memcpy(mod + head + lr, at + lf, len - head - lf);
        mod[n] = '\0';
        free(text);
        text = mod;
        len = n;
    }
    ilrs_scenario_options_t opts;
    ilrs_scenario_options_default(&opts);
    char base[1024];
    snprintf(base, sizeof base, "%s", path);
    char *slash = strrchr(base, '/');
    *slash = '\0';
    opts.base_dir = base;
    ilrs_scenario_diags_t *d = calloc(1, sizeof *d);
    assert_non_null(d);
    ilrs_scenario_t *sc = NULL;
    int rc = ilrs_scenario_load_memory(text, len, name, &opts, &sc, d);
    free(d);
    free(text);
    assert_int_equal(rc, 0);
    return sc;
}

static inline void make_tmp(char *dir, size_t cap, const char *tag)
{
    snprintf(dir, cap, "/tmp/ilrs-station-%s-XXXXXX", tag);
    assert_non_null(mkdtemp(dir));
}

static inline void remove_outputs(const char *dir)
{
    static const char *const names[] = {"archive.sqlite", "archive.sqlite-journal", "events.log",
                                        "summary.json",   "dictionary.json",        "report.html"};
    char path[512];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* Create and run @p sc for @p duration_s seconds into a fresh directory
 * /tmp/ilrs-station-<tag>-XXXXXX (named in @p dir); keep the summary. Returns the
 * station (the caller destroys it). */
static inline ilrs_station_t *run_scenario(const ilrs_scenario_t *sc,
                                           const ilrs_station_options_t *opts, double duration_s,
                                           const char *tag, char *dir, size_t cap,
                                           ilrs_station_summary_t *sum)
{
    ilrs_station_options_t o;
    if (opts != NULL) {
        o = *opts;
    } else {
        ilrs_station_options_default(&o);
    }
    o.duration_s = duration_s;
    make_tmp(dir, cap, tag);
    o.out_dir = dir;
    char error[512] = "";
    ilrs_station_t *st = NULL;
    if (ilrs_station_create(sc, &o, &st, error, sizeof error) != 0) {
        fail_msg("create %s: %s", sc->name, error);
    }
    assert_int_equal(ilrs_station_run(st), 0);
    ilrs_station_get_summary(st, sum);
    return st;
}

/* Run @p rel for @p days into a fresh directory; keep the summary. */
static inline void run(const char *rel, double days, uint64_t seed, bool has_seed, char *dir,
                       size_t cap, ilrs_station_summary_t *sum, ilrs_station_t **keep,
                       ilrs_scenario_t **sc_out)
{
    ilrs_scenario_t *sc = load(rel);
    ilrs_station_options_t o;
    ilrs_station_options_default(&o);
    o.has_seed = has_seed;
    o.seed = seed;
    ilrs_station_t *st = run_scenario(sc, &o, days * 86400.0, "run", dir, cap, sum);
    if (keep != NULL) {
        *keep = st;
        *sc_out = sc;
    } else {
        ilrs_station_destroy(st);
        ilrs_scenario_destroy(sc);
    }
}

/* Two output files are (or are not) byte-identical. */
static inline void same_file(const char *a, const char *b, bool expect_equal)
{
    size_t la = 0, lb = 0;
    char *x = read_all(a, &la), *y = read_all(b, &lb);
    assert_non_null(x);
    assert_non_null(y);
    bool equal = la == lb && memcmp(x, y, la) == 0;
    if (equal != expect_equal) {
        fail_msg("%s and %s: expected %s (%zu and %zu octets)", a, b,
                 expect_equal ? "identical files" : "different files", la, lb);
    }
    free(x);
    free(y);
}

/* The single integer a SELECT count(*) ... returns. */
static inline int64_t count_rows(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;
}

static inline void check_outputs(const char *dir, bool charts)
{
    char path[512];
    size_t len = 0;
    snprintf(path, sizeof path, "%s/summary.json", dir);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    assert_non_null(j);
    assert_true(json_is_boolean(json_object_get(j, "survived")));
    assert_true(json_is_array(json_object_get(j, "partners")));
    json_decref(j);
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *html = read_all(path, &len);
    assert_non_null(html);
    if (charts) {
        assert_non_null(strstr(html, "<svg"));
        assert_non_null(strstr(html, "state of charge"));
    }
    assert_non_null(strstr(html, "</html>"));
    free(html);
    snprintf(path, sizeof path, "%s/dictionary.json", dir);
    j = json_load_file(path, 0, &je);
    assert_non_null(j);
    json_decref(j);
    struct stat sb;
    snprintf(path, sizeof path, "%s/archive.sqlite", dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_true(sb.st_size > 4096);
    // The archive is a sound SQLite database with packets in it.
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "ok");
    sqlite3_finalize(q);
    // Nothing the station sent reached the ground damaged.
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM rejected", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(q, 0), 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    snprintf(path, sizeof path, "%s/events.log", dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_true(sb.st_size > 0);
}

#endif
