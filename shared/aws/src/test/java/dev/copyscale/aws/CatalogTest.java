package dev.copyscale.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.catalog.ModelProfile;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantInstanceType;

class CatalogTest {
  private final Catalog catalog = Catalog.bundled();

  @Test
  void everyInstanceTypeIsOneSageMakerHostsAndCitesItsSource() {
    assertThat(catalog.instanceTypes()).hasSizeGreaterThanOrEqualTo(29);
    for (InstanceType t : catalog.instanceTypes()) {
      assertThat(ProductionVariantInstanceType.fromValue(t.name()))
          .as(t.name())
          .isNotEqualTo(ProductionVariantInstanceType.UNKNOWN_TO_SDK_VERSION);
      assertThat(t.gpuCount()).as(t.name()).isPositive();
      assertThat(t.priceUsdPerHour()).as(t.name()).isPositive();
      assertThat(t.source()).as(t.name()).contains("https://aws.amazon.com/ec2/instance-types/");
    }
  }

  @Test
  void theFamiliesPreflightPromisesAreThere() {
    for (String family : List.of("ml.g5", "ml.g6", "ml.g6e", "ml.p3")) {
      assertThat(catalog.instanceTypes())
          .filteredOn(t -> t.family().equals(family))
          .as(family)
          .isNotEmpty();
    }
    assertThat(catalog.instanceType("ml.p4d.24xlarge"))
        .get()
        .extracting(InstanceType::gpuMemoryGiB)
        .isEqualTo(40.0);
    assertThat(catalog.instanceType("ml.p5.48xlarge"))
        .get()
        .extracting(InstanceType::gpuMemoryGiB)
        .isEqualTo(80.0);
    assertThat(catalog.instanceType("ml.p3.8xlarge"))
        .get()
        .extracting(InstanceType::gpuMemoryGiB)
        .isEqualTo(16.0);
  }

  @Test
  void cheapestFirst() {
    assertThat(catalog.instanceTypes()).extracting(InstanceType::priceUsdPerHour).isSorted();
  }

  @Test
  void modelsAreFoundByIdOrAlias() {
    assertThat(catalog.model("meta-llama/Meta-Llama-3-8B"))
        .get()
        .extracting(ModelProfile::layers)
        .isEqualTo(32);
    assertThat(catalog.model("META-LLAMA/Meta-Llama-3-70B-Instruct"))
        .get()
        .extracting(ModelProfile::layers)
        .isEqualTo(80);
    assertThat(catalog.model("mistralai/Mixtral-8x7B-Instruct-v0.1"))
        .get()
        .extracting(ModelProfile::parametersBillions)
        .isEqualTo(46.7);
    assertThat(catalog.model("mistralai/Mistral-7B-Instruct-v0.2")).isPresent();
    assertThat(catalog.model("acme/unknown")).isEmpty();
    assertThat(catalog.models())
        .allSatisfy(m -> assertThat(m.source()).contains("https://huggingface.co/"));
  }
}
