package dev.copyscale.cost;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Splits what an endpoint's instances cost over an interval among the inference components on them.
 * A pure function.
 *
 * <p>SageMaker bills instances, not copies, and splits nothing per component. Here each instance's
 * cost for the interval ({@code price × hours}) goes to the components by their share of its
 * accelerators ({@code held / accelerators}); the accelerators no copy held are the idle remainder,
 * shown apart. Accelerator-hours split the same way. An adapter component holds no accelerators of
 * its own (it runs on its base's copies), so it takes a part of its base's share in proportion to
 * its invocations over the interval, against the base's own and its sibling adapters'; with no
 * invocations at all, the base keeps everything.
 *
 * <p>Amounts are exact to {@link #SCALE} decimal places (a picodollar): each instance's cost is
 * rounded once, half even, and its parts are apportioned by largest remainder, so components plus
 * idle equal the endpoint's cost exactly, in every interval, and a fully held instance leaves no
 * idle at all.
 */
public final class CostSplit {
  /** Decimal places of every amount: dollars and accelerator-hours to 1e-12. */
  public static final int SCALE = 12;

  private static final BigDecimal SECONDS_AN_HOUR = BigDecimal.valueOf(3600);
  private static final String IDLE = "";

  private CostSplit() {}

  static BigDecimal zero() {
    return BigDecimal.ZERO.setScale(SCALE);
  }

  /**
   * The split of {@code instances} over {@code interval}.
   *
   * @param adapters the adapter components and their bases
   * @param invocations invocations over the interval per component, for the adapters and their
   *     bases (absent: none)
   */
  public static Split split(
      Duration interval,
      List<InstanceUse> instances,
      List<Adapter> adapters,
      Map<String, Long> invocations) {
    if (interval.isNegative()) {
      throw new IllegalArgumentException("the interval cannot be negative: " + interval);
    }
    Set<String> ids = new HashSet<>();
    Set<String> holders = new HashSet<>();
    for (InstanceUse i : instances) {
      if (!ids.add(i.id())) {
        throw new IllegalArgumentException("instance " + i.id() + " is given twice");
      }
      holders.addAll(i.acceleratorsHeld().keySet());
    }
    Map<String, String> baseOf = bases(adapters, holders, invocations);
    BigDecimal seconds =
        BigDecimal.valueOf(interval.getSeconds()).add(BigDecimal.valueOf(interval.getNano(), 9));

    Share endpoint = Share.ZERO;
    Share idle = Share.ZERO;
    Map<String, Share> components = new TreeMap<>();
    for (InstanceUse i : instances) {
      BigDecimal usd = hours(BigDecimal.valueOf(i.priceUsdPerHour()), seconds);
      BigDecimal acceleratorHours = hours(BigDecimal.valueOf(i.accelerators()), seconds);
      endpoint = endpoint.plus(new Share(acceleratorHours, usd));
      LinkedHashMap<String, BigDecimal> weights = new LinkedHashMap<>();
      BigDecimal held = BigDecimal.ZERO;
      for (Map.Entry<String, Double> e : i.acceleratorsHeld().entrySet()) {
        BigDecimal w = BigDecimal.valueOf(e.getValue());
        weights.put(e.getKey(), w);
        held = held.add(w);
      }
      // Within the instance's accelerators (InstanceUse allows 1e-9 of floating-point slack).
      weights.put(IDLE, BigDecimal.valueOf(i.accelerators()).subtract(held).max(BigDecimal.ZERO));
      Map<String, BigDecimal> usdParts = apportion(usd, weights);
      Map<String, BigDecimal> hourParts = apportion(acceleratorHours, weights);
      for (String party : weights.keySet()) {
        Share part = new Share(hourParts.get(party), usdParts.get(party));
        if (party.equals(IDLE)) {
          idle = idle.plus(part);
        } else {
          components.merge(party, part, Share::plus);
        }
      }
    }

    Map<String, List<String>> adaptersOf = new TreeMap<>();
    baseOf.forEach((a, b) -> adaptersOf.computeIfAbsent(b, k -> new ArrayList<>()).add(a));
    for (Map.Entry<String, List<String>> e : adaptersOf.entrySet()) {
      String base = e.getKey();
      Share baseShare = components.getOrDefault(base, Share.ZERO);
      LinkedHashMap<String, BigDecimal> weights = new LinkedHashMap<>();
      weights.put(base, BigDecimal.valueOf(invocations.getOrDefault(base, 0L)));
      e.getValue().stream()
          .sorted()
          .forEach(a -> weights.put(a, BigDecimal.valueOf(invocations.getOrDefault(a, 0L))));
      if (weights.values().stream().allMatch(w -> w.signum() == 0)) {
        weights.put(base, BigDecimal.ONE);
      }
      Map<String, BigDecimal> usdParts = apportion(baseShare.usd(), weights);
      Map<String, BigDecimal> hourParts = apportion(baseShare.acceleratorHours(), weights);
      for (String party : weights.keySet()) {
        components.put(party, new Share(hourParts.get(party), usdParts.get(party)));
      }
    }
    return new Split(endpoint, components, idle);
  }

  /** Adapter to base, checked: unique names, bases that are no adapters, no accelerators held. */
  private static Map<String, String> bases(
      List<Adapter> adapters, Set<String> holders, Map<String, Long> invocations) {
    Map<String, String> baseOf = new HashMap<>();
    for (Adapter a : adapters) {
      if (baseOf.put(a.name(), a.base()) != null) {
        throw new IllegalArgumentException("adapter " + a.name() + " is given twice");
      }
      if (holders.contains(a.name())) {
        throw new IllegalArgumentException(
            "adapter "
                + a.name()
                + " holds accelerators of its own; an adapter runs on its base's copies");
      }
    }
    for (Adapter a : adapters) {
      if (baseOf.containsKey(a.base())) {
        throw new IllegalArgumentException(
            "adapter "
                + a.name()
                + " names adapter "
                + a.base()
                + " as its base; a base holds a model");
      }
    }
    invocations.forEach(
        (component, n) -> {
          if (n == null || n < 0) {
            throw new IllegalArgumentException("invocations of " + component + " cannot be " + n);
          }
        });
    return baseOf;
  }

  /** {@code perHour × seconds / 3600}, rounded half even to {@link #SCALE} places. */
  private static BigDecimal hours(BigDecimal perHour, BigDecimal seconds) {
    return perHour.multiply(seconds).divide(SECONDS_AN_HOUR, SCALE, RoundingMode.HALF_EVEN);
  }

  /**
   * {@code total} (at {@link #SCALE} places) in parts proportional to {@code weights} (their sum
   * positive), by largest remainder: each part is its exact quota rounded down, and the units left
   * go one each to the largest remainders, ties in the weights' order. The parts add up to {@code
   * total} exactly; a zero weight gets zero.
   */
  static Map<String, BigDecimal> apportion(
      BigDecimal total, LinkedHashMap<String, BigDecimal> weights) {
    BigDecimal sum = weights.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    if (sum.signum() <= 0) {
      throw new IllegalArgumentException("nothing to apportion by: weights " + weights);
    }
    Map<String, BigDecimal> parts = new LinkedHashMap<>();
    Map<String, BigDecimal> remainders = new HashMap<>();
    BigDecimal given = BigDecimal.ZERO;
    for (Map.Entry<String, BigDecimal> e : weights.entrySet()) {
      BigDecimal exact = total.multiply(e.getValue());
      BigDecimal part = exact.divide(sum, SCALE, RoundingMode.FLOOR);
      parts.put(e.getKey(), part);
      remainders.put(e.getKey(), exact.subtract(part.multiply(sum)));
      given = given.add(part);
    }
    long left = total.subtract(given).movePointRight(SCALE).longValueExact();
    List<String> order = new ArrayList<>(weights.keySet());
    order.sort(Comparator.comparing((String p) -> remainders.get(p)).reversed());
    BigDecimal unit = BigDecimal.ONE.movePointLeft(SCALE);
    for (int k = 0; k < left; k++) {
      parts.merge(order.get(k), unit, BigDecimal::add);
    }
    return parts;
  }
}
