package dev.copyscale.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress line fits an 80-column terminal, shows a rate and a settled estimate. */
class ProgressTest {
  /** A clock the test moves. */
  static final class Manual extends Clock {
    long ms;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(ms);
    }
  }

  @Test
  void aLongRunFitsEightyColumnsWithARateAndAnEstimate() {
    Manual clock = new Manual();
    AtomicLong done = new AtomicLong();
    long total = 51_820_148L;
    Progress p =
        new Progress(
            "simulating",
            "/s",
            clock,
            new PrintStream(new ByteArrayOutputStream()),
            () ->
                new Progress.Status(
                    done.get(),
                    (double) done.get() / total,
                    Progress.compact(done.get()) + " of " + Progress.compact(total) + " requests"),
            false);
    String first = p.line();
    assertThat(first).doesNotContain("/s").contains("estimating").doesNotContain(".0 requests");
    // A steady 180,000 requests a second: the estimate settles on the time left, and stays there.
    String last = first;
    for (int s = 1; s <= 120; s++) {
      clock.ms += 1000;
      done.addAndGet(180_000);
      last = p.line();
      assertThat(last.length()).as(last).isLessThanOrEqualTo(Progress.COLUMNS);
    }
    double left = (total - done.get()) / 180_000.0;
    assertThat(last)
        .startsWith("simulating   41%  21.60M of 51.82M requests  180.0k/s  ~")
        .contains("~" + Progress.eta(left) + " left");
  }

  @Test
  void aLongTaskNameIsShortenedNotTheFigures() {
    String line =
        Progress.fit(
            "load a-deployment-with-a-very-long-name-indeed-that-goes-on-and-on",
            " 58%",
            "1 min 10 s of 2 min, 560 sent",
            "8.0/s",
            "~50 s left");
    assertThat(line).hasSizeLessThanOrEqualTo(Progress.COLUMNS).endsWith("~50 s left");
    assertThat(line).contains("1 min 10 s of 2 min, 560 sent");
  }

  @Test
  void openLoadShowsElapsedAndSentAgainstThePlannedDuration() {
    Progress.Status s =
        LoadCommand.status(
            java.time.Duration.ofSeconds(70),
            java.time.Duration.ofMinutes(2),
            560,
            540,
            Integer.MAX_VALUE,
            false);
    assertThat(s.detail()).isEqualTo("1 min 10 s of 2 min, 560 sent");
    assertThat(s.fraction()).isCloseTo(70 / 120.0, org.assertj.core.data.Offset.offset(1e-9));
    Progress.Status closed =
        LoadCommand.status(java.time.Duration.ofSeconds(3), null, 72, 40, 100, true);
    assertThat(closed.detail()).isEqualTo("40 of 100 done");
    assertThat(closed.fraction()).isEqualTo(0.4);
  }
}
