package dev.copyscale.time;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them: {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d}. */
public final class ShortDuration {
  private static final Pattern SHORT = Pattern.compile("^(\\d+)([smhd])$");

  private ShortDuration() {}

  /** The duration, or empty when {@code text} is not of that form (callers name the field in their error). */
  public static Optional<Duration> parse(String text) {
    Matcher m = SHORT.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    return Optional.of(switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    });
  }
}
