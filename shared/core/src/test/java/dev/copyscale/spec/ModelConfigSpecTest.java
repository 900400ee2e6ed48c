package dev.copyscale.spec;

import static dev.copyscale.spec.SpecDocs.llama;
import static dev.copyscale.spec.SpecDocs.parse;
import static dev.copyscale.spec.SpecDocs.set;
import static dev.copyscale.spec.SpecDocs.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.catalog.ModelProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A model the catalog does not know, described by its own config.json in the spec ({@code
 * component.model.config}: a Lambda cannot read the user's files), or by the figures field by
 * field.
 */
class ModelConfigSpecTest {
  static final String CONFIG =
      "config: {hidden_size: 4096, intermediate_size: 14336, max_position_embeddings: 32768,"
          + " num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 8,"
          + " torch_dtype: bfloat16, vocab_size: 32000}";

  static ObjectNode withModel(String model) {
    ObjectNode doc = llama();
    set(doc, "component.modelId", "my-org/mistral-finetune");
    set(doc, "component.model", yaml(model));
    return doc;
  }

  static List<String> problems(ObjectNode doc) {
    return parse(doc).problems().stream().map(Problem::toString).toList();
  }

  @Test
  void aConfigJsonInTheSpecGivesEveryFigure() {
    DeploymentSpec spec = parse(withModel(CONFIG)).orThrow();
    DeploymentSpec.Model model = spec.component().model().orElseThrow();
    assertThat(model.fromConfig()).isTrue();
    assertThat(model.parametersBillions()).isEqualTo(7.24);
    assertThat(model.layers()).isEqualTo(32);
    assertThat(model.kvHeads()).isEqualTo(8);
    assertThat(model.headDim()).isEqualTo(128);
    assertThat(model.maxContextTokens()).isEqualTo(32768);
    ModelProfile profile = model.profile("my-org/mistral-finetune");
    assertThat(profile.source()).isEqualTo("config.json (component.model.config)");
    assertThat(profile.architecture().orElseThrow().vocabSize()).isEqualTo(32000);
  }

  @Test
  void aFieldBesideTheConfigOverridesIt() {
    DeploymentSpec spec =
        parse(withModel("{" + CONFIG + ", parametersBillions: 7.3, maxContextTokens: 8192}"))
            .orThrow();
    assertThat(spec.component().model().orElseThrow().parametersBillions()).isEqualTo(7.3);
    assertThat(spec.component().model().orElseThrow().maxContextTokens()).isEqualTo(8192);
  }

  @Test
  void whatTheConfigLacksIsNamedUnderItsPath() {
    assertThat(problems(withModel("config: {hidden_size: 4096, num_hidden_layers: many}")))
        .contains(
            "component.model.config.num_hidden_layers: must be a positive whole number, got"
                + " \"many\"",
            "component.model.config.num_attention_heads: is required (a positive whole number)",
            "component.model.config.intermediate_size: is required (a positive whole number)",
            "component.model.config.vocab_size: is required (a positive whole number)");
    assertThat(problems(withModel("config: [1, 2]")))
        .containsExactly("component.model.config: must be an object, got a list");
  }

  @Test
  void withoutAConfigTheServingShapesComeTogetherOrNotAtAll() {
    String memory =
        "parametersBillions: 7.24, layers: 32, kvHeads: 8, headDim: 128, maxContextTokens: 32768";
    assertThat(
            parse(withModel("{" + memory + "}"))
                .orThrow()
                .component()
                .model()
                .orElseThrow()
                .architecture())
        .isEmpty();
    DeploymentSpec full =
        parse(
                withModel(
                    "{"
                        + memory
                        + ", hiddenSize: 4096, attentionHeads: 32, intermediateSize: 14336,"
                        + " vocabSize: 32000}"))
            .orThrow();
    assertThat(full.component().model().orElseThrow().architecture().orElseThrow().hiddenSize())
        .isEqualTo(4096);
    assertThat(problems(withModel("{" + memory + ", hiddenSize: 4096}")))
        .anyMatch(p -> p.startsWith("component.model.attentionHeads: is required with hiddenSize"));
  }
}
