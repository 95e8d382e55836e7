/* Prints the size and field offsets of the bpf(2) structures as the machine's linux/bpf.h defines them.
 * Each line: <struct>.<field> <offset> <size>; the C# layout test compares them with the interop structs. */
#include <stddef.h>
#include <stdio.h>
#include <linux/bpf.h>
#include <linux/stat.h>

#define A(family, field) printf(#family "." #field " %zu %zu\n", offsetof(union bpf_attr, field), sizeof(((union bpf_attr *)0)->field))
#define C(cmd) printf("bpf_cmd." #cmd " %d 0\n", (int)cmd)
#define S(type, family, field) printf(#family "." #field " %zu %zu\n", offsetof(type, field), sizeof(((type *)0)->field))

int main(void)
{
    A(bpf_attr_map_create, map_type);
    A(bpf_attr_map_create, key_size);
    A(bpf_attr_map_create, value_size);
    A(bpf_attr_map_create, max_entries);
    A(bpf_attr_map_create, map_flags);
    A(bpf_attr_map_create, inner_map_fd);
    A(bpf_attr_map_create, numa_node);
    A(bpf_attr_map_create, map_name);
    A(bpf_attr_map_create, map_ifindex);
    A(bpf_attr_map_create, btf_fd);
    A(bpf_attr_map_create, btf_key_type_id);
    A(bpf_attr_map_create, btf_value_type_id);
    A(bpf_attr_map_create, btf_vmlinux_value_type_id);
    A(bpf_attr_map_create, map_extra);

    A(bpf_attr_map_elem, map_fd);
    A(bpf_attr_map_elem, key);
    A(bpf_attr_map_elem, value);
    A(bpf_attr_map_elem, flags);

    A(bpf_attr_batch, batch.in_batch);
    A(bpf_attr_batch, batch.out_batch);
    A(bpf_attr_batch, batch.keys);
    A(bpf_attr_batch, batch.values);
    A(bpf_attr_batch, batch.count);
    A(bpf_attr_batch, batch.map_fd);
    A(bpf_attr_batch, batch.elem_flags);
    A(bpf_attr_batch, batch.flags);

    A(bpf_attr_obj, pathname);
    A(bpf_attr_obj, bpf_fd);
    A(bpf_attr_obj, file_flags);

    A(bpf_attr_get_id, start_id);
    A(bpf_attr_get_id, next_id);
    A(bpf_attr_get_id, open_flags);

    A(bpf_attr_info, info.bpf_fd);
    A(bpf_attr_info, info.info_len);
    A(bpf_attr_info, info.info);

    A(bpf_attr_map_fd, map_fd);

    A(bpf_attr_btf_load, btf);
    A(bpf_attr_btf_load, btf_log_buf);
    A(bpf_attr_btf_load, btf_size);
    A(bpf_attr_btf_load, btf_log_size);
    A(bpf_attr_btf_load, btf_log_level);

    S(struct bpf_map_info, bpf_map_info, type);
    S(struct bpf_map_info, bpf_map_info, id);
    S(struct bpf_map_info, bpf_map_info, key_size);
    S(struct bpf_map_info, bpf_map_info, value_size);
    S(struct bpf_map_info, bpf_map_info, max_entries);
    S(struct bpf_map_info, bpf_map_info, map_flags);
    S(struct bpf_map_info, bpf_map_info, name);
    S(struct bpf_map_info, bpf_map_info, ifindex);
    S(struct bpf_map_info, bpf_map_info, btf_vmlinux_value_type_id);
    S(struct bpf_map_info, bpf_map_info, netns_dev);
    S(struct bpf_map_info, bpf_map_info, netns_ino);
    S(struct bpf_map_info, bpf_map_info, btf_id);
    S(struct bpf_map_info, bpf_map_info, btf_key_type_id);
    S(struct bpf_map_info, bpf_map_info, btf_value_type_id);
    S(struct bpf_map_info, bpf_map_info, map_extra);
    S(struct bpf_btf_info, bpf_btf_info, btf);
    S(struct bpf_btf_info, bpf_btf_info, btf_size);
    S(struct bpf_btf_info, bpf_btf_info, id);
    S(struct bpf_btf_info, bpf_btf_info, name);
    S(struct bpf_btf_info, bpf_btf_info, name_len);
    S(struct bpf_btf_info, bpf_btf_info, kernel_btf);
    printf("bpf_btf_info.sizeof 0 %zu\n", sizeof(struct bpf_btf_info));
    printf("bpf_map_info.sizeof 0 %zu\n", sizeof(struct bpf_map_info));
    /* bpf_prog_info's gpl_compatible is a bitfield (no offsetof); bpf_link_info's union grows with the kernel,
     * so only its head is compared (the C# union is larger, which the kernel accepts when the tail is zero). */
    S(struct bpf_prog_info, bpf_prog_info, type);
    S(struct bpf_prog_info, bpf_prog_info, id);
    S(struct bpf_prog_info, bpf_prog_info, tag);
    S(struct bpf_prog_info, bpf_prog_info, jited_prog_len);
    S(struct bpf_prog_info, bpf_prog_info, xlated_prog_len);
    S(struct bpf_prog_info, bpf_prog_info, jited_prog_insns);
    S(struct bpf_prog_info, bpf_prog_info, xlated_prog_insns);
    S(struct bpf_prog_info, bpf_prog_info, load_time);
    S(struct bpf_prog_info, bpf_prog_info, created_by_uid);
    S(struct bpf_prog_info, bpf_prog_info, nr_map_ids);
    S(struct bpf_prog_info, bpf_prog_info, map_ids);
    S(struct bpf_prog_info, bpf_prog_info, name);
    S(struct bpf_prog_info, bpf_prog_info, ifindex);
    S(struct bpf_prog_info, bpf_prog_info, netns_dev);
    S(struct bpf_prog_info, bpf_prog_info, netns_ino);
    S(struct bpf_prog_info, bpf_prog_info, nr_jited_ksyms);
    S(struct bpf_prog_info, bpf_prog_info, nr_jited_func_lens);
    S(struct bpf_prog_info, bpf_prog_info, jited_ksyms);
    S(struct bpf_prog_info, bpf_prog_info, jited_func_lens);
    S(struct bpf_prog_info, bpf_prog_info, btf_id);
    S(struct bpf_prog_info, bpf_prog_info, func_info_rec_size);
    S(struct bpf_prog_info, bpf_prog_info, func_info);
    S(struct bpf_prog_info, bpf_prog_info, nr_func_info);
    S(struct bpf_prog_info, bpf_prog_info, nr_line_info);
    S(struct bpf_prog_info, bpf_prog_info, line_info);
    S(struct bpf_prog_info, bpf_prog_info, jited_line_info);
    S(struct bpf_prog_info, bpf_prog_info, nr_jited_line_info);
    S(struct bpf_prog_info, bpf_prog_info, line_info_rec_size);
    S(struct bpf_prog_info, bpf_prog_info, jited_line_info_rec_size);
    S(struct bpf_prog_info, bpf_prog_info, nr_prog_tags);
    S(struct bpf_prog_info, bpf_prog_info, prog_tags);
    S(struct bpf_prog_info, bpf_prog_info, run_time_ns);
    S(struct bpf_prog_info, bpf_prog_info, run_cnt);
    S(struct bpf_prog_info, bpf_prog_info, recursion_misses);
    S(struct bpf_prog_info, bpf_prog_info, verified_insns);
    S(struct bpf_prog_info, bpf_prog_info, attach_btf_obj_id);
    S(struct bpf_prog_info, bpf_prog_info, attach_btf_id);
    printf("bpf_prog_info.sizeof 0 %zu\n", sizeof(struct bpf_prog_info));
    S(struct bpf_link_info, bpf_link_info, type);
    S(struct bpf_link_info, bpf_link_info, id);
    S(struct bpf_link_info, bpf_link_info, prog_id);
    C(BPF_MAP_CREATE);
    C(BPF_MAP_LOOKUP_ELEM);
    C(BPF_MAP_UPDATE_ELEM);
    C(BPF_MAP_DELETE_ELEM);
    C(BPF_MAP_GET_NEXT_KEY);
    C(BPF_PROG_LOAD);
    C(BPF_OBJ_PIN);
    C(BPF_OBJ_GET);
    C(BPF_PROG_TEST_RUN);
    C(BPF_MAP_GET_NEXT_ID);
    C(BPF_PROG_GET_NEXT_ID);
    C(BPF_PROG_GET_FD_BY_ID);
    C(BPF_LINK_GET_FD_BY_ID);
    C(BPF_LINK_GET_NEXT_ID);
    C(BPF_MAP_GET_FD_BY_ID);
    C(BPF_OBJ_GET_INFO_BY_FD);
    C(BPF_RAW_TRACEPOINT_OPEN);
    C(BPF_BTF_LOAD);
    C(BPF_BTF_GET_FD_BY_ID);
    C(BPF_MAP_LOOKUP_AND_DELETE_ELEM);
    C(BPF_MAP_FREEZE);
    C(BPF_MAP_LOOKUP_BATCH);
    C(BPF_MAP_LOOKUP_AND_DELETE_BATCH);
    C(BPF_MAP_UPDATE_BATCH);
    C(BPF_MAP_DELETE_BATCH);
    C(BPF_LINK_CREATE);
    S(struct statx, statx_buf, stx_mask);
    S(struct statx, statx_buf, stx_blksize);
    S(struct statx, statx_buf, stx_attributes);
    S(struct statx, statx_buf, stx_nlink);
    S(struct statx, statx_buf, stx_uid);
    S(struct statx, statx_buf, stx_gid);
    S(struct statx, statx_buf, stx_mode);
    printf("statx_buf.sizeof 0 %zu\n", sizeof(struct statx));
    return 0;
}
