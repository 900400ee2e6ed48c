package dev.copyscale.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HourlyCostTest {
  // ml.g5.12xlarge: 4 GPUs at $7.09/h.
  static final Map<String, Double> ONE_GPU = Map.of("chat", 1.0, "code", 1.0, "batch", 2.0);

  @Test
  void eachComponentPaysItsShareOfEachInstancesGpusAndTheIdleRemainderIsApart() {
    Map<String, HourlyCost> costs =
        HourlyCost.of(List.of(Map.of("chat", 3, "code", 1), Map.of("code", 1)), 4, 7.09, ONE_GPU);

    assertThat(costs.get("chat").accelerators()).isEqualTo(3.0);
    assertThat(costs.get("chat").usdPerHour()).isCloseTo(7.09 * 3 / 4, within(1e-9));
    assertThat(costs.get("code").accelerators()).isEqualTo(2.0);
    assertThat(costs.get("code").usdPerHour()).isCloseTo(7.09 * 2 / 4, within(1e-9));
    // A component with no copy costs nothing; the second instance's 3 free GPUs are idle.
    assertThat(costs.get("batch").usdPerHour()).isZero();
    HourlyCost any = costs.get("chat");
    assertThat(any.idleAccelerators()).isEqualTo(3.0);
    assertThat(any.idleUsdPerHour()).isCloseTo(7.09 * 3 / 4, within(1e-9));
    assertThat(any.endpointUsdPerHour()).isCloseTo(14.18, within(1e-9));
    assertThat(any.instances()).isEqualTo(2);
    // The parts add up to the endpoint.
    assertThat(
            costs.values().stream().mapToDouble(HourlyCost::usdPerHour).sum()
                + any.idleUsdPerHour())
        .isCloseTo(any.endpointUsdPerHour(), within(1e-9));
  }

  @Test
  void aComponentWithoutItsAcceleratorsPerCopyIsRefusedByName() {
    assertThatThrownBy(() -> HourlyCost.of(List.of(Map.of("guard", 1)), 4, 7.09, ONE_GPU))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("guard");
  }
}
