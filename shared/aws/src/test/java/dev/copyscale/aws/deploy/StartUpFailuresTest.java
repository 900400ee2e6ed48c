package dev.copyscale.aws.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.copyscale.aws.requests.Requests;
import dev.copyscale.aws.testing.TwinStack;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.deploy.Phase;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.account.TwinAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentResponse;

/**
 * Deployments SageMaker cannot start, as SageMaker reports them, through copyscale's deploy
 * function.
 */
class StartUpFailuresTest {
  static final Instant START = Instant.parse("2026-11-25T09:00:00Z");

  static ObjectNode seed() throws Exception {
    return (ObjectNode) new YAMLMapper().readTree(RepoFiles.read("examples/seed-llama3-8b.yaml"));
  }

  static TwinStack deploy(JsonNode spec) {
    return deploy(spec, dev.copyscale.twin.sagemaker.TwinTimings.defaults());
  }

  static TwinStack deploy(JsonNode spec, dev.copyscale.twin.sagemaker.TwinTimings timings) {
    TwinStack stack = TwinStack.inMemory(new TwinAccount(START, timings));
    DeployService deploy = stack.services().deploy();
    deploy.handle(spec);
    stack
        .account()
        .advance(Duration.ofMinutes(30), Stack.ticking(now -> deploy.reconcileInProgress()));
    return stack;
  }

  static DescribeInferenceComponentResponse component(TwinStack stack, String name) {
    return stack
        .account()
        .sageMaker()
        .describeInferenceComponent(b -> b.inferenceComponentName(name));
  }

  @Test
  void theSeedAsWrittenIsRefusedBeforeAnythingIsCreated() throws Exception {
    TwinStack stack = TwinStack.inMemory(new TwinAccount(START));
    assertThatThrownBy(() -> stack.services().deploy().handle(seed()))
        .hasMessageStartingWith("the spec cannot run as written, so nothing was created")
        .hasMessageContaining("model does not fit")
        .hasMessageContaining("V100");
    assertThat(stack.account().sageMaker().state().models()).isEmpty();
    assertThat(stack.account().sageMaker().state().endpoints()).isEmpty();
    assertThat(stack.store().deployments()).isEmpty();
  }

  @Test
  void aCopyItsGpuCannotHoldNeverServesAndSageMakerSaysItIsGpuMemory() throws Exception {
    // The seed's resources created without copyscale's deploy (which refuses them): what SageMaker
    // reports of a copy whose model does not fit its GPU.
    TwinStack stack = TwinStack.inMemory(new TwinAccount(START));
    DeploymentSpec spec =
        SpecParser.parse(RepoFiles.read("examples/seed-llama3-8b.yaml")).orThrow();
    ResourceNames names = ResourceNames.of(spec);
    SageMakerClient sageMaker = stack.account().sageMaker();
    sageMaker.createModel(Requests.createModel(spec, names, Optional.of("hf_token"), "test"));
    sageMaker.createEndpointConfig(Requests.createEndpointConfig(spec, names, "test"));
    sageMaker.createEndpoint(
        b -> b.endpointName(names.endpoint()).endpointConfigName(names.endpointConfig()));
    stack.account().pause(Duration.ofMinutes(15));
    sageMaker.createInferenceComponent(
        Requests.createComponent(spec, names, spec.component().copies(), "test"));
    stack.account().pause(Duration.ofMinutes(15));
    DescribeInferenceComponentResponse ic = component(stack, "llama3-seed-ic");
    assertThat(ic.inferenceComponentStatusAsString()).isEqualTo("Failed");
    assertThat(ic.runtimeConfig().currentCopyCount()).isZero();
    assertThat(ic.failureReason())
        .contains("did not pass the ping health check within 300 seconds")
        .contains("CUDA out of memory")
        .contains("V100");
  }

  @Test
  void theSeedOnGpusThatHoldItDeploys() throws Exception {
    ObjectNode spec = seed();
    ((ObjectNode) spec.get("endpoint")).put("instanceType", "ml.g5.12xlarge"); // 4 x A10G 24 GB
    TwinStack stack = deploy(spec);
    DescribeInferenceComponentResponse ic = component(stack, "llama3-seed-ic");
    assertThat(ic.inferenceComponentStatusAsString()).isEqualTo("InService");
    assertThat(ic.runtimeConfig().currentCopyCount()).isEqualTo(4);
    assertThat(ic.failureReason()).isNull();
    assertThat(stack.store().deployment("llama3-seed").orElseThrow().phase())
        .isEqualTo(Phase.InService);
  }

  @Test
  void aDownloadLongerThanItsTimeoutFailsTheComponent() throws Exception {
    ObjectNode spec = seed();
    ((ObjectNode) spec.get("endpoint")).put("instanceType", "ml.g5.12xlarge");
    ((ObjectNode) spec.get("component"))
        .put("modelDataDownloadTimeoutSeconds", 60); // 16 GB take 75 s
    TwinStack stack = deploy(spec);
    DescribeInferenceComponentResponse ic = component(stack, "llama3-seed-ic");
    assertThat(ic.inferenceComponentStatusAsString()).isEqualTo("Failed");
    assertThat(ic.failureReason()).contains("Model data download timed out after 60 seconds");
    assertThat(stack.store().deployment("llama3-seed").orElseThrow().lastError())
        .hasValueSatisfying(e -> assertThat(e).contains("download timed out"));
  }

  @Test
  void anInstanceTypeOutOfCapacityFailsTheEndpointAsSageMakerSays() throws Exception {
    ObjectNode spec = seed();
    ((ObjectNode) spec.get("endpoint")).put("instanceType", "ml.g5.12xlarge");
    TwinStack stack =
        deploy(
            spec,
            dev.copyscale.twin.sagemaker.TwinTimings.defaults()
                .withOutOfCapacity(java.util.List.of("ml.g5.12xlarge")));
    assertThat(
            stack
                .account()
                .sageMaker()
                .describeEndpoint(b -> b.endpointName("llama3-seed"))
                .endpointStatusAsString())
        .isEqualTo("Failed");
    DeploymentRecord record = stack.store().deployment("llama3-seed").orElseThrow();
    assertThat(record.phase()).isEqualTo(Phase.Failed);
    assertThat(record.lastError())
        .hasValueSatisfying(e -> assertThat(e).contains("InsufficientInstanceCapacity"));
  }
}
