// SPDX-License-Identifier: Apache-2.0
//
// `ilrs env --plot`: draws the environment time series as stacked panels
// (elevations with the terrain horizon, visible disk fractions, regolith
// temperatures). One layout routine emits drawing operations (polylines,
// rectangles, text) to one of two back ends:
//  - SVG 1.1 written here by hand: the format is plain XML text and a few
//    elements (<rect>, <polyline>, <text>, <line>) are all a chart needs, so no
//    library is called for; the output is checked with xmllint in the tests.
//  - PNG through cairo (Debian libcairo2-dev): an image surface, the same
//    operations, cairo_surface_write_to_png.
// Long series are reduced per pixel column to their minimum and maximum (the
// usual min/max decimation of time-series plotting), so a year at 60 s still
// draws every excursion with ~2 points per pixel.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include "cli/cli_env_plot.h"

#define PLOT_W        1200.0
#define PANEL_H       240.0
#define MARGIN_L      80.0
#define MARGIN_R      190.0
#define MARGIN_TOP    50.0
#define PANEL_GAP     40.0
#define MARGIN_BOTTOM 60.0

/* ------------------------------------------------------------------------- */
/* Back ends                                                                  */
/* ------------------------------------------------------------------------- */

typedef struct canvas {
    FILE *svg;     /* SVG back end */
    cairo_t *cr;   /* PNG back end */
    int failed;
} canvas_t;

static void rgb(const char *hex, double *r, double *g, double *b)
{
    unsigned v = 0;
    if (hex == NULL || sscanf(hex, "#%6x", &v) != 1) {
        v = 0;
    }
    *r = (double)((v >> 16) & 0xff) / 255.0;
    *g = (double)((v >> 8) & 0xff) / 255.0;
    *b = (double)(v & 0xff) / 255.0;
}

static void svg_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void draw_polyline(canvas_t *c, const double *xy, size_t n, const char *color,
                          double width, int dashed)
{
    if (n < 2) {
        return;
    }
    if (c->svg != NULL) {
        fprintf(c->svg, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s points=\"",
                color, width, dashed ? " stroke-dasharray=\"5,3\"" : "");
        for (size_t i = 0; i < n; i++) {
            fprintf(c->svg, "%s%.1f,%.1f", i ? " " : "", xy[2 * i], xy[2 * i + 1]);
        }
        fputs("\"/>\n", c->svg);
    } else {
        double r, g, b;
        rgb(color, &r, &g, &b);
        cairo_set_source_rgb(c->cr, r, g, b);
        cairo_set_line_width(c->cr, width);
        double dash[2] = {5.0, 3.0};
        cairo_set_dash(c->cr, dash, dashed ? 2 : 0, 0.0);
        cairo_move_to(c->cr, xy[0], xy[1]);
        for (size_t i = 1; i < n; i++) {
            cairo_line_to(c->cr, xy[2 * i], xy[2 * i + 1]);
        }
        cairo_stroke(c->cr);
        cairo_set_dash(c->cr, NULL, 0, 0.0);
    }
}

static void draw_line(canvas_t *c, double x0, double y0, double x1, double y1, const char *color,
                      double width)
{
    double xy[4] = {x0, y0, x1, y1};
    draw_polyline(c, xy, 2, color, width, 0);
}

static void draw_rect(canvas_t *c, double x, double y, double w, double h, const char *stroke,
                      const char *fill)
{
    if (c->svg != NULL) {
        fprintf(c->svg,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                "stroke=\"%s\"/>\n",
                x, y, w, h, fill ? fill : "none", stroke ? stroke : "none");
        return;
    }
    double r, g, b;
    cairo_rectangle(c->cr, x, y, w, h);
    if (fill != NULL) {
        rgb(fill, &r, &g, &b);
        cairo_set_source_rgb(c->cr, r, g, b);
        cairo_fill_preserve(c->cr);
    }
    if (stroke != NULL) {
        rgb(stroke, &r, &g, &b);
        cairo_set_source_rgb(c->cr, r, g, b);
        cairo_set_line_width(c->cr, 1.0);
        cairo_stroke(c->cr);
    } else {
        cairo_new_path(c->cr);
    }
}

/* anchor: 0 start, 1 middle, 2 end; rotate: 0 or -90 degrees. */
static void draw_text(canvas_t *c, double x, double y, const char *text, double size, int anchor,
                      int rotate)
{
    if (c->svg != NULL) {
        static const char *const anchors[] = {"start", "middle", "end"};
        fprintf(c->svg,
                "<text x=\"%.1f\" y=\"%.1f\" font-family=\"sans-serif\" font-size=\"%.0f\" "
                "text-anchor=\"%s\"",
                x, y, size, anchors[anchor]);
        if (rotate != 0) {
            fprintf(c->svg, " transform=\"rotate(%d %.1f %.1f)\"", rotate, x, y);
        }
        fputc('>', c->svg);
        svg_escaped(c->svg, text);
        fputs("</text>\n", c->svg);
        return;
    }
    cairo_save(c->cr);
    cairo_select_font_face(c->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                           CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(c->cr, size);
    cairo_text_extents_t ext;
    cairo_text_extents(c->cr, text, &ext);
    cairo_translate(c->cr, x, y);
    if (rotate != 0) {
        cairo_rotate(c->cr, (double)rotate * 3.14159265358979323846 / 180.0);
    }
    double dx = anchor == 0 ? 0.0 : anchor == 1 ? -ext.x_advance / 2.0 : -ext.x_advance;
    cairo_set_source_rgb(c->cr, 0.1, 0.1, 0.1);
    cairo_move_to(c->cr, dx, 0.0);
    cairo_show_text(c->cr, text);
    cairo_restore(c->cr);
}

/* ------------------------------------------------------------------------- */
/* Layout                                                                     */
/* ------------------------------------------------------------------------- */

/* A "nice" tick step (1, 2 or 5 times a power of ten) for about n ticks. */
static double nice_step(double span, int n)
{
    double raw = span / (double)n;
    double p = pow(10.0, floor(log10(raw)));
    double m = raw / p;
    return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * p;
}

static void panel_range(const env_plot_t *plot, const env_plot_panel_t *pn, double *lo,
                        double *hi)
{
    if (isfinite(pn->y_min) && isfinite(pn->y_max)) {
        *lo = pn->y_min;
        *hi = pn->y_max;
        return;
    }
    double a = INFINITY, b = -INFINITY;
    for (size_t s = 0; s < pn->series_count; s++) {
        for (size_t i = 0; i < plot->n; i++) {
            double v = pn->series[s].y[i];
            if (isfinite(v)) {
                a = fmin(a, v);
                b = fmax(b, v);
            }
        }
    }
    if (!isfinite(a)) {
        a = 0.0;
        b = 1.0;
    }
    if (b - a < 1e-9) {
        a -= 0.5;
        b += 0.5;
    }
    double pad = 0.05 * (b - a);
    *lo = a - pad;
    *hi = b + pad;
}

static int draw_panel(canvas_t *c, const env_plot_t *plot, const env_plot_panel_t *pn,
                      double top, int last)
{
    double left = MARGIN_L, width = PLOT_W - MARGIN_L - MARGIN_R;
    double lo, hi;
    panel_range(plot, pn, &lo, &hi);
    double x0 = plot->x[0], x1 = plot->x[plot->n - 1];
    if (!(x1 > x0)) {
        x1 = x0 + 1.0;
    }
#define PX(v) (left + ((v) - x0) / (x1 - x0) * width)
#define PY(v) (top + PANEL_H - ((v) - lo) / (hi - lo) * PANEL_H)
    draw_rect(c, left, top, width, PANEL_H, "#808080", "#ffffff");
    char label[64];
    double ys = nice_step(hi - lo, 5);
    for (double v = ceil(lo / ys) * ys; v <= hi + 1e-9 * ys; v += ys) {
        draw_line(c, left, PY(v), left + width, PY(v), "#e0e0e0", 1.0);
        snprintf(label, sizeof label, "%g", fabs(v) < 1e-9 * ys ? 0.0 : v);
        draw_text(c, left - 6.0, PY(v) + 4.0, label, 11.0, 2, 0);
    }
    double xs = nice_step(x1 - x0, 10);
    for (double v = ceil(x0 / xs) * xs; v <= x1 + 1e-9 * xs; v += xs) {
        draw_line(c, PX(v), top + PANEL_H, PX(v), top + PANEL_H + 4.0, "#808080", 1.0);
        if (last) {
            snprintf(label, sizeof label, "%g", v);
            draw_text(c, PX(v), top + PANEL_H + 16.0, label, 11.0, 1, 0);
        }
    }
    draw_text(c, left - 52.0, top + PANEL_H / 2.0, pn->y_label, 12.0, 1, -90);

    /* Min/max per pixel column; a NaN ends a stroke. */
    size_t columns = (size_t)width;
    double *xy = malloc(sizeof(double) * 4 * (columns + 2) + sizeof(double) * 4 * plot->n);
    if (xy == NULL) {
        return -1;
    }
    for (size_t s = 0; s < pn->series_count; s++) {
        const env_plot_series_t *se = &pn->series[s];
        size_t m = 0;
        size_t i = 0;
        while (i < plot->n) {
            size_t col = (size_t)((plot->x[i] - x0) / (x1 - x0) * (double)(columns - 1));
            double a = INFINITY, b = -INFINITY, first = NAN, last_v = NAN;
            int first_is_min = 1;
            size_t j = i;
            int gap = 0;
            for (; j < plot->n; j++) {
                size_t cj = (size_t)((plot->x[j] - x0) / (x1 - x0) * (double)(columns - 1));
                if (cj != col) {
                    break;
                }
                double v = se->y[j];
                if (!isfinite(v)) {
                    gap = 1;
                    j++;
                    break;
                }
                if (!isfinite(first)) {
                    first = v;
                }
                if (v < a) {
                    a = v;
                }
                if (v > b) {
                    b = v;
                }
                last_v = v;
            }
            if (isfinite(first)) {
                /* Keep the order of the excursion inside the column. */
                first_is_min = fabs(first - a) <= fabs(first - b);
                double xcol = PX(plot->x[i]);
                if (j - i == 1) {
                    xy[2 * m] = xcol;
                    xy[2 * m + 1] = PY(last_v);
                    m++;
                } else {
                    xy[2 * m] = xcol;
                    xy[2 * m + 1] = PY(first_is_min ? a : b);
                    xy[2 * m + 2] = xcol;
                    xy[2 * m + 3] = PY(first_is_min ? b : a);
                    m += 2;
                }
            }
            if (gap) {
                draw_polyline(c, xy, m, se->color, 1.3, se->dashed);
                m = 0;
            }
            i = j;
        }
        draw_polyline(c, xy, m, se->color, 1.3, se->dashed);
        /* Legend to the right of the panel. */
        double ly = top + 14.0 + 18.0 * (double)s;
        draw_line(c, left + width + 12.0, ly - 4.0, left + width + 36.0, ly - 4.0, se->color, 2.0);
        draw_text(c, left + width + 42.0, ly, se->label, 11.0, 0, 0);
    }
    free(xy);
#undef PX
#undef PY
    return 0;
}

const char *env_plot_kind(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    if (n > 4 && (strcmp(path + n - 4, ".svg") == 0 || strcmp(path + n - 4, ".SVG") == 0)) {
        return "svg";
    }
    if (n > 4 && (strcmp(path + n - 4, ".png") == 0 || strcmp(path + n - 4, ".PNG") == 0)) {
        return "png";
    }
    return NULL;
}

static int draw_all(canvas_t *c, const env_plot_t *plot, double height)
{
    draw_rect(c, 0.0, 0.0, PLOT_W, height, NULL, "#ffffff");
    draw_text(c, PLOT_W / 2.0, 28.0, plot->title, 15.0, 1, 0);
    for (size_t p = 0; p < plot->panel_count; p++) {
        double top = MARGIN_TOP + (double)p * (PANEL_H + PANEL_GAP);
        if (draw_panel(c, plot, &plot->panels[p], top, p + 1 == plot->panel_count) != 0) {
            return -1;
        }
    }
    draw_text(c, MARGIN_L + (PLOT_W - MARGIN_L - MARGIN_R) / 2.0, height - 18.0, plot->x_label,
              12.0, 1, 0);
    return 0;
}

int env_plot_write(const env_plot_t *plot, const char *path, char *error, size_t error_cap)
{
    const char *kind = env_plot_kind(path);
    if (kind == NULL || plot->n == 0 || plot->panel_count == 0) {
        snprintf(error, error_cap, "%s: nothing to plot or not .svg/.png", path);
        return -1;
    }
    double height = MARGIN_TOP + (double)plot->panel_count * PANEL_H +
                    (double)(plot->panel_count - 1) * PANEL_GAP + MARGIN_BOTTOM;
    canvas_t c = {0};
    if (strcmp(kind, "svg") == 0) {
        c.svg = fopen(path, "w");
        if (c.svg == NULL) {
            snprintf(error, error_cap, "cannot write %s", path);
            return -1;
        }
        fprintf(c.svg,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" "
                "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
                PLOT_W, height, PLOT_W, height);
        int rc = draw_all(&c, plot, height);
        fputs("</svg>\n", c.svg);
        int bad = ferror(c.svg);
        if (fclose(c.svg) != 0 || bad || rc != 0) {
            snprintf(error, error_cap, "write error on %s", path);
            return -1;
        }
        return 0;
    }
    cairo_surface_t *surf =
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)PLOT_W, (int)height);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        snprintf(error, error_cap, "cairo: %s",
                 cairo_status_to_string(cairo_surface_status(surf)));
        cairo_surface_destroy(surf);
        return -1;
    }
    c.cr = cairo_create(surf);
    int rc = draw_all(&c, plot, height);
    cairo_status_t st = cairo_status(c.cr);
    cairo_destroy(c.cr);
    if (rc == 0 && st == CAIRO_STATUS_SUCCESS) {
        st = cairo_surface_write_to_png(surf, path);
    }
    cairo_surface_destroy(surf);
    /* Release cairo's and fontconfig's process-wide font caches (one chart per
     * run; otherwise LeakSanitizer reports them at exit). */
    cairo_debug_reset_static_data();
    FcFini();
    if (rc != 0 || st != CAIRO_STATUS_SUCCESS) {
        snprintf(error, error_cap, "cannot write %s: %s", path,
                 rc != 0 ? "out of memory" : cairo_status_to_string(st));
        return -1;
    }
    return 0;
}
