package dev.copyscale.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.testing.RepoFiles;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Specs are read as YAML 1.2, one document a file, and what YAML 1.1 tools would read otherwise is
 * refused by name.
 */
class SpecYamlTest {
  static final String EXAMPLE = RepoFiles.read("examples/llama3-8b.yaml");

  /** The example with {@code copies: 4} written as {@code copies: TEXT}. */
  static SpecResult withCopies(String text) {
    assertThat(EXAMPLE).contains("  copies: 4\n");
    return SpecParser.parse(EXAMPLE.replace("  copies: 4\n", "  copies: " + text + "\n"));
  }

  static List<String> problems(SpecResult result) {
    return result.problems().stream().map(Problem::toString).toList();
  }

  @Test
  void theExampleStillReadsAsItDid() {
    assertThat(SpecParser.parse(EXAMPLE).orThrow().component().copies()).isEqualTo(4);
  }

  @Test
  void aLeadingZeroIsRefusedNotReadAsOctal() {
    assertThat(problems(withCopies("010")))
        .singleElement()
        .asString()
        .startsWith("component.copies: 010 has a leading zero")
        .contains("octal (8)", "decimal (10)", "write 10");
  }

  @Test
  void yaml12IntegersAreRead() {
    assertThat(withCopies("0o6").orThrow().component().copies()).isEqualTo(6);
    assertThat(withCopies("0x6").orThrow().component().copies()).isEqualTo(6);
    assertThat(withCopies("+6").orThrow().component().copies()).isEqualTo(6);
  }

  @Test
  void yaml11FormsAreStringsAndRefused() {
    // Sexagesimal (YAML 1.1: 1:30 is 90), underscores (1_000 is 1000): strings in YAML 1.2.
    assertThat(problems(withCopies("1:30")))
        .singleElement()
        .asString()
        .isEqualTo("component.copies: must be a whole number, got string \"1:30\"");
    assertThat(problems(withCopies("1_0"))).singleElement().asString().contains("string \"1_0\"");
    // yes/no/on/off are YAML 1.1 booleans; in YAML 1.2 they are strings.
    assertThat(problems(SpecParser.parse(EXAMPLE.replace("dryRun: false", "dryRun: no"))))
        .singleElement()
        .asString()
        .isEqualTo("guardrails.dryRun: must be true or false, got string \"no\"");
  }

  @Test
  void aSecondDocumentIsRefused() {
    assertThat(problems(SpecParser.parse(EXAMPLE + "---\ncomponent: {copies: 900}\n")))
        .singleElement()
        .asString()
        .startsWith("not valid YAML or JSON: a second YAML document begins at line")
        .contains("a spec file holds one document");
    assertThat(problems(SpecParser.parse("{\"apiVersion\": \"copyscale/v1\"} {\"name\": \"x\"}")))
        .singleElement()
        .asString()
        .contains("more follows the first JSON value");
  }

  @Test
  void nonFiniteNumbersAreRefusedByField() {
    assertThat(problems(withCopies(".nan")))
        .singleElement()
        .asString()
        .isEqualTo("component.copies: must be a whole number, got number NaN");
    assertThat(problems(SpecParser.parse(EXAMPLE.replace("cpus: 6", "cpus: -.inf"))))
        .singleElement()
        .asString()
        .startsWith("component.resources.cpus: must be a finite number");
    assertThat(problems(withCopies("1e999")))
        .singleElement()
        .asString()
        .startsWith("component.copies: must be a whole number");
  }

  @Test
  void refusalsNameNoLibrary() {
    for (String document :
        List.of(
            "{\"apiVersion\": NaN}",
            "{\"apiVersion\": Infinity}",
            "{\"apiVersion\": 01}",
            "apiVersion: !!binary aGVsbG8=\n",
            "apiVersion: !Ref x\n",
            "a: &a [*a]\n",
            "? [a, b]\n: c\n",
            "name: x\nname: y\n")) {
      assertThat(problems(SpecParser.parse(document)))
          .as(document)
          .isNotEmpty()
          .allSatisfy(
              p ->
                  assertThat(p)
                      .doesNotContain(
                          "Jackson", "Feature", "`", "com.", "java.", "org.", "Exception"));
    }
  }

  @Test
  void tagsAndDeepNestingAreRefused() {
    assertThat(problems(SpecParser.parse("apiVersion: !Ref x\n")))
        .singleElement()
        .asString()
        .contains("apiVersion carries the tag !Ref");
    assertThat(problems(SpecParser.parse("a: " + "[".repeat(100) + "]".repeat(100))))
        .singleElement()
        .asString()
        .contains("nests deeper than 64 levels");
  }
}
