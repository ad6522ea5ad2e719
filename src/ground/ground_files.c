/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Partners' data products: files the ground writes from what it archived, and
 * their catalog (the data_file table of the archive, ground_archive.c).
 *
 * One product per partner payload packet per UTC day: files/<partner>/
 * <PACKET>_<YYYY-MM-DD>.csv, CSV as in RFC 4180 (comma separated, text fields
 * quoted with '"' doubled) except that lines end in LF rather than CRLF, with a
 * header row "time_utc,time_ms,<field>..." and one row per
 * archived packet: integers exactly, floats as engineering values in the
 * shortest digits that read back exactly (ilrs__format_double), strings quoted,
 * bytes in hex. Content and catalog depend on the archive only, so writing the
 * products twice gives identical files (docs/ground.md, "Data products").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "ground/ground_server_int.h"

#define MODULE   "ground"
#define DAY_MS   INT64_C(86400000)
#define PATH_CAP 4096

bool ilrs_ground_file_name_valid(const char *name, size_t len)
{
    if (name == NULL || len == 0 || len > ILRS_GROUND_FILE_NAME_MAX || name[0] == '.') {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c == '.';
        if (!ok || (c == '.' && i + 1 < len && name[i + 1] == '.')) {
            return false;
        }
    }
    return true;
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        ilrs_log(ILRS_LOG_ERROR, MODULE, "files: cannot create %s: %s", path, strerror(errno));
        return ILRS_EIO;
    }
    return 0;
}

/* A CSV writer hashing what it writes. */
typedef struct product {
    FILE *out;
    crypto_hash_sha256_state sha;
    const ilrs_dict_packet_t *def;
    int64_t size;
    size_t rows;
    int64_t first_ms, last_ms; /* archive ms */
    bool failed;
} product_t;

static void put(product_t *pr, const char *s, size_t n)
{
    if (pr->failed || n == 0) {
        return;
    }
    if (fwrite(s, 1, n, pr->out) != n) {
        pr->failed = true;
        return;
    }
    crypto_hash_sha256_update(&pr->sha, (const unsigned char *)s, n);
    pr->size += (int64_t)n;
}

static void puts_(product_t *pr, const char *s)
{
    put(pr, s, strlen(s));
}

static bool calibrated(const ilrs_dict_field_t *f)
{
    return f->cal_offset != 0.0 || (f->cal_scale != 0.0 && f->cal_scale != 1.0);
}

static void put_field(product_t *pr, const ilrs_dict_field_t *f, const uint8_t *pkt, size_t len)
{
    char text[64];
    if (f->type == ILRS_DICT_STRING || f->type == ILRS_DICT_BYTES) {
        if (f->offset + f->length > len) {
            return;
        }
        const uint8_t *b = pkt + f->offset;
        if (f->type == ILRS_DICT_BYTES) {
            for (uint16_t i = 0; i < f->length; i++) {
                snprintf(text, sizeof text, "%02x", b[i]);
                put(pr, text, 2);
            }
            return;
        }
        put(pr, "\"", 1);
        for (uint16_t i = 0; i < f->length && b[i] != 0; i++) {
            char c = (char)(b[i] >= 0x20 && b[i] < 0x7F ? b[i] : '?');
            put(pr, c == '"' ? "\"\"" : &c, c == '"' ? 2 : 1);
        }
        put(pr, "\"", 1);
        return;
    }
    bool is_float = f->type == ILRS_DICT_F32 || f->type == ILRS_DICT_F64;
    if (!is_float && !calibrated(f)) {
        int64_t v = 0;
        if (ilrs_dict_get_int(f, pkt, len, &v) != 0) {
            return;
        }
        int n = f->type == ILRS_DICT_U64 ? snprintf(text, sizeof text, "%" PRIu64, (uint64_t)v)
                                         : snprintf(text, sizeof text, "%" PRId64, v);
        put(pr, text, (size_t)n);
        return;
    }
    double raw = 0.0;
    if (ilrs_dict_get_raw(f, pkt, len, &raw) != 0) {
        return;
    }
    double v = ilrs_dict_calibrate(f, raw);
    if (v == v && v - v == 0.0) { /* finite; NaN and infinities leave the cell empty */
        put(pr, text, ilrs__format_double(v, text));
    }
}

static void utc_text(int64_t unix_ms, char *out, size_t cap)
{
    time_t secs = (time_t)(unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000);
    int ms = (int)(unix_ms - (int64_t)secs * 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

static int product_row(void *user, const ilrs_ground_packet_t *p)
{
    product_t *pr = user;
    const ilrs_dict_packet_t *def = pr->def;
    if (p->len < def->length) {
        return 0; /* archived under an older dictionary: not this layout */
    }
    char text[96];
    int64_t unix_ms = ilrs_ground_archive_to_unix_ms(p->time_ms);
    utc_text(unix_ms, text, sizeof text);
    puts_(pr, text);
    int n = snprintf(text, sizeof text, ",%" PRId64, unix_ms);
    put(pr, text, (size_t)n);
    for (size_t i = 0; i < def->field_count; i++) {
        put(pr, ",", 1);
        put_field(pr, &def->fields[i], p->data, p->len);
    }
    put(pr, "\n", 1);
    if (pr->rows == 0) {
        pr->first_ms = p->time_ms;
    }
    pr->last_ms = p->time_ms;
    pr->rows++;
    return pr->failed ? ILRS_EIO : 0;
}

static int64_t floor_day(int64_t unix_ms)
{
    return unix_ms >= 0 ? unix_ms / DAY_MS : (unix_ms - DAY_MS + 1) / DAY_MS;
}

/* A product's file name: <PACKET>_<YYYY-MM-DD>.csv, re-issues _v<N> before ".csv". */
static int product_name(const ilrs_dict_packet_t *def, int64_t day, int version, char *name,
                        size_t cap)
{
    char date[96];
    utc_text(day * DAY_MS, date, sizeof date);
    date[10] = '\0';
    int n = version <= 1 ? snprintf(name, cap, "%s_%s.csv", def->name, date)
                         : snprintf(name, cap, "%s_%s_v%d.csv", def->name, date, version);
    if (n < 0 || (size_t)n >= cap || !ilrs_ground_file_name_valid(name, (size_t)n)) {
        ilrs_log(ILRS_LOG_ERROR, MODULE, "files: product name too long for %s", def->name);
        return ILRS_EINVAL;
    }
    return 0;
}

/* Archive ms of the first and last millisecond of UTC day @p day. */
static void day_range(int64_t day, int64_t *start, int64_t *end)
{
    *start = ilrs_ground_unix_to_archive_ms(day * DAY_MS);
    *end = ilrs_ground_unix_to_archive_ms((day + 1) * DAY_MS) - 1;
}

/*
 * Write version @p version (1: the plain name) of one day's product of one packet
 * and catalog it with @p created_ms (archive ms; <= 0: the day's end). *rows gets
 * the rows written; *wrote is set when a file was kept (a day without packets
 * gets none).
 */
static int write_day(ilrs_ground_archive_t *archive, const ilrs_dict_packet_t *def,
                     const char *dir, int64_t day, int version, int64_t created_ms, bool *wrote,
                     size_t *rows)
{
    *wrote = false;
    *rows = 0;
    char name[ILRS_GROUND_FILE_NAME_MAX + 1];
    char path[PATH_CAP], tmp[PATH_CAP];
    int rc = product_name(def, day, version, name, sizeof name);
    if (rc != 0) {
        return rc;
    }
    if (snprintf(path, sizeof path, "%s/%s/%s", dir, def->owner, name) >= (int)sizeof path ||
        snprintf(tmp, sizeof tmp, "%s/%s/.%s.tmp", dir, def->owner, name) >= (int)sizeof tmp) {
        ilrs_log(ILRS_LOG_ERROR, MODULE, "files: product path too long for %s", def->name);
        return ILRS_EINVAL;
    }
    product_t pr = {.def = def};
    pr.out = fopen(tmp, "wb");
    if (pr.out == NULL) {
        ilrs_log(ILRS_LOG_ERROR, MODULE, "files: cannot write %s: %s", tmp, strerror(errno));
        return ILRS_EIO;
    }
    crypto_hash_sha256_init(&pr.sha);
    puts_(&pr, "time_utc,time_ms");
    for (size_t i = 0; i < def->field_count; i++) {
        put(&pr, ",", 1);
        puts_(&pr, def->fields[i].name);
    }
    put(&pr, "\n", 1);
    int64_t start = 0, end = 0;
    day_range(day, &start, &end);
    rc = ilrs_ground_archive_packets(archive, def->owner, def->apid, start, end, product_row, &pr);
    if (fclose(pr.out) != 0) {
        pr.failed = true;
    }
    if (rc == 0 && pr.failed) {
        rc = ILRS_EIO;
        ilrs_log(ILRS_LOG_ERROR, MODULE, "files: cannot write %s", tmp);
    }
    if (rc != 0 || pr.rows == 0) {
        remove(tmp);
        return rc;
    }
    if (rename(tmp, path) != 0) {
        ilrs_log(ILRS_LOG_ERROR, MODULE, "files: cannot rename %s: %s", tmp, strerror(errno));
        remove(tmp);
        return ILRS_EIO;
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256_final(&pr.sha, digest);
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    ilrs_ground_file_t f = {.partner = def->owner,
                            .name = name,
                            .payload = def->name,
                            .size = pr.size,
                            .sha256 = hex,
                            .start_ms = pr.first_ms,
                            .end_ms = pr.last_ms,
                            .created_ms = created_ms > 0 ? created_ms : end};
    rc = ilrs_ground_archive_add_file(archive, &f);
    *wrote = rc == 0;
    *rows = pr.rows;
    return rc;
}

/* A partner's packet whose owner id can name a directory; the station gets no products. */
static bool partner_packet(const ilrs_dict_packet_t *def)
{
    return strcmp(def->owner, ILRS_DICT_OWNER_STATION) != 0 &&
           ilrs_ground_file_name_valid(def->owner, strlen(def->owner));
}

static int make_partner_dir(const char *dir, const char *owner)
{
    char sub[PATH_CAP];
    if (snprintf(sub, sizeof sub, "%s/%s", dir, owner) >= (int)sizeof sub) {
        return ILRS_EINVAL;
    }
    return make_dir(sub);
}

int ilrs_ground_files_write(ilrs_ground_archive_t *archive, const ilrs_dict_t *dict,
                            const char *dir, int days, size_t *written)
{
    if (written != NULL) {
        *written = 0;
    }
    if (archive == NULL || dict == NULL || dir == NULL || dir[0] == '\0' || days < 0) {
        return ILRS_EINVAL;
    }
    if (days == 0) {
        days = ILRS_GROUND_FILES_DAYS;
    }
    if (sodium_init() < 0) {
        return ILRS_EGROUND_CRYPTO;
    }
    int rc = make_dir(dir);
    for (size_t i = 0; rc == 0 && i < ilrs_dict_packet_count(dict); i++) {
        const ilrs_dict_packet_t *def = ilrs_dict_packet_at(dict, i);
        if (!partner_packet(def)) {
            continue;
        }
        int64_t last_ms = 0;
        rc = ilrs_ground_archive_last_packet_ms(archive, def->apid, &last_ms);
        if (rc == ILRS_ENOENT) {
            rc = 0;
            continue;
        }
        if (rc != 0 || (rc = make_partner_dir(dir, def->owner)) != 0) {
            break;
        }
        int64_t last_day = floor_day(ilrs_ground_archive_to_unix_ms(last_ms));
        for (int64_t d = last_day - days + 1; rc == 0 && d <= last_day; d++) {
            bool wrote = false;
            size_t rows = 0;
            rc = write_day(archive, def, dir, d, 1, 0, &wrote, &rows);
            if (wrote && written != NULL) {
                (*written)++;
            }
        }
    }
    int frc = ilrs_ground_archive_flush(archive);
    return rc != 0 ? rc : frc;
}

/* ---- live products (ilrs ground): each day once complete, re-issues for late packets -- */

/* What has been issued of one packet's day: the newest version and its rows. */
typedef struct issued {
    uint16_t apid;
    int64_t day;
    int version;  /* 0: nothing issued yet */
    size_t rows;  /* rows of the newest version; SIZE_MAX: unknown (file missing) */
} issued_t;

struct ilrs_ground_files_producer {
    const ilrs_dict_t *dict;
    char dir[PATH_CAP];
    int64_t settle_ms;
    int days;
    issued_t *issued;
    size_t count, cap;
};

int ilrs_ground_files_producer_create(const ilrs_dict_t *dict, const char *dir,
                                      const ilrs_ground_files_options_t *options,
                                      ilrs_ground_files_producer_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (dict == NULL || dir == NULL || dir[0] == '\0' || out == NULL ||
        strlen(dir) >= PATH_CAP - 2 * ILRS_GROUND_FILE_NAME_MAX - 8 ||
        (options != NULL && (options->settle_ms < 0 || options->days < 0))) {
        return ILRS_EINVAL;
    }
    if (sodium_init() < 0) {
        return ILRS_EGROUND_CRYPTO;
    }
    ilrs_ground_files_producer_t *p = calloc(1, sizeof *p);
    if (p == NULL) {
        return ILRS_ENOMEM;
    }
    p->dict = dict;
    snprintf(p->dir, sizeof p->dir, "%s", dir);
    p->settle_ms = options != NULL && options->settle_ms > 0 ? options->settle_ms
                                                             : ILRS_GROUND_FILES_SETTLE_MS;
    p->days = options != NULL && options->days > 0 ? options->days : ILRS_GROUND_FILES_DAYS;
    *out = p;
    return 0;
}

void ilrs_ground_files_producer_destroy(ilrs_ground_files_producer_t *producer)
{
    if (producer != NULL) {
        free(producer->issued);
        free(producer);
    }
}

static int found_file(void *user, const ilrs_ground_file_t *f)
{
    (void)f;
    *(bool *)user = true;
    return 0;
}

/* Data rows of a product on disk (lines after the header), SIZE_MAX when unreadable. */
static size_t file_rows(const char *path)
{
    FILE *in = fopen(path, "rb");
    if (in == NULL) {
        return SIZE_MAX;
    }
    size_t lines = 0;
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        for (size_t i = 0; i < n; i++) {
            lines += buf[i] == '\n';
        }
    }
    bool bad = ferror(in) != 0;
    fclose(in);
    return bad || lines == 0 ? SIZE_MAX : lines - 1;
}

/* The state of (packet, day): from memory, else rebuilt from the catalog and the
 * newest version's file (a restarted ground continues where it stopped). */
static int issued_of(ilrs_ground_files_producer_t *p, ilrs_ground_archive_t *archive,
                     const ilrs_dict_packet_t *def, int64_t day, issued_t **out)
{
    for (size_t i = 0; i < p->count; i++) {
        if (p->issued[i].apid == def->apid && p->issued[i].day == day) {
            *out = &p->issued[i];
            return 0;
        }
    }
    issued_t st = {.apid = def->apid, .day = day};
    char name[ILRS_GROUND_FILE_NAME_MAX + 1];
    for (int v = 1; v < 10000; v++) {
        bool found = false;
        int rc = product_name(def, day, v, name, sizeof name);
        if (rc == 0) {
            rc = ilrs_ground_archive_files(archive, def->owner, name, found_file, &found);
        }
        if (rc != 0) {
            return rc;
        }
        if (!found) {
            break;
        }
        st.version = v;
    }
    if (st.version > 0) {
        char path[PATH_CAP];
        (void)product_name(def, day, st.version, name, sizeof name);
        int n = snprintf(path, sizeof path, "%s/%s/%s", p->dir, def->owner, name);
        st.rows = n > 0 && (size_t)n < sizeof path ? file_rows(path) : SIZE_MAX;
        if (st.rows == SIZE_MAX) {
            ilrs_log(ILRS_LOG_WARN, MODULE,
                     "files: %s is catalogued but unreadable; no re-issue of that day", path);
        }
    }
    if (p->count == p->cap) {
        size_t cap = p->cap != 0 ? 2 * p->cap : 64;
        issued_t *grown = realloc(p->issued, cap * sizeof *grown);
        if (grown == NULL) {
            return ILRS_ENOMEM;
        }
        p->issued = grown;
        p->cap = cap;
    }
    p->issued[p->count] = st;
    *out = &p->issued[p->count++];
    return 0;
}

/* Forget days that left the window (they are never looked at again). */
static void prune(ilrs_ground_files_producer_t *p, int64_t first_day)
{
    size_t k = 0;
    for (size_t i = 0; i < p->count; i++) {
        if (p->issued[i].day >= first_day) {
            p->issued[k++] = p->issued[i];
        }
    }
    p->count = k;
}

typedef struct counter {
    const ilrs_dict_packet_t *def;
    size_t rows;
} counter_t;

static int count_row(void *user, const ilrs_ground_packet_t *pk)
{
    counter_t *c = user;
    c->rows += pk->len >= c->def->length; /* the rows product_row would write */
    return 0;
}

/* The data-time watermark: the newest generation time archived, over every packet. */
static int watermark(ilrs_ground_archive_t *archive, const ilrs_dict_t *dict, bool *any,
                     int64_t *newest)
{
    *any = false;
    *newest = 0;
    for (size_t i = 0; i < ilrs_dict_packet_count(dict); i++) {
        int64_t ms = 0;
        int rc = ilrs_ground_archive_last_packet_ms(archive, ilrs_dict_packet_at(dict, i)->apid,
                                                    &ms);
        if (rc == ILRS_ENOENT) {
            continue;
        }
        if (rc != 0) {
            return rc;
        }
        if (!*any || ms > *newest) {
            *newest = ms;
        }
        *any = true;
    }
    return 0;
}

int ilrs_ground_files_produce(ilrs_ground_files_producer_t *p, ilrs_ground_archive_t *archive,
                              bool recheck, ilrs_ground_files_report_t *report)
{
    ilrs_ground_files_report_t r = {0};
    if (report != NULL) {
        *report = r;
    }
    if (p == NULL || archive == NULL) {
        return ILRS_EINVAL;
    }
    bool any = false;
    int64_t newest = 0;
    int rc = watermark(archive, p->dict, &any, &newest);
    if (rc != 0 || !any) {
        return rc;
    }
    r.watermark_ms = newest;
    /* Day d is complete when the watermark passed its end by the settle margin. */
    int64_t last_day = floor_day(ilrs_ground_archive_to_unix_ms(newest) - p->settle_ms) - 1;
    int64_t first_day = last_day - p->days + 1;
    r.last_complete_day_ms = last_day * DAY_MS;
    prune(p, first_day);
    rc = make_dir(p->dir);
    for (size_t i = 0; rc == 0 && i < ilrs_dict_packet_count(p->dict); i++) {
        const ilrs_dict_packet_t *def = ilrs_dict_packet_at(p->dict, i);
        if (!partner_packet(def)) {
            continue;
        }
        for (int64_t d = first_day; rc == 0 && d <= last_day; d++) {
            issued_t *st = NULL;
            if ((rc = issued_of(p, archive, def, d, &st)) != 0) {
                break;
            }
            if (st->version > 0 && (!recheck || st->rows == SIZE_MAX)) {
                continue;
            }
            /* Count first: a day without packets costs one empty range query, no file. */
            counter_t c = {.def = def};
            int64_t start = 0, end = 0;
            day_range(d, &start, &end);
            rc = ilrs_ground_archive_packets(archive, def->owner, def->apid, start, end, count_row,
                                             &c);
            if (rc != 0 || c.rows == 0 || (st->version > 0 && c.rows <= st->rows)) {
                continue;
            }
            if (st->version > 0) {
                r.late_rows += c.rows - st->rows;
            }
            if ((rc = make_partner_dir(p->dir, def->owner)) != 0) {
                break;
            }
            int version = st->version + 1;
            bool wrote = false;
            size_t rows = 0;
            rc = write_day(archive, def, p->dir, d, version, version > 1 ? newest : 0, &wrote,
                           &rows);
            if (wrote) {
                /* Commit each product at once: a second handle on SQLite holds the
                 * database's write lock from the catalog insert to the commit, and
                 * ingest must not wait while the next product is written. */
                if ((rc = ilrs_ground_archive_flush(archive)) != 0) {
                    break;
                }
                st->version = version;
                st->rows = rows;
                if (version > 1) {
                    char name[ILRS_GROUND_FILE_NAME_MAX + 1];
                    (void)product_name(def, d, version, name, sizeof name);
                    r.reissued++;
                    ilrs_log(ILRS_LOG_INFO, MODULE, "files: late packets: re-issued %s/%s (%zu rows)",
                             def->owner, name, rows);
                } else {
                    r.written++;
                }
            }
        }
    }
    if (report != NULL) {
        *report = r;
    }
    return rc;
}
