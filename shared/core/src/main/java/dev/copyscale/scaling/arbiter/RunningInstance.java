package dev.copyscale.scaling.arbiter;

import java.util.Map;
import java.util.TreeMap;

/**
 * An instance of the endpoint now and the copies on it, per component.
 *
 * @param id the instance's id
 * @param copies copies on it per component name (absent: none)
 */
public record RunningInstance(String id, Map<String, Integer> copies) {
  public RunningInstance {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("an instance needs an id");
    }
    copies =
        java.util.Collections.unmodifiableMap(new TreeMap<>(copies == null ? Map.of() : copies));
    copies.forEach(
        (component, n) -> {
          if (n == null || n < 0) {
            throw new IllegalArgumentException(
                "instance " + id + ": copies of " + component + " cannot be " + n);
          }
        });
  }

  int copiesOf(String component) {
    return copies.getOrDefault(component, 0);
  }
}
