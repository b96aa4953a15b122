#include "audiogid_shim.h"
