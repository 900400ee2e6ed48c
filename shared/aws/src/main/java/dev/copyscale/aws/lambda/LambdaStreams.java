package dev.copyscale.aws.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.event.EventOrigin;
import dev.copyscale.scaling.state.ScalingResult;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What every copyscale Lambda handler does around its service: the invocation's request id,
 * function name and cold start in the MDC of every line it logs (see {@link JsonLogging}), the
 * event read as JSON (malformed input is a clear error), the response written as JSON, and a
 * refused event logged before Lambda reports it.
 */
public final class LambdaStreams {
  private static final Logger LOG = LoggerFactory.getLogger(LambdaStreams.class);

  /** The MDC keys each invocation's lines carry (the names Powertools' Lambda layout used). */
  static final String REQUEST_ID = "function_request_id",
      FUNCTION_NAME = "function_name",
      COLD_START = "cold_start";

  /**
   * Whether no invocation has been handled yet in this JVM (or this restored snapshot: priming
   * handles none).
   */
  private static volatile boolean coldStart = true;

  private LambdaStreams() {}

  /**
   * @param what names the event in errors, e.g. "alarm event"
   */
  public static void handle(
      InputStream input,
      OutputStream output,
      Context context,
      String what,
      Function<JsonNode, Object> respond) {
    if (context != null) {
      MDC.put(REQUEST_ID, String.valueOf(context.getAwsRequestId()));
      MDC.put(FUNCTION_NAME, String.valueOf(context.getFunctionName()));
    }
    MDC.put(COLD_START, Boolean.toString(coldStart));
    coldStart = false;
    try {
      JsonNode event = Json.readEvent(input, what);
      try {
        Json.write(output, respond.apply(event));
      } catch (RuntimeException e) {
        LOG.error("{} refused: {}", what, e.getMessage());
        throw e;
      }
    } finally {
      MDC.remove(REQUEST_ID);
      MDC.remove(FUNCTION_NAME);
      MDC.remove(COLD_START);
    }
  }

  /**
   * As {@link #handle(InputStream, OutputStream, Context, String, Function)}, and the service
   * learns where the function runs, to ignore events of another account or region ({@link
   * EventOrigin#check(JsonNode)}).
   */
  public static void handle(
      InputStream input,
      OutputStream output,
      Context context,
      String what,
      BiFunction<JsonNode, EventOrigin, Object> respond) {
    EventOrigin origin = origin(context);
    handle(input, output, context, what, event -> respond.apply(event, origin));
  }

  /**
   * The function's own account and region, from the ARN it was invoked by ({@code
   * arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]}). In Lambda the region is the one
   * {@code AWS_REGION} names (a function is invoked in its own region); taking it from the ARN
   * keeps a developer's {@code AWS_REGION} from overriding the twin's context (us-east-1) when the
   * CLI runs the handlers locally.
   */
  public static EventOrigin origin(Context context) {
    String arn = context == null ? null : context.getInvokedFunctionArn();
    java.util.regex.Matcher m = arn == null ? null : FUNCTION_ARN.matcher(arn);
    if (m == null || !m.matches()) {
      throw new IllegalStateException(
          "cannot tell the function's account: the Lambda context's invoked function ARN is \""
              + arn
              + "\", not arn:aws:lambda:REGION:ACCOUNT:function:NAME");
    }
    return new EventOrigin(m.group(2), m.group(1));
  }

  /**
   * Whether {@code arn} is a Lambda function ARN {@link #origin} can read an account and region
   * from.
   */
  public static boolean isFunctionArn(String arn) {
    return arn != null && FUNCTION_ARN.matcher(arn).matches();
  }

  private static final java.util.regex.Pattern FUNCTION_ARN =
      java.util.regex.Pattern.compile(
          "^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\\d{12}):function:[^:]+(:[^:]+)?$");

  /** Logs a scaling result with its deployment on the line (MDC key {@code deployment}). */
  public static ScalingResult logged(Logger log, ScalingResult result) {
    MDC.put("deployment", result.deployment().orElse("-"));
    try {
      log.info(result.summary());
    } finally {
      MDC.remove("deployment");
    }
    return result;
  }

  /** Whether the event is a reconcile schedule's tick, {@code {"action": "reconcile"}}. */
  public static boolean isTick(JsonNode event) {
    return event.size() == 1 && "reconcile".equals(event.path("action").asText());
  }
}
