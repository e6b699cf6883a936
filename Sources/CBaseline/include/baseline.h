#ifndef LINDYN_BASELINE_H
#define LINDYN_BASELINE_H
int lindyn_baseline_version(void);
#endif
