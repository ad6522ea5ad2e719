/* SPDX-License-Identifier: Apache-2.0 */
/* MODE manager event IDs (stable; catalog in docs/events.md). IDs 1-3 are the framework's. */
#ifndef ILRS_MODE_EID_H
#define ILRS_MODE_EID_H
#define MODE_TRANSITION_INF_EID 10 /* a mode transition (by command or automatic) */
#define MODE_ACTION_ERR_EID     11 /* an entry action's command was refused */
#define MODE_REENTER_INF_EID    12 /* ModeSet to the current mode: entry actions re-applied */
#endif
