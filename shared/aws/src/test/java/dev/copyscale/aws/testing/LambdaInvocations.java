package dev.copyscale.aws.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.json.Json;
import dev.copyscale.twin.account.TwinAccount;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** A handler run as Lambda runs it: an event's bytes in, a context, the response parsed. */
public final class LambdaInvocations {
  private LambdaInvocations() {}

  /** The reconcile schedules' tick, {@code {"action": "reconcile"}}. */
  public static final byte[] TICK = "{\"action\": \"reconcile\"}".getBytes(StandardCharsets.UTF_8);

  /** The context of the twin stack's function {@code name}: its ARN names the twin's account. */
  public static Context twinContext(String name) {
    return invokedAs(
        "arn:aws:lambda:" + TwinAccount.REGION + ":" + TwinAccount.ACCOUNT + ":function:" + name);
  }

  /** A Lambda context that knows only the ARN it was invoked by. */
  public static Context invokedAs(String arn) {
    return new Context() {
      public String getAwsRequestId() {
        return "r-1";
      }

      public String getLogGroupName() {
        return "/aws/lambda/f";
      }

      public String getLogStreamName() {
        return "s";
      }

      public String getFunctionName() {
        return "f";
      }

      public String getFunctionVersion() {
        return "$LATEST";
      }

      public String getInvokedFunctionArn() {
        return arn;
      }

      public CognitoIdentity getIdentity() {
        return null;
      }

      public ClientContext getClientContext() {
        return null;
      }

      public int getRemainingTimeInMillis() {
        return 60_000;
      }

      public int getMemoryLimitInMB() {
        return 512;
      }

      public LambdaLogger getLogger() {
        return new LambdaLogger() {
          public void log(String message) {}

          public void log(byte[] message) {}
        };
      }
    };
  }

  /** Runs {@code handler} on the event of events/ named {@code file}, parses its response. */
  public static JsonNode invoke(RequestStreamHandler handler, String file, Context context) {
    return invoke(handler, TwinStack.event(file), context);
  }

  /** Runs {@code handler} on {@code event} as Lambda would and parses its response. */
  public static JsonNode invoke(RequestStreamHandler handler, byte[] event, Context context) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      handler.handleRequest(new ByteArrayInputStream(event), out, context);
      return Json.mapper().readTree(out.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** As {@link #invoke(RequestStreamHandler, byte[], Context)}, on {@code event} written out. */
  public static JsonNode invoke(RequestStreamHandler handler, JsonNode event, Context context) {
    return invoke(handler, Json.compact(event).getBytes(StandardCharsets.UTF_8), context);
  }
}
