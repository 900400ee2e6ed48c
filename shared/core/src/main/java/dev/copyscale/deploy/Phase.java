package dev.copyscale.deploy;

/** Where a deployment stands, as the deploy function reports it. */
public enum Phase {
  Creating,
  Updating,
  InService,
  Deleting,
  Deleted,
  Failed
}
