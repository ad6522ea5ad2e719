/* SPDX-License-Identifier: Apache-2.0 */
/* EVS event IDs (stable; catalog in docs/events.md). IDs 1-3 are the framework's. */
#ifndef ILRS_FSW_APP_EVS_EID_H
#define ILRS_FSW_APP_EVS_EID_H
#define EVS_APP_ENA_INF_EID  10 /* app events enabled */
#define EVS_APP_DIS_INF_EID  11 /* app events disabled */
#define EVS_FILTER_INF_EID   12 /* filter set */
#define EVS_SEVERITY_INF_EID 13 /* severity enabled/disabled */
#define EVS_NOAPP_ERR_EID    14 /* command names no such app */
#define EVS_FILTER_ERR_EID   15 /* filter refused */
#endif
