package dev.copyscale.spec;

import dev.copyscale.catalog.ModelProfile;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A copyscale/v1 deployment: the one document that describes an LLM deployment on SageMaker
 * inference components: one endpoint, and the components on it. Field by field documentation:
 * docs/spec.md. Build it with {@link SpecParser}, which reports every problem at once and runs the
 * cross-field rules ({@link SpecRules}); a spec object that exists has passed them.
 *
 * <p>A spec is written either in the single form ({@code component:} and {@code scaling:}) or as a
 * list ({@code components:}, each entry a component with its own {@code scaling}). Either way
 * {@link #components()} lists them; {@link #component()} and {@link #scaling()} are the first, for
 * everything that serves one component.
 *
 * @param components the components on the endpoint, in the spec's order (one in the single form)
 * @param shared whether the spec lists more than one component: their AWS names then carry the
 *     component's name ({@code ResourceNames}); a member view ({@link #member}) keeps it
 */
public record DeploymentSpec(
    String apiVersion,
    String name,
    String executionRoleArn,
    Endpoint endpoint,
    List<Member> components,
    boolean shared,
    Guardrails guardrails) {

  public static final String API_VERSION = "copyscale/v1";

  public DeploymentSpec {
    components = List.copyOf(components);
  }

  /** A spec in the single form: one component and its scaling. */
  public DeploymentSpec(
      String apiVersion,
      String name,
      String executionRoleArn,
      Endpoint endpoint,
      Component component,
      Scaling scaling,
      Guardrails guardrails) {
    this(
        apiVersion,
        name,
        executionRoleArn,
        endpoint,
        List.of(new Member(component, scaling)),
        false,
        guardrails);
  }

  /** The first component (the only one in the single form); null if none was readable. */
  public Component component() {
    return components.isEmpty() ? null : components.get(0).component();
  }

  /** The first component's scaling (the only one in the single form). */
  public Scaling scaling() {
    return components.isEmpty() ? null : components.get(0).scaling();
  }

  /**
   * This spec seen as one of its components alone: the endpoint, guardrails and names as here, with
   * {@code member} as its only component. Everything that serves one component (preflight, the
   * deploy planner's per-component steps, the requests) works on these views.
   */
  public DeploymentSpec member(Member member) {
    return new DeploymentSpec(
        apiVersion, name, executionRoleArn, endpoint, List.of(member), shared, guardrails);
  }

  /**
   * The name of what this spec scales in the state table (its target state, ledger and intents):
   * the deployment's in the single form; {@code DEPLOYMENT.COMPONENT} for a member view of a shared
   * endpoint ({@link #member}). A dot never appears in a deployment or component name, so no two
   * targets' names meet.
   */
  public String targetName() {
    return shared ? name + "." + component().name() : name;
  }

  /** One component on the endpoint with its scaling. */
  public record Member(Component component, Scaling scaling) {
    public String name() {
      return component == null ? "" : component.name();
    }
  }

  /**
   * The endpoint and its one production variant.
   *
   * @param budget dollars an hour the whole endpoint may cost (the arbiter's cap,
   *     docs/endpoints.md)
   */
  public record Endpoint(
      String name,
      String variantName,
      String instanceType,
      int initialInstanceCount,
      ManagedInstanceScaling managedInstanceScaling,
      String routing,
      Optional<Double> budget) {
    public Endpoint {
      budget = budget == null ? Optional.empty() : budget;
    }
  }

  /** SageMaker managed instance scaling on the variant: SageMaker adds instances copies need. */
  public record ManagedInstanceScaling(boolean enabled, int minInstances, int maxInstances) {
    public static final ManagedInstanceScaling DISABLED = new ManagedInstanceScaling(false, 0, 0);
  }

  /**
   * The inference component: TGI container, model, resources per copy, copy count. The weights come
   * from the Hugging Face Hub ({@code modelId}, with {@code hfTokenSecretArn} for a gated model)
   * or, the production path, from an S3 prefix SageMaker copies to /opt/ml/model ({@code
   * modelDataS3Uri}); {@code modelId} then still names the model for preflight and load. {@code
   * dataCache} turns on SageMaker's inference component data caching
   * (DataCacheConfig.EnableCaching): copies placed on an instance that already holds the model's
   * artifacts skip their download. {@code priority} orders components when the endpoint's capacity
   * runs short (larger first, docs/endpoints.md rule 4); {@code adapters} are LoRA adapter
   * inference components on this one.
   */
  public record Component(
      String name,
      String image,
      String modelId,
      Optional<String> hfTokenSecretArn,
      Optional<String> modelDataS3Uri,
      Map<String, String> env,
      Resources resources,
      int copies,
      int startupHealthCheckTimeoutSeconds,
      int modelDataDownloadTimeoutSeconds,
      boolean dataCache,
      Optional<Model> model,
      int priority,
      List<Adapter> adapters) {
    public Component {
      env = Map.copyOf(env);
      adapters = adapters == null ? List.of() : List.copyOf(adapters);
    }
  }

  /**
   * A LoRA adapter inference component on its base component ({@code
   * Specification.BaseInferenceComponentName}): its weights under {@code artifactUrl} ({@code
   * Container.ArtifactUrl}); no compute, copies or scaling of its own (it uses its base's).
   */
  public record Adapter(String name, String artifactUrl) {}

  /** Compute one copy reserves on an instance. */
  public record Resources(int accelerators, double cpus, int memoryMb) {}

  /**
   * A model the catalog does not know (or the spec's own figures for one it knows): the figures
   * that decide its GPU memory, the shapes a serving model needs ({@code architecture}), either
   * given field by field or read from the model's own config.json ({@code config}), and the chat
   * template its requests are rendered with ({@code copyscale load}): a {@code .jinja} file or the
   * model's {@code tokenizer_config.json}, relative to where the command runs.
   *
   * @param fromConfig whether the figures come from {@code component.model.config}
   */
  public record Model(
      double parametersBillions,
      int layers,
      int kvHeads,
      int headDim,
      String dtype,
      int maxContextTokens,
      Optional<String> chatTemplate,
      Optional<ModelProfile.Architecture> architecture,
      boolean fromConfig) {

    /** The memory figures alone, as before the architecture. */
    public Model(
        double parametersBillions,
        int layers,
        int kvHeads,
        int headDim,
        String dtype,
        int maxContextTokens,
        Optional<String> chatTemplate) {
      this(
          parametersBillions,
          layers,
          kvHeads,
          headDim,
          dtype,
          maxContextTokens,
          chatTemplate,
          Optional.empty(),
          false);
    }

    /** Where the figures come from, for provenance lines. */
    public String source() {
      return fromConfig ? "config.json (component.model.config)" : "spec component.model";
    }

    /** The figures as the catalog holds a model's, under {@code modelId}. */
    public ModelProfile profile(String modelId) {
      return new ModelProfile(
          modelId,
          List.of(),
          parametersBillions,
          layers,
          kvHeads,
          headDim,
          dtype,
          maxContextTokens,
          "",
          source(),
          architecture);
    }
  }

  /** Which capacity the scalable target moves. */
  public enum Dimension {
    /** sagemaker:inference-component:DesiredCopyCount on inference-component/NAME. */
    COPIES("copies"),
    /** sagemaker:variant:DesiredInstanceCount on endpoint/NAME/variant/VARIANT. */
    INSTANCES("instances");

    private final String specValue;

    Dimension(String specValue) {
      this.specValue = specValue;
    }

    public String specValue() {
      return specValue;
    }

    /** Name of the bounds' fields in the spec: copies or instances. */
    public String boundNoun() {
      return this == COPIES ? "Copies" : "Instances";
    }
  }

  /** Who runs the dynamic scaling policies of the target. */
  public enum Engine {
    /** Application Auto Scaling runs the policies. */
    NATIVE("native"),
    /** CloudWatch alarms invoke copyscale's step-scaling function, which decides. */
    ORCHESTRATED("orchestrated"),
    /**
     * copyscale's own engine: the user states a time-to-first-token objective ({@link Slo}) and the
     * step-scaling function plans instances and copies for it from SageMaker's metrics.
     */
    SLO("slo");

    private final String specValue;

    Engine(String specValue) {
      this.specValue = specValue;
    }

    public String specValue() {
      return specValue;
    }

    /**
     * Whether Application Auto Scaling runs the policies (their alarms act on the policies
     * directly), rather than copyscale deciding on its alarms: deploy then registers policies
     * instead of alarms of its own.
     */
    public boolean policiesRunInApplicationAutoScaling() {
      return this == NATIVE;
    }

    /** What an alarm of a policy this engine acts on is for, in the alarm's description. */
    public String alarmPurpose(String policy) {
      return this == SLO ? "wakes engine slo (" + policy + ")" : "step policy " + policy;
    }
  }

  public record Scaling(
      Dimension dimension,
      int minCapacity,
      int maxCapacity,
      Engine engine,
      Optional<TargetTracking> targetTracking,
      List<StepPolicy> stepPolicies,
      List<Schedule> schedules,
      Optional<Slo> slo) {
    public Scaling {
      stepPolicies = List.copyOf(stepPolicies);
      schedules = List.copyOf(schedules);
      slo = slo == null ? Optional.empty() : slo;
    }
  }

  /**
   * The objective of {@code engine: slo} (docs/slo.md): the share of requests whose time to first
   * token stays within {@code ttft}. The rest are expert settings with defaults that need no
   * tuning.
   *
   * @param attainment a fraction, 0.99 for "99%"
   * @param headroom a fraction each copy is planned below what it carries within the objective, 0
   *     by default
   * @param scaleInWindow how far back the load must have stayed below an instance's worth before it
   *     is released
   * @param forecast whether a recurring pattern in the metric history is scaled ahead of
   * @param leadTime how long new capacity takes to serve; empty: estimated from the model's size
   * @param servingProfile a serving table (the bundled CSV format) for a model or GPU copyscale has
   *     none for
   * @param requestTail the 99th-percentile request (prompt and output tokens alike) over the median
   *     one; empty: the measured spread copyscale holds (docs/slo.md)
   */
  /**
   * engine slo's objective: time to first token, time per output token after it (inter-token
   * latency), or both; a request meets it only if it meets every one given.
   */
  public record Slo(
      Optional<java.time.Duration> ttft,
      Optional<java.time.Duration> itl,
      double attainment,
      double headroom,
      java.time.Duration scaleInWindow,
      boolean forecast,
      Optional<java.time.Duration> leadTime,
      Optional<String> servingProfile,
      Optional<Double> requestTail) {
    /**
     * About four times the lead time of a new instance with an 8B model (docs/slo.md): an instance
     * released is bought back with a start-up's worth of requests served late, so it is held until
     * the load has stayed low long enough that a burst is unlikely to return before it would be
     * back.
     */
    public static final java.time.Duration DEFAULT_SCALE_IN_WINDOW =
        java.time.Duration.ofMinutes(30);
  }

  public record TargetTracking(
      String metric,
      double target,
      int scaleOutCooldownSeconds,
      int scaleInCooldownSeconds,
      boolean disableScaleIn) {}

  /**
   * A step (or simple) scaling policy and the CloudWatch alarm that triggers it. Step bounds are
   * relative to the alarm threshold, as in Application Auto Scaling. {@code simple} says the policy
   * was written as {@code simple: {adjustment, cooldownSeconds}}: one step from the threshold on.
   */
  public record StepPolicy(
      String name,
      boolean simple,
      Engine engine,
      Alarm alarm,
      AdjustmentType adjustmentType,
      List<Step> steps,
      int cooldownSeconds,
      Optional<Integer> minAdjustmentMagnitude,
      String metricAggregation) {
    public StepPolicy {
      steps = List.copyOf(steps);
    }
  }

  /** One step: {@code lower}/{@code upper} empty mean -infinity/+infinity. */
  public record Step(Optional<Double> lower, Optional<Double> upper, int adjustment) {}

  public record Alarm(
      String metric,
      String statistic,
      int periodSeconds,
      int evaluationPeriods,
      int datapointsToAlarm,
      double threshold,
      Comparison comparison,
      String treatMissingData) {}

  /** A recurring window: from each occurrence of {@code cron} on, the bounds are these. */
  public record Schedule(
      String name,
      String cron,
      String timezone,
      int minCapacity,
      int maxCapacity,
      int leadSeconds) {}

  /** Hard limits that no event, schedule or policy can exceed. */
  public record Guardrails(int maxCopies, int maxInstances, boolean dryRun) {}
}
