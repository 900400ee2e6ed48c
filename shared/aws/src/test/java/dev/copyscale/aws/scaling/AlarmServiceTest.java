package dev.copyscale.aws.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.twin.account.TwinAccount;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every alarm event in events/, through the step-scaling function's service, against the twin with
 * the orchestrated example deployed (2 copies on 1 ml.g5.12xlarge, managed instance scaling off).
 * Run with the state table in memory and with DynamoDB (moto_server) as the state table.
 */
abstract class AlarmServiceTest {
  TwinStack stack;
  TwinAccount world;
  StateStore store;
  AlarmService service;

  /** The stack at {@link TwinStack#START}, its state table the one this run uses. */
  abstract TwinStack stack();

  @BeforeEach
  void deployed() {
    deploy(TwinStack.json("deploy-llama3-8b-orchestrated.json"));
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(2);
  }

  void deploy(JsonNode spec) {
    stack = stack().deploy(spec).catchUpWithTheEvents();
    world = stack.account();
    store = stack.store();
    service = stack.services().alarms();
  }

  /** One alarm event of events/, as the function hands it over. */
  private ScalingResult handle(String file) {
    return handle(TwinStack.json(file));
  }

  private ScalingResult handle(JsonNode event) {
    return service.handle(event, TwinStack.ORIGIN);
  }

  private int desiredCopies() {
    return stack.desiredCopies("llama3-chat-ic");
  }

  private List<LedgerEntry> ledger() {
    return store.ledger("llama3-chat", Instant.EPOCH);
  }

  private List<ScalingResult> tick() {
    return service.tick();
  }

  private int instances() {
    return stack.instances("llama3-chat");
  }

  /**
   * Lets the new instance provision, then runs the minute tick, which writes the copies SageMaker
   * can now take.
   */
  private List<ScalingResult> afterTheInstanceIsUp() {
    world.pause(Duration.ofMinutes(10));
    return tick();
  }

  @Test
  void eventBridgeAlarmScalesByTheMatchingStepAndRaisesInstances() {
    // datapoints 18 and 14: average 16, breach 8 over the threshold 8: step [8, inf) adds 4
    ScalingResult result = handle("alarm-eventbridge-burst.json");
    // 6 copies of 1 GPU need 2 ml.g5.12xlarge (4 each): copyscale fills the running instance (4
    // copies),
    // raises the variant, and SageMaker takes the last two once the endpoint is InService again.
    assertThat(result.outcome()).isEqualTo(Outcome.PENDING);
    assertThat(result.reason()).contains("endpoint is Updating");
    assertThat(instances()).isEqualTo(2);
    // the two copies the running instance still holds were written first: they serve minutes
    // earlier
    assertThat(desiredCopies()).isEqualTo(4);
    assertThat(ledger())
        .singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.PENDING));
    assertThat(world.eventBridge().events())
        .as("nothing is announced before it happened")
        .isEmpty();

    List<ScalingResult> done = afterTheInstanceIsUp();
    assertThat(done)
        .singleElement()
        .satisfies(r -> assertThat(r.outcome()).isEqualTo(Outcome.SCALED));
    assertThat(desiredCopies()).isEqualTo(6);
    LedgerEntry entry = ledger().get(0);
    assertThat(ledger()).as("one entry per decision: PENDING became SCALED").hasSize(1);
    assertThat(entry.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(entry.metricValue()).contains(16.0);
    assertThat(entry.threshold()).contains(8.0);
    assertThat(entry.step()).contains(1);
    assertThat(entry.from()).isEqualTo(2);
    assertThat(entry.to()).isEqualTo(6);
    assertThat(world.eventBridge().events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.source()).isEqualTo("copyscale");
              assertThat(e.detailType()).isEqualTo("Scaling Activity");
            });
  }

  @Test
  void theDirectLambdaAlarmActionShapeScalesByTheMatchingStep() {
    // (that the runtime hands this shape over as a CloudWatchMetricAlarmEvent: AlarmHandlerTest)
    // datapoints 11 and 9: average 10, breach 2: step [0, 8) adds 1
    ScalingResult result = handle("alarm-lambda-action-burst.json");
    assertThat(result.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(desiredCopies()).isEqualTo(3);
    assertThat(ledger().get(0).step()).contains(0);
  }

  @Test
  void aDuplicateDeliveryIsAppliedOnce() {
    handle("alarm-eventbridge-burst.json");
    ScalingResult again = handle("alarm-duplicate.json");
    assertThat(again.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(again.reason()).contains("duplicate delivery");
    afterTheInstanceIsUp();
    assertThat(desiredCopies()).isEqualTo(6);
    assertThat(ledger())
        .extracting(LedgerEntry::outcome)
        .containsExactlyInAnyOrder(Outcome.SCALED, Outcome.IGNORED);
  }

  @Test
  void aLateDeliveryOfAnOlderStateIsRecordedAndIgnored() {
    handle("alarm-eventbridge-burst.json");
    ScalingResult stale = handle("alarm-stale.json");
    assertThat(stale.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(stale.reason()).startsWith("late delivery");
    afterTheInstanceIsUp();
    assertThat(desiredCopies()).isEqualTo(6);
  }

  @Test
  void okAndInsufficientDataChangeNothingAndSayWhy() {
    ScalingResult ok = handle("alarm-ok.json");
    assertThat(ok.outcome()).isEqualTo(Outcome.NO_CHANGE);
    ScalingResult insufficient = handle("alarm-insufficient-data.json");
    assertThat(insufficient.outcome()).isEqualTo(Outcome.NO_CHANGE);
    assertThat(insufficient.reason()).contains("INSUFFICIENT_DATA");
    assertThat(desiredCopies()).isEqualTo(2);
    assertThat(ledger())
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.outcome()).isEqualTo(Outcome.NO_CHANGE));
  }

  @Test
  void idleScalesInOneCopy() {
    ScalingResult result = handle("alarm-idle.json");
    assertThat(result.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(desiredCopies()).isEqualTo(1);
  }

  @Test
  void scaleFromZeroBringsTwoCopiesBackEvenDuringAScaleInCooldown() {
    // the idle alarm scales in (2 -> 1): a 300 s scale-in cooldown starts
    assertThat(handle("alarm-idle.json").outcome()).isEqualTo(Outcome.SCALED);
    // then something else (a night schedule, say) takes the last copy away
    world
        .sageMaker()
        .updateInferenceComponentRuntimeConfig(
            b ->
                b.inferenceComponentName("llama3-chat-ic")
                    .desiredRuntimeConfig(c -> c.copyCount(0)));
    world.pause(Duration.ofSeconds(30));
    ScalingResult result = handle("alarm-scale-from-zero.json");
    assertThat(result.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(result.from()).isZero();
    assertThat(desiredCopies()).isEqualTo(2);
  }

  @Test
  void anAlarmCopyscaleDoesNotOwnChangesNothing() {
    ScalingResult result = handle("alarm-not-owned.json");
    assertThat(result.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(result.reason()).contains("team-payments-cpu-high is not one of copyscale's");
    assertThat(desiredCopies()).isEqualTo(2);
  }

  @Test
  void anAlarmThatStaysInAlarmKeepsScalingAtTheMinuteTickOnceTheChangeIsDone() throws Exception {
    handle("alarm-eventbridge-burst.json"); // 2 -> 6: instances 1 -> 2 first, cooldown 60 s
    JsonNode burst = TwinStack.json("alarm-eventbridge-burst.json").get("detail").get("state");
    world
        .cloudWatch()
        .setAlarmState(
            b ->
                b.alarmName("copyscale-llama3-chat-burst")
                    .stateValue("ALARM")
                    .stateReason(burst.get("reason").asText())
                    .stateReasonData(burst.get("reasonData").asText()));
    // while the second instance provisions, the tick only reports the change in progress and starts
    // nothing new
    world.pause(Duration.ofMinutes(2));
    assertThat(tick())
        .singleElement()
        .satisfies(r -> assertThat(r.outcome()).isEqualTo(Outcome.PENDING));
    // once it is up, the tick writes the copies; while they start (image pull + model load) it
    // starts nothing new
    world.pause(Duration.ofMinutes(8));
    assertThat(tick())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.outcome()).isEqualTo(Outcome.SCALED);
              assertThat(r.to()).isEqualTo(6);
            });
    // once they serve, the alarm still in ALARM scales again: 6 + 4 = 10, held to maxCopies 8 (2
    // instances hold 8)
    world.pause(Duration.ofMinutes(15));
    // (the idle alarm is in ALARM too after the quiet hours the fixture's clock skipped: only the
    // burst matters here)
    List<ScalingResult> results = new java.util.ArrayList<>();
    tick()
        .forEach(
            r -> {
              if (r.trigger().equals("copyscale-llama3-chat-burst")) {
                results.add(r);
              }
            });
    assertThat(results)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.outcome()).isEqualTo(Outcome.SCALED);
              assertThat(r.to()).isEqualTo(8);
            });
    assertThat(desiredCopies()).isEqualTo(8);
    assertThat(ledger())
        .filteredOn(
            e -> e.source() == Source.TICK && e.trigger().equals("copyscale-llama3-chat-burst"))
        .singleElement()
        .satisfies(e -> assertThat(e.limitedBy()).containsExactly("maxCapacity 8"));
    // the same minute again: nothing new from the burst alarm
    assertThat(tick())
        .noneSatisfy(r -> assertThat(r.trigger()).isEqualTo("copyscale-llama3-chat-burst"));
  }

  @Test
  void withoutDatapointsInTheEventCloudWatchIsAsked() throws Exception {
    ObjectNode event = (ObjectNode) TwinStack.json("alarm-eventbridge-burst.json");
    ((ObjectNode) event.get("detail").get("state")).remove("reasonData");
    ScalingResult result = handle(event);
    assertThat(result.outcome()).isEqualTo(Outcome.NO_CHANGE);
    assertThat(result.reason()).contains("nor CloudWatch (GetMetricData) has datapoints");
    assertThat(desiredCopies()).isEqualTo(2);
  }

  @Test
  void dryRunDecidesAndRecordsButWritesNothing() throws Exception {
    ObjectNode spec = (ObjectNode) TwinStack.json("deploy-llama3-8b-orchestrated.json");
    ((ObjectNode) spec.get("guardrails")).put("dryRun", true);
    deploy(spec);
    ScalingResult result = handle("alarm-eventbridge-burst.json");
    assertThat(result.outcome()).isEqualTo(Outcome.DRY_RUN);
    assertThat(result.to()).isEqualTo(6);
    assertThat(desiredCopies()).isEqualTo(2);
    assertThat(ledger())
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).startsWith("dry run, nothing written"));
  }

  @Test
  void anAlarmOfAnotherAccountIsIgnoredAndChangesNothing() throws Exception {
    ObjectNode event = (ObjectNode) TwinStack.json("alarm-eventbridge-burst.json");
    event.put("account", "999999999999");
    ScalingResult result = handle(event);
    assertThat(result.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(result.reason()).contains("account").contains("999999999999");
    assertThat(desiredCopies()).isEqualTo(2);
    assertThat(ledger()).isEmpty();
    assertThat(store.target("llama3-chat").newestAlarmState()).isEmpty();
  }

  @Test
  void anAlarmStampedFarInTheFutureIsIgnoredAndDoesNotMakeLaterChangesLookLate() throws Exception {
    String future =
        new String(TwinStack.event("alarm-eventbridge-burst.json"), StandardCharsets.UTF_8)
            .replace("2026-11-25T10:00:25", "2099-11-25T10:00:25")
            .replaceFirst("\"id\": \"", "\"id\": \"2099-");
    ScalingResult result = handle(Json.mapper().readTree(future));
    assertThat(result.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(result.reason()).contains("2099");
    assertThat(store.target("llama3-chat").newestAlarmState()).isEmpty();
    // the real change that follows is not taken for a late delivery
    assertThat(handle("alarm-lambda-action-burst.json").outcome()).isEqualTo(Outcome.SCALED);
  }
}
