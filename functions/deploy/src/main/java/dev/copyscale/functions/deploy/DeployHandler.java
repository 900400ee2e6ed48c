package dev.copyscale.functions.deploy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.copyscale.aws.clients.Clients;
import dev.copyscale.aws.deploy.DeployService;
import dev.copyscale.aws.lambda.LambdaStreams;
import dev.copyscale.aws.lambda.SnapStartPriming;
import dev.copyscale.aws.requests.Requests;
import dev.copyscale.aws.wiring.Services;
import dev.copyscale.deploy.DeployRequest;
import dev.copyscale.deploy.DeployResult;
import dev.copyscale.deploy.Phase;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.spec.DeploymentSpec;
import dev.copyscale.spec.SpecParser;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The deploy Lambda function. Thin: reads the event, hands it to {@link DeployService}, writes the
 * result. A stream handler because the event has several shapes (a spec, an EventBridge event, a
 * continue or delete request, the reconcile schedule's tick).
 */
public final class DeployHandler implements RequestStreamHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeployHandler.class);

  private final DeployService service;

  /** Held here because CRaC holds it weakly; null when not built by Lambda. */
  @SuppressWarnings("unused")
  private final SnapStartPriming priming;

  /**
   * Lambda's constructor: real clients (built on first use), the stack's state table (env
   * STATE_TABLE), wall clock; and the SnapStart priming of the rest of the first event's path.
   */
  public DeployHandler() {
    this(Services.fromLambdaEnvironment());
  }

  private DeployHandler(Services services) {
    this(services.deploy(), SnapStartPriming.register("deploy", () -> prime(services)));
  }

  public DeployHandler(DeployService service) {
    this(service, null);
  }

  private DeployHandler(DeployService service, SnapStartPriming priming) {
    this.service = service;
    this.priming = priming;
  }

  /**
   * The first event's path on samples, with no AWS call and no state read or written: the clients
   * this function calls, a spec event read and parsed as a submit reads it, the SDK requests of a
   * deployment built, a response written.
   */
  static void prime(Services services) {
    Clients aws = services.clients();
    aws.sageMaker();
    aws.autoScaling();
    aws.cloudWatch();
    aws.secrets();
    aws.scheduler();
    aws.dynamoDb();
    JsonNode event = SnapStartPriming.readEvent(SnapStartPriming.sample("spec"));
    deploymentName(event);
    isReconcileTick(event);
    DeployRequest.parse(event);
    DeploymentSpec spec = SpecParser.parse(event).orThrow();
    SnapStartPriming.sampleSpec();
    ResourceNames names = ResourceNames.of(spec);
    String stack = services.config().stackName();
    Requests.createModel(spec, names, Optional.empty(), stack);
    Requests.createEndpointConfig(spec, names, stack);
    Requests.createComponent(spec, names, spec.component().copies(), stack);
    Requests.registerTarget(names, 1, 2);
    spec.scaling().targetTracking().ifPresent(tt -> Requests.targetTracking(names, tt));
    services
        .engines()
        .alarmedPolicies(spec)
        .forEach(
            p -> {
              Requests.stepPolicy(names, p);
              Requests.alarm(spec, names, p, List.of());
            });
    DeployResult.Status status =
        new DeployResult.Status(
            Optional.of("InService"),
            Optional.of(1),
            Optional.of("InService"),
            Optional.of(1),
            Optional.of(1),
            Optional.empty());
    SnapStartPriming.writeResponse(
        Map.of(
            "results",
            List.of(
                new DeployResult(
                    spec.name(),
                    Phase.InService,
                    List.of(),
                    Optional.empty(),
                    Optional.empty(),
                    status))));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) {
    LambdaStreams.handle(
        input,
        output,
        context,
        "deploy event",
        (event, origin) -> {
          MDC.put("deployment", deploymentName(event));
          try {
            // A deploy event of another account or region is refused before anything is touched.
            origin
                .check(event)
                .ifPresent(
                    reason -> {
                      throw new IllegalArgumentException(reason);
                    });
            List<DeployResult> results = service.handle(event);
            results.forEach(
                r ->
                    LOG.info(
                        "deployment {} is {}: {} action(s){}{}",
                        r.deployment(),
                        r.phase(),
                        r.actions().size(),
                        r.waitingFor().map(w -> ", waiting for " + w).orElse(""),
                        r.error().map(e -> ", error: " + e).orElse("")));
            return isReconcileTick(event) ? Map.of("results", results) : results.get(0);
          } finally {
            MDC.remove("deployment");
          }
        });
  }

  private static boolean isReconcileTick(JsonNode event) {
    JsonNode body = event.has("detail-type") && event.has("detail") ? event.get("detail") : event;
    return LambdaStreams.isTick(body);
  }

  /** The deployment an event is about, for the log lines; "*" for the reconcile tick. */
  static String deploymentName(JsonNode event) {
    JsonNode body = event.has("detail-type") && event.has("detail") ? event.get("detail") : event;
    if (body.hasNonNull("deployment")) {
      return body.get("deployment").asText();
    }
    if (body.hasNonNull("name")) {
      return body.get("name").asText();
    }
    return "*";
  }
}
