package dev.copyscale.scaling.event;

import java.util.Arrays;

/** A CloudWatch alarm's state (StateValue), as events and DescribeAlarms spell it. */
public enum AlarmState {
  ALARM,
  OK,
  INSUFFICIENT_DATA;

  /**
   * @throws IllegalArgumentException naming {@code field} when {@code value} is not a state
   */
  public static AlarmState parse(String value, String field) {
    return Arrays.stream(values())
        .filter(s -> s.name().equals(value))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    field + " is \"" + value + "\"; expected ALARM, OK or INSUFFICIENT_DATA"));
  }
}
