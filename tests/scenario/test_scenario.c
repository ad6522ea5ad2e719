/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Scenario loader tests: the shipped scenarios load; every error class gives
 * its exact "file:line:column: key.path: message"; defaults; cross-checks; YAML
 * syntax errors; duplicate keys; bounded huge and deep documents; DEM path
 * rules.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "ilrs_test.h"

#include <ilrs/scenario.h>

static ilrs_scenario_diags_t diags; /* about 30 kB: not on the stack */

/* A minimal valid scenario: every test that needs line numbers appends to it
 * from line 12 on (this text has 11 lines). Peak power 1 m2 x 0.3 x 1415 W/m2. */
#define MIN_DOC                                                                                    \
    "name: t\n"                                         /* 1 */                                    \
    "epoch_utc: 2030-01-01T00:00:00Z\n"                 /* 2 */                                    \
    "duration: 10d\n"                                   /* 3 */                                    \
    "site: {lat_deg: -89.45, lon_deg: 222.7}\n"         /* 4 */                                    \
    "hub: {avionics_power_w: 100, thermal_node: bus}\n" /* 5 */                                    \
    "thermal:\n"                                        /* 6 */                                    \
    "  nodes:\n"                                        /* 7 */                                    \
    "    - {name: bus, heat_capacity_j_per_k: 1000}\n"  /* 8 */                                    \
    "power:\n"                                          /* 9 */                                    \
    "  arrays:\n"                                       /* 10 */                                   \
    "    - {id: a1, area_m2: 1, efficiency: 0.3}\n"     /* 11 */

#define PARTNERS                                                                                   \
    "partners:\n"                                                                                  \
    "  - {id: p1, name: Partner One}\n"                                                            \
    "  - {id: p2, name: Partner Two}\n"

static int load_opts(const char *text, const ilrs_scenario_options_t *opts, ilrs_scenario_t **out)
{
    ilrs_scenario_diags_init(&diags);
    return ilrs_scenario_load_memory(text, strlen(text), "t.yaml", opts, out, &diags);
}

static int load(const char *text, ilrs_scenario_t **out)
{
    ilrs_scenario_options_t opts;
    ilrs_scenario_options_default(&opts);
    opts.check_files = false;
    return load_opts(text, &opts, out);
}

static void dump(void)
{
    char line[2048];
    for (size_t i = 0; i < diags.count; i++) {
        ilrs_scenario_diag_format(&diags, i, line, sizeof line);
        fprintf(stderr, "  diag %zu: %s\n", i, line);
    }
}

/* True when one diagnostic formats exactly as @p expected. */
static bool has(const char *expected)
{
    char line[2048];
    for (size_t i = 0; i < diags.count; i++) {
        ilrs_scenario_diag_format(&diags, i, line, sizeof line);
        if (strcmp(line, expected) == 0) {
            return true;
        }
    }
    fprintf(stderr, "expected diagnostic not found: %s\n", expected);
    dump();
    return false;
}

/* Load @p text, expect failure with code @p code and diagnostic @p expected. */
static void expect_error(const char *text, int code, const char *expected)
{
    ilrs_scenario_t *sc = (ilrs_scenario_t *)&sc; /* must be reset to NULL */
    int rc = load(text, &sc);
    if (rc != code) {
        dump();
    }
    assert_int_equal(rc, code);
    assert_null(sc);
    assert_true(diags.error_count >= 1);
    assert_true(has(expected));
}

/* ------------------------------------------------------------------------- */

static void shipped_scenarios_load(void **state)
{
    (void)state;
    static const char *const files[] = {"scenarios/south-pole.yaml",
                                        "scenarios/far-side-equatorial.yaml",
                                        "scenarios/undersized-battery.yaml"};
    for (size_t i = 0; i < 3; i++) {
        ilrs_scenario_t *sc = NULL;
        ilrs_scenario_diags_init(&diags);
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", ILRS_SOURCE_DIR, files[i]);
        int rc = ilrs_scenario_load_file(path, NULL, &sc, &diags);
        if (rc != 0 || diags.warning_count != 0) {
            fprintf(stderr, "%s:\n", files[i]);
            dump();
        }
        assert_int_equal(rc, 0);
        assert_int_equal(diags.warning_count, 0);
        assert_non_null(sc);
        assert_true(sc->site.dem_count >= 1);
        assert_true(sc->relay_count >= 1);
        assert_true(sc->payload_count >= 3);
        for (size_t p = 0; p < sc->payload_count; p++) {
            assert_non_null(ilrs_scenario_find_partner(sc, sc->payloads[p].partner));
        }
        ilrs_scenario_destroy(sc);
    }
}

static void south_pole_content(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = NULL;
    ilrs_scenario_diags_init(&diags);
    assert_int_equal(
        ilrs_scenario_load_file(ILRS_TEST_SRC("scenarios/south-pole.yaml"), NULL, &sc, &diags), 0);
    /* MISSION.md: Connecting Ridge about 89.45 S, 222.7 E. */
    assert_true(fabs(sc->site.lat_deg + 89.45) < 1e-9);
    assert_true(fabs(sc->site.lon_deg - 222.7) < 1e-9);
    assert_int_equal(sc->site.dem_count, 3);
    /* 6-8 payloads from several partners, each partner under 100 kg. */
    assert_true(sc->payload_count >= 6 && sc->payload_count <= 8);
    assert_true(sc->partner_count >= 5);
    for (size_t p = 0; p < sc->partner_count; p++) {
        double kg = 0;
        for (size_t i = 0; i < sc->payload_count; i++) {
            if (strcmp(sc->payloads[i].partner, sc->partners[p].id) == 0) {
                kg += sc->payloads[i].mass_kg;
            }
        }
        assert_true(kg <= ILRS_SCENARIO_PARTNER_MASS_CAP_KG);
    }
    /* Relay preset: 300 x 8,600 km, i 54.8 deg; Kepler period about 12 h
     * (REFERENCE.md: a about 6,140 km for exactly 12 h). 300 x 8,600 km gives
     * a = 6,187.4 km, T = 12.13 h: demand 2 %. */
    const ilrs_scenario_relay_t *r = &sc->relays[0];
    assert_int_equal(r->preset, ILRS_SCENARIO_ORBIT_QUEQIAO2_12H);
    assert_true(fabs(r->inclination_deg - 54.8) < 1e-9);
    assert_true(fabs(r->semi_major_axis_m - 6187.4e3) < 1.0);
    assert_true(fabs(r->period_s / 3600.0 - 12.0) < 0.24);
    assert_true(r->eccentricity > 0.67 && r->eccentricity < 0.68);
    /* Rates are sorted ascending by the loader. */
    for (size_t i = 0; i < sc->radio_count; i++) {
        for (size_t k = 1; k < sc->radios[i].rate_count; k++) {
            assert_true(sc->radios[i].rates[k - 1].rate_bps <= sc->radios[i].rates[k].rate_bps);
        }
    }
    /* An all-zero payload (the passive retroreflector) is accepted. */
    const ilrs_scenario_payload_t *retro = ilrs_scenario_find_payload(sc, "retroreflector");
    assert_non_null(retro);
    assert_true(ilrs_scenario_payload_max_power_w(retro) == 0.0);
    assert_string_equal(retro->initial_mode, "off");
    ilrs_scenario_destroy(sc);
}

static void far_side_relay_24h(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = NULL;
    ilrs_scenario_diags_init(&diags);
    assert_int_equal(ilrs_scenario_load_file(ILRS_TEST_SRC("scenarios/far-side-equatorial.yaml"),
                                             NULL, &sc, &diags),
                     0);
    const ilrs_scenario_relay_t *r = &sc->relays[0];
    /* REFERENCE.md: 200 x 16,000 km, i 62.4 deg, 24 h (a about 9,750 km). */
    assert_true(fabs(r->periapsis_altitude_m - 200e3) < 1e-6);
    assert_true(fabs(r->apoapsis_altitude_m - 16000e3) < 1e-6);
    assert_true(fabs(r->period_s / 3600.0 - 24.0) < 0.48);
    /* Relay only: no direct-to-Earth radio; the night needs batteries. */
    for (size_t i = 0; i < sc->radio_count; i++) {
        assert_int_equal(sc->radios[i].link, ILRS_SCENARIO_LINK_PROXIMITY);
    }
    double wh = 0;
    for (size_t i = 0; i < sc->power.battery_count; i++) {
        wh += sc->power.batteries[i].capacity_wh;
    }
    assert_true(wh >= 10000.0);
    assert_true(sc->power.rhu_count >= 1);
    ilrs_scenario_destroy(sc);
}

/* days from 1958-01-01 to y-m-d (proleptic Gregorian; Hinnant's algorithm). */
static long days_from_1958(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long days1970 = era * 146097 + doe - 719468;
    return days1970 + 4383; /* 1958-01-01 is 4383 days before 1970-01-01 */
}

static void defaults_applied(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = NULL;
    const char *doc = MIN_DOC "  batteries:\n"
                              "    - {strings: 1, cells_per_string: 8, capacity_wh: 100, "
                              "thermal_node: bus}\n";
    int rc = load(doc, &sc);
    if (rc != 0) {
        dump();
    }
    assert_int_equal(rc, 0);
    assert_non_null(sc);
    assert_true(sc->seed == 1);
    assert_true(sc->duration_s == 10 * 86400.0);
    /* TAI - UTC = 37 s since 2017-01-01 (IERS Bulletin C). */
    ilrs_tai_t expect =
        (ilrs_tai_t)days_from_1958(2030, 1, 1) * 86400 * ILRS_NS_PER_S + 37 * ILRS_NS_PER_S;
    assert_true(llabs(sc->epoch_tai - expect) < 1000);
    assert_true(sc->site.mast_height_m == 2.0);
    assert_false(sc->site.has_height_m);
    assert_int_equal(sc->site.regolith, ILRS_SCENARIO_REGOLITH_HIGHLAND);
    assert_string_equal(sc->hub.name, "hub");
    assert_true(fabs(sc->hub.hibernate_power_w - 10.0) < 1e-12);
    assert_true(sc->power.bus_voltage_v == 28.0);
    const ilrs_scenario_array_t *a = &sc->power.arrays[0];
    assert_int_equal(a->tracking, ILRS_SCENARIO_TRACKING_AZIMUTH);
    assert_true(a->tilt_deg == 90.0);
    assert_true(a->mast_height_m == 2.0); /* the site's */
    assert_true(a->temp_coeff_per_k == -0.0022);
    assert_true(a->degradation_per_year == 0.01);
    const ilrs_scenario_battery_t *b = &sc->power.batteries[0];
    assert_string_equal(b->id, "battery0");
    assert_true(b->min_soc == 0.2 && b->max_soc == 0.95 && b->initial_soc == 0.95);
    assert_true(b->charge_efficiency == 0.95 && b->cell_voltage_v == 3.6);
    assert_true(b->max_charge_c == 0.5 && b->max_discharge_c == 1.0);
    assert_true(a->dust_loss_max == 0.2);
    assert_true(sc->power.undervoltage_v == 22.0);
    const ilrs_scenario_node_t *n = ilrs_scenario_find_node(sc, "bus");
    assert_non_null(n);
    assert_true(n->initial_temperature_k == 293.15 && n->radiator_emissivity == 0.85);
    assert_true(sc->storage.capacity_bytes == (UINT64_C(32) << 30));
    /* peak = 1 m2 x 0.3 x 1415 W/m2 */
    assert_true(fabs(ilrs_scenario_peak_power_w(sc) - 424.5) < 1e-9);
    /* no radio: a warning, not an error */
    assert_int_equal(diags.error_count, 0);
    assert_true(has("t.yaml: radios: warning: no radio: the station can never send data home"));
    ilrs_scenario_destroy(sc);
}

static void payload_defaults_and_modes(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = NULL;
    const char *doc = MIN_DOC PARTNERS "payloads:\n"
                                       "  - {id: x, partner: p1, mass_kg: 2, "
                                       "power_w: {standby: 1, on: 5, off: 0}}\n";
    assert_int_equal(load(doc, &sc), 0);
    const ilrs_scenario_payload_t *p = &sc->payloads[0];
    assert_int_equal(p->mode_count, 3);
    assert_string_equal(p->modes[0].name, "standby");
    assert_string_equal(p->initial_mode, "off");
    assert_true(p->duty_cycle == 1.0 && p->priority == 5 && p->duty_period_s == 3600.0);
    assert_true(p->min_operating_k == 233.15 && p->max_survival_k == 343.15);
    assert_string_equal(p->thermal_node, "bus"); /* the hub's node */
    assert_true(ilrs_scenario_payload_max_power_w(p) == 5.0);
    ilrs_scenario_destroy(sc);
}

/* ------------------------------------------------------------------------- */
/* Schema errors, each with its exact message                                 */
/* ------------------------------------------------------------------------- */

static void error_out_of_range(void **state)
{
    (void)state;
    expect_error(MIN_DOC "  batteries:\n"
                         "    - {id: b0, strings: 1, cells_per_string: 8, capacity_wh: 100, "
                         "thermal_node: bus}\n"
                         "    - id: b1\n"
                         "      strings: 1\n"
                         "      cells_per_string: 8\n"
                         "      capacity_wh: -5\n"
                         "      thermal_node: bus\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:17:20: power.batteries[1].capacity_wh: must be > 0, got -5");
    expect_error(MIN_DOC "  bus_voltage_v: 400\n", ILRS_ESCENARIO_VALUE,
                 "t.yaml:12:18: power.bus_voltage_v: must be <= 300, got 400");
    expect_error(MIN_DOC "  batteries:\n"
                         "    - {strings: 17, cells_per_string: 8, capacity_wh: 1, "
                         "thermal_node: bus}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:13:17: power.batteries[0].strings: must be <= 16, got 17");
}

/* The relay's trunk keys: defaults (Queqiao-2 class, docs/scenario.md) when absent,
 * given values kept, out-of-range ones refused naming file:line:key. */
static void relay_trunk_keys(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = NULL;
    int rc = load(MIN_DOC
                  "relays:\n"
                  "  - {preset: queqiao2-24h}\n"
                  "  - {preset: queqiao2-12h, earth_tx_power_w: 40, earth_frequency_hz: 8.45e9,\n"
                  "     earth_antenna_gain_dbi: 48, earth_losses_db: 1, "
                  "earth_required_ebn0_db: 1.2, earth_margin_db: 6}\n",
                  &sc);
    if (rc != 0) {
        dump();
    }
    assert_int_equal(rc, 0);
    assert_int_equal(sc->relay_count, 2);
    const ilrs_scenario_relay_t *r = &sc->relays[0];
    assert_true(r->earth_frequency_hz == 25.9e9);
    assert_true(r->earth_tx_power_w == 20.0);
    assert_true(r->earth_antenna_gain_dbi == 58.5);
    assert_true(r->earth_losses_db == 3.0);
    assert_true(r->earth_required_ebn0_db == 2.5);
    assert_true(r->earth_margin_db == 3.0);
    assert_true(r->earth_guard_s == 2.0);
    r = &sc->relays[1];
    assert_true(r->earth_frequency_hz == 8.45e9);
    assert_true(r->earth_tx_power_w == 40.0);
    assert_true(r->earth_antenna_gain_dbi == 48.0);
    assert_true(r->earth_losses_db == 1.0);
    assert_true(r->earth_required_ebn0_db == 1.2);
    assert_true(r->earth_margin_db == 6.0);
    ilrs_scenario_destroy(sc);
    expect_error(MIN_DOC "relays:\n"
                         "  - {preset: queqiao2-24h, earth_tx_power_w: 0}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:13:46: relays[0].earth_tx_power_w: must be > 0, got 0");
    expect_error(MIN_DOC "relays:\n"
                         "  - {preset: queqiao2-24h, earth_frequency_hz: 2e11}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:13:48: relays[0].earth_frequency_hz: must be <= 1e+11, got 2e+11");
    expect_error(MIN_DOC "relays:\n"
                         "  - {preset: queqiao2-24h, earth_margin_db: -1}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:13:45: relays[0].earth_margin_db: must be >= 0, got -1");
    expect_error(MIN_DOC "relays:\n"
                         "  - {preset: queqiao2-24h, earth_power_w: 5}\n",
                 ILRS_ESCENARIO_KEY,
                 "t.yaml:13:28: relays[0].earth_power_w: unknown key in a relay orbiter");
}

static void error_unknown_key(void **state)
{
    (void)state;
    expect_error(MIN_DOC "  batteries:\n"
                         "    - strings: 1\n"
                         "      cells_per_string: 8\n"
                         "      capacity_wj: 100\n"
                         "      thermal_node: bus\n",
                 ILRS_ESCENARIO_KEY,
                 "t.yaml:15:7: power.batteries[0].capacity_wj: unknown key in a battery "
                 "(did you mean 'capacity_wh'?)");
    /* ... and the key it meant is then missing: both are reported. */
    assert_true(has("t.yaml:13:7: power.batteries[0].capacity_wh: required key missing in a "
                    "battery"));
    expect_error(MIN_DOC "colour: blue\n", ILRS_ESCENARIO_KEY,
                 "t.yaml:12:1: colour: unknown key in a scenario");
}

static void error_wrong_type(void **state)
{
    (void)state;
    expect_error(MIN_DOC "  batteries:\n"
                         "    - {strings: two, cells_per_string: 8, capacity_wh: 1, "
                         "thermal_node: bus}\n",
                 ILRS_ESCENARIO_TYPE,
                 "t.yaml:13:17: power.batteries[0].strings: expected an integer, got \"two\"");
    expect_error(MIN_DOC "  bus_voltage_v: \"28\"\n", ILRS_ESCENARIO_TYPE,
                 "t.yaml:12:18: power.bus_voltage_v: expected a number, got the quoted string "
                 "\"28\"");
    expect_error(MIN_DOC "  lines:\n"
                         "    - {id: l, current_limit_a: 1, switchable: yes}\n",
                 ILRS_ESCENARIO_TYPE,
                 "t.yaml:13:47: power.lines[0].switchable: expected true or false, got \"yes\"");
    expect_error(MIN_DOC "  arrays: {id: a}\n", ILRS_ESCENARIO_DUPLICATE,
                 "t.yaml:12:3: power.arrays: duplicate key (first at line 10)");
    expect_error(MIN_DOC "radios: none\n", ILRS_ESCENARIO_TYPE,
                 "t.yaml:12:9: radios: expected a sequence (- item), got a scalar");
    expect_error(MIN_DOC "storage: [1]\n", ILRS_ESCENARIO_TYPE,
                 "t.yaml:12:10: storage: expected a mapping (key: value) for the mass storage, "
                 "got a sequence");
    expect_error(MIN_DOC "seed: 1.5\n", ILRS_ESCENARIO_TYPE,
                 "t.yaml:12:7: seed: expected an integer, got \"1.5\"");
    expect_error(MIN_DOC "seed: 0x10\n", ILRS_ESCENARIO_TYPE,
                 "t.yaml:12:7: seed: expected an integer, got \"0x10\"");
    expect_error(MIN_DOC "site2: {lat_deg: nan}\n", ILRS_ESCENARIO_KEY,
                 "t.yaml:12:1: site2: unknown key in a scenario (did you mean 'site'?)");
}

static void error_enum_and_id(void **state)
{
    (void)state;
    expect_error(MIN_DOC "    - {id: a2, area_m2: 1, efficiency: 0.3, tracking: spin}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:12:55: power.arrays[1].tracking: must be one of fixed, azimuth, "
                 "two_axis; got \"spin\"");
    expect_error(MIN_DOC "    - {id: \"a 2\", area_m2: 1, efficiency: 0.3}\n", ILRS_ESCENARIO_VALUE,
                 "t.yaml:12:12: power.arrays[1].id: must be an identifier (letters, digits, "
                 "'_', '-', '.', starting with a letter or digit), got \"a 2\"");
}

static void error_missing_required(void **state)
{
    (void)state;
    expect_error("name: t\n"
                 "epoch_utc: 2030-01-01\n"
                 "duration: 1d\n"
                 "site: {lat_deg: 0, lon_deg: 0}\n"
                 "thermal: {nodes: [{name: n, heat_capacity_j_per_k: 1}]}\n"
                 "power: {}\n",
                 ILRS_ESCENARIO_MISSING, "t.yaml:1:1: hub: required key missing in a scenario");
    expect_error(MIN_DOC "radios:\n"
                         "  - {link: proximity, band: x, frequency_hz: 8.4e9, tx_power_w: 1,\n"
                         "     antenna_gain_dbi: 3}\n",
                 ILRS_ESCENARIO_MISSING,
                 "t.yaml:13:5: radios[0].rates: required key missing in a radio");
    expect_error(MIN_DOC "hub: {avionics_power_w: 100, thermal_node: bus}\n",
                 ILRS_ESCENARIO_DUPLICATE, "t.yaml:12:1: hub: duplicate key (first at line 5)");
}

static void error_epoch_and_duration(void **state)
{
    (void)state;
    expect_error("name: t\nepoch_utc: 2030-02-30T00:00:00Z\n", ILRS_ESCENARIO_VALUE,
                 "t.yaml:2:12: epoch_utc: must be a valid UTC date "
                 "YYYY-MM-DD[THH:MM[:SS[.fff]]][Z], got \"2030-02-30T00:00:00Z\"");
    expect_error("epoch_utc: 1900-01-01\n", ILRS_ESCENARIO_VALUE,
                 "t.yaml:1:12: epoch_utc: year must be in 1958..2200, got 1900");
    expect_error("duration: 3 weeks\n", ILRS_ESCENARIO_TYPE,
                 "t.yaml:1:11: duration: expected a duration (seconds, or a number with s, "
                 "min, h, d or y), got \"3 weeks\"");
    expect_error("duration: 0\n", ILRS_ESCENARIO_VALUE,
                 "t.yaml:1:11: duration: must be > 0 s, got 0");
    expect_error("duration: 51y\n", ILRS_ESCENARIO_VALUE,
                 "t.yaml:1:11: duration: must be <= 1576800000 s, got 1608336000");
}

static void error_per_element_rules(void **state)
{
    (void)state;
    expect_error(MIN_DOC "  batteries:\n"
                         "    - {strings: 1, cells_per_string: 1, capacity_wh: 1, min_soc: 0.5,\n"
                         "       max_soc: 0.4, thermal_node: bus}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:14:17: power.batteries[0].max_soc: must be > min_soc (0.5), got 0.4");
    expect_error(MIN_DOC "  rtgs:\n"
                         "    - {electric_w: 100, thermal_w: 50}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:13:36: power.rtgs[0].thermal_w: must be >= electric_w (100 W): a "
                 "thermoelectric converter cannot make more electricity than heat, got 50");
    expect_error(MIN_DOC "radios:\n"
                         "  - {link: proximity, band: uhf, frequency_hz: 8.4e9, tx_power_w: 1,\n"
                         "     antenna_gain_dbi: 3, rates: [{rate_bps: 1, required_ebn0_db: 2}]}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:13:48: radios[0].frequency_hz: 8400000000 Hz is outside the uhf band "
                 "(300000000..1000000000 Hz)");
    expect_error(MIN_DOC PARTNERS "payloads:\n"
                                  "  - {id: x, partner: p1, mass_kg: 1, power_w: {on: 1},\n"
                                  "     needs_sun: true, night_only: true}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:17:35: payloads[0].night_only: contradicts needs_sun: true (the "
                 "payload could never run)");
    expect_error(MIN_DOC PARTNERS "payloads:\n"
                                  "  - {id: x, partner: p1, mass_kg: 1, power_w: {on: 1, on: 2}}\n",
                 ILRS_ESCENARIO_DUPLICATE, "t.yaml:16:55: payloads[0].power_w.on: duplicate mode");
    expect_error(MIN_DOC PARTNERS "payloads:\n"
                                  "  - {id: x, partner: p1, mass_kg: 1, power_w: {on: 1},\n"
                                  "     initial_mode: standby}\n",
                 ILRS_ESCENARIO_REF,
                 "t.yaml:17:20: payloads[0].initial_mode: 'standby' is not one of the modes in "
                 "power_w");
    expect_error(MIN_DOC "thermal:\n", ILRS_ESCENARIO_DUPLICATE,
                 "t.yaml:12:1: thermal: duplicate key (first at line 6)");
}

/* ------------------------------------------------------------------------- */
/* YAML level                                                                 */
/* ------------------------------------------------------------------------- */

static void yaml_syntax_error(void **state)
{
    (void)state;
    expect_error("name: t\nsite: {lat_deg: 1\nhub: x\n", ILRS_ESCENARIO_SYNTAX,
                 "t.yaml:3:4: YAML syntax error: did not find expected ',' or '}' while "
                 "parsing a flow mapping (line 2)");
    expect_error("name: t\n  bad indent: 1\n", ILRS_ESCENARIO_SYNTAX,
                 "t.yaml:2:13: YAML syntax error: mapping values are not allowed in this "
                 "context");
    expect_error("", ILRS_ESCENARIO_SYNTAX,
                 "t.yaml:1:1: empty document: a scenario is a YAML mapping");
    expect_error("- 1\n- 2\n", ILRS_ESCENARIO_TYPE,
                 "t.yaml:1:1: expected a mapping (key: value) for a scenario, got a sequence");
    expect_error("name: a\n---\nname: b\n", ILRS_ESCENARIO_SYNTAX,
                 "t.yaml:2:1: only one YAML document is allowed in a scenario");
    expect_error("name: &n t\ndescription: *n\n", ILRS_ESCENARIO_SYNTAX,
                 "t.yaml:2:14: YAML aliases (*n) are not supported in scenarios");
    expect_error("name: t\n\xff\xfe: 1\n", ILRS_ESCENARIO_SYNTAX,
                 "t.yaml:2:1: YAML syntax error: invalid leading UTF-8 octet (byte 0xff)");
}

static void yaml_duplicate_keys(void **state)
{
    (void)state;
    expect_error("name: t\nsite:\n  lat_deg: 1\n  lon_deg: 2\n  lat_deg: 3\n",
                 ILRS_ESCENARIO_DUPLICATE,
                 "t.yaml:5:3: site.lat_deg: duplicate key (first at line 3)");
}

static void limits_bounded(void **state)
{
    (void)state;
    /* Nesting: 100 levels of flow sequences. */
    char deep[512] = "name: ";
    for (int i = 0; i < 100; i++) {
        strcat(deep, "[");
    }
    expect_error(deep, ILRS_ESCENARIO_LIMIT, "t.yaml:1:22: document nested deeper than 16 levels");

    /* A scalar longer than the limit. */
    size_t big = ILRS_SCENARIO_MAX_SCALAR + 10;
    char *text = malloc(big + 32);
    assert_non_null(text);
    strcpy(text, "name: ");
    memset(text + 6, 'x', big);
    text[6 + big] = '\0';
    expect_error(text, ILRS_ESCENARIO_LIMIT,
                 "t.yaml:1:7: scalar of 4106 bytes is longer than the limit of 4096");
    free(text);

    /* Too many nodes: a flow sequence of 30000 numbers. */
    size_t n = 30000;
    text = malloc(n * 2 + 32);
    assert_non_null(text);
    strcpy(text, "faults: [");
    size_t len = strlen(text);
    for (size_t i = 0; i < n; i++) {
        text[len++] = '1';
        text[len++] = ',';
    }
    text[len - 1] = ']';
    text[len] = '\0';
    expect_error(text, ILRS_ESCENARIO_LIMIT,
                 "t.yaml:1:40004: document has more than 20000 YAML nodes");
    free(text);

    /* A list longer than its array: reported, the rest ignored, no overflow. */
    char list[2048] = MIN_DOC "  lines: [";
    for (int i = 0; i < ILRS_SCENARIO_MAX_LINES + 3; i++) {
        strcat(list, "{current_limit_a: 1},");
    }
    list[strlen(list) - 1] = ']';
    strcat(list, "\n");
    expect_error(list, ILRS_ESCENARIO_LIMIT,
                 "t.yaml:12:10: power.lines: at most 32 entries, got 35");

    /* A mapping with more keys than any struct has. */
    char wide[4096] = "site: {";
    for (int i = 0; i < 70; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d: 1,", i);
        strcat(wide, k);
    }
    wide[strlen(wide) - 1] = '}';
    expect_error(wide, ILRS_ESCENARIO_LIMIT, "t.yaml:1:7: site: mapping has 70 keys, more than 64");

    /* A document above the byte limit is refused before parsing. */
    ilrs_scenario_t *sc = NULL;
    ilrs_scenario_diags_init(&diags);
    char small[8] = "name: t";
    assert_int_equal(ilrs_scenario_load_memory(small, (size_t)ILRS_SCENARIO_MAX_BYTES + 1, "t.yaml",
                                               NULL, &sc, &diags),
                     ILRS_ESCENARIO_LIMIT);
    assert_true(has("t.yaml: document of 4194305 bytes is larger than the limit of 4194304"));
}

static void collects_all_errors(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = NULL;
    const char *doc = "name: t\n"
                      "duration: -1\n"
                      "seed: -2\n"
                      "colour: red\n";
    assert_int_equal(load(doc, &sc), ILRS_ESCENARIO_VALUE); /* code of the first */
    assert_true(has("t.yaml:2:11: duration: must be > 0 s, got -1"));
    assert_true(has("t.yaml:3:7: seed: must be >= 0, got -2"));
    assert_true(has("t.yaml:4:1: colour: unknown key in a scenario"));
    assert_true(has("t.yaml:1:1: epoch_utc: required key missing in a scenario"));

    /* 100 unknown keys: 64 kept, the rest counted. */
    char many[4096] = "site: {lat_deg: 0, lon_deg: 0}\nfaults:\n";
    for (int i = 0; i < 50; i++) {
        strcat(many, "  - {x: 1, y: 2}\n");
    }
    assert_int_not_equal(load(many, &sc), 0);
    assert_int_equal(diags.count, ILRS_SCENARIO_MAX_DIAGS);
    assert_true(diags.error_count > ILRS_SCENARIO_MAX_DIAGS);
    assert_int_equal(diags.dropped, diags.error_count + diags.warning_count - diags.count);
}

/* ------------------------------------------------------------------------- */
/* Cross-checks                                                               */
/* ------------------------------------------------------------------------- */

static void cross_unknown_references(void **state)
{
    (void)state;
    expect_error(MIN_DOC PARTNERS "payloads:\n"
                                  "  - {id: x, partner: p9, mass_kg: 1, power_w: {on: 1}}\n",
                 ILRS_ESCENARIO_REF,
                 "t.yaml:16:22: payloads[0].partner: unknown partner 'p9' (not in partners)");
    expect_error(MIN_DOC "  batteries:\n"
                         "    - {strings: 1, cells_per_string: 1, capacity_wh: 1, "
                         "thermal_node: cellar}\n",
                 ILRS_ESCENARIO_REF,
                 "t.yaml:13:71: power.batteries[0].thermal_node: unknown thermal node 'cellar' "
                 "(not in thermal.nodes)");
    expect_error(MIN_DOC PARTNERS "payloads:\n"
                                  "  - {id: x, partner: p1, mass_kg: 1, power_w: {on: 1}, "
                                  "line: sci}\n",
                 ILRS_ESCENARIO_REF,
                 "t.yaml:16:62: payloads[0].line: unknown power line 'sci' (not in power.lines)");
    expect_error(MIN_DOC "radios:\n"
                         "  - {link: proximity, band: x, frequency_hz: 8.4e9, tx_power_w: 1,\n"
                         "     antenna_gain_dbi: 3, rates: [{rate_bps: 1, required_ebn0_db: 2}]}\n"
                         "ground_stations: [{id: g, lat_deg: 0, lon_deg: 0, "
                         "antenna_diameter_m: 10}]\n",
                 ILRS_ESCENARIO_REF,
                 "t.yaml:13:12: radios[0].link: a proximity radio needs at least one relay "
                 "(relays is empty)");
}

static void cross_duplicate_ids(void **state)
{
    (void)state;
    expect_error(MIN_DOC "    - {id: a1, area_m2: 2, efficiency: 0.3}\n", ILRS_ESCENARIO_DUPLICATE,
                 "t.yaml:12:12: power.arrays[1].id: duplicate id 'a1' (first at line 11, "
                 "power.arrays[0])");
    expect_error(MIN_DOC PARTNERS "  - {id: p1, name: Again}\n", ILRS_ESCENARIO_DUPLICATE,
                 "t.yaml:15:10: partners[2].id: duplicate id 'p1' (first at line 13, "
                 "partners[0])");
}

static void cross_power_and_lines(void **state)
{
    (void)state;
    expect_error(MIN_DOC PARTNERS "payloads:\n"
                                  "  - {id: big, partner: p1, mass_kg: 1, power_w: {off: 0, "
                                  "on: 500}}\n",
                 ILRS_ESCENARIO_CHECK,
                 "t.yaml:16:62: payloads[0].power_w.on: payload needs 500 W in mode 'on' but the "
                 "station can never give more than 424.5 W (arrays at 1415 W/m2 + RTGs)");
    /* An RTG adds its electric power to the ceiling. */
    ilrs_scenario_t *sc = NULL;
    assert_int_equal(load(MIN_DOC "  rtgs: [{electric_w: 100, thermal_w: 2000}]\n" PARTNERS
                                  "payloads:\n"
                                  "  - {id: big, partner: p1, mass_kg: 1, power_w: {on: 500}}\n",
                          &sc),
                     0);
    ilrs_scenario_destroy(sc);
    expect_error(MIN_DOC "  lines: [{id: sci, current_limit_a: 1}]\n" PARTNERS "payloads:\n"
                         "  - {id: x, partner: p1, mass_kg: 1, power_w: {on: 56}, line: sci}\n",
                 ILRS_ESCENARIO_CHECK,
                 "t.yaml:17:63: payloads[0].line: load of 56 W needs 2 A at 28 V but line 'sci' "
                 "trips at 1 A");
    assert_true(has("t.yaml:12:38: power.lines[0].current_limit_a: warning: loads on line 'sci' "
                    "peak together at 56 W = 2 A, above its 1 A limit"));
    expect_error("name: t\nepoch_utc: 2030-01-01\nduration: 1d\n"
                 "site: {lat_deg: 0, lon_deg: 0}\n"
                 "hub: {avionics_power_w: 100, thermal_node: n}\n"
                 "thermal: {nodes: [{name: n, heat_capacity_j_per_k: 1}]}\n"
                 "power: {}\n",
                 ILRS_ESCENARIO_CHECK,
                 "t.yaml: power: no power source: no solar arrays and no RTGs");
}

static void cross_impossible_orbits(void **state)
{
    (void)state;
    expect_error(MIN_DOC "relays:\n"
                         "  - {periapsis_altitude_m: 5000, apoapsis_altitude_m: 1e6, "
                         "inclination_deg: 90}\n",
                 ILRS_ESCENARIO_CHECK,
                 "t.yaml:13:28: relays[0].periapsis_altitude_m: impossible orbit: periapsis "
                 "altitude 5000 m is below the highest lunar terrain (10.8 km)");
    expect_error(MIN_DOC "relays:\n"
                         "  - {periapsis_altitude_m: 5e6, apoapsis_altitude_m: 1e6, "
                         "inclination_deg: 90}\n",
                 ILRS_ESCENARIO_CHECK,
                 "t.yaml:13:54: relays[0].apoapsis_altitude_m: impossible orbit: apoapsis "
                 "altitude 1000000 m is below periapsis altitude 5000000 m");
    expect_error(MIN_DOC "relays:\n"
                         "  - {periapsis_altitude_m: 1e5, apoapsis_altitude_m: 9e7, "
                         "inclination_deg: 90}\n",
                 ILRS_ESCENARIO_CHECK,
                 "t.yaml:13:54: relays[0].apoapsis_altitude_m: impossible orbit: apoapsis "
                 "altitude 90000000 m is beyond the lunar Hill sphere (limit 60000000 m)");
    expect_error(MIN_DOC "relays:\n"
                         "  - {preset: queqiao2-24h, inclination_deg: 10}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:13:45: relays[0].inclination_deg: conflicts with preset 'queqiao2-24h' "
                 "(a preset fixes the orbit's shape; only raan_deg, arg_periapsis_deg and "
                 "mean_anomaly_deg may be given)");
    expect_error(MIN_DOC "relays:\n"
                         "  - {periapsis_altitude_m: 1e5, apoapsis_altitude_m: 1e6}\n",
                 ILRS_ESCENARIO_MISSING,
                 "t.yaml:13:5: relays[0].inclination_deg: required key missing in a relay "
                 "without a preset");
}

static void relay_classical_elements(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = NULL;
    /* a = 6,187.4 km, e = 8300/12374.8: the same orbit as 300 x 8,600 km. */
    assert_int_equal(load(MIN_DOC "relays:\n"
                                  "  - {semi_major_axis_m: 6187.4e3, eccentricity: "
                                  "0.670717910, inclination_deg: 54.8}\n",
                          &sc),
                     0);
    const ilrs_scenario_relay_t *r = &sc->relays[0];
    assert_true(fabs(r->periapsis_altitude_m - 300e3) < 1.0);
    assert_true(fabs(r->apoapsis_altitude_m - 8600e3) < 1.0);
    assert_true(fabs(r->period_s / 3600.0 - 12.13) < 0.01);
    ilrs_scenario_destroy(sc);
    expect_error(MIN_DOC "relays:\n"
                         "  - {semi_major_axis_m: 1.7e6, eccentricity: 0.1, inclination_deg: 9}\n",
                 ILRS_ESCENARIO_CHECK,
                 "t.yaml:13:25: relays[0].semi_major_axis_m: impossible orbit: periapsis "
                 "altitude -207400 m is below the highest lunar terrain (10.8 km)");
    expect_error(MIN_DOC "relays:\n"
                         "  - {semi_major_axis_m: 3e6, apoapsis_altitude_m: 1e6, "
                         "inclination_deg: 9}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:13:25: relays[0].semi_major_axis_m: give the orbit's shape either as "
                 "periapsis_altitude_m and apoapsis_altitude_m or as semi_major_axis_m and "
                 "eccentricity, not both");
    expect_error(MIN_DOC "relays:\n"
                         "  - {semi_major_axis_m: 3e6, inclination_deg: 9}\n",
                 ILRS_ESCENARIO_MISSING,
                 "t.yaml:13:5: relays[0].eccentricity: required key missing in a relay without "
                 "a preset");
}

static void cross_mass_cap(void **state)
{
    (void)state;
    const char *doc = MIN_DOC PARTNERS "payloads:\n"
                                       "  - {id: a, partner: p1, mass_kg: 60, power_w: {on: 1}}\n"
                                       "  - {id: b, partner: p1, mass_kg: 60, power_w: {on: 1}}\n"
                                       "  - {id: c, partner: p2, mass_kg: 90, power_w: {on: 1}}\n";
    ilrs_scenario_t *sc = NULL;
    /* Default: warnings, the load succeeds. */
    assert_int_equal(load(doc, &sc), 0);
    assert_non_null(sc);
    ilrs_scenario_destroy(sc);
    assert_true(has("t.yaml:13:10: partners[0]: warning: partner 'p1' has 120 kg of payloads, "
                    "above the Chang'e-8 cap of 100 kg per partner"));
    assert_true(has("t.yaml: payloads: warning: partners' payloads total 210 kg, above the "
                    "Chang'e-8 allocation of 200 kg"));
    /* As errors on request. */
    ilrs_scenario_options_t opts;
    ilrs_scenario_options_default(&opts);
    opts.check_files = false;
    opts.mass_cap_is_error = true;
    assert_int_equal(load_opts(doc, &opts, &sc), ILRS_ESCENARIO_CHECK);
    assert_null(sc);
    assert_true(has("t.yaml:13:10: partners[0]: partner 'p1' has 120 kg of payloads, above the "
                    "Chang'e-8 cap of 100 kg per partner"));
}

static void cross_faults(void **state)
{
    (void)state;
    expect_error(MIN_DOC "faults:\n"
                         "  - {type: array_degradation, target: a9, at: 1d}\n",
                 ILRS_ESCENARIO_REF,
                 "t.yaml:13:39: faults[0].target: unknown solar array (power.arrays) 'a9' for a "
                 "array_degradation fault");
    expect_error(MIN_DOC "faults:\n"
                         "  - {type: array_degradation, target: a1, at: 1d, rate_per_year: 2}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:13:66: faults[0].rate_per_year: give either 'at' (a fixed time) or "
                 "'rate_per_year' (random), not both");
    expect_error(MIN_DOC "faults:\n"
                         "  - {type: array_degradation, target: a1}\n",
                 ILRS_ESCENARIO_MISSING,
                 "t.yaml:13:5: faults[0].at: required key missing in a fault: give 'at' (a fixed "
                 "time) or 'rate_per_year'");
    expect_error(MIN_DOC "faults:\n"
                         "  - {type: array_degradation, target: a1, at: 1d, string_index: 1}\n",
                 ILRS_ESCENARIO_KEY,
                 "t.yaml:13:65: faults[0].string_index: applies only to type "
                 "battery_string_loss, not array_degradation");
    expect_error(MIN_DOC "  batteries: [{id: b, strings: 2, cells_per_string: 1, capacity_wh: 1, "
                         "thermal_node: bus}]\n"
                         "faults:\n"
                         "  - {type: battery_string_loss, target: b, at: 1d, string_index: 2}\n",
                 ILRS_ESCENARIO_REF,
                 "t.yaml:14:66: faults[0].string_index: battery 'b' has 2 strings (0..1), got 2");
    expect_error(MIN_DOC "faults:\n"
                         "  - {type: meteor, target: a1, at: 1d}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:13:12: faults[0].type: must be one of battery_string_loss, "
                 "array_degradation, radio_outage, payload_hang, stuck_sensor, heater_failure; "
                 "got \"meteor\"");
    /* A fault after the end of the run: a warning. */
    ilrs_scenario_t *sc = NULL;
    assert_int_equal(load(MIN_DOC "faults:\n"
                                  "  - {type: stuck_sensor, target: bus, at: 20d, "
                                  "stuck_value: 250}\n",
                          &sc),
                     0);
    assert_true(sc->faults[0].has_stuck_value && sc->faults[0].stuck_value == 250.0);
    assert_false(sc->faults[0].is_random);
    ilrs_scenario_destroy(sc);
    assert_true(has("t.yaml:13:43: faults[0].at: warning: fault at 1728000 s never happens: "
                    "the run lasts 864000 s"));
}

static void cross_thermal(void **state)
{
    (void)state;
    expect_error("name: t\nepoch_utc: 2030-01-01\nduration: 1d\n"
                 "site: {lat_deg: 0, lon_deg: 0}\n"
                 "hub: {avionics_power_w: 10, thermal_node: a}\n"
                 "power: {arrays: [{area_m2: 1, efficiency: 0.3}]}\n"
                 "thermal:\n"
                 "  nodes:\n"
                 "    - {name: a, heat_capacity_j_per_k: 1, conductances: [{to: b, w_per_k: 1}]}\n"
                 "    - {name: b, heat_capacity_j_per_k: 1, conductances: [{to: a, w_per_k: 1}]}\n",
                 ILRS_ESCENARIO_DUPLICATE,
                 "t.yaml:10:63: thermal.nodes[1].conductances[0].to: coupling between 'b' and "
                 "'a' already given at line 9 (list each pair once)");
    expect_error(MIN_DOC "    - name: bus2\n", ILRS_ESCENARIO_KEY,
                 "t.yaml:12:7: power.arrays[1].name: unknown key in a solar array");
    expect_error("name: t\nepoch_utc: 2030-01-01\nduration: 1d\n"
                 "site: {lat_deg: 0, lon_deg: 0}\n"
                 "hub: {avionics_power_w: 10, thermal_node: n}\n"
                 "power: {arrays: [{area_m2: 1, efficiency: 0.3}]}\n"
                 "thermal:\n"
                 "  nodes:\n"
                 "    - {name: n, heat_capacity_j_per_k: 1, conductances: [{to: n, w_per_k: 1}],\n"
                 "       heaters: [{id: h, power_w: 5, on_below_k: 280, off_above_k: 270}]}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:10:68: thermal.nodes[0].heaters[0].off_above_k: must be > on_below_k "
                 "(280 K), got 270");
    expect_error("name: t\nepoch_utc: 2030-01-01\nduration: 1d\n"
                 "site: {lat_deg: 0, lon_deg: 0}\n"
                 "hub: {avionics_power_w: 10, thermal_node: n}\n"
                 "power: {arrays: [{area_m2: 1, efficiency: 0.3}]}\n"
                 "thermal:\n"
                 "  nodes:\n"
                 "    - {name: n, heat_capacity_j_per_k: 1, conductances: [{to: n, w_per_k: 1}]}\n",
                 ILRS_ESCENARIO_REF,
                 "t.yaml:9:63: thermal.nodes[0].conductances[0].to: node 'n' is coupled to "
                 "itself");
}

/* ------------------------------------------------------------------------- */
/* DEM paths                                                                  */
/* ------------------------------------------------------------------------- */

static void dem_path_rules(void **state)
{
    (void)state;
    const char *doc = MIN_DOC "site:\n"
                              "  lat_deg: -89.45\n"
                              "  lon_deg: 222.7\n"
                              "  dem: [../../shared/data/dem/x.hdr, /abs/y.hdr, z.hdr]\n";
    /* MIN_DOC already has site: rewrite it instead of appending. */
    char text[2048];
    snprintf(text, sizeof text, "%s", doc);
    char *first = strstr(text, "site: {lat_deg: -89.45, lon_deg: 222.7}\n");
    assert_non_null(first);
    memmove(first, first + strlen("site: {lat_deg: -89.45, lon_deg: 222.7}\n"),
            strlen(first) - strlen("site: {lat_deg: -89.45, lon_deg: 222.7}\n") + 1);

    ilrs_scenario_options_t opts;
    ilrs_scenario_options_default(&opts);
    opts.check_files = false;
    opts.base_dir = "/repo/scenarios";
    ilrs_scenario_t *sc = NULL;

    unsetenv("ILRS_DATA_DIR");
    assert_int_equal(load_opts(text, &opts, &sc), 0);
    assert_string_equal(sc->site.dems[0].path, "../../shared/data/dem/x.hdr");
    assert_string_equal(sc->site.dems[0].resolved, "/repo/scenarios/../../shared/data/dem/x.hdr");
    assert_string_equal(sc->site.dems[1].resolved, "/abs/y.hdr");
    assert_string_equal(sc->site.dems[2].resolved, "/repo/scenarios/z.hdr");
    ilrs_scenario_destroy(sc);

    setenv("ILRS_DATA_DIR", "/data", 1);
    assert_int_equal(load_opts(text, &opts, &sc), 0);
    assert_string_equal(sc->site.dems[0].resolved, "/data/dem/x.hdr");
    assert_string_equal(sc->site.dems[1].resolved, "/abs/y.hdr");
    assert_string_equal(sc->site.dems[2].resolved, "/repo/scenarios/z.hdr");
    ilrs_scenario_destroy(sc);
    unsetenv("ILRS_DATA_DIR");

    /* With file checks, a missing DEM is an error at its line. */
    opts.check_files = true;
    opts.base_dir = "/nonexistent-ilrs-dir";
    assert_int_equal(load_opts(text, &opts, &sc), ILRS_ESCENARIO_VALUE);
    assert_true(has("t.yaml:14:50: site.dem[2]: DEM file not readable: "
                    "/nonexistent-ilrs-dir/z.hdr"));
}

static void api_contract(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = (ilrs_scenario_t *)&sc;
    assert_int_equal(ilrs_scenario_load_memory("a: 1", 4, "x", NULL, &sc, NULL), ILRS_EINVAL);
    assert_null(sc);
    assert_int_equal(ilrs_scenario_load_file(NULL, NULL, &sc, &diags), ILRS_EINVAL);
    ilrs_scenario_diags_init(&diags);
    assert_int_equal(ilrs_scenario_load_file("/nonexistent/file.yaml", NULL, &sc, &diags),
                     ILRS_EIO);
    assert_int_equal(diags.error_count, 1);
    assert_true(has("/nonexistent/file.yaml: cannot open: No such file or directory"));
    ilrs_scenario_destroy(NULL);

    char buf[16];
    assert_int_equal(ilrs_scenario_diag_format(&diags, 5, buf, sizeof buf), ILRS_EINVAL);
    assert_int_equal(ilrs_scenario_diag_format(&diags, 0, buf, sizeof buf), ILRS_ETRUNC);
    assert_int_equal(strlen(buf), sizeof buf - 1);

    assert_string_equal(ilrs_scenario_fault_type_name(ILRS_SCENARIO_FAULT_HEATER_FAILURE),
                        "heater_failure");
    assert_string_equal(ilrs_scenario_fault_type_name((ilrs_scenario_fault_type_t)99), "?");
    assert_string_equal(ilrs_scenario_band_name(ILRS_SCENARIO_BAND_KA), "ka");
    assert_string_equal(ilrs_scenario_orbit_preset_name(ILRS_SCENARIO_ORBIT_QUEQIAO2_12H),
                        "queqiao2-12h");
    char path[1024];
    unsetenv("ILRS_SCENARIO_DIR");
    assert_int_equal(ilrs_scenario_default_path(path, sizeof path), 0);
    assert_string_equal(path, ILRS_TEST_SRC("scenarios/south-pole.yaml"));
    ilrs_scenario_t *def = NULL;
    ilrs_scenario_diags_init(&diags);
    assert_int_equal(ilrs_scenario_load_file(path, NULL, &def, &diags), 0);
    ilrs_scenario_destroy(def);
    setenv("ILRS_SCENARIO_DIR", "/elsewhere", 1);
    assert_int_equal(ilrs_scenario_default_path(path, sizeof path), 0);
    assert_string_equal(path, "/elsewhere/south-pole.yaml");
    assert_int_equal(ilrs_scenario_default_path(path, 8), ILRS_EOVERFLOW);
    unsetenv("ILRS_SCENARIO_DIR");
    assert_string_equal(ilrs_strerror(ILRS_ESCENARIO_LIMIT),
                        "scenario document exceeds a size limit");
}

/* Louvres: the far-side scenario's radiators carry them; a louvre that opens
 * below its closing point, a closed emittance above the open one and an unknown
 * key are errors naming file, line and key. */
#define LOUVRE_DOC(node)                                                                           \
    "name: t\n"                                                                                    \
    "epoch_utc: 2030-01-01T00:00:00Z\n"                                                            \
    "duration: 10d\n"                                                                              \
    "site: {lat_deg: -89.45, lon_deg: 222.7}\n"                                                    \
    "hub: {avionics_power_w: 100, thermal_node: bus}\n"                                            \
    "thermal:\n"                                                                                   \
    "  nodes:\n" node "power:\n"                                                                   \
    "  arrays:\n"                                                                                  \
    "    - {id: a1, area_m2: 1, efficiency: 0.3}\n"

static void louvres(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = NULL;
    ilrs_scenario_diags_init(&diags);
    assert_int_equal(ilrs_scenario_load_file(ILRS_TEST_SRC("scenarios/far-side-equatorial.yaml"),
                                             NULL, &sc, &diags),
                     0);
    size_t louvred = 0;
    for (size_t i = 0; i < sc->node_count; i++) {
        const ilrs_scenario_node_t *n = &sc->nodes[i];
        if (n->has_louvre) {
            louvred++;
            assert_true(n->radiator_faces_sky);
            assert_true(n->louvre.open_above_k > n->louvre.closed_below_k);
            assert_true(n->louvre.emissivity_closed < n->radiator_emissivity);
        }
    }
    assert_int_equal(louvred, 2); /* avionics and battery */
    ilrs_scenario_destroy(sc);
    expect_error(LOUVRE_DOC("    - {name: bus, heat_capacity_j_per_k: 1000, radiator_area_m2: 1,\n"
                            "       louvre: {closed_below_k: 290, open_above_k: 280}}\n"),
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:9:52: thermal.nodes[0].louvre.open_above_k: must be > closed_below_k "
                 "(290 K), got 280");
    expect_error(LOUVRE_DOC("    - {name: bus, heat_capacity_j_per_k: 1000, radiator_area_m2: 1,\n"
                            "       radiator_emissivity: 0.6,\n"
                            "       louvre: {closed_below_k: 270, open_above_k: 280,\n"
                            "                emissivity_closed: 0.7}}\n"),
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:11:36: thermal.nodes[0].louvre.emissivity_closed: must be <= "
                 "radiator_emissivity (0.6, the open louvre's), got 0.7");
    expect_error(LOUVRE_DOC("    - {name: bus, heat_capacity_j_per_k: 1000,\n"
                            "       louvre: {closed_below_k: 270, open_above_k: 280, blades: 3}}\n"),
                 ILRS_ESCENARIO_KEY,
                 "t.yaml:9:57: thermal.nodes[0].louvre.blades: unknown key in a louvre");
}

/* The command timeline: UTC dates and offsets after the epoch, put in time
 * order (stable), arguments kept as written; each schema error names file,
 * line and key (names and arguments are checked against the dictionary when
 * the run is created: tests/station/test_station_timeline.c). */
static void command_timeline(void **state)
{
    (void)state;
    ilrs_scenario_t *sc = NULL;
    assert_int_equal(load(MIN_DOC PARTNERS "commands:\n"                                 /* 15 */
                                           "  - {at: 2d, command: PldEnable, args: [cam, false],"
                                           " by: p1}\n"
                                           "  - {at: 2030-01-01T12:00:00Z, command: ModeSet,\n"
                                           "     args: [SAFE], by: operator}\n"
                                           "  - {at: 1d, command: ComSetPreference, args: [true],"
                                           " by: p2}\n"
                                           "  - {at: 2d, command: ScStartAts, by: operator}\n",
                          &sc),
                     0);
    assert_int_equal(sc->command_count, 4);
    assert_string_equal(sc->commands[0].name, "ModeSet"); /* 12 h, from the UTC date */
    assert_true(fabs(sc->commands[0].at_s - 43200.0) < 1e-6);
    assert_string_equal(sc->commands[0].by, "operator");
    assert_int_equal(sc->commands[0].arg_count, 1);
    assert_string_equal(sc->commands[0].args[0], "SAFE");
    assert_string_equal(sc->commands[1].name, "ComSetPreference");
    assert_string_equal(sc->commands[2].name, "PldEnable"); /* 2 d, document order kept */
    assert_int_equal(sc->commands[2].arg_count, 2);
    assert_string_equal(sc->commands[2].args[1], "false");
    assert_int_equal(sc->commands[2].name_line, 16);
    assert_string_equal(sc->commands[3].name, "ScStartAts");
    assert_int_equal(sc->commands[3].arg_count, 0);
    ilrs_scenario_destroy(sc);

    expect_error(MIN_DOC PARTNERS "commands:\n"
                                  "  - {at: soon, command: ModeSet, by: operator}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:16:10: commands[0].at: must be a UTC date YYYY-MM-DD[THH:MM[:SS[.fff]]][Z] "
                 "or a duration after the epoch (e.g. 12d, 36h), got \"soon\"");
    expect_error(MIN_DOC PARTNERS "commands:\n"
                                  "  - {at: 11d, command: ModeSet, by: operator}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:16:10: commands[0].at: 950400 s after the epoch is outside the run "
                 "(0 .. 864000 s)");
    expect_error(MIN_DOC PARTNERS "commands:\n"
                                  "  - {at: 2029-12-31T00:00:00Z, command: ModeSet, by: operator}\n",
                 ILRS_ESCENARIO_VALUE,
                 "t.yaml:16:10: commands[0].at: -86400 s after the epoch is outside the run "
                 "(0 .. 864000 s)");
    expect_error(MIN_DOC PARTNERS "commands:\n"
                                  "  - {at: 1d, command: ModeSet, args: [SAFE], by: nasa}\n",
                 ILRS_ESCENARIO_REF,
                 "t.yaml:16:50: commands[0].by: \"nasa\" is neither a partner nor \"operator\"");
    expect_error(MIN_DOC PARTNERS "commands:\n"
                                  "  - {at: 1d, command: ModeSet, args: SAFE, by: operator}\n",
                 ILRS_ESCENARIO_TYPE,
                 "t.yaml:16:38: commands[0].args: expected a list of arguments, got a scalar");
    expect_error(MIN_DOC PARTNERS "commands:\n"
                                  "  - {at: 1d, args: [SAFE], by: operator}\n",
                 ILRS_ESCENARIO_MISSING,
                 "t.yaml:16:5: commands[0].command: required key missing in a command");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(command_timeline),
    cmocka_unit_test(louvres),
    cmocka_unit_test(shipped_scenarios_load),
    cmocka_unit_test(south_pole_content),
    cmocka_unit_test(far_side_relay_24h),
    cmocka_unit_test(defaults_applied),
    cmocka_unit_test(payload_defaults_and_modes),
    cmocka_unit_test(error_out_of_range),
    cmocka_unit_test(error_unknown_key),
    cmocka_unit_test(error_wrong_type),
    cmocka_unit_test(error_enum_and_id),
    cmocka_unit_test(error_missing_required),
    cmocka_unit_test(error_epoch_and_duration),
    cmocka_unit_test(error_per_element_rules),
    cmocka_unit_test(yaml_syntax_error),
    cmocka_unit_test(yaml_duplicate_keys),
    cmocka_unit_test(limits_bounded),
    cmocka_unit_test(collects_all_errors),
    cmocka_unit_test(cross_unknown_references),
    cmocka_unit_test(cross_duplicate_ids),
    cmocka_unit_test(cross_power_and_lines),
    cmocka_unit_test(cross_impossible_orbits),
    cmocka_unit_test(relay_classical_elements),
    cmocka_unit_test(cross_mass_cap),
    cmocka_unit_test(cross_faults),
    cmocka_unit_test(cross_thermal),
    cmocka_unit_test(dem_path_rules),
    cmocka_unit_test(api_contract),
    cmocka_unit_test(relay_trunk_keys),
};

ILRS_TEST_MAIN(tests)
