package dev.copyscale.scaling.arbiter;

import dev.copyscale.catalog.InstanceType;
import java.util.OptionalDouble;

/**
 * What caps the endpoint as a whole.
 *
 * @param instanceType the endpoint's instance type, from the catalog (accelerators, vCPUs, memory,
 *     price)
 * @param minInstances instances held even when empty (managed instance scaling's {@code
 *     MinInstanceCount}; 0 lets an endpoint of inference components go to no instance)
 * @param maxInstances instances never exceeded
 * @param budgetUsdPerHour dollars an hour never exceeded, if set: the instances it buys at the
 *     type's price
 */
public record EndpointLimits(
    InstanceType instanceType,
    int minInstances,
    int maxInstances,
    OptionalDouble budgetUsdPerHour) {

  public EndpointLimits {
    if (instanceType == null) {
      throw new IllegalArgumentException("the endpoint's instance type is missing");
    }
    if (minInstances < 0 || maxInstances < Math.max(1, minInstances)) {
      throw new IllegalArgumentException(
          "minInstances "
              + minInstances
              + " and maxInstances "
              + maxInstances
              + " need 0 <= minInstances <= maxInstances and maxInstances >= 1");
    }
    budgetUsdPerHour = budgetUsdPerHour == null ? OptionalDouble.empty() : budgetUsdPerHour;
    if (budgetUsdPerHour.isPresent()
        && !(budgetUsdPerHour.getAsDouble() >= 0
            && Double.isFinite(budgetUsdPerHour.getAsDouble()))) {
      throw new IllegalArgumentException(
          "budget must be a finite number of dollars an hour, not below 0: "
              + budgetUsdPerHour.getAsDouble());
    }
    if (!(instanceType.priceUsdPerHour() > 0)) {
      throw new IllegalArgumentException(
          instanceType.name() + " has no price in the catalog, so its cost is unknown");
    }
  }

  /** Instances the budget buys, or none set: no limit. */
  int instancesTheBudgetBuys() {
    if (budgetUsdPerHour.isEmpty()) {
      return Integer.MAX_VALUE;
    }
    // A budget exactly a multiple of the price buys that many, whatever the last bit of a double.
    return (int) Math.floor(budgetUsdPerHour.getAsDouble() / instanceType.priceUsdPerHour() + 1e-9);
  }

  /** The most instances the endpoint may hold: the smaller of maxInstances and the budget's. */
  int cap() {
    return Math.min(maxInstances, instancesTheBudgetBuys());
  }

  /** Which limits are at the cap (both when they allow the same number). */
  java.util.EnumSet<Limit> binding() {
    java.util.EnumSet<Limit> limits = java.util.EnumSet.noneOf(Limit.class);
    if (maxInstances == cap()) {
      limits.add(Limit.MAX_INSTANCES);
    }
    if (instancesTheBudgetBuys() == cap()) {
      limits.add(Limit.BUDGET);
    }
    return limits;
  }
}
