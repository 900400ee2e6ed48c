package dev.copyscale.functions.stepscaling;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.AlarmService;
import dev.copyscale.scaling.ScalingResult;
import dev.copyscale.scaling.ScalingServices;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The step-scaling Lambda function (engine: orchestrated). Accepts a CloudWatch alarm state change
 * in both shapes (direct Lambda alarm action, EventBridge "CloudWatch Alarm State Change") and the
 * per-minute tick {@code {"action": "reconcile"}} that keeps scaling while an alarm stays in ALARM.
 */
public final class AlarmHandler implements RequestStreamHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AlarmHandler.class);

  private final AlarmService service;

  public AlarmHandler() {
    this(ScalingServices.alarmsFromLambdaEnvironment());
  }

  public AlarmHandler(AlarmService service) {
    this.service = service;
  }


  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) {
    PowertoolsLogging.withLogging(context, () -> {
      JsonNode event = Json.readEvent(input, "alarm event");
      try {
        if (isTick(event)) {
          List<ScalingResult> results = service.tick();
          results.forEach(AlarmHandler::log);
          Json.write(output, Map.of("results", results));
        } else {
          ScalingResult result = service.handle(event);
          log(result);
          Json.write(output, result);
        }
        return null;
      } catch (RuntimeException e) {
        LOG.error("alarm event refused: {}", e.getMessage());
        throw e;
      }
    });
  }

  static boolean isTick(JsonNode event) {
    return event.size() == 1 && "reconcile".equals(event.path("action").asText());
  }

  private static void log(ScalingResult r) {
    MDC.put("deployment", r.deployment().orElse("-"));
    try {
      LOG.info(r.summary());
    } finally {
      MDC.remove("deployment");
    }
  }
}
