/* An fentry program: the kernel this suite runs on refuses fentry loads with EPERM even to root, which the
 * error tests use to check that such a refusal is explained as the kernel's, not as missing privileges. */
#include "bpfchannels.h"

SEC("fentry/do_nanosleep")
int on_nanosleep(void *ctx)
{
	return 0;
}
