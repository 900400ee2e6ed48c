package dev.copyscale.scaling.convergence;

import static dev.copyscale.scaling.convergence.GiveUpTest.DECIDED;
import static dev.copyscale.scaling.convergence.GiveUpTest.live;
import static dev.copyscale.scaling.convergence.GiveUpTest.raising;
import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.TargetState;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A write is claimed in the target state before it is made, so an invocation that reads the claim
 * before SageMaker shows the write leaves it to the claimant instead of making it twice.
 */
class ClaimTest {
  final GiveUpTest fixtures = new GiveUpTest();

  /** The first round of the 2 -> 6 raise: the 4 copies the running instance holds, claimed. */
  Convergence.Write claimedAt(Instant at) {
    Convergence.Round r = Convergence.round(raising(), live(2, 1), at, fixtures.target);
    assertThat(r).isInstanceOf(Convergence.Write.class);
    return (Convergence.Write) r;
  }

  @Test
  void aWriteIsClaimedWithWhatItWritesAndWhen() {
    Convergence.Write w = claimedAt(DECIDED);
    assertThat(w.step()).isEqualTo(new Convergence.SetCopies(4));
    assertThat(w.claim().version()).isEqualTo(1);
    assertThat(w.claim().intent().orElseThrow().claim())
        .hasValueSatisfying(
            c -> {
              assertThat(c.write()).isEqualTo("copies 4");
              assertThat(c.at()).isEqualTo(DECIDED);
            });
  }

  @Test
  void anotherInvocationThatReadsTheClaimBeforeTheWriteShowsLeavesItToTheClaimant() {
    TargetState claimed = claimedAt(DECIDED).claim();
    // SageMaker still shows 2 copies: the claimant has not written yet.
    Convergence.Round r =
        Convergence.round(claimed, live(2, 1), DECIDED.plusSeconds(1), fixtures.target);
    assertThat(r).isInstanceOf(Convergence.Waiting.class);
    Convergence.Waiting w = (Convergence.Waiting) r;
    assertThat(w.record()).as("the claimant records where the decision stands").isEmpty();
    assertThat(w.entry().outcome()).isEqualTo(Outcome.PENDING);
    assertThat(w.entry().reason()).contains("copies 4 claimed by another invocation at " + DECIDED);
  }

  @Test
  void theClaimantsNextWriteIsNotHeldByItsOwnClaim() {
    TargetState claimed = claimedAt(DECIDED).claim();
    // The 4 copies are there: the next write (the second instance) is another one.
    Convergence.Round r =
        Convergence.round(claimed, live(4, 1), DECIDED.plusSeconds(1), fixtures.target);
    assertThat(r).isInstanceOf(Convergence.Write.class);
    assertThat(((Convergence.Write) r).step()).isEqualTo(new Convergence.SetInstances(2));
  }

  @Test
  void aClaimOlderThanTheLeaseIsWrittenAgain() {
    TargetState claimed = claimedAt(DECIDED).claim();
    // The claimant died or its write was refused: a tick a lease later makes the write itself.
    Convergence.Round r =
        Convergence.round(
            claimed, live(2, 1), DECIDED.plus(Convergence.CLAIM_LEASE), fixtures.target);
    assertThat(r).isInstanceOf(Convergence.Write.class);
    assertThat(((Convergence.Write) r).step()).isEqualTo(new Convergence.SetCopies(4));
  }
}
