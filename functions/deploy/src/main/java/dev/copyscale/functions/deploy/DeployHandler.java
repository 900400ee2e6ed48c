package dev.copyscale.functions.deploy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.lambda.LambdaStreams;
import dev.copyscale.aws.wiring.Services;
import dev.copyscale.deploy.DeployResult;
import dev.copyscale.aws.deploy.DeployService;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The deploy Lambda function. Thin: reads the event, hands it to {@link DeployService}, writes the
 * result. A stream handler because the event has several shapes (a spec, an EventBridge event, a
 * continue or delete request, the reconcile schedule's tick).
 */
public final class DeployHandler implements RequestStreamHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeployHandler.class);

  private final DeployService service;

  /** Lambda's constructor: real clients (built on first use), the stack's state table (env STATE_TABLE), wall clock. */
  public DeployHandler() {
    this(Services.fromLambdaEnvironment().deploy());
  }

  public DeployHandler(DeployService service) {
    this.service = service;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) {
    LambdaStreams.handle(input, output, context, "deploy event", (event, origin) -> {
      MDC.put("deployment", deploymentName(event));
      try {
        // A deploy event of another account or region is refused before anything is touched.
        origin.check(event).ifPresent(reason -> {
          throw new IllegalArgumentException(reason);
        });
        List<DeployResult> results = service.handle(event);
        results.forEach(r -> LOG.info("deployment {} is {}: {} action(s){}{}", r.deployment(), r.phase(), r.actions().size(),
            r.waitingFor().map(w -> ", waiting for " + w).orElse(""), r.error().map(e -> ", error: " + e).orElse("")));
        return isReconcileTick(event) ? Map.of("results", results) : results.get(0);
      } finally {
        MDC.remove("deployment");
      }
    });
  }

  private static boolean isReconcileTick(JsonNode event) {
    JsonNode body = event.has("detail-type") && event.has("detail") ? event.get("detail") : event;
    return LambdaStreams.isTick(body);
  }

  /** The deployment an event is about, for the log lines; "*" for the reconcile tick. */
  static String deploymentName(JsonNode event) {
    JsonNode body = event.has("detail-type") && event.has("detail") ? event.get("detail") : event;
    if (body.hasNonNull("deployment")) {
      return body.get("deployment").asText();
    }
    if (body.hasNonNull("name")) {
      return body.get("name").asText();
    }
    return "*";
  }
}
