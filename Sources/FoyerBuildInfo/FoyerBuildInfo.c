#include "FoyerBuildInfo.h"

// Package.swift defines FOYER_COMMIT from FOYER_COMMIT or the checkout's HEAD; C is
// used because a C define can carry a value, a Swift compilation condition cannot.
#ifndef FOYER_COMMIT
#define FOYER_COMMIT "unknown"
#endif

const char *foyer_build_commit(void) { return FOYER_COMMIT; }
