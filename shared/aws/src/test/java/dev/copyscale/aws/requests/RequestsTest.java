package dev.copyscale.aws.requests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.model.ContainerDefinition;
import software.amazon.awssdk.services.sagemaker.model.ModelCompressionType;
import software.amazon.awssdk.services.sagemaker.model.S3ModelDataSource;
import software.amazon.awssdk.services.sagemaker.model.S3ModelDataType;

class RequestsTest {
  static final String PREFIX = "s3://my-models/llama3-8b-instruct/";

  static DeploymentSpec llama(boolean fromS3) throws Exception {
    ObjectNode doc =
        (ObjectNode) new YAMLMapper().readTree(RepoFiles.read("examples/llama3-8b.yaml"));
    if (fromS3) {
      ((ObjectNode) doc.get("component")).remove("hfTokenSecretArn");
      ((ObjectNode) doc.get("component")).put("modelDataS3Uri", PREFIX);
    }
    return SpecParser.parse(doc).orThrow();
  }

  static ContainerDefinition container(DeploymentSpec spec, Optional<String> token) {
    return Requests.createModel(spec, ResourceNames.of(spec), token, "copyscale-test")
        .primaryContainer();
  }

  @Test
  void weightsFromS3AreUncompressedModelDataUnderThePrefixAndTgiLoadsThemFromOptMlModel()
      throws Exception {
    ContainerDefinition container = container(llama(true), Optional.empty());
    S3ModelDataSource source = container.modelDataSource().s3DataSource();
    assertThat(source.s3Uri()).isEqualTo(PREFIX);
    assertThat(source.s3DataType()).isEqualTo(S3ModelDataType.S3_PREFIX);
    assertThat(source.compressionType()).isEqualTo(ModelCompressionType.NONE);
    assertThat(container.modelDataUrl()).isNull();
    assertThat(container.environment())
        .containsEntry("HF_MODEL_ID", "/opt/ml/model")
        .doesNotContainKeys("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN");
  }

  @Test
  void aTokenNeverReachesAModelWhoseWeightsComeFromS3() throws Exception {
    assertThat(container(llama(true), Optional.of("hf_should_not_appear")).environment())
        .doesNotContainKeys("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN")
        .doesNotContainValue("hf_should_not_appear");
  }

  @Test
  void fromTheHubTheModelIdAndTokenGoInTheEnvironmentAsBefore() throws Exception {
    ContainerDefinition container = container(llama(false), Optional.of("hf_token"));
    assertThat(container.modelDataSource()).isNull();
    assertThat(container.environment())
        .containsEntry("HF_MODEL_ID", "meta-llama/Meta-Llama-3-8B-Instruct")
        .containsEntry("HF_TOKEN", "hf_token")
        .containsEntry("HUGGING_FACE_HUB_TOKEN", "hf_token");
  }

  @Test
  void dataCachingIsAskedForOnlyWhenTheSpecTurnsItOn() throws Exception {
    DeploymentSpec off = llama(false);
    assertThat(off.component().dataCache()).isFalse();
    assertThat(
            Requests.createComponent(off, ResourceNames.of(off), 1, "copyscale-test")
                .specification()
                .dataCacheConfig())
        .isNull();
    ObjectNode doc =
        (ObjectNode) new YAMLMapper().readTree(RepoFiles.read("examples/llama3-8b.yaml"));
    ((ObjectNode) doc.get("component")).put("dataCache", true);
    DeploymentSpec on = SpecParser.parse(doc).orThrow();
    assertThat(
            Requests.createComponent(on, ResourceNames.of(on), 1, "copyscale-test")
                .specification()
                .dataCacheConfig()
                .enableCaching())
        .isTrue();
    assertThat(
            Requests.updateComponent(on, ResourceNames.of(on))
                .specification()
                .dataCacheConfig()
                .enableCaching())
        .isTrue();
  }

  /**
   * An adapter names its base and its weights and nothing else of a component's: no compute (it
   * uses its base's; API reference, InferenceComponentSpecification), no model, no copy count.
   */
  @Test
  void anAdapterNamesItsBaseAndWeightsAndNoComputeOrCopies() {
    DeploymentSpec spec =
        SpecParser.parse(RepoFiles.read("examples/shared-endpoint.yaml")).orThrow();
    var request =
        Requests.createAdapter(
            spec,
            ResourceNames.of(spec),
            "chat-sql",
            "chat",
            "s3://my-adapters/sql/",
            "copyscale-test");
    assertThat(request.inferenceComponentName()).isEqualTo("chat-sql");
    assertThat(request.endpointName()).isEqualTo("shared");
    assertThat(request.variantName()).isEqualTo("AllTraffic");
    assertThat(request.specification().baseInferenceComponentName()).isEqualTo("chat");
    assertThat(request.specification().container().artifactUrl())
        .isEqualTo("s3://my-adapters/sql/");
    assertThat(request.specification().container().image()).isNull();
    assertThat(request.specification().computeResourceRequirements()).isNull();
    assertThat(request.specification().modelName()).isNull();
    assertThat(request.runtimeConfig()).isNull();
    assertThat(request.tags()).extracting(t -> t.key()).contains("copyscale:stack");
  }
}
