package dev.copyscale.cli.report;

import java.time.Instant;

/**
 * One decision that changed capacity or bounds (or would have: a dry run, or failed to), by
 * copyscale or by Application Auto Scaling: when, the desired count before and after, the outcome
 * (in {@code copyscale activities}' words) and why.
 */
public record Decision(Instant at, int from, int to, String outcome, String reason) {}
