package dev.copyscale.twin.cloudwatch;

import java.time.Instant;

/**
 * CloudWatch invoking one alarm action that is an Application Auto Scaling policy: on the alarm's
 * change to {@code stateValue} and, for Auto Scaling actions, again at each evaluation while the
 * alarm stays in ALARM. {@code metricValue} is the newest datapoint the alarm evaluated (what AAS
 * measures a step policy's breach from).
 */
public record AlarmActionInvocation(
    String actionArn,
    String alarmName,
    Instant at,
    String stateValue,
    double metricValue,
    double threshold,
    String comparisonOperator) {}
