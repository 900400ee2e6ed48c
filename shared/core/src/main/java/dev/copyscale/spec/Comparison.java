package dev.copyscale.spec;

import java.util.Arrays;
import java.util.Optional;

/** A CloudWatch alarm's ComparisonOperator, the four that compare with a static threshold. */
public enum Comparison {
  GREATER_THAN_OR_EQUAL_TO_THRESHOLD("GreaterThanOrEqualToThreshold"),
  GREATER_THAN_THRESHOLD("GreaterThanThreshold"),
  LESS_THAN_THRESHOLD("LessThanThreshold"),
  LESS_THAN_OR_EQUAL_TO_THRESHOLD("LessThanOrEqualToThreshold");

  private final String awsName;

  Comparison(String awsName) {
    this.awsName = awsName;
  }

  /** The name in the spec and in CloudWatch's API. */
  public String awsName() {
    return awsName;
  }

  public static Optional<Comparison> byAwsName(String name) {
    return Arrays.stream(values()).filter(c -> c.awsName.equals(name)).findFirst();
  }

  /**
   * Whether the alarm fires below its threshold: its step bounds then lie below zero, with the
   * lower end exclusive and the upper inclusive (Application Auto Scaling's rule).
   */
  public boolean below() {
    return this == LESS_THAN_THRESHOLD || this == LESS_THAN_OR_EQUAL_TO_THRESHOLD;
  }

  /** Whether {@code value} breaches {@code threshold}. */
  public boolean breaches(double value, double threshold) {
    return switch (this) {
      case GREATER_THAN_OR_EQUAL_TO_THRESHOLD -> value >= threshold;
      case GREATER_THAN_THRESHOLD -> value > threshold;
      case LESS_THAN_THRESHOLD -> value < threshold;
      case LESS_THAN_OR_EQUAL_TO_THRESHOLD -> value <= threshold;
    };
  }

  /** The AWS name: alarms' fingerprints (their toString) keep the spelling users write. */
  @Override
  public String toString() {
    return awsName;
  }
}
