package dev.copyscale.cost;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one component of a shared endpoint costs an hour at a decision: its share of each instance's
 * accelerators, by {@link CostSplit} over one hour of the instances the decision holds, with the
 * accelerators no copy holds (the idle remainder) apart. Kept on the component's ledger entry, so
 * {@code copyscale activities} can show what each decision made the component cost.
 *
 * @param accelerators accelerators the component's copies hold on the endpoint
 * @param usdPerHour its share of the endpoint's cost, dollars an hour
 * @param idleAccelerators accelerators of the endpoint no component holds
 * @param idleUsdPerHour what they cost an hour
 * @param endpointUsdPerHour what the endpoint's instances cost an hour: every component's share
 *     plus the idle remainder
 * @param instances the endpoint's instances
 */
public record HourlyCost(
    double accelerators,
    double usdPerHour,
    double idleAccelerators,
    double idleUsdPerHour,
    double endpointUsdPerHour,
    int instances) {

  /**
   * Each component's hourly cost on instances that each hold {@code copies} (per component, by
   * name), every instance of {@code accelerators} accelerators at {@code priceUsdPerHour}.
   *
   * @param copies per instance, the copies of each component on it
   * @param acceleratorsPerCopy what one copy of each component holds
   * @return by component, every component of {@code acceleratorsPerCopy} (one with no copy at 0)
   * @throws IllegalArgumentException for a component without its accelerators per copy, or copies
   *     that hold more accelerators than an instance has
   */
  public static Map<String, HourlyCost> of(
      List<Map<String, Integer>> copies,
      int accelerators,
      double priceUsdPerHour,
      Map<String, Double> acceleratorsPerCopy) {
    List<InstanceUse> uses = new ArrayList<>();
    for (int i = 0; i < copies.size(); i++) {
      Map<String, Double> held = new LinkedHashMap<>();
      for (Map.Entry<String, Integer> c : copies.get(i).entrySet()) {
        Double each = acceleratorsPerCopy.get(c.getKey());
        if (each == null) {
          throw new IllegalArgumentException(
              "no accelerators per copy for component " + c.getKey());
        }
        held.merge(c.getKey(), each * c.getValue(), Double::sum);
      }
      uses.add(new InstanceUse("instance-" + (i + 1), accelerators, priceUsdPerHour, held));
    }
    Split hour = CostSplit.split(Duration.ofHours(1), uses, List.of(), Map.of());
    Map<String, HourlyCost> costs = new LinkedHashMap<>();
    for (String component : acceleratorsPerCopy.keySet()) {
      Share s = hour.components().getOrDefault(component, Share.ZERO);
      costs.put(
          component,
          new HourlyCost(
              s.acceleratorHours().doubleValue(),
              s.usd().doubleValue(),
              hour.idle().acceleratorHours().doubleValue(),
              hour.idle().usd().doubleValue(),
              hour.endpoint().usd().doubleValue(),
              uses.size()));
    }
    return costs;
  }
}
