package dev.copyscale.scaling.capacity;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import dev.copyscale.spec.DeploymentSpec.Resources;
import java.util.Optional;

/**
 * A deployment as its scaling decisions see it: the spec, and what the catalog says about its
 * capacity, resolved once per spec instead of inside every decision.
 *
 * @param packing how copies pack on instances, when copyscale manages the instances
 * @param packingProblem why the packing is unknown although copyscale must manage instances (an
 *     instance type the catalog lacks); raised by the first decision that needs it
 */
public record ScalingTarget(
    DeploymentSpec spec, Optional<InstancePacking> packing, Optional<String> packingProblem) {

  public static ScalingTarget of(DeploymentSpec spec, Catalog catalog) {
    if (spec.scaling().dimension() != Dimension.COPIES
        || spec.endpoint().managedInstanceScaling().enabled()) {
      return new ScalingTarget(spec, Optional.empty(), Optional.empty());
    }
    Optional<InstanceType> type = catalog.instanceType(spec.endpoint().instanceType());
    if (type.isEmpty()) {
      return new ScalingTarget(
          spec,
          Optional.empty(),
          Optional.of(
              "endpoint.instanceType: "
                  + spec.endpoint().instanceType()
                  + " is not in copyscale's catalog, so the instances copies need cannot be"
                  + " computed; enable managed instance scaling"));
    }
    Resources r = spec.component().resources();
    int perInstance = type.get().copiesPerInstance(r.accelerators(), r.cpus(), r.memoryMb());
    return new ScalingTarget(
        spec,
        Optional.of(
            new InstancePacking(
                type.get().name(),
                perInstance,
                spec.endpoint().initialInstanceCount(),
                spec.guardrails().maxInstances())),
        Optional.empty());
  }

  public String name() {
    return spec.name();
  }

  /**
   * The instances {@code copies} need, from {@code currentInstances}; empty when SageMaker manages
   * the instances or the dimension is instances.
   *
   * @throws IllegalStateException when copyscale manages instances of a type the catalog lacks
   */
  public Optional<InstancePlan> plan(int copies, int currentInstances) {
    packingProblem.ifPresent(
        problem -> {
          throw new IllegalStateException(problem);
        });
    return packing.map(p -> p.plan(copies, currentInstances));
  }

  /** The hard cap on the scaled dimension. */
  public Guardrail guardrail() {
    return spec.scaling().dimension() == Dimension.COPIES
        ? new Guardrail(spec.guardrails().maxCopies(), "guardrails.maxCopies")
        : new Guardrail(spec.guardrails().maxInstances(), "guardrails.maxInstances");
  }
}
