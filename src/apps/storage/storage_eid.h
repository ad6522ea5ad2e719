/* SPDX-License-Identifier: Apache-2.0 */
/* STORAGE (STO) event IDs (stable; catalog in docs/events.md). IDs 1-3 are the framework's. */
#ifndef ILRS_STORAGE_EID_H
#define ILRS_STORAGE_EID_H
#define STO_DROP_ERR_EID     10 /* storage full: lower-priority data dropped */
#define STO_REFUSED_ERR_EID  11 /* storage full: incoming data refused */
/* 12: unused (playback is counted in telemetry, one request a second needs no event) */
#define STO_CHANNEL_ERR_EID  13 /* unknown channel / radio named */
#define STO_HAL_ERR_EID      14 /* hal storage or radio refused */
#define STO_CLEAR_INF_EID    15 /* a channel was cleared by command */
#endif
