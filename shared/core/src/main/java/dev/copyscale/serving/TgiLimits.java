package dev.copyscale.serving;

import dev.copyscale.catalog.Catalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TGI's limits as a component's environment sets them, else TGI 2.0's launcher defaults: the
 * model's context (max_position_embeddings) capped at 4096 for MAX_TOTAL_TOKENS, one less for the
 * input, 4096 when the context is not known (text-generation-inference v2.0.0,
 * launcher/src/main.rs). MAX_BATCH_TOTAL_TOKENS is sized from free GPU memory by TGI; here it is
 * the serving profile's highest concurrency of full-length requests. The twin serves with them and
 * engine slo plans with them.
 *
 * @param defaulted the variables the environment does not set
 */
public record TgiLimits(
    int maxInputTokens, int maxTotalTokens, int maxBatchTotalTokens, List<String> defaulted) {
  /** The cap TGI 2.0 puts on its default sequence length, to leave memory for more requests. */
  public static final int DEFAULT_MAX_TOTAL_TOKENS = 4096;

  /**
   * @param modelId the model TGI serves (HF_MODEL_ID): its context, from the catalog, bounds the
   *     defaults
   */
  public static TgiLimits of(
      Map<String, String> env, ServingProfile profile, String modelId, Catalog catalog) {
    List<String> defaulted = new ArrayList<>();
    int sequence =
        catalog
            .model(modelId)
            .map(m -> Math.min(m.maxContextTokens(), DEFAULT_MAX_TOTAL_TOKENS))
            .orElse(DEFAULT_MAX_TOTAL_TOKENS);
    // TGI also reads MAX_INPUT_TOKENS, the newer name of MAX_INPUT_LENGTH.
    String input =
        env.containsKey("MAX_INPUT_LENGTH") || !env.containsKey("MAX_INPUT_TOKENS")
            ? "MAX_INPUT_LENGTH"
            : "MAX_INPUT_TOKENS";
    int maxInput = intEnv(env, input, sequence - 1, defaulted);
    int total = intEnv(env, "MAX_TOTAL_TOKENS", sequence, defaulted);
    int batch = intEnv(env, "MAX_BATCH_TOTAL_TOKENS", profile.maxConcurrency() * total, defaulted);
    return new TgiLimits(maxInput, total, batch, List.copyOf(defaulted));
  }

  private static int intEnv(
      Map<String, String> env, String name, int orElse, List<String> defaulted) {
    String value = env.get(name);
    if (value == null) {
      defaulted.add(name);
      return orElse;
    }
    return Integer.parseInt(value.trim());
  }
}
