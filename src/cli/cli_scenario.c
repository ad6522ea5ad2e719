// SPDX-License-Identifier: Apache-2.0
//
// `ilrs scenario check FILE`: load a scenario with every schema check and
// cross-check, then print either a summary of what it describes (site, time
// span, station elements, partners and payloads, faults) or the list of
// problems, one "file:line:column: key.path: message" per line, exit status 1.
// Warnings are printed in both cases and do not fail the check.
#include <stdio.h>
#include <string.h>

#include <ilrs/scenario.h>

#include "cli/cli.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: ilrs scenario check [options] FILE\n"
                 "\n"
                 "Validate a station scenario (YAML) and print a summary, or the list of\n"
                 "errors as file:line:column: key.path: message (exit status 1).\n"
                 "The format is documented in docs/scenario.md; examples in scenarios/.\n"
                 "\n"
                 "options:\n"
                 "  --mass-cap-error  treat the Chang'e-8 payload mass caps (100 kg per\n"
                 "                    partner, 200 kg in all) as errors, not warnings\n"
                 "  --no-file-check   do not require the DEM files to exist\n"
                 "  -q, --quiet       print only problems\n"
                 "  -h, --help        this text\n");
}

static void print_diags(const ilrs_scenario_diags_t *d)
{
    char line[ILRS_SCENARIO_FILE_MAX + ILRS_SCENARIO_KEYPATH_MAX + ILRS_SCENARIO_MESSAGE_MAX + 64];
    for (size_t i = 0; i < d->count; i++) {
        ilrs_scenario_diag_format(d, i, line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
    if (d->dropped > 0) {
        fprintf(stderr, "%s: %zu more problems not shown\n", d->file, d->dropped);
    }
}

static void print_summary(const ilrs_scenario_t *sc)
{
    printf("scenario  %s\n", sc->name);
    if (sc->description[0] != '\0') {
        printf("          %s\n", sc->description);
    }
    printf("site      %s %.4f deg lat, %.4f deg E, mast %.1f m, %s", sc->site.name,
           sc->site.lat_deg, sc->site.lon_deg, sc->site.mast_height_m,
           sc->site.regolith == ILRS_SCENARIO_REGOLITH_MARE ? "mare" : "highland");
    if (sc->site.has_height_m) {
        printf(", height %.1f m", sc->site.height_m);
    }
    printf("\n");
    for (size_t i = 0; i < sc->site.dem_count; i++) {
        printf("  dem     %s\n", sc->site.dems[i].resolved);
    }
    printf("time      from %s for %.2f d, seed %llu\n", sc->epoch_utc, sc->duration_s / 86400.0,
           (unsigned long long)sc->seed);
    printf("hub       %s: avionics %.1f W (hibernating %.1f W), node %s\n", sc->hub.name,
           sc->hub.avionics_power_w, sc->hub.hibernate_power_w, sc->hub.thermal_node);

    const ilrs_scenario_power_t *pw = &sc->power;
    printf("power     bus %.0f V, peak %.1f W (arrays at 1415 W/m2 + RTGs)\n", pw->bus_voltage_v,
           ilrs_scenario_peak_power_w(sc));
    for (size_t i = 0; i < pw->array_count; i++) {
        const ilrs_scenario_array_t *a = &pw->arrays[i];
        printf("  array   %s: %.2f m2 x %.3f, %s, mast %.1f m\n", a->id, a->area_m2, a->efficiency,
               ilrs_scenario_tracking_name(a->tracking), a->mast_height_m);
    }
    for (size_t i = 0; i < pw->battery_count; i++) {
        const ilrs_scenario_battery_t *b = &pw->batteries[i];
        printf("  battery %s: %.0f Wh, %u x %u cells, SOC %.2f..%.2f\n", b->id, b->capacity_wh,
               b->strings, b->cells_per_string, b->min_soc, b->max_soc);
    }
    for (size_t i = 0; i < pw->rhu_count; i++) {
        printf("  rhu     %s: %u x %.2f W thermal -> %s\n", pw->rhus[i].id, pw->rhus[i].count,
               pw->rhus[i].thermal_w_each, pw->rhus[i].thermal_node);
    }
    for (size_t i = 0; i < pw->rtg_count; i++) {
        printf("  rtg     %s: %.1f W electric, %.0f W thermal\n", pw->rtgs[i].id,
               pw->rtgs[i].electric_w, pw->rtgs[i].thermal_w);
    }
    for (size_t i = 0; i < pw->line_count; i++) {
        printf("  line    %s: %.1f A%s\n", pw->lines[i].id, pw->lines[i].current_limit_a,
               pw->lines[i].switchable ? "" : " (always on)");
    }
    size_t heaters = 0;
    for (size_t i = 0; i < sc->node_count; i++) {
        heaters += sc->nodes[i].heater_count;
    }
    printf("thermal   %zu nodes, %zu heaters\n", sc->node_count, heaters);
    for (size_t i = 0; i < sc->radio_count; i++) {
        const ilrs_scenario_radio_t *r = &sc->radios[i];
        printf("radio     %s: %s, %s band %.4g GHz, %.1f W, %.1f dBi, %zu rates up to %.4g bit/s\n",
               r->id, ilrs_scenario_link_name(r->link), ilrs_scenario_band_name(r->band),
               r->frequency_hz / 1e9, r->tx_power_w, r->antenna_gain_dbi, r->rate_count,
               r->rate_count > 0 ? r->rates[r->rate_count - 1].rate_bps : 0.0);
    }
    printf("storage   %.1f GiB\n", (double)sc->storage.capacity_bytes / (1024.0 * 1024 * 1024));
    for (size_t i = 0; i < sc->rover_count; i++) {
        printf("rover     %s: %.0f W active, %.0f bit/s\n", sc->rovers[i].id,
               sc->rovers[i].active_power_w, sc->rovers[i].data_rate_bps);
    }
    for (size_t i = 0; i < sc->relay_count; i++) {
        const ilrs_scenario_relay_t *r = &sc->relays[i];
        printf("relay     %s: %s, %.0f x %.0f km, i %.1f deg, period %.2f h\n", r->id,
               ilrs_scenario_orbit_preset_name(r->preset), r->periapsis_altitude_m / 1e3,
               r->apoapsis_altitude_m / 1e3, r->inclination_deg, r->period_s / 3600.0);
    }
    for (size_t i = 0; i < sc->ground_count; i++) {
        const ilrs_scenario_ground_t *g = &sc->grounds[i];
        printf("ground    %s (%s): %.2f, %.2f, %.0f m dish, min el %.0f deg\n", g->id, g->name,
               g->lat_deg, g->lon_deg, g->antenna_diameter_m, g->min_elevation_deg);
    }
    for (size_t p = 0; p < sc->partner_count; p++) {
        double kg = 0.0;
        size_t n = 0;
        for (size_t i = 0; i < sc->payload_count; i++) {
            if (strcmp(sc->payloads[i].partner, sc->partners[p].id) == 0) {
                kg += sc->payloads[i].mass_kg;
                n++;
            }
        }
        printf("partner   %s (%s): %zu payloads, %.1f kg\n", sc->partners[p].id,
               sc->partners[p].name, n, kg);
    }
    for (size_t i = 0; i < sc->payload_count; i++) {
        const ilrs_scenario_payload_t *p = &sc->payloads[i];
        printf("payload   %s [%s]: %.1f kg, up to %.1f W, %.4g bit/s, priority %u%s%s%s\n", p->id,
               p->partner, p->mass_kg, ilrs_scenario_payload_max_power_w(p), p->data_rate_bps,
               p->priority, p->needs_sun ? ", needs sun" : "",
               p->needs_earth_in_view ? ", needs Earth" : "", p->night_only ? ", night only" : "");
    }
    for (size_t i = 0; i < sc->fault_count; i++) {
        const ilrs_scenario_fault_t *f = &sc->faults[i];
        if (f->is_random) {
            printf("fault     %s: %s on %s, random, %.3g per year\n", f->id,
                   ilrs_scenario_fault_type_name(f->type), f->target, f->rate_per_year);
        } else {
            printf("fault     %s: %s on %s at +%.2f d\n", f->id,
                   ilrs_scenario_fault_type_name(f->type), f->target, f->at_s / 86400.0);
        }
    }
}

static int check(int argc, char **argv)
{
    ilrs_scenario_options_t opts;
    ilrs_scenario_options_default(&opts);
    const char *file = NULL;
    bool quiet = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--mass-cap-error") == 0) {
            opts.mass_cap_is_error = true;
        } else if (strcmp(argv[i], "--no-file-check") == 0) {
            opts.check_files = false;
        } else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
            quiet = true;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "ilrs scenario check: unknown option '%s'\n\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (file != NULL) {
            fprintf(stderr, "ilrs scenario check: one FILE only\n\n");
            usage(stderr);
            return 2;
        } else {
            file = argv[i];
        }
    }
    if (file == NULL) {
        usage(stderr);
        return 2;
    }
    static ilrs_scenario_diags_t diags; /* about 30 kB: keep it off the stack */
    ilrs_scenario_diags_init(&diags);
    ilrs_scenario_t *sc = NULL;
    int rc = ilrs_scenario_load_file(file, &opts, &sc, &diags);
    print_diags(&diags);
    if (rc != 0) {
        fprintf(stderr, "%s: %zu error%s, %zu warning%s\n", file, diags.error_count,
                diags.error_count == 1 ? "" : "s", diags.warning_count,
                diags.warning_count == 1 ? "" : "s");
        return 1;
    }
    if (!quiet) {
        print_summary(sc);
        printf("ok        %s: valid, %zu warning%s\n", file, diags.warning_count,
               diags.warning_count == 1 ? "" : "s");
    }
    ilrs_scenario_destroy(sc);
    return 0;
}

int cli_scenario(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        FILE *out = argc < 2 ? stderr : stdout;
        fprintf(out, "usage: ilrs scenario check [options] FILE\n"
                     "       ilrs scenario check --help\n"
                     "\n"
                     "Station scenario files (docs/scenario.md).\n"
                     "  check   validate a scenario and print a summary or its errors\n");
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "check") == 0) {
        return check(argc - 1, argv + 1);
    }
    fprintf(stderr, "ilrs scenario: unknown subcommand '%s' (try: check)\n", argv[1]);
    return 2;
}
