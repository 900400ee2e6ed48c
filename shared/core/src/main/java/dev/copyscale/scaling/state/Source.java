package dev.copyscale.scaling.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** What made a decision: the ledger, {@code copyscale activities} and the report group by it. */
public enum Source {
  /** An alarm state change delivered to the step-scaling function (engine: orchestrated). */
  ALARM,
  /** The per-minute tick re-evaluating an alarm that stays in ALARM (engine: orchestrated). */
  TICK,
  /** engine slo's decisions, at its minute tick or woken by its alarms. */
  SLO,
  /** A schedule window, or the reconcile tick healing a missed one. */
  SCHEDULE,
  /** An operator's bounds override, and its end. */
  OVERRIDE,
  /** The deploy function moving copies into new bounds. */
  DEPLOY;

  /** As the state table, the JSON and the CLI spell it: lower case. */
  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Source fromWire(String value) {
    return Arrays.stream(values())
        .filter(s -> s.wire().equals(value))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown ledger source \"" + value + "\""));
  }

  @Override
  public String toString() {
    return wire();
  }
}
