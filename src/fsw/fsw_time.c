// SPDX-License-Identifier: Apache-2.0
// Time service: UTC/TAI/TT/TDB conversions through ERFA, ISO-8601 text, CUC text,
// and the onboard clock (SCLK plus its correlation to TAI, fitted by least squares
// with GSL). Depends on base, ccsds (CUC), ERFA and GSL.
//
// Exactness: ilrs_tai_t counts nanoseconds. Julian dates in double lose precision
// (about 20 us over 60 years when summed into one double), so conversions keep the
// whole days and the fraction of a day apart, as ERFA's two-part dates intend, and
// feed ERFA whole seconds where the nanoseconds can be added back exactly (UTC and
// TAI differ by whole seconds since 1972).
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <erfa.h>
#include <gsl/gsl_fit.h>

#include <ilrs/fsw.h>

#define DAY_NS             (INT64_C(86400) * ILRS_NS_PER_S)
#define DAY_S              86400.0
#define MAX_DRIFT          1e-3
#define DEFAULT_FIT_POINTS 16u
#define YEAR_MIN           1960 /* UTC (and eraDat) start in 1960 */
#define YEAR_MAX           2250 /* int64 ns since 1958 ends in 2250 */
/* 1972-01-01T00:00:00 UTC = 00:00:10 TAI, 5113 days after 1958-01-01: from then on
 * TAI - UTC is a whole number of seconds. */
#define TAI_1972 (INT64_C(5113) * DAY_NS + INT64_C(10) * ILRS_NS_PER_S)

struct ilrs_time {
    ilrs_time_mode_t mode;
    double oscillator_error;
    int64_t true_elapsed; /* virtual: true time since creation, ns */
    int64_t sclk;         /* latched SCLK, ns */
    struct timespec mono0;
    ilrs_time_correlation_t corr;
    /* fit window: a ring of the most recent pairs */
    uint32_t fit_cap, fit_count, fit_head;
    int64_t *fit_sclk;
    ilrs_tai_t *fit_tai;
};

/* ---- conversions --------------------------------------------------------- */

/* Floor division and remainder for ns -> (days, ns of day). */
static void split_days(int64_t ns, int64_t *days, int64_t *rem)
{
    int64_t d = ns / DAY_NS;
    int64_t r = ns % DAY_NS;
    if (r < 0) {
        r += DAY_NS;
        d -= 1;
    }
    *days = d;
    *rem = r;
}

/* Two-part JD (days counted from the 1958 epoch kept exact) -> ns since 1958. */
static int64_t jd_to_ns(double jd1, double jd2)
{
    /* jd1 and the epoch are both half-integers or integers near 2.4e6: the difference
     * is exact; move any whole days of jd2 across so the fraction stays small. */
    double whole = jd1 - ILRS_TIME_JD_1958;
    double extra = floor(jd2);
    whole += extra;
    double frac = jd2 - extra;
    double whole_days = floor(whole);
    frac += whole - whole_days;
    return (int64_t)whole_days * DAY_NS + llround(frac * DAY_S * 1e9);
}

static void ns_to_jd(int64_t ns, double *jd1, double *jd2)
{
    int64_t days, rem;
    split_days(ns, &days, &rem);
    *jd1 = ILRS_TIME_JD_1958 + (double)days;
    *jd2 = (double)rem / (double)DAY_NS;
}

static bool utc_fields_valid(const ilrs_utc_t *u)
{
    return u->year >= YEAR_MIN && u->year < YEAR_MAX && u->month >= 1 && u->month <= 12 &&
           u->day >= 1 && u->day <= 31 && u->hour >= 0 && u->hour <= 23 && u->minute >= 0 &&
           u->minute <= 59 && u->second >= 0 && u->second <= 60 && u->nanosecond >= 0 &&
           u->nanosecond < 1000000000;
}

int ilrs_time_from_utc(const ilrs_utc_t *utc, ilrs_tai_t *tai)
{
    if (tai == NULL) {
        return ILRS_EINVAL;
    }
    *tai = 0;
    if (utc == NULL) {
        return ILRS_EINVAL;
    }
    if (!utc_fields_valid(utc)) {
        return ILRS_ERANGE;
    }
    double u1, u2, t1, t2;
    /* Whole seconds to ERFA and the nanoseconds added back exactly, from 1972 when
     * UTC seconds are SI seconds; before, UTC ran at an offset rate (rubber
     * seconds), so the fraction goes through ERFA too (a few ns of rounding).
     * eraDtf2d knows the length of leap-second days and returns +2 for a time past
     * the end of the day (23:59:60 on an ordinary day). */
    bool rubber = utc->year < 1972;
    double sec = (double)utc->second + (rubber ? (double)utc->nanosecond * 1e-9 : 0.0);
    int st =
        eraDtf2d("UTC", utc->year, utc->month, utc->day, utc->hour, utc->minute, sec, &u1, &u2);
    if (st < 0 || st >= 2) {
        return ILRS_ERANGE;
    }
    if (eraUtctai(u1, u2, &t1, &t2) < 0) {
        return ILRS_EFSW_TIME;
    }
    *tai = jd_to_ns(t1, t2) + (rubber ? 0 : utc->nanosecond);
    return 0;
}

/*
 * Quasi-JD UTC -> calendar before 1972. eraUtctai stretches the UTC day before a
 * step in TAI - UTC by the step (fraction = seconds / (86400 + step), eraDtf2d does
 * the same), but eraD2dtf scales only steps over 0.5 s (leap seconds), so on the
 * 1961-1968 days before a 0.05-0.1 s step its result disagrees with eraDtf2d by up
 * to the step. This is eraD2dtf's algorithm with the stretch applied to any step.
 */
static int rubber_d2dtf(double u1, double u2, int *iy, int *im, int *id, int ihmsf[4])
{
    double fd, dat0, dat12, dat24, w;
    int iy2, im2, id2;
    if (eraJd2cal(u1, u2, iy, im, id, &fd) != 0 || eraDat(*iy, *im, *id, 0.0, &dat0) < 0 ||
        eraDat(*iy, *im, *id, 0.5, &dat12) < 0 ||
        eraJd2cal(u1 + 1.5, u2 - fd, &iy2, &im2, &id2, &w) != 0 ||
        eraDat(iy2, im2, id2, 0.0, &dat24) < 0) {
        return -1;
    }
    double dleap = dat24 - (2.0 * dat12 - dat0);
    int64_t ns_of_day = llround(fd * (DAY_S + dleap) * 1e9);
    int64_t day_len = llround((DAY_S + dleap) * 1e9);
    if (ns_of_day >= day_len) { /* rounded up to midnight: the next day begins */
        *iy = iy2;
        *im = im2;
        *id = id2;
        ns_of_day = 0;
    }
    int64_t sec = ns_of_day / ILRS_NS_PER_S;
    ihmsf[3] = (int)(ns_of_day % ILRS_NS_PER_S);
    ihmsf[0] = (int)(sec / 3600 < 23 ? sec / 3600 : 23);
    ihmsf[1] = (int)((sec - 3600 * ihmsf[0]) / 60 < 59 ? (sec - 3600 * ihmsf[0]) / 60 : 59);
    ihmsf[2] = (int)(sec - 3600 * ihmsf[0] - 60 * ihmsf[1]);
    return 0;
}

int ilrs_time_to_utc(ilrs_tai_t tai, ilrs_utc_t *utc)
{
    if (utc == NULL) {
        return ILRS_EINVAL;
    }
    memset(utc, 0, sizeof *utc);
    /* From 1972 UTC and TAI differ by whole seconds, so their second boundaries
     * coincide: convert the whole TAI second and add the nanoseconds exactly. Before,
     * convert the instant itself (ERFA handles the rubber seconds; a few ns of
     * rounding in the doubles). */
    int64_t ns = tai % ILRS_NS_PER_S;
    if (ns < 0) {
        ns += ILRS_NS_PER_S;
    }
    bool rubber = tai < TAI_1972;
    double t1, t2, u1, u2;
    ns_to_jd(rubber ? tai : tai - ns, &t1, &t2);
    if (eraTaiutc(t1, t2, &u1, &u2) < 0) {
        return ILRS_EFSW_TIME;
    }
    int iy = 0, im = 0, id = 0, ihmsf[4] = {0};
    /* eraD2dtf returns +1 for a "dubious year" (far-future leap seconds): accepted. */
    int st = rubber ? rubber_d2dtf(u1, u2, &iy, &im, &id, ihmsf)
                    : eraD2dtf("UTC", 9, u1, u2, &iy, &im, &id, ihmsf);
    if (st < 0 || iy < YEAR_MIN || iy >= YEAR_MAX) {
        return ILRS_EFSW_TIME;
    }
    utc->year = iy;
    utc->month = im;
    utc->day = id;
    utc->hour = ihmsf[0];
    utc->minute = ihmsf[1];
    utc->second = ihmsf[2];
    utc->nanosecond = (int32_t)(rubber ? ihmsf[3] : ns);
    return 0;
}

int ilrs_time_tai_minus_utc(ilrs_tai_t tai, double *seconds)
{
    if (seconds == NULL) {
        return ILRS_EINVAL;
    }
    *seconds = 0;
    ilrs_utc_t u;
    int rc = ilrs_time_to_utc(tai, &u);
    if (rc != 0) {
        return rc;
    }
    double fd = ((u.hour * 60.0 + u.minute) * 60.0 + u.second) / DAY_S;
    double dat;
    if (eraDat(u.year, u.month, u.day, fd > 1.0 ? 1.0 : fd, &dat) < 0) {
        return ILRS_EFSW_TIME;
    }
    *seconds = dat;
    return 0;
}

double ilrs_time_tdb_minus_tt(ilrs_tai_t tai)
{
    double tt1, tt2;
    ns_to_jd(ilrs_time_tt_ns(tai), &tt1, &tt2);
    /* Geocentre: u = v = 0, so the topocentric terms (which use ut and elong) vanish;
     * the TT fraction of day stands in for UT1 (ERFA eraDtdb note 3). */
    return eraDtdb(tt1, tt2, tt2, 0.0, 0.0, 0.0);
}

int ilrs_time_to_jd(ilrs_tai_t tai, ilrs_time_scale_t scale, double *jd1, double *jd2)
{
    if (jd1 == NULL || jd2 == NULL) {
        return ILRS_EINVAL;
    }
    *jd1 = 0;
    *jd2 = 0;
    double a, b;
    switch (scale) {
    case ILRS_TIME_TAI:
        ns_to_jd(tai, jd1, jd2);
        return 0;
    case ILRS_TIME_TT:
        ns_to_jd(ilrs_time_tt_ns(tai), jd1, jd2);
        return 0;
    case ILRS_TIME_TDB:
        ns_to_jd(ilrs_time_tt_ns(tai), &a, &b);
        *jd1 = a;
        *jd2 = b + ilrs_time_tdb_minus_tt(tai) / DAY_S;
        return 0;
    case ILRS_TIME_UTC:
        ns_to_jd(tai, &a, &b);
        if (eraTaiutc(a, b, jd1, jd2) < 0) {
            *jd1 = 0;
            *jd2 = 0;
            return ILRS_EFSW_TIME;
        }
        return 0;
    }
    return ILRS_EINVAL;
}

int ilrs_time_format_iso(ilrs_tai_t tai, int decimals, char *buf, size_t cap)
{
    if (buf == NULL || cap == 0 || decimals < 0 || decimals > 9) {
        return ILRS_EINVAL;
    }
    buf[0] = '\0';
    ilrs_utc_t u;
    int rc = ilrs_time_to_utc(tai, &u);
    if (rc != 0) {
        return rc;
    }
    char tmp[ILRS_TIME_ISO_MAX];
    int n = snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d", u.year, u.month, u.day,
                     u.hour, u.minute, u.second);
    if (decimals > 0) {
        int32_t div = 1;
        for (int i = decimals; i < 9; i++) {
            div *= 10;
        }
        n +=
            snprintf(tmp + n, sizeof tmp - (size_t)n, ".%0*d", decimals, (int)(u.nanosecond / div));
    }
    tmp[n++] = 'Z';
    tmp[n] = '\0';
    if ((size_t)n + 1 > cap) {
        return ILRS_ETRUNC;
    }
    memcpy(buf, tmp, (size_t)n + 1);
    return 0;
}

/* Exactly @p width digits into *value; advances *p. */
static bool take_digits(const char **p, int width, int *value)
{
    int v = 0;
    for (int i = 0; i < width; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') {
            return false;
        }
        v = v * 10 + (c - '0');
    }
    *p += width;
    *value = v;
    return true;
}

int ilrs_time_parse_iso(const char *text, ilrs_tai_t *tai)
{
    if (tai == NULL) {
        return ILRS_EINVAL;
    }
    *tai = 0;
    if (text == NULL) {
        return ILRS_EINVAL;
    }
    ilrs_utc_t u = {0};
    const char *p = text;
    if (!take_digits(&p, 4, &u.year) || *p++ != '-' || !take_digits(&p, 2, &u.month) ||
        *p++ != '-' || !take_digits(&p, 2, &u.day)) {
        return ILRS_EFORMAT;
    }
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (!take_digits(&p, 2, &u.hour) || *p++ != ':' || !take_digits(&p, 2, &u.minute)) {
            return ILRS_EFORMAT;
        }
        if (*p == ':') {
            p++;
            if (!take_digits(&p, 2, &u.second)) {
                return ILRS_EFORMAT;
            }
            if (*p == '.' || *p == ',') {
                p++;
                int digits = 0;
                int32_t ns = 0;
                while (*p >= '0' && *p <= '9') {
                    if (digits == 9) {
                        return ILRS_EFORMAT; /* finer than a nanosecond */
                    }
                    ns = ns * 10 + (*p - '0');
                    digits++;
                    p++;
                }
                if (digits == 0) {
                    return ILRS_EFORMAT;
                }
                for (int i = digits; i < 9; i++) {
                    ns *= 10;
                }
                u.nanosecond = ns;
            }
        }
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    }
    if (*p != '\0') {
        return ILRS_EFORMAT;
    }
    return ilrs_time_from_utc(&u, tai);
}

int ilrs_time_format_cuc(ilrs_tai_t tai, ilrs_ccsds_cuc_format_t fmt, bool with_pfield, char *buf,
                         size_t cap)
{
    if (buf == NULL || cap == 0) {
        return ILRS_EINVAL;
    }
    buf[0] = '\0';
    uint8_t code[16];
    size_t written = 0;
    int rc = ilrs_ccsds_cuc_encode(tai, fmt, with_pfield, code, sizeof code, &written);
    if (rc != 0) {
        return rc;
    }
    if (written == 0 || cap < written * 3) {
        return written == 0 ? ILRS_EINVAL : ILRS_ETRUNC;
    }
    for (size_t i = 0; i < written; i++) {
        snprintf(buf + 3 * i, cap - 3 * i, i + 1 < written ? "%02X " : "%02X", code[i]);
    }
    return 0;
}

/* ---- the onboard clock ------------------------------------------------------ */

static int64_t mono_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)(now.tv_sec - t0->tv_sec) * ILRS_NS_PER_S + (now.tv_nsec - t0->tv_nsec);
}

/* The host's realtime clock as TAI: POSIX time is UTC without leap seconds. */
static int host_tai_now(ilrs_tai_t *out)
{
    struct timespec rt;
    if (clock_gettime(CLOCK_REALTIME, &rt) != 0) {
        return ILRS_EFSW_TIME;
    }
    int64_t days = rt.tv_sec / 86400;
    int64_t sod = rt.tv_sec % 86400;
    double t1, t2;
    /* 2440587.5 = JD of 1970-01-01T00:00 UTC; whole seconds of the day as the fraction. */
    if (eraUtctai(2440587.5 + (double)days, (double)sod / DAY_S, &t1, &t2) < 0) {
        return ILRS_EFSW_TIME;
    }
    *out = jd_to_ns(t1, t2) + rt.tv_nsec;
    return 0;
}

int ilrs_time_create(const ilrs_time_config_t *config, ilrs_time_t **out)
{
    int rc = 0;
    ilrs_time_t *t = NULL;
    if (out == NULL) {
        return ILRS_EINVAL;
    }
    *out = NULL;
    ilrs_time_config_t cfg = {0};
    if (config != NULL) {
        cfg = *config;
    }
    if ((cfg.mode != ILRS_TIME_MODE_VIRTUAL && cfg.mode != ILRS_TIME_MODE_WALL) ||
        !isfinite(cfg.oscillator_error) || fabs(cfg.oscillator_error) >= MAX_DRIFT ||
        cfg.fit_points > ILRS_TIME_MAX_FIT_POINTS) {
        return ILRS_EINVAL;
    }
    if (cfg.fit_points == 0) {
        cfg.fit_points = DEFAULT_FIT_POINTS;
    }
    t = calloc(1, sizeof *t);
    if (t == NULL) {
        return ILRS_ENOMEM;
    }
    t->fit_sclk = calloc(cfg.fit_points, sizeof *t->fit_sclk);
    t->fit_tai = calloc(cfg.fit_points, sizeof *t->fit_tai);
    if (t->fit_sclk == NULL || t->fit_tai == NULL) {
        rc = ILRS_ENOMEM;
        goto out_free;
    }
    t->mode = cfg.mode;
    t->fit_cap = cfg.fit_points;
    t->oscillator_error = cfg.mode == ILRS_TIME_MODE_VIRTUAL ? cfg.oscillator_error : 0.0;
    ilrs_tai_t start = cfg.start;
    if (start == 0) {
        if (cfg.mode == ILRS_TIME_MODE_WALL) {
            rc = host_tai_now(&start);
        } else {
            const ilrs_utc_t epoch = {.year = 2030, .month = 1, .day = 1};
            rc = ilrs_time_from_utc(&epoch, &start);
        }
        if (rc != 0) {
            goto out_free;
        }
    }
    if (clock_gettime(CLOCK_MONOTONIC, &t->mono0) != 0) {
        rc = ILRS_EFSW_TIME;
        goto out_free;
    }
    t->corr.epoch = start;
    *out = t;
    return 0;
out_free:
    ilrs_time_destroy(t);
    return rc;
}

void ilrs_time_destroy(ilrs_time_t *time)
{
    if (time == NULL) {
        return;
    }
    free(time->fit_sclk);
    free(time->fit_tai);
    free(time);
}

ilrs_time_mode_t ilrs_time_get_mode(const ilrs_time_t *time)
{
    return time->mode;
}

int ilrs_time_advance(ilrs_time_t *time, int64_t ns)
{
    if (time->mode != ILRS_TIME_MODE_VIRTUAL) {
        return ILRS_ESTATE;
    }
    if (ns < 0) {
        return ILRS_EINVAL;
    }
    time->true_elapsed += ns;
    /* From the cumulative true time, so rounding never accumulates. */
    time->sclk =
        time->oscillator_error == 0.0
            ? time->true_elapsed
            : time->true_elapsed + llround((double)time->true_elapsed * time->oscillator_error);
    return 0;
}

void ilrs_time_update(ilrs_time_t *time)
{
    if (time->mode == ILRS_TIME_MODE_WALL) {
        time->sclk = mono_since(&time->mono0);
    }
}

int64_t ilrs_time_sclk(const ilrs_time_t *time)
{
    return time->sclk;
}

int64_t ilrs_time_elapsed(const ilrs_time_t *time)
{
    return time->mode == ILRS_TIME_MODE_VIRTUAL ? time->true_elapsed : time->sclk;
}

ilrs_tai_t ilrs_time_sclk_to_tai(const ilrs_time_t *time, int64_t sclk)
{
    const ilrs_time_correlation_t *c = &time->corr;
    int64_t dt = sclk - c->sclk0;
    int64_t correction = c->drift == 0.0 ? 0 : llround((double)dt * c->drift);
    return c->epoch + dt + correction;
}

ilrs_tai_t ilrs_time_now(const ilrs_time_t *time)
{
    return ilrs_time_sclk_to_tai(time, time->sclk);
}

/*
 * Least-squares fit of TAI against SCLK over the window. The unknowns are small
 * numbers (an offset in s and a rate correction) because the nominal rate is taken
 * out first: y_i = (tai_i - tai_ref) - (sclk_i - sclk_ref), x_i = sclk_i - sclk_ref,
 * y = c0 + c1 x, so epoch = tai_ref + c0 and drift = c1 at sclk0 = sclk_ref.
 */
static int refit(ilrs_time_t *time)
{
    uint32_t n = time->fit_count;
    uint32_t first = (time->fit_head + time->fit_cap - n) % time->fit_cap;
    int64_t sclk_ref = time->fit_sclk[first];
    ilrs_tai_t tai_ref = time->fit_tai[first];
    ilrs_time_correlation_t c = time->corr;
    if (n == 1) {
        c.epoch = tai_ref;
        c.sclk0 = sclk_ref;
        c.rms_s = 0;
    } else {
        double x[ILRS_TIME_MAX_FIT_POINTS], y[ILRS_TIME_MAX_FIT_POINTS];
        for (uint32_t i = 0; i < n; i++) {
            uint32_t k = (first + i) % time->fit_cap;
            int64_t dx = time->fit_sclk[k] - sclk_ref;
            x[i] = (double)dx / 1e9;
            y[i] = (double)((time->fit_tai[k] - tai_ref) - dx) / 1e9;
        }
        double c0, c1, cov00, cov01, cov11, sumsq;
        if (gsl_fit_linear(x, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq) != 0 ||
            !isfinite(c1) || fabs(c1) >= MAX_DRIFT) {
            return ILRS_ERANGE;
        }
        c.epoch = tai_ref + llround(c0 * 1e9);
        c.sclk0 = sclk_ref;
        c.drift = c1;
        c.rms_s = n > 2 ? sqrt(sumsq / n) : 0.0;
    }
    c.points = n;
    c.updates++;
    time->corr = c;
    return 0;
}

int ilrs_time_correlate(ilrs_time_t *time, int64_t sclk, ilrs_tai_t tai)
{
    if (time->fit_count > 0) {
        uint32_t last = (time->fit_head + time->fit_cap - 1) % time->fit_cap;
        if (sclk <= time->fit_sclk[last]) {
            return ILRS_ERANGE;
        }
    }
    /* Keep the old window to restore it if the fit is refused. */
    uint32_t head = time->fit_head, count = time->fit_count;
    int64_t old_sclk = time->fit_sclk[head];
    ilrs_tai_t old_tai = time->fit_tai[head];
    time->fit_sclk[head] = sclk;
    time->fit_tai[head] = tai;
    time->fit_head = (head + 1) % time->fit_cap;
    if (time->fit_count < time->fit_cap) {
        time->fit_count++;
    }
    int rc = refit(time);
    if (rc != 0) {
        time->fit_head = head;
        time->fit_count = count;
        time->fit_sclk[head] = old_sclk;
        time->fit_tai[head] = old_tai;
    }
    return rc;
}

int ilrs_time_set_correlation(ilrs_time_t *time, ilrs_tai_t epoch, int64_t sclk0, double drift)
{
    if (!isfinite(drift) || fabs(drift) >= MAX_DRIFT) {
        return ILRS_ERANGE;
    }
    time->corr.epoch = epoch;
    time->corr.sclk0 = sclk0;
    time->corr.drift = drift;
    time->corr.points = 0;
    time->corr.rms_s = 0;
    time->corr.updates++;
    time->fit_count = 0;
    time->fit_head = 0;
    return 0;
}

void ilrs_time_get_correlation(const ilrs_time_t *time, ilrs_time_correlation_t *out)
{
    *out = time->corr;
}
