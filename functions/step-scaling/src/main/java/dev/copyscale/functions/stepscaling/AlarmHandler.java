package dev.copyscale.functions.stepscaling;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.copyscale.aws.lambda.LambdaStreams;
import dev.copyscale.aws.scaling.AlarmService;
import dev.copyscale.aws.wiring.Services;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
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

  public AlarmHandler() {
    this(Services.fromLambdaEnvironment().alarms());
  }

  public AlarmHandler(AlarmService service) {
    this.service = service;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) {
    LambdaStreams.handle(input, output, context, "alarm event", (event, origin) -> LambdaStreams.isTick(event)
        ? Map.of("results", service.tick().stream().map(r -> LambdaStreams.logged(LOG, r)).toList())
        : LambdaStreams.logged(LOG, service.handle(event, origin)));
  }
}
