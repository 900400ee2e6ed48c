package dev.copyscale.aws.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.copyscale.aws.scaling.AlarmService;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.slo.SloCapacity;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.Metric;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.account.TwinAccount;
import dev.copyscale.twin.cloudwatch.CloudWatchTwin;
import dev.copyscale.twin.eventbridge.EventBridgeTwin;
import dev.copyscale.twin.scheduler.SchedulerTwin;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * engine: slo for models copyscale has no measured table for, end to end on the twin: deployed,
 * planned from the serving model derived from the model's and GPUs' figures, corrected online by
 * what SageMaker publishes (copies 25 % slower than the derived model says), and scaled out in
 * whole instances when the load rises.
 */
class SloAnyModelOnTwinTest {
  /** How much slower the copies serve than the derived model says. */
  static final double SLOWER = 1.25;

  TwinStack twin;
  TwinAccount world;
  AlarmService alarms;
  SloCapacity capacity;
  DeploymentSpec spec;

  final Stack stack =
      new Stack() {
        @Override
        public void everyMinute(Instant now) {
          twin.services().deploy().reconcileInProgress();
          alarms.tick();
        }

        @Override
        public void alarmStateChanged(CloudWatchTwin.StateChange change) {
          if (change.alarmName().startsWith("copyscale-")) {
            alarms.handle(
                EventBridgeTwin.alarmStateChange(change, TwinAccount.ACCOUNT, TwinAccount.REGION),
                TwinStack.ORIGIN);
          }
        }

        @Override
        public void scheduleFired(SchedulerTwin.Firing firing) {}
      };

  void deployed(String example) throws Exception {
    String yaml = RepoFiles.read("examples/simulate/" + example);
    JsonNode json = new YAMLMapper().readTree(yaml);
    spec = SpecParser.parse(yaml).orThrow();
    capacity = SloCapacity.of(spec, Catalog.bundled());
    twin = TwinStack.fresh(TwinStack.START).deploy(json);
    world = twin.account();
    alarms = twin.services().alarms();
    // A large model's weights take a while to download and load: wait until a copy serves.
    for (int i = 0; i < 60 && serving() == 0; i++) {
      world.advance(Duration.ofMinutes(1), stack);
    }
    assertThat(serving()).as("a copy serves within an hour").isPositive();
  }

  String component() {
    return spec.component().name();
  }

  int serving() {
    return twin.servingCopies(component());
  }

  /**
   * Arrivals that would keep {@code demand} requests in flight on copies running at the operating
   * point (the requests being {@link #SLOWER} times the derived model's), for {@code duration}:
   * published every 10 seconds as SageMaker does, with the serving copies' concurrency (demand
   * spread over them) and ModelLatency {@link #SLOWER} times what the derived model says at that
   * concurrency.
   */
  void load(double demand, Duration duration) {
    double arrivalsPerSecond =
        demand / (capacity.serviceMs(capacity.perCopy(SLOWER), SLOWER) / 1000);
    Instant end = world.clock().instant().plus(duration);
    while (world.clock().instant().isBefore(end)) {
      Instant now = world.clock().instant();
      Instant start = Instant.ofEpochSecond(now.getEpochSecond() / 10 * 10);
      int copies = serving();
      twin.publishCopyCounts(component(), start);
      double perCopy = demand / copies;
      double latencyMs = SLOWER * capacity.serviceMs(perCopy, 1);
      long n = Math.max(1, Math.round(arrivalsPerSecond * 10));
      twin.publishServed(component(), start, n, copies, latencyMs, perCopy);
      world.advance(Duration.ofSeconds(10), stack);
    }
  }

  List<LedgerEntry> decisions() {
    return twin.store().ledger(spec.name(), Instant.EPOCH).stream()
        .filter(e -> e.source() != Source.DEPLOY)
        .toList();
  }

  String log() {
    return String.join(
        "\n",
        decisions().stream()
            .map(
                e -> e.at() + " " + e.outcome() + " " + e.from() + "->" + e.to() + " " + e.reason())
            .toList());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"models/slo-llama3-70b-p4d.yaml", "models/slo-mistral-7b-g6-12xlarge.yaml"})
  void aModelWithoutATableIsPlannedFromItsDerivedModelCorrectedOnlineAndScaledOut(String example)
      throws Exception {
    deployed(example);
    int perInstance = capacity.copiesPerInstance();
    world.advance(Duration.ofMinutes(5), stack);
    assertThat(twin.desiredCopies(component())).as(this::log).isEqualTo(perInstance);

    // An hour of light load (a fifth of what each copy carries): calm minutes to learn from.
    load(0.2 * capacity.perCopy(SLOWER) * perInstance, Duration.ofMinutes(60));

    // A rise to one and a half instances' worth of copies at the operating point the correction
    // gives: whole instances within two minutes.
    double perCopy = capacity.perCopy(SLOWER);
    int before = decisions().size();
    Instant rise = world.clock().instant();
    load(1.5 * perInstance * perCopy, Duration.ofMinutes(3));
    LedgerEntry out =
        decisions().subList(before, decisions().size()).stream()
            .filter(e -> e.outcome() == Outcome.SCALED || e.outcome() == Outcome.PENDING)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no scale-out\n" + log()));
    assertThat(out.at()).isBefore(rise.plus(Duration.ofMinutes(2)));
    assertThat(out.to()).as(this::log).isEqualTo(2 * perInstance);
    assertThat(out.reason())
        .startsWith("adding: ")
        .contains(
            capacity.objective().describe() + " at 99% of requests (" + capacity.sizes() + ")")
        .contains(
            perCopy == Math.rint(perCopy)
                ? " copies at " + (long) perCopy + " per copy"
                : String.format(java.util.Locale.ROOT, " copies at %.1f per copy", perCopy))
        .contains("; objective over the last 30 min: ")
        .contains(capacity.profile().name().replace(" (derived)", "") + " (derived)")
        .containsPattern("requests taking 1\\.2[45]x its times \\(median of \\d+ calm min");
    assertThat(twin.instances(spec.endpoint().name())).isEqualTo(2);
  }

  /**
   * For {@code duration}, copies past what they can serve: each holds the serving model's planned
   * concurrency, at arrivals the serving model says {@code copies} copies carry at its own request
   * shape, but they complete only a third of them and the rest time out (InvocationModelErrors), as
   * copies whose requests are far larger than the model's do.
   */
  void overloaded(Duration duration) {
    double perCopy = capacity.perCopy(1);
    Instant end = world.clock().instant().plus(duration);
    while (world.clock().instant().isBefore(end)) {
      Instant now = world.clock().instant();
      Instant start = Instant.ofEpochSecond(now.getEpochSecond() / 10 * 10);
      int copies = serving();
      double arrivalsPerSecond = 0.5 * perCopy * copies / (capacity.serviceMs(perCopy, 1) / 1000);
      long n = Math.max(3, Math.round(arrivalsPerSecond * 10));
      long failed = 2 * n / 3;
      twin.publishCopyCounts(component(), start);
      twin.publishServed(component(), start, n, copies, 55_000, perCopy);
      world
          .cloudWatch()
          .publish(
              Metric.Namespace.INVOCATIONS,
              Metric.INVOCATION_MODEL_ERRORS.metricName(),
              Map.of("InferenceComponentName", component()),
              start,
              failed,
              failed,
              1,
              1);
      world.advance(Duration.ofSeconds(10), stack);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"models/slo-llama3-70b-p4d.yaml", "models/slo-mistral-7b-g6-12xlarge.yaml"})
  void copiesThatTimeOutAtWhatTheServingModelSaysTheyCarryBringEveryCopyTheBoundsAllow(
      String example) throws Exception {
    deployed(example);
    // Settled: engine slo's fill of the deploy's instance serves too (a 70B copy loads for about 20
    // minutes, and no copy count can change while it does).
    for (int i = 0; i < 60 && serving() < capacity.copiesPerInstance(); i++) {
      world.advance(Duration.ofMinutes(1), stack);
    }
    assertThat(serving()).isEqualTo(capacity.copiesPerInstance());
    int before = decisions().size();
    Instant start = world.clock().instant();
    overloaded(Duration.ofMinutes(3));
    LedgerEntry out =
        decisions().subList(before, decisions().size()).stream()
            .filter(e -> e.outcome() == Outcome.SCALED || e.outcome() == Outcome.PENDING)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no scale-out\n" + log()));
    // The first whole minute of it shows at the next minute's tick.
    assertThat(out.at()).isBefore(start.plus(Duration.ofMinutes(3)));
    assertThat(out.to()).as(this::log).isEqualTo(spec.guardrails().maxCopies());
    assertThat(out.reason())
        .startsWith("adding: the copies are overloaded (")
        .contains("every copy the bounds allow until calm minutes show what a copy carries")
        .contains("the serving model says ");
    assertThat(twin.instances(spec.endpoint().name())).isEqualTo(spec.guardrails().maxInstances());
  }
}
