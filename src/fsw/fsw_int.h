/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private structures of the flight framework core: the executive, the app record
 * (shared by the executive and the flight instance, which adds its services) and
 * the flight instance. Only src/fsw/fsw_{exec,hk,instance,app_*}.c include this.
 */
#ifndef ILRS_FSW_INT_H
#define ILRS_FSW_INT_H

#include <signal.h>
#include <time.h>

#include <ilrs/fsw.h>

/* Per-app limits of the flight instance (compile time, bounds in comments). */
#define FSW_APP_MAX_COMMANDS 32 /* command handlers per app, 2..128 */
#define FSW_APP_MAX_COUNTERS 48 /* HK counters per app */
#define FSW_HK_STD_FIELDS    9  /* standard HK fields before the app's counters */
#define FSW_APP_MAX_LOAD     64 /* bus-load apps */

/* Framework event IDs every app owns (app-specific IDs start at 10). */
#define FSW_EID_NOOP     1
#define FSW_EID_RESET    2
#define FSW_EID_CMD_FAIL 3

typedef struct fsw_cmd_slot {
    uint8_t function_code;
    ilrs_app_cmd_fn fn;
    const ilrs_dict_command_t *def;
} fsw_cmd_slot_t;

typedef struct fsw_counter {
    char name[ILRS_DICT_NAME_MAX];
    char unit[16];
    ilrs_dict_type_t type;
    const void *value;
} fsw_counter_t;

struct ilrs_app {
    ilrs_exec_t *exec;
    ilrs_fsw_t *fsw; /* NULL for a bare executive */
    uint32_t index;
    char name[ILRS_APP_NAME_MAX];
    ilrs_app_def_t def; /* strings borrowed from the caller's definition */
    void *ctx;
    uint32_t period; /* minor frames between steps */
    ilrs_app_state_t state;
    bool initialised_once;
    uint64_t restart_frame; /* RESTARTING: frame of the next init */
    uint32_t failures_since_restart;
    /* statistics */
    uint64_t steps, failures, restarts, overruns;
    uint64_t timed_steps;
    int64_t exec_min_ns, exec_max_ns, exec_total_ns; /* over timed steps */

    /* ---- flight-instance services (fsw_instance.c, fsw_hk.c) ---- */
    uint16_t apid; /* HK telemetry and command APID */
    bool has_cmd_pipe, has_data_pipe;
    ilrs_pipe_id_t cmd_pipe, data_pipe;
    uint32_t cmd_accepted, cmd_rejected;
    fsw_cmd_slot_t cmds[FSW_APP_MAX_COMMANDS];
    uint32_t cmd_count;
    fsw_counter_t counters[FSW_APP_MAX_COUNTERS];
    uint32_t counter_count;
    const ilrs_dict_packet_t *hk_def; /* the app's HK packet in the dictionary */
    uint8_t *hk_packet;               /* its buffer, allocated at start */
    uint32_t hk_seq;
    uint64_t error_events; /* ERROR/CRITICAL events sent by the app */
};

/* Called by the executive before each app step (set by the flight instance);
 * returns how many commands it dispatched. */
typedef int (*fsw_pre_step_fn)(void *user, ilrs_app_t *app);

struct ilrs_exec {
    ilrs_exec_config_t cfg;
    ilrs_time_t *time;
    ilrs_app_t *apps; /* max_apps records */
    uint32_t app_count;
    bool started;
    /* schedule: for frame f, entries[offsets[f % cycle] .. offsets[f % cycle + 1]) */
    uint32_t cycle;
    uint32_t *offsets;
    uint32_t *entries;
    uint32_t *gap; /* frames from slot f to the next slot with apps (0: f has apps) */
    uint64_t frame;
    int64_t frame_ns;     /* ns per minor frame when minor_hz divides 1 s exactly, else 0 */
    uint32_t timing_mask; /* timing_sample - 1 when a power of two, else 0 (use modulo) */
    uint32_t restarts_pending;
    uint32_t apps_running, apps_disabled; /* kept by set_state (fsw_exec.c) */
    uint64_t steps, failures, restarts, overruns, slips;
    struct timespec wall_base; /* wall mode: monotonic time of frame 0 */
    bool wall_base_set;
    ilrs_exec_notice_fn notice;
    void *notice_user;
    fsw_pre_step_fn pre_step;
    void *pre_step_user;
    volatile sig_atomic_t stop;
};

/* Exec internals used by the instance. */
int64_t ilrs__exec_frame_start_ns(const ilrs_exec_t *exec, uint64_t frame);

/* ---- housekeeping (fsw_hk.c) ---- */
/* Build the HK packet definition of @p app into the dictionary and its buffer. */
int ilrs__hk_define(ilrs_fsw_t *fsw, ilrs_app_t *app);
/* Fill and publish @p app's HK packet. */
int ilrs__hk_publish(ilrs_fsw_t *fsw, ilrs_app_t *app);

/* ---- the flight instance (fsw_instance.c) ---- */

enum fsw_core_app { CORE_EXEC, CORE_EVS, CORE_SB, CORE_TIME, CORE_TBL, CORE_HK, CORE_CMD };

/* A bus-load app (fsw_app_load.c). */
typedef struct fsw_load_ctx {
    uint16_t apid, peer_apid;
    uint32_t tx, rx, rx_gaps;
    uint32_t expected;
    bool seen;
    uint8_t packet[64];
} fsw_load_ctx_t;

struct ilrs_fsw {
    ilrs_time_t *time;
    ilrs_exec_t *exec;
    ilrs_bus_t *bus;
    ilrs_evs_t *evs;
    ilrs_tbl_registry_t *tables;
    ilrs_dict_t *dict;
    bool started;
    uint32_t hk_interval_s;
    uint32_t cmd_max_len;
    uint32_t evs_rate_limit;
    uint16_t next_user_apid;
    uint16_t apid_owner[ILRS_CCSDS_APID_MAX + 1]; /* app index + 1, 0 = none */
    ilrs_app_t *core[ILRS_FSW_CORE_APP_COUNT];
    ilrs_fsw_cmd_stats_t cmd;
    uint64_t event_packets, event_packet_failures;
    uint8_t event_pkt[ILRS_EVS_PACKET_LEN];
    int drop_depth;
    fsw_load_ctx_t load[FSW_APP_MAX_LOAD];
    uint32_t load_count;
};

/* Core app definitions (fsw_app_*.c). */
extern const ilrs_app_def_t ilrs__app_exec_def;
extern const ilrs_app_def_t ilrs__app_evs_def;
extern const ilrs_app_def_t ilrs__app_sb_def;
extern const ilrs_app_def_t ilrs__app_time_def;
extern const ilrs_app_def_t ilrs__app_tbl_def;
extern const ilrs_app_def_t ilrs__app_hk_def;
extern const ilrs_app_def_t ilrs__app_cmd_def;

/* Helpers for core apps. */
/* Copy a STRING argument of a checked command into @p out (NUL-terminated). */
void ilrs__cmd_get_string(const ilrs_dict_command_t *cmd, size_t arg, const uint8_t *pkt,
                          size_t len, char *out, size_t cap);
/* The dictionary entry of the command in @p pkt. */
const ilrs_dict_command_t *ilrs__cmd_def(const ilrs_app_t *app, const uint8_t *pkt);
/* Register a command with STRING/U16/... args in one call (static definitions). */
int ilrs__app_command(ilrs_app_t *app, const char *name, uint8_t fc, const char *description,
                      const ilrs_dict_field_t *args, size_t arg_count, ilrs_app_cmd_fn fn);
/* Scaled slot for a 1 Hz core app: @p percent of the way through the period. */
uint32_t ilrs__core_slot(uint32_t minor_hz, double rate_hz, uint32_t percent);

#endif
