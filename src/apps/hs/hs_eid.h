/* SPDX-License-Identifier: Apache-2.0 */
/* HS (health and safety) event IDs (stable; catalog in docs/events.md). IDs 1-3 are the framework's. */
#ifndef ILRS_HS_EID_H
#define ILRS_HS_EID_H
#define HS_APP_STALL_ERR_EID   10 /* a watched app stopped stepping */
#define HS_APP_RESTART_INF_EID 11 /* HS restarted a stalled app */
#define HS_APP_GIVEUP_CRIT_EID 12 /* restarts exhausted */
#define HS_ACTION_INF_EID      13 /* an event-triggered action started its RTS */
#define HS_ACTION_ERR_EID      14 /* the action's RTS request was refused */
#define HS_CPU_ERR_EID         15 /* wall mode: CPU use above the limit */
#define HS_NOAPP_ERR_EID       16 /* a watched app does not exist */
#endif
