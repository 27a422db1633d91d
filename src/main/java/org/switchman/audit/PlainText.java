package org.switchman.audit;

/**
 * Text from users and hosts made safe to show in a log line or a report: no C0 or C1 control
 * characters (ESC starts terminal escape sequences, CR and U+0085 return to the line start), no
 * line or paragraph separators (U+2028, U+2029) and no bidirectional overrides, which can make a
 * line read as something else on a terminal or in a spreadsheet.
 */
public final class PlainText {

  private PlainText() {}

  /** One line: every line break becomes a space; other control characters are dropped. */
  public static String singleLine(String text) {
    return clean(text, false);
  }

  /**
   * Several lines (command output, comments): {@code \n} and TAB stay, CR LF becomes {@code \n},
   * any other line break a {@code \n}; other control characters are dropped.
   */
  public static String multiLine(String text) {
    return clean(text, true);
  }

  private static String clean(String text, boolean keepLines) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement =
          replacement(c, keepLines, i + 1 < text.length() && text.charAt(i + 1) == '\n');
      if (replacement == null) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length()).append(text, 0, i);
      }
      out.append(replacement);
    }
    return out == null ? text : out.toString();
  }

  /** What stands for a character, or {@code null} to keep it. */
  private static String replacement(char c, boolean keepLines, boolean beforeLineFeed) {
    boolean lineBreak =
        c == '\n'
            || c == '\r'
            || c == '\u000B'
            || c == '\f'
            || c == '\u0085'
            || c == '\u2028'
            || c == '\u2029';
    if (lineBreak) {
      if (!keepLines) {
        return " ";
      }
      if (c == '\n') {
        return null;
      }
      return c == '\r' && beforeLineFeed ? "" : "\n";
    }
    if (c == '\t') {
      return keepLines ? null : " ";
    }
    boolean control = c < 0x20 || (c >= 0x7F && c <= 0x9F);
    boolean bidi =
        (c >= '\u202A' && c <= '\u202E')
            || (c >= '\u2066' && c <= '\u2069')
            || c == '\u200E'
            || c == '\u200F'
            || c == '\u061C';
    return control || bidi ? "" : null;
  }
}
