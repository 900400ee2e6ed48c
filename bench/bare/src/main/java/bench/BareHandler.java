package bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;

/**
 * The least a Java Lambda function that talks to SageMaker can do: its constructor builds a
 * SageMakerClient (URL-connection HTTP client, region and credentials from the environment, as
 * copyscale's functions build theirs) and each event is answered with one DescribeEndpoint call.
 * bench/cold-start.sh measures copyscale's functions against it. The endpoint is named by
 * BENCH_ENDPOINT (the script creates it in moto, so the call succeeds and its answer is parsed).
 */
public final class BareHandler implements RequestStreamHandler {
  private final SageMakerClient sageMaker =
      SageMakerClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build();

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    input.readAllBytes();
    DescribeEndpointResponse endpoint =
        sageMaker.describeEndpoint(b -> b.endpointName(System.getenv("BENCH_ENDPOINT")));
    String json =
        "{\"endpoint\":\""
            + endpoint.endpointName()
            + "\",\"status\":\""
            + endpoint.endpointStatusAsString()
            + "\"}";
    output.write(json.getBytes(StandardCharsets.UTF_8));
  }
}
