package dev.copyscale.functions.scheduledscaling;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.copyscale.aws.lambda.LambdaStreams;
import dev.copyscale.scaling.ScalingResult;
import dev.copyscale.aws.wiring.Services;
import dev.copyscale.aws.scaling.ScheduleService;
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

  public ScheduleHandler() {
    this(Services.fromLambdaEnvironment().schedules());
  }

  public ScheduleHandler(ScheduleService service) {
    this.service = service;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) {
    LambdaStreams.handle(input, output, context, "schedule event", (event, origin) -> {
      List<ScalingResult> results = service.handle(event, origin).stream().map(r -> LambdaStreams.logged(LOG, r)).toList();
      return LambdaStreams.isTick(event) ? Map.of("results", results) : results.get(0);
    });
  }
}
