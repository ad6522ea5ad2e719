/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An in-memory telemetry source for the mission-control server: one growing
 * array of (time, value) per parameter, an event list and a command history, all
 * behind one mutex. It serves the tests and `ilrs ground` runs without an
 * archive; the archive (ground.h) replaces it behind ilrs_ground_source_t for
 * durable storage. History queries binary-search the start time, so a day of
 * 1 Hz samples is answered without scanning older data.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ground/ground_server_int.h"

typedef struct series {
    char *name;
    int64_t *time_ms;
    double *value;
    size_t count, cap;
} series_t;

typedef struct mem_event {
    int64_t time_ms;
    char *owner, *app, *name, *message;
    uint16_t id;
    int severity;
} mem_event_t;

typedef struct mem_command {
    int64_t queued_ms, state_ms;
    char *name, *owner, *issuer, *args, *detail;
    ilrs_ground_cmd_state_t state;
} mem_command_t;

typedef struct mem_file {
    char *partner, *name, *payload, *sha256;
    int64_t size, start_ms, end_ms, created_ms;
} mem_file_t;

struct ilrs_ground_memsource {
    pthread_mutex_t lock;
    series_t *series;
    size_t series_count, series_cap;
    mem_event_t *events;
    size_t event_count, event_cap;
    mem_command_t *commands;
    size_t command_count, command_cap;
    mem_file_t *files;
    size_t file_count, file_cap;
};

static const char *const state_names[ILRS_GROUND_CMDSTATE_COUNT] = {
    "queued", "sent", "accepted", "executed", "failed"};

const char *ilrs_ground_cmd_state_name(ilrs_ground_cmd_state_t state)
{
    return (unsigned)state < ILRS_GROUND_CMDSTATE_COUNT ? state_names[state] : "?";
}

/* Grow *array (of *cap elements of size elem) to hold at least need. */
static int grow(void **array, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) {
        return 0;
    }
    size_t n = *cap != 0 ? *cap : 16;
    while (n < need) {
        n *= 2;
    }
    size_t bytes;
    if (ilrs_mul_size(n, elem, &bytes) != 0) {
        return ILRS_ENOMEM;
    }
    void *p = realloc(*array, bytes);
    if (p == NULL) {
        return ILRS_ENOMEM;
    }
    *array = p;
    *cap = n;
    return 0;
}

static char *dup_text(const char *s)
{
    return strdup(s != NULL ? s : "");
}

int ilrs_ground_memsource_create(ilrs_ground_memsource_t **out)
{
    *out = NULL;
    ilrs_ground_memsource_t *mem = calloc(1, sizeof *mem);
    if (mem == NULL) {
        return ILRS_ENOMEM;
    }
    pthread_mutex_init(&mem->lock, NULL);
    *out = mem;
    return 0;
}

void ilrs_ground_memsource_destroy(ilrs_ground_memsource_t *mem)
{
    if (mem == NULL) {
        return;
    }
    for (size_t i = 0; i < mem->series_count; i++) {
        free(mem->series[i].name);
        free(mem->series[i].time_ms);
        free(mem->series[i].value);
    }
    for (size_t i = 0; i < mem->file_count; i++) {
        free(mem->files[i].partner);
        free(mem->files[i].name);
        free(mem->files[i].payload);
        free(mem->files[i].sha256);
    }
    free(mem->files);
    for (size_t i = 0; i < mem->event_count; i++) {
        mem_event_t *e = &mem->events[i];
        free(e->owner);
        free(e->app);
        free(e->name);
        free(e->message);
    }
    for (size_t i = 0; i < mem->command_count; i++) {
        mem_command_t *c = &mem->commands[i];
        free(c->name);
        free(c->owner);
        free(c->issuer);
        free(c->args);
        free(c->detail);
    }
    free(mem->series);
    free(mem->events);
    free(mem->commands);
    pthread_mutex_destroy(&mem->lock);
    free(mem);
}

static series_t *find_series(ilrs_ground_memsource_t *mem, const char *name)
{
    for (size_t i = 0; i < mem->series_count; i++) {
        if (strcmp(mem->series[i].name, name) == 0) {
            return &mem->series[i];
        }
    }
    return NULL;
}

int ilrs_ground_memsource_add_sample(ilrs_ground_memsource_t *mem, const char *name,
                                     int64_t time_ms, double value)
{
    int rc = 0;
    if (mem == NULL || name == NULL) {
        return ILRS_EINVAL;
    }
    pthread_mutex_lock(&mem->lock);
    series_t *s = find_series(mem, name);
    if (s == NULL) {
        rc = grow((void **)&mem->series, &mem->series_cap, mem->series_count + 1,
                  sizeof *mem->series);
        if (rc != 0) {
            goto out_unlock;
        }
        s = &mem->series[mem->series_count];
        memset(s, 0, sizeof *s);
        s->name = strdup(name);
        if (s->name == NULL) {
            rc = ILRS_ENOMEM;
            goto out_unlock;
        }
        mem->series_count++;
    }
    if (s->count > 0 && time_ms < s->time_ms[s->count - 1]) {
        rc = ILRS_EINVAL;
        goto out_unlock;
    }
    if (s->count == s->cap) {
        size_t cap_t = s->cap, cap_v = s->cap;
        rc = grow((void **)&s->time_ms, &cap_t, s->count + 1, sizeof *s->time_ms);
        if (rc == 0) {
            rc = grow((void **)&s->value, &cap_v, s->count + 1, sizeof *s->value);
        }
        if (rc != 0) {
            goto out_unlock;
        }
        s->cap = cap_t < cap_v ? cap_t : cap_v;
    }
    s->time_ms[s->count] = time_ms;
    s->value[s->count] = value;
    s->count++;
out_unlock:
    pthread_mutex_unlock(&mem->lock);
    return rc;
}

int ilrs_ground_memsource_add_event(ilrs_ground_memsource_t *mem,
                                    const ilrs_ground_source_event_t *event)
{
    int rc;
    if (mem == NULL || event == NULL) {
        return ILRS_EINVAL;
    }
    pthread_mutex_lock(&mem->lock);
    rc = grow((void **)&mem->events, &mem->event_cap, mem->event_count + 1, sizeof *mem->events);
    if (rc == 0) {
        mem_event_t *e = &mem->events[mem->event_count];
        e->time_ms = event->time_ms;
        e->id = event->id;
        e->severity = event->severity;
        e->owner = dup_text(event->owner != NULL ? event->owner : ILRS_DICT_OWNER_STATION);
        e->app = dup_text(event->app);
        e->name = dup_text(event->name);
        e->message = dup_text(event->message);
        if (e->owner == NULL || e->app == NULL || e->name == NULL || e->message == NULL) {
            free(e->owner);
            free(e->app);
            free(e->name);
            free(e->message);
            rc = ILRS_ENOMEM;
        } else {
            mem->event_count++;
        }
    }
    pthread_mutex_unlock(&mem->lock);
    return rc;
}

/* First index with time >= t. */
static size_t lower_bound(const series_t *s, int64_t t)
{
    size_t lo = 0, hi = s->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->time_ms[mid] < t) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static int mem_history(void *ctx, const char *name, int64_t start_ms, int64_t end_ms,
                       ilrs_ground_source_strategy_t strategy, size_t size,
                       int (*fn)(void *user, const ilrs_ground_point_t *p), void *user)
{
    ilrs_ground_memsource_t *mem = ctx;
    int rc = 0;
    if (start_ms > end_ms) {
        return ILRS_EINVAL;
    }
    pthread_mutex_lock(&mem->lock);
    series_t *s = find_series(mem, name);
    if (s == NULL) {
        goto out_unlock; /* a known parameter without samples yet: empty answer */
    }
    size_t first = lower_bound(s, start_ms);
    size_t last = first; /* one past the last sample <= end_ms */
    while (last < s->count && s->time_ms[last] <= end_ms) {
        last++;
    }
    if (strategy == ILRS_GROUND_SOURCE_LATEST) {
        if (last > first) {
            ilrs_ground_point_t p = {s->time_ms[last - 1], s->value[last - 1], s->value[last - 1],
                                     s->value[last - 1]};
            rc = fn(user, &p);
        }
    } else if (strategy == ILRS_GROUND_SOURCE_MINMAX && size > 0) {
        /* Buckets of equal width over [start, end]; one point per non-empty bucket. */
        double width = ((double)end_ms - (double)start_ms + 1.0) / (double)size;
        size_t i = first;
        while (i < last && rc == 0) {
            size_t b = (size_t)(((double)s->time_ms[i] - (double)start_ms) / width);
            ilrs_ground_point_t p = {s->time_ms[i], s->value[i], s->value[i], s->value[i]};
            i++;
            while (i < last &&
                   (size_t)(((double)s->time_ms[i] - (double)start_ms) / width) == b) {
                p.min = fmin(p.min, s->value[i]);
                p.max = fmax(p.max, s->value[i]);
                p.value = s->value[i];
                i++;
            }
            rc = fn(user, &p);
        }
    } else {
        for (size_t i = first; i < last && rc == 0; i++) {
            ilrs_ground_point_t p = {s->time_ms[i], s->value[i], s->value[i], s->value[i]};
            rc = fn(user, &p);
        }
    }
out_unlock:
    pthread_mutex_unlock(&mem->lock);
    return rc;
}

static int mem_events(void *ctx, const char *owner, int64_t start_ms, int64_t end_ms,
                      int (*fn)(void *user, const ilrs_ground_source_event_t *e), void *user)
{
    ilrs_ground_memsource_t *mem = ctx;
    int rc = 0;
    pthread_mutex_lock(&mem->lock);
    for (size_t i = 0; i < mem->event_count && rc == 0; i++) {
        const mem_event_t *e = &mem->events[i];
        if (e->time_ms < start_ms || e->time_ms > end_ms ||
            (owner != NULL && strcmp(owner, e->owner) != 0)) {
            continue;
        }
        ilrs_ground_source_event_t out = {e->time_ms, e->owner, e->app, e->id,
                                          e->name,    e->severity, e->message};
        rc = fn(user, &out);
    }
    pthread_mutex_unlock(&mem->lock);
    return rc;
}

static int mem_command_add(void *ctx, const char *name, const char *owner, const char *issuer,
                           const char *args_json, const uint8_t *pkt, size_t len,
                           int64_t now_ms, int64_t *id)
{
    ilrs_ground_memsource_t *mem = ctx;
    (void)pkt;
    (void)len;
    pthread_mutex_lock(&mem->lock);
    int rc = grow((void **)&mem->commands, &mem->command_cap, mem->command_count + 1,
                  sizeof *mem->commands);
    if (rc == 0) {
        mem_command_t *c = &mem->commands[mem->command_count];
        memset(c, 0, sizeof *c);
        c->queued_ms = c->state_ms = now_ms;
        c->state = ILRS_GROUND_CMDSTATE_QUEUED;
        c->name = dup_text(name);
        c->owner = dup_text(owner);
        c->issuer = dup_text(issuer);
        c->args = dup_text(args_json);
        c->detail = dup_text("");
        if (c->name == NULL || c->owner == NULL || c->issuer == NULL || c->args == NULL ||
            c->detail == NULL) {
            free(c->name);
            free(c->owner);
            free(c->issuer);
            free(c->args);
            free(c->detail);
            rc = ILRS_ENOMEM;
        } else {
            *id = (int64_t)mem->command_count;
            mem->command_count++;
        }
    }
    pthread_mutex_unlock(&mem->lock);
    return rc;
}

static int mem_command_update(void *ctx, int64_t id, ilrs_ground_cmd_state_t state,
                              int64_t now_ms, const char *detail)
{
    ilrs_ground_memsource_t *mem = ctx;
    int rc = 0;
    pthread_mutex_lock(&mem->lock);
    if (id < 0 || (size_t)id >= mem->command_count) {
        rc = ILRS_ENOENT;
        goto out_unlock;
    }
    mem_command_t *c = &mem->commands[id];
    bool final = c->state == ILRS_GROUND_CMDSTATE_EXECUTED || c->state == ILRS_GROUND_CMDSTATE_FAILED;
    bool next = (unsigned)state == (unsigned)c->state + 1 && state != ILRS_GROUND_CMDSTATE_FAILED;
    if (final || !(next || state == ILRS_GROUND_CMDSTATE_FAILED)) {
        rc = ILRS_ESTATE;
        goto out_unlock;
    }
    char *d = dup_text(detail);
    if (d == NULL) {
        rc = ILRS_ENOMEM;
        goto out_unlock;
    }
    free(c->detail);
    c->detail = d;
    c->state = state;
    c->state_ms = now_ms;
out_unlock:
    pthread_mutex_unlock(&mem->lock);
    return rc;
}

static int mem_commands(void *ctx, const char *owner, int64_t start_ms, int64_t end_ms,
                        int (*fn)(void *user, const ilrs_ground_source_command_t *c), void *user)
{
    ilrs_ground_memsource_t *mem = ctx;
    int rc = 0;
    pthread_mutex_lock(&mem->lock);
    for (size_t i = 0; i < mem->command_count && rc == 0; i++) {
        const mem_command_t *c = &mem->commands[i];
        if (c->queued_ms < start_ms || c->queued_ms > end_ms ||
            (owner != NULL && strcmp(owner, c->owner) != 0)) {
            continue;
        }
        ilrs_ground_source_command_t out = {
            .id = (int64_t)i, .queued_ms = c->queued_ms, .name = c->name, .owner = c->owner,
            .issuer = c->issuer, .args = c->args, .state = c->state, .state_ms = c->state_ms,
            .detail = c->detail,
        };
        rc = fn(user, &out);
    }
    pthread_mutex_unlock(&mem->lock);
    return rc;
}

int ilrs_ground_memsource_add_file(ilrs_ground_memsource_t *mem, const ilrs_ground_file_t *file)
{
    if (mem == NULL || file == NULL || file->partner == NULL || file->name == NULL ||
        file->payload == NULL || file->sha256 == NULL) {
        return ILRS_EINVAL;
    }
    pthread_mutex_lock(&mem->lock);
    int rc = grow((void **)&mem->files, &mem->file_cap, mem->file_count + 1, sizeof *mem->files);
    if (rc == 0) {
        mem_file_t *f = &mem->files[mem->file_count];
        f->partner = dup_text(file->partner);
        f->name = dup_text(file->name);
        f->payload = dup_text(file->payload);
        f->sha256 = dup_text(file->sha256);
        f->size = file->size;
        f->start_ms = file->start_ms;
        f->end_ms = file->end_ms;
        f->created_ms = file->created_ms;
        if (f->partner == NULL || f->name == NULL || f->payload == NULL || f->sha256 == NULL) {
            free(f->partner);
            free(f->name);
            free(f->payload);
            free(f->sha256);
            rc = ILRS_ENOMEM;
        } else {
            mem->file_count++;
        }
    }
    pthread_mutex_unlock(&mem->lock);
    return rc;
}

/* Entries in insertion order (the tests add them sorted). */
static int mem_files(void *ctx, const char *partner, const char *name,
                     int (*fn)(void *user, const ilrs_ground_file_t *f), void *user)
{
    ilrs_ground_memsource_t *mem = ctx;
    int rc = 0;
    pthread_mutex_lock(&mem->lock);
    for (size_t i = 0; i < mem->file_count && rc == 0; i++) {
        const mem_file_t *m = &mem->files[i];
        if ((partner != NULL && strcmp(partner, m->partner) != 0) ||
            (name != NULL && strcmp(name, m->name) != 0)) {
            continue;
        }
        ilrs_ground_file_t f = {m->partner, m->name, m->payload, m->size, m->sha256,
                                m->start_ms, m->end_ms, m->created_ms};
        rc = fn(user, &f);
    }
    pthread_mutex_unlock(&mem->lock);
    return rc;
}

void ilrs_ground_memsource_bind(ilrs_ground_memsource_t *mem, ilrs_ground_source_t *source)
{
    source->files = mem_files;
    source->ctx = mem;
    source->history = mem_history;
    source->events = mem_events;
    source->command_add = mem_command_add;
    source->command_update = mem_command_update;
    source->commands = mem_commands;
}
