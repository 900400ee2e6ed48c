package dev.copyscale.aws.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.testing.NoCallClients;
import dev.copyscale.deploy.Applied;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.deploy.Phase;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.event.EventOrigin;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.testing.RepoFiles;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Alarm events that are not what they claim are ignored before any AWS call, with the reason in the
 * ledger of the deployment whose alarm they name. Every AWS client here refuses every call.
 */
class MisclaimedAlarmEventsTest {
  static final EventOrigin ORIGIN = new EventOrigin("123456789012", "us-east-1");
  final NoCallClients aws = new NoCallClients();

  MisclaimedAlarmEventsTest() throws Exception {
    // The spec as the deploy function stores it: the deploy event's, compact.
    JsonNode deploy =
        Json.mapper().readTree(RepoFiles.read("events/deploy-llama3-8b-orchestrated.json"));
    String spec = Json.compact(deploy.has("spec") ? deploy.get("spec") : deploy);
    aws.store.save(
        new DeploymentRecord(
            "llama3-chat",
            spec,
            Phase.InService,
            false,
            Applied.none(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            Instant.parse("2026-11-25T09:00:00Z"),
            Optional.of(spec),
            List.of(
                "copyscale-llama3-chat-burst",
                "copyscale-llama3-chat-idle",
                "copyscale-llama3-chat-from-zero"),
            1));
  }

  static ObjectNode event(String file, Consumer<ObjectNode> change) throws Exception {
    ObjectNode event = (ObjectNode) Json.mapper().readTree(RepoFiles.read("events/" + file));
    change.accept(event);
    return event;
  }

  ScalingResult handle(JsonNode event) {
    return aws.services.alarms().handle(event, ORIGIN);
  }

  List<LedgerEntry> ledger() {
    return aws.store.ledger("llama3-chat", Instant.EPOCH);
  }

  @Test
  void anEventNotFromCloudWatchIsIgnoredAndRecorded() throws Exception {
    ScalingResult r =
        handle(event("alarm-eventbridge-burst.json", e -> e.put("source", "aws.ec2")));
    assertThat(r.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(r.reason())
        .isEqualTo(
            "source \"aws.ec2\" is not \"aws.cloudwatch\": only CloudWatch sends alarm state"
                + " changes; the event is ignored");
    assertThat(aws.calls).as("no AWS call").isEmpty();
    assertThat(ledger())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.outcome()).isEqualTo(Outcome.IGNORED);
              assertThat(e.trigger()).isEqualTo("copyscale-llama3-chat-burst");
              assertThat(e.reason()).isEqualTo(r.reason());
            });
  }

  @Test
  void anEventWhoseResourcesNameAnotherAlarmIsIgnored() throws Exception {
    ScalingResult r =
        handle(
            event(
                "alarm-eventbridge-burst.json",
                e ->
                    e.putArray("resources")
                        .add("arn:aws:cloudwatch:us-east-1:123456789012:alarm:team-payments")));
    assertThat(r.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(r.reason()).contains("name no alarm copyscale-llama3-chat-burst");
    assertThat(aws.calls).isEmpty();
    assertThat(ledger()).hasSize(1);
  }

  @Test
  void anAlarmActionWhoseArnNamesAnotherAlarmIsIgnored() throws Exception {
    ScalingResult r =
        handle(
            event(
                "alarm-lambda-action-burst.json",
                e ->
                    e.put(
                        "alarmArn",
                        "arn:aws:cloudwatch:us-east-1:123456789012:alarm:copyscale-llama3-chat-idle")));
    assertThat(r.reason())
        .startsWith(
            "alarmArn"
                + " \"arn:aws:cloudwatch:us-east-1:123456789012:alarm:copyscale-llama3-chat-idle\""
                + " is not the ARN of alarm copyscale-llama3-chat-burst");
    assertThat(aws.calls).isEmpty();
  }

  @Test
  void anAlarmActionWithoutItsSourceIsIgnored() throws Exception {
    ScalingResult r = handle(event("alarm-lambda-action-burst.json", e -> e.remove("source")));
    assertThat(r.reason()).startsWith("source is missing: only CloudWatch sends");
  }

  @Test
  void aMisclaimedEventOfAnAlarmNobodyOwnsIsIgnoredWithoutALedger() throws Exception {
    ScalingResult r = handle(event("alarm-not-owned.json", e -> e.put("source", "aws.ec2")));
    assertThat(r.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(r.deployment()).isEmpty();
    assertThat(ledger()).isEmpty();
  }
}
