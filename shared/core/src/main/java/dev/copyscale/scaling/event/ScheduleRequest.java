package dev.copyscale.scaling.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.JsonNumbers;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.time.ShortDuration;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a scheduled-scaling invocation asks: EventBridge Scheduler's input {@code {"deployment",
 * "schedule"}}, an operator's override {@code {"deployment", "component", "minCopies", "maxCopies",
 * "reason", "until" | "for"}} (or minInstances/maxInstances; {@code component} only where the
 * deployment puts several components on its endpoint), either of them as the {@code detail} of a
 * classic EventBridge ScheduledEvent, or {@code {"action": "reconcile"}} from the reconcile tick.
 * An override holds against the schedules until it expires; it must say why and until when.
 *
 * @param component the component an override moves (a shared endpoint's; a schedule's component is
 *     the one whose spec lists it)
 * @param until an override's expiry: {@code until} (an ISO-8601 instant) or {@code for} (a duration
 *     such as "2h"), resolved against the event's time by the service
 */
public record ScheduleRequest(
    Optional<String> deployment,
    Optional<String> schedule,
    Optional<Integer> min,
    Optional<Integer> max,
    Optional<String> boundNoun,
    boolean tick,
    Optional<String> eventId,
    Optional<String> reason,
    Optional<Expiry> until,
    Optional<Instant> sentAt,
    Optional<String> component) {

  /** The longest an override may hold: a forgotten one must not pin capacity for weeks. */
  public static final Duration MAX_OVERRIDE = Duration.ofDays(7);

  /** When an override ends: at an instant, or after a duration from when it is applied. */
  public sealed interface Expiry permits At, After {
    Instant from(Instant now);
  }

  public record At(Instant instant) implements Expiry {
    public Instant from(Instant now) {
      return instant;
    }
  }

  public record After(Duration duration) implements Expiry {
    public Instant from(Instant now) {
      return now.plus(duration);
    }
  }

  /** A request without an override or a {@code time} of its own (Scheduler's input, the tick). */
  public ScheduleRequest(
      Optional<String> deployment,
      Optional<String> schedule,
      Optional<Integer> min,
      Optional<Integer> max,
      Optional<String> boundNoun,
      boolean tick,
      Optional<String> eventId) {
    this(
        deployment,
        schedule,
        min,
        max,
        boundNoun,
        tick,
        eventId,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  /**
   * Why this request cannot be acted on because the EventBridge event's {@code time} lies more than
   * {@code maxSkew} after {@code now}, or empty (also when the request came without a {@code time},
   * as EventBridge Scheduler's input does). See {@link EventSkew}.
   */
  public Optional<String> checkSkew(Instant now, Duration maxSkew) {
    return sentAt.flatMap(t -> EventSkew.check("time", t, now, maxSkew));
  }

  /**
   * @throws IllegalArgumentException naming what is wrong
   */
  public static ScheduleRequest parse(JsonNode event) {
    return parse(event, "");
  }

  /**
   * @param at where {@code event} sits in the delivered event: "" or "detail."
   */
  private static ScheduleRequest parse(JsonNode event, String at) {
    if (event == null || !event.isObject()) {
      throw new IllegalArgumentException(
          "schedule event must be a JSON object such as {\"deployment\": NAME, \"schedule\":"
              + " SCHEDULE}");
    }
    if (event.has("detail-type") && event.has("detail")) {
      ScheduleRequest inner = parse(event.get("detail"), "detail.");
      // The EventBridge id makes a redelivery of the same event recognisable.
      return new ScheduleRequest(
          inner.deployment(),
          inner.schedule(),
          inner.min(),
          inner.max(),
          inner.boundNoun(),
          inner.tick(),
          Optional.ofNullable(event.get("id")).map(JsonNode::asText),
          inner.reason(),
          inner.until(),
          sentAt(event),
          inner.component());
    }
    Set<String> fields = new TreeSet<>();
    for (Iterator<String> it = event.fieldNames(); it.hasNext(); ) {
      fields.add(it.next());
    }
    if (fields.equals(Set.of("action")) && "reconcile".equals(event.get("action").asText())) {
      return new ScheduleRequest(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          true,
          Optional.empty());
    }
    String deployment =
        text(event, "deployment")
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "schedule event has no \"deployment\"; got fields " + fields));
    if (fields.contains("schedule")) {
      Set<String> extra = new TreeSet<>(fields);
      extra.removeAll(Set.of("deployment", "schedule"));
      if (!extra.isEmpty()) {
        throw new IllegalArgumentException(
            "schedule event: "
                + extra
                + " cannot go with \"schedule\" (the schedule's bounds come from the spec)");
      }
      return new ScheduleRequest(
          Optional.of(deployment),
          text(event, "schedule"),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          false,
          Optional.empty());
    }
    for (String noun : new String[] {"Copies", "Instances"}) {
      if (fields.contains("min" + noun) || fields.contains("max" + noun)) {
        Set<String> extra = new TreeSet<>(fields);
        extra.removeAll(
            Set.of(
                "deployment", "component", "min" + noun, "max" + noun, "reason", "until", "for"));
        if (!extra.isEmpty()) {
          throw new IllegalArgumentException(
              "schedule event: unknown fields "
                  + extra
                  + "; allowed: deployment, component, min"
                  + noun
                  + ", max"
                  + noun
                  + ", reason, until or for");
        }
        // The numbers first: a wrong bound is named even when the rest is missing too.
        int min = count(event, at, "min" + noun);
        int max = count(event, at, "max" + noun);
        String reason =
            text(event, "reason")
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "schedule event: an override of the bounds needs a \"reason\" (shown in"
                                + " copyscale activities), e.g. \"load test until 18:00\""));
        if (reason.length() > 256) {
          throw new IllegalArgumentException(
              "schedule event: \"reason\" is " + reason.length() + " characters; at most 256");
        }
        return new ScheduleRequest(
            Optional.of(deployment),
            Optional.empty(),
            Optional.of(min),
            Optional.of(max),
            Optional.of(noun),
            false,
            Optional.empty(),
            Optional.of(reason),
            Optional.of(expiry(event)),
            Optional.empty(),
            text(event, "component"));
      }
    }
    throw new IllegalArgumentException(
        "schedule event for "
            + deployment
            + " names neither \"schedule\" nor minCopies/maxCopies (or minInstances/maxInstances)");
  }

  /**
   * {@code until} (ISO-8601 instant) or {@code for} (a duration up to {@link #MAX_OVERRIDE});
   * exactly one.
   */
  private static Expiry expiry(JsonNode event) {
    Optional<String> until = text(event, "until");
    Optional<String> forText = text(event, "for");
    if (until.isPresent() == forText.isPresent()) {
      throw new IllegalArgumentException(
          "schedule event: an override of the bounds needs exactly one of \"until\" (e.g."
              + " \"2026-11-27T18:00:00Z\") or \"for\" (e.g. \"2h\"), so it cannot hold forever");
    }
    if (until.isPresent()) {
      try {
        return new At(Instant.parse(until.get()));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "schedule event: \"until\" must be an ISO-8601 instant such as 2026-11-27T18:00:00Z,"
                + " got \""
                + until.get()
                + "\"");
      }
    }
    Duration d =
        ShortDuration.parse(forText.get())
            .filter(x -> !x.isNegative() && !x.isZero())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "schedule event: \"for\" must be a positive duration such as 90m or 2h, got"
                            + " \""
                            + forText.get()
                            + "\""));
    if (d.compareTo(MAX_OVERRIDE) > 0) {
      throw new IllegalArgumentException(
          "schedule event: \"for\" is "
              + forText.get()
              + "; an override holds at most "
              + MAX_OVERRIDE.toDays()
              + " days");
    }
    return new After(d);
  }

  /** The EventBridge event's {@code time}: absent is allowed, malformed is not. */
  private static Optional<Instant> sentAt(JsonNode event) {
    JsonNode time = event.get("time");
    if (time == null || time.isNull()) {
      return Optional.empty();
    }
    if (!time.isTextual()) {
      throw new IllegalArgumentException(
          "schedule event: \"time\" must be a timestamp string, got " + time);
    }
    try {
      return Optional.of(Instant.parse(time.asText()));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "schedule event: \"time\" \""
              + time.asText()
              + "\" is not a timestamp like 2026-11-25T07:00:00Z");
    }
  }

  private static Optional<String> text(JsonNode event, String field) {
    JsonNode value = event.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new IllegalArgumentException(
          "schedule event: \"" + field + "\" must be a non-empty string, got " + value);
    }
    return Optional.of(value.asText());
  }

  /** An explicit bound: a whole number 0..1000 (the spec's limit), never wrapped or rounded. */
  private static int count(JsonNode event, String at, String field) {
    JsonNode value = event.get(field);
    int limit = field.endsWith("Copies") ? SpecParser.MAX_COPIES : SpecParser.MAX_INSTANCES;
    return JsonNumbers.wholeNumber(value, 0, limit)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "schedule event: \""
                        + at
                        + field
                        + "\" must be a whole number 0.."
                        + limit
                        + ", got "
                        + value));
  }
}
