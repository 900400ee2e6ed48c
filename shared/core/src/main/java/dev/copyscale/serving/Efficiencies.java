package dev.copyscale.serving;

import java.util.Locale;

/**
 * How much of the hardware's peak a TGI copy achieves: the parameters of the derived serving model
 * that are not on any datasheet. They are calibrated once, on the bundled measured table (Llama 3
 * 8B Instruct, TGI 2.0.4, one A10G: {@link Calibration}, docs/serving.md), and are the same for
 * every model and GPU; an online learner corrects them from what a deployment publishes.
 *
 * @param compute the fraction of the dense FP16 tensor peak a forward pass's FLOPs run at
 * @param bandwidth the fraction of the memory bandwidth a decode step's bytes stream at
 * @param stepOverheadMs a fixed time every forward pass (prefill or decode step) adds: kernel
 *     launches, sampling, the router's bookkeeping
 */
public record Efficiencies(double compute, double bandwidth, double stepOverheadMs) {
  /**
   * The bundled table's fit ({@code CalibrationTest} re-runs it and checks these are its result).
   */
  public static final Efficiencies CALIBRATED = new Efficiencies(0.48, 0.88, 1.42);

  public Efficiencies {
    if (!(compute > 0 && compute <= 1.5 && bandwidth > 0 && bandwidth <= 1.5)) {
      throw new IllegalArgumentException(
          "efficiencies must be positive fractions of the peak: compute "
              + compute
              + ", bandwidth "
              + bandwidth);
    }
    if (!(stepOverheadMs >= 0)) {
      throw new IllegalArgumentException("step overhead must be >= 0 ms: " + stepOverheadMs);
    }
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%.0f%% of peak FLOPs, %.0f%% of memory bandwidth, %.2f ms a step",
        compute * 100,
        bandwidth * 100,
        stepOverheadMs);
  }
}
