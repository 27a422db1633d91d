package org.switchman;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency rules of the layers (README, "Development"): engine types stay in process/, client
 * libraries in infra/, packages form no cycles, and the product does not reach into the lab. {@link
 * ArchitectureFixturesTest} shows the cycle and lab rules failing on fixtures.
 */
@AnalyzeClasses(packages = "org.switchman", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule engineTypesStayInProcess =
      noClasses()
          .that()
          .resideOutsideOfPackage("org.switchman.process..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.camunda..")
          .because("a later move to Operaton must be a package rename inside process/");

  @ArchTest
  static final ArchRule domainIsFreeOfFrameworksAndClients =
      noClasses()
          .that()
          .resideInAPackage("org.switchman.runbook..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.springframework..",
              "java.sql..",
              "net.schmizz..",
              "com.hierynomus..",
              "io.etcd..",
              "org.xbill..",
              "org.mariadb..",
              "org.switchman.infra..",
              "org.switchman.process..",
              "org.switchman.web..");

  /**
   * Exceptions excepted: telling a database that did not answer from any other failure, as the REST
   * API does to answer 503, talks to no database.
   */
  @ArchTest
  static final ArchRule onlyInfraTalksToDatabasesAndServers =
      noClasses()
          .that()
          .resideOutsideOfPackages("org.switchman.infra..", "org.switchman.lab..")
          .should()
          .dependOnClassesThat(
              JavaClass.Predicates.resideInAnyPackage(
                      "java.sql..",
                      "org.springframework.jdbc..",
                      "net.schmizz..",
                      "com.hierynomus..",
                      "io.etcd..",
                      "org.xbill..",
                      "org.mariadb..")
                  .and(
                      DescribedPredicate.not(
                          JavaClass.Predicates.simpleNameEndingWith("Exception"))));

  @ArchTest
  static final ArchRule adaptersDoNotReachIntoTheEngineGlue =
      noClasses()
          .that()
          .resideInAPackage("org.switchman.infra..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.switchman.process..", "org.switchman.web..");

  @ArchTest static final ArchRule layersAreFreeOfCycles = layersFreeOfCycles("org.switchman");

  @ArchTest
  static final ArchRule packagesInsideALayerAreFreeOfCycles =
      packagesInsideALayerFreeOfCycles("org.switchman");

  @ArchTest
  static final ArchRule nothingButTheLabDependsOnTheLab =
      nothingButTheLabDependsOnTheLab("org.switchman");

  @ArchTest
  static final ArchRule onlyTheChokePointAndTheStepEndReachTheCrashPoint =
      noClasses()
          .that()
          .resideOutsideOfPackages("org.switchman.crash..", "org.switchman.process.crash..")
          .and()
          .doNotHaveFullyQualifiedName("org.switchman.infra.Mutations")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.switchman.crash..")
          .because("the crash point halts the JVM on purpose and exists for crash tests only");

  @ArchTest
  static final ArchRule onlyTheCrashPointHaltsTheJvm =
      noClasses()
          .that()
          .resideOutsideOfPackage("org.switchman.crash..")
          .should()
          .callMethod(Runtime.class, "halt", int.class)
          .because(
              "a halt skips every shutdown hook; only the crash tests' crash point may do that");

  @ArchTest
  static final ArchRule theCrashPointExistsOnlyWhenItIsSet =
      classes()
          .that()
          .resideInAnyPackage("org.switchman.crash..", "org.switchman.process.crash..")
          .and()
          .areAnnotatedWith(org.springframework.stereotype.Component.class)
          .should()
          .beAnnotatedWith(
              org.springframework.boot.autoconfigure.condition.ConditionalOnProperty.class)
          .because("without switchman.test.crash-point no crash point bean may exist");

  /** The layers under {@code root} ({@code root.runbook}, {@code root.infra}, …) form no cycle. */
  static ArchRule layersFreeOfCycles(String root) {
    return slices()
        .matching(root + ".(*)..")
        .namingSlices("$1")
        .should()
        .beFreeOfCycles()
        .as("the layers under " + root + " are free of cycles");
  }

  /**
   * The packages one level below a layer ({@code root.process.gates}, {@code root.infra.etcd}, …)
   * form no cycle among themselves. A layer's own top-level classes are not part of these slices:
   * they may be used by its subpackages and wire them (for example {@code infra.Mutations} and
   * {@code infra.AdaptersConfiguration}).
   */
  static ArchRule packagesInsideALayerFreeOfCycles(String root) {
    return slices()
        .matching(root + ".(*).(*)..")
        .namingSlices("$1.$2")
        .should()
        .beFreeOfCycles()
        .as("the packages inside each layer under " + root + " are free of cycles");
  }

  /**
   * The lab wires itself (its own {@code @Configuration}s under the {@code lab} profile), so no
   * product class names a lab class; the product knows only the profile's name.
   */
  static ArchRule nothingButTheLabDependsOnTheLab(String root) {
    return noClasses()
        .that()
        .resideOutsideOfPackage(root + ".lab..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(root + ".lab..")
        .as("nothing outside " + root + ".lab depends on the lab");
  }
}
