package dev.copyscale;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
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
  private static final Pattern SHORT_FORM_TAG = Pattern.compile("(^|[:\\-\\[,]\\s*)!(Ref|GetAtt|Sub|Join|If|Equals|Not|And|Or|Select|Split|FindInMap|ImportValue|Base64|Cidr|GetAZs|Condition|Transform)\\b");

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
   * The lint test can fail: the same cfn-lint reports copies of the template broken on purpose.
   * (A made-up BillingMode value would not do: the DynamoDB schema cfn-lint checks against has no
   * enum for it, so the broken copies misspell the property and give a flag a non-boolean.)
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "misspelled BillingMode property | 'BillingMode: PAY_PER_REQUEST' | 'BillingMod: PAY_PER_REQUEST' | E3002",
      "non-boolean PITR flag           | 'PointInTimeRecoveryEnabled: true' | 'PointInTimeRecoveryEnabled: maybe' | E3012",
  })
  void cfnLintReportsABrokenCopy(String breakage, String good, String bad, String rule, @TempDir Path dir) throws IOException {
    String text = Files.readString(template(), StandardCharsets.UTF_8);
    String broken = text.replace(good, bad);
    assertThat(broken).as("template.yaml contains '%s', which this test breaks", good).isNotEqualTo(text);
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
    assertThat(keys(props.path("AttributeDefinitions"), "AttributeType")).containsExactlyInAnyOrder("pk=S", "sk=S");
    assertThat(props.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean()).isTrue();
    assertThat(props.path("TimeToLiveSpecification").path("AttributeName").asText()).isEqualTo("expiresAt");
    assertThat(props.path("TimeToLiveSpecification").path("Enabled").asBoolean()).isTrue();
    assertThat(props.path("SSESpecification").path("SSEEnabled").asBoolean()).isTrue();
    assertThat(props.path("DeletionProtectionEnabled").asBoolean()).isTrue();
    assertThat(props.path("Tags").isArray() && !props.path("Tags").isEmpty()).as("StateTable has tags").isTrue();
  }

  @Test
  void outputsExportTheStateTableUnderTheStackName() throws IOException {
    JsonNode outputs = parse().path("Outputs");
    assertThat(outputs.path("StateTableName").path("Value").path("Ref").asText()).isEqualTo("StateTable");
    assertThat(outputs.path("StateTableArn").path("Value").path("Fn::GetAtt").toString()).isEqualTo("[\"StateTable\",\"Arn\"]");
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
    assertThat(offending).as("lines of template.yaml with a short-form intrinsic (use Ref:, Fn::GetAtt:, Fn::Sub:, ...)").isEmpty();
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
