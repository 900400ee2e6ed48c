package dev.copyscale.scaling.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.json.Json;
import dev.copyscale.testing.RepoFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventOriginTest {
  static final EventOrigin HOME = new EventOrigin("123456789012", "us-east-1");

  static ObjectNode event(String file) throws Exception {
    return (ObjectNode) Json.mapper().readTree(RepoFiles.read("events/" + file));
  }

  /** Every example event with an envelope comes from the examples' account and region. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "alarm-eventbridge-burst.json",
        "alarm-lambda-action-burst.json",
        "alarm-idle.json",
        "schedule-scheduled-event.json",
        "deploy-eventbridge.json",
        "schedule-business-hours.json",
        "deploy-llama3-8b.json",
        "deploy-reconcile.json"
      })
  void theExamplesAreFromHome(String file) throws Exception {
    assertThat(HOME.check(event(file))).isEmpty();
  }

  @Test
  void anEventBridgeEventOfAnotherAccountIsIgnoredNamingAccount() throws Exception {
    // An alarm of account 999999999999, delivered through a bus that admits it, used to scale.
    ObjectNode event = event("alarm-eventbridge-burst.json").put("account", "999999999999");
    assertThat(HOME.check(event))
        .contains(
            "account \"999999999999\" is not this function's account 123456789012; the event is"
                + " ignored");
    assertThat(
            EventOrigin.check(
                event("schedule-scheduled-event.json").put("region", "eu-west-1"),
                "123456789012",
                "us-east-1"))
        .contains(
            "region \"eu-west-1\" is not this function's region us-east-1; the event is ignored");
    event = event("alarm-eventbridge-burst.json");
    event.remove("account");
    assertThat(HOME.check(event))
        .hasValueSatisfying(r -> assertThat(r).startsWith("account is missing"));
  }

  @Test
  void theResourcesOfAnEventBridgeEventMustBeOursToo() throws Exception {
    ObjectNode event = event("alarm-eventbridge-burst.json");
    event
        .putArray("resources")
        .add("arn:aws:cloudwatch:us-east-1:999999999999:alarm:copyscale-llama3-chat-burst");
    assertThat(HOME.check(event))
        .hasValueSatisfying(
            r ->
                assertThat(r)
                    .startsWith(
                        "resources[0]"
                            + " \"arn:aws:cloudwatch:us-east-1:999999999999:alarm:copyscale-llama3-chat-burst\""
                            + " is in account 999999999999"));
    event.putArray("resources").add("arn:aws:iam::aws:policy/x").add("not an arn");
    assertThat(HOME.check(event)).isEmpty();
  }

  @Test
  void aDirectAlarmActionIsCheckedByAccountIdRegionAndAlarmArn() throws Exception {
    assertThat(HOME.check(event("alarm-lambda-action-burst.json").put("accountId", "999999999999")))
        .hasValueSatisfying(
            r ->
                assertThat(r)
                    .startsWith(
                        "accountId \"999999999999\" is not this function's account 123456789012"));
    assertThat(HOME.check(event("alarm-lambda-action-burst.json").put("region", "us-west-2")))
        .hasValueSatisfying(
            r -> assertThat(r).startsWith("region \"us-west-2\" is not this function's region"));
    assertThat(
            HOME.check(
                event("alarm-lambda-action-burst.json")
                    .put(
                        "alarmArn",
                        "arn:aws:cloudwatch:us-west-2:123456789012:alarm:copyscale-llama3-chat-burst")))
        .hasValueSatisfying(
            r -> assertThat(r).startsWith("alarmArn ").contains("is in region us-west-2"));
    ObjectNode noArn = event("alarm-lambda-action-burst.json");
    noArn.remove("alarmArn");
    assertThat(HOME.check(noArn))
        .hasValueSatisfying(r -> assertThat(r).startsWith("alarmArn is missing"));
  }

  @Test
  void inputWithoutAnEnvelopeNamesNoOrigin() throws Exception {
    assertThat(
            HOME.check(Json.mapper().readTree("{\"deployment\": \"a\", \"schedule\": \"nights\"}")))
        .isEmpty();
    assertThat(HOME.check(Json.mapper().readTree("{\"action\": \"reconcile\"}"))).isEmpty();
  }

  @Test
  void theOriginItselfIsWellFormed() {
    assertThatThrownBy(() -> new EventOrigin("12345", "us-east-1"))
        .hasMessageContaining("12-digit");
    assertThatThrownBy(() -> new EventOrigin("123456789012", "mars"))
        .hasMessageContaining("region");
    assertThat(new EventOrigin("123456789012", "us-gov-west-1").region())
        .isEqualTo("us-gov-west-1");
  }
}
