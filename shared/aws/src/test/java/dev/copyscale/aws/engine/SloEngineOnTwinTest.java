package dev.copyscale.aws.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.deploy.DeployService;
import dev.copyscale.aws.scaling.AlarmService;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.slo.SloCapacity;
import dev.copyscale.spec.Metric;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.account.TwinAccount;
import dev.copyscale.twin.cloudwatch.CloudWatchTwin;
import dev.copyscale.twin.eventbridge.EventBridgeTwin;
import dev.copyscale.twin.scheduler.SchedulerTwin;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * engine: slo end to end on the twin, through the step-scaling function's service as template.yaml
 * wires the function (the per-minute tick and the EventBridge rule for copyscale's alarms, the
 * twin's CloudWatch evaluating the wake-up alarms every 10 seconds). The load is published the way
 * the twin's serving engine publishes it (MetricBucket): every 10 seconds Invocations,
 * InvocationsPerCopy, ModelLatency and ConcurrentRequestsPerCopy, or NoCapacityInvocationFailures
 * when no copy serves.
 */
class SloEngineOnTwinTest {
  static final String DEPLOYMENT = "llama3-chat";
  static final String COMPONENT = "llama3-chat-ic";
  static final Pattern ADDING =
      Pattern.compile(
          "^adding: [0-9.]+ requests in flight now need (\\d+) copies at [0-9.]+ per copy for TTFT"
              + " <= 2000 ms at 99% of requests \\([^)]*\\) on [^:]+ \\(measured\\)[^:]*:"
              + " (\\d+) instances? of 4, (\\d+)"
              + " copies");

  TwinStack twin;
  TwinAccount world;
  AlarmService alarms;
  DeployService deploy;
  SloCapacity capacity;

  /** What the step-scaling function answered, with the time it ran. */
  final List<String> invocations = new ArrayList<>();

  /**
   * copyscale's functions as the template wires them: deploy's reconcile and the step-scaling tick
   * every minute, the alarm rule.
   */
  final Stack stack =
      new Stack() {
        @Override
        public void everyMinute(Instant now) {
          deploy.reconcileInProgress();
          List<ScalingResult> r = alarms.tick();
          invocations.add(now + " tick " + r);
        }

        @Override
        public void alarmStateChanged(CloudWatchTwin.StateChange change) {
          if (!change.alarmName().startsWith("copyscale-")) {
            return;
          }
          ScalingResult r =
              alarms.handle(
                  EventBridgeTwin.alarmStateChange(change, TwinAccount.ACCOUNT, TwinAccount.REGION),
                  TwinStack.ORIGIN);
          invocations.add(
              world.clock().instant() + " " + change.alarmName() + " " + change.state() + " " + r);
        }

        @Override
        public void scheduleFired(SchedulerTwin.Firing firing) {}
      };

  /** The slo example deployed and InService (09:00), with {@code minCopies}. */
  void deployed(int minCopies) {
    ObjectNode spec = (ObjectNode) TwinStack.json("deploy-llama3-8b-slo.json").deepCopy();
    ((ObjectNode) spec.get("scaling")).put("minCopies", minCopies);
    twin = TwinStack.deployed(spec);
    world = twin.account();
    capacity =
        SloCapacity.of(
            SpecParser.parse(spec).spec().orElseThrow(), dev.copyscale.catalog.Catalog.bundled());
    alarms = twin.services().alarms();
    deploy = twin.services().deploy();
  }

  /**
   * {@code inFlight} requests in flight for {@code duration}, published every 10 seconds as
   * SageMaker does.
   */
  void load(double inFlight, Duration duration) {
    Instant end = world.clock().instant().plus(duration);
    while (world.clock().instant().isBefore(end)) {
      publish(inFlight);
      world.advance(Duration.ofSeconds(10), stack);
    }
  }

  /** Nothing arrives: SageMaker publishes only its gauges (the world does that itself). */
  void idle(Duration duration) {
    world.advance(duration, stack);
  }

  /**
   * The 10-second period the clock is in (aligned): what the copies serving carried, or the
   * requests refused without one.
   */
  void publish(double inFlight) {
    Instant now = world.clock().instant();
    Instant start = Instant.ofEpochSecond(now.getEpochSecond() / 10 * 10);
    Map<String, String> ic = Map.of("InferenceComponentName", COMPONENT);
    String ns = Metric.Namespace.INVOCATIONS;
    int serving = servingCopies();
    twin.publishCopyCounts(COMPONENT, start);
    CloudWatchTwin cw = world.cloudWatch();
    if (serving == 0) {
      // No copy: every request is refused (and no concurrency is published).
      long refused = Math.max(1, Math.round(inFlight));
      cw.publish(
          ns,
          Metric.NO_CAPACITY_INVOCATION_FAILURES.metricName(),
          ic,
          start,
          refused,
          refused,
          1,
          1);
      return;
    }
    // The arrivals that keep inFlight requests in flight on copies at the operating point (the
    // demand the engine plans for); the copies serving now hold what Little's law gives at their
    // own pace (in flight = arrivals x latency), found by iterating it.
    double arrivalsPerSecond = inFlight / (capacity.serviceMs(capacity.perCopy(1), 1) / 1000);
    double perCopy = inFlight / serving;
    for (int i = 0; i < 50; i++) {
      perCopy = arrivalsPerSecond * capacity.serviceMs(Math.max(1, perCopy), 1) / 1000 / serving;
    }
    double latencyMs = capacity.serviceMs(Math.max(1, perCopy), 1);
    long n = Math.max(1, Math.round(arrivalsPerSecond * 10));
    twin.publishServed(COMPONENT, start, n, serving, latencyMs, perCopy);
  }

  int servingCopies() {
    return twin.servingCopies(COMPONENT);
  }

  int instances() {
    return twin.instances(DEPLOYMENT);
  }

  /** The engine's decisions (the deploy's own entries aside). */
  List<LedgerEntry> decisions() {
    return twin.store().ledger(DEPLOYMENT, Instant.EPOCH).stream()
        .filter(e -> e.source() != Source.DEPLOY)
        .toList();
  }

  List<LedgerEntry> changes() {
    return decisions().stream()
        .filter(e -> e.outcome() == Outcome.SCALED || e.outcome() == Outcome.PENDING)
        .toList();
  }

  String log() {
    return String.join("\n", invocations)
        + "\nledger:\n"
        + String.join(
            "\n",
            decisions().stream()
                .map(
                    e ->
                        e.at()
                            + " "
                            + e.source()
                            + " "
                            + e.outcome()
                            + " "
                            + e.from()
                            + "->"
                            + e.to()
                            + " "
                            + e.reason())
                .toList());
  }

  @Test
  void aRiseIsMetWithWholeInstancesWithinTwoMinutesAndKeptForTheWholeScaleInWindowAfterIt() {
    deployed(1);
    idle(Duration.ofMinutes(5));
    // minCopies 1 holds one instance, filled: 4 copies cost what 1 does.
    assertThat(twin.desiredCopies(COMPONENT)).as(this::log).isEqualTo(4);
    assertThat(instances()).isEqualTo(1);
    int before = changes().size();

    // A rise: 1.5 instances' worth of copies at the objective's operating point.
    double perCopy = capacity.perCopy(1);
    double inFlight = 6 * perCopy;
    Instant rise = world.clock().instant();
    load(inFlight, Duration.ofMinutes(2));

    List<LedgerEntry> added = changes().subList(before, changes().size());
    assertThat(added).as(this::log).isNotEmpty();
    LedgerEntry out = added.get(0);
    assertThat(out.at()).isBefore(rise.plus(Duration.ofMinutes(2)));
    assertThat(out.to())
        .as("whole ml.g5.12xlarge instances of 4 copies")
        .isGreaterThan(4)
        .matches(c -> c % 4 == 0, "a multiple of 4");
    Matcher reason = ADDING.matcher(out.reason());
    assertThat(reason.find()).as(out.reason()).isTrue();
    int needed = Integer.parseInt(reason.group(1));
    assertThat(needed)
        .as("6 x perCopy in flight need more than one instance's 4 copies")
        .isGreaterThan(4);
    assertThat(Integer.parseInt(reason.group(3)))
        .isEqualTo(out.to())
        .isEqualTo(Math.min(12, (needed + 3) / 4 * 4));
    assertThat(Integer.parseInt(reason.group(2))).isEqualTo(out.to() / 4);
    assertThat(instances())
        .as("the instances for the copies are raised at once")
        .isEqualTo(out.to() / 4);

    // The load stays for 20 minutes; the new instances come up and SageMaker takes the copies. The
    // minute tick after the rise sees a minute of it in the history and takes it to go on for a
    // minute more (docs/slo.md, "Planning a lead time ahead"): it may add once more, in whole
    // instances, saying so.
    load(inFlight, Duration.ofMinutes(18));
    int peak = twin.desiredCopies(COMPONENT);
    assertThat(peak).as(this::log).isGreaterThanOrEqualTo(out.to()).matches(c -> c % 4 == 0);
    changes().subList(before + 1, changes().size()).stream()
        .filter(e -> e.to() > e.from())
        .forEach(e -> assertThat(e.reason()).as(this::log).contains("rising"));

    // The load stops: the scale-out is more than 20 minutes old, but the window still shows the
    // load. (An instance added for a rise the load did not go on with goes once a window after its
    // addition shows it unneeded.)
    Instant stop = world.clock().instant();
    idle(Duration.ofMinutes(29));
    assertThat(twin.desiredCopies(COMPONENT))
        .as("held through the 30-minute window after the load\n" + log())
        .isEqualTo(out.to());
    assertThat(instances()).isEqualTo(out.to() / 4);
    idle(Duration.ofMinutes(6));
    assertThat(twin.desiredCopies(COMPONENT))
        .as("released once the whole window is quiet\n" + log())
        .isEqualTo(4);
    assertThat(instances()).isEqualTo(1);
    LedgerEntry release = changes().get(changes().size() - 1);
    assertThat(release.reason()).startsWith("releasing: the 30-minute peak");
    assertThat(release.at()).isAfterOrEqualTo(stop.plus(Duration.ofMinutes(30)));
    assertThat(release.from()).isEqualTo(out.to());
    assertThat(release.to()).isEqualTo(4);
  }

  @Test
  void withMinCopiesZeroAnIdleDeploymentGoesToZeroAndARefusedRequestBringsCopiesBack() {
    deployed(0);
    idle(Duration.ofMinutes(40));
    assertThat(twin.desiredCopies(COMPONENT)).as(this::log).isZero();
    LedgerEntry toZero = changes().get(changes().size() - 1);
    assertThat(toZero.to()).isZero();

    int before = changes().size();
    Instant refused = world.clock().instant();
    // A client's requests are refused for want of a copy (NoCapacityInvocationFailures).
    load(3, Duration.ofSeconds(10));
    idle(Duration.ofMinutes(2));
    List<LedgerEntry> back = changes().subList(before, changes().size());
    assertThat(back).as(this::log).isNotEmpty();
    LedgerEntry first = back.get(0);
    // The next decision (the tick's or the wake-up alarm's, whichever comes first) says the refused
    // requests brought the copies back.
    assertThat(first.reason())
        .as(this::log)
        .matches(
            "adding: [0-9.]+ requests were refused for want of a copy"
                + " \\(NoCapacityInvocationFailures\\); .*need 1 copies.*");
    assertThat(first.from()).isZero();
    assertThat(first.to()).as("one whole instance, filled").isEqualTo(4);
    assertThat(first.at()).isBefore(refused.plus(Duration.ofMinutes(2)));
    assertThat(invocations)
        .as("the slo-from-zero wake-up alarm woke the engine")
        .anyMatch(i -> i.contains("copyscale-llama3-chat-slo-from-zero ALARM"));
    idle(Duration.ofMinutes(12));
    assertThat(twin.desiredCopies(COMPONENT)).as(this::log).isEqualTo(4);
    assertThat(servingCopies()).isEqualTo(4);
  }

  @Test
  void aFreshDeploymentKeepsItsCopiesForAScaleInWindowBeforeGoingToZero() {
    // A deploy starts copies as a scale-out does: a minute of no traffic after InService (09:00) is
    // no evidence they are unneeded.
    deployed(0);
    Instant inService = twin.store().deployment(DEPLOYMENT).orElseThrow().updatedAt();
    idle(Duration.ofMinutes(25));
    assertThat(twin.desiredCopies(COMPONENT)).as(this::log).isGreaterThanOrEqualTo(2);
    idle(Duration.ofMinutes(10));
    assertThat(twin.desiredCopies(COMPONENT)).as(this::log).isZero();
    LedgerEntry toZero = changes().get(changes().size() - 1);
    assertThat(toZero.reason()).startsWith("releasing: the 30-minute peak of 0 requests");
    assertThat(toZero.at()).isAfterOrEqualTo(inService.plus(Duration.ofMinutes(30)));
  }

  /**
   * Without load the engine adds nothing (so the rise above is what scaled); it only fills the
   * instance minCopies holds.
   */
  @Test
  void withoutLoadNothingIsAdded() {
    deployed(1);
    idle(Duration.ofMinutes(20));
    assertThat(twin.desiredCopies(COMPONENT)).as(this::log).isEqualTo(4);
    assertThat(decisions()).as(this::log).noneMatch(e -> e.reason().startsWith("adding"));
    assertThat(Optional.of(instances())).contains(1);
    // The deploy's 2 copies become 4 because the instance is held (the window after the deploy,
    // minCopies 1) and
    // copies on it cost nothing more: the ledger says so, not that copies were released or held.
    assertThat(changes())
        .as(this::log)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.from()).isEqualTo(2);
              assertThat(e.to()).isEqualTo(4);
              assertThat(e.reason())
                  .startsWith("filling the instance held: 0 requests in flight")
                  .contains(
                      "1 instance of 4, 4 copies; objective over the last 30 min: no requests");
            });
  }
}
