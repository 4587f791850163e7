#ifndef VITKIT_CJPEG_SHIM_H
#define VITKIT_CJPEG_SHIM_H
#include <stdio.h>
#include <jpeglib.h>
#endif
