package dev.copyscale.deploy;

import java.util.Map;

/**
 * What earlier reconciles of this deployment did, kept in the state table.
 *
 * @param fingerprints per scaling policy name, the fingerprint of the spec policy last applied, so
 *     a changed policy is put again and an unchanged one costs no write
 * @param zeroCopiesPending the component was created with 1 copy because the spec asks 0
 * @param everInService the deployment has been InService once (later work is an update)
 */
public record Applied(
    Map<String, String> fingerprints, boolean zeroCopiesPending, boolean everInService) {
  public Applied {
    fingerprints = Map.copyOf(fingerprints);
  }

  public static Applied none() {
    return new Applied(Map.of(), false, false);
  }
}
