/* Prints the size and field offsets of the perf_event_open(2) structures and the epoll_event struct as the
 * machine's headers define them. Each line: <struct>.<field> <offset> <size>. */
#include <stddef.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <linux/perf_event.h>

#define F(type, field) printf(#type "." #field " %zu %zu\n", offsetof(struct type, field), sizeof(((struct type *)0)->field))
#define S(type) printf(#type ".sizeof 0 %zu\n", sizeof(struct type))

int main(void)
{
	F(perf_event_attr, type);
	F(perf_event_attr, size);
	F(perf_event_attr, config);
	F(perf_event_attr, sample_period);
	F(perf_event_attr, sample_type);
	F(perf_event_attr, read_format);
	F(perf_event_attr, wakeup_events);
	F(perf_event_attr, bp_type);
	F(perf_event_attr, config1);
	F(perf_event_attr, config2);
	F(perf_event_attr, branch_sample_type);
	F(perf_event_attr, sample_regs_user);
	F(perf_event_attr, sample_stack_user);
	F(perf_event_attr, clockid);
	F(perf_event_attr, sample_regs_intr);
	F(perf_event_attr, aux_watermark);
	F(perf_event_attr, sample_max_stack);
	F(perf_event_attr, aux_sample_size);
	F(perf_event_attr, sig_data);
	S(perf_event_attr);

	F(perf_event_mmap_page, version);
	F(perf_event_mmap_page, compat_version);
	F(perf_event_mmap_page, data_head);
	F(perf_event_mmap_page, data_tail);
	F(perf_event_mmap_page, data_offset);
	F(perf_event_mmap_page, data_size);

	F(perf_event_header, type);
	F(perf_event_header, misc);
	F(perf_event_header, size);
	S(perf_event_header);

	F(epoll_event, events);
	F(epoll_event, data);
	S(epoll_event);

	/* The flag bit the reader sets: 'disabled' is the first bit field after read_format. */
	struct perf_event_attr attr = { 0 };
	attr.disabled = 1;
	printf("perf_event_attr.disabled_bit 0 %llu\n", *(unsigned long long *)((char *)&attr + offsetof(struct perf_event_attr, read_format) + 8));
	printf("const.PERF_EVENT_IOC_ENABLE 0 %lu\n", (unsigned long)PERF_EVENT_IOC_ENABLE);
	printf("const.PERF_EVENT_IOC_DISABLE 0 %lu\n", (unsigned long)PERF_EVENT_IOC_DISABLE);
	printf("const.PERF_SAMPLE_RAW 0 %lu\n", (unsigned long)PERF_SAMPLE_RAW);
	printf("const.PERF_COUNT_SW_BPF_OUTPUT 0 %lu\n", (unsigned long)PERF_COUNT_SW_BPF_OUTPUT);
	printf("const.PERF_FLAG_FD_CLOEXEC 0 %lu\n", (unsigned long)PERF_FLAG_FD_CLOEXEC);
	return 0;
}
