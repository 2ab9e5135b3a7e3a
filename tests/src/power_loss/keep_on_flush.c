// A disk that loses power: loaded with LD_PRELOAD into a process writing files under
// POWER_LOSS_DIR, it keeps for each such file what a disk is sure to hold after a power cut,
// the file as it stood at its last fsync/fdatasync, in "<file>.durable". The test that kills
// the process then puts those copies in place of the files (tests/src/power_loss.rs): whatever
// was written and never flushed is gone, as after a real power cut.
//
// The copy is made inside the flush call, before it returns: a process that goes on believing
// its data is on the disk finds it in the copy. Writes made while the copy is taken may land in
// it or not, as on a real disk. Flushes are serialised, so a later flush's copy never loses to
// an earlier one's. The real flush is skipped: the copy is the disk.
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t flushing = PTHREAD_MUTEX_INITIALIZER;

// Copies the whole of `from` to `to`; 0 on success.
static int copy_file(const char *from, const char *to) {
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) {
        close(in);
        return -1;
    }
    static char buf[1 << 16];
    int rc = 0;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n == 0) break;
        if (n < 0 || write(out, buf, (size_t)n) != n) {
            rc = -1;
            break;
        }
    }
    close(in);
    close(out);
    return rc;
}

// Makes the file open on `fd` durable: copies it to "<file>.durable" if it lies under
// POWER_LOSS_DIR. Other files and directories are not flushed at all: the process under test
// writes nothing else that matters.
static void keep(int fd) {
    const char *dir = getenv("POWER_LOSS_DIR");
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    struct stat st;
    if (!dir || n <= 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return;
    path[n] = 0;
    size_t dlen = strlen(dir);
    if (strncmp(path, dir, dlen) != 0 || path[dlen] != '/') return;
    char tmp[PATH_MAX + 32], durable[PATH_MAX + 32];
    snprintf(durable, sizeof durable, "%s.durable", path);
    snprintf(tmp, sizeof tmp, "%s.durable-new", path);
    pthread_mutex_lock(&flushing);
    int rc = copy_file(path, tmp) == 0 && rename(tmp, durable) == 0 ? 0 : -1;
    pthread_mutex_unlock(&flushing);
    if (rc != 0) {
        // A flush that cannot keep its file must not report success.
        fprintf(stderr, "keep_on_flush: cannot copy a flushed file\n");
        abort();
    }
}

int fsync(int fd) {
    keep(fd);
    return 0;
}

int fdatasync(int fd) {
    keep(fd);
    return 0;
}
