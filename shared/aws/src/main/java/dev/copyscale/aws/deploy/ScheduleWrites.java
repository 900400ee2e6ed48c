package dev.copyscale.aws.deploy;

import dev.copyscale.deploy.DeployConfig;

import dev.copyscale.json.Json;
import dev.copyscale.schedule.AwsCron;
import dev.copyscale.spec.DeploymentSpec;
import java.util.Map;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindow;
import software.amazon.awssdk.services.scheduler.model.Tag;
import software.amazon.awssdk.services.scheduler.model.Target;

/**
 * A deployment's EventBridge Scheduler schedules: in the group {@code copyscale-NAME} (created with
 * the stack's tags when missing), each invoking the scheduled-scaling function with {@code
 * {"deployment", "schedule"}} at its cron in its time zone.
 */
public final class ScheduleWrites {
  private final SchedulerClient scheduler;
  private final DeployConfig config;

  public ScheduleWrites(SchedulerClient scheduler, DeployConfig config) {
    this.scheduler = scheduler;
    this.config = config;
  }

  /** Creates or updates the schedule (and its group). */
  public void put(DeploymentSpec spec, DeploymentSpec.Schedule s) {
    String group = DeployConfig.scheduleGroup(spec.name());
    boolean groupExists = scheduler.listScheduleGroupsPaginator(b -> b.namePrefix(group)).scheduleGroups().stream()
        .anyMatch(g -> g.name().equals(group));
    if (!groupExists) {
      scheduler.createScheduleGroup(b -> b.name(group).tags(
          Tag.builder().key(DeployConfig.STACK_TAG).value(config.stackName()).build(),
          Tag.builder().key(DeployConfig.DEPLOYMENT_TAG).value(spec.name()).build()));
    }
    Target target = Target.builder()
        .arn(config.scheduleTargetArn().orElseThrow())
        .roleArn(config.schedulerRoleArn().orElseThrow())
        .input(Json.compact(Map.of("deployment", spec.name(), "schedule", s.name())))
        .build();
    String expression = "cron(" + AwsCron.parse(s.cron()).expression() + ")";
    FlexibleTimeWindow off = FlexibleTimeWindow.builder().mode("OFF").build();
    String description = "copyscale " + spec.name() + ": bounds [" + s.minCapacity() + ", " + s.maxCapacity() + "]"
        + (s.leadSeconds() > 0 ? "; the reconcile tick applies it " + s.leadSeconds() + " s early" : "");
    boolean exists = scheduler.listSchedulesPaginator(b -> b.groupName(group).namePrefix(s.name())).schedules().stream()
        .anyMatch(x -> x.name().equals(s.name()));
    if (exists) {
      scheduler.updateSchedule(b -> b.groupName(group).name(s.name()).scheduleExpression(expression)
          .scheduleExpressionTimezone(s.timezone()).flexibleTimeWindow(off).target(target).description(description).state("ENABLED"));
    } else {
      scheduler.createSchedule(b -> b.groupName(group).name(s.name()).scheduleExpression(expression)
          .scheduleExpressionTimezone(s.timezone()).flexibleTimeWindow(off).target(target).description(description).state("ENABLED"));
    }
  }
}
