package dev.copyscale.twin.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.copyscale.testing.RepoFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceTest {
  static final Trace AZURE = Trace.azure(RepoFiles.path("examples/traces/azure-llm-conv-2023.csv"));

  static int percentile(int[] values, double p) {
    int[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.ceil(p * sorted.length) - 1];
  }

  @Test
  void theAzureTraceAsItsReadmeDescribesIt() {
    assertThat(AZURE.size()).isEqualTo(19_366);
    assertThat(AZURE.span()).isBetween(Duration.ofMinutes(58), Duration.ofMinutes(60));
    assertThat(AZURE.meanRate()).isCloseTo(5.5, within(0.1));
    int[] prompts = IntStream.range(0, AZURE.size()).map(AZURE::promptTokens).toArray();
    int[] outputs = IntStream.range(0, AZURE.size()).map(AZURE::outputTokens).toArray();
    assertThat(percentile(prompts, 0.5)).isBetween(1000, 1040);
    assertThat(percentile(outputs, 0.5)).isBetween(125, 135);
    assertThat(AZURE.arrivalMicros(0)).isZero();
    assertThat(AZURE.arrivalMicros(1)).isEqualTo(4_314_579); // 18:15:50.9951690 - 18:15:46.6805900
  }

  @Test
  void malformedTracesNameTheLine(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.csv");
    Files.writeString(
        bad,
        "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.68,374,44\nyesterday,1,2\n");
    assertThatThrownBy(() -> Trace.azure(bad))
        .hasMessageContaining("line 3")
        .hasMessageContaining("yesterday");
    Files.writeString(bad, "time,prompt,output\n");
    assertThatThrownBy(() -> Trace.azure(bad))
        .hasMessageContaining("expected the header TIMESTAMP,ContextTokens,GeneratedTokens");
  }

  @Test
  void rowsOutOfOrderAreSortedKeepingTheFilesOrderOnATie(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("unordered.csv");
    // Long enough that the merge sort's runs meet several times; every 7th row is late.
    StringBuilder csv = new StringBuilder("TIMESTAMP,ContextTokens,GeneratedTokens\n");
    int rows = 1000;
    for (int i = 0; i < rows; i++) {
      int second = i % 7 == 6 ? i - 5 : i;
      csv.append(
          String.format("2023-11-16 18:%02d:%02d.5,%d,%d%n", second / 60, second % 60, i, 1));
    }
    Files.writeString(file, csv);
    Trace t = Trace.azure(file);
    assertThat(t.size()).isEqualTo(rows);
    assertThat(t.start()).hasValue(java.time.Instant.parse("2023-11-16T18:00:00.5Z"));
    for (int i = 1; i < rows; i++) {
      assertThat(t.arrivalMicros(i)).isGreaterThanOrEqualTo(t.arrivalMicros(i - 1));
      if (t.arrivalMicros(i) == t.arrivalMicros(i - 1)) {
        // The row written first (smaller prompt here) stays first.
        assertThat(t.promptTokens(i)).isGreaterThan(t.promptTokens(i - 1));
      }
    }
    // Row 6 arrived at second 1, with row 1: after it, then row 2.
    assertThat(t.promptTokens(1)).isEqualTo(1);
    assertThat(t.promptTokens(2)).isEqualTo(6);
    assertThat(t.promptTokens(3)).isEqualTo(2);
    assertThat(t.arrivalMicros(2)).isEqualTo(1_000_000);
  }

  @Test
  void repeatAndScaleStretchInTimeAndRate() {
    Trace twice = AZURE.repeat(2);
    assertThat(twice.size()).isEqualTo(2 * AZURE.size());
    assertThat(twice.meanRate()).isCloseTo(AZURE.meanRate(), within(0.05));
    assertThat(twice.promptTokens(AZURE.size())).isEqualTo(AZURE.promptTokens(0));
    Trace fast = AZURE.scaleRate(4);
    assertThat(fast.meanRate()).isCloseTo(4 * AZURE.meanRate(), within(0.2));
    assertThat(fast.span()).isCloseTo(AZURE.span().dividedBy(4), Duration.ofSeconds(1));
  }

  @Test
  void syntheticTracesAreDeterministicForASeedAndFollowTheirShape() {
    Trace constant = Synthetic.parse("synthetic:constant:rate=10,duration=1h", 7);
    assertThat(constant.meanRate()).isCloseTo(10, within(0.3));
    assertThat(Synthetic.parse("synthetic:constant:rate=10,duration=1h", 7).arrivalMicros(100))
        .isEqualTo(constant.arrivalMicros(100));
    assertThat(Synthetic.parse("synthetic:constant:rate=10,duration=1h", 8).arrivalMicros(100))
        .isNotEqualTo(constant.arrivalMicros(100));
    int[] outputs = IntStream.range(0, constant.size()).map(constant::outputTokens).toArray();
    assertThat(percentile(outputs, 0.5)).isBetween(120, 140);

    Trace step = Synthetic.parse("synthetic:step:base=2,peak=20,at=20m,length=10m,duration=1h", 1);
    long inPeak =
        IntStream.range(0, step.size())
            .filter(
                i ->
                    step.arrivalMicros(i) >= 1_200_000_000L
                        && step.arrivalMicros(i) < 1_800_000_000L)
            .count();
    assertThat(inPeak / 600.0).isCloseTo(20, within(2.0));

    Trace bursts =
        Synthetic.parse("synthetic:bursts:base=1,burst=30,every=10m,length=1m,duration=1h", 1);
    assertThat(bursts.size())
        .isBetween(13_500, 14_600); // 6 burst minutes at 30/s (10,800) + 54 minutes at 1/s (3,240)
    Trace diurnal =
        Synthetic.parse(
            "synthetic:diurnal:mean=5,amplitude=0.8,period=24h,noise=0.05,duration=1d", 3);
    assertThat(diurnal.meanRate()).isCloseTo(5, within(0.5));
  }

  @Test
  void badSyntheticSpecsNameWhatIsWrong() {
    assertThatThrownBy(() -> Synthetic.parse("synthetic:sawtooth", 1))
        .hasMessageContaining("unknown synthetic trace \"sawtooth\"");
    assertThatThrownBy(() -> Synthetic.parse("synthetic:constant:speed=3", 1))
        .hasMessageContaining("\"speed=3\" is not one of");
    assertThatThrownBy(() -> Synthetic.parse("synthetic:constant:rate=fast", 1))
        .hasMessageContaining("constant.rate");
    assertThatThrownBy(() -> Synthetic.parse("synthetic:constant:duration=soon", 1))
        .hasMessageContaining("constant.duration");
  }

  @Test
  void aSyntheticTraceKeepsItsQuietStartAndEnd() {
    Trace t = Synthetic.parse("synthetic:step:base=0,peak=5,at=10m,length=5m,duration=30m", 1);
    assertThat(t.arrivalMicros(0)).isGreaterThanOrEqualTo(600_000_000L);
    assertThat(t.arrivalMicros(t.size() - 1)).isLessThan(900_000_000L);
    assertThat(t.span()).isEqualTo(java.time.Duration.ofMinutes(30));
    assertThat(t.repeat(2).span()).isEqualTo(java.time.Duration.ofMinutes(60));
    assertThat(t.repeat(2).arrivalMicros(t.size()))
        .isGreaterThanOrEqualTo(1_800_000_000L + 600_000_000L);
    assertThat(t.scaleRate(2).span()).isEqualTo(java.time.Duration.ofMinutes(15));
    assertThat(t.start()).as("a synthetic trace has no clock time").isEmpty();
    Trace later = t.delayed(46_000_000L);
    assertThat(later.arrivalMicros(0)).isEqualTo(t.arrivalMicros(0) + 46_000_000L);
    assertThat(later.span()).isEqualTo(java.time.Duration.ofMinutes(30).plusSeconds(46));
    assertThatThrownBy(() -> t.delayed(-1)).hasMessageContaining("negative");
  }

  @Test
  void anAzureTraceKeepsItsClockTime() {
    Trace azure = AZURE;
    java.time.Instant first = java.time.Instant.parse("2023-11-16T18:15:46.680590Z");
    assertThat(azure.start()).contains(first);
    assertThat(azure.arrivalMicros(0)).isZero();
    // Starting on the minute: the first request keeps its second, the clock time moves back with
    // it.
    Trace onTheMinute = azure.delayed(46_680_590L);
    assertThat(onTheMinute.start()).contains(java.time.Instant.parse("2023-11-16T18:15:00Z"));
    assertThat(azure.repeat(2).start()).isEqualTo(azure.start());
    assertThat(azure.scaleRate(2).start()).isEqualTo(azure.start());
  }
}
