// SPDX-License-Identifier: Apache-2.0
//
// LC (limit checker) app, in the style of cFS LC. Watchpoints compare one
// telemetry field (found by packet APID and field name in the dictionary, read
// and calibrated through it) with a threshold each time its packet arrives on
// the bus, with a persistence count. Actionpoints combine watchpoint results in
// a reverse-Polish expression (AND, OR, XOR, NOT, EQUAL; a STALE operand makes
// the result STALE) evaluated every step; an active actionpoint true for its
// persistence fires once (ScStartRts through the command ingest, event) and
// re-arms when it turns false. Packets are resolved lazily because HK packets
// exist only once the flight instance has started. Events in lc_eid.h.
#include <stdlib.h>

#include "apps/apps_int.h"
#include "apps/lc/lc_eid.h"

typedef struct wp_state {
    const ilrs_dict_field_t *field;
    bool resolved, error_raised;
    uint8_t result;
    uint32_t true_count;
    double last_value;
    uint32_t samples;
} wp_state_t;

typedef struct ap_state {
    uint8_t result;
    uint8_t state;
    uint32_t true_count;
    bool fired; /* latched until the result is false again */
    uint32_t fires;
} ap_state_t;

struct ilrs_lc_app {
    ilrs_lc_config_t cfg;
    wp_state_t wp[ILRS_LC_MAX_WP];
    ap_state_t ap[ILRS_LC_MAX_AP];
    const ilrs_dict_command_t *cmd_ap_state, *cmd_wp_value;
    uint32_t packets, evaluations, fires, rts_errors, wp_errors;
};

static bool rpn_ok(const ilrs_lc_actionpoint_t *ap, size_t wp_count)
{
    if (ap->rpn_count == 0 || ap->rpn_count > ILRS_LC_RPN_MAX) {
        return false;
    }
    int depth = 0;
    for (size_t i = 0; i < ap->rpn_count; i++) {
        int16_t t = ap->rpn[i];
        if (t >= 0) {
            if ((size_t)t >= wp_count) {
                return false;
            }
            depth++;
        } else if (t == ILRS_LC_RPN_NOT) {
            if (depth < 1) {
                return false;
            }
        } else if (t >= ILRS_LC_RPN_EQUAL && t <= ILRS_LC_RPN_AND) {
            if (depth < 2) {
                return false;
            }
            depth--;
        } else {
            return false;
        }
    }
    return depth == 1;
}

int ilrs_lc_app_create(const ilrs_lc_config_t *cfg, ilrs_lc_app_t **out)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (cfg == NULL || out == NULL || cfg->wp_count > ILRS_LC_MAX_WP ||
        cfg->ap_count > ILRS_LC_MAX_AP) {
        return ILRS_EINVAL;
    }
    for (size_t i = 0; i < cfg->wp_count; i++) {
        const ilrs_lc_watchpoint_t *w = &cfg->wp[i];
        if ((unsigned)w->op > ILRS_LC_NE || !isfinite(w->value) || w->field[0] == '\0') {
            ilrs_log(ILRS_LOG_ERROR, "lc", "watchpoint %zu: bad operator, value or field", i);
            return ILRS_EINVAL;
        }
    }
    for (size_t i = 0; i < cfg->ap_count; i++) {
        const ilrs_lc_actionpoint_t *p = &cfg->ap[i];
        if (!rpn_ok(p, cfg->wp_count) || p->rts < 1 || p->rts > ILRS_SC_MAX_RTS ||
            (unsigned)p->state > ILRS_LC_AP_DISABLED) {
            ilrs_log(ILRS_LOG_ERROR, "lc", "actionpoint %zu: bad RPN, RTS or state", i);
            return ILRS_EINVAL;
        }
    }
    ilrs_lc_app_t *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return ILRS_ENOMEM;
    }
    a->cfg = *cfg;
    *out = a;
    return 0;
}

void ilrs_lc_app_destroy(ilrs_lc_app_t *app)
{
    free(app);
}

/* ---- commands ------------------------------------------------------------------------ */

static const ilrs_dict_enum_t ap_state_labels[] = {
    {ILRS_LC_AP_ACTIVE, "ACTIVE"}, {ILRS_LC_AP_PASSIVE, "PASSIVE"}, {ILRS_LC_AP_DISABLED, "DISABLED"}};

static const ilrs_dict_field_t ap_args[] = {
    {.name = "ap", .type = ILRS_DICT_U8, .has_range = true, .min = 0, .max = ILRS_LC_MAX_AP - 1,
     .description = "actionpoint index"},
    {.name = "state", .type = ILRS_DICT_U8, .enums = ap_state_labels, .enum_count = 3,
     .description = "new state"},
};

static int cmd_ap_state(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_lc_app_t *a = ctx;
    size_t i = (size_t)apps_arg_int(a->cmd_ap_state, 0, pkt, len);
    if (i >= a->cfg.ap_count) {
        return ILRS_ERANGE;
    }
    a->ap[i].state = (uint8_t)apps_arg_int(a->cmd_ap_state, 1, pkt, len);
    a->ap[i].true_count = 0;
    a->ap[i].fired = false;
    ilrs_app_event(app, LC_AP_STATE_INF_EID, ILRS_EVENT_INFO, "actionpoint %zu (%s) now %s", i,
                   a->cfg.ap[i].name, ap_state_labels[a->ap[i].state].label);
    return 0;
}

static const ilrs_dict_field_t wp_args[] = {
    {.name = "wp", .type = ILRS_DICT_U8, .has_range = true, .min = 0, .max = ILRS_LC_MAX_WP - 1,
     .description = "watchpoint index"},
    {.name = "value", .type = ILRS_DICT_F64, .has_range = true, .min = -1e300, .max = 1e300,
     .description = "new threshold (engineering units)"},
};

static int cmd_wp_value(ilrs_app_t *app, void *ctx, const uint8_t *pkt, size_t len)
{
    ilrs_lc_app_t *a = ctx;
    size_t i = (size_t)apps_arg_int(a->cmd_wp_value, 0, pkt, len);
    if (i >= a->cfg.wp_count) {
        return ILRS_ERANGE;
    }
    a->cfg.wp[i].value = apps_arg_real(a->cmd_wp_value, 1, pkt, len);
    a->wp[i].true_count = 0;
    ilrs_app_event(app, LC_WP_SET_INF_EID, ILRS_EVENT_INFO, "watchpoint %zu threshold %g", i,
                   a->cfg.wp[i].value);
    return 0;
}

/* ---- init, step ------------------------------------------------------------------------ */

static const apps_event_t events[] = {
    {LC_AP_FIRE_ERR_EID, "LC_AP_FIRE_ERR", ILRS_EVENT_ERROR,
     "actionpoint %zu (%s) fired after %u evaluations: starting RTS %u",
     "an active actionpoint's expression held for its persistence: its RTS is started"},
    {LC_AP_PASSIVE_INF_EID, "LC_AP_PASSIVE_INF", ILRS_EVENT_INFO,
     "passive actionpoint %zu (%s) true: RTS %u not started",
     "a passive actionpoint's expression held (monitoring only)"},
    {LC_WP_ERR_EID, "LC_WP_ERR", ILRS_EVENT_ERROR, "watchpoint %zu: %s APID 0x%03X field '%s'",
     "a watchpoint names a packet or field that is not in the dictionary"},
    {LC_AP_STATE_INF_EID, "LC_AP_STATE_INF", ILRS_EVENT_INFO, "actionpoint %zu (%s) now %s",
     "an actionpoint was made active, passive or disabled by command"},
    {LC_RTS_ERR_EID, "LC_RTS_ERR", ILRS_EVENT_ERROR, "actionpoint %zu: RTS %u request refused: %s",
     "the ScStartRts command of a firing actionpoint was refused"},
    {LC_AP_CLEAR_INF_EID, "LC_AP_CLEAR_INF", ILRS_EVENT_INFO,
     "actionpoint %zu (%s) false again: re-armed", "a fired actionpoint's expression is false"},
    {LC_WP_SET_INF_EID, "LC_WP_SET_INF", ILRS_EVENT_INFO, "watchpoint %zu threshold %g",
     "a watchpoint threshold was changed by command"},
};

static int lc_init(ilrs_app_t *app, void *ctx)
{
    ilrs_lc_app_t *a = ctx;
    int rc = apps_register_events(app, events, APPS_COUNT(events));
    if (rc == 0) {
        rc = apps_command(app, "LcSetApState", 2, "make an actionpoint active, passive or disabled",
                          ap_args, 2, cmd_ap_state, &a->cmd_ap_state);
    }
    if (rc == 0) {
        rc = apps_command(app, "LcSetWpValue", 3, "change a watchpoint's threshold", wp_args, 2,
                          cmd_wp_value, &a->cmd_wp_value);
    }
    const apps_counter_t counters[] = {
        {"packets", NULL, ILRS_DICT_U32, &a->packets},
        {"evaluations", NULL, ILRS_DICT_U32, &a->evaluations},
        {"fires", NULL, ILRS_DICT_U32, &a->fires},
        {"rts_errors", NULL, ILRS_DICT_U32, &a->rts_errors},
        {"wp_errors", NULL, ILRS_DICT_U32, &a->wp_errors},
    };
    if (rc == 0) {
        rc = apps_hk_counters(app, counters, APPS_COUNT(counters));
    }
    memset(a->wp, 0, sizeof a->wp);
    memset(a->ap, 0, sizeof a->ap);
    for (size_t i = 0; i < a->cfg.ap_count; i++) {
        a->ap[i].state = (uint8_t)a->cfg.ap[i].state;
    }
    return rc;
}

static void resolve(ilrs_app_t *app, ilrs_lc_app_t *a)
{
    ilrs_dict_t *dict = ilrs_fsw_dict(ilrs_app_fsw(app));
    for (size_t i = 0; i < a->cfg.wp_count; i++) {
        wp_state_t *w = &a->wp[i];
        if (w->resolved || w->error_raised) {
            continue;
        }
        const ilrs_lc_watchpoint_t *c = &a->cfg.wp[i];
        const ilrs_dict_packet_t *p = ilrs_dict_find_packet(dict, c->apid);
        if (p == NULL) {
            continue; /* not registered yet (HK packets appear at start; payloads later) */
        }
        w->field = ilrs_dict_find_field(p, c->field);
        if (w->field == NULL || w->field->type == ILRS_DICT_STRING ||
            w->field->type == ILRS_DICT_BYTES) {
            w->error_raised = true;
            w->result = ILRS_LC_ERROR;
            a->wp_errors++;
            ilrs_app_event(app, LC_WP_ERR_EID, ILRS_EVENT_ERROR,
                           "watchpoint %zu: %s APID 0x%03X field '%s'", i,
                           w->field == NULL ? "no such field in" : "non-numeric field in", c->apid,
                           c->field);
            continue;
        }
        w->resolved = true;
        int src = ilrs_app_subscribe(app, ilrs_msgid_tlm(c->apid), 0);
        (void)src; /* ILRS_EEXIST when another watchpoint already subscribed the packet */
    }
}

static bool compare(ilrs_lc_op_t op, double v, double th)
{
    switch (op) {
    case ILRS_LC_LT: return v < th;
    case ILRS_LC_LE: return v <= th;
    case ILRS_LC_GT: return v > th;
    case ILRS_LC_GE: return v >= th;
    case ILRS_LC_EQ: return v == th;
    case ILRS_LC_NE: return v != th;
    default: return false;
    }
}

static void on_packet(ilrs_lc_app_t *a, const uint8_t *pkt, size_t len)
{
    uint16_t apid = ilrs_ccsds_get_apid(pkt);
    a->packets++;
    for (size_t i = 0; i < a->cfg.wp_count; i++) {
        wp_state_t *w = &a->wp[i];
        const ilrs_lc_watchpoint_t *c = &a->cfg.wp[i];
        if (!w->resolved || c->apid != apid) {
            continue;
        }
        double raw = 0;
        if (ilrs_dict_get_raw(w->field, pkt, len, &raw) != 0) {
            continue; /* short packet: the bus checked the header, not the layout */
        }
        double v = ilrs_dict_calibrate(w->field, raw);
        w->last_value = v;
        w->samples++;
        uint32_t need = c->persistence > 0 ? c->persistence : 1;
        if (compare(c->op, v, c->value)) {
            w->true_count++;
            w->result = w->true_count >= need ? ILRS_LC_TRUE : ILRS_LC_FALSE;
        } else {
            w->true_count = 0;
            w->result = ILRS_LC_FALSE;
        }
    }
}

/* Evaluate actionpoint @p i's RPN. */
static uint8_t evaluate(const ilrs_lc_app_t *a, size_t i)
{
    const ilrs_lc_actionpoint_t *p = &a->cfg.ap[i];
    uint8_t st[ILRS_LC_RPN_MAX];
    int n = 0;
    for (size_t k = 0; k < p->rpn_count; k++) {
        int16_t t = p->rpn[k];
        if (t >= 0) {
            st[n++] = a->wp[t].result;
            continue;
        }
        if (t == ILRS_LC_RPN_NOT) {
            uint8_t x = st[n - 1];
            st[n - 1] = x == ILRS_LC_TRUE ? ILRS_LC_FALSE : x == ILRS_LC_FALSE ? ILRS_LC_TRUE : x;
            continue;
        }
        uint8_t y = st[--n], x = st[n - 1];
        if (x == ILRS_LC_ERROR || y == ILRS_LC_ERROR) {
            st[n - 1] = ILRS_LC_ERROR;
            continue;
        }
        if (x == ILRS_LC_STALE || y == ILRS_LC_STALE) {
            st[n - 1] = ILRS_LC_STALE;
            continue;
        }
        bool bx = x == ILRS_LC_TRUE, by = y == ILRS_LC_TRUE, r = false;
        switch (t) {
        case ILRS_LC_RPN_AND: r = bx && by; break;
        case ILRS_LC_RPN_OR: r = bx || by; break;
        case ILRS_LC_RPN_XOR: r = bx != by; break;
        default: r = bx == by; break; /* EQUAL */
        }
        st[n - 1] = r ? ILRS_LC_TRUE : ILRS_LC_FALSE;
    }
    return st[0];
}

static int lc_step(ilrs_app_t *app, void *ctx)
{
    ilrs_lc_app_t *a = ctx;
    resolve(app, a);
    const uint8_t *pkt;
    size_t len;
    while (ilrs_app_receive(app, &pkt, &len) == 0) {
        on_packet(a, pkt, len);
    }
    for (size_t i = 0; i < a->cfg.ap_count; i++) {
        ap_state_t *s = &a->ap[i];
        const ilrs_lc_actionpoint_t *p = &a->cfg.ap[i];
        if (s->state == ILRS_LC_AP_DISABLED) {
            continue;
        }
        a->evaluations++;
        s->result = evaluate(a, i);
        if (s->result != ILRS_LC_TRUE) {
            s->true_count = 0;
            if (s->fired && s->result == ILRS_LC_FALSE) {
                s->fired = false;
                ilrs_app_event(app, LC_AP_CLEAR_INF_EID, ILRS_EVENT_INFO,
                               "actionpoint %zu (%s) false again: re-armed", i, p->name);
            }
            continue;
        }
        s->true_count++;
        uint32_t need = p->persistence > 0 ? p->persistence : 1;
        if (s->fired || s->true_count < need) {
            continue;
        }
        s->fired = true;
        s->fires++;
        a->fires++;
        if (s->state == ILRS_LC_AP_PASSIVE) {
            ilrs_app_event(app, LC_AP_PASSIVE_INF_EID, ILRS_EVENT_INFO,
                           "passive actionpoint %zu (%s) true: RTS %u not started", i, p->name,
                           p->rts);
            continue;
        }
        ilrs_app_event(app, LC_AP_FIRE_ERR_EID, ILRS_EVENT_ERROR,
                       "actionpoint %zu (%s) fired after %u evaluations: starting RTS %u", i,
                       p->name, s->true_count, p->rts);
        char rts[8];
        snprintf(rts, sizeof rts, "%u", p->rts);
        const char *args[] = {rts};
        int rc = apps_send(app, "ScStartRts", args, 1);
        if (rc != 0) {
            a->rts_errors++;
            ilrs_app_event(app, LC_RTS_ERR_EID, ILRS_EVENT_ERROR,
                           "actionpoint %zu: RTS %u request refused: %s", i, p->rts,
                           ilrs_strerror(rc));
        }
    }
    return 0;
}

static void lc_reset(ilrs_app_t *app, void *ctx)
{
    (void)app;
    ilrs_lc_app_t *a = ctx;
    a->packets = a->evaluations = a->fires = a->rts_errors = 0;
}

void ilrs_lc_app_def(ilrs_lc_app_t *app, ilrs_app_def_t *def)
{
    memset(def, 0, sizeof *def);
    def->name = "LC";
    def->description = "limit checker: watchpoints and actionpoints";
    def->init = lc_init;
    def->step = lc_step;
    def->rate_hz = 1.0;
    def->priority = 1;
    def->context = app;
    def->apid = app->cfg.apid;
    def->pipe_depth = 128;
    def->reset_counters = lc_reset;
}

ilrs_lc_result_t ilrs_lc_app_wp_result(const ilrs_lc_app_t *app, size_t wp)
{
    return wp < app->cfg.wp_count ? (ilrs_lc_result_t)app->wp[wp].result : ILRS_LC_ERROR;
}

ilrs_lc_result_t ilrs_lc_app_ap_result(const ilrs_lc_app_t *app, size_t ap)
{
    return ap < app->cfg.ap_count ? (ilrs_lc_result_t)app->ap[ap].result : ILRS_LC_ERROR;
}

uint32_t ilrs_lc_app_ap_fired(const ilrs_lc_app_t *app, size_t ap)
{
    return ap < app->cfg.ap_count ? app->ap[ap].fires : 0;
}
