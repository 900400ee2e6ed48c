package dev.copyscale.functions.stepscaling;

import static dev.copyscale.twin.world.TwinFixture.desiredCopies;
import static dev.copyscale.twin.world.TwinFixture.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.calls.Pause;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.wiring.Services;
import dev.copyscale.deploy.DeployConfig;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.twin.world.LocalContext;
import dev.copyscale.twin.world.TwinFixture;
import dev.copyscale.twin.world.TwinWorld;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Wake-up alarm events engine slo does not act on: another account's (ignored before anything is
 * read), the rise alarm returning to OK or INSUFFICIENT_DATA, and a wake-up alarm no deployment
 * owns.
 */
class SloWakeUpEventsTest {
  final LocalContext context = new LocalContext("copyscale-test-step-scaling");

  /** Every call made to AWS or the state table, as "Type.method". */
  final List<String> calls = new CopyOnWriteArrayList<>();

  <T> T refusing(Class<T> type) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "toString":
                  return type.getSimpleName() + " that refuses every call";
                case "hashCode":
                  return System.identityHashCode(proxy);
                case "equals":
                  return proxy == args[0];
                default:
                  calls.add(type.getSimpleName() + "." + method.getName());
                  throw new AssertionError(
                      type.getSimpleName() + "." + method.getName() + " was called");
              }
            }));
  }

  static byte[] withState(byte[] event, String state) throws Exception {
    ObjectNode json = (ObjectNode) Json.mapper().readTree(event);
    ((ObjectNode) json.get("detail").get("state")).put("value", state);
    json.put("id", json.get("id").asText() + "-" + state);
    return Json.compact(json).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aWakeUpAlarmOfAnotherAccountIsIgnoredBeforeAnythingIsRead() throws Exception {
    Instant sent = Instant.parse("2026-11-25T10:00:25Z");
    Clients clients =
        Clients.of(
            refusing(SageMakerClient.class),
            refusing(ApplicationAutoScalingClient.class),
            refusing(CloudWatchClient.class),
            refusing(EventBridgeClient.class),
            refusing(SecretsManagerClient.class),
            refusing(SchedulerClient.class),
            refusing(DynamoDbClient.class));
    Services services =
        new Services(
            clients,
            refusing(StateStore.class),
            Clock.fixed(sent.plusSeconds(20), ZoneOffset.UTC),
            Pause.SLEEP,
            new DeployConfig(
                "copyscale-test",
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()),
            Duration.ofDays(30));
    ObjectNode foreign = (ObjectNode) TwinFixture.json("alarm-slo-rise.json");
    foreign.put("account", "999999999999");

    JsonNode result =
        invoke(
            new AlarmHandler(services.alarms()),
            Json.compact(foreign).getBytes(StandardCharsets.UTF_8),
            context);

    assertThat(result.get("outcome").asText()).isEqualTo("IGNORED");
    assertThat(result.get("reason").asText()).contains("account").contains("999999999999");
    assertThat(calls).as("no AWS call, no state read").isEmpty();
  }

  @Test
  void theRiseAlarmReturningToOkOrInsufficientDataChangesNothingAndSaysWhy() throws Exception {
    TwinWorld world = TwinFixture.deployed("deploy-llama3-8b-slo.json", TwinFixture.START);
    TwinFixture.catchUpWithTheEvents(world);
    AlarmHandler handler = new AlarmHandler(world.services().alarms());
    List<LedgerEntry> before = world.stateTable().ledger("llama3-chat", Instant.EPOCH);
    int copies = desiredCopies(world, "llama3-chat-ic");
    byte[] rise =
        TwinFixture.eventAt("alarm-slo-rise.json", world.clock().instant().minusSeconds(30));

    for (String state : List.of("OK", "INSUFFICIENT_DATA")) {
      JsonNode result = invoke(handler, withState(rise, state), context);
      assertThat(result.get("outcome").asText()).as(state).isEqualTo("IGNORED");
      assertThat(result.get("reason").asText())
          .contains("alarm is " + state)
          .contains("per-minute decision");
    }
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(copies);
    assertThat(world.stateTable().ledger("llama3-chat", Instant.EPOCH)).isEqualTo(before);
    assertThat(world.stateTable().target("llama3-chat").intent()).isEmpty();

    // The same alarm in ALARM is acted on: the ignoring above was the state's doing, not the
    // event's.
    assertThat(invoke(handler, rise, context).get("outcome").asText()).isNotEqualTo("IGNORED");
  }

  @Test
  void aWakeUpAlarmNoDeploymentOwnsChangesNothing() throws Exception {
    TwinWorld world = TwinFixture.deployed("deploy-llama3-8b-slo.json", TwinFixture.START);
    TwinFixture.catchUpWithTheEvents(world);
    AlarmHandler handler = new AlarmHandler(world.services().alarms());
    String other =
        new String(
                TwinFixture.eventAt(
                    "alarm-slo-rise.json", world.clock().instant().minusSeconds(30)),
                StandardCharsets.UTF_8)
            .replace("copyscale-llama3-chat-slo-rise", "copyscale-gone-slo-rise");
    JsonNode result = invoke(handler, other.getBytes(StandardCharsets.UTF_8), context);
    assertThat(result.get("outcome").asText()).isEqualTo("IGNORED");
    assertThat(result.get("reason").asText())
        .contains("copyscale-gone-slo-rise")
        .contains("not one of copyscale's");
    assertThat(world.stateTable().ledger("llama3-chat", Instant.EPOCH))
        .noneMatch(e -> e.source() == Source.ALARM);
  }
}
