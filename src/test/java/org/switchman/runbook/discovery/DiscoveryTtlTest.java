package org.switchman.runbook.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.FakeConftool;
import org.switchman.runbook.FakeDns;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.Conftool;
import org.switchman.runbook.port.DnsDiscovery;

class DiscoveryTtlTest {

  private final FakeConftool conftool = new FakeConftool();
  private final FakeDns dns = new FakeDns();
  private final DiscoveryTtl ttl = new DiscoveryTtl(dns, conftool);
  private final RunContext live =
      new RunContext("run-1", "ServiceTask_ReduceTtl", "alice", ExecutionMode.LIVE, "eqiad");

  @BeforeEach
  void records() {
    for (String service : List.of("appservers-rw", "api-rw")) {
      dns.records.put(
          service, new DnsDiscovery.DiscoveryRecord(service, service + ".svc.eqiad.wmnet.", 300));
      for (String dc : List.of("eqiad", "codfw")) {
        conftool.putDiscovery(new Conftool.DiscoveryState(service, dc, dc.equals("eqiad"), 300));
      }
    }
    dns.records.put(
        "api-rw", new DnsDiscovery.DiscoveryRecord("api-rw", "api-rw.svc.eqiad.wmnet.", 60));
  }

  @Test
  void reduceReturnsTheTtlsReadFromDnsAndLowersDnsAndConftool() {
    Map<String, Long> old = ttl.reduce(live, List.of("appservers-rw", "api-rw"), 10, 300);

    assertThat(old).containsExactly(Map.entry("appservers-rw", 300L), Map.entry("api-rw", 60L));
    assertThat(DiscoveryTtl.longest(old)).isEqualTo(300);
    assertThat(dns.records.get("appservers-rw").ttlSeconds()).isEqualTo(10);
    assertThat(conftool.discovery("api-rw", "codfw").orElseThrow().value().ttl()).isEqualTo(10);
  }

  @Test
  void aResumedReduceChangesNothingAndReportsTheFallback() {
    ttl.reduce(live, List.of("appservers-rw"), 10, 300);
    int writes = conftool.writes.size();
    Map<String, Long> again = ttl.reduce(live, List.of("appservers-rw"), 10, 300);
    assertThat(again).containsEntry("appservers-rw", 300L);
    assertThat(conftool.writes).hasSize(writes);
    assertThat(dns.updates).hasSize(1);
  }

  @Test
  void restoreSetsTheOldTtlsBack() {
    Map<String, Long> old = ttl.reduce(live, List.of("appservers-rw", "api-rw"), 10, 300);
    ttl.restore(live, old);
    assertThat(dns.records.get("appservers-rw").ttlSeconds()).isEqualTo(300);
    assertThat(dns.records.get("api-rw").ttlSeconds()).isEqualTo(60);
    assertThat(conftool.discovery("api-rw", "eqiad").orElseThrow().value().ttl()).isEqualTo(60);
  }

  @Test
  void dryRunReportsTheRealTtlsAndChangesNothing() {
    RunContext dry =
        new RunContext("run-2", "ServiceTask_ReduceTtl", "alice", ExecutionMode.DRY_RUN, "eqiad");
    Map<String, Long> old = ttl.reduce(dry, List.of("appservers-rw"), 10, 300);
    assertThat(old).containsEntry("appservers-rw", 300L);
    assertThat(dns.records.get("appservers-rw").ttlSeconds()).isEqualTo(300);
    assertThat(conftool.discovery("appservers-rw", "eqiad").orElseThrow().value().ttl())
        .isEqualTo(300);
  }
}
