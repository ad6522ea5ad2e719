// SPDX-License-Identifier: Apache-2.0
// PAYLOAD host with POWER on a flight instance (virtual time) against the
// scripted hal: payloads registered at run time appear in the dictionary with
// their owner and accept their commands (out-of-range modes refused by the
// dictionary), a hang is detected and power cycled through POWER, constraints
// and the power budget by priority, data counted per partner.
#include "apps_test.h"

#include "apps/payload/payload_eid.h"

typedef struct fx {
    harness_t h;
    ilrs_pwr_app_t *pwr;
    ilrs_pld_app_t *pld;
    int line1, line2, sun, seis, mag, dust;
} fx_t;

static void manifest(ilrs_pld_manifest_t *m, const char *id, const char *owner, const char *line,
                     uint16_t apid, uint8_t priority)
{
    memset(m, 0, sizeof *m);
    snprintf(m->id, sizeof m->id, "%s", id);
    snprintf(m->owner, sizeof m->owner, "%s", owner);
    snprintf(m->owner_name, sizeof m->owner_name, "partner %s", owner);
    snprintf(m->line, sizeof m->line, "%s", line);
    m->apid = apid;
    m->mode_count = 3;
    m->power_w[0] = 0.5;
    m->power_w[1] = 2.0;
    m->power_w[2] = 4.0;
    m->science_mode = 1;
    m->data_rate_bps = 8000;
    m->duty_cycle = 1.0;
    m->priority = priority;
}

static fx_t *setup(double budget_w)
{
    fx_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    harness_init(&f->h);
    th_t *t = &f->h.hal;
    th_init(t);
    f->line1 = th_add_switch(t, "line.payload1", true);
    f->line2 = th_add_switch(t, "line.payload2", true);
    f->sun = th_add_sensor(t, "array1.power", 200.0);
    f->seis = th_add_payload(t, "seismometer", f->line1, 8000);
    f->mag = th_add_payload(t, "magnetometer", f->line2, 4000);
    f->dust = th_add_payload(t, "dust", f->line2, 16000);

    ilrs_pwr_config_t pc = {.hal = &t->hal, .line_count = 2};
    snprintf(pc.lines[0].name, ILRS_APPS_NAME_MAX, "line.payload1");
    snprintf(pc.lines[1].name, ILRS_APPS_NAME_MAX, "line.payload2");
    pc.lines[0].enabled = pc.lines[1].enabled = true;
    assert_int_equal(ilrs_pwr_app_create(&pc, &f->pwr), 0);

    ilrs_pld_config_t c = {.hal = &t->hal, .payload_count = 1, .hang_timeout_s = 60,
                           .cycle_off_s = 5, .sun_threshold_w = 50, .power_budget_w = budget_w};
    snprintf(c.sun_sensor, ILRS_APPS_NAME_MAX, "array1.power");
    manifest(&c.payloads[0], "seismometer", "cnsa", "line.payload1", 0x300, 1);
    assert_int_equal(ilrs_pld_app_create(&c, &f->pld), 0);
    ilrs_app_def_t def;
    ilrs_pwr_app_def(f->pwr, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    ilrs_pld_app_def(f->pld, &def);
    assert_int_equal(ilrs_fsw_add_app(f->h.fsw, &def, NULL), 0);
    const uint16_t apids[] = {0x300, 0x301, 0x302};
    harness_probe(&f->h, apids, 3);
    assert_int_equal(ilrs_fsw_start(f->h.fsw), 0);
    return f;
}

static void teardown(fx_t *f)
{
    ilrs_fsw_destroy(f->h.fsw);
    ilrs_pld_app_destroy(f->pld);
    ilrs_pwr_app_destroy(f->pwr);
    free(f);
}

static void runtime_registration_and_commands(void **state)
{
    (void)state;
    fx_t *f = setup(0);
    ilrs_dict_t *d = ilrs_fsw_dict(f->h.fsw);
    assert_null(ilrs_dict_find_partner(d, "esa"));
    harness_run(&f->h, 10);

    /* ESA's magnetometer arrives at run time, with no code change. */
    ilrs_pld_manifest_t m;
    manifest(&m, "magnetometer", "esa", "line.payload2", 0x301, 2);
    assert_int_equal(ilrs_pld_app_add(f->pld, &m), 0);
    assert_non_null(ilrs_dict_find_partner(d, "esa"));
    const ilrs_dict_packet_t *pkt = ilrs_dict_find_packet_by_name(d, "MAGNETOMETER_STATUS");
    assert_non_null(pkt);
    assert_int_equal(pkt->apid, 0x301);
    assert_string_equal(pkt->owner, "esa");
    assert_string_equal(pkt->app, "PAYLOAD");
    const ilrs_dict_command_t *cmd = ilrs_dict_find_command_by_name(d, "MagnetometerSetMode");
    assert_non_null(cmd);
    assert_string_equal(cmd->owner, "esa");
    assert_true(cmd->args[0].has_range && cmd->args[0].max == 2.0);
    /* duplicates, missing ports and invalid manifests are refused with an event */
    assert_int_equal(ilrs_pld_app_add(f->pld, &m), ILRS_EEXIST);
    manifest(&m, "ghost", "esa", "line.payload2", 0x305, 2);
    assert_int_equal(ilrs_pld_app_add(f->pld, &m), ILRS_ENOTFOUND);
    manifest(&m, "dust", "esa", "line.payload2", 0x300, 2); /* APID taken */
    assert_int_equal(ilrs_pld_app_add(f->pld, &m), ILRS_EEXIST);
    manifest(&m, "dust", "esa", "line.payload2", 0x302, 2);
    m.science_mode = 7;
    assert_int_equal(ilrs_pld_app_add(f->pld, &m), ILRS_EINVAL);
    assert_int_equal(count_events(&f->h, "PAYLOAD", PLD_ADD_ERR_EID), 4);

    harness_run(&f->h, 5);
    assert_int_equal(f->h.hal.pl[f->mag].mode, 1);
    const char *two[] = {"2"};
    assert_int_equal(send_cmd(&f->h, "MagnetometerSetMode", two, 1), 0);
    const char *five[] = {"5"};
    assert_int_equal(send_cmd(&f->h, "MagnetometerSetMode", five, 1), ILRS_EFSW_ARG);
    /* the same out-of-range mode as a raw packet reaches the ingest and is refused there */
    uint8_t raw[64];
    size_t raw_len = 0;
    assert_int_equal(ilrs_dict_build_command(cmd, two, 1, raw, sizeof raw, &raw_len, NULL, 0), 0);
    raw[cmd->args[0].offset] = 5;
    ilrs_ccsds_cmd_seal(raw, raw_len);
    assert_int_equal(ilrs_fsw_command(f->h.fsw, raw, raw_len), ILRS_EFSW_ARG);
    harness_run(&f->h, 3);
    assert_int_equal(f->h.hal.pl[f->mag].mode, 2);
    assert_int_equal(cmd->accepted, 1);
    assert_int_equal(cmd->rejected, 1);

    /* Its status packet is on the bus, owner's fields filled. */
    int pi = probe_index(&f->h, 0x301);
    assert_true(f->h.probe.count[pi] > 0);
    int64_t mode = -1, bytes = 0;
    assert_int_equal(ilrs_dict_get_int(ilrs_dict_find_field(pkt, "mode"), f->h.probe.last[pi],
                                       f->h.probe.last_len[pi], &mode),
                     0);
    assert_int_equal(mode, 2);
    assert_int_equal(ilrs_dict_get_int(ilrs_dict_find_field(pkt, "bytes"), f->h.probe.last[pi],
                                       f->h.probe.last_len[pi], &bytes),
                     0);
    assert_true(bytes > 0);

    /* Data per partner: 8000 bit/s seismometer for cnsa, 4000 bit/s for esa. */
    ilrs_pld_status_t s0, s1;
    assert_int_equal(ilrs_pld_app_payload(f->pld, 0, &s0), 0);
    assert_int_equal(ilrs_pld_app_payload(f->pld, 1, &s1), 0);
    assert_int_equal(ilrs_pld_app_partner_bytes(f->pld, "cnsa"), s0.bytes);
    assert_int_equal(ilrs_pld_app_partner_bytes(f->pld, "esa"), s1.bytes);
    assert_true(s0.bytes >= 15 * 1000 && s0.bytes <= 18 * 1000);

    /* PldEnable: unknown payload refused, known one switched to standby. */
    const char *off[] = {"seismometer", "false"};
    assert_int_equal(send_cmd(&f->h, "PldEnable", off, 2), 0);
    const char *ghost[] = {"ghost", "true"};
    assert_int_equal(send_cmd(&f->h, "PldEnable", ghost, 2), 0);
    harness_run(&f->h, 3);
    assert_int_equal(f->h.hal.pl[f->seis].mode, 0);
    assert_int_equal(count_events(&f->h, "PAYLOAD", PLD_NAME_ERR_EID), 1);

    /* A restart of the app hosts the run-time payload again, same command and packet. */
    ilrs_app_t *app = ilrs_exec_find_app(ilrs_fsw_exec(f->h.fsw), "PAYLOAD");
    assert_int_equal(ilrs_exec_restart_app(ilrs_fsw_exec(f->h.fsw), app), 0);
    harness_run(&f->h, 3);
    assert_int_equal(ilrs_pld_app_payload(f->pld, 1, &s1), 0);
    assert_true(s1.on);
    assert_int_equal(send_cmd(&f->h, "MagnetometerSetMode", two, 1), 0);
    harness_run(&f->h, 3);
    assert_int_equal(f->h.hal.pl[f->mag].mode, 2);
    assert_ptr_equal(ilrs_dict_find_command_by_name(d, "MagnetometerSetMode"), cmd);
    teardown(f);
}

static void hang_power_cycle(void **state)
{
    (void)state;
    fx_t *f = setup(0);
    harness_run(&f->h, 30);
    ilrs_pld_status_t s;
    assert_int_equal(ilrs_pld_app_payload(f->pld, 0, &s), 0);
    uint64_t before = s.bytes;
    assert_true(before > 0);
    f->h.hal.pl[f->seis].hung = true;
    harness_run(&f->h, 59);
    assert_int_equal(count_events(&f->h, "PAYLOAD", PLD_HANG_ERR_EID), 0);
    for (int k = 0; k < 5 && count_events(&f->h, "PAYLOAD", PLD_HANG_ERR_EID) == 0; k++) {
        harness_run(&f->h, 1);
    }
    assert_int_equal(count_events(&f->h, "PAYLOAD", PLD_HANG_ERR_EID), 1);
    assert_non_null(strstr(last_event(&f->h, "PAYLOAD", PLD_HANG_ERR_EID), "no data"));
    harness_run(&f->h, 2);
    assert_false(f->h.hal.sw_cmd[f->line1]); /* POWER is cycling the line */
    ilrs_pwr_status_t ps;
    ilrs_pwr_app_status(f->pwr, &ps);
    assert_int_equal(ps.cycles, 1);
    harness_run(&f->h, 20);
    assert_true(f->h.hal.sw_cmd[f->line1]);
    assert_false(f->h.hal.pl[f->seis].hung); /* the power cycle cleared it */
    assert_int_equal(f->h.hal.pl[f->seis].mode, 1);
    assert_int_equal(ilrs_pld_app_payload(f->pld, 0, &s), 0);
    assert_true(s.bytes > before);
    assert_int_equal(s.hangs, 1);
    /* producing again: one recovery event naming the payload */
    assert_int_equal(count_events(&f->h, "PAYLOAD", PLD_RECOVERED_INF_EID), 1);
    assert_non_null(strstr(last_event(&f->h, "PAYLOAD", PLD_RECOVERED_INF_EID), "recovered"));
    harness_run(&f->h, 120);
    assert_int_equal(count_events(&f->h, "PAYLOAD", PLD_HANG_ERR_EID), 1);

    /* A payload that reset on a power blip the host did not see (standby while
     * commanded on) is commanded again: not a hang. */
    f->h.hal.pl[f->seis].mode = 0;
    harness_run(&f->h, 180);
    assert_int_equal(f->h.hal.pl[f->seis].mode, 1);
    assert_int_equal(count_events(&f->h, "PAYLOAD", PLD_HANG_ERR_EID), 1);

    /* A payload that does not take its mode is a hang too. */
    f->h.hal.pl[f->seis].hung = true;
    const char *two[] = {"2"};
    assert_int_equal(send_cmd(&f->h, "SeismometerSetMode", two, 1), 0);
    harness_run(&f->h, 65);
    assert_int_equal(count_events(&f->h, "PAYLOAD", PLD_HANG_ERR_EID), 2);
    assert_non_null(strstr(last_event(&f->h, "PAYLOAD", PLD_HANG_ERR_EID), "mode not taken"));
    teardown(f);
}

/* Temperature limits with hysteresis: out at the limit, back in only 2 K inside,
 * so a reading dithering at the limit does not toggle the payload. */
static void thermal_limit_hysteresis(void **state)
{
    (void)state;
    fx_t *f = setup(0.0);
    int temp = th_add_sensor(&f->h.hal, "dust.temp", 290.0);
    (void)temp;
    ilrs_pld_manifest_t m;
    manifest(&m, "dust", "esa", "line.payload2", 0x302, 2);
    snprintf(m.temp_sensor, sizeof m.temp_sensor, "dust.temp");
    m.temp_min_k = 240.0;
    m.temp_max_k = 300.0;
    assert_int_equal(ilrs_pld_app_add(f->pld, &m), 0);
    harness_run(&f->h, 3);
    assert_int_equal(f->h.hal.pl[f->dust].mode, 1);
    size_t before = count_events(&f->h, "PAYLOAD", PLD_INHIBIT_INF_EID);
    for (int k = 0; k < 20; k++) { /* dithering across 300 K */
        f->h.hal.sen_value[temp] = k % 2 ? 300.1 : 299.9;
        harness_run(&f->h, 1);
    }
    assert_int_equal(f->h.hal.pl[f->dust].mode, 0);
    assert_int_equal(count_events(&f->h, "PAYLOAD", PLD_INHIBIT_INF_EID), before + 1);
    f->h.hal.sen_value[temp] = 298.5; /* inside, but not by 2 K */
    harness_run(&f->h, 3);
    assert_int_equal(f->h.hal.pl[f->dust].mode, 0);
    f->h.hal.sen_value[temp] = 297.9;
    harness_run(&f->h, 3);
    assert_int_equal(f->h.hal.pl[f->dust].mode, 1);
    teardown(f);
}

static void constraints_and_budget(void **state)
{
    (void)state;
    fx_t *f = setup(5.0); /* 5 W: the seismometer (2 W) and one 2 W payload... */
    ilrs_pld_manifest_t m;
    manifest(&m, "magnetometer", "esa", "line.payload2", 0x301, 3);
    m.needs_sun = true;
    assert_int_equal(ilrs_pld_app_add(f->pld, &m), 0);
    manifest(&m, "dust", "esa", "line.payload2", 0x302, 2);
    m.power_w[1] = 2.5;
    assert_int_equal(ilrs_pld_app_add(f->pld, &m), 0);
    harness_run(&f->h, 5);
    /* priority 1 seismometer 2 W + priority 2 dust 2.5 W = 4.5 W; the magnetometer
     * (priority 3, 2 W) would exceed 5 W */
    assert_int_equal(f->h.hal.pl[f->seis].mode, 1);
    assert_int_equal(f->h.hal.pl[f->dust].mode, 1);
    assert_int_equal(f->h.hal.pl[f->mag].mode, 0);
    /* the dust instrument disabled: the budget frees up for the magnetometer */
    const char *off[] = {"dust", "false"};
    assert_int_equal(send_cmd(&f->h, "PldEnable", off, 2), 0);
    harness_run(&f->h, 3);
    assert_int_equal(f->h.hal.pl[f->mag].mode, 1);
    /* night: the Sun-needing magnetometer goes to standby with an event */
    f->h.hal.sen_value[f->sun] = 0.0;
    harness_run(&f->h, 3);
    assert_int_equal(f->h.hal.pl[f->mag].mode, 0);
    assert_int_equal(f->h.hal.pl[f->seis].mode, 1);
    assert_non_null(strstr(last_event(&f->h, "PAYLOAD", PLD_INHIBIT_INF_EID), "NO_SUN"));
    /* hosting disabled altogether (the mode manager's lever) */
    const char *all_off[] = {"false"};
    assert_int_equal(send_cmd(&f->h, "PldEnableAll", all_off, 1), 0);
    harness_run(&f->h, 3);
    assert_int_equal(f->h.hal.pl[f->seis].mode, 0);
    teardown(f);
}

static void duty_cycle(void **state)
{
    (void)state;
    fx_t *f = setup(0);
    ilrs_pld_manifest_t m;
    manifest(&m, "dust", "esa", "line.payload2", 0x302, 2);
    m.duty_cycle = 0.25;
    m.duty_period_s = 400;
    m.data_rate_bps = 0; /* no data-flow hang check for a duty-cycled instrument */
    assert_int_equal(ilrs_pld_app_add(f->pld, &m), 0);
    int on_s = 0;
    for (int s = 0; s < 4000; s++) {
        harness_run(&f->h, 1);
        on_s += f->h.hal.pl[f->dust].mode != 0;
    }
    /* 25 % of 4000 s, within a step at each of the 10 switch-ons and -offs */
    assert_true(on_s >= 1000 - 20 && on_s <= 1000 + 20);
    teardown(f);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(runtime_registration_and_commands),
    cmocka_unit_test(hang_power_cycle),
    cmocka_unit_test(thermal_limit_hysteresis),
    cmocka_unit_test(constraints_and_budget),
    cmocka_unit_test(duty_cycle),
};

ILRS_TEST_MAIN(tests)
