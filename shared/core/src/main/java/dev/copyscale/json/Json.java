package dev.copyscale.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one JSON mapper copyscale prints and stores with (records, Optionals, stable key order). */
public final class Json {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
          .serializationInclusion(JsonInclude.Include.NON_ABSENT)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  /**
   * The same mapper refusing a key given twice in one object. Jackson otherwise keeps the last
   * value, so {"maxCopies": 2, "maxCopies": 200} would act on a value the sender may not have
   * meant.
   */
  private static final ObjectMapper STRICT =
      MAPPER
          .copy()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /**
   * The mapper for input copyscale did not write (events, specs): duplicate keys are an error, and
   * so is anything after the first value (a second document would otherwise be ignored).
   */
  public static ObjectMapper strict() {
    return STRICT;
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Compact JSON of a value, for storage. */
  public static String compact(Object value) {
    try {
      return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getName(), e);
    }
  }

  /** Reads JSON that copyscale itself wrote. */
  public static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "stored " + type.getSimpleName() + " does not parse: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads a Lambda event; malformed input, a key given twice in one object or anything after the
   * first value included, is an IllegalArgumentException naming {@code what}, the position and (for
   * a duplicate) the key, so the function fails with a clear error and changes nothing.
   */
  public static JsonNode readEvent(java.io.InputStream input, String what) {
    try {
      JsonNode event = STRICT.readTree(input);
      if (event == null || event.isMissingNode()) {
        throw new IllegalArgumentException(what + " is empty");
      }
      return event;
    } catch (JsonProcessingException e) {
      Failure failure = failure(e);
      throw new IllegalArgumentException(
          what
              + " is not valid JSON: "
              + failure.reason()
              + failure.where().map(w -> " (" + w + ")").orElse("")
              + (failure.reason().contains("twice") ? "; each key may appear once" : ""),
          e);
    } catch (java.io.IOException e) {
      String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw new IllegalArgumentException(what + " cannot be read: " + first, e);
    }
  }

  /**
   * Why a JSON text does not parse, in copyscale's words (never Jackson's class or feature names),
   * and where: {@code line L, column C}.
   */
  public record Failure(String reason, java.util.Optional<String> where) {}

  /** The {@link Failure} of a parse error from one of these mappers. */
  public static Failure failure(JsonProcessingException e) {
    com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
    java.util.Optional<String> where =
        at == null || at.getLineNr() < 1
            ? java.util.Optional.empty()
            : java.util.Optional.of("line " + at.getLineNr() + ", column " + at.getColumnNr());
    String message = String.valueOf(e.getOriginalMessage());
    String first = message.lines().findFirst().orElse("");
    java.util.regex.Matcher duplicate = DUPLICATE.matcher(first);
    if (duplicate.find()) {
      return new Failure(
          "the key \"" + duplicate.group(1) + "\" appears twice in one object", where);
    }
    java.util.regex.Matcher nonNumeric = NON_NUMERIC.matcher(first);
    if (nonNumeric.find()) {
      return new Failure(
          nonNumeric.group(1) + " is not a JSON number (numbers are finite: no NaN or Infinity)",
          where);
    }
    if (first.startsWith("Trailing token")) {
      return new Failure(
          "more follows the first JSON value; give one value (one object) per document", where);
    }
    return new Failure(withoutJacksonNames(first), where);
  }

  /**
   * A Jackson message cut before its first {@code `...`} (where it names its classes and features)
   * and any "(for ...)" detail, trailing punctuation trimmed.
   */
  static String withoutJacksonNames(String message) {
    String cut = message;
    int tick = cut.indexOf('`');
    if (tick >= 0) {
      cut = cut.substring(0, tick);
    }
    int detail = cut.indexOf(" (for ");
    if (detail >= 0) {
      cut = cut.substring(0, detail);
    }
    cut = cut.replaceAll("(?i)[\\s:;,(]*(enable|to allow|bound as|of type)?[\\s:;,(]*$", "");
    return cut.isBlank() ? "it does not parse as JSON" : cut;
  }

  /** Jackson's message for STRICT_DUPLICATE_DETECTION. */
  private static final java.util.regex.Pattern DUPLICATE =
      java.util.regex.Pattern.compile("^Duplicate field '(.*)'");

  /** Jackson's message for NaN and the infinities, which JSON does not have. */
  private static final java.util.regex.Pattern NON_NUMERIC =
      java.util.regex.Pattern.compile("^Non-standard token '([^']*)'");

  /** Writes a response as pretty JSON. */
  public static void write(java.io.OutputStream output, Object response) {
    try {
      output.write(pretty(response).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Pretty JSON of a value; copyscale's own values always serialize. */
  public static String pretty(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getName(), e);
    }
  }
}
