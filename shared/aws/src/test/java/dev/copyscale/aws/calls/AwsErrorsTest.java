package dev.copyscale.aws.calls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/** Which AWS failures a retry can heal, and which mean "not there". */
class AwsErrorsTest {
  private static AwsServiceException error(String code, int status, String message) {
    return SageMakerException.builder()
        .statusCode(status)
        .message(message)
        .awsErrorDetails(
            AwsErrorDetails.builder()
                .errorCode(code)
                .errorMessage(message)
                .serviceName("SageMaker")
                .build())
        .build();
  }

  @Test
  void missingResources() {
    assertThat(
            AwsErrors.notFound(
                error(
                    "ValidationException",
                    400,
                    "Could not find endpoint \"arn:aws:sagemaker:us-east-1:1:endpoint/x\".")))
        .isTrue();
    assertThat(
            AwsErrors.notFound(
                error("ValidationException", 400, "Cannot create already existing endpoint")))
        .isFalse();
  }

  @Test
  void throttlingServerErrorsNetworkAndInProgressChangesAreRetried() {
    assertThat(AwsErrors.retryable(error("ThrottlingException", 400, "Rate exceeded"))).isTrue();
    assertThat(AwsErrors.retryable(error("InternalFailure", 500, "oops"))).isTrue();
    assertThat(AwsErrors.retryable(SdkClientException.create("connection reset"))).isTrue();
    assertThat(
            AwsErrors.retryable(
                error(
                    "ValidationException",
                    400,
                    "Inference component x is Updating: an update is already in progress")))
        .isTrue();
    assertThat(
            AwsErrors.retryable(
                error("ValidationException", 400, "Cannot update in-progress endpoint \"arn\".")))
        .isTrue();
    assertThat(
            AwsErrors.retryable(
                error(
                    "ValidationException",
                    400,
                    "Cannot update inference component"
                        + " arn:aws:sagemaker:us-east-1:1:inference-component/ic while it is in"
                        + " state UPDATE_RC_IN_PROGRESS")))
        .isTrue();
  }

  @Test
  void validationErrorsAreFinal() {
    assertThat(
            AwsErrors.retryable(
                error("ValidationException", 400, "1 validation error detected: copyCount")))
        .isFalse();
    assertThat(AwsErrors.describe(error("ValidationException", 400, "bad")))
        .isEqualTo("SageMaker ValidationException: bad");
  }
}
