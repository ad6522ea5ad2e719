/* SPDX-License-Identifier: Apache-2.0 */
/* PAYLOAD host (PLD) event IDs (stable; catalog in docs/events.md). IDs 1-3 are the framework's. */
#ifndef ILRS_PAYLOAD_EID_H
#define ILRS_PAYLOAD_EID_H
#define PLD_ADDED_INF_EID    10 /* a payload registered (packet, command, owner) */
#define PLD_ADD_ERR_EID      11 /* a payload could not be registered */
#define PLD_MODE_INF_EID     12 /* a payload was switched to a mode */
#define PLD_HANG_ERR_EID     13 /* no data / mode not taken while on: power cycle */
#define PLD_INHIBIT_INF_EID  14 /* a constraint switched a payload off */
#define PLD_ENABLE_INF_EID   15 /* hosting enabled/disabled (payload or all) */
#define PLD_NAME_ERR_EID     16 /* a command named an unknown payload */
#define PLD_HAL_ERR_EID      17 /* hal refused an operation */
#define PLD_CYCLE_ERR_EID    18 /* the power cycle could not be requested */
#define PLD_RECOVERED_INF_EID 19 /* a payload power cycled for a hang produces again */
#endif
