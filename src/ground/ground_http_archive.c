/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The telemetry archive (ground.h) behind the server's telemetry-source
 * interface: history, events and the command history are read from the archive,
 * commands are recorded in it.
 *
 * Time scales: the archive counts TAI milliseconds since 1958-01-01 ("archive
 * ms"); the web API and Open MCT use UTC as Unix milliseconds (POSIX time, leap
 * seconds not counted). The conversion is Unix = archive - 4383 d - (TAI-UTC),
 * with TAI-UTC from ERFA's leap-second table (eraDat, IERS Bulletin C). During a
 * leap second two TAI instants map to one Unix millisecond range; that second is
 * ambiguous in Unix time by construction.
 *
 * Command arguments are not stored as text by the archive; the history shows them
 * decoded from the archived packet with the dictionary (enumeration labels for
 * enumerated arguments).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <erfa.h>
#include <jansson.h>

#include "ground/ground_server_int.h"

#define EPOCH_1958_TO_1970_MS (4383LL * 86400000LL) /* 12 years with 3 leap days */

typedef struct archive_ctx {
    ilrs_ground_archive_t *archive;
    const ilrs_dict_t *dict;
} archive_ctx_t;

/* TAI - UTC in ms at a UTC Unix time (ERFA leap-second table). */
static int64_t tai_minus_utc_ms(int64_t unix_ms)
{
    time_t secs = (time_t)(unix_ms / 1000);
    struct tm tm;
    double dat = 37.0;
    if (gmtime_r(&secs, &tm) != NULL &&
        eraDat(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, 0.5, &dat) < 0) {
        dat = 37.0; /* outside the table (before 1960): keep the current value */
    }
    return (int64_t)llround(dat * 1000.0);
}

int64_t ilrs_ground_unix_to_archive_ms(int64_t unix_ms)
{
    if (unix_ms <= INT64_MIN / 2 || unix_ms >= INT64_MAX / 2) {
        return unix_ms < 0 ? INT64_MIN : INT64_MAX; /* open range ends stay open */
    }
    return unix_ms + EPOCH_1958_TO_1970_MS + tai_minus_utc_ms(unix_ms);
}

int64_t ilrs_ground_archive_to_unix_ms(int64_t archive_ms)
{
    int64_t approx = archive_ms - EPOCH_1958_TO_1970_MS;
    /* TAI-UTC at the UTC date: evaluate at the TAI-based estimate, then once more. */
    int64_t unix_ms = approx - tai_minus_utc_ms(approx);
    return approx - tai_minus_utc_ms(unix_ms);
}

typedef struct history_relay {
    int (*fn)(void *user, const ilrs_ground_point_t *p);
    void *user;
} history_relay_t;

static int archive_history(void *ctx, const char *name, int64_t start_ms, int64_t end_ms,
                           ilrs_ground_source_strategy_t strategy, size_t size,
                           int (*fn)(void *user, const ilrs_ground_point_t *p), void *user)
{
    archive_ctx_t *a = ctx;
    ilrs_ground_history_t h;
    ilrs_ground_strategy_t s = strategy == ILRS_GROUND_SOURCE_LATEST   ? ILRS_GROUND_LATEST
                               : strategy == ILRS_GROUND_SOURCE_MINMAX ? ILRS_GROUND_MINMAX
                                                                       : ILRS_GROUND_ALL;
    int rc = ilrs_ground_archive_history(a->archive, name, NULL,
                                         ilrs_ground_unix_to_archive_ms(start_ms),
                                         ilrs_ground_unix_to_archive_ms(end_ms), s, size, &h);
    if (rc == ILRS_ENOENT) {
        return 0; /* in the dictionary, never archived: no samples */
    }
    if (rc != 0) {
        return rc;
    }
    if (h.kind == ILRS_GROUND_KIND_BYTES) {
        ilrs_ground_history_free(&h);
        return ILRS_ETYPE;
    }
    /* One offset for the whole answer unless a leap second falls inside it (the
     * table lookup per sample would cost more than the query). */
    int64_t first = h.count > 0 ? h.samples[0].time_ms : h.bucket_count > 0 ? h.buckets[0].time_ms : 0;
    int64_t last = h.count > 0                ? h.samples[h.count - 1].time_ms
                   : h.bucket_count > 0       ? h.buckets[h.bucket_count - 1].time_ms
                                              : 0;
    int64_t offset = first - ilrs_ground_archive_to_unix_ms(first);
    bool constant = last - ilrs_ground_archive_to_unix_ms(last) == offset;
    for (size_t i = 0; i < h.count && rc == 0; i++) {
        const ilrs_ground_sample_t *smp = &h.samples[i];
        int64_t t = constant ? smp->time_ms - offset : ilrs_ground_archive_to_unix_ms(smp->time_ms);
        ilrs_ground_point_t p = {t, smp->value, smp->value, smp->value};
        rc = fn(user, &p);
    }
    for (size_t i = 0; i < h.bucket_count && rc == 0; i++) {
        const ilrs_ground_bucket_t *b = &h.buckets[i];
        int64_t t = constant ? b->time_ms - offset : ilrs_ground_archive_to_unix_ms(b->time_ms);
        /* value: the bucket's max, so a plot of "value" alone still shows peaks. */
        ilrs_ground_point_t p = {t, b->max, b->min, b->max};
        rc = fn(user, &p);
    }
    ilrs_ground_history_free(&h);
    return rc;
}

typedef struct event_relay {
    int (*fn)(void *user, const ilrs_ground_source_event_t *e);
    void *user;
} event_relay_t;

static int relay_event(void *user, const ilrs_ground_event_t *e)
{
    event_relay_t *r = user;
    ilrs_ground_source_event_t out = {
        .time_ms = ilrs_ground_archive_to_unix_ms(ilrs_ground_time_ms(e->time)),
        .owner = e->owner != NULL ? e->owner : ILRS_DICT_OWNER_STATION,
        .app = e->app != NULL ? e->app : "",
        .id = e->id,
        .name = e->name != NULL ? e->name : "",
        .severity = e->severity,
        .message = e->message != NULL ? e->message : "",
    };
    return r->fn(r->user, &out);
}

static int archive_events(void *ctx, const char *owner, int64_t start_ms, int64_t end_ms,
                          int (*fn)(void *user, const ilrs_ground_source_event_t *e), void *user)
{
    archive_ctx_t *a = ctx;
    event_relay_t r = {fn, user};
    return ilrs_ground_archive_events(a->archive, owner, ilrs_ground_unix_to_archive_ms(start_ms),
                                      ilrs_ground_unix_to_archive_ms(end_ms), relay_event, &r);
}

typedef struct file_relay {
    int (*fn)(void *user, const ilrs_ground_file_t *f);
    void *user;
} file_relay_t;

static int relay_file(void *user, const ilrs_ground_file_t *f)
{
    file_relay_t *r = user;
    ilrs_ground_file_t out = *f;
    out.start_ms = ilrs_ground_archive_to_unix_ms(f->start_ms);
    out.end_ms = ilrs_ground_archive_to_unix_ms(f->end_ms);
    out.created_ms = ilrs_ground_archive_to_unix_ms(f->created_ms);
    return r->fn(r->user, &out);
}

static int archive_files(void *ctx, const char *partner, const char *name,
                         int (*fn)(void *user, const ilrs_ground_file_t *f), void *user)
{
    archive_ctx_t *a = ctx;
    file_relay_t r = {fn, user};
    return ilrs_ground_archive_files(a->archive, partner, name, relay_file, &r);
}

static ilrs_tai_t unix_ms_to_tai(int64_t unix_ms)
{
    return (ilrs_tai_t)ilrs_ground_unix_to_archive_ms(unix_ms) * 1000000;
}

static int archive_command_add(void *ctx, const char *name, const char *owner,
                               const char *issuer, const char *args_json, const uint8_t *pkt,
                               size_t len, int64_t now_ms, int64_t *id)
{
    archive_ctx_t *a = ctx;
    (void)name;
    (void)owner;
    (void)args_json;
    return ilrs_ground_archive_add_command(a->archive, a->dict, pkt, len, unix_ms_to_tai(now_ms),
                                           issuer, id);
}

static int archive_command_update(void *ctx, int64_t id, ilrs_ground_cmd_state_t state,
                                  int64_t now_ms, const char *detail)
{
    archive_ctx_t *a = ctx;
    return ilrs_ground_archive_update_command(a->archive, id, (ilrs_ground_command_state_t)state,
                                              unix_ms_to_tai(now_ms), detail);
}

/* The arguments of an archived command packet as a JSON array of texts. */
static char *decode_args(const ilrs_dict_t *dict, const ilrs_ground_command_t *c)
{
    const ilrs_dict_command_t *cmd = ilrs_dict_find_command_by_name(dict, c->name);
    json_t *list = json_array();
    for (size_t i = 0; cmd != NULL && i < cmd->arg_count; i++) {
        const ilrs_dict_field_t *f = &cmd->args[i];
        char text[128] = "?";
        double raw;
        int64_t iv;
        if (f->type == ILRS_DICT_STRING || f->type == ILRS_DICT_BYTES) {
            if ((size_t)f->offset + f->length <= c->packet_len) {
                size_t n = strnlen((const char *)c->packet + f->offset, f->length);
                snprintf(text, sizeof text, "%.*s", (int)(n < 100 ? n : 100),
                         (const char *)c->packet + f->offset);
            }
        } else if (f->enum_count > 0 &&
                   ilrs_dict_get_int(f, c->packet, c->packet_len, &iv) == 0 &&
                   ilrs_dict_enum_label(f, iv) != NULL) {
            snprintf(text, sizeof text, "%s", ilrs_dict_enum_label(f, iv));
        } else if (ilrs_dict_get_raw(f, c->packet, c->packet_len, &raw) == 0) {
            snprintf(text, sizeof text, "%.17g", raw);
        }
        json_array_append_new(list, json_string(text));
    }
    char *out = json_dumps(list, JSON_COMPACT);
    json_decref(list);
    return out;
}

typedef struct command_relay {
    const ilrs_dict_t *dict;
    int (*fn)(void *user, const ilrs_ground_source_command_t *c);
    void *user;
} command_relay_t;

static int relay_command(void *user, const ilrs_ground_command_t *c)
{
    command_relay_t *r = user;
    char *args = decode_args(r->dict, c);
    ilrs_ground_source_command_t out = {
        .id = c->id,
        .queued_ms = ilrs_ground_archive_to_unix_ms(c->queued_ms),
        .name = c->name,
        .owner = c->owner,
        .issuer = c->issuer != NULL ? c->issuer : "",
        .args = args != NULL ? args : "[]",
        .state = (ilrs_ground_cmd_state_t)c->state,
        .state_ms = ilrs_ground_archive_to_unix_ms(c->state_ms),
        .detail = c->detail != NULL ? c->detail : "",
    };
    int rc = r->fn(r->user, &out);
    free(args);
    return rc;
}

static int archive_commands(void *ctx, const char *owner, int64_t start_ms, int64_t end_ms,
                            int (*fn)(void *user, const ilrs_ground_source_command_t *c),
                            void *user)
{
    archive_ctx_t *a = ctx;
    command_relay_t r = {a->dict, fn, user};
    return ilrs_ground_archive_commands(a->archive, owner,
                                        ilrs_ground_unix_to_archive_ms(start_ms),
                                        ilrs_ground_unix_to_archive_ms(end_ms), relay_command, &r);
}

int ilrs_ground_archive_source_create(ilrs_ground_archive_t *archive, const ilrs_dict_t *dict,
                                      ilrs_ground_source_t *source)
{
    if (source != NULL) {
        memset(source, 0, sizeof *source);
    }
    if (archive == NULL || dict == NULL || source == NULL) {
        return ILRS_EINVAL;
    }
    archive_ctx_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    a->archive = archive;
    a->dict = dict;
    source->ctx = a;
    source->history = archive_history;
    source->events = archive_events;
    source->files = archive_files;
    source->command_add = archive_command_add;
    source->command_update = archive_command_update;
    source->commands = archive_commands;
    return 0;
}

void ilrs_ground_archive_source_destroy(ilrs_ground_source_t *source)
{
    if (source == NULL) {
        return;
    }
    free(source->ctx);
    memset(source, 0, sizeof *source);
}
