// SPDX-License-Identifier: Apache-2.0
//
// The hal wrappers: the calls flight apps make, forwarded to a backend's
// operation table (the twin's station, or drivers on real hardware). The
// wrappers own the checks every backend would otherwise repeat: NULL hal or
// out-parameter, a missing operation (ILRS_EUNSUPPORTED), clearing
// out-parameters before any failure, and counting refused calls in
// hal->rejected so that FDIR can see a misbehaving caller or device.
// Depends on base only.
#include <string.h>

#include <ilrs/hal.h>

static int refuse(ilrs_hal_t *hal, int code)
{
    if (hal != NULL) {
        hal->rejected++;
    }
    return code;
}

// Count backend failures too: a device that keeps failing shows in the counter.
static int pass(ilrs_hal_t *hal, int rc)
{
    if (rc < 0) {
        hal->rejected++;
    }
    return rc;
}

int ilrs_hal_init(ilrs_hal_t *hal, const ilrs_hal_ops_t *ops, void *ctx)
{
    if (hal == NULL) {
        return ILRS_EINVAL;
    }
    memset(hal, 0, sizeof *hal);
    if (ops == NULL) {
        return ILRS_EINVAL;
    }
    hal->ops = ops;
    hal->ctx = ctx;
    return 0;
}

size_t ilrs_hal_count(const ilrs_hal_t *hal, ilrs_hal_kind_t kind)
{
    if (hal == NULL || hal->ops == NULL || hal->ops->count == NULL ||
        (unsigned)kind >= ILRS_HAL_KIND_COUNT) {
        return 0;
    }
    return hal->ops->count(hal->ctx, kind);
}

int ilrs_hal_info(ilrs_hal_t *hal, ilrs_hal_kind_t kind, size_t index, ilrs_hal_info_t *out)
{
    if (out != NULL) {
        memset(out, 0, sizeof *out);
    }
    if (hal == NULL || hal->ops == NULL || out == NULL || (unsigned)kind >= ILRS_HAL_KIND_COUNT) {
        return refuse(hal, ILRS_EINVAL);
    }
    if (hal->ops->info == NULL) {
        return refuse(hal, ILRS_EUNSUPPORTED);
    }
    if (index >= ilrs_hal_count(hal, kind)) {
        return refuse(hal, ILRS_ERANGE);
    }
    int rc = hal->ops->info(hal->ctx, kind, index, out);
    if (rc == 0) {
        out->name[ILRS_HAL_NAME_MAX - 1] = '\0';
        out->unit[ILRS_HAL_NAME_MAX - 1] = '\0';
    }
    return pass(hal, rc);
}

int ilrs_hal_find(ilrs_hal_t *hal, ilrs_hal_kind_t kind, const char *name, uint16_t *id)
{
    if (id != NULL) {
        *id = 0;
    }
    if (hal == NULL || name == NULL || id == NULL || (unsigned)kind >= ILRS_HAL_KIND_COUNT) {
        return refuse(hal, ILRS_EINVAL);
    }
    size_t n = ilrs_hal_count(hal, kind);
    for (size_t i = 0; i < n; i++) {
        ilrs_hal_info_t info;
        if (ilrs_hal_info(hal, kind, i, &info) == 0 && strcmp(info.name, name) == 0) {
            *id = info.id;
            return 0;
        }
    }
    return refuse(hal, ILRS_ENOTFOUND);
}

// One macro per shape of call keeps the eleven wrappers identical in their
// checks; the order is: clear the out-parameter, check, forward, count.
#define HAL_CHECK(hal, op)                                                                         \
    do {                                                                                           \
        if ((hal) == NULL || (hal)->ops == NULL) {                                                 \
            return refuse((hal), ILRS_EINVAL);                                                     \
        }                                                                                          \
        if ((hal)->ops->op == NULL) {                                                              \
            return refuse((hal), ILRS_EUNSUPPORTED);                                               \
        }                                                                                          \
    } while (0)

int ilrs_hal_switch_set(ilrs_hal_t *hal, uint16_t id, bool on)
{
    HAL_CHECK(hal, switch_set);
    return pass(hal, hal->ops->switch_set(hal->ctx, id, on));
}

int ilrs_hal_switch_get(ilrs_hal_t *hal, uint16_t id, ilrs_hal_switch_state_t *out)
{
    if (out == NULL) {
        return refuse(hal, ILRS_EINVAL);
    }
    memset(out, 0, sizeof *out);
    HAL_CHECK(hal, switch_get);
    return pass(hal, hal->ops->switch_get(hal->ctx, id, out));
}

int ilrs_hal_sensor_read(ilrs_hal_t *hal, uint16_t id, ilrs_hal_reading_t *out)
{
    if (out == NULL) {
        return refuse(hal, ILRS_EINVAL);
    }
    memset(out, 0, sizeof *out);
    HAL_CHECK(hal, sensor_read);
    return pass(hal, hal->ops->sensor_read(hal->ctx, id, out));
}

int ilrs_hal_radio_status(ilrs_hal_t *hal, uint16_t id, ilrs_hal_radio_status_t *out)
{
    if (out == NULL) {
        return refuse(hal, ILRS_EINVAL);
    }
    memset(out, 0, sizeof *out);
    HAL_CHECK(hal, radio_status);
    return pass(hal, hal->ops->radio_status(hal->ctx, id, out));
}

int ilrs_hal_radio_send(ilrs_hal_t *hal, uint16_t id, const void *data, size_t len)
{
    if (data == NULL && len > 0) {
        return refuse(hal, ILRS_EINVAL);
    }
    HAL_CHECK(hal, radio_send);
    return pass(hal, hal->ops->radio_send(hal->ctx, id, data, len));
}

int ilrs_hal_payload_status(ilrs_hal_t *hal, uint16_t id, ilrs_hal_payload_status_t *out)
{
    if (out == NULL) {
        return refuse(hal, ILRS_EINVAL);
    }
    memset(out, 0, sizeof *out);
    HAL_CHECK(hal, payload_status);
    return pass(hal, hal->ops->payload_status(hal->ctx, id, out));
}

int ilrs_hal_payload_command(ilrs_hal_t *hal, uint16_t id, uint32_t mode)
{
    HAL_CHECK(hal, payload_command);
    return pass(hal, hal->ops->payload_command(hal->ctx, id, mode));
}

int ilrs_hal_payload_read(ilrs_hal_t *hal, uint16_t id, uint64_t *bytes)
{
    if (bytes == NULL) {
        return refuse(hal, ILRS_EINVAL);
    }
    *bytes = 0;
    HAL_CHECK(hal, payload_read);
    return pass(hal, hal->ops->payload_read(hal->ctx, id, bytes));
}

int ilrs_hal_storage_status(ilrs_hal_t *hal, uint16_t id, ilrs_hal_storage_status_t *out)
{
    if (out == NULL) {
        return refuse(hal, ILRS_EINVAL);
    }
    memset(out, 0, sizeof *out);
    HAL_CHECK(hal, storage_status);
    return pass(hal, hal->ops->storage_status(hal->ctx, id, out));
}

int ilrs_hal_storage_write(ilrs_hal_t *hal, uint16_t id, uint64_t bytes, uint64_t *written)
{
    if (written == NULL) {
        return refuse(hal, ILRS_EINVAL);
    }
    *written = 0;
    HAL_CHECK(hal, storage_write);
    return pass(hal, hal->ops->storage_write(hal->ctx, id, bytes, written));
}

int ilrs_hal_storage_release(ilrs_hal_t *hal, uint16_t id, uint64_t bytes, uint64_t *released)
{
    if (released == NULL) {
        return refuse(hal, ILRS_EINVAL);
    }
    *released = 0;
    HAL_CHECK(hal, storage_release);
    return pass(hal, hal->ops->storage_release(hal->ctx, id, bytes, released));
}

const char *ilrs_hal_kind_name(ilrs_hal_kind_t kind)
{
    switch (kind) {
    case ILRS_HAL_SWITCH:
        return "switch";
    case ILRS_HAL_SENSOR:
        return "sensor";
    case ILRS_HAL_RADIO:
        return "radio";
    case ILRS_HAL_PAYLOAD:
        return "payload";
    case ILRS_HAL_STORAGE:
        return "storage";
    default:
        return "?";
    }
}
