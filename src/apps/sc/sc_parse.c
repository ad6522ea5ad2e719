// SPDX-License-Identifier: Apache-2.0
//
// The stored-command text format (docs/apps.md): sections "rts N" and "ats",
// then one command per line: a time (RTS: seconds after the previous command;
// ATS: ISO-8601 UTC), the command name and its arguments as a user types them.
// Each command is built against the dictionary while parsing, so a bad
// argument is found at load time with its line number, not when it would run.
// Written by hand: a line-oriented format of three token kinds needs no parser
// library.
#include <errno.h>
#include <stdlib.h>

#include "apps/apps_int.h"

#define LINE_MAX_OCTETS 1024
#define ARGS_MAX 16

static int fail(char *error, size_t cap, int code, uint32_t line, const char *fmt, const char *what)
{
    if (error != NULL && cap > 0) {
        char msg[200];
        snprintf(msg, sizeof msg, fmt, what);
        snprintf(error, cap, "line %u: %s", line, msg);
    }
    return code;
}

/* Split @p s in place into tokens (whitespace separated, "..." quoted). */
static int tokenize(char *s, char **tok, size_t max, size_t *n)
{
    *n = 0;
    char *p = s;
    for (;;) {
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (*p == '\0' || *p == '#') {
            return 0;
        }
        if (*n >= max) {
            return ILRS_ELIMIT;
        }
        if (*p == '"') {
            char *start = ++p;
            while (*p != '\0' && *p != '"') {
                p++;
            }
            if (*p != '"') {
                return ILRS_EFORMAT;
            }
            *p++ = '\0';
            tok[(*n)++] = start;
            if (*p != '\0' && *p != ' ' && *p != '\t') {
                return ILRS_EFORMAT;
            }
            continue;
        }
        tok[(*n)++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '#') {
            if (*p == '"') {
                return ILRS_EFORMAT;
            }
            p++;
        }
        if (*p == '#') {
            *p = '\0';
            return 0;
        }
        if (*p != '\0') {
            *p++ = '\0';
        }
    }
}

static bool parse_seconds(const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno != 0 || !isfinite(v) || v < 0.0 || v > 1e7) {
        return false;
    }
    *out = v;
    return true;
}

int ilrs_sc_parse(const char *text, size_t len, ilrs_dict_t *dict, ilrs_sc_program_t *out,
                  char *error, size_t error_cap)
{
    if (error != NULL && error_cap > 0) {
        error[0] = '\0';
    }
    if ((text == NULL && len > 0) || dict == NULL || out == NULL) {
        return ILRS_EINVAL;
    }
    ilrs_sc_program_t *tmp = calloc(1, sizeof *tmp);
    if (tmp == NULL) {
        return ILRS_ENOMEM;
    }
    int rc = 0;
    int section = -1; /* -1 none, 0 ats, 1..16 rts */
    uint32_t line_no = 0;
    size_t pos = 0;
    char line[LINE_MAX_OCTETS + 1];
    while (rc == 0 && pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n') {
            end++;
        }
        line_no++;
        size_t n = end - pos;
        if (n > LINE_MAX_OCTETS) {
            rc = fail(error, error_cap, ILRS_EFORMAT, line_no, "%s", "line too long");
            break;
        }
        if (memchr(text + pos, '\0', n) != NULL) {
            rc = fail(error, error_cap, ILRS_EFORMAT, line_no, "%s", "NUL octet in the text");
            break;
        }
        memcpy(line, text + pos, n);
        line[n] = '\0';
        if (n > 0 && line[n - 1] == '\r') {
            line[n - 1] = '\0';
        }
        pos = end + 1;
        char *tok[ARGS_MAX + 2];
        size_t nt = 0;
        int trc = tokenize(line, tok, ARGS_MAX + 2, &nt);
        if (trc != 0) {
            rc = fail(error, error_cap, trc, line_no, "%s",
                      trc == ILRS_ELIMIT ? "too many arguments" : "unbalanced or misplaced quote");
            break;
        }
        if (nt == 0) {
            continue;
        }
        if (strcmp(tok[0], "rts") == 0) {
            char *e = NULL;
            long v = nt == 2 ? strtol(tok[1], &e, 10) : 0;
            if (nt != 2 || e == tok[1] || *e != '\0' || v < 1 || v > ILRS_SC_MAX_RTS) {
                rc = fail(error, error_cap, ILRS_ERANGE, line_no, "%s",
                          "section 'rts N' needs N in 1..16");
                break;
            }
            section = (int)v;
            if (tmp->rts_loaded[section - 1]) {
                rc = fail(error, error_cap, ILRS_EFORMAT, line_no, "%s", "RTS defined twice");
                break;
            }
            tmp->rts_loaded[section - 1] = true;
            continue;
        }
        if (strcmp(tok[0], "ats") == 0) {
            if (nt != 1 || tmp->ats_loaded) {
                rc = fail(error, error_cap, ILRS_EFORMAT, line_no, "%s",
                          "section 'ats' takes no argument and appears once");
                break;
            }
            section = 0;
            tmp->ats_loaded = true;
            continue;
        }
        if (section < 0) {
            rc = fail(error, error_cap, ILRS_EFORMAT, line_no, "%s",
                      "command before any 'rts N' or 'ats' section");
            break;
        }
        if (nt < 2) {
            rc = fail(error, error_cap, ILRS_EFORMAT, line_no, "%s", "a time and a command expected");
            break;
        }
        ilrs_sc_command_t *c;
        if (section == 0) {
            if (tmp->ats_count >= ILRS_SC_MAX_ATS_CMDS) {
                rc = fail(error, error_cap, ILRS_ELIMIT, line_no, "%s", "ATS full");
                break;
            }
            c = &tmp->ats[tmp->ats_count];
            ilrs_tai_t t = 0;
            if (ilrs_time_parse_iso(tok[0], &t) != 0) {
                rc = fail(error, error_cap, ILRS_EFORMAT, line_no, "bad ISO-8601 time '%s'", tok[0]);
                break;
            }
            if (tmp->ats_count > 0 && t < tmp->ats[tmp->ats_count - 1].time) {
                rc = fail(error, error_cap, ILRS_ERANGE, line_no, "%s", "ATS times must ascend");
                break;
            }
            c->time = t;
        } else {
            uint32_t *count = &tmp->rts_count[section - 1];
            if (*count >= ILRS_SC_MAX_CMDS) {
                rc = fail(error, error_cap, ILRS_ELIMIT, line_no, "%s", "RTS full (32 commands)");
                break;
            }
            c = &tmp->rts[section - 1][*count];
            double s = 0;
            if (!parse_seconds(tok[0], &s)) {
                rc = fail(error, error_cap, ILRS_EFORMAT, line_no, "bad delay '%s' (seconds >= 0)",
                          tok[0]);
                break;
            }
            c->time = (int64_t)llround(s * 1e9);
        }
        const ilrs_dict_command_t *def = ilrs_dict_find_command_by_name(dict, tok[1]);
        if (def == NULL) {
            rc = fail(error, error_cap, ILRS_ENOENT, line_no, "unknown command '%s'", tok[1]);
            break;
        }
        size_t plen = 0;
        char why[160];
        int brc = ilrs_dict_build_command(def, (const char *const *)(tok + 2), nt - 2, c->packet,
                                          sizeof c->packet, &plen, why, sizeof why);
        if (brc != 0) {
            rc = fail(error, error_cap, brc == ILRS_EINVAL ? ILRS_EFSW_ARG : brc, line_no, "%s",
                      why);
            break;
        }
        c->len = (uint16_t)plen;
        c->line = line_no;
        if (section == 0) {
            tmp->ats_count++;
        } else {
            tmp->rts_count[section - 1]++;
        }
    }
    if (rc == 0) {
        for (size_t i = 0; i < ILRS_SC_MAX_RTS; i++) {
            if (tmp->rts_loaded[i]) {
                memcpy(out->rts[i], tmp->rts[i], sizeof out->rts[i]);
                out->rts_count[i] = tmp->rts_count[i];
                out->rts_loaded[i] = true;
            }
        }
        if (tmp->ats_loaded) {
            memcpy(out->ats, tmp->ats, sizeof out->ats);
            out->ats_count = tmp->ats_count;
            out->ats_loaded = true;
        }
    }
    free(tmp);
    return rc;
}
