package dev.copyscale.aws.store;

import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.scaling.state.Decision;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.TargetState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The state table: deployments, per-target scaling state, the ledger of decisions and the ids of
 * events already handled (EventBridge and alarms deliver at least once).
 */
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

  /**
   * The deployment whose step policy owns an alarm, from the alarm index the table keeps beside
   * each record (see {@link DeploymentRecord#alarms}); the caller still checks the spec has that
   * alarm.
   */
  Optional<String> alarmOwner(String alarmName);

  /** The scaling state of a deployment's target; {@link TargetState#initial} before any event. */
  TargetState target(String deployment);

  /**
   * Atomically: marks {@code eventKey} handled (expiring at {@code expiresAt}), writes the new
   * target state if it is still at {@code next.version() - 1}, and appends the ledger entry.
   *
   * @return false when the event was handled before (nothing written)
   * @throws ConcurrentUpdateException when another invocation changed the target first
   */
  boolean commit(String eventKey, TargetState next, LedgerEntry entry, Instant expiresAt);

  /**
   * The version of an endpoint shared by several components: how many decisions its components
   * committed (0 before the first). Read before the components' states, so that a commit
   * conditional on it fails when any component of the endpoint committed in between.
   */
  long endpointVersion(String deployment);

  /**
   * {@link #commit} for a component of an endpoint shared by several: in the same transaction, the
   * endpoint's version moves from {@code endpointVersion} to the next (so two components deciding
   * at once serialize: one wins, the other retries and sees the winner's intent), and each of
   * {@code siblings} (decisions the arbiter made for other components of the endpoint) has its next
   * state written conditionally on the state it was decided from and its entry appended.
   *
   * @return false when the event was handled before (nothing written)
   * @throws ConcurrentUpdateException when the endpoint or one of the targets changed first
   */
  boolean commitShared(
      String eventKey,
      Decision decision,
      String deployment,
      long endpointVersion,
      List<Decision> siblings,
      Instant expiresAt);

  /**
   * Writes the target state if it is still at {@code next.version() - 1}: progress of a capacity
   * change, cleared intents, overrides.
   *
   * @throws ConcurrentUpdateException when another invocation changed the target first
   */
  void saveTarget(TargetState next);

  /**
   * Appends a ledger entry (an entry with the key of an existing one replaces it) without touching
   * the target (decisions that change nothing).
   */
  void append(LedgerEntry entry, Instant expiresAt);

  /** Whether an event was handled already. */
  boolean handled(String eventKey);

  /** The ledger of a deployment since {@code since}, oldest first. */
  List<LedgerEntry> ledger(String deployment, Instant since);

  /** Another writer changed the item since it was read: re-read and re-decide. */
  final class ConcurrentUpdateException extends RuntimeException {
    public ConcurrentUpdateException(String message) {
      super(message);
    }
  }
}
