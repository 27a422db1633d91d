package org.switchman.infra.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.switchman.audit.InMemoryJournal;
import org.switchman.config.DnsProperties;
import org.switchman.infra.Mutations;
import org.switchman.lab.Cli;
import org.switchman.lab.Lab;
import org.switchman.lab.LabExtension;
import org.switchman.lab.LabFault;
import org.switchman.runbook.CheckFailedException;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.Mutation;
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

  /** The A records of an active/active record as dig prints them, one "TTL ADDRESS" a line. */
  private String digAddresses(String service) {
    String answer =
        Cli.dig(lab, "+noall", "+answer", service + ".discovery.wmnet", "A").out().strip();
    return answer
        .lines()
        .map(line -> line.split("\\s+"))
        .map(f -> f[1] + " " + f[4])
        .sorted()
        .reduce((a, b) -> a + "\n" + b)
        .orElse("");
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

  // ------------------------------------------------------------ active/active records (A)

  @Test
  void anActiveActiveRecordAnswersTheServiceAddressOfBothDcs() {
    String eqiad = dns.serviceAddress("aqs", "eqiad");
    String codfw = dns.serviceAddress("aqs", "codfw");
    assertThat(eqiad).startsWith("10.2.2.");
    assertThat(codfw).startsWith("10.2.1.");
    assertThat(Cli.dig(lab, "+short", "aqs.svc.codfw.wmnet", "A").out().strip()).isEqualTo(codfw);

    DnsDiscovery.ServedAddresses served = dns.addresses("aqs");
    assertThat(served.addresses()).containsExactly(codfw, eqiad);
    long ttl = lab.config().discoveryTtl().toSeconds();
    assertThat(served.ttlSeconds()).isEqualTo(ttl);
    assertThat(digAddresses("aqs")).isEqualTo(ttl + " " + codfw + "\n" + ttl + " " + eqiad);
  }

  @Test
  void setAddressesDepoolsADcAndIsReadBack() {
    DnsDiscovery.ServedAddresses original = dns.addresses("aqs");
    String codfw = dns.serviceAddress("aqs", "codfw");
    String name = "aqs.discovery.wmnet.";
    long ttl = original.ttlSeconds();
    try {
      assertThat(dns.setAddresses(run(ExecutionMode.LIVE), original, Set.of(codfw)))
          .isEqualTo(MutationOutcome.PERFORMED);
      assertThat(digAddresses("aqs")).isEqualTo(ttl + " " + codfw);
      assertThat(dns.addresses("aqs").addresses()).containsExactly(codfw);
      assertThat(journal.all())
          .extracting(e -> e.kind() + " " + e.target() + " " + e.outcome() + ": " + e.action())
          .contains(
              "DNS_UPDATE "
                  + name
                  + " PERFORMED: prereq yxrrset "
                  + name
                  + " A "
                  + String.join(" ", original.addresses())
                  + "; update delete "
                  + name
                  + " A; update add "
                  + name
                  + " "
                  + ttl
                  + " A "
                  + codfw);
    } finally {
      dns.setAddresses(run(ExecutionMode.LIVE), dns.addresses("aqs"), original.addresses());
    }
    assertThat(dns.addresses("aqs")).isEqualTo(original);
  }

  @Test
  void aStaleAddressPrerequisiteIsRefusedAndChangesNothing() {
    DnsDiscovery.ServedAddresses current = dns.addresses("aqs");
    String eqiad = dns.serviceAddress("aqs", "eqiad");
    String codfw = dns.serviceAddress("aqs", "codfw");
    // a subset of the record is not the record: the prerequisite is the whole RRset
    DnsDiscovery.ServedAddresses stale =
        new DnsDiscovery.ServedAddresses("aqs", new TreeSet<>(Set.of(eqiad)), current.ttlSeconds());
    String before = digAddresses("aqs");
    assertThatThrownBy(() -> dns.setAddresses(run(ExecutionMode.LIVE), stale, Set.of(codfw)))
        .isInstanceOf(DnsDiscovery.DnsUpdateRefusedException.class)
        .hasMessageContaining("aqs.discovery.wmnet.")
        .hasMessageContaining("NXRRSET");
    assertThat(digAddresses("aqs")).isEqualTo(before);
    assertThat(dns.addresses("aqs")).isEqualTo(current);
  }

  @Test
  void aRecordIsNeverEmptied() {
    DnsDiscovery.ServedAddresses current = dns.addresses("aqs");
    assertThatThrownBy(() -> dns.setAddresses(run(ExecutionMode.LIVE), current, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("aqs");
    assertThat(journal.all()).isEmpty();
    assertThat(dns.addresses("aqs")).isEqualTo(current);
  }

  @Test
  void dryRunOfSetAddressesLeavesDnsAlone() {
    DnsDiscovery.ServedAddresses current = dns.addresses("aqs");
    String before = digAddresses("aqs");
    assertThat(
            dns.setAddresses(
                run(ExecutionMode.DRY_RUN), current, Set.of(dns.serviceAddress("aqs", "codfw"))))
        .isEqualTo(MutationOutcome.WOULD);
    assertThat(digAddresses("aqs")).isEqualTo(before);
  }

  @Test
  void observeReadsBackAJournaledAddressUpdate() {
    DnsDiscovery.ServedAddresses original = dns.addresses("aqs");
    String codfw = dns.serviceAddress("aqs", "codfw");
    Mutation depool = journaledUpdate(original, codfw);
    Mutation repool = journaledUpdate(original, String.join(" ", original.addresses()));
    assertThat(dns.observe(repool, Instant.now()).state())
        .isEqualTo(Mutations.Observation.State.APPLIED);
    assertThat(dns.observe(depool, Instant.now()).state())
        .isEqualTo(Mutations.Observation.State.NOT_APPLIED);
    try {
      dns.setAddresses(run(ExecutionMode.LIVE), original, Set.of(codfw));
      Mutations.Observation applied = dns.observe(depool, Instant.now());
      assertThat(applied.state()).isEqualTo(Mutations.Observation.State.APPLIED);
      assertThat(applied.observed()).contains(codfw);
      assertThat(dns.observe(repool, Instant.now()).state())
          .isEqualTo(Mutations.Observation.State.NOT_APPLIED);
    } finally {
      dns.setAddresses(run(ExecutionMode.LIVE), dns.addresses("aqs"), original.addresses());
    }
    // same addresses, another TTL: not the journaled update
    Mutation otherTtl =
        new Mutation(
            Mutation.Kind.DNS_UPDATE,
            "aqs.discovery.wmnet.",
            null,
            repool.action().replace(" " + original.ttlSeconds() + " A ", " 7 A "));
    assertThat(dns.observe(otherTtl, Instant.now()).state())
        .isEqualTo(Mutations.Observation.State.NOT_APPLIED);
  }

  /** The update from {@code current} to {@code addresses} as the adapter journals it. */
  private static Mutation journaledUpdate(DnsDiscovery.ServedAddresses current, String addresses) {
    String name = "aqs.discovery.wmnet.";
    return new Mutation(
        Mutation.Kind.DNS_UPDATE,
        name,
        null,
        "prereq yxrrset "
            + name
            + " A "
            + String.join(" ", current.addresses())
            + "; update delete "
            + name
            + " A; update add "
            + name
            + " "
            + current.ttlSeconds()
            + " A "
            + addresses);
  }

  @Test
  void aRecordWithoutAddressesIsACheckThatFails() {
    assertThatThrownBy(() -> dns.addresses("releases"))
        .isInstanceOfSatisfying(
            CheckFailedException.class,
            e -> assertThat(e.check()).isEqualTo("discovery-record-exists"))
        .hasMessageContaining("releases.discovery.wmnet. has no A record");
    assertThatThrownBy(() -> dns.addresses("no-such-service"))
        .isInstanceOfSatisfying(
            CheckFailedException.class,
            e -> assertThat(e.check()).isEqualTo("discovery-record-exists"))
        .hasMessageContaining("NXDOMAIN");
    assertThatThrownBy(() -> dns.serviceAddress("no-such-service", "eqiad"))
        .isInstanceOfSatisfying(
            CheckFailedException.class,
            e -> assertThat(e.check()).isEqualTo("discovery-record-exists"));
    assertThatThrownBy(() -> dns.read("aqs"))
        .isInstanceOfSatisfying(
            CheckFailedException.class,
            e -> assertThat(e.check()).isEqualTo("discovery-record-exists"))
        .hasMessageContaining("has no CNAME");
  }
}
