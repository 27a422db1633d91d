package org.switchman.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** File helpers of the lab. */
final class LabFiles {

  private LabFiles() {}

  /** Writes a file readable by its owner only (0600), creating it with those permissions. */
  static void writeSecret(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** Deletes a directory tree if it exists. */
  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              deleteQuietly(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                throws IOException {
              deleteQuietly(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path path) throws IOException {
    try {
      Files.delete(path);
    } catch (NoSuchFileException e) {
      // already gone
    }
  }

  /** The last lines of a text file; empty if it is missing or empty. */
  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (java.nio.charset.MalformedInputException e) {
      return "(" + file + " is not UTF-8 text)";
    } catch (IOException e) {
      return "";
    }
  }

  /** Waits for all futures; rethrows the first failure unwrapped. */
  static void join(List<CompletableFuture<Void>> futures) {
    try {
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new LabException(e.getCause().getMessage(), e.getCause());
    }
  }
}
