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
 * @param serving how a copy serves, from the serving model's figures (docs/serving.md), when the
 *     model's architecture and the GPUs' figures are known and the model fits * @param trace what
 *     share of a trace the token limits refuse ({@code preflight --trace}), when one was given
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
    List<Suggestion> suggestedInstanceTypes,
    Optional<ServingFit> serving,
    Optional<TraceRefusals> trace) {

  public PreflightReport {
    problems = List.copyOf(problems);
    unchecked = List.copyOf(unchecked);
    warnings = List.copyOf(warnings);
    assumptions = List.copyOf(assumptions);
    suggestedInstanceTypes = List.copyOf(suggestedInstanceTypes);
  }

  /** This report with what the token limits refuse of a trace, and its warning if any. */
  public PreflightReport withTrace(TraceRefusals refusals) {
    List<String> more = new java.util.ArrayList<>(warnings);
    refusals.warning().ifPresent(more::add);
    return new PreflightReport(
        deployment,
        fits,
        problems,
        unchecked,
        more,
        assumptions,
        model,
        instance,
        cost,
        suggestedInstanceTypes,
        serving,
        Optional.of(refusals));
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

  /**
   * One copy as the serving model sees it: the requests its KV cache holds at once, and what tensor
   * parallelism costs it (for one request of the shape alone).
   *
   * @param promptTokens the request shape counted for (the bundled table's)
   * @param kvCacheTokens the batch's tokens: what TGI's warmup finds free after the weights
   * @param tokensPerRequest what one request of the shape reserves (prompt and output in blocks)
   * @param concurrency requests of the shape the KV cache holds at once
   * @param fullLengthConcurrency requests of MAX_TOTAL_TOKENS it holds at once
   * @param gpus GPUs per copy
   * @param interconnect NVLink or PCIe (how the GPUs of a copy talk), null for one GPU
   * @param decodeStepMs a decode step of one request
   * @param decodeAllReduceMs the all-reduces of that step
   * @param prefillMs the prefill of one prompt of the shape
   * @param prefillAllReduceMs the all-reduces of that prefill
   */
  public record ServingFit(
      String modelFigures,
      int promptTokens,
      int outputTokens,
      long kvCacheTokens,
      long tokensPerRequest,
      long concurrency,
      int maxTotalTokens,
      long fullLengthConcurrency,
      int gpus,
      String interconnect,
      double decodeStepMs,
      double decodeAllReduceMs,
      double prefillMs,
      double prefillAllReduceMs) {}
}
