package dev.copyscale.scaling.grant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.scaling.arbiter.CopyResources;
import dev.copyscale.scaling.arbiter.EndpointLimits;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.scaling.state.Cooldowns;
import dev.copyscale.scaling.state.Decision;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.scaling.state.TargetState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * One component's engine decision granted against its siblings, on one ml.g5.12xlarge (4 A10G):
 * chat (priority 10) and code (priority 0), one GPU a copy, minCopies 1.
 */
class EndpointGrantTest {
  static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
  static final CopyResources ONE_GPU = new CopyResources(1, 10, 40_000);

  static EndpointLimits oneInstance() {
    return new EndpointLimits(
        Catalog.bundled().instanceType("ml.g5.12xlarge").orElseThrow(),
        0,
        1,
        OptionalDouble.empty());
  }

  static EndpointGrant.Component component(
      String name, int priority, int copies, TargetState state) {
    return new EndpointGrant.Component(
        name, "shared." + name, priority, ONE_GPU, 1, 8, copies, copies, state, false);
  }

  /** What an engine decides for {@code name}: from -> to, SCALED, with its intent. */
  static Decision wish(String name, int from, int to) {
    TargetState before = TargetState.initial("shared." + name);
    LedgerEntry entry =
        LedgerEntry.builder("shared." + name, NOW, "alarm#" + name, Source.ALARM, "alarm-" + name)
            .state("ALARM")
            .capacity(from, to)
            .outcome(Outcome.SCALED, "step 1: +" + (to - from))
            .build();
    TargetState next =
        before
            .withCooldowns(before.cooldowns().afterChange(NOW, from, to))
            .withIntent(
                Optional.of(
                    new CapacityIntent(
                        to, Optional.empty(), entry, Optional.of(Cooldowns.NONE), 0)))
            .next();
    return new Decision(entry, next, Optional.empty());
  }

  static EndpointGrant.Result grant(String deciding, Decision wish, EndpointGrant.Component... cs) {
    return EndpointGrant.grant(
        new EndpointGrant.Inputs(deciding, wish, oneInstance(), 1, List.of(cs), NOW));
  }

  @Test
  void aWishTheCapHoldsIsCutToWhatFitsAndTheEntrySaysWhy() {
    EndpointGrant.Result r =
        grant(
            "code",
            wish("code", 1, 4),
            component("chat", 10, 2, TargetState.initial("shared.chat")),
            component("code", 0, 1, TargetState.initial("shared.code")));

    LedgerEntry entry = r.decision().entry();
    assertThat(entry.outcome()).isEqualTo(Outcome.SCALED);
    assertThat(entry.from()).isEqualTo(1);
    assertThat(entry.to()).isEqualTo(2);
    assertThat(entry.limitedBy()).contains("maxInstances");
    assertThat(entry.reason())
        .startsWith("step 1: +3; arbiter: code: 1 -> 2 copies (wished 4")
        .contains("held back by");
    assertThat(r.decision().next().intent().orElseThrow().capacity()).isEqualTo(2);
    assertThat(r.decision().startsChange()).isTrue();
    assertThat(r.siblings()).isEmpty();
  }

  @Test
  void aHigherPriorityTakesCopiesALowerOneAskedForAndBothAreDecided() {
    EndpointGrant.Result r =
        grant(
            "chat",
            wish("chat", 2, 4),
            component("chat", 10, 2, TargetState.initial("shared.chat")),
            component("code", 0, 2, TargetState.initial("shared.code")));

    assertThat(r.decision().entry().to()).isEqualTo(3);
    assertThat(r.siblings()).singleElement();
    Decision code = r.siblings().get(0);
    assertThat(code.entry().deployment()).isEqualTo("shared.code");
    assertThat(code.entry().from()).isEqualTo(2);
    assertThat(code.entry().to()).isEqualTo(1);
    assertThat(code.entry().limitedBy())
        .containsExactlyInAnyOrder("maxInstances", "higher priority: chat");
    assertThat(code.entry().reason()).contains("deciding for chat", "higher-priority chat");
    assertThat(code.next().intent().orElseThrow().capacity()).isEqualTo(1);
    assertThat(code.next().version()).isEqualTo(1);
    assertThat(code.startsChange()).isTrue();
  }

  @Test
  void aSiblingApplicationAutoScalingRunsIsNeverLoweredForAHigherPriority() {
    // As in aHigherPriorityTakesCopies..., but code's copies are Application Auto Scaling's to
    // set: taking one would be undone by its next policy action, so chat is held back instead.
    EndpointGrant.Component code =
        new EndpointGrant.Component(
            "code",
            "shared.code",
            0,
            ONE_GPU,
            1,
            8,
            2,
            2,
            TargetState.initial("shared.code"),
            true);
    EndpointGrant.Result r =
        grant(
            "chat",
            wish("chat", 2, 4),
            component("chat", 10, 2, TargetState.initial("shared.chat")),
            code);

    assertThat(r.siblings()).isEmpty();
    assertThat(r.decision().entry().outcome()).isEqualTo(Outcome.NO_CHANGE);
    assertThat(r.decision().entry().to()).isEqualTo(2);
    assertThat(r.decision().entry().limitedBy()).contains("maxInstances");
  }

  @Test
  void aSiblingsIntentCountsAsItsCopiesBeforeSageMakerHasThem() {
    TargetState chatAsked = wish("chat", 2, 3).next();
    EndpointGrant.Result r =
        grant(
            "code",
            wish("code", 1, 2),
            component("chat", 10, 2, chatAsked),
            component("code", 0, 1, TargetState.initial("shared.code")));

    // chat asked for 3 of the 4 GPUs: code keeps its 1, held back by the higher priority.
    LedgerEntry entry = r.decision().entry();
    assertThat(entry.outcome()).isEqualTo(Outcome.NO_CHANGE);
    assertThat(entry.to()).isEqualTo(1);
    assertThat(entry.reason()).contains("held back by higher-priority chat (priority 10)");
    assertThat(r.decision().next().intent()).isEmpty();
    assertThat(r.decision().next().cooldowns()).isEqualTo(Cooldowns.NONE);
    assertThat(r.decision().next().version()).isEqualTo(1);
    assertThat(r.decision().startsChange()).isFalse();
    assertThat(r.siblings()).isEmpty();
  }

  @Test
  void aWishWithinTheCapIsGrantedWhole() {
    EndpointGrant.Result r =
        grant(
            "code",
            wish("code", 1, 2),
            component("chat", 10, 2, TargetState.initial("shared.chat")),
            component("code", 0, 1, TargetState.initial("shared.code")));

    assertThat(r.decision().entry().to()).isEqualTo(2);
    assertThat(r.decision().entry().outcome()).isEqualTo(Outcome.SCALED);
    assertThat(r.decision().entry().limitedBy()).isEmpty();
    assertThat(r.decision().entry().reason())
        .isEqualTo(
            "step 1: +1; arbiter: code: 1 -> 2 copies (wished 2); instances: 1 ($7.09/h) hold"
                + " every copy");
    assertThat(r.decision().next().intent().orElseThrow().decision())
        .isEqualTo(r.decision().entry());
  }

  @Test
  void aDecisionThatDoesNotScaleIsNotArbitrated() {
    Decision none =
        new Decision(
            LedgerEntry.builder("shared.code", NOW, "e", Source.ALARM, "a")
                .capacity(1, 1)
                .outcome(Outcome.NO_CHANGE, "alarm is OK")
                .build(),
            TargetState.initial("shared.code").next(),
            Optional.empty());
    EndpointGrant.Result r =
        grant(
            "code",
            none,
            component("chat", 10, 4, TargetState.initial("shared.chat")),
            component("code", 0, 1, TargetState.initial("shared.code")));
    assertThat(r.decision()).isSameAs(none);
    assertThat(r.arbiter()).isEmpty();
  }

  @Test
  void aRaiseWaitsWhileASiblingHoldsCopiesItWasGrantedAwayAndAScaleInNever() {
    EndpointGrant.Holding codeGoing = new EndpointGrant.Holding("code", Optional.of(1), 2, 2);
    assertThat(EndpointGrant.waitsForScaleIn(Optional.of(3), 2, List.of(codeGoing)))
        .contains("waits for code to give up copies first (2 on the endpoint, granted 1)");
    // A desired copy not serving yet still holds its room.
    assertThat(
            EndpointGrant.waitsForScaleIn(
                Optional.of(3),
                2,
                List.of(new EndpointGrant.Holding("code", Optional.of(1), 2, 1))))
        .isPresent();
    // Gone: the raise goes on.
    assertThat(
            EndpointGrant.waitsForScaleIn(
                Optional.of(3),
                2,
                List.of(new EndpointGrant.Holding("code", Optional.of(1), 1, 1))))
        .isEmpty();
    // A scale-in, no intent, or a sibling without one never waits.
    assertThat(EndpointGrant.waitsForScaleIn(Optional.of(1), 2, List.of(codeGoing))).isEmpty();
    assertThat(EndpointGrant.waitsForScaleIn(Optional.empty(), 2, List.of(codeGoing))).isEmpty();
    assertThat(
            EndpointGrant.waitsForScaleIn(
                Optional.of(3),
                2,
                List.of(new EndpointGrant.Holding("code", Optional.empty(), 2, 2))))
        .isEmpty();
  }
}
