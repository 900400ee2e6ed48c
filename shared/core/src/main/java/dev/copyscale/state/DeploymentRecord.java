package dev.copyscale.state;

import dev.copyscale.deploy.Applied;
import dev.copyscale.deploy.Phase;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A deployment as the state table keeps it: the spec (as submitted, JSON), its progress, and what
 * earlier reconciles applied. {@code version} makes writes conditional: a writer that read version
 * n may only write n + 1, so two reconciles of one deployment cannot both win.
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
    long version) {

  public DeploymentRecord {
    lastActions = List.copyOf(lastActions);
  }

  /** Whether a reconcile still has work to do (the reconcile schedule picks these up). */
  public boolean inProgress() {
    return phase != Phase.InService && phase != Phase.Deleted && phase != Phase.Failed;
  }
}
