package dev.copyscale.aws.scaling;

import dev.copyscale.aws.calls.AwsErrors;
import dev.copyscale.deploy.DeploymentRecord;
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
 * Parsed specs, kept while a warm function container lives: a stored spec is parsed once per
 * change, not on every event. Keyed by deployment and the exact JSON, so a changed spec is parsed
 * anew.
 */
final class Specs {
  private record Parsed(String json, DeploymentSpec spec) {}

  private final Map<String, Parsed> byDeployment = new ConcurrentHashMap<>();

  DeploymentSpec parse(String deployment, String json) {
    Parsed cached = byDeployment.get(deployment);
    if (cached != null && cached.json().equals(json)) {
      return cached.spec();
    }
    DeploymentSpec spec = SpecParser.parse(json).orThrow();
    byDeployment.put(deployment, new Parsed(json, spec));
    return spec;
  }

  /** One deployment's part of a periodic run. */
  interface Step {
    void run(DeploymentRecord record, DeploymentSpec spec, List<ScalingResult> results);
  }

  /**
   * Runs {@code step} for each of {@code records} that has a scaling spec, each isolated from the
   * others: one whose spec does not parse or whose step throws is reported FAILED ("WHAT failed:
   * why; the next tick tries again", {@code what} naming the deployment) and the rest still run.
   */
  List<ScalingResult> eachDeployment(
      List<DeploymentRecord> records, String trigger, Function<String, String> what, Step step) {
    List<ScalingResult> results = new ArrayList<>();
    for (DeploymentRecord record : records) {
      try {
        Optional<DeploymentSpec> spec =
            record.scalingSpecJson().map(json -> parse(record.name(), json));
        if (spec.isPresent()) {
          step.run(record, spec.get(), results);
        }
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
                    + "; the next tick tries again"));
      }
    }
    return results;
  }
}
