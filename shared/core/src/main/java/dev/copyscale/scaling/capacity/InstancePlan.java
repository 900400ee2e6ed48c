package dev.copyscale.scaling.capacity;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.preflight.Preflight;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import java.util.Optional;

/**
 * The instances a copy count needs when copyscale manages them (managed instance scaling off,
 * dimension copies): instances follow copies both ways, within guardrails.maxInstances, never below
 * the endpoint's initial count (an endpoint keeps at least one instance).
 *
 * @param from instances now
 * @param to instances the copies need
 * @param copiesThatFit the requested copies, or fewer when guardrails.maxInstances cannot hold them
 * @param copiesPerInstance how many copies one instance holds (0: not even one)
 * @param limitedByGuardrail whether {@code copiesThatFit} is less than asked
 */
public record InstancePlan(
    int from, int to, int copiesThatFit, int copiesPerInstance, boolean limitedByGuardrail) {

  /** Empty when SageMaker manages instances or the dimension is instances. */
  public static Optional<InstancePlan> of(DeploymentSpec spec, int copies, int currentInstances) {
    if (spec.scaling().dimension() != Dimension.COPIES
        || spec.endpoint().managedInstanceScaling().enabled()) {
      return Optional.empty();
    }
    InstanceType type =
        Catalog.bundled()
            .instanceType(spec.endpoint().instanceType())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "endpoint.instanceType: "
                            + spec.endpoint().instanceType()
                            + " is not in copyscale's catalog, so the instances copies need cannot"
                            + " be computed; enable managed instance scaling"));
    int perInstance =
        Preflight.copiesPerInstance(
            type, spec.component().resources(), spec.component().resources().accelerators());
    if (perInstance == 0) {
      // Preflight refuses such a spec; a stored one must still not divide by zero: hold what is
      // there.
      return Optional.of(new InstancePlan(currentInstances, currentInstances, 0, 0, copies > 0));
    }
    int fitting = Math.min(copies, perInstance * spec.guardrails().maxInstances());
    int needed =
        Math.max(spec.endpoint().initialInstanceCount(), (fitting + perInstance - 1) / perInstance);
    return Optional.of(
        new InstancePlan(currentInstances, needed, fitting, perInstance, fitting < copies));
  }

  public boolean changes() {
    return to != from;
  }

  /** Why fewer copies than asked: the guardrail, or not one copy fitting an instance. */
  public String limitNote(DeploymentSpec spec) {
    return copiesPerInstance == 0
        ? "not one copy fits an " + spec.endpoint().instanceType() + " (component.resources)"
        : spec.guardrails().maxInstances() + " instances hold " + copiesThatFit + " copies";
  }
}
