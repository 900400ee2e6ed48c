package dev.copyscale.aws.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.twin.account.TwinAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;

/**
 * Every schedule event in events/, through the scheduled-scaling function's service, against the
 * twin with the fitting example deployed (business hours in force: bounds 4..8, 4 copies).
 */
class ScheduleServiceTest {
  private TwinStack stack;
  private TwinAccount world;
  private ScheduleService service;

  @BeforeEach
  void deployed() {
    stack = TwinStack.deployed("deploy-llama3-8b.json");
    world = stack.account();
    service = stack.services().schedules();
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(4);
  }

  /** One schedule event of events/: its one result. */
  private ScalingResult handle(String file) {
    return handle(TwinStack.json(file));
  }

  private ScalingResult handle(JsonNode event) {
    return service.handle(event, TwinStack.ORIGIN).get(0);
  }

  /** The reconcile schedule's per-minute tick: a result per deployment healed. */
  private List<ScalingResult> tick() {
    return service.handle(TwinStack.tick(), TwinStack.ORIGIN);
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
    var ledger = stack.store().ledger("llama3-chat", Instant.EPOCH);
    return ledger.get(ledger.size() - 1);
  }

  @Test
  void aWindowStartAppliesTheWindowInForce() {
    ScalingResult result = handle("schedule-business-hours.json");
    // business hours already applied by the deploy: bounds and count are right, nothing to change
    assertThat(result.outcome()).isEqualTo(Outcome.NO_CHANGE);
    assertThat(target().minCapacity()).isEqualTo(4);
  }

  @Test
  void theNightWindowMovesBoundsAndClampsTheCount() {
    world.pause(Duration.ofHours(10)); // 19:00Z = 20:00 Berlin: nights fired
    ScalingResult result = handle("schedule-nights.json");
    assertThat(result.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(target().minCapacity()).isZero();
    assertThat(target().maxCapacity()).isEqualTo(2);
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(2);
    assertThat(lastEntry().reason()).contains("window nights fired 2026-11-25T19:00:00Z");
    assertThat(lastEntry().limitedBy()).containsExactly("maxCapacity 2");
  }

  @Test
  void aLateDeliveryAppliesTheNewerWindow() {
    world.pause(Duration.ofHours(10));
    ScalingResult result = handle("schedule-business-hours.json");
    assertThat(result.reason()).startsWith("late delivery of business-hours; window nights");
    assertThat(target().maxCapacity()).isEqualTo(2);
  }

  @Test
  void explicitBoundsAndTheClassicScheduledEventShape() {
    assertThat(handle("schedule-explicit-bounds.json").outcome()).isEqualTo(Outcome.SCALED);
    assertThat(target().minCapacity()).isEqualTo(2);
    assertThat(target().maxCapacity()).isEqualTo(6);
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(4);

    // (that the runtime hands the classic shape over as a ScheduledEvent: ScheduleHandlerTest)
    assertThat(handle("schedule-scheduled-event.json").outcome()).isEqualTo(Outcome.SCALED);
    assertThat(target().minCapacity()).isEqualTo(4);
    assertThat(target().maxCapacity()).isEqualTo(8);
  }

  @Test
  void scaleToZero() {
    ScalingResult result = handle("schedule-scale-to-zero.json");
    assertThat(result.to()).isZero();
    assertThat(stack.desiredCopies("llama3-chat-ic")).isZero();
    assertThat(target().maxCapacity()).isZero();
  }

  @Test
  void badEventsFailClearlyAndChangeNothing() {
    assertThatThrownBy(() -> handle("schedule-unknown-deployment.json"))
        .hasMessageContaining("unknown deployment \"no-such-deployment\"");
    assertThatThrownBy(() -> handle("schedule-unknown-schedule.json"))
        .hasMessageContaining("has no schedule \"lunch-break\"");
    assertThatThrownBy(() -> handle("schedule-over-guardrail.json"))
        .hasMessageContaining("maxCopies 64 exceeds guardrails.maxCopies 16");
    assertThat(target().minCapacity()).isEqualTo(4);
    assertThat(target().maxCapacity()).isEqualTo(8);
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(4);
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
    assertThat(tick())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).startsWith("reconcile: window business-hours"));
    assertThat(target().minCapacity()).isEqualTo(4);
    assertThat(target().maxCapacity()).isEqualTo(8);
    // healed: the next tick has nothing to do
    assertThat(tick()).isEmpty();
  }

  private static JsonNode json(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void anOverrideHoldsAgainstHealingUntilItExpiresThenTheWindowApplies() {
    assertThat(handle("schedule-explicit-bounds.json").outcome()).isEqualTo(Outcome.SCALED);
    assertThat(stack.store().target("llama3-chat").override())
        .hasValueSatisfying(
            o -> {
              assertThat(o.reason()).isEqualTo("load test of the chat endpoint");
              assertThat(o.until()).isEqualTo(o.setAt().plus(Duration.ofHours(2)));
            });
    // The landed code put the window's bounds back within a minute; now the tick leaves the
    // override alone.
    assertThat(tick()).isEmpty();
    assertThat(target().minCapacity()).isEqualTo(2);
    assertThat(target().maxCapacity()).isEqualTo(6);
    // A schedule that fires meanwhile is recorded, not applied.
    ScalingResult fired = handle("schedule-business-hours.json");
    assertThat(fired.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(fired.reason())
        .contains("override [2, 6]")
        .contains("load test of the chat endpoint");
    assertThat(target().maxCapacity()).isEqualTo(6);
    // After the expiry the tick ends the override and applies the window in force.
    world.pause(Duration.ofHours(2).plusMinutes(1));
    tick();
    assertThat(stack.store().target("llama3-chat").override()).isEmpty();
    assertThat(target().minCapacity()).isEqualTo(4);
    assertThat(target().maxCapacity()).isEqualTo(8);
  }

  @Test
  void anOverrideMustSayWhyAndUntilWhen() {
    assertThatThrownBy(
            () ->
                handle(
                    json(
                        "{\"deployment\": \"llama3-chat\", \"minCopies\": 2, \"maxCopies\": 6,"
                            + " \"for\": \"2h\"}")))
        .hasMessageContaining("needs a \"reason\"");
    assertThatThrownBy(
            () ->
                handle(
                    json(
                        "{\"deployment\": \"llama3-chat\", \"minCopies\": 2, \"maxCopies\": 6,"
                            + " \"reason\": \"x\"}")))
        .hasMessageContaining("exactly one of \"until\"");
    assertThatThrownBy(
            () ->
                handle(
                    json(
                        "{\"deployment\": \"llama3-chat\", \"minCopies\": 2, \"maxCopies\": 6,"
                            + " \"reason\": \"x\", \"for\": \"30d\"}")))
        .hasMessageContaining("at most 7 days");
    assertThat(target().minCapacity()).isEqualTo(4);
    assertThat(stack.store().target("llama3-chat").override()).isEmpty();
  }

  @Test
  void aScheduledChangeStartsNoStepCooldownAndAPinnedWindowIsNamedAsSuch() {
    ScalingResult result = handle("schedule-scale-to-zero.json");
    assertThat(result.to()).isZero();
    assertThat(stack.store().target("llama3-chat").cooldowns().lastScaleIn())
        .as("scheduled actions are not trigger-related scaling")
        .isEmpty();
    assertThat(stack.store().target("llama3-chat").cooldowns().lastScaleOut()).isEmpty();
    assertThat(lastEntry().limitedBy()).containsExactly("window [0, 0]");
  }
}
