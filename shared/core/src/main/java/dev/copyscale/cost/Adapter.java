package dev.copyscale.cost;

/**
 * An adapter inference component: a LoRA adapter loaded onto the copies of its base component
 * ({@code BaseInferenceComponentName}), with no compute of its own.
 *
 * @param name the adapter component's name
 * @param base the base component's name
 */
public record Adapter(String name, String base) {
  public Adapter {
    if (name == null || name.isBlank() || base == null || base.isBlank()) {
      throw new IllegalArgumentException(
          "an adapter needs a name and a base: " + name + ", " + base);
    }
    if (name.equals(base)) {
      throw new IllegalArgumentException("adapter " + name + " cannot be its own base");
    }
  }
}
