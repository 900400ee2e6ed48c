package dev.copyscale.cli.report;

import dev.copyscale.cli.report.Canvas.Anchor;
import dev.copyscale.twin.sim.Summary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The report's opening chart: every configuration's cost against its SLO attainment, with the
 * objective's attainment as a line and the best configuration that meets it ringed. Up and to the
 * left is better. The attainment axis counts nines (90%, 99%, 99.9%: each step up a tenth as many
 * requests missing the objective), so configurations near the objective stand apart instead of
 * sharing its line. One layout, painted on any {@link Canvas} (the page's SVG and the PNG).
 */
final class TradeOffChart {
  static final int WIDTH = 640;
  static final int HEIGHT = 300;
  private static final double LEFT = 68;
  private static final double RIGHT = 24;
  private static final double TOP = 36;
  private static final double BOTTOM = 46;
  private static final String INK = "#222222";
  private static final String MUTED = "#666666";
  private static final String GRID = "#e3e3e3";
  static final String MEETS = "#009E73";
  static final String MISSES = "#D55E00";

  /** The attainments the y axis may mark, in percent. */
  private static final double[] Y_TICKS = {0, 50, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999};

  /** The highest attainment the axis shows, in nines: 99.999%; all requests met sit on it. */
  private static final double TOP_NINES = 5;

  private static final String FRONTIER = "#0072B2";
  private static final String SEARCHED = "#9a9a9a";

  private final List<Summary> summaries;
  private final List<Verdict> verdicts;

  /** The configurations whose names are written beside them; null: all of them. */
  private final java.util.Set<String> labelled;

  /** The frontier, cheapest first, drawn as a line through its points; empty: none. */
  private final List<Summary> frontier;

  private final Objective objective;
  private final double xMin;
  private final double xMax;
  private final double xStep;
  private final double yMin;
  private final double yMax;

  TradeOffChart(List<Summary> summaries, Objective objective) {
    this(summaries, objective, null, List.of());
  }

  /**
   * A frontier's chart: every configuration searched as a point, {@code frontier} (cheapest first)
   * as a line through its points, and only the names in {@code labelled} written out (the rest say
   * theirs on hover).
   */
  TradeOffChart(
      List<Summary> summaries,
      Objective objective,
      java.util.Set<String> labelled,
      List<Summary> frontier) {
    this.labelled = labelled;
    this.frontier = List.copyOf(frontier);
    this.summaries = summaries;
    this.objective = objective;
    this.verdicts = Verdict.of(summaries, objective);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    double low = nines(objective.attainment());
    double high = low;
    for (Summary s : summaries) {
      if (Double.isFinite(s.costUsd())) {
        lo = Math.min(lo, s.costUsd());
        hi = Math.max(hi, s.costUsd());
      }
      if (Double.isFinite(s.sloAttainment())) {
        low = Math.min(low, nines(s.sloAttainment()));
        high = Math.max(high, nines(s.sloAttainment()));
      }
    }
    if (!(lo <= hi)) {
      lo = 0;
      hi = 1;
    }
    double pad = Math.max((hi - lo) * 0.08, Math.max(hi, 1) * 0.02);
    xStep = Chart.niceStep((hi - lo + 2 * pad) / 5, false);
    xMin = Math.max(0, Math.floor((lo - pad) / xStep) * xStep);
    xMax = Math.ceil((hi + pad) / xStep) * xStep;
    double floor = 0;
    for (double t : Y_TICKS) {
      if (nines(t / 100) <= low - 0.1) {
        floor = nines(t / 100);
      }
    }
    double ceiling = TOP_NINES;
    for (int i = Y_TICKS.length - 1; i >= 0; i--) {
      if (nines(Y_TICKS[i] / 100) >= high + 0.25) {
        ceiling = nines(Y_TICKS[i] / 100);
      }
    }
    yMin = floor;
    yMax = Math.max(ceiling, floor + 1);
  }

  /** An attainment (a share) as nines: 0.9 is 1, 0.99 is 2, 0.999 is 3; at most five. */
  static double nines(double attainment) {
    return -Math.log10(Math.max(1 - attainment, Math.pow(10, -TOP_NINES)));
  }

  double px(double cost) {
    return LEFT + (WIDTH - LEFT - RIGHT) * (cost - xMin) / (xMax - xMin);
  }

  /** The pixel row of an attainment (a share). */
  double py(double attainment) {
    double bottom = HEIGHT - BOTTOM;
    return bottom - (bottom - TOP) * (nines(attainment) - yMin) / (yMax - yMin);
  }

  void paint(Canvas c) {
    double bottom = HEIGHT - BOTTOM;
    double right = WIDTH - RIGHT;
    c.rect(0, 0, WIDTH, HEIGHT, "#ffffff");
    String title = "Cost against SLO attainment (" + objective.describe() + ")";
    c.text(LEFT, 18, title, 13, Anchor.START, true, INK, false);
    double lastTick = Double.NEGATIVE_INFINITY;
    for (double t : Y_TICKS) {
      double n = nines(t / 100);
      if (n < yMin - 1e-9 || n > yMax + 1e-9 || n - lastTick < (yMax - yMin) / 12) {
        continue; // off the axis, or too close to the tick below to read
      }
      lastTick = n;
      double y = Math.floor(py(t / 100)) + 0.5;
      c.line(LEFT, y, right, y, GRID, 1, null);
      c.text(LEFT - 6, y + 4, trim(t) + "%", 10, Anchor.END, false, INK, false);
    }
    for (double v = xMin; v <= xMax + 1e-9; v += xStep) {
      double x = Math.floor(px(v)) + 0.5;
      c.line(x, TOP, x, bottom, GRID, 1, null);
      c.line(x, bottom, x, bottom + 4, INK, 1, null);
      c.text(x, bottom + 15, "$" + trim(v), 10, Anchor.MIDDLE, false, INK, false);
    }
    c.line(LEFT, bottom + 0.5, right, bottom + 0.5, INK, 1, null);
    c.line(LEFT + 0.5, TOP, LEFT + 0.5, bottom, INK, 1, null);
    String caption =
        "cost over the trace (instance-hours at on-demand prices); up and to the left is better";
    c.text((LEFT + right) / 2, HEIGHT - 8, caption, 10, Anchor.MIDDLE, false, MUTED, false);
    c.text(14, (TOP + bottom) / 2, "SLO attainment", 10, Anchor.MIDDLE, false, MUTED, true);
    double goal = py(objective.attainment());
    c.line(LEFT, goal, right, goal, MISSES, 1.5, new float[] {6, 4});
    // Boxes (x, baseline y, width) of what is written or drawn: labels keep clear of them.
    List<double[]> taken = new ArrayList<>();
    String goalLabel = "objective " + objective.share();
    double goalWidth = Chart.textWidth(goalLabel, 10);
    taken.add(new double[] {right - 2 - goalWidth, goal - 4, goalWidth});
    c.text(right - 2, goal - 4, goalLabel, 10, Anchor.END, false, INK, false);
    if (frontier.size() > 1) {
      double[] xs = new double[2 * frontier.size() - 1];
      double[] ys = new double[xs.length];
      // A step: from each point, the next costs more before it attains more.
      for (int i = 0; i < frontier.size(); i++) {
        xs[2 * i] = px(frontier.get(i).costUsd());
        ys[2 * i] = py(frontier.get(i).sloAttainment());
        if (i + 1 < frontier.size()) {
          xs[2 * i + 1] = px(frontier.get(i + 1).costUsd());
          ys[2 * i + 1] = ys[2 * i];
        }
      }
      c.polyline(xs, ys, FRONTIER, 1.5, null);
      String label = "frontier";
      taken.add(new double[] {xs[0] + 4, ys[0] - 6, Chart.textWidth(label, 10)});
      c.text(xs[0] + 4, ys[0] - 6, label, 10, Anchor.START, false, FRONTIER, false);
    }
    List<Integer> shown = new ArrayList<>();
    for (int i = 0; i < summaries.size(); i++) {
      Summary s = summaries.get(i);
      if (Double.isFinite(s.costUsd()) && Double.isFinite(s.sloAttainment())) {
        shown.add(i);
        if (named(i)) {
          // Labels keep clear of the named points; the small unnamed ones they may cover.
          taken.add(new double[] {px(s.costUsd()) - 8, py(s.sloAttainment()) + 5, 16});
        }
      }
    }
    // The best first, then from the top: the labels that matter most get the first choice.
    shown.sort(
        Comparator.comparing((Integer i) -> verdicts.get(i).kind() != Verdict.Kind.BEST)
            .thenComparingDouble(i -> -summaries.get(i).sloAttainment()));
    for (int i : shown) {
      Summary s = summaries.get(i);
      Verdict v = verdicts.get(i);
      double x = px(s.costUsd());
      double y = py(s.sloAttainment());
      String color = v.kind() == Verdict.Kind.MISSES ? MISSES : MEETS;
      boolean named = named(i);
      if (!named) {
        color = SEARCHED;
      }
      String tip =
          s.spec()
              + ": "
              + Units.usd(s.costUsd())
              + ", "
              + Units.percent(s.sloAttainment())
              + " within "
              + Objective.targets(s.sloTtftMs(), s.sloItlMs())
              + "; "
              + v.text();
      boolean best = v.kind() == Verdict.Kind.BEST;
      if (best) {
        c.dot(x, y, 10, INK);
        c.dot(x, y, 8, "#ffffff");
      }
      c.point(x, y, named ? 5.5 : 3, color, tip, best ? "config best" : "config");
      if (!named) {
        continue;
      }
      String label = s.spec() + (best ? " (best)" : "");
      double w = Chart.textWidth(label, 11);
      double[] at = place(x, y, w, taken, right, bottom);
      taken.add(new double[] {at[0], at[1], w});
      c.text(at[0], at[1], label, 11, Anchor.START, best, INK, false);
    }
  }

  /** Whether configuration {@code i} is named beside its point. */
  private boolean named(int i) {
    return labelled == null
        || labelled.contains(summaries.get(i).spec())
        || verdicts.get(i).kind() == Verdict.Kind.BEST;
  }

  /**
   * Where a point's label goes: right of it, left of it, or above or below either side, the first
   * that overlaps nothing written yet and stays in the plot; else beside it, moved down clear.
   */
  private static double[] place(
      double x, double y, double w, List<double[]> taken, double right, double bottom) {
    double[][] candidates = {
      {x + 10, y + 4},
      {x - 10 - w, y + 4},
      {x + 4, y - 10},
      {x + 4, y + 18},
      {x - 4 - w, y - 10},
      {x - 4 - w, y + 18}
    };
    for (double[] at : candidates) {
      boolean inside = at[0] >= LEFT + 2 && at[0] + w <= right && at[1] - 10 >= TOP - 12;
      if (inside
          && at[1] <= bottom - 2
          && taken.stream().noneMatch(b -> overlaps(at[0], at[1], w, b))) {
        return at;
      }
    }
    double lx = x + 10 + w > right ? x - 10 - w : x + 10;
    double ly = y + 4;
    for (boolean moved = true; moved; ) {
      moved = false;
      for (double[] b : taken) {
        if (overlaps(lx, ly, w, b)) {
          ly = b[1] + 13;
          moved = true;
        }
      }
    }
    return new double[] {lx, Math.min(ly, bottom - 2)};
  }

  /**
   * Whether a label at (x, y) of width w overlaps a box: within a line's height (13 px, less a
   * rounding error: a label moved to {@code box[1] + 13} must not overlap it again).
   */
  private static boolean overlaps(double x, double y, double w, double[] box) {
    return x < box[0] + box[2] && box[0] < x + w && Math.abs(y - box[1]) < 13 - 1e-9;
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%,.3f", v);
    return s.replaceAll("\\.?0+$", "");
  }
}
