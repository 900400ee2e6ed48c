package dev.copyscale.cli;

import dev.copyscale.time.ShortDuration;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as people write them: {@code 250ms}, {@code 1.5s}, {@code 90s}, {@code 30m}, {@code
 * 24h}, {@code 2d}, or ISO-8601 {@code PT30M}.
 */
final class Durations implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String text) {
    return parse(text);
  }

  static Duration parse(String text) {
    if (text.strip().startsWith("-")) {
      throw new TypeConversionException(
          "'" + text + "' is negative; a duration must be positive, e.g. 5m");
    }
    Optional<Duration> shortForm;
    try {
      shortForm = ShortDuration.parse(text);
    } catch (ArithmeticException e) {
      throw new TypeConversionException(
          "'" + text + "' is too long a duration to count in milliseconds");
    }
    return shortForm.orElseGet(
        () -> {
          try {
            return Duration.parse(text.trim());
          } catch (DateTimeParseException e) {
            throw new TypeConversionException(
                "'" + text + "' is not a duration such as 250ms, 1.5s, 90s, 30m, 24h, 2d or PT30M");
          }
        });
  }

  /** A duration as "N days" when it is whole days, else ISO-8601 (PT9601H). */
  static String describe(Duration d) {
    return d.equals(Duration.ofDays(d.toDays())) ? d.toDays() + " days" : d.toString();
  }
}
