// SPDX-License-Identifier: Apache-2.0
// A bump allocator for init-time allocation (flight code allocates only at init).
#include <stdlib.h>
#include <string.h>

#include "base/base_int.h"

int ilrs_arena_init(ilrs_arena_t *arena, void *buf, size_t size)
{
    if (arena == NULL || size == 0) {
        return ILRS_EINVAL;
    }
    arena->used = 0;
    arena->size = size;
    if (buf != NULL) {
        arena->base = buf;
        arena->owned = false;
        return 0;
    }
    arena->base = malloc(size);
    if (arena->base == NULL) {
        arena->size = 0;
        arena->owned = false;
        return ILRS_ENOMEM;
    }
    arena->owned = true;
    return 0;
}

void ilrs_arena_fini(ilrs_arena_t *arena)
{
    if (arena == NULL) {
        return;
    }
    if (arena->owned) {
        free(arena->base);
    }
    arena->base = NULL;
    arena->size = arena->used = 0;
    arena->owned = false;
}

void *ilrs_arena_alloc(ilrs_arena_t *arena, size_t size, size_t align)
{
    if (arena == NULL || arena->base == NULL || align == 0 || (align & (align - 1)) != 0) {
        return NULL;
    }
    uintptr_t start = (uintptr_t)arena->base + arena->used;
    uintptr_t aligned = (start + (align - 1)) & ~(uintptr_t)(align - 1);
    size_t offset = (size_t)(aligned - (uintptr_t)arena->base);
    size_t end;
    if (ilrs_add_size(offset, size, &end) != 0 || end > arena->size) {
        return NULL;
    }
    arena->used = end;
    void *block = arena->base + offset;
    memset(block, 0, size);
    return block;
}
