package dev.copyscale.spec;

import java.util.Arrays;
import java.util.Optional;

/** How a step's adjustment changes capacity: Application Auto Scaling's AdjustmentType. */
public enum AdjustmentType {
  CHANGE_IN_CAPACITY("ChangeInCapacity"),
  EXACT_CAPACITY("ExactCapacity"),
  PERCENT_CHANGE_IN_CAPACITY("PercentChangeInCapacity");

  private final String awsName;

  AdjustmentType(String awsName) {
    this.awsName = awsName;
  }

  /** The name in the spec and in Application Auto Scaling's API. */
  public String awsName() {
    return awsName;
  }

  public static Optional<AdjustmentType> byAwsName(String name) {
    return Arrays.stream(values()).filter(t -> t.awsName.equals(name)).findFirst();
  }

  /** The AWS name: policies' fingerprints (their toString) keep the spelling users write. */
  @Override
  public String toString() {
    return awsName;
  }
}
