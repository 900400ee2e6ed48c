package dev.copyscale.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Numbers of specs and events read exactly. Jackson's {@code asInt}/{@code asLong} wrap a number
 * too large for the type (2^32 reads as int 0, 2^64 + 2 as long 2) and {@code asDouble} reads text
 * such as "abc" as 0; these readers refuse instead, so a caller can name the field.
 */
public final class JsonNumbers {
  private JsonNumbers() {}

  /**
   * The exact value of a finite number; empty for anything else (text, booleans, null, NaN,
   * infinities).
   */
  public static Optional<BigDecimal> exact(JsonNode v) {
    if (v == null || !v.isNumber()) {
      return Optional.empty();
    }
    if ((v.isDouble() || v.isFloat()) && !Double.isFinite(v.doubleValue())) {
      return Optional.empty();
    }
    return Optional.of(v.decimalValue());
  }

  /**
   * A whole number within [min, max] (3.0 is 3); empty when {@code v} is not one or lies outside.
   */
  public static Optional<Integer> wholeNumber(JsonNode v, int min, int max) {
    return exact(v)
        .filter(d -> d.stripTrailingZeros().scale() <= 0)
        .filter(
            d ->
                d.compareTo(BigDecimal.valueOf(min)) >= 0
                    && d.compareTo(BigDecimal.valueOf(max)) <= 0)
        .map(BigDecimal::intValueExact);
  }

  /**
   * A finite number as a double; empty for anything else, and for a number beyond a double's range.
   */
  public static Optional<Double> finite(JsonNode v) {
    return exact(v).map(d -> v.asDouble()).filter(Double::isFinite);
  }
}
