package dev.copyscale.aws.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.calls.AwsErrors;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.engine.Engines;
import dev.copyscale.aws.requests.Requests;
import dev.copyscale.aws.store.Retry;
import dev.copyscale.aws.store.StateStore;
import dev.copyscale.catalog.Catalog;
import dev.copyscale.deploy.Action;
import dev.copyscale.deploy.Action.CreateComponent;
import dev.copyscale.deploy.Action.CreateEndpoint;
import dev.copyscale.deploy.Action.CreateEndpointConfig;
import dev.copyscale.deploy.Action.CreateModel;
import dev.copyscale.deploy.Action.DeleteAlarm;
import dev.copyscale.deploy.Action.DeleteComponent;
import dev.copyscale.deploy.Action.DeleteEndpoint;
import dev.copyscale.deploy.Action.DeleteEndpointConfig;
import dev.copyscale.deploy.Action.DeleteModel;
import dev.copyscale.deploy.Action.DeletePolicy;
import dev.copyscale.deploy.Action.DeregisterTarget;
import dev.copyscale.deploy.Action.PutStepPolicy;
import dev.copyscale.deploy.Action.PutTargetTracking;
import dev.copyscale.deploy.Action.RegisterTarget;
import dev.copyscale.deploy.Action.SetCopyCount;
import dev.copyscale.deploy.Action.UpdateComponent;
import dev.copyscale.deploy.Action.UpdateEndpoint;
import dev.copyscale.deploy.Applied;
import dev.copyscale.deploy.DeployConfig;
import dev.copyscale.deploy.DeployPlanner;
import dev.copyscale.deploy.DeployRequest;
import dev.copyscale.deploy.DeployResult;
import dev.copyscale.deploy.DeploymentRecord;
import dev.copyscale.deploy.Observed;
import dev.copyscale.deploy.Phase;
import dev.copyscale.deploy.Plan;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.json.Json;
import dev.copyscale.preflight.Preflight;
import dev.copyscale.scaling.state.LedgerEntry;
import dev.copyscale.scaling.state.Outcome;
import dev.copyscale.scaling.state.Source;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.DeploymentSpec.StepPolicy;
import dev.copyscale.spec.SpecParser;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.applicationautoscaling.model.DeleteScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.DeregisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.DescribeScalableTargetsRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.DescribeScalingPoliciesRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.cloudwatch.model.DeleteAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceComponentResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointConfigSummary;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentComputeResourceRequirements;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentContainerSpecificationSummary;
import software.amazon.awssdk.services.sagemaker.model.InferenceComponentRuntimeConfig;
import software.amazon.awssdk.services.sagemaker.model.ModelSummary;

/**
 * Stands up, updates or tears down a deployment by reconciling: observe what exists, take the next
 * safe steps the {@link DeployPlanner} gives, record progress in the state table, and stop when
 * SageMaker is still working. Any invocation may stop; the next one (or the reconcile schedule)
 * continues. Invalid input throws before anything on AWS changes.
 */
public final class DeployService {
  /**
   * Rounds of observe-plan-act in one invocation; each round ends when SageMaker starts working.
   */
  static final int MAX_ROUNDS = 8;

  private final Clients aws;
  private final StateStore store;
  private final Clock clock;
  private final DeployConfig config;
  private final java.time.Duration retention;
  private final Engines engines;
  private final Catalog catalog;

  /**
   * @param retention how long deploy's ledger entries are kept (the stack's LedgerRetentionDays)
   */
  public DeployService(
      Clients aws,
      StateStore store,
      Clock clock,
      DeployConfig config,
      java.time.Duration retention,
      Engines engines,
      Catalog catalog) {
    this.catalog = catalog;
    this.engines = engines;
    this.aws = aws;
    this.store = store;
    this.clock = clock;
    this.config = config;
    this.retention = retention;
  }

  /** Handles one deploy event (see {@link DeployRequest} for the shapes). */
  public List<DeployResult> handle(JsonNode event) {
    DeployRequest request = DeployRequest.parse(event);
    if (request instanceof DeployRequest.Submit submit) {
      return List.of(submit(submit.spec()));
    }
    if (request instanceof DeployRequest.Resume resume) {
      return List.of(resume(resume.deployment()));
    }
    if (request instanceof DeployRequest.Delete delete) {
      return List.of(delete(delete.deployment()));
    }
    return reconcileInProgress();
  }

  /**
   * Validates and stores a spec (new or changed), then reconciles towards it. Deploy does not go
   * through the scaling engines' {@link dev.copyscale.aws.apply.DecisionLoop}: it makes no
   * once-only decision for an event but converges AWS on the stored spec, so a repeated submit is
   * harmless by construction (it stores the same spec and takes the next safe steps again). It
   * shares the loop's rule for conflicts: another writer of the record in between means read and
   * write again ({@link Retry}).
   */
  public DeployResult submit(JsonNode document) {
    DeploymentSpec spec = SpecParser.parse(document).orThrow();
    refuseForeignRole(spec);
    refuseUnschedulable(spec);
    refuseSharedResources(spec);
    refuseMisfits(spec);
    String specJson = toJson(document);
    List<String> alarms = alarmNames(spec);
    return Retry.onConflict(
        () -> {
          Optional<DeploymentRecord> existing = store.deployment(spec.name());
          DeploymentRecord record =
              existing
                  .map(
                      r ->
                          new DeploymentRecord(
                              r.name(),
                              specJson,
                              r.phase() == Phase.Deleted ? Phase.Creating : r.phase(),
                              false,
                              r.phase() == Phase.Deleted ? Applied.none() : r.applied(),
                              r.lastActions(),
                              r.waitingFor(),
                              Optional.empty(),
                              r.phase() == Phase.Deleted ? clock.instant() : r.updatedAt(),
                              // Until the new spec reaches InService, scaling keeps following the
                              // one
                              // that did.
                              r.phase() == Phase.Deleted
                                  ? Optional.empty()
                                  : r.phase() == Phase.InService && !r.deleting()
                                      ? Optional.of(r.specJson())
                                      : r.lastGoodSpecJson(),
                              alarms,
                              r.version() + 1))
                  .orElseGet(
                      () ->
                          new DeploymentRecord(
                              spec.name(),
                              specJson,
                              Phase.Creating,
                              false,
                              Applied.none(),
                              List.of(),
                              Optional.empty(),
                              Optional.empty(),
                              clock.instant(),
                              Optional.empty(),
                              alarms,
                              1));
          store.save(record);
          return reconcile(record);
        });
  }

  public DeployResult resume(String name) {
    return reconcile(stored(name));
  }

  /** Marks the deployment for deletion and tears down what can go now. */
  public DeployResult delete(String name) {
    DeploymentRecord r = stored(name);
    DeploymentRecord deleting =
        new DeploymentRecord(
            r.name(),
            r.specJson(),
            Phase.Deleting,
            true,
            r.applied(),
            r.lastActions(),
            r.waitingFor(),
            Optional.empty(),
            clock.instant(),
            r.lastGoodSpecJson(),
            r.alarms(),
            r.version() + 1);
    store.save(deleting);
    return reconcile(deleting);
  }

  /** The reconcile schedule: advances every deployment that is not settled. */
  public List<DeployResult> reconcileInProgress() {
    List<DeployResult> results = new ArrayList<>();
    for (DeploymentRecord r : store.deployments()) {
      if (r.inProgress()) {
        try {
          results.add(reconcile(r));
        } catch (RuntimeException e) {
          // One broken deployment must not stall the others' reconciles.
          results.add(
              new DeployResult(
                  r.name(),
                  r.phase(),
                  List.of(),
                  r.waitingFor(),
                  Optional.of(
                      "reconcile failed: " + AwsErrors.describe(e) + "; the next tick tries again"),
                  DeployResult.Status.UNKNOWN));
        }
      }
    }
    return results;
  }

  private DeploymentRecord stored(String name) {
    return store
        .deployment(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown deployment \"" + name + "\": submit its spec first"));
  }

  /**
   * A spec preflight says cannot run (a copy that fits no instance, a model larger than a copy's
   * GPU memory, copies its instances cannot hold) is refused before anything is created or billed,
   * each problem naming its field. What the catalog does not know (an instance type or a model
   * outside it) preflight cannot check, and the deploy goes ahead.
   */
  private void refuseMisfits(DeploymentSpec spec) {
    List<String> misfits =
        new Preflight(catalog, Preflight.DEFAULT_RUNTIME_OVERHEAD_GIB).run(spec).misfits();
    if (!misfits.isEmpty()) {
      throw new IllegalArgumentException(
          "the spec cannot run as written, so nothing was created (preflight, "
              + misfits.size()
              + (misfits.size() == 1 ? " problem" : " problems")
              + "; `copyscale preflight` shows the whole report):\n  - "
              + String.join("\n  - ", misfits));
    }
  }

  /**
   * The policies whose alarms the deployment keeps, each with the component it scales: every
   * component's, as its engine says.
   */
  private Map<String, StepPolicy> alarmed(DeploymentSpec spec) {
    Map<String, StepPolicy> byAlarm = new java.util.LinkedHashMap<>();
    for (DeploymentSpec.Member m : spec.components()) {
      DeploymentSpec view = spec.member(m);
      ResourceNames names = ResourceNames.of(view);
      engines.alarmedPolicies(view).forEach(p -> byAlarm.put(names.alarm(p.name()), p));
    }
    return byAlarm;
  }

  /** The alarm names the state table indexes the deployment under. */
  private List<String> alarmNames(DeploymentSpec spec) {
    return List.copyOf(alarmed(spec).keySet());
  }

  /** The inference components a spec names: its components and their adapters. */
  private static Set<String> componentNames(DeploymentSpec spec) {
    Set<String> all = new java.util.TreeSet<>();
    for (DeploymentSpec.Member m : spec.components()) {
      all.add(m.name());
      m.component().adapters().forEach(a -> all.add(a.name()));
    }
    return all;
  }

  /** SageMaker may only be given the stack's execution role (iam:PassRole is scoped to it). */
  private void refuseForeignRole(DeploymentSpec spec) {
    config
        .executionRoleArn()
        .filter(allowed -> !allowed.equals(spec.executionRoleArn()))
        .ifPresent(
            allowed -> {
              throw new IllegalArgumentException(
                  "executionRoleArn: "
                      + spec.executionRoleArn()
                      + " is not the role this stack may pass to SageMaker ("
                      + allowed
                      + ")");
            });
  }

  private void refuseUnschedulable(DeploymentSpec spec) {
    if (spec.components().stream().anyMatch(m -> !m.scaling().schedules().isEmpty())
        && (config.scheduleTargetArn().isEmpty() || config.schedulerRoleArn().isEmpty())) {
      throw new IllegalArgumentException(
          "scaling.schedules: this deploy function has no SCHEDULE_TARGET_ARN / SCHEDULER_ROLE_ARN,"
              + " so it cannot create schedules");
    }
  }

  /** Two deployments may not own one endpoint, component or alarm: they would undo each other. */
  private void refuseSharedResources(DeploymentSpec spec) {
    for (DeploymentRecord other : store.deployments()) {
      if (other.name().equals(spec.name()) || other.phase() == Phase.Deleted) {
        continue;
      }
      DeploymentSpec theirs = specOf(other);
      Set<String> theirAlarms = alarmed(theirs).keySet();
      for (String alarm : alarmed(spec).keySet()) {
        if (theirAlarms.contains(alarm)) {
          throw new IllegalArgumentException(
              (spec.shared() ? "components[].scaling.stepPolicies" : "scaling.stepPolicies")
                  + ": alarm "
                  + alarm
                  + " would also be deployment "
                  + other.name()
                  + "'s; rename the policy");
        }
      }
      Set<String> shared = componentNames(spec);
      shared.retainAll(componentNames(theirs));
      List<String> clashes = new ArrayList<>();
      if (theirs.endpoint().name().equals(spec.endpoint().name())) {
        clashes.add("endpoint " + spec.endpoint().name());
      }
      if (!shared.isEmpty()) {
        clashes.add(
            (shared.size() == 1 ? "component " : "components ")
                + String.join(", ", new TreeSet<>(shared)));
      }
      if (!clashes.isEmpty()) {
        throw new IllegalArgumentException(
            "deployment "
                + spec.name()
                + " names "
                + String.join(" and ", clashes)
                + ", which deployment "
                + other.name()
                + " already owns");
      }
    }
  }

  private static DeploymentSpec specOf(DeploymentRecord r) {
    return SpecParser.parse(r.specJson()).orThrow();
  }

  private DeployResult reconcile(DeploymentRecord start) {
    DeploymentRecord record = start;
    DeploymentSpec spec = specOf(record);
    ResourceNames names = ResourceNames.of(spec);
    List<String> taken = new ArrayList<>();
    Map<String, String> fingerprints = new HashMap<>(record.applied().fingerprints());
    boolean zeroPending = record.applied().zeroCopiesPending();
    Optional<String> error = Optional.empty();
    Plan plan = null;
    Observed observed = null;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      observed = observe(spec, names);
      Applied applied = new Applied(fingerprints, zeroPending, record.applied().everInService());
      plan =
          record.deleting()
              ? DeployPlanner.planDelete(names, observed)
              : DeployPlanner.plan(
                  spec, List.copyOf(alarmed(spec).values()), observed, applied, clock.instant());
      if (plan.idle()) {
        break;
      }
      Map<String, String> desired = new HashMap<>();
      for (DeploymentSpec.Member m : spec.components()) {
        DeploymentSpec view = spec.member(m);
        desired.putAll(DeployPlanner.desiredPolicies(view, ResourceNames.of(view)));
      }
      try {
        for (Action action : plan.actions()) {
          DeploymentSpec member = DeployPlanner.memberFor(spec, action);
          execute(action, member, ResourceNames.of(member));
          taken.add(action.describe());
          if (action instanceof PutTargetTracking a) {
            fingerprints.put(a.policy(), desired.get(a.policy()));
          } else if (action instanceof PutStepPolicy a) {
            fingerprints.put(a.policy(), desired.get(a.policy()));
          } else if (action instanceof DeletePolicy a) {
            fingerprints.remove(a.policy());
          } else if (action instanceof Action.PutAlarm a) {
            fingerprints.put(
                DeployPlanner.alarmKey(a.alarm()), alarmed(spec).get(a.alarm()).toString());
          } else if (action instanceof DeleteAlarm a) {
            fingerprints.remove(DeployPlanner.alarmKey(a.alarm()));
          } else if (action instanceof Action.PutSchedule a) {
            fingerprints.put(
                DeployPlanner.scheduleKey(a.schedule()), schedule(member, a.schedule()).toString());
          } else if (action instanceof Action.DeleteSchedule a) {
            fingerprints.remove(DeployPlanner.scheduleKey(a.schedule()));
          } else if (action instanceof DeregisterTarget a) {
            if (spec.shared()) {
              // Only the policies of that component's target went with it.
              String component = a.resourceId().substring(a.resourceId().indexOf('/') + 1);
              String prefix = ResourceNames.of(spec).alarmPrefix() + component + ".";
              fingerprints.keySet().removeIf(k -> k.startsWith(prefix));
            } else {
              fingerprints.clear();
            }
          } else if (action instanceof CreateComponent a) {
            if (spec.shared()) {
              if (member.component().copies() == 0) {
                fingerprints.put(DeployPlanner.zeroKey(a.name()), "0");
              }
            } else {
              zeroPending = spec.component().copies() == 0;
            }
          } else if (action instanceof SetCopyCount a) {
            zeroPending = zeroPending && a.to() != 0;
            if (a.to() == 0) {
              fingerprints.remove(DeployPlanner.zeroKey(a.name()));
            }
            recordCopyCount(member, a);
          }
        }
      } catch (SdkException | IllegalStateException e) {
        // IllegalStateException: a secret without a usable token, named by its ARN.
        error =
            Optional.of(
                AwsErrors.describe(e)
                    + (AwsErrors.retryable(e) ? " (will retry on the next reconcile)" : ""));
        if (!AwsErrors.retryable(e)) {
          plan = Plan.failed(AwsErrors.describe(e));
        }
        observed = observe(spec, names);
        break;
      }
    }
    Phase phase = plan.phase();
    boolean everInService = record.applied().everInService() || phase == Phase.InService;
    DeploymentRecord next =
        new DeploymentRecord(
            record.name(),
            record.specJson(),
            phase,
            record.deleting(),
            new Applied(fingerprints, zeroPending, everInService),
            taken.isEmpty() ? record.lastActions() : taken,
            plan.waitingFor(),
            error.or(plan::failure),
            // A reconcile that wrote nothing and moved no phase (a resubmitted, unchanged spec)
            // leaves the time of the last change.
            taken.isEmpty() && phase == record.phase() ? record.updatedAt() : clock.instant(),
            phase == Phase.InService && !record.deleting()
                ? Optional.of(record.specJson())
                : record.lastGoodSpecJson(),
            record.alarms(),
            record.version() + 1);
    store.save(next);
    return new DeployResult(
        record.name(),
        phase,
        taken,
        plan.waitingFor(),
        error.or(plan::failure),
        DeployResult.Status.of(observed));
  }

  private void execute(Action action, DeploymentSpec spec, ResourceNames names) {
    if (action instanceof CreateModel) {
      aws.sageMaker()
          .createModel(Requests.createModel(spec, names, token(spec), config.stackName()));
    } else if (action instanceof CreateEndpointConfig) {
      aws.sageMaker()
          .createEndpointConfig(Requests.createEndpointConfig(spec, names, config.stackName()));
    } else if (action instanceof CreateEndpoint a) {
      aws.sageMaker()
          .createEndpoint(
              b ->
                  b.endpointName(a.name())
                      .endpointConfigName(a.config())
                      .tags(Requests.tags(config.stackName(), spec)));
    } else if (action instanceof UpdateEndpoint a) {
      aws.sageMaker().updateEndpoint(b -> b.endpointName(a.name()).endpointConfigName(a.config()));
    } else if (action instanceof CreateComponent a) {
      aws.sageMaker()
          .createInferenceComponent(
              Requests.createComponent(spec, names, a.copies(), config.stackName()));
    } else if (action instanceof Action.CreateAdapter a) {
      aws.sageMaker()
          .createInferenceComponent(
              Requests.createAdapter(
                  spec, names, a.name(), a.base(), a.artifactUrl(), config.stackName()));
    } else if (action instanceof UpdateComponent) {
      aws.sageMaker().updateInferenceComponent(Requests.updateComponent(spec, names));
    } else if (action instanceof SetCopyCount a) {
      aws.sageMaker()
          .updateInferenceComponentRuntimeConfig(
              b ->
                  b.inferenceComponentName(a.name())
                      .desiredRuntimeConfig(
                          InferenceComponentRuntimeConfig.builder().copyCount(a.to()).build()));
    } else if (action instanceof RegisterTarget a) {
      aws.autoScaling().registerScalableTarget(Requests.registerTarget(names, a.min(), a.max()));
    } else if (action instanceof PutTargetTracking) {
      aws.autoScaling()
          .putScalingPolicy(
              Requests.targetTracking(names, spec.scaling().targetTracking().orElseThrow()));
    } else if (action instanceof PutStepPolicy a) {
      StepPolicy policy = policy(spec, a.specPolicy());
      String arn =
          aws.autoScaling().putScalingPolicy(Requests.stepPolicy(names, policy)).policyARN();
      aws.cloudWatch().putMetricAlarm(Requests.alarm(spec, names, policy, List.of(arn)));
    } else if (action instanceof DeletePolicy a) {
      aws.autoScaling()
          .deleteScalingPolicy(
              DeleteScalingPolicyRequest.builder()
                  .policyName(a.policy())
                  .serviceNamespace(ServiceNamespace.SAGEMAKER)
                  .resourceId(a.resourceId())
                  .scalableDimension(dimensionOf(a.resourceId()))
                  .build());
    } else if (action instanceof DeleteAlarm a) {
      aws.cloudWatch().deleteAlarms(DeleteAlarmsRequest.builder().alarmNames(a.alarm()).build());
    } else if (action instanceof DeregisterTarget a) {
      aws.autoScaling()
          .deregisterScalableTarget(
              DeregisterScalableTargetRequest.builder()
                  .serviceNamespace(ServiceNamespace.SAGEMAKER)
                  .resourceId(a.resourceId())
                  .scalableDimension(dimensionOf(a.resourceId()))
                  .build());
    } else if (action instanceof DeleteComponent a) {
      aws.sageMaker().deleteInferenceComponent(b -> b.inferenceComponentName(a.name()));
    } else if (action instanceof DeleteEndpoint a) {
      aws.sageMaker().deleteEndpoint(b -> b.endpointName(a.name()));
    } else if (action instanceof DeleteEndpointConfig a) {
      aws.sageMaker().deleteEndpointConfig(b -> b.endpointConfigName(a.name()));
    } else if (action instanceof DeleteModel a) {
      aws.sageMaker().deleteModel(b -> b.modelName(a.name()));
    } else if (action instanceof Action.PutAlarm a) {
      aws.cloudWatch()
          .putMetricAlarm(Requests.alarm(spec, names, policy(spec, a.specPolicy()), List.of()));
    } else if (action instanceof Action.PutSchedule a) {
      new ScheduleWrites(aws.scheduler(), config).put(spec, schedule(spec, a.schedule()));
    } else if (action instanceof Action.DeleteSchedule a) {
      aws.scheduler().deleteSchedule(b -> b.groupName(a.group()).name(a.schedule()));
    } else if (action instanceof Action.DeleteScheduleGroup a) {
      aws.scheduler().deleteScheduleGroup(b -> b.name(a.group()));
    } else {
      throw new IllegalStateException("no executor for " + action);
    }
  }

  /** The scalable dimension of a target: a component's copies or a variant's instances. */
  private static String dimensionOf(String resourceId) {
    return resourceId.startsWith("inference-component/")
        ? ResourceNames.COPY_DIMENSION
        : ResourceNames.INSTANCE_DIMENSION;
  }

  /**
   * Copy counts deploy moves (into new bounds, or to 0 after creation) are decisions like any
   * other.
   */
  private void recordCopyCount(DeploymentSpec spec, SetCopyCount a) {
    DeployPlanner.Bounds bounds = DeployPlanner.bounds(spec, clock.instant());
    Instant now = clock.instant();
    store.append(
        LedgerEntry.builder(
                spec.name(),
                now,
                "deploy#"
                    + now
                    + "#"
                    + (spec.shared() ? a.name() + "#" : "")
                    + a.from()
                    + "-"
                    + a.to(),
                Source.DEPLOY,
                "deploy")
            .state("[" + bounds.min() + ", " + bounds.max() + "]")
            .capacity(a.from(), a.to())
            .outcome(Outcome.SCALED, (spec.shared() ? a.name() + ": " : "") + a.reason())
            .build(),
        now.plus(retention));
  }

  private StepPolicy policy(DeploymentSpec spec, String name) {
    return engines.alarmedPolicies(spec).stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static DeploymentSpec.Schedule schedule(DeploymentSpec spec, String name) {
    return spec.components().stream()
        .flatMap(m -> m.scaling().schedules().stream())
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /**
   * The Hugging Face token, read from Secrets Manager at deploy time; only ever passed to
   * SageMaker.
   */
  private Optional<String> token(DeploymentSpec spec) {
    return spec.component()
        .hfTokenSecretArn()
        .map(
            arn -> {
              String secret = aws.secrets().getSecretValue(b -> b.secretId(arn)).secretString();
              if (secret == null || secret.isBlank()) {
                throw new IllegalStateException("secret " + arn + " has no SecretString");
              }
              String trimmed = secret.trim();
              if (trimmed.startsWith("{")) {
                try {
                  JsonNode json = Json.mapper().readTree(trimmed);
                  for (String key : List.of("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "token")) {
                    if (json.hasNonNull(key)) {
                      return json.get(key).asText();
                    }
                  }
                } catch (JsonProcessingException e) {
                  throw new IllegalStateException(
                      "secret " + arn + " looks like JSON but does not parse");
                }
                throw new IllegalStateException(
                    "secret "
                        + arn
                        + " is JSON without an HF_TOKEN, HUGGING_FACE_HUB_TOKEN or token key");
              }
              return trimmed;
            });
  }

  /** Reads what exists for this deployment; missing resources are simply absent. */
  Observed observe(DeploymentSpec spec, ResourceNames names) {
    Set<String> models = new HashSet<>();
    aws
        .sageMaker()
        .listModelsPaginator(b -> b.nameContains(names.deployment() + "-"))
        .models()
        .stream()
        .map(ModelSummary::modelName)
        .filter(names::owns)
        .forEach(models::add);
    Set<String> configs = new HashSet<>();
    aws
        .sageMaker()
        .listEndpointConfigsPaginator(b -> b.nameContains(names.deployment() + "-"))
        .endpointConfigs()
        .stream()
        .map(EndpointConfigSummary::endpointConfigName)
        .filter(names::owns)
        .forEach(configs::add);
    Optional<Observed.EndpointView> endpoint = describeEndpoint(names.endpoint());
    Optional<Observed.ComponentView> component = describeComponent(names.component());
    Optional<Observed.TargetView> target =
        target(names.scalableResourceId(), names.scalableDimension());
    Set<String> policies = policies(names.scalableResourceId(), names.scalableDimension());
    // Every inference component on the endpoint (one deployment owns it): the spec's other
    // components, adapters, and what the spec no longer lists; and each component's scaling.
    Map<String, Observed.ComponentView> onEndpoint = new HashMap<>();
    if (endpoint.isPresent()) {
      aws.sageMaker()
          .listInferenceComponentsPaginator(b -> b.endpointNameEquals(names.endpoint()))
          .inferenceComponents()
          .forEach(
              summary -> {
                String name = summary.inferenceComponentName();
                // The spec's first component was described just now.
                (name.equals(names.component()) ? component : describeComponent(name))
                    .ifPresent(c -> onEndpoint.put(name, c));
              });
    }
    Map<String, Observed.Scaled> scaling = new HashMap<>();
    Set<String> scaled = new java.util.TreeSet<>();
    spec.components().forEach(m -> scaled.add(m.name()));
    onEndpoint.forEach(
        (name, c) -> {
          if (c.base().isEmpty()) {
            scaled.add(name);
          }
        });
    for (String name : scaled) {
      String id = DeployPlanner.componentResourceId(name);
      if (!spec.shared() && id.equals(names.scalableResourceId())) {
        continue;
      }
      Optional<Observed.TargetView> t = target(id, ResourceNames.COPY_DIMENSION);
      if (t.isPresent()) {
        scaling.put(name, new Observed.Scaled(t, policies(id, ResourceNames.COPY_DIMENSION)));
      }
    }
    Set<String> alarms = new HashSet<>();
    aws
        .cloudWatch()
        .describeAlarmsPaginator(
            DescribeAlarmsRequest.builder()
                .alarmNamePrefix("copyscale-" + names.deployment() + "-")
                .build())
        .metricAlarms()
        .stream()
        .map(MetricAlarm::alarmName)
        .forEach(alarms::add);
    String group = DeployConfig.scheduleGroup(names.deployment());
    boolean groupExists =
        aws
            .scheduler()
            .listScheduleGroupsPaginator(b -> b.namePrefix(group))
            .scheduleGroups()
            .stream()
            .anyMatch(g -> g.name().equals(group));
    Set<String> schedules = new HashSet<>();
    if (groupExists) {
      aws.scheduler()
          .listSchedulesPaginator(b -> b.groupName(group))
          .schedules()
          .forEach(x -> schedules.add(x.name()));
    }
    return new Observed(
        models,
        configs,
        endpoint,
        component,
        target,
        policies,
        alarms,
        groupExists,
        schedules,
        onEndpoint,
        scaling);
  }

  private Optional<Observed.TargetView> target(String resourceId, String dimension) {
    return aws
        .autoScaling()
        .describeScalableTargets(
            DescribeScalableTargetsRequest.builder()
                .serviceNamespace(ServiceNamespace.SAGEMAKER)
                .resourceIds(resourceId)
                .scalableDimension(dimension)
                .build())
        .scalableTargets()
        .stream()
        .findFirst()
        .map((ScalableTarget t) -> new Observed.TargetView(t.minCapacity(), t.maxCapacity()));
  }

  private Set<String> policies(String resourceId, String dimension) {
    Set<String> policies = new HashSet<>();
    aws
        .autoScaling()
        .describeScalingPoliciesPaginator(
            DescribeScalingPoliciesRequest.builder()
                .serviceNamespace(ServiceNamespace.SAGEMAKER)
                .resourceId(resourceId)
                .scalableDimension(dimension)
                .build())
        .scalingPolicies()
        .stream()
        .map(ScalingPolicy::policyName)
        .forEach(policies::add);
    return policies;
  }

  private Optional<Observed.EndpointView> describeEndpoint(String name) {
    try {
      DescribeEndpointResponse e = aws.sageMaker().describeEndpoint(b -> b.endpointName(name));
      int instances =
          e.productionVariants().stream()
              .mapToInt(v -> v.currentInstanceCount() == null ? 0 : v.currentInstanceCount())
              .sum();
      return Optional.of(
          new Observed.EndpointView(
              e.endpointStatusAsString(),
              e.endpointConfigName(),
              instances,
              Optional.ofNullable(e.failureReason())));
    } catch (AwsServiceException e) {
      if (AwsErrors.notFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private Optional<Observed.ComponentView> describeComponent(String name) {
    try {
      DescribeInferenceComponentResponse c =
          aws.sageMaker().describeInferenceComponent(b -> b.inferenceComponentName(name));
      InferenceComponentComputeResourceRequirements r =
          c.specification().computeResourceRequirements();
      return Optional.of(
          new Observed.ComponentView(
              c.inferenceComponentStatusAsString(),
              c.specification().modelName(),
              r == null || r.numberOfAcceleratorDevicesRequired() == null
                  ? 0
                  : Math.round(r.numberOfAcceleratorDevicesRequired()),
              r == null || r.numberOfCpuCoresRequired() == null ? 0 : r.numberOfCpuCoresRequired(),
              r == null || r.minMemoryRequiredInMb() == null ? 0 : r.minMemoryRequiredInMb(),
              c.runtimeConfig() == null || c.runtimeConfig().desiredCopyCount() == null
                  ? 0
                  : c.runtimeConfig().desiredCopyCount(),
              c.runtimeConfig() == null || c.runtimeConfig().currentCopyCount() == null
                  ? 0
                  : c.runtimeConfig().currentCopyCount(),
              Optional.ofNullable(c.failureReason()),
              Optional.ofNullable(c.specification().baseInferenceComponentName()),
              Optional.ofNullable(c.specification().container())
                  .map(InferenceComponentContainerSpecificationSummary::artifactUrl)));
    } catch (AwsServiceException e) {
      if (AwsErrors.notFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static String toJson(JsonNode document) {
    try {
      return Json.mapper()
          .writer()
          .without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed spec always serializes", e);
    }
  }
}
