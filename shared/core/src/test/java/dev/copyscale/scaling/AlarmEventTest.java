package dev.copyscale.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlarmEventTest {
  static AlarmEvent withDatapoints(Double... values) {
    return new AlarmEvent("copyscale-x-burst", "ALARM", Instant.parse("2026-11-25T10:00:00Z"), "", List.of(values), Optional.of(8.0), "k", "eventbridge");
  }

  @Test
  void aOneOfTwoAlarmIsSizedFromItsBreachingDatapoint() {
    // In ALARM on 14.6 >= 8 with the other datapoint at 1.2: averaging both (7.9) would be no breach at all.
    AlarmEvent event = withDatapoints(14.6, 1.2);
    assertThat(event.aggregate("Average")).hasValueSatisfying(v -> assertThat(v).isCloseTo(7.9, within(1e-9)));
    assertThat(event.aggregateBreaching("Average", 8, "GreaterThanOrEqualToThreshold")).contains(14.6);
  }

  @Test
  void theAggregationAppliesToTheBreachingDatapoints() {
    AlarmEvent event = withDatapoints(10.0, 20.0, 3.0);
    assertThat(event.aggregateBreaching("Average", 8, "GreaterThanThreshold")).contains(15.0);
    assertThat(event.aggregateBreaching("Minimum", 8, "GreaterThanThreshold")).contains(10.0);
    assertThat(event.aggregateBreaching("Maximum", 8, "GreaterThanThreshold")).contains(20.0);
    // Below-threshold alarms breach downwards.
    assertThat(event.aggregateBreaching("Average", 8, "LessThanThreshold")).contains(3.0);
    assertThat(event.aggregateBreaching("Average", 10, "LessThanOrEqualToThreshold")).contains(6.5);
  }

  @Test
  void withNoBreachingDatapointAllOfThemCount() {
    assertThat(withDatapoints(2.0, 4.0).aggregateBreaching("Average", 8, "GreaterThanOrEqualToThreshold")).contains(3.0);
    assertThat(withDatapoints().aggregateBreaching("Average", 8, "GreaterThanOrEqualToThreshold")).isEmpty();
  }
}
