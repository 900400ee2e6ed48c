package dev.copyscale.cli.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.cost.Share;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.twin.sim.SharedSimulation.MinuteCost;
import dev.copyscale.twin.sim.SharedSimulation.SharedResult;
import dev.copyscale.twin.sim.Summary;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A spec with several components on its one endpoint, beside the same components each alone on an
 * endpoint of its own: per component its cost (its share of each instance's accelerators, by {@code
 * CostSplit}), accelerator-hours and the attainment of its own objective; the idle remainder; the
 * endpoints' totals; and what sharing saves.
 *
 * <p>With {@code endpoint.budget}, also the highest cost an hour the endpoint ran at in any minute
 * against the budget (held in every minute, or the minutes it was exceeded), and per component
 * whether its objective was met and how many of its decisions the budget held back.
 *
 * @param shared the shared endpoint's run
 * @param separate each component alone, in the spec's order
 * @param spec the shared spec (its budget, the components' priorities)
 * @param decisions each component's decisions on the shared endpoint, in the spec's order
 */
public record EndpointComparison(
    SharedResult shared,
    List<SharedResult> separate,
    DeploymentSpec spec,
    List<Decisions> decisions) {
  public EndpointComparison {
    separate = List.copyOf(separate);
    decisions = List.copyOf(decisions);
    if (separate.size() != shared.components().size()
        || decisions.size() != shared.components().size()) {
      throw new IllegalArgumentException(
          separate.size()
              + " separate endpoints and "
              + decisions.size()
              + " decision lists for "
              + shared.components().size()
              + " components");
    }
  }

  /** The ledger's name for the endpoint's budget among what held a decision back. */
  public static final String BUDGET = "endpoint.budget";

  /**
   * The endpoint's cost against its budget over the run.
   *
   * @param usdPerHour the budget
   * @param minutes the minutes the run had
   * @param highestUsdPerHour the highest cost an hour in any one minute: its cost times 60, exact
   *     to a millionth of a dollar
   * @param highestAt the first minute it was reached in (null for a run without minutes)
   * @param exceeded the minutes whose cost an hour was above the budget, in order
   */
  public record BudgetUse(
      double usdPerHour,
      int minutes,
      BigDecimal highestUsdPerHour,
      Instant highestAt,
      List<Instant> exceeded) {
    public BudgetUse {
      exceeded = List.copyOf(exceeded);
    }

    /** Whether the budget held in every minute. */
    public boolean held() {
      return exceeded.isEmpty();
    }
  }

  /** The endpoint's cost against {@code endpoint.budget}; empty for a spec without one. */
  public Optional<BudgetUse> budget() {
    if (spec.endpoint().budget().isEmpty() || !shared.priced()) {
      return Optional.empty();
    }
    BigDecimal budget = BigDecimal.valueOf(spec.endpoint().budget().get());
    BigDecimal highest = BigDecimal.ZERO;
    Instant at = null;
    List<Instant> exceeded = new ArrayList<>();
    for (MinuteCost m : shared.minutes()) {
      // A minute's cost is exact to a picodollar per instance and period; a millionth of a dollar
      // an hour leaves that rounding out without hiding a part of an instance.
      BigDecimal rate =
          m.split()
              .endpoint()
              .usd()
              .multiply(BigDecimal.valueOf(60))
              .setScale(6, RoundingMode.HALF_EVEN);
      if (at == null || rate.compareTo(highest) > 0) {
        highest = rate;
        at = m.minute();
      }
      if (rate.compareTo(budget) > 0) {
        exceeded.add(m.minute());
      }
    }
    return Optional.of(
        new BudgetUse(
            spec.endpoint().budget().get(), shared.minutes().size(), highest, at, exceeded));
  }

  /** How many of component {@code i}'s decisions the budget held back. */
  public long heldBackByBudget(int i) {
    return decisions.get(i).entries().stream().filter(d -> d.heldBackBy().contains(BUDGET)).count();
  }

  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  /**
   * The budget's lines: held in every minute or not, and per component whether its objective was
   * met and how often the budget held it back.
   */
  private List<String> budgetLines(BudgetUse b) {
    List<String> out = new ArrayList<>();
    String highest =
        "the highest minute cost "
            + Units.usd(b.highestUsdPerHour().doubleValue())
            + "/h"
            + (b.highestAt() == null ? "" : " (" + MINUTE.format(b.highestAt()) + " UTC)");
    if (b.held()) {
      out.add(
          "  budget "
              + Units.usd(b.usdPerHour())
              + "/h held in every minute ("
              + Units.plural(b.minutes(), "minute", "minutes")
              + "): "
              + highest);
    } else {
      List<String> when =
          b.exceeded().stream().limit(5).map(m -> MINUTE.format(m) + " UTC").toList();
      out.add(
          "  budget "
              + Units.usd(b.usdPerHour())
              + "/h exceeded in "
              + b.exceeded().size()
              + " of "
              + Units.plural(b.minutes(), "minute", "minutes")
              + " ("
              + String.join(", ", when)
              + (b.exceeded().size() > when.size()
                  ? " and " + (b.exceeded().size() - when.size()) + " more"
                  : "")
              + "): "
              + highest);
    }
    List<String> names = components();
    for (int i = 0; i < names.size(); i++) {
      Summary on = shared.components().get(i).summary();
      long held = heldBackByBudget(i);
      out.add(
          "  "
              + names.get(i)
              + " (priority "
              + priority(names.get(i))
              + "): objective "
              + (on.objective().met() ? "met" : "not met")
              + ", "
              + Units.percent(on.objective().attained())
              + " attained for "
              + Units.percent(on.objective().attainment())
              + "; "
              + (held == 0
                  ? "never held back by the budget"
                  : "held back by the budget in " + Units.plural(held, "decision", "decisions")));
    }
    return out;
  }

  private int priority(String component) {
    return spec.components().stream()
        .filter(m -> m.name().equals(component))
        .findFirst()
        .map(m -> m.component().priority())
        .orElse(0);
  }

  /** The components' names, in the spec's order. */
  public List<String> components() {
    return shared.names();
  }

  /** The separate endpoints' cost together. */
  public double separateUsd() {
    return separate.stream().mapToDouble(s -> s.total().endpoint().usd().doubleValue()).sum();
  }

  public double sharedUsd() {
    return shared.total().endpoint().usd().doubleValue();
  }

  private static Share share(SharedResult r, String component) {
    Share s = r.total().components().get(component);
    return s == null ? new Share(java.math.BigDecimal.ZERO, java.math.BigDecimal.ZERO) : s;
  }

  private static Summary alone(SharedResult r) {
    return r.components().get(0).summary();
  }

  /** The block simulate prints under its table. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add(
        "endpoint "
            + shared.endpoint()
            + " ("
            + shared.instanceType()
            + "): cost per component is its share of each instance's GPUs, idle GPUs apart;"
            + " beside it each component alone on an endpoint of its own");
    String format = "  %-16s %12s %14s %18s   %12s %14s %18s";
    out.add(
        String.format(
            Locale.ROOT,
            format,
            "",
            "shared: cost",
            "GPU-hours",
            "objective attained",
            "alone: cost",
            "GPU-hours",
            "objective attained"));
    List<String> names = components();
    for (int i = 0; i < names.size(); i++) {
      String c = names.get(i);
      Summary on = shared.components().get(i).summary();
      SharedResult s = separate.get(i);
      out.add(
          String.format(
              Locale.ROOT,
              format,
              c,
              Units.usd(share(shared, c).usd().doubleValue()),
              Units.hours(share(shared, c).acceleratorHours().doubleValue()),
              attained(on),
              Units.usd(share(s, c).usd().doubleValue()),
              Units.hours(share(s, c).acceleratorHours().doubleValue()),
              attained(alone(s))));
    }
    double separateIdleUsd =
        separate.stream().mapToDouble(s -> s.total().idle().usd().doubleValue()).sum();
    double separateIdleHours =
        separate.stream().mapToDouble(s -> s.total().idle().acceleratorHours().doubleValue()).sum();
    out.add(
        String.format(
            Locale.ROOT,
            format,
            "idle GPUs",
            Units.usd(shared.total().idle().usd().doubleValue()),
            Units.hours(shared.total().idle().acceleratorHours().doubleValue()),
            "",
            Units.usd(separateIdleUsd),
            Units.hours(separateIdleHours),
            ""));
    double separateInstanceHours = separate.stream().mapToDouble(SharedResult::instanceHours).sum();
    out.add(
        String.format(
            Locale.ROOT,
            format,
            "endpoint total",
            Units.usd(sharedUsd()),
            Units.hours(shared.total().endpoint().acceleratorHours().doubleValue()),
            Units.hours(shared.instanceHours()) + " instance-h",
            Units.usd(separateUsd()),
            Units.hours(
                separate.stream()
                    .mapToDouble(s -> s.total().endpoint().acceleratorHours().doubleValue())
                    .sum()),
            Units.hours(separateInstanceHours) + " instance-h"));
    out.add("  " + verdict());
    budget().ifPresent(b -> out.addAll(budgetLines(b)));
    return out;
  }

  private static String attained(Summary s) {
    return Units.percent(s.objective().attained()) + (s.objective().met() ? " (met)" : "");
  }

  /** What sharing saves, and each component's attainment shared against alone, in points. */
  public String verdict() {
    if (!shared.priced()) {
      return "cost unknown: "
          + shared.instanceType()
          + " has no price in copyscale's catalog, so no cost is split";
    }
    StringBuilder v = new StringBuilder();
    double ratio = sharedUsd() / separateUsd();
    v.append(
        String.format(
            Locale.ROOT,
            "shared costs %.1f%% of separate endpoints (%s %s)",
            100 * ratio,
            Units.usd(Math.abs(separateUsd() - sharedUsd())),
            sharedUsd() <= separateUsd() ? "less" : "more"));
    v.append("; objective attained, shared minus alone:");
    List<String> names = components();
    for (int i = 0; i < names.size(); i++) {
      v.append(i == 0 ? " " : ", ")
          .append(names.get(i))
          .append(String.format(Locale.ROOT, " %+.2f points", points(i)));
    }
    return v.toString();
  }

  /** Component {@code i}'s attainment of its objective, shared minus alone, in percent points. */
  public double points(int i) {
    return 100
        * (shared.components().get(i).summary().objective().attained()
            - alone(separate.get(i)).objective().attained());
  }

  /** The comparison for {@code --json} and summary.json. */
  public ObjectNode json(ObjectMapper mapper) {
    ObjectNode root = mapper.createObjectNode();
    root.put("spec", shared.spec());
    root.put("endpoint", shared.endpoint());
    root.put("instanceType", shared.instanceType());
    root.set("shared", endpoint(mapper, shared));
    ArrayNode alone = root.putArray("separate");
    List<String> names = components();
    for (int i = 0; i < names.size(); i++) {
      ObjectNode s = endpoint(mapper, separate.get(i));
      s.put("component", names.get(i));
      alone.add(s);
    }
    root.put("sharedUsd", sharedUsd());
    root.put("separateUsd", separateUsd());
    root.put("costRatio", sharedUsd() / separateUsd());
    ObjectNode points = root.putObject("attainmentPointsSharedMinusAlone");
    for (int i = 0; i < names.size(); i++) {
      points.put(names.get(i), points(i));
    }
    budget()
        .ifPresent(
            b -> {
              ObjectNode n = root.putObject("budget");
              n.put("usdPerHour", b.usdPerHour());
              n.put("held", b.held());
              n.put("minutes", b.minutes());
              n.put("highestUsdPerHour", b.highestUsdPerHour().doubleValue());
              n.put("highestAt", b.highestAt() == null ? null : b.highestAt().toString());
              ArrayNode over = n.putArray("exceededMinutes");
              b.exceeded().forEach(m -> over.add(m.toString()));
              ObjectNode held = n.putObject("heldBackDecisions");
              for (int i = 0; i < names.size(); i++) {
                held.put(names.get(i), heldBackByBudget(i));
              }
            });
    return root;
  }

  private static ObjectNode endpoint(ObjectMapper mapper, SharedResult r) {
    ObjectNode e = mapper.createObjectNode();
    e.put("spec", r.spec());
    e.put("endpoint", r.endpoint());
    e.put("usd", r.total().endpoint().usd().doubleValue());
    e.put("acceleratorHours", r.total().endpoint().acceleratorHours().doubleValue());
    e.put("instanceHours", r.instanceHours());
    e.set("idle", share(mapper, r.total().idle()));
    ObjectNode components = e.putObject("components");
    for (int i = 0; i < r.names().size(); i++) {
      String name = r.names().get(i);
      Summary s = r.components().get(i).summary();
      ObjectNode n = share(mapper, share(r, name));
      n.put("column", s.spec());
      n.put("objectiveAttained", s.objective().attained());
      n.put("objectiveMet", s.objective().met());
      n.set("misses", mapper.valueToTree(s.objective().misses()));
      components.set(name, n);
    }
    // Adapters: a part of their base's share, by their invocations.
    r.total()
        .components()
        .forEach(
            (name, sh) -> {
              if (!components.has(name)) {
                components.set(name, share(mapper, sh));
              }
            });
    return e;
  }

  private static ObjectNode share(ObjectMapper mapper, Share s) {
    ObjectNode n = mapper.createObjectNode();
    n.put("usd", s.usd().doubleValue());
    n.put("acceleratorHours", s.acceleratorHours().doubleValue());
    return n;
  }

  /** {@code cost.csv}'s rows for the shared endpoint: each minute, each party, exact. */
  public List<String> csvRows() {
    List<String> rows = new ArrayList<>();
    for (MinuteCost m : shared.minutes()) {
      String at = m.minute().toString();
      m.split().components().forEach((name, s) -> rows.add(csvRow(at, name, s)));
      rows.add(csvRow(at, "(idle)", m.split().idle()));
      rows.add(csvRow(at, "(endpoint)", m.split().endpoint()));
    }
    return rows;
  }

  private String csvRow(String minute, String party, Share s) {
    return String.join(
        ",",
        shared.spec(),
        minute,
        party,
        s.usd().toPlainString(),
        s.acceleratorHours().toPlainString());
  }
}
