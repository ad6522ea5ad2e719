// SPDX-License-Identifier: Apache-2.0
//
// Scenario loading: the public entry points (file and memory), the caller's
// diagnostics list, the table of source locations used by the cross-checks,
// DEM path resolution, and small lookup helpers for the models built from a
// scenario. The YAML reader is scenario_yaml.c, the schema scenario_schema.c,
// the cross-checks scenario_check.c.
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_int.h"

void ilrs_scenario_options_default(ilrs_scenario_options_t *opts)
{
    if (opts == NULL) {
        return;
    }
    memset(opts, 0, sizeof *opts);
    opts->check_files = true;
}

void ilrs_scenario_diags_init(ilrs_scenario_diags_t *diags)
{
    if (diags != NULL) {
        memset(diags, 0, sizeof *diags);
    }
}

void ilrs__scenario_diag(scenario_ctx_t *ctx, int code, bool warning, unsigned line,
                         unsigned column, const char *keypath, const char *fmt, ...)
{
    ilrs_scenario_diags_t *d = ctx->diags;
    if (warning) {
        d->warning_count++;
    } else {
        d->error_count++;
        if (ctx->first_error == 0) {
            ctx->first_error = code;
        }
    }
    if (d->count >= ILRS_SCENARIO_MAX_DIAGS) {
        d->dropped++;
        return;
    }
    ilrs_scenario_diag_t *item = &d->items[d->count++];
    memset(item, 0, sizeof *item);
    item->code = code;
    item->is_warning = warning;
    item->line = line;
    item->column = column;
    snprintf(item->keypath, sizeof item->keypath, "%s", keypath != NULL ? keypath : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(item->message, sizeof item->message, fmt, ap);
    va_end(ap);
}

int ilrs_scenario_diag_format(const ilrs_scenario_diags_t *diags, size_t index, char *buf,
                              size_t cap)
{
    if (buf != NULL && cap > 0) {
        buf[0] = '\0';
    }
    if (diags == NULL || buf == NULL || cap == 0 || index >= diags->count) {
        return ILRS_EINVAL;
    }
    const ilrs_scenario_diag_t *d = &diags->items[index];
    size_t used = 0;
    int n;
#define APPEND(...)                                                                                \
    do {                                                                                           \
        n = snprintf(buf + used, cap - used, __VA_ARGS__);                                         \
        if (n < 0 || (size_t)n >= cap - used) {                                                    \
            return ILRS_ETRUNC;                                                                    \
        }                                                                                          \
        used += (size_t)n;                                                                         \
    } while (0)
    APPEND("%s", diags->file[0] != '\0' ? diags->file : "<scenario>");
    if (d->line > 0) {
        APPEND(":%u:%u", d->line, d->column);
    }
    APPEND(": ");
    if (d->keypath[0] != '\0') {
        APPEND("%s: ", d->keypath);
    }
    APPEND("%s%s", d->is_warning ? "warning: " : "", d->message);
#undef APPEND
    return 0;
}

void ilrs__scenario_loc_add(scenario_ctx_t *ctx, const void *where, int kind, unsigned line,
                            unsigned column)
{
    if (ctx->loc_count == ctx->loc_cap) {
        size_t cap = ctx->loc_cap == 0 ? 256 : ctx->loc_cap * 2;
        scenario_loc_t *grown = realloc(ctx->locs, cap * sizeof *grown);
        if (grown == NULL) {
            ctx->loc_nomem = true;
            return;
        }
        ctx->locs = grown;
        ctx->loc_cap = cap;
    }
    ctx->locs[ctx->loc_count++] = (scenario_loc_t){where, kind, line, column};
}

void ilrs__scenario_loc_find(const scenario_ctx_t *ctx, const void *where, const void *element,
                             unsigned *line, unsigned *column)
{
    *line = 0;
    *column = 0;
    /* Latest entry wins: a list element's slot is recorded once per load. */
    for (size_t i = ctx->loc_count; i-- > 0;) {
        if (where != NULL && ctx->locs[i].where == where && ctx->locs[i].kind == LOC_VALUE) {
            *line = ctx->locs[i].line;
            *column = ctx->locs[i].column;
            return;
        }
    }
    for (size_t i = ctx->loc_count; i-- > 0;) {
        if (element != NULL && ctx->locs[i].where == element && ctx->locs[i].kind == LOC_ELEMENT) {
            *line = ctx->locs[i].line;
            *column = ctx->locs[i].column;
            return;
        }
    }
}

/* Resolution rule (also in scenario.h and docs/scenario.md):
 * 1. absolute paths are used as written;
 * 2. if ILRS_DATA_DIR is set and the path contains the segment "shared/data/",
 *    the rest after that segment is taken relative to ILRS_DATA_DIR (so the
 *    shipped scenarios, written for the checkout layout, follow a relocated
 *    data tree);
 * 3. otherwise relative to the base directory (the scenario file's directory). */
int ilrs__scenario_resolve_path(const scenario_ctx_t *ctx, const char *path, char *out, size_t cap)
{
    int n;
    if (path[0] == '/') {
        n = snprintf(out, cap, "%s", path);
    } else {
        const char *data_dir = getenv("ILRS_DATA_DIR");
        const char *seg = strstr(path, "shared/data/");
        bool at_segment = seg != NULL && (seg == path || seg[-1] == '/');
        if (data_dir != NULL && data_dir[0] != '\0' && at_segment) {
            n = snprintf(out, cap, "%s/%s", data_dir, seg + strlen("shared/data/"));
        } else if (ctx->base_dir[0] != '\0') {
            n = snprintf(out, cap, "%s/%s", ctx->base_dir, path);
        } else {
            n = snprintf(out, cap, "%s", path);
        }
    }
    return n < 0 || (size_t)n >= cap ? ILRS_EOVERFLOW : 0;
}

static int load(const char *text, size_t len, const char *name, const char *base_dir,
                const ilrs_scenario_options_t *opts, ilrs_scenario_t **out,
                ilrs_scenario_diags_t *diags)
{
    scenario_ctx_t ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.diags = diags;
    if (opts != NULL) {
        ctx.opts = *opts;
    } else {
        ilrs_scenario_options_default(&ctx.opts);
    }
    snprintf(diags->file, sizeof diags->file, "%s", name);
    const char *dir = ctx.opts.base_dir != NULL ? ctx.opts.base_dir : base_dir;
    if (dir != NULL &&
        snprintf(ctx.base_dir, sizeof ctx.base_dir, "%s", dir) >= (int)sizeof ctx.base_dir) {
        ilrs__scenario_diag(&ctx, ILRS_ESCENARIO_LIMIT, false, 0, 0, "",
                            "base directory path too long");
        return ctx.first_error;
    }
    if (len > ILRS_SCENARIO_MAX_BYTES) {
        ilrs__scenario_diag(&ctx, ILRS_ESCENARIO_LIMIT, false, 0, 0, "",
                            "document of %zu bytes is larger than the limit of %u", len,
                            ILRS_SCENARIO_MAX_BYTES);
        return ctx.first_error;
    }

    stree_t tree;
    int rc = ilrs__scenario_yaml_parse(&ctx, text, len, &tree);
    if (rc != 0) {
        goto out_tree;
    }
    ctx.scenario = calloc(1, sizeof *ctx.scenario);
    if (ctx.scenario == NULL) {
        ilrs__scenario_diag(&ctx, ILRS_ENOMEM, false, 0, 0, "", "out of memory");
        goto out_tree;
    }
    snprintf(ctx.scenario->source, sizeof ctx.scenario->source, "%s", name);
    ilrs__scenario_schema_apply(&ctx, tree.root);
    /* Cross-checks only on a document that passed the schema: on a broken one
     * they would mostly repeat its errors in other words. */
    if (ctx.first_error == 0) {
        ilrs__scenario_check(&ctx);
    }
    if (ctx.loc_nomem && ctx.first_error == 0) {
        ilrs__scenario_diag(&ctx, ILRS_ENOMEM, false, 0, 0, "", "out of memory");
    }
    if (ctx.first_error == 0) {
        *out = ctx.scenario;
        ctx.scenario = NULL;
    }
out_tree:
    ilrs__scenario_yaml_free(&tree);
    ilrs_scenario_destroy(ctx.scenario);
    free(ctx.locs);
    return ctx.first_error;
}

int ilrs_scenario_load_memory(const char *text, size_t len, const char *name,
                              const ilrs_scenario_options_t *opts, ilrs_scenario_t **out,
                              ilrs_scenario_diags_t *diags)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || diags == NULL || (text == NULL && len > 0)) {
        return ILRS_EINVAL;
    }
    return load(text != NULL ? text : "", len, name != NULL ? name : "<memory>", NULL, opts, out,
                diags);
}

int ilrs_scenario_load_file(const char *path, const ilrs_scenario_options_t *opts,
                            ilrs_scenario_t **out, ilrs_scenario_diags_t *diags)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (path == NULL || out == NULL || diags == NULL) {
        return ILRS_EINVAL;
    }
    scenario_ctx_t ctx; /* only for reporting I/O problems */
    memset(&ctx, 0, sizeof ctx);
    ctx.diags = diags;
    snprintf(diags->file, sizeof diags->file, "%s", path);

    int rc = 0;
    char *text = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        ilrs__scenario_diag(&ctx, ILRS_EIO, false, 0, 0, "", "cannot open: %s", strerror(errno));
        return ILRS_EIO;
    }
    text = malloc(ILRS_SCENARIO_MAX_BYTES + 1);
    if (text == NULL) {
        ilrs__scenario_diag(&ctx, ILRS_ENOMEM, false, 0, 0, "", "out of memory");
        rc = ILRS_ENOMEM;
        goto out_file;
    }
    size_t len = fread(text, 1, ILRS_SCENARIO_MAX_BYTES + 1, f);
    if (ferror(f)) {
        ilrs__scenario_diag(&ctx, ILRS_EIO, false, 0, 0, "", "read error");
        rc = ILRS_EIO;
        goto out_text;
    }
    /* The directory part of the path is the base for relative DEM paths. */
    char dir[ILRS_SCENARIO_FILE_MAX];
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        snprintf(dir, sizeof dir, ".");
    } else if (slash == path) {
        snprintf(dir, sizeof dir, "/");
    } else {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof dir) {
            n = sizeof dir - 1;
        }
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    /* len may be MAX + 1: load() reports the limit */
    rc = load(text, len, path, dir, opts, out, diags);
out_text:
    free(text);
out_file:
    fclose(f);
    return rc;
}

void ilrs_scenario_destroy(ilrs_scenario_t *scenario)
{
    free(scenario);
}

int ilrs_scenario_default_path(char *buf, size_t cap)
{
    if (buf == NULL || cap == 0) {
        return ILRS_EINVAL;
    }
    const char *dir = getenv("ILRS_SCENARIO_DIR");
    int n;
    if (dir != NULL && dir[0] != '\0') {
        n = snprintf(buf, cap, "%s/%s", dir, ILRS_SCENARIO_DEFAULT_NAME);
    } else {
        n = snprintf(buf, cap, "%s/scenarios/%s", ILRS_SOURCE_DIR, ILRS_SCENARIO_DEFAULT_NAME);
    }
    return n < 0 || (size_t)n >= cap ? ILRS_EOVERFLOW : 0;
}

/* ------------------------------------------------------------------------- */
/* Helpers                                                                    */
/* ------------------------------------------------------------------------- */

double ilrs_scenario_peak_power_w(const ilrs_scenario_t *sc)
{
    double w = 0.0;
    if (sc == NULL) {
        return 0.0;
    }
    for (size_t i = 0; i < sc->power.array_count; i++) {
        w += sc->power.arrays[i].area_m2 * sc->power.arrays[i].efficiency *
             ILRS_SCENARIO_SOLAR_FLUX_MAX_W_M2;
    }
    for (size_t i = 0; i < sc->power.rtg_count; i++) {
        w += sc->power.rtgs[i].electric_w;
    }
    return w;
}

double ilrs_scenario_payload_max_power_w(const ilrs_scenario_payload_t *p)
{
    double w = 0.0;
    for (size_t i = 0; p != NULL && i < p->mode_count; i++) {
        if (p->modes[i].power_w > w) {
            w = p->modes[i].power_w;
        }
    }
    return w;
}

const ilrs_scenario_partner_t *ilrs_scenario_find_partner(const ilrs_scenario_t *sc, const char *id)
{
    for (size_t i = 0; sc != NULL && id != NULL && i < sc->partner_count; i++) {
        if (strcmp(sc->partners[i].id, id) == 0) {
            return &sc->partners[i];
        }
    }
    return NULL;
}

const ilrs_scenario_payload_t *ilrs_scenario_find_payload(const ilrs_scenario_t *sc, const char *id)
{
    for (size_t i = 0; sc != NULL && id != NULL && i < sc->payload_count; i++) {
        if (strcmp(sc->payloads[i].id, id) == 0) {
            return &sc->payloads[i];
        }
    }
    return NULL;
}

const ilrs_scenario_node_t *ilrs_scenario_find_node(const ilrs_scenario_t *sc, const char *name)
{
    for (size_t i = 0; sc != NULL && name != NULL && i < sc->node_count; i++) {
        if (strcmp(sc->nodes[i].name, name) == 0) {
            return &sc->nodes[i];
        }
    }
    return NULL;
}
