package dev.copyscale.deploy;

import java.util.Optional;

/**
 * What the stack tells the deploy function (template.yaml's environment): its name, which tags
 * every resource copyscale creates (IAM scopes writes to that tag); the one execution role
 * SageMaker may be given; where the per-deployment Scheduler schedules point (the scheduled-scaling
 * function's alias, and the role Scheduler assumes to invoke it); and the stack's failed-events
 * queue, the schedules' dead-letter queue (none outside a stack: a firing Scheduler cannot deliver
 * is then dropped after its retries).
 */
public record DeployConfig(
    String stackName,
    Optional<String> executionRoleArn,
    Optional<String> scheduleTargetArn,
    Optional<String> schedulerRoleArn,
    Optional<String> failedEventsQueueArn) {

  public static final String STACK_TAG = "copyscale:stack";
  public static final String DEPLOYMENT_TAG = "copyscale:deployment";

  /** The schedule group of a deployment: {@code copyscale-NAME}. */
  public static String scheduleGroup(String deployment) {
    return "copyscale-" + deployment;
  }
}
