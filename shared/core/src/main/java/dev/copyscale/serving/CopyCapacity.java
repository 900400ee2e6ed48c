package dev.copyscale.serving;

import java.util.Locale;

/**
 * How many requests one copy holds at once, as TGI admits them: a request joins the batch only when
 * its prompt and its whole output (each in 16-token blocks, {@link TgiCopy}) fit in what
 * MAX_BATCH_TOTAL_TOKENS leaves. MAX_BATCH_TOTAL_TOKENS is the component's own setting, else what
 * TGI's warmup gives the KV cache from the GPU memory left after the weights ({@link
 * CopyPhysics#kvCacheTokens}). TGI will not start when that memory cannot hold one request of
 * MAX_TOTAL_TOKENS, or the KV cache a MAX_BATCH_TOTAL_TOKENS setting asks for.
 *
 * @param kvCacheTokens MAX_BATCH_TOTAL_TOKENS: the tokens the batch may hold
 * @param kvCacheFromEnv whether the component sets MAX_BATCH_TOTAL_TOKENS (else TGI's default)
 * @param memoryKvTokens the tokens the GPUs' free memory holds as KV cache
 * @param shape the request the concurrency is counted for
 * @param tokensPerRequest what one such request reserves: its prompt and output in blocks
 * @param requests requests of the shape the batch holds at once
 * @param maxTotalTokens MAX_TOTAL_TOKENS: the longest request TGI accepts
 * @param fullLengthRequests requests of MAX_TOTAL_TOKENS the batch holds at once
 */
public record CopyCapacity(
    long kvCacheTokens,
    boolean kvCacheFromEnv,
    long memoryKvTokens,
    RequestShape shape,
    long tokensPerRequest,
    long requests,
    int maxTotalTokens,
    long fullLengthRequests) {

  /** The capacity of a copy with these physics, TGI settings and request shape. */
  public static CopyCapacity of(CopyPhysics physics, TgiLimits limits, RequestShape shape) {
    return of(physics, limits, shape, ServingModels.RUNTIME_GIB_PER_GPU);
  }

  /**
   * @param runtimeGiBPerGpu GPU memory per GPU that is neither weights nor KV cache (CUDA context,
   *     activations)
   */
  public static CopyCapacity of(
      CopyPhysics physics, TgiLimits limits, RequestShape shape, double runtimeGiBPerGpu) {
    long perRequest = TgiCopy.blocks(shape.promptTokens()) + TgiCopy.blocks(shape.outputTokens());
    long kv = limits.maxBatchTotalTokens();
    return new CopyCapacity(
        kv,
        !limits.defaulted().contains("MAX_BATCH_TOTAL_TOKENS"),
        physics.kvCacheTokens(runtimeGiBPerGpu),
        shape,
        perRequest,
        kv / perRequest,
        limits.maxTotalTokens(),
        kv / TgiCopy.blocks(limits.maxTotalTokens()));
  }

  /**
   * Why TGI would not start with this KV cache, if it would not: the free memory holds less than
   * one request of MAX_TOTAL_TOKENS, or less than MAX_BATCH_TOTAL_TOKENS asks for.
   */
  public java.util.Optional<String> shortOfMemory() {
    if (memoryKvTokens < maxTotalTokens) {
      return java.util.Optional.of(
          String.format(
              Locale.ROOT,
              "the GPU memory left after the weights holds %,d tokens of KV cache, less than one"
                  + " request of MAX_TOTAL_TOKENS (%,d)",
              memoryKvTokens,
              maxTotalTokens));
    }
    if (kvCacheFromEnv && memoryKvTokens < kvCacheTokens) {
      return java.util.Optional.of(
          String.format(
              Locale.ROOT,
              "MAX_BATCH_TOTAL_TOKENS %,d is more KV cache than the GPU memory left after the"
                  + " weights holds (%,d tokens)",
              kvCacheTokens,
              memoryKvTokens));
    }
    return java.util.Optional.empty();
  }

  /**
   * One line: "the KV cache holds 62,593 tokens (TGI's default from free memory): 85 requests of
   * 550 prompt / 175 output tokens at once (736 tokens each), 15 of MAX_TOTAL_TOKENS 4,096".
   */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "the KV cache holds %,d tokens (%s): %,d requests of %s at once (%,d tokens each), %,d of"
            + " MAX_TOTAL_TOKENS %,d",
        kvCacheTokens,
        kvCacheFromEnv
            ? "MAX_BATCH_TOTAL_TOKENS"
            : "MAX_BATCH_TOTAL_TOKENS unset: TGI's default, 95% of the GPU memory left after the"
                + " weights",
        requests,
        shape,
        tokensPerRequest,
        fullLengthRequests,
        maxTotalTokens);
  }
}
