package org.switchman.infra.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TSIG key read from a BIND {@code key} clause, the format {@code tsig-keygen} writes and {@code
 * nsupdate -k} reads:
 *
 * <pre>key "switchman-lab" { algorithm hmac-sha256; secret "base64…"; };</pre>
 *
 * The secret is never printed.
 */
record TsigKeyFile(String name, String algorithm, String secret) {

  private static final Pattern NAME = Pattern.compile("key\\s+\"?([^\"\\s{]+)\"?\\s*\\{");
  private static final Pattern ALGORITHM = Pattern.compile("algorithm\\s+\"?([\\w.-]+)\"?\\s*;");
  private static final Pattern SECRET = Pattern.compile("secret\\s+\"([^\"]+)\"\\s*;");

  static TsigKeyFile read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the TSIG key file " + file, e);
    }
    return parse(text, file.toString());
  }

  static TsigKeyFile parse(String text, String source) {
    Matcher name = NAME.matcher(text);
    Matcher algorithm = ALGORITHM.matcher(text);
    Matcher secret = SECRET.matcher(text);
    if (!name.find() || !algorithm.find() || !secret.find()) {
      throw new IllegalStateException(
          "The TSIG key file "
              + source
              + " is not a BIND key clause with a name, an algorithm and a secret");
    }
    return new TsigKeyFile(name.group(1), algorithm.group(1), secret.group(1));
  }

  @Override
  public String toString() {
    return "TsigKeyFile[name=" + name + ", algorithm=" + algorithm + ", secret=***]";
  }
}
