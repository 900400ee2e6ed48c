package dev.copyscale.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.JsonNumbers;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A path-aware view of one JSON/YAML object of the spec. Every read checks the field's type and its
 * own constraints and reports problems under the field's path instead of throwing; a field that has
 * a problem reads as its fallback so reading goes on and every problem is found in one pass. {@link
 * #finish()} reports fields the reader never asked for (typos such as {@code minCopy}).
 */
final class Node {
  private final JsonNode json;
  private final String path;
  private final Problems problems;
  private final Set<String> read = new HashSet<>();

  Node(JsonNode json, String path, Problems problems) {
    this.json = json;
    this.path = path;
    this.problems = problems;
  }

  String path() {
    return path;
  }

  String pathOf(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  Problems problems() {
    return problems;
  }

  boolean has(String field) {
    read.add(field);
    JsonNode value = json.get(field);
    return value != null && !value.isNull();
  }

  private Optional<JsonNode> value(String field, boolean required) {
    read.add(field);
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        problems.add(pathOf(field), "is required");
      }
      return Optional.empty();
    }
    return Optional.of(value);
  }

  private static String describe(JsonNode value) {
    if (value.isTextual()) {
      return "string \"" + value.asText() + "\"";
    }
    if (value.isObject()) {
      return "an object";
    }
    if (value.isArray()) {
      return "a list";
    }
    if (value.isNumber()) {
      // asText: NaN and the infinities unquoted (toString quotes them, as JSON has none).
      return "number " + value.asText();
    }
    return value.getNodeType().name().toLowerCase() + " " + value;
  }

  Optional<String> optionalString(String field) {
    return value(field, false).flatMap(v -> asString(field, v));
  }

  String string(String field, String fallback) {
    return optionalString(field).orElse(fallback);
  }

  String requiredString(String field) {
    return value(field, true).flatMap(v -> asString(field, v)).orElse("");
  }

  private Optional<String> asString(String field, JsonNode v) {
    if (!v.isTextual()) {
      problems.add(pathOf(field), "must be a string, got " + describe(v));
      return Optional.empty();
    }
    return Optional.of(v.asText());
  }

  /** A required string that must match a pattern; {@code rule} says what the pattern allows. */
  String requiredMatching(String field, Pattern pattern, String rule) {
    String value = requiredString(field);
    return checkPattern(field, value, pattern, rule);
  }

  String matching(String field, String fallback, Pattern pattern, String rule) {
    if (!has(field)) {
      return fallback;
    }
    return checkPattern(field, string(field, fallback), pattern, rule);
  }

  private String checkPattern(String field, String value, Pattern pattern, String rule) {
    if (!problems.at(pathOf(field)) && !pattern.matcher(value).matches()) {
      problems.add(pathOf(field), "\"" + value + "\" is not valid: " + rule);
    }
    return value;
  }

  /** A string that must be one of {@code allowed} (exact spelling, as the AWS APIs want it). */
  String oneOf(String field, String fallback, Collection<String> allowed, boolean required) {
    Optional<String> value = value(field, required).flatMap(v -> asString(field, v));
    if (value.isPresent() && !allowed.contains(value.get())) {
      problems.add(
          pathOf(field),
          "\"" + value.get() + "\" is not one of the allowed values " + String.join(", ", allowed));
      return fallback;
    }
    return value.orElse(fallback);
  }

  Optional<Integer> optionalInt(String field, int min, int max) {
    return value(field, false).flatMap(v -> asInt(field, v, min, max));
  }

  int integer(String field, int fallback, int min, int max) {
    return optionalInt(field, min, max).orElse(fallback);
  }

  int requiredInt(String field, int min, int max) {
    return value(field, true).flatMap(v -> asInt(field, v, min, max)).orElse(min);
  }

  /**
   * A whole number within [min, max], compared exactly: a number too large for a long (such as
   * 18446744073709551618) is out of range, never wrapped to a small one; 2.5, "3" and true are not
   * whole numbers. An integral float (3.0) is the whole number it equals.
   */
  private Optional<Integer> asInt(String field, JsonNode v, int min, int max) {
    Optional<BigDecimal> exact = exact(v);
    if (exact.isEmpty() || exact.get().stripTrailingZeros().scale() > 0) {
      problems.add(pathOf(field), "must be a whole number, got " + describe(v));
      return Optional.empty();
    }
    BigDecimal value = exact.get();
    if (value.compareTo(BigDecimal.valueOf(min)) < 0
        || value.compareTo(BigDecimal.valueOf(max)) > 0) {
      problems.add(pathOf(field), v + " is out of range " + range(min, max));
      return Optional.empty();
    }
    return Optional.of(value.intValueExact());
  }

  private static Optional<BigDecimal> exact(JsonNode v) {
    return JsonNumbers.exact(v);
  }

  private static String range(double min, double max) {
    String lo = min == Math.rint(min) ? String.valueOf((long) min) : String.valueOf(min);
    if (max >= Integer.MAX_VALUE) {
      return ">= " + lo;
    }
    String hi = max == Math.rint(max) ? String.valueOf((long) max) : String.valueOf(max);
    return lo + ".." + hi;
  }

  Optional<Double> optionalNumber(String field, double min, double max) {
    return value(field, false).flatMap(v -> asNumber(field, v, min, max));
  }

  double number(String field, double fallback, double min, double max) {
    return optionalNumber(field, min, max).orElse(fallback);
  }

  double requiredNumber(String field, double min, double max) {
    return value(field, true).flatMap(v -> asNumber(field, v, min, max)).orElse(min);
  }

  private Optional<Double> asNumber(String field, JsonNode v, double min, double max) {
    if (!v.isNumber()) {
      problems.add(pathOf(field), "must be a number, got " + describe(v));
      return Optional.empty();
    }
    if (exact(v).isEmpty()) {
      problems.add(pathOf(field), "must be a finite number, got " + describe(v));
      return Optional.empty();
    }
    // A number beyond a double's range reads as an infinity, which the range below refuses.
    double value = v.asDouble();
    if (value < min || value > max) {
      problems.add(pathOf(field), v + " is out of range " + range(min, max));
      return Optional.empty();
    }
    return Optional.of(value);
  }

  /**
   * A duration as people write it ({@code 500ms}, {@code 2s}, {@code 30m}), within {@code
   * min..max}.
   */
  Optional<java.time.Duration> optionalDuration(
      String field, java.time.Duration min, java.time.Duration max) {
    return optionalString(field)
        .flatMap(
            text -> {
              Optional<java.time.Duration> d = dev.copyscale.time.ShortDuration.parse(text);
              if (d.isEmpty()) {
                problems.add(
                    pathOf(field), "\"" + text + "\" is not a duration such as 500ms, 2s or 30m");
                return Optional.empty();
              }
              if (d.get().compareTo(min) < 0 || d.get().compareTo(max) > 0) {
                problems.add(
                    pathOf(field),
                    "\""
                        + text
                        + "\" is out of range "
                        + min.toMillis()
                        + " ms.."
                        + max.toSeconds()
                        + " s");
                return Optional.empty();
              }
              return d;
            });
  }

  java.time.Duration duration(
      String field, java.time.Duration fallback, java.time.Duration min, java.time.Duration max) {
    return optionalDuration(field, min, max).orElse(fallback);
  }

  Optional<java.time.Duration> requiredDuration(
      String field, java.time.Duration min, java.time.Duration max) {
    if (!has(field)) {
      problems.add(pathOf(field), "is required");
      return Optional.empty();
    }
    return optionalDuration(field, min, max);
  }

  boolean bool(String field, boolean fallback) {
    Optional<JsonNode> v = value(field, false);
    if (v.isEmpty()) {
      return fallback;
    }
    if (!v.get().isBoolean()) {
      problems.add(pathOf(field), "must be true or false, got " + describe(v.get()));
      return fallback;
    }
    return v.get().asBoolean();
  }

  /** An object's JSON as given, unread: a document of another schema (a model's config.json). */
  Optional<JsonNode> optionalJsonObject(String field) {
    Optional<JsonNode> v = value(field, false);
    if (v.isPresent() && !v.get().isObject()) {
      problems.add(pathOf(field), "must be an object, got " + describe(v.get()));
      return Optional.empty();
    }
    return v;
  }

  Optional<Node> optionalObject(String field) {
    return value(field, false).flatMap(v -> asObject(field, v));
  }

  Optional<Node> requiredObject(String field) {
    return value(field, true).flatMap(v -> asObject(field, v));
  }

  private Optional<Node> asObject(String field, JsonNode v) {
    if (!v.isObject()) {
      problems.add(pathOf(field), "must be an object, got " + describe(v));
      return Optional.empty();
    }
    return Optional.of(new Node(v, pathOf(field), problems));
  }

  /** A list of objects, each read (and finished) by {@code reader}; an absent list is empty. */
  <T> List<T> objects(String field, Function<Node, T> reader) {
    Optional<JsonNode> v = value(field, false);
    List<T> result = new ArrayList<>();
    if (v.isEmpty()) {
      return result;
    }
    if (!v.get().isArray()) {
      problems.add(pathOf(field), "must be a list, got " + describe(v.get()));
      return result;
    }
    for (int i = 0; i < v.get().size(); i++) {
      JsonNode element = v.get().get(i);
      String elementPath = pathOf(field) + "[" + i + "]";
      if (!element.isObject()) {
        problems.add(elementPath, "must be an object, got " + describe(element));
        continue;
      }
      result.add(reader.apply(new Node(element, elementPath, problems)));
    }
    return result;
  }

  /** A map of string to scalar; numbers and booleans are taken as their text (env values). */
  Map<String, String> stringMap(String field) {
    Optional<JsonNode> v = value(field, false);
    Map<String, String> result = new LinkedHashMap<>();
    if (v.isEmpty()) {
      return result;
    }
    if (!v.get().isObject()) {
      problems.add(pathOf(field), "must be an object of NAME: value, got " + describe(v.get()));
      return result;
    }
    v.get()
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode value = e.getValue();
              if (value.isValueNode() && !value.isNull()) {
                result.put(e.getKey(), value.asText());
              } else {
                problems.add(
                    pathOf(field) + "." + e.getKey(),
                    "must be a string, number or boolean, got " + describe(value));
              }
            });
    return result;
  }

  /** Reports every field of this object that was never read: unknown or misspelled. */
  void finish() {
    json.fieldNames()
        .forEachRemaining(
            name -> {
              if (!read.contains(name)) {
                problems.add(pathOf(name), "is not a known field here; known fields: " + known());
              }
            });
  }

  private String known() {
    return String.join(", ", read.stream().sorted().toList());
  }
}
