package dev.copyscale.twin.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.copyscale.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Statistic sets per 10-second bucket, merged, aggregated into periods and rolled up with age. */
class MetricStoreTest {
  static final long T0 = 1_795_597_200L; // 2026-11-25T09:00:00Z
  static final Map<String, String> IC = Map.of("InferenceComponentName", "ic");

  MetricStore store = new MetricStore();

  void put(long at, double value) {
    store.publish("AWS/SageMaker", "M", IC, at, value, 1, value, value);
  }

  @Test
  void setsInOneBucketMergeAndPeriodsAggregate() {
    store.publish("AWS/SageMaker", "M", IC, T0 + 3, 6, 3, 1, 3);
    store.publish("AWS/SageMaker", "M", IC, T0 + 7, 10, 1, 10, 10);
    store.publish("AWS/SageMaker", "M", IC, T0 + 10, 4, 2, 2, 2);
    double[][] tens = store.aggregate("AWS/SageMaker", "M", IC, T0, 10, 3);
    assertThat(tens[0]).containsExactly(16, 4, 1, 10);
    assertThat(tens[1]).containsExactly(4, 2, 2, 2);
    assertThat(tens[2]).isNull();
    double[] minute = store.aggregate("AWS/SageMaker", "M", IC, T0, 60, 1)[0];
    assertThat(MetricStore.value(minute, "Sum")).isEqualTo(20);
    assertThat(MetricStore.value(minute, "SampleCount")).isEqualTo(6);
    assertThat(MetricStore.value(minute, "Average")).isEqualTo(20.0 / 6);
    assertThat(MetricStore.value(minute, "Minimum")).isEqualTo(1);
    assertThat(MetricStore.value(minute, "Maximum")).isEqualTo(10);
    assertThat(
            store
                .aggregate(
                    "AWS/SageMaker", "M", Map.of("InferenceComponentName", "other"), T0, 60, 1)[0])
        .isNull();
  }

  @Test
  void dimensionOrderDoesNotMatter() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("A", "1");
    ab.put("B", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("B", "2");
    ba.put("A", "1");
    assertThat(MetricStore.key("n", "m", ab)).isEqualTo(MetricStore.key("n", "m", ba));
  }

  @Test
  void tenSecondDataRollsUpAfterThreeHoursAndGoesAfterADay() {
    for (long t = T0; t < T0 + 25 * 3600; t += 10) {
      put(t, 1);
    }
    MetricStore.Series s = store.series().firstEntry().getValue();
    assertThat(s.fine()).hasSize(1080);
    assertThat(s.coarse().size()).isLessThanOrEqualTo(1440);
    long tenHoursAgo = T0 + 15 * 3600;
    assertThat(store.aggregate("AWS/SageMaker", "M", IC, tenHoursAgo, 60, 1)[0])
        .containsExactly(6, 6, 1, 1);
    assertThat(
            java.util.Arrays.asList(store.aggregate("AWS/SageMaker", "M", IC, tenHoursAgo, 10, 6)))
        .containsOnlyNulls();
    assertThat(store.aggregate("AWS/SageMaker", "M", IC, T0 + 1800, 60, 1)[0]).isNull();
    // The minute split between roll-up and 10-second data still adds up.
    long edge = s.fine().firstKey() / 60 * 60;
    assertThat(store.aggregate("AWS/SageMaker", "M", IC, edge, 60, 1)[0])
        .containsExactly(6, 6, 1, 1);
  }

  @Test
  void persistsWithTheWorldsFieldVisibility() throws Exception {
    put(T0, 2);
    put(T0 + 3 * 3600 + 60, 3);
    ObjectMapper store2 =
        Json.mapper().copy().setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
    MetricStore back = store2.readValue(store2.writeValueAsString(store), MetricStore.class);
    assertThat(back.aggregate("AWS/SageMaker", "M", IC, T0, 60, 1)[0]).containsExactly(2, 1, 2, 2);
    assertThat(back.aggregate("AWS/SageMaker", "M", IC, T0 + 3 * 3600 + 60, 10, 1)[0])
        .containsExactly(3, 1, 3, 3);
  }

  @Test
  void lateSetsAreMergedInTheirPlaceAndPersistAsAMapOfStartToSet() throws Exception {
    // Enough buckets that the arrays are compacted and grown; then late sets out of order.
    for (long t = T0; t < T0 + 4 * 3600; t += 10) {
      put(t, 1);
    }
    long recent = T0 + 2 * 3600;
    put(recent + 5, 2);
    put(recent - 2 * 3600 + 10, 4); // rolled up: goes into its minute
    MetricStore.Series s = store.series().firstEntry().getValue();
    assertThat(s.fine().get(recent)).containsExactly(3, 2, 1, 2);
    ObjectMapper world =
        Json.mapper().copy().setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
    var fine = world.readTree(world.writeValueAsString(store)).findValue("fine");
    assertThat(fine).isEqualTo(world.readTree(world.writeValueAsString(new TreeMap<>(s.fine()))));
    assertThat(fine.get(Long.toString(recent)).toString()).isEqualTo("[3.0,2.0,1.0,2.0]");
    MetricStore back = world.readValue(world.writeValueAsString(store), MetricStore.class);
    assertThat(world.writeValueAsString(back)).isEqualTo(world.writeValueAsString(store));
  }

  @Test
  void rejectsSetsCloudWatchWould() {
    assertThatThrownBy(() -> store.publish("n", "m", IC, T0, 0, 0, 0, 0))
        .hasMessageContaining("sampleCount");
    assertThatThrownBy(() -> store.publish("n", "m", IC, T0, 1, 1, 2, 1))
        .hasMessageContaining("minimum <= maximum");
    assertThatThrownBy(() -> MetricStore.value(new double[] {1, 1, 1, 1}, "p99"))
        .hasMessageContaining("p99");
  }
}
