// SPDX-License-Identifier: Apache-2.0
//
// Scenario YAML reader: libyaml's event parser (yaml_parser_parse) turned into a
// small tree of scalars, sequences and mappings that keep their line and
// column. We do not use libyaml's document loader because it has no bound on
// nesting or node count and it expands aliases by reference; here the limits
// ILRS_SCENARIO_MAX_DEPTH, _MAX_NODES_DOC and _MAX_SCALAR are enforced as the
// events arrive, and aliases are refused. Depends on libyaml and base.
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "scenario/scenario_int.h"

/* libyaml marks are 0-based; ours are 1-based. */
static unsigned mark_line(yaml_mark_t m)
{
    return m.line + 1 > (size_t)~0u ? ~0u : (unsigned)(m.line + 1);
}
static unsigned mark_column(yaml_mark_t m)
{
    return m.column + 1 > (size_t)~0u ? ~0u : (unsigned)(m.column + 1);
}

void ilrs__scenario_yaml_free(stree_t *tree)
{
    if (tree == NULL) {
        return;
    }
    for (size_t i = 0; i < tree->all_count; i++) {
        free(tree->all[i]->text);
        free(tree->all[i]->items);
        free(tree->all[i]);
    }
    free(tree->all);
    memset(tree, 0, sizeof *tree);
}

static snode_t *node_new(stree_t *tree, snode_kind_t kind, yaml_mark_t mark)
{
    if (tree->all_count == tree->all_cap) {
        size_t cap = tree->all_cap == 0 ? 64 : tree->all_cap * 2;
        snode_t **grown = realloc(tree->all, cap * sizeof *grown);
        if (grown == NULL) {
            return NULL;
        }
        tree->all = grown;
        tree->all_cap = cap;
    }
    snode_t *n = calloc(1, sizeof *n);
    if (n == NULL) {
        return NULL;
    }
    n->kind = kind;
    n->line = mark_line(mark);
    n->column = mark_column(mark);
    tree->all[tree->all_count++] = n;
    return n;
}

static int node_append(snode_t *parent, snode_t *child)
{
    if (parent->count == parent->cap) {
        size_t cap = parent->cap == 0 ? 8 : parent->cap * 2;
        snode_t **grown = realloc(parent->items, cap * sizeof *grown);
        if (grown == NULL) {
            return ILRS_ENOMEM;
        }
        parent->items = grown;
        parent->cap = cap;
    }
    parent->items[parent->count++] = child;
    return 0;
}

int ilrs__scenario_yaml_parse(scenario_ctx_t *ctx, const char *text, size_t len, stree_t *tree)
{
    memset(tree, 0, sizeof *tree);
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        ilrs__scenario_diag(ctx, ILRS_ENOMEM, false, 0, 0, "", "out of memory");
        return ILRS_ENOMEM;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);

    snode_t *stack[ILRS_SCENARIO_MAX_DEPTH];
    size_t depth = 0;
    int documents = 0;
    int rc = 0;
    bool done = false;

    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            const char *problem = parser.problem != NULL ? parser.problem : "unknown error";
            if (parser.error == YAML_MEMORY_ERROR) {
                rc = ILRS_ENOMEM; /* reported once, below */
            } else if (parser.error == YAML_READER_ERROR) {
                /* The reader (encoding) reports a byte offset, not a mark. */
                unsigned line = 1, column = 1;
                for (size_t i = 0; i < parser.problem_offset && i < len; i++) {
                    if (text[i] == '\n') {
                        line++;
                        column = 1;
                    } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
                        column++;
                    }
                }
                if (parser.problem_value >= 0) {
                    ilrs__scenario_diag(ctx, ILRS_ESCENARIO_SYNTAX, false, line, column, "",
                                        "YAML syntax error: %s (byte 0x%02x)", problem,
                                        (unsigned)parser.problem_value & 0xFFu);
                } else {
                    ilrs__scenario_diag(ctx, ILRS_ESCENARIO_SYNTAX, false, line, column, "",
                                        "YAML syntax error: %s", problem);
                }
                rc = ILRS_ESCENARIO_SYNTAX;
            } else if (parser.context != NULL) {
                ilrs__scenario_diag(
                    ctx, ILRS_ESCENARIO_SYNTAX, false, mark_line(parser.problem_mark),
                    mark_column(parser.problem_mark), "", "YAML syntax error: %s %s (line %u)",
                    problem, parser.context, mark_line(parser.context_mark));
                rc = ILRS_ESCENARIO_SYNTAX;
            } else {
                ilrs__scenario_diag(
                    ctx, ILRS_ESCENARIO_SYNTAX, false, mark_line(parser.problem_mark),
                    mark_column(parser.problem_mark), "", "YAML syntax error: %s", problem);
                rc = ILRS_ESCENARIO_SYNTAX;
            }
            break;
        }
        snode_t *node = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1) {
                ilrs__scenario_diag(ctx, ILRS_ESCENARIO_SYNTAX, false, mark_line(ev.start_mark),
                                    mark_column(ev.start_mark), "",
                                    "only one YAML document is allowed in a scenario");
                rc = ILRS_ESCENARIO_SYNTAX;
                done = true;
            }
            break;
        case YAML_ALIAS_EVENT:
            ilrs__scenario_diag(
                ctx, ILRS_ESCENARIO_SYNTAX, false, mark_line(ev.start_mark),
                mark_column(ev.start_mark), "", "YAML aliases (*%s) are not supported in scenarios",
                ev.data.alias.anchor != NULL ? (const char *)ev.data.alias.anchor : "");
            rc = ILRS_ESCENARIO_SYNTAX;
            done = true;
            break;
        case YAML_SCALAR_EVENT:
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (tree->all_count >= ILRS_SCENARIO_MAX_NODES_DOC) {
                ilrs__scenario_diag(ctx, ILRS_ESCENARIO_LIMIT, false, mark_line(ev.start_mark),
                                    mark_column(ev.start_mark), "",
                                    "document has more than %d YAML nodes",
                                    ILRS_SCENARIO_MAX_NODES_DOC);
                rc = ILRS_ESCENARIO_LIMIT;
                done = true;
                break;
            }
            if (ev.type != YAML_SCALAR_EVENT && depth >= ILRS_SCENARIO_MAX_DEPTH) {
                ilrs__scenario_diag(ctx, ILRS_ESCENARIO_LIMIT, false, mark_line(ev.start_mark),
                                    mark_column(ev.start_mark), "",
                                    "document nested deeper than %d levels",
                                    ILRS_SCENARIO_MAX_DEPTH);
                rc = ILRS_ESCENARIO_LIMIT;
                done = true;
                break;
            }
            if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length > ILRS_SCENARIO_MAX_SCALAR) {
                ilrs__scenario_diag(ctx, ILRS_ESCENARIO_LIMIT, false, mark_line(ev.start_mark),
                                    mark_column(ev.start_mark), "",
                                    "scalar of %zu bytes is longer than the limit of %d",
                                    ev.data.scalar.length, ILRS_SCENARIO_MAX_SCALAR);
                rc = ILRS_ESCENARIO_LIMIT;
                done = true;
                break;
            }
            node = node_new(tree,
                            ev.type == YAML_SCALAR_EVENT           ? SNODE_SCALAR
                            : ev.type == YAML_SEQUENCE_START_EVENT ? SNODE_SEQUENCE
                                                                   : SNODE_MAPPING,
                            ev.start_mark);
            if (node == NULL) {
                rc = ILRS_ENOMEM;
                done = true;
                break;
            }
            if (ev.type == YAML_SCALAR_EVENT) {
                node->len = ev.data.scalar.length;
                node->text = malloc(node->len + 1);
                if (node->text == NULL) {
                    rc = ILRS_ENOMEM;
                    done = true;
                    break;
                }
                memcpy(node->text, ev.data.scalar.value, node->len);
                node->text[node->len] = '\0';
                node->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            }
            if (depth == 0) {
                tree->root = node;
            } else if (node_append(stack[depth - 1], node) != 0) {
                rc = ILRS_ENOMEM;
                done = true;
                break;
            }
            if (ev.type != YAML_SCALAR_EVENT) {
                stack[depth++] = node;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth > 0) {
                depth--;
            }
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (rc == ILRS_ENOMEM) {
        ilrs__scenario_diag(ctx, ILRS_ENOMEM, false, 0, 0, "", "out of memory");
    }
    if (rc == 0 && tree->root == NULL) {
        ilrs__scenario_diag(ctx, ILRS_ESCENARIO_SYNTAX, false, 1, 1, "",
                            "empty document: a scenario is a YAML mapping");
        rc = ILRS_ESCENARIO_SYNTAX;
    }
    return rc;
}
