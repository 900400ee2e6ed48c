package dev.copyscale.scaling.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.json.Json;
import dev.copyscale.spec.Comparison;
import dev.copyscale.testing.RepoFiles;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class AlarmEventTest {
  static AlarmEvent withDatapoints(Double... values) {
    return new AlarmEvent(
        "copyscale-x-burst",
        AlarmState.ALARM,
        Instant.parse("2026-11-25T10:00:00Z"),
        "",
        List.of(values),
        Optional.of(8.0),
        "k",
        Delivery.EVENTBRIDGE);
  }

  @Test
  void aOneOfTwoAlarmIsSizedFromItsBreachingDatapoint() {
    // In ALARM on 14.6 >= 8 with the other datapoint at 1.2: averaging both (7.9) would be no
    // breach at all.
    AlarmEvent event = withDatapoints(14.6, 1.2);
    assertThat(event.aggregate("Average"))
        .hasValueSatisfying(v -> assertThat(v).isCloseTo(7.9, within(1e-9)));
    assertThat(
            event.aggregateBreaching("Average", 8, Comparison.GREATER_THAN_OR_EQUAL_TO_THRESHOLD))
        .contains(14.6);
  }

  @Test
  void theAggregationAppliesToTheBreachingDatapoints() {
    AlarmEvent event = withDatapoints(10.0, 20.0, 3.0);
    assertThat(event.aggregateBreaching("Average", 8, Comparison.GREATER_THAN_THRESHOLD))
        .contains(15.0);
    assertThat(event.aggregateBreaching("Minimum", 8, Comparison.GREATER_THAN_THRESHOLD))
        .contains(10.0);
    assertThat(event.aggregateBreaching("Maximum", 8, Comparison.GREATER_THAN_THRESHOLD))
        .contains(20.0);
    // Below-threshold alarms breach downwards.
    assertThat(event.aggregateBreaching("Average", 8, Comparison.LESS_THAN_THRESHOLD))
        .contains(3.0);
    assertThat(event.aggregateBreaching("Average", 10, Comparison.LESS_THAN_OR_EQUAL_TO_THRESHOLD))
        .contains(6.5);
  }

  @Test
  void withNoBreachingDatapointAllOfThemCount() {
    assertThat(
            withDatapoints(2.0, 4.0)
                .aggregateBreaching("Average", 8, Comparison.GREATER_THAN_OR_EQUAL_TO_THRESHOLD))
        .contains(3.0);
    assertThat(
            withDatapoints()
                .aggregateBreaching("Average", 8, Comparison.GREATER_THAN_OR_EQUAL_TO_THRESHOLD))
        .isEmpty();
  }

  /** An event file of events/ with its reason data changed by {@code change}. */
  static ObjectNode withReasonData(String file, String stateAt, Consumer<ObjectNode> change)
      throws Exception {
    ObjectNode event = (ObjectNode) Json.mapper().readTree(RepoFiles.read("events/" + file));
    ObjectNode state = (ObjectNode) event.get(stateAt).get("state");
    ObjectNode reasonData = (ObjectNode) Json.mapper().readTree(state.get("reasonData").asText());
    change.accept(reasonData);
    state.put("reasonData", Json.compact(reasonData));
    return event;
  }

  @Test
  void theIdleExampleParsesWithItsDatapoints() throws Exception {
    AlarmEvent event = AlarmEvent.parse(withReasonData("alarm-idle.json", "detail", r -> {}));
    assertThat(event.datapoints()).containsExactly(0.3, 0.0, 0.0, 0.1, 0.2);
    assertThat(event.threshold()).contains(1.0);
  }

  @Test
  void aNonNumericRecentDatapointIsRefusedNamingIt() throws Exception {
    // "abc" used to read as 0.0: an idle alarm then scaled in on data it never had.
    JsonNode event =
        withReasonData(
            "alarm-idle.json",
            "detail",
            r -> {
              ((ArrayNode) r.get("recentDatapoints"))
                  .set(1, Json.mapper().getNodeFactory().textNode("abc"));
              r.remove("evaluatedDatapoints");
            });
    assertThatThrownBy(() -> AlarmEvent.parse(event))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("detail.state.reasonData.recentDatapoints[1] must be a number, got \"abc\"");
    // Refused even when the evaluated datapoints would have been used instead.
    JsonNode both =
        withReasonData(
            "alarm-idle.json",
            "detail",
            r ->
                ((ArrayNode) r.get("recentDatapoints"))
                    .set(0, Json.mapper().getNodeFactory().booleanNode(true)));
    assertThatThrownBy(() -> AlarmEvent.parse(both))
        .hasMessageContaining("recentDatapoints[0] must be a number, got true");
  }

  @Test
  void aNonNumericEvaluatedDatapointOrThresholdIsRefusedNamingIt() throws Exception {
    JsonNode value =
        withReasonData(
            "alarm-lambda-action-burst.json",
            "alarmData",
            r -> ((ObjectNode) r.get("evaluatedDatapoints").get(0)).put("value", "11.0"));
    assertThatThrownBy(() -> AlarmEvent.parse(value))
        .hasMessage(
            "alarmData.state.reasonData.evaluatedDatapoints[0].value must be a number, got"
                + " \"11.0\"");
    JsonNode threshold =
        withReasonData("alarm-idle.json", "detail", r -> r.put("threshold", "one"));
    assertThatThrownBy(() -> AlarmEvent.parse(threshold))
        .hasMessage("detail.state.reasonData.threshold must be a number, got \"one\"");
    JsonNode notAList =
        withReasonData("alarm-idle.json", "detail", r -> r.put("recentDatapoints", 3));
    assertThatThrownBy(() -> AlarmEvent.parse(notAList))
        .hasMessage("detail.state.reasonData.recentDatapoints must be a list, got 3");
  }

  @Test
  void anEvaluatedDatapointWithoutAValueIsMissingDataNotZero() throws Exception {
    AlarmEvent event =
        AlarmEvent.parse(
            withReasonData(
                "alarm-idle.json",
                "detail",
                r -> ((ObjectNode) r.get("evaluatedDatapoints").get(0)).remove("value")));
    assertThat(event.datapoints()).containsExactly(0.0, 0.0, 0.1, 0.2);
  }

  @Test
  void aKeyGivenTwiceInTheReasonDataIsRefused() throws Exception {
    ObjectNode event =
        (ObjectNode) Json.mapper().readTree(RepoFiles.read("events/alarm-idle.json"));
    ObjectNode state = (ObjectNode) event.get("detail").get("state");
    state.put(
        "reasonData",
        state
            .get("reasonData")
            .asText()
            .replace("\"threshold\": 1.0", "\"threshold\": 1.0, \"threshold\": 100.0"));
    assertThatThrownBy(() -> AlarmEvent.parse(event))
        .hasMessageContaining(
            "detail.state.reasonData is not JSON: the key \"threshold\" appears twice in one"
                + " object");
  }

  @Test
  void anEventStampedFarInTheFutureIsRefusedNamingTheField() throws Exception {
    // Stamped 2099: as the alarm's newest state it made every later real change look late.
    ObjectNode event =
        (ObjectNode) Json.mapper().readTree(RepoFiles.read("events/alarm-idle.json"));
    ((ObjectNode) event.get("detail").get("state"))
        .put("timestamp", "2099-01-01T00:00:00.000+0000");
    Instant now = Instant.parse("2026-11-25T11:05:30Z");
    assertThat(AlarmEvent.parse(event).checkSkew(now, EventSkew.MAX_SKEW))
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .startsWith(
                        "detail.state.timestamp 2099-01-01T00:00:00Z is 26334 days ahead of the"
                            + " function's clock (2026-11-25T11:05:30Z)")
                    .endsWith(
                        "more than the 5 minutes of clock skew allowed; the event is ignored"));
  }

  @Test
  void theEventsOwnTimeIsBoundedToo() throws Exception {
    ObjectNode event =
        (ObjectNode)
            Json.mapper().readTree(RepoFiles.read("events/alarm-lambda-action-burst.json"));
    Instant now = Instant.parse("2026-11-25T10:10:30Z");
    assertThat(AlarmEvent.parse(event).checkSkew(now, EventSkew.MAX_SKEW)).isEmpty();
    event.put("time", "2026-11-25T10:20:30.000+0000");
    assertThat(AlarmEvent.parse(event).checkSkew(now, EventSkew.MAX_SKEW))
        .hasValueSatisfying(
            reason ->
                assertThat(reason).startsWith("time 2026-11-25T10:20:30Z is 10 minutes ahead"));
    ((ObjectNode) event.get("alarmData").get("state"))
        .put("timestamp", "2026-11-25T10:20:30.000+0000");
    assertThat(AlarmEvent.parse(event).checkSkew(now, EventSkew.MAX_SKEW))
        .hasValueSatisfying(reason -> assertThat(reason).startsWith("alarmData.state.timestamp "));
    event.put("time", "next tuesday");
    assertThatThrownBy(() -> AlarmEvent.parse(event))
        .hasMessageStartingWith("time \"next tuesday\" is not a timestamp");
  }

  @Test
  void withinTheBoundAndInThePastIsFine() throws Exception {
    AlarmEvent event =
        AlarmEvent.parse(Json.mapper().readTree(RepoFiles.read("events/alarm-idle.json")));
    assertThat(event.sentAt()).contains(Instant.parse("2026-11-25T11:05:10Z"));
    // Four minutes early (a slow function clock) and a day late (a late delivery) both pass.
    assertThat(event.checkSkew(Instant.parse("2026-11-25T11:01:10Z"), EventSkew.MAX_SKEW))
        .isEmpty();
    assertThat(event.checkSkew(Instant.parse("2026-11-26T11:05:10Z"), EventSkew.MAX_SKEW))
        .isEmpty();
    assertThat(event.checkSkew(Instant.parse("2026-11-25T11:00:09Z"), EventSkew.MAX_SKEW))
        .isPresent();
  }

  @Test
  void anEventIsWhatItClaimsOnlyFromCloudWatchAndAboutTheAlarmItNames() throws Exception {
    for (String file : List.of("alarm-eventbridge-burst.json", "alarm-lambda-action-burst.json")) {
      com.fasterxml.jackson.databind.node.ObjectNode json =
          (com.fasterxml.jackson.databind.node.ObjectNode)
              dev.copyscale.json.Json.mapper()
                  .readTree(dev.copyscale.testing.RepoFiles.read("events/" + file));
      AlarmEvent event = AlarmEvent.parse(json);
      assertThat(event.misclaimed(json)).as(file).isEmpty();
      json.put("source", "aws.ec2");
      assertThat(event.misclaimed(json))
          .as(file)
          .hasValueSatisfying(
              why -> assertThat(why).startsWith("source \"aws.ec2\" is not \"aws.cloudwatch\""));
    }
  }

  @Test
  void theAlarmNamedTwiceMustBeOneAlarm() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode bridge =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            dev.copyscale.json.Json.mapper()
                .readTree(
                    dev.copyscale.testing.RepoFiles.read("events/alarm-eventbridge-burst.json"));
    AlarmEvent event = AlarmEvent.parse(bridge);
    // A name that only ends like it is another alarm.
    bridge
        .putArray("resources")
        .add("arn:aws:cloudwatch:us-east-1:123456789012:alarm:other-copyscale-llama3-chat-burst");
    assertThat(event.misclaimed(bridge)).isPresent();
    bridge.putArray("resources");
    assertThat(event.misclaimed(bridge))
        .hasValueSatisfying(why -> assertThat(why).startsWith("resources [] name no alarm"));
  }
}
