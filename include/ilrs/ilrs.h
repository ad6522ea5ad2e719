/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file ilrs.h
 * @brief Everything public in ilrs, in one include.
 */
#ifndef ILRS_H
#define ILRS_H

#include <ilrs/base.h>

#endif
