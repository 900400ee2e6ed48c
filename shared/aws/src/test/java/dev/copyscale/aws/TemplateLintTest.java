package dev.copyscale.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.copyscale.aws.deploy.ScheduleWrites;
import dev.copyscale.deploy.DeployConfig;
import dev.copyscale.deploy.ResourceNames;
import dev.copyscale.testing.ExternalTools;
import dev.copyscale.testing.ExternalTools.Result;
import dev.copyscale.testing.RepoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * template.yaml passes cfn-lint (with the SAM translator) without a single message, and has the
 * shape the code relies on. Without cfn-lint the lint tests are skipped loudly; CI sets
 * REQUIRE_CFN_LINT=1 so that they fail instead.
 */
class TemplateLintTest {
  private static final Duration LINT_TIMEOUT = Duration.ofMinutes(3);

  /** A YAML short-form intrinsic (!Ref, !Sub, ...) used as a value or list item. */
  private static final Pattern SHORT_FORM_TAG =
      Pattern.compile(
          "(^|[:\\-\\[,]\\s*)!(Ref|GetAtt|Sub|Join|If|Equals|Not|And|Or|Select|Split|FindInMap|ImportValue|Base64|Cidr|GetAZs|Condition|Transform)\\b");

  private static Path template() {
    Path template = RepoFiles.path("template.yaml");
    assertThat(template).as("template.yaml at the repository root").isRegularFile();
    return template;
  }

  private static Path cfnLint() {
    return ExternalTools.require("cfn-lint", "REQUIRE_CFN_LINT", "template.yaml was NOT linted");
  }

  private static Result lint(Path file) {
    return ExternalTools.run(LINT_TIMEOUT, cfnLint().toString(), file.toString());
  }

  @Test
  void cfnLintReportsNothing() {
    Result result = lint(template());
    assertThat(result.output().strip()).as(result.describe()).isEmpty();
    assertThat(result.exitCode()).as(result.describe()).isZero();
  }

  /**
   * The lint test can fail: the same cfn-lint reports copies of the template broken on purpose. (A
   * made-up BillingMode value would not do: the DynamoDB schema cfn-lint checks against has no enum
   * for it, so the broken copies misspell the property and give a flag a non-boolean.)
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "misspelled BillingMode property | 'BillingMode: PAY_PER_REQUEST' | 'BillingMod:"
            + " PAY_PER_REQUEST' | E3002",
        "non-boolean PITR flag           | 'PointInTimeRecoveryEnabled: true' |"
            + " 'PointInTimeRecoveryEnabled: maybe' | E3012",
        "SnapStart applied sometimes     | 'ApplyOn: PublishedVersions' | 'ApplyOn: Sometimes' |"
            + " E3030",
        "unknown function runtime        | 'Runtime: java21' | 'Runtime: java99' | E3030",
        "schedule window neither off nor flexible | 'Mode: ''OFF''' | 'Mode: ''SOMETIMES''' |"
            + " E3030",
      })
  void cfnLintReportsABrokenCopy(
      String breakage, String good, String bad, String rule, @TempDir Path dir) throws IOException {
    String text = Files.readString(template(), StandardCharsets.UTF_8);
    String broken = text.replace(good, bad);
    assertThat(broken)
        .as("template.yaml contains '%s', which this test breaks", good)
        .isNotEqualTo(text);
    Path copy = dir.resolve("template.yaml");
    Files.writeString(copy, broken, StandardCharsets.UTF_8);

    Result result = lint(copy);

    assertThat(result.exitCode()).as(result.describe()).isNotZero();
    assertThat(result.output()).as(result.describe()).contains(rule);
  }

  @Test
  void isASamApplication() throws IOException {
    JsonNode root = parse();
    assertThat(root.path("AWSTemplateFormatVersion").asText()).isEqualTo("2010-09-09");
    assertThat(root.path("Transform").asText()).isEqualTo("AWS::Serverless-2016-10-31");
    assertThat(root.path("Description").asText()).isNotBlank();
  }

  @Test
  void stateTableMatchesWhatTheStateStoreNeeds() throws IOException {
    JsonNode table = parse().path("Resources").path("StateTable");
    assertThat(table.path("Type").asText()).isEqualTo("AWS::DynamoDB::Table");
    // The ledger is the users' record: it outlives the stack and any replacement.
    assertThat(table.path("DeletionPolicy").asText()).isEqualTo("Retain");
    assertThat(table.path("UpdateReplacePolicy").asText()).isEqualTo("Retain");

    JsonNode props = table.path("Properties");
    assertThat(props.path("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
    assertThat(keys(props.path("KeySchema"), "KeyType")).containsExactly("pk=HASH", "sk=RANGE");
    assertThat(keys(props.path("AttributeDefinitions"), "AttributeType"))
        .containsExactlyInAnyOrder("pk=S", "sk=S");
    assertThat(
            props
                .path("PointInTimeRecoverySpecification")
                .path("PointInTimeRecoveryEnabled")
                .asBoolean())
        .isTrue();
    assertThat(props.path("TimeToLiveSpecification").path("AttributeName").asText())
        .isEqualTo("expiresAt");
    assertThat(props.path("TimeToLiveSpecification").path("Enabled").asBoolean()).isTrue();
    assertThat(props.path("SSESpecification").path("SSEEnabled").asBoolean()).isTrue();
    assertThat(props.path("DeletionProtectionEnabled").asBoolean()).isTrue();
    assertThat(props.path("Tags").isArray() && !props.path("Tags").isEmpty())
        .as("StateTable has tags")
        .isTrue();
  }

  @Test
  void outputsExportTheStateTableUnderTheStackName() throws IOException {
    JsonNode outputs = parse().path("Outputs");
    assertThat(outputs.path("StateTableName").path("Value").path("Ref").asText())
        .isEqualTo("StateTable");
    assertThat(outputs.path("StateTableArn").path("Value").path("Fn::GetAtt").toString())
        .isEqualTo("[\"StateTable\",\"Arn\"]");
    for (String name : List.of("StateTableName", "StateTableArn")) {
      assertThat(outputs.path(name).path("Export").path("Name").path("Fn::Sub").asText())
          .as("export name of output %s", name)
          .startsWith("${AWS::StackName}-");
    }
  }

  @Test
  void resourcePrefixIsConstrained() throws IOException {
    JsonNode prefix = parse().path("Parameters").path("ResourcePrefix");
    assertThat(prefix.path("Default").asText()).isEqualTo("copyscale");
    Pattern allowed = Pattern.compile(prefix.path("AllowedPattern").asText());
    assertThat(allowed.matcher("copyscale").matches()).isTrue();
    assertThat(allowed.matcher("Copyscale").matches()).isFalse();
    assertThat(allowed.matcher("a".repeat(21)).matches()).isFalse();
  }

  /**
   * Tests (and tools such as MotoClients) read template.yaml with plain Jackson YAML, which drops
   * the tag of a short-form intrinsic and reads {@code !Ref X} as the string {@code X}; so the
   * template uses the long forms only.
   */
  @Test
  void usesLongFormIntrinsicsOnly() throws IOException {
    List<String> offending = new ArrayList<>();
    List<String> lines = Files.readAllLines(template(), StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.strip().startsWith("#") && SHORT_FORM_TAG.matcher(line).find()) {
        offending.add((i + 1) + ": " + line.strip());
      }
    }
    assertThat(offending)
        .as(
            "lines of template.yaml with a short-form intrinsic (use Ref:, Fn::GetAtt:, Fn::Sub:,"
                + " ...)")
        .isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // The three functions
  // ---------------------------------------------------------------------------------------------

  /** The longest stack name docs/template.md promises to work with the longest ResourcePrefix. */
  private static final int MAX_STACK_NAME = 25;

  private static final int MAX_RESOURCE_PREFIX = 20;
  private static final int MAX_FUNCTION_NAME = 64;
  private static final String FUNCTION_NAME_HEAD = "${ResourcePrefix}-${AWS::StackName}-";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "DeployFunction           | functions/deploy/target/deploy.jar                       |"
            + " dev.copyscale.functions.deploy.DeployHandler::handleRequest                     |"
            + " 900 | deploy",
        "StepScalingFunction      | functions/step-scaling/target/step-scaling.jar           |"
            + " dev.copyscale.functions.stepscaling.AlarmHandler::handleRequest                 |"
            + " 120 | step-scaling",
        "ScheduledScalingFunction | functions/scheduled-scaling/target/scheduled-scaling.jar |"
            + " dev.copyscale.functions.scheduledscaling.ScheduleHandler::handleRequest         |"
            + " 120 | scheduled-scaling",
      })
  void functionsAreWiredAsTheirHandlersExpect(
      String id, String codeUri, String handler, int timeout, String nameSuffix)
      throws IOException {
    JsonNode root = parse();
    JsonNode function = resource(root, id, "AWS::Serverless::Function");

    assertThat(effective(root, function, "CodeUri").asText()).isEqualTo(codeUri);
    assertThat(effective(root, function, "Handler").asText()).isEqualTo(handler);
    assertThat(effective(root, function, "Timeout").asInt()).isEqualTo(timeout);
    assertThat(effective(root, function, "Runtime").asText()).isEqualTo("java21");
    assertThat(effective(root, function, "Architectures").toString()).isEqualTo("[\"x86_64\"]");
    assertThat(effective(root, function, "MemorySize").asInt()).isEqualTo(1024);
    assertThat(effective(root, function, "SnapStart").path("ApplyOn").asText())
        .isEqualTo("PublishedVersions");
    assertThat(effective(root, function, "AutoPublishAlias").asText()).isEqualTo("live");
    assertThat(sub(function.path("Properties").path("FunctionName")))
        .isEqualTo(FUNCTION_NAME_HEAD + nameSuffix);
    // Maven builds the jar; sam build must not try to (it cannot build a jar CodeUri).
    assertThat(function.path("Metadata").path("SkipBuild").asBoolean())
        .as("Metadata.SkipBuild")
        .isTrue();

    Map<String, JsonNode> env = environment(root, function);
    assertThat(ref(env.get("COPYSCALE_LOG_LEVEL"))).isEqualTo("LogLevel");
    // Logging is Logback's JSON lines (JsonLogging), not Powertools: no variable of Powertools' is
    // read.
    assertThat(env.keySet()).noneMatch(name -> name.startsWith("POWERTOOLS_"));
    assertThat(ref(env.get("STATE_TABLE"))).isEqualTo("StateTable");
    assertThat(ref(env.get("LEDGER_RETENTION_DAYS"))).isEqualTo("LedgerRetentionDays");
    assertThat(ref(env.get("COPYSCALE_STACK"))).isEqualTo("AWS::StackName");
    assertThat(ref(env.get("RESOURCE_PREFIX"))).isEqualTo("ResourcePrefix");

    // Its own role (no SAM-generated role with the managed basic-execution policy on every log
    // group).
    assertThat(getAtt(function.path("Properties").path("Role"))).isEqualTo(id + "Role.Arn");
    resource(root, id + "Role", "AWS::IAM::Role");
  }

  @Test
  void deployFunctionKnowsTheExecutionRoleAndWhereSchedulesPoint() throws IOException {
    JsonNode root = parse();
    Map<String, JsonNode> env =
        environment(root, resource(root, "DeployFunction", "AWS::Serverless::Function"));
    assertThat(ref(env.get("SAGEMAKER_EXECUTION_ROLE_ARN"))).isEqualTo("SageMakerExecutionRoleArn");
    assertThat(ref(env.get("SCHEDULE_TARGET_ARN"))).isEqualTo("ScheduledScalingFunction.Alias");
    assertThat(getAtt(env.get("SCHEDULER_ROLE_ARN"))).isEqualTo("SchedulerInvokeRole.Arn");
    assertThat(getAtt(env.get("FAILED_EVENTS_QUEUE_ARN"))).isEqualTo("FailedEventsQueue.Arn");
  }

  @ParameterizedTest
  @CsvSource({"DeployFunction", "StepScalingFunction", "ScheduledScalingFunction"})
  void eachFunctionLogsToItsOwnLogGroupWithARetention(String id) throws IOException {
    JsonNode root = parse();
    JsonNode function = resource(root, id, "AWS::Serverless::Function");
    String logGroupId = ref(function.path("Properties").path("LoggingConfig").path("LogGroup"));
    JsonNode logGroup = resource(root, logGroupId, "AWS::Logs::LogGroup");
    assertThat(sub(logGroup.path("Properties").path("LogGroupName")))
        .isEqualTo("/aws/lambda/" + sub(function.path("Properties").path("FunctionName")));
    assertThat(logGroup.path("Properties").path("RetentionInDays").asInt()).isEqualTo(30);
    // The function writes its own log streams and nothing else.
    List<Statement> logs =
        statements(root).stream()
            .filter(s -> s.where().startsWith(id + "Role/"))
            .filter(s -> s.actions().stream().anyMatch(a -> a.startsWith("logs:")))
            .toList();
    assertThat(logs).hasSize(1);
    assertThat(logs.get(0).actions())
        .containsExactlyInAnyOrder("logs:CreateLogStream", "logs:PutLogEvents");
    assertThat(logs.get(0).resources())
        .containsExactly("{\"Fn::GetAtt\":[\"" + logGroupId + "\",\"Arn\"]}");
  }

  /**
   * Reserved concurrency: each function can always run, and none can take more. Together they keep
   * well inside Lambda's minimum of 100 unreserved executions of an account with the default quota
   * of 1000 (docs/template.md names the total).
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({"DeployFunction, 5", "StepScalingFunction, 10", "ScheduledScalingFunction, 5"})
  void eachFunctionHasItsReservedConcurrency(String id, int reserved) throws IOException {
    JsonNode root = parse();
    assertThat(root.path("Globals").path("Function").has("ReservedConcurrentExecutions"))
        .as("set per function, not in Globals")
        .isFalse();
    assertThat(
            resource(root, id, "AWS::Serverless::Function")
                .path("Properties")
                .path("ReservedConcurrentExecutions")
                .asInt(-1))
        .isEqualTo(reserved);
  }

  @Test
  void reservedConcurrencyLeavesTheAccountItsRoom() throws IOException {
    JsonNode root = parse();
    int total = 0;
    for (String id : List.of("DeployFunction", "StepScalingFunction", "ScheduledScalingFunction")) {
      total +=
          resource(root, id, "AWS::Serverless::Function")
              .path("Properties")
              .path("ReservedConcurrentExecutions")
              .asInt();
    }
    assertThat(total).isEqualTo(20).isLessThanOrEqualTo(1000 - 100);
    assertThat(RepoFiles.read("docs/template.md"))
        .contains("## Reserved concurrency")
        .contains(total + " executions");
  }

  /**
   * Function names are {@code ${ResourcePrefix}-${AWS::StackName}-<function>} and may have 64
   * characters: with the longest prefix ResourcePrefix allows, the stack name docs/template.md
   * promises (25 characters) must fit every function, and exactly fill the longest one.
   */
  @Test
  void functionNamesFitLambdasLimitWithTheDocumentedStackNameLimit() throws IOException {
    JsonNode root = parse();
    Pattern prefix =
        Pattern.compile(
            root.path("Parameters").path("ResourcePrefix").path("AllowedPattern").asText());
    assertThat(prefix.matcher("a".repeat(MAX_RESOURCE_PREFIX)).matches()).isTrue();
    assertThat(prefix.matcher("a".repeat(MAX_RESOURCE_PREFIX + 1)).matches()).isFalse();

    int longest = 0;
    for (String id : List.of("DeployFunction", "StepScalingFunction", "ScheduledScalingFunction")) {
      String name =
          sub(
              resource(root, id, "AWS::Serverless::Function")
                  .path("Properties")
                  .path("FunctionName"));
      assertThat(name).startsWith(FUNCTION_NAME_HEAD);
      String resolved =
          name.replace("${ResourcePrefix}", "p".repeat(MAX_RESOURCE_PREFIX))
              .replace("${AWS::StackName}", "s".repeat(MAX_STACK_NAME));
      assertThat(resolved).doesNotContain("${");
      assertThat(resolved.length())
          .as("longest possible name of %s", id)
          .isLessThanOrEqualTo(MAX_FUNCTION_NAME);
      longest = Math.max(longest, resolved.length());
    }
    assertThat(longest)
        .as("the documented stack-name limit is the tightest one")
        .isEqualTo(MAX_FUNCTION_NAME);
    assertThat(RepoFiles.read("docs/template.md")).contains(MAX_STACK_NAME + " characters");
  }

  // ---------------------------------------------------------------------------------------------
  // How events reach the functions
  // ---------------------------------------------------------------------------------------------

  /**
   * Alarm names are copyscale-DEPLOYMENT-POLICY (ResourceNames): the rule must match all of them.
   */
  @Test
  void stepScalingRuleMatchesCopyscaleAlarmStateChanges() throws IOException {
    JsonNode root = parse();
    JsonNode events =
        resource(root, "StepScalingFunction", "AWS::Serverless::Function")
            .path("Properties")
            .path("Events");
    assertThat(events.size()).isEqualTo(1);
    JsonNode rule = events.elements().next();
    assertThat(rule.path("Type").asText()).isEqualTo("EventBridgeRule");
    JsonNode pattern = rule.path("Properties").path("Pattern");
    assertThat(pattern.path("source").toString()).isEqualTo("[\"aws.cloudwatch\"]");
    assertThat(pattern.path("detail-type").toString())
        .isEqualTo("[\"CloudWatch Alarm State Change\"]");
    assertThat(pattern.path("detail").path("alarmName").toString())
        .isEqualTo("[{\"prefix\":\"copyscale-\"}]");
    assertThat(pattern.path("detail").size())
        .as("the rule filters on the alarm name only")
        .isEqualTo(1);
    // Only this account's and Region's alarms (a bus policy or a cross-Region rule could bring
    // others').
    assertThat(pattern.path("account").toString()).isEqualTo("[{\"Ref\":\"AWS::AccountId\"}]");
    assertThat(pattern.path("region").toString()).isEqualTo("[{\"Ref\":\"AWS::Region\"}]");
    assertThat(pattern.size()).as("fields the rule filters on").isEqualTo(5);

    String alarm =
        new ResourceNames(
                "llama3-chat",
                "m",
                "c",
                "llama3-chat",
                "AllTraffic",
                "llama3-chat-ic",
                "inference-component/llama3-chat-ic",
                ResourceNames.COPY_DIMENSION)
            .alarm("burst");
    assertThat(
            matches(
                pattern, "aws.cloudwatch", "CloudWatch Alarm State Change", ACCOUNT, REGION, alarm))
        .as(alarm)
        .isTrue();
    assertThat(
            matches(
                pattern,
                "aws.cloudwatch",
                "CloudWatch Alarm State Change",
                ACCOUNT,
                REGION,
                "someone-elses-alarm"))
        .isFalse();
    assertThat(
            matches(
                pattern,
                "aws.cloudwatch",
                "CloudWatch Alarm State Change",
                "210987654321",
                REGION,
                alarm))
        .as("another account's " + alarm)
        .isFalse();
    assertThat(
            matches(
                pattern,
                "aws.cloudwatch",
                "CloudWatch Alarm State Change",
                ACCOUNT,
                "eu-west-1",
                alarm))
        .as("another Region's " + alarm)
        .isFalse();
    JsonNode sample =
        new ObjectMapper().readTree(RepoFiles.read("events/alarm-eventbridge-burst.json"));
    assertThat(
            matches(
                pattern,
                sample.path("source").asText(),
                sample.path("detail-type").asText(),
                sample.path("account").asText(),
                sample.path("region").asText(),
                sample.path("detail").path("alarmName").asText()))
        .as(
            "events/alarm-eventbridge-burst.json matches the rule in account %s, Region %s",
            ACCOUNT, REGION)
        .isTrue();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "ReconcileSchedule, DeployFunction",
    "AlarmTickSchedule, StepScalingFunction",
    "ScheduleHealSchedule, ScheduledScalingFunction"
  })
  void reconcileSchedulesTickEveryMinute(String id, String function) throws IOException {
    JsonNode root = parse();
    JsonNode props = resource(root, id, "AWS::Scheduler::Schedule").path("Properties");
    assertThat(props.path("ScheduleExpression").asText()).isEqualTo("rate(1 minute)");
    assertThat(props.path("FlexibleTimeWindow").path("Mode").asText()).isEqualTo("OFF");
    assertThat(props.path("State").asText()).isEqualTo("ENABLED");
    JsonNode target = props.path("Target");
    assertThat(ref(target.path("Arn"))).isEqualTo(function + ".Alias");
    assertThat(getAtt(target.path("RoleArn"))).isEqualTo("SchedulerInvokeRole.Arn");
    assertThat(new ObjectMapper().readTree(target.path("Input").asText()))
        .isEqualTo(new ObjectMapper().readTree("{\"action\": \"reconcile\"}"));
    assertThat(new ObjectMapper().readTree(target.path("Input").asText()))
        .as("the same tick as events/deploy-reconcile.json")
        .isEqualTo(new ObjectMapper().readTree(RepoFiles.read("events/deploy-reconcile.json")));
  }

  @Test
  void schedulerInvokeRoleInvokesTheLiveAliasesAndDeadLettersOnly() throws IOException {
    JsonNode root = parse();
    JsonNode role = resource(root, "SchedulerInvokeRole", "AWS::IAM::Role").path("Properties");
    JsonNode trust = only(role.path("AssumeRolePolicyDocument").path("Statement"));
    assertThat(trust.path("Principal").path("Service").asText())
        .isEqualTo("scheduler.amazonaws.com");
    assertThat(trust.path("Action").asText()).isEqualTo("sts:AssumeRole");
    assertThat(ref(trust.path("Condition").path("StringEquals").path("aws:SourceAccount")))
        .isEqualTo("AWS::AccountId");

    List<Statement> statements =
        statements(root).stream()
            .filter(s -> s.where().startsWith("SchedulerInvokeRole/"))
            .toList();
    assertThat(statements).hasSize(2);
    assertThat(statements.get(0).actions()).containsExactly("lambda:InvokeFunction");
    List<String> aliases = new ArrayList<>();
    for (String id : List.of("DeployFunction", "StepScalingFunction", "ScheduledScalingFunction")) {
      String name =
          sub(
              resource(root, id, "AWS::Serverless::Function")
                  .path("Properties")
                  .path("FunctionName"));
      aliases.add(
          subJson(
              "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:"
                  + name
                  + ":live"));
    }
    assertThat(statements.get(0).resources()).containsExactlyInAnyOrderElementsOf(aliases);
    // Scheduler sends a schedule's dead-letter events with the schedule's role.
    assertThat(statements.get(1).actions()).containsExactly("sqs:SendMessage");
    assertThat(statements.get(1).resources()).containsExactly(FAILED_EVENTS_QUEUE_ARN);
  }

  // ---------------------------------------------------------------------------------------------
  // Failure handling: every asynchronous path ends in the failed-events queue
  // ---------------------------------------------------------------------------------------------

  private static final String FAILED_EVENTS_QUEUE = "FailedEventsQueue";

  /**
   * How statements and properties hold the queue's ARN: {@code Fn::GetAtt: [FailedEventsQueue,
   * Arn]}.
   */
  private static final String FAILED_EVENTS_QUEUE_ARN =
      "{\"Fn::GetAtt\":[\"FailedEventsQueue\",\"Arn\"]}";

  /** SQS's maximum retention, which docs/template.md promises. */
  private static final int FOURTEEN_DAYS = 14 * 24 * 3600;

  @Test
  void failedEventsQueueIsEncryptedAndKeepsMessagesFourteenDays() throws IOException {
    JsonNode root = parse();
    JsonNode props = resource(root, FAILED_EVENTS_QUEUE, "AWS::SQS::Queue").path("Properties");
    assertThat(props.path("MessageRetentionPeriod").asInt())
        .isEqualTo(FOURTEEN_DAYS)
        .isEqualTo(1209600);
    // SSE-SQS; SSE-KMS with aws/sqs would refuse EventBridge's and Scheduler's messages.
    assertThat(props.path("SqsManagedSseEnabled").asBoolean()).isTrue();
    assertThat(props.has("KmsMasterKeyId")).isFalse();
    assertThat(props.has("FifoQueue"))
        .as("Scheduler and EventBridge dead-letter only to standard queues")
        .isFalse();
    assertThat(sub(props.path("QueueName")))
        .isEqualTo("${ResourcePrefix}-${AWS::StackName}-failed-events");
    String docs = RepoFiles.read("docs/template.md");
    assertThat(docs).contains("## Failure handling").contains("14 days").contains("1209600");
  }

  /**
   * The paths: each function's asynchronous invocations (Lambda's on-failure destination), each
   * event source SAM wires to a function (the alarm rule), each Scheduler schedule (dead-letter
   * queue). The resource types are pinned, so a new kind of path (a raw rule, an event source
   * mapping, a pipe) fails here until it is handled.
   */
  @Test
  void everyAsynchronousPathEndsInTheFailedEventsQueueWithAnExplicitRetryPolicy()
      throws IOException {
    JsonNode root = parse();
    List<String> offenders = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    root.path("Resources")
        .fields()
        .forEachRemaining(
            e -> {
              String id = e.getKey();
              JsonNode props = e.getValue().path("Properties");
              switch (e.getValue().path("Type").asText()) {
                case "AWS::Serverless::Function" -> {
                  paths.add(id);
                  JsonNode config = props.path("EventInvokeConfig");
                  JsonNode onFailure = config.path("DestinationConfig").path("OnFailure");
                  if (!onFailure.path("Type").asText().equals("SQS")
                      || !onFailure
                          .path("Destination")
                          .toString()
                          .equals(FAILED_EVENTS_QUEUE_ARN)) {
                    offenders.add(
                        id + ": EventInvokeConfig.DestinationConfig.OnFailure is " + onFailure);
                  }
                  if (!config.path("MaximumRetryAttempts").isInt()
                      || !config.path("MaximumEventAgeInSeconds").isInt()) {
                    offenders.add(
                        id
                            + ": EventInvokeConfig without MaximumRetryAttempts and"
                            + " MaximumEventAgeInSeconds");
                  }
                  props
                      .path("Events")
                      .fields()
                      .forEachRemaining(
                          event -> {
                            paths.add(id + "/" + event.getKey());
                            JsonNode eventProps = event.getValue().path("Properties");
                            if (!eventProps
                                .path("DeadLetterConfig")
                                .path("Arn")
                                .toString()
                                .equals(FAILED_EVENTS_QUEUE_ARN)) {
                              offenders.add(
                                  id
                                      + "/"
                                      + event.getKey()
                                      + ": DeadLetterConfig is "
                                      + eventProps.path("DeadLetterConfig"));
                            }
                            if (!eventProps.path("RetryPolicy").path("MaximumRetryAttempts").isInt()
                                || !eventProps
                                    .path("RetryPolicy")
                                    .path("MaximumEventAgeInSeconds")
                                    .isInt()) {
                              offenders.add(
                                  id
                                      + "/"
                                      + event.getKey()
                                      + ": RetryPolicy is "
                                      + eventProps.path("RetryPolicy"));
                            }
                          });
                }
                case "AWS::Scheduler::Schedule" -> {
                  paths.add(id);
                  JsonNode target = props.path("Target");
                  if (!target
                      .path("DeadLetterConfig")
                      .path("Arn")
                      .toString()
                      .equals(FAILED_EVENTS_QUEUE_ARN)) {
                    offenders.add(
                        id + ": Target.DeadLetterConfig is " + target.path("DeadLetterConfig"));
                  }
                  if (!target.path("RetryPolicy").path("MaximumRetryAttempts").isInt()
                      || !target.path("RetryPolicy").path("MaximumEventAgeInSeconds").isInt()) {
                    offenders.add(id + ": Target.RetryPolicy is " + target.path("RetryPolicy"));
                  }
                }
                case "AWS::DynamoDB::Table",
                    "AWS::Logs::LogGroup",
                    "AWS::IAM::Role",
                    "AWS::SQS::Queue",
                    "AWS::SQS::QueuePolicy",
                    "AWS::CloudWatch::Alarm" -> {}
                default ->
                    offenders.add(
                        id
                            + ": resource type "
                            + e.getValue().path("Type").asText()
                            + " this test does not know: is it an asynchronous path?");
              }
            });
    assertThat(offenders).isEmpty();
    assertThat(paths)
        .containsExactlyInAnyOrder(
            "DeployFunction",
            "StepScalingFunction",
            "StepScalingFunction/AlarmStateChange",
            "ScheduledScalingFunction",
            "ReconcileSchedule",
            "AlarmTickSchedule",
            "ScheduleHealSchedule");
  }

  /** The retry policy of each path, as docs/template.md ("Failure handling") justifies it. */
  @ParameterizedTest(name = "{0}: {1} retries, events up to {2} s old")
  @CsvSource({
    // Specs and deletes must not be lost: Lambda's retries, throttled events kept an hour.
    "DeployFunction,                       2, 3600",
    // Alarm events and schedule firings are superseded by the per-minute ticks after a few minutes.
    "StepScalingFunction,                  2,  300",
    "ScheduledScalingFunction,             2,  300",
    "StepScalingFunction/AlarmStateChange, 2,  300",
    // A tick that is not delivered at once is superseded by the next one.
    "ReconcileSchedule,                    0,   60",
    "AlarmTickSchedule,                    0,   60",
    "ScheduleHealSchedule,                 0,   60",
  })
  void retryPoliciesAreTheDocumentedOnes(String path, int retries, int maxAgeSeconds)
      throws IOException {
    JsonNode root = parse();
    String[] parts = path.split("/");
    JsonNode resource = root.path("Resources").path(parts[0]);
    JsonNode policy =
        switch (resource.path("Type").asText()) {
          case "AWS::Serverless::Function" ->
              parts.length == 1
                  ? resource.path("Properties").path("EventInvokeConfig")
                  : resource
                      .path("Properties")
                      .path("Events")
                      .path(parts[1])
                      .path("Properties")
                      .path("RetryPolicy");
          case "AWS::Scheduler::Schedule" ->
              resource.path("Properties").path("Target").path("RetryPolicy");
          default -> throw new AssertionError(path + " is no asynchronous path");
        };
    assertThat(policy.path("MaximumRetryAttempts").asInt(-1))
        .as("%s MaximumRetryAttempts", path)
        .isEqualTo(retries);
    assertThat(policy.path("MaximumEventAgeInSeconds").asInt(-1))
        .as("%s MaximumEventAgeInSeconds", path)
        .isEqualTo(maxAgeSeconds);
  }

  /**
   * Lambda sends a function's failed events with the function's role, Scheduler with the schedule's
   * role: those four roles hold sqs:SendMessage on the queue and nothing else does. EventBridge
   * sends as itself, allowed by the queue policy for the alarm rule only; the policy denies
   * everyone else.
   */
  @Test
  void onlyThisStacksSendersMaySendFailedEvents() throws IOException {
    JsonNode root = parse();
    List<String> senderRoles =
        List.of(
            "DeployFunctionRole",
            "StepScalingFunctionRole",
            "ScheduledScalingFunctionRole",
            "SchedulerInvokeRole");
    TreeSet<String> granted = new TreeSet<>();
    for (Statement s : statements(root)) {
      if (s.actions().stream().anyMatch(a -> a.startsWith("sqs:"))) {
        assertThat(s.actions()).as(s.where()).containsExactly("sqs:SendMessage");
        assertThat(s.resources()).as(s.where()).containsExactly(FAILED_EVENTS_QUEUE_ARN);
        granted.add(s.where().substring(0, s.where().indexOf('/')));
      }
    }
    assertThat(granted).containsExactlyInAnyOrderElementsOf(senderRoles);

    JsonNode policy =
        resource(root, "FailedEventsQueuePolicy", "AWS::SQS::QueuePolicy").path("Properties");
    assertThat(policy.path("Queues").toString()).isEqualTo("[{\"Ref\":\"FailedEventsQueue\"}]");
    JsonNode statements = policy.path("PolicyDocument").path("Statement");
    assertThat(statements.size()).isEqualTo(2);
    String ruleArn = "{\"Fn::GetAtt\":[\"StepScalingFunctionAlarmStateChange\",\"Arn\"]}";

    JsonNode allow = statements.get(0);
    assertThat(allow.path("Effect").asText()).isEqualTo("Allow");
    assertThat(allow.path("Principal").toString())
        .isEqualTo("{\"Service\":\"events.amazonaws.com\"}");
    assertThat(allow.path("Action").asText()).isEqualTo("sqs:SendMessage");
    assertThat(allow.path("Resource").toString()).isEqualTo(FAILED_EVENTS_QUEUE_ARN);
    assertThat(allow.path("Condition").toString())
        .isEqualTo("{\"ArnEquals\":{\"aws:SourceArn\":" + ruleArn + "}}");

    JsonNode deny = statements.get(1);
    assertThat(deny.path("Effect").asText()).isEqualTo("Deny");
    assertThat(deny.path("Principal").asText()).isEqualTo("*");
    assertThat(deny.path("Action").asText()).isEqualTo("sqs:SendMessage");
    assertThat(deny.path("Resource").toString()).isEqualTo(FAILED_EVENTS_QUEUE_ARN);
    JsonNode notEquals = deny.path("Condition").path("ArnNotEquals");
    assertThat(deny.path("Condition").size()).isEqualTo(1);
    assertThat(notEquals.size()).isEqualTo(2);
    assertThat(notEquals.path("aws:SourceArn").toString()).isEqualTo(ruleArn);
    List<String> exempt = new ArrayList<>();
    notEquals.path("aws:PrincipalArn").forEach(r -> exempt.add(getAtt(r)));
    assertThat(exempt)
        .containsExactlyInAnyOrderElementsOf(senderRoles.stream().map(r -> r + ".Arn").toList());
  }

  /**
   * The schedules the deploy function creates at run time are an asynchronous path too:
   * ScheduleWrites gives each target the queue from FAILED_EVENTS_QUEUE_ARN (see MotoAdapterTest)
   * and a retry policy as long as the scheduled-scaling function's own, which it invokes.
   */
  @Test
  void perDeploymentSchedulesDeadLetterToTheQueueAndRetryLikeTheirFunction() throws IOException {
    JsonNode root = parse();
    Map<String, JsonNode> env =
        environment(root, resource(root, "DeployFunction", "AWS::Serverless::Function"));
    assertThat(getAtt(env.get("FAILED_EVENTS_QUEUE_ARN"))).isEqualTo(FAILED_EVENTS_QUEUE + ".Arn");
    JsonNode invokeConfig =
        resource(root, "ScheduledScalingFunction", "AWS::Serverless::Function")
            .path("Properties")
            .path("EventInvokeConfig");
    assertThat(ScheduleWrites.RETRY_ATTEMPTS)
        .isEqualTo(invokeConfig.path("MaximumRetryAttempts").asInt())
        .isEqualTo(2);
    assertThat(ScheduleWrites.MAX_EVENT_AGE.toSeconds())
        .isEqualTo(invokeConfig.path("MaximumEventAgeInSeconds").asInt())
        .isEqualTo(300);
    // Scheduler delivers their dead letters with the role they run as.
    assertThat(
            statements(root).stream()
                .filter(s -> s.where().startsWith("SchedulerInvokeRole/"))
                .flatMap(s -> s.actions().stream()))
        .contains("sqs:SendMessage");
  }

  // ---------------------------------------------------------------------------------------------
  // Alarms on the stack itself
  // ---------------------------------------------------------------------------------------------

  /** Each function's Errors and Throttles, over 5 minutes, in ALARM on the first one. */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "DeployFunction, Errors", "DeployFunction, Throttles",
    "StepScalingFunction, Errors", "StepScalingFunction, Throttles",
    "ScheduledScalingFunction, Errors", "ScheduledScalingFunction, Throttles",
  })
  void everyFunctionHasAnAlarmOnItsErrorsAndThrottles(String function, String metric)
      throws IOException {
    JsonNode props =
        resource(parse(), function + metric + "Alarm", "AWS::CloudWatch::Alarm").path("Properties");
    assertThat(props.path("Namespace").asText()).isEqualTo("AWS/Lambda");
    assertThat(props.path("MetricName").asText()).isEqualTo(metric);
    JsonNode dimension = only(props.path("Dimensions"));
    assertThat(dimension.path("Name").asText()).isEqualTo("FunctionName");
    assertThat(ref(dimension.path("Value")))
        .as("all versions and aliases of the function")
        .isEqualTo(function);
    assertThat(props.path("Statistic").asText()).isEqualTo("Sum");
    assertFiresOnTheFirstOne(props);
  }

  /**
   * Any message visible in the queue is a failed event nobody has looked at: ALARM until it is
   * empty.
   */
  @Test
  void failedEventsAlarmFiresOnTheFirstWaitingMessage() throws IOException {
    JsonNode props =
        resource(parse(), "FailedEventsAlarm", "AWS::CloudWatch::Alarm").path("Properties");
    assertThat(props.path("Namespace").asText()).isEqualTo("AWS/SQS");
    assertThat(props.path("MetricName").asText()).isEqualTo("ApproximateNumberOfMessagesVisible");
    JsonNode dimension = only(props.path("Dimensions"));
    assertThat(dimension.path("Name").asText()).isEqualTo("QueueName");
    assertThat(getAtt(dimension.path("Value"))).isEqualTo(FAILED_EVENTS_QUEUE + ".QueueName");
    assertThat(props.path("Statistic").asText()).isEqualTo("Maximum");
    assertFiresOnTheFirstOne(props);
  }

  private static void assertFiresOnTheFirstOne(JsonNode props) {
    assertThat(props.path("Period").asInt()).isEqualTo(300);
    assertThat(props.path("EvaluationPeriods").asInt()).isEqualTo(1);
    assertThat(props.path("Threshold").asDouble()).isZero();
    assertThat(props.path("ComparisonOperator").asText()).isEqualTo("GreaterThanThreshold");
    // No data (no invocations, an idle queue) is no failure.
    assertThat(props.path("TreatMissingData").asText()).isEqualTo("notBreaching");
  }

  /**
   * Every alarm of the stack notifies AlarmTopicArn when one is given and nothing otherwise, and
   * there are exactly the seven above.
   */
  @Test
  void alarmsNotifyTheTopicOnlyWhenOneIsGiven() throws IOException {
    JsonNode root = parse();
    List<String> alarms = new ArrayList<>();
    root.path("Resources")
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().path("Type").asText().equals("AWS::CloudWatch::Alarm")) {
                alarms.add(e.getKey());
                JsonNode props = e.getValue().path("Properties");
                assertThat(props.path("AlarmActions").toString())
                    .as(e.getKey())
                    .isEqualTo(
                        "{\"Fn::If\":[\"HasAlarmTopic\",[{\"Ref\":\"AlarmTopicArn\"}],{\"Ref\":\"AWS::NoValue\"}]}");
                assertThat(props.has("OKActions") || props.has("InsufficientDataActions"))
                    .as(e.getKey())
                    .isFalse();
              }
            });
    assertThat(alarms)
        .containsExactlyInAnyOrder(
            "DeployFunctionErrorsAlarm",
            "DeployFunctionThrottlesAlarm",
            "StepScalingFunctionErrorsAlarm",
            "StepScalingFunctionThrottlesAlarm",
            "ScheduledScalingFunctionErrorsAlarm",
            "ScheduledScalingFunctionThrottlesAlarm",
            "FailedEventsAlarm");

    JsonNode parameter = root.path("Parameters").path("AlarmTopicArn");
    assertThat(parameter.path("Type").asText()).isEqualTo("String");
    assertThat(parameter.path("Default").asText()).isEmpty();
    Pattern allowed = Pattern.compile(parameter.path("AllowedPattern").asText());
    assertThat(allowed.matcher("").matches()).isTrue();
    assertThat(allowed.matcher("arn:aws:sns:us-east-1:123456789012:ops-alerts").matches()).isTrue();
    assertThat(
            allowed.matcher("arn:aws-us-gov:sns:us-gov-west-1:123456789012:ops_alerts").matches())
        .isTrue();
    assertThat(allowed.matcher("ops-alerts").matches()).isFalse();
    assertThat(allowed.matcher("arn:aws:sqs:us-east-1:123456789012:ops-alerts").matches())
        .isFalse();
    assertThat(root.path("Conditions").path("HasAlarmTopic").toString())
        .isEqualTo("{\"Fn::Not\":[{\"Fn::Equals\":[{\"Ref\":\"AlarmTopicArn\"},\"\"]}]}");
  }

  /**
   * The alarm rule sends the state changes of every alarm named copyscale-* to the step-scaling
   * function. The stack's own alarms must not be among them, whatever ResourcePrefix and the stack
   * name are (both may start with "copyscale-").
   */
  @Test
  void theStacksAlarmsAreNeverSentToTheStepScalingFunction() throws IOException {
    JsonNode root = parse();
    JsonNode pattern =
        resource(root, "StepScalingFunction", "AWS::Serverless::Function")
            .path("Properties")
            .path("Events")
            .path("AlarmStateChange")
            .path("Properties")
            .path("Pattern");
    List<String> offenders = new ArrayList<>();
    root.path("Resources")
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().path("Type").asText().equals("AWS::CloudWatch::Alarm")) {
                String name = sub(e.getValue().path("Properties").path("AlarmName"));
                if (name == null || name.startsWith("${")) {
                  offenders.add(
                      e.getKey() + ": AlarmName " + name + " does not start with a fixed text");
                  return;
                }
                for (String prefix : List.of("copyscale", "copyscale-prod", "ops")) {
                  for (String stack : List.of("copyscale", "copyscale-prod", "s")) {
                    String resolved =
                        name.replace("${ResourcePrefix}", prefix)
                            .replace("${AWS::StackName}", stack);
                    if (matches(
                        pattern,
                        "aws.cloudwatch",
                        "CloudWatch Alarm State Change",
                        ACCOUNT,
                        REGION,
                        resolved)) {
                      offenders.add(e.getKey() + ": " + resolved);
                    }
                  }
                }
              }
            });
    assertThat(offenders).isEmpty();
  }

  @Test
  void outputsNameTheFailedEventsQueue() throws IOException {
    JsonNode outputs = parse().path("Outputs");
    assertThat(ref(outputs.path("FailedEventsQueueUrl").path("Value")))
        .isEqualTo(FAILED_EVENTS_QUEUE);
    assertThat(getAtt(outputs.path("FailedEventsQueueArn").path("Value")))
        .isEqualTo(FAILED_EVENTS_QUEUE + ".Arn");
    for (String name : List.of("FailedEventsQueueUrl", "FailedEventsQueueArn")) {
      assertThat(sub(outputs.path(name).path("Export").path("Name")))
          .isEqualTo("${AWS::StackName}-" + name);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Least privilege
  // ---------------------------------------------------------------------------------------------

  /** Read-only: the action's name (after the service prefix) starts with Describe, List or Get. */
  private static boolean readOnly(String action) {
    String name = action.substring(action.indexOf(':') + 1);
    return name.startsWith("Describe") || name.startsWith("List") || name.startsWith("Get");
  }

  @Test
  void everyResourceWildcardIsReadOnly() throws IOException {
    List<Statement> statements = statements(parse());
    assertThat(statements).as("IAM statements found in template.yaml").hasSizeGreaterThan(20);
    List<String> offenders = new ArrayList<>();
    for (Statement s : statements) {
      if (s.resources().contains("\"*\"")) {
        s.actions().stream()
            .filter(a -> !readOnly(a))
            .forEach(a -> offenders.add(s.where() + ": " + a + " on \"*\""));
      }
    }
    assertThat(offenders)
        .as("actions that are not read-only (Describe*, List*, Get*) granted on Resource \"*\"")
        .isEmpty();
  }

  @Test
  void policiesNameEveryActionAndResourceExplicitly() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Statement s : statements(parse())) {
      if (!s.statement().path("Effect").asText().equals("Allow")) {
        offenders.add(s.where() + ": Effect " + s.statement().path("Effect"));
      }
      for (String field : List.of("NotAction", "NotResource", "NotPrincipal")) {
        if (s.statement().has(field)) {
          offenders.add(s.where() + ": " + field);
        }
      }
      s.actions().stream()
          .filter(a -> a.contains("*") || a.contains("?") || !a.matches("[a-z0-9-]+:[A-Za-z0-9]+"))
          .forEach(a -> offenders.add(s.where() + ": action " + a));
      if (s.resources().isEmpty()) {
        offenders.add(s.where() + ": no Resource");
      }
    }
    assertThat(offenders)
        .as("statements that are not plain Allow lists of named actions on named resources")
        .isEmpty();
  }

  @Test
  void passRoleOnlyPassesTheTwoRolesToTheirServices() throws IOException {
    Map<String, String> passed = new TreeMap<>();
    for (Statement s : statements(parse())) {
      if (s.actions().contains("iam:PassRole")) {
        assertThat(s.actions())
            .as("%s grants only iam:PassRole", s.where())
            .containsExactly("iam:PassRole");
        assertThat(s.resources()).as("%s passes one role", s.where()).hasSize(1);
        JsonNode service =
            s.statement().path("Condition").path("StringEquals").path("iam:PassedToService");
        assertThat(service.isTextual())
            .as("%s has Condition StringEquals iam:PassedToService", s.where())
            .isTrue();
        assertThat(s.statement().path("Condition").size())
            .as("%s conditions", s.where())
            .isEqualTo(1);
        passed.put(s.resources().get(0), service.asText());
      }
    }
    assertThat(passed)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "{\"Ref\":\"SageMakerExecutionRoleArn\"}", "sagemaker.amazonaws.com",
                "{\"Fn::GetAtt\":[\"SchedulerInvokeRole\",\"Arn\"]}", "scheduler.amazonaws.com"));
  }

  /**
   * SageMaker writes touch only resources tagged with the stack: creates carry the tag in the
   * request, tagging happens only as part of a create, updates and deletes need the tag on the
   * resource. The tag key is the one the deploy function puts on what it creates.
   */
  @Test
  void sageMakerWritesAreScopedToTheStacksTag() throws IOException {
    String stackTag = DeployConfig.STACK_TAG;
    List<String> offenders = new ArrayList<>();
    for (Statement s : statements(parse())) {
      List<String> writes =
          s.actions().stream().filter(a -> a.startsWith("sagemaker:") && !readOnly(a)).toList();
      if (writes.isEmpty()) {
        continue;
      }
      JsonNode equals = s.statement().path("Condition").path("StringEquals");
      boolean creates = writes.stream().allMatch(a -> a.startsWith("sagemaker:Create"));
      boolean tags = writes.equals(List.of("sagemaker:AddTags"));
      String key = creates || tags ? "aws:RequestTag/" + stackTag : "aws:ResourceTag/" + stackTag;
      if (!"AWS::StackName".equals(ref(equals.path(key)))) {
        offenders.add(
            s.where() + " " + writes + ": no StringEquals " + key + " = Ref AWS::StackName");
      }
      if (tags && !equals.path("sagemaker:TaggingAction").isArray()) {
        offenders.add(
            s.where() + ": sagemaker:AddTags not limited to creates by sagemaker:TaggingAction");
      }
      if (creates || tags) {
        List<String> keys = new ArrayList<>();
        s.statement()
            .path("Condition")
            .path("ForAllValues:StringEquals")
            .path("aws:TagKeys")
            .forEach(k -> keys.add(k.asText()));
        if (!keys.contains(stackTag)) {
          offenders.add(
              s.where() + ": tag keys not limited by ForAllValues:StringEquals aws:TagKeys");
        }
      }
      s.resources().stream()
          .filter(
              r ->
                  !r.startsWith(
                      "{\"Fn::Sub\":\"arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:"))
          .forEach(r -> offenders.add(s.where() + ": resource " + r));
    }
    assertThat(offenders).isEmpty();
  }

  @Test
  void autoScalingWritesAreLimitedToSageMakersDimensions() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Statement s : statements(parse())) {
      if (s.actions().stream()
          .noneMatch(a -> a.startsWith("application-autoscaling:") && !readOnly(a))) {
        continue;
      }
      JsonNode equals = s.statement().path("Condition").path("StringEquals");
      if (!equals
          .path("application-autoscaling:service-namespace")
          .asText()
          .equals(ResourceNames.NAMESPACE)) {
        offenders.add(s.where() + ": service namespace not limited to sagemaker");
      }
      List<String> dimensions = new ArrayList<>();
      equals
          .path("application-autoscaling:scalable-dimension")
          .forEach(d -> dimensions.add(d.asText()));
      if (!new TreeSet<>(dimensions)
          .equals(
              new TreeSet<>(
                  List.of(ResourceNames.COPY_DIMENSION, ResourceNames.INSTANCE_DIMENSION)))) {
        offenders.add(s.where() + ": scalable dimensions " + dimensions);
      }
      if (!s.resources()
          .equals(
              List.of(
                  subJson(
                      "arn:${AWS::Partition}:application-autoscaling:${AWS::Region}:${AWS::AccountId}:scalable-target/*")))) {
        offenders.add(s.where() + ": resources " + s.resources());
      }
    }
    assertThat(offenders).isEmpty();
  }

  /**
   * Alarms and schedule groups are named copyscale-... by the deploy function (ResourceNames,
   * DeployConfig).
   */
  @Test
  void alarmAndScheduleWritesAreScopedToCopyscalesNames() throws IOException {
    ResourceNames names =
        new ResourceNames(
            "d", "m", "c", "e", "v", "ic", "inference-component/ic", ResourceNames.COPY_DIMENSION);
    assertThat(names.alarm("p")).isEqualTo("copyscale-d-p");
    assertThat(DeployConfig.scheduleGroup("d")).isEqualTo("copyscale-d");
    String alarms =
        subJson(
            "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:copyscale-*");
    String groups =
        subJson(
            "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule-group/copyscale-*");
    String schedules =
        subJson(
            "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/copyscale-*/*");
    List<String> offenders = new ArrayList<>();
    for (Statement s : statements(parse())) {
      for (String action : s.actions()) {
        String expected = null;
        if (action.startsWith("cloudwatch:") && !action.equals("cloudwatch:GetMetricData")) {
          expected = alarms;
        } else if (action.startsWith("scheduler:") && !action.startsWith("scheduler:List")) {
          expected =
              action.contains("ScheduleGroup") || action.equals("scheduler:TagResource")
                  ? groups
                  : schedules;
        }
        if (expected != null && !s.resources().equals(List.of(expected))) {
          offenders.add(s.where() + ": " + action + " on " + s.resources());
        }
      }
    }
    assertThat(offenders).isEmpty();
  }

  /** What DynamoDbStateStore calls: GetItem, Query, PutItem, and TransactWriteItems of Puts. */
  private static final List<String> STATE_TABLE_ACTIONS =
      List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query");

  @Test
  void stateTableIsTheOnlyTableAndTheSameForAllThreeFunctions() throws IOException {
    JsonNode root = parse();
    for (String role :
        List.of("DeployFunctionRole", "StepScalingFunctionRole", "ScheduledScalingFunctionRole")) {
      List<Statement> dynamo =
          statements(root).stream()
              .filter(s -> s.where().startsWith(role + "/"))
              .filter(s -> s.actions().stream().anyMatch(a -> a.startsWith("dynamodb:")))
              .toList();
      assertThat(dynamo).as(role).hasSize(1);
      // TransactWriteItems is no IAM action: transactions are authorised item by item.
      assertThat(dynamo.get(0).actions())
          .as(role)
          .containsExactlyInAnyOrderElementsOf(STATE_TABLE_ACTIONS);
      assertThat(dynamo.get(0).resources())
          .as(role)
          .containsExactly("{\"Fn::GetAtt\":[\"StateTable\",\"Arn\"]}");
    }
  }

  /**
   * The DynamoDB actions granted are exactly those DynamoDbStateStore's calls need: a new call (an
   * UpdateItem, a DeleteItem, a transaction with a Delete) fails this test until the roles grant
   * it, and a grant nothing calls any more fails it too.
   */
  @Test
  void stateTableActionsAreWhatTheStateStoreCalls() {
    String store =
        RepoFiles.read("shared/aws/src/main/java/dev/copyscale/aws/store/DynamoDbStateStore.java");
    Map<String, String> operations =
        Map.of(
            "getItem",
            "dynamodb:GetItem",
            "query",
            "dynamodb:Query",
            "queryPaginator",
            "dynamodb:Query",
            "putItem",
            "dynamodb:PutItem",
            "updateItem",
            "dynamodb:UpdateItem",
            "deleteItem",
            "dynamodb:DeleteItem",
            "batchGetItem",
            "dynamodb:BatchGetItem",
            "batchWriteItem",
            "dynamodb:BatchWriteItem",
            "scan",
            "dynamodb:Scan");
    Map<String, String> transactItems =
        Map.of(
            "put",
            "dynamodb:PutItem",
            "update",
            "dynamodb:UpdateItem",
            "delete",
            "dynamodb:DeleteItem",
            "conditionCheck",
            "dynamodb:ConditionCheckItem");
    TreeSet<String> needed = new TreeSet<>();
    List<String> unknown = new ArrayList<>();
    var calls = Pattern.compile("\\bdynamo\\s*\\.\\s*([a-zA-Z]+)\\s*\\(").matcher(store);
    while (calls.find()) {
      String call = calls.group(1);
      if (call.equals("transactWriteItems")) {
        continue; // authorised item by item, below
      }
      if (operations.containsKey(call)) {
        needed.add(operations.get(call));
      } else {
        unknown.add(call);
      }
    }
    var items =
        Pattern.compile("TransactWriteItem\\s*\\.\\s*builder\\(\\)\\s*\\.\\s*([a-zA-Z]+)\\s*\\(")
            .matcher(store);
    while (items.find()) {
      needed.add(
          transactItems.getOrDefault(items.group(1), "unknown transaction item " + items.group(1)));
    }
    assertThat(unknown)
        .as("DynamoDB calls of DynamoDbStateStore this test does not map to IAM actions")
        .isEmpty();
    assertThat(needed)
        .as("IAM actions DynamoDbStateStore needs")
        .containsExactlyInAnyOrderElementsOf(STATE_TABLE_ACTIONS);
  }

  /**
   * Every action of every role, exactly: a grant added or removed shows up here, next to why
   * (docs/template.md, "IAM"). Beyond the SDK calls (below) a role holds: logs for its own log
   * group, sqs:SendMessage for Lambda's on-failure destination or Scheduler's dead-letter queue,
   * the state-table actions DynamoDbStateStore needs, and for the deploy function sagemaker:AddTags
   * (tags on create), sagemaker:UpdateEndpointWeightsAndCapacities (Application Auto Scaling's
   * permission validation), iam:PassRole, iam:CreateServiceLinkedRole, and three reads its code
   * does not call today (sagemaker:DescribeEndpointConfig, scheduler:GetSchedule,
   * scheduler:GetScheduleGroup).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "DeployFunctionRole | dynamodb:GetItem dynamodb:PutItem dynamodb:Query logs:CreateLogStream"
            + " logs:PutLogEvents sqs:SendMessage sagemaker:CreateModel"
            + " sagemaker:CreateEndpointConfig sagemaker:CreateEndpoint"
            + " sagemaker:CreateInferenceComponent sagemaker:AddTags sagemaker:UpdateEndpoint"
            + " sagemaker:UpdateEndpointWeightsAndCapacities sagemaker:UpdateInferenceComponent"
            + " sagemaker:UpdateInferenceComponentRuntimeConfig sagemaker:DeleteModel"
            + " sagemaker:DeleteEndpointConfig sagemaker:DeleteEndpoint"
            + " sagemaker:DeleteInferenceComponent sagemaker:DescribeEndpoint"
            + " sagemaker:DescribeEndpointConfig sagemaker:DescribeInferenceComponent"
            + " sagemaker:ListModels sagemaker:ListEndpointConfigs"
            + " sagemaker:ListInferenceComponents iam:PassRole"
            + " secretsmanager:GetSecretValue application-autoscaling:RegisterScalableTarget"
            + " application-autoscaling:DeregisterScalableTarget"
            + " application-autoscaling:PutScalingPolicy"
            + " application-autoscaling:DeleteScalingPolicy"
            + " application-autoscaling:DescribeScalableTargets"
            + " application-autoscaling:DescribeScalingPolicies iam:CreateServiceLinkedRole"
            + " cloudwatch:PutMetricAlarm cloudwatch:DeleteAlarms cloudwatch:DescribeAlarms"
            + " scheduler:CreateSchedule scheduler:UpdateSchedule scheduler:DeleteSchedule"
            + " scheduler:GetSchedule scheduler:CreateScheduleGroup scheduler:TagResource"
            + " scheduler:DeleteScheduleGroup scheduler:GetScheduleGroup scheduler:ListSchedules"
            + " scheduler:ListScheduleGroups",
        "StepScalingFunctionRole | dynamodb:GetItem dynamodb:PutItem dynamodb:Query"
            + " logs:CreateLogStream logs:PutLogEvents sqs:SendMessage sagemaker:DescribeEndpoint"
            + " sagemaker:DescribeInferenceComponent"
            + " sagemaker:UpdateInferenceComponentRuntimeConfig"
            + " sagemaker:UpdateEndpointWeightsAndCapacities"
            + " application-autoscaling:DescribeScalableTargets cloudwatch:DescribeAlarms"
            + " cloudwatch:GetMetricData events:PutEvents",
        "ScheduledScalingFunctionRole | dynamodb:GetItem dynamodb:PutItem dynamodb:Query"
            + " logs:CreateLogStream logs:PutLogEvents sqs:SendMessage sagemaker:DescribeEndpoint"
            + " sagemaker:DescribeInferenceComponent"
            + " sagemaker:UpdateInferenceComponentRuntimeConfig"
            + " sagemaker:UpdateEndpointWeightsAndCapacities"
            + " application-autoscaling:RegisterScalableTarget"
            + " application-autoscaling:DescribeScalableTargets events:PutEvents",
        "SchedulerInvokeRole | lambda:InvokeFunction sqs:SendMessage",
      })
  void eachRoleHoldsExactlyItsActions(String role, String actions) throws IOException {
    List<String> granted =
        statements(parse()).stream()
            .filter(s -> s.where().startsWith(role + "/"))
            .flatMap(s -> s.actions().stream())
            .toList();
    List<String> expected = List.of(actions.trim().split("\\s+"));
    // iam:PassRole appears twice in the deploy role (two roles, two services); everything else
    // once.
    assertThat(new TreeSet<>(granted))
        .as(role)
        .containsExactlyInAnyOrderElementsOf(new TreeSet<>(expected));
  }

  /**
   * The other direction: every AWS call in a function's code is granted to its role (the readers
   * and writers of shared/aws a function's engines use: only schedules write bounds, and only the
   * scheduled-scaling function runs them). The calls are read from the sources ({@code
   * aws.sageMaker().describeEndpoint(...)}, {@code scheduler.createSchedule(...)}); a paginator is
   * its List or Describe action.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "DeployFunctionRole           | deploy/DeployService.java requests/Requests.java"
            + " deploy/ScheduleWrites.java",
        "StepScalingFunctionRole      | observe/LiveCapacityReader.java observe/AlarmReader.java"
            + " observe/MetricHistoryReader.java apply/CapacityWriter.java",
        "ScheduledScalingFunctionRole | observe/LiveCapacityReader.java apply/CapacityWriter.java"
            + " apply/BoundsWriter.java",
      })
  void everyCallInAFunctionsCodeIsGrantedToItsRole(String role, String sources) throws IOException {
    Map<String, String> services =
        Map.of(
            "sageMaker",
            "sagemaker",
            "autoScaling",
            "application-autoscaling",
            "cloudWatch",
            "cloudwatch",
            "eventBridge",
            "events",
            "secrets",
            "secretsmanager",
            "scheduler",
            "scheduler");
    Pattern call =
        Pattern.compile(
            "\\b(sageMaker|autoScaling|cloudWatch|eventBridge|secrets|scheduler)(?:\\(\\))?\\s*\\.\\s*([a-z][A-Za-z]+)\\s*\\(");
    TreeSet<String> called = new TreeSet<>();
    for (String source : sources.trim().split("\\s+")) {
      var m = call.matcher(RepoFiles.read("shared/aws/src/main/java/dev/copyscale/aws/" + source));
      while (m.find()) {
        String operation = m.group(2).replaceFirst("Paginator$", "");
        called.add(
            services.get(m.group(1))
                + ":"
                + Character.toUpperCase(operation.charAt(0))
                + operation.substring(1));
      }
    }
    assertThat(called).as("AWS calls found in %s", sources).isNotEmpty();
    List<String> granted =
        statements(parse()).stream()
            .filter(s -> s.where().startsWith(role + "/"))
            .flatMap(s -> s.actions().stream())
            .toList();
    assertThat(granted).as("%s grants every call of %s", role, sources).containsAll(called);
  }

  /**
   * cfn-lint checks IAM action names (W3037), but not in a template with the Serverless transform.
   * All of copyscale's policies live in plain AWS::IAM::Role resources, so a copy without the
   * Transform line is linted and only the IAM findings are kept (the SAM resources are, of course,
   * unknown there). The same check must see a misspelt action in a broken copy.
   */
  @Test
  void everyIamActionExists(@TempDir Path dir) throws IOException {
    String text = Files.readString(template(), StandardCharsets.UTF_8);
    String plain = text.replaceFirst("(?m)^Transform: .*\\R", "");
    assertThat(plain).isNotEqualTo(text);

    assertThat(iamFindings(dir.resolve("plain.yaml"), plain)).isEmpty();

    String broken = plain.replace("sagemaker:ListModels", "sagemaker:ListModelz");
    assertThat(broken).isNotEqualTo(plain);
    assertThat(iamFindings(dir.resolve("broken.yaml"), broken))
        .anyMatch(l -> l.contains("W3037") && l.contains("listmodelz"));
  }

  private static List<String> iamFindings(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Result result =
        ExternalTools.run(
            LINT_TIMEOUT, cfnLint().toString(), "--format", "parseable", file.toString());
    assertThat(result.output())
        .as(result.describe())
        .contains("E3038"); // it did lint the SAM-less copy
    return result
        .output()
        .lines()
        .filter(l -> l.contains(":W3037:") || l.contains(":E3510:") || l.contains(":E3512:"))
        .toList();
  }

  @Test
  void hfTokenSecretsAreReadableOnlyWhenGiven() throws IOException {
    JsonNode root = parse();
    List<Statement> secrets =
        statements(root).stream()
            .filter(s -> s.actions().stream().anyMatch(a -> a.startsWith("secretsmanager:")))
            .toList();
    assertThat(secrets).hasSize(1);
    assertThat(secrets.get(0).where())
        .startsWith("DeployFunctionRole/")
        .contains("if HasHuggingFaceTokenSecrets");
    assertThat(secrets.get(0).actions()).containsExactly("secretsmanager:GetSecretValue");
    assertThat(secrets.get(0).resources())
        .containsExactly("{\"Ref\":\"HuggingFaceTokenSecretArns\"}");
    JsonNode parameter = root.path("Parameters").path("HuggingFaceTokenSecretArns");
    assertThat(parameter.path("Type").asText()).isEqualTo("CommaDelimitedList");
    assertThat(parameter.path("Default").asText()).isEmpty();
  }

  @Test
  void outputsNameTheLiveAliasesAndTheSchedulerRole() throws IOException {
    JsonNode outputs = parse().path("Outputs");
    assertThat(ref(outputs.path("DeployFunctionArn").path("Value")))
        .isEqualTo("DeployFunction.Alias");
    assertThat(ref(outputs.path("StepScalingFunctionArn").path("Value")))
        .isEqualTo("StepScalingFunction.Alias");
    assertThat(ref(outputs.path("ScheduledScalingFunctionArn").path("Value")))
        .isEqualTo("ScheduledScalingFunction.Alias");
    assertThat(getAtt(outputs.path("SchedulerInvokeRoleArn").path("Value")))
        .isEqualTo("SchedulerInvokeRole.Arn");
  }

  @Test
  void docsDescribeEveryParameterAndResource() throws IOException {
    JsonNode root = parse();
    String docs = RepoFiles.read("docs/template.md");
    List<String> missing = new ArrayList<>();
    root.path("Parameters")
        .fieldNames()
        .forEachRemaining(
            p -> {
              if (!docs.contains("`" + p + "`")) {
                missing.add("parameter " + p);
              }
            });
    root.path("Resources")
        .fieldNames()
        .forEachRemaining(
            r -> {
              if (!docs.contains("`" + r + "`")) {
                missing.add("resource " + r);
              }
            });
    assertThat(missing).as("names docs/template.md does not mention (in backticks)").isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Reading the template
  // ---------------------------------------------------------------------------------------------

  /**
   * One IAM permission statement, {@code where} it is (resource/policy/Sid), actions and resources
   * as compact JSON.
   */
  private record Statement(
      String where, JsonNode statement, List<String> actions, List<String> resources) {}

  /**
   * Every permission statement of the template: inline policies of roles, IAM policies, and inline
   * statements of functions; both branches of an Fn::If (AWS::NoValue dropped). Trust policies are
   * not permission statements and are checked on their own.
   */
  private static List<Statement> statements(JsonNode root) {
    List<Statement> out = new ArrayList<>();
    root.path("Resources")
        .fields()
        .forEachRemaining(
            e -> {
              String type = e.getValue().path("Type").asText();
              JsonNode props = e.getValue().path("Properties");
              switch (type) {
                case "AWS::IAM::Role", "AWS::Serverless::Function" ->
                    props
                        .path("Policies")
                        .forEach(
                            p -> {
                              JsonNode doc = p.has("PolicyDocument") ? p.path("PolicyDocument") : p;
                              collect(
                                  e.getKey() + "/" + p.path("PolicyName").asText("inline"),
                                  doc.path("Statement"),
                                  out);
                            });
                case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy" ->
                    collect(e.getKey(), props.path("PolicyDocument").path("Statement"), out);
                default -> {}
              }
            });
    return out;
  }

  private static void collect(String where, JsonNode statements, List<Statement> out) {
    List<JsonNode> list = new ArrayList<>();
    if (statements.isArray()) {
      statements.forEach(list::add);
    } else if (!statements.isMissingNode()) {
      list.add(statements);
    }
    for (JsonNode s : list) {
      if (s.has("Fn::If")) {
        JsonNode branches = s.path("Fn::If");
        String condition = branches.path(0).asText();
        for (int i = 1; i <= 2; i++) {
          JsonNode branch = branches.path(i);
          if (!"AWS::NoValue".equals(branch.path("Ref").asText())) {
            collect(where + "/if " + (i == 1 ? "" : "not ") + condition, branch, out);
          }
        }
        continue;
      }
      List<String> actions = new ArrayList<>();
      strings(s.path("Action")).forEach(actions::add);
      List<String> resources = new ArrayList<>();
      JsonNode resource = s.path("Resource");
      if (resource.isArray()) {
        resource.forEach(r -> resources.add(r.toString()));
      } else if (!resource.isMissingNode()) {
        resources.add(resource.toString());
      }
      out.add(new Statement(where + "/" + s.path("Sid").asText("?"), s, actions, resources));
    }
  }

  private static List<String> strings(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> values.add(n.asText()));
    } else if (!node.isMissingNode()) {
      values.add(node.asText());
    }
    return values;
  }

  private static JsonNode resource(JsonNode root, String id, String type) {
    JsonNode resource = root.path("Resources").path(id);
    assertThat(resource.path("Type").asText()).as("type of resource %s", id).isEqualTo(type);
    return resource;
  }

  /** A function property, or the Globals.Function default when the function does not set it. */
  private static JsonNode effective(JsonNode root, JsonNode function, String property) {
    JsonNode own = function.path("Properties").path(property);
    return own.isMissingNode() ? root.path("Globals").path("Function").path(property) : own;
  }

  /** The function's environment as SAM merges it: Globals' variables, then the function's own. */
  private static Map<String, JsonNode> environment(JsonNode root, JsonNode function) {
    Map<String, JsonNode> env = new TreeMap<>();
    root.path("Globals")
        .path("Function")
        .path("Environment")
        .path("Variables")
        .fields()
        .forEachRemaining(e -> env.put(e.getKey(), e.getValue()));
    function
        .path("Properties")
        .path("Environment")
        .path("Variables")
        .fields()
        .forEachRemaining(e -> env.put(e.getKey(), e.getValue()));
    return env;
  }

  private static String ref(JsonNode node) {
    return node == null ? null : node.path("Ref").asText(null);
  }

  private static String getAtt(JsonNode node) {
    JsonNode getAtt = node == null ? null : node.path("Fn::GetAtt");
    return getAtt == null || !getAtt.isArray()
        ? null
        : getAtt.path(0).asText() + "." + getAtt.path(1).asText();
  }

  private static String sub(JsonNode node) {
    return node.path("Fn::Sub").asText(null);
  }

  /** The compact JSON of {@code {"Fn::Sub": text}}, as statements hold their resources. */
  private static String subJson(String text) {
    return new ObjectMapper().createObjectNode().put("Fn::Sub", text).toString();
  }

  private static JsonNode only(JsonNode list) {
    assertThat(list.isArray() && list.size() == 1).as("one element in %s", list).isTrue();
    return list.get(0);
  }

  /**
   * The account and Region the stack is deployed to when the tests resolve AWS::AccountId and
   * AWS::Region.
   */
  private static final String ACCOUNT = "123456789012";

  private static final String REGION = "us-east-1";

  /**
   * EventBridge matching for the rule's shape: exact source and detail-type, account and Region
   * (Ref AWS::AccountId and AWS::Region resolved to {@link #ACCOUNT} and {@link #REGION}), prefix
   * on the alarm name.
   */
  private static boolean matches(
      JsonNode pattern,
      String source,
      String detailType,
      String account,
      String region,
      String alarmName) {
    boolean sourceMatches = strings(pattern.path("source")).contains(source);
    boolean typeMatches = strings(pattern.path("detail-type")).contains(detailType);
    boolean accountMatches = resolved(pattern.path("account")).contains(account);
    boolean regionMatches = resolved(pattern.path("region")).contains(region);
    boolean nameMatches = false;
    for (JsonNode p : pattern.path("detail").path("alarmName")) {
      nameMatches |=
          p.has("prefix")
              ? alarmName.startsWith(p.path("prefix").asText())
              : alarmName.equals(p.asText());
    }
    return sourceMatches && typeMatches && accountMatches && regionMatches && nameMatches;
  }

  /** A pattern's values with Ref AWS::AccountId and AWS::Region resolved. */
  private static List<String> resolved(JsonNode values) {
    List<String> out = new ArrayList<>();
    values.forEach(
        v ->
            out.add(
                switch (v.path("Ref").asText(v.asText())) {
                  case "AWS::AccountId" -> ACCOUNT;
                  case "AWS::Region" -> REGION;
                  default -> v.asText();
                }));
    return out;
  }

  private static JsonNode parse() throws IOException {
    return new YAMLMapper().readTree(template().toFile());
  }

  private static List<String> keys(JsonNode list, String field) {
    List<String> keys = new ArrayList<>();
    list.forEach(k -> keys.add(k.path("AttributeName").asText() + "=" + k.path(field).asText()));
    return keys;
  }
}
