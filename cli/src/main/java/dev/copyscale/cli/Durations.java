package dev.copyscale.cli;

import dev.copyscale.time.ShortDuration;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as people write them: {@code 250ms}, {@code 1.5s}, {@code 90s}, {@code 30m}, {@code 24h}, {@code 2d}, or ISO-8601 {@code PT30M}. */
final class Durations implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String text) {
    return parse(text);
  }

  static Duration parse(String text) {
    return ShortDuration.parse(text).orElseGet(() -> {
      try {
        return Duration.parse(text.trim());
      } catch (DateTimeParseException e) {
        throw new TypeConversionException("'" + text + "' is not a duration such as 250ms, 1.5s, 90s, 30m, 24h, 2d or PT30M");
      }
    });
  }
}
