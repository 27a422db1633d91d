package org.switchman.process.restart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.switchman.lab.LabConfig;
import org.switchman.lab.LabTopology;
import org.switchman.runbook.restart.FilesystemRecovery;
import org.switchman.runbook.restart.HostCheck;
import org.switchman.runbook.restart.HostProfile;
import org.switchman.runbook.restart.InvalidCatalogueException;
import org.switchman.runbook.restart.ServiceCatalogue;
import org.switchman.runbook.restart.ServicePolicy;

class ServiceCatalogueTableTest {

  private static final String SHIPPED = "processes/service-catalogue.dmn";

  private static String shipped() {
    try (InputStream in =
        ServiceCatalogueTableTest.class.getClassLoader().getResourceAsStream(SHIPPED)) {
      assertThat(in).as(SHIPPED + " on the classpath").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ServiceCatalogue read(String dmn) {
    return ServiceCatalogueTable.read(
        new ByteArrayInputStream(dmn.getBytes(StandardCharsets.UTF_8)));
  }

  private static void refused(String dmn, String problem) {
    assertThatThrownBy(() -> read(dmn))
        .isInstanceOf(InvalidCatalogueException.class)
        .hasMessageContaining(problem);
  }

  @Test
  void theShippedCatalogueCoversTheServicesOfReferenceZeroThatTheLabRuns() {
    ServiceCatalogue catalogue = read(shipped());
    assertThat(catalogue.policies().keySet())
        .containsExactlyInAnyOrder(
            "appserver",
            "api_appserver",
            "jobrunner",
            "videoscaler",
            "parsoid",
            "mw-cron",
            "mw-dumps",
            "nginx",
            "aqs",
            "cassandra",
            "elasticsearch",
            "etcd",
            "zookeeper",
            "kafka");
    assertThat(catalogue.policies().get("kafka").notifyTeam()).isEqualTo("analytics");
    assertThat(catalogue.policies().get("elasticsearch").readinessLimit().toHours()).isEqualTo(3);
  }

  @Test
  void theReadmeListsEveryServiceOfTheCatalogueAsTheTableSaysIt() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    int from = readme.indexOf("| service | clusters");
    assertThat(from).as("README.md has the catalogue's table of services").isPositive();
    List<String> rows =
        readme.substring(from).lines().takeWhile(line -> line.startsWith("|")).skip(2).toList();
    assertThat(rows)
        .as("README.md, the catalogue's table of services: one row per rule, as in the table")
        .containsExactlyInAnyOrderElementsOf(
            read(shipped()).policies().values().stream()
                .map(ServiceCatalogueTableTest::readmeRow)
                .toList());
  }

  /** A rule as the README's table of services shows it. */
  private static String readmeRow(ServicePolicy p) {
    return String.join(
        " | ",
        "| `" + p.service() + "`",
        String.join(", ", p.clusters()),
        String.join(", ", p.units()),
        p.depoolFrom().isEmpty() ? "never" : String.join(", ", p.depoolFrom()),
        p.batchSize() + " (max " + p.batchMax() + ")",
        p.grace() + ", " + p.drain().drainName() + ", " + p.pause(),
        checks(p.preChecks()),
        checks(p.readiness()) + " (" + p.readinessLimit() + ")",
        checks(p.postChecks()),
        String.valueOf(p.maxFailedBatches()),
        (p.approval() ? "yes" : "no")
            + (p.notifyTeam().isEmpty() ? "" : ", " + p.notifyTeam())
            + " |");
  }

  private static String checks(List<HostCheck> checks) {
    return checks.isEmpty()
        ? "none"
        : String.join(", ", checks.stream().map(HostCheck::checkName).toList());
  }

  @Test
  void everyPolicyNamesClustersUnitsAndPoolsTheLabFleetHas() {
    Map<String, Set<String>> units = new HashMap<>();
    Map<String, Set<String>> pools = new HashMap<>();
    for (LabTopology.Host host : new LabTopology(LabConfig.forTests(Path.of("target"))).hosts()) {
      units.computeIfAbsent(host.cluster(), c -> new HashSet<>()).addAll(host.units());
      pools.computeIfAbsent(host.cluster(), c -> new HashSet<>()).addAll(host.services());
    }
    for (ServicePolicy policy : read(shipped()).policies().values()) {
      for (String cluster : policy.clusters()) {
        assertThat(units).as(policy.service() + ": cluster " + cluster).containsKey(cluster);
        assertThat(units.get(cluster))
            .as(policy.service() + ": units on " + cluster)
            .containsAll(policy.units());
        assertThat(pools.get(cluster))
            .as(policy.service() + ": conftool services of " + cluster)
            .containsAll(policy.depoolFrom());
      }
    }
  }

  @Test
  void aCellThatComputesAnythingIsRefused() {
    String shipped = shipped();
    refused(
        shipped.replace(
            "<text>&quot;PT1M&quot;</text>", "<text>date and time(\"2026-01-01\")</text>"),
        "pause: 'date and time(\"2026-01-01\")' is not a plain string value");
    refused(
        shipped.replaceFirst(
            "<outputEntry id=\"OutputEntry_Kafka_BatchMax\">",
            "<outputEntry id=\"OutputEntry_Kafka_BatchMax\" expressionLanguage=\"javascript\">"),
        "an element names the expression language 'javascript'");
    refused(
        shipped.replace(
            "namespace=\"http://switchman.org/dmn\"",
            "namespace=\"http://switchman.org/dmn\" expressionLanguage=\"javascript\""),
        "the definitions name the expression language 'javascript'");
    refused(
        shipped.replace("<text>&quot;kafka&quot;</text>", "<text>not(&quot;x&quot;)</text>"),
        "its service must be one name in double quotes");
  }

  @Test
  void aTableOfAnotherShapeIsRefused() {
    refused(shipped().replace("hitPolicy=\"UNIQUE\"", "hitPolicy=\"FIRST\""), "not UNIQUE");
    refused(
        shipped().replace("<decision id=\"ServiceCatalogue\"", "<decision id=\"Other\""),
        "no decision table with the id ServiceCatalogue");
    refused("<definitions/>", "not a readable DMN file");
  }

  @Test
  void anExpressionOutsideTheCellsOrASecondDecisionIsRefused() {
    String shipped = shipped();
    refused(
        shipped.replace(
            "<output id=\"Output_Notify\" label=\"Notify\" name=\"notify\" typeRef=\"string\" />",
            "<output id=\"Output_Notify\" label=\"Notify\" name=\"notify\" typeRef=\"string\">"
                + "<defaultOutputEntry id=\"Default_Notify\"><text>now()</text>"
                + "</defaultOutputEntry></output>"),
        "the output 'Default_Notify' holds an expression outside the table's cells");
    refused(
        shipped.replace(
            "<dmndi:DMNDI>",
            "<decision id=\"Other\" name=\"Other\"><literalExpression id=\"Literal_Other\">"
                + "<text>now()</text></literalExpression></decision><dmndi:DMNDI>"),
        "it holds the Decision 'Other' besides the tables ServiceCatalogue and HostProfiles");
    refused(
        shipped.replace(
            "<dmndi:DMNDI>",
            "<businessKnowledgeModel id=\"Knowledge\" name=\"Knowledge\" /><dmndi:DMNDI>"),
        "it holds the BusinessKnowledgeModel 'Knowledge'");
  }

  @Test
  void anUnknownCheckInACellIsRefusedNamingItsRule() {
    refused(
        shipped()
            .replace("<text>&quot;kafka-in-sync&quot;</text>", "<text>&quot;kafka-ok&quot;</text>"),
        "(kafka): preChecks names the unknown check 'kafka-ok'");
  }

  @Test
  void theShippedHostProfilesCoverTheFileServerOfReferenceTwoAndItsWebServers() {
    ServiceCatalogue catalogue = read(shipped());
    assertThat(catalogue.hostProfiles().keySet())
        .contains("fileserver", "webserver", "appserver", "api_appserver");
    HostProfile fileserver = catalogue.hostProfiles().get("fileserver");
    assertThat(fileserver.recovery()).isEqualTo(FilesystemRecovery.AFS_SALVAGE);
    assertThat(fileserver.units()).startsWith("openafs-fileserver");
    assertThat(fileserver.stopOrder())
        .containsExactly("cron", "domtool-server", "apache2", "postgresql", "mysql", "nscd");
    assertThat(fileserver.attempts("postgresql")).isGreaterThan(1);
    assertThat(fileserver.restartAfter()).containsExactly("domtool-server");
    assertThat(fileserver.restartElsewhere())
        .contains(new HostProfile.Dependent("webserver", "domtool-slave"));
    assertThat(fileserver.smokeTest()).contains(HostCheck.DOMTOOL_TEST_CONFIG);
    assertThat(fileserver.approval()).isTrue();
  }

  @Test
  void aHostProfileOutOfRangeOrNamingWhatItLacksIsRefusedNamingItsRule() {
    String shipped = shipped();
    refused(
        shipped.replace("&quot;afs-salvage&quot;", "&quot;fsck-maybe&quot;"),
        "host profile 1 (fileserver): recovery 'fsck-maybe' is unknown");
    refused(
        shipped.replace("&quot;postgresql:3&quot;", "&quot;postgres:3&quot;"),
        "startAttempts: 'postgres:3' is not UNIT:STARTS");
    refused(
        shipped.replace("&quot;postgresql:3&quot;", "&quot;postgresql:40&quot;"),
        "startAttempts: 'postgresql:40' is not UNIT:STARTS");
    refused(
        shipped.replace("<text>&quot;PT2H&quot;</text>", "<text>&quot;PT30M&quot;</text>"),
        "downtime PT30M is shorter than bootLimit and recoveryLimit together");
    refused(
        shipped.replace("&quot;systemd-active,domtool-test-config&quot;", "&quot;domtool-ok&quot;"),
        "smokeTest names the unknown check 'domtool-ok'");
    refused(
        shipped.replace("&quot;webserver:domtool-slave,", "&quot;webserver domtool-slave,"),
        "restartElsewhere: 'webserver domtool-slave' is not CLUSTER:UNIT");
    refused(
        shipped.replace(
            "<text>&quot;fileserver&quot;</text>", "<text>&quot;webserver&quot;</text>"),
        "'webserver' has a host profile already");
  }
}
