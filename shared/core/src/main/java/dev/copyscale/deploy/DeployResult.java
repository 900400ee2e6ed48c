package dev.copyscale.deploy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /**
   * What exists, in AWS's words: the endpoint, and the first component (the only one in the single
   * form); for a spec with several components, every component under {@code components}, by its
   * name in the spec.
   */
  public record Status(
      Optional<String> endpointStatus,
      Optional<Integer> instances,
      Optional<String> componentStatus,
      Optional<Integer> desiredCopies,
      Optional<Integer> currentCopies,
      Optional<String> scalableTarget,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, ComponentStatus> components) {

    public Status {
      components =
          components == null
              ? Map.of()
              : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(components));
    }

    /** The endpoint and one component. */
    public Status(
        Optional<String> endpointStatus,
        Optional<Integer> instances,
        Optional<String> componentStatus,
        Optional<Integer> desiredCopies,
        Optional<Integer> currentCopies,
        Optional<String> scalableTarget) {
      this(
          endpointStatus,
          instances,
          componentStatus,
          desiredCopies,
          currentCopies,
          scalableTarget,
          Map.of());
    }

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
          o.target().map(Status::bounds));
    }

    /**
     * As {@link #of(Observed)}, with every component of a spec with several: {@code names} maps
     * each component's name in the spec to its inference component's name, in the spec's order.
     */
    public static Status of(Observed o, Map<String, String> names) {
      Status first = of(o);
      Map<String, ComponentStatus> each = new LinkedHashMap<>();
      names.forEach(
          (name, aws) -> {
            Optional<Observed.ComponentView> c = Optional.ofNullable(o.onEndpoint().get(aws));
            each.put(
                name,
                new ComponentStatus(
                    c.map(Observed.ComponentView::status),
                    c.map(Observed.ComponentView::desiredCopies),
                    c.map(Observed.ComponentView::currentCopies),
                    o.scaling()
                        .getOrDefault(aws, Observed.Scaled.NONE)
                        .target()
                        .map(Status::bounds)));
          });
      return new Status(
          first.endpointStatus(),
          first.instances(),
          first.componentStatus(),
          first.desiredCopies(),
          first.currentCopies(),
          first.scalableTarget(),
          each);
    }

    private static String bounds(Observed.TargetView t) {
      return "[" + t.minCapacity() + ", " + t.maxCapacity() + "]";
    }
  }

  /** One component of a shared endpoint, in AWS's words. */
  public record ComponentStatus(
      Optional<String> componentStatus,
      Optional<Integer> desiredCopies,
      Optional<Integer> currentCopies,
      Optional<String> scalableTarget) {}
}
