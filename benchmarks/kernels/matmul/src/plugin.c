/*
 * matmul: a floating-point kernel for the speed benchmarks (docs/benchmarks.md, "Compute kernels").
 * The payload N (decimal, at most 320) is a matrix size: fills two N x N matrices of doubles in linear
 * memory, multiplies them (i-k-j loops), then runs 40 steps of a damped Jacobi-style smoothing over the
 * product. f64 loads and stores in tight loops, a few arithmetic operations per access.
 * Answers the sum and the trace of the result, printed with 6 significant digits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fluent_plugin.h"

#define MAX 320

static double a[MAX * MAX];
static double b[MAX * MAX];
static double c[MAX * MAX];
static char answer[96];

static int handle(const fluent_request *request, fluent_response *response) {
    long n = strtol(request->payload, NULL, 10);
    if (n < 2 || n > MAX) {
        return fluent_fail(response, "BAD_PAYLOAD", "send a matrix size between 2 and 320");
    }
    for (long i = 0; i < n; i++) {
        for (long j = 0; j < n; j++) {
            a[i * n + j] = (double) ((i * 7 + j * 3) % 17) / 17.0 - 0.5;
            b[i * n + j] = (double) ((i * 5 + j * 11) % 13) / 13.0 + 0.25;
            c[i * n + j] = 0.0;
        }
    }
    for (long i = 0; i < n; i++) {
        for (long k = 0; k < n; k++) {
            double aik = a[i * n + k];
            for (long j = 0; j < n; j++) {
                c[i * n + j] += aik * b[k * n + j];
            }
        }
    }
    for (int step = 0; step < 40; step++) {
        for (long i = 1; i < n - 1; i++) {
            for (long j = 1; j < n - 1; j++) {
                double around = c[(i - 1) * n + j] + c[(i + 1) * n + j] + c[i * n + j - 1] + c[i * n + j + 1];
                a[i * n + j] = 0.5 * c[i * n + j] + 0.125 * around;
            }
        }
        memcpy(c, a, sizeof(double) * (size_t) (n * n));
    }
    double sum = 0, trace = 0;
    for (long i = 0; i < n; i++) {
        trace += c[i * n + i];
        for (long j = 0; j < n; j++) sum += c[i * n + j];
    }
    snprintf(answer, sizeof answer, "sum=%.6g trace=%.6g", sum, trace);
    response->content = answer;
    response->model = "matmul";
    response->finish_reason = "stop";
    return 0;
}

FLUENT_PLUGIN(handle)
