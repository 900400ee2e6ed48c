package dev.copyscale.serving;

import dev.copyscale.catalog.Catalog;
import java.util.Optional;

/**
 * A time-to-first-token objective resolved against a copy's serving profile: the concurrency per
 * copy at which the profile's time to first token reaches it. Spec validation and engine slo
 * resolve it with this one function, so a spec that validates is one the engine can plan.
 *
 * @param concurrency requests in flight on one copy at which TTFT reaches the objective
 */
public record TtftObjective(ServingProfile profile, double concurrency) {
  /** The spec field a serving table comes from, named in problems. */
  public static final String TABLE_FIELD = "scaling.slo.servingProfile";

  /** The objective, or the problem that stops it, naming the spec field. */
  public record Resolution(Optional<TtftObjective> objective, String field, String problem) {}

  /**
   * @param table the spec's own serving table (CSV text), if it gives one
   */
  public static Resolution resolve(
      Catalog catalog,
      String modelId,
      String instanceType,
      int accelerators,
      Optional<String> table,
      long ttftMs) {
    ServingProfiles.Resolved resolved =
        ServingProfiles.resolve(catalog, modelId, instanceType, accelerators, table, TABLE_FIELD);
    if (resolved.profile().isEmpty()) {
      return new Resolution(
          Optional.empty(), table.isPresent() ? TABLE_FIELD : "scaling.slo", resolved.why());
    }
    ServingProfile profile = resolved.profile().get();
    java.util.OptionalDouble within = profile.concurrencyWithin(ttftMs);
    if (within.isEmpty()) {
      return new Resolution(
          Optional.empty(),
          "scaling.slo.ttft",
          ttftMs
              + " ms cannot be met: "
              + profile.name()
              + " takes "
              + Math.round(profile.ttftFloorMs())
              + " ms to the first token with one request on a copy; the achievable floor is "
              + (long) Math.ceil(profile.ttftFloorMs())
              + " ms");
    }
    return new Resolution(Optional.of(new TtftObjective(profile, within.getAsDouble())), "", "");
  }
}
