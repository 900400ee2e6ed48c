package dev.copyscale.twin.world;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A world file as the CLI's commands use it. A command that changes a world holds it {@link #lock
 * locked} for its whole read-modify-write: an exclusive lock on {@code FILE.lock} beside it, so two
 * commands on one world run one after the other, as AWS serialises the calls they stand for, and
 * neither's changes are lost. Reading alone needs no lock ({@link #read}): the world is written by
 * an atomic rename, so a reader sees one whole world or the next.
 *
 * <p>Every refusal is an {@link IllegalArgumentException} naming the file: a world a command needs
 * that does not exist (only {@code world reset} creates one), one that is not a world, and a
 * read-only one (refused, never replaced).
 */
public final class WorldFile implements AutoCloseable {
  /** How often a command waiting for the lock tries again. */
  static final long POLL_MILLIS = 50;

  /** After how many tries (3 s) a waiting command says what it waits for. */
  static final int TRIES_BEFORE_SAYING = 60;

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private WorldFile(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file of a world file: {@code world.json.lock} beside {@code world.json}. */
  public static Path lockFileOf(Path file) {
    return file.resolveSibling(file.getFileName() + ".lock");
  }

  /**
   * The world in {@code file}, for a command that only reads it.
   *
   * @throws IllegalArgumentException when there is none or it is not a world
   */
  public static TwinWorld read(Path file) {
    mustExist(file);
    return TwinWorld.read(file);
  }

  /**
   * Locks the existing world {@code file} for a command that changes it, waiting while another
   * command holds it; after 3 s {@code waiting} is told once what it waits for.
   *
   * @throws IllegalArgumentException when there is no world there or it is read-only
   */
  public static WorldFile lock(Path file, Consumer<String> waiting) {
    mustExist(file);
    mustBeWritable(file);
    return acquire(file, waiting);
  }

  /**
   * Locks {@code file} for a command that writes a new world there ({@code world reset}, {@code
   * demo --world}), creating its directory; an existing world there may be replaced, unless it is
   * read-only.
   */
  public static WorldFile create(Path file, Consumer<String> waiting) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(
          file + " is a directory; give the world file's path, e.g. " + file.resolve("world.json"));
    }
    if (Files.exists(file)) {
      mustBeWritable(file);
    }
    Path parent = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot create the directory " + parent + " for the world file " + file, e);
    }
    return acquire(file, waiting);
  }

  /** The world in the locked file. */
  public TwinWorld load() {
    return TwinWorld.read(file);
  }

  /** Writes {@code world} to the locked file (atomically: a crash never leaves half a file). */
  public void save(TwinWorld world) {
    world.save(file);
  }

  public Path path() {
    return file;
  }

  /** Releases the lock; the lock file stays (removing it would race with the next command). */
  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the lock on " + lockFileOf(file), e);
    }
  }

  private static void mustExist(Path file) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(
          file + " is a directory, not a world file; give the world file's path");
    }
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(
          "no world file "
              + file
              + "; start one with `copyscale world reset --world "
              + file
              + "` (only world reset creates a world)");
    }
  }

  /**
   * A read-only world is refused before anything runs: the atomic rename that saves a world would
   * otherwise replace it without a word (renaming needs only the directory's permission).
   */
  private static void mustBeWritable(Path file) {
    if (!Files.isWritable(file) || noWriteBit(file)) {
      throw new IllegalArgumentException(
          "the world file "
              + file
              + " is read-only, so copyscale leaves it as it is; make it writable (chmod u+w "
              + file
              + ") or name another with --world");
    }
  }

  /** Whether a POSIX file has no write permission for anyone (root may write it all the same). */
  private static boolean noWriteBit(Path file) {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      return !p.contains(PosixFilePermission.OWNER_WRITE)
          && !p.contains(PosixFilePermission.GROUP_WRITE)
          && !p.contains(PosixFilePermission.OTHERS_WRITE);
    } catch (UnsupportedOperationException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the permissions of " + file, e);
    }
  }

  private static WorldFile acquire(Path file, Consumer<String> waiting) {
    Path lockFile = lockFileOf(file);
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot lock the world file " + file + ": cannot open its lock file " + lockFile, e);
    }
    try {
      for (int tries = 1; ; tries++) {
        FileLock lock = tryLock(channel);
        if (lock != null) {
          return new WorldFile(file, channel, lock);
        }
        if (tries == TRIES_BEFORE_SAYING) {
          waiting.accept(
              "waiting for the world file "
                  + file
                  + ": another copyscale command is using it (it holds "
                  + lockFile
                  + "); this one goes on when that one ends");
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(channel);
      throw new IllegalStateException("stopped while waiting for the world file " + file, e);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock the world file " + file, e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /** The lock, or null while another process, or another thread of this one, holds it. */
  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException heldInThisJvm) {
      return null;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Closing after a failure: the failure is what the caller reports.
    }
  }
}
