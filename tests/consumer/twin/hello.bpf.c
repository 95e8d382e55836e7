#include "bpfchannels.h"

SEC("syscall")
int hello(void *ctx)
{
	return 7;
}

char LICENSE[] SEC("license") = "GPL";
