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
 * ({@link SloObjective#tailConcurrency}). Larger requests reach it sooner still. Prompts grow with
 * the work unless ModelLatency's rise with concurrency shows them longer still ({@link PromptSize}:
 * then they grow by their own factor), and never less (the cautious reading: a longer prompt costs
 * time to first token, a longer answer does not).
 *
 * <p>The tail never carries more than the mean request of the same size does, as the serving model
 * scales it from its own figure (a measured table stays the anchor for that: its concurrency times
 * the physics' figure at the size against the physics' own at the table's shape). A table with no
 * physics for its model or GPU says nothing of other sizes, nor of a spread: its own concurrency.
 *
 * <p>Resolved per step of {@link #STEP} of the work (a resolution runs closed loops of a few
 * thousand requests, about a tenth of a second) and kept, for each pair of the answers' and the
 * prompts' work: a deployment's works move within [0.25, 8] and settle as the history grows, so a
 * few hundred resolutions at most.
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
    return concurrency(work, work);
  }

  /**
   * As {@link #concurrency(double)}, for answers {@code work} and prompts {@code promptWork} times
   * the model's request shape.
   */
  double concurrency(double work, double promptWork) {
    long w = Math.round(work / STEP);
    long p = Math.round(promptWork / STEP);
    return byStep.computeIfAbsent(w * STEPS + p, s -> resolve(w * STEP, p * STEP));
  }

  /** Steps of the work a key holds: beyond {@link RequestSize#MAX_FACTOR} with room to spare. */
  private static final long STEPS = 1 << 20;

  private double resolve(double work, double promptWork) {
    ServingModel model = objective.model();
    if (!plansTail()) {
      return objective.concurrency();
    }
    CopyPhysics physics = model.physics().get();
    TgiLimits limits = model.limits().get();
    RequestShape shape = model.shape();
    // A mean within TGI's longest request: both sides shrunk alike when it would pass it.
    double tokens = shape.promptTokens() * promptWork + shape.outputTokens() * work;
    double fit = Math.min(1, maxTotalTokens / tokens);
    RequestShape mean =
        new RequestShape(
            (int) Math.max(1, Math.round(shape.promptTokens() * promptWork * fit)),
            (int) Math.max(1, Math.round(shape.outputTokens() * work * fit)));
    double tail = objective.tailConcurrency(physics, limits, mean, sizes, quantile);
    // The mean request of that size, as the serving model scales it from its own figure (a
    // measured table's stays the anchor): the tail never carries more than the mean request.
    double meanRequest =
        objective.concurrency() * within(physics, limits, mean) / base(physics, limits, shape);
    return Math.min(tail, meanRequest);
  }

  private volatile ServingModel atShape;

  /**
   * The model's request shape as the copy's physics and TGI's batching serve it (derived once); the
   * serving model itself where there are no physics.
   */
  ServingModel atShape() {
    ServingModel at = atShape;
    if (at == null) {
      ServingModel model = objective.model();
      at =
          plansTail()
              ? ServingModel.derived(model.physics().get(), model.limits().get(), model.shape(), "")
              : model;
      atShape = at;
    }
    return at;
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
