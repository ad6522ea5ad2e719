// SPDX-License-Identifier: Apache-2.0
//
// Station hardware benchmark: the reference station (2 arrays, 2 batteries,
// 8 load lines, 8 thermal nodes, 2 radios, 8 payloads; ilrs_hw_reference_init)
// stepped at 1 Hz under a synthetic south-polar environment (Sun circling the
// horizon once per synodic month at 1.5 deg elevation, a terrain shadow for
// part of each month, relay distance varying over a 12 h orbit), payloads
// active and the radios fed through hal.
//   bench: hw_steps_per_s  station steps per second of CPU
//   bench: hw_year_s       CPU seconds to run a year (31,557,600 steps) at 1 Hz
// Pass a number of days as argv[1] to shorten the "year" (the figure printed
// is still scaled to a full year, and says so on stderr).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <ilrs/hal.h>
#include <ilrs/twin.h>

// CPU time of this process: the step loop is single-threaded and CPU-bound, and
// on a shared machine CPU time measures its cost where wall time would measure
// the other tenants.
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void environment(double t, ilrs_hw_env_t *env)
{
    const double synodic = 29.53059 * 86400.0;
    double phase = fmod(t, synodic) / synodic;
    env->solar_flux_w_m2 = 1361.0;
    env->sun_el_deg = 1.5 * sin(2.0 * 3.141592653589793 * t / (365.25 * 86400.0));
    env->sun_az_deg = 360.0 * phase;
    env->sun_visible_fraction = phase > 0.85 && phase < 0.95 ? 0.0 : 1.0;
    env->regolith_k = 200.0;
    env->sink_k = 3.0;
    double orbit = fmod(t, 43200.0) / 43200.0;
    env->link_distance_m[0] =
        orbit < 0.7 ? 6.0e6 + 4.0e6 * sin(3.141592653589793 * orbit / 0.7) : -1.0;
    env->link_distance_m[1] = 3.844e8;
}

static int run(ilrs_hw_station_t *st, ilrs_hal_t *hal, long steps, double *checksum)
{
    ilrs_hw_env_t env = {0};
    double t = ilrs_hw_station_time_s(st);
    for (long i = 0; i < steps; i++, t += 1.0) {
        // The environment is an input; refresh it every 60 s as the real
        // environment model will (its quantities change slowly).
        if (i % 60 == 0) {
            environment(t, &env);
        }
        if (ilrs_hw_station_step(st, &env, 1.0) != 0) {
            return 1;
        }
        if (i % 60 == 0) { // a flight-software housekeeping cycle through hal
            for (uint16_t p = 0; p < 8; p++) {
                uint64_t bytes;
                ilrs_hal_payload_read(hal, p, &bytes);
                if (bytes > 0) {
                    uint64_t w;
                    ilrs_hal_storage_write(hal, 0, bytes, &w);
                }
            }
            static const unsigned char frame[1024];
            (void)ilrs_hal_radio_send(hal, 0, frame, sizeof frame); // housekeeping telemetry
            uint64_t released;
            ilrs_hal_storage_release(hal, 0, 1u << 20, &released);
            ilrs_hal_reading_t r;
            ilrs_hal_sensor_read(hal, 0, &r);
            *checksum += r.value;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    double days = argc > 1 ? atof(argv[1]) : 365.25;
    if (!(days > 0.0)) {
        fprintf(stderr, "bench_hw: days must be positive\n");
        return 1;
    }
    static ilrs_hw_reference_t ref;
    ilrs_hw_reference_init(&ref, 42);
    ilrs_hw_station_t *st = NULL;
    char err[256];
    if (ilrs_hw_station_create(&ref.config, &st, err, sizeof err) != 0) {
        fprintf(stderr, "bench_hw: %s\n", err);
        return 1;
    }
    ilrs_hal_t hal;
    ilrs_hw_station_hal(st, &hal);
    ilrs_hw_env_t env0 = {0};
    environment(0.0, &env0);
    ilrs_hw_station_step(st, &env0, 1.0);
    for (uint16_t p = 0; p < 7; p++) {
        ilrs_hal_payload_command(&hal, p, 1);
    }

    long steps = (long)(days * 86400.0);
    double checksum = 0.0;
    double t0 = now_s();
    int rc = run(st, &hal, steps, &checksum);
    double elapsed = now_s() - t0;
    if (rc != 0) {
        fprintf(stderr, "bench_hw: step failed\n");
        ilrs_hw_station_destroy(st);
        return 1;
    }
    const ilrs_hw_ledger_t *lg = ilrs_hw_station_ledger(st);
    fprintf(stderr,
            "(%.2f days in %.3f s; arrays %.1f kWh, loads %.1f kWh, shunt %.1f kWh, "
            "brownout %.0f s, battery SOC %.3f, checksum %.3f)\n",
            days, elapsed, lg->array_j / 3.6e6, lg->load_j / 3.6e6, lg->shunt_j / 3.6e6,
            lg->brownout_s, ilrs_hw_battery_soc(ilrs_hw_station_battery(st, 0)), checksum);
    double rate = (double)steps / elapsed;
    printf("bench: hw_steps_per_s %.0f steps/s\n", rate);
    printf("bench: hw_year_s %.2f s\n", ILRS_HW_YEAR_S / rate);
    ilrs_hw_station_destroy(st);
    return 0;
}
