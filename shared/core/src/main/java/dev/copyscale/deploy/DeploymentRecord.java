package dev.copyscale.deploy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A deployment as the state table keeps it: the spec (as submitted, JSON), its progress, and what
 * earlier reconciles applied. {@code version} makes writes conditional: a writer that read version
 * n may only write n + 1, so two reconciles of one deployment cannot both win.
 *
 * @param lastGoodSpecJson the newest spec that reached InService: scaling follows it while a newer
 *     one is being rolled out or has failed, so a refused update never leaves the endpoint
 *     unscalable
 * @param updatedAt when the deployment last changed: a reconcile wrote to AWS or moved its phase (a
 *     resubmitted spec that changes nothing leaves it; engine slo keeps a deploy's copies for a
 *     scale-in window after it)
 * @param alarms the alarm names of the spec's step policies (the state table indexes them, so an
 *     alarm event finds its deployment without reading every spec)
 */
public record DeploymentRecord(
    String name,
    String specJson,
    Phase phase,
    boolean deleting,
    Applied applied,
    List<String> lastActions,
    Optional<String> waitingFor,
    Optional<String> lastError,
    Instant updatedAt,
    Optional<String> lastGoodSpecJson,
    List<String> alarms,
    long version) {

  public DeploymentRecord {
    lastActions = List.copyOf(lastActions);
    lastGoodSpecJson = lastGoodSpecJson == null ? Optional.empty() : lastGoodSpecJson;
    alarms = List.copyOf(alarms == null ? List.of() : alarms);
  }

  /**
   * The spec scaling acts on: the submitted one once it has reached InService, before that the last
   * one that did (empty for a deployment that never served).
   */
  public Optional<String> scalingSpecJson() {
    if (phase == Phase.InService && !deleting) {
      return Optional.of(specJson);
    }
    if (deleting || phase == Phase.Deleted) {
      return Optional.empty();
    }
    return lastGoodSpecJson;
  }

  /** Whether a reconcile still has work to do (the reconcile schedule picks these up). */
  public boolean inProgress() {
    return phase != Phase.InService && phase != Phase.Deleted && phase != Phase.Failed;
  }
}
