package dev.copyscale.serving;

import dev.copyscale.catalog.Accelerator;
import java.util.Locale;
import java.util.Optional;

/**
 * What tensor parallelism costs a copy sharded over several GPUs: the two all-reduces per layer of
 * every forward pass ({@link CopyPhysics#allReduceMs}), set against the pass itself, for one
 * request of the shape alone on the copy (where the share is largest: a decode step of one token,
 * the prefill of its prompt). Over NVLink this is small; over PCIe (g5, g6, g6e) it is not, and
 * one-GPU copies of a model that fits one GPU avoid it.
 *
 * @param gpus GPUs per copy
 * @param link how they are joined
 * @param decodeStepMs a decode step of one request holding its prompt and half its output
 * @param decodeAllReduceMs the all-reduces of that step
 * @param prefillMs the prefill of one prompt of the shape
 * @param prefillAllReduceMs the all-reduces of that prefill
 */
public record TensorParallelCost(
    int gpus,
    Accelerator.Interconnect link,
    double decodeStepMs,
    double decodeAllReduceMs,
    double prefillMs,
    double prefillAllReduceMs) {

  public static TensorParallelCost of(CopyPhysics physics, RequestShape shape) {
    double prompt = shape.promptTokens();
    return new TensorParallelCost(
        physics.gpus(),
        physics.gpu().interconnect(),
        physics.decodeStepMs(1, prompt + shape.outputTokens() / 2.0),
        physics.allReduceMs(1),
        physics.prefillMs(prompt, prompt * prompt),
        physics.allReduceMs(prompt));
  }

  /** Whether the all-reduces cross PCIe: more than one GPU per copy, and no NVLink. */
  public boolean crossesPcie() {
    return gpus > 1 && link == Accelerator.Interconnect.PCIE;
  }

  /**
   * The warning where the all-reduces cross PCIe: what they cost, and whether copies of fewer GPUs
   * would hold the model.
   *
   * @param fewestGpus the fewest GPUs per copy on this instance that hold the model, if known
   */
  public Optional<String> pcieWarning(String instanceType, Optional<Integer> fewestGpus) {
    if (!crossesPcie()) {
      return Optional.empty();
    }
    String alternative =
        fewestGpus
            .filter(f -> f < gpus)
            .map(
                f ->
                    f == 1
                        ? String.format(
                            Locale.ROOT,
                            "; the model fits one GPU, so %d copies of one GPU each avoid it",
                            gpus)
                        : String.format(
                            Locale.ROOT,
                            "; the model fits %d GPUs per copy, where each all-reduce spans fewer"
                                + " GPUs",
                            f))
            .orElse(
                "; the model needs this many GPUs per copy here, so only an instance with NVLink"
                    + " (p4d, p4de, p5) avoids it");
    return Optional.of(
        String.format(
            Locale.ROOT,
            "tensor parallelism over PCIe: %s has no NVLink, so the 2 all-reduces per layer of"
                + " every pass cross PCIe between the %d GPUs of a copy: about %.1f ms of each"
                + " %.1f ms decode step (%.0f%% of inter-token latency) and %.0f ms of a %.0f ms"
                + " prefill (%.0f%% of time to first token, for one request alone)%s",
            instanceType,
            gpus,
            decodeAllReduceMs,
            decodeStepMs,
            100 * decodeAllReduceMs / decodeStepMs,
            prefillAllReduceMs,
            prefillMs,
            100 * prefillAllReduceMs / prefillMs,
            alternative));
  }
}
