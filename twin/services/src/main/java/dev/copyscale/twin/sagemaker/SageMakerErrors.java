package dev.copyscale.twin.sagemaker;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/**
 * SageMaker's errors as the service words them. SageMaker answers a missing resource, a duplicate
 * name and a change to a resource that is still changing with HTTP 400 ValidationException (not
 * ResourceNotFound), so every error here is one; the messages follow AWS's (see twin/README.md for
 * where each wording was checked).
 */
final class SageMakerErrors {
  static final String NAME_PATTERN = "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}";

  private SageMakerErrors() {}

  static SageMakerException validation(String message) {
    return (SageMakerException)
        SageMakerException.builder()
            .message(message)
            .statusCode(400)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("ValidationException")
                    .errorMessage(message)
                    .serviceName("SageMaker")
                    .build())
            .build();
  }

  /** A request member outside its constraint, in the API's "1 validation error detected" form. */
  static SageMakerException constraint(String member, Object value, String constraint) {
    return validation(
        "1 validation error detected: Value '"
            + value
            + "' at '"
            + member
            + "' failed to satisfy constraint: "
            + constraint);
  }

  static SageMakerException atLeast(String member, Object value, Number minimum) {
    return constraint(member, value, "Member must have value greater than or equal to " + minimum);
  }

  static SageMakerException atMost(String member, Object value, Number maximum) {
    return constraint(member, value, "Member must have value less than or equal to " + maximum);
  }

  /** {@code Could not find endpoint "arn:aws:sagemaker:...:endpoint/name".} */
  static SageMakerException notFound(String kind, String arn) {
    return validation("Could not find " + kind + " \"" + arn + "\".");
  }

  /** {@code Cannot create already existing endpoint "arn:...".} */
  static SageMakerException alreadyExists(String kind, String arn) {
    return validation("Cannot create already existing " + kind + " \"" + arn + "\".");
  }

  /**
   * UpdateEndpoint, UpdateEndpointWeightsAndCapacities or DeleteEndpoint while the endpoint is not
   * InService.
   */
  static SageMakerException endpointInProgress(String arn) {
    return validation("Cannot update in-progress endpoint \"" + arn + "\".");
  }

  /**
   * A change to an inference component while an earlier one is still in progress; {@code state}
   * such as UPDATE_RC_IN_PROGRESS.
   */
  static SageMakerException componentInProgress(String arn, String state) {
    return validation(
        "Cannot update inference component \"" + arn + "\" while it is in state " + state + ".");
  }
}
