package dev.copyscale.time;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them: {@code 250ms}, {@code 1.5s}, {@code 90s}, {@code 30m}, {@code
 * 24h}, {@code 7d}.
 */
public final class ShortDuration {
  private static final Pattern SHORT = Pattern.compile("^(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)$");

  private ShortDuration() {}

  /**
   * The duration, or empty when {@code text} is not of that form (callers name the field in their
   * error).
   */
  public static Optional<Duration> parse(String text) {
    Matcher m = SHORT.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    java.math.BigDecimal n = new java.math.BigDecimal(m.group(1));
    long unitMillis =
        switch (m.group(2)) {
          case "ms" -> 1;
          case "s" -> 1000;
          case "m" -> 60_000;
          case "h" -> 3_600_000;
          default -> 86_400_000;
        };
    // Exact to the millisecond: 1.5s is 1500 ms, 0.25m is 15 s.
    return Optional.of(
        Duration.ofMillis(
            n.multiply(java.math.BigDecimal.valueOf(unitMillis))
                .setScale(0, java.math.RoundingMode.HALF_UP)
                .longValueExact()));
  }
}
