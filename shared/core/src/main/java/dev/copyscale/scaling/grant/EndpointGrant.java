package dev.copyscale.scaling.grant;

import dev.copyscale.catalog.InstanceType;
import dev.copyscale.scaling.arbiter.Arbiter;
import dev.copyscale.scaling.arbiter.ArbiterDecision;
import dev.copyscale.scaling.arbiter.CapacityConflictException;
import dev.copyscale.scaling.arbiter.ComponentWish;
import dev.copyscale.scaling.arbiter.CopyResources;
import dev.copyscale.scaling.arbiter.EndpointLimits;
import dev.copyscale.scaling.arbiter.FirstFit;
import dev.copyscale.scaling.arbiter.Grant;
import dev.copyscale.scaling.arbiter.HeldBack;
import dev.copyscale.scaling.arbiter.Limit;
import dev.copyscale.scaling.arbiter.PlannedInstance;
import dev.copyscale.scaling.arbiter.RunningInstance;
import dev.copyscale.scaling.state.CapacityIntent;
import dev.copyscale.scaling.state.Decision;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.TargetState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One component's engine decision on an endpoint shared by several, granted by the {@link Arbiter}
 * against its siblings: a pure function of the wish and what the state table and SageMaker say of
 * every component, read in the same attempt.
 *
 * <p>The deciding component wishes what its engine decided; every sibling wishes what it has asked
 * for already (its intent's copies, or SageMaker's desired count when it has none), so the arbiter
 * never grants a sibling more than it asked. The decision's copies become the grant: fewer than the
 * wish when the endpoint's cap ({@code maxInstances}, {@code budget}) or a higher priority holds it
 * back, and the entry then says who and why; the wish unchanged otherwise. A sibling whose grant is
 * below what it asked for (the arbiter gave its copies to a component of higher or equal priority,
 * rules 4 and 5) gets a decision of its own, committed in the same transaction and applied first
 * (rule 7: scale-ins first).
 */
public final class EndpointGrant {
  private EndpointGrant() {}

  /**
   * One component of the endpoint as the grant sees it.
   *
   * @param name the component's name in the spec
   * @param target its target's name in the state table
   * @param priority its declared priority
   * @param perCopy what a copy reserves
   * @param minCopies its minCopies
   * @param maxCopies its maxCopies (already within guardrails.maxCopies)
   * @param desiredCopies SageMaker's desired copy count now
   * @param servingCopies SageMaker's current copy count: copies placed on instances
   * @param state its target state as read in this attempt
   * @param nativeScaling whether Application Auto Scaling runs its policies ({@code engine:
   *     native}): copyscale does not own its copy count, so the grant holds it at SageMaker's
   *     desired count, never lowering it (Application Auto Scaling would raise it again) nor
   *     raising it
   */
  public record Component(
      String name,
      String target,
      int priority,
      CopyResources perCopy,
      int minCopies,
      int maxCopies,
      int desiredCopies,
      int servingCopies,
      TargetState state,
      boolean nativeScaling) {

    /** What it has asked for: its intent's copies, or SageMaker's desired count. */
    public int asked() {
      return state.intent().map(CapacityIntent::capacity).orElse(desiredCopies);
    }
  }

  /**
   * @param component the deciding component's name (one of {@code components})
   * @param wish its engine's decision
   * @param limits the endpoint's cap
   * @param instances the instances the endpoint runs now, as SageMaker reports them
   * @param components every component of the endpoint, the deciding one included
   * @param now when the decision is made
   */
  public record Inputs(
      String component,
      Decision wish,
      EndpointLimits limits,
      int instances,
      List<Component> components,
      Instant now) {}

  /**
   * @param decision the deciding component's decision, as granted
   * @param siblings decisions lowering siblings' copies, one per sibling the arbiter took copies
   *     from (their entries name the sibling's target): commit with {@code decision}, apply first
   * @param arbiter the arbiter's decision, when the wish was arbitrated
   */
  public record Result(
      Decision decision, List<Decision> siblings, Optional<ArbiterDecision> arbiter) {
    public Result {
      siblings = List.copyOf(siblings);
    }
  }

  /**
   * Grants {@code in.wish()}. Only a decision that scales is arbitrated; any other (no change, dry
   * run, ignored) is returned as it is.
   *
   * @throws CapacityConflictException when the components' minimums cannot be held at all
   * @throws IllegalArgumentException when the deciding component is not among the components
   */
  public static Result grant(Inputs in) {
    Decision wish = in.wish();
    Component self =
        in.components().stream()
            .filter(c -> c.name().equals(in.component()))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "component " + in.component() + " is not on the endpoint"));
    if (wish.outcome() != Outcome.SCALED) {
      return new Result(wish, List.of(), Optional.empty());
    }
    LedgerEntry entry = wish.entry();
    List<ComponentWish> wishes = new ArrayList<>();
    for (Component c : in.components()) {
      boolean deciding = c == self;
      if (!deciding && c.nativeScaling()) {
        int held = c.desiredCopies();
        wishes.add(
            new ComponentWish(
                c.name(),
                c.priority(),
                c.perCopy(),
                held,
                held,
                held,
                held,
                "held at its copies: Application Auto Scaling runs its policies"));
        continue;
      }
      wishes.add(
          new ComponentWish(
              c.name(),
              c.priority(),
              c.perCopy(),
              c.minCopies(),
              c.maxCopies(),
              c.desiredCopies(),
              deciding ? entry.to() : c.asked(),
              // The entry already gives the engine's reason, before the arbiter's line.
              deciding ? "" : "asked for before"));
    }
    ArbiterDecision arbiter =
        Arbiter.decide(in.limits(), running(in.limits().instanceType(), in), wishes);

    Grant mine = arbiter.grant(self.name());
    Decision decision = granted(wish, self.state(), mine, arbiter, in.now());
    List<Decision> siblings = new ArrayList<>();
    for (Component c : in.components()) {
      if (c == self) {
        continue;
      }
      Grant g = arbiter.grant(c.name());
      if (g.copies() < c.asked()) {
        siblings.add(lowered(c, g, arbiter, entry, self.name(), in.now()));
      }
    }
    return new Result(decision, siblings, Optional.of(arbiter));
  }

  /**
   * A sibling as the scale-ins-first rule sees it.
   *
   * @param component its name
   * @param granted the copies its intent asks for, if it has one
   * @param desired SageMaker's desired copy count
   * @param serving SageMaker's current copy count
   */
  public record Holding(String component, Optional<Integer> granted, int desired, int serving) {}

  /**
   * Rule 7 of the arbiter, scale-ins first: a raise of a component's copies ({@code intended} above
   * {@code copiesNow}) is not written while a sibling still holds more copies than it was granted
   * (desired or serving: SageMaker places a desired copy before it serves), or managed instance
   * scaling would buy an instance for copies planned in the room the sibling's copies leave.
   *
   * @return why it waits, naming the sibling; empty when it may be written
   */
  public static Optional<String> waitsForScaleIn(
      Optional<Integer> intended, int copiesNow, List<Holding> siblings) {
    if (intended.filter(c -> c > copiesNow).isEmpty()) {
      return Optional.empty();
    }
    for (Holding s : siblings) {
      int holds = Math.max(s.desired(), s.serving());
      if (s.granted().isPresent() && holds > s.granted().get()) {
        return Optional.of(
            "waits for "
                + s.component()
                + " to give up copies first ("
                + holds
                + " on the endpoint, granted "
                + s.granted().get()
                + ")");
      }
    }
    return Optional.empty();
  }

  /**
   * The instances SageMaker runs and the copies on them. SageMaker reports counts only (the
   * variant's instances, each component's current copies), not which instance holds which copy, so
   * the placement is rebuilt by the rule SageMaker's placement is modelled by ({@link FirstFit}):
   * the serving copies, higher priority first, first fit on the instances reported, oldest first.
   */
  static List<RunningInstance> running(InstanceType type, Inputs in) {
    Map<String, CopyResources> sizes = new LinkedHashMap<>();
    LinkedHashMap<String, Integer> placed = new LinkedHashMap<>();
    in.components().stream()
        .sorted(
            java.util.Comparator.comparingInt(Component::priority)
                .reversed()
                .thenComparing(Component::name))
        .forEach(
            c -> {
              sizes.put(c.name(), c.perCopy());
              placed.put(c.name(), Math.min(c.servingCopies(), c.desiredCopies()));
            });
    List<PlannedInstance> layout = FirstFit.plan(type, List.of(), sizes, placed, in.instances());
    List<RunningInstance> running = new ArrayList<>();
    for (int i = 0; i < layout.size(); i++) {
      running.add(new RunningInstance("instance-" + (i + 1), layout.get(i).copies()));
    }
    return running;
  }

  /** The deciding component's decision with the arbiter's grant. */
  private static Decision granted(
      Decision wish, TargetState before, Grant grant, ArbiterDecision arbiter, Instant now) {
    LedgerEntry entry = wish.entry();
    List<String> heldBy = grant.heldBack().map(EndpointGrant::limits).orElse(List.of());
    String reason =
        entry.reason() + "; arbiter: " + grant.explanation() + "; " + arbiter.instancesLine();
    if (grant.copies() == entry.to()) {
      LedgerEntry whole = entry.withGrant(entry.to(), Outcome.SCALED, reason, heldBy);
      return new Decision(whole, withEntry(wish.next(), whole), wish.instances(), wish.bounds());
    }
    if (grant.copies() == entry.from()) {
      LedgerEntry held = entry.withGrant(entry.from(), Outcome.NO_CHANGE, reason, heldBy);
      TargetState next = wish.next().withCooldowns(before.cooldowns()).withIntent(before.intent());
      return new Decision(held, next, Optional.empty(), wish.bounds());
    }
    LedgerEntry scaled = entry.withGrant(grant.copies(), Outcome.SCALED, reason, heldBy);
    TargetState next =
        withEntry(
                wish.next()
                    .withCooldowns(
                        before.cooldowns().afterChange(now, entry.from(), grant.copies())),
                scaled)
            .withIntent(
                wish.next()
                    .intent()
                    .map(
                        i ->
                            new CapacityIntent(
                                grant.copies(),
                                i.instances(),
                                scaled,
                                i.cooldownsBefore(),
                                i.copiesPerInstance())));
    return new Decision(scaled, next, Optional.empty(), wish.bounds());
  }

  /** The state with its intent's entry replaced by {@code entry} (same key). */
  private static TargetState withEntry(TargetState state, LedgerEntry entry) {
    return state.withIntent(
        state
            .intent()
            .map(
                i ->
                    new CapacityIntent(
                        i.capacity(),
                        i.instances(),
                        entry,
                        i.cooldownsBefore(),
                        i.copiesPerInstance())));
  }

  /** A sibling's copies lowered to its grant, in its own ledger, for the deciding event. */
  private static Decision lowered(
      Component c,
      Grant g,
      ArbiterDecision arbiter,
      LedgerEntry cause,
      String deciding,
      Instant now) {
    LedgerEntry entry =
        LedgerEntry.builder(
                c.target(), now, cause.eventId() + "#arbiter", cause.source(), cause.trigger())
            .state(cause.state())
            .capacity(c.asked(), g.copies())
            .limitedBy(g.heldBack().map(EndpointGrant::limits).orElse(List.of()))
            .outcome(
                Outcome.SCALED,
                "arbiter, deciding for "
                    + deciding
                    + ": "
                    + g.explanation()
                    + "; "
                    + arbiter.instancesLine())
            .build();
    TargetState state = c.state();
    TargetState next =
        state
            .withIntent(
                Optional.of(
                    new CapacityIntent(
                        g.copies(), Optional.empty(), entry, Optional.of(state.cooldowns()), 0)))
            .next();
    return new Decision(entry, next, Optional.empty());
  }

  /** What held a component back, as the ledger's limits name them. */
  private static List<String> limits(HeldBack held) {
    List<String> limits = new ArrayList<>();
    for (Limit l : Limit.values()) {
      if (held.limits().contains(l)) {
        limits.add(
            switch (l) {
              case BUDGET -> "endpoint.budget";
              case MAX_INSTANCES -> "maxInstances";
              case HIGHER_PRIORITY ->
                  "higher priority: " + String.join(", ", held.higherPriority());
            });
      }
    }
    return limits;
  }
}
