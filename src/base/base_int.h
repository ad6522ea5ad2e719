/* SPDX-License-Identifier: Apache-2.0 */
/* Private declarations shared by the base module's files. */
#ifndef ILRS_BASE_INT_H
#define ILRS_BASE_INT_H

#include <ilrs/base.h>

/** Largest message the log hook formats; longer ones are cut (never overflow). */
#define ILRS__LOG_MAX 1024

#endif
