package org.switchman.infra.opslog;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.switchman.config.SwitchmanProperties;

/**
 * The ops log: a file ({@code switchman.ops-log.file}, by default {@code ops.log} in the data
 * directory), a table for the ops log page, and an optional webhook ({@code switchman.ops-log.webhook-url}, JSON POST, retried
 * {@code switchman.ops-log.webhook-attempts} times).
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
      @Value("${switchman.ops-log.webhook-first-pause:1s}") Duration firstPause) {
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
    return new FileAndWebhookOpsLog(path, store::store, url, attempts, firstPause);
  }
}
