package dev.copyscale.cli.report;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Why a file operation failed, in the operating system's words ("Permission denied", "Read-only
 * file system", "Not a directory"): Java names the failing path in the exception's message, and the
 * reason only in {@link FileSystemException#getReason()} or its type.
 */
public final class OsReason {
  private OsReason() {}

  public static String of(IOException e) {
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason() + (f.getFile() == null ? "" : " (" + f.getFile() + ")");
    }
    String where =
        e instanceof FileSystemException f && f.getFile() != null ? " (" + f.getFile() + ")" : "";
    if (e instanceof AccessDeniedException) {
      return "Permission denied" + where;
    }
    if (e instanceof NoSuchFileException) {
      return "No such file or directory" + where;
    }
    if (e instanceof NotDirectoryException) {
      return "Not a directory" + where;
    }
    if (e instanceof FileAlreadyExistsException) {
      return "File exists and is not a directory" + where;
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
