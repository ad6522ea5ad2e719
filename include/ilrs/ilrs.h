/* SPDX-License-Identifier: Apache-2.0 */
/**
 * @file ilrs.h
 * @brief Everything public in ilrs, in one include.
 */
#ifndef ILRS_H
#define ILRS_H

#include <ilrs/base.h>
#include <ilrs/ccsds.h>
#include <ilrs/dict.h>
#include <ilrs/fsw.h>
#include <ilrs/ground.h>
#include <ilrs/ground_server.h>
#include <ilrs/ground_link.h>
#include <ilrs/scenario.h>
#include <ilrs/hal.h>
#include <ilrs/twin.h>
#include <ilrs/apps.h>
#include <ilrs/station.h>

#endif
