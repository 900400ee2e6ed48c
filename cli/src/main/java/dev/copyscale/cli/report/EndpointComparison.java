package dev.copyscale.cli.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.copyscale.cost.Share;
import dev.copyscale.twin.sim.SharedSimulation.MinuteCost;
import dev.copyscale.twin.sim.SharedSimulation.SharedResult;
import dev.copyscale.twin.sim.Summary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A spec with several components on its one endpoint, beside the same components each alone on an
 * endpoint of its own: per component its cost (its share of each instance's accelerators, by {@code
 * CostSplit}), accelerator-hours and the attainment of its own objective; the idle remainder; the
 * endpoints' totals; and what sharing saves.
 *
 * @param shared the shared endpoint's run
 * @param separate each component alone, in the spec's order
 */
public record EndpointComparison(SharedResult shared, List<SharedResult> separate) {
  public EndpointComparison {
    separate = List.copyOf(separate);
    if (separate.size() != shared.components().size()) {
      throw new IllegalArgumentException(
          separate.size()
              + " separate endpoints for "
              + shared.components().size()
              + " components");
    }
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
