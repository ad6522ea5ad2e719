/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private limits and helpers of the event service (fsw_event.c) and the
 * parameter tables (fsw_table.c). Compile-time bounds live here, each with the
 * reason for its value; the public sizing is in include/ilrs/fsw.h.
 * fsw_int.h belongs to the rest of the flight framework.
 */
#ifndef ILRS_FSW_EVS_TBL_INT_H
#define ILRS_FSW_EVS_TBL_INT_H

#include <ilrs/fsw.h>

/* ---- event service ------------------------------------------------------ */

/* Defaults for zero fields of ilrs_evs_config_t: 32 apps covers the station's
 * core and mission apps with room; 16 filters per app is twice cFE's
 * CFE_PLATFORM_EVS_MAX_EVENT_FILTERS default of 8; 256 log records hold a few
 * passes' worth of anomalies at the expected event rates. */
#define EVS_DEFAULT_MAX_APPS    32u
#define EVS_DEFAULT_MAX_FILTERS 16u
#define EVS_DEFAULT_LOG_SIZE    256u

/* Upper bounds of the configuration (ILRS_EINVAL beyond): keep the single
 * create-time allocation below ~200 MiB even at the largest values. */
#define EVS_LIMIT_MAX_APPS    4096u
#define EVS_LIMIT_MAX_FILTERS 1024u
#define EVS_LIMIT_LOG_SIZE    (1u << 20)

/* The character that marks truncated event text (cFE's
 * CFE_EVS_MSG_TRUNCATED convention, so operators see the cut in the text). */
#define EVS_TRUNCATED_MARK '$'

/* Offsets of the event packet fields (see the layout note in fsw.h). */
#define EVS_PKT_APP_NAME  12u
#define EVS_PKT_APP_ID    32u
#define EVS_PKT_EVENT_ID  34u
#define EVS_PKT_SEVERITY  36u
#define EVS_PKT_SEQ       37u
#define EVS_PKT_TRUNCATED 41u
#define EVS_PKT_TEXT      42u

/* ---- parameter tables --------------------------------------------------- */

#define TBL_LIMIT_MAX_TABLES 4096u
#define TBL_LIMIT_IMAGE_SIZE (16u << 20) /* 16 MiB: far above any parameter table */

/* Text form version written in dump headers (documented in docs/fsw-events-tables.md). */
#define TBL_TEXT_VERSION 1

#endif
