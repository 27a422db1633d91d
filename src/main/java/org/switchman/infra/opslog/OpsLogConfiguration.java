package org.switchman.infra.opslog;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.switchman.config.SwitchmanProperties;

/**
 * The ops log: a file ({@code switchman.ops-log.file}, by default {@code ops.log} in the data
 * directory), a table for the ops log page, and an optional webhook ({@code switchman.ops-log.webhook-url}, JSON POST, retried
 * {@code switchman.ops-log.webhook-attempts} times), signed with HMAC-SHA256 when {@code
 * switchman.ops-log.webhook-secret-file} names a file whose first line is the secret.
 */
@Configuration(proxyBeanMethods = false)
public class OpsLogConfiguration {

  @Bean
  JdbcOpsLogStore opsLogStore(JdbcTemplate jdbc) {
    return new JdbcOpsLogStore(jdbc);
  }

  @Bean(destroyMethod = "close")
  FileAndWebhookOpsLog opsLog(SwitchmanProperties properties, JdbcOpsLogStore store,
      @Value("${switchman.ops-log.file:}") String file,
      @Value("${switchman.ops-log.webhook-url:}") String webhook,
      @Value("${switchman.ops-log.webhook-attempts:5}") int attempts,
      @Value("${switchman.ops-log.webhook-first-pause:1s}") Duration firstPause,
      @Value("${switchman.ops-log.webhook-secret-file:}") String secretFile) {
    Path path = file.isBlank() ? properties.dataDir().resolve("ops.log") : Path.of(file);
    URI url = null;
    if (!webhook.isBlank()) {
      try {
        url = URI.create(webhook);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("switchman.ops-log.webhook-url is not a valid URL", e);
      }
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
        throw new IllegalStateException("switchman.ops-log.webhook-url must be an http(s) URL");
      }
    }
    return new FileAndWebhookOpsLog(path, store::store, url, attempts, firstPause,
        secretFile.isBlank() ? null : secret(Path.of(secretFile)));
  }

  private static byte[] secret(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || lines.get(0).isBlank()) {
        throw new IllegalStateException("The ops log webhook secret file " + file
            + " (switchman.ops-log.webhook-secret-file) is empty");
      }
      return lines.get(0).strip().getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the ops log webhook secret file " + file
          + " (switchman.ops-log.webhook-secret-file): " + e.getMessage(), e);
    }
  }
}
