package dev.copyscale.functions.stepscaling;

import static dev.copyscale.twin.world.TwinFixture.desiredCopies;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.testing.MotoClients;
import dev.copyscale.functions.stepscaling.ConcurrentAlarmDeliveryTest.MeetBeforeCommit;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.slo.SloCapacity;
import dev.copyscale.spec.Metric;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.twin.world.LocalContext;
import dev.copyscale.twin.world.TwinFixture;
import dev.copyscale.twin.world.TwinWorld;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * engine slo's decisions are once-only with real concurrency: two invocations of the real handler
 * released together on two threads, against the state table on moto's DynamoDB, the store holding
 * each commit until both have observed and decided (as in {@link ConcurrentAlarmDeliveryTest}). Two
 * ticks of the same minute, and two deliveries of the same wake-up alarm event, write the copy
 * count once and leave one decision in the ledger.
 */
class ConcurrentSloDeliveryTest {
  static final String COMPONENT = "llama3-chat-ic";
  static final byte[] TICK = "{\"action\": \"reconcile\"}".getBytes(StandardCharsets.UTF_8);
  final LocalContext context = new LocalContext("copyscale-test-step-scaling");
  TwinWorld world;
  StateStore table;
  SloCapacity capacity;
  ConcurrentInvocations invocations;

  @BeforeEach
  void deployed() {
    table = MotoClients.newStateTable();
    world = TwinWorld.fresh(TwinFixture.START);
    JsonNode spec = TwinFixture.json("deploy-llama3-8b-slo.json");
    TwinFixture.deploy(world, table, spec);
    capacity =
        SloCapacity.of(
            SpecParser.parse(spec).spec().orElseThrow(), dev.copyscale.catalog.Catalog.bundled());
    // The deploy's 2 copies on 1 instance, no decision of the engine yet (only the deploy's
    // reconcile ran).
    assertThat(desiredCopies(world, COMPONENT)).isEqualTo(2);
    assertThat(decisions()).isEmpty();
    invocations = new ConcurrentInvocations(world, context);
  }

  @AfterEach
  void stop() {
    invocations.close();
  }

  /** The engine's decisions (the deploy's own entries and recorded repeat deliveries aside). */
  List<LedgerEntry> decisions() {
    return table.ledger("llama3-chat", Instant.EPOCH).stream()
        .filter(e -> e.source() != Source.DEPLOY && e.outcome() != Outcome.IGNORED)
        .toList();
  }

  /** Repeat deliveries, each recorded beside the decision it repeated. */
  List<LedgerEntry> repeats() {
    return table.ledger("llama3-chat", Instant.EPOCH).stream()
        .filter(e -> e.outcome() == Outcome.IGNORED)
        .toList();
  }

  /**
   * {@code inFlight} requests in flight on the serving copies over the {@code minutes} before now,
   * published as SageMaker does every 10 seconds (see SloEngineOnTwinTest).
   */
  void loadBefore(double inFlight, int minutes) {
    Instant now = world.clock().instant();
    Instant end = Instant.ofEpochSecond(now.getEpochSecond() / 10 * 10);
    Map<String, String> ic = Map.of("InferenceComponentName", COMPONENT);
    String ns = Metric.Namespace.INVOCATIONS;
    int serving =
        world
            .sageMaker()
            .describeInferenceComponent(b -> b.inferenceComponentName(COMPONENT))
            .runtimeConfig()
            .currentCopyCount();
    double perCopy = inFlight / serving;
    double latencyMs = capacity.serviceMs(Math.max(1, perCopy), 1);
    // Arrivals that keep inFlight requests in flight at the objective's operating point (what the
    // engine plans for).
    double operatingMs = capacity.serviceMs(capacity.perCopy(1), 1);
    long n = Math.max(1, Math.round(inFlight / (operatingMs / 1000) * 10));
    for (Instant start = end.minus(Duration.ofMinutes(minutes));
        start.isBefore(end);
        start = start.plusSeconds(10)) {
      world.cloudWatch().publish(ns, Metric.INVOCATIONS.metricName(), ic, start, n, n, 1, 1);
      world
          .cloudWatch()
          .publish(
              ns,
              Metric.INVOCATIONS_PER_COPY.metricName(),
              ic,
              start,
              (double) n / serving,
              n,
              1.0 / serving,
              1.0 / serving);
      world
          .cloudWatch()
          .publish(
              ns,
              Metric.MODEL_LATENCY.metricName(),
              ic,
              start,
              latencyMs * 1000 * n,
              n,
              latencyMs * 1000,
              latencyMs * 1000);
      world
          .cloudWatch()
          .publish(
              ns,
              Metric.CONCURRENT_REQUESTS_PER_COPY.metricName(),
              ic,
              start,
              perCopy,
              1,
              perCopy,
              perCopy);
    }
  }

  @Test
  void twoTicksOfTheSameMinuteAtOnceDecideAndWriteOnceAndTheNextMinuteDecidesAgain()
      throws Exception {
    // Three copies' worth in flight (with the 99% headroom: 4 copies, the one instance filled).
    loadBefore(2.5 * capacity.perCopy(1), 3);
    List<JsonNode> results =
        invocations.both(invocations.handler(new MeetBeforeCommit(table)), TICK, TICK);

    assertThat(invocations.copyWrites).as("copy-count writes to SageMaker").hasValue(1);
    assertThat(desiredCopies(world, COMPONENT)).isEqualTo(4);
    assertThat(decisions())
        .as(results.toString())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.source()).isEqualTo(Source.SLO);
              assertThat(e.trigger()).isEqualTo("tick");
              assertThat(e.eventId()).startsWith("slo-tick#llama3-chat#");
              assertThat(e.from()).isEqualTo(2);
              assertThat(e.to()).isEqualTo(4);
              assertThat(e.reason()).startsWith("adding: ");
            });
    String firstMinute = decisions().get(0).eventId();

    // Once the copies serve (the tick waits for a change to roll out) the load has doubled: that
    // minute's tick is a
    // new decision, not a duplicate of the first.
    world.pause(Duration.ofMinutes(10));
    assertThat(
            world
                .sageMaker()
                .describeInferenceComponent(b -> b.inferenceComponentName(COMPONENT))
                .runtimeConfig()
                .currentCopyCount())
        .isEqualTo(4);
    loadBefore(6 * capacity.perCopy(1), 2);
    JsonNode next = TwinFixture.invoke(invocations.handler(table), TICK, context);
    assertThat(decisions()).as(next.toString()).hasSize(2);
    LedgerEntry second =
        decisions().stream()
            .filter(e -> !e.eventId().equals(firstMinute))
            .findFirst()
            .orElseThrow();
    assertThat(second.eventId()).startsWith("slo-tick#llama3-chat#");
    assertThat(second.from()).isEqualTo(4);
    assertThat(second.to())
        .as("whole instances of 4")
        .isGreaterThan(4)
        .matches(c -> c % 4 == 0, "a multiple of 4");
    assertThat(invocations.instanceWrites).as("the new decision raised the instances").hasValue(1);
  }

  @Test
  void aWakeUpAlarmDeliveredTwiceAtOnceDecidesAndWritesOnce() throws Exception {
    loadBefore(2.5 * capacity.perCopy(1), 3);
    byte[] rise =
        TwinFixture.eventAt("alarm-slo-rise.json", world.clock().instant().minusSeconds(5));
    List<JsonNode> results =
        invocations.both(invocations.handler(new MeetBeforeCommit(table)), rise, rise);

    assertThat(results)
        .extracting(r -> r.get("outcome").asText())
        .containsExactlyInAnyOrder("SCALED", "IGNORED");
    assertThat(results)
        .filteredOn(r -> r.get("outcome").asText().equals("IGNORED"))
        .singleElement()
        .satisfies(r -> assertThat(r.get("reason").asText()).contains("duplicate delivery"));
    assertThat(invocations.copyWrites).as("copy-count writes to SageMaker " + results).hasValue(1);
    assertThat(desiredCopies(world, COMPONENT)).isEqualTo(4);
    assertThat(decisions())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.source()).isEqualTo(Source.SLO);
              assertThat(e.trigger()).isEqualTo("copyscale-llama3-chat-slo-rise");
              assertThat(e.eventId()).isEqualTo("eventbridge#5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d");
              assertThat(e.to()).isEqualTo(4);
            });
    assertThat(repeats())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.eventId())
                  .startsWith("eventbridge#5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d#repeat-");
              assertThat(e.reason()).contains("duplicate delivery");
            });

    // The same minute's tick afterwards finds nothing more to do and records nothing; a later
    // delivery of the event is a duplicate.
    TwinFixture.invoke(invocations.handler(table), TICK, context);
    JsonNode again = TwinFixture.invoke(invocations.handler(table), rise, context);
    assertThat(again.get("outcome").asText()).isEqualTo("IGNORED");
    assertThat(invocations.copyWrites).hasValue(1);
    assertThat(decisions()).hasSize(1);
    // Recorded too, under the key of its instant: the virtual clock has not moved, so it is the
    // same record as the repeat before it.
    assertThat(repeats())
        .singleElement()
        .satisfies(e -> assertThat(e.at()).isEqualTo(world.clock().instant()));
  }
}
