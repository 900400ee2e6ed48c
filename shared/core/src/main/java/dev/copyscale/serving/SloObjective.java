package dev.copyscale.serving;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * engine slo's objective resolved against a copy's serving model: the concurrency per copy up to
 * which the model keeps time to first token and time per output token within the objectives given.
 * Spec validation and engine slo resolve it with this one function, so a spec that validates is one
 * the engine can plan.
 *
 * @param model how one copy serves (a measured table, or derived from the model's and GPUs'
 *     figures), at the traffic's request shape
 * @param concurrency requests in flight on one copy at which the first objective is reached
 * @param ttft the time-to-first-token objective, if given
 * @param itl the time-per-output-token objective, if given
 */
public record SloObjective(
    ServingModel model, double concurrency, Optional<Duration> ttft, Optional<Duration> itl) {
  /** The spec field a measured serving table comes from, named in problems. */
  public static final String TABLE_FIELD = "scaling.slo.servingProfile";

  /** The objective, or the problem that stops it, naming the spec field. */
  public record Resolution(Optional<SloObjective> objective, String field, String problem) {
    static Resolution problem(String field, String problem) {
      return new Resolution(Optional.empty(), field, problem);
    }
  }

  /**
   * @param query the copy's serving model, as {@link ServingModels#resolve} finds it
   * @param ttft the time-to-first-token objective, if given
   * @param itl the time-per-output-token objective, if given (at least one of the two)
   */
  public static Resolution resolve(
      ServingModels.Query query, Optional<Duration> ttft, Optional<Duration> itl) {
    ServingModels.Resolution resolved = ServingModels.resolve(query);
    if (resolved.model().isEmpty()) {
      return Resolution.problem(resolved.field(), resolved.problem());
    }
    ServingModel model = resolved.model().get();
    double ttftMs = millis(ttft);
    double itlMs = millis(itl);
    OptionalDouble within = model.concurrencyWithin(ttftMs, itlMs);
    if (within.isPresent()) {
      return new Resolution(
          Optional.of(new SloObjective(model, within.getAsDouble(), ttft, itl)), "", "");
    }
    double ttftFloor = model.ttftMs(1);
    if (ttftMs > 0 && ttftFloor > ttftMs) {
      return Resolution.problem(
          "scaling.slo.ttft", floor(ttftMs, model, ttftFloor, "to the first token"));
    }
    return Resolution.problem(
        "scaling.slo.itl", floor(itlMs, model, model.itlMs(1), "per output token after the first"));
  }

  private static String floor(double objectiveMs, ServingModel model, double floorMs, String what) {
    return String.format(
        Locale.ROOT,
        "%d ms cannot be met: %s takes %d ms %s with one request on a copy (%s); the achievable"
            + " floor is %d ms",
        Math.round(objectiveMs),
        model.profile().name(),
        Math.round(floorMs),
        what,
        model.provenance(),
        (long) Math.ceil(floorMs));
  }

  /**
   * The concurrency per copy at which {@code other} (this model at another request shape) reaches
   * these objectives; empty when one request alone misses them.
   */
  public OptionalDouble within(ServingModel other) {
    return other.concurrencyWithin(millis(ttft), millis(itl));
  }

  /**
   * The most requests in flight on one copy at which the {@code quantile} of requests whose sizes
   * spread as {@code sizes} around {@code mean} still meet every objective given: the attainment's
   * requests, not the mean one, for it is the long ones (and those waiting behind their prefills)
   * that miss. Powers of two from 1 until one misses, then halved between the last that met it and
   * that one; 1 when a single request at the tail already misses (a copy does no better than one
   * request).
   */
  public int tailConcurrency(
      CopyPhysics physics,
      TgiLimits limits,
      RequestShape mean,
      RequestSizes sizes,
      double quantile) {
    long perRequest = TgiCopy.blocks(mean.promptTokens()) + TgiCopy.blocks(mean.outputTokens());
    // Beyond twice what the KV cache holds, requests only queue for a slot (as a derived table).
    int ceiling =
        (int)
            Math.min(
                ServingModel.MAX_CONCURRENCY,
                Math.max(8, 2 * Math.max(1, limits.maxBatchTotalTokens() / perRequest)));
    int met = 0;
    int missed = 0;
    for (int c = 1; c <= ceiling; c *= 2) {
      if (meets(ClosedLoop.tail(physics, limits, mean, sizes, c, quantile))) {
        met = c;
      } else {
        missed = c;
        break;
      }
    }
    if (met == 0) {
      return 0;
    }
    if (missed == 0) {
      return met;
    }
    while (missed - met > 1) {
      int mid = (met + missed) >>> 1;
      if (meets(ClosedLoop.tail(physics, limits, mean, sizes, mid, quantile))) {
        met = mid;
      } else {
        missed = mid;
      }
    }
    return met;
  }

  private boolean meets(ClosedLoop.Tail tail) {
    return ttft.map(d -> tail.ttftMs() <= d.toMillis()).orElse(true)
        && itl.map(d -> tail.itlMs() <= d.toMillis()).orElse(true);
  }

  /** An objective in milliseconds, 0 when not given (as {@link ServingModel#concurrencyWithin}). */
  private static double millis(Optional<Duration> objective) {
    return objective.map(Duration::toMillis).orElse(0L);
  }

  /** The objectives as the engine's reasons say them: "TTFT <= 2000 ms and ITL <= 50 ms". */
  public String describe() {
    String t = ttft.map(d -> "TTFT <= " + d.toMillis() + " ms").orElse("");
    String i = itl.map(d -> "ITL <= " + d.toMillis() + " ms").orElse("");
    return t.isEmpty() ? i : i.isEmpty() ? t : t + " and " + i;
  }
}
