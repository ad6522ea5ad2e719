/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private declarations shared by the mission-control server's files:
 * ground_http_api.c (the socket-free router), ground_http_lws.c (the
 * libwebsockets edge: sockets, threads, WebSocket fan-out) and
 * ground_http_memsource.c.
 */
#ifndef ILRS_GROUND_SERVER_INT_H
#define ILRS_GROUND_SERVER_INT_H

#include <pthread.h>
#include <stdio.h>

#include <ilrs/ground_server.h>

#define ILRS__PENDING_MAX 65536 /* samples waiting for the service thread */
#define ILRS__WS_QUEUE_MAX 8192 /* samples waiting for one WebSocket client */

/* One published sample waiting for the service thread. */
typedef struct ilrs__pending {
    char name[2 * ILRS_DICT_NAME_MAX + 2];
    int64_t time_ms;
    double value;
} ilrs__pending_t;

struct ilrs__ws_client; /* ground_http_lws.c */

struct ilrs_ground_server {
    ilrs_ground_server_options_t options;
    char listen_addr[64];
    char web_root[1024];
    char openmct_dist[1024];
    char files_dir[1024];           /* "" when no data products are served */
    char station_name[128];
    const ilrs_dict_t *dict;
    ilrs_ground_users_t *users;
    ilrs_ground_source_t source;

    pthread_mutex_t lock;           /* stats and the pending queue */
    ilrs_ground_server_stats_t stats;
    ilrs__pending_t *pending;       /* ring of ILRS__PENDING_MAX */
    size_t pending_head, pending_count;

    /* libwebsockets edge (ground_http_lws.c); service thread only below. */
    void *lws_context;
    void *mounts;                   /* struct lws_http_mount[3] */
    pthread_t thread;
    bool started;
    volatile int stopping;
    uint16_t port;
    struct ilrs__ws_client *clients; /* linked list of WebSocket clients */
};

/* A WebSocket message from a client, parsed (ilrs__ws_parse in ground_http_api.c). */
typedef enum ilrs__ws_type {
    ILRS__WS_AUTH = 1,
    ILRS__WS_SUBSCRIBE,
    ILRS__WS_UNSUBSCRIBE,
} ilrs__ws_type_t;

typedef struct ilrs__ws_msg {
    ilrs__ws_type_t type;
    bool has_key;
    char token[ILRS_GROUND_TOKEN_LEN + 1]; /* "" when absent or not a token's shape */
    char key[2 * ILRS_DICT_NAME_MAX + 2];
    char error[128];                       /* why the message was refused */
} ilrs__ws_msg_t;

/* Parse one client message: 0, or ILRS_EFORMAT with msg->error set (answer 400). */
int ilrs__ws_parse(const char *text, size_t len, ilrs__ws_msg_t *msg);

/* Longest text of ilrs__format_double() with its NUL. */
#define ILRS__DOUBLE_TEXT_MAX 32
/* A double as a JSON number with the fewest digits that read back (strtod) as
 * exactly @p v (Grisu2, ground_dtoa.c); NaN and infinities as "null". Returns the
 * length written (NUL-terminated). */
size_t ilrs__format_double(double v, char out[ILRS__DOUBLE_TEXT_MAX]);

/* Counts a response status in the stats (takes the lock). */
void ilrs__server_count(ilrs_ground_server_t *server, int status);
/* Owner of a parameter "<PACKET>.<field>", NULL when unknown. */
const char *ilrs__param_owner(const ilrs_dict_t *dict, const char *name,
                              const ilrs_dict_packet_t **packet,
                              const ilrs_dict_field_t **field);
/* True when @p id may read data of @p owner. */
bool ilrs__may_read(const ilrs_ground_identity_t *id, const char *owner);
/* Resolve a bearer token from an Authorization header value or a bare token. */
int ilrs__authenticate(ilrs_ground_server_t *server, const char *authorization,
                       ilrs_ground_identity_t *id);

#endif
