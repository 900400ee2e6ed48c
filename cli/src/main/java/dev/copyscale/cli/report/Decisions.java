package dev.copyscale.cli.report;

import java.util.List;

/**
 * A spec's scaling decisions for the report, whoever made them: copyscale (its ledger) and
 * Application Auto Scaling (its scaling activities, for engine native's policies), oldest first.
 */
public record Decisions(List<Decision> entries) {
  public Decisions {
    entries = List.copyOf(entries);
  }
}
