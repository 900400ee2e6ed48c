package dev.copyscale.scaling.bounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.json.Json;
import dev.copyscale.scaling.capacity.Bounds;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.scaling.event.ScheduleRequest;
import dev.copyscale.scaling.state.BoundsOverride;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Schedules, their healing and overrides, on the example's Berlin schedules: business hours from
 * 08:00 on weekdays [4, 8], nights from 20:00 [0, 2]. Wednesday 25 November 2026; Berlin is UTC+1.
 */
class ScheduleRulesTest {
  static final DeploymentSpec SPEC =
      SpecParser.parse(RepoFiles.read("examples/llama3-8b.yaml")).orThrow();
  static final ScalingTarget TARGET = ScalingTarget.of(SPEC, Catalog.bundled());
  static final Instant EVENING = Instant.parse("2026-11-25T19:00:05Z");
  static final TargetState IDLE = TargetState.initial(SPEC.name());

  static LiveCapacity live(int copies, int min, int max) {
    return new LiveCapacity(copies, min, max, 1, Optional.of("InService"), "InService");
  }

  static ScheduleRequest override(String json) throws Exception {
    return ScheduleRequest.parse(Json.mapper().readTree(json));
  }

  @Test
  void aFiringBringsItsWindowUnderAKeyOfTheWindow() {
    BoundsRequest nights = ScheduleRules.firing(SPEC, ScheduleRules.named(SPEC, "nights"), EVENING);
    assertThat(nights.bounds()).isEqualTo(new Bounds(0, 2));
    assertThat(nights.wakeUp().eventKey())
        .isEqualTo("schedule#llama3-chat#nights#2026-11-25T19:00:00Z");
    assertThat(nights.wakeUp().source()).isEqualTo(Source.SCHEDULE);
    assertThat(nights.wakeUp().trigger()).isEqualTo("schedule nights");
    assertThat(nights.why())
        .isEqualTo("window nights fired 2026-11-25T19:00:00Z (0 20 ? * * * Europe/Berlin)");
    assertThat(nights.override()).isEmpty();
  }

  @Test
  void aLateDeliveryAppliesTheNewerWindowAndSaysSo() {
    BoundsRequest late =
        ScheduleRules.firing(SPEC, ScheduleRules.named(SPEC, "business-hours"), EVENING);
    assertThat(late.bounds()).isEqualTo(new Bounds(0, 2));
    assertThat(late.why()).startsWith("late delivery of business-hours; window nights fired");
  }

  @Test
  void anUnknownScheduleIsNamedWithTheOnesThereAre() {
    assertThatThrownBy(() -> ScheduleRules.named(SPEC, "lunch"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "deployment llama3-chat has no schedule \"lunch\"; it has [business-hours, nights]");
  }

  @Test
  void healingGivesATargetThatMissedItsWindowTheWindowInForce() {
    assertThat(ScheduleRules.healing(SPEC, IDLE, () -> live(2, 0, 2), EVENING)).isEmpty();
    BoundsRequest heal =
        ScheduleRules.healing(SPEC, IDLE, () -> live(4, 4, 8), EVENING).orElseThrow();
    assertThat(heal.bounds()).isEqualTo(new Bounds(0, 2));
    assertThat(heal.wakeUp().eventKey()).endsWith("#heal#" + EVENING);
    assertThat(heal.why()).startsWith("reconcile: window nights (fired 2026-11-25T19:00:00Z)");
    // Right bounds but a count outside them heals too.
    assertThat(ScheduleRules.healing(SPEC, IDLE, () -> live(5, 0, 2), EVENING)).isPresent();
  }

  @Test
  void healingWaitsForAnOverrideOrAChangeInProgressWithoutReadingTheCapacity() {
    TargetState overridden =
        IDLE.withOverride(
            Optional.of(new BoundsOverride(6, 6, EVENING, EVENING.plusSeconds(3600), "launch")));
    LedgerEntry decided =
        LedgerEntry.builder("llama3-chat", EVENING, "k", Source.ALARM, "a").build();
    TargetState converging =
        IDLE.withIntent(Optional.of(new CapacityIntent(6, Optional.empty(), decided)));
    for (TargetState state : new TargetState[] {overridden, converging}) {
      assertThat(
              ScheduleRules.healing(
                  SPEC,
                  state,
                  () -> {
                    throw new AssertionError("read the live capacity");
                  },
                  EVENING))
          .isEmpty();
    }
  }

  @Test
  void anOverrideIsCheckedAgainstTheDeployment() throws Exception {
    BoundsRequest ok =
        ScheduleRules.override(
            TARGET,
            override(
                "{\"deployment\":\"llama3-chat\",\"minCopies\":6,\"maxCopies\":8,"
                    + "\"reason\":\"launch\",\"for\":\"2h\"}"),
            EVENING);
    assertThat(ok.bounds()).isEqualTo(new Bounds(6, 8));
    assertThat(ok.override().orElseThrow().until()).isEqualTo(EVENING.plusSeconds(7200));
    assertThat(ok.wakeUp().source()).isEqualTo(Source.OVERRIDE);
    assertThat(ok.why())
        .isEqualTo("override [6, 8] until " + EVENING.plusSeconds(7200) + " (launch)");

    assertThatThrownBy(
            () ->
                ScheduleRules.override(
                    TARGET,
                    override(
                        "{\"deployment\":\"llama3-chat\",\"minCopies\":6,\"maxCopies\":64,"
                            + "\"reason\":\"launch\",\"for\":\"2h\"}"),
                    EVENING))
        .hasMessage("maxCopies 64 exceeds guardrails.maxCopies 16 of deployment llama3-chat");
    assertThatThrownBy(
            () ->
                ScheduleRules.override(
                    TARGET,
                    override(
                        "{\"deployment\":\"llama3-chat\",\"minCopies\":6,\"maxCopies\":4,"
                            + "\"reason\":\"launch\",\"for\":\"2h\"}"),
                    EVENING))
        .hasMessage("minCopies 6 is greater than maxCopies 4");
    assertThatThrownBy(
            () ->
                ScheduleRules.override(
                    TARGET,
                    override(
                        "{\"deployment\":\"llama3-chat\",\"minInstances\":1,\"maxInstances\":2,"
                            + "\"reason\":\"launch\",\"for\":\"2h\"}"),
                    EVENING))
        .hasMessage("deployment llama3-chat scales copies: give minCopies/maxCopies");
    assertThatThrownBy(
            () ->
                ScheduleRules.override(
                    TARGET,
                    override(
                        "{\"deployment\":\"llama3-chat\",\"minCopies\":1,\"maxCopies\":2,"
                            + "\"reason\":\"launch\",\"until\":\"2026-12-10T00:00:00Z\"}"),
                    EVENING))
        .hasMessageContaining("must be after now (" + EVENING + ") and within 7 days");
  }

  @Test
  void aScheduleFiringUnderAnOverrideIsRecordedNotApplied() {
    BoundsOverride held = new BoundsOverride(6, 6, EVENING, EVENING.plusSeconds(3600), "launch");
    LedgerEntry e = ScheduleRules.overridden(SPEC, "schedule nights", held, EVENING);
    assertThat(e.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(e.reason())
        .isEqualTo(
            "schedule nights not applied: override [6, 6] holds until "
                + EVENING.plusSeconds(3600)
                + " (launch); the schedules apply again after it");
  }

  @Test
  void anExpiredOverrideEndsWithAnEntry() {
    BoundsOverride held = new BoundsOverride(6, 6, EVENING, EVENING.plusSeconds(3600), "launch");
    TargetState state = IDLE.withOverride(Optional.of(held));
    assertThat(ScheduleRules.overrideEnded(SPEC, state, EVENING)).isEmpty();
    LedgerEntry ended =
        ScheduleRules.overrideEnded(SPEC, state, EVENING.plusSeconds(3600)).orElseThrow();
    assertThat(ended.source()).isEqualTo(Source.OVERRIDE);
    assertThat(ended.reason())
        .endsWith("expired at " + held.until() + "; the schedules apply again");
    assertThat(ScheduleRules.overrideEnded(SPEC, IDLE, EVENING)).isEmpty();
  }
}
