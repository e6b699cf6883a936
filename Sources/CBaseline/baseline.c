#include "baseline.h"
int lindyn_baseline_version(void) { return 1; }
