package dev.copyscale.twin.account;

import dev.copyscale.deploy.DeployConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * copyscale's stack as it stands in the twin account: its name, the ARNs its template gives the
 * deploy function, and how long it keeps ledger entries. The world and the services' tests wire
 * copyscale's services with these, as Lambda does with the stack's environment.
 */
public final class StackSettings {
  private StackSettings() {}

  /** The twin stack's name. */
  public static final String STACK = "copyscale-twin";

  public static final String SCHEDULED_SCALING_ARN =
      "arn:aws:lambda:"
          + TwinAccount.REGION
          + ":"
          + TwinAccount.ACCOUNT
          + ":function:copyscale-twin-scheduled-scaling:live";
  public static final String SCHEDULER_ROLE_ARN =
      "arn:aws:iam::" + TwinAccount.ACCOUNT + ":role/copyscale-twin-scheduler-invoke";
  public static final String FAILED_EVENTS_QUEUE_ARN =
      "arn:aws:sqs:"
          + TwinAccount.REGION
          + ":"
          + TwinAccount.ACCOUNT
          + ":copyscale-twin-failed-events";

  /**
   * How long the twin stack keeps ledger entries and handled-event ids (template.yaml's default).
   */
  public static final Duration LEDGER_RETENTION = Duration.ofDays(30);

  /** The deploy function's configuration in the twin stack (any execution role may be passed). */
  public static DeployConfig deployConfig() {
    return new DeployConfig(
        STACK,
        Optional.empty(),
        Optional.of(SCHEDULED_SCALING_ARN),
        Optional.of(SCHEDULER_ROLE_ARN),
        Optional.of(FAILED_EVENTS_QUEUE_ARN));
  }
}
