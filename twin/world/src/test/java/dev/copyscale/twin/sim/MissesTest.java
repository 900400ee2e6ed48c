package dev.copyscale.twin.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.testing.RepoFiles;
import dev.copyscale.twin.sim.SimulationTest.Deployed;
import dev.copyscale.twin.traffic.Synthetic;
import dev.copyscale.twin.traffic.Trace;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every request that missed the objective is counted under exactly one cause, and the causes add up
 * to the total missed: checked against what can be counted without the tally (the trace's requests
 * the token limits refuse, the failures by the error the client saw, the requests served), on
 * several traces and specs, with a case for each cause. The time to capacity runs until latency
 * meets the objective again.
 */
class MissesTest {
  /** The example specs' TGI limits. */
  static final int MAX_INPUT = 7168;

  static final int MAX_TOTAL = 8192;

  static long refused(Trace t) {
    long n = 0;
    for (int i = 0; i < t.size(); i++) {
      int p = t.promptTokens(i);
      if (p > MAX_INPUT || p + t.outputTokens(i) > MAX_TOTAL) {
        n++;
      }
    }
    return n;
  }

  static Summary run(String example, Consumer<ObjectNode> edit, Trace trace) throws IOException {
    Deployed d = SimulationTest.deploy(example, edit);
    Summary s = d.simulation().run(trace, n -> {}).summary();
    checkAccounting(s, trace);
    return s;
  }

  /** The causes against what is counted without the tally; they add up to every miss. */
  static void checkAccounting(Summary s, Trace trace) {
    ObjectiveOutcome o = s.objective();
    Misses m = o.misses();
    long within = Math.round(o.attained() * s.requests());
    long failed = s.failedRequests();
    java.util.Map<String, Long> f = s.failuresByType();
    long noCapacity = f.getOrDefault(ServingEngine.NO_CAPACITY, 0L);
    long tooLongFailures = f.getOrDefault(ServingEngine.TOO_LONG, 0L);
    long timeouts = f.getOrDefault(ServingEngine.TIMED_OUT, 0L);
    assertThat(m.total()).as("misses by cause add up").isEqualTo(s.requests() - within);
    assertThat(m.tooLong()).isEqualTo(refused(trace));
    assertThat(o.servableRequests()).isEqualTo(s.requests() - refused(trace));
    // A request too long fails as TGI refuses it, or as no copy serving when none does.
    assertThat(m.tooLong() + m.noCopy()).isEqualTo(tooLongFailures + noCapacity);
    assertThat(m.timedOut()).isEqualTo(timeouts);
    assertThat(m.modelErrors()).isEqualTo(failed - noCapacity - tooLongFailures - timeouts);
    // Every request served either met the objective or was late, for one of the two reasons.
    assertThat(m.riseFasterThanStartUp() + m.capacityShort())
        .isEqualTo(s.requests() - failed - within);
    assertThat(o.met()).isEqualTo(o.attained() >= o.attainment());
    assertThat(o.servableAttained())
        .isEqualTo(o.servableRequests() == 0 ? 1 : (double) within / o.servableRequests());
  }

  @Test
  void requestsTooLongForTheTokenLimitsMissWhateverTheCapacity() throws IOException {
    // Eight copies for 1 request/s: only the requests too long miss.
    Trace trace = SimulationTest.constant(1, Duration.ofMinutes(10), 20);
    Summary s = run("scheduled.yaml", tree -> {}, trace);
    Misses m = s.objective().misses();
    assertThat(m.tooLong()).isEqualTo(30);
    assertThat(m.total()).isEqualTo(30);
    assertThat(s.objective().servableAttained()).isEqualTo(1.0);
    assertThat(s.objective().attained()).isEqualTo(570 / 600.0);
    assertThat(s.objective().met()).isFalse();
    assertThat(s.objective().source()).isEqualTo(Simulation.RUN_OBJECTIVE);
  }

  @Test
  void withNoCopyServingRequestsMissAsNoCopyUnlessTheyAreTooLong() throws IOException {
    Trace trace = SimulationTest.constant(2, Duration.ofMinutes(2), 10);
    Summary s =
        run(
            "orchestrated-high-res.yaml",
            tree -> ((ObjectNode) tree.get("component")).put("copies", 0),
            trace);
    Misses m = s.objective().misses();
    assertThat(m.tooLong()).isEqualTo(24);
    assertThat(m.noCopy()).isEqualTo(216);
    assertThat(m.total()).isEqualTo(240);
  }

  @Test
  void aRiseFasterThanCopiesStartIsToldApartFromCapacityShortAfterIt() throws IOException {
    // One copy and no scaling for 6 requests/s from the first second: the first start-up time of
    // the rise no reactive scaling could have served; the rest of it the spec's fixed capacity
    // could not. An overloaded copy also times requests out.
    Trace trace = SimulationTest.constant(6, Duration.ofMinutes(12), 0);
    Summary s =
        run(
            "scheduled.yaml",
            tree -> {
              ((ObjectNode) tree.get("component")).put("copies", 1);
              ((ObjectNode) tree.get("scaling")).remove("schedules");
            },
            trace);
    Misses m = s.objective().misses();
    assertThat(m.riseFasterThanStartUp()).isPositive();
    assertThat(m.capacityShort()).isPositive();
    assertThat(m.timedOut()).isPositive();
    assertThat(s.capacityRises()).hasSize(1);
    assertThat(s.capacityRises().get(0).metAt()).isNull();
  }

  @Test
  void theCausesAddUpOnTracesAndSpecsOfEveryKind() throws IOException {
    Trace bursts =
        Synthetic.parse("synthetic:bursts:base=2,burst=14,every=8m,length=2m,duration=30m", 3);
    Trace step = Synthetic.parse("synthetic:step:base=1,peak=8,at=5m,length=15m,duration=30m", 7);
    Summary nativeBursts = run("native-target-tracking.yaml", tree -> {}, bursts);
    Summary orchestratedStep = run("orchestrated-high-res.yaml", tree -> {}, step);
    Summary slo = run("slo.yaml", tree -> {}, step);
    assertThat(slo.objective().source()).isEqualTo(Simulation.SPEC_OBJECTIVE);
    assertThat(nativeBursts.objective().misses().total()).isPositive();
    assertThat(orchestratedStep.objective().misses().total()).isPositive();
  }

  @Test
  void engineSlosOwnObjectiveIsCountedBesideTheRunsOwn() throws IOException {
    Trace step = Synthetic.parse("synthetic:step:base=1,peak=8,at=5m,length=15m,duration=30m", 7);
    Deployed d =
        SimulationTest.deploy(
            "slo.yaml", tree -> ((ObjectNode) tree.get("scaling").get("slo")).put("ttft", "500ms"));
    Summary s = d.simulation().run(step, n -> {}).summary();
    checkAccounting(s, step);
    assertThat(s.objective().ttftMs()).isEqualTo(500);
    assertThat(s.sloTtftMs()).isEqualTo(2000);
    // Half a second is harder to meet than the run's 2 s.
    assertThat(s.objective().attained()).isLessThan(s.sloAttainment());
  }

  @Test
  void theTimeToCapacityLastsUntilLatencyMeetsTheObjectiveAgain() throws IOException {
    // The Azure hour arrives at full rate at once on 2 copies: target tracking's copies arrive
    // minutes later, and the backlog keeps the time to first token above 2 s after they serve.
    Trace azure =
        Trace.azure(
            RepoFiles.path("examples/traces/azure-llm-conv-2023.csv"),
            dev.copyscale.twin.traffic.TraceLimits.DEFAULT);
    Deployed d = SimulationTest.deploy("native-target-tracking.yaml", tree -> {});
    SimulationResult result = d.simulation().run(azure, n -> {});
    checkAccounting(result.summary(), azure);
    List<CapacityRise> rises = result.summary().capacityRises();
    assertThat(rises).isNotEmpty();
    for (CapacityRise rise : rises) {
      // Minutes from the rise on whose TTFT p95 is above the objective, one after the other.
      long above = 0;
      for (MinutePoint p : result.timeline()) {
        if (p.minute().isBefore(rise.at())) {
          continue;
        }
        if (!(p.ttftP95Ms() > 2000)) {
          break;
        }
        above++;
      }
      assertThat(rise.seconds()).isGreaterThanOrEqualTo(60.0 * above);
      if (rise.metAt() != null) {
        assertThat(rise.enoughAt()).isNotNull();
        assertThat(rise.metAt()).isAfterOrEqualTo(rise.enoughAt());
        MinutePoint metMinute =
            result.timeline().stream()
                .filter(p -> p.minute().plusSeconds(60).equals(rise.metAt()))
                .findFirst()
                .orElseThrow();
        assertThat(metMinute.ttftP95Ms()).isLessThanOrEqualTo(2000 * 1.01);
      }
    }
  }

  @Test
  void aModelErrorOtherThanATimeoutOrARefusalIsItsOwnCause() {
    // The twin's copies raise no other error today; one that a copy would raise is counted apart.
    ObjectiveTally tally = new ObjectiveTally(2000, 0, 0.99, 255_000_000L);
    tally.finished(false, "ModelError: CUDA error: an illegal memory access", 0, 0, 0, 10);
    tally.finished(false, ServingEngine.TIMED_OUT, 0, 0, 0, 10);
    tally.finished(true, ServingEngine.NO_CAPACITY, 0, 0, 0, 10);
    tally.finished(false, ServingEngine.NO_CAPACITY, 0, 0, 0, 10);
    tally.finished(false, null, 0, 300_000, 3_000_000, 100);
    tally.finished(false, null, 70_000_000, 2_600_000, 3_000_000, 100);
    tally.finished(false, null, 400_000_000, 2_600_000, 3_000_000, 100);
    tally.riseWindow(60_000_000, 600_000_000);
    ObjectiveOutcome o = tally.outcome("test");
    assertThat(o.misses()).isEqualTo(new Misses(1, 1, 1, 1, 1, 1));
    assertThat(o.attained()).isEqualTo(1 / 7.0);
    assertThat(o.servableRequests()).isEqualTo(6);
  }
}
