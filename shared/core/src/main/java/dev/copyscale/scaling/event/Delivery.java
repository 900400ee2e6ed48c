package dev.copyscale.scaling.event;

/** How an alarm state change reached copyscale. */
public enum Delivery {
  /** An EventBridge "CloudWatch Alarm State Change" event. */
  EVENTBRIDGE("detail.state.timestamp"),
  /** CloudWatch's direct Lambda alarm action. */
  LAMBDA_ACTION("alarmData.state.timestamp"),
  /** Read from DescribeAlarms by the per-minute tick while the alarm stays in ALARM. */
  TICK("the alarm's StateUpdatedTimestamp");

  private final String stateTimestampField;

  Delivery(String stateTimestampField) {
    this.stateTimestampField = stateTimestampField;
  }

  /** Where the state's timestamp is in this delivery, for messages. */
  public String stateTimestampField() {
    return stateTimestampField;
  }
}
