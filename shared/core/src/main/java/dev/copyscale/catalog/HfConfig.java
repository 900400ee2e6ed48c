package dev.copyscale.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A model described by its own Hugging Face {@code config.json}: the figures a serving model needs,
 * read from the fields decoder-only transformers with a gated MLP (Llama, Mistral, Mixtral, Qwen2,
 * Yi, ...) publish. Parameters are counted from the shapes: embeddings, per layer the attention
 * projections (q and o of hidden x heads x head dim, k and v of hidden x key/value heads x head
 * dim), the gated MLP of every expert (3 x hidden x intermediate) and its router, and an output
 * head unless it is tied to the embeddings. Norms and biases are left out (under 0.01 %).
 */
public final class HfConfig {
  private HfConfig() {}

  /** One thing wrong with a config: the field (as config.json names it) and what is wrong. */
  public record Issue(String field, String message) {}

  /** The model, or every issue found. */
  public record Read(Optional<ModelProfile> model, List<Issue> issues) {}

  /**
   * @param modelId the id the model goes by
   * @param config the config.json object (a multimodal config's {@code text_config} is read when
   *     the top level has no layers)
   * @param source where the config comes from, for provenance
   */
  public static Read read(String modelId, JsonNode config, String source) {
    List<Issue> issues = new ArrayList<>();
    if (config == null || !config.isObject()) {
      issues.add(new Issue("", "must be a JSON object: the model's config.json"));
      return new Read(Optional.empty(), issues);
    }
    JsonNode c =
        !config.has("num_hidden_layers") && config.path("text_config").isObject()
            ? config.get("text_config")
            : config;
    int layers = required(c, "num_hidden_layers", issues);
    int hidden = required(c, "hidden_size", issues);
    int heads = required(c, "num_attention_heads", issues);
    int intermediate = required(c, "intermediate_size", issues);
    int vocab = required(c, "vocab_size", issues);
    int kvHeads = optional(c, "num_key_value_heads", heads, issues);
    int context = optional(c, "max_position_embeddings", 4096, issues);
    int experts = optional(c, "num_local_experts", optional(c, "num_experts", 1, issues), issues);
    int perToken = optional(c, "num_experts_per_tok", 1, issues);
    boolean tied = c.path("tie_word_embeddings").asBoolean(false);
    String dtype =
        c.path("torch_dtype").isTextual()
            ? c.get("torch_dtype").asText().toLowerCase(Locale.ROOT)
            : "bfloat16";
    if (!issues.isEmpty()) {
      return new Read(Optional.empty(), issues);
    }
    int headDim =
        c.path("head_dim").canConvertToInt() && c.get("head_dim").asInt() > 0
            ? c.get("head_dim").asInt()
            : hidden / heads;
    if (!c.has("head_dim") && hidden % heads != 0) {
      issues.add(
          new Issue(
              "hidden_size",
              hidden + " is not a multiple of num_attention_heads " + heads + ": give head_dim"));
    }
    if (perToken > experts) {
      issues.add(
          new Issue(
              "num_experts_per_tok",
              perToken + " is more than the model's " + experts + " experts"));
    }
    if (!issues.isEmpty()) {
      return new Read(Optional.empty(), issues);
    }
    ModelProfile.Architecture architecture =
        new ModelProfile.Architecture(hidden, heads, intermediate, vocab, experts, perToken, tied);
    double attention = 2.0 * hidden * heads * headDim + 2.0 * hidden * kvHeads * headDim;
    double mlp = experts * architecture.expertParameters() + (experts > 1 ? hidden * experts : 0);
    double parameters = (double) vocab * hidden * (tied ? 1 : 2) + layers * (attention + mlp);
    return new Read(
        Optional.of(
            new ModelProfile(
                modelId,
                List.of(),
                Math.round(parameters / 1e7) / 100.0,
                layers,
                kvHeads,
                headDim,
                dtype,
                context,
                "",
                source,
                Optional.of(architecture))),
        issues);
  }

  private static int required(JsonNode c, String field, List<Issue> issues) {
    JsonNode v = c.get(field);
    if (v == null || v.isNull()) {
      issues.add(new Issue(field, "is required (a positive whole number)"));
      return 0;
    }
    return positive(field, v, issues);
  }

  private static int optional(JsonNode c, String field, int fallback, List<Issue> issues) {
    JsonNode v = c.get(field);
    return v == null || v.isNull() ? fallback : positive(field, v, issues);
  }

  private static int positive(String field, JsonNode v, List<Issue> issues) {
    if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > Integer.MAX_VALUE) {
      issues.add(new Issue(field, "must be a positive whole number, got " + v));
      return 0;
    }
    return v.asInt();
  }
}
