package dev.copyscale.aws.lambda;

import static dev.copyscale.aws.testing.LambdaInvocations.invokedAs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import dev.copyscale.scaling.event.EventOrigin;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LambdaStreamsTest {
  @Test
  void theAccountAndRegionComeFromTheInvokedArn() {
    Context context =
        invokedAs("arn:aws:lambda:eu-west-1:210987654321:function:copyscale-step-scaling:live");
    assertThat(LambdaStreams.origin(context))
        .isEqualTo(new EventOrigin("210987654321", "eu-west-1"));
    assertThat(
            LambdaStreams.origin(
                invokedAs("arn:aws-us-gov:lambda:us-gov-west-1:210987654321:function:f")))
        .isEqualTo(new EventOrigin("210987654321", "us-gov-west-1"));
  }

  @Test
  void withoutAnInvokedArnTheOriginIsUnknownAndSaysSo() {
    assertThatThrownBy(() -> LambdaStreams.origin(invokedAs(null)))
        .hasMessageContaining("cannot tell the function's account");
    assertThatThrownBy(() -> LambdaStreams.origin(invokedAs("copyscale-step-scaling")))
        .hasMessageContaining("cannot tell the function's account");
  }

  @Test
  void theServiceCallbackReceivesTheOrigin() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LambdaStreams.handle(
        new ByteArrayInputStream(
            "{\"account\": \"999999999999\", \"region\": \"us-east-1\", \"detail-type\": \"x\"}"
                .getBytes(StandardCharsets.UTF_8)),
        out,
        invokedAs("arn:aws:lambda:us-east-1:123456789012:function:f"),
        "event",
        (event, origin) ->
            Map.of("origin", origin.account(), "refused", origin.check(event).orElse("")));
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("\"origin\" : \"123456789012\"")
        .contains("account \\\"999999999999\\\" is not this function's account");
  }
}
