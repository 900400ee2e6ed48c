package dev.copyscale.twin.sim;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.InstanceType;
import dev.copyscale.cost.Adapter;
import dev.copyscale.cost.CostSplit;
import dev.copyscale.cost.InstanceUse;
import dev.copyscale.cost.Share;
import dev.copyscale.cost.Split;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.twin.account.Stack;
import dev.copyscale.twin.sagemaker.SageMakerState;
import dev.copyscale.twin.serving.Serving;
import dev.copyscale.twin.traffic.Trace;
import dev.copyscale.twin.world.TwinWorld;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Every component of one spec served on its one endpoint in one twin world, each replaying its own
 * trace on its own copies, the copies of all of them on the endpoint's instances as the twin's
 * SageMaker places them; each 10-second period the endpoint's cost is split among the components by
 * {@link CostSplit} (a component's share of each instance's accelerators, adapters by their
 * invocations over their base's, the idle remainder apart), and summed by the minute.
 *
 * <p>Each component is judged as a spec of its own ({@link Simulation}: its objective, misses,
 * latency, copies), with the endpoint's cost and instance-hours replaced by its share: dollars, and
 * instance-hours as its accelerator-hours over an instance's accelerators.
 */
public final class SharedSimulation {
  private static final long MINUTE = 60_000_000L;
  private static final Duration PERIOD = Duration.ofSeconds(10);

  private final TwinWorld world;
  private final Stack stack;
  private final DeploymentSpec spec;
  private final String specFile;
  private final Map<String, Serving> serving;
  private final Simulation.Options options;
  private final List<Input> inputs = new ArrayList<>();

  private final List<MinuteCost> minutes = new ArrayList<>();
  private Split minute = Split.NONE;
  private Split total = Split.NONE;
  private long[] periodInvocations;
  private ServingEngine first;

  /**
   * @param serving how each component's copies serve, by component name
   */
  public SharedSimulation(
      TwinWorld world,
      Stack stack,
      DeploymentSpec spec,
      String specFile,
      Map<String, Serving> serving,
      Simulation.Options options) {
    this.world = world;
    this.stack = stack;
    this.spec = spec;
    this.specFile = specFile;
    this.serving = Map.copyOf(serving);
    this.options = options;
    for (DeploymentSpec.Member m : spec.components()) {
      if (!serving.containsKey(m.name())) {
        throw new IllegalArgumentException("no serving model for component " + m.name());
      }
    }
  }

  /** Adds an input every component's figures rest on (the traces, above all); listed first. */
  public SharedSimulation withInput(Input input) {
    inputs.add(input);
    return this;
  }

  /**
   * Replays each component's trace (by component name; all on one clock, offset 0 the world's next
   * 10-second boundary) until every request has finished and the minute it finished in has ended.
   *
   * @throws IllegalArgumentException naming a component without a trace, or a trace for a name that
   *     is no component of the spec
   */
  public SharedResult run(Map<String, Trace> traces, LongConsumer progress) {
    List<DeploymentSpec.Member> members = spec.components();
    for (String name : traces.keySet()) {
      if (members.stream().noneMatch(m -> m.name().equals(name))) {
        throw new IllegalArgumentException(
            "a trace for " + name + ", which is no component of " + spec.name());
      }
    }
    int k = members.size();
    List<Simulation> simulations = new ArrayList<>();
    List<ServingEngine> engines = new ArrayList<>();
    List<Trace> played = new ArrayList<>();
    for (DeploymentSpec.Member m : members) {
      Trace trace = traces.get(m.name());
      if (trace == null) {
        throw new IllegalArgumentException("no trace for component " + m.name());
      }
      Simulation sim =
          new Simulation(world, stack, spec.member(m), specFile, serving.get(m.name()), options);
      inputs.forEach(sim::withInput);
      ServingEngine engine =
          new ServingEngine(
              world, stack, m.name(), serving.get(m.name()), sim.engineOptions(), sim);
      sim.start(engine, trace);
      simulations.add(sim);
      engines.add(engine);
      played.add(trace);
    }
    first = engines.get(0);
    periodInvocations = new long[k];
    SharedEndpoint endpoint = new SharedEndpoint(world, stack, engines, this::periodEnds);

    // The components' requests in time order (ties: the spec's order).
    int[] next = new int[k];
    long sent = 0;
    while (true) {
      int c = -1;
      long at = Long.MAX_VALUE;
      for (int j = 0; j < k; j++) {
        if (next[j] < played.get(j).size() && played.get(j).arrivalMicros(next[j]) < at) {
          at = played.get(j).arrivalMicros(next[j]);
          c = j;
        }
      }
      if (c < 0) {
        break;
      }
      endpoint.runUntil(at);
      simulations.get(c).submit(played.get(c), next[c]++);
      periodInvocations[c]++;
      if ((++sent & ((1 << 15) - 1)) == 0) {
        progress.accept(sent);
      }
    }
    endpoint.drain();
    long end = 0;
    for (int j = 0; j < k; j++) {
      end = Math.max(end, Simulation.endOfRun(engines.get(j), played.get(j)));
    }
    endpoint.runUntil(end);
    progress.accept(sent);

    InstanceType type = Catalog.bundled().instanceType(spec.endpoint().instanceType()).orElse(null);
    List<SimulationResult> results = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      SimulationResult r = simulations.get(j).finish(played.get(j).size());
      String name = members.get(j).name();
      Share share = total.components().get(name);
      double acceleratorHours = share == null ? 0 : share.acceleratorHours().doubleValue();
      Summary s =
          r.summary()
              .withShare(
                  column(spec, name),
                  type == null ? Double.NaN : acceleratorHours / type.gpuCount(),
                  type == null ? Double.NaN : share == null ? 0 : share.usd().doubleValue());
      results.add(new SimulationResult(s, r.timeline(), r.inputs()));
    }
    return new SharedResult(
        spec.name(),
        spec.endpoint().name(),
        spec.endpoint().instanceType(),
        type != null,
        members.stream().map(DeploymentSpec.Member::name).toList(),
        results,
        List.copyOf(minutes),
        total);
  }

  /**
   * The column of component {@code name} of {@code spec}: {@code DEPLOYMENT/COMPONENT} on a shared
   * endpoint, the deployment's name for the only component of a spec in the single form.
   */
  public static String column(DeploymentSpec spec, String name) {
    return spec.shared() ? spec.name() + "/" + name : spec.name();
  }

  /**
   * A period ends at {@code boundary} (engine time): the endpoint's instances and the copies on
   * them during it, as the world still shows them, split; a minute's periods summed.
   */
  private void periodEnds(long boundary) {
    Split split = split(world.sageMaker().state());
    java.util.Arrays.fill(periodInvocations, 0);
    if (split != null) {
      minute = minute.plus(split);
    }
    if (boundary % MINUTE == 0) {
      minutes.add(new MinuteCost(first.at(boundary - MINUTE), minute));
      total = total.plus(minute);
      minute = Split.NONE;
    }
  }

  /** The split of one period; null when the instance type's price is unknown. */
  private Split split(SageMakerState state) {
    SageMakerState.Endpoint endpoint = state.endpoints().get(spec.endpoint().name());
    if (endpoint == null) {
      return Split.NONE;
    }
    Map<String, Map<String, Double>> held = new TreeMap<>();
    List<Adapter> adapters = new ArrayList<>();
    for (SageMakerState.Component c : state.components().values()) {
      if (!endpoint.name().equals(c.endpointName())) {
        continue;
      }
      if (c.adapter()) {
        adapters.add(new Adapter(c.name(), c.baseComponentName()));
        continue;
      }
      for (SageMakerState.Copy copy : c.copies()) {
        held.computeIfAbsent(copy.instanceId(), i -> new TreeMap<>())
            .merge(c.name(), (double) copy.accelerators(), Double::sum);
      }
    }
    List<InstanceUse> uses = new ArrayList<>();
    for (SageMakerState.Instance i : endpoint.instances()) {
      InstanceType type = Catalog.bundled().instanceType(i.instanceType()).orElse(null);
      if (type == null) {
        return null;
      }
      uses.add(
          new InstanceUse(
              i.id(),
              type.gpuCount(),
              type.priceUsdPerHour(),
              held.getOrDefault(i.id(), Map.of())));
    }
    Map<String, Long> invocations = new LinkedHashMap<>();
    List<DeploymentSpec.Member> members = spec.components();
    for (int j = 0; j < members.size(); j++) {
      invocations.put(members.get(j).name(), periodInvocations[j]);
    }
    return CostSplit.split(PERIOD, uses, adapters, invocations);
  }

  /** The endpoint's cost in one minute, split. */
  public record MinuteCost(Instant minute, Split split) {}

  /**
   * One shared endpoint's run.
   *
   * @param priced whether the instance type has a price (else no cost is split)
   * @param names the components' names, in the spec's order
   * @param components each component's result, in the spec's order, under the column {@link
   *     #column}
   * @param minutes the cost split of each minute
   * @param total the cost split of the whole run: the minutes summed
   */
  public record SharedResult(
      String spec,
      String endpoint,
      String instanceType,
      boolean priced,
      List<String> names,
      List<SimulationResult> components,
      List<MinuteCost> minutes,
      Split total) {
    /** The endpoint's instance-hours: its accelerator-hours over an instance's accelerators. */
    public double instanceHours() {
      return Catalog.bundled()
          .instanceType(instanceType)
          .map(t -> total.endpoint().acceleratorHours().doubleValue() / t.gpuCount())
          .orElse(Double.NaN);
    }
  }
}
