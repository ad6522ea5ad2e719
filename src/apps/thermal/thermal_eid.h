/* SPDX-License-Identifier: Apache-2.0 */
/* THERMAL (THM) event IDs (stable; catalog in docs/events.md). IDs 1-3 are the framework's. */
#ifndef ILRS_THERMAL_EID_H
#define ILRS_THERMAL_EID_H
#define THM_HEATER_FAIL_ERR_EID  10 /* heater on but the zone did not warm: declared failed */
#define THM_HEATER_RESET_INF_EID 11 /* a failed heater returned to service by command */
#define THM_SURVIVAL_INF_EID     12 /* survival set points entered or left */
#define THM_SENSOR_ERR_EID       13 /* a zone's sensor reads invalid */
#define THM_ZONE_ERR_EID         14 /* a command named an unknown zone */
#define THM_HAL_ERR_EID          15 /* a configured device is missing or refused */
#define THM_TABLE_INF_EID        16 /* new set points in force */
#define THM_SENSOR_STUCK_ERR_EID 17 /* a zone's sensor repeats one value: stuck */
#define THM_SENSOR_OK_INF_EID    18 /* a stuck or invalid zone sensor reads live again */
#endif
