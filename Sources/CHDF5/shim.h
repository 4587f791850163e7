#ifndef VITKIT_CHDF5_SHIM_H
#define VITKIT_CHDF5_SHIM_H
#include <hdf5.h>
// Macros and versioned aliases Swift cannot import become static inline functions here.
// Filled by the HDF5 target's wrapper layer.
static inline hid_t chdf5_p_default(void) { return H5P_DEFAULT; }
static inline int chdf5_open(void) { return (int)H5open(); }
#endif
