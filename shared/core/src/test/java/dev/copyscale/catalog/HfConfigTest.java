package dev.copyscale.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class HfConfigTest {
  static final String LLAMA3_8B =
      "{\"architectures\":[\"LlamaForCausalLM\"],\"hidden_size\":4096,\"intermediate_size\":14336,"
          + "\"max_position_embeddings\":8192,\"num_attention_heads\":32,\"num_hidden_layers\":32,"
          + "\"num_key_value_heads\":8,\"rope_theta\":500000.0,\"tie_word_embeddings\":false,"
          + "\"torch_dtype\":\"bfloat16\",\"vocab_size\":128256}";

  static JsonNode json(String text) throws Exception {
    return new ObjectMapper().readTree(text);
  }

  @Test
  void aConfigJsonGivesTheFiguresAndCountsTheParameters() throws Exception {
    HfConfig.Read read = HfConfig.read("my-org/llama", json(LLAMA3_8B), "config.json (x)");
    assertThat(read.issues()).isEmpty();
    ModelProfile m = read.model().orElseThrow();
    assertThat(m.parametersBillions()).as("the model page says 8.03B").isEqualTo(8.03);
    assertThat(m.layers()).isEqualTo(32);
    assertThat(m.kvHeads()).isEqualTo(8);
    assertThat(m.headDim()).isEqualTo(128);
    assertThat(m.maxContextTokens()).isEqualTo(8192);
    assertThat(m.dtype()).isEqualTo("bfloat16");
    assertThat(m.source()).isEqualTo("config.json (x)");
    assertThat(m.architecture().orElseThrow().intermediateSize()).isEqualTo(14336);
  }

  @Test
  void aMixtureOfExpertsCountsEveryExpertAndKnowsTheActiveOnes() throws Exception {
    String mixtral =
        "{\"hidden_size\":4096,\"intermediate_size\":14336,\"max_position_embeddings\":32768,"
            + "\"num_attention_heads\":32,\"num_hidden_layers\":32,\"num_key_value_heads\":8,"
            + "\"num_local_experts\":8,\"num_experts_per_tok\":2,\"vocab_size\":32000}";
    ModelProfile m = HfConfig.read("mixtral", json(mixtral), "x").model().orElseThrow();
    assertThat(m.parametersBillions()).as("Mistral AI: 46.7B").isCloseTo(46.7, within(0.05));
    assertThat(m.activeParametersBillions()).as("12.9B active").isCloseTo(12.9, within(0.05));
  }

  @Test
  void whatIsMissingOrWrongIsNamedByTheConfigsOwnFieldNames() throws Exception {
    HfConfig.Read read =
        HfConfig.read(
            "x",
            json("{\"hidden_size\":4096,\"num_attention_heads\":\"32\",\"num_hidden_layers\":0}"),
            "x");
    assertThat(read.model()).isEmpty();
    assertThat(read.issues())
        .extracting(HfConfig.Issue::field)
        .containsExactlyInAnyOrder(
            "num_hidden_layers", "num_attention_heads", "intermediate_size", "vocab_size");
    assertThat(HfConfig.read("x", json("[1]"), "x").issues().get(0).message())
        .contains("JSON object");
  }

  @Test
  void aMultimodalConfigIsReadFromItsTextConfig() throws Exception {
    String wrapped = "{\"model_type\":\"llava\",\"text_config\":" + LLAMA3_8B + "}";
    assertThat(HfConfig.read("x", json(wrapped), "x").model().orElseThrow().parametersBillions())
        .isEqualTo(8.03);
  }
}
