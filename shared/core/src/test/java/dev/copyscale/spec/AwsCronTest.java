package dev.copyscale.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copyscale.schedule.AwsCron;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class AwsCronTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void weekdayMorningsInTheSchedulesTimeZone() {
    AwsCron cron = AwsCron.parse("0 8 ? * MON-FRI *");
    ZonedDateTime saturdayNoon = ZonedDateTime.of(2026, 11, 28, 12, 0, 0, 0, BERLIN);
    assertThat(cron.next(saturdayNoon))
        .contains(ZonedDateTime.of(2026, 11, 30, 8, 0, 0, 0, BERLIN));
    assertThat(cron.previous(saturdayNoon))
        .contains(ZonedDateTime.of(2026, 11, 27, 8, 0, 0, 0, BERLIN));
  }

  @Test
  void dayOfWeekNumbersAreSundayToSaturday() {
    AwsCron cron = AwsCron.parse("cron(0 20 ? * 1 *)");
    ZonedDateTime wednesday = ZonedDateTime.of(2026, 11, 25, 0, 0, 0, 0, BERLIN);
    assertThat(cron.next(wednesday)).contains(ZonedDateTime.of(2026, 11, 29, 20, 0, 0, 0, BERLIN));
  }

  @Test
  void lastDayOfMonthAndNthWeekday() {
    ZonedDateTime start = ZonedDateTime.of(2026, 2, 1, 0, 0, 0, 0, BERLIN);
    assertThat(AwsCron.parse("0 18 L * ? *").next(start))
        .contains(ZonedDateTime.of(2026, 2, 28, 18, 0, 0, 0, BERLIN));
    assertThat(AwsCron.parse("0 9 ? * 2#1 *").next(start))
        .contains(ZonedDateTime.of(2026, 2, 2, 9, 0, 0, 0, BERLIN));
  }

  @Test
  void refusesWhatSchedulerRefuses() {
    assertThatThrownBy(() -> AwsCron.parse("0 8 * * 1-5")).hasMessageContaining("needs 6 fields");
    assertThatThrownBy(() -> AwsCron.parse("0 8 1 * MON *")).hasMessageContaining("must be '?'");
    assertThatThrownBy(() -> AwsCron.parse("61 8 ? * MON *"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
