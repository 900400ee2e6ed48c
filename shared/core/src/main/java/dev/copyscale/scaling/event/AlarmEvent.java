package dev.copyscale.scaling.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import dev.copyscale.json.JsonNumbers;
import dev.copyscale.spec.Comparison;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A CloudWatch alarm state change, from either delivery: a direct Lambda alarm action ({@code
 * alarmArn} + {@code alarmData}) or an EventBridge "CloudWatch Alarm State Change" event ({@code
 * detail}). Both carry the new state, its timestamp and the evaluated datapoints in {@code
 * reasonData}.
 *
 * @param eventKey what makes a delivery unique: the EventBridge event id, or for a direct action
 *     the alarm ARN plus the state timestamp (the same state change delivered twice has both)
 * @param datapoints values of the evaluated datapoints that have one (newest first, as CloudWatch
 *     lists them)
 * @param sentAt the event's own {@code time}, when it has one (both deliveries do)
 */
public record AlarmEvent(
    String alarmName,
    AlarmState state,
    Instant stateTimestamp,
    String reason,
    List<Double> datapoints,
    Optional<Double> threshold,
    String eventKey,
    Delivery delivery,
    Optional<Instant> sentAt) {

  public AlarmEvent {
    datapoints = List.copyOf(datapoints);
  }

  /**
   * An event without a {@code time} of its own (the tick's, or one rebuilt with other datapoints).
   */
  public AlarmEvent(
      String alarmName,
      AlarmState state,
      Instant stateTimestamp,
      String reason,
      List<Double> datapoints,
      Optional<Double> threshold,
      String eventKey,
      Delivery delivery) {
    this(
        alarmName,
        state,
        stateTimestamp,
        reason,
        datapoints,
        threshold,
        eventKey,
        delivery,
        Optional.empty());
  }

  /**
   * Why this event cannot be acted on because a timestamp of it lies more than {@code maxSkew}
   * after {@code now} (the state timestamp first, then the event's {@code time}), or empty. The
   * field is named as the delivery spells it, e.g. {@code detail.state.timestamp}. A caller acts on
   * nothing and records the reason; see {@link EventSkew} for the bound ({@link
   * EventSkew#MAX_SKEW}).
   */
  public Optional<String> checkSkew(Instant now, java.time.Duration maxSkew) {
    return EventSkew.check(delivery.stateTimestampField(), stateTimestamp, now, maxSkew)
        .or(() -> sentAt.flatMap(t -> EventSkew.check("time", t, now, maxSkew)));
  }

  /** The same state change with other datapoints (the metric as CloudWatch has it now). */
  public AlarmEvent withDatapoints(List<Double> values) {
    return new AlarmEvent(
        alarmName, state, stateTimestamp, reason, values, threshold, eventKey, delivery, sentAt);
  }

  /** The only sender of alarm state changes, in both deliveries' {@code source}. */
  public static final String CLOUDWATCH = "aws.cloudwatch";

  /**
   * Why this event is not what it claims to be, or empty when it is: a CloudWatch alarm state
   * change comes from {@code aws.cloudwatch} (both deliveries say so in {@code source}) and names
   * the alarm it is about twice, in {@code detail.alarmName} and in {@code resources}
   * (EventBridge), or in {@code alarmData.alarmName} and {@code alarmArn} (the alarm action). An
   * event that disagrees with itself is ignored: anyone allowed to put events on the bus could
   * otherwise make one deployment's alarm scale it in another's name. Checked after {@link #parse}.
   */
  public Optional<String> misclaimed(JsonNode event) {
    JsonNode source = event.get("source");
    if (source == null || !source.isTextual() || !source.asText().equals(CLOUDWATCH)) {
      return Optional.of(
          "source "
              + (source == null ? "is missing" : source + " is not \"" + CLOUDWATCH + "\"")
              + ": only CloudWatch sends alarm state changes; the event is ignored");
    }
    String suffix = ":alarm:" + alarmName;
    if (delivery == Delivery.EVENTBRIDGE) {
      JsonNode resources = event.path("resources");
      for (JsonNode arn : resources) {
        if (arn.isTextual() && arn.asText().startsWith("arn:") && arn.asText().endsWith(suffix)) {
          return Optional.empty();
        }
      }
      return Optional.of(
          "resources "
              + resources
              + " name no alarm "
              + alarmName
              + ", the alarm detail.alarmName names; the event is ignored");
    }
    String arn = event.path("alarmArn").asText("");
    if (!arn.endsWith(suffix)) {
      return Optional.of(
          "alarmArn \""
              + arn
              + "\" is not the ARN of alarm "
              + alarmName
              + ", the alarm alarmData.alarmName names; the event is ignored");
    }
    return Optional.empty();
  }

  /** CloudWatch writes timestamps as {@code 2023-08-04T12:36:15.490+0000}. */
  private static final DateTimeFormatter CLOUDWATCH_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

  /**
   * @throws IllegalArgumentException naming the missing or malformed field
   */
  public static AlarmEvent parse(JsonNode event) {
    if (event == null || !event.isObject()) {
      throw new IllegalArgumentException("alarm event must be a JSON object");
    }
    if (event.has("detail-type")) {
      String type = event.get("detail-type").asText();
      if (!type.equals("CloudWatch Alarm State Change")) {
        throw new IllegalArgumentException(
            "EventBridge event of detail-type \""
                + type
                + "\" is not a CloudWatch alarm state change");
      }
      String id = required(event, "id", "EventBridge event").asText();
      AlarmEvent parsed =
          fromAlarmData(
              required(event, "detail", "EventBridge event"),
              "eventbridge#" + id,
              Delivery.EVENTBRIDGE,
              "detail");
      return parsed.sentAt(sentAt(event));
    }
    if (event.has("alarmData")) {
      String arn = required(event, "alarmArn", "alarm action").asText();
      AlarmEvent parsed =
          fromAlarmData(event.get("alarmData"), "", Delivery.LAMBDA_ACTION, "alarmData");
      return new AlarmEvent(
          parsed.alarmName(),
          parsed.state(),
          parsed.stateTimestamp(),
          parsed.reason(),
          parsed.datapoints(),
          parsed.threshold(),
          "alarm#" + arn + "#" + parsed.stateTimestamp(),
          parsed.delivery(),
          sentAt(event));
    }
    throw new IllegalArgumentException(
        "not a CloudWatch alarm event: expected a Lambda alarm action (alarmArn, alarmData) or an"
            + " EventBridge \"CloudWatch Alarm State Change\" event");
  }

  /** The event's {@code time}: absent is allowed, malformed is not. */
  private static Optional<Instant> sentAt(JsonNode event) {
    JsonNode time = event.get("time");
    if (time == null || time.isNull()) {
      return Optional.empty();
    }
    if (!time.isTextual()) {
      throw new IllegalArgumentException("time must be a timestamp string, got " + time);
    }
    return Optional.of(time(time.asText(), "time"));
  }

  private AlarmEvent sentAt(Optional<Instant> at) {
    return new AlarmEvent(
        alarmName, state, stateTimestamp, reason, datapoints, threshold, eventKey, delivery, at);
  }

  private static AlarmEvent fromAlarmData(
      JsonNode data, String eventKey, Delivery delivery, String path) {
    String name = required(data, "alarmName", path).asText();
    JsonNode state = required(data, "state", path);
    AlarmState value =
        AlarmState.parse(required(state, "value", path + ".state").asText(), path + ".state.value");
    Instant timestamp =
        time(required(state, "timestamp", path + ".state").asText(), path + ".state.timestamp");
    Evaluated evaluated =
        state.hasNonNull("reasonData")
            ? evaluated(
                reasonData(state.get("reasonData"), path + ".state.reasonData"),
                path + ".state.reasonData")
            : Evaluated.NONE;
    return new AlarmEvent(
        name,
        value,
        timestamp,
        state.path("reason").asText(""),
        evaluated.values(),
        evaluated.threshold(),
        eventKey,
        delivery);
  }

  /**
   * The state an alarm is in now, as DescribeAlarms reports it: what the per-minute tick evaluates
   * again while the alarm stays in ALARM.
   *
   * @param reasonData the alarm's StateReasonData (JSON), when it has one
   * @throws IllegalArgumentException when the reason data does not parse
   */
  public static AlarmEvent described(
      String alarmName,
      AlarmState state,
      Instant stateTimestamp,
      String reason,
      Optional<String> reasonData,
      String eventKey) {
    String at = "StateReasonData of alarm " + alarmName;
    Evaluated evaluated =
        reasonData.isPresent()
            ? evaluated(
                reasonData(Json.mapper().getNodeFactory().textNode(reasonData.get()), at), at)
            : Evaluated.NONE;
    return new AlarmEvent(
        alarmName,
        state,
        stateTimestamp,
        reason,
        evaluated.values(),
        evaluated.threshold(),
        eventKey,
        Delivery.TICK);
  }

  /** The datapoints an evaluation used (those with a value) and its threshold. */
  private record Evaluated(List<Double> values, Optional<Double> threshold) {
    static final Evaluated NONE = new Evaluated(List.of(), Optional.empty());
  }

  private static Evaluated evaluated(JsonNode reasonData, String at) {
    List<Double> values = new ArrayList<>();
    // Every datapoint is a number: a non-numeric one read as 0 once scaled an idle target in.
    JsonNode evaluated = list(reasonData, "evaluatedDatapoints", at);
    for (int i = 0; i < evaluated.size(); i++) {
      JsonNode point = evaluated.get(i);
      String pointAt = at + ".evaluatedDatapoints[" + i + "]";
      if (!point.isObject()) {
        throw new IllegalArgumentException(
            pointAt + " must be an object {timestamp, value}, got " + point);
      }
      // A datapoint without a value is one CloudWatch had no data for.
      if (point.hasNonNull("value")) {
        values.add(number(point.get("value"), pointAt + ".value"));
      }
    }
    JsonNode recent = list(reasonData, "recentDatapoints", at);
    List<Double> recentValues = new ArrayList<>();
    for (int i = 0; i < recent.size(); i++) {
      recentValues.add(number(recent.get(i), at + ".recentDatapoints[" + i + "]"));
    }
    if (values.isEmpty()) {
      values.addAll(recentValues);
    }
    Optional<Double> threshold =
        reasonData.hasNonNull("threshold")
            ? Optional.of(number(reasonData.get("threshold"), at + ".threshold"))
            : Optional.empty();
    return new Evaluated(values, threshold);
  }

  /** reasonData is a JSON document inside a string. */
  private static JsonNode reasonData(JsonNode node, String path) {
    if (node.isObject()) {
      return node;
    }
    try {
      // Part of the event: a key given twice is refused here too.
      return Json.strict().readTree(node.asText());
    } catch (JsonProcessingException e) {
      Json.Failure failure = Json.failure(e);
      throw new IllegalArgumentException(
          path
              + " is not JSON: "
              + failure.reason()
              + failure.where().map(at -> " (at " + at + ")").orElse(""));
    }
  }

  /** A finite number, or an error naming the field: never "abc" read as 0. */
  private static double number(JsonNode value, String path) {
    return JsonNumbers.finite(value)
        .orElseThrow(() -> new IllegalArgumentException(path + " must be a number, got " + value));
  }

  /** A list field of the reason data; absent or null is empty. */
  private static JsonNode list(JsonNode reasonData, String field, String at) {
    JsonNode value = reasonData.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return Json.mapper().createArrayNode();
    }
    if (!value.isArray()) {
      throw new IllegalArgumentException(at + "." + field + " must be a list, got " + value);
    }
    return value;
  }

  private static JsonNode required(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException(where + " has no \"" + field + "\"");
    }
    return value;
  }

  static Instant time(String text, String path) {
    try {
      return CLOUDWATCH_TIME.parse(text, Instant::from);
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException again) {
        throw new IllegalArgumentException(
            path + " \"" + text + "\" is not a timestamp like 2026-11-25T10:00:00.000+0000");
      }
    }
  }

  /** The policy's metricAggregation over the evaluated datapoints, if there are any. */
  public Optional<Double> aggregate(String aggregation) {
    return aggregate(datapoints, aggregation);
  }

  /**
   * The policy's metricAggregation over the datapoints that breach the alarm's threshold, or over
   * all of them when none does. An alarm of M out of N datapoints is in ALARM with some datapoints
   * on the good side; sizing the step from those too could put the measured breach on the wrong
   * side of the threshold, leaving an alarm in ALARM that no step ever answers. (Application Auto
   * Scaling documents no rule for this case.)
   */
  public Optional<Double> aggregateBreaching(
      String aggregation, double threshold, Comparison comparison) {
    List<Double> breaching =
        datapoints.stream().filter(v -> comparison.breaches(v, threshold)).toList();
    return aggregate(breaching.isEmpty() ? datapoints : breaching, aggregation);
  }

  private static Optional<Double> aggregate(List<Double> values, String aggregation) {
    if (values.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        switch (aggregation) {
          case "Minimum" -> values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
          case "Maximum" -> values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
          default -> values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        });
  }
}
