package dev.copyscale.cli;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.aws.wiring.Services;
import dev.copyscale.functions.deploy.DeployHandler;
import dev.copyscale.functions.scheduledscaling.ScheduleHandler;
import dev.copyscale.functions.stepscaling.AlarmHandler;
import dev.copyscale.json.Json;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.account.StackSettings;
import dev.copyscale.twin.cloudwatch.CloudWatchTwin;
import dev.copyscale.twin.eventbridge.EventBridgeTwin;
import dev.copyscale.twin.scheduler.SchedulerTwin;
import dev.copyscale.twin.world.LocalContext;
import dev.copyscale.twin.world.TwinWorld;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * copyscale's three Lambda handlers, unchanged, wired to a twin world as template.yaml wires them
 * to AWS: the reconcile schedules every minute, the EventBridge rule for copyscale's alarms, and
 * the deployments' Scheduler schedules.
 */
final class TwinFunctions implements Stack {

  private final TwinWorld world;
  private final PrintWriter warnings;
  final DeployHandler deploy;
  final AlarmHandler stepScaling;
  final ScheduleHandler scheduledScaling;

  TwinFunctions(TwinWorld world, PrintWriter warnings) {
    this.world = world;
    this.warnings = warnings;
    Services services = world.services();
    deploy = new DeployHandler(services.deploy());
    stepScaling = new AlarmHandler(services.alarms());
    scheduledScaling = new ScheduleHandler(services.schedules());
  }

  RequestStreamHandler handler(String function) {
    return switch (function) {
      case "deploy" -> deploy;
      case "step-scaling" -> stepScaling;
      case "scheduled-scaling" -> scheduledScaling;
      default ->
          throw new IllegalArgumentException(
              "unknown function " + function + "; one of deploy, step-scaling, scheduled-scaling");
    };
  }

  /** Runs a handler as Lambda would: the event's bytes in, the response's bytes out. */
  static String invoke(RequestStreamHandler handler, String function, byte[] event) {
    return invoke(handler, new LocalContext("copyscale-twin-" + function), event);
  }

  static String invoke(RequestStreamHandler handler, LocalContext context, byte[] event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      handler.handleRequest(new ByteArrayInputStream(event), out, context);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * A function invoked by the world's schedules or rules: a failure is logged, as Lambda logs it,
   * and the world goes on.
   */
  private void background(String function, byte[] event) {
    try {
      invoke(handler(function), function, event);
    } catch (RuntimeException e) {
      warnings.println(
          "copyscale-twin-"
              + function
              + " failed at "
              + world.clock().instant()
              + ": "
              + e.getMessage());
      warnings.flush();
    }
  }

  private static byte[] json(Object value) {
    return Json.compact(value).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void everyMinute(Instant now) {
    byte[] tick = json(Map.of("action", "reconcile"));
    background("deploy", tick);
    background("step-scaling", tick);
    background("scheduled-scaling", tick);
  }

  /**
   * The template's EventBridge rule: CloudWatch alarm state changes of alarms named copyscale-*.
   */
  @Override
  public void alarmStateChanged(CloudWatchTwin.StateChange change) {
    if (!change.alarmName().startsWith("copyscale-")) {
      return;
    }
    ObjectNode event =
        EventBridgeTwin.alarmStateChange(change, TwinWorld.ACCOUNT, TwinWorld.REGION);
    background("step-scaling", json(event));
  }

  @Override
  public void scheduleFired(SchedulerTwin.Firing firing) {
    if (firing.targetArn().equals(StackSettings.SCHEDULED_SCALING_ARN)) {
      background("scheduled-scaling", firing.input().getBytes(StandardCharsets.UTF_8));
    } else {
      warnings.println(
          "schedule "
              + firing.groupName()
              + "/"
              + firing.scheduleName()
              + " targets "
              + firing.targetArn()
              + ", which the twin does not run");
      warnings.flush();
    }
  }
}
