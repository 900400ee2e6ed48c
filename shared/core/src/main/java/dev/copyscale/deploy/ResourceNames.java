package dev.copyscale.deploy;

import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The AWS names copyscale derives from a spec. Models and endpoint configs are immutable in
 * SageMaker, so their names carry a hash of what they contain: a changed container makes a new
 * model, a changed instance shape a new endpoint config, and an unchanged spec the same names.
 */
public record ResourceNames(
    String deployment,
    String model,
    String endpointConfig,
    String endpoint,
    String variant,
    String component,
    String scalableResourceId,
    String scalableDimension,
    String policyPrefix) {

  public static final String NAMESPACE = "sagemaker";
  public static final String COPY_DIMENSION = "sagemaker:inference-component:DesiredCopyCount";
  public static final String INSTANCE_DIMENSION = "sagemaker:variant:DesiredInstanceCount";
  private static final int HASH_LENGTH = 10;

  /** The names of one component's resources, with the single form's policy names. */
  public ResourceNames(
      String deployment,
      String model,
      String endpointConfig,
      String endpoint,
      String variant,
      String component,
      String scalableResourceId,
      String scalableDimension) {
    this(
        deployment,
        model,
        endpointConfig,
        endpoint,
        variant,
        component,
        scalableResourceId,
        scalableDimension,
        "copyscale-" + deployment + "-");
  }

  /**
   * The names of the spec's first component (the only one in the single form), or of the one a
   * member view ({@link DeploymentSpec#member}) holds. The model's name depends only on what it
   * contains, so two components running the same container share one model. On a shared endpoint
   * (several components) a component's scaling policies and alarms are named {@code
   * copyscale-DEPLOYMENT-COMPONENT.POLICY}: a dot never appears in a deployment, component or
   * policy name, so two components' names cannot meet, and the alarms stay under the deployment's
   * prefix. The single form's names are as they always were.
   */
  public static ResourceNames of(DeploymentSpec spec) {
    String endpoint = spec.endpoint().name();
    String variant = spec.endpoint().variantName();
    String component = spec.component().name();
    boolean copies = spec.scaling().dimension() == Dimension.COPIES;
    return new ResourceNames(
        spec.name(),
        spec.name() + "-" + hash(modelFingerprint(spec)),
        spec.name() + "-" + hash(endpointConfigFingerprint(spec)),
        endpoint,
        variant,
        component,
        copies
            ? "inference-component/" + component
            : "endpoint/" + endpoint + "/variant/" + variant,
        copies ? COPY_DIMENSION : INSTANCE_DIMENSION,
        "copyscale-" + spec.name() + "-" + (spec.shared() ? component + "." : ""));
  }

  /** The names of every component of the spec, in its order. */
  public static List<ResourceNames> ofEach(DeploymentSpec spec) {
    return spec.components().stream().map(m -> of(spec.member(m))).toList();
  }

  /** The alarms of every deployment begin with this: {@code copyscale-DEPLOYMENT-}. */
  public String alarmPrefix() {
    return "copyscale-" + deployment + "-";
  }

  /** Whether a model or endpoint config name is one this deployment derived (any hash). */
  public boolean owns(String name) {
    return name.length() == deployment.length() + 1 + HASH_LENGTH
        && name.startsWith(deployment + "-")
        && name.substring(deployment.length() + 1)
            .chars()
            .allMatch(c -> Character.digit(c, 16) >= 0);
  }

  /**
   * The scaling policy name of a spec policy: {@code copyscale-DEPLOYMENT-POLICY}, on a shared
   * endpoint {@code copyscale-DEPLOYMENT-COMPONENT.POLICY}.
   */
  public String policy(String policyName) {
    return policyPrefix + policyName;
  }

  public String targetTrackingPolicy() {
    return policy("target-tracking");
  }

  /** Alarms of step policies share the policy's name, so one can be found from the other. */
  public String alarm(String policyName) {
    return policy(policyName);
  }

  /**
   * What the model contains: image, model id, environment, secret (its ARN, never its value), role,
   * and the S3 prefix of the weights when they come from S3 (appended only then, so the names of
   * models without one stay what they were).
   */
  static String modelFingerprint(DeploymentSpec spec) {
    Map<String, String> env = new TreeMap<>(spec.component().env());
    return String.join(
            "\n",
            spec.component().image(),
            spec.component().modelId(),
            env.toString(),
            spec.component().hfTokenSecretArn().orElse(""),
            spec.executionRoleArn())
        + spec.component().modelDataS3Uri().map(uri -> "\nmodelDataS3Uri=" + uri).orElse("");
  }

  static String endpointConfigFingerprint(DeploymentSpec spec) {
    DeploymentSpec.Endpoint e = spec.endpoint();
    return String.join(
        "\n",
        e.instanceType(),
        e.variantName(),
        String.valueOf(e.initialInstanceCount()),
        e.managedInstanceScaling().toString(),
        e.routing(),
        spec.executionRoleArn());
  }

  private static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
