/* SPDX-License-Identifier: Apache-2.0 */
/* SB event IDs (stable; catalog in docs/events.md). IDs 1-3 are the framework's. */
#ifndef ILRS_FSW_APP_SB_EID_H
#define ILRS_FSW_APP_SB_EID_H
#define SB_DROP_ERR_EID 10 /* a message was dropped by the bus */
#endif
