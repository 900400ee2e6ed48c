package dev.copyscale.catalog;

import java.util.List;
import java.util.Optional;

/**
 * The figures of a transformer model that decide its GPU memory (weights and KV cache) and, with
 * its {@link Architecture}, how long a prefill and a decode step take (docs/serving.md).
 *
 * @param id Hugging Face model id, e.g. {@code meta-llama/Meta-Llama-3-8B-Instruct}
 * @param aliases other Hugging Face ids with the same architecture (base and instruct variants)
 * @param parametersBillions total parameters, billions (all experts for a mixture of experts)
 * @param layers transformer layers ({@code num_hidden_layers})
 * @param kvHeads key/value heads ({@code num_key_value_heads}; equals attention heads without GQA)
 * @param headDim dimension of one attention head ({@code hidden_size / num_attention_heads})
 * @param dtype the dtype the weights are published in ({@code bfloat16}, {@code float16}, ...)
 * @param maxContextTokens the longest sequence the model supports ({@code max_position_embeddings})
 * @param chatTemplate name of the chat template the model uses, or empty
 * @param source where the figures come from
 * @param architecture the shapes a prefill's FLOPs and a decode step's bytes need; empty when only
 *     the memory figures are known (an older {@code component.model} without them)
 */
public record ModelProfile(
    String id,
    List<String> aliases,
    double parametersBillions,
    int layers,
    int kvHeads,
    int headDim,
    String dtype,
    int maxContextTokens,
    String chatTemplate,
    String source,
    Optional<Architecture> architecture) {

  public ModelProfile {
    aliases = List.copyOf(aliases);
  }

  /** Memory figures only. */
  public ModelProfile(
      String id,
      List<String> aliases,
      double parametersBillions,
      int layers,
      int kvHeads,
      int headDim,
      String dtype,
      int maxContextTokens,
      String chatTemplate,
      String source) {
    this(
        id,
        aliases,
        parametersBillions,
        layers,
        kvHeads,
        headDim,
        dtype,
        maxContextTokens,
        chatTemplate,
        source,
        Optional.empty());
  }

  /**
   * The shapes of a decoder-only transformer with a gated (SwiGLU) MLP, as config.json gives them.
   *
   * @param hiddenSize {@code hidden_size}
   * @param attentionHeads {@code num_attention_heads}
   * @param intermediateSize {@code intermediate_size}: one expert's for a mixture of experts
   * @param vocabSize {@code vocab_size}
   * @param experts {@code num_local_experts}; 1 for a dense model
   * @param expertsPerToken {@code num_experts_per_tok}; 1 for a dense model
   * @param tiedEmbeddings {@code tie_word_embeddings}: the output head reuses the input embedding
   */
  public record Architecture(
      int hiddenSize,
      int attentionHeads,
      int intermediateSize,
      int vocabSize,
      int experts,
      int expertsPerToken,
      boolean tiedEmbeddings) {

    /** Parameters of one expert's gated MLP in one layer: gate, up and down projections. */
    public double expertParameters() {
      return 3.0 * hiddenSize * intermediateSize;
    }
  }

  /** Whether this profile describes the given Hugging Face model id (case-insensitive). */
  public boolean matches(String modelId) {
    return id.equalsIgnoreCase(modelId)
        || aliases.stream().anyMatch(a -> a.equalsIgnoreCase(modelId));
  }

  /**
   * Parameters a token goes through: all but the experts it is not routed to (Mixtral: 12.9 of 46.7
   * billion); all of them for a dense model or when the architecture is unknown.
   */
  public double activeParametersBillions() {
    return architecture
        .map(
            a ->
                parametersBillions
                    - (a.experts() - a.expertsPerToken()) * layers * a.expertParameters() / 1e9)
        .orElse(parametersBillions);
  }

  /** This profile under another id and source (a spec's own figures for its model). */
  public ModelProfile as(String newId, String newSource) {
    return new ModelProfile(
        newId,
        List.of(),
        parametersBillions,
        layers,
        kvHeads,
        headDim,
        dtype,
        maxContextTokens,
        chatTemplate,
        newSource,
        architecture);
  }
}
