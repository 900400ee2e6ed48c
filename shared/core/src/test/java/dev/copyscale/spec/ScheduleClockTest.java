package dev.copyscale.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.scaling.bounds.ScheduledBounds;
import dev.copyscale.schedule.ScheduleClock;
import dev.copyscale.spec.DeploymentSpec.Schedule;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * EventBridge Scheduler's documented daylight-saving behaviour: an occurrence in the skipped hour
 * does not fire; one in the repeated hour fires once. 2026: Europe/Berlin springs forward on 29
 * March (02:00 -> 03:00) and falls back on 25 October (03:00 -> 02:00); America/New_York on 8 March
 * (02:00 -> 03:00) and 1 November (02:00 -> 01:00).
 */
class ScheduleClockTest {
  private static Instant t(String instant) {
    return Instant.parse(instant);
  }

  @Nested
  class Berlin {
    private final ScheduleClock twoThirty = ScheduleClock.of("30 2 ? * * *", "Europe/Berlin");
    private final ScheduleClock eight = ScheduleClock.of("0 8 ? * MON-FRI *", "Europe/Berlin");

    @Test
    void theSkippedHourDoesNotFire() {
      // 28 March 02:30 CET = 01:30Z; 29 March 02:30 does not exist; 30 March 02:30 CEST = 00:30Z
      assertThat(twoThirty.next(t("2026-03-28T01:30:00Z"))).contains(t("2026-03-30T00:30:00Z"));
    }

    @Test
    void theRepeatedHourFiresOnce() {
      // 25 October 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET): only the first fires
      assertThat(twoThirty.next(t("2026-10-24T12:00:00Z"))).contains(t("2026-10-25T00:30:00Z"));
      assertThat(twoThirty.next(t("2026-10-25T00:30:00Z"))).contains(t("2026-10-26T01:30:00Z"));
    }

    @Test
    void latestFiringDuringTheRepeatedHour() {
      // at 01:45Z local time is 02:45 (second pass); the 02:30 firing happened at 00:30Z
      assertThat(twoThirty.latestAtOrBefore(t("2026-10-25T01:45:00Z")))
          .contains(t("2026-10-25T00:30:00Z"));
      assertThat(twoThirty.latestAtOrBefore(t("2026-10-25T00:29:00Z")))
          .contains(t("2026-10-24T00:30:00Z"));
      assertThat(twoThirty.latestAtOrBefore(t("2026-10-25T00:30:00Z")))
          .contains(t("2026-10-25T00:30:00Z"));
    }

    @Test
    void businessHoursKeepTheirLocalTimeAcrossTheChange() {
      // Friday 27 March 08:00 CET = 07:00Z; Monday 30 March 08:00 CEST = 06:00Z
      assertThat(eight.next(t("2026-03-27T00:00:00Z"))).contains(t("2026-03-27T07:00:00Z"));
      assertThat(eight.next(t("2026-03-27T07:00:00Z"))).contains(t("2026-03-30T06:00:00Z"));
    }
  }

  @Nested
  class NewYork {
    @Test
    void theSkippedHourDoesNotFire() {
      ScheduleClock twoThirty = ScheduleClock.of("30 2 ? * * *", "America/New_York");
      // 7 March 02:30 EST = 07:30Z; 8 March skipped; 9 March 02:30 EDT = 06:30Z
      assertThat(twoThirty.next(t("2026-03-07T07:30:00Z"))).contains(t("2026-03-09T06:30:00Z"));
    }

    @Test
    void theRepeatedHourFiresOnce() {
      ScheduleClock oneThirty = ScheduleClock.of("30 1 ? * * *", "America/New_York");
      // 1 November 01:30 EDT = 05:30Z fires; 01:30 EST = 06:30Z does not; 2 November 01:30 EST =
      // 06:30Z
      assertThat(oneThirty.next(t("2026-10-31T12:00:00Z"))).contains(t("2026-11-01T05:30:00Z"));
      assertThat(oneThirty.next(t("2026-11-01T05:30:00Z"))).contains(t("2026-11-02T06:30:00Z"));
    }

    @Test
    void everyMinuteAcrossTheRepeatedHourStillFindsTheLatestFiring() {
      ScheduleClock everyMinute = ScheduleClock.of("* * ? * * *", "America/New_York");
      // 06:10Z is 01:10 EST, second pass; every local minute of 01:00-01:59 fired in the first pass
      // (05:00Z-05:59Z); the second pass fires nothing, so the latest firing is 01:59 EDT = 05:59Z
      assertThat(everyMinute.latestAtOrBefore(t("2026-11-01T06:10:00Z")))
          .contains(t("2026-11-01T05:59:00Z"));
      assertThat(everyMinute.latestAtOrBefore(t("2026-11-01T04:10:30Z")))
          .contains(t("2026-11-01T04:10:00Z"));
    }
  }

  @Nested
  class BoundsInForce {
    private final Schedule business =
        new Schedule("business-hours", "0 8 ? * MON-FRI *", "Europe/Berlin", 4, 8, 0);
    private final Schedule nights =
        new Schedule("nights", "0 20 ? * * *", "Europe/Berlin", 0, 2, 0);

    @Test
    void theMostRecentFiringWins() {
      // Wednesday 25 November 2026, 10:00 Berlin (09:00Z): business hours since 08:00
      ScheduledBounds.Window day =
          ScheduledBounds.inForce(List.of(business, nights), t("2026-11-25T09:00:00Z"))
              .orElseThrow();
      assertThat(day.schedule().name()).isEqualTo("business-hours");
      assertThat(day.firedAt()).isEqualTo(t("2026-11-25T07:00:00Z"));
      // 22:00 Berlin: nights since 20:00
      assertThat(
              ScheduledBounds.inForce(List.of(business, nights), t("2026-11-25T21:00:00Z"))
                  .orElseThrow()
                  .maxCapacity())
          .isEqualTo(2);
      // Saturday noon: still Friday's (and Saturday's 20:00 is later) -> nights from Friday 20:00
      ScheduledBounds.Window weekend =
          ScheduledBounds.inForce(List.of(business, nights), t("2026-11-28T11:00:00Z"))
              .orElseThrow();
      assertThat(weekend.schedule().name()).isEqualTo("nights");
      assertThat(weekend.firedAt()).isEqualTo(t("2026-11-27T19:00:00Z"));
    }

    @Test
    void leadSecondsFireEarlier() {
      Schedule early =
          new Schedule("business-hours", "0 8 ? * MON-FRI *", "Europe/Berlin", 4, 8, 600);
      // 07:55 Berlin (06:55Z): the window opening at 08:00 fired at 07:50
      ScheduledBounds.Window w =
          ScheduledBounds.inForce(List.of(early, nights), t("2026-11-25T06:55:00Z")).orElseThrow();
      assertThat(w.schedule().name()).isEqualTo("business-hours");
      assertThat(w.firedAt()).isEqualTo(t("2026-11-25T06:50:00Z"));
      assertThat(ScheduledBounds.nextFiring(early, t("2026-11-25T06:55:00Z")))
          .contains(t("2026-11-26T06:50:00Z"));
    }

    @Test
    void noScheduleHasFiredYet() {
      Schedule oneDay = new Schedule("launch", "0 9 1 12 ? 2026", "UTC", 2, 2, 0);
      assertThat(ScheduledBounds.inForce(List.of(oneDay), t("2026-11-25T00:00:00Z"))).isEmpty();
    }
  }
}
