package dev.copyscale.cost;

import java.util.Map;
import java.util.TreeMap;

/**
 * The endpoint's cost over one interval, split: per component (adapters included) and the idle
 * remainder, accelerators no component held. The parts add up to {@code endpoint} exactly.
 *
 * @param endpoint every instance for the interval
 * @param components per component, by name
 * @param idle the accelerators nobody held
 */
public record Split(Share endpoint, Map<String, Share> components, Share idle) {
  public Split {
    components = java.util.Collections.unmodifiableMap(new TreeMap<>(components));
  }

  /** No instance at all. */
  public static final Split NONE = new Split(Share.ZERO, Map.of(), Share.ZERO);

  /**
   * This interval and {@code other} together (a minute from its periods): each party's parts added,
   * so the sum still adds up exactly.
   */
  public Split plus(Split other) {
    Map<String, Share> sum = new TreeMap<>(components);
    other.components.forEach((name, share) -> sum.merge(name, share, Share::plus));
    return new Split(endpoint.plus(other.endpoint), sum, idle.plus(other.idle));
  }

  public Share component(String name) {
    Share s = components.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no component " + name + " in this split");
    }
    return s;
  }
}
