package dev.copyscale.scaling.state;

import java.time.Instant;
import java.util.Optional;

/**
 * What woke an engine for one target: an event delivered to a function (an alarm state change, a
 * schedule firing, an override) or a tick of its own. The event key makes the decision once-only
 * (EventBridge, Scheduler and Lambda deliver at least once), and the rest starts its ledger entry.
 *
 * @param eventKey what makes this wake-up unique
 * @param tick whether the function's own periodic tick made it: a tick records only decisions that
 *     change something, and its repeats are not news; a delivered event's every decision and
 *     duplicate is recorded
 * @param state the alarm's state, or the bounds a schedule brings
 */
public record WakeUp(
    String eventKey,
    Source source,
    String trigger,
    boolean tick,
    String state,
    Optional<Double> threshold,
    Optional<String> policy) {

  public static WakeUp delivered(String eventKey, Source source, String trigger, String state) {
    return new WakeUp(eventKey, source, trigger, false, state, Optional.empty(), Optional.empty());
  }

  public static WakeUp tick(String eventKey, Source source, String trigger, String state) {
    return new WakeUp(eventKey, source, trigger, true, state, Optional.empty(), Optional.empty());
  }

  /** The same wake-up, with the step policy whose alarm woke the engine. */
  public WakeUp withPolicy(String policy, double threshold) {
    return new WakeUp(
        eventKey, source, trigger, tick, state, Optional.of(threshold), Optional.of(policy));
  }

  /** A ledger entry for this wake-up, its state, threshold and policy filled in. */
  public LedgerEntry.Builder entry(String deployment, Instant at) {
    LedgerEntry.Builder entry =
        LedgerEntry.builder(deployment, at, eventKey, source, trigger).state(state);
    threshold.ifPresent(entry::threshold);
    policy.ifPresent(entry::policy);
    return entry;
  }

  /**
   * The decision for a second delivery of a handled event (or one being handled right now): nothing
   * changes. Recorded beside the first, under its own key, when the event was delivered.
   */
  public LedgerEntry duplicate(String deployment, Instant at) {
    return entry(deployment, at)
        .outcome(Outcome.IGNORED, "duplicate delivery of " + eventKey + ": already handled")
        .build();
  }
}
