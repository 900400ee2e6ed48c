package dev.copyscale.twin.account;

import dev.copyscale.twin.cloudwatch.CloudWatchTwin;
import dev.copyscale.twin.scheduler.SchedulerTwin;
import java.time.Instant;

/**
 * copyscale's functions as template.yaml wires them, for the world to drive while time advances:
 * the per-minute reconcile schedules, alarm state changes routed by the EventBridge rule, and the
 * deployments' Scheduler schedules. The CLI implements it with the real Lambda handlers.
 */
public interface Stack {
  /** The per-minute schedules: deploy reconcile, alarm re-evaluation, schedule healing. */
  void everyMinute(Instant now);

  /** An alarm changed state; the rule delivers copyscale's alarms ({@code copyscale-*}). */
  void alarmStateChanged(CloudWatchTwin.StateChange change);

  /** A Scheduler schedule fired for its target. */
  void scheduleFired(SchedulerTwin.Firing firing);

  /**
   * A stack that only runs {@code minute} at every virtual minute (tests run one function this
   * way).
   */
  static Stack ticking(java.util.function.Consumer<Instant> minute) {
    return new Stack() {
      @Override
      public void everyMinute(Instant now) {
        minute.accept(now);
      }

      @Override
      public void alarmStateChanged(CloudWatchTwin.StateChange change) {}

      @Override
      public void scheduleFired(SchedulerTwin.Firing firing) {}
    };
  }

  /** A stack that does nothing: only the AWS services move on. */
  Stack NONE = ticking(now -> {});
}
