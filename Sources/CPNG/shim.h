#ifndef VITKIT_CPNG_SHIM_H
#define VITKIT_CPNG_SHIM_H
#include <png.h>
#endif
