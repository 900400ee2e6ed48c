package dev.copyscale.aws.scaling;

import dev.copyscale.aws.calls.AwsErrors;
import dev.copyscale.aws.engine.Deployment;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.spec.SpecParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Deployments as the scaling functions see them, kept while a warm function container lives: a
 * stored spec is parsed and resolved against the catalog once per change, not on every event. Keyed
 * by deployment and the exact JSON, so a changed spec is parsed anew.
 */
public final class Specs {
  private record Parsed(String json, ScalingTarget target) {}

  private final Catalog catalog;
  private final Map<String, Parsed> byDeployment = new ConcurrentHashMap<>();

  public Specs(Catalog catalog) {
    this.catalog = catalog;
  }

  /** The deployment a record scales, empty before its spec has reached InService. */
  public Optional<Deployment> deployment(DeploymentRecord record) {
    return record
        .scalingSpecJson()
        .map(json -> new Deployment(record, target(record.name(), json)));
  }

  private ScalingTarget target(String deployment, String json) {
    Parsed cached = byDeployment.get(deployment);
    if (cached != null && cached.json().equals(json)) {
      return cached.target();
    }
    ScalingTarget target = ScalingTarget.of(SpecParser.parse(json).orThrow(), catalog);
    byDeployment.put(deployment, new Parsed(json, target));
    return target;
  }

  /**
   * Runs {@code step} for each of {@code records} that has a scaling spec, each isolated from the
   * others: one whose spec does not parse or whose step throws is reported FAILED ("WHAT failed:
   * why; the next tick tries again", {@code what} naming the deployment) and the rest still run.
   */
  List<ScalingResult> eachDeployment(
      List<DeploymentRecord> records,
      String trigger,
      Function<String, String> what,
      Function<Deployment, List<ScalingResult>> step) {
    List<ScalingResult> results = new ArrayList<>();
    for (DeploymentRecord record : records) {
      try {
        deployment(record).ifPresent(d -> results.addAll(step.apply(d)));
      } catch (RuntimeException e) {
        // One broken deployment must not stall the others.
        results.add(
            new ScalingResult(
                Optional.of(record.name()),
                trigger,
                Outcome.FAILED,
                0,
                0,
                Optional.empty(),
                Optional.empty(),
                what.apply(record.name())
                    + " failed: "
                    + AwsErrors.describe(e)
                    + "; the next tick"
                    + " tries again"));
      }
    }
    return results;
  }
}
