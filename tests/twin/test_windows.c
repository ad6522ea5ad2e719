/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Contact windows: a circular polar orbit over a pole site (exact rise and set
 * times from geometry), a horizon mask, direct site ↔ station contact for a
 * near-side and a far-side site (window edges checked against an independent
 * ERFA computation of the Moon's elevation), the Moon's occultation of a
 * low orbiter seen from Earth (hidden fraction asin(R/r)/π), and bad inputs.
 */
#include "ilrs_test.h"

#include <math.h>
#include <stdlib.h>

#include <erfa.h>
#include <erfam.h>

#include <ilrs/twin.h>

#define PI       3.14159265358979323846
#define GM       (ILRS_MOON_GM_KM3_S2 * 1e9)
#define R_MEAN_M (ILRS_MOON_MEAN_RADIUS_KM * 1e3)
#define S_NS(s)  ((ilrs_tai_t)llround((s)*1e9))

static ilrs_tai_t tai_of(int y, int m, int d)
{
    double u1, u2, a1, a2;
    /* ERFA returns +1 ("dubious year") past its leap-second horizon. */
    assert_true(eraDtf2d("UTC", y, m, d, 0, 0, 0.0, &u1, &u2) >= 0);
    assert_true(eraUtctai(u1, u2, &a1, &a2) >= 0);
    return (ilrs_tai_t)llround(((a1 - 2436204.5) + a2) * 86400.0 * 1e9);
}

static void two_body(ilrs_orbit_config_t *c)
{
    ilrs_orbit_config_default(c);
    c->forces.j2 = c->forces.c22 = c->forces.j3 = false;
    c->forces.earth = c->forces.sun = false;
}

static double constant_mask(void *user, double az_deg)
{
    (void)az_deg;
    return *(const double *)user;
}

/* Circular polar orbit of radius r over the north pole site: the orbiter is
 * above the horizon while z > R, i.e. for arguments of latitude u in
 * (asin(R/r), π − asin(R/r)), starting at u = 0 at the epoch. */
static void polar_orbit_pole_site(void **state)
{
    (void)state;
    ilrs_orbit_config_t cfg;
    two_body(&cfg);
    double r_km = ILRS_MOON_MEAN_RADIUS_KM + 500.0;
    ilrs_orbit_elements_t el = {r_km, 0.0, 90.0, 40.0, 0.0, 0.0, ILRS_ORBIT_FRAME_LUNAR_EQUATOR};
    ilrs_tai_t t0 = tai_of(2027, 1, 1);
    ilrs_orbit_t *orb = NULL;
    assert_int_equal(ilrs_orbit_create(NULL, &cfg, &el, t0, &orb, NULL, 0), 0);
    double period = ilrs_orbit_period_s(r_km);
    assert_int_equal(ilrs_orbit_propagate(orb, t0 + S_NS(3.5 * period)), 0);
    ilrs_lunar_site_t site = {90.0, 0.0, 0.0, 0.0, NULL, NULL};
    ilrs_window_search_t search = {t0, t0 + S_NS(3.5 * period), 60.0, 0.0, 0.01};
    ilrs_window_list_t list = {0};
    assert_int_equal(ilrs_windows_site_orbiter(orb, &site, &search, &list), 0);
    assert_int_equal(list.count, 4);
    double u0 = asin(ILRS_MOON_MEAN_RADIUS_KM / r_km);
    double worst = 0.0;
    for (size_t k = 0; k < list.count; k++) {
        double kk = (double)k;
        double rise = (u0 + 2 * PI * kk) / (2 * PI) * period;
        double set = (PI - u0 + 2 * PI * kk) / (2 * PI) * period;
        double got_rise = (double)(list.items[k].start - t0) / 1e9;
        double got_set = (double)(list.items[k].end - t0) / 1e9;
        worst = fmax(worst, fmax(fabs(got_rise - rise), fabs(got_set - set)));
    }
    print_message("polar orbit over the pole: %zu windows, worst edge error %.3f s\n", list.count,
                  worst);
    assert_true(worst < 0.1);

    /* A 10° mask: shorter windows, inside the unmasked ones, edges at 10°. */
    double mask = 10.0;
    site.horizon = constant_mask;
    site.horizon_user = &mask;
    ilrs_window_list_t masked = {0};
    assert_int_equal(ilrs_windows_site_orbiter(orb, &site, &search, &masked), 0);
    assert_int_equal(masked.count, list.count);
    for (size_t k = 0; k < masked.count; k++) {
        assert_true(masked.items[k].start > list.items[k].start);
        assert_true(masked.items[k].end < list.items[k].end);
        double az, elv, range;
        assert_int_equal(
            ilrs_orbit_look_from_site(orb, &site, masked.items[k].start, &az, &elv, &range), 0);
        assert_true(fabs(elv - 10.0) < 0.01);
        assert_int_equal(
            ilrs_orbit_look_from_site(orb, &site, masked.items[k].end, &az, &elv, &range), 0);
        assert_true(fabs(elv - 10.0) < 0.01);
    }
    /* min_duration drops everything longer windows than the pass cannot meet. */
    ilrs_window_list_t none = {0};
    search.min_duration_s = period;
    assert_int_equal(ilrs_windows_site_orbiter(orb, &site, &search, &none), 0);
    assert_int_equal(none.count, 0);
    ilrs_window_list_free(&none);
    ilrs_window_list_free(&masked);
    ilrs_window_list_free(&list);
    ilrs_orbit_destroy(orb);
}

/* Independent check: topocentric elevation of the Moon's centre at a station,
 * from eraMoon98 (GCRS) and the full IAU 2006/2000A matrix eraC2t06a. */
static double moon_elevation(const ilrs_ground_station_t *gs, ilrs_tai_t t)
{
    double tt2 = ((double)t / 1e9 + 32.184) / 86400.0;
    double a2 = (double)t / 1e9 / 86400.0, u1, u2;
    assert_true(eraTaiutc(2436204.5, a2, &u1, &u2) >= 0);
    double pv[2][3], c2t[3][3], itrs[3], moon_itrs[3];
    eraMoon98(2436204.5, tt2, pv);
    eraC2t06a(2436204.5, tt2, u1, u2, 0.0, 0.0, c2t);
    double moon_gcrs[3] = {pv[0][0] * ERFA_DAU, pv[0][1] * ERFA_DAU, pv[0][2] * ERFA_DAU};
    eraRxp(c2t, moon_gcrs, moon_itrs);
    double la = gs->lat_deg * PI / 180, lo = gs->lon_deg * PI / 180;
    assert_int_equal(eraGd2gc(ERFA_WGS84, lo, la, gs->height_m, itrs), 0);
    double d[3] = {moon_itrs[0] - itrs[0], moon_itrs[1] - itrs[1], moon_itrs[2] - itrs[2]};
    double up[3] = {cos(la) * cos(lo), cos(la) * sin(lo), sin(la)};
    double dn = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    return asin((d[0] * up[0] + d[1] * up[1] + d[2] * up[2]) / dn) * 180 / PI;
}

static void site_station_near_far(void **state)
{
    (void)state;
    ilrs_ephem_t *eph = NULL;
    assert_int_equal(ilrs_ephem_create(ILRS_EPHEM_ANALYTIC, NULL, &eph, NULL, 0), 0);
    ilrs_ground_station_t gs = {"Miyun", 40.45, 116.85, 100.0, 10.0};
    ilrs_tai_t t0 = tai_of(2027, 1, 1);
    ilrs_window_search_t search = {t0, t0 + S_NS(7 * 86400.0), 300.0, 60.0, 0.5};
    /* Near-side centre: the Earth is always high, so the windows are the Moon's
     * passes above 10° at the station, about one a day (24.8 h apart). */
    ilrs_lunar_site_t near = {0.0, 0.0, 0.0, 0.0, NULL, NULL};
    ilrs_window_list_t list = {0};
    assert_int_equal(ilrs_windows_site_station(eph, &near, &gs, &search, &list), 0);
    print_message("near-side site to Miyun, 7 days: %zu windows\n", list.count);
    assert_true(list.count >= 6 && list.count <= 8);
    double worst = 0.0;
    for (size_t k = 0; k < list.count; k++) {
        double dur = (double)(list.items[k].end - list.items[k].start) / 3.6e12;
        print_message("  window %zu: start +%.3f h, %.3f h\n", k,
                      (double)(list.items[k].start - t0) / 3.6e12, dur);
        bool inside = list.items[k].start > t0 && list.items[k].end < search.end;
        assert_true(!inside || (dur > 4.0 && dur < 16.0));
        if (k > 1) {
            double gap = (double)(list.items[k].start - list.items[k - 1].start) / 3.6e12;
            assert_true(gap > 23.5 && gap < 26.5);
        }
        /* Edges inside the search are where the Moon crosses 10°; the site is
         * 1738 km off the Moon's centre (< 0.3° seen from Earth). */
        if (list.items[k].start > t0) {
            worst = fmax(worst, fabs(moon_elevation(&gs, list.items[k].start) - 10.0));
        }
        if (list.items[k].end < search.end) {
            worst = fmax(worst, fabs(moon_elevation(&gs, list.items[k].end) - 10.0));
        }
    }
    print_message("near-side site: worst Moon elevation at window edges off 10 deg by %.3f deg\n",
                  worst);
    assert_true(worst < 0.35);
    ilrs_window_list_free(&list);
    /* Far-side centre never sees the Earth. */
    ilrs_lunar_site_t far = {0.0, 180.0, 0.0, 0.0, NULL, NULL};
    assert_int_equal(ilrs_windows_site_station(eph, &far, &gs, &search, &list), 0);
    assert_int_equal(list.count, 0);
    ilrs_window_list_free(&list);
    ilrs_ephem_destroy(eph);
}

/* A circular polar orbit whose plane contains the Earth direction is hidden
 * behind the Moon for a fraction asin(R/r)/π of each revolution. The station's
 * elevation limit is off (−90°) so only the Moon blocks. */
static void orbiter_station_occultation(void **state)
{
    (void)state;
    ilrs_ephem_t *eph = NULL;
    assert_int_equal(ilrs_ephem_create(ILRS_EPHEM_ANALYTIC, NULL, &eph, NULL, 0), 0);
    ilrs_orbit_config_t cfg;
    two_body(&cfg);
    double r_km = ILRS_MOON_MEAN_RADIUS_KM + 500.0;
    ilrs_orbit_elements_t el = {r_km, 0.0, 90.0, 0.0, 0.0, 0.0, ILRS_ORBIT_FRAME_EARTH_ORBIT};
    ilrs_tai_t t0 = tai_of(2027, 1, 1);
    ilrs_orbit_t *orb = NULL;
    assert_int_equal(ilrs_orbit_create(eph, &cfg, &el, t0, &orb, NULL, 0), 0);
    double period = ilrs_orbit_period_s(r_km);
    ilrs_tai_t t1 = t0 + S_NS(3.0 * period);
    assert_int_equal(ilrs_orbit_propagate(orb, t1), 0);
    ilrs_ground_station_t gs = {"Kashi", 39.5, 76.0, 1300.0, -90.0};
    ilrs_window_search_t search = {t0, t1, 30.0, 0.0, 0.01};
    ilrs_window_list_t list = {0};
    assert_int_equal(ilrs_windows_orbiter_station(orb, &gs, &search, &list), 0);
    double visible = 0.0;
    for (size_t k = 0; k < list.count; k++) {
        visible += (double)(list.items[k].end - list.items[k].start) / 1e9;
    }
    double hidden = 1.0 - visible / (3.0 * period);
    double expected = asin(ILRS_MOON_MEAN_RADIUS_KM / r_km) / PI;
    print_message("occultation: %zu windows, hidden fraction %.4f, expected %.4f\n", list.count,
                  hidden, expected);
    assert_true(list.count >= 3 && list.count <= 4);
    assert_true(fabs(hidden - expected) < 0.01);
    ilrs_window_list_free(&list);
    /* With a 10° limit the station loses the orbiter while the Moon is low. */
    gs.min_el_deg = 10.0;
    assert_int_equal(ilrs_windows_orbiter_station(orb, &gs, &search, &list), 0);
    double visible10 = 0.0;
    for (size_t k = 0; k < list.count; k++) {
        visible10 += (double)(list.items[k].end - list.items[k].start) / 1e9;
    }
    assert_true(visible10 <= visible + 1e-6);
    ilrs_window_list_free(&list);
    ilrs_orbit_destroy(orb);
    ilrs_ephem_destroy(eph);
}

/* An orbiter plugs into the ephemeris section's ilrs_ephem_orbiter (apparent
 * direction with light time and aberration); the geometric elevation of
 * ilrs_orbit_look_from_site agrees within 0.005°. */
static void orbiter_fn_matches_ephem_orbiter(void **state)
{
    (void)state;
    ilrs_ephem_t *eph = NULL;
    assert_int_equal(ilrs_ephem_create(ILRS_EPHEM_ANALYTIC, NULL, &eph, NULL, 0), 0);
    ilrs_orbit_elements_t el;
    assert_int_equal(ilrs_orbit_preset("queqiao2-12h", &el), 0);
    ilrs_tai_t t0 = tai_of(2027, 1, 1);
    ilrs_orbit_t *orb = NULL;
    assert_int_equal(ilrs_orbit_create(eph, NULL, &el, t0, &orb, NULL, 0), 0);
    assert_int_equal(ilrs_orbit_propagate(orb, t0 + S_NS(86400.0)), 0);
    ilrs_site_t esite;
    assert_int_equal(ilrs_site_init(&esite, -89.45, 222.7, 0.0), 0);
    ilrs_lunar_site_t site = {-89.45, 222.7, 0.0, 0.0, NULL, NULL};
    ilrs_orbiter_fn fn = ilrs_orbit_position_icrf;
    double worst = 0.0;
    for (double s = 600.0; s < 86000.0; s += 1800.0) {
        ilrs_topo_t topo;
        double az, elv, range;
        ilrs_tai_t t = t0 + S_NS(s);
        assert_int_equal(ilrs_ephem_orbiter(eph, &esite, t, fn, orb, &topo), 0);
        assert_int_equal(ilrs_orbit_look_from_site(orb, &site, t, &az, &elv, &range), 0);
        worst = fmax(worst, fabs(topo.el_deg - elv));
    }
    print_message("ilrs_ephem_orbiter vs look_from_site: worst elevation difference %.4f deg\n",
                  worst);
    assert_true(worst < 0.005);
    ilrs_orbit_destroy(orb);
    ilrs_ephem_destroy(eph);
}

static void bad_inputs(void **state)
{
    (void)state;
    ilrs_orbit_config_t cfg;
    two_body(&cfg);
    ilrs_orbit_elements_t el = {2237.4, 0.0, 90.0, 0.0, 0.0, 0.0, ILRS_ORBIT_FRAME_LUNAR_EQUATOR};
    ilrs_tai_t t0 = tai_of(2027, 1, 1);
    ilrs_orbit_t *orb = NULL;
    assert_int_equal(ilrs_orbit_create(NULL, &cfg, &el, t0, &orb, NULL, 0), 0);
    assert_int_equal(ilrs_orbit_propagate(orb, t0 + S_NS(3600.0)), 0);
    ilrs_lunar_site_t site = {-89.5, 222.7, 10.0, 0.0, NULL, NULL};
    ilrs_window_list_t list = {0};
    ilrs_window_search_t search = {t0, t0 + S_NS(3600.0), 60.0, 0.0, 0.1};
    assert_int_equal(ilrs_windows_site_orbiter(orb, &site, &search, &list), 0);
    search.end = t0; /* empty interval */
    assert_int_equal(ilrs_windows_site_orbiter(orb, &site, &search, &list), ILRS_EINVAL);
    search.end = t0 + S_NS(7200.0); /* beyond the propagated span */
    assert_int_equal(ilrs_windows_site_orbiter(orb, &site, &search, &list), ILRS_ERANGE);
    search.end = t0 + S_NS(3600.0);
    search.step_s = 0.0;
    assert_int_equal(ilrs_windows_site_orbiter(orb, &site, &search, &list), ILRS_EINVAL);
    search.step_s = 60.0;
    site.lat_deg = 95.0;
    assert_int_equal(ilrs_windows_site_orbiter(orb, &site, &search, &list), ILRS_EINVAL);
    /* Stations need an orbiter built with an ephemeris. */
    ilrs_ground_station_t gs = {"Kashi", 39.5, 76.0, 1300.0, 10.0};
    assert_int_equal(ilrs_windows_orbiter_station(orb, &gs, &search, &list), ILRS_EINVAL);
    assert_int_equal(ilrs_windows_site_station(NULL, &site, &gs, &search, &list), ILRS_EINVAL);
    double az, elv, range;
    site.lat_deg = -89.5;
    assert_int_equal(ilrs_orbit_look_from_site(orb, &site, t0 + S_NS(7200.0), &az, &elv, &range),
                     ILRS_ERANGE);
    assert_true(isnan(elv));
    ilrs_window_list_free(&list);
    ilrs_window_list_free(NULL);
    ilrs_orbit_destroy(orb);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(polar_orbit_pole_site),
    cmocka_unit_test(site_station_near_far),
    cmocka_unit_test(orbiter_station_occultation),
    cmocka_unit_test(orbiter_fn_matches_ephem_orbiter),
    cmocka_unit_test(bad_inputs),
};
ILRS_TEST_MAIN(tests)
