package dev.copyscale.aws;

import dev.copyscale.deploy.DeployClients;
import dev.copyscale.scaling.ScalingClients;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Real AWS clients with the URL-connection HTTP client; region and credentials come from the
 * default chains (the Lambda environment, or the user's profile for the CLI's {@code --aws}).
 * Build once per container: clients are thread-safe and expensive to create.
 */
public final class AwsClients {
  private AwsClients() {}

  public static DeployClients deploy() {
    return new DeployClients(
        SageMakerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
        ApplicationAutoScalingClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
        CloudWatchClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
        SecretsManagerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
        SchedulerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
  }

  public static ScalingClients scaling() {
    return new ScalingClients(
        SageMakerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
        ApplicationAutoScalingClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
        CloudWatchClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
        EventBridgeClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
  }

  public static DynamoDbClient dynamoDb() {
    return DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();
  }
}
