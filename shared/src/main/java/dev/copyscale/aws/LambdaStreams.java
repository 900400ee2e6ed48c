package dev.copyscale.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * What every copyscale Lambda handler does around its service: Powertools structured logging for
 * the invocation, the event read as JSON (malformed input is a clear error), the response written
 * as JSON, and a refused event logged before Lambda reports it.
 */
public final class LambdaStreams {
  private static final Logger LOG = LoggerFactory.getLogger(LambdaStreams.class);

  private LambdaStreams() {}

  /** @param what names the event in errors, e.g. "alarm event" */
  public static void handle(InputStream input, OutputStream output, Context context, String what, Function<JsonNode, Object> respond) {
    PowertoolsLogging.withLogging(context, () -> {
      JsonNode event = Json.readEvent(input, what);
      try {
        Json.write(output, respond.apply(event));
        return null;
      } catch (RuntimeException e) {
        LOG.error("{} refused: {}", what, e.getMessage());
        throw e;
      }
    });
  }

  /** Whether the event is a reconcile schedule's tick, {@code {"action": "reconcile"}}. */
  public static boolean isTick(JsonNode event) {
    return event.size() == 1 && "reconcile".equals(event.path("action").asText());
  }
}
