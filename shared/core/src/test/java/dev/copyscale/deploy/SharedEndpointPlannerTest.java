package dev.copyscale.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.copyscale.deploy.Action.CreateAdapter;
import dev.copyscale.deploy.Action.CreateComponent;
import dev.copyscale.deploy.Action.DeleteComponent;
import dev.copyscale.deploy.Action.DeregisterTarget;
import dev.copyscale.deploy.Action.UpdateComponent;
import dev.copyscale.deploy.Observed.ComponentView;
import dev.copyscale.deploy.Observed.EndpointView;
import dev.copyscale.deploy.Observed.Scaled;
import dev.copyscale.deploy.Observed.TargetView;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import dev.copyscale.testing.RepoFiles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The deploy planner on an endpoint shared by several components: each component planned as the
 * single form plans its one, adapters once their base is InService, removed components torn down
 * adapters first, failure isolation. The planner is driven against {@link Account}, which applies
 * each planned action as SageMaker and Application Auto Scaling would (a created component is
 * Creating until the next round, then InService or, when told, Failed), until nothing is left to
 * do.
 */
class SharedEndpointPlannerTest {
  static final YAMLMapper YAML = new YAMLMapper();
  private static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");

  static ObjectNode doc() {
    try {
      return (ObjectNode) YAML.readTree(RepoFiles.read("examples/shared-endpoint.yaml"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static DeploymentSpec spec(ObjectNode doc) {
    return SpecParser.parse(doc).orThrow();
  }

  /** What exists, changed by the planned actions as AWS would change it. */
  static final class Account {
    final Set<String> models = new HashSet<>();
    final Set<String> configs = new HashSet<>();
    Optional<EndpointView> endpoint = Optional.empty();
    final Map<String, ComponentView> components = new TreeMap<>();
    final Map<String, TargetView> targets = new TreeMap<>();
    final Map<String, Set<String>> policies = new HashMap<>();
    final Set<String> alarms = new HashSet<>();
    final Map<String, String> fingerprints = new HashMap<>();
    final Set<String> failing = new HashSet<>();
    final List<Action> log = new ArrayList<>();
    boolean everInService;

    Observed observed(DeploymentSpec spec) {
      ResourceNames first = ResourceNames.of(spec);
      Map<String, Scaled> scaling = new HashMap<>();
      targets.forEach(
          (c, t) -> scaling.put(c, new Scaled(Optional.of(t), policies.getOrDefault(c, Set.of()))));
      String firstName = first.component();
      return new Observed(
          models,
          configs,
          endpoint,
          Optional.ofNullable(components.get(firstName)),
          Optional.ofNullable(targets.get(firstName)),
          policies.getOrDefault(firstName, Set.of()),
          alarms,
          false,
          Set.of(),
          endpoint.isPresent() ? components : Map.of(),
          scaling);
    }

    /** One reconcile round: SageMaker finishes what it was doing, then the plan is applied. */
    Plan round(DeploymentSpec spec, boolean delete) {
      settle();
      Observed o = observed(spec);
      Plan plan =
          delete
              ? DeployPlanner.planDelete(ResourceNames.of(spec), o)
              : DeployPlanner.plan(
                  spec, Map.of(), o, new Applied(fingerprints, false, everInService), NOW);
      Map<String, String> desired = new HashMap<>();
      for (DeploymentSpec.Member m : spec.components()) {
        Map<String, String> own =
            DeployPlanner.desiredPolicies(spec.member(m), ResourceNames.of(spec.member(m)));
        desired.putAll(own);
        own.keySet().forEach(p -> policyOwner.put(p, m.name()));
      }
      for (Action a : plan.actions()) {
        apply(a, desired);
      }
      everInService |= plan.phase() == Phase.InService;
      return plan;
    }

    /** Rounds until the plan has nothing left to do. */
    Plan converge(DeploymentSpec spec, boolean delete) {
      for (int i = 0; i < 20; i++) {
        Plan plan = round(spec, delete);
        if (plan.idle() && plan.waitingFor().isEmpty()) {
          return plan;
        }
      }
      throw new AssertionError("no convergence in 20 rounds");
    }

    void settle() {
      components.replaceAll(
          (name, c) ->
              switch (c.status()) {
                case "Creating", "Updating" ->
                    withStatus(c, failing.contains(name) ? "Failed" : "InService");
                default -> c;
              });
      components.values().removeIf(c -> c.status().equals("Deleting"));
    }

    static ComponentView withStatus(ComponentView c, String status) {
      return new ComponentView(
          status,
          c.modelName(),
          c.accelerators(),
          c.cpus(),
          c.memoryMb(),
          c.desiredCopies(),
          c.desiredCopies(),
          status.equals("Failed")
              ? Optional.of("the container did not pass its health check")
              : Optional.empty(),
          c.base(),
          c.artifactUrl());
    }

    /** The component each policy the spec asks for scales. */
    final Map<String, String> policyOwner = new HashMap<>();

    String componentOfPolicy(String policy) {
      return policyOwner.get(policy);
    }

    void apply(Action action, Map<String, String> desired) {
      log.add(action);
      if (action instanceof Action.CreateModel a) {
        models.add(a.name());
      } else if (action instanceof Action.CreateEndpointConfig a) {
        configs.add(a.name());
      } else if (action instanceof Action.CreateEndpoint a) {
        endpoint = Optional.of(new EndpointView("InService", a.config(), 1, Optional.empty()));
      } else if (action instanceof CreateComponent a) {
        components.put(
            a.name(),
            new ComponentView("Creating", a.model(), 1, 6, 40960, a.copies(), 0, Optional.empty()));
      } else if (action instanceof CreateAdapter a) {
        assertThat(components.get(a.base()).status()).isEqualTo("InService");
        components.put(
            a.name(),
            new ComponentView(
                "Creating",
                null,
                0,
                0,
                0,
                0,
                0,
                Optional.empty(),
                Optional.of(a.base()),
                Optional.of(a.artifactUrl())));
      } else if (action instanceof UpdateComponent a) {
        ComponentView c = components.get(a.name());
        components.put(
            a.name(),
            new ComponentView(
                "Updating",
                a.model(),
                1,
                6,
                40960,
                c.desiredCopies(),
                c.currentCopies(),
                Optional.empty()));
      } else if (action instanceof Action.SetCopyCount a) {
        ComponentView c = components.get(a.name());
        components.put(
            a.name(),
            new ComponentView(
                c.status(), c.modelName(), 1, 6, 40960, a.to(), a.to(), Optional.empty()));
      } else if (action instanceof Action.RegisterTarget a) {
        targets.put(
            a.resourceId().substring("inference-component/".length()),
            new TargetView(a.min(), a.max()));
      } else if (action instanceof Action.PutTargetTracking a) {
        policies
            .computeIfAbsent(componentOfPolicy(a.policy()), k -> new HashSet<>())
            .add(a.policy());
        fingerprints.put(a.policy(), desired.get(a.policy()));
      } else if (action instanceof Action.PutStepPolicy a) {
        policies
            .computeIfAbsent(componentOfPolicy(a.policy()), k -> new HashSet<>())
            .add(a.policy());
        alarms.add(a.alarm());
        fingerprints.put(a.policy(), desired.get(a.policy()));
      } else if (action instanceof Action.DeletePolicy a) {
        policies.get(a.resourceId().substring("inference-component/".length())).remove(a.policy());
      } else if (action instanceof DeregisterTarget a) {
        String c = a.resourceId().substring("inference-component/".length());
        assertThat(targets.remove(c)).as("target of " + c).isNotNull();
        policies.remove(c);
      } else if (action instanceof Action.DeleteAlarm a) {
        alarms.remove(a.alarm());
      } else if (action instanceof DeleteComponent a) {
        ComponentView c = components.get(a.name());
        assertThat(c).as(a.name()).isNotNull();
        boolean hasAdapters =
            components.values().stream().anyMatch(x -> x.base().equals(Optional.of(a.name())));
        assertThat(hasAdapters).as(a.name() + " deleted while adapters are on it").isFalse();
        assertThat(targets)
            .as("scaling of " + a.name() + " left behind")
            .doesNotContainKey(a.name());
        components.put(a.name(), withStatus(c, "Deleting"));
      } else if (action instanceof Action.DeleteEndpoint) {
        assertThat(components).isEmpty();
        endpoint = Optional.empty();
      } else if (action instanceof Action.DeleteEndpointConfig a) {
        configs.remove(a.name());
      } else if (action instanceof Action.DeleteModel a) {
        models.remove(a.name());
      } else {
        throw new AssertionError("unexpected " + action);
      }
    }

    boolean empty() {
      return models.isEmpty()
          && configs.isEmpty()
          && endpoint.isEmpty()
          && components.isEmpty()
          && targets.isEmpty()
          && alarms.isEmpty();
    }
  }

  static <T extends Action> List<T> taken(Account a, Class<T> kind) {
    return a.log.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  @Test
  void createsBothComponentsThenTheEightAdaptersOnceTheirBaseIsInService() {
    DeploymentSpec spec = spec(doc());
    Account account = new Account();
    Plan last = account.converge(spec, false);
    assertThat(last.phase()).isEqualTo(Phase.InService);
    assertThat(account.components.keySet())
        .containsExactlyInAnyOrder(
            "chat",
            "code",
            "chat-sql",
            "chat-legal",
            "chat-support",
            "chat-finance",
            "chat-medical",
            "chat-retail",
            "chat-travel",
            "chat-hr");
    assertThat(taken(account, CreateAdapter.class))
        .hasSize(8)
        .allSatisfy(a -> assertThat(a.base()).isEqualTo("chat"))
        .contains(new CreateAdapter("chat-sql", "chat", "s3://my-adapters/sql/"));
    // An adapter is created only once chat is InService: after chat's CreateComponent round.
    int chatCreated = account.log.indexOf(taken(account, CreateComponent.class).get(0));
    int firstAdapter = account.log.indexOf(taken(account, CreateAdapter.class).get(0));
    assertThat(firstAdapter).isGreaterThan(chatCreated);
    // Two models (different containers), one config, one endpoint; each component its target.
    assertThat(account.models).hasSize(2);
    assertThat(account.targets)
        .containsEntry("chat", new TargetView(1, 8))
        .containsEntry("code", new TargetView(1, 4));
    assertThat(account.policies.get("chat"))
        .containsExactly("copyscale-shared-chat.target-tracking");
    assertThat(account.policies.get("code"))
        .containsExactly("copyscale-shared-code.target-tracking");
    // Settled: a further round does nothing.
    assertThat(account.round(spec, false).actions()).isEmpty();
  }

  @Test
  void updatingOneComponentsImageLeavesTheOtherAlone() {
    ObjectNode doc = doc();
    Account account = new Account();
    account.converge(spec(doc), false);
    ((ObjectNode) doc.at("/components/1"))
        .put(
            "image",
            "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4-tgi2.3-gpu-py311-cu124-ubuntu22.04");
    account.log.clear();
    Plan last = account.converge(spec(doc), false);
    assertThat(last.phase()).isEqualTo(Phase.InService);
    assertThat(account.log)
        .extracting(Action::describe)
        .allSatisfy(d -> assertThat(d).doesNotContain(" chat"));
    assertThat(taken(account, UpdateComponent.class))
        .extracting(UpdateComponent::name)
        .containsExactly("code");
    // The old model of code goes once nothing uses it; chat's stays.
    assertThat(taken(account, Action.DeleteModel.class)).hasSize(1);
    assertThat(account.models).hasSize(2).contains(account.components.get("chat").modelName());
  }

  @Test
  void removingAComponentDeletesItsScalingThenItAndLeavesTheOther() {
    ObjectNode doc = doc();
    Account account = new Account();
    account.converge(spec(doc), false);
    ArrayNode list = (ArrayNode) doc.get("components");
    list.remove(1);
    account.log.clear();
    Plan last = account.converge(spec(doc), false);
    assertThat(last.phase()).isEqualTo(Phase.InService);
    assertThat(account.components).doesNotContainKey("code").containsKey("chat").hasSize(9);
    assertThat(account.targets).containsOnlyKeys("chat");
    // Its model goes once the component is gone, not while it is Deleting.
    assertThat(account.models).containsExactly(account.components.get("chat").modelName());
    List<String> done = account.log.stream().map(Action::describe).toList();
    assertThat(done)
        .containsSubsequence(
            "DeregisterScalableTarget inference-component/code", "DeleteInferenceComponent code");
    assertThat(done).noneMatch(d -> d.contains("chat-") || d.endsWith(" chat"));
  }

  @Test
  void removingAnAdapterDeletesOnlyThatAdapter() {
    ObjectNode doc = doc();
    Account account = new Account();
    account.converge(spec(doc), false);
    ((ArrayNode) doc.at("/components/0/adapters")).remove(0);
    account.log.clear();
    account.converge(spec(doc), false);
    assertThat(account.log)
        .extracting(Action::describe)
        .containsExactly("DeleteInferenceComponent chat-sql");
  }

  @Test
  void removingABaseDeletesItsAdaptersFirst() {
    ObjectNode doc = doc();
    Account account = new Account();
    account.converge(spec(doc), false);
    ArrayNode list = (ArrayNode) doc.get("components");
    list.remove(0);
    account.log.clear();
    account.converge(spec(doc), false);
    assertThat(account.components).containsOnlyKeys("code");
    List<String> done = account.log.stream().map(Action::describe).toList();
    int lastAdapter = done.lastIndexOf("DeleteInferenceComponent chat-hr");
    assertThat(lastAdapter).isNotNegative();
    assertThat(done.indexOf("DeleteInferenceComponent chat")).isGreaterThan(lastAdapter);
  }

  @Test
  void deletingTheSpecLeavesNothing() {
    DeploymentSpec spec = spec(doc());
    Account account = new Account();
    account.converge(spec, false);
    Plan last = account.converge(spec, true);
    assertThat(last.phase()).isEqualTo(Phase.Deleted);
    assertThat(account.empty()).as("left: %s", account.components).isTrue();
    List<String> done = account.log.stream().map(Action::describe).toList();
    assertThat(done.indexOf("DeleteInferenceComponent chat"))
        .isGreaterThan(done.indexOf("DeleteInferenceComponent chat-sql"));
  }

  @Test
  void oneComponentFailingDoesNotStallTheOther() {
    DeploymentSpec spec = spec(doc());
    Account account = new Account();
    account.failing.add("code");
    Plan last = account.converge(spec, false);
    assertThat(last.phase()).isEqualTo(Phase.Failed);
    assertThat(last.failure())
        .hasValueSatisfying(
            f ->
                assertThat(f)
                    .isEqualTo(
                        "inference component code failed: the container did not pass its health"
                            + " check"));
    // chat went on: InService, scaled, with its eight adapters.
    assertThat(account.components.get("chat").status()).isEqualTo("InService");
    assertThat(account.targets).containsKey("chat").doesNotContainKey("code");
    assertThat(account.components.values().stream().filter(c -> c.base().isPresent()))
        .hasSize(8)
        .allSatisfy(c -> assertThat(c.status()).isEqualTo("InService"));
  }

  @Test
  void whileOneComponentFailsThePlanForTheOtherCarriesTheFailure() {
    DeploymentSpec spec = spec(doc());
    Account account = new Account();
    account.failing.add("code");
    account.round(spec, false); // models, config, endpoint
    account.round(spec, false); // both components created
    Plan plan = account.round(spec, false); // code Failed, chat InService: chat's scaling
    assertThat(plan.actions()).isNotEmpty();
    assertThat(plan.phase()).isEqualTo(Phase.Creating);
    assertThat(plan.failure()).hasValueSatisfying(f -> assertThat(f).contains("code failed"));
  }

  /** Going from one component to two renames the first's policies, but not its model. */
  @Test
  void addingASecondComponentKeepsTheFirstsModelAndRenamesItsPolicies() {
    ObjectNode doc = doc();
    ArrayNode list = (ArrayNode) doc.get("components");
    ObjectNode code = (ObjectNode) list.remove(1);
    Account account = new Account();
    DeploymentSpec one = spec(doc);
    assertThat(one.shared()).isFalse();
    account.converge(one, false);
    String chatModel = account.components.get("chat").modelName();
    list.add(code);
    account.log.clear();
    account.converge(spec(doc), false);
    assertThat(account.components.get("chat").modelName()).isEqualTo(chatModel);
    assertThat(taken(account, UpdateComponent.class)).isEmpty();
    assertThat(account.policies.get("chat"))
        .containsExactly("copyscale-shared-chat.target-tracking");
  }
}
