package dev.copyscale.scaling.capacity;

import java.util.Optional;

/**
 * The target as SageMaker and Application Auto Scaling report it right now.
 *
 * @param capacity the scaled dimension's desired count (copies, or the variant's instances)
 * @param minCapacity live minimum of the scalable target (schedules move it)
 * @param maxCapacity live maximum of the scalable target
 * @param instances the variant's desired instance count
 * @param componentStatus InferenceComponentStatus, empty when there is no component
 * @param endpointStatus EndpointStatus
 * @param servingCopies the component's current copy count: copies that serve now
 */
public record LiveCapacity(
    int capacity,
    int minCapacity,
    int maxCapacity,
    int instances,
    Optional<String> componentStatus,
    String endpointStatus,
    int servingCopies) {

  /** As SageMaker reports a target with every desired copy serving. */
  public LiveCapacity(
      int capacity,
      int minCapacity,
      int maxCapacity,
      int instances,
      Optional<String> componentStatus,
      String endpointStatus) {
    this(capacity, minCapacity, maxCapacity, instances, componentStatus, endpointStatus, capacity);
  }

  public boolean endpointInService() {
    return endpointStatus.equals("InService");
  }

  public boolean componentInService() {
    return componentStatus.orElse("").equals("InService");
  }
}
