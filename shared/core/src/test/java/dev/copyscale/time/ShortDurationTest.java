package dev.copyscale.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShortDurationTest {
  @ParameterizedTest
  @CsvSource({
    "250ms, 250",
    "1.5s, 1500",
    "90s, 90000",
    "30m, 1800000",
    "0.25m, 15000",
    "24h, 86400000",
    "7d, 604800000",
    " 2s , 2000"
  })
  void parsesWhatPeopleWrite(String text, long millis) {
    assertThat(ShortDuration.parse(text)).contains(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "5 s", "-5s", "5sec", "1,5s", "PT5S", ".5s"})
  void refusesTheRest(String text) {
    assertThat(ShortDuration.parse(text)).isEmpty();
  }
}
