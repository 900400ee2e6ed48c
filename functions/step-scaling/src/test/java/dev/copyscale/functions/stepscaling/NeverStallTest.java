package dev.copyscale.functions.stepscaling;

import static dev.copyscale.twin.world.TwinFixture.desiredCopies;
import static dev.copyscale.twin.world.TwinFixture.invoke;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.twin.world.LocalContext;
import dev.copyscale.twin.world.TwinFixture;
import dev.copyscale.twin.world.TwinWorld;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/**
 * Failures that used to leave a deployment stuck or wrong: a copy write SageMaker refuses after the
 * instances were raised, a broken deployment beside a healthy one, a refused spec update.
 */
class NeverStallTest {
  final LocalContext context = new LocalContext("copyscale-test-step-scaling");
  TwinWorld world;
  final AtomicBoolean refuseCopyWrites = new AtomicBoolean();

  @BeforeEach
  void deployed() {
    // Without the idle policy, which acts in the quiet hours the clock skips and would take copies
    // away meanwhile.
    world =
        TwinFixture.deployed(
            TwinFixture.withoutPolicy("deploy-llama3-8b-orchestrated.json", "idle"),
            TwinFixture.START);
    TwinFixture.catchUpWithTheEvents(world);
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(2);
  }

  AlarmHandler handler() {
    Clients twin = world.clients();
    SageMakerClient refusing =
        (SageMakerClient)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {SageMakerClient.class},
                (proxy, method, args) -> {
                  if (refuseCopyWrites.get()
                      && method.getName().equals("updateInferenceComponentRuntimeConfig")
                      && copyCount(args[0]) > 4) {
                    throw SageMakerException.builder()
                        .statusCode(400)
                        .awsErrorDetails(
                            AwsErrorDetails.builder()
                                .serviceName("SageMaker")
                                .errorCode("ValidationException")
                                .errorMessage(
                                    "Copy count 6 exceeds the account's quota for ml.g5.12xlarge"
                                        + " copies")
                                .build())
                        .build();
                  }
                  try {
                    return method.invoke(twin.sageMaker(), args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    Clients clients =
        Clients.of(
            refusing,
            twin.autoScaling(),
            twin.cloudWatch(),
            twin.eventBridge(),
            twin.secrets(),
            twin.scheduler(),
            null);
    return new AlarmHandler(world.services().withClients(clients).alarms());
  }

  /**
   * The copy count a call asks for, whichever overload (request or builder consumer) copyscale
   * used.
   */
  @SuppressWarnings("unchecked")
  static int copyCount(Object arg) {
    var request =
        arg
                instanceof
                software.amazon.awssdk.services.sagemaker.model
                        .UpdateInferenceComponentRuntimeConfigRequest
                    r
            ? r
            : software.amazon.awssdk.services.sagemaker.model
                .UpdateInferenceComponentRuntimeConfigRequest.builder()
                .applyMutation(
                    (java.util.function.Consumer<
                            software.amazon.awssdk.services.sagemaker.model
                                .UpdateInferenceComponentRuntimeConfigRequest.Builder>)
                        arg)
                .build();
    return request.desiredRuntimeConfig().copyCount();
  }

  int instances() {
    return world
        .sageMaker()
        .describeEndpoint(b -> b.endpointName("llama3-chat"))
        .productionVariants()
        .get(0)
        .desiredInstanceCount();
  }

  List<LedgerEntry> decisions() {
    return world.stateTable().ledger("llama3-chat", Instant.EPOCH).stream()
        .filter(e -> e.source() != Source.DEPLOY)
        .toList();
  }

  JsonNode tick() {
    return invoke(handler(), "deploy-reconcile.json", context);
  }

  @Test
  void aRefusedCopyWriteReleasesTheInstanceRaisedForItAndTheLedgerSaysFailedOnly() {
    refuseCopyWrites.set(true);
    assertThat(invoke(handler(), "alarm-eventbridge-burst.json", context).get("outcome").asText())
        .isEqualTo("PENDING");
    assertThat(instances()).isEqualTo(2);
    world.pause(Duration.ofMinutes(10));
    JsonNode result = tick().get("results").get(0);

    assertThat(result.get("outcome").asText()).isEqualTo("FAILED");
    assertThat(result.get("reason").asText())
        .contains("ValidationException")
        .contains("instances 2 -> 1");
    // the 4 copies the first instance holds were written before the refusal; the entry says 2 -> 4,
    // FAILED
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(4);
    assertThat(result.get("to").asInt()).isEqualTo(4);
    assertThat(instances())
        .as("the instance raised for the copies that never came is released")
        .isEqualTo(1);
    assertThat(decisions()).extracting(LedgerEntry::outcome).containsExactly(Outcome.FAILED);
    assertThat(world.stateTable().target("llama3-chat").cooldowns().lastScaleOut())
        .as("the failed decision's cooldown is withdrawn")
        .isEmpty();
    assertThat(world.stateTable().target("llama3-chat").intent()).isEmpty();
  }

  @Test
  void aBrokenDeploymentDoesNotStallTheTickOfTheOthers() {
    // A second deployment whose stored spec cannot be read (hand-edited table, a bug): its tick
    // fails alone.
    DeploymentRecord good = world.stateTable().deployment("llama3-chat").orElseThrow();
    world
        .stateTable()
        .save(
            new DeploymentRecord(
                "broken",
                "{\"apiVersion\": \"copyscale/v1\", \"name\": 42}",
                good.phase(),
                false,
                good.applied(),
                List.of(),
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                good.updatedAt(),
                java.util.Optional.empty(),
                List.of(),
                1));
    invoke(handler(), "alarm-eventbridge-burst.json", context);
    world.pause(Duration.ofMinutes(10));
    List<JsonNode> results = new java.util.ArrayList<>();
    tick().get("results").forEach(results::add);
    assertThat(results)
        .anySatisfy(
            r -> {
              assertThat(r.get("deployment").asText()).isEqualTo("broken");
              assertThat(r.get("outcome").asText()).isEqualTo("FAILED");
            });
    assertThat(desiredCopies(world, "llama3-chat-ic")).isEqualTo(6);
  }

  @Test
  void aFailedSpecUpdateLeavesTheDeploymentScalingOnItsLastGoodSpec() {
    JsonNode update = TwinFixture.json("deploy-llama3-8b-orchestrated.json").deepCopy();
    ObjectNode spec = update.has("spec") ? (ObjectNode) update.get("spec") : (ObjectNode) update;
    // A new image tag: the component update that follows is what SageMaker would roll out (and here
    // never finishes).
    ((ObjectNode) spec.get("component"))
        .put(
            "image",
            "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:9.9.9-does-not-exist");
    world.services().deploy().handle(update);
    DeploymentRecord record = world.stateTable().deployment("llama3-chat").orElseThrow();
    assertThat(record.specJson()).contains("9.9.9-does-not-exist");
    assertThat(record.scalingSpecJson())
        .as("scaling follows the spec that reached InService")
        .hasValueSatisfying(s -> assertThat(s).doesNotContain("9.9.9"));
    JsonNode result = invoke(handler(), "alarm-eventbridge-burst.json", context);
    assertThat(result.get("outcome").asText()).isIn("SCALED", "PENDING");
  }
}
