package org.switchman.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The audit journal's settings ({@code switchman.journal.*}).
 *
 * @param keyFile a file whose first line is the journal's HMAC key (at least 32 bytes); required
 *     outside the lab profile ({@code SWITCHMAN_JOURNAL_KEY_FILE}). The lab generates one.
 * @param sealUnkeyedThrough the last entry of a journal written before it had a key, which the
 *     operator has checked: the journal is sealed once after it with a keyed entry; until then (and
 *     never without this setting) unkeyed entries are reported as broken
 * @param fullCheckInterval how long the whole-chain check may resume from its last intact result
 *     before it reads the chain from its first entry again (default 10 minutes)
 * @param retention how long entries are kept; older ones are deleted every hour, and the deletion
 *     recorded in the chain (default: kept for good)
 */
@ConfigurationProperties("switchman.journal")
public record JournalProperties(
    Path keyFile, Long sealUnkeyedThrough, Duration fullCheckInterval, Duration retention) {

  public JournalProperties {
    if (keyFile != null && keyFile.toString().isBlank()) {
      keyFile = null;
    }
    if (fullCheckInterval == null) {
      fullCheckInterval = Duration.ofMinutes(10);
    }
    if (retention != null && retention.compareTo(Duration.ofDays(1)) < 0) {
      throw new IllegalStateException(
          "switchman.journal.retention is " + retention + "; keep the journal at least a day");
    }
  }
}
