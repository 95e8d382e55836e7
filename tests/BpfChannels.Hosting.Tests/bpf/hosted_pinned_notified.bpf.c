/* hosted_notified.bpf.c with every map pinned by name: a reload reuses the change ring, its lost counter and `counts`. */
#define HOSTED_PINNED
#include "hosted_notified.bpf.c"
