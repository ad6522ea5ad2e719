/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event service: numbered events with binary filters, per-app rate limits,
 * severity enables, a log ring, a sink callback and the event telemetry packet
 * (cFE EVS tradition, see docs/fsw-events-tables.md). Depends on base, ccsds
 * (telemetry header) and dict (types only).
 *
 * Design notes and invariants:
 * - Everything lives in one arena block allocated by ilrs_evs_create(): the
 *   service never allocates again, so an event storm cannot exhaust memory.
 * - Apps occupy slots in a fixed array, found by linear search on app_id; the
 *   number of apps is small (tens), so a search costs less than a hash would.
 * - Each app owns max_filters_per_app filter slots in one pool; the first
 *   filter_count of them are in use, unordered.
 * - Every offered event lands in exactly one outcome counter (sent, filtered,
 *   rate_limited, disabled, unregistered, invalid): the sums always balance.
 * - The log ring holds log_count records starting at log_head (the oldest).
 * - Text is formatted only once an event has passed every check, so filtered
 *   events cost no formatting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsw/fsw_evs_tbl_int.h"

struct evs_filter {
    uint16_t event_id;
    uint16_t mask;
    uint32_t count; /* times offered to this filter since the last reset (saturates) */
};

struct evs_app {
    bool used;
    bool enabled;
    bool severity_enabled[ILRS_EVS_SEVERITY_COUNT];
    uint16_t app_id;
    char name[ILRS_EVS_APP_NAME_MAX];
    struct evs_filter *filters; /* max_filters_per_app slots */
    uint32_t filter_count;
    /* Token bucket in units of event·ns: capacity events × window, each event
     * costs window, refill rate events per ns. Integer arithmetic keeps the
     * limit exact and deterministic on every platform. */
    uint32_t rate_events;
    ilrs_tai_t rate_window;
    int64_t bucket_level;
    ilrs_tai_t bucket_time;
    bool bucket_started;
    uint64_t sent, filtered, rate_limited, disabled;
    uint64_t sent_by_severity[ILRS_EVS_SEVERITY_COUNT];
};

struct ilrs_evs {
    ilrs_arena_t arena;
    uint32_t max_apps;
    uint32_t max_filters;
    uint32_t log_size;
    struct evs_app *apps;
    uint32_t apps_used; /* slots with used set (read every second by the EVS app) */
    ilrs_evs_record_t *log;
    uint32_t log_head;
    uint32_t log_count;
    bool severity_enabled[ILRS_EVS_SEVERITY_COUNT];
    ilrs_evs_clock_fn clock;
    void *clock_user;
    ilrs_evs_sink_fn sink;
    void *sink_user;
    uint64_t seq;
    ilrs_evs_stats_t stats; /* counters only; sizes filled by get_stats */
};

/* ---- create / destroy ------------------------------------------------------ */

static int checked_total(uint32_t max_apps, uint32_t max_filters, uint32_t log_size, size_t *total)
{
    size_t apps_bytes, filters_count, filters_bytes, log_bytes, sum;
    *total = 0;
    if (ilrs_mul_size(max_apps, sizeof(struct evs_app), &apps_bytes) != 0 ||
        ilrs_mul_size(max_apps, max_filters, &filters_count) != 0 ||
        ilrs_mul_size(filters_count, sizeof(struct evs_filter), &filters_bytes) != 0 ||
        ilrs_mul_size(log_size, sizeof(ilrs_evs_record_t), &log_bytes) != 0 ||
        ilrs_add_size(apps_bytes, filters_bytes, &sum) != 0 ||
        ilrs_add_size(sum, log_bytes, &sum) != 0 ||
        ilrs_add_size(sum, 3 * 64, &sum) != 0) { /* alignment slack per block */
        return ILRS_EOVERFLOW;
    }
    *total = sum;
    return 0;
}

int ilrs_evs_create(const ilrs_evs_config_t *config, ilrs_evs_t **out)
{
    int rc;
    size_t total;
    ilrs_evs_t *evs = NULL;

    if (out == NULL) {
        return ILRS_EINVAL;
    }
    *out = NULL;
    uint32_t max_apps = EVS_DEFAULT_MAX_APPS;
    uint32_t max_filters = EVS_DEFAULT_MAX_FILTERS;
    uint32_t log_size = EVS_DEFAULT_LOG_SIZE;
    if (config != NULL) {
        max_apps = config->max_apps != 0 ? config->max_apps : max_apps;
        max_filters = config->max_filters_per_app != 0 ? config->max_filters_per_app : max_filters;
        log_size = config->log_size != 0 ? config->log_size : log_size;
    }
    if (max_apps > EVS_LIMIT_MAX_APPS || max_filters > EVS_LIMIT_MAX_FILTERS ||
        log_size > EVS_LIMIT_LOG_SIZE) {
        ilrs_log(ILRS_LOG_ERROR, "evs",
                 "configuration out of bounds: max_apps %u (<= %u), filters %u (<= %u), "
                 "log_size %u (<= %u)",
                 max_apps, EVS_LIMIT_MAX_APPS, max_filters, EVS_LIMIT_MAX_FILTERS, log_size,
                 EVS_LIMIT_LOG_SIZE);
        return ILRS_EINVAL;
    }
    rc = checked_total(max_apps, max_filters, log_size, &total);
    if (rc != 0) {
        return ILRS_EINVAL;
    }
    evs = calloc(1, sizeof(*evs));
    if (evs == NULL) {
        return ILRS_ENOMEM;
    }
    rc = ilrs_arena_init(&evs->arena, NULL, total);
    if (rc != 0) {
        goto out_free;
    }
    evs->apps = ilrs_arena_alloc(&evs->arena, (size_t)max_apps * sizeof(struct evs_app),
                                 _Alignof(struct evs_app));
    struct evs_filter *pool =
        ilrs_arena_alloc(&evs->arena, (size_t)max_apps * max_filters * sizeof(struct evs_filter),
                         _Alignof(struct evs_filter));
    evs->log = ilrs_arena_alloc(&evs->arena, (size_t)log_size * sizeof(ilrs_evs_record_t),
                                _Alignof(ilrs_evs_record_t));
    if (evs->apps == NULL || pool == NULL || evs->log == NULL) {
        rc = ILRS_ENOMEM; /* cannot happen: total includes alignment slack */
        goto out_arena;
    }
    for (uint32_t i = 0; i < max_apps; i++) {
        evs->apps[i].filters = pool + (size_t)i * max_filters;
    }
    evs->max_apps = max_apps;
    evs->max_filters = max_filters;
    evs->log_size = log_size;
    for (int s = 0; s < ILRS_EVS_SEVERITY_COUNT; s++) {
        evs->severity_enabled[s] = true;
    }
    *out = evs;
    return 0;

out_arena:
    ilrs_arena_fini(&evs->arena);
out_free:
    free(evs);
    return rc;
}

void ilrs_evs_destroy(ilrs_evs_t *evs)
{
    if (evs == NULL) {
        return;
    }
    ilrs_arena_fini(&evs->arena);
    free(evs);
}

void ilrs_evs_set_clock(ilrs_evs_t *evs, ilrs_evs_clock_fn fn, void *user)
{
    if (evs != NULL) {
        evs->clock = fn;
        evs->clock_user = user;
    }
}

void ilrs_evs_set_sink(ilrs_evs_t *evs, ilrs_evs_sink_fn fn, void *user)
{
    if (evs != NULL) {
        evs->sink = fn;
        evs->sink_user = user;
    }
}

/* ---- apps ------------------------------------------------------------------ */

static struct evs_app *find_app(const ilrs_evs_t *evs, uint16_t app_id)
{
    if (evs == NULL) {
        return NULL;
    }
    for (uint32_t i = 0; i < evs->max_apps; i++) {
        if (evs->apps[i].used && evs->apps[i].app_id == app_id) {
            return &evs->apps[i];
        }
    }
    return NULL;
}

static struct evs_filter *find_filter(struct evs_app *app, uint16_t event_id)
{
    for (uint32_t i = 0; i < app->filter_count; i++) {
        if (app->filters[i].event_id == event_id) {
            return &app->filters[i];
        }
    }
    return NULL;
}

static bool is_valid_severity(ilrs_event_severity_t severity)
{
    return (int)severity >= 0 && (int)severity < ILRS_EVS_SEVERITY_COUNT;
}

/* The bucket capacity events × window must fit in int64 (event·ns units). */
static bool is_valid_rate(uint32_t events, ilrs_tai_t window)
{
    int64_t capacity;
    if (events == 0) {
        return true;
    }
    return window > 0 && !__builtin_mul_overflow((int64_t)events, window, &capacity);
}

static void rate_reset(struct evs_app *app, uint32_t events, ilrs_tai_t window)
{
    app->rate_events = events;
    app->rate_window = events != 0 ? window : 0;
    app->bucket_started = false; /* filled on the first event, at that event's time */
    app->bucket_level = 0;
    app->bucket_time = 0;
}

int ilrs_evs_register(ilrs_evs_t *evs, uint16_t app_id, const ilrs_evs_app_config_t *config)
{
    struct evs_app *slot = NULL;

    if (evs == NULL || config == NULL || config->name == NULL || config->name[0] == '\0' ||
        strlen(config->name) >= ILRS_EVS_APP_NAME_MAX ||
        (config->filter_count > 0 && config->filters == NULL) ||
        !is_valid_rate(config->rate_limit_events, config->rate_limit_window)) {
        ilrs_log(ILRS_LOG_ERROR, "evs", "register app %u: invalid configuration", app_id);
        return ILRS_EINVAL;
    }
    for (size_t i = 0; i < config->filter_count; i++) {
        for (size_t j = 0; j < i; j++) {
            if (config->filters[i].event_id == config->filters[j].event_id) {
                ilrs_log(ILRS_LOG_ERROR, "evs", "register app %s: event %u filtered twice",
                         config->name, config->filters[i].event_id);
                return ILRS_EINVAL;
            }
        }
    }
    if (find_app(evs, app_id) != NULL) {
        return ILRS_EEXIST;
    }
    if (config->filter_count > evs->max_filters) {
        ilrs_log(ILRS_LOG_ERROR, "evs", "register app %s: %zu filters, limit %u", config->name,
                 config->filter_count, evs->max_filters);
        return ILRS_ELIMIT;
    }
    for (uint32_t i = 0; i < evs->max_apps; i++) {
        if (!evs->apps[i].used) {
            slot = &evs->apps[i];
            break;
        }
    }
    if (slot == NULL) {
        return ILRS_ELIMIT;
    }
    struct evs_filter *filters = slot->filters;
    memset(slot, 0, sizeof(*slot));
    slot->filters = filters;
    slot->used = true;
    evs->apps_used++;
    slot->enabled = true;
    for (int s = 0; s < ILRS_EVS_SEVERITY_COUNT; s++) {
        slot->severity_enabled[s] = true;
    }
    slot->app_id = app_id;
    memcpy(slot->name, config->name, strlen(config->name) + 1);
    for (size_t i = 0; i < config->filter_count; i++) {
        slot->filters[i].event_id = config->filters[i].event_id;
        slot->filters[i].mask = config->filters[i].mask;
        slot->filters[i].count = 0;
    }
    slot->filter_count = (uint32_t)config->filter_count;
    rate_reset(slot, config->rate_limit_events, config->rate_limit_window);
    return 0;
}

int ilrs_evs_unregister(ilrs_evs_t *evs, uint16_t app_id)
{
    struct evs_app *app = find_app(evs, app_id);
    if (app == NULL) {
        return ILRS_EFSW_APP;
    }
    app->used = false;
    evs->apps_used--;
    return 0;
}

bool ilrs_evs_is_registered(const ilrs_evs_t *evs, uint16_t app_id)
{
    return find_app(evs, app_id) != NULL;
}

/* ---- the send path -------------------------------------------------------- */

/*
 * cFE EVS binary filter: send when (count & mask) == 0, then count. cFE keeps a
 * 16-bit count that saturates at 0xFFFF, which silently stops "every other"
 * masks after 65535 events. Here the count is 32-bit and a mask with bit 15 set
 * (the "first N then stop" family) is extended with ones above bit 15, so "first
 * N" stays stopped and periodic masks keep their period for 2^32 events.
 */
static bool filter_passes(struct evs_filter *filter)
{
    uint32_t mask = filter->mask;
    if ((mask & 0x8000u) != 0) {
        mask |= 0xFFFF0000u;
    }
    bool send = (filter->count & mask) == 0;
    if (filter->count < UINT32_MAX) {
        filter->count++;
    }
    return send;
}

/* Token bucket on virtual time; see struct evs_app. Time going backwards (a
 * clock reset) refills nothing and restarts the reference time. */
static bool rate_passes(struct evs_app *app, ilrs_tai_t now)
{
    if (app->rate_events == 0) {
        return true;
    }
    int64_t capacity = (int64_t)app->rate_events * app->rate_window; /* checked at set time */
    if (!app->bucket_started) {
        app->bucket_started = true;
        app->bucket_level = capacity;
    } else if (now > app->bucket_time) {
        /* A full window refills the whole bucket; below it elapsed × events < capacity. */
        int64_t elapsed = now - app->bucket_time;
        if (elapsed >= app->rate_window) {
            app->bucket_level = capacity;
        } else {
            int64_t refill = elapsed * (int64_t)app->rate_events;
            app->bucket_level =
                capacity - app->bucket_level <= refill ? capacity : app->bucket_level + refill;
        }
    }
    app->bucket_time = now;
    if (app->bucket_level >= app->rate_window) {
        app->bucket_level -= app->rate_window;
        return true;
    }
    return false;
}

static void log_append(ilrs_evs_t *evs, const ilrs_evs_record_t *record)
{
    if (evs->log_count < evs->log_size) {
        evs->log[(evs->log_head + evs->log_count) % evs->log_size] = *record;
        evs->log_count++;
    } else {
        evs->log[evs->log_head] = *record;
        evs->log_head = (evs->log_head + 1) % evs->log_size;
        evs->stats.log_overwritten++;
    }
}

int ilrs_evs_vsend(ilrs_evs_t *evs, uint16_t app_id, uint16_t event_id,
                   ilrs_event_severity_t severity, const char *fmt, va_list args)
{
    if (evs == NULL) {
        return ILRS_EINVAL;
    }
    if (fmt == NULL || !is_valid_severity(severity)) {
        evs->stats.invalid++;
        return ILRS_EINVAL;
    }
    struct evs_app *app = find_app(evs, app_id);
    if (app == NULL) {
        evs->stats.unregistered++;
        return ILRS_EFSW_APP;
    }
    if (!app->enabled || !evs->severity_enabled[severity] || !app->severity_enabled[severity]) {
        app->disabled++;
        evs->stats.disabled++;
        return ILRS_EFSW_FILTERED;
    }
    struct evs_filter *filter = find_filter(app, event_id);
    if (filter != NULL && !filter_passes(filter)) {
        app->filtered++;
        evs->stats.filtered++;
        return ILRS_EFSW_FILTERED;
    }
    ilrs_tai_t now = evs->clock != NULL ? evs->clock(evs->clock_user) : 0;
    if (!rate_passes(app, now)) {
        app->rate_limited++;
        evs->stats.rate_limited++;
        return ILRS_EFSW_FILTERED;
    }

    ilrs_evs_record_t record;
    memset(&record, 0, sizeof(record));
    record.time = now;
    record.seq = ++evs->seq;
    record.app_id = app_id;
    record.event_id = event_id;
    record.severity = severity;
    memcpy(record.app_name, app->name, sizeof(record.app_name));
    int n = vsnprintf(record.text, sizeof(record.text), fmt, args);
    if (n < 0) {
        /* Only an encoding error makes vsnprintf fail; say so rather than drop it. */
        snprintf(record.text, sizeof(record.text), "(event text format error)");
    } else if ((size_t)n >= sizeof(record.text)) {
        record.truncated = true;
        record.text[sizeof(record.text) - 2] = EVS_TRUNCATED_MARK;
        evs->stats.truncated++;
    }

    app->sent++;
    app->sent_by_severity[severity]++;
    evs->stats.sent++;
    evs->stats.sent_by_severity[severity]++;
    log_append(evs, &record);
    if (evs->sink != NULL) {
        evs->sink(evs->sink_user, &record);
    }
    return 0;
}

int ilrs_evs_send(ilrs_evs_t *evs, uint16_t app_id, uint16_t event_id,
                  ilrs_event_severity_t severity, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int rc = ilrs_evs_vsend(evs, app_id, event_id, severity, fmt, args);
    va_end(args);
    return rc;
}

/* ---- control -------------------------------------------------------------- */

int ilrs_evs_set_app_enabled(ilrs_evs_t *evs, uint16_t app_id, bool enabled)
{
    struct evs_app *app = find_app(evs, app_id);
    if (app == NULL) {
        return ILRS_EFSW_APP;
    }
    app->enabled = enabled;
    return 0;
}

int ilrs_evs_set_app_severity_enabled(ilrs_evs_t *evs, uint16_t app_id,
                                      ilrs_event_severity_t severity, bool enabled)
{
    struct evs_app *app = find_app(evs, app_id);
    if (app == NULL) {
        return ILRS_EFSW_APP;
    }
    if (!is_valid_severity(severity)) {
        return ILRS_EINVAL;
    }
    app->severity_enabled[severity] = enabled;
    return 0;
}

int ilrs_evs_set_severity_enabled(ilrs_evs_t *evs, ilrs_event_severity_t severity, bool enabled)
{
    if (evs == NULL || !is_valid_severity(severity)) {
        return ILRS_EINVAL;
    }
    evs->severity_enabled[severity] = enabled;
    return 0;
}

int ilrs_evs_set_filter(ilrs_evs_t *evs, uint16_t app_id, uint16_t event_id, uint16_t mask)
{
    struct evs_app *app = find_app(evs, app_id);
    if (app == NULL) {
        return ILRS_EFSW_APP;
    }
    struct evs_filter *filter = find_filter(app, event_id);
    if (filter == NULL) {
        if (app->filter_count >= evs->max_filters) {
            return ILRS_ELIMIT;
        }
        filter = &app->filters[app->filter_count++];
        filter->event_id = event_id;
    }
    filter->mask = mask;
    filter->count = 0;
    return 0;
}

int ilrs_evs_delete_filter(ilrs_evs_t *evs, uint16_t app_id, uint16_t event_id)
{
    struct evs_app *app = find_app(evs, app_id);
    if (app == NULL) {
        return ILRS_EFSW_APP;
    }
    struct evs_filter *filter = find_filter(app, event_id);
    if (filter == NULL) {
        return ILRS_ENOENT;
    }
    *filter = app->filters[--app->filter_count]; /* order of filters does not matter */
    return 0;
}

int ilrs_evs_reset_filter(ilrs_evs_t *evs, uint16_t app_id, uint16_t event_id)
{
    struct evs_app *app = find_app(evs, app_id);
    if (app == NULL) {
        return ILRS_EFSW_APP;
    }
    struct evs_filter *filter = find_filter(app, event_id);
    if (filter == NULL) {
        return ILRS_ENOENT;
    }
    filter->count = 0;
    return 0;
}

int ilrs_evs_reset_all_filters(ilrs_evs_t *evs, uint16_t app_id)
{
    struct evs_app *app = find_app(evs, app_id);
    if (app == NULL) {
        return ILRS_EFSW_APP;
    }
    for (uint32_t i = 0; i < app->filter_count; i++) {
        app->filters[i].count = 0;
    }
    return 0;
}

int ilrs_evs_set_rate_limit(ilrs_evs_t *evs, uint16_t app_id, uint32_t events, ilrs_tai_t window)
{
    struct evs_app *app = find_app(evs, app_id);
    if (app == NULL) {
        return ILRS_EFSW_APP;
    }
    if (!is_valid_rate(events, window)) {
        return ILRS_EINVAL;
    }
    rate_reset(app, events, window);
    return 0;
}

int ilrs_evs_reset_app_counters(ilrs_evs_t *evs, uint16_t app_id)
{
    struct evs_app *app = find_app(evs, app_id);
    if (app == NULL) {
        return ILRS_EFSW_APP;
    }
    app->sent = app->filtered = app->rate_limited = app->disabled = 0;
    memset(app->sent_by_severity, 0, sizeof(app->sent_by_severity));
    return 0;
}

void ilrs_evs_reset_counters(ilrs_evs_t *evs)
{
    if (evs != NULL) {
        memset(&evs->stats, 0, sizeof(evs->stats));
    }
}

/* ---- log and statistics --------------------------------------------------- */

size_t ilrs_evs_log_count(const ilrs_evs_t *evs)
{
    return evs != NULL ? evs->log_count : 0;
}

int ilrs_evs_log_get(const ilrs_evs_t *evs, size_t index, ilrs_evs_record_t *record)
{
    if (record == NULL) {
        return ILRS_EINVAL;
    }
    if (evs == NULL || index >= evs->log_count) {
        memset(record, 0, sizeof(*record));
        return evs == NULL ? ILRS_EINVAL : ILRS_ERANGE;
    }
    *record = evs->log[(evs->log_head + index) % evs->log_size];
    return 0;
}

void ilrs_evs_log_clear(ilrs_evs_t *evs)
{
    if (evs != NULL) {
        evs->log_head = 0;
        evs->log_count = 0;
    }
}

void ilrs_evs_get_stats(const ilrs_evs_t *evs, ilrs_evs_stats_t *stats)
{
    if (stats == NULL) {
        return;
    }
    memset(stats, 0, sizeof(*stats));
    if (evs == NULL) {
        return;
    }
    *stats = evs->stats;
    stats->log_count = evs->log_count;
    stats->log_size = evs->log_size;
    stats->apps = evs->apps_used;
    stats->memory_bytes = sizeof(*evs) + evs->arena.size;
}

int ilrs_evs_get_app_stats(const ilrs_evs_t *evs, uint16_t app_id, ilrs_evs_app_stats_t *stats)
{
    if (stats == NULL) {
        return ILRS_EINVAL;
    }
    memset(stats, 0, sizeof(*stats));
    const struct evs_app *app = find_app(evs, app_id);
    if (app == NULL) {
        return ILRS_EFSW_APP;
    }
    memcpy(stats->name, app->name, sizeof(stats->name));
    stats->app_id = app->app_id;
    stats->enabled = app->enabled;
    memcpy(stats->severity_enabled, app->severity_enabled, sizeof(stats->severity_enabled));
    stats->filter_count = app->filter_count;
    stats->rate_limit_events = app->rate_events;
    stats->rate_limit_window = app->rate_window;
    stats->sent = app->sent;
    stats->filtered = app->filtered;
    stats->rate_limited = app->rate_limited;
    stats->disabled = app->disabled;
    memcpy(stats->sent_by_severity, app->sent_by_severity, sizeof(stats->sent_by_severity));
    return 0;
}

/* ---- event packet --------------------------------------------------------- */

int ilrs_evs_packet_encode(const ilrs_evs_record_t *record, uint16_t apid, uint8_t *buf, size_t cap,
                           size_t *len)
{
    if (len != NULL) {
        *len = 0;
    }
    if (record == NULL || buf == NULL || len == NULL || !is_valid_severity(record->severity)) {
        return ILRS_EINVAL;
    }
    if (cap < ILRS_EVS_PACKET_LEN) {
        return ILRS_ECCSDS_TOOSMALL;
    }
    /* The ilrs telemetry header (ccsds.h): unsegmented, secondary header flag,
     * sequence count 0, CUC 4+2 time of the event. */
    int rc = ilrs_ccsds_tlm_init(buf, cap, apid, ILRS_EVS_PACKET_LEN, record->time);
    if (rc != 0) {
        return rc;
    }
    memset(buf + ILRS_CCSDS_TLM_HEADER_LEN, 0, ILRS_EVS_PACKET_LEN - ILRS_CCSDS_TLM_HEADER_LEN);
    /* strnlen: the record's strings are NUL-terminated by construction, but a
     * caller-built record may not be; never read past the arrays. */
    memcpy(buf + EVS_PKT_APP_NAME, record->app_name,
           strnlen(record->app_name, ILRS_EVS_APP_NAME_MAX - 1));
    ilrs_put_be16(buf + EVS_PKT_APP_ID, record->app_id);
    ilrs_put_be16(buf + EVS_PKT_EVENT_ID, record->event_id);
    buf[EVS_PKT_SEVERITY] = (uint8_t)record->severity;
    ilrs_put_be32(buf + EVS_PKT_SEQ, (uint32_t)record->seq);
    buf[EVS_PKT_TRUNCATED] = record->truncated ? 1u : 0u;
    memcpy(buf + EVS_PKT_TEXT, record->text, strnlen(record->text, ILRS_EVS_TEXT_MAX - 1));
    *len = ILRS_EVS_PACKET_LEN;
    return 0;
}

_Static_assert(EVS_PKT_APP_ID == EVS_PKT_APP_NAME + ILRS_EVS_APP_NAME_MAX &&
                   EVS_PKT_TEXT + ILRS_EVS_TEXT_MAX == ILRS_EVS_PACKET_LEN,
               "event packet layout and fsw.h disagree");

static const ilrs_dict_enum_t severity_enums[] = {
    {ILRS_EVENT_DEBUG, "DEBUG"},
    {ILRS_EVENT_INFO, "INFO"},
    {ILRS_EVENT_ERROR, "ERROR"},
    {ILRS_EVENT_CRITICAL, "CRITICAL"},
};

static const ilrs_dict_field_t event_packet_fields[] = {
    {.name = "app_name",
     .type = ILRS_DICT_STRING,
     .length = ILRS_EVS_APP_NAME_MAX,
     .description = "name of the app that sent the event"},
    {.name = "app_id", .type = ILRS_DICT_U16, .description = "executive app id"},
    {.name = "event_id", .type = ILRS_DICT_U16, .description = "event number within the app"},
    {.name = "severity",
     .type = ILRS_DICT_U8,
     .description = "event severity",
     .enums = severity_enums,
     .enum_count = sizeof(severity_enums) / sizeof(severity_enums[0])},
    {.name = "seq",
     .type = ILRS_DICT_U32,
     .description = "event sequence number (low 32 bits), gaps mean lost events"},
    {.name = "truncated",
     .type = ILRS_DICT_BOOL,
     .description = "text was cut to fit (last character '$')"},
    {.name = "text",
     .type = ILRS_DICT_STRING,
     .length = ILRS_EVS_TEXT_MAX,
     .description = "formatted event text"},
};

void ilrs_evs_packet_def(uint16_t apid, ilrs_dict_packet_t *def)
{
    if (def == NULL) {
        return;
    }
    memset(def, 0, sizeof(*def));
    def->name = "EVS_EVENT";
    def->apid = apid;
    def->owner = ILRS_DICT_OWNER_STATION;
    def->app = "EVS";
    def->description = "one event message from the event service";
    def->fields = event_packet_fields;
    def->field_count = sizeof(event_packet_fields) / sizeof(event_packet_fields[0]);
    def->length = ILRS_EVS_PACKET_LEN;
}
