// POSIX pieces Swift cannot express safely: signal handlers that only call
// async-signal-safe functions (a Swift closure may allocate, take locks or run lazy
// global initialisers), renameat2, which Swift's Glibc module does not import, and a
// fork/exec whose child dies with this process (code between fork and exec cannot be Swift).
#ifndef CVITKITSYSTEM_H
#define CVITKITSYSTEM_H

#include <stddef.h>
#include <sys/types.h>

/// Atomically exchanges two paths (renameat2 RENAME_EXCHANGE). Returns 0, or -1 with errno
/// (EINVAL / ENOSYS where the file system or kernel lacks it).
int csystem_rename_exchange(const char *a, const char *b);

/// Renames `from` to `to` unless something exists at `to` (renameat2 RENAME_NOREPLACE).
/// Returns 0, or -1 with errno (EEXIST when `to` exists; EINVAL / ENOSYS where the file
/// system or kernel lacks the flag).
int csystem_rename_noreplace(const char *from, const char *to);

/// Remembers a temporary output (a file, or a directory whose entries are files) to remove
/// if the process is ended by SIGINT, SIGTERM, SIGHUP or a mapped-file SIGBUS.
/// Returns a slot for csystem_forget_temporary, or -1 when the table is full.
int csystem_remember_temporary(const char *path, int is_directory);
void csystem_forget_temporary(int slot);

/// Remembers a read-only file mapping, so a SIGBUS inside it (the file shrank while mapped)
/// ends the process with one line naming the file instead of a crash.
/// Returns a slot for csystem_forget_mapping, or -1 when the table is full.
int csystem_remember_mapping(const void *base, size_t length, const char *path);
void csystem_forget_mapping(int slot);

/// Installs the handlers for SIGINT, SIGTERM, SIGHUP (remove temporaries, then die of the
/// same signal) and SIGBUS (inside a remembered mapping: message, remove temporaries,
/// exit status 1). `prefix` starts the SIGBUS message (e.g. "Error: ").
void csystem_install_handlers(const char *prefix);

/// Removes every remembered temporary now (also what the handlers do). Async-signal-safe.
void csystem_remove_temporaries(void);

/// Starts `path` with `argv` (NULL-terminated, argv[0] included) and the current environment
/// as a child tied to the calling thread: the child gets `death_signal` when that thread ends
/// (prctl PR_SET_PDEATHSIG: the process exiting or being killed, SIGKILL included), runs in
/// its own process group (kill(-pid, sig) reaches it and its children; a terminal's Ctrl-C
/// does not), has stdin on /dev/null, stdout and stderr on `output_fd` and no other file
/// descriptor open (close_range), and starts with
/// SIGINT, SIGTERM, SIGHUP and SIGPIPE at their default actions and no signal blocked.
/// Call it from a thread that outlives the child (one that then waits for it). Between fork
/// and exec the child calls only async-signal-safe functions. Returns the pid, or -1 with
/// errno if fork failed; an exec failure shows as exit status 127.
pid_t csystem_spawn_tied(const char *path, char *const argv[], int output_fd, int death_signal);

#endif
