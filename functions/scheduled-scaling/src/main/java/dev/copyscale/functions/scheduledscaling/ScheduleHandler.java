package dev.copyscale.functions.scheduledscaling;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.ScalingResult;
import dev.copyscale.scaling.ScalingServices;
import dev.copyscale.scaling.ScheduleService;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The scheduled-scaling Lambda function: a deployment's Scheduler schedule fired ({@code
 * {"deployment", "schedule"}}), explicit bounds, a classic EventBridge ScheduledEvent with those in
 * detail, or the per-minute tick that heals missed deliveries.
 */
public final class ScheduleHandler implements RequestStreamHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ScheduleHandler.class);

  private final ScheduleService service;

  public ScheduleHandler() {
    this(ScalingServices.schedulesFromLambdaEnvironment());
  }

  public ScheduleHandler(ScheduleService service) {
    this.service = service;
  }


  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) {
    PowertoolsLogging.withLogging(context, () -> {
      JsonNode event = Json.readEvent(input, "schedule event");
      try {
        List<ScalingResult> results = service.handle(event);
        results.forEach(ScheduleHandler::log);
        Json.write(output, results.size() == 1 && !event.has("action") ? results.get(0) : Map.of("results", results));
        return null;
      } catch (RuntimeException e) {
        LOG.error("schedule event refused: {}", e.getMessage());
        throw e;
      }
    });
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
