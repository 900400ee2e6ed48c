package dev.copyscale.spec;

/**
 * One thing wrong with a spec: the field path (e.g. {@code scaling.stepPolicies[0].steps[1].lower})
 * and what is wrong, including the allowed values.
 */
public record Problem(String path, String message) {
  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
