package dev.copyscale.aws.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.twin.account.Stack;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Engine orchestrated on both components of one endpoint (events/deploy-shared-endpoint-
 * orchestrated.json: chat priority 10 with 2 copies, code priority 0 with 1, one GPU a copy on
 * ml.g5.12xlarge's 4, a budget of $7.09/h that buys one instance): each alarm decides for its own
 * component, and the arbiter grants the decision against the other.
 */
class SharedEndpointScalingOnTwinTest {
  TwinStack stack;
  AlarmService alarms;

  @BeforeEach
  void deployed() {
    stack =
        TwinStack.fresh(TwinStack.START)
            .deploy(TwinStack.json("deploy-shared-endpoint-orchestrated.json"))
            .catchUpWithTheEvents();
    alarms = stack.services().alarms();
    assertThat(stack.desiredCopies("chat")).isEqualTo(2);
    assertThat(stack.desiredCopies("code")).isEqualTo(1);
    assertThat(stack.instances("shared")).isEqualTo(1);
  }

  List<LedgerEntry> decided(String target) {
    return stack.store().ledger(target, Instant.EPOCH).stream()
        .filter(e -> e.source() != Source.DEPLOY)
        .toList();
  }

  /** A few minutes of the per-minute tick: the changes SageMaker could not take at once go on. */
  void ticks() {
    for (int i = 0; i < 5; i++) {
      stack.account().pause(Duration.ofMinutes(1));
      alarms.tick();
    }
  }

  @Test
  void aWishWithinTheBudgetIsGrantedWholeAndRecordedOnItsComponent() {
    ScalingResult code =
        alarms.handle(TwinStack.json("alarm-shared-code-burst.json"), TwinStack.ORIGIN);

    assertThat(code.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(stack.desiredCopies("code")).isEqualTo(2);
    assertThat(stack.desiredCopies("chat")).isEqualTo(2);
    assertThat(decided("shared.code"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.from()).isEqualTo(1);
              assertThat(e.to()).isEqualTo(2);
              assertThat(e.reason()).contains("arbiter: code: 1 -> 2 copies (wished 2");
            });
    assertThat(decided("shared.chat")).isEmpty();
    assertThat(stack.store().target("shared.code").version()).isPositive();
    assertThat(stack.store().target("shared").version())
        .as("no target under the deployment's own name")
        .isZero();
  }

  @Test
  void theHigherPriorityTakesTheLowersCopiesWithinTheBudgetAndBothLedgersSaySo() {
    alarms.handle(TwinStack.json("alarm-shared-code-burst.json"), TwinStack.ORIGIN);
    ScalingResult chat =
        alarms.handle(TwinStack.json("alarm-shared-chat-burst.json"), TwinStack.ORIGIN);
    ticks();

    // chat wished 2 + 4 = 6; one instance holds 4 copies and code keeps its minimum 1.
    assertThat(chat.outcome()).isIn(Outcome.SCALED, Outcome.PENDING);
    assertThat(stack.desiredCopies("chat")).isEqualTo(3);
    assertThat(stack.desiredCopies("code")).isEqualTo(1);
    assertThat(stack.instances("shared")).isEqualTo(1);
    LedgerEntry chatEntry = decided("shared.chat").get(0);
    assertThat(chatEntry.to()).isEqualTo(3);
    assertThat(chatEntry.limitedBy()).contains("endpoint.budget");
    assertThat(chatEntry.reason())
        .contains("chat: 2 -> 3 copies (wished 6", "held back by the budget $7.09/h");
    assertThat(decided("shared.code"))
        .anySatisfy(
            e -> {
              assertThat(e.from()).isEqualTo(2);
              assertThat(e.to()).isEqualTo(1);
              assertThat(e.reason()).contains("deciding for chat", "higher-priority chat");
              assertThat(e.limitedBy()).contains("higher priority: chat");
            });
    // Each entry carries what its component costs an hour as granted: one ml.g5.12xlarge at
    // $7.09/h, chat on 3 of its 4 GPUs and code on 1, nothing idle (kept on chat's entry from the
    // commit through SageMaker having the change).
    assertThat(chatEntry.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(chatEntry.cost())
        .hasValueSatisfying(
            c -> {
              assertThat(c.accelerators()).isEqualTo(3.0);
              assertThat(c.usdPerHour()).isCloseTo(5.3175, within(1e-9));
              assertThat(c.idleAccelerators()).isZero();
              assertThat(c.endpointUsdPerHour()).isCloseTo(7.09, within(1e-9));
              assertThat(c.instances()).isEqualTo(1);
            });
    assertThat(decided("shared.code"))
        .filteredOn(e -> e.reason().contains("deciding for chat"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.cost().orElseThrow().accelerators()).isEqualTo(1.0);
              assertThat(e.cost().orElseThrow().usdPerHour()).isCloseTo(1.7725, within(1e-9));
            });
  }

  @Test
  void aLowerPriorityIsHeldBackByWhatTheHigherAskedForAndSaysWho() {
    alarms.handle(TwinStack.json("alarm-shared-chat-burst.json"), TwinStack.ORIGIN);
    ScalingResult code =
        alarms.handle(TwinStack.json("alarm-shared-code-burst.json"), TwinStack.ORIGIN);

    assertThat(code.outcome()).isEqualTo(Outcome.NO_CHANGE);
    assertThat(code.reason()).contains("held back by");
    ticks();
    assertThat(stack.desiredCopies("chat")).isEqualTo(3);
    assertThat(stack.desiredCopies("code")).isEqualTo(1);
  }

  /**
   * Engine slo on code (events/deploy-shared-endpoint-slo.json) with the budget lowered to one
   * instance. Without load it wishes the copy its load needs, not the instance its minimum holds
   * (on a shared endpoint it wishes copies: docs/slo.md), so it leaves chat's room alone. Under a
   * load that needs every copy its bounds allow, chat's two copies hold half the one instance the
   * budget buys, so the arbiter grants code 2 and its ledger says the budget held it back.
   */
  @Test
  void engineSloOnAComponentIsGrantedWithinTheBudgetBesideANativeOne() {
    ObjectNode spec = (ObjectNode) TwinStack.json("deploy-shared-endpoint-slo.json").deepCopy();
    ((ObjectNode) spec.get("endpoint")).put("budget", 7.09);
    for (JsonNode c : spec.get("components")) {
      ((ObjectNode) c).remove("adapters");
    }
    TwinStack slo = TwinStack.fresh(TwinStack.START).deploy(spec);
    AlarmService sloAlarms = slo.services().alarms();
    slo.account().advance(Duration.ofMinutes(10), Stack.ticking(now -> sloAlarms.tick()));
    assertThat(slo.desiredCopies("code")).as("no load: the copy its minimum keeps").isEqualTo(1);
    assertThat(slo.store().ledger("shared.code", Instant.EPOCH))
        .noneMatch(e -> e.source() == Source.SLO && e.to() > 1);

    // 12 requests a second on code's one copy, 200 in flight on it: past what 4 copies carry.
    for (int i = 0; i < 60; i++) {
      Instant start = slo.account().clock().instant();
      slo.publishServed("code", start, 120, 1, 16_000, 200);
      slo.account().advance(Duration.ofSeconds(10), Stack.ticking(now -> sloAlarms.tick()));
    }

    assertThat(slo.desiredCopies("chat")).isEqualTo(2);
    assertThat(slo.desiredCopies("code")).isEqualTo(2);
    assertThat(slo.instances("shared")).isEqualTo(1);
    assertThat(slo.store().ledger("shared.code", Instant.EPOCH))
        .filteredOn(e -> e.source() == Source.SLO)
        .first()
        .satisfies(
            e -> {
              assertThat(e.to()).isEqualTo(2);
              // chat's copies are Application Auto Scaling's (engine native): the arbiter holds
              // them, so it is the budget, not chat's priority, that holds code back.
              assertThat(e.limitedBy())
                  .containsExactly("at most 4 copies (bounds and guardrails)", "endpoint.budget");
              assertThat(e.reason())
                  .contains(
                      "; arbiter: code: 1 -> 2 copies (wished 4): held back by the budget"
                          + " $7.09/h");
            });
    // Held back at 2 copies tick after tick: the hold is recorded once, when it starts, not every
    // minute.
    assertThat(slo.store().ledger("shared.code", Instant.EPOCH))
        .filteredOn(e -> e.source() == Source.SLO && e.outcome() == Outcome.NO_CHANGE)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.from()).isEqualTo(2);
              assertThat(e.limitedBy()).contains("endpoint.budget");
              assertThat(e.reason()).contains("held back by the budget $7.09/h");
            });
  }
}
