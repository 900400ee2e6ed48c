package dev.copyscale.deploy;

import java.util.List;
import java.util.Optional;

/**
 * The deploy function's response: the phase, the actions taken by this invocation, what it waits
 * for, the error if a step failed, and the statuses and counts observed at the end.
 */
public record DeployResult(
    String deployment,
    Phase phase,
    List<String> actions,
    Optional<String> waitingFor,
    Optional<String> error,
    Status observed) {

  public DeployResult {
    actions = List.copyOf(actions);
  }

  /** What exists, in AWS's words. */
  public record Status(
      Optional<String> endpointStatus,
      Optional<Integer> instances,
      Optional<String> componentStatus,
      Optional<Integer> desiredCopies,
      Optional<Integer> currentCopies,
      Optional<String> scalableTarget) {

    /** Nothing observed (the reconcile failed before it could look). */
    public static final Status UNKNOWN =
        new Status(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    public static Status of(Observed o) {
      return new Status(
          o.endpoint().map(Observed.EndpointView::status),
          o.endpoint().map(Observed.EndpointView::currentInstances),
          o.component().map(Observed.ComponentView::status),
          o.component().map(Observed.ComponentView::desiredCopies),
          o.component().map(Observed.ComponentView::currentCopies),
          o.target().map(t -> "[" + t.minCapacity() + ", " + t.maxCapacity() + "]"));
    }
  }
}
