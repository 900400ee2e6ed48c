package dev.copyscale.serving;

import dev.copyscale.catalog.Catalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * TGI's limits and batching settings as a component's environment sets them, else TGI 2.0's
 * launcher defaults (text-generation-inference v2.0.x, launcher/src/main.rs): MAX_TOTAL_TOKENS the
 * model's context (max_position_embeddings) capped at 4096, 4096 when the context is not known;
 * MAX_INPUT_LENGTH one less; MAX_BATCH_PREFILL_TOKENS MAX_INPUT_LENGTH + 50; WAITING_SERVED_RATIO
 * 0.3 (v2.0.2 to v2.0.4; v2.0.0 and v2.0.1 had 1.2); MAX_WAITING_TOKENS 20. MAX_BATCH_TOTAL_TOKENS
 * TGI sizes from the GPU memory left after the weights ({@link CopyPhysics#kvCacheTokens}); with
 * only a measured table it is the table's highest concurrency of full-length requests. The twin
 * serves with them and engine slo plans with them.
 *
 * @param maxBatchPrefillTokens the prompt tokens one prefill pass takes at most
 * @param waitingServedRatio waiting requests, as a share of the running batch, that pause the batch
 *     for a prefill before MAX_WAITING_TOKENS steps have passed
 * @param maxWaitingTokens decode steps after which waiting requests are prefilled however few
 * @param maxBatchSize requests a batch holds at most (MAX_BATCH_SIZE), 0 for no limit but the
 *     tokens
 * @param defaulted the variables the environment does not set
 */
public record TgiLimits(
    int maxInputTokens,
    int maxTotalTokens,
    int maxBatchTotalTokens,
    int maxBatchPrefillTokens,
    double waitingServedRatio,
    int maxWaitingTokens,
    int maxBatchSize,
    List<String> defaulted) {
  /** The cap TGI 2.0 puts on its default sequence length, to leave memory for more requests. */
  public static final int DEFAULT_MAX_TOTAL_TOKENS = 4096;

  /** TGI v2.0.2 to v2.0.4's WAITING_SERVED_RATIO (the calibration table ran v2.0.4). */
  public static final double DEFAULT_WAITING_SERVED_RATIO = 0.3;

  /** TGI 2.0's MAX_WAITING_TOKENS. */
  public static final int DEFAULT_MAX_WAITING_TOKENS = 20;

  public TgiLimits {
    defaulted = List.copyOf(defaulted);
  }

  /**
   * Whether TGI refuses a request at once (422, "input too long"): a prompt over MAX_INPUT_LENGTH,
   * or prompt and output together over MAX_TOTAL_TOKENS. No capacity serves such a request.
   */
  public boolean refuses(int promptTokens, int outputTokens) {
    return promptTokens > maxInputTokens || (long) promptTokens + outputTokens > maxTotalTokens;
  }

  /** The limits that decide admission and refusal; the batching settings take TGI's defaults. */
  public TgiLimits(
      int maxInputTokens, int maxTotalTokens, int maxBatchTotalTokens, List<String> defaulted) {
    this(
        maxInputTokens,
        maxTotalTokens,
        maxBatchTotalTokens,
        maxInputTokens + 50,
        DEFAULT_WAITING_SERVED_RATIO,
        DEFAULT_MAX_WAITING_TOKENS,
        0,
        defaulted);
  }

  /**
   * With only a measured table: MAX_BATCH_TOTAL_TOKENS defaults to its highest concurrency of
   * full-length requests.
   *
   * @param modelId the model TGI serves (HF_MODEL_ID): its context, from the catalog, bounds the
   *     defaults
   */
  public static TgiLimits of(
      Map<String, String> env, ServingProfile profile, String modelId, Catalog catalog) {
    int context =
        catalog.model(modelId).map(m -> m.maxContextTokens()).orElse(DEFAULT_MAX_TOTAL_TOKENS);
    return of(env, context, total -> profile.maxConcurrency() * total);
  }

  /**
   * As TGI sizes them for a flash-attention model of {@code contextTokens} tokens whose KV cache
   * holds {@code kvCacheTokens} tokens: the batch is what the memory holds, whatever
   * MAX_BATCH_TOTAL_TOKENS says ({@link #asTgiReadsIt}).
   */
  public static TgiLimits of(Map<String, String> env, int contextTokens, long kvCacheTokens) {
    return of(
        asTgiReadsIt(env),
        contextTokens,
        total -> (int) Math.min(Integer.MAX_VALUE, kvCacheTokens));
  }

  /** The setting flash-attention models ignore. */
  public static final String BATCH_TOTAL_TOKENS = "MAX_BATCH_TOTAL_TOKENS";

  /**
   * The environment as TGI 2.x reads it for a flash-attention model (every model copyscale derives
   * a serving model for: Llama, Mistral, Mixtral, Qwen, Yi on GPUs): it sizes the batch's KV cache
   * from the GPU memory its warm-up finds free and ignores MAX_BATCH_TOTAL_TOKENS (router
   * src/server.rs: "`--max-batch-total-tokens` is deprecated for Flash Attention models", then
   * "Inferred max batch total tokens").
   */
  public static Map<String, String> asTgiReadsIt(Map<String, String> env) {
    if (!env.containsKey(BATCH_TOTAL_TOKENS)) {
      return env;
    }
    Map<String, String> read = new java.util.LinkedHashMap<>(env);
    read.remove(BATCH_TOTAL_TOKENS);
    return read;
  }

  private static TgiLimits of(
      Map<String, String> env, int contextTokens, IntUnaryOperator batchDefault) {
    List<String> defaulted = new ArrayList<>();
    int sequence = Math.min(contextTokens, DEFAULT_MAX_TOTAL_TOKENS);
    // TGI also reads MAX_INPUT_TOKENS, the newer name of MAX_INPUT_LENGTH.
    String input =
        env.containsKey("MAX_INPUT_LENGTH") || !env.containsKey("MAX_INPUT_TOKENS")
            ? "MAX_INPUT_LENGTH"
            : "MAX_INPUT_TOKENS";
    int maxInput = intEnv(env, input, sequence - 1, defaulted);
    int total = intEnv(env, "MAX_TOTAL_TOKENS", sequence, defaulted);
    int batch = intEnv(env, "MAX_BATCH_TOTAL_TOKENS", batchDefault.applyAsInt(total), defaulted);
    int prefill = intEnv(env, "MAX_BATCH_PREFILL_TOKENS", maxInput + 50, defaulted);
    double ratio = DEFAULT_WAITING_SERVED_RATIO;
    if (env.containsKey("WAITING_SERVED_RATIO")) {
      ratio = Double.parseDouble(env.get("WAITING_SERVED_RATIO").trim());
    } else {
      defaulted.add("WAITING_SERVED_RATIO");
    }
    int waiting = intEnv(env, "MAX_WAITING_TOKENS", DEFAULT_MAX_WAITING_TOKENS, defaulted);
    int size = env.containsKey("MAX_BATCH_SIZE") ? intEnv(env, "MAX_BATCH_SIZE", 0, defaulted) : 0;
    return new TgiLimits(maxInput, total, batch, prefill, ratio, waiting, size, defaulted);
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
