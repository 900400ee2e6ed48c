package dev.copyscale.deploy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What exists on AWS for one deployment, as the reconciler read it just now.
 *
 * @param models names of this deployment's SageMaker models (any hash)
 * @param endpointConfigs names of this deployment's endpoint configs (any hash)
 * @param policies names of the scalable target's scaling policies
 * @param alarms names of CloudWatch alarms copyscale created for this deployment
 * @param scheduleGroup whether the deployment's schedule group exists
 * @param schedules names of the schedules in it
 * @param onEndpoint every inference component on the endpoint (components and adapters), by name
 *     (ListInferenceComponents by endpoint name, then each described); empty while there is no
 *     endpoint
 * @param scaling per component of a spec with several components, its scalable target and policies;
 *     {@code target} and {@code policies} are the first component's
 */
public record Observed(
    Set<String> models,
    Set<String> endpointConfigs,
    Optional<EndpointView> endpoint,
    Optional<ComponentView> component,
    Optional<TargetView> target,
    Set<String> policies,
    Set<String> alarms,
    boolean scheduleGroup,
    Set<String> schedules,
    Map<String, ComponentView> onEndpoint,
    Map<String, Scaled> scaling) {

  public Observed {
    models = Set.copyOf(models);
    endpointConfigs = Set.copyOf(endpointConfigs);
    policies = Set.copyOf(policies);
    alarms = Set.copyOf(alarms);
    schedules = Set.copyOf(schedules);
    onEndpoint = Map.copyOf(onEndpoint);
    scaling = Map.copyOf(scaling);
  }

  /** What exists for one component alone, with nothing else on its endpoint. */
  public Observed(
      Set<String> models,
      Set<String> endpointConfigs,
      Optional<EndpointView> endpoint,
      Optional<ComponentView> component,
      Optional<TargetView> target,
      Set<String> policies,
      Set<String> alarms,
      boolean scheduleGroup,
      Set<String> schedules) {
    this(
        models,
        endpointConfigs,
        endpoint,
        component,
        target,
        policies,
        alarms,
        scheduleGroup,
        schedules,
        Map.of(),
        Map.of());
  }

  /** A component's scalable target and its scaling policies. */
  public record Scaled(Optional<TargetView> target, Set<String> policies) {
    public Scaled {
      policies = Set.copyOf(policies);
    }

    public static final Scaled NONE = new Scaled(Optional.empty(), Set.of());
  }

  /**
   * What exists for one component of a shared endpoint, as the single form's planning steps read
   * it: the component, its target and policies, and the alarms under its own prefix.
   */
  public Observed forComponent(String component, String alarmPrefix) {
    Scaled s = scaling.getOrDefault(component, Scaled.NONE);
    return new Observed(
        models,
        endpointConfigs,
        endpoint,
        Optional.ofNullable(onEndpoint.get(component)),
        s.target(),
        s.policies(),
        alarms.stream()
            .filter(a -> a.startsWith(alarmPrefix))
            .collect(java.util.stream.Collectors.toSet()),
        scheduleGroup,
        schedules,
        onEndpoint,
        scaling);
  }

  public static Observed nothing() {
    return new Observed(
        Set.of(),
        Set.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Set.of(),
        Set.of(),
        false,
        Set.of());
  }

  /** An endpoint: its status (EndpointStatus as AWS spells it) and the config it runs. */
  public record EndpointView(
      String status, String configName, int currentInstances, Optional<String> failureReason) {}

  /**
   * An inference component: status, model, compute per copy and copy counts; for an adapter, its
   * base ({@code BaseInferenceComponentName}) and its weights ({@code Container.ArtifactUrl}).
   */
  public record ComponentView(
      String status,
      String modelName,
      int accelerators,
      double cpus,
      int memoryMb,
      int desiredCopies,
      int currentCopies,
      Optional<String> failureReason,
      Optional<String> base,
      Optional<String> artifactUrl) {

    /** A component with compute of its own (not an adapter). */
    public ComponentView(
        String status,
        String modelName,
        int accelerators,
        double cpus,
        int memoryMb,
        int desiredCopies,
        int currentCopies,
        Optional<String> failureReason) {
      this(
          status,
          modelName,
          accelerators,
          cpus,
          memoryMb,
          desiredCopies,
          currentCopies,
          failureReason,
          Optional.empty(),
          Optional.empty());
    }
  }

  /** The Application Auto Scaling scalable target. */
  public record TargetView(int minCapacity, int maxCapacity) {}

  /** Statuses in which SageMaker is still working and refuses further changes. */
  public static final List<String> CHANGING =
      List.of("Creating", "Updating", "SystemUpdating", "RollingBack", "Deleting");
}
