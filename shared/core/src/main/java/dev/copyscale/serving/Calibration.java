package dev.copyscale.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * How {@link Efficiencies#CALIBRATED} was found, once, on the bundled table (docs/serving.md, "The
 * calibration"): the efficiencies that make the derived model's closed loop reproduce the table's
 * time to first token and latency per token, row by row, at the concurrency the benchmark's client
 * actually kept (Little's law on the table's own figures: requests a second x latency), over the
 * rows where that is within 20 % of the nominal one. Least squares on the logarithms of the ratios,
 * by Nelder-Mead. The table's requests per minute then follow from Little's law; they are the
 * validation, not the fit.
 */
public final class Calibration {
  private Calibration() {}

  /**
   * One measured row as the fit uses it.
   *
   * @param nominal the concurrency the benchmark asked for
   * @param inFlight requests the client actually kept in flight: rpm / 60 x latency
   * @param perTokenMs llmperf's inter-token latency: latency over output tokens
   */
  public record Target(
      int nominal, double inFlight, double ttftMs, double perTokenMs, double requestsPerMinute) {
    /** Whether the client kept the nominal concurrency within 20 %. */
    public boolean heldConcurrency() {
      return inFlight >= 0.8 * nominal;
    }

    public int clients() {
      return (int) Math.max(1, Math.round(inFlight));
    }
  }

  /** A model figure against a measured one. */
  public record Residual(
      int nominal, double inFlight, String figure, double predicted, double measured) {
    public double error() {
      return predicted / measured - 1;
    }
  }

  /** The table's rows with the concurrency its client kept in flight. */
  public static List<Target> targets(ServingProfile table) {
    List<Target> targets = new ArrayList<>();
    for (int c : table.concurrencies()) {
      double perToken = table.measuredItlMs(c);
      double rpm = table.requestsPerMinute(c);
      double latencyS = perToken * table.referenceOutputTokens() / 1000;
      targets.add(new Target(c, rpm / 60 * latencyS, table.ttftMs(c), perToken, rpm));
    }
    return targets;
  }

  /** The model's figures against the table's, at the concurrency the client kept. */
  public static List<Residual> residuals(
      CopyPhysics physics, TgiLimits limits, RequestShape shape, List<Target> targets) {
    List<Residual> out = new ArrayList<>();
    for (Target t : targets) {
      ClosedLoop.Point p = ClosedLoop.run(physics, limits, shape, t.clients(), 10);
      out.add(new Residual(t.nominal(), t.inFlight(), "ttft", p.ttftMs(), t.ttftMs()));
      out.add(
          new Residual(
              t.nominal(), t.inFlight(), "latency per token", p.perTokenMs(), t.perTokenMs()));
      out.add(
          new Residual(
              t.nominal(),
              t.inFlight(),
              "requests per minute",
              p.requestsPerMinute() * t.inFlight() / t.clients(),
              t.requestsPerMinute()));
    }
    return out;
  }

  /** The efficiencies that fit the rows whose client held its concurrency. */
  public static Efficiencies fit(
      Function<Efficiencies, CopyPhysics> physics,
      TgiLimits limits,
      RequestShape shape,
      List<Target> targets) {
    List<Target> held = targets.stream().filter(Target::heldConcurrency).toList();
    Function<double[], Double> loss =
        x -> {
          if (x[0] <= 0.05 || x[0] > 1 || x[1] <= 0.05 || x[1] > 1 || x[2] < 0 || x[2] > 20) {
            return 1e9;
          }
          CopyPhysics p = physics.apply(new Efficiencies(x[0], x[1], x[2]));
          double sum = 0;
          for (Target t : held) {
            ClosedLoop.Point point = ClosedLoop.run(p, limits, shape, t.clients(), 10);
            if (t.nominal() == 1) {
              sum += square(Math.log(point.ttftMs() / t.ttftMs()));
            }
            sum += square(Math.log(point.perTokenMs() / t.perTokenMs()));
          }
          return sum;
        };
    double[] best = nelderMead(loss, new double[] {0.5, 0.9, 1.0}, new double[] {0.1, 0.05, 0.5});
    return new Efficiencies(best[0], best[1], best[2]);
  }

  private static double square(double v) {
    return v * v;
  }

  /** Nelder-Mead minimisation from {@code start}, the first simplex {@code step} away. */
  static double[] nelderMead(Function<double[], Double> f, double[] start, double[] step) {
    int n = start.length;
    double[][] simplex = new double[n + 1][];
    double[] values = new double[n + 1];
    simplex[0] = start.clone();
    for (int i = 0; i < n; i++) {
      simplex[i + 1] = start.clone();
      simplex[i + 1][i] += step[i];
    }
    for (int i = 0; i <= n; i++) {
      values[i] = f.apply(simplex[i]);
    }
    for (int iteration = 0; iteration < 300; iteration++) {
      Integer[] order = new Integer[n + 1];
      for (int i = 0; i <= n; i++) {
        order[i] = i;
      }
      final double[] v = values;
      java.util.Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
      double[][] s = new double[n + 1][];
      double[] sv = new double[n + 1];
      for (int i = 0; i <= n; i++) {
        s[i] = simplex[order[i]];
        sv[i] = values[order[i]];
      }
      simplex = s;
      values = sv;
      if (values[n] - values[0] < 1e-7) {
        break;
      }
      double[] centroid = new double[n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          centroid[j] += simplex[i][j] / n;
        }
      }
      double[] reflected = move(centroid, simplex[n], -1);
      double fr = f.apply(reflected);
      if (fr < values[0]) {
        double[] expanded = move(centroid, simplex[n], -2);
        double fe = f.apply(expanded);
        simplex[n] = fe < fr ? expanded : reflected;
        values[n] = Math.min(fe, fr);
      } else if (fr < values[n - 1]) {
        simplex[n] = reflected;
        values[n] = fr;
      } else {
        double[] contracted = move(centroid, simplex[n], 0.5);
        double fc = f.apply(contracted);
        if (fc < values[n]) {
          simplex[n] = contracted;
          values[n] = fc;
        } else {
          for (int i = 1; i <= n; i++) {
            simplex[i] = move(simplex[0], simplex[i], 0.5);
            values[i] = f.apply(simplex[i]);
          }
        }
      }
    }
    int best = 0;
    for (int i = 1; i <= n; i++) {
      if (values[i] < values[best]) {
        best = i;
      }
    }
    return simplex[best];
  }

  /** centroid + t (point - centroid). */
  private static double[] move(double[] centroid, double[] point, double t) {
    double[] out = new double[centroid.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = centroid[i] + t * (point[i] - centroid[i]);
    }
    return out;
  }
}
