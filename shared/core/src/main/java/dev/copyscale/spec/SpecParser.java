package dev.copyscale.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.copyscale.catalog.HfConfig;
import dev.copyscale.catalog.ModelProfile;
import dev.copyscale.json.Json;
import dev.copyscale.spec.DeploymentSpec.Adapter;
import dev.copyscale.spec.DeploymentSpec.Alarm;
import dev.copyscale.spec.DeploymentSpec.Component;
import dev.copyscale.spec.DeploymentSpec.Dimension;
import dev.copyscale.spec.DeploymentSpec.Endpoint;
import dev.copyscale.spec.DeploymentSpec.Engine;
import dev.copyscale.spec.DeploymentSpec.Guardrails;
import dev.copyscale.spec.DeploymentSpec.ManagedInstanceScaling;
import dev.copyscale.spec.DeploymentSpec.Member;
import dev.copyscale.spec.DeploymentSpec.Model;
import dev.copyscale.spec.DeploymentSpec.Resources;
import dev.copyscale.spec.DeploymentSpec.Scaling;
import dev.copyscale.spec.DeploymentSpec.Schedule;
import dev.copyscale.spec.DeploymentSpec.Slo;
import dev.copyscale.spec.DeploymentSpec.Step;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import dev.copyscale.spec.DeploymentSpec.TargetTracking;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a copyscale/v1 document (YAML or JSON) into a {@link DeploymentSpec}, checking every field
 * against what the AWS APIs accept, then runs {@link SpecRules}. All problems are reported at once.
 */
public final class SpecParser {
  /** SageMaker resource names: endpoint, variant, inference component, model, endpoint config. */
  static final Pattern SAGEMAKER_NAME = Pattern.compile("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$");

  static final String SAGEMAKER_NAME_RULE =
      "1-63 letters, digits and hyphens, starting and ending with a letter or digit";

  /**
   * The deployment name prefixes derived names such as {@code NAME-0123456789} (model, endpoint
   * config, 63 characters at most) and {@code copyscale-NAME} (schedule group, 64 at most).
   */
  static final Pattern DEPLOYMENT_NAME = Pattern.compile("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,39}$");

  static final Pattern POLICY_NAME = Pattern.compile("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,39}$");
  static final String SHORT_NAME_RULE =
      "1-40 letters, digits and hyphens, starting and ending with a letter or digit";

  static final Pattern ROLE_ARN =
      Pattern.compile("^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$");
  static final Pattern SECRET_ARN =
      Pattern.compile(
          "^arn:aws[a-z\\-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+$");

  /** SageMaker's Image: up to 255 characters, no white space. */
  static final Pattern IMAGE = Pattern.compile("^\\S{1,255}$");

  /** A Hugging Face Hub id ({@code org/name} or {@code name}) or a path inside the container. */
  static final Pattern MODEL_ID = Pattern.compile("^([A-Za-z0-9][\\w.-]*(/[\\w.-]+)?|/[\\w./-]+)$");

  /**
   * SageMaker's hosting instance types, as the SDK's ProductionVariantInstanceType lists them (a
   * test in shared/aws keeps the two equal).
   */
  public static final List<String> INSTANCE_TYPES = readInstanceTypes();

  private static List<String> readInstanceTypes() {
    try (var in = SpecParser.class.getResourceAsStream("sagemaker-instance-types.txt")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .sorted()
          .toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static final List<String> ROUTING = List.of("LEAST_OUTSTANDING_REQUESTS", "RANDOM");
  static final List<String> ADJUSTMENT_TYPES =
      java.util.Arrays.stream(AdjustmentType.values()).map(AdjustmentType::awsName).toList();
  static final List<String> AGGREGATIONS = List.of("Average", "Minimum", "Maximum");
  static final List<String> STATISTICS =
      List.of("Average", "Sum", "Minimum", "Maximum", "SampleCount");
  static final List<String> COMPARISONS =
      java.util.Arrays.stream(Comparison.values()).map(Comparison::awsName).toList();
  static final List<String> MISSING_DATA =
      List.of("missing", "notBreaching", "breaching", "ignore");
  static final List<String> TARGET_TRACKING_METRICS =
      List.of(
          "SageMakerInferenceComponentInvocationsPerCopy",
          "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution",
          "SageMakerVariantInvocationsPerInstance",
          "SageMakerVariantConcurrentRequestsPerModelHighResolution");

  /** The most copies and instances a spec or event may name (docs/spec.md). */
  public static final int MAX_COPIES = 1000;

  public static final int MAX_INSTANCES = 1000;
  static final int DAY_SECONDS = 86_400;

  /** JSON with duplicate keys, and anything after the document, refused. */
  private static final ObjectMapper JSON = Json.strict();

  private SpecParser() {}

  /**
   * JSON is YAML, but the JSON parser reads it many times faster: the functions parse the stored
   * spec (JSON) on every invocation, and the simulator runs them every minute of a simulated week.
   * JSON's numbers are already YAML 1.2's (no leading zeros, no NaN).
   */
  private static boolean isJson(String document) {
    return document.stripLeading().startsWith("{");
  }

  /** The document as a tree, and the problems of values found while reading it. */
  private static SpecYaml.Read tree(String document) {
    if (!isJson(document)) {
      return SpecYaml.read(document);
    }
    try {
      return new SpecYaml.Read(JSON.readTree(document), List.of());
    } catch (JsonProcessingException e) {
      Json.Failure failure = Json.failure(e);
      throw new SpecYaml.NotYaml(
          failure.reason() + failure.where().map(w -> " at " + w).orElse(""));
    }
  }

  /**
   * Parses and validates a YAML (1.2) or JSON document: one document, every problem reported at
   * once.
   */
  public static SpecResult parse(String document) {
    SpecYaml.Read read;
    try {
      read = tree(document);
    } catch (SpecYaml.NotYaml e) {
      return SpecResult.invalid(
          List.of(new Problem("", "not valid YAML or JSON: " + e.getMessage())));
    }
    return parse(read.tree(), read.problems());
  }

  /** A YAML or JSON document as a tree (for passing a spec on as a JSON event). */
  public static JsonNode toTree(String document) {
    try {
      return tree(document).tree();
    } catch (SpecYaml.NotYaml e) {
      throw new IllegalArgumentException("not valid YAML or JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Validates a document that is already a tree, e.g. the {@code detail} of an EventBridge event.
   */
  public static SpecResult parse(JsonNode root) {
    return parse(root, List.of());
  }

  private static SpecResult parse(JsonNode root, List<Problem> found) {
    if (root == null || !root.isObject()) {
      return SpecResult.invalid(
          List.of(
              new Problem(
                  "", "a spec must be an object with apiVersion: " + DeploymentSpec.API_VERSION)));
    }
    Problems problems = new Problems();
    found.forEach(p -> problems.add(p.path(), p.message()));
    Node node = new Node(root, "", problems);
    DeploymentSpec spec = read(node);
    node.finish();
    SpecRules.check(spec, problems, root.has("components"));
    return problems.isEmpty() ? SpecResult.valid(spec) : SpecResult.invalid(problems.list());
  }

  private static DeploymentSpec read(Node n) {
    String apiVersion = n.requiredString("apiVersion");
    if (!n.problems().at("apiVersion") && !apiVersion.equals(DeploymentSpec.API_VERSION)) {
      n.problems()
          .add(
              "apiVersion",
              "\"" + apiVersion + "\" is not supported; use " + DeploymentSpec.API_VERSION);
    }
    String name = n.requiredMatching("name", DEPLOYMENT_NAME, SHORT_NAME_RULE);
    String role =
        n.requiredMatching(
            "executionRoleArn", ROLE_ARN, "an IAM role ARN, arn:aws:iam::ACCOUNT:role/NAME");
    Endpoint endpoint = n.requiredObject("endpoint").map(SpecParser::endpoint).orElse(null);
    List<Member> members = members(n);
    Guardrails guardrails = n.requiredObject("guardrails").map(SpecParser::guardrails).orElse(null);
    return new DeploymentSpec(
        apiVersion, name, role, endpoint, members, members.size() > 1, guardrails);
  }

  /**
   * The most components one spec puts on its endpoint. ASSUMED, not an AWS figure: SageMaker's
   * quota of inference components per endpoint is an account's Service Quotas value that its API
   * reference does not state; ten keeps one reviewed document, one arbiter decision and one
   * deploy's observation (a describe per component each reconcile) small. Raise it here.
   */
  public static final int MAX_COMPONENTS = 10;

  /**
   * Exactly one of the single form ({@code component} and {@code scaling}) and the list ({@code
   * components}, 1 to {@link #MAX_COMPONENTS}, each with its own {@code scaling}).
   */
  private static List<Member> members(Node n) {
    boolean single = n.has("component") || n.has("scaling");
    if (!n.has("components")) {
      Component component = n.requiredObject("component").map(SpecParser::component).orElse(null);
      Scaling scaling = n.requiredObject("scaling").map(SpecParser::scaling).orElse(null);
      return List.of(new Member(component, scaling));
    }
    if (single) {
      n.problems()
          .add(
              n.has("component") ? "component" : "scaling",
              "give either component and scaling (one component) or components (a list, each"
                  + " with its own scaling), not both");
    }
    List<Member> members = n.objects("components", SpecParser::member);
    if (!n.problems().at("components")) {
      if (members.isEmpty()) {
        n.problems()
            .add("components", "needs at least one component (name, image, modelId, scaling, ...)");
      } else if (members.size() > MAX_COMPONENTS) {
        n.problems()
            .add(
                "components",
                "lists "
                    + members.size()
                    + " components; one spec puts at most "
                    + MAX_COMPONENTS
                    + " on its endpoint (docs/spec.md): split them over endpoints");
      }
    }
    return members.isEmpty() ? List.of(new Member(null, null)) : members;
  }

  /** One entry of {@code components}: a component's fields and its {@code scaling}. */
  private static Member member(Node n) {
    Scaling scaling = n.requiredObject("scaling").map(SpecParser::scaling).orElse(null);
    return new Member(component(n), scaling);
  }

  private static Endpoint endpoint(Node n) {
    Endpoint endpoint =
        new Endpoint(
            n.requiredMatching("name", SAGEMAKER_NAME, SAGEMAKER_NAME_RULE),
            n.matching("variantName", "AllTraffic", SAGEMAKER_NAME, SAGEMAKER_NAME_RULE),
            instanceType(n),
            n.integer("initialInstanceCount", 1, 1, MAX_INSTANCES),
            n.optionalObject("managedInstanceScaling")
                .map(SpecParser::managedInstanceScaling)
                .orElse(ManagedInstanceScaling.DISABLED),
            n.oneOf("routing", "LEAST_OUTSTANDING_REQUESTS", ROUTING, false),
            n.optionalNumber("budget", 0.01, 1e7));
    n.finish();
    return endpoint;
  }

  private static String instanceType(Node n) {
    String type = n.requiredString("instanceType");
    if (!n.problems().at(n.pathOf("instanceType")) && !INSTANCE_TYPES.contains(type)) {
      n.problems()
          .add(
              n.pathOf("instanceType"),
              "\""
                  + type
                  + "\" is not a SageMaker hosting instance type (ProductionVariantInstanceType),"
                  + " e.g. ml.g5.12xlarge, ml.g6e.2xlarge, ml.p4d.24xlarge; run `copyscale catalog`"
                  + " for the GPU types preflight knows");
    }
    return type;
  }

  private static ManagedInstanceScaling managedInstanceScaling(Node n) {
    boolean enabled = n.bool("enabled", true);
    ManagedInstanceScaling mis =
        new ManagedInstanceScaling(
            enabled,
            n.integer("minInstances", 1, 0, MAX_INSTANCES),
            enabled
                ? n.requiredInt("maxInstances", 1, MAX_INSTANCES)
                : n.integer("maxInstances", 0, 1, MAX_INSTANCES));
    n.finish();
    return mis;
  }

  private static Component component(Node n) {
    Component component =
        new Component(
            n.requiredMatching("name", SAGEMAKER_NAME, SAGEMAKER_NAME_RULE),
            n.requiredMatching(
                "image", IMAGE, "a container image URI of at most 255 characters without spaces"),
            n.requiredMatching(
                "modelId",
                MODEL_ID,
                "a Hugging Face model id such as meta-llama/Meta-Llama-3-8B-Instruct"),
            n.has("hfTokenSecretArn")
                ? Optional.of(
                    n.matching(
                        "hfTokenSecretArn",
                        "",
                        SECRET_ARN,
                        "a Secrets Manager secret ARN,"
                            + " arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME"))
                : Optional.empty(),
            modelDataS3Uri(n),
            n.stringMap("env"),
            n.requiredObject("resources").map(SpecParser::resources).orElse(null),
            n.requiredInt("copies", 0, MAX_COPIES),
            n.integer("startupHealthCheckTimeoutSeconds", 600, 60, 3600),
            n.integer("modelDataDownloadTimeoutSeconds", 1200, 60, 3600),
            n.bool("dataCache", false),
            n.optionalObject("model").map(SpecParser::model),
            n.integer("priority", 0, -1000, 1000),
            n.objects("adapters", SpecParser::adapter));
    n.finish();
    return component;
  }

  /**
   * A LoRA adapter on the component: a name and where its weights are. It has no compute, copies or
   * scaling of its own: an adapter inference component uses its base's compute, and its
   * ComputeResourceRequirements are omitted (API reference, InferenceComponentSpecification).
   */
  private static Adapter adapter(Node n) {
    for (String own : List.of("resources", "copies", "scaling", "image", "modelId", "env")) {
      if (n.has(own)) {
        n.problems()
            .add(
                n.pathOf(own),
                "an adapter has no "
                    + own
                    + " of its own: SageMaker runs it in its base component's copies, with the"
                    + " base's container and compute (InferenceComponentSpecification omits"
                    + " ComputeResourceRequirements for an adapter); remove it");
      }
    }
    Adapter adapter =
        new Adapter(
            n.requiredMatching("name", SAGEMAKER_NAME, SAGEMAKER_NAME_RULE),
            s3Uri(n, "artifactUrl", true, "s3://my-adapters/sql/").orElse(""));
    n.finish();
    return adapter;
  }

  /** An S3 prefix: s3://BUCKET/ or s3://BUCKET/KEY/PREFIX/, the bucket named as S3 allows. */
  static final Pattern S3_PREFIX =
      Pattern.compile("^s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(\\S*/)?$");

  /** SageMaker's S3Uri: at most 1024 characters. */
  static final int MAX_S3_URI = 1024;

  /**
   * Where SageMaker copies the uncompressed weights from (ModelDataSource, S3Prefix,
   * CompressionType None): an s3:// URI ending in "/", since SageMaker takes every object under a
   * prefix.
   */
  private static Optional<String> modelDataS3Uri(Node n) {
    return s3Uri(n, "modelDataS3Uri", false, "s3://my-models/llama3-8b-instruct/");
  }

  /** An S3 object: s3://BUCKET/KEY, the bucket named as S3 allows. */
  static final Pattern S3_OBJECT =
      Pattern.compile("^s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/\\S+$");

  /**
   * An S3 location SageMaker reads: at most {@link #MAX_S3_URI} characters, an s3:// URI with a
   * bucket name S3 allows. With {@code objectToo} a single object (an adapter's {@code .tar.gz}) is
   * accepted as well as a prefix; otherwise it must end in "/", a prefix SageMaker copies whole.
   */
  private static Optional<String> s3Uri(Node n, String field, boolean objectToo, String example) {
    Optional<String> uri =
        objectToo ? Optional.of(n.requiredString(field)) : n.optionalString(field);
    String path = n.pathOf(field);
    if (uri.isEmpty() || n.problems().at(path)) {
      return uri;
    }
    String value = uri.get();
    if (value.length() > MAX_S3_URI) {
      n.problems()
          .add(
              path,
              "is " + value.length() + " characters long; SageMaker's S3Uri allows " + MAX_S3_URI);
    } else if (!value.startsWith("s3://")) {
      n.problems()
          .add(
              path,
              "\""
                  + value
                  + "\" is not an s3:// URI; give the prefix the weights are under, e.g. "
                  + example);
    } else if (!objectToo && !value.endsWith("/")) {
      n.problems()
          .add(
              path,
              "\""
                  + value
                  + "\" must end with /: it is a prefix, and SageMaker copies every object under it"
                  + " to /opt/ml/model");
    } else if (!S3_PREFIX.matcher(value).matches()
        && !(objectToo && S3_OBJECT.matcher(value).matches())) {
      n.problems()
          .add(
              path,
              "\""
                  + value
                  + "\" is not valid: s3://BUCKET/PREFIX/"
                  + (objectToo ? " or s3://BUCKET/KEY" : "")
                  + " with a bucket name of 3-63 lowercase letters, digits, dots and hyphens,"
                  + " starting and ending with a letter or digit, and no spaces");
    }
    return uri;
  }

  private static Resources resources(Node n) {
    Resources resources =
        new Resources(
            n.requiredInt("accelerators", 1, 64),
            n.requiredNumber("cpus", 0.25, 1024),
            n.requiredInt("memoryMb", 128, 4 * 1024 * 1024));
    n.finish();
    return resources;
  }

  static final Pattern CHAT_TEMPLATE = Pattern.compile("^\\S{1,1024}\\.(jinja|jinja2|json)$");

  private static Model model(Node n) {
    Optional<ModelProfile> config =
        n.optionalJsonObject("config")
            .flatMap(
                raw -> {
                  HfConfig.Read read =
                      HfConfig.read("", raw, "config.json (component.model.config)");
                  read.issues()
                      .forEach(
                          i ->
                              n.problems()
                                  .add(
                                      n.pathOf("config")
                                          + (i.field().isEmpty() ? "" : "." + i.field()),
                                      i.message()));
                  return read.model();
                });
    // With a config.json every figure comes from it and the fields only override it.
    boolean fromConfig = n.has("config");
    Optional<ModelProfile.Architecture> configured = config.flatMap(ModelProfile::architecture);
    Model model =
        new Model(
            fromConfig
                ? n.optionalNumber("parametersBillions", 0.001, 10_000)
                    .orElse(config.map(ModelProfile::parametersBillions).orElse(1.0))
                : n.requiredNumber("parametersBillions", 0.001, 10_000),
            figure(n, "layers", 1000, fromConfig, config.map(ModelProfile::layers)),
            figure(n, "kvHeads", 1024, fromConfig, config.map(ModelProfile::kvHeads)),
            figure(n, "headDim", 4096, fromConfig, config.map(ModelProfile::headDim)),
            n.oneOf(
                "dtype",
                config
                    .map(ModelProfile::dtype)
                    .filter(d -> ModelDtype.byName(d).isPresent())
                    .orElse("bfloat16"),
                ModelDtype.names(),
                false),
            n.integer(
                "maxContextTokens",
                config.map(ModelProfile::maxContextTokens).orElse(Integer.MAX_VALUE),
                1,
                Integer.MAX_VALUE),
            n.has("chatTemplate")
                ? Optional.of(
                    n.matching(
                        "chatTemplate",
                        "",
                        CHAT_TEMPLATE,
                        "a path to a .jinja file or a tokenizer_config.json"))
                : Optional.empty(),
            architecture(n, configured),
            fromConfig);
    n.finish();
    return model;
  }

  private static int figure(
      Node n, String field, int max, boolean fromConfig, Optional<Integer> configured) {
    return fromConfig
        ? n.optionalInt(field, 1, max).orElse(configured.orElse(1))
        : n.requiredInt(field, 1, max);
  }

  /**
   * The shapes a serving model needs: config.json's, each overridable by its field; without a
   * config, hiddenSize, attentionHeads, intermediateSize and vocabSize come together or not at all.
   */
  private static Optional<ModelProfile.Architecture> architecture(
      Node n, Optional<ModelProfile.Architecture> configured) {
    List<String> fields = List.of("hiddenSize", "attentionHeads", "intermediateSize", "vocabSize");
    Optional<Integer> hidden = n.optionalInt("hiddenSize", 1, 1 << 20);
    Optional<Integer> heads = n.optionalInt("attentionHeads", 1, 4096);
    Optional<Integer> intermediate = n.optionalInt("intermediateSize", 1, 1 << 22);
    Optional<Integer> vocab = n.optionalInt("vocabSize", 1, 1 << 24);
    Optional<Integer> experts = n.optionalInt("experts", 1, 4096);
    Optional<Integer> perToken = n.optionalInt("expertsPerToken", 1, 4096);
    if (configured.isPresent()) {
      ModelProfile.Architecture c = configured.get();
      return Optional.of(
          new ModelProfile.Architecture(
              hidden.orElse(c.hiddenSize()),
              heads.orElse(c.attentionHeads()),
              intermediate.orElse(c.intermediateSize()),
              vocab.orElse(c.vocabSize()),
              experts.orElse(c.experts()),
              perToken.orElse(c.expertsPerToken()),
              c.tiedEmbeddings()));
    }
    long given =
        java.util.stream.Stream.of(hidden, heads, intermediate, vocab)
            .filter(Optional::isPresent)
            .count();
    if (given == 0) {
      if (experts.isPresent() || perToken.isPresent()) {
        n.problems()
            .add(
                n.pathOf("experts"),
                "goes with hiddenSize, attentionHeads, intermediateSize and"
                    + " vocabSize (or the model's config.json as component.model.config)");
      }
      return Optional.empty();
    }
    if (given < fields.size()) {
      for (int i = 0; i < fields.size(); i++) {
        if (List.of(hidden, heads, intermediate, vocab).get(i).isEmpty()) {
          n.problems()
              .add(
                  n.pathOf(fields.get(i)),
                  "is required with "
                      + String.join(", ", fields)
                      + " (the shapes a serving model needs), or give the model's config.json as"
                      + " component.model.config");
        }
      }
      return Optional.empty();
    }
    return Optional.of(
        new ModelProfile.Architecture(
            hidden.get(),
            heads.get(),
            intermediate.get(),
            vocab.get(),
            experts.orElse(1),
            perToken.orElse(1),
            false));
  }

  private static Scaling scaling(Node n) {
    Dimension dimension =
        switch (n.oneOf("dimension", "copies", List.of("copies", "instances"), false)) {
          case "instances" -> Dimension.INSTANCES;
          default -> Dimension.COPIES;
        };
    String noun = dimension.boundNoun();
    String other = dimension == Dimension.COPIES ? "Instances" : "Copies";
    for (String bound : List.of("min" + other, "max" + other)) {
      if (n.has(bound)) {
        n.problems()
            .add(
                n.pathOf(bound),
                "does not apply with dimension: "
                    + dimension.specValue()
                    + "; the bounds are min"
                    + noun
                    + "/max"
                    + noun);
      }
    }
    int limit = dimension == Dimension.COPIES ? MAX_COPIES : MAX_INSTANCES;
    int min = n.requiredInt("min" + noun, 0, limit);
    int max = n.requiredInt("max" + noun, dimension == Dimension.COPIES ? 0 : 1, limit);
    Engine engine = engine(n, "engine", Engine.NATIVE);
    Scaling scaling =
        new Scaling(
            dimension,
            min,
            max,
            engine,
            n.optionalObject("targetTracking").map(SpecParser::targetTracking),
            n.objects("stepPolicies", p -> stepPolicy(p, engine)),
            n.objects("schedules", s -> schedule(s, noun)),
            n.optionalObject("slo").map(SpecParser::slo));
    n.finish();
    return scaling;
  }

  private static Engine engine(Node n, String field, Engine fallback) {
    return switch (n.oneOf(
        field, fallback.specValue(), List.of("native", "orchestrated", "slo"), false)) {
      case "orchestrated" -> Engine.ORCHESTRATED;
      case "slo" -> Engine.SLO;
      default -> Engine.NATIVE;
    };
  }

  private static final Pattern PERCENT = Pattern.compile("^(\\d{1,2}(?:\\.\\d+)?)%$");

  private static Slo slo(Node n) {
    Slo slo =
        new Slo(
            n.optionalDuration("ttft", Duration.ofMillis(1), Duration.ofSeconds(60)),
            n.optionalDuration("itl", Duration.ofMillis(1), Duration.ofSeconds(10)),
            percent(
                n.requiredMatching(
                    "attainment", PERCENT, "a percentage below 100, e.g. 99% or 99.5%")),
            percent(n.matching("headroom", "0%", PERCENT, "a percentage below 100, e.g. 10%")),
            n.duration(
                "scaleInWindow",
                Slo.DEFAULT_SCALE_IN_WINDOW,
                Duration.ofMinutes(1),
                Duration.ofDays(1)),
            n.bool("forecast", true),
            n.optionalDuration("leadTime", Duration.ofSeconds(30), Duration.ofHours(1)),
            n.optionalString("servingProfile"),
            n.optionalNumber("requestTail", 1, 100));
    if (!n.has("ttft") && !n.has("itl")) {
      n.problems()
          .add(
              n.pathOf("ttft"),
              "is required unless itl is given: the objective is a time to first token (ttft), a"
                  + " time per output token (itl) or both, e.g. {ttft: 2s, attainment: 99%}");
    }
    n.finish();
    return slo;
  }

  private static double percent(String text) {
    java.util.regex.Matcher m = PERCENT.matcher(text);
    return m.matches() ? Double.parseDouble(m.group(1)) / 100 : Double.NaN;
  }

  private static TargetTracking targetTracking(Node n) {
    TargetTracking tt =
        new TargetTracking(
            n.oneOf(
                "metric",
                "SageMakerInferenceComponentInvocationsPerCopy",
                TARGET_TRACKING_METRICS,
                true),
            n.requiredNumber("target", 1e-6, 1e9),
            n.integer("scaleOutCooldownSeconds", 300, 0, DAY_SECONDS),
            n.integer("scaleInCooldownSeconds", 300, 0, DAY_SECONDS),
            n.bool("disableScaleIn", false));
    n.finish();
    return tt;
  }

  private static StepPolicy stepPolicy(Node n, Engine scalingEngine) {
    String name = n.requiredMatching("name", POLICY_NAME, SHORT_NAME_RULE);
    Engine engine = engine(n, "engine", scalingEngine);
    Alarm alarm = n.requiredObject("alarm").map(SpecParser::alarm).orElse(null);
    Optional<Node> simple = n.optionalObject("simple");
    boolean hasSteps = n.has("steps");
    if (simple.isPresent() && hasSteps) {
      n.problems().add(n.pathOf("simple"), "give either simple or steps, not both");
    }
    if (simple.isEmpty() && !hasSteps) {
      n.problems()
          .add(n.pathOf("steps"), "is required (or give simple: {adjustment, cooldownSeconds})");
    }
    AdjustmentType adjustmentType;
    List<Step> steps;
    int cooldown;
    if (simple.isPresent()) {
      Node s = simple.get();
      adjustmentType = adjustmentType(s);
      int adjustment = s.requiredInt("adjustment", -MAX_COPIES, MAX_COPIES);
      cooldown = s.integer("cooldownSeconds", 300, 0, DAY_SECONDS);
      s.finish();
      steps = List.of(simpleStep(alarm, adjustment));
    } else {
      adjustmentType = adjustmentType(n);
      steps = n.objects("steps", SpecParser::step);
      cooldown = n.integer("cooldownSeconds", 300, 0, DAY_SECONDS);
    }
    if (simple.isPresent()) {
      for (String field : List.of("adjustmentType", "cooldownSeconds")) {
        if (n.has(field)) {
          n.problems().add(n.pathOf(field), "goes inside simple: when simple is used");
        }
      }
    }
    StepPolicy policy =
        new StepPolicy(
            name,
            simple.isPresent(),
            engine,
            alarm,
            adjustmentType,
            steps,
            cooldown,
            n.optionalInt("minAdjustmentMagnitude", 1, MAX_COPIES),
            n.oneOf("metricAggregation", "Average", AGGREGATIONS, false));
    n.finish();
    return policy;
  }

  /** An invalid name is a problem reported by oneOf; the spec is then never built. */
  private static AdjustmentType adjustmentType(Node n) {
    String name = n.oneOf("adjustmentType", "ChangeInCapacity", ADJUSTMENT_TYPES, false);
    return AdjustmentType.byAwsName(name).orElse(AdjustmentType.CHANGE_IN_CAPACITY);
  }

  /**
   * Simple scaling is one step covering every breach the alarm can report: from the threshold up
   * for a greater-than alarm, from the threshold down for a less-than one.
   */
  private static Step simpleStep(Alarm alarm, int adjustment) {
    boolean below = alarm != null && alarm.comparison().below();
    return below
        ? new Step(Optional.empty(), Optional.of(0.0), adjustment)
        : new Step(Optional.of(0.0), Optional.empty(), adjustment);
  }

  private static Step step(Node n) {
    Step step =
        new Step(
            n.optionalNumber("lower", -1e12, 1e12),
            n.optionalNumber("upper", -1e12, 1e12),
            n.requiredInt("adjustment", -MAX_COPIES * 100, MAX_COPIES * 100));
    n.finish();
    return step;
  }

  private static Alarm alarm(Node n) {
    int evaluationPeriods = n.integer("evaluationPeriods", 1, 1, 1440);
    Alarm alarm =
        new Alarm(
            n.oneOf("metric", "", Metric.specNames(), true),
            n.oneOf("statistic", "Average", STATISTICS, false),
            n.integer("periodSeconds", 60, 10, DAY_SECONDS),
            evaluationPeriods,
            n.integer("datapointsToAlarm", evaluationPeriods, 1, 1440),
            n.requiredNumber("threshold", -1e12, 1e12),
            Comparison.byAwsName(
                    n.oneOf("comparison", "GreaterThanOrEqualToThreshold", COMPARISONS, true))
                .orElse(Comparison.GREATER_THAN_OR_EQUAL_TO_THRESHOLD),
            n.oneOf("treatMissingData", "missing", MISSING_DATA, false));
    n.finish();
    return alarm;
  }

  private static Schedule schedule(Node n, String noun) {
    int limit = noun.equals("Copies") ? MAX_COPIES : MAX_INSTANCES;
    Schedule schedule =
        new Schedule(
            n.requiredMatching("name", POLICY_NAME, SHORT_NAME_RULE),
            n.requiredString("cron"),
            n.string("timezone", "UTC"),
            n.requiredInt("min" + noun, 0, limit),
            n.requiredInt("max" + noun, 0, limit),
            n.integer("leadSeconds", 0, 0, DAY_SECONDS - 1));
    n.finish();
    return schedule;
  }

  private static Guardrails guardrails(Node n) {
    Guardrails guardrails =
        new Guardrails(
            n.requiredInt("maxCopies", 0, MAX_COPIES),
            n.requiredInt("maxInstances", 1, MAX_INSTANCES),
            n.bool("dryRun", false));
    n.finish();
    return guardrails;
  }
}
