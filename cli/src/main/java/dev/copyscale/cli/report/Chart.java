package dev.copyscale.cli.report;

import dev.copyscale.cli.report.Canvas.Anchor;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * One chart over time: x is whole minutes since {@code start} (ticks labelled with the UTC clock
 * time), y a linear or log axis, series drawn as lines (a value per minute, at the minute's middle)
 * or steps (held over the minute), NaN as gaps. All layout lives here; {@link #paint} draws it on
 * any {@link Canvas}, so the SVG and the PNG of a chart are the same picture.
 */
final class Chart {
  static final int WIDTH = 640;
  static final int HEIGHT = 260;
  private static final double LEFT = 68;
  private static final double RIGHT = 24;
  private static final double BOTTOM = 52;
  private static final double LEGEND_TOP = 34;
  private static final double LEGEND_ROW = 16;
  private static final String INK = "#222222";
  private static final String MUTED = "#666666";
  private static final String GRID = "#e3e3e3";
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY_CLOCK =
      DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter FULL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  enum Style {
    LINE,
    STEP
  }

  record Series(
      String name, String color, double width, float[] dash, Style style, double[] values) {}

  /** A horizontal reference line, such as an SLO. */
  record Rule(String name, double value, String color, float[] dash) {}

  /**
   * A vertical tick on the x axis at a moment (minutes since start, fractional), with a tooltip: a
   * scaling decision.
   */
  record Mark(double minute, String color, String title) {}

  /** How tall a {@link Mark}'s tick stands above the x axis, in pixels. */
  static final double MARK_HEIGHT = 16;

  /** The y axis: [min, max], log10 when {@code log} (min > 0 then), its title and tick labels. */
  record Axis(
      double min,
      double max,
      double step,
      boolean log,
      String title,
      DoubleFunction<String> format) {
    /** A linear axis from 0 to a round number at or above {@code max}. */
    static Axis linear(double max, boolean integers, String title) {
      double top = Double.isFinite(max) && max > 0 ? max : 1;
      double step = niceStep(top / 5, integers);
      return new Axis(
          0, step * Math.ceil(top / step - 1e-9), step, false, title, v -> plain(v, step));
    }

    /** A log axis over whole decades covering [lo, hi] (at least one decade). */
    static Axis log(double lo, double hi, String title, DoubleFunction<String> format) {
      if (!(lo > 0) || !Double.isFinite(lo) || !(hi >= lo) || !Double.isFinite(hi)) {
        lo = 10;
        hi = 10_000;
      }
      double min = Math.pow(10, Math.floor(Math.log10(lo) + 1e-9));
      double max = Math.pow(10, Math.ceil(Math.log10(hi) - 1e-9));
      return new Axis(min, max > min ? max : min * 10, 0, true, title, format);
    }

    List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      if (log) {
        boolean fine = Math.log10(max / min) <= 2.5;
        for (double decade = min; decade <= max * 1.0001; decade *= 10) {
          for (double m : fine ? new double[] {1, 2, 5} : new double[] {1}) {
            if (decade * m <= max * 1.0001) {
              ticks.add(decade * m);
            }
          }
        }
      } else {
        for (int k = 0; min + k * step <= max + step * 1e-6; k++) {
          ticks.add(min + k * step);
        }
      }
      return ticks;
    }
  }

  private final String title;
  private final Instant start;
  private final int minutes;
  private final Axis y;
  private final List<Series> series;
  private final List<Rule> rules;
  private final List<Mark> marks;
  private final List<String[]> markLegend; // name, colour: the kinds of mark drawn
  private final List<double[]> legend =
      new ArrayList<>(); // x, y of each legend entry, series then rules
  private final double top;
  private final int bucket;
  private final String caption;

  Chart(String title, Instant start, int minutes, Axis y, List<Series> series, List<Rule> rules) {
    this(title, start, minutes, 1, null, y, series, rules, List.of(), List.of());
  }

  /**
   * A chart whose series hold a value per {@code bucket} minutes, with ticks on its x axis; {@code
   * markLegend} names the kinds of tick (name, colour) for the legend; {@code caption} (null: the
   * time axis alone) is the x axis's title.
   */
  Chart(
      String title,
      Instant start,
      int minutes,
      int bucket,
      String caption,
      Axis y,
      List<Series> series,
      List<Rule> rules,
      List<Mark> marks,
      List<String[]> markLegend) {
    this.marks = marks;
    this.markLegend = markLegend;
    this.bucket = Math.max(1, bucket);
    this.caption = caption;
    this.title = title;
    this.start = start;
    this.minutes = Math.max(1, minutes);
    this.y = y;
    this.series = series;
    this.rules = rules;
    double x = LEFT;
    double row = LEGEND_TOP;
    for (String name : legendNames()) {
      double w = 30 + textWidth(name, 11) + 16;
      if (x > LEFT && x + w > WIDTH - RIGHT) {
        x = LEFT;
        row += LEGEND_ROW;
      }
      legend.add(new double[] {x, row});
      x += w;
    }
    top = row + 14;
  }

  private List<String> legendNames() {
    List<String> names = new ArrayList<>();
    series.forEach(s -> names.add(s.name()));
    rules.forEach(r -> names.add(r.name()));
    markLegend.forEach(m -> names.add(m[0]));
    return names;
  }

  String title() {
    return title;
  }

  double px(double minute) {
    return LEFT + (WIDTH - LEFT - RIGHT) * minute / minutes;
  }

  /** The pixel row of a value, clamped to the plot so out-of-range values sit on its edge. */
  double py(double value) {
    double bottom = HEIGHT - BOTTOM;
    double f =
        y.log()
            ? (Math.log10(Math.max(value, y.min())) - Math.log10(y.min()))
                / (Math.log10(y.max()) - Math.log10(y.min()))
            : (value - y.min()) / (y.max() - y.min());
    return bottom - (bottom - top) * Math.max(0, Math.min(1, f));
  }

  void paint(Canvas c) {
    double bottom = HEIGHT - BOTTOM;
    double right = WIDTH - RIGHT;
    c.rect(0, 0, WIDTH, HEIGHT, "#ffffff");
    c.text(LEFT, 18, title, 13, Anchor.START, true, INK, false);

    for (double v : y.ticks()) {
      double py = crisp(py(v));
      c.line(LEFT, py, right, py, GRID, 1, null);
      c.text(LEFT - 6, py + 4, y.format().apply(v), 10, Anchor.END, false, INK, false);
    }
    for (int m : xTicks()) {
      double px = crisp(px(m));
      c.line(px, top, px, bottom, GRID, 1, null);
      c.line(px, bottom, px, bottom + 4, INK, 1, null);
      c.text(px, bottom + 15, clock(m), 10, Anchor.MIDDLE, false, INK, false);
      c.text(
          px,
          bottom + 27,
          m == 0 ? "start" : "+" + Units.duration(60.0 * m),
          9,
          Anchor.MIDDLE,
          false,
          MUTED,
          false);
    }
    c.line(LEFT, crisp(bottom), right, crisp(bottom), INK, 1, null);
    c.line(crisp(LEFT), top, crisp(LEFT), bottom, INK, 1, null);
    c.text(
        (LEFT + right) / 2,
        HEIGHT - 6,
        caption != null ? caption : "UTC; time since " + FULL.format(start) + " UTC",
        10,
        Anchor.MIDDLE,
        false,
        MUTED,
        false);
    c.text(14, (top + bottom) / 2, y.title(), 10, Anchor.MIDDLE, false, MUTED, true);

    for (Rule r : rules) {
      double py = py(r.value());
      c.line(LEFT, py, right, py, r.color(), 1.5, r.dash());
    }
    for (Series s : series) {
      for (double[][] run : runs(s)) {
        if (run[0].length == 1) {
          c.dot(run[0][0], run[1][0], Math.max(1.5, s.width()), s.color());
        } else {
          c.polyline(run[0], run[1], s.color(), s.width(), s.dash());
        }
      }
    }

    for (Mark m : marks) {
      if (m.minute() >= 0 && m.minute() <= minutes) {
        double px = px(m.minute());
        c.mark(px, bottom, bottom - MARK_HEIGHT, m.color(), 2, m.title());
      }
    }

    int i = 0;
    for (Series s : series) {
      legendEntry(c, legend.get(i++), s.name(), s.color(), s.width(), s.dash());
    }
    for (Rule r : rules) {
      legendEntry(c, legend.get(i++), r.name(), r.color(), 1.5, r.dash());
    }
    for (String[] m : markLegend) {
      double[] at = legend.get(i++);
      c.line(at[0] + 12, at[1] + 2, at[0] + 12, at[1] - 10, m[1], 2, null);
      c.text(at[0] + 30, at[1], m[0], 11, Anchor.START, false, INK, false);
    }
  }

  List<Mark> marks() {
    return marks;
  }

  private static void legendEntry(
      Canvas c, double[] at, String name, String color, double width, float[] dash) {
    c.line(at[0], at[1] - 4, at[0] + 24, at[1] - 4, color, Math.max(width, 2), dash);
    c.text(at[0] + 30, at[1], name, 11, Anchor.START, false, INK, false);
  }

  /** The series as runs of pixel points (xs, ys) between NaN gaps. */
  List<double[][]> runs(Series s) {
    List<double[][]> runs = new ArrayList<>();
    double[] v = s.values();
    int i = 0;
    while (i < v.length) {
      if (!Double.isFinite(v[i])) {
        i++;
        continue;
      }
      int end = i;
      while (end < v.length && Double.isFinite(v[end])) {
        end++;
      }
      List<double[]> pts = new ArrayList<>();
      for (int k = i; k < end; k++) {
        if (s.style() == Style.STEP) {
          pts.add(new double[] {px(k * bucket), py(v[k])}); // rises or falls at the bucket's start
          pts.add(new double[] {px(Math.min(minutes, (k + 1) * bucket)), py(v[k])});
        } else {
          pts.add(new double[] {px(Math.min(minutes, (k + 0.5) * bucket)), py(v[k])});
        }
      }
      double[][] run = new double[2][pts.size()];
      for (int k = 0; k < pts.size(); k++) {
        run[0][k] = pts.get(k)[0];
        run[1][k] = pts.get(k)[1];
      }
      runs.add(run);
      i = end;
    }
    return runs;
  }

  /** Minutes since start of the x ticks: on round clock times, at most about eight. */
  List<Integer> xTicks() {
    int[] steps = {
      1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 4320, 7200, 10080, 14400, 43200
    };
    int step = steps[steps.length - 1];
    for (int s : steps) {
      if (minutes / s <= 7) {
        step = s;
        break;
      }
    }
    long startMinute = Math.floorDiv(start.getEpochSecond(), 60);
    int first = (int) Math.floorMod(-startMinute, (long) step);
    List<Integer> ticks = new ArrayList<>();
    for (int m = first; m <= minutes; m += step) {
      ticks.add(m);
    }
    return ticks;
  }

  private String clock(int minute) {
    Instant at = start.plusSeconds(60L * minute);
    boolean otherDay =
        minutes > 1440
            || !at.atZone(ZoneOffset.UTC)
                .toLocalDate()
                .equals(start.atZone(ZoneOffset.UTC).toLocalDate());
    if (minutes > 2 * 1440 && at.atZone(ZoneOffset.UTC).toLocalTime().equals(LocalTime.MIDNIGHT)) {
      return DAY.format(at); // a long trace's ticks fall on days: the date alone
    }
    return (otherDay ? DAY_CLOCK : CLOCK).format(at);
  }

  /** Half-pixel aligned, so 1 px lines stay sharp in the PNG. */
  private static double crisp(double v) {
    return Math.floor(v) + 0.5;
  }

  /** A rough width of sans-serif text, the same for both renderers. */
  static double textWidth(String text, double size) {
    return text.length() * size * 0.6;
  }

  static double niceStep(double raw, boolean integers) {
    if (!(raw > 0)) {
      return 1;
    }
    double decade = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = decade * 10;
    for (double m : integers ? new double[] {1, 2, 5, 10} : new double[] {1, 2, 2.5, 5, 10}) {
      if (decade * m >= raw - 1e-12) {
        step = decade * m;
        break;
      }
    }
    return integers ? Math.max(1, Math.ceil(step)) : step;
  }

  private static String plain(double v, double step) {
    if (step >= 1 && Math.abs(v - Math.rint(v)) < 1e-9) {
      return String.format(Locale.ROOT, "%,d", Math.round(v));
    }
    return String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
