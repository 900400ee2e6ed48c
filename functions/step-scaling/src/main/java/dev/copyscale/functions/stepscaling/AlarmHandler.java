package dev.copyscale.functions.stepscaling;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.lambda.LambdaStreams;
import dev.copyscale.aws.lambda.SnapStartPriming;
import dev.copyscale.aws.requests.Requests;
import dev.copyscale.aws.scaling.AlarmService;
import dev.copyscale.aws.wiring.Services;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.scaling.event.AlarmEvent;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.spec.DeploymentSpec;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step-scaling Lambda function (engine: orchestrated). Accepts a CloudWatch alarm state change
 * in both shapes (direct Lambda alarm action, EventBridge "CloudWatch Alarm State Change") and the
 * per-minute tick {@code {"action": "reconcile"}} that keeps scaling while an alarm stays in ALARM.
 */
public final class AlarmHandler implements RequestStreamHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AlarmHandler.class);

  private final AlarmService service;

  /** Held here because CRaC holds it weakly; null when not built by Lambda. */
  @SuppressWarnings("unused")
  private final SnapStartPriming priming;

  /** Lambda's constructor, with the SnapStart priming of the rest of the first event's path. */
  public AlarmHandler() {
    this(Services.fromLambdaEnvironment());
  }

  private AlarmHandler(Services services) {
    this(services.alarms(), SnapStartPriming.register("step-scaling", () -> prime(services)));
  }

  public AlarmHandler(AlarmService service) {
    this(service, null);
  }

  private AlarmHandler(AlarmService service, SnapStartPriming priming) {
    this.service = service;
    this.priming = priming;
  }

  /**
   * The first event's path on samples, with no AWS call and no state read or written: the clients
   * this function calls, an alarm event read and parsed, a stored spec parsed and its alarm
   * requests built, a response written.
   */
  static void prime(Services services) {
    Clients aws = services.clients();
    aws.sageMaker();
    aws.autoScaling();
    aws.cloudWatch();
    aws.eventBridge();
    aws.dynamoDb();
    JsonNode event = SnapStartPriming.readEvent(SnapStartPriming.sample("alarm"));
    AlarmEvent alarm = AlarmEvent.parse(event);
    DeploymentSpec spec = SnapStartPriming.sampleSpec();
    ResourceNames names = ResourceNames.of(spec);
    spec.scaling().stepPolicies().forEach(p -> Requests.alarm(spec, names, p, List.of()));
    ScalingResult result =
        ScalingResult.ignored(Optional.of(spec.name()), alarm.alarmName(), "priming", 1);
    SnapStartPriming.writeResponse(Map.of("results", List.of(result)));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) {
    LambdaStreams.handle(
        input,
        output,
        context,
        "alarm event",
        (event, origin) ->
            LambdaStreams.isTick(event)
                ? Map.of(
                    "results",
                    service.tick().stream().map(r -> LambdaStreams.logged(LOG, r)).toList())
                : LambdaStreams.logged(LOG, service.handle(event, origin)));
  }
}
