package dev.copyscale.functions.deploy;

import static dev.copyscale.twin.world.TwinFixture.invoke;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.spec.InvalidSpecException;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.world.LocalContext;
import dev.copyscale.twin.world.TwinFixture;
import dev.copyscale.twin.world.TwinWorld;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every deploy event in events/, through the handler as Lambda runs it, against the twin. */
class DeployHandlerTest {
  private TwinWorld world;
  private DeployHandler handler;
  private final LocalContext context = new LocalContext("copyscale-test-deploy");

  @BeforeEach
  void freshWorld() {
    world = TwinWorld.fresh(TwinFixture.START);
    handler = new DeployHandler(world.services().deploy());
  }

  /**
   * The template's reconcile schedule: the same handler, every minute, with {"action":
   * "reconcile"}.
   */
  private Stack reconcileSchedule() {
    return Stack.ticking(now -> invoke(handler, "deploy-reconcile.json", context));
  }

  @Test
  void theSpecAsEventStartsTheDeployment() {
    JsonNode response = invoke(handler, "deploy-llama3-8b.json", context);
    assertThat(response.get("deployment").asText()).isEqualTo("llama3-chat");
    assertThat(response.get("phase").asText()).isEqualTo("Creating");
    assertThat(response.get("actions")).hasSize(3);
    assertThat(response.get("observed").get("endpointStatus").asText()).isEqualTo("Creating");
  }

  @Test
  void theReconcileScheduleCarriesItToInService() {
    invoke(handler, "deploy-llama3-8b.json", context);
    world.advance(Duration.ofMinutes(20), reconcileSchedule());
    JsonNode response = invoke(handler, "deploy-continue.json", context);
    assertThat(response.get("phase").asText()).isEqualTo("InService");
    assertThat(response.get("actions")).isEmpty();
    assertThat(response.get("observed").get("componentStatus").asText()).isEqualTo("InService");
    assertThat(response.get("observed").get("currentCopies").asInt()).isEqualTo(4);
    assertThat(response.get("observed").get("scalableTarget").asText()).isEqualTo("[4, 8]");
  }

  @Test
  void anEventBridgeEventCarriesTheSpecInDetail() {
    JsonNode response = invoke(handler, "deploy-eventbridge.json", context);
    assertThat(response.get("phase").asText()).isEqualTo("Creating");
    assertThat(world.stateTable().deployment("llama3-chat")).isPresent();
  }

  @Test
  void theReconcileTickAnswersForEveryDeployment() {
    invoke(handler, "deploy-llama3-8b.json", context);
    JsonNode response = invoke(handler, "deploy-reconcile.json", context);
    assertThat(response.get("results")).hasSize(1);
    assertThat(response.get("results").get(0).get("waitingFor").asText())
        .isEqualTo("endpoint llama3-chat is Creating");
  }

  @Test
  void deleteTearsDown() {
    invoke(handler, "deploy-llama3-8b.json", context);
    world.advance(Duration.ofMinutes(20), reconcileSchedule());
    assertThat(invoke(handler, "deploy-delete.json", context).get("phase").asText())
        .isEqualTo("Deleting");
    world.advance(Duration.ofMinutes(10), reconcileSchedule());
    assertThat(invoke(handler, "deploy-continue.json", context).get("phase").asText())
        .isEqualTo("Deleted");
    assertThat(world.sageMaker().state().endpoints()).isEmpty();
  }

  @Test
  void badEventsFailClearlyAndChangeNothing() {
    assertThatThrownBy(() -> invoke(handler, "deploy-invalid-spec.json", context))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("component.copies: -1 is out of range")
        .hasMessageContaining("scaling.stepPolicies[0].steps[1]: overlaps step 0");
    assertThatThrownBy(() -> invoke(handler, "deploy-malformed.json", context))
        .hasMessageStartingWith("deploy event is not valid JSON");
    assertThatThrownBy(() -> invoke(handler, "deploy-unknown-deployment.json", context))
        .hasMessageContaining("unknown deployment \"no-such-deployment\"");
    assertThat(world.sageMaker().state().models()).isEmpty();
    assertThat(world.stateTable().deployments()).isEmpty();
  }

  @Test
  void weightsFromS3MakeAModelWithoutAToken() {
    com.fasterxml.jackson.databind.node.ObjectNode spec =
        (com.fasterxml.jackson.databind.node.ObjectNode) TwinFixture.json("deploy-llama3-8b.json");
    ((com.fasterxml.jackson.databind.node.ObjectNode) spec.get("component"))
        .remove("hfTokenSecretArn");
    ((com.fasterxml.jackson.databind.node.ObjectNode) spec.get("component"))
        .put("modelDataS3Uri", "s3://my-models/llama3-8b-instruct/");
    assertThat(
            invoke(
                    handler,
                    dev.copyscale.json.Json.compact(spec)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    context)
                .get("phase")
                .asText())
        .isEqualTo("Creating");
    dev.copyscale.twin.sagemaker.SageMakerState.Model model =
        world.sageMaker().state().models().values().iterator().next();
    assertThat(model.environment())
        .containsEntry("HF_MODEL_ID", "/opt/ml/model")
        .doesNotContainKeys("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN");
    assertThat(model.modelDataS3Uri()).isEqualTo("s3://my-models/llama3-8b-instruct/");
    assertThat(model.modelDataS3DataType()).isEqualTo("S3Prefix");
    assertThat(model.modelDataCompression()).isEqualTo("None");
  }

  @Test
  void aKeyGivenTwiceIsRefusedAndChangesNothing() {
    // The last "copies" used to win: the spec deployed with a value its author may not have meant.
    String spec =
        new String(
                TwinFixture.event("deploy-llama3-8b.json"), java.nio.charset.StandardCharsets.UTF_8)
            .replaceFirst("\"copies\": 4", "\"copies\": 4, \"copies\": 16");
    assertThat(spec).contains("\"copies\": 16");
    assertThatThrownBy(
            () -> invoke(handler, spec.getBytes(java.nio.charset.StandardCharsets.UTF_8), context))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the key \"copies\" appears twice in one object");
    assertThat(world.sageMaker().state().models()).isEmpty();
    assertThat(world.stateTable().deployments()).isEmpty();
  }

  @Test
  void aForeignExecutionRoleIsRefused() {
    DeployHandler guarded =
        new DeployHandler(
            world
                .services()
                .withConfig(
                    new dev.copyscale.deploy.DeployConfig(
                        "copyscale-test",
                        java.util.Optional.of("arn:aws:iam::123456789012:role/OtherRole"),
                        java.util.Optional.of(
                            dev.copyscale.twin.account.StackSettings.SCHEDULED_SCALING_ARN),
                        java.util.Optional.of(
                            dev.copyscale.twin.account.StackSettings.SCHEDULER_ROLE_ARN),
                        java.util.Optional.of(
                            dev.copyscale.twin.account.StackSettings.FAILED_EVENTS_QUEUE_ARN)))
                .deploy());
    assertThatThrownBy(() -> invoke(guarded, "deploy-llama3-8b.json", context))
        .hasMessageContaining("is not the role this stack may pass to SageMaker");
    assertThat(world.sageMaker().state().models()).isEmpty();
  }
}
