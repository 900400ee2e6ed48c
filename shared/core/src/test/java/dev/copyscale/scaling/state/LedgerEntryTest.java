package dev.copyscale.scaling.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copyscale.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The ledger's entries, the wake-ups that start them and the decisions that carry them. */
class LedgerEntryTest {
  static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");

  @Test
  void anEntryIsBuiltFieldByFieldWithNothingSetByDefault() {
    LedgerEntry e = LedgerEntry.builder("d", AT, "k", Source.SCHEDULE, "schedule nights").build();
    assertThat(e.state()).isEmpty();
    assertThat(e.metricValue()).isEmpty();
    assertThat(e.threshold()).isEmpty();
    assertThat(e.policy()).isEmpty();
    assertThat(e.step()).isEmpty();
    assertThat(e.from()).isZero();
    assertThat(e.to()).isZero();
    assertThat(e.limitedBy()).isEmpty();
    assertThat(e.outcome()).isEqualTo(Outcome.NO_CHANGE);
  }

  @Test
  void itsKeyOrdersTheLedgerByTimeAndAnOutcomeChangeKeepsIt() {
    LedgerEntry e =
        LedgerEntry.builder("d", AT, "k", Source.ALARM, "a")
            .capacity(2, 6)
            .limitedBy(List.of("maxCapacity 6"))
            .outcome(Outcome.PENDING, "why")
            .build();
    assertThat(e.key()).isEqualTo("2026-11-25T10:00:00Z#k");
    LedgerEntry done = e.withOutcome(Outcome.SCALED, "done");
    assertThat(done.key()).isEqualTo(e.key());
    assertThat(done.limitedBy()).isEqualTo(e.limitedBy());
    assertThat(e.withCapacity(2, 4).to()).isEqualTo(4);
    LedgerEntry repeat = e.asFollowUp(AT.plusSeconds(5), "repeat-1");
    assertThat(repeat.key()).isNotEqualTo(e.key()).endsWith("#k#repeat-1");
  }

  @Test
  void itsSourceIsStoredInLowerCaseAndReadBack() throws Exception {
    LedgerEntry e = LedgerEntry.builder("d", AT, "k", Source.SLO, "tick").build();
    String json = Json.mapper().writeValueAsString(e);
    assertThat(Json.mapper().readTree(json).get("source").asText()).isEqualTo("slo");
    assertThat(Json.mapper().readValue(json, LedgerEntry.class)).isEqualTo(e);
    assertThat(Source.fromWire("deploy")).isEqualTo(Source.DEPLOY);
    assertThatThrownBy(() -> Source.fromWire("reconcile"))
        .hasMessage("unknown ledger source \"reconcile\"");
  }

  @Test
  void aDuplicateDeliveryIsIgnoredWithTheWakeUpsDetails() {
    WakeUp burst =
        WakeUp.delivered("eventbridge#1", Source.ALARM, "copyscale-x-burst", "ALARM")
            .withPolicy("burst", 8);
    LedgerEntry d = burst.duplicate("x", AT);
    assertThat(d.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(d.reason()).isEqualTo("duplicate delivery of eventbridge#1: already handled");
    assertThat(d.state()).isEqualTo("ALARM");
    assertThat(d.policy()).contains("burst");
    assertThat(d.threshold()).contains(8.0);
    assertThat(burst.tick()).isFalse();
    assertThat(WakeUp.tick("t", Source.SLO, "tick", "").tick()).isTrue();
  }

  @Test
  void aDecisionStartsAChangeWhenItsNextStateHoldsItsOwnIntent() {
    LedgerEntry scaled =
        LedgerEntry.builder("d", AT, "k", Source.ALARM, "a")
            .capacity(2, 6)
            .outcome(Outcome.SCALED, "why")
            .build();
    TargetState state = TargetState.initial("d");
    Decision starts =
        new Decision(
            scaled,
            state.withIntent(Optional.of(new CapacityIntent(6, Optional.empty(), scaled))),
            Optional.empty());
    assertThat(starts.startsChange()).isTrue();
    assertThat(starts.committed().outcome()).isEqualTo(Outcome.PENDING);
    assertThat(starts.committed().key()).isEqualTo(scaled.key());

    LedgerEntry other =
        LedgerEntry.builder("d", AT.minusSeconds(60), "j", Source.ALARM, "a").build();
    Decision keeps =
        new Decision(
            scaled,
            state.withIntent(Optional.of(new CapacityIntent(4, Optional.empty(), other))),
            Optional.empty());
    assertThat(keeps.startsChange()).as("an older decision's intent").isFalse();
    assertThat(keeps.committed()).isEqualTo(scaled);
  }
}
