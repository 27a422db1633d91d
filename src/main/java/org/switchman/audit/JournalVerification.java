package org.switchman.audit;

/**
 * The result of checking the hash chain.
 *
 * @param intact whether every checked entry is as written
 * @param checked how many entries were read and checked by this check (a check that resumes from an
 *     earlier one reads only the entries written since)
 * @param firstBrokenSeq the first entry found edited, missing or out of chain, or {@code null}
 * @param problem what is wrong with it, for a person to read, or {@code null}
 * @param throughSeq when intact: the last entry covered (for the whole chain, the head)
 * @param incremental whether the check resumed from an earlier intact check instead of reading the
 *     chain from its first entry
 */
public record JournalVerification(
    boolean intact,
    long checked,
    Long firstBrokenSeq,
    String problem,
    long throughSeq,
    boolean incremental) {

  public static JournalVerification ok(long checked, long throughSeq) {
    return new JournalVerification(true, checked, null, null, throughSeq, false);
  }

  public static JournalVerification broken(long checked, long seq, String problem) {
    return new JournalVerification(false, checked, seq, problem, 0, false);
  }

  /** The same result, marked as resumed from an earlier check. */
  public JournalVerification resumed() {
    return new JournalVerification(intact, checked, firstBrokenSeq, problem, throughSeq, true);
  }
}
