package dev.copyscale.aws.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.apply.ConcurrentAlarmDeliveryTest.MeetBeforeCommit;
import dev.copyscale.aws.scaling.AlarmService;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.slo.SloCapacity;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.twin.account.TwinAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * engine slo's decisions are once-only with real concurrency: two invocations of the step-scaling
 * function's service released together on two threads, against the state table on moto's DynamoDB,
 * the store holding each commit until both have observed and decided (as in {@link
 * ConcurrentAlarmDeliveryTest}). Two ticks of the same minute, and two deliveries of the same
 * wake-up alarm event, write the copy count once and leave one decision in the ledger.
 */
class ConcurrentSloDeliveryTest {
  static final String COMPONENT = "llama3-chat-ic";
  TwinStack stack;
  TwinAccount world;
  StateStore table;
  SloCapacity capacity;
  ConcurrentInvocations invocations;

  @BeforeEach
  void deployed() {
    JsonNode spec = TwinStack.json("deploy-llama3-8b-slo.json");
    stack = TwinStack.onDynamoDb(TwinStack.START).deploy(spec);
    world = stack.account();
    table = stack.store();
    capacity =
        SloCapacity.of(
            SpecParser.parse(spec).spec().orElseThrow(), dev.copyscale.catalog.Catalog.bundled());
    // The deploy's 2 copies on 1 instance, no decision of the engine yet (only the deploy's
    // reconcile ran).
    assertThat(stack.desiredCopies(COMPONENT)).isEqualTo(2);
    assertThat(decisions()).isEmpty();
    invocations = new ConcurrentInvocations(stack);
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
    int serving = stack.servingCopies(COMPONENT);
    double perCopy = inFlight / serving;
    double latencyMs = capacity.serviceMs(Math.max(1, perCopy), 1);
    // Arrivals that keep inFlight requests in flight at the objective's operating point (what the
    // engine plans for).
    double operatingMs = capacity.serviceMs(capacity.perCopy(1), 1);
    long n = Math.max(1, Math.round(inFlight / (operatingMs / 1000) * 10));
    for (Instant start = end.minus(Duration.ofMinutes(minutes));
        start.isBefore(end);
        start = start.plusSeconds(10)) {
      stack.publishServed(COMPONENT, start, n, serving, latencyMs, perCopy);
    }
  }

  @Test
  void twoTicksOfTheSameMinuteAtOnceDecideAndWriteOnceAndTheNextMinuteDecidesAgain()
      throws Exception {
    // Three copies' worth in flight (with the 99% headroom: 4 copies, the one instance filled).
    loadBefore(2.5 * capacity.perCopy(1), 3);
    AlarmService ticking = invocations.alarms(new MeetBeforeCommit(table));
    List<List<ScalingResult>> results = invocations.both(ticking::tick, ticking::tick);

    assertThat(invocations.copyWrites).as("copy-count writes to SageMaker").hasValue(1);
    assertThat(stack.desiredCopies(COMPONENT)).isEqualTo(4);
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
    assertThat(stack.servingCopies(COMPONENT)).isEqualTo(4);
    loadBefore(6 * capacity.perCopy(1), 2);
    List<ScalingResult> next = invocations.alarms(table).tick();
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
    Instant sent = world.clock().instant().minusSeconds(5);
    AlarmService alarms = invocations.alarms(new MeetBeforeCommit(table));
    List<ScalingResult> results =
        invocations.both(
            () -> alarms.handle(TwinStack.jsonAt("alarm-slo-rise.json", sent), TwinStack.ORIGIN),
            () -> alarms.handle(TwinStack.jsonAt("alarm-slo-rise.json", sent), TwinStack.ORIGIN));

    assertThat(results)
        .extracting(ScalingResult::outcome)
        .containsExactlyInAnyOrder(Outcome.SCALED, Outcome.IGNORED);
    assertThat(results)
        .filteredOn(r -> r.outcome() == Outcome.IGNORED)
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("duplicate delivery"));
    assertThat(invocations.copyWrites).as("copy-count writes to SageMaker " + results).hasValue(1);
    assertThat(stack.desiredCopies(COMPONENT)).isEqualTo(4);
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
    invocations.alarms(table).tick();
    ScalingResult again =
        invocations
            .alarms(table)
            .handle(TwinStack.jsonAt("alarm-slo-rise.json", sent), TwinStack.ORIGIN);
    assertThat(again.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(invocations.copyWrites).hasValue(1);
    assertThat(decisions()).hasSize(1);
    // Recorded too, under the key of its instant: the virtual clock has not moved, so it is the
    // same record as the repeat before it.
    assertThat(repeats())
        .singleElement()
        .satisfies(e -> assertThat(e.at()).isEqualTo(world.clock().instant()));
  }
}
