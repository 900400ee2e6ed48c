package dev.copyscale.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.catalog.Catalog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TgiLimitsTest {
  private final ServingProfile profile = ServingProfile.llama3OnA10G();

  @Test
  void unsetLimitsTakeTgi20sDefaultsTheContextCappedAt4096() {
    // Llama 3 8B's context is 8192: TGI 2.0 caps its default at 4096 tokens, the input one less.
    TgiLimits llama =
        TgiLimits.of(Map.of(), profile, "meta-llama/Meta-Llama-3-8B-Instruct", Catalog.bundled());
    assertThat(llama.maxTotalTokens()).isEqualTo(4096);
    assertThat(llama.maxInputTokens()).isEqualTo(4095);
    assertThat(llama.maxBatchTotalTokens()).isEqualTo(profile.maxConcurrency() * 4096);
    assertThat(llama.defaulted())
        .containsExactly(
            "MAX_INPUT_LENGTH",
            "MAX_TOTAL_TOKENS",
            "MAX_BATCH_TOTAL_TOKENS",
            "MAX_BATCH_PREFILL_TOKENS",
            "WAITING_SERVED_RATIO",
            "MAX_WAITING_TOKENS");
    // TGI 2.0's batching defaults (launcher/src/main.rs): the input limit plus 50 for a prefill,
    // waiting requests joining at 0.3 of the batch (v2.0.2 on) or after 20 steps.
    assertThat(llama.maxBatchPrefillTokens()).isEqualTo(4145);
    assertThat(llama.waitingServedRatio()).isEqualTo(0.3);
    assertThat(llama.maxWaitingTokens()).isEqualTo(20);
    assertThat(llama.maxBatchSize()).isZero();
    // A model copyscale does not know: TGI's fallback when it cannot read the context is 4096 too.
    assertThat(TgiLimits.of(Map.of(), profile, "/opt/ml/model", Catalog.bundled()).maxTotalTokens())
        .isEqualTo(4096);
  }

  @Test
  void theEnvironmentWinsUnderEitherNameOfTheInputLimit() {
    TgiLimits set =
        TgiLimits.of(
            Map.of(
                "MAX_INPUT_LENGTH",
                "7168",
                "MAX_TOTAL_TOKENS",
                "8192",
                "MAX_BATCH_TOTAL_TOKENS",
                "32768"),
            profile,
            "meta-llama/Meta-Llama-3-8B-Instruct",
            Catalog.bundled());
    assertThat(set)
        .isEqualTo(
            new TgiLimits(
                7168,
                8192,
                32768,
                7218,
                0.3,
                20,
                0,
                List.of("MAX_BATCH_PREFILL_TOKENS", "WAITING_SERVED_RATIO", "MAX_WAITING_TOKENS")));
    assertThat(
            TgiLimits.of(
                    Map.of("MAX_INPUT_TOKENS", "3000"),
                    profile,
                    "meta-llama/Meta-Llama-3-8B-Instruct",
                    Catalog.bundled())
                .maxInputTokens())
        .isEqualTo(3000);
  }

  @Test
  void withTheDerivedModelTgiSizesTheBatchFromTheKvCacheAndTheBatchingSettingsAreRead() {
    TgiLimits derived =
        TgiLimits.of(
            Map.of(
                "MAX_BATCH_PREFILL_TOKENS",
                "8192",
                "WAITING_SERVED_RATIO",
                "1.2",
                "MAX_BATCH_SIZE",
                "16"),
            8192,
            62_593);
    assertThat(derived.maxBatchTotalTokens()).isEqualTo(62_593);
    assertThat(derived.maxBatchPrefillTokens()).isEqualTo(8192);
    assertThat(derived.waitingServedRatio()).isEqualTo(1.2);
    assertThat(derived.maxBatchSize()).isEqualTo(16);
    assertThat(derived.defaulted())
        .doesNotContain("WAITING_SERVED_RATIO", "MAX_BATCH_PREFILL_TOKENS");
  }
}
