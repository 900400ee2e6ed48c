package dev.copyscale.cli.report;

import dev.copyscale.cli.report.Canvas.Anchor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The chart {@code copyscale profile --measure} writes beside its table: time to first token,
 * latency per output token and requests per minute of one copy against its concurrency (log2 axis),
 * measured as points joined by a line, the derived serving model's prediction dashed. Drawn with
 * the report's canvases, so its SVG and PNG are the same picture.
 */
public final class ProfileChart {
  /** One concurrency's figures. */
  public record Point(double concurrency, double ttftMs, double perTokenMs, double rpm) {}

  static final int WIDTH = 640;
  private static final int PANEL = 190;
  private static final int TOP = 44;
  static final int HEIGHT = TOP + 3 * PANEL + 16;
  private static final double LEFT = 68;
  private static final double RIGHT = 24;
  private static final double PANEL_BOTTOM = 38;
  private static final String INK = "#222222";
  private static final String MUTED = "#666666";
  private static final String GRID = "#e3e3e3";
  private static final String MEASURED = "#0072B2";
  private static final String DERIVED = "#D55E00";

  private final String title;
  private final List<Point> measured;
  private final List<Point> derived;

  /**
   * @param derived the derived model's rows, or empty when none describes the deployment
   */
  public ProfileChart(String title, List<Point> measured, List<Point> derived) {
    this.title = title;
    this.measured = List.copyOf(measured);
    this.derived = List.copyOf(derived);
  }

  public String svg() {
    SvgCanvas c = new SvgCanvas(WIDTH, HEIGHT, title, "profile");
    paint(c);
    return c.finish();
  }

  public byte[] png() {
    PngCanvas c = new PngCanvas(WIDTH, HEIGHT, 2);
    paint(c);
    BufferedImage image = c.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  void paint(Canvas c) {
    c.rect(0, 0, WIDTH, HEIGHT, "#ffffff");
    c.text(LEFT, 18, title, 13, Anchor.START, true, INK, false);
    double lx = LEFT;
    c.line(lx, 32, lx + 18, 32, MEASURED, 2, null);
    c.dot(lx + 9, 32, 3, MEASURED);
    c.text(lx + 24, 36, "measured", 10, Anchor.START, false, INK, false);
    if (!derived.isEmpty()) {
      lx += 100;
      c.line(lx, 32, lx + 18, 32, DERIVED, 2, new float[] {5, 3});
      c.text(lx + 24, 36, "derived serving model", 10, Anchor.START, false, INK, false);
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (List<Point> series : List.of(measured, derived)) {
      for (Point p : series) {
        lo = Math.min(lo, p.concurrency());
        hi = Math.max(hi, p.concurrency());
      }
    }
    if (!(lo <= hi)) {
      lo = 1;
      hi = 2;
    }
    double xMin = Math.floor(log2(Math.max(1, lo)));
    double xMax = Math.max(xMin + 1, Math.ceil(log2(hi)));
    panel(c, 0, "time to first token (ms)", Point::ttftMs, xMin, xMax);
    panel(c, 1, "latency per output token (ms)", Point::perTokenMs, xMin, xMax);
    panel(c, 2, "requests per minute, one copy", Point::rpm, xMin, xMax);
  }

  private void panel(
      Canvas c, int index, String name, ToDoubleFunction<Point> f, double xMin, double xMax) {
    double top = TOP + index * PANEL + 14;
    double bottom = TOP + (index + 1) * PANEL - PANEL_BOTTOM;
    double right = WIDTH - RIGHT;
    double max = 0;
    for (List<Point> series : List.of(measured, derived)) {
      for (Point p : series) {
        double v = f.applyAsDouble(p);
        if (Double.isFinite(v)) {
          max = Math.max(max, v);
        }
      }
    }
    double step = Chart.niceStep((max > 0 ? max : 1) / 4, false);
    double yMax = step * Math.max(1, Math.ceil(max / step - 1e-9));
    c.text(LEFT, top - 4, name, 11, Anchor.START, true, INK, false);
    for (double v = 0; v <= yMax + 1e-9; v += step) {
      double y = Math.floor(bottom - (bottom - top) * v / yMax) + 0.5;
      c.line(LEFT, y, right, y, GRID, 1, null);
      c.text(LEFT - 6, y + 4, label(v), 10, Anchor.END, false, INK, false);
    }
    for (double x = xMin; x <= xMax + 1e-9; x++) {
      double px = Math.floor(px(x, xMin, xMax)) + 0.5;
      c.line(px, top, px, bottom, GRID, 1, null);
      c.line(px, bottom, px, bottom + 4, INK, 1, null);
      c.text(px, bottom + 15, label(Math.pow(2, x)), 10, Anchor.MIDDLE, false, INK, false);
    }
    c.line(LEFT, bottom + 0.5, right, bottom + 0.5, INK, 1, null);
    c.line(LEFT + 0.5, top, LEFT + 0.5, bottom, INK, 1, null);
    c.text(
        (LEFT + right) / 2,
        bottom + 30,
        "requests in flight on the copy (concurrency)",
        10,
        Anchor.MIDDLE,
        false,
        MUTED,
        false);
    series(c, derived, f, xMin, xMax, top, bottom, yMax, DERIVED, new float[] {5, 3}, false);
    series(c, measured, f, xMin, xMax, top, bottom, yMax, MEASURED, null, true);
  }

  private static void series(
      Canvas c,
      List<Point> points,
      ToDoubleFunction<Point> f,
      double xMin,
      double xMax,
      double top,
      double bottom,
      double yMax,
      String color,
      float[] dash,
      boolean dots) {
    List<double[]> xy =
        points.stream()
            .filter(p -> Double.isFinite(f.applyAsDouble(p)))
            .map(
                p ->
                    new double[] {
                      px(log2(p.concurrency()), xMin, xMax),
                      bottom - (bottom - top) * Math.min(f.applyAsDouble(p), yMax) / yMax
                    })
            .toList();
    if (xy.size() >= 2) {
      c.polyline(
          xy.stream().mapToDouble(p -> p[0]).toArray(),
          xy.stream().mapToDouble(p -> p[1]).toArray(),
          color,
          2,
          dash);
    }
    if (dots || xy.size() == 1) {
      for (double[] p : xy) {
        c.dot(p[0], p[1], 3, color);
      }
    }
  }

  private static double px(double log2, double xMin, double xMax) {
    return LEFT + (WIDTH - LEFT - RIGHT) * (log2 - xMin) / (xMax - xMin);
  }

  private static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }

  private static String label(double v) {
    String s = String.format(Locale.ROOT, "%,.2f", v);
    return s.contains(".") ? s.replaceAll("\\.?0+$", "") : s;
  }
}
