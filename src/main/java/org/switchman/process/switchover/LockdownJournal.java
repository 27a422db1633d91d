package org.switchman.process.switchover;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.switchman.audit.JournalEntry;
import org.switchman.runbook.Mutation;

/**
 * Which sections a DB lockdown's section step acted on, as the run's journal recorded it: the
 * rollback after an abort undoes exactly those, never a master the run did not touch. The choke
 * point journals an {@code INTENT} before each change, in a transaction of its own, so a change
 * that was sent is found even when its step failed or its transaction rolled back; a change that
 * failed is still undone if the master shows it (a timed-out statement may have applied).
 *
 * <p>A section step journals under its activity id followed by {@code [section]}; the ids below are
 * the diagrams' (the lockdown process tests fail when the two drift apart).
 */
final class LockdownJournal {

  /** The section step of {@code db-masters-read-only}, as it names itself in the journal. */
  static final String READ_ONLY_STEP = "ServiceTask_SetOldMasterReadOnly";

  /** The section step of {@code db-masters-read-write}. */
  static final String READ_WRITE_STEP = "ServiceTask_SetNewMasterReadWrite";

  private LockdownJournal() {}

  /**
   * @param entries the run's journal
   * @param step the section step's activity id
   * @param sections the run's sections, in their order
   * @return the sections, in that order, whose step journaled the intent of a database change
   */
  static List<String> sectionsChanged(
      List<JournalEntry> entries, String step, List<String> sections) {
    Set<String> steps =
        entries.stream()
            .filter(e -> e.kind().equals(Mutation.Kind.SQL.name()) && e.outcome().equals("INTENT"))
            .map(JournalEntry::step)
            .collect(Collectors.toSet());
    return sections.stream().filter(section -> steps.contains(step + "[" + section + "]")).toList();
  }
}
