/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target for the station apps' command handlers. One flight instance with
 * the reference station app set on the twin's reference station lives across
 * inputs. Octet 0 of an input picks one of the station apps' commands in the
 * dictionary (payload SetMode commands included), the rest fills its argument
 * octets; the packet gets a valid header and checksum so it passes the CCSDS
 * checks and reaches the dictionary's argument checks and, when accepted, the
 * app's handler; then the instance runs for one second. Nothing may crash or
 * trip the sanitizers, and every app must still be running afterwards (a
 * handler returning an error is fine; an app failing its step is not).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ilrs/apps.h>
#include <ilrs/twin.h>

typedef struct fuzz_station {
    ilrs_hw_reference_t ref;
    ilrs_hw_station_t *st;
    ilrs_hal_t hal;
    ilrs_fsw_t *fsw;
    ilrs_apps_station_config_t cfg;
    ilrs_apps_station_t apps;
    const ilrs_dict_command_t *cmds[256];
    size_t ncmds;
} fuzz_station_t;

static int twin_step(ilrs_app_t *app, void *ctx)
{
    (void)app;
    fuzz_station_t *f = ctx;
    ilrs_hw_env_t env = {.solar_flux_w_m2 = 1361.0, .sun_el_deg = 1.5,
                         .sun_visible_fraction = 1.0, .regolith_k = 200.0, .sink_k = 3.0};
    env.link_distance_m[0] = 6.0e6;
    env.link_distance_m[1] = 3.844e8;
    return ilrs_hw_station_step(f->st, &env, 1.0);
}

static fuzz_station_t *station(void)
{
    static fuzz_station_t *f;
    if (f != NULL) {
        return f;
    }
    f = calloc(1, sizeof *f);
    if (f == NULL) {
        abort();
    }
    ilrs_hw_reference_init(&f->ref, 1);
    ilrs_app_def_t twin = {.name = "TWIN", .step = twin_step, .rate_hz = 1, .priority = -1000,
                           .context = f};
    if (ilrs_hw_station_create(&f->ref.config, &f->st, NULL, 0) != 0 ||
        ilrs_hw_station_hal(f->st, &f->hal) != 0 || ilrs_fsw_create(NULL, &f->fsw) != 0 ||
        ilrs_fsw_add_app(f->fsw, &twin, NULL) != 0) {
        abort();
    }
    ilrs_apps_reference_config(&f->hal, &f->cfg);
    if (ilrs_apps_station_create(&f->cfg, &f->apps) != 0 ||
        ilrs_apps_station_add(&f->apps, f->fsw) != 0 || ilrs_fsw_start(f->fsw) != 0) {
        abort();
    }
    static const char *const mine[] = {"POWER", "THERMAL", "PAYLOAD", "MODE", "STORAGE",
                                       "COMM",  "HS",      "LC",      "SC"};
    ilrs_dict_t *d = ilrs_fsw_dict(f->fsw);
    for (size_t i = 0; i < ilrs_dict_command_count(d) && f->ncmds < 256; i++) {
        const ilrs_dict_command_t *c = ilrs_dict_command_at(d, i);
        for (size_t k = 0; k < sizeof mine / sizeof mine[0]; k++) {
            /* ScLoadFile would read arbitrary host paths: not fuzzed */
            if (strcmp(c->app, mine[k]) == 0 && strcmp(c->name, "ScLoadFile") != 0) {
                f->cmds[f->ncmds++] = c;
            }
        }
    }
    return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_station_t *f = station();
    if (size < 1 || f->ncmds == 0) {
        return 0;
    }
    const ilrs_dict_command_t *c = f->cmds[data[0] % f->ncmds];
    uint8_t pkt[1024];
    if (c->length > sizeof pkt || ilrs_ccsds_cmd_init(pkt, sizeof pkt, c->apid, c->function_code,
                                                      c->length) != 0) {
        return 0;
    }
    size_t n = size - 1 < c->length - 8u ? size - 1 : c->length - 8u;
    memset(pkt + 8, 0, c->length - 8u);
    memcpy(pkt + 8, data + 1, n);
    ilrs_ccsds_cmd_seal(pkt, c->length);
    (void)ilrs_fsw_command(f->fsw, pkt, c->length);
    if (ilrs_fsw_run(f->fsw, 1000000000) != 0) {
        abort();
    }
    ilrs_exec_stats_t es;
    ilrs_exec_get_stats(ilrs_fsw_exec(f->fsw), &es);
    if (es.failures != 0) {
        abort();
    }
    return 0;
}
