package dev.copyscale.slo;

import dev.copyscale.serving.CopyPhysics;
import dev.copyscale.serving.RequestShape;
import dev.copyscale.serving.RequestSizes;
import dev.copyscale.serving.ServingModel;
import dev.copyscale.serving.SloObjective;
import dev.copyscale.serving.TgiLimits;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The concurrency per copy at which the attainment's share of requests still meets the objective,
 * for requests {@code work} times the serving model's request shape on average, spread around it as
 * {@link RequestSizes} says (docs/slo.md, "Capacity from the objective"). The objective is per
 * request: with 99 % attainment it is the 99th-percentile request that must meet it, and where
 * prompts are heavy-tailed that is a long prompt, or one queued behind a long prompt's prefill,
 * which reaches the objective at far fewer requests in flight than the mean request does. So each
 * work is resolved by running the copy's physics and TGI's batching on a sample of the spread
 * ({@link SloObjective#tailConcurrency}). Larger requests reach it sooner still; SageMaker's
 * figures do not say whether prompts or answers grew, so both grow with the work (the cautious
 * reading: a longer prompt costs time to first token, a longer answer does not).
 *
 * <p>The tail never carries more than the mean request of the same size does, as the serving model
 * scales it from its own figure (a measured table stays the anchor for that: its concurrency times
 * the physics' figure at the size against the physics' own at the table's shape). A table with no
 * physics for its model or GPU says nothing of other sizes, nor of a spread: its own concurrency.
 *
 * <p>Resolved per step of {@link #STEP} of the work (a resolution runs closed loops of a few
 * thousand requests, about a tenth of a second) and kept: a deployment's work moves within [0.25,
 * 8], so at most a few hundred resolutions.
 */
final class ObjectiveByWork {
  /** The work's resolution: 5 % of the model's request shape. */
  static final double STEP = 0.05;

  private final SloObjective objective;
  private final int maxTotalTokens;
  private final RequestSizes sizes;
  private final double quantile;
  private final Map<Long, Double> byStep = new ConcurrentHashMap<>();

  /**
   * @param maxTotalTokens TGI's longest request (prompt and output), which a scaled mean stays
   *     within
   * @param sizes how request sizes spread around their mean
   * @param quantile the share of requests that must meet the objective (the attainment)
   */
  ObjectiveByWork(SloObjective objective, int maxTotalTokens, RequestSizes sizes, double quantile) {
    this.objective = objective;
    this.maxTotalTokens = maxTotalTokens;
    this.sizes = sizes;
    this.quantile = quantile;
  }

  RequestSizes sizes() {
    return sizes;
  }

  /** Whether the physics plans the tail (else a measured table's own concurrency is planned). */
  boolean plansTail() {
    return objective.model().physics().isPresent() && objective.model().limits().isPresent();
  }

  /**
   * Requests in flight a copy runs within the objective; below 1 (0) when the attainment's requests
   * miss it even alone.
   */
  double concurrency(double work) {
    return byStep.computeIfAbsent(Math.round(work / STEP), s -> resolve(s * STEP));
  }

  private double resolve(double work) {
    ServingModel model = objective.model();
    if (!plansTail()) {
      return objective.concurrency();
    }
    CopyPhysics physics = model.physics().get();
    TgiLimits limits = model.limits().get();
    RequestShape shape = model.shape();
    double scale =
        Math.min(work, (double) maxTotalTokens / (shape.promptTokens() + shape.outputTokens()));
    RequestShape mean =
        new RequestShape(
            (int) Math.max(1, Math.round(shape.promptTokens() * scale)),
            (int) Math.max(1, Math.round(shape.outputTokens() * scale)));
    double tail = objective.tailConcurrency(physics, limits, mean, sizes, quantile);
    // The mean request of that size, as the serving model scales it from its own figure (a
    // measured table's stays the anchor): the tail never carries more than the mean request.
    double meanRequest =
        objective.concurrency() * within(physics, limits, mean) / base(physics, limits, shape);
    return Math.min(tail, meanRequest);
  }

  /** The physics' own concurrency for the mean request at the model's request shape, once. */
  private volatile double base = Double.NaN;

  private double base(CopyPhysics physics, TgiLimits limits, RequestShape shape) {
    double b = base;
    if (Double.isNaN(b)) {
      b = within(physics, limits, shape);
      base = b;
    }
    return b;
  }

  /** The physics' concurrency at which requests all of {@code shape} reach the objective. */
  private double within(CopyPhysics physics, TgiLimits limits, RequestShape shape) {
    ServingModel at = ServingModel.derived(physics, limits, shape, "");
    // Requests so large that one alone misses the objective: a copy can do no better than one.
    return objective.within(at).orElse(1);
  }
}
