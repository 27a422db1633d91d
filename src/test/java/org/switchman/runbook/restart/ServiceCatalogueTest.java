package org.switchman.runbook.restart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchman.runbook.InvalidRequestException;

class ServiceCatalogueTest {

  /** A complete row for Cassandra, as the shipped catalogue has it. */
  private static Map<String, String> cassandra() {
    Map<String, String> row = new HashMap<>();
    row.put("service", "cassandra");
    row.put("clusters", "aqs");
    row.put("units", "cassandra");
    row.put("depoolFrom", "aqs");
    row.put("batchSize", "1");
    row.put("batchMax", "1");
    row.put("grace", "PT5S");
    row.put("drain", "nodetool-drain");
    row.put("pause", "PT1M");
    row.put("preChecks", "no-pending-compactions, cassandra-ring-up");
    row.put("readiness", "cassandra-ring-up");
    row.put("readinessLimit", "PT15M");
    row.put("postChecks", "cassandra-ring-up");
    row.put("maxFailedBatches", "0");
    row.put("approval", "true");
    row.put("notify", "");
    return row;
  }

  private static Map<String, String> cassandraWith(String column, String value) {
    Map<String, String> row = cassandra();
    row.put(column, value);
    return row;
  }

  private static ServiceCatalogue of(List<Map<String, String>> rows) {
    return ServiceCatalogue.of(
        java.util.stream.IntStream.range(0, rows.size())
            .mapToObj(i -> new ServiceCatalogue.Row(i + 1, rows.get(i)))
            .toList());
  }

  private static void refused(Map<String, String> row, String problem) {
    assertThatThrownBy(() -> of(List.of(row)))
        .isInstanceOf(InvalidCatalogueException.class)
        .satisfies(
            e ->
                assertThat(((InvalidCatalogueException) e).problems())
                    .anySatisfy(p -> assertThat(p).startsWith("rule 1 (").contains(problem)));
  }

  @Test
  void aCompleteRowBecomesItsPolicyWithNamedChecksAndDrain() {
    ServicePolicy policy = of(List.of(cassandra())).policy("rolling-restart", "cassandra");

    assertThat(policy.clusters()).containsExactly("aqs");
    assertThat(policy.depools()).isTrue();
    assertThat(policy.drain()).isEqualTo(Drain.NODETOOL_DRAIN);
    assertThat(policy.drain().command()).contains("nodetool drain");
    assertThat(policy.preChecks())
        .containsExactly(HostCheck.NO_PENDING_COMPACTIONS, HostCheck.CASSANDRA_RING_UP);
    assertThat(policy.readinessLimit()).isEqualTo(Duration.ofMinutes(15));
    assertThat(policy.maxFailedBatches()).isZero();
    assertThat(policy.approval()).isTrue();
  }

  @Test
  void anUnknownCheckOrDrainIsRefusedWithTheNamesThatExist() {
    refused(
        cassandraWith("postChecks", "cassandra-ring-up, nodetool status | grep UN"),
        "postChecks names the unknown check 'nodetool status | grep UN'; the checks are [");
    refused(cassandraWith("drain", "rm -rf /"), "drain 'rm -rf /' is unknown");
  }

  @Test
  void numbersAndDurationsOutOfRangeAreRefused() {
    refused(cassandraWith("batchMax", "0"), "batchMax must be from 1 to 100, not 0");
    refused(cassandraWith("batchSize", "3"), "batchSize 3 is above batchMax 1");
    refused(cassandraWith("batchSize", "150%"), "a batch share must be from 1% to 100%");
    refused(cassandraWith("grace", "PT11M"), "grace must be from PT0S to PT10M, not PT11M");
    refused(cassandraWith("pause", "-PT1S"), "pause must be from PT0S to PT1H");
    refused(cassandraWith("readinessLimit", "PT7H"), "readinessLimit must be from PT0S to PT6H");
    refused(cassandraWith("readinessLimit", "PT0S"), "its readiness checks could never be waited");
    refused(cassandraWith("maxFailedBatches", "11"), "maxFailedBatches must be from 0 to 10");
    refused(cassandraWith("grace", "5 seconds"), "grace '5 seconds' is not an ISO-8601 duration");
    refused(cassandraWith("approval", "yes"), "approval must be true or false, not 'yes'");
    refused(cassandraWith("units", "a,b,c,d,e"), "units lists 5 items; at most 4");
    refused(
        cassandraWith("preChecks", "cassandra-ring-up,".repeat(4) + "cassandra-ring-up"),
        "preChecks lists 5 items; at most 4");
    refused(cassandraWith("depoolFrom", "a,b,c,d,e"), "depoolFrom lists 5 items; at most 4");
  }

  @Test
  void namesAndUnitsMustBePlain() {
    refused(
        cassandraWith("units", "cassandra; reboot"), "'cassandra; reboot' is not a systemd unit");
    refused(cassandraWith("clusters", ""), "clusters is empty");
    refused(cassandraWith("service", "Cassandra A"), "service 'Cassandra A' is not a name");
  }

  @Test
  void aMissingOrUnknownColumnAndADuplicateServiceAreRefused() {
    Map<String, String> missing = cassandra();
    missing.remove("pause");
    refused(missing, "the column pause is missing");
    refused(cassandraWith("command", "systemctl restart cassandra"), "the column command is not");
    assertThatThrownBy(() -> of(List.of(cassandra(), cassandra())))
        .isInstanceOf(InvalidCatalogueException.class)
        .hasMessageContaining("rule 2 (cassandra): 'cassandra' has a rule already");
    assertThatThrownBy(() -> of(List.of()))
        .isInstanceOf(InvalidCatalogueException.class)
        .hasMessageContaining("it has no rule");
  }

  @Test
  void everyProblemOfEveryRowIsNamedAtOnce() {
    Map<String, String> second = cassandraWith("service", "aqs");
    second.put("grace", "PT1H");
    assertThatThrownBy(() -> of(List.of(cassandraWith("batchMax", "999"), second)))
        .isInstanceOf(InvalidCatalogueException.class)
        .satisfies(
            e ->
                assertThat(((InvalidCatalogueException) e).problems())
                    .containsExactly(
                        "rule 1 (cassandra): batchMax must be from 1 to 100, not 999",
                        "rule 2 (aqs): grace must be from PT0S to PT10M, not PT1H"));
  }

  @Test
  void anUnknownServiceIsABadRequestNamingTheCatalogue() {
    ServiceCatalogue catalogue = of(List.of(cassandra()));
    assertThatThrownBy(() -> catalogue.policy("rolling-restart", "hhvm"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("service 'hhvm' is not in the service catalogue; it has [cassandra]");
  }

  @Test
  void aBatchIsAShareOfTheClusterOrACountNeverAboveTheMaximumOrEmpty() {
    assertThat(BatchSize.parse("10%").hostsOf(45, 10)).isEqualTo(5);
    assertThat(BatchSize.parse("10%").hostsOf(3, 10)).isEqualTo(1);
    assertThat(BatchSize.parse("50%").hostsOf(100, 10)).isEqualTo(10);
    assertThat(BatchSize.parse("2").hostsOf(1, 5)).isEqualTo(1);
    assertThat(BatchSize.parse("2").hostsOf(8, 5)).isEqualTo(2);
    assertThatThrownBy(() -> BatchSize.parse("two"))
        .hasMessageContaining("'two' is not a batch size");
  }
}
