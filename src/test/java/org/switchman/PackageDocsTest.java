package org.switchman;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every package says what it holds and what it may depend on: a {@code package-info.java} whose
 * Javadoc says what it may depend on.
 */
class PackageDocsTest {

  @Test
  void everyProductPackageDocumentsItsContentsAndDependencies() {
    assertThat(undocumentedPackages(Path.of("src/main/java/org/switchman"))).isEmpty();
  }

  @Test
  void theCheckNamesPackagesWithoutTheirContract() {
    Path fixtures = Path.of("src/test/java/org/switchman/archfixture");

    assertThat(undocumentedPackages(fixtures))
        // no package-info at all
        .contains(fixtures.resolve("alpha"), fixtures.resolve("gamma/one"))
        // a package-info that does not say what the package may depend on
        .contains(fixtures.resolve("product"))
        // no classes of their own
        .doesNotContain(fixtures, fixtures.resolve("gamma"));
  }

  /** The directories under {@code root} that hold Java classes but no documented package-info. */
  static List<Path> undocumentedPackages(Path root) {
    try (Stream<Path> dirs = Files.walk(root)) {
      return dirs.filter(Files::isDirectory)
          .filter(PackageDocsTest::holdsClasses)
          .filter(dir -> !documented(dir.resolve("package-info.java")))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean holdsClasses(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(
          f ->
              f.toString().endsWith(".java")
                  && !f.getFileName().toString().equals("package-info.java"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean documented(Path packageInfo) {
    try {
      if (!Files.isRegularFile(packageInfo)) {
        return false;
      }
      String text = Files.readString(packageInfo);
      int start = text.indexOf("/**");
      int end = text.indexOf("*/", start + 3);
      return start >= 0
          && end > start
          && text.substring(start, end).toLowerCase(Locale.ROOT).contains("depend");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
