/* The wabt validator lives in validate/ (passes/ and packager/ both use
 * it). This forwarding header keeps packager/verify.c's include working
 * until that file includes "../validate/wabt.h" itself; then remove it. */
#include "../validate/wabt.h"
