package dev.copyscale.cli;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The module graph of docs/development.md, kept true: arrows point only from functions, the twin's
 * world and cli to shared/aws, and from there to shared/core; the twin's service fakes
 * (twin/services) know only shared/core and the SDK; core calls no AWS SDK; no package depends on
 * itself through others. The CLI's test classpath holds every module, so the rules see them all.
 */
class ArchitectureTest {
  /** shared/core's packages. */
  static final String[] CORE = {
    "dev.copyscale.spec..",
    "dev.copyscale.catalog..",
    "dev.copyscale.preflight..",
    "dev.copyscale.time..",
    "dev.copyscale.json..",
    "dev.copyscale.schedule..",
    "dev.copyscale.deploy..",
    "dev.copyscale.scaling..",
    "dev.copyscale.slo..",
    "dev.copyscale.serving..",
    "dev.copyscale.frontier..",
    "dev.copyscale.cost.."
  };

  /** twin/services' packages: the faked AWS services and the account that drives them. */
  static final String[] FAKES = {
    "dev.copyscale.twin.account..",
    "dev.copyscale.twin.sagemaker..",
    "dev.copyscale.twin.autoscaling..",
    "dev.copyscale.twin.cloudwatch..",
    "dev.copyscale.twin.scheduler..",
    "dev.copyscale.twin.eventbridge..",
    "dev.copyscale.twin.secretsmanager.."
  };

  static final String AWS = "dev.copyscale.aws..";
  static final String TWIN = "dev.copyscale.twin..";
  static final String FUNCTIONS = "dev.copyscale.functions..";
  static final String CLI = "dev.copyscale.cli..";

  static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          // The other modules' test support arrives as test-jars, which DO_NOT_INCLUDE_TESTS does
          // not recognise.
          .withImportOption(location -> !location.contains("-tests.jar"))
          .importPackages("dev.copyscale");

  @Test
  void noPackageCycles() {
    slices().matching("dev.copyscale.(**)").should().beFreeOfCycles().check(CLASSES);
  }

  /**
   * A new package in shared/core must be added to {@link #CORE}, or the purity rule would miss it.
   */
  @Test
  void coreListsEveryPackageOfSharedCore() {
    DescribedPredicate<JavaClass> builtFromSharedCore =
        builtFrom("/shared/core/", "copyscale-core-");
    assertThat(CLASSES.that(builtFromSharedCore)).as("shared/core's classes").isNotEmpty();
    classes().that(builtFromSharedCore).should().resideInAnyPackage(CORE).check(CLASSES);
  }

  /**
   * A new package in twin/services must be added to {@link #FAKES}, or the rule that keeps the
   * fakes below shared/aws would miss it.
   */
  @Test
  void fakesListsEveryPackageOfTwinServices() {
    DescribedPredicate<JavaClass> builtFromTwinServices =
        builtFrom("/twin/services/", "copyscale-twin-services-");
    assertThat(CLASSES.that(builtFromTwinServices)).as("twin/services' classes").isNotEmpty();
    classes().that(builtFromTwinServices).should().resideInAnyPackage(FAKES).check(CLASSES);
  }

  /**
   * The fakes stand below shared/aws, which tests its services on them: they see shared/core, the
   * SDK's service models and Jackson, and nothing of copyscale's services, Lambda, the world, the
   * functions or the CLI.
   */
  @Test
  void fakesKnowOnlyCoreAndTheSdk() {
    String[] allowed =
        java.util.stream.Stream.of(
                FAKES,
                CORE,
                new String[] {"java..", "software.amazon.awssdk..", "com.fasterxml.jackson.."})
            .flatMap(java.util.Arrays::stream)
            .toArray(String[]::new);
    classes()
        .that()
        .resideInAnyPackage(FAKES)
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(allowed)
        .check(CLASSES);
  }

  @Test
  void coreIsPureAndKnowsNothingAboveIt() {
    noClasses()
        .that()
        .resideInAnyPackage(CORE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            AWS, TWIN, FUNCTIONS, CLI, "software.amazon..", "com.amazonaws..", "org.slf4j..")
        .check(CLASSES);
  }

  /** The classes built from a module: its target/classes directory or its jar. */
  static DescribedPredicate<JavaClass> builtFrom(String directory, String jar) {
    return DescribedPredicate.describe(
        "built from " + directory,
        c ->
            c.getSource()
                .map(s -> s.getUri().toString())
                .filter(uri -> uri.contains(directory) || uri.contains(jar))
                .isPresent());
  }

  @Test
  void awsKnowsOnlyCore() {
    noClasses()
        .that()
        .resideInAPackage(AWS)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(TWIN, FUNCTIONS, CLI)
        .check(CLASSES);
  }

  @Test
  void functionsAndTwinAreSiblings() {
    noClasses()
        .that()
        .resideInAPackage(FUNCTIONS)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(TWIN, CLI)
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage(TWIN)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(FUNCTIONS, CLI)
        .check(CLASSES);
  }

  @Test
  void eachFunctionKnowsOnlyItsOwnHandler() {
    for (String f : new String[] {"deploy", "stepscaling", "scheduledscaling"}) {
      String own = "dev.copyscale.functions." + f + "..";
      noClasses()
          .that()
          .resideInAPackage(own)
          .should()
          .dependOnClassesThat(
              resideInAPackage("dev.copyscale.functions..")
                  .and(DescribedPredicate.not(resideInAPackage(own))))
          .check(CLASSES);
    }
  }
}
