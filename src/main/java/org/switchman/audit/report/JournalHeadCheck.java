package org.switchman.audit.report;

import java.time.Instant;
import org.switchman.audit.JournalHead;

/**
 * The journal's head as published when a run ended, against the journal now. An auditor compares
 * {@code atRunEnd} with the copy the ops log's webhook received at that time: if the journal was
 * rewritten since, entry {@code atRunEnd.seq()} no longer carries that hash.
 *
 * @param atRunEnd the head published to the ops log at the run's end, or {@code null} while the run
 *     is running (or when it ended before heads were published)
 * @param publishedAt when it was published, or {@code null}
 * @param entryHashNow the hash entry {@code atRunEnd.seq()} carries now, or {@code null} when that
 *     entry is missing (or nothing was published)
 * @param unchanged whether entry {@code atRunEnd.seq()} still carries the published hash, or {@code
 *     null} when nothing was published
 * @param now the journal's head now
 */
public record JournalHeadCheck(
    JournalHead atRunEnd,
    Instant publishedAt,
    String entryHashNow,
    Boolean unchanged,
    JournalHead now) {

  public static JournalHeadCheck of(
      JournalHead atRunEnd, Instant publishedAt, String entryHashNow, JournalHead now) {
    Boolean unchanged =
        atRunEnd == null
            ? null
            : atRunEnd.seq() == 0 ? Boolean.TRUE : atRunEnd.hash().equals(entryHashNow);
    return new JournalHeadCheck(atRunEnd, publishedAt, entryHashNow, unchanged, now);
  }
}
