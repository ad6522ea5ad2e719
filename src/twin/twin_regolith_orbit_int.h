/* SPDX-License-Identifier: Apache-2.0 */
/*
 * twin_regolith_orbit_int.h: private declarations shared by twin_regolith.c,
 * twin_orbit.c and twin_windows.c (the regolith/orbit part of the twin; the
 * ephemeris session's private header is twin_int.h).
 */
#ifndef ILRS_TWIN_REGOLITH_ORBIT_INT_H
#define ILRS_TWIN_REGOLITH_ORBIT_INT_H

#include <ilrs/twin.h>

/* π (M_PI is not in strict C17). */
#define ILRS__PI 3.14159265358979323846
#define ILRS__DEG (ILRS__PI / 180.0)

/** Absorbed surface flux Q_s (W m⁻²) for a forcing (Hayne 2017 appendix A). */
double ilrs__regolith_absorbed_flux(const ilrs_regolith_params_t *p,
                                    const ilrs_regolith_forcing_t *f);

#endif
