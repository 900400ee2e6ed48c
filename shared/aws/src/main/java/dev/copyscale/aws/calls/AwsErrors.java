package dev.copyscale.aws.calls;

import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** How copyscale reads AWS errors: missing resources, and which failures a retry can heal. */
public final class AwsErrors {
  private static final Set<String> THROTTLING =
      Set.of(
          "ThrottlingException",
          "Throttling",
          "ThrottledException",
          "TooManyRequestsException",
          "RequestLimitExceeded",
          "ConcurrentUpdateException",
          "ServiceUnavailable",
          "InternalFailure");

  private AwsErrors() {}

  /**
   * SageMaker answers Describe* of a missing resource with ValidationException "Could not find
   * ...".
   */
  public static boolean notFound(AwsServiceException e) {
    String code = code(e);
    String message = message(e).toLowerCase(Locale.ROOT);
    return code.equals("ResourceNotFound")
        || code.equals("ResourceNotFoundException")
        || code.equals("ObjectNotFoundException")
        || (code.equals("ValidationException")
            && (message.contains("could not find") || message.contains("does not exist")));
  }

  /**
   * Failures a later attempt can heal: throttling, server errors, network trouble, and SageMaker
   * refusing a change while another one is still in progress. Validation errors are not retried.
   */
  public static boolean retryable(Exception e) {
    if (e instanceof SdkClientException) {
      return true;
    }
    if (e instanceof AwsServiceException aws) {
      return aws.isThrottlingException()
          || aws.statusCode() >= 500
          || THROTTLING.contains(code(aws))
          || inProgress(message(aws));
    }
    return false;
  }

  /**
   * SageMaker's refusals of a change while another is rolling out: "Cannot update in-progress
   * endpoint", "... while it is in state UPDATE_RC_IN_PROGRESS" (a copy-count update), "an update
   * is already in progress".
   */
  static boolean inProgress(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("in progress") || m.contains("in-progress") || m.contains("_in_progress");
  }

  public static String code(AwsServiceException e) {
    return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
        ? ""
        : e.awsErrorDetails().errorCode();
  }

  public static String message(AwsServiceException e) {
    return e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
        ? String.valueOf(e.getMessage())
        : e.awsErrorDetails().errorMessage();
  }

  /** One line for logs and responses: service, code and message, without request ids. */
  public static String describe(Exception e) {
    if (e instanceof AwsServiceException aws) {
      String service = aws.awsErrorDetails() == null ? "AWS" : aws.awsErrorDetails().serviceName();
      String code = code(aws).isEmpty() ? "HTTP " + aws.statusCode() : code(aws);
      return service + " " + code + ": " + message(aws);
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
