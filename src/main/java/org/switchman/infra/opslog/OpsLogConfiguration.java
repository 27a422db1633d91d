package org.switchman.infra.opslog;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalChain;
import org.switchman.audit.JournalOutbox;
import org.switchman.config.SwitchmanProperties;
import org.switchman.infra.PeriodicTask;

/**
 * The ops log: a table for the ops log page, a file ({@code switchman.ops-log.file}, by default
 * {@code ops.log} in the data directory), and an optional webhook ({@code
 * switchman.ops-log.webhook-url}, JSON POST, retried after {@code webhook-first-pause} doubling up
 * to {@code webhook-max-pause}, given up for a line older than {@code webhook-give-up-after}),
 * signed with HMAC-SHA256 when {@code switchman.ops-log.webhook-secret-file} names a file whose
 * first line is the secret. See {@link FileAndWebhookOpsLog} for how lines are kept and delivered.
 */
@Configuration(proxyBeanMethods = false)
public class OpsLogConfiguration {

  @Bean
  JdbcOpsLogStore opsLogStore(JdbcTemplate jdbc) {
    return new JdbcOpsLogStore(jdbc);
  }

  /**
   * Every hour, the lines of the ops log page older than {@code switchman.ops-log.retention}, if
   * set, are deleted from the table (once in the file and delivered to the webhook; the file is
   * rotated by the host's log rotation).
   */
  @Bean(destroyMethod = "close")
  @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(
      "switchman.ops-log.retention")
  PeriodicTask opsLogRetention(
      JdbcOpsLogStore store, @Value("${switchman.ops-log.retention}") Duration retention) {
    if (retention.compareTo(Duration.ofDays(1)) < 0) {
      throw new IllegalStateException(
          "switchman.ops-log.retention is " + retention + "; keep the ops log at least a day");
    }
    return new PeriodicTask(
        "ops-log-retention",
        Duration.ofMinutes(1),
        Duration.ofHours(1),
        () -> store.forgetOlderThan(JournalChain.micros(java.time.Instant.now().minus(retention))));
  }

  @Bean(destroyMethod = "close")
  FileAndWebhookOpsLog opsLog(
      SwitchmanProperties properties,
      JdbcOpsLogStore store,
      PlatformTransactionManager transactions,
      Journal journal,
      JournalOutbox journalOutbox,
      MeterRegistry metrics,
      @Value("${switchman.ops-log.file:}") String file,
      @Value("${switchman.ops-log.webhook-url:}") String webhook,
      @Value("${switchman.ops-log.webhook-first-pause:1s}") Duration firstPause,
      @Value("${switchman.ops-log.webhook-max-pause:5m}") Duration maxPause,
      @Value("${switchman.ops-log.webhook-give-up-after:24h}") Duration giveUpAfter,
      @Value("${switchman.ops-log.webhook-secret-file:}") String secretFile) {
    Path path = file.isBlank() ? properties.dataDir().resolve("ops.log") : Path.of(file);
    FileAndWebhookOpsLog.Webhook hook = null;
    if (!webhook.isBlank()) {
      URI url;
      try {
        url = URI.create(webhook);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("switchman.ops-log.webhook-url is not a valid URL", e);
      }
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
        throw new IllegalStateException("switchman.ops-log.webhook-url must be an http(s) URL");
      }
      hook =
          new FileAndWebhookOpsLog.Webhook(
              url,
              secretFile.isBlank() ? null : secret(Path.of(secretFile)),
              firstPause,
              maxPause,
              giveUpAfter);
    }
    // a run's journal head line is filled in after the run's last entries left the outbox
    Supplier<String> journalHead =
        () -> {
          journalOutbox.chainWaiting();
          return journal.head().toString();
        };
    return new FileAndWebhookOpsLog(
        store,
        transactions,
        path,
        hook,
        journalHead,
        metrics,
        Clock.systemUTC(),
        Duration.ofSeconds(1));
  }

  private static byte[] secret(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || lines.get(0).isBlank()) {
        throw new IllegalStateException(
            "The ops log webhook secret file "
                + file
                + " (switchman.ops-log.webhook-secret-file) is empty");
      }
      return lines.get(0).strip().getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot read the ops log webhook secret file "
              + file
              + " (switchman.ops-log.webhook-secret-file): "
              + e.getMessage(),
          e);
    }
  }
}
