package dev.copyscale.slo;

import static dev.copyscale.slo.SloFixtures.START;
import static dev.copyscale.slo.SloFixtures.repeat;
import static dev.copyscale.slo.SloFixtures.steady;
import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.scaling.state.Cooldowns;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.scaling.state.WakeUp;
import dev.copyscale.spec.DeploymentSpec;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SloDecisionTest {
  private final DeploymentSpec spec = SloFixtures.example();
  private final SloCapacity cap = SloFixtures.capacity(spec);

  private static LiveCapacity live(int copies, int min) {
    return new LiveCapacity(
        copies, min, 12, (copies + 3) / 4, Optional.of("InService"), "InService", copies);
  }

  private SloDecision decide(
      LoadHistory history,
      List<Double> recent,
      TargetState target,
      LiveCapacity live,
      OptionalInt period) {
    Instant now = history.end();
    return SloDecision.decide(
        inputs(
            spec,
            cap,
            history,
            recent,
            period,
            target,
            live,
            now,
            "tick#" + now,
            "tick",
            Optional.empty()));
  }

  private SloDecision decide(LoadHistory history, int copies) {
    return decide(
        history, List.of(), TargetState.initial(spec.name()), live(copies, 1), OptionalInt.empty());
  }

  @Test
  void aQuietEndpointKeepsOneInstanceFilledWithCopies() {
    SloDecision d = decide(steady(cap, 2, repeat(40, 0.5)), 2);
    assertThat(d.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(d.plan().copies()).isEqualTo(4);
    assertThat(d.entry().reason())
        .startsWith("filling the instance held: ")
        .contains("1 instance of 4, 4 copies");
  }

  @Test
  void aRiseAddsWholeInstancesAndSaysWhy() {
    double[] load = repeat(40, 1);
    load[39] = 9;
    SloDecision d = decide(steady(cap, 4, load), 4);
    assertThat(d.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(d.plan().copies() % 4).isZero();
    assertThat(d.plan().copies()).isGreaterThan(4);
    assertThat(d.entry().reason())
        .startsWith("adding: ")
        .contains("requests in flight now")
        .contains(" need ")
        .contains("per copy for TTFT <= 2000 ms at 99%");
    assertThat(d.next().intent()).map(CapacityIntent::capacity).contains(d.plan().copies());
    assertThat(d.next().cooldowns().lastScaleOut()).isPresent();
  }

  @Test
  void aRiseStillUnderWayIsPlannedForWhereItLeadsWhenNewCapacityServes() {
    // 1, then 3, then 5 requests a second: a rise of two minutes, taken to go on for two more.
    double[] rising = repeat(40, 1);
    rising[38] = 3;
    rising[39] = 5;
    // The same load level, reached two minutes ago: no rise under way.
    double[] level = repeat(40, 1);
    level[37] = 5;
    level[38] = 5;
    level[39] = 5;
    SloDecision up = decide(steady(cap, 4, rising), 4);
    SloDecision flat = decide(steady(cap, 4, level), 4);
    assertThat(up.plan().demandAhead()).isGreaterThan(flat.plan().demandAhead());
    assertThat(up.plan().copies()).isGreaterThan(flat.plan().copies());
    assertThat(up.entry().reason())
        .contains("rising ")
        .contains("a minute over the last 2 min")
        .contains("expected within 2 min");
    assertThat(flat.entry().reason()).doesNotContain("rising");
  }

  @Test
  void theCopiesOwnTenSecondCountActsBeforeTheMinuteEnds() {
    LoadHistory quiet = steady(cap, 4, repeat(40, 1));
    assertThat(
            decide(
                    quiet,
                    List.of(),
                    TargetState.initial(spec.name()),
                    live(4, 1),
                    OptionalInt.empty())
                .outcome())
        .isEqualTo(Outcome.NO_CHANGE);
    SloDecision d =
        decide(
            quiet,
            List.of(3.0, 20.0, 40.0),
            TargetState.initial(spec.name()),
            live(4, 1),
            OptionalInt.empty());
    assertThat(d.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(d.plan().copies()).isGreaterThanOrEqualTo(8);
  }

  @Test
  void aCountPerCopyFromBeforeTheCopiesChangedIsNotMultipliedByTheCopiesServingNow() {
    // 4 copies held 30 each at the minute's start (120 in flight, the rise), then 4 more came and
    // each held fewer: 30 x 8 = 240 were never in flight.
    List<Double> acrossTheChange = List.of(30.0, 22.0, 12.0, 9.0, 8.0);
    SloDecision justCame =
        decide(
            steady(cap, 4, repeat(40, 1)),
            acrossTheChange,
            TargetState.initial(spec.name()),
            live(8, 1),
            OptionalInt.empty());
    // The same count with the same 8 copies through the minute: 240 in flight at its peak, read as
    // it is; across the change only the latest figure, nearest the 8 copies (8 x 8 = 64 in flight),
    // each converted to the operating point.
    SloDecision served =
        decide(
            steady(cap, 8, repeat(40, 1)),
            acrossTheChange,
            TargetState.initial(spec.name()),
            live(8, 1),
            OptionalInt.empty());
    assertThat(justCame.plan().demandNow()).isLessThan(served.plan().demandNow() * 0.75);
  }

  @Test
  void aBacklogCountsOnlyOnceTheCopiesServingNowHaveServedTwoWholeMinutes() {
    // 80 requests in flight per copy on 8 copies: far past what a copy runs within the objective.
    List<Double> backlog = List.of(60.0, 80.0);
    // The last two minutes were served by 4 copies: the other 4 have just come, and what queued
    // before them clears within the 60 s timeout.
    SloDecision justArrived =
        decide(
            steady(cap, 4, repeat(40, 1)),
            backlog,
            TargetState.initial(spec.name()),
            live(8, 1),
            OptionalInt.empty());
    assertThat(justArrived.outcome()).isEqualTo(Outcome.NO_CHANGE);
    assertThat(justArrived.plan().copies()).isEqualTo(8);
    // Served by all 8 for two whole minutes and still backed up: the copies carry less than
    // planned, and an instance is added.
    SloDecision settled =
        decide(
            steady(cap, 8, repeat(40, 1)),
            backlog,
            TargetState.initial(spec.name()),
            live(8, 1),
            OptionalInt.empty());
    assertThat(settled.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(settled.plan().copies()).isEqualTo(12);
  }

  @Test
  void anInstanceIsReleasedOnlyWhenTheWholeWindowShowsItUnneeded() {
    double[] load = repeat(40, 0.5);
    load[20] = 14;
    // The burst 20 minutes ago is in the 30-minute window: 12 copies stay.
    SloDecision held = decide(steady(cap, 12, load), 12);
    assertThat(held.outcome()).isEqualTo(Outcome.NO_CHANGE);
    assertThat(held.entry().reason()).startsWith("holding: ");
    // 40 minutes on, it is not: back to one instance.
    double[] later = repeat(80, 0.5);
    later[20] = 14;
    SloDecision released = decide(steady(cap, 12, later), 12);
    assertThat(released.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(released.plan().copies()).isEqualTo(4);
    assertThat(released.entry().reason()).startsWith("releasing: the 30-minute peak");
  }

  @Test
  void capacityAddedIsKeptAWholeWindowEvenIfTheLoadFellAtOnce() {
    LoadHistory quiet = steady(cap, 12, repeat(60, 0.5));
    TargetState justAdded =
        TargetState.initial(spec.name())
            .withCooldowns(Cooldowns.NONE.afterScaleOut(quiet.end().minusSeconds(600), 4, 12));
    assertThat(decide(quiet, List.of(), justAdded, live(12, 1), OptionalInt.empty()).outcome())
        .isEqualTo(Outcome.NO_CHANGE);
    TargetState longAgo =
        TargetState.initial(spec.name())
            .withCooldowns(Cooldowns.NONE.afterScaleOut(quiet.end().minusSeconds(3600), 4, 12));
    assertThat(decide(quiet, List.of(), longAgo, live(12, 1), OptionalInt.empty()).plan().copies())
        .isEqualTo(4);
  }

  @Test
  void aRecurringBurstIsScaledAheadOf() {
    // Bursts of 9/s in minutes 0, 10, 20 ... of 60: the next at minute 60 + 0, within the lead
    // time.
    double[] load = repeat(58, 0.5);
    for (int i = 0; i < load.length; i += 10) {
      load[i] = 9;
    }
    LoadHistory history = steady(cap, 4, load);
    TargetState longAgo =
        TargetState.initial(spec.name()).withCooldowns(Cooldowns.NONE.afterScaleIn(START));
    SloDecision without = decide(history, List.of(), longAgo, live(4, 1), OptionalInt.empty());
    SloDecision with = decide(history, List.of(), longAgo, live(4, 1), OptionalInt.of(10));
    assertThat(with.plan().copies()).isGreaterThan(without.plan().copies());
    assertThat(with.entry().reason())
        .contains("expected within")
        .contains("the pattern every 10 min");
  }

  /**
   * {@code minutes} of 0.5 requests/s with bursts of {@code height}/s in the first 5 minutes of
   * every 30.
   */
  private static double[] halfHourBursts(int minutes, double height) {
    double[] load = repeat(minutes, 0.5);
    for (int i = 0; i < minutes; i++) {
      if (i % 30 < 5) {
        load[i] = height;
      }
    }
    return load;
  }

  @Test
  void aPatternThatForetoldTheWindowLetsAnInstanceGoBetweenBurstsAndBringsItBackALeadTimeAhead() {
    TargetState longAgo =
        TargetState.initial(spec.name()).withCooldowns(Cooldowns.NONE.afterScaleOut(START, 4, 8));
    // Five minutes after the fourth burst (minutes 90 to 94): the window still holds it, the
    // pattern says the next comes at 120.
    LoadHistory afterBurst = steady(cap, 8, halfHourBursts(100, 9));
    SloDecision byWindow = decide(afterBurst, List.of(), longAgo, live(8, 1), OptionalInt.empty());
    assertThat(byWindow.outcome()).isEqualTo(Outcome.NO_CHANGE);
    SloDecision byPattern = decide(afterBurst, List.of(), longAgo, live(8, 1), OptionalInt.of(30));
    assertThat(byPattern.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(byPattern.plan().copies()).isEqualTo(4);
    assertThat(byPattern.entry().reason())
        .startsWith(
            "releasing: the pattern every 30 min foretold the last 30 min; the last 1 min and the"
                + " next 12 min");
    // Not while the next burst is within two lead times (minute 110: the burst at 120 is 10 minutes
    // ahead).
    assertThat(
            decide(
                    steady(cap, 8, halfHourBursts(110, 9)),
                    List.of(),
                    longAgo,
                    live(8, 1),
                    OptionalInt.of(30))
                .outcome())
        .isEqualTo(Outcome.NO_CHANGE);
    // A lead time ahead of it (minute 114), the instance comes back.
    SloDecision ahead =
        decide(
            steady(cap, 4, halfHourBursts(114, 9)),
            List.of(),
            longAgo,
            live(4, 1),
            OptionalInt.of(30));
    assertThat(ahead.plan().copies()).isEqualTo(8);
    assertThat(ahead.entry().reason()).startsWith("adding: ").contains("the pattern every 30 min");
  }

  @Test
  void aBurstThePatternDidNotForetellFallsBackToTheWindow() {
    TargetState longAgo =
        TargetState.initial(spec.name()).withCooldowns(Cooldowns.NONE.afterScaleOut(START, 4, 8));
    // The last burst needed a third instance the cycles before it had not: the window decides
    // again, and holds.
    double[] load = halfHourBursts(100, 9);
    for (int i = 90; i < 95; i++) {
      load[i] = 16;
    }
    SloDecision d =
        decide(steady(cap, 8, load), List.of(), longAgo, live(8, 1), OptionalInt.of(30));
    assertThat(d.outcome()).isEqualTo(Outcome.NO_CHANGE);
    assertThat(d.entry().reason())
        .startsWith("holding: ")
        .contains("at the 30-minute peak would need")
        .contains("(a peak keeps capacity, it does not add it); now and ahead");
  }

  @Test
  void withMinCopiesZeroAnIdleEndpointGoesToZeroAndARefusedRequestBringsCopiesBack() {
    LoadHistory idle = steady(cap, 4, repeat(60, 0));
    SloDecision d =
        SloDecision.decide(
            inputs(
                spec,
                cap,
                idle,
                List.of(),
                OptionalInt.empty(),
                TargetState.initial(spec.name()),
                live(4, 0),
                idle.end(),
                "k",
                "tick",
                Optional.empty()));
    assertThat(d.plan().copies()).isZero();
    // Not within a scale-in window of the deploy: the window before it saw nothing, as it did not
    // exist.
    SloDecision fresh =
        SloDecision.decide(
            inputs(
                spec,
                cap,
                idle,
                List.of(),
                OptionalInt.empty(),
                TargetState.initial(spec.name()),
                live(4, 0),
                idle.end(),
                "k",
                "tick",
                Optional.of(idle.end().minusSeconds(300))));
    assertThat(fresh.plan().copies()).isEqualTo(4);
    assertThat(fresh.entry().reason()).startsWith("holding: ");

    LoadHistory refused = SloFixtures.with(idle, LoadHistory.Series.NO_CAPACITY, 59, 3);
    SloDecision back =
        SloDecision.decide(
            inputs(
                spec,
                cap,
                refused,
                List.of(),
                OptionalInt.empty(),
                TargetState.initial(spec.name()),
                live(0, 0),
                refused.end(),
                "k",
                "copyscale-sim-slo-slo-from-zero",
                Optional.empty()));
    assertThat(back.plan().copies()).isEqualTo(4);
    assertThat(back.entry().reason()).contains("refused for want of a copy");
  }

  @Test
  void overloadedCopiesAskForEveryCopyTheBoundsAllowWithoutWaitingToLearn() {
    // An hour of light load on one instance, then a minute of 300 requests in which the copies hold
    // 200 each, complete 100 and fail 200: at its own request shape the serving model says 2
    // copies carry that minute, and 4 serve, so the model is no guide: all three instances.
    LoadHistory overloaded = withLastMinute(steady(cap, 4, repeat(60, 0.5)), 300, 200, 4, 200);
    SloDecision d = decide(overloaded, 4);
    assertThat(d.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(d.plan().copies()).isEqualTo(12);
    assertThat(d.entry().reason())
        .startsWith("adding: the copies are overloaded (200 of 300 requests failed")
        .contains("outlast the 100 its 4 copies completed")
        .contains("every copy the bounds allow")
        .contains("the serving model says ")
        .contains("at most 12 copies (bounds and guardrails)");

    // The same minute with its failures within the objective's 1 % plans from the serving model.
    LoadHistory within = SloFixtures.with(overloaded, LoadHistory.Series.MODEL_ERRORS, 60, 2);
    assertThat(decide(within, 4).entry().reason()).doesNotContain("overloaded");
  }

  @Test
  void overloadWhileFewerCopiesServeThanTheServingModelSaysIsCapacityOnItsWay() {
    // One copy serves a load the serving model says needs 2: its failures are the copies still
    // missing, not evidence against the model, which alone decides (the minute's rise from 12 to
    // 300 requests taken to go on for a minute more: two instances, not every copy).
    LoadHistory overloaded = withLastMinute(steady(cap, 1, repeat(60, 0.2)), 300, 200, 1, 200);
    SloDecision d = decide(overloaded, 1);
    assertThat(d.entry().reason()).doesNotContain("overloaded").contains("rising");
    assertThat(d.plan().copies()).isEqualTo(8);
  }

  @Test
  void overloadInTheTwoMinutesAfterNewCopiesCameIsTheBacklogFromBeforeThem() {
    // An hour on one copy, then four serve: what queued before them times out within the 60 s
    // invocation timeout of their coming, so the failures of their first minute are no evidence
    // against the serving model.
    LoadHistory overloaded = withLastMinute(steady(cap, 1, repeat(60, 0.2)), 300, 200, 4, 200);
    assertThat(decide(overloaded, 4).entry().reason()).doesNotContain("overloaded");
  }

  /** {@code history} and one more minute of the given figures. */
  private static LoadHistory withLastMinute(
      LoadHistory history, double invocations, double failed, int copies, double perCopy) {
    int n = history.minutes();
    LoadHistory.Builder b = LoadHistory.builder(history.start(), n + 1);
    history
        .toArrays()
        .forEach(
            (series, values) -> {
              for (int i = 0; i < values.length; i++) {
                b.set(series, i, values[i]);
              }
            });
    return b.set(LoadHistory.Series.INVOCATIONS, n, invocations)
        .set(LoadHistory.Series.INVOCATIONS_PER_COPY, n, invocations / copies)
        .set(LoadHistory.Series.MODEL_ERRORS, n, failed)
        .set(LoadHistory.Series.CONCURRENCY_PER_COPY, n, perCopy)
        .set(LoadHistory.Series.CONCURRENCY_PER_COPY_MAX, n, perCopy)
        .build();
  }

  @Test
  void boundsAndGuardrailsCapThePlan() {
    double[] load = repeat(40, 1);
    load[39] = 40;
    LiveCapacity narrow = new LiveCapacity(4, 1, 6, 1, Optional.of("InService"), "InService", 4);
    SloDecision d =
        decide(
            steady(cap, 4, load),
            List.of(),
            TargetState.initial(spec.name()),
            narrow,
            OptionalInt.empty());
    assertThat(d.plan().copies()).isEqualTo(6);
    assertThat(d.entry().limitedBy()).singleElement().asString().contains("at most 6 copies");
  }

  @Test
  void aDryRunDecidesAndSaysSoButAsksForNothing() {
    DeploymentSpec dry = SloFixtures.example("dryRun: false", "dryRun: true");
    double[] load = repeat(40, 1);
    load[39] = 9;
    LoadHistory history = steady(cap, 4, load);
    SloDecision d =
        SloDecision.decide(
            inputs(
                dry,
                cap,
                history,
                List.of(),
                OptionalInt.empty(),
                TargetState.initial(dry.name()),
                live(4, 1),
                history.end(),
                "k",
                "tick",
                Optional.empty()));
    assertThat(d.outcome()).isEqualTo(Outcome.DRY_RUN);
    assertThat(d.entry().reason()).startsWith("dry run, nothing written: ");
    assertThat(d.next().intent()).isEmpty();
  }

  /**
   * The same decision for the {@code chat} component of
   * examples/simulate/shared/two-models-slo.yaml (the bundled example's model, copies and objective
   * on the same instance type, sharing the endpoint with {@code code}): it wishes copies, not whole
   * instances.
   */
  private static SloDecision decideShared(LoadHistory history, int copies) {
    DeploymentSpec endpoint =
        dev.copyscale.spec.SpecParser.parse(
                dev.copyscale.testing.RepoFiles.read(
                    "examples/simulate/shared/two-models-slo.yaml"))
            .orThrow();
    ScalingTarget chat = ScalingTarget.members(endpoint, Catalog.bundled()).get(0);
    SloCapacity shared = SloCapacity.of(chat.spec(), Catalog.bundled());
    assertThat(shared.unit()).isEqualTo(SloCapacity.Unit.COPY);
    Instant now = history.end();
    return SloDecision.decide(
        new SloDecision.Inputs(
            chat,
            shared,
            new RequestSize(shared),
            history,
            List.of(),
            OptionalInt.empty(),
            TargetState.initial(chat.name()),
            new LiveCapacity(
                copies, 1, 8, (copies + 3) / 4, Optional.of("InService"), "InService", copies),
            now,
            WakeUp.tick("tick#" + now, Source.SLO, "tick", ""),
            Optional.empty()));
  }

  @Test
  void onASharedEndpointItWishesTheCopiesItsLoadNeedsNotWholeInstances() {
    assertThat(cap.unit()).isEqualTo(SloCapacity.Unit.INSTANCE);
    // Alone, a quiet load keeps its instance filled: copies on it cost nothing more.
    LoadHistory quiet = steady(cap, 2, repeat(40, 0.5));
    assertThat(decide(quiet, 2).plan().copies()).isEqualTo(4);
    // Shared, the room is its siblings' as much as its own: it gives back the copy it does not
    // need (the window shows none needed), and the arbiter decides the instances.
    SloDecision shared = decideShared(quiet, 2);
    assertThat(shared.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(shared.plan().copies()).isEqualTo(1);
    assertThat(shared.entry().reason())
        .startsWith("releasing: the 30-minute peak")
        .contains(": wishes 1 copy (a component of a shared endpoint wishes copies")
        .doesNotContain("instance of 4");

    // A rise (two minutes ago, level since: no rise still under way): alone, whole instances of
    // copies; shared, the copies the load needs.
    double[] load = repeat(40, 1);
    load[38] = 9;
    load[39] = 9;
    SloDecision alone = decide(steady(cap, 4, load), 4);
    SloDecision rise = decideShared(steady(cap, 4, load), 4);
    assertThat(rise.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(rise.entry().reason()).startsWith("adding: ");
    assertThat(rise.plan().copies()).isGreaterThan(4);
    assertThat(alone.plan().copies())
        .isEqualTo(4 * ((rise.plan().copies() + 3) / 4))
        .isGreaterThan(rise.plan().copies());
    assertThat(rise.entry().reason())
        .contains("need " + rise.plan().copies() + " copies at")
        .contains("wishes " + rise.plan().copies() + " copies");
  }

  @Test
  void onASharedEndpointCopiesAreHeldAndReleasedByTheSameWindow() {
    double[] load = repeat(40, 0.5);
    load[20] = 7;
    // The burst 20 minutes ago is in the 30-minute window: the copies its peak needs stay, not
    // the one copy the last minutes need (alone: the two whole instances they sit on).
    SloDecision held = decideShared(steady(cap, 8, load), 8);
    assertThat(held.plan().copies()).isBetween(3, 7);
    assertThat(held.entry().reason()).contains("30-minute peak");
    assertThat(decide(steady(cap, 8, load), 8).outcome()).isEqualTo(Outcome.NO_CHANGE);
    // 40 minutes on: back to the copy the load needs, not to a whole instance of them.
    double[] later = repeat(80, 0.5);
    later[20] = 7;
    SloDecision released = decideShared(steady(cap, 8, later), 8);
    assertThat(released.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(released.plan().copies()).isEqualTo(1);
    assertThat(decide(steady(cap, 8, later), 8).plan().copies()).isEqualTo(4);
  }

  /** The decision's inputs, woken by a tick (trigger "tick") or by the alarm {@code trigger}. */
  static SloDecision.Inputs inputs(
      DeploymentSpec spec,
      SloCapacity cap,
      LoadHistory history,
      List<Double> recent,
      OptionalInt period,
      TargetState state,
      LiveCapacity live,
      Instant now,
      String eventKey,
      String trigger,
      Optional<Instant> deployedAt) {
    WakeUp wakeUp =
        trigger.equals("tick")
            ? WakeUp.tick(eventKey, Source.SLO, trigger, "")
            : WakeUp.delivered(eventKey, Source.SLO, trigger, "ALARM");
    return new SloDecision.Inputs(
        ScalingTarget.of(spec, Catalog.bundled()),
        cap,
        new RequestSize(cap),
        history,
        recent,
        period,
        state,
        live,
        now,
        wakeUp,
        deployedAt);
  }
}
