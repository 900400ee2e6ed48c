package dev.copyscale.functions.scheduledscaling;

import static dev.copyscale.twin.world.TwinFixture.desiredCopies;
import static dev.copyscale.twin.world.TwinFixture.invoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.testing.RepoFiles;
import dev.copyscale.twin.world.LocalContext;
import dev.copyscale.twin.world.TwinFixture;
import dev.copyscale.twin.world.TwinWorld;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;

/**
 * Every schedule event in events/, through the handler as Lambda runs it, against the twin with the
 * fitting example deployed (business hours in force: bounds 4..8, 4 copies).
 */
class ScheduleHandlerTest {
  private TwinWorld world;
  private ScheduleHandler handler;
  private final LocalContext context = new LocalContext("copyscale-test-scheduled-scaling");

  @BeforeEach
  void deployed() {
    world = TwinFixture.deployed("deploy-llama3-8b.json", TwinFixture.START);
    handler = new ScheduleHandler(world.services().schedules());
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(4);
  }

  private ScalableTarget target() {
    return world
        .autoScaling()
        .describeScalableTargets(
            b -> b.serviceNamespace("sagemaker").resourceIds("inference-component/llama3-chat-ic"))
        .scalableTargets()
        .get(0);
  }

  private LedgerEntry lastEntry() {
    var ledger = world.stateTable().ledger("llama3-chat", Instant.EPOCH);
    return ledger.get(ledger.size() - 1);
  }

  @Test
  void aWindowStartAppliesTheWindowInForce() {
    JsonNode result = invoke(handler, "schedule-business-hours.json", context);
    // business hours already applied by the deploy: bounds and count are right, nothing to change
    assertThat(result.get("outcome").asText()).isEqualTo("NO_CHANGE");
    assertThat(target().minCapacity()).isEqualTo(4);
  }

  @Test
  void theNightWindowMovesBoundsAndClampsTheCount() {
    world.pause(Duration.ofHours(10)); // 19:00Z = 20:00 Berlin: nights fired
    JsonNode result = invoke(handler, "schedule-nights.json", context);
    assertThat(result.get("outcome").asText()).isEqualTo("SCALED");
    assertThat(target().minCapacity()).isZero();
    assertThat(target().maxCapacity()).isEqualTo(2);
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(2);
    assertThat(lastEntry().reason()).contains("window nights fired 2026-11-25T19:00:00Z");
    assertThat(lastEntry().limitedBy()).containsExactly("maxCapacity 2");
  }

  @Test
  void aLateDeliveryAppliesTheNewerWindow() {
    world.pause(Duration.ofHours(10));
    JsonNode result = invoke(handler, "schedule-business-hours.json", context);
    assertThat(result.get("reason").asText())
        .startsWith("late delivery of business-hours; window nights");
    assertThat(target().maxCapacity()).isEqualTo(2);
  }

  @Test
  void explicitBoundsAndTheClassicScheduledEventShape() {
    assertThat(invoke(handler, "schedule-explicit-bounds.json", context).get("outcome").asText())
        .isEqualTo("SCALED");
    assertThat(target().minCapacity()).isEqualTo(2);
    assertThat(target().maxCapacity()).isEqualTo(6);
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(4);

    ScheduledEvent typed =
        EventLoader.loadEvent(
            RepoFiles.path("events/schedule-scheduled-event.json").toString(),
            ScheduledEvent.class);
    assertThat(typed.getDetailType()).isEqualTo("Scheduled Event");
    assertThat(invoke(handler, "schedule-scheduled-event.json", context).get("outcome").asText())
        .isEqualTo("SCALED");
    assertThat(target().minCapacity()).isEqualTo(4);
    assertThat(target().maxCapacity()).isEqualTo(8);
  }

  @Test
  void scaleToZero() {
    JsonNode result = invoke(handler, "schedule-scale-to-zero.json", context);
    assertThat(result.get("to").asInt()).isZero();
    assertThat(desiredCopies(world, "llama3-chat-ic")).isZero();
    assertThat(target().maxCapacity()).isZero();
  }

  @Test
  void badEventsFailClearlyAndChangeNothing() {
    assertThatThrownBy(() -> invoke(handler, "schedule-unknown-deployment.json", context))
        .hasMessageContaining("unknown deployment \"no-such-deployment\"");
    assertThatThrownBy(() -> invoke(handler, "schedule-unknown-schedule.json", context))
        .hasMessageContaining("has no schedule \"lunch-break\"");
    assertThatThrownBy(() -> invoke(handler, "schedule-over-guardrail.json", context))
        .hasMessageContaining("maxCopies 64 exceeds guardrails.maxCopies 16");
    assertThatThrownBy(() -> invoke(handler, "schedule-malformed.json", context))
        .hasMessageStartingWith("schedule event is not valid JSON");
    assertThat(target().minCapacity()).isEqualTo(4);
    assertThat(target().maxCapacity()).isEqualTo(8);
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(4);
  }

  @Test
  void theMinuteTickHealsAMissedDelivery() {
    // someone (or a lost delivery) left the target outside the window in force
    world
        .autoScaling()
        .registerScalableTarget(
            b ->
                b.serviceNamespace("sagemaker")
                    .resourceId("inference-component/llama3-chat-ic")
                    .scalableDimension("sagemaker:inference-component:DesiredCopyCount")
                    .minCapacity(1)
                    .maxCapacity(3));
    JsonNode results =
        invoke(
                handler,
                "{\"action\": \"reconcile\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                context)
            .get("results");
    assertThat(results)
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.get("reason").asText())
                    .startsWith("reconcile: window business-hours"));
    assertThat(target().minCapacity()).isEqualTo(4);
    assertThat(target().maxCapacity()).isEqualTo(8);
    // healed: the next tick has nothing to do
    assertThat(
            invoke(
                    handler,
                    "{\"action\": \"reconcile\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    context)
                .get("results"))
        .isEmpty();
  }

  private static byte[] bytes(String json) {
    return json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void anOverrideHoldsAgainstHealingUntilItExpiresThenTheWindowApplies() {
    assertThat(invoke(handler, "schedule-explicit-bounds.json", context).get("outcome").asText())
        .isEqualTo("SCALED");
    assertThat(world.stateTable().target("llama3-chat").override())
        .hasValueSatisfying(
            o -> {
              assertThat(o.reason()).isEqualTo("load test of the chat endpoint");
              assertThat(o.until()).isEqualTo(o.setAt().plus(Duration.ofHours(2)));
            });
    // The landed code put the window's bounds back within a minute; now the tick leaves the
    // override alone.
    assertThat(invoke(handler, bytes("{\"action\": \"reconcile\"}"), context).get("results"))
        .isEmpty();
    assertThat(target().minCapacity()).isEqualTo(2);
    assertThat(target().maxCapacity()).isEqualTo(6);
    // A schedule that fires meanwhile is recorded, not applied.
    JsonNode fired = invoke(handler, "schedule-business-hours.json", context);
    assertThat(fired.get("outcome").asText()).isEqualTo("IGNORED");
    assertThat(fired.get("reason").asText())
        .contains("override [2, 6]")
        .contains("load test of the chat endpoint");
    assertThat(target().maxCapacity()).isEqualTo(6);
    // After the expiry the tick ends the override and applies the window in force.
    world.pause(Duration.ofHours(2).plusMinutes(1));
    invoke(handler, bytes("{\"action\": \"reconcile\"}"), context);
    assertThat(world.stateTable().target("llama3-chat").override()).isEmpty();
    assertThat(target().minCapacity()).isEqualTo(4);
    assertThat(target().maxCapacity()).isEqualTo(8);
  }

  @Test
  void anOverrideMustSayWhyAndUntilWhen() {
    assertThatThrownBy(
            () ->
                invoke(
                    handler,
                    bytes(
                        "{\"deployment\": \"llama3-chat\", \"minCopies\": 2, \"maxCopies\": 6,"
                            + " \"for\": \"2h\"}"),
                    context))
        .hasMessageContaining("needs a \"reason\"");
    assertThatThrownBy(
            () ->
                invoke(
                    handler,
                    bytes(
                        "{\"deployment\": \"llama3-chat\", \"minCopies\": 2, \"maxCopies\": 6,"
                            + " \"reason\": \"x\"}"),
                    context))
        .hasMessageContaining("exactly one of \"until\"");
    assertThatThrownBy(
            () ->
                invoke(
                    handler,
                    bytes(
                        "{\"deployment\": \"llama3-chat\", \"minCopies\": 2, \"maxCopies\": 6,"
                            + " \"reason\": \"x\", \"for\": \"30d\"}"),
                    context))
        .hasMessageContaining("at most 7 days");
    assertThat(target().minCapacity()).isEqualTo(4);
    assertThat(world.stateTable().target("llama3-chat").override()).isEmpty();
  }

  @Test
  void aScheduledChangeStartsNoStepCooldownAndAPinnedWindowIsNamedAsSuch() {
    JsonNode result = invoke(handler, "schedule-scale-to-zero.json", context);
    assertThat(result.get("to").asInt()).isZero();
    assertThat(world.stateTable().target("llama3-chat").cooldowns().lastScaleIn())
        .as("scheduled actions are not trigger-related scaling")
        .isEmpty();
    assertThat(world.stateTable().target("llama3-chat").cooldowns().lastScaleOut()).isEmpty();
    assertThat(lastEntry().limitedBy()).containsExactly("window [0, 0]");
  }
}
