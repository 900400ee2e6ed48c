package dev.copyscale.deploy;

import java.util.List;
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
    Set<String> schedules) {

  public Observed {
    models = Set.copyOf(models);
    endpointConfigs = Set.copyOf(endpointConfigs);
    policies = Set.copyOf(policies);
    alarms = Set.copyOf(alarms);
    schedules = Set.copyOf(schedules);
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

  /** An inference component: status, model, compute per copy and copy counts. */
  public record ComponentView(
      String status,
      String modelName,
      int accelerators,
      double cpus,
      int memoryMb,
      int desiredCopies,
      int currentCopies,
      Optional<String> failureReason) {}

  /** The Application Auto Scaling scalable target. */
  public record TargetView(int minCapacity, int maxCapacity) {}

  /** Statuses in which SageMaker is still working and refuses further changes. */
  public static final List<String> CHANGING =
      List.of("Creating", "Updating", "SystemUpdating", "RollingBack", "Deleting");
}
