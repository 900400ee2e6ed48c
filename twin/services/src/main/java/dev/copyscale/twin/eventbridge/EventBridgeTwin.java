package dev.copyscale.twin.eventbridge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.json.Json;
import dev.copyscale.twin.cloudwatch.CloudWatchTwin;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/** The default event bus of the twin: keeps the events put on it (the newest {@value #KEEP}). */
public final class EventBridgeTwin implements EventBridgeClient {
  static final int KEEP = 1000;

  /** An event as EventBridge would deliver it. */
  public record Event(String id, Instant time, String source, String detailType, String detail) {}

  private final Clock clock;
  private final List<Event> events;

  /**
   * The event EventBridge delivers for a CloudWatch alarm's state change ("CloudWatch Alarm State
   * Change", source aws.cloudwatch) in {@code account} and {@code region}, as the stack's rule
   * passes it to the step-scaling function; its id is derived from the alarm and the time, so a
   * redelivery carries the same id.
   */
  public static ObjectNode alarmStateChange(
      CloudWatchTwin.StateChange change, String account, String region) {
    ObjectNode event = Json.mapper().createObjectNode();
    event.put("version", "0");
    event.put(
        "id",
        UUID.nameUUIDFromBytes((change.alarmArn() + change.at()).getBytes(StandardCharsets.UTF_8))
            .toString());
    event.put("detail-type", "CloudWatch Alarm State Change");
    event.put("source", "aws.cloudwatch");
    event.put("account", account);
    event.put("time", change.at().toString());
    event.put("region", region);
    event.putArray("resources").add(change.alarmArn());
    ObjectNode detail = event.putObject("detail");
    detail.put("alarmName", change.alarmName());
    ObjectNode state = detail.putObject("state");
    state.put("value", change.state());
    state.put("reason", change.reason());
    if (change.reasonData() != null) {
      state.put("reasonData", change.reasonData());
    }
    state.put("timestamp", CLOUDWATCH_TIME.format(change.at()));
    detail.putObject("previousState").put("value", change.previousState());
    return event;
  }

  /** How CloudWatch writes a state's timestamp in the event: milliseconds and a numeric zone. */
  private static final DateTimeFormatter CLOUDWATCH_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);

  public EventBridgeTwin(Clock clock, List<Event> events) {
    this.clock = clock;
    this.events = new ArrayList<>(events);
  }

  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  @Override
  public String serviceName() {
    return "events";
  }

  @Override
  public void close() {}

  @Override
  public synchronized PutEventsResponse putEvents(PutEventsRequest request) {
    List<PutEventsResultEntry> results = new ArrayList<>();
    for (PutEventsRequestEntry entry : request.entries()) {
      if (entry.source() == null || entry.detailType() == null || entry.detail() == null) {
        results.add(
            PutEventsResultEntry.builder()
                .errorCode("MalformedDetail")
                .errorMessage("Source, DetailType and Detail are required")
                .build());
        continue;
      }
      // Deterministic ids: the twin replays identically for the same inputs.
      String id =
          UUID.nameUUIDFromBytes(
                  (clock.instant() + "#" + events.size())
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8))
              .toString();
      events.add(
          new Event(id, clock.instant(), entry.source(), entry.detailType(), entry.detail()));
      results.add(PutEventsResultEntry.builder().eventId(id).build());
    }
    while (events.size() > KEEP) {
      events.remove(0);
    }
    int failed = (int) results.stream().filter(r -> r.errorCode() != null).count();
    return PutEventsResponse.builder().entries(results).failedEntryCount(failed).build();
  }
}
