package dev.copyscale.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.spec.SpecParser;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantInstanceType;

/** shared/core validates instance types from a list; the SDK's enum is the authority it copies. */
class InstanceTypeListTest {
  @Test
  void coreListIsTheSdkEnum() {
    assertThat(SpecParser.INSTANCE_TYPES)
        .containsExactlyElementsOf(
            Arrays.stream(ProductionVariantInstanceType.values())
                .filter(t -> t != ProductionVariantInstanceType.UNKNOWN_TO_SDK_VERSION)
                .map(Object::toString)
                .sorted()
                .toList());
  }
}
