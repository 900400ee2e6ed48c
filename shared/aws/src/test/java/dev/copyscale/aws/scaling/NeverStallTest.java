package dev.copyscale.aws.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.twin.account.TwinAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/**
 * Failures that used to leave a deployment stuck or wrong: a copy write SageMaker refuses after the
 * instances were raised, a broken deployment beside a healthy one, a refused spec update.
 */
class NeverStallTest {
  TwinStack stack;
  TwinAccount world;
  StateStore table;
  final AtomicBoolean refuseCopyWrites = new AtomicBoolean();

  @BeforeEach
  void deployed() {
    // Without the idle policy, which acts in the quiet hours the clock skips and would take copies
    // away meanwhile.
    stack =
        TwinStack.deployed(TwinStack.withoutPolicy("deploy-llama3-8b-orchestrated.json", "idle"))
            .catchUpWithTheEvents();
    world = stack.account();
    table = stack.store();
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(2);
  }

  AlarmService service() {
    return stack
        .services()
        .withClients(
            stack.clientsWatchingSageMaker(
                (method, args) -> {
                  if (refuseCopyWrites.get()
                      && method.equals("updateInferenceComponentRuntimeConfig")
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
                }))
        .alarms();
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
    return stack.instances("llama3-chat");
  }

  List<LedgerEntry> decisions() {
    return table.ledger("llama3-chat", Instant.EPOCH).stream()
        .filter(e -> e.source() != Source.DEPLOY)
        .toList();
  }

  List<ScalingResult> tick() {
    return service().tick();
  }

  ScalingResult handle(String file) {
    return service().handle(TwinStack.json(file), TwinStack.ORIGIN);
  }

  @Test
  void aRefusedCopyWriteReleasesTheInstanceRaisedForItAndTheLedgerSaysFailedOnly() {
    refuseCopyWrites.set(true);
    assertThat(handle("alarm-eventbridge-burst.json").outcome()).isEqualTo(Outcome.PENDING);
    assertThat(instances()).isEqualTo(2);
    world.pause(Duration.ofMinutes(10));
    ScalingResult result = tick().get(0);

    assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(result.reason()).contains("ValidationException").contains("instances 2 -> 1");
    // the 4 copies the first instance holds were written before the refusal; the entry says 2 -> 4,
    // FAILED
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(4);
    assertThat(result.to()).isEqualTo(4);
    assertThat(instances())
        .as("the instance raised for the copies that never came is released")
        .isEqualTo(1);
    assertThat(decisions()).extracting(LedgerEntry::outcome).containsExactly(Outcome.FAILED);
    assertThat(table.target("llama3-chat").cooldowns().lastScaleOut())
        .as("the failed decision's cooldown is withdrawn")
        .isEmpty();
    assertThat(table.target("llama3-chat").intent()).isEmpty();
  }

  @Test
  void aBrokenDeploymentDoesNotStallTheTickOfTheOthers() {
    // A second deployment whose stored spec cannot be read (hand-edited table, a bug): its tick
    // fails alone.
    DeploymentRecord good = table.deployment("llama3-chat").orElseThrow();
    table.save(
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
    handle("alarm-eventbridge-burst.json");
    world.pause(Duration.ofMinutes(10));
    List<ScalingResult> results = tick();
    assertThat(results)
        .anySatisfy(
            r -> {
              assertThat(r.deployment()).contains("broken");
              assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
            });
    assertThat(stack.desiredCopies("llama3-chat-ic")).isEqualTo(6);
  }

  @Test
  void aFailedSpecUpdateLeavesTheDeploymentScalingOnItsLastGoodSpec() {
    JsonNode update = TwinStack.json("deploy-llama3-8b-orchestrated.json").deepCopy();
    ObjectNode spec = update.has("spec") ? (ObjectNode) update.get("spec") : (ObjectNode) update;
    // A new image tag: the component update that follows is what SageMaker would roll out (and here
    // never finishes).
    ((ObjectNode) spec.get("component"))
        .put(
            "image",
            "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:9.9.9-does-not-exist");
    stack.services().deploy().handle(update);
    DeploymentRecord record = table.deployment("llama3-chat").orElseThrow();
    assertThat(record.specJson()).contains("9.9.9-does-not-exist");
    assertThat(record.scalingSpecJson())
        .as("scaling follows the spec that reached InService")
        .hasValueSatisfying(s -> assertThat(s).doesNotContain("9.9.9"));
    ScalingResult result = handle("alarm-eventbridge-burst.json");
    assertThat(result.outcome()).isIn(Outcome.SCALED, Outcome.PENDING);
  }
}
