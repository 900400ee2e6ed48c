package dev.copyscale.aws.deploy;

import dev.copyscale.deploy.DeployConfig;
import dev.copyscale.json.Json;
import dev.copyscale.schedule.AwsCron;
import dev.copyscale.spec.DeploymentSpec;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.DeadLetterConfig;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindow;
import software.amazon.awssdk.services.scheduler.model.RetryPolicy;
import software.amazon.awssdk.services.scheduler.model.Tag;
import software.amazon.awssdk.services.scheduler.model.Target;

/**
 * A deployment's EventBridge Scheduler schedules: in the group {@code copyscale-NAME} (created with
 * the stack's tags when missing), each invoking the scheduled-scaling function with {@code
 * {"deployment", "schedule"}} at its cron in its time zone. A firing Scheduler cannot deliver is
 * retried {@link #RETRY_ATTEMPTS} times within {@link #MAX_EVENT_AGE}, then goes to the stack's
 * failed-events queue (template.yaml, docs/template.md "Failure handling").
 */
public final class ScheduleWrites {
  /**
   * Scheduler's retries of a firing it could not deliver. The scheduled-scaling function's heal
   * tick applies the window in force every minute, so after a few minutes a firing is superseded;
   * the same window as the function's own asynchronous retries (template.yaml's EventInvokeConfig).
   */
  public static final int RETRY_ATTEMPTS = 2;

  public static final Duration MAX_EVENT_AGE = Duration.ofMinutes(5);

  private final SchedulerClient scheduler;
  private final DeployConfig config;

  public ScheduleWrites(SchedulerClient scheduler, DeployConfig config) {
    this.scheduler = scheduler;
    this.config = config;
  }

  /** Creates or updates the schedule (and its group). */
  public void put(DeploymentSpec spec, DeploymentSpec.Schedule s) {
    String group = DeployConfig.scheduleGroup(spec.name());
    boolean groupExists =
        scheduler.listScheduleGroupsPaginator(b -> b.namePrefix(group)).scheduleGroups().stream()
            .anyMatch(g -> g.name().equals(group));
    if (!groupExists) {
      scheduler.createScheduleGroup(
          b ->
              b.name(group)
                  .tags(
                      Tag.builder().key(DeployConfig.STACK_TAG).value(config.stackName()).build(),
                      Tag.builder().key(DeployConfig.DEPLOYMENT_TAG).value(spec.name()).build()));
    }
    Target.Builder targetBuilder =
        Target.builder()
            .arn(config.scheduleTargetArn().orElseThrow())
            .roleArn(config.schedulerRoleArn().orElseThrow())
            .input(Json.compact(Map.of("deployment", spec.name(), "schedule", s.name())))
            .retryPolicy(
                RetryPolicy.builder()
                    .maximumRetryAttempts(RETRY_ATTEMPTS)
                    .maximumEventAgeInSeconds((int) MAX_EVENT_AGE.toSeconds())
                    .build());
    config
        .failedEventsQueueArn()
        .ifPresent(
            queue -> targetBuilder.deadLetterConfig(DeadLetterConfig.builder().arn(queue).build()));
    Target target = targetBuilder.build();
    String expression = "cron(" + AwsCron.parse(s.cron()).expression() + ")";
    FlexibleTimeWindow off = FlexibleTimeWindow.builder().mode("OFF").build();
    String description =
        "copyscale "
            + spec.name()
            + ": bounds ["
            + s.minCapacity()
            + ", "
            + s.maxCapacity()
            + "]"
            + (s.leadSeconds() > 0
                ? "; the reconcile tick applies it " + s.leadSeconds() + " s early"
                : "");
    boolean exists =
        scheduler
            .listSchedulesPaginator(b -> b.groupName(group).namePrefix(s.name()))
            .schedules()
            .stream()
            .anyMatch(x -> x.name().equals(s.name()));
    if (exists) {
      scheduler.updateSchedule(
          b ->
              b.groupName(group)
                  .name(s.name())
                  .scheduleExpression(expression)
                  .scheduleExpressionTimezone(s.timezone())
                  .flexibleTimeWindow(off)
                  .target(target)
                  .description(description)
                  .state("ENABLED"));
    } else {
      scheduler.createSchedule(
          b ->
              b.groupName(group)
                  .name(s.name())
                  .scheduleExpression(expression)
                  .scheduleExpressionTimezone(s.timezone())
                  .flexibleTimeWindow(off)
                  .target(target)
                  .description(description)
                  .state("ENABLED"));
    }
  }
}
