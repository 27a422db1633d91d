package org.switchman.infra.journal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.switchman.audit.JournalChain;
import org.switchman.config.JournalKey;
import org.switchman.config.JournalProperties;
import org.switchman.config.SwitchmanProperties;
import org.switchman.infra.PeriodicTask;

/**
 * The journal in the engine's database, keyed with the key file ({@code
 * switchman.journal.key-file}); without it the application does not start outside the lab profile.
 */
@Configuration(proxyBeanMethods = false)
public class JournalConfiguration {

  @Bean
  JdbcJournal journal(
      JdbcTemplate jdbc,
      PlatformTransactionManager transactions,
      SwitchmanProperties switchman,
      JournalProperties settings,
      Environment environment) {
    boolean lab = Arrays.asList(environment.getActiveProfiles()).contains("lab");
    JournalChain chain =
        JournalChain.keyed(JournalKey.resolve(settings.keyFile(), switchman.dataDir(), lab));
    return new JdbcJournal(
        jdbc,
        transactions,
        chain,
        lab ? Long.valueOf(JdbcJournal.SEAL_ANY) : settings.sealUnkeyedThrough(),
        settings.fullCheckInterval(),
        Clock.systemUTC());
  }

  /** Every hour, the entries older than {@code switchman.journal.retention}, if set, are pruned. */
  @Bean(destroyMethod = "close")
  @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(
      "switchman.journal.retention")
  PeriodicTask journalRetention(JdbcJournal journal, JournalProperties settings) {
    return new PeriodicTask(
        "journal-retention",
        Duration.ofMinutes(1),
        Duration.ofHours(1),
        () -> journal.pruneBefore(Instant.now().minus(settings.retention())));
  }

  /**
   * Approval, decision and lock entries, written with the engine change they describe and chained
   * after its commit; retried every second, doubling up to a minute, while the journal cannot be
   * written, and looked for every five seconds otherwise (what another node or a crash left).
   */
  @Bean(destroyMethod = "close")
  JdbcJournalOutbox journalOutbox(
      JdbcTemplate jdbc, PlatformTransactionManager transactions, JdbcJournal journal) {
    return new JdbcJournalOutbox(
        jdbc,
        transactions,
        journal,
        Duration.ofSeconds(1),
        Duration.ofMinutes(1),
        Duration.ofSeconds(5));
  }
}
