package dev.copyscale.scaling.capacity;

/**
 * How a deployment's copies pack on its instances when copyscale manages them (managed instance
 * scaling off, dimension copies), resolved once from the catalog: instances follow copies both
 * ways, within {@code guardrails.maxInstances}, never below the endpoint's initial count (an
 * endpoint keeps at least one instance).
 *
 * @param copiesPerInstance copies one instance holds (0: not even one)
 */
public record InstancePacking(
    String instanceType, int copiesPerInstance, int initialInstances, int maxInstances) {

  /** The instances {@code copies} need, from {@code currentInstances}. */
  public InstancePlan plan(int copies, int currentInstances) {
    if (copiesPerInstance == 0) {
      // Preflight refuses such a spec; a stored one must still not divide by zero: hold what is
      // there.
      return new InstancePlan(currentInstances, currentInstances, 0, 0, copies > 0);
    }
    int fitting = Math.min(copies, copiesPerInstance * maxInstances);
    int needed = Math.max(initialInstances, instancesFor(fitting));
    return new InstancePlan(currentInstances, needed, fitting, copiesPerInstance, fitting < copies);
  }

  /** Whole instances for {@code copies}. */
  public int instancesFor(int copies) {
    return copiesPerInstance == 0 ? 0 : (copies + copiesPerInstance - 1) / copiesPerInstance;
  }

  /** Why a plan holds fewer copies than asked: the guardrail, or not one copy fitting. */
  public String limitNote(InstancePlan plan) {
    return copiesPerInstance == 0
        ? "not one copy fits an " + instanceType + " (component.resources)"
        : maxInstances + " instances hold " + plan.copiesThatFit() + " copies";
  }
}
