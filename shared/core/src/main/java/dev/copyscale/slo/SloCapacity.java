package dev.copyscale.slo;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.catalog.ModelProfile;
import dev.copyscale.serving.Quantile;
import dev.copyscale.serving.RequestSizes;
import dev.copyscale.serving.ServingModel;
import dev.copyscale.serving.ServingProfile;
import dev.copyscale.serving.SloObjective;
import dev.copyscale.serving.TgiLimits;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Slo;
import dev.copyscale.spec.ModelDtype;
import dev.copyscale.spec.ServingQueries;
import java.time.Duration;
import java.util.Optional;

/**
 * What one copy of an {@code engine: slo} deployment can carry within its objective, from the
 * serving model (a measured table, or derived from the model's and GPUs' figures), TGI's token
 * budget and the instance (docs/slo.md, "Capacity from the objective").
 *
 * @param objective the objective resolved against the serving model: the concurrency per copy at
 *     which the model reaches it
 * @param byWork the same for requests larger or smaller than the model's request shape
 * @param maxBatchTotalTokens TGI's MAX_BATCH_TOTAL_TOKENS: the tokens a copy's running batch may
 *     hold
 * @param z the standard normal quantile of the attainment: the headroom for the load's randomness
 * @param copiesPerInstance copies one instance holds
 * @param leadTime how long new capacity takes to serve (the spec's, else estimated from the model's
 *     size)
 * @param unit what the engine adds, holds and releases capacity in
 */
public record SloCapacity(
    Slo slo,
    SloObjective objective,
    ObjectiveByWork byWork,
    int maxBatchTotalTokens,
    double z,
    int copiesPerInstance,
    Duration leadTime,
    Unit unit) {

  /** What engine slo adds, holds and releases capacity in (docs/slo.md, "The plan"). */
  public enum Unit {
    /**
     * Whole instances filled with the component's copies: the single form, where the deployment
     * pays for every instance its copies need and copies on an instance already held cost nothing.
     */
    INSTANCE,
    /**
     * Copies: a component of an endpoint shared with others, whose arbiter places every component's
     * copies and decides the instances (docs/endpoints.md): room on an instance is the siblings' as
     * much as its own, so it wishes the copies its load needs, not whole instances of them.
     */
    COPY
  }

  /**
   * The start-up of a new instance, from AWS's measurement of a new GPU instance (ML blog on
   * container caching, 2026-06-16): 134 s to provision it and start the cached container, the
   * weights downloaded at 213 MB/s (16.4 GB in 77 s) and loaded at 2.9 s per GB; plus a minute for
   * the load to show in SageMaker's one-minute metrics and be acted on.
   */
  static final Duration INSTANCE_START = Duration.ofSeconds(134);

  static final double DOWNLOAD_GB_PER_SECOND = 0.213;
  static final double LOAD_SECONDS_PER_GB = 2.9;
  static final Duration SIGNAL = Duration.ofSeconds(60);

  /** ASSUMED for a model copyscale cannot size (set scaling.slo.leadTime): a 30 GB model. */
  static final double UNKNOWN_MODEL_GB = 30;

  /**
   * The capacity of a spec that passed validation (which refuses an slo spec whose copies nothing
   * describes, or with an unreachable objective, by the same {@link SloObjective#resolve}).
   */
  public static SloCapacity of(DeploymentSpec spec, Catalog catalog) {
    Slo slo =
        spec.scaling()
            .slo()
            .orElseThrow(() -> new IllegalStateException(spec.name() + ": scaling.slo is missing"));
    DeploymentSpec.Component c = spec.component();
    SloObjective.Resolution resolution =
        SloObjective.resolve(
            ServingQueries.forSpec(
                spec, catalog, Optional.empty(), Optional.empty(), true, Optional.empty()),
            slo.ttft(),
            slo.itl());
    SloObjective objective =
        resolution
            .objective()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        spec.name() + ": " + resolution.field() + ": " + resolution.problem()));
    ServingModel model = objective.model();
    // TGI sizes its batch from the GPUs' free memory wherever the model's and GPUs' figures are
    // known (a measured table's copies too); a measured table alone gives only the concurrencies
    // it was measured at.
    TgiLimits limits =
        model
            .limits()
            .orElseGet(() -> TgiLimits.of(c.env(), model.profile(), c.modelId(), catalog));
    InstanceType type =
        catalog
            .instanceType(spec.endpoint().instanceType())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        spec.name()
                            + ": endpoint.instanceType "
                            + spec.endpoint().instanceType()
                            + " is not in the catalog"));
    int perInstance =
        Math.max(
            1,
            type.copiesPerInstance(
                c.resources().accelerators(), c.resources().cpus(), c.resources().memoryMb()));
    Duration lead = slo.leadTime().orElseGet(() -> estimatedLeadTime(spec, catalog));
    return new SloCapacity(
        slo,
        objective,
        new ObjectiveByWork(
            objective,
            limits.maxTotalTokens(),
            slo.requestTail().map(RequestSizes::of).orElse(RequestSizes.DEFAULT),
            slo.attainment()),
        limits.maxBatchTotalTokens(),
        Quantile.normal(slo.attainment()),
        perInstance,
        lead,
        spec.shared() ? Unit.COPY : Unit.INSTANCE);
  }

  /** New-instance start-up for this model's weights (see {@link #INSTANCE_START}). */
  public static Duration estimatedLeadTime(DeploymentSpec spec, Catalog catalog) {
    double gb = weightsGigabytes(spec, catalog).orElse(UNKNOWN_MODEL_GB);
    double seconds =
        INSTANCE_START.toSeconds()
            + gb / DOWNLOAD_GB_PER_SECOND
            + gb * LOAD_SECONDS_PER_GB
            + SIGNAL.toSeconds();
    return Duration.ofSeconds(Math.round(seconds));
  }

  private static Optional<Double> weightsGigabytes(DeploymentSpec spec, Catalog catalog) {
    Optional<ModelProfile> known = catalog.model(spec.component().modelId());
    if (known.isPresent()) {
      return ModelDtype.byName(known.get().dtype())
          .map(d -> known.get().parametersBillions() * d.bytesPerParameter());
    }
    return spec.component()
        .model()
        .flatMap(
            m ->
                ModelDtype.byName(m.dtype())
                    .map(d -> m.parametersBillions() * d.bytesPerParameter()));
  }

  /** The lead time in whole minutes, rounded up. */
  public int leadMinutes() {
    return (int) Math.ceil(leadTime.toSeconds() / 60.0);
  }

  /** The scale-in window in whole minutes, at least one. */
  public int windowMinutes() {
    return (int) Math.max(1, slo.scaleInWindow().toMinutes());
  }

  /**
   * How long a window of history a decision reads: the scale-in window and the minutes the request
   * size needs, and two weeks for daily and weekly patterns (SageMaker's one-minute metrics are
   * kept 15 days).
   */
  public Duration historyNeeded() {
    Duration window = slo.scaleInWindow().plusMinutes(RequestSize.MIN_SAMPLES);
    Duration patterns = Duration.ofDays(14);
    return slo.forecast() && patterns.compareTo(window) > 0 ? patterns : window;
  }

  /** The serving model's figures as a table. */
  public ServingProfile profile() {
    return objective.model().profile();
  }

  /** How request sizes are taken to spread around their mean. */
  public RequestSizes sizes() {
    return byWork.sizes();
  }

  /**
   * Whether the copies are planned for the attainment's requests of that spread (wherever the
   * model's and GPUs' figures are known); else for the serving model's request shape.
   */
  public boolean plansTail() {
    return byWork.plansTail();
  }

  /**
   * Whether the attainment's requests of {@code work} times the profile's size miss the objective
   * even one at a time on a copy: no number of copies meets it, and each is planned at one request.
   */
  public boolean tailUnreachable(double work) {
    return byWork.concurrency(work) < 1;
  }

  /**
   * The concurrency per copy at which the serving model reaches the objective for requests of its
   * own shape, all alike (the figure spec validation checks; {@link #perCopy} plans the tail).
   */
  public double objectiveConcurrency() {
    return objective.concurrency();
  }

  /** Tokens of the profile's request (its measured load's input plus output). */
  public int referenceRequestTokens() {
    return profile().referenceInputTokens() + profile().referenceOutputTokens();
  }

  /**
   * Requests one copy runs at once within the objective, for requests {@code work} times the
   * profile's size on average: the lower of the concurrency at which the attainment's share of
   * requests of that mean and {@link #sizes}' spread still meets the objective ({@link
   * ObjectiveByWork}) and the batch TGI's token budget holds (beyond it requests queue and wait for
   * a slot), less the spec's {@code slo.headroom}.
   */
  public double perCopy(double work) {
    double byTokens = maxBatchTotalTokens / (work * referenceRequestTokens());
    // An expert's headroom plans each copy below that.
    return Math.max(1, Math.min(byWork.concurrency(work), byTokens) / (1 + slo.headroom()));
  }

  /**
   * Copies for {@code demand} requests in flight: requests in flight are Poisson-distributed
   * (M/G/∞), so their count stays within demand + z·√demand with the attainment's probability, and
   * that many must fit {@code perCopy} each.
   */
  public int copiesFor(double demand, double perCopy) {
    if (demand <= 0) {
      return 0;
    }
    return (int) Math.ceil((demand + z * Math.sqrt(demand)) / perCopy - 1e-9);
  }

  /**
   * Copies for a peak of requests in flight as the copies counted it: its randomness is in it
   * already.
   */
  public int copiesForPeak(double peak, double perCopy) {
    return peak <= 0 ? 0 : (int) Math.ceil(peak / perCopy - 1e-9);
  }

  /** Whole instances for {@code copies}. */
  public int instancesFor(int copies) {
    return (copies + copiesPerInstance - 1) / copiesPerInstance;
  }

  /** Copies in one {@link #unit}: an instance's worth, or one. */
  public int copiesPerUnit() {
    return unit == Unit.COPY ? 1 : copiesPerInstance;
  }

  /** The units {@code copies} take: whole instances ({@link #instancesFor}), or the copies. */
  public int unitsFor(int copies) {
    return (copies + copiesPerUnit() - 1) / copiesPerUnit();
  }

  /**
   * How long one request of {@code work} times the profile's size takes on a copy at {@code
   * concurrency}.
   */
  public double serviceMs(double concurrency, double work) {
    return profile()
        .serviceMs(concurrency, (int) Math.round(work * profile().referenceOutputTokens()));
  }
}
