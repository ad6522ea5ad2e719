/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hash indexes over the dictionary's entries (names of packets, commands, events and
 * partners; (app, id) of events), so that adding and finding stay O(1) however many
 * entries partners bring: a JSON file with a quarter of a million commands must not
 * take quadratic time to load.
 *
 * Open addressing with linear probing over a power-of-two table kept at most half
 * full; entries are never removed. The table only stores pointers to the immovable
 * entries, so growing it (the only allocation) never moves an entry. Growth is a
 * separate step (reserve) taken before an entry is linked in, so an add that fails
 * leaves every index as it was.
 */
#include <stdlib.h>
#include <string.h>

#include "dict/dict_int.h"

/* FNV-1a, 32 bits (Fowler, Noll, Vo; IETF draft-eastlake-fnv). */
uint32_t ilrs__dict_hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s != '\0'; s++) {
        h ^= (uint8_t)*s;
        h *= 16777619u;
    }
    return h;
}

uint32_t ilrs__dict_hash_event(const char *app, uint16_t id)
{
    uint32_t h = ilrs__dict_hash_str(app);
    h ^= id & 0xFFu;
    h *= 16777619u;
    h ^= id >> 8;
    h *= 16777619u;
    return h;
}

int ilrs__dict_index_reserve(ilrs__dict_index_t *ix)
{
    if ((ix->count + 1) * 2 <= ix->cap) {
        return 0;
    }
    size_t cap = ix->cap == 0 ? 64 : ix->cap * 2;
    const void **slots = calloc(cap, sizeof *slots);
    uint32_t *hashes = calloc(cap, sizeof *hashes);
    if (slots == NULL || hashes == NULL) {
        free(slots);
        free(hashes);
        return ILRS_ENOMEM;
    }
    for (size_t i = 0; i < ix->cap; i++) {
        if (ix->slots[i] == NULL) {
            continue;
        }
        size_t k = ix->hashes[i] & (cap - 1);
        while (slots[k] != NULL) {
            k = (k + 1) & (cap - 1);
        }
        slots[k] = ix->slots[i];
        hashes[k] = ix->hashes[i];
    }
    free(ix->slots);
    free(ix->hashes);
    ix->slots = slots;
    ix->hashes = hashes;
    ix->cap = cap;
    return 0;
}

void ilrs__dict_index_insert(ilrs__dict_index_t *ix, uint32_t hash, const void *item)
{
    /* ilrs__dict_index_reserve() was called: there is a free slot */
    size_t k = hash & (ix->cap - 1);
    while (ix->slots[k] != NULL) {
        k = (k + 1) & (ix->cap - 1);
    }
    ix->slots[k] = item;
    ix->hashes[k] = hash;
    ix->count++;
}

const void *ilrs__dict_index_find(const ilrs__dict_index_t *ix, uint32_t hash,
                                  bool (*match)(const void *item, const void *key), const void *key)
{
    if (ix->cap == 0) {
        return NULL;
    }
    size_t k = hash & (ix->cap - 1);
    while (ix->slots[k] != NULL) {
        if (ix->hashes[k] == hash && match(ix->slots[k], key)) {
            return ix->slots[k];
        }
        k = (k + 1) & (ix->cap - 1);
    }
    return NULL;
}

void ilrs__dict_index_free(ilrs__dict_index_t *ix)
{
    free(ix->slots);
    free(ix->hashes);
    memset(ix, 0, sizeof *ix);
}
