package dev.copyscale.slo;

import dev.copyscale.serving.RequestShape;
import dev.copyscale.serving.ServingModel;
import dev.copyscale.serving.SloObjective;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The concurrency per copy at which the objective is reached, for requests {@code work} times the
 * serving model's request shape: larger requests reach a time-to-first-token objective at fewer
 * requests in flight (each prefill is longer, and a batch's decode steps read more KV cache), so
 * when what the copies publish says requests take longer than the model's, the objective is
 * resolved again at that size. SageMaker's figures do not say whether prompts or answers grew, so
 * both grow (the cautious reading: a longer prompt costs time to first token, a longer answer does
 * not).
 *
 * <p>Resolved per step of {@link #STEP} of the work (a derived model re-derives in milliseconds),
 * and kept: a deployment's work moves within [0.25, 8], so at most a few hundred resolutions.
 */
final class ObjectiveByWork {
  /** The work's resolution: 5 % of the model's request shape. */
  static final double STEP = 0.05;

  private final SloObjective objective;
  private final int maxTotalTokens;
  private final Map<Long, Double> byStep = new ConcurrentHashMap<>();

  /**
   * @param maxTotalTokens TGI's longest request (prompt and output), which a scaled shape stays
   *     within
   */
  ObjectiveByWork(SloObjective objective, int maxTotalTokens) {
    this.objective = objective;
    this.maxTotalTokens = maxTotalTokens;
  }

  double concurrency(double work) {
    long step = Math.round(work / STEP);
    if (step == Math.round(1 / STEP)) {
      return objective.concurrency();
    }
    return byStep.computeIfAbsent(step, s -> resolve(s * STEP));
  }

  private double resolve(double work) {
    ServingModel model = objective.model();
    if (model.physics().isEmpty() || model.limits().isEmpty()) {
      // A table alone says nothing of other request sizes: its concurrency.
      return objective.concurrency();
    }
    RequestShape shape = model.shape();
    double scale =
        Math.min(work, (double) maxTotalTokens / (shape.promptTokens() + shape.outputTokens()));
    RequestShape scaled =
        new RequestShape(
            (int) Math.max(1, Math.round(shape.promptTokens() * scale)),
            (int) Math.max(1, Math.round(shape.outputTokens() * scale)));
    // As the physics scales it, from the model's own figure (a measured table's stays the anchor).
    double base = this.base;
    if (Double.isNaN(base)) {
      base = derived(model, shape);
      this.base = base;
    }
    return objective.concurrency() * derived(model, scaled) / base;
  }

  /** The physics' own concurrency at the model's request shape, once worked out. */
  private volatile double base = Double.NaN;

  private double derived(ServingModel model, RequestShape shape) {
    ServingModel at = ServingModel.derived(model.physics().get(), model.limits().get(), shape, "");
    // Requests so large that one alone misses the objective: a copy can do no better than one.
    return objective.within(at).orElse(1);
  }
}
