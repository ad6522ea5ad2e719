// SPDX-License-Identifier: Apache-2.0
// The flight software bus: CCSDS packets routed by message ID to bounded pipes,
// with copy and zero-copy publish, fan-out by reference counting, and pooled
// buffers. In the tradition of cFE's Software Bus, but single-threaded and
// lock-free by construction. Depends on base (arena, log) and the inline CCSDS
// header accessors only.
//
// Design notes
// ------------
// Everything lives in one block allocated by ilrs_bus_create() (an ilrs arena):
// the bus itself, the route table, pipes with their rings, the subscription pool
// and the buffer pools. Nothing is allocated afterwards, so the flight core's
// memory is fixed once it starts and every limit shows up as a counted drop or a
// status code, never as an allocation failure.
//
// Route table: one entry per message ID (4096), direct-indexed by the ID taken
// from the packet header. An entry heads a singly linked list, through indices
// into the subscription pool, of the subscriptions of that ID in the order they
// were made. A publish walks that list once.
//
// Subscriptions: pool records linked twice, into their route's list and into
// their pipe's list (so deleting a pipe finds its subscriptions without scanning
// the table). A record counts how many messages of its ID its pipe holds, which
// is what the per-pipe message limit checks.
//
// Pipes: slots fixed at create, each with its own power-of-two ring sized for the
// configured maximum depth. A pipe id is slot | generation << 16 (fsw.h,
// ilrs_pipe_id_t): the slot keeps its last generation across deletes and the next
// create into it advances it, so an id kept after its pipe was deleted never names
// the slot's next pipe (cFE's resource ids carry a serial number the same way).
// Every entry point resolves an id through pipe_of(), which checks slot range,
// liveness and generation and counts what it refuses. Slots are filled round-robin
// from the one after the slot last filled, so a slot is refilled as late as
// possible and a stale id needs 65535 refills of its own slot to alias. Inside the
// bus (subscriptions) pipes are named by slot only. Head and tail are free-running
// 32-bit counters (the number queued is tail - head, wrap-around included). A ring
// entry is the buffer and the subscription that queued it, so a receive decrements
// the right limit counter in O(1). Unsubscribing rewrites the entries of that
// subscription still in the ring to "no subscription", so a reused record is never
// decremented by a stale entry.
//
// Buffers: size classes, each a contiguous array of slots (a 16-octet header and
// the data), with a stack of free slots. A message is stored once whatever its
// fan-out; its header counts references: one per ring entry or pipe holding it,
// plus one held by the publisher while it delivers (so a drop hook that receives
// from a pipe during the fan-out cannot free the buffer under the loop).
//
// Ownership invariants (the zero-copy contract):
//  - A slot is in exactly one state: FREE (on its class's free stack), USER
//    (returned by ilrs_bus_alloc, owned by the caller) or LIVE (refs > 0: queued
//    in rings, held by pipes, or being delivered).
//  - USER → LIVE only through ilrs_bus_publish_zc accepting it (including pipe
//    drops); USER → FREE only through ilrs_bus_free. A refused publish_zc leaves
//    it USER.
//  - The message last returned by ilrs_bus_receive on a pipe is held by that pipe
//    (one reference) until the next receive on it or its deletion.
//  - LIVE → FREE when the last reference goes. Deleting a pipe drops all its
//    references; destroying the bus frees everything whatever the state.
//  - buffers_in_use == number of slots not FREE.
//
// Drop hook reentrancy: the hook may publish, allocate, free and receive; it may
// not change subscriptions or pipes (those return ILRS_EBUSY while a hook runs),
// because the publish loop that called it is walking a subscription list.
#include <ilrs/fsw.h>

#include <string.h>

#define LIKELY(x)   __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* End of a linked list of subscriptions / "no subscription" in a ring entry. */
#define NONE UINT32_MAX

/* Defaults (fsw.h, ilrs_bus_config_t) and bounds. */
#define DEFAULT_MAX_PIPES          64u
#define DEFAULT_MAX_SUBS_PER_MSGID 64u
#define DEFAULT_MAX_PIPE_DEPTH     256u
#define DEFAULT_MAX_SUBSCRIPTIONS  2048u
#define BOUND_MAX_PIPES            65536u
#define BOUND_PIPE_DEPTH           65536u
#define BOUND_SUBSCRIPTIONS        1048576u
#define BOUND_CLASS_COUNT          1048576u
#define BOUND_MEMORY               (1024u * 1024u * 1024u) /* one GiB */
#define BLOCK_ALIGN                64u

enum buf_state {
    BUF_FREE = 0,
    BUF_USER = 1,
    BUF_LIVE = 2,
};

/* Header in front of every buffer's data; 16 octets keep the data 16-aligned. */
typedef struct buf_hdr {
    uint32_t refs;  /* references while LIVE */
    uint32_t len;   /* packet length while LIVE, allocated length while USER */
    uint32_t index; /* slot index in its class (to validate user pointers) */
    uint16_t msgid; /* while LIVE */
    uint8_t cls;    /* size class */
    uint8_t state;  /* buf_state */
} buf_hdr_t;

_Static_assert(sizeof(buf_hdr_t) == 16, "buffer header must keep data 16-aligned");

typedef struct pool_class {
    uint32_t size;     /* data octets per buffer */
    uint32_t count;    /* buffers */
    size_t stride;     /* header + data, rounded up to 16 */
    uint8_t *base;     /* first slot */
    uint8_t *end;      /* one past the last slot */
    buf_hdr_t **free;  /* stack of free slots */
    uint32_t free_top; /* number of free slots */
} pool_class_t;

typedef struct sub {
    uint32_t next_route; /* next subscription of the same ID (or next free record) */
    uint32_t next_pipe;  /* next subscription of the same pipe */
    uint32_t slot;       /* the pipe's slot (its id is bus->pipes[slot].id) */
    uint32_t limit;      /* most messages of this ID the pipe may hold */
    uint32_t queued;     /* messages of this ID queued in the pipe now */
    uint16_t msgid;
    uint16_t in_use;
} sub_t;

typedef struct route {
    uint32_t first; /* first subscription, NONE when nobody subscribed */
    uint32_t count; /* subscriptions of this ID */
} route_t;

typedef struct ring_entry {
    buf_hdr_t *buf;
    uint32_t sub; /* the subscription that queued it, or NONE after unsubscribe */
} ring_entry_t;

typedef struct pipe {
    /* Hot fields first: publish and receive touch only these. */
    uint32_t head;     /* next entry to receive (free-running) */
    uint32_t tail;     /* next entry to fill (free-running) */
    uint32_t mask;     /* ring capacity - 1 */
    uint32_t depth;    /* most messages queued at once */
    ilrs_pipe_id_t id; /* slot | generation << 16 in use, free_id(slot) when free */
    uint16_t gen;      /* generation of the slot's last pipe (kept across deletes) */
    bool in_use;
    ring_entry_t *ring;
    buf_hdr_t *held; /* message last received, released at the next receive */
    uint32_t peak;
    uint32_t first_sub; /* this pipe's subscriptions */
    uint64_t received;
    uint64_t dropped_full;
    uint64_t dropped_limit;
    uint32_t subscriptions;
    char name[ILRS_BUS_PIPE_NAME_MAX];
} pipe_t;

/* The id stored in a free slot: its slot bits name another slot, so no id that
 * resolves to this slot can equal it, and pipe_of() needs one compare, not two. */
static inline ilrs_pipe_id_t free_id(uint32_t slot)
{
    return slot ^ 1u;
}

struct ilrs_bus {
    route_t routes[ILRS_MSGID_COUNT];
    pipe_t *pipes;
    sub_t *subs;
    uint32_t max_pipes;
    uint32_t max_subs_per_msgid;
    uint32_t max_subscriptions;
    uint32_t max_pipe_depth;
    uint32_t free_sub;  /* head of the free subscription records (via next_route) */
    uint32_t next_slot; /* where the next pipe create starts looking (round-robin) */
    uint32_t class_count;
    pool_class_t classes[ILRS_BUS_MAX_BUFFER_CLASSES];

    ilrs_bus_drop_fn drop_fn;
    void *drop_user;
    uint32_t hook_depth; /* drop hooks running now (nested) */

    /* Statistics. */
    uint64_t published;
    uint64_t delivered;
    uint64_t no_subscribers;
    uint64_t dropped_full;
    uint64_t dropped_limit;
    uint64_t alloc_failures;
    uint64_t invalid;
    uint64_t hook_suppressed;
    uint64_t bad_pipe_ids;
    uint32_t pipes_live;
    uint32_t subscriptions;
    uint32_t buffers_in_use;
    uint32_t buffers_peak;

    ilrs_arena_t arena; /* the one block holding all of the above */
};

static const ilrs_bus_buffer_class_t default_classes[] = {
    {64u, 1024u}, {256u, 1024u}, {1024u, 256u}, {4096u, 64u}, {ILRS_CCSDS_MAX_PACKET_LEN, 8u},
};

/* ------------------------------------------------------------------------- */
/* Drops                                                                      */
/* ------------------------------------------------------------------------- */

/* Every drop passes through here after its counters were bumped. */
static void report_drop(ilrs_bus_t *bus, ilrs_bus_drop_reason_t reason, ilrs_msgid_t msgid,
                        ilrs_pipe_id_t pipe)
{
    if (bus->drop_fn == NULL) {
        return;
    }
    if (bus->hook_depth >= ILRS_BUS_HOOK_DEPTH_MAX) {
        bus->hook_suppressed++;
        return;
    }
    bus->hook_depth++;
    bus->drop_fn(bus->drop_user, reason, msgid, pipe);
    bus->hook_depth--;
}

/* ------------------------------------------------------------------------- */
/* Buffers                                                                    */
/* ------------------------------------------------------------------------- */

static inline uint8_t *buf_data(buf_hdr_t *b)
{
    return (uint8_t *)(b + 1);
}

/* A free buffer of at least len octets: the smallest class that fits and still
 * has one (a larger class stands in when the best fit is exhausted). */
static inline buf_hdr_t *buf_take(ilrs_bus_t *bus, size_t len)
{
    for (uint32_t c = 0; c < bus->class_count; c++) {
        pool_class_t *pc = &bus->classes[c];
        if (len <= pc->size && LIKELY(pc->free_top > 0)) {
            buf_hdr_t *b = pc->free[--pc->free_top];
            if (++bus->buffers_in_use > bus->buffers_peak) {
                bus->buffers_peak = bus->buffers_in_use;
            }
            return b;
        }
    }
    return NULL;
}

static inline void buf_release(ilrs_bus_t *bus, buf_hdr_t *b)
{
    pool_class_t *pc = &bus->classes[b->cls];
    b->state = BUF_FREE;
    b->refs = 0;
    pc->free[pc->free_top++] = b;
    bus->buffers_in_use--;
}

static inline void buf_unref(ilrs_bus_t *bus, buf_hdr_t *b)
{
    if (--b->refs == 0) {
        buf_release(bus, b);
    }
}

/* The header of a buffer handed out by ilrs_bus_alloc(), or NULL when @p data is
 * not the data pointer of a USER slot of this bus. Exact: the slot index stored in
 * the header must map back to the same address. */
static buf_hdr_t *user_buffer(ilrs_bus_t *bus, void *data)
{
    uintptr_t p = (uintptr_t)data;
    for (uint32_t c = 0; c < bus->class_count; c++) {
        pool_class_t *pc = &bus->classes[c];
        if (p < (uintptr_t)pc->base + sizeof(buf_hdr_t) || p >= (uintptr_t)pc->end) {
            continue;
        }
        buf_hdr_t *b = (buf_hdr_t *)(p - sizeof(buf_hdr_t));
        if ((p & 15u) != 0 || b->index >= pc->count ||
            pc->base + (size_t)b->index * pc->stride != (uint8_t *)b) {
            return NULL;
        }
        return b->state == BUF_USER ? b : NULL;
    }
    return NULL;
}

/* ------------------------------------------------------------------------- */
/* Create / destroy                                                           */
/* ------------------------------------------------------------------------- */

static uint32_t pow2_at_least(uint32_t n)
{
    uint32_t p = 1;
    while (p < n) {
        p <<= 1;
    }
    return p;
}

/* Effective sizing from the user config: defaults filled in, bounds checked. */
static int resolve_config(const ilrs_bus_config_t *in, ilrs_bus_config_t *out)
{
    memset(out, 0, sizeof *out);
    if (in != NULL) {
        *out = *in;
    }
    if (out->max_pipes == 0) {
        out->max_pipes = DEFAULT_MAX_PIPES;
    }
    if (out->max_subscribers_per_msgid == 0) {
        out->max_subscribers_per_msgid = DEFAULT_MAX_SUBS_PER_MSGID;
    }
    if (out->max_pipe_depth == 0) {
        out->max_pipe_depth = DEFAULT_MAX_PIPE_DEPTH;
    }
    if (out->max_subscriptions == 0) {
        out->max_subscriptions = DEFAULT_MAX_SUBSCRIPTIONS;
    }
    if (out->buffer_class_count == 0) {
        out->buffer_class_count = (uint32_t)(sizeof default_classes / sizeof default_classes[0]);
        memcpy(out->buffer_classes, default_classes, sizeof default_classes);
    }
    if (out->max_pipes > BOUND_MAX_PIPES) {
        ilrs_log(ILRS_LOG_ERROR, "fsw", "bus: max_pipes %u above %u", out->max_pipes,
                 BOUND_MAX_PIPES);
        return ILRS_EINVAL;
    }
    if (out->max_pipe_depth > BOUND_PIPE_DEPTH) {
        ilrs_log(ILRS_LOG_ERROR, "fsw", "bus: max_pipe_depth %u above %u", out->max_pipe_depth,
                 BOUND_PIPE_DEPTH);
        return ILRS_EINVAL;
    }
    if (out->max_subscriptions > BOUND_SUBSCRIPTIONS) {
        ilrs_log(ILRS_LOG_ERROR, "fsw", "bus: max_subscriptions %u above %u",
                 out->max_subscriptions, BOUND_SUBSCRIPTIONS);
        return ILRS_EINVAL;
    }
    if (out->buffer_class_count > ILRS_BUS_MAX_BUFFER_CLASSES) {
        ilrs_log(ILRS_LOG_ERROR, "fsw", "bus: %u buffer classes, at most %u",
                 out->buffer_class_count, ILRS_BUS_MAX_BUFFER_CLASSES);
        return ILRS_EINVAL;
    }
    for (uint32_t c = 0; c < out->buffer_class_count; c++) {
        const ilrs_bus_buffer_class_t *bc = &out->buffer_classes[c];
        if (bc->size < ILRS_CCSDS_PRIMARY_LEN || bc->size > ILRS_CCSDS_MAX_PACKET_LEN ||
            bc->count == 0 || bc->count > BOUND_CLASS_COUNT ||
            (c > 0 && bc->size <= out->buffer_classes[c - 1].size)) {
            ilrs_log(ILRS_LOG_ERROR, "fsw",
                     "bus: buffer class %u (%u octets x %u) invalid: sizes %u..%u "
                     "strictly ascending, counts 1..%u",
                     c, bc->size, bc->count, ILRS_CCSDS_PRIMARY_LEN, ILRS_CCSDS_MAX_PACKET_LEN,
                     BOUND_CLASS_COUNT);
            return ILRS_EINVAL;
        }
    }
    return 0;
}

/* Add @p n objects of @p size octets (plus alignment slack) to @p total. */
static int layout_add(size_t *total, size_t n, size_t size)
{
    size_t bytes;
    if (ilrs_mul_size(n, size, &bytes) != 0 || ilrs_add_size(bytes, BLOCK_ALIGN, &bytes) != 0 ||
        ilrs_add_size(*total, bytes, total) != 0) {
        return ILRS_EOVERFLOW;
    }
    return 0;
}

static size_t class_stride(uint32_t size)
{
    return (sizeof(buf_hdr_t) + (size_t)size + 15u) & ~(size_t)15u;
}

int ilrs_bus_create(const ilrs_bus_config_t *config, ilrs_bus_t **out)
{
    ilrs_bus_config_t cfg;
    ilrs_arena_t arena = {0};
    int rc;

    if (out == NULL) {
        return ILRS_EINVAL;
    }
    *out = NULL;
    rc = resolve_config(config, &cfg);
    if (rc != 0) {
        goto out;
    }

    /* Size the block. */
    uint32_t ring_cap = pow2_at_least(cfg.max_pipe_depth);
    size_t total = 0;
    rc = layout_add(&total, 1, sizeof(ilrs_bus_t));
    rc = rc ? rc : layout_add(&total, cfg.max_pipes, sizeof(pipe_t));
    rc = rc ? rc : layout_add(&total, (size_t)cfg.max_pipes * ring_cap, sizeof(ring_entry_t));
    rc = rc ? rc : layout_add(&total, cfg.max_subscriptions, sizeof(sub_t));
    for (uint32_t c = 0; c < cfg.buffer_class_count && rc == 0; c++) {
        const ilrs_bus_buffer_class_t *bc = &cfg.buffer_classes[c];
        rc = layout_add(&total, bc->count, class_stride(bc->size));
        rc = rc ? rc : layout_add(&total, bc->count, sizeof(buf_hdr_t *));
    }
    if (rc != 0 || total > BOUND_MEMORY) {
        ilrs_log(ILRS_LOG_ERROR, "fsw", "bus: configuration needs more than %zu octets",
                 (size_t)BOUND_MEMORY);
        rc = ILRS_EINVAL;
        goto out;
    }
    rc = ilrs_arena_init(&arena, NULL, total);
    if (rc != 0) {
        ilrs_log(ILRS_LOG_ERROR, "fsw", "bus: cannot allocate %zu octets", total);
        rc = ILRS_ENOMEM;
        goto out;
    }

    /* Carve it. The layout above reserved every piece with its alignment slack, so
     * none of these allocations can fail. */
    ilrs_bus_t *bus = ilrs_arena_alloc(&arena, sizeof *bus, BLOCK_ALIGN);
    bus->pipes = ilrs_arena_alloc(&arena, cfg.max_pipes * sizeof(pipe_t), BLOCK_ALIGN);
    ring_entry_t *rings = ilrs_arena_alloc(
        &arena, (size_t)cfg.max_pipes * ring_cap * sizeof(ring_entry_t), BLOCK_ALIGN);
    bus->subs = ilrs_arena_alloc(&arena, cfg.max_subscriptions * sizeof(sub_t), BLOCK_ALIGN);
    bus->max_pipes = cfg.max_pipes;
    bus->max_subs_per_msgid = cfg.max_subscribers_per_msgid;
    bus->max_subscriptions = cfg.max_subscriptions;
    bus->max_pipe_depth = cfg.max_pipe_depth;

    for (uint32_t m = 0; m < ILRS_MSGID_COUNT; m++) {
        bus->routes[m].first = NONE;
    }
    for (uint32_t p = 0; p < cfg.max_pipes; p++) {
        bus->pipes[p].ring = rings + (size_t)p * ring_cap;
        bus->pipes[p].mask = ring_cap - 1u;
        bus->pipes[p].first_sub = NONE;
        bus->pipes[p].id = free_id(p);
    }
    for (uint32_t s = 0; s < cfg.max_subscriptions; s++) {
        bus->subs[s].next_route = s + 1 < cfg.max_subscriptions ? s + 1 : NONE;
        bus->subs[s].next_pipe = NONE;
    }
    bus->free_sub = 0;

    bus->class_count = cfg.buffer_class_count;
    for (uint32_t c = 0; c < cfg.buffer_class_count; c++) {
        pool_class_t *pc = &bus->classes[c];
        pc->size = cfg.buffer_classes[c].size;
        pc->count = cfg.buffer_classes[c].count;
        pc->stride = class_stride(pc->size);
        pc->base = ilrs_arena_alloc(&arena, pc->count * pc->stride, BLOCK_ALIGN);
        pc->end = pc->base + pc->count * pc->stride;
        pc->free = ilrs_arena_alloc(&arena, pc->count * sizeof(buf_hdr_t *), BLOCK_ALIGN);
        /* Stack the slots so the lowest addresses are taken first. */
        for (uint32_t i = 0; i < pc->count; i++) {
            buf_hdr_t *b = (buf_hdr_t *)(pc->base + (size_t)i * pc->stride);
            b->index = i;
            b->cls = (uint8_t)c;
            b->state = BUF_FREE;
            pc->free[pc->count - 1u - i] = b;
        }
        pc->free_top = pc->count;
    }
    bus->arena = arena;
    *out = bus;
    rc = 0;
out:
    return rc;
}

void ilrs_bus_destroy(ilrs_bus_t *bus)
{
    if (bus == NULL) {
        return;
    }
    ilrs_arena_t arena = bus->arena; /* the bus lives inside the block it frees */
    ilrs_arena_fini(&arena);
}

void ilrs_bus_set_drop_hook(ilrs_bus_t *bus, ilrs_bus_drop_fn fn, void *user)
{
    if (bus == NULL) {
        return;
    }
    bus->drop_fn = fn;
    bus->drop_user = fn != NULL ? user : NULL;
}

/* ------------------------------------------------------------------------- */
/* Pipes and subscriptions                                                    */
/* ------------------------------------------------------------------------- */

/* Slow path of pipe_of(): count and log a refused id. The log is rate-limited to
 * the 1st, 2nd, 4th, 8th... bad id, since an app polling a stale id would otherwise
 * fill the log every cycle; the counter has them all. */
static void bad_pipe_id(ilrs_bus_t *bus, ilrs_pipe_id_t id, const char *call)
{
    uint64_t n = ++bus->bad_pipe_ids;
    if ((n & (n - 1u)) != 0) {
        return;
    }
    uint32_t slot = ilrs_bus_pipe_slot(id);
    uint32_t gen = ilrs_bus_pipe_generation(id);
    if (slot >= bus->max_pipes) {
        ilrs_log(ILRS_LOG_WARN, "fsw",
                 "bus: %s: pipe id 0x%08X: slot %u beyond %u pipes (%llu bad ids)", call, id, slot,
                 bus->max_pipes, (unsigned long long)n);
    } else if (!bus->pipes[slot].in_use) {
        ilrs_log(ILRS_LOG_WARN, "fsw",
                 "bus: %s: pipe id 0x%08X: slot %u has no pipe (%llu bad ids)", call, id, slot,
                 (unsigned long long)n);
    } else {
        ilrs_log(ILRS_LOG_WARN, "fsw",
                 "bus: %s: pipe id 0x%08X is stale: slot %u holds generation %u ('%s'), "
                 "not %u (%llu bad ids)",
                 call, id, slot, ilrs_bus_pipe_generation(bus->pipes[slot].id),
                 bus->pipes[slot].name, gen, (unsigned long long)n);
    }
}

/* The live pipe named by @p id (slot in range, pipe in use, generation matching),
 * or NULL after counting the refusal. */
static inline pipe_t *pipe_of(ilrs_bus_t *bus, ilrs_pipe_id_t id, const char *call)
{
    uint32_t slot = ilrs_bus_pipe_slot(id);
    if (LIKELY(slot < bus->max_pipes)) {
        pipe_t *p = &bus->pipes[slot];
        if (LIKELY(p->id == id)) {
            return p;
        }
    }
    bad_pipe_id(bus, id, call);
    return NULL;
}

/* Generation after @p gen for @p slot: 1..ILRS_BUS_PIPE_GEN_MAX, wrapping to 1, and
 * never the one that would make the id ILRS_BUS_PIPE_NONE. */
static uint16_t next_generation(uint16_t gen, uint32_t slot)
{
    uint32_t g = gen >= ILRS_BUS_PIPE_GEN_MAX ? 1u : gen + 1u;
    if (((g << ILRS_BUS_PIPE_SLOT_BITS) | slot) == ILRS_BUS_PIPE_NONE) {
        g = 1;
    }
    return (uint16_t)g;
}

int ilrs_bus_pipe_create(ilrs_bus_t *bus, const char *name, uint32_t depth, ilrs_pipe_id_t *pipe)
{
    if (pipe != NULL) {
        *pipe = ILRS_BUS_PIPE_NONE;
    }
    if (bus == NULL || pipe == NULL || name == NULL) {
        return ILRS_EINVAL;
    }
    size_t name_len = strnlen(name, ILRS_BUS_PIPE_NAME_MAX);
    if (name_len == 0 || name_len >= ILRS_BUS_PIPE_NAME_MAX) {
        ilrs_log(ILRS_LOG_ERROR, "fsw", "bus: pipe name must be 1..%u characters",
                 ILRS_BUS_PIPE_NAME_MAX - 1u);
        return ILRS_EINVAL;
    }
    if (depth == 0 || depth > bus->max_pipe_depth) {
        ilrs_log(ILRS_LOG_ERROR, "fsw", "bus: pipe '%s' depth %u outside 1..%u", name, depth,
                 bus->max_pipe_depth);
        return ILRS_EINVAL;
    }
    if (bus->hook_depth > 0) {
        return ILRS_EBUSY;
    }
    uint32_t slot = NONE;
    for (uint32_t i = 0; i < bus->max_pipes; i++) {
        /* Round-robin from next_slot (see design notes). */
        uint32_t p = bus->next_slot + i;
        p = p >= bus->max_pipes ? p - bus->max_pipes : p;
        if (!bus->pipes[p].in_use) {
            if (slot == NONE) {
                slot = p;
            }
        } else if (strcmp(bus->pipes[p].name, name) == 0) {
            return ILRS_EEXIST;
        }
    }
    if (slot == NONE) {
        ilrs_log(ILRS_LOG_WARN, "fsw", "bus: no pipe slot left for '%s' (max_pipes %u)", name,
                 bus->max_pipes);
        return ILRS_ELIMIT;
    }
    pipe_t *p = &bus->pipes[slot];
    ring_entry_t *ring = p->ring;
    uint32_t mask = p->mask;
    uint16_t gen = next_generation(p->gen, slot);
    memset(p, 0, sizeof *p);
    p->ring = ring;
    p->mask = mask;
    p->gen = gen;
    p->id = ((uint32_t)gen << ILRS_BUS_PIPE_SLOT_BITS) | slot;
    p->depth = depth;
    p->first_sub = NONE;
    p->in_use = true;
    memcpy(p->name, name, name_len + 1);
    bus->pipes_live++;
    bus->next_slot = slot + 1u < bus->max_pipes ? slot + 1u : 0u;
    *pipe = p->id;
    return 0;
}

/* Unlink subscription @p s from its route's list. */
static void route_unlink(ilrs_bus_t *bus, uint32_t s)
{
    sub_t *sub = &bus->subs[s];
    route_t *r = &bus->routes[sub->msgid];
    uint32_t *link = &r->first;
    while (*link != s) {
        link = &bus->subs[*link].next_route;
    }
    *link = sub->next_route;
    r->count--;
}

static void sub_free(ilrs_bus_t *bus, uint32_t s)
{
    sub_t *sub = &bus->subs[s];
    memset(sub, 0, sizeof *sub);
    sub->next_pipe = NONE;
    sub->next_route = bus->free_sub;
    bus->free_sub = s;
    bus->subscriptions--;
}

int ilrs_bus_pipe_delete(ilrs_bus_t *bus, ilrs_pipe_id_t id)
{
    if (bus == NULL) {
        return ILRS_EINVAL;
    }
    pipe_t *p = pipe_of(bus, id, "pipe_delete");
    if (p == NULL) {
        return ILRS_EFSW_NOPIPE;
    }
    if (bus->hook_depth > 0) {
        return ILRS_EBUSY;
    }
    for (uint32_t s = p->first_sub; s != NONE;) {
        uint32_t next = bus->subs[s].next_pipe;
        route_unlink(bus, s);
        sub_free(bus, s);
        s = next;
    }
    if (p->held != NULL) {
        buf_unref(bus, p->held);
    }
    for (; p->head != p->tail; p->head++) {
        buf_unref(bus, p->ring[p->head & p->mask].buf);
    }
    ring_entry_t *ring = p->ring;
    uint32_t mask = p->mask;
    uint16_t gen = p->gen;
    memset(p, 0, sizeof *p);
    p->ring = ring;
    p->mask = mask;
    p->gen = gen; /* the slot's next pipe gets the generation after this one */
    p->id = free_id((uint32_t)(p - bus->pipes));
    p->first_sub = NONE;
    bus->pipes_live--;
    return 0;
}

/* The subscription of the pipe in @p slot to @p msgid, or NONE. */
static uint32_t find_sub(const ilrs_bus_t *bus, uint32_t slot, ilrs_msgid_t msgid)
{
    for (uint32_t s = bus->routes[msgid].first; s != NONE; s = bus->subs[s].next_route) {
        if (bus->subs[s].slot == slot) {
            return s;
        }
    }
    return NONE;
}

int ilrs_bus_subscribe(ilrs_bus_t *bus, ilrs_pipe_id_t pipe, ilrs_msgid_t msgid, uint32_t msg_limit)
{
    if (bus == NULL) {
        return ILRS_EINVAL;
    }
    pipe_t *p = pipe_of(bus, pipe, "subscribe");
    if (p == NULL) {
        return ILRS_EFSW_NOPIPE;
    }
    if (msgid >= ILRS_MSGID_COUNT) {
        return ILRS_EFSW_MSGID;
    }
    if (bus->hook_depth > 0) {
        return ILRS_EBUSY;
    }
    const uint32_t slot = ilrs_bus_pipe_slot(pipe);
    uint32_t limit = msg_limit != 0 ? msg_limit : p->depth;
    uint32_t s = find_sub(bus, slot, msgid);
    if (s != NONE) {
        bus->subs[s].limit = limit;
        return ILRS_EEXIST;
    }
    route_t *r = &bus->routes[msgid];
    if (r->count >= bus->max_subs_per_msgid || bus->free_sub == NONE) {
        ilrs_log(ILRS_LOG_WARN, "fsw",
                 "bus: cannot subscribe pipe '%s' to 0x%03X: %s limit reached", p->name, msgid,
                 bus->free_sub == NONE ? "max_subscriptions" : "subscribers-per-ID");
        return ILRS_ELIMIT;
    }
    s = bus->free_sub;
    sub_t *sub = &bus->subs[s];
    bus->free_sub = sub->next_route;
    sub->next_route = NONE;
    sub->slot = slot;
    sub->msgid = msgid;
    sub->limit = limit;
    sub->queued = 0;
    sub->in_use = 1;
    /* Append to the route so delivery follows subscription order. */
    uint32_t *link = &r->first;
    while (*link != NONE) {
        link = &bus->subs[*link].next_route;
    }
    *link = s;
    r->count++;
    sub->next_pipe = p->first_sub;
    p->first_sub = s;
    p->subscriptions++;
    bus->subscriptions++;
    return 0;
}

int ilrs_bus_unsubscribe(ilrs_bus_t *bus, ilrs_pipe_id_t pipe, ilrs_msgid_t msgid)
{
    if (bus == NULL) {
        return ILRS_EINVAL;
    }
    pipe_t *p = pipe_of(bus, pipe, "unsubscribe");
    if (p == NULL) {
        return ILRS_EFSW_NOPIPE;
    }
    if (msgid >= ILRS_MSGID_COUNT) {
        return ILRS_EFSW_MSGID;
    }
    if (bus->hook_depth > 0) {
        return ILRS_EBUSY;
    }
    uint32_t s = find_sub(bus, ilrs_bus_pipe_slot(pipe), msgid);
    if (s == NONE) {
        return ILRS_EFSW_NOSUB;
    }
    route_unlink(bus, s);
    uint32_t *link = &p->first_sub;
    while (*link != s) {
        link = &bus->subs[*link].next_pipe;
    }
    *link = bus->subs[s].next_pipe;
    p->subscriptions--;
    /* Queued messages stay; forget which record counted them (see design notes). */
    if (bus->subs[s].queued > 0) {
        for (uint32_t i = p->head; i != p->tail; i++) {
            if (p->ring[i & p->mask].sub == s) {
                p->ring[i & p->mask].sub = NONE;
            }
        }
    }
    sub_free(bus, s);
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Publish and receive                                                        */
/* ------------------------------------------------------------------------- */

/* Refuse what is not a well-formed space packet of exactly @p len octets (CCSDS
 * 133.0-B-2 §4.1.3: version 000, data length field = octets after the primary
 * header minus one). Counted and reported; returns 0 when acceptable. */
static inline int check_packet(ilrs_bus_t *bus, const uint8_t *pkt, size_t len)
{
    int rc;
    if (UNLIKELY(len < ILRS_CCSDS_PRIMARY_LEN)) {
        rc = ILRS_ECCSDS_TOOSMALL;
        goto out_invalid;
    }
    if (UNLIKELY((pkt[0] & 0xE0u) != 0)) {
        rc = ILRS_ECCSDS_VERSION;
        goto out_invalid;
    }
    if (UNLIKELY(ilrs_ccsds_get_total_length(pkt) != len)) {
        rc = ILRS_ECCSDS_LENGTH;
        goto out_invalid;
    }
    return 0;
out_invalid:
    bus->invalid++;
    report_drop(bus, ILRS_BUS_DROP_INVALID,
                len >= ILRS_CCSDS_PRIMARY_LEN ? ilrs_msgid_of(pkt) : ILRS_BUS_MSGID_NONE,
                ILRS_BUS_PIPE_NONE);
    return rc;
}

/* Slow path of deliver(): one pipe refused the message. */
static int drop_in_pipe(ilrs_bus_t *bus, pipe_t *p, ilrs_msgid_t msgid, bool limit)
{
    const ilrs_pipe_id_t id = p->id;
    if (limit) {
        p->dropped_limit++;
        bus->dropped_limit++;
        report_drop(bus, ILRS_BUS_DROP_MSG_LIMIT, msgid, id);
        return ILRS_EFSW_MSGLIMIT;
    }
    p->dropped_full++;
    bus->dropped_full++;
    report_drop(bus, ILRS_BUS_DROP_PIPE_FULL, msgid, id);
    return ILRS_EFSW_PIPEFULL;
}

/* Queue LIVE buffer @p b (one reference, the publisher's) in every pipe subscribed
 * to its message ID, then drop the publisher's reference. */
static inline int deliver(ilrs_bus_t *bus, buf_hdr_t *b, uint32_t first)
{
    int rc = 0;
    uint64_t copies = 0;
    const ilrs_msgid_t msgid = b->msgid;
    for (uint32_t s = first; s != NONE; s = bus->subs[s].next_route) {
        sub_t *sub = &bus->subs[s];
        pipe_t *p = &bus->pipes[sub->slot];
        uint32_t queued = p->tail - p->head;
        /* A full pipe is reported as such even when the ID's limit is reached too
         * (the default limit is the depth). */
        if (UNLIKELY(queued >= p->depth)) {
            rc = drop_in_pipe(bus, p, msgid, false);
            continue;
        }
        if (UNLIKELY(sub->queued >= sub->limit)) {
            int why = drop_in_pipe(bus, p, msgid, true);
            rc = rc == ILRS_EFSW_PIPEFULL ? rc : why;
            continue;
        }
        ring_entry_t *e = &p->ring[p->tail & p->mask];
        e->buf = b;
        e->sub = s;
        p->tail++;
        if (++queued > p->peak) {
            p->peak = queued;
        }
        sub->queued++;
        b->refs++;
        copies++;
    }
    bus->published++;
    bus->delivered += copies;
    buf_unref(bus, b);
    return rc;
}

int ilrs_bus_publish(ilrs_bus_t *bus, const void *packet, size_t len)
{
    if (UNLIKELY(bus == NULL)) {
        return ILRS_EINVAL;
    }
    if (UNLIKELY(packet == NULL)) {
        bus->invalid++;
        report_drop(bus, ILRS_BUS_DROP_INVALID, ILRS_BUS_MSGID_NONE, ILRS_BUS_PIPE_NONE);
        return ILRS_EINVAL;
    }
    const uint8_t *pkt = packet;
    int rc = check_packet(bus, pkt, len);
    if (UNLIKELY(rc != 0)) {
        return rc;
    }
    const ilrs_msgid_t msgid = ilrs_msgid_of(pkt);
    const uint32_t first = bus->routes[msgid].first;
    if (first == NONE) {
        bus->published++;
        bus->no_subscribers++;
        return 0;
    }
    buf_hdr_t *b = buf_take(bus, len);
    if (UNLIKELY(b == NULL)) {
        bus->alloc_failures++;
        report_drop(bus, ILRS_BUS_DROP_NO_BUFFER, msgid, ILRS_BUS_PIPE_NONE);
        return ILRS_EFSW_NOBUF;
    }
    memcpy(buf_data(b), pkt, len);
    b->len = (uint32_t)len;
    b->msgid = msgid;
    b->state = BUF_LIVE;
    b->refs = 1;
    return deliver(bus, b, first);
}

void *ilrs_bus_alloc(ilrs_bus_t *bus, size_t len)
{
    if (UNLIKELY(bus == NULL)) {
        return NULL;
    }
    buf_hdr_t *b = len > 0 ? buf_take(bus, len) : NULL;
    if (UNLIKELY(b == NULL)) {
        bus->alloc_failures++;
        report_drop(bus, ILRS_BUS_DROP_NO_BUFFER, ILRS_BUS_MSGID_NONE, ILRS_BUS_PIPE_NONE);
        return NULL;
    }
    b->state = BUF_USER;
    b->len = (uint32_t)len;
    return buf_data(b);
}

int ilrs_bus_publish_zc(ilrs_bus_t *bus, void *buffer, size_t len)
{
    if (UNLIKELY(bus == NULL || buffer == NULL)) {
        return ILRS_EINVAL;
    }
    buf_hdr_t *b = user_buffer(bus, buffer);
    if (UNLIKELY(b == NULL || len > b->len)) {
        ilrs_log(ILRS_LOG_ERROR, "fsw", "bus: publish_zc of %s",
                 b == NULL ? "a pointer that is not an unpublished "
                             "bus buffer"
                           : "more octets than were allocated");
        return ILRS_EINVAL;
    }
    const uint8_t *pkt = buffer;
    int rc = check_packet(bus, pkt, len);
    if (UNLIKELY(rc != 0)) {
        return rc;
    }
    const ilrs_msgid_t msgid = ilrs_msgid_of(pkt);
    const uint32_t first = bus->routes[msgid].first;
    if (first == NONE) {
        bus->published++;
        bus->no_subscribers++;
        buf_release(bus, b);
        return 0;
    }
    b->len = (uint32_t)len;
    b->msgid = msgid;
    b->state = BUF_LIVE;
    b->refs = 1;
    return deliver(bus, b, first);
}

void ilrs_bus_free(ilrs_bus_t *bus, void *buffer)
{
    if (bus == NULL || buffer == NULL) {
        return;
    }
    buf_hdr_t *b = user_buffer(bus, buffer);
    if (b == NULL) {
        ilrs_log(ILRS_LOG_ERROR, "fsw",
                 "bus: free of a pointer that is not an unpublished bus buffer (ignored)");
        return;
    }
    buf_release(bus, b);
}

int ilrs_bus_receive(ilrs_bus_t *bus, ilrs_pipe_id_t pipe, const uint8_t **packet, size_t *len)
{
    if (packet != NULL) {
        *packet = NULL;
    }
    if (len != NULL) {
        *len = 0;
    }
    if (UNLIKELY(bus == NULL || packet == NULL || len == NULL)) {
        return ILRS_EINVAL;
    }
    pipe_t *p = pipe_of(bus, pipe, "receive");
    if (UNLIKELY(p == NULL)) {
        return ILRS_EFSW_NOPIPE;
    }
    if (p->held != NULL) {
        buf_hdr_t *held = p->held;
        p->held = NULL;
        buf_unref(bus, held);
    }
    if (p->head == p->tail) {
        return ILRS_EEMPTY;
    }
    const ring_entry_t *e = &p->ring[p->head & p->mask];
    p->head++;
    if (LIKELY(e->sub != NONE)) {
        bus->subs[e->sub].queued--;
    }
    buf_hdr_t *b = e->buf;
    p->held = b;
    p->received++;
    *packet = buf_data(b);
    *len = b->len;
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Statistics                                                                 */
/* ------------------------------------------------------------------------- */

void ilrs_bus_get_stats(const ilrs_bus_t *bus, ilrs_bus_stats_t *stats)
{
    if (stats == NULL) {
        return;
    }
    memset(stats, 0, sizeof *stats);
    if (bus == NULL) {
        return;
    }
    stats->published = bus->published;
    stats->delivered = bus->delivered;
    stats->no_subscribers = bus->no_subscribers;
    stats->dropped_full = bus->dropped_full;
    stats->dropped_limit = bus->dropped_limit;
    stats->alloc_failures = bus->alloc_failures;
    stats->invalid = bus->invalid;
    stats->pipes = bus->pipes_live;
    stats->subscriptions = bus->subscriptions;
    stats->buffers_in_use = bus->buffers_in_use;
    stats->buffers_peak = bus->buffers_peak;
    stats->memory_bytes = bus->arena.size;
    stats->hook_suppressed = bus->hook_suppressed;
    stats->bad_pipe_ids = bus->bad_pipe_ids;
}

int ilrs_bus_get_pipe_stats(ilrs_bus_t *bus, ilrs_pipe_id_t pipe, ilrs_bus_pipe_stats_t *stats)
{
    if (stats != NULL) {
        memset(stats, 0, sizeof *stats);
    }
    if (bus == NULL || stats == NULL) {
        return ILRS_EINVAL;
    }
    const pipe_t *p = pipe_of(bus, pipe, "get_pipe_stats");
    if (p == NULL) {
        return ILRS_EFSW_NOPIPE;
    }
    memcpy(stats->name, p->name, sizeof stats->name);
    stats->depth = p->depth;
    stats->queued = p->tail - p->head;
    stats->peak = p->peak;
    stats->subscriptions = p->subscriptions;
    stats->received = p->received;
    stats->dropped_full = p->dropped_full;
    stats->dropped_limit = p->dropped_limit;
    return 0;
}

uint32_t ilrs_bus_pipe_capacity(const ilrs_bus_t *bus)
{
    return bus != NULL ? bus->max_pipes : 0;
}
