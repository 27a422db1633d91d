package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabEnvTest {

  @TempDir Path dir;

  /** lab.env as Lab#writeEnvFile writes it, for a lab relocated and resized. */
  private Path envFile(LabConfig config, Map<String, String> extra) throws Exception {
    StringBuilder text = new StringBuilder("# Switchman lab, started now. Use it with: . x\n");
    Map<String, String> vars = new java.util.LinkedHashMap<>();
    vars.put("LAB_ETCD_ENDPOINTS", config.etcdEndpoint());
    vars.put("LAB_DNS_SERVER", "127.0.0.1");
    vars.put("LAB_DNS_PORT", Integer.toString(config.dnsPort()));
    vars.put("LAB_TSIG_KEY_FILE", config.runDir().resolve("tsig.key").toString());
    vars.put("LAB_SSH_PORT", Integer.toString(config.sshPort()));
    vars.put("LAB_SSH_KNOWN_HOSTS", "/k/known_hosts");
    vars.put("LAB_SSH_KEY", "/k/id");
    vars.put("LAB_SSH_USER", "switchman");
    vars.put("LAB_HOSTS_FILE", "/k/hosts");
    vars.put("LAB_MYSQL_BASE_PORT", Integer.toString(config.mysqlBasePort()));
    vars.put("LAB_MYSQL_SECTIONS", String.join(" ", config.sections()));
    vars.put("LAB_MYSQL_ADMIN_USER", "root");
    vars.put("LAB_MYSQL_ADMIN_PASSWORD", "it's secret");
    vars.put(
        "LAB_MYSQL_ADMIN_PASSWORD_FILE",
        config.runDir().resolve("mysql-admin-password").toString());
    vars.put("LAB_LOOPBACK_NETWORK", config.loopbackNetwork());
    vars.put("LAB_FLEET_SIZE", Integer.toString(config.fleetSize()));
    vars.put("LAB_DISCOVERY_TTL_SECONDS", Long.toString(config.discoveryTtl().toSeconds()));
    vars.putAll(extra);
    vars.forEach(
        (k, v) -> text.append(k).append("='").append(v.replace("'", "'\\''")).append("'\n"));
    Files.createDirectories(config.labDir());
    Files.writeString(config.envFile(), text);
    return config.envFile();
  }

  @Test
  void rebuildsTheLabsPortsAndTopologyFromItsEnvFile() throws Exception {
    LabConfig config =
        LabConfig.forTests(dir)
            .relocated(dir.resolve("lab"), "127.123", 1400)
            .withSections(List.of("s1", "s3", "x1"))
            .withDiscoveryTtl(Duration.ofSeconds(12));
    LabEnv env = LabEnv.read(envFile(config, Map.of()));

    assertThat(env.config().loopbackNetwork()).isEqualTo("127.123");
    assertThat(env.config().sections()).containsExactly("s1", "s3", "x1");
    assertThat(env.config().discoveryTtl()).isEqualTo(Duration.ofSeconds(12));
    assertThat(env.config().mysqlPort("s3", "codfw")).isEqualTo(config.mysqlPort("s3", "codfw"));
    assertThat(env.etcdEndpoint()).isEqualTo(config.etcdEndpoint());
    assertThat(env.dnsPort()).isEqualTo(config.dnsPort());
    assertThat(env.sshPort()).isEqualTo(config.sshPort());
    assertThat(env.mysqlAdminPasswordFile())
        .isEqualTo(config.runDir().resolve("mysql-admin-password"));
    assertThat(env.get("LAB_MYSQL_ADMIN_PASSWORD")).isEqualTo("it's secret");
    assertThat(env.topology().hosts()).isEqualTo(new LabTopology(config).hosts());
  }

  @Test
  void aMissingFileOrVariableIsNamed() throws Exception {
    assertThatThrownBy(() -> LabEnv.read(dir.resolve("nowhere/lab.env")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nowhere/lab.env")
        .hasMessageContaining("switchman.lab.env-file");
    LabConfig config = LabConfig.forTests(dir);
    Path file = envFile(config, Map.of("LAB_LOOPBACK_NETWORK", ""));
    assertThatThrownBy(() -> LabEnv.read(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("LAB_LOOPBACK_NETWORK");
  }
}
