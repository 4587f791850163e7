// See CVitKitSystem.h. Everything a handler touches is a fixed table of plain bytes: no malloc,
// no stdio, no locks taken inside a handler.
#define _GNU_SOURCE
#include "CVitKitSystem.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#endif

enum { TEMP_SLOTS = 64, MAP_SLOTS = 256, PATH_BYTES = 4096, PREFIX_BYTES = 64 };
enum { FREE = 0, CLAIMED = 1, READY = 2 };

struct temporary { atomic_int state; int is_directory; char path[PATH_BYTES]; };
struct mapping { atomic_int state; uintptr_t base; size_t length; char path[PATH_BYTES]; };

static struct temporary temporaries[TEMP_SLOTS];
static struct mapping mappings[MAP_SLOTS];
static char message_prefix[PREFIX_BYTES];
static pthread_mutex_t claim_lock = PTHREAD_MUTEX_INITIALIZER;

static int rename_with_flags(const char *from, const char *to, unsigned flags) {
#if defined(__linux__) && defined(SYS_renameat2)
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags);
#else
    (void)from; (void)to; (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}

int csystem_rename_exchange(const char *a, const char *b) { return rename_with_flags(a, b, 1u << 1 /* RENAME_EXCHANGE */); }

int csystem_rename_noreplace(const char *from, const char *to) { return rename_with_flags(from, to, 1u << 0 /* RENAME_NOREPLACE */); }

static int copy_path(char *dst, const char *src) {
    size_t n = strlen(src);
    if (n >= PATH_BYTES) return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

int csystem_remember_temporary(const char *path, int is_directory) {
    pthread_mutex_lock(&claim_lock);
    for (int i = 0; i < TEMP_SLOTS; i++) {
        if (atomic_load(&temporaries[i].state) != FREE) continue;
        atomic_store(&temporaries[i].state, CLAIMED);
        pthread_mutex_unlock(&claim_lock);
        if (copy_path(temporaries[i].path, path) != 0) { atomic_store(&temporaries[i].state, FREE); return -1; }
        temporaries[i].is_directory = is_directory;
        atomic_store(&temporaries[i].state, READY);
        return i;
    }
    pthread_mutex_unlock(&claim_lock);
    return -1;
}

void csystem_forget_temporary(int slot) {
    if (slot >= 0 && slot < TEMP_SLOTS) atomic_store(&temporaries[slot].state, FREE);
}

int csystem_remember_mapping(const void *base, size_t length, const char *path) {
    pthread_mutex_lock(&claim_lock);
    for (int i = 0; i < MAP_SLOTS; i++) {
        if (atomic_load(&mappings[i].state) != FREE) continue;
        atomic_store(&mappings[i].state, CLAIMED);
        pthread_mutex_unlock(&claim_lock);
        if (copy_path(mappings[i].path, path) != 0) { atomic_store(&mappings[i].state, FREE); return -1; }
        mappings[i].base = (uintptr_t)base;
        mappings[i].length = length;
        atomic_store(&mappings[i].state, READY);
        return i;
    }
    pthread_mutex_unlock(&claim_lock);
    return -1;
}

void csystem_forget_mapping(int slot) {
    if (slot >= 0 && slot < MAP_SLOTS) atomic_store(&mappings[slot].state, FREE);
}

#if defined(__linux__)
/// Unlinks the entries of a directory (files and links only; never follows a link), then
/// removes the directory. Uses getdents64 because opendir allocates.
static void remove_flat_directory(const char *path) {
    struct dirent64_header { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type; char name[]; };
    for (int pass = 0; pass < 4; pass++) {
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) return;
        char buffer[8192];
        int removed = 0;
        long n;
        while ((n = syscall(SYS_getdents64, fd, buffer, sizeof buffer)) > 0) {
            for (long at = 0; at < n;) {
                struct dirent64_header *e = (struct dirent64_header *)(buffer + at);
                at += e->reclen;
                if (strcmp(e->name, ".") == 0 || strcmp(e->name, "..") == 0) continue;
                if (unlinkat(fd, e->name, 0) == 0) removed++;
            }
        }
        close(fd);
        if (rmdir(path) == 0 || removed == 0) return;
    }
}
#else
static void remove_flat_directory(const char *path) { rmdir(path); }
#endif

/// Removes a temporary directory while other threads may still be writing into it: it is
/// first renamed (to PATH.x), so a file they create afterwards under the old path fails
/// instead of appearing in a directory already emptied.
static void remove_directory(const char *path) {
    static char moved[PATH_BYTES + 2];
    size_t n = strlen(path);
    if (n + 3 > sizeof moved) { remove_flat_directory(path); return; }
    memcpy(moved, path, n);
    memcpy(moved + n, ".x", 3);
    remove_flat_directory(rename(path, moved) == 0 ? moved : path);
}

void csystem_remove_temporaries(void) {
    for (int i = 0; i < TEMP_SLOTS; i++) {
        if (atomic_load(&temporaries[i].state) != READY) continue;
        if (temporaries[i].is_directory) remove_directory(temporaries[i].path);
        else unlink(temporaries[i].path);
    }
}

static void write_all(const char *text) {
    size_t n = strlen(text);
    while (n > 0) {
        ssize_t w = write(2, text, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        text += w;
        n -= (size_t)w;
    }
}

static void on_termination(int sig) {
    int saved = errno;
    csystem_remove_temporaries();
    errno = saved;
    raise(sig); // SA_RESETHAND restored the default action: delivered when this returns
}

static void on_bus_error(int sig, siginfo_t *info, void *context) {
    (void)context;
    uintptr_t address = (uintptr_t)info->si_addr;
    for (int i = 0; i < MAP_SLOTS; i++) {
        if (atomic_load(&mappings[i].state) != READY) continue;
        if (address < mappings[i].base || address - mappings[i].base >= mappings[i].length) continue;
        csystem_remove_temporaries();
        write_all(message_prefix);
        write_all(mappings[i].path);
        write_all(": the file changed while being read (it was truncated or replaced by another program); nothing was written\n");
        _exit(1);
    }
    // Not one of our mappings: a real fault. Let the default action happen on return.
    signal(sig, SIG_DFL);
}

static void install(int sig, struct sigaction *action) {
    struct sigaction old;
    if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN) return; // e.g. nohup
    sigaction(sig, action, NULL);
}

void csystem_install_handlers(const char *prefix) {
    if (prefix) {
        size_t n = strlen(prefix);
        if (n >= PREFIX_BYTES) n = PREFIX_BYTES - 1;
        memcpy(message_prefix, prefix, n);
        message_prefix[n] = 0;
    }
    struct sigaction term;
    memset(&term, 0, sizeof term);
    term.sa_handler = on_termination;
    term.sa_flags = SA_RESETHAND;
    sigfillset(&term.sa_mask);
    install(SIGINT, &term);
    install(SIGTERM, &term);
    install(SIGHUP, &term);

    struct sigaction bus;
    memset(&bus, 0, sizeof bus);
    bus.sa_sigaction = on_bus_error;
    bus.sa_flags = SA_SIGINFO;
    sigfillset(&bus.sa_mask);
    sigaction(SIGBUS, &bus, NULL);

    // A mask inherited from the parent (some spawners block signals in the thread that
    // forks) would hold these signals pending forever: unblock what is handled here.
    sigset_t handled;
    sigemptyset(&handled);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGHUP);
    sigaddset(&handled, SIGBUS);
    pthread_sigmask(SIG_UNBLOCK, &handled, NULL);
}

pid_t csystem_spawn_tied(const char *path, char *const argv[], int output_fd, int death_signal) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) return pid;  // the parent (or -1: fork failed)
#if defined(__linux__)
    if (prctl(PR_SET_PDEATHSIG, death_signal) != 0) _exit(126);
#else
    (void)death_signal;
#endif
    if (getppid() != parent) _exit(126);  // the parent died before prctl took effect
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    int reset[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGBUS };
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++) sigaction(reset[i], &dfl, NULL);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) { dup2(null_fd, 0); if (null_fd > 2) close(null_fd); }
    if (output_fd >= 0) { dup2(output_fd, 1); dup2(output_fd, 2); }
    // Nothing else is inherited: an open pipe to whoever reads this process's output would
    // otherwise stay open as long as the child lives.
#if defined(__linux__) && defined(SYS_close_range)
    if (syscall(SYS_close_range, 3u, ~0u, 0) != 0)
#endif
    {
        struct rlimit limit;
        long last = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 65536 ? (long)limit.rlim_cur : 65536;
        for (long fd = 3; fd < last; fd++) close((int)fd);
    }
    execv(path, argv);
    _exit(127);
}
