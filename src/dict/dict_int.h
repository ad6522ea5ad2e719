/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private declarations shared by the dictionary's files.
 *
 * Storage design (the invariant every file relies on): each packet, command,
 * event and partner is one separate heap block holding the public struct and the
 * deep copies of its strings and arrays. The dictionary keeps arrays of
 * *pointers* to those blocks; only the pointer arrays are ever reallocated, the
 * blocks themselves never move and are freed only by ilrs_dict_destroy(). This is
 * what lets a partner's payload add packets at run time while the flight apps
 * and the ground keep the pointers they looked up earlier.
 *
 * Lookups by APID are O(1): a 2048-slot table for telemetry, and for commands a
 * 2048-slot table of lazily allocated 128-slot function-code tables.
 */
#ifndef ILRS_DICT_INT_H
#define ILRS_DICT_INT_H

#include <ilrs/ccsds.h>
#include <ilrs/dict.h>

#define ILRS__DICT_APIDS   (ILRS_CCSDS_APID_MAX + 1u)
#define ILRS__DICT_FCODES  128u
#define ILRS__DICT_ERR_MAX 256

/* A growable array of pointers to immovable entries. */
typedef struct ilrs__dict_vec {
    void **items;
    size_t count;
    size_t cap;
} ilrs__dict_vec_t;

/* A hash index of pointers to entries (dict_index.c). */
typedef struct ilrs__dict_index {
    const void **slots;
    uint32_t *hashes;
    size_t cap; /* 0 or a power of two */
    size_t count;
} ilrs__dict_index_t;

uint32_t ilrs__dict_hash_str(const char *s);
uint32_t ilrs__dict_hash_event(const char *app, uint16_t id);
/* Make room for one more entry; ILRS_ENOMEM leaves the index unchanged. */
int ilrs__dict_index_reserve(ilrs__dict_index_t *ix);
/* Insert after a successful reserve (cannot fail). */
void ilrs__dict_index_insert(ilrs__dict_index_t *ix, uint32_t hash, const void *item);
const void *ilrs__dict_index_find(const ilrs__dict_index_t *ix, uint32_t hash,
                                  bool (*match)(const void *item, const void *key),
                                  const void *key);
void ilrs__dict_index_free(ilrs__dict_index_t *ix);

struct ilrs_dict {
    ilrs__dict_vec_t partners; /* ilrs_dict_partner_t * */
    ilrs__dict_vec_t packets;  /* ilrs_dict_packet_t * */
    ilrs__dict_vec_t commands; /* ilrs_dict_command_t * */
    ilrs__dict_vec_t events;   /* ilrs_dict_event_t * */
    const ilrs_dict_packet_t *tlm_by_apid[ILRS__DICT_APIDS];
    ilrs_dict_command_t **cmd_by_apid[ILRS__DICT_APIDS]; /* each NULL or 128 slots */
    ilrs__dict_index_t partner_ids;                      /* ilrs_dict_partner_t by id */
    ilrs__dict_index_t packet_names;                     /* ilrs_dict_packet_t by name */
    ilrs__dict_index_t command_names;                    /* ilrs_dict_command_t by name */
    ilrs__dict_index_t event_names;                      /* ilrs_dict_event_t by name */
    ilrs__dict_index_t event_keys;                       /* ilrs_dict_event_t by (app, id) */
    ilrs_dict_stats_t stats;
};

/* Display name of the built-in operator partner. */
#define ILRS__DICT_STATION_NAME "ILRS station operator"

/*
 * The add functions with a reason: on failure @p err receives a sentence naming
 * the entry and what was wrong (e.g. "packet 'POWER_HK': APID 16 already used by
 * 'THERMAL_HK'"). The public ilrs_dict_add_*() log that sentence.
 */
int ilrs__dict_add_partner(ilrs_dict_t *dict, const ilrs_dict_partner_t *partner, char *err,
                           size_t err_cap);
int ilrs__dict_add_packet(ilrs_dict_t *dict, const ilrs_dict_packet_t *packet,
                          const ilrs_dict_packet_t **stored, char *err, size_t err_cap);
int ilrs__dict_add_command(ilrs_dict_t *dict, const ilrs_dict_command_t *command,
                           const ilrs_dict_command_t **stored, char *err, size_t err_cap);
int ilrs__dict_add_event(ilrs_dict_t *dict, const ilrs_dict_event_t *event, char *err,
                         size_t err_cap);
/* Replace the display name of an existing partner (JSON import of "station"). */
int ilrs__dict_rename_partner(ilrs_dict_t *dict, const char *id, const char *name, char *err,
                              size_t err_cap);

/* True for [A-Za-z][A-Za-z0-9_]* shorter than ILRS_DICT_NAME_MAX. */
bool ilrs__dict_name_ok(const char *name);
/* True for valid UTF-8 without control characters other than tab and newline. */
bool ilrs__dict_text_ok(const char *text);
/* The same over @p len octets (no terminator needed; a NUL octet is rejected). */
bool ilrs__dict_text_ok_n(const char *text, size_t len);
bool ilrs__dict_type_is_int(ilrs_dict_type_t type);
bool ilrs__dict_type_is_float(ilrs_dict_type_t type);
bool ilrs__dict_type_is_signed(ilrs_dict_type_t type);
/* Parse a JSON type name; returns ILRS_DICT_TYPE_COUNT when unknown. */
ilrs_dict_type_t ilrs__dict_type_parse(const char *name);
/* Smallest and largest value an integer type holds (as doubles, u64/i64 rounded). */
void ilrs__dict_type_bounds(ilrs_dict_type_t type, double *lo, double *hi);
/* True when @p value fits integer type @p type exactly. */
bool ilrs__dict_int_fits(ilrs_dict_type_t type, int64_t value);

/* Format "{OFF=0,ON=1,...}" into buf, cut with "..." when too long. */
void ilrs__dict_format_enums(const ilrs_dict_field_t *field, char *buf, size_t cap);
/* printf into a fixed buffer; never overflows, always terminated when cap > 0. */
void ilrs__dict_errf(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Canonical JSON text (malloc'd, NUL-terminated) or NULL on allocation failure. */
char *ilrs__dict_json_text(const ilrs_dict_t *dict, size_t *len);

#endif
