/* SPDX-License-Identifier: Apache-2.0 */
/* LOADnn (bus-load apps) event IDs (stable; catalog in docs/events.md). */
#ifndef ILRS_FSW_APP_LOAD_EID_H
#define ILRS_FSW_APP_LOAD_EID_H
#define LOAD_GAP_ERR_EID 10 /* neighbour's counter jumped (first of a series) */
#endif
