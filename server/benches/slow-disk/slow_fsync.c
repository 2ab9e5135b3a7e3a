// Emulates a slower disk for the load bench: every fsync and fdatasync of the process takes
// SLOW_FSYNC_US more microseconds (default 2000, the order of a network volume's flush).
//
//   gcc -O2 -shared -fPIC -o /tmp/slow_fsync.so server/benches/slow-disk/slow_fsync.c -ldl
//   LD_PRELOAD=/tmp/slow_fsync.so SLOW_FSYNC_US=2000 PASSERELLE_LOAD_STORES=sqlite \
//       cargo bench -p passerelle-server --bench load
//
// SQLite and the server's flush both call the C library's fsync/fdatasync, so both pay it.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static void slow_down(void) {
    const char *v = getenv("SLOW_FSYNC_US");
    long us = v ? atol(v) : 2000;
    struct timespec t = { us / 1000000, (us % 1000000) * 1000 };
    nanosleep(&t, NULL);
}

// The C library's own call, then the extra time.
#define SLOWED(name)                                              \
    int name(int fd) {                                            \
        static int (*real)(int);                                  \
        if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, #name);  \
        int r = real(fd);                                         \
        slow_down();                                              \
        return r;                                                 \
    }

SLOWED(fsync)
SLOWED(fdatasync)
