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
