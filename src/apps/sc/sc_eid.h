/* SPDX-License-Identifier: Apache-2.0 */
/* SC (stored commands) event IDs (stable; catalog in docs/events.md). IDs 1-3 are the framework's. */
#ifndef ILRS_SC_EID_H
#define ILRS_SC_EID_H
#define SC_RTS_START_INF_EID 10 /* an RTS started */
#define SC_RTS_DONE_INF_EID  11 /* an RTS sent its last command */
#define SC_RTS_ERR_EID       12 /* RTS start refused (not loaded, running) */
#define SC_STORED_CMD_ERR_EID       13 /* a stored command was refused by the ingest */
#define SC_LOAD_INF_EID      14 /* sequences loaded */
#define SC_LOAD_ERR_EID      15 /* a sequence text or file refused (line named) */
#define SC_ATS_INF_EID       16 /* ATS started or stopped */
#define SC_ATS_ERR_EID       17 /* ATS start refused (not loaded) */
#define SC_RTS_STOP_INF_EID  18 /* an RTS stopped by command */
#define SC_STORED_CMD_DBG_EID       19 /* a stored command was sent */
#endif
