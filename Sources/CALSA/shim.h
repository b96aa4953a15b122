#include <alsa/asoundlib.h>

// alsa-lib prints its own errors to stderr through a variadic handler, which Swift can neither
// define nor pass. The engine reports device trouble once through its logger instead, so these
// helpers install (or restore) a handler that prints nothing.
static void calsa_ignore_error(const char *file, int line, const char *function, int err, const char *fmt, ...) {
    (void)file; (void)line; (void)function; (void)err; (void)fmt;
}

static inline int calsa_silence_errors(void) {
    return snd_lib_error_set_handler(calsa_ignore_error);
}

static inline int calsa_restore_errors(void) {
    return snd_lib_error_set_handler(NULL);
}
