#ifndef AUDIOGID_SHIM_H
#define AUDIOGID_SHIM_H
/* Kernel uAPI constants and helpers that Swift cannot import directly: the ioctl request numbers are
 * function-like macros (_IOWR(...)), and ioctl(2) itself is variadic, so Swift can call neither.
 * Every symbol is prefixed with audiogid_ (as swift-nio's CNIOLinux does) so nothing clashes with Glibc. */

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <linux/gpio.h>
#include <linux/input.h>

/* ---- GPIO character device, uAPI v2 (Linux >= 5.10). ---- */

static const unsigned long audiogid_GPIO_GET_CHIPINFO_IOCTL = GPIO_GET_CHIPINFO_IOCTL;
static const unsigned long audiogid_GPIO_V2_GET_LINEINFO_IOCTL = GPIO_V2_GET_LINEINFO_IOCTL;
static const unsigned long audiogid_GPIO_V2_GET_LINE_IOCTL = GPIO_V2_GET_LINE_IOCTL;
static const unsigned long audiogid_GPIO_V2_LINE_SET_VALUES_IOCTL = GPIO_V2_LINE_SET_VALUES_IOCTL;
static const unsigned long audiogid_EVIOCGRAB = EVIOCGRAB;

static const uint64_t audiogid_GPIO_V2_LINE_FLAG_ACTIVE_LOW = GPIO_V2_LINE_FLAG_ACTIVE_LOW;
static const uint64_t audiogid_GPIO_V2_LINE_FLAG_INPUT = GPIO_V2_LINE_FLAG_INPUT;
static const uint64_t audiogid_GPIO_V2_LINE_FLAG_OUTPUT = GPIO_V2_LINE_FLAG_OUTPUT;
static const uint64_t audiogid_GPIO_V2_LINE_FLAG_EDGE_RISING = GPIO_V2_LINE_FLAG_EDGE_RISING;
static const uint64_t audiogid_GPIO_V2_LINE_FLAG_EDGE_FALLING = GPIO_V2_LINE_FLAG_EDGE_FALLING;
static const uint64_t audiogid_GPIO_V2_LINE_FLAG_BIAS_PULL_UP = GPIO_V2_LINE_FLAG_BIAS_PULL_UP;
static const uint64_t audiogid_GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN = GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN;
static const uint64_t audiogid_GPIO_V2_LINE_FLAG_BIAS_DISABLED = GPIO_V2_LINE_FLAG_BIAS_DISABLED;
static const uint32_t audiogid_GPIO_V2_LINE_ATTR_ID_DEBOUNCE = GPIO_V2_LINE_ATTR_ID_DEBOUNCE;
static const uint32_t audiogid_GPIO_V2_LINE_EVENT_RISING_EDGE = GPIO_V2_LINE_EVENT_RISING_EDGE;
static const uint32_t audiogid_GPIO_V2_LINE_EVENT_FALLING_EDGE = GPIO_V2_LINE_EVENT_FALLING_EDGE;

/* Sizes as the kernel sees them, so tests can check the Swift decoders agree with the C layout. */
static inline size_t audiogid_gpio_v2_line_event_size(void) { return sizeof(struct gpio_v2_line_event); }
static inline size_t audiogid_gpio_v2_line_request_size(void) { return sizeof(struct gpio_v2_line_request); }
static inline size_t audiogid_input_event_size(void) { return sizeof(struct input_event); }
static inline size_t audiogid_gpio_v2_line_event_offset_of_id(void) { return offsetof(struct gpio_v2_line_event, id); }
static inline size_t audiogid_gpio_v2_line_event_offset_of_offset(void) { return offsetof(struct gpio_v2_line_event, offset); }
static inline size_t audiogid_gpio_v2_line_event_offset_of_seqno(void) { return offsetof(struct gpio_v2_line_event, seqno); }
static inline size_t audiogid_input_event_offset_of_type(void) { return offsetof(struct input_event, type); }
static inline size_t audiogid_input_event_offset_of_value(void) { return offsetof(struct input_event, value); }

/* The ioctls themselves. These are the only calls that need a real chip; they can be checked only on hardware (there is no GPIO chip in CI). */
static inline int audiogid_gpio_chip_info(int fd, struct gpiochip_info *info) {
    return ioctl(fd, GPIO_GET_CHIPINFO_IOCTL, info);
}
static inline int audiogid_gpio_line_info(int fd, struct gpio_v2_line_info *info) {
    return ioctl(fd, GPIO_V2_GET_LINEINFO_IOCTL, info);
}
static inline int audiogid_gpio_request_lines(int fd, struct gpio_v2_line_request *request) {
    return ioctl(fd, GPIO_V2_GET_LINE_IOCTL, request);
}
static inline int audiogid_gpio_set_values(int fd, struct gpio_v2_line_values *values) {
    return ioctl(fd, GPIO_V2_LINE_SET_VALUES_IOCTL, values);
}

/* Whole line requests, built in C where the kernel's unions and fixed arrays are native (Swift imports
 * them as tuples). Each returns the request fd, or -1 with errno set. Checkable only on hardware. */
int audiogid_gpio_chip_describe(int chip_fd, char name[32], char label[32], uint32_t *lines);
int audiogid_gpio_line_name(int chip_fd, uint32_t offset, char name[32]);
int audiogid_gpio_request_inputs(int chip_fd, const uint32_t *offsets, uint32_t count, uint64_t flags,
                                 uint32_t debounce_us, const char *consumer);
int audiogid_gpio_request_outputs(int chip_fd, const uint32_t *offsets, uint32_t count, uint64_t flags,
                                  const char *consumer);
/* Sets the lines whose bit is in mask (bit i = i-th requested line) to the matching bit of bits. */
int audiogid_gpio_write(int request_fd, uint64_t bits, uint64_t mask);

/* ---- evdev ---- */
static inline int audiogid_evdev_grab(int fd, int grab) { return ioctl(fd, EVIOCGRAB, grab); }
static inline int audiogid_evdev_name(int fd, char *buffer, size_t length) {
    return ioctl(fd, EVIOCGNAME(length), buffer);
}

/* ---- terminals ---- */
/* openpty(3) lives in <pty.h> and ptsname(3) needs _XOPEN_SOURCE, neither of which the Glibc module exports;
 * tests and `gps simulate --pty` need both. name receives the secondary side's path (/dev/pts/N). */
int audiogid_openpty(int *primary, int *secondary, char name[64]);

#endif
