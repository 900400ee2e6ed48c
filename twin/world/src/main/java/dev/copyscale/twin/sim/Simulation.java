package dev.copyscale.twin.sim;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.serving.ClosedLoop;
import dev.copyscale.serving.CopyPhysics;
import dev.copyscale.serving.Efficiencies;
import dev.copyscale.serving.RequestShape;
import dev.copyscale.serving.ServingProfile;
import dev.copyscale.serving.TgiLimits;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.sagemaker.TwinTimings;
import dev.copyscale.twin.serving.Serving;
import dev.copyscale.twin.traffic.Trace;
import dev.copyscale.twin.world.TwinWorld;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import org.HdrHistogram.Histogram;

/**
 * One spec, deployed in a twin world, replaying a trace through its {@link ServingEngine}: the
 * figures the side-by-side table and the report show (latency and time-to-first-token percentiles,
 * failures by type, SLO attainment, copy- and instance-hours, cost, scaling actions, time from a
 * load rise to enough capacity), a per-minute timeline, and the inputs the figures rest on.
 */
public final class Simulation implements ServingEngine.Listener {
  /**
   * @param seed the routing's random choices
   * @param sloTtftMs the time-to-first-token objective for SLO attainment
   * @param sloItlMs the time-per-output-token objective (after the first token), 0 for none: a
   *     request within the objective meets both
   * @param sloAttainment the share of requests that must meet it: the objective of a spec that
   *     states none of its own (engine slo states its {@code scaling.slo})
   * @param invocationTimeout how long SageMaker waits for the container (60 s for real-time
   *     endpoints)
   */
  public record Options(
      long seed,
      double sloTtftMs,
      double sloItlMs,
      double sloAttainment,
      Duration invocationTimeout) {
    public static Options defaults() {
      return new Options(1, 2000, 0, 0.99, ServingEngine.Options.SAGEMAKER_TIMEOUT);
    }
  }

  /**
   * Where the objective of a spec without engine slo's comes from: simulate's --slo-ttft,
   * --slo-itl, --slo-attainment.
   */
  public static final String RUN_OBJECTIVE = "simulate";

  /** Where engine slo's objective comes from. */
  public static final String SPEC_OBJECTIVE = "scaling.slo";

  private static final long MINUTE = 60_000_000L;
  private static final long HISTOGRAM_MAX_MS = 3_600_000L;
  private static final int PROGRESS_EVERY = 1 << 15;

  private final TwinWorld world;
  private final Stack stack;
  private final DeploymentSpec spec;
  private final String specFile;
  private final Serving serving;
  private final Options options;
  private final List<Input> inputs = new ArrayList<>();
  private ServingEngine engine;
  private double copyRequestsPerSecond;
  private ServingSummary servingSummary;

  // Whole-run figures.
  private final Histogram latencyMs = new Histogram(HISTOGRAM_MAX_MS, 3);
  private final Histogram ttftMs = new Histogram(HISTOGRAM_MAX_MS, 3);
  private final TreeMap<String, Long> failures = new TreeMap<>();
  private long failed;

  /**
   * The objective every spec of a run is judged by (its options), and the one the spec states
   * (engine slo's own; the same tally when they are the same objective).
   */
  private ObjectiveTally judged;

  private ObjectiveTally stated;
  private String statedSource;

  /**
   * Output tokens of each request in flight, by the engine's id (ids are reused), negative when the
   * model's token limits refuse the request.
   */
  private int[] outputTokensById = new int[1024];

  // Whole 10-second periods, summed exactly and turned into hours once.
  private long copyPeriods;
  private long instancePeriods;
  private int scalingActions;
  private int lastDesired = -1;
  private final List<CapacityRise> rises = new ArrayList<>();
  private Instant riseStart;
  private Instant riseEnough;

  /** The first of the minutes in a row, up to the last, that missed the objective; null if none. */
  private Instant missStart;

  // The current minute.
  private final Histogram minuteLatencyMs = new Histogram(HISTOGRAM_MAX_MS, 2);
  private final Histogram minuteTtftMs = new Histogram(HISTOGRAM_MAX_MS, 2);
  private long minuteArrivals;
  private long minuteCompleted;
  private long minuteFailed;
  private double minuteConcurrency;
  private final List<MinutePoint> timeline = new ArrayList<>();

  public Simulation(
      TwinWorld world,
      Stack stack,
      DeploymentSpec spec,
      String specFile,
      Serving serving,
      Options options) {
    this.world = world;
    this.stack = stack;
    this.spec = spec;
    this.specFile = specFile;
    this.serving = serving;
    this.options = options;
  }

  /** Adds an input the caller knows about (the trace, above all); it is listed first. */
  public Simulation withInput(Input input) {
    inputs.add(input);
    return this;
  }

  /** When each copy started its first request (after {@link #run}). */
  public Map<String, Instant> copiesFirstServed() {
    return engine.copiesFirstServed();
  }

  /**
   * Replays the trace from the world's next 10-second boundary until every request has finished and
   * the minute it finished in has ended, reporting the requests sent so far to {@code progress}.
   */
  public SimulationResult run(Trace trace, LongConsumer progress) {
    start(
        new ServingEngine(world, stack, spec.component().name(), serving, engineOptions(), this),
        trace);
    int n = trace.size();
    for (int i = 0; i < n; i++) {
      engine.runUntil(trace.arrivalMicros(i));
      submit(trace, i);
      if (((i + 1) & (PROGRESS_EVERY - 1)) == 0) {
        progress.accept(i + 1);
      }
    }
    engine.drain();
    engine.runUntil(endOfRun(engine, trace));
    progress.accept(n);
    return finish(n);
  }

  /** How the engine serving this spec's component is set up. */
  ServingEngine.Options engineOptions() {
    return new ServingEngine.Options(options.seed(), options.invocationTimeout());
  }

  /**
   * To the end of the minute in which the last request finished, or the trace ended if later (and
   * at least the first minute).
   */
  static long endOfRun(ServingEngine engine, Trace trace) {
    long end =
        Math.floorDiv(Math.max(engine.now(), trace.endMicros()) + MINUTE - 1, MINUTE) * MINUTE;
    return Math.max(end, MINUTE);
  }

  /**
   * Begins the run on {@code engine} (which reports to this simulation) for {@code trace}: the
   * copy's capacity for the trace's mean request, the serving summary, the inputs, the objectives.
   */
  void start(ServingEngine engine, Trace trace) {
    this.engine = engine;
    // A copy's capacity for the trace's mean request: the batch the token budget allows, at the
    // serving model's pace.
    double meanOutputTokens = 0;
    double meanPromptTokens = 0;
    for (int i = 0; i < trace.size(); i++) {
      meanOutputTokens += trace.outputTokens(i);
      meanPromptTokens += trace.promptTokens(i);
    }
    meanOutputTokens /= Math.max(1, trace.size());
    meanPromptTokens /= Math.max(1, trace.size());
    RequestShape mean =
        new RequestShape(
            (int) Math.max(1, Math.round(meanPromptTokens)),
            (int) Math.max(1, Math.round(meanOutputTokens)));
    int sustainable = sustainable(mean);
    copyRequestsPerSecond = copyRequestsPerSecond(mean, sustainable);
    servingSummary = servingSummary(mean, sustainable);
    describeInputs(sustainable);
    objectives();
  }

  /** Request {@code i} of {@code trace} arrives now (the engine has been run to its arrival). */
  void submit(Trace trace, int i) {
    minuteArrivals++;
    int prompt = trace.promptTokens(i);
    int output = trace.outputTokens(i);
    // Known before submitting: a request the engine refuses finishes within submit.
    int id = engine.nextId();
    if (id >= outputTokensById.length) {
      outputTokensById = Arrays.copyOf(outputTokensById, Math.max(id + 1, id * 2));
    }
    outputTokensById[id] = engine.limits().refuses(prompt, output) ? -1 : output;
    engine.submit(prompt, output);
  }

  /** Ends the run of {@code requests} requests, once the engine has run to its end. */
  SimulationResult finish(long requests) {
    if (riseStart != null) {
      endRise(engine.at(engine.now()), null);
    }
    return new SimulationResult(summary(requests), List.copyOf(timeline), List.copyOf(inputs));
  }

  /**
   * The objective the run judges every spec by, and the one the spec states: engine slo's {@code
   * scaling.slo}, else the run's.
   */
  private void objectives() {
    long startUp = newInstanceStartUp(world.timings()).toNanos() / 1000;
    judged =
        new ObjectiveTally(
            options.sloTtftMs(), options.sloItlMs(), options.sloAttainment(), startUp);
    stated = judged;
    statedSource = RUN_OBJECTIVE;
    DeploymentSpec.Scaling scaling = spec.scaling();
    if (scaling != null
        && scaling.engine() == DeploymentSpec.Engine.SLO
        && scaling.slo().isPresent()) {
      DeploymentSpec.Slo slo = scaling.slo().get();
      double ttft = slo.ttft().map(d -> d.toNanos() / 1e6).orElse(Double.POSITIVE_INFINITY);
      double itl = slo.itl().map(d -> d.toNanos() / 1e6).orElse(0.0);
      statedSource = SPEC_OBJECTIVE;
      if (!judged.sameObjective(ttft, itl, slo.attainment())) {
        stated = new ObjectiveTally(ttft, itl, slo.attainment(), startUp);
      }
    }
  }

  /**
   * How long a copy on a new instance takes from being asked for to serving: provisioning, then the
   * download (beside an image pull when the image is not cached) and the load.
   */
  private Duration newInstanceStartUp(TwinTimings t) {
    double gb = dev.copyscale.twin.sagemaker.ModelWeights.gigabytes(spec, t);
    return t.instanceProvisioning().plus(t.download(gb, !t.imageCached())).plus(t.load(gb));
  }

  /** Requests of the mean shape one copy holds at once: the batch the token budget allows. */
  private int sustainable(RequestShape mean) {
    double tokens = mean.promptTokens() + mean.outputTokens();
    int byTokens = (int) Math.floor(engine.limits().maxBatchTotalTokens() / Math.max(1, tokens));
    int cap = serving instanceof Serving.Table t ? t.profile().maxConcurrency() : Integer.MAX_VALUE;
    return Math.max(1, Math.min(cap, byTokens));
  }

  /** What one copy completes a second at that batch, for requests of the mean shape. */
  private double copyRequestsPerSecond(RequestShape mean, int sustainable) {
    if (serving instanceof Serving.Derived d) {
      return ClosedLoop.run(d.physics(), engine.limits(), mean, sustainable, 4).requestsPerMinute()
          / 60;
    }
    Serving.Table t = (Serving.Table) serving;
    return sustainable / (t.profile().serviceMs(sustainable, mean.outputTokens()) / 1000.0);
  }

  /** What served, where its figures come from, and the mean request alone and at the batch. */
  private ServingSummary servingSummary(RequestShape mean, int sustainable) {
    double ttft;
    double itl;
    if (serving instanceof Serving.Derived d) {
      ClosedLoop.Point alone = ClosedLoop.run(d.physics(), engine.limits(), mean, 1, 4);
      ttft = alone.ttftMs();
      itl = alone.itlMs();
    } else {
      // A table serves every request as its own shape.
      ServingProfile table = ((Serving.Table) serving).profile();
      ttft = table.ttftMs(1);
      itl = table.effectiveItlMs(1);
    }
    return new ServingSummary(
        serving.description(),
        serving.provenance(),
        mean.promptTokens(),
        mean.outputTokens(),
        ttft,
        itl,
        sustainable,
        copyRequestsPerSecond);
  }

  @Override
  public void finished(int request, long at, long latencyMicros, long ttftMicros, String failure) {
    int tokens = request < outputTokensById.length ? outputTokensById[request] : 0;
    judged.finished(
        tokens < 0, failure, at - latencyMicros, ttftMicros, latencyMicros - ttftMicros, tokens);
    if (stated != judged) {
      stated.finished(
          tokens < 0, failure, at - latencyMicros, ttftMicros, latencyMicros - ttftMicros, tokens);
    }
    if (failure != null) {
      failed++;
      minuteFailed++;
      failures.merge(failure, 1L, Long::sum);
      return;
    }
    long latency = Math.min((latencyMicros + 500) / 1000, HISTOGRAM_MAX_MS);
    long ttft = Math.min((ttftMicros + 500) / 1000, HISTOGRAM_MAX_MS);
    latencyMs.recordValue(latency);
    ttftMs.recordValue(ttft);
    minuteLatencyMs.recordValue(latency);
    minuteTtftMs.recordValue(ttft);
    minuteCompleted++;
  }

  @Override
  public void period(ServingEngine.Period p) {
    copyPeriods += p.copiesHeld();
    instancePeriods += p.instances();
    minuteConcurrency += p.concurrencyPerCopy() / 6;
    if (lastDesired >= 0 && p.desiredCopies() != lastDesired) {
      scalingActions++;
    }
    lastDesired = p.desiredCopies();
    if (p.end() % MINUTE == 0) {
      minute(p);
    }
  }

  private void minute(ServingEngine.Period p) {
    Instant start = engine.at(p.end() - MINUTE);
    long missed = stated.minuteMissed();
    timeline.add(
        new MinutePoint(
            start,
            minuteArrivals,
            minuteCompleted,
            minuteFailed,
            p.desiredCopies(),
            p.servingCopies(),
            p.instances(),
            minuteConcurrency,
            percentile(minuteLatencyMs, 50),
            percentile(minuteLatencyMs, 95),
            percentile(minuteTtftMs, 95),
            missed));
    boolean enough = p.servingCopies() * copyRequestsPerSecond >= minuteArrivals / 60.0;
    boolean met = stated.minuteMet(minuteArrivals);
    if (stated != judged) {
      judged.minuteMet(minuteArrivals);
    }
    if (met) {
      missStart = null;
    } else if (missStart == null) {
      missStart = start;
    }
    // A rise began with the latency it cost: the first of the minutes in a row that missed the
    // objective (the copy capacity for the trace's mean request may see the shortfall later).
    if (!enough && riseStart == null) {
      riseStart = missStart != null ? missStart : start;
      riseEnough = null;
    } else if (enough && riseStart != null) {
      Instant end = engine.at(p.end());
      if (riseEnough == null) {
        riseEnough = end;
      }
      if (met) {
        endRise(end, end);
      }
    }
    minuteArrivals = 0;
    minuteCompleted = 0;
    minuteFailed = 0;
    minuteConcurrency = 0;
    minuteLatencyMs.reset();
    minuteTtftMs.reset();
  }

  /**
   * A rise ends: latency met the objective again at {@code metAt} (null: the trace ended first, at
   * {@code end}). Late requests in its first start-up time go under the rise's cause.
   */
  private void endRise(Instant end, Instant metAt) {
    rises.add(
        new CapacityRise(
            riseStart, riseEnough, metAt, Duration.between(riseStart, end).toMillis() / 1000.0));
    long from = engine.micros(riseStart);
    long to = engine.micros(end);
    judged.riseWindow(from, to);
    if (stated != judged) {
      stated.riseWindow(from, to);
    }
    riseStart = null;
    riseEnough = null;
  }

  private static double percentile(Histogram h, double p) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(p);
  }

  private Summary summary(long requests) {
    double price =
        Catalog.bundled()
            .instanceType(spec.endpoint().instanceType())
            .map(InstanceType::priceUsdPerHour)
            .orElse(Double.NaN);
    List<Double> seconds =
        rises.stream().filter(r -> r.metAt() != null).map(CapacityRise::seconds).sorted().toList();
    double median = seconds.isEmpty() ? 0 : seconds.get(seconds.size() / 2);
    double max = rises.stream().mapToDouble(CapacityRise::seconds).max().orElse(0);
    double copyHours = copyPeriods / 360.0;
    double instanceHours = instancePeriods / 360.0;
    return new Summary(
        spec.name(),
        specFile,
        engineDescription(),
        spec.endpoint().instanceType(),
        requests,
        failed,
        // sorted, so the JSON and the table list them in the same order every run
        Collections.unmodifiableSortedMap(new TreeMap<>(failures)),
        percentile(latencyMs, 50),
        percentile(latencyMs, 95),
        percentile(latencyMs, 99),
        percentile(ttftMs, 50),
        percentile(ttftMs, 95),
        percentile(ttftMs, 99),
        options.sloTtftMs(),
        options.sloItlMs(),
        judged.attained(),
        copyHours,
        instanceHours,
        instanceHours * price,
        scalingActions,
        List.copyOf(rises),
        median,
        max,
        servingSummary,
        stated.outcome(statedSource));
  }

  private String engineDescription() {
    DeploymentSpec.Scaling scaling = spec.scaling();
    if (scaling == null) {
      return "fixed";
    }
    List<String> parts = new ArrayList<>();
    scaling.targetTracking().ifPresent(t -> parts.add("target tracking"));
    if (!scaling.stepPolicies().isEmpty()) {
      parts.add("step");
    }
    if (!scaling.schedules().isEmpty()) {
      parts.add("schedules");
    }
    return scaling.engine().name().toLowerCase(Locale.ROOT)
        + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")");
  }

  /**
   * The start-up stages' figures for this spec's copies, each with its source (docs/simulation.md).
   */
  private java.util.List<Input> startupInputs(TwinTimings t) {
    String blog = "AWS ML blog, container caching in SageMaker AI (2026-06-16)";
    double gb = dev.copyscale.twin.sagemaker.ModelWeights.gigabytes(spec, t);
    java.util.List<Input> list = new java.util.ArrayList<>();
    list.add(
        new Input(
            "Instance provisioning",
            t.instanceProvisioning().toSeconds() + " s",
            Input.Provenance.ASSUMED,
            "split of the 134 s AWS measured for a new ml.g4dn.xlarge with a cached image and no"
                + " weights ("
                + blog
                + ")"));
    list.add(
        new Input(
            "Container start and health check, weights aside",
            t.containerStart().toSeconds() + " s",
            Input.Provenance.ASSUMED,
            "the rest of those 134 s"));
    list.add(
        new Input(
            "Container image on a new instance",
            t.imageCached() ? "cached: no pull" : "pulled: " + t.imagePull().toSeconds() + " s",
            Input.Provenance.DOCUMENTED,
            "container caching is on by default for accelerator instances; an uncached 17.7 GB"
                + " image took 333 s ("
                + blog
                + ")"));
    list.add(
        new Input(
            "Model artifacts download",
            String.format(
                Locale.ROOT,
                "%.1f GB at %.0f MB/s = %d s (%.0f MB/s beside an image pull)",
                gb,
                t.downloadMegabytesPerSecond(),
                t.download(gb, false).toSeconds(),
                t.contendedDownloadMegabytesPerSecond()),
            Input.Provenance.DOCUMENTED,
            "Qwen3-8B's 16.4 GB took 77 s with the image cached, 168 s beside the pull ("
                + blog
                + "); size from the catalog (else "
                + t.unknownModelGigabytes()
                + " GB, assumed)"));
    list.add(
        new Input(
            "Weight load",
            String.format(
                Locale.ROOT,
                "%.1f s per GB = %d s",
                t.loadSecondsPerGigabyte(),
                t.load(gb).minus(t.containerStart()).toSeconds()),
            Input.Provenance.DOCUMENTED,
            "(258 - 77 - 134) s for Qwen3-8B's 16.4 GB (" + blog + ")"));
    list.add(
        new Input(
            "Model data caching",
            spec.component().dataCache()
                ? "on: copies on an instance holding the weights skip the download"
                : "off",
            Input.Provenance.SPEC,
            "component.dataCache"));
    list.add(
        new Input(
            "Instance capacity",
            t.outOfCapacity().isEmpty()
                ? "always available"
                : "none for " + String.join(", ", t.outOfCapacity()),
            Input.Provenance.ASSUMED,
            "EC2 capacity is not modelled beyond the world's outOfCapacity list"
                + " (InsufficientInstanceCapacity)"));
    list.add(
        new Input(
            "Copy serves after SageMaker takes it",
            "new instance: "
                + newInstanceStartUp(t).toSeconds()
                + " s; running instance: "
                + t.download(gb, false).plus(t.load(gb)).toSeconds()
                + " s",
            Input.Provenance.DOCUMENTED,
            "the stages above, download and image pull in parallel as SageMaker runs them"));
    list.add(
        new Input(
            "Container health check timeout",
            spec.component().startupHealthCheckTimeoutSeconds() + " s",
            Input.Provenance.SPEC,
            "component.startupHealthCheckTimeoutSeconds: a copy whose weights and KV cache do not"
                + " fit its GPUs fails after it"));
    list.add(
        new Input(
            "Model download timeout",
            spec.component().modelDataDownloadTimeoutSeconds() + " s",
            Input.Provenance.SPEC,
            "component.modelDataDownloadTimeoutSeconds: a longer download fails the copy"));
    list.add(
        new Input(
            "Endpoint stays Updating after its instances are ready",
            t.updateSettle().toSeconds() + " s",
            Input.Provenance.ASSUMED,
            "no published figure; copy changes are refused meanwhile"));
    return list;
  }

  private void describeInputs(int sustainable) {
    TwinTimings t = world.timings();
    servingInputs().forEach(inputs::add);
    inputs.add(
        new Input(
            "Invocation timeout",
            options.invocationTimeout().toSeconds() + " s",
            Input.Provenance.DOCUMENTED,
            "SageMaker real-time endpoints: the container must answer within 60 s"));
    inputs.add(
        new Input(
            "A timed-out request frees its batch slot",
            "at the timeout",
            Input.Provenance.ASSUMED,
            "TGI stops generating for a client that disconnected"));
    inputs.add(
        new Input(
            "Routing",
            engine.leastOutstanding() ? "LEAST_OUTSTANDING_REQUESTS" : "RANDOM",
            Input.Provenance.SPEC,
            "endpoint.routing"));
    TgiLimits limits = engine.limits();
    inputs.add(tgi(limits, "MAX_INPUT_LENGTH", limits.maxInputTokens()));
    inputs.add(tgi(limits, "MAX_TOTAL_TOKENS", limits.maxTotalTokens()));
    inputs.add(tgi(limits, "MAX_BATCH_TOTAL_TOKENS", limits.maxBatchTotalTokens()));
    if (serving.promptAware()) {
      inputs.add(tgi(limits, "MAX_BATCH_PREFILL_TOKENS", limits.maxBatchPrefillTokens()));
      inputs.add(
          limits.defaulted().contains("WAITING_SERVED_RATIO")
              ? new Input(
                  "WAITING_SERVED_RATIO",
                  Double.toString(limits.waitingServedRatio()),
                  Input.Provenance.DOCUMENTED,
                  "TGI v2.0.2 to v2.0.4's default (launcher/src/main.rs; v2.0.0 and v2.0.1: 1.2)")
              : new Input(
                  "WAITING_SERVED_RATIO",
                  Double.toString(limits.waitingServedRatio()),
                  Input.Provenance.SPEC,
                  "component.env"));
      inputs.add(tgi(limits, "MAX_WAITING_TOKENS", limits.maxWaitingTokens()));
    }
    inputs.add(
        new Input(
            "Copy capacity for 'time to enough capacity'",
            String.format(
                Locale.ROOT, "%.2f requests/s (batch of %d)", copyRequestsPerSecond, sustainable),
            Input.Provenance.ASSUMED,
            "serving model at the batch the token budget allows for the trace's mean request"));
    startupInputs(t).forEach(inputs::add);
    inputs.add(
        new Input(
            "Copies started together come up apart by",
            t.copyStagger().toSeconds() + " s",
            Input.Provenance.ASSUMED,
            "twin timings"));
    dev.copyscale.twin.account.TwinDelays d = world.delays();
    inputs.add(
        new Input(
            "Metric publication",
            "event metrics in periods with events; concurrency every 10 s"
                + (d.idleConcurrencyPublished()
                    ? ", 0 when idle while copies serve"
                    : ", none when idle"),
            Input.Provenance.ASSUMED,
            "no AWS source found on what SageMaker publishes without requests; world file"
                + " delays.idleConcurrencyPublished"));
    inputs.add(
        new Input(
            "CloudWatch ingestion delay (datapoint visible to alarms and GetMetricData after its"
                + " period ends)",
            millis(d.metricIngestion()),
            Input.Provenance.ASSUMED,
            "AWS publishes no figure; world file delays.metricIngestion"));
    inputs.add(
        new Input(
            "Alarm evaluation cadence",
            "every 10 s for 10- and 30-second periods, every minute otherwise",
            Input.Provenance.DOCUMENTED,
            "CloudWatch User Guide, Evaluating an alarm (AlarmThatSendsEmail.html)"));
    inputs.add(
        new Input(
            "EventBridge delivery of an alarm state change",
            millis(d.eventDelivery()),
            Input.Provenance.ASSUMED,
            "EventBridge publishes no delivery latency; world file delays.eventDelivery"));
    inputs.add(
        new Input(
            "Lambda cold start",
            millis(d.coldStart())
                + " (warm "
                + millis(d.warmStart())
                + ", kept warm "
                + d.keepWarm().toMinutes()
                + " min)",
            Input.Provenance.MEASURED,
            "docs/benchmarks.md (bench/cold-start.sh, this machine); warm start and keep-warm"
                + " ASSUMED: world file delays"));
    InstanceType type = Catalog.bundled().instanceType(spec.endpoint().instanceType()).orElse(null);
    inputs.add(
        type == null
            ? new Input(
                "Instance price",
                "unknown: cost not computed",
                Input.Provenance.ASSUMED,
                "not in the catalog")
            : new Input(
                "Instance price",
                String.format(Locale.ROOT, "$%.3f/h (%s)", type.priceUsdPerHour(), type.name()),
                Input.Provenance.DOCUMENTED,
                type.source()));
  }

  /** What served the requests and the figures it rests on, each with its source. */
  private List<Input> servingInputs() {
    List<Input> list = new ArrayList<>();
    if (serving instanceof Serving.Table t) {
      list.add(
          new Input(
              "Serving model (time to first token, per-token time, throughput by concurrency)",
              t.description(),
              Input.Provenance.MEASURED,
              serving.provenance()
                  + ", interpolated in log2(concurrency); per-token time fitted to the measured"
                  + " throughput (docs/simulation.md)"));
      list.add(
          new Input(
              "Prompt length's effect on time to first token",
              "none beyond the table's ~" + t.profile().referenceInputTokens() + "-token prompts",
              Input.Provenance.ASSUMED,
              "the table was measured at one prompt length; without it the derived model serves"
                  + " each request's own"));
      return list;
    }
    CopyPhysics p = ((Serving.Derived) serving).physics();
    list.add(
        new Input(
            "Serving model (each request's prefill and decode steps as TGI batches them)",
            serving.description(),
            Input.Provenance.DOCUMENTED,
            serving.provenance() + " (docs/simulation.md, The serving model)"));
    dev.copyscale.catalog.ModelProfile m = p.model();
    dev.copyscale.catalog.ModelProfile.Architecture a = m.architecture().orElseThrow();
    String modelSource = m.source();
    // The catalog's source names the config.json first, then what else it checked.
    int cut = modelSource.startsWith("config.json: ") ? modelSource.indexOf(" (") : -1;
    list.add(
        new Input(
            "Model figures",
            String.format(
                Locale.ROOT,
                "%.2fB parameters, %d layers, hidden %d, %d attention heads (%d key/value), MLP %d,"
                    + " vocabulary %d%s, %.0f bytes a weight",
                m.parametersBillions(),
                m.layers(),
                a.hiddenSize(),
                a.attentionHeads(),
                m.kvHeads(),
                a.intermediateSize(),
                a.vocabSize(),
                a.experts() > 1
                    ? ", " + a.experts() + " experts (" + a.expertsPerToken() + " a token)"
                    : "",
                p.bytesPerWeight()),
            Input.Provenance.DOCUMENTED,
            cut > 0 ? modelSource.substring(0, cut) : modelSource));
    list.add(
        new Input(
            "GPU figures",
            String.format(
                Locale.ROOT,
                "%.0f TFLOPS dense FP16, %.0f GB/s memory, %s",
                p.gpu().denseFp16Tflops(),
                p.gpu().memoryBandwidthGBs(),
                p.gpu().linkLabel()),
            Input.Provenance.DOCUMENTED,
            p.gpu().datasheet() + " (catalog accelerators.csv)"));
    list.add(
        new Input(
            "Efficiencies (share of peak FLOPs and bandwidth, overhead a step)",
            p.efficiencies().toString(),
            Input.Provenance.MEASURED,
            "calibrated once on the bundled table llama3-8b-instruct-tgi-a10g.csv"
                + (p.efficiencies().equals(Efficiencies.CALIBRATED) ? "" : " (then corrected)")));
    if (p.gpus() > 1) {
      list.add(
          new Input(
              "All-reduce latency (tensor parallelism, two a layer)",
              (p.gpu().interconnect() == dev.copyscale.catalog.Accelerator.Interconnect.NVLINK
                      ? CopyPhysics.NVLINK_ALL_REDUCE_US
                      : CopyPhysics.PCIE_ALL_REDUCE_US)
                  + " us over "
                  + p.gpu().interconnect().label(),
              Input.Provenance.ASSUMED,
              "NCCL's small all-reduces take 10-25 us; not in the calibration (one GPU)"));
    }
    list.add(
        new Input(
            "GPU memory that is neither weights nor KV cache",
            dev.copyscale.serving.ServingModels.RUNTIME_GIB_PER_GPU + " GiB a GPU",
            Input.Provenance.ASSUMED,
            "as preflight's default runtime overhead; sizes MAX_BATCH_TOTAL_TOKENS when the spec"
                + " does not set it"));
    list.add(
        new Input(
            "Prompt length's effect on time to first token",
            "each request's own: prefill FLOPs grow with its prompt (and attention with its"
                + " square)",
            Input.Provenance.DOCUMENTED,
            "derived serving model (docs/simulation.md, The serving model)"));
    return list;
  }

  private static String millis(java.time.Duration d) {
    return d.toMillis() % 1000 == 0
        ? d.toSeconds() + " s"
        : String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
  }

  private Input tgi(TgiLimits limits, String name, int value) {
    if (!limits.defaulted().contains(name)) {
      return new Input(name, Integer.toString(value), Input.Provenance.SPEC, "component.env");
    }
    if (name.equals("MAX_BATCH_TOTAL_TOKENS")) {
      return serving.promptAware()
          ? new Input(
              name,
              Integer.toString(value),
              Input.Provenance.DOCUMENTED,
              "not set in the spec: TGI v2.0.4 gives 95 % of the GPU memory the weights leave to"
                  + " the KV cache (its warmup)")
          : new Input(
              name,
              Integer.toString(value),
              Input.Provenance.ASSUMED,
              "not set in the spec: the table's highest concurrency of full-length requests");
    }
    return new Input(
        name,
        Integer.toString(value),
        Input.Provenance.DOCUMENTED,
        "not set in the spec: TGI 2.0's launcher default (launcher/src/main.rs)");
  }
}
