#ifndef AUDIOGID_SHIM_H
#define AUDIOGID_SHIM_H
/* Kernel uAPI constants and helpers that Swift cannot import directly (function-like macros). */
#endif
