package dev.copyscale.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CostSplitTest {
  static final double G5_12_PRICE = 7.09;

  static InstanceUse g5(String id, Map<String, Double> held) {
    return new InstanceUse(id, 4, G5_12_PRICE, held);
  }

  static BigDecimal usd(String s) {
    return new BigDecimal(s);
  }

  @Test
  void aMinuteOfOneInstanceGoesByShareOfItsAccelerators() {
    Split s =
        CostSplit.split(
            Duration.ofMinutes(1),
            List.of(g5("i-1", Map.of("chat", 2.0, "code", 1.0))),
            List.of(),
            Map.of());

    // $7.09/h for a minute is $0.118166666667 (rounded once, to 1e-12); chat holds half the GPUs,
    // code and the idle one a quarter each; the two units of rounding go to the largest
    // remainders.
    assertThat(s.endpoint().usd()).isEqualTo(usd("0.118166666667"));
    assertThat(s.component("chat").usd()).isEqualTo(usd("0.059083333333"));
    assertThat(s.component("code").usd()).isEqualTo(usd("0.029541666667"));
    assertThat(s.idle().usd()).isEqualTo(usd("0.029541666667"));
    assertThat(s.endpoint().acceleratorHours()).isEqualTo(usd("0.066666666667"));
    assertThat(s.component("chat").acceleratorHours()).isEqualTo(usd("0.033333333333"));
    assertThat(
            s.component("chat")
                .acceleratorHours()
                .add(s.component("code").acceleratorHours())
                .add(s.idle().acceleratorHours()))
        .isEqualTo(s.endpoint().acceleratorHours());
  }

  @Test
  void componentsPayForEveryInstanceTheyHoldAndIdleInstancesShowApart() {
    Split s =
        CostSplit.split(
            Duration.ofHours(1),
            List.of(
                g5("i-1", Map.of("chat", 4.0)),
                g5("i-2", Map.of("chat", 1.0, "code", 2.0)),
                g5("i-3", Map.of())),
            List.of(),
            Map.of());

    assertThat(s.endpoint().usd()).isEqualTo(usd("21.270000000000"));
    assertThat(s.component("chat").usd()).isEqualTo(usd("8.862500000000"));
    assertThat(s.component("code").usd()).isEqualTo(usd("3.545000000000"));
    assertThat(s.idle().usd()).isEqualTo(usd("8.862500000000"));
    assertThat(s.idle().acceleratorHours()).isEqualTo(usd("5.000000000000"));
  }

  @Test
  void adaptersTakeTheirShareOfTheBasesCostByInvocations() {
    Split s =
        CostSplit.split(
            Duration.ofHours(1),
            List.of(g5("i-1", Map.of("llama", 4.0))),
            List.of(new Adapter("sql", "llama"), new Adapter("legal", "llama")),
            Map.of("llama", 60L, "sql", 30L, "legal", 10L));

    assertThat(s.component("llama").usd()).isEqualTo(usd("4.254000000000"));
    assertThat(s.component("sql").usd()).isEqualTo(usd("2.127000000000"));
    assertThat(s.component("legal").usd()).isEqualTo(usd("0.709000000000"));
    assertThat(s.component("sql").acceleratorHours()).isEqualTo(usd("1.200000000000"));
    assertThat(s.idle().usd()).isEqualTo(usd("0E-12"));
  }

  @Test
  void withNoInvocationsTheBaseKeepsItsCostAndItsAdaptersShowZero() {
    Split s =
        CostSplit.split(
            Duration.ofHours(1),
            List.of(g5("i-1", Map.of("llama", 2.0))),
            List.of(new Adapter("sql", "llama")),
            Map.of());

    assertThat(s.component("llama").usd()).isEqualTo(usd("3.545000000000"));
    assertThat(s.component("sql").usd().signum()).isZero();
  }

  @Test
  void contradictoryInputsAreRefusedNamingWhatIsWrong() {
    assertThatThrownBy(() -> g5("i-1", Map.of("chat", 3.0, "code", 2.0)))
        .hasMessage(
            "instance i-1: its components hold 5.0 accelerators, but it has 4: {chat=3.0,"
                + " code=2.0}");
    assertThatThrownBy(
            () ->
                CostSplit.split(
                    Duration.ofHours(1),
                    List.of(g5("i-1", Map.of("sql", 1.0))),
                    List.of(new Adapter("sql", "llama")),
                    Map.of()))
        .hasMessage(
            "adapter sql holds accelerators of its own; an adapter runs on its base's copies");
    assertThatThrownBy(
            () ->
                CostSplit.split(
                    Duration.ofHours(1),
                    List.of(),
                    List.of(new Adapter("sql", "llama"), new Adapter("sql-v2", "sql")),
                    Map.of()))
        .hasMessage("adapter sql-v2 names adapter sql as its base; a base holds a model");
    assertThatThrownBy(
            () -> CostSplit.split(Duration.ofMinutes(-1), List.of(), List.of(), Map.of()))
        .hasMessage("the interval cannot be negative: PT-1M");
    assertThatThrownBy(
            () ->
                CostSplit.split(
                    Duration.ofHours(1),
                    List.of(),
                    List.of(new Adapter("sql", "llama")),
                    Map.of("sql", -1L)))
        .hasMessage("invocations of sql cannot be -1");
  }

  /**
   * Many random placements on the catalog's instance types, over random intervals: components plus
   * idle equal the endpoint exactly, no part is negative, each component is within rounding of its
   * exact share, a fully held endpoint has no idle, and adapters only divide their base's part.
   */
  @Test
  void componentsPlusIdleAreTheEndpointsCostInEveryRandomPlacement() {
    Random random = new Random(23);
    List<InstanceType> types =
        Catalog.bundled().instanceTypes().stream().filter(t -> t.gpuCount() > 0).toList();
    int fullyHeld = 0;
    for (int trial = 0; trial < 1_500; trial++) {
      Duration interval =
          Duration.ofSeconds(random.nextInt(3 * 24 * 3600), random.nextInt(1_000_000_000));
      boolean full = random.nextInt(5) == 0;
      List<InstanceUse> instances = new ArrayList<>();
      Map<String, BigDecimal> exact = new HashMap<>();
      int n = random.nextInt(6);
      for (int i = 0; i < n; i++) {
        InstanceType type = types.get(random.nextInt(types.size()));
        Map<String, Double> held = new HashMap<>();
        double free = type.gpuCount();
        for (int c = 0; c < 4 && free > 0; c++) {
          // Whole and half accelerators, up to what is free.
          double take = Math.min(free, (1 + random.nextInt(2 * type.gpuCount())) / 2.0);
          if (full && c == 3) {
            take = free;
          }
          if (random.nextInt(4) > 0 || full) {
            held.merge("c" + random.nextInt(4), take, Double::sum);
            free -= take;
          }
        }
        if (full && free > 0) {
          held.merge("c0", free, Double::sum);
        }
        instances.add(new InstanceUse("i-" + i, type.gpuCount(), type.priceUsdPerHour(), held));
        BigDecimal hours =
            BigDecimal.valueOf(interval.toNanos())
                .divide(BigDecimal.valueOf(3_600_000_000_000L), MathContext.DECIMAL128);
        held.forEach(
            (c, h) ->
                exact.merge(
                    c,
                    BigDecimal.valueOf(type.priceUsdPerHour())
                        .multiply(hours)
                        .multiply(BigDecimal.valueOf(h))
                        .divide(BigDecimal.valueOf(type.gpuCount()), MathContext.DECIMAL128),
                    BigDecimal::add));
      }
      List<Adapter> adapters =
          random.nextBoolean()
              ? List.of(new Adapter("a1", "c0"), new Adapter("a2", "c0"), new Adapter("a3", "c1"))
              : List.of();
      Map<String, Long> invocations = new HashMap<>();
      for (String c : List.of("c0", "c1", "a1", "a2", "a3")) {
        if (random.nextBoolean()) {
          invocations.put(c, (long) random.nextInt(1000));
        }
      }

      Split s = CostSplit.split(interval, instances, adapters, invocations);
      Split plain = CostSplit.split(interval, instances, List.of(), Map.of());

      Share sum = s.idle();
      for (Share part : s.components().values()) {
        assertThat(part.usd().signum()).isGreaterThanOrEqualTo(0);
        assertThat(part.acceleratorHours().signum()).isGreaterThanOrEqualTo(0);
        sum = sum.plus(part);
      }
      assertThat(s.idle().usd().signum()).isGreaterThanOrEqualTo(0);
      assertThat(sum.usd()).as("trial %d", trial).isEqualByComparingTo(s.endpoint().usd());
      assertThat(sum.acceleratorHours())
          .as("trial %d", trial)
          .isEqualByComparingTo(s.endpoint().acceleratorHours());
      if (full) {
        fullyHeld++;
        assertThat(s.idle().usd().signum()).isZero();
        assertThat(s.idle().acceleratorHours().signum()).isZero();
      }
      BigDecimal tolerance = new BigDecimal("2e-12").multiply(BigDecimal.valueOf(n + 1));
      for (Map.Entry<String, BigDecimal> e : exact.entrySet()) {
        assertThat(plain.component(e.getKey()).usd().subtract(e.getValue()).abs())
            .as("trial %d, %s", trial, e.getKey())
            .isLessThanOrEqualTo(tolerance);
      }
      // Adapters divide their base's part and nothing else.
      for (String base : List.of("c0", "c1")) {
        if (!plain.components().containsKey(base)) {
          continue;
        }
        Share family = s.component(base);
        for (Adapter a : adapters) {
          if (a.base().equals(base)) {
            family = family.plus(s.component(a.name()));
          }
        }
        assertThat(family.usd()).isEqualByComparingTo(plain.component(base).usd());
      }
      assertThat(s.idle()).isEqualTo(plain.idle());
    }
    assertThat(fullyHeld).isGreaterThan(150);
  }
}
