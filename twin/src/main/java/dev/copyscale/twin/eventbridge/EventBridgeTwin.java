package dev.copyscale.twin.eventbridge;

import java.time.Clock;
import java.time.Instant;
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
        results.add(PutEventsResultEntry.builder().errorCode("MalformedDetail").errorMessage("Source, DetailType and Detail are required").build());
        continue;
      }
      // Deterministic ids: the twin replays identically for the same inputs.
      String id = UUID.nameUUIDFromBytes((clock.instant() + "#" + events.size()).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
      events.add(new Event(id, clock.instant(), entry.source(), entry.detailType(), entry.detail()));
      results.add(PutEventsResultEntry.builder().eventId(id).build());
    }
    while (events.size() > KEEP) {
      events.remove(0);
    }
    int failed = (int) results.stream().filter(r -> r.errorCode() != null).count();
    return PutEventsResponse.builder().entries(results).failedEntryCount(failed).build();
  }
}
