/* SPDX-License-Identifier: Apache-2.0 */
/* EXEC event IDs (stable; catalog in docs/events.md). IDs 1-3 are the framework's. */
#ifndef ILRS_FSW_APP_EXEC_EID_H
#define ILRS_FSW_APP_EXEC_EID_H
#define EXEC_APP_FAIL_ERR_EID      10 /* an app's step failed */
#define EXEC_APP_INITFAIL_ERR_EID  11 /* an app's init failed */
#define EXEC_APP_RESTART_INF_EID   12 /* an app was restarted */
#define EXEC_APP_DISABLED_CRIT_EID 13 /* an app was disabled after max_failures */
#define EXEC_APP_OVERRUN_ERR_EID   14 /* wall mode: step over budget */
#define EXEC_FRAME_SLIP_ERR_EID    15 /* wall mode: frame started late */
#define EXEC_APP_CMD_INF_EID       16 /* restart/disable/enable command done */
#define EXEC_NOAPP_ERR_EID         17 /* command names no such app */
#define EXEC_APP_CMD_ERR_EID       18 /* restart/disable/enable refused */
#define EXEC_STARTED_INF_EID       19 /* flight instance started */
#endif
