package dev.copyscale.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TGI's limits as a component's environment sets them, else TGI 2.0's launcher defaults
 * (MAX_INPUT_LENGTH 1024, MAX_TOTAL_TOKENS 2048; MAX_BATCH_TOTAL_TOKENS is sized from GPU memory
 * by TGI, here: the serving profile's highest concurrency of full-length requests). The twin serves
 * with them and engine slo plans with them.
 *
 * @param defaulted the variables the environment does not set
 */
public record TgiLimits(int maxInputTokens, int maxTotalTokens, int maxBatchTotalTokens, List<String> defaulted) {
  public static TgiLimits of(Map<String, String> env, ServingProfile profile) {
    List<String> defaulted = new ArrayList<>();
    // TGI also reads MAX_INPUT_TOKENS, the newer name of MAX_INPUT_LENGTH.
    String input = env.containsKey("MAX_INPUT_LENGTH") || !env.containsKey("MAX_INPUT_TOKENS") ? "MAX_INPUT_LENGTH" : "MAX_INPUT_TOKENS";
    int maxInput = intEnv(env, input, 1024, defaulted);
    int total = intEnv(env, "MAX_TOTAL_TOKENS", 2048, defaulted);
    int batch = intEnv(env, "MAX_BATCH_TOTAL_TOKENS", profile.maxConcurrency() * total, defaulted);
    return new TgiLimits(maxInput, total, batch, List.copyOf(defaulted));
  }

  private static int intEnv(Map<String, String> env, String name, int orElse, List<String> defaulted) {
    String value = env.get(name);
    if (value == null) {
      defaulted.add(name);
      return orElse;
    }
    return Integer.parseInt(value.trim());
  }
}
