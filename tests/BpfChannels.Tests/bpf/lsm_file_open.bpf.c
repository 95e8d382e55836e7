/* An LSM program on file_open: the kernel this suite runs on refuses LSM loads with EPERM even to root, which the tests use to
 * check that such a refusal is explained as the kernel's, and that BpfFeatures reports it. */
#include "bpfchannels.h"

SEC("lsm/file_open")
int on_file_open(void *ctx)
{
	return 0;
}

char _license[] SEC("license") = "GPL";
