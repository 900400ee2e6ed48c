package dev.copyscale.spec;

import java.util.List;
import java.util.Optional;

/** The outcome of reading a spec: the spec when it is valid, otherwise every problem found. */
public record SpecResult(Optional<DeploymentSpec> spec, List<Problem> problems) {
  public SpecResult {
    problems = List.copyOf(problems);
  }

  static SpecResult valid(DeploymentSpec spec) {
    return new SpecResult(Optional.of(spec), List.of());
  }

  static SpecResult invalid(List<Problem> problems) {
    return new SpecResult(Optional.empty(), problems);
  }

  public boolean isValid() {
    return spec.isPresent();
  }

  /** The spec, or an {@link InvalidSpecException} listing every problem. */
  public DeploymentSpec orThrow() {
    return spec.orElseThrow(() -> new InvalidSpecException(problems));
  }
}
