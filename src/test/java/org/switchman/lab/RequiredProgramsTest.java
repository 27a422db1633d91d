package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequiredProgramsTest {

  @Test
  void aMissingProgramIsReportedWithItsPackageAndTheInstallCommand() {
    Map<String, String> programs = new LinkedHashMap<>();
    programs.put("etcd", "etcd-server");
    programs.put("named", "bind9");
    programs.put("pt-heartbeat", "percona-toolkit");
    String message = RequiredPrograms.missing(programs, p -> !p.equals("pt-heartbeat"));
    assertThat(message)
        .contains("pt-heartbeat")
        .contains("percona-toolkit")
        .endsWith("apt-get install -y percona-toolkit")
        .doesNotContain("bind9");
  }

  @Test
  void severalMissingProgramsOfOnePackageNameItOnce() {
    Map<String, String> programs = new LinkedHashMap<>();
    programs.put("dig", "bind9-dnsutils");
    programs.put("nsupdate", "bind9-dnsutils");
    programs.put("sshd", "openssh-server");
    assertThat(RequiredPrograms.missing(programs, p -> false))
        .endsWith("apt-get install -y bind9-dnsutils openssh-server");
  }

  @Test
  void nothingMissingIsNoMessage() {
    assertThat(RequiredPrograms.missing(Map.of("sh", "dash"), p -> true)).isNull();
  }

  @Test
  void theLabNeedsTheDebianPackagesOfTheDesign() {
    assertThat(RequiredPrograms.packages())
        .contains(
            "etcd-server",
            "etcd-client",
            "openssh-server",
            "bind9",
            "bind9-dnsutils",
            "mariadb-server",
            "percona-toolkit");
  }
}
