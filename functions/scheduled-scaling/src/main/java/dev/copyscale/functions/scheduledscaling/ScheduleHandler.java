package dev.copyscale.functions.scheduledscaling;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.lambda.LambdaStreams;
import dev.copyscale.aws.lambda.SnapStartPriming;
import dev.copyscale.aws.requests.Requests;
import dev.copyscale.aws.scaling.ScheduleService;
import dev.copyscale.aws.wiring.Services;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.scaling.bounds.ScheduledBounds;
import dev.copyscale.scaling.event.ScheduleRequest;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.spec.DeploymentSpec;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled-scaling Lambda function: a deployment's Scheduler schedule fired ({@code
 * {"deployment", "schedule"}}), explicit bounds, a classic EventBridge ScheduledEvent with those in
 * detail, or the per-minute tick that heals missed deliveries.
 */
public final class ScheduleHandler implements RequestStreamHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ScheduleHandler.class);

  private final ScheduleService service;

  /** Held here because CRaC holds it weakly; null when not built by Lambda. */
  @SuppressWarnings("unused")
  private final SnapStartPriming priming;

  /** Lambda's constructor, with the SnapStart priming of the rest of the first event's path. */
  public ScheduleHandler() {
    this(Services.fromLambdaEnvironment());
  }

  private ScheduleHandler(Services services) {
    this(
        services.schedules(),
        SnapStartPriming.register("scheduled-scaling", () -> prime(services)));
  }

  public ScheduleHandler(ScheduleService service) {
    this(service, null);
  }

  private ScheduleHandler(ScheduleService service, SnapStartPriming priming) {
    this.service = service;
    this.priming = priming;
  }

  /**
   * The first event's path on samples, with no AWS call and no state read or written: the clients
   * this function calls, a schedule event read and parsed, a stored spec parsed and the window in
   * force worked out from its cron expressions, the bounds request built, a response written.
   */
  static void prime(Services services) {
    Clients aws = services.clients();
    aws.sageMaker();
    aws.autoScaling();
    aws.cloudWatch();
    aws.eventBridge();
    aws.dynamoDb();
    ScheduleRequest request =
        ScheduleRequest.parse(SnapStartPriming.readEvent(SnapStartPriming.sample("schedule")));
    DeploymentSpec spec = SnapStartPriming.sampleSpec();
    ScheduledBounds.inForce(spec.scaling().schedules(), services.clock().instant());
    Requests.registerTarget(ResourceNames.of(spec), 0, 2);
    ScalingResult result = ScalingResult.ignored(request.deployment(), "schedule", "priming", 1);
    SnapStartPriming.writeResponse(Map.of("results", List.of(result)));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) {
    LambdaStreams.handle(
        input,
        output,
        context,
        "schedule event",
        (event, origin) -> {
          List<ScalingResult> results =
              service.handle(event, origin).stream()
                  .map(r -> LambdaStreams.logged(LOG, r))
                  .toList();
          return LambdaStreams.isTick(event) ? Map.of("results", results) : results.get(0);
        });
  }
}
