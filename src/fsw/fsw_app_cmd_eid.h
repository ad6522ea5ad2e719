/* SPDX-License-Identifier: Apache-2.0 */
/* CMD (command ingest) event IDs (stable; catalog in docs/events.md). IDs 1-3 are the framework's.
 */
#ifndef ILRS_FSW_APP_CMD_EID_H
#define ILRS_FSW_APP_CMD_EID_H
#define CMD_MALFORMED_ERR_EID 10 /* CCSDS header, checksum or buffer wrong */
#define CMD_UNKNOWN_ERR_EID   11 /* unknown message ID / function code */
#define CMD_LENGTH_ERR_EID    12 /* known command, wrong length */
#define CMD_ARG_ERR_EID       13 /* argument out of range */
#define CMD_OVERSIZE_ERR_EID  14 /* longer than the ingest limit */
#define CMD_NOROUTE_ERR_EID   15 /* no app serves the APID */
#define CMD_DROPPED_ERR_EID   16 /* the app's command pipe was full */
#endif
