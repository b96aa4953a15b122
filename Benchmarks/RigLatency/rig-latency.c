// Press-to-sound latency on real drivers, measured in the rig's guest by one program and one clock.
//
// It records the loopback card's capture side (what the player under test plays to hw:Loopback,0,0), makes a
// press, and takes the CLOCK_MONOTONIC time of the press and of the first non-silent captured frame. A frame's
// time is when the card made it available: the read's status time stamp (CLOCK_MONOTONIC) minus the frames
// still waiting after it. Between presses it waits for the clip to end and for silence.
//
//   rig-latency gpio   SIM_GPIO_DIR PRESSES    a gpio-sim line: pull-down is a press, pull-up a release
//   rig-latency key    UINPUT_FD PRESSES       a uinput keypad (fd inherited): KP1, then Enter is the press
//   rig-latency socket SOCKET "CMD" PRESSES    an MPD-protocol command on a unix socket (audiogid or mpd)
//
// Prints one latency in milliseconds per line, then a summary line: "p50 P p90 P p99 P min M max M n N".
#include <alsa/asoundlib.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum { RATE = 48000, CHANNELS = 2, PERIOD = 48, THRESHOLD = 300 };

static snd_pcm_t *pcm;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void die(const char *what, const char *detail) {
    fprintf(stderr, "rig-latency: %s: %s\n", what, detail);
    exit(1);
}

static void open_capture(void) {
    int err = snd_pcm_open(&pcm, "hw:Loopback,1,0", SND_PCM_STREAM_CAPTURE, 0);
    if (err < 0) die("open hw:Loopback,1,0", snd_strerror(err));
    snd_pcm_hw_params_t *hw;
    snd_pcm_hw_params_alloca(&hw);
    snd_pcm_hw_params_any(pcm, hw);
    snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED);
    snd_pcm_hw_params_set_format(pcm, hw, SND_PCM_FORMAT_S16_LE);
    snd_pcm_hw_params_set_channels(pcm, hw, CHANNELS);
    snd_pcm_hw_params_set_rate(pcm, hw, RATE, 0);
    snd_pcm_uframes_t period = PERIOD, buffer = RATE / 5;
    snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, 0);
    snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer);
    if ((err = snd_pcm_hw_params(pcm, hw)) < 0) die("capture format", snd_strerror(err));
    snd_pcm_sw_params_t *sw;
    snd_pcm_sw_params_alloca(&sw);
    snd_pcm_sw_params_current(pcm, sw);
    snd_pcm_sw_params_set_tstamp_mode(pcm, sw, SND_PCM_TSTAMP_ENABLE);
    snd_pcm_sw_params_set_tstamp_type(pcm, sw, SND_PCM_TSTAMP_TYPE_MONOTONIC);
    snd_pcm_sw_params_set_avail_min(pcm, sw, 1);
    if ((err = snd_pcm_sw_params(pcm, sw)) < 0) die("capture time stamps", snd_strerror(err));
    snd_pcm_start(pcm);
}

// Reads what is captured; returns the time (ms) of the first frame louder than the threshold, or -1.
static double read_chunk(int *loud) {
    static int16_t frames[4800 * CHANNELS];
    *loud = 0;
    snd_pcm_wait(pcm, 1000);
    snd_pcm_sframes_t n = snd_pcm_avail_update(pcm);
    if (n >= 0) n = n == 0 ? 0 : snd_pcm_readi(pcm, frames, n < 4800 ? n : 4800);
    if (n == 0) return -1;
    if (n < 0) {
        snd_pcm_recover(pcm, (int)n, 1);
        snd_pcm_start(pcm);
        return -1;
    }
    snd_pcm_status_t *status;
    snd_pcm_status_alloca(&status);
    snd_pcm_status(pcm, status);
    snd_htimestamp_t stamp;
    snd_pcm_status_get_htstamp(status, &stamp);
    double stamp_ms = stamp.tv_sec * 1e3 + stamp.tv_nsec / 1e6;
    snd_pcm_sframes_t waiting = snd_pcm_status_get_avail(status);
    for (snd_pcm_sframes_t i = 0; i < n; i++) {
        int left = frames[i * CHANNELS], right = frames[i * CHANNELS + 1];
        if (abs(left) > THRESHOLD || abs(right) > THRESHOLD) {
            *loud = 1;
            // Frame i became available this many frames before the stamp's hardware position.
            return stamp_ms - (double)(waiting + (n - i)) * 1e3 / RATE;
        }
    }
    return -1;
}

// Reads until `quiet_ms` of continuous silence, or fails after `limit_ms`.
static void wait_for_silence(double quiet_ms, double limit_ms) {
    double start = now_ms(), quiet_since = now_ms();
    for (;;) {
        int loud;
        read_chunk(&loud);
        double t = now_ms();
        if (loud) quiet_since = t;
        if (t - quiet_since >= quiet_ms) return;
        if (t - start > limit_ms) die("waiting for silence", "the player never went quiet");
    }
}

static void write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY);
    if (fd < 0 || write(fd, text, strlen(text)) < 0) die(path, strerror(errno));
    close(fd);
}

static void key(int fd, int code, int value) {
    struct input_event ev[2];
    memset(ev, 0, sizeof ev);
    ev[0].type = EV_KEY, ev[0].code = code, ev[0].value = value;
    ev[1].type = EV_SYN, ev[1].code = SYN_REPORT;
    if (write(fd, ev, sizeof ev) != sizeof ev) die("uinput write", strerror(errno));
}

static int unix_connect(const char *path) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) die(path, strerror(errno));
    return fd;
}

// Reads an MPD reply up to its final "OK\n" or "ACK" line.
static void read_reply(int fd) {
    char buf[4096];
    size_t used = 0;
    for (;;) {
        ssize_t n = read(fd, buf + used, sizeof buf - 1 - used);
        if (n <= 0) die("control socket", "closed");
        used += (size_t)n;
        buf[used] = 0;
        if (strstr(buf, "ACK")) die("control socket refused", buf);
        if ((used >= 3 && !strcmp(buf + used - 3, "OK\n")) || !strncmp(buf, "OK MPD", 6)) return;
    }
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 4) die("usage", "gpio DIR N | key FD N | socket PATH CMD N");
    const char *mode = argv[1];
    int presses = atoi(argv[argc - 1]);
    char pull[512];
    int fd = -1;
    if (!strcmp(mode, "gpio")) {
        snprintf(pull, sizeof pull, "%s/pull", argv[2]);
    } else if (!strcmp(mode, "key")) {
        fd = atoi(argv[2]);
    } else if (!strcmp(mode, "socket") && argc == 5) {
    } else {
        die("usage", "gpio DIR N | key FD N | socket PATH CMD N");
    }
    double *latency = calloc(presses, sizeof *latency);
    open_capture();
    wait_for_silence(300, 20000);
    for (int p = 0; p < presses; p++) {
        int sock = -1;
        char command[256];
        if (!strcmp(mode, "socket")) {
            sock = unix_connect(argv[2]);
            read_reply(sock);  // the greeting
            snprintf(command, sizeof command, "%s\n", argv[3]);
        } else if (!strcmp(mode, "key")) {
            key(fd, KEY_KP1, 1);
            key(fd, KEY_KP1, 0);
        }
        // Drain what is already captured (silence), so the first loud frame found is the press's.
        int loud;
        while (snd_pcm_avail_update(pcm) > 0) read_chunk(&loud);
        double pressed = now_ms();
        if (!strcmp(mode, "gpio")) write_file(pull, "pull-down");
        else if (!strcmp(mode, "key")) key(fd, KEY_KPENTER, 1);
        else if (write(sock, command, strlen(command)) < 0) die("control socket", strerror(errno));
        double heard = -1;
        while (heard < 0) {
            heard = read_chunk(&loud);
            if (now_ms() - pressed > 30000) die("press", "no sound within 30 s");
        }
        latency[p] = heard - pressed;
        printf("%.2f\n", latency[p]);
        fflush(stdout);
        if (!strcmp(mode, "gpio")) write_file(pull, "pull-up");
        else if (!strcmp(mode, "key")) key(fd, KEY_KPENTER, 0);
        else {
            read_reply(sock);
            close(sock);
        }
        wait_for_silence(150, 20000);
    }
    qsort(latency, presses, sizeof *latency, compare);
    int p99 = (int)(0.99 * (presses - 1) + 0.5);
    printf("p50 %.1f p90 %.1f p99 %.1f min %.1f max %.1f n %d\n", latency[presses / 2],
           latency[(int)(0.9 * (presses - 1) + 0.5)], latency[p99], latency[0], latency[presses - 1], presses);
    return 0;
}
