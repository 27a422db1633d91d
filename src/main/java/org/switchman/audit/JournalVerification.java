package org.switchman.audit;

/**
 * The result of checking the hash chain.
 *
 * @param intact whether every checked entry is as written
 * @param checked how many entries were checked
 * @param firstBrokenSeq the first entry found edited, missing or out of chain, or {@code null}
 * @param problem what is wrong with it, for a person to read, or {@code null}
 */
public record JournalVerification(boolean intact, long checked, Long firstBrokenSeq, String problem) {

  public static JournalVerification ok(long checked) {
    return new JournalVerification(true, checked, null, null);
  }

  public static JournalVerification broken(long checked, long seq, String problem) {
    return new JournalVerification(false, checked, seq, problem);
  }
}
