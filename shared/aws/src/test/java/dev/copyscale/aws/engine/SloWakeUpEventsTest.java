package dev.copyscale.aws.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.scaling.AlarmService;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.testing.NoCallClients;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.aws.wiring.Services;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.Source;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Wake-up alarm events engine slo does not act on: another account's (ignored before anything is
 * read), the rise alarm returning to OK or INSUFFICIENT_DATA, and a wake-up alarm no deployment
 * owns.
 */
class SloWakeUpEventsTest {
  static JsonNode withState(JsonNode event, String state) {
    ObjectNode json = event.deepCopy();
    ((ObjectNode) json.get("detail").get("state")).put("value", state);
    json.put("id", json.get("id").asText() + "-" + state);
    return json;
  }

  @Test
  void aWakeUpAlarmOfAnotherAccountIsIgnoredBeforeAnythingIsRead() throws Exception {
    Instant sent = Instant.parse("2026-11-25T10:00:25Z");
    NoCallClients aws = new NoCallClients(Clock.fixed(sent.plusSeconds(20), ZoneOffset.UTC));
    Services services = aws.services.withStore(aws.refusing(StateStore.class));
    ObjectNode foreign = (ObjectNode) TwinStack.json("alarm-slo-rise.json");
    foreign.put("account", "999999999999");

    ScalingResult result = services.alarms().handle(foreign, TwinStack.ORIGIN);

    assertThat(result.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(result.reason()).contains("account").contains("999999999999");
    assertThat(aws.calls).as("no AWS call, no state read").isEmpty();
  }

  @Test
  void theRiseAlarmReturningToOkOrInsufficientDataChangesNothingAndSaysWhy() throws Exception {
    TwinStack stack = TwinStack.deployed("deploy-llama3-8b-slo.json").catchUpWithTheEvents();
    AlarmService alarms = stack.services().alarms();
    List<LedgerEntry> before = stack.store().ledger("llama3-chat", Instant.EPOCH);
    int copies = stack.desiredCopies("llama3-chat-ic");
    JsonNode rise =
        TwinStack.jsonAt("alarm-slo-rise.json", stack.account().clock().instant().minusSeconds(30));

    for (String state : List.of("OK", "INSUFFICIENT_DATA")) {
      ScalingResult result = alarms.handle(withState(rise, state), TwinStack.ORIGIN);
      assertThat(result.outcome()).as(state).isEqualTo(Outcome.IGNORED);
      assertThat(result.reason()).contains("alarm is " + state).contains("per-minute decision");
    }
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(copies);
    assertThat(stack.store().ledger("llama3-chat", Instant.EPOCH)).isEqualTo(before);
    assertThat(stack.store().target("llama3-chat").intent()).isEmpty();

    // The same alarm in ALARM is acted on: the ignoring above was the state's doing, not the
    // event's.
    assertThat(alarms.handle(rise, TwinStack.ORIGIN).outcome()).isNotEqualTo(Outcome.IGNORED);
  }

  @Test
  void aWakeUpAlarmNoDeploymentOwnsChangesNothing() throws Exception {
    TwinStack stack = TwinStack.deployed("deploy-llama3-8b-slo.json").catchUpWithTheEvents();
    String other =
        Json.compact(
                TwinStack.jsonAt(
                    "alarm-slo-rise.json", stack.account().clock().instant().minusSeconds(30)))
            .replace("copyscale-llama3-chat-slo-rise", "copyscale-gone-slo-rise");
    ScalingResult result =
        stack.services().alarms().handle(Json.mapper().readTree(other), TwinStack.ORIGIN);
    assertThat(result.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(result.reason())
        .contains("copyscale-gone-slo-rise")
        .contains("not one of copyscale's");
    assertThat(stack.store().ledger("llama3-chat", Instant.EPOCH))
        .noneMatch(e -> e.source() == Source.ALARM);
  }
}
