package dev.copyscale.aws.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.deploy.DeployConfig;
import dev.copyscale.deploy.DeployResult;
import dev.copyscale.deploy.Phase;
import dev.copyscale.spec.InvalidSpecException;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.account.StackSettings;
import dev.copyscale.twin.account.TwinAccount;
import dev.copyscale.twin.sagemaker.SageMakerState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentResponse;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;

/**
 * The deploy service against the twin: from nothing to InService, redeploys, delete, the reconcile
 * schedule, weights from S3, the stack's execution role.
 */
class DeployOnTwinTest {
  /**
   * Wednesday 25 November 2026, 10:00 in Berlin: the example's business-hours window is in force.
   */
  static final Instant START = Instant.parse("2026-11-25T09:00:00Z");

  static JsonNode event(String file) {
    return TwinStack.json(file);
  }

  /** The stack's reconcile schedule, as the twin runs it: the deploy function every minute. */
  static Stack reconciling(DeployService deploy) {
    return Stack.ticking(now -> deploy.reconcileInProgress());
  }

  /** Application Auto Scaling's scalable targets in the sagemaker namespace. */
  static List<ScalableTarget> targets(TwinAccount world) {
    return world
        .autoScaling()
        .describeScalableTargets(b -> b.serviceNamespace("sagemaker"))
        .scalableTargets();
  }

  /** Application Auto Scaling's policies in the sagemaker namespace. */
  static List<ScalingPolicy> policies(TwinAccount world) {
    return world
        .autoScaling()
        .describeScalingPolicies(b -> b.serviceNamespace("sagemaker"))
        .scalingPolicies();
  }

  TwinStack stack = TwinStack.fresh(START);
  TwinAccount world = stack.account();
  DeployService deploy = stack.services().deploy();

  /** Starts over on a fresh stack at {@code start}. */
  void startAt(Instant start) {
    stack = TwinStack.fresh(start);
    world = stack.account();
    deploy = stack.services().deploy();
  }

  /** The example deployed, with 20 minutes of {@code schedule} behind it. */
  void deployedWith(Stack schedule) {
    deploy.handle(event("deploy-llama3-8b.json"));
    world.advance(Duration.ofMinutes(20), schedule);
  }

  @Test
  void fromNothingToInServiceWithFourCopies() {
    DeployResult first = deploy.handle(event("deploy-llama3-8b.json")).get(0);
    assertThat(first.phase()).isEqualTo(Phase.Creating);
    assertThat(first.actions())
        .hasSize(3)
        .anySatisfy(a -> assertThat(a).startsWith("CreateEndpoint llama3-chat"));
    assertThat(first.waitingFor()).contains("endpoint llama3-chat is Creating");
    assertThat(first.observed().endpointStatus()).contains("Creating");

    world.advance(Duration.ofMinutes(20), reconciling(deploy));
    // What `copyscale world show` prints, from the same Describe* and List* calls.
    assertThat(world.sageMaker().state().endpoints()).hasSize(1);
    assertThat(
            world
                .sageMaker()
                .describeEndpoint(b -> b.endpointName("llama3-chat"))
                .endpointStatusAsString())
        .isEqualTo("InService");
    DescribeInferenceComponentResponse component =
        world
            .sageMaker()
            .describeInferenceComponent(b -> b.inferenceComponentName("llama3-chat-ic"));
    assertThat(component.inferenceComponentStatusAsString()).isEqualTo("InService");
    assertThat(component.runtimeConfig().currentCopyCount()).isEqualTo(4);
    List<ScalableTarget> targets = targets(world);
    assertThat(targets.get(0).resourceId()).isEqualTo("inference-component/llama3-chat-ic");
    assertThat(targets.get(0).minCapacity()).isEqualTo(4);
    assertThat(policies(world)).hasSize(2);
    List<ScheduleSummary> schedules = world.scheduler().listSchedules(b -> {}).schedules();
    assertThat(schedules).hasSize(2);
    assertThat(
            world
                .scheduler()
                .getSchedule(
                    g -> g.groupName(schedules.get(0).groupName()).name(schedules.get(0).name()))
                .scheduleExpressionTimezone())
        .isEqualTo("Europe/Berlin");
    assertThat(stack.store().deployment("llama3-chat").orElseThrow().phase())
        .isEqualTo(Phase.InService);
  }

  @Test
  void anUnchangedRedeployMakesNoWrites() {
    deployedWith(reconciling(deploy));
    Instant changed = stack.store().deployment("llama3-chat").orElseThrow().updatedAt();
    world.advance(Duration.ofMinutes(5), reconciling(deploy));
    DeployResult again = deploy.handle(event("deploy-eventbridge.json")).get(0);
    assertThat(again.actions()).isEmpty();
    assertThat(again.phase()).isEqualTo(Phase.InService);
    // Nothing changed, so neither does the time of the last change (engine slo's post-deploy hold
    // does not restart).
    assertThat(stack.store().deployment("llama3-chat").orElseThrow().updatedAt())
        .isEqualTo(changed);
  }

  @Test
  void invalidSpecsChangeNothing() {
    assertThatThrownBy(() -> deploy.handle(event("deploy-invalid-spec.json")))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("component.copies")
        .hasMessageContaining("endpoint.instanceType")
        .hasMessageContaining("component.env.HF_TOKEN");
    assertThatThrownBy(() -> deploy.handle(event("deploy-unknown-deployment.json")))
        .hasMessageContaining("unknown deployment \"no-such-deployment\"");
    assertThat(world.sageMaker().state().models()).isEmpty();
    assertThat(stack.store().deployments()).isEmpty();
  }

  @Test
  void deleteLeavesNothingBehind() {
    deployedWith(reconciling(deploy));
    DeployResult deleting = deploy.handle(event("deploy-delete.json")).get(0);
    assertThat(deleting.phase()).isEqualTo(Phase.Deleting);
    world.advance(Duration.ofMinutes(10), reconciling(deploy));
    assertThat(stack.store().deployment("llama3-chat").orElseThrow().phase())
        .isEqualTo(Phase.Deleted);
    // Nothing left of what `copyscale world show` prints.
    assertThat(world.sageMaker().state().endpoints()).as("endpoints").isEmpty();
    assertThat(world.sageMaker().state().components()).as("inferenceComponents").isEmpty();
    assertThat(targets(world)).as("scalableTargets").isEmpty();
    assertThat(policies(world)).as("scalingPolicies").isEmpty();
    assertThat(world.cloudWatch().describeAlarms(b -> {}).metricAlarms()).as("alarms").isEmpty();
    assertThat(world.scheduler().listSchedules(b -> {}).schedules()).as("schedules").isEmpty();
    assertThat(world.sageMaker().state().models()).isEmpty();
    assertThat(world.sageMaker().state().endpointConfigs()).isEmpty();
  }

  // The events of events/ from 09:40 in Berlin (TwinStack.START), with the template's reconcile
  // schedule: the deploy function every minute on deploy-reconcile.json.

  static Stack reconcileSchedule(DeployService deploy) {
    return Stack.ticking(now -> deploy.handle(event("deploy-reconcile.json")));
  }

  @Test
  void theReconcileScheduleCarriesItToInService() {
    startAt(TwinStack.START);
    deployedWith(reconcileSchedule(deploy));
    DeployResult result = deploy.handle(event("deploy-continue.json")).get(0);
    assertThat(result.phase()).isEqualTo(Phase.InService);
    assertThat(result.actions()).isEmpty();
    assertThat(result.observed().componentStatus()).contains("InService");
    assertThat(result.observed().currentCopies()).contains(4);
    assertThat(result.observed().scalableTarget()).contains("[4, 8]");
  }

  @Test
  void deleteTearsDown() {
    startAt(TwinStack.START);
    deployedWith(reconcileSchedule(deploy));
    assertThat(deploy.handle(event("deploy-delete.json")).get(0).phase()).isEqualTo(Phase.Deleting);
    world.advance(Duration.ofMinutes(10), reconcileSchedule(deploy));
    assertThat(deploy.handle(event("deploy-continue.json")).get(0).phase())
        .isEqualTo(Phase.Deleted);
    assertThat(world.sageMaker().state().endpoints()).isEmpty();
  }

  @Test
  void weightsFromS3MakeAModelWithoutAToken() {
    startAt(TwinStack.START);
    ObjectNode spec = (ObjectNode) event("deploy-llama3-8b.json");
    ((ObjectNode) spec.get("component")).remove("hfTokenSecretArn");
    ((ObjectNode) spec.get("component"))
        .put("modelDataS3Uri", "s3://my-models/llama3-8b-instruct/");
    assertThat(deploy.handle(spec).get(0).phase()).isEqualTo(Phase.Creating);
    SageMakerState.Model model = world.sageMaker().state().models().values().iterator().next();
    assertThat(model.environment())
        .containsEntry("HF_MODEL_ID", "/opt/ml/model")
        .doesNotContainKeys("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN");
    assertThat(model.modelDataS3Uri()).isEqualTo("s3://my-models/llama3-8b-instruct/");
    assertThat(model.modelDataS3DataType()).isEqualTo("S3Prefix");
    assertThat(model.modelDataCompression()).isEqualTo("None");
  }

  @Test
  void aForeignExecutionRoleIsRefused() {
    startAt(TwinStack.START);
    DeployService guarded =
        stack
            .services()
            .withConfig(
                new DeployConfig(
                    "copyscale-test",
                    Optional.of("arn:aws:iam::123456789012:role/OtherRole"),
                    Optional.of(StackSettings.SCHEDULED_SCALING_ARN),
                    Optional.of(StackSettings.SCHEDULER_ROLE_ARN),
                    Optional.of(StackSettings.FAILED_EVENTS_QUEUE_ARN)))
            .deploy();
    assertThatThrownBy(() -> guarded.handle(event("deploy-llama3-8b.json")))
        .hasMessageContaining("is not the role this stack may pass to SageMaker");
    assertThat(world.sageMaker().state().models()).isEmpty();
  }
}
