package dev.copyscale.functions.stepscaling;

import static dev.copyscale.twin.world.TwinFixture.desiredCopies;
import static dev.copyscale.twin.world.TwinFixture.invoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.CloudWatchMetricAlarmEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.testing.RepoFiles;
import dev.copyscale.twin.world.LocalContext;
import dev.copyscale.twin.world.TwinFixture;
import dev.copyscale.twin.world.TwinWorld;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every alarm event in events/, through the handler as Lambda runs it, against the twin with the
 * orchestrated example deployed (2 copies on 1 ml.g5.12xlarge, managed instance scaling off). Run
 * with the twin's state table and with DynamoDB (moto_server) as the state table.
 */
abstract class AlarmHandlerTest {
  TwinWorld world;
  StateStore store;
  AlarmHandler handler;
  final LocalContext context = new LocalContext("copyscale-test-step-scaling");

  /** The state table the functions use in this run. */
  abstract StateStore stateTable(TwinWorld world);

  @BeforeEach
  void deployed() {
    deploy(TwinFixture.json("deploy-llama3-8b-orchestrated.json"));
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(2);
  }

  void deploy(JsonNode spec) {
    world = TwinWorld.fresh(TwinFixture.START);
    store = stateTable(world);
    TwinFixture.deploy(world, store, spec);
    TwinFixture.catchUpWithTheEvents(world);
    handler = new AlarmHandler(world.services().withStore(store).alarms());
  }

  private List<LedgerEntry> ledger() {
    return store.ledger("llama3-chat", Instant.EPOCH);
  }

  private JsonNode tick() {
    return invoke(
        handler,
        "{\"action\": \"reconcile\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        context);
  }

  private int instances() {
    return world
        .sageMaker()
        .describeEndpoint(b -> b.endpointName("llama3-chat"))
        .productionVariants()
        .get(0)
        .desiredInstanceCount();
  }

  /**
   * Lets the new instance provision, then runs the minute tick, which writes the copies SageMaker
   * can now take.
   */
  private JsonNode afterTheInstanceIsUp() {
    world.pause(Duration.ofMinutes(10));
    return tick();
  }

  @Test
  void eventBridgeAlarmScalesByTheMatchingStepAndRaisesInstances() {
    // datapoints 18 and 14: average 16, breach 8 over the threshold 8: step [8, inf) adds 4
    JsonNode result = invoke(handler, "alarm-eventbridge-burst.json", context);
    // 6 copies of 1 GPU need 2 ml.g5.12xlarge (4 each): copyscale fills the running instance (4
    // copies),
    // raises the variant, and SageMaker takes the last two once the endpoint is InService again.
    assertThat(result.get("outcome").asText()).isEqualTo("PENDING");
    assertThat(result.get("reason").asText()).contains("endpoint is Updating");
    assertThat(instances()).isEqualTo(2);
    // the two copies the running instance still holds were written first: they serve minutes
    // earlier
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(4);
    assertThat(ledger())
        .singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.PENDING));
    assertThat(world.eventBridge().events())
        .as("nothing is announced before it happened")
        .isEmpty();

    JsonNode done = afterTheInstanceIsUp().get("results");
    assertThat(done)
        .singleElement()
        .satisfies(r -> assertThat(r.get("outcome").asText()).isEqualTo("SCALED"));
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(6);
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
  void theDirectLambdaAlarmActionShapeIsTheOneTheRuntimeHandsOver() {
    CloudWatchMetricAlarmEvent typed =
        EventLoader.loadEvent(
            RepoFiles.path("events/alarm-lambda-action-burst.json").toString(),
            CloudWatchMetricAlarmEvent.class);
    assertThat(typed.getAlarmData().getAlarmName()).isEqualTo("copyscale-llama3-chat-burst");
    assertThat(typed.getAlarmData().getState().getValue()).isEqualTo("ALARM");
    // datapoints 11 and 9: average 10, breach 2: step [0, 8) adds 1
    JsonNode result = invoke(handler, "alarm-lambda-action-burst.json", context);
    assertThat(result.get("outcome").asText()).isEqualTo("SCALED");
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(3);
    assertThat(ledger().get(0).step()).contains(0);
  }

  @Test
  void aDuplicateDeliveryIsAppliedOnce() {
    invoke(handler, "alarm-eventbridge-burst.json", context);
    JsonNode again = invoke(handler, "alarm-duplicate.json", context);
    assertThat(again.get("outcome").asText()).isEqualTo("IGNORED");
    assertThat(again.get("reason").asText()).contains("duplicate delivery");
    afterTheInstanceIsUp();
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(6);
    assertThat(ledger())
        .extracting(LedgerEntry::outcome)
        .containsExactlyInAnyOrder(Outcome.SCALED, Outcome.IGNORED);
  }

  @Test
  void aLateDeliveryOfAnOlderStateIsRecordedAndIgnored() {
    invoke(handler, "alarm-eventbridge-burst.json", context);
    JsonNode stale = invoke(handler, "alarm-stale.json", context);
    assertThat(stale.get("outcome").asText()).isEqualTo("IGNORED");
    assertThat(stale.get("reason").asText()).startsWith("late delivery");
    afterTheInstanceIsUp();
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(6);
  }

  @Test
  void okAndInsufficientDataChangeNothingAndSayWhy() {
    JsonNode ok = invoke(handler, "alarm-ok.json", context);
    assertThat(ok.get("outcome").asText()).isEqualTo("NO_CHANGE");
    JsonNode insufficient = invoke(handler, "alarm-insufficient-data.json", context);
    assertThat(insufficient.get("outcome").asText()).isEqualTo("NO_CHANGE");
    assertThat(insufficient.get("reason").asText()).contains("INSUFFICIENT_DATA");
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(2);
    assertThat(ledger())
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.outcome()).isEqualTo(Outcome.NO_CHANGE));
  }

  @Test
  void idleScalesInOneCopy() {
    JsonNode result = invoke(handler, "alarm-idle.json", context);
    assertThat(result.get("outcome").asText()).isEqualTo("SCALED");
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(1);
  }

  @Test
  void scaleFromZeroBringsTwoCopiesBackEvenDuringAScaleInCooldown() {
    // the idle alarm scales in (2 -> 1): a 300 s scale-in cooldown starts
    assertThat(invoke(handler, "alarm-idle.json", context).get("outcome").asText())
        .isEqualTo("SCALED");
    // then something else (a night schedule, say) takes the last copy away
    world
        .sageMaker()
        .updateInferenceComponentRuntimeConfig(
            b ->
                b.inferenceComponentName("llama3-chat-ic")
                    .desiredRuntimeConfig(c -> c.copyCount(0)));
    world.pause(Duration.ofSeconds(30));
    JsonNode result = invoke(handler, "alarm-scale-from-zero.json", context);
    assertThat(result.get("outcome").asText()).isEqualTo("SCALED");
    assertThat(result.get("from").asInt()).isZero();
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(2);
  }

  @Test
  void anAlarmCopyscaleDoesNotOwnChangesNothing() {
    JsonNode result = invoke(handler, "alarm-not-owned.json", context);
    assertThat(result.get("outcome").asText()).isEqualTo("IGNORED");
    assertThat(result.get("reason").asText())
        .contains("team-payments-cpu-high is not one of copyscale's");
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(2);
  }

  @Test
  void malformedJsonIsAClearError() {
    assertThatThrownBy(() -> invoke(handler, "alarm-malformed.json", context))
        .hasMessageStartingWith("alarm event is not valid JSON");
    assertThat(ledger()).isEmpty();
  }

  @Test
  void anAlarmThatStaysInAlarmKeepsScalingAtTheMinuteTickOnceTheChangeIsDone() throws Exception {
    invoke(
        handler,
        "alarm-eventbridge-burst.json",
        context); // 2 -> 6: instances 1 -> 2 first, cooldown 60 s
    JsonNode burst = TwinFixture.json("alarm-eventbridge-burst.json").get("detail").get("state");
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
    assertThat(tick().get("results"))
        .singleElement()
        .satisfies(r -> assertThat(r.get("outcome").asText()).isEqualTo("PENDING"));
    // once it is up, the tick writes the copies; while they start (image pull + model load) it
    // starts nothing new
    world.pause(Duration.ofMinutes(8));
    assertThat(tick().get("results"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("outcome").asText()).isEqualTo("SCALED");
              assertThat(r.get("to").asInt()).isEqualTo(6);
            });
    // once they serve, the alarm still in ALARM scales again: 6 + 4 = 10, held to maxCopies 8 (2
    // instances hold 8)
    world.pause(Duration.ofMinutes(15));
    // (the idle alarm is in ALARM too after the quiet hours the fixture's clock skipped: only the
    // burst matters here)
    List<JsonNode> results = new java.util.ArrayList<>();
    tick()
        .get("results")
        .forEach(
            r -> {
              if (r.get("trigger").asText().equals("copyscale-llama3-chat-burst")) {
                results.add(r);
              }
            });
    assertThat(results)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("outcome").asText()).isEqualTo("SCALED");
              assertThat(r.get("to").asInt()).isEqualTo(8);
            });
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(8);
    assertThat(ledger())
        .filteredOn(
            e -> e.source() == Source.TICK && e.trigger().equals("copyscale-llama3-chat-burst"))
        .singleElement()
        .satisfies(e -> assertThat(e.limitedBy()).containsExactly("maxCapacity 8"));
    // the same minute again: nothing new from the burst alarm
    assertThat(tick().get("results"))
        .noneSatisfy(
            r -> assertThat(r.get("trigger").asText()).isEqualTo("copyscale-llama3-chat-burst"));
  }

  @Test
  void withoutDatapointsInTheEventCloudWatchIsAsked() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode event =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            TwinFixture.json("alarm-eventbridge-burst.json");
    ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("detail").get("state"))
        .remove("reasonData");
    JsonNode result =
        invoke(
            handler,
            dev.copyscale.json.Json.compact(event)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
            context);
    assertThat(result.get("outcome").asText()).isEqualTo("NO_CHANGE");
    assertThat(result.get("reason").asText())
        .contains("nor CloudWatch (GetMetricData) has datapoints");
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(2);
  }

  @Test
  void dryRunDecidesAndRecordsButWritesNothing() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode spec =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            TwinFixture.json("deploy-llama3-8b-orchestrated.json");
    ((com.fasterxml.jackson.databind.node.ObjectNode) spec.get("guardrails")).put("dryRun", true);
    deploy(spec);
    JsonNode result = invoke(handler, "alarm-eventbridge-burst.json", context);
    assertThat(result.get("outcome").asText()).isEqualTo("DRY_RUN");
    assertThat(result.get("to").asInt()).isEqualTo(6);
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(2);
    assertThat(ledger())
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).startsWith("dry run, nothing written"));
  }

  @Test
  void anAlarmOfAnotherAccountIsIgnoredAndChangesNothing() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode event =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            TwinFixture.json("alarm-eventbridge-burst.json");
    event.put("account", "999999999999");
    JsonNode result =
        invoke(
            handler,
            dev.copyscale.json.Json.compact(event)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
            context);
    assertThat(result.get("outcome").asText()).isEqualTo("IGNORED");
    assertThat(result.get("reason").asText()).contains("account").contains("999999999999");
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(2);
    assertThat(ledger()).isEmpty();
    assertThat(store.target("llama3-chat").newestAlarmState()).isEmpty();
  }

  @Test
  void anAlarmStampedFarInTheFutureIsIgnoredAndDoesNotMakeLaterChangesLookLate() throws Exception {
    String future =
        new String(
                TwinFixture.event("alarm-eventbridge-burst.json"),
                java.nio.charset.StandardCharsets.UTF_8)
            .replace("2026-11-25T10:00:25", "2099-11-25T10:00:25")
            .replaceFirst("\"id\": \"", "\"id\": \"2099-");
    JsonNode result =
        invoke(handler, future.getBytes(java.nio.charset.StandardCharsets.UTF_8), context);
    assertThat(result.get("outcome").asText()).isEqualTo("IGNORED");
    assertThat(result.get("reason").asText()).contains("2099");
    assertThat(store.target("llama3-chat").newestAlarmState()).isEmpty();
    // the real change that follows is not taken for a late delivery
    assertThat(invoke(handler, "alarm-lambda-action-burst.json", context).get("outcome").asText())
        .isEqualTo("SCALED");
  }
}
