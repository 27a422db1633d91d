package org.switchman;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The dependency rules of DESIGN §2: engine types stay in process/, client libraries in infra/. */
@AnalyzeClasses(packages = "org.switchman", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule engineTypesStayInProcess = noClasses()
      .that().resideOutsideOfPackage("org.switchman.process..")
      .should().dependOnClassesThat().resideInAPackage("org.camunda..")
      .because("a later move to Operaton must be a package rename inside process/");

  @ArchTest
  static final ArchRule domainIsFreeOfFrameworksAndClients = noClasses()
      .that().resideInAPackage("org.switchman.runbook..")
      .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "java.sql..",
          "net.schmizz..", "com.hierynomus..", "io.etcd..", "org.xbill..", "org.mariadb..",
          "org.switchman.infra..", "org.switchman.process..", "org.switchman.web..");

  @ArchTest
  static final ArchRule onlyInfraTalksToDatabasesAndServers = noClasses()
      .that().resideOutsideOfPackages("org.switchman.infra..", "org.switchman.lab..")
      .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.springframework.jdbc..",
          "net.schmizz..", "com.hierynomus..", "io.etcd..", "org.xbill..", "org.mariadb..");

  @ArchTest
  static final ArchRule adaptersDoNotReachIntoTheEngineGlue = noClasses()
      .that().resideInAPackage("org.switchman.infra..")
      .should().dependOnClassesThat().resideInAnyPackage("org.switchman.process..", "org.switchman.web..");
}
