package dev.copyscale.aws.scaling;

import dev.copyscale.aws.calls.AwsErrors;
import dev.copyscale.aws.engine.Deployment;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.scaling.capacity.ScalingTarget;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.ScalingResult;
import dev.copyscale.spec.DeploymentSpec;
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
  private record Parsed(String json, ScalingTarget target, List<ScalingTarget> members) {}

  private final Catalog catalog;
  private final Map<String, Parsed> byDeployment = new ConcurrentHashMap<>();

  public Specs(Catalog catalog) {
    this.catalog = catalog;
  }

  /** The deployment a record scales, empty before its spec has reached InService. */
  public Optional<Deployment> deployment(DeploymentRecord record) {
    return record
        .scalingSpecJson()
        .map(json -> new Deployment(record, parsed(record.name(), json).target()));
  }

  /**
   * The targets a record scales, one per component (one in the single form: the deployment itself),
   * each its own {@link Deployment}; empty before its spec has reached InService.
   */
  public List<Deployment> members(DeploymentRecord record) {
    return record.scalingSpecJson().stream()
        .flatMap(json -> parsed(record.name(), json).members().stream())
        .map(target -> new Deployment(record, target))
        .toList();
  }

  private Parsed parsed(String deployment, String json) {
    Parsed cached = byDeployment.get(deployment);
    if (cached != null && cached.json().equals(json)) {
      return cached;
    }
    DeploymentSpec spec = SpecParser.parse(json).orThrow();
    Parsed parsed =
        new Parsed(json, ScalingTarget.of(spec, catalog), ScalingTarget.members(spec, catalog));
    byDeployment.put(deployment, parsed);
    return parsed;
  }

  /**
   * Runs {@code step} for each target of {@code records} that has a scaling spec (each component of
   * a shared endpoint: {@link #members}), each isolated from the others: one whose spec does not
   * parse or whose step throws is reported FAILED ("WHAT failed: why; the next tick tries again",
   * {@code what} naming the deployment or component) and the rest still run.
   */
  List<ScalingResult> eachDeployment(
      List<DeploymentRecord> records,
      String trigger,
      Function<String, String> what,
      Function<Deployment, List<ScalingResult>> step) {
    List<ScalingResult> results = new ArrayList<>();
    for (DeploymentRecord record : records) {
      List<Deployment> members;
      try {
        members = members(record);
      } catch (RuntimeException e) {
        results.add(failed(record.name(), trigger, what.apply(record.name()), e));
        continue;
      }
      for (Deployment member : members) {
        try {
          results.addAll(step.apply(member));
        } catch (RuntimeException e) {
          // One broken deployment (or component) must not stall the others.
          results.add(failed(record.name(), trigger, what.apply(member.name()), e));
        }
      }
    }
    return results;
  }

  private static ScalingResult failed(
      String deployment, String trigger, String what, RuntimeException e) {
    return new ScalingResult(
        Optional.of(deployment),
        trigger,
        Outcome.FAILED,
        0,
        0,
        Optional.empty(),
        Optional.empty(),
        what + " failed: " + AwsErrors.describe(e) + "; the next tick tries again");
  }
}
