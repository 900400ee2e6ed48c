package dev.copyscale.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import org.junit.jupiter.api.Test;

class ResourceNamesTest {
  static DeploymentSpec llama(String modelDataS3Uri) throws Exception {
    ObjectNode doc =
        (ObjectNode) new YAMLMapper().readTree(RepoFiles.read("examples/llama3-8b.yaml"));
    if (modelDataS3Uri != null) {
      ((ObjectNode) doc.get("component")).remove("hfTokenSecretArn");
      ((ObjectNode) doc.get("component")).put("modelDataS3Uri", modelDataS3Uri);
    }
    return SpecParser.parse(doc).orThrow();
  }

  @Test
  void weightsFromAnotherPrefixAreAnotherModel() throws Exception {
    String a = ResourceNames.of(llama("s3://my-models/llama3-8b-instruct/v1/")).model();
    String b = ResourceNames.of(llama("s3://my-models/llama3-8b-instruct/v2/")).model();
    assertThat(a).isNotEqualTo(b).startsWith("llama3-chat-");
  }

  @Test
  void modelsWithoutS3WeightsKeepTheirNames() throws Exception {
    DeploymentSpec spec = llama(null);
    // The fingerprint as it was before modelDataS3Uri existed: deployed models are not renamed (and
    // recreated).
    assertThat(ResourceNames.modelFingerprint(spec))
        .isEqualTo(
            String.join(
                "\n",
                spec.component().image(),
                spec.component().modelId(),
                new java.util.TreeMap<>(spec.component().env()).toString(),
                spec.component().hfTokenSecretArn().orElse(""),
                spec.executionRoleArn()));
  }
}
