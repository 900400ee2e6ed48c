package dev.copyscale.twin.account;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The twin's clock: it moves only when the world advances it, so days run in seconds. */
public final class VirtualClock extends Clock {
  private Instant now;

  public VirtualClock(Instant now) {
    this.now = now;
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  /** Moves time forward; never back. */
  public synchronized void advanceTo(Instant instant) {
    if (instant.isBefore(now)) {
      throw new IllegalArgumentException(
          "virtual time cannot go back from " + now + " to " + instant);
    }
    now = instant;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return Clock.fixed(instant(), zone);
  }
}
