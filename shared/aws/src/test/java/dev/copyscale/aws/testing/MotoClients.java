package dev.copyscale.aws.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.copyscale.aws.store.DynamoDbStateStore;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.testing.MotoServer;
import dev.copyscale.testing.RepoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * SDK clients pointed at a moto_server, and the state table created as template.yaml declares it.
 */
public final class MotoClients {
  private MotoClients() {}

  /** A DynamoDB client that sends moto one request at a time ({@link OneRequestAtATime}). */
  public static DynamoDbClient dynamoDb(URI endpoint) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(c -> c.addExecutionInterceptor(new OneRequestAtATime()))
        .build();
  }

  /**
   * DynamoDB applies each request atomically; moto_server (5.2) does not. It answers each request
   * on a thread of its own with no lock on its DynamoDB backend, and a TransactWriteItems whose
   * condition fails puts back a copy of the table it took when it began: run beside a transaction
   * that succeeded meanwhile, it erases that transaction's writes (seen once in
   * ConcurrentSloDeliveryTest as a decision committed and then gone; reproduced with two boto3
   * threads against moto_server). So the tests' clients send moto one DynamoDB request at a time,
   * from every thread of the JVM: concurrent invocations still interleave request by request, as
   * they do on AWS.
   */
  static final class OneRequestAtATime implements ExecutionInterceptor {
    private static final ReentrantLock ONE_AT_A_TIME = new ReentrantLock();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      ONE_AT_A_TIME.lock();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      release();
    }

    @Override
    public void onExecutionFailure(
        Context.FailedExecution context, ExecutionAttributes attributes) {
      release();
    }

    private static void release() {
      if (ONE_AT_A_TIME.isHeldByCurrentThread()) {
        ONE_AT_A_TIME.unlock();
      }
    }
  }

  public static SageMakerClient sageMaker(URI endpoint) {
    return pointedAt(SageMakerClient.builder(), endpoint);
  }

  public static ApplicationAutoScalingClient autoScaling(URI endpoint) {
    return pointedAt(ApplicationAutoScalingClient.builder(), endpoint);
  }

  public static CloudWatchClient cloudWatch(URI endpoint) {
    return pointedAt(CloudWatchClient.builder(), endpoint);
  }

  public static SchedulerClient scheduler(URI endpoint) {
    return pointedAt(SchedulerClient.builder(), endpoint);
  }

  public static EventBridgeClient eventBridge(URI endpoint) {
    return pointedAt(EventBridgeClient.builder(), endpoint);
  }

  public static SecretsManagerClient secretsManager(URI endpoint) {
    return pointedAt(SecretsManagerClient.builder(), endpoint);
  }

  /**
   * Any sync SDK client against moto: its endpoint, us-east-1, static "testing" credentials,
   * URL-connection HTTP.
   */
  public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C pointedAt(
      B builder, URI endpoint) {
    return builder
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  /**
   * Creates {@code table} with the key schema, attributes and TTL of template.yaml's StateTable.
   */
  /**
   * A state table of its own on the JVM's shared moto_server, created as template.yaml declares it.
   */
  public static StateStore newStateTable() {
    DynamoDbClient dynamo = dynamoDb(MotoServer.shared().endpoint());
    String table = "copyscale-state-" + UUID.randomUUID();
    createStateTable(dynamo, table);
    return new DynamoDbStateStore(dynamo, table);
  }

  public static void createStateTable(DynamoDbClient dynamo, String table) {
    JsonNode props = stateTableProperties();
    List<KeySchemaElement> keys = new ArrayList<>();
    props
        .get("KeySchema")
        .forEach(
            k ->
                keys.add(
                    KeySchemaElement.builder()
                        .attributeName(k.get("AttributeName").asText())
                        .keyType(k.get("KeyType").asText())
                        .build()));
    List<AttributeDefinition> attributes = new ArrayList<>();
    props
        .get("AttributeDefinitions")
        .forEach(
            a ->
                attributes.add(
                    AttributeDefinition.builder()
                        .attributeName(a.get("AttributeName").asText())
                        .attributeType(a.get("AttributeType").asText())
                        .build()));
    dynamo.createTable(
        b ->
            b.tableName(table)
                .keySchema(keys)
                .attributeDefinitions(attributes)
                .billingMode(BillingMode.fromValue(props.get("BillingMode").asText())));
    String ttlAttribute = props.get("TimeToLiveSpecification").get("AttributeName").asText();
    dynamo.updateTimeToLive(
        b ->
            b.tableName(table)
                .timeToLiveSpecification(t -> t.attributeName(ttlAttribute).enabled(true)));
  }

  static JsonNode stateTableProperties() {
    try {
      JsonNode template = new YAMLMapper().readTree(RepoFiles.path("template.yaml").toFile());
      return template.get("Resources").get("StateTable").get("Properties");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
