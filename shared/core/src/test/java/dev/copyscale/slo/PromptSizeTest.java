package dev.copyscale.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Prompts told apart from answers by ModelLatency's rise with concurrency. */
class PromptSizeTest {
  /** Minutes at shares spread over [0, 0.4], each ratio {@code a + (b - a)·w} with some noise. */
  static PromptSize minutes(int n, double a, double b, double noise, long seed) {
    Random r = new Random(seed);
    PromptSize p = PromptSize.NONE;
    for (int i = 0; i < n; i++) {
      double w = 0.4 * r.nextDouble();
      p = p.plus(w, (a + (b - a) * w) * (1 + noise * r.nextGaussian()));
    }
    return p;
  }

  @Test
  void longerPromptsRaiseTheRatioMoreWhereMoreRequestsAreInFlight() {
    // Answers 0.92x, prompts 2.2x the model's: the synthetic traces' against the bundled table's.
    PromptSize p = minutes(400, 0.92, 2.2, 0.05, 1);
    assertThat(p.estimate().getAsDouble()).isCloseTo(2.2, within(0.15));
    assertThat(p.settled()).isTrue();
    assertThat(p.describe()).startsWith("prompts 2.").contains("over 400 calm min");
  }

  @Test
  void longerAnswersAloneRaiseItAlikeEverywhere() {
    PromptSize p = minutes(400, 1.5, 1.5, 0.05, 2);
    assertThat(p.estimate().getAsDouble()).isCloseTo(1.5, within(0.1));
  }

  @Test
  void theLineIsExactWithoutNoise() {
    PromptSize p = minutes(PromptSize.MIN_SAMPLES, 1.1, 3, 0, 3);
    assertThat(p.estimate().getAsDouble()).isCloseTo(3, within(1e-9));
    assertThat(p.standardError().getAsDouble()).isCloseTo(0, within(1e-6));
  }

  @Test
  void fewMinutesOrAConcurrencyThatNeverVariedTeachNothing() {
    assertThat(minutes(PromptSize.MIN_SAMPLES - 1, 1, 2, 0, 4).estimate()).isEmpty();
    PromptSize same = PromptSize.NONE;
    for (int i = 0; i < 100; i++) {
      same = same.plus(0.1, 1.2);
    }
    assertThat(same.estimate()).isEmpty();
    assertThat(same.settled()).isFalse();
    assertThat(same.describe()).isEqualTo("prompts not told apart yet (100 of 30 calm min)");
  }

  @Test
  void aLineThroughMinutesOfNearlyOneConcurrencyIsNotPlannedWith() {
    // Noisy minutes whose shares barely vary: extrapolated to w = 1 the error is wide.
    Random r = new Random(5);
    PromptSize p = PromptSize.NONE;
    for (int i = 0; i < 200; i++) {
      p = p.plus(0.05 + 0.01 * r.nextDouble(), 1 + 0.05 * r.nextGaussian());
    }
    assertThat(p.estimate()).isPresent();
    assertThat(p.settled()).isFalse();
    assertThat(p.describe()).endsWith("not yet sure enough to plan with");
  }

  @Test
  void sumsAddUpAsTheirMinutesDo() {
    PromptSize a = minutes(50, 1, 2, 0.05, 6);
    PromptSize b = minutes(70, 1, 2, 0.05, 7);
    PromptSize both = a.plus(b);
    assertThat(both.n()).isEqualTo(120);
    assertThat(both.sw()).isCloseTo(a.sw() + b.sw(), within(1e-12));
    assertThat(both.srr()).isCloseTo(a.srr() + b.srr(), within(1e-12));
  }

  @Test
  void theShareIsThePrefillsPartOfTheLatency() {
    assertThat(PromptSize.share(16, 140, 8000)).isCloseTo(0.28, within(1e-12));
    assertThat(PromptSize.share(100, 140, 8000)).isEqualTo(1);
    assertThatThrownBy(() -> PromptSize.share(4, 140, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("latency 0.0 ms");
  }
}
