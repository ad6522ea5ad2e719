/* SPDX-License-Identifier: Apache-2.0 */
/* COMM (COM) event IDs (stable; catalog in docs/events.md). IDs 1-3 are the framework's. */
#ifndef ILRS_COMM_EID_H
#define ILRS_COMM_EID_H
#define COM_LINK_INF_EID     10 /* link selection changed */
#define COM_HAL_ERR_EID      11 /* a configured radio is missing */
#define COM_PLAYBACK_ERR_EID 12 /* the playback request was refused */
#define COM_SET_INF_EID      13 /* preference, playback or windows changed by command */
#define COM_WINDOW_ERR_EID   14 /* a window upload was refused */
#define COM_OUTAGE_ERR_EID   15 /* a radio's link is down inside a predicted contact */
#define COM_OUTAGE_INF_EID   16 /* the link of a radio in outage is back */
#define COM_CYCLE_INF_EID    17 /* power cycle of a radio in outage requested */
#define COM_CYCLE_ERR_EID    18 /* ... and refused */
#define COM_TM_DROP_ERR_EID  19 /* telemetry dropped (no link, no room) */
#define COM_PREDICT_ERR_EID  20 /* onboard contact prediction failed or table full */
#endif
