/* SPDX-License-Identifier: Apache-2.0 */
/* POWER (PWR) event IDs (stable; catalog in docs/events.md). IDs 1-3 are the framework's. */
#ifndef ILRS_POWER_EID_H
#define ILRS_POWER_EID_H
#define PWR_SHED_ERR_EID      10 /* SOC below a threshold: a shedding level entered */
#define PWR_RESTORE_INF_EID   11 /* SOC above threshold + hysteresis: a level left */
#define PWR_LINE_INF_EID      12 /* SetLoadLine / SetLoadMask carried out */
#define PWR_LINE_ERR_EID      13 /* unknown line or hal refused a switch */
#define PWR_THRESH_INF_EID    14 /* shedding thresholds changed */
#define PWR_THRESH_ERR_EID    15 /* thresholds refused (not descending, hysteresis) */
#define PWR_SURVIVAL_INF_EID  16 /* night survival entered or left */
#define PWR_TRIP_ERR_EID      17 /* a line read back tripped */
#define PWR_CYCLE_INF_EID     18 /* a line power cycle started / ended */
#define PWR_CHARGE_INF_EID    19 /* charging stopped at soc_max / resumed */
#define PWR_SOC_ERR_EID       20 /* no valid SOC gauge */
#define PWR_HAL_ERR_EID       21 /* a configured device is missing at init */
#define PWR_SOURCE_ERR_EID    22 /* a source fell below its peers: array degradation */
#define PWR_BATTERY_ERR_EID   23 /* a battery's current share fell: string loss */
#define PWR_STRING_ERR_EID    24 /* a string monitor out of family: string lost */
#define PWR_BATTERY_INF_EID   25 /* a battery back in service on its remaining strings */
#endif
