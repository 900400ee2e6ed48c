package dev.copyscale.catalog;

import java.util.List;

/**
 * The figures of a transformer model that decide its GPU memory: weights and KV cache.
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
    String source) {

  public ModelProfile {
    aliases = List.copyOf(aliases);
  }

  /** Whether this profile describes the given Hugging Face model id (case-insensitive). */
  public boolean matches(String modelId) {
    return id.equalsIgnoreCase(modelId)
        || aliases.stream().anyMatch(a -> a.equalsIgnoreCase(modelId));
  }
}
