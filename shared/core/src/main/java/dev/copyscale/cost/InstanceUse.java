package dev.copyscale.cost;

import java.util.Map;
import java.util.TreeMap;

/**
 * One instance of the endpoint over an interval and who held its accelerators.
 *
 * @param id the instance's id
 * @param accelerators accelerators on the instance
 * @param priceUsdPerHour what the instance costs an hour
 * @param acceleratorsHeld accelerators held per component: its copies on the instance times each
 *     copy's {@code NumberOfAcceleratorDevicesRequired}; at most {@code accelerators} together
 */
public record InstanceUse(
    String id, int accelerators, double priceUsdPerHour, Map<String, Double> acceleratorsHeld) {

  public InstanceUse {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("an instance needs an id");
    }
    if (accelerators < 1) {
      throw new IllegalArgumentException(
          "instance " + id + ": the split goes by accelerators, and it has " + accelerators);
    }
    if (!(priceUsdPerHour >= 0) || Double.isInfinite(priceUsdPerHour)) {
      throw new IllegalArgumentException(
          "instance " + id + ": price " + priceUsdPerHour + " $/h must be finite, not below 0");
    }
    acceleratorsHeld = java.util.Collections.unmodifiableMap(new TreeMap<>(acceleratorsHeld));
    double sum = 0;
    for (Map.Entry<String, Double> e : acceleratorsHeld.entrySet()) {
      double held = e.getValue();
      if (!(held >= 0) || Double.isInfinite(held)) {
        throw new IllegalArgumentException(
            "instance " + id + ": " + e.getKey() + " holds " + held + " accelerators");
      }
      sum += held;
    }
    if (sum > accelerators + 1e-9) {
      throw new IllegalArgumentException(
          "instance "
              + id
              + ": its components hold "
              + sum
              + " accelerators, but it has "
              + accelerators
              + ": "
              + acceleratorsHeld);
    }
  }
}
