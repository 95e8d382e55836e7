/* Prints the size and field offsets of every struct the Objects layer passes to libbpf or bpf(2), as the machine's
 * headers (/usr/include/bpf/libbpf.h, linux/bpf.h, linux/btf.h) define them. Each line: <struct>.<field> <offset> <size>. */
#include <stddef.h>
#include <stdio.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <bpf/libbpf.h>

#define A(family, field) printf(#family "." #field " %zu %zu\n", offsetof(union bpf_attr, field), sizeof(((union bpf_attr *)0)->field))
#define S(type, family, field) printf(#family "." #field " %zu %zu\n", offsetof(type, field), sizeof(((type *)0)->field))
#define SIZE(type, family) printf(#family ".sizeof 0 %zu\n", sizeof(type))

int main(void)
{
	SIZE(struct bpf_object_open_opts, bpf_object_open_opts);
	S(struct bpf_object_open_opts, bpf_object_open_opts, sz);
	S(struct bpf_object_open_opts, bpf_object_open_opts, object_name);
	S(struct bpf_object_open_opts, bpf_object_open_opts, relaxed_maps);
	S(struct bpf_object_open_opts, bpf_object_open_opts, pin_root_path);
	S(struct bpf_object_open_opts, bpf_object_open_opts, kconfig);
	S(struct bpf_object_open_opts, bpf_object_open_opts, btf_custom_path);
	S(struct bpf_object_open_opts, bpf_object_open_opts, kernel_log_buf);
	S(struct bpf_object_open_opts, bpf_object_open_opts, kernel_log_size);
	S(struct bpf_object_open_opts, bpf_object_open_opts, kernel_log_level);

	SIZE(struct bpf_uprobe_opts, bpf_uprobe_opts);
	S(struct bpf_uprobe_opts, bpf_uprobe_opts, sz);
	S(struct bpf_uprobe_opts, bpf_uprobe_opts, ref_ctr_offset);
	S(struct bpf_uprobe_opts, bpf_uprobe_opts, bpf_cookie);
	S(struct bpf_uprobe_opts, bpf_uprobe_opts, retprobe);
	S(struct bpf_uprobe_opts, bpf_uprobe_opts, func_name);

	SIZE(struct bpf_tc_hook, bpf_tc_hook);
	S(struct bpf_tc_hook, bpf_tc_hook, sz);
	S(struct bpf_tc_hook, bpf_tc_hook, ifindex);
	S(struct bpf_tc_hook, bpf_tc_hook, attach_point);
	S(struct bpf_tc_hook, bpf_tc_hook, parent);
	SIZE(struct bpf_tc_opts, bpf_tc_opts);
	S(struct bpf_tc_opts, bpf_tc_opts, sz);
	S(struct bpf_tc_opts, bpf_tc_opts, prog_fd);
	S(struct bpf_tc_opts, bpf_tc_opts, flags);
	S(struct bpf_tc_opts, bpf_tc_opts, prog_id);
	S(struct bpf_tc_opts, bpf_tc_opts, handle);
	S(struct bpf_tc_opts, bpf_tc_opts, priority);

	SIZE(struct btf_type, btf_type);
	S(struct btf_type, btf_type, name_off);
	S(struct btf_type, btf_type, info);
	S(struct btf_type, btf_type, size);
	SIZE(struct btf_var_secinfo, btf_var_secinfo);
	S(struct btf_var_secinfo, btf_var_secinfo, type);
	S(struct btf_var_secinfo, btf_var_secinfo, offset);
	S(struct btf_var_secinfo, btf_var_secinfo, size);

	A(bpf_attr_test_run, test.prog_fd);
	A(bpf_attr_test_run, test.retval);
	A(bpf_attr_test_run, test.data_size_in);
	A(bpf_attr_test_run, test.data_size_out);
	A(bpf_attr_test_run, test.data_in);
	A(bpf_attr_test_run, test.data_out);
	A(bpf_attr_test_run, test.repeat);
	A(bpf_attr_test_run, test.duration);
	A(bpf_attr_test_run, test.ctx_size_in);
	A(bpf_attr_test_run, test.ctx_size_out);
	A(bpf_attr_test_run, test.ctx_in);
	A(bpf_attr_test_run, test.ctx_out);
	A(bpf_attr_test_run, test.flags);
	A(bpf_attr_test_run, test.cpu);
	A(bpf_attr_test_run, test.batch_size);

	/* tcx (6.6) overlays the "tracing" member: relative_fd on target_btf_id, expected_revision on cookie. */
	A(bpf_attr_link_create, link_create.prog_fd);
	A(bpf_attr_link_create, link_create.target_ifindex);
	A(bpf_attr_link_create, link_create.attach_type);
	A(bpf_attr_link_create, link_create.flags);
	A(bpf_attr_link_create, link_create.tracing.target_btf_id);
	A(bpf_attr_link_create, link_create.tracing.cookie);

	A(bpf_attr_link_create_target, link_create.prog_fd);
	A(bpf_attr_link_create_target, link_create.target_fd);
	A(bpf_attr_link_create_target, link_create.attach_type);
	A(bpf_attr_link_create_target, link_create.flags);

	A(bpf_attr_link_create_iter, link_create.prog_fd);
	A(bpf_attr_link_create_iter, link_create.target_fd);
	A(bpf_attr_link_create_iter, link_create.attach_type);
	A(bpf_attr_link_create_iter, link_create.flags);
	A(bpf_attr_link_create_iter, link_create.iter_info);
	A(bpf_attr_link_create_iter, link_create.iter_info_len);

	A(bpf_attr_link_create_perf_event, link_create.prog_fd);
	A(bpf_attr_link_create_perf_event, link_create.target_fd);
	A(bpf_attr_link_create_perf_event, link_create.attach_type);
	A(bpf_attr_link_create_perf_event, link_create.flags);
	A(bpf_attr_link_create_perf_event, link_create.perf_event.bpf_cookie);

	A(bpf_attr_link_create_kprobe_multi, link_create.prog_fd);
	A(bpf_attr_link_create_kprobe_multi, link_create.target_fd);
	A(bpf_attr_link_create_kprobe_multi, link_create.attach_type);
	A(bpf_attr_link_create_kprobe_multi, link_create.flags);
	/* Named apart from link_create.flags, which the C# struct has too. */
	printf("bpf_attr_link_create_kprobe_multi.kprobe_multi_flags %zu %zu\n", offsetof(union bpf_attr, link_create.kprobe_multi.flags), sizeof(((union bpf_attr *)0)->link_create.kprobe_multi.flags));
	A(bpf_attr_link_create_kprobe_multi, link_create.kprobe_multi.cnt);
	A(bpf_attr_link_create_kprobe_multi, link_create.kprobe_multi.syms);
	A(bpf_attr_link_create_kprobe_multi, link_create.kprobe_multi.addrs);
	A(bpf_attr_link_create_kprobe_multi, link_create.kprobe_multi.cookies);

	A(bpf_attr_iter_create, iter_create.link_fd);
	A(bpf_attr_iter_create, iter_create.flags);

	SIZE(union bpf_iter_link_info, bpf_iter_link_info);
	S(union bpf_iter_link_info, bpf_iter_link_info, map.map_fd);
	S(union bpf_iter_link_info, bpf_iter_link_info, cgroup.order);
	S(union bpf_iter_link_info, bpf_iter_link_info, cgroup.cgroup_fd);
	S(union bpf_iter_link_info, bpf_iter_link_info, cgroup.cgroup_id);
	S(union bpf_iter_link_info, bpf_iter_link_info, task.tid);
	S(union bpf_iter_link_info, bpf_iter_link_info, task.pid);
	S(union bpf_iter_link_info, bpf_iter_link_info, task.pid_fd);

	SIZE(struct bpf_usdt_opts, bpf_usdt_opts);
	S(struct bpf_usdt_opts, bpf_usdt_opts, sz);
	S(struct bpf_usdt_opts, bpf_usdt_opts, usdt_cookie);

	SIZE(struct bpf_kprobe_multi_opts, bpf_kprobe_multi_opts);
	S(struct bpf_kprobe_multi_opts, bpf_kprobe_multi_opts, sz);
	S(struct bpf_kprobe_multi_opts, bpf_kprobe_multi_opts, syms);
	S(struct bpf_kprobe_multi_opts, bpf_kprobe_multi_opts, addrs);
	S(struct bpf_kprobe_multi_opts, bpf_kprobe_multi_opts, cookies);
	S(struct bpf_kprobe_multi_opts, bpf_kprobe_multi_opts, cnt);
	S(struct bpf_kprobe_multi_opts, bpf_kprobe_multi_opts, retprobe);

	A(bpf_attr_raw_tracepoint, raw_tracepoint.name);
	A(bpf_attr_raw_tracepoint, raw_tracepoint.prog_fd);

	A(bpf_attr_prog_load, prog_type);
	A(bpf_attr_prog_load, insn_cnt);
	A(bpf_attr_prog_load, insns);
	A(bpf_attr_prog_load, license);
	A(bpf_attr_prog_load, log_level);
	A(bpf_attr_prog_load, log_size);
	A(bpf_attr_prog_load, log_buf);
	A(bpf_attr_prog_load, kern_version);
	A(bpf_attr_prog_load, prog_flags);
	A(bpf_attr_prog_load, prog_name);
	A(bpf_attr_prog_load, prog_ifindex);
	A(bpf_attr_prog_load, expected_attach_type);
	A(bpf_attr_prog_load, prog_btf_fd);
	A(bpf_attr_prog_load, func_info_rec_size);
	A(bpf_attr_prog_load, func_info);
	A(bpf_attr_prog_load, func_info_cnt);
	A(bpf_attr_prog_load, line_info_rec_size);
	A(bpf_attr_prog_load, line_info);
	A(bpf_attr_prog_load, line_info_cnt);
	A(bpf_attr_prog_load, attach_btf_id);
	A(bpf_attr_prog_load, attach_prog_fd);
	A(bpf_attr_prog_load, core_relo_cnt);
	A(bpf_attr_prog_load, fd_array);
	A(bpf_attr_prog_load, core_relos);
	A(bpf_attr_prog_load, core_relo_rec_size);
	return 0;
}
