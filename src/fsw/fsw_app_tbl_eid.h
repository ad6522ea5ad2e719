/* SPDX-License-Identifier: Apache-2.0 */
/* TBL event IDs (stable; catalog in docs/events.md). IDs 1-3 are the framework's. */
#ifndef ILRS_FSW_APP_TBL_EID_H
#define ILRS_FSW_APP_TBL_EID_H
#define TBL_LOAD_INF_EID     10 /* load validated, pending activation */
#define TBL_LOAD_ERR_EID     11 /* load rejected (file, syntax, range, crc, callback) */
#define TBL_ACTIVATE_INF_EID 12 /* pending load activated */
#define TBL_ACTIVATE_ERR_EID 13 /* nothing pending */
#define TBL_DUMP_INF_EID     14 /* active image dumped */
#define TBL_DUMP_ERR_EID     15 /* dump failed */
#define TBL_NOTABLE_ERR_EID  16 /* no such table */
#define TBL_ABORT_INF_EID    17 /* pending load discarded */
#endif
