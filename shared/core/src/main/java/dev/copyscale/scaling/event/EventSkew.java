package dev.copyscale.scaling.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The bound on how far in the future an event's timestamps may lie. An alarm state stamped in 2099
 * would otherwise be the newest state of its alarm for ever, and every real change after it would
 * look like a late delivery and be ignored.
 *
 * <p>{@link #MAX_SKEW} is 5 minutes, ASSUMED: AWS documents no accuracy for the timestamps
 * CloudWatch and EventBridge put on events, but its hosts keep time with the Amazon Time Sync
 * Service (EC2 User Guide, "Set the time for your instance"), and AWS itself tolerates 15 minutes
 * of skew in a signed request. A genuine event lies seconds, not minutes, from the function's
 * clock; 5 minutes leaves room for a slow clock and still refuses a forged or mistyped stamp.
 * Events from the past are not bounded here: late deliveries are normal and the services recognise
 * them.
 */
public final class EventSkew {
  /** How far ahead of the function's clock an event's timestamp may be. */
  public static final Duration MAX_SKEW = Duration.ofMinutes(5);

  private EventSkew() {}

  /**
   * Why the timestamp at {@code field} cannot be accepted, or empty when it lies at most {@code
   * maxSkew} after {@code now}.
   */
  public static Optional<String> check(
      String field, Instant stamped, Instant now, Duration maxSkew) {
    Duration ahead = Duration.between(now, stamped);
    if (ahead.compareTo(maxSkew) <= 0) {
      return Optional.empty();
    }
    return Optional.of(
        field
            + " "
            + stamped
            + " is "
            + describe(ahead)
            + " ahead of the function's clock ("
            + now
            + "), more than the "
            + describe(maxSkew)
            + " of clock skew allowed; the event is ignored");
  }

  /** A duration as people say it: 3 days, 7 hours, 12 minutes, 40 seconds. */
  static String describe(Duration d) {
    if (d.toDays() >= 2) {
      return d.toDays() + " days";
    }
    if (d.toHours() >= 2) {
      return d.toHours() + " hours";
    }
    if (d.toMinutes() >= 2) {
      return d.toMinutes() + " minutes";
    }
    return d.toSeconds() + " seconds";
  }
}
