#include "audiogid_shim.h"
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stddef.h>
#include <string.h>

int audiogid_openpty(int *primary, int *secondary, char name[64]) {
    /* openpty's name buffer has no length: glibc writes at most what ttyname_r would, which fits 64 for /dev/pts/N. */
    if (openpty(primary, secondary, name, NULL, NULL) < 0) return -1;
    /* Close-on-exec, as every other descriptor here: a program started meanwhile must not hold either end (an
       inherited primary keeps the terminal from hanging up when its owner closes it). */
    fcntl(*primary, F_SETFD, FD_CLOEXEC);
    fcntl(*secondary, F_SETFD, FD_CLOEXEC);
    return 0;
}

int audiogid_gpio_chip_describe(int chip_fd, char name[32], char label[32], uint32_t *lines) {
    struct gpiochip_info info;
    memset(&info, 0, sizeof info);
    if (ioctl(chip_fd, GPIO_GET_CHIPINFO_IOCTL, &info) < 0) return -1;
    memcpy(name, info.name, 32);
    memcpy(label, info.label, 32);
    name[31] = 0;
    label[31] = 0;
    *lines = info.lines;
    return 0;
}

int audiogid_gpio_line_name(int chip_fd, uint32_t offset, char name[32]) {
    struct gpio_v2_line_info info;
    memset(&info, 0, sizeof info);
    info.offset = offset;
    if (ioctl(chip_fd, GPIO_V2_GET_LINEINFO_IOCTL, &info) < 0) return -1;
    memcpy(name, info.name, 32);
    name[31] = 0;
    return 0;
}

static void fill_request(struct gpio_v2_line_request *request, const uint32_t *offsets, uint32_t count,
                         uint64_t flags, const char *consumer) {
    memset(request, 0, sizeof *request);
    for (uint32_t i = 0; i < count; i++) request->offsets[i] = offsets[i];
    strncpy(request->consumer, consumer, GPIO_MAX_NAME_SIZE - 1);
    request->num_lines = count;
    request->config.flags = flags;
}

int audiogid_gpio_request_inputs(int chip_fd, const uint32_t *offsets, uint32_t count, uint64_t flags,
                                 uint32_t debounce_us, const char *consumer) {
    if (count == 0 || count > GPIO_V2_LINES_MAX) { errno = EINVAL; return -1; }
    struct gpio_v2_line_request request;
    fill_request(&request, offsets, count, flags, consumer);
    if (debounce_us > 0) {
        request.config.num_attrs = 1;
        request.config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_DEBOUNCE;
        request.config.attrs[0].attr.debounce_period_us = debounce_us;
        request.config.attrs[0].mask = (count == 64) ? ~0ULL : ((1ULL << count) - 1);
    }
    if (ioctl(chip_fd, GPIO_V2_GET_LINE_IOCTL, &request) < 0) return -1;
    return request.fd;
}

int audiogid_gpio_request_outputs(int chip_fd, const uint32_t *offsets, uint32_t count, uint64_t flags,
                                  const char *consumer) {
    if (count == 0 || count > GPIO_V2_LINES_MAX) { errno = EINVAL; return -1; }
    struct gpio_v2_line_request request;
    fill_request(&request, offsets, count, flags, consumer);
    if (ioctl(chip_fd, GPIO_V2_GET_LINE_IOCTL, &request) < 0) return -1;
    return request.fd;
}

int audiogid_gpio_write(int request_fd, uint64_t bits, uint64_t mask) {
    struct gpio_v2_line_values values = { .bits = bits, .mask = mask };
    return ioctl(request_fd, GPIO_V2_LINE_SET_VALUES_IOCTL, &values);
}
