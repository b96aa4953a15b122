// An LD_PRELOAD shim that makes fsync() and fdatasync() as slow as an SD card's: each call sleeps
// FSYNC_DELAY_MS milliseconds (default 50) before doing the real sync. Used by Benchmarks/daemon-latency.sh
// to show that a press never waits for the play log's sync.
//
//   cc -shared -fPIC -O2 -o fsync-delay.so Benchmarks/FsyncDelay/fsync_delay.c -ldl
//   LD_PRELOAD=$PWD/fsync-delay.so FSYNC_DELAY_MS=50 audiogid daemon ...
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>
#include <errno.h>

static void delay(void) {
    const char *text = getenv("FSYNC_DELAY_MS");
    long ms = text ? atol(text) : 50;
    struct timespec wait = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&wait, &wait) == -1 && errno == EINTR) {}
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    delay();
    return real(fd);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    delay();
    return real(fd);
}
