package dev.copyscale.scaling.capacity;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import dev.copyscale.spec.DeploymentSpec.Resources;
import java.util.List;
import java.util.Optional;

/**
 * A deployment as its scaling decisions see it: the spec, and what the catalog says about its
 * capacity, resolved once per spec instead of inside every decision. On an endpoint shared by
 * several components each component is a target of its own ({@link #members}): {@code spec} is the
 * member view ({@link DeploymentSpec#member}) and {@code endpoint} the whole spec, whose other
 * components are its siblings ({@link #siblings}).
 *
 * @param packing how copies pack on instances, when copyscale manages the instances
 * @param packingProblem why the packing is unknown although copyscale must manage instances (an
 *     instance type the catalog lacks); raised by the first decision that needs it
 * @param endpoint the whole spec of the endpoint (the same as {@code spec} in the single form)
 * @param instanceType the endpoint's instance type in the catalog, if it is there
 */
public record ScalingTarget(
    DeploymentSpec spec,
    Optional<InstancePacking> packing,
    Optional<String> packingProblem,
    DeploymentSpec endpoint,
    Optional<InstanceType> instanceType) {

  public static ScalingTarget of(DeploymentSpec spec, Catalog catalog) {
    return of(spec, spec, catalog.instanceType(spec.endpoint().instanceType()));
  }

  /** One target per component of {@code spec}, in its order (one in the single form). */
  public static List<ScalingTarget> members(DeploymentSpec spec, Catalog catalog) {
    Optional<InstanceType> type = catalog.instanceType(spec.endpoint().instanceType());
    return spec.components().stream().map(m -> of(spec.member(m), spec, type)).toList();
  }

  private static ScalingTarget of(
      DeploymentSpec spec, DeploymentSpec endpoint, Optional<InstanceType> type) {
    if (spec.scaling().dimension() != Dimension.COPIES
        || spec.endpoint().managedInstanceScaling().enabled()) {
      return new ScalingTarget(spec, Optional.empty(), Optional.empty(), endpoint, type);
    }
    if (type.isEmpty()) {
      return new ScalingTarget(
          spec,
          Optional.empty(),
          Optional.of(
              "endpoint.instanceType: "
                  + spec.endpoint().instanceType()
                  + " is not in copyscale's catalog, so the instances copies need cannot be"
                  + " computed; enable managed instance scaling"),
          endpoint,
          type);
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
        Optional.empty(),
        endpoint,
        type);
  }

  /** The target's name in the state table: {@link DeploymentSpec#targetName}. */
  public String name() {
    return spec.targetName();
  }

  /** Whether this target is one of several components on its endpoint. */
  public boolean shared() {
    return spec.shared();
  }

  /** Every component's target on the endpoint, this one included, in the spec's order. */
  public List<ScalingTarget> siblings() {
    return endpoint.components().stream()
        .map(m -> of(endpoint.member(m), endpoint, instanceType))
        .toList();
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
