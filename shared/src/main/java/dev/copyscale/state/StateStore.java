package dev.copyscale.state;

import java.util.List;
import java.util.Optional;

/** The state table: deployments (and, later, the scaling ledger and handled event ids). */
public interface StateStore {
  Optional<DeploymentRecord> deployment(String name);

  /** Every deployment, for the reconcile schedule and the CLI. */
  List<DeploymentRecord> deployments();

  /**
   * Writes {@code record} if the stored version is still {@code record.version() - 1} (absent for
   * version 1).
   *
   * @throws ConcurrentUpdateException when another writer got there first
   */
  void save(DeploymentRecord record);

  /** Another writer changed the item since it was read: re-read and re-decide. */
  final class ConcurrentUpdateException extends RuntimeException {
    public ConcurrentUpdateException(String message) {
      super(message);
    }
  }
}
