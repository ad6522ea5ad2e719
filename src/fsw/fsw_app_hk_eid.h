/* SPDX-License-Identifier: Apache-2.0 */
/* HK event IDs (stable; catalog in docs/events.md). IDs 1-3 are the framework's. */
#ifndef ILRS_FSW_APP_HK_EID_H
#define ILRS_FSW_APP_HK_EID_H
#define HK_SEND_ERR_EID     10 /* an HK packet could not be published */
#define HK_INTERVAL_INF_EID 11 /* HK interval changed */
#endif
