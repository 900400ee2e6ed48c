package dev.copyscale.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import org.junit.jupiter.api.Test;

/** One way to write figures for people, and exact ones for machines. */
class UnitsTest {
  @Test
  void durationsReadInMinutesAndSeconds() {
    assertThat(Units.duration(45)).isEqualTo("45 s");
    assertThat(Units.duration(420)).isEqualTo("7 min");
    assertThat(Units.duration(450)).isEqualTo("7 min 30 s");
    assertThat(Units.duration(71_460)).isEqualTo("19 h 51 min");
    assertThat(Units.duration(6 * 86_400 + 5 * 3600 + 45 * 60)).isEqualTo("6 d 6 h");
    assertThat(Units.duration(Double.NaN)).isEqualTo("-");
  }

  @Test
  void sharesStandBesideTheirCounts() {
    assertThat(Units.countOf(983, 19_366)).isEqualTo("983 (5.08%)");
    assertThat(Units.countOf(0, 19_366)).isEqualTo("0");
    assertThat(Units.countOf(645, 12_955_037)).isEqualTo("645 (<0.01%)");
    assertThat(Units.percent(0.9186)).isEqualTo("91.86%");
    assertThat(Units.ms(5_031)).isEqualTo("5,031 ms");
    assertThat(Units.ms(24_700)).isEqualTo("24.7 s");
    assertThat(Units.plural(1, "instance", "instances")).isEqualTo("1 instance");
  }

  @Test
  void reasonsAreRoundedForReadingButTimesAreNot() {
    assertThat(Units.readable("breach 43.08687150833334 matches step [8, ∞)"))
        .isEqualTo("breach 43.09 matches step [8, ∞)");
    assertThat(Units.readable("metric 16.0, demand 2.5 requests/s at 09:45:00.550Z"))
        .isEqualTo("metric 16.0, demand 2.5 requests/s at 09:45:00.550Z");
    assertThat(Units.readable("value -0.12500001")).isEqualTo("value -0.13");
  }

  @Test
  void jsonKeepsFiguresExactWithoutBinaryNoise() throws Exception {
    JsonNode node =
        Json.mapper().readTree("{\"copyHours\": 9.749999999999995, \"a\": [1.0e-3, 2]}");
    Units.forJson(node);
    assertThat(node.get("copyHours").asDouble()).isEqualTo(9.75);
    assertThat(node.get("a").get(0).asDouble()).isEqualTo(0.001);
    assertThat(Units.exact(43.08687150833334)).isEqualTo(43.0868715083);
  }
}
