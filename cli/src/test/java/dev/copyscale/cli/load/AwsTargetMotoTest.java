package dev.copyscale.cli.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.cli.chat.ChatMessages;
import dev.copyscale.cli.chat.ChatTemplate;
import dev.copyscale.cli.chat.TgiRequest;
import dev.copyscale.testing.MotoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;

/**
 * The AWS path of {@code copyscale load}, through the real async SDK client and its netty HTTP
 * client, against moto's SageMaker Runtime (which answers InvokeEndpoint with results queued
 * through its API). moto has no response streams and no inference components, so this covers the
 * wire path of InvokeEndpoint with InferenceComponentName; the twin covers the rest.
 */
class AwsTargetMotoTest {
  @Test
  void invokeEndpointGoesOverTheWireAndIsMeasuredOnTheWallClock() throws Exception {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    URI endpoint = moto.endpoint();
    String answer = "[{\\\"generated_text\\\": \\\" Deep learning is\\\"}]";
    String results =
        "{\"results\": ["
            + ("{\"Body\": \"" + answer + "\", \"ContentType\": \"application/json\"},").repeat(5)
            + "{\"Body\": \""
            + answer
            + "\", \"ContentType\": \"application/json\"}]}";
    HttpResponse<String> queued =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        endpoint.resolve("/moto-api/static/sagemaker/endpoint-results"))
                    .POST(HttpRequest.BodyPublishers.ofString(results))
                    .header("Content-Type", "application/json")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(queued.statusCode()).isEqualTo(201);

    SageMakerRuntimeAsyncClient client =
        AwsTarget.client(
            SageMakerRuntimeAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("testing", "testing"))),
            4);
    String body =
        TgiRequest.of(
                ChatTemplate.builtIn("llama3").render(ChatMessages.defaultConversation()),
                TgiRequest.Parameters.defaults())
            .toJson();
    try (AwsTarget target =
        new AwsTarget(client, "llama3-chat", "llama3-chat-ic", Clock.systemUTC())) {
      LoadStats stats =
          LoadDriver.run(
              target,
              new LoadDriver.Plan(new LoadDriver.Closed(3), 6, null, false, i -> body),
              () -> false,
              (sent, finished) -> {});
      assertThat(stats.sent()).isEqualTo(6);
      assertThat(stats.errors()).isEmpty();
      assertThat(stats.succeeded()).isEqualTo(6);
      assertThat(stats.latencyMs(50)).isPositive().isLessThan(Duration.ofSeconds(30).toMillis());
      assertThat(stats.throughput()).isPositive();
    }
  }
}
