/* SPDX-License-Identifier: Apache-2.0 */
/* TIME event IDs (stable; catalog in docs/events.md). IDs 1-3 are the framework's. */
#ifndef ILRS_FSW_APP_TIME_EID_H
#define ILRS_FSW_APP_TIME_EID_H
#define TIME_CORR_INF_EID 10 /* correlation pair accepted, refit */
#define TIME_CORR_ERR_EID 11 /* correlation pair or setting refused */
#define TIME_SET_INF_EID  12 /* correlation set directly */
#endif
