/* SPDX-License-Identifier: Apache-2.0 */
/* LINK app event IDs (catalog: docs/space-link.md "Link endpoints"). */
#ifndef ILRS_LINK_EID_H
#define ILRS_LINK_EID_H

#define LINK_TC_ERR_EID    10 /* TC frame rejected by the decoder (CRC, SCID, format) */
#define LINK_FARM_ERR_EID  11 /* TC frame rejected by FARM-1 */
#define LINK_UPCMD_ERR_EID 12 /* command packet rejected by the ingest */
#define LINK_DROP_ERR_EID  13 /* telemetry dropped: VC queue full or bad packet */
#define LINK_HAL_ERR_EID   14 /* configured radio missing */
#define LINK_UPCMD_INF_EID 15 /* command packet accepted by the ingest */

#endif
