package dev.copyscale.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How one copy of a model serves on its GPUs, for a request shape: time to first token, time per
 * output token and requests per minute against the copy's concurrency, and where those figures come
 * from. Either a <b>measured</b> table (bundled, or a spec's {@code scaling.slo.servingProfile}: it
 * wins where given) or <b>derived</b> from the model's and GPUs' figures through {@link
 * CopyPhysics} and TGI's batching ({@link TgiCopy}, run as a closed loop by {@link ClosedLoop}).
 *
 * <p>This is what engine slo plans with: {@link #ttftMs}, {@link #itlMs}, {@link
 * #requestsPerMinute}, {@link #concurrencyWithin} at the traffic's request shape ({@link #at}), and
 * the parameters an online learner corrects ({@link #efficiencies}, {@link #withEfficiencies}).
 * Values, no I/O; a derived model runs its closed loops when made (milliseconds).
 */
public final class ServingModel {
  /** Where the figures come from. */
  public enum Source {
    MEASURED,
    DERIVED
  }

  /** One row: the copy at a concurrency. */
  public record Row(
      int concurrency,
      double ttftMs,
      double itlMs,
      double latencyPerTokenMs,
      double requestsPerMinute) {}

  /** Concurrencies a derived table covers: powers of two from 1, until the KV cache is full. */
  static final int MAX_CONCURRENCY = 512;

  /** Requests per client in each closed loop. */
  static final int ROUNDS = 8;

  private final Source source;
  private final String provenance;
  private final RequestShape shape;
  private final List<Row> rows;
  private final ServingProfile profile;
  private final Optional<CopyPhysics> physics;
  private final Optional<TgiLimits> limits;

  private ServingModel(
      Source source,
      String provenance,
      RequestShape shape,
      List<Row> rows,
      ServingProfile profile,
      Optional<CopyPhysics> physics,
      Optional<TgiLimits> limits) {
    this.source = source;
    this.provenance = provenance;
    this.shape = shape;
    this.rows = List.copyOf(rows);
    this.profile = profile;
    this.physics = physics;
    this.limits = limits;
  }

  /**
   * Derives the table for {@code shape} from the physics and TGI's settings.
   *
   * @param provenance one line: "derived from: model figures (...), GPU figures (...), calibration
   *     (...)"
   */
  public static ServingModel derived(
      CopyPhysics physics, TgiLimits limits, RequestShape shape, String provenance) {
    List<Row> rows = new ArrayList<>();
    long perRequest = TgiCopy.blocks(shape.promptTokens()) + TgiCopy.blocks(shape.outputTokens());
    long fits = Math.max(1, limits.maxBatchTotalTokens() / perRequest);
    double best = 0;
    for (int c = 1; c <= MAX_CONCURRENCY; c *= 2) {
      ClosedLoop.Point p = ClosedLoop.run(physics, limits, shape, c, ROUNDS);
      rows.add(new Row(c, p.ttftMs(), p.itlMs(), p.perTokenMs(), p.requestsPerMinute()));
      best = Math.max(best, p.requestsPerMinute());
      if (c >= 2 * fits && c >= 8) {
        break;
      }
    }
    return new ServingModel(
        Source.DERIVED,
        provenance,
        shape,
        rows,
        profileOf(physics.describe() + " (derived)", rows, shape),
        Optional.of(physics),
        Optional.of(limits));
  }

  /**
   * A measured table; with the model's physics (when known) for other request shapes.
   *
   * @param provenance one line: "measured table X"
   */
  public static ServingModel measured(
      ServingProfile table,
      Optional<CopyPhysics> physics,
      Optional<TgiLimits> limits,
      String provenance) {
    RequestShape shape =
        new RequestShape(
            Math.max(1, table.referenceInputTokens()), Math.max(1, table.referenceOutputTokens()));
    List<Row> rows = new ArrayList<>();
    for (int c : table.concurrencies()) {
      double perToken = table.measuredItlMs(c);
      double ttft = table.ttftMs(c);
      int out = shape.outputTokens();
      double itl = out > 1 ? Math.max(0, (perToken * out - ttft) / (out - 1)) : perToken;
      rows.add(new Row(c, ttft, itl, perToken, table.requestsPerMinute(c)));
    }
    return new ServingModel(Source.MEASURED, provenance, shape, rows, table, physics, limits);
  }

  private static ServingProfile profileOf(String name, List<Row> rows, RequestShape shape) {
    int n = rows.size();
    int[] c = new int[n];
    double[] ttft = new double[n];
    double[] itl = new double[n];
    double[] rpm = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = rows.get(i).concurrency();
      ttft[i] = rows.get(i).ttftMs();
      itl[i] = rows.get(i).latencyPerTokenMs();
      rpm[i] = rows.get(i).requestsPerMinute();
    }
    return ServingProfile.of(name, c, ttft, itl, rpm, shape);
  }

  public Source source() {
    return source;
  }

  /** One line saying where the figures come from. */
  public String provenance() {
    return provenance;
  }

  public RequestShape shape() {
    return shape;
  }

  public List<Row> rows() {
    return rows;
  }

  /** The figures as a serving table (interpolated in log2 of the concurrency). */
  public ServingProfile profile() {
    return profile;
  }

  /** The physics, when the model's and GPUs' figures are known. */
  public Optional<CopyPhysics> physics() {
    return physics;
  }

  /** TGI's settings the figures were derived with, when derived or derivable. */
  public Optional<TgiLimits> limits() {
    return limits;
  }

  /** The efficiencies a derived model rests on (the calibrated ones unless corrected). */
  public Optional<Efficiencies> efficiencies() {
    return physics.map(CopyPhysics::efficiencies);
  }

  /** Time to first token at a copy's concurrency (interpolated in log2 of it). */
  public double ttftMs(double concurrency) {
    return interpolate(concurrency, Row::ttftMs);
  }

  /** Time per output token after the first, at a copy's concurrency. */
  public double itlMs(double concurrency) {
    return interpolate(concurrency, Row::itlMs);
  }

  /** Requests a copy completes a minute at its concurrency. */
  public double requestsPerMinute(double concurrency) {
    return interpolate(concurrency, Row::requestsPerMinute);
  }

  /** The most requests a minute any concurrency of the table gives. */
  public double peakRequestsPerMinute() {
    return rows.stream().mapToDouble(Row::requestsPerMinute).max().orElse(0);
  }

  /**
   * The highest concurrency at which both objectives still hold (interpolated in log2 of the
   * concurrency; NaN or a non-positive value leaves that objective out); empty when one request
   * alone misses one of them; the table's highest concurrency when none reaches them.
   */
  public OptionalDouble concurrencyWithin(double ttftMs, double itlMs) {
    double best = 0;
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      if (within(r, ttftMs, itlMs)) {
        best = r.concurrency();
        continue;
      }
      if (i == 0) {
        return OptionalDouble.empty();
      }
      Row prev = rows.get(i - 1);
      double f = 1;
      f = Math.min(f, crossing(prev.ttftMs(), r.ttftMs(), ttftMs));
      f = Math.min(f, crossing(prev.itlMs(), r.itlMs(), itlMs));
      double lo = log2(prev.concurrency());
      double hi = log2(r.concurrency());
      return OptionalDouble.of(Math.pow(2, lo + f * (hi - lo)));
    }
    return OptionalDouble.of(best);
  }

  private static boolean within(Row r, double ttftMs, double itlMs) {
    return !(ttftMs > 0 && r.ttftMs() > ttftMs) && !(itlMs > 0 && r.itlMs() > itlMs);
  }

  /** Where between a and b (0..1) the value crosses {@code limit}; 1 when it does not. */
  private static double crossing(double a, double b, double limit) {
    if (!(limit > 0) || b <= limit || b <= a) {
      return 1;
    }
    return Math.max(0, (limit - a) / (b - a));
  }

  /**
   * The model for another request shape: a derived model is derived again; a measured table stays
   * as measured when the shape is its own, and gives way to the derived model (saying so) for
   * another shape when the physics is known.
   */
  public ServingModel at(RequestShape other) {
    if (other.equals(shape) || physics.isEmpty() || limits.isEmpty()) {
      return this;
    }
    String why =
        source == Source.MEASURED
            ? "derived for " + other + " (the " + provenance + " is for " + shape + ")"
            : provenance;
    return derived(physics.get(), limits.get(), other, why);
  }

  /** The derived model with corrected efficiencies (an online learner's estimate). */
  public ServingModel withEfficiencies(Efficiencies corrected, String why) {
    if (physics.isEmpty() || limits.isEmpty()) {
      throw new IllegalStateException(provenance + ": no physics to correct");
    }
    return derived(physics.get().withEfficiencies(corrected), limits.get(), shape, why);
  }

  private double interpolate(double concurrency, java.util.function.ToDoubleFunction<Row> f) {
    double x = log2(Math.max(1, concurrency));
    Row first = rows.get(0);
    if (x <= log2(first.concurrency())) {
      return f.applyAsDouble(first);
    }
    for (int i = 1; i < rows.size(); i++) {
      Row r = rows.get(i);
      double hi = log2(r.concurrency());
      if (x <= hi) {
        Row p = rows.get(i - 1);
        double lo = log2(p.concurrency());
        double t = (x - lo) / (hi - lo);
        return f.applyAsDouble(p) + t * (f.applyAsDouble(r) - f.applyAsDouble(p));
      }
    }
    return f.applyAsDouble(rows.get(rows.size() - 1));
  }

  private static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }
}
