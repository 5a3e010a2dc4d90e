#ifndef FOYER_BUILD_INFO_H
#define FOYER_BUILD_INFO_H

/// The commit the binary was built from (12 hex digits, "-dirty" with uncommitted
/// changes), or "unknown" when built outside a git checkout without FOYER_COMMIT.
const char *foyer_build_commit(void);

#endif
