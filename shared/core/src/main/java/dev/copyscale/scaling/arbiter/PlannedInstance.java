package dev.copyscale.scaling.arbiter;

import java.util.Map;
import java.util.TreeMap;

/**
 * An instance the decision holds and the copies on it once the decision is applied.
 *
 * @param id the running instance's id, or {@code new-1}, {@code new-2}… for one to add
 * @param added whether the instance is to be added
 * @param copies copies on it per component (components with none left out)
 */
public record PlannedInstance(String id, boolean added, Map<String, Integer> copies) {
  public PlannedInstance {
    copies = java.util.Collections.unmodifiableMap(new TreeMap<>(copies));
  }
}
