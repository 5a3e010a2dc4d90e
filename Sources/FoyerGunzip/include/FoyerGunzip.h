#ifndef FOYER_GUNZIP_H
#define FOYER_GUNZIP_H

/// Decompresses the gzip file `source` into `destination` (created or truncated), or
/// copies it as is when it is not gzip-compressed (zlib's transparent reading).
/// Returns 0 on success; -1 when `source` cannot be opened, -2 when it is corrupt or
/// truncated, -3 when `destination` cannot be written, -4 when the output would pass
/// `max_bytes`.
int foyer_gunzip(const char *source, const char *destination, long long max_bytes);

#endif
