/* SPDX-License-Identifier: Apache-2.0 */
/* LC (limit checker) event IDs (stable; catalog in docs/events.md). IDs 1-3 are the framework's. */
#ifndef ILRS_LC_EID_H
#define ILRS_LC_EID_H
#define LC_AP_FIRE_ERR_EID    10 /* an active actionpoint fired: RTS requested */
#define LC_AP_PASSIVE_INF_EID 11 /* a passive actionpoint became true (no RTS) */
#define LC_WP_ERR_EID         12 /* a watchpoint names an unknown packet or field */
#define LC_AP_STATE_INF_EID   13 /* an actionpoint state changed by command */
#define LC_RTS_ERR_EID        14 /* the RTS request was refused */
#define LC_AP_CLEAR_INF_EID   15 /* a fired actionpoint is false again (re-armed) */
#define LC_WP_SET_INF_EID     16 /* a watchpoint threshold changed by command */
#endif
