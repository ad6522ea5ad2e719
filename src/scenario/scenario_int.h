/* SPDX-License-Identifier: Apache-2.0 */
/*
 * scenario module internals: the bounded YAML tree (scenario_yaml.c), the
 * loader context with its diagnostics and source locations (scenario_load.c),
 * the table-driven schema walker (scenario_schema.c) and the design
 * cross-checks (scenario_check.c).
 *
 * Design notes
 * - libyaml's event parser feeds our own small tree, so that we, not libyaml,
 *   bound depth, node count and scalar size before anything large is built, and
 *   so that every node keeps its line and column. Aliases are refused: an alias
 *   can make a small document expand exponentially, and scenarios do not need
 *   them.
 * - The schema is data: one table of fields per struct (key, type, offset,
 *   range, flags). One walker applies any table, so the rules (unknown keys,
 *   wrong types, missing keys, ranges, duplicates) are written once.
 * - Every value that reaches a struct field records where it came from (field
 *   address -> line, column), so cross-checks made after the walk still point
 *   into the file.
 */
#ifndef ILRS_SCENARIO_INT_H
#define ILRS_SCENARIO_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <ilrs/scenario.h>

/* ------------------------------------------------------------------------- */
/* YAML tree                                                                  */
/* ------------------------------------------------------------------------- */

typedef enum snode_kind { SNODE_SCALAR, SNODE_SEQUENCE, SNODE_MAPPING } snode_kind_t;

typedef struct snode {
    snode_kind_t kind;
    unsigned line, column; /* 1-based */
    bool plain;            /* scalar written without quotes or block style */
    char *text;            /* scalar: NUL-terminated copy */
    size_t len;            /* scalar length */
    struct snode **items;  /* sequence: items; mapping: key, value, key, value... */
    size_t count;          /* entries in items */
    size_t cap;
} snode_t;

typedef struct stree {
    snode_t *root;
    snode_t **all; /* every node, for freeing */
    size_t all_count, all_cap;
} stree_t;

struct scenario_ctx;

/* Parse @p text into @p tree. Syntax errors and limit violations become
 * diagnostics; returns 0 or the first error code. */
int ilrs__scenario_yaml_parse(struct scenario_ctx *ctx, const char *text, size_t len,
                              stree_t *tree);
void ilrs__scenario_yaml_free(stree_t *tree);

/* ------------------------------------------------------------------------- */
/* Loader context                                                             */
/* ------------------------------------------------------------------------- */

typedef struct scenario_loc {
    const void *where; /* a field (or element) address inside the scenario */
    int kind;          /* LOC_VALUE: the value of that field; LOC_ELEMENT: the element */
    unsigned line, column;
} scenario_loc_t;

enum { LOC_VALUE = 0, LOC_ELEMENT = 1 };

typedef struct scenario_ctx {
    ilrs_scenario_diags_t *diags;
    ilrs_scenario_options_t opts;
    char base_dir[ILRS_SCENARIO_FILE_MAX];
    ilrs_scenario_t *scenario;
    int first_error; /* code of the first error, 0 if none */
    scenario_loc_t *locs;
    size_t loc_count, loc_cap;
    bool loc_nomem; /* recording failed: cross-checks fall back to line 0 */
} scenario_ctx_t;

/* Record an error (or warning) at line:column for keypath. */
void ilrs__scenario_diag(scenario_ctx_t *ctx, int code, bool warning, unsigned line,
                         unsigned column, const char *keypath, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Remember where the value stored at @p where came from. */
void ilrs__scenario_loc_add(scenario_ctx_t *ctx, const void *where, int kind, unsigned line,
                            unsigned column);
/* Look a location up: the value at @p where, else the element @p element, else 0:0. */
void ilrs__scenario_loc_find(const scenario_ctx_t *ctx, const void *where, const void *element,
                             unsigned *line, unsigned *column);

/* Walk the document root into ctx->scenario. */
void ilrs__scenario_schema_apply(scenario_ctx_t *ctx, const snode_t *root);

/* Cross-checks over the filled scenario. */
void ilrs__scenario_check(scenario_ctx_t *ctx);

/* Resolve a DEM path (rule in scenario.h / docs/scenario.md). */
int ilrs__scenario_resolve_path(const scenario_ctx_t *ctx, const char *path, char *out, size_t cap);

#endif /* ILRS_SCENARIO_INT_H */
