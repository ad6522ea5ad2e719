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

/* Write one day's product of one packet; *wrote set when a file was kept. */
static int write_day(ilrs_ground_archive_t *archive, const ilrs_dict_packet_t *def,
                     const char *dir, int64_t day, bool *wrote)
{
    *wrote = false;
    char date[96], name[ILRS_GROUND_FILE_NAME_MAX + 1];
    char path[PATH_CAP], tmp[PATH_CAP];
    utc_text(day * DAY_MS, date, sizeof date);
    date[10] = '\0';
    int n = snprintf(name, sizeof name, "%s_%s.csv", def->name, date);
    if (n < 0 || (size_t)n >= sizeof name || !ilrs_ground_file_name_valid(name, (size_t)n) ||
        snprintf(path, sizeof path, "%s/%s/%s", dir, def->owner, name) >= (int)sizeof path ||
        snprintf(tmp, sizeof tmp, "%s/%s/.%s.tmp", dir, def->owner, name) >= (int)sizeof tmp) {
        ilrs_log(ILRS_LOG_ERROR, MODULE, "files: product name or path too long for %s", def->name);
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
    int64_t start = ilrs_ground_unix_to_archive_ms(day * DAY_MS);
    int64_t end = ilrs_ground_unix_to_archive_ms((day + 1) * DAY_MS) - 1;
    int rc = ilrs_ground_archive_packets(archive, def->owner, def->apid, start, end, product_row,
                                         &pr);
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
                            .created_ms = end};
    rc = ilrs_ground_archive_add_file(archive, &f);
    *wrote = rc == 0;
    return rc;
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
        if (strcmp(def->owner, ILRS_DICT_OWNER_STATION) == 0 ||
            !ilrs_ground_file_name_valid(def->owner, strlen(def->owner))) {
            continue;
        }
        int64_t last_ms = 0;
        rc = ilrs_ground_archive_last_packet_ms(archive, def->apid, &last_ms);
        if (rc == ILRS_ENOENT) {
            rc = 0;
            continue;
        }
        char sub[PATH_CAP];
        if (rc != 0 ||
            snprintf(sub, sizeof sub, "%s/%s", dir, def->owner) >= (int)sizeof sub ||
            (rc = make_dir(sub)) != 0) {
            rc = rc != 0 ? rc : ILRS_EINVAL;
            break;
        }
        int64_t last_unix = ilrs_ground_archive_to_unix_ms(last_ms);
        int64_t last_day = last_unix >= 0 ? last_unix / DAY_MS : (last_unix - DAY_MS + 1) / DAY_MS;
        for (int64_t d = last_day - days + 1; rc == 0 && d <= last_day; d++) {
            bool wrote = false;
            rc = write_day(archive, def, dir, d, &wrote);
            if (wrote && written != NULL) {
                (*written)++;
            }
        }
    }
    int frc = ilrs_ground_archive_flush(archive);
    return rc != 0 ? rc : frc;
}
