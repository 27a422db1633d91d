package org.switchman.runbook;

/**
 * Input that a refusal repeats back to the person who wrote it (a start form's field, a cell of the
 * service catalogue): without control characters, which could start a forged line in a log or a
 * form, and cut so that the message stays readable.
 */
public final class EchoedInput {

  private EchoedInput() {}

  /**
   * The text without control characters, cut to {@code max} characters and an ellipsis.
   *
   * @return {@code ""} for {@code null}
   */
  public static String shortened(String text, int max) {
    if (text == null) {
      return "";
    }
    String clean =
        text.codePoints()
            .filter(c -> !isControl(c))
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    return clean.length() > max ? clean.substring(0, max) + "…" : clean;
  }

  /** C0 and C1 controls, and the line and paragraph separators. */
  public static boolean isControl(int c) {
    return Character.isISOControl(c) || c == 0x2028 || c == 0x2029;
  }
}
