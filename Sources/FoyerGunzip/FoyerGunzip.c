#include "FoyerGunzip.h"

#include <stdio.h>
#include <zlib.h>

int foyer_gunzip(const char *source, const char *destination, long long max_bytes) {
    gzFile input = gzopen(source, "rb");
    if (input == NULL) return -1;
    FILE *output = fopen(destination, "wb");
    if (output == NULL) {
        gzclose(input);
        return -3;
    }
    static __thread char buffer[1 << 16];
    long long total = 0;
    int result = 0;
    for (;;) {
        int count = gzread(input, buffer, sizeof buffer);
        if (count < 0) { result = -2; break; }
        if (count == 0) {
            // gzread returns 0 at the end and on a truncated stream; gzerror tells which.
            int code = Z_OK;
            gzerror(input, &code);
            if (code != Z_OK && code != Z_STREAM_END) result = -2;
            break;
        }
        total += count;
        if (total > max_bytes) { result = -4; break; }
        if (fwrite(buffer, 1, (size_t)count, output) != (size_t)count) { result = -3; break; }
    }
    if (gzclose(input) != Z_OK && result == 0) result = -2;
    if (fclose(output) != 0 && result == 0) result = -3;
    return result;
}
