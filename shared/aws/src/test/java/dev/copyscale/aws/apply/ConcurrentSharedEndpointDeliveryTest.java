package dev.copyscale.aws.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.scaling.AlarmService;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.scaling.arbiter.Arbiter;
import dev.copyscale.scaling.arbiter.ArbiterDecision;
import dev.copyscale.scaling.arbiter.ComponentWish;
import dev.copyscale.scaling.arbiter.CopyResources;
import dev.copyscale.scaling.arbiter.EndpointLimits;
import dev.copyscale.scaling.event.AlarmEvent;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two components of one endpoint, each alarmed at once (issue 23, "Done when"): the step-scaling
 * function's service invoked on two threads released together, against the state table on moto's
 * DynamoDB, each invocation's commit held until the other has read and decided on the same state.
 * events/deploy-shared-endpoint-orchestrated.json: chat (priority 10, 2 copies) and code (priority
 * 0, 1 copy), one GPU a copy, a budget that buys one ml.g5.12xlarge (4 GPUs); chat's alarm wishes
 * +4 copies, code's +1. The endpoint's version in each commit makes one win; the other retries and
 * grants its wish against the winner's intent.
 */
class ConcurrentSharedEndpointDeliveryTest {
  static final CopyResources COPY = new CopyResources(1, 6, 40960);
  static final EndpointLimits ONE_INSTANCE_BUDGET =
      new EndpointLimits(
          Catalog.bundled().instanceType("ml.g5.12xlarge").orElseThrow(),
          1,
          3,
          OptionalDouble.of(7.09));

  TwinStack stack;
  StateStore table;
  ConcurrentInvocations invocations;

  @BeforeEach
  void deployed() {
    stack =
        TwinStack.onDynamoDb(TwinStack.START)
            .deploy(TwinStack.json("deploy-shared-endpoint-orchestrated.json"))
            .catchUpWithTheEvents();
    table = stack.store();
    assertThat(stack.desiredCopies("chat")).isEqualTo(2);
    assertThat(stack.desiredCopies("code")).isEqualTo(1);
    invocations = new ConcurrentInvocations(stack);
  }

  @AfterEach
  void stop() {
    invocations.close();
  }

  /**
   * What the arbiter grants when the two wishes are decided one after the other in {@code order}:
   * each component asks what it was granted; the one deciding wishes its engine's copies.
   */
  static Map<String, Integer> serialized(List<String> order) {
    Map<String, Integer> priority = Map.of("chat", 10, "code", 0);
    Map<String, Integer> wish = Map.of("chat", 6, "code", 2);
    Map<String, Integer> asked = new LinkedHashMap<>(Map.of("chat", 2, "code", 1));
    for (String deciding : order) {
      List<ComponentWish> wishes = new ArrayList<>();
      for (String c : List.of("chat", "code")) {
        wishes.add(
            new ComponentWish(
                c,
                priority.get(c),
                COPY,
                1,
                8,
                asked.get(c),
                c.equals(deciding) ? wish.get(c) : asked.get(c),
                ""));
      }
      ArbiterDecision d = Arbiter.decide(ONE_INSTANCE_BUDGET, List.of(), wishes);
      for (String c : List.of("chat", "code")) {
        int granted = d.grant(c).copies();
        asked.put(c, c.equals(deciding) ? granted : Math.min(asked.get(c), granted));
      }
    }
    return asked;
  }

  List<LedgerEntry> entriesOf(String target, JsonNode event) {
    String key = AlarmEvent.parse(event).eventKey();
    return table.ledger(target, Instant.EPOCH).stream()
        .filter(e -> e.eventId().equals(key))
        .toList();
  }

  @Test
  void alarmsOfTwoComponentsAtOnceCommitOnceEachAndEndAtOneSerializedOrdersGrant()
      throws Exception {
    JsonNode chat = TwinStack.json("alarm-shared-chat-burst.json");
    JsonNode code = TwinStack.json("alarm-shared-code-burst.json");
    AlarmService meeting =
        invocations.alarms(new ConcurrentAlarmDeliveryTest.MeetBeforeCommit(table));
    List<ScalingResult> results =
        invocations.both(
            () -> meeting.handle(chat, TwinStack.ORIGIN),
            () -> meeting.handle(code, TwinStack.ORIGIN));
    AlarmService ticking = invocations.alarms(table);
    for (int i = 0; i < 5; i++) {
      stack.account().pause(Duration.ofMinutes(1));
      ticking.tick();
    }

    // One committed write per event, each in its own component's ledger.
    assertThat(table.handled(AlarmEvent.parse(chat).eventKey())).isTrue();
    assertThat(table.handled(AlarmEvent.parse(code).eventKey())).isTrue();
    assertThat(entriesOf("shared.chat", chat)).hasSize(1);
    assertThat(entriesOf("shared.code", code)).hasSize(1);
    assertThat(results.get(0).outcome()).isIn(Outcome.SCALED, Outcome.PENDING);

    // Both serialized orders grant chat 3 and code 1 (chat's priority takes code's second copy, or
    // holds it back); what SageMaker has is that, on the one instance the budget buys.
    Map<String, Integer> chatFirst = serialized(List.of("chat", "code"));
    Map<String, Integer> codeFirst = serialized(List.of("code", "chat"));
    assertThat(chatFirst).isEqualTo(Map.of("chat", 3, "code", 1));
    assertThat(codeFirst).isEqualTo(chatFirst);
    assertThat(Map.of("chat", stack.desiredCopies("chat"), "code", stack.desiredCopies("code")))
        .isEqualTo(chatFirst);
    assertThat(table.target("shared.chat").intent()).isEmpty();
    assertThat(table.target("shared.code").intent()).isEmpty();
    assertThat(stack.instances("shared")).isEqualTo(1);
    assertThat(table.endpointVersion("shared")).isEqualTo(2);
  }
}
