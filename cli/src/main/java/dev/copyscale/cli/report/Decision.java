package dev.copyscale.cli.report;

import java.time.Instant;

/**
 * One decision of copyscale's that changed capacity or bounds (or would have: a dry run, or failed
 * to), as its ledger recorded it: when, the desired count before and after, the outcome and why.
 */
public record Decision(Instant at, int from, int to, String outcome, String reason) {}
