package dev.copyscale.twin.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.serving.ServingProfile;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.sagemaker.SageMakerState;
import dev.copyscale.twin.serving.Serving;
import dev.copyscale.twin.traffic.Synthetic;
import dev.copyscale.twin.traffic.Trace;
import dev.copyscale.twin.world.TwinWorld;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The simulator on the twin alone (no copyscale functions: native policies and fixed copies), so
 * the checks are about the twin itself: start-up times, native target tracking's reaction time,
 * failures as SageMaker reports them, determinism.
 */
class SimulationTest {
  static final ServingProfile LLAMA = ServingProfile.llama3OnA10G();

  /**
   * Before the Azure trace's evening hour, inside the scheduled example's peak window (17:00-21:00
   * UTC).
   */
  static final Instant START = Instant.parse("2023-11-16T17:30:00Z");

  /**
   * The example spec, changed by {@code edit}, deployed on a fresh world with 20 minutes of
   * reconciling.
   */
  static Deployed deploy(String example, Consumer<ObjectNode> edit) throws IOException {
    ObjectNode tree =
        (ObjectNode)
            SpecParser.toTree(Files.readString(RepoFiles.path("examples/simulate/" + example)));
    edit.accept(tree);
    DeploymentSpec spec = SpecParser.parse(tree).orThrow();
    TwinWorld world = TwinWorld.fresh(START);
    new TwinStack(world, world.stateTable()).deploy(tree);
    return new Deployed(world, spec);
  }

  record Deployed(TwinWorld world, DeploymentSpec spec) {
    Simulation simulation(Simulation.Options options) {
      return new Simulation(
          world, Stack.NONE, spec, spec.name() + ".yaml", Serving.forSpec(spec), options);
    }

    Simulation simulation() {
      return simulation(Simulation.Options.defaults());
    }

    SageMakerState.Component component() {
      return world.sageMaker().state().components().get(spec.component().name());
    }
  }

  /** Requests of the table's shape (550 in, 175 out) at a constant rate. */
  static Trace constant(double perSecond, Duration span) {
    return constant(perSecond, span, 0);
  }

  /**
   * As {@link #constant(double, Duration)}, with every {@code tooLongEvery}-th request (none for 0)
   * too long for the examples' TGI limits: alternately a prompt over MAX_INPUT_LENGTH 7168, and a
   * prompt within it whose output takes it over MAX_TOTAL_TOKENS 8192.
   */
  static Trace constant(double perSecond, Duration span, int tooLongEvery) {
    int n = (int) (perSecond * span.toSeconds());
    long[] at = new long[n];
    int[] prompt = new int[n];
    int[] output = new int[n];
    for (int i = 0; i < n; i++) {
      at[i] = (long) (i * 1e6 / perSecond);
      boolean tooLong = tooLongEvery > 0 && i % tooLongEvery == tooLongEvery - 1;
      boolean overInput = i / Math.max(1, tooLongEvery) % 2 == 0;
      prompt[i] = !tooLong ? 550 : overInput ? 7169 : 7158;
      output[i] = tooLong && !overInput ? 8192 : 175;
    }
    return new Trace(at, prompt, output);
  }

  @Test
  void copiesNeverServeBeforeTheirStartUpTimeHasPassed() throws IOException {
    Deployed d = deploy("scheduled.yaml", tree -> {});
    d.world().advance(Duration.ofMinutes(20), Stack.NONE);
    Instant asked = d.world().clock().instant();
    d.world()
        .sageMaker()
        .updateInferenceComponentRuntimeConfig(
            b ->
                b.inferenceComponentName(d.spec().component().name())
                    .desiredRuntimeConfig(c -> c.copyCount(11)));
    Simulation sim = d.simulation();
    SimulationResult result = sim.run(constant(6, Duration.ofMinutes(20)), n -> {});

    Map<String, Instant> firstServed = sim.copiesFirstServed();
    assertThat(firstServed).hasSize(11);
    for (SageMakerState.Copy copy : d.component().copies()) {
      assertThat(firstServed.get(copy.id()))
          .as("copy %s ready at %s", copy.id(), copy.readyAt())
          .isAfterOrEqualTo(copy.readyAt());
    }
    // Two instances hold the 8 copies there were; the three new ones wait for a third instance, its
    // image and the model.
    List<Instant> late =
        d.component().copies().stream()
            .map(c -> c.readyAt())
            .filter(t -> t.isAfter(asked))
            .toList();
    var timings = d.world().timings();
    assertThat(late)
        .hasSize(3)
        .allSatisfy(
            t ->
                assertThat(Duration.between(asked, t))
                    .isGreaterThanOrEqualTo(timings.instanceProvisioning().plus(timings.load(0))));
    assertThat(result.timeline().get(0).servingCopies()).isEqualTo(8);
    assertThat(result.timeline().get(result.timeline().size() - 1).servingCopies()).isEqualTo(11);
  }

  @Test
  void nativeTargetTrackingNeedsAboutThreeMinutesOfSustainedLoadBeforeScalingOut()
      throws IOException {
    Deployed d = deploy("native-target-tracking.yaml", tree -> {});
    // 10 minutes at 1 request/s (30 invocations per copy per minute, under the target of 60), then
    // 4/s.
    Trace trace = Synthetic.parse("synthetic:step:base=1,peak=4,at=10m,length=20m,duration=30m", 7);
    Simulation sim = d.simulation();
    SimulationResult result = sim.run(trace, n -> {});

    List<MinutePoint> t = result.timeline();
    int firstRise = -1;
    for (int i = 0; i < t.size(); i++) {
      if (t.get(i).desiredCopies() > 2) {
        firstRise = i;
        break;
      }
    }
    assertThat(t.subList(0, 10)).allSatisfy(m -> assertThat(m.desiredCopies()).isEqualTo(2));
    // AlarmHigh needs 3 one-minute datapoints above the target: the minute that raises the copies
    // is the 3rd or 4th after the step.
    assertThat(firstRise).as("minute in which target tracking first scaled out").isBetween(12, 14);
    assertThat(result.summary().scalingActions()).isPositive();
    assertThat(d.world().autoScaling().state().activities())
        .anySatisfy(a -> assertThat(a.cause()).contains("AlarmHigh"));
  }

  @Test
  void withNoCopyEveryRequestFailsAsNoCapacity() throws IOException {
    Deployed d =
        deploy(
            "orchestrated-high-res.yaml",
            tree -> ((ObjectNode) tree.get("component")).put("copies", 0));
    SimulationResult result = d.simulation().run(constant(2, Duration.ofMinutes(2)), n -> {});
    assertThat(result.summary().requests()).isEqualTo(240);
    assertThat(result.summary().failedRequests()).isEqualTo(240);
    assertThat(result.summary().failuresByType()).containsOnlyKeys(ServingEngine.NO_CAPACITY);
    assertThat(result.summary().sloAttainment()).isZero();
    assertThat(result.summary().latencyP50Ms()).isNaN();
  }

  @Test
  void overloadTimesOutAtSixtySecondsAndNothingTakesLonger() throws IOException {
    Deployed d =
        deploy(
            "scheduled.yaml",
            tree -> {
              ((ObjectNode) tree.get("component")).put("copies", 1);
              ((ObjectNode) tree.get("scaling")).remove("schedules");
            });
    // One copy carries about 2 requests/s of this shape; 6/s overloads it.
    SimulationResult result = d.simulation().run(constant(6, Duration.ofMinutes(5)), n -> {});
    assertThat(result.summary().failuresByType()).containsKey(ServingEngine.TIMED_OUT);
    assertThat(result.summary().latencyP99Ms()).isLessThanOrEqualTo(60_000 * 1.001);
    assertThat(result.summary().failedRequests()).isGreaterThan(result.summary().requests() / 3);
  }

  @Test
  void aLightLoadIsServedAtTheMeasuredLatency() throws IOException {
    Deployed d = deploy("scheduled.yaml", tree -> {});
    // 0.2 requests/s on 8 copies: almost always alone in its batch, so TTFT ~139 ms and 175 tokens
    // at ~30 ms.
    SimulationResult result = d.simulation().run(constant(0.2, Duration.ofMinutes(30)), n -> {});
    assertThat(result.summary().failedRequests()).isZero();
    assertThat(result.summary().ttftP50Ms()).isCloseTo(LLAMA.ttftMs(1), within(15.0));
    assertThat(result.summary().latencyP50Ms())
        .isCloseTo(LLAMA.serviceMs(1, 175), within(LLAMA.serviceMs(1, 175) * 0.05));
    assertThat(result.summary().sloAttainment()).isEqualTo(1.0);
    // 8 copies held for every simulated minute (the run ends with the minute its last request
    // finished in).
    assertThat(result.summary().copyHours())
        .isCloseTo(8 * result.timeline().size() / 60.0, within(1e-9));
  }

  @Test
  void theSameTraceSpecAndSeedGiveTheSameResult() throws IOException {
    Consumer<ObjectNode> random =
        tree -> ((ObjectNode) tree.get("endpoint")).put("routing", "RANDOM");
    Trace trace =
        Synthetic.parse("synthetic:bursts:base=2,burst=12,every=5m,length=1m,duration=20m", 3);
    SimulationResult a =
        deploy("native-target-tracking.yaml", random).simulation().run(trace, n -> {});
    SimulationResult b =
        deploy("native-target-tracking.yaml", random).simulation().run(trace, n -> {});
    assertThat(a).isEqualTo(b);
    SimulationResult other =
        deploy("native-target-tracking.yaml", random)
            .simulation(new Simulation.Options(99, 2000, 0, 0.99, Duration.ofSeconds(60)))
            .run(trace, n -> {});
    // Another seed routes differently: the results differ (the p99 alone may sit at the 60 s
    // timeout either way).
    assertThat(other.summary()).isNotEqualTo(a.summary());
  }

  @Test
  void aTimePerOutputTokenObjectiveCountsOnlyRequestsThatMeetBoth() throws IOException {
    Trace trace = constant(3, Duration.ofMinutes(5));
    Summary ttftOnly =
        deploy("native-target-tracking.yaml", tree -> {})
            .simulation()
            .run(trace, n -> {})
            .summary();
    java.util.function.DoubleFunction<Summary> withItl =
        itl -> {
          try {
            return deploy("native-target-tracking.yaml", tree -> {})
                .simulation(new Simulation.Options(1, 2000, itl, 0.99, Duration.ofSeconds(60)))
                .run(trace, n -> {})
                .summary();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };
    assertThat(ttftOnly.sloAttainment()).isGreaterThan(0.9);
    // A generous ITL changes nothing; one below what a token takes fails every request; one
    // between counts fewer than the TTFT alone.
    assertThat(withItl.apply(10_000).sloAttainment()).isEqualTo(ttftOnly.sloAttainment());
    assertThat(withItl.apply(1).sloAttainment()).isZero();
    Summary tight = withItl.apply(ttftOnly.latencyP50Ms() / 175 * 0.9);
    assertThat(tight.sloItlMs()).isPositive();
    assertThat(tight.sloAttainment()).isBetween(0.0, ttftOnly.sloAttainment());
    assertThat(tight.sloAttainment()).isLessThan(ttftOnly.sloAttainment());
  }

  @Test
  void sageMakersMetricsReachCloudWatchAtTenSecondResolution() throws IOException {
    Deployed d = deploy("scheduled.yaml", tree -> {});
    Instant from = d.world().clock().instant();
    SimulationResult result = d.simulation().run(constant(3, Duration.ofMinutes(5)), n -> {});
    Instant to = d.world().clock().instant();
    String component = d.spec().component().name();
    java.util.function.BiFunction<String, String, List<Double>> query =
        (metric, stat) ->
            d.world()
                .cloudWatch()
                .getMetricData(
                    b ->
                        b.startTime(from)
                            .endTime(to)
                            .scanBy("TimestampAscending")
                            .metricDataQueries(
                                q ->
                                    q.id("m")
                                        .metricStat(
                                            m ->
                                                m.period(10)
                                                    .stat(stat)
                                                    .metric(
                                                        x ->
                                                            x.namespace("AWS/SageMaker")
                                                                .metricName(metric)
                                                                .dimensions(
                                                                    dim ->
                                                                        dim.name(
                                                                                "InferenceComponentName")
                                                                            .value(component))))))
                .metricDataResults()
                .get(0)
                .values();
    double invocations =
        query.apply("Invocations", "Sum").stream().mapToDouble(Double::doubleValue).sum();
    assertThat(invocations).isEqualTo(result.summary().requests());
    List<Double> concurrency = query.apply("ConcurrentRequestsPerCopy", "Average");
    // One datapoint every 10 s for the whole run; 3 requests/s of ~5.3 s each over 8 copies: about
    // 2 per copy.
    assertThat(concurrency).hasSizeGreaterThanOrEqualTo(30);
    assertThat(concurrency.subList(5, 25)).allSatisfy(v -> assertThat(v).isBetween(1.0, 3.0));
    assertThat(query.apply("DesiredCopyCount", "Maximum"))
        .isNotEmpty()
        .allSatisfy(v -> assertThat(v).isEqualTo(8.0));
    assertThat(
            query.apply("ModelLatency", "SampleCount").stream()
                .mapToDouble(Double::doubleValue)
                .sum())
        .isEqualTo(result.summary().requests());
  }

  @Test
  void highResolutionTargetTrackingScalesOutWithinAMinute() throws IOException {
    Deployed d =
        deploy(
            "native-target-tracking.yaml",
            tree ->
                ((ObjectNode) tree.get("scaling").get("targetTracking"))
                    .put(
                        "metric",
                        "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution")
                    .put("target", 5));
    // About 1.3 requests in flight per copy at 0.5/s; about 10 at 4/s from minute 10.
    SimulationResult result =
        d.simulation()
            .run(
                Synthetic.parse("synthetic:step:base=0.5,peak=4,at=10m,length=10m,duration=20m", 7),
                n -> {});
    List<MinutePoint> t = result.timeline();
    // (AlarmLow may scale in before the step: the deploy's idle minutes published
    // ConcurrentRequestsPerCopy 0.)
    // AlarmHigh needs 3 ten-second datapoints above the target, visible 10 s after each ends: the
    // copies rise in the step's own minute.
    assertThat(t.get(10).desiredCopies()).isGreaterThan(t.get(9).desiredCopies());
  }
}
