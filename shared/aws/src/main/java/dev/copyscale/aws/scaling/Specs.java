package dev.copyscale.aws.scaling;

import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed specs, kept while a warm function container lives: a stored spec is parsed once per
 * change, not on every event. Keyed by deployment and the exact JSON, so a changed spec is parsed anew.
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
}
