// SPDX-License-Identifier: Apache-2.0
// The ground's ingest for the station run: the one seam between the run and
// the ground archive (include/ilrs/ground.h). Every telemetry packet that
// reaches the ground is archived (parameters decoded through the dictionary,
// each row with its owning partner); an event packet is also entered as an
// event row, decoded from its layout (fsw.h, ILRS_EVS_PACKET_LEN).
//
// The ground is its own thread (ARCHITECTURE.md: threads only at the edges,
// the ground among them): the run loop hands each arriving packet to a FIFO and
// goes on; one writer thread drains the FIFO in order, so the archive's content
// and file are the same as if written inline (determinism). The ground knows
// the station only through its dictionary: the writer works on its own copy,
// parsed from the station dictionary's JSON, never touching flight memory.
//
// Hand-over cost: the run makes tens of packets a simulated second, so waking
// the writer for each (a futex call and a context switch, both ways) cost more
// than the archive itself. The run wakes a waiting writer only when WAKE_BYTES
// have queued, or at a flush (end of a simulated day, sync, close); the writer
// takes every queued entry in one locked copy (up to BATCH_BYTES) and signals
// the run only if it is waiting for room. Order and content are unchanged.
//
// Flush policy: the archive commits every simulated day of data time (the
// archive's commit_interval; hourly commits rewrote the open segments of every
// parameter 24 times a day and cost a third of a year's run) and on every flush
// request (the run asks daily and at the end), so a run killed midway leaves a
// readable archive of everything up to the last simulated day.
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/ccsds.h>
#include <ilrs/ground.h>

#include "station/station_int.h"

#define FIFO_BYTES  ((size_t)8 << 20)
#define ENTRY_HEAD  12u                 /* u32 length (0 = flush marker), i64 receive time */
#define WAKE_BYTES  ((size_t)256 << 10) /* queued bytes that wake an idle writer */
#define BATCH_BYTES ((size_t)1 << 20)   /* most bytes the writer takes at once */

struct station_archive {
    ilrs_ground_archive_t *ar;
    ilrs_dict_t *dict; /* the ground's copy */
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full, idle;
    uint8_t *fifo;
    size_t head, used;
    bool stop, busy;
    bool writer_waiting, run_waiting; /* who sleeps on not_empty / not_full */
    uint64_t accepted, rejected;
    int error; /* first database error */
};

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void fifo_copy_out(const station_archive_t *a, size_t off, void *dst, size_t n)
{
    size_t at = (a->head + off) % FIFO_BYTES;
    size_t first = n < FIFO_BYTES - at ? n : FIFO_BYTES - at;
    memcpy(dst, a->fifo + at, first);
    memcpy((uint8_t *)dst + first, a->fifo, n - first);
}

static void fifo_copy_in(station_archive_t *a, const void *src, size_t n)
{
    size_t at = (a->head + a->used) % FIFO_BYTES;
    size_t first = n < FIFO_BYTES - at ? n : FIFO_BYTES - at;
    memcpy(a->fifo + at, src, first);
    memcpy(a->fifo, (const uint8_t *)src + first, n - first);
    a->used += n;
}

static int ingest(station_archive_t *a, const uint8_t *pkt, size_t len, ilrs_tai_t receive)
{
    int rc = ilrs_ground_archive_ingest(a->ar, a->dict, pkt, len, receive);
    if (rc != 0 || len != ILRS_EVS_PACKET_LEN || ilrs_ccsds_get_apid(pkt) != ILRS_FSW_APID_EVENTS) {
        return rc;
    }
    char app[ILRS_EVS_APP_NAME_MAX], text[ILRS_EVS_TEXT_MAX];
    memcpy(app, pkt + 12, sizeof app);
    app[sizeof app - 1] = '\0';
    memcpy(text, pkt + 42, sizeof text);
    text[sizeof text - 1] = '\0';
    ilrs_tai_t t = receive;
    (void)ilrs_ccsds_tlm_get_time(pkt, len, &t);
    ilrs_ground_event_t ev = {.time = t,
                              .owner = NULL,
                              .app = app,
                              .id = be16(pkt + 34),
                              .name = NULL,
                              .severity = pkt[36],
                              .message = text};
    return ilrs_ground_archive_add_event(a->ar, a->dict, &ev);
}

static void *writer(void *arg)
{
    station_archive_t *a = arg;
    uint8_t *batch = malloc(BATCH_BYTES);
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (a->used == 0 && !a->stop) {
            a->busy = false;
            pthread_cond_broadcast(&a->idle);
            a->writer_waiting = true;
            pthread_cond_wait(&a->not_empty, &a->mu);
            a->writer_waiting = false;
        }
        if (a->used == 0 && a->stop) {
            break;
        }
        a->busy = true;
        /* take whole entries, at least one, up to BATCH_BYTES */
        size_t taken = 0;
        while (a->used > 0) {
            uint8_t head[ENTRY_HEAD];
            fifo_copy_out(a, 0, head, ENTRY_HEAD);
            uint32_t len;
            memcpy(&len, head, 4);
            size_t n = ENTRY_HEAD + len;
            if (batch == NULL || taken + n > BATCH_BYTES) {
                break;
            }
            fifo_copy_out(a, 0, batch + taken, n);
            taken += n;
            a->head = (a->head + n) % FIFO_BYTES;
            a->used -= n;
        }
        if (taken == 0) { /* no batch buffer: drop one entry, counted below */
            uint8_t head[ENTRY_HEAD];
            fifo_copy_out(a, 0, head, ENTRY_HEAD);
            uint32_t len;
            memcpy(&len, head, 4);
            a->head = (a->head + ENTRY_HEAD + len) % FIFO_BYTES;
            a->used -= ENTRY_HEAD + len;
            if (a->error == 0) {
                a->error = ILRS_ENOMEM;
            }
        }
        if (a->run_waiting) {
            pthread_cond_signal(&a->not_full);
        }
        pthread_mutex_unlock(&a->mu);
        uint64_t accepted = 0, rejected = 0;
        int error = 0;
        for (size_t off = 0; off < taken;) {
            uint32_t len;
            int64_t t;
            memcpy(&len, batch + off, 4);
            memcpy(&t, batch + off + 4, 8);
            const uint8_t *pkt = batch + off + ENTRY_HEAD;
            off += ENTRY_HEAD + len;
            int rc =
                len == 0 ? ilrs_ground_archive_flush(a->ar) : ingest(a, pkt, len, (ilrs_tai_t)t);
            if (len > 0 && rc == 0) {
                accepted++;
            } else if (len > 0 && rc != ILRS_EGROUND_DB && rc != ILRS_ENOMEM) {
                rejected++; /* counted and stored by the archive as a rejected packet */
            } else if (rc != 0 && error == 0) {
                error = rc;
            }
        }
        pthread_mutex_lock(&a->mu);
        a->accepted += accepted;
        a->rejected += rejected;
        if (error != 0 && a->error == 0) {
            a->error = error;
        }
    }
    a->busy = false;
    pthread_cond_broadcast(&a->idle);
    pthread_mutex_unlock(&a->mu);
    free(batch);
    return NULL;
}

int ilrs__station_archive_open(const char *path, const ilrs_dict_t *station_dict,
                               station_archive_t **out)
{
    *out = NULL;
    station_archive_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->not_empty, NULL);
    pthread_cond_init(&a->not_full, NULL);
    pthread_cond_init(&a->idle, NULL);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    int rc = mem == NULL ? ILRS_ENOMEM : ilrs_dict_write_json(station_dict, mem);
    if (mem != NULL && fclose(mem) != 0 && rc == 0) {
        rc = ILRS_EIO;
    }
    char error[256] = "";
    if (rc == 0) {
        rc = ilrs_dict_parse_json(text, len, &a->dict, error, sizeof error);
        if (rc != 0) {
            ilrs_log(ILRS_LOG_ERROR, "station", "station dictionary does not reload: %s", error);
        }
    }
    free(text);
    ilrs_ground_archive_options_t o = {.segment_samples = 1024,
                                       .commit_samples = 1u << 20,
                                       .commit_interval = (ilrs_tai_t)86400 * 1000000000};
    if (rc == 0) {
        rc = ilrs_ground_archive_open(path, &o, &a->ar);
    }
    if (rc == 0) {
        a->fifo = malloc(FIFO_BYTES);
        rc = a->fifo == NULL ? ILRS_ENOMEM : 0;
    }
    if (rc == 0) {
        rc = pthread_create(&a->thread, NULL, writer, a) == 0 ? 0 : ILRS_ENOMEM;
        a->started = rc == 0;
    }
    if (rc != 0) {
        ilrs__station_archive_close(a);
        return rc;
    }
    *out = a;
    return 0;
}

static int enqueue(station_archive_t *a, const uint8_t *pkt, size_t len, ilrs_tai_t receive)
{
    if (len > 0xFFFFu) {
        return ILRS_EINVAL;
    }
    uint8_t head[ENTRY_HEAD];
    uint32_t l = (uint32_t)len;
    int64_t t = receive;
    memcpy(head, &l, 4);
    memcpy(head + 4, &t, 8);
    pthread_mutex_lock(&a->mu);
    while (a->used + ENTRY_HEAD + len > FIFO_BYTES) {
        if (a->writer_waiting) {
            pthread_cond_signal(&a->not_empty);
        }
        a->run_waiting = true;
        pthread_cond_wait(&a->not_full, &a->mu);
        a->run_waiting = false;
    }
    fifo_copy_in(a, head, ENTRY_HEAD);
    if (len > 0) {
        fifo_copy_in(a, pkt, len);
    }
    a->busy = true;
    int rc = a->error;
    if (a->writer_waiting && (len == 0 || a->used >= WAKE_BYTES)) {
        pthread_cond_signal(&a->not_empty);
    }
    pthread_mutex_unlock(&a->mu);
    return rc;
}

int ilrs__station_archive_packet(station_archive_t *a, const uint8_t *pkt, size_t len,
                                 ilrs_tai_t receive)
{
    return len == 0 ? ILRS_EINVAL : enqueue(a, pkt, len, receive);
}

int ilrs__station_archive_flush(station_archive_t *a)
{
    return enqueue(a, NULL, 0, 0);
}

int ilrs__station_archive_sync(station_archive_t *a)
{
    int rc = ilrs__station_archive_flush(a);
    pthread_mutex_lock(&a->mu);
    while (a->used > 0 || a->busy) {
        pthread_cond_wait(&a->idle, &a->mu);
    }
    if (rc == 0) {
        rc = a->error;
    }
    pthread_mutex_unlock(&a->mu);
    return rc;
}

void ilrs__station_archive_close(station_archive_t *a)
{
    if (a == NULL) {
        return;
    }
    if (a->started) {
        pthread_mutex_lock(&a->mu);
        a->stop = true;
        pthread_cond_signal(&a->not_empty);
        pthread_mutex_unlock(&a->mu);
        pthread_join(a->thread, NULL);
    }
    ilrs_ground_archive_close(a->ar);
    ilrs_dict_destroy(a->dict);
    free(a->fifo);
    pthread_cond_destroy(&a->idle);
    pthread_cond_destroy(&a->not_full);
    pthread_cond_destroy(&a->not_empty);
    pthread_mutex_destroy(&a->mu);
    free(a);
}

uint64_t ilrs__station_archive_accepted(station_archive_t *a)
{
    pthread_mutex_lock(&a->mu);
    uint64_t n = a->accepted;
    pthread_mutex_unlock(&a->mu);
    return n;
}

int ilrs__station_archive_command(station_archive_t *a, const uint8_t *pkt, size_t len,
                                  ilrs_tai_t time, const char *issuer, int result)
{
    // Commands are rare (the scenario's timeline): wait until the writer has
    // archived everything handed so far, then record the command in the
    // history from this thread while the writer idles (the lock keeps it so).
    // The writer sleeps until WAKE_BYTES are queued: wake it for what is there.
    pthread_mutex_lock(&a->mu);
    while (a->used > 0 || a->busy) {
        if (a->writer_waiting) {
            pthread_cond_signal(&a->not_empty);
        }
        pthread_cond_wait(&a->idle, &a->mu);
    }
    int64_t id = 0;
    int rc = ilrs_ground_archive_add_command(a->ar, a->dict, pkt, len, time, issuer, &id);
    if (rc == 0) {
        rc = ilrs_ground_archive_update_command(a->ar, id, ILRS_GROUND_CMD_SENT, time, "");
    }
    if (rc == 0) {
        rc = ilrs_ground_archive_update_command(
            a->ar, id, result == 0 ? ILRS_GROUND_CMD_ACCEPTED : ILRS_GROUND_CMD_FAILED, time,
            result == 0 ? "" : ilrs_strerror(result));
    }
    if (rc != 0 && a->error == 0) {
        a->error = rc;
    }
    pthread_mutex_unlock(&a->mu);
    return rc;
}
