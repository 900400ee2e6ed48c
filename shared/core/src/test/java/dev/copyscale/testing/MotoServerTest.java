package dev.copyscale.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** moto_server starts, answers, resets and stops; plain HTTP, no AWS SDK. */
class MotoServerTest {
  private static final String PROBE_TABLE = "copyscale-reset-probe";
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void sharedServerAnswersOnLoopbackAndOutlivesClose() throws Exception {
    MotoServer moto = MotoServer.shared();
    assertThat(moto.endpoint().getScheme()).isEqualTo("http");
    assertThat(moto.endpoint().getHost()).isEqualTo("127.0.0.1");
    assertThat(MotoServer.shared()).as("one server per JVM").isSameAs(moto);

    assertThat(get(moto, "/moto-api/").statusCode()).isEqualTo(200);

    moto.close();
    assertThat(moto.isRunning())
        .as("close() leaves the shared server to the shutdown hook")
        .isTrue();
    assertThat(get(moto, "/moto-api/").statusCode()).isEqualTo(200);
  }

  /** On a server of its own: resetting the shared one would pull tables from under other tests. */
  @Test
  void resetDeletesEverythingAndCloseStopsAnOwnServer() throws Exception {
    MotoServer moto;
    try (MotoServer own = MotoServer.start()) {
      moto = own;
      HttpResponse<String> created =
          dynamoDb(
              own,
              "CreateTable",
              """
              {"TableName": "%s", "BillingMode": "PAY_PER_REQUEST",
               "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
               "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]}\
              """
                  .formatted(PROBE_TABLE));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
      assertThat(dynamoDb(own, "ListTables", "{}").body()).contains(PROBE_TABLE);

      own.reset();

      HttpResponse<String> listed = dynamoDb(own, "ListTables", "{}");
      assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
      assertThat(listed.body()).doesNotContain(PROBE_TABLE);
    }
    assertThat(moto.isRunning()).as("close() stops a server from start()").isFalse();
    assertThat(moto.log()).as("its log is removed with it").doesNotExist();
  }

  private HttpResponse<String> get(MotoServer moto, String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(moto.endpoint().resolve(path))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A DynamoDB JSON-protocol call; moto reads the region from the (unchecked) signature. */
  private HttpResponse<String> dynamoDb(MotoServer moto, String operation, String json)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(moto.endpoint().resolve("/"))
            .header("X-Amz-Target", "DynamoDB_20120810." + operation)
            .header("Content-Type", "application/x-amz-json-1.0")
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/dynamodb/aws4_request,"
                    + " SignedHeaders=host, Signature=0")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
