package dev.copyscale.cli.report;

import java.util.List;

/**
 * A spec's scaling decisions for the report: copyscale's own (from its ledger), and a note when
 * someone else decides too (Application Auto Scaling, for engine native), which the report says
 * instead of showing decisions it cannot see.
 *
 * @param note null, or who else decided and where to look
 */
public record Decisions(List<Decision> entries, String note) {
  public Decisions {
    entries = List.copyOf(entries);
  }

  /** What the report says for engine native: its policies run in Application Auto Scaling. */
  public static final String APPLICATION_AUTO_SCALING =
      "decided by Application Auto Scaling: see its activities "
          + "(copyscale activities DEPLOYMENT on a deployed stack)";
}
