package dev.copyscale.twin.secretsmanager;

import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Secrets Manager in the twin: secrets by ARN. A fresh world holds the example specs' Hugging Face
 * token secret with a placeholder value (the twin downloads no model, so no real token is needed).
 */
public final class SecretsManagerTwin implements SecretsManagerClient {
  public static final String EXAMPLE_SECRET_ARN =
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:hf-token";
  public static final String EXAMPLE_SECRET_VALUE = "twin-placeholder-not-a-token";

  private final Map<String, String> secrets;

  public SecretsManagerTwin(Map<String, String> secrets) {
    this.secrets = new TreeMap<>(secrets);
  }

  public static Map<String, String> exampleSecrets() {
    return Map.of(EXAMPLE_SECRET_ARN, EXAMPLE_SECRET_VALUE);
  }

  public synchronized Map<String, String> secrets() {
    return Map.copyOf(secrets);
  }

  @Override
  public String serviceName() {
    return "secretsmanager";
  }

  @Override
  public void close() {}

  @Override
  public synchronized GetSecretValueResponse getSecretValue(GetSecretValueRequest request) {
    String value = secrets.get(request.secretId());
    if (value == null) {
      String message = "Secrets Manager can't find the specified secret.";
      throw (ResourceNotFoundException)
          ResourceNotFoundException.builder()
              .message(message)
              .statusCode(400)
              .awsErrorDetails(
                  AwsErrorDetails.builder()
                      .errorCode("ResourceNotFoundException")
                      .errorMessage(message)
                      .serviceName("SecretsManager")
                      .build())
              .build();
    }
    return GetSecretValueResponse.builder()
        .arn(request.secretId())
        .name(request.secretId().substring(request.secretId().lastIndexOf(':') + 1))
        .secretString(value)
        .build();
  }
}
