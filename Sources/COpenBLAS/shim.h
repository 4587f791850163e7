#ifndef VITKIT_COPENBLAS_SHIM_H
#define VITKIT_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
