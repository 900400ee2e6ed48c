package dev.copyscale.twin.world;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The Lambda context a handler sees when it runs outside Lambda (CLI, tests): a 15-minute budget,
 * logs to stderr.
 */
public final class LocalContext implements Context {
  private final String functionName;
  private final String invokedFunctionArn;
  private final String requestId = UUID.randomUUID().toString();

  /** A function of the twin's account and region (123456789012, us-east-1). */
  public LocalContext(String functionName) {
    this(functionName, "arn:aws:lambda:us-east-1:123456789012:function:" + functionName);
  }

  /** A deployed function run locally: its ARN tells the handler its account and region. */
  public LocalContext(String functionName, String invokedFunctionArn) {
    this.functionName = functionName;
    this.invokedFunctionArn = invokedFunctionArn;
  }

  @Override
  public String getAwsRequestId() {
    return requestId;
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/" + functionName;
  }

  @Override
  public String getLogStreamName() {
    return "local";
  }

  @Override
  public String getFunctionName() {
    return functionName;
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return invokedFunctionArn;
  }

  @Override
  public CognitoIdentity getIdentity() {
    return null;
  }

  @Override
  public ClientContext getClientContext() {
    return null;
  }

  @Override
  public int getRemainingTimeInMillis() {
    return 900_000;
  }

  @Override
  public int getMemoryLimitInMB() {
    return 1024;
  }

  @Override
  public LambdaLogger getLogger() {
    return new LambdaLogger() {
      @Override
      public void log(String message) {
        System.err.print(message);
      }

      @Override
      public void log(byte[] message) {
        System.err.print(new String(message, StandardCharsets.UTF_8));
      }
    };
  }
}
