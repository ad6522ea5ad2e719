// SPDX-License-Identifier: Apache-2.0
// hal alone: the wrappers over a small in-test backend (two switches, one
// sensor, nothing else): enumeration, lookup by name, round trips, argument
// checks, unsupported operations and the rejected-call counter.
#include "ilrs_test.h"

#include <math.h>

#include <ilrs/hal.h>

/* cmocka's assert_float_equal works in float; these checks need double. */
#define assert_near(a, b, tol)                                                                     \
    do {                                                                                           \
        double near_a_ = (a), near_b_ = (b), near_t_ = (tol);                                      \
        if (!(fabs(near_a_ - near_b_) <= near_t_)) {                                               \
            fail_msg("%s = %.17g, expected %.17g +- %.3g", #a, near_a_, near_b_, near_t_);         \
        }                                                                                          \
    } while (0)

typedef struct fake {
    bool sw[2];
    double sensor;
    int calls;
} fake_t;

static size_t fake_count(void *ctx, ilrs_hal_kind_t kind)
{
    (void)ctx;
    return kind == ILRS_HAL_SWITCH ? 2 : kind == ILRS_HAL_SENSOR ? 1 : 0;
}

static int fake_info(void *ctx, ilrs_hal_kind_t kind, size_t index, ilrs_hal_info_t *out)
{
    (void)ctx;
    static const char *sw[2] = {"line.a", "heater.b"};
    out->kind = kind;
    out->id = (uint16_t)(10 + index); // ids need not be dense or start at 0
    if (kind == ILRS_HAL_SWITCH) {
        snprintf(out->name, sizeof out->name, "%s", sw[index]);
    } else {
        snprintf(out->name, sizeof out->name, "bus.voltage");
        snprintf(out->unit, sizeof out->unit, "V");
    }
    return 0;
}

static int fake_switch_set(void *ctx, uint16_t id, bool on)
{
    fake_t *f = ctx;
    f->calls++;
    if (id < 10 || id > 11) {
        return ILRS_EHAL_NODEV;
    }
    f->sw[id - 10] = on;
    return 0;
}

static int fake_switch_get(void *ctx, uint16_t id, ilrs_hal_switch_state_t *out)
{
    fake_t *f = ctx;
    if (id < 10 || id > 11) {
        return ILRS_EHAL_NODEV;
    }
    out->commanded_on = out->on = f->sw[id - 10];
    return 0;
}

static int fake_sensor_read(void *ctx, uint16_t id, ilrs_hal_reading_t *out)
{
    fake_t *f = ctx;
    if (id != 10) {
        return ILRS_EHAL_NODEV;
    }
    out->value = f->sensor;
    out->valid = true;
    return 0;
}

static const ilrs_hal_ops_t fake_ops = {
    .count = fake_count,
    .info = fake_info,
    .switch_set = fake_switch_set,
    .switch_get = fake_switch_get,
    .sensor_read = fake_sensor_read,
};

static void enumerate_and_find(void **state)
{
    (void)state;
    fake_t f = {0};
    ilrs_hal_t hal;
    assert_int_equal(ilrs_hal_init(&hal, &fake_ops, &f), 0);
    assert_int_equal(ilrs_hal_count(&hal, ILRS_HAL_SWITCH), 2);
    assert_int_equal(ilrs_hal_count(&hal, ILRS_HAL_SENSOR), 1);
    assert_int_equal(ilrs_hal_count(&hal, ILRS_HAL_RADIO), 0);
    assert_int_equal(ilrs_hal_count(&hal, (ilrs_hal_kind_t)99), 0);
    ilrs_hal_info_t info;
    assert_int_equal(ilrs_hal_info(&hal, ILRS_HAL_SENSOR, 0, &info), 0);
    assert_string_equal(info.name, "bus.voltage");
    assert_string_equal(info.unit, "V");
    assert_int_equal(info.kind, ILRS_HAL_SENSOR);
    uint16_t id = 0;
    assert_int_equal(ilrs_hal_find(&hal, ILRS_HAL_SWITCH, "heater.b", &id), 0);
    assert_int_equal(id, 11);
    assert_int_equal(ilrs_hal_find(&hal, ILRS_HAL_SWITCH, "nope", &id), ILRS_ENOTFOUND);
    assert_int_equal(ilrs_hal_info(&hal, ILRS_HAL_SWITCH, 2, &info), ILRS_ERANGE);
    assert_string_equal(info.name, ""); // cleared on failure
    assert_int_equal(hal.rejected, 2);
    assert_string_equal(ilrs_hal_kind_name(ILRS_HAL_PAYLOAD), "payload");
    assert_string_equal(ilrs_hal_kind_name((ilrs_hal_kind_t)42), "?");
}

static void switch_and_sensor_round_trip(void **state)
{
    (void)state;
    fake_t f = {.sensor = 28.1};
    ilrs_hal_t hal;
    ilrs_hal_init(&hal, &fake_ops, &f);
    ilrs_hal_switch_state_t s;
    assert_int_equal(ilrs_hal_switch_set(&hal, 11, true), 0);
    assert_int_equal(ilrs_hal_switch_get(&hal, 11, &s), 0);
    assert_true(s.on && s.commanded_on);
    assert_int_equal(ilrs_hal_switch_set(&hal, 11, false), 0);
    assert_int_equal(ilrs_hal_switch_get(&hal, 11, &s), 0);
    assert_false(s.on);
    assert_int_equal(ilrs_hal_switch_set(&hal, 3, true), ILRS_EHAL_NODEV);
    ilrs_hal_reading_t r;
    assert_int_equal(ilrs_hal_sensor_read(&hal, 10, &r), 0);
    assert_true(r.valid);
    assert_near(r.value, 28.1, 0.0);
    assert_int_equal(ilrs_hal_sensor_read(&hal, 9, &r), ILRS_EHAL_NODEV);
    assert_false(r.valid);
    assert_int_equal(hal.rejected, 2);
}

static void missing_operations_and_bad_arguments(void **state)
{
    (void)state;
    fake_t f = {0};
    ilrs_hal_t hal;
    assert_int_equal(ilrs_hal_init(&hal, NULL, &f), ILRS_EINVAL);
    assert_int_equal(ilrs_hal_init(NULL, &fake_ops, &f), ILRS_EINVAL);
    ilrs_hal_init(&hal, &fake_ops, &f);
    ilrs_hal_radio_status_t rs;
    assert_int_equal(ilrs_hal_radio_status(&hal, 0, &rs), ILRS_EUNSUPPORTED);
    assert_int_equal(ilrs_hal_radio_send(&hal, 0, "x", 1), ILRS_EUNSUPPORTED);
    assert_int_equal(ilrs_hal_radio_send(&hal, 0, NULL, 1), ILRS_EINVAL);
    uint64_t n = 7;
    assert_int_equal(ilrs_hal_payload_read(&hal, 0, &n), ILRS_EUNSUPPORTED);
    assert_int_equal(n, 0);
    assert_int_equal(ilrs_hal_payload_command(&hal, 0, 1), ILRS_EUNSUPPORTED);
    ilrs_hal_payload_status_t ps;
    assert_int_equal(ilrs_hal_payload_status(&hal, 0, &ps), ILRS_EUNSUPPORTED);
    ilrs_hal_storage_status_t ss;
    assert_int_equal(ilrs_hal_storage_status(&hal, 0, &ss), ILRS_EUNSUPPORTED);
    assert_int_equal(ilrs_hal_storage_write(&hal, 0, 5, &n), ILRS_EUNSUPPORTED);
    assert_int_equal(ilrs_hal_storage_release(&hal, 0, 5, &n), ILRS_EUNSUPPORTED);
    assert_int_equal(ilrs_hal_sensor_read(&hal, 10, NULL), ILRS_EINVAL);
    assert_int_equal(ilrs_hal_switch_get(&hal, 10, NULL), ILRS_EINVAL);
    assert_int_equal(ilrs_hal_find(&hal, ILRS_HAL_SWITCH, NULL, NULL), ILRS_EINVAL);
    assert_int_equal(ilrs_hal_switch_set(NULL, 10, true), ILRS_EINVAL);
    assert_int_equal(hal.rejected, 12); // the NULL hal cannot count its own call
    assert_int_equal(f.calls, 0);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(enumerate_and_find),
    cmocka_unit_test(switch_and_sensor_round_trip),
    cmocka_unit_test(missing_operations_and_bad_arguments),
};
ILRS_TEST_MAIN(tests)
