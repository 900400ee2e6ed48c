package dev.copyscale.scaling.convergence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.scaling.capacity.LiveCapacity;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.scaling.state.Cooldowns;
import dev.copyscale.scaling.state.Decision;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.scaling.state.TargetState;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What a change that does not happen means: each round of converging, giving up and undoing, a
 * write SageMaker refuses, bounds Application Auto Scaling refuses. On the orchestrated example (4
 * copies per instance, copyscale manages instances).
 */
class GiveUpTest {
  static final Instant DECIDED = Instant.parse("2026-11-25T10:00:00Z");
  final ScalingTarget target =
      ScalingTarget.of(
          SpecParser.parse(RepoFiles.read("examples/llama3-8b-orchestrated.yaml")).orThrow(),
          Catalog.bundled());

  /** The burst decision 2 -> 6 copies, 1 -> 2 instances, as committed. */
  static final LedgerEntry RAISE =
      LedgerEntry.builder("llama3-chat", DECIDED, "eventbridge#1", Source.ALARM, "burst")
          .capacity(2, 6)
          .outcome(Outcome.PENDING, "step 1 (breach 8): capacity 2 -> 6")
          .build();

  static final Cooldowns BEFORE = Cooldowns.NONE.afterScaleIn(DECIDED.minusSeconds(3600));

  /** The target as the decision left it: its intent, its scale-out's cooldown. */
  static TargetState raising() {
    return TargetState.initial("llama3-chat")
        .withCooldowns(BEFORE.afterChange(DECIDED, 2, 6))
        .withIntent(
            Optional.of(new CapacityIntent(6, Optional.of(2), RAISE, Optional.of(BEFORE), 4)));
  }

  static LiveCapacity live(int copies, int instances) {
    return new LiveCapacity(copies, 0, 8, instances, Optional.of("InService"), "InService");
  }

  @Test
  void aChangeSageMakerHasIsFinishedAndRecorded() {
    Instant landed = DECIDED.plusSeconds(300);
    Convergence.Round r = Convergence.round(raising(), live(6, 2), landed, target);
    assertThat(r).isInstanceOf(Convergence.Finished.class);
    Convergence.Finished f = (Convergence.Finished) r;
    assertThat(f.next().intent()).isEmpty();
    assertThat(f.next().version()).isEqualTo(1);
    // The decision's entry, with when SageMaker had it.
    assertThat(f.record()).contains(RAISE.doneAt(landed));
    assertThat(f.entry().done()).contains(landed);
  }

  @Test
  void aChangeThatMustWaitSaysWhatItWaitsFor() {
    Convergence.Round r =
        Convergence.round(
            raising(),
            new LiveCapacity(2, 0, 8, 2, Optional.of("InService"), "Updating"),
            DECIDED.plusSeconds(30),
            target);
    Convergence.Waiting w = (Convergence.Waiting) r;
    assertThat(w.entry().outcome()).isEqualTo(Outcome.PENDING);
    assertThat(w.entry().reason())
        .isEqualTo(
            "step 1 (breach 8): capacity 2 -> 6; in progress: endpoint is Updating; SageMaker"
                + " takes the next change once it is InService");
    assertThat(w.record()).contains(w.entry());
  }

  @Test
  void theNextWriteIsClaimedFirst() {
    Convergence.Round r = Convergence.round(raising(), live(2, 1), DECIDED, target);
    Convergence.Write w = (Convergence.Write) r;
    assertThat(w.step()).isEqualTo(new Convergence.SetCopies(4));
    assertThat(w.claim().version()).isEqualTo(raising().version() + 1);
  }

  @Test
  void aChangeNotReachedInHalfAnHourIsGivenUpAndItsInstancesReleased() {
    Instant late = DECIDED.plus(Convergence.GIVE_UP_AFTER).plusSeconds(1);
    // The copies never came: 4 on the first instance, the second one raised for nothing.
    Convergence.GiveUp g =
        (Convergence.GiveUp) Convergence.round(raising(), live(4, 2), late, target);
    assertThat(g.entry().outcome()).isEqualTo(Outcome.FAILED);
    assertThat(g.entry().from()).isEqualTo(2);
    assertThat(g.entry().to()).isEqualTo(4);
    assertThat(g.entry().reason())
        .isEqualTo(
            "step 1 (breach 8): capacity 2 -> 6; not done: SageMaker did not reach it within 30"
                + " minutes; instances 2 -> 1 to match the 4 copies there");
    CapacityIntent undo = g.next().intent().orElseThrow();
    assertThat(undo.capacity()).isEqualTo(4);
    assertThat(undo.instances()).contains(1);
    assertThat(undo.decision()).isEqualTo(g.entry());
    // The scale-out's cooldown is withdrawn: the target is as if it had not been decided.
    assertThat(g.next().cooldowns()).isEqualTo(BEFORE);
  }

  @Test
  void aLaterDecisionsCooldownStays() {
    Cooldowns later = BEFORE.afterChange(DECIDED.plusSeconds(120), 6, 8);
    TargetState replaced = raising().withCooldowns(later);
    Convergence.GiveUp g =
        Convergence.giveUp(replaced, live(6, 2), target, "writing it failed: throttled");
    assertThat(g.next().cooldowns()).isEqualTo(later);
    assertThat(g.next().intent()).as("6 copies on 2 instances need no undo").isEmpty();
  }

  @Test
  void anUndoRunsUntilDoneAndIsDroppedWithANoteIfItFailsToo() {
    Convergence.GiveUp first =
        Convergence.giveUp(raising(), live(4, 2), target, "writing it failed: refused");
    TargetState undoing = first.next();
    // An undo is never given up for time, whatever the clock says.
    Convergence.Round later =
        Convergence.round(undoing, live(4, 2), DECIDED.plus(Duration.ofDays(1)), target);
    assertThat(later).isInstanceOf(Convergence.Write.class);
    // Waiting on an undo records nothing new: its entry already says FAILED.
    Convergence.Round waiting =
        Convergence.round(
            undoing,
            new LiveCapacity(4, 0, 8, 2, Optional.of("Updating"), "InService"),
            DECIDED,
            target);
    assertThat(((Convergence.Waiting) waiting).record()).isEmpty();
    // Done: the intent goes, and nothing is recorded again.
    Convergence.Finished done =
        (Convergence.Finished) Convergence.round(undoing, live(4, 1), DECIDED, target);
    assertThat(done.record()).isEmpty();

    Convergence.GiveUp again = Convergence.giveUp(undoing, live(4, 2), target, "refused again");
    assertThat(again.next().intent()).isEmpty();
    assertThat(again.entry().reason())
        .endsWith("; releasing the instances failed too: refused again");
  }

  @Test
  void aRefusalSageMakerMayLiftWaitsAnyOtherGivesUp() {
    Convergence.Round retry =
        Convergence.refused(raising(), live(2, 1), target, "ThrottlingException (400)", true);
    assertThat(((Convergence.Waiting) retry).entry().reason())
        .endsWith(
            "in progress: SageMaker refused for now (ThrottlingException (400)); the next tick"
                + " retries");
    Convergence.Round refused =
        Convergence.refused(raising(), live(2, 1), target, "ValidationException (400)", false);
    assertThat(((Convergence.GiveUp) refused).entry().reason())
        .contains("not done: writing it failed: ValidationException (400)");
  }

  @Test
  void boundsApplicationAutoScalingRefusedLeaveTheCountAlone() {
    TargetState committed = raising();
    Decision schedule =
        new Decision(
            LedgerEntry.builder("llama3-chat", DECIDED, "schedule#k", Source.SCHEDULE, "nights")
                .capacity(2, 6)
                .outcome(Outcome.SCALED, "window nights: bounds [0, 8] -> [6, 6], copies 2 -> 6")
                .build(),
            committed,
            Optional.empty());
    Convergence.GiveUp g =
        Convergence.boundsNotSet(committed, schedule, live(2, 1), "AccessDeniedException (400)");
    assertThat(g.entry().outcome()).isEqualTo(Outcome.FAILED);
    assertThat(g.entry().from()).isEqualTo(2);
    assertThat(g.entry().to()).isEqualTo(2);
    assertThat(g.entry().reason())
        .endsWith(
            "; not done: setting the bounds failed: AccessDeniedException (400); the reconcile"
                + " tick retries");
    assertThat(g.next().intent()).isEmpty();
  }

  @Test
  void ticksStartNothingWhileAChangeRollsOut() {
    TargetState idle = TargetState.initial("llama3-chat");
    LiveCapacity updating = new LiveCapacity(2, 0, 8, 1, Optional.of("Updating"), "InService");
    assertThat(Readiness.rollingOut(idle, live(2, 1))).isEmpty();
    assertThat(Readiness.rollingOut(idle, updating)).contains("component Updating");
    assertThat(Readiness.rollingOut(raising(), live(2, 1)))
        .contains("the change to 6 is still rolling out");
    // engine slo may revise its own change in progress, but waits for one it did not start.
    assertThat(Readiness.sloWaits(idle, updating))
        .contains("component Updating: engine slo waits for InService");
    assertThat(Readiness.sloWaits(raising(), updating)).isEmpty();
    assertThat(Readiness.sloWaits(idle, live(2, 1))).isEmpty();
  }
}
