package dev.copyscale.preflight;

import java.util.List;
import java.util.Optional;

/**
 * Everything preflight found. {@code fits} is true only when the spec is valid, the model fits its
 * accelerators, a copy fits an instance, and the instances the copies need are allowed.
 *
 * @param problems why it does not fit, each naming the spec field
 * @param unchecked the problems that say what preflight could not check (an instance type or model
 *     the catalog does not know) rather than a misfit
 */
public record PreflightReport(
    String deployment,
    boolean fits,
    List<String> problems,
    List<String> unchecked,
    List<String> warnings,
    List<String> assumptions,
    Optional<ModelFit> model,
    Optional<InstanceFit> instance,
    Optional<Cost> cost,
    List<Suggestion> suggestedInstanceTypes) {

  public PreflightReport {
    problems = List.copyOf(problems);
    unchecked = List.copyOf(unchecked);
    warnings = List.copyOf(warnings);
    assumptions = List.copyOf(assumptions);
    suggestedInstanceTypes = List.copyOf(suggestedInstanceTypes);
  }

  /**
   * The problems that say the spec cannot run as written: a copy that fits no instance, a model
   * larger than a copy's GPU memory, copies the instances cannot hold, limits the spec contradicts.
   * The deploy function refuses a spec with any of these before it creates anything.
   */
  public List<String> misfits() {
    return problems.stream().filter(p -> !unchecked.contains(p)).toList();
  }

  /** The model against the accelerators of one copy. */
  public record ModelFit(
      String modelId,
      String profileSource,
      String dtype,
      int accelerators,
      String gpuModel,
      double availableGiB,
      GpuMemory required) {
    public boolean fits() {
      return required.totalGiB() <= availableGiB;
    }
  }

  /** One copy against one instance, and the capacity plan. */
  public record InstanceFit(
      String instanceType,
      int gpus,
      int vcpus,
      double memoryGiB,
      double priceUsdPerHour,
      CapacityPlan plan) {}

  /** On-demand dollars per hour. */
  public record Cost(
      int instancesAtCopies,
      double usdPerHourAtCopies,
      int instancesAtMax,
      double usdPerHourAtMax,
      String priceSource) {}
}
