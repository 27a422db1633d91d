package org.switchman.infra.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.switchman.audit.InMemoryJournal;
import org.switchman.config.DnsProperties;
import org.switchman.infra.Mutations;
import org.switchman.lab.Cli;
import org.switchman.lab.Lab;
import org.switchman.lab.LabExtension;
import org.switchman.lab.LabFault;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.MutationOutcome;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.DnsDiscovery;
import org.switchman.runbook.port.InfrastructureUnavailableException;

/** The DNS discovery adapter against the lab's BIND, checked with dig. */
@ExtendWith(LabExtension.class)
class DnsJavaDiscoveryIT {

  private final Lab lab;
  private final InMemoryJournal journal = new InMemoryJournal();
  private final DnsJavaDiscovery dns;

  DnsJavaDiscoveryIT(Lab lab) {
    this.lab = lab;
    this.dns = discovery(lab.tsigKeyFile());
  }

  private DnsJavaDiscovery discovery(Path keyFile) {
    return new DnsJavaDiscovery(
        new DnsProperties(
            lab.dnsServer(), lab.dnsPort(), "discovery.wmnet", keyFile, Duration.ofSeconds(2)),
        new Mutations(journal));
  }

  private static RunContext run(ExecutionMode mode) {
    return new RunContext("run-dns", "ServiceTask_ReduceTtl", "alice", mode, "eqiad");
  }

  private String dig(String service) {
    return Cli.dig(lab, "+noall", "+answer", service + ".discovery.wmnet", "CNAME").out().strip();
  }

  @Test
  void readsWhatDigSees() {
    DnsDiscovery.DiscoveryRecord record = dns.read("parsoid-php");
    assertThat(record.target()).isEqualTo("parsoid-php.svc.eqiad.wmnet.");
    assertThat(dig("parsoid-php"))
        .contains(String.valueOf(record.ttlSeconds()))
        .containsPattern("CNAME\\s+parsoid-php\\.svc\\.eqiad\\.wmnet\\.");
  }

  @Test
  void signedUpdatesChangeTtlAndTargetAndAreReadBack() {
    DnsDiscovery.DiscoveryRecord original = dns.read("videoscaler");
    try {
      assertThat(dns.setTtl(run(ExecutionMode.LIVE), original, 10))
          .isEqualTo(MutationOutcome.PERFORMED);
      assertThat(dig("videoscaler"))
          .containsPattern("\\s10\\s+IN\\s+CNAME\\s+videoscaler\\.svc\\.eqiad\\.wmnet\\.");
      DnsDiscovery.DiscoveryRecord shortTtl = dns.read("videoscaler");
      assertThat(dns.setTarget(run(ExecutionMode.LIVE), shortTtl, "videoscaler.svc.codfw.wmnet."))
          .isEqualTo(MutationOutcome.PERFORMED);
      assertThat(dig("videoscaler"))
          .containsPattern("\\s10\\s+IN\\s+CNAME\\s+videoscaler\\.svc\\.codfw\\.wmnet\\.");
      assertThat(journal.all().get(1).action())
          .isEqualTo(
              "prereq yxrrset videoscaler.discovery.wmnet."
                  + " CNAME videoscaler.svc.eqiad.wmnet.; update delete videoscaler.discovery.wmnet. CNAME;"
                  + " update add videoscaler.discovery.wmnet. 10 CNAME videoscaler.svc.eqiad.wmnet.");
    } finally {
      DnsDiscovery.DiscoveryRecord now = dns.read("videoscaler");
      dns.setTarget(run(ExecutionMode.LIVE), now, original.target());
      dns.setTtl(run(ExecutionMode.LIVE), dns.read("videoscaler"), original.ttlSeconds());
    }
    assertThat(dns.read("videoscaler")).isEqualTo(original);
  }

  @Test
  void aStalePrerequisiteIsRefused() {
    DnsDiscovery.DiscoveryRecord stale =
        new DnsDiscovery.DiscoveryRecord("parsoid-php", "parsoid-php.svc.codfw.wmnet.", 30);
    assertThatThrownBy(() -> dns.setTtl(run(ExecutionMode.LIVE), stale, 10))
        .isInstanceOf(DnsDiscovery.DnsUpdateRefusedException.class)
        .hasMessageContaining("NXRRSET");
    assertThat(dig("parsoid-php")).contains("parsoid-php.svc.eqiad.wmnet.");
  }

  @Test
  void aWronglySignedUpdateIsRefused() throws Exception {
    Path wrongKey = Files.createTempFile(Path.of("target"), "wrong-tsig", ".key");
    String secret =
        Base64.getEncoder().encodeToString("not the lab's secret, 32 bytes!!".getBytes());
    Files.writeString(
        wrongKey,
        "key \"switchman-lab\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + secret + "\";\n};\n");
    try {
      DnsJavaDiscovery forged = discovery(wrongKey);
      DnsDiscovery.DiscoveryRecord current = forged.read("parsoid-php");
      assertThatThrownBy(() -> forged.setTtl(run(ExecutionMode.LIVE), current, 10))
          .isInstanceOf(DnsDiscovery.DnsUpdateRefusedException.class)
          .hasMessageContaining("NOTAUTH");
      assertThat(dns.read("parsoid-php")).isEqualTo(current);
    } finally {
      Files.delete(wrongKey);
    }
  }

  @Test
  void dryRunAndLiveTestLeaveDnsAlone() {
    DnsDiscovery.DiscoveryRecord current = dns.read("parsoid-php");
    String before = dig("parsoid-php");
    assertThat(dns.setTtl(run(ExecutionMode.DRY_RUN), current, 10))
        .isEqualTo(MutationOutcome.WOULD);
    assertThat(dns.setTtl(run(ExecutionMode.LIVE_TEST), current, 10))
        .isEqualTo(MutationOutcome.REFUSED);
    assertThat(dig("parsoid-php")).isEqualTo(before);
    assertThat(journal.all().get(0).action())
        .startsWith("would: prereq yxrrset parsoid-php.discovery.wmnet.");
  }

  @Test
  void dnsDownIsUnavailable() {
    LabFault down =
        lab.faults()
            .inject(
                new LabFault.Request(LabFault.Kind.DNS_DOWN, null, null, null, null, null, null));
    try {
      assertThatThrownBy(() -> dns.read("parsoid-php"))
          .isInstanceOf(InfrastructureUnavailableException.class)
          .hasMessageContaining("did not answer");
    } finally {
      lab.faults().clear(down.id());
    }
    assertThat(dns.read("parsoid-php").target()).isEqualTo("parsoid-php.svc.eqiad.wmnet.");
  }
}
